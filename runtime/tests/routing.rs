//! Router-level behaviour: 404/405, request ids, the OpenAPI route, panics and error
//! rendering.

mod support;

use specfirst_runtime::{ErrorBody, RouterOptions, ServerConfig};
use support::{body_json, expect_error, start, start_with, OPENAPI};

#[tokio::test]
async fn unknown_path_is_json_404() {
    let server = start().await;
    expect_error(
        server.get("/nowhere").await,
        404,
        Some("NotFound"),
        "no route for GET /nowhere",
    )
    .await;
}

#[tokio::test]
async fn wrong_method_is_json_405_with_allow() {
    let server = start().await;
    let response = server
        .client
        .delete(server.url("/pets"))
        .send()
        .await
        .unwrap();
    let headers = expect_error(
        response,
        405,
        Some("MethodNotAllowed"),
        "method DELETE is not allowed for /pets",
    )
    .await;
    let allow = headers["allow"].to_str().unwrap();
    let mut methods: Vec<&str> = allow.split(',').map(str::trim).collect();
    methods.sort_unstable();
    assert_eq!(methods, ["POST", "PUT"]);
}

#[tokio::test]
async fn request_id_is_echoed() {
    let server = start().await;
    let response = server
        .client
        .get(server.url("/items/1?limit=1"))
        .header("x-request-id", "client-id-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-id-1");
    assert_eq!(body_json(response).await["request_id"], "client-id-1");

    let response = server
        .client
        .get(server.url("/nowhere"))
        .header("x-request-id", "client-id-2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-id-2");
    assert_eq!(
        response.json::<ErrorBody>().await.unwrap().request_id,
        "client-id-2"
    );
}

#[tokio::test]
async fn request_id_is_generated() {
    let server = start().await;
    let first = server.get("/items/1?limit=1").await;
    let first_id = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&first_id).is_ok(), "{first_id}");
    assert_eq!(body_json(first).await["request_id"], first_id.as_str());
    let second = server.get("/items/1?limit=1").await;
    assert_ne!(second.headers()["x-request-id"].to_str().unwrap(), first_id);

    // Ids that are unsafe to echo are replaced.
    for bad in ["has space".to_owned(), "x".repeat(129)] {
        let response = server
            .client
            .get(server.url("/openapi.json"))
            .header("x-request-id", bad.as_str())
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
}

#[tokio::test]
async fn openapi_document_is_served() {
    let server = start().await;
    let response = server.get("/openapi.json").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(response.text().await.unwrap(), OPENAPI);
}

#[tokio::test]
async fn openapi_path_is_configurable() {
    let options = RouterOptions {
        openapi_path: Some("/spec".into()),
        ..RouterOptions::default()
    };
    let server = start_with(ServerConfig::default(), &options).await;
    assert_eq!(server.get("/spec").await.text().await.unwrap(), OPENAPI);
    assert_eq!(server.get("/openapi.json").await.status().as_u16(), 404);

    let hidden = start_with(
        ServerConfig::default(),
        &RouterOptions {
            openapi_path: None,
            ..RouterOptions::default()
        },
    )
    .await;
    expect_error(
        hidden.get("/openapi.json").await,
        404,
        Some("NotFound"),
        "no route for GET /openapi.json",
    )
    .await;
}

#[tokio::test]
async fn panic_is_500_and_server_keeps_serving() {
    let server = start().await;
    expect_error(
        server.get("/panic").await,
        500,
        Some("Internal"),
        "internal error",
    )
    .await;
    expect_error(
        server.get("/panic").await,
        500,
        Some("Internal"),
        "internal error",
    )
    .await;
    assert_eq!(
        body_json(server.get("/items/1?limit=1").await).await["id"],
        1
    );
}

#[tokio::test]
async fn internal_message_is_not_sent() {
    let server = start().await;
    let response = server.get("/internal").await;
    assert_eq!(response.status().as_u16(), 500);
    let text = response.text().await.unwrap();
    assert!(!text.contains("secret"), "{text}");
    let body: ErrorBody = serde_json::from_str(&text).unwrap();
    assert_eq!(body.message, "internal error");
}

#[tokio::test]
async fn declared_error_responses_are_untouched() {
    let server = start().await;
    let response = server.get("/teapot").await;
    assert_eq!(response.status().as_u16(), 418);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"custom": true})
    );
    expect_error(
        server.get("/wrong-class").await,
        500,
        Some("Internal"),
        "internal error",
    )
    .await;
}

#[tokio::test]
async fn foreign_error_responses_become_json() {
    let server = start().await;
    let headers = expect_error(
        server.get("/foreign").await,
        400,
        None,
        "raw Failure from elsewhere",
    )
    .await;
    assert_eq!(headers["x-extra"], "kept");
}
