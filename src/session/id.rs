//! Session ids: canonical UUIDs as 128 bits, anything else (tctl's test clusters print such
//! ids) as the text it came as. Only canonical ids may ever reach a command line.

use std::cmp::Ordering;
use std::fmt;

/// A record's id, as [`super::Session::id`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionId<'a> {
    /// A lowercase 8-4-4-4-12 hex UUID, as its 128 bits.
    Uuid(u128),
    /// Any other id (an upper-case UUID too: to tctl it is another id), as given.
    Other(&'a str),
}

impl SessionId<'_> {
    /// Whether the id may be placed on a command line.
    pub fn is_canonical(self) -> bool {
        matches!(self, SessionId::Uuid(_))
    }

    /// The id's text, without an allocation for a UUID.
    pub fn text(&self) -> IdText<'_> {
        match *self {
            SessionId::Uuid(bits) => IdText::Uuid(uuid_text(bits)),
            SessionId::Other(text) => IdText::Other(text),
        }
    }
}

impl fmt::Display for SessionId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq<str> for SessionId<'_> {
    fn eq(&self, other: &str) -> bool {
        match *self {
            SessionId::Uuid(bits) => canonical_bits(other) == Some(bits),
            SessionId::Other(text) => text == other,
        }
    }
}

impl PartialEq<&str> for SessionId<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// As the ids' texts compare: for two UUIDs their numbers do (lowercase hex digits sort as
/// their values, and the dashes sit at the same places), which is most comparisons.
impl Ord for SessionId<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (*self, *other) {
            (SessionId::Uuid(a), SessionId::Uuid(b)) => a.cmp(&b),
            _ => (*self.text()).cmp(&*other.text()),
        }
    }
}

impl PartialOrd for SessionId<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An id's text; a UUID's is written out on the stack.
pub enum IdText<'a> {
    Uuid([u8; 36]),
    Other(&'a str),
}

impl std::ops::Deref for IdText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // Hex digits and dashes: always UTF-8.
            IdText::Uuid(bytes) => std::str::from_utf8(bytes).unwrap_or_default(),
            IdText::Other(text) => text,
        }
    }
}

fn uuid_text(bits: u128) -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'-'; 36];
    let mut nibble = 32;
    for (at, byte) in out.iter_mut().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            continue;
        }
        nibble -= 1;
        *byte = HEX[(bits >> (nibble * 4)) as usize & 0xf];
    }
    out
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

/// The bits of a canonical id; None for any other text.
pub(super) fn canonical_bits(id: &str) -> Option<u128> {
    uuid_bits(id).filter(|_| is_canonical_id(id))
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
    fn uuids_are_told_apart_whatever_their_case() {
        let a = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
        assert_eq!(
            canonical_bits(a),
            Some(0x3f2a9c1e_5b7d_4e8a_9c0f_1a2b3c4d5e6f)
        );
        assert_eq!(
            canonical_bits(&a.to_uppercase()),
            None,
            "another id to tctl"
        );
        assert_eq!(uuid_bits(&a.to_uppercase()), canonical_bits(a));
        for n in [0, 1, u128::MAX, 0x3f2a9c1e_5b7d_4e8a_9c0f_1a2b3c4d5e6f] {
            let text = SessionId::Uuid(n).to_string();
            assert!(is_canonical_id(&text), "{text}");
            assert_eq!(canonical_bits(&text), Some(n));
            assert!(SessionId::Uuid(n) == text.as_str());
        }
    }

    #[test]
    fn ids_sort_as_their_texts() {
        let texts = [
            "00000000-0000-0000-0000-00000000000a",
            "00000000-0000-0000-0000-000000000009",
            "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
            "3F2A9C1E-5B7D-4E8A-9C0F-1A2B3C4D5E6F",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "a",
            "",
            "zzz",
            "3f2a9c1e",
        ];
        let id = |t: &'static str| match canonical_bits(t) {
            Some(bits) => SessionId::Uuid(bits),
            None => SessionId::Other(t),
        };
        for a in texts {
            for b in texts {
                assert_eq!(id(a).cmp(&id(b)), a.cmp(b), "{a} {b}");
            }
        }
    }
}
