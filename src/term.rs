//! What kind of terminal we are writing to, and whether to colour it.

use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn parse(text: &str) -> Option<ColorChoice> {
        match text {
            "auto" => Some(ColorChoice::Auto),
            "always" => Some(ColorChoice::Always),
            "never" => Some(ColorChoice::Never),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Columns available for a table.
    pub width: usize,
}

/// `TSH_REVIEW_TTY=1|0` forces terminal mode on or off (tests drive it; `COLUMNS` sets the
/// width), otherwise the real file descriptors decide.
pub fn detect() -> Term {
    let forced = std::env::var("TSH_REVIEW_TTY").ok();
    let stdout_tty = match forced.as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => std::io::stdout().is_terminal(),
    };
    let stderr_tty = match forced.as_deref() {
        Some(_) => false,
        None => std::io::stderr().is_terminal(),
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w > 0)
        .or_else(window_width)
        .unwrap_or(100);
    Term {
        stdout_tty,
        stderr_tty,
        width,
    }
}

fn window_width() -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ only writes a winsize into the struct we pass, which outlives the call.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// Colour follows the choice; `auto` colours a terminal unless the environment says otherwise
/// (https://no-color.org, https://bixense.com/clicolors).
pub fn use_color(choice: ColorChoice, tty: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") && env("CLICOLOR_FORCE").as_deref() != Some("0") {
                true
            } else {
                tty && env("TERM").as_deref() != Some("dumb")
                    && env("CLICOLOR").as_deref() != Some("0")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn auto_colours_only_a_willing_terminal() {
        assert!(use_color(ColorChoice::Auto, true, with(&[])));
        assert!(!use_color(ColorChoice::Auto, false, with(&[])));
        assert!(!use_color(
            ColorChoice::Auto,
            true,
            with(&[("NO_COLOR", "1")])
        ));
        assert!(use_color(
            ColorChoice::Auto,
            true,
            with(&[("NO_COLOR", "")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            true,
            with(&[("CLICOLOR", "0")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            true,
            with(&[("TERM", "dumb")])
        ));
        assert!(use_color(
            ColorChoice::Auto,
            false,
            with(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            with(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!use_color(
            ColorChoice::Auto,
            false,
            with(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])
        ));
    }

    #[test]
    fn explicit_choices_win() {
        assert!(use_color(
            ColorChoice::Always,
            false,
            with(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorChoice::Never,
            true,
            with(&[("CLICOLOR_FORCE", "1")])
        ));
    }
}
