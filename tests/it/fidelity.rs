//! What real tsh and tctl print, read as they print it (SPEC 4.2, 4.5): each `tsh play` mode's
//! own not-found text, desktop search summaries, review reasons, protojson risk levels, and
//! kinds this version does not know, read back from the cache.

use crate::common;

use common::World;
use predicates::prelude::*;

const EXEC: &str = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const UNKNOWN: &str = "11111111-2222-4333-8444-555555555555";

const NO_RECORDING: &str = "tsh found no recording for this session";

/// The next step names the session, so that it runs as pasted.
fn hint(sid: &str) -> String {
    format!("`tsh-review show {sid}`")
}

fn stderr_of(w: &World, args: &[&str]) -> String {
    let out = w.cmd().args(args).assert().code(1).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn play_explains_a_missing_recording_in_pty_mode_as_in_json_mode() {
    let w = World::new();
    for sid in [EXEC, UNKNOWN] {
        for format in [None, Some("pty"), Some("text"), Some("json")] {
            let mut args = vec!["play", sid];
            if let Some(f) = format {
                args.extend(["--format", f]);
            }
            let err = stderr_of(&w, &args);
            assert!(err.contains(NO_RECORDING), "{args:?}: {err}");
            assert!(err.contains(&hint(sid)), "{args:?}: {err}");
            // tsh's own words are quoted too, whichever mode said them.
            let said = match format {
                None | Some("pty") => format!("Recording for session {sid} not found."),
                _ => format!("a recording for session {sid} was not found"),
            };
            assert!(err.contains(&said), "{args:?}: {err}");
        }
    }
    let modes: Vec<Vec<String>> = w
        .calls()
        .into_iter()
        .filter(|(p, a)| p == "tsh" && a[0] == "play")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(modes.len(), 8, "every case reached tsh play: {modes:?}");
}

#[test]
fn download_explains_a_missing_recording_too() {
    let w = World::new();
    let dir = w.dir.join("evidence");
    w.cmd()
        .args(["download", EXEC, "--yes", "-o"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "tctl found no recording for this session",
        ))
        .stderr(predicate::str::contains(format!(
            "a recording for session {EXEC} was not found"
        )))
        .stderr(predicate::str::contains(hint(EXEC)));
    assert!(!dir.join(format!("{EXEC}.tar")).exists());
}

const DESKTOP: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const DB: &str = "b7e4c2a1-9d3f-4b6e-a8c5-2f1e0d9c8b7a";
const HOSTILE: &str = "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a";
const SSH: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
/// In the fixture its severity is the string `RISK_LEVEL_HIGH`.
const HIGH_BY_NAME: &str = "6b7c8d9e-0f1a-4b2c-a3d4-5f6a7b8c9d0e";

fn records(w: &World, args: &[&str]) -> Vec<serde_json::Value> {
    let out = w
        .cmd()
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn by_id<'a>(records: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

#[test]
fn a_desktop_summary_names_the_desktop_the_login_and_the_domain() {
    let w = World::new();
    let found = records(&w, &["search", "--kind", "desktop", "--since", "14d"]);
    let r = by_id(&found, DESKTOP);
    assert_eq!(r["source"], "search");
    assert_eq!(r["target"], "WIN-DC01");
    assert_eq!(r["login"], "Administrator");
    assert_eq!(r["details"]["windows_domain"], "corp.example.com");
    assert_eq!(r["details"]["address"], "10.0.4.10:3389");
    // The same session as `recordings ls` describes it reads the same.
    let listed = records(&w, &["recent", "--kind", "desktop"]);
    let l = by_id(&listed, DESKTOP);
    for key in ["target", "login"] {
        assert_eq!(l[key], r[key], "{key}");
    }
    assert_eq!(
        l["details"]["windows_domain"],
        r["details"]["windows_domain"]
    );
}

#[test]
fn review_reasons_reach_the_json_of_search_listings() {
    let w = World::new();
    let found = records(&w, &["search", "--since", "14d"]);
    let reasons = |id| by_id(&found, id)["needs_further_review_reasons"].clone();
    assert_eq!(reasons(DB), serde_json::json!([1]));
    assert_eq!(reasons(HOSTILE), serde_json::json!([6, 5]), "order kept");
    assert_eq!(reasons(SSH), serde_json::json!([]), "none given");
    // ls knows nothing of review: not "none", unknown.
    let listed = records(&w, &["recent"]);
    assert!(by_id(&listed, DB)["needs_further_review_reasons"].is_null());
}

#[test]
fn a_risk_level_name_is_a_severity() {
    let w = World::new();
    let found = records(&w, &["search", "--since", "14d"]);
    let r = by_id(&found, HIGH_BY_NAME);
    assert_eq!(r["severity"], "high");
    assert_eq!(r["severity_level"], 3);
    let high = records(&w, &["search", "--since", "14d", "--min-severity", "high"]);
    assert!(high.iter().any(|r| r["id"] == HIGH_BY_NAME));
}

/// What a newer tsh-review may leave in the shared cache: a kind this version does not know.
const MCP: &str = "9f9f9f9f-0000-4000-8000-000000000001";

fn cache_with_an_unknown_kind() -> World {
    let w = World::new();
    w.cmd().args(["recent", "--since", "7d"]).assert().success();
    let path = w.cache_dir().join("tsh-review/sessions.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "{{\"id\":\"{MCP}\",\"kind\":\"mcp\",\"user\":\"zoe\",\"target\":\"mcp-01\",\"start_ms\":1780500000000,\"end_ms\":1780500600000}}\n"
    ));
    // In place: the file keeps its private mode, or the cache would not be trusted.
    std::fs::write(&path, text).unwrap();
    std::fs::remove_file(w.argv_log()).unwrap();
    w
}

fn cached_line(w: &World, id: &str) -> String {
    std::fs::read_to_string(w.cache_dir().join("tsh-review/sessions.jsonl"))
        .unwrap()
        .lines()
        .find(|l| l.contains(id))
        .unwrap_or_else(|| panic!("{id} not cached"))
        .to_owned()
}

#[test]
fn an_unknown_kind_read_back_from_the_cache_keeps_its_name() {
    let w = cache_with_an_unknown_kind();
    let shown = w.cmd().args(["show", "9f9f9f9f"]).assert().success();
    let text = String::from_utf8(shown.get_output().stdout.clone()).unwrap();
    let kind = text.lines().find(|l| l.starts_with("kind ")).unwrap();
    assert_eq!(kind.split_whitespace().nth(1), Some("mcp"), "{text}");

    // No guessed recording type: ssh's would be wrong.
    let link = w.cmd().args(["link", MCP]).assert().success();
    let url = String::from_utf8(link.get_output().stdout.clone()).unwrap();
    assert!(
        url.trim_end().ends_with(&format!("/session/{MCP}")),
        "{url}"
    );

    // A later listing rewrites the cache; the entry keeps its kind.
    w.cmd().args(["recent", "--since", "7d"]).assert().success();
    assert!(cached_line(&w, MCP).contains("\"kind\":\"mcp\""));
    let described = w
        .cmd()
        .args(["--format", "tsv", "__complete-ids", "9f9f"])
        .assert()
        .success();
    let line = String::from_utf8(described.get_output().stdout.clone()).unwrap();
    assert!(line.contains("mcp"), "{line}");
}

#[test]
fn an_unknown_kind_is_not_offered_to_tsh_play_and_only_its_id_reaches_tsh() {
    let w = cache_with_an_unknown_kind();
    let offered = w
        .cmd()
        .args(["__complete-ids", "--playable", ""])
        .assert()
        .success();
    let ids = String::from_utf8(offered.get_output().stdout.clone()).unwrap();
    assert!(!ids.contains(MCP), "{ids}");
    assert!(ids.contains(SSH), "{ids}");

    let err = stderr_of(&w, &["play", "9f9f9f9f"]);
    assert!(err.contains("does not know mcp sessions"), "{err}");
    let plays: Vec<Vec<String>> = w
        .calls()
        .into_iter()
        .filter(|(p, _)| p == "tsh")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(plays, [["play", MCP]]);
}
