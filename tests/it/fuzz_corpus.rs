//! Replays the kept fuzz corpus (`fuzz/regressions/TARGET/*`, minimized from the cargo-fuzz
//! runs recorded in docs/robustness.md) through the same checks the fuzz targets run, so every
//! input that once found a new path, or a bug, stays a test on a stable toolchain.

#[path = "../../fuzz/fuzz_targets/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        // A failing input names itself before the check's own panic message.
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails its check", path.display());
        n += 1;
    }
    assert!(n > 0, "{} is empty", dir.display());
}

#[test]
fn ls() {
    replay("ls", checks::ls);
}

#[test]
fn search() {
    replay("search", checks::search);
}

#[test]
fn tsh() {
    replay("tsh", checks::tsh);
}

#[test]
fn config_js() {
    replay("config_js", checks::config_js);
}

#[test]
fn window() {
    replay("window", checks::window);
}

#[test]
fn escape() {
    replay("escape", checks::escaping);
}

#[test]
fn content() {
    replay("content", checks::content);
}
