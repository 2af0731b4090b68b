//! `tctl recordings summary SID --format=json` (SPEC 4.2b): the AI summary of one session, as
//! protojson (enums as names, times as RFC3339, int64 as strings). Every field may be missing
//! or of another type; the prose and every string in it is an LLM's reading of what an
//! attacker typed, kept raw here and escaped and scanned when shown.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::search::RISK_LEVELS;
use crate::session::{Severity, is_canonical_id};

/// Larger than any real summary (a few KB of prose and a list of commands); bigger output
/// is not read further.
pub const MAX_BYTES: u64 = 4 << 20;

/// No review shows more than this many of a list (activities, commands, MITRE ids).
const MAX_ITEMS: usize = 64;

/// The arguments of the call. Only a canonical id is ever passed; `--output` (which writes a
/// file) never is.
pub fn args(sid: &str) -> Option<Vec<String>> {
    is_canonical_id(sid).then(|| {
        vec![
            "recordings".to_owned(),
            "summary".to_owned(),
            sid.to_owned(),
            "--format=json".to_owned(),
        ]
    })
}

/// What the summary says, in the shape a reviewer reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AiSummary {
    /// `SUMMARY_STATE_SUCCESS` and the like, as sent (shown only when it is not success).
    pub state: Option<String>,
    pub model: Option<String>,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    /// The prose, Markdown.
    pub content: Option<String>,
    pub error_message: Option<String>,
    pub risk: Option<Severity>,
    pub compromise_indicators: Option<bool>,
    pub suspicious_activities: Vec<String>,
    pub short_description: Option<String>,
    pub detailed_description: Option<String>,
    /// The commands worth a look, riskiest first.
    pub notable_commands: Vec<NotableCommand>,
    pub review_reasons: Vec<ReviewReason>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NotableCommand {
    pub command: String,
    pub risk: Option<Severity>,
    pub mitre_attack_ids: Vec<String>,
    pub description: Option<String>,
}

/// Why the server wants a human to look at the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewReason {
    /// A reason Teleport names (the token its web UI uses, e.g. `too_large`).
    Known(&'static str),
    /// A number, as tctl's search JSON sends it (the numbering is not confirmed).
    Number(i64),
    /// A name this version does not know.
    Other(String),
}

/// Teleport's reasons: the protojson name's suffix, the web UI's token, and the words.
const REASONS: [(&str, &str, &str); 6] = [
    (
        "TOO_LARGE",
        "too_large",
        "the session was too large to summarize",
    ),
    (
        "COMMAND_ANALYSIS_FAILED",
        "command_analysis_failed",
        "analysing its commands failed",
    ),
    (
        "FAILED_TO_FETCH_ACCESS_REQUEST",
        "failed_to_fetch_access_request",
        "its access request could not be fetched",
    ),
    (
        "ACCESS_REQUEST_RESOURCE_MISMATCH",
        "access_request_resource_mismatch",
        "it reached resources its access request did not name",
    ),
    (
        "OUTPUT_NOT_FULLY_CAPTURED",
        "output_not_fully_captured",
        "its output was not fully captured",
    ),
    (
        "CLASSIFIER_MATCHED",
        "classifier_matched",
        "a classifier matched something in it",
    ),
];

impl ReviewReason {
    /// From a protojson name (`NEEDS_REVIEW_REASON_TOO_LARGE`), a web token (`too_large`), or
    /// a number; the unspecified reason is none.
    pub fn read(v: &Value) -> Option<ReviewReason> {
        match v {
            Value::Number(n) => n.as_i64().filter(|&n| n != 0).map(ReviewReason::Number),
            Value::String(s) => {
                let name = s.trim();
                let suffix = name
                    .strip_prefix("NEEDS_REVIEW_REASON_")
                    .unwrap_or(name)
                    .to_ascii_uppercase();
                if suffix.is_empty() || suffix == "UNSPECIFIED" {
                    return None;
                }
                Some(
                    REASONS
                        .iter()
                        .find(|(proto, _, _)| *proto == suffix)
                        .map(|&(_, token, _)| ReviewReason::Known(token))
                        .unwrap_or_else(|| ReviewReason::Other(name.chars().take(64).collect())),
                )
            }
            _ => None,
        }
    }

    /// The reason in words, for a reviewer.
    pub fn words(&self) -> String {
        match self {
            ReviewReason::Known(token) => REASONS
                .iter()
                .find(|(_, t, _)| t == token)
                .map_or_else(|| (*token).to_owned(), |&(_, _, words)| words.to_owned()),
            ReviewReason::Number(n) => format!("reason {n} (not named by this tctl)"),
            ReviewReason::Other(name) => name.clone(),
        }
    }
}

/// Reads the summary from tctl's output.
pub fn parse(bytes: &[u8]) -> Result<AiSummary, String> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("it is not the JSON of a summary ({e})"))?;
    let Value::Object(top) = value else {
        return Err("it is not a JSON object".into());
    };
    let empty = Map::new();
    let enhanced = top
        .get("enhanced_summary")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    Ok(AiSummary {
        state: string(&top, "state"),
        model: string(&top, "model_name"),
        started: time(&top, "inference_started_at"),
        finished: time(&top, "inference_finished_at"),
        content: string(&top, "content"),
        error_message: string(&top, "error_message"),
        risk: enhanced.get("risk_level").and_then(risk),
        compromise_indicators: enhanced
            .get("compromise_indicators")
            .and_then(Value::as_bool),
        suspicious_activities: strings(enhanced.get("suspicious_activities")),
        short_description: string(enhanced, "short_description"),
        detailed_description: string(enhanced, "detailed_description"),
        notable_commands: notable(enhanced),
        review_reasons: list(enhanced.get("needs_further_review_reasons"))
            .iter()
            .filter_map(ReviewReason::read)
            .take(MAX_ITEMS)
            .collect(),
    })
}

/// The commands to show: the `session_events` the summary calls notable (by index), else its
/// risky ones; from the older `commands` list when there are no events. Riskiest first.
fn notable(enhanced: &Map<String, Value>) -> Vec<NotableCommand> {
    let events = list(enhanced.get("session_events"));
    let mut out: Vec<NotableCommand> = if events.is_empty() {
        list(enhanced.get("commands"))
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|c| {
                Some(NotableCommand {
                    command: string(c, "command")?,
                    risk: c.get("risk_level").and_then(risk),
                    mitre_attack_ids: Vec::new(),
                    description: string(c, "short_description"),
                })
            })
            .collect()
    } else {
        let indexes: Vec<usize> = list(enhanced.get("notable_command_indexes"))
            .iter()
            .filter_map(int)
            .filter_map(|i| usize::try_from(i).ok())
            .collect();
        events
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                if indexes.is_empty() {
                    e.get("risk_level").and_then(risk) > Some(Severity::Low)
                } else {
                    indexes.contains(i)
                }
            })
            .filter_map(|(_, e)| {
                let e = e.as_object()?;
                let details = e.get("command_event_details").and_then(Value::as_object)?;
                Some(NotableCommand {
                    command: string(details, "command")?,
                    risk: e.get("risk_level").and_then(risk),
                    mitre_attack_ids: strings(e.get("mitre_attack_ids")),
                    description: string(details, "short_description"),
                })
            })
            .collect()
    };
    out.sort_by_key(|c| std::cmp::Reverse(c.risk));
    out.truncate(MAX_ITEMS);
    out
}

fn risk(v: &Value) -> Option<Severity> {
    let name = v.as_str()?;
    RISK_LEVELS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, s)| s)
}

fn string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(obj: &Map<String, Value>, key: &str) -> Option<Timestamp> {
    obj.get(key).and_then(Value::as_str)?.parse().ok()
}

/// An int64, which protojson writes as a string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    list(v)
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .take(MAX_ITEMS)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r###"{
  "session_id": "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
  "state": "SUMMARY_STATE_SUCCESS",
  "model_name": "gpt-4.1",
  "inference_started_at": "2026-06-03T20:40:01.5Z",
  "inference_finished_at": "2026-06-03T20:40:09Z",
  "content": "## Summary\n\nThe user **escalated** to root.",
  "enhanced_summary": {
    "risk_level": "RISK_LEVEL_HIGH",
    "compromise_indicators": true,
    "suspicious_activities": ["privilege escalation with sudo", ""],
    "short_description": "sudo to root, then edited sshd_config",
    "notable_command_indexes": ["1"],
    "needs_further_review_reasons": ["NEEDS_REVIEW_REASON_OUTPUT_NOT_FULLY_CAPTURED", "NEEDS_REVIEW_REASON_UNSPECIFIED", "NEEDS_REVIEW_REASON_NEW_ONE"],
    "session_events": [
      {"risk_level": "RISK_LEVEL_LOW", "risk_score": "1", "command_event_details": {"command": "ls"}},
      {"risk_level": "RISK_LEVEL_HIGH", "risk_score": "8", "mitre_attack_ids": ["T1548.003"], "command_event_details": {"command": "sudo su -", "error_messages": []}}
    ],
    "unknown_field": {"x": 1}
  }
}"###;

    #[test]
    fn every_field_a_reviewer_reads() {
        let s = parse(FULL.as_bytes()).unwrap();
        assert_eq!(s.model.as_deref(), Some("gpt-4.1"));
        assert_eq!(s.risk, Some(Severity::High));
        assert_eq!(s.compromise_indicators, Some(true));
        assert_eq!(s.suspicious_activities, ["privilege escalation with sudo"]);
        assert_eq!(s.notable_commands.len(), 1);
        assert_eq!(s.notable_commands[0].command, "sudo su -");
        assert_eq!(s.notable_commands[0].mitre_attack_ids, ["T1548.003"]);
        assert_eq!(
            s.review_reasons,
            [
                ReviewReason::Known("output_not_fully_captured"),
                ReviewReason::Other("NEEDS_REVIEW_REASON_NEW_ONE".into())
            ]
        );
        assert_eq!(
            s.review_reasons[0].words(),
            "its output was not fully captured"
        );
        assert_eq!(s.finished.unwrap().to_string(), "2026-06-03T20:40:09Z");
    }

    #[test]
    fn wrong_types_read_as_absent_and_junk_is_an_error() {
        let s = parse(
            br#"{"model_name": 5, "enhanced_summary": {"risk_level": 3, "suspicious_activities": "x", "session_events": {"a": 1}}}"#,
        )
        .unwrap();
        assert_eq!(s, AiSummary::default());
        assert!(parse(b"[1]").is_err());
        assert!(parse(b"<html>").is_err());
        assert!(parse(b"{\"content\": \"cut").is_err());
    }

    #[test]
    fn without_events_the_older_command_list_is_read() {
        let s = parse(
            br#"{"enhanced_summary": {"commands": [{"command": "id", "risk_level": "RISK_LEVEL_LOW"}, {"command": "insmod x.ko", "risk_level": "RISK_LEVEL_CRITICAL"}]}}"#,
        )
        .unwrap();
        let cmds: Vec<&str> = s
            .notable_commands
            .iter()
            .map(|c| c.command.as_str())
            .collect();
        assert_eq!(cmds, ["insmod x.ko", "id"], "riskiest first");
    }

    #[test]
    fn review_reasons_by_name_token_or_number() {
        use serde_json::json;
        assert_eq!(
            ReviewReason::read(&json!("too_large")),
            Some(ReviewReason::Known("too_large"))
        );
        assert_eq!(ReviewReason::read(&json!(0)), None);
        assert_eq!(
            ReviewReason::read(&json!(4)).unwrap().words(),
            "reason 4 (not named by this tctl)"
        );
    }

    #[test]
    fn only_canonical_ids_become_arguments() {
        assert!(args("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f").is_some());
        for bad in ["--output=x", "3F2A9C1E-5B7D-4E8A-9C0F-1A2B3C4D5E6F", ""] {
            assert_eq!(args(bad), None, "{bad}");
        }
    }
}
