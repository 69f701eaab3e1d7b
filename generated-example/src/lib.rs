//! An implementation of the Bookshelf API (`specs/bookshelf.yaml`) over SQLite (or, for
//! the serving benchmark, over plain maps in memory: see [`store`]).
//!
//! Everything HTTP-shaped (routing, parameter and body decoding, error bodies, request
//! ids, page tokens) is done by the generated `bookshelf-api` crate and
//! `specfirst-runtime`; this crate only supplies the behaviour behind the
//! [`BookshelfApi`] trait, which is the part a spec-first project writes by hand.

pub mod store;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use bookshelf_api::types::{
    Book, BookSortMode, BookTitle, Error, ImportSummary, NewBook, NewBookTitle,
};
use bookshelf_api::{
    BookshelfApi, BookshelfAuth, CreateBookRequest, CreateBookResponse, DeleteBookRequest,
    DeleteBookResponse, ExportBooksRequest, ExportBooksResponse, GetBookRequest, GetBookResponse,
    ImportBooksRequest, ImportBooksResponse, ListBooksRequest, ListBooksResponse,
    ReplaceBookRequest, ReplaceBookResponse, UpdateBookRequest, UpdateBookResponse,
    WatchChangesRequest, WatchChangesResponse,
};
use serde::{Deserialize, Serialize};
use specfirst_runtime::{
    auth, Event, EventStream, HttpError, ItemStream, Nullable, RequestContext, RouterOptions,
    StatusCode,
};
use tokio::sync::watch;
use uuid::Uuid;

pub use store::{Store, StoreError};

/// Where a scan of books resumes: the last book's title and id. Both sort keys are kept
/// so one marker type serves every sort mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookMarker {
    /// The last book's title.
    pub title: String,
    /// The last book's id.
    pub id: Uuid,
}

/// A bookshelf stored in SQLite (a file, or memory when no path is given), or in the
/// in-memory [`Store`].
///
/// One store behind a mutex: every operation is a short query on an indexed table,
/// and serialising them keeps a create and its idempotency record in step. The queries
/// run on the async worker thread; they are sub-millisecond on this data, which is the
/// trade an example may make and a production server would not.
///
/// Anyone may list and read books; adding, replacing and removing them takes one of the
/// API tokens given with [`with_api_token`](Self::with_api_token). A shelf without tokens
/// is read-only.
///
/// Every change is logged in the store; the streams of `GET /books/changes` read the log
/// in tasks of their own (so the store is shared) and wait for `changed` between reads.
pub struct Bookshelf {
    store: Arc<Mutex<Store>>,
    api_tokens: Vec<String>,
    /// Bumped after every write, once it is kept.
    changed: watch::Sender<()>,
}

/// How many changes, or books of an export, are read from the store at a time: the lock
/// is held for one read, never while a client is slow to take what was read.
const BATCH: u32 = 100;

impl std::fmt::Debug for Bookshelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The tokens are secrets: only their number is shown.
        f.debug_struct("Bookshelf")
            .field("api_tokens", &self.api_tokens.len())
            .finish_non_exhaustive()
    }
}

/// Who changed the shelf: a caller that presented one of the shelf's API tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Editor {
    /// Which of the configured tokens it presented, in the order they were added.
    pub token: usize,
}

impl Bookshelf {
    /// An empty bookshelf in an in-memory SQLite database.
    pub fn new() -> Self {
        Self::open(None)
            .unwrap_or_else(|e| unreachable!("an in-memory SQLite database always opens: {e}"))
    }

    /// The bookshelf stored at `path` (created when missing), or an in-memory one.
    pub fn open(path: Option<&Path>) -> Result<Self, StoreError> {
        Ok(Self::from_store(Store::sqlite(path)?))
    }

    /// The bookshelf kept in `store`, such as [`Store::memory()`].
    pub fn from_store(store: Store) -> Self {
        Self {
            store: Arc::new(Mutex::new(store)),
            api_tokens: Vec::new(),
            changed: watch::Sender::new(()),
        }
    }

    /// Accepts `token` as a bearer token for adding, replacing and removing books.
    pub fn with_api_token(mut self, token: impl Into<String>) -> Self {
        self.api_tokens.push(token.into());
        self
    }

    /// Adds `count` generated books, for demonstrations and load tests.
    pub fn fill_demo(&self, count: usize) -> Result<(), StoreError> {
        self.store
            .lock()
            .map_err(|_| poisoned_store())?
            .fill_demo(count)
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, HttpError> {
        lock(&self.store)
    }

    /// Tells the followers of the change log that it grew. With none there is no one to
    /// wake, and sending would still take a lock per slot of the channel's waiters. A
    /// follower that subscribes after this check reads the store after subscribing, so it
    /// sees the change anyway: the store's lock orders its read after this write.
    fn notify(&self) {
        if self.changed.receiver_count() > 0 {
            self.changed.send_replace(());
        }
    }
}

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, HttpError> {
    // A poisoned lock means a panic mid-update; refusing is safer than serving state
    // that may be half-written.
    store
        .lock()
        .map_err(|_| HttpError::for_internal_error("bookshelf store lock is poisoned"))
}

/// Sends the change log after change `from` to `sender` as it grows, each change an
/// event numbered as in the log, until the client goes away (or the server stops).
async fn follow(
    store: Arc<Mutex<Store>>,
    mut changed: watch::Receiver<()>,
    mut from: u64,
    sender: specfirst_runtime::StreamSender<Event<bookshelf_api::types::BookChange>>,
) {
    loop {
        // Seen before reading: a change kept after the read wakes the wait below.
        changed.borrow_and_update();
        let batch = match lock(&store).and_then(|store| Ok(store.changes_after(from, BATCH)?)) {
            Ok(batch) => batch,
            Err(error) => {
                tracing::error!(%error, "the change log cannot be read");
                return;
            }
        };
        if batch.is_empty() {
            tokio::select! {
                woken = changed.changed() => if woken.is_err() { return },
                () = sender.closed() => return,
            }
            continue;
        }
        for (number, change) in batch {
            from = number;
            let event = Event::new(change).with_id(number.to_string());
            if sender.send(event).await.is_err() {
                return;
            }
        }
    }
}

/// Sends every book to `sender` in id order, read a batch at a time.
async fn export(store: Arc<Mutex<Store>>, sender: specfirst_runtime::StreamSender<Book>) {
    let mut after: Option<BookMarker> = None;
    loop {
        let page = lock(&store).and_then(|store| {
            Ok(store.page(&store::Scan {
                sort: BookSortMode::IdAscending,
                genre: None,
                tags: &[],
                after: after.as_ref(),
                limit: BATCH,
            })?)
        });
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                // The status is sent: the export ends short, which the client sees.
                tracing::error!(%error, "the export cannot read the shelf");
                return;
            }
        };
        let Some(last) = page.last() else {
            return;
        };
        after = Some(BookMarker {
            title: last.title.to_string(),
            id: last.id,
        });
        for book in page {
            if sender.send(book).await.is_err() {
                return;
            }
        }
    }
}

impl Default for Bookshelf {
    fn default() -> Self {
        Self::new()
    }
}

fn poisoned_store() -> StoreError {
    StoreError::Corrupt {
        id: String::new(),
        reason: "the store lock is poisoned".into(),
    }
}

impl From<StoreError> for HttpError {
    fn from(error: StoreError) -> Self {
        HttpError::for_internal_error(error.to_string())
    }
}

/// Serves `shelf` with the generated router, including `/openapi.json`.
pub fn app(shelf: Arc<Bookshelf>) -> axum::Router {
    bookshelf_api::router(shelf)
}

/// Serves `shelf` with the generated router and `options`, such as a documentation page
/// at `/docs` (`RouterOptions::default().with_docs_path("/docs")`).
pub fn app_with(shelf: Arc<Bookshelf>, options: &RouterOptions) -> axum::Router {
    bookshelf_api::router_with_options(shelf, options)
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
        // Stored, a year sent as `null` is no different from one left out.
        published_year: Nullable::absent_if_none(details.published_year.into_option()),
        // Stored, no tags are no different from tags left out.
        tags: details.tags.filter(|tags| !tags.is_empty()),
        title,
    })
}

/// Whether a retried create asks for the same book as the first request under its key.
fn same_details(details: &NewBook, book: &Book) -> bool {
    let title: &NewBookTitle = &details.title;
    title.as_str() == book.title.as_str()
        && details.author == book.author
        && details.genre == book.genre
        && details.tags.as_deref().unwrap_or_default() == book.tags.as_deref().unwrap_or_default()
        && details.published_year.as_option() == book.published_year.as_option()
}

fn location(id: Uuid) -> String {
    format!("/books/{id}")
}

/// Equality that takes as long for every `a` of a given length, so response times do not
/// reveal how much of a token was right.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

impl BookshelfAuth for Bookshelf {
    type Principal = Editor;

    async fn bearer_auth(
        &self,
        _ctx: &RequestContext,
        credential: auth::Bearer,
    ) -> Result<Editor, HttpError> {
        self.api_tokens
            .iter()
            .position(|token| same_secret(token, credential.token()))
            .map(|token| Editor { token })
            .ok_or_else(|| auth::unauthenticated("invalid API token"))
    }
}

impl BookshelfApi for Bookshelf {
    type ListBooksMarker = BookMarker;

    async fn list_books(
        &self,
        _ctx: RequestContext,
        request: ListBooksRequest<BookMarker>,
    ) -> Result<ListBooksResponse, HttpError> {
        if let Some(version) = &request.x_client_version {
            tracing::debug!(client_version = %version, "listing books");
        }
        let scan = request.page.scan();
        // The spec's `maxItems: 16` on `tag` is checked before this runs, which bounds
        // the work one listing can ask of the database.
        let tags = scan.tag.as_deref().unwrap_or_default();
        let books = self.store()?.page(&store::Scan {
            sort: scan.sort_by.unwrap_or(BookSortMode::TitleAscending),
            genre: scan.genre,
            tags,
            after: request.page.marker(),
            limit: request.limit.get(),
        })?;
        let page = request.results_page(books, |last| BookMarker {
            title: last.title.to_string(),
            id: last.id,
        });
        Ok(ListBooksResponse::Ok { body: page.into() })
    }

    async fn create_book(
        &self,
        ctx: RequestContext,
        editor: Editor,
        request: CreateBookRequest,
    ) -> Result<CreateBookResponse, HttpError> {
        tracing::debug!(?editor, "adding a book");
        let mut store = self.store()?;
        if let Some(key) = &request.idempotency_key {
            if let Some(first) = store.created_by_key(key)? {
                // Reusing a key for different details is almost certainly a client bug;
                // silently returning the unrelated first book would hide it.
                if !same_details(&request.body, &first) {
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
                // A replay must not hand out the location of a book that is gone: the
                // client would be told it exists. Refusing says what happened instead.
                if store.get(first.id)?.is_none() {
                    return Ok(CreateBookResponse::ClientError {
                        status: StatusCode::CONFLICT,
                        body: Error {
                            request_id: ctx.request_id().to_owned(),
                            error_code: Some("IdempotentResultGone".to_owned()),
                            message: format!(
                                "the book created with idempotency key {key:?} has since been deleted"
                            ),
                        },
                    });
                }
                return Ok(CreateBookResponse::Created {
                    location: location(first.id),
                    body: first,
                });
            }
        }
        // The stores keep microseconds; trimming now means a later read returns the same value.
        let added_at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let book = book_from(Uuid::new_v4(), added_at, request.body)?;
        // The book and its key together: a crash between them must not leave a book
        // that a retry under the same key would add again.
        store.atomically(|store| {
            store.put(&book)?;
            if let Some(key) = &request.idempotency_key {
                store.remember_key(key, &book)?;
            }
            Ok(())
        })?;
        drop(store);
        self.notify();
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
        Ok(match self.store()?.get(request.book_id)? {
            Some(book) => GetBookResponse::Ok { body: book },
            None => GetBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            },
        })
    }

    async fn replace_book(
        &self,
        ctx: RequestContext,
        _editor: Editor,
        request: ReplaceBookRequest,
    ) -> Result<ReplaceBookResponse, HttpError> {
        let mut store = self.store()?;
        let Some(existing) = store.get(request.book_id)? else {
            return Ok(ReplaceBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            });
        };
        // Identity and history are the server's, not the client's: a replace keeps both.
        let book = book_from(existing.id, existing.added_at, request.body)?;
        store.put(&book)?;
        drop(store);
        self.notify();
        Ok(ReplaceBookResponse::Ok { body: book })
    }

    async fn update_book(
        &self,
        ctx: RequestContext,
        _editor: Editor,
        request: UpdateBookRequest,
    ) -> Result<UpdateBookResponse, HttpError> {
        let mut store = self.store()?;
        let Some(mut book) = store.get(request.book_id)? else {
            return Ok(UpdateBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            });
        };
        // A merge patch: what the client left out stays; `null` clears what may be
        // cleared. The spec's constraints were checked before this runs.
        let patch = request.body;
        if let Some(title) = patch.title {
            book.title = BookTitle::try_from(String::from(title)).map_err(|e| {
                HttpError::for_internal_error(format!("title does not fit Book: {e}"))
            })?;
        }
        if let Some(author) = patch.author {
            book.author = author;
        }
        if let Some(genre) = patch.genre {
            book.genre = genre;
        }
        let mut tags = book.tags.take();
        patch.tags.apply_to(&mut tags);
        book.tags = tags.filter(|tags| !tags.is_empty());
        let mut year = book.published_year.into_option();
        patch.published_year.apply_to(&mut year);
        book.published_year = Nullable::absent_if_none(year);
        store.put(&book)?;
        drop(store);
        self.notify();
        Ok(UpdateBookResponse::Ok { body: book })
    }

    async fn delete_book(
        &self,
        ctx: RequestContext,
        _editor: Editor,
        request: DeleteBookRequest,
    ) -> Result<DeleteBookResponse, HttpError> {
        let deleted = self.store()?.delete(request.book_id)?;
        Ok(if deleted {
            self.notify();
            DeleteBookResponse::NoContent
        } else {
            DeleteBookResponse::NotFound {
                body: not_found(&ctx, request.book_id),
            }
        })
    }

    async fn watch_changes(
        &self,
        _ctx: RequestContext,
        request: WatchChangesRequest,
    ) -> Result<WatchChangesResponse, HttpError> {
        // `Last-Event-ID` resumes after the change it names; without it, only changes
        // from now on. The spec's `minimum: 0` was checked before this runs.
        let from = match request.last_event_id {
            Some(last) => u64::try_from(last).unwrap_or_default(),
            None => self.store()?.last_change()?,
        };
        let (sender, body) = EventStream::channel(BATCH as usize);
        tokio::spawn(follow(
            Arc::clone(&self.store),
            self.changed.subscribe(),
            from,
            sender,
        ));
        Ok(WatchChangesResponse::Ok { body })
    }

    async fn export_books(
        &self,
        _ctx: RequestContext,
        _request: ExportBooksRequest,
    ) -> Result<ExportBooksResponse, HttpError> {
        let (sender, body) = ItemStream::channel(BATCH as usize);
        tokio::spawn(export(Arc::clone(&self.store), sender));
        Ok(ExportBooksResponse::Ok { body })
    }

    async fn import_books(
        &self,
        _ctx: RequestContext,
        editor: Editor,
        mut request: ImportBooksRequest,
    ) -> Result<ImportBooksResponse, HttpError> {
        tracing::debug!(?editor, "importing books");
        // All or nothing, as the spec says: every line is read and checked (under the
        // body limit) before the first book is stored, and a bad one (`?`: a 400 naming
        // it) leaves the shelf as it was.
        let added_at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let mut books = Vec::new();
        while let Some(details) = request.body.next_item().await {
            books.push(book_from(Uuid::new_v4(), added_at, details?)?);
        }
        self.store()?.atomically(|store| {
            for book in &books {
                store.put(book)?;
            }
            Ok(())
        })?;
        if !books.is_empty() {
            self.notify();
        }
        Ok(ImportBooksResponse::Ok {
            body: ImportSummary {
                imported: books.len() as u64,
            },
        })
    }
}
