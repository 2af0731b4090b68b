//! The `hunt` command. With session search, a sweep lists the sessions whose summaries match,
//! and `--verify` reads each hit's recording for the sweep's patterns. Without search, a sweep
//! that has patterns (a technique, or `--keyword` tokens) is hunted in what the recordings
//! showed instead: `grep` with those patterns, which works on every edition. Only a free-text
//! `--query`, which needs a language model to read it, falls back to the unfiltered listing.

use std::io::{self, BufWriter};

use crate::app::{Run, finish};
use crate::cli::args::{Grep, Hunt};
use crate::commands::listing::{Explain, Links};
use crate::content::Matcher;
use crate::error::{Error, Exit};
use crate::render::{self, Format};
use crate::review::Note;
use crate::review::grep::GrepArgs;
use crate::review::hunt::{self, HuntArgs, Sweep};
use crate::review::verify::verify;
use crate::session::Kind;

pub(crate) fn hunt(r: &Run, h: Hunt, how: Explain) -> Result<(), Error> {
    let a = match h {
        // The catalogue is help text: it stays text in a pipe unless a format is asked for.
        Hunt::List => {
            return finish(render::techniques(
                &mut BufWriter::new(io::stdout().lock()),
                r.format(Format::Table),
            ));
        }
        Hunt::Sweep(a) => a,
    };
    let patterns = a.sweep.patterns();
    if a.verify && patterns.is_none() {
        return Err(Error::usage(
            "--verify needs a TECHNIQUE or --keyword: a --query is read by a language model, and has no patterns to look for in a recording",
        )
        .hint(format!("e.g. `{} hunt privesc --verify`", r.source().invocation())));
    }
    let matcher = match &patterns {
        Some((p, options)) => {
            Some(Matcher::new(p, *options).map_err(|e| Error::usage(format!("hunt: {e}")))?)
        }
        None => None,
    };
    // With patterns, a missing search is not a fallback to the whole window: the content is.
    let in_content = matcher.is_some() && !a.no_fallback;
    let searched = HuntArgs {
        no_fallback: a.no_fallback || in_content,
        ..a.clone()
    };
    let result = r.listing(&a.window, Links::Ask, how, |source, window| {
        let mut listing = hunt::hunt(source, &searched, window, r.now)?;
        if let (true, Some(m)) = (a.verify, &matcher) {
            verify(r.source(), m, &mut listing.sessions, a.jobs, &|_, _| {})?;
            listing.verified = true;
            listing.notes.push(Note::Verified {
                grep: same_grep(&a),
            });
        }
        Ok(listing)
    });
    match (result, matcher, patterns) {
        (Err(e), Some(matcher), Some((patterns, options)))
            if in_content && e.exit == Exit::SearchUnavailable =>
        {
            let invocation = r.source().invocation();
            let what = match &a.sweep {
                Sweep::Technique(name) => format!("the {name} patterns"),
                _ => "the keywords".to_owned(),
            };
            let same = format!("`{invocation} grep {}`", same_grep(&a));
            // What search would have added is said, not dropped without a word.
            let unread = match how {
                Explain::None => "",
                _ => " (--explain reads the AI summaries that come with search: none here)",
            };
            eprintln!(
                "tsh-review: no session search on this cluster (`{invocation} doctor` says why): hunting {what} in what the recordings showed instead, as {same} does: every matching line, whatever --limit says{unread}"
            );
            let g = Grep {
                window: a.window.clone(),
                patterns,
                options,
                kinds_of: None,
                scan: GrepArgs {
                    kinds: a.kinds(),
                    user: None,
                    host: None,
                    labels: None,
                    context: Default::default(),
                    jobs: a.jobs,
                    non_interactive: a.non_interactive,
                },
            };
            crate::commands::grep::scan(r, &g, &matcher)
        }
        (result, ..) => result,
    }
}

/// The arguments of the `grep` that reads the recordings as this hunt does: pasted, it scans
/// the same window, kinds and sessions. Only the kinds the user asked for are named: `grep
/// --hunt` falls back to the technique's own kinds (exfil: databases) as the hunt does.
fn same_grep(a: &HuntArgs) -> String {
    let what = match &a.sweep {
        Sweep::Technique(name) => format!("--hunt {name}"),
        Sweep::Keywords(words) => {
            let each: Vec<String> = words.iter().map(|w| format!("-e {}", quoted(w))).collect();
            format!("-F -i {}", each.join(" "))
        }
        Sweep::Query(_) => String::new(),
    };
    let non_interactive = if a.non_interactive {
        " --non-interactive"
    } else {
        ""
    };
    format!(
        "{what}{}{}{non_interactive}",
        a.window.flags(),
        Kind::flags(&a.kinds)
    )
}

/// A word as a shell reads it back: as it is when plain, else in single quotes.
fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/:=@%+-".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
