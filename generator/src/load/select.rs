//! Selecting what to generate: the operations a [`Selection`] keeps, and the reusable
//! parts of the document they reach.
//!
//! Pruning runs on the document as parsed, before any conversion, so everything after it
//! (the Swagger 2.0 conversion, the 3.1 rewrite, hoisting, lowering) sees only what the
//! selection keeps, and the document a generated crate serves is the selected one. It
//! only removes members of objects, so every node left keeps its JSON pointer and
//! diagnostics still point into the input file.
//!
//! 1. **Operations.** Each path item under `paths`, `webhooks` and `x-webhooks` (the
//!    extension 3.0 documents such as GitHub's describe webhooks with; the generator
//!    does not read it, but the crate serves it) is followed through `$ref`s; an
//!    operation is kept when one of its `tags` or its `operationId` is selected. The
//!    others are removed, and so is a path item left without operations.
//! 2. **Reusable parts.** The entries of each section of `components` (in Swagger 2.0:
//!    `definitions`, `parameters`, `responses`, `securityDefinitions`) are kept when
//!    something kept reaches them: a `$ref` to the entry or into it, a discriminator's
//!    `mapping`, or, for security schemes, a `security` requirement naming them. Each
//!    entry reached is searched in turn, so chains and cycles through every kind of
//!    component are followed. The rest of the document (`info`, `servers`, `tags`,
//!    extensions) is kept as written.
//!
//! A kept node whose `$ref` points into an operation the selection removes cannot be
//! served, so it is a diagnostic rather than a dangling reference.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::diagnostic::{escape_token, pointer_below, pointer_join, Diagnostic};
use crate::load::refs;
use specfirst_model::vocabulary;

/// Which operations to generate: those with one of `tags` or whose `operationId` is in
/// `operations`. With both empty (the default), everything is generated.
///
/// Operations left out cost nothing: they are removed before lowering, together with
/// every component nothing kept refers to, and the generated crate serves the document
/// that remains. Each name must match some operation (or webhook), or loading fails
/// naming it. Names are compared exactly, case included.
///
/// ```
/// let selection = specfirst::Selection::default()
///     .with_tags(["repos"])
///     .with_operations(["users/get-authenticated"]);
/// assert_eq!(selection.to_string(), "tags repos; operations users/get-authenticated");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep the operations carrying one of these tags.
    pub tags: Vec<String>,
    /// Keep the operations with one of these `operationId`s.
    pub operations: Vec<String>,
}

impl Selection {
    /// This selection with `tags` added.
    pub fn with_tags<I>(mut self, tags: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// This selection with the `operationId`s `operations` added.
    pub fn with_operations<I>(mut self, operations: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.operations
            .extend(operations.into_iter().map(Into::into));
        self
    }

    /// Whether nothing is selected, so every operation is generated.
    pub fn is_all(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty()
    }

    /// Whether `operation` (an Operation object) is kept.
    fn keeps(&self, operation: &Value) -> bool {
        let id = operation.get("operationId").and_then(Value::as_str);
        id.is_some_and(|id| self.operations.iter().any(|name| name == id))
            || tags_of(operation).any(|tag| self.tags.iter().any(|name| name == tag))
    }
}

/// `tags a,b; operations x,y`, as generated headers record it; names holding spaces,
/// commas, semicolons or control characters are written as JSON strings.
impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all operations");
        }
        let list = |names: &[String]| {
            names
                .iter()
                .map(|name| {
                    let plain = !name.is_empty()
                        && !name
                            .chars()
                            .any(|c| c.is_whitespace() || c.is_control() || ",;\"".contains(c));
                    if plain {
                        name.clone()
                    } else {
                        serde_json::Value::from(name.as_str()).to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            parts.push(format!("tags {}", list(&self.tags)));
        }
        if !self.operations.is_empty() {
            parts.push(format!("operations {}", list(&self.operations)));
        }
        f.write_str(&parts.join("; "))
    }
}

/// The names of a selection that no operation of the spec has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmatched {
    /// Selected tags no operation carries.
    pub tags: Vec<String>,
    /// Selected `operationId`s no operation has.
    pub operations: Vec<String>,
    /// Every tag the spec's operations carry, sorted.
    pub known_tags: Vec<String>,
    /// For each of `operations`, the spec's `operationId`s spelled most like it.
    pub similar_operations: Vec<Vec<String>>,
}

/// How many of the spec's tags an error lists.
const LISTED_TAGS: usize = 40;

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |names: &[String]| {
            names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut clauses = Vec::new();
        if !self.tags.is_empty() {
            let known = match self.known_tags.len() {
                0 => "no operation has tags".to_string(),
                n if n > LISTED_TAGS => format!(
                    "the operations' tags are {} and {} more",
                    quoted(&self.known_tags[..LISTED_TAGS]),
                    n - LISTED_TAGS
                ),
                _ => format!("the operations' tags are {}", quoted(&self.known_tags)),
            };
            let noun = if self.tags.len() == 1 { "tag" } else { "tags" };
            clauses.push(format!("{noun} {} ({known})", quoted(&self.tags)));
        }
        for (index, id) in self.operations.iter().enumerate() {
            let similar = self.similar_operations.get(index).map_or(&[][..], |s| s);
            if similar.is_empty() {
                clauses.push(format!("operationId `{id}`"));
            } else {
                clauses.push(format!(
                    "operationId `{id}` (did you mean {}?)",
                    quoted(similar)
                ));
            }
        }
        write!(
            f,
            "the selection names what no operation has: {}; correct the names or leave \
             them out (tags and operationIds are case-sensitive)",
            clauses.join(", ")
        )
    }
}

/// Why a selection could not be applied.
#[derive(Debug)]
pub(crate) enum Rejected {
    /// Some selected names match no operation.
    Unmatched(Unmatched),
    /// Kept nodes refer into removed operations.
    Dangling(Vec<Diagnostic>),
}

/// Removes from `doc` (as parsed: Swagger 2.0 or OpenAPI 3.x) every operation
/// `selection` leaves out and every reusable part nothing kept reaches.
pub(crate) fn prune(doc: &mut Value, selection: &Selection) -> Result<(), Rejected> {
    if selection.is_all() {
        return Ok(());
    }
    let scan = scan(doc, selection);
    let unmatched = Unmatched {
        tags: missing(&selection.tags, &scan.tags),
        operations: missing(&selection.operations, &scan.ids),
        known_tags: scan.tags.iter().cloned().collect(),
        similar_operations: Vec::new(),
    };
    if !unmatched.tags.is_empty() || !unmatched.operations.is_empty() {
        let similar_operations = unmatched
            .operations
            .iter()
            .map(|id| similar(id, &scan.ids))
            .collect();
        return Err(Rejected::Unmatched(Unmatched {
            similar_operations,
            ..unmatched
        }));
    }
    for pointer in scan.dropped.keys() {
        remove(doc, pointer);
        // An `additionalOperations` left with no operation goes too: it held only them.
        if let Some((parent, _)) = pointer.rsplit_once('/') {
            if parent.ends_with(&format!("/{}", vocabulary::ADDITIONAL_OPERATIONS))
                && doc
                    .pointer(parent)
                    .and_then(Value::as_object)
                    .is_some_and(serde_json::Map::is_empty)
            {
                remove(doc, parent);
            }
        }
    }
    let reached = reach(doc, &scan.dropped)?;
    for container in containers(doc) {
        if let Some(Value::Object(entries)) = doc.pointer_mut(&container) {
            entries.retain(|name, _| reached.contains(&pointer_join(&container, name)));
        }
    }
    Ok(())
}

/// The top-level members whose entries are path items.
const OPERATION_SECTIONS: [&str; 3] = ["paths", "webhooks", "x-webhooks"];

/// What the walk over operations found.
#[derive(Default)]
struct Scan {
    /// Every tag any operation carries.
    tags: BTreeSet<String>,
    /// Every `operationId`.
    ids: BTreeSet<String>,
    /// The pointers of the operations and path items to remove, each with what it is,
    /// for messages about references into them.
    dropped: BTreeMap<String, String>,
}

fn scan(doc: &Value, selection: &Selection) -> Scan {
    // Path items that share a definition through `$ref`s share its operations, and so
    // the decision about each.
    let mut scan = Scan::default();
    for section in OPERATION_SECTIONS {
        let Some(Value::Object(items)) = doc.get(section) else {
            continue;
        };
        let section_at = pointer_join("", section);
        for (key, item) in items {
            if key.starts_with("x-") {
                continue;
            }
            let at = pointer_join(&section_at, key);
            // A broken reference is lowering's to report, with the selection or without.
            let Ok((item_at, Value::Object(node))) = refs::resolve(doc, &at, item) else {
                continue;
            };
            let mut any_kept = false;
            for (method, tokens) in vocabulary::operation_places(node) {
                let Some((first, rest)) = tokens.split_first() else {
                    continue;
                };
                let mut found = node.get(first);
                for token in rest {
                    found = found.and_then(|value| value.get(token));
                }
                let Some(operation) = found else {
                    continue;
                };
                let operation_at = pointer_below(&item_at, &tokens);
                let operation = refs::follow(doc, operation);
                scan.tags.extend(tags_of(operation).map(str::to_string));
                let id = operation.get("operationId").and_then(Value::as_str);
                scan.ids.extend(id.map(str::to_string));
                if selection.keeps(operation) {
                    any_kept = true;
                } else {
                    let what = match id {
                        Some(id) => format!("operation `{id}`"),
                        None => format!("operation `{} {key}`", method.to_ascii_uppercase()),
                    };
                    scan.dropped.insert(operation_at, what);
                }
            }
            if !any_kept {
                let what = match section {
                    "paths" => format!("path `{key}`"),
                    _ => format!("webhook `{key}`"),
                };
                scan.dropped.insert(at, what);
            }
        }
    }
    scan
}

fn tags_of(operation: &Value) -> impl Iterator<Item = &str> {
    operation
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn missing(selected: &[String], present: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in selected {
        if !present.contains(name) && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// Up to three of `ids` spelled like `id`: the same but for case, containing it or
/// contained in it, or a few edits away.
fn similar(id: &str, ids: &BTreeSet<String>) -> Vec<String> {
    let wanted = id.to_lowercase();
    let mut scored: Vec<(usize, &String)> = ids
        .iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            if lower == wanted {
                return Some((0, candidate));
            }
            let distance = edit_distance(&wanted, &lower);
            let close = distance <= (wanted.chars().count() / 4).max(1);
            let within =
                wanted.chars().count() >= 4 && (lower.contains(&wanted) || wanted.contains(&lower));
            (close || within).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| candidate.clone())
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Removes the member at `pointer`, if its parent is an object holding it.
fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = crate::diagnostic::unescape_token(last);
    if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
        map.remove(&key);
    }
}

/// The pointers of the sections whose entries are kept only when reached.
fn containers(doc: &Value) -> Vec<String> {
    if doc.get("swagger").is_some() {
        return [
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
        ]
        .into_iter()
        .filter(|key| doc.get(*key).is_some_and(Value::is_object))
        .map(|key| pointer_join("", key))
        .collect();
    }
    match doc.get("components") {
        Some(Value::Object(components)) => components
            .iter()
            .filter(|(key, value)| !key.starts_with("x-") && value.is_object())
            .map(|(key, _)| pointer_join("/components", key))
            .collect(),
        _ => Vec::new(),
    }
}

/// Something a kept node reaches.
enum Found {
    /// A reference (`target` as written), written at `at`.
    Ref { at: String, target: String },
    /// A security scheme named by a requirement.
    Scheme(String),
}

/// The pointers of the container entries reached from everything outside the
/// containers, transitively; a reference into a dropped node is a diagnostic.
fn reach(doc: &Value, dropped: &BTreeMap<String, String>) -> Result<BTreeSet<String>, Rejected> {
    let containers = containers(doc);
    let swagger = doc.get("swagger").is_some();
    let schemas = if swagger {
        "/definitions"
    } else {
        "/components/schemas"
    };
    let schemes = if swagger {
        "/securityDefinitions"
    } else {
        "/components/securitySchemes"
    };
    let mut walk = Walk {
        schemas,
        found: Vec::new(),
    };

    // The roots: every member of the document outside the containers.
    if let Value::Object(root) = doc {
        walk.requirements(root);
        for (key, value) in root {
            let mut at = pointer_join("", key);
            if containers.contains(&at) {
                continue;
            }
            match (key.as_str(), value, swagger) {
                ("components", Value::Object(components), false) => {
                    for (kind, section) in components {
                        let mut at = pointer_join(&at, kind);
                        if !containers.contains(&at) {
                            walk.node(section, &mut at);
                        }
                    }
                }
                _ => walk.node(value, &mut at),
            }
        }
    }

    let mut reached = BTreeSet::new();
    let mut problems = Vec::new();
    while let Some(found) = walk.found.pop() {
        let entries = match found {
            Found::Scheme(name) => vec![pointer_join(schemes, name)],
            Found::Ref { at, target } => {
                // External references are lowering's to report.
                let Some(local) = refs::local_pointer(&target) else {
                    continue;
                };
                if let Some(what) = dropped_around(dropped, &local) {
                    problems.push(Diagnostic::new(
                        at,
                        format!(
                            "`{target}` is part of {what}, which the selection leaves out; \
                             select it too, or move what both use into `components`"
                        ),
                    ));
                    continue;
                }
                entries_at(doc, &containers, &local)
            }
        };
        for entry in entries {
            if reached.contains(&entry) {
                continue;
            }
            if let Some(node) = doc.pointer(&entry) {
                walk.node(node, &mut entry.clone());
            }
            reached.insert(entry);
        }
    }
    if problems.is_empty() {
        Ok(reached)
    } else {
        Err(Rejected::Dangling(problems))
    }
}

/// What the dropped node containing `pointer` (or at it) was, if any.
fn dropped_around<'d>(dropped: &'d BTreeMap<String, String>, pointer: &str) -> Option<&'d String> {
    if dropped.is_empty() {
        return None;
    }
    let boundaries = pointer
        .match_indices('/')
        .map(|(index, _)| index)
        .skip(1)
        .chain([pointer.len()]);
    // The innermost: the operation rather than its path item.
    let ends: Vec<usize> = boundaries.collect();
    ends.into_iter()
        .rev()
        .find_map(|end| dropped.get(&pointer[..end]))
}

/// The container entries a reference to `pointer` keeps: the entry holding it, or every
/// entry of the containers it holds.
fn entries_at(doc: &Value, containers: &[String], pointer: &str) -> Vec<String> {
    let mut out = Vec::new();
    for container in containers {
        if let Some(rest) = pointer
            .strip_prefix(container.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
        {
            let token = rest.split('/').next().unwrap_or(rest);
            out.push(format!("{container}/{token}"));
        } else if container.starts_with(pointer)
            && (container.len() == pointer.len() || container[pointer.len()..].starts_with('/'))
        {
            if let Some(Value::Object(entries)) = doc.pointer(container) {
                out.extend(entries.keys().map(|name| pointer_join(container, name)));
            }
        }
    }
    out
}

/// The search for references under kept nodes.
struct Walk {
    /// Where bare names in a discriminator's `mapping` point.
    schemas: &'static str,
    found: Vec<Found>,
}

impl Walk {
    /// Records the schemes the `security` requirements of `map` (the document or an
    /// operation) name.
    fn requirements(&mut self, map: &serde_json::Map<String, Value>) {
        if let Some(Value::Array(requirements)) = map.get("security") {
            for requirement in requirements.iter().filter_map(Value::as_object) {
                self.found
                    .extend(requirement.keys().cloned().map(Found::Scheme));
            }
        }
    }

    /// Records what `node`, at `at`, and everything under it reach; `at` is restored.
    fn node(&mut self, node: &Value, at: &mut String) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    self.found.push(Found::Ref {
                        at: format!("{at}/$ref"),
                        target: target.clone(),
                    });
                }
                if let Some(Value::Object(mapping)) = map
                    .get("discriminator")
                    .and_then(|discriminator| discriminator.get("mapping"))
                {
                    for (value, target) in mapping {
                        let Some(target) = target.as_str() else {
                            continue;
                        };
                        let target = if target.starts_with('#') || target.contains('/') {
                            target.to_string()
                        } else {
                            format!("#{}/{}", self.schemas, escape_token(target))
                        };
                        let place = pointer_join(&format!("{at}/discriminator/mapping"), value);
                        self.found.push(Found::Ref { at: place, target });
                    }
                }
                self.requirements(map);
                for (key, value) in map {
                    if value.is_object() || value.is_array() {
                        let len = at.len();
                        at.push('/');
                        at.push_str(&escape_token(key));
                        self.node(value, at);
                        at.truncate(len);
                    }
                }
            }
            Value::Array(list) => {
                for (index, value) in list.iter().enumerate() {
                    if value.is_object() || value.is_array() {
                        let len = at.len();
                        at.push('/');
                        at.push_str(&index.to_string());
                        self.node(value, at);
                        at.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pruned(mut doc: Value, selection: &Selection) -> Value {
        prune(&mut doc, selection).unwrap_or_else(|rejected| panic!("{rejected:?}"));
        doc
    }

    fn keys(doc: &Value, pointer: &str) -> Vec<String> {
        doc.pointer(pointer)
            .and_then(Value::as_object)
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn tags(names: &[&str]) -> Selection {
        Selection::default().with_tags(names.iter().copied())
    }

    fn operations(names: &[&str]) -> Selection {
        Selection::default().with_operations(names.iter().copied())
    }

    /// Two tags over three path items; every component kind on the way of `pets`,
    /// including a chain parameter -> schema -> schema and a response header.
    fn shop() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Shop", "version": "1"},
            "tags": [{"name": "pets"}, {"name": "orders"}],
            "paths": {
                "x-note": {"$ref": "#/components/schemas/Note"},
                "/pets": {
                    "parameters": [{"$ref": "#/components/parameters/Trace"}],
                    "get": {
                        "operationId": "listPets",
                        "tags": ["pets"],
                        "parameters": [{"$ref": "#/components/parameters/Filter"}],
                        "responses": {"200": {"$ref": "#/components/responses/Pets"}}
                    },
                    "post": {
                        "operationId": "createPet",
                        "tags": ["pets", "admin"],
                        "requestBody": {"$ref": "#/components/requestBodies/NewPet"},
                        "responses": {"201": {"description": "created"}}
                    }
                },
                "/orders": {
                    "get": {
                        "operationId": "listOrders",
                        "tags": ["orders"],
                        "responses": {"200": {
                            "description": "orders",
                            "content": {"application/json": {"schema": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Order"}
                            }}}
                        }}
                    }
                },
                "/health": {
                    "get": {"responses": {"204": {"description": "up"}}}
                }
            },
            "components": {
                "x-vendor": {"kept": true},
                "parameters": {
                    "Trace": {"name": "trace", "in": "header", "schema": {"type": "string"}},
                    "Filter": {"name": "filter", "in": "query",
                               "schema": {"$ref": "#/components/schemas/Filter"}},
                    "Unused": {"name": "unused", "in": "query", "schema": {"type": "string"}}
                },
                "responses": {
                    "Pets": {
                        "description": "pets",
                        "headers": {"X-Rate": {"$ref": "#/components/headers/Rate"}},
                        "content": {"application/json": {"schema": {
                            "type": "array", "items": {"$ref": "#/components/schemas/Pet"}
                        }}}
                    }
                },
                "headers": {
                    "Rate": {"schema": {"$ref": "#/components/schemas/Rate"}},
                    "Other": {"schema": {"type": "integer"}}
                },
                "requestBodies": {
                    "NewPet": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/NewPet"},
                        "examples": {"one": {"$ref": "#/components/examples/OnePet"}}
                    }}}
                },
                "examples": {
                    "OnePet": {"value": {"name": "Rex"}},
                    "OneOrder": {"value": {"id": 1}}
                },
                "schemas": {
                    "Filter": {"$ref": "#/components/schemas/FilterKind"},
                    "FilterKind": {"type": "string"},
                    "Pet": {"allOf": [{"$ref": "#/components/schemas/NewPet"}]},
                    "NewPet": {"type": "object",
                               "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                    "Owner": {"type": "object",
                              "properties": {"pets": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/Pet"}}}},
                    "Rate": {"type": "integer"},
                    "Order": {"type": "object",
                              "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
                    "Note": {"type": "string"}
                }
            }
        })
    }

    #[test]
    fn everything_selected_by_default_changes_nothing() {
        assert_eq!(pruned(shop(), &Selection::default()), shop());
        assert!(Selection::default().is_all());
    }

    #[test]
    fn a_tag_keeps_its_operations_and_what_they_reach_through_every_kind() {
        let doc = pruned(shop(), &tags(&["pets"]));
        assert_eq!(keys(&doc, "/paths"), ["x-note", "/pets"]);
        assert_eq!(keys(&doc, "/paths/~1pets"), ["parameters", "get", "post"]);
        assert_eq!(keys(&doc, "/components/parameters"), ["Trace", "Filter"]);
        assert_eq!(keys(&doc, "/components/responses"), ["Pets"]);
        assert_eq!(keys(&doc, "/components/headers"), ["Rate"]);
        assert_eq!(keys(&doc, "/components/requestBodies"), ["NewPet"]);
        assert_eq!(keys(&doc, "/components/examples"), ["OnePet"]);
        // parameter -> Filter -> FilterKind, header -> Rate, body -> NewPet -> Owner ->
        // Pet -> NewPet (a cycle), and `x-note` under `paths` -> Note.
        assert_eq!(
            keys(&doc, "/components/schemas"),
            [
                "Filter",
                "FilterKind",
                "Pet",
                "NewPet",
                "Owner",
                "Rate",
                "Note"
            ]
        );
        // What is not a reusable section stays as written.
        assert_eq!(doc["components"]["x-vendor"], json!({"kept": true}));
        assert_eq!(doc["tags"], shop()["tags"]);
    }

    #[test]
    fn what_remains_keeps_its_pointers() {
        let before = shop();
        let after = pruned(shop(), &operations(&["listOrders"]));
        for pointer in [
            "/paths/~1orders/get",
            "/components/schemas/Order",
            "/components/schemas/Pet",
            "/components/schemas/Owner",
            "/info",
        ] {
            assert_eq!(after.pointer(pointer), before.pointer(pointer), "{pointer}");
        }
        assert_eq!(keys(&after, "/paths"), ["x-note", "/orders"]);
        assert_eq!(
            keys(&after, "/components/schemas"),
            ["Pet", "NewPet", "Owner", "Order", "Note"]
        );
        for section in [
            "parameters",
            "responses",
            "headers",
            "requestBodies",
            "examples",
        ] {
            assert!(keys(&after, &format!("/components/{section}")).is_empty());
        }
    }

    #[test]
    fn tags_and_operation_ids_add_up() {
        let doc = pruned(shop(), &tags(&["admin"]).with_operations(["listOrders"]));
        assert_eq!(keys(&doc, "/paths/~1pets"), ["parameters", "post"]);
        assert_eq!(keys(&doc, "/paths/~1orders"), ["get"]);
        assert!(doc.pointer("/paths/~1health").is_none());
    }

    #[test]
    fn cycles_end_and_unreached_cycles_go() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a", "responses": {"200": {
                    "description": "a",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}
                }}}},
                "/c": {"get": {"operationId": "c", "responses": {"200": {
                    "description": "c",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/C"}}}
                }}}}
            },
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"properties": {"a": {"$ref": "#/components/schemas/A"}}},
                "Self": {"properties": {"next": {"$ref": "#/components/schemas/Self"}}},
                "C": {"properties": {"d": {"$ref": "#/components/schemas/D"}}},
                "D": {"properties": {"c": {"$ref": "#/components/schemas/C"}}}
            }}
        });
        let kept = pruned(doc, &operations(&["a"]));
        assert_eq!(keys(&kept, "/components/schemas"), ["A", "B"]);
    }

    #[test]
    fn references_into_a_component_keep_it_whole() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a",
                "parameters": [{"name": "id", "in": "query",
                    "schema": {"$ref": "#/components/schemas/Outer/properties/id"}}],
                "responses": {"204": {"description": "none"}}}}},
            "components": {"schemas": {
                "Outer": {"properties": {
                    "id": {"type": "string"},
                    "inner": {"$ref": "#/components/schemas/Inner"}
                }},
                "Inner": {"type": "object"},
                "Unused": {"type": "object"}
            }}
        });
        let kept = pruned(doc, &operations(&["a"]));
        assert_eq!(keys(&kept, "/components/schemas"), ["Outer", "Inner"]);
    }

    #[test]
    fn discriminator_mappings_and_security_requirements_reach_by_name() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "security": [{"global": []}],
            "paths": {"/a": {"get": {"operationId": "a",
                "security": [{"bearer": []}, {}],
                "responses": {"200": {"description": "a", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
                "/b": {"get": {"operationId": "b", "security": [{"basic": []}],
                "responses": {"204": {"description": "b"}}}}},
            "components": {
                "securitySchemes": {
                    "global": {"type": "apiKey", "in": "header", "name": "k"},
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "basic": {"type": "http", "scheme": "basic"}
                },
                "schemas": {
                    "Pet": {"type": "object", "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"dog": "Dog", "cat": "#/components/schemas/Cat"}
                    }},
                    "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}]},
                    "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}]},
                    "Bird": {"allOf": [{"$ref": "#/components/schemas/Pet"}]}
                }
            }
        });
        let kept = pruned(doc, &operations(&["a"]));
        assert_eq!(
            keys(&kept, "/components/securitySchemes"),
            ["global", "bearer"]
        );
        assert_eq!(keys(&kept, "/components/schemas"), ["Pet", "Dog", "Cat"]);
    }

    #[test]
    fn webhooks_follow_the_same_rule() {
        let hook = |id: &str, tag: &str, schema: &str| {
            json!({"post": {"operationId": id, "tags": [tag],
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                "responses": {"200": {"description": "ok"}}}})
        };
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "webhooks": {
                "petAdded": hook("petAdded", "pets", "Pet"),
                "orderPlaced": hook("orderPlaced", "orders", "Order")
            },
            "components": {"schemas": {"Pet": {"type": "object"}, "Order": {"type": "object"}}}
        });
        let kept = pruned(doc.clone(), &tags(&["pets"]));
        assert_eq!(keys(&kept, "/webhooks"), ["petAdded"]);
        assert_eq!(keys(&kept, "/components/schemas"), ["Pet"]);
        assert!(kept.get("paths").is_none());
        let kept = pruned(doc, &operations(&["orderPlaced"]));
        assert_eq!(keys(&kept, "/webhooks"), ["orderPlaced"]);
        assert_eq!(keys(&kept, "/components/schemas"), ["Order"]);
    }

    #[test]
    fn webhooks_of_the_3_0_extension_too() {
        let hook = |id: &str, schema: &str| {
            json!({"post": {"operationId": id,
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                "responses": {"200": {"description": "ok"}}}})
        };
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "tags": ["a"],
                "responses": {"204": {"description": "a"}}}}},
            "x-webhooks": {
                "push": hook("push", "Push"),
                "star": hook("star", "Star")
            },
            "components": {"schemas": {"Push": {"type": "object"}, "Star": {"type": "object"}}}
        });
        let kept = pruned(doc.clone(), &tags(&["a"]));
        assert_eq!(kept["x-webhooks"], json!({}));
        assert!(keys(&kept, "/components/schemas").is_empty());
        let kept = pruned(doc, &operations(&["star"]));
        assert_eq!(keys(&kept, "/x-webhooks"), ["star"]);
        assert!(kept.pointer("/paths/~1a").is_none());
        assert_eq!(keys(&kept, "/components/schemas"), ["Star"]);
    }

    #[test]
    fn a_path_item_behind_a_reference_is_selected_where_it_is_defined() {
        let op = |id: &str| json!({"operationId": id, "responses": {"204": {"description": "x"}}});
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A"},
                "/b": {"$ref": "#/components/pathItems/B"}
            },
            "components": {"pathItems": {
                "A": {"get": op("getA"), "delete": op("deleteA")},
                "B": {"get": op("getB")}
            }}
        });
        let kept = pruned(doc, &operations(&["getA"]));
        assert_eq!(keys(&kept, "/paths"), ["/a"]);
        assert_eq!(keys(&kept, "/components/pathItems"), ["A"]);
        assert_eq!(keys(&kept, "/components/pathItems/A"), ["get"]);
    }

    #[test]
    fn swagger_2_sections_are_pruned_alike() {
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "T", "version": "1"},
            "securityDefinitions": {
                "key": {"type": "apiKey", "in": "header", "name": "k"},
                "other": {"type": "basic"}
            },
            "paths": {
                "/pets": {"get": {"operationId": "listPets", "tags": ["pets"],
                    "security": [{"key": []}],
                    "parameters": [{"$ref": "#/parameters/Limit"}],
                    "responses": {"200": {"$ref": "#/responses/Pets"}}}},
                "/users": {"get": {"operationId": "listUsers", "tags": ["users"],
                    "parameters": [{"$ref": "#/parameters/Page"}],
                    "responses": {"200": {"description": "users",
                        "schema": {"$ref": "#/definitions/User"}}}}}
            },
            "parameters": {
                "Limit": {"name": "limit", "in": "query", "type": "integer"},
                "Page": {"name": "page", "in": "query", "type": "integer"}
            },
            "responses": {"Pets": {"description": "pets",
                "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}},
            "definitions": {"Pet": {"type": "object"}, "User": {"type": "object"}}
        });
        let kept = pruned(doc, &tags(&["pets"]));
        assert_eq!(keys(&kept, "/paths"), ["/pets"]);
        assert_eq!(keys(&kept, "/parameters"), ["Limit"]);
        assert_eq!(keys(&kept, "/responses"), ["Pets"]);
        assert_eq!(keys(&kept, "/definitions"), ["Pet"]);
        assert_eq!(keys(&kept, "/securityDefinitions"), ["key"]);
    }

    #[test]
    fn names_that_match_nothing_are_reported_with_what_there_is() {
        let mut doc = shop();
        let selection = tags(&["pets", "users"]).with_operations(["listpets", "zzz"]);
        let Err(Rejected::Unmatched(unmatched)) = prune(&mut doc, &selection) else {
            panic!("an unknown tag is an error");
        };
        assert_eq!(doc, shop(), "nothing is removed");
        assert_eq!(unmatched.tags, ["users"]);
        assert_eq!(unmatched.operations, ["listpets", "zzz"]);
        assert_eq!(unmatched.known_tags, ["admin", "orders", "pets"]);
        assert_eq!(unmatched.similar_operations, [vec!["listPets"], vec![]]);
        let message = unmatched.to_string();
        assert!(
            message.contains("tag `users` (the operations' tags are `admin`, `orders`, `pets`)"),
            "{message}"
        );
        assert!(
            message.contains("operationId `listpets` (did you mean `listPets`?)"),
            "{message}"
        );
        assert!(
            message.contains("operationId `zzz`,") || message.contains("operationId `zzz`;"),
            "{message}"
        );
    }

    #[test]
    fn a_reference_into_a_dropped_operation_is_a_diagnostic() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a", "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}}
                ], "responses": {"204": {"description": "a"}}}},
                "/b": {"get": {"operationId": "b", "parameters": [
                    {"$ref": "#/paths/~1a/get/parameters/0"}
                ], "responses": {"204": {"description": "b"}}}}
            }
        });
        let Err(Rejected::Dangling(problems)) = prune(&mut doc, &operations(&["b"])) else {
            panic!("a dangling reference is an error");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/paths/~1b/get/parameters/0/$ref");
        assert!(
            problems[0]
                .message
                .contains("part of operation `a`, which the selection leaves out"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn the_selection_reads_back_in_headers() {
        assert_eq!(tags(&["repos", "git"]).to_string(), "tags repos,git");
        assert_eq!(
            tags(&["Pet Store"]).with_operations(["a,b"]).to_string(),
            "tags \"Pet Store\"; operations \"a,b\""
        );
        assert_eq!(Selection::default().to_string(), "all operations");
    }
}
