//! Files only this user may have written: the session cache and the config.js probe cache.
//!
//! What is read back from them ends up on `tsh` command lines (session ids) or decides what
//! `doctor` and a failed search say, so anything another user could have influenced is
//! treated as absent. The cache directory often lives in a shared or synced place
//! (`XDG_CACHE_HOME` pointed at a shared disk, a home on NFS), so:
//! - the directory itself must be a real directory (not a symlink planted by someone who can
//!   write its parent), owned by us, and writable by nobody else. Its parents are not checked:
//!   a symlinked `~/.cache` is common and harmless, and a group-writable one is the norm under
//!   umask 002 with per-user groups;
//! - files are opened with `O_NOFOLLOW` (no symlink race between a check and the open) and
//!   `O_NONBLOCK` (a FIFO planted in place of a file cannot hang completion), must be regular
//!   files owned by us and writable by nobody else, and are read up to a size cap;
//! - writes go to a fresh temp file (`O_EXCL`, 0600), are fsynced, then renamed over the
//!   file, so a reader sees the old file or the new one, never half of one, even after a
//!   crash; temp files a dead writer left behind are removed.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const TMP_SUFFIX: &str = ".tmp";

/// Why a directory or file was not used.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Someone else could have put it there, or it is not what we would have created.
    Refused(&'static str),
    Io(io::Error),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Refused(why) => f.write_str(why),
            Problem::Io(e) => write!(f, "{e}"),
        }
    }
}

/// The directory's metadata if it is one we may use: checked without following a symlink, so
/// a `tsh-review` entry that someone pointed at another directory of ours (`~/.ssh`, `~`) is
/// refused rather than written into.
pub(crate) fn check_dir(dir: &Path) -> Result<Metadata, Problem> {
    let meta = fs::symlink_metadata(dir).map_err(Problem::Io)?;
    if meta.file_type().is_symlink() {
        Err(Problem::Refused(
            "it is a symlink (remove it; tsh-review creates a private directory there)",
        ))
    } else if !meta.is_dir() {
        Err(Problem::Refused("not a directory"))
    } else if meta.uid() != current_uid() {
        Err(Problem::Refused("not owned by the current user"))
    } else if meta.mode() & 0o022 != 0 {
        Err(Problem::Refused(
            "it is group/world-writable (chmod 700 it)",
        ))
    } else {
        Ok(meta)
    }
}

/// Creates `dir` (and missing parents) as 0700 if needed, then checks it as [`check_dir`]
/// does. An existing directory that others can list is safe to use (files are 0600) but still
/// reveals that the tool is in use: it is tightened, best effort.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), Problem> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(Problem::Io)?;
    let meta = check_dir(dir)?;
    if meta.mode() & 0o077 != 0 {
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// What [`read`] found.
#[derive(Debug)]
pub(crate) enum Contents {
    /// Missing, or present but not trustworthy or too big: its contents are ignored and it may
    /// be replaced.
    Ignored,
    Bytes(Vec<u8>),
}

/// Reads `path` (in a directory already checked) if it is a regular file of ours that nobody
/// else can write and at most `max` bytes long. Err(Refused) for a symlink or a non-regular
/// file: never replace those, someone put them there; Err(Io) when it cannot be read.
pub(crate) fn read(path: &Path, max: u64) -> Result<Contents, Problem> {
    read_head(path, max, u64::MAX)
}

/// [`read`], but only the first `head` bytes (fewer when the file is shorter): for a reader
/// that needs only the start of a file written in a known order. The checks are the same and
/// apply to the whole file: one over `max` bytes is still ignored.
pub(crate) fn read_head(path: &Path, max: u64, head: u64) -> Result<Contents, Problem> {
    let Some((file, len)) = open(path, max)? else {
        return Ok(Contents::Ignored);
    };
    let want = max.min(head);
    let mut bytes = Vec::with_capacity(len.min(want) as usize + 1);
    file.take(want + 1)
        .read_to_end(&mut bytes)
        .map_err(Problem::Io)?;
    if bytes.len() as u64 > max {
        return Ok(Contents::Ignored);
    }
    bytes.truncate(usize::try_from(head).unwrap_or(usize::MAX));
    Ok(Contents::Bytes(bytes))
}

/// `path` opened for reading under [`read`]'s checks, with its length, for a reader that
/// streams it; None where [`read`] gives `Contents::Ignored`. The reader must still stop after
/// `max` bytes: the file may grow after the check.
pub(crate) fn open(path: &Path, max: u64) -> Result<Option<(File, u64)>, Problem> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        // The errno for O_NOFOLLOW on a symlink differs between systems; ask directly.
        Err(e) => {
            return match fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => Err(Problem::Refused("it is a symlink")),
                _ => Err(Problem::Io(e)),
            };
        }
    };
    let meta = file.metadata().map_err(Problem::Io)?;
    if !meta.is_file() {
        return Err(Problem::Refused("it is not a regular file"));
    }
    if !trusted(&meta) || meta.len() > max {
        return Ok(None);
    }
    Ok(Some((file, meta.len())))
}

/// A failed [`write_atomically`]: which file, and what went wrong.
#[derive(Debug)]
pub(crate) struct WriteError {
    /// "create", "write" or "replace".
    pub(crate) step: &'static str,
    pub(crate) path: PathBuf,
    pub(crate) err: io::Error,
}

/// Replaces `dir/name` with `bytes` (0600): a temp file beside it, fsynced, renamed over it.
/// The temp file never outlives a failure.
pub(crate) fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = AtomicFile::create(dir, name, 0)?;
    file.write(bytes)?;
    file.commit()
}

/// The new version of `dir/name`, written a piece at a time into a temp file beside it (0600,
/// `O_EXCL`, named for [`remove_stale_temps`]), then fsynced and renamed over the file by
/// [`AtomicFile::commit`]. Dropped uncommitted, or on any failure, the temp file is removed.
pub(crate) struct AtomicFile {
    tmp: PathBuf,
    path: PathBuf,
    /// None once closed.
    file: Option<io::BufWriter<File>>,
    placed: bool,
}

impl AtomicFile {
    /// `buffer` bytes of writes are gathered before they reach the file (0: none).
    pub(crate) fn create(dir: &Path, name: &str, buffer: usize) -> Result<AtomicFile, WriteError> {
        let tmp = dir.join(temp_name(name));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .map_err(|err| WriteError {
                step: "create",
                path: tmp.clone(),
                err,
            })?;
        Ok(AtomicFile {
            tmp,
            path: dir.join(name),
            file: Some(io::BufWriter::with_capacity(buffer, file)),
            placed: false,
        })
    }

    /// A failed write of the temp file.
    pub(crate) fn failed(&self, err: io::Error) -> WriteError {
        WriteError {
            step: "write",
            path: self.tmp.clone(),
            err,
        }
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let written = match &mut self.file {
            Some(file) => file.write_all(bytes),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        };
        written.map_err(|e| self.failed(e))
    }

    /// Flushed, fsynced and closed, then renamed over the file.
    pub(crate) fn commit(mut self) -> Result<(), WriteError> {
        let Some(file) = self.file.take() else {
            return Err(self.failed(io::ErrorKind::BrokenPipe.into()));
        };
        let file = file.into_inner().map_err(|e| self.failed(e.into_error()))?;
        file.sync_all().map_err(|e| self.failed(e))?;
        drop(file);
        fs::rename(&self.tmp, &self.path).map_err(|err| WriteError {
            step: "replace",
            path: self.path.clone(),
            err,
        })?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Closed before it is removed.
        drop(self.file.take());
        if !self.placed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// `.{name}.{pid}.{counter}.{nanos}.tmp`: unique among threads and processes, hidden, and
/// recognisable by [`remove_stale_temps`].
fn temp_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        ".{name}.{}.{}.{nanos}{TMP_SUFFIX}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Removes temp files of files whose name starts with `prefix` that a writer killed mid-write
/// left behind, if at least `min_age` old. A caller holding a lock that every writer holds
/// passes zero; others pass an age no live writer reaches, so a concurrent write is never cut.
pub(crate) fn remove_stale_temps(dir: &Path, prefix: &str, min_age: Duration) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    let dotted = format!(".{prefix}");
    let now = SystemTime::now();
    for item in listing.flatten() {
        let name = item.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with(&dotted) || !name.ends_with(TMP_SUFFIX) {
            continue;
        }
        let old_enough = min_age.is_zero()
            || item
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age >= min_age));
        if old_enough {
            let _ = fs::remove_file(item.path());
        }
    }
}

/// Ours, and nobody else can write it.
fn trusted(meta: &Metadata) -> bool {
    meta.uid() == current_uid() && meta.mode() & 0o022 == 0
}

pub(crate) fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Prints `message` as a warning once per process: a refused cache directory is news once,
/// however many files the run would have written there.
pub(crate) fn warn_once(message: &str) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!("tsh-review: warning: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static N: AtomicU64 = AtomicU64::new(0);
            let path = std::env::temp_dir().join(format!(
                "tsh-review-private-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&path);
            fs::DirBuilder::new().mode(0o700).create(&path).unwrap();
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn refused(r: Result<Metadata, Problem>) -> &'static str {
        match r {
            Err(Problem::Refused(why)) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_symlinked_directory_is_refused_even_when_it_points_to_ours() {
        let tmp = TempDir::new("symlink");
        let real = tmp.0.join("real");
        fs::DirBuilder::new().mode(0o700).create(&real).unwrap();
        let link = tmp.0.join("tsh-review");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(refused(check_dir(&link)).contains("symlink"));
        assert!(matches!(ensure_dir(&link), Err(Problem::Refused(_))));
        assert!(check_dir(&real).is_ok());
    }

    #[test]
    fn loose_or_odd_directories_are_refused() {
        let tmp = TempDir::new("loose");
        let dir = tmp.0.join("d");
        ensure_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o775)).unwrap();
        assert!(refused(check_dir(&dir)).contains("group/world-writable"));
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_dir(&dir).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let file = tmp.0.join("f");
        fs::write(&file, "x").unwrap();
        assert_eq!(refused(check_dir(&file)), "not a directory");
        assert!(matches!(
            check_dir(&tmp.0.join("none")),
            Err(Problem::Io(_))
        ));
    }

    #[test]
    fn reads_are_capped_and_refuse_symlinks() {
        let tmp = TempDir::new("read");
        write_atomically(&tmp.0, "f", b"hello").unwrap();
        let path = tmp.0.join("f");
        assert!(matches!(read(&path, 5), Ok(Contents::Bytes(b)) if b == b"hello"));
        assert!(matches!(read(&path, 4), Ok(Contents::Ignored)));
        assert!(matches!(
            read(&tmp.0.join("none"), 5),
            Ok(Contents::Ignored)
        ));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o620)).unwrap();
        assert!(matches!(read(&path, 5), Ok(Contents::Ignored)));
        let link = tmp.0.join("link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(matches!(read(&link, 5), Err(Problem::Refused(why)) if why.contains("symlink")));
        assert!(matches!(read(&tmp.0, 5), Err(Problem::Refused(_))));
    }

    #[test]
    fn a_head_is_read_under_the_same_checks() {
        let tmp = TempDir::new("head");
        write_atomically(&tmp.0, "f", b"hello").unwrap();
        let path = tmp.0.join("f");
        assert!(matches!(read_head(&path, 5, 2), Ok(Contents::Bytes(b)) if b == b"he"));
        assert!(matches!(read_head(&path, 5, 9), Ok(Contents::Bytes(b)) if b == b"hello"));
        // The cap is on the file, not on the head.
        assert!(matches!(read_head(&path, 4, 2), Ok(Contents::Ignored)));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o620)).unwrap();
        assert!(matches!(read_head(&path, 5, 2), Ok(Contents::Ignored)));
    }

    #[test]
    fn writes_replace_atomically_and_stale_temps_go() {
        let tmp = TempDir::new("write");
        write_atomically(&tmp.0, "f.json", b"one").unwrap();
        write_atomically(&tmp.0, "f.json", b"two").unwrap();
        assert_eq!(fs::read(tmp.0.join("f.json")).unwrap(), b"two");
        let mode = fs::metadata(tmp.0.join("f.json")).unwrap().mode();
        assert_eq!(mode & 0o777, 0o600);
        let stale = tmp.0.join(".f.json.1.2.3.tmp");
        let other = tmp.0.join(".g.json.1.2.3.tmp");
        fs::write(&stale, "x").unwrap();
        fs::write(&other, "x").unwrap();
        // Too fresh to be a dead writer's.
        remove_stale_temps(&tmp.0, "f.json", Duration::from_secs(60));
        assert!(stale.exists());
        remove_stale_temps(&tmp.0, "f.json", Duration::ZERO);
        assert!(!stale.exists());
        assert!(other.exists());
        // A directory we cannot write in: the error names the step, and nothing is left.
        let dir = tmp.0.join("ro");
        ensure_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        if current_uid() != 0 {
            let err = write_atomically(&dir, "f", b"x").unwrap_err();
            assert_eq!(err.step, "create");
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    }
}
