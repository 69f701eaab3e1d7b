//! `specs/naming.yaml` served on 127.0.0.1 and called over real HTTP: names that collide
//! in Rust are told apart by their place, not by a number, wherever the place says more.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use specfirst_fixture_buildrs::naming as api;
use specfirst_runtime::{HttpError, RequestContext};

/// Records what each operation received, as `Debug` text.
#[derive(Default)]
struct Items {
    received: Mutex<Vec<String>>,
}

impl Items {
    fn record(&self, request: &dyn std::fmt::Debug) {
        self.received
            .lock()
            .expect("not poisoned")
            .push(format!("{request:?}"));
    }
}

impl api::TypeTheNamingTortureTestApi for Items {
    async fn self_(
        &self,
        _ctx: RequestContext,
        r: api::SelfRequest,
    ) -> Result<api::SelfResponse, HttpError> {
        self.record(&r);
        // The path's `type` keeps the plain name; the query's `Type` is named by its
        // place; the query's `type`, a second `type` in the query, can only be numbered.
        let said = format!("{}|{:?}|{:?}|{}", r.type_, r.query_type, r.type_2, r.n2fa);
        let body = serde_json::from_value(json!({ "fn": said }))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::SelfResponse::Ok { body })
    }

    async fn get_item(
        &self,
        _ctx: RequestContext,
        r: api::GetItemRequest,
    ) -> Result<api::GetItemResponse, HttpError> {
        self.record(&r);
        Ok(api::GetItemResponse::NoContent)
    }

    async fn delete_items_id(
        &self,
        _ctx: RequestContext,
        r: api::DeleteItemsIdRequest,
    ) -> Result<api::DeleteItemsIdResponse, HttpError> {
        self.record(&r);
        Ok(api::DeleteItemsIdResponse::NoContent)
    }

    async fn result(
        &self,
        _ctx: RequestContext,
        r: api::ResultRequest,
    ) -> Result<api::ResultResponse, HttpError> {
        self.record(&r);
        // Generated code beside an operation named `result` still means the prelude's
        // `Result` by it (the operation's own type is `ResultOperation2` in the handlers).
        match r.id {
            7 => Ok(api::ResultResponse::NoContent),
            _ => Err(HttpError::for_not_found("no such result")),
        }
    }

    async fn result_operation(
        &self,
        _ctx: RequestContext,
        r: api::ResultOperationRequest,
    ) -> Result<api::ResultOperationResponse, HttpError> {
        self.record(&r);
        Ok(api::ResultOperationResponse::NoContent)
    }

    /// `getItem`, whose name `get-item` has already: named after its path's last word.
    async fn get_item_children(
        &self,
        _ctx: RequestContext,
        r: api::GetItemChildrenRequest,
    ) -> Result<api::GetItemChildrenResponse, HttpError> {
        self.record(&r);
        match r.name.as_str() {
            "teapot" => return Ok(api::GetItemChildrenResponse::ImATeapot),
            "unregistered" => return Ok(api::GetItemChildrenResponse::Status599),
            _ => {}
        }
        let first = r.body.and_then(|body| body.x1st);
        let crate_ = format!("{}|{:?}|{:?}", r.name, r.query_body, first);
        let body = serde_json::from_value(json!([{ "crate": crate_ }]))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::GetItemChildrenResponse::Ok { body })
    }
}

#[tokio::test]
async fn colliding_names_are_told_apart_by_their_place() {
    let http = support::start(api::router(Arc::new(Items::default()))).await;

    let response = http
        .get("/self/t/7?Type=upper&type=lower")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["fn"], r#"t|Some("upper")|Some("lower")|7"#);

    // A query parameter named `body` beside the request body.
    let response = http
        .get("/items/oak/children?body=query")
        .json(&json!({ "1st": "from the body" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!([{ "crate": r#"oak|Some("query")|Some("from the body")"# }])
    );

    let response = http.get("/items/oak").send().await.expect("request");
    assert_eq!(response.status(), 204);

    // Operations whose names are the prelude's `Result` and what that is renamed to.
    let response = http.get("/results/7").send().await.expect("request");
    assert_eq!(response.status(), 204);
    let response = http.get("/results/8").send().await.expect("request");
    assert_eq!(response.status(), 404);
    let response = http.get("/results/x").send().await.expect("request");
    assert_eq!(response.status(), 400);
    let response = http.get("/results").send().await.expect("request");
    assert_eq!(response.status(), 204);
}

#[test]
fn values_that_are_not_ascii_name_ascii_variants() {
    use api::types::Letter;

    let values = json!(["ʿAyn", "Ñandú", "Nandu", "Straße"]);
    let letters: Vec<Letter> = serde_json::from_value(values.clone()).expect("letters");
    assert_eq!(
        letters,
        [Letter::Ayn, Letter::Nandu2, Letter::Nandu, Letter::Strasse]
    );
    assert_eq!(serde_json::to_value(&letters).expect("json"), values);
    assert_eq!(Letter::Nandu2.to_string(), "Ñandú");
    assert_eq!("ʿAyn".parse::<Letter>().ok(), Some(Letter::Ayn));
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// parameters whose names Rust renames (`type` in the path and twice in the query,
/// `2fa`, `async`, a query `body` beside the request body, whose properties are `1st`
/// and `déjà vu`) reach the handler as sent; the operations named after the prelude's
/// `Result` and without an operationId are called; `418` and the unregistered `599`
/// decode into their variants, and an undeclared 404 keeps its status.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let items = Arc::new(Items::default());
    let router = api::router(items.clone());
    let http = support::start(router.clone()).await;
    let clients = [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ];
    let received = || std::mem::take(&mut *items.received.lock().expect("not poisoned"));
    for client in clients {
        let sent = api::SelfRequest {
            type_: "a/b c".into(),
            n2fa: -2,
            async_: Some(true),
            query_type: Some("Upper & lower".into()),
            type_2: Some("lower=1".into()),
            x_request_id: Some("req 1".into()),
        };
        let api::SelfResponse::Ok { body } = client.self_(sent.clone()).await.expect("self");
        assert_eq!(
            body.fn_.as_deref(),
            Some(r#"a/b c|Some("Upper & lower")|Some("lower=1")|-2"#)
        );
        assert_eq!(received(), [format!("{sent:?}")]);

        let answer = client
            .result(api::ResultRequest::new(7))
            .await
            .expect("a result");
        assert!(matches!(answer, api::ResultResponse::NoContent));
        let error = client
            .result(api::ResultRequest::new(8))
            .await
            .expect_err("no such result");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let answer = client
            .result_operation(api::ResultOperationRequest {})
            .await
            .expect("the other result");
        assert!(matches!(answer, api::ResultOperationResponse::NoContent));
        let answer = client
            .get_item(api::GetItemRequest::new("i 1".into()))
            .await
            .expect("an item");
        assert!(matches!(answer, api::GetItemResponse::NoContent));
        let answer = client
            .delete_items_id(api::DeleteItemsIdRequest::new("i/2".into()))
            .await
            .expect("deleted");
        assert!(matches!(answer, api::DeleteItemsIdResponse::NoContent));
        assert_eq!(
            received(),
            [
                format!("{:?}", api::ResultRequest::new(7)),
                format!("{:?}", api::ResultRequest::new(8)),
                format!("{:?}", api::ResultOperationRequest {}),
                format!("{:?}", api::GetItemRequest::new("i 1".into())),
                format!("{:?}", api::DeleteItemsIdRequest::new("i/2".into())),
            ]
        );

        let sent = api::GetItemChildrenRequest {
            name: "oak".into(),
            query_body: Some("query".into()),
            body: Some(
                serde_json::from_value(json!({"1st": "from the body", "déjà vu": 2}))
                    .expect("a body"),
            ),
        };
        let api::GetItemChildrenResponse::Ok { body } = client
            .get_item_children(sent.clone())
            .await
            .expect("children")
        else {
            panic!("not a 200");
        };
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!([{ "crate": r#"oak|Some("query")|Some("from the body")"# }])
        );
        assert_eq!(received(), [format!("{sent:?}")]);
        let answer = client
            .get_item_children(api::GetItemChildrenRequest::new("teapot".into()))
            .await
            .expect("a teapot");
        assert!(
            matches!(answer, api::GetItemChildrenResponse::ImATeapot),
            "{answer:?}"
        );
        let answer = client
            .get_item_children(api::GetItemChildrenRequest::new("unregistered".into()))
            .await
            .expect("599");
        assert!(
            matches!(answer, api::GetItemChildrenResponse::Status599),
            "{answer:?}"
        );
        assert_eq!(received().len(), 2);
    }
}
