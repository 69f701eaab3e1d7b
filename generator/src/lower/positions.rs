//! Multipart request bodies read by position: OpenAPI 3.2's `prefixEncoding` and
//! `itemEncoding` (which loading moved into their extensions) place each part of a
//! `multipart/mixed` body by where it comes rather than by a name. The schema is an array
//! whose `prefixItems` type the leading parts and whose `items` (or the media type's
//! `itemSchema`) type the rest; each becomes a field of the body's struct, read as a
//! `multipart/form-data` part of that schema would be.

use serde_json::{json, Value};
use specfirst_model::extensions::{ITEM_ENCODING, ITEM_SCHEMA, PREFIX_ENCODING};
use specfirst_model::vocabulary::REST_PARTS;

use crate::diagnostic::pointer_join;
use crate::ir::{BodyKind, MultipartBody, MultipartPart, PartKind, Positions, SchemaUse};
use crate::naming::{pascal, snake, Namespace};

use super::bodies::{media_essence, part_scalar};
use super::{resolved_pointer, schema, Lower};

/// Where one part's schema is, and what its encoding says.
struct Place {
    /// The part's schema, `None` when the body says nothing of it.
    schema: Option<String>,
    /// The encoding object placing it, `None` when there is none.
    encoding: Option<String>,
}

impl Lower<'_> {
    /// The body of `media_type` (a key under `content_pointer`) when its media type object
    /// places parts by position; `None` when it does not. A body's struct is
    /// `{type_base}Multipart`.
    pub(super) fn positional_body(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        type_base: &str,
    ) -> Option<BodyKind> {
        let media_pointer = pointer_join(content_pointer, media_type);
        let media = self.doc.node(&media_pointer)?.clone();
        let encoded = [PREFIX_ENCODING, ITEM_ENCODING]
            .iter()
            .find(|key| media.get(**key).is_some())?;
        if !media_essence(media_type).starts_with("multipart/") {
            self.problem(
                pointer_join(&media_pointer, encoded),
                format!(
                    "`prefixEncoding` and `itemEncoding` place the parts of a multipart body; \
                     `{media_type}` has none"
                ),
            );
            return None;
        }
        if media.get("encoding").is_some() {
            self.problem(
                pointer_join(&media_pointer, "encoding"),
                "`encoding` places parts by name and `prefixEncoding`/`itemEncoding` by \
                 position: a media type has one or the other (OpenAPI 3.2)",
            );
            return None;
        }
        let (prefix, rest, min, max) = self.places(&media_pointer, &media)?;
        let mut fields = Namespace::default();
        let mut parts = Vec::new();
        let mut prefix_types = Vec::new();
        for (index, place) in prefix.iter().enumerate() {
            let position = index + 1;
            let node = self.resolved(place.schema.as_deref());
            let field = match node.get("title").and_then(Value::as_str) {
                Some(title) => fields.claim(&snake(title, "part")),
                None => fields.claim(&format!("part_{position}")),
            };
            prefix_types.push(self.content_types(place, &node));
            let hint = format!("{type_base}{}", pascal(&field, "Part"));
            let kind = match binary(&node) {
                true => PartKind::File,
                false => PartKind::Value {
                    scalar: part_scalar(&self.doc.raw, &node),
                    schema: self.part_schema(place.schema.as_deref(), hint),
                },
            };
            parts.push(MultipartPart {
                name: position.to_string(),
                field,
                required: index < min,
                description: description(&node),
                kind,
            });
        }
        let rest_types = match rest {
            None => None,
            Some(place) => {
                let node = self.resolved(place.schema.as_deref());
                let kind = match binary(&node) {
                    true => PartKind::Files,
                    false => {
                        let items = match &place.schema {
                            Some(pointer) => self.doc.node(pointer).cloned().unwrap_or(json!({})),
                            None => json!({}),
                        };
                        let list = json!({ "type": "array", "items": items });
                        let at = place
                            .schema
                            .clone()
                            .unwrap_or_else(|| media_pointer.clone());
                        PartKind::Values {
                            scalar: part_scalar(&self.doc.raw, &node),
                            schema: SchemaUse {
                                schema: schema::normalize_in(
                                    &self.doc.raw,
                                    &list,
                                    &at,
                                    &mut self.problems,
                                ),
                                name_hint: format!("{type_base}RestPart"),
                            },
                        }
                    }
                };
                parts.push(MultipartPart {
                    name: REST_PARTS.to_string(),
                    field: fields.claim("rest"),
                    required: false,
                    description: description(&node),
                    kind,
                });
                Some(self.content_types(&place, &node))
            }
        };
        Some(BodyKind::Multipart(MultipartBody {
            type_name: format!("{type_base}Multipart"),
            parts,
            positions: Some(Positions {
                media_type: media_type.to_string(),
                prefix: prefix_types,
                rest: rest_types,
                min,
                max,
            }),
        }))
    }

    /// The leading parts, the rest (`None` when none may follow them), and the fewest and
    /// most parts, from the item schema or the array schema and the encodings.
    #[allow(clippy::type_complexity)]
    fn places(
        &mut self,
        media_pointer: &str,
        media: &Value,
    ) -> Option<(Vec<Place>, Option<Place>, usize, Option<usize>)> {
        let prefix_pointer = pointer_join(media_pointer, PREFIX_ENCODING);
        let item_encoding = media
            .get(ITEM_ENCODING)
            .map(|_| pointer_join(media_pointer, ITEM_ENCODING));
        let (schemas, rest, min, max) = if media.get(ITEM_SCHEMA).is_some() {
            // Every part alike: `itemSchema` types each.
            let item = pointer_join(media_pointer, ITEM_SCHEMA);
            (Vec::new(), Some(Some(item)), 0, None)
        } else {
            let schema_pointer = pointer_join(media_pointer, "schema");
            let at = resolved_pointer(self, &schema_pointer);
            let array = self.doc.node(&at).cloned().unwrap_or(Value::Null);
            if array.get("type").and_then(Value::as_str) != Some("array") {
                self.problem(
                    schema_pointer,
                    "a multipart body read by position (`prefixEncoding`, `itemEncoding`) \
                     is an array of its parts: its schema must be `type: array`, or its \
                     media type must give an `itemSchema`",
                );
                return None;
            }
            let count = |key: &str| {
                array
                    .get(key)
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
            };
            let leading = match array.get("prefixItems") {
                Some(Value::Array(list)) => (0..list.len())
                    .map(|i| pointer_join(&pointer_join(&at, "prefixItems"), i.to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            // `items: false`, which the 3.1 rewrite spells `{"not": {}}`: no more parts.
            let rest = match array.get("items") {
                Some(Value::Bool(false)) => None,
                Some(items) if *items == json!({ "not": {} }) => None,
                Some(_) => Some(Some(pointer_join(&at, "items"))),
                None => Some(None),
            };
            (
                leading,
                rest,
                count("minItems").unwrap_or(0),
                count("maxItems"),
            )
        };
        let encodings = match media.get(PREFIX_ENCODING) {
            None => 0,
            Some(Value::Array(list)) => list.len(),
            Some(_) => {
                self.problem(
                    prefix_pointer,
                    "`prefixEncoding` is a list of encoding objects",
                );
                return None;
            }
        };
        if encodings > schemas.len() {
            self.problem(
                pointer_join(&prefix_pointer, schemas.len().to_string()),
                format!(
                    "`prefixEncoding` places {encodings} parts and the schema's `prefixItems` \
                     only {}: each encoding places the part its item types",
                    schemas.len()
                ),
            );
            return None;
        }
        if item_encoding.is_some() && rest.is_none() {
            self.problem(
                pointer_join(media_pointer, ITEM_ENCODING),
                "`itemEncoding` places the parts after the leading ones, and the schema \
                 allows none (`items: false`)",
            );
            return None;
        }
        let prefix = schemas
            .into_iter()
            .enumerate()
            .map(|(i, schema)| Place {
                schema: Some(schema),
                encoding: (i < encodings).then(|| pointer_join(&prefix_pointer, i.to_string())),
            })
            .collect();
        let rest = rest.map(|schema| Place {
            schema,
            encoding: item_encoding,
        });
        Some((prefix, rest, min, max))
    }

    /// The schema at `pointer` with its references followed; `{}` when there is none.
    fn resolved(&mut self, pointer: Option<&str>) -> Value {
        pointer
            .and_then(|pointer| self.deref(pointer))
            .map(|(_, node)| node.clone())
            .unwrap_or(json!({}))
    }

    /// The media ranges a part at `place` may have: its encoding's `contentType` (a
    /// comma-separated list), else the default OpenAPI gives its schema: bytes for
    /// binary strings, JSON for objects and arrays, text for other scalars.
    fn content_types(&self, place: &Place, node: &Value) -> Vec<String> {
        let written = place
            .encoding
            .as_deref()
            .and_then(|encoding| self.doc.node(&pointer_join(encoding, "contentType")))
            .and_then(Value::as_str);
        if let Some(written) = written {
            return written
                .split(',')
                .map(|range| range.trim().to_string())
                .filter(|range| !range.is_empty())
                .collect();
        }
        let default = if place.schema.is_none() || binary(node) {
            "application/octet-stream"
        } else {
            match node.get("type").and_then(Value::as_str) {
                Some("object" | "array") | None => "application/json",
                Some(_) => "text/plain",
            }
        };
        vec![default.to_string()]
    }

    /// A leading part's schema, normalized, named by `hint` when inline.
    fn part_schema(&mut self, pointer: Option<&str>, hint: String) -> SchemaUse {
        let raw = pointer
            .and_then(|pointer| self.doc.node(pointer))
            .cloned()
            .unwrap_or(json!({}));
        SchemaUse {
            schema: schema::normalize_in(
                &self.doc.raw,
                &raw,
                pointer.unwrap_or_default(),
                &mut self.problems,
            ),
            name_hint: hint,
        }
    }
}

/// Whether `schema` is a string of bytes: `format: binary`, or a `contentEncoding` or
/// `contentMediaType` other than text.
fn binary(schema: &Value) -> bool {
    let string = schema.get("type").and_then(Value::as_str) == Some("string");
    let format = schema.get("format").and_then(Value::as_str);
    let media = schema.get("contentMediaType").and_then(Value::as_str);
    let textual = |media: &str| media.starts_with("text/") || super::bodies::is_json(media);
    string && (format == Some("binary") || media.is_some_and(|media| !textual(media)))
}

/// A schema's `description`.
fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string)
}
