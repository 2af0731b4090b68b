# --- tsh-review init zsh: session ids for `tsh play <TAB>` ----------------------------------
# Above: tsh-review's own completion, the same script as `tsh-review completions zsh`. Load
# this after compinit (it needs compdef).
#
# tsh's zsh completion (`tsh --completion-script-zsh`, function _tsh) completes commands and
# flags but never session ids. This wrapper answers only the session id operand of `tsh play`
# from tsh-review's cache (the hidden `tsh-review __complete-ids`, no network), with only the
# sessions tsh can play (no desktop or app sessions, none unrecorded), and hands every
# other completion to _tsh unchanged, called by name at TAB time, so it works whether tsh's
# script is loaded before or after this snippet; because tsh's script registers _tsh for tsh
# when loaded later, a precmd hook puts the wrapper back.
_tsh_review_tsh() {
    local -a ids rest
    local line
    rest=(${words[2,CURRENT-1]:#-*})
    if [[ ${rest[1]} == play && ${#rest} -eq 1 && $PREFIX != -* ]]; then
        for line in ${(f)"$(command tsh-review --format tsv __complete-ids --playable -- "$PREFIX" 2>/dev/null)"}; do
            ids+=("${line%%$'\t'*}:${${line#*$'\t'}//\\/\\\\}")
        done
        # -V: newest first, as listed (zsh would sort them by id).
        _describe -V -t session-ids 'session id' ids
        return
    fi
    if (( $+functions[_tsh] )); then
        _tsh "$@"
    fi
}

_tsh_review_tsh_hook() {
    (( $+functions[compdef] )) && compdef _tsh_review_tsh tsh
}
_tsh_review_tsh_hook
autoload -Uz add-zsh-hook 2>/dev/null && add-zsh-hook precmd _tsh_review_tsh_hook
