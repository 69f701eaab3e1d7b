//! The example through its typed client, the way an application's tests would call it:
//! the same flows in process (no socket) and over HTTP, with the spec's types on both
//! sides and no request written by hand.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::num::NonZeroU32;
use std::sync::Arc;

use bookshelf_api::client::{Client, ClientError, Credential};
use bookshelf_api::types::{BookPatch, Genre, NewBook};
use bookshelf_api::{
    CreateBookRequest, CreateBookResponse, DeleteBookRequest, DeleteBookResponse, GetBookRequest,
    GetBookResponse, ListBooksRequest, ListBooksResponse, ListBooksScan, UpdateBookRequest,
    UpdateBookResponse,
};
use generated_example::Bookshelf;
use specfirst_runtime::{Nullable, ResponseChecks, ServerConfig, StatusCode, WhichPage};

const API_TOKEN: &str = "client-test-token";

fn book(title: &str, genre: Genre, year: Option<i32>) -> NewBook {
    NewBook {
        title: title.parse().expect("a valid title"),
        author: "Anon".to_owned(),
        genre,
        tags: Some(vec!["shelf".to_owned()]),
        published_year: year.map_or(Nullable::Absent, Nullable::Value),
    }
}

/// A first page of `limit` books of `genre`, or of every genre.
fn first_page(limit: u32, genre: Option<Genre>) -> ListBooksRequest<String> {
    ListBooksRequest {
        limit: NonZeroU32::new(limit).expect("a positive limit"),
        page: WhichPage::First(ListBooksScan {
            sort_by: None,
            genre,
            tag: None,
        }),
        x_client_version: Some("client-test/1".to_owned()),
    }
}

/// The example, fresh and empty, behind both transports: in process, and over HTTP
/// with its response checks strict.
async fn clients() -> (Vec<Client>, support::Server) {
    let app = |token| generated_example::app(Arc::new(Bookshelf::new().with_api_token(token)));
    let config = ServerConfig {
        response_checks: ResponseChecks::Strict,
        ..ServerConfig::default()
    };
    let http = support::start_with(app(API_TOKEN), config).await;
    let clients = vec![
        Client::in_process(app(API_TOKEN)),
        Client::http(&http.url("")),
    ];
    (clients, http)
}

/// Adding, reading, changing, listing page by page and removing books: every
/// operation of the flagship and the statuses its handlers answer, through each
/// transport.
#[tokio::test]
async fn the_whole_shelf_through_the_typed_client() {
    let (clients, http) = clients().await;
    for anonymous in clients {
        let client = anonymous
            .clone()
            .with_credential("bearerAuth", Credential::Bearer(API_TOKEN.to_owned()));

        let created = client
            .create_book(CreateBookRequest::new(book(
                "Dune",
                Genre::Fiction,
                Some(1965),
            )))
            .await
            .expect("a created book");
        let CreateBookResponse::Created {
            body: dune,
            location,
        } = created
        else {
            panic!("expected 201, got {created:?}");
        };
        assert_eq!(location, format!("/books/{}", dune.id));
        assert_eq!(dune.title.as_str(), "Dune");
        assert!(matches!(dune.published_year, Nullable::Value(1965)));

        for (title, genre) in [("Cosmos", Genre::Science), ("Emma", Genre::Fiction)] {
            let created = client
                .create_book(CreateBookRequest::new(book(title, genre, None)))
                .await
                .expect("a created book");
            assert!(matches!(created, CreateBookResponse::Created { .. }));
        }

        let read = client
            .get_book(GetBookRequest::new(dune.id))
            .await
            .expect("the book");
        let GetBookResponse::Ok { body } = read else {
            panic!("expected 200, got {read:?}");
        };
        assert_eq!(body.id, dune.id);

        // A merge patch: the year cleared, the tags left as they were.
        let patch = BookPatch {
            published_year: Nullable::Null,
            ..BookPatch::default()
        };
        let changed = client
            .update_book(UpdateBookRequest::new(dune.id, patch))
            .await
            .expect("the changed book");
        let UpdateBookResponse::Ok { body } = changed else {
            panic!("expected 200, got {changed:?}");
        };
        assert!(matches!(
            body.published_year,
            Nullable::Absent | Nullable::Null
        ));
        assert_eq!(body.tags, Some(vec!["shelf".to_owned()]));

        // Page by page, each page's token asking for the next.
        let mut titles = Vec::new();
        let mut request = first_page(2, None);
        loop {
            let page = anonymous.list_books(request.clone()).await.expect("a page");
            let ListBooksResponse::Ok { body } = page else {
                panic!("expected 200, got {page:?}");
            };
            titles.extend(body.items.iter().map(|book| book.title.to_string()));
            let Nullable::Value(token) = body.next_page else {
                break;
            };
            request.page = WhichPage::Next {
                scan: request.page.scan().clone(),
                marker: token,
            };
        }
        assert_eq!(titles, ["Cosmos", "Dune", "Emma"]);
        let fiction = anonymous
            .list_books(first_page(10, Some(Genre::Fiction)))
            .await
            .expect("a page");
        let ListBooksResponse::Ok { body } = fiction else {
            panic!("expected 200, got {fiction:?}");
        };
        let fiction: Vec<String> = body.items.iter().map(|b| b.title.to_string()).collect();
        assert_eq!(fiction, ["Dune", "Emma"]);

        let removed = client
            .delete_book(DeleteBookRequest::new(dune.id))
            .await
            .expect("removed");
        assert!(
            matches!(removed, DeleteBookResponse::NoContent),
            "{removed:?}"
        );
        let gone = client
            .get_book(GetBookRequest::new(dune.id))
            .await
            .expect("an answer");
        let GetBookResponse::NotFound { body } = gone else {
            panic!("expected 404, got {gone:?}");
        };
        assert_eq!(body.error_code.as_deref(), Some("NotFound"));
    }
    http.stop().await;
}

/// Refusals arrive as the variants the spec declares for them: the runtime's 401
/// without a token is a `4XX` variant with the status kept, as is a 400 for a body the
/// spec's rules refuse, which the client sends as given.
#[tokio::test]
async fn refusals_are_the_declared_error_variants() {
    let (clients, http) = clients().await;
    for anonymous in clients {
        let refused = anonymous
            .create_book(CreateBookRequest::new(book("Dune", Genre::Fiction, None)))
            .await
            .expect("a declared answer");
        let CreateBookResponse::ClientError { status, body } = refused else {
            panic!("expected 401, got {refused:?}");
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body.error_code.as_deref(), Some("Unauthenticated"));

        let client =
            anonymous.with_credential("bearerAuth", Credential::Bearer(API_TOKEN.to_owned()));
        let mut request = first_page(10, None);
        request.page = WhichPage::Next {
            scan: request.page.scan().clone(),
            marker: "not-a-token".to_owned(),
        };
        let refused = client.list_books(request).await.expect("a declared answer");
        let ListBooksResponse::ClientError { status, body } = refused else {
            panic!("expected 400, got {refused:?}");
        };
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!body.message.is_empty());
    }
    http.stop().await;
}

/// A client pointed at something that is not the server gets an error that keeps
/// what came back, rather than a made-up variant.
#[tokio::test]
async fn an_undeclared_status_keeps_status_and_body() {
    // `getBook` declares 200, 404, 4XX and 5XX; a 300 is none of them.
    let elsewhere = axum::Router::new()
        .fallback(|| async { (axum::http::StatusCode::MULTIPLE_CHOICES, "pick one") });
    let client = Client::in_process(elsewhere);
    let error = client
        .get_book(GetBookRequest::new(uuid::Uuid::nil()))
        .await
        .expect_err("300 is not declared");
    match &error {
        ClientError::UndeclaredStatus { status, body, .. } => {
            assert_eq!(*status, StatusCode::MULTIPLE_CHOICES);
            assert_eq!(&body[..], b"pick one");
        }
        other => panic!("expected an undeclared status, got {other:?}"),
    }
    assert!(error.to_string().contains("300"), "{error}");
    assert!(error.to_string().contains("pick one"), "{error}");

    // A declared status whose body is not the declared schema is a decode error that
    // keeps the body.
    let broken = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"id": 5}"#,
        )
    });
    let error = Client::in_process(broken)
        .get_book(GetBookRequest::new(uuid::Uuid::nil()))
        .await
        .expect_err("not a book");
    assert!(matches!(error, ClientError::Decode { .. }), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(error.body().map(|b| &b[..]), Some(&br#"{"id": 5}"#[..]));
}
