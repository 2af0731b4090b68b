//! What the cache's tests share: a directory of their own, and entries to write.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Cache, Entry};

/// A unique directory under the system temp dir, removed on drop.
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "tsh-review-cache-test-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir(&path).unwrap();
        TempDir(path)
    }

    /// The cache dir inside, not yet created, so record() creates it.
    pub(super) fn cache_dir(&self) -> PathBuf {
        self.0.join("tsh-review")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub(super) fn id(n: u64) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", n & 0xffff_ffff, n)
}

pub(super) fn entry(n: u64, start_ms: i64) -> Entry {
    Entry {
        id: id(n),
        kind: "ssh".into(),
        user: format!("user{n}"),
        target: "node-1".into(),
        start_ms: Some(start_ms),
        end_ms: Some(start_ms + 1000),
        interactive: Some(true),
        recorded: Some(true),
        severity: Some(2),
        cluster: Some("root.example.com".into()),
        access_requests: Vec::new(),
    }
}

/// [`entry`] with every optional field absent and a user that needs escaping (`odd` adds what
/// the fast reader does not take: DEL and a C1 control).
pub(super) fn sparse(n: u64, start_ms: i64, odd: bool) -> Entry {
    let mut e = entry(n, start_ms);
    e.end_ms = None;
    e.interactive = None;
    e.recorded = None;
    e.severity = None;
    e.cluster = None;
    e.user = "ünïcødé \u{1b}[31m\u{202e} \"quoted\"\n".into();
    if odd {
        e.user.push_str("\\ \u{7f} \u{9b}");
    }
    e
}

/// Puts `bytes` where `cache` keeps its file, as our writer would have left it (0700, 0600).
pub(super) fn plant(cache: &Cache, bytes: &[u8]) {
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&cache.dir)
        .unwrap();
    fs::write(cache.file(), bytes).unwrap();
    chmod(&cache.file(), 0o600);
}

pub(super) fn ids(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.id.clone()).collect()
}

pub(super) fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

pub(super) fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}
