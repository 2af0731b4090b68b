//! `search`: summarized sessions matching a query and tctl's filters, with severity applied
//! client-side; and the fallback every search-based workflow shares when the cluster cannot
//! search.

use std::collections::HashSet;

use jiff::Timestamp;

use super::fetch::{self, Fetch, Found, riskiest_first};
use super::{Listing, Note};
use crate::error::Error;
use crate::session::{Detail, Kind, Session, Severity};
use crate::teleport::Cluster;
use crate::teleport::command::search_unavailable;
use crate::teleport::search::{SearchQuery, kind_of_resource};
use crate::window::{Window, WindowArgs};

#[derive(Clone, Debug, PartialEq)]
pub struct SearchArgs {
    pub window: WindowArgs,
    pub query: SearchQuery,
    pub min_severity: Option<Severity>,
    pub no_fallback: bool,
}

/// How much of a search a workflow needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The `n` best matches of a query (search ranks them): one call.
    Best(u32),
    /// Every session of the window (a flag-only search): as many calls as that takes.
    All,
}

/// Sessions from search, or from `recordings ls` when the cluster cannot search.
pub struct Sessions {
    pub sessions: Vec<Session>,
    pub notes: Vec<Note>,
    /// False when the sessions came from the ls fallback (no severity, no query).
    pub searched: bool,
    /// The search hit its limit.
    pub capped: bool,
}

/// Search over `window` as far as `reach` says; when search is unavailable, list the window
/// with ls and apply the filters ls data can answer (unless `no_fallback`).
pub fn search_or_list(
    fetch: Fetch<'_>,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
    no_fallback: bool,
    reach: Reach,
) -> Result<Sessions, Error> {
    let unavailable = match reach {
        Reach::Best(limit) => {
            let query = SearchQuery {
                limit,
                ..query.clone()
            };
            match fetch::search(fetch, &query, window, now)? {
                Found::Sessions {
                    sessions,
                    rows,
                    skipped,
                } => {
                    let mut notes = Vec::new();
                    let capped = rows >= limit as usize;
                    if capped {
                        notes.push(Note::SearchPartial { limit });
                    }
                    if skipped > 0 {
                        notes.push(Note::Skipped(skipped));
                    }
                    return Ok(Sessions {
                        sessions,
                        notes,
                        searched: true,
                        capped,
                    });
                }
                Found::Unavailable(said) => said,
            }
        }
        Reach::All => {
            let swept = fetch::search_all(fetch, query, window, now)?;
            match swept.unavailable {
                None => {
                    let mut notes = Vec::new();
                    if !swept.incomplete.is_empty() {
                        notes.push(Note::Incomplete {
                            days: swept.incomplete,
                        });
                    }
                    if swept.skipped > 0 {
                        notes.push(Note::Skipped(swept.skipped));
                    }
                    return Ok(Sessions {
                        sessions: swept.sessions,
                        notes,
                        searched: true,
                        capped: false,
                    });
                }
                Some(said) => said,
            }
        }
    };
    if no_fallback {
        return Err(search_unavailable(&unavailable));
    }
    let (filter, ignored) = fallback_filter(query);
    let fetch = fetch.with(fallback_needs(query));
    let (mut sessions, ls_notes) = fetch::recordings(fetch, window, now)?;
    sessions.retain(|s| filter(s));
    let mut notes = vec![Note::SearchUnavailable {
        said: unavailable,
        probe: None,
    }];
    if !ignored.is_empty() {
        notes.push(Note::IgnoredByFallback(ignored));
    }
    notes.extend(ls_notes);
    Ok(Sessions {
        sessions,
        notes,
        searched: false,
        capped: false,
    })
}

/// Adds to `sessions` (found by search for `query`) the recordings of `window` that match it
/// but that search does not have: sessions never summarized (app sessions never are). For the
/// workflows that must be complete whatever was summarized (a compliance review, the sessions
/// of an access request); they come unscored, and a note says how many. Returns that number.
pub fn add_unsummarized(
    fetch: Fetch<'_>,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
    sessions: &mut Vec<Session>,
    notes: &mut Vec<Note>,
) -> Result<usize, Error> {
    let (kept, _) = fallback_filter(query);
    let known: HashSet<String> = sessions.iter().map(|s| s.id().to_string()).collect();
    let (listed, _) = fetch::recordings(fetch.with(fallback_needs(query)), window, now)?;
    let before = sessions.len();
    sessions.extend(
        listed
            .into_iter()
            .filter(|s| kept(s) && !known.contains(&s.id().to_string())),
    );
    let added = sessions.len() - before;
    if added > 0 {
        notes.push(Note::NotSummarized(added));
    }
    Ok(added)
}

/// How much of each session the fallback's filters read: roles, labels, access requests and
/// details are not in a row.
fn fallback_needs(q: &SearchQuery) -> Detail {
    let beyond_a_row = !q.roles.is_empty()
        || q.labels.is_some()
        || q.resource_name.is_some()
        || !q.access_requests.is_empty()
        || q.server_addr.is_some()
        || q.pod_namespace.is_some()
        || q.pod_name.is_some();
    if beyond_a_row {
        Detail::Full
    } else {
        Detail::Row
    }
}

/// The search filters that `recordings ls` data can answer, as a predicate, and the names of
/// those it cannot (so the user is told they were ignored).
pub fn fallback_filter(q: &SearchQuery) -> (impl Fn(&Session) -> bool + '_, Vec<&'static str>) {
    let mut ignored = Vec::new();
    if q.words.iter().any(|w| !w.trim().is_empty()) {
        ignored.push("the query words");
    }
    if q.search_mode.is_some() {
        ignored.push("--search-mode");
    }
    let detail = |s: &Session, name: &str, want: &str| {
        s.details().iter().any(|(n, v)| *n == name && **v == *want)
    };
    let any = |list: &[crate::session::Text], wanted: &[String]| {
        wanted.iter().any(|w| list.iter().any(|t| **t == **w))
    };
    // Read once for the whole listing; a spec tctl would refuse matches nothing.
    let labels = q.labels.as_deref().map(crate::teleport::labels::parse);
    let filter = move |s: &Session| {
        (q.kinds.is_empty() || q.kinds.contains(&s.kind))
            && q.username.as_ref().is_none_or(|u| s.user() == u)
            && (q.roles.is_empty() || any(&s.extra().roles, &q.roles))
            && q.resource_kind
                .as_deref()
                .is_none_or(|rk| kind_of_resource(rk) == Some(s.kind))
            // Search names a database session by its service (its Teleport resource), ls by
            // the database: either answers for the resource.
            && q.resource_name.as_ref().is_none_or(|n| {
                s.target() == n || (s.kind == Kind::Db && detail(s, "service", n))
            })
            && labels.as_ref().is_none_or(|pairs| {
                pairs
                    .as_ref()
                    .is_ok_and(|pairs| pairs.iter().all(|(k, v)| s.labels().get(k) == Some(v)))
            })
            && (q.access_requests.is_empty() || any(&s.extra().access_requests, &q.access_requests))
            && q.server_hostname
                .as_ref()
                .is_none_or(|h| s.kind == Kind::Ssh && s.target() == h)
            && q.server_addr
                .as_deref()
                .is_none_or(|a| detail(s, "address", a))
            && q.pod_namespace
                .as_deref()
                .is_none_or(|n| detail(s, "namespace", n))
            && q.pod_name.as_deref().is_none_or(|n| detail(s, "pod", n))
            && q.database_name
                .as_ref()
                .is_none_or(|d| s.kind == Kind::Db && s.target() == d)
    };
    (filter, ignored)
}

/// Keep sessions at or above `min`; unscored ones are counted, never silently dropped.
pub fn at_least(sessions: &mut Vec<Session>, min: Severity) -> usize {
    let unscored = sessions.iter().filter(|s| s.severity.is_none()).count();
    sessions.retain(|s| s.severity.is_some_and(|v| v >= min));
    unscored
}

pub fn search(
    fetch: Fetch<'_>,
    args: &SearchArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    // A severity filter on tctl's best `limit` matches would show fewer than `limit` sessions
    // while more exist: without words to rank by, the window is swept whole (as triage does)
    // and the limit applies to what passes the filter.
    let words = args.query.words.iter().any(|w| !w.trim().is_empty());
    let sweep = args.min_severity.is_some() && !words;
    let reach = if sweep {
        Reach::All
    } else {
        Reach::Best(args.query.limit)
    };
    let found = search_or_list(fetch, &args.query, window, now, args.no_fallback, reach)?;
    let mut sessions = found.sessions;
    let mut notes = found.notes;
    if found.searched {
        if let Some(min) = args.min_severity {
            let unscored = at_least(&mut sessions, min);
            if unscored > 0 {
                notes.push(Note::Unscored {
                    count: unscored,
                    // Unscored sessions have nothing for search's filters to rank or
                    // match; triage lists every one of the window.
                    command: format!("triage --unscored{}", args.window.flags()),
                });
            }
        }
        if sessions.is_empty() {
            notes.push(only_summarized(fetch.cluster, window, now)?);
        }
    }
    riskiest_first(&mut sessions);
    let title = if found.searched {
        "Session search, riskiest first"
    } else {
        "Recordings of the window (search unavailable: filter them by hand)"
    };
    let mut listing = Listing::of_search(window, found.searched, sessions, notes, title.to_owned());
    if sweep {
        listing.cap(Some(args.query.limit));
    }
    Ok(listing)
}

/// An empty search is not proof that nothing happened: count what `ls` sees in the window.
pub fn only_summarized(
    cluster: &dyn Cluster,
    window: Window,
    now: Timestamp,
) -> Result<Note, Error> {
    const LOOK: u32 = 1000;
    let (recordings, capped) = fetch::count_recordings(cluster, window, now, LOOK)?;
    Ok(Note::OnlySummarized { recordings, capped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, ls_event, summary};

    fn window() -> Window {
        Window {
            from: "2026-05-27T21:00:00Z".parse().unwrap(),
            to: NOW.parse().unwrap(),
        }
    }

    fn args() -> SearchArgs {
        SearchArgs {
            window: WindowArgs::default(),
            query: SearchQuery {
                limit: 50,
                ..SearchQuery::default()
            },
            min_severity: None,
            no_fallback: false,
        }
    }

    #[test]
    fn severity_is_filtered_client_side_and_unscored_counted() {
        let c = Canned::with_summaries(vec![
            summary("a", "ssh", "2026-06-03T10:00:00Z", Some(4)),
            summary("b", "db", "2026-06-03T11:00:00Z", None),
            summary("c", "ssh", "2026-06-03T12:00:00Z", Some(1)),
            summary("d", "k8s", "2026-06-03T09:00:00Z", Some(2)),
        ]);
        let mut a = args();
        a.min_severity = Some(Severity::Medium);
        let l = search(Fetch::rows(&c), &a, window(), NOW.parse().unwrap()).unwrap();
        let ids: Vec<String> = l.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(ids, ["a", "d"], "highest first, low dropped");
        assert!(
            l.notes
                .iter()
                .any(|n| matches!(n, Note::Unscored { count: 1, .. }))
        );
        assert!(l.notes.contains(&Note::SeverityCaveat));
    }

    #[test]
    fn an_empty_search_says_only_summarized_sessions_are_searchable() {
        let c = Canned::with_summaries(vec![]);
        c.ls.borrow_mut()
            .push(ls_event("x", "2026-06-03T10:00:00Z"));
        let l = search(Fetch::rows(&c), &args(), window(), NOW.parse().unwrap()).unwrap();
        assert!(l.notes.contains(&Note::OnlySummarized {
            recordings: 1,
            capped: false
        }));
    }

    #[test]
    fn unavailable_search_falls_back_to_ls_with_the_filters_ls_can_answer() {
        let c = Canned::unavailable("session search requires Access Graph");
        c.ls.borrow_mut()
            .push(ls_event("x", "2026-06-03T10:00:00Z"));
        c.ls.borrow_mut()
            .push(ls_event("y", "2026-06-03T11:00:00Z"));
        let mut a = args();
        a.query.words = vec!["sudo".into()];
        a.query.username = Some("alice".into());
        let l = search(Fetch::rows(&c), &a, window(), NOW.parse().unwrap()).unwrap();
        assert_eq!(l.sessions.len(), 2, "both events are alice's");
        assert!(matches!(l.notes[0], Note::SearchUnavailable { .. }));
        assert!(
            l.notes
                .contains(&Note::IgnoredByFallback(vec!["the query words"]))
        );
        assert_eq!(l.verb, "ended");
        a.query.username = Some("bob".into());
        assert!(
            search(Fetch::rows(&c), &a, window(), NOW.parse().unwrap())
                .unwrap()
                .sessions
                .is_empty()
        );
    }

    #[test]
    fn no_fallback_is_its_own_exit_status() {
        let c =
            Canned::unavailable("unknown service teleport.sessionsearch.v1.SessionSearchService");
        let mut a = args();
        a.no_fallback = true;
        let e = search(Fetch::rows(&c), &a, window(), NOW.parse().unwrap()).unwrap_err();
        assert_eq!(e.code(), 5);
        assert!(c.ls.borrow().is_empty() || c.ls_calls() == 0);
    }
}
