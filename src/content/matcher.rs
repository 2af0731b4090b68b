//! Matching the user's patterns against a line: what it displayed, and what it hid.
//!
//! Patterns go to the `regex` crate, whose matching time is linear in the text whatever the
//! pattern: recording content is attacker-typed, and a backtracking engine could be made to
//! take exponential time on a crafted line. All patterns run as one alternation; which of them
//! matched is worked out only on the lines that matched.

use std::fmt;
use std::ops::Range;

use regex::{Regex, RegexBuilder};

use super::line::{Hidden, Line, Within};

/// grep's pattern options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-i`: case-insensitive (Unicode simple case folding).
    pub ignore_case: bool,
    /// `-w`: a match must neither follow nor precede a word character.
    pub word: bool,
    /// `-F`: patterns are fixed strings, not regular expressions.
    pub fixed: bool,
}

/// A pattern that does not compile, or no pattern at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// Index of the failing pattern; None when none was given.
    pub index: Option<usize>,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatternError {}

/// A line's match in one of its texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub within: Within,
    /// The text matched, when it is not the line's displayed text: for erased and concealed
    /// text, the displayed text before its column and then the hidden text; for a title, a
    /// clipboard write or a link, that text alone. Attacker-typed, like the line.
    pub text: Option<String>,
    /// Byte ranges of the matches in that text, in order, not overlapping, empty matches left
    /// out (a pattern such as `^` matches every line and highlights nothing). In erased and
    /// concealed text, only matches that touch the hidden part count: the rest was displayed.
    /// The ranges index the raw text: to highlight, escape the pieces between range ends one
    /// by one (escaping the whole text first moves the offsets).
    pub spans: Vec<Range<usize>>,
    /// Indices of the patterns that matched, in the order they were given.
    pub patterns: Vec<usize>,
}

impl Match {
    /// The text the spans index: [`Match::text`], or else the line's displayed text.
    pub fn text<'a>(&'a self, line: &'a Line) -> &'a str {
        self.text.as_deref().unwrap_or(&line.text)
    }
}

/// Compiled patterns. Cheap to clone (the regexes are shared), and `Send + Sync`: one per
/// replay thread, or one shared.
#[derive(Clone, Debug)]
pub struct Matcher {
    any: Regex,
    each: Vec<Regex>,
}

impl Matcher {
    /// Compiles `patterns` (grep's `-e`, each at least one) with `options`.
    pub fn new<S: AsRef<str>>(patterns: &[S], options: Options) -> Result<Matcher, PatternError> {
        if patterns.is_empty() {
            return Err(PatternError {
                index: None,
                message: "no pattern given".into(),
            });
        }
        let sources: Vec<String> = patterns
            .iter()
            .map(|p| source(p.as_ref(), options))
            .collect();
        let build = |source: &str| {
            RegexBuilder::new(source)
                .case_insensitive(options.ignore_case)
                .build()
        };
        let mut each = Vec::with_capacity(sources.len());
        for (index, (source, pattern)) in sources.iter().zip(patterns).enumerate() {
            let regex = build(source).map_err(|e| PatternError {
                index: Some(index),
                message: match e {
                    regex::Error::Syntax(text) => {
                        format!("invalid pattern {:?}: {}", pattern.as_ref(), reason(&text))
                    }
                    _ => format!("pattern {:?}: {e}", pattern.as_ref()),
                },
            })?;
            each.push(regex);
        }
        let any = if each.len() == 1 {
            each[0].clone()
        } else {
            build(&sources.join("|")).map_err(|e| PatternError {
                index: None,
                message: format!("the patterns together: {e}"),
            })?
        };
        Ok(Matcher { any, each })
    }

    /// How many patterns there are.
    pub fn len(&self) -> usize {
        self.each.len()
    }

    /// Never true: a matcher has at least one pattern.
    pub fn is_empty(&self) -> bool {
        self.each.is_empty()
    }

    /// Whether any pattern matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.any.is_match(text)
    }

    /// Appends the line's matches to `out`: in the displayed text first, then in each piece
    /// of hidden text. Allocates only when something matches.
    pub fn find(&self, line: &Line, out: &mut Vec<Match>) {
        if let Some((spans, patterns)) = self.search(&line.text, None) {
            out.push(Match {
                within: Within::Displayed,
                text: None,
                spans,
                patterns,
            });
        }
        for hidden in &line.hidden {
            let (text, range) = match hidden.kind {
                Within::Displayed => continue,
                Within::Title | Within::Clipboard | Within::Link => (hidden.text.clone(), None),
                // Hidden text is rare: splicing it back costs little where there is any.
                Within::Erased | Within::Concealed => {
                    let (text, range) = splice(&line.text, hidden);
                    (text, Some(range))
                }
            };
            if let Some((spans, patterns)) = self.search(&text, range) {
                out.push(Match {
                    within: hidden.kind,
                    text: Some(text),
                    spans,
                    patterns,
                });
            }
        }
    }

    /// The matches in `text` (touching `within`, when given) and which patterns made them.
    /// A character that takes no room on the screen inside a word (`su\u{200b}do` shows as
    /// `sudo`) hides the word from a pattern: text holding one is searched without them too.
    fn search(
        &self,
        text: &str,
        within: Option<Range<usize>>,
    ) -> Option<(Vec<Range<usize>>, Vec<usize>)> {
        let found = self.search_as_is(text, within.clone());
        // Most lines are ASCII, which none of those characters is: one fast look.
        if found.is_some() || text.is_ascii() || !text.contains(invisible) {
            return found;
        }
        let (folded, at) = fold(text);
        // Byte offsets of `text` in `folded`: how many kept bytes come before each.
        let inward = |o: usize| at.partition_point(|&a| a < o);
        let within = within.map(|r| inward(r.start)..inward(r.end));
        let (spans, patterns) = self.search_as_is(&folded, within)?;
        let outward = |o: usize| at.get(o).copied().unwrap_or(text.len());
        let spans = spans
            .into_iter()
            .map(|r| outward(r.start)..at.get(r.end - 1).map_or(text.len(), |&a| a + 1))
            .collect();
        Some((spans, patterns))
    }

    fn search_as_is(
        &self,
        text: &str,
        within: Option<Range<usize>>,
    ) -> Option<(Vec<Range<usize>>, Vec<usize>)> {
        let counts = |m: &regex::Match| match &within {
            None => true,
            Some(r) => {
                (m.start() < r.end && m.end() > r.start) || (m.is_empty() && r.contains(&m.start()))
            }
        };
        let mut found = self.any.find_iter(text).filter(counts).peekable();
        found.peek()?;
        let spans = found.filter(|m| !m.is_empty()).map(|m| m.range()).collect();
        let patterns = (0..self.each.len())
            .filter(|&i| match within {
                None => self.each[i].is_match(text),
                Some(_) => self.each[i].find_iter(text).any(|m| counts(&m)),
            })
            .collect();
        Some((spans, patterns))
    }
}

/// Characters that take no room on a terminal and separate nothing: zero-width space,
/// joiners, word joiner, byte order mark, soft hyphen.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

/// `text` without [`invisible`] characters, and for each byte kept its offset in `text`.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len());
    for (offset, c) in text.char_indices().filter(|&(_, c)| !invisible(c)) {
        folded.push(c);
        at.extend(offset..offset + c.len_utf8());
    }
    (folded, at)
}

/// The one-line reason in regex's syntax error, which draws the pattern and a caret on the
/// lines above it (and would reach the terminal as `\x0a`s): "unclosed group".
fn reason(syntax: &str) -> &str {
    syntax
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(syntax)
}

/// The pattern that matches `text` as it is (grep's -F for one pattern among others).
pub fn literal(text: &str) -> String {
    regex::escape(text)
}

/// A pattern as a regex source of its own group, so that alternation keeps it whole.
fn source(pattern: &str, options: Options) -> String {
    let pattern = if options.fixed {
        literal(pattern)
    } else {
        pattern.to_owned()
    };
    if options.word {
        // Half word boundaries are grep -w exactly: `-w /etc` matches " /etc " (a plain
        // `\b` would need a word character before the slash).
        format!(r"\b{{start-half}}(?:{pattern})\b{{end-half}}")
    } else {
        format!("(?:{pattern})")
    }
}

/// The line up to `hidden`'s column (the prompt, say), then the hidden text, and where that
/// stands in the result. Columns are characters (one per cell); the displayed text is padded
/// with spaces when the hidden text stood past its end. Nothing of the displayed line after
/// the hidden text is added: it was written later, over or past it (`rm -rf /var/log/audit`
/// erased and `cat /etc/hostname_and_more` typed would read `…audit_more`), and a command
/// nobody typed is no evidence.
fn splice(displayed: &str, hidden: &Hidden) -> (String, Range<usize>) {
    let mut out = String::with_capacity(hidden.column + hidden.text.len() + 8);
    let mut chars = displayed.chars();
    for _ in 0..hidden.column {
        out.push(chars.next().unwrap_or(' '));
    }
    let start = out.len();
    out.push_str(&hidden.text);
    let end = out.len();
    (out, start..end)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // spans: a list of one range
mod tests {
    use super::*;

    fn line(text: &str, hidden: &[(Within, usize, &str)]) -> Line {
        Line {
            number: 1,
            text: text.into(),
            hidden: hidden
                .iter()
                .map(|&(kind, column, text)| Hidden {
                    kind,
                    column,
                    text: text.into(),
                })
                .collect(),
            ..Line::default()
        }
    }

    fn find(patterns: &[&str], options: Options, line: &Line) -> Vec<Match> {
        let mut out = Vec::new();
        Matcher::new(patterns, options)
            .unwrap()
            .find(line, &mut out);
        out
    }

    /// `su\u{200b}do` shows as `sudo`: it is found as `sudo`, and the span covers it whole.
    #[test]
    fn a_word_split_by_an_invisible_character_is_found() {
        let shown = "$ su\u{200b}do -i \u{feff}x";
        for options in [
            Options::default(),
            Options {
                word: true,
                fixed: true,
                ..Options::default()
            },
        ] {
            let m = find(&["sudo"], options, &line(shown, &[]));
            assert_eq!(m.len(), 1, "{options:?}");
            assert_eq!(&shown[m[0].spans[0].clone()], "su\u{200b}do");
        }
        let m = find(&["i x$"], Options::default(), &line(shown, &[]));
        assert_eq!(&shown[m[0].spans[0].clone()], "i \u{feff}x");
        // In hidden text too, and only where it touches the hidden part.
        let m = find(
            &["rm -rf"],
            Options::default(),
            &line("$ ls", &[(Within::Erased, 2, "rm\u{200b} -rf /")]),
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].within, Within::Erased);
        assert!(find(&["su do"], Options::default(), &line(shown, &[])).is_empty());
    }

    #[test]
    fn plain_ignore_case_word_and_fixed() {
        let l = line("$ SUDO su - root; echo a.b", &[]);
        assert!(find(&["sudo"], Options::default(), &l).is_empty());
        let opts = Options {
            ignore_case: true,
            ..Options::default()
        };
        let m = find(&["sudo"], opts, &l);
        assert_eq!(m[0].spans, [2..6]);
        assert_eq!(m[0].within, Within::Displayed);
        assert_eq!(m[0].text(&l), l.text);

        let word = Options {
            word: true,
            ..Options::default()
        };
        assert!(find(&["su"], Options::default(), &line("sudo", &[])).len() == 1);
        assert!(find(&["su"], word, &line("sudo", &[])).is_empty());
        assert_eq!(find(&["su"], word, &l)[0].spans, [7..9]);
        // -w with a pattern that starts with a non-word character, as grep -w does.
        assert_eq!(
            find(&["/etc"], word, &line("cat /etc/shadow", &[]))[0].spans,
            [4..8]
        );

        // -F: the dot is a dot.
        let fixed = Options {
            fixed: true,
            ..Options::default()
        };
        assert_eq!(find(&["a.b"], fixed, &l)[0].spans, [23..26]);
        assert!(find(&["a.b"], fixed, &line("axb", &[])).is_empty());
        assert_eq!(
            find(&["a.b"], Options::default(), &line("axb", &[])).len(),
            1
        );
    }

    #[test]
    fn several_patterns_say_which_matched() {
        let l = line("crontab -e && systemctl enable evil", &[]);
        let m = find(
            &["nmap", "systemctl enable", "crontab"],
            Options::default(),
            &l,
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].patterns, [1, 2]);
        assert_eq!(m[0].spans, [0..7, 14..30]);
    }

    #[test]
    fn erased_text_matches_in_its_place() {
        let l = line("$ ls", &[(Within::Erased, 2, "rm -rf /var/log/audit")]);
        let m = find(&["rm -rf /var/log/audit"], Options::default(), &l);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].within, Within::Erased);
        assert_eq!(m[0].text(&l), "$ rm -rf /var/log/audit");
        assert_eq!(m[0].spans, [2..23]);
        // What was displayed is not reported again as erased.
        let m = find(&["\\$"], Options::default(), &l);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].within, Within::Displayed);
        // A match across the displayed and the erased text counts as erased.
        let m = find(&["\\$ rm"], Options::default(), &l);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].within, Within::Erased);
    }

    #[test]
    fn concealed_and_osc_text_match() {
        let l = line(
            "token:",
            &[
                (Within::Concealed, 7, "ghp_abc123"),
                (Within::Title, 0, "evil title"),
            ],
        );
        let m = find(&["ghp_", "evil"], Options::default(), &l);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].within, Within::Concealed);
        assert_eq!(m[0].text(&l), "token: ghp_abc123");
        assert_eq!(m[0].patterns, [0]);
        assert_eq!(m[1].within, Within::Title);
        assert_eq!(m[1].text(&l), "evil title");
        assert_eq!(m[1].patterns, [1]);
    }

    #[test]
    fn bad_patterns_are_errors() {
        let e = Matcher::new(&["ok", "("], Options::default()).unwrap_err();
        assert_eq!(e.index, Some(1));
        // One line, in regex's words, without the drawing of the pattern above them.
        assert_eq!(e.message, r#"invalid pattern "(": unclosed group"#);
        assert!(Matcher::new::<&str>(&[], Options::default()).is_err());
        // -F takes any string.
        assert!(
            Matcher::new(
                &["("],
                Options {
                    fixed: true,
                    ..Options::default()
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn empty_matches_match_without_spans() {
        let m = find(&["^"], Options::default(), &line("anything", &[]));
        assert_eq!(m.len(), 1);
        assert!(m[0].spans.is_empty());
        assert_eq!(find(&[""], Options::default(), &line("", &[])).len(), 1);
    }
}
