//! Per-request metadata handed to trait methods.

use http::{HeaderMap, Method, Uri};

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
