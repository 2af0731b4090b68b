//! One run of the tool: pick the data source, run the workflow, render, remember.

use std::io::{self, BufWriter, Write};

use jiff::Timestamp;

use crate::cache;
use crate::cli::{Action, Globals, Invocation, help, table};
use crate::demo::Demo;
use crate::error::Error;
use crate::progress::Spinner;
use crate::render::{self, Format, Style};
use crate::review::Listing;
use crate::review::recent;
use crate::session::Session;
use crate::teleport::Cluster;
use crate::teleport::locate::locate;
use crate::teleport::tctl::Tctl;
use crate::term::{self, Term, use_color};

pub fn run(inv: Invocation) -> Result<(), Error> {
    let term = term::detect();
    match inv.action {
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
        Action::Recent(args) => {
            let now = now()?;
            let window = recent::window(&args, now)?;
            let cluster = cluster(&inv.globals, now)?;
            let listing = {
                let _spinner = Spinner::start(term.stderr_tty, "listing recordings…");
                recent::recent(cluster.as_ref(), &args, window, now)?
            };
            remember(&listing, inv.globals.demo);
            output(&listing, &inv.globals, &term)
        }
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

fn cluster(globals: &Globals, now: Timestamp) -> Result<Box<dyn Cluster>, Error> {
    if globals.demo {
        eprintln!(
            "DEMO: built-in sample cluster demo.teleport.example, not your Teleport (times are moved to look recent)"
        );
        return Ok(Box::new(Demo::new(now)));
    }
    let path = locate(
        "tctl",
        globals.tctl.as_deref(),
        table::flag_by_long("tctl")
            .and_then(|f| f.env)
            .unwrap_or("TCTL"),
        std::env::var_os("PATH"),
        std::env::var_os("HOME").map(Into::into),
    )?;
    Ok(Box::new(Tctl {
        path,
        timeout: globals.timeout,
    }))
}

/// Completion, `show` and `play` find sessions in the cache; failing to write it only warns.
fn remember(listing: &Listing, demo: bool) {
    let scope = if demo {
        cache::Scope::Demo
    } else {
        cache::Scope::Live
    };
    let entries: Vec<cache::Entry> = listing.sessions.iter().map(entry).collect();
    if let Err(e) = cache::record(scope, &entries) {
        eprintln!("tsh-review: warning: {e}");
    }
}

fn entry(s: &Session) -> cache::Entry {
    cache::Entry {
        id: s.id.clone(),
        kind: s.kind.as_str().to_owned(),
        user: s.user.clone(),
        target: s.target.clone(),
        start_ms: s.start.map(|t| t.as_millisecond()),
        end_ms: s.end.map(|t| t.as_millisecond()),
        interactive: s.interactive,
        recorded: s.recorded,
        severity: s.severity.map(|v| v.level()),
        cluster: s.cluster.clone(),
    }
}

fn output(listing: &Listing, globals: &Globals, term: &Term) -> Result<(), Error> {
    let format = globals.format.unwrap_or(if term.stdout_tty {
        Format::Table
    } else {
        Format::Tsv
    });
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
