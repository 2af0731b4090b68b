//! `recent`: the recordings that ended in a window, from `tctl recordings ls`. Works on every
//! edition.

use jiff::{SignedDuration, Timestamp};

use super::annotate::annotate;
use super::{Listing, Note};
use crate::error::Error;
use crate::session::{Kind, Session};
use crate::teleport::Cluster;
use crate::teleport::ls::{Normalizer, plan};
use crate::window::{Window, WindowArgs, resolve};

#[derive(Debug, Clone, PartialEq)]
pub struct RecentArgs {
    pub window: WindowArgs,
    pub limit: u32,
    pub kinds: Vec<Kind>,
    pub user: Option<String>,
}

pub const DEFAULT_SINCE: SignedDuration = SignedDuration::from_hours(24);

/// The window the user asked for; resolved before anything runs, so a mistake costs no call.
pub fn window(args: &RecentArgs, now: Timestamp) -> Result<Window, Error> {
    resolve(&args.window, now, DEFAULT_SINCE).map_err(Error::usage)
}

pub fn recent(
    cluster: &dyn Cluster,
    args: &RecentArgs,
    window: Window,
    now: Timestamp,
) -> Result<Listing, Error> {
    let mut normalizer = Normalizer::default();
    let mut partial = Vec::new();
    for call in plan(&window, now, args.limit) {
        let rows = cluster.ls(&call, &mut |event| normalizer.push(event))?;
        if rows >= args.limit as usize {
            partial.push(call);
        }
    }
    let found = normalizer.finish();
    // tctl answers in whole days: trim to the exact window the user asked for.
    let mut sessions: Vec<Session> = found
        .sessions
        .into_iter()
        .filter(|s| s.when().is_none_or(|t| window.contains(t)))
        .filter(|s| args.kinds.is_empty() || args.kinds.contains(&s.kind))
        .filter(|s| args.user.as_ref().is_none_or(|u| &s.user == u))
        .collect();
    // Newest first by start, the time a reviewer reads in the table.
    sessions.sort_by(|a, b| {
        let start = |s: &Session| s.start.or(s.end);
        start(b).cmp(&start(a)).then_with(|| a.id.cmp(&b.id))
    });
    sessions.iter_mut().for_each(annotate);

    let mut notes = Vec::new();
    if !partial.is_empty() {
        notes.push(Note::Partial {
            limit: args.limit,
            calls: partial,
        });
    }
    if !found.unknown.is_empty() {
        notes.push(Note::UnknownEvents(found.unknown));
    }
    if found.without_id > 0 {
        notes.push(Note::WithoutId(found.without_id));
    }
    let suspicious = sessions
        .iter()
        .filter(|s| s.flags.contains(&crate::session::Flag::SuspiciousText))
        .count();
    if suspicious > 0 {
        notes.push(Note::Suspicious(suspicious));
    }
    Ok(Listing {
        window,
        sessions,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teleport::ls::{LsEvent, LsQuery};
    use std::cell::RefCell;

    /// A cluster that answers every call from a fixed list and records the calls.
    struct Canned {
        events: Vec<(&'static str, &'static str, &'static str)>,
        calls: RefCell<Vec<LsQuery>>,
    }

    impl Cluster for Canned {
        fn ls(&self, q: &LsQuery, sink: &mut dyn FnMut(LsEvent)) -> Result<usize, Error> {
            self.calls.borrow_mut().push(q.clone());
            let mut n = 0;
            for (sid, kind, time) in self.events.iter().take(q.limit as usize) {
                let event = match *kind {
                    "db" => "db.session.end",
                    _ => "session.end",
                };
                sink(LsEvent {
                    event: Some(event.into()),
                    sid: Some(sid.to_string()),
                    user: Some(if *kind == "db" { "bob" } else { "alice" }.into()),
                    time: Some(time.parse().unwrap()),
                    ..LsEvent::default()
                });
                n += 1;
            }
            Ok(n)
        }
    }

    fn args(since: &str) -> RecentArgs {
        RecentArgs {
            window: WindowArgs {
                since: Some(since.into()),
                ..WindowArgs::default()
            },
            limit: 50,
            kinds: vec![],
            user: None,
        }
    }

    const NOW: &str = "2026-06-03T21:00:00Z";

    fn canned() -> Canned {
        Canned {
            events: vec![
                ("a", "ssh", "2026-06-03T20:50:00Z"),
                ("b", "db", "2026-06-03T19:00:00Z"),
                ("c", "ssh", "2026-06-03T05:00:00Z"),
                ("d", "ssh", "2026-06-02T22:00:00Z"),
            ],
            calls: RefCell::new(vec![]),
        }
    }

    fn run(c: &Canned, a: &RecentArgs) -> Listing {
        let now = NOW.parse().unwrap();
        recent(c, a, window(a, now).unwrap(), now).unwrap()
    }

    fn ids(l: &Listing) -> Vec<&str> {
        l.sessions.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn sub_day_windows_are_trimmed_exactly() {
        let c = canned();
        let l = run(&c, &args("90m"));
        assert_eq!(ids(&l), ["a"]);
        assert_eq!(c.calls.borrow()[0].from.to_string(), "2026-06-03");
    }

    #[test]
    fn newest_first_with_kind_and_user_filters() {
        let c = canned();
        let l = run(&c, &args("24h"));
        assert_eq!(ids(&l), ["a", "b", "c", "d"]);
        let mut a = args("24h");
        a.kinds = vec![Kind::Db];
        assert_eq!(ids(&run(&c, &a)), ["b"]);
        let mut a = args("24h");
        a.user = Some("alice".into());
        assert_eq!(ids(&run(&c, &a)), ["a", "c", "d"]);
    }

    #[test]
    fn hitting_the_limit_says_results_may_be_partial() {
        let c = canned();
        let mut a = args("24h");
        a.limit = 2;
        let l = run(&c, &a);
        assert!(matches!(l.notes[0], Note::Partial { limit: 2, .. }));
        let l = run(&c, &args("24h"));
        assert!(l.notes.is_empty());
    }

    #[test]
    fn a_bad_window_is_a_usage_error() {
        let e = window(&args("soon"), NOW.parse().unwrap()).unwrap_err();
        assert_eq!(e.code(), 2);
    }
}
