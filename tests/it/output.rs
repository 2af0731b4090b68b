//! What a reviewer reads: the login in every format, tables that keep the columns that matter
//! at any width, player links in the exports, `--format` honoured (or refused) by every
//! command, and CSV that CSV readers read.

use crate::common;

use common::{World, raw_dangerous};
use predicates::prelude::*;

const M1: &str = "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a";
const SSH: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
/// The hostile row's target as every text format shows it.
const TAMPERED: &str = "web-03\\u{202e}txt.exe";

fn run(w: &World, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = w.cmd();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

/// `recent` (the last day: the hostile row M1 included) as a table `columns` wide.
fn table(w: &World, columns: usize) -> String {
    let columns = columns.to_string();
    let (out, _) = run(
        w,
        &["recent", "--format", "table"],
        &[("COLUMNS", &columns), ("NO_COLOR", "1")],
    );
    let table: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    for line in &table {
        assert!(
            line.chars().count() <= columns.parse().unwrap(),
            "wider than {columns}: {line:?}\n{out}"
        );
    }
    assert_eq!(raw_dangerous(&out), Vec::<char>::new());
    table.join("\n")
}

fn row<'a>(table: &'a str, id: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.starts_with(&id[..8]))
        .unwrap_or_else(|| panic!("no {id} in\n{table}"))
}

fn header(table: &str) -> Vec<&str> {
    table
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect()
}

fn tsh_calls(w: &World) -> usize {
    w.calls().iter().filter(|(p, _)| p == "tsh").count()
}

// --- 15: the login ------------------------------------------------------------------------

#[test]
fn the_table_and_markdown_show_who_logged_in_as_whom() {
    let w = World::new();
    let t = table(&w, 160);
    assert_eq!(
        header(&t),
        [
            "ID",
            "KIND",
            "USER",
            "LOGIN",
            "TARGET",
            "START (UTC)",
            "DURATION",
            "FLAGS"
        ]
    );
    let cells: Vec<&str> = row(&t, M1).split_whitespace().collect();
    assert_eq!(cells[2..4], ["mallory", "root"], "{t}");
    assert_eq!(
        row(&t, "b7e4c2a1").split_whitespace().nth(3),
        Some("analyst"),
        "a database user is a login too"
    );

    let (md, _) = run(&w, &["recent", "--format", "markdown"], &[]);
    assert!(
        md.starts_with("| ID | Kind | User | Login | Target |"),
        "{md}"
    );
    let m1 = md.lines().find(|l| l.contains(M1)).unwrap();
    assert!(m1.contains("| mallory | root |"), "{m1}");
}

// --- 16: fitting the terminal -------------------------------------------------------------

#[test]
fn at_160_columns_every_cell_is_whole() {
    let w = World::new();
    let t = table(&w, 160);
    let m1 = row(&t, M1);
    for whole in [TAMPERED, "suspicious-text", "2026-06-03 02:40", "35m31s"] {
        assert!(m1.contains(whole), "{whole}: {m1}");
    }
    assert!(!t.contains('…'), "{t}");
}

/// A wide terminal shows every flag of `hunt --verify`: the evasions it exists to show are not
/// cut at a fixed cell width when the table fits.
#[test]
fn at_300_columns_verify_shows_every_flag() {
    let w = World::new();
    let (out, _) = run(
        &w,
        &["hunt", "privesc", "--verify", "--format", "table"],
        &[("COLUMNS", "300"), ("NO_COLOR", "1")],
    );
    let m1 = row(&out, M1);
    assert!(
        m1.contains("suspicious-text,needs-review,erased-input,concealed-text,title-or-clipboard"),
        "{m1}"
    );
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("ID "))
        .take_while(|l| !l.is_empty())
        .collect();
    for line in &table {
        assert!(!line.contains('…'), "nothing is cut: {line}");
        assert!(line.chars().count() <= 300, "{line:?}");
    }
}

#[test]
fn when_narrow_the_date_shortens_before_anything_is_cut() {
    let w = World::new();
    let t = table(&w, 105);
    let m1 = row(&t, M1);
    for whole in [
        TAMPERED,
        "suspicious-text",
        "root",
        "35m31s",
        " 06-03 02:40 ",
    ] {
        assert!(m1.contains(whole), "{whole}: {m1}");
    }
    assert!(!t.contains("2026-06-03"), "{t}");
    assert!(!t.contains('…'), "{t}");
}

/// Rows of more than one year keep the year: a date without it would be ambiguous. Then the
/// start gives way whole before anything is cut, as it does when narrower still.
#[test]
fn dates_keep_their_year_when_the_rows_span_years() {
    let w = World::new();
    let (out, _) = run(
        &w,
        &["recent", "--since", "500d", "--format", "table"],
        &[("COLUMNS", "200"), ("NO_COLOR", "1")],
    );
    assert!(out.contains("2025-"), "a session of 2025 is listed: {out}");
    for columns in [200, 110, 105] {
        let (out, _) = run(
            &w,
            &["recent", "--since", "500d", "--format", "table"],
            &[("COLUMNS", &columns.to_string()), ("NO_COLOR", "1")],
        );
        for line in out.lines().skip(1).take_while(|l| !l.is_empty()) {
            assert!(
                !line.contains(" 06-03 ") && !line.contains(" 05-"),
                "{columns}: a date without its year: {line}"
            );
        }
    }
}

#[test]
fn at_80_columns_dates_and_durations_give_way_to_targets_and_flags() {
    let w = World::new();
    let t = table(&w, 80);
    assert_eq!(
        header(&t),
        ["ID", "KIND", "USER", "LOGIN", "TARGET", "FLAGS"],
        "{t}"
    );
    let m1 = row(&t, M1);
    for whole in ["mallory", "root", TAMPERED, "suspicious-text"] {
        assert!(m1.contains(whole), "{whole}: {m1}");
    }
    assert!(row(&t, "0a1b2c3d").contains("non-interactive"), "{t}");
    // What gives first is a long login: `Administrator`, the Windows one.
    assert!(row(&t, "5e6f7a8b").contains("Administrat…"), "{t}");
}

#[test]
fn at_60_columns_a_tampered_host_keeps_its_escape() {
    let w = World::new();
    let t = table(&w, 60);
    let m1 = row(&t, M1);
    assert!(
        m1.contains("\\u{202e}"),
        "the tampering must stay visible: {m1}"
    );
    assert!(m1.contains("mallory") && m1.contains("root"), "{m1}");
    assert!(m1.contains("suspic"), "{m1}");
}

/// Tables with more columns (the report's LOGIN, `--explain`'s summary, `--verify`'s
/// evidence) fit 60 columns too: their columns stand one space apart, and then LOGIN leaves.
#[test]
fn at_60_columns_every_workflows_table_fits() {
    let w = World::new();
    for args in [
        &["compliance", "--quarter", "2026Q2"][..],
        &["triage", "--explain"],
        &["hunt", "privesc", "--verify"],
    ] {
        let (out, _) = run(
            &w,
            &[args, &["--format", "table"]].concat(),
            &[("COLUMNS", "60"), ("NO_COLOR", "1")],
        );
        let table: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.starts_with("ID "))
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(table.len() > 2, "{args:?}: {out}");
        for line in table {
            assert!(line.chars().count() <= 60, "{args:?}: {line:?}\n{out}");
        }
        assert!(
            out.contains("\\u{202e}"),
            "the tampering stays visible: {out}"
        );
    }
}

// --- 17: player links in the exports --------------------------------------------------------

#[test]
fn exports_carry_the_player_link_from_one_tsh_status() {
    let link = format!(
        "https://teleport.example.com:443/web/cluster/teleport.example.com/session/{SSH}?recordingType=ssh&durationMs=1606496"
    );
    for format in ["json", "csv", "markdown"] {
        let w = World::new();
        let (out, err) = run(&w, &["recent", "--format", format], &[]);
        assert!(out.contains(&link), "{format}: {out}");
        assert_eq!(tsh_calls(&w), 1, "{format}: {:?}", w.calls());
        assert!(!err.contains("web_url"), "{format}: {err}");
    }
    let w = World::new();
    let (out, _) = run(&w, &["recent", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let app = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "app")
        .unwrap();
    assert_eq!(
        app["web_url"],
        serde_json::Value::Null,
        "apps have no player"
    );
}

#[test]
fn tables_and_tsv_never_start_tsh() {
    for format in ["table", "tsv"] {
        let w = World::new();
        run(&w, &["recent", "--format", format], &[]);
        assert_eq!(tsh_calls(&w), 0, "{format}: {:?}", w.calls());
    }
}

#[test]
fn without_a_login_the_listing_still_works_and_says_once_why_links_are_missing() {
    let w = World::new();
    let (out, err) = run(
        &w,
        &["recent", "--format", "json"],
        &[("FAKE_TSH_SCENARIO", "not-logged-in")],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| r["web_url"].is_null()));
    assert_eq!(err.matches("web_url").count(), 1, "{err}");
    assert!(err.contains("not logged in"), "{err}");

    // A profile no link can be built from is said once too, as what it is.
    let w = World::new();
    let (_, err) = run(&w, &["recent", "--format", "csv"], &[("FAKE_CLUSTER", " ")]);
    assert_eq!(err.matches("web_url").count(), 1, "{err}");
    assert!(err.contains("names no cluster"), "{err}");
}

// --- 18: --format everywhere ----------------------------------------------------------------

#[test]
fn show_json_is_the_listing_record_plus_the_next_steps() {
    let w = World::new();
    let (listing, _) = run(&w, &["recent", "--format", "json"], &[]);
    let listing: serde_json::Value = serde_json::from_str(&listing).unwrap();
    let listed = listing
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == M1)
        .unwrap()
        .as_object()
        .unwrap();

    let (out, _) = run(&w, &["show", M1, "--format", "json"], &[]);
    let shown: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    let shown = shown.as_object().unwrap();
    for (key, value) in listed {
        assert!(shown.contains_key(key), "show lacks {key}");
        // What search adds to ls's record: its score, and its reasons to ask a human.
        let searched = [
            "severity",
            "severity_level",
            "needs_further_review_reasons",
            "flags",
        ];
        if !searched.contains(&key.as_str()) {
            assert_eq!(&shown[key], value, "{key}");
        }
    }
    for flag in listed["flags"].as_array().unwrap() {
        assert!(shown["flags"].as_array().unwrap().contains(flag), "{flag}");
    }
    assert_eq!(shown["login"], "root");
    assert_eq!(
        shown["next"],
        serde_json::json!([
            format!("tsh-review play {M1}"),
            format!("tsh-review download {M1}"),
            format!("tsh-review link {M1}"),
        ])
    );
    assert!(shown["web_url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(raw_dangerous(&out), Vec::<char>::new());
}

#[test]
fn show_speaks_every_format() {
    let w = World::new();
    run(&w, &["recent"], &[]);
    let (csv, _) = run(&w, &["show", "d1e2f3a4", "--format", "csv"], &[]);
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,kind,user,login,target,"), "{csv}");
    assert!(
        lines[1].starts_with(&format!("{M1},ssh,mallory,root,")),
        "{csv}"
    );
    let (tsv, _) = run(&w, &["show", "d1e2f3a4", "--format", "tsv"], &[]);
    assert!(
        tsv.starts_with(&format!("{M1}\tssh\tmallory\troot\t")),
        "{tsv}"
    );
    let (md, _) = run(&w, &["show", "d1e2f3a4", "--format", "markdown"], &[]);
    assert!(md.contains("| login | root |"), "{md}");
    assert!(md.contains("`tsh-review play "), "{md}");
    // Piped without --format, show is still the detail view: it is one record, not a table.
    let (text, _) = run(&w, &["show", "d1e2f3a4"], &[]);
    assert!(text.contains("login              root"), "{text}");
}

#[test]
fn hunt_list_speaks_every_format() {
    let w = World::new();
    let (json, _) = run(&w, &["hunt", "--list", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let privesc = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "privesc")
        .expect("privesc");
    assert!(privesc["query"].as_str().is_some_and(|q| !q.is_empty()));
    assert!(privesc["kinds"].is_array());
    // The content hunt's patterns, as a list.
    assert!(
        privesc["patterns"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p.as_str().unwrap().contains("sudo"))),
        "{privesc}"
    );
    let (csv, _) = run(&w, &["hunt", "--list", "--format", "csv"], &[]);
    assert!(csv.starts_with("name,about,query,kinds\r\n"), "{csv}");
    let (tsv, _) = run(&w, &["hunt", "--list", "--format", "tsv"], &[]);
    assert!(tsv.lines().any(|l| l.starts_with("privesc\t")), "{tsv}");
    let (md, _) = run(&w, &["hunt", "--list", "--format", "markdown"], &[]);
    assert!(md.starts_with("| Technique |"), "{md}");
    let (text, _) = run(&w, &["hunt", "--list"], &[]);
    assert!(text.starts_with("Built-in hunts"), "{text}");
    assert!(w.calls().is_empty(), "the catalogue needs no cluster");
}

#[test]
fn doctor_speaks_markdown_and_csv() {
    let doctor = |format: &str| {
        let w = World::new();
        let out = w
            .cmd()
            .args(["doctor", "--format", format])
            .env("FAKE_PROXY", "127.0.0.1:1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let md = doctor("markdown");
    assert!(
        md.starts_with("| Status | Check | Detail |\n|---|---|---|\n"),
        "{md}"
    );
    assert!(md.contains("| ok | tctl |"), "{md}");
    let csv = doctor("csv");
    assert!(csv.starts_with("status,check,detail\r\nok,tsh,"), "{csv}");
    // The demo has nothing to check: data formats still get valid (empty) data.
    let w = World::new();
    let (json, err) = run(&w, &["--demo", "doctor", "--format", "json"], &[]);
    assert_eq!(json, "[]\n");
    assert!(err.contains("DEMO"), "{err}");
}

#[test]
fn format_is_refused_where_it_means_nothing() {
    let w = World::new();
    for args in [
        vec!["link", SSH],
        vec!["download", SSH],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["init", "zsh"],
    ] {
        let mut argv = args.clone();
        argv.extend(["--format", "json"]);
        w.cmd()
            .args(&argv)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "--format does not apply to `{}`",
                args[0]
            )));
    }
    assert!(w.calls().is_empty(), "{:?}", w.calls());
    // play keeps tsh's own formats.
    w.cmd()
        .args(["play", SSH, "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pty, json, yaml, text"));
}

// --- 19: compliance CSV ---------------------------------------------------------------------

#[test]
fn compliance_csv_is_a_header_and_rows_that_python_reads() {
    let w = World::new();
    let (csv, err) = run(
        &w,
        &["compliance", "--quarter", "2026Q2", "--format", "csv"],
        &[],
    );
    let python = r#"
import csv, json, sys
rows = list(csv.reader(sys.stdin, strict=True))
print(json.dumps({"header": rows[0], "widths": sorted({len(r) for r in rows}), "rows": len(rows) - 1}))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", python])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        parsed["header"],
        serde_json::json!([
            "id",
            "kind",
            "user",
            "login",
            "target",
            "start",
            "end",
            "duration_ms",
            "severity",
            "flags",
            "web_url"
        ]),
        "{csv}"
    );
    assert_eq!(parsed["widths"], serde_json::json!([11]), "{csv}");
    assert_eq!(parsed["rows"], 15, "{csv}");
    // The report's facts are not lost: they go to stderr, as notes do for machine formats.
    for fact in ["Period: 2026Q2", "Reviewer: alice", "Complete: yes"] {
        assert!(err.contains(fact), "{fact}: {err}");
    }
}

/// Each note under a markdown listing is a paragraph of its own, not one run-on quote; the
/// suspicious-text note names the AI summary among what can read like instructions.
#[test]
fn markdown_notes_are_paragraphs_of_their_own() {
    let w = World::new();
    let (out, _) = run(&w, &["triage", "--format", "markdown"], &[]);
    let quoted: Vec<&str> = out.lines().filter(|l| l.starts_with('>')).collect();
    assert!(quoted.len() >= 5, "{out}");
    for pair in quoted.windows(2) {
        assert!(pair[0] == ">" || pair[1] == ">", "run together: {pair:?}");
    }
    assert!(
        out.contains("a name, a label or its AI summary reads like"),
        "{out}"
    );
}
