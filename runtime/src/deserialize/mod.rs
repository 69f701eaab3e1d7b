//! [`deserialize_struct!`](crate::deserialize_struct): `Deserialize` for generated
//! structs in a fraction of the code serde's derive writes.
//!
//! Most of the time `cargo check` spends on a generated crate of models goes to the code
//! `#[derive(Deserialize)]` writes: for each struct a field enum with a visitor and a
//! `Deserialize` of its own, and a visitor that reads the struct from a sequence as well
//! as from a map. The macro reads a struct from a map only (what every JSON object is),
//! with the property names matched against one table. Its expansion only names a slot
//! per field ([`slots`]) and takes the values out; the loop over the map is
//! [`read_struct`], generic over the tuple of slots, which the compiler checks once
//! rather than once per struct (a tenth of the time the per-struct loop took).
//!
//! What a struct reads is what the derive reads: the same properties, the same defaults,
//! unknown properties skipped (or refused after `deny_unknown_fields`), and serde's own
//! errors (`missing field`, `duplicate field`, `unknown field`, `invalid type: ...,
//! expected struct Name`). Only a sequence, which the derive would read as the fields in
//! order, is refused as the wrong type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// Invokes `$m!` for tuples of 1 to 16 elements: `$m!(E0 0)`, ..., each element a type
/// parameter's name and its index.
macro_rules! one_to_16 {
    ($m:ident) => {
        $m!(E0 0);
        $m!(E0 0, E1 1);
        $m!(E0 0, E1 1, E2 2);
        $m!(E0 0, E1 1, E2 2, E3 3);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11);
        $m!(E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12);
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15
        );
    };
}

/// Invokes `$m!` for every tuple of up to [`GROUP`] fields, the empty one too.
macro_rules! up_to_a_group {
    ($m:ident) => {
        $m!();
        one_to_16!($m);
    };
}

/// Invokes `$m!` for every number of groups a struct's fields come in, 1 to 32.
macro_rules! one_to_32_groups {
    ($m:ident) => {
        one_to_16!($m);
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26, E27 27
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26, E27 27, E28 28
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26, E27 27, E28 28, E29 29
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26, E27 27, E28 28, E29 29, E30 30
        );
        $m!(
            E0 0, E1 1, E2 2, E3 3, E4 4, E5 5, E6 6, E7 7, E8 8, E9 9, E10 10, E11 11, E12 12,
            E13 13, E14 14, E15 15, E16 16, E17 17, E18 18, E19 19, E20 20, E21 21, E22 22,
            E23 23, E24 24, E25 25, E26 26, E27 27, E28 28, E29 29, E30 30, E31 31
        );
    };
}

mod slots;
mod writes;

pub use slots::{Defaulted, Maybe, Plain, Required, Slot, Slots, Wide, GROUP};
pub use writes::{write_struct, Out, Outs};

/// Implements `serde::Deserialize` for a struct with named fields, read from a map of
/// its properties. Generated code invokes it after each struct:
///
/// ```
/// use specfirst_runtime::deserialize_struct;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Book {
///     pub title: String,
///     pub page_count: Option<u32>,
///     pub shelf: u32,
///     pub subtitle: Option<String>,
/// }
/// deserialize_struct!(Book {
///     title, page_count: "pageCount", shelf default, subtitle required,
/// });
///
/// let book: Book = serde_json::from_str(r#"{"title": "Dune", "subtitle": null}"#).unwrap();
/// assert_eq!(
///     book,
///     Book { title: "Dune".into(), page_count: None, shelf: 0, subtitle: None }
/// );
/// ```
///
/// Each field is named, then its property when that is spelled otherwise (a raw
/// identifier's property is always given). A missing property reads as the field's
/// type reads a missing value (`None` for an `Option`, an error for anything else)
/// unless the field is marked `default` (the type's default), `default = path` (what
/// the function returns) or `required` (always an error: a property the spec requires
/// though its value may be null); [`serde_struct!`](crate::serde_struct)'s marks
/// `optional`, `empty` and `absent` read as no mark, `default` and `default` do. Unknown properties are
/// skipped, or refused when the invocation ends with `, deny_unknown_fields`.
#[macro_export]
macro_rules! deserialize_struct {
    (@key $field:ident) => {
        ::std::stringify!($field)
    };
    (@key $field:ident $key:literal) => {
        $key
    };
    // How a field reads: the slot it is read into, by its mark.
    (@slot) => { $crate::__private::deserialize::Plain<_> };
    (@slot optional) => { $crate::__private::deserialize::Plain<_> };
    (@slot required) => { $crate::__private::deserialize::Required<_> };
    (@slot default) => { $crate::__private::deserialize::Defaulted<_> };
    (@slot empty) => { $crate::__private::deserialize::Defaulted<_> };
    (@slot absent) => { $crate::__private::deserialize::Defaulted<_> };
    (@slot default = $default:path) => { $crate::__private::deserialize::Maybe<_> };
    // The field's value out of its slot.
    (@value $field:ident default = $default:path) => {
        $field.0.unwrap_or_else($default)
    };
    (@value $field:ident $($mark:ident)?) => {
        $field.0
    };
    // Fields, each one token tree, gathered into groups of at most
    // `deserialize::GROUP` (16): the slots of a group are one tuple. `[serialize]`
    // asks for `Serialize` too (`serde_struct!`).
    (@group $name:ident [$($done:tt)*] [$($deny:ident)?] [$($also:ident)?]
        $f0:tt $f1:tt $f2:tt $f3:tt $f4:tt $f5:tt $f6:tt $f7:tt
        $f8:tt $f9:tt $f10:tt $f11:tt $f12:tt $f13:tt $f14:tt $f15:tt $($rest:tt)+
    ) => {
        $crate::deserialize_struct!(@group $name
            [$($done)* [$f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7 $f8 $f9 $f10 $f11 $f12 $f13 $f14 $f15]]
            [$($deny)?] [$($also)?] $($rest)+
        );
    };
    (@group $name:ident [$($done:tt)*] [$($deny:ident)?] [$($also:ident)?] $($last:tt)*) => {
        $crate::deserialize_struct!(
            @impl $name [$($done)* [$($last)*]] [$($deny)?] [$($also)?]
        );
    };
    (@impl $name:ident $groups:tt [$($deny:ident)?] [$($also:ident)?]) => {
        $crate::deserialize_struct!(@read $name $groups [$($deny)?]);
        $($crate::serde_struct!(@$also $name $groups);)?
    };
    (@read $name:ident [$([$((
        $field:ident $(: $key:literal)? $($missing:ident $(= $default:path)?)?
    ))*])*] [$($deny:ident)?]) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$($($crate::deserialize_struct!(@key $field $($key)?),)*)*];
                // Reading is the runtime's, once for every struct: this names the
                // slots and takes the values out. Errors return by `match` rather
                // than `?`, which costs the compiler a conversion to look up.
                let $crate::__private::deserialize::Wide(($(($($field,)*),)*)): $crate::__private::deserialize::Wide<(
                    $(($($crate::deserialize_struct!(@slot $($missing $(= $default)?)?),)*),)*
                )> = match $crate::__private::deserialize::read_struct(
                    deserializer,
                    ::std::stringify!($name),
                    $crate::__private::deserialize::Keys::new(FIELDS)$(.$deny())?,
                ) {
                    ::std::result::Result::Ok(slots) => slots,
                    ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                };
                ::std::result::Result::Ok($name {
                    $($($field: $crate::deserialize_struct!(@value $field $($missing $(= $default)?)?),)*)*
                })
            }
        }
    };
    (
        $name:ident {
            $($field:ident $(: $key:literal)? $($missing:ident $(= $default:path)?)?),* $(,)?
        }
        $(, $deny:ident)?
    ) => {
        $crate::deserialize_struct!(@group $name [] [$($deny)?] []
            $(($field $(: $key)? $($missing $(= $default)?)?))*
        );
    };
}

/// Implements `serde::Serialize` and `serde::Deserialize` for a struct with named
/// fields: the struct is read as [`deserialize_struct!`](crate::deserialize_struct)
/// reads it and written as a map of its properties, in the order of the fields, as
/// serde's derive writes it. Generated code invokes it after each struct whose serde
/// attributes it says in its marks:
///
/// ```
/// use specfirst_runtime::serde_struct;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Book {
///     pub title: String,
///     pub page_count: Option<u32>,
///     pub tags: Vec<String>,
///     pub subtitle: Option<String>,
/// }
/// serde_struct!(Book {
///     title, page_count: "pageCount" optional, tags empty, subtitle required,
/// });
///
/// let book: Book = serde_json::from_str(r#"{"title": "Dune", "subtitle": null}"#).unwrap();
/// assert_eq!(
///     serde_json::to_string(&book).unwrap(),
///     r#"{"title":"Dune","subtitle":null}"#
/// );
/// ```
///
/// The marks are those of `deserialize_struct!` and three more: `optional` (an
/// `Option`: a missing property reads as `None`, and `None` is not written), `empty` (a
/// collection with `is_empty`: a missing property reads as the empty one, and an empty
/// one is not written) and `absent` (a [`Nullable`](crate::Nullable): a missing
/// property reads as `Absent`, which is not written). Every other field is always
/// written.
#[macro_export]
macro_rules! serde_struct {
    // A field to write, and whether it is written, by its mark.
    (@out $value:expr, optional) => {
        $crate::__private::deserialize::Out(&$value, $value.is_some())
    };
    (@out $value:expr, empty) => {
        $crate::__private::deserialize::Out(&$value, !$value.is_empty())
    };
    (@out $value:expr, absent) => {
        $crate::__private::deserialize::Out(&$value, !$value.is_absent())
    };
    (@out $value:expr $(, $mark:ident $(= $default:path)?)?) => {
        $crate::__private::deserialize::Out(&$value, true)
    };
    (@serialize $name:ident [$([$((
        $field:ident $(: $key:literal)? $($missing:ident $(= $default:path)?)?
    ))*])*]) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                const FIELDS: &[&str] = &[$($($crate::deserialize_struct!(@key $field $($key)?),)*)*];
                // Writing is the runtime's: this lists the fields and which are written.
                $crate::__private::deserialize::write_struct(
                    serializer,
                    ::std::stringify!($name),
                    FIELDS,
                    $crate::__private::deserialize::Wide(($(($(
                        $crate::serde_struct!(@out self.$field $(, $missing $(= $default)?)?),
                    )*),)*)),
                )
            }
        }
    };
    (
        $name:ident {
            $($field:ident $(: $key:literal)? $($missing:ident $(= $default:path)?)?),* $(,)?
        }
        $(, $deny:ident)?
    ) => {
        $crate::deserialize_struct!(@group $name [] [$($deny)?] [serialize]
            $(($field $(: $key)? $($missing $(= $default)?)?))*
        );
    };
}

/// Reads a property's name as the index of the struct's property it is (`None` when
/// the struct has no such property), without copying it.
#[derive(Clone, Copy)]
pub struct Keys {
    fields: &'static [&'static str],
    deny_unknown: bool,
}

impl Keys {
    /// Keys of a struct with these properties; unknown ones are `None`.
    pub fn new(fields: &'static [&'static str]) -> Self {
        Keys {
            fields,
            deny_unknown: false,
        }
    }

    /// Unknown properties are an error.
    pub fn deny_unknown_fields(self) -> Self {
        Keys {
            deny_unknown: true,
            ..self
        }
    }

    fn find<E: de::Error>(self, name: &[u8]) -> Result<Option<usize>, E> {
        match self
            .fields
            .iter()
            .position(|field| field.as_bytes() == name)
        {
            Some(index) => Ok(Some(index)),
            None if self.deny_unknown => Err(E::unknown_field(
                &String::from_utf8_lossy(name),
                self.fields,
            )),
            None => Ok(None),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Keys {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        self.find(name.as_bytes())
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Self::Value, E> {
        self.find(name)
    }
}

/// Reads a struct `name` from a map of its properties into the slots `S`, one per
/// field in the order of `keys`. This is the one body every `deserialize_struct!`
/// shares: the compiler checks it once, not once per struct.
pub fn read_struct<'de, D: Deserializer<'de>, S: Slots<'de>>(
    deserializer: D,
    name: &'static str,
    keys: Keys,
) -> Result<S, D::Error> {
    deserializer.deserialize_struct(
        name,
        keys.fields,
        StructVisitor {
            name,
            keys,
            slots: PhantomData,
        },
    )
}

/// The visitor of [`read_struct`].
struct StructVisitor<S> {
    name: &'static str,
    keys: Keys,
    slots: PhantomData<fn() -> S>,
}

impl<'de, S: Slots<'de>> Visitor<'de> for StructVisitor<S> {
    type Value = S;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", self.name)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<S, M::Error> {
        let mut partial = S::empty();
        while let Some(key) = map.next_key_seed(self.keys)? {
            match key {
                Some(index) => S::read(&mut partial, index, &mut map, self.keys.fields)?,
                None => skip(&mut map)?,
            }
        }
        S::finish(partial, self.keys.fields)
    }
}

/// Reads the value of the property `key` into `slot`, unless it was read before.
pub(super) fn field<'de, M: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut M,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), M::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of an unknown property and drops it.
pub(super) fn skip<'de, M: MapAccess<'de>>(map: &mut M) -> Result<(), M::Error> {
    map.next_value::<IgnoredAny>()?;
    Ok(())
}

/// What `T` reads for the missing property `key`: `None` for an `Option`, else the
/// error serde's derive gives.
pub(super) fn missing<'de, T: Deserialize<'de>, E: de::Error>(key: &'static str) -> Result<T, E> {
    T::deserialize(Missing(key, PhantomData))
}

/// A missing property's value, as serde's derive reads one.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    /// Read as serde's derive reads it, to compare with.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Derived {
        title: String,
        #[serde(rename = "pageCount")]
        page_count: Option<u32>,
        #[serde(default)]
        shelf: u32,
        #[serde(default = "five")]
        copies: u32,
        #[serde(deserialize_with = "Option::deserialize")]
        subtitle: Option<String>,
        r#type: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    struct Book {
        title: String,
        page_count: Option<u32>,
        shelf: u32,
        copies: u32,
        subtitle: Option<String>,
        r#type: Option<String>,
    }
    crate::deserialize_struct!(Book {
        title,
        page_count: "pageCount",
        shelf default,
        copies default = five,
        subtitle required,
        r#type: "type",
    });

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct StrictDerived {
        a: u8,
    }

    #[derive(Debug, PartialEq)]
    struct Strict {
        a: u8,
    }
    crate::deserialize_struct!(Strict { a }, deny_unknown_fields);

    fn five() -> u32 {
        5
    }

    /// Both readings of `json`, as `Ok(Debug text)` or the error's message.
    fn both<
        A: for<'de> Deserialize<'de> + std::fmt::Debug,
        B: for<'de> Deserialize<'de> + std::fmt::Debug,
    >(
        json: &str,
    ) -> (Result<String, String>, Result<String, String>) {
        let show = |r: Result<String, serde_json::Error>| r.map_err(|e| e.to_string());
        let ours = show(serde_json::from_str::<A>(json).map(|v| format!("{v:?}")));
        let derived = show(serde_json::from_str::<B>(json).map(|v| format!("{v:?}")));
        (ours, derived)
    }

    #[test]
    fn reads_what_the_derive_reads() {
        for json in [
            r#"{"title": "Dune", "subtitle": null}"#,
            r#"{"title": "Dune", "pageCount": 412, "shelf": 2, "copies": 1, "subtitle": "x", "type": "novel"}"#,
            r#"{"subtitle": null, "unknown": [1, {"deep": true}], "title": "Dune"}"#,
            r#"{"title": "\u0044une", "subtitle": null}"#,
        ] {
            let (ours, derived) = both::<Book, Derived>(json);
            let derived = derived.map(|text| text.replacen("Derived", "Book", 1));
            assert_eq!(ours, derived, "{json}");
            assert!(ours.is_ok(), "{json}: {ours:?}");
        }
    }

    #[test]
    fn errors_are_the_derives() {
        for json in [
            r#"{"subtitle": null}"#,
            r#"{"title": "Dune"}"#,
            r#"{"title": "Dune", "title": "Again", "subtitle": null}"#,
            r#"{"title": 5, "subtitle": null}"#,
            r#"{"title": "Dune", "pageCount": -1, "subtitle": null}"#,
            r#"5"#,
            r#"{"title": "Dune", "subtitle": null"#,
        ] {
            let (ours, derived) = both::<Book, Derived>(json);
            let derived = derived.map_err(|text| text.replace("Derived", "Book"));
            assert_eq!(ours, derived, "{json}");
            assert!(ours.is_err(), "{json}");
        }
        let (ours, derived) = both::<Strict, StrictDerived>(r#"{"a": 1, "b": 2}"#);
        assert_eq!(ours, derived);
        assert_eq!(
            ours.unwrap_err(),
            "unknown field `b`, expected `a` at line 1 column 12"
        );
    }

    #[test]
    fn reads_from_other_deserializers() {
        // A value already parsed, as the runtime's checked bodies and untagged enums
        // (through serde's buffered content) hand it over.
        let value = serde_json::json!({"title": "Dune", "subtitle": null, "shelf": 3});
        let book: Book = serde_json::from_value(value).unwrap();
        assert_eq!(book.shelf, 3);
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Book(Book),
            Other(#[allow(dead_code)] HashMap<String, u8>),
        }
        let either: Either = serde_json::from_str(r#"{"title": "Dune", "subtitle": "s"}"#).unwrap();
        assert!(matches!(either, Either::Book(book) if book.subtitle.as_deref() == Some("s")));
    }

    /// Written and read as serde's derive writes and reads it, to compare with.
    #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
    struct ShelfDerived {
        name: String,
        #[serde(rename = "bookCount", default, skip_serializing_if = "Option::is_none")]
        book_count: Option<u32>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
        extra: serde_json::Map<String, serde_json::Value>,
        #[serde(default = "five")]
        rows: u32,
        #[serde(deserialize_with = "Option::deserialize")]
        note: Option<String>,
        r#type: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    struct Shelf {
        name: String,
        book_count: Option<u32>,
        tags: Vec<String>,
        extra: serde_json::Map<String, serde_json::Value>,
        rows: u32,
        note: Option<String>,
        r#type: Option<String>,
    }
    crate::serde_struct!(Shelf {
        name,
        book_count: "bookCount" optional,
        tags empty,
        extra empty,
        rows default = five,
        note required,
        r#type: "type",
    });

    #[derive(Debug, PartialEq)]
    struct Nothing {}
    crate::serde_struct!(Nothing {}, deny_unknown_fields);

    #[test]
    fn serde_struct_writes_and_reads_what_the_derive_does() {
        for json in [
            r#"{"name": "a", "note": null}"#,
            r#"{"name": "a", "bookCount": 3, "tags": ["x"], "extra": {"k": 1}, "rows": 2, "note": "n", "type": "t"}"#,
            r#"{"name": "a", "bookCount": null, "tags": [], "extra": {}, "note": null, "type": null}"#,
            r#"{"note": null, "name": "a", "other": true}"#,
        ] {
            let (ours, derived) = both::<Shelf, ShelfDerived>(json);
            let derived = derived.map(|text| text.replacen("ShelfDerived", "Shelf", 1));
            assert_eq!(ours, derived, "{json}");
            let ours: Shelf = serde_json::from_str(json).unwrap();
            let derived: ShelfDerived = serde_json::from_str(json).unwrap();
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap(),
                "{json}"
            );
            assert_eq!(
                serde_json::to_value(&ours).unwrap(),
                serde_json::to_value(&derived).unwrap(),
                "{json}"
            );
        }
        for json in [r#"{"name": "a"}"#, r#"{"name": 1, "note": null}"#, "5"] {
            let (ours, derived) = both::<Shelf, ShelfDerived>(json);
            let derived = derived.map_err(|text| text.replace("ShelfDerived", "Shelf"));
            assert_eq!(ours, derived, "{json}");
        }
        assert_eq!(serde_json::to_string(&Nothing {}).unwrap(), "{}");
        let error = serde_json::from_str::<Nothing>(r#"{"a": 1}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("unknown field `a`"),
            "{error}"
        );
    }

    #[test]
    fn serde_struct_announces_the_length_the_derive_does() {
        use serde_test::{assert_ser_tokens, Token};

        let json = r#"{"name": "a", "tags": ["x"], "note": null}"#;
        let ours: Shelf = serde_json::from_str(json).unwrap();
        let derived: ShelfDerived = serde_json::from_str(json).unwrap();
        let tokens = |name| {
            [
                Token::Struct { name, len: 5 },
                Token::Str("name"),
                Token::Str("a"),
                Token::Str("tags"),
                Token::Seq { len: Some(1) },
                Token::Str("x"),
                Token::SeqEnd,
                Token::Str("rows"),
                Token::U32(5),
                Token::Str("note"),
                Token::None,
                Token::Str("type"),
                Token::None,
                Token::StructEnd,
            ]
        };
        assert_ser_tokens(&derived, &tokens("ShelfDerived"));
        assert_ser_tokens(&ours, &tokens("Shelf"));
    }

    #[test]
    fn a_sequence_is_the_wrong_type() {
        let error =
            serde_json::from_str::<Book>(r#"["Dune", null, 1, 1, null, null]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct Book at line 1 column 1"
        );
    }
}
