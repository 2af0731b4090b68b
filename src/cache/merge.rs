//! The writer. What it writes is what the first version wrote (all entries parsed, merged,
//! sorted, then serialized into one buffer; the tests keep that version as their oracle), but
//! it holds neither the old file, nor the new one, nor an owned entry per session.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use super::line::{IdHash, Record, When, after_header, lines, sanitize, scan_line};
use super::read::{Ended, runs};
use super::{Cache, CacheError, Cause, Entry, HEADER, MAX_FILE_BYTES, Scope};
use crate::private_file::{self, AtomicFile, Problem, WriteError};
use crate::session::uuid_bits;

impl Cache {
    /// Merges `records` into the file, as [`record`](super::record) says: the batch's valid
    /// records (the last of an id) and the old file's valid lines (the first of an id not in
    /// the batch), newest first by start then end, ties in that order, at most `limit` of them
    /// and no more than a reader accepts. Unchanged, the file is left as it is.
    ///
    /// The file our writer leaves is already in that order, so its lines are merged with the
    /// batch as they are read, a chunk at a time, and each line goes to the new file as it is
    /// made: only the batch's order and the ids seen are held. A file in any other order (one
    /// edited by hand) is read whole and its lines sorted first.
    pub(super) fn write_batch<R: Record>(&self, records: &[R]) -> Result<(), CacheError> {
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
                    file.read_exact_at(&mut buf[..want], at).map_err(|e| {
                        CacheError::io("cannot read session cache", &self.dir.join(self.name), e)
                    })?;
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

#[cfg(test)]
mod tests {
    use super::super::line::{parse_line, serialize};
    use super::super::read::Collector;
    use super::super::testing::{TempDir, chmod, entry, id, ids, mode, plant, sparse};
    use super::super::{MAX_ENTRIES, MAX_FIELD_BYTES};
    use super::*;
    use crate::session::Session;
    use std::fs;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};

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
            plant(&cache, old);
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
        let sparse = sparse(3, 3000, true);
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
                plant(&cache, old);
            }
            cache.record_sessions(&refs).unwrap();
            let want = the_old_way(old, &entries, MAX_ENTRIES).unwrap();
            assert_eq!(
                String::from_utf8(fs::read(cache.file()).unwrap()).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }

    /// Files of 20,000 entries, where the new file first differs after several buffers (the
    /// agreed part is copied back in more than one piece), with CRLF line ends, a padded
    /// header, a line longer than a read chunk, and an id given twice near the end.
    #[test]
    fn large_files_merge_as_before() {
        let full: Vec<Entry> = (0..MAX_ENTRIES as u64)
            .map(|n| entry(n, n as i64))
            .collect();
        let old = file_of(&full);
        assert!(old.len() > 3 * OUT_BUFFER);
        let mut changed = entry(100, 100);
        changed.user = "someone else".into();
        writes_as_before(Some(&old), std::slice::from_ref(&changed), MAX_ENTRIES);
        writes_as_before(Some(&old), &[entry(30_000, 150)], MAX_ENTRIES);
        writes_as_before(
            Some(&old),
            &[entry(30_001, 5), changed.clone()],
            MAX_ENTRIES,
        );
        writes_as_before(Some(&old), &[entry(5, 5)], 19_000);
        writes_as_before(Some(&old), &[entry(5, 5)], 19_999);
        let text = String::from_utf8(old.clone()).unwrap();
        let crlf = text.replace('\n', "\r\n");
        writes_as_before(
            Some(crlf.as_bytes()),
            std::slice::from_ref(&changed),
            MAX_ENTRIES,
        );
        let padded = format!("{}{}", " ".repeat(100_000), text);
        writes_as_before(
            Some(padded.as_bytes()),
            std::slice::from_ref(&changed),
            MAX_ENTRIES,
        );
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let line = lines[500].clone();
        lines[500] = format!("{} {}}}", &line[..line.len() - 1], " ".repeat(200_000));
        let long = lines.join("\n") + "\n";
        writes_as_before(
            Some(long.as_bytes()),
            std::slice::from_ref(&changed),
            MAX_ENTRIES,
        );
        writes_as_before(Some(long.as_bytes()), &[entry(1, 1)], MAX_ENTRIES);
        let twice = format!(
            "{text}{}\n",
            serde_json::to_string(&entry(19_999, -5)).unwrap()
        );
        writes_as_before(Some(twice.as_bytes()), &[entry(1, 1)], MAX_ENTRIES);
        writes_as_before(Some(twice.as_bytes()), &[entry(1, 1)], 30_000);
    }

    /// A line over a MiB (ours stay under 16 KiB) makes the old file unreadable: the batch
    /// alone is written, and the reader's buffer never grows past a MiB.
    #[test]
    fn a_line_over_a_mib_is_not_read() {
        let mut text = String::from_utf8(file_of(&[entry(1, 1), entry(2, 2)])).unwrap();
        text.push_str(&" ".repeat(2 << 20));
        text.push('\n');
        let tmp = TempDir::new("longline");
        let cache = Cache::at(tmp.cache_dir(), Scope::Live);
        fs::DirBuilder::new()
            .mode(0o700)
            .create(tmp.cache_dir())
            .unwrap();
        fs::write(cache.file(), &text).unwrap();
        chmod(&cache.file(), 0o600);
        cache.record(&[entry(3, 3)]).unwrap();
        assert_eq!(ids(&cache.load()), vec![id(3)]);
    }
}
