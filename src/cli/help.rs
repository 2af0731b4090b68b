//! `--help` text, generated from the flag table.

use std::fmt::Write;

use super::table::{CommandSpec, EXIT_STATUSES, FLAGS, FlagSpec, Scope, visible};

const WIDTH: usize = 80;

pub fn version() -> String {
    format!("tsh-review {}", env!("CARGO_PKG_VERSION"))
}

pub fn overview() -> String {
    let mut out = format!(
        "{} — review Teleport session recordings from the terminal\n\n\
         Usage: tsh-review [OPTIONS] <COMMAND> [ARGS]\n\nCommands:\n",
        version()
    );
    let names: Vec<String> = visible().map(command_label).collect();
    let pad = names.iter().map(String::len).max().unwrap_or(0);
    for (c, name) in visible().zip(&names) {
        let _ = writeln!(out, "  {name:pad$}  {}", c.summary);
    }
    out.push_str("\nGlobal options:\n");
    options(
        &mut out,
        "",
        FLAGS.iter().filter(|f| f.scope == Scope::Global),
    );
    exit_statuses(&mut out);
    out.push_str(
        "\nRun `tsh-review help COMMAND` for a command's options and examples.\n\
         `tsh-review --demo recent` tries it on a built-in sample cluster.\n",
    );
    out
}

pub fn command(c: &CommandSpec) -> String {
    let mut out = format!(
        "tsh-review {} — {}\n\nUsage: tsh-review {}",
        c.name, c.summary, c.name
    );
    let own: Vec<&FlagSpec> = FLAGS
        .iter()
        .filter(|f| matches!(f.scope, Scope::Commands(names) if names.contains(&c.name)))
        .collect();
    if !own.is_empty() {
        out.push_str(" [OPTIONS]");
    }
    for operand in c.operands {
        let more = if operand.many { "..." } else { "" };
        let _ = if operand.required {
            write!(out, " <{}>{more}", operand.name)
        } else {
            write!(out, " [{}{more}]", operand.name)
        };
    }
    out.push('\n');
    if !c.aliases.is_empty() {
        let _ = writeln!(out, "Alias: {}", c.aliases.join(", "));
    }
    out.push('\n');
    wrap(&mut out, c.about, 0);
    if !c.operands.is_empty() {
        out.push_str("\nArguments:\n");
        for operand in c.operands {
            let _ = write!(out, "  {:24}  ", operand.name);
            let mut body = String::new();
            wrap(&mut body, operand.help, 28);
            out.push_str(body.trim_start());
        }
    }
    if !own.is_empty() {
        out.push_str("\nOptions:\n");
        options(&mut out, c.name, own.into_iter());
    }
    out.push_str("\nGlobal options:\n");
    options(
        &mut out,
        c.name,
        FLAGS.iter().filter(|f| f.scope == Scope::Global),
    );
    out.push_str("\nExamples:\n");
    for (line, what) in c.examples {
        let _ = writeln!(out, "  {line}\n      {what}");
    }
    out
}

fn command_label(c: &CommandSpec) -> String {
    if c.aliases.is_empty() {
        c.name.to_owned()
    } else {
        format!("{} ({})", c.name, c.aliases.join(", "))
    }
}

fn flag_label(f: &FlagSpec) -> String {
    let short = f.short.map_or("    ".to_owned(), |s| format!("-{s}, "));
    match f.value {
        Some(v) => format!("{short}--{} {v}", f.long),
        None => format!("{short}--{}", f.long),
    }
}

/// The flags with their defaults for `command` ("" for the overview: global defaults only).
fn options<'a>(out: &mut String, command: &str, flags: impl Iterator<Item = &'a FlagSpec>) {
    const PAD: usize = 24;
    for f in flags {
        let mut help = f.help.to_owned();
        if !f.choices.is_empty() {
            // A long list is written so that it can wrap.
            let list = f.choices.join("|");
            let list = if list.len() > 40 {
                f.choices.join(", ")
            } else {
                list
            };
            let _ = write!(help, " [{list}]");
        }
        if let Some(d) = f.default_for(command) {
            let _ = write!(help, " [default: {d}]");
        }
        if let Some(e) = f.env {
            let _ = write!(help, " [env: {e}]");
        }
        if f.repeatable {
            help.push_str(" (repeatable)");
        }
        let label = flag_label(f);
        if label.len() > PAD {
            let _ = writeln!(out, "  {label}");
            wrap(out, &help, PAD + 4);
        } else {
            let _ = write!(out, "  {label:PAD$}  ");
            let mut body = String::new();
            wrap(&mut body, &help, PAD + 4);
            out.push_str(body.trim_start());
        }
    }
}

fn exit_statuses(out: &mut String) {
    out.push_str("\nExit status:\n");
    for (code, meaning) in EXIT_STATUSES {
        let _ = writeln!(out, "  {code}  {meaning}");
    }
}

/// Appends `text` word-wrapped at WIDTH with every line indented by `indent`.
fn wrap(out: &mut String, text: &str, indent: usize) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(out, "{:indent$}{line}", "");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{:indent$}{line}", "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_lists_every_command_global_flag_and_exit_status() {
        let text = overview();
        for c in visible() {
            assert!(text.contains(c.name), "{}", c.name);
        }
        for f in FLAGS.iter().filter(|f| f.scope == Scope::Global) {
            assert!(text.contains(&format!("--{}", f.long)), "--{}", f.long);
        }
        for (code, _) in EXIT_STATUSES {
            assert!(text.contains(&format!("  {code}  ")), "{code}");
        }
    }

    #[test]
    fn command_help_shows_its_flags_defaults_and_choices() {
        let text = command(super::super::table::command("recent").unwrap());
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Alias: ls"));
        assert!(text.contains("--since DURATION"));
        assert!(text.contains("[default: 24h]"));
        assert!(text.contains("[ssh|k8s|db|desktop|app]"));
        assert!(text.contains("(repeatable)"));
        assert!(text.contains("[env: TCTL]"));
        assert!(text.contains("Examples:"));
    }

    #[test]
    fn lines_fit_the_width() {
        let mut all = overview();
        for c in visible() {
            all.push_str(&command(c));
        }
        for line in all.lines() {
            // Examples are commands a user copies: never broken.
            if !line.trim_start().starts_with("tsh-review ") {
                assert!(line.chars().count() <= WIDTH, "too long: {line:?}");
            }
        }
    }
}
