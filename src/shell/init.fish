# --- tsh-review init fish: session ids for `tsh play <TAB>` ---------------------------------
# Above: tsh-review's own completion, the same script as `tsh-review completions fish`.
#
# tsh ships no fish completion, so there is nothing to wrap: this one rule only adds the
# session ids from tsh-review's cache (the hidden `tsh-review __complete-ids`, no network) to
# the operand of `tsh play`, with `user@target kind start` as the description: newest first
# (-k keeps that order), and only sessions tsh can play (no desktop or app sessions, none
# unrecorded).
complete -c tsh -n '__fish_seen_subcommand_from play' -f -k -a '(command tsh-review --format tsv __complete-ids --playable -- (commandline -ct) 2>/dev/null)'
