//! Reading request bodies under a size limit and decoding them as JSON, forms or text;
//! choosing among an operation's declared media types.

use std::borrow::Cow;

use axum::body::Body;
use bytes::Bytes;
use http::{header, HeaderMap, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::HttpError;

/// Largest request body accepted when no [`BodyLimit`] is present: 1 MiB.
pub(crate) const DEFAULT_BODY_LIMIT: usize = 1_048_576;

/// Maximum request body size in bytes, read from the request extensions.
///
/// [`serve`](crate::serve) inserts it from
/// [`ServerConfig::request_body_max_bytes`](crate::ServerConfig::request_body_max_bytes);
/// without it the limit is 1 MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

pub(crate) fn too_large(limit: usize) -> HttpError {
    HttpError::for_status(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("request body exceeds the limit of {limit} bytes"),
    )
    .with_error_code("PayloadTooLarge")
}

/// Reads the whole body, failing as soon as it would exceed `limit` bytes.
pub(crate) async fn read(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, HttpError> {
    check_declared_length(headers, limit)?;
    Limited::new(body, limit)
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .map_err(|e| read_error(&*e, limit))
}

/// Rejects a declared `content-length` over `limit` before anything is read.
pub(crate) fn check_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), HttpError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }
    Ok(())
}

/// The error for a failed read of a [`Limited`] body: 413 when the limit was hit, 400
/// when the connection broke.
pub(crate) fn read_error(error: &(dyn std::error::Error + 'static), limit: usize) -> HttpError {
    if is_length_limit(error) {
        too_large(limit)
    } else {
        HttpError::bad_request(
            "InvalidBody",
            format!("failed to read request body: {error}"),
        )
    }
}

fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The media type of the `content-type` header without parameters, lowercased; `None` when
/// the header is absent.
fn media_type(headers: &HeaderMap) -> Option<Result<Cow<'_, str>, HttpError>> {
    let value = headers.get(header::CONTENT_TYPE)?;
    Some(match value.to_str() {
        Ok(s) => {
            let essence = s.split(';').next().unwrap_or_default().trim();
            // Nearly every client writes it in lower case already: then it is borrowed.
            Ok(if essence.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(essence.to_ascii_lowercase())
            } else {
                Cow::Borrowed(essence)
            })
        }
        Err(_) => Err(unsupported("a non-ASCII content type", "")),
    })
}

fn unsupported(received: &str, expected: &str) -> HttpError {
    let message = if expected.is_empty() {
        format!("unsupported content type: {received}")
    } else {
        format!("unsupported content type \"{received}\"; expected {expected}")
    };
    HttpError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)
        .with_error_code("UnsupportedMediaType")
}

/// Accepts a missing content type, `application/json` and any `type/subtype+json`.
pub(crate) fn check_json_content_type(headers: &HeaderMap) -> Result<(), HttpError> {
    match media_type(headers) {
        None => Ok(()),
        Some(Err(e)) => Err(e),
        Some(Ok(media)) => {
            if is_json(&media) {
                Ok(())
            } else {
                Err(unsupported(&media, "application/json"))
            }
        }
    }
}

/// Accepts a missing content type and one framing items as `declared` (a JSON Lines
/// or json-seq type) does: `application/jsonl` for a declared `application/x-ndjson`.
pub(crate) fn check_items_content_type(
    headers: &HeaderMap,
    declared: &str,
) -> Result<(), HttpError> {
    use specfirst_model::streams::framing_of;
    match media_type(headers) {
        None => Ok(()),
        Some(Err(e)) => Err(e),
        Some(Ok(media)) if framing_of(&media) == framing_of(declared) => Ok(()),
        Some(Ok(media)) => Err(unsupported(&media, declared)),
    }
}

/// Accepts a missing content type and `application/x-www-form-urlencoded`.
pub(crate) fn check_form_content_type(headers: &HeaderMap) -> Result<(), HttpError> {
    match media_type(headers) {
        None => Ok(()),
        Some(Err(e)) => Err(e),
        Some(Ok(media)) if media == "application/x-www-form-urlencoded" => Ok(()),
        Some(Ok(media)) => Err(unsupported(&media, "application/x-www-form-urlencoded")),
    }
}

/// Which of `declared` (an operation's request media types, in document order) the
/// request's `content-type` names: an exact match first, then the first declared JSON type
/// for any JSON request (`application/json`, `type/subtype+json`), then a declared
/// wildcard (`image/*`, `*/*`). Parameters on either side are
/// ignored. Without a `content-type` the first declared type is assumed, as a body that
/// only accepts JSON accepts a request without one.
pub(crate) fn choose_media_type(
    headers: &HeaderMap,
    declared: &[&str],
) -> Result<usize, HttpError> {
    let received = match media_type(headers) {
        None => return Ok(0),
        Some(received) => received?,
    };
    let declared: Vec<String> = declared.iter().map(|d| essence(d)).collect();
    let exact = declared.iter().position(|d| *d == received);
    let wildcard = || declared.iter().position(|d| covers(d, &received));
    // Any JSON request fits a declared JSON type, as it does when JSON is the only one.
    let json = || {
        if is_json(&received) {
            declared.iter().position(|d| is_json(d))
        } else {
            None
        }
    };
    exact
        .or_else(json)
        .or_else(wildcard)
        .ok_or_else(|| unsupported(&received, &declared.join(", ")))
}

/// Whether a media type (its essence) is JSON: `application/json` or any
/// `type/subtype+json`.
pub(crate) fn is_json(media: &str) -> bool {
    media == "application/json"
        || media
            .split_once('/')
            .is_some_and(|(ty, sub)| !ty.is_empty() && sub.ends_with("+json"))
}

/// Whether the declared wildcard `declared` (`image/*`, `*/*`; an essence) covers the
/// media type `received`; a declared type without a wildcard covers nothing here.
pub(crate) fn covers(declared: &str, received: &str) -> bool {
    let kind = received.split('/').next().unwrap_or_default();
    match declared.split_once('/') {
        Some((declared_kind, "*")) => declared_kind == "*" || declared_kind == kind,
        _ => false,
    }
}

/// Whether the media range `declared` (an essence: `application/json`, `image/*`,
/// `*/*`) takes the media type `actual` (an essence).
pub(crate) fn in_range(declared: &str, actual: &str) -> bool {
    declared == actual || covers(declared, actual)
}

/// A media type without parameters, trimmed and lowercased.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The boundary of a `multipart/form-data` request; 415 for any other content type.
pub(crate) fn multipart_boundary(headers: &HeaderMap) -> Result<String, HttpError> {
    multipart_boundary_of(headers, "multipart/form-data")
}

/// The boundary of a request of the multipart type `expected`; 415 for any other
/// content type.
pub(crate) fn multipart_boundary_of(
    headers: &HeaderMap,
    expected: &str,
) -> Result<String, HttpError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .ok_or_else(|| unsupported("(none)", expected))?;
    let text = value
        .to_str()
        .map_err(|_| unsupported("a non-ASCII content type", ""))?;
    if essence(text) != essence(expected) {
        return Err(unsupported(&essence(text), expected));
    }
    // multer's own reader of the parameter takes `multipart/form-data` only.
    boundary_parameter(text).ok_or_else(|| {
        HttpError::bad_request(
            "InvalidBody",
            format!("{expected} request without a boundary parameter"),
        )
    })
}

/// The `boundary` parameter of a content type, unquoted (RFC 2046); `None` when it has
/// none or an empty one.
fn boundary_parameter(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// A `text/*` body as a string; invalid UTF-8 is a 400, not a lossy conversion, so the
/// handler never sees replacement characters the client did not send.
pub(crate) fn decode_text(bytes: Bytes) -> Result<String, HttpError> {
    String::from_utf8(bytes.into()).map_err(|e| {
        HttpError::bad_request(
            "InvalidBody",
            format!(
                "request body is not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

pub(crate) fn missing_body() -> HttpError {
    HttpError::bad_request("MissingBody", "request body is required")
}

/// Decodes JSON, naming the JSON pointer of the offending value on failure.
/// `value` sent as a JSON body of type `T` (checked against `rules` first, when the
/// body has any), decoded as a request body is, and the result written as a response
/// body is: the probe of the value round trip, which compares what comes out with what
/// went in. `Err` holds the rejection's message.
pub fn value_check<T: DeserializeOwned + serde::Serialize>(
    value: &serde_json::Value,
    rules: Option<&'static crate::validate::Schema>,
) -> Result<serde_json::Value, String> {
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let decoded: T = match rules {
        Some(rules) => decode_json_checked(&bytes, rules),
        None => decode_json(&bytes),
    }
    .map_err(|error| error.external_message)?;
    let written = serde_json::to_vec(&decoded).map_err(|e| e.to_string())?;
    serde_json::from_slice(&written).map_err(|e| e.to_string())
}

pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, HttpError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let pointer = json_pointer(e.path());
        invalid_json(&pointer, &e.into_inner())
    })?;
    // Trailing text after a complete document is an error too, located at the root.
    deserializer.end().map_err(|e| invalid_json("/", &e))?;
    Ok(value)
}

/// Decodes JSON after checking it against `rules`, so every violation is reported at
/// once rather than only the first one serde would meet.
pub(crate) fn decode_json_checked<T: DeserializeOwned>(
    bytes: &[u8],
    rules: &'static crate::validate::Schema,
) -> Result<T, HttpError> {
    // Most bodies hold: read them into `T` while checking, without the value. Any other
    // is read again below, so the answer is the same either way.
    if let Some(decoded) = crate::validate::decode_if_valid(bytes, rules) {
        return Ok(decoded);
    }
    let mut value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        // Malformed JSON: decoding it again with path tracking locates the error. Never
        // into `T`, which may skip what the rules would read (a number too large for
        // JSON's value type in a member `T` ignores): a document the rules cannot read
        // is refused, not decoded around them.
        Err(error) => {
            return Err(match decode_json::<serde_json::Value>(bytes) {
                Err(located) => located,
                Ok(_) => invalid_json("/", &error),
            })
        }
    };
    let mut violations = crate::validate::validate(&value, rules);
    if !violations.is_empty() {
        // The rules leave out what only a type constrains, which serde checks as it
        // decodes; its first complaint joins the report, so one answer says every
        // problem the rules found and the first of the others.
        if let Err(error) = serde_path_to_error::deserialize::<_, T>(value) {
            let pointer = match json_pointer(error.path()) {
                root if root == "/" => String::new(),
                pointer => pointer,
            };
            let message = error.into_inner().to_string();
            let known = violations.iter().any(|v| v.pointer == pointer);
            if let (false, Some(message)) = (known, type_mismatch(&message)) {
                violations.push(crate::validate::Violation { pointer, message });
            }
        }
        return Err(HttpError::bad_request(
            "InvalidBody",
            format!(
                "invalid request body: {}",
                crate::validate::describe_violations(&violations)
            ),
        ));
    }
    // The rules hold: decode the type from the text, which is cheaper than from the
    // value and without path tracking. Only when that fails is the value decoded again
    // with the path, for the message, and for what it accepts that the text does not (a
    // key given twice, which a struct refuses and the value keeps the last of).
    if let Ok(decoded) = serde_json::from_slice(bytes) {
        return Ok(decoded);
    }
    // What the rules allow and the type has no room for goes (see `validate::fit`).
    crate::validate::fit(&mut value, rules);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = json_pointer(e.path());
        invalid_json(&pointer, &e.into_inner())
    })
}

/// serde's "invalid type: integer `5`, expected a string" in the validator's words,
/// "expected a string, found a number"; `None` for other errors (a missing field is
/// one the rules' `required` has already reported).
fn type_mismatch(message: &str) -> Option<String> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let expected = expected.split(" at line ").next().unwrap_or(expected);
    let found = match found.split([' ', '`']).next().unwrap_or(found) {
        "integer" | "floating" => "a number",
        "string" => "a string",
        "boolean" => "a boolean",
        "sequence" => "an array",
        "map" => "an object",
        "null" | "unit" => "null",
        _ => found,
    };
    let expected = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" => {
            "an integer"
        }
        "f32" | "f64" => "a number",
        other => other,
    };
    Some(format!("expected {expected}, found {found}"))
}

fn invalid_json(pointer: &str, error: &serde_json::Error) -> HttpError {
    HttpError::bad_request(
        "InvalidBody",
        format!(
            "invalid request body at {pointer}: {}",
            describe_json_error(error)
        ),
    )
}

/// Data errors already have a pointer, so their position suffix is noise; syntax errors keep
/// it because the pointer alone cannot locate malformed text.
fn describe_json_error(error: &serde_json::Error) -> String {
    let full = error.to_string();
    if let Some(said) = type_mismatch(&full) {
        return said;
    }
    if error.is_data() {
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        if let Some(stripped) = full.strip_suffix(&suffix) {
            return stripped.to_owned();
        }
    }
    full
}

/// Renders a serde_path_to_error path as an RFC 6901 JSON pointer, `/` for the root.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    pointer
}

/// Decodes an `application/x-www-form-urlencoded` body. A key repeated is a list, as
/// HTML forms and OpenAPI's default (`form`, exploded) write arrays; a key given once
/// is a list of one where the type wants a list.
///
/// A form has no way to write `null`; clients that have to (schemathesis, for one)
/// write the text `null`. Where that text is what the type refuses (a nullable number,
/// say), it is read as the field left empty, which is `None`; where the type takes it
/// (a string), it stays the text.
pub(crate) fn decode_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, HttpError> {
    let first = match serde_html_form::from_bytes(bytes) {
        Ok(decoded) => return Ok(decoded),
        Err(error) => error.to_string(),
    };
    let mut error = first.clone();
    let mut pairs: Vec<&[u8]> = bytes.split(|b| *b == b'&').collect();
    for index in 0..pairs.len() {
        let Some(emptied) = pairs[index].strip_suffix(b"null") else {
            continue;
        };
        if !emptied.ends_with(b"=") {
            continue;
        }
        let kept = std::mem::replace(&mut pairs[index], emptied);
        match serde_html_form::from_bytes::<T>(&pairs.join(&b'&')) {
            Ok(decoded) => return Ok(decoded),
            // Emptying the pair changed what the type says: it was the one refused.
            Err(other) if other.to_string() != error => error = other.to_string(),
            Err(_) => pairs[index] = kept,
        }
    }
    Err(HttpError::bad_request(
        "InvalidBody",
        format!("invalid form request body: {first}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Pet {
        name: String,
        tags: Vec<String>,
    }

    fn err<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        decode_json::<T>(json.as_bytes())
            .unwrap_err()
            .external_message
    }

    #[test]
    fn boundaries_are_read_from_any_multipart_type() {
        let read = |text: &'static str, expected: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(text));
            multipart_boundary_of(&headers, expected).map_err(|e| e.status.as_u16())
        };
        assert_eq!(
            read("multipart/mixed; boundary=abc", "multipart/mixed"),
            Ok("abc".to_owned())
        );
        assert_eq!(
            read(
                "Multipart/Mixed; charset=x; Boundary=\"a b\"",
                "multipart/mixed"
            ),
            Ok("a b".to_owned())
        );
        assert_eq!(read("multipart/mixed", "multipart/mixed"), Err(400));
        assert_eq!(
            read("multipart/mixed; boundary=", "multipart/mixed"),
            Err(400)
        );
        assert_eq!(
            read("multipart/related; boundary=x", "multipart/mixed"),
            Err(415)
        );
        assert_eq!(
            read("multipart/form-data; boundary=x", "multipart/form-data"),
            Ok("x".to_owned())
        );
    }

    #[test]
    fn type_mismatches_in_the_validator_s_words() {
        let said = |m: &str| type_mismatch(m);
        assert_eq!(
            said("invalid type: integer `5`, expected a string at line 1 column 9").as_deref(),
            Some("expected a string, found a number")
        );
        assert_eq!(
            said("invalid type: string \"x\", expected u32").as_deref(),
            Some("expected an integer, found a string")
        );
        assert_eq!(
            said("invalid type: sequence, expected struct Book").as_deref(),
            Some("expected struct Book, found an array")
        );
        assert_eq!(said("missing field `name`"), None);
    }

    #[test]
    fn pointers() {
        assert_eq!(
            err::<Pet>(r#"{"name":"a","tags":["x",3]}"#),
            "invalid request body at /tags/1: expected a string, found a number"
        );
        assert_eq!(
            err::<Pet>(r#"{"tags":[]}"#),
            "invalid request body at /: missing field `name`"
        );
        assert_eq!(
            err::<Pet>(r#"{"name":"a","tags":[}"#),
            "invalid request body at /tags/0: expected value at line 1 column 21"
        );
        assert!(err::<Pet>(r#"{"name":"a","tags":[]} x"#)
            .starts_with("invalid request body at /: trailing characters at line 1"));
        assert_eq!(
            err::<std::collections::HashMap<String, u8>>(r#"{"a/b~c":-1}"#),
            "invalid request body at /a~1b~0c: invalid value: integer `-1`, expected u8"
        );
    }

    #[test]
    fn content_types() {
        let mut headers = HeaderMap::new();
        assert!(check_json_content_type(&headers).is_ok());
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "application/merge-patch+json",
            "Application/JSON",
        ] {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(check_json_content_type(&headers).is_ok(), "{ok}");
        }
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        let e = check_json_content_type(&headers).unwrap_err();
        assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            e.external_message,
            "unsupported content type \"text/plain\"; expected application/json"
        );
        assert!(check_form_content_type(&headers).is_err());
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        assert!(check_form_content_type(&headers).is_ok());
    }

    #[test]
    fn media_type_choice() {
        let declared = [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "image/*",
        ];
        let choose = |content_type: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = content_type {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            }
            choose_media_type(&headers, &declared)
        };
        assert_eq!(choose(None).unwrap(), 0);
        assert_eq!(choose(Some("application/json")).unwrap(), 0);
        assert_eq!(choose(Some("application/merge-patch+json")).unwrap(), 0);
        assert_eq!(choose(Some("Text/Plain; charset=utf-8")).unwrap(), 2);
        assert_eq!(
            choose(Some("application/x-www-form-urlencoded")).unwrap(),
            1
        );
        assert_eq!(choose(Some("image/png")).unwrap(), 3);
        let e = choose(Some("application/xml")).unwrap_err();
        assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(e.error_code.as_deref(), Some("UnsupportedMediaType"));
        assert_eq!(
            e.external_message,
            "unsupported content type \"application/xml\"; expected application/json, \
             application/x-www-form-urlencoded, text/plain, image/*"
        );
        // Any JSON request fits a JSON type declared under another name.
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(
            choose_media_type(&headers, &["text/plain", "application/vnd.api+json"]).unwrap(),
            1
        );
        // An exact match wins over a wildcard declared before it.
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        assert_eq!(
            choose_media_type(&headers, &["*/*", "image/png"]).unwrap(),
            1
        );
    }

    #[test]
    fn text_and_boundaries() {
        assert_eq!(
            decode_text(Bytes::from_static(b"caf\xc3\xa9")).unwrap(),
            "café"
        );
        let e = decode_text(Bytes::from_static(b"ab\xff")).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            e.external_message,
            "request body is not valid UTF-8 (invalid byte at offset 2)"
        );
        let mut headers = HeaderMap::new();
        assert!(multipart_boundary(&headers).is_err());
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=abc"),
        );
        assert_eq!(multipart_boundary(&headers).unwrap(), "abc");
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data"),
        );
        assert_eq!(
            multipart_boundary(&headers).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            multipart_boundary(&headers).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }

    #[test]
    fn a_form_null_is_an_empty_field_where_the_type_refuses_the_text() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Request {
            ttl: Option<u32>,
            note: Option<String>,
            name: String,
        }
        let read = |form: &str| decode_form::<Request>(form.as_bytes());
        assert_eq!(
            read("ttl=null&note=null&name=null").unwrap(),
            Request {
                ttl: None,
                note: Some("null".into()),
                name: "null".into(),
            }
        );
        assert_eq!(read("name=a&ttl=5").unwrap().ttl, Some(5));
        // Still refused when something else is wrong, in the words of the first try.
        let refused = read("ttl=null&name=a&note=b&ttl=x").unwrap_err();
        assert_eq!(refused.status.as_u16(), 400);
        assert!(read("ttl=nul&name=a").is_err());
    }

    #[test]
    fn form_lists_are_repeated_keys() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Update {
            name: String,
            age: u8,
            #[serde(default)]
            nicknames: Vec<String>,
        }
        let update: Update = decode_form(b"name=Rex&age=3&nicknames=R&nicknames=Rexy%21").unwrap();
        assert_eq!(update.nicknames, ["R", "Rexy!"]);
        let one: Update = decode_form(b"name=Rex&age=3&nicknames=R").unwrap();
        assert_eq!(one.nicknames, ["R"]);
        let none: Update = decode_form(b"name=Rex&age=3").unwrap();
        assert!(none.nicknames.is_empty());
        let e = decode_form::<Update>(b"name=Rex&age=old").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.error_code.as_deref(), Some("InvalidBody"));
    }

    #[tokio::test]
    async fn limit() {
        let headers = HeaderMap::new();
        let ok = read(Body::from("abcd"), &headers, 4).await.unwrap();
        assert_eq!(&ok[..], b"abcd");
        let e = read(Body::from("abcde"), &headers, 4).await.unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(e.error_code.as_deref(), Some("PayloadTooLarge"));
    }
}
