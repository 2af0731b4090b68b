//! The one normalized session record every listing shares, whichever tctl command or JSON shape
//! it came from. Strings stay raw here (attacker-influenced); renderers escape them.
//!
//! A year's review holds every record at once, so the record is compact (64 bytes, see the
//! `layout` test): the id as 128 bits, times as nanoseconds, who (user and login) and where
//! (target and cluster) each shared by every session with the same pair, a byte each for the
//! small facts, and one pointer to [`Extra`], the rest, which most sessions of a table listing
//! do not have at all. Records are made by [`build::Builder`] while a listing is parsed.

pub mod build;
mod id;
mod kind;
mod time;

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

pub use build::{Builder, Detail};
pub use id::{SessionId, is_canonical_id, uuid_bits};
pub use kind::Kind;
pub use time::Time;

/// A string that many records share (a user, a host, a role...): stored once per listing.
pub type Text = Arc<str>;

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
    /// tsh-review's own cache, when tctl could not answer: a row's fields only.
    Cache,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Ls => "ls",
            Origin::Search => "search",
            Origin::Cache => "cache",
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
    // The evasions a recording showed that a reader of its summary would miss (`hunt --verify`):
    /// Text typed, then erased before Enter.
    ErasedInput,
    /// Text on a line that did not show (SGR 8, invisible colours, overwritten in place).
    ConcealedText,
    /// A window title or clipboard write (OSC 0, 1, 2, 52).
    TitleOrClipboard,
}

impl Flag {
    const ALL: [Flag; 8] = [
        Flag::SuspiciousText,
        Flag::NotRecorded,
        Flag::NonInteractive,
        Flag::FollowUp,
        Flag::NeedsReview,
        Flag::ErasedInput,
        Flag::ConcealedText,
        Flag::TitleOrClipboard,
    ];

    /// The session flag for one of a recording's evasions, if it is one.
    pub fn evasion(f: crate::content::Flag) -> Option<Flag> {
        use crate::content::Flag as Content;
        match f {
            Content::ErasedInput => Some(Flag::ErasedInput),
            Content::ConcealedText => Some(Flag::ConcealedText),
            Content::TitleOrClipboard => Some(Flag::TitleOrClipboard),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::SuspiciousText => "suspicious-text",
            Flag::NotRecorded => "not-recorded",
            Flag::NonInteractive => "non-interactive",
            Flag::FollowUp => "follow-up",
            Flag::NeedsReview => "needs-review",
            Flag::ErasedInput => crate::content::Flag::ErasedInput.as_str(),
            Flag::ConcealedText => crate::content::Flag::ConcealedText.as_str(),
            Flag::TitleOrClipboard => crate::content::Flag::TitleOrClipboard.as_str(),
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A session's flags: a set, read in [`Flag`]'s order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u8);

impl Flags {
    pub fn contains(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn insert(&mut self, flag: Flag) {
        self.0 |= flag.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    pub fn to_vec(self) -> Vec<Flag> {
        self.iter().collect()
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(flags: I) -> Flags {
        let mut set = Flags::default();
        flags.into_iter().for_each(|f| set.insert(f));
        set
    }
}

/// Who ran a session, and as whom: one value for every session of the same pair. A listing
/// has a few hundred pairs of each kind for tens of thousands of sessions; the four names
/// together repeat much less (a 100k-event benchmark has 41,518 fours, 171 users with a
/// login and 2,583 targets with a cluster).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub user: Text,
    pub login: Option<Text>,
}

/// What a session was on (host, Kubernetes cluster, database, desktop or app), and in which
/// Teleport cluster: shared like [`Who`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub target: Text,
    pub cluster: Option<Text>,
}

/// The rest of a session, boxed apart from the record: what most sessions lack (an id that is
/// not a UUID, access requests, a player link) and the detail only some outputs show (see
/// [`Detail`]). Empty lists when not kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    /// The id as given when it is not a canonical UUID (the record's 128 bits are then unused).
    other_id: Option<Text>,
    /// Kind-specific facts about the target (address, pod, database user...), in display order.
    pub details: Vec<(&'static str, Text)>,
    pub roles: Vec<Text>,
    pub participants: Vec<Text>,
    pub labels: Labels,
    pub access_requests: Vec<Text>,
    /// Why session search asks a human to look (`needs_further_review_reasons`): Teleport's
    /// reason numbers in the order sent. Their names are not confirmed, so the numbers are
    /// kept as they are; any reason means "needs review". None when not from search.
    pub review_reasons: Option<Box<[i64]>>,
    /// The web UI player, when the proxy and cluster are known.
    pub web_url: Option<Box<str>>,
    /// One line of the session's AI summary, when `--explain` read it.
    pub explained: Option<Box<Explained>>,
    /// What `hunt --verify` read in the recording.
    pub evidence: Option<Box<Evidence>>,
}

/// What `--explain` read of a session's AI summary: its risk and one line (the short
/// description, else the first suspicious activity), or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub risk: Option<Severity>,
    pub line: String,
    /// Whether a summary was read (else `line` says why not).
    pub found: bool,
    /// Without a summary: why, in a table cell's few words.
    pub why: &'static str,
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

/// What a record without an [`Extra`] reads as.
static NO_EXTRA: Extra = Extra {
    other_id: None,
    details: Vec::new(),
    roles: Vec::new(),
    participants: Vec::new(),
    labels: Labels(Vec::new()),
    access_requests: Vec::new(),
    review_reasons: None,
    web_url: None,
    explained: None,
    evidence: None,
};

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// A canonical UUID's 128 bits (as two words: a `u128` would align the record to 16), or
    /// unused when the id is in `extra` (`uuid` false).
    id: [u64; 2],
    pub start: Time,
    pub end: Time,
    who: Arc<Who>,
    place: Arc<Place>,
    extra: Option<Box<Extra>>,
    pub kind: Kind,
    pub origin: Origin,
    pub severity: Option<Severity>,
    pub interactive: Option<bool>,
    pub recorded: Option<bool>,
    pub flags: Flags,
    uuid: bool,
}

impl Session {
    /// A record with only an id; the builder fills the rest (tests and the cache set fields).
    pub fn new(id: &str, kind: Kind, origin: Origin) -> Session {
        let who = Who {
            user: Text::from(""),
            login: None,
        };
        let place = Place {
            target: Text::from(""),
            cluster: None,
        };
        Session::with(id, Arc::new(who), Arc::new(place), kind, origin)
    }

    fn with(id: &str, who: Arc<Who>, place: Arc<Place>, kind: Kind, origin: Origin) -> Session {
        let mut s = Session {
            id: [0; 2],
            start: Time::NONE,
            end: Time::NONE,
            who,
            place,
            extra: None,
            kind,
            origin,
            severity: None,
            interactive: None,
            recorded: None,
            flags: Flags::default(),
            uuid: false,
        };
        s.set_id(id);
        s
    }

    fn set_id(&mut self, id: &str) {
        match id::canonical_bits(id) {
            Some(bits) => {
                self.id = [(bits >> 64) as u64, bits as u64];
                self.uuid = true;
                if let Some(extra) = &mut self.extra {
                    extra.other_id = None;
                }
            }
            None => {
                self.id = [0; 2];
                self.uuid = false;
                self.extra_mut().other_id = Some(id.into());
            }
        }
    }

    pub fn id(&self) -> SessionId<'_> {
        if self.uuid {
            SessionId::Uuid(u128::from(self.id[0]) << 64 | u128::from(self.id[1]))
        } else {
            SessionId::Other(self.extra().other_id.as_deref().unwrap_or(""))
        }
    }

    pub fn user(&self) -> &str {
        &self.who.user
    }

    pub fn login(&self) -> Option<&str> {
        self.who.login.as_deref()
    }

    pub fn target(&self) -> &str {
        &self.place.target
    }

    pub fn cluster(&self) -> Option<&str> {
        self.place.cluster.as_deref()
    }

    // Setters copy the shared value first when other records share it.

    pub fn set_user(&mut self, user: &str) {
        Arc::make_mut(&mut self.who).user = user.into();
    }

    pub fn set_login(&mut self, login: Option<&str>) {
        Arc::make_mut(&mut self.who).login = login.map(Text::from);
    }

    pub fn set_target(&mut self, target: &str) {
        Arc::make_mut(&mut self.place).target = target.into();
    }

    pub fn set_cluster(&mut self, cluster: Option<&str>) {
        Arc::make_mut(&mut self.place).cluster = cluster.map(Text::from);
    }

    pub fn extra(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    pub fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub fn details(&self) -> &[(&'static str, Text)] {
        &self.extra().details
    }

    pub fn labels(&self) -> &Labels {
        &self.extra().labels
    }

    pub fn web_url(&self) -> Option<&str> {
        self.extra().web_url.as_deref()
    }

    pub fn set_web_url(&mut self, url: String) {
        self.extra_mut().web_url = Some(url.into());
    }

    pub fn duration_ms(&self) -> Option<i64> {
        let (start, end) = (self.start.get()?, self.end.get()?);
        let ms = end.as_millisecond() - start.as_millisecond();
        (ms >= 0).then_some(ms)
    }

    /// When the session started, for the start column and for sorting by start: its start, or
    /// for records without one, its end.
    pub fn start_or_end(&self) -> Time {
        self.start.or(self.end)
    }

    /// When the session happened for sorting and windows: its end (when Teleport filed the
    /// recording), else its start.
    pub fn when(&self) -> Time {
        self.end.or(self.start)
    }

    pub fn flag(&mut self, flag: Flag) {
        self.flags.insert(flag);
    }

    /// Whether session search asks a human to look at this session (any review reason).
    pub fn asks_for_review(&self) -> bool {
        self.extra()
            .review_reasons
            .as_ref()
            .is_some_and(|r| !r.is_empty())
    }

    pub fn explained(&self) -> Option<&Explained> {
        self.extra().explained.as_deref()
    }

    pub fn evidence(&self) -> Option<&Evidence> {
        self.extra().evidence.as_deref()
    }
}

impl Extra {
    fn is_empty(&self) -> bool {
        *self == NO_EXTRA
    }
}

/// A resource's labels, sorted by key, one value per key. A sorted vector rather than a
/// `BTreeMap`, whose smallest node takes over 500 bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labels(Vec<(Text, Text)>);

impl Labels {
    pub fn get(&self, key: &str) -> Option<&str> {
        let at = self.0.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&self.0[at].1)
    }

    /// Sets `key`, replacing its value when it has one.
    pub fn insert(&mut self, key: Text, value: Text) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl FromIterator<(Text, Text)> for Labels {
    /// Sorted by key; of two values for one key the later wins, as in a map.
    fn from_iter<I: IntoIterator<Item = (Text, Text)>>(pairs: I) -> Labels {
        let mut v: Vec<(Text, Text)> = pairs.into_iter().collect();
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
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Time {
        Time::from(s.parse::<jiff::Timestamp>().unwrap())
    }

    /// The record stays small: a listing holds one per session, 85,000 for a busy day.
    #[test]
    fn layout() {
        assert_eq!(std::mem::size_of::<Session>(), 64);
        assert_eq!(std::mem::size_of::<Kind>(), 2);
        assert_eq!(std::mem::size_of::<Time>(), 8);
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
        let mut s = Session::new("x", Kind::Ssh, Origin::Ls);
        s.flag(Flag::NonInteractive);
        s.flag(Flag::SuspiciousText);
        s.flag(Flag::NonInteractive);
        assert_eq!(
            s.flags.to_vec(),
            vec![Flag::SuspiciousText, Flag::NonInteractive]
        );
    }

    #[test]
    fn duration_needs_both_ends_in_order() {
        let mut s = Session::new("x", Kind::Ssh, Origin::Ls);
        s.start = ts("2026-06-03T10:00:00Z");
        assert_eq!(s.duration_ms(), None);
        s.end = ts("2026-06-03T10:01:30.5Z");
        assert_eq!(s.duration_ms(), Some(90_500));
        s.end = ts("2026-06-03T09:00:00Z");
        assert_eq!(s.duration_ms(), None);
    }

    #[test]
    fn ids_that_are_not_canonical_uuids_keep_their_text() {
        let uuid = "0b3f1c2e-9d4a-4c1e-8f00-123456789abc";
        let s = Session::new(uuid, Kind::Ssh, Origin::Ls);
        assert_eq!(
            s.id(),
            SessionId::Uuid(0x0b3f1c2e_9d4a_4c1e_8f00_123456789abc)
        );
        assert_eq!(s.id().to_string(), uuid);
        assert!(s.extra.is_none(), "a UUID needs no extra");
        for odd in ["0B3F1C2E-9D4A-4C1E-8F00-123456789ABC", "x", "", "--help"] {
            let s = Session::new(odd, Kind::Ssh, Origin::Ls);
            assert_eq!(s.id(), SessionId::Other(odd));
            assert_eq!(s.id().to_string(), odd);
            assert!(!s.id().is_canonical());
        }
    }

    #[test]
    fn names_are_shared_until_changed() {
        let a = Session::new("a", Kind::Ssh, Origin::Ls);
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.who, &b.who));
        b.set_user("bob");
        b.set_cluster(Some("c1"));
        assert_eq!((a.user(), b.user()), ("", "bob"));
        assert_eq!((a.cluster(), b.cluster()), (None, Some("c1")));
    }

    #[test]
    fn later_label_values_win() {
        let labels: Labels = [("env", "dev"), ("app", "x"), ("env", "prod")]
            .into_iter()
            .map(|(k, v)| (Text::from(k), Text::from(v)))
            .collect();
        assert_eq!(labels.len(), 2);
        assert_eq!(labels.get("env"), Some("prod"));
        assert_eq!(
            serde_json::to_string(&labels).unwrap(),
            r#"{"app":"x","env":"prod"}"#
        );
    }
}
