//! Markdown read plainly, for a terminal: the AI summary's prose is Markdown, and its markup
//! (`##`, `**`, backticks, list bullets) is noise on a terminal. This only removes markup; it
//! never interprets anything, and the result is escaped like any untrusted text afterwards.

/// The lines of `md` as a person would read them rendered: headings as their text, list items
/// with a bullet, quotes indented, emphasis and code marks removed. Blank lines are kept (one
/// at most in a row), so paragraphs stay apart.
pub fn plain_lines(md: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for raw in md.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            // Code stays as it was typed: it is what was run.
            out.push(format!("    {line}"));
            continue;
        }
        if trimmed.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        if trimmed
            .chars()
            .all(|c| matches!(c, '-' | '*' | '_' | '=' | ' '))
            && trimmed.len() >= 3
        {
            // A rule, or a heading's underline.
            continue;
        }
        let indent = line.len() - trimmed.len();
        let text = if let Some(heading) = heading(trimmed) {
            inline(heading)
        } else if let Some(item) = bullet(trimmed) {
            format!("{}• {}", " ".repeat(indent.min(8)), inline(item))
        } else if let Some((number, item)) = numbered(trimmed) {
            format!("{}{number}. {}", " ".repeat(indent.min(8)), inline(item))
        } else if let Some(quoted) = trimmed.strip_prefix('>') {
            format!("  {}", inline(quoted.trim_start()))
        } else {
            inline(trimmed)
        };
        out.push(text);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

fn heading(line: &str) -> Option<&str> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        Some(line[hashes..].trim().trim_end_matches('#').trim_end())
    } else {
        None
    }
}

fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "+ "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .map(str::trim_start)
}

fn numbered(line: &str) -> Option<(&str, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &line[digits..];
    let item = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))?;
    Some((&line[..digits], item.trim_start()))
}

/// Emphasis (`**`, `__`, `*`, `_` around words) and code marks removed; `[text](url)` as
/// `text (url)`, so where a link points stays visible.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '`' => {}
            '*' => {}
            // Underscores inside words are part of names (snake_case, /etc/foo_bar).
            '_' if prev.is_none_or(|p| !p.is_alphanumeric())
                || next.is_none_or(|n| !n.is_alphanumeric()) => {}
            '[' => {
                if let Some((label, url, end)) = link(&chars, i) {
                    out.push_str(&label);
                    out.push_str(" (");
                    out.push_str(&url);
                    out.push(')');
                    i = end;
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// `[label](url)` starting at `at`: the label, the url and the index after it.
fn link(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let close = at + chars[at..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 1 + chars[close + 1..].iter().position(|&c| c == ')')?;
    let label: String = chars[at + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    Some((inline(&label), url, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_reads_as_text() {
        let md = "## What happened\n\nThe user **alice** ran `sudo su -` on *web-01*.\n\n\n- Edited `/etc/sudoers`\n  * nested __item__\n1. first\n> a quote\n---\nSee [the runbook](https://wiki.example/rb) and edit_config_file.";
        assert_eq!(
            plain_lines(md),
            [
                "What happened",
                "",
                "The user alice ran sudo su - on web-01.",
                "",
                "• Edited /etc/sudoers",
                "  • nested item",
                "1. first",
                "  a quote",
                "See the runbook (https://wiki.example/rb) and edit_config_file."
            ]
        );
    }

    #[test]
    fn code_blocks_keep_what_was_typed() {
        let md = "Ran:\n```\nrm -rf /tmp/*_old\n```\ndone";
        assert_eq!(plain_lines(md), ["Ran:", "    rm -rf /tmp/*_old", "done"]);
    }

    #[test]
    fn control_characters_pass_through_for_the_escaper() {
        // Removing markup must not hide or create anything: escaping comes after.
        let lines = plain_lines("**evil\u{1b}]0;x\u{7}** \u{202e}text");
        assert_eq!(lines, ["evil\u{1b}]0;x\u{7} \u{202e}text"]);
    }
}
