//! `search` and the workflows built on it, end to end against the fake tctl: an Enterprise-like
//! cluster (search works) and Community-like ones (search unavailable, ls fallback).

use crate::common;

use common::{World, raw_dangerous};
use predicates::prelude::*;

fn run(w: &World, args: &[&str]) -> (String, String) {
    let out = w.cmd().args(args).assert().success().get_output().clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ids(tsv: &str) -> Vec<&str> {
    tsv.lines().map(|l| &l[..8]).collect()
}

fn searches(w: &World) -> Vec<Vec<String>> {
    let calls: Vec<Vec<String>> = w
        .tctl_calls()
        .into_iter()
        .filter(|a| a[1] == "search")
        .collect();
    for call in &calls {
        assert!(
            call.contains(&"--format=json".to_owned()),
            "the TUI would hang: {call:?}"
        );
    }
    calls
}

#[test]
fn search_sends_the_query_after_dashes_and_the_window_as_dates() {
    let w = World::new();
    let (out, _) = run(&w, &["search", "sudo", "--since", "7d"]);
    assert_eq!(
        searches(&w),
        [[
            "recordings",
            "search",
            "--format=json",
            "--from=2026-05-27",
            "--limit=50",
            "--",
            "sudo"
        ]]
    );
    assert_eq!(ids(&out), ["3f2a9c1e"]);
    let row: Vec<&str> = out.lines().next().unwrap().split('\t').collect();
    assert_eq!(row[8], "critical");
}

#[test]
fn a_query_that_looks_like_a_flag_stays_a_query() {
    let w = World::new();
    w.cmd().args(["search", "--", "-rf"]).assert().success();
    let call = &searches(&w)[0];
    assert_eq!(call[call.len() - 2..], ["--", "-rf"]);
}

#[test]
fn every_filter_reaches_tctl_under_its_own_name() {
    let w = World::new();
    w.cmd()
        .args([
            "search",
            "--kind",
            "ssh",
            "--kind",
            "k8s",
            "--username",
            "alice",
            "--role",
            "access",
            "--resource-kind",
            "node",
            "--resource-name",
            "web-01",
            "--label",
            "env=prod,team/x=y",
            "--access-request",
            "r1",
            "--server-hostname",
            "web-01",
            "--server-addr",
            "10.0.0.1",
            "--search-mode",
            "keyword",
            "--limit",
            "9",
            "--since",
            "2w",
        ])
        .assert()
        .success();
    let call = &searches(&w)[0];
    for want in [
        "--kind=ssh",
        "--kind=k8s",
        "--username=alice",
        "--role=access",
        "--resource-kind=node",
        "--resource-name=web-01",
        "--label=env=prod,team/x=y",
        "--access-request=r1",
        "--server-hostname=web-01",
        "--server-addr=10.0.0.1",
        "--search-mode=keyword",
        "--limit=9",
        "--from=2026-05-20",
    ] {
        assert!(
            call.contains(&want.to_owned()),
            "{want} missing from {call:?}"
        );
    }
    assert!(
        !call.iter().any(|a| a.starts_with("--severity")),
        "the server ignores it"
    );
}

#[test]
fn property_filters_of_two_kinds_never_reach_tctl() {
    let w = World::new();
    w.cmd()
        .args(["search", "--pod-name", "p", "--database-name", "orders"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one session kind"));
    assert!(w.tctl_calls().is_empty());
}

#[test]
fn triage_is_flag_only_riskiest_first_with_unscored_counted() {
    let w = World::new();
    let (out, err) = run(&w, &["triage"]);
    assert_eq!(
        searches(&w),
        [[
            "recordings",
            "search",
            "--format=json",
            "--from=2026-05-27",
            "--limit=500"
        ]]
    );
    // b7e4c2a1 is unscored, but the server asks for a review of it: it is listed, last.
    assert_eq!(
        ids(&out),
        [
            "3f2a9c1e", "d1e2f3a4", "6b7c8d9e", "8c1d2e3f", "1c2d3e4f", "b7e4c2a1"
        ]
    );
    assert!(
        out.lines().last().unwrap().contains("needs-review"),
        "{out}"
    );
    assert!(err.contains("1 unscored session(s)"), "{err}");
    assert!(
        err.contains("1 session(s) flagged needs-review are listed whatever their severity"),
        "{err}"
    );
    assert!(err.contains("tsh-review triage --unscored"), "{err}");
    assert!(err.contains("not proof of safety"), "{err}");
    let (out, _) = run(&w, &["triage", "--unscored"]);
    assert_eq!(ids(&out), ["b7e4c2a1", "5a6b7c8d"]);
    // Asked-for reviews stay above any threshold.
    let (out, _) = run(&w, &["triage", "--min-severity", "critical"]);
    assert_eq!(ids(&out), ["3f2a9c1e", "d1e2f3a4", "b7e4c2a1"]);
    // The suggestion keeps the kinds asked for.
    let (_, err) = run(&w, &["triage", "--kind", "db"]);
    assert!(
        err.contains("`tsh-review triage --unscored --since 7d --kind db`"),
        "{err}"
    );
}

/// The `show` the needs-review note suggests runs as pasted: it names the one session, and
/// says SID (for the reader to fill in) when there are more, never a `show` without an id.
#[test]
fn the_needs_review_note_names_the_session_to_show() {
    let w = World::new();
    let (_, err) = run(&w, &["triage"]);
    let note = err.lines().find(|l| l.contains("needs-review")).unwrap();
    let show = common::code_spans(note)[0];
    assert_eq!(
        show, "tsh-review show b7e4c2a1-9d3f-4b6e-a8c5-2f1e0d9c8b7a",
        "{note}"
    );
    let out = w
        .cmd()
        .args(show.split_whitespace().skip(1))
        .output()
        .unwrap();
    assert!(out.status.success(), "{show}: {out:?}");
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("the server asks a human to look"), "{shown}");

    // Two of them (d1e2f3a4 is high, b7e4c2a1 unscored, both asked for): SID.
    let (_, err) = run(&w, &["triage", "--min-severity", "critical"]);
    assert!(
        err.contains("2 session(s) flagged needs-review")
            && err.contains("`tsh-review show SID` gives the reasons"),
        "{err}"
    );
}

#[test]
fn the_severity_caveat_is_said_once_under_a_table() {
    let w = World::new();
    w.cmd()
        .args(["triage", "--format", "table"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not proof of safety").count(1));
}

#[test]
fn every_search_unavailable_error_falls_back_to_ls_with_one_explanation() {
    for scenario in [
        "search-no-access-graph",
        "search-no-pg-trgm",
        "search-no-pgvector",
        "search-unknown-service",
        "search-old-tctl",
        "search-unknown-command",
    ] {
        let w = World::new();
        let out = w
            .cmd()
            .args(["search", "sudo"])
            .env("FAKE_TCTL_SCENARIO", scenario)
            .output()
            .unwrap();
        assert!(out.status.success(), "{scenario}");
        let err = String::from_utf8(out.stderr).unwrap();
        for needed in [
            "Enterprise",
            "Identity Security",
            "Access Graph",
            "pg_trgm",
            "pgvector",
            "v18.8.0",
            "summarization",
        ] {
            assert!(
                err.contains(needed),
                "{scenario}: {needed} missing from {err}"
            );
        }
        assert_eq!(
            err.matches("search is unavailable").count(),
            1,
            "{scenario}: said once"
        );
        assert!(err.contains("the query words"), "{scenario}: {err}");
        assert!(!err.contains('\x1b'), "{scenario}");
        let calls = w.tctl_calls();
        assert_eq!(calls.len(), 2, "{scenario}: search, then ls: {calls:?}");
        assert_eq!(calls[1][..3], ["recordings", "ls", "--format=json"]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.lines().count() >= 8,
            "{scenario}: the ls answer: {stdout}"
        );
    }
}

#[test]
fn without_search_one_line_above_the_table_says_what_the_list_is() {
    let w = World::new();
    for args in [
        vec!["triage"],
        vec!["pivot", "--user", "alice", "--host", "web-01"],
        // Only a free-text hunt falls back to the listing: a technique hunts the content.
        vec!["hunt", "--query", "a root shell"],
    ] {
        let out = w
            .cmd()
            .args(&args)
            .args(["--format", "table"])
            .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let first = stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("search is unavailable"),
            "{args:?}: {stdout}"
        );
        assert_eq!(
            stdout.matches("search is unavailable").count(),
            1,
            "{args:?}"
        );
        // Every other line is the listing or a short note: no six-line explanation below.
        assert!(
            !stdout.lines().skip(1).any(|l| l.contains("Access Graph")),
            "{stdout}"
        );
        // A hunt without search has no matches to report: the whole window is not a result.
        let expected = if args[0] == "hunt" { 5 } else { 0 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}");
        assert!(
            out.stderr.is_empty() || args[0] != "hunt",
            "{:?}",
            out.stderr
        );
    }
    // Machine formats keep stdout for the data: the line goes to stderr, first.
    let out = w
        .cmd()
        .args(["triage", "--format", "tsv"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("tsh-review: search is unavailable"),
        "{err}"
    );
    assert!(!String::from_utf8(out.stdout).unwrap().contains("search"));
}

#[test]
fn no_fallback_exits_5_without_calling_ls() {
    let w = World::new();
    w.cmd()
        .args(["triage", "--no-fallback"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("cannot search"))
        .stderr(predicate::str::contains("pgvector"));
    assert_eq!(w.tctl_calls().len(), 1);
}

#[test]
fn an_empty_search_says_only_summarized_sessions_are_searchable() {
    let w = World::new();
    let (out, err) = run(&w, &["search", "nothing-matches-this", "--since", "24h"]);
    assert!(out.is_empty());
    assert!(
        err.contains("only summarized sessions are searchable"),
        "{err}"
    );
    assert!(err.contains("sees 8 recording(s)"), "{err}");
}

#[test]
fn hunts_send_their_technique() {
    let w = World::new();
    run(&w, &["hunt", "exfil"]);
    let call = &searches(&w)[0];
    assert!(call.contains(&"--kind=db".to_owned()));
    let dashes = call.iter().position(|a| a == "--").unwrap();
    assert!(call[dashes + 1].contains("pg_dump"));
    let w = World::new();
    let (out, _) = run(&w, &["hunt", "--keyword", "insmod", "--since", "14d"]);
    let call = &searches(&w)[0];
    assert!(call.contains(&"--search-mode=keyword".to_owned()));
    assert_eq!(call.last().unwrap(), "insmod");
    assert_eq!(ids(&out), ["7c8d9e0f"]);
    w.cmd()
        .args(["hunt", "--list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ssh-tamper"));
}

#[test]
fn pivot_answers_from_ls_when_search_is_unavailable() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["pivot", "--user", "alice", "--host", "web-01"])
        .env("FAKE_TCTL_SCENARIO", "search-old-tctl")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(ids(&stdout), ["3f2a9c1e"]);
    let call = &w.tctl_calls()[0];
    assert!(
        call.contains(&"--username=alice".to_owned())
            && call.contains(&"--resource-name=web-01".to_owned())
    );
}

/// Search names carol's database session by its service (`orders-db`, as triage shows it),
/// ls by its database (`orders`, as recent and show give it): either name finds it, with
/// search (asked again by the database's name) and without (ls's rows).
#[test]
fn pivot_finds_a_database_session_by_service_or_database() {
    for scenario in ["ok", "search-old-tctl"] {
        for host in ["orders-db", "orders"] {
            let w = World::new();
            let out = w
                .cmd()
                .args(["pivot", "--user", "carol", "--host", host, "--since", "30d"])
                .env("FAKE_TCTL_SCENARIO", scenario)
                .output()
                .unwrap();
            assert!(out.status.success());
            let out = String::from_utf8(out.stdout).unwrap();
            assert_eq!(ids(&out), ["b7e4c2a1"], "{scenario} {host}");
        }
    }
    let w = World::new();
    run(
        &w,
        &[
            "pivot", "--user", "carol", "--host", "orders", "--since", "30d",
        ],
    );
    let calls = searches(&w);
    assert!(
        calls[0].contains(&"--resource-name=orders".to_owned()),
        "{calls:?}"
    );
    assert!(
        calls
            .last()
            .unwrap()
            .contains(&"--database-name=orders".to_owned()),
        "{calls:?}"
    );
}

#[test]
fn request_groups_by_user_with_the_jit_caveat() {
    let w = World::new();
    let id = "0196f3c4-2b3c-7d4e-9f0a-b1c2d3e4f5a6";
    let (out, err) = run(&w, &["request", id]);
    assert!(searches(&w)[0].contains(&format!("--access-request={id}")));
    assert_eq!(ids(&out), ["6b7c8d9e"]);
    assert!(err.contains("just-in-time"), "{err}");
}

#[test]
fn request_ids_are_uuids_or_a_unique_prefix_seen_before() {
    let w = World::new();
    for bad in ["nope", "a9c97e9f 1dc3", "../../etc"] {
        w.cmd()
            .args(["request", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not an access request id"));
    }
    w.cmd()
        .args(["request", "0196f3c4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no access request seen in a listing starts with 0196f3c4",
        ));
    assert!(w.tctl_calls().is_empty(), "refused before any call");
    // Once a listing has seen it, its prefix is enough.
    w.cmd()
        .args(["recent", "--since", "14d"])
        .assert()
        .success();
    let id = "0196f3c4-2b3c-7d4e-9f0a-b1c2d3e4f5a6";
    w.cmd().args(["request", "0196F3C4"]).assert().success();
    assert!(
        searches(&w)
            .last()
            .unwrap()
            .contains(&format!("--access-request={id}"))
    );
}

#[test]
fn compliance_quarters_need_a_four_digit_year() {
    let w = World::new();
    for bad in ["26Q1", "226Q1", "2026Q5"] {
        w.cmd()
            .args(["compliance", "--quarter", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("use YYYYQn"));
    }
    w.cmd()
        .args(["compliance", "--quarter", "2001Q1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("before 2015"));
    assert!(w.tctl_calls().is_empty());
}

#[test]
fn kinds_take_teleports_own_word_and_comma_lists() {
    let w = World::new();
    run(&w, &["triage", "--kind", "kube,db"]);
    let call = &searches(&w)[0];
    assert!(call.contains(&"--kind=k8s".to_owned()), "{call:?}");
    assert!(call.contains(&"--kind=db".to_owned()), "{call:?}");
}

#[test]
fn compliance_is_complete_past_the_limit_and_an_auditable_artefact() {
    let w = World::new();
    // 13 production sessions, 6 of them on June 3rd: a page of 7 needs splitting down to days.
    let out = w
        .cmd()
        .args(["compliance", "--quarter", "2026Q2", "--format", "markdown"])
        .env("TSH_REVIEW_PAGE", "7")
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    let calls = searches(&w);
    assert!(calls.len() > 4, "the quarter was split: {calls:?}");
    assert!(
        calls
            .iter()
            .all(|c| c.contains(&"--label=env=prod".to_owned()))
    );
    for fact in [
        "**Period**: 2026Q2, in progress",
        "**Reviewer**: alice",
        "**Complete**: yes",
        "**Generated**",
        "**Filters**: label env=prod",
    ] {
        assert!(out.contains(fact), "{fact} missing:\n{out}");
    }
    // Every env=prod session of the quarter, whatever the limit.
    for id in [
        "3f2a9c1e", "8c1d2e3f", "b7e4c2a1", "5e6f7a8b", "0a1b2c3d", "d1e2f3a4", "1c2d3e4f",
        "5a6b7c8d", "6b7c8d9e", "8d9e0f1a", "9e0f1a2b", "d3e4f5a6", "c2d3e4f5",
    ] {
        assert!(out.contains(id), "{id} missing");
    }
    assert!(!out.contains("4f5a6b7c"), "staging is not production");
    assert!(out.contains(
        "https://teleport.example.com:443/web/cluster/teleport.example.com/session/3f2a9c1e-"
    ));
    assert!(out.contains("needs-review") && out.contains("follow-up"));
    assert!(out.contains("### alice on web-01 (1)"), "{out}");
}

/// `--limit` shortens the list, never the counts, and the report does not read as whole.
#[test]
fn compliance_limit_shortens_the_list_and_the_report_says_so() {
    let w = World::new();
    let (out, _) = run(
        &w,
        &[
            "compliance",
            "--quarter",
            "2026Q1",
            "--limit",
            "1",
            "--format",
            "markdown",
        ],
    );
    assert!(
        out.contains("**Period**: 2026Q1 (2026-01-01 to 2026-03-31, UTC, inclusive)"),
        "{out}"
    );
    // Bounds within a day are said as the instants they are, and an end past now as running.
    let (out, _) = run(
        &w,
        &[
            "compliance",
            "--from",
            "2026-06-03T10:00:00Z",
            "--to",
            "2026-06-03T17:00:00Z",
            "--format",
            "markdown",
        ],
    );
    assert!(
        out.contains("**Period**: 2026-06-03T10:00:00Z to 2026-06-03T17:00:00Z ("),
        "{out}"
    );
    let (out, _) = run(
        &w,
        &[
            "compliance",
            "--from",
            "2026-05-01",
            "--to",
            "2026-06-30",
            "--format",
            "markdown",
        ],
    );
    assert!(
        out.contains("**Period**: 2026-05-01 to now, in progress ("),
        "{out}"
    );
    let (out, _) = run(
        &w,
        &[
            "compliance",
            "--quarter",
            "2026Q2",
            "--limit",
            "2",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(out.matches("| `").count(), 2, "two rows:\n{out}");
    for fact in [
        "**Period**: 2026Q2, in progress (2026-04-01T00:00:00Z to 2026-06-03T21:00:00Z, the end excluded)",
        "**Complete**: no: --limit 2 lists 2 of the 15 sessions",
        "**Sessions**: 15 (",
        "> 15 sessions started between",
        "> showing 2 of 15 sessions (--limit 2)",
    ] {
        assert!(out.contains(fact), "{fact} missing:\n{out}");
    }
}

#[test]
fn compliance_says_when_even_a_single_day_is_over_the_limit() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["compliance", "--quarter", "2026Q2", "--format", "markdown"])
        .env("TSH_REVIEW_PAGE", "3")
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("**Complete**: no"), "{out}");
    assert!(out.contains("those days are listed incompletely"), "{out}");
}

#[test]
fn search_results_are_escaped_in_every_format() {
    let w = World::new();
    for format in ["table", "tsv", "markdown", "csv", "json"] {
        let (out, err) = run(&w, &["search", "--since", "14d", "--format", format]);
        let out = out.replace("\r\n", "\n").replace('\t', " ");
        assert_eq!(raw_dangerous(&out), Vec::<char>::new(), "{format}");
        assert_eq!(raw_dangerous(&err), Vec::<char>::new(), "{format}");
    }
}

#[test]
fn the_demo_answers_every_workflow() {
    let w = World::new();
    for args in [
        vec!["search", "sudo"],
        vec!["triage"],
        vec!["compliance"],
        vec!["hunt", "privesc"],
        vec!["pivot", "--user", "mallory", "--host", "web-01.prod"],
        vec!["request", "a9c97e9f-1dc3-44b2-9a1e-a4e169614065"],
    ] {
        let out = w
            .cmd()
            .arg("--demo")
            .args(&args)
            .env("PATH", "/nonexistent")
            .env_remove("TSH_REVIEW_NOW")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?} found nothing");
    }
}

#[test]
fn a_cached_config_js_verdict_explains_an_unavailable_search() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let dir = w.cache_dir().join("tsh-review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let checked_at: jiff::Timestamp = common::NOW.parse().unwrap();
    let entry = serde_json::json!({
        "proxy": "teleport.example.com:443",
        "checked_at": checked_at.as_second() - 60,
        "verified": true,
        "capability": {"edition": "ent", "licensed": true, "summarization": false,
                        "access_graph": true, "identity_block": true}
    });
    let file = dir.join("probe-teleport.example.com_443.json");
    std::fs::write(&file, entry.to_string()).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = w
        .cmd()
        .args(["search", "sudo"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("config.js: licensed, but enable session summarization"),
        "{err}"
    );
}

/// A severity floor on tctl's best `--limit` matches showed fewer sessions than passed it,
/// under a note that called them the best matches.
#[test]
fn a_severity_floor_with_a_limit_keeps_the_riskiest_that_pass_it() {
    let w = World::new();
    let (all, _) = run(&w, &["search", "--min-severity", "high"]);
    assert_eq!(ids(&all), ["3f2a9c1e", "d1e2f3a4", "6b7c8d9e"]);
    let (out, err) = run(&w, &["search", "--min-severity", "high", "--limit", "2"]);
    assert_eq!(ids(&out), ["3f2a9c1e", "d1e2f3a4"]);
    assert!(err.contains("showing 2 of 3 sessions (--limit 2)"), "{err}");
    assert!(!err.contains("best matches"), "{err}");
    // The unscored sessions are pointed to with a command that runs.
    assert!(
        err.contains("review them with `tsh-review triage --unscored --since 7d`"),
        "{err}"
    );
    w.cmd()
        .args(["triage", "--unscored", "--since", "7d"])
        .assert()
        .success();
}

#[test]
fn an_empty_search_word_is_refused_not_taken_for_every_session() {
    let w = World::new();
    for words in [&[""][..], &["  "], &["sudo", ""]] {
        w.cmd()
            .arg("search")
            .args(words)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("a search word is empty"));
    }
    assert!(searches(&w).is_empty());
}

/// A session the server asks a human to look at is flagged so in every search-based listing,
/// not only in triage.
#[test]
fn search_and_hunt_rows_the_server_asks_about_are_flagged_needs_review() {
    let w = World::new();
    for args in [&["search"][..], &["hunt", "privesc"], &["triage"]] {
        let (out, _) = run(&w, &[args, &["--format", "json"]].concat());
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        assert!(rows.len() > 1, "{args:?}");
        for r in rows {
            let asks = r["needs_further_review_reasons"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
            let flagged = r["flags"]
                .as_array()
                .unwrap()
                .contains(&"needs-review".into());
            assert_eq!(asks, flagged, "{args:?}: {r}");
        }
    }
}

/// An access review is of every session of the period: the recordings search does not have
/// (never summarized; app sessions never are) come from ls, unscored and marked, and the
/// report says where they came from.
#[test]
fn compliance_lists_the_recordings_search_never_summarized() {
    let w = World::new();
    let (out, _) = run(
        &w,
        &["compliance", "--quarter", "2026Q2", "--format", "markdown"],
    );
    for app in ["c0ffee00", "3e4f5a6b"] {
        let row = out
            .lines()
            .find(|l| l.contains(app))
            .unwrap_or_else(|| panic!("{app} missing:\n{out}"));
        assert!(row.contains("needs-review"), "{row}");
    }
    assert!(
        out.contains("**Source**: tctl recordings search (summarized sessions, with severity), and tctl recordings ls for the 2 never summarized"),
        "{out}"
    );
    assert!(
        out.contains("> 2 session(s) were recorded but never summarized"),
        "{out}"
    );
    // A month whose only production session was never summarized is not an empty review.
    let (out, _) = run(
        &w,
        &[
            "compliance",
            "--from",
            "2025-04-01",
            "--to",
            "2025-04-30",
            "--format",
            "markdown",
        ],
    );
    assert!(out.contains("**Sessions**: 1 ("), "{out}");
    assert!(out.contains("### henry on billing (1)"), "{out}");
}

/// The sessions of an access request are read whole: one that was never summarized comes from
/// ls, so a JIT review does not miss it.
#[test]
fn request_lists_the_sessions_search_never_summarized() {
    let w = World::new();
    let mut summaries = common::fixture_json("search_mixed.json");
    summaries.retain(|s| {
        !s["session_id"]
            .as_str()
            .unwrap_or("")
            .starts_with("5a6b7c8d")
    });
    let path = w.dir.join("search-without-henry.json");
    std::fs::write(&path, serde_json::to_vec(&summaries).unwrap()).unwrap();
    let out = w
        .cmd()
        .args([
            "request",
            "0196f3b8-11aa-7c3d-8e9f-a0b1c2d3e4f5",
            "--since",
            "30d",
        ])
        .env("FAKE_SEARCH_DATA", &path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (stdout, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(ids(&stdout).contains(&"5a6b7c8d"), "{stdout}\n{err}");
    assert!(err.contains("recorded but never summarized"), "{err}");
}
