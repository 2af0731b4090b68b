//! `grep`: search what the recordings of a window showed. The sessions come from
//! `recordings ls` (every edition); each replayable one is replayed as text a few at a time,
//! its output read through the content engine as it streams, and its matches handed on in
//! the listing's order. Nothing from a recording is kept once shown, or written anywhere.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::fetch::{Fetch, newest_first, recordings};
use super::pool;
use super::search::fallback_filter;
use crate::content::{Context, Event, Matcher, Scanner, Summary};
use crate::error::Error;
use crate::session::{Detail, Kind, Session};
use crate::source::Source;
use crate::teleport::NoReplay;
use crate::teleport::search::SearchQuery;
use crate::window::Window;

/// A session's shown lines past this many are not kept (a flood of matches); the count says
/// how many there were.
pub const MAX_EVENTS: usize = 10_000;

/// What to search, and in which sessions.
#[derive(Clone, Debug)]
pub struct GrepArgs {
    pub kinds: Vec<Kind>,
    pub user: Option<String>,
    pub host: Option<String>,
    pub labels: Option<String>,
    pub context: Context,
    /// Replays at once.
    pub jobs: usize,
    /// Replay non-interactive sessions too.
    pub non_interactive: bool,
}

/// Why a listed session was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// Desktop and app recordings have no text replay.
    Kind,
    /// Teleport says it was not recorded.
    NotRecorded,
    /// An exec session: often not recorded (`--non-interactive` includes them).
    NonInteractive,
}

/// Why a replay failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Failed {
    NotFound,
    Denied,
    TimedOut,
    Other,
}

impl Failed {
    pub fn of(why: &NoReplay) -> Failed {
        match why {
            NoReplay::NotFound => Failed::NotFound,
            NoReplay::Denied => Failed::Denied,
            NoReplay::TimedOut => Failed::TimedOut,
            _ => Failed::Other,
        }
    }
}

/// One scanned session, in listing order.
pub struct Scanned {
    pub session: Session,
    pub events: Vec<Event>,
    /// Lines past [`MAX_EVENTS`] that were not kept.
    pub dropped: usize,
    pub summary: Summary,
    /// Why the replay stopped before the end (timed out, tsh died), when it matched before:
    /// what it had shown is kept, and the session is also counted as not read.
    pub cut_short: Option<NoReplay>,
}

/// What a grep did, for the lines under its results and its exit status.
#[derive(Debug, Default)]
pub struct Totals {
    /// Sessions in the window that the filters kept.
    pub listed: usize,
    pub scanned: usize,
    /// Replays cut short that had matched before: shown, and counted as failed too.
    pub partial: usize,
    /// Sessions with a match.
    pub matched: usize,
    pub matched_lines: u64,
    pub skipped: BTreeMap<Skip, Vec<String>>,
    pub failed: BTreeMap<Failed, Vec<String>>,
    /// The first reason a failure was not one of the known kinds, in our words.
    pub failure: Option<String>,
}

/// What [`grep`] tells its caller as it goes.
pub struct Told<'a> {
    /// The sessions of the window that the filters kept, once, before any replay.
    pub listed: &'a mut dyn FnMut(&[Session]),
    /// Each scanned session, in the listing's order.
    pub shown: &'a mut dyn FnMut(Scanned),
    /// Replays done, of how many.
    pub progress: &'a dyn Fn(usize, usize),
}

/// List the window, replay what can be replayed `args.jobs` at a time, and hand each scanned
/// session to `shown` in the listing's order (newest first) as soon as the ones before it
/// are done. A missing login stops everything (it would fail every replay).
pub fn grep(
    source: &dyn Source,
    matcher: &Matcher,
    args: &GrepArgs,
    window: Window,
    now: Timestamp,
    told: Told<'_>,
) -> Result<Totals, Error> {
    let Told {
        listed,
        shown,
        progress,
    } = told;
    // The label filter reads labels, which only a full record keeps.
    let detail = if args.labels.is_some() {
        Detail::Full
    } else {
        Detail::Row
    };
    let fetch = Fetch {
        cluster: source,
        detail,
    };
    let (mut sessions, _) = recordings(fetch, window, now)?;
    let query = SearchQuery {
        kinds: args.kinds.clone(),
        labels: args.labels.clone(),
        ..SearchQuery::default()
    };
    let (filter, _) = fallback_filter(&query);
    sessions.retain(|s| {
        filter(s)
            && args.user.as_ref().is_none_or(|u| s.user() == u)
            && args.host.as_ref().is_none_or(|h| s.target() == h)
    });
    newest_first(&mut sessions);
    listed(&sessions);
    let mut totals = Totals {
        listed: sessions.len(),
        ..Totals::default()
    };
    let mut todo = Vec::new();
    for s in sessions {
        match skip(&s, args.non_interactive) {
            Some(why) => totals
                .skipped
                .entry(why)
                .or_default()
                .push(s.id().to_string()),
            None => todo.push(s),
        }
    }
    let mut login_lost = None;
    // In order: a session's turn comes when every one before it is done.
    let mut waiting = BTreeMap::new();
    let mut turn = 0;
    let mut done = 0;
    pool::each(
        todo.len(),
        args.jobs,
        |n| scan(source, matcher, args.context, &todo[n]),
        |n, result| {
            done += 1;
            progress(done, todo.len());
            waiting.insert(n, result);
            while let Some(result) = waiting.remove(&turn) {
                let id = todo[turn].id().to_string();
                turn += 1;
                match result {
                    Ok(scanned) => {
                        match &scanned.cut_short {
                            Some(why) => {
                                totals.partial += 1;
                                failed(&mut totals, why.clone(), id);
                            }
                            None => totals.scanned += 1,
                        }
                        if scanned.summary.matched_lines > 0 {
                            totals.matched += 1;
                            totals.matched_lines += scanned.summary.matched_lines;
                            shown(scanned);
                        }
                    }
                    Err(NoReplay::NotLoggedIn(e)) => {
                        login_lost.get_or_insert(e);
                    }
                    Err(why) => failed(&mut totals, why, id),
                }
            }
            login_lost.is_none()
        },
    );
    match login_lost {
        Some(e) => Err(e),
        None => Ok(totals),
    }
}

/// A replay that failed, counted by why.
fn failed(totals: &mut Totals, why: NoReplay, id: String) {
    let kind = Failed::of(&why);
    if let NoReplay::Failed(what) = why {
        totals.failure.get_or_insert(what);
    }
    totals.failed.entry(kind).or_default().push(id);
}

/// Why a session is not replayed, if it is not.
pub fn skip(s: &Session, non_interactive: bool) -> Option<Skip> {
    if !s.kind.plays_in_tsh() {
        Some(Skip::Kind)
    } else if s.recorded == Some(false) {
        Some(Skip::NotRecorded)
    } else if s.interactive == Some(false) && !non_interactive {
        Some(Skip::NonInteractive)
    } else {
        None
    }
}

/// Replay one session through a scanner of its own. A replay stopped part way (the deadline,
/// tsh dying) still gives what it matched before, with why it stopped.
fn scan(
    source: &dyn Source,
    matcher: &Matcher,
    context: Context,
    session: &Session,
) -> Result<Scanned, NoReplay> {
    let mut scanner = Scanner::new(matcher.clone(), context);
    let mut events = Vec::new();
    let mut dropped = 0;
    let mut keep = |e: Event| {
        if events.len() < MAX_EVENTS {
            events.push(e);
        } else {
            dropped += 1;
        }
    };
    let replayed = source.replay(&session.id().to_string(), &mut |chunk| {
        for e in scanner.feed(chunk) {
            keep(e);
        }
    });
    let (last, summary) = scanner.finish();
    let cut_short = match replayed {
        Ok(()) => None,
        Err(why @ (NoReplay::TimedOut | NoReplay::Failed(_))) if summary.matched_lines > 0 => {
            Some(why)
        }
        Err(why) => return Err(why),
    };
    last.into_iter().for_each(keep);
    let mut session = session.clone();
    if summary.flags.contains(crate::content::Flag::SuspiciousText) {
        session.flag(crate::session::Flag::SuspiciousText);
    }
    Ok(Scanned {
        session,
        events,
        dropped,
        summary,
        cut_short,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Origin;

    #[test]
    fn only_what_tsh_can_replay_as_text_is_replayed() {
        let mut s = Session::new("x", Kind::Ssh, Origin::Ls);
        assert_eq!(skip(&s, false), None);
        s.interactive = Some(false);
        assert_eq!(skip(&s, false), Some(Skip::NonInteractive));
        assert_eq!(skip(&s, true), None);
        s.recorded = Some(false);
        assert_eq!(skip(&s, true), Some(Skip::NotRecorded));
        for kind in [Kind::Desktop, Kind::App, Kind::from_name("vnc")] {
            assert_eq!(
                skip(&Session::new("x", kind, Origin::Ls), false),
                Some(Skip::Kind)
            );
        }
    }
}
