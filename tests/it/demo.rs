//! The built-in demo tells its stories (src/demo/README.md): each hunt returns the few sessions
//! its story implies, `show` agrees with `triage` on severity, and the commands `show`
//! suggests stay in the demo.

use crate::common;

use common::{World, code_spans, next_lines, stdout_lines};

/// `tsh-review --demo ARGS --format tsv` at the instant the demo data was written: the first
/// eight hex digits of each row's id, in the order printed.
fn demo_ids(w: &World, args: &[&str]) -> Vec<String> {
    let out = w
        .cmd()
        .arg("--demo")
        .args(args)
        .args(["--format", "tsv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_lines(&out)
        .iter()
        .map(|l| l[..8].to_owned())
        .collect()
}

/// The hunt's rows, riskiest first: the real hits, then the benign look-alikes the README
/// names, and nothing that merely shares a word with the query. Each hit's recording shows
/// what its summary says: `--verify` finds a line of the technique in every one.
fn hunt(technique: &str, want: &[&str]) {
    let w = World::new();
    assert_eq!(demo_ids(&w, &["hunt", technique]), want, "hunt {technique}");
    let out = w
        .cmd()
        .args(["--demo", "hunt", technique, "--verify", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    for row in &rows {
        assert!(
            row["evidence"]["matched_lines"].as_u64() > Some(0),
            "hunt {technique}: {} shows no line of it: {}",
            row["id"],
            row["evidence"]
        );
    }
}

#[test]
fn hunt_privesc_finds_mallorys_root_shell_and_daves_sudo_probe() {
    // Not bob's and erin's routine sudo, nor erin's desktop session.
    hunt("privesc", &["5369f1d1", "e359af44"]);
}

#[test]
fn hunt_persistence_finds_the_crontab_payload_and_the_ci_unit() {
    // Not carol's "unit test".
    hunt("persistence", &["cb1990e0", "c6aad790"]);
}

#[test]
fn hunt_ssh_tamper_finds_authorized_keys_and_the_approved_sshd_change() {
    // Not dave's "SSH hop", nor erin's TLS key.
    hunt("ssh-tamper", &["78f94e40", "e5d42593"]);
}

#[test]
fn hunt_exfil_finds_the_card_token_export_and_the_unscored_pg_dump() {
    // Not carol's SELECT for a support ticket; the unscored dump is listed, last.
    hunt("exfil", &["80f48f35", "92704622"]);
}

#[test]
fn hunt_secrets_finds_shadow_aws_keys_and_pgpass() {
    // Not the password resets, nor "card tokens".
    hunt("secrets", &["e697e0e7", "8019206c", "e359af44"]);
}

#[test]
fn hunt_kernel_finds_insmod_and_the_zfs_modprobe() {
    hunt("kernel", &["78f94e40", "20b68153"]);
}

#[test]
fn hunt_recon_finds_mallorys_sweep_and_two_look_alikes() {
    // Not erin's "locked-out user".
    hunt("recon", &["f2734535", "76a5b8a5", "f1dbfd66"]);
}

#[test]
fn search_still_finds_every_session_with_a_single_common_word() {
    let w = World::new();
    assert_eq!(
        demo_ids(&w, &["search", "sudo"]),
        ["5369f1d1", "e359af44", "f8384f72", "6f26d9b8"]
    );
    assert!(demo_ids(&w, &["search", "to or the"]).is_empty());
}

/// The severity line of `show`, as printed.
fn shown_severity(text: &str) -> &str {
    text.lines()
        .find_map(|l| l.strip_prefix("severity"))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no severity line:\n{text}"))
}

/// `show` used to look sessions up with `recordings ls`, which has no severity, and called
/// every session "unscored" that triage ranked. It must say what triage says, whether or not
/// triage ran first (triage fills the cache; `show` must not depend on it for recent ones).
#[test]
fn show_agrees_with_triage_on_every_scored_session() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "--demo",
            "triage",
            "--from",
            "2026-01-01",
            "--min-severity",
            "low",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 35, "{}", rows.len());
    let fresh = World::new();
    let month_ago: jiff::Timestamp = "2026-05-04T21:00:00Z".parse().unwrap();
    // Unscored rows are there because the server asks for a review: they have no severity.
    for row in rows.iter().filter(|r| !r["severity"].is_null()) {
        let id = row["id"].as_str().unwrap();
        let severity = row["severity"].as_str().unwrap();
        let start: jiff::Timestamp = row["start"].as_str().unwrap().parse().unwrap();
        // Older sessions are beyond show's 30-day lookup: only the cache knows them.
        let worlds = if start > month_ago {
            vec![&w, &fresh]
        } else {
            vec![&w]
        };
        for world in worlds {
            let out = world.cmd().args(["--demo", "show", id]).output().unwrap();
            assert!(out.status.success(), "{id}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert_eq!(shown_severity(&text), severity, "{id}:\n{text}");
        }
    }
}

/// Copied as they are, the commands under `Next:` must run where the session is: in the demo,
/// against the demo (a demo id sent to the real cluster finds nothing, or worse, something).
#[test]
fn show_suggests_demo_commands_in_the_demo_and_real_ones_otherwise() {
    let w = World::new();
    let out = w
        .cmd()
        .args(["--demo", "recent", "--since", "7d", "--format", "tsv"])
        .output()
        .unwrap();
    let id = stdout_lines(&out)[0].split('\t').next().unwrap().to_owned();
    let out = w.cmd().args(["--demo", "show", &id]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        next_lines(&text),
        [
            format!("tsh-review --demo play {id}"),
            format!("tsh-review --demo download {id}"),
            format!("tsh-review --demo link {id}"),
        ]
    );

    // Against a cluster (the fakes), no --demo.
    let live = World::new();
    let out = live
        .cmd()
        .args(["recent", "--since", "7d"])
        .output()
        .unwrap();
    let first = stdout_lines(&out)[0].split('\t').next().unwrap().to_owned();
    let out = live.cmd().args(["show", &first]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let next = next_lines(&text);
    assert_eq!(next.len(), 3, "{text}");
    assert!(
        next.iter()
            .all(|l| l.starts_with("tsh-review ") && !l.contains("--demo")),
        "{next:?}"
    );
}

/// The same for the commands the notes under a listing suggest.
#[test]
fn notes_in_the_demo_suggest_demo_commands() {
    let w = World::new();
    for args in [vec!["triage"], vec!["search", "nothing-matches-this"]] {
        let out = w
            .cmd()
            .arg("--demo")
            .args(&args)
            .args(["--format", "tsv"])
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        let suggested = code_spans(&err);
        assert!(!suggested.is_empty(), "{args:?}: {err}");
        keep_demo(&args, &suggested);
        for word in ["(tsh-review link)", "(tsh-review play)"] {
            assert!(!err.contains(word), "{args:?}: {err}");
        }
    }
}

/// The same for the commands an error's hint suggests, in grep, hunt and show.
#[test]
fn errors_in_the_demo_suggest_demo_commands() {
    let w = World::new();
    for args in [
        vec!["grep"],
        vec!["hunt"],
        vec!["hunt", "privesk"],
        vec!["hunt", "--query", "root shell", "--verify"],
        vec!["show", "deadbeef"],
        vec!["show"],
        vec!["request"],
        vec!["link", "X", "--format", "json"],
        vec!["search", "--kind", "app"],
        vec!["recnt"],
    ] {
        let out = w.cmd().arg("--demo").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        let suggested = code_spans(&err);
        assert!(
            suggested.iter().any(|c| c.starts_with("tsh-review")),
            "{args:?}: {err}"
        );
        keep_demo(&args, &suggested);
    }
}

/// An id the demo does not have is not sent looking in a cluster the demo has not got: it
/// is said to be no demo session, with the listing of the demo's, which lists them all; a
/// demo session older than `show`'s lookup is listed by that, and then shown.
#[test]
fn show_of_an_id_the_demo_has_not_got_says_so_and_lists_the_demos() {
    let w = World::new();
    for command in ["show", "link"] {
        let out = w
            .cmd()
            .args(["--demo", command, "00000000-0000-4000-8000-000000000000"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("is not a session of the demo"), "{err}");
        for foreign in ["tctl", "tsh play"] {
            assert!(!err.contains(foreign), "{command}: {err}");
        }
        let suggested = code_spans(&err);
        keep_demo(&[command], &suggested);
        let list = suggested[0];
        let listed = w
            .cmd()
            .args(list.split_whitespace().skip(1))
            .args(["--format", "tsv"])
            .output()
            .unwrap();
        let every = w
            .cmd()
            .args([
                "--demo",
                "recent",
                "--from",
                "2015-01-01",
                "--format",
                "tsv",
            ])
            .output()
            .unwrap();
        assert!(listed.status.success(), "{list}");
        assert_eq!(stdout_lines(&listed), stdout_lines(&every), "{list}");
    }

    // The demo's oldest session, unknown to a fresh cache and older than 30 days.
    let fresh = World::new();
    let oldest = "1d5f4756-cce2-42c1-b443-fc23439cee6b";
    let out = fresh
        .cmd()
        .args(["--demo", "show", oldest])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("ended more than 30 days ago"), "{err}");
    let suggested = code_spans(&err);
    keep_demo(&["show"], &suggested);
    for command in suggested {
        let out = fresh
            .cmd()
            .args(command.split_whitespace().skip(1))
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}");
    }
}

/// Every suggested tsh-review command runs against the demo again.
fn keep_demo(args: &[&str], suggested: &[&str]) {
    for command in suggested.iter().filter(|c| c.starts_with("tsh-review")) {
        assert!(
            command.starts_with("tsh-review --demo "),
            "{args:?}: {command}"
        );
    }
}

/// Completion runs inside the user's prompt: in the demo too, it says nothing on stderr.
#[test]
fn demo_completion_is_silent() {
    let w = World::new();
    w.cmd().args(["--demo", "recent"]).assert().success();
    let out = w
        .cmd()
        .args(["--demo", "__complete-ids", ""])
        .output()
        .unwrap();
    assert!(!crate::common::quiet_lines(&out).is_empty());
}
