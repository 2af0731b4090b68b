//! A few tctl or tsh calls at a time: `--explain`'s summaries, grep's replays and
//! `hunt --verify`'s corroboration all wait on Teleport, not on the CPU, so a handful of
//! threads hides the latency without loading the proxy.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Run `work(n)` for `n` in `0..items` on at most `at_once` threads, and hand each result to
/// `done` on the calling thread as it comes (in any order). `done` returning false stops the
/// work: calls already started finish, no new one starts.
pub fn each<R: Send>(
    items: usize,
    at_once: usize,
    work: impl Fn(usize) -> R + Sync,
    mut done: impl FnMut(usize, R) -> bool,
) {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..at_once.clamp(1, 64).min(items) {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= items || tx.send((n, work(n))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (n, result) in rx {
            if !done(n, result) {
                stop.store(true, Ordering::SeqCst);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[test]
    fn every_item_is_done_once_and_no_more_than_at_once_run() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut seen = Vec::new();
        each(
            20,
            3,
            |n| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                n * 2
            },
            |n, r| {
                assert_eq!(r, n * 2);
                seen.push(n);
                true
            },
        );
        seen.sort();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn stopping_starts_nothing_new() {
        let started = AtomicUsize::new(0);
        each(
            100,
            2,
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
            },
            |_, ()| false,
        );
        // The first result stops the pool: at most the two running, and one more each that
        // may have been taken before the stop was seen.
        assert!(started.load(Ordering::SeqCst) <= 4);
    }

    #[test]
    fn nothing_to_do_spawns_nothing() {
        each(0, 4, |_| unreachable!(), |_, ()| unreachable!());
    }
}
