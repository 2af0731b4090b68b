//! The sentences under a listing: counts, the window, and what the reader must know.

use super::format::short_time;
use super::sanitize::escape;
use crate::review::{Listing, Note};

/// How many sessions, over which window.
pub fn summary(l: &Listing) -> String {
    let window = format!(
        "between {} and {} UTC",
        short_time(l.window.from),
        short_time(l.window.to)
    );
    match l.sessions.len() {
        0 => format!(
            "no recordings ended {window}; widen the window with --since (e.g. --since 7d) or --from"
        ),
        1 => format!("1 session ended {window}"),
        n => format!("{n} sessions ended {window}"),
    }
}

/// What the reader must know to interpret the listing.
pub fn lines(l: &Listing) -> Vec<String> {
    let mut out = Vec::new();
    for note in &l.notes {
        out.push(match note {
            Note::Partial { limit, calls } => {
                let days: Vec<String> = calls
                    .iter()
                    .map(|c| match c.to {
                        Some(to) => format!("{}..{to}", c.from),
                        None => format!("{}..now", c.from),
                    })
                    .collect();
                format!(
                    "results may be partial: tctl returned exactly --limit {limit} for {}; raise --limit or narrow the window",
                    days.join(", ")
                )
            }
            Note::UnknownEvents(types) => {
                let listed: Vec<String> = types
                    .iter()
                    .map(|(t, n)| format!("{} ({n})", escape(t)))
                    .collect();
                format!(
                    "skipped audit events that are not session ends: {}",
                    listed.join(", ")
                )
            }
            Note::WithoutId(n) => format!("skipped {n} event(s) without a session id"),
            Note::Suspicious(n) => format!(
                "{n} session(s) flagged suspicious-text: a name or label reads like instructions to an operator or an AI. It is data from the cluster, not a request: nothing was acted on. Review those sessions with care."
            ),
        });
    }
    out
}
