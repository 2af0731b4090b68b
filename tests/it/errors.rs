//! Every way tctl can fail, as a user meets it: a clear message and the documented exit status.

use crate::common;

use std::time::{Duration, Instant};

use common::{World, raw_dangerous};
use predicates::prelude::*;

fn scenario(name: &str) -> (World, std::process::Output) {
    let w = World::new();
    let out = w
        .cmd()
        .args(["recent"])
        .env("FAKE_TCTL_SCENARIO", name)
        .output()
        .unwrap();
    (w, out)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn access_denied_explains_the_session_rule() {
    let (_, out) = scenario("access-denied");
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("access denied"), "{err}");
    assert!(
        err.contains("`session`") && err.contains("list, read") && err.contains("auditor"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "tctl's colour is stripped: {err:?}");
    assert!(!err.contains("ERROR:"), "{err}");
}

#[test]
fn every_login_problem_suggests_tsh_login() {
    for name in [
        "not-logged-in",
        "no-profile",
        "expired-profile",
        "expired-creds",
    ] {
        let (_, out) = scenario(name);
        assert_eq!(out.status.code(), Some(3), "{name}");
        assert!(
            stderr(&out).contains("tsh login --proxy="),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_hung_tctl_is_killed_with_its_process_group() {
    let w = World::new();
    let started = Instant::now();
    let out = w
        .cmd()
        .args(["recent", "--timeout", "2s"])
        .env("FAKE_TCTL_SCENARIO", "hang")
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("`tctl recordings ls` did not finish within 2s"),
        "{err}"
    );
    assert!(err.contains("--timeout"), "{err}");
    let pids = std::fs::read_to_string(w.dir.join("pids")).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    for pid in pids.split_whitespace() {
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ");
        assert!(!alive, "process {pid} survived the timeout");
    }
}

#[test]
fn a_tctl_killed_mid_output_is_reported() {
    let (_, out) = scenario("die");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("killed by signal 9"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn garbage_and_truncated_output_are_clear_errors() {
    for name in ["garbage", "truncated", "close-early"] {
        let (_, out) = scenario(name);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(err.contains("not the JSON expected"), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: nothing half-rendered");
    }
}

#[test]
fn a_stderr_flood_does_not_stop_a_good_answer() {
    let (_, out) = scenario("stderr-flood");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 8);
}

#[test]
fn hostile_error_text_is_escaped() {
    let (_, out) = scenario("hostile-error");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(raw_dangerous(&err), Vec::<char>::new(), "{err:?}");
    assert!(
        err.contains("\\x1b]0;owned\\x07") && err.contains("\\u{202e}"),
        "{err}"
    );
    // A byte that is not UTF-8 is shown, not replaced.
    assert!(
        err.contains("evil \\xff") && !err.contains('\u{fffd}'),
        "{err}"
    );
}

#[test]
fn a_missing_tctl_says_where_it_looked() {
    let w = World::new();
    w.cmd()
        .args(["recent"])
        .env("PATH", "/nonexistent")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot find tctl"))
        .stderr(predicate::str::contains("/usr/local/bin"))
        .stderr(predicate::str::contains("/opt/homebrew/bin"))
        .stderr(predicate::str::contains("go/bin"))
        .stderr(predicate::str::contains("--tctl"));
}

#[test]
fn tctl_can_be_given_by_flag_or_environment() {
    let w = World::new();
    let tctl = common::fakes().join("tctl");
    w.cmd()
        .args(["recent", "--tctl"])
        .arg(&tctl)
        .env("PATH", "/usr/bin:/bin")
        .assert()
        .success();
    w.cmd()
        .args(["recent"])
        .env("TCTL", &tctl)
        .env("PATH", "/usr/bin:/bin")
        .assert()
        .success();
    let notes = w.dir.join("notes.txt");
    std::fs::write(&notes, "not a program").unwrap();
    w.cmd()
        .args(["recent", "--tctl"])
        .arg(&notes)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an executable"));
}

#[test]
fn usage_errors_exit_2_with_suggestions() {
    let w = World::new();
    w.cmd()
        .arg("recnet")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `tsh-review recent`?",
        ));
    w.cmd()
        .args(["recent", "--sicne", "7d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean --since?"));
    w.cmd()
        .args(["recent", "--since", "a week"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("7d"));
    w.cmd()
        .args(["recent", "--from", "2026-07-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("future"));
    w.cmd()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Commands:"));
    assert!(w.tctl_calls().is_empty(), "no usage error reaches tctl");
}

#[test]
fn demo_needs_no_teleport() {
    let w = World::new();
    w.cmd()
        .args(["--demo", "recent"])
        .env("PATH", "/nonexistent")
        .env_remove("TSH_REVIEW_NOW")
        .assert()
        .success()
        .stderr(predicate::str::contains("DEMO"))
        .stdout(predicate::str::is_empty().not());
    assert!(
        w.cache_dir()
            .join("tsh-review/demo-sessions.jsonl")
            .exists()
    );
    assert!(
        !w.cache_dir().join("tsh-review/sessions.jsonl").exists(),
        "demo ids stay out of the live cache"
    );
}

#[test]
fn help_and_version() {
    let w = World::new();
    w.cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("tsh-review {}\n", env!("CARGO_PKG_VERSION")));
    w.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status:"));
    w.cmd()
        .args(["help", "recent"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--since DURATION"));
    w.cmd()
        .args(["ls", "-h"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Alias: ls"));
}

#[test]
fn a_window_tctl_rejects_is_explained_as_clock_skew() {
    let w = World::new();
    // Our clock is two days ahead of the cluster's: the day we ask for is its future.
    w.cmd()
        .args(["recent", "--since", "1h"])
        .env("TSH_REVIEW_NOW", "2026-06-05T12:00:00Z")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("rejected the time window"))
        .stderr(predicate::str::contains("cannot be in the future"))
        .stderr(predicate::str::contains("clock"));
}

/// A timeout without a unit is refused with a timeout's examples, not a window's.
#[test]
fn a_timeout_without_a_unit_says_which_unit() {
    let w = World::new();
    w.cmd()
        .args(["--timeout", "2", "recent"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--timeout \"2\" needs a unit").and(predicate::str::contains(
                "e.g. --timeout 2s or --timeout 5m",
            )),
        );
    assert!(w.calls().is_empty());
}
