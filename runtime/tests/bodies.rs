//! Request body decoding, content types and size limits through a running server.

mod support;

use serde_json::json;
use specfirst_runtime::{RouterOptions, ServerConfig};
use support::{body_json, expect_error, start, start_with, Pet};

#[tokio::test]
async fn valid_json_body() {
    let server = start().await;
    let pet = Pet {
        name: "rex".into(),
        tags: vec!["good".into()],
    };
    let response = server
        .client
        .post(server.url("/pets"))
        .json(&pet)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.json::<Pet>().await.unwrap(), pet);
}

#[tokio::test]
async fn json_errors_name_the_pointer() {
    let server = start().await;
    let post = |body: &'static str| {
        server
            .client
            .post(server.url("/pets"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    expect_error(
        post(r#"{"name":"rex","tags":["a",3]}"#).await.unwrap(),
        400,
        Some("InvalidBody"),
        "invalid request body at /tags/1: expected a string, found a number",
    )
    .await;
    expect_error(
        post(r#"{"tags":[]}"#).await.unwrap(),
        400,
        Some("InvalidBody"),
        "invalid request body at /: missing field `name`",
    )
    .await;
    expect_error(
        post("{\"name\":\n\"rex\",").await.unwrap(),
        400,
        Some("InvalidBody"),
        "invalid request body at /: EOF while parsing a value at line 2 column 6",
    )
    .await;
}

#[tokio::test]
async fn required_and_optional_empty_bodies() {
    let server = start().await;
    expect_error(
        server
            .client
            .post(server.url("/pets"))
            .send()
            .await
            .unwrap(),
        400,
        Some("MissingBody"),
        "request body is required",
    )
    .await;
    let none = server.client.put(server.url("/pets")).send().await.unwrap();
    assert_eq!(body_json(none).await, serde_json::Value::Null);
    let some = server
        .client
        .put(server.url("/pets"))
        .json(&json!({"name": "a", "tags": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(body_json(some).await, json!({"name": "a", "tags": []}));
}

#[tokio::test]
async fn json_content_types() {
    let server = start().await;
    let post = |content_type: &'static str| {
        server
            .client
            .post(server.url("/pets"))
            .header("content-type", content_type)
            .body(r#"{"name":"a","tags":[]}"#)
            .send()
    };
    for ok in [
        "application/json; charset=utf-8",
        "application/vnd.pet+json",
    ] {
        assert_eq!(post(ok).await.unwrap().status().as_u16(), 201, "{ok}");
    }
    expect_error(
        post("text/plain; charset=utf-8").await.unwrap(),
        415,
        Some("UnsupportedMediaType"),
        "unsupported content type \"text/plain\"; expected application/json",
    )
    .await;
}

#[tokio::test]
async fn form_bodies() {
    let server = start().await;
    let ok = server
        .client
        .post(server.url("/form"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1&b=x+y")
        .send()
        .await
        .unwrap();
    assert_eq!(body_json(ok).await, json!({"a": "1", "b": "x y"}));
    let wrong = server
        .client
        .post(server.url("/form"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(
        wrong,
        415,
        Some("UnsupportedMediaType"),
        "unsupported content type \"application/json\"; expected application/x-www-form-urlencoded",
    )
    .await;
}

#[tokio::test]
async fn bytes_bodies() {
    let server = start().await;
    let response = server
        .client
        .post(server.url("/upload"))
        .header("content-type", "image/png")
        .body(vec![0u8, 159, 146, 150])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    assert_eq!(&response.bytes().await.unwrap()[..], &[0u8, 159, 146, 150]);
    let empty = server
        .client
        .put(server.url("/upload"))
        .send()
        .await
        .unwrap();
    assert_eq!(body_json(empty).await, serde_json::Value::Null);
}

#[tokio::test]
async fn body_over_the_limit() {
    let config = ServerConfig {
        request_body_max_bytes: 16,
        ..ServerConfig::default()
    };
    let server = start_with(config, &RouterOptions::default()).await;
    let message = "request body exceeds the limit of 16 bytes";
    let exact = server
        .client
        .post(server.url("/upload"))
        .body(vec![1u8; 16])
        .send()
        .await
        .unwrap();
    assert_eq!(exact.status().as_u16(), 200);
    let declared = server
        .client
        .post(server.url("/upload"))
        .body(vec![1u8; 17])
        .send()
        .await
        .unwrap();
    expect_error(declared, 413, Some("PayloadTooLarge"), message).await;
    // A chunked body has no content-length, so the limit must apply while reading.
    let raw = raw_request(
        &server.base,
        "POST /upload HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n\
         a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 413 "), "{raw}");
    assert!(raw.contains(r#""error_code":"PayloadTooLarge""#), "{raw}");
}

/// Sends raw HTTP/1.1 bytes and returns everything the server answers.
async fn raw_request(base: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://").to_owned();
    let request = request.to_owned();
    // Blocking std I/O on its own thread keeps the server task free to answer.
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap()
}
