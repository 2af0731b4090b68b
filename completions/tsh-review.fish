# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tsh_review_global_optspecs
    string join \n tsh= tctl= format= color= timeout= demo h/help V/version
end

function __fish_tsh_review_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tsh_review_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tsh_review_using_subcommand
    set -l cmd (__fish_tsh_review_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tsh-review -n "__fish_tsh_review_needs_command" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_needs_command" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_needs_command" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_needs_command" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_needs_command" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_needs_command" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "recent" -d 'List recorded sessions in a time window (every edition)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "ls" -d 'List recorded sessions in a time window (every edition)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "search" -d 'Search session summaries (Enterprise) with tctl\'s filters'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "triage" -d 'The riskiest sessions of the week, highest severity first'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "compliance" -d 'Review production access for a period, grouped by user and target'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "hunt" -d 'Sweep for an attacker technique (privesc, persistence, exfil...)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "grep" -d 'Search what recordings showed (every edition), with evasion flags'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "pivot" -d 'What one user did on one host, oldest first'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "request" -d 'Everything done under one access request, by user and time'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "doctor" -d 'Check binaries, login, versions, edition, search and permissions'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "show" -d 'Every known detail of one session, with the next commands'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "play" -d 'Replay a session with tsh play (desktops: the web player link)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "download" -d 'Download a recording as evidence, after confirmation'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "link" -d 'Print the web UI player link of a session'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish and more)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "init" -d 'Print a shell start-up snippet (completions, ids for `tsh play`)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c tsh-review -n "__fish_tsh_review_needs_command" -f -a "help" -d 'Show help for tsh-review or one of its commands'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l user -d 'Only sessions of this Teleport user' -r -f -a "(__fish_tsh_review_names user)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand recent" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l user -d 'Only sessions of this Teleport user' -r -f -a "(__fish_tsh_review_names user)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand ls" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l username -d 'Sessions of this Teleport user' -r -f -a "(__fish_tsh_review_names user)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l role -d 'Sessions of users holding this role' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l resource-kind -d 'Kind of resource' -r -f -a "node\t''
kube_cluster\t''
db\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l resource-name -d 'Name of the resource (host, cluster, database)' -r -f -a "(__fish_tsh_review_names host)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l label -d 'Resource labels, all required (an empty value: no label filter)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l access-request -d 'Sessions under this access request' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l server-hostname -d 'SSH sessions on this host name' -r -f -a "(__fish_tsh_review_names host)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l server-addr -d 'SSH sessions on this server address' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l pod-namespace -d 'Kubernetes sessions in this namespace' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l pod-name -d 'Kubernetes sessions in this pod' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l database-name -d 'Database sessions on this database' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l search-mode -d 'How the query matches (tctl\'s default: hybrid)' -r -f -a "hybrid\t''
keyword\t''
embeddings\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l min-severity -d 'Keep sessions of this severity or higher, filtered here' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand search" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l min-severity -d 'Keep sessions of this severity or higher, filtered here' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l unscored -d 'List the sessions without a severity instead'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l explain -d 'Read the listed sessions\' AI summaries (the first 20, 4 at a time) and show each one\'s short description beside its row'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand triage" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l label -d 'Resource labels, all required (an empty value: no label filter)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l quarter -d 'The calendar quarter to review, e.g. 2026Q3 (default: the last full one)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l explain -d 'Read the listed sessions\' AI summaries (the first 20, 4 at a time) and show each one\'s short description beside its row'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand compliance" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -s j -l jobs -d 'Recordings replayed at once' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l query -d 'Hunt with your own query instead of a technique' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l keyword -d 'Hunt for an exact token (keyword search mode)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l non-interactive -d 'Replay non-interactive (exec) sessions too (often not recorded)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l verify -d 'Replay each search hit and show the first line matching the technique\'s patterns (or the --keyword tokens)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l explain -d 'Read the listed sessions\' AI summaries (the first 20, 4 at a time) and show each one\'s short description beside its row'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l list -d 'List the built-in techniques and their queries'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l kind -d 'Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)' -r -f -a "ssh\t''
k8s\t''
db\t''
desktop\t''
app\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l user -d 'Only sessions of this Teleport user' -r -f -a "(__fish_tsh_review_names user)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l host -d 'The host (resource name) the user worked on' -r -f -a "(__fish_tsh_review_names host)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l label -d 'Resource labels, all required (an empty value: no label filter)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s e -l regexp -d 'A pattern to search for (also one that starts with -)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s C -l context -d 'Lines of context before and after each match' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s A -l after-context -d 'Lines of context after each match' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s B -l before-context -d 'Lines of context before each match' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l hunt -d 'Search for a built-in technique\'s patterns (hunt --list shows them)' -r -f -a "privesc\t''
persistence\t''
ssh-tamper\t''
exfil\t''
secrets\t''
kernel\t''
recon\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s j -l jobs -d 'Recordings replayed at once' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s i -l ignore-case -d 'Match upper and lower case alike'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s w -l word-regexp -d 'Match whole words only'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s F -l fixed-strings -d 'The patterns given are plain text, not regular expressions (--hunt\'s stay as they are)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l non-interactive -d 'Replay non-interactive (exec) sessions too (often not recorded)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand grep" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l user -d 'Only sessions of this Teleport user' -r -f -a "(__fish_tsh_review_names user)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l host -d 'The host (resource name) the user worked on' -r -f -a "(__fish_tsh_review_names host)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l explain -d 'Read the listed sessions\' AI summaries (the first 20, 4 at a time) and show each one\'s short description beside its row'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand pivot" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l since -d 'How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l from -d 'Window start: YYYY-MM-DD (UTC midnight) or RFC3339' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l to -d 'Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l limit -d 'Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l no-fallback -d 'Fail (exit 5) instead of listing with recordings ls when search is unavailable'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand request" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l insecure -d 'Do not verify the proxy\'s TLS certificate when probing config.js (like tsh --insecure)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand doctor" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l speed -d 'Playback speed (tsh\'s default: 1x)' -r -f -a "0.5x\t''
1x\t''
2x\t''
4x\t''
8x\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -s o -l output -d 'Directory to download into (default ./tsh-review-recordings/<SID>/)' -r -f -a "(__fish_complete_directories)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -s y -l yes -d 'Download without asking (needed when there is no terminal)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l force -d 'Replace a recording that was already downloaded'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand download" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand link" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand man" -s V -l version -d 'Show the version'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l tsh -d 'Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l tctl -d 'Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)' -r -F
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l format -d 'Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)' -r -f -a "table\t''
tsv\t''
markdown\t''
csv\t''
json\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l color -d 'Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l timeout -d 'Limit for each tsh/tctl call; on expiry the call is killed' -r -f
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -l demo -d 'Use the built-in sample cluster instead of tctl (no Teleport needed)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -s h -l help -d 'Show help (also: tsh-review help COMMAND)'
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -s V -l version -d 'Show the version'
# Operand values (appended by build.rs: clap_complete's fish has none).
complete -c tsh-review -n "__fish_tsh_review_using_subcommand hunt" -f -a "privesc persistence ssh-tamper exfil secrets kernel recon"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand completions" -f -a "bash zsh fish elvish powershell"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand init" -f -a "bash zsh fish"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand help" -f -a "recent search triage compliance hunt grep pivot request doctor show play download link completions init man help"
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
complete -c tsh-review -n "__fish_tsh_review_using_subcommand show" -f -k -a "(__fish_tsh_review_ids)"
complete -c tsh-review -n "__fish_tsh_review_using_subcommand play download link" -f -k -a "(__fish_tsh_review_ids --recorded)"

# The users ($argv[1] = user) or targets (host) of the sessions tsh-review has listed.
function __fish_tsh_review_names
    set -l demo
    contains -- --demo (commandline -opc); and set demo --demo
    # All of them: fish matches the token itself, `--user=al` as well as `--user al`.
    command tsh-review $demo __complete-ids --field $argv[1] 2>/dev/null
end
