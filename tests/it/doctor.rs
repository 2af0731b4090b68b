//! `doctor` against the fakes: every check, and the exit status of the worst one.

use crate::common;

use common::World;
use predicates::prelude::*;

fn doctor(env: &[(&str, &str)]) -> (World, std::process::Output) {
    let w = World::new();
    let mut cmd = w.cmd();
    // Nothing listens on port 1: the config.js probe is skipped quickly and says so.
    cmd.arg("doctor").env("FAKE_PROXY", "127.0.0.1:1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (w, out)
}

fn status(out: &std::process::Output, check: &str) -> String {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.split('\t').nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no {check} in {text}"));
    line.split('\t').next().unwrap().to_owned()
}

#[test]
fn a_healthy_enterprise_setup_passes() {
    let (w, out) = doctor(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for check in [
        "tsh",
        "tctl",
        "login",
        "proxy version",
        "list recordings",
        "search",
        "summaries",
    ] {
        assert_eq!(status(&out, check), "ok", "{check}");
    }
    assert_eq!(status(&out, "edition"), "skip");
    let calls = w.calls();
    assert!(calls.iter().any(|(p, a)| p == "tctl"
        && a[..3] == ["recordings", "ls", "--format=json"]
        && a.contains(&"--limit=1".to_owned())));
    assert!(
        calls
            .iter()
            .any(|(p, a)| p == "tsh" && a == &["status", "--format=json"])
    );
    assert!(
        calls
            .iter()
            .any(|(p, a)| p == "tsh" && a == &["version", "--format=json"])
    );
}

#[test]
fn search_unavailable_exits_5() {
    let (_, out) = doctor(&[("FAKE_TCTL_SCENARIO", "search-no-pg-trgm")]);
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(status(&out, "search"), "warn");
    assert_eq!(status(&out, "list recordings"), "ok");
    assert_eq!(status(&out, "summaries"), "skip");
}

#[test]
fn access_denied_and_logged_out_have_their_own_status() {
    let (_, out) = doctor(&[("FAKE_TCTL_SCENARIO", "access-denied")]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(status(&out, "list recordings"), "FAIL");
    let (_, out) = doctor(&[
        ("FAKE_TSH_SCENARIO", "not-logged-in"),
        ("FAKE_TCTL_SCENARIO", "not-logged-in"),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(status(&out, "login"), "FAIL");
}

/// tsh failing in another way than a missing login is not called one: its own words, status 1,
/// and no `tsh login` advice; tctl's words are quoted, escaped, when it fails.
#[test]
fn a_broken_tsh_is_not_a_missing_login() {
    for scenario in ["die", "garbage"] {
        let (_, out) = doctor(&[("FAKE_TSH_SCENARIO", scenario)]);
        assert_eq!(out.status.code(), Some(1), "{scenario}");
        let text = String::from_utf8(out.stdout).unwrap();
        let login = text.lines().find(|l| l.contains("\tlogin\t")).expect(&text);
        assert!(login.starts_with("FAIL"), "{scenario}: {login}");
        assert!(!login.contains("tsh login"), "{scenario}: {login}");
    }
    let (_, out) = doctor(&[("FAKE_TCTL_SCENARIO", "hostile-error")]);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("\tlist recordings\t"))
        .expect(&text);
    assert!(line.contains("(tctl said: boom \\x1b]0;owned"), "{line}");
    assert!(
        !text.contains('\x1b') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

#[test]
fn an_old_proxy_is_a_warning() {
    let (_, out) = doctor(&[("FAKE_PROXY_VERSION", "17.4.2")]);
    assert_eq!(status(&out, "proxy version"), "warn");
}

#[test]
fn missing_binaries_fail_clearly() {
    let w = World::new();
    w.cmd()
        .arg("doctor")
        .env("PATH", "/nonexistent")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("cannot find tctl"))
        .stdout(predicate::str::contains("cannot find tsh"))
        // And what to do about it, as any other command would say.
        .stdout(predicate::str::contains(
            "--tsh /path/to/tsh (or export TSH=/path/to/tsh)",
        ));
}

#[test]
fn doctor_says_whether_summaries_can_be_read() {
    for (scenario, expected, words) in [
        (
            "summary-old-tctl",
            "warn",
            "this tctl has no `recordings summary`",
        ),
        ("summary-denied", "warn", "your role may not read it"),
    ] {
        let (_, out) = doctor(&[("FAKE_TCTL_SCENARIO", scenario)]);
        assert_eq!(status(&out, "summaries"), expected, "{scenario}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(words), "{scenario}: {text}");
        assert_eq!(out.status.code(), Some(0), "{scenario}: a warning only");
    }
}
