//! The built-in sample cluster behind `--demo`: real tctl output (see README.md here), parsed
//! by the same code as a live cluster and answered with tctl's own semantics, its times moved
//! so that the data always looks recent.

use jiff::{SignedDuration, Timestamp};

use crate::error::Error;
use crate::teleport::Cluster;
use crate::teleport::ls::{LsEvent, LsQuery, parse_events};
use crate::window::midnight;

const LS: &str = include_str!("ls.json");
/// "Now" when the data was written.
const ANCHOR: &str = "2026-06-03T21:00:00Z";

pub struct Demo {
    now: Timestamp,
    shift: SignedDuration,
}

impl Demo {
    pub fn new(now: Timestamp) -> Demo {
        let anchor: Timestamp = ANCHOR.parse().expect("valid anchor");
        Demo {
            now,
            shift: now.duration_since(anchor),
        }
    }

    fn moved(&self, t: Option<Timestamp>) -> Option<Timestamp> {
        t.and_then(|t| t.checked_add(self.shift).ok())
    }
}

impl Cluster for Demo {
    fn ls(&self, q: &LsQuery, sink: &mut dyn FnMut(LsEvent)) -> Result<usize, Error> {
        let from = midnight(q.from);
        let to = q.to.map_or(self.now, midnight);
        let mut events = Vec::new();
        parse_events(LS.as_bytes(), &mut |mut e| {
            e.time = self.moved(e.time);
            e.session_start = self.moved(e.session_start);
            e.session_stop = self.moved(e.session_stop);
            if e.time.is_some_and(|t| from <= t && t <= to) {
                events.push(e);
            }
        })
        .map_err(|e| Error::failure(format!("the built-in demo data is broken: {e}")))?;
        events.sort_by_key(|e| std::cmp::Reverse(e.time));
        events.truncate(q.limit as usize);
        let n = events.len();
        events.into_iter().for_each(sink);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teleport::ls::Normalizer;

    #[test]
    fn demo_data_answers_like_tctl() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let demo = Demo::new(now);
        let q = LsQuery {
            from: "2026-11-22".parse().unwrap(),
            to: None,
            limit: 500,
        };
        let mut n = Normalizer::default();
        let rows = demo.ls(&q, &mut |e| n.push(e)).unwrap();
        let found = n.finish();
        assert!(rows > 10, "{rows}");
        assert!(found.sessions.iter().all(|s| s.when().unwrap() <= now));
        for kind in crate::session::Kind::ALL {
            assert!(
                found.sessions.iter().any(|s| s.kind == kind),
                "{kind:?} missing"
            );
        }
        let limited = demo.ls(&LsQuery { limit: 3, ..q }, &mut |_| {}).unwrap();
        assert_eq!(limited, 3);
    }
}
