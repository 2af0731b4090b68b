//! `grep`'s output, written a session at a time as the replays finish. On a terminal: matches
//! grouped by session under a heading (id, user@target, start), matching lines `N:` and
//! context `N-` as grep writes them, the match highlighted. Elsewhere: one row per match
//! (tsv, csv, markdown, a JSON array). Every line is what a session's user typed or printed:
//! escaped piece by piece, never interpreted.

use std::io::{self, Write};

use jiff::Timestamp;
use nu_ansi_term::{Color, Style as Paint};
use serde::Serialize;

use super::columns::{Column, or_dash, plain as col};
use super::{Format, delimited, markdown};
use crate::content::{Event, Hit, Line, Match, Within};
use crate::review::grep::Scanned;
use crate::session::Session;
use crate::teleport::NoReplay;
use crate::text::format::{rfc3339, short_time};
use crate::text::sanitize::escape;

/// One match, as a row.
pub struct Row {
    id: String,
    kind: &'static str,
    user: String,
    target: String,
    start: Option<Timestamp>,
    line: u64,
    within: &'static str,
    /// Raw: escaped by the cells.
    text: String,
    flags: String,
}

/// The columns of a match row (`--format tsv|csv|markdown`; the JSON keys are the same).
pub static COLUMNS: [Column<Row>; 9] = [
    col("id", "ID", |r| escape(&r.id)),
    col("kind", "Kind", |r| r.kind.into()),
    col("user", "User", |r| escape(&r.user)),
    col("target", "Target", |r| escape(&r.target)),
    col("start", "Start (UTC)", |r| {
        r.start.map_or("".into(), |t| rfc3339(t).into())
    }),
    col("line", "Line", |r| r.line.to_string().into()),
    col("within", "In", |r| r.within.into()),
    col("text", "Text", |r| escape(&r.text)),
    col("flags", "Flags", |r| r.flags.as_str().into()),
];

#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    kind: &'static str,
    user: &'a str,
    target: &'a str,
    start: Option<String>,
    line: u64,
    within: &'static str,
    text: &'a str,
    flags: Vec<&'a str>,
}

/// Writes grep's results as they come.
pub struct Writer<'w> {
    out: &'w mut dyn Write,
    format: Format,
    color: bool,
    /// Whether anything was written yet (JSON's commas, a blank line between groups).
    started: bool,
}

impl<'w> Writer<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format, color: bool) -> Writer<'w> {
        Writer {
            out,
            format,
            color,
            started: false,
        }
    }

    /// What comes before any result: CSV's header, markdown's, JSON's `[`.
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Csv => delimited::header(self.out, &COLUMNS, delimited::Dialect::Csv),
            Format::Markdown => {
                let titles: Vec<&str> = COLUMNS.iter().map(|c| c.title).collect();
                writeln!(self.out, "| {} |", titles.join(" | "))?;
                writeln!(self.out, "|{}", "---|".repeat(COLUMNS.len()))
            }
            Format::Json => write!(self.out, "["),
            Format::Table | Format::Tsv => Ok(()),
        }
    }

    /// One session's matches.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn session(&mut self, s: &Scanned) -> io::Result<()> {
        if self.format == Format::Table {
            self.group(s)?;
        } else {
            let rows = rows(s);
            match self.format {
                Format::Tsv => {
                    delimited::write_rows(self.out, &COLUMNS, &rows, delimited::Dialect::Tsv)?
                }
                Format::Csv => {
                    delimited::write_rows(self.out, &COLUMNS, &rows, delimited::Dialect::Csv)?
                }
                Format::Markdown => {
                    for r in &rows {
                        let cells: Vec<String> = COLUMNS
                            .iter()
                            .map(|c| markdown::cell(&(c.machine)(r)))
                            .collect();
                        writeln!(self.out, "| {} |", cells.join(" | "))?;
                    }
                }
                Format::Json => {
                    for r in &rows {
                        write!(self.out, "{}\n  ", if self.started { "," } else { "" })?;
                        self.started = true;
                        let flags: Vec<&str> =
                            r.flags.split(',').filter(|f| !f.is_empty()).collect();
                        let row = JsonRow {
                            id: &r.id,
                            kind: r.kind,
                            user: &r.user,
                            target: &r.target,
                            start: r.start.map(rfc3339),
                            line: r.line,
                            within: r.within,
                            text: &r.text,
                            flags,
                        };
                        super::json::compact(self.out, &row)?;
                    }
                }
                Format::Table => {}
            }
        }
        self.out.flush()
    }

    pub fn end(&mut self) -> io::Result<()> {
        if self.format == Format::Json {
            writeln!(self.out, "{}]", if self.started { "\n" } else { "" })?;
        }
        self.out.flush()
    }

    /// A terminal's group: the heading, then the lines.
    fn group(&mut self, s: &Scanned) -> io::Result<()> {
        if self.started {
            writeln!(self.out)?;
        }
        self.started = true;
        let session = &s.session;
        // `-` for a name tctl left out, as the listings write it.
        let mut heading = format!(
            "{}  {}@{}  {}",
            escape(&session.id().to_string()),
            or_dash(escape(session.user())),
            or_dash(escape(session.target())),
            session.kind.as_str(),
        );
        if let Some(login) = session.login() {
            heading.push_str(&format!(" as {}", escape(login)));
        }
        // A session without a start (tctl left it out) is placed by its end, and says so.
        match (session.start.get(), session.end.get()) {
            (Some(t), _) => heading.push_str(&format!("  {} UTC", short_time(t))),
            (None, Some(t)) => heading.push_str(&format!("  ended {} UTC", short_time(t))),
            (None, None) => {}
        }
        let flags = flags(s);
        if !flags.is_empty() {
            heading.push_str(&format!("  [{flags}]"));
        }
        match s.cut_short {
            Some(NoReplay::TimedOut) => {
                heading.push_str("  (cut short at --timeout: the lines read before)")
            }
            Some(_) => heading.push_str("  (replay failed part way: the lines read before)"),
            None => {}
        }
        if self.color {
            writeln!(self.out, "{}", Paint::new().bold().paint(heading))?;
        } else {
            writeln!(self.out, "{heading}")?;
        }
        for event in &s.events {
            match event {
                Event::Separator => writeln!(self.out, "--")?,
                Event::Line(hit) if hit.is_context() => {
                    writeln!(self.out, "{}-{}", hit.line.number, escape(&hit.line.text))?
                }
                Event::Line(hit) => self.hit(hit)?,
            }
        }
        if s.dropped > 0 {
            writeln!(
                self.out,
                "… {} more lines of this session not shown",
                s.dropped
            )?;
        }
        Ok(())
    }

    /// A matching line: each of its matches, the hidden ones saying where they were.
    fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        for m in &hit.matches {
            let label = match m.within {
                Within::Displayed => "",
                Within::Erased => "[erased] ",
                Within::Concealed => "[concealed] ",
                Within::Title => "[title] ",
                Within::Clipboard => "[clipboard] ",
                Within::Link => "[link] ",
            };
            let text = highlighted(m, &hit.line, self.color);
            writeln!(self.out, "{}:{label}{text}", hit.line.number)?;
        }
        Ok(())
    }
}

/// The match's text, escaped a piece at a time (so the spans still fit), the matches painted.
fn highlighted(m: &Match, line: &Line, color: bool) -> String {
    let text = m.text(line);
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for span in &m.spans {
        let (start, end) = (span.start.min(text.len()), span.end.min(text.len()));
        if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&escape(&text[at..start]));
        let piece = escape(&text[start..end]);
        if color {
            out.push_str(&Color::Red.bold().paint(piece.as_ref()).to_string());
        } else {
            out.push_str(&piece);
        }
        at = end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The session's flags: its record's (suspicious-text...) and what its recording did.
fn flags(s: &Scanned) -> String {
    let mut all: Vec<&str> = s.session.flags.iter().map(|f| f.as_str()).collect();
    for f in s.summary.flags.iter() {
        if !all.contains(&f.as_str()) {
            all.push(f.as_str());
        }
    }
    all.join(",")
}

/// One row per match (context lines are for people).
fn rows(s: &Scanned) -> Vec<Row> {
    let session: &Session = &s.session;
    let flags = flags(s);
    let mut rows = Vec::new();
    for event in &s.events {
        let Event::Line(hit) = event else { continue };
        for m in &hit.matches {
            rows.push(Row {
                id: session.id().to_string(),
                kind: session.kind.as_str(),
                user: session.user().to_owned(),
                target: session.target().to_owned(),
                start: session.start.get(),
                line: hit.line.number,
                within: m.within.as_str(),
                text: m.text(&hit.line).to_owned(),
                flags: flags.clone(),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Context, Matcher, Options, Scanner};
    use crate::session::{Kind, Origin};

    fn scanned(bytes: &[u8], pattern: &str) -> Scanned {
        let matcher = Matcher::new(&[pattern], Options::default()).unwrap();
        let mut scanner = Scanner::new(matcher, Context::both(1));
        let mut events: Vec<Event> = scanner.feed(bytes).collect();
        let (last, summary) = scanner.finish();
        events.extend(last);
        let mut session = Session::new(
            "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
            Kind::Ssh,
            Origin::Ls,
        );
        session.set_user("mallory");
        session.set_target("web\u{202e}01");
        Scanned {
            session,
            events,
            dropped: 0,
            summary,
            cut_short: None,
        }
    }

    fn render(s: &Scanned, format: Format, color: bool) -> String {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, format, color);
        w.begin().unwrap();
        w.session(s).unwrap();
        w.end().unwrap();
        String::from_utf8(out).unwrap()
    }

    const BYTES: &[u8] =
        b"$ ls\r\n$ sudo rm -rf /var/log/audit\x08 \x08\x08 \x08\x08 \x08\x08 \x08\x08 \x08echo\r\n$ \x1b]0;x\x07id\r\n";

    #[test]
    fn a_terminal_group_has_a_heading_context_and_the_erased_match() {
        let s = scanned(BYTES, "audit");
        let text = render(&s, Format::Table, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0]
                .starts_with("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f  mallory@web\\u{202e}01  ssh"),
            "{text}"
        );
        assert!(lines[0].contains("erased-input"), "{text}");
        assert!(text.contains("1-$ ls\n"), "{text}");
        assert!(
            text.contains("2:[erased] $ sudo rm -rf /var/log/audit"),
            "{text}"
        );
        assert!(!text.contains('\u{202e}') && !text.contains('\x1b'));
    }

    #[test]
    fn matches_are_highlighted_only_in_colour() {
        let s = scanned(b"$ cat /etc/shadow\r\n", "shadow");
        assert!(render(&s, Format::Table, true).contains("\x1b[1;31mshadow\x1b[0m"));
        assert!(!render(&s, Format::Table, false).contains('\x1b'));
    }

    #[test]
    fn one_row_per_match_in_every_data_format() {
        let s = scanned(BYTES, "audit|id");
        let tsv = render(&s, Format::Tsv, false);
        let rows: Vec<&str> = tsv.lines().collect();
        assert_eq!(rows.len(), 2, "{tsv}");
        assert_eq!(rows[0].split('\t').nth(6), Some("erased"));
        assert_eq!(rows[0].split('\t').nth(5), Some("2"));
        let csv = render(&s, Format::Csv, false);
        assert!(csv.starts_with("id,kind,user,target,start,line,within,text,flags\r\n"));
        let json: serde_json::Value =
            serde_json::from_str(&render(&s, Format::Json, false)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
        assert_eq!(json[0]["within"], "erased");
        assert!(
            json[0]["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "erased-input")
        );
        let md = render(&s, Format::Markdown, false);
        assert_eq!(md.lines().count(), 4, "{md}");
    }
}
