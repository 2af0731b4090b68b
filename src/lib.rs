//! tsh-review: review Teleport session recordings from the terminal.
//!
//! Data flows one way: argv -> `cli` -> a `source::Source` (tctl and tsh, or the `demo`) ->
//! normalized `session::Session`s -> a `review` workflow -> a `render`er, composed by `app` and
//! `commands`. Nothing below the renderer prints; nothing above the source spawns processes.

pub(crate) mod app;
pub(crate) mod cache;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod complete;
pub(crate) mod content;
pub(crate) mod demo;
pub(crate) mod error;
pub(crate) mod packed;
pub(crate) mod private_file;
pub(crate) mod progress;
pub(crate) mod render;
pub(crate) mod review;
pub(crate) mod session;
pub(crate) mod signals;
pub(crate) mod source;
pub(crate) mod teleport;
pub(crate) mod term;
pub(crate) mod text;
pub(crate) mod window;

/// What the fuzz targets, the integration tests and the examples reach inside the crate. Not
/// an API: everything else is `pub(crate)`, so that rustc reports what nothing uses.
#[doc(hidden)]
pub mod internals {
    pub mod cli {
        /// The script for a shell; None for another name or a damaged binary.
        pub fn completion_script(shell: &str) -> Option<&'static str> {
            crate::cli::completions::script(shell).and_then(Result::ok)
        }
        pub use crate::cli::man::page as man_page;
        pub use crate::cli::table::{COMMANDS, FLAGS, SHELLS};
    }
    pub mod content {
        pub use crate::content::{
            Context, Event, Line, MAX_COLUMNS, MAX_HIDDEN, Matcher, Options, Scanner, Screen,
            Within,
        };
    }
    pub mod parse {
        pub use crate::session::{Builder, Detail, Session, is_canonical_id};
        pub use crate::teleport::ls::{Normalizer, parse_events};
        pub use crate::teleport::search::{parse_summaries, session};
        pub use crate::teleport::tsh::{parse_status_json, parse_version_json, version_at_least};
    }
    pub mod probe {
        pub use crate::teleport::probe::{
            Capability, ENABLE_SUMMARIZATION, ProbeOptions, Verdict, parse_config_js, probe_url,
            verdict,
        };
    }
    pub mod render {
        pub use crate::render::{Format, Style, listing};
        pub use crate::review::Listing;
    }
    pub mod text {
        pub use crate::text::sanitize::{
            cut, display_width, escape, escape_bytes, is_dangerous, keep_width, truncate,
        };
    }
    pub mod window {
        pub use crate::window::{
            Window, WindowArgs, earliest, format_instant, parse_duration, quarter, quarter_name,
            resolve,
        };
    }
}

/// The program: parse the arguments, run the command, report a failure with its exit status.
pub fn main() -> std::process::ExitCode {
    signals::install();
    match cli::parse(std::env::args_os().skip(1)).and_then(app::run) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_quiet() {
                eprintln!("{e}");
            }
            std::process::ExitCode::from(e.code() as u8)
        }
    }
}
