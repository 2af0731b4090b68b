//! One verified answer per proxy, reused for [`CACHE_TTL`] so that explaining a failed search
//! costs no request: `probe-<proxy>.json` in the session cache's directory, with the same file
//! safety (see `crate::private_file`).
//!
//! Only answers that were verified (https, certificate checked, not `--insecure`) are stored:
//! an unverified answer may come from anyone between us and the proxy, and a cached verdict
//! is later shown without saying how it was obtained.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;

use super::config::{Capability, Verdict, verdict};
use crate::private_file::{self, Contents, Problem};

/// How long a probe result is reused (per proxy).
pub const CACHE_TTL: Duration = Duration::from_secs(6 * 3600);

/// Larger than any cache file we write.
const MAX_CACHE_FILE: u64 = 64 * 1024;
/// No probe writes for longer than this; an older temp file is a dead writer's.
const STALE_TEMP: Duration = Duration::from_secs(60);
const PREFIX: &str = "probe-";

/// What a probe found, and whether it may be cached.
#[derive(Debug)]
pub(super) struct Probed {
    pub(super) capability: Option<Capability>,
    pub(super) verdict: Verdict,
    /// Fetched over https with the certificate verified.
    pub(super) verified: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    proxy: String,
    /// Unix seconds.
    checked_at: i64,
    /// Always true since answers that were not verified stopped being stored; an older file
    /// that says false is ignored.
    verified: bool,
    capability: Capability,
}

/// The cached answer for `proxy` unless `fresh`, else `fetch(proxy)`, stored when verified
/// and not `Unreachable`. `dir` None: no cache at all.
pub(super) fn probe_cached(
    dir: Option<&Path>,
    proxy: &str,
    now: Timestamp,
    fresh: bool,
    fetch: impl FnOnce() -> Probed,
) -> (Option<Capability>, Verdict) {
    let file = dir.and_then(|d| file_name(proxy).map(|name| (d, name)));
    if !fresh
        && let Some((dir, name)) = &file
        && let Some(c) = read(dir, name, proxy, now)
    {
        let v = verdict(&c);
        return (Some(c), v);
    }
    let probed = fetch();
    if let (Some(c), Some((dir, name)), true) = (&probed.capability, &file, probed.verified)
        && !matches!(probed.verdict, Verdict::Unreachable(_))
    {
        let entry = CacheEntry {
            proxy: proxy.to_owned(),
            checked_at: now.as_second(),
            verified: true,
            capability: c.clone(),
        };
        write(dir, name, &entry);
    }
    (probed.capability, probed.verdict)
}

pub(super) fn file_name(proxy: &str) -> Option<String> {
    let safe: String = proxy
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (safe.len() <= 200).then(|| format!("{PREFIX}{safe}.json"))
}

fn read(dir: &Path, name: &str, proxy: &str, now: Timestamp) -> Option<Capability> {
    private_file::check_dir(dir).ok()?;
    let Ok(Contents::Bytes(bytes)) = private_file::read(&dir.join(name), MAX_CACHE_FILE) else {
        return None;
    };
    let entry: CacheEntry = serde_json::from_slice(&bytes).ok()?;
    let age = now.as_second().checked_sub(entry.checked_at)?;
    let fresh_enough = (0..CACHE_TTL.as_secs() as i64).contains(&age);
    (entry.proxy == proxy && fresh_enough && entry.verified).then_some(entry.capability)
}

/// Best effort: a cache that cannot be written only costs a probe next time. A directory we
/// must not use is said once (it is the session cache's too).
fn write(dir: &Path, name: &str, entry: &CacheEntry) {
    match private_file::ensure_dir(dir) {
        Ok(()) => {}
        Err(Problem::Refused(why)) => {
            private_file::warn_once(&format!(
                "refusing to use the cache directory {dir:?}: {why}; going on without it"
            ));
            return;
        }
        Err(Problem::Io(_)) => return,
    }
    let Ok(bytes) = serde_json::to_vec(entry) else {
        return;
    };
    private_file::remove_stale_temps(dir, PREFIX, STALE_TEMP);
    let _ = private_file::write_atomically(dir, name, &bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teleport::probe::config::parse_config_js;
    use std::fs;
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    use std::sync::atomic::{AtomicU64, Ordering};

    const ENT_ALL_ON: &str = r#"var GRV_CONFIG = {"edition":"ent","identitySecurity":{"licensed":true,"sessionSummarizationEnabled":true,"accessGraphConfigSet":true}};"#;
    const OSS: &str = r#"var GRV_CONFIG = {"edition":"oss"};"#;

    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir().join(format!(
                "tsh-review-probe-{tag}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn answer(body: &str, verified: bool) -> Probed {
        let c = parse_config_js(body).unwrap();
        Probed {
            verdict: verdict(&c),
            capability: Some(c),
            verified,
        }
    }

    fn down() -> Probed {
        Probed {
            capability: None,
            verdict: Verdict::Unreachable("connection refused".into()),
            verified: false,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn cache_reuses_answers_for_six_hours() {
        use std::cell::Cell;
        let tmp = TempDir::new("cache");
        let dir = tmp.0.join("cache");
        let calls = Cell::new(0);
        let t0 = ts("2026-06-03T21:00:00Z");
        let run = |now: Timestamp, fresh: bool| {
            probe_cached(Some(&dir), "teleport.example.com:443", now, fresh, || {
                calls.set(calls.get() + 1);
                answer(ENT_ALL_ON, true)
            })
        };
        assert_eq!(run(t0, false).1, Verdict::Available);
        assert_eq!(calls.get(), 1);
        let file = dir.join("probe-teleport.example.com_443.json");
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(run(ts("2026-06-04T02:59:59Z"), false).1, Verdict::Available);
        assert_eq!(calls.get(), 1, "served from the cache");
        assert_eq!(run(t0, true).1, Verdict::Available);
        assert_eq!(calls.get(), 2, "fresh skips the cache");
        assert_eq!(run(ts("2026-06-04T03:00:00Z"), false).1, Verdict::Available);
        assert_eq!(calls.get(), 3, "stale after 6h");
        // A clock that went backwards does not trust a result from the future.
        run(ts("2026-06-03T20:00:00Z"), false);
        assert_eq!(calls.get(), 4);
        // No temp files left behind.
        assert_eq!(names(&dir), ["probe-teleport.example.com_443.json"]);
    }

    #[test]
    fn only_verified_answers_are_cached() {
        let tmp = TempDir::new("verified");
        let dir = tmp.0.clone();
        let now = ts("2026-06-03T21:00:00Z");
        let r = probe_cached(Some(&dir), "t.example.com", now, false, down);
        assert_eq!(r.1, Verdict::Unreachable("connection refused".into()));
        assert!(names(&dir).is_empty());
        // Unverified (--insecure, or plain http): used for this run, never stored.
        let r = probe_cached(Some(&dir), "t.example.com", now, false, || {
            answer(OSS, false)
        });
        assert!(matches!(r.1, Verdict::Impossible(_)));
        assert!(names(&dir).is_empty());
        let r = probe_cached(Some(&dir), "t.example.com", now, false, || {
            answer(ENT_ALL_ON, true)
        });
        assert_eq!(r.1, Verdict::Available);
        let r = probe_cached(Some(&dir), "t.example.com", now, false, || panic!("cached"));
        assert_eq!(r.1, Verdict::Available);
        // A file an older version wrote for an unverified answer is not believed.
        let name = "probe-t.example.com.json";
        let text = fs::read_to_string(dir.join(name)).unwrap();
        let old = text.replace("\"verified\":true", "\"verified\":false");
        assert_ne!(old, text);
        fs::write(dir.join(name), old).unwrap();
        let r = probe_cached(Some(&dir), "t.example.com", now, false, down);
        assert!(matches!(r.1, Verdict::Unreachable(_)));
        // Another proxy whose file name collides is not served this entry.
        probe_cached(Some(&dir), "t.example.com:443", now, false, || {
            answer(OSS, true)
        });
        let r = probe_cached(Some(&dir), "t.example.com_443", now, false, down);
        assert!(matches!(r.1, Verdict::Unreachable(_)));
        // No cache directory: still probes.
        let r = probe_cached(None, "t.example.com", now, false, || answer(OSS, true));
        assert!(matches!(r.1, Verdict::Impossible(_)));
    }

    #[test]
    fn untrusted_cache_files_are_ignored() {
        let tmp = TempDir::new("untrusted");
        let dir = tmp.0.clone();
        let now = ts("2026-06-03T21:00:00Z");
        let name = "probe-t.example.com.json";
        let path = dir.join(name);
        let entry = CacheEntry {
            proxy: "t.example.com".into(),
            checked_at: now.as_second(),
            verified: true,
            capability: parse_config_js(ENT_ALL_ON).unwrap(),
        };
        write(&dir, name, &entry);
        assert!(read(&dir, name, "t.example.com", now).is_some());
        // Group-writable file.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o620)).unwrap();
        assert!(read(&dir, name, "t.example.com", now).is_none());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        // World-writable directory.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(read(&dir, name, "t.example.com", now).is_none());
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        // A symlink in place of the file.
        let real = dir.join("real.json");
        fs::rename(&path, &real).unwrap();
        std::os::unix::fs::symlink(&real, &path).unwrap();
        assert!(read(&dir, name, "t.example.com", now).is_none());
        fs::remove_file(&path).unwrap();
        // Corrupt contents.
        fs::write(&path, b"{\"proxy\":").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(read(&dir, name, "t.example.com", now).is_none());
        // A FIFO does not hang the reader.
        fs::remove_file(&path).unwrap();
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert!(read(&dir, name, "t.example.com", now).is_none());
    }

    #[test]
    fn writes_are_synced_and_clean_up_dead_writers() {
        let tmp = TempDir::new("stale");
        let dir = tmp.0.clone();
        let now = ts("2026-06-03T21:00:00Z");
        let dead = dir.join(".probe-x.example.com.json.4242.0.0.tmp");
        fs::write(&dead, "half").unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&dead)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let live = dir.join(".probe-y.example.com.json.4243.0.0.tmp");
        fs::write(&live, "being written").unwrap();
        probe_cached(Some(&dir), "t.example.com", now, false, || {
            answer(ENT_ALL_ON, true)
        });
        assert!(!dead.exists(), "a dead writer's temp file is removed");
        assert!(live.exists(), "a fresh one may be a live writer's");
    }

    #[test]
    fn a_symlinked_directory_is_not_written_through() {
        let tmp = TempDir::new("symlinked");
        let real = tmp.0.join("real");
        fs::DirBuilder::new().mode(0o700).create(&real).unwrap();
        let link = tmp.0.join("tsh-review");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let now = ts("2026-06-03T21:00:00Z");
        let r = probe_cached(Some(&link), "t.example.com", now, false, || {
            answer(ENT_ALL_ON, true)
        });
        assert_eq!(r.1, Verdict::Available);
        assert!(names(&real).is_empty());
    }
}
