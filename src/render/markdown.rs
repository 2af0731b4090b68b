//! A markdown table for tickets and reports: full ids (they are copied into commands), UTC
//! minutes, and every cell escaped for both the terminal and markdown itself.

use std::io::{self, Write};

use super::format::{human_duration, short_time, start_of};
use super::sanitize::escape;
use crate::review::Listing;

pub fn write(out: &mut dyn Write, l: &Listing) -> io::Result<()> {
    if l.sessions.is_empty() {
        return Ok(());
    }
    let severity = l.sessions.iter().any(|s| s.severity.is_some());
    let links = l.sessions.iter().any(|s| s.web_url.is_some());
    let mut header = vec![
        "Session ID",
        "Kind",
        "User",
        "Target",
        "Start (UTC)",
        "Duration",
    ];
    if severity {
        header.push("Severity");
    }
    header.push("Flags");
    if links {
        header.push("Player");
    }
    let mut group = None;
    for (i, s) in l.sessions.iter().enumerate() {
        let key = l.grouping.key(s);
        if i == 0 || key != group {
            if let Some(k) = &key {
                let n = l
                    .sessions
                    .iter()
                    .filter(|t| l.grouping.key(t).as_ref() == Some(k))
                    .count();
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "### {} ({n})\n", cell(k))?;
            }
            writeln!(out, "| {} |", header.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(header.len()))?;
            group = key;
        }
        let mut row = vec![
            format!("`{}`", cell(&s.id).replace('`', "'")),
            s.kind.as_str().to_owned(),
            cell(&s.user),
            cell(&s.target),
            start_of(s).map_or("-".into(), short_time),
            s.duration_ms().map_or("-".into(), human_duration),
        ];
        if severity {
            row.push(s.severity.map_or("-", |v| v.as_str()).to_owned());
        }
        row.push(
            s.flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        if links {
            // Our own percent-encoded URL, as an autolink; escaped all the same.
            row.push(s.web_url.as_deref().map_or("-".into(), |u| {
                format!("<{}>", escape(u).replace(['<', '>', '|', ' '], ""))
            }));
        }
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
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
    use crate::session::{Kind, Origin, Session};
    use crate::window::Window;

    #[test]
    fn table_with_escaped_cells() {
        let mut s = Session::new(
            "4c1c2f4e-5a8f-4b47-9f3e-111111111111".into(),
            Kind::Ssh,
            Origin::Ls,
        );
        s.user = "a|b".into();
        s.target = "[click](javascript:x) <img>\x1b[2J".into();
        let l = Listing::new(
            Window {
                from: "2026-06-02T21:00:00Z".parse().unwrap(),
                to: "2026-06-03T21:00:00Z".parse().unwrap(),
            },
            "ended",
            vec![s],
        );
        let mut out = Vec::new();
        write(&mut out, &l).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "| Session ID | Kind | User | Target | Start (UTC) | Duration | Flags |"
        );
        assert_eq!(lines[1], "|---|---|---|---|---|---|---|");
        assert_eq!(
            lines[2],
            "| `4c1c2f4e-5a8f-4b47-9f3e-111111111111` | ssh | a\\|b | \\[click\\](javascript:x) \\<img\\>\\\\x1b\\[2J | - | - |  |"
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
