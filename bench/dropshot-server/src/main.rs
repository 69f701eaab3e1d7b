//! A benchmark comparison: the Bookshelf API routes that `cargo xtask bench` loads
//! (`GET /books/{bookId}`, `POST /books`, `GET /books`), written on Dropshot the way a
//! Dropshot user would write them.
//!
//! It does the same work as `generated-example` and `bench/handwritten-axum` for those
//! requests: the same store (the example's store module is included unchanged; SQLite,
//! or with `--store memory` the in-memory one) filled with the same demo books, the same
//! model types and so the same JSON serialisation of books, the same validation (title
//! length 1..=200 and the genre enum checked by hand in the handler, required fields,
//! uint32 `limit` >= 1, UUID path ids), bearer authentication and the same
//! `{request_id, error_code, message}` error shape (which is Dropshot's own). The HTTP
//! layer is Dropshot's: `#[endpoint]` handlers, typed `Path`/`Query`/`TypedBody`
//! extractors, `HttpError`, and `PaginationParams`/`ResultsPage` for the list.
//!
//! Where Dropshot's idiom gives a different wire behaviour from the other two servers
//! (none of it on the benchmarked requests), this server keeps Dropshot's:
//!
//! - Errors from Dropshot's own extractors (a malformed UUID, an unparsable body, a
//!   bad `limit`) carry Dropshot's messages and no `error_code`; a missing
//!   `content-type` is taken as JSON and any other type is a 400, not a 415; the body is
//!   read and parsed before the handler checks the bearer token.
//! - Every response gets a fresh `x-request-id`: Dropshot does not take the client's.
//! - Page tokens are Dropshot's (base64 JSON of a versioned page selector, no checksum),
//!   `next_page` is `null` rather than absent on a last page, and a page that is not
//!   full still gets a token (Dropshot's `ResultsPage::new`).
//! - `tag` filters on one tag: Dropshot reads paginated query strings into a flat map,
//!   so a repeated `tag=` keeps its last value.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bookshelf_api::types::{Book, BookSortMode, BookTitle, Genre};
use dropshot::{
    endpoint, ApiDescription, ClientErrorStatusCode, ConfigDropshot, ConfigLogging,
    ConfigLoggingIfExists, ConfigLoggingLevel, HttpError, HttpResponseCreated, HttpResponseHeaders,
    HttpResponseOk, PaginationParams, Path, Query, RequestContext, ResultsPage, ServerBuilder,
    TypedBody, WhichPage,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[allow(dead_code)]
#[path = "../../../generated-example/src/store/mod.rs"]
mod store;

/// Where a scan resumes: the same marker as the example's (the store reads it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookMarker {
    title: String,
    id: Uuid,
}

struct Shelf {
    store: Mutex<store::Store>,
    tokens: Vec<String>,
}

type App = Arc<Shelf>;

/// A book as the API returns it. Transparent over the generated model type, so books
/// are serialised by the same code as in the other two servers; the schema (only used
/// for Dropshot's OpenAPI document) comes from `BookDoc`.
#[derive(Serialize, JsonSchema)]
#[serde(transparent)]
struct BookView(#[schemars(with = "BookDoc")] Book);

/// The schema of `Book`, for the OpenAPI document only.
#[allow(dead_code)]
#[derive(JsonSchema)]
struct BookDoc {
    id: Uuid,
    title: String,
    author: String,
    genre: GenreParam,
    #[serde(default)]
    tags: Vec<String>,
    published_year: Option<i32>,
    added_at: String,
}

/// The request body as the client sends it; checked by hand in `create_book`, as the
/// hand-written server does, so the error messages match.
#[derive(Deserialize, JsonSchema)]
struct NewBookIn {
    title: String,
    author: String,
    genre: String,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    published_year: Option<i32>,
}

#[derive(Deserialize, JsonSchema)]
struct BookPath {
    book_id: Uuid,
}

/// `Genre` with a schema, for the query string.
#[derive(Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum GenreParam {
    Fiction,
    NonFiction,
    Poetry,
    Science,
    History,
}

impl From<GenreParam> for Genre {
    fn from(genre: GenreParam) -> Genre {
        match genre {
            GenreParam::Fiction => Genre::Fiction,
            GenreParam::NonFiction => Genre::NonFiction,
            GenreParam::Poetry => Genre::Poetry,
            GenreParam::Science => Genre::Science,
            GenreParam::History => Genre::History,
        }
    }
}

/// `BookSortMode` with a schema, for the query string.
#[derive(Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum SortParam {
    TitleAscending,
    TitleDescending,
    IdAscending,
    IdDescending,
}

impl From<SortParam> for BookSortMode {
    fn from(sort: SortParam) -> BookSortMode {
        match sort {
            SortParam::TitleAscending => BookSortMode::TitleAscending,
            SortParam::TitleDescending => BookSortMode::TitleDescending,
            SortParam::IdAscending => BookSortMode::IdAscending,
            SortParam::IdDescending => BookSortMode::IdDescending,
        }
    }
}

/// What starts a scan (the first page's query parameters).
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
struct ScanParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sort_by: Option<SortParam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    genre: Option<GenreParam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
}

/// What a page token carries: the scan, so later pages keep its order and filters, and
/// where it stopped.
#[derive(Deserialize, Serialize)]
struct PageSelector {
    scan: ScanParams,
    marker: BookMarker,
}

fn client_error(status: ClientErrorStatusCode, code: &str, message: String) -> HttpError {
    HttpError::for_client_error(Some(code.to_string()), status, message)
}

fn internal(e: impl std::fmt::Display) -> HttpError {
    HttpError::for_internal_error(e.to_string())
}

fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn genre(text: &str) -> Option<Genre> {
    Some(match text {
        "fiction" => Genre::Fiction,
        "non-fiction" => Genre::NonFiction,
        "poetry" => Genre::Poetry,
        "science" => Genre::Science,
        "history" => Genre::History,
        _ => return None,
    })
}

/// Get one book.
#[endpoint {
    method = GET,
    path = "/books/{book_id}",
}]
async fn get_book(
    rqctx: RequestContext<App>,
    path: Path<BookPath>,
) -> Result<HttpResponseOk<BookView>, HttpError> {
    let book_id = path.into_inner().book_id;
    let store = rqctx.context().store.lock().map_err(internal)?;
    match store.get(book_id).map_err(internal)? {
        Some(book) => Ok(HttpResponseOk(BookView(book))),
        None => Err(client_error(
            ClientErrorStatusCode::NOT_FOUND,
            "NotFound",
            format!("no book with id {book_id}"),
        )),
    }
}

/// The `Location` header of a created book.
#[derive(Serialize, JsonSchema)]
struct LocationHeader {
    location: String,
}

/// Add a book.
#[endpoint {
    method = POST,
    path = "/books",
}]
async fn create_book(
    rqctx: RequestContext<App>,
    body: TypedBody<NewBookIn>,
) -> Result<HttpResponseHeaders<HttpResponseCreated<BookView>, LocationHeader>, HttpError> {
    let app = rqctx.context();
    let unauthenticated = |message: &str| {
        client_error(
            ClientErrorStatusCode::UNAUTHORIZED,
            "Unauthenticated",
            message.into(),
        )
    };
    let token = rqctx
        .request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| unauthenticated("missing bearer token"))?;
    if !app.tokens.iter().any(|t| same_secret(t, token)) {
        return Err(unauthenticated("invalid API token"));
    }
    let invalid =
        |message: String| client_error(ClientErrorStatusCode::BAD_REQUEST, "InvalidBody", message);
    let new = body.into_inner();
    let length = new.title.chars().count();
    if !(1..=200).contains(&length) {
        return Err(invalid(format!(
            "invalid request body: title: length {length} is outside 1..=200"
        )));
    }
    let Some(genre) = genre(&new.genre) else {
        return Err(invalid(format!(
            "invalid request body: genre: {:?} is not one of fiction, non-fiction, poetry, science, history",
            new.genre
        )));
    };
    let title = BookTitle::try_from(new.title).map_err(internal)?;
    let book = Book {
        id: Uuid::new_v4(),
        title,
        author: new.author,
        genre,
        // As the example stores them: no empty tag list, no `null` year.
        tags: new.tags.filter(|tags| !tags.is_empty()),
        published_year: specfirst_runtime::Nullable::absent_if_none(new.published_year),
        added_at: chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6),
    };
    {
        let mut store = app.store.lock().map_err(internal)?;
        store.put(&book).map_err(internal)?;
    }
    let location = format!("/books/{}", book.id);
    Ok(HttpResponseHeaders::new(
        HttpResponseCreated(BookView(book)),
        LocationHeader { location },
    ))
}

/// List books one page at a time.
#[endpoint {
    method = GET,
    path = "/books",
}]
async fn list_books(
    rqctx: RequestContext<App>,
    query: Query<PaginationParams<ScanParams, PageSelector>>,
) -> Result<HttpResponseOk<ResultsPage<BookView>>, HttpError> {
    let params = query.into_inner();
    // Dropshot's default and maximum page sizes (100 and 10 000) are the spec's.
    let limit = rqctx.page_limit(&params)?.get();
    let (scan, marker) = match params.page {
        WhichPage::First(scan) => (scan, None),
        WhichPage::Next(PageSelector { scan, marker }) => (scan, Some(marker)),
    };
    let tags: Vec<String> = scan.tag.iter().cloned().collect();
    let books = {
        let store = rqctx.context().store.lock().map_err(internal)?;
        store
            .page(&store::Scan {
                sort: scan
                    .sort_by
                    .map_or(BookSortMode::TitleAscending, Into::into),
                genre: scan.genre.map(Into::into),
                tags: &tags,
                after: marker.as_ref(),
                limit,
            })
            .map_err(internal)?
    };
    let items = books.into_iter().map(BookView).collect();
    let page = ResultsPage::new(items, &scan, |last: &BookView, scan: &ScanParams| {
        PageSelector {
            scan: scan.clone(),
            marker: BookMarker {
                title: last.0.title.to_string(),
                id: last.0.id,
            },
        }
    })?;
    Ok(HttpResponseOk(page))
}

/// The log level from `RUST_LOG` when it is a bare level (what the bench sets), else
/// `info`, the other two servers' default.
fn log_level() -> ConfigLoggingLevel {
    match std::env::var("RUST_LOG")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "trace" => ConfigLoggingLevel::Trace,
        "debug" => ConfigLoggingLevel::Debug,
        "warn" => ConfigLoggingLevel::Warn,
        "error" => ConfigLoggingLevel::Error,
        "off" => ConfigLoggingLevel::Critical,
        _ => ConfigLoggingLevel::Info,
    }
}

/// The store `--store` names: `sqlite` (in-memory SQLite, the default) or `memory`.
fn open_store(name: &str) -> Result<store::Store, Box<dyn std::error::Error>> {
    match name {
        "sqlite" => Ok(store::Store::sqlite(None)?),
        "memory" => Ok(store::Store::memory()),
        other => Err(format!("--store is sqlite or memory, not {other:?}").into()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut bind: SocketAddr = "127.0.0.1:8080".parse()?;
    let mut demo_items = 0usize;
    let mut tokens = Vec::new();
    let mut store_name = "sqlite".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--bind" => bind = value()?.parse()?,
            "--demo-items" => demo_items = value()?.parse()?,
            "--api-token" => tokens.push(value()?),
            "--store" => store_name = value()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    // JSON lines on stderr at the level RUST_LOG names, like the other two servers:
    // Dropshot writes Bunyan JSON only to a file, so the file is stderr. Its
    // per-request "request completed" line is at info, so under the bench's
    // RUST_LOG=warn it is filtered out, as the others' request spans are.
    let log = ConfigLogging::File {
        level: log_level(),
        path: "/dev/stderr".into(),
        if_exists: ConfigLoggingIfExists::Append,
    }
    .to_logger("dropshot-server")?;

    let mut store = open_store(&store_name)?;
    store.fill_demo(demo_items)?;
    let app: App = Arc::new(Shelf {
        store: Mutex::new(store),
        tokens,
    });

    let mut api = ApiDescription::new();
    api.register(get_book)?;
    api.register(create_book)?;
    api.register(list_books)?;
    let config = ConfigDropshot {
        bind_address: bind,
        // axum's default body limit, which the hand-written server keeps; Dropshot's
        // default (1 KiB) would turn away a book with a long tag list.
        default_request_body_max_bytes: 2 * 1024 * 1024,
        ..Default::default()
    };
    let server = ServerBuilder::new(api, app, log.clone())
        .config(config)
        .start()?;
    slog::info!(log, "listening"; "bind" => %server.local_addr());
    let shutdown = server.wait_for_shutdown();
    tokio::select! {
        result = shutdown => result?,
        _ = tokio::signal::ctrl_c() => server.close().await?,
    }
    Ok(())
}
