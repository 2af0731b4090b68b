//! Ctrl-C, Ctrl-\\, SIGTERM and SIGHUP: end every child's process group, remove staging files,
//! and die of the same signal (SPEC 5 rule 10).
//!
//! Children run in their own process group so that a deadline can kill what they started too;
//! the flip side is that the terminal's Ctrl-C no longer reaches them, so without this a hung
//! `tctl` would outlive us under PID 1. The signals are blocked in every thread and taken by one
//! thread with `sigwait`, so the clean-up runs as ordinary code (locks, allocation, file
//! removal), not inside an async-signal handler. Children start with an empty signal mask
//! (std's spawn resets it).
//!
//! The registry of live process groups is also what closes the race between a deadline and
//! reaping: a group is signalled only while it is registered, and it is unregistered before
//! its leader is reaped, so a recycled process-group id is never hit.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// What an interruption must clean up.
struct Live {
    /// Process groups of running children (each the pid of its leader).
    groups: Vec<libc::pid_t>,
    /// Staging directories holding half-written downloads, each with the directories made
    /// to hold it (deepest first).
    staging: Vec<(PathBuf, Vec<PathBuf>)>,
    /// A child that owns the terminal (`play`): it gets the terminal's signals itself.
    foreground: Option<libc::pid_t>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    groups: Vec::new(),
    staging: Vec::new(),
    foreground: None,
});

/// Ctrl-C, Ctrl-\, a termination request, a closed terminal.
const HANDLED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP];

fn live() -> std::sync::MutexGuard<'static, Live> {
    // A panic elsewhere must not stop the clean-up.
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Take SIGINT, SIGTERM and SIGHUP on a dedicated thread. Call first thing in `main`, before
/// any other thread starts, so that every thread inherits the blocked mask.
pub fn install() {
    // SAFETY: plain libc calls on a local, initialised signal set.
    unsafe {
        let set = handled_set();
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
    }
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(|| {
            loop {
                let mut sig: libc::c_int = 0;
                // SAFETY: sigwait on an initialised set, writing into a local.
                let rc = unsafe {
                    let set = handled_set();
                    libc::sigwait(&set, &mut sig)
                };
                if rc == 0 {
                    on_signal(sig);
                }
            }
        });
    if spawned.is_err() {
        // No thread to take them: let the signals act as they would have.
        // SAFETY: as above.
        unsafe {
            let set = handled_set();
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// # Safety
/// Only libc set manipulation on a local value.
unsafe fn handled_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set before sigaddset reads it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in HANDLED {
            libc::sigaddset(&mut set, sig);
        }
        set
    }
}

fn on_signal(sig: libc::c_int) {
    let mut live = live();
    if let Some(pid) = live.foreground {
        // `play`: tsh owns the terminal and decides what Ctrl-C means (as it does when run by
        // hand); a termination request is passed on. We end when it ends, with its status.
        if sig != libc::SIGINT && sig != libc::SIGQUIT {
            // SAFETY: kill(2) on a child that is registered, so not yet reaped.
            unsafe {
                libc::kill(pid, sig);
            }
        }
        return;
    }
    for &group in &live.groups {
        // SAFETY: a registered group's leader has not been reaped, so the id is still ours.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    let mut removed = false;
    for (dir, made) in live.staging.drain(..) {
        removed |= std::fs::remove_dir_all(&dir).is_ok();
        remove_empty(&made);
    }
    let stopped = live.groups.len();
    // Say what was done, on a fresh line (a spinner may be half-drawn).
    let mut what = Vec::new();
    if stopped > 0 {
        what.push(format!(
            "stopped {stopped} running tsh/tctl call{}",
            if stopped == 1 { "" } else { "s" }
        ));
    }
    if removed {
        what.push("removed the partial download".to_owned());
    }
    let mut err = std::io::stderr().lock();
    // Only a terminal has a line to clear: a file or pipe keeps the message plain.
    if std::io::IsTerminal::is_terminal(&err) {
        let _ = write!(err, "\r\x1b[2K");
    }
    if !what.is_empty() {
        let _ = writeln!(err, "tsh-review: interrupted: {}", what.join("; "));
    }
    let _ = err.flush();
    die_of(sig);
}

/// End the process the way `sig` would have, so the parent shell sees an interruption (and a
/// script loop stops), not an ordinary failure. Holds the registry lock: nothing starts now.
fn die_of(sig: libc::c_int) -> ! {
    // SAFETY: restoring the default action and unblocking `sig` in this thread, then raising
    // it at this thread: the default action ends the whole process.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
    }
    std::process::exit(128 + sig);
}

/// When a foreground child died of an interruption, end the same way once it gave the terminal
/// back: our caller then sees what it would have seen from the child. Other signals (a crash)
/// are left to the caller to report.
pub fn die_like_child(sig: libc::c_int) {
    if HANDLED.contains(&sig) {
        let _guard = live();
        die_of(sig)
    }
}

/// Children must not inherit our blocked signals (a blocked SIGTERM would make them deaf to
/// it, and std's spawn keeps the mask): restore an empty mask between fork and exec.
fn unblock_in_child(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure only calls async-signal-safe functions on a local set.
    unsafe {
        command.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::pthread_sigmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            Ok(())
        });
    }
}

/// A running child's process group, registered until dropped.
pub struct Group {
    pgid: libc::pid_t,
}

impl Group {
    /// Start `command` (which puts the child in its own process group) and register the group.
    /// The registry stays locked meanwhile, so an interruption cannot fall between the two.
    pub fn spawn(
        command: &mut std::process::Command,
    ) -> std::io::Result<(std::process::Child, Group)> {
        unblock_in_child(command);
        let mut live = live();
        let child = command.spawn()?;
        let pgid = child.id() as libc::pid_t;
        live.groups.push(pgid);
        Ok((child, Group { pgid }))
    }

    /// Kill the whole group, unless it was already unregistered (its leader reaped, so the
    /// id may belong to someone else by now).
    pub fn kill(pgid: libc::pid_t) -> bool {
        let live = live();
        if !live.groups.contains(&pgid) {
            return false;
        }
        // SAFETY: the group is registered, so its leader is not reaped and the id is ours.
        unsafe { libc::kill(-pgid, libc::SIGKILL) == 0 }
    }

    /// Unregister the group, killing whatever of it is left (the leader has exited but is not
    /// yet reaped: a helper it left behind must not outlive us). Call before reaping.
    pub fn finish(self) {
        let mut live = live();
        live.groups.retain(|&g| g != self.pgid);
        // SAFETY: the leader is a zombie until reaped, so the group id cannot be reused yet.
        unsafe {
            libc::kill(-self.pgid, libc::SIGKILL);
        }
        std::mem::forget(self);
    }
}

impl Drop for Group {
    /// Unwinding past a running child: stop it.
    fn drop(&mut self) {
        let mut live = live();
        live.groups.retain(|&g| g != self.pgid);
        // SAFETY: see `finish`; on this path the leader has not been reaped.
        unsafe {
            libc::kill(-self.pgid, libc::SIGKILL);
        }
    }
}

/// A staging directory that an interruption removes, with the directories made to hold it,
/// registered until dropped.
pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// `made`: the directories that did not exist before this download, deepest first. An
    /// interruption removes each of them that is empty once the staging directory is gone, so
    /// no empty `tsh-review-recordings/SID/` suggests a recording is there.
    pub fn register(dir: PathBuf, made: Vec<PathBuf>) -> Staging {
        live().staging.push((dir.clone(), made));
        Staging { dir }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        live().staging.retain(|(d, _)| d != &self.dir);
    }
}

/// Remove each of `dirs` (deepest first) that is empty. One that holds anything, a finished
/// recording or what someone else put there, stays.
pub fn remove_empty(dirs: &[PathBuf]) {
    for dir in dirs {
        let _ = std::fs::remove_dir(dir);
    }
}

/// A child that owns the terminal, registered until dropped.
pub struct Foreground;

impl Foreground {
    /// Start a child that shares our terminal, and register it, under one lock (see
    /// [`Group::spawn`]).
    pub fn spawn(
        command: &mut std::process::Command,
    ) -> std::io::Result<(std::process::Child, Foreground)> {
        unblock_in_child(command);
        let mut live = live();
        let child = command.spawn()?;
        live.foreground = Some(child.id() as libc::pid_t);
        Ok((child, Foreground))
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        live().foreground = None;
    }
}
