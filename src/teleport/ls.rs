//! `tctl recordings ls --format=json`: the call's arguments, the audit events it prints, and
//! their normalization into `Session`s.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::lenient::{Pairs, Str, opt, or_empty};
use super::stream::{self, Element};
use crate::session::build::Draft;
use crate::session::{Builder, Detail, Kind, Origin, Session, Time};
use crate::window::{Window, midnight, utc_date};

/// tctl refuses windows longer than this many days.
const MAX_DAYS: i64 = 365;

/// One `tctl recordings ls` call. tctl reads both dates as 00:00 UTC (so `to` is exclusive),
/// and an absent `to` means "now".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LsQuery {
    pub from: Date,
    pub to: Option<Date>,
    pub limit: u32,
}

impl LsQuery {
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "recordings".to_owned(),
            "ls".to_owned(),
            "--format=json".to_owned(),
            format!("--from-utc={}", self.from),
        ];
        if let Some(to) = self.to {
            args.push(format!("--to-utc={to}"));
        }
        args.push(format!("--limit={}", self.limit));
        args
    }
}

/// The tctl calls that cover `window`: tctl only takes whole days and refuses a future end or a
/// range over 365 days, so the window is widened to days (the caller trims the result exactly)
/// and split into consecutive calls, newest first.
pub fn plan(window: &Window, now: Timestamp, limit: u32) -> Vec<LsQuery> {
    let (from, mut end) = tctl_dates(window, now);
    let today = utc_date(now);
    let mut calls = Vec::new();
    loop {
        // An open end is "now", part-way into today: one day fewer keeps it under the cap.
        let earliest = match end {
            Some(d) => days_before(d, MAX_DAYS),
            None => days_before(today, MAX_DAYS - 1),
        };
        let start = from.max(earliest);
        calls.push(LsQuery {
            from: start,
            to: end,
            limit,
        });
        if start == from {
            return calls;
        }
        end = Some(start);
    }
}

/// The dates tctl needs for a window (ls and search alike): the enclosing UTC days, with no
/// end when it reaches into today (tctl refuses an end in the future; no end means now).
pub fn tctl_dates(window: &Window, now: Timestamp) -> (Date, Option<Date>) {
    let last = utc_date(window.to);
    let ceiling = if midnight(last) == window.to {
        last
    } else {
        last.tomorrow().unwrap_or(last)
    };
    (
        utc_date(window.from),
        (midnight(ceiling) <= now).then_some(ceiling),
    )
}

fn days_before(date: Date, days: i64) -> Date {
    date.checked_sub(SignedDuration::from_hours(24 * days))
        .unwrap_or(Date::MIN)
}

/// One element of the `recordings ls` array, its strings borrowed from the parse buffer.
/// Every field may be absent or of another type.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LsEvent<'a> {
    #[serde(borrow, deserialize_with = "opt")]
    pub event: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub sid: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub user: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub login: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub proto: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub participants: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub user_roles: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub cluster_name: Option<Str<'a>>,
    #[serde(deserialize_with = "or_empty")]
    pub time: Time,
    #[serde(deserialize_with = "or_empty")]
    pub session_start: Time,
    #[serde(deserialize_with = "or_empty")]
    pub session_stop: Time,
    #[serde(deserialize_with = "opt")]
    pub interactive: Option<bool>,
    #[serde(borrow, deserialize_with = "opt")]
    pub session_recording: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub access_requests: Vec<Str<'a>>,
    #[serde(borrow, rename = "addr.remote", deserialize_with = "opt")]
    pub remote_addr: Option<Str<'a>>,

    #[serde(borrow, deserialize_with = "opt")]
    pub server_hostname: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub server_id: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub server_addr: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub server_labels: Pairs<'a>,

    #[serde(borrow, deserialize_with = "opt")]
    pub kubernetes_cluster: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub kubernetes_pod_namespace: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub kubernetes_pod_name: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub kubernetes_users: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub kubernetes_groups: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub kubernetes_labels: Pairs<'a>,

    #[serde(borrow, deserialize_with = "opt")]
    pub db_name: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub db_service: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub db_protocol: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub db_user: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub db_uri: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub db_labels: Pairs<'a>,

    #[serde(borrow, deserialize_with = "opt")]
    pub desktop_name: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub desktop_addr: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub windows_user: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub windows_domain: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub desktop_labels: Pairs<'a>,
    #[serde(deserialize_with = "opt")]
    pub recorded: Option<bool>,

    #[serde(borrow, deserialize_with = "opt")]
    pub app_name: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub app_uri: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub app_public_addr: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub app_labels: Pairs<'a>,
}

/// The elements of `recordings ls`.
pub struct Events;

impl Element for Events {
    const WHAT: &'static str = "audit events";
    type Of<'a> = LsEvent<'a>;
}

/// Parse `recordings ls` output as it streams; returns the number of elements.
pub fn parse_events<R: Read>(
    reader: R,
    max: usize,
    sink: &mut dyn FnMut(&LsEvent<'_>),
) -> Result<usize, stream::Error> {
    stream::each::<Events, R>(reader, max, sink)
}

/// The outcome of normalizing a stream of events.
#[derive(Debug, Default)]
pub struct Normalized {
    pub sessions: Vec<Session>,
    /// Events of types this tool does not know, by type, counted so the user can be told.
    pub unknown: BTreeMap<String, usize>,
    /// Events that carried no session id and so cannot be reviewed or played.
    pub without_id: usize,
}

/// Turns audit events into sessions: one per `sid`, app chunks merged into their session.
pub struct Normalizer {
    builder: Builder,
    /// One record per event of a known kind with an id, in order: merged by id at the end.
    records: Vec<Session>,
    unknown: BTreeMap<String, usize>,
    without_id: usize,
}

/// Keeps every field, as a single session's lookup needs.
impl Default for Normalizer {
    fn default() -> Normalizer {
        Normalizer::new(Detail::Full)
    }
}

impl Normalizer {
    pub fn new(detail: Detail) -> Normalizer {
        Normalizer {
            builder: Builder::new(detail),
            records: Vec::new(),
            unknown: BTreeMap::new(),
            without_id: 0,
        }
    }

    /// Takes one event (borrowed: an event is a large struct, not worth moving).
    pub fn push(&mut self, ev: &LsEvent<'_>) {
        let kind = match ev.event.as_deref() {
            Some("session.end") if is_kube(ev) => Kind::K8s,
            Some("session.end") => Kind::Ssh,
            Some("db.session.end") => Kind::Db,
            Some("windows.desktop.session.end") => Kind::Desktop,
            Some("app.session.chunk") => Kind::App,
            other => {
                let name: String = other.unwrap_or("(none)").chars().take(64).collect();
                *self.unknown.entry(name).or_default() += 1;
                return;
            }
        };
        let Some(id) = ev.sid.as_deref().filter(|s| !s.is_empty()) else {
            self.without_id += 1;
            return;
        };
        let mut joined = [None, None];
        let record = self.builder.build(draft(id, kind, ev, &mut joined));
        self.records.push(record);
    }

    pub fn finish(self) -> Normalized {
        Normalized {
            sessions: merge_by_id(self.records),
            unknown: self.unknown,
            without_id: self.without_id,
        }
    }
}

/// One record per id, in the order the ids first came: the first event of a session decides
/// it (a split window can return a session twice), and app chunks widen their session.
/// Merged once at the end, by sorting positions, which holds less than a map by id would.
fn merge_by_id(mut records: Vec<Session>) -> Vec<Session> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_unstable_by(|&a, &b| records[a].id().cmp(&records[b].id()).then(a.cmp(&b)));
    let mut merged = vec![false; records.len()];
    let mut group = 0;
    for at in 1..order.len() {
        let (first, this) = (order[group], order[at]);
        if records[this].id() != records[first].id() {
            group = at;
            continue;
        }
        merged[this] = true;
        if records[this].kind == Kind::App {
            let (start, end) = (records[this].start, records[this].end);
            let s = &mut records[first];
            s.start = s.start.earliest(start);
            s.end = s.end.latest(end);
        }
    }
    let mut at = 0;
    records.retain(|_| {
        at += 1;
        !merged[at - 1]
    });
    records.shrink_to_fit();
    records
}

fn is_kube(ev: &LsEvent<'_>) -> bool {
    match ev.proto.as_deref() {
        Some(proto) => proto == "kube",
        None => ev.kubernetes_cluster.is_some(),
    }
}

/// The record an event makes. `joined` holds the lists shown as one detail (Kubernetes users
/// and groups) for the draft to borrow.
fn draft<'e>(
    id: &'e str,
    kind: Kind,
    ev: &'e LsEvent<'_>,
    joined: &'e mut [Option<String>; 2],
) -> Draft<'e> {
    let mut d = Draft::new(id, kind, Origin::Ls);
    d.user = ev.user.as_deref().unwrap_or_default();
    d.roles = &ev.user_roles;
    d.participants = &ev.participants;
    d.cluster = ev.cluster_name.as_deref();
    d.interactive = ev.interactive;
    d.access_requests = &ev.access_requests;
    d.start = ev.session_start;
    d.end = ev.session_stop.or(ev.time);
    let mut details = Details(Vec::with_capacity(8));
    let (target, login, labels) = match kind {
        Kind::Ssh => {
            details.add("address", &ev.server_addr);
            details.add("server id", &ev.server_id);
            let target = first([&ev.server_hostname, &ev.server_addr, &ev.server_id]);
            (target, ev.login.as_deref(), &ev.server_labels)
        }
        Kind::K8s => {
            details.add("namespace", &ev.kubernetes_pod_namespace);
            details.add("pod", &ev.kubernetes_pod_name);
            // A list, even of one empty name, is one detail.
            *joined = [&ev.kubernetes_users, &ev.kubernetes_groups]
                .map(|list| (!list.is_empty()).then(|| list.join(", ")));
            let joined: &'e [Option<String>; 2] = joined;
            let names = ["kubernetes users", "kubernetes groups"];
            for (name, list) in names.into_iter().zip(joined) {
                details
                    .0
                    .extend(list.as_deref().map(|l| (name, Cow::Borrowed(l))));
            }
            let target = ev.kubernetes_cluster.as_deref();
            (target, ev.login.as_deref(), &ev.kubernetes_labels)
        }
        Kind::Db => {
            details.add("service", &ev.db_service);
            details.add("protocol", &ev.db_protocol);
            details.add("uri", &ev.db_uri);
            let target = first([&ev.db_name, &ev.db_service]);
            (target, ev.db_user.as_deref(), &ev.db_labels)
        }
        Kind::Desktop => {
            details.add("address", &ev.desktop_addr);
            details.add("windows domain", &ev.windows_domain);
            d.recorded = ev.recorded;
            let target = first([&ev.desktop_name, &ev.desktop_addr]);
            (target, ev.windows_user.as_deref(), &ev.desktop_labels)
        }
        Kind::App => {
            details.add("uri", &ev.app_uri);
            details.add("public address", &ev.app_public_addr);
            d.start = ev.time;
            d.end = ev.time;
            (ev.app_name.as_deref(), None, &ev.app_labels)
        }
        // `push` skips the event types it does not know: ls makes no other kind.
        Kind::Other(_) => (None, None, &ev.app_labels),
    };
    details.add("session recording", &ev.session_recording);
    details.add("remote address", &ev.remote_addr);
    d.target = target.unwrap_or_default();
    d.login = login;
    d.labels = labels;
    d.details = details.0;
    d
}

/// The first of `candidates` that is there and not empty.
fn first<'e, const N: usize>(candidates: [&'e Option<Str<'_>>; N]) -> Option<&'e str> {
    candidates
        .into_iter()
        .filter_map(|c| c.as_deref())
        .find(|s| !s.is_empty())
}

struct Details<'e>(Vec<(&'static str, Str<'e>)>);

impl<'e> Details<'e> {
    fn add(&mut self, name: &'static str, value: &'e Option<Str<'_>>) {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            self.0.push((name, Cow::Borrowed(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn normalize(json: &str) -> Normalized {
        let mut n = Normalizer::default();
        parse_events(json.as_bytes(), usize::MAX, &mut |e| {
            n.push(e);
        })
        .unwrap();
        n.finish()
    }

    const NOW: &str = "2026-06-03T21:00:00Z";

    #[test]
    fn ids_are_told_apart_whatever_their_form() {
        let ids = [
            "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
            "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6e",
            "3F2A9C1E-5B7D-4E8A-9C0F-1A2B3C4D5E6F",
            "not-a-uuid",
        ];
        let events: Vec<String> = ids
            .iter()
            .chain(&ids)
            .map(|id| format!(r#"{{"event":"session.end","sid":"{id}"}}"#))
            .collect();
        let n = normalize(&format!("[{}]", events.join(",")));
        let got: Vec<String> = n.sessions.iter().map(|s| s.id().to_string()).collect();
        assert_eq!(got, ids, "one each, in the order first seen");
    }

    #[test]
    fn a_day_window_asks_from_yesterday_to_now() {
        let w = Window {
            from: ts("2026-06-02T21:00:00Z"),
            to: ts(NOW),
        };
        let calls = plan(&w, ts(NOW), 50);
        assert_eq!(
            calls,
            [LsQuery {
                from: date("2026-06-02"),
                to: None,
                limit: 50
            }]
        );
        assert_eq!(
            calls[0].args(),
            [
                "recordings",
                "ls",
                "--format=json",
                "--from-utc=2026-06-02",
                "--limit=50"
            ]
        );
    }

    #[test]
    fn a_past_window_ends_at_the_exclusive_midnight() {
        let w = Window {
            from: ts("2026-05-01T00:00:00Z"),
            to: ts("2026-05-03T00:00:00Z"),
        };
        let calls = plan(&w, ts(NOW), 10);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].to, Some(date("2026-05-03")));
        let w = Window {
            from: ts("2026-05-01T10:00:00Z"),
            to: ts("2026-05-02T10:00:00Z"),
        };
        assert_eq!(plan(&w, ts(NOW), 10)[0].to, Some(date("2026-05-03")));
    }

    #[test]
    fn an_end_later_today_is_left_to_tctl() {
        let w = Window {
            from: ts("2026-06-03T01:00:00Z"),
            to: ts("2026-06-03T20:00:00Z"),
        };
        let calls = plan(&w, ts(NOW), 10);
        assert_eq!(calls[0].from, date("2026-06-03"));
        assert_eq!(calls[0].to, None);
    }

    #[test]
    fn long_windows_are_split_under_the_cap() {
        let w = Window {
            from: ts("2024-01-01T00:00:00Z"),
            to: ts(NOW),
        };
        let now = ts(NOW);
        let calls = plan(&w, now, 50);
        assert_eq!(calls.len(), 3);
        // Newest first, consecutive, no gaps, no overlaps, each within tctl's 365 days.
        assert_eq!(calls[0].to, None);
        assert_eq!(calls.last().unwrap().from, date("2024-01-01"));
        for pair in calls.windows(2) {
            assert_eq!(pair[1].to, Some(pair[0].from));
        }
        for call in &calls {
            let end = call.to.map(midnight).unwrap_or(now);
            let days = (end.as_second() - midnight(call.from).as_second()) as f64 / 86400.0;
            assert!(days <= 365.0, "{call:?} spans {days} days");
        }
    }

    #[test]
    fn exactly_a_year_is_one_call() {
        let w = Window {
            from: ts("2025-05-01T00:00:00Z"),
            to: ts("2026-05-01T00:00:00Z"),
        };
        assert_eq!(plan(&w, ts(NOW), 50).len(), 1);
    }

    #[test]
    fn null_and_empty_arrays_are_empty_listings() {
        for json in ["null", "[]", "  null\n", "[\n]\n"] {
            assert_eq!(
                parse_events(json.as_bytes(), usize::MAX, &mut |_| {}).unwrap(),
                0
            );
        }
    }

    #[test]
    fn broken_output_is_an_error() {
        for json in [
            "",
            "[{\"sid\":",
            "{}",
            "<html>502</html>",
            "[] trailing",
            "[1,]",
        ] {
            assert!(
                parse_events(json.as_bytes(), usize::MAX, &mut |_| {}).is_err(),
                "{json:?} parsed"
            );
        }
    }

    #[test]
    fn ssh_session_end_is_normalized() {
        let n = normalize(
            r#"[{
            "event": "session.end", "code": "T2004I", "sid": "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
            "user": "alice", "login": "root", "proto": "ssh", "server_hostname": "web-01",
            "server_id": "b1", "server_addr": "10.0.0.5:3022", "server_labels": {"env": "prod"},
            "participants": ["alice", "bob"], "user_roles": ["access"], "cluster_name": "c1",
            "time": "2026-06-03T20:38:49.621446047Z", "session_start": "2026-06-03T20:30:00.5Z",
            "session_stop": "2026-06-03T20:38:49.6Z", "interactive": true,
            "access_requests": ["r1"], "addr.remote": "1.2.3.4:5555", "session_recording": "node",
            "future_field": {"x": [1, 2]}
        }]"#,
        );
        let s = &n.sessions[0];
        assert_eq!(s.kind, Kind::Ssh);
        assert_eq!(s.target(), "web-01");
        assert_eq!(s.login(), Some("root"));
        assert_eq!(s.labels().get("env"), Some("prod"));
        assert_eq!(s.extra().participants, ["alice".into(), "bob".into()]);
        assert_eq!(s.duration_ms(), Some(529_100));
        assert_eq!(s.extra().access_requests, ["r1".into()]);
        assert!(s.details().contains(&("address", "10.0.0.5:3022".into())));
        assert!(
            s.details()
                .contains(&("remote address", "1.2.3.4:5555".into()))
        );
        assert_eq!(s.cluster(), Some("c1"));
    }

    #[test]
    fn every_kind_finds_its_target() {
        let n = normalize(
            r#"[
            {"event":"session.end","sid":"k","proto":"kube","kubernetes_cluster":"prod-k8s",
             "kubernetes_pod_namespace":"default","kubernetes_pod_name":"web-7","kubernetes_users":["u"]},
            {"event":"db.session.end","sid":"d","db_service":"pg-prod","db_name":"orders",
             "db_user":"postgres","db_labels":{"env":"prod"}},
            {"event":"db.session.end","sid":"d2","db_service":"pg-prod"},
            {"event":"windows.desktop.session.end","sid":"w","desktop_name":"dc-01",
             "windows_user":"Administrator","recorded":false},
            {"event":"session.end","sid":"s","server_addr":"10.0.0.9:3022"}
        ]"#,
        );
        let by_id = |id: &str| n.sessions.iter().find(|s| s.id() == id).unwrap();
        assert_eq!(by_id("k").kind, Kind::K8s);
        assert_eq!(by_id("k").target(), "prod-k8s");
        assert!(by_id("k").details().contains(&("pod", "web-7".into())));
        assert!(
            by_id("k")
                .details()
                .contains(&("kubernetes users", "u".into()))
        );
        assert_eq!(by_id("d").target(), "orders");
        assert_eq!(by_id("d").login(), Some("postgres"));
        assert_eq!(by_id("d2").target(), "pg-prod");
        assert_eq!(by_id("w").kind, Kind::Desktop);
        assert_eq!(by_id("w").recorded, Some(false));
        assert_eq!(by_id("w").login(), Some("Administrator"));
        assert_eq!(by_id("s").target(), "10.0.0.9:3022");
    }

    #[test]
    fn app_chunks_become_one_session() {
        let n = normalize(
            r#"[
            {"event":"app.session.chunk","sid":"a","app_name":"grafana","time":"2026-06-03T10:10:00Z"},
            {"event":"app.session.chunk","sid":"a","app_name":"grafana","time":"2026-06-03T10:00:00Z"},
            {"event":"app.session.chunk","sid":"b","app_name":"jenkins","time":"2026-06-03T11:00:00Z"},
            {"event":"app.session.chunk","sid":"a","app_name":"grafana","time":"2026-06-03T10:05:00Z"}
        ]"#,
        );
        assert_eq!(n.sessions.len(), 2);
        let a = &n.sessions[0];
        assert_eq!(a.kind, Kind::App);
        assert_eq!(a.start.get(), Some(ts("2026-06-03T10:00:00Z")));
        assert_eq!(a.end.get(), Some(ts("2026-06-03T10:10:00Z")));
        assert_eq!(a.duration_ms(), Some(600_000));
    }

    #[test]
    fn unknown_types_and_missing_ids_are_counted_not_listed() {
        let n = normalize(
            r#"[
            {"event":"session.upload","sid":"x"},
            {"event":"session.upload","sid":"y"},
            {"sid":"z"},
            {"event":"session.end"},
            {"event":"session.end","sid":"s"},
            {"event":"session.end","sid":"s"}
        ]"#,
        );
        assert_eq!(n.sessions.len(), 1, "duplicates of one sid collapse");
        assert_eq!(n.unknown["session.upload"], 2);
        assert_eq!(n.unknown["(none)"], 1);
        assert_eq!(n.without_id, 1);
    }
}
