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
//! An object that has every member of the published node at its place, most of them
//! equal, is written as `{"$doc":0,...}` with only the members that differ: it takes
//! the rest from the published node (an operation whose parameters the description
//! writes its own way, say, and whose tags, summary and other members are as written).
//! Unpacked, its members come in the published node's order, those it adds last. One
//! with no members of its own is `{"$doc":1}`: that differs from `{"$doc":0}` where the
//! published node is a reference (`{"$ref":"#/components/parameters/owner"}`), as an
//! operation's parameters often are: an object of the description that is not a
//! reference is packed against the node the reference refers to ([`place`]).
//!
//! A `$doc` member of the description's own is kept apart from these marks by wrapping
//! its value in a list: `{"$doc":[value]}`.
//!
//! [`operations_mut`] walks a document's operations in the order the generated crate
//! lists the decoders of their parameters.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map, Value};

use crate::vocabulary::{ADDITIONAL_OPERATIONS, METHODS};

/// The key of a reference to a node of the published document.
pub const REFERENCE: &str = "$doc";

/// `description` as compact JSON text, each node that `published` holds too (and whose
/// reference is shorter) written as a reference to it. The top-level members and the
/// path items each start a line, so a change to one shows as a change to one line.
pub fn pack(description: &Value, published: &Value) -> String {
    let mut index = Index::default();
    index.add(published, &mut String::new());
    let packer = Packer { index, published };
    let (packed, _, _) = packer.pack(description, Some(published));
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
/// the order of its keys, those of OpenAPI 3.2's `additionalOperations` where that key
/// is (their methods as written, a field's in lower case).
pub fn operations_mut(document: &mut Value) -> Vec<(&str, &str, &mut Map<String, Value>)> {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let items = paths
        .iter_mut()
        .filter(|(path, _)| !path.starts_with("x-"))
        .filter_map(|(path, item)| Some((path.as_str(), item.as_object_mut()?)));
    for (path, item) in items {
        for (key, node) in item.iter_mut() {
            if key == ADDITIONAL_OPERATIONS {
                let Some(additional) = node.as_object_mut() else {
                    continue;
                };
                for (method, op) in additional.iter_mut() {
                    if let Some(op) = op.as_object_mut() {
                        found.push((path, method.as_str(), op));
                    }
                }
            } else if METHODS.contains(&key.as_str()) {
                if let Some(op) = node.as_object_mut() {
                    found.push((path, key.as_str(), op));
                }
            }
        }
    }
    found
}

/// The keys of a parameter object that its decoder says rather than the description's
/// text: name, location and style always, `explode` for a list or an object (a single
/// value decodes the same either way, so there it is data) and `required` on the path.
/// The generator leaves them out of the text (unless the published parameter says the
/// same) and the runtime takes them from the decoder, whatever the text says.
pub fn decoder_keys(in_path: bool, list_or_object: bool) -> Vec<&'static str> {
    let mut keys = vec!["name", "in", "style"];
    if list_or_object {
        keys.push("explode");
    }
    if in_path {
        keys.push("required");
    }
    keys
}

/// The operations of the document [`unpack`] makes of `text`, as [`operations_mut`]
/// lists them, without unpacking the rest: a reference, or an object that takes
/// members of the published node at its place, lists its members in the published
/// order.
pub fn packed_operations(
    text: &str,
    published: &Value,
) -> Result<Vec<(String, String)>, serde_json::Error> {
    let packed: Value = serde_json::from_str(text)?;
    let root = Node::Packed(&packed, Some(published));
    let Some((_, paths)) = root
        .members(published)
        .into_iter()
        .find(|(key, _)| *key == "paths")
    else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (path, item) in paths.members(published) {
        if path.starts_with("x-") {
            continue;
        }
        for (key, node) in item.members(published) {
            if key == ADDITIONAL_OPERATIONS {
                for (method, op) in node.members(published) {
                    if op.is_object(published) {
                        found.push((path.to_string(), method.to_string()));
                    }
                }
            } else if METHODS.contains(&key) && node.is_object(published) {
                found.push((path.to_string(), key.to_string()));
            }
        }
    }
    Ok(found)
}

/// A node of the document [`unpack`] makes, found without unpacking it: a node of the
/// packed text with the published node at its place, or a published node whole.
#[derive(Clone, Copy)]
enum Node<'v> {
    Packed(&'v Value, Option<&'v Value>),
    Whole(&'v Value),
}

impl<'v> Node<'v> {
    /// The members of the object this node unpacks to, in the order [`unpack`] gives
    /// them; none when it is not an object.
    fn members(self, published: &'v Value) -> Vec<(&'v str, Node<'v>)> {
        let (value, same) = match self {
            Node::Whole(value) => return whole_members(value),
            Node::Packed(value, same) => (value, same),
        };
        let (value, whole) = referred(value, same, published);
        if whole {
            return whole_members(value);
        }
        let Value::Object(map) = value else {
            return Vec::new();
        };
        let same = place(map, same, published);
        let inherited = match inherits(map) {
            true => same.and_then(Value::as_object),
            false => None,
        };
        match inherited {
            Some(base) => base
                .iter()
                .map(|(key, node)| {
                    let member = match map.get(key) {
                        Some(own) => Node::Packed(own, Some(node)),
                        None => Node::Whole(node),
                    };
                    (key.as_str(), member)
                })
                .chain(
                    map.iter()
                        .filter(|(key, _)| *key != REFERENCE && !base.contains_key(*key))
                        .map(|(key, own)| (key.as_str(), Node::Packed(own, None))),
                )
                .collect(),
            None => map
                .iter()
                .map(|(key, child)| {
                    let same = same.and_then(|s| s.get(key));
                    (key.as_str(), Node::Packed(child, same))
                })
                .collect(),
        }
    }

    /// Whether this node unpacks to an object.
    fn is_object(self, published: &'v Value) -> bool {
        match self {
            Node::Whole(value) => value.is_object(),
            Node::Packed(value, same) => referred(value, same, published).0.is_object(),
        }
    }
}

/// The members of a published node, each whole.
fn whole_members(value: &Value) -> Vec<(&str, Node<'_>)> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, child)| (key.as_str(), Node::Whole(child)))
                .collect()
        })
        .unwrap_or_default()
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
    published: &'a Value,
}

impl Packer<'_> {
    /// `value` with the nodes the published document holds as references: to the node
    /// at the same place, `same`, when it is equal, else to an equal one the index
    /// holds. Returns the measure of `value` and the length of the packed text too.
    fn pack(&self, value: &Value, same: Option<&Value>) -> (Value, Measure, usize) {
        if same == Some(value) {
            let measured = Measure::of(value);
            if measured.len > SAME_PLACE_LEN {
                return (same_place(), measured, SAME_PLACE_LEN);
            }
        }
        let (packed, measured, len) = match value {
            Value::Array(items) => {
                let mut packed = Vec::with_capacity(items.len());
                let mut measured = Vec::with_capacity(items.len());
                let mut len = 2 + items.len().max(1) - 1;
                for (i, item) in items.iter().enumerate() {
                    let (item, item_measured, item_len) =
                        self.pack(item, same.and_then(|s| s.get(i)));
                    packed.push(item);
                    measured.push(item_measured);
                    len += item_len;
                }
                (Value::Array(packed), Measure::array(measured), len)
            }
            Value::Object(map) => {
                let same = place(map, same, self.published);
                self.pack_object(map, same.and_then(Value::as_object))
            }
            _ => {
                let measured = Measure::leaf(value);
                (value.clone(), measured, measured.len)
            }
        };
        match self.index.nodes.get(&measured.hash) {
            Some((pointer, node)) if *node == value && reference_len(pointer) < len => {
                (reference(pointer), measured, reference_len(pointer))
            }
            _ => (packed, measured, len),
        }
    }

    /// [`Self::pack`] of an object: every member written, or, when it is shorter and
    /// `same` has no member that `map` lacks, `"$doc":0` for the members equal to
    /// those of `same` and the others written.
    fn pack_object(
        &self,
        map: &Map<String, Value>,
        same: Option<&Map<String, Value>>,
    ) -> (Value, Measure, usize) {
        let mut packed = Map::new();
        let mut measured = Vec::with_capacity(map.len());
        let mut len = 2 + map.len().max(1) - 1;
        // The members and their length when `same` gives the ones equal to its own.
        let inheriting = same.filter(|same| {
            !map.contains_key(REFERENCE)
                && !map.contains_key(JSON_REFERENCE)
                && same.keys().all(|key| map.contains_key(key))
        });
        let mut own = Map::new();
        let mut own_len = INHERIT_LEN;
        for (key, child) in map {
            let same_child = same.and_then(|s| s.get(key));
            let (child_packed, child_measured, child_len) = self.pack(child, same_child);
            let member_len = string_len(key) + 1 + child_len;
            len += member_len;
            if inheriting.is_some() && same_child != Some(child) {
                own_len += 1 + member_len;
                own.insert(key.clone(), child_packed.clone());
            }
            packed.insert(key.clone(), child_packed);
            measured.push((key.as_str(), child_measured));
        }
        let measured = Measure::object(measured);
        if inheriting.is_some() && own.is_empty() && WHOLE_PLACE_LEN < len {
            let mut whole = Map::new();
            whole.insert(REFERENCE.into(), Value::from(1));
            return (Value::Object(whole), measured, WHOLE_PLACE_LEN);
        }
        if inheriting.is_some() && !own.is_empty() && own_len < len {
            let mut inherits = Map::new();
            inherits.insert(REFERENCE.into(), Value::from(0));
            inherits.extend(own);
            return (Value::Object(inherits), measured, own_len);
        }
        // A member of the description's own that would read as a reference, or as the
        // mark of inherited members, is wrapped.
        if let Some(inner) = packed.get_mut(REFERENCE) {
            *inner = Value::Array(vec![inner.take()]);
            len += 2;
        }
        (Value::Object(packed), measured, len)
    }
}

/// The key of a JSON Reference, as OpenAPI writes one (`{"$ref": "#/components/..."}`).
const JSON_REFERENCE: &str = "$ref";

/// The published node whose members the members of the object `map` are packed
/// against: `same`, the node at its place, or, where that is a reference within the
/// published document (`{"$ref":"#/..."}`) and `map` is not one, the node it refers to,
/// so that an operation's parameter refers to the component parameter it was written
/// from. [`pack`], [`unpack`] and [`packed_operations`] agree on it.
pub fn place<'v>(
    map: &Map<String, Value>,
    same: Option<&'v Value>,
    published: &'v Value,
) -> Option<&'v Value> {
    if map.contains_key(JSON_REFERENCE) {
        return same;
    }
    let target = same
        .filter(|same| same.as_object().is_some_and(|same| same.len() == 1))
        .and_then(|same| crate::refs::referred(published, same))
        .filter(|target| {
            target
                .as_object()
                .is_some_and(|t| !t.contains_key(JSON_REFERENCE))
        });
    target.or(same)
}

/// The length of the text `{"$doc":1}`.
const WHOLE_PLACE_LEN: usize = r#"{"$doc":1}"#.len();

/// The length of the text `{"$doc":0}` before the object's own members, comma aside.
const INHERIT_LEN: usize = r#"{"$doc":0}"#.len();

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
        Value::Object(map) if is_reference_map(&map) => {
            let value = Value::Object(map);
            match referred(&value, same, published) {
                (node, true) => node.clone(),
                (_, false) => value,
            }
        }
        Value::Object(mut map) => {
            let same = place(&map, same, published);
            let inherited = match inherits(&map) {
                true => same.and_then(Value::as_object),
                false => None,
            };
            if let Some(base) = inherited {
                // The published members first, in their order, each replaced by the
                // object's own where it has one; then the rest of its own.
                map.remove(REFERENCE);
                let mut out = Map::new();
                for (key, node) in base {
                    let member = match map.remove(key) {
                        Some(own) => resolve(own, Some(node), published),
                        None => node.clone(),
                    };
                    out.insert(key.clone(), member);
                }
                for (key, own) in map {
                    let member = resolve(own, None, published);
                    out.insert(key, member);
                }
                return Value::Object(out);
            }
            map.into_iter()
                .map(|(key, child)| {
                    let same = same.and_then(|s| s.get(&key));
                    let child = match child {
                        // The description's own `$doc` member, wrapped by `pack`.
                        Value::Array(mut wrapped) if key == REFERENCE && wrapped.len() == 1 => {
                            resolve(wrapped.remove(0), same, published)
                        }
                        child => resolve(child, same, published),
                    };
                    (key, child)
                })
                .collect()
        }
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

/// Whether the packed object `map` takes the members it does not write from the
/// published node at its place: `{"$doc":0,...}` with members of its own, or
/// `{"$doc":1}` with none.
fn inherits(map: &Map<String, Value>) -> bool {
    match map.get(REFERENCE).and_then(Value::as_u64) {
        Some(0) => map.len() > 1,
        Some(1) => map.len() == 1,
        _ => false,
    }
}

/// Whether `map` is a reference: `{"$doc":0}` or `{"$doc":"/pointer"}`.
fn is_reference_map(map: &Map<String, Value>) -> bool {
    map.len() == 1
        && map
            .get(REFERENCE)
            .is_some_and(|mark| mark.is_string() || mark.as_u64() == Some(0))
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
        // `openapi` and `info`, the operation's responses and the schema `a~b/c` are
        // taken from the published document.
        assert!(text.starts_with("{\"$doc\":0,\n\"paths\""), "{text}");
        assert!(
            !text.contains("\"info\"") && !text.contains("3.0.3"),
            "{text}"
        );
        assert!(text.contains(r#""get":{"$doc":0,"parameters""#), "{text}");
        assert!(text.contains(r#""schemas":{"$doc":0,"B":"#), "{text}");
        assert!(
            text.contains(r#""201":{"$doc":"/paths/~1a~1{id}/get/responses/200"}"#),
            "{text}"
        );
        assert!(text.contains(r#""x-own":{"$doc":[0],"other":1}"#), "{text}");
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
    fn an_object_takes_the_members_it_does_not_write_from_the_published_one() {
        let published = json!({"paths": {"/a": {"get": {
            "summary": "A summary that is long enough",
            "tags": ["t"],
            "x-short": 1,
            "parameters": [{"$ref": "#/components/parameters/p"}],
            "responses": {"200": {"description": "ok"}}
        }}}});
        let mut description = published.clone();
        description["paths"]["/a"]["get"]["parameters"] =
            json!([{"name": "p", "in": "query", "explode": true}]);
        description["paths"]["/a"]["get"]["x-added"] = json!(true);
        let text = pack(&description, &published);
        assert!(
            text.contains(r#""get":{"$doc":0,"parameters":[{"#),
            "{text}"
        );
        assert!(!text.contains("x-short"), "{text}");
        let unpacked = unpack(&text, &published).unwrap();
        assert_eq!(unpacked, description);
        // The published order, the added member last.
        let keys: Vec<&String> = unpacked["paths"]["/a"]["get"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            keys,
            [
                "summary",
                "tags",
                "x-short",
                "parameters",
                "responses",
                "x-added"
            ]
        );
        assert_listed_as_unpacked(&description, &published);
    }

    #[test]
    fn an_object_in_place_of_a_json_reference_is_packed_against_its_target() {
        let published = json!({
            "paths": {"/a": {"get": {"parameters": [
                {"$ref": "#/components/parameters/owner"},
                {"$ref": "#/components/parameters/owner"}
            ]}}},
            "components": {"parameters": {"owner": {
                "name": "owner", "in": "path", "required": true,
                "description": "The account owner of the repository.",
                "schema": {"type": "string"}
            }}}
        });
        let mut description = published.clone();
        let mut written = published["components"]["parameters"]["owner"].clone();
        written["explode"] = json!(false);
        description["paths"]["/a"]["get"]["parameters"][0] = written;
        let text = pack(&description, &published);
        assert!(
            text.contains(r#""parameters":[{"$doc":0,"explode":false},{"$doc":0}]"#),
            "{text}"
        );
        assert_eq!(unpack(&text, &published).ok(), Some(description));
    }

    #[test]
    fn an_object_equal_to_a_json_reference_target_is_one_mark() {
        let published = json!({
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/owner"}]}}},
            "components": {"parameters": {"owner": {"name": "owner", "in": "path"}}}
        });
        let mut description = published.clone();
        description["paths"]["/a"]["get"]["parameters"][0] =
            published["components"]["parameters"]["owner"].clone();
        let text = pack(&description, &published);
        assert!(text.contains(r#""parameters":[{"$doc":1}]"#), "{text}");
        assert_eq!(unpack(&text, &published).ok(), Some(description.clone()));
        assert_listed_as_unpacked(&description, &published);
        // Where the published node is no reference, `{"$doc":1}` is the node itself.
        let text = r#"{"paths":{"$doc":1}}"#;
        assert_eq!(
            unpack(text, &published).unwrap()["paths"],
            published["paths"]
        );
    }

    #[test]
    fn an_object_without_a_published_member_writes_all_of_its_own() {
        let published = json!({"info": {"title": "A title long enough to refer to", "version": "1", "x-gone": true}});
        let description =
            json!({"info": {"title": "A title long enough to refer to", "version": "2"}});
        let text = pack(&description, &published);
        assert!(!text.contains(r#""$doc":0,"#), "{text}");
        assert_eq!(unpack(&text, &published).ok(), Some(description));
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
