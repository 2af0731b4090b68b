# --- src/shell/complete/cached.bash (appended by build.rs to clap_complete's script) --------
# Session ids (the SID operands), and the users and hosts of --user, --host and the like,
# complete from tsh-review's cache via the hidden `__complete-ids`; everything else goes to the
# generated _tsh__review. build.rs fills the case patterns between at signs from the command
# table. Ids stay newest first (the function is registered with nosort), and an empty answer
# offers nothing rather than file names.
_tsh_review_ids() {
    local cur="${COMP_WORDS[COMP_CWORD]}" word cmd="" operands=0 demo="" skip="" flag="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if [[ $word == "=" ]]; then skip=1; continue; fi
        if [[ -n $skip ]]; then skip=""; flag=""; continue; fi
        case "$word" in
            --demo) demo=--demo ;;
            @VALUE_FLAGS@) skip=1; flag="$word" ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd="$word"; else operands=$((operands + 1)); fi ;;
        esac
    done
    if [[ -n $skip ]]; then
        case "$flag" in
            @USER_FLAGS@) _tsh_review_ask "$1" $demo __complete-ids --field user -- "$cur"; return ;;
            @HOST_FLAGS@) _tsh_review_ask "$1" $demo __complete-ids --field host -- "$cur"; return ;;
        esac
    fi
    case "$cmd" in
        @SID_COMMANDS@)
            if [[ -z $skip && $operands -eq 0 && $cur != -* ]]; then
                # With nothing typed the answer is the newest sessions only (a bounded
                # array, whatever the cache holds); a prefix gets every match. play,
                # download and link are offered only sessions with a recording.
                local only=""
                case "$cmd" in @RECORDING_COMMANDS@) only=--recorded ;; esac
                _tsh_review_ask "$1" $demo __complete-ids $only -- "$cur"
                return
            fi
            ;;
    esac
    _tsh__review "$@"
}

# One candidate a line from tsh-review; an empty answer offers nothing, not the file names of
# bash's default completion. Split by word splitting, not mapfile or `read`: bash reads a pipe
# a byte at a time for those (20,000 lines: 320 ms against 23 ms). Ids and the plain-word
# names the binary answers have no spaces or glob characters.
_tsh_review_ask() {
    local IFS=$'\n'
    # shellcheck disable=SC2207
    COMPREPLY=($(command "$@" 2>/dev/null))
    compopt +o default +o bashdefault 2>/dev/null
    return 0
}
