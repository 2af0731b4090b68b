//! The review workflows: pure functions from sessions to listings, unit-testable without
//! processes. They ask a `Cluster` for data and never print.

pub mod annotate;
pub mod recent;
pub mod suspicious;

use std::collections::BTreeMap;

use crate::session::Session;
use crate::teleport::ls::LsQuery;
use crate::window::Window;

/// What a workflow found, ready for any renderer.
#[derive(Debug)]
pub struct Listing {
    pub window: Window,
    pub sessions: Vec<Session>,
    pub notes: Vec<Note>,
}

/// Things the reader must know to interpret a listing correctly.
#[derive(Debug, PartialEq)]
pub enum Note {
    /// A call returned exactly its limit: more sessions may exist.
    Partial { limit: u32, calls: Vec<LsQuery> },
    /// Events of types this tool does not know were skipped.
    UnknownEvents(BTreeMap<String, usize>),
    /// Events without a session id were skipped.
    WithoutId(usize),
    /// Rows whose free text reads like instructions.
    Suspicious(usize),
}
