//! `specs/naming.yaml` served on 127.0.0.1 and called over real HTTP: names that collide
//! in Rust are told apart by their place, not by a number, wherever the place says more.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::naming as api;
use specfirst_runtime::{HttpError, RequestContext};

struct Items;

impl api::TypeTheNamingTortureTestApi for Items {
    async fn self_(
        &self,
        _ctx: RequestContext,
        r: api::SelfRequest,
    ) -> Result<api::SelfResponse, HttpError> {
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
        _r: api::GetItemRequest,
    ) -> Result<api::GetItemResponse, HttpError> {
        Ok(api::GetItemResponse::NoContent)
    }

    async fn delete_items_id(
        &self,
        _ctx: RequestContext,
        _r: api::DeleteItemsIdRequest,
    ) -> Result<api::DeleteItemsIdResponse, HttpError> {
        Ok(api::DeleteItemsIdResponse::NoContent)
    }

    async fn result(
        &self,
        _ctx: RequestContext,
        r: api::ResultRequest,
    ) -> Result<api::ResultResponse, HttpError> {
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
        _r: api::ResultOperationRequest,
    ) -> Result<api::ResultOperationResponse, HttpError> {
        Ok(api::ResultOperationResponse::NoContent)
    }

    /// `getItem`, whose name `get-item` has already: named after its path's last word.
    async fn get_item_children(
        &self,
        _ctx: RequestContext,
        r: api::GetItemChildrenRequest,
    ) -> Result<api::GetItemChildrenResponse, HttpError> {
        let first = r.body.and_then(|body| body.x1st);
        let crate_ = format!("{}|{:?}|{:?}", r.name, r.query_body, first);
        let body = serde_json::from_value(json!([{ "crate": crate_ }]))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::GetItemChildrenResponse::Ok { body })
    }
}

#[tokio::test]
async fn colliding_names_are_told_apart_by_their_place() {
    let http = support::start(api::router(Arc::new(Items))).await;

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
