//! Ctrl-C, SIGTERM and SIGHUP with real signals, and deadlines that a daemonising helper
//! cannot defeat (SPEC 5 rule 10): nothing keeps running, nothing is left half-written.

use crate::common;

use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::World;

/// The ssh session A1 of the fixture.
const SSH: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";

/// Whether a process still runs (a zombie waiting for its parent does not).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z"))
}

fn assert_gone(pids: &[i32]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    for &pid in pids {
        assert!(!alive(pid), "process {pid} outlived tsh-review");
    }
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a child of this test.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

fn start(w: &World, args: &[&str], scenario: (&str, &str)) -> Child {
    command(w, args, scenario).spawn().unwrap()
}

fn command(w: &World, args: &[&str], scenario: (&str, &str)) -> std::process::Command {
    let mut cmd = w.process();
    cmd.args(args)
        .env(scenario.0, scenario.1)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn finish(child: Child) -> Output {
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    out
}

/// Processes a fake left running on purpose (a setsid helper): stopped at the end of a test.
struct Reap(Vec<i32>);

impl Drop for Reap {
    fn drop(&mut self) {
        for &pid in &self.0 {
            // SAFETY: kill(2) on a pid the fake reported.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

#[test]
fn an_interrupted_listing_ends_tctl_and_what_it_started_then_dies_of_the_signal() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let w = World::new();
        let child = start(&w, &["recent"], ("FAKE_TCTL_SCENARIO", "hang"));
        let pids = w.wait_for_pids();
        let _reap = Reap(pids.clone());
        signal(child.id(), sig);
        let out = finish(child);
        assert_eq!(out.status.signal(), Some(sig), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("interrupted: stopped 1 running tsh/tctl call"),
            "{err}"
        );
        // Not a terminal: no line-clearing escape in the file or pipe.
        assert!(!err.contains('\x1b'), "{err:?}");
        assert_gone(&pids);
    }
}

#[test]
fn an_interrupted_download_leaves_no_partial_file() {
    let w = World::new();
    let out_dir = w.dir.join("evidence");
    let sid = SSH;
    let child = start(
        &w,
        &["download", sid, "--yes", "-o", out_dir.to_str().unwrap()],
        ("FAKE_TCTL_SCENARIO", "download-hang"),
    );
    let pids = w.wait_for_pids();
    let _reap = Reap(pids.clone());
    // tctl is writing into the staging directory right now.
    let staging: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        staging
            .iter()
            .any(|n| n.to_string_lossy().starts_with(".tsh-review-partial-")),
        "{staging:?}"
    );
    signal(child.id(), libc::SIGTERM);
    let out = finish(child);
    assert_eq!(out.status.signal(), Some(libc::SIGTERM));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("removed the partial download"), "{err}");
    // Nor the directory it made for the recording.
    assert!(!out_dir.exists(), "{:?}", std::fs::read_dir(&out_dir));
    assert_gone(&pids);
}

/// A download that `sig` interrupts while tctl writes, started in `cwd`.
fn interrupt_download(w: &World, output: &[&str], cwd: &std::path::Path, sig: i32) -> Output {
    let _ = std::fs::remove_file(w.dir.join("pids"));
    let child = command(
        w,
        &[&["download", SSH, "--yes"][..], output].concat(),
        ("FAKE_TCTL_SCENARIO", "download-hang"),
    )
    .current_dir(cwd)
    .spawn()
    .unwrap();
    let pids = w.wait_for_pids();
    let _reap = Reap(pids.clone());
    signal(child.id(), sig);
    let out = finish(child);
    assert_eq!(out.status.signal(), Some(sig), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("removed the partial download"), "{err}");
    assert_gone(&pids);
    out
}

/// Whatever the signal, an interrupted download leaves no empty directory it made (the
/// default `tsh-review-recordings/SID/` included), as a failed one does, and never removes
/// one that was there before.
#[test]
fn an_interrupted_download_removes_the_directories_it_made_and_only_those() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let w = World::new();
        let work = w.dir.join("work");
        std::fs::create_dir(&work).unwrap();
        let cases = w.dir.join("cases");
        let case = cases.join(format!("case-{sig}"));
        interrupt_download(&w, &["-o", case.to_str().unwrap()], &work, sig);
        assert!(!cases.exists(), "{sig}: {:?}", std::fs::read_dir(&cases));

        interrupt_download(&w, &[], &work, sig);
        assert!(
            !work.join("tsh-review-recordings").exists(),
            "{sig}: {:?}",
            std::fs::read_dir(work.join("tsh-review-recordings"))
        );
        assert!(work.is_dir(), "the working directory stays");

        // A directory the user made stays, empty as it was.
        let mine = w.dir.join("mine");
        std::fs::create_dir(&mine).unwrap();
        interrupt_download(&w, &["-o", mine.to_str().unwrap()], &work, sig);
        let left: Vec<_> = std::fs::read_dir(&mine).unwrap().collect();
        assert!(left.is_empty(), "{sig}: {left:?}");
    }
}

#[test]
fn the_deadline_holds_when_a_helper_leaves_the_group_and_keeps_stdout() {
    let w = World::new();
    let started = Instant::now();
    let out = w
        .cmd()
        .args(["recent", "--timeout", "2s"])
        .env("FAKE_TCTL_SCENARIO", "hang-setsid")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let pids = w.wait_for_pids();
    let _reap = Reap(pids.clone());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "--timeout 2s took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did not finish within 2s"), "{err}");
    // tctl itself is gone; only the helper that left its session may still run.
    assert_gone(&pids[..1]);
}

#[test]
fn ctrl_c_during_play_is_for_tsh_to_handle() {
    let w = World::new();
    let sid = SSH;
    let child = start(&w, &["play", sid], ("FAKE_TSH_SCENARIO", "hang"));
    let pids = w.wait_for_pids();
    let _reap = Reap(pids.clone());
    // The terminal sends Ctrl-C to the whole foreground group: first we see it...
    signal(child.id(), libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        alive(child.id() as i32),
        "tsh-review quit under a playing tsh"
    );
    assert!(alive(pids[0]), "tsh stopped without being asked");
    // ...and tsh, which decides: this one quits with status 130. (The fake's helper would get
    // the terminal's Ctrl-C too; here it is stopped by hand, as it holds our output pipes.)
    signal(pids[0] as u32, libc::SIGINT);
    signal(pids[1] as u32, libc::SIGKILL);
    let out = finish(child);
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_termination_request_during_play_reaches_tsh() {
    let w = World::new();
    let sid = SSH;
    let child = start(&w, &["play", sid], ("FAKE_TSH_SCENARIO", "hang"));
    let pids = w.wait_for_pids();
    let _reap = Reap(pids.clone());
    signal(child.id(), libc::SIGTERM);
    assert_gone(&pids[..1]);
    // The fake's helper holds our output pipes; tsh's own would have ended with it.
    signal(pids[1] as u32, libc::SIGKILL);
    let out = finish(child);
    assert_eq!(out.status.signal(), Some(libc::SIGTERM), "{out:?}");
}

/// Every process under `pid`, from /proc.
fn descendants(pid: i32) -> Vec<i32> {
    let parent_of = |p: i32| -> Option<i32> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        stat.rsplit(')')
            .next()?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let all: Vec<i32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(all.iter().filter(|&&c| parent_of(c) == Some(p)));
        i += 1;
    }
    found.remove(0);
    found
}

#[test]
fn an_interrupted_grep_stops_every_replay() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let w = World::new();
        let child = start(
            &w,
            &["grep", "sudo", "-j", "3"],
            ("FAKE_TSH_SCENARIO", "play-hang"),
        );
        w.wait_for_pids();
        // Three replays hang at once.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut replays = Vec::new();
        while Instant::now() < deadline {
            replays = descendants(child.id() as i32);
            let plays = w
                .calls()
                .iter()
                .filter(|(p, a)| p == "tsh" && a[0] == "play")
                .count();
            if plays == 3 {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!replays.is_empty());
        let _reap = Reap(replays.clone());
        signal(child.id(), sig);
        let out = finish(child);
        assert_eq!(out.status.signal(), Some(sig), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("interrupted: stopped 3 running"), "{err}");
        assert_gone(&replays);
    }
}
