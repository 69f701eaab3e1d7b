//! Response checking (`ServerConfig::response_checks`): a handler of `specs/schemas.yaml`
//! that answers a record its schema forbids (`small` above its `maximum` of 255, which
//! the Rust type, an `i32`, cannot hold back) is caught, over real HTTP: strict mode
//! answers 500 listing the violation, report mode lets the response through and tells
//! the observer, and off checks nothing. A handler keeping to the schema passes strict
//! mode untouched.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::unimplemented_schemas as api;
use specfirst_runtime::{HttpError, RequestContext, ResponseChecks, ServerConfig, StatusCode};

/// Answers `echoRecord` with the record it was sent, its `small` raised by `raise`.
struct Echo {
    raise: i32,
}

impl api::SchemasApi for Echo {
    async fn echo_record(
        &self,
        _ctx: RequestContext,
        request: api::EchoRecordRequest,
    ) -> Result<api::EchoRecordResponse, HttpError> {
        let mut body = request.body;
        body.small = body.small.map(|small| small + self.raise);
        Ok(api::EchoRecordResponse::Ok { body })
    }
}

async fn start(raise: i32, checks: ResponseChecks) -> (support::Server, support::Told) {
    support::start_observed(api::router(Arc::new(Echo { raise })), checks).await
}

/// `POST /records` of a record whose `small` is 200: valid as sent.
async fn post(server: &support::Server) -> (StatusCode, Value) {
    let response = server
        .post("/records")
        .json(&json!({"name": "r", "mode": "fast", "small": 200}))
        .send()
        .await
        .expect("send");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn strict_mode_answers_500_naming_what_the_body_breaks() {
    let (server, told) = start(100, ResponseChecks::Strict).await;
    let (status, body) = post(&server).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error_code"], "ResponseBreaksSpec");
    let message = body["message"].as_str().expect("message");
    assert!(
        message.starts_with("the response of `echoRecord` breaks the spec: body /small: "),
        "{message}"
    );
    assert!(message.contains("255"), "{message}");
    let violations = support::last_violations(&told).await;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].starts_with("body /small: "), "{violations:?}");
}

#[tokio::test]
async fn report_mode_lets_the_response_through_and_tells_the_observer() {
    let (server, told) = start(100, ResponseChecks::Report).await;
    let (status, body) = post(&server).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["small"], 300);
    let violations = support::last_violations(&told).await;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].starts_with("body /small: "), "{violations:?}");
}

#[tokio::test]
async fn off_checks_nothing() {
    let (server, told) = start(100, ResponseChecks::Off).await;
    let (status, body) = post(&server).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["small"], 300);
    assert_eq!(support::last_violations(&told).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_response_keeping_to_the_schema_passes_strict_mode() {
    let (server, told) = start(0, ResponseChecks::Strict).await;
    let (status, body) = post(&server).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["small"], 200);
    assert_eq!(support::last_violations(&told).await, Vec::<String>::new());
    // An error the method returns is the runtime's shape, which strict mode leaves
    // alone: `echoShape` is not written, and answers 501.
    let response = server
        .post("/shapes")
        .json(&json!({"kind": "circle", "radius": 1.0}))
        .send()
        .await
        .expect("send");
    let status = response.status();
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{body}");
    assert_eq!(body["error_code"], "NotImplemented");
}

#[test]
fn the_setting_reads_from_toml() {
    for (text, checks) in [
        ("off", ResponseChecks::Off),
        ("report", ResponseChecks::Report),
        ("strict", ResponseChecks::Strict),
    ] {
        let config =
            ServerConfig::from_toml_str(&format!("response_checks = \"{text}\"")).expect("config");
        assert_eq!(config.response_checks, checks);
    }
    let error = ServerConfig::from_toml_str("response_checks = \"loud\"").expect_err("refused");
    assert!(error.to_string().contains("response_checks"), "{error}");
    // Debug builds, which tests are, report by default.
    assert_eq!(
        ServerConfig::default().response_checks,
        ResponseChecks::Report
    );
}
