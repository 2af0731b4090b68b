//! One run of the tool, composed: read "now" once, choose the source (the cluster or the
//! demo), run the command (the one dispatch), render, and remember what was listed.

use std::io::{self, Write};
use std::sync::OnceLock;

use jiff::Timestamp;

use crate::cache;
use crate::cli::args;
use crate::cli::table::Cmd;
use crate::cli::{Globals, Invocation, Matches, completions, help, man};
use crate::commands::actions;
use crate::commands::listing::{Explain, Links};
use crate::error::Error;
use crate::progress::Spinner;
use crate::render::Format;
use crate::review::{compliance, pivot, recent, request, search, triage};
use crate::session::{Origin, Session};
use crate::source::{self, Source};
use crate::term::{self, Term, use_color};
use crate::text::sanitize::escape;

pub fn run(inv: Invocation) -> Result<(), Error> {
    match inv {
        Invocation::Help {
            command,
            misused: false,
        } => print(&command.map_or_else(help::overview, help::command)),
        Invocation::Help { misused: true, .. } => {
            eprint!("{}", help::overview());
            Err(Error::usage("no command given").hint(
                "try `tsh-review recent`, or `tsh-review --demo recent` to see it without Teleport",
            ))
        }
        Invocation::Version => print(&format!("{}\n", help::version())),
        Invocation::CompletionBash { words } => {
            // Silent on a closed pipe: this runs inside the user's prompt.
            let _ = io::stdout().write_all(crate::complete::kingpin(&words).as_bytes());
            Ok(())
        }
        Invocation::Run {
            globals,
            cmd,
            matches,
        } => dispatch(&Run::new(&globals)?, cmd, &matches),
    }
}

/// The one dispatch: each command's options are typed (a usage error costs no call), then it
/// runs.
fn dispatch(r: &Run, cmd: Cmd, m: &Matches) -> Result<(), Error> {
    let now = r.now;
    match cmd {
        Cmd::Recent => {
            let a = args::recent(m)?;
            r.listing(&a.window, Links::Ask, Explain::None, |s, w| {
                recent::recent(s, &a, w, now)
            })
        }
        Cmd::Search => {
            let a = args::search(m)?;
            r.listing(&a.window, Links::Ask, Explain::None, |s, w| {
                search::search(s, &a, w, now)
            })
        }
        Cmd::Triage => {
            let a = args::triage(m)?;
            let how = explain(m, Explain::First);
            r.listing(&a.window, Links::Ask, how, |s, w| {
                triage::triage(s, &a, w, now)
            })
        }
        Cmd::Hunt => crate::commands::hunt::hunt(r, args::hunt(m)?, explain(m, Explain::First)),
        Cmd::Pivot => {
            let a = args::pivot(m)?;
            let how = explain(m, Explain::First);
            r.listing(&a.window, Links::Ask, how, |s, w| {
                pivot::pivot(s, &a, w, now)
            })
        }
        Cmd::Request => {
            let a = args::request(m)?;
            let scope = r.source().scope();
            let id = request::resolve_id(&a.id, |p| cache::access_requests(scope, p))?;
            let a = request::RequestArgs { id, ..a };
            r.listing(&a.window, Links::Ask, Explain::None, |s, w| {
                request::request(s, &a, w, now)
            })
        }
        Cmd::Compliance => {
            let a = args::compliance(m)?;
            let (window, _) = a.period(now)?;
            // The reviewer and the player links come from the tsh login, when there is one.
            let profile = r.source().login(now).map_err(|e| {
                eprintln!(
                    "tsh-review: warning: no reviewer or player links: {}",
                    escape(&e.what)
                )
            });
            let reviewer = profile.as_ref().ok().map(|p| p.username.clone());
            // The report's follow-ups get their short description and risk.
            let how = explain(m, Explain::FollowUps);
            r.present(window, Links::Known(profile.ok()), how, |s, _| {
                compliance::compliance(s, &a, now, reviewer.as_deref())
            })
        }
        Cmd::Grep => crate::commands::grep::grep(r, &args::grep(m)?),
        Cmd::Doctor => crate::commands::doctor::doctor(r, args::insecure(m)),
        Cmd::Show => actions::show(r, &args::sid(m)?),
        Cmd::Link => actions::link(r, &args::sid(m)?),
        Cmd::Play => actions::play(r, &args::play(m)?),
        Cmd::Download => actions::download(r, &args::download(m)?),
        Cmd::Completions => print(
            completions::script(args::completion_shell(m)?)
                .transpose()?
                .unwrap_or_default(),
        ),
        Cmd::Init => print(
            &completions::init(args::init_shell(m)?)
                .transpose()?
                .unwrap_or_default(),
        ),
        Cmd::Man => print(&man::page()),
        Cmd::Help => print(&args::help_topic(m)?.map_or_else(help::overview, help::command)),
        Cmd::CompleteIds => {
            let a = args::complete_ids(m);
            let scope = r.source().scope();
            let text = crate::complete::ids(scope, &a);
            // Silent on any failure: this runs inside the user's prompt.
            let _ = io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}

/// What every command runs with: the options, the terminal, "now", and the source, made when
/// first needed (help and completion never need one).
pub struct Run<'g> {
    pub globals: &'g Globals,
    pub term: Term,
    pub now: Timestamp,
    source: OnceLock<Box<dyn Source>>,
}

impl<'g> Run<'g> {
    fn new(globals: &'g Globals) -> Result<Run<'g>, Error> {
        Ok(Run {
            globals,
            term: term::detect(),
            now: now()?,
            source: OnceLock::new(),
        })
    }

    pub fn source(&self) -> &dyn Source {
        self.source
            .get_or_init(|| source::choose(self.globals, self.now))
            .as_ref()
    }

    /// The format of this run's output: what was asked, else a table on a terminal and
    /// `piped` otherwise.
    pub fn format(&self, piped: Format) -> Format {
        Format::choose(self.globals.format, self.term.stdout_tty, piped)
    }

    /// A spinner on stderr while `f` runs, when stderr is a terminal.
    pub fn waiting<T>(&self, f: impl FnOnce() -> T) -> T {
        let _spinner = Spinner::start(self.term.stderr_tty, "asking the cluster…");
        f()
    }

    /// Whether a table on stdout may be coloured.
    pub fn color(&self) -> bool {
        use_color(self.globals.color, self.term.stdout_tty, |k| {
            std::env::var(k).ok()
        })
    }
}

/// Which sessions of a listing get a line of their AI summary: `how` when `--explain` was given.
fn explain(m: &Matches, how: Explain) -> Explain {
    if args::explain(m) { how } else { Explain::None }
}

/// Completion, `show` and `play` find sessions in the cache; failing to write it only warns.
pub(crate) fn remember(sessions: &[Session], scope: cache::Scope) {
    let kept = cache::keepable(sessions);
    // Search's rows lack what ls's have; a search listing is short, so it is filled first.
    let filled;
    let kept = if kept.iter().any(|s| s.origin == Origin::Search) {
        filled = cache::fill_gaps(scope, &kept);
        filled.iter().collect()
    } else {
        kept
    };
    if let Err(e) = cache::record(scope, &kept) {
        eprintln!("tsh-review: warning: {}", escape(&e.to_string()));
    }
}

/// The current time; `TSH_REVIEW_NOW` pins it so tests of windows are exact.
fn now() -> Result<Timestamp, Error> {
    match std::env::var("TSH_REVIEW_NOW") {
        Ok(text) => text
            .parse()
            .map_err(|_| Error::usage(format!("TSH_REVIEW_NOW={text:?} is not an RFC3339 time"))),
        Err(_) => Ok(Timestamp::now()),
    }
}

pub fn print(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    finish(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// A reader that stopped reading (`| head`) is not an error.
pub fn finish(result: io::Result<()>) -> Result<(), Error> {
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::failure(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
