//! The terminal table: aligned columns fitted to the terminal, short ids, UTC minutes, human
//! durations. Colour is applied only to text that is already escaped and padded.

use std::borrow::Cow;
use std::io::{self, Write};

use nu_ansi_term::{Color, Style as Paint};

use super::Style;
use super::format::{human_duration, short_id, short_time, start_of};
use super::sanitize::{display_width, escape, truncate};
use crate::review::Listing;
use crate::session::{Flag, Session, Severity};

const GAP: &str = "  ";
/// No cell is wider than this, however wide the terminal: one hostile value must not push
/// every other column off screen.
const CELL_CAP: usize = 48;
/// Flexible columns are never squeezed below this.
const MIN_FLEX: usize = 6;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Kind,
    User,
    Target,
    Start,
    Duration,
    Severity,
    Flags,
}

impl Col {
    fn header(self) -> &'static str {
        match self {
            Col::Id => "ID",
            Col::Kind => "KIND",
            Col::User => "USER",
            Col::Target => "TARGET",
            Col::Start => "START (UTC)",
            Col::Duration => "DURATION",
            Col::Severity => "SEVERITY",
            Col::Flags => "FLAGS",
        }
    }

    /// Columns that give up width when the terminal is narrow, most expendable first.
    const FLEX: [Col; 3] = [Col::Target, Col::User, Col::Flags];

    fn cell(self, s: &Session) -> Cow<'_, str> {
        match self {
            Col::Id => escape(short_id(&s.id)),
            Col::Kind => s.kind.as_str().into(),
            Col::User => escape(&s.user),
            Col::Target => escape(&s.target),
            Col::Start => start_of(s).map_or("-".into(), |t| short_time(t).into()),
            Col::Duration => s
                .duration_ms()
                .map_or("-".into(), |ms| human_duration(ms).into()),
            Col::Severity => s.severity.map_or("-", Severity::as_str).into(),
            Col::Flags => s
                .flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(",")
                .into(),
        }
    }
}

pub fn write(out: &mut dyn Write, l: &Listing, style: &Style) -> io::Result<()> {
    if l.sessions.is_empty() {
        return Ok(());
    }
    let mut cols = vec![
        Col::Id,
        Col::Kind,
        Col::User,
        Col::Target,
        Col::Start,
        Col::Duration,
    ];
    if l.sessions.iter().any(|s| s.severity.is_some()) {
        cols.push(Col::Severity);
    }
    if l.sessions.iter().any(|s| !s.flags.is_empty()) {
        cols.push(Col::Flags);
    }
    let rows: Vec<Vec<Cow<str>>> = l
        .sessions
        .iter()
        .map(|s| cols.iter().map(|c| c.cell(s)).collect())
        .collect();
    let widths = fit(&cols, &rows, style.width);

    let header: Vec<String> = cols
        .iter()
        .zip(&widths)
        .map(|(c, &w)| pad(c.header(), w))
        .collect();
    let header = header.join(GAP);
    let header = header.trim_end();
    if style.color {
        writeln!(out, "{}", Paint::new().bold().paint(header))?;
    } else {
        writeln!(out, "{header}")?;
    }
    let mut group = None;
    for (session, row) in l.sessions.iter().zip(&rows) {
        let key = l.grouping.key(session);
        if key.is_some() && key != group {
            let k = key.as_deref().unwrap_or_default();
            let n = l
                .sessions
                .iter()
                .filter(|t| l.grouping.key(t).as_deref() == Some(k))
                .count();
            let heading = truncate(&format!("▸ {} ({n})", escape(k)), style.width).into_owned();
            if style.color {
                writeln!(out, "{}", Paint::new().bold().paint(heading))?;
            } else {
                writeln!(out, "{heading}")?;
            }
            group = key;
        }
        let mut line = String::new();
        for (i, ((col, cell), &w)) in cols.iter().zip(row).zip(&widths).enumerate() {
            if i > 0 {
                line.push_str(GAP);
            }
            let text = pad(&truncate(cell, w), w);
            let text = if i + 1 == cols.len() {
                text.trim_end().to_owned()
            } else {
                text
            };
            match paint(*col, session).filter(|_| style.color) {
                Some(p) => line.push_str(&p.paint(text).to_string()),
                None => line.push_str(&text),
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Column widths: each column's widest cell (capped), then the flexible columns shrink, widest
/// first, until the row fits the terminal or they reach their minimum.
fn fit(cols: &[Col], rows: &[Vec<Cow<str>>], width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| display_width(&r[i]))
                .chain([c.header().len()])
                .max()
                .unwrap_or(0)
                .min(CELL_CAP)
        })
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * (w.len() - 1);
    while total(&widths) > width {
        let widest = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| Col::FLEX.contains(c) && widths[*i] > MIN_FLEX)
            .max_by_key(|(i, _)| widths[*i])
            .map(|(i, _)| i);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{:fill$}", "")
}

fn paint(col: Col, s: &Session) -> Option<Paint> {
    match col {
        Col::Severity => s.severity.map(|sev| match sev {
            Severity::Critical => Color::Red.bold(),
            Severity::High => Color::Red.normal(),
            Severity::Medium => Color::Yellow.normal(),
            Severity::Low => Color::Green.normal(),
        }),
        Col::Flags if s.flags.contains(&Flag::SuspiciousText) => Some(Color::Magenta.bold()),
        Col::Flags if !s.flags.is_empty() => Some(Color::Yellow.normal()),
        Col::Id => Some(Paint::new().dimmed()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Kind, Origin};
    use crate::window::Window;

    fn listing(sessions: Vec<Session>) -> Listing {
        Listing::new(
            Window {
                from: "2026-06-02T21:00:00Z".parse().unwrap(),
                to: "2026-06-03T21:00:00Z".parse().unwrap(),
            },
            "ended",
            sessions,
        )
    }

    fn session(id: &str, user: &str, target: &str) -> Session {
        let mut s = Session::new(id.into(), Kind::Ssh, Origin::Ls);
        s.user = user.into();
        s.target = target.into();
        s.start = Some("2026-06-03T20:30:00Z".parse().unwrap());
        s.end = Some("2026-06-03T20:35:12Z".parse().unwrap());
        s
    }

    fn render(l: &Listing, width: usize, color: bool) -> String {
        let mut out = Vec::new();
        write(&mut out, l, &Style { color, width }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn aligned_columns_with_short_ids() {
        let l = listing(vec![
            session("4c1c2f4e-5a8f-4b47-9f3e-111111111111", "alice", "web-01"),
            session("9d2e7a10-5a8f-4b47-9f3e-222222222222", "bob", "db-01.prod"),
        ]);
        let text = render(&l, 120, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "ID        KIND  USER   TARGET      START (UTC)       DURATION"
        );
        assert_eq!(
            lines[1],
            "4c1c2f4e  ssh   alice  web-01      2026-06-03 20:30  5m12s"
        );
        assert_eq!(
            lines[2],
            "9d2e7a10  ssh   bob    db-01.prod  2026-06-03 20:30  5m12s"
        );
        assert!(!text.contains("SEVERITY"), "no row has a severity");
    }

    #[test]
    fn severity_column_appears_when_a_row_has_one() {
        let mut s = session("4c1c2f4e-5a8f-4b47-9f3e-111111111111", "alice", "web-01");
        s.severity = Some(Severity::High);
        let t = session("9d2e7a10-5a8f-4b47-9f3e-222222222222", "bob", "db");
        let text = render(&listing(vec![s, t]), 120, false);
        assert!(text.lines().next().unwrap().ends_with("SEVERITY"));
        assert!(text.lines().nth(1).unwrap().ends_with("high"));
        assert!(text.lines().nth(2).unwrap().ends_with("-"));
    }

    #[test]
    fn narrow_terminals_squeeze_flexible_columns() {
        let long = "a-very-long-hostname-that-goes-on.example.internal";
        let l = listing(vec![session("4c1c2f4e-5a8f", "alice", long)]);
        let text = render(&l, 70, false);
        for line in text.lines() {
            assert!(display_width(line) <= 70, "{line:?}");
        }
        assert!(text.contains('…'));
    }

    #[test]
    fn hostile_cells_are_escaped_and_cannot_break_the_layout() {
        let l = listing(vec![session(
            "4c1c2f4e-5a8f",
            "mal\x1b]0;owned\x07lory",
            "web\u{202e}10-bew\nfake row",
        )]);
        let text = render(&l, 200, true);
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("mal\\x1b]0;owned\\x07lory"));
        assert!(text.contains("web\\u{202e}10-bew\\x0afake row"));
        assert!(!text.contains('\u{202e}') && !text.contains('\x07'));
    }

    #[test]
    fn colour_only_when_asked() {
        let mut s = session("4c1c2f4e-5a8f", "alice", "web");
        s.severity = Some(Severity::Critical);
        let l = listing(vec![s]);
        assert!(!render(&l, 100, false).contains('\x1b'));
        let coloured = render(&l, 100, true);
        assert!(coloured.contains("\x1b[1;31mcritical"));
    }
}
