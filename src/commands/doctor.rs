//! `doctor`: what works and what is missing, one check a line (or as data).

use std::io::{self, BufWriter};

use crate::app::{Run, finish, print};
use crate::error::{Error, Exit};
use crate::render::{self, Format};

pub fn doctor(r: &Run, insecure: bool) -> Result<(), Error> {
    let format = r.format(Format::Tsv);
    let checks = match r.waiting(|| r.source().doctor(insecure, r.now)) {
        Ok(checks) => checks,
        Err(note) if format == Format::Table => return print(&format!("{note}\n")),
        Err(note) => {
            // Data formats get their empty result, so a script reads valid output.
            eprintln!("{note}");
            return finish(render::checks(&mut io::stdout().lock(), &[], format));
        }
    };
    finish(render::checks(
        &mut BufWriter::new(io::stdout().lock()),
        &checks,
        format,
    ))?;
    match crate::review::doctor::exit(&checks) {
        None => Ok(()),
        Some(Exit::SearchUnavailable) => Err(Error::new(
            Exit::SearchUnavailable,
            "session search is unavailable; everything else works",
        )),
        Some(code) => Err(Error::new(code, "a check failed: see above")),
    }
}
