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

mod schema;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostic::pointer_join;
use crate::keywords::METHODS;
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

/// Every change from `old` to `new`, in document order, without duplicates.
pub fn diff(old: &Document, new: &Document) -> Vec<Change> {
    diff_values(&old.raw, &new.raw)
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

/// A path template with its parameter names blanked: `/books/{id}` and
/// `/books/{bookId}` are the same route to a client.
fn route_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' if in_name => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names of a path template's parameters, in order.
fn path_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
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

    /// Path items by route key, each resolved (a path item may be a `$ref`).
    fn path_items(&self, side: Side) -> Vec<(String, String, Node<'a>)> {
        let Some(paths) = self.root(side).child("paths") else {
            return Vec::new();
        };
        paths
            .entries()
            .into_iter()
            .filter_map(|(path, node)| {
                let item = self.resolve(side, node)?;
                Some((route_key(&path), path, item))
            })
            .collect()
    }

    fn paths(&mut self) {
        let old = self.path_items(Side::Old);
        let new = self.path_items(Side::New);
        for (key, path, old_item) in &old {
            if !new.iter().any(|(k, _, _)| k == key) {
                self.push(
                    Side::Old,
                    &old_item.pointer,
                    ChangeKind::PathRemoved,
                    true,
                    format!("path `{path}` removed"),
                );
            }
        }
        for (key, path, new_item) in &new {
            match old.iter().find(|(k, _, _)| k == key) {
                None => self.push(
                    Side::New,
                    &new_item.pointer,
                    ChangeKind::PathAdded,
                    false,
                    format!("path `{path}` added"),
                ),
                Some((_, old_path, old_item)) => {
                    self.path_item(old_path, old_item, path, new_item);
                }
            }
        }
    }

    fn path_item(&mut self, old_path: &str, old: &Node<'a>, new_path: &str, new: &Node<'a>) {
        for method in METHODS {
            let label = format!("{} {new_path}", method.to_uppercase());
            match (old.child(method), new.child(method)) {
                (Some(old_op), None) => self.push(
                    Side::Old,
                    &old_op.pointer,
                    ChangeKind::OperationRemoved,
                    true,
                    format!("operation {} {old_path} removed", method.to_uppercase()),
                ),
                (None, Some(new_op)) => self.push(
                    Side::New,
                    &new_op.pointer,
                    ChangeKind::OperationAdded,
                    false,
                    format!("operation {label} added"),
                ),
                (Some(old_op), Some(new_op)) => {
                    let old_op = Operation {
                        path: old_path,
                        item: old,
                        node: old_op,
                    };
                    let new_op = Operation {
                        path: new_path,
                        item: new,
                        node: new_op,
                    };
                    self.parameters(&label, &old_op, &new_op);
                    self.request_body(&label, &old_op.node, &new_op.node);
                    self.responses(&label, &old_op.node, &new_op.node);
                    self.security(&label, &old_op.node, &new_op.node);
                }
                (None, None) => {}
            }
        }
    }
}

/// One operation with what it inherits from its path item.
struct Operation<'a, 'b> {
    path: &'b str,
    item: &'b Node<'a>,
    node: Node<'a>,
}

/// A parameter as the wire sees it: located, and for path parameters, by position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ParamKey {
    location: String,
    name: String,
}

struct Param<'a> {
    /// Where the operation lists it, for additions and removals.
    listed: String,
    /// The parameter object itself, after `$ref`s.
    node: Node<'a>,
    name: String,
    required: bool,
}

impl<'a> Differ<'a> {
    /// The operation's parameters with the path item's merged in (the operation's
    /// own win, as OpenAPI says).
    fn effective_parameters(
        &self,
        side: Side,
        op: &Operation<'a, '_>,
    ) -> Vec<(ParamKey, Param<'a>)> {
        let variables = path_variables(op.path);
        let mut out: Vec<(ParamKey, Param<'a>)> = Vec::new();
        for list in [op.item.child("parameters"), op.node.child("parameters")]
            .into_iter()
            .flatten()
        {
            for listed in list.items() {
                let pointer = listed.pointer.clone();
                let Some(node) = self.resolve(side, listed) else {
                    continue;
                };
                let name = node
                    .value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let location = node
                    .value
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let key_name = match variables.iter().position(|v| *v == name) {
                    Some(position) if location == "path" => format!("#{position}"),
                    _ if location == "header" => name.to_ascii_lowercase(),
                    _ => name.clone(),
                };
                let key = ParamKey {
                    location: location.clone(),
                    name: key_name,
                };
                let required = location == "path"
                    || node.value.get("required").and_then(Value::as_bool) == Some(true);
                let param = Param {
                    listed: pointer,
                    node,
                    name,
                    required,
                };
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = param,
                    None => out.push((key, param)),
                }
            }
        }
        out
    }

    fn parameters(&mut self, label: &str, old_op: &Operation<'a, '_>, new_op: &Operation<'a, '_>) {
        let old = self.effective_parameters(Side::Old, old_op);
        let new = self.effective_parameters(Side::New, new_op);
        for (key, param) in &old {
            if !new.iter().any(|(k, _)| k == key) {
                self.push(
                    Side::Old,
                    &param.listed,
                    ChangeKind::ParameterRemoved,
                    false,
                    format!(
                        "{} parameter `{}` removed from {label}; the server ignores it when sent",
                        key.location, param.name
                    ),
                );
            }
        }
        for (key, new_param) in &new {
            let Some((_, old_param)) = old.iter().find(|(k, _)| k == key) else {
                let (kind, breaking, what) = if new_param.required {
                    (ChangeKind::RequiredParameterAdded, true, "required")
                } else {
                    (ChangeKind::OptionalParameterAdded, false, "optional")
                };
                self.push(
                    Side::New,
                    &new_param.listed,
                    kind,
                    breaking,
                    format!(
                        "{what} {} parameter `{}` added to {label}",
                        key.location, new_param.name
                    ),
                );
                continue;
            };
            let at = new_param.node.pointer.clone();
            let what = format!("{} parameter `{}`", key.location, new_param.name);
            match (old_param.required, new_param.required) {
                (false, true) => self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterMadeRequired,
                    true,
                    format!("{what} is now required"),
                ),
                (true, false) => self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterMadeOptional,
                    false,
                    format!("{what} is now optional"),
                ),
                _ => {}
            }
            let style = |param: &Param<'_>| {
                let default_style = match key.location.as_str() {
                    "query" | "cookie" => "form",
                    _ => "simple",
                };
                let style = param
                    .node
                    .value
                    .get("style")
                    .and_then(Value::as_str)
                    .unwrap_or(default_style)
                    .to_string();
                let explode = param
                    .node
                    .value
                    .get("explode")
                    .and_then(Value::as_bool)
                    .unwrap_or(style == "form");
                (style, explode)
            };
            let (old_style, new_style) = (style(old_param), style(new_param));
            if old_style != new_style {
                self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterStyleChanged,
                    true,
                    format!(
                        "{what} changed from style {} (explode {}) to style {} (explode {})",
                        old_style.0, old_style.1, new_style.0, new_style.1
                    ),
                );
            }
            let schema = |param: &Param<'a>| {
                param.node.child("schema").or_else(|| {
                    let content = param.node.child("content")?;
                    content.entries().into_iter().next()?.1.child("schema")
                })
            };
            if let (Some(old_schema), Some(new_schema)) = (schema(old_param), schema(new_param)) {
                self.schema(old_schema, new_schema, Direction::Request);
            }
        }
    }

    fn request_body(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let old = old_op
            .child("requestBody")
            .and_then(|n| self.resolve(Side::Old, n));
        let new = new_op
            .child("requestBody")
            .and_then(|n| self.resolve(Side::New, n));
        let required =
            |body: &Node<'_>| body.value.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (Some(old), None) => self.push(
                Side::Old,
                &old.pointer,
                ChangeKind::RequestBodyRemoved,
                false,
                format!("request body removed from {label}; the server ignores it when sent"),
            ),
            (None, Some(new)) => {
                if required(&new) {
                    self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequiredRequestBodyAdded,
                        true,
                        format!("required request body added to {label}"),
                    );
                } else {
                    self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::OptionalRequestBodyAdded,
                        false,
                        format!("optional request body added to {label}"),
                    );
                }
            }
            (Some(old), Some(new)) => {
                match (required(&old), required(&new)) {
                    (false, true) => self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequestBodyMadeRequired,
                        true,
                        format!("the request body of {label} is now required"),
                    ),
                    (true, false) => self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequestBodyMadeOptional,
                        false,
                        format!("the request body of {label} is now optional"),
                    ),
                    _ => {}
                }
                self.content(label, &old, &new, Direction::Request, true);
            }
        }
    }

    /// Compares the `content` maps of two bodies. `success` says whether losing a
    /// media type breaks clients (always for requests; for responses, only 2XX).
    fn content(
        &mut self,
        label: &str,
        old: &Node<'a>,
        new: &Node<'a>,
        direction: Direction,
        success: bool,
    ) {
        let media = |node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            node.child("content")
                .map(|content| {
                    content
                        .entries()
                        .into_iter()
                        .map(|(key, node)| (key.to_ascii_lowercase(), node))
                        .collect()
                })
                .unwrap_or_default()
        };
        let old_media = media(old);
        let new_media = media(new);
        let (removed, added) = match direction {
            Direction::Request => (
                ChangeKind::RequestMediaTypeRemoved,
                ChangeKind::RequestMediaTypeAdded,
            ),
            Direction::Response => (
                ChangeKind::ResponseMediaTypeRemoved,
                ChangeKind::ResponseMediaTypeAdded,
            ),
        };
        let place = match direction {
            Direction::Request => format!("the request body of {label}"),
            Direction::Response => label.to_string(),
        };
        for (media_type, node) in &old_media {
            if !new_media.iter().any(|(m, _)| m == media_type) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    removed,
                    success,
                    format!(
                        "{} media type `{media_type}` removed from {place}",
                        direction.noun()
                    ),
                );
            }
        }
        for (media_type, new_node) in &new_media {
            match old_media.iter().find(|(m, _)| m == media_type) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    added,
                    false,
                    format!(
                        "{} media type `{media_type}` added to {place}",
                        direction.noun()
                    ),
                ),
                Some((_, old_node)) => {
                    match (old_node.child("schema"), new_node.child("schema")) {
                        (Some(old_schema), Some(new_schema)) => {
                            self.schema(old_schema, new_schema, direction)
                        }
                        // No schema means any value: gaining one narrows, losing one widens.
                        (Some(_), None) => self.widened(
                            direction,
                            &new_node.pointer,
                            ChangeKind::ConstraintWidened,
                            "the schema was removed, so any value is allowed",
                        ),
                        (None, Some(new_schema)) => self.narrowed(
                            direction,
                            &new_schema.pointer,
                            ChangeKind::ConstraintNarrowed,
                            "a schema was added where any value was allowed",
                        ),
                        (None, None) => {}
                    }
                }
            }
        }
    }

    fn responses(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let statuses = |side: Side, op: &Node<'a>| -> Vec<(String, Node<'a>)> {
            op.child("responses")
                .map(|responses| {
                    responses
                        .entries()
                        .into_iter()
                        .filter_map(|(status, node)| {
                            Some((status.to_ascii_uppercase(), self.resolve(side, node)?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let old = statuses(Side::Old, old_op);
        let new = statuses(Side::New, new_op);
        for (status, node) in &old {
            if !new.iter().any(|(s, _)| s == status) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    ChangeKind::ResponseStatusRemoved,
                    is_success(status),
                    format!("response status {status} removed from {label}"),
                );
            }
        }
        for (status, new_node) in &new {
            match old.iter().find(|(s, _)| s == status) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    ChangeKind::ResponseStatusAdded,
                    false,
                    format!("response status {status} added to {label}"),
                ),
                Some((_, old_node)) => {
                    let place = format!("the {status} response of {label}");
                    self.content(
                        &place,
                        old_node,
                        new_node,
                        Direction::Response,
                        is_success(status),
                    );
                    self.headers(&place, old_node, new_node, is_success(status));
                }
            }
        }
    }
}

impl<'a> Differ<'a> {
    /// Compares the headers of two responses; header names are case-insensitive.
    fn headers(&mut self, place: &str, old: &Node<'a>, new: &Node<'a>, success: bool) {
        let headers = |side: Side, node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            node.child("headers")
                .map(|headers| {
                    headers
                        .entries()
                        .into_iter()
                        .filter_map(|(name, node)| {
                            Some((name.to_ascii_lowercase(), self.resolve(side, node)?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let old_headers = headers(Side::Old, old);
        let new_headers = headers(Side::New, new);
        for (name, node) in &old_headers {
            if !new_headers.iter().any(|(n, _)| n == name) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    ChangeKind::ResponseHeaderRemoved,
                    success,
                    format!("header `{name}` removed from {place}"),
                );
            }
        }
        for (name, new_node) in &new_headers {
            match old_headers.iter().find(|(n, _)| n == name) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    ChangeKind::ResponseHeaderAdded,
                    false,
                    format!("header `{name}` added to {place}"),
                ),
                Some((_, old_node)) => {
                    if let (Some(o), Some(n)) = (old_node.child("schema"), new_node.child("schema"))
                    {
                        self.schema(o, n, Direction::Response);
                    }
                }
            }
        }
    }
}

/// A security requirement: scheme names and the scopes each needs.
type Requirement = BTreeMap<String, BTreeSet<String>>;

impl<'a> Differ<'a> {
    /// The requirements that apply to an operation and where they are written. No
    /// security at all is one empty requirement: anyone may call.
    fn requirements(&self, side: Side, op: &Node<'a>) -> (Vec<Requirement>, String) {
        let node = op
            .child("security")
            .or_else(|| self.root(side).child("security"));
        let Some(node) = node else {
            return (vec![Requirement::new()], op.pointer.clone());
        };
        let mut out: Vec<Requirement> = node
            .items()
            .iter()
            .filter_map(|requirement| {
                let map = requirement.object()?;
                Some(
                    map.iter()
                        .map(|(scheme, scopes)| {
                            let scopes = scopes
                                .as_array()
                                .map(|s| {
                                    s.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (scheme.clone(), scopes)
                        })
                        .collect(),
                )
            })
            .collect();
        if out.is_empty() {
            out.push(Requirement::new());
        }
        (out, node.pointer)
    }

    fn security(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let (old, _) = self.requirements(Side::Old, old_op);
        let (new, at) = self.requirements(Side::New, new_op);
        // A caller who met old requirement `r` can still call when some new
        // requirement asks for a subset of what `r` gave.
        let suffices = |given: &Requirement, asked: &Requirement| {
            asked.iter().all(|(scheme, scopes)| {
                given
                    .get(scheme)
                    .is_some_and(|granted| scopes.is_subset(granted))
            })
        };
        let stranded: Vec<&Requirement> = old
            .iter()
            .filter(|given| !new.iter().any(|asked| suffices(given, asked)))
            .collect();
        if !stranded.is_empty() {
            let who = stranded
                .iter()
                .map(|r| describe_requirement(r))
                .collect::<Vec<_>>()
                .join(" or ");
            self.push(
                Side::New,
                &at,
                ChangeKind::SecurityRequirementAdded,
                true,
                format!(
                    "{label} now requires {}; callers with {who} no longer qualify",
                    new.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        } else if old.iter().collect::<BTreeSet<_>>() != new.iter().collect::<BTreeSet<_>>() {
            self.push(
                Side::New,
                &at,
                ChangeKind::SecurityRequirementRemoved,
                false,
                format!(
                    "{label} security relaxed from {} to {}",
                    old.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or "),
                    new.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        }
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

fn describe_requirement(requirement: &Requirement) -> String {
    if requirement.is_empty() {
        return "no credentials".into();
    }
    requirement
        .iter()
        .map(|(scheme, scopes)| {
            if scopes.is_empty() {
                format!("`{scheme}`")
            } else {
                format!(
                    "`{scheme}` [{}]",
                    scopes.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}
