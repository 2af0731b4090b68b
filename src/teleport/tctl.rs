//! The real cluster, through the `tctl` binary and the user's active `tsh` login.

use std::path::PathBuf;
use std::time::Duration;

use super::Cluster;
use super::command::Program;
use super::ls::{LsEvent, LsQuery, parse_events};
use crate::error::Error;

pub struct Tctl {
    pub path: PathBuf,
    pub timeout: Duration,
}

impl Tctl {
    fn program(&self) -> Program<'_> {
        Program {
            tool: "tctl",
            path: &self.path,
            timeout: self.timeout,
        }
    }
}

impl Cluster for Tctl {
    fn ls(&self, query: &LsQuery, sink: &mut dyn FnMut(LsEvent)) -> Result<usize, Error> {
        self.program()
            .call("tctl recordings ls", &query.args(), |out| {
                parse_events(out, sink).map_err(|e| e.to_string())
            })
    }
}
