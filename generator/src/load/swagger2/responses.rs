//! Swagger 2.0 responses as 3.0: `schema` and `examples` become `content` for each
//! produced media type, and headers get a `schema`.

use serde_json::{json, Map, Value};

use super::parameters::{is_array, Place};
use super::{rewrite_ref, Converter, MediaTypes, DEFAULT_MEDIA_TYPE};
use crate::diagnostic::pointer_join;

impl<'a> Converter<'a> {
    /// An operation's `responses`, each converted for the media types it produces.
    pub(super) fn responses(
        &mut self,
        node: &Value,
        orig: &str,
        conv: &str,
        produces: &MediaTypes,
    ) -> Value {
        let Some(map) = node.as_object() else {
            // Lowering reports a missing or malformed `responses` with its pointer.
            return node.clone();
        };
        let mut out = Map::new();
        for (key, response) in map {
            if key.starts_with("x-") {
                out.insert(key.clone(), response.clone());
                continue;
            }
            let at = pointer_join(orig, key);
            let to = pointer_join(conv, key);
            if let Some(converted) = self.response(response, &at, &to, produces) {
                out.insert(key.clone(), converted);
            }
        }
        Value::Object(out)
    }

    /// One response, or a reference to a shared one: `None` after reporting a problem.
    pub(super) fn response(
        &mut self,
        node: &Value,
        orig: &str,
        conv: &str,
        produces: &MediaTypes,
    ) -> Option<Value> {
        let Some(map) = node.as_object() else {
            self.problem(orig, "a response must be an object");
            return None;
        };
        self.origins.record(conv, orig);
        if let Some(reference) = map.get("$ref") {
            let Some(target) = reference.as_str() else {
                self.problem(pointer_join(orig, "$ref"), "`$ref` must be a string");
                return None;
            };
            let shared = target
                .strip_prefix("#/responses/")
                .filter(|name| !name.contains('/'))
                .and_then(|_| target.strip_prefix('#'))
                .and_then(|local| self.raw.pointer(local).map(|node| (local, node)));
            // A shared response was converted with the document's `produces`; an
            // operation that produces other types gets its own copy.
            if let Some((local, target_node)) = shared {
                if produces.types != self.produces.types {
                    return self.response(target_node, local, conv, produces);
                }
            }
            return Some(json!({ "$ref": rewrite_ref(target) }));
        }
        let mut out = Map::new();
        let mut content = None;
        for (key, value) in map {
            match key.as_str() {
                "description" => {
                    out.insert(key.clone(), value.clone());
                }
                "schema" => {
                    content = Some(self.response_content(value, map, orig, conv, produces));
                }
                "headers" => {
                    if let Some(headers) =
                        self.headers(value, &pointer_join(orig, key), &pointer_join(conv, key))
                    {
                        out.insert(key.clone(), headers);
                    }
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        // 3.0 requires a description; an empty one says nothing, as a missing one did.
        if !out.contains_key("description") {
            out.insert("description".into(), "".into());
        }
        if let Some(content) = content {
            out.insert("content".into(), content);
        }
        Some(Value::Object(out))
    }

    /// `schema` (and `examples`) of a 2.0 response as 3.0 `content`, one entry per
    /// produced media type.
    fn response_content(
        &mut self,
        schema: &Value,
        response: &Map<String, Value>,
        orig: &str,
        conv: &str,
        produces: &MediaTypes,
    ) -> Value {
        let media_types = if produces.types.is_empty() {
            vec![DEFAULT_MEDIA_TYPE.to_string()]
        } else {
            produces.types.clone()
        };
        let content_pointer = pointer_join(conv, "content");
        self.origins.record(&content_pointer, orig);
        let schema_orig = pointer_join(orig, "schema");
        let examples = response.get("examples").and_then(Value::as_object);
        let mut content = Map::new();
        for media_type in &media_types {
            let media_pointer = pointer_join(&content_pointer, media_type);
            let schema_conv = pointer_join(&media_pointer, "schema");
            self.origins.record(&schema_conv, &schema_orig);
            let mut media = Map::new();
            media.insert(
                "schema".into(),
                self.schema(schema, &schema_orig, &schema_conv),
            );
            // Examples of types the operation does not produce have nowhere to go, and
            // are only documentation.
            if let Some(example) = examples.and_then(|e| e.get(media_type)) {
                self.origins.record(
                    pointer_join(&media_pointer, "example"),
                    pointer_join(&pointer_join(orig, "examples"), media_type),
                );
                media.insert("example".into(), example.clone());
            }
            content.insert(media_type.clone(), Value::Object(media));
        }
        Value::Object(content)
    }

    fn headers(&mut self, node: &Value, orig: &str, conv: &str) -> Option<Value> {
        let Some(map) = node.as_object() else {
            self.problem(orig, "`headers` must be an object");
            return None;
        };
        let mut out = Map::new();
        for (name, header) in map {
            let at = pointer_join(orig, name);
            let to = pointer_join(conv, name);
            let Some(header_map) = header.as_object() else {
                self.problem(at, "a header must be an object");
                continue;
            };
            let mut converted = Map::new();
            for (key, value) in header_map {
                if key == "description" || key.starts_with("x-") {
                    converted.insert(key.clone(), value.clone());
                }
            }
            let schema_pointer = pointer_join(&to, "schema");
            self.origins.record(&schema_pointer, &at);
            if header_map.contains_key("type") {
                if is_array(header_map) {
                    // 3.0 headers are always `simple` (comma-separated), which is `csv`.
                    match header_map.get("collectionFormat") {
                        None => {}
                        Some(Value::String(format)) if format == "csv" => {}
                        Some(_) => {
                            self.problem(
                                pointer_join(&at, "collectionFormat"),
                                "response header arrays can only be comma-separated (`csv`) in OpenAPI 3.0",
                            );
                            continue;
                        }
                    }
                }
                let Some(schema) =
                    self.simple_schema(header_map, &at, &schema_pointer, Place::ResponseHeader)
                else {
                    continue;
                };
                converted.insert("schema".into(), schema);
            }
            out.insert(name.clone(), Value::Object(converted));
        }
        Some(Value::Object(out))
    }
}
