//! Evasion flags: what a recording did that a reader of its final screen would not see.
//!
//! A flag is a reason to look, not a verdict. Each is raised by a cheap, documented rule (see
//! the screen and row modules), and those rules favour showing hidden text over silence.

use std::fmt;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// One flag. The kebab-case name ([`Flag::as_str`]) is what every output format shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// Text typed, or printed, and then removed before the line ended: backspace-space,
    /// DEL, erase in line or character, delete character, or edited over after moving back.
    ErasedInput,
    /// Text on the line that did not show: SGR 8 (conceal), foreground colour equal to
    /// background colour, or words overwritten in place after a carriage return or a jump.
    ConcealedText,
    /// The session wrote the clipboard (OSC 52), or set a window title (OSC 0, 1, 2) that
    /// says more than where the shell is (see `osc::ordinary_title`).
    TitleOrClipboard,
    /// The session printed a hyperlink (OSC 8), whose target the text need not show.
    Hyperlink,
    /// A full-screen program drew on the alternate screen (CSI ?1049h, ?1047h, ?47h).
    AlternateScreen,
    /// Bracketed-paste markers (CSI 200~ / 201~) reached the output: something was pasted
    /// into a program that echoed it raw.
    Paste,
    /// A line was longer than the column cap and went on as the next line, or more hidden
    /// text was removed from one line than is kept.
    CutLines,
    /// Bytes no terminal shows: invalid UTF-8, NUL and other unused C0 or C1 controls.
    BinaryNoise,
    /// A shown line reads like instructions to an operator or an AI agent (SPEC 5.2).
    SuspiciousText,
}

impl Flag {
    /// Every flag, in the order outputs list them.
    pub const ALL: [Flag; 9] = [
        Flag::ErasedInput,
        Flag::ConcealedText,
        Flag::TitleOrClipboard,
        Flag::Hyperlink,
        Flag::AlternateScreen,
        Flag::Paste,
        Flag::CutLines,
        Flag::BinaryNoise,
        Flag::SuspiciousText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ErasedInput => "erased-input",
            Flag::ConcealedText => "concealed-text",
            Flag::TitleOrClipboard => "title-or-clipboard",
            Flag::Hyperlink => "hyperlink",
            Flag::AlternateScreen => "alternate-screen",
            Flag::Paste => "paste",
            Flag::CutLines => "cut-lines",
            Flag::BinaryNoise => "binary-noise",
            Flag::SuspiciousText => "suspicious-text",
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A set of flags: a bit per flag, so a line or a session carries them for free.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(u16);

impl Flags {
    pub const EMPTY: Flags = Flags(0);

    pub fn contains(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn insert(&mut self, flag: Flag) {
        self.0 |= flag.bit();
    }

    pub fn remove(&mut self, flag: Flag) {
        self.0 &= !flag.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags of both sets.
    pub fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    /// The flags set, in [`Flag::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(iter: I) -> Flags {
        let mut flags = Flags::EMPTY;
        for flag in iter {
            flags.insert(flag);
        }
        flags
    }
}

/// Comma-separated names, `erased-input,concealed-text`; empty for no flag.
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, flag) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(flag.as_str())?;
        }
        Ok(())
    }
}

/// A JSON list of names.
impl Serialize for Flags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for flag in self.iter() {
            seq.serialize_element(&flag)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_and_distinct() {
        let names: Vec<_> = Flag::ALL.iter().map(|f| f.as_str()).collect();
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
    }

    #[test]
    fn a_set_lists_its_flags_in_order() {
        let flags: Flags = [Flag::TitleOrClipboard, Flag::ErasedInput]
            .into_iter()
            .collect();
        assert_eq!(flags.to_string(), "erased-input,title-or-clipboard");
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            r#"["erased-input","title-or-clipboard"]"#
        );
        assert!(Flags::EMPTY.is_empty());
        assert_eq!(Flags::EMPTY.to_string(), "");
        let mut f = flags;
        f.remove(Flag::ErasedInput);
        assert_eq!(f.iter().collect::<Vec<_>>(), [Flag::TitleOrClipboard]);
    }
}
