//! The text a generated crate keeps its description in: a JSON document that refers to
//! the document the crate publishes for what it repeats.
//!
//! A generated crate already carries its spec as written (`OPENAPI_DOCUMENT`, served at
//! `/openapi.json`). Its description is the OpenAPI 3.0 document the generator wrote
//! from its model of the API ([`crate::openapi::Api::to_openapi`]), and most of that
//! document (component schemas, responses, bodies, descriptions, `servers`, `info`, ...)
//! repeats nodes of the published one. [`pack`] writes each repeated node as a
//! reference to it whenever the reference is the shorter text: `{"$doc":0}` for the
//! node at the same place in the published document, else `{"$doc":"/components/schemas/Error"}`
//! (a JSON pointer into the published document) for an equal node elsewhere, such as a
//! shared response that the description writes out for each operation. [`unpack`] puts
//! the nodes back. A node is referred to only where it is equal to the published one,
//! so this is a compression and nothing else: the description says what the model
//! says, also where the model differs from the spec.
//!
//! An object of the description that is itself one `$doc` key is kept apart from a
//! reference by wrapping its value in a list: `{"$doc":[value]}`.
//!
//! [`operations_mut`] walks a document's operations in the order the generated crate
//! lists the decoders of their parameters.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map, Value};

use crate::vocabulary::METHODS;

/// The key of a reference to a node of the published document.
pub const REFERENCE: &str = "$doc";

/// `description` as compact JSON text, each node that `published` holds too (and whose
/// reference is shorter) written as a reference to it. The top-level members and the
/// path items each start a line, so a change to one shows as a change to one line.
pub fn pack(description: &Value, published: &Value) -> String {
    let mut index = Index::default();
    index.add(published, &mut String::new());
    let (packed, _) = Packer { index }.pack(description, Some(published));
    lines(&packed)
}

/// The document [`pack`] wrote `text` from, with `published` the document it refers
/// into. A reference that does not resolve is left as it is, so a comparison shows it.
pub fn unpack(text: &str, published: &Value) -> Result<Value, serde_json::Error> {
    let packed: Value = serde_json::from_str(text)?;
    Ok(resolve(packed, Some(published), published))
}

/// Every operation of `document` with its path and method: path items in the order of
/// `paths` (extensions, `x-` keys, are not path items), and each item's operations in
/// the order of its keys.
pub fn operations_mut(document: &mut Value) -> Vec<(&str, &str, &mut Map<String, Value>)> {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return Vec::new();
    };
    paths
        .iter_mut()
        .filter(|(path, _)| !path.starts_with("x-"))
        .filter_map(|(path, item)| Some((path.as_str(), item.as_object_mut()?)))
        .flat_map(|(path, item)| {
            item.iter_mut().filter_map(move |(method, op)| {
                let op = op.as_object_mut()?;
                METHODS
                    .contains(&method.as_str())
                    .then_some((path, method.as_str(), op))
            })
        })
        .collect()
}

/// The operations of the document [`unpack`] makes of `text`, as [`operations_mut`]
/// lists them, without unpacking the rest: a reference only changes that order where
/// it stands for the whole document, `paths` or a path item.
pub fn packed_operations(
    text: &str,
    published: &Value,
) -> Result<Vec<(String, String)>, serde_json::Error> {
    let packed: Value = serde_json::from_str(text)?;
    let same_paths = published.get("paths");
    // What a reference brings back is the published node whole, with nothing to resolve.
    let (root, whole) = referred(&packed, Some(published), published);
    let paths = root.get("paths").map(|paths| match whole {
        true => (paths, true),
        false => referred(paths, same_paths, published),
    });
    let Some((Value::Object(paths), whole)) = paths else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (path, item) in paths.iter().filter(|(path, _)| !path.starts_with("x-")) {
        let (item, _) = match whole {
            true => (item, true),
            false => referred(item, same_paths.and_then(|same| same.get(path)), published),
        };
        if let Value::Object(item) = item {
            found.extend(
                item.iter()
                    .filter(|(method, op)| METHODS.contains(&method.as_str()) && op.is_object())
                    .map(|(method, _)| (path.clone(), method.clone())),
            );
        }
    }
    Ok(found)
}

/// The node `value` stands for, and whether a reference brought it: the node a
/// reference refers to (one that does not resolve stays itself, as [`unpack`] leaves
/// it; `same` is the published node at the place of `value`), else `value`.
fn referred<'v>(
    value: &'v Value,
    same: Option<&'v Value>,
    published: &'v Value,
) -> (&'v Value, bool) {
    let target = match value {
        Value::Object(map) if map.len() == 1 => match map.get(REFERENCE) {
            Some(Value::String(pointer)) => published.pointer(pointer),
            Some(Value::Number(number)) if number.as_u64() == Some(0) => same,
            _ => None,
        },
        _ => None,
    };
    match target {
        Some(target) => (target, true),
        None => (value, false),
    }
}

/// The nodes of the published document worth referring to, by a hash of their value.
#[derive(Default)]
struct Index<'a> {
    nodes: HashMap<u64, (String, &'a Value), BuildHasherDefault<Settled>>,
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Settled(u64);

impl Hasher for Settled {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// The hash of a node's parts: eight bytes at a time, multiplied and mixed, so that it
/// is fast on long strings; std's SipHash guards against chosen collisions, which a
/// spec's author cannot gain anything by, and a collision only costs a reference.
#[derive(Default)]
struct NodeHasher(u64);

impl NodeHasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for NodeHasher {
    fn finish(&self) -> u64 {
        // splitmix64's finisher, so that every bit of the input reaches every bit.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length tells `ab` from `ab\0`.
        self.mix(u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u64(&mut self, value: u64) {
        self.mix(value);
    }

    fn write_u8(&mut self, value: u8) {
        self.mix(u64::from(value) | 1 << 63);
    }
}

impl<'a> Index<'a> {
    /// Adds `value`, at `pointer`, and the nodes under it; returns its measure.
    fn add(&mut self, value: &'a Value, pointer: &mut String) -> Measure {
        let at = pointer.len();
        let mut child = |index: &mut Self, key: Key<'_>, child: &'a Value| {
            pointer.push('/');
            key.push_escaped(pointer);
            let measured = index.add(child, pointer);
            pointer.truncate(at);
            measured
        };
        let measured = match value {
            Value::Array(items) => Measure::array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| child(self, Key::Index(i), item)),
            ),
            Value::Object(map) => Measure::object(
                map.iter()
                    .map(|(key, value)| (key.as_str(), child(self, Key::Name(key), value))),
            ),
            _ => Measure::leaf(value),
        };
        if measured.len > reference_len(pointer) {
            // Of the places that hold a node, the one with the shortest pointer (the first
            // of those in document order) is referred to.
            match self.nodes.entry(measured.hash) {
                Entry::Vacant(entry) => {
                    entry.insert((pointer.clone(), value));
                }
                Entry::Occupied(mut entry) => {
                    let (held, node) = entry.get();
                    if reference_len(pointer) < reference_len(held) && *node == value {
                        entry.insert((pointer.clone(), value));
                    }
                }
            }
        }
        measured
    }
}

/// A step of a JSON pointer.
#[derive(Clone, Copy)]
enum Key<'k> {
    Index(usize),
    Name(&'k str),
}

impl Key<'_> {
    /// Appends the step to `pointer`, `~` and `/` escaped as JSON pointers escape them.
    fn push_escaped(self, pointer: &mut String) {
        match self {
            Key::Index(i) => {
                use std::fmt::Write;
                let _ = write!(pointer, "{i}");
            }
            Key::Name(name) => {
                for c in name.chars() {
                    match c {
                        '~' => pointer.push_str("~0"),
                        '/' => pointer.push_str("~1"),
                        c => pointer.push(c),
                    }
                }
            }
        }
    }
}

struct Packer<'a> {
    index: Index<'a>,
}

impl Packer<'_> {
    /// `value` with the nodes the published document holds as references: to the node
    /// at the same place, `same`, when it is equal, else to an equal one the index
    /// holds. Returns the measure of `value` too.
    fn pack(&self, value: &Value, same: Option<&Value>) -> (Value, Measure) {
        if same == Some(value) {
            let measured = Measure::of(value);
            if measured.len > SAME_PLACE_LEN {
                return (same_place(), measured);
            }
        }
        let (packed, measured) = match value {
            Value::Array(items) => {
                let (packed, measured): (Vec<_>, Vec<_>) = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.pack(item, same.and_then(|s| s.get(i))))
                    .unzip();
                (Value::Array(packed), Measure::array(measured))
            }
            Value::Object(map) => {
                let mut packed = Map::new();
                let mut measured = Vec::new();
                for (key, child) in map {
                    let (child_packed, child_measured) =
                        self.pack(child, same.and_then(|s| s.get(key)));
                    packed.insert(key.clone(), child_packed);
                    measured.push((key.as_str(), child_measured));
                }
                // An object that would read as a reference is wrapped.
                if packed.len() == 1 && packed.contains_key(REFERENCE) {
                    let inner = packed.remove(REFERENCE).unwrap_or_default();
                    packed.insert(REFERENCE.into(), Value::Array(vec![inner]));
                }
                (Value::Object(packed), Measure::object(measured))
            }
            _ => (value.clone(), Measure::leaf(value)),
        };
        match self.index.nodes.get(&measured.hash) {
            Some((pointer, node)) if *node == value => (reference(pointer), measured),
            _ => (packed, measured),
        }
    }
}

/// A reference to the node at `pointer`.
fn reference(pointer: &str) -> Value {
    let mut map = Map::new();
    map.insert(REFERENCE.into(), Value::String(pointer.into()));
    Value::Object(map)
}

/// The length of the text of [`reference`]`(pointer)`, without writing it.
fn reference_len(pointer: &str) -> usize {
    r#"{"$doc":}"#.len() + string_len(pointer)
}

/// The length of the text of [`same_place`].
const SAME_PLACE_LEN: usize = r#"{"$doc":0}"#.len();

/// The length of `text` as a JSON string, quoted and escaped as `serde_json` writes it:
/// a quote, a backslash and the control characters are escaped, `\b`, `\t`, `\n`,
/// `\f` and `\r` in two characters, the others as `\u00XX`.
fn string_len(text: &str) -> usize {
    let escapes: usize = text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x09 | 0x0a | 0x0c | 0x0d => 1,
            0x00..=0x1f => 5,
            _ => 0,
        })
        .sum();
    text.len() + 2 + escapes
}

/// A reference to the node at the same place.
fn same_place() -> Value {
    let mut map = Map::new();
    map.insert(REFERENCE.into(), Value::from(0));
    Value::Object(map)
}

/// A node's hash, the same for equal values (an object's does not depend on the order
/// of its members), and the length of its compact text.
#[derive(Clone, Copy)]
struct Measure {
    hash: u64,
    len: usize,
}

impl Measure {
    fn of(value: &Value) -> Self {
        match value {
            Value::Array(items) => Self::array(items.iter().map(Self::of)),
            Value::Object(map) => Self::object(
                map.iter()
                    .map(|(key, value)| (key.as_str(), Self::of(value))),
            ),
            _ => Self::leaf(value),
        }
    }

    fn leaf(value: &Value) -> Self {
        let mut hasher = NodeHasher::default();
        // A string is hashed as it is, without writing its text; its tag keeps it
        // apart from the other leaves, which are short and hashed as their text.
        let len = match value {
            Value::String(text) => {
                hasher.write_u8(b'"');
                hasher.write(text.as_bytes());
                string_len(text)
            }
            _ => {
                let text = value.to_string();
                hasher.write(text.as_bytes());
                text.len()
            }
        };
        Self {
            hash: hasher.finish(),
            len,
        }
    }

    fn array(items: impl IntoIterator<Item = Self>) -> Self {
        let mut hasher = NodeHasher::default();
        hasher.write_u8(b'[');
        let (mut len, mut count) = (2, 0);
        for item in items {
            hasher.write_u64(item.hash);
            len += item.len;
            count += 1;
        }
        Self {
            hash: hasher.finish(),
            len: len + count.max(1) - 1,
        }
    }

    fn object<'k>(members: impl IntoIterator<Item = (&'k str, Self)>) -> Self {
        let (mut sum, mut len, mut count) = (0u64, 2, 0);
        for (key, value) in members {
            let mut hasher = NodeHasher::default();
            hasher.write(key.as_bytes());
            hasher.write_u64(value.hash);
            sum = sum.wrapping_add(hasher.finish());
            len += string_len(key) + 1 + value.len;
            count += 1;
        }
        let mut hasher = NodeHasher::default();
        hasher.write_u8(b'{');
        hasher.write_u64(sum);
        Self {
            hash: hasher.finish(),
            len: len + count.max(1) - 1,
        }
    }
}

fn resolve(value: Value, same: Option<&Value>, published: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| resolve(item, same.and_then(|s| s.get(i)), published))
                .collect(),
        ),
        Value::Object(map) if map.len() == 1 && map.contains_key(REFERENCE) => {
            let node = match &map[REFERENCE] {
                Value::String(pointer) => published.pointer(pointer),
                Value::Number(number) if number.as_u64() == Some(0) => same,
                Value::Array(wrapped) if wrapped.len() == 1 => {
                    let same = same.and_then(|s| s.get(REFERENCE));
                    let mut out = Map::new();
                    out.insert(
                        REFERENCE.into(),
                        resolve(wrapped[0].clone(), same, published),
                    );
                    return Value::Object(out);
                }
                _ => None,
            };
            node.cloned().unwrap_or(Value::Object(map))
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, child)| {
                    let same = same.and_then(|s| s.get(&key));
                    let child = resolve(child, same, published);
                    (key, child)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Compact JSON with a line break before each top-level member and each path item.
fn lines(packed: &Value) -> String {
    let Value::Object(root) = packed else {
        return packed.to_string();
    };
    let member = |key: &str, value: String| format!("{}:{value}", Value::String(key.into()));
    let members: Vec<String> = root
        .iter()
        .map(|(key, value)| match (key.as_str(), value) {
            ("paths", Value::Object(paths)) if !is_reference(value) && !paths.is_empty() => {
                let items: Vec<String> = paths
                    .iter()
                    .map(|(path, item)| member(path, item.to_string()))
                    .collect();
                member(key, format!("{{\n{}}}", items.join(",\n")))
            }
            _ => member(key, value.to_string()),
        })
        .collect();
    format!("{{{}}}", members.join(",\n"))
}

fn is_reference(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.len() == 1 && map.get(REFERENCE).is_some_and(Value::is_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn published() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "A title long enough to refer to", "version": "1"},
            "paths": {"/a/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "required": true}],
                "responses": {"200": {"description": "The thing with the id, in full detail."}}
            }}},
            "components": {"schemas": {"a~b/c": {"type": "object", "properties": {"x": {"type": "string"}}}}}
        })
    }

    #[test]
    fn repeated_nodes_are_references_and_come_back() {
        let published = published();
        let mut description = published.clone();
        description["paths"]["/a/{id}"]["get"]["parameters"] =
            json!([{"schema": {"type": "string"}}]);
        // Equal to the response above, elsewhere.
        description["paths"]["/b"] = json!({"get": {"responses": {"201": {"description": "The thing with the id, in full detail."}}}});
        description["components"]["schemas"]["B"] = json!({"type": "integer"});
        description["x-own"] = json!({"$doc": 0, "other": 1});
        description["x-lone"] =
            json!({"$doc": {"title": "A title long enough to refer to", "version": "1"}});
        let text = pack(&description, &published);
        assert!(text.contains(r#""info":{"$doc":0}"#), "{text}");
        assert!(text.contains(r#""responses":{"$doc":0}"#), "{text}");
        assert!(text.contains(r#""a~b/c":{"$doc":0}"#), "{text}");
        assert!(
            text.contains(r#""201":{"$doc":"/paths/~1a~1{id}/get/responses/200"}"#),
            "{text}"
        );
        assert!(text.contains(r#""x-own":{"$doc":0,"other":1}"#), "{text}");
        assert!(
            text.contains(r#""x-lone":{"$doc":[{"$doc":"/info"}]}"#),
            "{text}"
        );
        assert!(text.contains("\n\"paths\":{\n\"/a/{id}\":"), "{text}");
        assert_eq!(unpack(&text, &published).ok(), Some(description));
    }

    #[test]
    fn the_shortest_pointer_to_a_node_is_the_one_referred_to() {
        let node = json!({"description": "A node that is long enough to refer to"});
        let published =
            json!({"paths": {"/a/long/path": {"get": node.clone()}}, "x": node.clone()});
        let description = json!({"elsewhere": node});
        assert_eq!(
            pack(&description, &published),
            r#"{"elsewhere":{"$doc":"/x"}}"#
        );
    }

    #[test]
    fn members_in_another_order_are_the_same_node() {
        let published = json!({"a": {"x": "a long enough value", "y": "and another one"}});
        let description = json!({"b": {"y": "and another one", "x": "a long enough value"}});
        let text = pack(&description, &published);
        assert_eq!(text, r#"{"b":{"$doc":"/a"}}"#);
        assert_eq!(unpack(&text, &published).ok(), Some(description));
    }

    #[test]
    fn the_whole_document_can_be_one_reference() {
        let published = published();
        let text = pack(&published, &published);
        assert_eq!(text, r#"{"$doc":0}"#);
        assert_eq!(unpack(&text, &published).ok(), Some(published));
    }

    #[test]
    fn a_reference_that_does_not_resolve_stays() {
        let text = r#"{"info":{"$doc":"/nowhere"},"x-new":{"$doc":0}}"#;
        assert_eq!(
            unpack(text, &published()).ok(),
            Some(json!({"info": {"$doc": "/nowhere"}, "x-new": {"$doc": 0}}))
        );
    }

    /// [`packed_operations`] as [`operations_mut`] lists the unpacked document.
    fn assert_listed_as_unpacked(description: &Value, published: &Value) {
        let text = pack(description, published);
        let mut unpacked = unpack(&text, published).unwrap();
        let expected: Vec<(String, String)> = operations_mut(&mut unpacked)
            .into_iter()
            .map(|(path, method, _)| (path.to_string(), method.to_string()))
            .collect();
        assert_eq!(
            packed_operations(&text, published).unwrap(),
            expected,
            "{text}"
        );
    }

    #[test]
    fn operations_are_listed_without_unpacking() {
        let published = json!({"paths": {
            "/b": {"summary": "a summary long enough to refer to", "post": {"operationId": "make-b"}, "get": {"operationId": "read-b"}},
            "/a": {"delete": {"operationId": "remove-a-and-everything-below"}},
            "x-ext": {"get": {}}
        }});
        // Whole document, `paths` and path items by reference, in the published order.
        assert_listed_as_unpacked(&published, &published);
        let mut reordered = json!({"paths": {
            "/a": published["paths"]["/a"].clone(),
            "/b": {"get": {"operationId": "read-b"}, "post": {"operationId": "make-b"}, "summary": "a summary long enough to refer to"}
        }});
        assert_listed_as_unpacked(&reordered, &published);
        // An item equal to another path's, and one of the description's own.
        reordered["paths"]["/c"] = published["paths"]["/b"].clone();
        reordered["paths"]["/d"] = json!({"put": {}, "get": {"$doc": 0}});
        assert_listed_as_unpacked(&reordered, &published);
        assert_listed_as_unpacked(&json!({"paths": {}}), &published);
        assert_listed_as_unpacked(&json!({"info": {}}), &published);
    }

    #[test]
    fn lengths_are_those_of_the_written_text() {
        for text in [
            "",
            "plain",
            "quote \" and \\",
            "\u{0}\u{1f}\n\t\r\u{8}\u{c}",
            "é ✓ \u{7f}",
        ] {
            assert_eq!(
                string_len(text),
                Value::from(text).to_string().len(),
                "{text:?}"
            );
            assert_eq!(
                Measure::of(&json!(text)).len,
                Value::from(text).to_string().len()
            );
        }
        for pointer in ["", "/a~1b/0", "/with \"quote\""] {
            assert_eq!(reference_len(pointer), reference(pointer).to_string().len());
        }
        assert_eq!(SAME_PLACE_LEN, same_place().to_string().len());
        let node = json!({"k\n": [1, "two", null, {"x": true}], "": 2.5});
        assert_eq!(Measure::of(&node).len, node.to_string().len());
    }

    #[test]
    fn operations_in_document_order() {
        let mut document = json!({"paths": {
            "/b": {"summary": "s", "post": {}, "get": {}},
            "x-paths": {"get": {}},
            "/a": {"delete": {}}
        }});
        let found: Vec<(String, String)> = operations_mut(&mut document)
            .into_iter()
            .map(|(path, method, _)| (path.to_string(), method.to_string()))
            .collect();
        assert_eq!(
            found,
            [("/b", "post"), ("/b", "get"), ("/a", "delete")]
                .map(|(p, m)| (p.to_string(), m.to_string()))
        );
    }
}
