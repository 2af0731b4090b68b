//! `compliance`: a periodic review of production access, complete past tctl's `--limit` (the
//! window is split and merged until every call is under the limit), grouped by user and
//! target, with follow-ups and unscored sessions marked, as an auditable artefact.

use jiff::Timestamp;

use super::fetch::Fetch;
use super::search::{Reach, add_unsummarized, search_or_list};
use super::{Grouping, Listing, Note};
use crate::error::Error;
use crate::session::{Flag, Kind, Severity};
use crate::teleport::search::SearchQuery;
use crate::window::{
    Window, WindowArgs, earliest, format_instant, last_full_quarter, midnight, quarter,
    quarter_name, resolve, utc_date,
};

#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceArgs {
    pub quarter: Option<String>,
    /// --from/--to, when given instead of a quarter.
    pub window: WindowArgs,
    pub labels: String,
    pub kinds: Vec<Kind>,
    /// Show at most this many sessions (the review itself is complete).
    pub limit: Option<u32>,
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
                let last = last_full_quarter(now);
                let current = quarter_name(&Window {
                    from: last.to,
                    to: now,
                });
                return Err(
                    Error::usage(format!("--quarter {q} has not started yet")).hint(format!(
                        "--quarter {current} reviews the quarter so far, --quarter {} the last full one",
                        quarter_name(&last)
                    )),
                );
            }
            if w.to <= earliest() {
                return Err(Error::usage(format!(
                    "--quarter {q} is before 2015, when Teleport did not exist yet: nothing can have been recorded"
                )));
            }
            // The quarter so far: the report must not read as a whole quarter signed off.
            let name = if w.to > now {
                format!("{}, in progress", quarter_name(&w))
            } else {
                quarter_name(&w)
            };
            let w = Window {
                from: w.from,
                to: w.to.min(now),
            };
            return Ok((w, name));
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
        let (w, _) = resolve(&self.window, now).map_err(Error::usage)?;
        let last = utc_date(
            w.to.checked_sub(jiff::SignedDuration::from_nanos(1))
                .unwrap_or(w.to),
        );
        // An end past now was cut to now: the period is still running.
        let whole_days = w.from == midnight(utc_date(w.from)) && w.to == midnight(utc_date(w.to));
        let name = if w.to == now {
            format!("{} to now, in progress", utc_date(w.from))
        } else if whole_days {
            format!("{} to {last}", utc_date(w.from))
        } else {
            format!("{} to {}", format_instant(w.from), format_instant(w.to))
        };
        Ok((w, name))
    }
}

pub fn compliance(
    fetch: Fetch<'_>,
    args: &ComplianceArgs,
    now: Timestamp,
    reviewer: Option<&str>,
) -> Result<Listing, Error> {
    let (window, period) = args.period(now)?;
    let query = SearchQuery {
        labels: Some(args.labels.clone()).filter(|l| !l.is_empty()),
        kinds: args.kinds.clone(),
        ..SearchQuery::default()
    };
    let found = search_or_list(fetch, &query, window, now, args.no_fallback, Reach::All)?;
    let (mut sessions, mut notes, searched) = (found.sessions, found.notes, found.searched);
    // An access review is of every session of the period, summarized or not.
    let added = if searched {
        add_unsummarized(fetch, &query, window, now, &mut sessions, &mut notes)?
    } else {
        0
    };
    for s in &mut sessions {
        match s.severity {
            Some(v) if v >= Severity::Medium => s.flag(Flag::FollowUp),
            // Unscored; a session the server asks about is flagged so already.
            None => s.flag(Flag::NeedsReview),
            Some(_) => {}
        }
    }
    // Unstable, as a stable sort takes a copy of a long listing; the id makes the order total.
    sessions.sort_unstable_by(|a, b| {
        (a.user(), a.target(), a.start_or_end(), a.id()).cmp(&(
            b.user(),
            b.target(),
            b.start_or_end(),
            b.id(),
        ))
    });
    let complete = !notes.iter().any(|n| matches!(n, Note::Incomplete { .. }));
    // The counts below are the whole period's; --limit only shortens the list, and the report
    // says so, as an artefact someone signs must not look whole when it is not.
    let shown = args
        .limit
        .filter(|&n| (n as usize) < sessions.len())
        .map(|n| {
            format!(
                "no: --limit {n} lists {n} of the {} sessions",
                sessions.len()
            )
        });
    let count = |flag: Flag| sessions.iter().filter(|s| s.flags.contains(flag)).count();
    let last_day = utc_date(
        window
            .to
            .checked_sub(jiff::SignedDuration::from_nanos(1))
            .unwrap_or(window.to),
    );
    let report = vec![
        (
            "Period",
            // Whole days as dates; any other bound as the instant it is, so that a report of
            // 10:00 to 17:00 does not read as the whole day.
            if window.from == midnight(utc_date(window.from))
                && window.to == midnight(utc_date(window.to))
            {
                format!(
                    "{period} ({} to {last_day}, UTC, inclusive)",
                    utc_date(window.from)
                )
            } else {
                format!(
                    "{period} ({} to {}, the end excluded)",
                    format_instant(window.from),
                    format_instant(window.to)
                )
            },
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
            if searched && added > 0 {
                format!(
                    "tctl recordings search (summarized sessions, with severity), and tctl recordings ls for the {added} never summarized"
                )
            } else if searched {
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
            match (complete, shown) {
                (true, None) => "yes".to_owned(),
                (true, Some(shown)) => shown,
                (false, _) => "no: see the notes".to_owned(),
            },
        ),
        (
            "Sessions",
            // Unscored means no severity: a scored session the server asks about is counted
            // apart, though both are marked needs-review.
            format!(
                "{} ({} to follow up: severity medium or higher; {} unscored; {} the server asks a human to review)",
                sessions.len(),
                count(Flag::FollowUp),
                sessions.iter().filter(|s| s.severity.is_none()).count(),
                sessions.iter().filter(|s| s.asks_for_review()).count(),
            ),
        ),
    ];
    let mut listing = Listing::new(window, if searched { "started" } else { "ended" }, sessions);
    listing.title = Some(format!("Compliance review of {period}"));
    listing.grouping = Grouping::UserTarget;
    listing.empty = super::Empty::Period;
    listing.report = report;
    listing.notes = notes;
    listing.note_suspicious();
    if searched {
        listing.notes.push(Note::SeverityCaveat);
    }
    listing.cap(args.limit);
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::canned::{Canned, NOW, summary};
    use crate::window::quarter;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn args() -> ComplianceArgs {
        ComplianceArgs {
            quarter: Some("2026Q2".into()),
            window: WindowArgs::default(),
            labels: "env=prod".into(),
            kinds: vec![],
            limit: None,
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
        let early = a.period(ts(NOW)).unwrap_err();
        assert_eq!(early.code(), 2);
        // It says which quarters can be reviewed.
        let said = early.to_string();
        assert!(
            said.contains("--quarter 2026Q2 reviews the quarter so far")
                && said.contains("--quarter 2026Q1 the last full one"),
            "{said}"
        );
    }

    #[test]
    fn the_review_is_an_artefact_with_follow_ups_marked() {
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
        let c = Canned::with_summaries(summaries);
        let l = compliance(
            Fetch::rows(&c),
            &args(),
            ts("2026-07-05T00:00:00Z"),
            Some("alice"),
        )
        .unwrap();
        assert_eq!(l.sessions.len(), 5);
        assert!(
            c.searches
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
            .filter(|s| s.flags.contains(Flag::FollowUp))
            .count();
        assert_eq!(follow, 3, "severities 2, 3, 4");
    }

    /// The header counts as unscored only the sessions without a severity: a scored one the
    /// server asks about is counted apart (both are marked needs-review).
    #[test]
    fn unscored_means_no_severity() {
        let mut asked = summary("high", "ssh", "2026-05-02T10:00:00Z", Some(3));
        asked.needs_further_review_reasons = crate::teleport::search::ReviewReasons(vec![1]);
        let unscored = summary("none", "db", "2026-05-03T10:00:00Z", None);
        let c = Canned::with_summaries(vec![asked, unscored]);
        let l = compliance(Fetch::rows(&c), &args(), ts("2026-07-05T00:00:00Z"), None).unwrap();
        let (_, sessions) = l.report.iter().find(|(k, _)| *k == "Sessions").unwrap();
        assert!(
            sessions.contains("1 unscored; 1 the server asks a human to review"),
            "{sessions}"
        );
        assert!(
            l.sessions
                .iter()
                .all(|s| s.flags.contains(Flag::NeedsReview))
        );
    }
}
