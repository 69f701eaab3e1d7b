//! `x-rust-type` honoured for a crate among the settings' dependencies: the flagship's
//! sibling `specs/rust-types.yaml` names `uuid::Uuid` for `TicketId`, and generated with
//! `dependencies.uuid = "1"` the id is read and written through `uuid::Uuid` (its
//! snapshot, generated without the dependency, holds a `String`).

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::rust_types_honoured as api;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};

struct Desk;

impl api::TicketsApi for Desk {
    async fn open_ticket(
        &self,
        _: RequestContext,
        request: api::OpenTicketRequest,
    ) -> Result<api::OpenTicketResponse, HttpError> {
        let id: uuid::Uuid = *request.body.id;
        assert_eq!(id.get_version_num(), 4);
        Ok(api::OpenTicketResponse::Created { body: request.body })
    }
}

#[tokio::test]
async fn the_named_type_reads_and_writes_the_property() {
    let server = support::start(api::router(Arc::new(Desk))).await;
    let id = "5f0c2d3e-8a4b-4c1d-9e2f-3a4b5c6d7e8f";
    let response = server
        .post("/tickets")
        .json(&json!({"id": id, "subject": "Leak"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], id);

    // What `uuid::Uuid` cannot read is the client's error, at the property.
    let response = server
        .post("/tickets")
        .json(&json!({"id": "not-a-uuid", "subject": "Leak"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("/id"), "{body}");
    server.stop().await;
}
