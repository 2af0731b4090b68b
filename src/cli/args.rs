//! What each command was asked to do, typed: built from the parsed flags and operands when the
//! command runs (the one dispatch in `app`), so a mistake is a usage error before any call.

use std::path::PathBuf;

use super::parse::Matches;
use super::suggest::closest;
use super::table::{COMMANDS, CommandSpec, INIT_SHELLS, Opt, SHELLS, TECHNIQUES, command};
use crate::error::Error;
use crate::review::compliance::ComplianceArgs;
use crate::review::fetch::SEARCH_PAGE;
use crate::review::hunt::{HuntArgs, Sweep, technique};
use crate::review::pivot::PivotArgs;
use crate::review::recent::RecentArgs;
use crate::review::request::RequestArgs;
use crate::review::search::SearchArgs;
use crate::review::triage::TriageArgs;
use crate::session::{Kind, Severity};
use crate::teleport::search::SearchQuery;
use crate::window::WindowArgs;

pub fn recent(m: &Matches) -> Result<RecentArgs, Error> {
    Ok(RecentArgs {
        window: window(m),
        limit: limit(m)?,
        kinds: kinds(m, false)?,
        user: owned(m, Opt::User),
    })
}

pub fn search(m: &Matches) -> Result<SearchArgs, Error> {
    // `search "$Q"` with an empty $Q would otherwise be a flag-only search, every session a hit.
    if m.operands().iter().any(|w| w.trim().is_empty()) {
        return Err(Error::usage("a search word is empty").hint(format!(
            "give the words to search for, or none at all to list every summarized session: `{} search --help`",
            me(m)
        )));
    }
    let query = SearchQuery {
        words: m.operands().to_vec(),
        kinds: kinds(m, true)?,
        username: owned(m, Opt::Username),
        roles: m.all(Opt::Role).to_vec(),
        resource_kind: owned(m, Opt::ResourceKind),
        resource_name: owned(m, Opt::ResourceName),
        labels: owned(m, Opt::Label),
        access_requests: m.all(Opt::AccessRequest).to_vec(),
        server_hostname: owned(m, Opt::ServerHostname),
        server_addr: owned(m, Opt::ServerAddr),
        pod_namespace: owned(m, Opt::PodNamespace),
        pod_name: owned(m, Opt::PodName),
        database_name: owned(m, Opt::DatabaseName),
        search_mode: owned(m, Opt::SearchMode),
        limit: best(m)?,
        ..SearchQuery::default()
    };
    query.check().map_err(Error::usage)?;
    Ok(SearchArgs {
        window: window(m),
        query,
        min_severity: severity(m),
        no_fallback: m.has(Opt::NoFallback),
    })
}

pub fn triage(m: &Matches) -> Result<TriageArgs, Error> {
    Ok(TriageArgs {
        window: window(m),
        limit: limit(m)?,
        // The table gives triage a default: this fallback never applies.
        min_severity: severity(m).unwrap_or(Severity::Low),
        kinds: kinds(m, true)?,
        unscored: m.has(Opt::Unscored),
        no_fallback: m.has(Opt::NoFallback),
    })
}

pub fn compliance(m: &Matches) -> Result<ComplianceArgs, Error> {
    Ok(ComplianceArgs {
        quarter: owned(m, Opt::Quarter),
        window: window(m),
        labels: m.value(Opt::Label).unwrap_or_default().to_owned(),
        kinds: kinds(m, true)?,
        limit: limit(m)?,
        no_fallback: m.has(Opt::NoFallback),
    })
}

/// `hunt`: a sweep, or the catalogue of techniques.
#[derive(Debug)]
pub enum Hunt {
    List,
    Sweep(HuntArgs),
}

/// How this run's suggested commands start (with `--demo` in the demo).
fn me(m: &Matches) -> &'static str {
    super::invocation(m.has(Opt::Demo))
}

pub fn hunt(m: &Matches) -> Result<Hunt, Error> {
    let technique_word = m.operands().first();
    let chosen = [
        technique_word.is_some(),
        m.has(Opt::Query),
        m.has(Opt::Keyword),
        m.has(Opt::List),
    ];
    if chosen.iter().filter(|&&c| c).count() != 1 {
        return Err(Error::usage(
            "hunt needs exactly one of: a TECHNIQUE, --query TEXT, --keyword TOKEN, or --list",
        )
        .hint(format!("`{} hunt --list` shows the techniques", me(m))));
    }
    if m.has(Opt::List) {
        return Ok(Hunt::List);
    }
    let sweep = if let Some(word) = technique_word {
        let t = technique(word).ok_or_else(|| {
            let err = Error::usage(format!("unknown technique {word:?}"));
            match closest(word, TECHNIQUES.iter().copied()) {
                Some(near) => err.hint(format!("did you mean `{} hunt {near}`?", me(m))),
                None => err.hint(format!("`{} hunt --list` shows the techniques", me(m))),
            }
        })?;
        Sweep::Technique(t.name)
    } else if let Some(q) = m.one(Opt::Query) {
        if q.trim().is_empty() {
            return Err(Error::usage("--query is empty"));
        }
        Sweep::Query(q.to_owned())
    } else {
        let tokens: Vec<String> = m
            .all(Opt::Keyword)
            .iter()
            .filter(|k| !k.trim().is_empty())
            .cloned()
            .collect();
        if tokens.is_empty() {
            return Err(Error::usage("--keyword is empty"));
        }
        Sweep::Keywords(tokens)
    };
    Ok(Hunt::Sweep(HuntArgs {
        window: window(m),
        sweep,
        kinds: kinds(m, true)?,
        limit: best(m)?,
        no_fallback: m.has(Opt::NoFallback),
        verify: m.has(Opt::Verify),
        jobs: jobs(m)?,
        non_interactive: m.has(Opt::NonInteractive),
    }))
}

pub fn pivot(m: &Matches) -> Result<PivotArgs, Error> {
    Ok(PivotArgs {
        window: window(m),
        user: required(m, Opt::User)?,
        host: required(m, Opt::Host)?,
        limit: limit(m)?,
        no_fallback: m.has(Opt::NoFallback),
    })
}

pub fn request(m: &Matches) -> Result<RequestArgs, Error> {
    let id = m
        .operands()
        .first()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            Error::usage("`request` needs the access request ID").hint(format!(
                "e.g. `{} request a9c97e9f-1dc3-44b2-9a1e-a4e169614065`",
                me(m)
            ))
        })?;
    Ok(RequestArgs {
        window: window(m),
        id: id.clone(),
        limit: limit(m)?,
        no_fallback: m.has(Opt::NoFallback),
    })
}

/// `grep`: the patterns and how to match them, and which sessions to replay.
#[derive(Debug)]
pub struct Grep {
    pub window: WindowArgs,
    pub patterns: Vec<String>,
    pub options: crate::content::Options,
    /// The technique whose kinds were taken, when `--kind` was not given.
    pub kinds_of: Option<&'static str>,
    pub scan: crate::review::grep::GrepArgs,
}

pub fn grep(m: &Matches) -> Result<Grep, Error> {
    let technique = match m.one(Opt::Technique) {
        Some(name) => Some(technique(name).ok_or_else(|| {
            Error::usage(format!("unknown technique {name:?}"))
                .hint(format!("`{} hunt --list` shows the techniques", me(m)))
        })?),
        None => None,
    };
    // -F is for the patterns typed here: a technique's own are regular expressions.
    let fixed = m.has(Opt::FixedStrings);
    let mut patterns: Vec<String> = m
        .operands()
        .iter()
        .chain(m.all(Opt::Regexp))
        .map(|p| match fixed {
            true => crate::content::literal(p),
            false => p.clone(),
        })
        .collect();
    if let Some(t) = technique {
        patterns.extend(t.patterns.iter().map(|p| (*p).to_owned()));
    }
    if patterns.is_empty() {
        return Err(
            Error::usage("grep needs a PATTERN, -e PATTERN or --hunt TECHNIQUE").hint(format!(
                "e.g. `{0} grep sudo`, or `{0} grep --hunt privesc`",
                me(m)
            )),
        );
    }
    let count = |opt: Opt| -> Result<Option<usize>, Error> {
        m.value(opt)
            .map(|text| {
                text.parse::<usize>()
                    .ok()
                    .filter(|&n| n <= 1000)
                    .ok_or_else(|| {
                        Error::usage(format!(
                            "--{} {text:?} is not a number of lines (0 to 1000)",
                            opt.spec().long
                        ))
                    })
            })
            .transpose()
    };
    let around = count(Opt::Context)?.unwrap_or(0);
    let context = crate::content::Context {
        before: count(Opt::BeforeContext)?.unwrap_or(around),
        after: count(Opt::AfterContext)?.unwrap_or(around),
    };
    let jobs = jobs(m)?;
    let mut kinds = kinds(m, false)?;
    let mut kinds_of = None;
    if kinds.is_empty()
        && let Some(t) = technique
        && !t.kinds.is_empty()
    {
        kinds = t.kinds.to_vec();
        kinds_of = Some(t.name);
    }
    Ok(Grep {
        window: window(m),
        patterns,
        options: crate::content::Options {
            ignore_case: m.has(Opt::IgnoreCase),
            word: m.has(Opt::WordRegexp),
            fixed: false,
        },
        kinds_of,
        scan: crate::review::grep::GrepArgs {
            kinds,
            user: owned(m, Opt::User),
            host: owned(m, Opt::Host),
            labels: owned(m, Opt::Label),
            context,
            jobs,
            non_interactive: m.has(Opt::NonInteractive),
        },
    })
}

/// `-j N`: replays at once.
fn jobs(m: &Matches) -> Result<usize, Error> {
    let text = m.value(Opt::Jobs).unwrap_or_default();
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=64).contains(n))
        .ok_or_else(|| Error::usage(format!("--jobs {text:?} is not a number from 1 to 64")))
}

/// The session id as typed (resolved against the cache when the command runs).
pub fn sid(m: &Matches) -> Result<String, Error> {
    m.operands().first().cloned().ok_or_else(|| {
        Error::usage("a session id is needed").hint(format!(
            "give the UUID, or a prefix of one shown by `{} recent`",
            me(m)
        ))
    })
}

/// `play`'s own options, passed on to tsh.
#[derive(Debug)]
pub struct Play {
    pub sid: String,
    pub speed: Option<String>,
    pub format: Option<String>,
}

pub fn play(m: &Matches) -> Result<Play, Error> {
    const FORMATS: [&str; 4] = ["pty", "json", "yaml", "text"];
    let format = match m.one(Opt::Format) {
        None => None,
        Some(f) if FORMATS.contains(&f) => Some(f.to_owned()),
        Some(f) => {
            return Err(Error::usage(format!(
                "play --format {f:?} is not one of: {}",
                FORMATS.join(", ")
            )));
        }
    };
    Ok(Play {
        sid: sid(m)?,
        speed: owned(m, Opt::Speed),
        format,
    })
}

#[derive(Debug)]
pub struct Download {
    pub sid: String,
    pub output: Option<PathBuf>,
    pub yes: bool,
    pub force: bool,
}

pub fn download(m: &Matches) -> Result<Download, Error> {
    Ok(Download {
        sid: sid(m)?,
        output: m.one(Opt::Output).map(PathBuf::from),
        yes: m.has(Opt::Yes),
        force: m.has(Opt::Force),
    })
}

/// The command `help COMMAND` explains, or None for the overview.
pub fn help_topic(m: &Matches) -> Result<Option<&'static CommandSpec>, Error> {
    match m.operands().first() {
        None => Ok(None),
        Some(topic) => command(topic).map(Some).ok_or_else(|| {
            let names = COMMANDS
                .iter()
                .filter(|c| !c.hidden)
                .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()));
            let err = Error::usage(format!("unknown command {topic:?}"));
            match closest(topic, names) {
                Some(near) => err.hint(format!("did you mean `tsh-review help {near}`?")),
                None => err.hint("run `tsh-review --help` for the commands"),
            }
        }),
    }
}

/// The shell `completions` writes a script for.
pub fn completion_shell(m: &Matches) -> Result<&str, Error> {
    shell(
        m,
        "completions",
        SHELLS,
        "e.g. `source <(tsh-review completions bash)`",
    )
}

/// The shell `init` writes a start-up snippet for.
pub fn init_shell(m: &Matches) -> Result<&str, Error> {
    shell(
        m,
        "init",
        INIT_SHELLS,
        "e.g. `eval \"$(tsh-review init bash)\"` in ~/.bashrc",
    )
}

/// What the completion scripts ask `__complete-ids` for.
#[derive(Debug)]
pub struct CompleteIds {
    pub prefix: String,
    /// With descriptions (zsh, fish): `--format tsv`.
    pub describe: bool,
    pub playable: bool,
    /// Only sessions with a recording (`play`, `download`, `link`).
    pub recorded: bool,
    pub field: Option<String>,
}

pub fn complete_ids(m: &Matches) -> CompleteIds {
    CompleteIds {
        prefix: m.operands().first().cloned().unwrap_or_default(),
        describe: m.one(Opt::Format) == Some("tsv"),
        playable: m.has(Opt::Playable),
        recorded: m.has(Opt::Recorded),
        field: owned(m, Opt::Field),
    }
}

fn shell<'m>(
    m: &'m Matches,
    command: &str,
    shells: &[&str],
    example: &str,
) -> Result<&'m str, Error> {
    let Some(word) = m.operands().first() else {
        return Err(
            Error::usage(format!("`{command}` needs a SHELL: {}", shells.join(", "))).hint(example),
        );
    };
    if shells.contains(&word.as_str()) {
        return Ok(word);
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

fn window(m: &Matches) -> WindowArgs {
    let from = owned(m, Opt::From);
    WindowArgs {
        // The default span applies unless the window has a start of its own.
        since: if from.is_none() {
            m.value(Opt::Since).map(String::from)
        } else {
            owned(m, Opt::Since)
        },
        from,
        to: owned(m, Opt::To),
    }
}

fn limit(m: &Matches) -> Result<Option<u32>, Error> {
    m.value(Opt::Limit)
        .map(|text| {
            text.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
                Error::usage(format!("--limit {text:?} is not a whole number above 0"))
            })
        })
        .transpose()
}

/// For commands that keep the best matches: the table gives them a default, so the fallback
/// never applies.
fn best(m: &Matches) -> Result<u32, Error> {
    Ok(limit(m)?.unwrap_or(SEARCH_PAGE))
}

fn kinds(m: &Matches, searchable: bool) -> Result<Vec<Kind>, Error> {
    // The parser checked each word against the table's choices, which name the kinds.
    let kinds: Vec<Kind> = m
        .all(Opt::Kind)
        .iter()
        .filter_map(|k| Kind::parse(k))
        .collect();
    if searchable && kinds.contains(&Kind::App) {
        return Err(Error::usage(
            "--kind app: app sessions are not summarized, so search cannot find them",
        )
        .hint(format!("use `{} recent --kind app`", me(m))));
    }
    Ok(kinds)
}

fn severity(m: &Matches) -> Option<Severity> {
    m.value(Opt::MinSeverity).and_then(Severity::parse)
}

/// `--explain`: read the listed sessions' AI summaries.
pub fn explain(m: &Matches) -> bool {
    m.has(Opt::Explain)
}

/// `doctor --insecure`: probe config.js without verifying the proxy's certificate.
pub fn insecure(m: &Matches) -> bool {
    m.has(Opt::Insecure)
}

fn owned(m: &Matches, opt: Opt) -> Option<String> {
    m.one(opt).map(String::from)
}

fn required(m: &Matches, opt: Opt) -> Result<String, Error> {
    let command = m.command().name;
    owned(m, opt)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            Error::usage(format!("`{command}` needs --{}", opt.spec().long))
                .hint(format!("run `tsh-review help {command}`"))
        })
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::time::Duration;

    use super::*;
    use crate::cli::parse::{Invocation, parse};
    use crate::cli::table::Cmd;
    use crate::render::Format;
    use crate::term::ColorChoice;

    fn run(words: &str) -> Result<(crate::cli::Globals, Cmd, Matches), Error> {
        match parse(words.split_whitespace().map(OsString::from))? {
            Invocation::Run {
                globals,
                cmd,
                matches,
            } => Ok((globals, cmd, matches)),
            other => panic!("{words}: {other:?}"),
        }
    }

    /// What a command line would run with, typed, as text: the same dispatch as `app`, for
    /// the tests only.
    fn typed(words: &str) -> Result<String, Error> {
        let (_, cmd, m) = run(words)?;
        typed_matches(cmd, &m)
    }

    fn typed_matches(cmd: Cmd, m: &Matches) -> Result<String, Error> {
        let text = match cmd {
            Cmd::Recent => format!("{:?}", recent(m)?),
            Cmd::Search => format!("{:?}", search(m)?),
            Cmd::Triage => format!("{:?}", triage(m)?),
            Cmd::Compliance => format!("{:?}", compliance(m)?),
            Cmd::Hunt => format!("{:?}", hunt(m)?),
            Cmd::Pivot => format!("{:?}", pivot(m)?),
            Cmd::Request => format!("{:?}", request(m)?),
            Cmd::Show | Cmd::Link => sid(m)?,
            Cmd::Play => format!("{:?}", play(m)?),
            Cmd::Download => format!("{:?}", download(m)?),
            Cmd::Completions => completion_shell(m)?.to_owned(),
            Cmd::Init => init_shell(m)?.to_owned(),
            Cmd::Help => format!("{:?}", help_topic(m)?.map(|c| c.name)),
            Cmd::CompleteIds => format!("{:?}", complete_ids(m)),
            Cmd::Grep => format!("{:?}", grep(m)?),
            Cmd::Doctor => insecure(m).to_string(),
            Cmd::Man => String::new(),
        };
        // As dispatch asks it of the listings that read summaries.
        if matches!(cmd, Cmd::Triage | Cmd::Hunt | Cmd::Pivot | Cmd::Compliance) {
            explain(m);
        }
        Ok(text)
    }

    /// A flag a command accepts is one it reads: none is taken and then ignored. Each of a
    /// command's own flags is given alone (with a value of its kind) next to what the command
    /// needs anyway, and must be asked for while the command's options are typed.
    #[test]
    fn every_flag_a_command_accepts_is_read() {
        use crate::cli::table::{COMMANDS, FLAGS, Scope};
        let base = |name: &str| match name {
            "pivot" => "--user a --host b",
            "request" => "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
            "show" | "link" | "play" | "download" => "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
            "completions" | "init" => "bash",
            "hunt" => "privesc",
            "grep" => "sudo",
            _ => "",
        };
        for c in COMMANDS.iter().filter(|c| c.name != "help") {
            for f in FLAGS.iter().filter(|f| {
                matches!(f.scope, Scope::Commands(names) if names.contains(&c.name))
                    && f.id != Opt::Help
            }) {
                let value = match (f.value, f.choices.first()) {
                    (None, _) => String::new(),
                    (Some(_), Some(choice)) => (*choice).to_owned(),
                    (Some(v), None) => match v {
                        "DURATION" => "7d",
                        "DATE" => "2026-06-01",
                        "N" | "SPEED" => "2",
                        "K=V,..." => "env=prod",
                        "QUARTER" => "2026Q1",
                        "DIR" | "PATH" => "/tmp",
                        _ => "x",
                    }
                    .to_owned(),
                };
                if base(c.name).contains(&format!("--{} ", f.long)) {
                    continue; // needed anyway, so read
                }
                let words = format!("{} {} --{} {value}", c.name, base(c.name), f.long);
                let Ok((_, cmd, m)) = run(&words) else {
                    panic!("{words}: does not parse");
                };
                m.read.borrow_mut().clear();
                let _ = typed_matches(cmd, &m);
                assert!(
                    m.read.borrow().contains(&f.id),
                    "`{words}`: --{} is accepted and never read",
                    f.long
                );
            }
        }
    }

    #[test]
    fn every_choice_in_the_table_parses_into_its_type() {
        use crate::cli::table::{FORMATS, KINDS, SEVERITIES};
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(KINDS, kinds, "the table's kinds are the record's");
        for f in FORMATS {
            assert!(Format::parse(f).is_some(), "{f}");
        }
        for s in SEVERITIES {
            assert!(Severity::parse(s).is_some(), "{s}");
        }
        assert_eq!(SEVERITIES.len(), Severity::ALL.len());
        for c in Opt::Color.spec().choices {
            assert!(ColorChoice::parse(c).is_some(), "{c}");
        }
        for t in TECHNIQUES {
            assert!(technique(t).is_some(), "{t}");
        }
        for r in Opt::ResourceKind.spec().choices {
            assert!(
                crate::teleport::search::kind_of_resource(r).is_some(),
                "{r}"
            );
        }
        for (flag, alias, choice) in crate::cli::table::CHOICE_ALIASES {
            let spec = crate::cli::table::flag_by_long(flag).unwrap();
            assert!(spec.choices.contains(choice), "{alias} -> {choice}");
        }
    }

    fn recent_args(words: &str) -> RecentArgs {
        recent(&run(words).unwrap().2).unwrap()
    }

    #[test]
    fn flags_before_and_after_the_command() {
        let (g, _, m) = run("--format json recent --since 7d --demo").unwrap();
        assert_eq!(g.format, Some(Format::Json));
        assert!(g.demo);
        assert_eq!(recent(&m).unwrap().window.since.as_deref(), Some("7d"));
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
        let (_, _, m) = run(
            "search sudo su --kind ssh --kind db --username bob --role dba --role admin \
             --resource-kind node --resource-name web-01 --label env=prod,k8s.io/app=web \
             --access-request r1 --server-hostname web-01 --search-mode keyword --limit 7 \
             --min-severity high --no-fallback",
        )
        .unwrap();
        let s = search(&m).unwrap();
        assert_eq!(s.query.words, ["sudo", "su"]);
        assert_eq!(s.query.kinds, [Kind::Ssh, Kind::Db]);
        assert_eq!(s.query.roles, ["dba", "admin"]);
        assert_eq!(s.query.labels.as_deref(), Some("env=prod,k8s.io/app=web"));
        assert_eq!(s.query.limit, 7);
        assert_eq!(s.min_severity, Some(Severity::High));
        assert!(s.no_fallback);
        let s = search(&run("search -- -rf").unwrap().2).unwrap();
        assert_eq!(s.query.words, ["-rf"], "a query starting with - after --");
    }

    #[test]
    fn workflow_defaults() {
        let t = triage(&run("triage").unwrap().2).unwrap();
        assert_eq!((t.limit, t.min_severity), (None, Severity::Medium));
        let c = compliance(&run("compliance").unwrap().2).unwrap();
        assert_eq!((c.limit, c.labels.as_str()), (None, "env=prod"));
        let Hunt::Sweep(h) = hunt(&run("hunt exfil").unwrap().2).unwrap() else {
            panic!()
        };
        assert_eq!(h.sweep, Sweep::Technique("exfil"));
        let Hunt::Sweep(h) =
            hunt(&run("hunt --keyword insmod --keyword modprobe").unwrap().2).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            h.sweep,
            Sweep::Keywords(vec!["insmod".into(), "modprobe".into()])
        );
        assert!(matches!(
            hunt(&run("hunt --list").unwrap().2).unwrap(),
            Hunt::List
        ));
        let r = request(&run("request abc").unwrap().2).unwrap();
        assert_eq!((r.id.as_str(), r.limit), ("abc", None));
    }

    #[test]
    fn defaults() {
        let (g, _, m) = run("recent").unwrap();
        assert_eq!(g.timeout, Duration::from_secs(120));
        assert_eq!(g.color, ColorChoice::Auto);
        assert_eq!(g.format, None);
        let r = recent(&m).unwrap();
        assert_eq!(r.limit, None, "complete unless capped");
        assert!(r.kinds.is_empty());
    }

    #[test]
    fn help_forms() {
        for words in ["--help", "-h"] {
            let Invocation::Help { command, misused } =
                parse(words.split_whitespace().map(OsString::from)).unwrap()
            else {
                panic!("{words}")
            };
            assert!(command.is_none() && !misused, "{words}");
        }
        for words in ["recent --help", "ls -h"] {
            let Invocation::Help { command, .. } =
                parse(words.split_whitespace().map(OsString::from)).unwrap()
            else {
                panic!("{words}")
            };
            assert_eq!(command.unwrap().name, "recent", "{words}");
        }
        assert_eq!(typed("help").unwrap(), "None");
        assert_eq!(typed("help recent").unwrap(), "Some(\"recent\")");
        assert_eq!(typed("help ls").unwrap(), "Some(\"recent\")");
        let Invocation::Help { misused, .. } = parse(std::iter::empty()).unwrap() else {
            panic!()
        };
        assert!(misused);
        assert!(matches!(
            parse([OsString::from("-V")]).unwrap(),
            Invocation::Version
        ));
    }

    /// The smallest valid command line of each command.
    fn minimal(command: &str) -> String {
        match command {
            "hunt" => "hunt privesc".into(),
            "pivot" => "pivot --user alice --host web-01".into(),
            "request" => "request a9c97e9f-1dc3-44b2-9a1e-a4e169614065".into(),
            "show" | "play" | "download" | "link" => {
                format!("{command} 3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f")
            }
            "completions" | "init" => format!("{command} bash"),
            "grep" => "grep sudo".into(),
            other => other.into(),
        }
    }

    #[test]
    fn every_default_shown_is_the_default_that_runs() {
        let mut checked = 0;
        for c in COMMANDS.iter().filter(|c| !c.hidden) {
            let line = minimal(c.name);
            let implicit = typed(&line).expect(&line);
            let help = crate::cli::help::command(c);
            for f in crate::cli::table::FLAGS
                .iter()
                .filter(|f| f.applies_to(c.name))
            {
                let Some(d) = f.default_for(c.name) else {
                    continue;
                };
                let explicit = format!("{line} --{} {d}", f.long);
                assert_eq!(
                    typed(&explicit).expect(&explicit),
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
        let help = |name| crate::cli::help::command(command(name).unwrap());
        for (name, since) in [
            ("recent", "24h"),
            ("search", "7d"),
            ("triage", "7d"),
            ("hunt", "7d"),
            ("pivot", "7d"),
            ("request", "30d"),
        ] {
            let text = help(name);
            let at = text.find("--since").unwrap();
            let next = text[at + 1..]
                .find("\n  -")
                .map_or(text.len(), |n| at + 1 + n);
            assert!(
                text[at..next].contains(&format!("[default: {since}]")),
                "{name}: {}",
                &text[at..next]
            );
        }
        assert!(!help("pivot").contains("[default: 50]"));
        assert!(!help("request").contains("[default: 50]"));
        assert!(help("search").contains("[default: 50]"));
    }

    fn usage_error(words: &str) -> String {
        let e = typed(words).expect_err(words);
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
        // A forgotten value is not the next option taken as one.
        assert!(
            usage_error("recent --user --since 7d")
                .contains("--user needs a value, but the next argument is the option --since")
        );
        assert!(usage_error("search --username --kind ssh").contains("--username needs a value"));
        assert!(usage_error("grep x --jobs -i").contains("--jobs needs a value"));
        // Labels are KEY=VALUE pairs, checked before tctl sees them.
        assert!(usage_error("search --label env").contains("\"env\" is not KEY=VALUE"));
        assert!(usage_error("compliance --label env=prod,").contains("is not KEY=VALUE"));
        assert!(usage_error("grep x --label =prod").contains("is not KEY=VALUE"));
        assert!(typed("search --label env=prod,team=a").is_ok());
        assert!(typed("search --label 'env=\"a,b\"'".replace('\'', "").as_str()).is_ok());
        assert!(typed("compliance --label=").is_ok());
        // Given attached, a dash is a value; grep's -e takes any pattern.
        assert!(typed("recent --user=--odd").is_ok());
        assert!(typed("grep -e --since").is_ok());
        assert!(usage_error("help nothing").contains("unknown command"));
        assert!(usage_error("completions tcsh").contains("the shells are"));
        assert!(usage_error("play 3f2a --format html").contains("not one of"));
    }
}
