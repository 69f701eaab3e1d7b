//! Classifying the changes between two versions of a spec as breaking or compatible
//! for clients already written against the old one, so CI can block a release that
//! would break them (what Dropshot's API manager does for code-first APIs).
//!
//! The walk goes over the raw documents, resolving local `$ref`s on both sides, so a
//! schema moved into `components` is not reported as changed. Schema changes are
//! judged by the direction data flows: a request schema that accepts less than before
//! breaks clients (they may send what is now rejected), and a response schema that
//! may hold more than before breaks them too (they may not understand it). The same
//! component used on both sides is compared once per direction.
//!
//! Choices where the answer is a judgment call:
//!
//! - A removed parameter is compatible: the generated server ignores query parameters
//!   and headers it does not declare, so old clients keep working. A removed request
//!   body or request property (without `additionalProperties: false`) is compatible
//!   for the same reason.
//! - An added response status is compatible: clients must already cope with statuses
//!   the spec does not list (any server can answer 500, any proxy 502).
//! - A removed response status or response media type is breaking only for success
//!   (`2XX`) statuses; an error a server stops returning breaks nobody.
//! - A removed response property is breaking even when it was optional: clients read
//!   it, and its absence now means something else.
//! - Renaming a path parameter is not a change: the name is not on the wire. Paths
//!   are matched with their parameter names blanked, and path parameters by position.
//!
//! This file holds the public types, the entry points and the walker; what it
//! compares is in `operations.rs` (paths and operations), `parameters.rs`, `bodies.rs`
//! (request bodies, responses, media types and headers), `security.rs` and `schema.rs`.

mod bodies;
mod operations;
mod parameters;
mod schema;
mod security;

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostic::pointer_join;
use crate::load::refs;
use crate::load::Document;

/// One difference between the old and the new spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// A JSON pointer to the node the change is about, in the document `side` names:
    /// the new spec for what exists there, the old one for what was removed.
    pub pointer: String,
    /// Which document `pointer` points into.
    pub side: Side,
    /// What kind of change this is.
    pub kind: ChangeKind,
    /// Whether existing clients may fail because of it.
    pub breaking: bool,
    /// A one-line explanation for people.
    pub message: String,
}

/// Which of the two documents a pointer refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The spec before the change.
    Old,
    /// The spec after the change.
    New,
}

/// The kinds of change [`diff`] recognizes.
///
/// Some kinds are always breaking or always compatible; the schema kinds depend on
/// whether the schema describes what clients send or what they receive (see the
/// module docs), and [`Change::breaking`] holds the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A whole path is gone (breaking).
    PathRemoved,
    /// A new path (compatible).
    PathAdded,
    /// An operation is gone from a path that remains (breaking).
    OperationRemoved,
    /// A new operation on an existing path (compatible).
    OperationAdded,
    /// A new parameter clients must send (breaking).
    RequiredParameterAdded,
    /// A new parameter clients may leave out (compatible).
    OptionalParameterAdded,
    /// A parameter is gone; the server ignores it when sent (compatible).
    ParameterRemoved,
    /// An optional parameter became required (breaking).
    ParameterMadeRequired,
    /// A required parameter became optional (compatible).
    ParameterMadeOptional,
    /// A parameter's `style` or `explode` changed, so its wire form did (breaking).
    ParameterStyleChanged,
    /// A request body clients must send where there was none (breaking).
    RequiredRequestBodyAdded,
    /// An optional request body where there was none (compatible).
    OptionalRequestBodyAdded,
    /// The request body is gone; the server ignores it when sent (compatible).
    RequestBodyRemoved,
    /// An optional request body became required (breaking).
    RequestBodyMadeRequired,
    /// A required request body became optional (compatible).
    RequestBodyMadeOptional,
    /// A request media type is no longer accepted (breaking).
    RequestMediaTypeRemoved,
    /// A new request media type is accepted (compatible).
    RequestMediaTypeAdded,
    /// A response status is gone: breaking for success statuses, else compatible.
    ResponseStatusRemoved,
    /// A new response status (compatible).
    ResponseStatusAdded,
    /// A response media type is gone: breaking for success statuses, else compatible.
    ResponseMediaTypeRemoved,
    /// A new response media type (compatible).
    ResponseMediaTypeAdded,
    /// A response header is gone: breaking for success statuses, else compatible.
    ResponseHeaderRemoved,
    /// A new response header (compatible).
    ResponseHeaderAdded,
    /// Callers that met the old security requirements may not meet the new (breaking).
    SecurityRequirementAdded,
    /// Security requirements were relaxed: every old caller still qualifies (compatible).
    SecurityRequirementRemoved,
    /// A schema's type changed to one that neither contains nor is contained in the
    /// old one, or its `format` changed (breaking).
    TypeChanged,
    /// A schema now admits more types, e.g. `nullable` added or `integer` to
    /// `number`: breaking in responses, compatible in requests.
    TypeWidened,
    /// A schema now admits fewer types: breaking in requests, compatible in responses.
    TypeNarrowed,
    /// A new `enum` value: breaking in responses, compatible in requests.
    EnumValueAdded,
    /// An `enum` value is gone: breaking in requests, compatible in responses.
    EnumValueRemoved,
    /// A constraint now admits fewer values (`maxLength` lowered, `minimum` raised,
    /// `pattern` added, ...): breaking in requests, compatible in responses.
    ConstraintNarrowed,
    /// A constraint now admits more values: breaking in responses, compatible in
    /// requests.
    ConstraintWidened,
    /// A constraint changed in a way that is neither wider nor narrower, such as a
    /// different `pattern` (breaking).
    ConstraintChanged,
    /// An object property is gone: breaking in responses; in requests, breaking only
    /// when the new schema forbids additional properties.
    PropertyRemoved,
    /// A new optional property, or any new property in a response (compatible).
    PropertyAdded,
    /// A new required property in a request (breaking).
    RequiredPropertyAdded,
    /// A property became required: breaking in requests, compatible in responses.
    PropertyMadeRequired,
    /// A property became optional: breaking in responses, compatible in requests.
    PropertyMadeOptional,
    /// A new `oneOf`/`anyOf` alternative: breaking in responses, compatible in
    /// requests.
    VariantAdded,
    /// A `oneOf`/`anyOf` alternative is gone: breaking in requests, compatible in
    /// responses.
    VariantRemoved,
    /// A schema changed in a way that cannot be compared, such as an unresolvable
    /// `$ref` (breaking, to be safe).
    SchemaChanged,
}

/// Every change from `old` to `new`, in document order, without duplicates, each at
/// its pointer in the input as written (before loading rewrote it).
pub fn diff(old: &Document, new: &Document) -> Vec<Change> {
    let mut changes = diff_values(&old.raw, &new.raw);
    for change in &mut changes {
        let origins = match change.side {
            Side::Old => &old.origins,
            Side::New => &new.origins,
        };
        change.pointer = origins.input_pointer(&change.pointer);
    }
    changes
}

/// [`diff`] over two raw documents, for callers that have the JSON already.
pub fn diff_values(old: &Value, new: &Value) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        seen: HashSet::new(),
        changes: Vec::new(),
        depth: 0,
        pending: Vec::new(),
    };
    differ.paths();
    while let Some((old, new, direction)) = differ.pending.pop() {
        differ.schema(old, new, direction);
    }
    let mut unique = HashSet::new();
    differ
        .changes
        .into_iter()
        .filter(|change| {
            unique.insert((
                change.side,
                change.pointer.clone(),
                change.kind,
                change.message.clone(),
            ))
        })
        .collect()
}

/// Whether the data a schema describes flows from client to server or back; it
/// decides whether admitting more values or fewer is what breaks clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Direction {
    Request,
    Response,
}

impl Direction {
    fn noun(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// A node of one document and where it is.
#[derive(Debug, Clone)]
struct Node<'a> {
    value: &'a Value,
    pointer: String,
}

impl<'a> Node<'a> {
    fn child(&self, key: &str) -> Option<Node<'a>> {
        let value = match self.value {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
        Some(Node {
            value,
            pointer: pointer_join(&self.pointer, key),
        })
    }

    fn entries(&self) -> Vec<(String, Node<'a>)> {
        match self.value {
            Value::Object(map) => map
                .iter()
                .map(|(key, value)| {
                    (
                        key.clone(),
                        Node {
                            value,
                            pointer: pointer_join(&self.pointer, key),
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn items(&self) -> Vec<Node<'a>> {
        match self.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, value)| Node {
                    value,
                    pointer: pointer_join(&self.pointer, index.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn object(&self) -> Option<&'a Map<String, Value>> {
        self.value.as_object()
    }
}

/// The comparison under way: both documents, and what it has found so far.
struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    /// Schema pairs already compared, by resolved pointers and direction: shared
    /// components are reported once, and recursive schemas end.
    seen: HashSet<(String, String, Direction)>,
    changes: Vec<Change>,
    /// How deeply schema comparisons are nested right now.
    depth: usize,
    /// Schema pairs left for later because they were reached too deep.
    pending: Vec<(Node<'a>, Node<'a>, Direction)>,
}

/// Follows local `$ref`s from `node` to the node they name. `None` when a reference
/// is external, dangling or part of a cycle.
fn resolve<'a>(doc: &'a Value, node: Node<'a>) -> Option<Node<'a>> {
    let (pointer, value) = refs::resolve(doc, &node.pointer, node.value).ok()?;
    Some(Node { value, pointer })
}

impl<'a> Differ<'a> {
    fn root(&self, side: Side) -> Node<'a> {
        Node {
            value: match side {
                Side::Old => self.old,
                Side::New => self.new,
            },
            pointer: String::new(),
        }
    }

    fn doc(&self, side: Side) -> &'a Value {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    fn resolve(&self, side: Side, node: Node<'a>) -> Option<Node<'a>> {
        resolve(self.doc(side), node)
    }

    fn push(
        &mut self,
        side: Side,
        pointer: &str,
        kind: ChangeKind,
        breaking: bool,
        message: String,
    ) {
        self.changes.push(Change {
            pointer: pointer.to_string(),
            side,
            kind,
            breaking,
            message,
        });
    }

    /// Records a change that admits fewer values than before.
    fn narrowed(&mut self, direction: Direction, pointer: &str, kind: ChangeKind, what: &str) {
        self.push(
            Side::New,
            pointer,
            kind,
            direction == Direction::Request,
            format!("{what} (in a {} schema)", direction.noun()),
        );
    }

    /// Records a change that admits more values than before.
    fn widened(&mut self, direction: Direction, pointer: &str, kind: ChangeKind, what: &str) {
        self.push(
            Side::New,
            pointer,
            kind,
            direction == Direction::Response,
            format!("{what} (in a {} schema)", direction.noun()),
        );
    }
}
