//! The integration tests: one crate (one binary to link, one place for the shared helpers in
//! `common`), a module per area. Each runs the real `tsh-review` against the fake `tsh` and
//! `tctl` in tests/fakes, real shells, or real signals.

mod common;

mod actions;
mod cache;
mod completions;
mod demo;
mod doctor;
mod errors;
mod fidelity;
mod fuzz_corpus;
mod grep;
mod hostile;
mod layering;
mod link;
mod man;
mod output;
mod probe;
mod recent;
mod search;
mod shell;
mod signals;
mod summary;
mod untrusted;
