//! Cross-origin requests against the example server (`ServerConfig::cors`, the example's
//! `--cors-origin`): preflights are answered from the spec's paths before
//! authentication and routing, and only listed origins get allow headers.

#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use generated_example::Bookshelf;
use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use reqwest::{Method, StatusCode};
use specfirst_runtime::{CorsConfig, ServerConfig};

const APP: &str = "https://app.example";
const TOKEN: &str = "cors-test-token";

async fn start(cors: Option<CorsConfig>) -> support::Server {
    let shelf = Bookshelf::new().with_api_token(TOKEN);
    let config = ServerConfig {
        cors,
        ..ServerConfig::default()
    };
    support::start_with(generated_example::app(Arc::new(shelf)), config).await
}

/// A preflight from `origin` for `method` on `path`.
async fn preflight(
    server: &support::Server,
    path: &str,
    origin: &str,
    method: &str,
) -> reqwest::Response {
    server
        .request(Method::OPTIONS, path)
        .header(ORIGIN, origin)
        .header(ACCESS_CONTROL_REQUEST_METHOD, method)
        .send()
        .await
        .expect("send")
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<&str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered_before_authentication() {
    let server = start(Some(CorsConfig {
        max_age: Some(std::time::Duration::from_secs(600)),
        ..CorsConfig::new([APP])
    }))
    .await;

    // Creating a book needs a bearer token and reads a body: the preflight carries
    // neither, and is still answered, with what the spec says about `/books`.
    let response = server
        .request(Method::OPTIONS, "/books")
        .header(ORIGIN, APP)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization, content-type",
        )
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), Some(APP));
    assert_eq!(
        header(&response, ACCESS_CONTROL_ALLOW_METHODS),
        Some("GET, HEAD, POST")
    );
    assert_eq!(
        header(&response, ACCESS_CONTROL_ALLOW_HEADERS),
        Some("authorization, content-type, idempotency-key, x-client-version, x-request-id")
    );
    assert_eq!(header(&response, ACCESS_CONTROL_MAX_AGE), Some("600"));
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    assert!(response.headers().contains_key("x-request-id"));

    // A path with a parameter: its own methods. Deleting needs the token, and the
    // handler would answer 404 for this id; the preflight reaches neither.
    let response = server
        .request(
            Method::OPTIONS,
            "/books/8e1b1c1e-2f5a-4c59-9b4e-0c3b2b5f0a11",
        )
        .header(ORIGIN, APP)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header(&response, ACCESS_CONTROL_ALLOW_METHODS),
        Some("DELETE, GET, HEAD, PATCH, PUT")
    );

    // The request itself then goes through authentication as any other, and a script
    // may read the headers the spec declares for it.
    let response = server
        .post("/books")
        .header(ORIGIN, APP)
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"title": "Dune", "author": "Frank Herbert", "genre": "fiction"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), Some(APP));
    assert_eq!(
        header(&response, ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("location, x-request-id")
    );
    let refused = server
        .post("/books")
        .header(ORIGIN, APP)
        .json(&serde_json::json!({"title": "Dune", "author": "Frank Herbert", "genre": "fiction"}))
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    // The error is readable by the script too.
    assert_eq!(header(&refused, ACCESS_CONTROL_ALLOW_ORIGIN), Some(APP));
    server.stop().await;
}

#[tokio::test]
async fn other_origins_get_no_allow_headers() {
    let server = start(Some(CorsConfig::new([APP]))).await;
    let response = preflight(&server, "/books", "https://elsewhere.example", "POST").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for name in [
        ACCESS_CONTROL_ALLOW_ORIGIN,
        ACCESS_CONTROL_ALLOW_METHODS,
        ACCESS_CONTROL_ALLOW_HEADERS,
    ] {
        assert_eq!(header(&response, name.clone()), None, "{name}");
    }
    let response = server
        .get("/books")
        .header(ORIGIN, "https://elsewhere.example")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), None);

    // A path the spec does not have is not a preflight's business: it is a 404.
    let response = preflight(&server, "/shelves", APP, "GET").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn any_origin_and_no_cors_at_all() {
    let server = start(Some(CorsConfig::new(["*"]))).await;
    let response = server
        .get("/books")
        .header(ORIGIN, "https://anyone.example")
        .send()
        .await
        .expect("send");
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
    server.stop().await;

    // Without the setting, OPTIONS is routed like any method: the spec has none.
    let server = start(None).await;
    let response = preflight(&server, "/books", APP, "POST").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), None);
    server.stop().await;
}

#[tokio::test]
async fn credentials_need_listed_origins() {
    let server = start(Some(CorsConfig {
        allow_credentials: true,
        ..CorsConfig::new([APP])
    }))
    .await;
    let response = preflight(&server, "/books", APP, "GET").await;
    assert_eq!(
        header(&response, ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true")
    );
    server.stop().await;

    // `*` beside credentials is refused when serving starts, as when reading a file.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let config = ServerConfig {
        cors: Some(CorsConfig {
            allow_credentials: true,
            ..CorsConfig::new(["*"])
        }),
        ..ServerConfig::default()
    };
    let shelf = Arc::new(Bookshelf::new());
    let error = specfirst_runtime::serve_with_listener(
        listener,
        config,
        generated_example::app(shelf),
        std::future::pending(),
    )
    .await
    .expect_err("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("allow_credentials"), "{error}");
}
