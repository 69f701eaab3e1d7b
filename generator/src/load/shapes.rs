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

/// A diagnostic for each schema keyword of `doc` (OpenAPI 3.x or Swagger 2.0, as written)
/// that holds the wrong kind of JSON, and each schema that is not an object or a boolean.
pub(crate) fn malformed_schemas(doc: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Swagger 2.0 has one type of its own, `file`, which its conversion reads.
    let walk = Walk {
        swagger2: doc.get("swagger").is_some(),
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
    problems
}

/// What the walk needs to know of the whole document.
struct Walk {
    swagger2: bool,
}

impl Walk {
    /// Checks every `schema` member under `node` (parameters, media types, headers; the
    /// component schemas are checked on their own).
    fn find_schemas(&self, node: &Value, at: &mut String, problems: &mut Vec<Diagnostic>) {
        let mut visit = |key: &str, value: &Value, problems: &mut Vec<Diagnostic>| {
            let len = at.len();
            at.push('/');
            at.push_str(&escape_token(key));
            if key == "schema" {
                self.check(value, at, problems);
            } else if !(super::dangling::is_data(key) || matches!(key, "examples" | "schemas")) {
                self.find_schemas(value, at, problems);
            }
            at.truncate(len);
        };
        match node {
            Value::Object(map) => map.iter().for_each(|(k, v)| visit(k, v, problems)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| visit(&i.to_string(), v, problems)),
            _ => {}
        }
    }

    /// Checks the schema `value` at `at`, and every schema inside it.
    fn check(&self, value: &Value, at: &str, problems: &mut Vec<Diagnostic>) {
        let Value::Object(map) = value else {
            if !value.is_boolean() {
                problems.push(Diagnostic::new(
                    at,
                    format!(
                        "a schema must be an object (or a boolean); found {}",
                        json_kind(value)
                    ),
                ));
            }
            return;
        };
        if let Some(reference) = map.get("$ref") {
            if !reference.is_string() {
                problems.push(Diagnostic::new(
                    format!("{at}/$ref"),
                    format!(
                        "`$ref` must be a string (such as \"#/components/schemas/Name\"); found {}",
                        json_kind(reference)
                    ),
                ));
            }
            return;
        }
        for (key, member) in map {
            let here = format!("{at}/{}", escape_token(key));
            if let Some(expected) = subschema_shape_problem(key, member)
                .or_else(|| constraint_type_problem(key, member))
            {
                problems.push(Diagnostic::new(here, format!("`{key}` must be {expected}")));
                continue;
            }
            if key == "type" {
                let file = self.swagger2 && member.as_str() == Some("file");
                if let Some(problem) = unknown_type(member).filter(|_| !file) {
                    problems.push(Diagnostic::new(here, problem));
                }
                continue;
            }
            match member {
                Value::Object(_) if SCHEMA_VALUED.contains(&key.as_str()) => {
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
                "responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "n": {"type": "integer", "minimum": "1"},
                    }}},
                }}},
            }}},
            "components": {"schemas": {
                "Fine": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Fine"}}},
                "Bad": {"allOf": [{"format": 5}, 7]},
                "Pointed": {"$ref": true},
            }},
        });
        let found: Vec<String> = malformed_schemas(&doc)
            .into_iter()
            .map(|d| format!("{}: {}", d.pointer, d.message))
            .collect();
        let deepest = format!("/paths/~1a/get/parameters/0/schema{}", "/items".repeat(99));
        assert_eq!(
            found,
            [
                "/components/schemas/Bad/allOf: `allOf` must be a list of schemas (objects)".to_string(),
                "/components/schemas/Pointed/$ref: `$ref` must be a string (such as \"#/components/schemas/Name\"); found a boolean".into(),
                format!("{deepest}/items: `items` must be a schema (an object), or a list of schemas"),
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/n/minimum: `minimum` must be a number".into(),
            ]
        );
    }
}
