//! `compliance`: a periodic review of production access, complete past tctl's `--limit` (the
//! window is split and merged until every call is under the limit), grouped by user and
//! target, with follow-ups and unscored sessions marked, as an auditable artefact.

use std::collections::HashMap;

use jiff::Timestamp;

use super::fetch::{self, Found};
use super::search::search_or_list;
use super::{Grouping, Listing, Note};
use crate::error::Error;
use crate::session::{Flag, Kind, Session, Severity};
use crate::teleport::Cluster;
use crate::teleport::search::SearchQuery;
use crate::window::{
    Window, WindowArgs, format_instant, last_full_quarter, midnight, quarter, quarter_name,
    resolve, utc_date,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceArgs {
    pub quarter: Option<String>,
    /// --from/--to, when given instead of a quarter.
    pub window: WindowArgs,
    pub labels: String,
    pub kinds: Vec<Kind>,
    pub limit: u32,
    pub no_fallback: bool,
}

impl ComplianceArgs {
    /// The period under review and its name for the report: --quarter, --from/--to, or the
    /// last full quarter.
    pub fn period(&self, now: Timestamp) -> Result<(Window, String), Error> {
        if let Some(q) = &self.quarter {
            if self.window != WindowArgs::default() {
                return Err(Error::usage(
                    "--quarter cannot be combined with --from/--to",
                ));
            }
            let w = quarter(q).map_err(Error::usage)?;
            if w.from >= now {
                return Err(Error::usage(format!("--quarter {q} has not started yet")));
            }
            let w = Window {
                from: w.from,
                to: w.to.min(now),
            };
            return Ok((w, quarter_name(&w)));
        }
        if self.window == WindowArgs::default() {
            let w = last_full_quarter(now);
            return Ok((w, quarter_name(&w)));
        }
        if self.window.from.is_none() {
            return Err(Error::usage(
                "compliance needs --from with --to (or --quarter)",
            ));
        }
        let w = resolve(&self.window, now, jiff::SignedDuration::ZERO).map_err(Error::usage)?;
        let last = utc_date(
            w.to.checked_sub(jiff::SignedDuration::from_nanos(1))
                .unwrap_or(w.to),
        );
        Ok((w, format!("{} to {last}", utc_date(w.from))))
    }
}

pub fn compliance(
    cluster: &dyn Cluster,
    args: &ComplianceArgs,
    now: Timestamp,
    reviewer: Option<&str>,
) -> Result<Listing, Error> {
    let (window, period) = args.period(now)?;
    let query = SearchQuery {
        labels: Some(args.labels.clone()).filter(|l| !l.is_empty()),
        kinds: args.kinds.clone(),
        limit: args.limit,
        ..SearchQuery::default()
    };
    let mut found = HashMap::new();
    let mut incomplete = Vec::new();
    let (mut sessions, mut notes, searched) =
        match sweep(cluster, &query, window, now, &mut found, &mut incomplete)? {
            None => (found.into_values().collect::<Vec<_>>(), Vec::new(), true),
            Some(_) => {
                // Unavailable: the shared fallback explains it and lists with ls.
                let f = search_or_list(cluster, &query, window, now, args.no_fallback)?;
                (f.sessions, f.notes, false)
            }
        };
    for s in &mut sessions {
        match s.severity {
            Some(v) if v >= Severity::Medium => s.flag(Flag::FollowUp),
            None => s.flag(Flag::NeedsReview),
            Some(_) => {}
        }
    }
    sessions.sort_by(|a, b| {
        (a.user.as_str(), a.target.as_str(), a.start.or(a.end)).cmp(&(
            b.user.as_str(),
            b.target.as_str(),
            b.start.or(b.end),
        ))
    });
    if !incomplete.is_empty() {
        notes.push(Note::Incomplete {
            days: incomplete.clone(),
        });
    }
    let partial_ls = notes.iter().any(|n| matches!(n, Note::Partial { .. }));
    let complete = incomplete.is_empty() && !partial_ls;
    let count = |flag: Flag| sessions.iter().filter(|s| s.flags.contains(&flag)).count();
    let last_day = utc_date(
        window
            .to
            .checked_sub(jiff::SignedDuration::from_nanos(1))
            .unwrap_or(window.to),
    );
    let report = vec![
        (
            "Period",
            format!(
                "{period} ({} to {last_day}, UTC, inclusive)",
                utc_date(window.from)
            ),
        ),
        (
            "Filters",
            format!(
                "label {}{}",
                if args.labels.is_empty() {
                    "(none)"
                } else {
                    &args.labels
                },
                if args.kinds.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; kind {}",
                        args.kinds
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        ),
        (
            "Source",
            if searched {
                "tctl recordings search (summarized sessions, with severity)".to_owned()
            } else {
                "tctl recordings ls (search unavailable: no severity, every recording)".to_owned()
            },
        ),
        ("Generated", format_instant(now)),
        (
            "Reviewer",
            reviewer
                .unwrap_or("unknown (tsh status gave no user)")
                .to_owned(),
        ),
        (
            "Complete",
            if complete {
                "yes".to_owned()
            } else {
                "no: see the notes".to_owned()
            },
        ),
        (
            "Sessions",
            format!(
                "{} ({} to follow up: severity medium or higher; {} unscored: need review)",
                sessions.len(),
                count(Flag::FollowUp),
                count(Flag::NeedsReview)
            ),
        ),
    ];
    let mut listing = Listing::new(window, if searched { "started" } else { "ended" }, sessions);
    listing.title = Some(format!("Compliance review of {period}"));
    listing.grouping = Grouping::UserTarget;
    listing.report = report;
    listing.notes = notes;
    listing.note_suspicious();
    if searched {
        listing.notes.push(Note::SeverityCaveat);
    }
    Ok(listing)
}

/// Search `window`; when a call hits the limit, split the window (by month, then in halves)
/// and search the parts. Returns what tctl said if search is unavailable.
fn sweep(
    cluster: &dyn Cluster,
    query: &SearchQuery,
    window: Window,
    now: Timestamp,
    out: &mut HashMap<String, Session>,
    incomplete: &mut Vec<String>,
) -> Result<Option<String>, Error> {
    let (sessions, rows) = match fetch::search(cluster, query, window, now)? {
        Found::Unavailable(said) => return Ok(Some(said)),
        Found::Sessions { sessions, rows, .. } => (sessions, rows),
    };
    if rows < query.limit as usize {
        out.extend(sessions.into_iter().map(|s| (s.id.clone(), s)));
        return Ok(None);
    }
    match split(window) {
        Some(parts) => {
            for part in parts {
                if let Some(said) = sweep(cluster, query, part, now, out, incomplete)? {
                    return Ok(Some(said));
                }
            }
        }
        None => {
            incomplete.push(utc_date(window.from).to_string());
            out.extend(sessions.into_iter().map(|s| (s.id.clone(), s)));
        }
    }
    Ok(None)
}

/// Smaller windows covering `w` exactly, cut at UTC midnights: at month starts when `w` spans
/// months, else in two halves; `None` for a single day.
fn split(w: Window) -> Option<Vec<Window>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, summary};
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

    fn args() -> ComplianceArgs {
        ComplianceArgs {
            quarter: Some("2026Q2".into()),
            window: WindowArgs::default(),
            labels: "env=prod".into(),
            kinds: vec![],
            limit: 2,
            no_fallback: false,
        }
    }

    #[test]
    fn the_period_defaults_to_the_last_full_quarter() {
        let mut a = args();
        a.quarter = None;
        let (w, name) = a.period(ts(NOW)).unwrap();
        assert_eq!((w, name.as_str()), (quarter("2026Q1").unwrap(), "2026Q1"));
        a.window.from = Some("2026-04-01".into());
        a.window.to = Some("2026-04-30".into());
        let (w, name) = a.period(ts(NOW)).unwrap();
        assert_eq!(w.to, ts("2026-05-01T00:00:00Z"));
        assert_eq!(name, "2026-04-01 to 2026-04-30");
        a.quarter = Some("2026Q1".into());
        assert_eq!(a.period(ts(NOW)).unwrap_err().code(), 2);
        a.window = WindowArgs::default();
        a.quarter = Some("2027Q1".into());
        assert_eq!(a.period(ts(NOW)).unwrap_err().code(), 2);
    }

    #[test]
    fn results_past_the_limit_are_completed_by_splitting() {
        // Five sessions in the quarter with a limit of 2: the canned cluster returns at most
        // two per call, filtered by start, so only splitting finds them all.
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
            .map(|(i, d)| {
                summary(
                    &format!("s{i}"),
                    "ssh",
                    &format!("{d}T10:00:00Z"),
                    Some(i as i64 % 4 + 1),
                )
            })
            .collect();
        let c = WindowedCanned(Canned::with_summaries(summaries));
        let l = compliance(&c, &args(), ts("2026-07-05T00:00:00Z"), Some("alice")).unwrap();
        assert_eq!(
            l.sessions.len(),
            5,
            "{:?}",
            l.sessions.iter().map(|s| &s.id).collect::<Vec<_>>()
        );
        assert!(c.0.searches.borrow().len() > 1);
        assert!(
            c.0.searches
                .borrow()
                .iter()
                .all(|q| q.labels.as_deref() == Some("env=prod"))
        );
        assert!(l.report.iter().any(|(k, v)| *k == "Complete" && v == "yes"));
        assert!(
            l.report
                .iter()
                .any(|(k, v)| *k == "Reviewer" && v == "alice")
        );
        assert_eq!(l.grouping, Grouping::UserTarget);
        let follow = l
            .sessions
            .iter()
            .filter(|s| s.flags.contains(&Flag::FollowUp))
            .count();
        assert_eq!(follow, 3, "severities 2, 3, 4");
    }

    /// The canned cluster with tctl's date window applied to search.
    struct WindowedCanned(Canned);

    impl Cluster for WindowedCanned {
        fn ls(
            &self,
            q: &crate::teleport::ls::LsQuery,
            sink: &mut dyn FnMut(crate::teleport::ls::LsEvent),
        ) -> Result<usize, Error> {
            self.0.ls(q, sink)
        }

        fn search(
            &self,
            q: &SearchQuery,
            sink: &mut dyn FnMut(crate::teleport::search::Summary),
        ) -> Result<crate::teleport::Searched, Error> {
            self.0.searches.borrow_mut().push(q.clone());
            let from = q.from.map(midnight);
            let to = q.to.map(midnight);
            let mut n = 0;
            for s in &self.0.summaries {
                let t = s.start().unwrap();
                if from.is_none_or(|f| t >= f) && to.is_none_or(|e| t < e) && n < q.limit as usize {
                    sink(s.clone());
                    n += 1;
                }
            }
            Ok(crate::teleport::Searched::Done(n))
        }
    }
}
