//! The two ways to get sessions, shared by every workflow: `recordings ls` over a window
//! (split and trimmed), and `recordings search` (with the fallback to ls when the cluster
//! cannot search).

use std::sync::mpsc;
use std::thread;

use jiff::Timestamp;

use super::Note;
use super::annotate::annotate;
use crate::error::Error;
use crate::session::Session;
use crate::teleport::ls::{LsEvent, Normalizer, plan, tctl_dates};
use crate::teleport::search::{SearchQuery, session};
use crate::teleport::{Cluster, Searched};
use crate::window::Window;

/// Events handed from the parsing thread to the normalizing one at a time.
const BATCH: usize = 64;

/// Every recording that ended in `window`, annotated, in no particular order, with the notes
/// the reader needs (partial results, skipped events).
pub fn recordings(
    cluster: &dyn Cluster,
    window: Window,
    now: Timestamp,
    limit: u32,
) -> Result<(Vec<Session>, Vec<Note>), Error> {
    let mut partial = Vec::new();
    let (events, inbox) = mpsc::sync_channel::<Vec<LsEvent>>(4);
    // Parsing (this thread) and normalizing (the other) overlap; batches keep the hand-over
    // cheap and, bounded, keep memory flat.
    let found = thread::scope(|scope| {
        let normalizing = scope.spawn(move || {
            let mut normalizer = Normalizer::default();
            for event in inbox.into_iter().flatten() {
                if let Some(new) = normalizer.push(event) {
                    annotate(new);
                }
            }
            normalizer.finish()
        });
        let mut batch = Vec::with_capacity(BATCH);
        let listed = plan(&window, now, limit).into_iter().try_for_each(|call| {
            let rows = cluster.ls(&call, &mut |event| {
                batch.push(event);
                if batch.len() == BATCH {
                    // Fails only when the other side is gone, which join reports below.
                    let _ = events.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            })?;
            if rows >= limit as usize {
                partial.push(call);
            }
            Ok(())
        });
        let _ = events.send(batch);
        drop(events);
        let found = normalizing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        listed.map(|()| found)
    })?;
    // tctl answers in whole days: trim to the exact window.
    let sessions: Vec<Session> = found
        .sessions
        .into_iter()
        .filter(|s| s.when().is_none_or(|t| window.contains(t)))
        .collect();
    let mut notes = Vec::new();
    if !partial.is_empty() {
        notes.push(Note::Partial {
            limit,
            calls: partial,
        });
    }
    if !found.unknown.is_empty() {
        notes.push(Note::UnknownEvents(found.unknown));
    }
    if found.without_id > 0 {
        notes.push(Note::Skipped(found.without_id));
    }
    Ok((sessions, notes))
}

pub enum Found {
    /// Sessions that started in the window, annotated; how many rows the call returned.
    Sessions {
        sessions: Vec<Session>,
        rows: usize,
        skipped: usize,
    },
    /// What tctl said when it could not search.
    Unavailable(String),
}

/// One search call over `window` (its dates are set here); sessions trimmed to the window.
pub fn search(
    cluster: &dyn Cluster,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
) -> Result<Found, Error> {
    let (from, to) = tctl_dates(&window, now);
    let query = SearchQuery {
        from: Some(from),
        to,
        ..query.clone()
    };
    let mut sessions = Vec::new();
    let mut skipped = 0;
    let outcome = cluster.search(&query, &mut |summary| match session(summary) {
        Ok(s) => sessions.push(s),
        Err(_) => skipped += 1,
    })?;
    let rows = match outcome {
        Searched::Done(rows) => rows,
        Searched::Unavailable(said) => return Ok(Found::Unavailable(said)),
    };
    sessions.retain(|s| s.start.or(s.end).is_none_or(|t| window.contains(t)));
    sessions.iter_mut().for_each(annotate);
    Ok(Found::Sessions {
        sessions,
        rows,
        skipped,
    })
}

/// Newest first by start, the time a reviewer reads in the table.
pub fn newest_first(sessions: &mut [Session]) {
    sessions.sort_by(|a, b| {
        let start = |s: &Session| s.start.or(s.end);
        start(b).cmp(&start(a)).then_with(|| a.id.cmp(&b.id))
    });
}

/// Highest severity first (unscored last), then newest.
pub fn riskiest_first(sessions: &mut [Session]) {
    newest_first(sessions);
    sessions.sort_by_key(|s| std::cmp::Reverse(s.severity));
}
