//! `tsh-review init SHELL`, the hidden `--completion-bash` (kingpin's protocol, for
//! `tsh review <TAB>` through a tsh alias) and install.sh: the snippets parse in their shells,
//! and in a real bash `tsh play <TAB>` offers cached ids while every other `tsh` completion is
//! still tsh's own, whichever of the two scripts is loaded first.

use crate::common;

use common::shells::{
    BASH_ENGINE, SHARED, bin_dir, candidates, fish_complete, has, lines_of, many_sessions, matches,
    shell_env, zsh_complete, zsh_complete_after, zsh_listed,
};

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{World, quiet_lines, stdout_lines};

fn init(w: &World, shell: &str) -> PathBuf {
    let out = w.cmd().args(["init", shell]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // The snippet carries the full completion script of that shell.
    let script = tsh_review::internals::cli::completion_script(shell).unwrap();
    assert!(text.starts_with(script), "{shell}");
    let path = w.dir.join(format!("init.{shell}"));
    std::fs::write(&path, text).unwrap();
    path
}

fn live_ids(w: &World) -> Vec<String> {
    // The live cache, from the fake cluster.
    w.cmd().arg("recent").assert().success();
    let ids = stdout_lines(&w.cmd().args(["__complete-ids", ""]).output().unwrap());
    assert!(!ids.is_empty());
    ids
}

const DESKTOP: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const APP: &str = "c0ffee00-1234-4abc-9def-0123456789ab";

/// What `tsh play` can play of the live cache, newest first: the fixture's desktop and app
/// sessions are listed, but tsh cannot play them.
fn playable_ids(w: &World) -> Vec<String> {
    let all = live_ids(w);
    assert!(all.iter().any(|i| i == DESKTOP) && all.iter().any(|i| i == APP));
    let want: Vec<String> = all
        .into_iter()
        .filter(|i| i != DESKTOP && i != APP)
        .collect();
    let mut sorted = want.clone();
    sorted.sort();
    assert_ne!(
        want, sorted,
        "the fixture's newest-first order must differ from id order"
    );
    want
}

#[test]
fn init_snippets_parse() {
    let w = World::new();
    let check = |argv: &[&str], path: &Path| {
        let out = Command::new(argv[0])
            .args(&argv[1..])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{argv:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    check(&["bash", "-n"], &init(&w, "bash"));
    for (shell, argv) in [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])] {
        if has(shell) {
            check(&argv, &init(&w, shell));
        } else {
            eprintln!("{shell} not installed: skipped");
        }
    }
    w.cmd()
        .args(["init", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bash"));
}

/// Loads tsh's completion and the init snippet in `order`, runs the prompt hook as an
/// interactive bash would before the first prompt, then completes `line` with whatever
/// function is registered for `tsh`.
fn bash_complete_tsh(w: &World, snippet: &Path, tsh_first: bool, line: &str) -> Vec<String> {
    let driver = format!(
        r#"{BASH_ENGINE}
if [[ $3 == tsh-first ]]; then
    eval "$(tsh --completion-script-bash)"; source "$1"
else
    source "$1"; eval "$(tsh --completion-script-bash)"
fi
eval "$PROMPT_COMMAND"
COMP_LINE="$2"
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_drive tsh
"#
    );
    let cwd = w.dir.join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(cwd.join("a-file"), "").unwrap();
    let mut cmd = Command::new("bash");
    shell_env(w, &mut cmd);
    cmd.current_dir(&cwd)
        .args(["--norc", "--noprofile", "-c", &driver, "driver"])
        .arg(snippet)
        .arg(line)
        .arg(if tsh_first {
            "tsh-first"
        } else {
            "snippet-first"
        });
    lines_of(&mut cmd, line)
}

#[test]
fn bash_tsh_play_completes_playable_ids_newest_first_and_delegates_the_rest() {
    let w = World::new();
    let snippet = init(&w, "bash");
    let ids = playable_ids(&w);
    for tsh_first in [true, false] {
        assert_eq!(
            bash_complete_tsh(&w, &snippet, tsh_first, "tsh play "),
            ids,
            "tsh first: {tsh_first}"
        );
        let first = &ids[0];
        assert_eq!(
            bash_complete_tsh(
                &w,
                &snippet,
                tsh_first,
                &format!("tsh play {}", &first[..6])
            ),
            std::slice::from_ref(first)
        );
        // Everything else is tsh's own completion, unchanged.
        assert_eq!(
            bash_complete_tsh(&w, &snippet, tsh_first, "tsh st"),
            ["status"]
        );
        let top = bash_complete_tsh(&w, &snippet, tsh_first, "tsh ");
        assert!(top.contains(&"play".to_owned()), "{top:?}");
        assert!(!top.iter().any(|c| ids.contains(c)), "{top:?}");
        let flags = bash_complete_tsh(&w, &snippet, tsh_first, "tsh play --");
        assert!(!flags.iter().any(|c| ids.contains(c)), "{flags:?}");
    }
}

#[test]
fn zsh_tsh_play_completes_playable_ids_newest_first_and_delegates_the_rest() {
    if !has("zsh") {
        eprintln!("zsh not installed: skipped");
        return;
    }
    let w = World::new();
    let snippet = init(&w, "zsh");
    let ids = playable_ids(&w);
    let tsh = "eval \"$(tsh --completion-script-zsh)\"\n";
    let init = format!("source {}\n", snippet.display());
    // tsh's script loaded before the snippet, and after it (the precmd hook puts the wrapper
    // back before the first prompt).
    for setup in [format!("{tsh}{init}"), format!("{init}{tsh}")] {
        let got = zsh_complete(&w, &setup, "tsh play ");
        assert_eq!(matches(&got), ids, "{setup}");
        assert!(got.iter().all(|(_, shown)| shown.contains('@')), "{got:?}");
        // Listed newest first, not sorted by id.
        assert_eq!(zsh_listed(&w, &setup, "tsh play "), ids, "{setup}");
        let first = &ids[0];
        assert_eq!(
            matches(&zsh_complete(
                &w,
                &setup,
                &format!("tsh play {}", &first[..6])
            )),
            [first.as_str()]
        );
        // Everything else is tsh's own completion, unchanged.
        assert_eq!(matches(&zsh_complete(&w, &setup, "tsh st")), ["status"]);
        let top = zsh_complete(&w, &setup, "tsh ");
        assert!(matches(&top).contains(&"play"), "{top:?}");
        assert!(!matches(&top).iter().any(|m| ids.iter().any(|id| id == m)));
        let flags = zsh_complete(&w, &setup, "tsh play --");
        assert!(!matches(&flags).iter().any(|m| ids.iter().any(|id| id == m)));
    }
}

#[test]
fn fish_tsh_play_completes_playable_ids_newest_first() {
    if !has("fish") {
        eprintln!("fish not installed: skipped");
        return;
    }
    let w = World::new();
    let snippet = init(&w, "fish");
    let ids = playable_ids(&w);
    let text = fish_complete(&w, &snippet, "tsh play ");
    // Newest first, and nothing tsh cannot play.
    assert_eq!(candidates(&text), ids, "{text}");
}

/// `tsh play <TAB>` with nothing typed offers the newest 100 sessions tsh can play
/// (src/complete.rs's NEWEST), however many the cache holds; a prefix offers every playable
/// match. In bash (whichever script loads first), zsh and fish.
#[test]
fn tsh_play_offers_the_newest_playable_and_every_match() {
    const NEWEST: usize = 100;
    let w = World::new();
    let (_, playable) = many_sessions(&w, 250);
    assert!(playable.len() > NEWEST);
    let newest = &playable[..NEWEST];
    let typed = format!("tsh play {SHARED}");
    let snippet = init(&w, "bash");
    for tsh_first in [true, false] {
        let got = bash_complete_tsh(&w, &snippet, tsh_first, "tsh play ");
        assert_eq!(got.len(), NEWEST, "tsh first: {tsh_first}");
        assert_eq!(got, newest, "tsh first: {tsh_first}");
        assert_eq!(bash_complete_tsh(&w, &snippet, tsh_first, &typed), playable);
    }
    if has("zsh") {
        let setup = format!(
            "eval \"$(tsh --completion-script-zsh)\"\nsource {}\n",
            init(&w, "zsh").display()
        );
        assert_eq!(matches(&zsh_complete(&w, &setup, "tsh play ")), newest);
        assert_eq!(matches(&zsh_complete(&w, &setup, &typed)), playable);
    }
    if has("fish") {
        let snippet = init(&w, "fish");
        let text = fish_complete(&w, &snippet, "tsh play ");
        assert_eq!(candidates(&text), newest, "{text}");
        let text = fish_complete(&w, &snippet, &typed);
        assert_eq!(candidates(&text), playable, "{text}");
    }
}

fn kingpin(w: &World, words: &[&str]) -> Vec<String> {
    quiet_lines(
        &w.cmd()
            .arg("--completion-bash")
            .args(words)
            .output()
            .unwrap(),
    )
}

#[test]
fn completion_bash_answers_like_kingpin() {
    let w = World::new();
    let top = kingpin(&w, &[""]);
    assert!(top.contains(&"recent".to_owned()) && top.contains(&"init".to_owned()));
    assert!(!top.iter().any(|c| c.starts_with("__")), "{top:?}");
    assert_eq!(kingpin(&w, &[]), top);
    assert_eq!(kingpin(&w, &["tri"]), ["triage"]);
    assert_eq!(kingpin(&w, &["recent", "--si"]), ["--since"]);
    let flags = kingpin(&w, &["play", "-"]);
    assert!(flags.contains(&"--speed".to_owned()), "{flags:?}");
    assert!(!flags.contains(&"--unscored".to_owned()), "{flags:?}");
    assert!(kingpin(&w, &["recent", "--format", ""]).contains(&"json".to_owned()));
    assert!(kingpin(&w, &["completions", ""]).contains(&"fish".to_owned()));
    // No cache yet: nothing, quietly; then the cached ids, never touching the network.
    assert!(kingpin(&w, &["play", ""]).is_empty());
    let ids = live_ids(&w);
    let log = std::fs::read_to_string(w.argv_log()).unwrap_or_default();
    assert_eq!(kingpin(&w, &["show", ""]), ids);
    // play, download and link: not the app session, which has no recording.
    let recorded: Vec<String> = ids.iter().filter(|i| *i != APP).cloned().collect();
    for cmd in ["play", "download", "link"] {
        assert_eq!(kingpin(&w, &[cmd, ""]), recorded, "{cmd}");
    }
    assert_eq!(kingpin(&w, &["play", &ids[0][..5]]), [ids[0].clone()]);
    assert!(kingpin(&w, &["play", &ids[0], ""]).is_empty());
    // Users and hosts from the cache, only those a shell takes as one plain word (not the
    // fixture's right-to-left-override host); nothing for durations, dates and numbers.
    assert_eq!(
        kingpin(&w, &["pivot", "--user", ""]),
        ["alice", "bob", "carol", "dave", "erin", "eve", "mallory"]
    );
    assert_eq!(kingpin(&w, &["pivot", "--host", "w"]), ["web-01"]);
    for flag in ["--since", "--from", "--limit", "--timeout"] {
        assert!(kingpin(&w, &["recent", flag, ""]).is_empty(), "{flag}");
    }
    assert_eq!(
        std::fs::read_to_string(w.argv_log()).unwrap_or_default(),
        log,
        "--completion-bash called tsh or tctl"
    );
    // Garbage is tolerated.
    assert!(kingpin(&w, &["--nonsense", "zzz", "\u{1b}["]).is_empty());
    // Hidden: not in help, the man page, or the completion scripts.
    let help = w.cmd().arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("completion-bash"));
    let man = w.cmd().arg("man").output().unwrap();
    assert!(!String::from_utf8_lossy(&man.stdout).contains("completion\\-bash"));
    for shell in tsh_review::internals::cli::SHELLS {
        let s = tsh_review::internals::cli::completion_script(shell).unwrap();
        assert!(!s.contains("completion-bash"), "{shell}");
    }
}

#[test]
fn tsh_review_completes_through_the_tsh_alias() {
    let w = World::new();
    let config = w.dir.join("tsh/config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.yaml"),
        "aliases:\n  review: \"tsh-review\"\n",
    )
    .unwrap();
    let mut cmd = Command::new("tsh");
    shell_env(&w, &mut cmd);
    let out = cmd
        .env(
            "PATH",
            format!(
                "{}:{}:/usr/bin:/bin",
                common::fakes().display(),
                bin_dir().display()
            ),
        )
        .args(["--completion-bash", "review", "tri"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "triage\n");
}

/// install.sh with a prebuilt binary (`--binary`), so that `cargo test` never runs a release
/// build: the build path itself is proven by `install_sh_installs_what_cargo_reports` below
/// (and for real by `.ci/run`, which runs the README's `./install.sh`).
fn install_sh(args: &[&str]) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(common::root().join("install.sh"))
        .arg("--binary")
        .arg(assert_cmd::cargo::cargo_bin("tsh-review"))
        .args(args);
    cmd
}

fn succeeded(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// install.sh into a DESTDIR, with the tsh alias against a private TELEPORT_HOME.
#[test]
fn install_sh_installs_completions_and_the_tsh_alias() {
    let w = World::new();
    let dest = w.dir.join("dest");
    let teleport = w.dir.join("tsh");
    let config = teleport.join("config/config.yaml");
    let run = |args: &[&str], teleport: &Path| {
        let out = install_sh(&["--prefix", "/usr"])
            .args(args)
            .env("DESTDIR", &dest)
            .env("TELEPORT_HOME", teleport)
            .output()
            .unwrap();
        succeeded(out, &format!("{args:?}"))
    };
    let files = [
        "usr/bin/tsh-review",
        "usr/share/man/man1/tsh-review.1",
        "usr/share/bash-completion/completions/tsh-review",
        "usr/share/zsh/site-functions/_tsh-review",
        "usr/share/fish/vendor_completions.d/tsh-review.fish",
    ];

    // A new config file.
    let out = run(&["--tsh-alias"], &teleport);
    assert!(out.contains("tsh-review init bash"), "{out}");
    for f in files {
        assert!(dest.join(f).is_file(), "{f}");
    }
    assert_eq!(
        std::fs::read(dest.join(files[0])).unwrap(),
        std::fs::read(assert_cmd::cargo::cargo_bin("tsh-review")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(dest.join(files[2])).unwrap(),
        tsh_review::internals::cli::completion_script("bash").unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "aliases:\n  review: \"tsh-review\"\n"
    );

    // An existing config without aliases: backed up, the block appended; a second run with
    // the alias already there changes nothing. The install itself is idempotent.
    let other = w.dir.join("tsh2");
    let config2 = other.join("config/config.yaml");
    std::fs::create_dir_all(config2.parent().unwrap()).unwrap();
    let original = "add_keys_to_agent: no\nproxy: teleport.example.com:443";
    std::fs::write(&config2, original).unwrap();
    run(&["--tsh-alias"], &other);
    let edited = std::fs::read_to_string(&config2).unwrap();
    assert_eq!(
        edited,
        format!("{original}\naliases:\n  review: \"tsh-review\"\n")
    );
    assert_eq!(
        std::fs::read_to_string(config2.with_extension("yaml.bak")).unwrap(),
        original
    );
    run(&["--tsh-alias"], &other);
    assert_eq!(std::fs::read_to_string(&config2).unwrap(), edited);
    for f in files {
        assert!(dest.join(f).is_file(), "{f}");
    }

    // An aliases: key of its own: refused, untouched.
    let third = w.dir.join("tsh3");
    let config3 = third.join("config/config.yaml");
    std::fs::create_dir_all(config3.parent().unwrap()).unwrap();
    std::fs::write(&config3, "aliases:\n  l: \"$TSH ls\"\n").unwrap();
    let out = install_sh(&["--prefix", "/usr", "--tsh-alias"])
        .env("DESTDIR", &dest)
        .env("TELEPORT_HOME", &third)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("review: \"tsh-review\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&config3).unwrap(),
        "aliases:\n  l: \"$TSH ls\"\n"
    );
    assert!(!config3.with_extension("yaml.bak").exists());

    run(&["--uninstall"], &teleport);
    for f in files {
        assert!(!dest.join(f).exists(), "{f}");
    }
}

/// A copy of the files install.sh reads, as a fresh clone would have them, so that a stale
/// `target/` can be planted next to it without touching this checkout's build.
fn checkout(w: &World) -> PathBuf {
    let dir = w.dir.join("clone");
    for file in [
        "install.sh",
        "man/tsh-review.1",
        "completions/tsh-review.bash",
        "completions/_tsh-review",
        "completions/tsh-review.fish",
    ] {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::root().join(file), to).unwrap();
    }
    dir
}

/// install.sh runs `cargo build` (tests/fakes/cargo/cargo stands in for it) and installs the
/// executable cargo reports, wherever CARGO_TARGET_DIR or build.target put it: never a stale
/// `./target/release/tsh-review` left by an older build. cargo's progress reaches the user.
#[test]
fn install_sh_installs_what_cargo_reports() {
    let w = World::new();
    let clone = checkout(&w);
    let stale = clone.join("target/release/tsh-review");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "#!/bin/sh\necho stale\n").unwrap();
    let argv = w.dir.join("cargo-argv");
    let run = |prefix: &str, env: &[(&str, &Path)], scenario: &str| {
        let mut cmd = Command::new("bash");
        cmd.env_clear()
            .env("HOME", w.home())
            .env(
                "PATH",
                format!(
                    "{}:/usr/bin:/bin",
                    common::root().join("tests/fakes/cargo").display()
                ),
            )
            .env("FAKE_CARGO_ARGV", &argv)
            .env("FAKE_CARGO_SCENARIO", scenario)
            .current_dir(&w.dir)
            .arg(clone.join("install.sh"))
            .args(["--prefix", prefix]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };

    // A target directory elsewhere, with a space and a quote in its name (cargo escapes the
    // quote in its JSON).
    let elsewhere = w.dir.join("shared \"target\" dir");
    let prefix = w.dir.join("prefix");
    let out = run(
        prefix.to_str().unwrap(),
        &[("CARGO_TARGET_DIR", &elsewhere)],
        "ok",
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let text = succeeded(out, "CARGO_TARGET_DIR");
    let built = elsewhere.join("release/tsh-review");
    let installed = prefix.join("bin/tsh-review");
    assert_eq!(
        std::fs::read_to_string(&installed).unwrap(),
        std::fs::read_to_string(&built).unwrap()
    );
    assert!(
        text.contains(&format!("from {}", built.display())),
        "{text}"
    );
    assert!(err.contains("Compiling tsh-review"), "progress: {err}");
    assert_eq!(
        std::fs::read_to_string(&argv).unwrap(),
        format!(
            "build --release --locked --manifest-path {}/Cargo.toml --message-format=json-render-diagnostics\n",
            clone.display()
        )
    );

    // A cross target (build.target): the binary is under the triple's directory.
    let out = run(
        prefix.to_str().unwrap(),
        &[
            ("CARGO_TARGET_DIR", &elsewhere),
            ("FAKE_CARGO_TRIPLE", Path::new("aarch64-unknown-linux-gnu")),
        ],
        "ok",
    );
    succeeded(out, "triple");
    assert_eq!(
        std::fs::read_to_string(&installed).unwrap(),
        std::fs::read_to_string(elsewhere.join("aarch64-unknown-linux-gnu/release/tsh-review"))
            .unwrap()
    );

    // No CARGO_TARGET_DIR: the clone's own target/, rebuilt, not the stale binary.
    let out = run(prefix.to_str().unwrap(), &[], "ok");
    succeeded(out, "default target");
    let fresh = std::fs::read_to_string(&installed).unwrap();
    assert!(fresh.contains("fake cargo"), "{fresh}");

    // A failed build, or one that reports no executable, installs nothing.
    for scenario in ["fail", "no-bin"] {
        let prefix = w.dir.join(format!("prefix-{scenario}"));
        let out = run(prefix.to_str().unwrap(), &[], scenario);
        assert!(!out.status.success(), "{scenario}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nothing was installed"), "{scenario}: {err}");
        assert!(!prefix.exists(), "{scenario}");
    }
}

/// The advice install.sh printed for one shell: the indented line after `SHELL completion:`.
fn advice(out: &str, shell: &str) -> Option<String> {
    let mut lines = out.lines();
    lines.find(|l| l.starts_with(&format!("{shell} completion:")))?;
    Some(lines.next()?.trim().to_owned())
}

/// Runs install.sh as a user would, with nothing from the developer's environment.
fn install_for_user(w: &World, prefix: Option<&Path>, env: &[(&str, &Path)]) -> String {
    let mut cmd = install_sh(&[]);
    cmd.env_clear()
        .env("HOME", w.home())
        .env("PATH", "/usr/bin:/bin")
        .current_dir(&w.dir);
    if let Some(p) = prefix {
        cmd.arg("--prefix").arg(p);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    succeeded(cmd.output().unwrap(), "install.sh")
}

/// Completions installed where a shell does not look do nothing, silently: install.sh says,
/// per shell, the one line that makes it look there, and following that advice in a real
/// bash, zsh and fish makes `tsh-review <TAB>` complete.
#[test]
fn install_sh_says_how_each_shell_finds_its_completion() {
    let w = World::new();
    let prefix = w.dir.join("opt dir");
    let out = install_for_user(&w, Some(&prefix), &[]);
    let p = prefix.display();

    let bash = advice(&out, "bash").unwrap_or_else(|| panic!("no bash advice:\n{out}"));
    assert_eq!(
        bash,
        format!("source '{p}/share/bash-completion/completions/tsh-review'")
    );
    let driver = r#"
eval "$1"
func=$(complete -p tsh-review 2>/dev/null | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[[ -n $func ]] || exit 3
COMP_WORDS=(tsh-review rec); COMP_CWORD=1; COMP_LINE="tsh-review rec"; COMP_POINT=14
"$func" tsh-review rec tsh-review
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let mut cmd = Command::new("bash");
    shell_env(&w, &mut cmd);
    cmd.args(["--norc", "--noprofile", "-c", driver, "driver", &bash]);
    assert_eq!(lines_of(&mut cmd, "bash advice"), ["recent"]);

    if has("zsh") {
        let zsh = advice(&out, "zsh").unwrap_or_else(|| panic!("no zsh advice:\n{out}"));
        assert_eq!(
            zsh,
            format!("fpath=('{p}/share/zsh/site-functions' $fpath)")
        );
        let without = zsh_complete(&w, "", "tsh-review rec");
        assert!(!matches(&without).contains(&"recent"), "{without:?}");
        let with = zsh_complete_after(&w, &zsh, "", "tsh-review rec");
        assert_eq!(matches(&with), ["recent"]);
    }

    if has("fish") {
        let fish = advice(&out, "fish").unwrap_or_else(|| panic!("no fish advice:\n{out}"));
        assert_eq!(
            fish,
            format!("set -p fish_complete_path '{p}/share/fish/vendor_completions.d'")
        );
        let mut cmd = Command::new("fish");
        shell_env(&w, &mut cmd);
        let got = lines_of(
            cmd.arg("--no-config").arg("-c").arg(format!(
                "source $__fish_data_dir/config.fish; {fish}; complete -C 'tsh-review rec'"
            )),
            "fish advice",
        );
        assert_eq!(candidates(&got.join("\n")), ["recent"]);
    }

    // The default prefix, ~/.local: never on zsh's fpath; fish reads it unless XDG_DATA_HOME
    // points elsewhere; bash reads it when bash-completion is there.
    let out = install_for_user(&w, None, &[]);
    let bash_completion = ["/usr/share", "/usr/local/share"].iter().any(|d| {
        Path::new(d)
            .join("bash-completion/bash_completion")
            .exists()
    });
    assert_eq!(advice(&out, "bash").is_none(), bash_completion, "{out}");
    if has("zsh") {
        assert!(advice(&out, "zsh").is_some(), "{out}");
    }
    if has("fish") {
        assert_eq!(advice(&out, "fish"), None, "{out}");
        let out = install_for_user(&w, None, &[("XDG_DATA_HOME", &w.dir.join("xdg"))]);
        assert!(advice(&out, "fish").is_some(), "{out}");
    }
}
