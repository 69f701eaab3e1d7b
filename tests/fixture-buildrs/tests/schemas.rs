//! The schema fixture (`specs/schemas.yaml`) served on 127.0.0.1 and called over real
//! HTTP: a discriminated `oneOf` decodes by its tag, an `anyOf` of scalars by trying
//! each, formats become their Rust types, defaults fill in, maps and nested inline
//! objects keep every key, and constraints hold.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::schemas as api;
use specfirst_runtime::{HttpError, RequestContext};

struct Echo;

impl api::SchemasApi for Echo {
    async fn echo_shape(
        &self,
        _ctx: RequestContext,
        r: api::EchoShapeRequest,
    ) -> Result<api::EchoShapeResponse, HttpError> {
        Ok(api::EchoShapeResponse::Ok { body: r.body })
    }

    async fn echo_record(
        &self,
        _ctx: RequestContext,
        r: api::EchoRecordRequest,
    ) -> Result<api::EchoRecordResponse, HttpError> {
        let mut body = r.body;
        // The typed fields carry their formats: a uuid, a timestamp, a date.
        body.id = Some(uuid::Uuid::nil());
        if let Some(created) = body.created {
            body.name = format!("{} at {}", body.name, created.format("%Y-%m-%d"));
        }
        Ok(api::EchoRecordResponse::Ok { body })
    }

    async fn echo_value(
        &self,
        _ctx: RequestContext,
        r: api::EchoValueRequest,
    ) -> Result<api::EchoValueResponse, HttpError> {
        let kind = match r.body {
            api::types::EchoValueBody::String(_) => "text",
            api::types::EchoValueBody::Integer(_) => "number",
            api::types::EchoValueBody::Array(_) => "flags",
        };
        let body = serde_json::from_value(json!({ "kind": kind }))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::EchoValueResponse::Ok { body })
    }

    async fn trace_outline(
        &self,
        _ctx: RequestContext,
        r: api::TraceOutlineRequest,
    ) -> Result<api::TraceOutlineResponse, HttpError> {
        // An inline discriminated body: its variants named after the components too.
        let body = match r.body {
            api::types::TraceOutlineBody::Circle { radius, .. } => 2.0 * radius,
            api::types::TraceOutlineBody::Rectangle { width, height, .. } => {
                2.0 * (f64::from(width.get()) + height.get() as f64)
            }
        };
        if body > 1000.0 {
            return Err(HttpError::for_status(
                specfirst_runtime::StatusCode::PAYLOAD_TOO_LARGE,
                format!("{body} is too long to trace"),
            ));
        }
        Ok(api::TraceOutlineResponse::Ok { body })
    }

    async fn echo_source(
        &self,
        _ctx: RequestContext,
        r: api::EchoSourceRequest,
    ) -> Result<api::EchoSourceResponse, HttpError> {
        Ok(api::EchoSourceResponse::Ok { body: r.body })
    }
}

async fn post(http: &support::Server, path: &str, body: Value) -> (u16, Value) {
    let response = http.post(path).json(&body).send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn discriminated_shapes_decode_by_their_tag() {
    let http = support::start(api::router(Arc::new(Echo))).await;
    let (status, circle) = post(&http, "/shapes", json!({"kind": "circle", "radius": 2.5})).await;
    assert_eq!(status, 200);
    // The default fills in.
    assert_eq!(
        circle,
        json!({"kind": "circle", "label": "unnamed", "radius": 2.5})
    );
    let (status, rect) = post(
        &http,
        "/shapes",
        json!({"kind": "rect", "width": 2, "height": 3}),
    )
    .await;
    assert_eq!(status, 200, "{rect}");
    assert_eq!(rect["kind"], "rect");
    // The tag decides: a circle's fields under the rectangle's tag are refused.
    let (status, _) = post(&http, "/shapes", json!({"kind": "rect", "radius": 2.5})).await;
    assert_eq!(status, 400);
    let (status, _) = post(&http, "/shapes", json!({"kind": "triangle", "radius": 1})).await;
    assert_eq!(status, 400);
    // serde would take a variant's index for its tag; the schema wants a string.
    let (status, _) = post(&http, "/shapes", json!({"kind": 0, "radius": 2.5})).await;
    assert_eq!(status, 400);
    // exclusiveMinimum 0 and minimum 1.
    let (status, _) = post(&http, "/shapes", json!({"kind": "circle", "radius": 0})).await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &http,
        "/shapes",
        json!({"kind": "rect", "width": 0, "height": 3}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_inline_discriminated_body_decodes_by_its_own_tags() {
    let http = support::start(api::router(Arc::new(Echo))).await;
    let (status, length) = post(&http, "/outlines", json!({"kind": "disc", "radius": 2})).await;
    assert_eq!((status, length), (200, json!(4.0)));
    let (status, length) = post(
        &http,
        "/outlines",
        json!({"kind": "frame", "width": 2, "height": 3}),
    )
    .await;
    assert_eq!((status, length), (200, json!(10.0)));
    // The component's own tag value is not this body's.
    let (status, _) = post(&http, "/outlines", json!({"kind": "circle", "radius": 2})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn alternatives_told_apart_by_a_required_tag_are_checked_by_it() {
    let http = support::start(api::router(Arc::new(Echo))).await;
    for source in [json!({"type": "disk", "size": 4}), json!({"type": "blank"})] {
        let (status, echoed) = post(&http, "/sources", source.clone()).await;
        assert_eq!((status, echoed), (200, source));
    }
    // The schema lets a tag-only alternative have more properties; its type (a unit
    // variant) holds none of them.
    let (status, echoed) = post(&http, "/sources", json!({"type": "blank", "size": 9})).await;
    assert_eq!((status, echoed), (200, json!({"type": "blank"})));
    // The alternative the tag selects is checked whole: its bounds, its required
    // properties, and the tag's own type (serde would read `0` as the first variant).
    for (source, said) in [
        (json!({"type": "disk", "size": 5}), "/size"),
        (json!({"type": "disk"}), r#"property "size" (required)"#),
        (json!({"type": 0, "size": 2}), "/type"),
        (json!({"type": "tape"}), "/type"),
    ] {
        let (status, error) = post(&http, "/sources", source.clone()).await;
        assert_eq!(status, 400, "{source} -> {error}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{source} -> {error}");
    }
}

#[tokio::test]
async fn any_of_scalars_tries_each_alternative() {
    let http = support::start(api::router(Arc::new(Echo))).await;
    for (value, kind) in [
        (json!("abc"), "text"),
        (json!(42), "number"),
        (json!([true, false]), "flags"),
    ] {
        let (status, body) = post(&http, "/values", value.clone()).await;
        assert_eq!(status, 200, "{value}");
        assert_eq!(body["kind"], kind, "{value}");
    }
    for bad in [json!("abcd"), json!(1.5), json!([1])] {
        let (status, _) = post(&http, "/values", bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn records_keep_formats_maps_and_nested_objects() {
    let http = support::start(api::router(Arc::new(Echo))).await;
    let record = json!({
        "name": "r",
        "secret": "s3",
        "created": "2026-11-22T05:00:00Z",
        "day": "2026-11-22",
        "blob": "AAEC",
        "small": 200,
        "ratio": 0.5,
        "level": 2,
        "on": true,
        "labels": {"a": "x", "b": "y"},
        "limits": {"soft": 1, "hard": 2},
        "address": {"street": "Main", "geo": {"lat": 1.5, "lon": -2.0}},
    });
    let (status, body) = post(&http, "/records", record).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "r at 2026-11-22");
    assert_eq!(body["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(body["count"], 0, "the default");
    assert_eq!(body["mode"], "careful", "the default");
    assert_eq!(body["labels"], json!({"a": "x", "b": "y"}));
    assert_eq!(body["limits"], json!({"soft": 1, "hard": 2}));
    assert_eq!(body["address"]["geo"]["lon"], -2.0);

    for (field, bad) in [
        ("day", json!("22/11/2026")),
        ("created", json!("yesterday")),
        ("small", json!(256)),
        ("level", json!(4)),
        ("on", json!(false)),
        ("mode", json!("reckless")),
        ("labels", json!({"a": 1})),
    ] {
        let mut record = json!({"name": "r"});
        record[field] = bad.clone();
        let (status, _) = post(&http, "/records", record).await;
        assert_eq!(status, 400, "{field}: {bad}");
    }
}

#[tokio::test]
async fn constraints_of_the_wrong_type_constrain_nothing() {
    // `code`'s `pattern: 5` checks nothing; `kind`'s `type` is a schema, so any value.
    let http = support::start(api::router(Arc::new(Echo))).await;
    for kind in [json!("c"), json!(7), json!({"any": ["thing"]})] {
        let record = json!({"name": "r", "code": "5 or not", "kind": kind});
        let (status, body) = post(&http, "/records", record).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["code"], "5 or not");
        assert_eq!(body["kind"], kind);
    }
    // What the schema still says holds: `code` is a string.
    let (status, _) = post(&http, "/records", json!({"name": "r", "code": 5})).await;
    assert_eq!(status, 400);
}

/// An enum of strings, written as a `string_enum!` invocation, keeps everything typify
/// gives it: serde's names, `Display`, `FromStr`, both `TryFrom`s, the derives and the
/// `Default` written beside it.
#[test]
fn string_enums_keep_their_conversions() {
    use api::types::RecordMode;
    assert_eq!(RecordMode::Fast.to_string(), "fast");
    assert_eq!(
        "careful".parse::<RecordMode>().ok(),
        Some(RecordMode::Careful)
    );
    assert_eq!(
        "Careful".parse::<RecordMode>().map_err(|e| e.to_string()),
        Err("invalid value".to_string())
    );
    assert_eq!(RecordMode::try_from("fast").ok(), Some(RecordMode::Fast));
    assert_eq!(
        RecordMode::try_from(String::from("careful")).ok(),
        Some(RecordMode::Careful)
    );
    assert_eq!(
        serde_json::to_value(RecordMode::Careful).unwrap(),
        json!("careful")
    );
    assert_eq!(
        serde_json::from_value::<RecordMode>(json!("fast")).unwrap(),
        RecordMode::Fast
    );
    assert!(serde_json::from_value::<RecordMode>(json!("Fast")).is_err());
    // Copy, Ord and Hash come with the derives.
    let modes: std::collections::BTreeSet<RecordMode> =
        [RecordMode::Careful, RecordMode::Fast].into();
    assert_eq!(modes.into_iter().next(), Some(RecordMode::Fast));
    assert_eq!(RecordMode::default(), RecordMode::Careful);
}

#[test]
fn discriminated_variants_are_named_after_their_components() {
    use specfirst_fixture_buildrs::schemas::types::{
        Drawing, DrawingShape, DrawingSketchesItem, Shape,
    };
    let shape: Shape = serde_json::from_value(serde_json::json!({"kind": "circle", "radius": 2.0}))
        .expect("a circle");
    assert!(matches!(shape, Shape::Circle { .. }), "{shape:?}");
    // In place, in a component's property, too.
    let drawing: Drawing = serde_json::from_value(serde_json::json!({
        "shape": {"kind": "square", "width": 2, "height": 3}
    }))
    .expect("a drawing");
    assert!(
        matches!(drawing.shape, Some(DrawingShape::Rectangle { .. })),
        "{drawing:?}"
    );
    // Deeper in place: in the items of a component's array property.
    let drawing: Drawing = serde_json::from_value(serde_json::json!({
        "sketches": [{"kind": "ring", "radius": 1.0}, {"kind": "box", "width": 1, "height": 1}]
    }))
    .expect("a drawing");
    assert!(
        matches!(
            drawing.sketches.as_deref(),
            Some([
                DrawingSketchesItem::Circle { .. },
                DrawingSketchesItem::Rectangle { .. }
            ])
        ),
        "{drawing:?}"
    );
}

/// A typed value from JSON.
fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// discriminated shapes (by a component's tags and by a body's own), an `anyOf` of a
/// string, an integer and a list, sources told apart by a tag no discriminator names,
/// and a record of every format, map and nested object
/// are written as JSON the server reads back to the same values (its defaults filled
/// in, the echo's own changes made); a status the operation does not declare is
/// `UndeclaredStatus` with its body.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = api::router(Arc::new(Echo));
    let http = support::start(router.clone()).await;
    let clients = [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ];
    for client in clients {
        for sent in [
            json!({"kind": "circle", "label": "c", "radius": 2.5}),
            json!({"kind": "rect", "label": "unnamed", "width": 2, "height": 3}),
        ] {
            let api::EchoShapeResponse::Ok { body } = client
                .echo_shape(api::EchoShapeRequest::new(typed(&sent)))
                .await
                .expect("a shape");
            assert_eq!(serde_json::to_value(body).expect("JSON"), sent);
        }

        let sent = json!({
            "name": "r", "secret": "s3", "created": "2026-11-22T05:00:00Z",
            "day": "2026-11-22", "blob": "AAEC", "count": 9, "small": 200, "ratio": 0.5,
            "level": 2, "mode": "fast", "on": true, "labels": {"a": "x", "b": "y"},
            "limits": {"soft": 1, "hard": 2},
            "address": {"street": "Main", "geo": {"lat": 1.5, "lon": -2.0}},
            "grade": "", "stamp": 5, "order": "desc", "code": "5 or not",
            "kind": {"any": ["thing"]},
        });
        let api::EchoRecordResponse::Ok { body } = client
            .echo_record(api::EchoRecordRequest::new(typed(&sent)))
            .await
            .expect("a record");
        let mut expected = sent.clone();
        expected["id"] = json!("00000000-0000-0000-0000-000000000000");
        expected["name"] = json!("r at 2026-11-22");
        assert_eq!(serde_json::to_value(body).expect("JSON"), expected);
        // What is left out comes back with the defaults.
        let api::EchoRecordResponse::Ok { body } = client
            .echo_record(api::EchoRecordRequest::new(typed(&json!({"name": "bare"}))))
            .await
            .expect("a bare record");
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!({
                "id": "00000000-0000-0000-0000-000000000000", "name": "bare", "count": 0,
                "mode": "careful",
            })
        );

        for (sent, kind) in [
            (json!("abc"), "text"),
            (json!(-42), "number"),
            (json!([true, false]), "flags"),
        ] {
            let api::EchoValueResponse::Ok { body } = client
                .echo_value(api::EchoValueRequest::new(typed(&sent)))
                .await
                .expect("a value");
            assert_eq!(
                serde_json::to_value(body).expect("JSON"),
                json!({"kind": kind})
            );
        }

        for (sent, length) in [
            (json!({"kind": "disc", "radius": 2.25}), 4.5),
            (json!({"kind": "frame", "width": 2, "height": 3}), 10.0),
        ] {
            let api::TraceOutlineResponse::Ok { body } = client
                .trace_outline(api::TraceOutlineRequest::new(typed(&sent)))
                .await
                .expect("an outline");
            assert_eq!(body, length, "{sent}");
        }
        for sent in [json!({"type": "disk", "size": 3}), json!({"type": "blank"})] {
            let api::EchoSourceResponse::Ok { body } = client
                .echo_source(api::EchoSourceRequest::new(typed(&sent)))
                .await
                .expect("a source");
            assert_eq!(serde_json::to_value(body).expect("JSON"), sent);
        }
        let error = client
            .trace_outline(api::TraceOutlineRequest::new(typed(
                &json!({"kind": "disc", "radius": 600}),
            )))
            .await
            .expect_err("too long");
        let api::client::ClientError::UndeclaredStatus { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(status.as_u16(), 413);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(body["message"], "1200 is too long to trace");
    }
}
