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

/// How a suggested command starts, so that copying it runs against the same source: the
/// demo's suggestions keep `--demo` (a demo id sent to a real cluster finds nothing).
pub fn invocation(demo: bool) -> &'static str {
    if demo {
        "tsh-review --demo"
    } else {
        "tsh-review"
    }
}
