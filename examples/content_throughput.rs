//! Throughput of the content scan (issue 13): how fast `tsh_review::content` turns escape-heavy
//! terminal output into lines and greps them, against the pipe it reads from.
//!
//! Generates about 40 MB of what an interactive session prints (coloured prompts, typed
//! commands with backspace corrections, `ls --color` listings with a colour code every few
//! characters, progress lines redrawn after a carriage return, CR LF) in memory, then feeds it
//! in 64 KiB chunks, as a pipe delivers it, through the screen alone and through the scanner
//! with a few pattern sets. Prints one line per run: bytes, then seconds and MB/s (10^6
//! bytes) by the wall clock and by the CPU time of the thread, each the best of three runs.
//!
//! ```sh
//! nice -n 5 cargo run --release --example content_throughput
//! ```

use std::hint::black_box;
use std::time::Instant;

use tsh_review::internals::content::{Context, Line, Matcher, Options, Scanner, Screen};

const SIZE: usize = 40_000_000;
const CHUNK: usize = 64 * 1024;

/// A small deterministic generator, so that every run scans the same bytes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const COMMANDS: &[&str] = &[
    "ls -la --color=auto /var/log",
    "sudo systemctl restart nginx",
    "cat /etc/os-release",
    "grep -r TODO src/",
    "docker ps --format '{{.Names}}'",
    "kubectl get pods -n kube-system",
    "tail -n 50 /var/log/syslog",
    "git log --oneline | head",
];

const NAMES: &[&str] = &[
    "auth.log", "syslog", "nginx", "journal", "kern.log", "dpkg.log", "apt", "btmp", "wtmp",
    "lastlog",
];

const COLOURS: &[&str] = &["01;34", "01;32", "00", "01;36", "40;31;01", "38;5;208"];

fn generate() -> Vec<u8> {
    let mut rng = Lcg(0x5eed);
    let mut out = String::with_capacity(SIZE + 4096);
    while out.len() < SIZE {
        // The prompt, with its title, and a command typed with a correction or two.
        out.push_str(
            "\x1b]0;alice@web-01: ~\x07\x1b[01;32malice@web-01\x1b[00m:\x1b[01;34m~\x1b[00m$ ",
        );
        let command = COMMANDS[rng.next(COMMANDS.len())];
        for (i, c) in command.chars().enumerate() {
            out.push(c);
            if i % 11 == 7 && rng.next(3) == 0 {
                out.push_str("x\x08 \x08");
            }
        }
        out.push_str("\r\n");
        // Its output: a coloured listing, a colour code every few characters.
        for _ in 0..rng.next(30) + 10 {
            out.push_str("\x1b[0m");
            for _ in 0..4 {
                let colour = COLOURS[rng.next(COLOURS.len())];
                let name = NAMES[rng.next(NAMES.len())];
                out.push_str("\x1b[");
                out.push_str(colour);
                out.push('m');
                out.push_str(name);
                out.push_str("\x1b[0m  ");
            }
            out.push_str("-rw-r----- 1 syslog adm 4096\x1b[K\r\n");
        }
        // Now and then a progress line redrawn in place.
        if rng.next(4) == 0 {
            for pct in (0..=100).step_by(10) {
                out.push_str(&format!(
                    "\rDownloading \x1b[1m{pct:3}%\x1b[0m [{:<10}]",
                    "#".repeat(pct / 10)
                ));
            }
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`): unlike the wall clock, it
/// does not count the time other processes took the core, which matters on a shared machine.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Wall and CPU seconds, the best of three runs each, and the last run's result.
fn best<T>(mut run: impl FnMut() -> T) -> (f64, Option<f64>, T) {
    let (mut wall, mut cpu) = (f64::MAX, None::<f64>);
    let mut last = None;
    for _ in 0..3 {
        let (start, cpu_start) = (Instant::now(), cpu_ns());
        let out = run();
        wall = wall.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, cpu_ns()) {
            let secs = b.saturating_sub(a) as f64 / 1e9;
            cpu = Some(cpu.map_or(secs, |c: f64| c.min(secs)));
        }
        last = Some(out);
    }
    (wall, cpu, last.expect("three runs"))
}

fn report(what: &str, bytes: usize, (wall, cpu): (f64, Option<f64>), extra: &str) {
    let mb = bytes as f64 / 1e6;
    let cpu = cpu.map_or(String::new(), |c| {
        format!(", CPU {c:.3} s = {:.0} MB/s", mb / c)
    });
    println!(
        "{what}: {mb:.1} MB, wall {wall:.3} s = {:.0} MB/s{cpu}{extra}",
        mb / wall
    );
}

fn main() {
    let input = generate();

    let (wall, cpu, lines) = best(|| {
        let mut screen = Screen::new();
        let mut lines = 0u64;
        let mut count = |l: &Line| {
            black_box(l);
            lines += 1;
        };
        for chunk in input.chunks(CHUNK) {
            screen.feed(chunk, &mut count);
        }
        screen.finish(&mut count);
        lines
    });
    report(
        "screen only (lines, flags)",
        input.len(),
        (wall, cpu),
        &format!("; {lines} lines"),
    );

    let plain = Options::default();
    let sets: &[(&str, &[&str], Options)] = &[
        ("feed+match: sudo", &["sudo"], plain),
        (
            "feed+match: rm -rf, password=\\S+, authorized_keys",
            &["rm -rf", r"password=\S+", "authorized_keys"],
            plain,
        ),
        (
            "feed+match: -i -w su, pkexec, setcap (privesc-ish)",
            &["su", "pkexec", "setcap"],
            Options {
                ignore_case: true,
                word: true,
                ..plain
            },
        ),
        (
            "feed+match: syslog (many matches), -C 2",
            &["syslog"],
            plain,
        ),
    ];
    for (i, (what, patterns, options)) in sets.iter().enumerate() {
        let matcher = Matcher::new(patterns, *options).expect("patterns compile");
        let context = if i == 3 {
            Context::both(2)
        } else {
            Context::default()
        };
        let (wall, cpu, summary) = best(|| {
            let mut scanner = Scanner::new(matcher.clone(), context);
            for chunk in input.chunks(CHUNK) {
                for event in scanner.feed(chunk) {
                    black_box(event);
                }
            }
            let (last, summary) = scanner.finish();
            black_box(last);
            summary
        });
        report(
            what,
            input.len(),
            (wall, cpu),
            &format!(
                "; {} matching lines, flags [{}]",
                summary.matched_lines, summary.flags
            ),
        );
    }
}
