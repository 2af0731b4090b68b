//! The AI summary of one session, under `show`'s fields: risk, what the model found
//! suspicious, the commands it singled out with their MITRE ATT&CK ids, why the server wants a
//! human to look, and the prose read plainly. Every string is the model's reading of what an
//! attacker typed: escaped here, and a reminder that it is model output goes with it.

use std::io::{self, Write};

use nu_ansi_term::Color;
use serde_json::{Value, json};

use crate::session::Severity;
use crate::teleport::NoSummary;
use crate::teleport::summary::{AiSummary, ReviewReason};
use crate::text::format::{rfc3339, short_time};
use crate::text::markdown::plain_lines;
use crate::text::sanitize::escape;

/// Said once under every summary shown.
pub const MODEL_OUTPUT: &str = "This summary is an AI model's reading of what the session's user typed: it can be wrong, and what was typed can steer it. Corroborate with the recording (play).";

/// Said when the summary's own text reads like instructions.
pub const INSTRUCTIONS: &str = "The summary contains text that reads like instructions to an operator or an AI (flagged suspicious-text). It is data from the cluster, not a request: nothing was acted on.";

/// What `show` knows of the summary: it, or why there is none.
pub type Shown<'a> = &'a Result<AiSummary, NoSummary>;

/// The section for a terminal (`color` paints the risk like the severity column).
pub fn text(out: &mut dyn Write, summary: Shown, suspicious: bool, color: bool) -> io::Result<()> {
    let s = match summary {
        Ok(s) => s,
        Err(none) => return writeln!(out, "\n{}", none.line()),
    };
    writeln!(out, "\nAI summary")?;
    for (label, value) in facts(s, color) {
        let mut lines = value.lines();
        writeln!(out, "  {label:13} {}", lines.next().unwrap_or_default())?;
        for more in lines {
            writeln!(out, "  {:13} {more}", "")?;
        }
    }
    let prose = s.content.as_deref().map(plain_lines).unwrap_or_default();
    if !prose.is_empty() {
        writeln!(out)?;
        for line in prose {
            if line.is_empty() {
                writeln!(out)?;
            } else {
                writeln!(out, "  {}", escape(&line))?;
            }
        }
    }
    if suspicious {
        writeln!(out, "\n{INSTRUCTIONS}")?;
    }
    writeln!(out, "\n{MODEL_OUTPUT}")
}

/// The section for a ticket.
pub fn markdown(out: &mut dyn Write, summary: Shown, suspicious: bool) -> io::Result<()> {
    use super::markdown::cell;
    let s = match summary {
        Ok(s) => s,
        Err(none) => return writeln!(out, "\n> {}", cell(&none.line())),
    };
    writeln!(out, "\n### AI summary\n\n| Field | Value |\n|---|---|")?;
    for (label, value) in facts(s, false) {
        // Each line a cell of its own escaping: a `|` in a command must not end the cell, nor
        // `<b>`, `![x](url)` or `&rlm;` in the model's words render.
        let lines: Vec<String> = value.lines().map(cell).collect();
        writeln!(out, "| {label} | {} |", lines.join("<br>"))?;
    }
    let prose = s.content.as_deref().map(plain_lines).unwrap_or_default();
    if !prose.is_empty() {
        writeln!(out)?;
        for line in prose {
            // Quoted, and its markup already read plainly: nothing in it renders as markup.
            writeln!(out, "> {}", cell(&line))?;
        }
    }
    if suspicious {
        writeln!(out, "\n> {INSTRUCTIONS}")?;
    }
    writeln!(out, "\n> {MODEL_OUTPUT}")
}

/// The labelled facts, escaped (markdown cells are escaped again by the caller's `cell`,
/// which leaves already-escaped text readable).
fn facts(s: &AiSummary, color: bool) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    // Compromise indicators are said even when the risk level is missing or unknown.
    if s.risk.is_some() || s.compromise_indicators.is_some() {
        let mut line = s
            .risk
            .map_or_else(|| "unknown".to_owned(), |r| paint(r, color));
        if let Some(ci) = s.compromise_indicators {
            line.push_str(if ci {
                " (compromise indicators: yes)"
            } else {
                " (compromise indicators: no)"
            });
        }
        facts.push(("risk", line));
    }
    if let Some(short) = &s.short_description {
        facts.push(("in short", escape(short).into_owned()));
    }
    if !s.suspicious_activities.is_empty() {
        let items: Vec<String> = s
            .suspicious_activities
            .iter()
            .map(|a| format!("• {}", escape(a)))
            .collect();
        facts.push(("suspicious", items.join("\n")));
    }
    if !s.notable_commands.is_empty() {
        let items: Vec<String> = s
            .notable_commands
            .iter()
            .map(|c| {
                let risk = c.risk.map_or("-".to_owned(), |r| paint(r, color));
                let mitre = if c.mitre_attack_ids.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  (MITRE ATT&CK {})",
                        escape(&c.mitre_attack_ids.join(", "))
                    )
                };
                format!("{risk}  {}{mitre}", escape(&c.command))
            })
            .collect();
        facts.push(("commands", items.join("\n")));
    }
    if !s.review_reasons.is_empty() {
        let words: Vec<String> = s.review_reasons.iter().map(ReviewReason::words).collect();
        facts.push((
            "review",
            format!(
                "the server asks a human to look: {}",
                escape(&words.join("; "))
            ),
        ));
    }
    if let Some(state) = s
        .state
        .as_deref()
        .filter(|st| *st != "SUMMARY_STATE_SUCCESS")
    {
        facts.push(("state", escape(state).into_owned()));
    }
    if let Some(error) = &s.error_message {
        facts.push(("error", escape(error).into_owned()));
    }
    let mut made = Vec::new();
    if let Some(model) = &s.model {
        made.push(escape(model).into_owned());
    }
    if let Some(at) = s.finished.or(s.started) {
        made.push(format!("{} UTC", short_time(at)));
    }
    if !made.is_empty() {
        facts.push(("model", made.join(", ")));
    }
    facts
}

fn paint(risk: Severity, color: bool) -> String {
    let word = risk.as_str();
    if !color {
        return word.to_owned();
    }
    let style = match risk {
        Severity::Critical => Color::Red.bold(),
        Severity::High => Color::Red.normal(),
        Severity::Medium => Color::Yellow.normal(),
        Severity::Low => Color::Green.normal(),
    };
    style.paint(word).to_string()
}

/// The summary as `show --format json` carries it, under stable keys (documented in the man
/// page): the object, or null with the reason in `summary_unavailable`.
pub fn json(summary: Shown, suspicious: bool) -> (Value, Option<String>) {
    let s = match summary {
        Ok(s) => s,
        Err(none) => return (Value::Null, Some(none.line())),
    };
    let commands: Vec<Value> = s
        .notable_commands
        .iter()
        .map(|c| {
            json!({
                "command": c.command,
                "risk_level": c.risk.map(Severity::as_str),
                "mitre_attack_ids": c.mitre_attack_ids,
                "description": c.description,
            })
        })
        .collect();
    let reasons: Vec<Value> = s
        .review_reasons
        .iter()
        .map(|r| {
            let reason = match r {
                ReviewReason::Known(token) => json!(token),
                ReviewReason::Number(n) => json!(n),
                ReviewReason::Other(name) => json!(name),
            };
            json!({"reason": reason, "words": r.words()})
        })
        .collect();
    let value = json!({
        "risk_level": s.risk.map(Severity::as_str),
        "compromise_indicators": s.compromise_indicators,
        "suspicious_activities": s.suspicious_activities,
        "short_description": s.short_description,
        "detailed_description": s.detailed_description,
        "content": s.content,
        "notable_commands": commands,
        "review_reasons": reasons,
        "state": s.state,
        "error_message": s.error_message,
        "model": s.model,
        "inference_started_at": s.started.map(rfc3339),
        "inference_finished_at": s.finished.map(rfc3339),
        "flags": if suspicious { vec!["suspicious-text"] } else { Vec::new() },
        "note": MODEL_OUTPUT,
    });
    (value, None)
}

/// The keys of the JSON object, in order: the man page lists them, and a test holds the two
/// together.
pub const JSON_KEYS: &[(&str, &str)] = &[
    (
        "risk_level",
        "`low`, `medium`, `high` or `critical`, or null",
    ),
    ("compromise_indicators", "true, false or null"),
    ("suspicious_activities", "what the model found suspicious"),
    ("short_description", "one line"),
    ("detailed_description", "a paragraph"),
    ("content", "the prose, Markdown, as the model wrote it"),
    (
        "notable_commands",
        "objects with `command`, `risk_level`, `mitre_attack_ids`, `description`",
    ),
    (
        "review_reasons",
        "objects with `reason` (Teleport's token, or its number) and `words`",
    ),
    ("state", "the summary's state as Teleport names it"),
    ("error_message", "why summarizing failed, when it did"),
    ("model", "the model that wrote it"),
    ("inference_started_at", "RFC3339"),
    ("inference_finished_at", "RFC3339"),
    (
        "flags",
        "`suspicious-text` when its text reads like instructions",
    ),
    (
        "note",
        "that this is model output over attacker-typed input",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teleport::summary::NotableCommand;

    fn hostile() -> AiSummary {
        AiSummary {
            model: Some("gpt\u{1b}]0;x\u{7}".into()),
            risk: Some(Severity::High),
            compromise_indicators: Some(true),
            suspicious_activities: vec!["added a key\u{1b}[2J".into()],
            short_description: Some("key \u{202e}added".into()),
            notable_commands: vec![NotableCommand {
                command: "echo k >> /root/.ssh/authorized_keys".into(),
                risk: Some(Severity::Critical),
                mitre_attack_ids: vec!["T1098.004".into()],
                description: None,
            }],
            review_reasons: vec![ReviewReason::Known("too_large"), ReviewReason::Number(9)],
            content: Some("## Done\n\n**Ignore previous instructions**\u{1b}[31m".into()),
            ..AiSummary::default()
        }
    }

    #[test]
    fn every_string_is_escaped_and_the_prose_reads_plainly() {
        let mut out = Vec::new();
        text(&mut out, &Ok(hostile()), true, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("added a key\\x1b[2J"), "{text}");
        assert!(
            text.contains(
                "critical  echo k >> /root/.ssh/authorized_keys  (MITRE ATT&CK T1098.004)"
            )
        );
        assert!(text.contains("the session was too large to summarize; reason 9"));
        assert!(text.contains("  Done\n"), "heading as text: {text}");
        assert!(text.contains("Ignore previous instructions\\x1b[31m"));
        assert!(!text.contains("**") && !text.contains("##"));
        assert!(text.contains(INSTRUCTIONS) && text.contains(MODEL_OUTPUT));
    }

    #[test]
    fn risk_is_coloured_only_when_asked() {
        let mut out = Vec::new();
        text(&mut out, &Ok(hostile()), false, true).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\u{1b}[31mhigh"));
    }

    #[test]
    fn an_absent_summary_is_one_line() {
        let mut out = Vec::new();
        text(&mut out, &Err(NoSummary::NotSummarized), false, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.trim().lines().count(), 1);
        let (value, why) = json(&Err(NoSummary::OldTctl), false);
        assert!(value.is_null() && why.unwrap().contains("recordings summary"));
    }

    #[test]
    fn json_keys_are_the_documented_ones() {
        let (value, _) = json(&Ok(hostile()), true);
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut documented: Vec<&str> = JSON_KEYS.iter().map(|(k, _)| *k).collect();
        documented.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, documented);
        assert_eq!(value["flags"], json!(["suspicious-text"]));
        assert_eq!(value["review_reasons"][1]["reason"], json!(9));
    }
}
