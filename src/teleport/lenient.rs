//! Field deserializers that never fail on a wrong type. Every field of tctl's output may be
//! missing, null or of an unexpected type (other versions, hostile data); one odd field must
//! not discard a whole listing, and a streaming parser cannot skip back to retry an element.
//! A value of the wrong type reads as absent and is consumed without being kept.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use jiff::Timestamp;

use crate::session::Time;
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// A text as read: borrowed from the input unless it had escapes.
pub type Str<'a> = Cow<'a, str>;

/// An object's string members as read, in order (duplicate keys included): labels.
pub type Pairs<'a> = Vec<(Str<'a>, Str<'a>)>;

/// A type that can be picked out of whatever JSON value is there; `'de` is the input's
/// lifetime, which strings may borrow.
pub trait Pick<'de>: Sized {
    fn from_borrowed_str(s: &'de str) -> Option<Self> {
        Self::from_str(s)
    }
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_int(_: i64) -> Option<Self> {
        None
    }
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de: 'a, 'a> Pick<'de> for Str<'a> {
    fn from_borrowed_str(s: &'de str) -> Option<Self> {
        Some(Cow::Borrowed(s))
    }
    fn from_str(s: &str) -> Option<Self> {
        Some(Cow::Owned(s.to_owned()))
    }
}

impl Pick<'_> for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl Pick<'_> for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Pick<'_> for i64 {
    fn from_int(i: i64) -> Option<Self> {
        Some(i)
    }
}

impl Pick<'_> for Timestamp {
    fn from_str(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

impl Pick<'_> for Time {
    fn from_str(s: &str) -> Option<Self> {
        Time::parse(s)
    }
}

impl<'de> Pick<'de> for Vec<String> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(item)) = seq.next_element::<Lenient<String>>()? {
            out.extend(item);
        }
        Ok(Some(out))
    }
}

impl<'de: 'a, 'a> Pick<'de> for Vec<Str<'a>> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(item)) = seq.next_element::<Lenient<Str<'a>>>()? {
            out.extend(item);
        }
        Ok(Some(out))
    }
}

impl<'de: 'a, 'a> Pick<'de> for Pairs<'a> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut pairs = Vec::new();
        while let Some((Lenient(key), Lenient(value))) =
            map.next_entry::<Lenient<Str<'a>>, Lenient<Str<'a>>>()?
        {
            pairs.extend(key.zip(value));
        }
        Ok(Some(pairs))
    }
}

/// `Some` when the value had the wanted type.
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Pick<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PickVisitor::<T>(PhantomData))
            .map(Lenient)
    }
}

struct PickVisitor<T>(PhantomData<T>);

impl<'de, T: Pick<'de>> Visitor<'de> for PickVisitor<T> {
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
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(T::from_borrowed_str(v))
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
pub fn opt<'de, D: Deserializer<'de>, T: Pick<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Lenient::<T>::deserialize(d).map(|l| l.0)
}

/// For `#[serde(default, deserialize_with = "lenient::or_empty")]` on list, map and time
/// fields.
pub fn or_empty<'de, D: Deserializer<'de>, T: Pick<'de> + Default>(d: D) -> Result<T, D::Error> {
    opt(d).map(Option::unwrap_or_default)
}

/// How deep [`shallow`] keeps a value: the deepest field read this way (a resource
/// property, `Type.Ssh.server_hostname`) is three levels down.
const SHALLOW_DEPTH: u8 = 6;

/// For fields whose shape varies (epochs, severities, resource properties): the JSON value,
/// with anything nested deeper than [`SHALLOW_DEPTH`] read as null. A plain `Value` would hit
/// the parser's recursion limit on a deeply nested field and fail the whole listing.
pub fn shallow<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Shallow(SHALLOW_DEPTH).deserialize(d)
}

#[derive(Clone, Copy)]
struct Shallow(u8);

impl<'de> DeserializeSeed<'de> for Shallow {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Shallow {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Some(inner) = self.0.checked_sub(1).map(Shallow) else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        };
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(inner) = self.0.checked_sub(1).map(Shallow) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        };
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            out.insert(key, map.next_value_seed(inner)?);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, Default)]
    #[serde(default)]
    struct Probe<'a> {
        #[serde(borrow, deserialize_with = "opt")]
        name: Option<Str<'a>>,
        #[serde(deserialize_with = "opt")]
        on: Option<bool>,
        #[serde(deserialize_with = "or_empty")]
        at: Time,
        #[serde(deserialize_with = "opt")]
        n: Option<i64>,
        #[serde(borrow, deserialize_with = "or_empty")]
        list: Vec<Str<'a>>,
        #[serde(borrow, deserialize_with = "or_empty")]
        labels: Pairs<'a>,
    }

    fn probe(json: &str) -> Probe<'_> {
        serde_json::from_str(json).unwrap()
    }

    fn label<'a>(p: &'a Probe<'_>, key: &str) -> Option<&'a str> {
        p.labels
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    #[test]
    fn right_types_are_kept() {
        let p = probe(
            r#"{"name":"web","on":true,"at":"2026-06-03T20:38:49.621446047Z","n":3,
                "list":["a","b"],"labels":{"env":"prod"}}"#,
        );
        assert_eq!(p.name.as_deref(), Some("web"));
        assert_eq!(p.on, Some(true));
        assert_eq!(p.at.get().unwrap().subsec_nanosecond(), 621_446_047);
        assert_eq!(p.n, Some(3));
        assert_eq!(p.list, ["a", "b"]);
        assert_eq!(label(&p, "env"), Some("prod"));
        assert!(
            matches!(p.name, Some(Cow::Borrowed(_))),
            "borrowed from the input"
        );
        let escaped = probe(r#"{"name":"w\u0065b"}"#);
        assert_eq!(escaped.name.as_deref(), Some("web"));
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let p = probe(
            r#"{"name":{"deep":[1,2,{"x":null}]},"on":"yes","at":"yesterday","n":1.5,
                "list":["a",7,null,{"b":1},"c"],"labels":{"env":["prod"],"team":"sre"}}"#,
        );
        assert_eq!(p.name, None);
        assert_eq!(p.on, None);
        assert_eq!(p.at, Time::NONE);
        assert_eq!(p.n, None);
        assert_eq!(p.list, ["a", "c"]);
        assert_eq!(p.labels.len(), 1);
        assert_eq!(label(&p, "team"), Some("sre"));
    }

    #[test]
    fn shallow_values_keep_their_shape_and_drop_what_is_too_deep() {
        #[derive(serde::Deserialize)]
        struct S {
            #[serde(deserialize_with = "shallow")]
            v: Value,
        }
        let read = |json: &str| serde_json::from_str::<S>(json).unwrap().v;
        let props = r#"{"Type":{"Ssh":{"n":[1,2.5,true,null],"server_hostname":"web-01"}}}"#;
        assert_eq!(read(&format!(r#"{{"v":{props}}}"#)).to_string(), props);
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        // Six levels are kept; below them the rest of the nesting reads as one null.
        assert_eq!(
            read(&format!(r#"{{"v":{{"a":{deep}}}}}"#)).to_string(),
            r#"{"a":[[[[[null]]]]]}"#
        );
        assert_eq!(
            read(&format!(r#"{{"v":{deep}}}"#)).to_string(),
            "[[[[[[null]]]]]]"
        );
    }

    #[test]
    fn nulls_and_missing_fields_are_absent() {
        let p = probe(r#"{"name":null,"list":null,"labels":null}"#);
        assert!(p.name.is_none() && p.list.is_empty() && p.labels.is_empty());
        let p = probe("{}");
        assert!(p.on.is_none() && p.at.is_none());
        let p = probe(r#"{"labels":{"a":"1","a":"2"}}"#);
        assert_eq!(label(&p, "a"), Some("2"), "a later value wins, as in a map");
    }

    #[test]
    fn huge_integers_do_not_overflow() {
        assert_eq!(probe(r#"{"n":18446744073709551615}"#).n, None);
    }
}
