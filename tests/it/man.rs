//! The man page is generated from the command table: the committed `man/tsh-review.1` must be
//! exactly what `tsh_review::internals::cli::man_page()` prints, document every command and flag, and
//! render without a single groff warning.

use std::path::PathBuf;
use std::process::Command;

use tsh_review::internals::cli::man_page as page;
use tsh_review::internals::cli::{COMMANDS, FLAGS};

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man/tsh-review.1")
}

#[test]
fn committed_man_page_is_generated() {
    let path = committed();
    let want = page();
    if std::env::var_os("TSH_REVIEW_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()))
            + 1;
        panic!(
            "man/tsh-review.1 is out of date with src/cli/table.rs (first difference at line \
             {line}).\nRegenerate it with: TSH_REVIEW_BLESS=1 cargo test --test man"
        );
    }
}

#[test]
fn every_command_and_flag_is_documented() {
    let text = page();
    for c in COMMANDS.iter().filter(|c| !c.hidden) {
        assert!(
            text.lines()
                .any(|l| l == c.name || l.starts_with(&format!("{} (alias", c.name))),
            "no section for command {}",
            c.name
        );
        for alias in c.aliases {
            assert!(text.contains(alias), "alias {alias} of {}", c.name);
        }
        for (example, _) in c.examples {
            let escaped = example
                .replace('\\', "\\e")
                .replace('-', "\\-")
                .replace('\'', "\\(aq");
            let joined = text.replace("\\\n", "");
            assert!(joined.contains(&escaped), "example {example:?}");
        }
    }
    for f in FLAGS.iter().filter(|f| !f.hidden()) {
        let long = format!("\\fB\\-\\-{}\\fR", f.long.replace('-', "\\-"));
        assert!(text.contains(&long), "flag --{} (as {long})", f.long);
        if let Some(s) = f.short {
            assert!(text.contains(&format!("\\fB\\-{s}\\fR")), "flag -{s}");
        }
    }
}

#[test]
fn roff_source_is_clean() {
    let text = page();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        assert!(
            line.len() <= 80,
            "line {n} is {} bytes: {line:?}",
            line.len()
        );
        assert!(line.is_ascii(), "line {n} is not ASCII: {line:?}");
        assert!(!line.is_empty(), "line {n} is empty (use .PP)");
        assert!(
            !line.starts_with('\''),
            "line {n} starts with ' (protect it with \\&)"
        );
        if let Some(rest) = line.strip_prefix('.') {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(
                [
                    "TH", "nh", "ad", "SH", "SS", "PP", "TP", "RS", "RE", "nf", "fi", "br", "BR"
                ]
                .contains(&name.as_str()),
                "line {n} is an unexpected request: {line:?}"
            );
        }
    }
}

#[test]
fn groff_renders_without_warnings() {
    let out = match Command::new("groff")
        .args(["-man", "-ww", "-Tutf8", "-z"])
        .arg(committed())
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("note: groff is not installed; skipping the man page rendering check");
            return;
        }
        Err(e) => panic!("cannot run groff: {e}"),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "groff -man -ww -Tutf8 -z man/tsh-review.1 failed ({}):\n{stderr}",
        out.status
    );
}

#[test]
fn json_keys_match_the_readme() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let table = readme
        .split("- **json**")
        .nth(1)
        .expect("README.md documents --format json");
    let keys: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1))
        .flat_map(|cell| cell.split(','))
        .map(|k| k.trim().trim_matches('`'))
        .filter(|k| !k.is_empty() && *k != "key" && !k.starts_with("---"))
        .collect();
    assert!(keys.len() > 10, "README json table not found: {keys:?}");
    let text = page();
    let section = text
        .split(".SH JSON OUTPUT")
        .nth(1)
        .and_then(|s| s.split(".SH ").next())
        .unwrap();
    let documented = section.matches("\\fB").count() - section.matches("\\fB\\-").count();
    for key in &keys {
        let escaped = key.replace('-', "\\-");
        assert!(
            section.contains(&format!("\\fB{escaped}\\fR")),
            "JSON key {key} of README.md is missing from the man page"
        );
    }
    assert!(documented >= keys.len(), "keys: {keys:?}");
}
