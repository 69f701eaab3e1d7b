//! Where a JSON pointer's node is in the text of a spec, for diagnostics a person can
//! follow to the line they are editing.
//!
//! The text is read again with serde_yaml (YAML is a superset of JSON, so one reader
//! serves both), walking only the path the pointer names. Reaching the node, the walk
//! stops with an error, and serde_yaml stamps that error with the position of the node
//! it was reading: that position is the answer. Only errors are ever slow here.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A position in a spec's text, both one-based, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// Stops the walk once the node is reached; any other error means it was not found.
const FOUND: &str = "\u{1}specfirst-found\u{1}";

/// The position of the node `pointer` names in `text`: of the member's key when the
/// pointer ends at an object member (where a person looks for it), else of the value.
/// `None` for the root, for a pointer the text does not have, and for text that does
/// not parse.
pub fn locate(text: &str, pointer: &str) -> Option<Position> {
    if pointer.is_empty() {
        return None;
    }
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(super::unescape_token)
        .collect();
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let error = Seek { tokens: &tokens }.deserialize(deserializer).err()?;
    if !error.to_string().contains(FOUND) {
        return None;
    }
    let location = error.location()?;
    Some(Position {
        line: location.line(),
        column: location.column(),
    })
}

/// Walks to the node after `tokens`.
struct Seek<'a> {
    tokens: &'a [String],
}

impl Seek<'_> {
    /// Reached a scalar: the end of the walk when no token is left, else a dead end.
    fn scalar<E: de::Error>(self) -> Result<(), E> {
        Err(if self.tokens.is_empty() {
            E::custom(FOUND)
        } else {
            E::custom("no such node")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        // The key is what a person looks for when the pointer ends at a member.
        let stop_at_key = rest.is_empty();
        while let Some(matched) = map.next_key_seed(Key {
            wanted: first,
            stop: stop_at_key,
        })? {
            if matched {
                return map.next_value_seed(Seek { tokens: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom("no such member"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let index: usize = first
            .parse()
            .map_err(|_| de::Error::custom("not an index"))?;
        for _ in 0..index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom("no such element"));
            }
        }
        match seq.next_element_seed(Seek { tokens: rest })? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom("no such element")),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        // A tagged YAML node (`!tag value`): the spec has none that a pointer goes into.
        self.scalar()
    }
}

/// Reads one key of a mapping: whether it is the wanted one, or, with `stop`, the end
/// of the walk at it. YAML keys may be numbers or booleans (`200:`); they match their
/// text in the pointer, as in the JSON the spec is read into.
struct Key<'a> {
    wanted: &'a str,
    stop: bool,
}

impl Key<'_> {
    fn matched<E: de::Error>(&self, key: &str) -> Result<bool, E> {
        match (key == self.wanted, self.stop) {
            (true, true) => Err(E::custom(FOUND)),
            (matched, _) => Ok(matched),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        self.matched(key)
    }

    fn visit_bool<E: de::Error>(self, key: bool) -> Result<bool, E> {
        self.matched(&key.to_string())
    }

    fn visit_i64<E: de::Error>(self, key: i64) -> Result<bool, E> {
        self.matched(&key.to_string())
    }

    fn visit_u64<E: de::Error>(self, key: u64) -> Result<bool, E> {
        self.matched(&key.to_string())
    }

    fn visit_f64<E: de::Error>(self, key: f64) -> Result<bool, E> {
        self.matched(&key.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.matched("null")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        // A complex key never matches a pointer token; skip it whole.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /pets/{id}:
    get:
      responses:
        200:
          description: ok
      tags: [a, b]
";

    #[test]
    fn a_member_is_found_at_its_key() {
        let at = |pointer| locate(YAML, pointer);
        assert_eq!(at("/info/title"), Some(Position { line: 3, column: 3 }));
        assert_eq!(
            at("/paths/~1pets~1{id}/get"),
            Some(Position { line: 7, column: 5 })
        );
        // Numeric keys match their text.
        assert_eq!(
            at("/paths/~1pets~1{id}/get/responses/200/description"),
            Some(Position {
                line: 10,
                column: 11
            })
        );
    }

    #[test]
    fn an_element_is_found_at_its_value() {
        assert_eq!(
            locate(YAML, "/paths/~1pets~1{id}/get/tags/1"),
            Some(Position {
                line: 11,
                column: 17
            })
        );
    }

    #[test]
    fn json_is_read_the_same_way() {
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\"/a\": {\"get\": 5}}\n}\n";
        assert_eq!(
            locate(json, "/paths/~1a/get"),
            Some(Position {
                line: 3,
                column: 20
            })
        );
    }

    #[test]
    fn what_is_not_there_has_no_position() {
        assert_eq!(locate(YAML, ""), None);
        assert_eq!(locate(YAML, "/info/summary"), None);
        assert_eq!(locate(YAML, "/info/title/deeper"), None);
        assert_eq!(locate(YAML, "/paths/~1pets~1{id}/get/tags/7"), None);
        assert_eq!(locate("{unclosed", "/a"), None);
    }
}
