//! The layering README.md and src/lib.rs describe, held by reading the sources: data flows one
//! way, and only the top prints.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// The code of a file without its tests (a test module may print, or build anything).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end].to_owned()
}

fn src(part: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part)
}

#[test]
fn lower_layers_never_reach_up_or_print() {
    let lower = ["teleport", "review", "session", "content", "text", "cache"];
    for part in lower {
        let path = src(part);
        let files = if path.is_dir() {
            sources(&path)
        } else {
            vec![path]
        };
        for file in files {
            let code = code(&file);
            let name = file.display();
            for upward in [
                "crate::render",
                "crate::commands",
                "crate::app",
                "crate::cli",
            ] {
                assert!(!code.contains(upward), "{name} uses {upward}");
            }
            for printing in ["println!(", "print!(", "eprintln!(", "eprint!("] {
                assert!(!code.contains(printing), "{name} prints ({printing})");
            }
        }
    }
}

#[test]
fn the_command_line_never_reads_the_cache() {
    for file in sources(&src("cli")) {
        let code = code(&file);
        assert!(
            !code.contains("crate::cache"),
            "{} reads the cache",
            file.display()
        );
    }
}
