//! `triage`: the riskiest sessions of a window, from a flag-only search (no query, so the
//! sample is unbiased), severity kept client-side, highest first. Unscored sessions are counted
//! with the command that lists them.

use jiff::Timestamp;

use super::fetch::Fetch;
use super::fetch::{newest_first, riskiest_first};
use super::search::{Reach, at_least, only_summarized, search_or_list};
use super::{Listing, Note};
use crate::error::Error;
use crate::session::{Kind, Session, Severity};
use crate::teleport::search::SearchQuery;
use crate::window::{Window, WindowArgs};

#[derive(Clone, Debug, PartialEq)]
pub struct TriageArgs {
    pub window: WindowArgs,
    /// Show at most this many sessions (the search itself is complete).
    pub limit: Option<u32>,
    pub min_severity: Severity,
    pub kinds: Vec<Kind>,
    /// List the unscored sessions instead.
    pub unscored: bool,
    pub no_fallback: bool,
}

pub fn triage(
    fetch: Fetch<'_>,
    args: &TriageArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let query = SearchQuery {
        kinds: args.kinds.clone(),
        ..SearchQuery::default()
    };
    let found = search_or_list(fetch, &query, window, now, args.no_fallback, Reach::All)?;
    let mut sessions = found.sessions;
    let mut notes = found.notes;
    let title;
    if !found.searched {
        title = "Triage needs severity from session search: recent recordings instead".to_owned();
        newest_first(&mut sessions);
    } else if args.unscored {
        title = "Unscored sessions (no severity): review them".to_owned();
        sessions.retain(|s| s.severity.is_none());
        newest_first(&mut sessions);
    } else {
        title = format!(
            "Triage: severity {} or higher, highest first",
            args.min_severity.as_str()
        );
        // The server asks a human to look at some sessions: they stay, whatever their severity.
        let (mut asked, mut rest): (Vec<_>, Vec<_>) =
            sessions.into_iter().partition(|s| s.asks_for_review());
        let kept: Vec<&Session> = asked
            .iter()
            .filter(|s| s.severity.is_none_or(|v| v < args.min_severity))
            .collect();
        let kept_for_review = kept.len();
        // One session is named, so that the `show` the note suggests runs as pasted; only a
        // canonical id goes into a command.
        let only = match kept[..] {
            [s] if s.id().is_canonical() => Some(s.id().to_string()),
            _ => None,
        };
        let unscored = at_least(&mut rest, args.min_severity);
        sessions = rest;
        sessions.append(&mut asked);
        riskiest_first(&mut sessions);
        if kept_for_review > 0 {
            notes.push(Note::AskedForReview {
                count: kept_for_review,
                only,
            });
        }
        if unscored > 0 {
            notes.push(Note::Unscored {
                count: unscored,
                command: format!(
                    "triage --unscored{}{}",
                    args.window.flags(),
                    Kind::flags(&args.kinds)
                ),
            });
        }
    }
    if found.searched && sessions.is_empty() && !found.capped {
        notes.push(only_summarized(fetch.cluster, window, now)?);
    }
    let mut listing = Listing::of_search(window, found.searched, sessions, notes, title);
    listing.cap(args.limit);
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, summary};
    use crate::session::Flag;

    fn args() -> TriageArgs {
        TriageArgs {
            window: WindowArgs {
                since: Some("7d".into()),
                ..WindowArgs::default()
            },
            limit: None,
            min_severity: Severity::Medium,
            kinds: vec![],
            unscored: false,
            no_fallback: false,
        }
    }

    fn window() -> Window {
        Window {
            from: "2026-05-27T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        }
    }

    fn canned() -> Canned {
        Canned::with_summaries(vec![
            summary("low", "ssh", "2026-06-03T10:00:00Z", Some(1)),
            summary("crit", "ssh", "2026-06-01T10:00:00Z", Some(4)),
            summary("db", "db", "2026-06-02T10:00:00Z", None),
            summary("med", "k8s", "2026-06-03T11:00:00Z", Some(2)),
            summary("high", "ssh", "2026-06-02T11:00:00Z", Some(3)),
        ])
    }

    #[test]
    fn riskiest_first_above_the_threshold_with_unscored_counted() {
        let c = canned();
        let l = triage(Fetch::rows(&c), &args(), window(), NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["crit", "high", "med"]);
        assert!(l.notes.contains(&Note::Unscored {
            count: 1,
            command: "triage --unscored --since 7d".into()
        }));
        assert!(l.notes.contains(&Note::SeverityCaveat));
        let q = &c.searches.borrow()[0];
        assert!(q.words.is_empty(), "flag-only search");
        assert_eq!(
            q.limit,
            crate::review::fetch::SEARCH_PAGE,
            "complete, page by page"
        );
    }

    #[test]
    fn unscored_lists_exactly_the_sessions_without_severity() {
        let mut a = args();
        a.unscored = true;
        let l = triage(Fetch::rows(&canned()), &a, window(), NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["db"]);
    }

    #[test]
    fn sessions_the_server_asks_to_review_stay_whatever_their_severity() {
        let mut low = summary("low-asked", "ssh", "2026-06-03T09:00:00Z", Some(1));
        low.needs_further_review_reasons = crate::teleport::search::ReviewReasons(vec![5]);
        let mut db = summary("db-asked", "db", "2026-06-02T09:00:00Z", None);
        db.needs_further_review_reasons = crate::teleport::search::ReviewReasons(vec![1]);
        let c = Canned::with_summaries(vec![
            low,
            db,
            summary("low", "ssh", "2026-06-03T10:00:00Z", Some(1)),
            summary("high", "ssh", "2026-06-02T11:00:00Z", Some(3)),
        ]);
        let l = triage(Fetch::rows(&c), &args(), window(), NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["high", "low-asked", "db-asked"]);
        assert!(
            l.sessions[1..]
                .iter()
                .all(|s| s.flags.contains(Flag::NeedsReview))
        );
        assert!(l.notes.contains(&Note::AskedForReview {
            count: 2,
            only: None
        }));
        assert!(
            !l.notes.iter().any(|n| matches!(n, Note::Unscored { .. })),
            "db-asked is listed"
        );
    }

    #[test]
    fn a_higher_threshold_keeps_fewer() {
        let mut a = args();
        a.min_severity = Severity::Critical;
        let l = triage(Fetch::rows(&canned()), &a, window(), NOW.parse().unwrap()).unwrap();
        assert_eq!(l.sessions.len(), 1);
    }
}
