//! A cluster with fixed answers for unit tests of the workflows.

use std::cell::{Cell, RefCell};

use crate::error::Error;
use crate::teleport::ls::{LsEvent, LsQuery};
use crate::teleport::search::{SearchQuery, Summary};
use crate::teleport::{Cluster, Searched};
use crate::window::midnight;

pub const NOW: &str = "2026-06-03T21:00:00Z";

#[derive(Default)]
pub struct Canned {
    pub ls: RefCell<Vec<LsEvent<'static>>>,
    pub summaries: Vec<Summary<'static>>,
    pub unavailable: Option<String>,
    pub searches: RefCell<Vec<SearchQuery>>,
    ls_calls: Cell<usize>,
}

impl Canned {
    pub fn with_summaries(summaries: Vec<Summary<'static>>) -> Canned {
        Canned {
            summaries,
            ..Canned::default()
        }
    }

    pub fn unavailable(said: &str) -> Canned {
        Canned {
            unavailable: Some(said.into()),
            ..Canned::default()
        }
    }

    pub fn ls_calls(&self) -> usize {
        self.ls_calls.get()
    }
}

/// An SSH session of alice's that ended at `time`.
pub fn ls_event(sid: &str, time: &str) -> LsEvent<'static> {
    LsEvent {
        event: Some("session.end".into()),
        sid: Some(sid.to_owned().into()),
        user: Some("alice".into()),
        server_hostname: Some("web-01".into()),
        time: time.parse().unwrap(),
        ..LsEvent::default()
    }
}

/// A summary that started at `start`, with a severity level or unscored.
pub fn summary(id: &str, kind: &str, start: &str, severity: Option<i64>) -> Summary<'static> {
    let t: jiff::Timestamp = start.parse().unwrap();
    Summary {
        session_id: Some(id.to_owned().into()),
        kind: Some(kind.to_owned().into()),
        session_start: serde_json::json!({"seconds": t.as_second()}),
        username: Some("alice".into()),
        resource_name: Some("web-01".into()),
        severity: severity.map_or(serde_json::Value::Null, Into::into),
        ..Summary::default()
    }
}

impl Cluster for Canned {
    fn ls(&self, q: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error> {
        self.ls_calls.set(self.ls_calls.get() + 1);
        let from = midnight(q.from);
        let mut n = 0;
        for e in self.ls.borrow().iter() {
            let in_range =
                (e.time.get()).is_some_and(|t| t >= from && q.to.is_none_or(|to| t < midnight(to)));
            if in_range && n < q.limit as usize {
                sink(e);
                n += 1;
            }
        }
        Ok(n)
    }

    fn search(
        &self,
        q: &SearchQuery,
        sink: &mut dyn FnMut(&Summary<'_>),
    ) -> Result<Searched, Error> {
        self.searches.borrow_mut().push(q.clone());
        if let Some(said) = &self.unavailable {
            return Ok(Searched::Unavailable(said.clone()));
        }
        // As tctl: the dates select by start (`--to` exclusive), then `--limit` caps.
        let (from, to) = (q.from.map(midnight), q.to.map(midnight));
        let mut n = 0;
        for s in &self.summaries {
            let start = s.start();
            let inside =
                start.is_none_or(|t| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t < e));
            if inside && n < q.limit as usize {
                sink(s);
                n += 1;
            }
        }
        Ok(Searched::Done(n))
    }
}
