//! Session kinds: the five this version knows, and any other a newer version's cache names.

use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Ssh,
    K8s,
    Db,
    Desktop,
    App,
    /// A kind this version does not know, by its name: a cache that a newer version wrote can
    /// name one.
    Other(OtherKind),
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
            Kind::Other(other) => other.as_str(),
        }
    }

    /// One of the known kinds: what a user may ask for.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind a stored record names, known or not, so that reading it back never turns an
    /// unknown kind into a known one (it used to become ssh, and then ssh's player and links).
    pub fn from_name(name: &str) -> Kind {
        Kind::parse(name).unwrap_or_else(|| Kind::Other(OtherKind::named(name)))
    }

    /// The `--kind` flags that ask for `kinds`, each with a leading space, for a command that
    /// is suggested to be pasted: `" --kind ssh --kind k8s"`, or nothing.
    pub fn flags(kinds: &[Kind]) -> String {
        kinds
            .iter()
            .map(|k| format!(" --kind {}", k.as_str()))
            .collect()
    }

    /// Whether `tsh play` replays this kind in a terminal (SPEC 4.5): desktop recordings play
    /// only in the web UI, app sessions have no replay, and nothing is promised for a kind
    /// this version does not know.
    pub fn plays_in_tsh(self) -> bool {
        matches!(self, Kind::Ssh | Kind::K8s | Kind::Db)
    }
}

/// An unknown kind's name, interned for the whole run so that [`Kind`] stays two bytes and
/// `Copy`. Always a plain word (renderers print kinds unescaped): names that are not a short
/// plain word (junk, or an attempt to smuggle escapes into a column printed as is) read as
/// `unknown`; so do new names past a small cap, which bounds what is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OtherKind(u8);

const MAX_NAMES: usize = 64;
const UNREADABLE: &str = "unknown";

/// The names so far, by index: written once each (under `ADDING`), read without a lock.
static NAMES: [OnceLock<&'static str>; MAX_NAMES] = [const { OnceLock::new() }; MAX_NAMES];
/// How many names there are; held while one is added.
static ADDING: Mutex<usize> = Mutex::new(0);

impl OtherKind {
    fn named(name: &str) -> OtherKind {
        let plain = (1..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        OtherKind::intern(if plain { name } else { UNREADABLE })
    }

    /// 0 is `unknown`; names added so far are 1 and up.
    fn intern(name: &str) -> OtherKind {
        if name == UNREADABLE {
            return OtherKind(0);
        }
        let mut count = ADDING.lock().unwrap_or_else(PoisonError::into_inner);
        let known = NAMES[..*count].iter().position(|n| n.get() == Some(&name));
        let at = match known {
            Some(at) => at,
            None if *count == MAX_NAMES => return OtherKind(0),
            None => {
                let kept: &'static str = Box::leak(name.into());
                let _ = NAMES[*count].set(kept);
                *count += 1;
                *count - 1
            }
        };
        OtherKind(at as u8 + 1)
    }

    pub fn as_str(self) -> &'static str {
        match usize::from(self.0).checked_sub(1) {
            Some(at) => NAMES[at].get().copied().unwrap_or(UNREADABLE),
            None => UNREADABLE,
        }
    }
}

impl fmt::Display for OtherKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_keep_their_name_and_are_not_played() {
        let mcp = Kind::from_name("mcp");
        assert_eq!(mcp.as_str(), "mcp");
        assert_eq!(mcp, Kind::from_name("mcp"), "interned once");
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
            assert_eq!(Kind::from_name(junk).as_str(), "unknown", "{junk:?}");
        }
    }
}
