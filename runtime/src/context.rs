//! Per-request metadata handed to trait methods.

use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

/// Metadata about the request being handled.
///
/// Cloning is cheap enough for per-request use but copies the headers, so prefer borrowing.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub(crate) request_id: String,
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) uri: Uri,
}

impl RequestContext {
    /// A context for calling a trait method without HTTP, as a unit test does: `GET /`
    /// with no headers and the request id `test`, each of which the `with_` methods
    /// change. The router makes the context of every request it serves itself.
    ///
    /// ```
    /// use specfirst_runtime::RequestContext;
    ///
    /// let ctx = RequestContext::new("getBook")
    ///     .with_method(http::Method::DELETE)
    ///     .with_uri("/books/7?force=true".parse().unwrap())
    ///     .with_header(http::header::ACCEPT, http::HeaderValue::from_static("text/csv"))
    ///     .with_request_id("req-1");
    /// assert_eq!(ctx.operation_id(), "getBook");
    /// assert_eq!(ctx.uri().query(), Some("force=true"));
    /// assert_eq!(ctx.preferred_media_type(&["application/json", "text/csv"]), Some(1));
    /// assert_eq!(ctx.request_id(), "req-1");
    /// ```
    pub fn new(operation_id: &'static str) -> Self {
        RequestContext {
            request_id: "test".into(),
            operation_id,
            method: Method::GET,
            headers: HeaderMap::new(),
            uri: Uri::from_static("/"),
        }
    }

    /// This context with the request method `method`.
    pub fn with_method(self, method: Method) -> Self {
        RequestContext { method, ..self }
    }

    /// This context with the request URI `uri` (path and query).
    pub fn with_uri(self, uri: Uri) -> Self {
        RequestContext { uri, ..self }
    }

    /// This context with the header `name` set to `value` (added beside any earlier
    /// value of the same name, as a request repeating a header has them).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// This context with the request id `id`.
    pub fn with_request_id(self, id: impl Into<String>) -> Self {
        RequestContext {
            request_id: id.into(),
            ..self
        }
    }

    /// The `Last-Event-ID` header: the id of the last Server-Sent Event a reconnecting
    /// client received, so an event stream can resume after it. `None` when absent or
    /// not text.
    pub fn last_event_id(&self) -> Option<&str> {
        self.headers
            .get("last-event-id")
            .and_then(|value| value.to_str().ok())
    }

    /// The request id, also echoed in the `x-request-id` response header.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The OpenAPI `operationId` of the operation being served.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// All request headers, including those declared as parameters.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Which of `offered` (a response's media types, such as a generated body enum's
    /// `MEDIA_TYPES`) the request's `Accept` header prefers: the highest quality, the
    /// earliest offered on a tie. Without a usable `Accept` the first is preferred; `None`
    /// when the header rules every one out.
    pub fn preferred_media_type(&self, offered: &[&str]) -> Option<usize> {
        crate::negotiate::preferred(&self.headers, offered)
    }

    /// The request URI as received (path and query).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }
}
