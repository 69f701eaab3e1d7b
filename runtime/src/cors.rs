//! Cross-origin requests from browsers (CORS), answered from the API's own document.
//!
//! A generic CORS layer must be told which methods and headers to allow, and usually
//! allows the same everywhere. The OpenAPI document already says, path by path, which
//! methods exist, which request headers the operations read (header parameters,
//! credentials, `content-type` for bodies) and which response headers they set, so a
//! preflight here allows exactly those, and it is answered before authentication and
//! before a method the path lacks could be a 405.
//!
//! The table is read from the document the first time a cross-origin request arrives, so
//! a server without [`CorsConfig`](crate::CorsConfig) never parses it.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::Value;

use specfirst_model::refs::referred;
use specfirst_model::vocabulary::{ADDITIONAL_OPERATIONS, METHODS};

use crate::config::CorsConfig;
use crate::request_id::REQUEST_ID_HEADER;

/// The CORS settings the server puts on every request, for the router to apply.
#[derive(Clone, Debug)]
pub(crate) struct Cors(pub(crate) Arc<CorsConfig>);

/// What the document allows on the paths of one router, read once when first needed.
#[derive(Debug)]
pub(crate) struct CorsRoutes {
    document: &'static str,
    routes: OnceLock<Vec<Route>>,
}

/// One path of the document: what its operations take and answer.
#[derive(Debug, PartialEq)]
struct Route {
    segments: Vec<Segment>,
    allowed: Allowed,
}

/// The methods and headers one or more paths allow.
#[derive(Debug, Default, PartialEq)]
struct Allowed {
    /// Methods in upper case.
    methods: BTreeSet<String>,
    /// Request headers, lower case.
    headers: BTreeSet<String>,
    /// Response headers a script may read, lower case.
    exposed: BTreeSet<String>,
}

/// A segment of a path template: literal text, or text around parameters, as the
/// pieces between them (`{name}:write` is `["", ":write"]`).
#[derive(Debug, PartialEq)]
enum Segment {
    Literal(String),
    Pattern(Vec<String>),
}

impl CorsRoutes {
    /// The table for the router serving `document`.
    pub(crate) fn new(document: &'static str) -> Self {
        Self {
            document,
            routes: OnceLock::new(),
        }
    }

    fn routes(&self) -> &[Route] {
        self.routes
            .get_or_init(|| match serde_json::from_str(self.document) {
                Ok(document) => read_routes(&document),
                // The generator wrote the document; one that is not JSON allows nothing.
                Err(_) => Vec::new(),
            })
    }

    /// What every path of the document matching `path` allows together; `None` when
    /// none matches.
    fn allowed(&self, path: &str) -> Option<Allowed> {
        let mut found: Option<Allowed> = None;
        for route in self.routes().iter().filter(|route| route.matches(path)) {
            let all = found.get_or_insert_with(Allowed::default);
            all.methods.extend(route.allowed.methods.iter().cloned());
            all.headers.extend(route.allowed.headers.iter().cloned());
            all.exposed.extend(route.allowed.exposed.iter().cloned());
        }
        found
    }
}

/// The answer to a CORS preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) for a path of the document, or `None` for any
/// other request, which goes on to routing.
pub(crate) fn preflight(
    cors: &CorsConfig,
    routes: &CorsRoutes,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    if method != Method::OPTIONS || !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        return None;
    }
    let origin = headers.get(header::ORIGIN)?;
    let allowed = routes.allowed(path)?;
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let out = response.headers_mut();
    out.insert(
        header::VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    // A disallowed origin gets no allow headers, which the browser takes as a refusal.
    let Some(allow_origin) = allow_origin(cors, origin) else {
        return Some(response);
    };
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    if cors.allow_credentials {
        out.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    insert_list(out, header::ACCESS_CONTROL_ALLOW_METHODS, &allowed.methods);
    if !allowed.headers.is_empty() {
        insert_list(out, header::ACCESS_CONTROL_ALLOW_HEADERS, &allowed.headers);
    }
    if let Some(max_age) = cors.max_age {
        out.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from(max_age.as_secs()),
        );
    }
    Some(response)
}

/// Adds to the response of a request from an allowed origin the headers that let the
/// browser's script read it, with the response headers the path's operations declare.
pub(crate) fn expose(
    cors: &CorsConfig,
    routes: &CorsRoutes,
    origin: Option<&HeaderValue>,
    path: &str,
    response: &mut Response,
) {
    let Some(origin) = origin else { return };
    let out = response.headers_mut();
    out.append(header::VARY, HeaderValue::from_static("origin"));
    let Some(allow_origin) = allow_origin(cors, origin) else {
        return;
    };
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    if cors.allow_credentials {
        out.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    let mut exposed = routes.allowed(path).unwrap_or_default().exposed;
    exposed.insert(REQUEST_ID_HEADER.to_string());
    insert_list(out, header::ACCESS_CONTROL_EXPOSE_HEADERS, &exposed);
}

/// The `Access-Control-Allow-Origin` value for `origin`, when the settings allow it.
fn allow_origin(cors: &CorsConfig, origin: &HeaderValue) -> Option<HeaderValue> {
    let text = origin.to_str().ok()?;
    if cors.allowed_origins.iter().any(|allowed| allowed == text) {
        return Some(origin.clone());
    }
    // With credentials browsers refuse `*`, and the settings refuse it too.
    let any = !cors.allow_credentials && cors.allowed_origins.iter().any(|allowed| allowed == "*");
    any.then(|| HeaderValue::from_static("*"))
}

fn insert_list(headers: &mut HeaderMap, name: header::HeaderName, items: &BTreeSet<String>) {
    let joined = items
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::from_str(&joined) {
        headers.insert(name, value);
    }
}

impl Route {
    fn matches(&self, path: &str) -> bool {
        let mut parts = path.split('/').skip(1);
        for segment in &self.segments {
            let Some(part) = parts.next() else {
                return false;
            };
            let fits = match segment {
                Segment::Literal(text) => part == text,
                Segment::Pattern(pieces) => pattern_fits(pieces, part),
            };
            if !fits {
                return false;
            }
        }
        parts.next().is_none()
    }
}

/// Whether `part` is `pieces` with a non-empty value between each two.
fn pattern_fits(pieces: &[String], part: &str) -> bool {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return false;
    };
    let Some(mut rest) = part.strip_prefix(first.as_str()) else {
        return false;
    };
    for piece in &pieces[1..pieces.len() - 1] {
        // Each value is at least one character, so the piece is looked for after it.
        let Some(at) = rest.get(1..).and_then(|tail| tail.find(piece.as_str())) else {
            return false;
        };
        rest = &rest[at + 1 + piece.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last.as_str())
}

/// The segments of a path template.
fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .skip(1)
        .map(|segment| {
            if !segment.contains('{') {
                return Segment::Literal(segment.to_string());
            }
            let mut pieces = Vec::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                pieces.push(rest[..open].to_string());
                rest = rest[open..]
                    .find('}')
                    .map_or("", |close| &rest[open + close + 1..]);
            }
            pieces.push(rest.to_string());
            Segment::Pattern(pieces)
        })
        .collect()
}

/// Every path of an OpenAPI 3 or Swagger 2.0 document with what its operations allow.
fn read_routes(document: &Value) -> Vec<Route> {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let default_security = document.get("security");
    paths
        .iter()
        .map(|(template, item)| {
            let item = resolve(document, item);
            let mut allowed = Allowed::default();
            allowed.headers.insert(REQUEST_ID_HEADER.to_string());
            let fixed = METHODS
                .iter()
                .filter_map(|&method| Some((method.to_ascii_uppercase(), item.get(method)?)));
            let additional = item
                .get(ADDITIONAL_OPERATIONS)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(method, operation)| (method.clone(), operation));
            for (method, operation) in fixed.chain(additional) {
                if method == "GET" {
                    allowed.methods.insert("HEAD".into());
                }
                allowed.methods.insert(method);
                let parameters = [item.get("parameters"), operation.get("parameters")];
                for parameter in parameters.into_iter().flatten().filter_map(Value::as_array) {
                    for parameter in parameter.iter().map(|p| resolve(document, p)) {
                        let name = parameter.get("name").and_then(Value::as_str);
                        match (parameter.get("in").and_then(Value::as_str), name) {
                            (Some("header"), Some(name)) => {
                                allowed.headers.insert(name.to_ascii_lowercase());
                            }
                            (Some("body" | "formData"), _) => {
                                allowed.headers.insert("content-type".into());
                            }
                            _ => {}
                        }
                    }
                }
                if operation.get("requestBody").is_some() {
                    allowed.headers.insert("content-type".into());
                }
                let security = operation.get("security").or(default_security);
                for name in security
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object)
                    .flat_map(|requirement| requirement.keys())
                {
                    if let Some(header) = credential_header(document, name) {
                        allowed.headers.insert(header);
                    }
                }
                for response in operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|responses| responses.values())
                {
                    let response = resolve(document, response);
                    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
                        allowed
                            .exposed
                            .extend(headers.keys().map(|name| name.to_ascii_lowercase()));
                    }
                }
            }
            Route {
                segments: segments(template),
                allowed,
            }
        })
        .collect()
}

/// The request header that carries the credentials of security scheme `name`.
fn credential_header(document: &Value, name: &str) -> Option<String> {
    let scheme = document
        .pointer("/components/securitySchemes")
        .or_else(|| document.get("securityDefinitions"))
        .and_then(|schemes| schemes.get(name))
        .map(|scheme| resolve(document, scheme))?;
    match scheme.get("type").and_then(Value::as_str)? {
        "apiKey" if scheme.get("in").and_then(Value::as_str) == Some("header") => scheme
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase),
        "http" | "basic" | "oauth2" | "openIdConnect" => Some("authorization".into()),
        _ => None,
    }
}

/// `value`, or what its local `$ref` points at (one hop, as the document's own
/// references to components go).
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    referred(document, value).unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(template: &str) -> Route {
        Route {
            segments: segments(template),
            allowed: Allowed::default(),
        }
    }

    #[test]
    fn paths_match_their_templates() {
        assert!(route("/books").matches("/books"));
        assert!(!route("/books").matches("/books/1"));
        assert!(route("/books/{id}").matches("/books/1"));
        assert!(!route("/books/{id}").matches("/books/"));
        assert!(!route("/books/{id}").matches("/books"));
        assert!(route("/v1/{name}:write").matches("/v1/runs:write"));
        assert!(!route("/v1/{name}:write").matches("/v1/:write"));
        assert!(!route("/v1/{name}:write").matches("/v1/runs"));
        assert!(route("/files/{name}.{ext}").matches("/files/a.b.txt"));
        assert!(!route("/files/{name}.{ext}").matches("/files/a."));
        assert!(route("/").matches("/"));
    }

    #[test]
    fn the_document_says_what_each_path_allows() {
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "security": [{"key": []}],
            "components": {
                "securitySchemes": {
                    "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                    "token": {"type": "http", "scheme": "bearer"},
                },
                "parameters": {
                    "Trace": {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                },
            },
            "paths": {
                "/books": {
                    "parameters": [{"$ref": "#/components/parameters/Trace"}],
                    "get": {"responses": {"200": {"description": "ok"}}},
                    "post": {
                        "security": [{"token": []}],
                        "requestBody": {"content": {"application/json": {}}},
                        "responses": {"201": {
                            "description": "created",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                        }},
                    },
                },
            },
        });
        let routes = read_routes(&document);
        assert_eq!(routes.len(), 1);
        let allowed = &routes[0].allowed;
        let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(",");
        assert_eq!(list(&allowed.methods), "GET,HEAD,POST");
        assert_eq!(
            list(&allowed.headers),
            "authorization,content-type,x-api-key,x-request-id,x-trace"
        );
        assert_eq!(list(&allowed.exposed), "location");
    }

    #[test]
    fn methods_of_additional_operations_are_allowed_too() {
        let document = serde_json::json!({
            "openapi": "3.2.0",
            "paths": {"/cache": {
                "query": {"responses": {"200": {"description": "ok"}}},
                "additionalOperations": {
                    "PURGE": {"responses": {"204": {"description": "gone"}}},
                },
            }},
        });
        let routes = read_routes(&document);
        let methods: Vec<_> = routes[0].allowed.methods.iter().cloned().collect();
        assert_eq!(methods, ["PURGE", "QUERY"]);
    }

    #[test]
    fn origins_are_allowed_as_listed() {
        let origin = HeaderValue::from_static("https://app.example");
        let listed = CorsConfig::new(["https://app.example"]);
        assert_eq!(allow_origin(&listed, &origin), Some(origin.clone()));
        let other = HeaderValue::from_static("https://evil.example");
        assert_eq!(allow_origin(&listed, &other), None);
        let any = CorsConfig::new(["*"]);
        assert_eq!(
            allow_origin(&any, &other),
            Some(HeaderValue::from_static("*"))
        );
        let credentials = CorsConfig {
            allow_credentials: true,
            ..CorsConfig::new(["*"])
        };
        assert_eq!(allow_origin(&credentials, &other), None);
    }
}
