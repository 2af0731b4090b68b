//! The terminal table: the columns of [`super::columns`], fitted to the terminal. Colour is
//! applied only to text that is already escaped and padded.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::io::{self, Write};

use nu_ansi_term::Style as Paint;

use super::Style;
use super::columns::{Column, Fit};
use crate::text::sanitize::{cut, display_width, escape, keep_width};

const GAP: &str = "  ";
/// Between columns when the cut table does not fit with [`GAP`].
const NARROW_GAP: &str = " ";
/// When the table does not fit whole, no cell is wider than this: one hostile value must not
/// push every other column off screen. A table that fits is never cut: on a wide terminal
/// a long FLAGS list (the evasions `--verify` exists to show) is read whole.
const CELL_CAP: usize = 48;
/// Cut columns are never squeezed below this (nor below what keeps their first escape).
const MIN_CUT: usize = 6;
/// A cut column gives up its width beyond this before a date or a duration gives way: one
/// long pod name should not cost every row its time.
const COMFORT: usize = 24;

/// `rows` under the columns the table shows, with a heading wherever `group` changes.
pub fn write<R>(
    out: &mut dyn Write,
    cols: &[Column<R>],
    rows: &[R],
    style: &Style,
    group: &dyn Fn(&R) -> Option<String>,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut laid: Vec<Laid<R>> = cols
        .iter()
        .filter(|c| c.shown(c.table, rows))
        .map(|c| Laid::new(c, rows))
        .collect();
    let gap = fit(&mut laid, rows, style.width);

    let header: Vec<String> = laid
        .iter()
        .map(|l| pad(&l.col.title.to_uppercase(), l.width))
        .collect();
    let header = header.join(gap);
    line(
        out,
        header.trim_end(),
        style.color.then(|| Paint::new().bold()),
    )?;
    let mut current = None;
    for (i, row) in rows.iter().enumerate() {
        let key = group(row);
        if key.is_some() && key != current {
            let n = rows[i..].iter().take_while(|r| group(r) == key).count();
            let k = key.as_deref().unwrap_or_default();
            let heading = cut(&format!("▸ {} ({n})", escape(k)), style.width).into_owned();
            line(out, &heading, style.color.then(|| Paint::new().bold()))?;
            current = key;
        }
        let mut text = String::new();
        for (j, l) in laid.iter().enumerate() {
            if j > 0 {
                text.push_str(gap);
            }
            let cell = pad(&cut(&l.cells[i], l.width), l.width);
            let cell = if j + 1 == laid.len() {
                cell.trim_end()
            } else {
                &cell
            };
            match (l.col.paint)(row).filter(|_| style.color) {
                Some(p) => text.push_str(&p.paint(cell).to_string()),
                None => text.push_str(cell),
            }
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

fn line(out: &mut dyn Write, text: &str, paint: Option<Paint>) -> io::Result<()> {
    match paint {
        Some(p) => writeln!(out, "{}", p.paint(text)),
        None => writeln!(out, "{text}"),
    }
}

/// A column as laid out: the form of its cells in use, and its width.
struct Laid<'c, 'r, R: 'static> {
    col: &'c Column<R>,
    form: usize,
    cells: Vec<Cow<'r, str>>,
    /// The widest cell (capped) or the header.
    natural: usize,
    /// The widest cell uncapped, or the header: the width when the whole table fits.
    whole: usize,
    width: usize,
}

impl<'c, 'r, R> Laid<'c, 'r, R> {
    fn new(col: &'c Column<R>, rows: &'r [R]) -> Self {
        let mut laid = Laid {
            col,
            form: 0,
            cells: Vec::new(),
            natural: 0,
            whole: 0,
            width: 0,
        };
        laid.use_form(0, rows);
        laid
    }

    fn use_form(&mut self, form: usize, rows: &'r [R]) {
        let cell = self.col.form(form);
        self.form = form;
        self.cells = rows.iter().map(cell).collect();
        let widest = self
            .cells
            .iter()
            .map(|c| display_width(c))
            .max()
            .unwrap_or(0);
        self.whole = widest.max(self.col.title.len());
        self.natural = widest.min(CELL_CAP).max(self.col.title.len());
        self.width = self.natural;
    }

    /// The narrowest this column may be cut to.
    fn min(&self) -> usize {
        let escapes = self.cells.iter().map(|c| keep_width(c)).max().unwrap_or(0);
        MIN_CUT
            .max(escapes)
            .max(self.col.title.len())
            .min(self.natural)
    }
}

/// Every cell whole when that fits the width. Otherwise cells are capped at [`CELL_CAP`],
/// and the width goes to the columns that matter first: shorter forms (a date without its year, when
/// every row is of one year), then
/// long cut columns down to [`COMFORT`], then the `Drop` columns leave, and only then are the
/// cut columns cut further (see [`shrink`]), never below what keeps their first escape
/// visible. Past that, the gap narrows and the `Last` columns leave. Returns the gap.
fn fit<'r, R>(laid: &mut Vec<Laid<'_, 'r, R>>, rows: &'r [R], width: usize) -> &'static str {
    let total_with = |l: &[Laid<R>], gap: &str| {
        l.iter().map(|c| c.width).sum::<usize>() + gap.len() * l.len().saturating_sub(1)
    };
    let total = |l: &[Laid<R>]| total_with(l, GAP);
    let whole =
        laid.iter().map(|l| l.whole).sum::<usize>() + GAP.len() * laid.len().saturating_sub(1);
    if whole <= width {
        for l in laid.iter_mut() {
            l.width = l.whole;
        }
        return GAP;
    }
    while total(laid) > width {
        let Some(l) = laid
            .iter_mut()
            .find(|l| l.form + 1 < l.col.forms_count() && (l.col.narrower)(rows))
        else {
            break;
        };
        let next = l.form + 1;
        l.use_form(next, rows);
    }
    shrink(laid, width, |l| COMFORT.min(l.natural).max(l.min()));
    while total(laid) > width {
        let dropped = laid
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.col.fit {
                Fit::Drop(rank) => Some((rank, i)),
                _ => None,
            })
            .min();
        match dropped {
            Some((_, i)) => {
                laid.remove(i);
            }
            None => break,
        }
    }
    shrink(laid, width, Laid::min);
    if total(laid) <= width {
        return GAP;
    }
    while total_with(laid, NARROW_GAP) > width {
        let last = laid
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.col.fit {
                Fit::Last(rank) => Some((rank, i)),
                _ => None,
            })
            .min();
        match last {
            Some((_, i)) => {
                laid.remove(i);
            }
            None => break,
        }
    }
    NARROW_GAP
}

/// Narrow the cut columns, lowest rank and then widest first, until the row fits or each is
/// at its `floor`.
fn shrink<'c, 'r, R>(
    laid: &mut [Laid<'c, 'r, R>],
    width: usize,
    floor: impl Fn(&Laid<'c, 'r, R>) -> usize,
) {
    let floors: Vec<usize> = laid.iter().map(&floor).collect();
    let gaps = GAP.len() * laid.len().saturating_sub(1);
    let mut total: usize = laid.iter().map(|l| l.width).sum::<usize>() + gaps;
    while total > width {
        let widest = laid
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.col.fit {
                Fit::Cut(rank) | Fit::Last(rank) if l.width > floors[i] => {
                    Some((Reverse(rank), l.width, i))
                }
                _ => None,
            })
            .max()
            .map(|(_, _, i)| i);
        match widest {
            Some(i) => {
                laid[i].width -= 1;
                total -= 1;
            }
            None => break,
        }
    }
}

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{:fill$}", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::columns::SESSION;
    use crate::review::Listing;
    use crate::session::{Kind, Origin, Session, Severity};
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
        let mut s = Session::new(id, Kind::Ssh, Origin::Ls);
        s.set_user(user);
        s.set_target(target);
        s.start = "2026-06-03T20:30:00Z".parse().unwrap();
        s.end = "2026-06-03T20:35:12Z".parse().unwrap();
        s
    }

    fn render(l: &Listing, width: usize, color: bool) -> String {
        let mut out = Vec::new();
        let style = Style { color, width };
        write(&mut out, &SESSION, &l.sessions, &style, &|s| {
            l.grouping.key(s)
        })
        .unwrap();
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
    fn a_long_value_gives_way_before_the_times_and_the_times_before_short_values() {
        let long = "a-pod-name-that-goes-on-and-on-and-on-forever";
        let l = listing(vec![session("4c1c2f4e-5a8f", "alice", long)]);
        let row = |width| {
            let text = render(&l, width, false);
            assert!(text.lines().all(|line| display_width(line) <= width));
            text.lines().nth(1).unwrap().to_owned()
        };
        assert!(row(100).contains(&format!("{long}  2026-06-03 20:30  5m12s")));
        let at_80 = row(80);
        assert!(at_80.contains("…  06-03 20:30  5m12s"), "{at_80}");
        let at_60 = row(60);
        assert!(
            at_60.contains("a-pod-name-that-goes-on…  06-03 20:30"),
            "{at_60}"
        );
        assert!(!at_60.contains("5m12s"), "{at_60}");
        let at_40 = row(40);
        assert!(
            at_40.starts_with("4c1c2f4e  ssh   alice  a-pod-name-that-…"),
            "{at_40}"
        );
        assert!(!at_40.contains("20:30"), "{at_40}");
    }

    /// The cap is for tables that do not fit: on a wide terminal a long value is whole, on a
    /// narrower one it is cut to the cap before anything else gives way.
    #[test]
    fn a_value_longer_than_the_cap_is_whole_when_the_table_fits() {
        let long = "a-deployment-name-that-goes-on-and-on.and-on.example.internal";
        assert!(long.len() > CELL_CAP);
        let l = listing(vec![session("4c1c2f4e-5a8f", "alice", long)]);
        let wide = render(&l, 200, false);
        assert!(
            wide.contains(&format!("{long}  2026-06-03 20:30  5m12s")),
            "{wide}"
        );
        let narrower = render(&l, 110, false);
        let row = narrower.lines().nth(1).unwrap();
        assert!(
            row.contains(&format!(
                "{}…  2026-06-03 20:30  5m12s",
                &long[..CELL_CAP - 1]
            )),
            "{row}"
        );
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
