//! From the bytes of `tsh play --format text` to completed lines, with a real terminal parser.
//!
//! `vte` (the parser of the Alacritty terminal) splits the stream into printable characters,
//! controls and escape sequences, however the stream is chunked; this module gives them the
//! meaning a terminal would, on the model described in the `content` module docs: the line
//! under the cursor ([`Row`]) plus the lines completed before it, handed out one at a time.

use vte::{Params, Parser, Perform};

use super::flags::{Flag, Flags};
use super::line::{Line, Within};
use super::osc;
use super::row::{Ink, MAX_COLUMNS, Move, Row};

/// Noise characters (invalid UTF-8, unused controls) after which a session is flagged
/// `binary-noise`: a mis-encoded file name shows a few, a `cat` of a binary thousands.
const NOISE_THRESHOLD: u64 = 32;

/// Turns a byte stream into screen lines. Memory stays bounded whatever the input: one row of
/// at most [`MAX_COLUMNS`] cells (two while a full-screen program runs), its hidden text, and
/// the parser's fixed buffers.
pub struct Screen {
    parser: Parser,
    term: Term,
    /// An incomplete UTF-8 character at the end of the last chunk, held back (see `feed`).
    held: [u8; 4],
    held_len: usize,
}

impl Default for Screen {
    fn default() -> Screen {
        Screen::new()
    }
}

impl Screen {
    pub fn new() -> Screen {
        Screen {
            parser: Parser::new(),
            term: Term::default(),
            held: [0; 4],
            held_len: 0,
        }
    }

    /// Feeds the next chunk; `on_line` gets each line completed by it. Chunks may split
    /// anything (a UTF-8 character, an escape sequence): the lines are the same.
    pub fn feed<F: FnMut(&Line)>(&mut self, mut bytes: &[u8], on_line: &mut F) {
        self.term.bytes += bytes.len() as u64;
        // vte 0.15.0 loses a character when a chunk ends inside one and the next chunk
        // completes it and then ends inside another (`advance_partial_utf8` skips the bytes
        // it looked ahead at). So vte is never given a chunk that ends inside a character:
        // such an end is held back and completed from the next chunk.
        if self.held_len > 0 {
            let need = utf8_len(self.held[0]) - self.held_len;
            let take = bytes
                .iter()
                .take(need)
                .take_while(|&&b| is_continuation(b))
                .count();
            self.held[self.held_len..self.held_len + take].copy_from_slice(&bytes[..take]);
            self.held_len += take;
            bytes = &bytes[take..];
            if take < need && bytes.is_empty() {
                return;
            }
            // Complete, or cut short by a byte that cannot continue it: vte handles an
            // invalid sequence alone the same way as within a larger chunk.
            let held = self.held;
            let len = std::mem::take(&mut self.held_len);
            self.advance(&held[..len], on_line);
        }
        let keep = incomplete_tail(bytes);
        let (now, later) = bytes.split_at(bytes.len() - keep);
        self.advance(now, on_line);
        self.held[..keep].copy_from_slice(later);
        self.held_len = keep;
    }

    fn advance<F: FnMut(&Line)>(&mut self, bytes: &[u8], on_line: &mut F) {
        let mut performer = Performer {
            term: &mut self.term,
            on_line,
        };
        self.parser.advance(&mut performer, bytes);
    }

    /// Ends the stream: completes the line under the cursor (and the one a full-screen
    /// program left behind) when it holds anything.
    pub fn finish<F: FnMut(&Line)>(&mut self, on_line: &mut F) {
        // An incomplete character at the very end shows nothing, as in one chunk.
        self.held_len = 0;
        self.term.leave_alternate(on_line);
        if !self.term.row.is_empty() {
            self.term.complete(on_line, Flags::EMPTY);
        }
    }

    /// The session's flags so far: every line's, plus those of the stream itself.
    pub fn flags(&self) -> Flags {
        self.term.flags
    }

    /// Lines completed so far.
    pub fn lines(&self) -> u64 {
        self.term.lines
    }

    /// Bytes fed so far.
    pub fn bytes(&self) -> u64 {
        self.term.bytes
    }
}

/// The graphic rendition that matters here: whether text shows.
#[derive(Clone, Copy, Debug, Default)]
struct Pen {
    concealed: bool,
    faint: bool,
    fg: Option<u32>,
    bg: Option<u32>,
}

impl Pen {
    fn ink(self) -> Ink {
        Ink {
            // Concealed, or drawn in the colour of its background.
            concealed: self.concealed || (self.fg.is_some() && self.fg == self.bg),
            faint: self.faint || self.fg.is_some_and(is_grey),
        }
    }
}

/// A grey foreground: bright black (8), the darker half of the 256-colour grey ramp, or a
/// direct colour with equal components no lighter than that.
fn is_grey(colour: u32) -> bool {
    match colour {
        8 | 232..=246 => true,
        c if c >> 24 == 1 => {
            let (r, g, b) = ((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
            r == g && g == b && r <= 0xa0
        }
        _ => false,
    }
}

/// A saved cursor (DECSC, CSI s).
#[derive(Clone, Copy, Debug)]
struct Saved {
    col: usize,
    /// Lines completed when it was saved: if more are now, restoring it is a move up.
    lines: u64,
    y: Option<u32>,
}

/// The main screen's state, kept while a program draws on the alternate screen.
#[derive(Debug)]
struct MainScreen {
    row: Row,
    y: Option<u32>,
    saved: Option<Saved>,
}

#[derive(Debug, Default)]
struct Term {
    row: Row,
    /// The buffer lines are completed into, reused: no allocation per line once warm.
    line: Line,
    lines: u64,
    bytes: u64,
    pen: Pen,
    /// The cursor's screen row (0-based) when a sequence has told it; after that, moved by
    /// line feeds and relative moves. Unknown at first: the size of the screen never is.
    y: Option<u32>,
    saved: Option<Saved>,
    main: Option<MainScreen>,
    flags: Flags,
    noise: u64,
    last_printed: Option<char>,
    /// The last title recorded, so that a prompt setting the same title every time adds it
    /// once.
    last_title: String,
}

impl Term {
    fn complete<F: FnMut(&Line)>(&mut self, on_line: &mut F, extra: Flags) {
        self.line.clear();
        self.row.complete(&mut self.line);
        self.lines += 1;
        self.line.number = self.lines;
        self.line.flags = self.line.flags.union(extra);
        if self.main.is_some() {
            // Full-screen programs redraw, erase and overwrite as a matter of course: their
            // hidden text stays searchable, but it is not an evasion.
            self.line.flags.remove(Flag::ErasedInput);
            self.line.flags.remove(Flag::ConcealedText);
            self.line.flags.insert(Flag::AlternateScreen);
        }
        self.flags = self.flags.union(self.line.flags);
        on_line(&self.line);
    }

    fn print<F: FnMut(&Line)>(&mut self, c: char, on_line: &mut F) {
        if c == '\u{7f}' {
            // DEL is no printable character; in an echo it stands for an erased one.
            self.row.delete_back();
            return;
        }
        if c == char::REPLACEMENT_CHARACTER {
            self.noise();
        }
        self.last_printed = Some(c);
        let ink = self.pen.ink();
        if !self.row.print(c, ink) {
            // Past the column cap: the rest goes on as the next line, so nothing is lost
            // from the search.
            self.complete(on_line, Flags::from_iter([Flag::CutLines]));
            self.y = self.y.map(|y| y.saturating_add(1));
            let _ = self.row.print(c, ink);
        }
    }

    fn noise(&mut self) {
        self.noise += 1;
        if self.noise >= NOISE_THRESHOLD {
            self.flags.insert(Flag::BinaryNoise);
        }
    }

    /// A line feed: in this model it also returns the carriage (a pty's `onlcr` has
    /// already made most of them CR LF; a bare LF comes from output without a pty, where
    /// keeping the column would only indent every line by the one before).
    fn newline<F: FnMut(&Line)>(&mut self, on_line: &mut F) {
        self.complete(on_line, Flags::EMPTY);
        self.y = self.y.map(|y| y.saturating_add(1));
    }

    /// A move to another screen row, `y` when known, at column `col` (else the same column).
    /// The row being written is complete as far as this model goes: text drawn anywhere on
    /// the screen becomes lines, in the order it was drawn.
    fn vertical<F: FnMut(&Line)>(&mut self, y: Option<u32>, col: Option<usize>, on_line: &mut F) {
        let col = col.unwrap_or(self.row.cursor());
        if self.row.is_empty() {
            self.row.clear();
        } else {
            self.complete(on_line, Flags::EMPTY);
        }
        self.y = y;
        self.row.move_to(col, Move::Jump);
    }

    /// An absolute move to screen row `y` (0-based) and column `col`.
    fn goto<F: FnMut(&Line)>(&mut self, y: u32, col: usize, on_line: &mut F) {
        if self.y == Some(y) {
            self.row.move_to(col, Move::Jump);
        } else {
            self.vertical(Some(y), Some(col), on_line);
        }
    }

    fn up(&self, n: usize) -> Option<u32> {
        self.y.map(|y| y.saturating_sub(to_u32(n)))
    }

    fn down(&self, n: usize) -> Option<u32> {
        self.y.map(|y| y.saturating_add(to_u32(n)))
    }

    fn save_cursor(&mut self) {
        self.saved = Some(Saved {
            col: self.row.cursor(),
            lines: self.lines,
            y: self.y,
        });
    }

    fn restore_cursor<F: FnMut(&Line)>(&mut self, on_line: &mut F) {
        let Some(saved) = self.saved else {
            return;
        };
        let moved = saved.lines != self.lines || (saved.y.is_some() && saved.y != self.y);
        if moved {
            self.vertical(saved.y, Some(saved.col), on_line);
        } else {
            self.row.move_to(saved.col, Move::Jump);
        }
    }

    fn enter_alternate(&mut self) {
        self.flags.insert(Flag::AlternateScreen);
        if self.main.is_some() {
            return;
        }
        let col = self.row.cursor();
        let row = std::mem::take(&mut self.row);
        self.main = Some(MainScreen {
            row,
            y: self.y,
            saved: self.saved.take(),
        });
        self.row.move_to(col, Move::Jump);
    }

    /// Back to the main screen: its line under the cursor is as it was left.
    fn leave_alternate<F: FnMut(&Line)>(&mut self, on_line: &mut F) {
        if self.main.is_none() {
            return;
        }
        if !self.row.is_empty() {
            self.complete(on_line, Flags::EMPTY);
        }
        if let Some(main) = self.main.take() {
            self.row = main.row;
            self.y = main.y;
            self.saved = main.saved;
        }
    }

    fn tab(&mut self, n: usize) {
        let stop = (self.row.cursor() / 8).saturating_add(n) * 8;
        self.row.move_to(stop, Move::Jump);
    }

    fn back_tab(&mut self, n: usize) {
        let col = self.row.cursor();
        let stop = col.div_ceil(8).saturating_sub(n) * 8;
        self.row.move_to(stop, Move::Back);
    }

    fn sgr(&mut self, params: &Params) {
        let mut iter = params.iter();
        while let Some(param) = iter.next() {
            match param.first().copied().unwrap_or(0) {
                0 => self.pen = Pen::default(),
                2 => self.pen.faint = true,
                22 => self.pen.faint = false,
                8 => self.pen.concealed = true,
                28 => self.pen.concealed = false,
                n @ 30..=37 => self.pen.fg = Some(u32::from(n - 30)),
                n @ 90..=97 => self.pen.fg = Some(u32::from(n - 90 + 8)),
                39 => self.pen.fg = None,
                n @ 40..=47 => self.pen.bg = Some(u32::from(n - 40)),
                n @ 100..=107 => self.pen.bg = Some(u32::from(n - 100 + 8)),
                49 => self.pen.bg = None,
                n @ (38 | 48 | 58) => {
                    // `38;5;N` and `38;2;R;G;B` take the next parameters (so the 8 of
                    // `38;5;8` is no conceal); `38:5:N` comes as one parameter.
                    let colour = if param.len() > 1 {
                        extended_colour(&mut param[1..].iter().copied())
                    } else {
                        extended_colour(&mut (&mut iter).map(|p| p.first().copied().unwrap_or(0)))
                    };
                    match n {
                        38 => self.pen.fg = colour,
                        48 => self.pen.bg = colour,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    fn osc(&mut self, params: &[&[u8]]) {
        let Some((&kind, rest)) = params.split_first() else {
            return;
        };
        match kind {
            b"0" | b"1" | b"2" => {
                let title = osc::joined(rest);
                if !title.is_empty() && title != self.last_title {
                    // Most shells retitle the window at every prompt; only a title that says
                    // more than where the shell is counts as text the screen did not show.
                    let flag = (!osc::ordinary_title(&title)).then_some(Flag::TitleOrClipboard);
                    if let Some(flag) = flag {
                        self.flags.insert(flag);
                    }
                    self.last_title.clone_from(&title);
                    self.row.push_osc(Within::Title, title, flag);
                }
            }
            b"52" => {
                self.flags.insert(Flag::TitleOrClipboard);
                let data = rest.get(1).copied().unwrap_or_default();
                if let Some(text) = osc::clipboard(data) {
                    self.row
                        .push_osc(Within::Clipboard, text, Some(Flag::TitleOrClipboard));
                }
            }
            b"8" => {
                // OSC 8 ; params ; URI: an empty URI ends the link.
                let uri = osc::joined(rest.get(1..).unwrap_or_default());
                if !uri.is_empty() {
                    self.flags.insert(Flag::Hyperlink);
                    self.row.push_osc(Within::Link, uri, Some(Flag::Hyperlink));
                }
            }
            _ => {}
        }
    }
}

/// The colour of an SGR 38/48 extension: `5;N` (indexed) or `2;R;G;B` (direct).
fn extended_colour(rest: &mut dyn Iterator<Item = u16>) -> Option<u32> {
    match rest.next()? {
        5 => rest.next().map(u32::from),
        2 => {
            let (r, g, b) = (rest.next()?, rest.next()?, rest.next()?);
            let c = |v: u16| u32::from(v.min(255) as u8);
            Some(1 << 24 | c(r) << 16 | c(g) << 8 | c(b))
        }
        _ => None,
    }
}

/// Length of the UTF-8 sequence that `lead` starts (1 for anything but a multi-byte lead).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 1,
    }
}

fn is_continuation(b: u8) -> bool {
    (0x80..=0xbf).contains(&b)
}

/// Bytes at the end of `bytes` that start a UTF-8 sequence without finishing it.
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if is_continuation(b) {
            continue;
        }
        return if utf8_len(b) > back { back } else { 0 };
    }
    0
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parameter `i` of a sequence, 0 when absent.
fn arg(params: &Params, i: usize) -> usize {
    params
        .iter()
        .nth(i)
        .and_then(|p| p.first().copied())
        .map_or(0, usize::from)
}

/// A count parameter: absent or 0 means 1. Never more than a line holds, so that a
/// `CSI 65535 b` repeats at most that much.
fn count(params: &Params, i: usize) -> usize {
    arg(params, i).clamp(1, MAX_COLUMNS)
}

/// A 1-based position parameter as 0-based.
fn position(params: &Params, i: usize) -> usize {
    arg(params, i).saturating_sub(1)
}

/// The [`Perform`] for one `feed`: the terminal state plus where completed lines go.
struct Performer<'a, F> {
    term: &'a mut Term,
    on_line: &'a mut F,
}

impl<F: FnMut(&Line)> Perform for Performer<'_, F> {
    fn print(&mut self, c: char) {
        self.term.print(c, self.on_line);
    }

    fn execute(&mut self, byte: u8) {
        let term = &mut *self.term;
        match byte {
            0x08 => term.row.backspace(),
            0x09 => term.tab(1),
            0x0a..=0x0c => term.newline(self.on_line),
            0x0d => term.row.move_to(0, Move::Jump),
            // BEL, shift out and in (character sets), cancel and substitute: nothing shows.
            0x07 | 0x0e | 0x0f | 0x18 | 0x1a => {}
            _ => term.noise(),
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        if ignore {
            // Too many parameters or intermediates: a terminal ignores the sequence too.
            return;
        }
        let term = &mut *self.term;
        let on_line = &mut *self.on_line;
        if intermediates == b"?" {
            if matches!(action, 'h' | 'l') {
                for mode in params.iter().filter_map(|p| p.first().copied()) {
                    match (mode, action) {
                        (1049 | 1047 | 47, 'h') => term.enter_alternate(),
                        (1049 | 1047 | 47, 'l') => term.leave_alternate(on_line),
                        _ => {}
                    }
                }
            }
            return;
        }
        if !intermediates.is_empty() {
            return;
        }
        let cursor = term.row.cursor();
        match action {
            'm' => term.sgr(params),
            'K' | 'J' => match arg(params, 0) {
                0 => term.row.erase(cursor, usize::MAX),
                1 => term.row.erase(0, cursor.saturating_add(1)),
                _ => term.row.erase(0, usize::MAX),
            },
            'X' => term
                .row
                .erase(cursor, cursor.saturating_add(count(params, 0))),
            'P' => term.row.delete(count(params, 0)),
            '@' => term.row.insert(count(params, 0)),
            'C' | 'a' => term
                .row
                .move_to(cursor.saturating_add(count(params, 0)), Move::Jump),
            'D' => term
                .row
                .move_to(cursor.saturating_sub(count(params, 0)), Move::Back),
            'G' | '`' => term.row.move_to(position(params, 0), Move::Jump),
            'I' => term.tab(count(params, 0)),
            'Z' => term.back_tab(count(params, 0)),
            'b' => {
                if let Some(c) = term.last_printed {
                    for _ in 0..count(params, 0) {
                        term.print(c, on_line);
                    }
                }
            }
            'A' => term.vertical(term.up(count(params, 0)), None, on_line),
            'B' | 'e' => term.vertical(term.down(count(params, 0)), None, on_line),
            'E' => term.vertical(term.down(count(params, 0)), Some(0), on_line),
            'F' => term.vertical(term.up(count(params, 0)), Some(0), on_line),
            'H' | 'f' => {
                let y = to_u32(position(params, 0));
                term.goto(y, position(params, 1), on_line);
            }
            'd' => term.goto(to_u32(position(params, 0)), cursor, on_line),
            // Scrolling moves the text away from under the cursor.
            'S' | 'T' => term.vertical(term.y, None, on_line),
            's' if arg(params, 0) == 0 => term.save_cursor(),
            'u' => term.restore_cursor(on_line),
            '~' if matches!(arg(params, 0), 200 | 201) => {
                term.flags.insert(Flag::Paste);
                term.row.insert_flag(Flag::Paste);
            }
            _ => {}
        }
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        if !intermediates.is_empty() {
            // Character set designations (`ESC ( B`) and the like.
            return;
        }
        let term = &mut *self.term;
        let on_line = &mut *self.on_line;
        match byte {
            b'7' => term.save_cursor(),
            b'8' => term.restore_cursor(on_line),
            b'D' => term.vertical(term.down(1), None, on_line),
            b'E' => term.vertical(term.down(1), Some(0), on_line),
            b'M' => term.vertical(term.up(1), None, on_line),
            b'c' => {
                // Full reset.
                term.leave_alternate(on_line);
                if !term.row.is_empty() {
                    term.complete(on_line, Flags::EMPTY);
                }
                term.pen = Pen::default();
                term.y = None;
                term.saved = None;
            }
            _ => {}
        }
    }

    fn osc_dispatch(&mut self, params: &[&[u8]], _bell_terminated: bool) {
        self.term.osc(params);
    }
}
