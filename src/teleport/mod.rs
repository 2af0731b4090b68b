//! Everything that knows Teleport: finding and running tsh/tctl, the JSON they print, and what
//! their errors mean. Nothing outside this module spawns a Teleport process or knows a field
//! name of their output.

pub mod authority;
pub mod command;
pub mod errors;
pub mod labels;
pub mod lenient;
pub mod locate;
pub mod ls;
pub mod probe;
pub mod process;
pub mod search;
pub mod stream;
pub mod summary;
pub mod tctl;
pub mod tsh;
pub mod weblink;

use crate::error::Error;
use ls::{LsEvent, LsQuery};
use search::{SearchQuery, Summary};

/// The outcome of a search call.
#[derive(Debug, PartialEq, Eq)]
pub enum Searched {
    /// How many summaries the call printed.
    Done(usize),
    /// The cluster cannot search; what tctl said.
    Unavailable(String),
}

/// A source of recordings with tctl's semantics: the real cluster through tctl, or the
/// built-in demo cluster.
pub trait Cluster {
    /// One `recordings ls` call; events reach `sink` as they are read, borrowing from the
    /// output. Returns how many elements the call printed (to tell when it hit `--limit`).
    fn ls(&self, query: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error>;

    /// One `recordings search` call; summaries reach `sink` as they are read.
    fn search(
        &self,
        query: &SearchQuery,
        sink: &mut dyn FnMut(&Summary<'_>),
    ) -> Result<Searched, Error>;

    /// The AI summary of one session (`recordings summary`), or why there is none. A cluster
    /// that cannot summarize says so; nothing here is an error a command must stop for.
    fn summary(&self, _sid: &str) -> Summarized {
        Err(NoSummary::Unsupported)
    }
}

/// Why a recording could not be replayed as text: each is counted and said under `grep`'s
/// results; only a missing login stops the other sessions.
#[derive(Clone, Debug)]
pub enum NoReplay {
    /// tsh found no recording (expired, never recorded).
    NotFound,
    /// The role may not read it.
    Denied,
    /// The replay did not finish within --timeout.
    TimedOut,
    /// The login is missing or expired: nothing else will replay either.
    NotLoggedIn(crate::error::Error),
    /// Any other failure, in our words.
    Failed(String),
}

/// A session's AI summary, or why there is none.
pub type Summarized = Result<summary::AiSummary, NoSummary>;

/// Why a session has no summary to show: each is said in one line, and the rest of the
/// command goes on.
#[derive(Clone, Debug, PartialEq)]
pub enum NoSummary {
    /// Not summarized: only sessions an inference policy matches are.
    NotSummarized,
    /// This tctl has no `recordings summary` (it came to v18 in August 2026).
    OldTctl,
    /// The cluster cannot search or summarize; what tctl said.
    Unavailable(String),
    /// The role may not read the session; what tctl said.
    Denied(String),
    /// The call failed otherwise (timed out, unexpected output, ...): our words.
    Failed(String),
    /// This source has no summaries at all.
    Unsupported,
}

impl NoSummary {
    /// A table cell's few words for it.
    pub fn short(&self) -> &'static str {
        match self {
            NoSummary::NotSummarized => "no summary",
            NoSummary::OldTctl => "tctl too old",
            NoSummary::Unavailable(_) | NoSummary::Unsupported => "no summaries here",
            NoSummary::Denied(_) => "access denied",
            NoSummary::Failed(_) => "not read",
        }
    }

    /// Whether the summary was there to read and was not: worth a note under the table.
    pub fn is_failure(&self) -> bool {
        !matches!(self, NoSummary::NotSummarized)
    }

    /// One line for a reviewer: what is missing, and why.
    pub fn line(&self) -> String {
        use crate::text::sanitize::escape;
        match self {
            NoSummary::NotSummarized => "no AI summary: this session was not summarized (only sessions an inference policy matches are)".to_owned(),
            NoSummary::OldTctl => "no AI summary: this tctl has no `recordings summary` (install a tctl of your cluster's version, v18 from August 2026 on)".to_owned(),
            NoSummary::Unavailable(said) => format!("no AI summary: this cluster cannot summarize sessions (tctl: {}); summaries need Teleport Enterprise with Identity Security", escape(said)),
            NoSummary::Denied(said) => format!("no AI summary: your role may not read it (tctl: {})", escape(said)),
            NoSummary::Failed(what) => format!("no AI summary: {}", escape(what)),
            NoSummary::Unsupported => "no AI summary on this source".to_owned(),
        }
    }
}
