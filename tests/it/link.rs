//! `tsh-review link` when the tsh profile is odd: hostile cluster names, IPv6 proxies, and
//! profiles a link cannot be built from, each said as what it is.

use crate::common;

use common::{World, raw_dangerous};
use predicates::prelude::*;

const SSH: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
const APP: &str = "c0ffee00-1234-4abc-9def-0123456789ab";

/// A world whose cache knows the last week's sessions, as after a `recent --since 7d`.
fn listed() -> World {
    let w = World::new();
    w.cmd().args(["recent", "--since", "7d"]).assert().success();
    w
}

fn link(w: &World, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = w.cmd();
    cmd.args(["link", SSH]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_dot_dot_cluster_stays_one_encoded_segment() {
    let w = listed();
    let url = stdout(&link(&w, &[("FAKE_CLUSTER", "..")]));
    assert_eq!(
        url,
        format!(
            "https://teleport.example.com:443/web/cluster/%2E%2E/session/{SSH}?recordingType=ssh&durationMs=1606496\n"
        )
    );
}

#[test]
fn ipv6_proxies_are_bracketed() {
    let w = listed();
    for (proxy, host) in [("[::1]:3080", "[::1]:3080"), ("::1", "[::1]")] {
        let url = stdout(&link(&w, &[("FAKE_PROXY", proxy)]));
        assert!(
            url.starts_with(&format!(
                "https://{host}/web/cluster/teleport.example.com/session/{SSH}?"
            )),
            "{proxy}: {url}"
        );
    }
}

#[test]
fn unusable_profiles_say_what_is_wrong() {
    let w = listed();
    for (env, said) in [
        (
            ("FAKE_PROXY", "/"),
            "the active tsh profile has no proxy address",
        ),
        (
            ("FAKE_PROXY", "bad host\u{1b}[2J:443"),
            "is not a plain host[:port]",
        ),
        (
            ("FAKE_PROXY", "t.example.com:99999"),
            "its port is not a number",
        ),
        (("FAKE_CLUSTER", " "), "names no cluster"),
    ] {
        let out = link(&w, &[env]);
        assert_eq!(out.status.code(), Some(1), "{env:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(said), "{env:?}: {stderr}");
        assert!(!stderr.contains("no player"), "{env:?}: {stderr}");
        assert!(stderr.contains("tsh login"), "{env:?}: {stderr}");
        assert_eq!(raw_dangerous(&stderr), Vec::<char>::new(), "{stderr}");
    }
    // Apps still get the reason that is true for them.
    w.cmd()
        .args(["link", APP])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "an app session has no recording to open in the web player",
        ));
}
