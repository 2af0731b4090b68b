#!/usr/bin/env bash
# bench/content.sh: the content scan of issue 13, measured side by side in one run.
#
#   bench/content.sh > report.md      (progress on stderr, a markdown report on stdout)
#
# 40 interactive SSH recordings of about 1 MB of escape-heavy terminal output each
# (bench/gen_play.py), served by bench/fake/tsh, which waits 0.3 s before each `tsh play`
# as a proxy fetching a recording does. Timed with hyperfine, no shell in between:
#   - `tsh-review grep insmod` (4 replays at once, the default) against the loop users write
#     today: `for s in $(cat ids); do tsh play --format text $s | grep -a insmod; done`;
#   - the same two with no delay, where only reading and matching cost: the scan's throughput.
# Needs: cargo, python3, hyperfine, grep (Debian: apt-get install -y hyperfine).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# Wherever cargo builds (CARGO_TARGET_DIR may point elsewhere).
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
OUT=$TARGET/bench/content
BIN=$TARGET/release/tsh-review
NOW=2026-06-03T21:00:00Z
SESSIONS=40
SIZE=1000000
DELAY=0.3
PATTERN=insmod
RUNS=${BENCH_RUNS:-5}

say() { echo "bench: $*" >&2; }
die() {
    echo "bench: ERROR: $*" >&2
    exit 1
}
for tool in cargo python3 hyperfine grep awk; do
    command -v "$tool" >/dev/null || die "missing: $tool. On Debian/Ubuntu: apt-get install -y hyperfine"
done

say "building the release binary"
cargo build --release --quiet >&2

# Inputs, remade when the generator changes.
stamp=$(cat bench/gen_play.py bench/gen_ls.py | cksum | cut -d' ' -f1)
if [[ "$(cat "$OUT/stamp" 2>/dev/null)" != "$stamp-$SESSIONS-$SIZE" ]]; then
    say "generating $SESSIONS recordings of ${SIZE} bytes"
    rm -rf "$OUT"
    python3 bench/gen_play.py --sessions "$SESSIONS" --size "$SIZE" --now "$NOW" --out "$OUT"
    echo "$stamp-$SESSIONS-$SIZE" >"$OUT/stamp"
fi
bytes=$(cat "$OUT"/*.txt | wc -c)

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export HOME=$SCRATCH XDG_CACHE_HOME=$SCRATCH/.cache
export TSH_REVIEW_NOW=$NOW TSH_REVIEW_TTY=0 NO_COLOR=1
BENCH_VALID_UNTIL=$(date -u -d "$NOW + 8 hours" +%Y-%m-%dT%H:%M:%SZ)
export BENCH_VALID_UNTIL BENCH_LS_FILE=$OUT/ls.json BENCH_PLAY_DIR=$OUT
FAKE_TSH=$ROOT/bench/fake/tsh
GREP=("$BIN" --tsh "$FAKE_TSH" --tctl "$ROOT/bench/fake/tctl" grep "$PATTERN" --format tsv)
# The loop a user writes, with the fake in place of tsh. Its status is the last grep's (1 when
# the last recording has no match), so `; true`: only the time is compared.
LOOP="for s in \$(cat $OUT/ids); do $FAKE_TSH play --format text \$s | grep -a $PATTERN; done; true"

# Equal work: both find the same matching lines, and tsh-review replayed every session.
export BENCH_PLAY_DELAY=0
ours=$("${GREP[@]}" 2>"$SCRATCH/err" | wc -l)
theirs=$(bash -c "$LOOP" | wc -l)
[[ "$ours" -gt 0 && "$ours" == "$theirs" ]] ||
    die "tsh-review found $ours matching lines, the loop $theirs: $(cat "$SCRATCH/err")"
grep -q "scanned $SESSIONS of $SESSIONS" "$SCRATCH/err" ||
    die "tsh-review did not scan every recording: $(cat "$SCRATCH/err")"
say "both find $ours matching lines in $SESSIONS recordings ($bytes bytes)"

hf() { # NAME hyperfine-args...
    local name=$1
    shift
    hyperfine -N --style basic --warmup 1 --runs "$RUNS" --export-json "$SCRATCH/$name.json" "$@" >&2
}
mean() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }
sd() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["stddev"])' "$@"; }

export BENCH_PLAY_DELAY=$DELAY
say "timing with a ${DELAY} s answer per recording"
hf slow -n "tsh-review grep" "${GREP[*]}" -n "shell loop" "bash -c '$LOOP'"
export BENCH_PLAY_DELAY=0
say "timing with no delay"
hf fast -n "tsh-review grep" "${GREP[*]}" -n "tsh-review grep -j 1" "${GREP[*]} -j 1" \
    -n "shell loop" "bash -c '$LOOP'"

row() { # FILE INDEX NAME
    awk -v m="$(mean "$1" "$2")" -v d="$(sd "$1" "$2")" -v b="$bytes" -v n="$3" \
        'BEGIN { printf "| %s | %.2f s ± %.2f s | %.0f MB/s |\n", n, m, d, b / m / 1e6 }'
}
ratio() { awk -v a="$(mean "$1" "$2")" -v b="$(mean "$1" "$3")" 'BEGIN { printf "%.1fx", a / b }'; }

echo "## Content scan: $SESSIONS recordings of $((SIZE / 1000)) kB, \`grep $PATTERN\`"
echo
echo "Run on $(date -u +%Y-%m-%d) by \`bench/content.sh\` ($RUNS runs each after a warm-up,"
echo "\`hyperfine -N\`); $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| with a ${DELAY} s answer per recording | time | recordings read |"
echo "|---|---|---|"
row "$SCRATCH/slow.json" 0 "tsh-review grep (-j 4)"
row "$SCRATCH/slow.json" 1 "shell loop: tsh play \\| grep -a"
echo
echo "tsh-review is **$(ratio "$SCRATCH/slow.json" 1 0)** faster than the loop (target: 3x)."
echo
echo "| with no delay | time | recordings read |"
echo "|---|---|---|"
row "$SCRATCH/fast.json" 0 "tsh-review grep (-j 4)"
row "$SCRATCH/fast.json" 1 "tsh-review grep -j 1"
row "$SCRATCH/fast.json" 2 "shell loop: tsh play \\| grep -a"
