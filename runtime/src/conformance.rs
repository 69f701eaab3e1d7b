//! Checking what an implementation answers against the responses its operation declares:
//! the status, the media type, the required headers and the body's rules.
//!
//! The generated crate gives each operation a table of [`Declared`] responses; the
//! handlers ([`crate::operation`]) hand every response the trait's method gives to
//! [`Checking::check`] when the server's [`ResponseChecks`] setting is on. Errors the
//! method returns as [`HttpError`]s are the runtime's own shape and are not checked
//! here.

use std::future::Future;
use std::pin::Pin;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use http_body::Body as _;
use serde::Deserialize;

use specfirst_model::streams::{framing_of, Framing};

use crate::body::{essence, in_range, is_json};
use crate::model::Status;
use crate::observe::Routed;
use crate::validate::{validate, Schema};
use crate::HttpError;

/// Largest body read to check it; a larger one is left unchecked rather than held.
const MAX_CHECKED_BODY: u64 = 16 * 1024 * 1024;

/// Whether the responses an implementation gives are checked against the spec
/// (`ServerConfig::response_checks`, `response_checks = "strict"` in TOML).
///
/// Checked are the status (declared, or covered by a range or `default`), the
/// `Content-Type` (one of the status's media types), the headers the spec marks
/// required, and a JSON body against the rules of its schema that its Rust type does not
/// already enforce (lengths, ranges, patterns, formats, ...). The items of a streamed
/// body (Server-Sent Events, JSON Lines, json-seq) are checked as they pass, each one
/// that breaks its item schema reported as it is found (an event told apart by name
/// against the schema of its name's data); other bodies over 16 MiB are not read.
/// Errors a method returns as `HttpError` are not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseChecks {
    /// Responses go out unchecked. The default in release builds.
    Off,
    /// A response that breaks the spec goes out as it is, and each violation is logged
    /// (a `warn` event) and given to the observer (`ResponseRecord::response_violations`).
    /// The default in debug builds, so tests and local runs report them.
    Report,
    /// As [`Report`](Self::Report), and the response is replaced by a 500 whose message
    /// lists the violations, so a test of the implementation fails loudly; a stream,
    /// whose status is sent already, ends before the item that breaks the spec is whole.
    Strict,
}

impl Default for ResponseChecks {
    fn default() -> Self {
        if cfg!(debug_assertions) {
            ResponseChecks::Report
        } else {
            ResponseChecks::Off
        }
    }
}

/// One response an operation declares, as generated code lists them for the checks.
#[derive(Debug)]
pub struct Declared {
    status: Status,
    /// Each media type with the rules of its body, when it is JSON and its schema says
    /// more than its Rust type.
    content: &'static [(&'static str, Option<&'static Schema>)],
    /// Headers the spec marks required, in lower case.
    headers: &'static [&'static str],
    /// The media types among `content` whose events are told apart by name: each
    /// event's data is checked as `{name: data}` against the media type's rules.
    named: &'static [&'static str],
}

impl Declared {
    /// The response for status `code`.
    pub const fn code(
        code: u16,
        content: &'static [(&'static str, Option<&'static Schema>)],
        headers: &'static [&'static str],
    ) -> Self {
        Self {
            status: Status::Code(code),
            content,
            headers,
            named: &[],
        }
    }

    /// The response for a class of statuses, by its digit (`4` for `4XX`).
    pub const fn range(
        digit: u16,
        content: &'static [(&'static str, Option<&'static Schema>)],
        headers: &'static [&'static str],
    ) -> Self {
        Self {
            status: Status::Range(digit),
            content,
            headers,
            named: &[],
        }
    }

    /// The `default` response: any status not declared otherwise.
    pub const fn fallback(
        content: &'static [(&'static str, Option<&'static Schema>)],
        headers: &'static [&'static str],
    ) -> Self {
        Self {
            status: Status::Default,
            content,
            headers,
            named: &[],
        }
    }

    /// This response, whose events of the media types `media_types` are told apart by
    /// name (a stream of Server-Sent Events whose item is one kind per event name).
    pub const fn named(self, media_types: &'static [&'static str]) -> Self {
        Self {
            named: media_types,
            ..self
        }
    }
}

/// The declared response covering `status`: its own, else its class's, else `default`.
fn covering(declared: &'static [Declared], status: StatusCode) -> Option<&'static Declared> {
    let code = status.as_u16();
    let by = |wanted: Status| declared.iter().find(|d| d.status == wanted);
    by(Status::Code(code))
        .or_else(|| by(Status::Range(code / 100)))
        .or_else(|| by(Status::Default))
}

/// A response's checks, made before the request is decoded, while the request's
/// settings are at hand.
pub(crate) struct Checking {
    strict: bool,
    operation_id: &'static str,
    declared: &'static [Declared],
    routed: Option<Routed>,
}

/// The future of a checked response: boxed, so the handlers, made once per operation,
/// carry a pointer to it rather than its states.
type Checked = Pin<Box<dyn Future<Output = Response> + Send>>;

impl Checking {
    /// The checks of `operation_id`'s responses under `mode`, or `None` when there are
    /// none to make.
    pub(crate) fn new(
        mode: ResponseChecks,
        operation_id: &'static str,
        declared: &'static [Declared],
        routed: Option<&Routed>,
    ) -> Option<Self> {
        if mode == ResponseChecks::Off || declared.is_empty() {
            return None;
        }
        Some(Self {
            strict: mode == ResponseChecks::Strict,
            operation_id,
            declared,
            routed: routed.cloned(),
        })
    }

    /// `response`, checked: as it was, or in strict mode a 500 listing what it breaks.
    pub(crate) fn check(self, response: Response) -> Checked {
        Box::pin(async move {
            let (parts, body) = response.into_parts();
            let (violations, body, items) = violations(self.declared, &parts, body).await;
            let body = match items {
                Some((framing, named, rules)) => {
                    crate::streams::checked_items(body, framing, named, rules, self.item_report())
                }
                None => body,
            };
            let response = Response::from_parts(parts, body);
            if violations.is_empty() {
                return response;
            }
            let list = violations.join("; ");
            tracing::warn!(
                operation_id = self.operation_id,
                status = response.status().as_u16(),
                violations = %list,
                "the response breaks the operation's declared responses"
            );
            if let Some(routed) = &self.routed {
                routed.set_response_violations(violations);
            }
            if !self.strict {
                return response;
            }
            HttpError::for_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "the response of `{}` breaks the spec: {list}",
                    self.operation_id
                ),
            )
            .with_error_code("ResponseBreaksSpec")
            .into_response()
        })
    }

    /// What the checks of a stream do with an item that breaks its rules: log it and give
    /// it to the observer, and in strict mode end the stream there (its status and
    /// headers are gone already).
    fn item_report(&self) -> crate::streams::Report {
        let operation_id = self.operation_id;
        let routed = self.routed.clone();
        let strict = self.strict;
        Box::new(move |violation: String| {
            tracing::warn!(
                operation_id,
                violation = %violation,
                "an item of the streamed response breaks the operation's declared responses"
            );
            if let Some(routed) = &routed {
                routed.set_response_violations(vec![violation]);
            }
            !strict
        })
    }
}

/// The rules of each item of a streamed body, how its items are framed, and whether
/// its events are told apart by name.
type ItemRules = Option<(Framing, bool, &'static Schema)>;

/// What `parts` and `body` break of `declared`, the body to send (read whole when it
/// was checked), and for a stream with rules its framing and its items' rules, which
/// are checked as the items pass.
async fn violations(
    declared: &'static [Declared],
    parts: &http::response::Parts,
    body: Body,
) -> (Vec<String>, Body, ItemRules) {
    let status = parts.status;
    let Some(response) = covering(declared, status) else {
        let keys: Vec<String> = declared.iter().map(|d| d.status.key()).collect();
        let message = format!(
            "status {} is not among the operation's responses ({})",
            status.as_u16(),
            keys.join(", ")
        );
        return (vec![message], body, None);
    };
    let mut found = Vec::new();
    for name in response.headers {
        if !parts.headers.contains_key(*name) {
            found.push(format!(
                "header `{name}` is required for status {} but missing",
                status.as_u16()
            ));
        }
    }
    let hint = body.size_hint();
    let content_type = parts.headers.get(header::CONTENT_TYPE);
    let Some(content_type) = content_type else {
        if hint.lower() > 0 || hint.exact().is_none() {
            match response.content.first() {
                None => found.push(format!(
                    "status {} declares no body, yet the response has one",
                    status.as_u16()
                )),
                Some(_) => found.push(format!(
                    "the body has no `content-type`; the spec declares {}",
                    media_list(response)
                )),
            }
        }
        return (found, body, None);
    };
    let actual = essence(content_type.to_str().unwrap_or_default());
    if response.content.is_empty() {
        found.push(format!(
            "status {} declares no body, yet the response is `{actual}`",
            status.as_u16()
        ));
        return (found, body, None);
    }
    let Some((declared_type, rules)) = response
        .content
        .iter()
        .find(|(media_type, _)| in_range(&essence(media_type), &actual))
    else {
        found.push(format!(
            "`content-type: {actual}` is not among the media types of status {} ({})",
            status.as_u16(),
            media_list(response)
        ));
        return (found, body, None);
    };
    if let (Some(framing), Some(rules)) = (framing_of(&actual), rules) {
        let named = response.named.contains(declared_type);
        return (found, body, Some((framing, named, rules)));
    }
    let Some(rules) = rules.filter(|_| is_json(&actual)) else {
        return (found, body, None);
    };
    let Some(size) = hint.exact().filter(|size| *size <= MAX_CHECKED_BODY) else {
        return (found, body, None);
    };
    let bytes = match axum::body::to_bytes(body, size as usize).await {
        Ok(bytes) => bytes,
        Err(error) => {
            // A whole body of known size does not fail to be read; if one does, what
            // the client gets is the same failure.
            found.push(format!("the body could not be read: {error}"));
            return (found, Body::empty(), None);
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => found.extend(validate(&value, rules).into_iter().map(|violation| {
            if violation.pointer.is_empty() {
                format!("body: {}", violation.message)
            } else {
                format!("body {}: {}", violation.pointer, violation.message)
            }
        })),
        Err(error) => found.push(format!("the body is not JSON: {error}")),
    }
    (found, Body::from(bytes), None)
}

/// The media types `response` declares, for messages.
fn media_list(response: &Declared) -> String {
    let types: Vec<&str> = response.content.iter().map(|(media, _)| *media).collect();
    types.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Check, Kind};

    static NAME: Schema = Schema {
        kind: Some(Kind::String),
        checks: &[Check::MinLength(1)],
        ..Schema::ANY
    };

    static BOOK: Schema = Schema {
        kind: Some(Kind::Object),
        properties: &[("name", &NAME)],
        required: &["name"],
        ..Schema::ANY
    };

    static DECLARED: [Declared; 4] = [
        Declared::code(200, &[("application/json", Some(&BOOK))], &["etag"]),
        Declared::code(204, &[], &[]),
        Declared::range(4, &[("application/problem+json", None)], &[]),
        Declared::fallback(&[("image/*", None)], &[]),
    ];

    fn response(status: u16, content_type: Option<&str>, body: &'static str) -> Response {
        let mut builder = http::Response::builder().status(status);
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        if status == 200 {
            builder = builder.header(header::ETAG, "\"1\"");
        }
        builder.body(Body::from(body)).unwrap()
    }

    async fn check(response: Response) -> Vec<String> {
        let (parts, body) = response.into_parts();
        let (found, body, _) = violations(&DECLARED, &parts, body).await;
        // The body goes on whole, read or not.
        let sent = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        assert!(
            !sent.is_empty() || parts.status == 204 || found.iter().any(|f| f.contains("no body"))
        );
        found
    }

    #[tokio::test]
    async fn a_response_as_declared_breaks_nothing() {
        let ok = response(200, Some("application/json"), r#"{"name":"Dune"}"#);
        assert_eq!(check(ok).await, Vec::<String>::new());
        let none = http::Response::builder()
            .status(204)
            .body(Body::empty())
            .unwrap();
        assert_eq!(check(none).await, Vec::<String>::new());
        let problem = response(409, Some("application/problem+json; charset=utf-8"), "{}");
        assert_eq!(check(problem).await, Vec::<String>::new());
        let image = response(500, Some("image/png"), "PNG");
        assert_eq!(check(image).await, Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_body_its_schema_forbids_is_named_with_its_pointer() {
        let found = check(response(200, Some("application/json"), r#"{"name":""}"#)).await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("body /name: "), "{found:?}");
        let found = check(response(200, Some("application/json"), "{}")).await;
        assert!(found[0].contains("name"), "{found:?}");
        let found = check(response(200, Some("application/json"), "not json")).await;
        assert!(found[0].starts_with("the body is not JSON"), "{found:?}");
    }

    #[tokio::test]
    async fn the_media_type_and_required_headers_are_checked() {
        let found = check(response(200, Some("text/plain"), "Dune")).await;
        assert_eq!(
            found,
            ["`content-type: text/plain` is not among the media types of status 200 (application/json)"]
        );
        let found = check(response(404, Some("text/plain"), "gone")).await;
        assert!(found[0].contains("(application/problem+json)"), "{found:?}");
        let found = check(response(500, Some("application/json"), "{}")).await;
        assert!(found[0].contains("(image/*)"), "{found:?}");
        let mut missing = response(200, Some("application/json"), r#"{"name":"Dune"}"#);
        missing.headers_mut().remove(header::ETAG);
        assert_eq!(
            check(missing).await,
            ["header `etag` is required for status 200 but missing"]
        );
        let found = check(response(204, Some("application/json"), "{}")).await;
        assert_eq!(
            found,
            ["status 204 declares no body, yet the response is `application/json`"]
        );
        let found = check(response(200, None, r#"{"name":"Dune"}"#)).await;
        assert_eq!(
            found,
            ["the body has no `content-type`; the spec declares application/json"]
        );
    }

    #[tokio::test]
    async fn an_undeclared_status_is_named() {
        static ONLY_OK: [Declared; 1] = [Declared::code(200, &[], &[])];
        let response = http::Response::builder()
            .status(418)
            .body(Body::empty())
            .unwrap();
        let (parts, body) = response.into_parts();
        let (found, _, _) = violations(&ONLY_OK, &parts, body).await;
        assert_eq!(
            found,
            ["status 418 is not among the operation's responses (200)"]
        );
    }

    #[test]
    fn wildcards_cover_their_kinds() {
        assert!(in_range("*/*", "text/csv"));
        assert!(in_range("image/*", "image/png"));
        assert!(!in_range("image/*", "text/png"));
        assert!(!in_range("application/json", "application/problem+json"));
        assert_eq!(
            essence("Application/JSON ; charset=UTF-8"),
            "application/json"
        );
    }

    #[tokio::test]
    async fn strict_mode_answers_500_listing_the_violations() {
        let checking = Checking::new(ResponseChecks::Strict, "getBook", &DECLARED, None).unwrap();
        let answer = checking
            .check(response(200, Some("application/json"), r#"{"name":""}"#))
            .await;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(answer.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error_code"], "ResponseBreaksSpec");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("the response of `getBook` breaks the spec: body /name: "),
            "{message}"
        );
        let reported = Checking::new(ResponseChecks::Report, "getBook", &DECLARED, None).unwrap();
        let kept = reported
            .check(response(200, Some("application/json"), r#"{"name":""}"#))
            .await;
        assert_eq!(kept.status(), StatusCode::OK);
        assert!(Checking::new(ResponseChecks::Off, "getBook", &DECLARED, None).is_none());
        assert!(Checking::new(ResponseChecks::Strict, "getBook", &[], None).is_none());
    }

    static STREAMED: [Declared; 1] = [Declared::code(
        200,
        &[
            ("application/jsonl", Some(&BOOK)),
            ("text/event-stream", Some(&BOOK)),
        ],
        &[],
    )];

    /// A response of `content_type` whose body comes in `chunks`, checked under `mode`:
    /// the bytes that went out.
    async fn streamed(mode: ResponseChecks, content_type: &str, chunks: &[&'static str]) -> String {
        let chunks: Vec<&'static [u8]> = chunks.iter().map(|chunk| chunk.as_bytes()).collect();
        let body = crate::stream::tests::chunked(&chunks);
        let response = http::Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .unwrap();
        let checking = Checking::new(mode, "streamBooks", &STREAMED, None).unwrap();
        let answer = checking.check(response).await;
        assert_eq!(answer.status(), StatusCode::OK);
        let sent = axum::body::to_bytes(answer.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(sent.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn stream_items_are_checked_as_they_pass() {
        let lines = [
            "{\"name\":\"Dune\"}\n{\"na",
            "me\":\"\"}\n",
            "{\"name\":\"Emma\"}\n",
        ];
        // Reported, the stream goes out whole; strict, it ends before the chunk that
        // completes the bad item.
        assert_eq!(
            streamed(ResponseChecks::Report, "application/jsonl", &lines).await,
            lines.concat()
        );
        assert_eq!(
            streamed(ResponseChecks::Strict, "application/jsonl", &lines).await,
            lines[0]
        );
        let events = [
            "data: {\"name\":\"Dune\"}\n\n: keep-alive\n\n",
            "data: {}\n\n",
            "data: {\"name\":\"x\"}\n\n",
        ];
        assert_eq!(
            streamed(ResponseChecks::Strict, "text/event-stream", &events).await,
            events[0]
        );
        let fine = [
            "data: {\"name\":\"Dune\"}\n\n",
            "data: {\"name\":\"x\"}\n\n",
        ];
        assert_eq!(
            streamed(ResponseChecks::Strict, "text/event-stream", &fine).await,
            fine.concat()
        );
        let not_json = ["{\"name\":\"Dune\"}\n", "not json\n"];
        assert_eq!(
            streamed(ResponseChecks::Strict, "application/jsonl", &not_json).await,
            not_json[0]
        );
    }
}
