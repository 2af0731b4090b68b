//! Renderers: a listing to table, tsv, markdown, csv or json. Every string from the cluster is
//! escaped here, on its way out, and nowhere else.

mod checks;
pub(crate) mod columns;
mod delimited;
mod detail;
mod grep;
mod json;
mod markdown;
mod notes;
mod summary;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::review::Listing;
use crate::review::hunt::{self, Technique};
use crate::text::sanitize;
use columns::TECHNIQUES;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Tsv,
    Markdown,
    Csv,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "table" => Some(Format::Table),
            "tsv" => Some(Format::Tsv),
            "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The one place where the terminal decides: the format asked for, else a table on a
    /// terminal and `piped` when stdout is not one.
    pub fn choose(asked: Option<Format>, stdout_tty: bool, piped: Format) -> Format {
        asked.unwrap_or(if stdout_tty { Format::Table } else { piped })
    }

    /// Whether the format is worth a `tsh status` for the web player links. TSV is the
    /// default in a pipe, where one tctl call should stay one process: its `web_url` column
    /// is filled only when the login is known anyway (compliance, which names the reviewer).
    pub fn wants_links(self) -> bool {
        matches!(self, Format::Json | Format::Csv | Format::Markdown)
    }

    /// Human formats carry their notes under the data; machine formats keep stdout clean and
    /// say them on stderr.
    fn is_human(self) -> bool {
        matches!(self, Format::Table | Format::Markdown)
    }
}

pub use checks::write as checks;
pub use detail::{Next, write as session};
pub use grep::{COLUMNS as GREP_COLUMNS, Writer as GrepWriter};
pub use summary::JSON_KEYS as SUMMARY_KEYS;

/// `hunt --list`: the catalogue text in a table's place, its columns elsewhere.
pub fn techniques(out: &mut dyn Write, format: Format) -> io::Result<()> {
    let all = hunt::TECHNIQUES;
    match format {
        Format::Table => out.write_all(hunt::catalogue().as_bytes())?,
        Format::Tsv => delimited::write(out, &TECHNIQUES, all, delimited::Dialect::Tsv)?,
        Format::Csv => delimited::write(out, &TECHNIQUES, all, delimited::Dialect::Csv)?,
        Format::Markdown => markdown::write(out, &TECHNIQUES, all, &|_| None)?,
        Format::Json => json::value(
            out,
            &all.iter().map(TechniqueRecord::new).collect::<Vec<_>>(),
        )?,
    }
    out.flush()
}

/// A technique in JSON: the keys of [`TECHNIQUES`], with the kinds as a list, and the
/// patterns its content hunt reads (regular expressions: a list, since they hold any
/// separator a delimited format could use).
#[derive(Serialize)]
struct TechniqueRecord {
    name: &'static str,
    about: &'static str,
    query: &'static str,
    kinds: Vec<&'static str>,
    patterns: &'static [&'static str],
}

impl TechniqueRecord {
    fn new(t: &Technique) -> TechniqueRecord {
        TechniqueRecord {
            name: t.name,
            about: t.about,
            query: t.query,
            kinds: t.kinds.iter().map(|k| k.as_str()).collect(),
            patterns: t.patterns,
        }
    }
}

pub struct Style {
    pub color: bool,
    /// Terminal columns for a table.
    pub width: usize,
}

pub fn listing(
    out: &mut dyn Write,
    err: &mut dyn Write,
    l: &Listing,
    format: Format,
    style: &Style,
) -> io::Result<()> {
    if let Some(headline) = notes::headline(l) {
        if format.is_human() {
            let prefix = if format == Format::Markdown { "> " } else { "" };
            writeln!(out, "{prefix}{headline}\n")?;
        } else {
            writeln!(err, "tsh-review: {headline}")?;
        }
    }
    preamble(out, l, format, style)?;
    let group = |s: &_| l.grouping.key(s);
    // A listing whose summaries were read has a column more.
    let columns = &columns::listing(l.explained, l.verified)[..];
    match format {
        Format::Table => table::write(out, columns, &l.sessions, style, &group)?,
        Format::Tsv => delimited::write(out, columns, &l.sessions, delimited::Dialect::Tsv)?,
        Format::Csv => delimited::write(out, columns, &l.sessions, delimited::Dialect::Csv)?,
        Format::Markdown => markdown::write(out, columns, &l.sessions, &group)?,
        Format::Json => json::write(out, l)?,
    }
    let mut lines = notes::lines(l);
    if format.is_human() {
        lines.insert(0, notes::summary(l));
        let prefix = if format == Format::Markdown { "> " } else { "" };
        if !l.sessions.is_empty() {
            writeln!(out)?;
        }
        for (i, line) in lines.iter().enumerate() {
            // In markdown, a `>` line between notes keeps each its own paragraph.
            if i > 0 && format == Format::Markdown {
                writeln!(out, ">")?;
            }
            writeln!(out, "{prefix}{line}")?;
        }
    } else {
        if l.sessions.is_empty() {
            lines.insert(0, notes::summary(l));
        }
        // A machine format's stdout is data only (a CSV is a header and rows, RFC 4180): the
        // report's facts go with the notes.
        let facts = l
            .report
            .iter()
            .map(|(k, v)| format!("{k}: {}", sanitize::escape(v)));
        lines.splice(0..0, facts);
        for line in &lines {
            writeln!(err, "tsh-review: {line}")?;
        }
    }
    out.flush()
}

/// The title and the report facts that make a listing an artefact, in human formats: a
/// heading and a list. Machine formats say the facts on stderr.
fn preamble(out: &mut dyn Write, l: &Listing, format: Format, style: &Style) -> io::Result<()> {
    match format {
        Format::Table => {
            if let Some(title) = &l.title {
                let title = sanitize::escape(title);
                if style.color {
                    writeln!(out, "{}", nu_ansi_term::Style::new().bold().paint(title))?;
                } else {
                    writeln!(out, "{title}")?;
                }
            }
            for (key, value) in &l.report {
                writeln!(out, "{key}: {}", sanitize::escape(value))?;
            }
            if l.title.is_some() || !l.report.is_empty() {
                writeln!(out)?;
            }
        }
        Format::Markdown => {
            if let Some(title) = &l.title {
                writeln!(out, "## {}\n", markdown::cell(title))?;
            }
            for (key, value) in &l.report {
                writeln!(out, "- **{key}**: {}", markdown::cell(value))?;
            }
            if !l.report.is_empty() {
                writeln!(out)?;
            }
        }
        Format::Tsv | Format::Csv | Format::Json => {}
    }
    Ok(())
}
