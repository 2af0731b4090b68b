//! The parse floor for `bench/run.sh`: the least work any tool must do on a `tctl recordings
//! ls --format=json` output, streamed the way tsh-review reads it (serde_json over a 64 KiB
//! `BufReader`, one array element at a time), with every element skipped as `IgnoredAny`.
//! Prints the number of elements. Reads the file named by the first argument, else stdin.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};

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
    let input: Box<dyn Read> = match std::env::args_os().nth(1) {
        Some(path) => Box::new(File::open(path)?),
        None => Box::new(io::stdin()),
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, input));
    let n = (&mut de).deserialize_any(Count)?;
    de.end()?;
    println!("{n}");
    Ok(())
}
