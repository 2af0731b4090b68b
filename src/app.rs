//! One run of the tool, composed: read "now" once, choose the source (the cluster or the
//! demo), run the command (the one dispatch), render, and remember what was listed.

use std::io::{self, BufWriter, Write};
use std::panic::resume_unwind;
use std::sync::OnceLock;

use jiff::Timestamp;

use crate::actions;
use crate::cache;
use crate::cli::args;
use crate::cli::table::{Cmd, Opt};
use crate::cli::{Globals, Invocation, Matches, completions, help, man};
use crate::content::Matcher;
use crate::error::{Error, Exit};
use crate::progress::Spinner;
use crate::render::{self, Format, Style};
use crate::review::fetch::Fetch;
use crate::review::{Listing, Note, compliance, explain, pivot, recent, request, search, triage};
use crate::session::{Detail, Session};
use crate::source::{self, Source};
use crate::teleport::tsh::Profile;
use crate::teleport::weblink::{NoLink, player_url};
use crate::term::{self, Term, use_color};
use crate::text::sanitize::escape;
use crate::window::{Window, WindowArgs, resolve};

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
        Cmd::Hunt => crate::hunt::hunt(r, args::hunt(m)?, explain(m, Explain::First)),
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
        Cmd::Grep => {
            let g = args::grep(m)?;
            let matcher = Matcher::new(&g.patterns, g.options).map_err(|e| {
                Error::usage(format!("grep: {e}"))
                    .hint("patterns are regular expressions (Rust's regex syntax); -F takes them as plain text")
            })?;
            crate::grep::grep(r, &g, &matcher)
        }
        Cmd::Doctor => doctor(r, m.has(Opt::Insecure)),
        Cmd::Show => actions::show(r, &args::sid(m)?),
        Cmd::Link => actions::link(r, &args::sid(m)?),
        Cmd::Play => actions::play(r, &args::play(m)?),
        Cmd::Download => actions::download(r, &args::download(m)?),
        Cmd::Completions => {
            print(completions::script(args::completion_shell(m)?).unwrap_or_default())
        }
        Cmd::Init => print(&completions::init(args::init_shell(m)?).unwrap_or_default()),
        Cmd::Man => print(&man::page()),
        Cmd::Help => print(&args::help_topic(m)?.map_or_else(help::overview, help::command)),
        Cmd::CompleteIds => {
            let a = args::complete_ids(m);
            let scope = r.source().scope();
            let text =
                crate::complete::ids(scope, &a.prefix, a.describe, a.playable, a.field.as_deref());
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

    /// A listing over the window the user asked for.
    pub(crate) fn listing(
        &self,
        window: &WindowArgs,
        links: Links,
        explain: Explain,
        workflow: impl FnOnce(Fetch<'_>, Window) -> Result<Listing, Error>,
    ) -> Result<(), Error> {
        let (window, notice) = resolve(window, self.now).map_err(Error::usage)?;
        if let Some(notice) = notice {
            eprintln!("tsh-review: {notice}");
        }
        self.present(window, links, explain, workflow)
    }

    /// Run a workflow against the source, then render and remember what it found.
    fn present(
        &self,
        window: Window,
        links: Links,
        explain: Explain,
        workflow: impl FnOnce(Fetch<'_>, Window) -> Result<Listing, Error>,
    ) -> Result<(), Error> {
        let format = self.format(Format::Tsv);
        let source = self.source();
        let (listing, profile) = self.waiting(|| {
            std::thread::scope(|scope| {
                // Asked while the cluster answers: the links cost one tsh status, not a wait.
                let asked = (matches!(links, Links::Ask) && format.wants_links())
                    .then(|| scope.spawn(|| source.login(self.now)));
                // JSON shows every field of a session; the other formats a row.
                let detail = if format == Format::Json {
                    Detail::Full
                } else {
                    Detail::Row
                };
                let listing = workflow(
                    Fetch {
                        cluster: source,
                        detail,
                    },
                    window,
                );
                let profile = match (asked, links) {
                    (Some(asked), _) => Some(asked.join().unwrap_or_else(|p| resume_unwind(p))),
                    (None, Links::Known(p)) => p.map(Ok),
                    (None, Links::Ask) => None,
                };
                (listing, profile)
            })
        });
        let mut listing = listing?;
        listing.invocation = source.invocation();
        self.explain(&mut listing, explain);
        let profile = match profile {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                no_links(&e.what);
                None
            }
            None => None,
        };
        if let Some(p) = &profile {
            link(&mut listing.sessions, p);
        }
        explain_unavailable_search(&mut listing, source, self.now, profile.as_ref());
        // The cache is written while the listing is printed: neither waits for the other.
        let shown = std::thread::scope(|scope| {
            scope.spawn(|| remember(&listing, source.scope()));
            self.output(&listing, format)
        });
        let stand_in = listing.stand_in;
        // The process ends right after: freeing a year's records one by one would cost a tenth
        // of the run for nothing.
        std::mem::forget(listing);
        shown?;
        if stand_in {
            // The headline above the listing said why.
            return Err(Error::quiet(Exit::SearchUnavailable));
        }
        Ok(())
    }

    /// Whether a table on stdout may be coloured.
    pub fn color(&self) -> bool {
        use_color(self.globals.color, self.term.stdout_tty, |k| {
            std::env::var(k).ok()
        })
    }

    /// `--explain`: a line of each chosen session's AI summary, read a few at a time, with
    /// progress on a terminal's stderr.
    fn explain(&self, listing: &mut Listing, how: Explain) {
        use crate::session::Flag;
        let wanted: fn(&Session) -> bool = match how {
            Explain::None => return,
            Explain::First => |_| true,
            Explain::FollowUps => |s| s.flags.contains(Flag::FollowUp),
        };
        let tty = self.term.stderr_tty;
        let progress = |done: usize, of: usize| {
            if tty {
                eprint!("\r\x1b[2Kreading AI summaries {done}/{of}…");
            }
        };
        let picked = explain::explain(self.source(), &mut listing.sessions, wanted, &progress);
        if tty {
            eprint!("\r\x1b[2K");
        }
        listing.explained = true;
        if picked > explain::MOST {
            listing.notes.push(Note::ExplainedFirst {
                read: explain::MOST,
                of: picked,
            });
        }
    }

    fn output(&self, listing: &Listing, format: Format) -> Result<(), Error> {
        let style = Style {
            color: format == Format::Table && self.color(),
            width: self.term.width,
        };
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let result = render::listing(&mut out, &mut io::stderr(), listing, format, &style);
        finish(result.and_then(|()| out.flush()))
    }
}

/// Which sessions of a listing get a line of their AI summary: `how` when `--explain` was given.
fn explain(m: &Matches, how: Explain) -> Explain {
    if m.has(Opt::Explain) {
        how
    } else {
        Explain::None
    }
}

/// Which sessions of a listing get a line of their AI summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Explain {
    None,
    /// The first rows.
    First,
    /// The sessions to follow up (compliance).
    FollowUps,
}

/// The login the web player links are built from: known before the listing (or known to be
/// missing), or to be asked of tsh when the format shows links.
pub(crate) enum Links {
    Known(Option<Profile>),
    Ask,
}

fn doctor(r: &Run, insecure: bool) -> Result<(), Error> {
    let format = r.format(Format::Tsv);
    let checks = match r.waiting(|| r.source().doctor(insecure, r.now)) {
        Ok(checks) => checks,
        Err(note) if format == Format::Table => return print(&format!("{note}\n")),
        Err(note) => {
            // Data formats get their empty result, so a script reads valid output.
            eprintln!("{note}");
            return finish(render::checks(&mut io::stdout().lock(), &[], format));
        }
    };
    finish(render::checks(
        &mut BufWriter::new(io::stdout().lock()),
        &checks,
        format,
    ))?;
    match crate::review::doctor::exit(&checks) {
        None => Ok(()),
        Some(Exit::SearchUnavailable) => Err(Error::new(
            Exit::SearchUnavailable,
            "session search is unavailable; everything else works",
        )),
        Some(code) => Err(Error::new(code, "a check failed: see above")),
    }
}

/// When search failed, a cached config.js verdict says more precisely why. Only read from the
/// cache (the failure path may ask tsh for the proxy; a working search never waits on this).
fn explain_unavailable_search(
    listing: &mut Listing,
    source: &dyn Source,
    now: Timestamp,
    known: Option<&Profile>,
) {
    let Some(Note::SearchUnavailable { probe, .. }) = listing
        .notes
        .iter_mut()
        .find(|n| matches!(n, Note::SearchUnavailable { .. }))
    else {
        return;
    };
    let proxy = match known {
        Some(p) => p.proxy.clone(),
        None => match source.login(now) {
            Ok(p) => p.proxy,
            Err(_) => return,
        },
    };
    *probe = source.search_verdict(&proxy, now);
}

/// Fill each session's player link. A profile no link can be built from (no proxy, an odd
/// one, no cluster) is said once, not once a row.
pub fn link(sessions: &mut [Session], p: &Profile) {
    for s in sessions {
        match player_url(&p.proxy, &p.cluster, s) {
            Ok(url) => s.set_web_url(url),
            Err(e @ (NoLink::NoProxy | NoLink::BadProxy { .. } | NoLink::NoCluster)) => {
                no_links(&e.into_error().what);
                return;
            }
            // This session has no player (an app) or no usable id: the others may.
            Err(NoLink::App | NoLink::NotCanonical(_)) => {}
        }
    }
}

pub fn no_links(why: &str) {
    eprintln!(
        "tsh-review: warning: no web player links (web_url left empty): {}",
        escape(why)
    );
}

/// Completion, `show` and `play` find sessions in the cache; failing to write it only warns.
fn remember(listing: &Listing, scope: cache::Scope) {
    let ms = |t: crate::session::Time| t.get().map(|t| t.as_millisecond());
    let kept = cache::keepable(listing.sessions.iter().collect(), |s| {
        (ms(s.start), ms(s.end))
    });
    let entries: Vec<cache::Entry> = kept.into_iter().map(cache::Entry::of).collect();
    if let Err(e) = cache::record(scope, entries) {
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
