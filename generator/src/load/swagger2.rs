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

use serde_json::{json, Map, Value};

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::keywords::SWAGGER2_METHODS;
use crate::load::origins::Origins;

/// The OpenAPI version converted documents declare.
const TARGET_VERSION: &str = "3.0.3";
/// The media type a 2.0 body has when neither the document nor the operation says.
const DEFAULT_MEDIA_TYPE: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
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

/// Where a non-body parameter (or something shaped like one) is sent; it decides which
/// collection formats can be expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Query,
    Path,
    Header,
    FormData,
    /// A response header: 3.0 only has the `simple` style there.
    ResponseHeader,
}

/// A `body` or `formData` parameter, which becomes (part of) the 3.0 `requestBody`.
struct BodyParam<'a> {
    /// The pointer of the parameter's definition (after a `#/parameters/` reference).
    at: String,
    node: &'a Map<String, Value>,
    form: bool,
    name: String,
}

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

    fn security_scheme(&mut self, scheme: &Value, orig: &str, conv: &str) -> Option<Value> {
        let Some(map) = scheme.as_object() else {
            self.problem(orig, "a security definition must be an object");
            return None;
        };
        let mut out = Map::new();
        match map.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
                self.origins
                    .record(pointer_join(conv, "scheme"), pointer_join(orig, "type"));
            }
            Some("apiKey") => {
                out.insert("type".into(), "apiKey".into());
                for key in ["name", "in"] {
                    if let Some(value) = map.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                out.insert("type".into(), "oauth2".into());
                let flow = self.oauth_flow(map, orig)?;
                let flows_pointer = pointer_join(conv, "flows");
                self.origins.record(&flows_pointer, orig);
                self.origins
                    .record(pointer_join(&flows_pointer, flow.0), orig);
                out.insert("flows".into(), json!({ flow.0: flow.1 }));
            }
            Some(other) => {
                self.problem(
                    pointer_join(orig, "type"),
                    format!("unknown security definition type `{other}`: expected `basic`, `apiKey` or `oauth2`"),
                );
                return None;
            }
            None => {
                self.problem(
                    pointer_join(orig, "type"),
                    "a security definition needs a `type`: `basic`, `apiKey` or `oauth2`",
                );
                return None;
            }
        }
        for (key, value) in map {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Some(Value::Object(out))
    }

    /// The 3.0 name and object of an OAuth2 definition's one flow.
    fn oauth_flow(
        &mut self,
        map: &Map<String, Value>,
        orig: &str,
    ) -> Option<(&'static str, Value)> {
        let flow_pointer = pointer_join(orig, "flow");
        let (name, urls): (&'static str, &[&str]) = match map.get("flow").and_then(Value::as_str) {
            Some("implicit") => ("implicit", &["authorizationUrl"]),
            Some("password") => ("password", &["tokenUrl"]),
            Some("application") => ("clientCredentials", &["tokenUrl"]),
            Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
            Some(other) => {
                self.problem(
                    flow_pointer,
                    format!("unknown OAuth2 flow `{other}`: expected `implicit`, `password`, `application` or `accessCode`"),
                );
                return None;
            }
            None => {
                self.problem(flow_pointer, "an OAuth2 definition needs a `flow`");
                return None;
            }
        };
        let mut flow = Map::new();
        for url in urls {
            match map.get(*url) {
                Some(Value::String(text)) => {
                    flow.insert((*url).into(), text.clone().into());
                }
                _ => {
                    self.problem(
                        orig,
                        format!("the OAuth2 `{}` flow needs a `{url}` string", name),
                    );
                    return None;
                }
            }
        }
        // 3.0 requires `scopes`; 2.0 does too, but an empty map says the same as none.
        let scopes = match map.get("scopes") {
            None => json!({}),
            Some(Value::Object(scopes)) => Value::Object(scopes.clone()),
            Some(_) => {
                self.problem(
                    pointer_join(orig, "scopes"),
                    "`scopes` must map scope names to descriptions",
                );
                return None;
            }
        };
        flow.insert("scopes".into(), scopes);
        Some((name, Value::Object(flow)))
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

    /// Splits a 2.0 parameter list into the 3.0 parameters (converted, with their new
    /// indexes mapped back) and the body and form parameters.
    fn parameters(
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
    fn parameter(&mut self, map: &Map<String, Value>, orig: &str, conv: &str) -> Option<Value> {
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
    fn collection_style(
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
    fn simple_schema(
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

    /// The 3.0 `requestBody` of an operation from its body or form parameters (its own,
    /// and the path item's ones it does not override).
    fn request_body(
        &mut self,
        own: &[BodyParam<'a>],
        shared: &[BodyParam<'a>],
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        let own_has_body = own.iter().any(|p| !p.form);
        let inherited = shared.iter().filter(|p| {
            if p.form {
                !own.iter().any(|o| o.form && o.name == p.name)
            } else {
                !own_has_body
            }
        });
        let all: Vec<&BodyParam<'a>> = own.iter().chain(inherited).collect();
        let (bodies, forms): (Vec<&BodyParam<'a>>, Vec<&BodyParam<'a>>) =
            all.into_iter().partition(|p| !p.form);
        if let Some(extra) = bodies.get(1) {
            self.problem(
                extra.at.clone(),
                "an operation can have only one body parameter",
            );
            return None;
        }
        if let (Some(_), Some(form)) = (bodies.first(), forms.first()) {
            self.problem(
                form.at.clone(),
                "an operation cannot have both a body parameter and formData parameters",
            );
            return None;
        }
        if let Some(body) = bodies.first() {
            return self.json_body(body, consumes, conv);
        }
        if forms.is_empty() {
            return None;
        }
        self.form_body(&forms, consumes, conv)
    }

    fn json_body(
        &mut self,
        body: &BodyParam<'a>,
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        self.origins.record(conv, &body.at);
        let Some(schema) = body.node.get("schema") else {
            self.problem(&body.at, "a body parameter needs a `schema`");
            return None;
        };
        let media_types = if consumes.types.is_empty() {
            vec![DEFAULT_MEDIA_TYPE.to_string()]
        } else {
            consumes.types.clone()
        };
        let schema_orig = pointer_join(&body.at, "schema");
        let content_pointer = pointer_join(conv, "content");
        let mut content = Map::new();
        for media_type in &media_types {
            let schema_conv = pointer_join(&pointer_join(&content_pointer, media_type), "schema");
            self.origins.record(&schema_conv, &schema_orig);
            let converted = self.schema(schema, &schema_orig, &schema_conv);
            content.insert(media_type.clone(), json!({ "schema": converted }));
        }
        let mut out = Map::new();
        for (key, value) in body.node {
            if matches!(key.as_str(), "description" | "required") || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("content".into(), Value::Object(content));
        Some(Value::Object(out))
    }

    /// One object schema with a property per form parameter, sent as
    /// `application/x-www-form-urlencoded` or, with files, `multipart/form-data`.
    fn form_body(
        &mut self,
        forms: &[&BodyParam<'a>],
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        let first = forms.first()?;
        self.origins.record(conv, &first.at);
        let has_file = forms
            .iter()
            .any(|p| p.node.get("type").and_then(Value::as_str) == Some("file"));
        let mut media_types: Vec<String> = consumes
            .types
            .iter()
            .filter(|t| {
                let essence = t.split(';').next().unwrap_or("").trim();
                essence == MULTIPART || (essence == FORM && !has_file)
            })
            .cloned()
            .collect();
        if media_types.is_empty() {
            media_types.push(if has_file { MULTIPART } else { FORM }.to_string());
        }

        let content_pointer = pointer_join(conv, "content");
        let mut content = Map::new();
        let mut failed = false;
        for media_type in &media_types {
            let media_pointer = pointer_join(&content_pointer, media_type);
            let schema_conv = pointer_join(&media_pointer, "schema");
            self.origins.record(&schema_conv, &first.at);
            let mut properties = Map::new();
            let mut required = Vec::new();
            let mut encoding = Map::new();
            for param in forms {
                let property_conv =
                    pointer_join(&pointer_join(&schema_conv, "properties"), &param.name);
                self.origins.record(&property_conv, &param.at);
                let Some(mut schema) =
                    self.simple_schema(param.node, &param.at, &property_conv, Place::FormData)
                else {
                    failed = true;
                    continue;
                };
                if let (Some(description), Some(object)) =
                    (param.node.get("description"), schema.as_object_mut())
                {
                    object.insert("description".into(), description.clone());
                }
                if param.node.get("required") == Some(&Value::Bool(true)) {
                    required.push(Value::String(param.name.clone()));
                }
                if is_array(param.node) {
                    let Some((style, explode)) =
                        self.collection_style(param.node, &param.at, Place::FormData)
                    else {
                        failed = true;
                        continue;
                    };
                    // `multi` is what a form sends by default; only the others need
                    // saying, and only urlencoded bodies have styles in 3.0.
                    if media_type == FORM && (style, explode) != ("form", true) {
                        let encoding_pointer =
                            pointer_join(&pointer_join(&media_pointer, "encoding"), &param.name);
                        self.origins.record(&encoding_pointer, &param.at);
                        encoding.insert(
                            param.name.clone(),
                            json!({ "style": style, "explode": explode }),
                        );
                    }
                }
                properties.insert(param.name.clone(), schema);
            }
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            let mut media = Map::new();
            media.insert("schema".into(), Value::Object(schema));
            if !encoding.is_empty() {
                media.insert("encoding".into(), Value::Object(encoding));
            }
            content.insert(media_type.clone(), Value::Object(media));
            if failed {
                // The same parameters would be reported again for each media type.
                return None;
            }
        }
        let mut out = Map::new();
        if forms
            .iter()
            .any(|p| p.node.get("required") == Some(&Value::Bool(true)))
        {
            out.insert("required".into(), true.into());
        }
        out.insert("content".into(), Value::Object(content));
        Some(Value::Object(out))
    }

    fn responses(&mut self, node: &Value, orig: &str, conv: &str, produces: &MediaTypes) -> Value {
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

    fn response(
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

    /// A 2.0 schema as 3.0: references moved to `components`, `x-nullable` as
    /// `nullable`, files as binary strings, and string discriminators as objects.
    fn schema(&mut self, node: &Value, orig: &str, conv: &str) -> Value {
        let Value::Object(map) = node else {
            // Booleans and the like pass through; the schema stage judges them.
            return node.clone();
        };
        let nullable = map.get("x-nullable") == Some(&Value::Bool(true));
        if let (Some(Value::String(target)), true) = (map.get("$ref"), nullable) {
            // 3.0 ignores a reference's siblings, so the reference is wrapped to keep
            // `nullable` meaningful.
            let inner_conv = pointer_join(&pointer_join(conv, "allOf"), "0");
            self.origins.record(&inner_conv, orig);
            self.origins.record(
                pointer_join(conv, "nullable"),
                pointer_join(orig, "x-nullable"),
            );
            let mut out = Map::new();
            out.insert("allOf".into(), json!([{ "$ref": rewrite_ref(target) }]));
            out.insert("nullable".into(), true.into());
            for (key, value) in map {
                if matches!(key.as_str(), "description" | "title" | "readOnly")
                    || key.starts_with("x-")
                {
                    out.insert(key.clone(), value.clone());
                }
            }
            return Value::Object(out);
        }
        let mut out = Map::new();
        let mut file = false;
        for (key, value) in map {
            let orig_child = pointer_join(orig, key);
            let conv_child = pointer_join(conv, key);
            let converted = match key.as_str() {
                "$ref" => match value {
                    Value::String(target) => Value::String(rewrite_ref(target)),
                    other => other.clone(),
                },
                "type" => match value {
                    Value::String(t) if t == "file" => {
                        self.origins
                            .record(pointer_join(conv, "format"), &orig_child);
                        file = true;
                        "string".into()
                    }
                    // `["string", "null"]` is not 2.0, but common; 3.0 says it so.
                    Value::Array(types) => {
                        let named: Vec<&Value> = types
                            .iter()
                            .filter(|t| t.as_str() != Some("null"))
                            .collect();
                        match named.as_slice() {
                            [one] if named.len() < types.len() => {
                                out.insert("nullable".into(), true.into());
                                (*one).clone()
                            }
                            _ => value.clone(),
                        }
                    }
                    other => other.clone(),
                },
                "discriminator" => match value {
                    Value::String(property) => {
                        self.origins
                            .record(pointer_join(&conv_child, "propertyName"), &orig_child);
                        json!({ "propertyName": property })
                    }
                    other => other.clone(),
                },
                "properties" | "patternProperties" | "definitions" => match value {
                    Value::Object(children) => Value::Object(
                        children
                            .iter()
                            .map(|(name, child)| {
                                let converted = self.schema(
                                    child,
                                    &pointer_join(&orig_child, name),
                                    &pointer_join(&conv_child, name),
                                );
                                (name.clone(), converted)
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => match value {
                    Value::Object(_) => self.schema(value, &orig_child, &conv_child),
                    Value::Array(list) => Value::Array(
                        list.iter()
                            .enumerate()
                            .map(|(i, item)| {
                                let index = i.to_string();
                                self.schema(
                                    item,
                                    &pointer_join(&orig_child, &index),
                                    &pointer_join(&conv_child, &index),
                                )
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "allOf" | "anyOf" | "oneOf" => match value {
                    Value::Array(list) => Value::Array(
                        list.iter()
                            .enumerate()
                            .map(|(i, item)| {
                                let index = i.to_string();
                                self.schema(
                                    item,
                                    &pointer_join(&orig_child, &index),
                                    &pointer_join(&conv_child, &index),
                                )
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        if file {
            // A file is bytes whatever `format` said.
            out.insert("format".into(), "binary".into());
        }
        if nullable {
            out.insert("nullable".into(), true.into());
            self.origins.record(
                pointer_join(conv, "nullable"),
                pointer_join(orig, "x-nullable"),
            );
        }
        Value::Object(out)
    }
}

/// The parameter at `at` as a body or form parameter, when it is one.
fn body_param<'a>(node: &'a Map<String, Value>, at: &str) -> Option<BodyParam<'a>> {
    let form = match node.get("in").and_then(Value::as_str)? {
        "body" => false,
        "formData" => true,
        _ => return None,
    };
    Some(BodyParam {
        at: at.to_string(),
        node,
        form,
        name: node
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}

fn is_array(map: &Map<String, Value>) -> bool {
    map.get("type").and_then(Value::as_str) == Some("array")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2.0 document from YAML text, with `swagger` and `info` filled in.
    fn doc(yaml: &str) -> Value {
        let mut value: Value = serde_yaml::from_str(yaml).expect("test YAML parses");
        let map = value.as_object_mut().expect("test documents are objects");
        map.insert("swagger".into(), "2.0".into());
        map.entry("info")
            .or_insert(json!({"title": "t", "version": "1"}));
        value
    }

    fn converted(yaml: &str) -> Converted {
        match convert(&doc(yaml)) {
            Ok(converted) => converted,
            Err(problems) => panic!("unexpected problems: {problems:?}"),
        }
    }

    fn problems(yaml: &str) -> Vec<(String, String)> {
        match convert(&doc(yaml)) {
            Ok(converted) => panic!("expected problems, converted to {:#}", converted.doc),
            Err(problems) => problems
                .into_iter()
                .map(|d| (d.pointer, d.message))
                .collect(),
        }
    }

    /// The diagnostics the whole pipeline reports for a 2.0 document, as `pointer: message`.
    fn pipeline_problems(yaml: &str) -> Vec<String> {
        let text = serde_json::to_string(&doc(yaml)).expect("a value serializes");
        let document =
            crate::load::Document::from_bytes(std::path::Path::new("t.json"), text.as_bytes())
                .expect("the document loads");
        match crate::lower::lower(&document) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .items
                .into_iter()
                .map(|d| format!("{}: {}", d.pointer, d.message))
                .collect(),
        }
    }

    #[test]
    fn origins_map_the_longest_prefix() {
        let mut origins = Origins::default();
        assert_eq!(origins.input_pointer("/a/b"), "/a/b");
        origins.record("/components/schemas/X", "/definitions/X");
        origins.record(
            "/components/schemas/X/properties/p/nullable",
            "/definitions/X/properties/p/x-nullable",
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/X"),
            "/definitions/X"
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/X/items/$ref"),
            "/definitions/X/items/$ref"
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/X/properties/p/nullable"),
            "/definitions/X/properties/p/x-nullable"
        );
        // Prefixes match whole tokens only.
        assert_eq!(
            origins.input_pointer("/components/schemas/XY"),
            "/components/schemas/XY"
        );
        assert_eq!(origins.input_pointer(""), "");
    }

    #[test]
    fn definitions_become_component_schemas() {
        let out = converted(
            r##"
paths: {}
definitions:
  Pet:
    type: object
    discriminator: kind
    properties:
      kind: {type: string}
      tag: {type: string, x-nullable: true}
      owner: {$ref: "#/definitions/Owner", x-nullable: true}
      photo: {type: file}
      tags: {type: array, items: {$ref: "#/definitions/Tag"}}
    additionalProperties: {$ref: "#/definitions/Tag"}
  Owner: {allOf: [{$ref: "#/definitions/Tag"}], x-vendor: 1}
  Tag: {type: [string, "null"]}
"##,
        );
        let schemas = &out.doc["components"]["schemas"];
        let pet = &schemas["Pet"];
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(pet["properties"]["tag"]["nullable"], json!(true));
        assert_eq!(
            pet["properties"]["owner"],
            json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true, "x-nullable": true})
        );
        assert_eq!(
            pet["properties"]["photo"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            pet["properties"]["tags"]["items"]["$ref"],
            "#/components/schemas/Tag"
        );
        assert_eq!(
            pet["additionalProperties"]["$ref"],
            "#/components/schemas/Tag"
        );
        assert_eq!(
            schemas["Owner"],
            json!({"allOf": [{"$ref": "#/components/schemas/Tag"}], "x-vendor": 1})
        );
        assert_eq!(schemas["Tag"], json!({"type": "string", "nullable": true}));
        assert_eq!(out.doc["openapi"], "3.0.3");
        assert!(out.doc.get("swagger").is_none());
        let origins = &out.origins;
        assert_eq!(
            origins.input_pointer("/components/schemas/Pet/discriminator/propertyName"),
            "/definitions/Pet/discriminator"
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/Pet/properties/owner/allOf/0/$ref"),
            "/definitions/Pet/properties/owner/$ref"
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/Pet/properties/photo/format"),
            "/definitions/Pet/properties/photo/type"
        );
    }

    #[test]
    fn problems_inside_definitions_point_at_the_definition() {
        let problems = pipeline_problems(
            r##"
paths: {}
definitions:
  Pet:
    type: object
    properties:
      owner: {$ref: "owners.yaml#/definitions/Owner"}
"##,
        );
        assert_eq!(
            problems,
            ["/definitions/Pet/properties/owner/$ref: unsupported schema reference `owners.yaml#/definitions/Owner`: only `#/components/schemas/NAME` is supported here"]
        );
    }

    #[test]
    fn problems_in_parameters_and_responses_point_at_what_was_written() {
        let problems = pipeline_problems(
            r##"
paths:
  /a:
    get:
      parameters:
        - {in: body, name: b, schema: {type: object}}
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: p, in: query, type: string, x-ok: 1}
        - {name: rest, in: query, type: object}
        - {name: bad, in: query, type: object}
      responses:
        "200":
          description: ok
          schema: {$ref: "#/definitions/X/properties/y"}
"##,
        );
        assert_eq!(
            problems,
            [
                "/paths/~1a/get/parameters/4: parameter `bad`: only one exploded `form` object per operation can take the query keys no other parameter names, and `rest` already does; declare this one's properties or use `deepObject`",
                "/paths/~1a/get/responses/200/schema/$ref: unsupported schema reference `#/components/schemas/X/properties/y`: only `#/components/schemas/NAME` is supported here",
            ]
        );
    }

    #[test]
    fn conversion_problems_point_at_the_original() {
        let found = problems(
            r##"
paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: h, in: header, type: array, items: {type: string}, collectionFormat: multi}
        - {name: f, in: query, type: file}
        - {name: n, in: query, type: array, items: {type: array, items: {type: string}}}
        - {name: x, in: cookie, type: string}
        - {name: t, in: query}
      responses: {"200": {description: ok}}
x-ms-paths:
  /b?op=1:
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: tsv}
      responses: {"200": {description: ok}}
"##,
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/get/parameters/0/collectionFormat",
                "/paths/~1a/get/parameters/1/collectionFormat",
                "/paths/~1a/get/parameters/2/type",
                "/paths/~1a/get/parameters/3/items",
                "/paths/~1a/get/parameters/4/in",
                "/paths/~1a/get/parameters/5",
                "/x-ms-paths/~1b?op=1/get/parameters/0/collectionFormat",
            ]
        );
        assert!(found[0].1.contains("`tsv`"), "{}", found[0].1);
    }

    #[test]
    fn shared_parameters_and_responses_move_to_components() {
        let out = converted(
            r##"
produces: [application/json]
paths:
  /a/{id}:
    parameters:
      - $ref: "#/parameters/id"
    get:
      parameters:
        - $ref: "#/parameters/limit"
        - $ref: "#/parameters/body"
      responses:
        "200": {$ref: "#/responses/Ok"}
    put:
      produces: [text/plain]
      responses:
        "200": {$ref: "#/responses/Ok"}
parameters:
  id: {name: id, in: path, type: string}
  limit: {name: limit, in: query, type: integer, maximum: 10}
  body: {name: body, in: body, schema: {$ref: "#/definitions/X"}}
responses:
  Ok:
    description: fine
    schema: {type: string}
definitions:
  X: {type: object}
"##,
        );
        let doc = &out.doc;
        let components = &doc["components"];
        assert_eq!(
            components["parameters"],
            json!({
                "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}},
            })
        );
        assert_eq!(
            components["responses"]["Ok"],
            json!({"description": "fine", "content": {"application/json": {"schema": {"type": "string"}}}})
        );
        let item = &doc["paths"]["/a/{id}"];
        assert_eq!(
            item["parameters"],
            json!([{"$ref": "#/components/parameters/id"}])
        );
        let get = &item["get"];
        assert_eq!(
            get["parameters"],
            json!([{"$ref": "#/components/parameters/limit"}])
        );
        assert_eq!(
            get["requestBody"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/X"})
        );
        assert_eq!(
            get["responses"]["200"],
            json!({"$ref": "#/components/responses/Ok"})
        );
        // Another `produces` gets its own copy of the shared response.
        assert_eq!(
            item["put"]["responses"]["200"],
            json!({"description": "fine", "content": {"text/plain": {"schema": {"type": "string"}}}})
        );
        let origins = &out.origins;
        assert_eq!(
            origins.input_pointer(
                "/paths/~1a~1{id}/get/requestBody/content/application~1json/schema/$ref"
            ),
            "/parameters/body/schema/$ref"
        );
        assert_eq!(
            origins.input_pointer("/paths/~1a~1{id}/put/responses/200/content/text~1plain/schema"),
            "/responses/Ok/schema"
        );
        assert_eq!(
            origins.input_pointer("/components/parameters/limit/schema/maximum"),
            "/parameters/limit/maximum"
        );
        assert_eq!(
            origins.input_pointer("/components/responses/Ok/content/application~1json/schema/type"),
            "/responses/Ok/schema/type"
        );
    }

    #[test]
    fn security_definitions_become_schemes() {
        let out = converted(
            r##"
paths: {}
security: [{key: []}]
securityDefinitions:
  basic: {type: basic, description: d}
  key: {type: apiKey, name: k, in: query, x-v: 1}
  implicit: {type: oauth2, flow: implicit, authorizationUrl: "https://a", scopes: {read: r}}
  password: {type: oauth2, flow: password, tokenUrl: "https://t"}
  application: {type: oauth2, flow: application, tokenUrl: "https://t", scopes: {}}
  code: {type: oauth2, flow: accessCode, authorizationUrl: "https://a", tokenUrl: "https://t", scopes: {}}
"##,
        );
        assert_eq!(out.doc["security"], json!([{"key": []}]));
        assert_eq!(
            out.doc["components"]["securitySchemes"],
            json!({
                "basic": {"type": "http", "scheme": "basic", "description": "d"},
                "key": {"type": "apiKey", "name": "k", "in": "query", "x-v": 1},
                "implicit": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"read": "r"}}}},
                "password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}},
                "application": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}},
                "code": {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}}},
            })
        );
        assert_eq!(
            out.origins
                .input_pointer("/components/securitySchemes/code/flows/authorizationCode/tokenUrl"),
            "/securityDefinitions/code/tokenUrl"
        );
        let found = problems(
            r##"
paths: {}
securityDefinitions:
  a: {type: digest}
  b: {type: oauth2, flow: device}
  c: {type: oauth2, flow: password}
  d: 7
"##,
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/securityDefinitions/a/type",
                "/securityDefinitions/b/flow",
                "/securityDefinitions/c",
                "/securityDefinitions/d"
            ]
        );
    }

    #[test]
    fn host_base_path_and_schemes_become_servers() {
        let servers = |yaml: &str| converted(yaml).doc.get("servers").cloned();
        assert_eq!(servers("paths: {}"), None);
        assert_eq!(
            servers("{paths: {}, host: h.io, basePath: /v1, schemes: [https, http]}"),
            Some(json!([{"url": "https://h.io/v1"}, {"url": "http://h.io/v1"}]))
        );
        assert_eq!(
            servers("{paths: {}, host: h.io}"),
            Some(json!([{"url": "//h.io"}]))
        );
        assert_eq!(
            servers("{paths: {}, basePath: /v2}"),
            Some(json!([{"url": "/v2"}]))
        );
        // An operation's own `schemes` become its own `servers`, on the document's host.
        let out = converted(
            r##"
host: h.io
paths:
  /a: {get: {schemes: [wss], responses: {"200": {description: ok}}}}
"##,
        );
        assert_eq!(
            out.doc["paths"]["/a"]["get"]["servers"],
            json!([{"url": "wss://h.io"}])
        );
        assert_eq!(
            out.origins.input_pointer("/paths/~1a/get/servers/0"),
            "/paths/~1a/get/schemes/0"
        );
    }

    #[test]
    fn consumes_and_produces_choose_media_types() {
        let out = converted(
            r##"
consumes: [application/json, application/xml]
produces: [application/xml]
paths:
  /a:
    post:
      consumes: [text/plain]
      parameters:
        - {in: body, name: b, required: true, description: d, x-e: 1, schema: {type: string}}
      responses:
        "200": {description: ok, schema: {type: string}}
    put:
      produces: [application/json, text/plain]
      parameters:
        - {in: body, name: b, schema: {type: string}}
      responses:
        "200": {description: ok, schema: {type: string}}
  /b:
    get:
      produces: []
      responses:
        "200": {description: ok, schema: {type: string}}
"##,
        );
        let a = &out.doc["paths"]["/a"];
        assert_eq!(
            a["post"]["requestBody"],
            json!({"required": true, "description": "d", "x-e": 1, "content": {"text/plain": {"schema": {"type": "string"}}}})
        );
        assert_eq!(
            a["post"]["responses"]["200"]["content"],
            json!({"application/xml": {"schema": {"type": "string"}}})
        );
        let put = &a["put"];
        let body_types: Vec<&String> = put["requestBody"]["content"]
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(body_types, ["application/json", "application/xml"]);
        let response_types: Vec<&String> = put["responses"]["200"]["content"]
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(response_types, ["application/json", "text/plain"]);
        // With no media type at all, JSON is what 2.0 tools assumed.
        assert_eq!(
            out.doc["paths"]["/b"]["get"]["responses"]["200"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}})
        );
    }

    #[test]
    fn form_parameters_become_one_object_body() {
        let out = converted(
            r##"
paths:
  /form:
    parameters:
      - {name: shared, in: formData, type: string}
    post:
      parameters:
        - {name: id, in: path, required: true, type: integer}
        - {name: name, in: formData, required: true, type: string, description: d}
        - {name: tags, in: formData, type: array, items: {type: string}}
        - {name: all, in: formData, type: array, items: {type: string}, collectionFormat: multi}
      responses: {"200": {description: ok}}
  /upload:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: file, in: formData, type: file}
      responses: {"200": {description: ok}}
  /multi:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: note, in: formData, type: string}
      responses: {"200": {description: ok}}
"##,
        );
        let form = &out.doc["paths"]["/form"]["post"];
        assert_eq!(
            form["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}])
        );
        assert_eq!(
            form["requestBody"],
            json!({"required": true, "content": {"application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": {
                    "name": {"type": "string", "description": "d"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "all": {"type": "array", "items": {"type": "string"}},
                    "shared": {"type": "string"},
                }, "required": ["name"]},
                "encoding": {"tags": {"style": "form", "explode": false}},
            }}})
        );
        assert!(out.doc["paths"]["/form"].get("parameters").is_none());
        assert_eq!(
            out.doc["paths"]["/upload"]["post"]["requestBody"],
            json!({"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}}}})
        );
        let multi = &out.doc["paths"]["/multi"]["post"]["requestBody"]["content"];
        assert!(multi.get("multipart/form-data").is_some(), "{multi}");
        assert_eq!(
            out.origins.input_pointer("/paths/~1form/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/shared/type"),
            "/paths/~1form/parameters/0/type"
        );
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1form/post/parameters/0/schema/type"),
            "/paths/~1form/post/parameters/0/type"
        );
        let found = problems(
            r##"
paths:
  /a:
    post:
      parameters:
        - {in: body, name: a, schema: {type: string}}
        - {in: formData, name: b, type: string}
      responses: {"200": {description: ok}}
    put:
      parameters:
        - {in: body, name: a, schema: {type: string}}
        - {in: body, name: b, schema: {type: string}}
      responses: {"200": {description: ok}}
    patch:
      parameters:
        - {in: body, name: a}
      responses: {"200": {description: ok}}
"##,
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/post/parameters/1",
                "/paths/~1a/put/parameters/1",
                "/paths/~1a/patch/parameters/0"
            ]
        );
    }

    #[test]
    fn collection_formats_become_styles() {
        let out = converted(
            r##"
paths:
  /a/{p}:
    get:
      parameters:
        - {name: p, in: path, required: true, type: array, items: {type: string}}
        - {name: c, in: query, type: array, items: {type: string}, collectionFormat: csv}
        - {name: d, in: query, type: array, items: {type: string}}
        - {name: m, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: s, in: query, type: array, items: {type: string}, collectionFormat: ssv}
        - {name: b, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: h, in: header, type: array, items: {type: string}}
        - {name: e, in: query, type: string, enum: [x], default: x, x-ex: 1, allowEmptyValue: true}
      responses: {"200": {description: ok}}
"##,
        );
        let params = &out.doc["paths"]["/a/{p}"]["get"]["parameters"];
        let styles: Vec<(Value, Value)> = (0..7)
            .map(|i| (params[i]["style"].clone(), params[i]["explode"].clone()))
            .collect();
        assert_eq!(
            styles,
            [
                (json!("simple"), json!(false)),
                (json!("form"), json!(false)),
                (json!("form"), json!(false)),
                (json!("form"), json!(true)),
                (json!("spaceDelimited"), json!(false)),
                (json!("pipeDelimited"), json!(false)),
                (json!("simple"), json!(false)),
            ]
        );
        assert_eq!(
            params[7],
            json!({"name": "e", "in": "query", "x-ex": 1, "allowEmptyValue": true, "schema": {"type": "string", "enum": ["x"], "default": "x"}})
        );
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1a~1{p}/get/parameters/5/style"),
            "/paths/~1a~1{p}/get/parameters/5/collectionFormat"
        );
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1a~1{p}/get/parameters/2/explode"),
            "/paths/~1a~1{p}/get/parameters/2"
        );
    }

    #[test]
    fn responses_keep_headers_and_examples() {
        let out = converted(
            r##"
paths:
  /a:
    get:
      operationId: getA
      summary: s
      description: d
      tags: [t]
      deprecated: true
      externalDocs: {url: "https://docs"}
      x-op: 1
      produces: [application/json, text/csv]
      responses:
        "200":
          description: ok
          x-r: 2
          headers:
            X-Rate: {type: integer, format: int32, description: rate}
            X-List: {type: array, items: {type: string}}
          schema: {type: object}
          examples:
            application/json: {a: 1}
            application/xml: "<a/>"
        "204": {description: none}
        x-ext: 3
"##,
        );
        let get = &out.doc["paths"]["/a"]["get"];
        for key in [
            "operationId",
            "summary",
            "description",
            "tags",
            "deprecated",
            "externalDocs",
            "x-op",
        ] {
            assert!(get.get(key).is_some(), "{key} was dropped");
        }
        assert_eq!(
            get["responses"],
            json!({
                "200": {
                    "description": "ok",
                    "x-r": 2,
                    "headers": {
                        "X-Rate": {"description": "rate", "schema": {"type": "integer", "format": "int32"}},
                        "X-List": {"schema": {"type": "array", "items": {"type": "string"}}},
                    },
                    "content": {
                        "application/json": {"schema": {"type": "object"}, "example": {"a": 1}},
                        "text/csv": {"schema": {"type": "object"}},
                    },
                },
                "204": {"description": "none"},
                "x-ext": 3,
            })
        );
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1a/get/responses/200/headers/X-Rate/schema/format"),
            "/paths/~1a/get/responses/200/headers/X-Rate/format"
        );
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1a/get/responses/200/content/application~1json/example"),
            "/paths/~1a/get/responses/200/examples/application~1json"
        );
    }

    #[test]
    fn x_ms_paths_join_paths() {
        let out = converted(
            r##"
paths:
  /a: {get: {responses: {"200": {description: ok}}}}
  x-note: kept
x-ms-paths:
  /a?op=b:
    get:
      parameters:
        - {name: q, in: query, type: string}
      responses: {"200": {description: ok}}
"##,
        );
        let paths = out.doc["paths"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>());
        assert_eq!(
            paths,
            Some(vec!["/a".into(), "x-note".into(), "/a?op=b".into()])
        );
        assert!(out.doc.get("x-ms-paths").is_none());
        assert_eq!(
            out.origins
                .input_pointer("/paths/~1a?op=b/get/parameters/0/schema/type"),
            "/x-ms-paths/~1a?op=b/get/parameters/0/type"
        );
        let found = problems(
            r##"
paths:
  /a: {get: {responses: {"200": {description: ok}}}}
x-ms-paths:
  /a: {get: {responses: {"200": {description: ok}}}}
"##,
        );
        assert_eq!(found[0].0, "/x-ms-paths/~1a");
    }

    #[test]
    fn top_level_fields_and_extensions_are_kept() {
        let out = converted(
            r##"
info: {title: t, version: "1", description: d, x-logo: l}
tags: [{name: a, description: b}]
externalDocs: {url: "https://e"}
x-top: 1
paths: {}
"##,
        );
        assert_eq!(out.doc["info"]["x-logo"], "l");
        assert_eq!(out.doc["tags"][0]["name"], "a");
        assert_eq!(out.doc["externalDocs"]["url"], "https://e");
        assert_eq!(out.doc["x-top"], 1);
    }

    #[test]
    fn wrong_versions_and_shapes_are_diagnostics_not_panics() {
        assert!(convert(&json!([])).is_err());
        assert_eq!(
            convert(&json!({"swagger": "1.2"}))
                .err()
                .map(|p| p[0].pointer.clone()),
            Some("/swagger".into())
        );
        assert!(convert(&json!({"swagger": 2.0})).is_err());
        // Every node of the wrong type, at every level: problems or skips, never panics.
        let odd = [
            json!(null),
            json!(1),
            json!("s"),
            json!([1]),
            json!({"a": 1}),
            json!(true),
        ];
        let slots: &[&str] = &[
            "/paths",
            "/paths/~1a",
            "/paths/~1a/get",
            "/paths/~1a/get/parameters",
            "/paths/~1a/get/parameters/0",
            "/paths/~1a/get/parameters/0/in",
            "/paths/~1a/get/parameters/0/items",
            "/paths/~1a/get/parameters/0/collectionFormat",
            "/paths/~1a/get/parameters/0/$ref",
            "/paths/~1a/get/responses",
            "/paths/~1a/get/responses/200",
            "/paths/~1a/get/responses/200/schema",
            "/paths/~1a/get/responses/200/headers",
            "/paths/~1a/get/responses/200/headers/X",
            "/paths/~1a/get/responses/200/$ref",
            "/paths/~1a/get/responses/200/examples",
            "/paths/~1a/parameters",
            "/paths/~1a/get/consumes",
            "/paths/~1a/get/produces",
            "/paths/~1a/get/schemes",
            "/definitions",
            "/definitions/X",
            "/definitions/X/properties",
            "/definitions/X/items",
            "/definitions/X/allOf",
            "/definitions/X/type",
            "/definitions/X/discriminator",
            "/parameters",
            "/parameters/p",
            "/responses",
            "/responses/r",
            "/securityDefinitions",
            "/securityDefinitions/s",
            "/securityDefinitions/s/flow",
            "/securityDefinitions/s/scopes",
            "/consumes",
            "/produces",
            "/host",
            "/basePath",
            "/schemes",
            "/x-ms-paths",
        ];
        let base = doc(r##"
host: h
paths:
  /a:
    parameters: [{name: s, in: formData, type: string}]
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: csv, $ref: "#/parameters/p"}
      responses:
        "200": {description: ok, schema: {type: string}, headers: {X: {type: string}}, $ref: "#/responses/r"}
definitions: {X: {type: object, properties: {}, items: {}, allOf: [], discriminator: d}}
parameters: {p: {name: p, in: body, schema: {}}}
responses: {r: {description: r}}
securityDefinitions: {s: {type: oauth2, flow: password, tokenUrl: t, scopes: {}}}
"##);
        for slot in slots {
            for value in &odd {
                let mut input = base.clone();
                if let Some(node) = input.pointer_mut(slot) {
                    *node = value.clone();
                } else if let Some((parent, key)) = slot.rsplit_once('/') {
                    if let Some(Value::Object(map)) = input.pointer_mut(parent) {
                        map.insert(key.replace("~1", "/"), value.clone());
                    }
                }
                let _ = convert(&input);
                // What the conversion lets through must not break the later stages either.
                let text = serde_json::to_string(&input).unwrap_or_default();
                if let Ok(document) = crate::load::Document::from_bytes(
                    std::path::Path::new("t.json"),
                    text.as_bytes(),
                ) {
                    let _ = crate::lower::lower(&document);
                }
            }
        }
    }
}
