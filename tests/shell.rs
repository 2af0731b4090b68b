//! `tsh-review init SHELL`, the hidden `--completion-bash` (kingpin's protocol, for
//! `tsh review <TAB>` through a tsh alias) and install.sh: the snippets parse in their shells,
//! and in a real bash `tsh play <TAB>` offers cached ids while every other `tsh` completion is
//! still tsh's own, whichever of the two scripts is loaded first.

mod common;

use common::shells::{
    bin_dir, candidates, fish_complete, has, lines_of, matches, shell_env, zsh_complete,
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
    let script = tsh_review::cli::completions::script(shell).unwrap();
    assert!(text.starts_with(script), "{shell}");
    let path = w.dir.join(format!("init.{shell}"));
    std::fs::write(&path, text).unwrap();
    path
}

fn live_ids(w: &World) -> Vec<String> {
    // The live cache, from the fake cluster (what `tsh play` would play).
    w.cmd().arg("recent").assert().success();
    let ids = stdout_lines(&w.cmd().args(["__complete-ids", ""]).output().unwrap());
    assert!(!ids.is_empty());
    ids
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
    let driver = r#"
if [[ $3 == tsh-first ]]; then
    eval "$(tsh --completion-script-bash)"; source "$1"
else
    source "$1"; eval "$(tsh --completion-script-bash)"
fi
eval "$PROMPT_COMMAND"
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
func=$(complete -p tsh | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[[ -n $func ]] || exit 3
"$func" tsh "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let mut cmd = Command::new("bash");
    shell_env(w, &mut cmd);
    cmd.args(["--norc", "--noprofile", "-c", driver, "driver"])
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
fn bash_tsh_play_completes_ids_and_delegates_the_rest() {
    let w = World::new();
    let snippet = init(&w, "bash");
    let ids = live_ids(&w);
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
fn zsh_tsh_play_completes_ids_and_delegates_the_rest() {
    if !has("zsh") {
        eprintln!("zsh not installed: skipped");
        return;
    }
    let w = World::new();
    let snippet = init(&w, "zsh");
    let ids = live_ids(&w);
    let tsh = "eval \"$(tsh --completion-script-zsh)\"\n";
    let init = format!("source {}\n", snippet.display());
    // tsh's script loaded before the snippet, and after it (the precmd hook puts the wrapper
    // back before the first prompt).
    for setup in [format!("{tsh}{init}"), format!("{init}{tsh}")] {
        let got = zsh_complete(&w, &setup, "tsh play ");
        assert_eq!(matches(&got), ids, "{setup}");
        assert!(got.iter().all(|(_, shown)| shown.contains('@')), "{got:?}");
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
fn fish_tsh_play_completes_ids() {
    if !has("fish") {
        eprintln!("fish not installed: skipped");
        return;
    }
    let w = World::new();
    let snippet = init(&w, "fish");
    let ids = live_ids(&w);
    let text = fish_complete(&w, &snippet, "tsh play ");
    let got = candidates(&text);
    for id in &ids {
        assert!(got.contains(&id.as_str()), "{id} not in {text}");
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
    for cmd in ["show", "play", "download", "link"] {
        assert_eq!(kingpin(&w, &[cmd, ""]), ids, "{cmd}");
    }
    assert_eq!(kingpin(&w, &["play", &ids[0][..5]]), [ids[0].clone()]);
    assert!(kingpin(&w, &["play", &ids[0], ""]).is_empty());
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
    for shell in tsh_review::cli::table::SHELLS {
        let s = tsh_review::cli::completions::script(shell).unwrap();
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

/// install.sh into a DESTDIR (the release build is cached in the repo's target/), with the
/// tsh alias against a private TELEPORT_HOME. Kept to three runs: each one builds.
#[test]
fn install_sh_installs_completions_and_the_tsh_alias() {
    let w = World::new();
    let dest = w.dir.join("dest");
    let teleport = w.dir.join("tsh");
    let config = teleport.join("config/config.yaml");
    let run = |args: &[&str], teleport: &Path| {
        let out = Command::new("bash")
            .arg(common::root().join("install.sh"))
            .args(["--prefix", "/usr"])
            .args(args)
            .env("DESTDIR", &dest)
            .env("TELEPORT_HOME", teleport)
            .env("CARGO_TARGET_DIR", common::root().join("target"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
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
        std::fs::read_to_string(dest.join(files[2])).unwrap(),
        tsh_review::cli::completions::script("bash").unwrap()
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
    let out = Command::new("bash")
        .arg(common::root().join("install.sh"))
        .args(["--prefix", "/usr", "--tsh-alias"])
        .env("DESTDIR", &dest)
        .env("TELEPORT_HOME", &third)
        .env("CARGO_TARGET_DIR", common::root().join("target"))
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
