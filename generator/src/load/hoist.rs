//! `$ref`s into the middle of a schema, or to a parameter's or media type's schema,
//! become references to component schemas.
//!
//! typify names a referenced type after the last token of a `#/components/schemas/NAME`
//! reference and knows no other kind, yet real specs point at `properties/x` of another
//! schema, at `definitions` nested inside a component, or at
//! `#/components/parameters/id/schema`. Each such target moves into
//! `components/schemas` under a name made from its place, a `$ref` to it takes its place,
//! and every reference to it is rewritten, so the target and all its users share one
//! type. Each move is recorded in [`Origins`] so diagnostics still name the input.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostic::escape_token;
use crate::load::origins::Origins;
use crate::load::refs::local_pointer;
use crate::naming::pascal;

/// Tokens that say how a schema nests, not what it is; left out of derived names.
const STRUCTURAL: &[&str] = &[
    "components",
    "schemas",
    "properties",
    "items",
    "definitions",
    "$defs",
    "schema",
    "content",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "paths",
    "parameters",
    "requestBody",
    "requestBodies",
    "responses",
    "headers",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
];

/// Whether some `$ref` in `doc` reaches a schema other than as
/// `#/components/schemas/NAME`.
pub fn has_subschema_refs(doc: &Value) -> bool {
    let mut targets = BTreeSet::new();
    collect_targets(doc, &mut targets);
    !targets.is_empty()
}

/// Moves every schema that a `$ref` reaches other than as `#/components/schemas/NAME`
/// into `components/schemas`, recording each move in `origins`.
pub fn hoist_subschema_refs(doc: &mut Value, origins: &mut Origins) {
    let mut targets = BTreeSet::new();
    collect_targets(doc, &mut targets);
    if targets.is_empty() {
        return;
    }
    origins.next_stage();
    // Deepest first: a target inside another target moves out before its container,
    // and the container then carries the `$ref` that replaced it.
    let mut ordered: Vec<String> = targets.into_iter().collect();
    ordered.sort_by_key(|pointer| std::cmp::Reverse(pointer.matches('/').count()));

    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    // From target pointers (decoded) to the references that replace them.
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut moved: Vec<(String, Value)> = Vec::new();
    for target in ordered {
        let Some(node) = doc.pointer_mut(&target) else {
            continue;
        };
        if !(node.is_object() || node.is_boolean()) {
            continue;
        }
        // A target that only refers to a component is that component: its users
        // refer to the component directly, and no alias type appears.
        if let Some(Value::String(reference)) = node.get("$ref") {
            let alias = node.as_object().is_some_and(|map| map.len() == 1)
                && local_pointer(reference).is_some_and(|p| !needs_hoisting(&p));
            if alias {
                renames.insert(target.clone(), reference.clone());
                continue;
            }
        }
        let name = free_name(&derived_name(&target), &taken);
        taken.insert(name.clone());
        let reference = format!("#/components/schemas/{}", escape_token(&name));
        let mut placeholder = Map::new();
        placeholder.insert("$ref".into(), Value::String(reference.clone()));
        let schema = std::mem::replace(node, Value::Object(placeholder));
        origins.record(
            format!("/components/schemas/{}", escape_token(&name)),
            target.clone(),
        );
        renames.insert(target.clone(), reference);
        moved.push((name, schema));
    }

    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    for (name, schema) in moved {
        schemas.insert(name, schema);
    }
    rewrite_refs(doc, &renames);
}

/// Whether `pointer` names a schema that typify cannot reference: inside a component
/// schema, or a `schema` of a parameter, header or media type (or inside one).
fn needs_hoisting(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["components", "schemas", _] => false,
        ["components", "schemas", _, rest @ ..] => !in_data(rest),
        _ => match tokens.iter().position(|token| *token == "schema") {
            Some(at) => !in_data(&tokens[at + 1..]),
            None => false,
        },
    }
}

/// Whether the tokens below a schema lead into a value that is data, not a schema:
/// an `example`, a `default`, an `enum`, a `const` or an extension. Shutterstock's
/// examples hold `{"$ref": ".../Schema/example"}`, which must not become a type.
fn in_data(tokens: &[&str]) -> bool {
    let mut at = 0;
    while let Some(&token) = tokens.get(at) {
        match token {
            "example" | "examples" | "default" | "enum" | "const" => return true,
            _ if token.starts_with("x-") => return true,
            // A name or an index follows; it is not a keyword.
            "properties" | "patternProperties" | "definitions" | "$defs" | "allOf" | "anyOf"
            | "oneOf" | "prefixItems" => at += 2,
            "items"
                if tokens
                    .get(at + 1)
                    .is_some_and(|next| next.parse::<usize>().is_ok()) =>
            {
                at += 2
            }
            _ => at += 1,
        }
    }
    false
}

fn collect_targets(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(pointer) = local_pointer(reference) {
                    if needs_hoisting(&pointer) {
                        out.insert(pointer);
                    }
                }
            }
            map.values().for_each(|child| collect_targets(child, out));
        }
        Value::Array(list) => list.iter().for_each(|child| collect_targets(child, out)),
        _ => {}
    }
}

fn rewrite_refs(node: &mut Value, renames: &BTreeMap<String, String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(new) = local_pointer(reference).and_then(|p| renames.get(&p)) {
                    *reference = new.clone();
                }
            }
            map.values_mut()
                .for_each(|child| rewrite_refs(child, renames));
        }
        Value::Array(list) => list
            .iter_mut()
            .for_each(|child| rewrite_refs(child, renames)),
        _ => {}
    }
}

/// A Pascal-case name from the meaningful tokens of `pointer`, e.g. `AccountType` for
/// `/components/schemas/Account/definitions/type`.
fn derived_name(pointer: &str) -> String {
    let words: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(crate::diagnostic::unescape_token)
        .filter(|token| {
            !STRUCTURAL.contains(&token.as_str())
                && !token.chars().all(|c| c.is_ascii_digit())
                // Media types name no schema; paths do (`/species` says "species").
                && (token.starts_with('/') || !token.contains('/'))
        })
        .map(|token| token.replace(|c: char| !c.is_alphanumeric(), " "))
        .collect();
    pascal(&words.join(" "), "Schema")
}

/// `base`, or `base` with the first number that makes it unused.
fn free_name(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_targets_move_into_components() {
        let mut doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"name": "id", "in": "query", "schema": {"$ref": "#/components/parameters/companyId/schema"}}],
                "responses": {}
            }}},
            "components": {
                "parameters": {"companyId": {"name": "companyId", "in": "path", "schema": {"type": "string", "format": "uuid"}}},
                "schemas": {
                    "Account": {
                        "properties": {
                            "type": {"$ref": "#/components/schemas/Account/definitions/type"},
                            "parent": {"$ref": "#/components/schemas/Account/properties/type"}
                        },
                        "definitions": {"type": {"enum": ["a", "b"]}}
                    },
                    "AccountType": {"type": "string"}
                }
            }
        });
        let mut origins = Origins::default();
        hoist_subschema_refs(&mut doc, &mut origins);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["AccountType2"], json!({"enum": ["a", "b"]}));
        assert_eq!(schemas["AccountType"], json!({"type": "string"}));
        assert_eq!(
            schemas["Account"]["definitions"]["type"],
            json!({"$ref": "#/components/schemas/AccountType2"})
        );
        // `properties/type` was itself a target: it moved, keeping its reference.
        assert_eq!(
            schemas["Account"]["properties"]["parent"],
            json!({"$ref": "#/components/schemas/AccountType3"})
        );
        assert_eq!(
            schemas["AccountType3"],
            json!({"$ref": "#/components/schemas/AccountType2"})
        );
        assert_eq!(
            schemas["CompanyId"],
            json!({"type": "string", "format": "uuid"})
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"$ref": "#/components/schemas/CompanyId"})
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/AccountType2/enum"),
            "/components/schemas/Account/definitions/type/enum"
        );
    }

    #[test]
    fn references_into_examples_are_not_schemas() {
        let mut doc = json!({"components": {"schemas": {
            "A": {
                "type": "object",
                "properties": {"example": {"type": "string"}},
                "example": {"b": 1}
            },
            "B": {
                "type": "object",
                "properties": {
                    "c": {"$ref": "#/components/schemas/A/properties/example"}
                },
                "example": {"$ref": "#/components/schemas/A/example"}
            }
        }}});
        let mut origins = Origins::default();
        hoist_subschema_refs(&mut doc, &mut origins);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        // A property named `example` is a schema and moves; the example itself does not.
        let names: BTreeSet<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(names, BTreeSet::from(["A", "AExample", "B"]), "{doc}");
        assert_eq!(schemas["A"]["example"], json!({"b": 1}));
        assert_eq!(
            schemas["B"]["example"],
            json!({"$ref": "#/components/schemas/A/example"})
        );
        assert!(in_data(&["properties", "a", "default"]));
        assert!(!in_data(&["properties", "default"]));
        assert!(in_data(&["x-examples", "one"]));
        assert!(!in_data(&["allOf", "0", "items", "properties", "enum"]));
    }

    #[test]
    fn component_references_stay() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "string"}
        }}});
        let before = doc.clone();
        let mut origins = Origins::default();
        hoist_subschema_refs(&mut doc, &mut origins);
        assert_eq!(doc, before);
        assert!(origins.is_empty());
    }
}
