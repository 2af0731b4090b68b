//! The fast parse floor for `bench/run.sh` (SPEC 6): the least work any tool must do on a
//! `tctl recordings ls --format=json` output held in memory. The whole file is read with
//! `fs::read`, then one `serde_json::from_slice` pass skips every element as `IgnoredAny`.
//! Prints the number of elements. Reads the file named by the first argument, else stdin.
//!
//! `examples/parse_floor.rs` is the slower floor of a streaming reader (serde_json over a
//! `BufReader`); tsh-review streams, but from a buffer it refills, so this is its floor.

use std::fmt;
use std::io::{self, Read};

use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};

/// Counts the elements of the top-level array (`null` counts as empty, like tctl's).
struct Count;

impl<'de> Visitor<'de> for Count {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array (or null)")
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = match std::env::args_os().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => {
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes)?;
            bytes
        }
    };
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let n = (&mut de).deserialize_any(Count)?;
    de.end()?;
    println!("{n}");
    Ok(())
}
