//! The built-in sample cluster behind `--demo`: real tctl output (see README.md here), read
//! into the same event and summary types as a live cluster's and answered with tctl's own
//! semantics, its times moved so that the data always looks recent. The data is part of the
//! binary (deflated, src/packed.rs, and inflated once per run), so its elements borrow from it
//! for the whole run.

mod rank;
mod recordings;

use jiff::{SignedDuration, Timestamp};

use crate::cache::Scope;
use crate::error::Error;
use crate::packed::{Packed, packed};
use crate::session::Time;
use crate::source::Source;
use crate::teleport::ls::{LsEvent, LsQuery};
use crate::teleport::search::{SearchQuery, Summary};
use crate::teleport::tsh::Profile;
use crate::teleport::{Cluster, Searched};
use crate::window::midnight;

static LS: Packed = packed!("ls.json");
static SEARCH: Packed = packed!("search.json");
/// The AI summaries of the scored sessions (`tctl recordings summary`'s protojson, by id).
static SUMMARIES: Packed = packed!("summaries.json");
/// "Now" when the data was written.
const ANCHOR: &str = "2026-06-03T21:00:00Z";

pub struct Demo {
    now: Timestamp,
    shift: SignedDuration,
    /// The DEMO label is said once, when the sample data is first read: not by help or
    /// completion, which read none.
    labelled: std::sync::Once,
}

impl Demo {
    pub fn new(now: Timestamp) -> Demo {
        let anchor: Timestamp = ANCHOR.parse().expect("valid anchor");
        Demo {
            now,
            shift: now.duration_since(anchor),
            labelled: std::sync::Once::new(),
        }
    }

    fn label(&self) {
        self.labelled.call_once(|| {
            eprintln!(
                "DEMO: built-in sample cluster demo.teleport.example, not your Teleport (times are moved to look recent)"
            );
        });
    }

    /// The login a demo reviewer would have.
    pub fn profile() -> Profile {
        Profile {
            proxy_url: "https://demo.teleport.example:443".into(),
            proxy: "demo.teleport.example:443".into(),
            cluster: "demo.teleport.example".into(),
            username: "demo-reviewer".into(),
            roles: vec!["auditor".into()],
            valid_until: None,
        }
    }

    /// Every event of the sample data, its times moved.
    fn events(&self) -> Result<Vec<LsEvent<'static>>, Error> {
        let mut events: Vec<LsEvent<'static>> = serde_json::from_str(LS.text()?).map_err(broken)?;
        for e in &mut events {
            e.time = self.moved(e.time);
            e.session_start = self.moved(e.session_start);
            e.session_stop = self.moved(e.session_stop);
        }
        Ok(events)
    }

    fn moved(&self, t: Time) -> Time {
        Time::from(t.get().and_then(|t| t.checked_add(self.shift).ok()))
    }

    /// tctl's reading of a date pair: from 00:00 of `from` to 00:00 of `to`, or to now.
    fn range(
        &self,
        from: Option<jiff::civil::Date>,
        to: Option<jiff::civil::Date>,
    ) -> (Timestamp, Timestamp) {
        (
            from.map_or(Timestamp::MIN, midnight),
            to.map_or(self.now, midnight),
        )
    }
}

fn broken(e: serde_json::Error) -> Error {
    Error::failure(format!("the built-in demo data is broken: {e}"))
}

impl Source for Demo {
    fn scope(&self) -> Scope {
        Scope::Demo
    }

    fn invocation(&self) -> &'static str {
        crate::cli::invocation(true)
    }

    fn login(&self, _now: Timestamp) -> Result<Profile, Error> {
        Ok(Demo::profile())
    }

    fn play(&self, id: &str, speed: Option<&str>, format: Option<&str>) -> Result<i32, Error> {
        let mut line = String::from("tsh play");
        for (flag, value) in [("speed", speed), ("format", format)] {
            if let Some(v) = value {
                line.push_str(&format!(" --{flag}={v}"));
            }
        }
        println!(
            "DEMO: the sample cluster keeps its recordings as the text they showed, which `{} grep PATTERN` searches; it has none to replay on a terminal. Against your cluster this runs:\n  {line} {id}",
            self.invocation()
        );
        Ok(0)
    }

    fn cannot_replay(&self) -> Option<Error> {
        None
    }

    fn replay(
        &self,
        id: &str,
        consume: &mut dyn FnMut(&[u8]),
    ) -> Result<(), crate::teleport::NoReplay> {
        // In pieces, as a pipe delivers them: the reader must not depend on whole lines.
        for chunk in recordings::recording(id).chunks(4096) {
            consume(chunk);
        }
        Ok(())
    }

    fn cannot_download(&self) -> Option<&'static str> {
        Some("DEMO: nothing to download from the sample cluster.")
    }

    fn download(&self, _id: &str, _dir: &std::path::Path) -> Result<(), Error> {
        Err(Error::failure(
            "the sample cluster has no recordings to download",
        ))
    }

    /// The sample cluster knows all of its sessions: an id that is not one of them is not
    /// worth looking for elsewhere (there is no tctl, no `tsh play` behind the demo), and one
    /// that ended before the lookup is listed by a longer window.
    fn not_found(&self, id: &str, looked_back: SignedDuration) -> Error {
        let events = self.events().unwrap_or_default();
        // A window that holds every demo session: days back to the oldest, rounded up.
        let oldest = events.iter().filter_map(|e| e.time.get()).min();
        let days = oldest.map_or(looked_back.as_hours() / 24, |t| {
            self.now.duration_since(t).as_hours() / 24 + 1
        });
        let list = format!("{} recent --since {days}d", self.invocation());
        if events.iter().any(|e| e.sid.as_deref() == Some(id)) {
            let back = looked_back.as_hours() / 24;
            return Error::failure(format!("demo session {id} ended more than {back} days ago"))
                .hint(format!(
                    "`{list}` lists it, and then `{} show {id}` finds it",
                    self.invocation()
                ));
        }
        Error::failure(format!("{id} is not a session of the demo"))
            .because("the built-in sample cluster has only its own sessions; ids from your Teleport are not in it")
            .hint(format!(
                "`{list}` lists the demo's sessions; without --demo, tsh-review looks in your cluster"
            ))
    }

    fn search_verdict(&self, _proxy: &str, _now: Timestamp) -> Option<String> {
        None
    }

    fn doctor(
        &self,
        _insecure: bool,
        _now: Timestamp,
    ) -> Result<Vec<crate::review::doctor::Check>, &'static str> {
        Err(
            "DEMO: the built-in sample cluster needs no Teleport; run doctor without --demo to check yours.",
        )
    }
}

impl Cluster for Demo {
    fn summary(&self, sid: &str) -> crate::teleport::Summarized {
        use crate::teleport::NoSummary;
        let all: serde_json::Map<String, serde_json::Value> = SUMMARIES
            .text()
            .map_err(|e| NoSummary::Failed(e.brief()))
            .and_then(|t| serde_json::from_str(t).map_err(|e| NoSummary::Failed(e.to_string())))?;
        let Some(found) = all.get(sid) else {
            return Err(NoSummary::NotSummarized);
        };
        let mut summary = crate::teleport::summary::parse(found.to_string().as_bytes())
            .map_err(NoSummary::Failed)?;
        let moved = |t: Option<Timestamp>| self.moved(Time::from(t)).get();
        summary.started = moved(summary.started);
        summary.finished = moved(summary.finished);
        Ok(summary)
    }

    fn ls(&self, q: &LsQuery, sink: &mut dyn FnMut(&LsEvent<'_>)) -> Result<usize, Error> {
        self.label();
        let (from, to) = self.range(Some(q.from), q.to);
        let mut events = self.events()?;
        events.retain(|e| e.time.get().is_some_and(|t| from <= t && t <= to));
        events.sort_by_key(|e| std::cmp::Reverse(e.time));
        events.truncate(q.limit as usize);
        let n = events.len();
        events.iter().for_each(sink);
        Ok(n)
    }

    fn search(
        &self,
        q: &SearchQuery,
        sink: &mut dyn FnMut(&Summary<'_>),
    ) -> Result<Searched, Error> {
        self.label();
        let (from, to) = self.range(q.from, q.to);
        let query = rank::Query::new(&q.words);
        let mut found = Vec::new();
        let summaries: Vec<Summary<'static>> =
            serde_json::from_str(SEARCH.text()?).map_err(broken)?;
        for mut s in summaries {
            s.shift(self.shift);
            if !s.start().is_some_and(|t| from <= t && t < to) || !filters_hold(q, &s) {
                continue;
            }
            let score = match &query {
                None => Some(0.0),
                Some(query) => query.score(s.prose.as_deref().unwrap_or("")),
            };
            if let Some(score) = score {
                found.push((score, s));
            }
        }
        // Best match first, as a search engine returns them, so that --limit keeps the best;
        // without a query, newest first (tctl's order).
        found.sort_by(|(a, x), (b, y)| b.total_cmp(a).then_with(|| y.start().cmp(&x.start())));
        found.truncate(q.limit as usize);
        let n = found.len();
        for (_, mut s) in found {
            // Real tctl never prints the prose summary.
            s.prose = None;
            sink(&s);
        }
        Ok(Searched::Done(n))
    }
}

/// The server's filters, as the demo understands them: every filter must hold, and repeated
/// flags match any of their values. The query is ranked apart (rank.rs).
fn filters_hold(q: &SearchQuery, s: &Summary) -> bool {
    let eq =
        |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| have == Some(w));
    let labels_match = q.labels.as_deref().is_none_or(|spec| {
        crate::teleport::labels::parse(spec)
            .is_ok_and(|pairs| pairs.iter().all(|(k, v)| s.label(k) == Some(v)))
    });
    (q.kinds.is_empty()
        || q.kinds
            .iter()
            .any(|k| s.kind.as_deref() == Some(k.as_str())))
        && eq(&q.username, s.username.as_deref())
        && (q.roles.is_empty() || q.roles.iter().any(|r| s.user_roles.iter().any(|x| x == r)))
        && eq(&q.resource_kind, s.resource_kind.as_deref())
        && eq(&q.resource_name, s.resource_name.as_deref())
        && labels_match
        && (q.access_requests.is_empty()
            || q.access_requests
                .iter()
                .any(|r| s.access_request_ids.iter().any(|x| x == r)))
        && eq(&q.server_hostname, s.property("Ssh", "server_hostname"))
        && eq(&q.server_addr, s.property("Ssh", "server_addr"))
        && eq(&q.pod_namespace, s.property("Kubernetes", "pod_namespace"))
        && eq(&q.pod_name, s.property("Kubernetes", "pod_name"))
        && eq(&q.database_name, s.property("Database", "database_name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Kind;
    use crate::teleport::ls::Normalizer;
    use crate::teleport::search::session;

    const NOW: &str = "2026-11-23T12:00:00Z";

    #[test]
    fn demo_data_answers_ls_like_tctl() {
        let now: Timestamp = NOW.parse().unwrap();
        let demo = Demo::new(now);
        let q = LsQuery {
            from: "2026-11-22".parse().unwrap(),
            to: None,
            limit: 500,
        };
        let mut n = Normalizer::default();
        let rows = demo
            .ls(&q, &mut |e| {
                n.push(e);
            })
            .unwrap();
        let found = n.finish();
        assert!(rows > 10, "{rows}");
        assert!(
            found
                .sessions
                .iter()
                .all(|s| s.when().get().unwrap() <= now)
        );
        for kind in Kind::ALL {
            assert!(
                found.sessions.iter().any(|s| s.kind == kind),
                "{kind:?} missing"
            );
        }
        let limited = demo.ls(&LsQuery { limit: 3, ..q }, &mut |_| {}).unwrap();
        assert_eq!(limited, 3);
    }

    fn search(q: SearchQuery) -> Vec<crate::session::Session> {
        let demo = Demo::new(NOW.parse().unwrap());
        let mut out = Vec::new();
        let mut b = crate::session::Builder::new(crate::session::Detail::Full);
        let r = demo.search(&q, &mut |s| {
            assert!(s.prose.is_none(), "the prose never leaves the demo");
            out.push(session(s, &mut b).unwrap());
        });
        assert!(matches!(r, Ok(Searched::Done(_))));
        out
    }

    #[test]
    fn demo_search_filters_like_the_server() {
        let week = SearchQuery {
            from: Some("2026-11-16".parse().unwrap()),
            limit: 500,
            ..SearchQuery::default()
        };
        let all = search(week.clone());
        assert!(all.len() > 15, "{}", all.len());
        assert!(
            all.windows(2).all(|w| w[0].start >= w[1].start),
            "newest first"
        );
        let dbs = search(SearchQuery {
            kinds: vec![Kind::Db],
            ..week.clone()
        });
        assert!(!dbs.is_empty() && dbs.iter().all(|s| s.kind == Kind::Db));
        assert!(
            dbs.iter().any(|s| s.severity.is_none()),
            "unscored databases"
        );
        let sudo = search(SearchQuery {
            words: vec!["sudo".into()],
            ..week.clone()
        });
        assert!(!sudo.is_empty() && sudo.len() < all.len());
        // Ranked like a search engine: --limit keeps the best match, not the newest one.
        let best = search(SearchQuery {
            words: vec!["privilege escalation, sudo to root, su, setuid binary".into()],
            limit: 1,
            ..week.clone()
        });
        assert_eq!(best.len(), 1);
        assert!(
            best[0].id().to_string().starts_with("5369f1d1"),
            "{}",
            best[0].id()
        );
        let mallory = search(SearchQuery {
            username: Some("mallory".into()),
            resource_name: Some("web-01.prod".into()),
            ..week.clone()
        });
        assert!(mallory.len() >= 3, "{}", mallory.len());
        let prod = search(SearchQuery {
            labels: Some("env=prod".into()),
            ..week
        });
        assert!(prod.iter().all(|s| s.labels().get("env") == Some("prod")));
    }
}
