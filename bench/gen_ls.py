#!/usr/bin/env python3
"""Writes a large `tctl recordings ls --format=json` output for bench/run.sh.

Standard library only, deterministic (fixed seed). The layout is Go's
json.MarshalIndent(v, "", "    ") plus a newline, newest event first, like tctl.
Events mix session.end (ssh and kube), db.session.end,
windows.desktop.session.end and app.session.chunk (2-6 chunks per app
session), with the field set of tests/fixtures/ls_mixed.json and some long
label maps, about 1 KB each. Every event ends inside the last 23.5 hours
before --now, so all of them fall in `tsh-review recent`'s default 24h window.

    python3 bench/gen_ls.py --events 100000 --now 2026-06-03T21:00:00Z --out FILE
    python3 bench/gen_ls.py --sessions 10000 ...   (exactly that many distinct sids instead)
"""

import argparse
import calendar
import json
import os
import random
import sys
import time
import uuid

NS = 1_000_000_000
CLUSTER = "teleport.example.com"
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]
ROLES = [["access"], ["access", "editor"], ["access", "auditor"], ["access", "k8s-admin"],
         ["access", "db-readonly"], ["access", "windows-admin"], ["editor"]]
TEAMS = ["payments", "search", "platform", "identity", "data", "infra", "billing", "growth"]
ENVS = ["prod", "staging", "dev"]
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "ap-southeast-2"]
APPS = [("grafana", "http://localhost:3000"), ("jenkins", "http://jenkins.internal:8080"),
        ("argocd", "https://argocd.internal"), ("kibana", "http://kibana.internal:5601"),
        ("vault-ui", "https://vault.internal:8200")]
DBS = [("orders-db", "postgres", "orders.cluster-abc.us-east-1.rds.amazonaws.com:5432", "orders"),
       ("billing-mysql", "mysql", "billing.cluster-def.eu-west-1.rds.amazonaws.com:3306", "billing"),
       ("users-mongo", "mongodb", "mongodb+srv://users.abcde.mongodb.net", "users"),
       ("analytics-pg", "postgres", "analytics.internal:5432", "events")]
KUBE = ["prod-eks", "staging-gke", "dev-kind", "prod-aks-eu"]
NAMESPACES = ["payments", "search", "kube-system", "monitoring", "default", "data"]
COMMANDS = [["/bin/bash"], ["/bin/sh"], ["sudo", "-i"], ["systemctl", "restart", "nginx"],
            ["journalctl", "-u", "teleport", "--since", "1h"]]

# How often each kind of session is picked. An app session is 2-6 chunk events (4 on average),
# so about 40% ssh, 15% kube, 15% db, 10% desktop and 20% app chunks among the events.
MIX = [("ssh", 40), ("kube", 15), ("db", 15), ("desktop", 10), ("app", 5)]


def rfc3339(ns):
    """Go's RFC3339Nano: up to 9 fractional digits, trailing zeros dropped."""
    secs, frac = divmod(ns, NS)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


def parse_now(text):
    try:
        secs = calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        sys.exit(f"gen_ls.py: --now must look like 2026-06-03T21:00:00Z, got {text!r}")
    return secs * NS


class Gen:
    def __init__(self, seed, now_ns):
        self.rng = random.Random(seed)
        self.now = now_ns
        self.sids = set()
        self.times = []  # each event's time in ns, in creation order, for sorting

    def uuid4(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sid(self):
        while True:
            s = self.uuid4()
            if s not in self.sids:
                self.sids.add(s)
                return s

    def end_ns(self):
        # Inside the default 24h window of `recent`, with margin on both sides.
        lo = self.now - (23 * 3600 + 1800) * NS
        hi = self.now - 60 * NS
        return self.rng.randrange(lo, hi)

    def labels(self, env):
        r = self.rng
        labels = {"env": env, "team": r.choice(TEAMS)}
        if r.random() < 0.08:
            # Long maps, like cloud-imported instance tags.
            labels.update({
                "aws/Name": f"{r.choice(TEAMS)}-{env}-{r.randrange(1000):03d}",
                "aws/region": r.choice(REGIONS),
                "aws/instance-type": r.choice(["m6i.large", "c6g.xlarge", "t3.medium", "r6i.2xlarge"]),
                "aws/account-id": f"{r.randrange(10**12):012d}",
                "aws/image-id": f"ami-{r.getrandbits(64):016x}",
                "aws/vpc-id": f"vpc-{r.getrandbits(32):08x}",
                "aws/subnet-id": f"subnet-{r.getrandbits(64):017x}",
                "cost-center": f"cc-{r.randrange(100, 999)}",
                "owner": f"{r.choice(USERS)}@example.com",
                "teleport.dev/origin": "aws",
                "kubernetes.io/os": "linux",
            })
        return dict(sorted(labels.items()))

    def base(self, event, code, t, user, sid, ei):
        self.times.append(t)
        return {
            "ei": ei,
            "event": event,
            "uid": self.uuid4(),
            "code": code,
            "time": rfc3339(t),
            "cluster_name": CLUSTER,
            "user": user,
            "user_kind": 1,
            "sid": sid,
        }

    def span(self):
        stop = self.end_ns()
        start = stop - self.rng.randrange(5 * NS, 2 * 3600 * NS)
        # Teleport writes the event a little after the session stops.
        return start, stop, stop + self.rng.randrange(1, 50_000_000)

    def remote(self):
        r = self.rng
        return f"192.0.2.{r.randrange(1, 255)}:{r.randrange(30000, 65000)}"

    def ssh(self):
        r = self.rng
        start, stop, t = self.span()
        user = r.choice(USERS)
        env = r.choice(ENVS)
        host = f"{r.choice(['web', 'api', 'db', 'build', 'bastion', 'worker'])}-{r.randrange(1, 400):02d}"
        interactive = r.random() > 0.05  # a few exec sessions
        ev = self.base("session.end", "T2004I", t, user, self.sid(), r.randrange(20, 5000))
        ev.update({
            "user_roles": r.choice(ROLES),
            "login": r.choice([user, "root", "ubuntu", "ec2-user"]),
            "access_requests": [self.uuid4()] if r.random() < 0.05 else [],
            "private_key_policy": "none",
            "namespace": "default",
            "server_id": self.uuid4(),
            "server_hostname": host,
            "server_addr": f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}:3022",
            "server_labels": self.labels(env),
            "addr.remote": self.remote(),
            "proto": "ssh",
            "enhanced_recording": r.random() < 0.2,
            "interactive": interactive,
            "participants": [user] if r.random() < 0.9 else [user, r.choice(USERS)],
            "session_start": rfc3339(start),
            "session_stop": rfc3339(stop),
        })
        if not interactive:
            ev["initial_command"] = r.choice(COMMANDS)
        ev["session_recording"] = r.choice(["node", "node", "proxy", "node-sync"])
        return [ev]

    def kube(self):
        r = self.rng
        start, stop, t = self.span()
        user = r.choice(USERS)
        cluster = r.choice(KUBE)
        ev = self.base("session.end", "T2004I", t, user, self.sid(), r.randrange(20, 5000))
        ev.update({
            "user_roles": r.choice(ROLES),
            "access_requests": [],
            "private_key_policy": "none",
            "namespace": "default",
            "server_id": self.uuid4(),
            "server_hostname": f"kube-agent-{r.randrange(3)}",
            "server_addr": f"10.0.5.{r.randrange(1, 255)}:3026",
            "addr.remote": self.remote(),
            "proto": "kube",
            "kubernetes_cluster": cluster,
            "kubernetes_users": [user],
            "kubernetes_groups": r.choice([["system:masters"], ["developers"], ["viewers", "developers"]]),
            "kubernetes_labels": self.labels("prod" if cluster.startswith("prod") else "staging"),
            "kubernetes_pod_name": f"{r.choice(TEAMS)}-{r.getrandbits(24):06x}-{r.getrandbits(20):05x}",
            "kubernetes_pod_namespace": r.choice(NAMESPACES),
            "kubernetes_container_name": "app",
            "enhanced_recording": False,
            "interactive": True,
            "participants": [user],
            "session_start": rfc3339(start),
            "session_stop": rfc3339(stop),
            "initial_command": ["/bin/sh"],
            "session_recording": "node",
        })
        return [ev]

    def db(self):
        r = self.rng
        start, stop, t = self.span()
        user = r.choice(USERS)
        service, protocol, uri, name = r.choice(DBS)
        ev = self.base("db.session.end", "TDB01I", t, user, self.sid(), r.randrange(20, 5000))
        ev.update({
            "user_roles": r.choice(ROLES),
            "access_requests": [],
            "private_key_policy": "none",
            "db_service": service,
            "db_protocol": protocol,
            "db_uri": uri,
            "db_name": name,
            "db_user": r.choice(["analyst", "readonly", "admin", user]),
            "db_labels": self.labels(r.choice(ENVS)),
            "db_type": r.choice(["self-hosted", "rds", "atlas"]),
            "participants": [user],
            "session_start": rfc3339(start),
            "session_stop": rfc3339(stop),
        })
        return [ev]

    def desktop(self):
        r = self.rng
        start, stop, t = self.span()
        user = r.choice(USERS)
        ev = self.base("windows.desktop.session.end", "TDP01I", t, user, self.sid(), r.randrange(20, 5000))
        ev.update({
            "user_roles": r.choice(ROLES),
            "access_requests": [],
            "private_key_policy": "none",
            "windows_desktop_service": self.uuid4(),
            "desktop_addr": f"10.0.4.{r.randrange(1, 255)}:3389",
            "windows_domain": "corp.example.com",
            "windows_user": r.choice(["Administrator", user]),
            "desktop_labels": self.labels(r.choice(ENVS)),
            "session_start": rfc3339(start),
            "session_stop": rfc3339(stop),
            "desktop_name": f"WIN-{r.choice(['DC', 'APP', 'JUMP'])}{r.randrange(1, 60):02d}",
            "recorded": r.random() > 0.05,
            "participants": [user],
        })
        return [ev]

    def app(self, chunks):
        r = self.rng
        sid = self.sid()
        user = r.choice(USERS)
        roles = r.choice(ROLES)
        name, uri = r.choice(APPS)
        env = r.choice(ENVS)
        labels = self.labels(env)
        server = self.uuid4()
        remote = self.remote()
        last = self.end_ns()
        out = []
        for i in range(chunks):
            # Chunks are a few minutes apart, the last one ending in the window.
            t = last - i * r.randrange(60 * NS, 600 * NS)
            ev = self.base("app.session.chunk", "T2008I", t, user, sid, 0)
            ev.update({
                "user_roles": roles,
                "private_key_policy": "none",
                "server_id": server,
                "addr.remote": remote,
                "session_chunk_id": self.uuid4(),
                "app_uri": uri,
                "app_public_addr": f"{name}.{CLUSTER}",
                "app_name": name,
                "app_labels": labels,
            })
            out.append(ev)
        return out

    def events(self, events=None, sessions=None):
        """Exactly `events` events, or else exactly `sessions` sessions."""
        kinds = [k for k, _ in MIX]
        weights = [w for _, w in MIX]
        out = []
        while (len(out) < events) if events is not None else (len(self.sids) < sessions):
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "app":
                chunks = self.rng.randint(2, 6)
                if events is not None:
                    chunks = min(chunks, events - len(out))
                out.extend(self.app(chunks))
            else:
                out.extend(getattr(self, kind)())
        # tctl prints newest first (by the exact time, not its text: "22Z" > "22.5Z").
        order = sorted(range(len(out)), key=lambda i: self.times[i], reverse=True)
        return [out[i] for i in order]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--events", type=int, help="this many events (app chunks count one each)")
    size.add_argument("--sessions", type=int, help="this many sessions (distinct sids)")
    ap.add_argument("--now", required=True, help="RFC3339 UTC, e.g. 2026-06-03T21:00:00Z")
    ap.add_argument("--seed", type=int, default=20260603)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    gen = Gen(a.seed, parse_now(a.now))
    events = gen.events(a.events, a.sessions)
    # Write to a temporary name and rename, so an interrupted run never leaves half a file.
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        # Go's MarshalIndent: same layout as Python's indent=4 for ASCII data without <>&.
        f.write(json.dumps(events, indent=4))
        f.write("\n")
    os.replace(tmp, a.out)
    sessions = len(gen.sids)
    print(f"gen_ls.py: {len(events)} events, {sessions} sessions, {os.path.getsize(a.out)} bytes -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
