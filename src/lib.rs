//! tsh-review: review Teleport session recordings from the terminal.
//!
//! Data flows one way: argv -> `cli` -> a `teleport::Cluster` (tctl, or the `demo`) ->
//! normalized `session::Session`s -> a `review` workflow -> a `render`er. Nothing below the
//! renderer prints; nothing above the cluster spawns processes.

pub mod actions;
pub mod app;
pub mod cache;
pub mod cli;
pub(crate) mod complete;
pub mod content;
pub mod demo;
pub mod error;
pub mod grep;
pub(crate) mod hunt;
pub(crate) mod private_file;
pub mod progress;
pub mod render;
pub mod review;
pub mod session;
pub mod signals;
pub mod source;
pub mod teleport;
pub mod term;
pub mod text;
pub mod window;
