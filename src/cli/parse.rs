//! argv -> what to run, driven by the flag table. Flags may come before or after the command;
//! every mistake that the table alone can tell (an unknown flag or command, a flag the command
//! does not take, a choice not offered, a value missing or given twice, an operand too many)
//! is a usage error (exit 2) with a suggestion where one fits. What each command's values
//! mean is for `args`, when the command runs.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use lexopt::Arg;

use super::suggest::closest;
use super::table::{
    CHOICE_ALIASES, COMMANDS, Cmd, CommandSpec, FLAGS, FlagSpec, Opt, command, flag_by_long,
    flag_by_short,
};
use crate::error::Error;
use crate::render::Format;
use crate::term::ColorChoice;
use crate::window::parse_duration;

/// What argv asks for.
#[derive(Debug)]
pub enum Invocation {
    /// Help: of one command, or the overview (`misused` when no command was given).
    Help {
        command: Option<&'static CommandSpec>,
        misused: bool,
    },
    Version,
    /// kingpin's hidden `--completion-bash WORDS...` (`tsh review <TAB>` through a tsh alias):
    /// candidates for the last word.
    CompletionBash {
        words: Vec<String>,
    },
    /// A command to run, with its flags and operands.
    Run {
        globals: Globals,
        cmd: Cmd,
        matches: Matches,
    },
}

#[derive(Debug)]
pub struct Globals {
    pub tsh: Option<PathBuf>,
    pub tctl: Option<PathBuf>,
    /// None for play's own formats, which are not renderers.
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub timeout: Duration,
    pub demo: bool,
}

/// The flags and operands one command was given.
#[derive(Debug)]
pub struct Matches {
    command: &'static CommandSpec,
    values: HashMap<Opt, Vec<String>>,
    operands: Vec<String>,
    /// The options a command asked about, so that a test can tell a flag that is accepted
    /// and then ignored.
    #[cfg(test)]
    pub(crate) read: std::cell::RefCell<std::collections::HashSet<Opt>>,
}

impl Matches {
    pub fn command(&self) -> &'static CommandSpec {
        self.command
    }

    #[cfg(test)]
    fn note(&self, opt: Opt) {
        self.read.borrow_mut().insert(opt);
    }

    #[cfg(not(test))]
    fn note(&self, _: Opt) {}

    pub fn has(&self, opt: Opt) -> bool {
        self.note(opt);
        self.values.contains_key(&opt)
    }

    /// The value given (the last, for a repeatable flag).
    pub fn one(&self, opt: Opt) -> Option<&str> {
        self.note(opt);
        self.values
            .get(&opt)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// The value given, else the table's default for this command: the one place a default
    /// is applied, so help shows what runs.
    pub fn value(&self, opt: Opt) -> Option<&str> {
        self.one(opt)
            .or_else(|| opt.spec().default_for(self.command.name))
    }

    pub fn all(&self, opt: Opt) -> &[String] {
        self.note(opt);
        self.values.get(&opt).map_or(&[], Vec::as_slice)
    }

    pub fn operands(&self) -> &[String] {
        &self.operands
    }
}

/// What argv said, before its command is known for sure.
#[derive(Default)]
struct Collected {
    command: Option<&'static CommandSpec>,
    values: HashMap<Opt, Vec<String>>,
    operands: Vec<String>,
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, Error> {
    let mut args = args.into_iter().peekable();
    // Answered before any parsing: the words are a half-typed command line that need not
    // parse.
    if args.peek().is_some_and(|a| a == "--completion-bash") {
        let words = args
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Ok(Invocation::CompletionBash { words });
    }
    let c = collect(args)?;
    if c.values.contains_key(&Opt::Help) {
        return Ok(Invocation::Help {
            command: c.command,
            misused: false,
        });
    }
    if c.values.contains_key(&Opt::Version) {
        return Ok(Invocation::Version);
    }
    let Some(command) = c.command else {
        return Ok(Invocation::Help {
            command: None,
            misused: true,
        });
    };
    check_scopes(&c, command)?;
    let format = c.values.get(&Opt::Format).and_then(|v| v.last());
    // play passes tsh's own formats on: its value is checked when it runs.
    if command.id != Cmd::Play
        && let Some(f) = format
    {
        check_choice(Opt::Format.spec(), f)?;
    }
    let me = super::invocation(c.values.contains_key(&Opt::Demo));
    super::formats::check(command.name, format.map(String::as_str), me)?;
    let most = if command.operands.iter().any(|o| o.many) {
        usize::MAX
    } else {
        command.operands.len()
    };
    if let Some(extra) = c.operands.get(most) {
        return Err(unexpected_operand(extra, command));
    }
    let matches = Matches {
        command,
        values: c.values,
        operands: c.operands,
        #[cfg(test)]
        read: Default::default(),
    };
    Ok(Invocation::Run {
        globals: globals(&matches)?,
        cmd: command.id,
        matches,
    })
}

fn collect(args: impl IntoIterator<Item = OsString>) -> Result<Collected, Error> {
    let mut p = lexopt::Parser::from_args(args);
    let mut c = Collected::default();
    while let Some(arg) = p.next().map_err(lexopt_error)? {
        let flag = match arg {
            Arg::Long(name) => flag_by_long(name).ok_or_else(|| unknown_flag(name, &c))?,
            Arg::Short(s) => flag_by_short(s).ok_or_else(|| {
                Error::usage(format!("unknown option -{s}"))
                    .hint("run `tsh-review --help` for the options")
            })?,
            Arg::Value(value) => {
                let value = utf8(value, "argument")?;
                if c.command.is_none() {
                    // `--demo` is seen here when it comes first, as the docs write it.
                    let me = super::invocation(c.values.contains_key(&Opt::Demo));
                    c.command = Some(command(&value).ok_or_else(|| unknown_command(&value, me))?);
                } else {
                    c.operands.push(value);
                }
                continue;
            }
        };
        let value = if flag.takes_value() {
            let (raw, attached) = match p.optional_value() {
                Some(raw) => (raw, true),
                None => (p.value().map_err(lexopt_error)?, false),
            };
            let value = utf8(raw, &format!("--{}", flag.long))?;
            // `--user --since 7d` forgot the user: not a user named `--since`. A value that
            // starts with a dash can still be given as `--user=-x` (and grep's -e takes any).
            if !attached && flag.id != Opt::Regexp && names_an_option(&value) {
                return Err(Error::usage(format!(
                    "--{} needs a value, but the next argument is the option {value}",
                    flag.long
                ))
                .hint(format!(
                    "give the value after --{0} (or as --{0}=VALUE)",
                    flag.long
                )));
            }
            value
        } else {
            String::new()
        };
        if flag.id == Opt::Label {
            check_labels(&value)?;
        }
        let values = c.values.entry(flag.id).or_default();
        if flag.takes_value() && !flag.repeatable && !values.is_empty() {
            return Err(Error::usage(format!(
                "--{} was given more than once",
                flag.long
            )));
        }
        if flag.repeatable && !flag.choices.is_empty() {
            // `--kind k8s,db` means `--kind k8s --kind db`.
            for word in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                let word = canonical_choice(flag, word);
                check_choice(flag, word)?;
                values.push(word.to_owned());
            }
            continue;
        }
        // --format's choices depend on the command (play has its own): checked once it is known.
        if !flag.choices.is_empty() && flag.id != Opt::Format {
            let word = canonical_choice(flag, &value);
            check_choice(flag, word)?;
            values.push(word.to_owned());
            continue;
        }
        values.push(value);
    }
    Ok(c)
}

/// `--label K=V,...` as tctl reads it: checked here, so that a typo is a usage error that says
/// what to type, not tctl's failure.
fn check_labels(spec: &str) -> Result<(), Error> {
    crate::teleport::labels::parse(spec)
        .map(drop)
        .map_err(|piece| {
            Error::usage(format!("--label {spec:?}: {piece:?} is not KEY=VALUE"))
                .hint("e.g. --label env=prod, or --label env=prod,team=payments for both")
        })
}

/// Whether `arg` is one of our options as typed (`--since`, `--since=7d`, `-j`).
fn names_an_option(arg: &str) -> bool {
    if let Some(long) = arg.strip_prefix("--") {
        let name = long.split_once('=').map_or(long, |(name, _)| name);
        return flag_by_long(name).is_some();
    }
    let mut short = arg.chars();
    matches!(
        (short.next(), short.next(), short.next()),
        (Some('-'), Some(c), None) if flag_by_short(c).is_some()
    )
}

fn utf8(value: OsString, what: &str) -> Result<String, Error> {
    value.into_string().map_err(|raw| {
        Error::usage(format!(
            "{what} is not valid UTF-8: {}",
            raw.to_string_lossy()
        ))
    })
}

fn lexopt_error(e: lexopt::Error) -> Error {
    Error::usage(e.to_string()).hint("run `tsh-review --help` for the options")
}

fn unknown_flag(name: &str, c: &Collected) -> Error {
    let scoped = FLAGS
        .iter()
        .filter(|f| !f.hidden() && c.command.is_none_or(|cmd| f.applies_to(cmd.name)));
    let err = Error::usage(format!("unknown option --{name}"));
    match closest(name, scoped.map(|f| f.long)) {
        Some(near) => err.hint(format!("did you mean --{near}?")),
        None => err.hint("run `tsh-review --help` for the options"),
    }
}

/// `me` starts the suggested command (`--demo` kept).
fn unknown_command(word: &str, me: &str) -> Error {
    let names = COMMANDS
        .iter()
        .filter(|c| !c.hidden)
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()));
    let err = Error::usage(format!("unknown command {word:?}"));
    match closest(word, names) {
        Some(near) => err.hint(format!("did you mean `{me} {near}`?")),
        None => err.hint("run `tsh-review --help` for the commands"),
    }
}

fn unexpected_operand(word: &str, command: &CommandSpec) -> Error {
    let takes = match command.operands {
        [] => "no arguments".to_owned(),
        ops => format!(
            "{} argument(s) ({})",
            ops.len(),
            ops.iter().map(|o| o.name).collect::<Vec<_>>().join(" ")
        ),
    };
    Error::usage(format!(
        "`{}` takes {takes}, but also got {word:?}",
        command.name
    ))
    .hint(format!(
        "run `tsh-review help {}` for its options",
        command.name
    ))
}

/// The choice a word means, through the table's aliases (`kube` is `k8s`).
fn canonical_choice<'a>(flag: &FlagSpec, word: &'a str) -> &'a str {
    CHOICE_ALIASES
        .iter()
        .find(|(f, alias, _)| *f == flag.long && *alias == word)
        .map_or(word, |&(_, _, choice)| choice)
}

fn check_choice(flag: &FlagSpec, value: &str) -> Result<(), Error> {
    if flag.choices.contains(&value) {
        return Ok(());
    }
    let err = Error::usage(format!(
        "--{} {value:?} is not one of: {}",
        flag.long,
        flag.choices.join(", ")
    ));
    Err(match closest(value, flag.choices.iter().copied()) {
        Some(near) => err.hint(format!("did you mean --{} {near}?", flag.long)),
        None => err,
    })
}

fn check_scopes(c: &Collected, command: &CommandSpec) -> Result<(), Error> {
    let mut given: Vec<Opt> = c.values.keys().copied().collect();
    given.sort_unstable();
    for opt in given {
        let flag = opt.spec();
        if !flag.applies_to(command.name) {
            return Err(Error::usage(format!(
                "--{} does not apply to `{}`",
                flag.long, command.name
            ))
            .hint(format!(
                "run `tsh-review help {}` for its options",
                command.name
            )));
        }
    }
    Ok(())
}

fn globals(m: &Matches) -> Result<Globals, Error> {
    let timeout = match m.value(Opt::Timeout) {
        Some(text) => parse_duration(text).map_err(|e| {
            // A bare number is seconds to most programs: say which unit, in a timeout's terms.
            if text.trim().parse::<f64>().is_ok() {
                Error::usage(format!("--timeout {text:?} needs a unit"))
                    .hint(format!("e.g. --timeout {}s or --timeout 5m", text.trim()))
            } else {
                Error::usage(format!("--timeout: {e}"))
            }
        })?,
        // The table gives --timeout a default: this never applies.
        None => jiff::SignedDuration::ZERO,
    };
    Ok(Globals {
        tsh: m.one(Opt::Tsh).map(PathBuf::from),
        tctl: m.one(Opt::Tctl).map(PathBuf::from),
        format: m.one(Opt::Format).and_then(Format::parse),
        color: m
            .value(Opt::Color)
            .and_then(ColorChoice::parse)
            .unwrap_or(ColorChoice::Auto),
        timeout: timeout.unsigned_abs(),
        demo: m.has(Opt::Demo),
    })
}
