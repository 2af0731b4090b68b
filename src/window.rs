//! Time windows as the user states them (`--since`, `--from`, `--to`), resolved against "now".
//! Everything is UTC: recordings are reviewed across time zones and tctl speaks UTC dates.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, SpanRelativeTo, Timestamp};

/// A half-open interval `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }
}

/// The window options as typed, before "now" is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowArgs {
    pub since: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl WindowArgs {
    /// The options as given (defaults included), each with a leading space, to repeat in a
    /// suggested command: ` --since 7d`.
    pub fn flags(&self) -> String {
        let mut out = String::new();
        for (flag, value) in [
            ("since", &self.since),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = value {
                out.push_str(&format!(" --{flag} {v}"));
            }
        }
        out
    }
}

/// A duration such as `90m`, `24h`, `7d`, `2w` or `1h30m`. Days are 24 hours: a review window
/// is a span of time, not a calendar date.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let bad =
        || format!("invalid duration {text:?}: use a number and a unit, e.g. 90m, 24h, 7d or 2w");
    let span: Span = text.trim().parse().map_err(|_| bad())?;
    let duration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| format!("invalid duration {text:?}: months and years vary in length, use days or weeks (e.g. 90d)"))?;
    if !duration.is_positive() {
        return Err(format!(
            "invalid duration {text:?}: it must be longer than zero"
        ));
    }
    Ok(duration)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    Start,
    End,
}

/// `YYYY-MM-DD` (a whole UTC day: its start, or for an end the start of the next day, so the
/// day itself is included) or an RFC3339 instant.
fn parse_edge(flag: &str, text: &str, edge: Edge) -> Result<Timestamp, String> {
    let text = text.trim();
    // jiff reads the date part of a full timestamp as a Date too: only a bare date is a day.
    if let Some(date) = text.parse::<Date>().ok().filter(|_| text.len() == 10) {
        let date = match edge {
            Edge::Start => date,
            Edge::End => date
                .tomorrow()
                .map_err(|_| format!("--{flag} {text:?} is out of range"))?,
        };
        return Ok(midnight(date));
    }
    text.parse::<Timestamp>().map_err(|_| {
        format!(
            "invalid --{flag} {text:?}: use YYYY-MM-DD (a UTC day) or RFC3339 such as 2026-06-03T18:00:00Z"
        )
    })
}

/// 00:00 UTC of a day.
pub fn midnight(date: Date) -> Timestamp {
    date.to_zoned_datetime(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MIN)
}

/// The UTC calendar day of an instant.
pub fn utc_date(t: Timestamp) -> Date {
    t.to_zoned_datetime(TimeZone::UTC).date()
}

/// The first day worth asking tctl about: Teleport did not exist before 2015. An earlier start
/// is moved here, because a window reaching further back would only cost a tctl call per year of
/// nothing (tctl takes at most 365 days a call).
pub fn earliest() -> Timestamp {
    midnight(jiff::civil::date(2015, 1, 1))
}

/// Resolve the options against `now`. `--since` counts back from `--to` (or now); `--from`
/// starts the window; the parser fills `since` with the command's default when neither is
/// given. The end is clamped to `now`, because nothing has been recorded in the future (and tctl
/// refuses it); a start before Teleport existed is clamped to [`earliest`], and the second value
/// says so.
pub fn resolve(args: &WindowArgs, now: Timestamp) -> Result<(Window, Option<String>), String> {
    if args.since.is_some() && args.from.is_some() {
        return Err("--since cannot be combined with --from: use one or the other".into());
    }
    let to = match &args.to {
        Some(text) => parse_edge("to", text, Edge::End)?.min(now),
        None => now,
    };
    let asked = match (&args.from, &args.since) {
        (Some(text), _) => parse_edge("from", text, Edge::Start)?,
        (None, Some(since)) => to
            .checked_sub(parse_duration(since)?)
            .unwrap_or(Timestamp::MIN),
        (None, None) => return Err("the window needs --since or --from".into()),
    };
    if asked > now {
        return Err(format!("--from {} is in the future", format_instant(asked)));
    }
    // In the user's words: a --to date ends after its day, which they did not type.
    let to_said = args.to.as_deref().map_or_else(
        || format!("now ({})", format_instant(to)),
        |text| format!("--to {text}"),
    );
    if asked >= to {
        let from_said = match (&args.from, &args.since) {
            (Some(text), _) => format!("--from {text}"),
            (None, since) => format!(
                "the start {} (--since {})",
                format_instant(asked),
                since.as_deref().unwrap_or_default()
            ),
        };
        return Err(format!(
            "the window is empty: {from_said} is not before {to_said}"
        ));
    }
    let first = earliest();
    if to <= first {
        return Err(format!(
            "the window ends before 2015, when Teleport did not exist yet: nothing can have been recorded ({to_said})"
        ));
    }
    let notice = (asked < first).then(|| {
        format!(
            "the window started before Teleport existed: listing from {} instead",
            utc_date(first)
        )
    });
    Ok((
        Window {
            from: asked.max(first),
            to,
        },
        notice,
    ))
}

/// A calendar quarter such as `2026Q3` (also `2026-Q3`, `q3-2026` is not accepted): its first
/// day to the first day of the next quarter.
pub fn quarter(text: &str) -> Result<Window, String> {
    let bad = || format!("invalid quarter {text:?}: use YYYYQn, e.g. 2026Q3");
    let upper = text.trim().to_ascii_uppercase().replace('-', "");
    let (year, q) = upper.split_once('Q').ok_or_else(bad)?;
    // Four digits: `26Q1` is not the year 26 (nor 2026, which would be a guess).
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i16 = year.parse().map_err(|_| bad())?;
    let q: i8 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&q) {
        return Err(bad());
    }
    let start = Date::new(year, (q - 1) * 3 + 1, 1).map_err(|_| bad())?;
    let end = start
        .checked_add(jiff::Span::new().months(3))
        .map_err(|_| bad())?;
    Ok(Window {
        from: midnight(start),
        to: midnight(end),
    })
}

/// The last calendar quarter that has fully ended before `now`.
pub fn last_full_quarter(now: Timestamp) -> Window {
    let today = utc_date(now);
    let this_quarter = Date::new(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).expect("valid");
    let start = this_quarter
        .checked_sub(jiff::Span::new().months(3))
        .expect("in range");
    Window {
        from: midnight(start),
        to: midnight(this_quarter),
    }
}

/// `2026Q3` for a window that starts a quarter.
pub fn quarter_name(w: &Window) -> String {
    let d = utc_date(w.from);
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// RFC3339 with whole seconds, the form used in messages.
pub fn format_instant(t: Timestamp) -> String {
    t.round(jiff::Unit::Second)
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn args(since: Option<&str>, from: Option<&str>, to: Option<&str>) -> WindowArgs {
        WindowArgs {
            since: since.map(String::from),
            from: from.map(String::from),
            to: to.map(String::from),
        }
    }

    const NOW: &str = "2026-06-03T21:00:00Z";

    fn window(a: &WindowArgs, now: Timestamp) -> Result<Window, String> {
        resolve(a, now).map(|(w, _)| w)
    }

    #[test]
    fn durations_in_every_documented_unit() {
        for (text, hours) in [("24h", 24), ("7d", 168), ("2w", 336), ("1h", 1)] {
            assert_eq!(parse_duration(text), Ok(SignedDuration::from_hours(hours)));
        }
        assert_eq!(parse_duration("90m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("1h30m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("30s"), Ok(SignedDuration::from_secs(30)));
    }

    #[test]
    fn bad_durations_explain_themselves() {
        assert!(parse_duration("soon").unwrap_err().contains("e.g. 90m"));
        assert!(parse_duration("3mo").unwrap_err().contains("days or weeks"));
        assert!(
            parse_duration("0h")
                .unwrap_err()
                .contains("longer than zero")
        );
        assert!(parse_duration("-2h").is_err());
    }

    #[test]
    fn a_window_needs_a_start() {
        assert!(window(&args(None, None, None), ts(NOW)).is_err());
        let w = window(&args(Some("24h"), None, None), ts(NOW)).unwrap();
        assert_eq!(w.from, ts("2026-06-02T21:00:00Z"));
        assert_eq!(w.to, ts(NOW));
    }

    #[test]
    fn since_counts_back_from_now() {
        let w = window(&args(Some("90m"), None, None), ts(NOW)).unwrap();
        assert_eq!(w.from, ts("2026-06-03T19:30:00Z"));
    }

    #[test]
    fn to_date_includes_that_day() {
        let w = window(&args(None, Some("2026-06-01"), Some("2026-06-02")), ts(NOW)).unwrap();
        assert_eq!(w.from, ts("2026-06-01T00:00:00Z"));
        assert_eq!(w.to, ts("2026-06-03T00:00:00Z"));
    }

    #[test]
    fn to_is_clamped_to_now() {
        let w = window(&args(None, Some("2026-06-01"), Some("2026-12-31")), ts(NOW)).unwrap();
        assert_eq!(w.to, ts(NOW));
        let w = window(&args(None, Some("2026-06-01"), Some("2026-06-03")), ts(NOW)).unwrap();
        assert_eq!(w.to, ts(NOW));
    }

    #[test]
    fn rfc3339_edges_are_exact() {
        let w = window(
            &args(
                None,
                Some("2026-06-03T10:15:00Z"),
                Some("2026-06-03T14:00:00+02:00"),
            ),
            ts(NOW),
        )
        .unwrap();
        assert_eq!(w.from, ts("2026-06-03T10:15:00Z"));
        assert_eq!(w.to, ts("2026-06-03T12:00:00Z"));
    }

    #[test]
    fn from_alone_runs_to_now() {
        let w = window(&args(None, Some("2025-01-01"), None), ts(NOW)).unwrap();
        assert_eq!(
            w,
            Window {
                from: ts("2025-01-01T00:00:00Z"),
                to: ts(NOW)
            }
        );
    }

    #[test]
    fn since_counts_back_from_to() {
        let w = window(&args(Some("24h"), None, Some("2026-05-01")), ts(NOW)).unwrap();
        assert_eq!(w.to, ts("2026-05-02T00:00:00Z"));
        assert_eq!(w.from, ts("2026-05-01T00:00:00Z"));
    }

    #[test]
    fn contradictions_are_refused() {
        let now = ts(NOW);
        assert!(window(&args(Some("7d"), Some("2026-01-01"), None), now).is_err());
        let err = window(&args(None, Some("2026-06-05"), None), now).unwrap_err();
        assert!(err.contains("future"), "{err}");
        let err = window(&args(None, Some("2026-06-02"), Some("2026-06-01")), now).unwrap_err();
        assert!(err.contains("not before"), "{err}");
        let err = window(&args(None, Some("June 1st"), None), now).unwrap_err();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn quarters() {
        let q = quarter("2026Q3").unwrap();
        assert_eq!(q.from, ts("2026-07-01T00:00:00Z"));
        assert_eq!(q.to, ts("2026-10-01T00:00:00Z"));
        assert_eq!(quarter("2025q4").unwrap().to, ts("2026-01-01T00:00:00Z"));
        assert_eq!(quarter_name(&quarter("2026-Q1").unwrap()), "2026Q1");
        for bad in ["2026Q5", "2026", "Q3", "26Q0", "26Q1", "2026Qx", "02026Q1"] {
            assert!(quarter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_before_teleport_are_clamped_or_refused() {
        let (w, notice) = resolve(&args(None, Some("0001-01-01"), None), ts(NOW)).unwrap();
        assert_eq!(w.from, ts("2015-01-01T00:00:00Z"));
        assert!(notice.unwrap().contains("before Teleport existed"));
        let (w, notice) = resolve(&args(Some("10000w"), None, None), ts(NOW)).unwrap();
        assert_eq!(w.from, ts("2015-01-01T00:00:00Z"));
        assert!(notice.is_some());
        let err = window(&args(None, Some("2001-01-01"), Some("2001-12-31")), ts(NOW)).unwrap_err();
        assert!(
            err.contains("before 2015") && err.ends_with("(--to 2001-12-31)"),
            "{err}"
        );
        let (_, notice) = resolve(&args(None, Some("2015-01-01"), None), ts(NOW)).unwrap();
        assert_eq!(notice, None);
    }

    /// The dates as the user typed them, not the exclusive end a --to date becomes.
    #[test]
    fn an_empty_window_is_said_in_the_users_words() {
        let err = window(&args(None, Some("2026-06-01"), Some("2026-05-01")), ts(NOW)).unwrap_err();
        assert_eq!(
            err,
            "the window is empty: --from 2026-06-01 is not before --to 2026-05-01"
        );
    }

    #[test]
    fn the_last_full_quarter_has_ended() {
        let w = last_full_quarter(ts("2026-11-23T20:00:00Z"));
        assert_eq!(w, quarter("2026Q3").unwrap());
        let w = last_full_quarter(ts("2026-01-01T00:00:00Z"));
        assert_eq!(w, quarter("2025Q4").unwrap());
        let w = last_full_quarter(ts("2026-03-31T23:59:59Z"));
        assert_eq!(w, quarter("2025Q4").unwrap());
    }

    #[test]
    fn window_is_half_open() {
        let w = Window {
            from: ts("2026-06-01T00:00:00Z"),
            to: ts("2026-06-02T00:00:00Z"),
        };
        assert!(w.contains(ts("2026-06-01T00:00:00Z")));
        assert!(w.contains(ts("2026-06-01T23:59:59.999999999Z")));
        assert!(!w.contains(ts("2026-06-02T00:00:00Z")));
    }
}
