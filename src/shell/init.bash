# --- tsh-review init bash: session ids for `tsh play <TAB>` ---------------------------------
# Above: tsh-review's own completion, the same script as `tsh-review completions bash`.
#
# tsh's bash completion (`eval "$(tsh --completion-script-bash)"`, function
# _tsh_bash_autocomplete) completes commands and flags but never session ids. This wrapper
# answers only the session id operand of `tsh play` from tsh-review's cache (the hidden
# `tsh-review __complete-ids`, which never touches the network), with only the sessions tsh
# can play (no desktop or app sessions, none unrecorded), and hands every other
# completion to tsh's function unchanged. It calls that function by name at TAB time, so it
# works whether tsh's script is loaded before or after this snippet; because tsh's script
# re-registers its own function for `tsh` when loaded later, a prompt hook puts the wrapper
# back (a builtin call per prompt, no process).
_tsh_review_tsh() {
    local cur="${COMP_WORDS[COMP_CWORD]}" word cmd="" operands=0 skip="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if [[ -n $skip ]]; then skip=""; continue; fi
        case "$word" in
            # tsh flags that take a separate value (tsh play's and common global ones).
            --format|-f|--speed|--proxy|--user|--login|-l|--cluster|-c|--identity|-i|--auth) skip=1 ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd="$word"; else operands=$((operands + 1)); fi ;;
        esac
    done
    if [[ $cmd == play && -z $skip && $operands -eq 0 && $cur != -* ]]; then
        # With nothing typed the answer is the newest sessions only; a prefix gets every
        # match. Split by word splitting, not `read` or mapfile, which take a pipe a byte at a
        # time; ids have no spaces or glob characters.
        local IFS=$'\n'
        # shellcheck disable=SC2207
        COMPREPLY=($(command tsh-review __complete-ids --playable -- "$cur" 2>/dev/null))
        # Newest first, as listed (bash would sort them by id); an empty answer offers nothing
        # rather than the file names of `-o default`.
        compopt -o nosort +o default 2>/dev/null
        return 0
    fi
    if declare -F _tsh_bash_autocomplete >/dev/null; then
        _tsh_bash_autocomplete "$@"
    fi
}

_tsh_review_tsh_hook() {
    complete -F _tsh_review_tsh -o default tsh
}
_tsh_review_tsh_hook
case ";${PROMPT_COMMAND:-};" in
    *";_tsh_review_tsh_hook;"*) ;;
    *) PROMPT_COMMAND="_tsh_review_tsh_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
