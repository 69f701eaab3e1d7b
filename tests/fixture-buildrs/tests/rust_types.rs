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
        if request.body.subject == "duplicate" {
            return Err(HttpError::for_status(
                StatusCode::CONFLICT,
                format!("ticket {id} is open already"),
            ));
        }
        Ok(api::OpenTicketResponse::Created { body: request.body })
    }
}

/// The same API generated without the dependency (`specs/rust-types.yaml`'s module),
/// where the id is a `String`: echoes the ticket.
struct PlainDesk;

impl specfirst_fixture_buildrs::rust_types::TicketsApi for PlainDesk {
    async fn open_ticket(
        &self,
        _: RequestContext,
        request: specfirst_fixture_buildrs::rust_types::OpenTicketRequest,
    ) -> Result<specfirst_fixture_buildrs::rust_types::OpenTicketResponse, HttpError> {
        Ok(
            specfirst_fixture_buildrs::rust_types::OpenTicketResponse::Created {
                body: request.body,
            },
        )
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

/// The one operation through the typed client, in process and over HTTP, of both
/// modules: the ticket, its id a `uuid::Uuid` or a `String`, comes back as sent, and an
/// undeclared 409 keeps its status and body.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    use specfirst_fixture_buildrs::rust_types as plain;
    let router = api::router(Arc::new(Desk));
    let plain_router = plain::router(Arc::new(PlainDesk));
    let server = support::start(router.clone()).await;
    let plain_server = support::start(plain_router.clone()).await;
    let clients = [
        (
            api::client::Client::in_process(router),
            plain::client::Client::in_process(plain_router),
        ),
        (
            api::client::Client::http(&server.url("")),
            plain::client::Client::http(&plain_server.url("")),
        ),
    ];
    for (client, plain_client) in clients {
        let sent = json!({"id": "5f0c2d3e-8a4b-4c1d-9e2f-3a4b5c6d7e8f", "subject": "Leak"});
        let api::OpenTicketResponse::Created { body } = client
            .open_ticket(api::OpenTicketRequest::new(
                serde_json::from_value(sent.clone()).expect("a ticket"),
            ))
            .await
            .expect("opened");
        assert_eq!(serde_json::to_value(body).expect("JSON"), sent);
        let plain::OpenTicketResponse::Created { body } = plain_client
            .open_ticket(plain::OpenTicketRequest::new(
                serde_json::from_value(sent.clone()).expect("a ticket"),
            ))
            .await
            .expect("opened");
        assert_eq!(serde_json::to_value(body).expect("JSON"), sent);

        let error = client
            .open_ticket(api::OpenTicketRequest::new(
                serde_json::from_value(
                    json!({"id": "5f0c2d3e-8a4b-4c1d-9e2f-3a4b5c6d7e8f", "subject": "duplicate"}),
                )
                .expect("a ticket"),
            ))
            .await
            .expect_err("a conflict");
        let api::client::ClientError::UndeclaredStatus { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*status, StatusCode::CONFLICT);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(
            body["message"],
            "ticket 5f0c2d3e-8a4b-4c1d-9e2f-3a4b5c6d7e8f is open already"
        );
    }
}
