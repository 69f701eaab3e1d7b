//! The slots [`deserialize_struct!`](crate::deserialize_struct) reads a struct's
//! fields into: one tuple type per struct, which [`read_struct`](super::read_struct)
//! fills from a map. The work of reading a map is here, in one generic body per tuple
//! width; a struct's own code only names its slots and takes the values out.

use serde::de::{self, Deserialize, MapAccess};

use super::{field, missing, skip};

/// One field of a struct read by [`deserialize_struct!`](crate::deserialize_struct):
/// its value when the property is there, and what a missing property reads as. The
/// macro names each field's slot by its mark and takes the value out of `.0`.
pub trait Slot<'de>: Sized {
    /// What the property's value reads as.
    type Value: Deserialize<'de>;
    /// The slot of a property that is there.
    fn present(value: Self::Value) -> Self;
    /// The slot of the missing property `key`.
    fn missing<E: de::Error>(key: &'static str) -> Result<Self, E>;
}

/// A field without a mark: a missing property reads as its type reads a missing
/// value (`None` for an `Option`, else serde's `missing field` error).
pub struct Plain<T>(pub T);

/// A field marked `required`: a missing property is an error even for an `Option`.
pub struct Required<T>(pub T);

/// A field marked `default`, `empty` or `absent`: a missing property reads as the
/// type's default.
pub struct Defaulted<T>(pub T);

/// A field marked `default = path`: a missing property is `None` here, and the macro
/// calls the function.
pub struct Maybe<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Slot<'de> for Plain<T> {
    type Value = T;
    fn present(value: T) -> Self {
        Plain(value)
    }
    fn missing<E: de::Error>(key: &'static str) -> Result<Self, E> {
        missing(key).map(Plain)
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Required<T> {
    type Value = T;
    fn present(value: T) -> Self {
        Required(value)
    }
    fn missing<E: de::Error>(key: &'static str) -> Result<Self, E> {
        Err(E::missing_field(key))
    }
}

impl<'de, T: Deserialize<'de> + Default> Slot<'de> for Defaulted<T> {
    type Value = T;
    fn present(value: T) -> Self {
        Defaulted(value)
    }
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(Defaulted(T::default()))
    }
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Maybe<T> {
    type Value = T;
    fn present(value: T) -> Self {
        Maybe(Some(value))
    }
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(Maybe(None))
    }
}

/// How many fields one tuple of slots holds at most: wider structs are read as
/// [`Wide`] tuples of such groups.
pub const GROUP: usize = 16;

/// The slots of a struct's fields, read from a map. Implemented for tuples of up to
/// [`GROUP`] [`Slot`]s, and for [`Wide`] tuples of up to 32 such tuples (512 fields).
pub trait Slots<'de>: Sized {
    /// The values read so far, each `None` until its property is read.
    type Partial;
    /// Nothing read yet.
    fn empty() -> Self::Partial;
    /// Reads the value of the property with the index `index` among `keys`.
    fn read<M: MapAccess<'de>>(
        partial: &mut Self::Partial,
        index: usize,
        map: &mut M,
        keys: &'static [&'static str],
    ) -> Result<(), M::Error>;
    /// The slots once the map is read, missing properties read as their slots say.
    fn finish<E: de::Error>(
        partial: Self::Partial,
        keys: &'static [&'static str],
    ) -> Result<Self, E>;
}

/// The groups of slots of a struct, [`GROUP`] fields to a group but the last.
pub struct Wide<T>(pub T);

/// `Slots` for the tuple of the slots named, numbered by the indices given.
macro_rules! slots_tuple {
    ($($slot:ident $index:tt),*) => {
        impl<'de, $($slot: Slot<'de>),*> Slots<'de> for ($($slot,)*) {
            type Partial = ($(Option<$slot::Value>,)*);

            #[allow(clippy::unused_unit)] // The empty tuple's is `()`.
            fn empty() -> Self::Partial {
                ($(None::<$slot::Value>,)*)
            }

            #[allow(unused_variables)] // The empty tuple reads no property.
            fn read<M: MapAccess<'de>>(
                partial: &mut Self::Partial,
                index: usize,
                map: &mut M,
                keys: &'static [&'static str],
            ) -> Result<(), M::Error> {
                match index {
                    $($index => field(map, &mut partial.$index, keys[$index]),)*
                    _ => skip(map),
                }
            }

            #[allow(unused_variables)]
            fn finish<E: de::Error>(
                partial: Self::Partial,
                keys: &'static [&'static str],
            ) -> Result<Self, E> {
                Ok(($(
                    match partial.$index {
                        Some(value) => $slot::present(value),
                        None => $slot::missing(keys[$index])?,
                    },
                )*))
            }
        }
    };
}

up_to_a_group!(slots_tuple);

/// `Slots` for a [`Wide`] tuple of the groups named, numbered by the indices given.
macro_rules! slots_wide {
    ($($group:ident $index:tt),*) => {
        impl<'de, $($group: Slots<'de>),*> Slots<'de> for Wide<($($group,)*)> {
            type Partial = ($($group::Partial,)*);

            fn empty() -> Self::Partial {
                ($($group::empty(),)*)
            }

            fn read<M: MapAccess<'de>>(
                partial: &mut Self::Partial,
                index: usize,
                map: &mut M,
                keys: &'static [&'static str],
            ) -> Result<(), M::Error> {
                match index / GROUP {
                    $($index => $group::read(
                        &mut partial.$index,
                        index % GROUP,
                        map,
                        &keys[$index * GROUP..],
                    ),)*
                    _ => skip(map),
                }
            }

            fn finish<E: de::Error>(
                partial: Self::Partial,
                keys: &'static [&'static str],
            ) -> Result<Self, E> {
                Ok(Wide(($($group::finish(partial.$index, &keys[$index * GROUP..])?,)*)))
            }
        }
    };
}

one_to_32_groups!(slots_wide);

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    /// Forty fields: three groups of slots, marks and a renamed key in the later ones.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Derived {
        f0: u8,
        f1: u8,
        f2: u8,
        f3: u8,
        f4: u8,
        f5: u8,
        f6: u8,
        f7: u8,
        f8: u8,
        f9: u8,
        f10: u8,
        f11: u8,
        f12: u8,
        f13: u8,
        f14: u8,
        f15: u8,
        f16: u8,
        f17: u8,
        f18: u8,
        f19: u8,
        #[serde(default)]
        f20: u8,
        f21: u8,
        f22: u8,
        f23: u8,
        f24: u8,
        #[serde(rename = "f-25")]
        f25: u8,
        f26: u8,
        f27: u8,
        f28: u8,
        f29: u8,
        f30: u8,
        f31: u8,
        f32: u8,
        f33: Option<u8>,
        f34: u8,
        f35: u8,
        f36: u8,
        f37: u8,
        f38: u8,
        #[serde(deserialize_with = "Option::deserialize")]
        f39: Option<u8>,
    }

    #[derive(Debug, PartialEq)]
    struct Wide40 {
        f0: u8,
        f1: u8,
        f2: u8,
        f3: u8,
        f4: u8,
        f5: u8,
        f6: u8,
        f7: u8,
        f8: u8,
        f9: u8,
        f10: u8,
        f11: u8,
        f12: u8,
        f13: u8,
        f14: u8,
        f15: u8,
        f16: u8,
        f17: u8,
        f18: u8,
        f19: u8,
        f20: u8,
        f21: u8,
        f22: u8,
        f23: u8,
        f24: u8,
        f25: u8,
        f26: u8,
        f27: u8,
        f28: u8,
        f29: u8,
        f30: u8,
        f31: u8,
        f32: u8,
        f33: Option<u8>,
        f34: u8,
        f35: u8,
        f36: u8,
        f37: u8,
        f38: u8,
        f39: Option<u8>,
    }
    crate::serde_struct!(Wide40 { f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20 default, f21, f22, f23, f24, f25: "f-25", f26, f27, f28, f29, f30, f31, f32, f33 optional, f34, f35, f36, f37, f38, f39 required }, deny_unknown_fields);

    /// What each reads, the error's text with the derive's name replaced.
    fn read(json: &str) -> (Result<String, String>, Result<String, String>) {
        let ours = serde_json::from_str::<Wide40>(json)
            .map(|value| format!("{value:?}").replacen("Wide40", "Derived", 1))
            .map_err(|error| error.to_string());
        let derived = serde_json::from_str::<Derived>(json)
            .map(|value| format!("{value:?}"))
            .map_err(|error| error.to_string().replace("Derived", "Wide40"));
        (ours, derived)
    }

    #[test]
    fn a_struct_wider_than_a_group_reads_and_writes_as_the_derive() {
        let full = r#"{"f0": 0, "f1": 1, "f2": 2, "f3": 3, "f4": 4, "f5": 5, "f6": 6, "f7": 7, "f8": 8, "f9": 9, "f10": 10, "f11": 11, "f12": 12, "f13": 13, "f14": 14, "f15": 15, "f16": 16, "f17": 17, "f18": 18, "f19": 19, "f20": 20, "f21": 21, "f22": 22, "f23": 23, "f24": 24, "f-25": 25, "f26": 26, "f27": 27, "f28": 28, "f29": 29, "f30": 30, "f31": 31, "f32": 32, "f33": 33, "f34": 34, "f35": 35, "f36": 36, "f37": 37, "f38": 38, "f39": 39}"#;
        let (ours, derived) = read(full);
        assert!(ours.is_ok(), "{ours:?}");
        assert_eq!(ours, derived);
        let value: Wide40 = serde_json::from_str(full).unwrap();
        let expected: Derived = serde_json::from_str(full).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        // Missing, duplicate, renamed and unknown properties in each group, a wrong type.
        let cases = [
            full.replace(r#""f20": 20, "#, ""),
            full.replace(r#""f33": 33, "#, ""),
            full.replace(r#", "f39": 39"#, ""),
            full.replace(r#""f17": 17, "#, ""),
            full.replace(r#""f35": 35, "#, r#""f35": 35, "f35": 1, "#),
            full.replace(r#""f2": 2, "#, r#""f2": 2, "f2": 1, "#),
            full.replace(r#""f-25": 25, "#, r#""f25": 25, "#),
            full.replace(r#""f38": 38"#, r#""f38": "x""#),
            "5".to_string(),
        ];
        for json in &cases {
            let (ours, derived) = read(json);
            assert_eq!(ours, derived, "{json}");
        }
        for json in &cases[3..] {
            assert!(read(json).0.is_err(), "{json}");
        }
    }
}
