//! One tsh/tctl call whose stdout is parsed as it streams, with every way it can fail turned
//! into an error a user can act on.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use super::errors::{Failure, classify, message};
use super::process::{RunError, run};
use crate::error::{Error, Exit};
use crate::text::format::human_duration;

/// How a call stopped at --timeout is told; [`timed_out`] recognises it.
const STOPPED: &str = "did not finish within";

/// Whether `e` is a call stopped at --timeout (its callers name that case apart: a replay
/// counted as timed out, a summary that may only need longer).
pub fn timed_out(e: &Error) -> bool {
    e.what.contains(STOPPED)
}

/// How a call that found no recording of its session is told; [`no_recording`] recognises it.
const NO_RECORDING: &str = "found no recording for this session";

/// Whether `e` is a tool finding no recording of the session: `play` and `download` say why
/// and what next from what they know of the session.
pub fn no_recording(e: &Error) -> bool {
    e.what.ends_with(NO_RECORDING)
}

/// Everything session search depends on, said once wherever search is unavailable.
pub const SEARCH_NEEDS: &str = "session search and AI summaries need Teleport Enterprise with Identity Security and Access Graph (PostgreSQL with the pg_trgm and pgvector extensions), a v18.8.0+ proxy, and session summarization enabled";

/// The error when search is unavailable and the caller may not fall back (`--no-fallback`).
pub fn search_unavailable(said: &str) -> Error {
    Error::new(Exit::SearchUnavailable, "this cluster cannot search session recordings")
        .quoting("tctl", said)
        .because(SEARCH_NEEDS)
        .hint("drop --no-fallback to get the same window from `tctl recordings ls`, or run `tsh-review doctor` to see what is missing")
}

/// A Teleport program to run: `tool` is its name in messages ("tctl", "tsh").
pub struct Program<'a> {
    pub tool: &'a str,
    pub path: &'a Path,
    pub timeout: Duration,
}

/// What failed and what tctl/tsh said, for callers that treat some failures specially (an
/// unavailable search falls back to `ls`).
pub struct Refusal {
    pub failure: Failure,
    pub said: String,
    pub code: Option<i32>,
}

impl Program<'_> {
    /// Run `args`; `what` names the command in messages, e.g. "tctl recordings ls".
    pub fn call<R>(
        &self,
        what: &str,
        args: &[String],
        parse: impl FnOnce(&mut dyn Read) -> Result<R, String>,
    ) -> Result<R, Error> {
        self.try_call(what, args, parse)?
            .map_err(|refusal| self.refused(what, &refusal))
    }

    /// Like `call`, but an unsuccessful exit is handed back as a `Refusal` instead of an error.
    pub fn try_call<R>(
        &self,
        what: &str,
        args: &[String],
        parse: impl FnOnce(&mut dyn Read) -> Result<R, String>,
    ) -> Result<Result<R, Refusal>, Error> {
        let tool = self.tool;
        let finished = match run(self.path, args, self.timeout, parse) {
            Ok(f) => f,
            Err(RunError::Spawn(e)) => {
                return Err(
                    Error::failure(format!("cannot run {}: {e}", self.path.display())).hint(
                        format!(
                            "check the path given with --{tool} or {}, or install {tool}",
                            tool.to_uppercase()
                        ),
                    ),
                );
            }
            Err(RunError::Wait(e)) => {
                return Err(Error::failure(format!("lost track of `{what}`: {e}")));
            }
            Err(RunError::TimedOut) => {
                return Err(Error::failure(format!(
                    "`{what}` {STOPPED} {}, so it was stopped",
                    human_duration(self.timeout.as_millis() as i64)
                ))
                .because(format!("the cluster may be slow or unreachable, or {tool} is waiting for something (a login prompt, a hardware key)"))
                .hint("check `tsh status`; for large windows allow more time, e.g. --timeout 10m"));
            }
        };
        if let Some(signal) = finished.signal() {
            return Err(Error::failure(format!(
                "`{what}` was killed by signal {signal} before it finished"
            ))
            .hint(format!(
                "run it again; if it keeps dying, run the {tool} command yourself to see why"
            )));
        }
        if !finished.status.success() {
            let said = message(&finished.stderr);
            return Ok(Err(Refusal {
                failure: classify(&said),
                said,
                code: finished.status.code(),
            }));
        }
        finished.value.map(Ok).map_err(|e| {
            Error::failure(format!(
                "`{what}` printed output that is not the JSON expected ({e})"
            ))
            .because(format!(
                "{tool}'s output was cut short or altered on the way, or this {tool} version prints another format"
            ))
            .hint(format!(
                "run `{what} --format=json` yourself to see what it prints; check `{tool} version`"
            ))
        })
    }

    /// The error for a call that exited unsuccessfully.
    pub fn refused(&self, what: &str, r: &Refusal) -> Error {
        let tool = self.tool;
        let quoted = if r.said.is_empty() {
            format!("nothing (exit status {})", r.code.unwrap_or(-1))
        } else {
            r.said.clone()
        };
        match r.failure {
            Failure::AccessDenied => Error::new(Exit::Denied, format!("access denied: your Teleport role does not allow `{what}`"))
                .quoting(tool, quoted)
                .because("reading recordings needs an allow rule for the resource `session` with the verbs `list, read`; the preset `auditor` role has it")
                .hint("ask a Teleport admin to add `session: [list, read]` to one of your roles (or grant `auditor`), then `tsh login` again to pick it up"),
            Failure::NotLoggedIn => Error::new(Exit::Login, "not logged in to Teleport, or the login expired")
                .quoting(tool, quoted)
                .because(format!("{tool} uses your active tsh profile to reach the cluster"))
                .hint("run `tsh login --proxy=<proxy address>`, then try again"),
            Failure::Window => Error::failure(format!("`{what}` rejected the time window"))
                .quoting(tool, quoted)
                .because("tctl takes whole UTC days, not in the future, at most 365 days per call; tsh-review plans calls within that, so this machine's clock may differ from the cluster's")
                .hint("check the clock (`date -u`), or give an explicit --from/--to"),
            Failure::UnknownCommand => Error::failure(format!("this {tool} does not know `{what}`"))
                .quoting(tool, quoted)
                .because("the command needs a newer Teleport release")
                .hint(format!("install a {tool} matching your cluster's version (`tsh version` shows it)")),
            Failure::SearchUnavailable => search_unavailable(&quoted),
            Failure::RecordingNotFound => Error::failure(format!("{tool} {NO_RECORDING}"))
                .quoting(tool, quoted)
                .because("exec (non-interactive) sessions, desktops and sessions with recording off are often not recorded, and the recording may have expired")
                .hint("check the session id; `tsh-review show` with it says whether Teleport recorded the session"),
            Failure::NotSummarized => Error::failure("this session has no AI summary")
                .quoting(tool, quoted)
                .because("only sessions an inference policy matches are summarized")
                .hint("read the recording itself: `tsh-review play`, or `tsh play --format text | less`"),
            Failure::Other => Error::failure(format!("`{what}` failed"))
                .quoting(tool, quoted)
                .hint(format!("run `tsh status` to check the login and cluster; --timeout and --{tool} may help")),
        }
    }
}
