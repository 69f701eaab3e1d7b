//! Local `$ref`s that point at nothing, found in the document as written.
//!
//! Every later stage follows references on its own terms, and one that finds nothing
//! can only say so where it was looking (typify, for one, fails for the whole
//! `components/schemas` map). Checked first, each dangling reference is reported at
//! its own `$ref`, with the name it probably meant.

use serde_json::Value;

use super::refs::local_pointer;
use crate::diagnostic::{escape_token, Diagnostic};
use crate::naming::closest;

/// A diagnostic at each `$ref` of `doc` (an OpenAPI 3.x or Swagger 2.0 document, as
/// written) whose local pointer names no node.
pub(crate) fn dangling_refs(doc: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    walk(doc, doc, &mut String::new(), &mut problems);
    // A path item kept under an extension (`components/x-path-items`) is skipped with
    // every extension, but it is part of the API once a path refers to it.
    for target in extension_path_items(doc) {
        if let Some(node) = doc.pointer(&target) {
            walk(doc, node, &mut target.clone(), &mut problems);
        }
    }
    problems
}

/// The pointers of path items under an extension that a path refers to.
pub(super) fn extension_path_items(doc: &Value) -> Vec<String> {
    let Some(Value::Object(paths)) = doc.pointer("/paths") else {
        return Vec::new();
    };
    paths
        .values()
        .filter_map(|item| item.get("$ref").and_then(Value::as_str))
        .filter_map(local_pointer)
        .filter(|target| target.split('/').any(|token| token.starts_with("x-")))
        .collect()
}

/// A diagnostic at each `$ref` that leads a component schema back to itself through
/// `allOf`s and schemas that are only a reference (`X: {allOf: [{$ref: X}, ...]}`,
/// `X: {$ref: X}`, or through `Y`): such a schema is all of itself, or nothing but
/// itself, and reading it would never end.
pub(crate) fn all_of_cycles(doc: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for container in ["/components/schemas", "/definitions"] {
        let Some(Value::Object(schemas)) = doc.pointer(container) else {
            continue;
        };
        for name in schemas.keys() {
            let start = format!("{container}/{}", escape_token(name));
            // The references of `start`'s own allOf, each followed through allOfs.
            let mut stack: Vec<(String, String)> = all_of_refs(doc, &start)
                .into_iter()
                .map(|(at, target)| (at.clone(), target))
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            while let Some((at, target)) = stack.pop() {
                if target == start {
                    problems.push(Diagnostic::new(
                        at,
                        format!(
                            "`#{start}` leads back to itself through `allOf` or `$ref` alone: a \
                             schema cannot be all of itself or only itself; remove this reference \
                             or move what it shares into a schema of its own"
                        ),
                    ));
                    break;
                }
                if seen.insert(target.clone()) {
                    for (_, next) in all_of_refs(doc, &target) {
                        stack.push((at.clone(), next));
                    }
                }
            }
        }
    }
    problems
}

/// The local references the schema at `pointer` is made of: its own `$ref`, and those in
/// its `allOf` (and in the `allOf`s of its inline members), with where each is written.
fn all_of_refs(doc: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![pointer.to_string()];
    while let Some(at) = stack.pop() {
        if let Some(target) = doc
            .pointer(&format!("{at}/$ref"))
            .and_then(Value::as_str)
            .and_then(local_pointer)
        {
            out.push((format!("{at}/$ref"), target));
            continue;
        }
        let Some(Value::Array(members)) = doc.pointer(&format!("{at}/allOf")) else {
            continue;
        };
        for (index, member) in members.iter().enumerate() {
            let member_at = format!("{at}/allOf/{index}");
            match member
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(local_pointer)
            {
                Some(target) => out.push((format!("{member_at}/$ref"), target)),
                None => stack.push(member_at),
            }
        }
    }
    out
}

/// Members whose values are data, not parts of the document: a `$ref` in them is text.
pub(super) fn is_data(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const" | "value") || key.starts_with("x-")
}

/// Members whose values are maps of names the spec chose: a property called `value`, a
/// header called `x-rate-limit` and the `default` response are parts of the document
/// like any other, not data.
pub(super) const NAME_MAPS: [&str; 17] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "schemas",
    "dependentSchemas",
    "responses",
    "headers",
    "content",
    "encoding",
    "parameters",
    "requestBodies",
    "callbacks",
    "links",
    "pathItems",
    "securitySchemes",
    "securityDefinitions",
];

fn walk(doc: &Value, node: &Value, at: &mut String, problems: &mut Vec<Diagnostic>) {
    walk_in(doc, node, at, false, problems);
}

/// Walks `node`; `names` says its members are names the spec chose (see [`NAME_MAPS`]).
fn walk_in(
    doc: &Value,
    node: &Value,
    at: &mut String,
    names: bool,
    problems: &mut Vec<Diagnostic>,
) {
    match node {
        Value::Object(map) => {
            // A schema with its own `$id` resolves `#...` against itself, not the document.
            if map.get("$id").is_some_and(Value::is_string) {
                return;
            }
            if let (false, Some(Value::String(target))) = (names, map.get("$ref")) {
                if let Some(message) = check(doc, target) {
                    problems.push(Diagnostic::new(format!("{at}/$ref"), message));
                }
            }
            for (key, value) in map {
                if (!names && is_data(key)) || !(value.is_object() || value.is_array()) {
                    continue;
                }
                // JSON Schema's `examples` is a list of values; OpenAPI's a map of
                // Example objects, whose `value` is skipped above.
                if key == "examples" && value.is_array() {
                    continue;
                }
                let len = at.len();
                at.push('/');
                // A whole document is walked: no new string per member.
                if key.contains(['~', '/']) {
                    at.push_str(&escape_token(key));
                } else {
                    at.push_str(key);
                }
                let holds_names = !names && NAME_MAPS.contains(&key.as_str());
                walk_in(doc, value, at, holds_names, problems);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&index.to_string());
                walk_in(doc, value, at, false, problems);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// What is wrong with local reference `target`, if it points at nothing.
fn check(doc: &Value, target: &str) -> Option<String> {
    // Another document's references, and anchors (`#name`), are not pointers here.
    let pointer = local_pointer(target)?;
    if !(pointer.is_empty() || pointer.starts_with('/')) || doc.pointer(&pointer).is_some() {
        return None;
    }
    // The deepest node the pointer reaches, and the name it wanted there.
    let mut reached = String::new();
    let mut tokens = pointer[1..].split('/');
    let missing = loop {
        let token = tokens.next()?;
        let next = format!("{reached}/{token}");
        if doc.pointer(&next).is_none() {
            break crate::diagnostic::unescape_token(token);
        }
        reached = next;
    };
    let parent = doc.pointer(&reached).unwrap_or(doc);
    let place = if reached.is_empty() {
        "the document".to_string()
    } else {
        format!("`#{reached}`")
    };
    let mut message = format!("`$ref` `{target}` points at nothing: {place} has no `{missing}`");
    let members = parent.as_object().into_iter().flat_map(|map| map.keys());
    if let Some(close) = closest(members.map(String::as_str), &missing) {
        message.push_str(&format!("; did you mean `{close}`?"));
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_path_item_under_an_extension_is_checked_when_a_path_refers_to_it() {
        let doc = json!({
            "paths": {"/a": {"$ref": "#/components/x-items/A"}},
            "components": {"x-items": {
                "A": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}},
                "Unused": {"get": {"responses": {"200": {"$ref": "#/nowhere"}}}},
            }},
        });
        let pointers: Vec<String> = dangling_refs(&doc).into_iter().map(|p| p.pointer).collect();
        assert_eq!(pointers, ["/components/x-items/A/get/responses/200/$ref"]);
    }

    #[test]
    fn properties_named_like_data_keywords_are_schemas() {
        // Azure's pages keep their items in a property called `value`.
        let doc = json!({"components": {"schemas": {
            "Page": {"properties": {
                "value": {"items": {"$ref": "#/components/schemas/Nope"}},
                "default": {"$ref": "#/components/schemas/"},
                "x-extra": {"$ref": "#/components/schemas/Gone"},
                "properties": {"properties": {"enum": {"$ref": "#/components/schemas/Deep"}}},
            }},
            "value": {"properties": {"example": {"$ref": "#/components/schemas/Page"}}},
        }}});
        let pointers: Vec<String> = dangling_refs(&doc).into_iter().map(|p| p.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/Page/properties/value/items/$ref",
                "/components/schemas/Page/properties/default/$ref",
                "/components/schemas/Page/properties/x-extra/$ref",
                "/components/schemas/Page/properties/properties/properties/enum/$ref",
            ]
        );
        // Likewise the default response and a header named as an extension would be.
        let doc = json!({"paths": {"/pets": {"get": {"responses": {
            "default": {"content": {"application/json": {"schema": {"$ref": "#/nope"}}}},
            "200": {"headers": {"x-rate": {"schema": {"$ref": "#/components/schemas/Gone"}}}},
        }}}}});
        let pointers: Vec<String> = dangling_refs(&doc).into_iter().map(|p| p.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1pets/get/responses/default/content/application~1json/schema/$ref",
                "/paths/~1pets/get/responses/200/headers/x-rate/schema/$ref",
            ]
        );
    }

    #[test]
    fn each_dangling_ref_is_reported_at_itself_with_a_guess() {
        let doc = json!({
            "paths": {"/pets": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Missing"},
                "example": {"$ref": "#/not/a/reference"},
                "examples": {"one": {"value": {"$ref": "#/data/too"}}},
            }}}}}}},
            "components": {"schemas": {
                "Pet": {"properties": {
                    "owner": {"$ref": "#/components/schemas/Ownr"},
                    "tags": {"items": {"$ref": "#/components/schemas/Tag"}},
                    "shape": {"$ref": "#/components/shapes/Round"},
                }, "x-note": {"$ref": "#/anything"}},
                "Owner": {"type": "object"},
                "Tag": {"type": "string"},
            }},
        });
        let problems = dangling_refs(&doc);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.pointer.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
                    "`$ref` `#/components/schemas/Missing` points at nothing: \
                     `#/components/schemas` has no `Missing`"
                ),
                (
                    "/components/schemas/Pet/properties/owner/$ref",
                    "`$ref` `#/components/schemas/Ownr` points at nothing: \
                     `#/components/schemas` has no `Ownr`; did you mean `Owner`?"
                ),
                (
                    "/components/schemas/Pet/properties/shape/$ref",
                    "`$ref` `#/components/shapes/Round` points at nothing: \
                     `#/components` has no `shapes`"
                ),
            ]
        );
    }

    #[test]
    fn references_that_resolve_or_are_not_pointers_pass() {
        let doc = json!({
            "definitions": {"a/b": {}, "c%d": {}},
            "x": {"$ref": "#/definitions/a~1b"},
            "y": {"$ref": "#/definitions/c%25d"},
            "z": {"$ref": "other.yaml#/Pet"},
            "w": {"$ref": "#anchor"},
            "v": {"$ref": "#"},
            "u": {"$id": "https://example.com/s", "$ref": "#/local/to/s"},
        });
        assert!(dangling_refs(&doc).is_empty(), "{:?}", dangling_refs(&doc));
    }

    #[test]
    fn a_schema_all_of_itself_is_reported_at_the_reference_that_closes_the_loop() {
        let doc = json!({"components": {"schemas": {
            "X": {"allOf": [{"$ref": "#/components/schemas/X"}, {"type": "object"}]},
            "A": {"allOf": [{"allOf": [{"$ref": "#/components/schemas/B"}]}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
            "Me": {"$ref": "#/components/schemas/Me"},
            "Fine": {"allOf": [{"$ref": "#/components/schemas/Base"}],
                     "properties": {"next": {"$ref": "#/components/schemas/Fine"}}},
            "Base": {"type": "object"},
        }}});
        let found: Vec<String> = all_of_cycles(&doc).into_iter().map(|d| d.pointer).collect();
        assert_eq!(
            found,
            [
                "/components/schemas/X/allOf/0/$ref",
                "/components/schemas/A/allOf/0/allOf/0/$ref",
                "/components/schemas/B/allOf/0/$ref",
                "/components/schemas/Me/$ref",
            ]
        );
    }
}
