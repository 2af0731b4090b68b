//! The file's lines: how one is read (a direct scan of the writer's own form, serde_json for
//! anything else), what a reader keeps of it, and how a session's line is written.

use std::hash::{BuildHasher, Hasher};

#[cfg(test)]
use super::MAX_FILE_BYTES;
use super::{Entry, HEADER, MAX_ACCESS_REQUESTS, MAX_FIELD_BYTES};
use crate::session::{Session, SessionId, Time, is_canonical_id, uuid_bits};

/// The lines of `bytes`. One UTF-8 check for the whole run lets lines be split with memchr
/// and strings be parsed without revalidation; a run with invalid bytes takes the slow path,
/// where a line that is not UTF-8 reads as empty.
pub(super) fn lines(bytes: &[u8]) -> Box<dyn Iterator<Item = &str> + '_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Box::new(text.split('\n')),
        Err(_) => Box::new(
            bytes
                .split(|&b| b == b'\n')
                .map(|line| std::str::from_utf8(line).unwrap_or("")),
        ),
    }
}

/// The lines after a cache file's header line, or None when the file does not start with
/// one (an old or foreign format: read as empty, then rebuilt).
pub(super) fn after_header(bytes: &[u8]) -> Option<&[u8]> {
    let (first, rest) = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[][..]),
    };
    (first.trim_ascii() == HEADER).then_some(rest)
}

/// One cache line. Lines exactly as `serialize` writes them (fixed key order, no escapes, no
/// whitespace) are read by a direct scan, which takes a full 10k-entry load from about 6 ms to
/// 4 ms; anything else goes to serde_json, which has the last word: the fast path only accepts
/// lines that serde_json reads identically (a test checks this on mutated lines).
pub(super) fn parse_line(line: &str) -> Option<Entry> {
    parse_line_fast(line).or_else(|| serde_json::from_str(line).ok())
}

fn parse_line_fast(line: &str) -> Option<Entry> {
    scan_line(line).map(|view| view.entry())
}

/// A line in the writer's own form (its key order, no escapes, no whitespace), its strings
/// borrowed from it.
pub(super) struct View<'a> {
    pub(super) id: &'a str,
    kind: &'a str,
    user: &'a str,
    target: &'a str,
    pub(super) start_ms: Option<i64>,
    pub(super) end_ms: Option<i64>,
    interactive: Option<bool>,
    recorded: Option<bool>,
    severity: Option<u8>,
    cluster: Option<&'a str>,
}

pub(super) fn scan_line(line: &str) -> Option<View<'_>> {
    let mut s = Scan(line);
    s.tag(r#"{"id":"#)?;
    let id = s.string()?;
    s.tag(r#","kind":"#)?;
    let kind = s.string()?;
    s.tag(r#","user":"#)?;
    let user = s.string()?;
    s.tag(r#","target":"#)?;
    let target = s.string()?;
    let start_ms = s.field(r#","start_ms":"#, Scan::int)?;
    let end_ms = s.field(r#","end_ms":"#, Scan::int)?;
    let interactive = s.field(r#","interactive":"#, Scan::bool)?;
    let recorded = s.field(r#","recorded":"#, Scan::bool)?;
    let severity = s.field(r#","severity":"#, |s| u8::try_from(s.int()?).ok())?;
    let cluster = s.field(r#","cluster":"#, Scan::string)?;
    s.tag("}")?;
    if !s.0.is_empty() {
        return None;
    }
    Some(View {
        id,
        kind,
        user,
        target,
        start_ms,
        end_ms,
        interactive,
        recorded,
        severity,
        cluster,
    })
}

impl View<'_> {
    pub(super) fn entry(&self) -> Entry {
        Entry {
            id: self.id.to_owned(),
            kind: self.kind.to_owned(),
            user: self.user.to_owned(),
            target: self.target.to_owned(),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            interactive: self.interactive,
            recorded: self.recorded,
            severity: self.severity,
            cluster: self.cluster.map(str::to_owned),
            access_requests: Vec::new(),
        }
    }

    /// Whether `sanitize` keeps the entry as it is, so that `serialize` writes this very line
    /// back: the scan takes only what serde_json writes the same way (strings without escapes
    /// or control characters, integers without leading zeros, the fields in their order).
    pub(super) fn as_written(&self) -> bool {
        is_canonical_id(self.id)
            && [self.kind, self.user, self.target]
                .into_iter()
                .chain(self.cluster)
                .all(|s| s.len() <= MAX_FIELD_BYTES)
            && self.severity.is_none_or(|s| (1..=4).contains(&s))
    }
}

/// The unread rest of a line, for `scan_line`.
struct Scan<'a>(&'a str);

impl<'a> Scan<'a> {
    fn tag(&mut self, tag: &str) -> Option<()> {
        self.0 = self.0.strip_prefix(tag)?;
        Some(())
    }

    /// An optional field: Some(None) when absent, None when present but not understood.
    fn field<T>(
        &mut self,
        tag: &str,
        value: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.0.strip_prefix(tag) {
            Some(rest) => {
                self.0 = rest;
                value(self).map(Some)
            }
            None => Some(None),
        }
    }

    /// A string without escapes or control characters (those are left to serde_json).
    fn string(&mut self) -> Option<&'a str> {
        let rest = self.0.strip_prefix('"')?;
        let end = rest
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < b' ')?;
        if rest.as_bytes()[end] != b'"' {
            return None;
        }
        self.0 = &rest[end + 1..];
        Some(&rest[..end])
    }

    /// An integer without leading zeros, short enough to surely fit i64.
    fn int(&mut self) -> Option<i64> {
        let negative = self.0.starts_with('-');
        let digits = &self.0[usize::from(negative)..];
        let len = digits.bytes().take_while(u8::is_ascii_digit).count();
        // serde_json reads `-0` as a float, so it is not an integer either.
        if len == 0 || len > 18 || (digits.starts_with('0') && (len > 1 || negative)) {
            return None;
        }
        let magnitude: i64 = digits[..len].parse().ok()?;
        self.0 = &digits[len..];
        Some(if negative { -magnitude } else { magnitude })
    }

    fn bool(&mut self) -> Option<bool> {
        if let Some(rest) = self.0.strip_prefix("true") {
            self.0 = rest;
            Some(true)
        } else {
            self.0 = self.0.strip_prefix("false")?;
            Some(false)
        }
    }
}

/// Deduping runs on every completion, so SipHash over strings is too slow; ids are hashed as
/// numbers with a seeded multiply-fold (seeded so crafted ids cannot force collisions).
#[derive(Clone)]
pub(super) struct IdHash(u64);

impl IdHash {
    pub(super) fn new() -> IdHash {
        IdHash(std::hash::RandomState::new().hash_one(0u8) | 1)
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            seed: self.0,
            state: 0,
        }
    }
}

pub(super) struct IdHasher {
    seed: u64,
    state: u64,
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.state
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u128(u128::from(self.state) << 8 | u128::from(b));
        }
    }

    fn write_u128(&mut self, v: u128) {
        let fold = |a: u64, b: u64| {
            let m = u128::from(a) * u128::from(b);
            (m as u64) ^ ((m >> 64) as u64)
        };
        let (lo, hi) = (v as u64, (v >> 64) as u64);
        self.state = fold(
            lo ^ self.seed,
            hi ^ 0x9e37_79b9_7f4a_7c15 ^ self.seed.rotate_left(32),
        );
    }
}

/// The entry as it may be stored, or None if it must not be: ids reach command lines, so only
/// canonical UUIDs; oversized strings are junk.
pub(super) fn sanitize(mut entry: Entry) -> Option<(u128, Entry)> {
    let key = uuid_bits(&entry.id)?;
    entry.id.make_ascii_lowercase();
    let too_long = |s: &str| s.len() > MAX_FIELD_BYTES;
    if [&entry.kind, &entry.user, &entry.target]
        .into_iter()
        .any(|s| too_long(s))
        || entry.cluster.as_deref().is_some_and(too_long)
    {
        return None;
    }
    if entry.severity.is_some_and(|s| !(1..=4).contains(&s)) {
        entry.severity = None;
    }
    // Only ids that may be typed back into a command; a handful is all a session has.
    entry.access_requests.retain(|r| is_canonical_id(r));
    entry.access_requests.truncate(MAX_ACCESS_REQUESTS);
    Some((key, entry))
}

/// The file contents for `entries` (already sorted and bounded), dropping the oldest entries
/// if they would push the file past the size a reader accepts: the first version of the
/// writer, the tests' oracle.
#[cfg(test)]
pub(super) fn serialize(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER.len() + 1 + entries.len() * 200);
    out.extend_from_slice(HEADER);
    out.push(b'\n');
    for entry in entries {
        let start = out.len();
        if serde_json::to_writer(&mut out, entry).is_err() {
            out.truncate(start);
            continue;
        }
        out.push(b'\n');
        if out.len() > MAX_FILE_BYTES {
            out.truncate(start);
            break;
        }
    }
    out
}

/// A session's (start, end) in Unix milliseconds: the new file's order, newest first.
pub(super) type When = (Option<i64>, Option<i64>);

fn millis(t: Time) -> Option<i64> {
    t.get().map(jiff::Timestamp::as_millisecond)
}

/// What the writer needs of one session of a batch. Implemented for a listing's records, whose
/// lines are written straight from them, and for [`Entry`]; either way the line is the one
/// `serialize` writes for the entry `sanitize` keeps.
pub(super) trait Record {
    /// The id's 128 bits when `sanitize` keeps the session, else None.
    fn key(&self) -> Option<u128>;
    fn when(&self) -> When;
    /// Appends the session's line (without its newline); false if there is none.
    fn write_line(&self, out: &mut Vec<u8>) -> bool;
}

/// An entry's line with its strings borrowed: [`Entry`]'s fields, names, order and omissions,
/// so serde_json writes the same bytes.
#[derive(serde::Serialize)]
#[serde(bound(serialize = "A: AsRef<str>"))]
struct Line<'a, A> {
    id: &'a str,
    kind: &'a str,
    user: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interactive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a str>,
    #[serde(skip_serializing_if = "Requests::is_empty")]
    access_requests: Requests<'a, A>,
}

impl<A: AsRef<str>> Line<'_, A> {
    fn write(&self, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        let written = serde_json::to_writer(&mut *out, self).is_ok();
        if !written {
            out.truncate(start);
        }
        written
    }
}

/// A session's access requests as `sanitize` keeps them: the canonical ids, at most
/// [`MAX_ACCESS_REQUESTS`].
struct Requests<'a, A>(&'a [A]);

impl<A: AsRef<str>> Requests<'_, A> {
    fn kept(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .map(AsRef::as_ref)
            .filter(|r| is_canonical_id(r))
            .take(MAX_ACCESS_REQUESTS)
    }

    fn is_empty(&self) -> bool {
        self.kept().next().is_none()
    }
}

impl<A: AsRef<str>> serde::Serialize for Requests<'_, A> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.kept())
    }
}

fn fits(s: &str) -> bool {
    s.len() <= MAX_FIELD_BYTES
}

/// A severity as `sanitize` keeps it: 1..=4, anything else unscored.
fn scored(severity: Option<u8>) -> Option<u8> {
    severity.filter(|s| (1..=4).contains(s))
}

impl Record for &Session {
    fn key(&self) -> Option<u128> {
        let key = match self.id() {
            SessionId::Uuid(bits) => bits,
            SessionId::Other(text) => uuid_bits(text)?,
        };
        let fits = fits(self.kind.as_str())
            && fits(self.user())
            && fits(self.target())
            && self.cluster().is_none_or(fits);
        fits.then_some(key)
    }

    fn when(&self) -> When {
        (millis(self.start), millis(self.end))
    }

    fn write_line(&self, out: &mut Vec<u8>) -> bool {
        // The id in lowercase, as `sanitize` leaves it: a UUID's canonical text.
        let Some(key) = self.key() else {
            return false;
        };
        Line {
            id: &SessionId::Uuid(key).text(),
            kind: self.kind.as_str(),
            user: self.user(),
            target: self.target(),
            start_ms: millis(self.start),
            end_ms: millis(self.end),
            interactive: self.interactive,
            recorded: self.recorded,
            severity: scored(self.severity.map(|v| v.level())),
            cluster: self.cluster(),
            access_requests: Requests(&self.extra().access_requests),
        }
        .write(out)
    }
}

impl Record for Entry {
    fn key(&self) -> Option<u128> {
        let key = uuid_bits(&self.id)?;
        let fits = fits(&self.kind)
            && fits(&self.user)
            && fits(&self.target)
            && self.cluster.as_deref().is_none_or(fits);
        fits.then_some(key)
    }

    fn when(&self) -> When {
        (self.start_ms, self.end_ms)
    }

    fn write_line(&self, out: &mut Vec<u8>) -> bool {
        let Some(key) = self.key() else {
            return false;
        };
        Line {
            id: &SessionId::Uuid(key).text(),
            kind: &self.kind,
            user: &self.user,
            target: &self.target,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            interactive: self.interactive,
            recorded: self.recorded,
            severity: scored(self.severity),
            cluster: self.cluster.as_deref(),
            access_requests: Requests(&self.access_requests),
        }
        .write(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::Collector;
    use super::super::testing::{entry, id};
    use super::super::{MAX_ENTRIES, MAX_FILE_BYTES};
    use super::*;

    #[test]
    fn oversized_content_is_trimmed_to_fit() {
        let mut e = entry(0, 0);
        // Control characters expand sixfold when escaped as JSON.
        e.user = "\u{1}".repeat(MAX_FIELD_BYTES);
        e.target = e.user.clone();
        let many: Vec<Entry> = (0..MAX_ENTRIES as u64)
            .map(|n| Entry {
                id: id(n),
                ..e.clone()
            })
            .collect();
        let bytes = serialize(&many);
        assert!(bytes.len() <= MAX_FILE_BYTES);
        let mut read = Collector::with_capacity(0);
        read.parse(&bytes, None);
        assert!(read.entries.len() > 1000);
    }

    #[test]
    fn fast_line_parser_agrees_with_serde_json() {
        let mut samples = vec![entry(1, 1), entry(2, -1_700_000_000_000)];
        samples.push(Entry {
            start_ms: None,
            end_ms: None,
            interactive: None,
            recorded: None,
            severity: None,
            cluster: None,
            ..entry(3, 0)
        });
        samples.push(Entry {
            kind: String::new(),
            user: "ünï \"q\" back\\slash \u{7f} \u{1b}[1m \u{202e} \u{9b}".into(),
            target: "tab\there\r\nnew".into(),
            start_ms: Some(i64::MIN),
            end_ms: Some(i64::MAX),
            interactive: Some(false),
            recorded: Some(false),
            severity: Some(255),
            cluster: Some(String::new()),
            ..entry(4, 0)
        });
        samples.push(Entry {
            start_ms: Some(0),
            end_ms: Some(999_999_999_999_999_999),
            severity: Some(0),
            ..entry(5, 0)
        });
        let mut fast_hits = 0;
        for sample in &samples {
            let line = serde_json::to_string(sample).unwrap();
            assert_eq!(parse_line(&line).as_ref(), Some(sample));
            fast_hits += usize::from(parse_line_fast(&line).is_some());
            let mut variants = Vec::new();
            for (i, _) in line.char_indices().chain([(line.len(), ' ')]) {
                variants.push(line[..i].to_string());
                variants.push(format!(
                    "{}{}",
                    &line[..i],
                    line[i..].chars().skip(1).collect::<String>()
                ));
                for insert in [" ", "0", "-", "\\", "\"", ",", "}", "9", "x", "\u{1}", "é"] {
                    variants.push(format!("{}{insert}{}", &line[..i], &line[i..]));
                }
            }
            for variant in &variants {
                let slow = serde_json::from_str::<Entry>(variant).ok();
                assert_eq!(parse_line(variant), slow, "{variant}");
            }
        }
        assert_eq!(fast_hits, 4, "plain lines should take the fast path");
    }
}
