//! The undecoded request that generated handlers pull parameters and bodies from.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use bytes::Bytes;
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::body::{self, BodyLimit, DEFAULT_BODY_LIMIT};
use crate::conformance::{Checking, Declared, ResponseChecks};
use crate::multipart::Positions;
use crate::negotiate;
use crate::observe::Routed;
use crate::pagination::PageLimits;
use crate::params::{cookie_pairs, raw_cookie_pairs, Location, Param, Raw, Shape, Style};
use crate::request_id::{self, RequestId};
use crate::server::ServerSettings;
use crate::{HttpError, RequestContext};

/// A request split into its parts, with path and query parameters extracted but not yet
/// decoded and the body not yet read.
///
/// Generated handlers decode each declared parameter with [`required`](Self::required) or
/// [`optional`](Self::optional) and read the body with one of the `*_body` methods, so
/// every failure becomes an [`HttpError`] naming the parameter.
#[derive(Debug)]
pub struct RawRequest {
    parts: Parts,
    body: Option<Body>,
    /// Path template variables in template order, already percent-decoded; by position
    /// only, as generated routes name them (`{p0}`, `{p1}`, ...).
    path_params: Vec<String>,
    /// Query pairs in order of appearance, already form-decoded.
    query: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequest<S> for RawRequest {
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, HttpError> {
        let (mut parts, body) = request.into_parts();
        // A client that refuses JSON (every operation's error format) and every other type
        // the operation declares is told before the handler runs, not after its side effects.
        let produces = parts
            .extensions
            .get::<negotiate::Produces>()
            .map_or(&[][..], |produces| produces.0);
        negotiate::check_acceptable(&parts.headers, produces)?;
        let path_params = match RawPathParams::from_request_parts(&mut parts, state).await {
            Ok(params) => params.iter().map(|(_, value)| value.to_owned()).collect(),
            // Routes without template variables may carry no parameters at all.
            Err(axum::extract::rejection::RawPathParamsRejection::MissingPathParams(_)) => {
                Vec::new()
            }
            Err(e) => {
                return Err(HttpError::bad_request(
                    "InvalidParameter",
                    format!("invalid path: {}", e.body_text().to_lowercase()),
                ))
            }
        };
        let query = match parts.uri.query() {
            None => Vec::new(),
            Some(raw) => serde_urlencoded::from_str(raw).map_err(|e| {
                HttpError::bad_request("InvalidParameter", format!("invalid query string: {e}"))
            })?,
        };
        Ok(Self {
            parts,
            body: Some(body),
            path_params,
            query,
        })
    }
}

impl RawRequest {
    /// Metadata for the trait method serving `operation_id`.
    pub fn context(&self, operation_id: &'static str) -> RequestContext {
        self.serving(operation_id);
        RequestContext {
            request_id: self.request_id(),
            operation_id,
            method: self.parts.method.clone(),
            headers: self.parts.headers.clone(),
            uri: self.parts.uri.clone(),
        }
    }

    /// The context for the method serving `operation_id` while it authenticates the
    /// request, holding the request's headers: they move into it rather than being
    /// copied, and come back with [`headers_back`](Self::headers_back) for decoding.
    pub(crate) fn lend_context(&mut self, operation_id: &'static str) -> RequestContext {
        self.serving(operation_id);
        RequestContext {
            request_id: self.request_id(),
            operation_id,
            method: self.parts.method.clone(),
            headers: std::mem::take(&mut self.parts.headers),
            uri: self.parts.uri.clone(),
        }
    }

    /// Takes back the headers [`lend_context`](Self::lend_context) moved into `ctx`,
    /// which gets them again with [`lend_headers`](Self::lend_headers).
    pub(crate) fn headers_back(&mut self, ctx: &mut RequestContext) {
        self.parts.headers = std::mem::take(&mut ctx.headers);
    }

    /// Moves the request's headers into `ctx` for good, once the request is decoded.
    pub(crate) fn lend_headers(&mut self, ctx: &mut RequestContext) {
        ctx.headers = std::mem::take(&mut self.parts.headers);
    }

    /// Records that `operation_id` serves this request, for log lines and the observer.
    pub(crate) fn serving(&self, operation_id: &'static str) {
        // The router's span is current here, so the operation shows up on its log lines.
        // The span is at `info`: when that is off, so is looking it up.
        if tracing::level_enabled!(tracing::Level::INFO) {
            tracing::Span::current().record("operation_id", operation_id);
        }
        if let Some(routed) = self.parts.extensions.get::<Routed>() {
            routed.set_operation_id(operation_id);
        }
    }

    /// The context for the trait method serving `operation_id` once the request is
    /// decoded: the head moves into it rather than being copied, as
    /// [`context`](Self::context) must while parameters are still to be read.
    pub(crate) fn into_context(self, operation_id: &'static str) -> RequestContext {
        RequestContext {
            request_id: self.request_id(),
            operation_id,
            method: self.parts.method,
            headers: self.parts.headers,
            uri: self.parts.uri,
        }
    }

    /// The request's method, URI, headers and id, for the trait method that picks
    /// which of the operations sharing a route answers it: no operation is chosen yet,
    /// so its `operation_id` is empty and nothing records one.
    pub fn choosing_context(&self) -> RequestContext {
        RequestContext {
            request_id: self.request_id(),
            operation_id: "",
            method: self.parts.method.clone(),
            headers: self.parts.headers.clone(),
            uri: self.parts.uri.clone(),
        }
    }

    /// The id the request-id layer gave the request.
    fn request_id(&self) -> String {
        self.parts
            .extensions
            .get::<RequestId>()
            .map(|id| id.as_str().to_owned())
            .unwrap_or_else(request_id::current)
    }

    /// The request head, from which the security requirements read the URI and the
    /// connection (the headers are lent to the context meanwhile: see `handle_secured`).
    #[doc(hidden)]
    pub fn head(&self) -> &Parts {
        &self.parts
    }

    /// A value a layer put into the request's extensions (such as page limits).
    pub fn extension<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.parts.extensions.get::<T>().cloned()
    }

    /// Whether route variable `segment` has the literal text of a template segment that
    /// mixes text and parameters (`...` in `{base}...{head}`).
    pub fn segment_fits(&self, segment: usize, literals: &[&str]) -> bool {
        self.path_params
            .get(segment)
            .is_some_and(|value| crate::params::segment_piece(value, literals, &[], 0).is_some())
    }

    /// Whether route parameter `segment` is one of `values`: how generated code tells
    /// apart operations whose paths differ only in an enum parameter's name.
    pub fn segment_is(&self, segment: usize, values: &[&str]) -> bool {
        self.path_params
            .get(segment)
            .is_some_and(|value| values.contains(&value.as_str()))
    }

    /// Whether route parameter `segment` is an integer (an optional sign and decimal
    /// digits): how generated code tells `/icons/{id}` with an integer `id` apart from
    /// `/icons/{term}`. A value out of the parameter's range still goes to the integer
    /// operation, whose decoding rejects it with a precise 400.
    pub fn segment_is_integer(&self, segment: usize) -> bool {
        self.path_params.get(segment).is_some_and(|value| {
            let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        })
    }

    /// Whether route parameter `segment` is a hyphenated UUID (`8-4-4-4-12` hex digits):
    /// how generated code tells a `format: uuid` parameter's operation apart from one
    /// taking any string in that segment.
    pub fn segment_is_uuid(&self, segment: usize) -> bool {
        self.path_params
            .get(segment)
            .is_some_and(|value| crate::validate::is_uuid(value))
    }

    /// The 404 for a request no operation on its route accepts.
    pub fn no_route(&self) -> HttpError {
        HttpError::for_not_found(format!(
            "no route for {} {}",
            self.parts.method,
            self.parts.uri.path()
        ))
    }

    /// Whether every condition holds: a `(name, None)` when a query parameter or header
    /// `name` is present, a `(name, Some(value))` when one has that value. How generated
    /// code picks among operations that share a route and method.
    pub fn satisfies(&self, conditions: &[(&str, Option<&str>)]) -> bool {
        conditions.iter().all(|(name, value)| {
            let in_query = self
                .query
                .iter()
                .any(|(key, given)| key == name && value.map_or(true, |v| v == given));
            let in_headers = self
                .parts
                .headers
                .get_all(*name)
                .iter()
                .any(|given| value.map_or(true, |v| given.as_bytes() == v.as_bytes()));
            in_query || in_headers
        })
    }

    /// Decodes a parameter that may be absent.
    pub fn optional<T: DeserializeOwned>(&self, param: &Param) -> Result<Option<T>, HttpError> {
        match param.location {
            // Generated routes name segments by position (`{p0}`), so the index is what
            // identifies a path parameter; `param.name` is only for messages.
            Location::Path(index) => match self.path_params.get(index) {
                Some(value) => param.decode(Raw::Segment(value)),
                None => Ok(None),
            },
            Location::PathPart {
                segment,
                literals,
                position,
                gaps,
            } => {
                let whole = self
                    .path_params
                    .get(segment)
                    .map(String::as_str)
                    .unwrap_or_default();
                // The route matched the segment as a whole; text that does not have the
                // template's shape means no operation is at this path after all.
                let piece = crate::params::segment_piece(whole, literals, gaps, position)
                    .ok_or_else(|| self.no_route())?;
                param.decode(Raw::Segment(piece))
            }
            Location::Query => param.decode(Raw::Pairs(&self.query)),
            Location::QueryString => match param.shape {
                Shape::Object { .. } => param.decode(Raw::Pairs(&self.query)),
                // An empty query string (`/orders?`) is none, as an absent one is.
                _ => {
                    let text = self.parts.uri.query().filter(|text| !text.is_empty());
                    let decoded = text.map(crate::params::percent_decode);
                    param.decode(Raw::Whole(decoded.as_deref()))
                }
            },
            Location::Header => param.decode(Raw::Lines(self.header_lines(param, param.name)?)),
            Location::Cookie => {
                // Parsed per parameter: most operations have none, and few have several.
                let lines = self.header_lines(param, http::header::COOKIE.as_str())?;
                let cookies = match param.style {
                    Style::Cookie => raw_cookie_pairs(lines.into_iter()),
                    _ => cookie_pairs(lines.into_iter()),
                };
                param.decode(Raw::Pairs(&cookies))
            }
        }
    }

    /// Decodes a parameter that must be present.
    pub fn required<T: DeserializeOwned>(&self, param: &Param) -> Result<T, HttpError> {
        self.optional(param)?.ok_or_else(|| param.missing())
    }

    /// Every line of header `name`, for `param`.
    fn header_lines(&self, param: &Param, name: &str) -> Result<Vec<&str>, HttpError> {
        self.parts
            .headers
            .get_all(name)
            .iter()
            .map(|value| {
                std::str::from_utf8(value.as_bytes())
                    .map_err(|_| param.invalid("header value is not valid UTF-8"))
            })
            .collect()
    }

    /// Sets the body limit for this operation, replacing the server-wide one: the spec's
    /// `x-specfirst-body-max-bytes` on the operation.
    pub fn limit_body(&mut self, max_bytes: usize) {
        self.parts.extensions.insert(BodyLimit(max_bytes));
    }

    /// The operation's body limit (or one a layer put on), else the server's, else
    /// 1 MiB.
    fn body_limit(&self) -> usize {
        match self.parts.extensions.get::<BodyLimit>() {
            Some(limit) => limit.0,
            None => self
                .server()
                .map_or(DEFAULT_BODY_LIMIT, |server| server.body_limit.0),
        }
    }

    /// The page limits a layer put on, else the server's, else the defaults.
    pub(crate) fn page_limits(&self) -> PageLimits {
        match self.parts.extensions.get::<PageLimits>() {
            Some(limits) => *limits,
            None => self
                .server()
                .map_or_else(PageLimits::default, |server| server.page_limits),
        }
    }

    /// The checks of the responses the implementation gives `operation_id`, when the
    /// server (or, outside `serve`, the build's default) has them on.
    pub(crate) fn response_checking(
        &self,
        operation_id: &'static str,
        declared: &'static [Declared],
    ) -> Option<Checking> {
        if declared.is_empty() {
            return None;
        }
        let mode = self
            .server()
            .map_or_else(ResponseChecks::default, |server| server.response_checks);
        Checking::new(
            mode,
            operation_id,
            declared,
            self.parts.extensions.get::<Routed>(),
        )
    }

    /// The settings of the server serving the request, under `serve`.
    fn server(&self) -> Option<&ServerSettings> {
        let id = self.parts.extensions.get::<RequestId>()?;
        id.server.as_deref()
    }

    /// Reads the body, or `None` when it is empty.
    async fn read_body(&mut self) -> Result<Option<Bytes>, HttpError> {
        let body = self
            .body
            .take()
            .ok_or_else(|| HttpError::for_internal_error("request body was read more than once"))?;
        let bytes = body::read(body, &self.parts.headers, self.body_limit()).await?;
        Ok((!bytes.is_empty()).then_some(bytes))
    }

    /// The request's WebSocket handshake, for a WebSocket operation: read after its
    /// parameters, so a bad parameter is told before the upgrade is refused.
    #[cfg(feature = "websocket")]
    pub async fn websocket(&mut self) -> Result<crate::WebSocketUpgrade, HttpError> {
        crate::websocket::WebSocketUpgrade::from_parts(&mut self.parts).await
    }

    /// Reads and decodes a required JSON body.
    pub async fn json_body<T: DeserializeOwned>(&mut self) -> Result<T, HttpError> {
        self.json_body_optional()
            .await?
            .ok_or_else(body::missing_body)
    }

    /// Reads and decodes an optional JSON body; an empty body is `None`.
    pub async fn json_body_optional<T: DeserializeOwned>(
        &mut self,
    ) -> Result<Option<T>, HttpError> {
        body::check_json_content_type(&self.parts.headers)?;
        match self.read_body().await? {
            Some(bytes) => body::decode_json(&bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a required JSON body, checks it against `rules`, then decodes it.
    pub async fn json_body_checked<T: DeserializeOwned>(
        &mut self,
        rules: &'static crate::validate::Schema,
    ) -> Result<T, HttpError> {
        self.json_body_optional_checked(rules)
            .await?
            .ok_or_else(body::missing_body)
    }

    /// Reads an optional JSON body, checks it against `rules`, then decodes it; an empty
    /// body is `None`.
    pub async fn json_body_optional_checked<T: DeserializeOwned>(
        &mut self,
        rules: &'static crate::validate::Schema,
    ) -> Result<Option<T>, HttpError> {
        body::check_json_content_type(&self.parts.headers)?;
        match self.read_body().await? {
            Some(bytes) => body::decode_json_checked(&bytes, rules).map(Some),
            None => Ok(None),
        }
    }

    /// Reads and decodes a required `application/x-www-form-urlencoded` body.
    pub async fn form_body<T: DeserializeOwned>(&mut self) -> Result<T, HttpError> {
        self.form_body_optional()
            .await?
            .ok_or_else(body::missing_body)
    }

    /// Reads and decodes an optional `application/x-www-form-urlencoded` body; an empty body
    /// is `None`.
    pub async fn form_body_optional<T: DeserializeOwned>(
        &mut self,
    ) -> Result<Option<T>, HttpError> {
        body::check_form_content_type(&self.parts.headers)?;
        match self.read_body().await? {
            Some(bytes) => body::decode_form(&bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Which of the operation's request media types (in document order) the request's
    /// `content-type` names, ignoring parameters and matching declared wildcards; 415 when
    /// none does. A request without `content-type` is taken to be of the first type.
    pub fn body_media_type(&self, declared: &[&str]) -> Result<usize, HttpError> {
        body::choose_media_type(&self.parts.headers, declared)
    }

    /// Reads a required text body; 400 when it is not UTF-8.
    pub async fn text_body(&mut self) -> Result<String, HttpError> {
        self.text_body_optional()
            .await?
            .ok_or_else(body::missing_body)
    }

    /// Reads an optional text body; an empty body is `None`, and 400 when it is not UTF-8.
    pub async fn text_body_optional(&mut self) -> Result<Option<String>, HttpError> {
        self.read_body().await?.map(body::decode_text).transpose()
    }

    /// Reads a required `multipart/form-data` body and splits it into its parts.
    pub async fn multipart_body(&mut self) -> Result<crate::multipart::Multipart, HttpError> {
        self.multipart_body_optional()
            .await?
            .ok_or_else(body::missing_body)
    }

    /// Reads an optional `multipart/form-data` body; an empty body is `None`. The body
    /// limit applies to the whole body, files included.
    pub async fn multipart_body_optional(
        &mut self,
    ) -> Result<Option<crate::multipart::Multipart>, HttpError> {
        // An empty optional body needs no content type, as for the other decoders.
        let boundary = match body::multipart_boundary(&self.parts.headers) {
            Ok(boundary) => boundary,
            Err(e) => match self.read_body().await? {
                None => return Ok(None),
                Some(_) => return Err(e),
            },
        };
        match self.read_body().await? {
            Some(bytes) => crate::multipart::Multipart::parse(bytes, boundary)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Reads a required multipart body whose parts go by position (OpenAPI 3.2's
    /// `prefixEncoding` and `itemEncoding`), each checked against its place in
    /// `positions`; 400 when there is none.
    pub async fn multipart_body_at(
        &mut self,
        positions: &Positions,
    ) -> Result<crate::multipart::Multipart, HttpError> {
        self.multipart_body_at_optional(positions)
            .await?
            .ok_or_else(body::missing_body)
    }

    /// [`multipart_body_at`](Self::multipart_body_at) for an optional body; an empty body
    /// is `None`.
    pub async fn multipart_body_at_optional(
        &mut self,
        positions: &Positions,
    ) -> Result<Option<crate::multipart::Multipart>, HttpError> {
        let boundary = match body::multipart_boundary_of(&self.parts.headers, positions.media_type)
        {
            Ok(boundary) => boundary,
            Err(e) => match self.read_body().await? {
                None => return Ok(None),
                Some(_) => return Err(e),
            },
        };
        match self.read_body().await? {
            Some(bytes) => crate::multipart::Multipart::parse_at(bytes, boundary, positions)
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// A required body of any content type, for the handler to read as it arrives; 400
    /// when the request has none, 413 when its `content-length` is over the limit.
    pub fn stream_body(&mut self) -> Result<crate::BodyStream, HttpError> {
        self.stream_body_optional()?.ok_or_else(body::missing_body)
    }

    /// A required body of JSON Lines or json-seq (as `media_type` frames them), read as
    /// its items arrive: each a `T` checked against `rules`, a bad one the stream's
    /// last item, an error naming it.
    pub fn item_stream_body<T: DeserializeOwned + Send + 'static>(
        &mut self,
        media_type: &'static str,
        rules: &'static crate::validate::Schema,
    ) -> Result<crate::ItemStream<T>, HttpError> {
        self.item_stream_body_optional(media_type, rules)?
            .ok_or_else(body::missing_body)
    }

    /// [`Self::item_stream_body`] for an optional body; `None` when the request has
    /// none.
    pub fn item_stream_body_optional<T: DeserializeOwned + Send + 'static>(
        &mut self,
        media_type: &'static str,
        rules: &'static crate::validate::Schema,
    ) -> Result<Option<crate::ItemStream<T>>, HttpError> {
        body::check_items_content_type(&self.parts.headers, media_type)?;
        let framing = crate::streams::items_framing(media_type);
        Ok(self
            .stream_body_optional()?
            .map(|body| crate::streams::items_of(body, framing, rules)))
    }

    /// An optional body of any content type, read as it arrives; `None` when the request
    /// has none.
    pub fn stream_body_optional(&mut self) -> Result<Option<crate::BodyStream>, HttpError> {
        let body = self
            .body
            .take()
            .ok_or_else(|| HttpError::for_internal_error("request body was read more than once"))?;
        crate::BodyStream::new(body, &self.parts.headers, self.body_limit())
    }
}
