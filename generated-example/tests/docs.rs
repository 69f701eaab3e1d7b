//! The documentation page (`RouterOptions::docs_path`, the example's `--docs`): served
//! only when asked for, with Swagger UI's code from the binary itself. `.ci/docs-page`
//! renders it in headless Chromium.

#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use generated_example::Bookshelf;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use specfirst_runtime::RouterOptions;

async fn start(options: &RouterOptions) -> support::Server {
    support::start(generated_example::app_with(
        Arc::new(Bookshelf::new()),
        options,
    ))
    .await
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_from_the_binary() {
    let server = start(&RouterOptions::default().with_docs_path("/docs")).await;
    for path in ["/docs", "/docs/"] {
        let response = server.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = response.text().await.unwrap();
        assert!(html.contains("<title>Bookshelf API</title>"), "{html}");
        assert!(html.contains(r#"url: "/openapi.json""#), "{html}");
    }
    for (asset, kind) in [
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui.css", "css"),
    ] {
        let response = server
            .get(&format!("/docs/assets/{asset}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.contains(kind), "{asset}: {content_type}");
        assert!(response.bytes().await.unwrap().len() > 100_000, "{asset}");
    }
    // The API is served beside it as before.
    let response = server.get("/books").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn there_is_no_page_unless_asked_for() {
    let server = start(&RouterOptions::default()).await;
    let response = server.get("/docs").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    server.stop().await;
}
