//! Swagger 2.0 documents, converted to OpenAPI 3.0.3 before lowering.
//!
//! The rest of the generator only reads OpenAPI 3.0, so a 2.0 document is rewritten
//! once, here, into the 3.0 document it means. Diagnostics must still point into what
//! the user wrote, so every node that moves records where it came from in [`Origins`];
//! later stages report against the converted document and the pointers are mapped back.
//!
//! What cannot be said in 3.0 (a `tsv` collection format, say) is a [`Diagnostic`] at
//! the pointer of the original node. Anything malformed is reported or skipped, never
//! unwrapped: the input is whatever the user wrote.
//!
//! The walk over the document (the root, servers, `components` and each path item and
//! operation) is here; what each kind of node turns into is in its own file:
//! `parameters.rs` (non-body parameters, `collectionFormat`), `bodies.rs` (body and
//! form parameters as `requestBody`), `responses.rs`, `schemas.rs` and `security.rs`
//! (`securityDefinitions`).

mod bodies;
mod parameters;
mod responses;
mod schemas;
mod security;
#[cfg(test)]
mod tests;

use serde_json::{json, Map, Value};

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::keywords::SWAGGER2_METHODS;
use crate::load::origins::Origins;

use bodies::BodyParam;

/// The OpenAPI version converted documents declare.
const TARGET_VERSION: &str = "3.0.3";
/// The media type a 2.0 body has when neither the document nor the operation says.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// A converted document and the way back to the original's pointers.
#[derive(Debug, Clone)]
pub(crate) struct Converted {
    /// The equivalent OpenAPI 3.0.3 document.
    pub doc: Value,
    /// Where each moved node of `doc` came from.
    pub origins: Origins,
}

/// Converts the Swagger 2.0 document `raw` into OpenAPI 3.0.3, or reports every node
/// that has no 3.0 equivalent, each at its pointer in `raw`.
pub(crate) fn convert(raw: &Value) -> Result<Converted, Vec<Diagnostic>> {
    let Some(root) = raw.as_object() else {
        return Err(vec![Diagnostic::new(
            "",
            "the document must be a JSON object",
        )]);
    };
    match root.get("swagger") {
        Some(Value::String(version)) if version == "2.0" => {}
        Some(Value::String(version)) => {
            return Err(vec![Diagnostic::new(
                "/swagger",
                format!("Swagger {version} is not supported; only Swagger 2.0 is"),
            )])
        }
        _ => {
            return Err(vec![Diagnostic::new(
                "/swagger",
                "the `swagger` field must be the string \"2.0\"",
            )])
        }
    }
    let mut converter = Converter {
        raw,
        origins: Origins::default(),
        problems: Vec::new(),
        consumes: MediaTypes::default(),
        produces: MediaTypes::default(),
        host: None,
        base_path: None,
    };
    converter.host = converter.top_string(root, "host");
    converter.base_path = converter.top_string(root, "basePath");
    converter.consumes = converter
        .media_types(root.get("consumes"), "/consumes")
        .unwrap_or_default();
    converter.produces = converter
        .media_types(root.get("produces"), "/produces")
        .unwrap_or_default();
    let doc = converter.document(root);
    if converter.problems.is_empty() {
        Ok(Converted {
            doc,
            origins: converter.origins,
        })
    } else {
        Err(converter.problems)
    }
}

/// A `consumes` or `produces` list and where it was written.
#[derive(Debug, Clone, Default, PartialEq)]
struct MediaTypes {
    types: Vec<String>,
    pointer: String,
}

/// One conversion under way: the input, the way back to it, what went wrong so far,
/// and the document-wide defaults operations inherit.
struct Converter<'a> {
    raw: &'a Value,
    origins: Origins,
    problems: Vec<Diagnostic>,
    consumes: MediaTypes,
    produces: MediaTypes,
    /// The document's `host` and `basePath`, which operations with their own
    /// `schemes` share.
    host: Option<String>,
    base_path: Option<String>,
}

impl<'a> Converter<'a> {
    fn problem(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(pointer, message));
    }

    fn document(&mut self, root: &'a Map<String, Value>) -> Value {
        let mut out = Map::new();
        out.insert("openapi".into(), TARGET_VERSION.into());
        if let Some(info) = root.get("info") {
            out.insert("info".into(), info.clone());
        }
        if let Some(servers) = self.servers("", root.get("schemes"), "/schemes") {
            out.insert("servers".into(), servers);
        }
        for (key, value) in root {
            match key.as_str() {
                "tags" | "externalDocs" | "security" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") && k != "x-ms-paths" => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        let mut paths = Map::new();
        for (key, origin) in [("paths", "/paths"), ("x-ms-paths", "/x-ms-paths")] {
            match root.get(key) {
                None => {}
                Some(Value::Object(map)) => self.paths(map, origin, &mut paths),
                Some(_) => self.problem(origin, format!("`{key}` must be an object")),
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        let components = self.components(root);
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        Value::Object(out)
    }

    /// `host`, `basePath` and `schemes` as `servers` (at `at`, the document root or an
    /// operation with its own `schemes`); `None` when none of them is given.
    fn servers(
        &mut self,
        at: &str,
        schemes: Option<&Value>,
        schemes_pointer: &str,
    ) -> Option<Value> {
        let schemes: Vec<String> = match schemes {
            None => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(_) => {
                self.problem(schemes_pointer, "`schemes` must be a list of strings");
                Vec::new()
            }
        };
        let (host, base) = (self.host.clone(), self.base_path.clone());
        if host.is_none() && base.is_none() && schemes.is_empty() {
            return None;
        }
        let base = base.unwrap_or_default();
        let mut urls: Vec<String> = Vec::new();
        match &host {
            // A URL without a host cannot carry a scheme; 3.0 resolves it against the
            // document's own location, as 2.0 did.
            None => urls.push(if base.is_empty() { "/".into() } else { base }),
            Some(host) if schemes.is_empty() => urls.push(format!("//{host}{base}")),
            Some(host) => {
                for scheme in &schemes {
                    let url = format!("{scheme}://{host}{base}");
                    if !urls.contains(&url) {
                        urls.push(url);
                    }
                }
            }
        }
        let origin = match (&host, schemes.is_empty()) {
            (_, false) => schemes_pointer,
            (Some(_), true) => "/host",
            (None, true) => "/basePath",
        };
        self.origins.record(pointer_join(at, "servers"), origin);
        Some(Value::Array(
            urls.into_iter().map(|url| json!({ "url": url })).collect(),
        ))
    }

    /// A top-level string such as `host`, or a diagnostic when it is something else.
    fn top_string(&mut self, root: &Map<String, Value>, key: &str) -> Option<String> {
        match root.get(key)? {
            Value::String(text) => Some(text.clone()),
            _ => {
                self.problem(pointer_join("", key), format!("`{key}` must be a string"));
                None
            }
        }
    }

    /// Reads a `consumes` or `produces` list at `pointer`; `None` when absent or unusable.
    fn media_types(&mut self, node: Option<&Value>, pointer: &str) -> Option<MediaTypes> {
        let list = match node? {
            Value::Array(list) => list,
            _ => {
                self.problem(pointer, "must be a list of media types");
                return None;
            }
        };
        let mut types = Vec::new();
        for (index, item) in list.iter().enumerate() {
            match item.as_str() {
                Some(media_type) if !types.iter().any(|t| t == media_type) => {
                    types.push(media_type.to_string())
                }
                Some(_) => {}
                None => self.problem(
                    pointer_join(pointer, index.to_string()),
                    "a media type must be a string",
                ),
            }
        }
        Some(MediaTypes {
            types,
            pointer: pointer.to_string(),
        })
    }

    fn components(&mut self, root: &'a Map<String, Value>) -> Map<String, Value> {
        let mut components = Map::new();

        if let Some(definitions) = self.object_at(root, "definitions", "/definitions") {
            let mut schemas = Map::new();
            for (name, schema) in definitions {
                let orig = pointer_join("/definitions", name);
                let conv = pointer_join("/components/schemas", name);
                self.origins.record(&conv, &orig);
                schemas.insert(name.clone(), self.schema(schema, &orig, &conv));
            }
            components.insert("schemas".into(), Value::Object(schemas));
        }

        if let Some(parameters) = self.object_at(root, "parameters", "/parameters") {
            let mut out = Map::new();
            for (name, param) in parameters {
                let orig = pointer_join("/parameters", name);
                let conv = pointer_join("/components/parameters", name);
                let Some(map) = param.as_object() else {
                    self.problem(orig, "a parameter must be an object");
                    continue;
                };
                // Body and form parameters become request bodies; they are inlined
                // where operations refer to them, with the operation's `consumes`.
                if matches!(
                    map.get("in").and_then(Value::as_str),
                    Some("body" | "formData")
                ) {
                    continue;
                }
                self.origins.record(&conv, &orig);
                if let Some(converted) = self.parameter(map, &orig, &conv) {
                    out.insert(name.clone(), converted);
                }
            }
            if !out.is_empty() {
                components.insert("parameters".into(), Value::Object(out));
            }
        }

        if let Some(responses) = self.object_at(root, "responses", "/responses") {
            let mut out = Map::new();
            let produces = self.produces.clone();
            for (name, response) in responses {
                let orig = pointer_join("/responses", name);
                let conv = pointer_join("/components/responses", name);
                if let Some(converted) = self.response(response, &orig, &conv, &produces) {
                    out.insert(name.clone(), converted);
                }
            }
            components.insert("responses".into(), Value::Object(out));
        }

        if let Some(schemes) = self.object_at(root, "securityDefinitions", "/securityDefinitions") {
            let mut out = Map::new();
            for (name, scheme) in schemes {
                let orig = pointer_join("/securityDefinitions", name);
                let conv = pointer_join("/components/securitySchemes", name);
                self.origins.record(&conv, &orig);
                if let Some(converted) = self.security_scheme(scheme, &orig, &conv) {
                    out.insert(name.clone(), converted);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(out));
        }
        components
    }

    /// The object under `key`, or a diagnostic when it is something else.
    fn object_at(
        &mut self,
        map: &'a Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Option<&'a Map<String, Value>> {
        match map.get(key)? {
            Value::Object(object) => Some(object),
            _ => {
                self.problem(pointer, format!("`{key}` must be an object"));
                None
            }
        }
    }

    fn paths(&mut self, map: &'a Map<String, Value>, origin: &str, out: &mut Map<String, Value>) {
        for (path, item) in map {
            let orig = pointer_join(origin, path);
            if path.starts_with("x-") {
                // Extensions among the paths stay extensions (only `paths` keeps them).
                if origin == "/paths" {
                    out.insert(path.clone(), item.clone());
                }
                continue;
            }
            if out.contains_key(path) {
                self.problem(
                    orig,
                    format!("path `{path}` is already declared in `paths`"),
                );
                continue;
            }
            let conv = pointer_join("/paths", path);
            if orig != conv {
                self.origins.record(&conv, &orig);
            }
            if let Some(converted) = self.path_item(item, &orig, &conv) {
                out.insert(path.clone(), converted);
            }
        }
    }

    fn path_item(&mut self, item: &'a Value, orig: &str, conv: &str) -> Option<Value> {
        let Some(map) = item.as_object() else {
            self.problem(orig, "a path item must be an object");
            return None;
        };
        let mut out = Map::new();
        let (shared, shared_bodies) = match map.get("parameters") {
            None => (Vec::new(), Vec::new()),
            Some(list) => self.parameters(
                list,
                &pointer_join(orig, "parameters"),
                &pointer_join(conv, "parameters"),
            ),
        };
        for (key, value) in map {
            match key.as_str() {
                "parameters" if !shared.is_empty() => {
                    out.insert(key.clone(), Value::Array(shared.clone()));
                }
                // A 2.0 path item reference names another file; lowering reports it.
                "$ref" => {
                    out.insert(key.clone(), value.clone());
                }
                k if SWAGGER2_METHODS.contains(&k) => {
                    let op = self.operation(
                        value,
                        &pointer_join(orig, key),
                        &pointer_join(conv, key),
                        &shared_bodies,
                    );
                    if let Some(op) = op {
                        out.insert(key.clone(), op);
                    }
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        Some(Value::Object(out))
    }

    fn operation(
        &mut self,
        op: &'a Value,
        orig: &str,
        conv: &str,
        shared_bodies: &[BodyParam<'a>],
    ) -> Option<Value> {
        let Some(map) = op.as_object() else {
            self.problem(orig, "an operation must be an object");
            return None;
        };
        let consumes = self
            .media_types(map.get("consumes"), &pointer_join(orig, "consumes"))
            .unwrap_or_else(|| self.consumes.clone());
        let produces = self
            .media_types(map.get("produces"), &pointer_join(orig, "produces"))
            .unwrap_or_else(|| self.produces.clone());
        let (params, own_bodies) = match map.get("parameters") {
            None => (Vec::new(), Vec::new()),
            Some(list) => self.parameters(
                list,
                &pointer_join(orig, "parameters"),
                &pointer_join(conv, "parameters"),
            ),
        };
        let request_body = self.request_body(
            &own_bodies,
            shared_bodies,
            &consumes,
            &pointer_join(conv, "requestBody"),
        );

        let mut out = Map::new();
        let mut placed_body = false;
        for (key, value) in map {
            match key.as_str() {
                "tags" | "summary" | "description" | "externalDocs" | "operationId"
                | "deprecated" | "security" => {
                    out.insert(key.clone(), value.clone());
                }
                "parameters" => {
                    if !params.is_empty() {
                        out.insert(key.clone(), Value::Array(params.clone()));
                    }
                    if let Some(body) = &request_body {
                        out.insert("requestBody".into(), body.clone());
                        placed_body = true;
                    }
                }
                "responses" => {
                    if let (Some(body), false) = (&request_body, placed_body) {
                        out.insert("requestBody".into(), body.clone());
                        placed_body = true;
                    }
                    let responses = self.responses(
                        value,
                        &pointer_join(orig, key),
                        &pointer_join(conv, key),
                        &produces,
                    );
                    out.insert(key.clone(), responses);
                }
                "schemes" => {
                    if let Some(servers) = self.servers(conv, Some(value), &pointer_join(orig, key))
                    {
                        out.insert("servers".into(), servers);
                    }
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if let (Some(body), false) = (request_body, placed_body) {
            out.insert("requestBody".into(), body);
        }
        Some(Value::Object(out))
    }
}

/// A 2.0 reference rewritten to where its target lives in 3.0.
fn rewrite_ref(target: &str) -> String {
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
        ("#/securityDefinitions/", "#/components/securitySchemes/"),
    ] {
        if let Some(rest) = target.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    target.to_string()
}
