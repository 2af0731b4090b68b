//! Reading a cache file: its lines a run at a time, and the entries they hold.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::io::{self, Read};
use std::ops::ControlFlow;

use super::line::{IdHash, after_header, lines, parse_line, sanitize};
use super::{Entry, MAX_FILE_BYTES};

/// The longest line [`runs`] reads; see there.
const MAX_LINE: usize = 1 << 20;

/// How [`runs`] ended.
pub(super) enum Ended {
    /// Every line was handed over.
    Whole,
    /// `each` asked to stop.
    Stopped,
    /// The file does not start with our header: it holds no entries.
    NotCache,
    /// Reading failed, or the file or one of its lines is over its bound: as good as
    /// missing.
    Failed,
}

/// Hands `each` the lines of a cache file after the header, a run of whole lines at a time,
/// read in small chunks: a TAB after a prefix or `--user` reads the whole cache, and a buffer
/// the size of the file (about 4 MB at 20,000 entries) cost more to allocate and fault in
/// than the rest of the answer; the writer merges the old file's lines as they come.
pub(super) fn runs(file: impl Read, mut each: impl FnMut(&[u8]) -> ControlFlow<()>) -> Ended {
    const CHUNK: usize = 64 << 10;
    // Bounded even if the file grows after the check; a file over the bound is ignored.
    let mut file = file.take(MAX_FILE_BYTES as u64 + 1);
    let (mut buf, mut filled, mut total) = (vec![0; CHUNK], 0, 0);
    let mut header = false;
    loop {
        if filled == buf.len() {
            // A line longer than the buffer: only a hand-edited file has one. Past
            // MAX_LINE (our writer's lines stay under 16 KiB) the file is taken as unreadable
            // rather than held whole, so a 16 MiB file without a newline costs 1 MiB, not 32.
            if buf.len() >= MAX_LINE {
                return Ended::Failed;
            }
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
pub(super) struct Collector {
    seen: HashSet<u128, IdHash>,
    pub(super) entries: Vec<Entry>,
}

impl Collector {
    pub(super) fn with_capacity(n: usize) -> Collector {
        Collector {
            seen: HashSet::with_capacity_and_hasher(n, IdHash::new()),
            entries: Vec::with_capacity(n),
        }
    }

    pub(super) fn add(&mut self, entry: Entry) {
        if let Some((key, entry)) = sanitize(entry)
            && self.seen.insert(key)
        {
            self.entries.push(entry);
        }
    }

    /// Adds the entries of a cache file, skipping lines that fail to parse or validate. With
    /// `prefix` (lowercase), only entries whose id starts with it.
    pub(super) fn parse(&mut self, bytes: &[u8], prefix: Option<&str>) {
        if let Some(lines) = after_header(bytes) {
            self.parse_lines(lines, prefix);
        }
    }

    /// [`Collector::parse`] for whole lines after the header.
    pub(super) fn parse_lines(&mut self, bytes: &[u8], prefix: Option<&str>) {
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
    pub(super) fn finish(mut self) -> Vec<Entry> {
        self.entries
            .sort_by_key(|e| Reverse((e.start_ms, e.end_ms)));
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TempDir, entry, id, ids};
    use super::super::{Cache, Entry, Scope};
    use std::fs;

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
}
