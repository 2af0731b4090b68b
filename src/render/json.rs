//! JSON: an array of records with stable keys (documented in the README and man page). Strings
//! keep their values; characters that are dangerous on a terminal are written as `\uXXXX`
//! escapes, so the output is safe to print and still parses to the same data.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{PrettyFormatter, Serializer};

use crate::review::Listing;
use crate::session::{Labels, Origin, Session, Text};
use crate::text::sanitize::TerminalSafe;

#[derive(Serialize)]
struct Record<'a> {
    id: String,
    kind: &'static str,
    user: &'a str,
    login: Option<&'a str>,
    target: &'a str,
    /// Keyed as jq wants a key (`server_id`); `show`'s text names them in words.
    details: BTreeMap<Cow<'static, str>, &'a str>,
    start: Option<String>,
    end: Option<String>,
    duration_ms: Option<i64>,
    severity: Option<&'static str>,
    severity_level: Option<u8>,
    needs_further_review_reasons: Option<&'a [i64]>,
    /// These four are null for a session from the cache (`source` "cache"): unknown, not empty.
    roles: Option<Vec<&'a str>>,
    participants: Option<Vec<&'a str>>,
    labels: Option<&'a Labels>,
    interactive: Option<bool>,
    recorded: Option<bool>,
    cluster: Option<&'a str>,
    access_requests: Option<Vec<&'a str>>,
    source: &'static str,
    flags: Vec<&'static str>,
    web_url: Option<&'a str>,
    /// With `--explain`: a line of the AI summary, or why there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Brief<'a>>,
    /// With `hunt --verify`: what the recording showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Proof<'a>>,
}

/// `hunt --verify`'s reading of a recording, in JSON.
#[derive(Serialize)]
struct Proof<'a> {
    matched_lines: u64,
    line: Option<&'a str>,
    within: Option<&'static str>,
    unavailable: Option<&'static str>,
}

/// `--explain`'s line of a session's summary, in JSON.
#[derive(Serialize)]
struct Brief<'a> {
    risk_level: Option<&'static str>,
    short_description: Option<&'a str>,
    unavailable: Option<&'a str>,
}

impl<'a> Record<'a> {
    fn new(s: &'a Session) -> Record<'a> {
        let extra = s.extra();
        let known = s.origin != Origin::Cache;
        Record {
            id: s.id().to_string(),
            kind: s.kind.as_str(),
            user: s.user(),
            login: s.login(),
            target: s.target(),
            details: s.details().iter().map(|(k, v)| (snake(k), &**v)).collect(),
            start: s.start.rfc3339(),
            end: s.end.rfc3339(),
            duration_ms: s.duration_ms(),
            severity: s.severity.map(|v| v.as_str()),
            severity_level: s.severity.map(|v| v.level()),
            needs_further_review_reasons: extra.review_reasons.as_deref(),
            roles: known.then(|| texts(&extra.roles)),
            participants: known.then(|| texts(&extra.participants)),
            labels: known.then_some(&extra.labels),
            interactive: s.interactive,
            recorded: s.recorded,
            cluster: s.cluster(),
            access_requests: known.then(|| texts(&extra.access_requests)),
            source: s.origin.as_str(),
            flags: s.flags.iter().map(|f| f.as_str()).collect(),
            web_url: s.web_url(),
            summary: s.explained().map(|e| Brief {
                risk_level: e.risk.map(|r| r.as_str()),
                short_description: e.found.then_some(e.line.as_str()),
                unavailable: (!e.found).then_some(e.line.as_str()),
            }),
            evidence: s.evidence().map(|e| Proof {
                matched_lines: e.matched_lines,
                line: e.first.as_ref().map(|(l, _)| l.as_str()),
                within: e.first.as_ref().map(|(_, w)| w.as_str()),
                unavailable: e.unavailable,
            }),
        }
    }
}

fn snake(name: &'static str) -> Cow<'static, str> {
    match name.contains(' ') {
        true => name.replace(' ', "_").into(),
        false => name.into(),
    }
}

fn texts(list: &[Text]) -> Vec<&str> {
    list.iter().map(|t| &**t).collect()
}

pub fn write(out: &mut dyn Write, l: &Listing) -> io::Result<()> {
    // One record at a time: a year's listing is never built twice in memory.
    value(out, &Records(l))
}

/// `show`: the listing's record of the session, and the commands for the next step.
pub fn session(
    out: &mut dyn Write,
    s: &Session,
    next: &super::Next,
    ai: super::detail::Summary,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        record: Record<'a>,
        next: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        next_unavailable: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary_unavailable: Option<String>,
    }
    let (summary, summary_unavailable) = match ai {
        Some((shown, suspicious)) => {
            let (v, why) = super::summary::json(shown, suspicious);
            (Some(v), why)
        }
        None => (None, None),
    };
    value(
        out,
        &Shown {
            record: Record::new(s),
            next: next.commands(),
            next_unavailable: next.unavailable(),
            summary,
            summary_unavailable,
        },
    )
}

struct Records<'a>(&'a Listing);

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.sessions.iter().map(Record::new))
    }
}

/// One value as compact JSON with terminal-safe strings (a row of a stream).
pub fn compact(out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    let mut ser =
        Serializer::with_formatter(&mut *out, TerminalSafe(serde_json::ser::CompactFormatter));
    v.serialize(&mut ser).map_err(io::Error::other)
}

/// Any value as indented JSON with terminal-safe strings, and a final newline.
pub fn value(out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(&mut *out, TerminalSafe(PrettyFormatter::new()));
    v.serialize(&mut ser).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Kind, Origin, Severity};
    use crate::window::Window;

    /// A column of the model is a JSON key of the same name: one name per fact.
    #[test]
    fn every_column_is_a_json_key() {
        let mut s = Session::new("x", Kind::Ssh, Origin::Ls);
        s.extra_mut().explained = Some(Box::new(crate::session::Explained {
            risk: None,
            line: "ran sudo".into(),
            found: true,
            why: "",
        }));
        s.extra_mut().evidence = Some(Box::new(crate::session::Evidence {
            matched_lines: 1,
            first: Some(("sudo -i".into(), crate::content::Within::Displayed)),
            unavailable: None,
        }));
        let v = serde_json::to_value(Record::new(&s)).unwrap();
        let columns = crate::render::columns::listing(true, true);
        for col in &columns {
            assert!(v.get(col.key).is_some(), "{} is not a JSON key", col.key);
        }
    }

    #[test]
    fn records_have_the_documented_keys_and_safe_strings() {
        let mut s = Session::new(
            "4c1c2f4e-5a8f-4b47-9f3e-111111111111",
            Kind::Ssh,
            Origin::Ls,
        );
        s.set_target("web\u{202e}01\x1b[2J");
        s.severity = Some(Severity::High);
        s.extra_mut().labels.insert("env".into(), "prod".into());
        let l = Listing::new(
            Window {
                from: "2026-06-02T21:00:00Z".parse().unwrap(),
                to: "2026-06-03T21:00:00Z".parse().unwrap(),
            },
            "ended",
            vec![s],
        );
        let mut out = Vec::new();
        write(&mut out, &l).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{202e}') && !text.contains('\x1b'));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let r = &v[0];
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "id",
            "kind",
            "user",
            "login",
            "target",
            "start",
            "end",
            "duration_ms",
            "severity",
            "severity_level",
            "needs_further_review_reasons",
            "roles",
            "participants",
            "labels",
            "interactive",
            "cluster",
            "access_requests",
            "source",
            "flags",
            "web_url",
        ] {
            assert!(keys.contains(&key), "missing {key}");
        }
        assert_eq!(
            r["target"], "web\u{202e}01\x1b[2J",
            "the value itself is kept"
        );
        assert_eq!(r["severity"], "high");
        assert_eq!(r["severity_level"], 3);
        assert_eq!(r["source"], "ls");
        assert_eq!(r["labels"]["env"], "prod");
    }
}
