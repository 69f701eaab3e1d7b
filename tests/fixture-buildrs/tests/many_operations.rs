//! An API of more than 2,000 operations declares its methods in one trait per tag (a
//! trait of that many `impl Future` methods takes rustc minutes to check): the API trait
//! is every part, implemented for any type implementing them all, and the router serves
//! each part's operations.

mod support;

use std::sync::Arc;

use specfirst_fixture_buildrs::many_operations as api;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};

struct OneWritten;

impl api::ManyApiA for OneWritten {
    async fn get_a0(
        &self,
        _ctx: RequestContext,
        _request: api::GetA0Request,
    ) -> Result<api::GetA0Response, HttpError> {
        Ok(api::GetA0Response::Ok {
            body: api::types::Item { n: 7 },
        })
    }
}

impl api::ManyApiB for OneWritten {}

impl api::ManyApiC for OneWritten {}

/// The blanket impl makes any type implementing every part the API.
fn serves<A: api::ManyApi>(api: A) -> specfirst_runtime::__private::axum::Router {
    api::router(Arc::new(api))
}

#[tokio::test]
async fn every_part_is_served_through_the_api_trait() {
    let http = support::start(serves(OneWritten)).await;

    let response = http.get("/a/0").send().await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body, serde_json::json!({"n": 7}));

    // The last operation of the last part, and one of the middle part.
    for (path, id) in [("/c/600", "get_c600"), ("/b/350", "get_b350")] {
        let (status, body) = support::error_of(http.get(path).send().await.expect("send")).await;
        assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{path}: {body}");
        assert_eq!(
            body["message"],
            format!("operation `{id}` is not implemented"),
            "{path}"
        );
    }
    let (status, _) = support::error_of(http.get("/d/0").send().await.expect("send")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn the_parts_follow_the_tags() {
    let generator = specfirst::Generator::from_path(
        std::path::Path::new(env!("OUT_DIR")).join("many-operations.json"),
    )
    .unwrap_or_else(|error| panic!("{}", error.report()));
    let parts: Vec<(&str, usize, &[String])> = generator
        .api()
        .trait_parts
        .iter()
        .map(|part| (part.name.as_str(), part.operations.len(), &part.tags[..]))
        .collect();
    // 700 + 700 do not fit one part of 1,000; 700 + 601 neither.
    assert_eq!(
        parts,
        [
            ("ManyApiA", 700, &["a".to_string()][..]),
            ("ManyApiB", 700, &["b".to_string()][..]),
            ("ManyApiC", 601, &["c".to_string()][..]),
        ]
    );
}
