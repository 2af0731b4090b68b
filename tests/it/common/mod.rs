//! Shared set-up for integration tests: the real binary against the fake `tsh`/`tctl` in
//! tests/fakes/bin (committed scripts, steered only by environment variables, so nothing is
//! written and executed at run time), a private HOME and cache per test, and a pinned "now".

#![allow(dead_code)]

pub mod shells;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// The instant every test runs at; the fixtures are written around it.
pub const NOW: &str = "2026-06-03T21:00:00Z";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// A JSON fixture (a listing as tctl prints it), parsed.
pub fn fixture_json(name: &str) -> Vec<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

/// A run's stdout, a line each.
/// Runs `cmd` to the end: its exit status (-1 for a signal), stdout and stderr.
pub fn ran(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

pub fn stdout_lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A run that must succeed and say nothing on stderr (completion answers): its stdout lines.
pub fn quiet_lines(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_lines(out)
}

/// The `code spans` of a message: the commands it suggests.
pub fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The commands `show` suggests, as printed under `Next:`.
pub fn next_lines(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| *l != "Next:")
        .skip(1)
        .map(str::trim)
        .collect()
}

pub fn fakes() -> PathBuf {
    root().join("tests/fakes/bin")
}

/// One test's world: a scratch directory, a log of every fake invocation.
pub struct World {
    pub dir: PathBuf,
}

impl World {
    pub fn new() -> World {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tsh-review-it-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).unwrap();
        World { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    pub fn argv_log(&self) -> PathBuf {
        self.dir.join("argv.jsonl")
    }

    /// `tsh-review` with the fakes first on PATH, the mixed fixture as the cluster, piped
    /// output, and no colour or terminal settings leaking in from the developer's shell.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("tsh-review").unwrap();
        cmd.env_clear().envs(self.env());
        cmd
    }

    /// The same as [`World::cmd`], as a process to start, signal and wait for.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tsh-review"));
        cmd.env_clear().envs(self.env());
        cmd
    }

    pub fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            (
                "PATH",
                format!("{}:/usr/bin:/bin", fakes().display()).into(),
            ),
            ("HOME", self.home().into()),
            ("XDG_CACHE_HOME", self.cache_dir().into()),
            ("TSH_REVIEW_NOW", NOW.into()),
            ("FAKE_NOW", NOW.into()),
            ("FAKE_ARGV_LOG", self.argv_log().into()),
            ("FAKE_LS_DATA", fixture("ls_mixed.json").into()),
            ("FAKE_SEARCH_DATA", fixture("search_mixed.json").into()),
            ("FAKE_SUMMARY_DATA", fixture("summaries.json").into()),
            ("FAKE_PIDFILE", self.dir.join("pids").into()),
        ]
    }

    /// `tsh-review ARGS` on a real pseudo-terminal (`script`), stdout and stderr both on it:
    /// what a person at the terminal would see. None when `script` is missing.
    pub fn on_terminal(&self, args: &[&str]) -> Option<String> {
        let bin = assert_cmd::cargo::cargo_bin("tsh-review");
        let mut line = format!("'{}'", bin.display());
        for a in args {
            line.push_str(&format!(" '{a}'"));
        }
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_clear()
            .envs(self.env())
            .stdin(std::process::Stdio::null())
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The pids a hanging fake wrote to `FAKE_PIDFILE`, once it has written them.
    pub fn wait_for_pids(&self) -> Vec<i32> {
        let path = self.dir.join("pids");
        for _ in 0..500 {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text.lines().map(|l| l.trim().parse().unwrap()).collect();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the fake never wrote {}", path.display());
    }

    /// Every invocation of a fake program, as (program, argv).
    pub fn calls(&self) -> Vec<(String, Vec<String>)> {
        let Ok(text) = std::fs::read_to_string(self.argv_log()) else {
            return Vec::new();
        };
        text.lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let argv = v["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect();
                (v["prog"].as_str().unwrap().to_owned(), argv)
            })
            .collect()
    }

    pub fn tctl_calls(&self) -> Vec<Vec<String>> {
        self.calls()
            .into_iter()
            .filter(|(p, _)| p == "tctl")
            .map(|(_, a)| a)
            .collect()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Characters that must never reach a terminal raw (SPEC 5.1), except the newline that ends
/// each line of output.
pub fn raw_dangerous(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c != '\n')
        .filter(|&c| {
            let u = c as u32;
            u < 0x20
                || (0x7f..=0x9f).contains(&u)
                || (0x202a..=0x202e).contains(&u)
                || (0x2066..=0x2069).contains(&u)
                || matches!(u, 0x200b..=0x200f | 0x061c | 0x2028 | 0x2029 | 0xfeff)
                || (0xe0000..=0xe007f).contains(&u)
        })
        .collect()
}

/// Whether a process still runs (a zombie waiting for its parent does not), waiting a little
/// for one that is being stopped.
pub fn process_alive(pid: i32) -> bool {
    let running = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z"))
    };
    for _ in 0..100 {
        if !running() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    true
}
