#!/usr/bin/env bash
# Build tsh-review in release mode and install it.
#
#   ./install.sh [--prefix DIR] [--uninstall] [--tsh-alias]
#
# --prefix defaults to ~/.local (so no root is needed); DESTDIR is prepended to every path, for
# packagers. Running it again replaces what it installed. --tsh-alias also adds the tsh alias
# `review: "tsh-review"` to ${TELEPORT_HOME:-~/.tsh}/config/config.yaml (`tsh review ...`).
set -euo pipefail

prefix="${HOME:?HOME is not set}/.local"
action=install
tsh_alias=

usage() {
    sed -n '2,8s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --uninstall) action=uninstall; shift ;;
        --tsh-alias) tsh_alias=1; shift ;;
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
# Where each shell's completion loader looks (bash-completion, zsh's fpath, fish's vendor dir).
completions=(
    "completions/tsh-review.bash:share/bash-completion/completions/tsh-review"
    "completions/_tsh-review:share/zsh/site-functions/_tsh-review"
    "completions/tsh-review.fish:share/fish/vendor_completions.d/tsh-review.fish"
)

# Adds the tsh alias without ever clobbering the user's config: a new file, or an appended
# block when there is no `aliases:` key; a file that already has aliases is not edited (YAML
# cannot be merged safely with sed). The original is kept as config.yaml.bak.
add_tsh_alias() {
    local dir="${TELEPORT_HOME:-$HOME/.tsh}/config"
    local file="$dir/config.yaml"
    if [ ! -e "$file" ]; then
        install -d "$dir"
        printf 'aliases:\n  review: "tsh-review"\n' > "$file"
        echo "created $file with the tsh alias: tsh review ... runs tsh-review ..."
        return 0
    fi
    if grep -Eq '^[[:space:]]+"?review"?[[:space:]]*:' "$file" && grep -q '^aliases:' "$file"; then
        echo "$file already has a review alias: left unchanged"
        return 0
    fi
    if grep -q '^aliases:' "$file"; then
        echo "install.sh: $file already has an aliases: section; not editing it automatically." >&2
        echo "  add this line under aliases: yourself:" >&2
        echo '    review: "tsh-review"' >&2
        return 1
    fi
    cp -p "$file" "$file.bak"
    # Keep the last line intact when the file has no trailing newline.
    if [ -s "$file" ] && [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
        echo >> "$file"
    fi
    printf 'aliases:\n  review: "tsh-review"\n' >> "$file"
    echo "added the tsh alias to $file (backup: $file.bak)"
}

if [ "$action" = uninstall ]; then
    for f in "$bin" "$root/share/man/man1/tsh-review.1" "${completions[@]/#*:/$root/}"; do
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
for pair in "${completions[@]}"; do
    src="${pair%%:*}" dest="$root/${pair#*:}"
    install -d "$(dirname "$dest")"
    install -m 0644 "$src" "$dest"
    echo "installed $dest"
done
echo "for session ids on \`tsh play <TAB>\`, add to ~/.bashrc: eval \"\$(tsh-review init bash)\""
echo "  (zsh: eval \"\$(tsh-review init zsh)\" after compinit; fish: tsh-review init fish | source)"
if [ -n "$tsh_alias" ]; then
    add_tsh_alias
fi

case ":${PATH}:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "try it without Teleport: $prefix/bin/tsh-review --demo recent"
