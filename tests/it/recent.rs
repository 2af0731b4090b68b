//! `tsh-review recent` end to end: the real binary against the fake tctl.

use crate::common;

use common::{World, raw_dangerous};
use predicates::prelude::*;

fn stdout_of(world: &World, args: &[&str]) -> String {
    let out = world
        .cmd()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn piped_output_is_tsv_of_the_last_day_with_the_argv_tctl_expects() {
    let w = World::new();
    let out = stdout_of(&w, &["recent"]);
    assert_eq!(
        w.tctl_calls(),
        [[
            "recordings",
            "ls",
            "--format=json",
            "--from-utc=2026-06-02",
            "--limit=10000"
        ]]
    );
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0][..8]).collect();
    // Newest start first; the 06-02 15:07 session is outside the 24 hours and trimmed.
    assert_eq!(
        ids,
        [
            "3f2a9c1e", "8c1d2e3f", "b7e4c2a1", "5e6f7a8b", "c0ffee00", "0a1b2c3d", "d1e2f3a4",
            "e4d3c2b1"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 11), "fixed columns");
    assert_eq!(rows[0][0].len(), 36, "full ids when piped");
    assert!(
        rows[0][5].ends_with('Z') && rows[0][5].contains('T'),
        "RFC3339: {}",
        rows[0][5]
    );
    assert!(
        !out.contains("ID\t") && !out.contains('\x1b'),
        "no header, no colour"
    );
}

#[test]
fn every_kind_is_normalized_with_its_target() {
    let w = World::new();
    let out = stdout_of(&w, &["recent", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_kind = |kind: &str| -> Vec<&serde_json::Value> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == kind)
            .collect()
    };
    assert_eq!(by_kind("k8s")[0]["target"], "prod-eks");
    assert_eq!(by_kind("db")[0]["target"], "orders");
    assert_eq!(by_kind("desktop")[0]["target"], "WIN-DC01");
    let apps = by_kind("app");
    assert_eq!(apps.len(), 1, "three chunks are one app session");
    assert_eq!(apps[0]["target"], "grafana");
    assert_eq!(apps[0]["duration_ms"], 601_100);
    let ssh = &by_kind("ssh")[0];
    assert_eq!(ssh["source"], "ls");
    for key in [
        "id",
        "user",
        "login",
        "start",
        "end",
        "roles",
        "participants",
        "labels",
        "cluster",
        "access_requests",
        "flags",
        "interactive",
    ] {
        assert!(ssh.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn every_format_escapes_hostile_text() {
    let w = World::new();
    for format in ["table", "tsv", "markdown", "csv", "json"] {
        let out = w
            .cmd()
            .args(["recent", "--since", "7d", "--format", format])
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        // Line ends of CSV and the TSV separator are structure, not cell content.
        let stdout_no_crlf = stdout.replace("\r\n", "\n").replace('\t', " ");
        assert_eq!(
            raw_dangerous(&stdout_no_crlf),
            Vec::<char>::new(),
            "{format}: {stdout}"
        );
        assert_eq!(
            raw_dangerous(&stderr),
            Vec::<char>::new(),
            "{format}: {stderr}"
        );
        assert!(
            stdout.contains("202e"),
            "{format}: the bidi override is shown escaped"
        );
    }
}

#[test]
fn the_tampered_label_flags_its_row_and_adds_one_note() {
    let w = World::new();
    w.cmd()
        .args(["recent", "--since", "7d", "--format", "table"])
        .assert()
        .success()
        .stdout(predicate::str::contains("suspicious-text"))
        .stdout(predicate::str::contains("nothing was acted on").count(1));
}

#[test]
fn table_on_a_terminal_fits_the_width() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["recent", "--since", "7d"])
        .env("TSH_REVIEW_TTY", "1")
        .env("COLUMNS", "72")
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("ID        KIND"));
    let table: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert!(table.len() > 5);
    for line in &table {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    assert!(!out.contains('\x1b'), "NO_COLOR");
    assert!(out.contains("sessions ended between 2026-05-27 21:00 and 2026-06-03 21:00 UTC"));
}

#[test]
fn colour_follows_the_flag_and_environment() {
    let w = World::new();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = w.cmd();
        cmd.args(args).env("TSH_REVIEW_TTY", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
    };
    assert!(run(&["recent"], &[]).contains("\x1b["));
    assert!(!run(&["recent"], &[("NO_COLOR", "1")]).contains('\x1b'));
    assert!(!run(&["recent"], &[("TERM", "dumb")]).contains('\x1b'));
    assert!(!run(&["recent"], &[("CLICOLOR", "0")]).contains('\x1b'));
    assert!(!run(&["recent", "--color", "never"], &[]).contains('\x1b'));
    assert!(run(&["recent", "--color", "always"], &[("NO_COLOR", "1")]).contains("\x1b["));
    let piped = w
        .cmd()
        .args(["recent", "--format", "table"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8(piped.stdout).unwrap().contains("\x1b["));
}

#[test]
fn sub_day_windows_are_trimmed_exactly() {
    let w = World::new();
    let out = stdout_of(&w, &["recent", "--since", "3h"]);
    let ids: Vec<&str> = out.lines().map(|l| &l[..8]).collect();
    assert_eq!(ids, ["3f2a9c1e", "8c1d2e3f"]);
    assert_eq!(w.tctl_calls()[0][3], "--from-utc=2026-06-03");
}

#[test]
fn to_is_inclusive_and_becomes_tctls_exclusive_midnight() {
    let w = World::new();
    let out = stdout_of(
        &w,
        &["recent", "--from", "2026-05-29", "--to", "2026-05-31"],
    );
    assert_eq!(
        w.tctl_calls(),
        [[
            "recordings",
            "ls",
            "--format=json",
            "--from-utc=2026-05-29",
            "--to-utc=2026-06-01",
            "--limit=10000"
        ]]
    );
    let ids: Vec<&str> = out.lines().map(|l| &l[..8]).collect();
    assert_eq!(ids, ["3e4f5a6b", "4f5a6b7c", "5a6b7c8d"]);
}

#[test]
fn a_future_to_is_clamped_to_now() {
    let w = World::new();
    w.cmd()
        .args(["recent", "--from", "2026-06-01", "--to", "2027-01-01"])
        .assert()
        .success();
    let call = &w.tctl_calls()[0];
    assert!(!call.iter().any(|a| a.starts_with("--to-utc")), "{call:?}");
}

#[test]
fn windows_over_a_year_are_split_and_merged() {
    let w = World::new();
    let out = stdout_of(&w, &["recent", "--since", "500d"]);
    let calls = w.tctl_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0][3], "--from-utc=2025-06-04");
    assert_eq!(
        calls[1][3..5],
        ["--from-utc=2025-01-19", "--to-utc=2025-06-04"]
    );
    assert!(
        out.lines().any(|l| l.starts_with("a0b1c2d3")),
        "the 400-day-old session is found"
    );
    assert!(out.lines().any(|l| l.starts_with("3f2a9c1e")));
}

#[test]
fn empty_results_are_success_for_null_and_empty_arrays() {
    for empty in ["null", "[]"] {
        let w = World::new();
        w.cmd()
            .args(["recent"])
            .env("FAKE_LS_DATA", common::fixture("ls_empty.json"))
            .env("FAKE_EMPTY", empty)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(
                "no recordings ended between 2026-06-02 21:00 and 2026-06-03 21:00 UTC; widen the window with --since (e.g. --since 7d)",
            ));
    }
}

/// A session tctl gave no start: its start is empty (tsv) or `-` (table), never its end,
/// as JSON's is `null`; it is still placed by its end.
#[test]
fn an_unknown_start_is_not_the_end() {
    let w = World::new();
    let out = stdout_of(&w, &["recent", "--since", "7d"]);
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("e4d3c2b1"))
        .expect(&out)
        .split('\t')
        .collect();
    assert_eq!((row[5], row[6]), ("", "2026-06-02T22:14:05Z"), "{row:?}");
    let table = w
        .cmd()
        .args(["recent", "--since", "7d", "--format", "table"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with("e4d3c2b1"))
        .expect(&table);
    assert!(!line.contains("2026-06-02 22:14"), "{line}");
}

/// An empty result that filters made says so (the window had recordings), and a compliance
/// review, which takes no --since, suggests another period.
#[test]
fn an_empty_result_says_what_made_it_empty() {
    let w = World::new();
    let err = |args: &[&str]| {
        let out = w.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let said = err(&["recent", "--user", "nobody"]);
    assert!(
        said.contains("no recordings ended between 2026-06-02 21:00 and 2026-06-03 21:00 UTC matched; loosen the filters"),
        "{said}"
    );
    let said = err(&["compliance", "--quarter", "2025Q4"]);
    assert!(
        said.contains("review another period with --quarter or --from and --to")
            && !said.contains("--since"),
        "{said}"
    );
}

#[test]
fn limit_caps_the_rows_shown_of_a_complete_listing() {
    let w = World::new();
    let out = stdout_of(&w, &["recent"]);
    assert_eq!(out.lines().count(), 8);
    let w = World::new();
    let assert = w.cmd().args(["recent", "--limit", "3"]).assert().success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let ids: Vec<&str> = out.lines().map(|l| &l[..8]).collect();
    assert_eq!(
        ids,
        ["3f2a9c1e", "8c1d2e3f", "b7e4c2a1"],
        "the newest three"
    );
    assert!(
        String::from_utf8_lossy(&assert.get_output().stderr)
            .contains("showing 3 of 8 sessions (--limit 3)")
    );
    // The cap is ours, not tctl's: tctl is asked for a whole page.
    assert_eq!(w.tctl_calls()[0][4], "--limit=10000");
}

#[test]
fn a_listing_longer_than_a_page_continues_with_older_days_and_is_complete() {
    let w = World::new();
    let full = stdout_of(&w, &["recent", "--since", "14d"]);
    let w = World::new();
    let out = w
        .cmd()
        .args(["recent", "--since", "14d"])
        .env("TSH_REVIEW_PAGE", "12")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), full);
    // 21 rows in the window, 11 of them on June 3rd: two calls of 12.
    let calls = w.tctl_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls.iter().all(|c| c.contains(&"--limit=12".to_owned())));
    // Each continuation ends the day after the oldest row so far: the window shrinks.
    assert!(
        calls[1].iter().any(|a| a.starts_with("--to-utc=")),
        "{calls:?}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("incomplete"), "{err}");
    // A page smaller than June 3rd's rows cannot list that day whole: it says so.
    let w = World::new();
    let out = w
        .cmd()
        .args(["recent", "--since", "14d"])
        .env("TSH_REVIEW_PAGE", "4")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("(2026-06-03): those days are listed incompletely"),
        "{err}"
    );
}

#[test]
fn a_tctl_that_ignores_the_limit_is_held_to_it() {
    let w = World::new();
    let full = stdout_of(&w, &["recent", "--since", "14d"]);
    let w = World::new();
    let out = w
        .cmd()
        .args(["recent", "--since", "14d"])
        .env("TSH_REVIEW_PAGE", "12")
        .env("FAKE_IGNORE_LIMIT", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), full);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("rows for a call that asked for 12: the first 12 were kept"),
        "{err}"
    );
}

#[test]
fn a_window_before_teleport_existed_is_clamped_and_said() {
    let w = World::new();
    w.cmd()
        .args(["recent", "--from", "0001-01-01"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the window started before Teleport existed: listing from 2015-01-01 instead",
        ));
    // 2015-01-01 to 2026-06-03, 365 days a call.
    let calls = w.tctl_calls();
    assert_eq!(calls.len(), 12, "{calls:?}");
    assert!(
        calls
            .last()
            .unwrap()
            .contains(&"--from-utc=2015-01-01".to_owned())
    );
    w.cmd()
        .args(["recent", "--from", "2001-01-01", "--to", "2001-12-31"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("before 2015"));
}

#[test]
fn unknown_event_types_are_skipped_with_a_note() {
    let w = World::new();
    w.cmd()
        .args(["recent"])
        .assert()
        .success()
        .stderr(predicate::str::contains("session.upload (1)"));
}

#[test]
fn kind_and_user_filters() {
    let w = World::new();
    let out = stdout_of(
        &w,
        &["ls", "--since", "7d", "--kind", "db", "--kind", "desktop"],
    );
    assert!(!out.is_empty());
    for line in out.lines() {
        let kind = line.split('\t').nth(1).unwrap();
        assert!(kind == "db" || kind == "desktop", "{line}");
    }
    let out = stdout_of(&w, &["ls", "--since", "7d", "--user", "bob"]);
    assert!(!out.is_empty());
    assert!(
        out.lines().all(|l| l.split('\t').nth(2) == Some("bob")),
        "{out}"
    );
}

#[test]
fn csv_and_markdown_have_headers() {
    let w = World::new();
    let csv = stdout_of(&w, &["recent", "--format", "csv"]);
    assert!(
        csv.starts_with(
            "id,kind,user,login,target,start,end,duration_ms,severity,flags,web_url\r\n"
        )
    );
    let md = stdout_of(&w, &["recent", "--format", "markdown"]);
    assert!(md.starts_with("| ID | Kind | User |"));
    assert!(md.contains("> 8 sessions ended between"));
}

#[test]
fn the_cache_is_written_privately() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.cmd().args(["recent"]).assert().success();
    let dir = w.cache_dir().join("tsh-review");
    let file = dir.join("sessions.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("3f2a9c1e"));
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
