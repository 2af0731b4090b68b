# --- src/shell/complete/cached.fish (appended by build.rs to clap_complete's script) --------
# build.rs fills the commands between at signs from the command table and points the user and
# host flags at __fish_tsh_review_names; both functions ask tsh-review's cache via the hidden
# `__complete-ids`.

# Cached session ids with `user@target kind start`, newest first (-k: fish would sort them by
# id). With nothing typed the answer is the newest sessions only; a prefix gets every match.
# $argv (`--recorded` for play, download and link) goes to `__complete-ids`.
function __fish_tsh_review_ids
    set -l words (commandline -opc)
    set -l demo
    contains -- --demo $words; and set demo --demo
    # Only the first operand is a session id.
    set -l operands (string match -v -- '-*' $words[2..-1])
    test (count $operands) -le 1; or return
    command tsh-review $demo --format tsv __complete-ids $argv -- (commandline -ct) 2>/dev/null
end
complete -c tsh-review -n "__fish_tsh_review_using_subcommand @SID_COMMANDS@" -f -k -a "(__fish_tsh_review_ids)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand @RECORDING_COMMANDS@" -f -k -a "(__fish_tsh_review_ids --recorded)"

# The users ($argv[1] = user) or targets (host) of the sessions tsh-review has listed.
function __fish_tsh_review_names
    set -l demo
    contains -- --demo (commandline -opc); and set demo --demo
    # All of them: fish matches the token itself, `--user=al` as well as `--user al`.
    command tsh-review $demo __complete-ids --field $argv[1] 2>/dev/null
end
