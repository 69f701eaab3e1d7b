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
        let lines = u64::try_from(r.id).unwrap_or_default();
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
