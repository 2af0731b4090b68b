//! Hostile input (SPEC 6): listings whose every field has the wrong type, huge and deeply nested
//! values, ambiguous or invalid JSON. Each run ends in a correct answer (with notes for what it
//! skipped) or a clear error: never a panic, never anything raw on the terminal. The fake tctl
//! prints the bytes verbatim (`FAKE_RAW_STDOUT`), so these are the exact documents tested.

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use common::{World, fixture_json, raw_dangerous};
use serde_json::{Map, Value, json};

/// Stands for a value nested 100,000 arrays deep; spliced in as text, since no JSON library
/// would build it.
const DEEP: &str = "\"__deep__\"";

fn deep() -> String {
    "[".repeat(100_000) + &"]".repeat(100_000)
}

/// Values of every JSON type, the deep one included; those of a field's own type are skipped.
fn wrong_values() -> Vec<Value> {
    vec![
        json!(7),
        json!(-1.5e300),
        json!("text"),
        json!(true),
        Value::Null,
        json!([]),
        json!({"nested": {"x": 1}}),
        json!([["a"], {"b": null}]),
        json!("__deep__"),
    ]
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && b.as_str().is_none_or(|s| s != "__deep__")
}

fn write_raw(w: &World, name: &str, bytes: &[u8]) -> PathBuf {
    let path = w.dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(w: &World, raw: &PathBuf, args: &[&str]) -> Output {
    let out = w
        .cmd()
        .env("FAKE_RAW_STDOUT", raw)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {stderr}",
        out.status
    );
    let structure = stdout.replace("\r\n", "\n").replace('\t', " ");
    assert_eq!(raw_dangerous(&structure), Vec::<char>::new(), "{stdout}");
    assert_eq!(raw_dangerous(&stderr), Vec::<char>::new(), "{stderr}");
    out
}

/// Both lists sorted, and what differs when they do.
fn assert_same_ids(mut got: Vec<String>, mut want: Vec<String>) {
    got.sort();
    want.sort();
    let missing: Vec<&String> = want.iter().filter(|id| !got.contains(id)).collect();
    let extra: Vec<&String> = got.iter().filter(|id| !want.contains(id)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(got, want);
}

fn listed_ids(out: &Output) -> Vec<String> {
    let records: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    records
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every field of every element replaced, one at a time, by values of each other type; each
/// mutant gets a fresh session id unless the id itself is the field. Returns the document and
/// the ids that must be listed.
fn mutants(
    elements: &[Value],
    id_field: &str,
    listable: impl Fn(&Map<String, Value>) -> bool,
) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let mut expect = Vec::new();
    for (e, element) in elements.iter().enumerate() {
        let fields = element.as_object().unwrap();
        for (f, (name, original)) in fields.iter().enumerate() {
            for (v, value) in wrong_values().into_iter().enumerate() {
                if same_type(original, &value) {
                    continue;
                }
                let mut m = fields.clone();
                let id = format!("{e:08x}-{f:04x}-4{v:03x}-8000-000000000000");
                m.insert(id_field.to_owned(), json!(id));
                m.insert(name.clone(), value);
                let mut seen = m.clone();
                if seen[name] == "__deep__" {
                    seen.insert(name.clone(), json!([]));
                }
                if listable(&seen) {
                    expect.push(id);
                }
                out.push(Value::Object(m));
            }
        }
    }
    let text = serde_json::to_string_pretty(&out)
        .unwrap()
        .replace(DEEP, &deep());
    (text, expect)
}

#[test]
fn ls_fields_of_the_wrong_type_read_as_absent_and_lose_nothing_else() {
    let w = World::new();
    let fixture = fixture_json("ls_mixed.json");
    // One event of each kind, apps included; session.upload is not a session end.
    let mut elements: Vec<Value> = Vec::new();
    for ev in fixture {
        let same = |e: &Value| e["event"] == ev["event"] && e["proto"] == ev["proto"];
        if !elements.iter().any(same) && ev["event"] != "session.upload" {
            elements.push(ev);
        }
    }
    // ssh, k8s (with and without proto), db, desktop, app
    assert!(elements.len() >= 5, "{elements:?}");
    let known = [
        "session.end",
        "db.session.end",
        "windows.desktop.session.end",
        "app.session.chunk",
    ];
    let (text, expect) = mutants(&elements, "sid", |m| {
        m["sid"].as_str().is_some_and(|s| !s.is_empty())
            && m["event"].as_str().is_some_and(|e| known.contains(&e))
    });
    let raw = write_raw(&w, "ls.json", text.as_bytes());
    let out = run(
        &w,
        &raw,
        &[
            "recent", "--since", "30d", "--limit", "100000", "--format", "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same_ids(listed_ids(&out), expect);
    // What was skipped is said, with its reason.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("without a session id"), "{stderr}");
    assert!(stderr.contains("not session ends"), "{stderr}");
}

#[test]
fn search_fields_of_the_wrong_type_read_as_absent_and_lose_nothing_else() {
    let w = World::new();
    let fixture = fixture_json("search_mixed.json");
    let mut elements: Vec<Value> = Vec::new();
    for s in fixture {
        if !elements.iter().any(|e| e["kind"] == s["kind"]) {
            let mut s = s.as_object().unwrap().clone();
            s.retain(|k, _| !k.starts_with('_'));
            elements.push(Value::Object(s));
        }
    }
    assert!(elements.len() >= 4, "{elements:?}");
    let by_resource = ["node", "kube_cluster", "db", "windows_desktop"];
    let kinds = [
        "ssh",
        "k8s",
        "kube",
        "kubernetes",
        "db",
        "database",
        "desktop",
        "windows_desktop",
    ];
    let (text, expect) = mutants(&elements, "session_id", |m| {
        let kind_ok = match m["kind"].as_str() {
            Some(k) => kinds.contains(&k),
            None => m["resource_kind"]
                .as_str()
                .is_some_and(|r| by_resource.contains(&r)),
        };
        m["session_id"].as_str().is_some_and(|s| !s.is_empty()) && kind_ok
    });
    let raw = write_raw(&w, "search.json", text.as_bytes());
    let out = run(
        &w,
        &raw,
        &[
            "search", "--since", "30d", "--limit", "100000", "--format", "json", "sudo",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same_ids(listed_ids(&out), expect);
}

/// One real ssh event with `edit` applied to it, as tctl would print it.
fn ls_with(edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let fixture = fixture_json("ls_mixed.json");
    let mut ev = fixture
        .into_iter()
        .find(|e| e["event"] == "session.end")
        .unwrap()
        .as_object()
        .unwrap()
        .clone();
    edit(&mut ev);
    serde_json::to_string_pretty(&vec![ev]).unwrap()
}

#[test]
fn huge_strings_and_arrays_are_listed_whole_in_json_and_cut_in_tables() {
    let w = World::new();
    let big = "A".repeat(4 << 20);
    let text = ls_with(|ev| {
        ev.insert("server_labels".into(), json!({ "big": big }));
        let many: Vec<String> = (0..200_000).map(|i| format!("user{i}")).collect();
        ev.insert("participants".into(), json!(many));
    });
    let raw = write_raw(&w, "huge.json", text.as_bytes());
    let out = run(&w, &raw, &["recent", "--since", "30d", "--format", "json"]);
    assert!(out.status.success());
    let records: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records[0]["labels"]["big"].as_str().unwrap().len(), 4 << 20);
    assert_eq!(
        records[0]["participants"].as_array().unwrap().len(),
        200_000
    );
    let out = w
        .cmd()
        .env("FAKE_RAW_STDOUT", &raw)
        .env("TSH_REVIEW_TTY", "1")
        .env("COLUMNS", "100")
        .args(["recent", "--since", "30d"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.lines().all(|l| l.chars().count() <= 100),
        "{}",
        &table[..400]
    );
}

#[test]
fn deep_nesting_is_a_wrong_type_not_a_crash() {
    let w = World::new();
    let text = ls_with(|ev| {
        ev.insert("user".into(), json!("__deep__"));
        ev.insert("server_labels".into(), json!({ "deep": "__deep__" }));
        ev.insert("unknown_field".into(), json!("__deep__"));
    })
    .replace(DEEP, &deep());
    let raw = write_raw(&w, "deep.json", text.as_bytes());
    let out = run(&w, &raw, &["recent", "--since", "30d", "--format", "json"]);
    assert!(out.status.success());
    let records: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["user"], "");
    assert_eq!(records[0]["target"], "web-01");
}

#[test]
fn ambiguous_or_invalid_json_is_a_clear_error() {
    let w = World::new();
    let good = ls_with(|_| {});
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a field given twice",
            good.replacen("\"user\": ", "\"user\": \"root\",\n        \"user\": ", 1)
                .into_bytes(),
            "has the field `user` twice",
        ),
        (
            "NaN",
            good.replacen("\"sid\"", "\"x\": NaN, \"sid\"", 1)
                .into_bytes(),
            "not valid JSON",
        ),
        (
            "Infinity",
            good.replacen("\"sid\"", "\"x\": -Infinity, \"sid\"", 1)
                .into_bytes(),
            "not valid JSON",
        ),
        (
            "bytes that are not UTF-8",
            good.replacen("\"user\": \"", "\"user\": \"\u{1}", 1)
                .into_bytes()
                .into_iter()
                .map(|b| if b == 1 { 0xff } else { b })
                .collect(),
            "not valid JSON",
        ),
        (
            "cut short",
            good.as_bytes()[..good.len() / 2].to_vec(),
            "ends in the middle of the JSON",
        ),
        (
            "an object, not a list",
            b"{\"sid\": 1}".to_vec(),
            "expected a JSON array",
        ),
        ("HTML", b"<html>502</html>".to_vec(), "not valid JSON"),
        ("nothing", Vec::new(), "(it printed nothing)"),
    ];
    for (what, bytes, says) in cases {
        let raw = write_raw(&w, "bad.json", &bytes);
        let out = run(&w, &raw, &["recent", "--since", "30d", "--format", "tsv"]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(out.stdout.is_empty(), "{what}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert!(stderr.contains("next:"), "{what}: {stderr}");
    }
}

#[test]
fn numbers_out_of_range_read_as_absent() {
    let w = World::new();
    let text = ls_with(|ev| {
        ev.insert("session_stop".into(), json!(-1e300));
    })
    // 1e999 is valid JSON that no float can hold; neither can a 40-digit integer.
    .replacen(
        "\"session_start\": \"",
        "\"huge\": 1e999, \"session_start\": \"",
        1,
    )
    .replacen(
        "\"sid\"",
        "\"big\": 1234567890123456789012345678901234567890, \"sid\"",
        1,
    );
    let raw = write_raw(&w, "numbers.json", text.as_bytes());
    let out = run(&w, &raw, &["recent", "--since", "30d", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(listed_ids(&out).len(), 1);
}
