//! A completed screen line, and the text that was on it without showing.
//!
//! Every string here was typed or printed by the recorded session's user: it is raw,
//! attacker-controlled text (SPEC 5.2b). It holds no C0 control, DEL or C1 control in `text`
//! or in erased and concealed text (the terminal parser interprets or drops those), but it may
//! hold anything else, bidi overrides and zero-width characters included. Escape it at render
//! time with `crate::text::sanitize::escape`; never put it in a command or on disk.

use super::flags::Flags;

/// Where a match was found: in what the line showed, or in text the line hid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Within {
    /// The line as it was displayed at the end.
    Displayed,
    /// Text removed before the line ended (backspace-space, DEL, erase, delete, edit).
    Erased,
    /// Text on the line that did not show (SGR 8, foreground = background), or words
    /// overwritten in place after a carriage return or a cursor jump.
    Concealed,
    /// A window title the session set (OSC 0/1/2).
    Title,
    /// What the session wrote to the clipboard (OSC 52, decoded): a paste waiting to happen.
    Clipboard,
    /// A link's target (OSC 8), which its text need not show.
    Link,
}

impl Within {
    pub fn as_str(self) -> &'static str {
        match self {
            Within::Displayed => "displayed",
            Within::Erased => "erased",
            Within::Concealed => "concealed",
            Within::Title => "title",
            Within::Clipboard => "clipboard",
            Within::Link => "link",
        }
    }

    /// Text of a control sequence that a terminal does not show in the line, whole: it is
    /// searched as it is, not spliced into the line.
    pub fn is_sequence(self) -> bool {
        matches!(self, Within::Title | Within::Clipboard | Within::Link)
    }
}

/// Text a line held without showing it at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    /// Never [`Within::Displayed`].
    pub kind: Within,
    /// The column (0-based, one per character) where the text stood, or where the cursor was
    /// when an OSC sequence came.
    pub column: usize,
    /// The text, in column order, without leading or trailing blanks.
    pub text: String,
}

/// A completed line of the recording, as a person watching the replay saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// 1-based, in the order lines were completed (display order).
    pub number: u64,
    /// The line as displayed, trailing blanks removed; concealed cells show as spaces.
    pub text: String,
    /// Erased, concealed and OSC text of this line, in the order it was hidden.
    pub hidden: Vec<Hidden>,
    /// What this line did: erased-input, concealed-text, alternate-screen (written on the
    /// alternate screen), cut-lines (continued on the next line, or hidden text dropped),
    /// title-or-clipboard and hyperlink (an OSC sequence came while it was current).
    pub flags: Flags,
}

impl Line {
    /// Empties the line, keeping its allocations for the next one.
    pub(crate) fn clear(&mut self) {
        self.number = 0;
        self.text.clear();
        self.hidden.clear();
        self.flags = Flags::EMPTY;
    }

    /// The hidden text of one kind.
    pub fn hidden_of(&self, kind: Within) -> impl Iterator<Item = &Hidden> {
        self.hidden.iter().filter(move |h| h.kind == kind)
    }
}
