# --- src/shell/complete/cached.zsh (appended by build.rs to clap_complete's script) ---------
# build.rs points the SID operands' specs at _tsh-review_ids and the user and host flags' specs
# at _tsh-review_names; both ask tsh-review's cache via the hidden `__complete-ids`.

# Cached session ids with `user@target kind start`, newest first (-V: an unsorted group; zsh
# would sort them by id). With nothing typed the answer is the newest sessions only; a prefix
# gets every match. A last argument `--recorded` (play, download, link) keeps the sessions
# with a recording; _arguments passes its description options before it.
(( $+functions[_tsh-review_ids] )) ||
_tsh-review_ids() {
    local -a ids
    local line demo only
    [[ " $BUFFER " == *" --demo "* ]] && demo=--demo
    [[ ${@[-1]} == --recorded ]] && only=--recorded
    for line in ${(f)"$(command tsh-review $demo --format tsv __complete-ids $only -- "$PREFIX" 2>/dev/null)"}; do
        ids+=("${line%%$'\t'*}:${${line#*$'\t'}//\\/\\\\}")
    done
    _describe -V -t session-ids 'session id' ids
}

# The users (last argument `user`) or targets (`host`) of the sessions tsh-review has listed,
# from its cache (never the system's users and hosts). _arguments passes its description
# options first; they go to compadd.
(( $+functions[_tsh-review_names] )) ||
_tsh-review_names() {
    local -a names
    local demo
    [[ " $BUFFER " == *" --demo "* ]] && demo=--demo
    names=(${(f)"$(command tsh-review $demo __complete-ids --field ${@[-1]} -- "$PREFIX" 2>/dev/null)"})
    compadd "${@[1,-2]}" -a names
}
