//! `ServerConfig::compression` against the example server: gzip responses for clients
//! that accept them, gzip request bodies read (and limited) after decompression, other
//! encodings refused with a JSON 415, and nothing of this when the setting is off.

#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::sync::Arc;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use generated_example::Bookshelf;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::Value;
use specfirst_runtime::ServerConfig;

const TOKEN: &str = "compression-test-token";

async fn start(compression: bool) -> support::Server {
    let shelf = Bookshelf::new().with_api_token(TOKEN);
    shelf.fill_demo(20).expect("demo books");
    let config = ServerConfig {
        compression,
        request_body_max_bytes: 4096,
        ..ServerConfig::default()
    };
    support::start_with(generated_example::app(Arc::new(shelf)), config).await
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

const BOOK: &str = r#"{"title":"Dune","author":"Frank Herbert","genre":"fiction"}"#;

/// `POST /books` of `body`, sent in `encoding`.
async fn post(server: &support::Server, body: Vec<u8>, encoding: &str) -> reqwest::Response {
    server
        .post("/books")
        .bearer_auth(TOKEN)
        .header(CONTENT_TYPE, "application/json")
        .header(CONTENT_ENCODING, encoding)
        .body(body)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn responses_are_gzip_for_clients_that_accept_it() {
    let server = start(true).await;
    let response = server
        .get("/books?limit=20")
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    let compressed = response.bytes().await.expect("body");
    let page: Value = serde_json::from_slice(&gunzip(&compressed)).expect("JSON");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(20));
    assert!(compressed.len() < serde_json::to_vec(&page).expect("JSON").len());

    // Errors too: they are JSON like any answer.
    let response = server
        .get("/books?limit=abc")
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    let error: Value =
        serde_json::from_slice(&gunzip(&response.bytes().await.expect("body"))).expect("JSON");
    assert_eq!(error["error_code"], "InvalidParameter");

    // A client that does not ask gets the body as it is.
    let response = server.get("/books").send().await.expect("send");
    assert!(response.headers().get(CONTENT_ENCODING).is_none());
    server.stop().await;
}

#[tokio::test]
async fn gzip_request_bodies_are_read_and_limited_after_decompression() {
    let server = start(true).await;
    let created = post(&server, gzip(BOOK.as_bytes()), "gzip").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let book: Value = created.json().await.expect("JSON");
    assert_eq!(book["title"], "Dune");

    // A few hundred bytes of gzip that unpack beyond the 4 KiB limit are refused as the
    // unpacked body they are.
    let padded = format!(
        r#"{{"title":"Dune","author":"{}","genre":"fiction"}}"#,
        "a".repeat(100_000)
    );
    let bomb = gzip(padded.as_bytes());
    assert!(bomb.len() < 4096);
    let refused = post(&server, bomb, "gzip").await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // An encoding the server does not read is a JSON 415.
    let refused = post(&server, BOOK.into(), "br").await;
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let error: Value = refused.json().await.expect("JSON");
    assert_eq!(error["error_code"], "UnsupportedMediaType");
    assert_eq!(
        error["message"],
        "unsupported content encoding \"br\"; send gzip or no encoding"
    );
    server.stop().await;
}

#[tokio::test]
async fn without_the_setting_nothing_is_compressed() {
    let server = start(false).await;
    let response = server
        .get("/books?limit=20")
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("send");
    assert!(response.headers().get(CONTENT_ENCODING).is_none());
    let page: Value = response.json().await.expect("plain JSON");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(20));
    server.stop().await;
}
