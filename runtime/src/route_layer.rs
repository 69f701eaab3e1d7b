//! The layer the router puts on every route (and its 404 fallback): the request id,
//! the route on the request's span and observer record, CORS, the refusal of body
//! encodings the server does not read, panic recovery, the task-local request id and
//! page token key, and JSON for error responses made elsewhere (such as axum's 405).
//!
//! A `tower` service of its own rather than `axum::middleware::from_fn`: the work
//! before the route is done in `call` and the route's future is wrapped as it is, so a
//! request costs one boxed future and no copy of the route service.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode, Uri};
use tower::{Layer, Service};
use tracing::Instrument;

use crate::config::CorsConfig;
use crate::cors::{self, Cors, CorsRoutes};
use crate::error::{ErrorBody, Rendered};
use crate::observe::Routed;
use crate::pagination;
use crate::request_id::{self, RequestId, REQUEST_ID_HEADER};
use crate::trace_context;
use crate::{panic, HttpError};

/// Largest error body produced elsewhere (e.g. by axum) that is kept as the error message.
const MAX_FOREIGN_MESSAGE: usize = 1024;

/// Puts [`RequestService`] around each route of a router.
#[derive(Clone)]
pub(crate) struct RequestLayer {
    routes: Arc<CorsRoutes>,
}

impl RequestLayer {
    /// The layer for a router whose operations' paths are `routes`.
    pub(crate) fn new(routes: Arc<CorsRoutes>) -> Self {
        RequestLayer { routes }
    }
}

impl<S> Layer<S> for RequestLayer {
    type Service = RequestService<S>;

    fn layer(&self, inner: S) -> RequestService<S> {
        RequestService {
            inner,
            routes: self.routes.clone(),
        }
    }
}

/// A route with the per-request work around it.
#[derive(Clone)]
pub(crate) struct RequestService<S> {
    inner: S,
    routes: Arc<CorsRoutes>,
}

/// The answer's future: boxed, since the route's future is a type of axum's own.
type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request> for RequestService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Answer {
        let mut request = request;
        let after = match before(&self.routes, &mut request) {
            Ok(after) => after,
            Err(answer) => return Box::pin(std::future::ready(Ok(answer))),
        };
        // The route was made ready by `poll_ready`; a panic while it makes its future
        // (not only while that future runs) is answered like a handler's.
        let inner = &mut self.inner;
        let route = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.call(request)));
        Box::pin(after.run(route))
    }
}

/// What the work after the route needs from the request.
struct After {
    id: HeaderValue,
    method: Method,
    uri: Uri,
    cors: Option<(Arc<CorsConfig>, Option<HeaderValue>)>,
    routes: Arc<CorsRoutes>,
    page_key: Option<pagination::PageTokenKey>,
    /// The request's own span, when no server opened one around it.
    span: Option<tracing::Span>,
    /// Whether the answer gets the id header here: a server sets it on every answer
    /// itself, so under `serve` it is not set twice.
    echo_id: bool,
}

/// The work before the route: what comes after it, or the answer when the request
/// ends here (a CORS preflight, a body encoding the server refuses). The request is
/// borrowed, not moved in and out: it is large.
#[allow(clippy::result_large_err)]
fn before(routes: &Arc<CorsRoutes>, request: &mut Request) -> Result<After, Response> {
    // Under `serve` the server has already chosen the id and opened the span; the
    // router may also be served by other means, so it does both itself otherwise.
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
    let cors = match server.as_ref().and_then(|server| server.cors.clone()) {
        Some(Cors(settings)) => {
            let headers = request.headers();
            if let Some(mut answer) =
                cors::preflight(&settings, routes, &method, uri.path(), headers)
            {
                answer.headers_mut().insert(REQUEST_ID_HEADER, id);
                return Err(answer);
            }
            let origin = headers.get(header::ORIGIN).cloned();
            Some((settings, origin))
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
            return Err(answer);
        }
    }
    // The server's page token key, for the tokens the handler issues and reads.
    let page_key = server.and_then(|server| server.page_token_key.clone());
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
    Ok(After {
        id,
        method,
        uri,
        cors,
        routes: routes.clone(),
        page_key,
        span,
        echo_id: !by_server,
    })
}

impl After {
    /// Awaits the route's answer (or recovers from its panic), then finishes it: JSON
    /// for errors made elsewhere, the request id header and CORS headers.
    async fn run<F>(self, route: std::thread::Result<F>) -> Result<Response, Infallible>
    where
        F: Future<Output = Result<Response, Infallible>> + Send,
    {
        let After {
            id,
            method,
            uri,
            cors,
            routes,
            page_key,
            span,
            echo_id,
        } = self;
        let handle = async {
            let answer = match route {
                Ok(future) => panic::CatchUnwind::new(future).await,
                Err(payload) => Err(payload),
            };
            let response = match answer {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(payload) => {
                    let message = panic::message(&*payload);
                    // The span carries the id too, but a panic is the line people grep
                    // for, so it names the request itself.
                    tracing::error!(
                        request_id = request_id::text(&id),
                        panic = message,
                        "handler panicked"
                    );
                    HttpError::for_internal_error(format!("handler panicked: {message}"))
                        .into_response()
                }
            };
            if response.status().as_u16() >= 400
                && response.extensions().get::<Rendered>().is_none()
            {
                render_error(response, &method, &uri).await
            } else {
                response
            }
        };
        let handle = request_id::scope(id.clone(), page_key, handle);
        let mut response = match span {
            Some(span) => handle.instrument(span).await,
            None => handle.await,
        };
        if echo_id {
            response.headers_mut().insert(REQUEST_ID_HEADER, id);
        }
        if let Some((settings, origin)) = &cors {
            cors::expose(
                settings,
                &routes,
                origin.as_ref(),
                uri.path(),
                &mut response,
            );
        }
        Ok(response)
    }
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
