# Completes a command line in a real interactive zsh on a pseudo-terminal (zsh/zpty) and
# writes what the completion system offered to a file, one `match<TAB>display` line each, then
# a NUL line; what the terminal showed (the listing, in the order the user sees it) goes to the
# same file name plus `.tty`. Used by tests/common/shells.rs.
# $1: a file of setup commands (sourced after compinit); $2: the line; $3: the output file;
# $4 (optional): a file sourced before compinit, as a ~/.zshrc's fpath lines are.
zmodload zsh/zpty || exit 4
setup=$1 line=$2 out=$3 early=${4:-/dev/null}
: >| $out
rc=${out}.zshrc
cat >| $rc <<SETUP
PS1='' PROMPT_EOL_MARK=''
source ${(q)early}
autoload -Uz compinit && compinit -u -D
source ${(q)setup}
# Record every match as it is added, with what the menu would display for it.
compadd() {
    if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "\$@"; return; fi
    local -a hits disp
    local d=\${@[\${@[(i)-d]}+1]} i
    (( \$@[(I)-d] )) && disp=( "\${(@P)d}" )
    builtin compadd -O hits "\$@"
    for (( i = 1; i <= \$#hits; i++ )); do print -r -- "\${hits[i]}"\$'\t'"\${disp[i]}" >> ${(q)out}; done
    builtin compadd "\$@"
}
# Mark the end; the listing is drawn after this returns, so the shell is left running for the
# driver to read it, then killed. LISTMAX: never ask before listing many matches.
LISTMAX=100000
_drive_done() { print -r -- $'\\0' >> ${(q)out} }
comppostfuncs=(_drive_done)
SETUP
zpty z zsh -f -i
zpty -w z "source ${(q)rc}"
zpty -w -n z "$line"$'\t'
# Drain the terminal so the shell never blocks on a full pty.
local chunk i quiet=0
drain() {
    local got=1
    while zpty -rt z chunk; do
        got=0
        print -rn -- $chunk >> ${out}.tty
        [[ -n $DRIVE_DEBUG ]] && print -rn -- $chunk >&2
    done
    return got
}
for i in {1..200}; do
    drain
    [[ $(<$out) == *$'\0'* ]] && break
    sleep 0.05
done
# The listing is drawn as the completion ends: read until the terminal has been quiet a while.
for i in {1..40}; do
    if drain; then quiet=0; else (( ++quiet >= 4 )) && break; fi
    sleep 0.05
done
zpty -d z
[[ $(<$out) == *$'\0'* ]] || { print -u2 "zsh did not finish completing: $line"; exit 5; }
