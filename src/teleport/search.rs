//! `tctl recordings search --format=json` (Enterprise, v18.8.0+): the call's arguments, the
//! session summaries it prints, and their normalization into `Session`s.

use std::io::Read;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

use super::lenient::{opt, or_empty, shallow};
use crate::session::{Kind, Labels, Origin, Session, Severity};

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

/// One element of the `recordings search` array. Nested and typed fields are read as JSON
/// values, so no shape of theirs can fail the listing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Summary {
    #[serde(deserialize_with = "opt")]
    pub session_id: Option<String>,
    #[serde(deserialize_with = "opt")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "shallow")]
    pub session_start: Value,
    #[serde(deserialize_with = "shallow")]
    pub session_end: Value,
    #[serde(deserialize_with = "opt")]
    pub username: Option<String>,
    #[serde(deserialize_with = "or_empty")]
    pub user_roles: Vec<String>,
    #[serde(deserialize_with = "or_empty")]
    pub participants: Vec<String>,
    #[serde(deserialize_with = "or_empty")]
    pub access_request_ids: Vec<String>,
    #[serde(deserialize_with = "opt")]
    pub resource_kind: Option<String>,
    #[serde(deserialize_with = "opt")]
    pub resource_name: Option<String>,
    #[serde(deserialize_with = "opt")]
    pub resource_id: Option<String>,
    #[serde(deserialize_with = "or_empty")]
    pub resource_labels: Labels,
    #[serde(deserialize_with = "shallow")]
    pub resource_properties: Value,
    #[serde(deserialize_with = "shallow")]
    pub severity: Value,
    #[serde(deserialize_with = "opt")]
    pub host_id: Option<String>,
    /// Not printed by tctl: the prose summary, present only in the demo data.
    #[serde(rename = "_summary", deserialize_with = "opt")]
    pub prose: Option<String>,
}

impl Summary {
    pub fn start(&self) -> Option<Timestamp> {
        epoch(&self.session_start)
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

fn severity(v: &Value) -> Option<Severity> {
    match v {
        Value::Number(n) => n.as_i64().and_then(Severity::from_level),
        Value::String(s) => {
            let s = s.to_ascii_lowercase();
            let s = s.trim_start_matches("severity_");
            [
                Severity::Low,
                Severity::Medium,
                Severity::High,
                Severity::Critical,
            ]
            .into_iter()
            .find(|sev| sev.as_str() == s)
            .or_else(|| s.parse().ok().and_then(Severity::from_level))
        }
        _ => None,
    }
}

/// Parse `recordings search` output as it streams; returns the number of elements.
pub fn parse_summaries<R: Read>(
    reader: R,
    sink: &mut dyn FnMut(Summary),
) -> Result<usize, serde_json::Error> {
    super::stream::each(reader, "session summaries", sink)
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
pub fn session(mut s: Summary) -> Result<Session, &'static str> {
    let id = s
        .session_id
        .clone()
        .filter(|i| !i.is_empty())
        .ok_or("no session id")?;
    let kind = match (s.kind.as_deref(), s.resource_kind.as_deref()) {
        (Some("ssh"), _) | (None, Some("node")) => Kind::Ssh,
        (Some("k8s" | "kube" | "kubernetes"), _) | (None, Some("kube_cluster")) => Kind::K8s,
        (Some("db" | "database"), _) | (None, Some("db")) => Kind::Db,
        (Some("desktop" | "windows_desktop"), _) | (None, Some("windows_desktop")) => Kind::Desktop,
        _ => return Err("unknown kind"),
    };
    let mut out = Session::new(id, kind, Origin::Search);
    out.start = epoch(&s.session_start);
    out.end = epoch(&s.session_end);
    out.severity = severity(&s.severity);
    out.user = s.username.take().unwrap_or_default();
    out.roles = std::mem::take(&mut s.user_roles);
    out.participants = std::mem::take(&mut s.participants);
    out.access_requests = std::mem::take(&mut s.access_request_ids);
    out.labels = std::mem::take(&mut s.resource_labels);

    let prop = |group: &str, field: &str| s.property(group, field).map(str::to_owned);
    let mut details: Vec<(&'static str, String)> = Vec::new();
    let mut add = |name: &'static str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            details.push((name, v));
        }
    };
    let fallback = match kind {
        Kind::Ssh => {
            add("address", prop("Ssh", "server_addr"));
            prop("Ssh", "server_hostname")
        }
        Kind::K8s => {
            add("namespace", prop("Kubernetes", "pod_namespace"));
            add("pod", prop("Kubernetes", "pod_name"));
            None
        }
        Kind::Db => prop("Database", "database_name"),
        Kind::Desktop | Kind::App | Kind::Other(_) => None,
    };
    if kind == Kind::Db {
        add("database", prop("Database", "database_name"));
    }
    add("resource kind", s.resource_kind.take());
    add("resource id", s.resource_id.take());
    add("host id", s.host_id.take());
    out.details = details;
    out.details.shrink_to_fit();
    out.target = s
        .resource_name
        .take()
        .filter(|n| !n.is_empty())
        .or(fallback)
        .unwrap_or_default();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions(json: &str) -> Vec<Result<Session, &'static str>> {
        let mut out = Vec::new();
        parse_summaries(json.as_bytes(), &mut |s| out.push(session(s))).unwrap();
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
            {"session_id":"c","kind":"k8s","resource_name":"prod-eks","severity":"SEVERITY_CRITICAL",
             "resource_properties":{"Type":{"Kubernetes":{"pod_namespace":"ns","pod_name":"p"}}}},
            {"session_id":"d","kind":"vm"},
            {"kind":"ssh"}
        ]"#,
        );
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.origin, Origin::Search);
        assert_eq!(a.start.unwrap().to_string(), "2026-06-03T20:05:59.118Z");
        assert_eq!(a.duration_ms(), Some(1_984_882));
        assert_eq!(a.severity, Some(Severity::High));
        assert_eq!(a.target, "web-01");
        assert!(a.details.contains(&("address", "10.0.0.1:3022".into())));
        assert_eq!(a.access_requests, ["r1"]);
        let b = out[1].as_ref().unwrap();
        assert_eq!(
            b.target, "orders",
            "the property names the target when resource_name is absent"
        );
        assert_eq!(b.severity, None, "absent severity is unscored");
        assert!(b.start.is_some(), "string seconds");
        assert_eq!(b.end, None);
        let c = out[2].as_ref().unwrap();
        assert_eq!(c.severity, Some(Severity::Critical));
        assert!(c.details.contains(&("pod", "p".into())));
        assert_eq!(out[3].as_ref().unwrap_err(), &"unknown kind");
        assert_eq!(out[4].as_ref().unwrap_err(), &"no session id");
    }

    #[test]
    fn wrong_shapes_never_fail_the_listing() {
        let out = sessions(
            r#"[{"session_id":"a","kind":"ssh","session_start":"yesterday","severity":{"x":1},
                 "resource_properties":[1,2],"resource_labels":{"k":7}}]"#,
        );
        let a = out[0].as_ref().unwrap();
        assert_eq!((a.start, a.severity), (None, None));
        assert!(a.labels.is_empty());
        assert_eq!(sessions("[]").len(), 0);
        assert_eq!(sessions("null").len(), 0);
    }
}
