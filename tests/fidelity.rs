//! What real tsh and tctl print, read as they print it (SPEC 4.2, 4.5): each `tsh play` mode's
//! own not-found text, desktop search summaries, review reasons, protojson risk levels, and
//! kinds this version does not know, read back from the cache.

mod common;

use common::World;
use predicates::prelude::*;

const EXEC: &str = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const UNKNOWN: &str = "11111111-2222-4333-8444-555555555555";

const NO_RECORDING: &str = "tsh found no recording for this session";
const HINT: &str = "check `tsh-review show` for the session";

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
            assert!(err.contains(HINT), "{args:?}: {err}");
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
        .stderr(predicate::str::contains(HINT));
    assert!(!dir.join(format!("{EXEC}.tar")).exists());
}
