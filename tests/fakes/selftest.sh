#!/usr/bin/env bash
# Self-test for the fake tctl/tsh; .ci/run runs it on every CI build.
# Usage: tests/fakes/selftest.sh      Prints PASS/FAIL lines; exit status 1 if anything failed.
# Each check is a string given to eval: its $ expand when it runs (SC2016), and the variables
# only such strings read look unused to shellcheck (SC2034).
# shellcheck disable=SC2016,SC2034
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$(cd "$HERE/../fixtures" && pwd)
BIN="$HERE/bin"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

export PATH="$BIN:$PATH"
export FAKE_NOW=2026-06-03T21:00:00Z
export FAKE_LS_DATA="$FIX/ls_mixed.json"
export FAKE_SEARCH_DATA="$FIX/search_mixed.json"
export FAKE_SUMMARY_DATA="$FIX/summaries.json"
export FAKE_COLOR=0
unset FAKE_TCTL_SCENARIO FAKE_TSH_SCENARIO FAKE_EMPTY FAKE_ARGV_LOG FAKE_PIDFILE FAKE_TCTL_HAS_LAST \
      FAKE_PROXY FAKE_CLUSTER FAKE_USER FAKE_PROXY_VERSION FAKE_VALID_UNTIL FAKE_SLOW_SECS \
      FAKE_JSON_NEWLINE FAKE_OTHER_PROFILE TELEPORT_HOME TSH_UNALIAS

A1=3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f   # ssh, in ls and search
K1=8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f   # kube
W1=5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b   # desktop
X1=0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d   # exec, interactive: false

PASSES=0
FAILS=0
pass() { PASSES=$((PASSES + 1)); echo "PASS $1"; }
failt() { FAILS=$((FAILS + 1)); echo "FAIL $1${2:+: $2}"; }

# run NAME CMD...: captures $OUT, $ERR, $RC (stdout/stderr also in $TMP/out, $TMP/err)
run() {
    { "$@" >"$TMP/out" 2>"$TMP/err"; } 2>/dev/null
    RC=$?
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}
# py EXPR: evaluates a Python expression with d = parsed JSON of $TMP/out
pyjson() {
    python3 -c "import json,sys; d=json.load(open('$TMP/out')); sys.exit(0 if ($1) else 1)" 2>/dev/null
}
expect_rc() { [ "$RC" = "$1" ]; }
expect_err() { [ "$ERR" = "ERROR: $1" ]; }
check() { # check NAME CONDITION-COMMAND...
    local name=$1
    shift
    if "$@"; then pass "$name"; else failt "$name" "rc=$RC out=${OUT:0:160} err=${ERR:0:200}"; fi
}
ok_err() { expect_rc 1 && expect_err "$1"; }

# ---------------------------------------------------------------- argv log
export FAKE_ARGV_LOG="$TMP/argv.log"
run tctl recordings ls --format=json --limit=5
run tsh status --format json
check "argv log: one JSON line per call" python3 -c "
import json
lines=[json.loads(l) for l in open('$TMP/argv.log')]
assert lines==[{'prog':'tctl','argv':['recordings','ls','--format=json','--limit=5']},
               {'prog':'tsh','argv':['status','--format','json']}], lines"
unset FAKE_ARGV_LOG

# ---------------------------------------------------------------- recordings ls
run tctl recordings ls --format=json
check "ls: default window is the last 24h (11 rows, newest first)" eval 'expect_rc 0 && pyjson "len(d)==11 and d[0][\"event\"]==\"session.upload\" and d[-1][\"sid\"].startswith(\"e4d3c2b1\")"'
check "ls: 9-digit time printed unchanged" grep -q '"time": "2026-06-03T20:38:49.621446047Z"' "$TMP/out"
check "ls: Go-style 4-space indent" grep -q '^    {$' "$TMP/out"
run tctl recordings ls --format json --limit 2
check "ls: --limit caps (flag value as separate arg)" eval 'pyjson "len(d)==2"'
run tctl recordings ls --format=json --from-utc 2026-05-25 --to-utc=2026-06-03
check "ls: explicit window, to-utc exclusive of that day" eval 'pyjson "len(d)==10 and all(e[\"time\"] < \"2026-06-03\" for e in d)"'
run tctl recordings ls --format=json --from-utc 2025-06-04 --to-utc 2026-06-03
check "ls: 364-day window (old events and today excluded)" eval 'pyjson "len(d)==11"'
run tctl recordings ls --format=json --from-utc 2026-04-01 --to-utc 2026-04-02
check "ls: empty prints null by default" eval 'expect_rc 0 && [ "$OUT" = null ]'
FAKE_EMPTY='[]' run tctl recordings ls --format=json --from-utc 2026-04-01 --to-utc 2026-04-02
check "ls: FAKE_EMPTY=[] prints []" eval 'expect_rc 0 && [ "$OUT" = "[]" ]'
FAKE_LS_DATA="$FIX/ls_empty.json" run tctl recordings ls --format=json
check "ls: ls_empty.json" eval 'expect_rc 0 && [ "$OUT" = null ]'
run tctl recordings ls --format=json --from-utc 2025-04-01 --to-utc 2026-06-03
check "ls: 428 days rejected" ok_err "date range for recording listing too large: 428 days specified: limit 365 days"
run tctl recordings ls --format=json --from-utc 2025-05-31 --to-utc 2026-06-01
check "ls: 366 days rejected (%v float)" ok_err "date range for recording listing too large: 366 days specified: limit 365 days"
FAKE_NOW=2026-06-03T12:00:00Z run tctl recordings ls --format=json --from-utc 2025-06-03
check "ls: fractional days printed like Go (365.5)" ok_err "date range for recording listing too large: 365.5 days specified: limit 365 days"
run tctl recordings ls --format=json --from-utc 06/01/2026
check "ls: bad from-utc" ok_err "cannot request recordings: failed to parse session recording listing start time: expected format 2006-01-02, got 06/01/2026."
run tctl recordings ls --format=json --from-utc 2026-06-01 --to-utc 2026-13-01
check "ls: bad to-utc" ok_err "cannot request recordings: failed to parse session recording listing end time: expected format 2006-01-02, got 2026-13-01."
run tctl recordings ls --format=json --from-utc 2026-06-01 --to-utc 2026-06-04
check "ls: to-utc in the future" ok_err "cannot request recordings: invalid '--to-utc': '--to-utc' cannot be in the future"
run tctl recordings ls --format=json --from-utc 2026-06-04
check "ls: from-utc in the future" ok_err "cannot request recordings: invalid '--from-utc': '--from-utc' cannot be in the future"
run tctl recordings ls --format=json --from-utc 2026-06-02 --to-utc 2026-06-01
check "ls: from after to" ok_err "cannot request recordings: invalid '--from-utc' time: 'from' must be before '--to-utc'"
run tctl recordings ls --format=json --to-utc 2026-06-01
check "ls: only --to-utc in the past -> from (now-24h) after to" ok_err "cannot request recordings: invalid '--from-utc' time: 'from' must be before '--to-utc'"
run tctl recordings ls --format=json --last 2h
check "ls: --last unknown by default" ok_err "unknown long flag '--last'"
FAKE_TCTL_HAS_LAST=1 run tctl recordings ls --format=json --last 2h
check "ls: --last with FAKE_TCTL_HAS_LAST=1" eval 'expect_rc 0 && pyjson "len(d)==2"'
run tctl recordings ls --format=json --limit
check "ls: flag without value" ok_err "expected argument for flag '--limit'"
run tctl recordings ls --format=json --limit ten
check "ls: non-integer limit" ok_err 'strconv.ParseInt: parsing "ten": invalid syntax'
run tctl recordings ls
check "ls: text table by default" eval 'expect_rc 0 && [[ "$OUT" == "ID "*Timestamp* ]]'
run tctl recordings ls --format=yaml
check "ls: yaml accepted" eval 'expect_rc 0 && [[ "$OUT" == "- ei:"* ]]'
run tctl recordings ls --format=xml
check "ls: unknown format" ok_err 'unknown format "xml"'
FAKE_COLOR=1 run tctl recordings ls --format=json --from-utc 2026-06-04
check "errors: coloured ERROR: prefix by default" eval '[[ "$ERR" == $'"'"'\e[31mERROR:\e[0m cannot request'"'"'* ]]'
run tctl version
check "tctl version" eval 'expect_rc 0 && [ "$OUT" = "Teleport Enterprise v18.8.1 git:v18.8.1-0-gabc123 go1.24.4" ]'
FAKE_PROXY_VERSION=18.7.2 run tctl version
check "tctl version follows FAKE_PROXY_VERSION" eval '[ "$OUT" = "Teleport Enterprise v18.7.2 git:v18.7.2-0-gabc123 go1.24.4" ]'
run tctl recordings frobnicate
check "tctl: unknown command" ok_err 'expected command but got "frobnicate"'

# ---------------------------------------------------------------- recordings search
run tctl recordings search --format=json
check "search: all data, newest first, private keys stripped" eval 'expect_rc 0 && pyjson "len(d)==15 and d[0][\"session_id\"]==\"$A1\" and not any(k.startswith(\"_\") for x in d for k in x)"'
run tctl recordings search --format=json sudo
check "search: query matches _summary" eval 'pyjson "[x[\"session_id\"] for x in d]==[\"$A1\"]"'
run tctl recordings search --format=json --search-mode=embeddings SUDOERS nomatch
check "search: any word, case-insensitive, all modes alike" eval 'pyjson "len(d)==1"'
run tctl recordings search --format=json -- -sS
check "search: -- ends flags" eval 'pyjson "len(d)==1 and d[0][\"resource_name\"]==\"bastion-01\""'
run tctl recordings search --format=json --limit 3
check "search: --limit" eval 'pyjson "len(d)==3"'
run tctl recordings search --format=json --kind db --kind desktop
check "search: --kind repeatable (OR)" eval 'pyjson "len(d)==4 and {x[\"kind\"] for x in d}=={\"db\",\"desktop\"}"'
run tctl recordings search --format=json --from 2026-05-28 --to 2026-05-29
check "search: --from/--to window (to exclusive)" eval 'pyjson "len(d)==1 and d[0][\"username\"]==\"bob\""'
run tctl recordings search --format=json --username alice --role editor
check "search: --username and --role" eval 'pyjson "len(d)==3 and all(x[\"username\"]==\"alice\" for x in d)"'
run tctl recordings search --format=json --label env=prod,team=payments
check "search: --label k=v,k2=v2" eval 'pyjson "len(d)==2"'
run tctl recordings search --format=json --access-request 0196f3a2-7c1e-7d4b-9a8e-5f2c1b0d9e8a
check "search: --access-request" eval 'pyjson "len(d)==1 and d[0][\"username\"]==\"grace\""'
run tctl recordings search --format=json --severity critical
check "search: --severity accepted and ignored" eval 'pyjson "len(d)==15"'
run tctl recordings search --format=json --server-hostname web-01
check "search: --server-hostname" eval 'pyjson "len(d)==1"'
run tctl recordings search --format=json --pod-namespace payments --pod-name api-7f9c8d-x2x4q
check "search: --pod-namespace/--pod-name" eval 'pyjson "len(d)==1 and d[0][\"kind\"]==\"k8s\""'
run tctl recordings search --format=json --database-name orders
check "search: --database-name" eval 'pyjson "len(d)==1 and d[0][\"kind\"]==\"db\""'
run tctl recordings search --format=json --resource-kind db --resource-name users-mongo
check "search: --resource-kind/--resource-name" eval 'pyjson "len(d)==1"'
run tctl recordings search --format=json nothingmatcheshere
check "search: empty result is []" eval 'expect_rc 0 && [ "$OUT" = "[]" ]'
run tctl recordings search --format=json --server-addr 10.0.1.11:3022 --database-name orders
check "search: property filters of two kinds" ok_err "resource property filters can only target one session kind"
run tctl recordings search --format=json ""
check "search: explicit empty query" ok_err "invalid search request: query must not be empty"
run tctl recordings search --format=json --to 2026-06-04
check "search: --to in the future names --to-utc" ok_err "cannot request recordings: invalid '--to-utc': '--to-utc' cannot be in the future"
run tctl recordings search --format=json --from 2024-01-01 --to 2026-06-03
check "search: no 365-day cap" eval 'expect_rc 0 && pyjson "len(d)==9"'
run tctl recordings search --format=json --kind windows
check "search: kind enum" ok_err "enum value must be one of ssh,db,k8s,desktop, got 'windows'"
run tctl recordings search --format=json --kind desktop
check "search: a desktop summary with Type.Desktop" eval 'pyjson "d[0][\"resource_properties\"][\"Type\"][\"Desktop\"][\"login\"]==\"Administrator\""'
run tctl recordings search --format=json
check "search: review reasons and a RISK_LEVEL_HIGH severity" eval 'pyjson "sorted(x[\"needs_further_review_reasons\"] for x in d if \"needs_further_review_reasons\" in x)==[[1],[6,5]] and [x[\"severity\"] for x in d if isinstance(x.get(\"severity\"), str)]==[\"RISK_LEVEL_HIGH\"]"'
A1=3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f
run tctl recordings summary "$A1" --format=json
check "summary: protojson, 2-space indent, enums as names, int64 as strings" eval 'expect_rc 0 && [[ $OUT == "{"$'"'"'\n'"'"'"  \"session_id\": \"$A1\""* ]] && pyjson "d[\"enhanced_summary\"][\"risk_level\"]==\"RISK_LEVEL_CRITICAL\" and d[\"enhanced_summary\"][\"session_events\"][1][\"risk_score\"]==\"7\""'
run tctl recordings summary 00000000-0000-4000-8000-000000000000 --format=json
check "summary: not summarized" ok_err "failed to get session summary: no summary found for session 00000000-0000-4000-8000-000000000000"
run tctl recordings summary "$A1"
check "summary: the text format is bold" eval 'expect_rc 0 && [[ $OUT == *$'"'"'\e[1m'"'"'* ]]'
FAKE_TCTL_SCENARIO=summary-old-tctl run tctl recordings summary "$A1" --format=json
check "summary: an older tctl" ok_err 'expected command but got "summary"'
FAKE_TCTL_SCENARIO=search-no-pgvector run tctl recordings summary "$A1" --format=json
check "summary: no search on the cluster" ok_err "session search requires the pgvector PostgreSQL extension to be installed"
FAKE_TCTL_SCENARIO=access-denied run tctl recordings summary "$A1" --format=json
check "summary: access denied" ok_err 'access denied to perform action "read" on "session"'
M1=d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a
run tsh play --format text "$M1"
check "play text: the raw bytes, with erasure, concealment, OSC titles and clipboard" eval 'expect_rc 0 && [[ $OUT == *"rm -rf /var/log/audit"$'"'"'\b \b\b \b'"'"'* ]] && [[ $OUT == *$'"'"'\e[8mghp_'"'"'* ]] && [[ $OUT == *$'"'"'\e]52;c;'"'"'* ]] && [[ $OUT == *$'"'"'\e]0;root@web-03'"'"'* ]]'
FAKE_TSH_SCENARIO=play-flood FAKE_FLOOD_MB=1 run tsh play --format text "$A1"
check "play-flood: a megabyte, then the last line" eval 'expect_rc 0 && [ "$(stat -c %s "$TMP/out")" -gt 1048576 ] && [[ $OUT == *"sudo tail /var/log/auth.log"* ]]'
export FAKE_PIDFILE="$TMP/play.pid"
run timeout 2 tsh play --format text "$A1"
FAKE_TSH_SCENARIO=play-hang run timeout 2 tsh play --format text "$A1"
check "play-hang: a recording that never ends" eval 'expect_rc 124 && [ -s "$TMP/play.pid" ] && [ -n "$OUT" ]'
export FAKE_PIDFILE="$TMP/tui.pid"
run timeout 2 tctl recordings search sudo
check "search: text format hangs (TUI)" eval 'expect_rc 124 && [ -s "$TMP/tui.pid" ]'
unset FAKE_PIDFILE
for sc in search-no-access-graph:"session search requires Access Graph to be enabled with session recording support" \
          search-no-pg-trgm:"session search requires the pg_trgm PostgreSQL extension to be installed" \
          search-no-pgvector:"session search requires the pgvector PostgreSQL extension to be installed" \
          search-unknown-service:"unknown service teleport.sessionsearch.v1.SessionSearchService" \
          search-old-tctl:'expected command but got "search"' \
          search-unknown-command:'unknown command "search"'; do
    name=${sc%%:*}
    msg=${sc#*:}
    FAKE_TCTL_SCENARIO=$name run tctl recordings search --format=json sudo
    check "scenario $name: search fails" ok_err "$msg"
    FAKE_TCTL_SCENARIO=$name run tctl recordings ls --format=json
    check "scenario $name: ls still works" eval 'expect_rc 0 && pyjson "len(d)==11"'
done

# ---------------------------------------------------------------- download
mkdir -p "$TMP/dl"
run tctl recordings download "$A1" -o "$TMP/dl/a"
check "download: writes SID.tar, multi/, pending/" eval 'expect_rc 0 && [ "$OUT" = "Session recording \"$A1\" downloaded to $TMP/dl/a/$A1.tar" ] && [ -d "$TMP/dl/a/multi" ] && [ -d "$TMP/dl/a/pending" ] && gzip -t "$TMP/dl/a/$A1.tar" && ! tar tf "$TMP/dl/a/$A1.tar" >/dev/null 2>&1'
run tctl recordings download --output="$TMP/dl/b" "$K1"
check "download: --output=" eval 'expect_rc 0 && [ -s "$TMP/dl/b/$K1.tar" ]'
run tctl recordings download 11111111-2222-4333-8444-555555555555 -o "$TMP/dl/c"
check "download: unknown sid" ok_err "a recording for session 11111111-2222-4333-8444-555555555555 was not found"
run tctl recordings download "$X1" -o "$TMP/dl/x"
check "download: unrecorded (interactive: false) session not found" ok_err "a recording for session $X1 was not found"
FAKE_TCTL_SCENARIO=download-die run tctl recordings download "$A1" -o "$TMP/dl/d"
full=$(stat -c %s "$TMP/dl/a/$A1.tar")
check "scenario download-die: half a file, SIGKILL" eval '[ "$RC" = 137 ] && [ "$(stat -c %s "$TMP/dl/d/$A1.tar")" = $((full / 2)) ] && [ -z "$OUT" ]'

# ---------------------------------------------------------------- tsh
run tsh status --format=json
check "tsh status json" eval 'expect_rc 0 && pyjson "d[\"active\"][\"profile_url\"]==\"https://teleport.example.com:443\" and d[\"active\"][\"valid_until\"]==\"2026-06-04T05:00:00Z\" and d[\"active\"][\"roles\"]==[\"access\",\"auditor\"] and d[\"active\"][\"active\"] is True"'
FAKE_PROXY=p.example.org:3080 FAKE_CLUSTER=c1 FAKE_USER=bob FAKE_VALID_UNTIL=2026-06-03T22:00:00Z run tsh status --format=json
check "tsh status follows FAKE_PROXY/CLUSTER/USER/VALID_UNTIL" eval 'pyjson "d[\"active\"][\"profile_url\"]==\"https://p.example.org:3080\" and d[\"active\"][\"cluster\"]==\"c1\" and d[\"active\"][\"username\"]==\"bob\" and d[\"active\"][\"valid_until\"]==\"2026-06-03T22:00:00Z\""'
run tsh status
check "tsh status text" eval 'expect_rc 0 && [[ "$OUT" == "> Profile URL:        https://teleport.example.com:443"* ]] && grep -q "^  Profile URL:        https://staging" "$TMP/out" && grep -q "^  Cluster:            teleport.example.com" "$TMP/out"'
FAKE_TSH_SCENARIO=expired-profile run tsh status --format=json
check "scenario expired-profile: tsh status" eval 'ok_err "Active profile expired." && pyjson "d[\"active\"][\"valid_until\"] < \"2026-06-03T21:00:00Z\""'
for sc in not-logged-in:"Not logged in." no-profile:"No active profile." \
          expired-creds:'your credentials have expired, please login using `tsh login`'; do
    name=${sc%%:*}
    msg=${sc#*:}
    FAKE_TSH_SCENARIO=$name run tsh status --format=json
    check "scenario $name: tsh status" eval 'ok_err "$msg" && [ -z "$OUT" ]'
    FAKE_TSH_SCENARIO=$name run tsh play "$A1"
    check "scenario $name: tsh play" ok_err "$msg"
done
run tsh version --format=json
check "tsh version json" eval 'expect_rc 0 && pyjson "d==dict(version=\"18.8.1\",gitref=\"v18.8.1\",runtime=\"go1.24.4\",proxyVersion=\"18.8.1\",proxyPublicAddress=\"teleport.example.com:443\")"'
FAKE_TSH_SCENARIO=no-proxy run tsh version --format=json
check "scenario no-proxy: tsh version without proxy keys" eval 'pyjson "\"proxyVersion\" not in d and \"proxyPublicAddress\" not in d"'
FAKE_PROXY_VERSION=18.7.0 run tsh version
check "tsh version text" eval '[ "$OUT" = "Teleport v18.8.1 git:v18.8.1 go1.24.4
Proxy version: 18.7.0
Proxy: teleport.example.com:443" ]'
run tsh play 1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f
check "tsh play: replay with one \\e[1m" eval 'expect_rc 0 && [ "$(grep -c $'"'"'\e\[1m'"'"' "$TMP/out")" = 1 ]'
run tsh play --speed 2x --format=json "$A1"
check "tsh play --format=json timeline" eval 'expect_rc 0 && pyjson "d[0][\"event\"]==\"session.start\""'
run tsh play "$TMP/dl/a/$A1.tar"
check "tsh play PATH" eval 'expect_rc 0'
run tsh play "$TMP/dl/missing/$A1.tar"
check "tsh play PATH: missing file" ok_err "open $TMP/dl/missing/$A1.tar: no such file or directory"
FAKE_TSH_SCENARIO=not-logged-in run tsh play "$TMP/dl/a/$A1.tar"
check "tsh play PATH needs no login" eval 'expect_rc 0'
run tsh play 11111111-2222-4333-8444-555555555555
check "tsh play: not found (pty mode's own text)" ok_err "Recording for session 11111111-2222-4333-8444-555555555555 not found."
run tsh play --format pty "$X1"
check "tsh play --format pty: unrecorded session not found" ok_err "Recording for session $X1 not found."
for f in json yaml text; do
    run tsh play --format "$f" 11111111-2222-4333-8444-555555555555
    check "tsh play --format $f: not found (the server's text)" ok_err "a recording for session 11111111-2222-4333-8444-555555555555 was not found"
done
run tsh play nope
check "tsh play: pty mode, not a UUID" ok_err "nope is not a valid UUID"
run tsh play --format text nope
check "tsh play --format text: not a UUID" ok_err "'nope' is not a valid session ID (must be GUID)"
run tsh play "$W1"
check "tsh play: desktop refused in pty mode" ok_err "Desktop sessions cannot be played with tsh play. Export the recording to video with tsh recordings export or view the recording in your web browser."
run tsh play --format json "$W1"
check "tsh play --format json: desktop events" eval 'expect_rc 0 && pyjson "d[0][\"event\"]==\"windows.desktop.session.start\""'
run tsh play --format text "$W1"
check "tsh play --format text: a desktop has no print events" eval 'expect_rc 0 && [ -z "$OUT" ] && [ -z "$ERR" ]'
run tsh play --speed 3x "$A1"
check "tsh play: speed enum" ok_err "enum value must be one of 0.5x,1x,2x,4x,8x, got '3x'"

# ---------------------------------------------------------------- generic scenarios
FAKE_TCTL_SCENARIO=access-denied run tctl recordings ls --format=json
check "scenario access-denied: ls" ok_err 'getting session events: access denied to perform action "list" on "session"'
FAKE_TCTL_SCENARIO=access-denied run tctl recordings search --format=json
check "scenario access-denied: search" ok_err 'access denied to perform action "read" on "session"'
for sc in not-logged-in:"Not logged in." no-profile:"No active profile." expired-profile:"Active profile expired." \
          expired-creds:'your credentials have expired, please login using `tsh login`'; do
    name=${sc%%:*}
    msg=${sc#*:}
    FAKE_TCTL_SCENARIO=$name run tctl recordings ls --format=json
    check "scenario $name: tctl ls" ok_err "$msg"
done

hang_test() { # hang_test PROG ARGS...
    local pidfile="$TMP/hang.pid" fake child pgid i
    rm -f "$pidfile"
    FAKE_PIDFILE="$pidfile" setsid "$@" >/dev/null 2>&1 &
    for i in $(seq 50); do [ -s "$pidfile" ] && [ "$(wc -l <"$pidfile")" = 2 ] && break; sleep 0.1; done
    fake=$(sed -n 1p "$pidfile" 2>/dev/null)
    child=$(sed -n 2p "$pidfile" 2>/dev/null)
    [ -n "$fake" ] && [ -n "$child" ] || return 1
    kill -0 "$fake" && kill -0 "$child" || return 1
    pgid=$(ps -o pgid= -p "$fake" | tr -d ' ')
    [ "$pgid" = "$(ps -o pgid= -p "$child" | tr -d ' ')" ] || return 1
    kill -KILL -- "-$pgid"
    wait 2>/dev/null
    for i in $(seq 50); do
        if ! kill -0 "$fake" 2>/dev/null && ! ps -o stat= -p "$child" 2>/dev/null | grep -qv Z; then return 0; fi
        sleep 0.1
    done
    return 1
}
RC=; OUT=; ERR=
FAKE_TCTL_SCENARIO=hang check "scenario hang: tctl and its grandchild share a group; both die" hang_test tctl recordings ls --format=json
FAKE_TSH_SCENARIO=hang check "scenario hang: tsh" hang_test tsh status --format=json

FAKE_TCTL_SCENARIO=die run tctl recordings ls --format=json
check "scenario die: 200 bytes then SIGKILL" eval '[ "$RC" = 137 ] && [ "$(stat -c %s "$TMP/out")" = 200 ]'
FAKE_TSH_SCENARIO=die run tsh status --format=json
check "scenario die: tsh" eval '[ "$RC" = 137 ] && [ "$(stat -c %s "$TMP/out")" = 200 ]'
FAKE_TCTL_SCENARIO=garbage run tctl recordings search --format=json
check "scenario garbage" eval 'expect_rc 0 && [ "$OUT" = "<html>502 Bad Gateway</html>" ]'
FAKE_TCTL_SCENARIO=truncated run tctl recordings ls --format=json
full=$(tctl recordings ls --format=json | wc -c)
check "scenario truncated: half the output, exit 0" eval 'expect_rc 0 && [ "$(stat -c %s "$TMP/out")" = $((full / 2)) ] && ! pyjson True'
FAKE_TCTL_SCENARIO=stderr-flood run tctl recordings ls --format=json
check "scenario stderr-flood: 10 MB stderr then normal output" eval 'expect_rc 0 && [ "$(stat -c %s "$TMP/err")" = 10485760 ] && pyjson "len(d)==11"'
start=$(date +%s%N)
FAKE_TCTL_SCENARIO=close-early tctl recordings ls --format=json | cat >"$TMP/out"
rc=${PIPESTATUS[0]}
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
RC=$rc; OUT=$(cat "$TMP/out"); ERR=
check "scenario close-early: EOF at once, exit 0 after ~1s" eval '[ "$rc" = 0 ] && [ -z "$OUT" ] && [ "$elapsed" -ge 900 ]'
start=$(date +%s%N)
FAKE_TCTL_SCENARIO=slow FAKE_SLOW_SECS=1 run tctl recordings ls --format=json
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "scenario slow: FAKE_SLOW_SECS then normal output" eval 'expect_rc 0 && [ "$elapsed" -ge 1000 ] && pyjson "len(d)==11"'
printf '[{"sid": 1, "sid": NaN}]' >"$TMP/raw.json"
FAKE_RAW_STDOUT="$TMP/raw.json" run tctl recordings search --format=json -- sudo
check "FAKE_RAW_STDOUT: search prints the bytes verbatim" eval 'expect_rc 0 && [ "$OUT" = '"'"'[{"sid": 1, "sid": NaN}]'"'"' ]'
FAKE_RAW_STDOUT="$TMP/raw.json" FAKE_TCTL_SCENARIO=not-logged-in run tctl recordings ls --format=json
check "FAKE_RAW_STDOUT: a failing command still fails" eval 'ok_err "Not logged in."'
FAKE_RAW_STDOUT="$TMP/missing.json" run tctl recordings ls --format=json
check "FAKE_RAW_STDOUT: an unreadable file is the test's mistake (97)" eval 'expect_rc 97'
FAKE_TCTL_SCENARIO=hostile-error run tctl recordings ls --format=json
check "scenario hostile-error" eval 'expect_rc 1 && [ "$ERR" = $'"'"'ERROR: boom \e]0;owned\a \e[2J \xe2\x80\xae evil \xff'"'"' ]'
FAKE_TSH_SCENARIO=hostile-error run tsh status --format=json
check "scenario hostile-error: tsh" eval 'expect_rc 1 && [[ "$ERR" == *owned* ]]'
FAKE_TCTL_SCENARIO=bogus run tctl version
check "unknown scenario is a test bug (exit 97)" eval 'expect_rc 97'
FAKE_LS_DATA=$TMP/missing.json run tctl recordings ls --format=json
check "missing data file is a test bug (exit 97)" eval 'expect_rc 97'

# ---------------------------------------------------------------- completion and aliases
run tsh --completion-script-bash
check "tsh --completion-script-bash" eval 'expect_rc 0 && grep -q "^_tsh_bash_autocomplete() {" "$TMP/out" && grep -q "complete -F _tsh_bash_autocomplete -o default tsh" "$TMP/out"'
run tsh --completion-script-zsh
check "tsh --completion-script-zsh" eval 'expect_rc 0 && grep -q "^_tsh() {" "$TMP/out"'
run tsh --completion-bash pl
check "tsh --completion-bash lists commands" eval 'grep -qx play "$TMP/out"'
run tsh --completion-bash play --
check "tsh --completion-bash lists flags" eval 'grep -qx -- --speed "$TMP/out"'
export TELEPORT_HOME="$TMP/tsh-home"
mkdir -p "$TELEPORT_HOME/config"
cat >"$TELEPORT_HOME/config/config.yaml" <<'EOF'
aliases:
  review: "printenv TSH_UNALIAS"
  echo2: "echo $1 $0"
EOF
run tsh review
check "tsh alias runs the command with TSH_UNALIAS" eval 'expect_rc 0 && [ "$OUT" = review ]'
run tsh echo2 a b c
check "tsh alias: \$0/\$1 and unreferenced args appended" eval '[ "$OUT" = "b a c" ]'
run tsh --completion-bash echo2 x
check "tsh --completion-bash through an alias" eval '[ "$OUT" = "x --completion-bash" ]'
unset TELEPORT_HOME

echo
echo "selftest: $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
