//! TSV (for pipes: no header, no colour, no truncation, full ids, RFC3339) and CSV (RFC 4180:
//! a header and rows, nothing else, for spreadsheets and `csv` readers). Both print every
//! column of the model, in order, so scripts can rely on the positions.

use std::borrow::Cow;
use std::io::{self, Write};

use super::columns::Column;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Tsv,
    Csv,
}

/// Every column, in order: TSV without a header, CSV with the keys as its header.
pub fn write<'r, R: 'r>(
    out: &mut dyn Write,
    cols: &[Column<R>],
    rows: impl IntoIterator<Item = &'r R>,
    dialect: Dialect,
) -> io::Result<()> {
    header(out, cols, dialect)?;
    write_rows(out, cols, rows, dialect)
}

/// CSV's header row (TSV has none): for output written a part at a time.
pub fn header<R>(out: &mut dyn Write, cols: &[Column<R>], dialect: Dialect) -> io::Result<()> {
    if dialect == Dialect::Csv {
        let keys: Vec<&str> = cols.iter().map(|c| c.key).collect();
        write!(out, "{}\r\n", keys.join(","))?;
    }
    Ok(())
}

/// The rows, without the header.
pub fn write_rows<'r, R: 'r>(
    out: &mut dyn Write,
    cols: &[Column<R>],
    rows: impl IntoIterator<Item = &'r R>,
    dialect: Dialect,
) -> io::Result<()> {
    let (sep, end) = match dialect {
        Dialect::Tsv => ("\t", "\n"),
        Dialect::Csv => (",", "\r\n"),
    };
    let mut line = String::new();
    for row in rows {
        line.clear();
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                line.push_str(sep);
            }
            let cell = (col.machine)(row);
            match dialect {
                Dialect::Tsv => line.push_str(&cell),
                Dialect::Csv => line.push_str(&csv_field(&cell)),
            }
        }
        line.push_str(end);
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// RFC 4180 quoting, and a leading `'` on values a spreadsheet would run as a formula: a
/// hostname must not become code in the reviewer's spreadsheet.
fn csv_field(f: &str) -> Cow<'_, str> {
    let formula = is_formula(f);
    let needs_quotes = formula
        || f.contains([',', '"', '\'', '\r', '\n'])
        || f.starts_with(char::is_whitespace)
        || f.ends_with(char::is_whitespace);
    if !needs_quotes {
        return f.into();
    }
    let body = f.replace('"', "\"\"");
    if formula {
        format!("\"'{body}\"").into()
    } else {
        format!("\"{body}\"").into()
    }
}

/// Whether a spreadsheet could read `f` as a formula: its first character that is not
/// whitespace (any Unicode whitespace, NBSP and U+3000 included, and the blank-looking
/// U+2800) is `=`, `+`, `-` or `@`, or it starts with TAB or CR. Spreadsheets trim leading
/// spaces before they look for a formula, so ` =1+1` is one too (OWASP's CSV injection list).
fn is_formula(f: &str) -> bool {
    if f.starts_with(['\t', '\r']) {
        return true;
    }
    f.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{2800}')
        .starts_with(['=', '+', '-', '@'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::columns::SESSION;
    use crate::review::Listing;
    use crate::session::{Flag, Kind, Origin, Session, Severity};
    use crate::window::Window;

    fn listing() -> Listing {
        let mut s = Session::new("4c1c2f4e-5a8f-4b47-9f3e-111111111111", Kind::Db, Origin::Ls);
        s.set_user("bob");
        s.set_login(Some("post\tgres"));
        s.set_target("orders, \"main\"");
        s.start = "2026-06-03T20:30:00.5Z".parse().unwrap();
        s.end = "2026-06-03T20:31:00Z".parse().unwrap();
        s.severity = Some(Severity::Medium);
        s.flags = [Flag::SuspiciousText, Flag::NonInteractive]
            .into_iter()
            .collect();
        let mut t = Session::new(
            "9d2e7a10-5a8f-4b47-9f3e-222222222222",
            Kind::Ssh,
            Origin::Ls,
        );
        t.set_target("=HYPERLINK(\"http://x\")");
        Listing::new(
            Window {
                from: "2026-06-02T21:00:00Z".parse().unwrap(),
                to: "2026-06-03T21:00:00Z".parse().unwrap(),
            },
            "ended",
            vec![s, t],
        )
    }

    fn render(d: Dialect) -> String {
        let mut out = Vec::new();
        write(&mut out, &SESSION, &listing().sessions, d).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tsv_has_no_header_full_ids_and_escaped_tabs() {
        let text = render(Dialect::Tsv);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].split('\t').collect::<Vec<_>>(),
            [
                "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
                "db",
                "bob",
                "post\\x09gres",
                "orders, \"main\"",
                "2026-06-03T20:30:00.5Z",
                "2026-06-03T20:31:00Z",
                "59500",
                "medium",
                "suspicious-text,non-interactive",
                ""
            ]
        );
        assert_eq!(lines[1].split('\t').count(), SESSION.len());
    }

    #[test]
    fn csv_quotes_per_rfc_4180_and_defuses_formulas() {
        let text = render(Dialect::Csv);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,kind,user,login,target,start,end,duration_ms,severity,flags,web_url"
        );
        assert!(
            lines[1].contains(",\"orders, \"\"main\"\"\","),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].ends_with(",medium,\"suspicious-text,non-interactive\","),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn formulas_behind_whitespace_are_defused() {
        for (field, expected) in [
            (" =1+1", "\"' =1+1\""),
            ("\u{a0}=1+1", "\"'\u{a0}=1+1\""),
            ("\u{3000}+cmd", "\"'\u{3000}+cmd\""),
            ("\u{2003}\u{2800}@SUM(A1)", "\"'\u{2003}\u{2800}@SUM(A1)\""),
            ("  -2", "\"'  -2\""),
            ("\tx", "\"'\tx\""),
            ("\r=x", "\"'\r=x\""),
            ("=1", "\"'=1\""),
        ] {
            assert_eq!(csv_field(field), expected, "{field:?}");
        }
        for (field, expected) in [
            ("web-01", "web-01"),
            ("a=b", "a=b"),
            (" web", "\" web\""),
            ("\u{a0}web", "\"\u{a0}web\""),
            ("", ""),
        ] {
            assert_eq!(csv_field(field), expected, "{field:?}");
        }
    }
}
