//! Reading a JSON array that tctl prints, element by element, so memory stays flat however
//! long the listing. `null` (newer tctl) and `[]` (older) are both empty.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};

/// Hands each element to `sink` as soon as it is read; returns how many there were. `what`
/// names the elements in errors ("audit events").
pub fn each<T: DeserializeOwned, R: Read>(
    reader: R,
    what: &'static str,
    sink: &mut dyn FnMut(T),
) -> Result<usize, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let count = Elements {
        what,
        sink,
        element: PhantomData,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(count)
}

struct Elements<'a, T> {
    what: &'static str,
    sink: &'a mut dyn FnMut(T),
    element: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Elements<'_, T> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Elements<'_, T> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON array of {} (or null)", self.what)
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while let Some(element) = seq.next_element::<T>()? {
            count += 1;
            (self.sink)(element);
        }
        Ok(count)
    }
}
