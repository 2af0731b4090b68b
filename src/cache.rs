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

use std::cmp::Reverse;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::private_file::{self, AtomicFile, Contents, Problem, WriteError};
use crate::session::{Session, SessionId, Time, is_canonical_id, uuid_bits};

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

/// Of `items`, the ones the cache would keep: at most [`MAX_ENTRIES`], the newest by start then
/// end (Unix milliseconds, as `when` gives them). Lets a caller hand over only those.
pub fn keepable<T>(mut items: Vec<T>, when: impl Fn(&T) -> (Option<i64>, Option<i64>)) -> Vec<T> {
    if items.len() > MAX_ENTRIES {
        items.select_nth_unstable_by_key(MAX_ENTRIES - 1, |t| Reverse(when(t)));
        items.truncate(MAX_ENTRIES);
    }
    items
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

    /// Merges `records` into the file, as [`record`] says: the batch's valid records (the last
    /// of an id) and the old file's valid lines (the first of an id not in the batch), newest
    /// first by start then end, ties in that order, at most `limit` of them and no more than a
    /// reader accepts. Unchanged, the file is left as it is.
    ///
    /// The file our writer leaves is already in that order, so its lines are merged with the
    /// batch as they are read, a chunk at a time, and each line goes to the new file as it is
    /// made: only the batch's order and the ids seen are held. A file in any other order (one
    /// edited by hand) is read whole and its lines sorted first.
    fn write_batch<R: Record>(&self, records: &[R]) -> Result<(), CacheError> {
        let batch = Batch::new(records);
        if batch.order.is_empty() {
            return Ok(());
        }
        self.ensure_dir()?;
        let _lock = self.lock()?;
        // Every writer holds the lock while its temp file exists, and we hold it now.
        for scope in [Scope::Live, Scope::Demo] {
            private_file::remove_stale_temps(&self.dir, scope.file_name(), Duration::ZERO);
        }
        let path = self.file();
        let old = match private_file::open(&path, MAX_FILE_BYTES as u64) {
            Ok(Some((file, _))) => Some(file),
            // Missing, foreign-owned, loose mode, oversized, unreadable: rebuild from scratch.
            Ok(None) | Err(Problem::Io(_)) => None,
            Err(Problem::Refused(why)) => {
                return Err(CacheError {
                    what: "refusing to replace session cache",
                    path,
                    cause: Cause::Msg(why),
                });
            }
        };
        let Some(old) = old else {
            return self.merge_none(&batch);
        };
        match self.merge_streamed(&batch, &old)? {
            Streamed::Done => Ok(()),
            Streamed::Unreadable => self.merge_none(&batch),
            Streamed::Unsorted => match read_whole(&old) {
                Some(bytes) => self.merge_whole(&batch, &bytes),
                None => self.merge_none(&batch),
            },
        }
    }

    /// The batch alone: the old file could not be read (or was not to be trusted).
    fn merge_none<R: Record>(&self, batch: &Batch<R>) -> Result<(), CacheError> {
        let out = Out::new(&self.dir, self.scope.file_name(), Against::Nothing);
        Merge::new(batch, self.limit, out)?.finish()
    }

    /// The batch merged with `old`'s lines as they are read, if they come in the order the
    /// new file keeps them.
    fn merge_streamed<R: Record>(
        &self,
        batch: &Batch<R>,
        old: &File,
    ) -> Result<Streamed, CacheError> {
        let out = Out::new(&self.dir, self.scope.file_name(), Against::File(old));
        let mut merge = Merge::new(batch, self.limit, out)?;
        let mut stop = None;
        let ended = runs(old, |run| {
            for line in lines(run) {
                if let Err(why) = merge.old_in_order(line) {
                    stop = Some(why);
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        match (ended, stop) {
            (_, Some(Stop::Unsorted)) => return Ok(Streamed::Unsorted),
            (_, Some(Stop::Failed(e))) => return Err(e),
            (Ended::Failed, None) => return Ok(Streamed::Unreadable),
            (Ended::Whole | Ended::NotCache | Ended::Stopped, None) => {}
        }
        merge.finish()?;
        Ok(Streamed::Done)
    }

    /// The batch merged with the lines of `old`, a whole file in any order.
    fn merge_whole<R: Record>(&self, batch: &Batch<R>, old: &[u8]) -> Result<(), CacheError> {
        let out = Out::new(&self.dir, self.scope.file_name(), Against::Bytes(old));
        let mut merge = Merge::new(batch, self.limit, out)?;
        let mut kept = Vec::new();
        if let Some(rest) = after_header(old) {
            let mut at = old.len() - rest.len();
            for line in rest.split(|&b| b == b'\n') {
                let text = std::str::from_utf8(line).unwrap_or("");
                if let Some((key, when, _)) = old_line(text)
                    && merge.first_of(key)
                {
                    kept.push(Placed {
                        when,
                        at: at as u32,
                        len: line.len() as u32,
                    });
                }
                at += line.len() + 1;
            }
        }
        // Newest first; ties in the file's order.
        kept.sort_unstable_by(|a, b| b.when.cmp(&a.when).then(a.at.cmp(&b.at)));
        for placed in kept {
            let line = &old[placed.at as usize..][..placed.len as usize];
            let Some((_, when, form)) = old_line(std::str::from_utf8(line).unwrap_or("")) else {
                continue;
            };
            merge.old(line, when, form)?;
            if merge.full() {
                break;
            }
        }
        merge.finish()
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

/// How [`runs`] ended.
enum Ended {
    /// Every line was handed over.
    Whole,
    /// `each` asked to stop.
    Stopped,
    /// The file does not start with our header: it holds no entries.
    NotCache,
    /// Reading failed, or the file is over the size bound: as good as missing.
    Failed,
}

/// Hands `each` the lines of a cache file after the header, a run of whole lines at a time,
/// read in small chunks: a TAB after a prefix or `--user` reads the whole cache, and a buffer
/// the size of the file (about 4 MB at 20,000 entries) cost more to allocate and fault in
/// than the rest of the answer; the writer merges the old file's lines as they come.
fn runs(file: impl Read, mut each: impl FnMut(&[u8]) -> ControlFlow<()>) -> Ended {
    const CHUNK: usize = 64 << 10;
    // Bounded even if the file grows after the check; a file over the bound is ignored.
    let mut file = file.take(MAX_FILE_BYTES as u64 + 1);
    let (mut buf, mut filled, mut total) = (vec![0; CHUNK], 0, 0);
    let mut header = false;
    loop {
        if filled == buf.len() {
            // A line longer than the buffer: only a hand-edited file has one.
            buf.resize(buf.len() * 2, 0);
        }
        let n = match file.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Ended::Failed,
        };
        total += n;
        if total > MAX_FILE_BYTES {
            return Ended::Failed;
        }
        filled += n;
        // Whole lines only; at the end of the file, whatever is left.
        let end = match buf[..filled].iter().rposition(|&b| b == b'\n') {
            _ if n == 0 => filled,
            Some(i) => i + 1,
            None => continue,
        };
        let mut lines = &buf[..end];
        if !header {
            let Some(rest) = after_header(lines) else {
                return Ended::NotCache;
            };
            (lines, header) = (rest, true);
        }
        if each(lines).is_break() {
            return Ended::Stopped;
        }
        if n == 0 {
            return Ended::Whole;
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
}

/// Gathers entries, dropping invalid ones and later duplicates of an id, then sorts them.
struct Collector {
    seen: HashSet<u128, IdHash>,
    entries: Vec<Entry>,
}

impl Collector {
    fn with_capacity(n: usize) -> Collector {
        Collector {
            seen: HashSet::with_capacity_and_hasher(n, IdHash::new()),
            entries: Vec::with_capacity(n),
        }
    }

    fn add(&mut self, entry: Entry) {
        if let Some((key, entry)) = sanitize(entry)
            && self.seen.insert(key)
        {
            self.entries.push(entry);
        }
    }

    /// Adds the entries of a cache file, skipping lines that fail to parse or validate. With
    /// `prefix` (lowercase), only entries whose id starts with it.
    fn parse(&mut self, bytes: &[u8], prefix: Option<&str>) {
        if let Some(lines) = after_header(bytes) {
            self.parse_lines(lines, prefix);
        }
    }

    /// [`Collector::parse`] for whole lines after the header.
    fn parse_lines(&mut self, bytes: &[u8], prefix: Option<&str>) {
        for line in lines(bytes) {
            // Our writer puts the id first: skip visibly non-matching lines without parsing.
            if let Some(prefix) = prefix
                && let Some(rest) = line.strip_prefix(r#"{"id":""#)
                && let Some(head) = rest.get(..prefix.len())
                && !head.contains('\\')
                && !head.eq_ignore_ascii_case(prefix)
            {
                continue;
            }
            let Some(entry) = parse_line(line) else {
                continue;
            };
            if let Some(prefix) = prefix
                && !entry
                    .id
                    .get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            {
                continue;
            }
            self.add(entry);
        }
    }

    /// Newest first; ties keep their order, so earlier (newer) additions stay first.
    fn finish(mut self) -> Vec<Entry> {
        self.entries
            .sort_by_key(|e| Reverse((e.start_ms, e.end_ms)));
        self.entries
    }
}

/// The lines of `bytes`. One UTF-8 check for the whole run lets lines be split with memchr
/// and strings be parsed without revalidation; a run with invalid bytes takes the slow path,
/// where a line that is not UTF-8 reads as empty.
fn lines(bytes: &[u8]) -> Box<dyn Iterator<Item = &str> + '_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Box::new(text.split('\n')),
        Err(_) => Box::new(
            bytes
                .split(|&b| b == b'\n')
                .map(|line| std::str::from_utf8(line).unwrap_or("")),
        ),
    }
}

/// The lines after a cache file's header line, or None when the file does not start with
/// one (an old or foreign format: read as empty, then rebuilt).
fn after_header(bytes: &[u8]) -> Option<&[u8]> {
    let (first, rest) = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[][..]),
    };
    (first.trim_ascii() == HEADER).then_some(rest)
}

/// One cache line. Lines exactly as `serialize` writes them (fixed key order, no escapes, no
/// whitespace) are read by a direct scan, which takes a full 10k-entry load from about 6 ms to
/// 4 ms; anything else goes to serde_json, which has the last word: the fast path only accepts
/// lines that serde_json reads identically (a test checks this on mutated lines).
fn parse_line(line: &str) -> Option<Entry> {
    parse_line_fast(line).or_else(|| serde_json::from_str(line).ok())
}

fn parse_line_fast(line: &str) -> Option<Entry> {
    scan_line(line).map(|view| view.entry())
}

/// A line in the writer's own form (its key order, no escapes, no whitespace), its strings
/// borrowed from it.
struct View<'a> {
    id: &'a str,
    kind: &'a str,
    user: &'a str,
    target: &'a str,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    interactive: Option<bool>,
    recorded: Option<bool>,
    severity: Option<u8>,
    cluster: Option<&'a str>,
}

fn scan_line(line: &str) -> Option<View<'_>> {
    let mut s = Scan(line);
    s.tag(r#"{"id":"#)?;
    let id = s.string()?;
    s.tag(r#","kind":"#)?;
    let kind = s.string()?;
    s.tag(r#","user":"#)?;
    let user = s.string()?;
    s.tag(r#","target":"#)?;
    let target = s.string()?;
    let start_ms = s.field(r#","start_ms":"#, Scan::int)?;
    let end_ms = s.field(r#","end_ms":"#, Scan::int)?;
    let interactive = s.field(r#","interactive":"#, Scan::bool)?;
    let recorded = s.field(r#","recorded":"#, Scan::bool)?;
    let severity = s.field(r#","severity":"#, |s| u8::try_from(s.int()?).ok())?;
    let cluster = s.field(r#","cluster":"#, Scan::string)?;
    s.tag("}")?;
    if !s.0.is_empty() {
        return None;
    }
    Some(View {
        id,
        kind,
        user,
        target,
        start_ms,
        end_ms,
        interactive,
        recorded,
        severity,
        cluster,
    })
}

impl View<'_> {
    fn entry(&self) -> Entry {
        Entry {
            id: self.id.to_owned(),
            kind: self.kind.to_owned(),
            user: self.user.to_owned(),
            target: self.target.to_owned(),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            interactive: self.interactive,
            recorded: self.recorded,
            severity: self.severity,
            cluster: self.cluster.map(str::to_owned),
            access_requests: Vec::new(),
        }
    }

    /// Whether `sanitize` keeps the entry as it is, so that `serialize` writes this very line
    /// back: the scan takes only what serde_json writes the same way (strings without escapes
    /// or control characters, integers without leading zeros, the fields in their order).
    fn as_written(&self) -> bool {
        is_canonical_id(self.id)
            && [self.kind, self.user, self.target]
                .into_iter()
                .chain(self.cluster)
                .all(|s| s.len() <= MAX_FIELD_BYTES)
            && self.severity.is_none_or(|s| (1..=4).contains(&s))
    }
}

/// The unread rest of a line, for `scan_line`.
struct Scan<'a>(&'a str);

impl<'a> Scan<'a> {
    fn tag(&mut self, tag: &str) -> Option<()> {
        self.0 = self.0.strip_prefix(tag)?;
        Some(())
    }

    /// An optional field: Some(None) when absent, None when present but not understood.
    fn field<T>(
        &mut self,
        tag: &str,
        value: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.0.strip_prefix(tag) {
            Some(rest) => {
                self.0 = rest;
                value(self).map(Some)
            }
            None => Some(None),
        }
    }

    /// A string without escapes or control characters (those are left to serde_json).
    fn string(&mut self) -> Option<&'a str> {
        let rest = self.0.strip_prefix('"')?;
        let end = rest
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < b' ')?;
        if rest.as_bytes()[end] != b'"' {
            return None;
        }
        self.0 = &rest[end + 1..];
        Some(&rest[..end])
    }

    /// An integer without leading zeros, short enough to surely fit i64.
    fn int(&mut self) -> Option<i64> {
        let negative = self.0.starts_with('-');
        let digits = &self.0[usize::from(negative)..];
        let len = digits.bytes().take_while(u8::is_ascii_digit).count();
        // serde_json reads `-0` as a float, so it is not an integer either.
        if len == 0 || len > 18 || (digits.starts_with('0') && (len > 1 || negative)) {
            return None;
        }
        let magnitude: i64 = digits[..len].parse().ok()?;
        self.0 = &digits[len..];
        Some(if negative { -magnitude } else { magnitude })
    }

    fn bool(&mut self) -> Option<bool> {
        if let Some(rest) = self.0.strip_prefix("true") {
            self.0 = rest;
            Some(true)
        } else {
            self.0 = self.0.strip_prefix("false")?;
            Some(false)
        }
    }
}

/// Deduping runs on every completion, so SipHash over strings is too slow; ids are hashed as
/// numbers with a seeded multiply-fold (seeded so crafted ids cannot force collisions).
#[derive(Clone)]
struct IdHash(u64);

impl IdHash {
    fn new() -> IdHash {
        IdHash(std::hash::RandomState::new().hash_one(0u8) | 1)
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            seed: self.0,
            state: 0,
        }
    }
}

struct IdHasher {
    seed: u64,
    state: u64,
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.state
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u128(u128::from(self.state) << 8 | u128::from(b));
        }
    }

    fn write_u128(&mut self, v: u128) {
        let fold = |a: u64, b: u64| {
            let m = u128::from(a) * u128::from(b);
            (m as u64) ^ ((m >> 64) as u64)
        };
        let (lo, hi) = (v as u64, (v >> 64) as u64);
        self.state = fold(
            lo ^ self.seed,
            hi ^ 0x9e37_79b9_7f4a_7c15 ^ self.seed.rotate_left(32),
        );
    }
}

/// The entry as it may be stored, or None if it must not be: ids reach command lines, so only
/// canonical UUIDs; oversized strings are junk.
fn sanitize(mut entry: Entry) -> Option<(u128, Entry)> {
    let key = uuid_bits(&entry.id)?;
    entry.id.make_ascii_lowercase();
    let too_long = |s: &str| s.len() > MAX_FIELD_BYTES;
    if [&entry.kind, &entry.user, &entry.target]
        .into_iter()
        .any(|s| too_long(s))
        || entry.cluster.as_deref().is_some_and(too_long)
    {
        return None;
    }
    if entry.severity.is_some_and(|s| !(1..=4).contains(&s)) {
        entry.severity = None;
    }
    // Only ids that may be typed back into a command; a handful is all a session has.
    entry.access_requests.retain(|r| is_canonical_id(r));
    entry.access_requests.truncate(MAX_ACCESS_REQUESTS);
    Some((key, entry))
}

/// The file contents for `entries` (already sorted and bounded), dropping the oldest entries
/// if they would push the file past the size a reader accepts: the first version of the
/// writer, the tests' oracle.
#[cfg(test)]
fn serialize(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER.len() + 1 + entries.len() * 200);
    out.extend_from_slice(HEADER);
    out.push(b'\n');
    for entry in entries {
        let start = out.len();
        if serde_json::to_writer(&mut out, entry).is_err() {
            out.truncate(start);
            continue;
        }
        out.push(b'\n');
        if out.len() > MAX_FILE_BYTES {
            out.truncate(start);
            break;
        }
    }
    out
}

// The writer. What it writes is what the first version wrote (all entries parsed, merged,
// sorted, then serialized into one buffer; the tests keep that version as their oracle), but
// it holds neither the old file, nor the new one, nor an owned entry per session.

/// A session's (start, end) in Unix milliseconds: the new file's order, newest first.
type When = (Option<i64>, Option<i64>);

fn millis(t: Time) -> Option<i64> {
    t.get().map(jiff::Timestamp::as_millisecond)
}

/// What the writer needs of one session of a batch. Implemented for a listing's records, whose
/// lines are written straight from them, and for [`Entry`]; either way the line is the one
/// `serialize` writes for the entry `sanitize` keeps.
trait Record {
    /// The id's 128 bits when `sanitize` keeps the session, else None.
    fn key(&self) -> Option<u128>;
    fn when(&self) -> When;
    /// Appends the session's line (without its newline); false if there is none.
    fn write_line(&self, out: &mut Vec<u8>) -> bool;
}

/// An entry's line with its strings borrowed: [`Entry`]'s fields, names, order and omissions,
/// so serde_json writes the same bytes.
#[derive(serde::Serialize)]
#[serde(bound(serialize = "A: AsRef<str>"))]
struct Line<'a, A> {
    id: &'a str,
    kind: &'a str,
    user: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interactive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a str>,
    #[serde(skip_serializing_if = "Requests::is_empty")]
    access_requests: Requests<'a, A>,
}

impl<A: AsRef<str>> Line<'_, A> {
    fn write(&self, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        let written = serde_json::to_writer(&mut *out, self).is_ok();
        if !written {
            out.truncate(start);
        }
        written
    }
}

/// A session's access requests as `sanitize` keeps them: the canonical ids, at most
/// [`MAX_ACCESS_REQUESTS`].
struct Requests<'a, A>(&'a [A]);

impl<A: AsRef<str>> Requests<'_, A> {
    fn kept(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .map(AsRef::as_ref)
            .filter(|r| is_canonical_id(r))
            .take(MAX_ACCESS_REQUESTS)
    }

    fn is_empty(&self) -> bool {
        self.kept().next().is_none()
    }
}

impl<A: AsRef<str>> serde::Serialize for Requests<'_, A> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.kept())
    }
}

fn fits(s: &str) -> bool {
    s.len() <= MAX_FIELD_BYTES
}

/// A severity as `sanitize` keeps it: 1..=4, anything else unscored.
fn scored(severity: Option<u8>) -> Option<u8> {
    severity.filter(|s| (1..=4).contains(s))
}

impl Record for &Session {
    fn key(&self) -> Option<u128> {
        let key = match self.id() {
            SessionId::Uuid(bits) => bits,
            SessionId::Other(text) => uuid_bits(text)?,
        };
        let fits = fits(self.kind.as_str())
            && fits(self.user())
            && fits(self.target())
            && self.cluster().is_none_or(fits);
        fits.then_some(key)
    }

    fn when(&self) -> When {
        (millis(self.start), millis(self.end))
    }

    fn write_line(&self, out: &mut Vec<u8>) -> bool {
        // The id in lowercase, as `sanitize` leaves it: a UUID's canonical text.
        let Some(key) = self.key() else {
            return false;
        };
        Line {
            id: &SessionId::Uuid(key).text(),
            kind: self.kind.as_str(),
            user: self.user(),
            target: self.target(),
            start_ms: millis(self.start),
            end_ms: millis(self.end),
            interactive: self.interactive,
            recorded: self.recorded,
            severity: scored(self.severity.map(|v| v.level())),
            cluster: self.cluster(),
            access_requests: Requests(&self.extra().access_requests),
        }
        .write(out)
    }
}

impl Record for Entry {
    fn key(&self) -> Option<u128> {
        let key = uuid_bits(&self.id)?;
        let fits = fits(&self.kind)
            && fits(&self.user)
            && fits(&self.target)
            && self.cluster.as_deref().is_none_or(fits);
        fits.then_some(key)
    }

    fn when(&self) -> When {
        (self.start_ms, self.end_ms)
    }

    fn write_line(&self, out: &mut Vec<u8>) -> bool {
        let Some(key) = self.key() else {
            return false;
        };
        Line {
            id: &SessionId::Uuid(key).text(),
            kind: &self.kind,
            user: &self.user,
            target: &self.target,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            interactive: self.interactive,
            recorded: self.recorded,
            severity: scored(self.severity),
            cluster: self.cluster.as_deref(),
            access_requests: Requests(&self.access_requests),
        }
        .write(out)
    }
}

/// A batch's records as the new file takes them.
struct Batch<'r, R> {
    records: &'r [R],
    /// The records kept (valid, the last of each id), newest first; ties last first.
    order: Vec<Fresh>,
    /// Their ids: an old line with one of them is replaced.
    keys: HashSet<u128, IdHash>,
}

/// One record of a batch in [`Batch::order`]: 24 bytes where `(When, usize)` takes 40.
#[derive(Clone, Copy)]
struct Fresh {
    start: i64,
    end: i64,
    /// Its index in the batch.
    at: u32,
    /// Bit 0: `start` is known; bit 1: `end` is.
    known: u8,
}

impl Fresh {
    fn new((start, end): When, at: u32) -> Fresh {
        Fresh {
            start: start.unwrap_or(0),
            end: end.unwrap_or(0),
            at,
            known: u8::from(start.is_some()) | u8::from(end.is_some()) << 1,
        }
    }

    fn when(&self) -> When {
        (
            (self.known & 1 != 0).then_some(self.start),
            (self.known & 2 != 0).then_some(self.end),
        )
    }
}

impl<'r, R: Record> Batch<'r, R> {
    fn new(records: &'r [R]) -> Batch<'r, R> {
        let mut keys = HashSet::with_capacity_and_hasher(records.len(), IdHash::new());
        let mut order = Vec::with_capacity(records.len());
        // From the end, so that the last occurrence of an id wins.
        for (at, record) in records.iter().enumerate().rev() {
            if let Ok(at) = u32::try_from(at)
                && let Some(key) = record.key()
                && keys.insert(key)
            {
                order.push(Fresh::new(record.when(), at));
            }
        }
        // As a stable sort of the records taken from the end would order them.
        order.sort_unstable_by(|a, b| b.when().cmp(&a.when()).then(b.at.cmp(&a.at)));
        Batch {
            records,
            order,
            keys,
        }
    }
}

/// An old line the new file keeps: as it is, when `serialize` would write it back unchanged,
/// else rewritten from the entry `sanitize` made of it.
enum Form {
    AsIs,
    Rewritten(Entry),
}

/// An old line's id, times and form, or None when the readers would skip it (exactly as
/// `parse_line` and `sanitize` decide).
fn old_line(line: &str) -> Option<(u128, When, Form)> {
    let entry = match scan_line(line) {
        Some(view) if view.as_written() => {
            return Some((
                uuid_bits(view.id)?,
                (view.start_ms, view.end_ms),
                Form::AsIs,
            ));
        }
        Some(view) => view.entry(),
        None => serde_json::from_str(line).ok()?,
    };
    let (key, entry) = sanitize(entry)?;
    Some((key, (entry.start_ms, entry.end_ms), Form::Rewritten(entry)))
}

/// An old line kept from a file read whole: when it ran, and where it is.
struct Placed {
    when: When,
    at: u32,
    len: u32,
}

/// How merging with the old file as it is read ended.
enum Streamed {
    Done,
    /// The old file turned out not to be readable: as good as missing.
    Unreadable,
    /// Its lines are not in the new file's order: it has to be read whole and sorted.
    Unsorted,
}

/// Why a merge stopped before the end of the old file.
enum Stop {
    Unsorted,
    Failed(CacheError),
}

/// The new file being made, a line at a time: the batch's records in order, with the old
/// lines merged in as they are given.
struct Merge<'m, 'r, R> {
    batch: &'m Batch<'r, R>,
    /// The first of `batch.order` not written yet.
    next: usize,
    /// The ids of the old lines kept so far: the first line of an id wins.
    seen: HashSet<u128, IdHash>,
    out: Out<'m>,
    limit: usize,
    lines: usize,
    bytes: usize,
    /// When the last old line kept ran: they must come newest first.
    last_old: Option<When>,
    /// When the first session left out ran, once the file is full: only a line newer than
    /// that would have taken a place.
    cut: Option<When>,
    /// A line being made.
    line: Vec<u8>,
}

impl<'m, 'r, R: Record> Merge<'m, 'r, R> {
    fn new(batch: &'m Batch<'r, R>, limit: usize, mut out: Out<'m>) -> Result<Self, CacheError> {
        out.write(HEADER)?;
        out.write(b"\n")?;
        Ok(Merge {
            batch,
            next: 0,
            seen: HashSet::with_hasher(IdHash::new()),
            out,
            limit,
            lines: 0,
            bytes: HEADER.len() + 1,
            last_old: None,
            cut: None,
            line: Vec::with_capacity(512),
        })
    }

    /// Whether an old line with this id is kept: its id is not the batch's, nor an earlier
    /// old line's.
    fn first_of(&mut self, key: u128) -> bool {
        !self.batch.keys.contains(&key) && self.seen.insert(key)
    }

    /// The next line of an old file that is expected in the new file's order.
    fn old_in_order(&mut self, line: &str) -> Result<(), Stop> {
        let Some((key, when, form)) = old_line(line) else {
            return Ok(());
        };
        if let Some(cut) = self.cut {
            // Past the end of the new file. A line that would have had a place means the
            // file is not in order (or repeats an id it had after the cut: also sorted out).
            if when > cut && self.first_of(key) {
                return Err(Stop::Unsorted);
            }
            return Ok(());
        }
        if !self.first_of(key) {
            return Ok(());
        }
        if self.last_old.is_some_and(|last| when > last) {
            return Err(Stop::Unsorted);
        }
        self.last_old = Some(when);
        self.old(line.as_bytes(), when, form).map_err(Stop::Failed)
    }

    /// An old line kept, after every record at least as new (a tie goes to the batch).
    fn old(&mut self, line: &[u8], when: When, form: Form) -> Result<(), CacheError> {
        self.fresh(Some(when))?;
        match form {
            Form::AsIs => self.emit(line, when),
            Form::Rewritten(entry) => {
                let mut made = std::mem::take(&mut self.line);
                made.clear();
                let result = if Record::write_line(&entry, &mut made) {
                    self.emit(&made, when)
                } else {
                    Ok(())
                };
                self.line = made;
                result
            }
        }
    }

    /// The batch's records down to `bound` (all of them for None), newest first.
    fn fresh(&mut self, bound: Option<When>) -> Result<(), CacheError> {
        while let Some(&fresh) = self.batch.order.get(self.next) {
            let when = fresh.when();
            if self.cut.is_some() || bound.is_some_and(|bound| when < bound) {
                break;
            }
            self.next += 1;
            let mut made = std::mem::take(&mut self.line);
            made.clear();
            let result = if self.batch.records[fresh.at as usize].write_line(&mut made) {
                self.emit(&made, when)
            } else {
                Ok(())
            };
            self.line = made;
            result?;
        }
        Ok(())
    }

    /// Writes a line unless the file is full: `limit` lines, or one more would take it past
    /// what a reader accepts.
    fn emit(&mut self, line: &[u8], when: When) -> Result<(), CacheError> {
        if self.cut.is_some() {
            return Ok(());
        }
        if self.lines == self.limit || self.bytes + line.len() + 1 > MAX_FILE_BYTES {
            self.cut = Some(when);
            return Ok(());
        }
        self.out.write(line)?;
        self.out.write(b"\n")?;
        self.lines += 1;
        self.bytes += line.len() + 1;
        Ok(())
    }

    fn full(&self) -> bool {
        self.cut.is_some()
    }

    /// The rest of the batch, then the file in place (unless it is unchanged).
    fn finish(mut self) -> Result<(), CacheError> {
        self.fresh(None)?;
        let Merge { out, seen, .. } = self;
        drop(seen);
        out.finish()
    }
}

/// What the new file's bytes are compared with.
#[derive(Clone, Copy)]
enum Against<'a> {
    /// No old file worth keeping: it is replaced in any case.
    Nothing,
    /// The old file, read again (by offset) as far as the new one agrees with it.
    File(&'a File),
    /// The old file, read whole.
    Bytes(&'a [u8]),
}

/// Where the new file's bytes go: as long as they agree with the old file's, nowhere (an
/// unchanged file is not rewritten); from the first byte that differs, into a temp file beside
/// it (the part that agreed copied from the old file first), which then replaces it as
/// `private_file::write_atomically` does: 0600, fsynced, renamed over the file, removed on
/// any failure.
struct Out<'a> {
    dir: &'a Path,
    name: &'static str,
    against: Against<'a>,
    /// Bytes so far.
    at: u64,
    /// A piece of the old file, from `window_at`, to compare with.
    window: Vec<u8>,
    window_at: u64,
    temp: Option<AtomicFile>,
}

const OUT_BUFFER: usize = 64 << 10;

impl<'a> Out<'a> {
    fn new(dir: &'a Path, name: &'static str, against: Against<'a>) -> Out<'a> {
        Out {
            dir,
            name,
            against,
            at: 0,
            window: Vec::new(),
            window_at: 0,
            temp: None,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CacheError> {
        if self.temp.is_none() && self.agrees(bytes) {
            self.at += bytes.len() as u64;
            return Ok(());
        }
        self.temp()?.write(bytes).map_err(failed)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    /// Whether the old file has `bytes` at `self.at`.
    fn agrees(&mut self, bytes: &[u8]) -> bool {
        let file = match self.against {
            Against::Nothing => return false,
            Against::Bytes(old) => {
                return usize::try_from(self.at)
                    .ok()
                    .and_then(|at| old.get(at..)?.get(..bytes.len()))
                    == Some(bytes);
            }
            Against::File(file) => file,
        };
        let (mut at, mut rest) = (self.at, bytes);
        while !rest.is_empty() {
            let end = self.window_at + self.window.len() as u64;
            if at < self.window_at || at >= end {
                if !self.fill(file, at) {
                    return false;
                }
                continue;
            }
            let from = (at - self.window_at) as usize;
            let n = rest.len().min(self.window.len() - from);
            if self.window[from..from + n] != rest[..n] {
                return false;
            }
            (at, rest) = (at + n as u64, &rest[n..]);
        }
        true
    }

    /// Reads the old file's window from `at`; false at its end or on an error.
    fn fill(&mut self, file: &File, at: u64) -> bool {
        self.window.resize(OUT_BUFFER, 0);
        let n = loop {
            match file.read_at(&mut self.window, at) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break 0,
            }
        };
        self.window.truncate(n);
        self.window_at = at;
        n > 0
    }

    /// The temp file, made when the new file first differs from the old one.
    fn temp(&mut self) -> Result<&mut AtomicFile, CacheError> {
        let temp = match self.temp.take() {
            Some(temp) => temp,
            None => self.start()?,
        };
        Ok(self.temp.insert(temp))
    }

    /// A temp file with the part of the old file that the new one agreed with so far.
    fn start(&mut self) -> Result<AtomicFile, CacheError> {
        let mut temp = AtomicFile::create(self.dir, self.name, OUT_BUFFER).map_err(failed)?;
        let agreed = self.at;
        match self.against {
            Against::Nothing => {}
            Against::Bytes(old) => temp.write(&old[..agreed as usize]).map_err(failed)?,
            Against::File(file) => {
                let mut buf = std::mem::take(&mut self.window);
                buf.resize(OUT_BUFFER, 0);
                let mut at = 0;
                while at < agreed {
                    let want = buf.len().min((agreed - at) as usize);
                    file.read_exact_at(&mut buf[..want], at)
                        .map_err(|e| failed(temp.failed(e)))?;
                    temp.write(&buf[..want]).map_err(failed)?;
                    at += want as u64;
                }
            }
        }
        // Nothing more is compared.
        self.window = Vec::new();
        Ok(temp)
    }

    /// Puts the new file in place, unless it is the old one byte for byte.
    fn finish(mut self) -> Result<(), CacheError> {
        if self.temp.is_none() {
            let unchanged = match self.against {
                Against::Nothing => false,
                Against::Bytes(old) => old.len() as u64 == self.at,
                // Every byte agreed; the old file must also end here.
                Against::File(file) => {
                    let mut one = [0];
                    matches!(file.read_at(&mut one, self.at), Ok(0))
                }
            };
            if unchanged {
                return Ok(());
            }
        }
        let temp = match self.temp.take() {
            Some(temp) => temp,
            None => self.start()?,
        };
        temp.commit().map_err(failed)
    }
}

/// A failed write of the cache file, told as a failed `private_file::write_atomically` is.
fn failed(e: WriteError) -> CacheError {
    let what = match e.step {
        "create" => "cannot create session cache temp file",
        "write" => "cannot write session cache temp file",
        _ => "cannot replace session cache",
    };
    CacheError::io(what, &e.path, e.err)
}

/// The whole of an old file already open, from its start; None where `private_file::read`
/// gives nothing to keep (an error, or more than a reader accepts).
fn read_whole(mut file: &File) -> Option<Vec<u8>> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() <= MAX_FILE_BYTES).then_some(bytes)
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
            ..Draft::new(&self.id, Kind::from_name(&self.kind), Origin::Ls)
        };
        Builder::new(Detail::Row).build(draft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private_file::current_uid;
    use std::fs;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    use std::process::Command;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// A unique directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
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
        fn cache_dir(&self) -> PathBuf {
            self.0.join("tsh-review")
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn id(n: u64) -> String {
        format!("{:08x}-0000-4000-8000-{:012x}", n & 0xffff_ffff, n)
    }

    fn entry(n: u64, start_ms: i64) -> Entry {
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

    fn ids(entries: &[Entry]) -> Vec<String> {
        entries.iter().map(|e| e.id.clone()).collect()
    }

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn chmod(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn round_trip() {
        let tmp = TempDir::new("roundtrip");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        assert!(cache.load().is_empty());
        let mut sparse = entry(3, 3000);
        sparse.end_ms = None;
        sparse.interactive = None;
        sparse.recorded = None;
        sparse.severity = None;
        sparse.cluster = None;
        sparse.user = "ünïcødé \u{1b}[31m\u{202e} \"quoted\"\n".into();
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

    /// A prefix streams the file in chunks; it finds what a whole read finds: across chunk
    /// boundaries, past a line longer than a chunk and invalid bytes, and in a last line
    /// without its newline.
    #[test]
    fn a_prefix_streams_the_file_as_a_whole_read_would() {
        let tmp = TempDir::new("stream");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        cache.record(&[entry(1, 1)]).unwrap();
        let mut bytes = b"{\"tsh-review-cache\":1}\n".to_vec();
        for n in 0..3000 {
            if n == 1500 {
                bytes.extend_from_slice(&[b'x'; 200_000]);
                bytes.push(b'\n');
            }
            if n == 2000 {
                bytes.extend_from_slice(b"\xff\xfe\n");
            }
            serde_json::to_writer(&mut bytes, &entry(n, 3000 - n as i64)).unwrap();
            bytes.push(b'\n');
        }
        bytes.pop();
        fs::write(cache.file(), &bytes).unwrap();
        let all = cache.load();
        assert_eq!(all.len(), 3000);
        for prefix in ["0", "00000", "000005", "000005D", "00000bb7", "00000bb8"] {
            let lower = prefix.to_ascii_lowercase();
            let want: Vec<&Entry> = all.iter().filter(|e| e.id.starts_with(&lower)).collect();
            let got = cache.matching(prefix);
            assert_eq!(got.iter().collect::<Vec<_>>(), want, "{prefix}");
        }
        assert_eq!(ids(&cache.matching("00000bb7")), [id(2999)]);
        // Users likewise, each once, sorted.
        let mut users: Vec<String> = all.iter().map(|e| e.user.clone()).collect();
        users.sort_unstable();
        users.dedup();
        assert_eq!(cache.distinct(|e| &e.user), users);
        assert_eq!(cache.distinct(|e| &e.target), ["node-1"]);
        // Not a cache file: nothing, as for a whole read.
        fs::write(cache.file(), b"{\"other\":1}\n").unwrap();
        assert!(cache.matching("0").is_empty());
        assert!(cache.distinct(|e| &e.user).is_empty());
        fs::write(cache.file(), b"").unwrap();
        assert!(cache.matching("0").is_empty());
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
    fn oversized_content_is_trimmed_to_fit() {
        let mut e = entry(0, 0);
        // Control characters expand sixfold when escaped as JSON.
        e.user = "\u{1}".repeat(MAX_FIELD_BYTES);
        e.target = e.user.clone();
        let many: Vec<Entry> = (0..MAX_ENTRIES as u64)
            .map(|n| Entry {
                id: id(n),
                ..e.clone()
            })
            .collect();
        let bytes = serialize(&many);
        assert!(bytes.len() <= MAX_FILE_BYTES);
        let mut read = Collector::with_capacity(0);
        read.parse(&bytes, None);
        assert!(read.entries.len() > 1000);
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
    fn fast_line_parser_agrees_with_serde_json() {
        let mut samples = vec![entry(1, 1), entry(2, -1_700_000_000_000)];
        samples.push(Entry {
            start_ms: None,
            end_ms: None,
            interactive: None,
            recorded: None,
            severity: None,
            cluster: None,
            ..entry(3, 0)
        });
        samples.push(Entry {
            kind: String::new(),
            user: "ünï \"q\" back\\slash \u{7f} \u{1b}[1m \u{202e} \u{9b}".into(),
            target: "tab\there\r\nnew".into(),
            start_ms: Some(i64::MIN),
            end_ms: Some(i64::MAX),
            interactive: Some(false),
            recorded: Some(false),
            severity: Some(255),
            cluster: Some(String::new()),
            ..entry(4, 0)
        });
        samples.push(Entry {
            start_ms: Some(0),
            end_ms: Some(999_999_999_999_999_999),
            severity: Some(0),
            ..entry(5, 0)
        });
        let mut fast_hits = 0;
        for sample in &samples {
            let line = serde_json::to_string(sample).unwrap();
            assert_eq!(parse_line(&line).as_ref(), Some(sample));
            fast_hits += usize::from(parse_line_fast(&line).is_some());
            let mut variants = Vec::new();
            for (i, _) in line.char_indices().chain([(line.len(), ' ')]) {
                variants.push(line[..i].to_string());
                variants.push(format!(
                    "{}{}",
                    &line[..i],
                    line[i..].chars().skip(1).collect::<String>()
                ));
                for insert in [" ", "0", "-", "\\", "\"", ",", "}", "9", "x", "\u{1}", "é"] {
                    variants.push(format!("{}{insert}{}", &line[..i], &line[i..]));
                }
            }
            for variant in &variants {
                let slow = serde_json::from_str::<Entry>(variant).ok();
                assert_eq!(parse_line(variant), slow, "{variant}");
            }
        }
        assert_eq!(fast_hits, 4, "plain lines should take the fast path");
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

    // The writer against the first version of it (`the_old_way`): the same bytes, or the file
    // left alone, for the same old file and batch.

    /// What the first writer made of `old` (the file's bytes, if any) and `entries`: the new
    /// file, or None when it wrote nothing (no valid entry, or the same bytes as before).
    fn the_old_way(old: Option<&[u8]>, entries: &[Entry], limit: usize) -> Option<Vec<u8>> {
        let mut merged = Collector::with_capacity(limit.min(entries.len() + 10_000));
        for entry in entries.iter().rev() {
            merged.add(entry.clone());
        }
        if merged.entries.is_empty() {
            return None;
        }
        let old = old.unwrap_or_default();
        merged.parse(old, None);
        let mut merged = merged.finish();
        merged.truncate(limit);
        let bytes = serialize(&merged);
        (bytes != old).then_some(bytes)
    }

    /// Records `entries` over a file holding `old` and checks the outcome against the first
    /// writer's: the same bytes written, or the very same file (inode and mtime) left.
    fn writes_as_before(old: Option<&[u8]>, entries: &[Entry], limit: usize) -> Vec<u8> {
        let tmp = TempDir::new("asbefore");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live).with_limit(limit);
        if let Some(old) = old {
            fs::DirBuilder::new()
                .mode(0o700)
                .create(tmp.cache_dir())
                .unwrap();
            fs::write(cache.file(), old).unwrap();
            chmod(&cache.file(), 0o600);
        }
        let stamp = |c: &Cache| {
            fs::metadata(c.file())
                .ok()
                .map(|m| (m.ino(), m.mtime(), m.mtime_nsec()))
        };
        let before = stamp(&cache);
        cache.record(entries).unwrap();
        let want = the_old_way(old, entries, limit);
        match &want {
            Some(bytes) => {
                assert_eq!(
                    fs::read(cache.file()).unwrap(),
                    *bytes,
                    "old {:?}, batch {entries:?}",
                    old.map(String::from_utf8_lossy)
                );
                assert_eq!(mode(&cache.file()), 0o600);
            }
            None => assert_eq!(stamp(&cache), before, "the file was rewritten"),
        }
        if tmp.cache_dir().exists() {
            // No temp file left behind.
            let mut names: Vec<String> = fs::read_dir(tmp.cache_dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            assert!(
                names
                    .iter()
                    .all(|n| n == "sessions.jsonl" || n == "sessions.lock"),
                "{names:?}"
            );
        }
        want.unwrap_or_else(|| old.unwrap_or_default().to_vec())
    }

    fn file_of(entries: &[Entry]) -> Vec<u8> {
        the_old_way(None, entries, MAX_ENTRIES).unwrap()
    }

    /// A batch with every kind of field: sparse, escaped, not UTF-8 safe for the fast reader,
    /// upper-case and invalid ids, oversized fields, unscored severities, access requests.
    fn odd_entries() -> Vec<Entry> {
        let mut sparse = entry(3, 3000);
        sparse.end_ms = None;
        sparse.interactive = None;
        sparse.recorded = None;
        sparse.severity = None;
        sparse.cluster = None;
        sparse.user = "ünïcødé \u{1b}[31m\u{202e} \"quoted\"\n\\ \u{7f} \u{9b}".into();
        let mut upper = entry(4, 3000);
        upper.id = upper.id.to_ascii_uppercase();
        upper.severity = Some(9);
        let mut bad_id = entry(5, 5000);
        bad_id.id = "../../etc/passwd".into();
        let mut long = entry(6, 6000);
        long.cluster = Some("x".repeat(MAX_FIELD_BYTES + 1));
        let mut edge = entry(7, 7000);
        edge.target = "é".repeat(MAX_FIELD_BYTES / 2);
        edge.severity = Some(0);
        edge.kind = "mcp".into();
        let mut requests = entry(8, 3000);
        requests.access_requests = vec![
            "a9c97e9f-1dc3-44b2-9a1e-a4e169614065".into(),
            "--help".into(),
            "A9C97E9F-1DC3-44B2-9A1E-A4E169614065".into(),
        ];
        let mut many = entry(9, -5);
        many.access_requests = (0..20).map(id).collect();
        let mut only_bad = entry(10, i64::MIN);
        only_bad.access_requests = vec!["nope".into()];
        only_bad.end_ms = Some(i64::MAX);
        let mut no_start = entry(11, 0);
        no_start.start_ms = None;
        vec![
            entry(1, 1000),
            sparse,
            upper,
            bad_id,
            long,
            edge,
            requests,
            many,
            only_bad,
            no_start,
            entry(2, 1000),
        ]
    }

    #[test]
    fn writes_a_fresh_file_as_before() {
        writes_as_before(None, &odd_entries(), MAX_ENTRIES);
        writes_as_before(None, &[entry(1, 1)], MAX_ENTRIES);
        // Nothing valid: nothing written, not even the directory.
        let mut bad = entry(1, 1);
        bad.id = "nope".into();
        writes_as_before(None, &[bad], MAX_ENTRIES);
        writes_as_before(None, &[], MAX_ENTRIES);
    }

    #[test]
    fn merges_with_old_entries_as_before() {
        let old = file_of(&odd_entries());
        // Overlapping ids (the batch wins, upper-case or not), ties with old lines and within
        // the batch, the same id twice in the batch (the last wins).
        let mut newer = entry(1, 1000);
        newer.user = "bob".into();
        let mut twice = entry(20, 3000);
        twice.user = "first".into();
        let mut again = entry(20, 3000);
        again.user = "last".into();
        let mut upper = entry(8, 3000);
        upper.id = upper.id.to_ascii_uppercase();
        let batch = vec![
            entry(21, 3000),
            newer,
            twice,
            entry(22, 1000),
            upper,
            again,
            entry(23, 50_000),
            entry(24, -10),
        ];
        let merged = writes_as_before(Some(&old), &batch, MAX_ENTRIES);
        // Again with the result as the old file, and with the batch reversed.
        writes_as_before(Some(&merged), &batch, MAX_ENTRIES);
        let reversed: Vec<Entry> = batch.iter().rev().cloned().collect();
        writes_as_before(Some(&merged), &reversed, MAX_ENTRIES);
        // Only older sessions, only newer ones.
        writes_as_before(Some(&old), &[entry(30, -1_000_000)], MAX_ENTRIES);
        writes_as_before(Some(&old), &[entry(31, 1_000_000)], MAX_ENTRIES);
    }

    #[test]
    fn an_unchanged_file_is_left_alone() {
        let old = file_of(&odd_entries());
        assert_eq!(
            writes_as_before(Some(&old), &odd_entries(), MAX_ENTRIES),
            old
        );
        // A batch already in the file, or part of it.
        assert_eq!(
            writes_as_before(Some(&old), &[entry(2, 1000)], MAX_ENTRIES),
            old
        );
        // The same lines, but one more, or one less at the end: rewritten.
        let shorter = &old[..old.len() - 1];
        writes_as_before(Some(shorter), &odd_entries(), MAX_ENTRIES);
        let mut longer = old.clone();
        longer.extend_from_slice(b"\n");
        writes_as_before(Some(&longer), &odd_entries(), MAX_ENTRIES);
        // Fewer kept than the file holds (a lower bound): the file is cut.
        writes_as_before(Some(&old), &[entry(1, 1000)], 3);
    }

    #[test]
    fn invalid_old_lines_are_dropped_as_before() {
        let line = |e: &Entry| serde_json::to_string(e).unwrap();
        let mut bad_id = entry(7, 7000);
        bad_id.id = "../../etc/passwd".into();
        let mut long = entry(8, 8000);
        long.target = "x".repeat(MAX_FIELD_BYTES + 1);
        let mut unscored = entry(9, 900);
        unscored.severity = Some(7);
        let mut upper = entry(10, 1000);
        upper.id = upper.id.to_ascii_uppercase();
        let mut requests = entry(11, 1100);
        requests.access_requests = vec!["x".into(), id(3)];
        let truncated = line(&entry(6, 6000));
        let truncated = &truncated[..truncated.len() - 5];
        let mut bytes = format!(
            "{}\n{}\nnot json at all\n\n{}\n[1,2,3]\n{{\"id\":42}}\n{}\n{}\n{}\n{}\n{}\n",
            r#"{"tsh-review-cache":1}"#,
            line(&entry(1, 10_000)),
            line(&bad_id),
            line(&long),
            line(&unscored),
            line(&upper),
            r#"{"kind":"db","user":"u","target":"t","id":"00000004-0000-4000-8000-000000000004","start_ms":1050}"#,
            r#"{"id":"\u0030000000c-0000-4000-8000-00000000000c","kind":"db","user":"u","target":"t","start_ms":1040}"#,
        )
        .into_bytes();
        bytes.extend_from_slice(line(&requests).as_bytes());
        bytes.extend_from_slice(b"\n \t");
        bytes.extend_from_slice(line(&entry(13, 1030)).as_bytes());
        bytes.extend_from_slice(b" \n");
        bytes.extend_from_slice(line(&entry(14, 1020)).as_bytes());
        bytes.extend_from_slice(b"\r\n");
        // The first line of an id wins over a later one.
        bytes.extend_from_slice(line(&entry(1, 500)).as_bytes());
        bytes.extend_from_slice(b"\n\xff\xfe\x00binary\n");
        bytes.extend_from_slice(line(&entry(2, 20)).as_bytes());
        bytes.extend_from_slice(b"\n");
        bytes.extend_from_slice(truncated.as_bytes());
        for batch in [vec![entry(3, 3000)], vec![entry(3, 5)], vec![entry(1, 1)]] {
            writes_as_before(Some(&bytes), &batch, MAX_ENTRIES);
            writes_as_before(Some(&bytes), &batch, 4);
        }
        // A last line without its newline, in order and out of it.
        let mut cut = file_of(&[entry(1, 100), entry(2, 200)]);
        cut.pop();
        writes_as_before(Some(&cut), &[entry(3, 150)], MAX_ENTRIES);
        cut.extend_from_slice(b"\n");
        cut.extend_from_slice(line(&entry(4, 300)).as_bytes());
        writes_as_before(Some(&cut), &[entry(3, 150)], MAX_ENTRIES);
        // Not a cache file, or an empty one, or a header alone: no old entries.
        for old in [
            &b""[..],
            b"{\"tsh-review-cache\":1}",
            b"{\"tsh-review-cache\":1}\n",
            b" {\"tsh-review-cache\":1} \n",
            b"{\"tsh-review-cache\":2}\n",
            b"garbage\n",
        ] {
            let mut old = old.to_vec();
            writes_as_before(Some(&old), &[entry(1, 1)], MAX_ENTRIES);
            old.extend_from_slice(line(&entry(2, 2)).as_bytes());
            writes_as_before(Some(&old), &[entry(1, 1)], MAX_ENTRIES);
        }
    }

    #[test]
    fn access_request_lines_are_merged_as_before() {
        let mut a = entry(1, 100);
        a.access_requests = vec![id(50), "bad".into(), id(51)];
        let mut b = entry(2, 200);
        b.access_requests = (0..30).map(|n| id(100 + n)).collect();
        let old = file_of(&[a.clone(), b, entry(3, 300)]);
        // Kept as they were, replaced, and merged with a batch that has some too.
        let mut c = entry(4, 200);
        c.access_requests = vec![id(60)];
        a.access_requests = vec![id(52)];
        writes_as_before(Some(&old), &[c.clone()], MAX_ENTRIES);
        writes_as_before(Some(&old), &[c, a], MAX_ENTRIES);
    }

    /// An old file in another order than the writer's (edited by hand) is merged as before,
    /// whether the disorder comes before the new file is full or after.
    #[test]
    fn an_old_file_out_of_order_is_merged_as_before() {
        let line = |e: &Entry| serde_json::to_string(e).unwrap();
        let ordered = file_of(&(0..10).map(|n| entry(n, n as i64 * 10)).collect::<Vec<_>>());
        let text = String::from_utf8(ordered).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        let reversed = format!("{}\n", lines.join("\n"));
        let newest_last = format!("{text}{}\n", line(&entry(50, 1_000)));
        let dup_after = format!(
            "{text}{}\n{}\n",
            line(&entry(51, -1)),
            line(&entry(51, 1_000))
        );
        for old in [&reversed, &newest_last, &dup_after] {
            for limit in [1, 3, 9, 10, 11, MAX_ENTRIES] {
                writes_as_before(Some(old.as_bytes()), &[entry(20, 45)], limit);
                writes_as_before(Some(old.as_bytes()), &[entry(3, 1), entry(21, 500)], limit);
                writes_as_before(Some(old.as_bytes()), &[entry(22, 2_000)], limit);
            }
        }
    }

    #[test]
    fn the_entry_bound_applies_as_before() {
        let old = file_of(&(0..6).map(|n| entry(n, n as i64 * 10)).collect::<Vec<_>>());
        for limit in [0, 1, 2, 5, 6, 7, 12] {
            writes_as_before(Some(&old), &[entry(10, 25), entry(11, 100)], limit);
            writes_as_before(Some(&old), &[entry(12, -1), entry(3, 30)], limit);
            writes_as_before(None, &[entry(12, -1), entry(3, 30), entry(4, 30)], limit);
        }
        // The real bound, with a full file.
        let full: Vec<Entry> = (0..MAX_ENTRIES as u64)
            .map(|n| entry(n, n as i64))
            .collect();
        let old = file_of(&full);
        let batch: Vec<Entry> = (MAX_ENTRIES as u64 - 5..MAX_ENTRIES as u64 + 5)
            .map(|n| entry(n, n as i64 - 3))
            .collect();
        writes_as_before(Some(&old), &batch, MAX_ENTRIES);
        writes_as_before(Some(&old), &full, MAX_ENTRIES);
    }

    #[test]
    fn the_size_bound_applies_as_before() {
        // Control characters take six bytes each in the file: about 6 KB a line, so the file
        // reaches the bound before the entry bound.
        let big = |n: u64, start: i64| {
            let mut e = entry(n, start);
            e.user = "\u{1}".repeat(MAX_FIELD_BYTES);
            e.target = e.user.clone();
            e
        };
        let batch: Vec<Entry> = (0..3000).map(|n| big(n, n as i64)).collect();
        let file = writes_as_before(None, &batch, MAX_ENTRIES);
        assert!(file.len() <= MAX_FILE_BYTES && file.len() > MAX_FILE_BYTES - 7000);
        // Over a full file: newer sessions push the oldest lines out, older ones find no room.
        let newer: Vec<Entry> = (5000..5010).map(|n| big(n, n as i64)).collect();
        writes_as_before(Some(&file), &newer, MAX_ENTRIES);
        writes_as_before(Some(&file), &[big(6000, -1), entry(6001, -2)], MAX_ENTRIES);
        // Small lines after the cut still have no place.
        writes_as_before(Some(&file), &[entry(6002, 5)], MAX_ENTRIES);
        // A full file in another order is read whole.
        let text = String::from_utf8(file).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        let reversed = format!("{}\n", lines.join("\n"));
        writes_as_before(Some(reversed.as_bytes()), &newer, MAX_ENTRIES);
    }

    /// Many random batches over random old files, in and out of order, with few distinct ids
    /// and times so that ids repeat and times tie.
    #[test]
    fn random_batches_merge_as_before() {
        struct Rng(u64);
        impl Rng {
            fn below(&mut self, n: u64) -> u64 {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0 % n
            }
        }
        fn make(rng: &mut Rng, len: u64) -> Vec<Entry> {
            (0..len)
                .map(|_| {
                    let mut e = entry(rng.below(30), rng.below(8) as i64 * 100);
                    match rng.below(12) {
                        0 => e.end_ms = None,
                        1 => e.start_ms = None,
                        2 => e.id = e.id.to_ascii_uppercase(),
                        3 => e.severity = Some(rng.below(7) as u8),
                        4 => e.access_requests = vec![id(rng.below(5)), "x".into()],
                        5 => e.id = "junk".into(),
                        6 => e.end_ms = Some(e.end_ms.unwrap() + rng.below(3) as i64),
                        _ => {}
                    }
                    e
                })
                .collect()
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let rounds = if cfg!(debug_assertions) { 150 } else { 1000 };
        for _ in 0..rounds {
            let len = rng.below(25);
            let old_entries = make(&mut rng, len);
            let len = rng.below(12);
            let batch = make(&mut rng, len);
            let limit = [1, 2, 5, 10, 20, MAX_ENTRIES][rng.below(6) as usize];
            let old = match rng.below(4) {
                0 => None,
                // As the writer left it.
                1 | 2 => the_old_way(None, &old_entries, MAX_ENTRIES),
                // Lines in the order given.
                _ => Some(
                    std::iter::once(String::from_utf8(HEADER.to_vec()).unwrap())
                        .chain(
                            old_entries
                                .iter()
                                .map(|e| serde_json::to_string(e).unwrap()),
                        )
                        .map(|l| l + "\n")
                        .collect::<String>()
                        .into_bytes(),
                ),
            };
            writes_as_before(old.as_deref(), &batch, limit);
        }
    }

    /// What the writer makes of an old line agrees with the reader, and a line kept as it is
    /// is the one the first writer wrote back.
    #[test]
    fn old_lines_are_kept_as_is_only_when_written_back_unchanged() {
        let mut samples = odd_entries();
        samples.push(Entry {
            start_ms: Some(0),
            end_ms: Some(999_999_999_999_999_999),
            severity: Some(4),
            ..entry(5, 0)
        });
        let mut as_is = 0;
        for sample in &samples {
            let line = serde_json::to_string(sample).unwrap();
            let mut variants = vec![line.clone()];
            for (i, _) in line.char_indices().chain([(line.len(), ' ')]) {
                variants.push(format!(
                    "{}{}",
                    &line[..i],
                    line[i..].chars().skip(1).collect::<String>()
                ));
                for insert in [" ", "0", "-", "\\", "\"", "A", "9", "x", "\u{1}", "é"] {
                    variants.push(format!("{}{insert}{}", &line[..i], &line[i..]));
                }
            }
            for variant in &variants {
                let read = parse_line(variant).and_then(sanitize);
                let kept = old_line(variant);
                assert_eq!(
                    kept.as_ref().map(|(key, when, _)| (*key, *when)),
                    read.as_ref().map(|(key, e)| (*key, (e.start_ms, e.end_ms))),
                    "{variant}"
                );
                let Some(((_, _, form), (_, entry))) = kept.zip(read) else {
                    continue;
                };
                let written = serde_json::to_string(&entry).unwrap();
                match form {
                    Form::AsIs => {
                        as_is += 1;
                        assert_eq!(&written, variant);
                    }
                    // Lines with escapes among them, which serde_json reads.
                    Form::Rewritten(rewritten) => assert_eq!(rewritten, entry),
                }
            }
        }
        assert!(as_is > samples.len(), "{as_is}");
    }

    /// A listing's records are written as the entries the first writer took of them.
    #[test]
    fn sessions_are_written_as_their_entries_were() {
        use crate::session::{Kind, Origin, Severity};
        let mut sessions = Vec::new();
        for (n, id) in [
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abc",
            "0B3F1C2E-9D4A-4C1E-8F00-123456789ABD",
            "not-a-uuid",
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abe",
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abc",
            "0b3f1c2e-9d4a-4c1e-8f00-123456789abf",
        ]
        .into_iter()
        .enumerate()
        {
            let kind = ["ssh", "k8s", "mcp", "db", "app", "desktop"][n];
            let mut s = Session::new(id, Kind::from_name(kind), Origin::Ls);
            s.set_user(&format!("user {n} \"ü\" \u{1b}[1m"));
            s.set_target("web-01");
            if n % 2 == 0 {
                s.set_cluster(Some("c1"));
                s.start = "2026-06-03T10:00:00.5Z".parse().unwrap();
            }
            if n != 3 {
                s.end = "2026-06-03T10:01:00.123456Z".parse().unwrap();
            }
            s.interactive = (n != 1).then_some(n % 3 == 0);
            s.recorded = (n != 2).then_some(true);
            s.severity = [None, Some(Severity::Low), Some(Severity::Critical)][n % 3];
            if n == 3 {
                s.extra_mut().access_requests = vec![
                    id.into(),
                    "x".into(),
                    "4F1A2B3C-0000-4000-8000-000000000001".into(),
                ];
                s.set_target(&"t".repeat(MAX_FIELD_BYTES + 1));
            }
            if n == 5 {
                s.extra_mut().access_requests = vec!["4f1a2b3c-0000-4000-8000-000000000001".into()];
            }
            sessions.push(s);
        }
        let refs: Vec<&Session> = sessions.iter().collect();
        let entries: Vec<Entry> = sessions.iter().map(Entry::of).collect();
        let old = file_of(&[entry(1, 1_780_480_800_000), entry(2, 0)]);
        for old in [None, Some(&old[..])] {
            let tmp = TempDir::new("sessions");
            let cache = Cache::at(tmp.cache_dir(), Scope::Live);
            if let Some(old) = old {
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(tmp.cache_dir())
                    .unwrap();
                fs::write(cache.file(), old).unwrap();
                chmod(&cache.file(), 0o600);
            }
            cache.record_sessions(&refs).unwrap();
            let want = the_old_way(old, &entries, MAX_ENTRIES).unwrap();
            assert_eq!(
                String::from_utf8(fs::read(cache.file()).unwrap()).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}
