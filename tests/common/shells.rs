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
    zsh_complete_after(w, "", setup, line)
}

/// [`zsh_complete`], with `early` run before `compinit` (where a ~/.zshrc changes `fpath`).
pub fn zsh_complete_after(
    w: &World,
    early: &str,
    setup: &str,
    line: &str,
) -> Vec<(String, String)> {
    let n = w.dir.read_dir().unwrap().count();
    let setup_file = w.dir.join(format!("zsh-setup-{n}.zsh"));
    let early_file = w.dir.join(format!("zsh-early-{n}.zsh"));
    let out_file = w.dir.join(format!("zsh-out-{n}"));
    std::fs::write(&setup_file, setup).unwrap();
    std::fs::write(&early_file, early).unwrap();
    let driver = super::root().join("tests/common/zsh_complete.zsh");
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
    text.lines()
        .take_while(|l| !l.starts_with('\0'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(m, d)| (m.to_owned(), d.to_owned()))
        .collect()
}

/// The matches of a zsh answer, without what the menu displays.
pub fn matches(answer: &[(String, String)]) -> Vec<&str> {
    answer.iter().map(|(m, _)| m.as_str()).collect()
}
