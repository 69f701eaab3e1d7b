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
//! The description is data. Everything but the decoders is one JSON text: the OpenAPI
//! document the generator wrote from its model of the API (methods, paths, operation
//! ids, `required`, bodies, media types, statuses, headers, security, schemas and every
//! key the code does not interpret), written by the model's one writer
//! ([`specfirst_model::openapi::Api::to_openapi`]), without what the decoders say.
//! Where that document repeats a node of the published one (`OPENAPI_DOCUMENT`), the
//! text refers to it instead ([`specfirst_model::compact`]). Beside the text, one
//! table lists each operation's decoders.

use serde_json::{Map, Value};
use specfirst_model::{compact, extensions, In};

use crate::params::{Location, Param, Shape, Style};

/// One API: what one generated module serves.
#[derive(Clone, Copy, Debug)]
pub struct ApiDescription {
    /// The OpenAPI 3.0 document the generator wrote from its model of the API, as
    /// [`specfirst_model::compact::pack`] writes it against [`Self::published`]. Its
    /// parameters leave out what their decoders say: `name`, `in`, `style`, `explode`
    /// for lists and objects, and `required` on the path.
    pub document: &'static str,
    /// The document the crate publishes (`OPENAPI_DOCUMENT`), which
    /// [`Self::document`] refers into.
    pub published: &'static str,
    /// The decoders of each operation's parameters: one list per operation, in the
    /// order [`Self::document`] lists the operations (path items in the order of
    /// `paths`, then each item's operations in order), each in the order of the
    /// operation's `parameters`. Pagination's `limit` and `page_token`, which the runtime
    /// reads rather than a handler, are described by the [`Param`] it would decode them
    /// with.
    pub decoders: &'static [&'static [&'static Param]],
}

/// One operation, with the decoders of its parameters.
#[derive(Clone, Debug)]
pub struct OperationDecoders {
    /// The HTTP method, lower case.
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// The decoders, in the order of the operation's `parameters`.
    pub parameters: &'static [&'static Param],
}

impl ApiDescription {
    /// The OpenAPI 3.0 document this description stands for: [`Self::document`]
    /// unpacked, with each parameter's name, location, style and, for lists and
    /// objects, `explode` taken from its decoder (and path parameters required).
    ///
    /// This function does not fail. Text that does not parse (the generator only
    /// writes text that does) is kept under [`extensions::UNREADABLE`], and decoders
    /// without a parameter, or parameters without a decoder, are described as far as
    /// they go, so a comparison with the spec reports them.
    pub fn to_openapi(&self) -> Value {
        let mut document = match self.unpacked() {
            Ok(document) => document,
            Err(error) => {
                let mut map = Map::new();
                let text = format!("{error}: {}", self.document);
                map.insert(extensions::UNREADABLE.into(), Value::String(text));
                return Value::Object(map);
            }
        };
        let mut decoders = self.decoders.iter();
        for (_, _, op) in compact::operations_mut(&mut document) {
            let Some(decoders) = decoders.next() else {
                break;
            };
            describe_parameters(op, decoders);
        }
        let left = decoders.len();
        if left > 0 {
            if let Value::Object(root) = &mut document {
                let text = format!("decoders for {left} operations not in the document");
                root.insert(extensions::UNREADABLE.into(), Value::String(text));
            }
        }
        document
    }

    /// Each operation's method and path, with the decoders of its parameters, in the
    /// order of [`Self::decoders`]; empty when the document does not parse.
    pub fn operations(&self) -> Vec<OperationDecoders> {
        let Ok(mut document) = self.unpacked() else {
            return Vec::new();
        };
        compact::operations_mut(&mut document)
            .into_iter()
            .zip(self.decoders)
            .map(|((path, method, _), parameters)| OperationDecoders {
                method: method.into(),
                path: path.into(),
                parameters,
            })
            .collect()
    }

    fn unpacked(&self) -> Result<Value, serde_json::Error> {
        let published = serde_json::from_str(self.published)?;
        compact::unpack(self.document, &published)
    }
}

/// The operation's `parameters`, each completed from its decoder.
fn describe_parameters(op: &mut Map<String, Value>, decoders: &[&Param]) {
    let mut written = match op.remove("parameters") {
        Some(Value::Array(list)) => list.into_iter(),
        Some(other) => vec![other].into_iter(),
        None => Vec::new().into_iter(),
    };
    let mut parameters: Vec<Value> = decoders
        .iter()
        .map(|decode| match written.next() {
            Some(Value::Object(data)) => parameter(decode, data),
            Some(other) => other,
            None => parameter(decode, Map::new()),
        })
        .collect();
    parameters.extend(written);
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
}

/// The parameter object: name and location from the decoder, then the data (less what
/// the decoder says), then style and `explode`.
fn parameter(decode: &Param, data: Map<String, Value>) -> Value {
    let location = match decode.location {
        Location::Path(_) | Location::PathPart { .. } => In::Path,
        Location::Query | Location::QueryString => In::Query,
        Location::Header => In::Header,
        Location::Cookie => In::Cookie,
    };
    let mut out = Map::new();
    out.insert("name".into(), decode.name.into());
    out.insert("in".into(), location.as_str().into());
    // What the decoder says wins over what the text repeats of it.
    let decoded = compact::decoder_keys(
        location == In::Path,
        matches!(decode.shape, Shape::Array { .. } | Shape::Object { .. }),
    );
    out.extend(
        data.into_iter()
            .filter(|(key, _)| !decoded.contains(&key.as_str())),
    );
    // Path parameters are always required; the handler reads them either way.
    if location == In::Path {
        out.insert("required".into(), true.into());
    }
    // Nor has it a `querystring` location: it says `query`, and the mark says which.
    if decode.location == Location::QueryString {
        out.insert(extensions::QUERYSTRING.into(), true.into());
    }
    match decode.style {
        // OpenAPI 3.0 has no `cookie` style: it says `form`, and the mark says which.
        Style::Cookie => {
            out.insert("style".into(), Style::Form.as_str().into());
            out.insert(extensions::COOKIE_STYLE.into(), true.into());
        }
        style => {
            out.insert("style".into(), style.as_str().into());
        }
    }
    match decode.shape {
        Shape::Array { explode, .. } | Shape::Object { explode, .. } => {
            out.insert("explode".into(), explode.into());
        }
        // Decoding does not depend on it, so the data says it.
        Shape::Scalar(_) | Shape::JsonText => {}
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{Scalar, Style};
    use serde_json::json;

    static LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));
    static IDS: Param = Param::query(
        "ids",
        Shape::Array {
            item: Scalar::String,
            explode: false,
        },
    )
    .styled(Style::PipeDelimited);
    static ID: Param = Param::path(0, "id", Shape::Scalar(Scalar::String));

    static PUBLISHED: &str =
        r#"{"openapi":"3.0.3","components":{"schemas":{"Thing":{"type":"object"}}}}"#;

    static API: ApiDescription = ApiDescription {
        document: r#"{"openapi":"3.0.3","paths":{
"/a":{"get":{"operationId":"list","parameters":[{"explode":true,"schema":{"type":"integer"}},{"required":true,"name":"wrong","in":"header","style":"form","explode":true}],"responses":{"4XX":{"description":"bad"}}}},
"/a/{id}":{"delete":{"parameters":[{"schema":{"type":"string"}}],"responses":{}}}},
"components":{"$doc":"/components"}}"#,
        published: PUBLISHED,
        decoders: &[&[&LIMIT, &IDS], &[&ID]],
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
        // The list's name, location, style and explode come from the decoder it is
        // decoded with, whatever the text repeats of them.
        assert_eq!(
            op["parameters"][1],
            json!({"name": "ids", "in": "query", "required": true, "style": "pipeDelimited", "explode": false})
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["delete"]["parameters"][0],
            json!({"name": "id", "in": "path", "required": true, "style": "simple", "schema": {"type": "string"}})
        );
        assert_eq!(
            doc["components"],
            json!({"schemas": {"Thing": {"type": "object"}}})
        );
        let operations = API.operations();
        assert_eq!(operations.len(), 2);
        assert_eq!(operations[1].method, "delete");
        assert_eq!(operations[1].path, "/a/{id}");
        assert_eq!(operations[1].parameters[0].name, "id");
    }

    #[test]
    fn what_does_not_fit_is_reported_not_dropped() {
        let unreadable = ApiDescription {
            document: "not json",
            ..API
        };
        assert!(unreadable.to_openapi()[extensions::UNREADABLE].is_string());
        // One decoder too many for the first operation, one operation too many.
        static MORE: &[&[&Param]] = &[&[&LIMIT, &IDS, &ID], &[], &[&ID]];
        let more = ApiDescription {
            decoders: MORE,
            ..API
        };
        let doc = more.to_openapi();
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][2]["name"], "id");
        // The path parameter without a decoder stays as the data has it.
        assert_eq!(
            doc["paths"]["/a/{id}"]["delete"]["parameters"][0],
            json!({"schema": {"type": "string"}})
        );
        assert!(doc[extensions::UNREADABLE].is_string());
    }
}
