#!/usr/bin/env python3
"""Captures what a shell echoes in a pty while keys are typed, as `tsh play --format text`
would replay it: the fixtures beside this file. Usage: capture.py bash|zsh|fish OUT.

The keys: a command run; `rm -rf /var/log/audit` typed and erased with backspace, then
`echo one`; a command killed with Ctrl-U, then `id`; bash only: history up, up, down, and
an edit (Ctrl-A, four deletes, `ls` inserted); fish and zsh: `ec` then `ho bye` (fish shows
an autosuggestion from history); `exit`. Each key 150 ms apart."""
import os, pty, select, sys, time

def run(argv, keys, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    out = b""
    def drain(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                out += data
    drain(1.0)
    for key in keys:
        os.write(fd, key)
        drain(0.15)
    drain(0.5)
    os.kill(pid, 9)
    return out

def typed(s):
    return [c.encode() for c in s]

shell, path = sys.argv[1], sys.argv[2]
home = f"/tmp/capture-{shell}"
os.makedirs(home + "/.config/fish", exist_ok=True)
os.chdir(home)
env = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": home}
BS, CTRL_U = b"\x7f", b"\x15"
erased = typed("rm -rf /var/log/audit") + [BS] * 21 + typed("echo one") + [b"\r"]
killed = typed("echo secret stuff") + [CTRL_U] + typed("id") + [b"\r"]
if shell == "bash":
    env["PS1"] = ("\\[\\e]0;alice@web-01: \\w\\a\\]\\[\\e[01;32m\\]alice@web-01\\[\\e[00m\\]:"
                  "\\[\\e[01;34m\\]\\w\\[\\e[00m\\]\\$ ")
    argv = ["bash", "--norc", "--noprofile", "-i"]
    keys = erased + killed + [b"\x1b[A", b"\x1b[A", b"\x1b[B", b"\r"]
    keys += typed("cat /etc/shadow") + [b"\x01"] + [b"\x1b[C"] * 4 + [b"\x04"] * 4 + typed("ls") + [b"\r"]
else:
    if shell == "zsh":
        open(home + "/.zshrc", "w").write("PS1='%n@web-01 %~ %# '\nbindkey -e\n")
        argv = ["zsh", "-i"]
    else:
        open(home + "/.config/fish/config.fish", "w").write(
            "function fish_greeting; end\nfunction fish_prompt; echo -n 'alice@web-01 ~> '; end\n")
        argv = ["fish", "-i"]
    keys = typed("echo git status") + [b"\r"] + erased + killed + typed("ec") + typed("ho bye") + [b"\r"]
keys += typed("exit") + [b"\r"]
open(path, "wb").write(run(argv, keys, env))
