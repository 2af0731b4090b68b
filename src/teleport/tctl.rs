//! The real cluster, through the `tctl` binary and the user's active `tsh` login.

use std::path::PathBuf;
use std::time::Duration;

use super::command::Program;
use super::errors::Failure;
use super::ls::{LsEvent, LsQuery, parse_events};
use super::search::{SearchQuery, Summary, parse_summaries};
use super::{Cluster, NoSummary, Searched, Summarized};
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

impl Tctl {
    /// `tctl recordings download SID -o DIR`: writes DIR/SID.tar (plus empty multi/ and
    /// pending/ work directories). Only a canonical session id may be passed.
    pub fn download(&self, sid: &str, dir: &std::path::Path) -> Result<(), Error> {
        assert!(
            crate::session::is_canonical_id(sid),
            "only canonical ids reach argv"
        );
        let args = vec![
            "recordings".to_owned(),
            "download".to_owned(),
            sid.to_owned(),
            "-o".to_owned(),
            dir.to_string_lossy().into_owned(),
        ];
        self.program()
            .call("tctl recordings download", &args, |out| {
                std::io::copy(out, &mut std::io::sink())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
    }
}

impl Tctl {
    /// `tctl recordings summary SID --format=json`, read whole (it is small) and bounded.
    fn summarize(&self, sid: &str) -> Summarized {
        use super::summary::{MAX_BYTES, parse};
        let Some(args) = super::summary::args(sid) else {
            return Err(NoSummary::Failed(
                "the session id is not a canonical UUID".into(),
            ));
        };
        let what = "tctl recordings summary";
        let read = |out: &mut dyn std::io::Read| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(out, MAX_BYTES), &mut bytes)
                .map_err(|e| e.to_string())?;
            parse(&bytes)
        };
        match self.program().try_call(what, &args, read) {
            Ok(Ok(summary)) => Ok(summary),
            Ok(Err(r)) => Err(match r.failure {
                Failure::NotSummarized => NoSummary::NotSummarized,
                Failure::UnknownCommand => NoSummary::OldTctl,
                Failure::SearchUnavailable => NoSummary::Unavailable(r.said),
                Failure::AccessDenied => NoSummary::Denied(r.said),
                _ => NoSummary::Failed(self.program().refused(what, &r).what.clone()),
            }),
            // Its own next step: the call may only need longer (a summary is one tctl call).
            Err(e) if super::command::timed_out(&e) => Err(NoSummary::Failed(format!(
                "{} (a longer --timeout gives it more time)",
                e.what
            ))),
            Err(e) => Err(NoSummary::Failed(e.what.clone())),
        }
    }
}

impl Cluster for Tctl {
    fn summary(&self, sid: &str) -> Summarized {
        self.summarize(sid)
    }

    fn ls(&self, query: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error> {
        self.program()
            .call("tctl recordings ls", &query.args(), |out| {
                parse_events(out, query.limit as usize, sink)
                    .map_err(|e| super::stream::describe(&e))
            })
    }

    fn search(
        &self,
        query: &SearchQuery,
        sink: &mut dyn FnMut(&Summary<'_>),
    ) -> Result<Searched, Error> {
        let what = "tctl recordings search";
        let program = self.program();
        match program.try_call(what, &query.args(), |out| {
            parse_summaries(out, query.limit as usize, sink)
                .map_err(|e| super::stream::describe(&e))
        })? {
            Ok(n) => Ok(Searched::Done(n)),
            Err(r) if r.failure == Failure::SearchUnavailable => Ok(Searched::Unavailable(r.said)),
            Err(r) => Err(program.refused(what, &r)),
        }
    }
}
