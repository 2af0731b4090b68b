//! Driving real shells in tests: which are installed, and an environment where the fakes, the
//! built binary and the test's private HOME and cache are what the shell sees.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::World;

pub fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn bin_dir() -> PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("tsh-review");
    bin.parent().unwrap().to_path_buf()
}

/// The fakes and the built binary on PATH, the test's private HOME and cache.
pub fn shell_env(w: &World, cmd: &mut Command) {
    cmd.env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}:/usr/bin:/bin",
                super::fakes().display(),
                bin_dir().display()
            ),
        )
        .env("HOME", w.home())
        .env("XDG_CACHE_HOME", w.cache_dir())
        .env("FAKE_NOW", super::NOW)
        .env("TSH_REVIEW_NOW", super::NOW)
        .env("TELEPORT_HOME", w.dir.join("tsh"));
}

/// Runs a shell command that must succeed; its non-empty output lines.
pub fn lines_of(cmd: &mut Command, what: &str) -> Vec<String> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What fish offers for `line` after sourcing `script`: (candidate, whole line) pairs' text.
pub fn fish_complete(w: &World, script: &Path, line: &str) -> String {
    let mut cmd = Command::new("fish");
    shell_env(w, &mut cmd);
    let out = cmd
        .arg("--no-config")
        .arg("-c")
        .arg(format!("source {}; complete -C '{line}'", script.display()))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The candidates of fish's answer, without their descriptions.
pub fn candidates(fish_output: &str) -> Vec<&str> {
    fish_output
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect()
}

/// What a real interactive zsh offers for `line` on TAB, on a pseudo-terminal, after
/// `compinit` and the commands in `setup`: (match, what the menu displays for it) pairs.
pub fn zsh_complete(w: &World, setup: &str, line: &str) -> Vec<(String, String)> {
    run_zsh(w, "", setup, line).0
}

/// [`zsh_complete`], with `early` run before `compinit` (where a ~/.zshrc changes `fpath`).
pub fn zsh_complete_after(
    w: &World,
    early: &str,
    setup: &str,
    line: &str,
) -> Vec<(String, String)> {
    run_zsh(w, early, setup, line).0
}

/// The matches zsh listed for `line`, in the order the user sees them on the terminal (zsh
/// sorts a group unless told not to, whatever order the matches were added in).
pub fn zsh_listed(w: &World, setup: &str, line: &str) -> Vec<String> {
    let (answer, tty) = run_zsh(w, "", setup, line);
    let offered: Vec<&str> = matches(&answer);
    let mut seen = Vec::new();
    for row in tty.split(['\r', '\n']) {
        let plain = strip_escapes(row);
        let Some(first) = plain.split_whitespace().next() else {
            continue;
        };
        if offered.contains(&first) && !seen.iter().any(|s| s == first) {
            seen.push(first.to_owned());
        }
    }
    seen
}

/// Terminal text without its escape sequences (CSI `ESC [ ... final`, and two-byte ones).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        if chars.next_if_eq(&'[').is_some() {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

fn run_zsh(w: &World, early: &str, setup: &str, line: &str) -> (Vec<(String, String)>, String) {
    let n = w.dir.read_dir().unwrap().count();
    let setup_file = w.dir.join(format!("zsh-setup-{n}.zsh"));
    let early_file = w.dir.join(format!("zsh-early-{n}.zsh"));
    let out_file = w.dir.join(format!("zsh-out-{n}"));
    std::fs::write(&setup_file, setup).unwrap();
    std::fs::write(&early_file, early).unwrap();
    let driver = super::root().join("tests/it/common/zsh_complete.zsh");
    let mut cmd = Command::new("zsh");
    shell_env(w, &mut cmd);
    let out = cmd
        .arg("-f")
        .arg(driver)
        .arg(&setup_file)
        .arg(line)
        .arg(&out_file)
        .arg(&early_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zsh {line:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    let answer = text
        .lines()
        .take_while(|l| !l.starts_with('\0'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(m, d)| (m.to_owned(), d.to_owned()))
        .collect();
    let tty = std::fs::read(out_file.with_extension("tty")).unwrap_or_default();
    (answer, String::from_utf8_lossy(&tty).into_owned())
}

/// The matches of a zsh answer, without what the menu displays.
pub fn matches(answer: &[(String, String)]) -> Vec<&str> {
    answer.iter().map(|(m, _)| m.as_str()).collect()
}

/// A bash function `_drive CMD` that completes the words in COMP_WORDS/COMP_CWORD with the
/// function registered for CMD, then does with its answer what readline does, as far as these
/// tests need: the options are those of `complete -p CMD` as changed by `compopt` during the
/// call (emulated: it only works inside real completion); an empty answer under `-o default`
/// falls back to file names; the answer is sorted unless `-o nosort`. One candidate a line.
pub const BASH_ENGINE: &str = r#"
_drive() {
    local spec func
    spec=$(complete -p "$1" 2>/dev/null) || exit 3
    func=$(sed -n 's/.*-F \([^ ]*\).*/\1/p' <<< "$spec")
    [[ -n $func ]] || exit 3
    _drive_opts=" ${spec} "
    compopt() {
        while (( $# )); do
            case $1 in
                -o) _drive_opts+=" -o $2 "; shift 2 ;;
                +o) _drive_opts=${_drive_opts//" -o $2 "/ }; shift 2 ;;
                *) shift ;;
            esac
        done
    }
    COMPREPLY=()
    "$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    unset -f compopt
    if (( ${#COMPREPLY[@]} == 0 )); then
        if [[ $_drive_opts == *" -o default "* ]]; then
            compgen -f -- "${COMP_WORDS[COMP_CWORD]}"
        fi
    elif [[ $_drive_opts == *" -o nosort "* ]]; then
        printf '%s\n' "${COMPREPLY[@]}"
    else
        printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
    fi
}
"#;

/// What every id [`many_sessions`] makes starts with.
pub const SHARED: &str = "5e55";

/// Fills the live cache the way a user does, by listing `n` sessions that ended a minute apart
/// before NOW, every fourth a Windows desktop (which `tsh play` cannot play). Every id starts
/// with [`SHARED`]; the rest of it is in no order, so newest first is not id order. Returns
/// the ids newest first, all of them and those tsh can play.
pub fn many_sessions(w: &World, n: usize) -> (Vec<String>, Vec<String>) {
    let events = super::fixture_json("ls_mixed.json");
    let template = |kind: &str| {
        events
            .iter()
            .find(|e| e["event"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in ls_mixed.json"))
            .clone()
    };
    let (ssh, desktop) = (
        template("session.end"),
        template("windows.desktop.session.end"),
    );
    let now: jiff::Timestamp = super::NOW.parse().unwrap();
    let (mut all, mut playable, mut listing) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n as u64 {
        let scrambled = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
        let sid = format!(
            "{SHARED}{:04x}-{:04x}-4{:03x}-8{:03x}-{i:012x}",
            scrambled & 0xffff,
            (scrambled >> 16) & 0xffff,
            (scrambled >> 32) & 0xfff,
            i & 0xfff,
        );
        let stop = now - jiff::SignedDuration::from_mins(i as i64 + 1);
        let start = stop - jiff::SignedDuration::from_mins(5);
        let is_desktop = i % 4 == 3;
        let mut e = if is_desktop {
            desktop.clone()
        } else {
            ssh.clone()
        };
        e["sid"] = sid.clone().into();
        e["uid"] = format!("00000000-0000-4000-8000-{i:012x}").into();
        e["time"] = stop.to_string().into();
        e["session_start"] = start.to_string().into();
        e["session_stop"] = stop.to_string().into();
        listing.push(e);
        if !is_desktop {
            playable.push(sid.clone());
        }
        all.push(sid);
    }
    let file = w.dir.join(format!("ls-{n}.json"));
    std::fs::write(&file, serde_json::to_vec(&listing).unwrap()).unwrap();
    w.cmd()
        .env("FAKE_LS_DATA", &file)
        .args(["recent", "--format", "tsv"])
        .assert()
        .success();
    let cached = super::quiet_lines(&w.cmd().args(["__complete-ids", SHARED]).output().unwrap());
    assert_eq!(cached, all, "the cache holds every session, newest first");
    let mut sorted = all.clone();
    sorted.sort();
    assert_ne!(sorted, all);
    (all, playable)
}
