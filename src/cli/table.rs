//! The one table of commands and flags. The parser, `--help`, and (later) the man page and the
//! completion scripts are all generated from it, so they cannot drift apart.

/// What a shell should offer when completing a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Complete {
    Nothing,
    /// One of `FlagSpec::choices`.
    Choices,
    File,
    Directory,
    Executable,
    /// A session id from the local cache.
    SessionId,
    Command,
}

/// Which commands a flag applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Commands(&'static [&'static str]),
}

#[derive(Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's name in help text; `None` for a switch.
    pub value: Option<&'static str>,
    pub help: &'static str,
    pub choices: &'static [&'static str],
    /// The default as a user would type it, shown in help and the man page.
    pub default: Option<&'static str>,
    pub env: Option<&'static str>,
    pub scope: Scope,
    pub complete: Complete,
    pub repeatable: bool,
}

#[derive(Debug)]
pub struct Operand {
    pub name: &'static str,
    pub help: &'static str,
    pub required: bool,
    pub complete: Complete,
}

#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// One line for command lists.
    pub summary: &'static str,
    /// What the command is for, for `help COMMAND` and the man page.
    pub about: &'static str,
    pub operands: &'static [Operand],
    pub examples: &'static [(&'static str, &'static str)],
}

impl FlagSpec {
    pub fn applies_to(&self, command: &str) -> bool {
        match self.scope {
            Scope::Global => true,
            Scope::Commands(names) => names.contains(&command),
        }
    }

    pub fn takes_value(&self) -> bool {
        self.value.is_some()
    }
}

/// Exit statuses, documented in `--help` and the man page.
pub const EXIT_STATUSES: &[(i32, &str)] = &[
    (0, "success (an empty result is a success)"),
    (
        1,
        "runtime failure (tctl/tsh failed, timed out, or printed unexpected output)",
    ),
    (2, "usage error"),
    (
        3,
        "not logged in, or the Teleport login expired: run `tsh login`",
    ),
    (
        4,
        "access denied: your role lacks `session` `list, read` (see `auditor`)",
    ),
];

pub const FORMATS: &[&str] = &["table", "tsv", "markdown", "csv", "json"];
pub const KINDS: &[&str] = &["ssh", "k8s", "db", "desktop", "app"];

const LISTINGS: &[&str] = &["recent"];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "recent",
        aliases: &["ls"],
        summary: "List recorded sessions in a time window (every edition)",
        about: "Lists the session recordings that ended in a time window (default: the last 24 \
                hours), newest first, using `tctl recordings ls`. Works on every Teleport \
                edition. SSH, Kubernetes, database, desktop and app sessions are normalized \
                into one record; app session chunks are grouped into one session each. \
                Windows longer than 365 days are split into several tctl calls and merged.",
        operands: &[],
        examples: &[
            (
                "tsh-review recent",
                "sessions that ended in the last 24 hours",
            ),
            (
                "tsh-review recent --since 7d --kind ssh --user alice",
                "alice's SSH sessions of the last week",
            ),
            (
                "tsh-review ls --from 2026-06-01 --to 2026-06-30 --format csv",
                "June as CSV (--to is inclusive)",
            ),
        ],
    },
    CommandSpec {
        name: "help",
        aliases: &[],
        summary: "Show help for tsh-review or one of its commands",
        about: "Shows the overview, or the full help of one command.",
        operands: &[Operand {
            name: "COMMAND",
            help: "the command to explain",
            required: false,
            complete: Complete::Command,
        }],
        examples: &[("tsh-review help recent", "all options of `recent`")],
    },
];

pub static FLAGS: &[FlagSpec] = &[
    FlagSpec {
        long: "tsh",
        short: None,
        value: Some("PATH"),
        help: "Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)",
        choices: &[],
        default: None,
        env: Some("TSH"),
        scope: Scope::Global,
        complete: Complete::Executable,
        repeatable: false,
    },
    FlagSpec {
        long: "tctl",
        short: None,
        value: Some("PATH"),
        help: "Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)",
        choices: &[],
        default: None,
        env: Some("TCTL"),
        scope: Scope::Global,
        complete: Complete::Executable,
        repeatable: false,
    },
    FlagSpec {
        long: "format",
        short: None,
        value: Some("FORMAT"),
        help: "Output format (default: table on a terminal, tsv when piped)",
        choices: FORMATS,
        default: None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        long: "color",
        short: None,
        value: Some("WHEN"),
        help: "Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)",
        choices: &["auto", "always", "never"],
        default: Some("auto"),
        env: None,
        scope: Scope::Global,
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        long: "timeout",
        short: None,
        value: Some("DURATION"),
        help: "Limit for each tsh/tctl call; on expiry the call is killed",
        choices: &[],
        default: Some("2m"),
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "demo",
        short: None,
        value: None,
        help: "Use the built-in sample cluster instead of tctl (no Teleport needed)",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "since",
        short: None,
        value: Some("DURATION"),
        help: "Window ending now: 90m, 24h, 7d, 2w",
        choices: &[],
        default: Some("24h"),
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "from",
        short: None,
        value: Some("DATE"),
        help: "Window start: YYYY-MM-DD (UTC midnight) or RFC3339",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "to",
        short: None,
        value: Some("DATE"),
        help: "Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "limit",
        short: None,
        value: Some("N"),
        help: "Most sessions to ask tctl for, per call (like tctl's --limit)",
        choices: &[],
        default: Some("50"),
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "kind",
        short: None,
        value: Some("KIND"),
        help: "Only sessions of this kind",
        choices: KINDS,
        default: None,
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Choices,
        repeatable: true,
    },
    FlagSpec {
        long: "user",
        short: None,
        value: Some("USER"),
        help: "Only sessions of this Teleport user",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Commands(LISTINGS),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "help",
        short: Some('h'),
        value: None,
        help: "Show help (also: tsh-review help COMMAND)",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        long: "version",
        short: Some('V'),
        value: None,
        help: "Show the version",
        choices: &[],
        default: None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
];

pub fn command(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

pub fn flag_by_long(long: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.long == long)
}

pub fn flag_by_short(short: char) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.short == Some(short))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let mut longs = HashSet::new();
        let mut shorts = HashSet::new();
        for f in FLAGS {
            assert!(longs.insert(f.long), "duplicate flag --{}", f.long);
            if let Some(s) = f.short {
                assert!(shorts.insert(s), "duplicate flag -{s}");
            }
        }
        let mut names = HashSet::new();
        for c in COMMANDS {
            for n in std::iter::once(&c.name).chain(c.aliases) {
                assert!(names.insert(*n), "duplicate command name {n}");
            }
        }
    }

    #[test]
    fn every_flag_and_command_is_documented() {
        for f in FLAGS {
            assert!(!f.help.is_empty(), "--{} has no help", f.long);
            assert!(
                f.long.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "--{} is not kebab-case",
                f.long
            );
        }
        for c in COMMANDS {
            assert!(!c.summary.is_empty() && !c.about.is_empty(), "{}", c.name);
            assert!(!c.examples.is_empty(), "{} has no example", c.name);
        }
    }

    #[test]
    fn choices_and_defaults_agree() {
        for f in FLAGS {
            if !f.choices.is_empty() {
                assert!(f.takes_value(), "--{} has choices but no value", f.long);
                assert_eq!(f.complete, Complete::Choices, "--{}", f.long);
                if let Some(d) = f.default {
                    assert!(f.choices.contains(&d), "--{} default {d}", f.long);
                }
            }
            if f.default.is_some() || f.repeatable {
                assert!(f.takes_value(), "--{} is a switch", f.long);
            }
        }
    }

    #[test]
    fn scopes_name_real_commands() {
        for f in FLAGS {
            if let Scope::Commands(names) = f.scope {
                for n in names {
                    assert!(command(n).is_some(), "--{} names unknown {n}", f.long);
                }
            }
        }
    }
}
