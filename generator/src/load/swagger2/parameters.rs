//! Swagger 2.0 non-body parameters as 3.0 parameters: the value keywords move into
//! `schema`, and `collectionFormat` becomes `style` and `explode`. The same
//! simple-schema conversion serves `items`, form fields and response headers.

use serde_json::{json, Map, Value};

use super::bodies::{body_param, BodyParam};
use super::{rewrite_ref, Converter};
use crate::diagnostic::pointer_join;

/// Keywords of a 2.0 non-body parameter (and of items and headers) that describe the
/// value, so they belong in the 3.0 `schema`.
const SIMPLE_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Where a non-body parameter (or something shaped like one) is sent; it decides which
/// collection formats can be expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Query,
    Path,
    Header,
    FormData,
    /// A response header: 3.0 only has the `simple` style there.
    ResponseHeader,
}

impl<'a> Converter<'a> {
    /// Splits a 2.0 parameter list into the 3.0 parameters (converted, with their new
    /// indexes mapped back) and the body and form parameters.
    pub(super) fn parameters(
        &mut self,
        list: &'a Value,
        orig: &str,
        conv: &str,
    ) -> (Vec<Value>, Vec<BodyParam<'a>>) {
        let mut params = Vec::new();
        let mut bodies = Vec::new();
        let Some(list) = list.as_array() else {
            self.problem(orig, "`parameters` must be a list");
            return (params, bodies);
        };
        for (index, param) in list.iter().enumerate() {
            let at = pointer_join(orig, index.to_string());
            let to = pointer_join(conv, params.len().to_string());
            let Some(map) = param.as_object() else {
                self.problem(at, "a parameter must be an object");
                continue;
            };
            if let Some(reference) = map.get("$ref") {
                let Some(target) = reference.as_str() else {
                    self.problem(pointer_join(&at, "$ref"), "`$ref` must be a string");
                    continue;
                };
                let local = target
                    .strip_prefix("#/parameters/")
                    .filter(|name| !name.contains('/'))
                    .and_then(|_| target.strip_prefix('#'));
                let resolved = local.and_then(|local| {
                    self.raw
                        .pointer(local)
                        .and_then(Value::as_object)
                        .map(|node| (local, node))
                });
                if let Some((local, node)) = resolved {
                    if let Some(body) = body_param(node, local) {
                        bodies.push(body);
                        continue;
                    }
                }
                // Kept as a reference: lowering follows it, and reports it when broken.
                self.origins.record(&to, &at);
                params.push(json!({ "$ref": rewrite_ref(target) }));
                continue;
            }
            if let Some(body) = body_param(map, &at) {
                bodies.push(body);
                continue;
            }
            self.origins.record(&to, &at);
            if let Some(converted) = self.parameter(map, &at, &to) {
                params.push(converted);
            }
        }
        (params, bodies)
    }

    /// A query, path or header parameter in 3.0 form: the value keywords move into
    /// `schema`, and the collection format becomes a style.
    pub(super) fn parameter(
        &mut self,
        map: &Map<String, Value>,
        orig: &str,
        conv: &str,
    ) -> Option<Value> {
        let place = match map.get("in").and_then(Value::as_str) {
            Some("query") => Place::Query,
            Some("path") => Place::Path,
            Some("header") => Place::Header,
            Some("body" | "formData") => {
                // Callers turn these into request bodies before asking; a report
                // beats a panic should one ever slip through.
                self.problem(
                    pointer_join(orig, "in"),
                    "body and form parameters cannot be used here",
                );
                return None;
            }
            Some(other) => {
                self.problem(
                    pointer_join(orig, "in"),
                    format!("unknown parameter location `{other}`: expected `query`, `path`, `header`, `body` or `formData`"),
                );
                return None;
            }
            None => {
                self.problem(orig, "a parameter needs `in`");
                return None;
            }
        };
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "name" | "in" | "description" | "allowEmptyValue" => {
                    out.insert(key.clone(), value.clone());
                }
                "required" if place != Place::Path => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if place == Place::Path {
            // 3.0 insists on it; 2.0 did too, but tools were lenient.
            out.insert("required".into(), true.into());
        }
        let schema_pointer = pointer_join(conv, "schema");
        self.origins.record(&schema_pointer, orig);
        let schema = if map.contains_key("type") {
            self.simple_schema(map, orig, &schema_pointer, place)?
        } else if let Some(schema) = map.get("schema") {
            // Not 2.0, but written by hand often enough: a schema as 3.0 has it.
            self.origins
                .record(&schema_pointer, pointer_join(orig, "schema"));
            self.schema(schema, &pointer_join(orig, "schema"), &schema_pointer)
        } else {
            self.problem(orig, "a non-body parameter needs a `type`");
            return None;
        };
        if is_array(map) {
            let (style, explode) = self.collection_style(map, orig, place)?;
            let format_pointer = if map.contains_key("collectionFormat") {
                pointer_join(orig, "collectionFormat")
            } else {
                orig.to_string()
            };
            for key in ["style", "explode"] {
                self.origins
                    .record(pointer_join(conv, key), format_pointer.clone());
            }
            out.insert("style".into(), style.into());
            out.insert("explode".into(), explode.into());
        }
        out.insert("schema".into(), schema);
        Some(Value::Object(out))
    }

    /// The 3.0 style and explode of an array parameter's `collectionFormat` (2.0's
    /// default is `csv`).
    pub(super) fn collection_style(
        &mut self,
        map: &Map<String, Value>,
        orig: &str,
        place: Place,
    ) -> Option<(&'static str, bool)> {
        let at = pointer_join(orig, "collectionFormat");
        let format = match map.get("collectionFormat") {
            None => "csv",
            Some(Value::String(format)) => format.as_str(),
            Some(_) => {
                self.problem(at, "`collectionFormat` must be a string");
                return None;
            }
        };
        let query_like = matches!(place, Place::Query | Place::FormData);
        let style = match (format, place) {
            ("csv", Place::Query | Place::FormData) => ("form", false),
            ("csv", _) => ("simple", false),
            ("multi", _) if query_like => ("form", true),
            ("ssv", _) if query_like => ("spaceDelimited", false),
            ("pipes", _) if query_like => ("pipeDelimited", false),
            ("tsv", _) => {
                self.problem(
                    at,
                    "tab-separated arrays (`tsv`) have no OpenAPI 3.0 equivalent; use `csv`, `ssv`, `pipes` or `multi`",
                );
                return None;
            }
            ("multi" | "ssv" | "pipes", _) => {
                self.problem(
                    at,
                    format!("`collectionFormat: {format}` has no OpenAPI 3.0 equivalent outside query and form parameters"),
                );
                return None;
            }
            (other, _) => {
                self.problem(
                    at,
                    format!("unknown collection format `{other}`: expected `csv`, `ssv`, `tsv`, `pipes` or `multi`"),
                );
                return None;
            }
        };
        Some(style)
    }

    /// The schema of a non-body parameter, an `items` object or a header: the value
    /// keywords of `map`, with `items` converted the same way.
    pub(super) fn simple_schema(
        &mut self,
        map: &Map<String, Value>,
        orig: &str,
        conv: &str,
        place: Place,
    ) -> Option<Value> {
        let mut schema = Map::new();
        for (key, value) in map {
            if SIMPLE_SCHEMA_KEYS.contains(&key.as_str()) {
                schema.insert(key.clone(), value.clone());
            }
        }
        if map.get("x-nullable") == Some(&Value::Bool(true)) {
            schema.insert("nullable".into(), true.into());
            self.origins.record(
                pointer_join(conv, "nullable"),
                pointer_join(orig, "x-nullable"),
            );
        }
        if map.get("type").and_then(Value::as_str) == Some("file") {
            if place != Place::FormData {
                self.problem(
                    pointer_join(orig, "type"),
                    "`type: file` is only allowed for formData parameters (and response schemas)",
                );
                return None;
            }
            schema.insert("type".into(), "string".into());
            schema.insert("format".into(), "binary".into());
            self.origins
                .record(pointer_join(conv, "format"), pointer_join(orig, "type"));
        }
        if let Some(items) = map.get("items") {
            let items_orig = pointer_join(orig, "items");
            let items_conv = pointer_join(conv, "items");
            let Some(items_map) = items.as_object() else {
                self.problem(items_orig, "`items` must be an object");
                return None;
            };
            if is_array(items_map) && place != Place::ResponseHeader {
                // The inner separator of a nested array has no place in a 3.0 style.
                self.problem(
                    &items_orig,
                    "nested arrays in parameters have no OpenAPI 3.0 equivalent",
                );
                return None;
            }
            let item_place = if place == Place::FormData {
                Place::Query
            } else {
                place
            };
            let converted = if items_map.contains_key("$ref") {
                // Not 2.0 (items of a parameter are simple), but unambiguous.
                self.schema(items, &items_orig, &items_conv)
            } else {
                self.simple_schema(items_map, &items_orig, &items_conv, item_place)?
            };
            schema.insert("items".into(), converted);
        }
        Some(Value::Object(schema))
    }
}

/// Whether a parameter, `items` object or header is an array, the only kind a
/// `collectionFormat` applies to.
pub(super) fn is_array(map: &Map<String, Value>) -> bool {
    map.get("type").and_then(Value::as_str) == Some("array")
}
