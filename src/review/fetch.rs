//! The two ways to get sessions, shared by every workflow: `recordings ls` over a window
//! (split and trimmed), and `recordings search` (with the fallback to ls when the cluster
//! cannot search).

use std::collections::HashMap;

use jiff::Timestamp;

use super::Note;
use crate::error::Error;
use crate::session::{Builder, Detail, Session, Time};
use crate::teleport::ls::{LsQuery, Normalizer, plan, tctl_dates};
use crate::teleport::search::{SearchQuery, session};
use crate::teleport::{Cluster, Searched};
use crate::window::{Window, midnight, utc_date};

/// Where a workflow's sessions come from, and how much of each its output needs: a table
/// needs a row's worth, JSON everything (see [`Detail`]).
#[derive(Clone, Copy)]
pub struct Fetch<'a> {
    pub cluster: &'a dyn Cluster,
    pub detail: Detail,
}

impl<'a> Fetch<'a> {
    pub fn rows(cluster: &'a dyn Cluster) -> Fetch<'a> {
        Fetch {
            cluster,
            detail: Detail::Row,
        }
    }

    pub fn full(cluster: &'a dyn Cluster) -> Fetch<'a> {
        Fetch {
            cluster,
            detail: Detail::Full,
        }
    }

    /// The same source, keeping at least `detail`.
    pub fn with(self, detail: Detail) -> Fetch<'a> {
        let detail = if detail == Detail::Full {
            detail
        } else {
            self.detail
        };
        Fetch { detail, ..self }
    }
}

/// Rows asked of one `recordings ls` call. tctl pages the auth server itself (a thousand rows
/// at a time), so a large page costs one process instead of many; a window with more rows is
/// continued with its older part.
pub const LS_PAGE: u32 = 10_000;

/// Summaries asked of one `recordings search` call when a listing must be complete: a full
/// answer splits the window.
pub const SEARCH_PAGE: u32 = 500;

/// Another page for both, from `TSH_REVIEW_PAGE`: lets the tests drive the continuation and
/// the splitting through the real binary with a handful of fixture sessions, and the benchmark
/// read a whole file (whose fake tctl cannot honour `--limit`) in one call.
fn page(default: u32) -> u32 {
    static PAGE: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| {
        std::env::var("TSH_REVIEW_PAGE")
            .ok()
            .and_then(|p| p.parse().ok())
            .filter(|&p| p > 0)
    })
    .unwrap_or(default)
}

/// Every recording that ended in `window`, annotated, in no particular order, with the notes
/// the reader needs (days that could not be listed completely, skipped events, a tctl that
/// printed more than it was asked for).
///
/// Complete by default: each call asks for [`LS_PAGE`] rows, newest first; when it gets them
/// all, the window is continued from the day of the oldest row it got (whole days are all tctl
/// takes; rows seen twice are merged by id).
pub fn recordings(
    fetch: Fetch<'_>,
    window: Window,
    now: Timestamp,
) -> Result<(Vec<Session>, Vec<Note>), Error> {
    recordings_paged(fetch, window, now, page(LS_PAGE))
}

fn recordings_paged(
    fetch: Fetch<'_>,
    window: Window,
    now: Timestamp,
    page: u32,
) -> Result<(Vec<Session>, Vec<Note>), Error> {
    let mut incomplete = Vec::new();
    let mut overflow = None;
    let mut normalizer = Normalizer::new(fetch.detail);
    for first in plan(&window, now, page) {
        let mut call = Some(first);
        while let Some(this) = call.take() {
            let mut oldest = Time::NONE;
            let printed = fetch.cluster.ls(&this, &mut |event| {
                oldest = oldest.earliest(event.time);
                normalizer.push(event);
            })?;
            if printed > page as usize {
                overflow = Some(overflow.unwrap_or(0).max(printed));
            }
            if printed >= page as usize {
                call = older_part(&this, oldest.get(), now, &mut incomplete);
            }
        }
    }
    let found = normalizer.finish();
    // tctl answers in whole days: trim to the exact window.
    let mut sessions = found.sessions;
    sessions.retain(|s| s.when().get().is_none_or(|t| window.contains(t)));
    let mut notes = Vec::new();
    if let Some(printed) = overflow {
        notes.push(Note::Overflow {
            asked: page,
            printed,
        });
    }
    if !incomplete.is_empty() {
        notes.push(Note::Incomplete { days: incomplete });
    }
    if !found.unknown.is_empty() {
        notes.push(Note::UnknownEvents(found.unknown));
    }
    if found.without_id > 0 {
        notes.push(Note::Skipped(found.without_id));
    }
    Ok((sessions, notes))
}

/// After a full answer to `call` whose oldest row fell on some day: the call for what is older.
/// That day is asked for again (its older rows may be missing); when the full answer lay within
/// that one day, the day cannot be listed completely and is skipped, noted in `incomplete`.
fn older_part(
    call: &LsQuery,
    oldest: Option<Timestamp>,
    now: Timestamp,
    incomplete: &mut Vec<String>,
) -> Option<LsQuery> {
    let end = call.to.unwrap_or_else(|| {
        let today = utc_date(now);
        today.tomorrow().unwrap_or(today)
    });
    let Some(day) = oldest.map(utc_date).filter(|d| *d >= call.from && *d < end) else {
        // No usable times: where to continue cannot be told.
        incomplete.push(format!("{}..{}", call.from, end));
        return None;
    };
    let next_end = day.tomorrow().ok().filter(|next| *next < end);
    let to = match next_end {
        Some(to) => to,
        None => {
            incomplete.push(day.to_string());
            day
        }
    };
    (to > call.from).then_some(LsQuery {
        from: call.from,
        to: Some(to),
        limit: call.limit,
    })
}

/// How many recordings ended in `window`, from one call of at most `look` rows per tctl call
/// (true when that many came back, so there may be more): enough to say "an empty search is not
/// proof", without listing the whole window.
pub fn count_recordings(
    cluster: &dyn Cluster,
    window: Window,
    now: Timestamp,
    look: u32,
) -> Result<(usize, bool), Error> {
    let mut capped = false;
    let mut normalizer = Normalizer::new(Detail::Row);
    for call in plan(&window, now, look) {
        let rows = cluster.ls(&call, &mut |event| normalizer.push(event))?;
        capped |= rows >= look as usize;
    }
    let found = normalizer.finish();
    let n = found
        .sessions
        .iter()
        .filter(|s| s.when().get().is_none_or(|t| window.contains(t)))
        .count();
    Ok((n, capped))
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
    fetch: Fetch<'_>,
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
    let mut builder = Builder::new(fetch.detail);
    let outcome = fetch.cluster.search(
        &query,
        &mut |summary| match session(summary, &mut builder) {
            Ok(s) => sessions.push(s),
            Err(_) => skipped += 1,
        },
    )?;
    let rows = match outcome {
        Searched::Done(rows) => rows,
        Searched::Unavailable(said) => return Ok(Found::Unavailable(said)),
    };
    sessions.retain(|s| s.start_or_end().get().is_none_or(|t| window.contains(t)));
    Ok(Found::Sessions {
        sessions,
        rows,
        skipped,
    })
}

/// Every summary of `window` matching `query` (whose limit is ignored): each call asks for
/// [`SEARCH_PAGE`]; a full answer splits its window (by month, then in halves, down to single
/// days, which are then noted in `incomplete`), sessions merged by id.
pub fn search_all(
    fetch: Fetch<'_>,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
) -> Result<Swept, Error> {
    search_all_paged(fetch, query, window, now, page(SEARCH_PAGE))
}

fn search_all_paged(
    fetch: Fetch<'_>,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
    page: u32,
) -> Result<Swept, Error> {
    let query = SearchQuery {
        limit: page,
        ..query.clone()
    };
    let mut out = Swept::default();
    let mut by_id = HashMap::new();
    let mut parts = vec![window];
    while let Some(part) = parts.pop() {
        let (sessions, rows, skipped) = match search(fetch, &query, part, now)? {
            Found::Unavailable(said) => {
                out.unavailable = Some(said);
                return Ok(out);
            }
            Found::Sessions {
                sessions,
                rows,
                skipped,
            } => (sessions, rows, skipped),
        };
        if rows >= page as usize
            && let Some(smaller) = split(part)
        {
            // Newest first, as the rest of the listing reads.
            parts.extend(smaller);
            continue;
        }
        if rows >= page as usize {
            out.incomplete.push(utc_date(part.from).to_string());
        }
        out.skipped += skipped;
        for s in sessions {
            by_id.entry(s.id().to_string()).or_insert(s);
        }
    }
    out.sessions = by_id.into_values().collect();
    Ok(out)
}

/// What a complete search found.
#[derive(Debug, Default)]
pub struct Swept {
    pub sessions: Vec<Session>,
    /// Summaries without an id or of an unknown kind.
    pub skipped: usize,
    /// Days still at the page size after splitting down to one day.
    pub incomplete: Vec<String>,
    /// The cluster cannot search: what tctl said.
    pub unavailable: Option<String>,
}

/// Smaller windows covering `w` exactly, cut at UTC midnights: at month starts when `w` spans
/// months, else in two halves; `None` for a single day.
pub fn split(w: Window) -> Option<Vec<Window>> {
    let first = utc_date(w.from);
    let mut cuts: Vec<Timestamp> = Vec::new();
    let mut month = first.first_of_month();
    while let Ok(next) = month.checked_add(jiff::Span::new().months(1)) {
        let at = midnight(next);
        if at >= w.to {
            break;
        }
        if at > w.from {
            cuts.push(at);
        }
        month = next;
    }
    if cuts.is_empty() {
        let days = (w.to.as_second() - midnight(first).as_second() + 86_399) / 86_400;
        if days <= 1 {
            return None;
        }
        let mid = midnight(first.checked_add(jiff::Span::new().days(days / 2)).ok()?);
        if mid <= w.from || mid >= w.to {
            return None;
        }
        cuts.push(mid);
    }
    let mut parts = Vec::new();
    let mut from = w.from;
    for cut in cuts {
        parts.push(Window { from, to: cut });
        from = cut;
    }
    parts.push(Window { from, to: w.to });
    Some(parts)
}

/// Newest first by start, the time a reviewer reads in the table, then by id. Not a stable
/// sort, which would take a copy of a long listing: ids are unique in a listing, so the
/// order is the same.
pub fn newest_first(sessions: &mut [Session]) {
    sessions.sort_unstable_by(|a, b| {
        (b.start_or_end().cmp(&a.start_or_end())).then_with(|| a.id().cmp(&b.id()))
    });
}

/// Highest severity first (unscored last), then newest.
pub fn riskiest_first(sessions: &mut [Session]) {
    sessions.sort_unstable_by(|a, b| {
        (b.severity.cmp(&a.severity))
            .then_with(|| b.start_or_end().cmp(&a.start_or_end()))
            .then_with(|| a.id().cmp(&b.id()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, ls_event, summary};
    use crate::teleport::ls::LsEvent;
    use crate::window::quarter;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_split_into_months_and_months_into_halves() {
        let q = quarter("2026Q1").unwrap();
        let parts = split(q).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].from, ts("2026-02-01T00:00:00Z"));
        let jan = split(parts[0]).unwrap();
        assert_eq!(jan.len(), 2);
        assert_eq!(jan[0].to, jan[1].from);
        assert_eq!(jan[1].to, ts("2026-02-01T00:00:00Z"));
        let day = Window {
            from: ts("2026-01-05T00:00:00Z"),
            to: ts("2026-01-06T00:00:00Z"),
        };
        assert_eq!(split(day), None);
    }

    #[test]
    fn a_search_past_its_page_is_completed_by_splitting() {
        // Five sessions in a quarter, two per call: only splitting finds them all.
        let days = [
            "2026-04-03",
            "2026-04-20",
            "2026-05-02",
            "2026-05-03",
            "2026-06-01",
        ];
        let summaries = days
            .iter()
            .enumerate()
            .map(|(i, d)| summary(&format!("s{i}"), "ssh", &format!("{d}T10:00:00Z"), None))
            .collect();
        let c = Canned::with_summaries(summaries);
        let q = quarter("2026Q2").unwrap();
        let swept = search_all_paged(
            Fetch::full(&c),
            &SearchQuery::default(),
            q,
            ts("2026-07-05T00:00:00Z"),
            2,
        )
        .unwrap();
        assert_eq!(swept.sessions.len(), 5);
        assert!(swept.incomplete.is_empty());
        assert!(c.searches.borrow().len() > 3);
        assert!(c.searches.borrow().iter().all(|q| q.limit == 2));
    }

    #[test]
    fn a_day_fuller_than_a_page_is_noted_incomplete() {
        let summaries = (0..3)
            .map(|i| {
                summary(
                    &format!("s{i}"),
                    "ssh",
                    &format!("2026-06-01T1{i}:00:00Z"),
                    None,
                )
            })
            .collect();
        let c = Canned::with_summaries(summaries);
        let w = Window {
            from: ts("2026-05-30T00:00:00Z"),
            to: ts("2026-06-03T00:00:00Z"),
        };
        let swept =
            search_all_paged(Fetch::full(&c), &SearchQuery::default(), w, ts(NOW), 2).unwrap();
        assert_eq!(swept.incomplete, ["2026-06-01"]);
        assert_eq!(swept.sessions.len(), 2);
    }

    /// `n` sessions ending one per hour, newest first, back from 2026-06-03 20:00.
    fn hourly(n: usize) -> Canned {
        let c = Canned::default();
        let newest = ts("2026-06-03T20:00:00Z");
        c.ls.borrow_mut().extend((0..n).map(|i| {
            let t = newest - jiff::SignedDuration::from_hours(i as i64);
            ls_event(&format!("s{i:03}"), &t.to_string())
        }));
        c
    }

    #[test]
    fn a_listing_past_its_page_continues_with_the_older_days() {
        let c = hourly(100);
        let w = Window {
            from: ts("2026-05-25T00:00:00Z"),
            to: ts(NOW),
        };
        let (sessions, notes) = recordings_paged(Fetch::full(&c), w, ts(NOW), 30).unwrap();
        assert_eq!(sessions.len(), 100, "{notes:?}");
        assert!(notes.is_empty(), "{notes:?}");
        assert!(c.ls_calls() >= 4);
    }

    #[test]
    fn a_day_with_more_rows_than_a_page_is_skipped_and_noted() {
        // 24 a day; a page of 10 cannot hold one day.
        let c = hourly(48);
        let w = Window {
            from: ts("2026-05-30T00:00:00Z"),
            to: ts(NOW),
        };
        let (sessions, notes) = recordings_paged(Fetch::full(&c), w, ts(NOW), 10).unwrap();
        let incomplete = notes.iter().find_map(|n| match n {
            Note::Incomplete { days } => Some(days.clone()),
            _ => None,
        });
        // 21 on June 3rd, 24 on the 2nd, the last 3 on the 1st.
        assert_eq!(
            incomplete.as_deref(),
            Some(&["2026-06-03".to_owned(), "2026-06-02".into()][..])
        );
        assert_eq!(
            sessions.len(),
            10 + 10 + 3,
            "the newest page of each full day"
        );
    }

    /// A tctl that ignores `--limit`: every call prints all it has.
    struct Unlimited(Canned);

    impl Cluster for Unlimited {
        fn ls(&self, q: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error> {
            let all = LsQuery {
                limit: u32::MAX,
                ..q.clone()
            };
            let mut n = 0;
            self.0.ls(&all, &mut |e| {
                n += 1;
                if n <= q.limit as usize {
                    sink(e);
                }
            })
        }

        fn search(
            &self,
            q: &SearchQuery,
            sink: &mut dyn FnMut(&crate::teleport::search::Summary<'_>),
        ) -> Result<crate::teleport::Searched, Error> {
            self.0.search(q, sink)
        }
    }

    #[test]
    fn a_tctl_that_ignores_the_limit_is_held_to_it_and_said_so() {
        let c = Unlimited(hourly(100));
        let w = Window {
            from: ts("2026-05-25T00:00:00Z"),
            to: ts(NOW),
        };
        let (sessions, notes) = recordings_paged(Fetch::full(&c), w, ts(NOW), 30).unwrap();
        assert_eq!(sessions.len(), 100);
        assert!(
            notes.iter().any(|n| matches!(
                n,
                Note::Overflow {
                    asked: 30,
                    printed: 100
                }
            )),
            "{notes:?}"
        );
    }
}
