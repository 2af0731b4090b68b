//! Running tsh/tctl: an argument vector (never a shell), stdin from /dev/null, stdout streamed to
//! the caller, stderr captured (bounded), and a deadline that holds whatever the child does.
//!
//! The deadline kills the child's whole process group, and it also bounds every read: a helper
//! that left the group with `setsid()` (an ssh ControlPersist master, say) can keep the pipes
//! open forever, so no read, drain or join here waits for end of file without a limit. Once
//! the child itself has exited, a pipe that stays quiet for [`QUIET`] is taken as finished.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::signals::{Foreground, Group};

/// Enough stderr to classify and quote an error; a child flooding stderr must not exhaust
/// memory, so the rest is drained and dropped.
const STDERR_CAP: usize = 64 * 1024;

/// After the child exits, how long a pipe may stay silent before it is taken as finished: what
/// the child wrote is already in the pipe, so only a helper it left behind could add more.
const QUIET: Duration = Duration::from_millis(200);

pub struct Finished<R> {
    pub value: R,
    pub status: ExitStatus,
    pub stderr: Vec<u8>,
}

impl<R> Finished<R> {
    /// The signal that killed the child, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }
}

#[derive(Debug)]
pub enum RunError {
    Spawn(io::Error),
    /// The deadline passed; the child's process group was killed.
    TimedOut,
    Wait(io::Error),
}

/// Run `program args`, handing its stdout to `consume` while it runs.
pub fn run<R>(
    program: &Path,
    args: &[String],
    timeout: Duration,
    consume: impl FnOnce(&mut dyn Read) -> R,
) -> Result<Finished<R>, RunError> {
    let deadline = Instant::now() + timeout;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a deadline or Ctrl-C can kill whatever the child started too.
        .process_group(0);
    let (mut child, group) = Group::spawn(&mut command).map_err(RunError::Spawn)?;
    let pid = child.id() as libc::pid_t;
    let exit = ExitWatch::start(pid).map_err(RunError::Wait)?;

    let timed_out = Arc::new(AtomicBool::new(false));
    let (done, done_rx) = mpsc::channel::<()>();
    let watchdog = {
        let timed_out = Arc::clone(&timed_out);
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(timeout) {
                timed_out.store(true, Ordering::SeqCst);
                Group::kill(pid);
            }
        })
    };

    let stderr = child.stderr.take().map(|pipe| {
        let mut reader = Bounded::new(pipe, Some(deadline), Arc::clone(&exit));
        thread::spawn(move || capture(&mut reader))
    });
    let (value, stdout_expired) = {
        let pipe = child.stdout.take().expect("piped");
        widen(&pipe);
        let mut stdout = Bounded::new(pipe, Some(deadline), Arc::clone(&exit));
        let value = consume(&mut stdout);
        // Keep draining so a child that is still writing is not stuck on a full pipe; this
        // ends at end of file, when the child has gone quiet, or at the deadline.
        let _ = io::copy(&mut stdout, &mut io::sink());
        (value, stdout.expired)
    };
    let status = reap(&mut child, group, &exit);
    let _ = done.send(());
    let _ = watchdog.join();
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    if timed_out.load(Ordering::SeqCst) || stdout_expired {
        return Err(RunError::TimedOut);
    }
    Ok(Finished {
        value,
        status: status.map_err(RunError::Wait)?,
        stderr,
    })
}

/// Run a child that shares our terminal (`tsh play`): it gets the terminal's signals itself
/// (see `signals::Foreground`) and no deadline, since a replay lasts as long as the person
/// watching wants. Its stderr is captured (bounded) for the error message; a helper it leaves
/// behind holding stderr does not keep us waiting.
pub fn run_foreground(command: &mut Command) -> io::Result<(ExitStatus, Vec<u8>)> {
    command.stderr(Stdio::piped());
    let (mut child, foreground) = Foreground::spawn(command)?;
    let exit = ExitWatch::start(child.id() as libc::pid_t)?;
    let stderr = match child.stderr.take() {
        Some(pipe) => capture(&mut Bounded::new(pipe, None, Arc::clone(&exit))),
        None => Vec::new(),
    };
    exit.wait();
    // Unregistered before it is reaped: a signal is never passed on to a recycled pid.
    drop(foreground);
    Ok((child.wait()?, stderr))
}

/// Wait for the child to exit (the watchdog guarantees it does), unregister its group (killing
/// any member it left behind), then reap it: in that order, a signal can never reach a
/// recycled process-group id.
fn reap(child: &mut Child, group: Group, exit: &ExitWatch) -> io::Result<ExitStatus> {
    exit.wait();
    group.finish();
    child.wait()
}

/// Knows, without reaping it, when the child has exited: a thread blocks in `waitid(WNOWAIT)`
/// and then makes a pipe readable, so readers can `poll` for "data or exit" at once.
struct ExitWatch {
    exited: AtomicBool,
    wake_read: io::PipeReader,
    waiter: std::sync::Mutex<Option<thread::JoinHandle<()>>>,
}

impl ExitWatch {
    fn start(pid: libc::pid_t) -> io::Result<Arc<ExitWatch>> {
        let (wake_read, mut wake_write) = io::pipe()?;
        let watch = Arc::new(ExitWatch {
            exited: AtomicBool::new(false),
            wake_read,
            waiter: std::sync::Mutex::new(None),
        });
        let shared = Arc::clone(&watch);
        let handle = thread::spawn(move || {
            wait_exited(pid);
            shared.exited.store(true, Ordering::SeqCst);
            let _ = io::Write::write_all(&mut wake_write, b"x");
        });
        *watch.waiter.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        Ok(watch)
    }

    fn wake_fd(&self) -> RawFd {
        self.wake_read.as_raw_fd()
    }

    fn has_exited(&self) -> bool {
        self.exited.load(Ordering::SeqCst)
    }

    fn wait(&self) {
        let handle = self.waiter.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

/// Block until `pid` (our child) has exited, leaving it unreaped.
pub fn wait_exited(pid: libc::pid_t) {
    loop {
        // SAFETY: waitid writes into a zeroed siginfo_t that lives on this stack.
        let rc = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// A child's pipe whose reads end at the deadline (an error) or, once the child has exited,
/// after [`QUIET`] without data (end of file).
struct Bounded<P> {
    pipe: P,
    deadline: Option<Instant>,
    exit: Arc<ExitWatch>,
    /// The deadline passed while reading.
    expired: bool,
}

impl<P: Read + AsRawFd> Bounded<P> {
    fn new(pipe: P, deadline: Option<Instant>, exit: Arc<ExitWatch>) -> Bounded<P> {
        Bounded {
            pipe,
            deadline,
            exit,
            expired: false,
        }
    }
}

impl<P: Read + AsRawFd> Read for Bounded<P> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let now = Instant::now();
            let left = self.deadline.map(|d| d.saturating_duration_since(now));
            if left == Some(Duration::ZERO) {
                self.expired = true;
                return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
            }
            let exited = self.exit.has_exited();
            // poll(2) takes milliseconds; -1 waits without limit.
            let ms = |d: Duration| d.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
            let timeout = match (exited, left) {
                (true, Some(left)) => ms(QUIET.min(left)),
                (true, None) => ms(QUIET),
                (false, Some(left)) => ms(left),
                (false, None) => -1,
            };
            let mut fds = [
                libc::pollfd {
                    fd: self.pipe.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.exit.wake_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let watched = if exited { 1 } else { 2 };
            // SAFETY: `fds` outlives the call and `watched` <= its length.
            let rc = unsafe { libc::poll(fds.as_mut_ptr(), watched, timeout) };
            if rc < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if fds[0].revents != 0 {
                return self.pipe.read(buf);
            }
            let quiet = rc == 0 && exited;
            if quiet && self.deadline.is_none_or(|d| Instant::now() < d) {
                // The child is gone and nothing came for a while: whoever still holds the
                // pipe is not the child.
                return Ok(0);
            }
        }
    }
}

/// Lets the child run up to 1 MiB ahead of us (Linux's default pipe holds 64 KiB): a listing
/// of 100 MB then costs 16 times fewer wake-ups of the child and of us. Unprivileged processes
/// may ask for up to `/proc/sys/fs/pipe-max-size` (1 MiB by default); where that is lower, or
/// on other systems, the pipe stays as it was.
#[cfg(target_os = "linux")]
fn widen(pipe: &impl AsRawFd) {
    // SAFETY: fcntl on a descriptor we own; on failure nothing changes.
    unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20);
    }
}

#[cfg(not(target_os = "linux"))]
fn widen(_: &impl AsRawFd) {}

fn capture(pipe: &mut impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = STDERR_CAP.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// The child may run 1 MiB ahead (where the system lets an unprivileged process ask).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_childs_pipe_holds_a_mib() {
        let max: i64 = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let (read, _write) = io::pipe().unwrap();
        widen(&read);
        // SAFETY: fcntl on a descriptor this test owns.
        let size = unsafe { libc::fcntl(read.as_raw_fd(), libc::F_GETPIPE_SZ) };
        if max >= 1 << 20 {
            assert_eq!(size, 1 << 20);
        }
    }

    fn sh(script: &str, timeout: Duration) -> Result<Finished<String>, RunError> {
        let args = vec!["-c".to_owned(), script.to_owned()];
        run(Path::new("/bin/sh"), &args, timeout, |out| {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        })
    }

    #[test]
    fn captures_stdout_stderr_and_status() {
        let f = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10)).unwrap();
        assert_eq!(f.value, "out\n");
        assert_eq!(f.stderr, b"err\n");
        assert_eq!(f.status.code(), Some(3));
    }

    #[test]
    fn children_start_with_no_signal_blocked() {
        // This thread blocks SIGTERM, as every thread does once `signals::install` ran.
        // SAFETY: local signal sets.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        }
        let f = sh("grep SigBlk /proc/self/status", Duration::from_secs(10)).unwrap();
        assert_eq!(f.value.split_whitespace().nth(1), Some("0000000000000000"));
    }

    #[test]
    fn stdin_is_empty() {
        let f = sh("cat; echo done", Duration::from_secs(10)).unwrap();
        assert_eq!(f.value, "done\n");
    }

    #[test]
    fn deadline_kills_the_whole_group() {
        let started = Instant::now();
        // The grandchild keeps stdout open: only a group kill ends the read.
        let r = sh("sleep 30 & sleep 30", Duration::from_millis(300));
        assert!(matches!(r, Err(RunError::TimedOut)));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_helper_that_leaves_the_group_cannot_outlast_the_deadline() {
        // `setsid` puts the helper in a session of its own, out of reach of the group kill,
        // while it keeps stdout and stderr open (an ssh ControlPersist master does this).
        let started = Instant::now();
        let r = sh("setsid sleep 30 & sleep 30", Duration::from_millis(500));
        assert!(matches!(r, Err(RunError::TimedOut)));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_finished_child_is_not_held_up_by_a_helper_that_keeps_the_pipes() {
        let started = Instant::now();
        let f = sh(
            "echo out; echo err >&2; setsid sleep 30 &",
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(f.value, "out\n");
        assert_eq!(f.stderr, b"err\n");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn what_the_child_left_in_its_group_is_stopped() {
        let f = sh("sleep 30 & echo $!", Duration::from_secs(20)).unwrap();
        let pid: libc::pid_t = f.value.trim().parse().unwrap();
        let gone = (0..100).any(|_| {
            // SAFETY: signal 0 only checks whether the process exists.
            let alive = unsafe { libc::kill(pid, 0) } == 0;
            if alive {
                std::thread::sleep(Duration::from_millis(20));
            }
            !alive
        });
        assert!(gone, "the group's leftover sleep {pid} still runs");
    }

    #[test]
    fn a_slow_reader_still_gets_everything_after_the_child_exits() {
        // The child is long gone while the consumer dawdles: nothing may be cut off.
        let args = vec!["-c".to_owned(), "head -c 200000 /dev/zero".to_owned()];
        let f = run(
            Path::new("/bin/sh"),
            &args,
            Duration::from_secs(20),
            |out| {
                let mut total = 0;
                let mut buf = [0u8; 4096];
                loop {
                    std::thread::sleep(Duration::from_millis(5));
                    match out.read(&mut buf) {
                        Ok(0) | Err(_) => return total,
                        Ok(n) => total += n,
                    }
                }
            },
        )
        .unwrap();
        assert_eq!(f.value, 200_000);
    }

    #[test]
    fn stderr_floods_are_capped() {
        let f = sh(
            "head -c 3000000 /dev/zero >&2; echo ok",
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(f.value, "ok\n");
        assert_eq!(f.stderr.len(), STDERR_CAP);
    }

    #[test]
    fn a_consumer_that_stops_early_does_not_hang() {
        let args = vec![
            "-c".to_owned(),
            "yes | head -c 5000000; echo end".to_owned(),
        ];
        let f = run(
            Path::new("/bin/sh"),
            &args,
            Duration::from_secs(20),
            |out| {
                let mut first = [0u8; 4];
                out.read_exact(&mut first).unwrap();
                first
            },
        )
        .unwrap();
        assert_eq!(&f.value, b"y\ny\n");
        assert!(f.status.success());
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let r = run(
            Path::new("/nonexistent/tctl"),
            &[],
            Duration::from_secs(1),
            |_| (),
        );
        assert!(matches!(r, Err(RunError::Spawn(_))));
    }
}
