//! The real cluster, through the `tctl` binary and the user's active `tsh` login.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use super::Cluster;
use super::errors::{Failure, classify, message};
use super::ls::{LsEvent, LsQuery, parse_events};
use super::process::{RunError, run};
use crate::error::{Error, Exit};
use crate::render::format::human_duration;

pub struct Tctl {
    pub path: PathBuf,
    pub timeout: Duration,
}

impl Cluster for Tctl {
    fn ls(&self, query: &LsQuery, sink: &mut dyn FnMut(LsEvent)) -> Result<usize, Error> {
        self.call("tctl recordings ls", &query.args(), |out| {
            parse_events(out, sink)
        })
    }
}

impl Tctl {
    /// Run one tctl command whose stdout is JSON, turning every way it can fail into an error
    /// a user can act on. `what` names the command in messages.
    fn call<R>(
        &self,
        what: &str,
        args: &[String],
        parse: impl FnOnce(&mut dyn Read) -> Result<R, serde_json::Error>,
    ) -> Result<R, Error> {
        let finished = match run(&self.path, args, self.timeout, parse) {
            Ok(f) => f,
            Err(RunError::Spawn(e)) => {
                return Err(
                    Error::failure(format!("cannot run {}: {e}", self.path.display()))
                        .hint("check the path given with --tctl or TCTL, or install tctl"),
                );
            }
            Err(RunError::Wait(e)) => {
                return Err(Error::failure(format!("lost track of `{what}`: {e}")));
            }
            Err(RunError::TimedOut) => {
                return Err(Error::failure(format!(
                    "`{what}` did not finish within {}, so it was stopped",
                    human_duration(self.timeout.as_millis() as i64)
                ))
                .because("the cluster may be slow or unreachable, or tctl is waiting for something (a login prompt, a hardware key)")
                .hint("check `tsh status`; for large windows raise the limit, e.g. --timeout 10m"));
            }
        };
        if let Some(signal) = finished.signal() {
            return Err(Error::failure(format!(
                "`{what}` was killed by signal {signal} before it finished"
            ))
            .hint("run it again; if it keeps dying, run the tctl command yourself to see why"));
        }
        if !finished.status.success() {
            return Err(failure(
                what,
                &message(&finished.stderr),
                finished.status.code(),
            ));
        }
        finished.value.map_err(|e| {
            Error::failure(format!(
                "`{what}` printed output that is not the JSON expected ({e})"
            ))
            .because("tctl's output was cut short, or this tctl version prints another format")
            .hint(format!(
                "run `{what} --format=json` yourself to see what it prints; check `tctl version`"
            ))
        })
    }
}

/// The error for a tctl that exited unsuccessfully.
fn failure(what: &str, said: &str, code: Option<i32>) -> Error {
    let quoted = if said.is_empty() {
        format!("nothing (exit status {})", code.unwrap_or(-1))
    } else {
        said.to_owned()
    };
    match classify(said) {
        Failure::AccessDenied => Error::new(Exit::Denied, "access denied: your Teleport role may not list session recordings")
            .quoting("tctl", quoted)
            .because("reading recordings needs an allow rule for the resource `session` with the verbs `list, read`; the preset `auditor` role has it")
            .hint("ask a Teleport admin to add `session: [list, read]` to one of your roles (or grant `auditor`), then `tsh login` again to pick it up"),
        Failure::NotLoggedIn => Error::new(Exit::Login, "not logged in to Teleport, or the login expired")
            .quoting("tctl", quoted)
            .because("tctl uses your active tsh profile to reach the cluster")
            .hint("run `tsh login --proxy=<proxy address>`, then try again"),
        Failure::Window => Error::failure(format!("`{what}` rejected the time window"))
            .quoting("tctl", quoted)
            .because("tctl takes whole UTC days, not in the future, at most 365 days per call; tsh-review plans calls within that, so this machine's clock may differ from the cluster's")
            .hint("check the clock (`date -u`), or give an explicit --from/--to"),
        Failure::UnknownCommand => Error::failure(format!("this tctl does not know `{what}`"))
            .quoting("tctl", quoted)
            .because("the command needs a newer Teleport release")
            .hint("install a tctl matching your cluster's version (`tsh version` shows it)"),
        Failure::Other => Error::failure(format!("`{what}` failed"))
            .quoting("tctl", quoted)
            .hint("run `tsh status` to check the login and cluster; --timeout and --tctl may help"),
    }
}
