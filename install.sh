#!/usr/bin/env bash
# Build tsh-review in release mode and install it.
#
#   ./install.sh [--prefix DIR] [--uninstall]
#
# --prefix defaults to ~/.local (so no root is needed); DESTDIR is prepended to every path, for
# packagers. Running it again replaces what it installed.
set -euo pipefail

prefix="${HOME:?HOME is not set}/.local"
action=install

usage() {
    sed -n '2,7s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$prefix" in
    /*) ;;
    *) prefix="$PWD/$prefix" ;;
esac
root="${DESTDIR:-}$prefix"
bin="$root/bin/tsh-review"

if [ "$action" = uninstall ]; then
    for f in "$bin" "$root/share/man/man1/tsh-review.1"; do
        if [ -e "$f" ]; then
            rm -f "$f"
            echo "removed $f"
        fi
    done
    exit 0
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "install.sh: cargo was not found on PATH." >&2
    echo "  tsh-review is built from source with Rust 1.89 or newer: install it from" >&2
    echo "  https://rustup.rs (or your package manager), then run ./install.sh again." >&2
    exit 1
fi

cd "$(dirname "$0")"
echo "building tsh-review (release)..."
cargo build --release --locked --quiet
install -d "$root/bin"
install -m 0755 target/release/tsh-review "$bin"
echo "installed $bin"
install -d "$root/share/man/man1"
install -m 0644 man/tsh-review.1 "$root/share/man/man1/tsh-review.1"
echo "installed $root/share/man/man1/tsh-review.1"

case ":${PATH}:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "try it without Teleport: $prefix/bin/tsh-review --demo recent"
