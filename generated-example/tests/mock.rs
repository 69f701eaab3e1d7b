//! The flagship's mock (`bookshelf_api::mock::Mock`), the way a test of code that
//! calls the API would use it: answers from the spec, chosen by `Prefer`, requests
//! validated as the real server does, one operation replaced by the test's own.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::num::NonZeroU32;
use std::sync::Arc;

use bookshelf_api::client::{Client, Credential};
use bookshelf_api::mock::Mock;
use bookshelf_api::types::{Book, Genre, NewBook};
use bookshelf_api::{
    CreateBookRequest, CreateBookResponse, DeleteBookRequest, DeleteBookResponse, GetBookRequest,
    GetBookResponse, ListBooksRequest, ListBooksResponse, ListBooksScan,
};
use specfirst_runtime::{Nullable, ResponseChecks, ServerConfig, StatusCode, WhichPage};

/// The mock served over HTTP with strict response checks, so every answer it gives
/// in these tests is one the spec allows.
async fn serve(mock: Mock) -> support::Server {
    let config = ServerConfig {
        response_checks: ResponseChecks::Strict,
        ..ServerConfig::default()
    };
    support::start_with(bookshelf_api::router(Arc::new(mock)), config).await
}

fn prefer(value: &'static str) -> (reqwest::header::HeaderName, reqwest::header::HeaderValue) {
    (
        reqwest::header::HeaderName::from_static("prefer"),
        reqwest::header::HeaderValue::from_static(value),
    )
}

fn first_page() -> ListBooksRequest<String> {
    ListBooksRequest {
        limit: NonZeroU32::MIN,
        page: WhichPage::First(ListBooksScan {
            sort_by: None,
            genre: Some(Genre::Poetry),
            tag: None,
        }),
        x_client_version: None,
    }
}

/// With no `Prefer`, each operation answers its first success with a body that fits
/// its schema; `code=` picks another declared status, `dynamic=true` makes values up.
#[tokio::test]
async fn the_mock_answers_every_operation_from_the_spec() {
    let http = serve(Mock::new()).await;
    let client = Client::http(&http.url(""))
        .with_credential("bearerAuth", Credential::Bearer("any-token".to_owned()));
    let id = uuid::Uuid::new_v4();

    let read = client
        .get_book(GetBookRequest::new(id))
        .await
        .expect("a book");
    let GetBookResponse::Ok { body } = read else {
        panic!("expected 200, got {read:?}");
    };
    assert!(!body.title.is_empty());

    let page = client.list_books(first_page()).await.expect("a page");
    assert!(matches!(page, ListBooksResponse::Ok { .. }), "{page:?}");

    let new_book = NewBook {
        title: "Dune".parse().expect("a title"),
        author: "Frank Herbert".to_owned(),
        genre: Genre::Fiction,
        tags: None,
        published_year: Nullable::Absent,
    };
    let created = client
        .create_book(CreateBookRequest::new(new_book.clone()))
        .await
        .expect("created");
    let CreateBookResponse::Created { location, .. } = created else {
        panic!("expected 201, got {created:?}");
    };
    assert!(!location.is_empty());

    let not_found = client
        .clone()
        .with_header(prefer("code=404").0, prefer("code=404").1)
        .get_book(GetBookRequest::new(id))
        .await
        .expect("a declared 404");
    assert!(
        matches!(not_found, GetBookResponse::NotFound { .. }),
        "{not_found:?}"
    );
    let server_error = client
        .clone()
        .with_header(prefer("code=503").0, prefer("code=503").1)
        .get_book(GetBookRequest::new(id))
        .await
        .expect("a declared 5XX");
    let GetBookResponse::ServerError { status, .. } = server_error else {
        panic!("expected 503, got {server_error:?}");
    };
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    // Made up afresh: two dynamic answers differ.
    let dynamic = client
        .clone()
        .with_header(prefer("dynamic=true").0, prefer("dynamic=true").1);
    let mut titles = std::collections::BTreeSet::new();
    for _ in 0..5 {
        let read = dynamic
            .get_book(GetBookRequest::new(id))
            .await
            .expect("a book");
        let GetBookResponse::Ok { body } = read else {
            panic!("expected 200, got {read:?}");
        };
        titles.insert(serde_json::to_string(&body).expect("a book serializes"));
    }
    assert!(titles.len() > 1, "{titles:?}");

    // A status the operation does not declare cannot be asked for.
    let refused = http
        .get(&format!("/books/{id}"))
        .header("prefer", "code=302")
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = refused.json().await.expect("a JSON error");
    assert_eq!(body["error_code"], "NoSuchResponse");
    http.stop().await;
}

/// Requests are decoded, validated and authenticated as the generated server does:
/// the mock is an implementation of its trait behind its router.
#[tokio::test]
async fn the_mock_validates_requests_as_the_server_does() {
    let http = serve(Mock::new()).await;
    let bad_id = http
        .get("/books/not-a-uuid")
        .send()
        .await
        .expect("an answer");
    assert_eq!(bad_id.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = bad_id.json().await.expect("a JSON error");
    assert_eq!(body["error_code"], "InvalidParameter");

    let no_token = http
        .post("/books")
        .json(&serde_json::json!({"title": "Dune", "author": "F", "genre": "fiction"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(no_token.status(), reqwest::StatusCode::UNAUTHORIZED);

    let bad_body = http
        .post("/books")
        .bearer_auth("any")
        .json(&serde_json::json!({"title": "", "author": "F", "genre": "opera"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(bad_body.status(), reqwest::StatusCode::BAD_REQUEST);
    http.stop().await;
}

/// One operation answered by the test, the others still from the spec.
#[tokio::test]
async fn one_operation_can_be_the_tests_own() {
    let mock = Mock::new().on_get_book(|_ctx, request| async move {
        let book: Book = serde_json::from_value(serde_json::json!({
            "id": request.book_id,
            "title": "Overridden",
            "author": "Test",
            "genre": "poetry",
            "added_at": "2024-01-02T03:04:05Z",
        }))
        .expect("a book");
        Ok(GetBookResponse::Ok { body: book })
    });
    let client = Client::in_process(bookshelf_api::router(Arc::new(mock)));
    let id = uuid::Uuid::new_v4();
    let read = client
        .get_book(GetBookRequest::new(id))
        .await
        .expect("a book");
    let GetBookResponse::Ok { body } = read else {
        panic!("expected 200, got {read:?}");
    };
    assert_eq!(body.id, id);
    assert_eq!(body.title.as_str(), "Overridden");
    let page = client.list_books(first_page()).await.expect("a page");
    assert!(matches!(page, ListBooksResponse::Ok { .. }), "{page:?}");
}

/// `Mock::accepting` names the only credentials the mock takes: any other is refused
/// with 401 in the spec's error body, as a real server refuses a wrong one (`deleteBook`
/// requires a bearer token); without
/// it, any credential presented is taken, and a missing one is refused either way.
#[tokio::test]
async fn the_mock_can_accept_only_some_credentials() {
    let strict = serve(Mock::new().accepting(["right-token"])).await;
    let lenient = serve(Mock::new()).await;
    let id = uuid::Uuid::new_v4();
    let call = |http: &support::Server, token: Option<&str>| {
        let mut client = Client::http(&http.url(""));
        if let Some(token) = token {
            client = client.with_credential("bearerAuth", Credential::Bearer(token.to_owned()));
        }
        async move {
            client
                .delete_book(DeleteBookRequest::new(id))
                .await
                .expect("a declared answer")
        }
    };
    let refused = |answer: DeleteBookResponse| match answer {
        DeleteBookResponse::ClientError { status, body } => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert!(!body.request_id.is_empty());
        }
        other => panic!("expected 401, got {other:?}"),
    };
    assert!(matches!(
        call(&strict, Some("right-token")).await,
        DeleteBookResponse::NoContent
    ));
    refused(call(&strict, Some("wrong-token")).await);
    refused(call(&strict, None).await);
    assert!(matches!(
        call(&lenient, Some("any-token")).await,
        DeleteBookResponse::NoContent
    ));
    refused(call(&lenient, None).await);
    strict.stop().await;
    lenient.stop().await;
}
