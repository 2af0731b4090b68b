//! Reading a JSON array that tctl prints, element by element, so memory stays flat however
//! long the listing. `null` (newer tctl) and `[]` (older) are both empty.

use std::fmt;
use std::io::{BufReader, Read};
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};

/// Hands each of the first `max` elements to `sink` as soon as it is read; returns how many
/// elements there were in all. Elements past `max` are checked and counted but not kept: a
/// tctl that ignores `--limit` must not make us hold what was not asked for. `what` names the
/// elements in errors ("audit events").
pub fn each<T: DeserializeOwned, R: Read>(
    reader: R,
    what: &'static str,
    max: usize,
    sink: &mut dyn FnMut(T),
) -> Result<usize, serde_json::Error> {
    // serde_json pulls one byte per `read` call: a concrete buffer in front of the (often
    // `dyn`) reader makes those calls inlined copies instead of virtual calls.
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, reader));
    let count = Elements {
        what,
        max,
        sink,
        element: PhantomData,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(count)
}

struct Elements<'a, T> {
    what: &'static str,
    max: usize,
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
        while count < self.max {
            match seq.next_element::<T>()? {
                Some(element) => {
                    count += 1;
                    (self.sink)(element);
                }
                None => return Ok(count),
            }
        }
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
}

/// What went wrong with a listing, in words for the error message: cut short, not JSON at all,
/// or well-formed but not tctl's shape. A field given twice in one element is refused rather
/// than resolved: tctl never prints it, and readers disagree on which value wins, which is
/// exactly what an altered listing would exploit.
pub fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("line {} column {}", e.line(), e.column());
    match e.classify() {
        Category::Eof => format!("it ends in the middle of the JSON, at {at}"),
        Category::Syntax => format!("it is not valid JSON at {at}: {}", without_position(e)),
        Category::Data if e.to_string().starts_with("duplicate field") => format!(
            "one element has the {} twice, at {at}; which value is true cannot be told, so \
             nothing is guessed",
            without_position(e).trim_start_matches("duplicate ")
        ),
        Category::Data | Category::Io => e.to_string(),
    }
}

fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(json: &str) -> String {
        let mut sink = |_: std::collections::BTreeMap<String, String>| {};
        describe(&each(json.as_bytes(), "things", usize::MAX, &mut sink).unwrap_err())
    }

    #[test]
    fn errors_say_what_is_wrong_with_the_listing() {
        assert_eq!(
            error_of("[{\"a\": \"b\""),
            "it ends in the middle of the JSON, at line 1 column 10"
        );
        assert!(
            error_of("[NaN]")
                .starts_with("it is not valid JSON at line 1 column 2: expected value")
        );
        assert!(error_of("[{\"a\": \"\\ud800\"}]").contains("not valid JSON"));
        assert_eq!(
            error_of("{}"),
            "invalid type: map, expected a JSON array of things (or null) at line 1 column 2"
        );
    }

    #[test]
    fn elements_past_the_maximum_are_counted_not_kept() {
        let mut kept = Vec::new();
        let n = each(
            &b"[1, 2, 3, {\"x\": [4]}, 5]"[..],
            "numbers",
            2,
            &mut |v: u32| kept.push(v),
        )
        .unwrap();
        assert_eq!((n, kept), (5, vec![1, 2]));
        // The rest must still be JSON: a listing cut short is an error, not a quiet cap.
        let mut sink = |_: u32| {};
        assert!(each(&b"[1, 2, 3"[..], "numbers", 2, &mut sink).is_err());
    }

    #[test]
    fn a_field_given_twice_is_refused_not_resolved() {
        #[derive(serde::Deserialize)]
        struct User {
            #[allow(dead_code)]
            user: String,
        }
        let mut sink = |_: User| {};
        let e = each(
            &br#"[{"user": "alice", "user": "root"}]"#[..],
            "events",
            usize::MAX,
            &mut sink,
        )
        .unwrap_err();
        assert_eq!(
            describe(&e),
            "one element has the field `user` twice, at line 1 column 26; which value is true \
             cannot be told, so nothing is guessed"
        );
    }
}
