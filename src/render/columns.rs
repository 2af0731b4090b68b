//! The column model: one list says what each column is, and table, tsv, csv and markdown all
//! take their headers and cells from it (go-gh's `tableprinter` lesson). Adding a column to a
//! listing means adding it to [`SESSION`]; its key is also the JSON key of the same value (a
//! test in json.rs holds the two together).
//!
//! Machine formats (tsv, csv) print every column, in this order, whatever the rows hold, so a
//! script can rely on the positions. Human formats (table, markdown) show a column by its
//! [`Presence`], and the table fits the rest to the terminal by [`Fit`].

use std::borrow::Cow;

use nu_ansi_term::{Color, Style as Paint};

use crate::content::Within;
use crate::review::doctor::Check;
use crate::review::hunt::Technique;
use crate::session::{Flag, Session, SessionId, Severity, Time};
use crate::text::format::{compact_time, human_duration, short_id, short_time};
use crate::text::sanitize::escape;

/// A cell of a record, escaped for a terminal (markdown and CSV quote it further).
pub type Cell<R> = for<'a> fn(&'a R) -> Cow<'a, str>;

/// Whether a human format shows a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Always,
    /// When a row has a value (its machine cell is not empty).
    IfAny,
    Never,
}

/// How the table makes room on a narrow terminal: first the columns with a shorter form take
/// it, then the `Drop` columns leave (lowest first), and only then are `Cut` columns cut
/// (lowest rank first, then the widest). When even that does not fit, the columns stand one
/// space apart, and then the `Last` columns leave. What identifies a session and what is wrong
/// with it (id, user, target, flags) is what a reviewer scans for; when it happened is in
/// every other format and in `show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Never cut: short by nature.
    Keep,
    Cut(u8),
    Drop(u8),
    /// Cut like `Cut`, and the first to leave when the cut table still does not fit.
    Last(u8),
}

/// How markdown writes a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Text,
    /// A code span: an id is copied into commands.
    Code,
    /// An autolink.
    Link,
}

pub struct Column<R: 'static> {
    /// The CSV header, and the JSON key of the same value.
    pub key: &'static str,
    /// The markdown header; the table's is the same in capitals.
    pub title: &'static str,
    /// For scripts (tsv, csv): full ids, RFC3339 times, milliseconds; empty when unknown.
    pub machine: Cell<R>,
    /// For people (markdown, and the table unless it has forms of its own).
    pub human: Cell<R>,
    pub table: Presence,
    /// The table's forms of the cell, widest first, when they differ from `human`: the first
    /// is shown, the next ones when the terminal is too narrow for it.
    pub forms: &'static [Cell<R>],
    /// Whether the table may take the shorter forms over these rows: a date without its
    /// year only while every row is of one year.
    pub narrower: fn(&[R]) -> bool,
    pub fit: Fit,
    pub paint: fn(&R) -> Option<Paint>,
    pub markdown: Presence,
    pub look: Look,
}

// By hand: a derive would ask `R: Copy`, and only fn pointers and references are copied.
impl<R> Clone for Column<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Column<R> {}

impl<R> Column<R> {
    /// Whether a human format with this presence shows the column over `rows`.
    pub fn shown(&self, presence: Presence, rows: &[R]) -> bool {
        match presence {
            Presence::Always => true,
            Presence::Never => false,
            Presence::IfAny => rows.iter().any(|r| !(self.machine)(r).is_empty()),
        }
    }

    /// The table's form `n` of the cell (0 is the widest).
    pub fn form(&self, n: usize) -> Cell<R> {
        self.forms.get(n).copied().unwrap_or(self.human)
    }

    pub fn forms_count(&self) -> usize {
        self.forms.len().max(1)
    }
}

/// A plain column: the same text for people and scripts, always shown, cut when narrow after
/// the lower ranks.
pub const fn plain<R>(key: &'static str, title: &'static str, cell: Cell<R>) -> Column<R> {
    Column {
        key,
        title,
        machine: cell,
        human: cell,
        table: Presence::Always,
        forms: &[],
        narrower: |_| true,
        fit: Fit::Cut(1),
        paint: |_| None,
        markdown: Presence::Always,
        look: Look::Text,
    }
}

pub(super) fn or_dash(cell: Cow<'_, str>) -> Cow<'_, str> {
    if cell.is_empty() { "-".into() } else { cell }
}

fn flags(s: &Session) -> Cow<'_, str> {
    let mut flags = s.flags.iter();
    match (flags.next(), flags.next()) {
        (None, _) => "".into(),
        (Some(one), None) => one.as_str().into(),
        _ => s
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
            .into(),
    }
}

/// Whether the rows' starts all fall in one year, so that dates may leave it out.
fn one_year(rows: &[Session]) -> bool {
    let mut years = rows
        .iter()
        .filter_map(|s| s.start.get())
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).year());
    let first = years.next();
    years.all(|y| Some(y) == first)
}

/// The start, or `-` when tctl gave none: never the end in its place (the listing is still
/// ordered by the end for such a session).
fn start(s: &Session) -> Cow<'_, str> {
    s.start.get().map_or("-".into(), |t| short_time(t).into())
}

fn machine_time(t: Time) -> Cow<'static, str> {
    t.rfc3339().map_or("".into(), Cow::Owned)
}

/// A canonical id needs no escaping: its text is written out; any other id is escaped.
fn id(s: &Session) -> Cow<'_, str> {
    match s.id() {
        SessionId::Uuid(_) => s.id().text().to_owned().into(),
        SessionId::Other(text) => escape(text),
    }
}

/// The columns of every session listing, and of `show` in tsv and csv.
pub static SESSION: [Column<Session>; 11] = SESSION_COLUMNS;

/// The columns a listing adds after [`SESSION`], last, so that a script's positions for the
/// others hold: `--explain`'s summary line, then `hunt --verify`'s evidence.
pub static ADDED: [Column<Session>; 2] = [SUMMARY, EVIDENCE];

/// The columns of a listing: [`SESSION`], and those of [`ADDED`] it asked for.
pub fn listing(explained: bool, verified: bool) -> Vec<Column<Session>> {
    let asked = [explained, verified];
    let added = ADDED.iter().zip(asked).filter(|(_, on)| *on);
    SESSION
        .iter()
        .copied()
        .chain(added.map(|(c, _)| *c))
        .collect()
}

/// What `hunt --verify` read in the recording: the first line that matched the hunt's
/// patterns (what the user typed or saw, escaped like any field), marked when the match was
/// in text the terminal hid, and how many more lines matched. The same in tsv and csv: a
/// spreadsheet must tell "concealed" from shown and "not read" from "nothing matched" (JSON
/// has `within` and `unavailable` as keys of their own).
const EVIDENCE: Column<Session> = Column {
    human: evidence,
    // Shown whenever asked for, as the summary's is.
    table: Presence::Always,
    fit: Fit::Cut(0),
    markdown: Presence::Always,
    ..plain("evidence", "Evidence", evidence)
};

fn evidence(s: &Session) -> Cow<'_, str> {
    match s.evidence() {
        Some(e) => match (&e.first, e.unavailable) {
            (_, Some(why)) => format!("({why})").into(),
            (None, None) => "(no matching line)".into(),
            (Some((line, within)), None) => {
                let hidden = match within {
                    Within::Displayed => String::new(),
                    other => format!("[{}] ", other.as_str()),
                };
                let more = match e.matched_lines {
                    0 | 1 => String::new(),
                    n => format!(" (+{} more)", n - 1),
                };
                format!("{hidden}{}{more}", escape(line.trim())).into()
            }
        },
        None => "".into(),
    }
}

/// One line of the session's AI summary (`--explain`): the model's short description, which
/// is its reading of what the user typed, escaped like any field.
/// Shown whenever asked for, so that summaries none of which could be read say so in each row;
/// in tsv and csv too, where an empty cell would not say why.
const SUMMARY: Column<Session> = Column {
    table: Presence::Always,
    fit: Fit::Cut(0),
    markdown: Presence::Always,
    ..plain("summary", "Summary", |s| match s.explained() {
        Some(e) if e.found => escape(&e.line),
        Some(e) => format!("({})", e.why).into(),
        None => "".into(),
    })
};

const SESSION_COLUMNS: [Column<Session>; 11] = [
    Column {
        forms: &[|s| match s.id() {
            SessionId::Uuid(_) => short_id(&s.id().text()).to_owned().into(),
            SessionId::Other(text) => escape(short_id(text)),
        }],
        fit: Fit::Keep,
        paint: |_| Some(Paint::new().dimmed()),
        look: Look::Code,
        ..plain("id", "ID", id)
    },
    Column {
        fit: Fit::Keep,
        ..plain("kind", "Kind", |s| s.kind.as_str().into())
    },
    plain("user", "User", |s| escape(s.user())),
    // Who the user was on the target: "mallory as root" is half of what a reviewer asks. Its
    // own column, not `mallory (root)`: a long user (an SSO e-mail) is then never cut to make
    // room for the login, nor the login for the user. Cut first: logins are short, and a
    // Windows `Administrator` still reads as one at six columns. On a terminal too narrow for
    // the cut table, the first to leave: `show` has it.
    Column {
        human: |s| or_dash(escape(s.login().unwrap_or(""))),
        table: Presence::IfAny,
        fit: Fit::Last(0),
        markdown: Presence::IfAny,
        ..plain("login", "Login", |s| escape(s.login().unwrap_or("")))
    },
    plain("target", "Target", |s| escape(s.target())),
    Column {
        human: start,
        forms: &[start, |s| {
            s.start.get().map_or("-".into(), |t| compact_time(t).into())
        }],
        narrower: one_year,
        fit: Fit::Drop(2),
        ..plain("start", "Start (UTC)", |s| machine_time(s.start))
    },
    Column {
        table: Presence::Never,
        markdown: Presence::Never,
        ..plain("end", "End (UTC)", |s| machine_time(s.end))
    },
    Column {
        human: |s| {
            s.duration_ms()
                .map_or("-".into(), |ms| human_duration(ms).into())
        },
        fit: Fit::Drop(1),
        ..plain("duration_ms", "Duration", |s| {
            s.duration_ms()
                .map_or("".into(), |ms| ms.to_string().into())
        })
    },
    Column {
        human: |s| s.severity.map_or("-", Severity::as_str).into(),
        table: Presence::IfAny,
        fit: Fit::Keep,
        paint: |s| {
            s.severity.map(|sev| match sev {
                Severity::Critical => Color::Red.bold(),
                Severity::High => Color::Red.normal(),
                Severity::Medium => Color::Yellow.normal(),
                Severity::Low => Color::Green.normal(),
            })
        },
        markdown: Presence::IfAny,
        ..plain("severity", "Severity", |s| {
            s.severity.map_or("", Severity::as_str).into()
        })
    },
    Column {
        table: Presence::IfAny,
        paint: |s| {
            if s.flags.contains(Flag::SuspiciousText) {
                Some(Color::Magenta.bold())
            } else if !s.flags.is_empty() {
                Some(Color::Yellow.normal())
            } else {
                None
            }
        },
        markdown: Presence::IfAny,
        ..plain("flags", "Flags", flags)
    },
    Column {
        table: Presence::Never,
        markdown: Presence::IfAny,
        look: Look::Link,
        ..plain("web_url", "Player", |s| escape(s.web_url().unwrap_or("")))
    },
];

/// `doctor`'s verdicts (its table is a checklist of its own: see checks.rs).
pub static CHECKS: [Column<Check>; 3] = [
    plain("status", "Status", |c| c.status.as_str().into()),
    plain("check", "Check", |c| c.check.into()),
    plain("detail", "Detail", |c| escape(&c.detail)),
];

/// `hunt --list` (its table is the catalogue text: see review::hunt::catalogue).
pub static TECHNIQUES: [Column<Technique>; 4] = [
    plain("name", "Technique", |t| t.name.into()),
    plain("about", "About", |t| t.about.into()),
    plain("query", "Query", |t| t.query.into()),
    plain("kinds", "Kinds", |t| {
        t.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
            .into()
    }),
];
