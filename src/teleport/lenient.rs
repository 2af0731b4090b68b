//! Field deserializers that never fail on a wrong type. Every field of tctl's output may be
//! missing, null or of an unexpected type (other versions, hostile data); one odd field must
//! not discard a whole listing, and a streaming parser cannot skip back to retry an element.
//! A value of the wrong type reads as absent and is consumed without being kept.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use jiff::Timestamp;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A type that can be picked out of whatever JSON value is there.
pub trait Pick: Sized {
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_int(_: i64) -> Option<Self> {
        None
    }
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl Pick for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl Pick for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Pick for i64 {
    fn from_int(i: i64) -> Option<Self> {
        Some(i)
    }
}

impl Pick for Timestamp {
    fn from_str(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

impl Pick for Vec<String> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(item)) = seq.next_element::<Lenient<String>>()? {
            out.extend(item);
        }
        Ok(Some(out))
    }
}

impl Pick for BTreeMap<String, String> {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, Lenient(value))) = map.next_entry::<String, Lenient<String>>()? {
            if let Some(value) = value {
                out.insert(key, value);
            }
        }
        Ok(Some(out))
    }
}

/// `Some` when the value had the wanted type.
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Pick> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PickVisitor::<T>(PhantomData))
            .map(Lenient)
    }
}

struct PickVisitor<T>(PhantomData<T>);

impl<'de, T: Pick> Visitor<'de> for PickVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(T::from_bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(T::from_int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).ok().and_then(T::from_int))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::from_str(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::from_map(map)
    }
}

/// For `#[serde(default, deserialize_with = "lenient::opt")]` on `Option<T>` fields.
pub fn opt<'de, D: Deserializer<'de>, T: Pick>(d: D) -> Result<Option<T>, D::Error> {
    Lenient::<T>::deserialize(d).map(|l| l.0)
}

/// For `#[serde(default, deserialize_with = "lenient::or_empty")]` on list and map fields.
pub fn or_empty<'de, D: Deserializer<'de>, T: Pick + Default>(d: D) -> Result<T, D::Error> {
    opt(d).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, Default)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "opt")]
        name: Option<String>,
        #[serde(deserialize_with = "opt")]
        on: Option<bool>,
        #[serde(deserialize_with = "opt")]
        at: Option<Timestamp>,
        #[serde(deserialize_with = "opt")]
        n: Option<i64>,
        #[serde(deserialize_with = "or_empty")]
        list: Vec<String>,
        #[serde(deserialize_with = "or_empty")]
        labels: BTreeMap<String, String>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn right_types_are_kept() {
        let p = probe(
            r#"{"name":"web","on":true,"at":"2026-06-03T20:38:49.621446047Z","n":3,
                "list":["a","b"],"labels":{"env":"prod"}}"#,
        );
        assert_eq!(p.name.as_deref(), Some("web"));
        assert_eq!(p.on, Some(true));
        assert_eq!(p.at.unwrap().subsec_nanosecond(), 621_446_047);
        assert_eq!(p.n, Some(3));
        assert_eq!(p.list, ["a", "b"]);
        assert_eq!(p.labels["env"], "prod");
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let p = probe(
            r#"{"name":{"deep":[1,2,{"x":null}]},"on":"yes","at":"yesterday","n":1.5,
                "list":["a",7,null,{"b":1},"c"],"labels":{"env":["prod"],"team":"sre"}}"#,
        );
        assert_eq!(p.name, None);
        assert_eq!(p.on, None);
        assert_eq!(p.at, None);
        assert_eq!(p.n, None);
        assert_eq!(p.list, ["a", "c"]);
        assert_eq!(p.labels.len(), 1);
        assert_eq!(p.labels["team"], "sre");
    }

    #[test]
    fn nulls_and_missing_fields_are_absent() {
        let p = probe(r#"{"name":null,"list":null,"labels":null}"#);
        assert!(p.name.is_none() && p.list.is_empty() && p.labels.is_empty());
        let p = probe("{}");
        assert!(p.on.is_none() && p.at.is_none());
    }

    #[test]
    fn huge_integers_do_not_overflow() {
        assert_eq!(probe(r#"{"n":18446744073709551615}"#).n, None);
    }
}
