//! Generates the shell completion scripts from the command table at build time, so the
//! shipped binary embeds plain text and carries no clap (src/cli/completions.rs).
//!
//! clap_complete writes the scripts; this file then fixes what the generators get wrong for
//! this binary and appends the hand-written part of each (src/shell/complete/cached.bash, .zsh,
//! .fish: functions that ask the hidden `tsh-review __complete-ids` for cached session ids,
//! users and hosts). Those are shell files, not Rust strings, so that they are linted
//! (shellcheck, `zsh -n`, `fish --no-execute`) and read as what they are; the few `@NAME@`
//! patterns in them are filled here from the command table.
//!
//! The scripts and the demo's data are written deflated (`NAME.z`), which the binary inflates
//! when a command needs them (src/packed.rs).

use std::path::Path;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;

#[allow(dead_code)]
#[path = "src/cli/table.rs"]
mod table;

use table::{COMMANDS, Complete, FLAGS, FlagSpec, Operand, Scope};

const BIN: &str = "tsh-review";

const CACHED_BASH: &str = include_str!("src/shell/complete/cached.bash");
const CACHED_ZSH: &str = include_str!("src/shell/complete/cached.zsh");
const CACHED_FISH: &str = include_str!("src/shell/complete/cached.fish");
const CACHED: [&str; 3] = [
    "src/shell/complete/cached.bash",
    "src/shell/complete/cached.zsh",
    "src/shell/complete/cached.fish",
];

/// The demo's data (src/demo/), embedded deflated.
const DEMO: [&str; 3] = ["ls.json", "search.json", "summaries.json"];

/// Writes `text` deflated to `OUT_DIR/NAME.z`, for `packed!("NAME")`.
fn pack(out: &Path, name: &str, text: &[u8]) {
    let deflated = miniz_oxide::deflate::compress_to_vec(text, 10);
    std::fs::write(out.join(format!("{name}.z")), deflated).expect("write a packed text");
}

/// `template` with each `@NAME@` replaced: every pattern given must occur, and none may be left
/// over, so a renamed pattern fails the build instead of shipping a script that matches nothing.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        let pattern = format!("@{name}@");
        assert!(text.contains(&pattern), "no {pattern} in the snippet");
        text = text.replace(&pattern, value);
    }
    let between: Vec<&str> = text.split('@').collect();
    let inner = &between[1..between.len().saturating_sub(1).max(1)];
    let left = inner
        .iter()
        .find(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
    assert!(left.is_none(), "@{}@ left unfilled", left.unwrap_or(&""));
    text
}

fn main() {
    println!("cargo::rerun-if-changed=src/cli/table.rs");
    println!("cargo::rerun-if-changed=build.rs");
    for file in CACHED {
        println!("cargo::rerun-if-changed={file}");
    }
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    for file in DEMO {
        println!("cargo::rerun-if-changed=src/demo/{file}");
        let text = std::fs::read(Path::new("src/demo").join(file)).expect("read the demo's data");
        pack(out, file, &text);
    }
    for (shell, file) in [
        (Shell::Bash, "tsh-review.bash"),
        (Shell::Zsh, "_tsh-review"),
        (Shell::Fish, "tsh-review.fish"),
        (Shell::Elvish, "tsh-review.elv"),
        (Shell::PowerShell, "_tsh-review.ps1"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut command(), BIN, &mut buf);
        let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
        if shell == Shell::Bash {
            // Kept to notice when upstream fixes clap-rs/clap#6421 (src/cli/completions.rs).
            std::fs::write(out.join("tsh-review.upstream.bash"), &text).expect("write");
        }
        let text = match shell {
            Shell::Bash => bash(text),
            Shell::Zsh => zsh(text),
            Shell::Fish => fish(text),
            _ => text,
        };
        pack(out, file, text.as_bytes());
    }
}

/// The table as a clap command: only for the generators, never parsed with.
fn command() -> Command {
    let mut root = Command::new(BIN)
        .about("Review Teleport session recordings from the terminal")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_required(false);
    for f in FLAGS.iter().filter(|f| f.scope == Scope::Global) {
        root = root.arg(arg(f).global(true));
    }
    for c in COMMANDS.iter().filter(|c| !c.hidden) {
        let mut sub = Command::new(c.name)
            .about(c.summary)
            .visible_aliases(c.aliases.iter().copied())
            .disable_help_flag(true)
            .disable_version_flag(true);
        for f in FLAGS
            .iter()
            .filter(|f| f.scope != Scope::Global && f.applies_to(c.name))
        {
            sub = sub.arg(arg(f));
        }
        for (i, o) in c.operands.iter().enumerate() {
            sub = sub.arg(operand(o, i + 1));
        }
        root = root.subcommand(sub);
    }
    root
}

fn arg(f: &FlagSpec) -> Arg {
    let mut a = Arg::new(f.long).long(f.long).help(f.help);
    if let Some(s) = f.short {
        a = a.short(s);
    }
    let Some(value) = f.value else {
        return a.action(ArgAction::SetTrue);
    };
    a = a.value_name(value).num_args(1).action(if f.repeatable {
        ArgAction::Append
    } else {
        ArgAction::Set
    });
    if !f.choices.is_empty() {
        a = a.value_parser(PossibleValuesParser::new(f.choices.iter().copied()));
    }
    hint(a, f.complete)
}

fn operand(o: &Operand, index: usize) -> Arg {
    let mut a = Arg::new(o.name)
        .value_name(o.name)
        .help(o.help)
        .index(index)
        .required(o.required)
        .action(ArgAction::Append);
    a = if o.many {
        a.num_args(1..)
    } else {
        a.num_args(1)
    };
    match o.complete {
        Complete::Choices => a.value_parser(PossibleValuesParser::new(o.choices.iter().copied())),
        Complete::Command => {
            let names = COMMANDS.iter().filter(|c| !c.hidden).map(|c| c.name);
            a.value_parser(PossibleValuesParser::new(names))
        }
        other => hint(a, other),
    }
}

fn hint(a: Arg, complete: Complete) -> Arg {
    match complete {
        Complete::File => a.value_hint(ValueHint::FilePath),
        Complete::Directory => a.value_hint(ValueHint::DirPath),
        Complete::Executable => a.value_hint(ValueHint::ExecutablePath),
        // The generators' user and host completion (the system's) is replaced per shell with
        // the cache's (USERS_AND_HOSTS).
        Complete::User => a.value_hint(ValueHint::Username),
        Complete::Host => a.value_hint(ValueHint::Hostname),
        // Durations, dates, numbers, ids and free text: without a hint the generators offer
        // file names, which are never right here.
        Complete::Nothing => a.value_hint(ValueHint::Other),
        Complete::Choices | Complete::Command | Complete::SessionId | Complete::Recording => a,
    }
}

/// The flags whose value is a user, and those whose value is a host, as `--a|-b` patterns.
fn flags_completing(complete: Complete) -> String {
    let mut names = Vec::new();
    for f in FLAGS.iter().filter(|f| f.complete == complete) {
        names.push(format!("--{}", f.long));
        if let Some(s) = f.short {
            names.push(format!("-{s}"));
        }
    }
    assert!(!names.is_empty(), "no flag completes {complete:?}");
    names.join("|")
}

/// The commands whose operand is a session id: any session (`show`), or one with a
/// recording (`play`, `download`, `link`: `__complete-ids --recorded`).
fn sid_commands() -> Vec<&'static str> {
    commands_completing(&[Complete::SessionId, Complete::Recording])
}

/// The commands with an operand that completes as `what` says.
fn commands_completing(what: &[Complete]) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .filter(|c| c.operands.iter().any(|o| what.contains(&o.complete)))
        .map(|c| c.name)
        .collect()
}

/// clap_complete 4.6.11 names the per-subcommand `case` labels `tsh__subcmd__review__subcmd__X`
/// but sets `cmd` to `tsh__review__subcmd__X` (a hyphen in the binary name, clap-rs/clap#6421),
/// so nothing completes after a subcommand. src/cli/completions.rs's tests notice when upstream changes.
const BASH_BROKEN: &str = "tsh__subcmd__review__subcmd__";
const BASH_FIXED: &str = "tsh__review__subcmd__";

/// Fixes the generator's text, then wraps its function (cached.bash, appended) so that the SID
/// of show/play/download/link, users and hosts complete from the cache.
fn bash(text: String) -> String {
    let text = text.replace(BASH_BROKEN, BASH_FIXED);
    let mut value_flags: Vec<String> = Vec::new();
    for f in FLAGS.iter().filter(|f| f.takes_value()) {
        value_flags.push(format!("--{}", f.long));
        if let Some(s) = f.short {
            value_flags.push(format!("-{s}"));
        }
    }
    let wrapper = fill(
        CACHED_BASH,
        &[
            ("VALUE_FLAGS", &value_flags.join("|")),
            ("USER_FLAGS", &flags_completing(Complete::User)),
            ("HOST_FLAGS", &flags_completing(Complete::Host)),
            ("SID_COMMANDS", &sid_commands().join("|")),
            (
                "RECORDING_COMMANDS",
                &commands_completing(&[Complete::Recording]).join("|"),
            ),
        ],
    );
    let register = text
        .rfind("if [[ \"${BASH_VERSINFO[0]}\" -eq 4")
        .expect("clap_complete's bash ends by registering the function");
    let (head, tail) = text.split_at(register);
    let tail = tail.replace("complete -F _tsh__review ", "complete -F _tsh_review_ids ");
    // clap_complete fills COMPREPLY with `( $(compgen ...) )`, the usual completion idiom: the
    // words are option names and values without spaces.
    format!("# shellcheck disable=SC2207\n{head}{wrapper}\n{tail}")
}

/// Session ids for the SID operand: the generator's `_default` action is replaced by a
/// function of cached.zsh (appended) that asks `__complete-ids` for ids and descriptions;
/// users and hosts likewise.
fn zsh(text: String) -> String {
    let mut text = text;
    for c in COMMANDS {
        for o in c.operands {
            let only = match o.complete {
                Complete::SessionId => "",
                Complete::Recording => " --recorded",
                _ => continue,
            };
            // Every command's spec reads the same: the one in this command's `case` branch.
            let spec = format!("':{} -- {}:_default'", o.name, o.help);
            let ids = format!("':{} -- {}:_tsh-review_ids{only}'", o.name, o.help);
            let at = text
                .find(&format!("\n({})\n", c.name))
                .and_then(|branch| text[branch..].find(&spec).map(|i| branch + i))
                .unwrap_or_else(|| panic!("no zsh spec for {} of {}", o.name, c.name));
            text.replace_range(at..at + spec.len(), &ids);
        }
    }
    for (generated, field) in [(":_users'", "user"), (":_hosts'", "host")] {
        assert!(text.contains(generated), "no zsh {field} spec");
        text = text.replace(generated, &format!(":_tsh-review_names {field}'"));
    }
    let register = text
        .rfind("if [ \"$funcstack[1]\" = \"_tsh-review\" ]")
        .expect("clap_complete's zsh ends by registering the function");
    let (head, tail) = text.split_at(register);
    format!("{head}{CACHED_ZSH}\n{tail}")
}

/// Session ids for the SID operand, users and hosts: cached.fish appended.
fn fish(text: String) -> String {
    let mut text = text;
    // clap_complete's fish offers no operand values: add the enumerated ones.
    text.push_str("# Operand values (appended by build.rs: clap_complete's fish has none).\n");
    for c in COMMANDS.iter().filter(|c| !c.hidden) {
        for o in c.operands {
            let words: Vec<&str> = match o.complete {
                Complete::Choices => o.choices.to_vec(),
                Complete::Command => COMMANDS
                    .iter()
                    .filter(|c| !c.hidden)
                    .map(|c| c.name)
                    .collect(),
                _ => continue,
            };
            text.push_str(&format!(
                "complete -c {BIN} -n \"__fish_{}_using_subcommand {}\" -f -a \"{}\"\n",
                BIN.replace('-', "_"),
                std::iter::once(c.name)
                    .chain(c.aliases.iter().copied())
                    .collect::<Vec<_>>()
                    .join(" "),
                words.join(" ")
            ));
        }
    }
    for (generated, field) in [
        ("(__fish_complete_users)", "user"),
        ("(__fish_print_hostnames)", "host"),
    ] {
        assert!(text.contains(generated), "no fish {field} spec");
        text = text.replace(generated, &format!("(__fish_tsh_review_names {field})"));
    }
    let cached = fill(
        CACHED_FISH,
        &[
            (
                "SID_COMMANDS",
                &commands_completing(&[Complete::SessionId]).join(" "),
            ),
            (
                "RECORDING_COMMANDS",
                &commands_completing(&[Complete::Recording]).join(" "),
            ),
        ],
    );
    format!("{text}{cached}")
}
