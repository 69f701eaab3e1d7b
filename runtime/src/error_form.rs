//! Errors in the spec's words: the error body an operation's spec declares for a status,
//! as a static form the generator fills in from the schema, and the errors the runtime
//! answers (a request it refused, or an [`HttpError`] a method returned) written in it.
//!
//! Schemas differ in what they call things (`message`, `detail`, `code`, `status`,
//! `error.message`, `errors[].message`); the generator reads the schema once and says for
//! each property where its value comes from, and writes a fixed value the schema accepts
//! for a required property nothing of the error fits. The form is data: a thousand
//! operations sharing an `Error` schema share one form.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use crate::error::HttpError;
use crate::request_id;

/// The error body a spec declares, as the properties to write and where each value
/// comes from. Generated from the schema; an override of the API trait's
/// `render_error` receives the one the operation declares for the error's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorForm {
    /// The body's media type as the spec declares it (`application/problem+json`).
    pub media_type: &'static str,
    /// The body's properties, in the schema's order.
    pub fields: &'static [FormField],
}

/// One property of an [`ErrorForm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormField {
    /// The property's name as the schema writes it.
    pub name: &'static str,
    /// Where its value comes from.
    pub value: FormValue,
}

/// Where the value of a property of an [`ErrorForm`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormValue {
    /// The message sent to the client ([`HttpError::external_message`]).
    Message,
    /// The error code, else the status's reason phrase (`Bad Request`).
    Code,
    /// The error code; the property is left out when the error has none.
    CodeIfAny,
    /// The status as a number.
    Status,
    /// The request's id, as echoed in `x-request-id`.
    RequestId,
    /// A value the schema accepts, written as JSON: for a required property nothing of
    /// the error fits.
    Json(&'static str),
    /// An object of these properties (`{"error": {"message": ...}}`).
    Object(&'static [FormField]),
    /// A list of one object of these properties (`{"errors": [{"message": ...}]}`).
    List(&'static [FormField]),
}

impl ErrorForm {
    /// The body `error` is written as, for the request `request_id`.
    pub fn body(&self, error: &HttpError, request_id: &str) -> Value {
        Value::Object(object(self.fields, error, request_id))
    }
}

/// The properties `fields` hold for `error`.
fn object(fields: &[FormField], error: &HttpError, request_id: &str) -> Map<String, Value> {
    let mut map = Map::new();
    for field in fields {
        let value = match field.value {
            FormValue::Message => Value::from(error.external_message.as_str()),
            FormValue::Code => Value::from(match &error.error_code {
                Some(code) => code.as_str(),
                None => error.status.canonical_reason().unwrap_or("Error"),
            }),
            FormValue::CodeIfAny => match &error.error_code {
                Some(code) => Value::from(code.as_str()),
                None => continue,
            },
            FormValue::Status => Value::from(error.status.as_u16()),
            FormValue::RequestId => Value::from(request_id),
            // The generator wrote the text with serde_json; were it ever not JSON, a
            // null says so in the body rather than failing the response.
            FormValue::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            FormValue::Object(inner) => Value::Object(object(inner, error, request_id)),
            FormValue::List(inner) => {
                Value::Array(vec![Value::Object(object(inner, error, request_id))])
            }
        };
        map.insert(field.name.to_owned(), value);
    }
    map
}

/// Which statuses an [`ErrorCase`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Covers {
    /// One status.
    Code(u16),
    /// A class: `4` for `4XX`.
    Range(u16),
    /// `default`: every status the operation declares nothing else for.
    Fallback,
}

/// A declared error response of an operation: the statuses it covers and its body's
/// form, `None` when it has no JSON body the generator could fill. Generated code lists
/// an operation's error responses; see [`declared_form`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCase {
    covers: Covers,
    form: Option<&'static ErrorForm>,
}

impl ErrorCase {
    /// The response declared for `status`.
    pub const fn code(status: u16, form: Option<&'static ErrorForm>) -> Self {
        Self {
            covers: Covers::Code(status),
            form,
        }
    }

    /// The response declared for the class `digit`XX.
    pub const fn range(digit: u16, form: Option<&'static ErrorForm>) -> Self {
        Self {
            covers: Covers::Range(digit),
            form,
        }
    }

    /// The `default` response.
    pub const fn fallback(form: Option<&'static ErrorForm>) -> Self {
        Self {
            covers: Covers::Fallback,
            form,
        }
    }
}

/// The form an operation declaring `cases` gives an error of `status`: that of the
/// response declared for the status, else for its class, else `default`; `None` when
/// the response that covers the status has no form (the spec gives it another body),
/// or none does.
#[doc(hidden)]
pub fn declared_form(cases: &[ErrorCase], status: StatusCode) -> Option<&'static ErrorForm> {
    let code = status.as_u16();
    [
        Covers::Code(code),
        Covers::Range(code / 100),
        Covers::Fallback,
    ]
    .into_iter()
    .find_map(|covers| cases.iter().find(|case| case.covers == covers))
    .and_then(|case| case.form)
}

impl HttpError {
    /// The response for this error: its body in `form` when there is one (what the
    /// operation's spec declares for the status), else the runtime's own
    /// [`ErrorBody`](crate::ErrorBody). Logged like every error response.
    pub fn render(self, form: Option<&ErrorForm>) -> Response {
        match form {
            None => axum::response::IntoResponse::into_response(self),
            Some(form) => {
                self.log();
                let body = form.body(&self, &request_id::current());
                crate::error::rendered_json(self.status, form.media_type, &body)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PETSTORE: ErrorForm = ErrorForm {
        media_type: "application/json",
        fields: &[
            FormField {
                name: "code",
                value: FormValue::Status,
            },
            FormField {
                name: "message",
                value: FormValue::Message,
            },
        ],
    };

    static NESTED: ErrorForm = ErrorForm {
        media_type: "application/problem+json",
        fields: &[
            FormField {
                name: "error",
                value: FormValue::Object(&[
                    FormField {
                        name: "code",
                        value: FormValue::Code,
                    },
                    FormField {
                        name: "kind",
                        value: FormValue::Json("\"fixed\""),
                    },
                ]),
            },
            FormField {
                name: "errors",
                value: FormValue::List(&[FormField {
                    name: "detail",
                    value: FormValue::Message,
                }]),
            },
            FormField {
                name: "error_code",
                value: FormValue::CodeIfAny,
            },
            FormField {
                name: "request_id",
                value: FormValue::RequestId,
            },
        ],
    };

    #[test]
    fn fills_each_kind_of_value() {
        let error = HttpError::for_bad_request(None, "bad limit");
        assert_eq!(
            PETSTORE.body(&error, "r1"),
            serde_json::json!({"code": 400, "message": "bad limit"})
        );
        assert_eq!(
            NESTED.body(&error, "r1"),
            serde_json::json!({
                "error": {"code": "Bad Request", "kind": "fixed"},
                "errors": [{"detail": "bad limit"}],
                "request_id": "r1",
            })
        );
        let coded = error.with_error_code("InvalidValue");
        assert_eq!(
            NESTED.body(&coded, "r2")["error_code"],
            serde_json::json!("InvalidValue")
        );
        assert_eq!(
            NESTED.body(&coded, "r2")["error"]["code"],
            serde_json::json!("InvalidValue")
        );
    }

    #[test]
    fn picks_the_narrowest_declared_response() {
        static OTHER: ErrorForm = ErrorForm {
            media_type: "application/json",
            fields: &[],
        };
        // 401 is declared without a JSON body: no form, and not the class's either.
        static CASES: [ErrorCase; 4] = [
            ErrorCase::code(404, Some(&OTHER)),
            ErrorCase::code(401, None),
            ErrorCase::range(4, Some(&NESTED)),
            ErrorCase::fallback(Some(&PETSTORE)),
        ];
        let form = |status: u16| {
            declared_form(&CASES, StatusCode::from_u16(status).unwrap())
                .map(|form| form as *const ErrorForm)
        };
        assert_eq!(form(404), Some(&OTHER as *const _));
        assert_eq!(form(400), Some(&NESTED as *const _));
        assert_eq!(form(401), None);
        assert_eq!(form(500), Some(&PETSTORE as *const _));
        assert_eq!(declared_form(&[], StatusCode::BAD_REQUEST), None);
    }

    #[tokio::test]
    async fn renders_in_the_form_or_the_runtime_shape() {
        let error = HttpError::for_bad_request(Some("X".into()), "no");
        let response = error.clone().render(Some(&PETSTORE));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()[http::header::CONTENT_TYPE],
            "application/json"
        );
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body, serde_json::json!({"code": 400, "message": "no"}));

        let response = error.render(None);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error_code"], "X");
        assert_eq!(body["message"], "no");
    }
}
