//! [`Nullable`]: a property that may be absent, `null` or a value, told apart.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of a property the spec makes both optional and nullable: absent, `null`,
/// or a value. A plain `Option` reads `{}` and `{"year": null}` alike; a PATCH handler
/// needs to tell "leave it" from "clear it", and this type does.
///
/// Generated structs read a missing property as [`Nullable::Absent`] and do not write
/// an absent one; `null` reads as [`Nullable::Null`] and is written as `null`.
///
/// ```
/// use specfirst_runtime::Nullable;
///
/// let mut year = Some(1965);
/// Nullable::Absent.apply_to(&mut year);
/// assert_eq!(year, Some(1965));
/// Nullable::Null.apply_to(&mut year);
/// assert_eq!(year, None);
/// Nullable::Value(1966).apply_to(&mut year);
/// assert_eq!(year, Some(1966));
/// ```
///
/// (`--nullable option` on the command line, or `nullable = "option"` in
/// `specfirst.toml`, generates plain `Option`s instead.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// The property is not there.
    #[default]
    Absent,
    /// The property is there, and `null`.
    Null,
    /// The property holds a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is not there; what generated structs test before writing it.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the property is there and `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Whether the property holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one; absent and `null` are both `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// A value when there is one, and absent when there is not: for a server that
    /// leaves out what it does not know rather than writing `null`.
    pub fn absent_if_none(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }

    /// The value changed by `f`, with absent and `null` kept as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// A patch applied to `target`, as JSON Merge Patch reads a property: absent leaves
    /// it, `null` clears it and a value replaces it.
    pub fn apply_to(self, target: &mut Option<T>) {
        match self {
            Nullable::Absent => {}
            Nullable::Null => *target = None,
            Nullable::Value(value) => *target = Some(value),
        }
    }
}

/// `None` is `null` and `Some` a value: an `Option` always says whether there is one.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// An absent value is written as `null` when something writes it at all; generated
/// structs leave the property out instead.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

/// Only ever reads `null` or a value: absence is the struct's to see.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serde_struct;

    #[derive(Debug, PartialEq)]
    struct Patch {
        title: Option<String>,
        year: Nullable<i32>,
    }
    serde_struct!(Patch { title optional, year absent });

    fn read(text: &str) -> Patch {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn absent_null_and_a_value_are_three_things() {
        assert_eq!(read("{}").year, Nullable::Absent);
        assert_eq!(read(r#"{"year": null}"#).year, Nullable::Null);
        assert_eq!(read(r#"{"year": 1965}"#).year, Nullable::Value(1965));
    }

    #[test]
    fn each_is_written_as_it_was_read() {
        for text in [r#"{}"#, r#"{"year":null}"#, r#"{"year":1965}"#] {
            assert_eq!(serde_json::to_string(&read(text)).unwrap(), text);
        }
    }

    #[test]
    fn a_wrong_value_is_serdes_error() {
        let error = serde_json::from_str::<Patch>(r#"{"year": "soon"}"#).unwrap_err();
        assert!(
            error.to_string().contains("invalid type: string"),
            "{error}"
        );
    }

    #[test]
    fn options_convert() {
        assert_eq!(Nullable::from(Some(1)), Nullable::Value(1));
        assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
        assert_eq!(Nullable::Value(2).map(|v| v * 2).into_option(), Some(4));
        assert_eq!(Nullable::<i32>::Absent.into_option(), None);
    }
}
