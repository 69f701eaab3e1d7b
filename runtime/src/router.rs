//! Wrapping the generated routes with the OpenAPI document route, JSON 404/405 handling,
//! request ids, tracing spans, panic recovery and CORS (when the server is given it).

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, Method, StatusCode, Uri};
use tracing::Instrument;

use crate::cors::{self, Cors, CorsRoutes};
use crate::error::{ErrorBody, Rendered};
use crate::observe::Routed;
use crate::pagination;
use crate::request_id::{self, RequestId, REQUEST_ID_HEADER};
use crate::trace_context;
use crate::{panic, response, HttpError};

/// Largest error body produced elsewhere (e.g. by axum) that is kept as the error message.
const MAX_FOREIGN_MESSAGE: usize = 1024;

/// Options for [`finish_router`](crate::__private::finish_router).
#[derive(Clone, Debug)]
pub struct RouterOptions {
    /// Path at which the OpenAPI document is served, or `None` to not serve it.
    /// Defaults to `/openapi.json`.
    pub openapi_path: Option<String>,
    /// Path of a documentation page for the API (Swagger UI over the document at
    /// `openapi_path`, its code bundled so it works offline; assets under
    /// `{docs_path}/assets/`), or `None` for no page. Needs the `docs` feature.
    /// Defaults to `None`.
    pub docs_path: Option<String>,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            openapi_path: Some("/openapi.json".into()),
            docs_path: None,
        }
    }
}

impl RouterOptions {
    /// These options with the documentation page at `path` (such as `/docs`).
    pub fn with_docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }
}

/// `path` with a leading `/`.
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// Adds the OpenAPI document route, the documentation page when asked for, a JSON 404
/// fallback and the request middleware to the generated routes.
///
/// # Panics
///
/// Like any axum route registration, panics if `options.openapi_path` or
/// `options.docs_path` is already routed; also when `docs_path` is set without
/// `openapi_path` (the page shows that document) or without the `docs` feature.
pub fn finish_router(
    routes: Router,
    openapi_document: &'static str,
    options: &RouterOptions,
) -> Router {
    let mut router = routes;
    if let Some(docs) = &options.docs_path {
        let Some(openapi) = &options.openapi_path else {
            panic!("RouterOptions::docs_path needs openapi_path: the page shows that document");
        };
        router = with_docs(
            router,
            &absolute(docs),
            &absolute(openapi),
            openapi_document,
        );
    }
    if let Some(path) = &options.openapi_path {
        let path = absolute(path);
        router = router.route(
            &path,
            get(move || async move {
                response::binary(
                    StatusCode::OK,
                    "application/json",
                    openapi_document.as_bytes().into(),
                )
            }),
        );
    }
    let routes = Arc::new(CorsRoutes::new(openapi_document));
    router
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(routes, request_middleware))
}

#[cfg(feature = "docs")]
fn with_docs(router: Router, docs: &str, openapi: &str, document: &str) -> Router {
    router.merge(crate::docs::routes(docs, openapi, document))
}

#[cfg(not(feature = "docs"))]
fn with_docs(_: Router, docs: &str, _: &str, _: &str) -> Router {
    panic!(
        "RouterOptions::docs_path is {docs:?}, but specfirst-runtime was built without its \
         `docs` feature, which bundles the page's code"
    );
}

async fn not_found(method: Method, uri: Uri) -> Response {
    HttpError::for_not_found(format!("no route for {method} {}", uri.path())).into_response()
}

async fn request_middleware(
    State(routes): State<Arc<CorsRoutes>>,
    mut request: Request,
    next: Next,
) -> Response {
    // Under `serve` the server middleware has already chosen the id and opened the span;
    // the router may also be served by other means, so it does both itself otherwise.
    let (id, server) = match request.extensions().get::<RequestId>() {
        Some(id) => (id.value.clone(), id.server.clone()),
        None => {
            let id = request_id::from_headers(request.headers());
            request.extensions_mut().insert(RequestId {
                value: id.clone(),
                server: None,
            });
            (id, None)
        }
    };
    let by_server = server.is_some();
    let method = request.method().clone();
    let uri = request.uri().clone();
    // Cross-origin settings come from the server (`ServerConfig::cors`); the paths they
    // apply to from this router's document.
    let cors = server.as_ref().and_then(|server| server.cors.clone());
    let origin = match &cors {
        Some(Cors(settings)) => {
            let headers = request.headers();
            if let Some(mut answer) =
                cors::preflight(settings, &routes, &method, uri.path(), headers)
            {
                answer.headers_mut().insert(REQUEST_ID_HEADER, id);
                return answer;
            }
            headers.get(header::ORIGIN).cloned()
        }
        None => None,
    };
    if server.as_ref().is_some_and(|server| server.compression) {
        // A server that reads gzip bodies (`ServerConfig::compression`) refuses a body in
        // another encoding here, where the refusal is JSON like the others.
        // gzip bodies arrive decompressed, without the header.
        let encoding = request.headers().get(header::CONTENT_ENCODING);
        if let Some(encoding) = encoding.filter(|e| !e.as_bytes().eq_ignore_ascii_case(b"identity"))
        {
            let mut answer = HttpError::for_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "unsupported content encoding {:?}; send gzip or no encoding",
                    String::from_utf8_lossy(encoding.as_bytes())
                ),
            )
            .with_error_code("UnsupportedMediaType")
            .into_response();
            answer.headers_mut().insert(REQUEST_ID_HEADER, id);
            return answer;
        }
    }
    // The server's page token key, for the tokens the handler issues and reads.
    let request_key = server.and_then(|server| server.page_token_key.clone());
    // Under `serve` this runs inside the server's span already, which learns its route
    // here; the observer's record too, when there is an observer.
    let template = request.extensions().get::<MatchedPath>();
    if let Some(routed) = request.extensions().get::<Routed>() {
        if let Some(template) = template {
            routed.set_path_template(template);
        }
    }
    let span = if by_server {
        // The span is at `info`: when that is off, so is looking it up.
        if tracing::level_enabled!(tracing::Level::INFO) {
            let current = tracing::Span::current();
            trace_context::record_path(&current, template.map(MatchedPath::as_str));
        }
        None
    } else {
        let span = trace_context::request_span(&method, request_id::text(&id), request.headers());
        trace_context::record_path(&span, template.map(MatchedPath::as_str));
        Some(span)
    };
    let handle = async {
        let response = match panic::CatchUnwind::new(next.run(request)).await {
            Ok(response) => response,
            Err(payload) => {
                let message = panic::message(&*payload);
                // The span carries the id too, but a panic is the line people grep for, so
                // it names the request itself.
                tracing::error!(
                    request_id = request_id::text(&id),
                    panic = message,
                    "handler panicked"
                );
                HttpError::for_internal_error(format!("handler panicked: {message}"))
                    .into_response()
            }
        };
        if response.status().as_u16() >= 400 && response.extensions().get::<Rendered>().is_none() {
            render_error(response, &method, &uri).await
        } else {
            response
        }
    };
    let handle = request_id::scope(id.clone(), pagination::with_key(request_key, handle));
    let mut response = match span {
        Some(span) => handle.instrument(span).await,
        None => handle.await,
    };
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    if let Some(Cors(settings)) = &cors {
        cors::expose(
            settings,
            &routes,
            origin.as_ref(),
            uri.path(),
            &mut response,
        );
    }
    response
}

/// Rewrites an error response produced outside this crate (such as axum's 405) into the JSON
/// error shape, keeping its headers (such as `Allow`).
async fn render_error(response: Response, method: &Method, uri: &Uri) -> Response {
    let (mut parts, body) = response.into_parts();
    let status = parts.status;
    let message = match status {
        StatusCode::NOT_FOUND => format!("no route for {method} {}", uri.path()),
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("method {method} is not allowed for {}", uri.path())
        }
        _ => foreign_message(body)
            .await
            .unwrap_or_else(|| reason(status)),
    };
    let error_code = match status {
        StatusCode::NOT_FOUND => Some("NotFound"),
        StatusCode::METHOD_NOT_ALLOWED => Some("MethodNotAllowed"),
        StatusCode::PAYLOAD_TOO_LARGE => Some("PayloadTooLarge"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Some("UnsupportedMediaType"),
        StatusCode::NOT_ACCEPTABLE => Some("NotAcceptable"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Some("HeadersTooLarge"),
        StatusCode::INTERNAL_SERVER_ERROR => Some("Internal"),
        _ => None,
    };
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), %message, "request failed");
    }
    let mut rendered = ErrorBody {
        request_id: request_id::current(),
        error_code: error_code.map(str::to_owned),
        message,
    }
    .into_response(status);
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in parts.headers.drain() {
        if let Some(name) = name {
            rendered.headers_mut().append(name, value);
        }
    }
    rendered
}

/// The body of a foreign error response when it is short UTF-8 text.
async fn foreign_message(body: axum::body::Body) -> Option<String> {
    let bytes = axum::body::to_bytes(body, MAX_FOREIGN_MESSAGE).await.ok()?;
    let text = std::str::from_utf8(&bytes).ok()?.trim();
    let mut chars = text.chars();
    let first = chars.next()?;
    // Keep the crate's convention of lowercase messages.
    Some(first.to_lowercase().chain(chars).collect())
}

fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("error").to_lowercase()
}
