//! The flagship generated with customising settings (`CUSTOMISED` in build.rs, as
//! `--set` or `specfirst.toml` give them): `PartialEq` on every type, `Book` renamed
//! `Volume`, `Error` with more derives and an attribute, `Genre` replaced by the
//! hand-written `shelf::Genre`, `listBooks` served by a method named `books`, `Book`'s
//! `published_year` field named `year` and `BookSortMode`'s `title_ascending` `ByTitle`.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::customised_bookshelf as api;
use specfirst_fixture_buildrs::shelf::Genre;
use specfirst_runtime::{auth::Bearer, HttpError, RequestContext, StatusCode};

struct Shelf;

fn volume(genre: Genre) -> api::types::Volume {
    api::types::Volume {
        added_at: chrono::DateTime::UNIX_EPOCH,
        author: "Keats".into(),
        genre,
        id: uuid::Uuid::nil(),
        year: specfirst_runtime::Nullable::Value(1819),
        tags: None,
        title: "Odes".parse().expect("a valid title"),
    }
}

impl api::BookshelfAuth for Shelf {
    type Principal = ();

    async fn bearer_auth(&self, _: &RequestContext, _: Bearer) -> Result<(), HttpError> {
        Ok(())
    }
}

impl api::BookshelfApi for Shelf {
    type ListBooksMarker = String;

    // The operation `listBooks`, under the name the setting gives.
    async fn books(
        &self,
        _: RequestContext,
        request: api::ListBooksRequest<String>,
    ) -> Result<api::ListBooksResponse, HttpError> {
        // The query's genre arrives as the hand-written type, the order as the
        // renamed variant.
        let scan = request.page.scan();
        let genre: Option<Genre> = scan.genre;
        if let Some(order) = scan.sort_by {
            assert_eq!(order, api::types::BookSortMode::ByTitle);
        }
        let books = genre.map(volume).into_iter().collect();
        let page = request.results_page(books, |book| book.title.to_string());
        Ok(api::ListBooksResponse::Ok { body: page.into() })
    }

    async fn create_book(
        &self,
        _: RequestContext,
        (): (),
        request: api::CreateBookRequest,
    ) -> Result<api::CreateBookResponse, HttpError> {
        let body = volume(request.body.genre);
        Ok(api::CreateBookResponse::Created {
            location: "/books/0".into(),
            body,
        })
    }

    async fn get_book(
        &self,
        _: RequestContext,
        request: api::GetBookRequest,
    ) -> Result<api::GetBookResponse, HttpError> {
        // `types::Error` is `#[non_exhaustive]` by a setting: outside its crate it cannot
        // be built, so the error goes as the runtime's.
        Err(HttpError::for_not_found(format!(
            "no book {}",
            request.book_id
        )))
    }

    async fn replace_book(
        &self,
        _: RequestContext,
        (): (),
        _: api::ReplaceBookRequest,
    ) -> Result<api::ReplaceBookResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }

    async fn delete_book(
        &self,
        _: RequestContext,
        (): (),
        _: api::DeleteBookRequest,
    ) -> Result<api::DeleteBookResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }

    async fn update_book(
        &self,
        _: RequestContext,
        (): (),
        _: api::UpdateBookRequest,
    ) -> Result<api::UpdateBookResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }

    async fn watch_changes(
        &self,
        _: RequestContext,
        _: api::WatchChangesRequest,
    ) -> Result<api::WatchChangesResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }

    async fn export_books(
        &self,
        _: RequestContext,
        _: api::ExportBooksRequest,
    ) -> Result<api::ExportBooksResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }

    async fn import_books(
        &self,
        _: RequestContext,
        (): (),
        _: api::ImportBooksRequest,
    ) -> Result<api::ImportBooksResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::NOT_IMPLEMENTED, "no"))
    }
}

/// Compiles only when `T` has the derives the settings add.
fn has_derives<T: PartialEq + Eq + std::hash::Hash>() {}

/// The module's code, as the build script wrote it.
const CODE: &str = include_str!(concat!(env!("OUT_DIR"), "/customised_bookshelf.rs"));

#[test]
fn derives_and_renames_are_in_the_types() {
    has_derives::<api::types::Error>();
    let error = CODE.find("pub struct Error {").expect("the Error type");
    let attrs = &CODE[CODE[..error].rfind("///").expect("its doc")..error];
    assert!(attrs.contains("#[non_exhaustive]"), "{attrs}");
    assert!(
        !CODE.contains("pub enum Genre"),
        "the replaced type is not generated"
    );
    assert!(
        !CODE.contains("pub struct Book {"),
        "the renamed type is Volume"
    );
    // The renamed method is the one the documentation points at.
    assert!(CODE.contains("/// The input of [`BookshelfApi::books`]: `GET /books`."));
    assert!(!CODE.contains("list_books"));
    // `PartialEq` on every type, the renamed one included.
    assert_eq!(volume(Genre::Poetry), volume(Genre::Poetry));
    assert_ne!(volume(Genre::Poetry), volume(Genre::History));
    let patch: api::types::BookPatch = serde_json::from_value(json!({"genre": "science"})).unwrap();
    assert_eq!(patch.genre, Some(Genre::Science));
}

#[tokio::test]
async fn the_replaced_type_carries_requests_and_responses() {
    let server = support::start(api::router(Arc::new(Shelf))).await;

    let page: Value = server
        .get("/books?genre=non-fiction")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["genre"], "non-fiction");
    // The renamed field is written under its property's name.
    assert_eq!(page["items"][0]["published_year"], 1819);
    let response = server
        .get("/books?genre=poetry&sort_by=title_ascending")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = server
        .post("/books")
        .bearer_auth("any")
        .json(&json!({"title": "Odes", "author": "Keats", "genre": "poetry"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["genre"], "poetry");

    // The schema still checks what the hand-written type would read.
    let response = server.get("/books?genre=cookery").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    server.stop().await;
}
