//! Reading a JSON array that tctl prints, element by element, so memory stays flat however
//! long the listing. `null` (newer tctl) and `[]` (older) are both empty.
//!
//! The output is read into a buffer that is refilled as it empties, and each element is
//! deserialized from that buffer as a slice: serde_json then reads it at memory speed rather
//! than a byte per call, and the element's strings can be borrowed instead of copied. The
//! array's own punctuation (`[`, `,`, `]`) is read here, with serde_json's words for what can
//! go wrong with it; each element is parsed by serde_json itself, which is also what finds
//! where the element ends (see [`Input::element`]).

use std::fmt;
use std::io::{self, Read};
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, Visitor};
use serde_json::error::Category;

/// What a listing's elements are, and what they are called in errors.
pub trait Element: 'static {
    /// The elements, in the plural: "audit events".
    const WHAT: &'static str;
    /// An element as read, borrowing from the buffer.
    type Of<'a>: Deserialize<'a>;
}

/// Elements read only to check and count them.
struct Skipped;

impl Element for Skipped {
    const WHAT: &'static str = "elements";
    type Of<'a> = IgnoredAny;
}

/// The buffer's first size; it doubles for an element that does not fit.
const BUFFER: usize = 256 * 1024;

/// Lends each of the first `max` elements to `sink` as soon as it is read; returns how many
/// elements there were in all. Elements past `max` are checked and counted but not kept: a
/// tctl that ignores `--limit` must not make us hold what was not asked for.
pub fn each<E: Element, R: Read>(
    reader: R,
    max: usize,
    sink: &mut dyn FnMut(&E::Of<'_>),
) -> Result<usize, Error> {
    let mut input = Input::new(reader);
    match input.peek()? {
        None => return Err(input.error_at(input.hi, Category::Eof, "EOF while parsing a value")),
        Some(b'[') => input.lo += 1,
        Some(_) => {
            // `null`, or not a listing at all: serde_json says which.
            input.element::<Document<E>>(&mut |_| {})?;
            input.end()?;
            return Ok(0);
        }
    }
    let mut count = 0;
    loop {
        match input.peek()? {
            None => return Err(input.eof_in_list()),
            Some(b']') => {
                input.lo += 1;
                break;
            }
            Some(b',') if count > 0 => {
                input.lo += 1;
                match input.peek()? {
                    None => {
                        let hi = input.hi;
                        return Err(input.error_at(hi, Category::Eof, "EOF while parsing a value"));
                    }
                    Some(b']') => return Err(input.peek_error(Category::Syntax, "trailing comma")),
                    Some(_) => {}
                }
            }
            Some(_) if count > 0 => {
                return Err(input.peek_error(Category::Syntax, "expected `,` or `]`"));
            }
            Some(_) => {}
        }
        let first = input.buf[input.lo];
        let parsed = if count < max {
            input.element::<E>(sink)
        } else {
            input.element::<Skipped>(&mut |_| {})
        };
        parsed.map_err(|e| e.in_array(first))?;
        count += 1;
    }
    input.end()?;
    Ok(count)
}

/// A listing that is not an array: `null`, or an error that names what was expected.
struct Document<E>(PhantomData<E>);

impl<E: Element> Element for Document<E> {
    const WHAT: &'static str = E::WHAT;
    type Of<'a> = Document<E>;
}

impl<'de, E: Element> Deserialize<'de> for Document<E> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Document(PhantomData))
    }
}

impl<'de, E: Element> Visitor<'de> for Document<E> {
    type Value = Document<E>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON array of {} (or null)", E::WHAT)
    }

    fn visit_unit<Err>(self) -> Result<Self::Value, Err> {
        Ok(self)
    }
}

/// The unread part of the output, in a buffer, and where it is in the document.
struct Input<R> {
    reader: R,
    buf: Vec<u8>,
    /// The next unread byte.
    lo: usize,
    /// The end of what has been read into `buf`.
    hi: usize,
    /// The end of a run of valid UTF-8 in `buf` that starts at or before `lo` (see
    /// [`Input::text`]).
    text: usize,
    eof: bool,
    /// Newlines in the document before `buf[0]`, and bytes of its line before it: what
    /// turns a position in the buffer into serde_json's line and column.
    lines_before: usize,
    column_before: usize,
}

impl<R: Read> Input<R> {
    fn new(reader: R) -> Input<R> {
        Input {
            reader,
            buf: vec![0; BUFFER],
            lo: 0,
            hi: 0,
            text: 0,
            eof: false,
            lines_before: 0,
            column_before: 0,
        }
    }

    /// The next byte that is not whitespace, reading more as needed; None at the end.
    fn peek(&mut self) -> Result<Option<u8>, Error> {
        loop {
            let unread = &self.buf[self.lo..self.hi];
            match unread.iter().position(|b| !b" \n\t\r".contains(b)) {
                Some(at) => {
                    self.lo += at;
                    return Ok(Some(self.buf[self.lo]));
                }
                None => self.lo = self.hi,
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// Parses the element at `lo` and hands it to `sink`.
    ///
    /// serde_json finds where the element ends, so that no scanner of ours can disagree with
    /// it. The buffer may hold only part of the element, which serde_json reports as an error
    /// or, for a number, as a shorter number; so unless the input is over, a value is taken
    /// only when a byte follows it, and an error only when it comes back unchanged after
    /// more input was read: more bytes change the parse of a cut-off element, never a real
    /// error (serde_json reads left to right, looking one byte ahead).
    /// The element is lent to `sink`: an event is a large struct, not worth moving.
    fn element<E: Element>(&mut self, sink: &mut dyn FnMut(&E::Of<'_>)) -> Result<(), Error> {
        // Taken only when it ends inside the text, with a byte after it: then the bytes
        // parsed and the answer are those of the slice below. Anything else (a cut-off
        // element, an error, bytes that are not UTF-8) is left to the slice.
        let parsed = self.text().and_then(|text| {
            let mut values = serde_json::Deserializer::from_str(text).into_iter::<E::Of<'_>>();
            match values.next() {
                Some(Ok(value)) if values.byte_offset() < text.len() => {
                    sink(&value);
                    Some(values.byte_offset())
                }
                _ => None,
            }
        });
        if let Some(end) = parsed {
            self.lo += end;
            return Ok(());
        }
        let mut last_error = None;
        loop {
            let parsed = {
                let slice = &self.buf[self.lo..self.hi];
                let mut values =
                    serde_json::Deserializer::from_slice(slice).into_iter::<E::Of<'_>>();
                match values.next() {
                    Some(Ok(value)) if values.byte_offset() < slice.len() || self.eof => {
                        let end = values.byte_offset();
                        sink(&value);
                        Ok(end)
                    }
                    // Only whitespace is never at `lo` (the caller peeked): kept for safety.
                    None if self.eof => {
                        let hi = self.hi;
                        return Err(self.error_at(hi, Category::Eof, "EOF while parsing a value"));
                    }
                    Some(Ok(_)) | None => Err(None),
                    Some(Err(e)) => {
                        let said = e.to_string();
                        if self.eof || last_error.as_ref() == Some(&said) {
                            return Err(self.element_error(&e));
                        }
                        Err(Some(said))
                    }
                }
            };
            match parsed {
                Ok(end) => {
                    self.lo += end;
                    return Ok(());
                }
                Err(said) => {
                    last_error = said.or(last_error);
                    self.more()?;
                }
            }
        }
    }

    /// The unread bytes as far as they are UTF-8, checked once as they are read: serde_json
    /// checks each string it borrows from a byte slice (7% of a long listing's time, as many
    /// times as there are strings), and nothing in a `str`. None where the bytes at `lo` are
    /// not text.
    fn text(&mut self) -> Option<&str> {
        if self.text < self.lo {
            self.text = self.lo;
        }
        if self.text < self.hi {
            match std::str::from_utf8(&self.buf[self.text..self.hi]) {
                Ok(_) => self.text = self.hi,
                Err(e) => self.text += e.valid_up_to(),
            }
        }
        let at = *self.buf[self.lo..self.text].first()?;
        // A byte that continues a character is not where text can start.
        if at & 0xC0 == 0x80 {
            return None;
        }
        // SAFETY: `buf[start..text]` was found to be UTF-8 for some `start <= lo` (bytes
        // before `hi` never change; `forget_read` moves them and `text` together), and `lo`
        // starts a character, so `buf[lo..text]` is UTF-8 too.
        Some(unsafe { std::str::from_utf8_unchecked(&self.buf[self.lo..self.text]) })
    }

    /// After the document: only whitespace may follow.
    fn end(&mut self) -> Result<(), Error> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.peek_error(Category::Syntax, "trailing characters")),
        }
    }

    /// Reads more of the output: moves the unread bytes to the front (growing the buffer when
    /// they fill it), then fills it. False at the end of the output.
    fn more(&mut self) -> Result<bool, Error> {
        if self.eof {
            return Ok(false);
        }
        self.forget_read();
        if self.hi == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let before = self.hi;
        while self.hi < self.buf.len() {
            match self.reader.read(&mut self.buf[self.hi..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.hi += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(&e)),
            }
        }
        Ok(self.hi > before)
    }

    /// Drops the bytes before `lo`, counting their lines first.
    fn forget_read(&mut self) {
        let read = &self.buf[..self.lo];
        match read.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.lines_before += newlines(read);
                self.column_before = self.lo - last - 1;
            }
            None => self.column_before += self.lo,
        }
        self.buf.copy_within(self.lo..self.hi, 0);
        self.hi -= self.lo;
        self.text = self.text.saturating_sub(self.lo);
        self.lo = 0;
    }

    /// serde_json's line and column for the document position of `buf[at]`: the line it is
    /// on, and how many bytes of that line come before it.
    fn position(&self, at: usize) -> (usize, usize) {
        let before = &self.buf[..at];
        match before.iter().rposition(|&b| b == b'\n') {
            Some(last) => (1 + self.lines_before + newlines(before), at - last - 1),
            None => (1 + self.lines_before, self.column_before + at),
        }
    }

    fn error_at(&self, at: usize, category: Category, message: &str) -> Error {
        let (line, column) = self.position(at);
        Error {
            category,
            message: message.to_owned(),
            line,
            column,
        }
    }

    /// An error about the byte at `lo`, placed as serde_json places it: just after it.
    fn peek_error(&self, category: Category, message: &str) -> Error {
        self.error_at((self.lo + 1).min(self.hi), category, message)
    }

    fn eof_in_list(&self) -> Error {
        self.error_at(self.hi, Category::Eof, "EOF while parsing a list")
    }

    /// An error serde_json gave for the element at `lo`, placed in the whole document.
    fn element_error(&self, e: &serde_json::Error) -> Error {
        let message = without_position(e);
        let (line, column) = match (e.line(), e.column()) {
            (0, _) => (0, 0),
            (1, column) => self.position(self.lo + column),
            (line, column) => (self.position(self.lo).0 + line - 1, column),
        };
        Error {
            category: e.classify(),
            message,
            line,
            column,
        }
    }
}

/// Counted in blocks of 255 with a byte per lane, which compilers turn into wide vector adds:
/// every byte of a listing is counted once.
fn newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')))
        .map(usize::from)
        .sum()
}

/// serde_json's message without the position it appends.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) if e.line() > 0 => message.to_owned(),
        _ => text,
    }
}

/// Why a listing could not be read: serde_json's category and words, at the place in the
/// whole output (line 0 when there is none, as for a read error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    category: Category,
    message: String,
    line: usize,
    column: usize,
}

impl Error {
    /// An element's error, worded as reading the whole array words it: a number or literal
    /// followed by a byte that cannot follow it is "trailing characters" to serde_json
    /// reading the value alone, but a missing separator in the array.
    fn in_array(mut self, first: u8) -> Error {
        let delimited = matches!(first, b'{' | b'[' | b'"');
        if !delimited && self.message == "trailing characters" {
            self.message = "expected `,` or `]`".to_owned();
        }
        self
    }

    fn io(e: &io::Error) -> Error {
        Error {
            category: Category::Io,
            message: e.to_string(),
            line: 0,
            column: 0,
        }
    }

    pub fn classify(&self) -> Category {
        self.category
    }

    pub fn line(&self) -> usize {
        self.line
    }

    pub fn column(&self) -> usize {
        self.column
    }
}

/// As serde_json writes its errors.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            line => write!(f, "{} at line {line} column {}", self.message, self.column),
        }
    }
}

impl std::error::Error for Error {}

/// What went wrong with a listing, in words for the error message: cut short, not JSON at all,
/// or well-formed but not tctl's shape. A field given twice in one element is refused rather
/// than resolved: tctl never prints it, and readers disagree on which value wins, which is
/// exactly what an altered listing would exploit.
pub fn describe(e: &Error) -> String {
    let at = format!("line {} column {}", e.line, e.column);
    match e.category {
        // Nothing before the end (no line read, no column): tctl printed nothing at all.
        Category::Eof if e.line <= 1 && e.column == 0 => "it printed nothing".to_owned(),
        Category::Eof => format!("it ends in the middle of the JSON, at {at}"),
        Category::Syntax => format!("it is not valid JSON at {at}: {}", e.message),
        Category::Data if e.message.starts_with("duplicate field") => format!(
            "one element has the {} twice, at {at}; which value is true cannot be told, so \
             nothing is guessed",
            e.message.trim_start_matches("duplicate ")
        ),
        Category::Data | Category::Io => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;

    struct Things;

    impl Element for Things {
        const WHAT: &'static str = "things";
        type Of<'a> = BTreeMap<String, String>;
    }

    struct Numbers;

    impl Element for Numbers {
        const WHAT: &'static str = "numbers";
        type Of<'a> = u32;
    }

    fn error_of(json: &str) -> String {
        describe(&each::<Things, _>(json.as_bytes(), usize::MAX, &mut |_| {}).unwrap_err())
    }

    #[test]
    fn errors_say_what_is_wrong_with_the_listing() {
        assert_eq!(error_of(""), "it printed nothing");
        assert_eq!(
            error_of("["),
            "it ends in the middle of the JSON, at line 1 column 1"
        );
        assert_eq!(
            error_of("[{\"a\": \"b\""),
            "it ends in the middle of the JSON, at line 1 column 10"
        );
        assert!(
            error_of("[NaN]")
                .starts_with("it is not valid JSON at line 1 column 2: expected value")
        );
        assert!(error_of("[{\"a\": \"\\ud800\"}]").contains("not valid JSON"));
        assert_eq!(
            error_of("{}"),
            "invalid type: map, expected a JSON array of things (or null) at line 1 column 2"
        );
    }

    #[test]
    fn elements_past_the_maximum_are_counted_not_kept() {
        let mut kept = Vec::new();
        let n = each::<Numbers, _>(&b"[1, 2, 3, {\"x\": [4]}, 5]"[..], 2, &mut |v| {
            kept.push(*v)
        })
        .unwrap();
        assert_eq!((n, kept), (5, vec![1, 2]));
        // The rest must still be JSON: a listing cut short is an error, not a quiet cap.
        assert!(each::<Numbers, _>(&b"[1, 2, 3"[..], 2, &mut |_| {}).is_err());
    }

    #[test]
    fn a_field_given_twice_is_refused_not_resolved() {
        #[derive(serde::Deserialize)]
        struct User {
            #[allow(dead_code)]
            user: String,
        }
        struct Users;
        impl Element for Users {
            const WHAT: &'static str = "events";
            type Of<'a> = User;
        }
        let e = each::<Users, _>(
            &br#"[{"user": "alice", "user": "root"}]"#[..],
            usize::MAX,
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(
            describe(&e),
            "one element has the field `user` twice, at line 1 column 25; which value is true \
             cannot be told, so nothing is guessed"
        );
    }

    #[test]
    fn strings_are_borrowed_from_the_buffer_unless_escaped() {
        #[derive(serde::Deserialize)]
        struct Named<'a> {
            #[serde(borrow)]
            name: std::borrow::Cow<'a, str>,
        }
        struct Names;
        impl Element for Names {
            const WHAT: &'static str = "names";
            type Of<'a> = Named<'a>;
        }
        let mut seen = Vec::new();
        each::<Names, _>(
            &br#"[{"name": "plain"}, {"name": "esc\naped"}]"#[..],
            usize::MAX,
            &mut |n| {
                seen.push((
                    n.name.to_string(),
                    matches!(n.name, std::borrow::Cow::Borrowed(_)),
                ))
            },
        )
        .unwrap();
        assert_eq!(seen, [("plain".into(), true), ("esc\naped".into(), false)]);
    }

    /// The reader of the previous version: serde_json over the whole stream. Every answer
    /// of `each` must be its answer: the same elements, or the same error, at the same
    /// place but for serde_json's own differences between reading a stream and a slice: a
    /// stream places some errors one byte later (after a byte it looked ahead at), and the
    /// array's own level counts towards the nesting limit (128) only in a stream.
    fn reference<T: serde::de::DeserializeOwned>(json: &[u8], max: usize) -> Result<Vec<T>, Said> {
        struct Elements<T>(usize, PhantomData<T>);
        impl<'de, T: serde::de::DeserializeOwned> Visitor<'de> for Elements<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array of things (or null)")
            }
            fn visit_unit<E>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while out.len() < self.0 {
                    match seq.next_element::<T>()? {
                        Some(v) => out.push(v),
                        None => return Ok(out),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(out)
            }
        }
        let mut de = serde_json::Deserializer::from_reader(json);
        let said = |e: serde_json::Error| Said(without_position(&e), e.line(), e.column());
        let out = de
            .deserialize_any(Elements(max, PhantomData))
            .map_err(said)?;
        de.end().map_err(said)?;
        Ok(out)
    }

    /// An error's words and place.
    #[derive(Debug)]
    struct Said(String, usize, usize);

    /// Equal, or a byte apart (which may be across a line end), or about nesting.
    impl PartialEq for Said {
        fn eq(&self, other: &Said) -> bool {
            let (Said(a, line_a, col_a), Said(b, line_b, col_b)) = (self, other);
            let near = (line_a == line_b && col_a.abs_diff(*col_b) <= 1)
                || (line_a + 1 == *line_b && *col_b == 0)
                || (line_b + 1 == *line_a && *col_a == 0);
            a == b && (near || a == "recursion limit exceeded")
        }
    }

    fn ours<T: serde::de::DeserializeOwned + Clone + 'static>(
        json: &[u8],
        max: usize,
        chunk: usize,
    ) -> Result<Vec<T>, Said> {
        struct Owned<T>(PhantomData<T>);
        impl<T: serde::de::DeserializeOwned + 'static> Element for Owned<T> {
            const WHAT: &'static str = "things";
            type Of<'a> = T;
        }
        let mut out = Vec::new();
        each::<Owned<T>, _>(Trickle(json, chunk), max, &mut |v| out.push(v.clone()))
            .map_err(|e| Said(e.message, e.line, e.column))?;
        Ok(out)
    }

    /// A reader that hands out at most `chunk` bytes a call, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Answers `each` and the previous reader must agree on, for documents of every shape.
    pub(crate) const DOCUMENTS: &[&str] = &[
        "",
        " ",
        "null",
        " null \n",
        "nul",
        "nulll",
        "null x",
        "[]",
        "[ ]",
        "[\n]\n",
        "[",
        "[ ",
        "[1",
        "[1,",
        "[1,]",
        "[1 2]",
        "[1,,2]",
        "[,1]",
        "[] x",
        "[]]",
        "{}",
        "{\"a\":1}",
        "\"x\"",
        "1",
        "true",
        "<html>502</html>",
        "[1, 2, 3]",
        "[12x]",
        "[1.5e3, -0, 2]",
        "[1e]",
        "[1.]",
        "[-]",
        "[tru]",
        "[true, false, null]",
        "[\"a\", \"b\\n\", \"\\u00e9\", \"\\ud800\"]",
        "[\"\\ud83d\\ude00\"]",
        "[\"unterminated",
        "[\"a\\",
        "[[1, [2, [3]]], {\"x\": {}}]",
        "[{\"a\": 1 \"b\": 2}]",
        "[{\"a\":1}{\"b\":2}]",
        "[{\"a\":1]}]",
        "[NaN]",
        "[Infinity]",
        "[\n  {\n    \"a\": \"b\"\n  },\n  {\n    \"a\": x\n  }\n]",
        "[\n  1,\n  2\n  3\n]",
        "[\n\n\n",
        "[1]\n\n  x",
        "[\"\t\"]",
        "[18446744073709551616]",
        "[-9223372036854775809]",
        "[1e400]",
        "[\"a\"  ,  \"b\"  ]",
    ];

    #[test]
    fn every_answer_is_the_previous_readers_answer() {
        let mut documents: Vec<Vec<u8>> = DOCUMENTS.iter().map(|d| d.as_bytes().to_vec()).collect();
        documents.push(b"[\"\xff\"]".to_vec());
        documents.push(b"[\"ok\", \"\xc3\"]".to_vec());
        documents.push(b"[\xff]".to_vec());
        documents.push(format!("[{}]", "[".repeat(200) + &"]".repeat(200)).into_bytes());
        documents.push(format!("[\"{}\", 1]", "x".repeat(3 * BUFFER)).into_bytes());
        let big: Vec<String> = (0..5000)
            .map(|i| format!("{{\"n\": {i}, \"s\": \"v{i}\"}}"))
            .collect();
        documents.push(format!("[{}]", big.join(",\n ")).into_bytes());
        documents.push(format!("[{} x]", big.join(",")).into_bytes());
        // Characters of two to four bytes that the chunks and the buffer's refills cut, and
        // bytes that are not UTF-8 before, inside and after text (see `Input::text`).
        documents.push("[\"é\", \"😀x\", \"a😀\", {\"ü\": 1}]".as_bytes().to_vec());
        let wide: Vec<String> = (0..12_000)
            .map(|i| format!("{{\"n\": {i}, \"s\": \"é{i}😀\"}}"))
            .collect();
        let wide = format!("[{}]", wide.join(",\n "));
        documents.push(wide.clone().into_bytes());
        let mut bad = wide.into_bytes();
        let middle = bad.len() / 2;
        let at = middle + bad[middle..].iter().position(|&b| b == b'"').unwrap() + 1;
        bad.insert(at, 0xff);
        documents.push(bad);
        documents.push(b"[\"\xff\", \"\xc3\xa9\", 1]".to_vec());
        documents.push(b"[1, \"\xe2\x82\"]".to_vec());
        for doc in &documents {
            let shown = String::from_utf8_lossy(&doc[..doc.len().min(80)]);
            for max in [0, 1, usize::MAX] {
                let want = reference::<serde_json::Value>(doc, max);
                for chunk in [1, 3, 7, 4096, usize::MAX] {
                    let got = ours::<serde_json::Value>(doc, max, chunk);
                    assert_eq!(got, want, "{shown:?} max {max} chunk {chunk}");
                }
                assert_eq!(
                    ours::<u32>(doc, max, 5),
                    reference::<u32>(doc, max),
                    "{doc:?}"
                );
                assert_eq!(
                    ours::<BTreeMap<String, i64>>(doc, max, 64),
                    reference::<BTreeMap<String, i64>>(doc, max),
                    "{doc:?}"
                );
            }
        }
    }
}
