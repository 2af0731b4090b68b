# bench/tab.zsh SCRIPT LINE RUNS: whole zsh TABs, for bench/run.sh.
#
# zsh completes only inside its line editor, so this starts a real interactive zsh on a
# pseudo-terminal (zsh/zpty), runs compinit and sources the completion SCRIPT there, and binds
# TAB to a widget that runs the usual `expand-or-complete` between two readings of
# $EPOCHREALTIME: from the key to the end of the completion, listing included (drawing it is
# the terminal's time). It then types LINE and TAB RUNS times, plus one warm-up, clearing the
# line in between, and prints each TAB's time in milliseconds, a line each. Run it as
# `zsh -f bench/tab.zsh ...`, with the binary to measure first on PATH.

# How many TABs the file $1 has timed so far, in REPLY (no fork: $(<file) is zsh's own).
count() {
    local -a times
    times=(${(f)"$(<$1)"})
    REPLY=$#times
}

main() {
    zmodload zsh/zpty zsh/zselect || exit 4
    local script=$1 line=$2 runs=$3 dir
    dir=$(mktemp -d) || exit 4
    local out=$dir/times rc=$dir/zshrc chunk i
    : >|$out
    cat >|$rc <<SETUP
PS1='' PROMPT_EOL_MARK='' LISTMAX=100000
autoload -Uz compinit && compinit -u -D
source ${(q)script}
zmodload zsh/datetime
_bench_tab() {
    local t0=\$EPOCHREALTIME
    zle expand-or-complete
    print -r -- \$(( (EPOCHREALTIME - t0) * 1000 )) >> ${(q)out}
}
zle -N _bench_tab
bindkey '^I' _bench_tab
SETUP
    zpty z zsh -f -i
    # Only now: the shell zpty forks inherits traps, and would run this one as it ends.
    trap "rm -rf -- ${(q)dir}" EXIT
    zpty -w z "source ${(q)rc}"
    for ((i = 1; i <= runs + 1; i++)); do
        # ^U clears what the last TAB left on the line; the TAB after LINE is the one timed.
        zpty -w -n z $'\C-u'"$line"$'\t'
        REPLY=0
        while ((REPLY < i)); do
            # Drain the terminal, so that the shell never blocks on a full pty.
            while zpty -rt z chunk; do :; done
            zselect -t 1
            count $out
        done
    done
    # The first TAB warmed the caches and zsh's autoloads: not reported.
    local -a times
    times=(${(f)"$(<$out)"})
    zpty -d z
    print -l -- $times[2,-1]
}

main "$@"
