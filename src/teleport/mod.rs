//! Everything that knows Teleport: finding and running tsh/tctl, the JSON they print, and what
//! their errors mean. Nothing outside this module spawns a Teleport process or knows a field
//! name of their output.

pub mod authority;
pub mod command;
pub mod errors;
pub mod lenient;
pub mod locate;
pub mod ls;
pub mod probe;
pub mod process;
pub mod search;
pub mod stream;
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
}
