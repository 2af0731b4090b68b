//! grep over a stream: feed a replay's stdout as it arrives, get matching lines with their
//! context, then a summary of the session.

use std::collections::VecDeque;

use super::flags::{Flag, Flags};
use super::line::Line;
use super::matcher::{Match, Matcher};
use super::screen::Screen;
use crate::text::suspicious::addresses_the_reader;

/// grep's `-B`, `-A` (`-C N` is both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub before: usize,
    pub after: usize,
}

impl Context {
    /// `-C n`.
    pub fn both(n: usize) -> Context {
        Context {
            before: n,
            after: n,
        }
    }

    fn any(self) -> bool {
        self.before > 0 || self.after > 0
    }
}

/// What a scan reports, in line order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A matching line, or a context line around one.
    Line(Hit),
    /// A gap between two groups of lines (grep's `--`); only with context.
    Separator,
}

/// A line to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The line, with `suspicious-text` added to its flags when it (or its hidden text)
    /// reads like instructions. Attacker-typed: escape every string at render time.
    pub line: Line,
    /// Its matches: displayed first, then in hidden text. Empty for a context line.
    pub matches: Vec<Match>,
}

impl Hit {
    pub fn is_context(&self) -> bool {
        self.matches.is_empty()
    }
}

/// A session's scan, once fed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines completed (the last line number).
    pub lines: u64,
    /// Lines with at least one match.
    pub matched_lines: u64,
    /// Matches: spans, plus one per match that highlights nothing (an empty pattern).
    pub matches: u64,
    /// Bytes fed.
    pub bytes: u64,
    /// Every flag the session raised: all lines', not only the shown ones, plus
    /// `suspicious-text` when a shown line raised it.
    pub flags: Flags,
}

/// One session's grep. Memory is bounded by the screen's bounds plus `before` lines of
/// context and the events of one chunk.
pub struct Scanner {
    screen: Screen,
    state: State,
}

struct State {
    matcher: Matcher,
    context: Context,
    /// The last `context.before` lines not shown, oldest first.
    before: VecDeque<Line>,
    /// Lines still to show after the last match.
    after_left: usize,
    /// Number of the last line shown; 0 before any.
    last_shown: u64,
    events: Vec<Event>,
    matched_lines: u64,
    matches: u64,
    flags: Flags,
}

impl Scanner {
    pub fn new(matcher: Matcher, context: Context) -> Scanner {
        Scanner {
            screen: Screen::new(),
            state: State {
                matcher,
                context,
                before: VecDeque::with_capacity(context.before.min(64)),
                after_left: 0,
                last_shown: 0,
                events: Vec::new(),
                matched_lines: 0,
                matches: 0,
                flags: Flags::EMPTY,
            },
        }
    }

    /// Feeds the next chunk of the replay's stdout, in any size; yields the events of the
    /// lines it completed. Events not consumed are dropped with the iterator.
    pub fn feed(&mut self, bytes: &[u8]) -> impl Iterator<Item = Event> + '_ {
        let state = &mut self.state;
        self.screen.feed(bytes, &mut |line| state.on_line(line));
        self.state.events.drain(..)
    }

    /// Ends the stream: the events of the last line, and the summary.
    pub fn finish(mut self) -> (Vec<Event>, Summary) {
        let state = &mut self.state;
        self.screen.finish(&mut |line| state.on_line(line));
        let summary = self.summary();
        (std::mem::take(&mut self.state.events), summary)
    }

    /// The summary so far.
    pub fn summary(&self) -> Summary {
        Summary {
            lines: self.screen.lines(),
            matched_lines: self.state.matched_lines,
            matches: self.state.matches,
            bytes: self.screen.bytes(),
            flags: self.screen.flags().union(self.state.flags),
        }
    }
}

impl State {
    fn on_line(&mut self, line: &Line) {
        let mut matches = Vec::new();
        self.matcher.find(line, &mut matches);
        if !matches.is_empty() {
            self.matched_lines += 1;
            let n: usize = matches.iter().map(|m| m.spans.len().max(1)).sum();
            self.matches += n as u64;
            let first = self.before.front().map_or(line.number, |l| l.number);
            if self.context.any() && self.last_shown != 0 && first > self.last_shown + 1 {
                self.events.push(Event::Separator);
            }
            while let Some(before) = self.before.pop_front() {
                self.show(before, Vec::new());
            }
            self.show(line.clone(), matches);
            self.after_left = self.context.after;
        } else if self.after_left > 0 {
            self.after_left -= 1;
            self.show(line.clone(), Vec::new());
        } else if self.context.before > 0 {
            if self.before.len() == self.context.before
                && let Some(mut oldest) = self.before.pop_front()
            {
                // Reuse the oldest line's buffers.
                oldest.clone_from(line);
                self.before.push_back(oldest);
            } else {
                self.before.push_back(line.clone());
            }
        }
    }

    /// Shown lines are what a reviewer, or an agent, reads: those are checked for text that
    /// reads like instructions (SPEC 5.2, 5.2b).
    fn show(&mut self, mut line: Line, matches: Vec<Match>) {
        if addresses_the_reader(&line.text)
            || line.hidden.iter().any(|h| addresses_the_reader(&h.text))
        {
            line.flags.insert(Flag::SuspiciousText);
            self.flags.insert(Flag::SuspiciousText);
        }
        self.last_shown = line.number;
        self.events.push(Event::Line(Hit { line, matches }));
    }
}
