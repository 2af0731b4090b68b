//! What tsh/tctl meant when they failed. They print `ERROR: <message>` on stderr (newer builds
//! colour the prefix even when piped) and exit 1; the message is matched on substrings.

/// The failures a user can act on differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The role lacks `session` `list, read`.
    AccessDenied,
    /// No usable login: not logged in, no profile, or expired.
    NotLoggedIn,
    /// tctl rejected the time window (future date, over 365 days, bad format).
    Window,
    /// This tctl does not have the subcommand.
    UnknownCommand,
    /// The cluster cannot search recordings (not Enterprise, Identity Security, Access Graph or
    /// its PostgreSQL extensions missing).
    SearchUnavailable,
    /// There is no recording for the session: never recorded, expired, or not a recorded kind.
    RecordingNotFound,
    /// The session has no AI summary: only sessions an inference policy matches are summarized.
    NotSummarized,
    Other,
}

/// A Teleport message with the session id between two fixed parts.
#[derive(Clone, Copy, Debug)]
pub struct AroundId {
    pub before: &'static str,
    pub after: &'static str,
}

impl AroundId {
    /// The message as Teleport prints it for `sid` (the fakes' texts are checked with it).
    #[cfg(test)]
    pub fn with(self, sid: &str) -> String {
        format!("{}{sid}{}", self.before, self.after)
    }

    /// Whether a lowercased, escape-free message says this (any id, any final period).
    fn found_in(self, matching: &str) -> bool {
        let before = self.before.to_lowercase();
        let after = self.after.trim_end_matches('.').to_lowercase();
        matching
            .find(&before)
            .is_some_and(|at| matching[at + before.len()..].contains(&after))
    }
}

/// `tsh play` in its default pty mode turns the server's not-found error into its own words
/// (tool/tsh/common/play.go). Matching only the server's text missed every real replay.
pub const PLAY_PTY_NOT_FOUND: AroundId = AroundId {
    before: "Recording for session ",
    after: " not found.",
};

/// The server's not-found error, as `tsh play --format json|yaml|text` and
/// `tctl recordings download` pass it on.
pub const RECORDING_NOT_FOUND: AroundId = AroundId {
    before: "a recording for session ",
    after: " was not found",
};

/// `tctl recordings summary` for a session that was not summarized (SPEC 4.2b).
pub const NO_SUMMARY: AroundId = AroundId {
    before: "failed to get session summary: no summary found for session ",
    after: "",
};

/// The message without the `ERROR:` prefix and the colour codes around it. Anything else is
/// kept as it was (it is escaped when shown; invalid UTF-8 bytes read `\xNN`), so tampering
/// stays visible.
pub fn message(stderr: &[u8]) -> String {
    let text = crate::text::sanitize::visible_utf8(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| strip_error_prefix(l).trim())
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" / ")
}

fn strip_error_prefix(line: &str) -> &str {
    let rest = skip_sgr(line);
    match rest.strip_prefix("ERROR:") {
        Some(rest) => skip_sgr(rest.trim_start()).trim_start(),
        None => line,
    }
}

/// Skips colour codes (`ESC [ digits/semicolons m`) at the start of `s`.
fn skip_sgr(mut s: &str) -> &str {
    while let Some(rest) = s.strip_prefix("\x1b[") {
        let params = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b';')
            .count();
        match rest[params..].strip_prefix('m') {
            Some(after) => s = after,
            None => break,
        }
    }
    s
}

/// Every escape sequence removed, lowercased: only for matching, never for display.
fn for_matching(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.extend(c.to_lowercase());
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

pub fn classify(message: &str) -> Failure {
    let m = for_matching(message);
    let has = |needle: &str| m.contains(needle);
    if has("session search requires")
        || has("sessionsearch")
        || has("expected command but got \"search\"")
        || has("unknown command \"search\"")
        || has("unknown command 'search'")
    {
        Failure::SearchUnavailable
    } else if has("access denied to perform action") {
        Failure::AccessDenied
    } else if has("not logged in")
        || has("no active profile")
        || has("active profile expired")
        || has("credentials have expired")
        || has("please login using")
    {
        Failure::NotLoggedIn
    } else if has("cannot be in the future")
        || has("date range for recording listing too large")
        || has("must be before")
        || has("expected format 2006-01-02")
    {
        Failure::Window
    } else if has("expected command but got") || has("unknown command") {
        Failure::UnknownCommand
    } else if [PLAY_PTY_NOT_FOUND, RECORDING_NOT_FOUND]
        .iter()
        .any(|text| text.found_in(&m))
    {
        Failure::RecordingNotFound
    } else if NO_SUMMARY.found_in(&m) {
        Failure::NotSummarized
    } else {
        Failure::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_prefix_is_removed_and_the_rest_kept() {
        let raw = b"\x1b[31mERROR:\x1b[0m getting session events: access denied to perform action \"list\" on \"session\"\n";
        let m = message(raw);
        assert_eq!(
            m,
            "getting session events: access denied to perform action \"list\" on \"session\""
        );
        assert_eq!(classify(&m), Failure::AccessDenied);
        assert_eq!(message(b"ERROR: Not logged in.\n"), "Not logged in.");
        assert_eq!(message(b"\x1b[1;31mERROR: \x1b[0mboom"), "boom");
    }

    #[test]
    fn hostile_escapes_inside_the_message_are_kept_for_display() {
        let m = message(b"ERROR: boom \x1b]0;owned\x07 \x1b[2J");
        assert_eq!(m, "boom \x1b]0;owned\x07 \x1b[2J");
    }

    #[test]
    fn every_documented_error_text_is_classified() {
        let cases = [
            (
                "access denied to perform action \"read\" on \"session\"",
                Failure::AccessDenied,
            ),
            ("Not logged in.", Failure::NotLoggedIn),
            ("No active profile.", Failure::NotLoggedIn),
            ("Active profile expired.", Failure::NotLoggedIn),
            (
                "your credentials have expired, please login using `tsh login`",
                Failure::NotLoggedIn,
            ),
            (
                "cannot request recordings: invalid '--to-utc': '--to-utc' cannot be in the future",
                Failure::Window,
            ),
            (
                "date range for recording listing too large: 400 days specified: limit 365 days",
                Failure::Window,
            ),
            (
                "expected command but got \"search\"",
                Failure::SearchUnavailable,
            ),
            ("unknown command \"search\"", Failure::SearchUnavailable),
            ("expected command but got \"ls\"", Failure::UnknownCommand),
            (
                "session search requires Access Graph to be enabled with session recording support",
                Failure::SearchUnavailable,
            ),
            (
                "session search requires the pg_trgm PostgreSQL extension to be installed",
                Failure::SearchUnavailable,
            ),
            (
                "session search requires the pgvector PostgreSQL extension to be installed",
                Failure::SearchUnavailable,
            ),
            (
                "unknown service teleport.sessionsearch.v1.SessionSearchService",
                Failure::SearchUnavailable,
            ),
            ("connection refused", Failure::Other),
        ];
        for (text, want) in cases {
            assert_eq!(classify(text), want, "{text}");
        }
    }

    #[test]
    fn escapes_cannot_hide_a_match_or_fake_one() {
        assert_eq!(
            classify("Not \x1b[1mlogged\x1b[0m in."),
            Failure::NotLoggedIn
        );
        assert_eq!(
            classify("\x1b]0;access denied to perform action\x07"),
            Failure::Other
        );
    }

    #[test]
    fn recording_not_found_in_every_wording() {
        let sid = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
        assert_eq!(
            PLAY_PTY_NOT_FOUND.with(sid),
            format!("Recording for session {sid} not found.")
        );
        assert_eq!(
            RECORDING_NOT_FOUND.with(sid),
            format!("a recording for session {sid} was not found")
        );
        for said in [
            message(
                format!("\x1b[31mERROR:\x1b[0m Recording for session {sid} not found.\n")
                    .as_bytes(),
            ),
            format!("streaming session: A recording for session {sid} was not found"),
            format!("Recording for session {sid} not found"),
        ] {
            assert_eq!(classify(&said), Failure::RecordingNotFound, "{said}");
        }
        assert_eq!(
            classify("failed to get session summary: no summary found for session x"),
            Failure::NotSummarized
        );
        for said in [
            "not found",
            "Recording for session",
            "not found: recording for session x",
        ] {
            assert_eq!(classify(said), Failure::Other, "{said}");
        }
    }

    #[test]
    fn multi_line_errors_are_joined() {
        assert_eq!(message(b"ERROR: first\n\n  second\n"), "first / second");
    }
}
