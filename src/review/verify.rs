//! `hunt --verify`: a search hit is a language model's reading of a session; the recording is
//! what happened. Replay each hit as text and keep the first line that matches the hunt's
//! patterns, how many did, and the evasions the replay showed (erased input, concealed text,
//! title or clipboard writes), which a summary does not report.

use super::grep::{Failed, Skip, skip};
use super::pool;
use crate::content::{Context, Event, Flag as Content, Matcher, Scanner};
use crate::error::Error;
use crate::session::{Evidence, Flag, Session};
use crate::source::Source;
use crate::teleport::NoReplay;
use crate::text::suspicious::addresses_the_reader;

/// The evasions a verified session is flagged with.
const EVASIONS: [Content; 3] = [
    Content::ErasedInput,
    Content::ConcealedText,
    Content::TitleOrClipboard,
];

/// Read every session's recording `jobs` at a time and give each its evidence. A lost login
/// stops the reading (every replay would fail the same way) and is the error.
pub fn verify(
    source: &dyn Source,
    matcher: &Matcher,
    sessions: &mut [Session],
    jobs: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<(), Error> {
    let todo: Vec<usize> = (0..sessions.len()).collect();
    let mut lost = None;
    let mut done = 0;
    let shared = &*sessions;
    let mut found = Vec::with_capacity(todo.len());
    pool::each(
        todo.len(),
        jobs,
        |n| read(source, matcher, &shared[todo[n]]),
        |n, result| {
            done += 1;
            progress(done, todo.len());
            match result {
                Err(NoReplay::NotLoggedIn(e)) => {
                    lost.get_or_insert(e);
                    false
                }
                other => {
                    found.push((todo[n], other));
                    true
                }
            }
        },
    );
    if let Some(e) = lost {
        return Err(e);
    }
    for (i, result) in found {
        let s = &mut sessions[i];
        let evidence = match result {
            Ok((evidence, flags)) => {
                for f in flags.into_iter().filter_map(Flag::evasion) {
                    s.flag(f);
                }
                // The line is shown in the listing: it is flagged like any shown field.
                if evidence
                    .first
                    .as_ref()
                    .is_some_and(|(line, _)| addresses_the_reader(line))
                {
                    s.flag(Flag::SuspiciousText);
                }
                evidence
            }
            Err(why) => unavailable(why_not(&why)),
        };
        s.extra_mut().evidence = Some(Box::new(evidence));
    }
    Ok(())
}

/// Why a recording gave no evidence, in a few words for a table cell.
fn why_not(why: &NoReplay) -> &'static str {
    match Failed::of(why) {
        Failed::NotFound => "no recording",
        Failed::Denied => "access denied",
        Failed::TimedOut => "timed out",
        Failed::Other => "replay failed",
    }
}

fn unavailable(why: &'static str) -> Evidence {
    Evidence {
        matched_lines: 0,
        first: None,
        unavailable: Some(why),
    }
}

/// Replay one session and keep its first matching line.
fn read(
    source: &dyn Source,
    matcher: &Matcher,
    session: &Session,
) -> Result<(Evidence, Vec<Content>), NoReplay> {
    // A hit from search is worth reading even when it was not interactive: search found it.
    match skip(session, true) {
        Some(Skip::Kind) => return Ok((unavailable("no text replay"), Vec::new())),
        Some(Skip::NotRecorded) => return Ok((unavailable("not recorded"), Vec::new())),
        Some(Skip::NonInteractive) | None => {}
    }
    let mut scanner = Scanner::new(matcher.clone(), Context::default());
    let mut first = None;
    let mut keep = |e: Event| {
        if first.is_none()
            && let Event::Line(hit) = e
            && let Some(m) = hit.matches.first()
        {
            first = Some((m.text(&hit.line).to_owned(), m.within));
        }
    };
    source.replay(&session.id().to_string(), &mut |chunk| {
        scanner.feed(chunk).for_each(&mut keep)
    })?;
    let (last, summary) = scanner.finish();
    last.into_iter().for_each(keep);
    let flags = EVASIONS
        .into_iter()
        .filter(|f| summary.flags.contains(*f))
        .collect();
    Ok((
        Evidence {
            matched_lines: summary.matched_lines,
            first,
            unavailable: None,
        },
        flags,
    ))
}
