//! A record's times: nanoseconds since the Unix epoch in one `i64`, with a sentinel for "not
//! known". Eight bytes where an `Option<Timestamp>` takes sixteen, and compared as integers.
//!
//! A listing reads three times per event and prints two per row, so the form tctl prints
//! (`2026-06-03T20:38:49.621446047Z`) is read and written here directly; anything else is
//! left to jiff, and tests hold both to jiff's answers.

use jiff::Timestamp;

/// A point in time, or none. Orders like `Option<Timestamp>`: none first.
///
/// An `i64` of nanoseconds covers 1677 to 2262; a time outside that (only hostile or broken
/// data has one) reads as not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

impl Time {
    pub const NONE: Time = Time(i64::MIN);

    pub fn get(self) -> Option<Timestamp> {
        if self.is_none() {
            return None;
        }
        Timestamp::from_nanosecond(i128::from(self.0)).ok()
    }

    pub fn is_none(self) -> bool {
        self == Time::NONE
    }

    pub fn is_some(self) -> bool {
        !self.is_none()
    }

    /// This time, or `other` when this one is not known.
    pub fn or(self, other: Time) -> Time {
        if self.is_none() { other } else { self }
    }

    /// The earlier of two times; a known time wins over none.
    pub fn earliest(self, other: Time) -> Time {
        match (self.is_none(), other.is_none()) {
            (false, false) => self.min(other),
            _ => self.or(other),
        }
    }

    /// The later of two times; a known time wins over none.
    pub fn latest(self, other: Time) -> Time {
        self.max(other)
    }
}

/// Not known, as for an absent field.
impl Default for Time {
    fn default() -> Time {
        Time::NONE
    }
}

impl From<Timestamp> for Time {
    fn from(t: Timestamp) -> Time {
        i64::try_from(t.as_nanosecond())
            .ok()
            .filter(|&ns| ns != i64::MIN)
            .map_or(Time::NONE, Time)
    }
}

impl Time {
    /// An RFC 3339 time, as tctl prints them; None when it is not one.
    pub fn parse(s: &str) -> Option<Time> {
        match utc(s.as_bytes()) {
            Some(Ok(ns)) => Some(Time(ns)),
            // A valid time beyond an i64 of nanoseconds.
            Some(Err(())) => Some(Time::NONE),
            None => s.parse::<Timestamp>().ok().map(Time::from),
        }
    }

    /// As jiff writes a timestamp: RFC 3339 in UTC, with as many fractional digits as the
    /// nanoseconds need. None when not known.
    pub fn rfc3339(self) -> Option<String> {
        if self.is_none() {
            return None;
        }
        let (days, in_day) = (self.0.div_euclid(NS_PER_DAY), self.0.rem_euclid(NS_PER_DAY));
        let (year, month, day) = civil_from_days(days);
        let (secs, nanos) = (in_day / 1_000_000_000, in_day % 1_000_000_000);
        // Written into a buffer digit by digit: a listing writes two a row, and `format!`
        // was most of their cost.
        let mut out = *b"0000-00-00T00:00:00.000000000";
        let fields = [
            (year, 0..4),
            (month, 5..7),
            (day, 8..10),
            (secs / 3600, 11..13),
        ];
        let more = [
            (secs / 60 % 60, 14..16),
            (secs % 60, 17..19),
            (nanos, 20..29),
        ];
        for (mut n, at) in fields.into_iter().chain(more) {
            for digit in out[at].iter_mut().rev() {
                *digit = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
        // As few fractional digits as the nanoseconds need, and no point for none.
        let fraction = out[20..29]
            .iter()
            .rposition(|&d| d != b'0')
            .map_or(0, |at| at + 1);
        let end = if fraction == 0 { 19 } else { 20 + fraction };
        let mut text = String::with_capacity(end + 1);
        // Digits and punctuation: always UTF-8.
        text.push_str(std::str::from_utf8(&out[..end]).unwrap_or_default());
        text.push('Z');
        Some(text)
    }
}

/// RFC 3339, as tctl prints times.
impl std::str::FromStr for Time {
    type Err = jiff::Error;

    fn from_str(s: &str) -> Result<Time, jiff::Error> {
        match Time::parse(s) {
            Some(t) => Ok(t),
            None => s.parse::<Timestamp>().map(Time::from),
        }
    }
}

const NS_PER_DAY: i64 = 86_400 * 1_000_000_000;

/// The nanoseconds of `YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z`, the form tctl prints (Go's RFC 3339
/// in UTC): Ok(Err) when valid but out of range, None for any other form (jiff reads those,
/// leap seconds and offsets included).
fn utc(b: &[u8]) -> Option<Result<i64, ()>> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        part.iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 20 || punctuation.iter().any(|&(at, c)| b[at] != c) || b.last() != Some(&b'Z') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(20..b.len() - 1)? * 10i64.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let ns = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    let ns = i64::try_from(ns).ok().filter(|&ns| ns != i64::MIN);
    Some(ns.ok_or(()))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl From<Option<Timestamp>> for Time {
    fn from(t: Option<Timestamp>) -> Time {
        t.map_or(Time::NONE, Time::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Time {
        Time::from(s.parse::<Timestamp>().unwrap())
    }

    #[test]
    fn times_keep_every_nanosecond_and_order_like_options() {
        let a = "2026-06-03T20:38:49.621446047Z"
            .parse::<Timestamp>()
            .unwrap();
        assert_eq!(Time::from(a).get(), Some(a));
        assert!(Time::NONE < t("1970-01-01T00:00:00Z"));
        assert!(t("1969-12-31T23:59:59.999999999Z") < t("1970-01-01T00:00:00Z"));
        assert_eq!(Time::NONE.get(), None);
        assert_eq!(Time::from(None), Time::NONE);
    }

    #[test]
    fn times_out_of_range_read_as_not_known() {
        for far in [
            "9999-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "2262-04-12T00:00:00Z",
        ] {
            assert_eq!(t(far), Time::NONE, "{far}");
        }
        assert!(t("2262-04-11T00:00:00Z").is_some());
        assert!(t("1677-09-22T00:00:00Z").is_some());
    }

    /// A small deterministic generator, so that the checks below cover many values.
    fn spread(n: u64) -> impl Iterator<Item = i64> {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        (0..n).map(move |_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as i64
        })
    }

    #[test]
    fn times_are_written_as_jiff_writes_them() {
        let edges = [
            i64::MIN + 1,
            i64::MAX,
            0,
            -1,
            1,
            1_780_519_129_600_000_000,
            951_782_400_000_000_000,
        ];
        for ns in spread(20_000).chain(edges) {
            let t = Time(ns);
            let want = t.get().unwrap().to_string();
            assert_eq!(t.rfc3339().as_deref(), Some(want.as_str()), "{ns}");
            assert_eq!(Time::parse(&want), Some(t), "{want}");
            // Every fraction length reads back.
            let cut = ns.saturating_sub(ns.rem_euclid(1000));
            if let Some(text) = Time(cut).rfc3339() {
                assert_eq!(Time::parse(&text), Some(Time(cut)));
            }
        }
        assert_eq!(Time::NONE.rfc3339(), None);
    }

    #[test]
    fn times_are_read_as_jiff_reads_them() {
        let samples = [
            "2026-06-03T20:38:49.621446047Z",
            "2026-06-03T18:10:22.5Z",
            "2026-06-03T18:10:22Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-06-31T00:00:00Z",
            "2026-06-03T24:00:00Z",
            "2026-06-03T23:60:00Z",
            "2026-06-03T23:59:60Z",
            "2026-06-03t23:59:59z",
            "2026-06-03T23:59:59.Z",
            "2026-06-03T23:59:59.1234567890Z",
            "2026-06-03T23:59:59+02:00",
            "2026-06-03 23:59:59Z",
            "+2026-06-03T23:59:59Z",
            "2026-06-03T23:59:59.-1Z",
            "2026-06-03T2a:59:59Z",
            "0000-01-01T00:00:00Z",
            "9999-12-30T00:00:00Z",
            "1677-09-21T00:12:43.145224192Z",
            "1677-09-21T00:12:43.145224193Z",
            "2262-04-11T23:47:16.854775807Z",
            "2262-04-11T23:47:16.854775808Z",
            "",
            "yesterday",
        ];
        for s in samples {
            let jiff = s.parse::<Timestamp>().ok().map(Time::from);
            assert_eq!(Time::parse(s), jiff, "{s}");
        }
    }

    #[test]
    fn earliest_and_latest_prefer_known_times() {
        let (a, b) = (t("2026-06-03T10:00:00Z"), t("2026-06-03T11:00:00Z"));
        assert_eq!(a.earliest(b), a);
        assert_eq!(b.earliest(a), a);
        assert_eq!(Time::NONE.earliest(b), b);
        assert_eq!(b.earliest(Time::NONE), b);
        assert_eq!(a.latest(b), b);
        assert_eq!(Time::NONE.latest(a), a);
        assert_eq!(Time::NONE.latest(Time::NONE), Time::NONE);
    }
}
