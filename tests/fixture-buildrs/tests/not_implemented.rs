//! A crate generated with `--default-not-implemented` (`specfirst::MethodBodies::NotImplemented`)
//! serves the one operation written so far, answers 501 with the JSON error for the
//! others, and still authenticates and decodes every request before that answer.

mod support;

use std::sync::Arc;

use specfirst_fixture_buildrs::unimplemented_bookshelf as api;
use specfirst_runtime::auth::Bearer;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};

struct FirstDay;

impl api::BookshelfAuth for FirstDay {
    type Principal = String;

    async fn bearer_auth(
        &self,
        _ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<String, HttpError> {
        match credential.token() {
            "secret" => Ok("admin".to_string()),
            _ => Err(specfirst_runtime::auth::unauthenticated("unknown token")),
        }
    }
}

/// Only `getBook` is written; the marker type is still the implementation's to choose.
impl api::BookshelfApi for FirstDay {
    type ListBooksMarker = String;

    async fn get_book(
        &self,
        _ctx: RequestContext,
        request: api::GetBookRequest,
    ) -> Result<api::GetBookResponse, HttpError> {
        Err(HttpError::for_not_found(format!(
            "no book {}",
            request.book_id
        )))
    }
}

const BOOK: &str = "/books/8e1b1c1e-2f5a-4c59-9b4e-0c3b2b5f0a11";

#[tokio::test]
async fn written_operations_serve_and_the_others_answer_501() {
    let http = support::start(api::router(Arc::new(FirstDay))).await;

    // The written operation answers as written.
    let (status, body) = support::error_of(http.get(BOOK).send().await.expect("send")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error_code"], "NotFound", "{body}");

    // The others answer 501 with the JSON error naming the operation.
    let (status, body) = support::error_of(http.get("/books").send().await.expect("send")).await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{body}");
    assert_eq!(body["error_code"], "NotImplemented", "{body}");
    assert_eq!(body["message"], "operation `listBooks` is not implemented");
    let (status, body) = support::error_of(
        http.delete(BOOK)
            .bearer_auth("secret")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{body}");
    assert_eq!(body["message"], "operation `deleteBook` is not implemented");

    // Authentication and decoding still come first: a missing credential is a 401 and a
    // bad parameter a 400, not a 501.
    let (status, body) = support::error_of(http.delete(BOOK).send().await.expect("send")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) =
        support::error_of(http.get("/books?limit=many").send().await.expect("send")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error_code"], "InvalidParameter", "{body}");

    http.stop().await;
}
