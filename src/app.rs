//! One run of the tool: pick the data source, run the workflow, render, remember.

use std::io::{self, BufWriter, Write};
use std::panic::resume_unwind;

use jiff::Timestamp;

use crate::actions;
use crate::cache;
use crate::cli::{Action, Globals, Invocation, help, table};
use crate::demo::Demo;
use crate::error::{Error, Exit};
use crate::progress::Spinner;
use crate::render::{self, Format, Style};
use crate::review::fetch::Fetch;
use crate::review::{Listing, compliance, hunt, pivot, recent, request, search, triage};
use crate::session::{Detail, Session};
use crate::teleport::Cluster;
use crate::teleport::locate::locate;
use crate::teleport::tctl::Tctl;
use crate::teleport::tsh::{Profile, Tsh};
use crate::teleport::weblink::player_url;
use crate::term::{self, Term, use_color};
use crate::text::sanitize::escape;
use crate::window::{Window, WindowArgs, resolve};

pub fn run(inv: Invocation) -> Result<(), Error> {
    let term = term::detect();
    let g = &inv.globals;
    match &inv.action {
        Action::Help {
            command,
            misused: false,
        } => print(&command.map_or_else(help::overview, help::command)),
        Action::Help { misused: true, .. } => {
            eprint!("{}", help::overview());
            Err(Error::usage("no command given").hint(
                "try `tsh-review recent`, or `tsh-review --demo recent` to see it without Teleport",
            ))
        }
        Action::Version => print(&format!("{}\n", help::version())),
        // The catalogue is help text: it stays text in a pipe unless a format is asked for.
        Action::HuntList => finish(render::techniques(
            &mut BufWriter::new(io::stdout().lock()),
            output_format(g, &term, Format::Table),
        )),
        Action::Man => print(&crate::cli::man::page()),
        Action::Completions { shell } => print(
            crate::cli::completions::script(shell).expect("the parser checked the shell name"),
        ),
        Action::Init { shell } => {
            print(&crate::cli::completions::init(shell).expect("the parser checked the shell name"))
        }
        Action::CompletionBash { words } => {
            let mut text = String::new();
            for c in crate::cli::kingpin::candidates(words) {
                text.push_str(&c);
                text.push('\n');
            }
            // Silent on a closed pipe: this runs inside the user's prompt.
            let _ = io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
        Action::CompleteIds {
            prefix,
            describe,
            playable,
            field,
        } => {
            complete_ids(scope(g), prefix, *describe, *playable, field.as_deref());
            Ok(())
        }
        Action::Recent(a) => {
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| recent::recent(c, a, w, now))
        }
        Action::Search(a) => {
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| search::search(c, a, w, now))
        }
        Action::Triage(a) => {
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| triage::triage(c, a, w, now))
        }
        Action::Hunt(a) => {
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| hunt::hunt(c, a, w, now))
        }
        Action::Pivot(a) => {
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| pivot::pivot(c, a, w, now))
        }
        Action::Request(a) => {
            let id = request::resolve_id(&a.id, |p| cache::access_requests(scope(g), p))?;
            let a = request::RequestArgs { id, ..a.clone() };
            let w = window(&a.window)?;
            show(g, &term, w, |c, w, now| request::request(c, &a, w, now))
        }
        Action::Doctor { insecure } => doctor(g, &term, *insecure),
        Action::Show { sid } => show_session(g, &term, sid),
        Action::Link { sid } => {
            let now = now()?;
            let id = actions::resolve(sid, scope(g))?;
            let s = metadata(g, &id, now)?;
            print(&format!("{}\n", player_link(g, &s, now)?))
        }
        Action::Play { sid, speed, format } => play(g, sid, speed.as_deref(), format.as_deref()),
        Action::Download {
            sid,
            output,
            yes,
            force,
        } => download(g, sid, output.as_deref(), *yes, *force),
        Action::Compliance(a) => {
            let now = now()?;
            let (w, _) = a.period(now)?;
            // The reviewer and the player links come from the tsh login, when there is one.
            let profile = profile(g, now);
            let reviewer = profile.as_ref().map(|p| p.username.clone());
            show_linked(g, &term, w, Links::Known(profile), |c, _, now| {
                compliance::compliance(c, a, now, reviewer.as_deref())
            })
        }
    }
}

/// Cached ids (or users, or targets) for the completion scripts (cli::completions::answer).
/// Silent on any failure: a broken pipe or an unreadable cache must not print into the
/// user's prompt.
fn complete_ids(
    scope: cache::Scope,
    prefix: &str,
    describe: bool,
    playable: bool,
    field: Option<&str>,
) {
    let text = crate::cli::completions::answer(scope, prefix, describe, playable, field);
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

fn doctor(g: &Globals, term: &Term, insecure: bool) -> Result<(), Error> {
    let format = output_format(g, term, Format::Tsv);
    let demo = "DEMO: the built-in sample cluster needs no Teleport; run doctor without --demo to check yours.\n";
    if g.demo && format == Format::Table {
        return print(demo);
    }
    if g.demo {
        // Data formats get their empty result, so a script reads valid output.
        eprint!("{demo}");
        return finish(render::checks(&mut io::stdout().lock(), &[], format));
    }
    let checks = {
        let _spinner = Spinner::start(term.stderr_tty, "checking…");
        crate::doctor::run(crate::doctor::Inputs {
            tsh: find("tsh", g).map_err(|e| e.what.clone()),
            tctl: find("tctl", g).map_err(|e| e.what.clone()),
            timeout: g.timeout,
            insecure,
            now: now()?,
        })
    };
    let stdout = io::stdout();
    finish(render::checks(
        &mut BufWriter::new(stdout.lock()),
        &checks,
        format,
    ))?;
    match crate::doctor::exit(&checks) {
        None => Ok(()),
        Some(Exit::SearchUnavailable) => Err(Error::new(
            Exit::SearchUnavailable,
            "session search is unavailable; everything else works",
        )),
        Some(code) => Err(Error::new(code, "a check failed: see above")),
    }
}

/// `show`: one session in the format asked for. It is one record, not a table, so in a pipe
/// it stays the detail view unless a format is asked for.
fn show_session(g: &Globals, term: &Term, sid: &str) -> Result<(), Error> {
    let now = now()?;
    let id = actions::resolve(sid, scope(g))?;
    let format = output_format(g, term, Format::Table);
    let cluster = cluster(g, now)?;
    let (found, profile) = std::thread::scope(|threads| {
        // Asked while the cluster answers, and only for a format that shows the link.
        let asked = format
            .wants_links()
            .then(|| threads.spawn(|| login(g, now)));
        let found = actions::find(cluster.as_ref(), &id, scope(g), now);
        (
            found,
            asked.map(|h| h.join().unwrap_or_else(|p| resume_unwind(p))),
        )
    });
    let mut session = found?;
    match profile {
        Some(Ok(p)) => link(std::slice::from_mut(&mut session), &p),
        Some(Err(e)) => no_links(&e.what),
        None => {}
    }
    let next = actions::next_steps(&session.id().to_string(), scope(g));
    let stdout = io::stdout();
    finish(render::session(
        &mut BufWriter::new(stdout.lock()),
        &session,
        &next,
        format,
    ))
}

fn scope(g: &Globals) -> cache::Scope {
    if g.demo {
        cache::Scope::Demo
    } else {
        cache::Scope::Live
    }
}

/// What is known of a session: the cache first (no network), else a bounded ls lookup.
fn metadata(g: &Globals, id: &str, now: Timestamp) -> Result<Session, Error> {
    if let Some(e) = cache::load(scope(g)).into_iter().find(|e| e.id == id) {
        return Ok(e.into_session());
    }
    let cluster = cluster(g, now)?;
    actions::find(cluster.as_ref(), id, scope(g), now)
}

fn player_link(g: &Globals, s: &Session, now: Timestamp) -> Result<String, Error> {
    let profile = login(g, now)?;
    player_url(&profile.proxy, &profile.cluster, s).map_err(|no| no.into_error())
}

fn play(g: &Globals, sid: &str, speed: Option<&str>, format: Option<&str>) -> Result<(), Error> {
    let now = now()?;
    let id = actions::resolve(sid, scope(g))?;
    let meta = metadata(g, &id, now).ok();
    if let Some(s) = &meta {
        if s.kind == crate::session::Kind::Desktop {
            eprintln!("tsh-review: desktop recordings play only in the web UI:");
            return print(&format!("{}\n", player_link(g, s, now)?));
        }
        if let Some(warning) = actions::playback_warning(s) {
            eprintln!("tsh-review: warning: {warning}");
        }
    }
    let mut line = String::from("tsh play");
    for (flag, value) in [("speed", speed), ("format", format)] {
        if let Some(v) = value {
            line.push_str(&format!(" --{flag}={v}"));
        }
    }
    if g.demo {
        return print(&format!(
            "DEMO: the sample cluster has no recordings to replay. Against your cluster this runs:\n  {line} {id}\n"
        ));
    }
    let status = tsh(g)?.play(&id, speed, format)?;
    if status != 0 {
        // Ctrl-C in tsh: end as it did, quietly.
        std::process::exit(status);
    }
    Ok(())
}

fn download(
    g: &Globals,
    sid: &str,
    output: Option<&std::path::Path>,
    yes: bool,
    force: bool,
) -> Result<(), Error> {
    let now = now()?;
    let id = actions::resolve(sid, scope(g))?;
    if let Some(s) = metadata(g, &id, now)
        .ok()
        .as_ref()
        .and_then(actions::playback_warning)
    {
        eprintln!("tsh-review: warning: {s}");
    }
    let dir = actions::download_dir(&id, output);
    let target = dir.join(format!("{id}.tar"));
    let plan = format!(
        "tctl recordings download {id} will write {} (tctl's work directories are removed afterwards)",
        target.display()
    );
    if g.demo {
        return print(&format!(
            "DEMO: nothing to download from the sample cluster. Against your cluster: {plan}\n"
        ));
    }
    let tctl = tctl(g)?;
    if !yes {
        match actions::confirm(&format!("{plan}. Download?")) {
            Some(true) => {}
            Some(false) => return Err(Error::failure("not downloaded: the answer was not yes")),
            None => {
                return Err(
                    Error::usage("not downloaded: there is no terminal to confirm on")
                        .because("nothing is written to disk without a human saying yes")
                        .hint("run it in a terminal, or pass --yes to confirm in advance"),
                );
            }
        }
    }
    let path = actions::download_into(&dir, &id, force, |staging| tctl.download(&id, staging))?;
    print(&format!(
        "downloaded {}\nIt is not a tar archive (a gzipped, possibly encrypted protobuf stream): do not untar it.\nReplay it with: tsh play {}\n",
        path.display(),
        path.display()
    ))
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

/// The window the user asked for, resolved before anything runs so a mistake costs no call.
fn window(args: &WindowArgs) -> Result<Window, Error> {
    let (window, notice) = resolve(args, now()?).map_err(Error::usage)?;
    if let Some(notice) = notice {
        eprintln!("tsh-review: {notice}");
    }
    Ok(window)
}

/// The login the web player links are built from: known before the listing (or known to be
/// missing), or to be asked of tsh when the format shows links.
enum Links {
    Known(Option<Profile>),
    Ask,
}

/// Run a workflow against the cluster, then remember and render what it found.
fn show(
    g: &Globals,
    term: &Term,
    window: Window,
    workflow: impl FnOnce(Fetch<'_>, Window, Timestamp) -> Result<Listing, Error>,
) -> Result<(), Error> {
    show_linked(g, term, window, Links::Ask, workflow)
}

/// [`show`], with the login for the player links already known or to be asked.
fn show_linked(
    g: &Globals,
    term: &Term,
    window: Window,
    links: Links,
    workflow: impl FnOnce(Fetch<'_>, Window, Timestamp) -> Result<Listing, Error>,
) -> Result<(), Error> {
    let now = now()?;
    let format = output_format(g, term, Format::Tsv);
    let cluster = cluster(g, now)?;
    let (listing, profile) = {
        let _spinner = Spinner::start(term.stderr_tty, "asking the cluster…");
        std::thread::scope(|scope| {
            // Asked while the cluster answers: the links cost one tsh status, not a wait.
            let asked = (matches!(links, Links::Ask) && format.wants_links())
                .then(|| scope.spawn(|| login(g, now)));
            // JSON shows every field of a session; the other formats a row.
            let detail = if format == Format::Json {
                Detail::Full
            } else {
                Detail::Row
            };
            let fetch = Fetch {
                cluster: cluster.as_ref(),
                detail,
            };
            let listing = workflow(fetch, window, now);
            let profile = match (asked, links) {
                (Some(asked), _) => Some(asked.join().unwrap_or_else(|p| resume_unwind(p))),
                (None, Links::Known(p)) => p.map(Ok),
                (None, Links::Ask) => None,
            };
            (listing, profile)
        })
    };
    let mut listing = listing?;
    if g.demo {
        listing.invocation = "tsh-review --demo";
    }
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
    explain_unavailable_search(&mut listing, g, now, profile.as_ref());
    // The cache is written while the listing is printed: neither waits for the other.
    let shown = std::thread::scope(|scope| {
        scope.spawn(|| remember(&listing, g.demo));
        output(&listing, format, g, term)
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

/// When search failed, a cached config.js verdict says more precisely why. Only read from the
/// cache (the failure path may ask tsh for the proxy; a working search never waits on this).
fn explain_unavailable_search(
    listing: &mut Listing,
    g: &Globals,
    now: Timestamp,
    known: Option<&Profile>,
) {
    use crate::review::Note;
    use crate::teleport::probe::{Verdict, cached};
    let Some(Note::SearchUnavailable { probe, .. }) = listing
        .notes
        .iter_mut()
        .find(|n| matches!(n, Note::SearchUnavailable { .. }))
    else {
        return;
    };
    if g.demo {
        return;
    }
    let Some(proxy) = known
        .map(|p| p.proxy.clone())
        .or_else(|| quiet_profile(g, now).map(|p| p.proxy))
    else {
        return;
    };
    *probe = match cached(&proxy, now) {
        Some(Verdict::Impossible(why)) | Some(Verdict::Unknown(why)) => Some(why),
        Some(Verdict::NotEnabled(todo)) => Some(format!("licensed, but {}", todo.join(" and "))),
        _ => None,
    };
}

fn quiet_profile(g: &Globals, now: Timestamp) -> Option<Profile> {
    tsh(g).ok()?.status(now).ok()
}

fn cluster(globals: &Globals, now: Timestamp) -> Result<Box<dyn Cluster>, Error> {
    if globals.demo {
        eprintln!(
            "DEMO: built-in sample cluster demo.teleport.example, not your Teleport (times are moved to look recent)"
        );
        return Ok(Box::new(Demo::new(now)));
    }
    Ok(Box::new(tctl(globals)?))
}

fn find(tool: &str, globals: &Globals) -> Result<std::path::PathBuf, Error> {
    let explicit = match tool {
        "tsh" => globals.tsh.as_deref(),
        _ => globals.tctl.as_deref(),
    };
    locate(
        tool,
        explicit,
        table::flag_by_long(tool)
            .and_then(|f| f.env)
            .unwrap_or_default(),
        std::env::var_os("PATH"),
        std::env::var_os("HOME").map(Into::into),
    )
}

fn tsh(g: &Globals) -> Result<Tsh, Error> {
    Ok(Tsh {
        path: find("tsh", g)?,
        timeout: g.timeout,
    })
}

fn tctl(g: &Globals) -> Result<Tctl, Error> {
    Ok(Tctl {
        path: find("tctl", g)?,
        timeout: g.timeout,
    })
}

/// The active login; the demo has its own.
fn login(g: &Globals, now: Timestamp) -> Result<Profile, Error> {
    if g.demo {
        return Ok(Demo::profile());
    }
    tsh(g)?.status(now)
}

/// The active login, if tsh is there and logged in; the demo has its own.
fn profile(g: &Globals, now: Timestamp) -> Option<Profile> {
    if g.demo {
        return Some(Demo::profile());
    }
    match tsh(g).ok()?.status(now) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!(
                "tsh-review: warning: no reviewer or player links: {}",
                e.what
            );
            None
        }
    }
}

/// Fill each session's player link. A profile no link can be built from (no proxy, an odd
/// one, no cluster) is said once, not once a row.
fn link(sessions: &mut [Session], p: &Profile) {
    use crate::teleport::weblink::NoLink;
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

fn no_links(why: &str) {
    eprintln!(
        "tsh-review: warning: no web player links (web_url left empty): {}",
        escape(why)
    );
}

/// Completion, `show` and `play` find sessions in the cache; failing to write it only warns.
fn remember(listing: &Listing, demo: bool) {
    let scope = if demo {
        cache::Scope::Demo
    } else {
        cache::Scope::Live
    };
    let ms = |t: crate::session::Time| t.get().map(|t| t.as_millisecond());
    let kept = cache::keepable(listing.sessions.iter().collect(), |s| {
        (ms(s.start), ms(s.end))
    });
    let entries: Vec<cache::Entry> = kept.into_iter().map(cache::Entry::of).collect();
    if let Err(e) = cache::record(scope, entries) {
        eprintln!("tsh-review: warning: {}", escape(&e.to_string()));
    }
}

/// The format of this run's output: what was asked, else a table on a terminal and `piped`
/// otherwise.
fn output_format(g: &Globals, term: &Term, piped: Format) -> Format {
    Format::choose(g.format, term.stdout_tty, piped)
}

fn output(listing: &Listing, format: Format, globals: &Globals, term: &Term) -> Result<(), Error> {
    let style = Style {
        color: format == Format::Table
            && use_color(globals.color, term.stdout_tty, |k| std::env::var(k).ok()),
        width: term.width,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = render::listing(&mut out, &mut io::stderr(), listing, format, &style);
    finish(result.and_then(|()| out.flush()))
}

fn print(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    finish(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// A reader that stopped reading (`| head`) is not an error.
fn finish(result: io::Result<()>) -> Result<(), Error> {
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::failure(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
