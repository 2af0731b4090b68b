//! A markdown table for tickets and reports: full ids (they are copied into commands), UTC
//! minutes, and every cell escaped for both the terminal and markdown itself.

use std::io::{self, Write};

use super::columns::{Column, Look};
use crate::text::sanitize::escape;

/// `rows` as a table, or a table per group under a `###` heading.
pub fn write<R>(
    out: &mut dyn Write,
    cols: &[Column<R>],
    rows: &[R],
    group: &dyn Fn(&R) -> Option<String>,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let shown: Vec<&Column<R>> = cols.iter().filter(|c| c.shown(c.markdown, rows)).collect();
    let titles: Vec<&str> = shown.iter().map(|c| c.title).collect();
    let mut current = None;
    for (i, row) in rows.iter().enumerate() {
        let key = group(row);
        if i == 0 || key != current {
            if let Some(k) = &key {
                let n = rows[i..]
                    .iter()
                    .take_while(|r| group(r).as_ref() == Some(k))
                    .count();
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "### {} ({n})\n", cell(k))?;
            }
            writeln!(out, "| {} |", titles.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(titles.len()))?;
            current = key;
        }
        let cells: Vec<String> = shown.iter().map(|c| styled(c, row)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

fn styled<R>(col: &Column<R>, row: &R) -> String {
    let text = (col.human)(row);
    match col.look {
        Look::Text => cell(&text),
        // Inside a code span nothing is markdown: only a backtick could end it.
        Look::Code => format!("`{}`", cell(&text).replace('`', "'")),
        // Our own percent-encoded URL, as an autolink; escaped all the same.
        Look::Link if text.is_empty() => "-".to_owned(),
        Look::Link => format!("<{}>", escape(&text).replace(['<', '>', '|', ' '], "")),
    }
}

/// Escaped for the terminal, then for markdown: a value must not close its cell, start a link
/// or an HTML tag, or turn into emphasis. `&` becomes `&amp;`: renderers turn a named or
/// numeric character reference (`&ZeroWidthSpace;`, `&rlm;`, `&#8238;`) into the invisible
/// or bidi character that the terminal escape exists to show.
pub fn cell(text: &str) -> String {
    let mut out = String::new();
    for c in escape(text).chars() {
        if c == '&' {
            out.push_str("&amp;");
            continue;
        }
        if matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::columns::SESSION;
    use crate::review::Listing;
    use crate::session::{Kind, Origin, Session};
    use crate::window::Window;

    #[test]
    fn table_with_escaped_cells() {
        let mut s = Session::new(
            "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
            Kind::Ssh,
            Origin::Ls,
        );
        s.set_user("a|b");
        s.set_target("[click](javascript:x) <img>\x1b[2J");
        let l = Listing::new(
            Window {
                from: "2026-06-02T21:00:00Z".parse().unwrap(),
                to: "2026-06-03T21:00:00Z".parse().unwrap(),
            },
            "ended",
            vec![s],
        );
        let mut out = Vec::new();
        write(&mut out, &SESSION, &l.sessions, &|_| None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "| ID | Kind | User | Target | Start (UTC) | Duration |"
        );
        assert_eq!(lines[1], "|---|---|---|---|---|---|");
        assert_eq!(
            lines[2],
            "| `4c1c2f4e-5a8f-4b47-9f3e-111111111111` | ssh | a\\|b | \\[click\\](javascript:x) \\<img\\>\\\\x1b\\[2J | - | - |"
        );
    }

    #[test]
    fn character_references_stay_text() {
        assert_eq!(cell("web&rlm;01"), "web&amp;rlm;01");
        assert_eq!(cell("a&ZeroWidthSpace;b"), "a&amp;ZeroWidthSpace;b");
        assert_eq!(cell("x&#8238;y&#x202E;"), "x&amp;\\#8238;y&amp;\\#x202E;");
        assert_eq!(cell("R&D"), "R&amp;D");
    }
}
