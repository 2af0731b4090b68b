//! A record's times: nanoseconds since the Unix epoch in one `i64`, with a sentinel for "not
//! known". Eight bytes where an `Option<Timestamp>` takes sixteen, and compared as integers.

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

/// RFC 3339, as tctl prints times.
impl std::str::FromStr for Time {
    type Err = jiff::Error;

    fn from_str(s: &str) -> Result<Time, jiff::Error> {
        s.parse::<Timestamp>().map(Time::from)
    }
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
