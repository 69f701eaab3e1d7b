//! `specs/shared-shapes.yaml` served on 127.0.0.1 and called over real HTTP: shapes
//! written in several places are one type, and validate as each place says.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::shared_shapes::{self, types};
use specfirst_runtime::{HttpError, RequestContext};
use support::error_of;

struct Orders;

/// The totals of `lines`: one type for an order's and a draft's, which the spec
/// writes twice.
fn totals(lines: u64) -> types::SummarizeOrderOkBody {
    types::SummarizeOrderOkBody {
        lines,
        total: Some(lines as f64 * 2.5),
    }
}

impl shared_shapes::SharedShapesApi for Orders {
    async fn list_orders(
        &self,
        _ctx: RequestContext,
        r: shared_shapes::ListOrdersRequest,
    ) -> Result<shared_shapes::ListOrdersResponse, HttpError> {
        // The parameter's enum is the order lines' enum.
        let state: Option<types::OrderLineState> = r.state;
        let line: types::OrderLine = serde_json::from_value(json!({"sku": "ABC-1"}))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        let line = types::OrderLine { state, ..line };
        let ship_to: types::Address = serde_json::from_value(json!({"city": "Oslo"}))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(shared_shapes::ListOrdersResponse::Ok {
            body: vec![types::Order {
                id: 1,
                lines: vec![line],
                ship_to,
            }],
        })
    }

    async fn place_order(
        &self,
        _ctx: RequestContext,
        r: shared_shapes::PlaceOrderRequest,
    ) -> Result<shared_shapes::PlaceOrderResponse, HttpError> {
        // The body's inline address and lines are the component's: they move over as
        // they are.
        let ship_to: types::Address = r.body.bill_to.into_option().unwrap_or(r.body.ship_to);
        Ok(shared_shapes::PlaceOrderResponse::Created {
            body: types::Order {
                id: 7,
                lines: r.body.lines,
                ship_to,
            },
        })
    }

    async fn summarize_order(
        &self,
        _ctx: RequestContext,
        r: shared_shapes::SummarizeOrderRequest,
    ) -> Result<shared_shapes::SummarizeOrderResponse, HttpError> {
        let lines = u64::try_from(r.id)
            .map_err(|_| HttpError::for_not_found(format!("no order {}", r.id)))?;
        Ok(shared_shapes::SummarizeOrderResponse::Ok {
            body: totals(lines),
        })
    }

    async fn save_draft(
        &self,
        _ctx: RequestContext,
        r: shared_shapes::SaveDraftRequest,
    ) -> Result<shared_shapes::SaveDraftResponse, HttpError> {
        // The draft's address lacks the component's `minLength`, so it is a type of
        // its own.
        let city: String = r.body.ship_to.city;
        Ok(shared_shapes::SaveDraftResponse::Ok {
            body: totals(city.len() as u64),
        })
    }
}

#[tokio::test]
async fn shared_shapes_validate_as_written() {
    let http = support::start(shared_shapes::router(Arc::new(Orders))).await;

    let order = json!({
        "ship_to": {"city": "Oslo"},
        "bill_to": {"city": "Bergen", "zip": "5003"},
        "lines": [{"sku": "ABC-12", "state": "open"}],
    });
    let response = http
        .post("/orders")
        .json(&order)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let placed: Value = response.json().await.expect("json");
    assert_eq!(placed["ship_to"], json!({"city": "Bergen", "zip": "5003"}));
    assert_eq!(placed["lines"], order["lines"]);

    // A nullable copy is still nullable.
    let mut unbilled = order.clone();
    unbilled["bill_to"] = Value::Null;
    let response = http
        .post("/orders")
        .json(&unbilled)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);

    // The shared address and line keep their constraints wherever they are written.
    for (pointer, bad) in [
        (
            "/ship_to/city",
            json!({"ship_to": {"city": ""}, "lines": []}),
        ),
        (
            "/bill_to/city",
            json!({"ship_to": {"city": "Oslo"}, "bill_to": {"city": ""}, "lines": []}),
        ),
        (
            "/lines/0/sku",
            json!({"ship_to": {"city": "Oslo"}, "lines": [{"sku": "abc"}]}),
        ),
        (
            "/lines/0/state",
            json!({"ship_to": {"city": "Oslo"}, "lines": [{"sku": "ABC-1", "state": "lost"}]}),
        ),
    ] {
        let (status, body) = error_of(
            http.post("/orders")
                .json(&bad)
                .send()
                .await
                .expect("request"),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.to_string().contains(pointer), "{pointer}: {body}");
    }

    // A copy that differs in a constraint is its own type, and checks its own rules.
    let response = http
        .post("/drafts")
        .json(&json!({"ship_to": {"city": ""}}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"lines": 0, "total": 0.0})
    );

    let response = http.get("/orders/3/summary").send().await.expect("request");
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"lines": 3, "total": 7.5})
    );

    let listed: Value = http
        .get("/orders?state=closed")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["lines"][0]["state"], "closed");
    let (status, body) = error_of(
        http.get("/orders?state=lost")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

/// A typed value from JSON.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Every operation of the spec through the typed client, in process and over HTTP: the
/// query enum, the inline order (its nullable billing address given and left out) and
/// the draft reach the handlers as sent and the orders and totals they answer with read
/// back whole; an order that is not there is the undeclared 404, its body kept.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = shared_shapes::router(Arc::new(Orders));
    let http = support::start(router.clone()).await;
    let clients = [
        shared_shapes::client::Client::in_process(router),
        shared_shapes::client::Client::http(&http.url("")),
    ];
    for client in clients {
        for state in [Some("closed"), Some("open"), None] {
            let shared_shapes::ListOrdersResponse::Ok { body } = client
                .list_orders(shared_shapes::ListOrdersRequest {
                    state: state.map(|state| typed(json!(state))),
                })
                .await
                .expect("orders");
            let mut line = json!({"sku": "ABC-1"});
            if let Some(state) = state {
                line["state"] = json!(state);
            }
            assert_eq!(
                serde_json::to_value(body).expect("JSON"),
                json!([{"id": 1, "ship_to": {"city": "Oslo"}, "lines": [line]}])
            );
        }

        let lines = json!([{"sku": "ABC-1", "state": "open"}, {"sku": "XYZ-22"}]);
        for (bill_to, shipped_to) in [
            (json!(null), json!({"city": "Oslo", "zip": "0150"})),
            (json!({"city": "Bergen"}), json!({"city": "Bergen"})),
        ] {
            let shared_shapes::PlaceOrderResponse::Created { body } = client
                .place_order(shared_shapes::PlaceOrderRequest::new(typed(json!({
                    "ship_to": {"city": "Oslo", "zip": "0150"},
                    "bill_to": bill_to,
                    "lines": lines,
                }))))
                .await
                .expect("placed");
            assert_eq!(
                serde_json::to_value(body).expect("JSON"),
                json!({"id": 7, "ship_to": shipped_to, "lines": lines})
            );
        }

        let shared_shapes::SummarizeOrderResponse::Ok { body } = client
            .summarize_order(shared_shapes::SummarizeOrderRequest::new(3))
            .await
            .expect("a summary");
        assert_eq!((body.lines, body.total), (3, Some(7.5)));
        let error = client
            .summarize_order(shared_shapes::SummarizeOrderRequest::new(-3))
            .await
            .expect_err("no such order");
        let shared_shapes::client::ClientError::UndeclaredStatus { status, body, .. } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(status.as_u16(), 404);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(body["message"], "no order -3");

        for (city, lines) in [("", 0), ("Tromsø", 7)] {
            let shared_shapes::SaveDraftResponse::Ok { body } = client
                .save_draft(shared_shapes::SaveDraftRequest::new(typed(
                    json!({"ship_to": {"city": city}}),
                )))
                .await
                .expect("a draft");
            assert_eq!(body.lines, lines, "{city:?}");
        }
    }
}
