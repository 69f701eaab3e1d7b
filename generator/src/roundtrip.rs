//! The lossless round trip: an OpenAPI document rebuilt from the IR alone, and a
//! comparison with the input that reports every difference as a JSON pointer.
//!
//! [`emit_document`] never looks at the input document. It writes each node from the
//! IR's interpreted fields (method, path, parameter name, location, `required`, style,
//! `explode`, body and response media types, status, headers, security requirements)
//! and adds back the keys the IR keeps unread in its `extra` maps. So a difference
//! means lowering lost or changed something.
//!
//! Two things the code generator needs differently from how they are written are
//! carried rather than undone. Schemas are normalized for typify (`nullable`, exclusive
//! bounds) and colliding component names are renamed. The IR keeps each schema as
//! written beside the normalized one ([`crate::ir::ApiSource::schemas`],
//! `written_schema`, [`crate::ir::MediaType::schema`]), and the round trip emits those.
//! Schema `$ref`s therefore keep their original component names.
//!
//! What the IR does not interpret at all is carried as written in `extra` maps:
//! `servers`, `tags`, `externalDocs`, `callbacks`, `links`, examples, encodings,
//! `x-` extensions, and `components/securitySchemes` ([`crate::ir::Auth`] exists only
//! when some operation is secured, and models a scheme only as far as authentication
//! needs).
//!
//! A difference is printed as `POINTER: input=<json> output=<json>`, with `(absent)`
//! for the side that has nothing at the pointer.
//!
//! # Normalisation
//!
//! [`compare`] normalises both documents the same way before comparing them:
//!
//! 1. **References.** `$ref`s to path items, parameters, request bodies, responses and
//!    response headers are replaced by their targets. Schema `$ref`s are kept as
//!    written, and so are references inside extensions, examples, links and callbacks.
//!    The sections those references point into (`components/parameters`,
//!    `requestBodies`, `responses`, `headers`, `pathItems`) are then removed from both
//!    sides. A component used only through references therefore drops out, and so does
//!    one never used, which describes nothing of the API.
//! 2. **Path-level parameters** are copied into each operation of the path item, and an
//!    operation's own parameter with the same location and name wins. This is OpenAPI's
//!    own rule.
//! 3. **Parameter lists** become objects keyed `<in>:<name>`, because their order means
//!    nothing. Differences inside parameters are reported under pointers such as
//!    `/paths/~1pets/get/parameters/query:limit/schema`.
//! 4. **Defaults.** These are removed: `required: false` (parameters, request bodies,
//!    headers) and `required` on path parameters (always true); `deprecated: false`,
//!    `allowEmptyValue: false`, `allowReserved: false`; `style` equal to the location's
//!    default (`form` for query and cookie, `simple` for path and header); `explode`
//!    equal to the style's default (`true` for `form` and OpenAPI 3.2's `cookie`, else
//!    `false`).
//! 5. **Security.** The document's `security` is copied into each operation without
//!    its own, then removed. A list of only empty requirements (`[]`, `[{}]`) means
//!    public, and is removed. Duplicate requirements are removed.
//! 6. **Spellings.** Status ranges are upper-cased (`4xx` is `4XX`). Response header
//!    names are lower-cased, because HTTP header names are case-insensitive. A response
//!    without `description` has the empty one.
//! 7. **Empty containers.** An empty `parameters`, `headers`, `content` or `components`
//!    (or a `components` section) equals one that is absent. A missing `paths` is `{}`.
//!
//! Object key order never matters, and array order always does, except for point 3.

use std::fmt;

use serde_json::{json, Map, Value};

use crate::diagnostic::pointer_join;
use specfirst_model::{openapi, In};

use crate::ir::{Api, Location, MediaType, Operation, Parameter, Response};
use crate::keywords::METHODS;
use crate::load::refs::follow;
use specfirst_model::vocabulary;

const REUSE_SECTIONS: &[&str] = &[
    "parameters",
    "requestBodies",
    "responses",
    "headers",
    "pathItems",
];

/// One place where the two documents differ, after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// JSON pointer into the normalised documents (see the module docs for how
    /// parameter lists are keyed).
    pub pointer: String,
    /// The input's value there; `None` when the input has nothing there.
    pub input: Option<Value>,
    /// The emitted document's value there; `None` when it has nothing there.
    pub output: Option<Value>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |value: &Option<Value>| match value {
            Some(value) => value.to_string(),
            None => "(absent)".into(),
        };
        write!(
            f,
            "{}: input={} output={}",
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            show(&self.input),
            show(&self.output)
        )
    }
}

// ---------------------------------------------------------------------------------
// IR -> document.

/// The OpenAPI document the IR describes, rebuilt from the IR alone.
pub fn emit_document(api: &Api) -> Value {
    describe(api).to_openapi()
}

/// The IR as the shared model of an API, which [`openapi::Api::to_openapi`] writes
/// out; a generated crate's `API_DESCRIPTION` keeps what it writes.
fn describe(api: &Api) -> openapi::Api {
    let source = &api.source;
    openapi::Api {
        title: api.title.clone(),
        version: api.version.clone(),
        description: api.description.clone(),
        info_extra: source.info_extra.clone(),
        extra: source.extra.clone(),
        path_items: source
            .path_items
            .iter()
            .map(|item| openapi::PathItem {
                path: item.path.clone(),
                extra: item.extra.clone(),
            })
            .collect(),
        paths_extra: source.paths_extra.clone(),
        operations: api.operations.iter().map(|op| operation(api, op)).collect(),
        schemas: source.schemas.clone(),
        components_extra: source.components_extra.clone(),
    }
}

fn operation(api: &Api, op: &Operation) -> openapi::Operation {
    let mut parameters: Vec<openapi::Parameter> = op
        .params
        .iter()
        .filter(|p| p.declared)
        .map(|p| parameter(p, p.required))
        .collect();
    if let Some(pagination) = &op.pagination {
        for p in &pagination.scan {
            // The marker's `required` list is kept in the marker itself.
            let required = p.required && !pagination.required_by_marker.contains(&p.name);
            parameters.push(parameter(p, required));
        }
        parameters.extend(
            pagination
                .runtime_params
                .iter()
                .map(|p| parameter(p, p.required)),
        );
    }
    let request_body = op.body.as_ref().map(|body| openapi::RequestBody {
        required: body.required,
        max_bytes: body.max_bytes,
        description: body.description.clone(),
        content: content(&body.content),
        extra: body.extra.clone(),
    });
    let security = op
        .security
        .iter()
        .map(|requirement| openapi::Requirement {
            schemes: requirement
                .schemes
                .iter()
                .map(|scheme_use| {
                    let name = api
                        .auth
                        .as_ref()
                        .and_then(|auth| auth.schemes.get(scheme_use.scheme))
                        .map(|scheme| scheme.name.clone())
                        .unwrap_or_default();
                    (name, scheme_use.scopes.clone())
                })
                .collect(),
        })
        .collect();
    openapi::Operation {
        method: op.method.clone(),
        path: op.path.clone(),
        operation_id: op.operation_id_declared.then(|| op.operation_id.clone()),
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        parameters,
        request_body,
        responses: op
            .responses
            .iter()
            .filter(|r| r.declared)
            .map(response)
            .collect(),
        responses_extra: op.responses_extra.clone(),
        security,
        extra: op.extra.clone(),
    }
}

fn parameter(p: &Parameter, required: bool) -> openapi::Parameter {
    let location = match p.location {
        Location::Path(_) | Location::PathPart { .. } => In::Path,
        // In 3.1 words, as loading wrote it: the mark stays among the extensions.
        Location::Query | Location::QueryString => In::Query,
        Location::Header => In::Header,
        Location::Cookie => In::Cookie,
    };
    openapi::Parameter {
        name: p.name.clone(),
        location,
        required,
        style: p.style,
        explode: p.explode,
        description: p.description.clone(),
        schema: p.written_schema.clone(),
        extra: p.extra.clone(),
    }
}

fn response(response: &Response) -> openapi::Response {
    openapi::Response {
        status: response.status,
        description: response.description.clone().unwrap_or_default(),
        headers: response
            .headers
            .iter()
            .map(|header| openapi::Header {
                name: header.name.clone(),
                required: header.required,
                description: header.description.clone(),
                schema: header.written_schema.clone(),
                extra: header.extra.clone(),
            })
            .collect(),
        other_headers: response.ignored_headers.clone(),
        content: content(&response.content),
        extra: response.extra.clone(),
    }
}

fn content(media_types: &[MediaType]) -> Vec<openapi::MediaType> {
    media_types
        .iter()
        .map(|media_type| openapi::MediaType {
            media_type: media_type.media_type.clone(),
            schema: media_type.schema.clone(),
            extra: media_type.extra.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Normalisation and comparison.

/// Every difference between `input` and `output` after both are normalised (see the
/// module docs), in document order of the input.
pub fn compare(input: &Value, output: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff(
        "",
        Some(&normalize(input)),
        Some(&normalize(output)),
        &mut out,
    );
    out
}

/// [`compare`] for an `output` rebuilt from `loaded`, a rewrite of `input` made while
/// loading (OpenAPI 3.1 in 3.0 form, Swagger 2.0 converted, sub-schema references moved
/// into components). The comparison is in the input's own version: wherever the
/// rebuilt document holds exactly what loading wrote, it is taken to hold what the input
/// said there; everywhere else it must equal the input. A node the model lost or
/// changed therefore still shows, at the input's pointer.
pub fn compare_through(input: &Value, loaded: &Value, output: &Value) -> Vec<Difference> {
    let input = normalize(input);
    let loaded = normalize(loaded);
    let mut output = normalize(output);
    let mut rewrites = Vec::new();
    diff("", Some(&input), Some(&loaded), &mut rewrites);
    for rewrite in rewrites {
        if output.pointer(&rewrite.pointer).cloned() == rewrite.output {
            set_at(&mut output, &rewrite.pointer, rewrite.input);
        }
    }
    let mut out = Vec::new();
    diff("", Some(&input), Some(&output), &mut out);
    out
}

/// Puts `value` at `pointer` (removes the member when `None`); the parent must exist.
fn set_at(doc: &mut Value, pointer: &str, value: Option<Value>) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        if let Some(value) = value {
            *doc = value;
        }
        return;
    };
    let key = crate::diagnostic::unescape_token(last);
    match (doc.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(value)) => {
            map.insert(key, value);
        }
        (Some(Value::Object(map)), None) => {
            map.remove(&key);
        }
        (Some(Value::Array(list)), value) => match (key.parse::<usize>(), value) {
            (Ok(index), Some(value)) if index < list.len() => list[index] = value,
            (Ok(index), Some(value)) if index == list.len() => list.push(value),
            (Ok(index), None) if index + 1 == list.len() => {
                list.pop();
            }
            _ => {}
        },
        _ => {}
    }
}

/// `document` with the module's normalisation rules applied.
pub fn normalize(document: &Value) -> Value {
    let Value::Object(map) = document else {
        return document.clone();
    };
    let mut root = map.clone();
    let global_security = root.remove("security");

    let mut paths = Map::new();
    if let Some(Value::Object(items)) = map.get("paths") {
        for (path, item) in items {
            if path.starts_with("x-") {
                paths.insert(path.clone(), item.clone());
                continue;
            }
            let item = path_item(document, item, global_security.as_ref());
            paths.insert(path.clone(), item);
        }
    }
    root.insert("paths".into(), Value::Object(paths));

    if let Some(Value::Object(components)) = root.get_mut("components") {
        for section in REUSE_SECTIONS {
            components.remove(*section);
        }
        components.retain(|_, v| !is_empty_container(v));
        if components.is_empty() {
            root.remove("components");
        }
    }
    Value::Object(root)
}

fn path_item(document: &Value, item: &Value, global_security: Option<&Value>) -> Value {
    let Value::Object(item) = follow(document, item) else {
        return item.clone();
    };
    let mut item = item.clone();
    item.remove("$ref");
    let shared = params_by_key(document, item.remove("parameters").as_ref());
    for method in METHODS {
        if let Some(op) = item.get_mut(*method) {
            *op = operation_normalized(document, op, &shared, global_security);
        }
    }
    if let Some(Value::Object(additional)) = item.get_mut(vocabulary::ADDITIONAL_OPERATIONS) {
        for op in additional.values_mut() {
            *op = operation_normalized(document, op, &shared, global_security);
        }
    }
    Value::Object(item)
}

fn operation_normalized(
    document: &Value,
    op: &Value,
    shared: &Map<String, Value>,
    global_security: Option<&Value>,
) -> Value {
    let Value::Object(op) = op else {
        return op.clone();
    };
    let mut op = op.clone();
    remove_if(&mut op, "deprecated", &json!(false));

    let mut params = shared.clone();
    params.extend(params_by_key(document, op.get("parameters")));
    if params.is_empty() {
        op.remove("parameters");
    } else {
        op.insert("parameters".into(), Value::Object(params));
    }

    if let Some(body) = op.get("requestBody") {
        let mut body = follow(document, body).clone();
        if let Value::Object(map) = &mut body {
            map.remove("$ref");
            remove_if(map, "required", &json!(false));
        }
        op.insert("requestBody".into(), body);
    }

    if let Some(Value::Object(responses)) = op.get("responses") {
        let mut normalized = Map::new();
        for (key, response) in responses {
            if key.starts_with("x-") {
                normalized.insert(key.clone(), response.clone());
                continue;
            }
            let key = if key.len() == 3 && key[1..].eq_ignore_ascii_case("xx") {
                key.to_ascii_uppercase()
            } else {
                key.clone()
            };
            normalized.insert(key, response_normalized(document, response));
        }
        op.insert("responses".into(), Value::Object(normalized));
    }

    let security = op.get("security").or(global_security).cloned();
    match security.map(security_normalized) {
        Some(Some(security)) => {
            op.insert("security".into(), security);
        }
        _ => {
            op.remove("security");
        }
    }
    Value::Object(op)
}

/// A parameter list as an object keyed `<in>:<name>`, each parameter resolved and
/// normalised.
fn params_by_key(document: &Value, list: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(Value::Array(list)) = list else {
        return out;
    };
    for (index, param) in list.iter().enumerate() {
        let Value::Object(param) = follow(document, param) else {
            out.insert(format!("#{index}"), param.clone());
            continue;
        };
        let mut param = param.clone();
        param.remove("$ref");
        let location = param.get("in").and_then(Value::as_str).unwrap_or("");
        let name = param.get("name").and_then(Value::as_str).unwrap_or("");
        let key = format!("{location}:{name}");
        let (default_style, location) = match location {
            "path" => ("simple", "path"),
            "header" => ("simple", "header"),
            other => ("form", other),
        };
        if location == "path" {
            param.remove("required");
        } else {
            remove_if(&mut param, "required", &json!(false));
        }
        for key in ["deprecated", "allowEmptyValue", "allowReserved"] {
            remove_if(&mut param, key, &json!(false));
        }
        let style = param
            .get("style")
            .and_then(Value::as_str)
            .unwrap_or(default_style)
            .to_string();
        remove_if(&mut param, "style", &json!(default_style));
        remove_if(
            &mut param,
            "explode",
            &json!(style == "form" || style == "cookie"),
        );
        out.insert(key, Value::Object(param));
    }
    out
}

fn response_normalized(document: &Value, response: &Value) -> Value {
    let Value::Object(response) = follow(document, response) else {
        return response.clone();
    };
    let mut response = response.clone();
    response.remove("$ref");
    response.entry("description").or_insert_with(|| json!(""));
    if let Some(Value::Object(headers)) = response.get("headers") {
        let mut normalized = Map::new();
        for (name, header) in headers {
            let mut header = follow(document, header).clone();
            if let Value::Object(map) = &mut header {
                map.remove("$ref");
                remove_if(map, "required", &json!(false));
                remove_if(map, "deprecated", &json!(false));
            }
            normalized.insert(name.to_ascii_lowercase(), header);
        }
        response.insert("headers".into(), Value::Object(normalized));
    }
    for key in ["headers", "content"] {
        if response.get(key).is_some_and(is_empty_container) {
            response.remove(key);
        }
    }
    Value::Object(response)
}

/// `None` when the requirements admit everyone; else the list without duplicates.
fn security_normalized(security: Value) -> Option<Value> {
    let Value::Array(list) = security else {
        return Some(security);
    };
    if list
        .iter()
        .all(|r| r.as_object().is_some_and(Map::is_empty))
    {
        return None;
    }
    let mut out: Vec<Value> = Vec::new();
    for requirement in list {
        if !out.contains(&requirement) {
            out.push(requirement);
        }
    }
    Some(Value::Array(out))
}

fn remove_if(map: &mut Map<String, Value>, key: &str, default: &Value) {
    if map.get(key) == Some(default) {
        map.remove(key);
    }
}

fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(list) => list.is_empty(),
        _ => false,
    }
}

fn diff(pointer: &str, input: Option<&Value>, output: Option<&Value>, out: &mut Vec<Difference>) {
    match (input, output) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (key, value) in a {
                diff(&pointer_join(pointer, key), Some(value), b.get(key), out);
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    diff(&pointer_join(pointer, key), None, Some(value), out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for index in 0..a.len().max(b.len()) {
                diff(
                    &pointer_join(pointer, index.to_string()),
                    a.get(index),
                    b.get(index),
                    out,
                );
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference {
            pointer: pointer.to_string(),
            input: a.cloned(),
            output: b.cloned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_made_while_loading_compare_in_the_input_version() {
        let input = json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {
            "A": {"type": ["string", "null"], "maxLength": 3},
            "B": {"const": 1}
        }}});
        let loaded = json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {
            "A": {"type": "string", "nullable": true, "maxLength": 3},
            "B": {"enum": [1]}
        }}});
        assert!(compare_through(&input, &loaded, &loaded).is_empty());
        // A keyword the model changed still shows, at the input's pointer.
        let mut lossy = loaded.clone();
        lossy["components"]["schemas"]["A"]["maxLength"] = json!(4);
        lossy["components"]["schemas"]["B"] = json!({"enum": [2]});
        let found: Vec<String> = compare_through(&input, &loaded, &lossy)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "/components/schemas/A/maxLength: input=3 output=4",
                "/components/schemas/B/enum: input=(absent) output=[2]",
            ]
        );
    }

    #[test]
    fn equivalent_spellings_are_equal() {
        let a = json!({
            "openapi": "3.0.3",
            "security": [{}],
            "paths": {"/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "deprecated": false,
                    "parameters": [{"name": "q", "in": "query", "required": false, "style": "form", "explode": true}],
                    "responses": {"4xx": {"$ref": "#/components/responses/Err"}}
                }
            }},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "responses": {"Err": {"description": "bad", "headers": {"X-Rate": {"required": false}}}}
            }
        });
        let b = json!({
            "openapi": "3.0.3",
            "paths": {"/a/{id}": {"get": {
                "parameters": [
                    {"name": "q", "in": "query"},
                    {"name": "id", "in": "path", "schema": {"type": "string"}, "style": "simple", "explode": false}
                ],
                "responses": {"4XX": {"description": "bad", "headers": {"x-rate": {}}}}
            }}}
        });
        assert_eq!(compare(&a, &b), Vec::new());
    }

    #[test]
    fn differences_have_pointers() {
        let a = json!({"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query"}], "responses": {}}}}});
        let b = json!({"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "header"}], "responses": {}}}}});
        let found = compare(&a, &b);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].pointer, "/paths/~1a/get/parameters/query:q");
        assert_eq!(found[0].output, None);
        assert_eq!(found[1].pointer, "/paths/~1a/get/parameters/header:q");
        assert_eq!(
            found[1].to_string(),
            r#"/paths/~1a/get/parameters/header:q: input=(absent) output={"name":"q","in":"header"}"#
        );
    }
}
