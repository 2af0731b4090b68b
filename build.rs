//! Generates the shell completion scripts from the command table at build time, so the
//! shipped binary embeds plain text and carries no clap (src/cli/completions.rs).
//!
//! clap_complete writes the scripts; this file then fixes what the generators get wrong for
//! this binary and adds session-id completion by appending a small hand-written function per
//! shell (bash, zsh, fish) that asks the hidden `tsh-review __complete-ids` command.

use std::path::Path;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;

#[allow(dead_code)]
#[path = "src/cli/table.rs"]
mod table;

use table::{COMMANDS, Complete, FLAGS, FlagSpec, Operand, Scope};

const BIN: &str = "tsh-review";

fn main() {
    println!("cargo::rerun-if-changed=src/cli/table.rs");
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
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
        std::fs::write(out.join(file), text).expect("write a completion script");
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
        _ => a,
    }
}

/// The commands whose operand is a session id.
fn sid_commands() -> Vec<&'static str> {
    COMMANDS
        .iter()
        .filter(|c| c.operands.iter().any(|o| o.complete == Complete::SessionId))
        .map(|c| c.name)
        .collect()
}

/// clap_complete 4.6.11 names the per-subcommand `case` labels `tsh__subcmd__review__subcmd__X`
/// but sets `cmd` to `tsh__review__subcmd__X` (a hyphen in the binary name, clap-rs/clap#6421),
/// so nothing completes after a subcommand. src/cli/completions.rs's tests notice when upstream changes.
const BASH_BROKEN: &str = "tsh__subcmd__review__subcmd__";
const BASH_FIXED: &str = "tsh__review__subcmd__";

/// Fixes the generator's text, then wraps its function (a hand-written function appended
/// here) so that the SID of show/play/download/link completes from the cache.
fn bash(text: String) -> String {
    let text = text.replace(BASH_BROKEN, BASH_FIXED);
    let mut value_flags: Vec<String> = Vec::new();
    for f in FLAGS.iter().filter(|f| f.takes_value()) {
        value_flags.push(format!("--{}", f.long));
        if let Some(s) = f.short {
            value_flags.push(format!("-{s}"));
        }
    }
    let wrapper = BASH_IDS
        .replace("@VALUE_FLAGS@", &value_flags.join("|"))
        .replace("@SID_COMMANDS@", &sid_commands().join("|"));
    let register = text
        .rfind("if [[ \"${BASH_VERSINFO[0]}\" -eq 4")
        .expect("clap_complete's bash ends by registering the function");
    let (head, tail) = text.split_at(register);
    let tail = tail.replace("complete -F _tsh__review ", "complete -F _tsh_review_ids ");
    format!("{head}{wrapper}\n{tail}")
}

const BASH_IDS: &str = r#"# Hand-written (appended by build.rs): the SID of @SID_COMMANDS@ completes from
# tsh-review's cache via the hidden `__complete-ids`; everything else goes to _tsh__review.
_tsh_review_ids() {
    local cur="${COMP_WORDS[COMP_CWORD]}" word cmd="" operands=0 demo="" skip="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if [[ $word == "=" ]]; then skip=1; continue; fi
        if [[ -n $skip ]]; then skip=""; continue; fi
        case "$word" in
            --demo) demo=--demo ;;
            @VALUE_FLAGS@) skip=1 ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd="$word"; else operands=$((operands + 1)); fi ;;
        esac
    done
    case "$cmd" in
        @SID_COMMANDS@)
            if [[ -z $skip && $operands -eq 0 && $cur != -* ]]; then
                local IFS=$'\n'
                COMPREPLY=($(command "$1" $demo __complete-ids "$cur" 2>/dev/null))
                return 0
            fi
            ;;
    esac
    _tsh__review "$@"
}
"#;

/// Session ids for the SID operand: the generator's `_default` action is replaced by a
/// hand-written function (appended here) that asks `__complete-ids` for ids and descriptions.
fn zsh(text: String) -> String {
    let mut text = text;
    for c in COMMANDS {
        for o in c
            .operands
            .iter()
            .filter(|o| o.complete == Complete::SessionId)
        {
            let spec = format!("':{} -- {}:_default'", o.name, o.help);
            let ids = format!("':{} -- {}:_tsh-review_ids'", o.name, o.help);
            text = text.replace(&spec, &ids);
            assert!(
                text.contains(&ids),
                "no zsh spec for {} of {}",
                o.name,
                c.name
            );
        }
    }
    let register = text
        .rfind("if [ \"$funcstack[1]\" = \"_tsh-review\" ]")
        .expect("clap_complete's zsh ends by registering the function");
    let (head, tail) = text.split_at(register);
    format!("{head}{ZSH_IDS}\n{tail}")
}

const ZSH_IDS: &str = r#"# Hand-written (appended by build.rs): cached session ids with `user@target kind start`.
(( $+functions[_tsh-review_ids] )) ||
_tsh-review_ids() {
    local -a ids
    local line demo
    [[ " $BUFFER " == *" --demo "* ]] && demo=--demo
    for line in ${(f)"$(command tsh-review $demo --format tsv __complete-ids "$PREFIX" 2>/dev/null)"}; do
        ids+=("${line%%$'\t'*}:${${line#*$'\t'}//\\/\\\\}")
    done
    _describe -t session-ids 'session id' ids
}
"#;

/// Session ids for the SID operand: a hand-written function and `complete` line appended.
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
    let ids = FISH_IDS.replace("@SID_COMMANDS@", &sid_commands().join(" "));
    format!("{text}{ids}")
}

const FISH_IDS: &str = r#"# Hand-written (appended by build.rs): cached session ids with `user@target kind start`.
function __fish_tsh_review_ids
    set -l words (commandline -opc)
    set -l demo
    contains -- --demo $words; and set demo --demo
    # Only the first operand is a session id.
    set -l operands (string match -v -- '-*' $words[2..-1])
    test (count $operands) -le 1; or return
    command tsh-review $demo --format tsv __complete-ids (commandline -ct) 2>/dev/null
end
complete -c tsh-review -n "__fish_tsh_review_using_subcommand @SID_COMMANDS@" -f -a "(__fish_tsh_review_ids)"
"#;
