//! Running tsh/tctl: an argument vector (never a shell), stdin from /dev/null, stdout streamed to
//! the caller, stderr captured (bounded), and a deadline that kills the whole process group.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Enough stderr to classify and quote an error; a child flooding stderr must not exhaust
/// memory, so the rest is drained and dropped.
const STDERR_CAP: usize = 64 * 1024;

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
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a deadline can kill whatever the child started too.
        .process_group(0)
        .spawn()
        .map_err(RunError::Spawn)?;
    let pid = child.id() as libc::pid_t;

    let timed_out = Arc::new(AtomicBool::new(false));
    let (done, done_rx) = mpsc::channel::<()>();
    let watchdog = {
        let timed_out = Arc::clone(&timed_out);
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(timeout) {
                timed_out.store(true, Ordering::SeqCst);
                // SAFETY: kill(2) with a negative pid signals the process group we created;
                // the group still exists because the child has not been reaped yet.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
        })
    };

    let stderr = child
        .stderr
        .take()
        .map(|pipe| thread::spawn(|| capture(pipe)));
    let value = {
        // Unbuffered here: readers buffer on their side, where the calls can be inlined.
        let mut stdout = child.stdout.take().expect("piped");
        let value = consume(&mut stdout);
        // Keep draining so a child that is still writing is not stuck on a full pipe; this
        // ends when it exits or the watchdog kills it.
        let _ = io::copy(&mut stdout, &mut io::sink());
        value
    };
    let status = child.wait();
    let _ = done.send(());
    let _ = watchdog.join();
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    if timed_out.load(Ordering::SeqCst) {
        return Err(RunError::TimedOut);
    }
    Ok(Finished {
        value,
        status: status.map_err(RunError::Wait)?,
        stderr,
    })
}

fn capture(mut pipe: impl Read) -> Vec<u8> {
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

    fn sh(script: &str, timeout: Duration) -> Result<Finished<String>, RunError> {
        let args = vec!["-c".to_owned(), script.to_owned()];
        run(Path::new("/bin/sh"), &args, timeout, |out| {
            let mut s = String::new();
            out.read_to_string(&mut s).unwrap();
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
