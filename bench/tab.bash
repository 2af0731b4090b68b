# bench/tab.bash SCRIPT [LINE FUNCTION]: one whole bash TAB, for bench/run.sh to time with
# hyperfine.
#
# Sources the completion SCRIPT (completions/tsh-review.bash, or `tsh-review init bash`), then
# does what readline does on TAB at the end of LINE: sets COMP_LINE, COMP_POINT, COMP_WORDS and
# COMP_CWORD and calls FUNCTION, the one SCRIPT registers for the line's command (run.sh checks
# `complete -p`; looking it up here would cost a fork that readline does not make). FUNCTION
# runs `tsh-review __complete-ids` and fills COMPREPLY; the number of candidates is printed.
# Without LINE it only sources SCRIPT: the baseline to subtract (bash's start and the parse of
# a 1,000-line script). Run it as `bash --norc --noprofile bench/tab.bash ...`, with the binary
# to measure first on PATH.
# shellcheck disable=SC1090 # the script is an argument
source "$1"
(($# > 1)) || exit 0
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
"$3" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
echo "${#COMPREPLY[@]}"
