use std::process::ExitCode;

use tsh_review::{app, cli};

fn main() -> ExitCode {
    tsh_review::signals::install();
    match cli::parse(std::env::args_os().skip(1)).and_then(app::run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_quiet() {
                eprintln!("{e}");
            }
            ExitCode::from(e.code() as u8)
        }
    }
}
