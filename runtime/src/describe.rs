//! What a generated crate serves, described by the crate itself.
//!
//! Every generated module has a `pub static API_DESCRIPTION: ApiDescription`, written
//! by the same generator pass that writes the handlers. Each parameter's description
//! points at the [`Param`] its handler decodes with, so the name, location, style and
//! `explode` in the description are the ones the code uses; a change to how a parameter
//! is decoded changes the description too. [`ApiDescription::to_openapi`] turns the
//! description into an OpenAPI 3.0 document, which a test can compare with the spec
//! (the generator's `specfirst::roundtrip::compare` does so after normalising both).
//!
//! Everything the code interprets is a structured field: methods, paths, operation ids,
//! parameter names, locations, `required`, styles, `explode`, body and response media
//! types, statuses, header names and security requirements. Schemas are carried as the
//! JSON text the spec wrote (generated types do not keep their schema), and so are the
//! keys the code does not interpret (`extra`: `servers`, `tags`, examples, `x-`
//! extensions, ...), parsed when the document is built.

use serde_json::{Map, Value};
use specfirst_model::{extensions, openapi, In};

pub use specfirst_model::Status;

use crate::params::{Location, Param, Shape, Style};

/// One API: what one generated module serves.
#[derive(Clone, Copy, Debug)]
pub struct ApiDescription {
    /// `info.title`.
    pub title: &'static str,
    /// `info.version`.
    pub version: &'static str,
    /// `info.description`.
    pub description: Option<&'static str>,
    /// Other `info` keys, as a JSON object.
    pub info_extra: Option<&'static str>,
    /// Top-level keys other than `info`, `paths` and `components` (`openapi`,
    /// `servers`, `tags`, `webhooks`, `x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
    /// Path items, in document order, with the keys that are not operations or
    /// parameters; a path whose item has none of those need not be listed.
    pub path_items: &'static [PathItemDescription],
    /// `paths` keys that are extensions, as a JSON object.
    pub paths_extra: Option<&'static str>,
    /// Every operation the router serves, in document order.
    pub operations: &'static [OperationDescription],
    /// Component schemas as written, in document order.
    pub schemas: &'static [SchemaDescription],
    /// `components` keys other than `schemas` (`securitySchemes`, `examples`, ...), as a
    /// JSON object.
    pub components_extra: Option<&'static str>,
}

/// A path item's keys other than its operations and parameters.
#[derive(Clone, Copy, Debug)]
pub struct PathItemDescription {
    /// The path template.
    pub path: &'static str,
    /// `summary`, `description`, `servers`, `x-` extensions, as a JSON object.
    pub extra: &'static str,
}

/// A component schema.
#[derive(Clone, Copy, Debug)]
pub struct SchemaDescription {
    /// Its name under `components/schemas`.
    pub name: &'static str,
    /// The schema as written, as JSON.
    pub schema: &'static str,
}

/// One operation: a route, a handler and a trait method.
#[derive(Clone, Copy, Debug)]
pub struct OperationDescription {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template as written in the spec.
    pub path: &'static str,
    /// `operationId`, when the spec gives one.
    pub operation_id: Option<&'static str>,
    /// `summary`.
    pub summary: Option<&'static str>,
    /// `description`.
    pub description: Option<&'static str>,
    /// `deprecated`.
    pub deprecated: bool,
    /// The parameters, in the order the handler reads them.
    pub parameters: &'static [ParamDescription],
    /// The request body, if any.
    pub request_body: Option<BodyDescription>,
    /// The responses, in document order.
    pub responses: &'static [ResponseDescription],
    /// `responses` keys that are extensions, as a JSON object.
    pub responses_extra: Option<&'static str>,
    /// The security requirements, any one of which admits a request; empty when the
    /// operation is public.
    pub security: &'static [SecurityRequirement],
    /// Other operation keys (`tags`, `externalDocs`, `callbacks`, `x-` extensions), as
    /// a JSON object.
    pub extra: Option<&'static str>,
}

/// One parameter, described by the [`Param`] its handler decodes it with.
#[derive(Clone, Copy, Debug)]
pub struct ParamDescription {
    /// How the handler decodes it: name, location, style and, for lists and objects,
    /// `explode`.
    pub decode: &'static Param,
    /// Whether the handler rejects a request without it.
    pub required: bool,
    /// `explode`, for values whose decoding does not depend on it (single values, JSON
    /// text); `None` takes it from the list or object shape in [`Self::decode`].
    pub explode: Option<bool>,
    /// `description`.
    pub description: Option<&'static str>,
    /// The schema as written, as JSON.
    pub schema: Option<&'static str>,
    /// Other keys (`deprecated`, `example`, `content`, `x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
}

/// A request body.
#[derive(Clone, Copy, Debug)]
pub struct BodyDescription {
    /// Whether the handler rejects an empty body.
    pub required: bool,
    /// The operation's own body limit, replacing the server's.
    pub max_bytes: Option<u64>,
    /// `description`.
    pub description: Option<&'static str>,
    /// Every declared media type, in document order.
    pub content: &'static [MediaTypeDescription],
    /// Other keys (`x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
}

/// One entry of a `content` map.
#[derive(Clone, Copy, Debug)]
pub struct MediaTypeDescription {
    /// The media type.
    pub media_type: &'static str,
    /// The schema as written, as JSON.
    pub schema: Option<&'static str>,
    /// Other keys (`example`, `examples`, `encoding`, `x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
}

/// One declared response.
#[derive(Clone, Copy, Debug)]
pub struct ResponseDescription {
    /// The statuses it stands for.
    pub status: Status,
    /// `description`.
    pub description: &'static str,
    /// The headers the code sets.
    pub headers: &'static [HeaderDescription],
    /// Headers the code does not set (`Content-Type`, which the media type governs), as
    /// a JSON object.
    pub other_headers: Option<&'static str>,
    /// Every declared media type, in document order.
    pub content: &'static [MediaTypeDescription],
    /// Other keys (`links`, `x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
}

/// A response header the code sets.
#[derive(Clone, Copy, Debug)]
pub struct HeaderDescription {
    /// The header name.
    pub name: &'static str,
    /// Whether every response of its kind carries it.
    pub required: bool,
    /// `description`.
    pub description: Option<&'static str>,
    /// The schema as written, as JSON.
    pub schema: Option<&'static str>,
    /// Other keys (`deprecated`, `example`, `x-` extensions), as a JSON object.
    pub extra: Option<&'static str>,
}

/// One security requirement: every scheme in it must accept the request.
#[derive(Clone, Copy, Debug)]
pub struct SecurityRequirement {
    /// The schemes, in the order the spec lists them.
    pub schemes: &'static [SchemeRequirement],
}

/// A scheme named by a requirement.
#[derive(Clone, Copy, Debug)]
pub struct SchemeRequirement {
    /// Its name under `components/securitySchemes`.
    pub scheme: &'static str,
    /// Scopes the credential must carry.
    pub scopes: &'static [&'static str],
}

impl ApiDescription {
    /// The OpenAPI 3.0 document this description stands for.
    ///
    /// JSON text that does not parse (the generator only writes text that does) is kept
    /// as a JSON string where it belongs, so a comparison with the spec reports it
    /// rather than this function failing.
    pub fn to_openapi(&self) -> Value {
        self.model().to_openapi()
    }

    /// The description in the model the OpenAPI writer reads, with the JSON text parsed.
    pub fn model(&self) -> openapi::Api {
        openapi::Api {
            title: self.title.into(),
            version: self.version.into(),
            description: text(self.description),
            info_extra: object(self.info_extra),
            extra: object(self.extra),
            path_items: self
                .path_items
                .iter()
                .map(|item| openapi::PathItem {
                    path: item.path.into(),
                    extra: object(Some(item.extra)),
                })
                .collect(),
            paths_extra: object(self.paths_extra),
            operations: self.operations.iter().map(|op| op.model()).collect(),
            schemas: self
                .schemas
                .iter()
                .map(|s| (s.name.to_string(), parse(s.schema)))
                .collect(),
            components_extra: object(self.components_extra),
        }
    }
}

impl OperationDescription {
    /// The OpenAPI operation object.
    pub fn to_openapi(&self) -> Value {
        self.model().to_openapi()
    }

    fn model(&self) -> openapi::Operation {
        openapi::Operation {
            method: self.method.into(),
            path: self.path.into(),
            operation_id: text(self.operation_id),
            summary: text(self.summary),
            description: text(self.description),
            deprecated: self.deprecated,
            parameters: self.parameters.iter().map(|p| p.model()).collect(),
            request_body: self.request_body.as_ref().map(|body| openapi::RequestBody {
                required: body.required,
                max_bytes: body.max_bytes,
                description: text(body.description),
                content: content(body.content),
                extra: object(body.extra),
            }),
            responses: self.responses.iter().map(|r| r.model()).collect(),
            responses_extra: object(self.responses_extra),
            security: self
                .security
                .iter()
                .map(SecurityRequirement::model)
                .collect(),
            extra: object(self.extra),
        }
    }
}

impl SecurityRequirement {
    fn model(&self) -> openapi::Requirement {
        let scheme = |s: &SchemeRequirement| {
            let scopes = s.scopes.iter().map(|scope| scope.to_string());
            (s.scheme.to_string(), scopes.collect())
        };
        openapi::Requirement {
            schemes: self.schemes.iter().map(scheme).collect(),
        }
    }
}

impl ParamDescription {
    /// The OpenAPI parameter object.
    pub fn to_openapi(&self) -> Value {
        self.model().to_openapi()
    }

    fn model(&self) -> openapi::Parameter {
        let decode = self.decode;
        let location = match decode.location {
            Location::Path(_) | Location::PathPart { .. } => In::Path,
            Location::Query => In::Query,
            Location::Header => In::Header,
            Location::Cookie => In::Cookie,
        };
        let explode = match decode.shape {
            Shape::Array { explode, .. } | Shape::Object { explode, .. } => explode,
            Shape::Scalar(_) | Shape::JsonText => {
                self.explode.unwrap_or(decode.style == Style::Form)
            }
        };
        openapi::Parameter {
            name: decode.name.into(),
            location,
            // Path parameters are always required; the handler reads them either way.
            required: self.required || location == In::Path,
            style: decode.style,
            explode,
            description: text(self.description),
            schema: self.schema.map(parse),
            extra: object(self.extra),
        }
    }
}

impl ResponseDescription {
    /// The OpenAPI response object.
    pub fn to_openapi(&self) -> Value {
        self.model().to_openapi()
    }

    fn model(&self) -> openapi::Response {
        openapi::Response {
            status: self.status,
            description: self.description.into(),
            headers: self
                .headers
                .iter()
                .map(|header| openapi::Header {
                    name: header.name.into(),
                    required: header.required,
                    description: text(header.description),
                    schema: header.schema.map(parse),
                    extra: object(header.extra),
                })
                .collect(),
            other_headers: object(self.other_headers),
            content: content(self.content),
            extra: object(self.extra),
        }
    }
}

fn content(media_types: &[MediaTypeDescription]) -> Vec<openapi::MediaType> {
    media_types
        .iter()
        .map(|media_type| openapi::MediaType {
            media_type: media_type.media_type.into(),
            schema: media_type.schema.map(parse),
            extra: object(media_type.extra),
        })
        .collect()
}

fn text(text: Option<&str>) -> Option<String> {
    text.map(str::to_string)
}

/// JSON text as a value; text that does not parse stays a string, so it shows up in a
/// comparison instead of vanishing.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
}

/// A JSON object's text as a map; anything else is kept under
/// [`extensions::UNREADABLE`] for the same reason as in [`parse`].
fn object(text: Option<&str>) -> Map<String, Value> {
    match text.map(parse) {
        None => Map::new(),
        Some(Value::Object(map)) => map,
        Some(other) => {
            let mut map = Map::new();
            map.insert(extensions::UNREADABLE.into(), other);
            map
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Scalar;
    use serde_json::json;

    static LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));
    static IDS: Param = Param::query(
        "ids",
        Shape::Array {
            item: Scalar::String,
            explode: false,
        },
    );

    static API: ApiDescription = ApiDescription {
        title: "T",
        version: "1",
        description: None,
        info_extra: None,
        extra: Some(r#"{"openapi":"3.0.3"}"#),
        path_items: &[],
        paths_extra: None,
        operations: &[OperationDescription {
            method: "GET",
            path: "/a",
            operation_id: Some("list"),
            summary: None,
            description: None,
            deprecated: false,
            parameters: &[
                ParamDescription {
                    decode: &LIMIT,
                    required: false,
                    explode: Some(true),
                    description: None,
                    schema: Some(r#"{"type":"integer"}"#),
                    extra: None,
                },
                ParamDescription {
                    decode: &IDS,
                    required: true,
                    explode: None,
                    description: None,
                    schema: None,
                    extra: None,
                },
            ],
            request_body: None,
            responses: &[ResponseDescription {
                status: Status::Range(4),
                description: "bad",
                headers: &[],
                other_headers: None,
                content: &[MediaTypeDescription {
                    media_type: "application/json",
                    schema: Some("not json"),
                    extra: None,
                }],
                extra: None,
            }],
            responses_extra: None,
            security: &[SecurityRequirement {
                schemes: &[SchemeRequirement {
                    scheme: "oauth",
                    scopes: &["read"],
                }],
            }],
            extra: None,
        }],
        schemas: &[],
        components_extra: None,
    };

    #[test]
    fn describes_from_the_decoders() {
        let doc = API.to_openapi();
        assert_eq!(doc["openapi"], "3.0.3");
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op["operationId"], "list");
        assert_eq!(
            op["parameters"][0],
            json!({"name": "limit", "in": "query", "style": "form", "explode": true, "schema": {"type": "integer"}})
        );
        // The list's explode comes from the shape it is decoded with.
        assert_eq!(op["parameters"][1]["explode"], false);
        assert_eq!(op["parameters"][1]["required"], true);
        assert_eq!(
            op["responses"]["4XX"]["content"]["application/json"]["schema"],
            "not json"
        );
        assert_eq!(op["security"], json!([{"oauth": ["read"]}]));
    }
}
