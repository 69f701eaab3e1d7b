//! An in-memory implementation of the Bookshelf API (`specs/bookshelf.yaml`).
//!
//! Everything HTTP-shaped (routing, parameter and body decoding, error bodies, request ids)
//! is done by the generated `bookshelf-api` crate and `specfirst-runtime`; this crate only
//! supplies the behaviour behind the [`BookshelfApi`] trait, which is the part a spec-first
//! project writes by hand.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};

use bookshelf_api::types::{Book, BookList, BookTitle, Error, NewBook};
use bookshelf_api::{
    BookshelfApi, CreateBookRequest, CreateBookResponse, DeleteBookRequest, DeleteBookResponse,
    GetBookRequest, GetBookResponse, ListBooksRequest, ListBooksResponse, ReplaceBookRequest,
    ReplaceBookResponse,
};
use specfirst_runtime::{HttpError, RequestContext, StatusCode};
use uuid::Uuid;

/// Books returned by `GET /books` when the client gives no `limit`.
pub const DEFAULT_LIMIT: u32 = 20;

/// Most books `GET /books` returns, whatever `limit` asks for.
///
/// The spec declares `maximum: 100`, but the generated request type is a `NonZeroU32` that
/// lets larger values through, so the cap is applied here.
pub const MAX_LIMIT: u32 = 100;

/// A bookshelf kept in memory, lost when the process exits.
///
/// One mutex guards all state: every operation is a short, non-blocking critical section, and
/// a single lock keeps the book list and the idempotency records consistent with each other.
#[derive(Debug, Default)]
pub struct Bookshelf {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Books in the order they were added, which is the order `GET /books` promises.
    books: Vec<Book>,
    /// The book first created under each `Idempotency-Key`, exactly as it was returned.
    ///
    /// The snapshot, not the id, is kept so a retry gets the first result even after the book
    /// was replaced or deleted. Records are never expired, which is acceptable only because
    /// the whole store is in memory and meant for examples and tests.
    created_by_key: HashMap<String, Book>,
}

impl Bookshelf {
    /// An empty bookshelf.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> Result<MutexGuard<'_, State>, HttpError> {
        // A poisoned lock means a panic mid-update; refusing is safer than serving state
        // that may be half-written.
        self.state
            .lock()
            .map_err(|_| HttpError::for_internal_error("bookshelf state lock is poisoned"))
    }
}

/// Serves `shelf` with the generated router, including `/openapi.json`.
pub fn app(shelf: Arc<Bookshelf>) -> axum::Router {
    bookshelf_api::router(shelf)
}

/// The error body for a book id that is not on the shelf.
fn not_found(ctx: &RequestContext, id: Uuid) -> Error {
    Error {
        request_id: ctx.request_id().to_owned(),
        error_code: Some("NotFound".to_owned()),
        message: format!("no book with id {id}"),
    }
}

/// Builds the stored book from the client's details.
fn book_from(
    id: Uuid,
    added_at: chrono::DateTime<chrono::Utc>,
    details: NewBook,
) -> Result<Book, HttpError> {
    // `NewBookTitle` and `BookTitle` carry the same constraints, so this only fails if the
    // spec's two title schemas drift apart: a server bug, not a client one.
    let title = BookTitle::try_from(String::from(details.title))
        .map_err(|e| HttpError::for_internal_error(format!("title does not fit Book: {e}")))?;
    Ok(Book {
        added_at,
        author: details.author,
        genre: details.genre,
        id,
        published_year: details.published_year,
        tags: details.tags,
        title,
    })
}

/// Whether a retried create asks for the same book as the first request under its key.
fn same_details(details: &NewBook, book: &Book) -> bool {
    details.title.as_str() == book.title.as_str()
        && details.author == book.author
        && details.genre == book.genre
        && details.tags == book.tags
        && details.published_year == book.published_year
}

fn location(id: Uuid) -> String {
    format!("/books/{id}")
}

impl BookshelfApi for Bookshelf {
    async fn list_books(
        &self,
        _ctx: RequestContext,
        request: ListBooksRequest,
    ) -> Result<ListBooksResponse, HttpError> {
        if let Some(version) = &request.x_client_version {
            tracing::debug!(client_version = %version, "listing books");
        }
        let limit = request
            .limit
            .map_or(DEFAULT_LIMIT, NonZeroU32::get)
            .min(MAX_LIMIT) as usize;
        let tags = request.tag.unwrap_or_default();
        let state = self.state()?;
        let items = state
            .books
            .iter()
            .filter(|book| request.genre.map_or(true, |genre| book.genre == genre))
            .filter(|book| tags.iter().all(|tag| book.tags.contains(tag)))
            .take(limit)
            .cloned()
            .collect();
        Ok(ListBooksResponse::Ok {
            body: BookList { items },
        })
    }

    async fn create_book(
        &self,
        ctx: RequestContext,
        request: CreateBookRequest,
    ) -> Result<CreateBookResponse, HttpError> {
        let mut state = self.state()?;
        if let Some(key) = &request.idempotency_key {
            if let Some(first) = state.created_by_key.get(key) {
                // Reusing a key for different details is almost certainly a client bug;
                // silently returning the unrelated first book would hide it.
                if !same_details(&request.body, first) {
                    return Ok(CreateBookResponse::ClientError {
                        status: StatusCode::UNPROCESSABLE_ENTITY,
                        body: Error {
                            request_id: ctx.request_id().to_owned(),
                            error_code: Some("IdempotencyKeyReused".to_owned()),
                            message: format!(
                                "idempotency key {key:?} was already used for a different book"
                            ),
                        },
                    });
                }
                return Ok(CreateBookResponse::Created {
                    location: location(first.id),
                    body: first.clone(),
                });
            }
        }
        let book = book_from(Uuid::new_v4(), chrono::Utc::now(), request.body)?;
        if let Some(key) = request.idempotency_key {
            state.created_by_key.insert(key, book.clone());
        }
        state.books.push(book.clone());
        Ok(CreateBookResponse::Created {
            location: location(book.id),
            body: book,
        })
    }

    async fn get_book(
        &self,
        ctx: RequestContext,
        request: GetBookRequest,
    ) -> Result<GetBookResponse, HttpError> {
        let state = self.state()?;
        Ok(
            match state.books.iter().find(|book| book.id == request.book_id) {
                Some(book) => GetBookResponse::Ok { body: book.clone() },
                None => GetBookResponse::NotFound {
                    body: not_found(&ctx, request.book_id),
                },
            },
        )
    }

    async fn replace_book(
        &self,
        ctx: RequestContext,
        request: ReplaceBookRequest,
    ) -> Result<ReplaceBookResponse, HttpError> {
        let mut state = self.state()?;
        let Some(slot) = state
            .books
            .iter_mut()
            .find(|book| book.id == request.book_id)
        else {
            return Ok(ReplaceBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            });
        };
        // Identity and history are the server's, not the client's: a replace keeps both.
        *slot = book_from(slot.id, slot.added_at, request.body)?;
        Ok(ReplaceBookResponse::Ok { body: slot.clone() })
    }

    async fn delete_book(
        &self,
        ctx: RequestContext,
        request: DeleteBookRequest,
    ) -> Result<DeleteBookResponse, HttpError> {
        let mut state = self.state()?;
        match state
            .books
            .iter()
            .position(|book| book.id == request.book_id)
        {
            Some(index) => {
                // `remove`, not `swap_remove`, so the remaining books keep their order.
                state.books.remove(index);
                Ok(DeleteBookResponse::NoContent)
            }
            None => Ok(DeleteBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            }),
        }
    }
}
