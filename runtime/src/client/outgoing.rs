//! A request being written by a generated client method: parameters encoded by the same
//! descriptions the server decodes them with, then a body.

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use serde::Serialize;
use serde_json::Value;

use super::credentials::{self, Addition, Credential, Scheme};
use super::ClientError;
use crate::multipart::{Part, Positions};
use crate::params::{percent_encode, Encoded, Param, Scalar};
use crate::{BodyStream, ItemStream};

/// One operation's request as the client writes it: the method, the path template with
/// the variables filled in as they come, query pairs, headers, cookies and the body.
#[derive(Debug)]
pub struct Outgoing {
    operation: &'static str,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    /// The whole query string, when a parameter is it (OpenAPI 3.2's `querystring`).
    whole_query: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Cookies as written, with whether each is percent-encoded when sent (all but the
    /// `cookie` style's).
    cookies: Vec<(String, String, bool)>,
    body: Option<(Option<String>, Body)>,
}

impl Outgoing {
    /// A request of `operation` with `method` to the spec's path `template`
    /// (`/books/{bookId}`), whose variables [`param`](Self::param) fills.
    pub fn new(operation: &'static str, method: &'static str, template: &'static str) -> Self {
        Self {
            operation,
            method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
            path: template.to_owned(),
            query: Vec::new(),
            whole_query: None,
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
        }
    }

    /// The operationId, for errors.
    pub(crate) fn operation(&self) -> &'static str {
        self.operation
    }

    fn encode_error(&self, message: impl Into<String>) -> ClientError {
        ClientError::Encode {
            operation: self.operation,
            message: message.into(),
        }
    }

    /// Writes `value` as `param` says the server reads it; `None` (and any value that
    /// serializes to `null`) leaves the parameter out.
    pub fn param<T: Serialize + ?Sized>(
        &mut self,
        param: &Param,
        value: &T,
    ) -> Result<&mut Self, ClientError> {
        let value = serde_json::to_value(value)
            .map_err(|e| self.encode_error(format!("parameter \"{}\": {e}", param.name)))?;
        let encoded = param.encode(&value).map_err(|reason| {
            self.encode_error(format!("parameter \"{}\": {reason}", param.name))
        })?;
        match encoded {
            None => {}
            Some(Encoded::Path(text)) => {
                // A name the template gives twice is one parameter with one value.
                let variable = format!("{{{}}}", param.name);
                self.path = self.path.replace(&variable, &percent_encode(&text));
            }
            Some(Encoded::Query(pairs)) => {
                // An object taking the remaining query keys shares them with any other
                // such object (nothing in a query says whose a key is): a pair one of
                // them wrote already is the other's too, written once.
                let collecting = param.others.is_some();
                for pair in pairs {
                    if !(collecting && self.query.contains(&pair)) {
                        self.query.push(pair);
                    }
                }
            }
            Some(Encoded::QueryString(text)) => self.whole_query = Some(text),
            Some(Encoded::Header(text)) => self.header(param.name, &text)?,
            Some(Encoded::Cookie(pairs)) => {
                let pairs = pairs.into_iter().map(|(name, value)| (name, value, true));
                self.cookies.extend(pairs);
            }
            Some(Encoded::RawCookie(pairs)) => {
                let pairs = pairs.into_iter().map(|(name, value)| (name, value, false));
                self.cookies.extend(pairs);
            }
        }
        Ok(self)
    }

    /// A condition the server tells the operation apart by, written after `#` in the
    /// spec's path (AWS's `/#X-Amz-Target=Queue.Push`, `/#Action=SendMessage`): the
    /// server takes it from a header or a query parameter, so it is sent as AWS sends
    /// it, `X-` names as headers and others as query parameters (empty when the
    /// condition names no value).
    pub fn condition(
        &mut self,
        name: &'static str,
        value: Option<&'static str>,
    ) -> Result<&mut Self, ClientError> {
        let value = value.unwrap_or_default();
        if name.len() > 2 && name[..2].eq_ignore_ascii_case("x-") {
            self.header(name, value)?;
        } else {
            self.query.push((name.to_owned(), value.to_owned()));
        }
        Ok(self)
    }

    /// The page a paginated operation asks for: `limit` items, after the page whose
    /// `next_page` was `token` (`None` for the first page).
    pub fn page(&mut self, limit: std::num::NonZeroU32, token: Option<&str>) -> &mut Self {
        self.query.push(("limit".to_owned(), limit.to_string()));
        if let Some(token) = token {
            self.query.push(("page_token".to_owned(), token.to_owned()));
        }
        self
    }

    fn header(&mut self, name: &str, value: &str) -> Result<(), ClientError> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| self.encode_error(format!("invalid header name {name:?}")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            self.encode_error(format!("header \"{name}\" has a value that cannot be sent"))
        })?;
        self.headers.push((name, value));
        Ok(())
    }

    /// A body of JSON `media_type` (`application/json`, `application/merge-patch+json`).
    pub fn json<T: Serialize + ?Sized>(
        &mut self,
        media_type: &str,
        value: &T,
    ) -> Result<&mut Self, ClientError> {
        let bytes =
            serde_json::to_vec(value).map_err(|e| self.encode_error(format!("body: {e}")))?;
        self.body = Some((Some(media_type.to_owned()), Body::from(bytes)));
        Ok(self)
    }

    /// An `application/x-www-form-urlencoded` body, written as the server's form reader
    /// reads it.
    pub fn form<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<&mut Self, ClientError> {
        let text = serde_html_form::to_string(value)
            .map_err(|e| self.encode_error(format!("form body: {e}")))?;
        self.body = Some((
            Some("application/x-www-form-urlencoded".to_owned()),
            Body::from(text),
        ));
        Ok(self)
    }

    /// A text body of `media_type`.
    pub fn text(&mut self, media_type: &str, text: String) -> &mut Self {
        let media_type = if media_type.contains("charset") || media_type.contains('*') {
            media_type.to_owned()
        } else {
            format!("{media_type}; charset=utf-8")
        };
        self.body = Some((Some(media_type), Body::from(text)));
        self
    }

    /// A body of JSON Lines or json-seq items (as `media_type` frames them), each sent
    /// as the stream yields it.
    pub fn items<T: Serialize + Send + 'static>(
        &mut self,
        media_type: &str,
        items: ItemStream<T>,
    ) -> &mut Self {
        let framing = crate::streams::items_framing(media_type);
        self.body = Some((Some(media_type.to_owned()), items.into_body(framing)));
        self
    }

    /// A body of any media type, sent as it streams, with the stream's own content type
    /// when the declared `media_type` is or covers it (its parameters, such as a
    /// multipart boundary, kept), and `media_type` otherwise. A stream without one for a
    /// wildcard is `application/octet-stream` when the wildcard covers it (`*/*`,
    /// `application/*`), and an encode error otherwise: without a content type the
    /// server would read it as the operation's first declared type.
    pub fn stream(&mut self, media_type: &str, body: BodyStream) -> Result<&mut Self, ClientError> {
        const BYTES: &str = "application/octet-stream";
        let declared = crate::body::essence(media_type);
        let own = body
            .content_type()
            .filter(|own| crate::body::in_range(&declared, &crate::body::essence(own)));
        let content_type = if let Some(own) = own {
            own.to_owned()
        } else if !media_type.contains('*') {
            media_type.to_owned()
        } else if crate::body::covers(&declared, BYTES) {
            BYTES.to_owned()
        } else {
            return Err(self.encode_error(format!(
                "a body of {media_type} needs its own content type \
                 (BodyStream::with_content_type)"
            )));
        };
        self.body = Some((Some(content_type), body.into_body()));
        Ok(self)
    }

    /// A `multipart/form-data` body of the parts `multipart` holds.
    pub fn multipart(&mut self, multipart: MultipartWriter) -> &mut Self {
        let boundary = boundary();
        let bytes = multipart.finish(&boundary);
        self.body = Some((
            Some(format!("multipart/form-data; boundary={boundary}")),
            Body::from(bytes),
        ));
        self
    }

    /// A multipart body whose parts go by position (OpenAPI 3.2's `prefixEncoding` and
    /// `itemEncoding`): the parts `multipart` holds in the order written, each without a
    /// name and, unless it has its own, with the first content type its place names.
    pub fn multipart_at(&mut self, positions: &Positions, multipart: MultipartWriter) -> &mut Self {
        let boundary = boundary();
        let bytes = multipart.finish_at(&boundary, positions);
        self.body = Some((
            Some(format!("{}; boundary={boundary}", positions.media_type)),
            Body::from(bytes),
        ));
        self
    }

    /// The request as HTTP, with the credentials of the first of `requirements` the
    /// client holds; its URI is the path and query, for the transport to put after its
    /// base.
    pub(crate) fn into_request(
        mut self,
        requirements: &[&[Scheme]],
        held: &[(String, Credential)],
    ) -> Result<http::Request<Body>, ClientError> {
        for addition in credentials::additions(requirements, held) {
            match addition {
                Addition::Header(name, value) => self.header(name, &value)?,
                Addition::Query(name, value) => self.query.push((name.to_owned(), value)),
                Addition::Cookie(name, value) => {
                    self.cookies.push((name.to_owned(), value, true));
                }
            }
        }
        let mut uri = self.path.clone();
        // The whole query string first (OpenAPI 3.2's `querystring`), then any pairs,
        // such as a query API key the credentials add.
        let pieces: Vec<String> =
            self.whole_query
                .iter()
                .map(|text| percent_encode(text))
                .chain(self.query.iter().map(|(key, value)| {
                    format!("{}={}", percent_encode(key), percent_encode(value))
                }))
                .collect();
        if !pieces.is_empty() {
            uri.push('?');
            uri.push_str(&pieces.join("&"));
        }
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value, escaped)| match escaped {
                    true => format!("{}={}", percent_encode(name), percent_encode(value)),
                    false => format!("{name}={value}"),
                })
                .collect();
            self.header("cookie", &cookies.join("; "))?;
        }
        let (content_type, body) = self.body.take().unwrap_or((None, Body::empty()));
        if let Some(content_type) = content_type {
            self.header("content-type", &content_type)?;
        }
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(&uri)
            .body(body)
            .map_err(|e| self.encode_error(format!("request {uri:?}: {e}")))?;
        request.headers_mut().extend(self.headers);
        Ok(request)
    }
}

/// The parts of a `multipart/form-data` body, written as the server's multipart reader
/// reads them.
#[derive(Debug, Default)]
pub struct MultipartWriter {
    parts: Vec<(String, Part)>,
}

impl MultipartWriter {
    /// No parts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A part `name` holding `value` as the server converts a part of kind `scalar`:
    /// strings as they are, numbers and booleans as JSON writes them, anything else as
    /// JSON text; `None` adds nothing.
    pub fn value<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        scalar: Scalar,
        value: &T,
    ) -> Result<&mut Self, String> {
        let value = serde_json::to_value(value).map_err(|e| format!("part \"{name}\": {e}"))?;
        if let Some(text) = part_text(scalar, &value) {
            self.push_text(name, text);
        }
        Ok(self)
    }

    /// One part `name` per item of the list `value`; `None` adds nothing.
    pub fn values<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        scalar: Scalar,
        value: &T,
    ) -> Result<&mut Self, String> {
        match serde_json::to_value(value).map_err(|e| format!("part \"{name}\": {e}"))? {
            Value::Null => {}
            Value::Array(items) => {
                for item in &items {
                    if let Some(text) = part_text(scalar, item) {
                        self.push_text(name, text);
                    }
                }
            }
            _ => return Err(format!("part \"{name}\": expected a list")),
        }
        Ok(self)
    }

    /// A file part `name`.
    pub fn file(&mut self, name: &str, part: &Part) -> &mut Self {
        self.parts.push((name.to_owned(), part.clone()));
        self
    }

    /// One file part `name` per file.
    pub fn files(&mut self, name: &str, parts: &[Part]) -> &mut Self {
        for part in parts {
            self.file(name, part);
        }
        self
    }

    fn push_text(&mut self, name: &str, text: String) {
        let part = Part {
            bytes: Bytes::from(text),
            filename: None,
            content_type: None,
        };
        self.parts.push((name.to_owned(), part));
    }

    fn finish(self, boundary: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, part) in self.parts {
            let mut disposition = format!("form-data; name=\"{}\"", quoted(&name));
            if let Some(filename) = &part.filename {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(filename)));
            }
            let content_type = part.content_type.as_deref();
            write_part(
                &mut out,
                boundary,
                Some(&disposition),
                content_type,
                &part.bytes,
            );
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }

    /// The parts in order, as a body read by position takes them: no names, a file's
    /// name as an attachment's, and a part without a content type of its own given the
    /// first its place names (when that is no range).
    fn finish_at(self, boundary: &str, positions: &Positions) -> Vec<u8> {
        let mut out = Vec::new();
        for (index, (_, part)) in self.parts.into_iter().enumerate() {
            let disposition = part
                .filename
                .as_deref()
                .map(|filename| format!("attachment; filename=\"{}\"", quoted(filename)));
            let placed = positions
                .ranges_at(index)
                .and_then(|ranges| ranges.first())
                .filter(|range| !range.contains('*'))
                .copied();
            let content_type = part.content_type.as_deref().or(placed);
            write_part(
                &mut out,
                boundary,
                disposition.as_deref(),
                content_type,
                &part.bytes,
            );
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }
}

/// One part: its delimiter, headers and content.
fn write_part(
    out: &mut Vec<u8>,
    boundary: &str,
    disposition: Option<&str>,
    content_type: Option<&str>,
    bytes: &[u8],
) {
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    if let Some(disposition) = disposition {
        out.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
    }
    if let Some(content_type) = content_type {
        out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// A boundary no part holds, in all likelihood: 128 random bits.
fn boundary() -> String {
    format!(
        "specfirst-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

/// A name inside a quoted `Content-Disposition` parameter: quotes and line breaks
/// percent-encoded, as browsers write them (RFC 7578).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A part's text for a value the server converts as `scalar`; `None` for `null`.
fn part_text(scalar: Scalar, value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) if scalar != Scalar::Json => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_type(out: Outgoing) -> Option<String> {
        let request = out.into_request(&[], &[]).expect("a request");
        request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|value| value.to_str().expect("ASCII").to_owned())
    }

    fn stream(content_type: Option<&str>) -> BodyStream {
        let stream = BodyStream::from(Bytes::from_static(b"x"));
        match content_type {
            Some(content_type) => stream.with_content_type(content_type),
            None => stream,
        }
    }

    fn uri(out: Outgoing) -> String {
        out.into_request(&[], &[])
            .expect("a request")
            .uri()
            .to_string()
    }

    #[test]
    fn a_name_given_twice_in_the_path_is_filled_in_both_places() {
        let param = Param::path(0, "id", crate::params::Shape::INTEGER);
        let mut out = Outgoing::new("op", "GET", "/repeats/{id}/of/{id}");
        out.param(&param, &7).expect("an id");
        assert_eq!(uri(out), "/repeats/7/of/7");
    }

    #[test]
    fn objects_taking_the_remaining_keys_write_a_shared_key_once() {
        use crate::params::{Extra, Object, Shape};
        const MAP: Shape = Shape::Object {
            object: Object {
                properties: &[],
                additional: Some(Extra::Scalar(Scalar::String)),
            },
            explode: true,
        };
        let q = Param::query("q", Shape::STRING);
        let filter = Param::query("filter", MAP).collecting(&[]);
        let sort = Param::query("sort", MAP).collecting(&[]);
        let mut out = Outgoing::new("op", "GET", "/");
        out.param(&q, "a").expect("q");
        out.param(&q, "a").expect("q again");
        out.param(&filter, &serde_json::json!({"name": "asc"}))
            .expect("filter");
        out.param(&sort, &serde_json::json!({"name": "asc", "size": "desc"}))
            .expect("sort");
        // Another parameter's pairs are all written, however alike.
        assert_eq!(uri(out), "/?q=a&q=a&name=asc&size=desc");
    }

    #[test]
    fn conditions_are_headers_or_query_parameters() {
        let mut out = Outgoing::new("op", "POST", "/");
        out.condition("X-Amz-Target", Some("Queue.Push"))
            .expect("a header");
        out.condition("Action", Some("Send"))
            .expect("a query parameter");
        out.condition("flag", None).expect("an empty one");
        let request = out.into_request(&[], &[]).expect("a request");
        assert_eq!(request.uri().to_string(), "/?Action=Send&flag=");
        assert_eq!(request.headers()["x-amz-target"], "Queue.Push");
    }

    #[test]
    fn a_stream_of_a_wildcard_type_says_what_it_is() {
        let sent = |declared: &str, own: Option<&str>| {
            let mut out = Outgoing::new("op", "POST", "/");
            out.stream(declared, stream(own)).map(|_| ())?;
            Ok::<_, ClientError>(content_type(out))
        };
        // A concrete declared type is sent as declared, with the stream's parameters.
        assert_eq!(
            sent("application/pdf", Some("image/png"))
                .expect("sent")
                .as_deref(),
            Some("application/pdf")
        );
        assert_eq!(
            sent("application/pdf", None).expect("sent").as_deref(),
            Some("application/pdf")
        );
        assert_eq!(
            sent(
                "multipart/form-data",
                Some("multipart/form-data; boundary=x")
            )
            .expect("sent")
            .as_deref(),
            Some("multipart/form-data; boundary=x")
        );
        // A wildcard takes the stream's own type.
        assert_eq!(
            sent("image/*", Some("image/png")).expect("sent").as_deref(),
            Some("image/png")
        );
        // Without one, bytes are bytes where the wildcard covers them...
        for declared in ["*/*", "application/*"] {
            assert_eq!(
                sent(declared, None).expect("sent").as_deref(),
                Some("application/octet-stream"),
                "{declared}"
            );
        }
        // ...and cannot be sent where it does not.
        assert!(sent("image/*", Some("text/plain")).is_err());
        let error = sent("image/*", None).expect_err("no image type");
        assert!(matches!(error, ClientError::Encode { .. }), "{error}");
        assert!(error.to_string().contains("image/*"), "{error}");
    }
}
