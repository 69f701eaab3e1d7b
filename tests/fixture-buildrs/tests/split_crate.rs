//! The schema fixture generated as a split crate (`tests/split-schemas`: its types in six
//! model crates that import each other) served on 127.0.0.1 and called over real HTTP
//! beside the same spec generated as one module: every answer is the same, good input
//! and bad, so splitting changes where the types live and nothing else.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::schemas as one;
use specfirst_runtime::{HttpError, RequestContext};

/// `$name`, the same echo as `schemas.rs` writes for the module, for the generated API
/// at `$api`.
macro_rules! echo {
    ($name:ident, $($api:ident)::+) => {
        struct $name;

        impl $($api)::+::SchemasApi for $name {
            async fn echo_shape(
                &self,
                _ctx: RequestContext,
                r: $($api)::+::EchoShapeRequest,
            ) -> Result<$($api)::+::EchoShapeResponse, HttpError> {
                Ok($($api)::+::EchoShapeResponse::Ok { body: r.body })
            }

            async fn echo_record(
                &self,
                _ctx: RequestContext,
                r: $($api)::+::EchoRecordRequest,
            ) -> Result<$($api)::+::EchoRecordResponse, HttpError> {
                let mut body = r.body;
                body.id = Some(uuid::Uuid::nil());
                Ok($($api)::+::EchoRecordResponse::Ok { body })
            }

            async fn echo_value(
                &self,
                _ctx: RequestContext,
                r: $($api)::+::EchoValueRequest,
            ) -> Result<$($api)::+::EchoValueResponse, HttpError> {
                // In the split crate the body's type comes from a model crate, through
                // the API crate's `types`.
                let kind = match r.body {
                    $($api)::+::types::EchoValueBody::String(_) => "text",
                    $($api)::+::types::EchoValueBody::Integer(_) => "number",
                    $($api)::+::types::EchoValueBody::Array(_) => "flags",
                };
                let body = serde_json::from_value(json!({ "kind": kind }))
                    .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
                Ok($($api)::+::EchoValueResponse::Ok { body })
            }

            async fn trace_outline(
                &self,
                _ctx: RequestContext,
                r: $($api)::+::TraceOutlineRequest,
            ) -> Result<$($api)::+::TraceOutlineResponse, HttpError> {
                let body = match r.body {
                    $($api)::+::types::TraceOutlineBody::Circle { radius, .. } => radius,
                    $($api)::+::types::TraceOutlineBody::Rectangle { width, .. } => {
                        f64::from(width.get())
                    }
                };
                Ok($($api)::+::TraceOutlineResponse::Ok { body })
            }

            async fn echo_source(
                &self,
                _ctx: RequestContext,
                r: $($api)::+::EchoSourceRequest,
            ) -> Result<$($api)::+::EchoSourceResponse, HttpError> {
                Ok($($api)::+::EchoSourceResponse::Ok { body: r.body })
            }
        }
    };
}

echo!(SplitEcho, schemas_split_api);
echo!(OneEcho, one);

async fn post(http: &support::Server, path: &str, body: &Value) -> (u16, Value) {
    let response = http.post(path).json(body).send().await.expect("send");
    let status = response.status().as_u16();
    let mut body: Value = response.json().await.unwrap_or(Value::Null);
    // Every answer has an id of its own.
    if let Some(error) = body.as_object_mut() {
        error.remove("request_id");
    }
    (status, body)
}

#[tokio::test]
async fn the_split_crate_answers_as_the_single_module_does() {
    let split = support::start(schemas_split_api::router(Arc::new(SplitEcho))).await;
    let single = support::start(one::router(Arc::new(OneEcho))).await;
    let requests = [
        ("/shapes", json!({"kind": "circle", "radius": 2.5})),
        ("/shapes", json!({"kind": "rect", "width": 2, "height": 3})),
        ("/shapes", json!({"kind": "rect", "radius": 2.5})),
        ("/shapes", json!({"kind": "triangle", "radius": 1})),
        ("/shapes", json!({"kind": "circle", "radius": 0})),
        ("/sources", json!({"type": "disk", "size": 4})),
        ("/sources", json!({"type": "disk", "size": 5})),
        ("/sources", json!({"type": 0, "size": 2})),
        ("/values", json!("abc")),
        ("/values", json!(42)),
        ("/values", json!([true, false])),
        ("/values", json!(1.5)),
        (
            "/records",
            json!({
                "name": "r",
                "created": "2026-11-22T05:00:00Z",
                "day": "2026-11-22",
                "labels": {"a": "x"},
                "address": {"street": "Main", "geo": {"lat": 1.5, "lon": -2.0}},
            }),
        ),
        ("/records", json!({"name": "r", "day": "22/11/2026"})),
        ("/records", json!({"name": "r", "mode": "reckless"})),
        ("/records", json!({"name": "r", "small": 256})),
    ];
    let mut statuses = Vec::new();
    for (path, body) in &requests {
        let (split_status, split_body) = post(&split, path, body).await;
        let (one_status, one_body) = post(&single, path, body).await;
        assert_eq!(
            (split_status, &split_body),
            (one_status, &one_body),
            "{path} {body}"
        );
        statuses.push(split_status);
    }
    // Both good and bad input were among them, and bad input is a JSON error.
    assert!(
        statuses.contains(&200) && statuses.contains(&400),
        "{statuses:?}"
    );
    let (status, error) = post(&split, "/shapes", &json!({"kind": "triangle"})).await;
    assert_eq!(status, 400);
    assert_eq!(error["error_code"], "InvalidBody", "{error}");
}

#[test]
fn defaults_and_conversions_work_across_model_crates() {
    // `Record` names `RecordMode` and its default function, which sit in model crates
    // of their own; the default still fills in.
    let record: schemas_split_api::types::Record =
        serde_json::from_value(json!({"name": "r"})).expect("a minimal record");
    assert_eq!(serde_json::to_value(record.mode).unwrap(), json!("careful"));
    // typify's string conversions for enums come with them, and name the error module of
    // the first model crate.
    let mode: Result<schemas_split_api::types::RecordMode, _> = "reckless".parse();
    assert!(mode.is_err());
}
