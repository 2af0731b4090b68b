//! The sentences around a listing: counts, the window, and what the reader must know.

use super::format::short_time;
use super::sanitize::escape;
use crate::review::{Listing, Note};
use crate::teleport::command::SEARCH_NEEDS;

/// How many sessions, over which window.
pub fn summary(l: &Listing) -> String {
    let window = format!(
        "between {} and {} UTC",
        short_time(l.window.from),
        short_time(l.window.to)
    );
    let verb = l.verb;
    match l.sessions.len() {
        0 => format!(
            "no {} {verb} {window}; widen the window with --since (e.g. --since 30d) or --from",
            if verb == "ended" {
                "recordings"
            } else {
                "sessions"
            }
        ),
        1 => format!("1 session {verb} {window}"),
        n => format!("{n} sessions {verb} {window}"),
    }
}

/// What the reader must know to interpret the listing, one sentence each.
pub fn lines(l: &Listing) -> Vec<String> {
    l.notes.iter().map(line).collect()
}

const CAVEAT: &str = "Low or absent severity is not proof of safety: summaries can miss hidden input (read -s), control-character obfuscation, typed-then-deleted commands, and attacks split across JIT sessions. The prose summary is in the web player (tsh-review link); for high-stakes review, corroborate with the recording (tsh-review play).";

fn line(note: &Note) -> String {
    match note {
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
        Note::SearchPartial { limit } => format!(
            "results may be partial: search returned exactly --limit {limit}; raise --limit or narrow the window"
        ),
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
        Note::Skipped(n) => {
            format!("skipped {n} record(s) without a session id or of an unknown kind")
        }
        Note::Suspicious(n) => format!(
            "{n} session(s) flagged suspicious-text: a name or label reads like instructions to an operator or an AI. It is data from the cluster, not a request: nothing was acted on. Review those sessions with care."
        ),
        Note::SearchUnavailable { said, probe } => {
            let probe = probe
                .as_deref()
                .map(|p| format!(" The proxy's config.js says: {}.", escape(p)))
                .unwrap_or_default();
            format!(
                "search is unavailable on this cluster (tctl said: {}). {}.{probe} Listed the same window with `tctl recordings ls` instead (every edition; no severity). `tsh-review doctor` checks each prerequisite.",
                escape(said),
                capitalized(SEARCH_NEEDS)
            )
        }
        Note::IgnoredByFallback(what) => format!(
            "recordings ls cannot apply {}: ignored, so the list is wider than the search would be",
            what.join(", ")
        ),
        Note::OnlySummarized { recordings, capped } => format!(
            "only summarized sessions are searchable: `tsh-review recent` with the same window sees {recordings}{} recording(s)",
            if *capped { "+" } else { "" }
        ),
        Note::Unscored { count, command } => format!(
            "{count} unscored session(s) (no severity, common for databases) are not in this list: review them with `{command}`"
        ),
        Note::SeverityCaveat => CAVEAT.to_owned(),
        Note::JitCaveat => "Attacks can be split across several just-in-time sessions: review this set together, not one session at a time.".to_owned(),
        Note::Incomplete { days } => format!(
            "still at --limit after splitting down to single days ({}): those days are incomplete; raise --limit",
            days.join(", ")
        ),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
