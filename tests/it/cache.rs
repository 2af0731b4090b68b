//! The session cache through the binary (SPEC 6): runs that write it at the same time keep
//! every listing, and a corrupted or foreign-owned cache is never trusted, never fatal.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use common::{World, fixture_json, quiet_lines};
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;

fn cache_file(w: &World) -> PathBuf {
    w.cache_dir().join("tsh-review").join("sessions.jsonl")
}

fn completed_ids(w: &World) -> Vec<String> {
    quiet_lines(&w.cmd().args(["__complete-ids", ""]).output().unwrap())
}

/// The mixed fixture with every session id rewritten to start with `tag`, so two clusters'
/// listings are told apart; and the ids one run alone caches from it.
fn retagged(w: &World, tag: &str) -> (PathBuf, Vec<String>) {
    let mut events = fixture_json("ls_mixed.json");
    for ev in &mut events {
        if let Some(sid) = ev["sid"].as_str() {
            ev["sid"] = Value::String(format!("{tag}{}", &sid[tag.len()..]));
        }
    }
    let path = w.dir.join(format!("ls-{tag}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(&events).unwrap()).unwrap();
    let alone = World::new();
    alone
        .cmd()
        .env("FAKE_LS_DATA", &path)
        .args(["recent", "--since", "30d"])
        .assert()
        .success();
    let ids = completed_ids(&alone);
    assert!(
        ids.iter().all(|id| id.starts_with(tag)) && ids.len() > 5,
        "{ids:?}"
    );
    (path, ids)
}

#[test]
fn runs_writing_the_cache_at_once_keep_every_listing() {
    let w = World::new();
    let tags = ["aaaa", "bbbb", "cccc", "dddd"];
    let mut want = Vec::new();
    let mut runs = Vec::new();
    for tag in tags {
        let (data, ids) = retagged(&w, tag);
        want.extend(ids);
        let mut cmd = w.cmd();
        cmd.env("FAKE_LS_DATA", data)
            .args(["recent", "--since", "30d"]);
        runs.push(cmd);
    }
    // Several rounds, all four at once each time.
    for _ in 0..3 {
        std::thread::scope(|scope| {
            for cmd in &mut runs {
                scope.spawn(|| {
                    let out = cmd.output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                });
            }
        });
    }
    let mut got = completed_ids(&w);
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Every line after the header is a whole JSON record: nothing interleaved or torn.
    let text = std::fs::read_to_string(cache_file(&w)).unwrap();
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    }
    let leftovers: Vec<_> = std::fs::read_dir(w.cache_dir().join("tsh-review"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_corrupted_cache_is_ignored_then_rebuilt() {
    let w = World::new();
    w.cmd().arg("recent").assert().success();
    let ids = completed_ids(&w);
    assert!(!ids.is_empty());
    let file = cache_file(&w);
    let mut junk = b"\x00\xff\xfe{\"tsh-review-cache\":1}\n{\"id\":".to_vec();
    junk.extend(std::iter::repeat_n(b'9', 100_000));
    junk.extend(b"\n\x1b]0;owned\x07\n");
    std::fs::write(&file, junk).unwrap();
    // Completion stays silent; an id prefix is not guessed from junk.
    assert!(completed_ids(&w).is_empty());
    w.cmd()
        .args(["show", &ids[0][..8]])
        .assert()
        .failure()
        .stderr(predicates::str::contains("\\x1b").not());
    // The next listing rebuilds it.
    w.cmd().arg("recent").assert().success();
    assert_eq!(completed_ids(&w), ids);
}

#[test]
fn a_cache_someone_else_can_write_is_not_trusted() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.cmd().arg("recent").assert().success();
    let ids = completed_ids(&w);
    let file = cache_file(&w);
    // Planted: an id this cluster never listed, in a file the group may write.
    let planted = "0badc0de-0000-4000-8000-000000000000";
    let text = std::fs::read_to_string(&file).unwrap();
    let first = text.lines().nth(1).unwrap();
    let forged = first.replace(&ids[0], planted);
    std::fs::write(&file, format!("{text}{forged}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o620)).unwrap();
    assert!(!completed_ids(&w).contains(&planted.to_owned()));
    if is_root() {
        // Owned by another user, even with private modes.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&file, Some(4242), Some(4242)).unwrap();
        assert!(!completed_ids(&w).contains(&planted.to_owned()));
    }
    // Listing still works, and replaces the file with one of our own.
    w.cmd().arg("recent").assert().success();
    let got = completed_ids(&w);
    assert!(!got.contains(&planted.to_owned()), "{got:?}");
    assert_eq!(got, ids);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A shared `XDG_CACHE_HOME` where someone made `tsh-review` a symlink to another directory of
/// ours (here a stand-in for `~/.ssh`): never written through, never read through, said once.
#[test]
fn a_symlinked_cache_directory_is_refused_with_one_warning() {
    use std::os::unix::fs::DirBuilderExt;
    let w = World::new();
    let elsewhere = w.dir.join("elsewhere");
    let shared = w.cache_dir();
    for dir in [&elsewhere, &shared] {
        std::fs::DirBuilder::new().mode(0o700).create(dir).unwrap();
    }
    std::os::unix::fs::symlink(&elsewhere, shared.join("tsh-review")).unwrap();
    let out = w.cmd().arg("recent").output().unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.is_empty(), "the listing still prints");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<_> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("refusing to use session cache directory")
            && warnings[0].contains("symlink"),
        "{stderr}"
    );
    let written: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().collect();
    assert!(written.is_empty(), "{written:?}");
    // A cache planted behind the symlink is not read either; completion stays silent.
    w.cmd()
        .arg("recent")
        .env("XDG_CACHE_HOME", w.dir.join("own"))
        .assert()
        .success();
    for name in ["sessions.jsonl", "sessions.lock"] {
        std::fs::copy(
            w.dir.join("own/tsh-review").join(name),
            elsewhere.join(name),
        )
        .unwrap();
    }
    assert!(completed_ids(&w).is_empty());
    // A prefix then says why it cannot be completed, not to list again (which would not help).
    let out = w.cmd().args(["show", "3f2a"]).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("session cache cannot be read") && err.contains("symlink"),
        "{err}"
    );
    assert!(!err.contains("list them first"), "{err}");
}

/// README: the cache lets `show` work without the network. When tctl cannot answer, `show`
/// says why and prints the cached row, with what the cache does not keep marked unknown.
#[test]
fn show_falls_back_to_the_cache_when_tctl_cannot_answer() {
    let w = World::new();
    w.cmd()
        .args(["triage", "--since", "14d"])
        .assert()
        .success();
    for scenario in ["access-denied", "garbage"] {
        let out = w
            .cmd()
            .env("FAKE_TCTL_SCENARIO", scenario)
            .args(["show", "c2d3", "--format", "json"])
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{scenario}: {err}");
        assert!(
            err.contains("showing what tsh-review's cache holds for the session"),
            "{scenario}: {err}"
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["id"], "c2d3e4f5-a6b7-4c8d-a9e0-f1a2b3c4d5e6");
        assert_eq!(
            (&v["user"], &v["target"]),
            (&"dave".into(), &"jump-02".into())
        );
        assert_eq!(v["severity"], "critical", "search's verdict, cached");
        assert_eq!(v["source"], "cache");
        for unknown in ["roles", "participants", "labels", "access_requests"] {
            assert!(v[unknown].is_null(), "{unknown}: {}", v[unknown]);
        }
    }
    let text = w
        .cmd()
        .env("FAKE_TCTL_SCENARIO", "access-denied")
        .args(["show", "c2d3"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("roles              unknown (not in tsh-review's cache)"),
        "{text}"
    );
    // A session the cache never saw still fails as tctl did.
    w.cmd()
        .env("FAKE_TCTL_SCENARIO", "access-denied")
        .args(["show", "0b3f1c2e-9d4a-4c1e-8f00-123456789abc"])
        .assert()
        .code(4);
}

/// A search listing written over the cache keeps what ls put there and search does not know:
/// that a session was not interactive (play's warning reads it) and its cluster.
#[test]
fn a_search_listing_does_not_erase_what_ls_cached() {
    let w = World::new();
    w.cmd().args(["recent"]).assert().success();
    w.cmd().args(["search"]).assert().success();
    let cached = std::fs::read_to_string(cache_file(&w)).unwrap();
    let line = cached
        .lines()
        .find(|l| l.contains("0a1b2c3d-"))
        .expect(&cached);
    let v: Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["interactive"], false, "{line}");
    assert_eq!(v["cluster"], "teleport.example.com", "{line}");
    assert_eq!(v["severity"], 1, "search's score is there too: {line}");
}
