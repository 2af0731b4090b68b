//! Which commands `--format` means something to. The flag is global (it goes before or after
//! the command), so the flag table's scopes cannot say it; a command that would print the
//! same text whatever was asked refuses it instead of quietly ignoring it.

use super::table::COMPLETE_IDS;
use crate::error::Error;

/// Commands whose output is rendered in every `--format` (table, tsv, markdown, csv, json).
const RENDERED: &[&str] = &[
    "recent",
    "search",
    "triage",
    "compliance",
    "hunt",
    "pivot",
    "request",
    "show",
    "doctor",
    "grep",
];

/// Commands that read `--format` themselves: play passes tsh's own formats on, and the
/// hidden completion helper takes `tsv` for descriptions.
const OWN: &[&str] = &["play", COMPLETE_IDS];

/// A usage error when `--format` was given to a command it means nothing to. `me` starts a
/// suggested command (`--demo` kept).
pub fn check(command: &str, format: Option<&str>, me: &str) -> Result<(), Error> {
    if format.is_none() || RENDERED.contains(&command) || OWN.contains(&command) {
        return Ok(());
    }
    let (prints, hint) = match command {
        "link" => (
            "it prints one URL",
            format!("leave --format out; `{me} show SID --format json` has the link as web_url"),
        ),
        "download" => ("it writes a recording file", "leave --format out".into()),
        "man" => ("it prints the man page (roff)", "leave --format out".into()),
        "completions" | "init" => ("it prints a shell script", "leave --format out".into()),
        _ => ("its output has one form", "leave --format out".into()),
    };
    Err(Error::usage(format!("--format does not apply to `{command}`: {prints}")).hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::table::COMMANDS;

    #[test]
    fn every_command_either_renders_formats_or_refuses_them() {
        for c in COMMANDS {
            let refused = check(c.name, Some("json"), "tsh-review").is_err();
            let takes = RENDERED.contains(&c.name) || OWN.contains(&c.name);
            assert_eq!(refused, !takes, "{}", c.name);
            assert!(check(c.name, None, "tsh-review").is_ok(), "{}", c.name);
        }
        for name in RENDERED.iter().chain(OWN) {
            assert!(
                COMMANDS.iter().any(|c| c.name == *name),
                "{name} is not a command"
            );
        }
        let e = check("link", Some("json"), "tsh-review").unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("--format does not apply to `link`"));
        // The command it suggests runs against the same source: the demo's keeps --demo.
        let e = check("link", Some("json"), "tsh-review --demo").unwrap_err();
        assert!(
            e.next
                .as_deref()
                .is_some_and(|n| n.contains("`tsh-review --demo show SID --format json`")),
            "{:?}",
            e.next
        );
    }
}
