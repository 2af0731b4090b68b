#!/usr/bin/env bash
# bench/run.sh: the performance bars of SPEC.md section 6, measured side by side in one run.
#
#   bench/run.sh > report.md      (progress on stderr, a markdown report on stdout)
#
# Builds the release binary and the two parse floors (examples/parse_floor_fast.rs: fs::read
# and serde_json::from_slice, SPEC 6's floor; examples/parse_floor.rs: serde_json over a
# BufReader), generates `tctl recordings ls --format=json` outputs of 10k and 100k events into
# target/bench/ (kept between runs, remade when the generator changes), then times
# `tsh-review recent --format tsv` through a fake tctl that streams the file, an equivalent jq
# pipeline (bench/recent.jq) and both floors, and measures peak RSS, a whole TAB on
# `tsh-review play ` with the cache at its cap (bash; zsh and fish when installed), start-up
# and binary size.
# Needs: cargo, python3, jq, hyperfine, GNU time (Debian: apt-get install -y hyperfine jq time);
# zsh and fish only for their TAB rows.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=target/bench
# A fixed "now": the generated data, the default 24h window and the fake login all agree on it,
# so the inputs and the work done are the same on every run and every machine.
NOW=2026-06-03T21:00:00Z
SIZES=(10000 100000)
# The fake tctl prints the whole file whatever --limit says: one page that holds it all makes
# `recent` read it in one call, as from a tctl that honours the page.
export TSH_REVIEW_PAGE=1000000
BIN=target/release/tsh-review
FLOOR=target/release/examples/parse_floor
FLOOR_FAST=target/release/examples/parse_floor_fast
TSH_REVIEW=(
    "$BIN" --tsh bench/fake/tsh --tctl bench/fake/tctl
)
RECENT="$BIN --tsh bench/fake/tsh --tctl bench/fake/tctl recent --format tsv"

say() { echo "bench: $*" >&2; }
die() {
    echo "bench: ERROR: $*" >&2
    exit 1
}

# --- Tools: say what is missing instead of failing half-way. --------------------------------
missing=()
for tool in cargo python3 jq hyperfine awk date; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
# GNU time (not the shell keyword) reports "Maximum resident set size". grep reads it all (no
# -q): an early exit would make time die of SIGPIPE, which pipefail reports as time missing.
[[ -x /usr/bin/time ]] && /usr/bin/time -v true 2>&1 | grep 'Maximum resident' >/dev/null ||
    missing+=("GNU time at /usr/bin/time")
if ((${#missing[@]})); then
    die "missing: ${missing[*]}. On Debian/Ubuntu: apt-get install -y hyperfine jq time python3"
fi

# Formatting for the report (awk does the floating point).
ms() { awk -v s="$1" 'BEGIN { v = s * 1000; printf (v < 10 ? "%.2f ms" : v < 1000 ? "%.1f ms" : "%.2f s"), (v < 1000 ? v : v / 1000) }'; }
pm() { # mean ± stddev, both in the mean's unit
    awk -v m="$1" -v d="$2" 'BEGIN {
        if (m >= 1) printf "%.2f s ± %.2f s", m, d;
        else if (m >= 0.01) printf "%.1f ms ± %.1f ms", m * 1000, d * 1000;
        else printf "%.2f ms ± %.2f ms", m * 1000, d * 1000 }'
}
# Median, then "mean ± σ", of times in ms, one a line on stdin (bench/tab.zsh's output).
summary() {
    sort -n | awk '{ t[NR] = $1; s += $1; q += $1 * $1 } END {
        m = s / NR; d = sqrt(q / NR - m * m); med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "%.2f ms;%.2f ms ± %.2f ms;%d\n", med, m, d, NR }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "yes" : "**no**") }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "yes" : "**no**") }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
group() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; } # 100000 -> 100,000

# Other work on the machine skews the timings: the report shows the load before and after.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. Build. ------------------------------------------------------------------------------
say "building the release binary and the parse floors"
cargo build --release --quiet
cargo build --release --quiet --example parse_floor --example parse_floor_fast
[[ -x $BIN && -x $FLOOR && -x $FLOOR_FAST ]] || die "the build did not produce $BIN, $FLOOR and $FLOOR_FAST"
# Asked now: rustup's rustc needs the real HOME, which is replaced below.
RUSTC=$(rustc --version 2>/dev/null || echo "rustc: not on PATH")

# --- 2. Inputs. -----------------------------------------------------------------------------
mkdir -p "$OUT"
# Remade only when missing or when the generator or its arguments changed (the stamp).
generate() { # FILE ARGS...
    local file=$1
    shift
    local stamp="$file.args"
    if [[ -s $file && -f $stamp && $file -nt bench/gen_ls.py && $(cat "$stamp") == "$* --now $NOW" ]]; then
        return
    fi
    say "generating $file"
    python3 bench/gen_ls.py "$@" --now "$NOW" --out "$file"
    echo "$* --now $NOW" >"$stamp"
}
for n in "${SIZES[@]}"; do
    generate "$OUT/ls-$n.json" --events "$n"
done
# The completion cache at its cap (cache::MAX_ENTRIES): 20,000 sessions, more than 10k events
# hold (app chunks).
CACHE_CAP=20000
generate "$OUT/ls-sessions-$CACHE_CAP.json" --sessions "$CACHE_CAP"

# --- Environment of every tsh-review run. ---------------------------------------------------
export TSH_REVIEW_NOW=$NOW
BENCH_VALID_UNTIL=$(date -u -d "$NOW + 8 hours" +%Y-%m-%dT%H:%M:%SZ)
export BENCH_VALID_UNTIL
export TSH_REVIEW_TTY=0 NO_COLOR=1
# tsh-review writes its cache on every listing: keep it (and jq's ~/.jq) away from the real
# home. Exported here, after cargo and python3 have run, since they need the real HOME.
SCRATCH=$ROOT/$OUT/home
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
export HOME=$SCRATCH XDG_CACHE_HOME=$SCRATCH/.cache
unset BENCH_ARGV_LOG BENCH_LS_FILE

# The window `recent` uses by default, [now - 24h, now], for jq as [seconds, nanoseconds].
now_s=$(date -u -d "$NOW" +%s)
JQ_ARGS="--argjson from [$((now_s - 86400)),0] --argjson to [$now_s,0]"
# shellcheck disable=SC2206 # deliberate word splitting of a fixed, space-free string
JQ=(jq -r $JQ_ARGS -f bench/recent.jq)

# Peak RSS in KiB of one run of a command (its stdout discarded).
peak_rss_kib() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}

# --- 3. Checks before timing: the fakes answer what tsh-review asks, and jq and tsh-review
# --- agree on every byte, so the timings compare equal work. ---------------------------------
declare -A ROWS BYTES SESSIONS RSS_TSH RSS_JQ RSS_FLOOR RSS_FAST
checks=()
for n in "${SIZES[@]}"; do
    file=$OUT/ls-$n.json
    say "checking $n events"
    log=$OUT/argv-$n.log
    rm -f "$log"
    BENCH_ARGV_LOG=$ROOT/$log BENCH_LS_FILE=$ROOT/$file "${TSH_REVIEW[@]}" recent --format tsv \
        >"$OUT/recent-$n.tsv" 2>"$OUT/recent-$n.err" ||
        die "tsh-review recent failed on $file: $(cat "$OUT/recent-$n.err")"
    if [[ -s $OUT/recent-$n.err ]]; then
        say "tsh-review said on stderr: $(cat "$OUT/recent-$n.err")"
    fi
    "${JQ[@]}" "$file" >"$OUT/jq-$n.tsv" || die "the jq pipeline failed on $file"
    cmp -s "$OUT/recent-$n.tsv" "$OUT/jq-$n.tsv" ||
        die "jq and tsh-review disagree on $file: diff $OUT/recent-$n.tsv $OUT/jq-$n.tsv"
    for floor in "$FLOOR" "$FLOOR_FAST"; do
        floor_count=$("$floor" "$file")
        [[ $floor_count == "$n" ]] || die "$floor counted $floor_count elements in $file, not $n"
    done
    ROWS[$n]=$(wc -l <"$OUT/recent-$n.tsv")
    SESSIONS[$n]=$(cut -f1 "$OUT/jq-$n.tsv" | sort -u | wc -l)
    ((ROWS[$n] == SESSIONS[$n])) || die "$n events: ${ROWS[$n]} rows for ${SESSIONS[$n]} sessions"
    BYTES[$n]=$(stat -c %s "$file")
    # Everything tsh-review ran: only `tctl recordings ls` is expected for `recent`.
    while read -r call; do
        case $call in
        "tctl recordings ls --format=json "*) ;;
        *) say "note: tsh-review also ran: $call" ;;
        esac
    done <"$log"
    checks+=("$(group "$n") events: tsh-review and jq both print $(group "${ROWS[$n]}") rows (one per session), byte for byte the same; tsh-review ran only \`$(sort -u "$log" | paste -sd ';' -)\`")

    say "peak RSS at $n events"
    RSS_TSH[$n]=$(BENCH_LS_FILE=$ROOT/$file peak_rss_kib "${TSH_REVIEW[@]}" recent --format tsv)
    RSS_JQ[$n]=$(peak_rss_kib "${JQ[@]}" "$file")
    RSS_FLOOR[$n]=$(peak_rss_kib "$FLOOR" "$file")
    RSS_FAST[$n]=$(peak_rss_kib "$FLOOR_FAST" "$file")
done

# --- 4. Timings (hyperfine, no shell in between: -N). ---------------------------------------
# hyperfine's own table goes to stderr with the progress; its JSON feeds the report.
hf() { # NAME WARMUP RUNS hyperfine-args...
    local name=$1 warmup=$2 runs=$3
    shift 3
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
        --export-json "$OUT/hf-$name.json" "$@" >&2
}
# hstat NAME COMMAND-NAME FIELD: mean, stddev, median... in seconds
hstat() { jq -r --arg c "$2" ".results[] | select(.command == \$c) | .$3" "$OUT/hf-$1.json"; }

for n in "${SIZES[@]}"; do
    file=$OUT/ls-$n.json
    if ((n >= 100000)); then runs=3; else runs=10; fi
    say "timing $n events ($runs runs each)"
    BENCH_LS_FILE=$ROOT/$file hf "$n" 1 "$runs" \
        -n tsh-review "$RECENT" \
        -n jq "${JQ[*]} $file" \
        -n floor-fast "$FLOOR_FAST $file" \
        -n floor "$FLOOR $file"
done

# Completion reads only the cache: fill it the way a user does, by listing.
say "filling the completion cache from $(group "$CACHE_CAP") sessions"
rm -rf "$XDG_CACHE_HOME"
BENCH_LS_FILE=$ROOT/$OUT/ls-sessions-$CACHE_CAP.json "${TSH_REVIEW[@]}" recent --format tsv \
    >"$OUT/recent-sessions-$CACHE_CAP.tsv"
CACHE_FILE=$XDG_CACHE_HOME/tsh-review/sessions.jsonl
[[ -s $CACHE_FILE ]] || die "tsh-review did not write its cache at $CACHE_FILE"
# A header line, then one session a line.
CACHED=$(($(wc -l <"$CACHE_FILE") - 1))
((CACHED == CACHE_CAP)) || die "the cache holds $CACHED sessions, expected $CACHE_CAP"
# One character typed: a sixteenth of the cache matches, every match is offered.
PREFIX=$(head -c 1 "$OUT/recent-sessions-$CACHE_CAP.tsv")
# A whole TAB is the shell's work plus the binary's: each shell runs the script the binary
# prints, which calls `tsh-review` by name, so the binary measured is first on PATH.
for shell in bash zsh fish; do "$BIN" completions "$shell" >"$OUT/complete.$shell"; done
TAB_PATH=$ROOT/$(dirname "$BIN"):$PATH
TAB_BASH=(bash --norc --noprofile bench/tab.bash "$OUT/complete.bash")
tab_bash() { PATH=$TAB_PATH "${TAB_BASH[@]}" "$@"; }
# bench/tab.bash is told the function, as looking it up would cost it a fork: check it here.
registered=$(bash --norc --noprofile -c 'source "$1"; complete -p tsh-review' _ "$OUT/complete.bash")
[[ $registered == *"-F _tsh_review_ids "* ]] ||
    die "$OUT/complete.bash registers no _tsh_review_ids for tsh-review: $registered"
OFFERED=$(tab_bash 'tsh-review play ' _tsh_review_ids)
MATCHED=$(tab_bash "tsh-review play $PREFIX" _tsh_review_ids)
[[ $OFFERED == 100 && $MATCHED -gt 100 ]] ||
    die "a bash TAB offered $OFFERED ids with nothing typed, $MATCHED for '$PREFIX'; expected 100 and every match"
say "timing a whole bash TAB ($(group "$CACHED") cached sessions: $OFFERED offered, $MATCHED for prefix $PREFIX)"
PATH=$TAB_PATH hf tab 5 100 \
    -n bash-tab "${TAB_BASH[*]} 'tsh-review play ' _tsh_review_ids" \
    -n bash-tab-prefix "${TAB_BASH[*]} 'tsh-review play $PREFIX' _tsh_review_ids" \
    -n bash-base "${TAB_BASH[*]}"
# The argv of the shell scripts: bash asks for bare ids, zsh and fish ask `--format tsv` for
# ids with descriptions (src/shell/complete/cached.bash, .zsh, .fish).
say "timing the binary's own answer"
hf complete 5 100 \
    -n bin-empty "$BIN __complete-ids ''" \
    -n bin-prefix "$BIN __complete-ids $PREFIX" \
    -n bin-tsv "$BIN --format tsv __complete-ids ''"
# zsh completes only in its line editor: bench/tab.zsh times TABs inside a real interactive
# zsh on a pseudo-terminal. `play --` completes flags without the binary: zsh's own share.
ZSH_TAB="" ZSH_FLAGS=""
if command -v zsh >/dev/null; then
    say "timing whole zsh TABs"
    zsh_tab() { PATH=$TAB_PATH zsh -f bench/tab.zsh "$ROOT/$OUT/complete.zsh" "$1" 100 | summary; }
    ZSH_TAB=$(zsh_tab 'tsh-review play ')
    ZSH_FLAGS=$(zsh_tab 'tsh-review play --')
fi
if command -v fish >/dev/null; then
    say "timing whole fish TABs"
    FISH=(fish --no-config -c)
    PATH=$TAB_PATH hf fish 3 50 \
        -n fish-tab "${FISH[*]} 'source $OUT/complete.fish; complete -C \"tsh-review play \"'" \
        -n fish-base "${FISH[*]} 'source $OUT/complete.fish'"
fi

say "timing start-up"
hf version 20 300 -n version "$BIN --version"

# --- 5. The machine. -------------------------------------------------------------------------
SIZE=$(stat -c %s "$BIN")
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[[ -n $CPU ]] || CPU=$(awk -F': ' '/^(Hardware|cpu model|uarch)/ {print $2; exit}' /proc/cpuinfo)

# --- 6. The report. --------------------------------------------------------------------------
echo "### Results"
echo
echo "Produced by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock build.rs 2>/dev/null || echo ' plus uncommitted changes')."
echo
echo "| machine | |"
echo "|---|---|"
echo "| CPU | $CPU ($(nproc) cores) |"
echo "| kernel | $(uname -sr) |"
echo "| load average (1, 5, 15 min) at the start, at the end | $LOAD_START; $(cut -d' ' -f1-3 /proc/loadavg) |"
echo "| toolchain | $RUSTC |"
echo "| tools | $(jq --version), $(hyperfine --version) |"
echo
echo "| measurement | value | target | met? |"
echo "|---|---|---|---|"
for n in "${SIZES[@]}"; do
    tm=$(hstat "$n" tsh-review mean) td=$(hstat "$n" tsh-review stddev)
    jm=$(hstat "$n" jq mean) jd=$(hstat "$n" jq stddev)
    fm=$(hstat "$n" floor mean) fd=$(hstat "$n" floor stddev)
    qm=$(hstat "$n" floor-fast mean) qd=$(hstat "$n" floor-fast stddev)
    what="$(group "$n") events ($(group "${SESSIONS[$n]}") sessions, $(mib $((BYTES[$n] / 1024))))"
    echo "| \`recent --format tsv\`, $what | $(pm "$tm" "$td") | | |"
    echo "| jq pipeline (bench/recent.jq), same bytes | $(pm "$jm" "$jd") | | |"
    echo "| fast parse floor (examples/parse_floor_fast.rs: fs::read + from_slice), same bytes | $(pm "$qm" "$qd") | | |"
    echo "| BufReader parse floor (examples/parse_floor.rs), same bytes | $(pm "$fm" "$fd") | | |"
    echo "| jq / tsh-review, $(group "$n") events | $(ratio "$jm" "$tm") | >= 25x | $(ge "$(awk -v a="$jm" -v b="$tm" 'BEGIN{print a/b}')" 25) |"
    echo "| tsh-review / fast parse floor, $(group "$n") events | $(ratio "$tm" "$qm") | <= 2x | $(le "$(awk -v a="$tm" -v b="$qm" 'BEGIN{print a/b}')" 2) |"
    echo "| tsh-review / BufReader parse floor, $(group "$n") events | $(ratio "$tm" "$fm") | | |"
done
for n in "${SIZES[@]}"; do
    target="" met=""
    if ((n >= 100000)); then target="<= 16 MiB" met=$(le "${RSS_TSH[$n]}" $((16 * 1024))); fi
    echo "| peak RSS of \`recent\`, $(group "$n") events (jq: $(mib "${RSS_JQ[$n]}"), fast floor: $(mib "${RSS_FAST[$n]}"), BufReader floor: $(mib "${RSS_FLOOR[$n]}")) | $(mib "${RSS_TSH[$n]}") | $target | $met |"
done
# hrow FILE NAME: "median (mean ± σ)" of one hyperfine result.
hrow() { echo "$(ms "$(hstat "$1" "$2" median)") (mean ± σ $(pm "$(hstat "$1" "$2" mean)" "$(hstat "$1" "$2" stddev)"))"; }
cache="$(group "$CACHED")-session cache (the cap)"
tab=$(hstat tab bash-tab median) base=$(hstat tab bash-base median)
echo "| whole bash TAB, \`tsh-review play <TAB>\`, $cache, $OFFERED ids offered: median (mean ± σ $(pm "$(hstat tab bash-tab mean)" "$(hstat tab bash-tab stddev)")) | $(ms "$tab") | <= 15 ms | $(le "$tab" 0.015) |"
echo "| of which bash itself, sourcing the script (the baseline) | $(hrow tab bash-base) | | |"
echo "| of which the TAB (whole TAB minus baseline, medians) | $(ms "$(awk -v a="$tab" -v b="$base" 'BEGIN { print a - b }')") | | |"
echo "| whole bash TAB, \`tsh-review play $PREFIX<TAB>\`, $MATCHED ids offered | $(hrow tab bash-tab-prefix) | | |"
echo "| the binary alone, \`__complete-ids ''\` (bash) | $(hrow complete bin-empty) | | |"
echo "| the binary alone, \`__complete-ids $PREFIX\` (bash, $MATCHED ids) | $(hrow complete bin-prefix) | | |"
echo "| the binary alone, \`--format tsv __complete-ids ''\` (zsh, fish: with descriptions) | $(hrow complete bin-tsv) | | |"
if [[ -n $ZSH_TAB ]]; then
    IFS=';' read -r med mean n <<<"$ZSH_TAB"
    echo "| whole zsh TAB, \`tsh-review play <TAB>\` in an interactive zsh ($n TABs): median (mean ± σ $mean) | $med | | |"
    IFS=';' read -r med mean n <<<"$ZSH_FLAGS"
    echo "| of which zsh itself: \`tsh-review play --<TAB>\` (flags, no binary): median (mean ± σ $mean) | $med | | |"
else
    echo "| whole zsh TAB | zsh not installed | | |"
fi
if [[ -f $OUT/hf-fish.json ]] && command -v fish >/dev/null; then
    ftab=$(hstat fish fish-tab median) fbase=$(hstat fish fish-base median)
    echo "| whole fish TAB, \`complete -C 'tsh-review play '\` | $(hrow fish fish-tab) | | |"
    echo "| of which fish itself, sourcing the script (the baseline) | $(hrow fish fish-base) | | |"
    echo "| of which the TAB (minus baseline, medians) | $(ms "$(awk -v a="$ftab" -v b="$fbase" 'BEGIN { print a - b }')") | | |"
else
    echo "| whole fish TAB | fish not installed | | |"
fi
vmed=$(hstat version version median)
echo "| start-up, \`tsh-review --version\`: median (mean ± σ $(pm "$(hstat version version mean)" "$(hstat version version stddev)")) | $(ms "$vmed") | <= 2 ms | $(le "$vmed" 0.002) |"
echo "| release binary size | $(group "$SIZE") bytes ($(mib $((SIZE / 1024)))) | <= 3,145,728 bytes (3 MiB) | $(le "$SIZE" 3145728) |"
echo
echo "Checks made before timing:"
echo
for c in "${checks[@]}"; do echo "- $c"; done
echo "- both parse floors counted every element of each file; the completion cache held $(group "$CACHED") sessions; a bash TAB offered $OFFERED ids with nothing typed and all $MATCHED that start with \`$PREFIX\`"
echo
echo "Times are hyperfine means ± standard deviation (10 runs at 10k events, 3 at 100k, after one"
echo "warm-up; TABs and the binary's answer 100 runs, fish 50, start-up 300), run without a shell"
echo "(\`hyperfine -N\`). A bash TAB is bench/tab.bash (sets COMP_WORDS and calls the completion"
echo "function, as readline does); a zsh TAB is timed inside an interactive zsh by bench/tab.zsh;"
echo "a fish TAB is \`complete -C\`."
echo "tsh-review reads through a pipe from the fake tctl (\`sh\` + \`cat\`); jq and the floors read the file."
echo "Peak RSS of \`recent\` includes writing the session cache, which by then holds 20,000 sessions."
