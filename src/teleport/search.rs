//! `tctl recordings search --format=json` (Enterprise, v18.8.0+): the call's arguments, the
//! session summaries it prints, and their normalization into `Session`s.

use std::borrow::Cow;
use std::io::Read;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::SeqAccess;
use serde_json::Value;

use super::lenient::{Lenient, Pairs, Pick, Str, opt, or_empty, shallow};
use super::stream::{self, Element};
use crate::session::build::Draft;
use crate::session::{Builder, Kind, Origin, Session, Severity, Time};

/// The names of Teleport's `RiskLevel` enum, as protojson prints them (SPEC 4.2b), for the
/// severities 1 to 4.
pub const RISK_LEVELS: [(&str, Severity); 4] = [
    ("RISK_LEVEL_LOW", Severity::Low),
    ("RISK_LEVEL_MEDIUM", Severity::Medium),
    ("RISK_LEVEL_HIGH", Severity::High),
    ("RISK_LEVEL_CRITICAL", Severity::Critical),
];

/// No summary has more than a handful of review reasons (six are known); past this the list
/// is junk, and holding it would let one field grow a record without bound.
const MAX_REVIEW_REASONS: usize = 16;

/// The filters of `tctl recordings search`, under tctl's own names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub words: Vec<String>,
    pub from: Option<Date>,
    /// tctl reads it as 00:00 UTC: exclusive. Absent means now.
    pub to: Option<Date>,
    pub kinds: Vec<Kind>,
    pub username: Option<String>,
    pub roles: Vec<String>,
    pub resource_kind: Option<String>,
    pub resource_name: Option<String>,
    pub labels: Option<String>,
    pub access_requests: Vec<String>,
    pub server_hostname: Option<String>,
    pub server_addr: Option<String>,
    pub pod_namespace: Option<String>,
    pub pod_name: Option<String>,
    pub database_name: Option<String>,
    pub search_mode: Option<String>,
    pub limit: u32,
}

impl SearchQuery {
    /// Property filters of two session kinds fail on the server; say so before calling it.
    pub fn check(&self) -> Result<(), String> {
        let groups = [
            ("SSH", [&self.server_hostname, &self.server_addr]),
            ("Kubernetes", [&self.pod_namespace, &self.pod_name]),
            ("database", [&self.database_name, &None]),
        ];
        let used: Vec<&str> = groups
            .iter()
            .filter(|(_, flags)| flags.iter().any(|f| f.is_some()))
            .map(|(name, _)| *name)
            .collect();
        if used.len() > 1 {
            return Err(format!(
                "resource property filters can only target one session kind, but these target {}: use --server-hostname/--server-addr, --pod-namespace/--pod-name or --database-name, not a mix",
                used.join(" and ")
            ));
        }
        Ok(())
    }

    /// Every value travels as one `--flag=value` argument, and the query words after `--`, so
    /// nothing from the user can be read by tctl as a flag. Empty words are never passed:
    /// the server rejects an empty query.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "recordings".to_owned(),
            "search".to_owned(),
            "--format=json".to_owned(),
        ];
        let mut flag = |name: &str, value: &str| args.push(format!("--{name}={value}"));
        if let Some(d) = self.from {
            flag("from", &d.to_string());
        }
        if let Some(d) = self.to {
            flag("to", &d.to_string());
        }
        for k in &self.kinds {
            flag("kind", k.as_str());
        }
        let single = [
            ("username", &self.username),
            ("resource-kind", &self.resource_kind),
            ("resource-name", &self.resource_name),
            ("label", &self.labels),
            ("server-hostname", &self.server_hostname),
            ("server-addr", &self.server_addr),
            ("pod-namespace", &self.pod_namespace),
            ("pod-name", &self.pod_name),
            ("database-name", &self.database_name),
            ("search-mode", &self.search_mode),
        ];
        for (name, value) in single {
            if let Some(v) = value {
                flag(name, v);
            }
        }
        for r in &self.roles {
            flag("role", r);
        }
        for r in &self.access_requests {
            flag("access-request", r);
        }
        flag("limit", &self.limit.to_string());
        let words: Vec<&String> = self.words.iter().filter(|w| !w.trim().is_empty()).collect();
        if !words.is_empty() {
            args.push("--".to_owned());
            args.extend(words.into_iter().cloned());
        }
        args
    }
}

/// One element of the `recordings search` array, its strings borrowed from the parse buffer.
/// Nested and typed fields are read as JSON values, so no shape of theirs can fail the listing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Summary<'a> {
    #[serde(borrow, deserialize_with = "opt")]
    pub session_id: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub kind: Option<Str<'a>>,
    #[serde(deserialize_with = "shallow")]
    pub session_start: Value,
    #[serde(deserialize_with = "shallow")]
    pub session_end: Value,
    #[serde(borrow, deserialize_with = "opt")]
    pub username: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub user_roles: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub participants: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub access_request_ids: Vec<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub resource_kind: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub resource_name: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt")]
    pub resource_id: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "or_empty")]
    pub resource_labels: Pairs<'a>,
    #[serde(deserialize_with = "shallow")]
    pub resource_properties: Value,
    #[serde(deserialize_with = "shallow")]
    pub severity: Value,
    #[serde(borrow, deserialize_with = "opt")]
    pub host_id: Option<Str<'a>>,
    /// Go omits an empty list: absent means the server gave no reason.
    #[serde(deserialize_with = "or_empty")]
    pub needs_further_review_reasons: ReviewReasons,
    /// Not printed by tctl: the prose summary, present only in the demo data.
    #[serde(borrow, rename = "_summary", deserialize_with = "opt")]
    pub prose: Option<Str<'a>>,
}

/// The elements of `recordings search`.
pub struct Summaries;

impl Element for Summaries {
    const WHAT: &'static str = "session summaries";
    type Of<'a> = Summary<'a>;
}

impl Summary<'_> {
    pub fn start(&self) -> Option<Timestamp> {
        epoch(&self.session_start)
    }

    /// The value of a resource label (of two for one key, the later).
    pub fn label(&self, key: &str) -> Option<&str> {
        let pairs = self.resource_labels.iter().rev();
        pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// The text of a resource property such as `("Ssh", "server_hostname")`.
    pub fn property(&self, group: &str, field: &str) -> Option<&str> {
        self.resource_properties
            .get("Type")?
            .get(group)?
            .get(field)?
            .as_str()
    }

    /// Move both times by `by` (the demo data is written around a fixed "now").
    pub fn shift(&mut self, by: jiff::SignedDuration) {
        for v in [&mut self.session_start, &mut self.session_end] {
            if let Some(t) = epoch(v).and_then(|t| t.checked_add(by).ok()) {
                *v = serde_json::json!({"seconds": t.as_second(), "nanos": t.subsec_nanosecond()});
            }
        }
    }
}

/// `{"seconds": N, "nanos": N}`; nanos may be absent, and protobuf's JSON writes int64 as a
/// string, so both forms are read.
fn epoch(v: &Value) -> Option<Timestamp> {
    let int = |v: Option<&Value>| match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let seconds = int(v.get("seconds"))?;
    let nanos = int(v.get("nanos")).unwrap_or(0);
    Timestamp::new(seconds, i32::try_from(nanos).ok()?).ok()
}

/// tctl's JSON has the number; protojson (4.2b) writes the enum's name, and int64 as a string.
fn severity(v: &Value) -> Option<Severity> {
    match v {
        Value::Number(n) => n.as_i64().and_then(Severity::from_level),
        Value::String(s) => RISK_LEVELS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, severity)| severity)
            .or_else(|| s.parse().ok().and_then(Severity::from_level)),
        _ => None,
    }
}

/// `needs_further_review_reasons` as sent, read leniently like every field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewReasons(pub Vec<i64>);

impl<'de> Pick<'de> for ReviewReasons {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(reason)) = seq.next_element::<Lenient<Reason>>()? {
            if let Some(Reason(n)) = reason.filter(|_| out.len() < MAX_REVIEW_REASONS) {
                out.push(n);
            }
        }
        Ok(Some(ReviewReasons(out)))
    }
}

/// One reason: a number, or a number in a string. A name (protojson's form of an enum) is
/// kept as 0, the unspecified reason: its number is not known here, but it still asks for a
/// review.
struct Reason(i64);

impl Pick<'_> for Reason {
    fn from_int(n: i64) -> Option<Self> {
        Some(Reason(n))
    }
    fn from_str(s: &str) -> Option<Self> {
        Some(Reason(s.trim().parse().unwrap_or(0)))
    }
}

/// Parse `recordings search` output as it streams; returns the number of elements.
pub fn parse_summaries<R: Read>(
    reader: R,
    max: usize,
    sink: &mut dyn FnMut(&Summary<'_>),
) -> Result<usize, stream::Error> {
    stream::each::<Summaries, R>(reader, max, sink)
}

/// The session kind of a `--resource-kind` value.
pub fn kind_of_resource(resource_kind: &str) -> Option<Kind> {
    match resource_kind {
        "node" => Some(Kind::Ssh),
        "kube_cluster" => Some(Kind::K8s),
        "db" => Some(Kind::Db),
        "windows_desktop" => Some(Kind::Desktop),
        _ => None,
    }
}

/// The session a summary describes, or why it cannot be listed.
pub fn session<'s>(s: &'s Summary<'_>, builder: &mut Builder) -> Result<Session, &'static str> {
    let id = s
        .session_id
        .as_deref()
        .filter(|i| !i.is_empty())
        .ok_or("no session id")?;
    let kind = match (s.kind.as_deref(), s.resource_kind.as_deref()) {
        (Some("ssh"), _) | (None, Some("node")) => Kind::Ssh,
        (Some("k8s" | "kube" | "kubernetes"), _) | (None, Some("kube_cluster")) => Kind::K8s,
        (Some("db" | "database"), _) | (None, Some("db")) => Kind::Db,
        (Some("desktop" | "windows_desktop"), _) | (None, Some("windows_desktop")) => Kind::Desktop,
        _ => return Err("unknown kind"),
    };
    let mut d = Draft::new(id, kind, Origin::Search);
    d.start = Time::from(epoch(&s.session_start));
    d.end = Time::from(epoch(&s.session_end));
    d.severity = severity(&s.severity);
    d.review_reasons = Some(s.needs_further_review_reasons.0.as_slice().into());
    d.user = s.username.as_deref().unwrap_or_default();
    d.roles = &s.user_roles;
    d.participants = &s.participants;
    d.access_requests = &s.access_request_ids;
    d.labels = &s.resource_labels;

    let resource_name = s.resource_name.as_deref().filter(|n| !n.is_empty());
    let prop = |group: &str, field: &str| s.property(group, field);
    let mut details: Vec<(&'static str, Str<'s>)> = Vec::new();
    let mut add = |name: &'static str, value: Option<&'s str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            details.push((name, Cow::Borrowed(v)));
        }
    };
    let target = match kind {
        Kind::Ssh => {
            add("address", prop("Ssh", "server_addr"));
            resource_name.or_else(|| prop("Ssh", "server_hostname"))
        }
        Kind::K8s => {
            add("namespace", prop("Kubernetes", "pod_namespace"));
            add("pod", prop("Kubernetes", "pod_name"));
            resource_name
        }
        Kind::Db => {
            let database = prop("Database", "database_name");
            add("database", database);
            resource_name.or(database)
        }
        Kind::Desktop => {
            // The same facts under the same names as `recordings ls` gives them (desktop_name
            // the target, the Windows user the login), so a desktop reads alike in both.
            add("address", prop("Desktop", "desktop_addr"));
            add("windows domain", prop("Desktop", "windows_domain"));
            add("desktop type", prop("Desktop", "type"));
            d.login = prop("Desktop", "login").filter(|l| !l.is_empty());
            match prop("Desktop", "desktop_name").filter(|n| !n.is_empty()) {
                Some(name) => {
                    add("resource name", resource_name.filter(|r| *r != name));
                    Some(name)
                }
                None => resource_name,
            }
        }
        Kind::App | Kind::Other(_) => resource_name,
    };
    add("resource kind", s.resource_kind.as_deref());
    add("resource id", s.resource_id.as_deref());
    add("host id", s.host_id.as_deref());
    d.details = details;
    d.target = target.unwrap_or_default();
    Ok(builder.build(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions(json: &str) -> Vec<Result<Session, &'static str>> {
        let mut out = Vec::new();
        let mut b = Builder::new(crate::session::Detail::Full);
        parse_summaries(json.as_bytes(), usize::MAX, &mut |s| {
            out.push(session(s, &mut b))
        })
        .unwrap();
        out
    }

    #[test]
    fn args_keep_every_value_in_one_argument_and_words_after_dashes() {
        let q = SearchQuery {
            words: vec!["-rf".into(), "".into(), "sudo su".into()],
            from: Some("2026-05-27".parse().unwrap()),
            kinds: vec![Kind::Ssh, Kind::Db],
            username: Some("--help".into()),
            labels: Some("env=prod,k8s.io/app=web".into()),
            roles: vec!["dba".into()],
            limit: 50,
            ..SearchQuery::default()
        };
        assert_eq!(
            q.args(),
            [
                "recordings",
                "search",
                "--format=json",
                "--from=2026-05-27",
                "--kind=ssh",
                "--kind=db",
                "--username=--help",
                "--label=env=prod,k8s.io/app=web",
                "--role=dba",
                "--limit=50",
                "--",
                "-rf",
                "sudo su"
            ]
        );
    }

    #[test]
    fn no_words_means_no_query_argument() {
        let q = SearchQuery {
            words: vec!["".into(), "  ".into()],
            limit: 5,
            ..SearchQuery::default()
        };
        assert_eq!(
            q.args(),
            ["recordings", "search", "--format=json", "--limit=5"]
        );
    }

    #[test]
    fn property_filters_of_two_kinds_are_refused() {
        let mut q = SearchQuery {
            server_hostname: Some("web".into()),
            server_addr: Some("10.0.0.1".into()),
            ..SearchQuery::default()
        };
        assert!(q.check().is_ok());
        q.database_name = Some("orders".into());
        let e = q.check().unwrap_err();
        assert!(e.contains("SSH and database"), "{e}");
    }

    #[test]
    fn summaries_normalize_epochs_severity_and_properties() {
        let out = sessions(
            r#"[
            {"session_id":"a","kind":"ssh","session_start":{"seconds":1780517159,"nanos":118000000},
             "session_end":{"seconds":1780519144},"username":"alice","severity":3,
             "resource_kind":"node","resource_name":"web-01",
             "resource_properties":{"Type":{"Ssh":{"server_hostname":"web-01","server_addr":"10.0.0.1:3022"}}},
             "resource_labels":{"env":"prod"},"access_request_ids":["r1"]},
            {"session_id":"b","kind":"db","session_start":{"seconds":"1780517159"},
             "resource_properties":{"Type":{"Database":{"database_name":"orders"}}}},
            {"session_id":"c","kind":"k8s","resource_name":"prod-eks","severity":"RISK_LEVEL_CRITICAL",
             "resource_properties":{"Type":{"Kubernetes":{"pod_namespace":"ns","pod_name":"p"}}}},
            {"session_id":"d","kind":"vm"},
            {"kind":"ssh"}
        ]"#,
        );
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.origin, Origin::Search);
        assert_eq!(
            a.start.get().unwrap().to_string(),
            "2026-06-03T20:05:59.118Z"
        );
        assert_eq!(a.duration_ms(), Some(1_984_882));
        assert_eq!(a.severity, Some(Severity::High));
        assert_eq!(a.target(), "web-01");
        assert!(a.details().contains(&("address", "10.0.0.1:3022".into())));
        assert_eq!(a.extra().access_requests, ["r1".into()]);
        let b = out[1].as_ref().unwrap();
        assert_eq!(
            b.target(),
            "orders",
            "the property names the target when resource_name is absent"
        );
        assert_eq!(b.severity, None, "absent severity is unscored");
        assert!(b.start.is_some(), "string seconds");
        assert_eq!(b.end, Time::NONE);
        let c = out[2].as_ref().unwrap();
        assert_eq!(c.severity, Some(Severity::Critical));
        assert!(c.details().contains(&("pod", "p".into())));
        assert_eq!(out[3].as_ref().unwrap_err(), &"unknown kind");
        assert_eq!(out[4].as_ref().unwrap_err(), &"no session id");
    }

    #[test]
    fn risk_levels_are_read_by_name_and_number_and_nothing_else() {
        let read = |v: serde_json::Value| severity(&v);
        for (name, want) in RISK_LEVELS {
            assert_eq!(read(name.into()), Some(want), "{name}");
            assert_eq!(read(name.to_lowercase().into()), Some(want), "{name}");
            assert_eq!(read(want.level().into()), Some(want));
            assert_eq!(read(want.level().to_string().into()), Some(want));
        }
        for not in [
            "RISK_LEVEL_UNSPECIFIED",
            "SEVERITY_HIGH",
            "severity_high",
            "high",
            "RISK_LEVEL_",
            "5",
            "",
        ] {
            assert_eq!(read(not.into()), None, "{not}");
        }
    }

    #[test]
    fn desktop_summaries_name_the_desktop_and_the_windows_login() {
        let out = sessions(
            r#"[
            {"session_id":"w","kind":"desktop","resource_kind":"windows_desktop",
             "resource_name":"win-dc01-corp","resource_properties":{"Type":{"Desktop":{
               "desktop_name":"WIN-DC01","desktop_addr":"10.0.4.10:3389","login":"Administrator",
               "windows_domain":"corp.example.com","type":"ad"}}}},
            {"session_id":"v","kind":"desktop",
             "resource_properties":{"Type":{"Desktop":{"desktop_name":"WIN-APP07","login":""}}}},
            {"session_id":"u","kind":"desktop","resource_name":"WIN-X",
             "resource_properties":{"Type":{"Desktop":{"desktop_name":7}}}}
        ]"#,
        );
        let w = out[0].as_ref().unwrap();
        assert_eq!(w.kind, Kind::Desktop);
        assert_eq!(w.target(), "WIN-DC01");
        assert_eq!(w.login(), Some("Administrator"));
        for detail in [
            ("address", "10.0.4.10:3389"),
            ("windows domain", "corp.example.com"),
            ("desktop type", "ad"),
            ("resource name", "win-dc01-corp"),
        ] {
            assert!(
                w.details().contains(&(detail.0, detail.1.into())),
                "{detail:?} in {:?}",
                w.details()
            );
        }
        assert!(w.details().iter().any(|(_, v)| &**v == "corp.example.com"));
        let v = out[1].as_ref().unwrap();
        assert_eq!((v.target(), v.login()), ("WIN-APP07", None));
        assert!(!v.details().iter().any(|(k, _)| *k == "resource name"));
        let u = out[2].as_ref().unwrap();
        assert_eq!(
            u.target(),
            "WIN-X",
            "a desktop_name of the wrong type is absent"
        );
    }

    #[test]
    fn review_reasons_are_kept_as_numbers_in_order() {
        let out = sessions(
            r#"[
            {"session_id":"a","kind":"ssh","needs_further_review_reasons":[5,1,5]},
            {"session_id":"b","kind":"ssh"},
            {"session_id":"c","kind":"ssh","needs_further_review_reasons":[]},
            {"session_id":"d","kind":"ssh","needs_further_review_reasons":
               ["3","TOO_LARGE",null,true,1.5,[2],{"x":1},-1]},
            {"session_id":"e","kind":"ssh","needs_further_review_reasons":"too_large"},
            {"session_id":"f","kind":"ssh","needs_further_review_reasons":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}
        ]"#,
        );
        let reasons = |i: usize| {
            let s = out[i].as_ref().unwrap();
            s.extra().review_reasons.clone().unwrap()
        };
        assert_eq!(*reasons(0), [5, 1, 5]);
        assert!(reasons(1).is_empty(), "Go omits an empty list");
        assert!(reasons(2).is_empty());
        assert_eq!(
            *reasons(3),
            [3, 0, -1],
            "a name still asks for review (as 0, unspecified); other shapes are skipped"
        );
        assert!(reasons(4).is_empty());
        assert_eq!(reasons(5).len(), MAX_REVIEW_REASONS);
    }

    #[test]
    fn wrong_shapes_never_fail_the_listing() {
        let out = sessions(
            r#"[{"session_id":"a","kind":"ssh","session_start":"yesterday","severity":{"x":1},
                 "resource_properties":[1,2],"resource_labels":{"k":7}}]"#,
        );
        let a = out[0].as_ref().unwrap();
        assert_eq!((a.start, a.severity), (Time::NONE, None));
        assert!(a.labels().is_empty());
        assert_eq!(sessions("[]").len(), 0);
        assert_eq!(sessions("null").len(), 0);
    }
}
