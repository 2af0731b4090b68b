//! The texts the binary carries, the completion scripts and the demo's data, stored deflated
//! by build.rs and inflated on first use. As plain text they were 455 KB of a 4.4 MB binary
//! (docs/performance.md, "Binary size"); inflating the largest takes well under a millisecond,
//! and only the command that prints or reads it pays for that.

use std::sync::OnceLock;

use miniz_oxide::inflate::decompress_to_vec_with_limit;

use crate::error::Error;

/// No packed text comes near this; a bound keeps a damaged stream from growing without one.
const MAX: usize = 4 << 20;

/// One deflated text, named as its file is, for the message when it cannot be read back.
pub struct Packed {
    name: &'static str,
    deflated: &'static [u8],
    text: OnceLock<Option<String>>,
}

/// The text build.rs deflated into `$OUT_DIR/NAME.z`.
macro_rules! packed {
    ($name:literal) => {
        $crate::packed::Packed::new(
            $name,
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".z")),
        )
    };
}
pub(crate) use packed;

impl Packed {
    pub const fn new(name: &'static str, deflated: &'static [u8]) -> Packed {
        Packed {
            name,
            deflated,
            text: OnceLock::new(),
        }
    }

    /// The text, inflated once per run.
    pub fn text(&'static self) -> Result<&'static str, Error> {
        let text = self.text.get_or_init(|| {
            let bytes = decompress_to_vec_with_limit(self.deflated, MAX).ok()?;
            String::from_utf8(bytes).ok()
        });
        text.as_deref().ok_or_else(|| {
            Error::failure(format!("the built-in {} cannot be read back", self.name))
                .because("the binary is damaged")
                .hint("reinstall tsh-review (./install.sh)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reads_back_as_written() {
        static DEMO: Packed = packed!("ls.json");
        assert_eq!(DEMO.text().unwrap(), include_str!("demo/ls.json"));
    }

    #[test]
    fn a_damaged_text_is_an_error_that_says_what_to_do() {
        static DAMAGED: Packed = Packed::new("sample", b"\xff\xff\xff\xff");
        let e = DAMAGED.text().unwrap_err().to_string();
        assert!(
            e.contains("built-in sample") && e.contains("reinstall"),
            "{e}"
        );
    }
}
