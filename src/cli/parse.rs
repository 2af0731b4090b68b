//! argv -> a typed invocation, driven by the flag table. Flags may come before or after the
//! command; every mistake is a usage error (exit 2) with a suggestion where one fits.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use lexopt::Arg;

use super::suggest::closest;
use super::table::{COMMANDS, CommandSpec, FLAGS, FlagSpec, command, flag_by_long, flag_by_short};
use crate::error::Error;
use crate::render::Format;
use crate::review::compliance::ComplianceArgs;
use crate::review::hunt::{HuntArgs, Sweep, technique};
use crate::review::pivot::PivotArgs;
use crate::review::recent::RecentArgs;
use crate::review::request::RequestArgs;
use crate::review::search::SearchArgs;
use crate::review::triage::TriageArgs;
use crate::session::{Kind, Severity};
use crate::teleport::search::SearchQuery;
use crate::term::ColorChoice;
use crate::window::{WindowArgs, parse_duration};

#[derive(Debug)]
pub struct Invocation {
    pub globals: Globals,
    pub action: Action,
}

#[derive(Debug)]
pub struct Globals {
    pub tsh: Option<PathBuf>,
    pub tctl: Option<PathBuf>,
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub timeout: Duration,
    pub demo: bool,
}

// Built once per run: boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Action {
    /// `misused` is set when help is shown because no command was given.
    Help {
        command: Option<&'static CommandSpec>,
        misused: bool,
    },
    Version,
    Recent(RecentArgs),
    Search(SearchArgs),
    Triage(TriageArgs),
    Compliance(ComplianceArgs),
    Hunt(HuntArgs),
    HuntList,
    Pivot(PivotArgs),
    Request(RequestArgs),
    Doctor {
        insecure: bool,
    },
    /// The session as typed (resolved against the cache when run).
    Show {
        sid: String,
    },
    Play {
        sid: String,
        speed: Option<String>,
        format: Option<String>,
    },
    Download {
        sid: String,
        output: Option<PathBuf>,
        yes: bool,
        force: bool,
    },
    Man,
    /// Print the completion script for one of `table::SHELLS`.
    Completions {
        shell: String,
    },
    /// Print the start-up snippet for one of `table::INIT_SHELLS`.
    Init {
        shell: String,
    },
    /// The hidden `--completion-bash WORDS...` (kingpin's protocol, for `tsh review <TAB>`
    /// through a tsh alias): candidates for the last word.
    CompletionBash {
        words: Vec<String>,
    },
    /// The hidden `__complete-ids`: cached ids (or users, or targets) for the completion
    /// scripts.
    CompleteIds {
        prefix: String,
        describe: bool,
        playable: bool,
        field: Option<String>,
    },
    Link {
        sid: String,
    },
}

/// What argv said, before typing.
#[derive(Default)]
struct Matches {
    command: Option<&'static CommandSpec>,
    values: HashMap<&'static str, Vec<String>>,
    operands: Vec<String>,
}

impl Matches {
    fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    fn one(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    fn all(&self, long: &str) -> &[String] {
        self.values.get(long).map_or(&[], Vec::as_slice)
    }
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, Error> {
    let mut args = args.into_iter().peekable();
    // kingpin's hidden completion protocol, as tsh calls it through an alias: answered before
    // any parsing, because the words are a half-typed command line that need not parse.
    if args.peek().is_some_and(|a| a == "--completion-bash") {
        let words = args
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Ok(Invocation {
            globals: globals(&Matches::default())?,
            action: Action::CompletionBash { words },
        });
    }
    let m = collect(args)?;
    let globals = globals(&m)?;
    let command = m.command;
    if m.has("help") {
        return Ok(Invocation {
            globals,
            action: Action::Help {
                command,
                misused: false,
            },
        });
    }
    if m.has("version") {
        return Ok(Invocation {
            globals,
            action: Action::Version,
        });
    }
    let Some(command) = command else {
        return Ok(Invocation {
            globals,
            action: Action::Help {
                command: None,
                misused: true,
            },
        });
    };
    check_scopes(&m, command)?;
    if command.name != "play"
        && let Some(f) = m.one("format")
    {
        check_choice(flag_by_long("format").expect("in the table"), f)?;
    }
    super::formats::check(command.name, m.one("format"))?;
    let action = match command.name {
        "help" => Action::Help {
            command: help_topic(&m)?,
            misused: false,
        },
        "recent" => Action::Recent(recent(&m)?),
        "search" => Action::Search(search(&m)?),
        "triage" => Action::Triage(triage(&m)?),
        "compliance" => Action::Compliance(compliance(&m)?),
        "hunt" => hunt(&m)?,
        "pivot" => Action::Pivot(pivot(&m)?),
        "request" => Action::Request(request(&m)?),
        "show" => Action::Show { sid: sid(&m)? },
        "play" => Action::Play {
            sid: sid(&m)?,
            speed: owned(&m, "speed"),
            format: play_format(&m)?,
        },
        "download" => Action::Download {
            sid: sid(&m)?,
            output: m.one("output").map(PathBuf::from),
            yes: m.has("yes"),
            force: m.has("force"),
        },
        "link" => Action::Link { sid: sid(&m)? },
        "man" => Action::Man,
        "completions" => Action::Completions {
            shell: shell(&m, "completions", super::table::SHELLS)?,
        },
        "init" => Action::Init {
            shell: shell(&m, "init", super::table::INIT_SHELLS)?,
        },
        super::table::COMPLETE_IDS => Action::CompleteIds {
            prefix: m.operands.first().cloned().unwrap_or_default(),
            describe: m.one("format") == Some("tsv"),
            playable: m.has("playable"),
            field: owned(&m, "field"),
        },
        "doctor" => Action::Doctor {
            insecure: m.has("insecure"),
        },
        other => unreachable!("command {other} is in the table but not dispatched"),
    };
    let most = if command.operands.iter().any(|o| o.many) {
        usize::MAX
    } else {
        command.operands.len()
    };
    if let Some(extra) = m.operands.get(most) {
        return Err(unexpected_operand(extra, command));
    }
    Ok(Invocation { globals, action })
}

fn collect(args: impl IntoIterator<Item = OsString>) -> Result<Matches, Error> {
    let mut p = lexopt::Parser::from_args(args);
    let mut m = Matches::default();
    while let Some(arg) = p.next().map_err(lexopt_error)? {
        let flag = match arg {
            Arg::Long(name) => flag_by_long(name).ok_or_else(|| unknown_flag(name, &m))?,
            Arg::Short(c) => flag_by_short(c).ok_or_else(|| {
                Error::usage(format!("unknown option -{c}"))
                    .hint("run `tsh-review --help` for the options")
            })?,
            Arg::Value(value) => {
                let value = utf8(value, "argument")?;
                if m.command.is_none() {
                    m.command = Some(command(&value).ok_or_else(|| unknown_command(&value))?);
                } else {
                    m.operands.push(value);
                }
                continue;
            }
        };
        let value = if flag.takes_value() {
            let raw = p.value().map_err(lexopt_error)?;
            utf8(raw, &format!("--{}", flag.long))?
        } else {
            String::new()
        };
        let values = m.values.entry(flag.long).or_default();
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
        if !flag.choices.is_empty() && flag.long != "format" {
            let word = canonical_choice(flag, &value);
            check_choice(flag, word)?;
            values.push(word.to_owned());
            continue;
        }
        values.push(value);
    }
    Ok(m)
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

fn unknown_flag(name: &str, m: &Matches) -> Error {
    let scoped = FLAGS
        .iter()
        .filter(|f| m.command.is_none_or(|c| f.applies_to(c.name)));
    let err = Error::usage(format!("unknown option --{name}"));
    match closest(name, scoped.map(|f| f.long)) {
        Some(near) => err.hint(format!("did you mean --{near}?")),
        None => err.hint("run `tsh-review --help` for the options"),
    }
}

fn unknown_command(word: &str) -> Error {
    let names = COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()));
    let err = Error::usage(format!("unknown command {word:?}"));
    match closest(word, names) {
        Some(near) => err.hint(format!("did you mean `tsh-review {near}`?")),
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
    super::table::CHOICE_ALIASES
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

fn check_scopes(m: &Matches, command: &CommandSpec) -> Result<(), Error> {
    let mut given: Vec<&str> = m.values.keys().copied().collect();
    given.sort_unstable();
    for long in given {
        let flag = flag_by_long(long).expect("collected from the table");
        if !flag.applies_to(command.name) {
            return Err(
                Error::usage(format!("--{long} does not apply to `{}`", command.name)).hint(
                    format!("run `tsh-review help {}` for its options", command.name),
                ),
            );
        }
    }
    Ok(())
}

fn globals(m: &Matches) -> Result<Globals, Error> {
    let timeout = match value(m, "timeout") {
        Some(text) => parse_duration(text).map_err(|e| Error::usage(format!("--timeout: {e}")))?,
        None => jiff::SignedDuration::ZERO,
    };
    Ok(Globals {
        tsh: m.one("tsh").map(PathBuf::from),
        tctl: m.one("tctl").map(PathBuf::from),
        // None for play's own formats, which are not renderers.
        format: m.one("format").and_then(Format::parse),
        color: value(m, "color")
            .and_then(ColorChoice::parse)
            .unwrap_or(ColorChoice::Auto),
        timeout: timeout.unsigned_abs(),
        demo: m.has("demo"),
    })
}

fn help_topic(m: &Matches) -> Result<Option<&'static CommandSpec>, Error> {
    match m.operands.as_slice() {
        [] => Ok(None),
        [topic] => command(topic)
            .map(Some)
            .ok_or_else(|| unknown_command(topic)),
        [_, extra, ..] => Err(Error::usage(format!(
            "`help` takes one command, but also got {extra:?}"
        ))),
    }
}

/// The value given for `--long`, else the table's default for the command being parsed: the
/// one place a default is applied, so help shows what runs.
fn value<'a>(m: &'a Matches, long: &str) -> Option<&'a str> {
    m.one(long).or_else(|| {
        let command = m.command.map_or("", |c| c.name);
        flag_by_long(long)?.default_for(command)
    })
}

fn window(m: &Matches) -> WindowArgs {
    let from = m.one("from").map(String::from);
    WindowArgs {
        // The default span applies unless the window has a start of its own.
        since: if from.is_none() {
            value(m, "since").map(String::from)
        } else {
            m.one("since").map(String::from)
        },
        from,
        to: m.one("to").map(String::from),
    }
}

fn limit(m: &Matches) -> Result<Option<u32>, Error> {
    value(m, "limit")
        .map(|text| {
            text.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
                Error::usage(format!("--limit {text:?} is not a whole number above 0"))
            })
        })
        .transpose()
}

/// For commands that keep the best matches: the table gives them a default.
fn best(m: &Matches) -> Result<u32, Error> {
    Ok(limit(m)?.unwrap_or(crate::review::fetch::SEARCH_PAGE))
}

fn recent(m: &Matches) -> Result<RecentArgs, Error> {
    Ok(RecentArgs {
        window: window(m),
        limit: limit(m)?,
        kinds: m
            .all("kind")
            .iter()
            .map(|k| Kind::parse(k).expect("choices checked"))
            .collect(),
        user: m.one("user").map(String::from),
    })
}

fn kinds(m: &Matches, searchable: bool) -> Result<Vec<Kind>, Error> {
    let kinds: Vec<Kind> = m
        .all("kind")
        .iter()
        .map(|k| Kind::parse(k).expect("choices checked"))
        .collect();
    if searchable && kinds.contains(&Kind::App) {
        return Err(Error::usage(
            "--kind app: app sessions are not summarized, so search cannot find them",
        )
        .hint("use `tsh-review recent --kind app`"));
    }
    Ok(kinds)
}

fn severity(m: &Matches) -> Option<Severity> {
    value(m, "min-severity").map(|v| {
        [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|s| s.as_str() == v)
        .expect("choices checked")
    })
}

fn owned(m: &Matches, long: &str) -> Option<String> {
    m.one(long).map(String::from)
}

fn search(m: &Matches) -> Result<SearchArgs, Error> {
    let query = SearchQuery {
        words: m.operands.clone(),
        kinds: kinds(m, true)?,
        username: owned(m, "username"),
        roles: m.all("role").to_vec(),
        resource_kind: owned(m, "resource-kind"),
        resource_name: owned(m, "resource-name"),
        labels: owned(m, "label"),
        access_requests: m.all("access-request").to_vec(),
        server_hostname: owned(m, "server-hostname"),
        server_addr: owned(m, "server-addr"),
        pod_namespace: owned(m, "pod-namespace"),
        pod_name: owned(m, "pod-name"),
        database_name: owned(m, "database-name"),
        search_mode: owned(m, "search-mode"),
        limit: best(m)?,
        ..SearchQuery::default()
    };
    query.check().map_err(Error::usage)?;
    Ok(SearchArgs {
        window: window(m),
        query,
        min_severity: severity(m),
        no_fallback: m.has("no-fallback"),
    })
}

fn triage(m: &Matches) -> Result<TriageArgs, Error> {
    Ok(TriageArgs {
        window: window(m),
        limit: limit(m)?,
        min_severity: severity(m).unwrap_or(Severity::Low),
        kinds: kinds(m, true)?,
        unscored: m.has("unscored"),
        no_fallback: m.has("no-fallback"),
    })
}

fn compliance(m: &Matches) -> Result<ComplianceArgs, Error> {
    Ok(ComplianceArgs {
        quarter: owned(m, "quarter"),
        window: window(m),
        labels: value(m, "label").unwrap_or_default().to_owned(),
        kinds: kinds(m, true)?,
        limit: limit(m)?,
        no_fallback: m.has("no-fallback"),
    })
}

fn hunt(m: &Matches) -> Result<Action, Error> {
    let technique_word = m.operands.first();
    let chosen = [
        technique_word.is_some(),
        m.has("query"),
        m.has("keyword"),
        m.has("list"),
    ];
    if chosen.iter().filter(|&&c| c).count() != 1 {
        return Err(Error::usage(
            "hunt needs exactly one of: a TECHNIQUE, --query TEXT, --keyword TOKEN, or --list",
        )
        .hint("`tsh-review hunt --list` shows the techniques"));
    }
    if m.has("list") {
        return Ok(Action::HuntList);
    }
    let sweep = if let Some(word) = technique_word {
        let t = technique(word).ok_or_else(|| {
            let err = Error::usage(format!("unknown technique {word:?}"));
            match closest(word, super::table::TECHNIQUES.iter().copied()) {
                Some(near) => err.hint(format!("did you mean `tsh-review hunt {near}`?")),
                None => err.hint("`tsh-review hunt --list` shows the techniques"),
            }
        })?;
        Sweep::Technique(t.name)
    } else if let Some(q) = m.one("query") {
        if q.trim().is_empty() {
            return Err(Error::usage("--query is empty"));
        }
        Sweep::Query(q.to_owned())
    } else {
        let tokens: Vec<String> = m
            .all("keyword")
            .iter()
            .filter(|k| !k.trim().is_empty())
            .cloned()
            .collect();
        if tokens.is_empty() {
            return Err(Error::usage("--keyword is empty"));
        }
        Sweep::Keywords(tokens)
    };
    Ok(Action::Hunt(HuntArgs {
        window: window(m),
        sweep,
        kinds: kinds(m, true)?,
        limit: best(m)?,
        no_fallback: m.has("no-fallback"),
    }))
}

fn shell(m: &Matches, command: &str, shells: &[&str]) -> Result<String, Error> {
    let Some(word) = m.operands.first() else {
        return Err(
            Error::usage(format!("`{command}` needs a SHELL: {}", shells.join(", "))).hint(
                if command == "init" {
                    "e.g. `eval \"$(tsh-review init bash)\"` in ~/.bashrc"
                } else {
                    "e.g. `source <(tsh-review completions bash)`"
                },
            ),
        );
    };
    if shells.contains(&word.as_str()) {
        return Ok(word.clone());
    }
    let err = Error::usage(format!(
        "no {command} for {word:?}: the shells are {}",
        shells.join(", ")
    ));
    Err(match closest(word, shells.iter().copied()) {
        Some(near) => err.hint(format!("did you mean `tsh-review {command} {near}`?")),
        None => err,
    })
}

fn sid(m: &Matches) -> Result<String, Error> {
    m.operands.first().cloned().ok_or_else(|| {
        Error::usage("a session id is needed")
            .hint("give the UUID, or a prefix of one shown by `tsh-review recent`")
    })
}

fn play_format(m: &Matches) -> Result<Option<String>, Error> {
    const FORMATS: [&str; 4] = ["pty", "json", "yaml", "text"];
    match m.one("format") {
        None => Ok(None),
        Some(f) if FORMATS.contains(&f) => Ok(Some(f.to_owned())),
        Some(f) => Err(Error::usage(format!(
            "play --format {f:?} is not one of: {}",
            FORMATS.join(", ")
        ))),
    }
}

fn required(m: &Matches, long: &str, command: &str) -> Result<String, Error> {
    owned(m, long)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            Error::usage(format!("`{command}` needs --{long}"))
                .hint(format!("run `tsh-review help {command}`"))
        })
}

fn pivot(m: &Matches) -> Result<PivotArgs, Error> {
    Ok(PivotArgs {
        window: window(m),
        user: required(m, "user", "pivot")?,
        host: required(m, "host", "pivot")?,
        limit: limit(m)?,
        no_fallback: m.has("no-fallback"),
    })
}

fn request(m: &Matches) -> Result<RequestArgs, Error> {
    let id = m
        .operands
        .first()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            Error::usage("`request` needs the access request ID")
                .hint("e.g. tsh-review request a9c97e9f-1dc3-44b2-9a1e-a4e169614065")
        })?;
    Ok(RequestArgs {
        window: window(m),
        id: id.clone(),
        limit: limit(m)?,
        no_fallback: m.has("no-fallback"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Invocation, Error> {
        parse(words.split_whitespace().map(OsString::from))
    }

    fn recent_args(words: &str) -> RecentArgs {
        match parse_words(words).unwrap().action {
            Action::Recent(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_before_and_after_the_command() {
        let a = parse_words("--format json recent --since 7d --demo").unwrap();
        assert_eq!(a.globals.format, Some(Format::Json));
        assert!(a.globals.demo);
        let Action::Recent(r) = a.action else {
            panic!()
        };
        assert_eq!(r.window.since.as_deref(), Some("7d"));
    }

    #[test]
    fn alias_and_equals_forms() {
        let r = recent_args("ls --limit=5 --kind=ssh --kind db --user alice");
        assert_eq!(r.limit, Some(5));
        assert_eq!(r.kinds, [Kind::Ssh, Kind::Db]);
        assert_eq!(r.user.as_deref(), Some("alice"));
    }

    #[test]
    fn kinds_take_teleports_word_and_comma_lists() {
        assert_eq!(recent_args("recent --kind kube").kinds, [Kind::K8s]);
        assert_eq!(
            recent_args("recent --kind k8s,db --kind ssh").kinds,
            [Kind::K8s, Kind::Db, Kind::Ssh]
        );
        assert!(usage_error("recent --kind k8s,vm").contains("\"vm\" is not one of"));
    }

    #[test]
    fn search_takes_every_tctl_filter_and_the_query_words() {
        let a = parse_words(
            "search sudo su --kind ssh --kind db --username bob --role dba --role admin \
             --resource-kind node --resource-name web-01 --label env=prod,k8s.io/app=web \
             --access-request r1 --server-hostname web-01 --search-mode keyword --limit 7 \
             --min-severity high --no-fallback",
        )
        .unwrap();
        let Action::Search(s) = a.action else {
            panic!()
        };
        assert_eq!(s.query.words, ["sudo", "su"]);
        assert_eq!(s.query.kinds, [Kind::Ssh, Kind::Db]);
        assert_eq!(s.query.roles, ["dba", "admin"]);
        assert_eq!(s.query.labels.as_deref(), Some("env=prod,k8s.io/app=web"));
        assert_eq!(s.query.limit, 7);
        assert_eq!(s.min_severity, Some(Severity::High));
        assert!(s.no_fallback);
        let Action::Search(s) = parse_words("search -- -rf").unwrap().action else {
            panic!()
        };
        assert_eq!(s.query.words, ["-rf"], "a query starting with - after --");
    }

    #[test]
    fn workflow_defaults() {
        let Action::Triage(t) = parse_words("triage").unwrap().action else {
            panic!()
        };
        assert_eq!((t.limit, t.min_severity), (None, Severity::Medium));
        let Action::Compliance(c) = parse_words("compliance").unwrap().action else {
            panic!()
        };
        assert_eq!((c.limit, c.labels.as_str()), (None, "env=prod"));
        let Action::Hunt(h) = parse_words("hunt exfil").unwrap().action else {
            panic!()
        };
        assert_eq!(h.sweep, Sweep::Technique("exfil"));
        let Action::Hunt(h) = parse_words("hunt --keyword insmod --keyword modprobe")
            .unwrap()
            .action
        else {
            panic!()
        };
        assert_eq!(
            h.sweep,
            Sweep::Keywords(vec!["insmod".into(), "modprobe".into()])
        );
        assert!(matches!(
            parse_words("hunt --list").unwrap().action,
            Action::HuntList
        ));
        let Action::Request(r) = parse_words("request abc").unwrap().action else {
            panic!()
        };
        assert_eq!((r.id.as_str(), r.limit), ("abc", None));
    }

    #[test]
    fn defaults() {
        let a = parse_words("recent").unwrap();
        assert_eq!(a.globals.timeout, Duration::from_secs(120));
        assert_eq!(a.globals.color, ColorChoice::Auto);
        assert_eq!(a.globals.format, None);
        let Action::Recent(r) = a.action else {
            panic!()
        };
        assert_eq!(r.limit, None, "complete unless capped");
        assert!(r.kinds.is_empty());
    }

    #[test]
    fn help_forms() {
        for words in ["--help", "-h", "help"] {
            let Action::Help { command, misused } = parse_words(words).unwrap().action else {
                panic!("{words}")
            };
            assert!(command.is_none() && !misused, "{words}");
        }
        for words in ["recent --help", "help recent", "help ls", "ls -h"] {
            let Action::Help { command, .. } = parse_words(words).unwrap().action else {
                panic!("{words}")
            };
            assert_eq!(command.unwrap().name, "recent", "{words}");
        }
        let Action::Help { misused, .. } = parse_words("").unwrap().action else {
            panic!()
        };
        assert!(misused);
        assert!(matches!(parse_words("-V").unwrap().action, Action::Version));
    }

    /// The smallest valid command line of each command that has flags with defaults.
    fn minimal(command: &str) -> String {
        match command {
            "hunt" => "hunt privesc".into(),
            "pivot" => "pivot --user alice --host web-01".into(),
            "request" => "request a9c97e9f-1dc3-44b2-9a1e-a4e169614065".into(),
            "show" | "play" | "download" | "link" => {
                format!("{command} 3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f")
            }
            "completions" | "init" => format!("{command} bash"),
            other => other.into(),
        }
    }

    #[test]
    fn every_default_shown_is_the_default_that_runs() {
        use super::super::table::{COMMANDS, FLAGS};
        let mut checked = 0;
        for c in COMMANDS.iter().filter(|c| !c.hidden && c.name != "help") {
            let line = minimal(c.name);
            let implicit = format!("{:?}", parse_words(&line).expect(&line));
            let help = super::super::help::command(c);
            for f in FLAGS.iter().filter(|f| f.applies_to(c.name)) {
                let Some(d) = f.default_for(c.name) else {
                    continue;
                };
                let explicit = format!("{line} --{} {d}", f.long);
                assert_eq!(
                    format!("{:?}", parse_words(&explicit).expect(&explicit)),
                    implicit,
                    "`{line}` must run as `{explicit}`"
                );
                assert!(
                    help.contains(&format!("[default: {d}]")),
                    "help {} shows --{} [default: {d}]",
                    c.name,
                    f.long
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked}");
    }

    #[test]
    fn help_shows_each_command_its_own_window_and_cap() {
        let help = |name| super::super::help::command(super::super::table::command(name).unwrap());
        for (name, since) in [
            ("recent", "24h"),
            ("search", "7d"),
            ("triage", "7d"),
            ("hunt", "7d"),
            ("pivot", "7d"),
            ("request", "30d"),
        ] {
            let text = help(name);
            let line = text.lines().find(|l| l.contains("--since")).unwrap();
            assert!(
                line.contains(&format!("[default: {since}]"))
                    || text.contains(&format!("[default: {since}]")),
                "{name}: {line}"
            );
        }
        assert!(!help("pivot").contains("[default: 50]"));
        assert!(!help("request").contains("[default: 50]"));
        assert!(help("search").contains("[default: 50]"));
    }

    fn usage_error(words: &str) -> String {
        let e = parse_words(words).expect_err(words);
        assert_eq!(e.code(), 2, "{words}");
        e.to_string()
    }

    #[test]
    fn mistakes_are_usage_errors_with_suggestions() {
        assert!(usage_error("recnet").contains("did you mean `tsh-review recent`?"));
        assert!(usage_error("recent --sinse 7d").contains("did you mean --since?"));
        assert!(usage_error("recent --format jsno").contains("did you mean --format json?"));
        assert!(usage_error("recent --kind vm").contains("not one of"));
        assert!(usage_error("recent --limit 0").contains("--limit"));
        assert!(usage_error("recent --limit many").contains("--limit"));
        assert!(usage_error("recent --timeout soon").contains("--timeout"));
        assert!(usage_error("recent --demo=yes").contains("demo"));
        assert!(usage_error("recent --since").contains("since"));
        assert!(usage_error("recent extra").contains("takes no arguments"));
        assert!(usage_error("request").contains("needs the access request ID"));
        assert!(usage_error("request a b").contains("also got \"b\""));
        assert!(usage_error("hunt").contains("exactly one"));
        assert!(usage_error("hunt privesc --query x").contains("exactly one"));
        assert!(usage_error("hunt privsec").contains("did you mean `tsh-review hunt privesc`?"));
        assert!(usage_error("pivot --user alice").contains("needs --host"));
        assert!(usage_error("search --kind app").contains("not summarized"));
        assert!(
            usage_error("search --server-hostname web --database-name orders")
                .contains("one session kind")
        );
        assert!(usage_error("triage --min-severity severe").contains("not one of"));
        assert!(usage_error("compliance --since 7d").contains("does not apply"));
        assert!(usage_error("help --since 7d").contains("does not apply"));
        assert!(usage_error("recent --limit 5 --limit 6").contains("more than once"));
        assert!(usage_error("recent -x").contains("-x"));
        assert!(usage_error("help nothing").contains("unknown command"));
    }
}
