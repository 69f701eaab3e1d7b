//! A body decoded into its type and checked against its rules in one pass over its
//! text, with no `serde_json::Value` in between: the way every body that holds is read.
//!
//! The pass only answers whether the body holds. It stops at the first broken rule, and
//! it does not follow the keywords that need more than the value at hand (`uniqueItems`,
//! `minProperties`, `allOf` and discriminators on objects and arrays, `enum` of objects
//! and arrays): it gives up on those too. Either way the body is read again by
//! [`walk`](super::walk), which lists every violation with its pointer, so what a
//! client is told never depends on this pass.
//!
//! Each wrapper passes serde's calls through to the JSON deserializer and checks the
//! value as the type's visitor receives it. Values with no rules are wrapped too: what
//! the type ignores must still be JSON that a `serde_json::Value` can hold (serde_json
//! skips an ignored `1e400` without reading it), so nothing is skipped unread.

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

use super::checks::{broken_items, broken_members, broken_number, broken_string};
use super::schema::{Additional, Check, Kind, Schema};

/// `T` decoded from `bytes` when the bytes are one JSON document of `T` that keeps every
/// rule of `schema`; `None` when anything fails or the pass cannot tell.
pub(crate) fn decode_if_valid<T: DeserializeOwned>(
    bytes: &[u8],
    schema: &'static Schema,
) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(Checked {
        inner: &mut deserializer,
        schema,
    })
    .ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// The error that stops the pass: its text is never shown, since the body is then
/// read the thorough way.
fn stop<E: de::Error>() -> E {
    E::custom("the body breaks a rule")
}

fn hold<E: de::Error>(holds: bool) -> Result<(), E> {
    if holds {
        Ok(())
    } else {
        Err(stop())
    }
}

/// Whether `null` keeps `schema`'s rules.
fn null_holds(schema: &Schema) -> bool {
    if schema.nullable {
        return true;
    }
    schema.kind.is_none()
        && allowed(schema, || "null".into())
        && schema.all_of.iter().all(|part| null_holds(part))
}

fn bool_holds(schema: &Schema, value: bool) -> bool {
    admits(schema.kind, Kind::Boolean)
        && allowed(schema, || value.to_string())
        && schema.all_of.iter().all(|part| bool_holds(part, value))
}

/// A number as JSON reads it: the integer kinds keep their exact text for `enum`.
#[derive(Clone, Copy)]
enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Signed(n) => n as f64,
            Number::Unsigned(n) => n as f64,
            Number::Float(n) => n,
        }
    }

    /// The value's JSON text, as `serde_json::Value` writes it.
    fn text(self) -> String {
        match self {
            Number::Signed(n) => serde_json::Number::from(n).to_string(),
            Number::Unsigned(n) => serde_json::Number::from(n).to_string(),
            Number::Float(n) => serde_json::Number::from_f64(n)
                .map(|n| n.to_string())
                .unwrap_or_default(),
        }
    }

    fn is_integer(self) -> bool {
        match self {
            Number::Signed(_) | Number::Unsigned(_) => true,
            Number::Float(n) => n.fract() == 0.0,
        }
    }
}

fn number_holds(schema: &Schema, value: Number) -> bool {
    let kind = match schema.kind {
        None | Some(Kind::Number) => true,
        Some(Kind::Integer) => value.is_integer(),
        Some(_) => false,
    };
    kind && allowed(schema, || value.text())
        && schema
            .checks
            .iter()
            .all(|check| broken_number(value.as_f64(), check).is_none())
        && schema.all_of.iter().all(|part| number_holds(part, value))
}

fn string_holds(schema: &Schema, value: &str) -> bool {
    admits(schema.kind, Kind::String)
        && (schema.allowed.is_empty()
            || schema
                .allowed
                .iter()
                .any(|allowed| is_json_string(allowed, value)))
        && schema
            .checks
            .iter()
            .all(|check| broken_string(value, check).is_none())
        && schema.all_of.iter().all(|part| string_holds(part, value))
}

/// Whether `json` is the JSON text of the string `value`, without writing `value` as
/// JSON unless it has characters to escape.
fn is_json_string(json: &str, value: &str) -> bool {
    let plain = !value.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    if plain {
        json.len() == value.len() + 2
            && json.starts_with('"')
            && json.ends_with('"')
            && &json[1..json.len() - 1] == value
    } else {
        serde_json::to_string(value).is_ok_and(|text| text == json)
    }
}

/// Whether the JSON text `text()` is one of `schema`'s `enum` values, when it has any.
fn allowed(schema: &Schema, text: impl FnOnce() -> String) -> bool {
    schema.allowed.is_empty() || {
        let text = text();
        schema.allowed.iter().any(|allowed| *allowed == text)
    }
}

/// Whether a schema of kind `kind` (none: any) admits a value of kind `value`.
fn admits(kind: Option<Kind>, value: Kind) -> bool {
    kind.is_none() || kind == Some(value)
}

/// Whether the pass can follow an object or array of `schema`, and its kind allows `kind`.
fn container_holds(schema: &Schema, kind: Kind) -> bool {
    admits(schema.kind, kind)
        && schema.allowed.is_empty()
        && schema.all_of.is_empty()
        && schema.tagged.is_none()
        && !schema
            .checks
            .iter()
            .any(|check| matches!(check, Check::UniqueItems | Check::MinProperties(_)))
        && schema.required.len() <= 64
}

/// The schema of values without rules.
static ANY: Schema = Schema::ANY;

/// A value of `schema`, as a `DeserializeSeed`.
struct CheckedSeed<S> {
    seed: S,
    schema: &'static Schema,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Checked {
            inner: deserializer,
            schema: self.schema,
        })
    }
}

/// A deserializer whose value must keep `schema`.
struct Checked<D> {
    inner: D,
    schema: &'static Schema,
}

/// Forwards each `deserialize_*` method to the inner deserializer with the visitor
/// wrapped by `$wrap`.
macro_rules! forward {
    ($wrap:ident: $($method:ident($($arg:ident: $ty:ty),*))*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $($arg: $ty,)*
                visitor: V,
            ) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* $wrap::new(visitor, self.schema))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<D> {
    type Error = D::Error;

    forward! { CheckedVisitor:
        deserialize_any() deserialize_bool() deserialize_i8() deserialize_i16()
        deserialize_i32() deserialize_i64() deserialize_i128() deserialize_u8()
        deserialize_u16() deserialize_u32() deserialize_u64() deserialize_u128()
        deserialize_f32() deserialize_f64() deserialize_char() deserialize_str()
        deserialize_string() deserialize_bytes() deserialize_byte_buf()
        deserialize_option() deserialize_unit() deserialize_seq() deserialize_map()
        deserialize_identifier()
        deserialize_unit_struct(name: &'static str)
        deserialize_newtype_struct(name: &'static str)
        deserialize_tuple(len: usize)
        deserialize_tuple_struct(name: &'static str, len: usize)
        deserialize_struct(name: &'static str, fields: &'static [&'static str])
    }

    /// A unit variant arrives as a string and a variant with data as an object of one
    /// property; reading either as it is lets the string be checked as a string.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(EnumVisitor {
            visitor,
            schema: self.schema,
        })
    }

    /// What the type ignores is still checked, so it is read whole.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner
            .deserialize_any(CheckedVisitor::new(visitor, self.schema))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The type's visitor, seeing only values that keep `schema`.
struct CheckedVisitor<V> {
    visitor: V,
    schema: &'static Schema,
}

impl<V> CheckedVisitor<V> {
    fn new(visitor: V, schema: &'static Schema) -> Self {
        CheckedVisitor { visitor, schema }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<V::Value, E> {
        hold(bool_holds(self.schema, value))?;
        self.visitor.visit_bool(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<V::Value, E> {
        hold(number_holds(self.schema, Number::Signed(value)))?;
        self.visitor.visit_i64(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<V::Value, E> {
        hold(number_holds(self.schema, Number::Unsigned(value)))?;
        self.visitor.visit_u64(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<V::Value, E> {
        hold(number_holds(self.schema, Number::Float(value)))?;
        self.visitor.visit_f64(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        hold(string_holds(self.schema, value))?;
        self.visitor.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        hold(string_holds(self.schema, value))?;
        self.visitor.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        hold(string_holds(self.schema, &value))?;
        self.visitor.visit_string(value)
    }

    /// JSON gives bytes only for a string a type reads as bytes.
    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<V::Value, E> {
        let text = std::str::from_utf8(value).map_err(|_| stop::<E>())?;
        hold(string_holds(self.schema, text))?;
        self.visitor.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        let text = std::str::from_utf8(value).map_err(|_| stop::<E>())?;
        hold(string_holds(self.schema, text))?;
        self.visitor.visit_borrowed_bytes(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        hold(null_holds(self.schema))?;
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        hold(null_holds(self.schema))?;
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Checked {
            inner: deserializer,
            schema: self.schema,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Checked {
            inner: deserializer,
            schema: self.schema,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        hold(container_holds(self.schema, Kind::Array))?;
        let mut items = CheckedSeq {
            inner: seq,
            schema: self.schema,
            len: 0,
        };
        let value = self.visitor.visit_seq(&mut items)?;
        let len = items.len;
        hold(
            self.schema
                .checks
                .iter()
                .all(|check| broken_items(len, check).is_none()),
        )?;
        Ok(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let visitor = self.visitor;
        read_object(self.schema, map, |members| visitor.visit_map(members))
    }
}

/// Reads an object of `schema` from `map` with `visit`, then checks what only the whole
/// object tells: its required properties and its size.
fn read_object<'de, A: MapAccess<'de>, T>(
    schema: &'static Schema,
    map: A,
    visit: impl FnOnce(&mut CheckedMap<A>) -> Result<T, A::Error>,
) -> Result<T, A::Error> {
    hold(container_holds(schema, Kind::Object))?;
    let mut members = CheckedMap {
        inner: map,
        keys: Keys {
            schema,
            present: 0,
            len: 0,
            value: None,
        },
    };
    let value = visit(&mut members)?;
    let keys = &members.keys;
    let every = match schema.required.len() {
        64 => u64::MAX,
        n => (1u64 << n) - 1,
    };
    hold(
        keys.present == every
            && schema
                .checks
                .iter()
                .all(|check| broken_members(keys.len, check).is_none()),
    )?;
    Ok(value)
}

/// An enum's value: a string (a unit variant) or an object of one property.
struct EnumVisitor<V> {
    visitor: V,
    schema: &'static Schema,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for EnumVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        hold(string_holds(self.schema, value))?;
        self.visitor.visit_enum(StrDeserializer::<E>::new(value))
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        hold(string_holds(self.schema, value))?;
        self.visitor
            .visit_enum(BorrowedStrDeserializer::<E>::new(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        self.visit_str(&value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let visitor = self.visitor;
        read_object(self.schema, map, |members| {
            visitor.visit_enum(MapAccessDeserializer::new(members))
        })
    }
}

/// An array's items, each with the schema of its position.
struct CheckedSeq<A> {
    inner: A,
    schema: &'static Schema,
    len: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let schema = match self.schema.prefix_items.get(self.len) {
            Some(positional) => positional,
            None => self.schema.items.unwrap_or(&ANY),
        };
        let item = self.inner.next_element_seed(CheckedSeed { seed, schema })?;
        self.len += item.is_some() as usize;
        Ok(item)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// An object's properties, each value with the schema its key selects.
struct CheckedMap<A> {
    inner: A,
    keys: Keys,
}

/// What the keys of one object have shown so far.
struct Keys {
    schema: &'static Schema,
    /// One bit per entry of `schema.required`, set when that property was read.
    present: u64,
    /// Properties read.
    len: usize,
    /// The schema of the value of the key just read, once it is read.
    value: Option<&'static Schema>,
}

impl Keys {
    /// Notes the key `name`: whether it may appear, and the schema of its value.
    fn read(&mut self, name: &str) -> bool {
        let schema = self.schema;
        if let Some(index) = schema.required.iter().position(|r| *r == name) {
            self.present |= 1 << index;
        }
        self.len += 1;
        if let Some(names) = schema.property_names {
            if !string_holds(names, name) {
                return false;
            }
        }
        self.value = match schema.properties.iter().find(|(key, _)| *key == name) {
            Some((_, value)) => Some(*value),
            None => match schema.additional {
                Additional::Any => Some(&ANY),
                Additional::Deny => return false,
                Additional::Schema(value) => Some(value),
            },
        };
        true
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.keys.value = None;
        self.inner.next_key_seed(KeySeed {
            seed,
            keys: &mut self.keys,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let schema = self.keys.value.take().unwrap_or(&ANY);
        self.inner.next_value_seed(CheckedSeed { seed, schema })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A key, noted in `keys` as the type reads it.
struct KeySeed<'k, S> {
    seed: S,
    keys: &'k mut Keys,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            inner: deserializer,
            keys: self.keys,
        })
    }
}

/// A key's deserializer: every key of a JSON object is a string, which is noted
/// whatever the type asks it as.
struct KeyDeserializer<'k, D> {
    inner: D,
    keys: &'k mut Keys,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(KeyVisitor {
            visitor,
            keys: self.keys,
        })
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_str(KeyVisitor {
            visitor,
            keys: self.keys,
        })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_string(KeyVisitor {
            visitor,
            keys: self.keys,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_identifier(KeyVisitor {
            visitor,
            keys: self.keys,
        })
    }

    /// A key the type ignores still decides whether its property may appear.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_str(KeyVisitor {
            visitor,
            keys: self.keys,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }

    // Keys read as numbers, booleans and the like reach the visitor as such, not as
    // the text the rules name; the key visitor gives up on them.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
    }
}

/// Notes a key's text, then hands it to the type's visitor.
struct KeyVisitor<'k, V> {
    visitor: V,
    keys: &'k mut Keys,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        hold(self.keys.read(value))?;
        self.visitor.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        hold(self.keys.read(value))?;
        self.visitor.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        hold(self.keys.read(&value))?;
        self.visitor.visit_string(value)
    }
}

#[cfg(test)]
#[path = "single_pass_tests.rs"]
mod tests;
