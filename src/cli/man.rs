//! The man page, generated from the flag table, so it cannot drift from the parser and `--help`.
//!
//! Everything taken from the table is escaped for roff here: `-` becomes `\-`, `\` becomes
//! `\e`, non-ASCII characters become `\[uXXXX]`, `` `code` `` spans become bold, and a source
//! line that would start with `.` or `'` is protected with `\&`. Source lines are kept within
//! [`WIDTH`] bytes (filled text is wrapped; literal lines are continued with a trailing `\`).

use std::fmt::Write;

use super::table::{CommandSpec, EXIT_STATUSES, FLAGS, FlagSpec, Scope, visible};

/// Longest roff source line written.
const WIDTH: usize = 78;

/// The stable keys of `--format json` (the table in README.md).
const JSON_KEYS: &[(&str, &str)] = &[
    ("id", "the session id (a UUID)"),
    ("kind", "`ssh`, `k8s`, `db`, `desktop` or `app`"),
    ("user", "the Teleport user"),
    (
        "login",
        "the OS login, database user or Windows user, or `null`",
    ),
    (
        "target",
        "the host, Kubernetes cluster, database, desktop or app",
    ),
    (
        "details",
        "kind-specific facts, keyed in snake_case: address, remote_address, server_id, pod, \
         namespace, service, protocol, uri...",
    ),
    ("start, end", "RFC3339, or `null`"),
    ("duration_ms", "end minus start, or `null`"),
    (
        "severity, severity_level",
        "`low` 1 \u{2026} `critical` 4 (session search only), or `null`",
    ),
    (
        "needs_further_review_reasons",
        "Teleport's reason numbers when session search asks a human to look (`[]`: none), or \
         `null` when not from search",
    ),
    (
        "roles, participants, access_requests",
        "lists of strings (`null` when `source` is `cache`: unknown)",
    ),
    (
        "labels",
        "the server, database, desktop, Kubernetes or app labels (`null` when `source` is \
         `cache`)",
    ),
    (
        "interactive, recorded",
        "booleans, or `null` when Teleport did not say",
    ),
    ("cluster", "the Teleport cluster name"),
    (
        "source",
        "`ls` (from `tctl recordings ls`), `search`, or `cache`: `show` of a session tctl \
         could not give, from tsh-review's cache, with a warning",
    ),
    (
        "flags",
        "any of `suspicious-text`, `not-recorded`, `non-interactive`, `follow-up`, \
         `needs-review`, and with `hunt --verify` `erased-input`, `concealed-text`, \
         `title-or-clipboard`",
    ),
    (
        "web_url",
        "the web player link, from the `tsh status` login; `null` for app sessions and when \
         no login is usable",
    ),
    (
        "summary",
        "with `--explain` only: `risk_level`, `short_description` (a line of the session's AI \
         summary) and `unavailable` (why there is none); absent without `--explain`",
    ),
    (
        "evidence",
        "with `hunt --verify` only: `matched_lines` (lines of the recording that matched the \
         hunt's patterns), `line` (the first of them, as the user's terminal showed it), \
         `within` (`displayed`, `erased`, `concealed`, `title`, `clipboard` or `link`: where the match was) and \
         `unavailable` (why the recording could not be read); absent without `--verify`",
    ),
];

/// The keys `show --format json` adds to a session record.
const SHOW_KEYS: &[(&str, &str)] = &[
    (
        "next",
        "the commands for the next step that can work for the session (`play`, `download`, \
         `link`; a desktop has no `play`), as strings; empty for an app or unrecorded session",
    ),
    (
        "next_unavailable",
        "when `next` is empty: why, in words; absent otherwise",
    ),
    (
        "summary",
        "the session's AI summary (`tctl recordings summary`), an object with the keys below, \
         or `null`",
    ),
    (
        "summary_unavailable",
        "when `summary` is `null`: why, in words (not summarized, an older tctl, no search, \
         access denied, a timeout)",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "TSH, TCTL",
        "Paths to the `tsh` and `tctl` binaries, like `--tsh` and `--tctl` (the options win).",
    ),
    (
        "NO_COLOR, CLICOLOR, CLICOLOR_FORCE, TERM",
        "Colour with `--color auto`: `NO_COLOR` (any value), `CLICOLOR=0` or `TERM=dumb` turn \
         it off; `CLICOLOR_FORCE` turns it on even when stdout is not a terminal.",
    ),
    ("COLUMNS", "The width tables are fitted to."),
    ("XDG_CACHE_HOME, HOME", "Where the cache lives (see FILES)."),
    (
        "SSL_CERT_FILE, SSL_CERT_DIR",
        "A CA bundle used instead of the system's, and an extra certificate directory, for the \
         HTTPS probe of the proxy's /web/config.js (read as OpenSSL and tsh read them).",
    ),
    (
        "HTTPS_PROXY, NO_PROXY",
        "The HTTP proxy for the /web/config.js probe, and the hosts that bypass it.",
    ),
    (
        "TSH_REVIEW_NOW",
        "Testing aid: pins the current time (RFC3339).",
    ),
    (
        "TSH_REVIEW_TTY",
        "Testing aid: `1` or `0` forces terminal mode on or off.",
    ),
    (
        "TSH_REVIEW_PAGE",
        "Testing aid: the page of each tctl call (10000 rows for `recordings ls`, 500 for a \
         complete search), to exercise how listings are completed.",
    ),
];

/// The whole man page (roff, man(7) macros), generated from cli::table.
pub fn page() -> String {
    let mut m = Roff::default();
    m.line(&format!(
        ".TH TSH\\-REVIEW 1 \"\" \"{}\" \"User Commands\"",
        lit(&format!("tsh-review {}", env!("CARGO_PKG_VERSION")))
    ));

    // No hyphenation or justification: commands and paths in running text stay whole.
    m.line(".nh");
    m.line(".ad l");
    m.line(".SH NAME");
    m.line("tsh\\-review \\- review Teleport session recordings from the terminal");

    synopsis(&mut m);
    description(&mut m);
    commands(&mut m);

    m.line(".SH GLOBAL OPTIONS");
    m.prose(
        "These options go before or after the command. The environment variable named \
         after an option is used when the option is not given.",
    );
    for f in FLAGS.iter().filter(|f| f.scope == Scope::Global) {
        flag(&mut m, "", f);
    }

    m.line(".SH EXIT STATUS");
    for (code, meaning) in EXIT_STATUSES {
        m.line(".TP");
        m.line(&format!("\\fB{code}\\fR"));
        m.prose(meaning);
    }

    m.line(".SH ENVIRONMENT");
    for (names, what) in ENVIRONMENT {
        m.line(".TP");
        m.text(&bold_list(names));
        m.prose(what);
    }

    files(&mut m);

    m.line(".SH JSON OUTPUT");
    m.prose(
        "`--format json` prints an array of session records. These key names are stable; \
         scripts may rely on them:",
    );
    for (keys, what) in JSON_KEYS {
        m.line(".TP");
        m.text(&bold_list(keys));
        m.prose(what);
    }
    m.line(".PP");
    m.prose(
        "`show SID --format json` prints the same record for one session, as an object, with \
         these keys more:",
    );
    for (key, what) in SHOW_KEYS {
        m.line(".TP");
        m.text(&bold_list(key));
        m.prose(what);
    }
    m.line(".PP");
    m.prose(
        "The `summary` object: every string in it is a language model's reading of what the \
         session's user typed, so treat it as untrusted text.",
    );
    for (key, what) in crate::render::SUMMARY_KEYS {
        m.line(".TP");
        m.text(&bold_list(key));
        m.prose(what);
    }
    m.line(".PP");
    let quoted = |names: Vec<&str>| -> String {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        names.join(", ")
    };
    m.prose(&format!(
        "`grep --format json` prints one object per matching line instead, with the keys {}: \
         `start` is RFC3339 or `null`, `line` the line's number in the replay, `within` one \
         of `displayed`, `erased`, `concealed`, `title`, `clipboard` or `link`, and `flags` a list of what the \
         recording did ({}): reasons to look, not verdicts.",
        quoted(crate::render::GREP_COLUMNS.iter().map(|c| c.key).collect()),
        quoted(
            crate::content::Flag::ALL
                .iter()
                .map(|f| f.as_str())
                .collect()
        ),
    ));
    m.line(".PP");
    m.prose(
        "`hunt --list --format json` prints the techniques as objects with the keys `name`, \
         `about`, `query`, `kinds` (a list) and `patterns` (the regular expressions of its content hunt, a \
         list; the text catalogue shows them too, the other formats do not). `doctor --format json` prints its checks with \
         the keys `check`, `status` (`ok`, `warn`, `fail` or `skip`) and `detail`. \
         `--format csv` prints a header row and data rows, nothing else: the facts of a \
         `compliance` report go to standard error there, as in tsv and json.",
    );

    m.line(".SH EXAMPLES");
    for c in visible() {
        for (line, what) in c.examples {
            m.line(".PP");
            m.prose(&format!("{}:", capitalize(what)));
            m.literal(&[line]);
        }
    }

    security(&mut m);
    tsh_alias(&mut m);

    m.line(".SH SEE ALSO");
    m.line(".BR tsh (1),");
    m.line(".BR tctl (1)");
    m.out
}

fn synopsis(m: &mut Roff) {
    m.line(".SH SYNOPSIS");
    m.text("\\fBtsh\\-review\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]");
    for c in visible() {
        m.line(".br");
        m.text(&usage(c));
    }
}

fn usage(c: &CommandSpec) -> String {
    let mut s = format!("\\fBtsh\\-review {}\\fR", lit(c.name));
    if own_flags(c).next().is_some() {
        s.push_str(" [\\fIOPTIONS\\fR]");
    }
    for o in c.operands {
        let dots = if o.many { "\\&..." } else { "" };
        let _ = if o.required {
            write!(s, " \\fI{}\\fR{dots}", lit(o.name))
        } else {
            write!(s, " [\\fI{}\\fR{dots}]", lit(o.name))
        };
    }
    s
}

fn description(m: &mut Roff) {
    m.line(".SH DESCRIPTION");
    m.prose(
        "`tsh-review` reviews Teleport session recordings from the terminal. It reuses the \
         active `tsh` login and runs `tctl recordings ls`, `tctl recordings search`, \
         `tctl recordings download` and `tsh play` with the right flags, normalizes their \
         output into one session record, and prints triage tables that are safe to show on a \
         terminal: text written by an attacker is escaped visibly.",
    );
    m.line(".PP");
    m.prose(
        "It packages the security team's standing workflows as commands: SOC triage of the \
         riskiest sessions, periodic compliance review of production access, threat hunts \
         for known techniques, incident pivots on a user and a host, and review of an access \
         request.",
    );
    m.line(".PP");
    m.prose(
        "Session search and AI severity exist only on Teleport Enterprise clusters with \
         Identity Security (v18.8.0 or later). Everything that can also work from \
         `tctl recordings ls` does so on every edition; `doctor` tells what the cluster \
         supports. `--demo` runs any command against a built-in sample cluster.",
    );
}

fn commands(m: &mut Roff) {
    m.line(".SH COMMANDS");
    m.text(
        "The global options (see GLOBAL OPTIONS) apply to every command. A session id \
         (\\fISID\\fR) may be given as a unique prefix of an id that tsh\\-review has \
         listed.",
    );
    for c in visible() {
        m.line(".SS");
        let mut head = lit(c.name);
        if !c.aliases.is_empty() {
            let _ = write!(head, " (alias: {})", lit(&c.aliases.join(", ")));
        }
        m.text(&head);
        m.text(&usage(c));
        m.line(".PP");
        m.prose(c.about);
        for o in c.operands {
            m.line(".TP");
            m.text(&format!("\\fI{}\\fR", lit(o.name)));
            m.prose(o.help);
        }
        for f in own_flags(c) {
            flag(m, c.name, f);
        }
    }
}

fn own_flags(c: &CommandSpec) -> impl Iterator<Item = &'static FlagSpec> {
    FLAGS
        .iter()
        .filter(move |f| matches!(f.scope, Scope::Commands(names) if names.contains(&c.name)))
}

fn flag(m: &mut Roff, command: &str, f: &FlagSpec) {
    m.line(".TP");
    let mut tag = String::new();
    if let Some(s) = f.short {
        let _ = write!(tag, "\\fB\\-{}\\fR, ", lit(&s.to_string()));
    }
    let _ = write!(tag, "\\fB\\-\\-{}\\fR", lit(f.long));
    if let Some(v) = f.value {
        let _ = write!(tag, " \\fI{}\\fR", lit(v));
    }
    m.text(&tag);
    let mut body = inline(f.help);
    if !f.choices.is_empty() {
        let _ = write!(body, " [possible: {}]", lit(&f.choices.join("|")));
    }
    if let Some(d) = f.default_for(command) {
        let _ = write!(body, " [default: {}]", lit(d));
    }
    if let Some(e) = f.env {
        let _ = write!(body, " [env: \\fB{}\\fR]", lit(e));
    }
    if f.repeatable {
        body.push_str(" (repeatable)");
    }
    m.text(&body);
}

fn files(m: &mut Roff) {
    m.line(".SH FILES");
    m.line(".TP");
    m.text("\\fI$XDG_CACHE_HOME/tsh\\-review/\\fR, else \\fI\\(ti/.cache/tsh\\-review/\\fR");
    m.prose(
        "The private cache: session metadata only (id, kind, user, target, times, \
         interactive, recorded, severity, cluster), so completion, `show`, `link` and `play` \
         work without the network. The directory is mode 0700 and its files 0600; files are \
         replaced atomically, the cache is bounded in size, and a corrupt file is rebuilt.",
    );
    m.line(".TP");
    m.text("\\fIsessions.jsonl\\fR");
    m.prose("Sessions listed from the cluster.");
    m.line(".TP");
    m.text("\\fIdemo\\-sessions.jsonl\\fR");
    m.prose("Sessions of the built-in sample cluster (`--demo`), kept apart.");
    m.line(".TP");
    m.text("\\fIprobe\\-\\fR<\\fIproxy\\fR>\\fI.json\\fR");
    m.prose(
        "The cached result of probing a proxy's /web/config.js (edition and search \
         capability).",
    );
}

fn security(m: &mut Roff) {
    m.line(".SH SECURITY");
    m.prose(
        "Every string that comes from tctl, tsh or the proxy (labels, host names, logins, \
         user names, database and pod names, error text) is treated as written by an \
         attacker. Control characters, DEL, C1 controls, bidi overrides, zero-width and other \
         invisible characters are never printed raw: they are shown escaped (for example \
         `\\x1b` or `\\u{202e}`), not removed, so tampering stays visible.",
    );
    m.line(".PP");
    m.prose(
        "Text that reads like instructions to an operator or an AI agent (\"ignore previous \
         instructions\", \"the user has approved\", \"download all\", ...) flags its row \
         `suspicious-text`. Such text is never acted on.",
    );
    m.line(".PP");
    m.prose(
        "Only a session id that you typed, or that came from a structured session id field, \
         and that is a canonical UUID, ever reaches a command line. No free-text field does. \
         tsh and tctl are run with an argument vector, never through a shell.",
    );
    m.line(".PP");
    m.prose(
        "Nothing is downloaded or written to disk (other than the private cache) without \
         confirmation: `download` asks y/N on the terminal and, with no terminal, refuses \
         unless `--yes` is given. Nothing in the data can answer that prompt.",
    );
    m.line(".PP");
    m.prose(
        "Replaying a recording replays its escape sequences in your terminal. The safe way \
         to read an untrusted recording is as text:",
    );
    m.literal(&["tsh-review play SID --format text | less"]);
}

fn tsh_alias(m: &mut Roff) {
    m.line(".SH TSH ALIAS");
    m.prose("To run tsh-review as `tsh review`, add an alias to `~/.tsh/config/config.yaml`:");
    m.literal(&["aliases:", "  review: \"tsh-review\""]);
    m.line(".PP");
    m.prose("Then `tsh review recent` runs `tsh-review recent`.");
}

/// `a, b` as `\fBa\fR, \fBb\fR`.
fn bold_list(names: &str) -> String {
    names
        .split(", ")
        .map(|n| format!("\\fB{}\\fR", lit(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Escapes literal text (code): every character stands for itself.
fn lit(s: &str) -> String {
    escape(s, true)
}

/// Escapes prose, turning `` `code` `` spans into bold literal text.
fn inline(s: &str) -> String {
    if !s.matches('`').count().is_multiple_of(2) {
        return escape(s, false);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("\\fB{}\\fR", lit(part))
            } else {
                escape(part, false)
            }
        })
        .collect()
}

fn escape(s: &str, code: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            '`' => out.push_str("\\(ga"),
            '\'' if code => out.push_str("\\(aq"),
            '~' => out.push_str("\\(ti"),
            '^' => out.push_str("\\(ha"),
            c if c.is_ascii_control() => out.push_str("\\[u0020]"),
            c if !c.is_ascii() => {
                let _ = write!(out, "\\[u{:04X}]", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The roff source being written.
#[derive(Default)]
struct Roff {
    out: String,
}

impl Roff {
    /// A control line, written as is.
    fn line(&mut self, l: &str) {
        self.out.push_str(l);
        self.out.push('\n');
    }

    /// Prose from the table or this file, escaped and filled.
    fn prose(&mut self, s: &str) {
        self.text(&inline(s));
    }

    /// Already-escaped filled text, wrapped at WIDTH on spaces.
    fn text(&mut self, escaped: &str) {
        let mut line = String::new();
        for word in escaped.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > WIDTH {
                self.text_line(&line);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.text_line(&line);
        }
    }

    fn text_line(&mut self, l: &str) {
        if l.starts_with(['.', '\'']) {
            self.out.push_str("\\&");
        }
        self.out.push_str(l);
        self.out.push('\n');
    }

    /// Unfilled, indented lines of code, never broken on output. A long source line is
    /// continued on the next one with a trailing `\`.
    fn literal(&mut self, lines: &[&str]) {
        self.line(".PP");
        self.line(".RS 4");
        self.line(".nf");
        for raw in lines {
            let escaped = lit(raw);
            let mut rest = escaped.as_str();
            while rest.len() > WIDTH {
                // Break after a space (kept before the `\`) so no escape is split.
                match rest[..WIDTH].rfind(' ') {
                    Some(at) if at > 0 => {
                        self.text_line(&format!("{}\\", &rest[..=at]));
                        rest = &rest[at + 1..];
                    }
                    _ => break,
                }
            }
            self.text_line(rest);
        }
        self.line(".fi");
        self.line(".RE");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of a listing is documented under its JSON key.
    #[test]
    fn json_keys_cover_the_column_model() {
        let documented: Vec<&str> = JSON_KEYS
            .iter()
            .flat_map(|(keys, _)| keys.split(", "))
            .collect();
        for col in crate::render::columns::SESSION
            .iter()
            .chain(&crate::render::columns::ADDED)
        {
            assert!(documented.contains(&col.key), "{} is undocumented", col.key);
        }
    }
}
