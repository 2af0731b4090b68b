//! Shell completion scripts, generated from the command table by build.rs with clap_complete
//! and embedded as text: the binary carries no clap. Committed copies live in completions/.

use jiff::Timestamp;

use crate::cache::{self, Entry, Scope};
use crate::session::Kind;
use crate::text::sanitize::escape;

const BASH: &str = include_str!(concat!(env!("OUT_DIR"), "/tsh-review.bash"));
const ZSH: &str = include_str!(concat!(env!("OUT_DIR"), "/_tsh-review"));
const FISH: &str = include_str!(concat!(env!("OUT_DIR"), "/tsh-review.fish"));
const ELVISH: &str = include_str!(concat!(env!("OUT_DIR"), "/tsh-review.elv"));
const POWERSHELL: &str = include_str!(concat!(env!("OUT_DIR"), "/_tsh-review.ps1"));

/// The script for one of `table::SHELLS`; None for any other name.
pub fn script(shell: &str) -> Option<&'static str> {
    match shell {
        "bash" => Some(BASH),
        "zsh" => Some(ZSH),
        "fish" => Some(FISH),
        "elvish" => Some(ELVISH),
        "powershell" => Some(POWERSHELL),
        _ => None,
    }
}

// The `init` snippets: tsh-review's completion plus a wrapper around tsh's own completion so
// that `tsh play <TAB>` offers cached session ids. Kept as shell files (src/shell/) so they can
// be read, linted and syntax-checked as what they are, not as Rust strings.
const INIT_BASH: &str = include_str!("../shell/init.bash");
const INIT_ZSH: &str = include_str!("../shell/init.zsh");
const INIT_FISH: &str = include_str!("../shell/init.fish");

/// The start-up snippet for one of `table::INIT_SHELLS`: the completion script, then the tsh
/// wrapper. None for any other name.
pub fn init(shell: &str) -> Option<String> {
    let wrapper = match shell {
        "bash" => INIT_BASH,
        "zsh" => INIT_ZSH,
        "fish" => INIT_FISH,
        _ => return None,
    };
    Some(format!(
        "{}
{wrapper}",
        script(shell)?
    ))
}

/// The answer of the hidden `__complete-ids` for the completion scripts, one candidate a line:
/// cached session ids starting with `prefix`, newest first (bare for bash; with `describe`,
/// `id<TAB>user@target kind start` for zsh and fish), or with `field` the cached users or
/// targets. Only the cache is read: this runs at every TAB and must never wait on the network.
pub fn answer(
    scope: Scope,
    prefix: &str,
    describe: bool,
    playable: bool,
    field: Option<&str>,
) -> String {
    let mut text = String::new();
    if let Some(field) = field {
        let pick: fn(&Entry) -> &str = match field {
            "user" => |e| &e.user,
            _ => |e| &e.target,
        };
        for name in cache::distinct(scope, pick) {
            if name.starts_with(prefix) && plain_word(&name) {
                text.push_str(&name);
                text.push('\n');
            }
        }
        return text;
    }
    for e in cache::matching(scope, prefix) {
        if playable && !tsh_can_play(&e) {
            continue;
        }
        text.push_str(&e.id);
        if describe {
            let start = e
                .start_ms
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let about = format!("{}@{} {} {start}", e.user, e.target, e.kind);
            let about = escape(about.trim_end()).replace(['\t', '\n', '\r'], " ");
            text.push('\t');
            text.push_str(&about);
        }
        text.push('\n');
    }
    text
}

/// Offering a session that tsh cannot play (a desktop, an app, a kind this version does not
/// know, an unrecorded session) on `tsh play <TAB>` only leads to an error.
fn tsh_can_play(e: &Entry) -> bool {
    Kind::parse(&e.kind).is_some_and(Kind::plays_in_tsh) && e.recorded != Some(false)
}

/// Whether a shell takes `name` as one plain word. Users and hosts come from the cluster, and
/// completion types them into a command line the user is about to run: a name with a quote,
/// `$`, `;`, a space or an invisible character is not offered at all, nor one that would read
/// as a flag.
pub fn plain_word(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
        && escape(name) == name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::table::SHELLS;

    #[test]
    fn only_plain_words_are_offered() {
        for ok in [
            "alice",
            "bob@example.com",
            "web-01.prod",
            "db_02",
            "ci+deploy",
            "wеb-01",
        ] {
            assert!(plain_word(ok), "{ok}");
        }
        for bad in [
            "",
            "-rf",
            "a b",
            "$(reboot)",
            "x;y",
            "it's",
            "\u{202e}dorp.10-bew",
            "web\u{200b}01",
            "a\u{301}",
            "web-01:22",
        ] {
            assert!(!plain_word(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_shell_has_a_script() {
        for shell in SHELLS {
            assert!(
                script(shell).is_some_and(|s| s.contains("tsh-review")),
                "{shell}"
            );
        }
        assert_eq!(script("tcsh"), None);
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
        assert!(!BASH.contains("tsh__subcmd__review"));
        assert!(BASH.contains("tsh__review__subcmd__play)"));
    }
}
