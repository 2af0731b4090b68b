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
        .hint("e.g. `tsh-review hunt privesc --verify`"));
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
            let technique = match a.sweep {
                Sweep::Technique(name) => Some(name),
                _ => None,
            };
            listing.notes.push(Note::Verified { technique });
        }
        Ok(listing)
    });
    match (result, matcher, patterns) {
        (Err(e), Some(matcher), Some((patterns, options)))
            if in_content && e.exit == Exit::SearchUnavailable =>
        {
            let invocation = r.source().invocation();
            let (what, same) = match &a.sweep {
                Sweep::Technique(name) => (
                    format!("the {name} patterns"),
                    format!("`{invocation} grep --hunt {name}`"),
                ),
                _ => (
                    "the keywords".to_owned(),
                    format!("`{invocation} grep -F -i -e TOKEN...`"),
                ),
            };
            eprintln!(
                "tsh-review: no session search on this cluster (`{invocation} doctor` says why): hunting {what} in what the recordings showed instead, as {same} does"
            );
            let g = Grep {
                window: a.window.clone(),
                patterns,
                options,
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
