//! `doctor`'s verdicts: aligned lines for a person, TSV or JSON. A detail may quote tsh, tctl
//! or config.js, so it is escaped like every other string from the cluster.

use std::io::{self, Write};

use super::Format;
use super::sanitize::escape;
use crate::doctor::Check;

pub fn write(out: &mut dyn Write, checks: &[Check], format: Format) -> io::Result<()> {
    if format == Format::Json {
        return super::json::value(out, &checks);
    }
    for c in checks {
        let (status, detail) = (c.status.as_str(), escape(&c.detail));
        if format == Format::Tsv {
            writeln!(out, "{status}\t{}\t{detail}", c.check)?;
        } else {
            writeln!(out, "{status:5} {:16} {detail}", c.check)?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

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
    }
}
