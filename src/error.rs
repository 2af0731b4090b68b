//! The one error type a user ever sees: what happened, why, and what to do next, with the
//! documented exit status.

use std::fmt;

use crate::text::sanitize::escape;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Failure,
    Usage,
    Login,
    Denied,
    SearchUnavailable,
    /// `grep`'s "nothing matched", as grep says it.
    NoMatch,
    /// `grep`'s trouble: a failure where grep's callers expect 2 (1 means no match).
    Trouble,
}

impl Exit {
    /// The process's exit status.
    pub fn status(self) -> i32 {
        match self {
            Exit::Failure | Exit::NoMatch => 1,
            Exit::Usage | Exit::Trouble => 2,
            Exit::Login => 3,
            Exit::Denied => 4,
            Exit::SearchUnavailable => 5,
        }
    }
}

/// Boxed so that `Result<_, Error>` stays one word wide on the happy path.
#[derive(Clone, Debug)]
pub struct Error(Box<Detail>);

#[derive(Clone, Debug)]
pub struct Detail {
    pub exit: Exit,
    /// What happened, in our words.
    pub what: String,
    /// Text quoted from tctl/tsh: attacker-influenced, escaped when displayed.
    pub quoted: Option<(String, String)>,
    /// Why it happened, in our words.
    pub why: Option<String>,
    /// What to do next.
    pub next: Option<String>,
}

impl Error {
    pub fn new(exit: Exit, what: impl Into<String>) -> Error {
        Error(Box::new(Detail {
            exit,
            what: what.into(),
            quoted: None,
            why: None,
            next: None,
        }))
    }

    pub fn usage(what: impl Into<String>) -> Error {
        Error::new(Exit::Usage, what)
    }

    pub fn failure(what: impl Into<String>) -> Error {
        Error::new(Exit::Failure, what)
    }

    /// Quote what a program said; `who` names the program (e.g. "tctl").
    pub fn quoting(mut self, who: impl Into<String>, text: impl Into<String>) -> Error {
        self.0.quoted = Some((who.into(), text.into()));
        self
    }

    /// The same error under another exit status.
    pub fn with_exit(mut self, exit: Exit) -> Error {
        self.0.exit = exit;
        self
    }

    pub fn because(mut self, why: impl Into<String>) -> Error {
        self.0.why = Some(why.into());
        self
    }

    pub fn hint(mut self, next: impl Into<String>) -> Error {
        self.0.next = Some(next.into());
        self
    }

    /// What happened and the first line the program said, on one line for a report or a
    /// check (`... failed (tsh said: ...)`); raw, like `what`: escaped where it is shown.
    pub fn brief(&self) -> String {
        let said = self.quoted.as_ref().and_then(|(who, text)| {
            let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
            Some((who, line.chars().take(200).collect::<String>()))
        });
        match said {
            Some((who, line)) => format!("{} ({who} said: {line})", self.what),
            None => self.what.clone(),
        }
    }

    /// An exit status whose reason the output has already given: nothing more is printed.
    pub fn quiet(exit: Exit) -> Error {
        Error::new(exit, "")
    }

    /// Whether there is anything to print.
    pub fn is_quiet(&self) -> bool {
        self.what.is_empty()
    }

    pub fn code(&self) -> i32 {
        self.exit.status()
    }
}

impl std::ops::Deref for Error {
    type Target = Detail;

    fn deref(&self) -> &Detail {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every part is escaped, not only the quote: a message may carry cluster text at
        // second hand (a parser's error names the value it choked on). Escaping is idempotent,
        // so parts escaped where they were built are unchanged.
        write!(f, "tsh-review: {}", escape(&self.what))?;
        if let Some((who, text)) = &self.quoted {
            write!(f, "\n  {who} said: {}", escape(text))?;
        }
        if let Some(why) = &self.why {
            write!(f, "\n  why: {}", escape(why))?;
        }
        if let Some(next) = &self.next {
            write!(f, "\n  next: {}", escape(next))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_is_what_and_the_first_line_said() {
        let e = Error::failure("`tsh play` failed").quoting("tsh", "\n  boom\nmore\n");
        assert_eq!(e.brief(), "`tsh play` failed (tsh said: boom)");
        assert_eq!(Error::failure("lost").brief(), "lost");
    }

    #[test]
    fn quoted_text_is_escaped_and_parts_are_labelled() {
        let e = Error::failure("tctl failed")
            .quoting("tctl", "boom \x1b]0;owned\x07")
            .because("it broke")
            .hint("try again");
        assert_eq!(
            e.to_string(),
            "tsh-review: tctl failed\n  tctl said: boom \\x1b]0;owned\\x07\n  why: it broke\n  next: try again"
        );
        assert_eq!(e.code(), 1);
    }

    #[test]
    fn cluster_text_carried_into_any_part_is_escaped() {
        let e = Error::failure("bad output (invalid type: string \"\u{202e}x\")")
            .because("named \x1b[2J")
            .hint("see \u{200b}");
        assert_eq!(
            e.to_string(),
            "tsh-review: bad output (invalid type: string \"\\u{202e}x\")\n  why: named \\x1b[2J\n  next: see \\u{200b}"
        );
    }
}
