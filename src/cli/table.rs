//! The one table of commands and flags. The parser, `--help`, and (later) the man page and the
//! completion scripts are all generated from it, so they cannot drift apart.

/// What a shell should offer when completing a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Complete {
    Nothing,
    /// One of `FlagSpec::choices`.
    Choices,
    File,
    Directory,
    Executable,
    /// A session id from the local cache.
    SessionId,
    /// A session id from the local cache, of a session with a recording: what `play`,
    /// `download` and `link` act on. App sessions have none, nor do sessions Teleport did not
    /// record: offering them only leads to an error.
    Recording,
    Command,
    /// A Teleport user seen in the local cache (never the network).
    User,
    /// A target (host, cluster, database...) seen in the local cache.
    Host,
}

/// Every flag, by identity: the parser and the commands name flags by these (a typo does not
/// compile), and a test checks that each has exactly one row in [`FLAGS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Opt {
    Tsh,
    Tctl,
    Format,
    Color,
    Timeout,
    Demo,
    Since,
    From,
    To,
    Limit,
    Kind,
    User,
    Host,
    Username,
    Role,
    ResourceKind,
    ResourceName,
    Label,
    AccessRequest,
    ServerHostname,
    ServerAddr,
    PodNamespace,
    PodName,
    DatabaseName,
    SearchMode,
    MinSeverity,
    Unscored,
    Explain,
    Regexp,
    IgnoreCase,
    WordRegexp,
    FixedStrings,
    Context,
    AfterContext,
    BeforeContext,
    Technique,
    Jobs,
    NonInteractive,
    Verify,
    NoFallback,
    Quarter,
    List,
    Query,
    Keyword,
    Insecure,
    Speed,
    Output,
    Yes,
    Force,
    Playable,
    Recorded,
    Field,
    Help,
    Version,
}

impl Opt {
    pub const ALL: [Opt; 54] = [
        Opt::Tsh,
        Opt::Tctl,
        Opt::Format,
        Opt::Color,
        Opt::Timeout,
        Opt::Demo,
        Opt::Since,
        Opt::From,
        Opt::To,
        Opt::Limit,
        Opt::Kind,
        Opt::User,
        Opt::Host,
        Opt::Username,
        Opt::Role,
        Opt::ResourceKind,
        Opt::ResourceName,
        Opt::Label,
        Opt::AccessRequest,
        Opt::ServerHostname,
        Opt::ServerAddr,
        Opt::PodNamespace,
        Opt::PodName,
        Opt::DatabaseName,
        Opt::SearchMode,
        Opt::MinSeverity,
        Opt::Unscored,
        Opt::Explain,
        Opt::Regexp,
        Opt::IgnoreCase,
        Opt::WordRegexp,
        Opt::FixedStrings,
        Opt::Context,
        Opt::AfterContext,
        Opt::BeforeContext,
        Opt::Technique,
        Opt::Jobs,
        Opt::NonInteractive,
        Opt::Verify,
        Opt::NoFallback,
        Opt::Quarter,
        Opt::List,
        Opt::Query,
        Opt::Keyword,
        Opt::Insecure,
        Opt::Speed,
        Opt::Output,
        Opt::Yes,
        Opt::Force,
        Opt::Playable,
        Opt::Recorded,
        Opt::Field,
        Opt::Help,
        Opt::Version,
    ];

    /// The flag's row in the table.
    pub fn spec(self) -> &'static FlagSpec {
        FLAGS
            .iter()
            .find(|f| f.id == self)
            .expect("every Opt has a row (tested)")
    }
}

/// Every command, by identity: the one dispatch matches on it, so a command in the table that
/// nothing runs does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    Grep,
    Recent,
    Search,
    Triage,
    Compliance,
    Hunt,
    Pivot,
    Request,
    Doctor,
    Show,
    Play,
    Download,
    Link,
    Completions,
    Init,
    Man,
    Help,
    CompleteIds,
}

/// A flag's default, as a user would type it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    None,
    /// The same wherever the flag applies.
    Always(&'static str),
    /// Per command; a command not listed has none.
    Per(&'static [(&'static str, &'static str)]),
}

/// Which commands a flag applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Commands(&'static [&'static str]),
}

#[derive(Debug)]
pub struct FlagSpec {
    pub id: Opt,
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's name in help text; `None` for a switch.
    pub value: Option<&'static str>,
    pub help: &'static str,
    pub choices: &'static [&'static str],
    /// The default as a user would type it: the parser applies it, and help, the man page
    /// and completions show it, so what is shown is what runs.
    pub default: Default,
    pub env: Option<&'static str>,
    pub scope: Scope,
    pub complete: Complete,
    pub repeatable: bool,
}

#[derive(Debug)]
pub struct Operand {
    pub name: &'static str,
    pub help: &'static str,
    pub required: bool,
    /// Takes any number of words.
    pub many: bool,
    /// For `Complete::Choices`: the accepted words.
    pub choices: &'static [&'static str],
    pub complete: Complete,
}

#[derive(Debug)]
pub struct CommandSpec {
    pub id: Cmd,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Left out of `--help`, the man page and the completion scripts (shell plumbing).
    pub hidden: bool,
    /// One line for command lists.
    pub summary: &'static str,
    /// What the command is for, for `help COMMAND` and the man page.
    pub about: &'static str,
    pub operands: &'static [Operand],
    pub examples: &'static [(&'static str, &'static str)],
}

impl FlagSpec {
    pub fn applies_to(&self, command: &str) -> bool {
        match self.scope {
            Scope::Global => true,
            Scope::Commands(names) => names.contains(&command),
        }
    }

    pub fn takes_value(&self) -> bool {
        self.value.is_some()
    }

    /// The default `command` runs with when the flag is not given.
    pub fn default_for(&self, command: &str) -> Option<&'static str> {
        match self.default {
            Default::None => None,
            Default::Always(d) => Some(d),
            Default::Per(list) => list.iter().find(|(c, _)| *c == command).map(|&(_, d)| d),
        }
    }

    /// Plumbing for the completion scripts: a flag only of hidden commands is left out of
    /// help, the man page and the scripts, as those commands are.
    pub fn hidden(&self) -> bool {
        match self.scope {
            Scope::Global => false,
            Scope::Commands(names) => names.iter().all(|n| command(n).is_some_and(|c| c.hidden)),
        }
    }
}

/// Exit statuses, documented in `--help` and the man page.
pub const EXIT_STATUSES: &[(&str, &str)] = &[
    (
        "0",
        "success (an empty result is a success, except for grep)",
    ),
    (
        "1",
        "runtime failure (tctl or tsh failed or timed out); grep: nothing matched",
    ),
    (
        "2",
        "usage error; grep: any failure (said after every result is printed)",
    ),
    (
        "3",
        "not logged in, or the Teleport login expired: run `tsh login`",
    ),
    (
        "4",
        "access denied: your role lacks `session` `list, read` (see `auditor`)",
    ),
    (
        "5",
        "search unavailable (--no-fallback; a `hunt --query` without search)",
    ),
    (
        "128+N",
        "ended by signal N (130: Ctrl-C); tsh and tctl calls are stopped first",
    ),
];

pub const FORMATS: &[&str] = &["table", "tsv", "markdown", "csv", "json"];
pub const KINDS: &[&str] = &["ssh", "k8s", "db", "desktop", "app"];

/// Other words accepted for a choice: (flag, word, the choice it means). `kube` is Teleport's
/// own name for Kubernetes sessions (`proto: "kube"`).
pub const CHOICE_ALIASES: &[(&str, &str, &str)] = &[("kind", "kube", "k8s")];

/// Commands that take --since/--from/--to.
const WINDOWED: &[&str] = &[
    "recent", "search", "triage", "hunt", "pivot", "request", "grep",
];
const DATED: &[&str] = &[
    "recent",
    "grep",
    "search",
    "triage",
    "hunt",
    "pivot",
    "request",
    "compliance",
];
/// Commands whose result --limit caps (grep's is every matching line: no cap).
const LIMITED: &[&str] = &[
    "recent",
    "search",
    "triage",
    "hunt",
    "pivot",
    "request",
    "compliance",
];
const KINDED: &[&str] = &["recent", "search", "triage", "hunt", "compliance", "grep"];
/// `grep`'s own options.
const GREP: &[&str] = &["grep"];
/// Commands that replay recordings: grep, and hunt (its content hunt and `--verify`).
const REPLAYING: &[&str] = &["grep", "hunt"];
/// Commands built on session search, which fall back to `recordings ls` without it.
const SEARCHING: &[&str] = &["search", "triage", "hunt", "pivot", "request", "compliance"];
const SEARCH: &[&str] = &["search"];
pub const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
pub const TECHNIQUES: &[&str] = &[
    "privesc",
    "persistence",
    "ssh-tamper",
    "exfil",
    "secrets",
    "kernel",
    "recon",
];

/// The shells `completions` writes a script for.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "elvish", "powershell"];

/// The shells `init` writes a start-up snippet for.
pub const INIT_SHELLS: &[&str] = &["bash", "zsh", "fish"];

/// The hidden command the completion scripts call for cached session ids.
pub const COMPLETE_IDS: &str = "__complete-ids";

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        id: Cmd::Recent,
        name: "recent",
        aliases: &["ls"],
        hidden: false,
        summary: "List recorded sessions in a time window (every edition)",
        about: "Lists the session recordings that ended in a time window (default: the last 24 \
                hours), newest first, using `tctl recordings ls`. Works on every Teleport \
                edition. SSH, Kubernetes, database, desktop and app sessions are normalized \
                into one record; app session chunks are grouped into one session each. \
                Windows longer than 365 days are split into several tctl calls and merged.",
        operands: &[],
        examples: &[
            (
                "tsh-review recent",
                "sessions that ended in the last 24 hours",
            ),
            (
                "tsh-review recent --since 7d --kind ssh --user alice",
                "alice's SSH sessions of the last week",
            ),
            (
                "tsh-review ls --from 2026-06-01 --to 2026-06-30 --format csv",
                "June as CSV (--to is inclusive)",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Search,
        name: "search",
        aliases: &[],
        hidden: false,
        summary: "Search session summaries (Enterprise) with tctl's filters",
        about: "Searches the AI summaries of recorded sessions with `tctl recordings search` \
                (Teleport Enterprise with Identity Security, v18.8.0+), with every filter tctl \
                has, and keeps --min-severity client-side (the server ignores it). Results are \
                riskiest first. Only summarized sessions are searchable: an empty result is not \
                proof that nothing happened. When the cluster cannot search, the same window is \
                listed with `tctl recordings ls` instead (unless --no-fallback). A query that \
                starts with - goes after --.",
        operands: &[Operand {
            name: "QUERY",
            help: "words to search for (hybrid keyword and semantic search); none = filters only",
            required: false,
            many: true,
            choices: &[],
            complete: Complete::Nothing,
        }],
        examples: &[
            (
                "tsh-review search sudo to root --since 30d",
                "sessions whose summary matches the query",
            ),
            (
                "tsh-review search --kind db --label env=prod --min-severity high",
                "risky production database sessions of the last week",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Triage,
        name: "triage",
        aliases: &[],
        hidden: false,
        summary: "The riskiest sessions of the week, highest severity first",
        about: "SOC triage: a flag-only session search (no query, so the sample is unbiased) \
                over the last 7 days, keeping sessions of severity --min-severity (default \
                medium) or higher, highest first, plus every session the server asks a human to \
                look at (needs-review), whatever its severity. Sessions without a severity \
                (common for databases) are counted under the table; --unscored lists them. \
                --explain adds a line of each session's AI summary.",
        operands: &[],
        examples: &[
            ("tsh-review triage", "medium or higher, last 7 days"),
            (
                "tsh-review triage --min-severity high --since 24h",
                "only high and critical, last day",
            ),
            (
                "tsh-review triage --unscored",
                "the sessions search could not score",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Compliance,
        name: "compliance",
        aliases: &[],
        hidden: false,
        summary: "Review production access for a period, grouped by user and target",
        about: "A periodic access review: every session of the period (default: the \
                last full calendar quarter; --quarter 2026Q3 or --from/--to) with --label \
                (default env=prod), complete past tctl's --limit by splitting the period, grouped \
                by user and target. Medium or higher is marked follow-up, unscored sessions \
                needs-review, as are those the server asks a human to review, and each has its \
                web player link. The markdown output is an auditable artefact: period, filters, \
                source, generated-at, reviewer (your tsh user) and whether the result is \
                complete head the report; in csv, tsv and json those facts go to stderr, so that \
                the file is rows only.",
        operands: &[],
        examples: &[
            (
                "tsh-review compliance --format markdown > review-2026Q3.md",
                "last quarter's production access as a report",
            ),
            (
                "tsh-review compliance --quarter 2026Q2 --label env=prod,team=payments --format csv",
                "one team, one quarter, for a spreadsheet",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Hunt,
        name: "hunt",
        aliases: &[],
        hidden: false,
        summary: "Sweep for an attacker technique (privesc, persistence, exfil...)",
        about: "Threat hunting over session summaries with built-in queries for privesc, \
                persistence, ssh-tamper, exfil (database sessions), secrets, kernel and recon \
                (--list shows them), or your own --query TEXT, or exact --keyword TOKENs \
                (keyword search mode). Default window: 7 days. Results are triaged by severity; \
                unscored sessions are kept. --verify replays each hit and shows the first line \
                of its recording that matches the technique's patterns (or the keywords), and \
                the evasions it shows. On a cluster without session search, a technique or \
                keywords are hunted in what the recordings showed instead (as grep --hunt; \
                grep's output and exit statuses); only a --query lists the window unfiltered.",
        operands: &[Operand {
            name: "TECHNIQUE",
            help: "privesc, persistence, ssh-tamper, exfil, secrets, kernel or recon",
            required: false,
            many: false,
            choices: TECHNIQUES,
            complete: Complete::Choices,
        }],
        examples: &[
            (
                "tsh-review hunt privesc",
                "privilege escalation in the last week",
            ),
            (
                "tsh-review hunt exfil --since 30d",
                "bulk exports from databases",
            ),
            (
                "tsh-review hunt --keyword insmod --keyword modprobe",
                "exact tokens",
            ),
            (
                "tsh-review hunt secrets --verify",
                "each hit with the recording's first matching line",
            ),
            (
                "tsh-review hunt --list",
                "the built-in techniques and their queries",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Grep,
        name: "grep",
        aliases: &[],
        hidden: false,
        summary: "Search what recordings showed (every edition), with evasion flags",
        about: "Searches the content of the recordings that ended in a window (default: the \
                last 24 hours): each SSH, Kubernetes and database session is replayed with \
                `tsh play --format text` (-j at a time), its output read through a terminal \
                parser into the lines as they were displayed, and matched with the patterns \
                (regular expressions; -F for fixed strings). Works on every edition. Matches \
                are grouped by session with context; a match in text that was typed and then \
                erased, or hidden (SGR 8, overwritten), says so, and each session is flagged \
                erased-input, concealed-text or title-or-clipboard when it did that (a \
                row's flags also name hyperlink, alternate-screen, paste, cut-lines and \
                binary-noise: reasons to look, not verdicts). Desktop \
                and app sessions cannot be replayed as text and are counted; non-interactive \
                ones are skipped unless --non-interactive. Exit status as grep: 0 when \
                something matched, 1 when nothing did, 2 on an error (a recording that could \
                not be read is said after every result), 3 for a lost login and 4 when the \
                listing is denied. Nothing from a recording is written to disk.",
        operands: &[Operand {
            name: "PATTERN",
            help: "regular expressions (or -e PATTERN, repeatable)",
            required: false,
            many: true,
            choices: &[],
            complete: Complete::Nothing,
        }],
        examples: &[
            (
                "tsh-review grep sudo --since 7d",
                "every sudo a recording showed this week",
            ),
            (
                "tsh-review grep -i -e 'rm -rf' -e shred --user mallory -C 2",
                "two patterns, case-insensitive, with context",
            ),
            (
                "tsh-review grep --hunt persistence --since 30d --format csv",
                "a technique's patterns, one row per match",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Pivot,
        name: "pivot",
        aliases: &[],
        hidden: false,
        summary: "What one user did on one host, oldest first",
        about: "Incident response: the sessions of --user on --host in a window (default 7 \
                days), oldest first, from session search; when the cluster cannot search, the \
                same question is answered from `tctl recordings ls`. Follow up with \
                `tsh-review play` or `download`.",
        operands: &[],
        examples: &[(
            "tsh-review pivot --user mallory --host web-01.prod --since 14d",
            "mallory's sessions on web-01.prod",
        )],
    },
    CommandSpec {
        id: Cmd::Request,
        name: "request",
        aliases: &[],
        hidden: false,
        summary: "Everything done under one access request, by user and time",
        about: "Reviews an access request: every session that used it (default window: 30 \
                days), grouped by user and in time order. Attacks can be split across several \
                just-in-time sessions, so review the set together. Without search, the access \
                request ids of `tctl recordings ls` answer the same question.",
        operands: &[Operand {
            name: "ID",
            help: "the access request id",
            required: true,
            many: false,
            choices: &[],
            complete: Complete::Nothing,
        }],
        examples: &[(
            "tsh-review request a9c97e9f-1dc3-44b2-9a1e-a4e169614065",
            "the sessions under that request",
        )],
    },
    CommandSpec {
        id: Cmd::Doctor,
        name: "doctor",
        aliases: &[],
        hidden: false,
        summary: "Check binaries, login, versions, edition, search and permissions",
        about: "Checks everything tsh-review depends on and says what to fix: tsh and tctl \
                found, the active login (user, cluster, proxy, expiry), the proxy version \
                (search needs v18.8.0+), the edition and search capability from the proxy's \
                /web/config.js, permission to list recordings, and whether search works. Exit \
                status 0 when all is well, 5 when only search is unavailable, otherwise the \
                status of the first failure.",
        operands: &[],
        examples: &[("tsh-review doctor", "check this machine and login")],
    },
    CommandSpec {
        id: Cmd::Show,
        name: "show",
        aliases: &[],
        hidden: false,
        summary: "Every known detail of one session, with the next commands",
        about: "Shows every field known of one session (kind, user, login, target and its \
                details, times, interactive, recorded, severity, roles, participants, labels, \
                access requests, cluster), escaped, with suspicious text flagged, and the \
                commands that can work for it: play, download and link (a desktop: download \
                and link; an app or unrecorded session: none, and one line says why). The \
                details come from `tctl recordings ls` \
                over the last 30 days, else from tsh-review's cache. When the cluster has an AI \
                summary of the session (`tctl recordings summary`, Enterprise), it follows: \
                risk, compromise indicators, suspicious activities, the notable commands with \
                their MITRE ATT&CK ids, why the server asks for a review, and the prose, all \
                escaped and scanned (it is model output over what the user typed). Without one, \
                one line says why.",
        operands: &[Operand {
            name: "SID",
            help: "a session id, or a unique prefix of one tsh-review has listed",
            required: true,
            many: false,
            choices: &[],
            complete: Complete::SessionId,
        }],
        examples: &[(
            "tsh-review show 3abc00c0",
            "a session by the prefix shown in a table",
        )],
    },
    CommandSpec {
        id: Cmd::Play,
        name: "play",
        aliases: &[],
        hidden: false,
        summary: "Replay a session with tsh play (desktops: the web player link)",
        about: "Replays a recording with `tsh play`, handing it the terminal, and exits with \
                tsh's status. Desktop recordings play only in the web UI, so their link is \
                printed instead; `--format json|yaml` has tsh export a desktop's events, and \
                `--format text` is refused for one (a desktop has no text). Warns first when the session was non-interactive or not \
                recorded. Security note: replaying a recording replays its escape sequences \
                in your terminal; `--format text` piped to `less` is the safe way to read one.",
        operands: &[Operand {
            name: "SID",
            help: "a session id, or a unique prefix of one tsh-review has listed",
            required: true,
            many: false,
            choices: &[],
            complete: Complete::Recording,
        }],
        examples: &[
            (
                "tsh-review play 3abc00c0 --speed 2x",
                "replay at double speed",
            ),
            (
                "tsh-review play 3abc00c0 --format text | less",
                "read it safely as text",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Download,
        name: "download",
        aliases: &[],
        hidden: false,
        summary: "Download a recording as evidence, after confirmation",
        about: "Downloads a recording with `tctl recordings download` into a dedicated \
                directory (default ./tsh-review-recordings/<SID>/), after saying what will be \
                written where and asking y/N on the terminal; with no terminal it refuses unless \
                --yes. An existing recording is never overwritten (--force to replace it), and a \
                failed download leaves no partial file. The .tar file is not a tar archive: play \
                it with `tsh play <path>` (a desktop's plays only in the web UI: see `link`).",
        operands: &[Operand {
            name: "SID",
            help: "a session id, or a unique prefix of one tsh-review has listed",
            required: true,
            many: false,
            choices: &[],
            complete: Complete::Recording,
        }],
        examples: &[
            (
                "tsh-review download 3abc00c0",
                "into ./tsh-review-recordings/<SID>/",
            ),
            (
                "tsh-review download 3abc00c0 -o evidence/INC-42 --yes",
                "scripted, into a case folder",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Link,
        name: "link",
        aliases: &[],
        hidden: false,
        summary: "Print the web UI player link of a session",
        about: "Prints the web player URL of a session, with the proxy and cluster of your \
                active tsh login, the recording type from its kind and the duration from its \
                times (the bare URL when the duration is unknown).",
        operands: &[Operand {
            name: "SID",
            help: "a session id, or a unique prefix of one tsh-review has listed",
            required: true,
            many: false,
            choices: &[],
            complete: Complete::Recording,
        }],
        examples: &[("tsh-review link 3abc00c0", "a link to paste into a ticket")],
    },
    CommandSpec {
        id: Cmd::Completions,
        name: "completions",
        aliases: &[],
        hidden: false,
        summary: "Print a shell completion script (bash, zsh, fish and more)",
        about: "Prints the completion script for a shell: commands, aliases, options, their \
                values, and session ids from tsh-review's cache (bash, zsh and fish). With \
                nothing typed, a session id completes to the newest 100 sessions; type the \
                first characters of an id to be offered every match. play, download and link \
                are offered only sessions with a recording (no app sessions, none unrecorded). \
                Load the script from your \
                shell's start-up file, or install the copy for your shell from the completions \
                directory of the source.",
        operands: &[Operand {
            name: "SHELL",
            help: "bash, zsh, fish, elvish or powershell",
            required: true,
            many: false,
            choices: SHELLS,
            complete: Complete::Choices,
        }],
        examples: &[
            (
                "source <(tsh-review completions bash)",
                "complete tsh-review in this bash",
            ),
            (
                "tsh-review completions fish > $HOME/.config/fish/completions/tsh-review.fish",
                "install the fish completion",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Init,
        name: "init",
        aliases: &[],
        hidden: false,
        summary: "Print a shell start-up snippet (completions, ids for `tsh play`)",
        about: "Prints a snippet for your shell's start-up file that loads tsh-review's \
                completion (the same script as `completions SHELL`) and wraps tsh's own \
                completion so that `tsh play <TAB>` offers session ids from tsh-review's cache. \
                Every other `tsh` completion is handed to tsh's function unchanged, whether \
                tsh's completion is loaded before or after the snippet. fish has no tsh \
                completion: the snippet adds one rule for `tsh play`.",
        operands: &[Operand {
            name: "SHELL",
            help: "bash, zsh or fish",
            required: true,
            many: false,
            choices: INIT_SHELLS,
            complete: Complete::Choices,
        }],
        examples: &[
            (
                "eval \"$(tsh-review init bash)\"",
                "in ~/.bashrc (zsh: init zsh in ~/.zshrc, after compinit)",
            ),
            (
                "tsh-review init fish | source",
                "in ~/.config/fish/config.fish",
            ),
        ],
    },
    CommandSpec {
        id: Cmd::Man,
        name: "man",
        aliases: &[],
        hidden: false,
        summary: "Print the man page (roff)",
        about: "Prints the manual page, generated from the same table as --help; \
                `tsh-review man | man -l -` reads it.",
        operands: &[],
        examples: &[("tsh-review man | man -l -", "read the manual")],
    },
    CommandSpec {
        id: Cmd::Help,
        name: "help",
        aliases: &[],
        hidden: false,
        summary: "Show help for tsh-review or one of its commands",
        about: "Shows the overview, or the full help of one command.",
        operands: &[Operand {
            name: "COMMAND",
            help: "the command to explain",
            required: false,
            many: false,
            choices: &[],
            complete: Complete::Command,
        }],
        examples: &[("tsh-review help recent", "all options of `recent`")],
    },
    CommandSpec {
        id: Cmd::CompleteIds,
        name: COMPLETE_IDS,
        aliases: &[],
        hidden: true,
        summary: "Print cached session ids starting with PREFIX (for completion scripts)",
        about: "Prints the cached session ids that start with PREFIX, newest first, one per \
                line; with --format tsv (zsh, fish) each is followed by a tab and an escaped \
                description; --playable keeps the sessions `tsh play` can play, --recorded \
                those with a recording (for play, download and link). With --field, \
                the cached users or targets instead, sorted, only those a shell can take as \
                one plain word. Never touches the network and prints nothing on any failure.",
        operands: &[Operand {
            name: "PREFIX",
            help: "the start of a session id",
            required: false,
            many: false,
            choices: &[],
            complete: Complete::Nothing,
        }],
        examples: &[
            ("tsh-review __complete-ids 3ab", "ids starting with 3ab"),
            (
                "tsh-review __complete-ids --field user al",
                "users starting with al",
            ),
        ],
    },
];

pub static FLAGS: &[FlagSpec] = &[
    FlagSpec {
        id: Opt::Tsh,
        long: "tsh",
        short: None,
        value: Some("PATH"),
        help: "Path to tsh (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)",
        choices: &[],
        default: Default::None,
        env: Some("TSH"),
        scope: Scope::Global,
        complete: Complete::Executable,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Tctl,
        long: "tctl",
        short: None,
        value: Some("PATH"),
        help: "Path to tctl (else PATH, /usr/local/bin, /opt/homebrew/bin, ~/go/bin)",
        choices: &[],
        default: Default::None,
        env: Some("TCTL"),
        scope: Scope::Global,
        complete: Complete::Executable,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Format,
        long: "format",
        short: None,
        value: Some("FORMAT"),
        help: "Output format (default: table on a terminal, tsv when piped; play: pty|json|yaml|text)",
        choices: FORMATS,
        default: Default::None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Color,
        long: "color",
        short: None,
        value: Some("WHEN"),
        help: "Colour table output (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM=dumb)",
        choices: &["auto", "always", "never"],
        default: Default::Always("auto"),
        env: None,
        scope: Scope::Global,
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Timeout,
        long: "timeout",
        short: None,
        value: Some("DURATION"),
        help: "Limit for each tsh/tctl call; on expiry the call is killed",
        choices: &[],
        default: Default::Always("2m"),
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Demo,
        long: "demo",
        short: None,
        value: None,
        help: "Use the built-in sample cluster instead of tctl (no Teleport needed)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Since,
        long: "since",
        short: None,
        value: Some("DURATION"),
        help: "How far back the window reaches, from now (or from --to): 90m, 24h, 7d, 2w",
        choices: &[],
        default: Default::Per(&[
            ("recent", "24h"),
            ("grep", "24h"),
            ("search", "7d"),
            ("triage", "7d"),
            ("hunt", "7d"),
            ("pivot", "7d"),
            ("request", "30d"),
        ]),
        env: None,
        scope: Scope::Commands(WINDOWED),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::From,
        long: "from",
        short: None,
        value: Some("DATE"),
        help: "Window start: YYYY-MM-DD (UTC midnight) or RFC3339",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(DATED),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::To,
        long: "to",
        short: None,
        value: Some("DATE"),
        help: "Window end: YYYY-MM-DD (that whole day included) or RFC3339 (default: now)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(DATED),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Limit,
        long: "limit",
        short: None,
        value: Some("N"),
        help: "Show at most N sessions (listings are complete unless capped; search and hunt keep the N best matches)",
        choices: &[],
        default: Default::Per(&[("search", "50"), ("hunt", "50")]),
        env: None,
        scope: Scope::Commands(LIMITED),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Kind,
        long: "kind",
        short: None,
        value: Some("KIND"),
        help: "Only sessions of these kinds: a comma list or the flag repeated; kube is k8s (search has no app sessions)",
        choices: KINDS,
        default: Default::None,
        env: None,
        scope: Scope::Commands(KINDED),
        complete: Complete::Choices,
        repeatable: true,
    },
    FlagSpec {
        id: Opt::User,
        long: "user",
        short: None,
        value: Some("USER"),
        help: "Only sessions of this Teleport user",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["recent", "pivot", "grep"]),
        complete: Complete::User,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Host,
        long: "host",
        short: None,
        value: Some("HOST"),
        help: "The host (resource name) the user worked on",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["pivot", "grep"]),
        complete: Complete::Host,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Username,
        long: "username",
        short: None,
        value: Some("USER"),
        help: "Sessions of this Teleport user",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::User,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Role,
        long: "role",
        short: None,
        value: Some("ROLE"),
        help: "Sessions of users holding this role",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: true,
    },
    FlagSpec {
        id: Opt::ResourceKind,
        long: "resource-kind",
        short: None,
        value: Some("KIND"),
        help: "Kind of resource",
        choices: &["node", "kube_cluster", "db"],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::ResourceName,
        long: "resource-name",
        short: None,
        value: Some("NAME"),
        help: "Name of the resource (host, cluster, database)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Host,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Label,
        long: "label",
        short: None,
        value: Some("K=V,..."),
        help: "Resource labels, all required (an empty value: no label filter)",
        choices: &[],
        default: Default::Per(&[("compliance", "env=prod")]),
        env: None,
        scope: Scope::Commands(&["search", "compliance", "grep"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::AccessRequest,
        long: "access-request",
        short: None,
        value: Some("ID"),
        help: "Sessions under this access request",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: true,
    },
    FlagSpec {
        id: Opt::ServerHostname,
        long: "server-hostname",
        short: None,
        value: Some("HOST"),
        help: "SSH sessions on this host name",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Host,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::ServerAddr,
        long: "server-addr",
        short: None,
        value: Some("ADDR"),
        help: "SSH sessions on this server address",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::PodNamespace,
        long: "pod-namespace",
        short: None,
        value: Some("NS"),
        help: "Kubernetes sessions in this namespace",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::PodName,
        long: "pod-name",
        short: None,
        value: Some("POD"),
        help: "Kubernetes sessions in this pod",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::DatabaseName,
        long: "database-name",
        short: None,
        value: Some("DB"),
        help: "Database sessions on this database",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::SearchMode,
        long: "search-mode",
        short: None,
        value: Some("MODE"),
        help: "How the query matches (tctl's default: hybrid)",
        choices: &["hybrid", "keyword", "embeddings"],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCH),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::MinSeverity,
        long: "min-severity",
        short: None,
        value: Some("LEVEL"),
        help: "Keep sessions of this severity or higher, filtered here",
        choices: SEVERITIES,
        default: Default::Per(&[("triage", "medium")]),
        env: None,
        scope: Scope::Commands(&["search", "triage"]),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Unscored,
        long: "unscored",
        short: None,
        value: None,
        help: "List the sessions without a severity instead",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["triage"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Regexp,
        long: "regexp",
        short: Some('e'),
        value: Some("PATTERN"),
        help: "A pattern to search for (also one that starts with -)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: true,
    },
    FlagSpec {
        id: Opt::IgnoreCase,
        long: "ignore-case",
        short: Some('i'),
        value: None,
        help: "Match upper and lower case alike",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::WordRegexp,
        long: "word-regexp",
        short: Some('w'),
        value: None,
        help: "Match whole words only",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::FixedStrings,
        long: "fixed-strings",
        short: Some('F'),
        value: None,
        help: "The patterns given are plain text, not regular expressions (--hunt's stay as they are)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Context,
        long: "context",
        short: Some('C'),
        value: Some("N"),
        help: "Lines of context before and after each match",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::AfterContext,
        long: "after-context",
        short: Some('A'),
        value: Some("N"),
        help: "Lines of context after each match",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::BeforeContext,
        long: "before-context",
        short: Some('B'),
        value: Some("N"),
        help: "Lines of context before each match",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Technique,
        long: "hunt",
        short: None,
        value: Some("TECHNIQUE"),
        help: "Search for a built-in technique's patterns (hunt --list shows them)",
        choices: TECHNIQUES,
        default: Default::None,
        env: None,
        scope: Scope::Commands(GREP),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Jobs,
        long: "jobs",
        short: Some('j'),
        value: Some("N"),
        help: "Recordings replayed at once",
        choices: &[],
        default: Default::Always("4"),
        env: None,
        scope: Scope::Commands(REPLAYING),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::NonInteractive,
        long: "non-interactive",
        short: None,
        value: None,
        help: "Replay non-interactive (exec) sessions too (often not recorded)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(REPLAYING),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Verify,
        long: "verify",
        short: None,
        value: None,
        help: "Replay each search hit and show the first line matching the technique's patterns (or the --keyword tokens)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["hunt"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Explain,
        long: "explain",
        short: None,
        value: None,
        help: "Read the listed sessions' AI summaries (the first 20, 4 at a time) and show each one's short description beside its row",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["triage", "hunt", "pivot", "compliance"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::NoFallback,
        long: "no-fallback",
        short: None,
        value: None,
        help: "Fail (exit 5) instead of listing with recordings ls when search is unavailable",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(SEARCHING),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Quarter,
        long: "quarter",
        short: None,
        value: Some("YYYYQN"),
        help: "The calendar quarter to review, e.g. 2026Q3 (default: the last full one)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["compliance"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::List,
        long: "list",
        short: None,
        value: None,
        help: "List the built-in techniques and their queries",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["hunt"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Query,
        long: "query",
        short: None,
        value: Some("TEXT"),
        help: "Hunt with your own query instead of a technique",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["hunt"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Keyword,
        long: "keyword",
        short: None,
        value: Some("TOKEN"),
        help: "Hunt for an exact token (keyword search mode)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["hunt"]),
        complete: Complete::Nothing,
        repeatable: true,
    },
    FlagSpec {
        id: Opt::Insecure,
        long: "insecure",
        short: None,
        value: None,
        help: "Do not verify the proxy's TLS certificate when probing config.js (like tsh --insecure)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["doctor"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Speed,
        long: "speed",
        short: None,
        value: Some("SPEED"),
        help: "Playback speed (tsh's default: 1x)",
        choices: &["0.5x", "1x", "2x", "4x", "8x"],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["play"]),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Output,
        long: "output",
        short: Some('o'),
        value: Some("DIR"),
        help: "Directory to download into (default ./tsh-review-recordings/<SID>/)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["download"]),
        complete: Complete::Directory,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Yes,
        long: "yes",
        short: Some('y'),
        value: None,
        help: "Download without asking (needed when there is no terminal)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["download"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Force,
        long: "force",
        short: None,
        value: None,
        help: "Replace a recording that was already downloaded",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&["download"]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Playable,
        long: "playable",
        short: None,
        value: None,
        help: "Only sessions `tsh play` can play: no desktop or app sessions, none unrecorded",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&[COMPLETE_IDS]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Recorded,
        long: "recorded",
        short: None,
        value: None,
        help: "Only sessions with a recording (play, download, link): no app sessions, none unrecorded",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&[COMPLETE_IDS]),
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Field,
        long: "field",
        short: None,
        value: Some("FIELD"),
        help: "Print the cached users or targets starting with PREFIX instead of ids",
        choices: &["user", "host"],
        default: Default::None,
        env: None,
        scope: Scope::Commands(&[COMPLETE_IDS]),
        complete: Complete::Choices,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Help,
        long: "help",
        short: Some('h'),
        value: None,
        help: "Show help (also: tsh-review help COMMAND)",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
    FlagSpec {
        id: Opt::Version,
        long: "version",
        short: Some('V'),
        value: None,
        help: "Show the version",
        choices: &[],
        default: Default::None,
        env: None,
        scope: Scope::Global,
        complete: Complete::Nothing,
        repeatable: false,
    },
];

/// The commands a user is shown: all but the hidden plumbing.
pub fn visible() -> impl Iterator<Item = &'static CommandSpec> {
    COMMANDS.iter().filter(|c| !c.hidden)
}

pub fn command(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

pub fn flag_by_long(long: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.long == long)
}

pub fn flag_by_short(short: char) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.short == Some(short))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let mut longs = HashSet::new();
        let mut shorts = HashSet::new();
        for f in FLAGS {
            assert!(longs.insert(f.long), "duplicate flag --{}", f.long);
            if let Some(s) = f.short {
                assert!(shorts.insert(s), "duplicate flag -{s}");
            }
        }
        let mut names = HashSet::new();
        for c in COMMANDS {
            for n in std::iter::once(&c.name).chain(c.aliases) {
                assert!(names.insert(*n), "duplicate command name {n}");
            }
        }
    }

    #[test]
    fn every_flag_and_command_is_documented() {
        for f in FLAGS {
            assert!(!f.help.is_empty(), "--{} has no help", f.long);
            assert!(
                f.long.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "--{} is not kebab-case",
                f.long
            );
        }
        for c in COMMANDS {
            assert!(!c.summary.is_empty() && !c.about.is_empty(), "{}", c.name);
            assert!(!c.examples.is_empty(), "{} has no example", c.name);
        }
    }

    #[test]
    fn choices_and_defaults_agree() {
        for f in FLAGS {
            let defaults: Vec<(&str, &str)> = COMMANDS
                .iter()
                .filter(|c| f.applies_to(c.name))
                .filter_map(|c| f.default_for(c.name).map(|d| (c.name, d)))
                .collect();
            if let Default::Per(list) = f.default {
                for (c, _) in list {
                    assert!(f.applies_to(c), "--{} has a default for {c}", f.long);
                }
            }
            for (c, d) in &defaults {
                if !f.choices.is_empty() {
                    assert!(f.choices.contains(d), "--{} default {d} for {c}", f.long);
                }
            }
            if !f.choices.is_empty() {
                assert!(f.takes_value(), "--{} has choices but no value", f.long);
                assert_eq!(f.complete, Complete::Choices, "--{}", f.long);
            }
            if !defaults.is_empty() || f.repeatable {
                assert!(f.takes_value(), "--{} is a switch", f.long);
            }
        }
    }

    #[test]
    fn only_the_hidden_commands_flags_are_hidden() {
        let hidden: Vec<&str> = FLAGS
            .iter()
            .filter(|f| f.hidden())
            .map(|f| f.long)
            .collect();
        assert_eq!(hidden, ["playable", "recorded", "field"]);
    }

    #[test]
    fn every_flag_and_command_identity_has_exactly_one_row() {
        for opt in Opt::ALL {
            assert_eq!(FLAGS.iter().filter(|f| f.id == opt).count(), 1, "{opt:?}");
        }
        assert_eq!(FLAGS.len(), Opt::ALL.len());
        let mut ids: Vec<String> = COMMANDS.iter().map(|c| format!("{:?}", c.id)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), COMMANDS.len());
    }

    #[test]
    fn scopes_name_real_commands() {
        for f in FLAGS {
            if let Scope::Commands(names) = f.scope {
                for n in names {
                    assert!(command(n).is_some(), "--{} names unknown {n}", f.long);
                }
            }
        }
    }
}
