//! The error type handlers return and the JSON body every error response carries.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use crate::request_id;

/// What a handler (and an authentication method) returns: its value, or the
/// [`HttpError`] that becomes the response. The generated traits are written with it;
/// `Result<T, HttpError>` is the same type.
pub type Result<T, E = HttpError> = std::result::Result<T, E>;

/// An error to report to the client, shaped like Dropshot's `HttpError`.
///
/// The external message is sent to the client; the internal message is only logged, so it
/// may carry details (file paths, upstream errors) the client must not see.
#[derive(Debug, Clone, thiserror::Error)]
#[error("http error {status}: {internal_message}")]
pub struct HttpError {
    /// Status code of the response.
    pub status: StatusCode,
    /// Machine-readable code sent as `error_code` in the body.
    pub error_code: Option<String>,
    /// Message sent to the client.
    pub external_message: String,
    /// Message logged on the server and never sent.
    pub internal_message: String,
}

impl HttpError {
    /// An error with the given status whose message is both sent and logged.
    pub fn for_status(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status,
            error_code: None,
            external_message: message.clone(),
            internal_message: message,
        }
    }

    /// A `400 Bad Request` error.
    pub fn for_bad_request(error_code: Option<String>, message: impl Into<String>) -> Self {
        Self {
            error_code,
            ..Self::for_status(StatusCode::BAD_REQUEST, message)
        }
    }

    /// A `404 Not Found` error with error code `NotFound`.
    pub fn for_not_found(message: impl Into<String>) -> Self {
        Self::for_status(StatusCode::NOT_FOUND, message).with_error_code("NotFound")
    }

    /// A `500 Internal Server Error` that tells the client only "internal error" and logs
    /// `internal_message`.
    pub fn for_internal_error(internal_message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error_code: Some("Internal".to_owned()),
            external_message: "internal error".to_owned(),
            internal_message: internal_message.into(),
        }
    }

    /// A `501 Not Implemented` error with error code `NotImplemented`, for an operation
    /// the server declares but does not serve yet: what the trait methods of a crate
    /// generated with `--default-not-implemented` answer until they are written.
    pub fn for_not_implemented(operation_id: &str) -> Self {
        Self::for_status(
            StatusCode::NOT_IMPLEMENTED,
            format!("operation `{operation_id}` is not implemented"),
        )
        .with_error_code("NotImplemented")
    }

    /// Replaces the error code.
    pub fn with_error_code(mut self, code: impl Into<String>) -> Self {
        self.error_code = Some(code.into());
        self
    }

    pub(crate) fn bad_request(error_code: &str, message: impl Into<String>) -> Self {
        Self::for_bad_request(Some(error_code.to_owned()), message)
    }

    pub(crate) fn log(&self) {
        if self.status.is_server_error() {
            tracing::error!(
                request_id = %request_id::current(),
                status = self.status.as_u16(),
                error_code = self.error_code.as_deref(),
                internal_message = %self.internal_message,
                "request failed"
            );
        } else {
            tracing::debug!(
                request_id = %request_id::current(),
                status = self.status.as_u16(),
                error_code = self.error_code.as_deref(),
                internal_message = %self.internal_message,
                "request rejected"
            );
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Id of the request, as echoed in the `x-request-id` header.
    pub request_id: String,
    /// Machine-readable error code, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_code: Option<String>,
    /// Human-readable description of the error.
    pub message: String,
}

/// Marks a response whose body is already in its final form, so the router middleware does
/// not rewrite it into an [`ErrorBody`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rendered;

impl ErrorBody {
    /// Renders the body as a complete error response with the given status.
    pub(crate) fn into_response(self, status: StatusCode) -> Response {
        rendered_json(status, "application/json", &self)
    }
}

/// A complete error response of `status` with `body` as JSON of `media_type`, marked so the router
/// middleware leaves it as it is.
pub(crate) fn rendered_json(
    status: StatusCode,
    media_type: &'static str,
    body: &impl Serialize,
) -> Response {
    // Serializing strings and numbers cannot fail; the fallback only avoids a panic path.
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, bytes).into_response();
    // Generated forms hold media types read from a spec; one that is no header value
    // is written as plain JSON rather than failing the response.
    let content_type = HeaderValue::from_str(media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/json"));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response.extensions_mut().insert(Rendered);
    response
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.log();
        ErrorBody {
            request_id: request_id::current(),
            error_code: self.error_code,
            message: self.external_message,
        }
        .into_response(self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_set_codes() {
        let e = HttpError::for_internal_error("db down");
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.external_message, "internal error");
        assert_eq!(e.internal_message, "db down");
        assert_eq!(e.error_code.as_deref(), Some("Internal"));

        let e = HttpError::for_not_found("gone");
        assert_eq!(
            (e.status, e.error_code.as_deref()),
            (StatusCode::NOT_FOUND, Some("NotFound"))
        );

        let e = HttpError::for_bad_request(None, "bad").with_error_code("X");
        assert_eq!(
            (e.status, e.error_code.as_deref()),
            (StatusCode::BAD_REQUEST, Some("X"))
        );
        assert_eq!(
            HttpError::for_status(StatusCode::CONFLICT, "c").error_code,
            None
        );
    }

    #[test]
    fn error_code_is_omitted_when_absent() {
        let body = ErrorBody {
            request_id: "r".into(),
            error_code: None,
            message: "m".into(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"request_id":"r","message":"m"}"#
        );
    }
}
