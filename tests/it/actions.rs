//! show, play, download, link: the exact argv handed to tsh/tctl, nothing run for bad ids or
//! refused confirmations, the confirmation on a real pseudo-terminal, and no partial files.

use crate::common;

use common::{World, code_spans, next_lines, raw_dangerous};
use predicates::prelude::*;

const SSH: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
const DESKTOP: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const EXEC: &str = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const APP: &str = "c0ffee00-1234-4abc-9def-0123456789ab";
/// A desktop session Teleport did not record (`recorded: false`).
const UNRECORDED: &str = "2d3e4f5a-6b7c-4d8e-af90-1b2c3d4e5f6a";

/// A world whose cache knows the last week's sessions, as after a `recent --since 7d`.
fn listed() -> World {
    let w = World::new();
    w.cmd().args(["recent", "--since", "7d"]).assert().success();
    std::fs::remove_file(w.argv_log()).unwrap();
    w
}

#[test]
fn show_resolves_a_prefix_and_prints_every_field_escaped() {
    let w = listed();
    let out = w
        .cmd()
        .args(["show", "3f2a"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for field in [
        "kind               ssh",
        "user               alice",
        "target             web-01",
        "labels",
        "Next:",
        &format!("tsh-review play {SSH}"),
    ] {
        assert!(out.contains(field), "{field} missing:\n{out}");
    }
    assert_eq!(raw_dangerous(&out), Vec::<char>::new());
    // The lookup is one ls (the summary is asked for alongside it).
    let calls = w.tctl_calls();
    let lookups: Vec<_> = calls.iter().filter(|c| c[1] == "ls").collect();
    assert_eq!(lookups.len(), 1, "{calls:?}");
    assert_eq!(lookups[0][..3], ["recordings", "ls", "--format=json"]);
}

/// Pasted as they are, the commands `show` suggests work for the session's kind and recorded
/// state (tsh cannot play a desktop; an app or an unrecorded session has nothing to replay or
/// download), and where none can, one line says why.
#[test]
fn show_suggests_only_commands_that_work_for_the_session() {
    let w = listed();
    let work = w.dir.join("work");
    std::fs::create_dir(&work).unwrap();
    for (sid, verbs) in [
        (SSH, &["play", "download", "link"][..]),
        (EXEC, &["play", "download", "link"]),
        (DESKTOP, &["download", "link"]),
    ] {
        let out = w.cmd().args(["show", sid]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let next = next_lines(&text);
        let expected: Vec<String> = verbs
            .iter()
            .map(|verb| format!("tsh-review {verb} {sid}"))
            .collect();
        assert_eq!(next, expected, "{text}");
        if sid == EXEC {
            // Often not recorded, not known to be: `play` and `download` warn and try.
            continue;
        }
        for line in next {
            let mut pasted = w.cmd();
            pasted.args(line.split(' ').skip(1)).current_dir(&work);
            if line.contains(" download ") {
                // What a human answers on the terminal, in a pipe.
                pasted.arg("--yes");
            }
            pasted.assert().success();
        }
    }
    for (sid, why) in [
        (
            APP,
            "Teleport keeps an app session's requests as audit events",
        ),
        (UNRECORDED, "Teleport says this session was not recorded"),
    ] {
        let out = w.cmd().args(["show", sid]).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(!text.contains("Next:"), "{text}");
        assert!(!text.contains("tsh-review "), "{text}");
        assert!(
            text.contains(&format!("\nNothing to replay or download: {why}")),
            "{text}"
        );
        let out = w
            .cmd()
            .args(["show", sid, "--format", "json"])
            .assert()
            .success();
        let shown: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(shown["next"], serde_json::json!([]), "{sid}");
        assert!(
            shown["next_unavailable"].as_str().unwrap().starts_with(why),
            "{shown}"
        );
    }
    // Asked anyway, link says why with a next step that works.
    let out = w.cmd().args(["link", "c0ffee00"]).assert().code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("an app session has no recording to open in the web player"),
        "{err}"
    );
    assert!(err.contains(&format!("`tsh-review show {APP}`")), "{err}");
    w.cmd().args(["show", APP]).assert().success();
}

#[test]
fn invalid_or_ambiguous_ids_never_reach_a_command() {
    let w = listed();
    for bad in ["../../etc", "3f2a; rm -rf /", "--help-me", "xyz"] {
        w.cmd().args(["play", "--", bad]).assert().code(2);
    }
    w.cmd()
        .args(["download", "--yes", "--", "$(id)"])
        .assert()
        .code(2);
    w.cmd()
        .args(["show", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("matches 2 sessions"))
        .stderr(predicate::str::contains(SSH));
    w.cmd()
        .args(["link", "ffff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no listed session id"));
    assert!(w.calls().is_empty(), "{:?}", w.calls());
}

#[test]
fn link_builds_the_web_player_url_from_tsh_status() {
    let w = listed();
    w.cmd()
        .args(["link", SSH])
        .assert()
        .success()
        .stdout(format!(
            "https://teleport.example.com:443/web/cluster/teleport.example.com/session/{SSH}?recordingType=ssh&durationMs=1606496\n"
        ));
    assert!(
        w.calls()
            .iter()
            .any(|(p, a)| p == "tsh" && a == &["status", "--format=json"])
    );
}

#[test]
fn play_hands_tsh_the_canonical_id_and_its_options() {
    let w = listed();
    w.cmd()
        .args(["play", "3f2a9c1e", "--speed", "2x", "--format", "text"])
        .assert()
        .success();
    let tsh: Vec<Vec<String>> = w
        .calls()
        .into_iter()
        .filter(|(p, _)| p == "tsh")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(tsh, [["play", "--speed=2x", "--format=text", SSH]]);
}

#[test]
fn play_warns_about_exec_sessions_and_explains_tsh_errors() {
    let w = listed();
    w.cmd()
        .args(["play", EXEC])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("non-interactive"))
        .stderr(predicate::str::contains("no recording"));
    w.cmd()
        .args(["play", SSH])
        .env("FAKE_TSH_SCENARIO", "not-logged-in")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("tsh login"));
    // A denial names what was denied: playing, not listing.
    w.cmd()
        .args(["play", SSH])
        .env("FAKE_TSH_SCENARIO", "access-denied")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("does not allow `tsh play`"))
        .stderr(predicate::str::contains("list, read"));
}

#[test]
fn desktops_get_the_web_link_instead_of_tsh_play() {
    let w = listed();
    w.cmd()
        .args(["play", DESKTOP])
        .assert()
        .success()
        .stdout(predicate::str::contains("recordingType=desktop"));
    assert!(!w.calls().iter().any(|(p, a)| p == "tsh" && a[0] == "play"));
    // A desktop Teleport did not record gets the link with the same warning as any session.
    w.cmd()
        .args(["play", "2d3e4f5a"])
        .assert()
        .success()
        .stderr(predicate::str::contains("was not recorded"));
    // An app session has nothing to play anywhere: said, and tsh is not run.
    w.cmd()
        .args(["play", "c0ffee00"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "an app session has no recording to play",
        ))
        .stderr(predicate::str::contains("show c0ffee00-"));
    assert!(!w.calls().iter().any(|(p, a)| p == "tsh" && a[0] == "play"));
}

/// The arguments of the first command `text` suggests, to run it as pasted.
fn first_command(text: &str) -> Vec<&str> {
    let command = code_spans(text)
        .into_iter()
        .find(|c| c.starts_with("tsh-review "))
        .unwrap_or_else(|| panic!("no command in: {text}"));
    command.split(' ').skip(1).collect()
}

/// The arguments of the command in the `next:` line of an error.
fn next_command(err: &str) -> Vec<&str> {
    let line = err
        .lines()
        .find(|l| l.trim().starts_with("next: "))
        .unwrap_or_else(|| panic!("no next: {err}"));
    first_command(line)
}

/// A download (or replay) that finds no recording says why for that session's kind, and its
/// next step names the session: pasted, it runs.
#[test]
fn a_missing_recording_is_explained_for_the_session_at_hand() {
    let w = listed();
    let dir = w.dir.join("evidence");
    let dir_arg = dir.to_str().unwrap();
    for (args, said, why) in [
        (
            &["download", UNRECORDED, "--yes", "-o", dir_arg][..],
            "there is probably nothing to download",
            "why: Teleport says this session was not recorded",
        ),
        (
            &["download", EXEC, "--yes", "-o", dir_arg],
            "non-interactive",
            "why: it was a non-interactive (exec) session",
        ),
        (
            &["play", EXEC],
            "non-interactive",
            "why: it was a non-interactive (exec) session",
        ),
    ] {
        let out = w.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(err.contains("found no recording for this session"), "{err}");
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(!err.contains("desktop recordings play"), "{args:?}: {err}");
        let next = next_command(&err);
        assert_eq!(next, ["show", args[1]], "{err}");
        w.cmd().args(&next).assert().success();
    }
    // A session tsh-review knows nothing of: the hint still names it.
    let unknown = "11111111-2222-4333-8444-555555555555";
    let out = w
        .cmd()
        .args(["download", unknown, "--yes", "-o", dir_arg])
        .assert()
        .code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(next_command(&err), ["show", unknown], "{err}");
    // An app session has no recording at all: said before tctl is asked or a directory made.
    let out = w
        .cmd()
        .args(["download", "c0ffee00", "--yes", "-o"])
        .arg(&dir)
        .assert()
        .code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("an app session has no recording to download"),
        "{err}"
    );
    assert!(!err.contains("desktop"), "{err}");
    assert_eq!(next_command(&err), ["show", APP]);
    assert!(!dir.exists());
    assert!(
        w.tctl_calls()
            .iter()
            .all(|c| c[1] != "download" || c[2] != APP),
        "{:?}",
        w.tctl_calls()
    );
}

/// A script that asks for a desktop's replay as data gets data, never the link: tsh exports
/// a desktop's events as JSON or YAML, and has no text of one, which is refused with the
/// commands that do work.
#[test]
fn a_desktop_asked_for_as_data_gets_data_or_a_refusal_not_a_link() {
    let w = listed();
    let out = w
        .cmd()
        .args(["play", DESKTOP, "--format", "json"])
        .assert()
        .success();
    let events: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("JSON on stdout");
    assert!(events.is_array(), "{events}");
    let out = w
        .cmd()
        .args(["play", DESKTOP, "--format", "yaml"])
        .assert()
        .success();
    let yaml = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!yaml.contains("https://"), "{yaml}");
    let plays: Vec<Vec<String>> = w
        .calls()
        .into_iter()
        .filter(|(p, a)| p == "tsh" && a[0] == "play")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(
        plays,
        [
            ["play", "--format=json", DESKTOP],
            ["play", "--format=yaml", DESKTOP]
        ]
    );

    let out = w
        .cmd()
        .args(["play", DESKTOP, "--format", "text"])
        .assert()
        .code(1);
    assert!(out.get_output().stdout.is_empty());
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("a desktop session has no text to print"),
        "{err}"
    );
    let suggested = code_spans(err.lines().find(|l| l.contains("next: ")).unwrap());
    assert_eq!(
        suggested,
        [
            format!("tsh-review link {DESKTOP}"),
            format!("tsh-review play {DESKTOP} --format json"),
        ]
    );
    for command in suggested {
        w.cmd().args(command.split(' ').skip(1)).assert().success();
    }
    // Nor, for a desktop Teleport did not record, anything that looks for its recording.
    let out = w
        .cmd()
        .args(["play", UNRECORDED, "--format", "text"])
        .assert()
        .code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(next_command(&err), ["show", UNRECORDED], "{err}");
    // The terminal replay asked for by name is still the link.
    w.cmd()
        .args(["play", DESKTOP, "--format", "pty"])
        .assert()
        .success()
        .stdout(predicate::str::contains("recordingType=desktop"));
    assert!(
        !w.calls().iter().any(|(p, a)| p == "tsh"
            && a.iter()
                .any(|a| a == "--format=text" || a == "--format=pty")),
        "{:?}",
        w.calls()
    );
}

#[test]
fn download_without_a_terminal_refuses_unless_yes() {
    let w = listed();
    let dir = w.dir.join("evidence");
    w.cmd()
        .args(["download", SSH, "-o"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    assert!(!dir.exists(), "nothing written");
    assert!(w.tctl_calls().iter().all(|c| c[1] != "download"));

    w.cmd()
        .args(["download", SSH, "--yes", "-o"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("not a tar archive"))
        .stdout(predicate::str::contains(format!(
            "tsh play {}",
            dir.join(format!("{SSH}.tar")).display()
        )));
    let entries: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        entries,
        [format!("{SSH}.tar")],
        "tctl's multi/ and pending/ are cleaned up"
    );
    let call = w
        .tctl_calls()
        .into_iter()
        .find(|c| c[1] == "download")
        .unwrap();
    assert_eq!(call[..3], ["recordings", "download", SSH]);
    assert_eq!(call[3], "-o");

    w.cmd()
        .args(["download", SSH, "--yes", "-o"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    // Said before asking, not after a yes (here: before "no terminal to confirm on").
    w.cmd()
        .args(["download", SSH, "-o"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists")
                .and(predicate::str::contains("confirm").not()),
        );
    w.cmd()
        .args(["download", SSH, "--yes", "--force", "-o"])
        .arg(&dir)
        .assert()
        .success();
}

/// tsh cannot play a desktop recording, downloaded or not: the download points to the web
/// player, with a command that prints its link.
#[test]
fn a_downloaded_desktop_recording_points_to_the_web_player() {
    let w = listed();
    let dir = w.dir.join("evidence");
    let out = w
        .cmd()
        .args(["download", DESKTOP, "--yes", "-o"])
        .arg(&dir)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(dir.join(format!("{DESKTOP}.tar")).is_file());
    assert!(!text.contains("tsh play"), "{text}");
    assert!(text.contains("web player"), "{text}");
    let link = first_command(&text);
    assert_eq!(link, ["link", DESKTOP], "{text}");
    w.cmd()
        .args(&link)
        .assert()
        .success()
        .stdout(predicate::str::contains("recordingType=desktop"));
}

#[test]
fn a_failed_download_leaves_no_partial_file() {
    let w = listed();
    let dir = w.dir.join("evidence");
    w.cmd()
        .args(["download", SSH, "--yes", "-o"])
        .arg(&dir)
        .env("FAKE_TCTL_SCENARIO", "download-die")
        .assert()
        .code(1);
    let left: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // Nor an empty directory where a recording would be: the default place included.
    assert!(!dir.exists());
    let work = w.dir.join("work");
    std::fs::create_dir(&work).unwrap();
    for scenario in ["download-die", "access-denied"] {
        w.cmd()
            .args(["download", SSH, "--yes"])
            .current_dir(&work)
            .env("FAKE_TCTL_SCENARIO", scenario)
            .assert()
            .failure();
        assert!(!work.join("tsh-review-recordings").exists(), "{scenario}");
    }
}

/// Runs the download under `script`, which gives it a real pseudo-terminal whose input is ours.
fn download_on_a_terminal(w: &World, answer: &str) -> std::path::PathBuf {
    let dir = w.dir.join(format!("tty-{}", answer.trim()));
    let bin = assert_cmd::cargo::cargo_bin("tsh-review");
    let line = format!("'{}' download {SSH} -o '{}'", bin.display(), dir.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", common::fakes().display()),
        )
        .env("HOME", w.home())
        .env("XDG_CACHE_HOME", w.cache_dir())
        .env("TSH_REVIEW_NOW", common::NOW)
        .env("FAKE_NOW", common::NOW)
        .env("FAKE_LS_DATA", common::fixture("ls_mixed.json"))
        .env("FAKE_ARGV_LOG", w.argv_log())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    std::thread::sleep(std::time::Duration::from_millis(500));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("Download? [y/N]"), "no prompt: {text}");
    dir.join(format!("{SSH}.tar"))
}

#[test]
fn the_terminal_prompt_downloads_only_on_yes() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("note: `script` is missing; the pseudo-terminal test did not run");
        return;
    }
    let w = listed();
    assert!(!download_on_a_terminal(&w, "n\n").exists());
    assert!(
        !download_on_a_terminal(&w, "\n").exists(),
        "the default is no"
    );
    assert!(download_on_a_terminal(&w, "y\n").exists());
}

/// A download directory that cannot be made says what to do instead.
#[test]
fn a_download_directory_that_cannot_be_made_says_what_to_do() {
    let w = World::new();
    w.cmd()
        .args(["download", SSH, "--yes", "-o", "/proc/tsh-review-test"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot make the download directory")
                .and(predicate::str::contains("pass -o DIR")),
        );
}
