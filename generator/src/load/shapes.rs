//! Schemas whose keywords hold the wrong kind of JSON, found in the document as written,
//! before anything reads it as OpenAPI.
//!
//! Why before: the OpenAPI reader tries each form a schema may take (a reference, or a
//! schema) and, when the innermost of many nested schemas is malformed, tries both forms
//! again at every level on the way out, so its time doubles with each level (3 s for a
//! parameter schema nested 20 levels, 14 s for 22, for ever for the 100 `cargo xtask
//! mutate` made). Found here, each problem is reported at its keyword at once.

use serde_json::Value;

use crate::diagnostic::{escape_token, Diagnostic};
use crate::keywords::{
    constraint_type_problem, json_kind, subschema_shape_problem, unknown_type, SCHEMA_LISTS,
    SCHEMA_MAPS, SCHEMA_VALUED,
};
use crate::load::refs::local_pointer;

/// What is wrong with the schemas of a document as written.
#[derive(Debug, Default)]
pub(crate) struct Malformed {
    /// Schemas that are not objects or booleans, and keywords whose wrong kind of JSON
    /// leaves the schema's shape unknown (`properties: 5`, a `$ref` that is no string):
    /// nothing can be generated from them.
    pub errors: Vec<Diagnostic>,
    /// Constraints of the wrong kind of JSON (api.video's `pattern: 0`, codat's `type`
    /// written as a schema), each at its keyword: they constrain nothing a validator
    /// could check, so they are set aside ([`set_aside`]) with a warning that says so,
    /// and the rest of the schema is served.
    pub set_aside: Vec<Diagnostic>,
}

/// Removes from `doc` each keyword `set_aside` points at; only object members go, so
/// no other pointer changes.
pub(crate) fn set_aside(doc: &mut Value, set_aside: &[Diagnostic]) {
    for item in set_aside {
        let Some((parent, last)) = item.pointer.rsplit_once('/') else {
            continue;
        };
        if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
            map.remove(&crate::diagnostic::unescape_token(last));
        }
    }
}

/// What is wrong with the schemas of `doc` (OpenAPI 3.x or Swagger 2.0, as written):
/// each schema keyword that holds the wrong kind of JSON, and each schema that is not
/// an object or a boolean.
pub(crate) fn malformed_schemas(doc: &Value) -> Malformed {
    let mut problems = Malformed::default();
    // Swagger 2.0 has one type of its own, `file`, which its conversion reads.
    let walk = Walk {
        doc,
        swagger2: doc.get("swagger").is_some(),
        booleans: doc
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|version| !version.starts_with("3.0")),
    };
    for container in ["/components/schemas", "/definitions"] {
        if let Some(Value::Object(schemas)) = doc.pointer(container) {
            for (name, schema) in schemas {
                let at = format!("{container}/{}", escape_token(name));
                walk.check(schema, &at, &mut problems);
            }
        }
    }
    for root in [
        "/paths",
        "/components",
        "/webhooks",
        "/parameters",
        "/responses",
    ] {
        if let Some(node) = doc.pointer(root) {
            walk.find_schemas(node, &mut root.to_string(), &mut problems);
        }
    }
    // A path item kept under an extension (`components/x-path-items`, as some specs do)
    // is skipped above with every extension, but it is part of the API once a path
    // refers to it.
    for target in super::dangling::extension_path_items(doc) {
        if let Some(node) = doc.pointer(&target) {
            walk.find_schemas(node, &mut target.clone(), &mut problems);
        }
    }
    problems
}

/// What a local reference's target is, as "a parameter", when the document's layout says
/// it is an OpenAPI object other than a schema; `None` for a schema or anything else.
fn non_schema_target(pointer: &str) -> Option<&'static str> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let schema_place = |token: &&str| {
        matches!(
            *token,
            "schema" | "schemas" | "definitions" | "$defs" | "content"
        ) || token.starts_with("x-")
    };
    if tokens.iter().any(schema_place) {
        return None;
    }
    let object = |kind: &str| match kind {
        "parameters" => Some("a parameter"),
        "responses" => Some("a response"),
        "requestBodies" => Some("a request body"),
        "headers" => Some("a header"),
        "examples" => Some("an example"),
        "links" => Some("a link"),
        "callbacks" => Some("a callback"),
        "securitySchemes" => Some("a security scheme"),
        "pathItems" => Some("a path item"),
        _ => None,
    };
    match tokens.as_slice() {
        ["components", kind, _] => object(kind),
        // Swagger 2.0 keeps them at the top.
        ["parameters" | "responses", _] => object(tokens[0]),
        ["paths", _] => Some("a path item"),
        ["paths", _, _] => Some("an operation"),
        ["paths", .., "requestBody"] => Some("a request body"),
        ["paths", .., kind, _] => object(kind),
        _ => None,
    }
}

/// What the walk needs to know of the whole document.
struct Walk<'d> {
    /// The document, where references are followed.
    doc: &'d Value,
    swagger2: bool,
    /// Whether the document is OpenAPI 3.1, where `true` and `false` are schemas and
    /// `type` may be a list; before, a schema is an object (`additionalProperties` alone
    /// may be a boolean) and `type` one name.
    booleans: bool,
}

impl Walk<'_> {
    /// Checks every `schema` member under `node` (parameters, media types, headers; the
    /// component schemas are checked on their own).
    fn find_schemas(&self, node: &Value, at: &mut String, problems: &mut Malformed) {
        self.find_schemas_in(node, at, false, problems);
    }

    /// [`Walk::find_schemas`]; `names` says the members of `node` are names the spec
    /// chose (a header called `x-rate`), not keywords or data.
    fn find_schemas_in(
        &self,
        node: &Value,
        at: &mut String,
        names: bool,
        problems: &mut Malformed,
    ) {
        let mut visit = |key: &str, value: &Value, names: bool, problems: &mut Malformed| {
            let len = at.len();
            at.push('/');
            at.push_str(&escape_token(key));
            // Outside schemas `default` is the default response, not data.
            let data = !names && super::dangling::is_data(key) && key != "default";
            if key == "schema" && !names {
                self.check(value, at, problems);
            } else if !(data || (!names && matches!(key, "examples" | "schemas"))) {
                let holds_names = !names && super::dangling::NAME_MAPS.contains(&key);
                self.find_schemas_in(value, at, holds_names, problems);
            }
            at.truncate(len);
        };
        match node {
            Value::Object(map) => map.iter().for_each(|(k, v)| visit(k, v, names, problems)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| visit(&i.to_string(), v, false, problems)),
            _ => {}
        }
    }

    /// Checks the schema `value` at `at`, and every schema inside it.
    fn check(&self, value: &Value, at: &str, problems: &mut Malformed) {
        let Value::Object(map) = value else {
            if !value.is_boolean() {
                problems.errors.push(Diagnostic::new(
                    at,
                    format!(
                        "a schema must be an object (or a boolean); found {}",
                        json_kind(value)
                    ),
                ));
            } else if !self.booleans {
                // The OpenAPI reader would refuse it too, but only after trying every
                // form of every schema around it, which takes for ever when it is deep.
                problems.errors.push(Diagnostic::new(
                    at,
                    format!(
                        "a schema must be an object before OpenAPI 3.1; found `{value}` \
                         (`true` and `false` schemas came with 3.1)"
                    ),
                ));
            }
            return;
        };
        if let Some(reference) = map.get("$ref") {
            match reference.as_str() {
                None => problems.errors.push(Diagnostic::new(
                    format!("{at}/$ref"),
                    format!(
                        "`$ref` must be a string (such as \"#/components/schemas/Name\"); found {}",
                        json_kind(reference)
                    ),
                )),
                Some(target) => {
                    // A reference to nothing is reported as dangling; one to an object
                    // that is no schema (enode's to a parameter, rumble's to a response)
                    // says nothing of a value, so it is set aside.
                    let kind = local_pointer(target)
                        .filter(|pointer| self.doc.pointer(pointer).is_some())
                        .and_then(|pointer| non_schema_target(&pointer));
                    if let Some(kind) = kind {
                        problems.set_aside.push(Diagnostic::new(
                            format!("{at}/$ref"),
                            format!(
                                "`$ref` `{target}` points at {kind}, where a schema is expected \
                                 (JSON Schema Core: \"The \"$ref\" keyword is an applicator that \
                                 is used to reference a statically identified schema\"); \
                                 ignored, so this schema takes a value of any type"
                            ),
                        ));
                    }
                }
            }
            return;
        }
        for (key, member) in map {
            let here = format!("{at}/{}", escape_token(key));
            if let Some(expected) = subschema_shape_problem(key, member) {
                problems
                    .errors
                    .push(Diagnostic::new(here, format!("`{key}` must be {expected}")));
                continue;
            }
            if let Some(expected) = constraint_type_problem(key, member) {
                problems.set_aside.push(Diagnostic::new(
                    here,
                    format!("`{key}` must be {expected}; ignored, so nothing checks it"),
                ));
                continue;
            }
            if key == "type" {
                let file = self.swagger2 && member.as_str() == Some("file");
                let names = member.is_string()
                    || member
                        .as_array()
                        .is_some_and(|list| list.iter().all(Value::is_string));
                if !names {
                    problems.set_aside.push(Diagnostic::new(
                        here,
                        format!(
                            "{}; ignored, so this schema takes a value of any type",
                            unknown_type(member).unwrap_or_default()
                        ),
                    ));
                } else if let Some(problem) = unknown_type(member).filter(|_| !file) {
                    problems.errors.push(Diagnostic::new(here, problem));
                } else if member.is_array() && !self.booleans {
                    // Read as OpenAPI 3.0, a list here fails deep inside every form of
                    // every schema around it, which takes for ever when it is deep.
                    problems.errors.push(Diagnostic::new(
                        here,
                        "`type` must be one type name before OpenAPI 3.1 (lists of types came \
                         with 3.1; for `null` say `nullable: true`)",
                    ));
                }
                continue;
            }
            match member {
                Value::Object(_) if SCHEMA_VALUED.contains(&key.as_str()) => {
                    self.check(member, &here, problems)
                }
                Value::Bool(_)
                    if SCHEMA_VALUED.contains(&key.as_str()) && key != "additionalProperties" =>
                {
                    self.check(member, &here, problems)
                }
                Value::Array(list) if SCHEMA_LISTS.contains(&key.as_str()) => {
                    for (index, item) in list.iter().enumerate() {
                        self.check(item, &format!("{here}/{index}"), problems);
                    }
                }
                Value::Object(schemas) if SCHEMA_MAPS.contains(&key.as_str()) => {
                    for (name, schema) in schemas {
                        self.check(schema, &format!("{here}/{}", escape_token(name)), problems);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_malformed_keyword_is_reported_at_itself() {
        let mut deep = json!("uuid");
        for _ in 0..100 {
            deep = json!({"type": "array", "items": deep});
        }
        let doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": deep}],
                "responses": {
                    "200": {"description": "ok", "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "n": {"type": "integer", "minimum": "1"},
                        }}},
                    }},
                    "default": {"description": "other", "content": {
                        "*/*": {"schema": {"properties": true}},
                    }},
                },
            }}},
            "components": {"schemas": {
                "Fine": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Fine"}}},
                "Bad": {"allOf": [{"format": 5}, 7]},
                "Pointed": {"$ref": true},
                "Closed": {"type": "array", "items": false, "additionalProperties": false},
                "Listed": {"type": ["string", "null"]},
                "Nothing": {"properties": {"kind": {"allOf": []}}},
            }},
        });
        let malformed = malformed_schemas(&doc);
        let found: Vec<String> = malformed
            .errors
            .into_iter()
            .map(|d| format!("{}: {}", d.pointer, d.message))
            .collect();
        let deepest = format!("/paths/~1a/get/parameters/0/schema{}", "/items".repeat(99));
        assert_eq!(
            found,
            [
                "/components/schemas/Bad/allOf: `allOf` must be a list of schemas (objects)".to_string(),
                "/components/schemas/Pointed/$ref: `$ref` must be a string (such as \"#/components/schemas/Name\"); found a boolean".into(),
                "/components/schemas/Closed/items: a schema must be an object before OpenAPI 3.1; found `false` (`true` and `false` schemas came with 3.1)".into(),
                "/components/schemas/Listed/type: `type` must be one type name before OpenAPI 3.1 (lists of types came with 3.1; for `null` say `nullable: true`)".into(),
                "/components/schemas/Nothing/properties/kind/allOf: `allOf` must be a non-empty list of schemas (JSON Schema: its value \"MUST be a non-empty array\")".into(),
                format!("{deepest}/items: `items` must be a schema (an object), or a list of schemas"),
                "/paths/~1a/get/responses/default/content/*~1*/schema/properties: `properties` must be an object whose values are schemas (objects)".into(),
            ]
        );
        // A constraint of the wrong kind is set aside, not refused.
        let set_aside: Vec<String> = malformed
            .set_aside
            .into_iter()
            .map(|d| format!("{}: {}", d.pointer, d.message))
            .collect();
        assert_eq!(
            set_aside,
            ["/paths/~1a/get/responses/200/content/application~1json/schema/properties/n/minimum: `minimum` must be a number; ignored, so nothing checks it"]
        );
    }

    #[test]
    fn a_path_item_under_an_extension_is_walked_when_a_path_refers_to_it() {
        let doc = json!({
            "paths": {"/a": {"$ref": "#/components/x-items/A"}},
            "components": {"x-items": {
                "A": {"get": {"responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"$ref": {"not": "a string"}}},
                }}}}},
                "Unused": {"get": {"parameters": [{"schema": {"$ref": 1}}]}},
            }},
        });
        let found: Vec<String> = malformed_schemas(&doc)
            .errors
            .into_iter()
            .map(|d| d.pointer)
            .collect();
        assert_eq!(
            found,
            ["/components/x-items/A/get/responses/200/content/application~1json/schema/$ref"]
        );
    }

    #[test]
    fn references_to_objects_that_are_no_schemas_are_set_aside() {
        let doc = json!({
            "paths": {"/v": {"get": {
                "parameters": [{"name": "f", "in": "query", "schema": {
                    "type": "array", "items": {"$ref": "#/paths/~1v/get/parameters/1"},
                }}, {"name": "g", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/responses/Status"},
                }}}},
            }}},
            "components": {
                "responses": {"Status": {"description": "status"}},
                "schemas": {
                    "A": {"$ref": "#/components/parameters/Gone"},
                    "B": {"$ref": "#/paths/~1v/get/parameters/1/schema"},
                },
            },
        });
        let malformed = malformed_schemas(&doc);
        assert!(malformed.errors.is_empty(), "{:?}", malformed.errors);
        let found: Vec<(&str, bool)> = malformed
            .set_aside
            .iter()
            .map(|d| {
                (
                    d.pointer.as_str(),
                    d.message.contains("points at a parameter"),
                )
            })
            .collect();
        // A dangling one is not set aside (it is reported), and a parameter's schema is
        // a schema.
        assert_eq!(
            found,
            [
                ("/paths/~1v/get/parameters/0/schema/items/$ref", true),
                (
                    "/paths/~1v/get/responses/200/content/application~1json/schema/$ref",
                    false
                ),
            ]
        );
        assert!(malformed.set_aside[1]
            .message
            .contains("points at a response, where a schema is expected"));
    }

    #[test]
    fn members_named_like_keywords_are_walked() {
        // A header named as an extension would be, a component parameter named `schema`.
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "headers": {
                "x-rate": {"schema": {"type": "integer", "minimum": "1"}},
            }}}}}},
            "components": {"parameters": {"schema": {
                "name": "s", "in": "query", "schema": {"type": "string", "maxLength": "3"},
            }}},
        });
        let found: Vec<String> = malformed_schemas(&doc)
            .set_aside
            .into_iter()
            .map(|d| d.pointer)
            .collect();
        assert_eq!(
            found,
            [
                "/paths/~1a/get/responses/200/headers/x-rate/schema/minimum",
                "/components/parameters/schema/schema/maxLength",
            ]
        );
    }
}
