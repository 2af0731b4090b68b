//! The review workflows: functions from a `Cluster` to listings, unit-testable without
//! processes. They never print.

pub mod compliance;
pub mod doctor;
pub mod explain;
pub mod fetch;
pub mod grep;
pub mod hunt;
pub mod pivot;
pub mod pool;
pub mod recent;
pub mod request;
pub mod search;
pub mod triage;
pub mod verify;

#[cfg(test)]
pub mod canned;

use std::collections::BTreeMap;

use crate::session::{Flag, Session};
use crate::window::Window;

/// What a workflow found, ready for any renderer.
#[derive(Debug)]
pub struct Listing {
    /// A heading for human formats, e.g. "Triage: severity medium or higher".
    pub title: Option<String>,
    pub window: Window,
    /// How the window applies: "ended" (recordings ls) or "started" (search).
    pub verb: &'static str,
    pub sessions: Vec<Session>,
    pub grouping: Grouping,
    /// Facts that make a listing an auditable artefact (period, filters, reviewer...).
    pub report: Vec<(&'static str, String)>,
    pub notes: Vec<Note>,
    /// `--explain` read the sessions' summaries: the listing has a summary column.
    pub explained: bool,
    /// `hunt --verify` read the sessions' recordings: the listing has an evidence column.
    pub verified: bool,
    /// How a suggested command starts: `tsh-review`, or `tsh-review --demo` for the demo (a
    /// suggestion copied as it is must not send a demo id to the real cluster).
    pub invocation: &'static str,
    /// The listing stands in for an answer the command could not give (a hunt on a cluster
    /// without search lists every recording): shown, but the exit status says so.
    pub stand_in: bool,
    /// What an empty listing suggests trying next.
    pub empty: Empty,
}

/// Why a listing may be empty, for what it suggests: a window with nothing in it, filters
/// that matched nothing in it, or a review period with nothing in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Empty {
    /// A wider window (`--since`).
    Window,
    /// Looser filters, or a wider window.
    Filters,
    /// Another period (`--quarter`, `--from/--to`): compliance takes no `--since`.
    Period,
}

impl Listing {
    pub fn new(window: Window, verb: &'static str, sessions: Vec<Session>) -> Listing {
        Listing {
            title: None,
            window,
            verb,
            sessions,
            grouping: Grouping::None,
            report: Vec::new(),
            notes: Vec::new(),
            stand_in: false,
            explained: false,
            verified: false,
            invocation: "tsh-review",
            empty: Empty::Window,
        }
    }

    /// The listing of a search-based workflow: the verb of its source, the suspicious-text
    /// note, and under search results (which carry severity) the standing caveat.
    pub fn of_search(
        window: Window,
        searched: bool,
        sessions: Vec<Session>,
        notes: Vec<Note>,
        title: String,
    ) -> Listing {
        let mut l = Listing::new(window, if searched { "started" } else { "ended" }, sessions);
        l.title = Some(title);
        // A query, a severity, a user and host, a request: each narrows the window.
        l.empty = Empty::Filters;
        l.notes = notes;
        l.note_suspicious();
        if searched {
            l.notes.push(Note::SeverityCaveat);
        }
        l
    }

    /// Keep the first `limit` sessions (the listing is in reading order by now), and say how
    /// many were left out.
    pub fn cap(&mut self, limit: Option<u32>) {
        let Some(limit) = limit else { return };
        let total = self.sessions.len();
        if total > limit as usize {
            self.sessions.truncate(limit as usize);
            self.notes.push(Note::Capped { limit, total });
        }
    }

    /// Adds the suspicious-text note when a row carries the flag.
    pub fn note_suspicious(&mut self) {
        let n = self
            .sessions
            .iter()
            .filter(|s| s.flags.contains(Flag::SuspiciousText))
            .count();
        if n > 0 {
            self.notes.push(Note::Suspicious(n));
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    None,
    /// Sessions grouped by user, in time order within each group.
    User,
    /// By user, then target.
    UserTarget,
}

impl Grouping {
    /// The group a session belongs to, raw (renderers escape it), or None when ungrouped.
    pub fn key(self, s: &Session) -> Option<String> {
        match self {
            Grouping::None => None,
            Grouping::User => Some(s.user().to_owned()),
            Grouping::UserTarget => Some(format!("{} on {}", s.user(), s.target())),
        }
    }
}

/// Things the reader must know to interpret a listing correctly.
#[derive(Debug, PartialEq)]
pub enum Note {
    /// A search returned exactly the best `limit` matches it was asked for: more may match.
    SearchPartial { limit: u32 },
    /// `--limit` left sessions of a complete listing out.
    Capped { limit: u32, total: usize },
    /// tctl printed more rows than asked for; only those asked for were kept (the rest of the
    /// window was continued in other calls).
    Overflow { asked: u32, printed: usize },
    /// Events of types this tool does not know were skipped.
    UnknownEvents(BTreeMap<String, usize>),
    /// Events or summaries without a session id, or of an unknown kind, were skipped.
    Skipped(usize),
    /// Rows whose free text reads like instructions.
    Suspicious(usize),
    /// Search is unavailable: what tctl said, what the capability probe knows (if cached),
    /// and that the listing comes from `recordings ls` instead.
    SearchUnavailable { said: String, probe: Option<String> },
    /// Search filters that `recordings ls` cannot apply, so the fallback ignored them.
    IgnoredByFallback(Vec<&'static str>),
    /// An empty search: only summarized sessions are searchable; how many recordings exist.
    OnlySummarized { recordings: usize, capped: bool },
    /// Recordings of a review's period that search does not have (never summarized), added
    /// from `recordings ls` without a severity.
    NotSummarized(usize),
    /// Sessions without a severity that a severity filter left out, and the command (after
    /// `tsh-review`) that lists them.
    Unscored { count: usize, command: String },
    /// Sessions listed whatever their severity because the server asks a human to look, and
    /// the id of the one when there is one (and it may be pasted into a command).
    AskedForReview { count: usize, only: Option<String> },
    /// `--explain` could not read `count` summaries (not counting sessions never summarized):
    /// the first reason, in full.
    SummariesUnread { count: usize, why: String },
    /// `--explain` read the summaries of the first `read` of the `of` sessions it would have.
    ExplainedFirst { read: usize, of: usize },
    /// `hunt --verify` read the recordings: what its evidence column is, and the grep that
    /// shows every matching line (`grep`: its arguments, the hunt's window included).
    Verified { grep: String },
    /// The standing caveat under every severity table.
    SeverityCaveat,
    /// Access-request sessions must be reviewed as a set.
    JitCaveat,
    /// Days that held more than one call can return, even alone: listed incompletely.
    Incomplete { days: Vec<String> },
}
