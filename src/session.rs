//! The one normalized session record every listing shares, whichever tctl command or JSON shape
//! it came from. Strings stay raw here (attacker-influenced); renderers escape them.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use jiff::Timestamp;
use serde::ser::{Serialize, SerializeMap, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Ssh,
    K8s,
    Db,
    Desktop,
    App,
    /// A kind this version does not know, by its name: a cache that a newer version wrote can
    /// name one. Always a plain word (renderers print kinds unescaped), interned so that `Kind`
    /// stays `Copy`.
    Other(&'static str),
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Ssh, Kind::K8s, Kind::Db, Kind::Desktop, Kind::App];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ssh => "ssh",
            Kind::K8s => "k8s",
            Kind::Db => "db",
            Kind::Desktop => "desktop",
            Kind::App => "app",
            Kind::Other(name) => name,
        }
    }

    /// One of the known kinds: what a user may ask for.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind a stored record names, known or not, so that reading it back never turns an
    /// unknown kind into a known one (it used to become ssh, and then ssh's player and links).
    pub fn from_name(name: &str) -> Kind {
        Kind::parse(name).unwrap_or_else(|| Kind::Other(other_kind(name)))
    }

    /// Whether `tsh play` replays this kind in a terminal (SPEC 4.5): desktop recordings play
    /// only in the web UI, app sessions have no replay, and nothing is promised for a kind
    /// this version does not know.
    pub fn plays_in_tsh(self) -> bool {
        matches!(self, Kind::Ssh | Kind::K8s | Kind::Db)
    }
}

/// The interned name of an unknown kind. Names that are not a short plain word (junk, or an
/// attempt to smuggle escapes into a column printed as is) read as `unknown`; so do new names
/// past a small cap, which bounds what is kept for the whole run.
fn other_kind(name: &str) -> &'static str {
    const UNREADABLE: &str = "unknown";
    const MAX_NAMES: usize = 64;
    let plain = (1..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !plain {
        return UNREADABLE;
    }
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    if names.len() >= MAX_NAMES {
        return UNREADABLE;
    }
    let kept: &'static str = Box::leak(name.into());
    names.insert(kept);
    kept
}

/// AI-assigned risk of a summarized session (Enterprise search only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// A level by the name a user types (`--min-severity high`).
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn from_level(level: i64) -> Option<Severity> {
        match level {
            1 => Some(Severity::Low),
            2 => Some(Severity::Medium),
            3 => Some(Severity::High),
            4 => Some(Severity::Critical),
            _ => None,
        }
    }

    pub fn level(self) -> u8 {
        self as u8
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Which tctl command produced the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Ls,
    Search,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Ls => "ls",
            Origin::Search => "search",
        }
    }
}

/// Something a reviewer should notice about a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    /// A free-text field reads like instructions to an operator or an AI agent.
    SuspiciousText,
    /// Teleport says there is no recording (`recorded: false`).
    NotRecorded,
    /// Exec sessions are often not recorded, so playback may fail.
    NonInteractive,
    /// Severity medium or higher: a compliance reviewer must follow it up.
    FollowUp,
    /// A human must look: the server asks for it (review reasons), or, in a compliance review,
    /// nothing scored the session.
    NeedsReview,
    /// The recording hid something a reader of its summary would miss: text typed then
    /// erased, concealed text, or a title or clipboard write (`hunt --verify`).
    Evasion(crate::content::Flag),
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::SuspiciousText => "suspicious-text",
            Flag::NotRecorded => "not-recorded",
            Flag::NonInteractive => "non-interactive",
            Flag::FollowUp => "follow-up",
            Flag::NeedsReview => "needs-review",
            Flag::Evasion(f) => f.as_str(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: String,
    pub kind: Kind,
    pub user: String,
    pub login: Option<String>,
    /// Host, Kubernetes cluster, database, desktop or app: what the session was on.
    pub target: String,
    /// Kind-specific facts about the target (address, pod, database user...), in display order.
    pub details: Vec<(&'static str, String)>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    pub interactive: Option<bool>,
    pub recorded: Option<bool>,
    pub severity: Option<Severity>,
    /// Why session search asks a human to look (`needs_further_review_reasons`): Teleport's
    /// reason numbers in the order sent. Their names are not confirmed, so the numbers are
    /// kept as they are; any reason means "needs review". None when not from search.
    pub review_reasons: Option<Box<[i64]>>,
    pub roles: Vec<String>,
    pub participants: Vec<String>,
    pub labels: Labels,
    pub cluster: Option<String>,
    pub access_requests: Vec<String>,
    pub origin: Origin,
    pub flags: Vec<Flag>,
    /// One line of the session's AI summary, when `--explain` read it.
    pub explained: Option<Box<Explained>>,
    /// What `hunt --verify` read in the recording.
    pub evidence: Option<Box<Evidence>>,
    /// The web UI player, when the proxy and cluster are known.
    pub web_url: Option<String>,
}

impl Session {
    pub fn new(id: String, kind: Kind, origin: Origin) -> Session {
        Session {
            id,
            kind,
            user: String::new(),
            login: None,
            target: String::new(),
            details: Vec::new(),
            start: None,
            end: None,
            interactive: None,
            recorded: None,
            severity: None,
            review_reasons: None,
            roles: Vec::new(),
            participants: Vec::new(),
            labels: Labels::default(),
            cluster: None,
            access_requests: Vec::new(),
            origin,
            flags: Vec::new(),
            web_url: None,
            explained: None,
            evidence: None,
        }
    }

    pub fn duration_ms(&self) -> Option<i64> {
        let (start, end) = (self.start?, self.end?);
        let ms = end.as_millisecond() - start.as_millisecond();
        (ms >= 0).then_some(ms)
    }

    /// When the session started, for the start column and for sorting by start: its start, or
    /// for records without one, its end.
    pub fn start_or_end(&self) -> Option<Timestamp> {
        self.start.or(self.end)
    }

    /// When the session happened for sorting and windows: its end (when Teleport filed the
    /// recording), else its start.
    pub fn when(&self) -> Option<Timestamp> {
        self.end.or(self.start)
    }

    pub fn flag(&mut self, flag: Flag) {
        if let Err(at) = self.flags.binary_search(&flag) {
            self.flags.insert(at, flag);
        }
    }

    /// Whether session search asks a human to look at this session (any review reason).
    pub fn asks_for_review(&self) -> bool {
        self.review_reasons.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// Every free-text value of the record, for checks such as the suspicious-text detector.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [self.user.as_str(), self.target.as_str()]
            .into_iter()
            .chain(self.login.as_deref())
            .chain(self.cluster.as_deref())
            .chain(self.details.iter().map(|(_, v)| v.as_str()))
            .chain(self.labels.iter().flat_map(|(k, v)| [k, v]))
            .chain(self.roles.iter().map(String::as_str))
            .chain(self.participants.iter().map(String::as_str))
            .chain(self.access_requests.iter().map(String::as_str))
    }
}

/// What `--explain` read of a session's AI summary: its risk and one line (the short
/// description, else the first suspicious activity), or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub risk: Option<Severity>,
    pub line: String,
    /// Whether a summary was read (else `line` says why not).
    pub found: bool,
}

/// What `hunt --verify` read in a session's recording: how many lines matched the hunt's
/// patterns and the first of them, or why the recording could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub matched_lines: u64,
    /// The first matching line as the terminal showed it, raw (escape it when shown), with the
    /// hidden text put back when the match was in it; and where the match was.
    pub first: Option<(String, crate::content::Within)>,
    /// Why there is nothing to read (e.g. "no recording"), when there is not.
    pub unavailable: Option<&'static str>,
}

/// A resource's labels, sorted by key, one value per key. A sorted vector rather than a
/// `BTreeMap`, whose smallest node takes over 500 bytes: a year's review holds every record at
/// once, and most carry two or three labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    pub fn get(&self, key: &str) -> Option<&str> {
        let at = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, replacing its value when it has one.
    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl FromIterator<(String, String)> for Labels {
    /// Sorted by key; of two values for one key the later wins, as in a map.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Labels {
        let mut v: Vec<(String, String)> = pairs.into_iter().collect();
        v.reverse();
        // Stable: among equal keys the later pair (now first) is kept by dedup.
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|later, earlier| later.0 == earlier.0);
        v.shrink_to_fit();
        Labels(v)
    }
}

/// As a JSON object, like the map it stands for.
impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The 128 bits of a UUID in 8-4-4-4-12 form, in either case (callers that need the canonical
/// lowercase form check [`is_canonical_id`] too). Ids compare and hash as numbers this way.
pub fn uuid_bits(id: &str) -> Option<u128> {
    let b: &[u8; 36] = id.as_bytes().try_into().ok()?;
    if [b[8], b[13], b[18], b[23]] != [b'-'; 4] {
        return None;
    }
    let mut key = 0u128;
    for group in [&b[..8], &b[9..13], &b[14..18], &b[19..23], &b[24..]] {
        for &c in group {
            key = key << 4 | u128::from(char::from(c).to_digit(16)?);
        }
    }
    Some(key)
}

/// A session id is canonical when it is a lowercase 8-4-4-4-12 hex UUID: only such ids may
/// ever be placed on a command line.
pub fn is_canonical_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ids() {
        assert!(is_canonical_id("0b3f1c2e-9d4a-4c1e-8f00-123456789abc"));
        assert!(!is_canonical_id("0B3F1C2E-9D4A-4C1E-8F00-123456789ABC"));
        assert!(!is_canonical_id("0b3f1c2e-9d4a-4c1e-8f00-123456789ab"));
        assert!(!is_canonical_id("0b3f1c2e 9d4a-4c1e-8f00-123456789abc"));
        assert!(!is_canonical_id("--help"));
        assert!(!is_canonical_id("0b3f1c2e-9d4a-4c1e-8f00-123456789abc\n"));
    }

    #[test]
    fn unknown_kinds_keep_their_name_and_are_not_played() {
        let mcp = Kind::from_name("mcp");
        assert_eq!(mcp, Kind::Other("mcp"));
        assert_eq!(mcp.as_str(), "mcp");
        assert!(
            std::ptr::eq(mcp.as_str(), Kind::from_name("mcp").as_str()),
            "interned once"
        );
        assert!(!mcp.plays_in_tsh());
        assert_eq!(
            Kind::parse("mcp"),
            None,
            "users still pick known kinds only"
        );
        for known in Kind::ALL {
            assert_eq!(Kind::from_name(known.as_str()), known);
        }
        let playable: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.plays_in_tsh()).collect();
        assert_eq!(playable, [Kind::Ssh, Kind::K8s, Kind::Db]);
        for junk in [
            "",
            "Web",
            "-x",
            "a b",
            "x\x1b[2J",
            "k|d",
            "=1+1",
            "\u{202e}x",
            &"a".repeat(33),
        ] {
            assert_eq!(Kind::from_name(junk), Kind::Other("unknown"), "{junk:?}");
        }
    }

    #[test]
    fn severity_levels_round_trip() {
        for level in 1..=4 {
            assert_eq!(
                i64::from(Severity::from_level(level).unwrap().level()),
                level
            );
        }
        assert_eq!(Severity::from_level(0), None);
        assert_eq!(Severity::from_level(5), None);
        assert!(Severity::Critical > Severity::High);
    }

    #[test]
    fn flags_stay_sorted_and_unique() {
        let mut s = Session::new("x".into(), Kind::Ssh, Origin::Ls);
        s.flag(Flag::NonInteractive);
        s.flag(Flag::SuspiciousText);
        s.flag(Flag::NonInteractive);
        assert_eq!(s.flags, vec![Flag::SuspiciousText, Flag::NonInteractive]);
    }

    #[test]
    fn duration_needs_both_ends_in_order() {
        let mut s = Session::new("x".into(), Kind::Ssh, Origin::Ls);
        s.start = Some("2026-06-03T10:00:00Z".parse().unwrap());
        assert_eq!(s.duration_ms(), None);
        s.end = Some("2026-06-03T10:01:30.5Z".parse().unwrap());
        assert_eq!(s.duration_ms(), Some(90_500));
        s.end = Some("2026-06-03T09:00:00Z".parse().unwrap());
        assert_eq!(s.duration_ms(), None);
    }
}
