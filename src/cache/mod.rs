//! Private cache of session metadata (SPEC 5.11).
//!
//! Completion (`tsh play <TAB>`), `show`, `link` and `play` must answer without the network,
//! and completion must answer in milliseconds, so every listing records what it saw here and
//! those commands read it back. The format is deliberately dumb: a header line, then one
//! compact JSON object per line, newest first, so a reader can skip lines it cannot parse and
//! completion can reject non-matching lines without parsing them.
//!
//! The file is only ever replaced by rename, so readers never lock; writers serialise on
//! `sessions.lock` so concurrent runs do not lose each other's entries. Anything about the
//! directory or file that another user could have influenced makes the cache read as empty:
//! the ids read back here end up on `tsh` command lines.

mod line;
mod merge;
mod read;
#[cfg(test)]
mod testing;

use std::cmp::Reverse;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::ops::ControlFlow;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::private_file::{self, Contents, Problem};
use crate::session::Session;

use line::{IdHash, Record, lines, parse_line, sanitize};
use read::{Collector, Ended, runs};

/// One session as the listing saw it; only fields needed to complete, show, link and play.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Canonical lowercase UUID: it is the only field that ever reaches a command line.
    pub id: String,
    /// `ssh`, `k8s`, `db`, `desktop` or `app`; kept as text so newer kinds survive a round trip.
    pub kind: String,
    pub user: String,
    pub target: String,
    /// Unix milliseconds; absent fields are omitted from the file to keep it small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<bool>,
    /// 1..=4; anything else is stored as unscored rather than invented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The access requests the session ran under (canonical UUIDs only), so that `request`
    /// takes a prefix of one. Rare, so lines that have them take the slower serde path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_requests: Vec<String>,
}

/// Which cache file: the demo's sessions must never show up in completion against a real cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Live,
    Demo,
}

impl Scope {
    fn file_name(self) -> &'static str {
        match self {
            Scope::Live => "sessions.jsonl",
            Scope::Demo => "demo-sessions.jsonl",
        }
    }
}

/// Keeps completion fast and the file small no matter how many listings are run.
pub const MAX_ENTRIES: usize = 20_000;

/// Bumped only on incompatible changes; an old or foreign file is then simply rebuilt.
const HEADER: &[u8] = br#"{"tsh-review-cache":1}"#;
/// Bigger than any file we write; anything larger was not written by us.
const MAX_FILE_BYTES: usize = 16 << 20;
/// No real user, host, cluster or kind name is this long; longer ones are junk or an attack.
const MAX_FIELD_BYTES: usize = 512;
const LOCK_FILE: &str = "sessions.lock";
/// What [`Cache::offered`] reads per session wanted: a typical line is about 200 bytes, and
/// room for two or three times that spares a second, whole read when a filter drops some.
const HEAD_BYTES_PER_ENTRY: usize = 512;
/// More access requests than this on one session is junk, not a review trail.
const MAX_ACCESS_REQUESTS: usize = 16;
/// A writer holds the lock for milliseconds; waiting longer means something is stuck, and a
/// cache write is never worth hanging the command for.
const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// `$XDG_CACHE_HOME/tsh-review` (only when it is an absolute path), else `$HOME/.cache/tsh-review`; None when neither is usable.
pub fn dir() -> Option<PathBuf> {
    dir_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

fn dir_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    // The XDG spec says relative values are invalid and must be ignored.
    if let Some(xdg) = xdg.map(PathBuf::from).filter(|p| p.is_absolute()) {
        return Some(xdg.join("tsh-review"));
    }
    let home = home.map(PathBuf::from).filter(|p| p.is_absolute())?;
    Some(home.join(".cache").join("tsh-review"))
}

/// Never fails: a missing, unreadable, corrupt, foreign-owned or group/world-writable cache reads as empty (corrupt lines are skipped, the rest kept). Newest first (by start_ms, then end_ms).
pub fn load(scope: Scope) -> Vec<Entry> {
    Cache::default_for(scope).map_or_else(Vec::new, |c| c.load())
}

/// Why the cache of `scope` cannot be read when it is there (a symlink, another owner, no
/// permission), for the messages that would otherwise send the user to list again; None when
/// it can be, or there is none yet.
pub fn unreadable(scope: Scope) -> Option<String> {
    let cache = Cache::default_for(scope)?;
    let missing = |p: &Problem| matches!(p, Problem::Io(e) if e.kind() == io::ErrorKind::NotFound);
    if let Err(p) = private_file::check_dir(&cache.dir) {
        return (!missing(&p)).then(|| format!("{}: {p}", cache.dir.display()));
    }
    match private_file::open(&cache.file(), MAX_FILE_BYTES as u64) {
        Err(p) if !missing(&p) => Some(format!("{}: {p}", cache.file().display())),
        _ => None,
    }
}

/// `sessions` as search gave them, with what search does not know (interactive, recorded,
/// cluster) taken from the cache where an ls listing left it: a search listing written over
/// the cache must not erase what `play`'s warnings and `show`'s fallback read there.
pub fn fill_gaps(scope: Scope, sessions: &[&Session]) -> Vec<Session> {
    let ids: HashSet<String> = sessions.iter().map(|s| s.id().to_string()).collect();
    let known: std::collections::HashMap<String, Entry> = load(scope)
        .into_iter()
        .filter(|e| ids.contains(&e.id))
        .map(|e| (e.id.clone(), e))
        .collect();
    sessions
        .iter()
        .map(|&s| {
            let mut s = s.clone();
            if let Some(e) = known.get(&s.id().to_string()) {
                s.interactive = s.interactive.or(e.interactive);
                s.recorded = s.recorded.or(e.recorded);
                if s.cluster().is_none() {
                    s.set_cluster(e.cluster.as_deref());
                }
            }
            s
        })
        .collect()
}

/// Merge a listing's `sessions` into the cache: dedupe by id (the listing wins, and within it
/// the last occurrence), keep the newest MAX_ENTRIES, write atomically. Each session's line is
/// written straight from its record, and the old file is read a chunk at a time, so that
/// writing 20,000 sessions holds little more than their order (see [`Cache::record`]).
pub fn record(scope: Scope, sessions: &[&Session]) -> Result<(), CacheError> {
    match Cache::default_for(scope) {
        Some(cache) => cache.write_batch(sessions),
        None => Err(CacheError {
            what: "cannot locate session cache",
            path: PathBuf::from("$HOME/.cache/tsh-review"),
            cause: Cause::Msg("neither XDG_CACHE_HOME nor HOME is an absolute path"),
        }),
    }
}

/// Of `sessions`, the ones the cache would keep, so that only those are handed to [`record`]:
/// those it can write (a UUID id, fields within bounds), and of them at most [`MAX_ENTRIES`],
/// the newest by start then end. Counted after the check, so that sessions it would drop
/// never take the place of ones it keeps.
pub fn keepable(sessions: &[Session]) -> Vec<&Session> {
    let mut kept: Vec<&Session> = sessions.iter().filter(|s| s.key().is_some()).collect();
    if kept.len() > MAX_ENTRIES {
        kept.select_nth_unstable_by_key(MAX_ENTRIES - 1, |s| Reverse(s.when()));
        kept.truncate(MAX_ENTRIES);
    }
    // A long listing's 85,000 references made room for the 20,000 kept.
    kept.shrink_to_fit();
    kept
}

/// Known ids from the cache that start with `prefix` (case-insensitive), newest first.
pub fn matching(scope: Scope, prefix: &str) -> Vec<Entry> {
    Cache::default_for(scope).map_or_else(Vec::new, |c| c.matching(prefix))
}

/// The sessions completion offers for an id being typed, newest first, of those that pass
/// `keep`: with nothing typed only the newest `newest` (a shell builds an array of whatever it
/// is given, which at 20,000 ids takes it longer than the rest of the TAB), with a prefix every
/// match. Never fails.
pub fn offered(
    scope: Scope,
    prefix: &str,
    newest: usize,
    keep: impl Fn(&Entry) -> bool,
) -> Vec<Entry> {
    Cache::default_for(scope).map_or_else(Vec::new, |c| c.offered(prefix, newest, keep))
}

/// The distinct values of one field (`|e| &e.user`, `|e| &e.target`) of the cached sessions,
/// sorted: what `--user` and `--host` complete, without the network. Never fails.
pub fn distinct(scope: Scope, field: fn(&Entry) -> &str) -> Vec<String> {
    Cache::default_for(scope).map_or_else(Vec::new, |c| c.distinct(field))
}

/// The cached access-request ids that start with `prefix` (lowercase hex and dashes), distinct
/// and sorted: how `request` resolves a prefix. Never fails.
pub fn access_requests(scope: Scope, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = load(scope)
        .into_iter()
        .flat_map(|e| e.access_requests)
        .filter(|r| r.starts_with(prefix))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The cache in one directory; the free functions use the default directory, tests their own.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
    scope: Scope,
    limit: usize,
}

impl Cache {
    pub fn at(dir: impl Into<PathBuf>, scope: Scope) -> Cache {
        Cache {
            dir: dir.into(),
            scope,
            limit: MAX_ENTRIES,
        }
    }

    pub fn default_for(scope: Scope) -> Option<Cache> {
        dir().map(|d| Cache::at(d, scope))
    }

    /// Lets tests exercise the bound without writing 20k entries.
    #[cfg(test)]
    fn with_limit(mut self, limit: usize) -> Cache {
        self.limit = limit;
        self
    }

    fn file(&self) -> PathBuf {
        self.dir.join(self.scope.file_name())
    }

    /// See [`load`].
    pub fn load(&self) -> Vec<Entry> {
        self.read()
    }

    /// See [`matching`].
    pub fn matching(&self, prefix: &str) -> Vec<Entry> {
        let prefix = prefix.to_ascii_lowercase();
        // No id can start with anything else, so do not even read the file.
        if prefix.len() > 36 || !prefix.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Vec::new();
        }
        if prefix.is_empty() {
            return self.load();
        }
        self.stream_matching(&prefix)
    }

    /// [`Cache::matching`] for a non-empty lowercase prefix: most lines are skipped unparsed.
    fn stream_matching(&self, prefix: &str) -> Vec<Entry> {
        let mut found = Collector::with_capacity(16);
        if !self.stream(|lines| found.parse_lines(lines, Some(prefix))) {
            return Vec::new();
        }
        let mut found = found.finish();
        found.truncate(self.limit);
        found
    }

    /// See [`distinct`]. In the file's order (newest first) and for at most `limit` sessions,
    /// as [`Cache::load`] would give them, but without holding them all.
    pub fn distinct(&self, field: fn(&Entry) -> &str) -> Vec<String> {
        let mut seen = HashSet::with_capacity_and_hasher(self.limit.min(1024), IdHash::new());
        let mut values: HashSet<String> = HashSet::new();
        let complete = self.stream(|bytes| {
            for line in lines(bytes) {
                if seen.len() >= self.limit {
                    return;
                }
                let Some((key, entry)) = parse_line(line).and_then(sanitize) else {
                    continue;
                };
                if seen.insert(key) && !values.contains(field(&entry)) {
                    values.insert(field(&entry).to_owned());
                }
            }
        });
        if !complete {
            return Vec::new();
        }
        let mut values: Vec<String> = values.into_iter().collect();
        values.sort_unstable();
        values
    }

    /// Hands `each` the file's lines after the header, a run of whole lines at a time (see
    /// [`runs`]). False, and what `each` gathered is to be dropped, when the file is missing,
    /// untrusted, not a cache file or over the size bound.
    fn stream(&self, mut each: impl FnMut(&[u8])) -> bool {
        if private_file::check_dir(&self.dir).is_err() {
            return false;
        }
        let Ok(Some((file, _))) = private_file::open(&self.file(), MAX_FILE_BYTES as u64) else {
            return false;
        };
        let ended = runs(&file, |lines| {
            each(lines);
            ControlFlow::Continue(())
        });
        matches!(ended, Ended::Whole)
    }

    /// See [`offered`].
    pub fn offered(
        &self,
        prefix: &str,
        newest: usize,
        keep: impl Fn(&Entry) -> bool,
    ) -> Vec<Entry> {
        if !prefix.is_empty() {
            let mut found = self.matching(prefix);
            found.retain(keep);
            return found;
        }
        // The writer keeps the file newest first, so the newest sessions are its first lines:
        // read about as many bytes as those lines take, with room to spare, not the whole file
        // (4 MB at 20,000 entries). When they are not enough (a `keep` that drops many,
        // unusually long lines), read it all. A file edited out of order by hand gets its
        // first lines offered, sorted: still only ids it holds.
        let head = newest.saturating_mul(HEAD_BYTES_PER_ENTRY) + HEADER.len() + 1;
        let Some(bytes) = self.read_trusted_head(head as u64) else {
            return Vec::new();
        };
        let whole = bytes.len() < head;
        // Up to the last whole line: a cut one would not parse anyway, and a cut inside a
        // character would send the whole head down the line-by-line UTF-8 path.
        let end = if whole {
            bytes.len()
        } else {
            bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        };
        let mut found = Collector::with_capacity(newest);
        found.parse(&bytes[..end], None);
        let mut found = found.finish();
        found.retain(&keep);
        if found.len() < newest && !whole {
            found = self.load();
            found.retain(&keep);
        }
        found.truncate(newest);
        found
    }

    fn read(&self) -> Vec<Entry> {
        let Some(bytes) = self.read_trusted() else {
            return Vec::new();
        };
        let mut found = Collector::with_capacity((bytes.len() / 200).min(self.limit));
        found.parse(&bytes, None);
        let mut found = found.finish();
        // Only a hand-edited file can hold more; the bound holds for readers too.
        found.truncate(self.limit);
        found
    }

    /// [`record`] for entries. Invalid entries (non-UUID id, oversized strings) are dropped
    /// silently: they come from untrusted tctl output and have no business in the cache. (The
    /// tests' form: the program hands its sessions over with [`record`].)
    #[cfg(test)]
    pub fn record(&self, entries: &[Entry]) -> Result<(), CacheError> {
        self.write_batch(entries)
    }

    /// See [`record`]; what the tests call.
    #[cfg(test)]
    fn record_sessions(&self, sessions: &[&Session]) -> Result<(), CacheError> {
        self.write_batch(sessions)
    }

    /// The file's bytes, or None when the directory or file is not one we can trust.
    fn read_trusted(&self) -> Option<Vec<u8>> {
        self.read_trusted_head(u64::MAX)
    }

    /// The first `head` bytes of [`Cache::read_trusted`]'s file (all of it when shorter).
    fn read_trusted_head(&self, head: u64) -> Option<Vec<u8>> {
        private_file::check_dir(&self.dir).ok()?;
        match private_file::read_head(&self.file(), MAX_FILE_BYTES as u64, head) {
            Ok(Contents::Bytes(bytes)) => Some(bytes),
            _ => None,
        }
    }

    fn ensure_dir(&self) -> Result<(), CacheError> {
        private_file::ensure_dir(&self.dir).map_err(|problem| match problem {
            Problem::Io(e) => CacheError::io("cannot create session cache directory", &self.dir, e),
            Problem::Refused(why) => CacheError {
                what: "refusing to use session cache directory",
                path: self.dir.clone(),
                cause: Cause::Msg(why),
            },
        })
    }

    fn lock(&self) -> Result<File, CacheError> {
        let path = self.dir.join(LOCK_FILE);
        let fail = |e| CacheError::io("cannot lock session cache", &path, e);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
            .map_err(fail)?;
        if !file.metadata().map_err(fail)?.is_file() {
            return Err(CacheError {
                what: "refusing session cache lock",
                path,
                cause: Cause::Msg("not a regular file"),
            });
        }
        let deadline = Instant::now() + LOCK_TIMEOUT;
        let mut nap = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(nap);
                    nap = (nap * 2).min(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(CacheError {
                        what: "cannot lock session cache",
                        path,
                        cause: Cause::Msg("another tsh-review process has held the lock for 5s"),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(fail(e)),
            }
        }
    }
}

/// Why the cache could not be used; callers print it as a warning and carry on.
#[derive(Debug)]
pub struct CacheError {
    what: &'static str,
    path: PathBuf,
    cause: Cause,
}

#[derive(Debug)]
enum Cause {
    Io(io::Error),
    Msg(&'static str),
}

impl CacheError {
    fn io(what: &'static str, path: &Path, err: io::Error) -> CacheError {
        CacheError {
            what,
            path: path.to_path_buf(),
            cause: Cause::Io(err),
        }
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug formatting quotes the path and escapes control, bidi and invisible characters,
        // so a hostile $HOME cannot break the one-line warning or spoof the terminal.
        write!(f, "{} {:?}: ", self.what, self.path)?;
        match &self.cause {
            Cause::Io(e) => write!(f, "{e}"),
            Cause::Msg(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CacheError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Io(e) => Some(e),
            Cause::Msg(_) => None,
        }
    }
}

// Conversions between a listing's records and the cache's entries: what the cache keeps of a
// session, and the record a cached entry stands for when the cluster is not asked.

impl Entry {
    /// What the cache keeps of a session, as the first version of the writer took it (the
    /// tests' oracle: the writer now writes a session's line from its record).
    #[cfg(test)]
    pub fn of(s: &crate::session::Session) -> Entry {
        let ms = |t: crate::session::Time| t.get().map(jiff::Timestamp::as_millisecond);
        Entry {
            id: s.id().to_string(),
            kind: s.kind.as_str().to_owned(),
            user: s.user().to_owned(),
            target: s.target().to_owned(),
            start_ms: ms(s.start),
            end_ms: ms(s.end),
            interactive: s.interactive,
            recorded: s.recorded,
            severity: s.severity.map(|v| v.level()),
            cluster: s.cluster().map(str::to_owned),
            access_requests: s
                .extra()
                .access_requests
                .iter()
                .map(|r| r.to_string())
                .collect(),
        }
    }

    /// The session as far as the cache knows it, flagged as a listing would flag it.
    pub fn into_session(self) -> crate::session::Session {
        use crate::session::{Builder, Detail, Kind, Origin, Severity, Time, build::Draft};
        let time = |ms: Option<i64>| {
            Time::from(ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()))
        };
        let draft = Draft {
            user: &self.user,
            target: &self.target,
            cluster: self.cluster.as_deref(),
            start: time(self.start_ms),
            end: time(self.end_ms),
            interactive: self.interactive,
            recorded: self.recorded,
            severity: self
                .severity
                .and_then(|v| Severity::from_level(i64::from(v))),
            ..Draft::new(&self.id, Kind::from_name(&self.kind), Origin::Cache)
        };
        Builder::new(Detail::Row).build(draft)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{TempDir, chmod, entry, id, ids, mode, sparse};
    use super::*;
    use crate::private_file::current_uid;
    use std::fs;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    use std::process::Command;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn round_trip() {
        let tmp = TempDir::new("roundtrip");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        assert!(cache.load().is_empty());
        let sparse = sparse(3, 3000, false);
        let written = vec![entry(1, 1000), entry(2, 2000), sparse];
        cache.record(&written).unwrap();
        let read = cache.load();
        assert_eq!(
            read,
            vec![written[2].clone(), written[1].clone(), written[0].clone()]
        );

        let text = fs::read_to_string(cache.file()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(r#"{"tsh-review-cache":1}"#));
        assert_eq!(lines.count(), 3);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn dedupe_new_wins() {
        let tmp = TempDir::new("dedupe");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1000), entry(2, 2000)]).unwrap();
        let mut newer = entry(1, 1000);
        newer.user = "bob".into();
        newer.severity = Some(4);
        // Uppercase input is the same session.
        newer.id = newer.id.to_ascii_uppercase();
        cache.record(&[newer.clone(), entry(3, 500)]).unwrap();
        let read = cache.load();
        assert_eq!(ids(&read), vec![id(2), id(1), id(3)]);
        assert_eq!(read[1].user, "bob");
        assert_eq!(read[1].severity, Some(4));

        // Within one batch, the last occurrence wins.
        let mut first = entry(5, 5000);
        first.user = "first".into();
        let mut last = entry(5, 5000);
        last.user = "last".into();
        cache.record(&[first, last]).unwrap();
        let read = cache.load();
        assert_eq!(read.iter().filter(|e| e.id == id(5)).count(), 1);
        assert_eq!(read[0].user, "last");
    }

    #[test]
    fn ordering_newest_first() {
        let tmp = TempDir::new("order");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let mut a = entry(1, 1000);
        a.end_ms = Some(1500);
        let mut b = entry(2, 1000);
        b.end_ms = Some(9000);
        let mut c = entry(3, 1000);
        c.end_ms = None;
        let mut d = entry(4, 0);
        d.start_ms = None;
        let e = entry(5, 50_000);
        let f = entry(6, -5);
        cache.record(&[a, b, c, d]).unwrap();
        cache.record(&[e, f]).unwrap();
        assert_eq!(
            ids(&cache.load()),
            vec![id(5), id(2), id(1), id(3), id(6), id(4)]
        );
    }

    #[test]
    fn bounded_to_limit_keeping_newest() {
        let tmp = TempDir::new("bound");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live).with_limit(5);
        cache
            .record(&(0..4).map(|n| entry(n, n as i64)).collect::<Vec<_>>())
            .unwrap();
        cache
            .record(&(10..14).map(|n| entry(n, n as i64)).collect::<Vec<_>>())
            .unwrap();
        let read = cache.load();
        assert_eq!(ids(&read), vec![id(13), id(12), id(11), id(10), id(3)]);
        let lines = fs::read_to_string(cache.file()).unwrap().lines().count();
        assert_eq!(lines, 6);
    }

    #[test]
    fn bounded_to_max_entries() {
        let tmp = TempDir::new("maxentries");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let many: Vec<Entry> = (0..MAX_ENTRIES as u64 + 7)
            .map(|n| entry(n, n as i64))
            .collect();
        cache.record(&many).unwrap();
        let read = cache.load();
        assert_eq!(read.len(), MAX_ENTRIES);
        assert_eq!(read[0].id, id(MAX_ENTRIES as u64 + 6));
        assert_eq!(read[MAX_ENTRIES - 1].id, id(7));
    }

    /// With nothing typed completion gets the newest few, read from the head of the file,
    /// whatever a filter drops; with a prefix every match.
    #[test]
    fn offered_is_the_newest_few_or_every_match() {
        let tmp = TempDir::new("offered");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        assert!(cache.offered("", 10, |_| true).is_empty());
        let mut many: Vec<Entry> = (0..2000u64).map(|n| entry(n, n as i64)).collect();
        // A long line among the newest: the head may cut anywhere, even inside a character.
        many[1990].target = "é".repeat(200);
        cache.record(&many).unwrap();
        let all = ids(&cache.load());
        assert_eq!(ids(&cache.offered("", 10, |_| true)), all[..10]);
        // Every 37th session only: more than the head holds, so the whole file is read.
        let rare = |e: &Entry| e.user.trim_start_matches("user").parse::<u64>().unwrap() % 37 == 0;
        let want: Vec<String> = all
            .iter()
            .filter(|i| u64::from_str_radix(&i[24..], 16).unwrap() % 37 == 0)
            .take(10)
            .cloned()
            .collect();
        assert_eq!(want.len(), 10);
        assert_eq!(ids(&cache.offered("", 10, rare)), want);
        // More than there are.
        assert_eq!(cache.offered("", 5000, |_| true).len(), 2000);
        // A prefix gets every match, newest first, past the bound; case does not matter.
        let matching = ids(&cache.matching("0000"));
        assert_eq!(matching.len(), 2000);
        assert_eq!(ids(&cache.offered("0000", 10, |_| true)), matching);
        let one: Vec<String> = all
            .iter()
            .filter(|i| i.starts_with("000000a"))
            .cloned()
            .collect();
        assert_eq!(one.len(), 16);
        assert_eq!(ids(&cache.offered("000000A", 10, |_| true)), one);
        assert!(cache.offered("zz", 10, |_| true).is_empty());
    }

    #[test]
    fn corrupt_header_reads_empty_and_is_rebuilt() {
        let tmp = TempDir::new("header");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1000)]).unwrap();
        let good = serde_json::to_string(&entry(1, 1000)).unwrap();
        for bad in [
            format!("{good}\n"),
            format!("{{\"tsh-review-cache\":2}}\n{good}\n"),
            "".to_string(),
            "\u{0}\u{ff}garbage".to_string(),
        ] {
            fs::write(cache.file(), &bad).unwrap();
            assert!(cache.load().is_empty(), "{bad:?}");
            assert!(cache.matching("").is_empty());
        }
        // The next record starts over from a clean file.
        cache.record(&[entry(2, 2000)]).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(2)]);
        let text = fs::read_to_string(cache.file()).unwrap();
        assert!(text.starts_with("{\"tsh-review-cache\":1}\n"));
        assert!(!text.contains("garbage"));
    }

    #[test]
    fn garbage_lines_are_skipped_good_ones_kept() {
        let tmp = TempDir::new("garbage");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(9, 9)]).unwrap();
        let line = |n, t| serde_json::to_string(&entry(n, t)).unwrap();
        let mut bad_id = entry(7, 7000);
        bad_id.id = "../../etc/passwd".into();
        let mut long = entry(8, 8000);
        long.target = "x".repeat(MAX_FIELD_BYTES + 1);
        let truncated = line(6, 6000);
        let truncated = &truncated[..truncated.len() - 5];
        let mut bytes = format!(
            "{}\n{}\nnot json at all\n\n{}\n[1,2,3]\n{{\"id\":42}}\n{}\n{}\n",
            r#"{"tsh-review-cache":1}"#,
            line(1, 1000),
            serde_json::to_string(&bad_id).unwrap(),
            serde_json::to_string(&long).unwrap(),
            line(2, 2000),
        )
        .into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\x00binary\n");
        bytes.extend_from_slice(truncated.as_bytes());
        fs::write(cache.file(), &bytes).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(2), id(1)]);
        assert_eq!(ids(&cache.matching("0000000")), vec![id(2), id(1)]);

        // Recording rewrites the file with only the valid entries.
        cache.record(&[entry(3, 3000)]).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(3), id(2), id(1)]);
        assert_eq!(fs::read_to_string(cache.file()).unwrap().lines().count(), 4);
    }

    #[test]
    fn oversized_file_reads_as_corrupt() {
        let tmp = TempDir::new("huge");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        let mut bytes = fs::read(cache.file()).unwrap();
        bytes.resize(MAX_FILE_BYTES + 1, b'\n');
        fs::write(cache.file(), &bytes).unwrap();
        assert!(cache.load().is_empty());
        cache.record(&[entry(2, 2)]).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(2)]);
    }

    #[test]
    fn access_requests_round_trip_and_only_uuids_are_kept() {
        let tmp = TempDir::new("requests");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let mut e = entry(1, 1);
        e.access_requests = vec![
            "a9c97e9f-1dc3-44b2-9a1e-a4e169614065".into(),
            "--help".into(),
            "A9C97E9F-1DC3-44B2-9A1E-A4E169614065".into(),
        ];
        cache.record(&[e, entry(2, 2)]).unwrap();
        let back = cache.load();
        let with: Vec<&Entry> = back
            .iter()
            .filter(|e| !e.access_requests.is_empty())
            .collect();
        assert_eq!(with.len(), 1);
        assert_eq!(
            with[0].access_requests,
            ["a9c97e9f-1dc3-44b2-9a1e-a4e169614065"]
        );
    }

    #[test]
    fn modes_are_private() {
        let tmp = TempDir::new("modes");
        let cache = Cache::at(tmp.cache_dir().join("nested"), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        assert_eq!(mode(&tmp.cache_dir().join("nested")), 0o700);
        assert_eq!(mode(&tmp.cache_dir()), 0o700);
        assert_eq!(mode(&cache.file()), 0o600);
        assert_eq!(mode(&tmp.cache_dir().join("nested").join(LOCK_FILE)), 0o600);
        // A readable existing directory is tightened.
        chmod(&tmp.cache_dir(), 0o755);
        cache.record(&[entry(3, 3)]).unwrap();
        assert_eq!(mode(&tmp.cache_dir()), 0o755);
        chmod(&tmp.cache_dir().join("nested"), 0o755);
        cache.record(&[entry(4, 4)]).unwrap();
        assert_eq!(mode(&tmp.cache_dir().join("nested")), 0o700);
        // A rebuilt file is private even if the old one was not.
        chmod(&cache.file(), 0o644);
        cache.record(&[entry(2, 2)]).unwrap();
        assert_eq!(mode(&cache.file()), 0o600);
    }

    #[test]
    fn refuses_group_or_world_writable_dir() {
        for loose in [0o770, 0o702, 0o777] {
            let tmp = TempDir::new("loose");
            let dir = tmp.cache_dir();
            let cache = Cache::at(&dir, Scope::Live);
            cache.record(&[entry(1, 1)]).unwrap();
            chmod(&dir, loose);
            assert!(cache.load().is_empty());
            assert!(cache.matching("").is_empty());
            let err = cache.record(&[entry(2, 2)]).unwrap_err().to_string();
            assert!(err.contains("group/world-writable"), "{err}");
            assert!(err.contains(&*dir.to_string_lossy()), "{err}");
            // Nothing was written.
            chmod(&dir, 0o700);
            assert_eq!(ids(&cache.load()), vec![id(1)]);
        }
    }

    #[test]
    fn group_writable_or_foreign_file_is_ignored_and_replaced() {
        let tmp = TempDir::new("loosefile");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        chmod(&cache.file(), 0o620);
        assert!(cache.load().is_empty());
        cache.record(&[entry(2, 2)]).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(2)]);
        assert_eq!(mode(&cache.file()), 0o600);

        if current_uid() == 0 {
            std::os::unix::fs::chown(cache.file(), Some(4242), None).unwrap();
            assert!(cache.load().is_empty());
            cache.record(&[entry(3, 3)]).unwrap();
            assert_eq!(ids(&cache.load()), vec![id(3)]);
        }
    }

    #[test]
    fn refuses_foreign_owned_dir() {
        if current_uid() != 0 {
            eprintln!("skipped: needs root to chown");
            return;
        }
        let tmp = TempDir::new("foreign");
        let dir = tmp.cache_dir();
        let cache = Cache::at(&dir, Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        std::os::unix::fs::chown(&dir, Some(4242), None).unwrap();
        assert!(cache.load().is_empty());
        let err = cache.record(&[entry(2, 2)]).unwrap_err().to_string();
        assert!(err.contains("not owned by the current user"), "{err}");
    }

    #[test]
    fn refuses_symlinked_file() {
        let tmp = TempDir::new("symlink");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        let elsewhere = tmp.0.join("elsewhere.jsonl");
        fs::rename(cache.file(), &elsewhere).unwrap();
        let before = fs::read(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, cache.file()).unwrap();
        assert!(cache.load().is_empty());
        assert!(cache.matching("").is_empty());
        let err = cache.record(&[entry(2, 2)]).unwrap_err().to_string();
        assert!(err.contains("symlink"), "{err}");
        assert_eq!(fs::read(&elsewhere).unwrap(), before);
        assert!(
            fs::symlink_metadata(cache.file())
                .unwrap()
                .file_type()
                .is_symlink()
        );

        // A dangling symlink is refused too, not created through.
        let dangling = tmp.0.join("dangling.jsonl");
        fs::remove_file(cache.file()).unwrap();
        std::os::unix::fs::symlink(&dangling, cache.file()).unwrap();
        assert!(cache.record(&[entry(3, 3)]).is_err());
        assert!(!dangling.exists());
    }

    #[test]
    fn fifo_does_not_hang() {
        let tmp = TempDir::new("fifo");
        let dir = tmp.cache_dir();
        let cache = Cache::at(&dir, Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        fs::remove_file(cache.file()).unwrap();
        let c_path =
            std::ffi::CString::new(cache.file().into_os_string().into_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert!(cache.load().is_empty());
        let err = cache.record(&[entry(2, 2)]).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn dir_that_is_a_file_is_an_error() {
        let tmp = TempDir::new("notdir");
        let path = tmp.cache_dir();
        fs::write(&path, "x").unwrap();
        let cache = Cache::at(&path, Scope::Live);
        assert!(cache.load().is_empty());
        let err = cache.record(&[entry(1, 1)]).unwrap_err();
        assert!(err.to_string().contains("tsh-review"), "{err}");
    }

    #[test]
    fn stale_temp_files_are_cleaned_up() {
        let tmp = TempDir::new("stale");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        let stale = tmp.cache_dir().join(".sessions.jsonl.999.0.0.tmp");
        fs::write(&stale, "junk").unwrap();
        cache.record(&[entry(2, 2)]).unwrap();
        assert!(!stale.exists());
        let names: Vec<_> = fs::read_dir(tmp.cache_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, vec!["sessions.jsonl", "sessions.lock"]);
    }

    #[test]
    fn nothing_valid_writes_nothing() {
        let tmp = TempDir::new("nothing");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[]).unwrap();
        let mut bad = entry(1, 1);
        bad.id = "nope".into();
        cache.record(&[bad]).unwrap();
        assert!(!tmp.cache_dir().exists());
    }

    #[test]
    fn unchanged_content_is_not_rewritten() {
        let tmp = TempDir::new("unchanged");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1), entry(2, 2)]).unwrap();
        let ino = fs::metadata(cache.file()).unwrap().ino();
        cache.record(&[entry(1, 1)]).unwrap();
        assert_eq!(fs::metadata(cache.file()).unwrap().ino(), ino);
        cache.record(&[entry(3, 3)]).unwrap();
        assert_ne!(fs::metadata(cache.file()).unwrap().ino(), ino);
    }

    #[test]
    fn scopes_are_separate_files() {
        let tmp = TempDir::new("scopes");
        let live = Cache::at(tmp.cache_dir(), Scope::Live);
        let demo = Cache::at(tmp.cache_dir(), Scope::Demo);
        live.record(&[entry(1, 1)]).unwrap();
        demo.record(&[entry(2, 2)]).unwrap();
        assert_eq!(ids(&live.load()), vec![id(1)]);
        assert_eq!(ids(&demo.load()), vec![id(2)]);
        assert!(tmp.cache_dir().join("sessions.jsonl").is_file());
        assert!(tmp.cache_dir().join("demo-sessions.jsonl").is_file());
    }

    #[test]
    fn matching_by_prefix_case_insensitive() {
        let tmp = TempDir::new("matching");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let mut a = entry(1, 1000);
        a.id = "ABCDEF01-2345-4789-8abc-def012345678".into();
        let mut b = entry(2, 2000);
        b.id = "abcd0000-0000-4000-8000-000000000000".into();
        let mut c = entry(3, 3000);
        c.id = "12345678-0000-4000-8000-000000000000".into();
        cache.record(&[a, b, c]).unwrap();
        let m = |p: &str| ids(&cache.matching(p));
        assert_eq!(
            m("abcd"),
            vec![
                "abcd0000-0000-4000-8000-000000000000",
                "abcdef01-2345-4789-8abc-def012345678"
            ]
        );
        assert_eq!(m("ABCDE"), vec!["abcdef01-2345-4789-8abc-def012345678"]);
        assert_eq!(
            m("AbCdEf01-2345-4"),
            vec!["abcdef01-2345-4789-8abc-def012345678"]
        );
        assert_eq!(
            m("abcdef01-2345-4789-8abc-def012345678"),
            vec!["abcdef01-2345-4789-8abc-def012345678"]
        );
        assert_eq!(m("").len(), 3);
        assert_eq!(m("1"), vec!["12345678-0000-4000-8000-000000000000"]);
        assert!(m("9").is_empty());
        assert!(m("xyz").is_empty());
        assert!(m("abcd ").is_empty());
        assert!(m("abcdef01-2345-4789-8abc-def0123456789").is_empty());
        assert_eq!(m("ABCDEF01-2345-4789-8ABC-DEF012345678").len(), 1);
    }

    #[test]
    fn matching_falls_back_to_parsing_unusual_lines() {
        let tmp = TempDir::new("unusual");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        // Same entry written with another key order and an escaped id; still found.
        let text = format!(
            "{}\n{}\n{}\n",
            r#"{"tsh-review-cache":1}"#,
            r#"{"kind":"db","user":"u","target":"t","id":"abcdef01-2345-4789-8abc-def012345678"}"#,
            r#"{"id":"\u0061bcdef02-2345-4789-8abc-def012345678","kind":"db","user":"u","target":"t"}"#,
        );
        fs::write(cache.file(), text).unwrap();
        assert_eq!(cache.matching("abcdef0").len(), 2);
        assert_eq!(cache.matching("ABCDEF02").len(), 1);
        assert_eq!(cache.load().len(), 2);
    }

    #[test]
    fn rejects_non_uuid_ids_and_junk() {
        let tmp = TempDir::new("reject");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let bad_ids = [
            "",
            "not-a-uuid",
            "abcdef0123454789 8abcdef012345678",
            "abcdef0123454789abcdef0123456789",
            "{abcdef01-2345-4789-8abc-def012345678}",
            "urn:uuid:abcdef01-2345-4789-8abc-def012345678",
            "abcdef01-2345-4789-8abc-def01234567",
            "abcdef01-2345-4789-8abc-def0123456789",
            "abcdef01-2345-4789-8abc-def01234567g",
            "abcdef01_2345_4789_8abc_def012345678",
            "abcdef012-345-4789-8abc-def012345678",
            " abcdef01-2345-4789-8abc-def01234567",
            "abcdef01-2345-4789-8abc-def01234567\n",
            "-rf /tmp/x-4789-8abc-def012345678000",
            "ａbcdef01-2345-4789-8abc-def0123456",
        ];
        let mut batch: Vec<Entry> = bad_ids
            .iter()
            .map(|bad| Entry {
                id: (*bad).into(),
                ..entry(1, 1)
            })
            .collect();
        let long = "x".repeat(MAX_FIELD_BYTES + 1);
        batch.push(Entry {
            user: long.clone(),
            ..entry(2, 2)
        });
        batch.push(Entry {
            kind: long.clone(),
            ..entry(3, 3)
        });
        batch.push(Entry {
            target: long.clone(),
            ..entry(4, 4)
        });
        batch.push(Entry {
            cluster: Some(long),
            ..entry(5, 5)
        });
        let ok_edge = Entry {
            user: "x".repeat(MAX_FIELD_BYTES),
            severity: Some(9),
            ..entry(6, 6)
        };
        batch.push(ok_edge);
        batch.push(Entry {
            id: "ABCDEF01-2345-4789-8ABC-DEF012345678".into(),
            severity: Some(0),
            ..entry(7, 7)
        });
        cache.record(&batch).unwrap();
        let read = cache.load();
        assert_eq!(
            ids(&read),
            vec!["abcdef01-2345-4789-8abc-def012345678".to_string(), id(6)]
        );
        assert_eq!(read[0].severity, None);
        assert_eq!(read[1].severity, None);
        assert_eq!(read[1].user.len(), MAX_FIELD_BYTES);
    }

    #[test]
    fn dir_resolution() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            dir_from(os("/x/cache"), os("/home/u")),
            Some(PathBuf::from("/x/cache/tsh-review"))
        );
        assert_eq!(
            dir_from(os("relative"), os("/home/u")),
            Some(PathBuf::from("/home/u/.cache/tsh-review"))
        );
        assert_eq!(
            dir_from(os(""), os("/home/u")),
            Some(PathBuf::from("/home/u/.cache/tsh-review"))
        );
        assert_eq!(
            dir_from(None, os("/home/u")),
            Some(PathBuf::from("/home/u/.cache/tsh-review"))
        );
        assert_eq!(dir_from(None, os("")), None);
        assert_eq!(dir_from(os("x"), os("home")), None);
        assert_eq!(dir_from(None, None), None);
    }

    #[test]
    fn error_message_is_one_line_with_path() {
        let tmp = TempDir::new("errmsg");
        let dir = tmp.0.join("evil\n\u{1b}[2J\u{202e}dir");
        fs::DirBuilder::new().mode(0o777).create(&dir).unwrap();
        chmod(&dir, 0o777);
        let err = Cache::at(&dir, Scope::Live)
            .record(&[entry(1, 1)])
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            !msg.contains('\n') && !msg.contains('\u{1b}') && !msg.contains('\u{202e}'),
            "{msg}"
        );
        assert!(msg.contains("evil\\n\\u{1b}[2J\\u{202e}dir"), "{msg}");
        assert!(msg.contains("refusing"), "{msg}");
        let _: &dyn std::error::Error = &err;
    }

    const CHILD_ENV: &str = "TSH_REVIEW_CACHE_TEST_CHILD";
    const ROUNDS: u64 = 20;
    const PER_ROUND: u64 = 5;

    /// Worker `w` records 20 disjoint batches, each with its own Cache value.
    fn record_worker(dir: &Path, w: u64) {
        for round in 0..ROUNDS {
            let batch: Vec<Entry> = (0..PER_ROUND)
                .map(|k| {
                    let n = w * 10_000 + round * PER_ROUND + k;
                    entry(n, n as i64)
                })
                .collect();
            Cache::at(dir, Scope::Live).record(&batch).unwrap();
        }
    }

    /// Not a test on its own: the body of the child processes spawned by
    /// `concurrent_threads_and_processes_keep_the_union`.
    #[test]
    fn child_record_helper() {
        let Some(arg) = std::env::var_os(CHILD_ENV) else {
            return;
        };
        let arg = arg.into_string().unwrap();
        let (dir, w) = arg.rsplit_once('|').unwrap();
        record_worker(Path::new(dir), w.parse().unwrap());
    }

    #[test]
    fn concurrent_threads_and_processes_keep_the_union() {
        let tmp = TempDir::new("concurrent");
        let dir = tmp.cache_dir();
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (2..4u64)
            .map(|w| {
                Command::new(&exe)
                    .args(["tests::child_record_helper", "--test-threads=1", "--quiet"])
                    .env(CHILD_ENV, format!("{}|{w}", dir.display()))
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let threads: Vec<_> = (0..2u64)
            .map(|w| {
                let dir = dir.clone();
                std::thread::spawn(move || record_worker(&dir, w))
            })
            .collect();
        // Readers never see a torn file while writers are busy.
        let reader = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut seen = 0;
                for _ in 0..200 {
                    let n = Cache::at(&dir, Scope::Live).load().len();
                    assert!(n >= seen, "entries went from {seen} to {n}");
                    seen = n;
                }
            })
        };
        for t in threads {
            t.join().unwrap();
        }
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        reader.join().unwrap();
        let read = Cache::at(&dir, Scope::Live).load();
        let got: HashSet<String> = ids(&read).into_iter().collect();
        let want: HashSet<String> = (0..4u64)
            .flat_map(|w| (0..ROUNDS * PER_ROUND).map(move |i| id(w * 10_000 + i)))
            .collect();
        assert_eq!(read.len(), want.len());
        assert_eq!(got, want);
    }

    /// Run with `cargo test --release -- --nocapture load_speed` for meaningful numbers.
    #[test]
    fn load_speed_10k() {
        let tmp = TempDir::new("speed");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        let entries: Vec<Entry> = (0..10_000u64)
            .map(|n| Entry {
                id: format!(
                    "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                    n.wrapping_mul(2_654_435_761) & 0xffff_ffff,
                    n & 0xffff,
                    n & 0xfff,
                    n & 0xfff,
                    n * 7919
                ),
                kind: ["ssh", "k8s", "db", "desktop", "app"][(n % 5) as usize].into(),
                user: format!("alice.{n}@example.com"),
                target: format!("prod-web-{n:05}.eu-west-1.internal.example.com"),
                start_ms: Some(1_780_000_000_000 + n as i64 * 60_000),
                end_ms: Some(1_780_000_000_000 + n as i64 * 60_000 + 30_000),
                interactive: Some(n % 3 == 0),
                recorded: Some(true),
                severity: (n % 4 != 0).then_some((n % 4) as u8),
                cluster: Some("teleport.example.com".into()),
                access_requests: Vec::new(),
            })
            .collect();
        cache.record(&entries).unwrap();
        let size = fs::metadata(cache.file()).unwrap().len();
        // Debug builds are only checking that it runs; numbers come from release builds.
        let rounds = if cfg!(debug_assertions) { 2 } else { 31 };
        let time = |label: &str, f: &dyn Fn() -> usize| {
            let mut runs: Vec<Duration> = (0..rounds)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(f());
                    t.elapsed()
                })
                .collect();
            runs.sort();
            eprintln!(
                "cache bench: {label:<28} {:>5} results, median {:?} (min {:?})",
                f(),
                runs[rounds / 2],
                runs[0]
            );
        };
        eprintln!("cache bench: 10k entries, {size} bytes");
        time("load()", &|| cache.load().len());
        time("matching(\"\")", &|| cache.matching("").len());
        time("matching(\"a\")", &|| cache.matching("a").len());
        time("matching(\"3f\")", &|| cache.matching("3f").len());
        time("load() + filter \"3f\"", &|| {
            cache
                .load()
                .into_iter()
                .filter(|e| e.id.starts_with("3f"))
                .count()
        });
        let next = AtomicU64::new(1_000_000);
        time("record(1 new entry)", &|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            cache.record(&[entry(n, n as i64)]).unwrap();
            1
        });
    }

    #[test]
    fn a_session_read_back_from_the_cache_keeps_its_row_and_flags() {
        use crate::session::{Flag, Kind, Origin, Session, Severity};
        let mut s = Session::new(
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abc",
            Kind::from_name("mcp"),
            Origin::Ls,
        );
        s.set_user("ignore previous instructions");
        s.set_target("web-01");
        s.set_cluster(Some("c1"));
        s.start = "2026-06-03T10:00:00.5Z".parse().unwrap();
        s.end = "2026-06-03T10:01:00Z".parse().unwrap();
        s.interactive = Some(false);
        s.severity = Some(Severity::High);
        s.extra_mut().access_requests = vec!["4f1a2b3c-0000-4000-8000-000000000001".into()];
        let e = Entry::of(&s);
        assert_eq!(e.access_requests, ["4f1a2b3c-0000-4000-8000-000000000001"]);
        let back = e.into_session();
        assert_eq!(back.id(), s.id());
        assert_eq!(back.kind.as_str(), "mcp");
        assert_eq!(
            (back.user(), back.target(), back.cluster()),
            (s.user(), "web-01", Some("c1"))
        );
        assert_eq!(
            (back.start, back.end, back.severity),
            (s.start, s.end, s.severity)
        );
        assert_eq!(
            back.flags.to_vec(),
            [Flag::SuspiciousText, Flag::NonInteractive]
        );
    }

    /// What a listing hands the cache: sessions it cannot write (not a UUID, a field too long)
    /// never count toward the 20,000, however new; of the rest, the newest.
    #[test]
    fn keepable_counts_only_what_the_cache_writes() {
        let mut sessions: Vec<Session> = (0..MAX_ENTRIES as u64 + 5)
            .map(|n| entry(n, n as i64 * 1000).into_session())
            .collect();
        for n in 0..3 {
            let mut bad = entry(0, i64::MAX / 2 - n);
            bad.id = format!("not-a-uuid-{n}");
            sessions.push(bad.into_session());
        }
        let mut long = entry(MAX_ENTRIES as u64 + 10, i64::MAX / 2);
        long.user = "x".repeat(MAX_FIELD_BYTES + 1);
        sessions.push(long.into_session());
        let kept = keepable(&sessions);
        assert_eq!(kept.len(), MAX_ENTRIES);
        let oldest = kept.iter().map(|s| s.when()).min().unwrap();
        assert_eq!(oldest, (Some(5000), Some(6000)));
        assert!(kept.iter().all(|s| s.key().is_some()));
    }
}
