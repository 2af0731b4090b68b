#!/usr/bin/env bash
# Build tsh-review in release mode and install it.
#
#   ./install.sh [--prefix DIR] [--binary PATH] [--uninstall] [--tsh-alias]
#
# --prefix defaults to ~/.local (so no root is needed); DESTDIR is prepended to every path, for
# packagers. --binary installs an already built tsh-review instead of running cargo. Running
# it again replaces what it installed. --tsh-alias also adds the tsh alias
# `review: "tsh-review"` to ${TELEPORT_HOME:-~/.tsh}/config/config.yaml (`tsh review ...`).
set -euo pipefail

prefix="${HOME:?HOME is not set}/.local"
action=install
tsh_alias=
binary=
here="$(cd "$(dirname "$0")" && pwd)"

usage() {
    sed -n '2,9s/^# \{0,1\}//p' "$0"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --binary) [ $# -ge 2 ] || { echo "install.sh: --binary needs a path" >&2; exit 2; }
                  binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
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
# Where each shell's completion loader looks (bash-completion, zsh's fpath, fish's vendor dir),
# relative to the prefix.
bash_dir=share/bash-completion/completions
zsh_dir=share/zsh/site-functions
fish_dir=share/fish/vendor_completions.d
completions=(
    "completions/tsh-review.bash:$bash_dir/tsh-review"
    "completions/_tsh-review:$zsh_dir/_tsh-review"
    "completions/tsh-review.fish:$fish_dir/tsh-review.fish"
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

# The path of the tsh-review executable that cargo says it just built, from its JSON messages
# on stdin. Asking cargo (rather than assuming ./target/release) is what makes
# CARGO_TARGET_DIR, build.target and a stale ./target from an older checkout harmless. Plain
# sed, because python3 and jq are not on every machine that has cargo.
built_executable() {
    grep '"reason":"compiler-artifact"' |
        grep '"kind":\["bin"\]' |
        grep '"name":"tsh-review"' |
        sed -nE 's/.*"executable":"(([^"\\]|\\.)*)".*/\1/p' |
        sed -E 's/\\(.)/\1/g' |
        tail -n 1
}

# Single-quoted for a shell start-up file (bash, zsh and fish all read '...'\''...').
quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Whether bash-completion reads completions from $1: its user directory, the XDG data
# directories, the directory beside its own script and, from 2.12 on, <prefix>/share/... for
# a command in <prefix>/bin on PATH. Prints nothing when it does; otherwise why not.
bash_misses() {
    local dir="$1" script="" d major=0 minor=0 versinfo
    local IFS=:
    for d in ${XDG_DATA_DIRS:-/usr/local/share:/usr/share} /opt/homebrew/share /usr/local/share /usr/share; do
        if [ -r "$d/bash-completion/bash_completion" ]; then
            script="$d/bash-completion/bash_completion"
            break
        fi
    done
    if [ -z "$script" ]; then
        echo "bash reads it only through the bash-completion package, which was not found"
        return 0
    fi
    for d in ${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}; do
        [ "$dir" = "$d/completions" ] && return 0
    done
    [ "$dir" = "${script%/*}/completions" ] && return 0
    for d in ${XDG_DATA_DIRS:-/usr/local/share:/usr/share}; do
        [ "$dir" = "$d/bash-completion/completions" ] && return 0
    done
    versinfo="$(sed -n 's/^BASH_COMPLETION_VERSINFO=(\([0-9]*\) \([0-9]*\).*/\1 \2/p' "$script")"
    IFS=' ' read -r major minor <<< "${versinfo:-0 0}"
    if [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -ge 12 ]; }; then
        case ":$PATH:" in *":$prefix/bin:"*) return 0 ;; esac
    fi
    echo "bash-completion does not look in $dir"
}

# Whether the lines of $1 include $2. Not `| grep -q`: under pipefail, grep quitting early
# can fail the writer with SIGPIPE, and the answer would depend on timing.
has_line() {
    case $'\n'"$1"$'\n' in
        *$'\n'"$2"$'\n'*) return 0 ;;
        *) return 1 ;;
    esac
}

# Whether zsh's fpath (without the user's start-up files) holds $1.
zsh_misses() {
    command -v zsh >/dev/null 2>&1 || return 0
    has_line "$(zsh -fc 'print -rl -- $fpath' 2>/dev/null)" "$1" && return 0
    echo "zsh does not look in $1 (it is not on fpath)"
}

# Whether fish's default $fish_complete_path holds $1 (fish's own config.fish sets it).
fish_misses() {
    command -v fish >/dev/null 2>&1 || return 0
    # shellcheck disable=SC2016 # fish expands these, not bash
    has_line "$(fish --no-config -c \
        'source $__fish_data_dir/config.fish; printf "%s\n" $fish_complete_path' 2>/dev/null)" \
        "$1" && return 0
    echo "fish does not look in $1"
}

# For each shell whose completion loader does not read where the script went, the one line
# that makes it read it: otherwise the install looks done and TAB silently does nothing.
completion_hints() {
    local why
    why="$(bash_misses "$prefix/$bash_dir")"
    if [ -n "$why" ]; then
        echo "bash completion: $why; add to ~/.bashrc:"
        echo "    source $(quote "$prefix/$bash_dir/tsh-review")"
    fi
    why="$(zsh_misses "$prefix/$zsh_dir")"
    if [ -n "$why" ]; then
        echo "zsh completion: $why; add to ~/.zshrc, before compinit:"
        echo "    fpath=($(quote "$prefix/$zsh_dir") \$fpath)"
    fi
    why="$(fish_misses "$prefix/$fish_dir")"
    if [ -n "$why" ]; then
        echo "fish completion: $why; add to ~/.config/fish/config.fish:"
        echo "    set -p fish_complete_path $(quote "$prefix/$fish_dir")"
    fi
    echo "for session ids on \`tsh play <TAB>\` too, use instead: eval \"\$(tsh-review init bash)\" in ~/.bashrc"
    echo "  (zsh: eval \"\$(tsh-review init zsh)\" after compinit; fish: tsh-review init fish | source)"
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

if [ -z "$binary" ]; then
    if ! command -v cargo >/dev/null 2>&1; then
        echo "install.sh: cargo was not found on PATH." >&2
        echo "  tsh-review is built from source with Rust 1.89 or newer: install it from" >&2
        echo "  https://rustup.rs (or your package manager), then run ./install.sh again." >&2
        exit 1
    fi
    echo "building tsh-review (release; the first build takes a few minutes)..."
    # cargo's progress and diagnostics go to the terminal (stderr); its JSON messages on
    # stdout say where the executable is.
    messages="$(cargo build --release --locked --manifest-path "$here/Cargo.toml" \
        --message-format=json-render-diagnostics)" || {
        echo "install.sh: cargo build failed: nothing was installed" >&2
        exit 1
    }
    # grep finds nothing when cargo reported no such executable: that is checked just below.
    binary="$(printf '%s\n' "$messages" | built_executable)" || binary=
    if [ -z "$binary" ]; then
        echo "install.sh: cargo did not report a tsh-review executable: nothing was installed" >&2
        exit 1
    fi
fi
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    echo "install.sh: $binary is not an executable file: nothing was installed" >&2
    exit 1
fi

install -d "$root/bin"
install -m 0755 "$binary" "$bin"
echo "installed $bin (from $binary)"
install -d "$root/share/man/man1"
install -m 0644 "$here/man/tsh-review.1" "$root/share/man/man1/tsh-review.1"
echo "installed $root/share/man/man1/tsh-review.1"
for pair in "${completions[@]}"; do
    src="$here/${pair%%:*}" dest="$root/${pair#*:}"
    install -d "$(dirname "$dest")"
    install -m 0644 "$src" "$dest"
    echo "installed $dest"
done
completion_hints
if [ -n "$tsh_alias" ]; then
    add_tsh_alias
fi

case ":${PATH}:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "try it without Teleport: $prefix/bin/tsh-review --demo recent"
