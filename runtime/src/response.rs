//! Helpers generated response enums use to build responses.
//!
//! Every response built here is marked as rendered, so the router middleware leaves error
//! statuses that the OpenAPI document declares (with their own bodies) untouched.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderName};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use serde_json::Value;

use crate::error::Rendered;
use crate::{Binary, HttpError};

fn rendered(status: StatusCode, content_type: Option<HeaderValue>, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    mark_rendered(&mut response);
    response
}

/// Marks an error response as the handler's own, so the router middleware keeps its body.
/// Only error statuses are ever re-rendered, so a success needs no mark (and no extension
/// map allocated for it).
pub(crate) fn mark_rendered(response: &mut Response) {
    if response.status().as_u16() >= 400 && response.extensions().get::<Rendered>().is_none() {
        response.extensions_mut().insert(Rendered);
    }
}

/// Turns a handler result into a response; errors become JSON error bodies.
pub fn respond<R: IntoResponse>(result: Result<R, HttpError>) -> Response {
    match result {
        Ok(value) => {
            let mut response = value.into_response();
            mark_rendered(&mut response);
            response
        }
        Err(error) => error.into_response(),
    }
}

/// The response for a request refused before its handler ran: a decoding or an
/// authentication error.
pub fn reject(error: impl IntoResponse) -> Response {
    error.into_response()
}

/// A JSON response, encoded into a single buffer.
///
/// Serialization failures (such as a map with non-string keys) become a 500 error.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => rendered(
            status,
            Some(HeaderValue::from_static("application/json")),
            Body::from(bytes),
        ),
        Err(e) => HttpError::for_internal_error(format!("failed to serialize response body: {e}"))
            .into_response(),
    }
}

/// The status for a code the generator read from the spec (always 100 to 599); anything
/// else is answered as 500 rather than trusted.
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A JSON response under another JSON media type, such as `application/problem+json`.
pub fn json_as<T: Serialize>(status: StatusCode, content_type: &'static str, body: &T) -> Response {
    let mut response = json(status, body);
    if response.status() == status {
        if let Ok(value) = HeaderValue::from_str(content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
    }
    response
}

/// A response without a body.
pub fn empty(status: StatusCode) -> Response {
    rendered(status, None, Body::empty())
}

/// A response with an arbitrary body, whole or streamed, and content type; an invalid
/// content type is a 500 error.
pub fn binary(status: StatusCode, content_type: &str, body: Binary) -> Response {
    match HeaderValue::from_str(content_type) {
        Ok(content_type) => rendered(status, Some(content_type), body.into_body()),
        Err(_) => {
            HttpError::for_internal_error(format!("invalid response content type {content_type:?}"))
                .into_response()
        }
    }
}

/// A text response; `content_type` is the declared one, given a charset by the generator
/// when it has no parameters of its own.
pub fn text(status: StatusCode, content_type: &str, body: String) -> Response {
    binary(status, content_type, Binary::from(body))
}

/// A `text/plain; charset=utf-8` response: [`text`] for the media type most text
/// responses declare.
pub fn plain_text(status: StatusCode, body: String) -> Response {
    text(status, specfirst_model::vocabulary::PLAIN_TEXT, body)
}

/// Checks that a status chosen by a handler belongs to the class the OpenAPI document
/// declares (`class` 4 for a `4XX` response).
pub fn check_class(status: StatusCode, class: u16) -> Result<StatusCode, HttpError> {
    if status.as_u16() / 100 == class {
        Ok(status)
    } else {
        Err(HttpError::for_internal_error(format!(
            "handler returned status {} for a {class}XX response",
            status.as_u16()
        )))
    }
}

/// The response `build` makes with `status` when `status` belongs to the class the
/// OpenAPI document declares ([`check_class`]); otherwise the 500 that says it does not.
/// Generated code answers a range response (`2XX`) with one call of this.
pub fn in_class(
    status: StatusCode,
    class: u16,
    build: impl FnOnce(StatusCode) -> Response,
) -> Response {
    match check_class(status, class) {
        Ok(status) => build(status),
        Err(error) => reject(error),
    }
}

/// A JSON response for a range response (`2XX`): [`json`] when `status` belongs to
/// the class, else the 500 [`in_class`] answers with. Generated code calls it for the
/// most common range response, which would otherwise need a closure per operation.
pub fn json_in_class<T: Serialize>(status: StatusCode, class: u16, body: &T) -> Response {
    match check_class(status, class) {
        Ok(status) => json(status, body),
        Err(error) => reject(error),
    }
}

/// The answer of a trait method's default body in a crate generated with
/// `--default-not-implemented`: `501 Not Implemented` naming the operation, at once.
pub fn not_implemented<T>(operation_id: &str) -> std::future::Ready<Result<T, HttpError>> {
    std::future::ready(Err(HttpError::for_not_implemented(operation_id)))
}

/// Sets a response header from a typed value using the simple style: strings as-is, numbers
/// and booleans in their JSON form, arrays comma-joined. `null` (an absent optional header)
/// sets nothing.
///
/// A value that cannot be represented (an object, a nested array, or bytes not allowed in a
/// header) replaces the response with a 500 error, since sending it without the header would
/// break the documented contract.
pub fn insert_header<T: Serialize>(response: &mut Response, name: &'static str, value: &T) {
    match header_value(name, value) {
        Ok(Some((name, value))) => {
            response.headers_mut().insert(name, value);
        }
        Ok(None) => {}
        Err(message) => *response = HttpError::for_internal_error(message).into_response(),
    }
}

fn header_value<T: Serialize>(
    name: &'static str,
    value: &T,
) -> Result<Option<(HeaderName, HeaderValue)>, String> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid response header name {name:?}"))?;
    let unrepresentable = || format!("response header {name:?} has a value that cannot be sent");
    let value = serde_json::to_value(value)
        .map_err(|e| format!("failed to serialize response header {name:?}: {e}"))?;
    let text = match value {
        Value::Null => return Ok(None),
        Value::Array(items) => items
            .iter()
            .map(|item| scalar_text(item).ok_or_else(unrepresentable))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        Value::String(text) => text,
        other => scalar_text(&other).ok_or_else(unrepresentable)?,
    };
    // From the string itself: no copy of it.
    let header_value = HeaderValue::try_from(text).map_err(|_| unrepresentable())?;
    Ok(Some((header_name, header_value)))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: impl Serialize) -> Response {
        let mut response = empty(StatusCode::OK);
        insert_header(&mut response, "X-Things", &value);
        response
    }

    #[tokio::test]
    async fn not_implemented_is_a_501_naming_the_operation() {
        let error = not_implemented::<()>("list_pets")
            .await
            .expect_err("never a value");
        assert_eq!(error.status, StatusCode::NOT_IMPLEMENTED);
        assert_eq!(error.error_code.as_deref(), Some("NotImplemented"));
        assert_eq!(
            error.external_message,
            "operation `list_pets` is not implemented"
        );
    }

    #[test]
    fn header_values() {
        assert_eq!(header("a b").headers()["x-things"], "a b");
        assert_eq!(header(12).headers()["x-things"], "12");
        assert_eq!(header(true).headers()["x-things"], "true");
        assert_eq!(header(vec![1, 2]).headers()["x-things"], "1,2");
        assert!(header(Option::<u8>::None)
            .headers()
            .get("x-things")
            .is_none());
        assert_eq!(
            header(serde_json::json!({"a": 1})).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            header("line\nbreak").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn classes() {
        assert_eq!(
            check_class(StatusCode::NOT_FOUND, 4).unwrap(),
            StatusCode::NOT_FOUND
        );
        let e = check_class(StatusCode::OK, 4).unwrap_err();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            e.internal_message,
            "handler returned status 200 for a 4XX response"
        );
    }

    #[test]
    fn a_status_outside_its_class_is_not_built() {
        let built = in_class(StatusCode::CREATED, 2, empty);
        assert_eq!(built.status(), StatusCode::CREATED);
        let refused = in_class(StatusCode::OK, 4, |_| unreachable!("not built"));
        assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let built = json_in_class(StatusCode::CONFLICT, 4, &[1, 2]);
        assert_eq!(built.status(), StatusCode::CONFLICT);
        assert_eq!(
            built.headers()[http::header::CONTENT_TYPE],
            "application/json"
        );
        let refused = json_in_class(StatusCode::OK, 5, &[1, 2]);
        assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn bad_inputs_become_500() {
        assert_eq!(
            binary(StatusCode::OK, "text/plain\n", Binary::from("")).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let map: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert_eq!(
            json(StatusCode::OK, &map).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let ok = json(StatusCode::CREATED, &[1, 2]);
        assert_eq!(ok.status(), StatusCode::CREATED);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], "application/json");
    }
}
