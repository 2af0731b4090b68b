#!/usr/bin/env python3
"""Writes the inputs of bench/content.sh: N interactive SSH sessions as a
`tctl recordings ls --format=json` output, and what `tsh play --format text`
prints for each, about 1 MB of escape-heavy terminal output apiece.

Standard library only, deterministic (fixed seed). Each recording is what a
busy shell session looks like to a terminal: coloured prompts that set the
window title (OSC 0), `ls --color` listings, log tails with SGR colours,
progress bars redrawn with CR, typos erased with backspace-space, and CR LF
line ends. Every HIT_EVERY-th session runs `sudo insmod`, so the benchmark's
pattern has a few matches to print and a real scan behind it.

    python3 bench/gen_play.py --sessions 40 --size 1000000 --now 2026-06-03T21:00:00Z --out DIR

DIR gets ls.json, ids (one sid a line, newest first, as tctl lists them) and SID.txt.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ls import Gen, parse_now  # noqa: E402

HIT_EVERY = 8
COLOURS = ["31", "32", "33", "34", "35", "36", "1;34", "1;32", "38;5;208", "38;2;120;200;80"]
FILES = ["app.py", "config.yaml", "Dockerfile", "main.go", "README.md", "run.sh", "vendor",
         "node_modules", "build", "deploy.tf", "secrets.enc", "Makefile"]
LOGS = ["GET /api/v1/orders 200 12ms", "POST /api/v1/login 401 3ms", "worker heartbeat ok",
        "cache miss key=user:1234", "db pool size=20 idle=17", "retrying upstream in 250ms"]


def recording(r, user, host, hit):
    prompt = f"\x1b]0;{user}@{host}: ~\x07\x1b[01;32m{user}@{host}\x1b[00m:\x1b[01;34m~\x1b[00m$ "
    out = []

    def run(cmd):
        out.append(prompt + cmd + "\r\n")

    def typo(wrong, right):
        # Typed, erased one character at a time, retyped: what a terminal echoes.
        out.append(prompt + wrong + "\b \b" * len(wrong) + right + "\r\n")

    size = 0
    while size < TARGET:
        before = len(out)
        choice = r.random()
        if choice < 0.3:
            run("ls --color=auto -la")
            for _ in range(r.randrange(8, 30)):
                name = r.choice(FILES)
                out.append(f"-rw-r--r-- 1 {user} {user} {r.randrange(100, 99999):>6} Jun  3 "
                           f"20:{r.randrange(60):02d} \x1b[{r.choice(COLOURS)}m{name}\x1b[0m\r\n")
        elif choice < 0.55:
            run("tail -n 40 /var/log/app.log")
            for _ in range(40):
                level = r.choice(["\x1b[32mINFO\x1b[0m", "\x1b[33mWARN\x1b[0m", "\x1b[31mERROR\x1b[0m"])
                out.append(f"2026-06-03T20:{r.randrange(60):02d}:{r.randrange(60):02d}Z {level} "
                           f"{r.choice(LOGS)} req={r.getrandbits(32):08x}\r\n")
        elif choice < 0.75:
            run("pip install -r requirements.txt")
            for pct in range(0, 101, 4):
                bar = "\x1b[32m" + "━" * (pct // 4) + "\x1b[0m" + "━" * (25 - pct // 4)
                out.append(f"\r  {bar} {pct:3d}% {r.randrange(1, 900)} kB/s")
            out.append("\r\n")
        elif choice < 0.9:
            typo("sytemctl status app", "systemctl status app")
            out.append("\x1b[0;1;32m●\x1b[0m app.service - App\r\n"
                       "     Active: \x1b[0;1;32mactive (running)\x1b[0m since Wed 2026-06-03\r\n")
        else:
            run(f"git log --oneline -n 5 --color")
            for _ in range(5):
                out.append(f"\x1b[33m{r.getrandbits(28):07x}\x1b[m fix: {r.choice(LOGS)}\r\n")
        size += sum(len(s.encode()) for s in out[before:])
    if hit:
        at = r.randrange(len(out))
        out.insert(at, prompt + "sudo insmod /tmp/.hidden/rootkit.ko\r\n")
    out.append(prompt + "exit\r\nlogout\r\n")
    return "".join(out)


TARGET = 1_000_000


def main():
    global TARGET
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, required=True)
    ap.add_argument("--size", type=int, default=1_000_000, help="bytes of output per recording")
    ap.add_argument("--now", required=True, help="RFC3339 UTC, e.g. 2026-06-03T21:00:00Z")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    TARGET = a.size
    gen = Gen(a.seed, parse_now(a.now))
    events = []
    while len(events) < a.sessions:
        [ev] = gen.ssh()
        # Interactive and recorded: every one is replayed.
        ev["interactive"] = True
        ev.pop("initial_command", None)
        events.append(ev)
    order = sorted(range(len(events)), key=lambda i: gen.times[i], reverse=True)
    events = [events[i] for i in order]
    os.makedirs(a.out, exist_ok=True)
    total = 0
    for n, ev in enumerate(events):
        text = recording(gen.rng, ev["user"], ev["server_hostname"], n % HIT_EVERY == 0)
        path = os.path.join(a.out, ev["sid"] + ".txt")
        with open(path + ".tmp", "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        total += len(text.encode())
    for name, text in [("ls.json", json.dumps(events, indent=4) + "\n"),
                       ("ids", "".join(ev["sid"] + "\n" for ev in events))]:
        with open(os.path.join(a.out, name + ".tmp"), "w", encoding="ascii") as f:
            f.write(text)
        os.replace(os.path.join(a.out, name + ".tmp"), os.path.join(a.out, name))
    print(f"gen_play.py: {len(events)} recordings, {total} bytes -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
