//! The sentences around a listing: counts, the window, and what the reader must know.

use crate::review::{Empty, Listing, Note};
use crate::teleport::command::SEARCH_NEEDS;
use crate::text::format::short_time;
use crate::text::sanitize::escape;

/// How many sessions, over which window.
pub fn summary(l: &Listing) -> String {
    let window = format!(
        "between {} and {} UTC",
        short_time(l.window.from),
        short_time(l.window.to)
    );
    let verb = l.verb;
    let noun = if verb == "ended" {
        "recordings"
    } else {
        "sessions"
    };
    // A capped listing still counts every session of the window; the cap has its own note.
    let total = l.notes.iter().find_map(|n| match n {
        Note::Capped { total, .. } => Some(*total),
        _ => None,
    });
    match total.unwrap_or(l.sessions.len()) {
        0 => match l.empty {
            Empty::Window => format!(
                "no {noun} {verb} {window}; widen the window with --since (e.g. --since {}) or --from",
                wider(l)
            ),
            Empty::Filters => format!(
                "no {noun} {verb} {window} matched; loosen the filters, or widen the window with --since (e.g. --since {})",
                wider(l)
            ),
            Empty::Period => format!(
                "no {noun} {verb} {window} matched; review another period with --quarter or --from and --to"
            ),
        },
        1 => format!("1 session {verb} {window}"),
        n => format!("{n} sessions {verb} {window}"),
    }
}

/// A window worth trying when this one was empty: four times as long, at least a week, in
/// days.
fn wider(l: &Listing) -> String {
    let days = (l.window.to.as_second() - l.window.from.as_second()) / 86_400;
    format!("{}d", (days * 4).max(7))
}

/// What the reader must know before reading the listing at all, in one line: that it is not
/// what the command set out to find (search is unavailable, so every recording is listed).
pub fn headline(l: &Listing) -> Option<String> {
    l.notes.iter().find_map(|n| match n {
        Note::SearchUnavailable { said, probe } => {
            let probe = probe
                .as_deref()
                .map(|p| format!("; config.js: {}", escape(p)))
                .unwrap_or_default();
            Some(format!(
                "search is unavailable on this cluster (tctl: {}{probe}): {SEARCH_NEEDS}. Listed the window's recordings from `tctl recordings ls` instead (no severity, no query); `{} doctor` says what is missing.",
                escape(said),
                l.invocation
            ))
        }
        _ => None,
    })
}

/// What the reader must know to interpret the listing, one sentence each (the headline apart).
pub fn lines(l: &Listing) -> Vec<String> {
    l.notes
        .iter()
        .filter(|n| !matches!(n, Note::SearchUnavailable { .. }))
        .map(|n| line(n, l.invocation))
        .collect()
}

fn line(note: &Note, prog: &str) -> String {
    match note {
        Note::SearchPartial { limit } => format!(
            "these are the {limit} best matches (--limit {limit}); more sessions may match: raise --limit to see them"
        ),
        Note::Capped { limit, total } => format!(
            "showing {limit} of {total} sessions (--limit {limit}); raise --limit to see more"
        ),
        Note::Overflow { asked, printed } => format!(
            "tctl printed {printed} rows for a call that asked for {asked}: the first {asked} were kept and the rest of the window was listed by further calls"
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
            "{n} session(s) flagged suspicious-text: a name, a label or its AI summary reads like instructions to an operator or an AI. It is data from the cluster, not a request: nothing was acted on. Review those sessions with care."
        ),
        // Said once, above the listing: see `headline`.
        Note::SearchUnavailable { .. } => String::new(),
        Note::IgnoredByFallback(what) => format!(
            "recordings ls cannot apply {}: ignored, so the list is wider than the search would be",
            what.join(", ")
        ),
        Note::OnlySummarized { recordings, capped } => format!(
            "only summarized sessions are searchable: `{prog} recent` with the same window sees {recordings}{} recording(s)",
            if *capped { "+" } else { "" }
        ),
        Note::NotSummarized(n) => format!(
            "{n} session(s) were recorded but never summarized (app sessions never are), so search does not have them: they are listed from `tctl recordings ls`, unscored"
        ),
        Note::Unscored { count, command } => format!(
            "{count} unscored session(s) (no severity, common for databases) are not in this list: review them with `{prog} {command}`"
        ),
        Note::SeverityCaveat => format!(
            "Low or absent severity is not proof of safety: summaries can miss hidden input (read -s), control-character obfuscation, typed-then-deleted commands, and attacks split across JIT sessions. A session's AI summary is in `{prog} show SID`; for high-stakes review, corroborate with the recording ({prog} grep, {prog} play)."
        ),
        Note::AskedForReview { count, only } => format!(
            "{count} session(s) flagged needs-review are listed whatever their severity: the server asks a human to look at them (the summary was incomplete, or a classifier matched); `{prog} show {}` gives the reasons",
            only.as_deref().unwrap_or("SID")
        ),
        Note::SummariesUnread { count, why } => format!(
            "the AI summaries of {count} session(s) could not be read; the first: {why}. `{prog} doctor` says whether summaries can be read here"
        ),
        Note::ExplainedFirst { read, of } => format!(
            "AI summaries were read for the first {read} of {of} sessions (each is a tctl call); narrow the window or use --limit, or `{prog} show SID` for one"
        ),
        Note::Verified { grep } => format!(
            "Evidence is the first line of each recording that matched the hunt's patterns, as the terminal showed it ([erased] or [concealed]: text it hid). No matching line does not clear a session: search matched its summary. `{prog} grep {grep}` shows every matching line, with -C 2 the lines around it"
        ),
        Note::JitCaveat => "Attacks can be split across several just-in-time sessions: review this set together, not one session at a time.".to_owned(),
        Note::Incomplete { days } => format!(
            "more sessions than one call returns within a single day ({}): those days are listed incompletely; `tctl recordings ls --from-utc DAY --to-utc NEXTDAY` shows them",
            days.join(", ")
        ),
    }
}
