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

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::HashMap;
use std::hash::Hasher;

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

/// The nodes of the published document worth referring to, by a hash of their value.
#[derive(Default)]
struct Index<'a> {
    nodes: HashMap<u64, (String, &'a Value)>,
}

impl<'a> Index<'a> {
    /// Adds `value`, at `pointer`, and the nodes under it; returns its measure.
    fn add(&mut self, value: &'a Value, pointer: &mut String) -> Measure {
        let at = pointer.len();
        let mut child = |index: &mut Self, key: &str, child: &'a Value| {
            pointer.push('/');
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            let measured = index.add(child, pointer);
            pointer.truncate(at);
            measured
        };
        let measured = match value {
            Value::Array(items) => Measure::array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| child(self, &i.to_string(), item)),
            ),
            Value::Object(map) => Measure::object(
                map.iter()
                    .map(|(key, value)| (key.as_str(), child(self, key, value))),
            ),
            _ => Measure::leaf(value),
        };
        if measured.len > reference(pointer).to_string().len() {
            if let Entry::Vacant(entry) = self.nodes.entry(measured.hash) {
                entry.insert((pointer.clone(), value));
            }
        }
        measured
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
            if measured.len > same_place().to_string().len() {
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
        let text = value.to_string();
        let mut hasher = DefaultHasher::new();
        hasher.write(text.as_bytes());
        Self {
            hash: hasher.finish(),
            len: text.len(),
        }
    }

    fn array(items: impl IntoIterator<Item = Self>) -> Self {
        let mut hasher = DefaultHasher::new();
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
            let mut hasher = DefaultHasher::new();
            hasher.write(key.as_bytes());
            hasher.write_u64(value.hash);
            sum = sum.wrapping_add(hasher.finish());
            len += Value::from(key).to_string().len() + 1 + value.len;
            count += 1;
        }
        let mut hasher = DefaultHasher::new();
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
