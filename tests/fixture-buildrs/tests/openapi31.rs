//! The OpenAPI 3.1 fixture (`specs/openapi31.yaml`) served on 127.0.0.1 and called over
//! real HTTP: 3.1 schema keywords are enforced before handlers run, a path item from
//! `components/pathItems` is routed, an operation without `responses` answers, and the
//! webhooks router receives deliveries.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use specfirst_fixture_buildrs::openapi31 as api;
use specfirst_runtime::{serve_with_listener, HttpError, RequestContext, ServerConfig, StatusCode};

/// Serves `router` on an ephemeral port; the server stops when the returned sender drops.
async fn start(
    router: specfirst_runtime::__private::axum::Router,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_with_listener(
        listener,
        ServerConfig::default(),
        router,
        async {
            let _ = stopped.await;
        },
    ));
    (format!("http://{address}"), stop)
}

struct Sensors;

impl api::SensorsApi for Sensors {
    async fn get_sensor(
        &self,
        _ctx: RequestContext,
        r: api::GetSensorRequest,
    ) -> Result<api::GetSensorResponse, HttpError> {
        let body = serde_json::from_value(json!({
            "id": r.id,
            "kind": "thermometer",
            "label": null,
            "location": [52.37, r.precision.map_or(4.89, |p| p.get() as f64)],
            "firmware": {"version": "1.2.0", "image": "AAEC"},
            "calibration": {"offset": 0.5},
            "retired": null,
        }))
        .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::GetSensorResponse::Ok { body })
    }

    async fn add_reading(
        &self,
        _ctx: RequestContext,
        r: api::AddReadingRequest,
    ) -> Result<api::AddReadingResponse, HttpError> {
        Ok(api::AddReadingResponse::Created { body: r.body })
    }

    async fn ping(
        &self,
        _ctx: RequestContext,
        _r: api::PingRequest,
    ) -> Result<api::PingResponse, HttpError> {
        Ok(api::PingResponse::Default {
            status: StatusCode::ACCEPTED,
        })
    }
}

#[derive(Default, Clone)]
struct Receiver {
    seen: Arc<Mutex<Vec<String>>>,
}

impl api::webhooks::SensorsWebhooks for Receiver {
    async fn alert_raised(
        &self,
        _ctx: RequestContext,
        r: api::webhooks::AlertRaisedRequest,
    ) -> Result<api::webhooks::AlertRaisedResponse, HttpError> {
        let level = serde_json::to_value(r.body.level).unwrap_or_default();
        self.seen.lock().expect("not poisoned").push(format!(
            "{} {}",
            r.body.sensor,
            level.as_str().unwrap_or("?")
        ));
        Ok(api::webhooks::AlertRaisedResponse::NoContent)
    }

    async fn post_sensor_removed(
        &self,
        _ctx: RequestContext,
        r: api::webhooks::PostSensorRemovedRequest,
    ) -> Result<api::webhooks::PostSensorRemovedResponse, HttpError> {
        let id = r.body.map_or_else(|| "-".to_string(), |b| b.id);
        self.seen
            .lock()
            .expect("not poisoned")
            .push(format!("removed {id}"));
        Ok(api::webhooks::PostSensorRemovedResponse::Ok)
    }
}

/// The message of a 400 answer.
async fn bad_request(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("a JSON error");
    body["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn three_one_keywords_are_enforced() {
    let (base, _stop) = start(api::router(Arc::new(Sensors))).await;
    let client = reqwest::Client::new();

    // A path item from components, a nullable integer with a numeric exclusive minimum.
    let ok = client
        .get(format!("{base}/sensors/boiler-1?precision=3"))
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status(), 200);
    let sensor: Value = ok.json().await.expect("json");
    assert_eq!(sensor["location"], json!([52.37, 3.0]));
    assert_eq!(sensor["kind"], "thermometer");
    assert_eq!(sensor["retired"], Value::Null);
    let zero = client
        .get(format!("{base}/sensors/boiler-1?precision=0"))
        .send()
        .await
        .expect("send");
    assert_eq!(zero.status(), 400);
    let bad_id = client
        .get(format!("{base}/sensors/Boiler!"))
        .send()
        .await
        .expect("send");
    assert_eq!(bad_id.status(), 400);

    // Numeric exclusive bound, a type list of string and integer, a `$ref` sibling.
    let reading = |body: Value| client.post(format!("{base}/readings")).json(&body).send();
    for tag in [json!("t1"), json!(7)] {
        let response = reading(json!({"sensor": "s", "value": 21.5, "tag": tag}))
            .await
            .expect("send");
        assert_eq!(response.status(), 201, "tag {tag}");
        let echoed: Value = response.json().await.expect("json");
        assert_eq!(echoed["tag"], tag);
    }
    let cold = reading(json!({"sensor": "s", "value": -273.15}))
        .await
        .expect("send");
    assert_eq!(
        bad_request(cold).await,
        "invalid request body: /value: must be greater than -273.15 (exclusiveMinimum)"
    );
    for tag in [json!(true), json!(""), json!(-1)] {
        let response = reading(json!({"sensor": "s", "value": 1, "tag": tag}))
            .await
            .expect("send");
        assert_eq!(response.status(), 400, "tag {tag}");
    }

    // No declared responses: the handler picks the status.
    let ping = client
        .get(format!("{base}/ping"))
        .send()
        .await
        .expect("send");
    assert_eq!(ping.status(), 202);

    // The served document is the 3.1 input, not its 3.0 rewrite.
    let document: Value = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["components"]["schemas"]["Reading"]["properties"]["tag"]["type"],
        json!(["string", "integer"])
    );
}

#[tokio::test]
async fn webhooks_are_received() {
    let receiver = Receiver::default();
    let (base, _stop) = start(api::webhooks::router(Arc::new(receiver.clone()))).await;
    let client = reqwest::Client::new();

    let alert = client
        .post(format!("{base}/alert"))
        .json(&json!({"sensor": "boiler-1", "level": "critical"}))
        .send()
        .await
        .expect("send");
    assert_eq!(alert.status(), 204);
    let removed = client
        .post(format!("{base}/sensor.removed"))
        .json(&json!({"id": "boiler-2"}))
        .send()
        .await
        .expect("send");
    assert_eq!(removed.status(), 200);
    let bad = client
        .post(format!("{base}/alert"))
        .json(&json!({"sensor": "boiler-1", "level": "mild"}))
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status(), 400);
    let unknown = client
        .post(format!("{base}/readings"))
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);

    assert_eq!(
        *receiver.seen.lock().expect("not poisoned"),
        ["boiler-1 critical", "removed boiler-2"]
    );
}
