//! `doctor`'s verdicts: a checklist for a person (a detail is a sentence with a hint, never cut
//! to a column), and the columns of [`CHECKS`] for tsv, csv and markdown. A detail may quote
//! tsh, tctl or config.js, so it is escaped like every other string from the cluster.

use std::io::{self, Write};

use super::columns::CHECKS;
use super::delimited::{self, Dialect};
use super::{Format, markdown};
use crate::review::doctor::Check;
use crate::text::sanitize::escape;

pub fn write(out: &mut dyn Write, checks: &[Check], format: Format) -> io::Result<()> {
    match format {
        Format::Json => super::json::value(out, &checks)?,
        Format::Tsv => delimited::write(out, &CHECKS, checks, Dialect::Tsv)?,
        Format::Csv => delimited::write(out, &CHECKS, checks, Dialect::Csv)?,
        Format::Markdown => markdown::write(out, &CHECKS, checks, &|_| None)?,
        Format::Table => {
            for c in checks {
                let (status, detail) = (c.status.as_str(), escape(&c.detail));
                writeln!(out, "{status:5} {:16} {detail}", c.check)?;
            }
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::doctor::Status;

    fn render(format: Format) -> String {
        let checks = [Check {
            check: "tctl",
            status: Status::Fail,
            detail: "said \x1b]0;owned\x07 \u{202e}".into(),
            exit: None,
        }];
        let mut out = Vec::new();
        write(&mut out, &checks, format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn details_are_escaped_in_every_format() {
        assert_eq!(
            render(Format::Tsv),
            "FAIL\ttctl\tsaid \\x1b]0;owned\\x07 \\u{202e}\n"
        );
        assert!(render(Format::Table).starts_with("FAIL  tctl             said \\x1b"));
        let json = render(Format::Json);
        assert!(
            json.contains(r#""detail": "said \u001b]0;owned\u0007 \u202e""#),
            "{json}"
        );
        assert!(!json.contains('\u{1b}'));
        assert_eq!(
            render(Format::Csv),
            "status,check,detail\r\nFAIL,tctl,said \\x1b]0;owned\\x07 \\u{202e}\r\n"
        );
        assert_eq!(
            render(Format::Markdown),
            "| Status | Check | Detail |\n|---|---|---|\n| FAIL | tctl | said \\\\x1b\\]0;owned\\\\x07 \\\\u{202e} |\n"
        );
    }
}
