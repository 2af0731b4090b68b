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
