#!/usr/bin/env bash
# Run every fuzz target in turn for SECONDS_EACH (default 600) seconds, one core, and keep the
# logs in fuzz/logs/. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
each=${SECONDS_EACH:-600}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ls search tsh config_js window escape content)
mkdir -p logs
cargo fuzz build -O
for t in "${targets[@]}"; do
    echo "== $t: ${each}s" >&2
    cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$each" -max_len=16384 \
        -rss_limit_mb=2048 -print_final_stats=1 >"logs/$t.log" 2>&1 || {
        echo "$t: FAILED, see fuzz/logs/$t.log and fuzz/artifacts/$t/" >&2
    }
    tail -n 12 "logs/$t.log" >&2
done
