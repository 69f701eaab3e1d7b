//! Path, query and header parameter decoding through a running server.

mod support;

use serde_json::json;
use support::{body_json, expect_error, start};

#[tokio::test]
async fn decodes_all_parameter_kinds() {
    let server = start().await;
    let response = server
        .client
        .get(server.url("/items/42?limit=5&name=a+b%21&tag=x&tag=y&ids=1,2,3&flag=true&unknown=1"))
        .header("x-mode", "fast")
        .header("x-nums", "1, 2")
        .header("x-nums", "3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-count"], "5,6");
    let body = body_json(response).await;
    assert_eq!(body["greeting"], "hi");
    assert_eq!(body["id"], 42);
    assert_eq!(body["limit"], 5);
    assert_eq!(body["name"], "a b!");
    assert_eq!(body["tags"], json!(["x", "y"]));
    assert_eq!(body["ids"], json!([1, 2, 3]));
    assert_eq!(body["flag"], true);
    assert_eq!(body["mode"], "fast");
    assert_eq!(body["nums"], json!([1, 2, 3]));
    assert_eq!(body["operation_id"], "get_item");
    assert_eq!(body["method"], "GET");
    assert!(body["uri"].as_str().unwrap().starts_with("/items/42?"));
}

#[tokio::test]
async fn absent_optional_parameters_are_null() {
    let server = start().await;
    let body = body_json(server.get("/items/1?limit=1").await).await;
    for field in ["name", "tags", "ids", "flag", "mode", "nums"] {
        assert_eq!(body[field], serde_json::Value::Null, "{field}");
    }
}

#[tokio::test]
async fn missing_required_query_parameter() {
    let server = start().await;
    expect_error(
        server.get("/items/1").await,
        400,
        Some("MissingParameter"),
        "missing required query parameter \"limit\"",
    )
    .await;
}

#[tokio::test]
async fn mistyped_parameters() {
    let server = start().await;
    expect_error(
        server.get("/items/1?limit=ten").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"limit\": expected an integer",
    )
    .await;
    expect_error(
        server.get("/items/1?limit=-1").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"limit\": integer -1 is out of range: expected 0 to 4294967295",
    )
    .await;
    expect_error(
        server.get("/items/99999999999999999999?limit=1").await,
        400,
        Some("InvalidParameter"),
        "invalid value for path parameter \"id\": integer out of range: more than 64 bits",
    )
    .await;
    expect_error(
        server.get("/items/abc?limit=1").await,
        400,
        Some("InvalidParameter"),
        "invalid value for path parameter \"id\": expected an integer",
    )
    .await;
    expect_error(
        server.get("/items/1?limit=1&flag=yes").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"flag\": expected a boolean (true or false)",
    )
    .await;
    expect_error(
        server.get("/items/1?limit=1&ids=1,x").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"ids\": expected an integer",
    )
    .await;
}

#[tokio::test]
async fn duplicated_scalar_query_parameter() {
    let server = start().await;
    expect_error(
        server.get("/items/1?limit=1&limit=2").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"limit\": expected a single value, got 2",
    )
    .await;
    // A non-exploded array must arrive as one value.
    expect_error(
        server.get("/items/1?limit=1&ids=1&ids=2").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"ids\": expected a single comma-separated value, got 2",
    )
    .await;
}

#[tokio::test]
async fn enum_and_required_header() {
    let server = start().await;
    let ok = server
        .client
        .get(server.url("/colors?color=blue"))
        .header("x-token", "t")
        .send()
        .await
        .unwrap();
    assert_eq!(body_json(ok).await, "Blue");
    expect_error(
        server.get("/colors?color=blue").await,
        400,
        Some("MissingParameter"),
        "missing required header parameter \"x-token\"",
    )
    .await;
    expect_error(
        server.get("/colors?color=green").await,
        400,
        Some("InvalidParameter"),
        "invalid value for query parameter \"color\": unknown variant `green`, expected `red` or `blue`",
    )
    .await;
}

#[tokio::test]
async fn invalid_header_bytes_are_rejected() {
    let server = start().await;
    let response = server
        .client
        .get(server.url("/items/1?limit=1"))
        .header(
            "x-mode",
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        400,
        Some("InvalidParameter"),
        "invalid value for header parameter \"x-mode\": header value is not valid UTF-8",
    )
    .await;
    let response = server
        .client
        .get(server.url("/items/1?limit=1"))
        .header("x-nums", "1,two")
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        400,
        Some("InvalidParameter"),
        "invalid value for header parameter \"x-nums\": expected an integer",
    )
    .await;
}

#[tokio::test]
async fn percent_encoded_path_is_decoded() {
    let server = start().await;
    // %34%32 is "42": the path parameter must be percent-decoded before parsing.
    let body = body_json(server.get("/items/%34%32?limit=1").await).await;
    assert_eq!(body["id"], 42);
}
