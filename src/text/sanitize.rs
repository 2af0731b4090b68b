//! Escaping for attacker-influenced text (SPEC 5.1).
//!
//! Everything tsh/tctl print may have been written by an attacker: a label value can carry an
//! escape sequence that rewrites the terminal title, a bidi override that makes `evil` read as
//! `live`, or a zero-width character that splits a word so a reviewer's eye (or a grep) misses
//! it. Parsed data stays raw; every string goes through this module on its way to the screen.
//! Nothing is stripped: an escaped character is visible evidence of tampering.

use std::borrow::Cow;
use std::io;

use serde_json::ser::{CharEscape, Formatter};

/// True for characters that must never reach a terminal raw.
///
/// The set is: C0 controls (TAB, CR and LF too, because cells are single-line), DEL, C1 (which
/// some terminals still honour as 8-bit CSI/OSC), the whole Unicode `Cf` category (bidi
/// controls, zero-width characters, tag characters, ...), U+2028/U+2029 (line breaks to some
/// renderers), and the remaining default-ignorable characters that render as nothing (Hangul
/// fillers, U+034F, U+17B4/U+17B5, unassigned U+FFF0–U+FFF8 and U+E0000–U+E0FFF apart from
/// the variation selectors, which legitimately shape emoji and CJK names).
///
/// Two more kinds of character are escaped by context, not here: variation selectors beyond
/// one directly after a base character, and combining marks beyond [`MAX_MARKS`] in a row.
///
/// Keep in sync with `needs_decoding`, which the scan uses to skip most non-ASCII characters
/// without decoding them.
pub fn is_dangerous(c: char) -> bool {
    matches!(
        c as u32,
        0x00..=0x1f
            | 0x7f..=0x9f
            | 0xad
            | 0x034f
            | 0x0600..=0x0605
            | 0x061c
            | 0x06dd
            | 0x070f
            | 0x0890..=0x0891
            | 0x08e2
            | 0x115f..=0x1160
            | 0x17b4..=0x17b5
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x206f
            | 0x3164
            | 0xfeff
            | 0xffa0
            | 0xfff0..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0000..=0xe00ff
            | 0xe01f0..=0xe0fff
    )
}

/// Combining marks kept in a row; the rest are escaped.
///
/// Four covers real text: Vietnamese stacks two marks on a letter (e + U+0323 + U+0302),
/// Devanagari and other Indic clusters two or three (virama, vowel sign, nasalisation), pointed
/// Hebrew with a cantillation mark four. Longer runs are "zalgo" or a payload, and a flood of
/// zero-width marks would otherwise make a one-column cell kilobytes long.
pub const MAX_MARKS: u8 = 4;

/// Variation selectors: U+FE00–FE0F, U+E0100–E01EF and the Mongolian free variation selectors
/// U+180B–180D and U+180F. One directly after a base character picks a glyph (emoji or text
/// presentation, a CJK or Mongolian variant); any other is invisible, and a run of them can
/// carry a whole hidden message, one byte per selector.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xfe00..=0xfe0f | 0xe0100..=0xe01ef | 0x180b..=0x180d | 0x180f)
}

/// A character that may carry one variation selector and start a run of combining marks: a
/// visible one, that is not dangerous, whitespace, a mark or a selector.
pub fn is_base(c: char) -> bool {
    !is_dangerous(c)
        && !c.is_whitespace()
        && !is_variation_selector(c)
        && !unicode_normalization::char::is_combining_mark(c)
}

/// What a scan knows about the text just before its position: enough to judge the two kinds
/// of character whose safety depends on what precedes them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Context {
    /// The previous char is a base char, which may carry one variation selector.
    after_base: bool,
    /// Combining marks since the last char that is neither a mark nor a selector.
    marks: u8,
}

impl Context {
    /// After a char the scan skipped without decoding: printable ASCII, or a non-ASCII char
    /// whose lead byte rules out every context-dependent or dangerous char (a base char).
    fn after_skipped(b: u8) -> Context {
        Context {
            after_base: b != b' ',
            marks: 0,
        }
    }

    /// Takes `c` into account; true when `c` must be escaped where it stands.
    fn escapes(&mut self, c: char) -> bool {
        if is_variation_selector(c) {
            let kept = self.after_base;
            self.after_base = false;
            return !kept;
        }
        if is_dangerous(c) {
            *self = Context::default();
            return true;
        }
        if unicode_normalization::char::is_combining_mark(c) {
            self.after_base = false;
            self.marks = self.marks.saturating_add(1);
            return self.marks > MAX_MARKS;
        }
        *self = Context {
            after_base: !c.is_whitespace(),
            marks: 0,
        };
        false
    }
}

/// Visible escape of every dangerous char; `Cow::Borrowed` when nothing needs escaping.
///
/// Format: ASCII controls and DEL as `\x` + two lowercase hex digits (`\x1b`), every other
/// dangerous char as `\u{` + lowercase hex without leading zeros + `}` (`\u{202e}`). A
/// backslash is left alone so `CORP\alice` reads naturally; the escapes are for people, not
/// for round-tripping. Variation selectors and combining marks are escaped by context (see
/// [`is_variation_selector`], [`MAX_MARKS`]). Idempotent: escaping only ever shortens a run
/// of marks or separates a selector from nothing, so escaped text escapes to itself.
pub fn escape(s: &str) -> Cow<'_, str> {
    let mut ctx = Context::default();
    let Some((mut at, mut c)) = next_dangerous(s, 0, &mut ctx) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    let mut start = 0;
    loop {
        out.push_str(&s[start..at]);
        push_escape(&mut out, c);
        start = at + c.len_utf8();
        match next_dangerous(s, start, &mut ctx) {
            Some((next_at, next_c)) => (at, c) = (next_at, next_c),
            None => break,
        }
    }
    out.push_str(&s[start..]);
    Cow::Owned(out)
}

/// Same as [`escape`] for raw bytes (a child's stderr): valid UTF-8 runs are escaped as
/// above, each invalid byte is shown as `\xNN`, so nothing is lost to U+FFFD replacement.
pub fn escape_bytes(b: &[u8]) -> String {
    escape(&visible_utf8(b)).into_owned()
}

/// Raw bytes as text for later escaping: valid UTF-8 unchanged, each invalid byte as the text
/// `\xNN`. Use where bytes are parsed before they are shown (a child's error message).
pub fn visible_utf8(b: &[u8]) -> Cow<'_, str> {
    let mut chunks = b.utf8_chunks();
    match chunks.next() {
        None => return Cow::Borrowed(""),
        Some(first) if first.invalid().is_empty() => return Cow::Borrowed(first.valid()),
        Some(_) => {}
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            push_hex_byte(&mut out, byte);
        }
    }
    Cow::Owned(out)
}

/// Terminal columns of already-escaped text, so tables line up with CJK and emoji cells.
///
/// An approximation of East Asian Width good enough for padding: Wide/Fullwidth = 2,
/// combining marks and variation selectors = 0, everything else 1.
pub fn display_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char_width).sum()
}

/// Bytes a cut cell may take per column of its budget. Real text needs less (CJK 1.5, emoji
/// 2, Devanagari about 3); the cap stops zero-width characters, which cost bytes but no
/// columns, from making a table line kilobytes long.
pub const BYTES_PER_COLUMN: usize = 4;

/// Cut already-escaped text to at most `max` columns and `BYTES_PER_COLUMN * max` bytes,
/// ending in '…' (one column) when cut.
///
/// Escapes produced by [`escape`] are atomic: a half `\u{20` would hide exactly the evidence
/// the escape exists to show, so the cut happens before them. Borrowed when the text fits.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    let max_bytes = max.saturating_mul(BYTES_PER_COLUMN);
    // Width never exceeds the UTF-8 length, so short strings need no scan.
    if s.len() <= max || (s.len() <= max_bytes && display_width(s) <= max) {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Owned(String::new());
    }
    let budget = max - 1;
    let byte_budget = max_bytes.saturating_sub('…'.len_utf8());
    let mut end = 0;
    let mut width = 0;
    while end < s.len() {
        let (len, w) = unit_at(s, end);
        if width + w > budget || end + len > byte_budget {
            break;
        }
        width += w;
        end += len;
    }
    let mut out = String::with_capacity(end + '…'.len_utf8());
    out.push_str(&s[..end]);
    out.push('…');
    Cow::Owned(out)
}

/// Byte range of the first escape in already-escaped text.
fn first_escape(s: &str) -> Option<std::ops::Range<usize>> {
    s.match_indices('\\')
        .find_map(|(at, _)| escape_len(&s.as_bytes()[at..]).map(|len| at..at + len))
}

/// The narrowest [`cut`] of `s` that still shows its first escape whole: the escape, plus one
/// column for each `…` standing for the text cut before and after it. `s` itself when
/// narrower; 0 when `s` has no escape.
pub fn keep_width(s: &str) -> usize {
    let Some(esc) = first_escape(s) else {
        return 0;
    };
    let needed = esc.len() + usize::from(esc.start > 0) + usize::from(esc.end < s.len());
    needed.min(display_width(s))
}

/// [`truncate`], except that the first escape survives: an escape is the evidence of
/// tampering (`web-03\u{202e}txt.exe`), and a cut that drops it shows a harmless-looking
/// `web-03…`. When a plain cut would lose it, the text before it is cut instead
/// (`web…\u{202e}…`). Falls back to [`truncate`] below [`keep_width`].
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    let plain = truncate(s, max);
    let Some(esc) = first_escape(s) else {
        return plain;
    };
    let kept_whole = match &plain {
        Cow::Borrowed(_) => true,
        // A cut never ends inside an escape: it ends before or after it.
        Cow::Owned(cut) => cut
            .strip_suffix('…')
            .is_some_and(|kept| kept.len() >= esc.end),
    };
    if kept_whole {
        return plain;
    }
    let (head, escape, tail) = (&s[..esc.start], &s[esc.clone()], &s[esc.end..]);
    let tail_mark = usize::from(!tail.is_empty());
    let Some(head_room) = max.checked_sub(escape.len() + tail_mark) else {
        return plain;
    };
    if head_room == 0 && !head.is_empty() {
        return plain;
    }
    let head = truncate(head, head_room);
    let tail = truncate(tail, max - display_width(&head) - escape.len());
    Cow::Owned(format!("{head}{escape}{tail}"))
}

/// A `serde_json` formatter that makes JSON safe to print on a terminal and still valid.
///
/// It delegates everything to the inner formatter (so pretty and compact output are
/// unchanged for clean data) but writes every dangerous char inside strings as a JSON
/// `\uXXXX` escape (a UTF-16 surrogate pair above U+FFFF). `serde_json` already escapes C0
/// controls; this adds DEL, C1, bidi, zero-width, tag characters and the rest, and applies
/// [`escape`]'s rule for variation selectors and combining marks. `serde_json` hands over a
/// string in fragments split at the characters it escapes itself; each fragment starts with
/// no base character before it, so a selector right after an escaped `"` or `\` is escaped
/// here although [`escape`] would keep it (erring on the visible side). The output parses
/// back to exactly the same value.
#[derive(Clone, Debug, Default)]
pub struct TerminalSafe<F>(pub F);

/// Delegates `Formatter` methods that never write string contents.
macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $name<W: ?Sized + io::Write>(
                &mut self,
                writer: &mut W
                $(, $arg: $ty)*
            ) -> io::Result<()> {
                self.0.$name(writer $(, $arg)*)
            }
        )*
    };
}

impl<F: Formatter> Formatter for TerminalSafe<F> {
    delegate! {
        write_null();
        write_bool(value: bool);
        write_i8(value: i8);
        write_i16(value: i16);
        write_i32(value: i32);
        write_i64(value: i64);
        write_i128(value: i128);
        write_u8(value: u8);
        write_u16(value: u16);
        write_u32(value: u32);
        write_u64(value: u64);
        write_u128(value: u128);
        write_f32(value: f32);
        write_f64(value: f64);
        write_number_str(value: &str);
        begin_string();
        end_string();
        write_char_escape(char_escape: CharEscape);
        write_byte_array(value: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        let mut ctx = Context::default();
        while let Some((at, c)) = next_dangerous(fragment, start, &mut ctx) {
            if at > start {
                self.0.write_string_fragment(writer, &fragment[start..at])?;
            }
            let mut buf = [0u8; 12];
            self.0
                .write_string_fragment(writer, json_escape(c, &mut buf))?;
            start = at + c.len_utf8();
        }
        if start < fragment.len() {
            self.0.write_string_fragment(writer, &fragment[start..])?;
        }
        Ok(())
    }

    /// Raw JSON (`serde_json::value::RawValue`) gets the same treatment, except for TAB, CR and LF:
    /// valid JSON only has those raw as insignificant whitespace between tokens.
    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        let mut from = 0;
        let mut ctx = Context::default();
        while let Some((at, c)) = next_dangerous(fragment, from, &mut ctx) {
            from = at + c.len_utf8();
            if matches!(c, '\t' | '\n' | '\r') {
                continue;
            }
            if at > start {
                self.0.write_raw_fragment(writer, &fragment[start..at])?;
            }
            let mut buf = [0u8; 12];
            self.0
                .write_raw_fragment(writer, json_escape(c, &mut buf))?;
            start = from;
        }
        if start < fragment.len() {
            self.0.write_raw_fragment(writer, &fragment[start..])?;
        }
        Ok(())
    }
}

/// Position and value of the first char to escape at or after byte `from` (a char boundary),
/// given `ctx`, what precedes `from`; `ctx` is left describing the text after that char.
///
/// This is the hot path: almost every string is clean. Printable ASCII is checked sixteen
/// bytes at a time without early exit (which the compiler vectorises), and non-ASCII chars
/// whose lead byte cannot start a dangerous char, a mark or a selector are skipped without
/// decoding. The context is only worked out when a char is decoded: whatever was skipped
/// since is known from the byte just before it.
fn next_dangerous(s: &str, from: usize, ctx: &mut Context) -> Option<(usize, char)> {
    const CHUNK: usize = 16;
    let bytes = s.as_bytes();
    let mut i = from;
    // The byte up to which `ctx` is current.
    let mut known = from;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + CHUNK)
            && chunk
                .iter()
                .fold(true, |ok, &b| ok & (0x20..0x7f).contains(&b))
        {
            i += CHUNK;
            continue;
        }
        let b = bytes[i];
        if b < 0x80 {
            if b < 0x20 || b == 0x7f {
                *ctx = Context::default();
                return Some((i, char::from(b)));
            }
            i += 1;
        } else if needs_decoding(b) {
            let c = s[i..].chars().next()?;
            if i > known {
                *ctx = Context::after_skipped(bytes[i - 1]);
            }
            known = i + c.len_utf8();
            if ctx.escapes(c) {
                return Some((i, c));
            }
            i = known;
        } else {
            i += utf8_len(b);
        }
    }
    None
}

/// UTF-8 lead bytes of every non-ASCII range in [`is_dangerous`], of every combining mark and
/// variation selector, and of non-ASCII whitespace (which cannot carry a selector). Every
/// other non-ASCII char is a base char (a test checks each one).
fn needs_decoding(b: u8) -> bool {
    // C2: U+0080–00BF (C1, NBSP, soft hyphen)  CC, CD: U+0300–037F (marks, U+034F)
    // D2: U+0480–04BF (Cyrillic marks)          D6–DF: U+0580–07FF (Hebrew to NKo)
    // E0–E3: U+0800–3FFF                        EA: U+A000–AFFF
    // EF: U+F000–FFFF                           F0: U+10000–3FFFF
    // F3: U+C0000–FFFFF (tags, selectors)
    matches!(
        b,
        0xc2 | 0xcc | 0xcd | 0xd2 | 0xd6..=0xdf | 0xe0..=0xe3 | 0xea | 0xef | 0xf0 | 0xf3
    )
}

/// Byte length of a UTF-8 sequence from its (valid) lead byte.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex_byte(out: &mut String, byte: u8) {
    out.push_str("\\x");
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xf)]));
}

fn push_escape(out: &mut String, c: char) {
    let cp = c as u32;
    if let Ok(byte) = u8::try_from(cp)
        && byte < 0x80
    {
        push_hex_byte(out, byte);
        return;
    }
    out.push_str("\\u{");
    let digits = (32 - cp.leading_zeros()).div_ceil(4);
    for shift in (0..digits).rev() {
        out.push(char::from(HEX[((cp >> (shift * 4)) & 0xf) as usize]));
    }
    out.push('}');
}

/// `\uXXXX` (or a surrogate pair) for `c`, written into `buf`.
fn json_escape(c: char, buf: &mut [u8; 12]) -> &str {
    let mut units = [0u16; 2];
    let mut len = 0;
    for &unit in c.encode_utf16(&mut units).iter() {
        buf[len] = b'\\';
        buf[len + 1] = b'u';
        for (k, shift) in [12, 8, 4, 0].into_iter().enumerate() {
            buf[len + 2 + k] = HEX[usize::from((unit >> shift) & 0xf)];
        }
        len += 6;
    }
    // Only ASCII was written.
    std::str::from_utf8(&buf[..len]).unwrap_or_default()
}

/// Byte length and columns of the unit starting at byte `i`: a whole escape, or one char.
fn unit_at(s: &str, i: usize) -> (usize, usize) {
    let rest = &s.as_bytes()[i..];
    if let Some(len) = escape_len(rest) {
        return (len, len);
    }
    match s[i..].chars().next() {
        Some(c) => (c.len_utf8(), char_width(c)),
        None => (1, 1),
    }
}

/// Length of an escape as produced by [`escape`]/[`escape_bytes`] at the start of `b`.
fn escape_len(b: &[u8]) -> Option<usize> {
    let is_hex = |x: &u8| x.is_ascii_hexdigit();
    match b {
        [b'\\', b'x', h1, h2, ..] if is_hex(h1) && is_hex(h2) => Some(4),
        [b'\\', b'u', b'{', rest @ ..] => {
            let digits = rest.iter().take(7).take_while(|x| is_hex(x)).count();
            ((1..=6).contains(&digits) && rest.get(digits) == Some(&b'}')).then_some(digits + 4)
        }
        _ => None,
    }
}

/// Columns of one char: 0 for combining marks, 2 for wide ranges, otherwise 1.
fn char_width(c: char) -> usize {
    let cp = c as u32;
    if cp < 0x300 {
        return 1;
    }
    match WIDTHS.binary_search_by(|&(lo, hi, _)| {
        if hi < cp {
            std::cmp::Ordering::Less
        } else if lo > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(idx) => usize::from(WIDTHS[idx].2),
        Err(_) => 1,
    }
}

/// Sorted, non-overlapping (first, last, columns) ranges; anything absent is one column.
/// Combining marks and variation selectors are 0; East Asian Wide/Fullwidth, Hangul
/// syllables and the emoji blocks are 2 (a few text-presentation symbols inside the emoji
/// blocks are really 1: close enough for padding a table).
const WIDTHS: &[(u32, u32, u8)] = &[
    (0x0300, 0x036f, 0),
    (0x1100, 0x115f, 2),
    (0x1ab0, 0x1aff, 0),
    (0x1dc0, 0x1dff, 0),
    (0x20d0, 0x20ff, 0),
    (0x231a, 0x231b, 2),
    (0x2329, 0x232a, 2),
    (0x23e9, 0x23ec, 2),
    (0x23f0, 0x23f0, 2),
    (0x23f3, 0x23f3, 2),
    (0x25fd, 0x25fe, 2),
    (0x2614, 0x2615, 2),
    (0x2648, 0x2653, 2),
    (0x267f, 0x267f, 2),
    (0x2693, 0x2693, 2),
    (0x26a1, 0x26a1, 2),
    (0x26aa, 0x26ab, 2),
    (0x26bd, 0x26be, 2),
    (0x26c4, 0x26c5, 2),
    (0x26ce, 0x26ce, 2),
    (0x26d4, 0x26d4, 2),
    (0x26ea, 0x26ea, 2),
    (0x26f2, 0x26f3, 2),
    (0x26f5, 0x26f5, 2),
    (0x26fa, 0x26fa, 2),
    (0x26fd, 0x26fd, 2),
    (0x2705, 0x2705, 2),
    (0x270a, 0x270b, 2),
    (0x2728, 0x2728, 2),
    (0x274c, 0x274c, 2),
    (0x274e, 0x274e, 2),
    (0x2753, 0x2755, 2),
    (0x2757, 0x2757, 2),
    (0x2795, 0x2797, 2),
    (0x27b0, 0x27b0, 2),
    (0x27bf, 0x27bf, 2),
    (0x2b1b, 0x2b1c, 2),
    (0x2b50, 0x2b50, 2),
    (0x2b55, 0x2b55, 2),
    (0x2e80, 0x303e, 2),
    (0x3041, 0x3247, 2),
    (0x3250, 0x4dbf, 2),
    (0x4e00, 0xa4cf, 2),
    (0xa960, 0xa97f, 2),
    (0xac00, 0xd7a3, 2),
    (0xf900, 0xfaff, 2),
    (0xfe00, 0xfe0f, 0),
    (0xfe10, 0xfe19, 2),
    (0xfe20, 0xfe2f, 0),
    (0xfe30, 0xfe6f, 2),
    (0xff00, 0xff60, 2),
    (0xffe0, 0xffe6, 2),
    (0x16fe0, 0x16fe4, 2),
    (0x17000, 0x18cff, 2),
    (0x1b000, 0x1b2ff, 2),
    (0x1f004, 0x1f004, 2),
    (0x1f0cf, 0x1f0cf, 2),
    (0x1f18e, 0x1f18e, 2),
    (0x1f191, 0x1f19a, 2),
    (0x1f200, 0x1f251, 2),
    (0x1f300, 0x1f64f, 2),
    (0x1f680, 0x1f6ff, 2),
    (0x1f900, 0x1f9ff, 2),
    (0x1fa70, 0x1faff, 2),
    (0x20000, 0x2fffd, 2),
    (0x30000, 0x3fffd, 2),
    (0xe0100, 0xe01ef, 0),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    use serde_json::ser::{CompactFormatter, PrettyFormatter, Serializer};

    #[test]
    fn escape_table() {
        let cases: &[(&str, &str)] = &[
            ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
            ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
            (
                "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
                "\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\",
            ),
            ("\x1b]52;c;ZWNobyBoaQ==\x07", "\\x1b]52;c;ZWNobyBoaQ==\\x07"),
            ("ding\x07", "ding\\x07"),
            ("safe\roverwritten", "safe\\x0doverwritten"),
            ("line1\nline2", "line1\\x0aline2"),
            ("a\tb", "a\\x09b"),
            ("nul\0byte", "nul\\x00byte"),
            ("del\x7f", "del\\x7f"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("\u{85}next-line", "\\u{85}next-line"),
            ("\u{202a}lre", "\\u{202a}lre"),
            ("\u{202b}rle", "\\u{202b}rle"),
            ("\u{202c}pdf", "\\u{202c}pdf"),
            ("\u{202d}lro", "\\u{202d}lro"),
            ("evil\u{202e}txt.exe", "evil\\u{202e}txt.exe"),
            ("\u{2066}lri", "\\u{2066}lri"),
            ("\u{2067}rli", "\\u{2067}rli"),
            ("\u{2068}fsi", "\\u{2068}fsi"),
            ("\u{2069}pdi", "\\u{2069}pdi"),
            (
                "\u{200e}lrm\u{200f}rlm\u{61c}alm",
                "\\u{200e}lrm\\u{200f}rlm\\u{61c}alm",
            ),
            ("ad\u{200b}min", "ad\\u{200b}min"),
            ("zw\u{200c}nj\u{200d}j", "zw\\u{200c}nj\\u{200d}j"),
            ("word\u{2060}joiner", "word\\u{2060}joiner"),
            ("\u{feff}bom", "\\u{feff}bom"),
            ("tag\u{e0041}\u{e007f}", "tag\\u{e0041}\\u{e007f}"),
            ("\u{e0001}lang", "\\u{e0001}lang"),
            ("ls\u{2028}ps\u{2029}", "ls\\u{2028}ps\\u{2029}"),
            ("soft\u{ad}hyphen", "soft\\u{ad}hyphen"),
            (
                "\u{3164}\u{115f}\u{1160}\u{ffa0}",
                "\\u{3164}\\u{115f}\\u{1160}\\u{ffa0}",
            ),
            ("cgj\u{34f}", "cgj\\u{34f}"),
            ("CORP\\alice", "CORP\\alice"),
            ("", ""),
        ];
        for &(input, expected) in cases {
            assert_eq!(escape(input), expected, "input {input:?}");
            assert!(!escape(input).chars().any(is_dangerous), "input {input:?}");
        }
    }

    #[test]
    fn escape_bytes_shows_invalid_utf8() {
        assert_eq!(escape_bytes(b"ok\xff\xfe\x1b"), "ok\\xff\\xfe\\x1b");
        assert_eq!(
            escape_bytes("caf\u{e9}\u{202e}".as_bytes()),
            "caf\u{e9}\\u{202e}"
        );
        assert_eq!(escape_bytes(b"\xe2\x80"), "\\xe2\\x80");
        assert_eq!(escape_bytes(b""), "");
        assert!(matches!(
            visible_utf8(b"plain \x1b"),
            Cow::Borrowed("plain \x1b")
        ));
        assert_eq!(visible_utf8(b"a\xffb\x1b"), "a\\xffb\x1b");
    }

    #[test]
    fn clean_text_is_borrowed_and_unchanged() {
        for s in [
            "alice",
            "prod-db-01",
            "caf\u{e9}",
            "日本",
            "🦀 ok",
            "e\u{301}",
            "\u{2764}\u{fe0f}",
            "web-01\u{1f600}\u{fe0f}",
            "#\u{fe0f}\u{20e3}",
            "\u{845b}\u{e0100}",
            "\u{1820}\u{180b}",
            "Vi\u{1ec7}t Nam, Vie\u{323}\u{302}t Nam",
            "\u{915}\u{94d}\u{937}\u{93f}",
            "a\u{301}\u{302}\u{303}\u{304}",
        ] {
            assert!(matches!(escape(s), Cow::Borrowed(b) if b == s), "{s:?}");
        }
        assert!(matches!(escape("a\x1b"), Cow::Owned(_)));
    }

    #[test]
    fn megabyte_string() {
        let unit = "node-\u{e9}\u{65e5}\x1b[2J\u{202e}xyz";
        let input = unit.repeat((1 << 20) / unit.len());
        assert!(input.len() > 900_000);
        let expected = "node-\u{e9}\u{65e5}\\x1b[2J\\u{202e}xyz".repeat((1 << 20) / unit.len());
        assert_eq!(escape(&input), expected);

        let clean = "a".repeat(1 << 20) + "\u{9b}";
        let out = escape(&clean);
        assert_eq!(out.len(), (1 << 20) + "\\u{9b}".len());
        assert!(out.ends_with("a\\u{9b}"));
    }

    #[test]
    fn every_char_escapes_to_safe_text() {
        let mut buf = [0u8; 5];
        for c in (0..=0x0010_ffff).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf[..4]);
            let out = escape(s);
            assert!(!out.chars().any(is_dangerous), "U+{:04X}", c as u32);
            // Alone, a selector follows no base character.
            let escaped = is_dangerous(c) || is_variation_selector(c);
            assert_eq!(matches!(out, Cow::Owned(_)), escaped, "U+{:04X}", c as u32);
            if escaped {
                let expected = if (c as u32) < 0x80 {
                    format!("\\x{:02x}", c as u32)
                } else {
                    format!("\\u{{{:x}}}", c as u32)
                };
                assert_eq!(out, expected);
            }
            // After a base character only dangerous chars are escaped.
            buf[0] = b'a';
            let len = c.encode_utf8(&mut buf[1..]).len();
            let after_base = std::str::from_utf8(&buf[..=len]).unwrap();
            assert_eq!(
                matches!(escape(after_base), Cow::Owned(_)),
                is_dangerous(c),
                "a + U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn chars_skipped_undecoded_are_base_chars() {
        let mut buf = [0u8; 4];
        for c in (0x80..=0x0010_ffff).filter_map(char::from_u32) {
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            if !needs_decoding(lead) {
                assert!(is_base(c), "U+{:04X} has lead byte {lead:#x}", c as u32);
            }
        }
    }

    #[test]
    fn one_variation_selector_after_a_base_character() {
        let cases: &[(&str, &str)] = &[
            ("web-01\u{1f600}\u{fe0f}", "web-01\u{1f600}\u{fe0f}"),
            (
                "web-01\u{1f600}\u{fe0f}\u{fe0e}",
                "web-01\u{1f600}\u{fe0f}\\u{fe0e}",
            ),
            (
                "web-01\u{1f600}\u{e0159}\u{e0157}\u{e015e}",
                "web-01\u{1f600}\u{e0159}\\u{e0157}\\u{e015e}",
            ),
            ("\u{fe0f}x", "\\u{fe0f}x"),
            ("a \u{fe0f}", "a \\u{fe0f}"),
            ("a\u{200b}\u{fe0f}", "a\\u{200b}\\u{fe0f}"),
            ("e\u{301}\u{fe0f}", "e\u{301}\\u{fe0f}"),
            ("\u{1820}\u{180b}\u{180c}", "\u{1820}\u{180b}\\u{180c}"),
            ("x\u{180d}\u{180f}", "x\u{180d}\\u{180f}"),
            ("\u{180f}", "\\u{180f}"),
            ("\u{845b}\u{e0100}\u{e01ef}", "\u{845b}\u{e0100}\\u{e01ef}"),
            ("\x1b\u{fe0f}", "\\x1b\\u{fe0f}"),
        ];
        for &(input, expected) in cases {
            assert_eq!(escape(input), expected, "input {input:?}");
        }
        // A run after ASCII text is found behind the sixteen-byte fast path too.
        let long = format!("{}\u{fe0f}\u{fe0f}", "a".repeat(40));
        assert_eq!(
            escape(&long),
            format!("{}\u{fe0f}\\u{{fe0f}}", "a".repeat(40))
        );
    }

    #[test]
    fn combining_marks_beyond_four_in_a_row_are_escaped() {
        let four = "e\u{301}\u{302}\u{303}\u{304}";
        assert!(matches!(escape(four), Cow::Borrowed(_)));
        assert_eq!(
            escape("e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}x\u{307}"),
            "e\u{301}\u{302}\u{303}\u{304}\\u{305}\\u{306}x\u{307}"
        );
        // A selector neither counts nor ends the run; a dangerous char ends it.
        assert_eq!(
            escape("1\u{fe0f}\u{20e3}\u{301}\u{302}\u{303}\u{304}"),
            "1\u{fe0f}\u{20e3}\u{301}\u{302}\u{303}\\u{304}"
        );
        assert_eq!(
            escape("\u{301}\u{302}\u{303}\u{200b}\u{304}\u{305}"),
            "\u{301}\u{302}\u{303}\\u{200b}\u{304}\u{305}"
        );
        let flood = format!("x{}", "\u{301}".repeat(5000));
        let out = escape(&flood);
        assert_eq!(out.matches('\u{301}').count(), 4);
        assert_eq!(out.matches("\\u{301}").count(), 4996);
    }

    /// Every string of up to four chars from an alphabet of the context-dependent cases: the
    /// output is safe (no selector without its base, no run of more than four marks) and
    /// escapes to itself.
    #[test]
    fn escape_is_idempotent_and_leaves_no_stray_selector_or_flood() {
        let alphabet = [
            'a',
            ' ',
            '\u{1f600}',
            '\u{fe0f}',
            '\u{e0100}',
            '\u{180b}',
            '\u{301}',
            '\u{20e3}',
            '\u{200b}',
            '\x1b',
            '\u{65e5}',
            '\u{a0}',
            '\\',
        ];
        let n = alphabet.len();
        for len in 1..=4u32 {
            for mut code in 0..n.pow(len) {
                let mut s = String::new();
                for _ in 0..len {
                    s.push(alphabet[code % n]);
                    code /= n;
                }
                let once = escape(&s).into_owned();
                assert!(
                    matches!(escape(&once), Cow::Borrowed(t) if t == once),
                    "{s:?} -> {once:?}"
                );
                let mut prev = None;
                let mut marks = 0;
                for c in once.chars() {
                    assert!(!is_dangerous(c), "{s:?}");
                    if is_variation_selector(c) {
                        assert!(prev.is_some_and(is_base), "{s:?} -> {once:?}");
                    } else if unicode_normalization::char::is_combining_mark(c) {
                        marks += 1;
                        assert!(marks <= MAX_MARKS, "{s:?} -> {once:?}");
                    } else {
                        marks = 0;
                    }
                    prev = Some(c);
                }
            }
        }
    }

    #[test]
    fn dangerous_set_boundaries() {
        for c in [
            '\u{9f}', '\u{80}', '\u{600}', '\u{605}', '\u{6dd}', '\u{70f}', '\u{890}',
        ] {
            assert!(is_dangerous(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\u{8e2}', '\u{180e}', '\u{206a}', '\u{206f}', '\u{fff9}', '\u{fffb}',
        ] {
            assert!(is_dangerous(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\u{110bd}',
            '\u{110cd}',
            '\u{13430}',
            '\u{1343f}',
            '\u{1bca0}',
            '\u{1d173}',
        ] {
            assert!(is_dangerous(c), "U+{:04X}", c as u32);
        }
        for c in [
            ' ', '~', '\\', '\u{a0}', '\u{a1}', '\u{e9}', '\u{300}', '\u{fe0f}',
        ] {
            assert!(!is_dangerous(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\u{fffc}',
            '\u{fffd}',
            '\u{e0100}',
            '\u{1f980}',
            '\u{65e5}',
            '\u{2027}',
        ] {
            assert!(!is_dangerous(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn width() {
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("alice"), 5);
        assert_eq!(display_width("日本語"), 6);
        assert_eq!(display_width("한국"), 4);
        assert_eq!(display_width("ＡＢ"), 4);
        assert_eq!(display_width("🦀x"), 3);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(
            display_width("a\u{20d7}\u{fe0f}\u{1ab0}\u{1dc0}\u{fe20}"),
            1
        );
        assert_eq!(display_width("caf\u{e9}"), 4);
        assert_eq!(display_width(&escape("a\u{202e}")), 1 + "\\u{202e}".len());
    }

    #[test]
    fn a_cut_keeps_the_first_escape() {
        let host = "web-03\\u{202e}txt.exe";
        assert_eq!(cut(host, 30), host);
        assert_eq!(cut(host, 16), "web-03\\u{202e}t…");
        assert_eq!(cut(host, 15), "web-03\\u{202e}…");
        assert_eq!(cut(host, 14), "web-…\\u{202e}…");
        assert_eq!(cut(host, 10), "…\\u{202e}…");
        assert_eq!(keep_width(host), 10);
        assert_eq!(cut(host, 9), truncate(host, 9), "too narrow: a plain cut");
        assert_eq!(cut("\\x1bclear-screen", 6), "\\x1bc…");
        assert_eq!(cut("abcdef\\x07", 7), "ab…\\x07");
        assert_eq!(keep_width("abcdef\\x07"), 5);
        assert_eq!(keep_width("\\x07"), 4);
        assert_eq!(keep_width("plain"), 0);
        assert_eq!(cut("plain text", 6), "plain…");
        for max in 10..=21 {
            let c = cut(host, max);
            assert!(display_width(&c) <= max, "{max}: {c}");
            assert!(c.contains("\\u{202e}"), "{max}: {c}");
        }
    }

    #[test]
    fn truncate_fits_is_borrowed() {
        assert!(matches!(truncate("alice", 5), Cow::Borrowed("alice")));
        assert!(matches!(truncate("日本", 4), Cow::Borrowed("日本")));
        assert!(matches!(truncate("", 0), Cow::Borrowed("")));
    }

    #[test]
    fn truncate_cuts_with_ellipsis() {
        assert_eq!(truncate("abcdefgh", 5), "abcd…");
        assert_eq!(truncate("abcdefgh", 1), "…");
        assert_eq!(truncate("abcdefgh", 0), "");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(truncate("日本語", 5), "日本…");
        assert_eq!(truncate("ab日本", 4), "ab…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        for (text, max) in [("日本語x", 4), ("abcdef", 3), ("🦀🦀🦀", 4)] {
            assert!(display_width(&truncate(text, max)) <= max);
        }
    }

    #[test]
    fn truncate_caps_bytes_as_well_as_columns() {
        // Zero-width marks, four to a letter as `escape` allows: 9 bytes per column.
        let heavy = "a\u{301}\u{302}\u{303}\u{304}".repeat(200);
        assert_eq!(display_width(&heavy), 200);
        for max in [1, 5, 20, 48] {
            let cut = truncate(&heavy, max);
            assert!(cut.len() <= BYTES_PER_COLUMN * max, "{max}: {}", cut.len());
            assert!(cut.ends_with('…') && display_width(&cut) <= max);
        }
        // It fits in columns, not in bytes.
        let few = "a\u{301}\u{302}\u{303}\u{304}".repeat(3);
        assert_eq!(truncate(&few, 3), "a\u{301}\u{302}\u{303}\u{304}…");
        // Ordinary non-ASCII text within its columns is not cut.
        for text in [
            "日本語",
            "🦀🦀",
            "Việt",
            "Привет",
            "\u{915}\u{94d}\u{937}\u{93f}",
        ] {
            let max = display_width(text);
            assert!(matches!(truncate(text, max), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn truncate_keeps_escapes_whole() {
        let escaped = escape("ab\u{202e}cd");
        assert_eq!(escaped, "ab\\u{202e}cd");
        for max in 3..=10 {
            assert_eq!(truncate(&escaped, max), "ab…", "max {max}");
        }
        assert_eq!(truncate(&escaped, 11), "ab\\u{202e}…");

        let escaped = escape("x\x1b[0m");
        assert_eq!(escaped, "x\\x1b[0m");
        for max in 2..=5 {
            assert_eq!(truncate(&escaped, max), "x…", "max {max}");
        }
        assert_eq!(truncate(&escaped, 6), "x\\x1b…");

        // A plain backslash is an ordinary one-column character.
        assert_eq!(truncate("CORP\\alice", 7), "CORP\\a…");
    }

    fn to_terminal_json(value: &serde_json::Value, pretty: bool) -> String {
        let mut out = Vec::new();
        if pretty {
            let fmt = TerminalSafe(PrettyFormatter::new());
            value
                .serialize(&mut Serializer::with_formatter(&mut out, fmt))
                .unwrap();
        } else {
            let fmt = TerminalSafe(CompactFormatter);
            value
                .serialize(&mut Serializer::with_formatter(&mut out, fmt))
                .unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_safe_json_round_trips() {
        let value = json!({
            "evil\u{202e}key": "\x1b]0;pwned\x07\u{9b}\u{7f}\u{200b}\u{2028}\u{e0041}",
            "clean": ["alice", "日本", "🦀", 1, 2.5, null, true],
            "nested": {"tab": "a\tb", "bom": "\u{feff}x"},
        });
        for pretty in [false, true] {
            let out = to_terminal_json(&value, pretty);
            assert!(!out.chars().any(|c| is_dangerous(c) && c != '\n'), "{out}");
            assert!(out.contains("\\u202e") && out.contains("\\u009b") && out.contains("\\u007f"));
            assert!(out.contains("\\udb40\\udc41"), "{out}");
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(back, value);
        }
        assert!(!to_terminal_json(&value, false).contains('\n'));
    }

    #[test]
    fn terminal_safe_json_applies_the_selector_and_mark_rule() {
        let flood = format!("e{}", "\u{301}".repeat(6));
        let value = json!({"target": "web-01\u{1f600}\u{fe0f}\u{e0100}\u{e0101}", "m": flood});
        for pretty in [false, true] {
            let out = to_terminal_json(&value, pretty);
            assert!(
                out.contains("\u{1f600}\u{fe0f}\\udb40\\udd00\\udb40\\udd01"),
                "{out}"
            );
            assert_eq!(out.matches('\u{301}').count(), 4, "{out}");
            assert_eq!(out.matches("\\u0301").count(), 2, "{out}");
            let back: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(back, value);
        }
    }

    #[test]
    fn terminal_safe_json_unchanged_for_clean_data() {
        let value = json!({"a": [1, {"b": "caf\u{e9} 日本 🦀"}], "c": "x\"y\\z"});
        assert_eq!(
            to_terminal_json(&value, true),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(
            to_terminal_json(&value, false),
            serde_json::to_string(&value).unwrap()
        );
    }
}
