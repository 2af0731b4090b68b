//! Shell completion scripts, generated from the command table by build.rs with clap_complete
//! and embedded deflated (src/packed.rs): the binary carries no clap. Committed copies live in
//! completions/.
//! What the scripts ask the binary at TAB time is answered outside cli/ (src/complete.rs), as
//! it reads the cache.

use crate::error::Error;
use crate::packed::{Packed, packed};

static BASH: Packed = packed!("tsh-review.bash");
static ZSH: Packed = packed!("_tsh-review");
static FISH: Packed = packed!("tsh-review.fish");
static ELVISH: Packed = packed!("tsh-review.elv");
static POWERSHELL: Packed = packed!("_tsh-review.ps1");

/// The script for one of `table::SHELLS`; None for any other name.
pub fn script(shell: &str) -> Option<Result<&'static str, Error>> {
    let packed = match shell {
        "bash" => &BASH,
        "zsh" => &ZSH,
        "fish" => &FISH,
        "elvish" => &ELVISH,
        "powershell" => &POWERSHELL,
        _ => return None,
    };
    Some(packed.text())
}

// The `init` snippets: tsh-review's completion plus a wrapper around tsh's own completion so
// that `tsh play <TAB>` offers cached session ids. Kept as shell files (src/shell/) so they can
// be read, linted and syntax-checked as what they are, not as Rust strings.
const INIT_BASH: &str = include_str!("../shell/init.bash");
const INIT_ZSH: &str = include_str!("../shell/init.zsh");
const INIT_FISH: &str = include_str!("../shell/init.fish");

/// The start-up snippet for one of `table::INIT_SHELLS`: the completion script, then the tsh
/// wrapper. None for any other name.
pub fn init(shell: &str) -> Option<Result<String, Error>> {
    let wrapper = match shell {
        "bash" => INIT_BASH,
        "zsh" => INIT_ZSH,
        "fish" => INIT_FISH,
        _ => return None,
    };
    Some(script(shell)?.map(|script| format!("{script}\n{wrapper}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::table::SHELLS;

    #[test]
    fn every_shell_has_a_script() {
        for shell in SHELLS {
            assert!(
                script(shell).is_some_and(|s| s.unwrap().contains("tsh-review")),
                "{shell}"
            );
        }
        assert!(script("tcsh").is_none());
    }

    /// build.rs rewrites clap_complete 4.6.11's bash, whose per-subcommand `case` labels do
    /// not match the `cmd` it computes when the binary name has a hyphen (clap-rs/clap#6421).
    /// When this fails, upstream changed: check whether the fix in build.rs is still needed.
    #[test]
    fn upstream_bash_still_needs_the_hyphen_fix() {
        let upstream = include_str!(concat!(env!("OUT_DIR"), "/tsh-review.upstream.bash"));
        assert!(
            upstream.contains("tsh__subcmd__review__subcmd__play)")
                && upstream.contains("cmd=\"tsh__review__subcmd__play\""),
            "clap_complete's bash generator changed (clap-rs/clap#6421 fixed?): \
             revisit the rewrite in build.rs"
        );
        let bash = BASH.text().unwrap();
        assert!(!bash.contains("tsh__subcmd__review"));
        assert!(bash.contains("tsh__review__subcmd__play)"));
    }
}
