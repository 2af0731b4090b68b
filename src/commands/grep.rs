//! The `grep` command (and the content hunt, which is grep with a technique's patterns): run
//! the scan, print each session's matches as its turn comes, then say on stderr what was
//! scanned and what was not, and exit as grep does.

use std::io::{self, BufWriter};

use crate::app::{Run, finish, remember};
use crate::cli::args::Grep;
use crate::content::Matcher;
use crate::error::{Error, Exit};
use crate::render::{Format, GrepWriter};
use crate::review::grep::{self, Failed, Skip, Told, Totals};
use crate::window::resolve;

/// Run `grep`: 0 when something matched, 1 when nothing did, 2 or more on trouble (a replay
/// that failed for another reason than a missing recording counts as trouble, after every
/// result is printed).
pub fn grep(r: &Run, g: &Grep) -> Result<(), Error> {
    let matcher = Matcher::new(&g.patterns, g.options).map_err(|e| {
        Error::usage(format!("grep: {e}")).hint(
            "patterns are regular expressions (Rust's regex syntax); -F takes them as plain text",
        )
    })?;
    if let (_, Some(notice)) = resolve(&g.window, r.now).map_err(Error::usage)? {
        eprintln!("tsh-review: {notice}");
    }
    if let Some(technique) = g.kinds_of {
        let kinds: Vec<&str> = g.scan.kinds.iter().map(|k| k.as_str()).collect();
        eprintln!(
            "tsh-review: --hunt {technique} reads {} sessions only, where its technique happens; --kind reads others too",
            kinds.join(" and ")
        );
    }
    scan(r, g, &matcher)
}

/// [`grep`] without the window's notice (the content hunt has said it already).
pub fn scan(r: &Run, g: &Grep, matcher: &Matcher) -> Result<(), Error> {
    let (window, _) = resolve(&g.window, r.now).map_err(Error::usage)?;
    let format = r.format(Format::Tsv);
    let color = format == Format::Table && r.color();
    let source = r.source();
    if let Some(e) = source.cannot_replay() {
        // Before the listing: every replay would fail the same way, one line per session.
        return Err(e.with_exit(Exit::Trouble));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut writer = GrepWriter::new(&mut out, format, color);
    finish(writer.begin())?;
    let tty = r.term.stderr_tty;
    let mut written = Ok(());
    let progress = |done: usize, of: usize| {
        if tty {
            eprint!("\r\x1b[2Kscanned {done}/{of} sessions…");
            if done == of {
                eprint!("\r\x1b[2K");
            }
        }
    };
    let totals = grep::grep(
        source,
        matcher,
        &g.scan,
        window,
        r.now,
        Told {
            // Remembered like any listing's, so that the ids said below open with `show`.
            listed: &mut |sessions| remember(sessions, source.scope()),
            shown: &mut |scanned| {
                // The progress line gives way to the results, which go out a session at a
                // time.
                if tty {
                    eprint!("\r\x1b[2K");
                }
                if written.is_ok() {
                    written = writer.session(&scanned).and_then(|()| writer.flush());
                }
            },
            progress: &progress,
        },
    )
    // 1 means "no match" to grep's callers: any other trouble is 2 or more.
    .map_err(|e| match e.exit {
        Exit::Failure => e.with_exit(Exit::Trouble),
        _ => e,
    })?;
    finish(written.and_then(|()| writer.end()))?;
    drop(out);
    let invocation = source.invocation();
    for line in report(&totals, &g.window.flags(), invocation) {
        eprintln!("tsh-review: {line}");
    }
    let troubled = totals
        .failed
        .iter()
        .any(|(why, _)| *why != Failed::NotFound);
    if troubled {
        return Err(Error::quiet(Exit::Trouble));
    }
    if totals.matched == 0 {
        return Err(Error::quiet(Exit::NoMatch));
    }
    Ok(())
}

/// What was scanned and matched, and what was skipped or failed, by reason, with the command
/// that lists those sessions.
pub fn report(t: &Totals, window: &str, invocation: &str) -> Vec<String> {
    let partly = match t.partial {
        0 => String::new(),
        n => format!(", and {n} in part"),
    };
    let mut lines = vec![format!(
        "scanned {} of {} session(s) in the window{partly}; {} matched ({} line(s))",
        t.scanned, t.listed, t.matched, t.matched_lines
    )];
    let ids = |list: &[String]| {
        let short: Vec<&str> = list
            .iter()
            .take(5)
            .map(|id| id.get(..8).unwrap_or(id))
            .collect();
        let more = if list.len() > 5 { ", …" } else { "" };
        format!("{}{more}", short.join(", "))
    };
    for (why, list) in &t.skipped {
        let (what, how) = match why {
            Skip::Kind => (
                "desktop or app session(s): they have no text replay",
                format!("`{invocation} recent{window} --kind desktop,app`"),
            ),
            Skip::NotRecorded => (
                "session(s) Teleport did not record",
                format!("`{invocation} show ID`"),
            ),
            Skip::NonInteractive => (
                "non-interactive (exec) session(s), often not recorded: --non-interactive replays them",
                format!("`{invocation} show ID`"),
            ),
        };
        lines.push(format!(
            "skipped {} {what} ({}); {how} shows them",
            list.len(),
            ids(list)
        ));
    }
    for (why, list) in &t.failed {
        let what = match why {
            Failed::NotFound => "had no recording (expired, or never recorded)",
            Failed::Denied => "could not be read: access denied (the role needs `session` `read`)",
            Failed::TimedOut => "did not finish within --timeout (raise it, e.g. --timeout 10m)",
            Failed::Other => "could not be replayed",
        };
        let mut line = format!(
            "{} session(s) {what} ({}); `{invocation} show ID` shows one",
            list.len(),
            ids(list)
        );
        if *why == Failed::Other
            && let Some(failure) = &t.failure
        {
            line.push_str(&format!(": {}", crate::text::sanitize::escape(failure)));
        }
        lines.push(line);
    }
    lines.push(
        "a session's text is what its user's terminal showed, replayed by tsh: escaped here, never run or stored"
            .to_owned(),
    );
    lines
}
