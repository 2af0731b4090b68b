//! Finding `tsh` and `tctl`: the flag, then the environment variable, then `PATH`, then the
//! places Teleport's installers use.

use std::env;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Where a binary was found, or every place that was tried.
pub fn locate(
    name: &str,
    explicit: Option<&Path>,
    env_var: &str,
    path_var: Option<OsString>,
    home: Option<PathBuf>,
) -> Result<PathBuf, Error> {
    let (given, how) = match explicit {
        Some(p) => (Some(p.to_path_buf()), format!("--{name}")),
        None => (
            env::var_os(env_var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            env_var.to_owned(),
        ),
    };
    if let Some(path) = given {
        // A path the user chose is used as given, or refused: never silently replaced.
        let path = if path.components().count() == 1 {
            search_path(&path, path_var.clone()).unwrap_or(path)
        } else {
            path
        };
        if is_executable(&path) {
            return Ok(path);
        }
        return Err(Error::failure(format!(
            "{how} points to {}, which is not an executable file",
            path.display()
        ))
        .hint(format!(
            "pass the full path of {name} with --{name} or {env_var}, or unset {env_var}"
        )));
    }

    let mut tried = Vec::new();
    if let Some(found) = search_path(Path::new(name), path_var.clone()) {
        return Ok(found);
    }
    tried.push("PATH".to_owned());
    let mut fallbacks = vec![
        PathBuf::from("/usr/local/bin"),
        PathBuf::from("/opt/homebrew/bin"),
    ];
    if let Some(home) = home {
        fallbacks.push(home.join("go/bin"));
    }
    for dir in fallbacks {
        let candidate = dir.join(name);
        if is_executable(&candidate) {
            return Ok(candidate);
        }
        tried.push(dir.display().to_string());
    }
    Err(Error::failure(format!("cannot find {name}"))
        .because(format!(
            "looked in --{name}, ${env_var}, {} (none has an executable {name})",
            tried.join(", ")
        ))
        .hint(format!(
            "install Teleport's {name}, or pass its path: --{name} /path/to/{name} (or export {env_var}=/path/to/{name}); `tsh-review --demo` works without Teleport"
        )))
}

fn search_path(name: &Path, path_var: Option<OsString>) -> Option<PathBuf> {
    let path_var = path_var?;
    env::split_paths(&path_var)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn scratch(name: &str) -> PathBuf {
        let dir = env::temp_dir().join(format!("tsh-review-locate-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn make_exe(path: &Path) {
        fs::write(path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn explicit_path_wins_and_must_be_executable() {
        let dir = scratch("explicit");
        let exe = dir.join("tctl");
        make_exe(&exe);
        let found = locate("tctl", Some(&exe), "TSH_REVIEW_TEST_UNSET", None, None).unwrap();
        assert_eq!(found, exe);
        let plain = dir.join("notes.txt");
        fs::write(&plain, "x").unwrap();
        let err = locate("tctl", Some(&plain), "TSH_REVIEW_TEST_UNSET", None, None).unwrap_err();
        assert!(err.what.contains("not an executable"), "{err}");
    }

    #[test]
    fn path_is_searched_in_order_and_relative_entries_ignored() {
        let (a, b) = (scratch("path-a"), scratch("path-b"));
        make_exe(&b.join("tctl"));
        let path = env::join_paths([Path::new("relative"), &a, &b]).unwrap();
        let found = locate("tctl", None, "TSH_REVIEW_TEST_UNSET", Some(path), None).unwrap();
        assert_eq!(found, b.join("tctl"));
    }

    #[test]
    fn home_go_bin_is_the_last_resort() {
        let home = scratch("home");
        fs::create_dir_all(home.join("go/bin")).unwrap();
        make_exe(&home.join("go/bin/tsh-review-fake-tool"));
        let found = locate(
            "tsh-review-fake-tool",
            None,
            "TSH_REVIEW_TEST_UNSET",
            Some(OsString::new()),
            Some(home.clone()),
        )
        .unwrap();
        assert_eq!(found, home.join("go/bin/tsh-review-fake-tool"));
    }

    #[test]
    fn not_found_lists_every_place_tried() {
        let home = scratch("nohome");
        let err = locate(
            "tsh-review-missing",
            None,
            "TSH_REVIEW_TEST_UNSET",
            Some(OsString::new()),
            Some(home.clone()),
        )
        .unwrap_err();
        let text = err.to_string();
        for place in [
            "PATH",
            "/usr/local/bin",
            "/opt/homebrew/bin",
            "go/bin",
            "--tsh-review-missing",
        ] {
            assert!(text.contains(place), "{place} missing from {text}");
        }
    }
}
