//! The command line: one table of commands and flags drives parsing and help.

pub mod args;
pub mod completions;
mod formats;
pub mod help;
pub mod kingpin;
pub mod man;
pub mod parse;
pub mod suggest;
pub mod table;

pub use parse::{Globals, Invocation, Matches, parse};
