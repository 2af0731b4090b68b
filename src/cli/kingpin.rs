//! The hidden `--completion-bash WORDS...` flag, answered the way kingpin (tsh's parser) does:
//! one candidate a line for the last word. tsh's bash and zsh completion ask
//! `tsh --completion-bash review WORDS...`, and through the alias `review: "tsh-review"` tsh
//! runs `tsh-review --completion-bash WORDS...`, so answering it makes `tsh review <TAB>` work.
//! Reads only the command table: never the network, never an error. Session ids, users and
//! hosts come from the cache, which the caller reads (src/complete.rs): cli/ never does.

use crate::cli::table::{COMMANDS, CommandSpec, Complete, FLAGS, FlagSpec};

/// Candidates for the last of `words` (the word being completed; absent = empty), filtered by
/// its prefix. Unknown words are tolerated: a half-typed line need not parse. For a value only
/// the cache knows (`Complete::SessionId`, `Recording`, `User`, `Host`), `cached(what, demo, typed)` gives
/// the words: `demo` when the line has `--demo`, `typed` the word's prefix so far.
pub fn candidates(
    words: &[String],
    cached: impl Fn(Complete, bool, &str) -> Vec<String>,
) -> Vec<String> {
    let (cur, before) = match words.split_last() {
        Some((cur, before)) => (cur.as_str(), before),
        None => ("", &[][..]),
    };
    let mut command: Option<&CommandSpec> = None;
    let mut operands = 0;
    let mut demo = false;
    let mut pending: Option<&FlagSpec> = None;
    for word in before {
        if pending.take().is_some() {
            continue;
        }
        if word == "--" {
            continue;
        }
        if let Some(name) = word.strip_prefix("--") {
            if name == "demo" {
                demo = true;
            }
            if !name.contains('=') {
                pending = flag_long(name).filter(|f| f.takes_value());
            }
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let last = short.chars().last().expect("not empty");
            pending = FLAGS
                .iter()
                .find(|f| f.short == Some(last) && f.takes_value() && short.len() == 1);
        } else if command.is_none() {
            command = COMMANDS
                .iter()
                .find(|c| c.name == word || c.aliases.contains(&word.as_str()));
        } else {
            operands += 1;
        }
    }
    let words: Vec<String> = if let Some(flag) = pending {
        value_words(flag.complete, flag.choices, &|what| cached(what, demo, cur))
    } else if cur.starts_with('-') {
        FLAGS
            .iter()
            .filter(|f| {
                command.map_or(f.scope == crate::cli::table::Scope::Global, |c| {
                    f.applies_to(c.name)
                })
            })
            .map(|f| format!("--{}", f.long))
            .collect()
    } else {
        match command {
            None => visible_commands(),
            Some(c) => {
                let operand = c
                    .operands
                    .get(operands)
                    .or_else(|| c.operands.last().filter(|o| o.many));
                match operand {
                    Some(o) => value_words(o.complete, o.choices, &|what| cached(what, demo, cur)),
                    None => Vec::new(),
                }
            }
        }
    };
    words.into_iter().filter(|w| w.starts_with(cur)).collect()
}

fn flag_long(name: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.long == name)
}

fn visible_commands() -> Vec<String> {
    COMMANDS
        .iter()
        .filter(|c| !c.hidden)
        .map(|c| c.name.to_owned())
        .collect()
}

fn value_words(
    complete: Complete,
    choices: &[&str],
    cached: &dyn Fn(Complete) -> Vec<String>,
) -> Vec<String> {
    match complete {
        Complete::Choices => choices.iter().map(|c| (*c).to_owned()).collect(),
        Complete::Command => visible_commands(),
        Complete::SessionId | Complete::Recording | Complete::User | Complete::Host => {
            cached(complete)
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for the cache: one word that says what was asked.
    fn cached(what: Complete, demo: bool, typed: &str) -> Vec<String> {
        vec![format!("{typed}<{what:?} demo={demo}>")]
    }

    fn candidates(words: &[String]) -> Vec<String> {
        super::candidates(words, cached)
    }

    fn words(line: &str) -> Vec<String> {
        let mut w: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        if line.ends_with(' ') || line.is_empty() {
            w.push(String::new());
        }
        w
    }

    #[test]
    fn commands_flags_and_choices() {
        assert!(candidates(&words("")).contains(&"recent".to_owned()));
        assert!(!candidates(&words("")).iter().any(|c| c.starts_with("__")));
        assert_eq!(candidates(&words("rec")), ["recent"]);
        assert_eq!(candidates(&words("recent --si")), ["--since"]);
        assert!(candidates(&words("recent --format ")).contains(&"json".to_owned()));
        assert_eq!(candidates(&words("recent --format j")), ["json"]);
        assert!(candidates(&words("hunt ")).contains(&"privesc".to_owned()));
        assert!(candidates(&words("init ")).contains(&"fish".to_owned()));
        assert!(candidates(&words("help ")).contains(&"recent".to_owned()));
        assert!(candidates(&words("man ")).is_empty());
        assert!(candidates(&[]).contains(&"recent".to_owned()));
    }

    #[test]
    fn cached_values_are_asked_of_the_caller() {
        // play acts on a recording: the caller is asked for sessions that have one.
        assert_eq!(candidates(&words("play ")), ["<Recording demo=false>"]);
        assert_eq!(
            candidates(&words("--demo show 3f")),
            ["3f<SessionId demo=true>"]
        );
        assert_eq!(
            candidates(&words("pivot --user al")),
            ["al<User demo=false>"]
        );
        assert_eq!(candidates(&words("pivot --host ")), ["<Host demo=false>"]);
        // Only the first operand is a session id; a flag's value is not one.
        assert!(candidates(&words("play 3f2a ")).is_empty());
        assert_eq!(candidates(&words("play --speed 2")), ["2x"]);
    }
}
