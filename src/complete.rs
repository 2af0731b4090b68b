//! The completion scripts' answers from the session cache: the hidden `__complete-ids` and
//! kingpin's `--completion-bash` (for `tsh review <TAB>`). cli/ decides what a word is (a
//! command, a flag's value, a session id); this reads the values only the cache knows, so that
//! the command-line layer never touches the cache. Both run at every TAB: only the cache is
//! read, never the network, and nothing goes to stderr.

use jiff::Timestamp;

use crate::cache::{self, Entry, Scope};
use crate::cli::args::CompleteIds;
use crate::cli::kingpin;
use crate::cli::table::Complete;
use crate::session::Kind;
use crate::text::sanitize::escape;

/// With nothing typed, completion offers this many session ids, the newest. A shell builds an
/// array of every candidate it is given (bash took 40 ms for the cache's 20,000), and a list
/// longer than a screen or two is read by nobody; a prefix gets every match, so typing the
/// first characters of an id reaches any cached session. README, help and the man page say so.
pub const NEWEST: usize = 100;

/// The answer of the hidden `__complete-ids`, one candidate a line: cached session ids
/// starting with `prefix`, newest first, only the [`NEWEST`] when `prefix` is empty (bare for
/// bash; with `describe`, `id<TAB>user@target kind start` for zsh and fish); only the sessions
/// `tsh play` can play with `playable`, only those with a recording with `recorded`; or, with
/// `field` (`user` or `host`), the cached users or targets that start with `prefix`.
pub fn ids(scope: Scope, a: &CompleteIds) -> String {
    let (prefix, describe) = (a.prefix.as_str(), a.describe);
    let mut text = String::new();
    if let Some(field) = a.field.as_deref() {
        let field = if field == "user" {
            Complete::User
        } else {
            Complete::Host
        };
        for name in names(scope, field) {
            if name.starts_with(prefix) {
                text.push_str(&name);
                text.push('\n');
            }
        }
        return text;
    }
    let keep = |e: &Entry| (!a.playable || tsh_can_play(e)) && (!a.recorded || has_recording(e));
    for e in cache::offered(scope, prefix, NEWEST, keep) {
        text.push_str(&e.id);
        if describe {
            text.push('\t');
            text.push_str(&about(&e));
        }
        text.push('\n');
    }
    text
}

/// kingpin's answer to `--completion-bash WORDS...`, one candidate a line.
pub fn kingpin(words: &[String]) -> String {
    let mut text = String::new();
    for c in kingpin::candidates(words, cached) {
        text.push_str(&c);
        text.push('\n');
    }
    text
}

/// The cache's values for what kingpin found is being completed.
fn cached(what: Complete, demo: bool, prefix: &str) -> Vec<String> {
    let scope = if demo { Scope::Demo } else { Scope::Live };
    match what {
        Complete::SessionId => cache::offered(scope, prefix, NEWEST, |_| true)
            .into_iter()
            .map(|e| e.id)
            .collect(),
        Complete::Recording => cache::offered(scope, prefix, NEWEST, has_recording)
            .into_iter()
            .map(|e| e.id)
            .collect(),
        Complete::User | Complete::Host => names(scope, what),
        _ => Vec::new(),
    }
}

/// The distinct cached users or targets that a shell takes as one plain word, sorted.
fn names(scope: Scope, what: Complete) -> Vec<String> {
    let pick: fn(&Entry) -> &str = match what {
        Complete::User => |e| &e.user,
        _ => |e| &e.target,
    };
    let mut names = cache::distinct(scope, pick);
    names.retain(|n| plain_word(n));
    names
}

/// `user@target kind start` for zsh's and fish's menus: cluster-provided text, so escaped, and
/// on one line (a tab would split the answer's two columns).
fn about(e: &Entry) -> String {
    let start = e
        .start_ms
        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    let about = format!("{}@{} {} {start}", e.user, e.target, e.kind);
    escape(about.trim_end()).replace(['\t', '\n', '\r'], " ")
}

/// Offering a session that tsh cannot play (a desktop, an app, a kind this version does not
/// know, an unrecorded session) on `tsh play <TAB>` only leads to an error.
fn tsh_can_play(e: &Entry) -> bool {
    Kind::parse(&e.kind).is_some_and(Kind::plays_in_tsh) && e.recorded != Some(false)
}

/// What `tsh-review play`, `download` and `link` can act on: a session with a recording. An
/// app session has none (`play` says so), nor has one Teleport did not record. A desktop's is
/// downloaded, and played in the web player (`play` prints its link), so it is offered; so is
/// a kind this version does not know, which `play` tries with a warning.
fn has_recording(e: &Entry) -> bool {
    Kind::from_name(&e.kind) != Kind::App && e.recorded != Some(false)
}

/// Whether a shell takes `name` as one plain word. Users and hosts come from the cluster, and
/// completion types them into a command line the user is about to run: a name with a quote,
/// `$`, `;`, a space or an invisible character is not offered at all, nor one that would read
/// as a flag.
pub fn plain_word(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
        && escape(name) == name
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound is said where users look: help and the man page (the command table) and
    /// the README.
    #[test]
    fn the_bound_is_documented() {
        let said = format!("newest {NEWEST}");
        let completions = crate::cli::table::COMMANDS
            .iter()
            .find(|c| c.name == "completions")
            .unwrap();
        assert!(completions.about.contains(&said), "{}", completions.about);
        let readme = include_str!("../README.md").replace('\n', " ");
        assert!(readme.contains(&said), "README.md");
    }

    #[test]
    fn only_plain_words_are_offered() {
        for ok in [
            "alice",
            "bob@example.com",
            "web-01.prod",
            "db_02",
            "ci+deploy",
            "wеb-01",
        ] {
            assert!(plain_word(ok), "{ok}");
        }
        for bad in [
            "",
            "-rf",
            "a b",
            "$(reboot)",
            "x;y",
            "it's",
            "\u{202e}dorp.10-bew",
            "web\u{200b}01",
            "a\u{301}",
            "web-01:22",
        ] {
            assert!(!plain_word(bad), "{bad:?}");
        }
    }
}
