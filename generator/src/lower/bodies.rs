//! Request and response bodies: media types, their kinds, and multipart parts.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use specfirst_model::{extensions, streams};

use crate::diagnostic::{pointer_below, pointer_join, Diagnostic};
use crate::ir::{
    BodyAlternative, BodyKind, Framing, MediaType, MultipartBody, MultipartPart, PartKind,
    RequestBody, ResponseBody, Scalar, SchemaUse, Shape,
};
use crate::keywords::BODY_LIMIT_EXTENSION;
use crate::load::refs::MAX_REF_HOPS;
use crate::naming::{pascal, snake, Namespace};

use super::{leftover, resolved_pointer, schema, Lower};

/// The items of a streamed body, as [`Lower::typed_items`] finds them.
struct TypedItems {
    framing: Framing,
    item: SchemaUse,
    /// Events told apart by name (`named` of `ResponseBody::Stream`).
    named: bool,
}

impl<'a> Lower<'a> {
    pub(super) fn request_body(
        &mut self,
        op_pointer: &str,
        type_base: &str,
    ) -> Option<RequestBody> {
        let pointer = format!("{op_pointer}/requestBody");
        self.doc.node(&pointer)?;
        let (at, body) = self.typed::<openapiv3::RequestBody>(&pointer)?;
        let content_pointer = pointer_join(&at, "content");
        let Some(media_type) = pick_media_type(body.content.keys()) else {
            self.problem(
                content_pointer,
                "a request body must declare at least one media type",
            );
            return None;
        };
        let kind = self.body_kind(
            &content_pointer,
            &media_type,
            type_base,
            &format!("{type_base}Body"),
        );
        let mut alternatives = Vec::new();
        if body.content.len() > 1 {
            let mut variants = Namespace::default();
            for other in body.content.keys() {
                let variant = variants.claim(&media_variant(other));
                // The preferred type keeps the names it had when it was the only decoder.
                let kind = if *other == media_type {
                    kind.clone()
                } else {
                    self.body_kind(
                        &content_pointer,
                        other,
                        type_base,
                        &format!("{type_base}{variant}Body"),
                    )
                };
                alternatives.push(BodyAlternative {
                    media_type: other.clone(),
                    variant,
                    kind,
                });
            }
        }
        let limit_pointer = pointer_join(op_pointer, BODY_LIMIT_EXTENSION);
        let max_bytes = match self.doc.node(&limit_pointer) {
            None => None,
            Some(value) => match value.as_u64().filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    self.problem(
                        limit_pointer,
                        "the body limit must be a positive number of bytes",
                    );
                    None
                }
            },
        };
        let raw_body = self.doc.node(&at).unwrap_or(&Value::Null);
        Some(RequestBody {
            media_type,
            kind,
            max_bytes,
            required: body.required,
            description: body.description,
            content: media_types(raw_body),
            alternatives,
            extra: leftover(raw_body, &["description", "required", "content"]),
        })
    }

    /// How a response body of `media_type` (a key under `content_pointer`) is encoded;
    /// `name` is the name hint of an inline schema.
    pub(super) fn response_body(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        name: &str,
    ) -> ResponseBody {
        if let Some(items) = self.typed_items(content_pointer, media_type, name, true) {
            return ResponseBody::Stream {
                media_type: media_type.to_string(),
                framing: items.framing,
                item: items.item,
                named: items.named,
            };
        }
        if is_json(media_type) {
            let schema_pointer = pointer_join(&pointer_join(content_pointer, media_type), "schema");
            let raw = self.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
            ResponseBody::Json {
                schema: SchemaUse {
                    schema: schema::normalize_in(
                        &self.doc.raw,
                        &raw,
                        &schema_pointer,
                        &mut self.problems,
                    ),
                    name_hint: name.to_string(),
                },
                media_type: media_type.to_string(),
            }
        } else if media_essence(media_type) == "text/plain" {
            ResponseBody::Text {
                media_type: media_type.to_string(),
            }
        } else {
            ResponseBody::Bytes {
                handler_sets_type: media_type.contains('*'),
                media_type: media_type.to_string(),
            }
        }
    }

    /// How the items of a body of `media_type` (a key under `content_pointer`) are framed
    /// and their schema, when the media type object describes them; `name` is the name
    /// hint of its body. Events are typed in responses only (`response`): elsewhere,
    /// and on a type that does not stream, the item extension is a warning.
    fn typed_items(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        name: &str,
        response: bool,
    ) -> Option<TypedItems> {
        let media_pointer = pointer_join(content_pointer, media_type);
        let media = self.doc.node(&media_pointer)?;
        let item = streams::item_schema(&self.doc.raw, media_type, media)
            .filter(|item| response || item.framing != Framing::Events);
        let Some(item) = item else {
            if media.get(extensions::ITEM_SCHEMA).is_some() {
                self.warnings.push(Diagnostic::new(
                    pointer_join(&media_pointer, extensions::ITEM_SCHEMA),
                    "the item schema types the items of JSON Lines and application/json-seq \
                     bodies and of text/event-stream responses only; here it is not read",
                ));
            }
            return None;
        };
        let item_pointer = pointer_below(&pointer_join(&media_pointer, item.key), item.path);
        let schema = if item.named.is_empty() {
            schema::normalize_in(
                &self.doc.raw,
                item.schema,
                &item_pointer,
                &mut self.problems,
            )
        } else {
            // Events told apart by name are one value to serde: an externally tagged enum,
            // each variant an object whose one property is the event's name.
            let variants: Vec<Value> = item
                .named
                .iter()
                .map(|event| {
                    let data_pointer = pointer_below(&item_pointer, &event.path);
                    let data = schema::normalize_in(
                        &self.doc.raw,
                        event.data,
                        &data_pointer,
                        &mut self.problems,
                    );
                    json!({
                        "type": "object",
                        "required": [event.name],
                        "properties": { (event.name): data },
                        "additionalProperties": false,
                    })
                })
                .collect();
            let mut events = json!({ "oneOf": variants });
            // A title names the enum, as it names any inline schema.
            if let Some(title) = item.schema.get("title") {
                events["title"] = title.clone();
            }
            events
        };
        Some(TypedItems {
            framing: item.framing,
            item: SchemaUse {
                schema,
                name_hint: format!("{}Item", name.trim_end_matches("Body")),
            },
            named: !item.named.is_empty(),
        })
    }

    /// How a body of `media_type` (a key under `content_pointer`) is decoded; `name` is the
    /// name hint of an inline schema, and a multipart struct is `{type_base}Multipart`.
    pub(super) fn body_kind(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        type_base: &str,
        name: &str,
    ) -> BodyKind {
        let schema_pointer = pointer_join(&pointer_join(content_pointer, media_type), "schema");
        let schema_use = |this: &mut Self| {
            let raw = this.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
            SchemaUse {
                schema: schema::normalize_in(
                    &this.doc.raw,
                    &raw,
                    &schema_pointer,
                    &mut this.problems,
                ),
                name_hint: name.to_string(),
            }
        };
        if let Some(positional) = self.positional_body(content_pointer, media_type, type_base) {
            return positional;
        }
        if let Some(items) = self.typed_items(content_pointer, media_type, name, false) {
            return BodyKind::Stream {
                framing: items.framing,
                item: items.item,
            };
        }
        let essence = media_essence(media_type);
        if is_json(media_type) {
            BodyKind::Json(schema_use(self))
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form(schema_use(self))
        } else if essence == "multipart/form-data" {
            // A schema that is not an object of properties names no parts: bytes, as before.
            match self.multipart_body(&schema_pointer, type_base) {
                Some(multipart) => BodyKind::Multipart(multipart),
                None => BodyKind::Bytes,
            }
        } else if essence == "text/plain" {
            BodyKind::Text
        } else {
            BodyKind::Bytes
        }
    }

    /// The parts of a `multipart/form-data` body: the properties of its object schema (own
    /// and from `allOf` members), or `None` when it declares none.
    pub(super) fn multipart_body(
        &mut self,
        schema_pointer: &str,
        type_base: &str,
    ) -> Option<MultipartBody> {
        self.doc.node(schema_pointer)?;
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut required = BTreeSet::new();
        let mut pending = vec![schema_pointer.to_string()];
        let mut visited = 0;
        while let Some(pointer) = pending.pop() {
            visited += 1;
            if visited > MAX_REF_HOPS {
                break;
            }
            let Some((at, node)) = self.deref(&pointer) else {
                continue;
            };
            if let Some(Value::Array(names)) = node.get("required") {
                required.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
            }
            if let Some(Value::Object(own)) = node.get("properties") {
                let base = pointer_join(&at, "properties");
                for key in own.keys() {
                    if !properties.iter().any(|(known, _)| known == key) {
                        properties.push((key.clone(), pointer_join(&base, key)));
                    }
                }
            }
            if let Some(Value::Array(members)) = node.get("allOf") {
                // Popped from the end: pushed in reverse so members are read in order.
                for index in (0..members.len()).rev() {
                    pending.push(pointer_join(&pointer_join(&at, "allOf"), index.to_string()));
                }
            }
        }
        if properties.is_empty() {
            return None;
        }
        let mut fields = Namespace::default();
        let mut parts = Vec::new();
        for (part, pointer) in properties {
            let (_, node) = self.deref(&pointer)?;
            let node = node.clone();
            let binary = |schema: &Value| {
                schema.get("type").and_then(Value::as_str) == Some("string")
                    && schema.get("format").and_then(Value::as_str) == Some("binary")
            };
            let mut written = self.doc.node(&pointer).cloned().unwrap_or(json!({}));
            let is_required = required.contains(&part);
            if !is_required {
                // Absence already maps to `None`; a nullable part would double the Option.
                if let Some(map) = written.as_object_mut() {
                    map.remove("nullable");
                }
            }
            let schema = SchemaUse {
                schema: schema::normalize_in(&self.doc.raw, &written, &pointer, &mut self.problems),
                name_hint: format!("{type_base}{}Part", pascal(&part, "Part")),
            };
            let kind = if binary(&node) {
                PartKind::File
            } else if node.get("type").and_then(Value::as_str) == Some("array") {
                let items_pointer = pointer_join(&resolved_pointer(self, &pointer), "items");
                let items = self.deref(&items_pointer).map(|(_, items)| items.clone());
                match items {
                    Some(items) if binary(&items) => PartKind::Files,
                    Some(items) => PartKind::Values {
                        scalar: part_scalar(&self.doc.raw, &items),
                        schema,
                    },
                    None => PartKind::Values {
                        scalar: Scalar::Json,
                        schema,
                    },
                }
            } else {
                PartKind::Value {
                    scalar: part_scalar(&self.doc.raw, &node),
                    schema,
                }
            };
            parts.push(MultipartPart {
                field: fields.claim(&snake(&part, "part")),
                required: is_required,
                description: node
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                name: part,
                kind,
            });
        }
        Some(MultipartBody {
            type_name: format!("{type_base}Multipart"),
            parts,
            positions: None,
        })
    }
}

/// Every entry of the `content` map of `node`, as written.
pub(super) fn media_types(node: &Value) -> Vec<MediaType> {
    let Some(Value::Object(content)) = node.get("content") else {
        return Vec::new();
    };
    content
        .iter()
        .map(|(media_type, entry)| MediaType {
            media_type: media_type.clone(),
            schema: entry.get("schema").cloned(),
            extra: leftover(entry, &["schema"]),
        })
        .collect()
}

/// `application/json` and `+json` types, with or without parameters.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A media type without parameters, trimmed and lowercased.
pub(super) fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The body enum's variant for `media_type`: `application/json` is `ApplicationJson`,
/// `image/*` is `ImageAny`, `*/*` is `Any`.
pub(super) fn media_variant(media_type: &str) -> String {
    let essence = media_essence(media_type);
    if essence == "*/*" {
        return "Any".into();
    }
    pascal(&essence.replace('*', "any"), "Media")
}

/// How a multipart part's text becomes a JSON value: as a form field of its type, objects
/// and anything without a simple type as JSON text.
pub(super) fn part_scalar(root: &Value, schema: &Value) -> Scalar {
    match schema::shape(root, schema) {
        Shape::Scalar(scalar) => scalar,
        _ => Scalar::Json,
    }
}

/// JSON first, then form, then whatever comes first: the decoder of a body with one
/// media type, and the variant whose names stay as they were when there are several.
pub(super) fn pick_media_type<'k>(
    keys: impl Iterator<Item = &'k String> + Clone,
) -> Option<String> {
    keys.clone()
        .find(|k| is_json(k))
        .or_else(|| {
            keys.clone()
                .find(|k| k.as_str() == "application/x-www-form-urlencoded")
        })
        .or_else(|| keys.clone().next())
        .cloned()
}
