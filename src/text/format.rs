//! How times, durations and fields read to a person or a script.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// `YYYY-MM-DD HH:MM` in UTC, for tables.
pub fn short_time(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// `MM-DD HH:MM` in UTC, for a table too narrow for the year.
pub fn compact_time(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::UTC)
        .strftime("%m-%d %H:%M")
        .to_string()
}

/// RFC3339 with the precision Teleport gave, for machines.
pub fn rfc3339(t: Timestamp) -> String {
    t.to_string()
}

/// `42s`, `5m12s`, `3h05m`, `2d04h`: short and sortable by eye.
pub fn human_duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else if ms > 0 && ms < 1000 {
        "<1s".to_owned()
    } else {
        format!("{s}s")
    }
}

pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(250), "<1s");
        assert_eq!(human_duration(42_000), "42s");
        assert_eq!(human_duration(312_000), "5m12s");
        assert_eq!(human_duration(3_600_000 + 5 * 60_000), "1h05m");
        assert_eq!(human_duration(2 * 86_400_000 + 4 * 3_600_000), "2d04h");
        assert_eq!(human_duration(120_000), "2m00s");
    }

    #[test]
    fn times_are_utc() {
        let t: Timestamp = "2026-06-03T20:38:49.621446047+02:00".parse().unwrap();
        assert_eq!(short_time(t), "2026-06-03 18:38");
        assert_eq!(compact_time(t), "06-03 18:38");
    }

    #[test]
    fn short_ids_never_split_a_char() {
        assert_eq!(short_id("4c1c2f4e-5a8f-4b47-9f3e-111111111111"), "4c1c2f4e");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id("ééééé"), "éééé");
        assert_eq!(short_id("aéééé"), "aéééé");
    }
}
