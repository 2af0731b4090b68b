//! The fuzz targets' bodies, shared with `tests/fuzz_corpus.rs`, which replays the kept
//! corpus through them on every `cargo test`. Each panics when its property fails.

#![allow(dead_code)]

use jiff::Timestamp;
use tsh_review::internals::parse as tsh;
use tsh_review::internals::parse::{
    Builder, Detail, Normalizer, Session, parse_events, parse_summaries, session,
};
use tsh_review::internals::probe;
use tsh_review::internals::render::{self, Format, Listing, Style};
use tsh_review::internals::text::{
    self as sanitize, display_width, escape_bytes, is_dangerous, truncate,
};
use tsh_review::internals::window::{self, Window, WindowArgs};

/// `recordings ls` output: parse, normalize, render. No panic, nothing raw on the way out,
/// and a row reads the same whether the listing kept every field or a row's worth.
pub fn ls(data: &[u8]) {
    let [full, rows] = [Detail::Full, Detail::Row].map(|detail| {
        let mut normalizer = Normalizer::new(detail);
        // A parse error after some elements still leaves a partial answer to render.
        let _ = parse_events(data, usize::MAX, &mut |ev| normalizer.push(ev));
        normalizer.finish().sessions
    });
    same_rows(&full, &rows);
    render_everywhere(full);
    render_everywhere(rows);
}

/// `recordings search` output: parse, turn into sessions, render.
pub fn search(data: &[u8]) {
    let [full, rows] = [Detail::Full, Detail::Row].map(|detail| {
        let mut sessions = Vec::new();
        let mut builder = Builder::new(detail);
        let _ = parse_summaries(data, usize::MAX, &mut |s| {
            if let Ok(s) = session(s, &mut builder) {
                sessions.push(s);
            }
        });
        sessions
    });
    same_rows(&full, &rows);
    render_everywhere(full);
}

/// Every row is the same in both listings (its names, times, facts and flags): what a row
/// listing leaves out is never shown in one.
fn same_rows(full: &[Session], rows: &[Session]) {
    assert_eq!(full.len(), rows.len());
    for (a, b) in full.iter().zip(rows) {
        assert_eq!(a.id(), b.id());
        assert_eq!((a.user(), a.login()), (b.user(), b.login()));
        assert_eq!((a.target(), a.cluster()), (b.target(), b.cluster()));
        assert_eq!((a.kind, a.start, a.end), (b.kind, b.start, b.end));
        assert_eq!(
            (a.severity, a.interactive, a.recorded),
            (b.severity, b.interactive, b.recorded)
        );
        assert_eq!(a.flags, b.flags);
        assert_eq!(a.extra().access_requests, b.extra().access_requests);
    }
}

/// `tsh status --format=json` and `tsh version --format=json` (the forms tsh-review asks
/// for), the profile's expiry, and the version comparison.
pub fn tsh(data: &[u8]) {
    if let Ok(Some(p)) = tsh::parse_status_json(data) {
        let _ = p.expired(jiff::Timestamp::UNIX_EPOCH);
    }
    let _ = tsh::parse_version_json(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tsh::version_at_least(text, (18, 2, 0));
    }
}

/// The proxy's `/web/config.js` body, and the verdict drawn from it.
pub fn config_js(data: &[u8]) {
    if let Ok(body) = std::str::from_utf8(data)
        && let Ok(capability) = probe::parse_config_js(body)
    {
        let _ = probe::verdict(&capability);
    }
}

/// Durations, quarters and --since/--from/--to windows. Property: a window that resolves is
/// non-empty and never ends in the future.
pub fn window(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = window::parse_duration(text);
    if let Ok(q) = window::quarter(text) {
        assert!(q.from < q.to);
        let _ = window::quarter_name(&q);
    }
    // Split the input into up to three option values.
    let mut parts = text.splitn(3, '\u{0}');
    let pick = |p: Option<&str>| p.filter(|s| !s.is_empty()).map(str::to_owned);
    let args = WindowArgs {
        since: pick(parts.next()),
        from: pick(parts.next()),
        to: pick(parts.next()),
    };
    let now = Timestamp::from_second(1_780_000_000).unwrap();
    if let Ok((w, _)) = window::resolve(&args, now) {
        assert!(w.from < w.to && w.to <= now, "{args:?} gave {w:?}");
        assert!(w.from >= window::earliest(), "{args:?} gave {w:?}");
        let _ = window::format_instant(w.from);
    }
}

/// The escaping function. Property: output never contains a raw control, bidi or C1
/// character, truncation never cuts an escape in half, and escaped text is never narrower
/// than its budget allows.
pub fn escaping(data: &[u8]) {
    let raw = escape_bytes(data);
    assert!(!raw.chars().any(is_dangerous), "escape_bytes left {raw:?}");
    if let Ok(text) = std::str::from_utf8(data) {
        let escaped = sanitize::escape(text);
        assert!(
            !escaped.chars().any(is_dangerous),
            "escape left {escaped:?}"
        );
        assert_eq!(escaped, raw, "the str and bytes escapes agree on UTF-8");
        for max in [0, 1, 5, 17, 80] {
            let cut = truncate(&escaped, max);
            assert!(display_width(&cut) <= max, "{cut:?} is wider than {max}");
            assert!(!cut.chars().any(is_dangerous));
            if cut.len() < escaped.len() {
                let kept = cut.strip_suffix('…').unwrap_or(&cut);
                assert!(escaped.starts_with(kept));
            }
        }
        // Without backslashes of its own in the text, every backslash in the escaped text
        // starts an escape: a cut must keep each one whole. (A literal `\u{` in the text is
        // the text's own and may be cut like any other.)
        let own: String = text.chars().filter(|&c| c != '\\').collect();
        let escaped = sanitize::escape(&own);
        for max in [1, 3, 5, 8, 13, 17, 80] {
            let cut = truncate(&escaped, max);
            let kept = cut.strip_suffix('…').unwrap_or(&cut);
            for (at, _) in kept.match_indices('\\') {
                let rest = &kept[at..];
                let whole = if rest.starts_with("\\x") {
                    rest.len() >= 4
                } else {
                    rest.starts_with("\\u{") && rest.contains('}')
                };
                assert!(whole, "half an escape in {cut:?} (max {max})");
            }
            // The table's cut keeps the first escape whenever the budget allows it.
            let kept = sanitize::cut(&escaped, max);
            assert!(display_width(&kept) <= max, "{kept:?} is wider than {max}");
            assert!(!kept.chars().any(is_dangerous));
            if let Some(at) = escaped.find('\\')
                && max >= sanitize::keep_width(&escaped)
            {
                let first = &escaped[at..];
                let len = if first.starts_with("\\x") {
                    4
                } else {
                    first.find('}').map_or(first.len(), |end| end + 1)
                };
                assert!(kept.contains(&first[..len]), "{kept:?} lost {first:?}");
            }
        }
    }
}

/// Whatever the bytes, rendering the result in every format writes no raw control, bidi or
/// C1 character (only the formats' own line and field separators).
fn render_everywhere(sessions: Vec<Session>) {
    let window = Window {
        from: Timestamp::from_second(1_700_000_000).unwrap(),
        to: Timestamp::from_second(1_800_000_000).unwrap(),
    };
    let mut listing = Listing::new(window, "ended", sessions);
    listing.note_suspicious();
    for format in [
        Format::Table,
        Format::Tsv,
        Format::Csv,
        Format::Markdown,
        Format::Json,
    ] {
        for width in [20, 200] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let style = Style {
                color: false,
                width,
            };
            render::listing(&mut out, &mut err, &listing, format, &style).unwrap();
            assert_clean(&out);
            assert_clean(&err);
        }
    }
}

fn assert_clean(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("renderers write UTF-8");
    if let Some(c) = text
        .chars()
        .find(|&c| sanitize::is_dangerous(c) && !matches!(c, '\n' | '\t' | '\r'))
    {
        panic!("raw {:?} reached the output: {text:?}", c);
    }
}

/// Recording content (`tsh play --format text` bytes). The first byte seeds how the rest is
/// cut into chunks. Properties: the same lines, flags and grep events whatever the chunking;
/// no line or hidden text beyond its cap; no raw C0, DEL or C1 control in what the terminal
/// model reconstructs (displayed, erased and concealed text; OSC text is raw by design);
/// match spans inside their text, on character boundaries.
pub fn content(data: &[u8]) {
    use tsh_review::internals::content::{
        Context, Event, Line, MAX_COLUMNS, MAX_HIDDEN, Matcher, Options, Scanner, Screen, Within,
    };

    let Some((&seed, input)) = data.split_first() else {
        return;
    };
    let lines = |cuts: &mut dyn FnMut() -> usize| {
        let mut screen = Screen::new();
        let mut lines: Vec<Line> = Vec::new();
        let mut rest = input;
        while !rest.is_empty() {
            let (now, later) = rest.split_at(cuts().min(rest.len()));
            screen.feed(now, &mut |l: &Line| lines.push(l.clone()));
            rest = later;
        }
        screen.finish(&mut |l: &Line| lines.push(l.clone()));
        (lines, screen.flags())
    };
    let whole = lines(&mut || usize::MAX);
    let mut state = u32::from(seed) | 0x100;
    let mut next = move || {
        // xorshift: chunk sizes 1..=16, mostly small, to split every kind of sequence.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 16) as usize + 1
    };
    assert_eq!(lines(&mut next), whole, "chunking changed the lines");
    assert_eq!(lines(&mut || 1), whole, "byte-at-a-time changed the lines");

    let raw = |c: char| matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}');
    for (i, line) in whole.0.iter().enumerate() {
        assert_eq!(line.number, i as u64 + 1);
        assert!(
            line.text.chars().count() <= MAX_COLUMNS,
            "line over the cap"
        );
        assert!(
            !line.text.chars().any(raw),
            "raw control in {:?}",
            line.text
        );
        let hidden: usize = line.hidden.iter().map(|h| h.text.chars().count()).sum();
        assert!(hidden <= MAX_HIDDEN, "hidden text over the cap");
        for h in &line.hidden {
            assert_ne!(h.kind, Within::Displayed);
            assert!(!h.text.is_empty());
            if !h.kind.is_sequence() {
                assert!(!h.text.chars().any(raw), "raw control in {:?}", h.text);
            }
        }
    }

    let matcher = Matcher::new(&["(?i)sudo", "a", r"\d+", "x.y"], Options::default())
        .expect("the patterns compile");
    let grep = |chunk: usize| {
        let mut scanner = Scanner::new(matcher.clone(), Context::both(2));
        let mut events: Vec<Event> = Vec::new();
        for part in input.chunks(chunk) {
            events.extend(scanner.feed(part));
        }
        let (last, summary) = scanner.finish();
        events.extend(last);
        (events, summary)
    };
    let (events, summary) = grep(input.len().max(1));
    assert_eq!(
        grep(3),
        (events.clone(), summary),
        "chunking changed the matches"
    );
    assert_eq!(summary.lines, whole.0.len() as u64);
    for event in &events {
        if let Event::Line(hit) = event {
            for m in &hit.matches {
                let text = m.text(&hit.line);
                for span in &m.spans {
                    assert!(
                        text.get(span.clone()).is_some(),
                        "span {span:?} outside {text:?}"
                    );
                }
            }
        }
    }
}
