//! An API as generated code serves it, and the one writer from it to an OpenAPI 3.0
//! document.
//!
//! Everything the code interprets is a structured field: methods, paths, operation ids,
//! parameter names, locations, `required`, styles, `explode`, body and response media
//! types, statuses, header names and security requirements. Schemas are carried as
//! written, and so are the keys the code does not interpret (`extra`: `servers`,
//! `tags`, examples, `x-` extensions, ...), which the writer adds back unchanged.
//!
//! The generator builds an [`Api`] from its model and calls [`Api::to_openapi`], for
//! the round trip and for a generated crate's `API_DESCRIPTION`, which keeps the
//! document it writes ([`crate::compact`]).

use serde_json::{json, Map, Value};

use crate::extensions::BODY_LIMIT;
use crate::vocabulary::{In, Status, Style};

/// A JSON object: the keys of a node the model does not interpret, as written.
pub type Extra = Map<String, Value>;

/// One API.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Other `info` keys.
    pub info_extra: Extra,
    /// Top-level keys other than `info`, `paths` and `components` (`openapi`,
    /// `servers`, `tags`, `webhooks`, `x-` extensions).
    pub extra: Extra,
    /// Path items with keys besides their operations, in document order.
    pub path_items: Vec<PathItem>,
    /// `paths` keys that are extensions.
    pub paths_extra: Extra,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Component schemas as written, in document order.
    pub schemas: Vec<(String, Value)>,
    /// `components` keys other than `schemas` (`securitySchemes`, `examples`, ...).
    pub components_extra: Extra,
}

/// A path item's keys other than its operations and parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathItem {
    /// The path template.
    pub path: String,
    /// `summary`, `description`, `servers`, `x-` extensions.
    pub extra: Extra,
}

/// One operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Operation {
    /// The HTTP method, in any case.
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// `operationId`, when the spec gives one.
    pub operation_id: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// The parameters, in the order the code reads them.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// The responses, in document order.
    pub responses: Vec<Response>,
    /// `responses` keys that are extensions.
    pub responses_extra: Extra,
    /// The security requirements, any one of which admits a request; empty when the
    /// operation is public.
    pub security: Vec<Requirement>,
    /// Other operation keys (`tags`, `externalDocs`, `callbacks`, `x-` extensions).
    pub extra: Extra,
}

/// One parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub location: In,
    /// Whether a request must carry it.
    pub required: bool,
    /// How its value is written.
    pub style: Style,
    /// OpenAPI's `explode`.
    pub explode: bool,
    /// `description`.
    pub description: Option<String>,
    /// The schema as written.
    pub schema: Option<Value>,
    /// Other keys (`deprecated`, `example`, `content`, `x-` extensions).
    pub extra: Extra,
}

/// A request body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestBody {
    /// Whether an empty body is rejected.
    pub required: bool,
    /// The operation's own body limit, written as the [`BODY_LIMIT`] extension.
    pub max_bytes: Option<u64>,
    /// `description`.
    pub description: Option<String>,
    /// Every declared media type, in document order.
    pub content: Vec<MediaType>,
    /// Other keys (`x-` extensions).
    pub extra: Extra,
}

/// One entry of a `content` map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaType {
    /// The media type.
    pub media_type: String,
    /// The schema as written.
    pub schema: Option<Value>,
    /// Other keys (`example`, `examples`, `encoding`, `x-` extensions).
    pub extra: Extra,
}

/// One declared response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The statuses it stands for.
    pub status: Status,
    /// `description`.
    pub description: String,
    /// The headers the code sets.
    pub headers: Vec<Header>,
    /// Headers the code does not set (`Content-Type`, which the media type governs).
    pub other_headers: Extra,
    /// Every declared media type, in document order.
    pub content: Vec<MediaType>,
    /// Other keys (`links`, `x-` extensions).
    pub extra: Extra,
}

/// A response header the code sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    /// The header name.
    pub name: String,
    /// Whether every response of its kind carries it.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// The schema as written.
    pub schema: Option<Value>,
    /// Other keys (`deprecated`, `example`, `x-` extensions).
    pub extra: Extra,
}

/// One security requirement: every scheme in it must accept the request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requirement {
    /// The schemes by their names under `components/securitySchemes`, each with the
    /// scopes a credential must carry, in the order the spec lists them.
    pub schemes: Vec<(String, Vec<String>)>,
}

impl Api {
    /// The OpenAPI 3.0 document this API stands for.
    pub fn to_openapi(&self) -> Value {
        let mut root = self.extra.clone();

        let mut info = Map::new();
        info.insert("title".into(), json!(self.title));
        info.insert("version".into(), json!(self.version));
        if let Some(description) = &self.description {
            info.insert("description".into(), json!(description));
        }
        info.extend(self.info_extra.clone());
        root.insert("info".into(), Value::Object(info));

        let mut paths = Map::new();
        for item in &self.path_items {
            paths.insert(item.path.clone(), Value::Object(item.extra.clone()));
        }
        for op in &self.operations {
            let item = paths
                .entry(op.path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(item) = item {
                if crate::vocabulary::has_field(&op.method) {
                    item.insert(op.method.to_ascii_lowercase(), op.to_openapi());
                } else if let Value::Object(additional) = item
                    .entry(crate::vocabulary::ADDITIONAL_OPERATIONS)
                    .or_insert_with(|| Value::Object(Map::new()))
                {
                    additional.insert(op.method.clone(), op.to_openapi());
                }
            }
        }
        paths.extend(self.paths_extra.clone());
        root.insert("paths".into(), Value::Object(paths));

        let mut components = self.components_extra.clone();
        if !self.schemas.is_empty() {
            let schemas: Map<String, Value> = self.schemas.iter().cloned().collect();
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if !components.is_empty() {
            root.insert("components".into(), Value::Object(components));
        }
        Value::Object(root)
    }
}

impl Operation {
    /// The OpenAPI operation object.
    pub fn to_openapi(&self) -> Value {
        let mut out = self.extra.clone();
        if let Some(id) = &self.operation_id {
            out.insert("operationId".into(), json!(id));
        }
        insert_some(&mut out, "summary", self.summary.as_deref());
        insert_some(&mut out, "description", self.description.as_deref());
        if self.deprecated {
            out.insert("deprecated".into(), json!(true));
        }
        if !self.parameters.is_empty() {
            let params = self.parameters.iter().map(Parameter::to_openapi);
            out.insert("parameters".into(), Value::Array(params.collect()));
        }
        if let Some(body) = &self.request_body {
            let mut doc = body.extra.clone();
            insert_some(&mut doc, "description", body.description.as_deref());
            if body.required {
                doc.insert("required".into(), json!(true));
            }
            doc.insert("content".into(), content(&body.content));
            out.insert("requestBody".into(), Value::Object(doc));
            if let Some(limit) = body.max_bytes {
                out.insert(BODY_LIMIT.into(), json!(limit));
            }
        }
        let mut responses = self.responses_extra.clone();
        for response in &self.responses {
            responses.insert(response.status.key(), response.to_openapi());
        }
        out.insert("responses".into(), Value::Object(responses));
        if !self.security.is_empty() {
            let requirements = self.security.iter().map(|requirement| {
                let mut object = Map::new();
                for (scheme, scopes) in &requirement.schemes {
                    object.insert(scheme.clone(), json!(scopes));
                }
                Value::Object(object)
            });
            out.insert("security".into(), Value::Array(requirements.collect()));
        }
        Value::Object(out)
    }
}

impl Parameter {
    /// The OpenAPI parameter object.
    pub fn to_openapi(&self) -> Value {
        let mut out = self.extra.clone();
        out.insert("name".into(), json!(self.name));
        out.insert("in".into(), json!(self.location.as_str()));
        insert_some(&mut out, "description", self.description.as_deref());
        if self.required {
            out.insert("required".into(), json!(true));
        }
        out.insert("style".into(), json!(self.style.as_str()));
        out.insert("explode".into(), json!(self.explode));
        if let Some(schema) = &self.schema {
            out.insert("schema".into(), schema.clone());
        }
        Value::Object(out)
    }
}

impl Response {
    /// The OpenAPI response object.
    pub fn to_openapi(&self) -> Value {
        let mut out = self.extra.clone();
        out.insert("description".into(), json!(self.description));
        let mut headers = self.other_headers.clone();
        for header in &self.headers {
            let mut doc = header.extra.clone();
            insert_some(&mut doc, "description", header.description.as_deref());
            if header.required {
                doc.insert("required".into(), json!(true));
            }
            if let Some(schema) = &header.schema {
                doc.insert("schema".into(), schema.clone());
            }
            headers.insert(header.name.clone(), Value::Object(doc));
        }
        if !headers.is_empty() {
            out.insert("headers".into(), Value::Object(headers));
        }
        if !self.content.is_empty() {
            out.insert("content".into(), content(&self.content));
        }
        Value::Object(out)
    }
}

fn content(media_types: &[MediaType]) -> Value {
    let mut out = Map::new();
    for media_type in media_types {
        let mut doc = media_type.extra.clone();
        if let Some(schema) = &media_type.schema {
            doc.insert("schema".into(), schema.clone());
        }
        out.insert(media_type.media_type.clone(), Value::Object(doc));
    }
    Value::Object(out)
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(key.into(), json!(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_join_their_path_items_and_bodies_carry_their_limit() {
        let api = Api {
            title: "T".into(),
            version: "1".into(),
            path_items: vec![PathItem {
                path: "/a".into(),
                extra: json!({"summary": "s"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            }],
            operations: vec![Operation {
                method: "POST".into(),
                path: "/a".into(),
                parameters: vec![Parameter {
                    name: "id".into(),
                    location: In::Query,
                    required: false,
                    style: Style::Form,
                    explode: true,
                    description: None,
                    schema: Some(json!({"type": "integer"})),
                    extra: Map::new(),
                }],
                request_body: Some(RequestBody {
                    required: true,
                    max_bytes: Some(10),
                    ..RequestBody::default()
                }),
                responses: vec![Response {
                    status: Status::Range(4),
                    description: "bad".into(),
                    headers: Vec::new(),
                    other_headers: Map::new(),
                    content: Vec::new(),
                    extra: Map::new(),
                }],
                security: vec![Requirement {
                    schemes: vec![("key".into(), vec!["read".into()])],
                }],
                ..Operation::default()
            }],
            ..Api::default()
        };
        assert_eq!(
            api.to_openapi(),
            json!({
                "info": {"title": "T", "version": "1"},
                "paths": {"/a": {"summary": "s", "post": {
                    "parameters": [{"name": "id", "in": "query", "style": "form", "explode": true, "schema": {"type": "integer"}}],
                    "requestBody": {"required": true, "content": {}},
                    "x-specfirst-body-max-bytes": 10,
                    "responses": {"4XX": {"description": "bad"}},
                    "security": [{"key": ["read"]}]
                }}}
            })
        );
    }
}
