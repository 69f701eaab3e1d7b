//! OpenAPI 3.1 documents rewritten into the 3.0 form the rest of the generator reads.
//!
//! 3.1 changed little outside schemas: those became JSON Schema 2020-12, with type
//! lists instead of `nullable`, numeric exclusive bounds, `const`, boolean schemas,
//! `prefixItems` and `$ref` beside other keywords. Each is rewritten in place into its
//! 3.0 spelling, so every JSON pointer of the input still names the same node and
//! diagnostics need no translation. The input itself is kept for serving.
//!
//! Keywords that 3.0 has no spelling for but that mean nothing to generated code
//! (`examples`, `$comment`, `contentMediaType`, ...) stay where they are: the 3.0
//! reader ignores them. Keywords that would change what a request may contain and that
//! neither typify nor the validator can honour are reported, never dropped silently.

use serde_json::{Map, Value};
use specfirst_model::extensions::ITEM_SCHEMA;

use crate::diagnostic::{pointer_below, pointer_join, Diagnostic};
use crate::keywords::{ANNOTATIONS, PROPERTIES_BEYOND, TYPE_KEYWORDS};
use crate::load::origins::Origins;
use specfirst_model::vocabulary;

/// The dialect 3.1 documents use unless they say otherwise.
const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";
/// Dialects whose keywords this rewrite understands: the OpenAPI one, and JSON Schema
/// drafts 4 to 2020-12, whose differences (boolean or numeric exclusive bounds, tuple
/// `items`) the rewrite and the schema normaliser both accept.
fn known_dialect(dialect: &str) -> bool {
    let dialect = dialect.trim_end_matches('#');
    dialect == OAS_DIALECT
        || [
            "draft-04/schema",
            "draft-06/schema",
            "draft-07/schema",
            "draft/2019-09/schema",
            "draft/2020-12/schema",
        ]
        .iter()
        .any(|draft| {
            dialect == format!("http://json-schema.org/{draft}")
                || dialect == format!("https://json-schema.org/{draft}")
        })
}
/// Keywords that constrain instances and that neither typify nor the validator reads;
/// silently ignoring one would accept requests the spec forbids.
const UNSUPPORTED: &[&str] = &[
    "patternProperties",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "$dynamicRef",
    "$recursiveRef",
];

/// Rewrites the 3.1 document `doc` into 3.0 form in place, returning what cannot be; a
/// node it moves (a `$ref` beside constraints, into an `allOf`) is recorded in `origins`.
pub fn downgrade(doc: &mut Value, origins: &mut Origins) -> Vec<Diagnostic> {
    let mut rewrite = Rewrite {
        problems: Vec::new(),
        origins,
    };
    if let Some(dialect) = doc.get("jsonSchemaDialect") {
        match dialect.as_str() {
            Some(d) if known_dialect(d) => {}
            _ => rewrite.problem(
                "/jsonSchemaDialect",
                format!(
                    "JSON Schema dialect {dialect} is not supported; use the OpenAPI 3.1 \
                     dialect ({OAS_DIALECT}) or draft 2020-12"
                ),
            ),
        }
    }
    if let Some(Value::Object(root)) = Some(&mut *doc) {
        for key in ["paths", "webhooks"] {
            if let Some(Value::Object(items)) = root.get_mut(key) {
                for (name, item) in items.iter_mut() {
                    let at = pointer_join(&format!("/{key}"), name);
                    rewrite.path_item(item, &at);
                }
            }
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            rewrite.components(components);
        }
    }
    rewrite.problems
}

struct Rewrite<'o> {
    problems: Vec<Diagnostic>,
    origins: &'o mut Origins,
}

/// Calls `f` on every value of the object at `node[key]`, with its pointer.
pub(super) fn each_entry(
    node: &mut Map<String, Value>,
    key: &str,
    at: &str,
    mut f: impl FnMut(&mut Value, &str),
) {
    if let Some(Value::Object(entries)) = node.get_mut(key) {
        let base = pointer_join(at, key);
        for (name, value) in entries.iter_mut() {
            f(value, &pointer_join(&base, name));
        }
    }
}

impl Rewrite<'_> {
    fn problem(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(pointer, message));
    }

    fn components(&mut self, components: &mut Map<String, Value>) {
        let at = "/components";
        each_entry(components, "schemas", at, |s, p| self.schema(s, p));
        each_entry(components, "parameters", at, |s, p| self.parameter(s, p));
        each_entry(components, "headers", at, |s, p| self.parameter(s, p));
        each_entry(components, "requestBodies", at, |s, p| {
            self.content_holder(s, p)
        });
        each_entry(components, "responses", at, |s, p| self.response(s, p));
        each_entry(components, "pathItems", at, |s, p| self.path_item(s, p));
        each_entry(components, "callbacks", at, |s, p| self.callback(s, p));
    }

    fn callback(&mut self, callback: &mut Value, at: &str) {
        if let Value::Object(map) = callback {
            for (expression, item) in map.iter_mut() {
                self.path_item(item, &pointer_join(at, expression));
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Value::Object(item) = item else { return };
        self.parameters(item, at);
        for (_, tokens) in vocabulary::operation_places(item) {
            let op = tokens.iter().try_fold(&mut *item, |node, token| {
                node.get_mut(token)?.as_object_mut()
            });
            if let Some(op) = op {
                let op_at = pointer_below(at, &tokens);
                self.parameters(op, &op_at);
                if let Some(body) = op.get_mut("requestBody") {
                    self.content_holder(body, &pointer_join(&op_at, "requestBody"));
                }
                // 3.1 lets an operation leave its responses out; 3.0 requires the key,
                // and an empty map already means "any response".
                if !op.contains_key("responses") && !op.contains_key("$ref") {
                    op.insert("responses".into(), Value::Object(Map::new()));
                }
                each_entry(op, "responses", &op_at, |r, p| self.response(r, p));
                each_entry(op, "callbacks", &op_at, |c, p| self.callback(c, p));
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, at: &str) {
        if let Some(Value::Array(list)) = holder.get_mut("parameters") {
            let base = pointer_join(at, "parameters");
            for (i, param) in list.iter_mut().enumerate() {
                self.parameter(param, &pointer_join(&base, i.to_string()));
            }
        }
    }

    /// A parameter or header object: a `schema`, or `content` with schemas.
    fn parameter(&mut self, param: &mut Value, at: &str) {
        let Value::Object(map) = param else { return };
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, &pointer_join(at, "schema"));
        }
        self.content(map, at);
    }

    fn content_holder(&mut self, holder: &mut Value, at: &str) {
        if let Value::Object(map) = holder {
            self.content(map, at);
        }
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        let Value::Object(map) = response else { return };
        each_entry(map, "headers", at, |h, p| self.parameter(h, p));
        self.content(map, at);
    }

    fn content(&mut self, holder: &mut Map<String, Value>, at: &str) {
        each_entry(holder, "content", at, |media, p| {
            if let Value::Object(media) = media {
                if let Some(schema) = media.get_mut("schema") {
                    self.schema(schema, &pointer_join(p, "schema"));
                }
                if let Some(item) = media.get_mut(ITEM_SCHEMA) {
                    self.schema(item, &pointer_join(p, ITEM_SCHEMA));
                }
                each_entry(media, "encoding", p, |encoding, e| {
                    if let Value::Object(encoding) = encoding {
                        each_entry(encoding, "headers", e, |h, hp| self.parameter(h, hp));
                    }
                });
            }
        });
    }

    /// Rewrites one schema and everything inside it.
    fn schema(&mut self, schema: &mut Value, at: &str) {
        match schema {
            // `true` accepts anything, `false` nothing.
            Value::Bool(true) => *schema = Value::Object(Map::new()),
            Value::Bool(false) => {
                *schema = serde_json::json!({ "not": {} });
            }
            Value::Object(map) => {
                self.children(map, at);
                self.keywords(map, at);
                if let Some(rewritten) = self.split_types(map) {
                    *schema = rewritten;
                }
            }
            _ => {}
        }
    }

    fn children(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in [
            "items",
            "not",
            "contentSchema",
            "additionalProperties",
            "propertyNames",
            "unevaluatedProperties",
        ] {
            if let Some(child) = map.get_mut(key) {
                if child.is_object() || child.is_boolean() {
                    // `additionalProperties: true/false` keeps its boolean 3.0 meaning.
                    if (key == "additionalProperties" || key == "unevaluatedProperties")
                        && child.is_boolean()
                    {
                        continue;
                    }
                    self.schema(child, &pointer_join(at, key));
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(list)) = map.get_mut(key) {
                let base = pointer_join(at, key);
                for (i, child) in list.iter_mut().enumerate() {
                    self.schema(child, &pointer_join(&base, i.to_string()));
                }
            }
        }
        for key in ["properties", "patternProperties", "$defs"] {
            each_entry(map, key, at, |child, p| self.schema(child, p));
        }
    }

    fn keywords(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in UNSUPPORTED {
            if map.contains_key(*key) {
                self.problem(
                    pointer_join(at, key),
                    format!("the JSON Schema keyword `{key}` is not supported"),
                );
            }
        }
        // Without composition, no keyword evaluates properties but `properties` and
        // `additionalProperties`, so `unevaluatedProperties` means the latter.
        if map.contains_key("unevaluatedProperties") {
            let composed = PROPERTIES_BEYOND.iter().any(|k| map.contains_key(*k));
            if close_branches(map) {
                // Each branch, closed, says what the whole did: see `close_branches`.
                for key in ["anyOf", "oneOf"] {
                    let count = map.get(key).and_then(Value::as_array).map_or(0, Vec::len);
                    for i in 0..count {
                        let branch = pointer_join(&pointer_join(at, key), i.to_string());
                        self.origins.record(
                            pointer_join(&branch, "additionalProperties"),
                            pointer_join(at, "unevaluatedProperties"),
                        );
                    }
                }
            } else if composed || map.contains_key("additionalProperties") {
                self.problem(
                    pointer_join(at, "unevaluatedProperties"),
                    "`unevaluatedProperties` beside composition is not supported; use `additionalProperties` in the composed schemas",
                );
            } else if let Some(value) = map.remove("unevaluatedProperties") {
                map.insert("additionalProperties".into(), value);
                self.origins.record(
                    pointer_join(at, "additionalProperties"),
                    pointer_join(at, "unevaluatedProperties"),
                );
            }
        }
        if let Some(value) = map.remove("const") {
            if !map.contains_key("enum") {
                map.insert("enum".into(), Value::Array(vec![value]));
            }
        }
        for (flag, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            let Some(limit) = map.get(flag).filter(|v| v.is_number()).cloned() else {
                continue;
            };
            let lower = flag == "exclusiveMinimum";
            // Both given: the tighter one wins, exclusive when they tie.
            let keep_inclusive = match (map.get(bound).and_then(Value::as_f64), limit.as_f64()) {
                (Some(inclusive), Some(exclusive)) => {
                    if lower {
                        inclusive > exclusive
                    } else {
                        inclusive < exclusive
                    }
                }
                _ => false,
            };
            if keep_inclusive {
                map.remove(flag);
            } else {
                map.insert(bound.into(), limit);
                map.insert(flag.into(), Value::Bool(true));
            }
        }
        // 2020-12 spells a binary string through its content keywords, 3.0 through `format`.
        if !map.contains_key("format") && map.get("type").and_then(Value::as_str) == Some("string")
        {
            if map.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
                map.insert("format".into(), "byte".into());
            } else if map
                .get("contentMediaType")
                .and_then(Value::as_str)
                .is_some_and(|m| m == "application/octet-stream")
                && !map.contains_key("contentEncoding")
            {
                map.insert("format".into(), "binary".into());
            }
        }
        // In 3.1 a `$ref`'s siblings apply too; 3.0 ignores them, so constraints move
        // beside the reference into an `allOf`.
        if map.contains_key("$ref") {
            let constraining = map
                .keys()
                .any(|k| k != "$ref" && !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
            if constraining {
                if let Some(reference) = map.remove("$ref") {
                    let mut only = Map::new();
                    only.insert("$ref".into(), reference);
                    map.insert("allOf".into(), Value::Array(vec![Value::Object(only)]));
                    self.origins
                        .record(format!("{at}/allOf/0/$ref"), format!("{at}/$ref"));
                }
            }
        }
    }

    /// `type: [a, b, "null"]`: `null` becomes `nullable`, one remaining type stays the
    /// type, several become an `anyOf` with each type's own keywords.
    fn split_types(&mut self, map: &mut Map<String, Value>) -> Option<Value> {
        let types: Vec<String> = match map.get("type")? {
            Value::Array(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Value::String(single) if single == "null" => vec!["null".into()],
            _ => return None,
        };
        map.remove("type");
        let nullable = types.iter().any(|t| t == "null");
        let mut rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        rest.dedup();
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match rest.as_slice() {
            [] if nullable => {
                // Only `null`: 3.0 has no spelling for it, but its reader takes an
                // unknown type as "any", and draft 7 (typify's) knows `null`.
                map.remove("nullable");
                map.insert("type".into(), "null".into());
                None
            }
            [] => None,
            [single] => {
                map.insert("type".into(), Value::String(single.clone()));
                None
            }
            several => {
                let alternatives = several
                    .iter()
                    .map(|name| {
                        let mut alternative = Map::new();
                        alternative.insert("type".into(), Value::String(name.clone()));
                        if let Some((_, keys)) = TYPE_KEYWORDS.iter().find(|(t, _)| t == name) {
                            for key in *keys {
                                if let Some(value) = map.get(*key) {
                                    alternative.insert((*key).into(), value.clone());
                                }
                            }
                        }
                        Value::Object(alternative)
                    })
                    .collect();
                for (_, keys) in TYPE_KEYWORDS {
                    for key in *keys {
                        map.remove(*key);
                    }
                }
                map.insert("anyOf".into(), Value::Array(alternatives));
                None
            }
        }
    }
}

/// `unevaluatedProperties: false` beside `anyOf` or `oneOf` alone (train-travel's
/// payment `source`, a card or a bank account), moved into the branches as
/// `additionalProperties: false`: a value is valid when a branch that lists every one of
/// its properties accepts it, which is what the keyword said when no branch accepts
/// another's properties. Done only where that reading holds: every branch an inline
/// schema with `properties` and no `additionalProperties` of its own, and nothing
/// beside the branches (`properties`, `allOf`, `$ref`, ...) evaluating properties too.
/// Returns whether it was done.
fn close_branches(map: &mut Map<String, Value>) -> bool {
    if map.get("unevaluatedProperties") != Some(&Value::Bool(false)) {
        return false;
    }
    let beside = [
        "allOf",
        "$ref",
        "properties",
        "patternProperties",
        "additionalProperties",
    ];
    if beside.iter().any(|key| map.contains_key(*key)) {
        return false;
    }
    let lists: Vec<&str> = ["anyOf", "oneOf"]
        .into_iter()
        .filter(|key| map.contains_key(*key))
        .collect();
    let closable = |branch: &Value| {
        branch.get("properties").is_some_and(Value::is_object)
            && [
                "$ref",
                "additionalProperties",
                "unevaluatedProperties",
                "allOf",
                "anyOf",
                "oneOf",
            ]
            .iter()
            .all(|key| branch.get(*key).is_none())
    };
    let fits = !lists.is_empty()
        && lists.iter().all(|key| {
            map.get(*key)
                .and_then(Value::as_array)
                .is_some_and(|branches| !branches.is_empty() && branches.iter().all(closable))
        });
    if !fits {
        return false;
    }
    for key in lists {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            for branch in branches {
                if let Value::Object(branch) = branch {
                    branch.insert("additionalProperties".into(), Value::Bool(false));
                }
            }
        }
    }
    map.remove("unevaluatedProperties");
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(input: Value) -> (Value, Vec<Diagnostic>) {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": { "schemas": { "S": input } }
        });
        let problems = downgrade(&mut doc, &mut Origins::default());
        (doc["components"]["schemas"]["S"].clone(), problems)
    }

    #[test]
    fn type_lists_become_nullable_or_alternatives() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "maxLength": 3})).0,
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
        assert_eq!(
            schema(json!({"type": ["string", "integer"], "maxLength": 3, "minimum": 1})).0,
            json!({"anyOf": [
                {"type": "string", "maxLength": 3},
                {"type": "integer", "minimum": 1}
            ]})
        );
        assert_eq!(schema(json!({"type": "null"})).0, json!({"type": "null"}));
    }

    #[test]
    fn unevaluated_properties_beside_alternatives_close_each_branch() {
        let branches = json!([
            {"properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "string"}}}
        ]);
        let (converted, problems) =
            schema(json!({"unevaluatedProperties": false, "anyOf": branches.clone()}));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            converted,
            json!({"anyOf": [
                {"properties": {"a": {"type": "string"}}, "additionalProperties": false},
                {"properties": {"b": {"type": "string"}}, "additionalProperties": false}
            ]})
        );
        // Where closing the branches would not say the same, it stays a problem.
        for input in [
            json!({"unevaluatedProperties": false, "allOf": branches.clone()}),
            json!({"unevaluatedProperties": false, "anyOf": branches.clone(), "properties": {"c": {}}}),
            json!({"unevaluatedProperties": false, "oneOf": [{"$ref": "#/components/schemas/T"}]}),
            json!({"unevaluatedProperties": {"type": "string"}, "anyOf": branches}),
        ] {
            let (_, problems) = schema(input.clone());
            assert_eq!(problems.len(), 1, "{input}: {problems:?}");
        }
    }

    #[test]
    fn const_bounds_and_booleans() {
        assert_eq!(schema(json!({"const": "a"})).0, json!({"enum": ["a"]}));
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})).0,
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 5})
        );
        assert_eq!(
            schema(json!({"properties": {"a": true, "b": false}})).0,
            json!({"properties": {"a": {}, "b": {"not": {}}}})
        );
    }

    #[test]
    fn constraining_ref_siblings_move_into_all_of() {
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "description": "kept"})).0,
            json!({"$ref": "#/components/schemas/T", "description": "kept"})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/T", "maxLength": 4})).0,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "maxLength": 4})
        );
    }

    #[test]
    fn a_moved_ref_is_found_where_it_was_written() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "S": {"properties": {"p": {"$ref": "string", "maxLength": 4}}},
        }}});
        let mut origins = Origins::default();
        downgrade(&mut doc, &mut origins);
        let moved = "/components/schemas/S/properties/p/allOf/0/$ref";
        assert_eq!(doc.pointer(moved), Some(&json!("string")));
        assert_eq!(
            origins.input_pointer(moved),
            "/components/schemas/S/properties/p/$ref"
        );
        // `unevaluatedProperties` read as `additionalProperties` is found where written.
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "S": {"unevaluatedProperties": {"$ref": "#/components/pathItems/P"}},
        }}});
        let mut origins = Origins::default();
        downgrade(&mut doc, &mut origins);
        assert_eq!(
            origins.input_pointer("/components/schemas/S/additionalProperties/$ref"),
            "/components/schemas/S/unevaluatedProperties/$ref"
        );
    }

    #[test]
    fn content_keywords_set_the_format() {
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})).0["format"],
            json!("byte")
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/octet-stream"})).0
                ["format"],
            json!("binary")
        );
    }

    #[test]
    fn unsupported_keywords_are_reported_with_their_pointer() {
        let (_, problems) = schema(json!({"properties": {"a": {"if": {}, "then": {}}}}));
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/S/properties/a/if",
                "/components/schemas/S/properties/a/then"
            ]
        );
    }

    #[test]
    fn operations_everywhere_are_rewritten() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://example.com/dialect",
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": ["integer", "null"]}}]
            }}},
            "webhooks": {"ping": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"const": 1}}}},
                "responses": {"200": {"description": "ok", "headers": {"X": {"schema": {"type": ["string"]}}}}}
            }}}
        });
        let problems = downgrade(&mut doc, &mut Origins::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/jsonSchemaDialect");
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(get["responses"], json!({}));
        assert_eq!(
            get["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        let ping = &doc["webhooks"]["ping"]["post"];
        assert_eq!(
            ping["requestBody"]["content"]["application/json"]["schema"],
            json!({"enum": [1]})
        );
        assert_eq!(
            ping["responses"]["200"]["headers"]["X"]["schema"],
            json!({"type": "string"})
        );
    }
}
