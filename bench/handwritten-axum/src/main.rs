//! The benchmark baseline: the Bookshelf API routes that `cargo xtask bench` loads
//! (`GET /books/{bookId}`, `POST /books`, `GET /books`), written by hand on axum 0.8.
//!
//! It does the same work as `generated-example` for those requests: the same store (the
//! example's store module is included unchanged; SQLite, or with `--store memory` the
//! in-memory one) filled with the same demo books, the same JSON bodies, the same
//! validation (required fields, title length 1..=200, the genre enum, uint32 `limit`
//! >= 1, UUID path ids), bearer authentication, `x-request-id` echo, the same error
//! shape `{request_id, error_code, message}` and the same page tokens (URL-safe base64 of
//! a JSON envelope plus a CRC-32 checksum). Only the HTTP layer differs: here it
//! is plain axum extractors and handlers instead of the generated router and
//! `specfirst-runtime`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bookshelf_api::types::{Book, BookSortMode, BookTitle, Genre};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[allow(dead_code)]
#[path = "../../../generated-example/src/store/mod.rs"]
mod store;

/// Where a scan resumes: the same marker as the example's.
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

/// The request id of the request being served, put in the extensions by `request_id`.
#[derive(Clone)]
struct RequestId(Arc<str>);

struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    request_id: Arc<str>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    request_id: &'a str,
    error_code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            request_id: &self.request_id,
            error_code: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

fn err(id: &RequestId, status: StatusCode, code: &'static str, message: String) -> ApiError {
    ApiError {
        status,
        code,
        message,
        request_id: id.0.clone(),
    }
}

fn internal(id: &RequestId, e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "internal error");
    err(
        id,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal",
        "internal error".into(),
    )
}

/// Takes the client's `x-request-id` when it is 1..=128 visible ASCII bytes, otherwise a
/// new UUID; echoes it on the response; opens a span like the runtime does.
async fn request_id(mut request: Request, next: Next) -> Response {
    let id: Arc<str> = request
        .headers()
        .get("x-request-id")
        .map(HeaderValue::as_bytes)
        .filter(|b| (1..=128).contains(&b.len()) && b.iter().all(u8::is_ascii_graphic))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(Uuid::new_v4().to_string()));
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", method = %request.method(), request_id = %id);
    let mut response = {
        let _entered = span.enter();
        next.run(request)
    }
    .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn get_book(
    State(app): State<App>,
    axum::Extension(id): axum::Extension<RequestId>,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let book_id = Uuid::parse_str(&raw).map_err(|e| {
        err(
            &id,
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("invalid value for path parameter \"bookId\": {e}"),
        )
    })?;
    let store = app.store.lock().map_err(|e| internal(&id, e))?;
    match store.get(book_id).map_err(|e| internal(&id, e))? {
        Some(book) => Ok(Json(book).into_response()),
        None => Err(err(
            &id,
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no book with id {book_id}"),
        )),
    }
}

/// The request body as the client sends it; checked by hand in `create_book`.
#[derive(Deserialize)]
struct NewBookIn {
    title: String,
    author: String,
    genre: String,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    published_year: Option<i32>,
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

async fn create_book(
    State(app): State<App>,
    axum::Extension(id): axum::Extension<RequestId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            err(
                &id,
                StatusCode::UNAUTHORIZED,
                "Unauthenticated",
                "missing bearer token".into(),
            )
        })?;
    if !app.tokens.iter().any(|t| same_secret(t, token)) {
        return Err(err(
            &id,
            StatusCode::UNAUTHORIZED,
            "Unauthenticated",
            "invalid API token".into(),
        ));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim() == "application/json");
    if !json {
        return Err(err(
            &id,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "expected content-type application/json".into(),
        ));
    }
    let invalid = |message: String| err(&id, StatusCode::BAD_REQUEST, "InvalidBody", message);
    let new: NewBookIn =
        serde_json::from_slice(&body).map_err(|e| invalid(format!("invalid request body: {e}")))?;
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
    let title = BookTitle::try_from(new.title).map_err(|e| internal(&id, e))?;
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
        let mut store = app.store.lock().map_err(|e| internal(&id, e))?;
        store.put(&book).map_err(|e| internal(&id, e))?;
    }
    let location = format!("/books/{}", book.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(book),
    )
        .into_response())
}

fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The scan parameters a page token carries.
#[derive(Serialize, Deserialize, PartialEq)]
struct ScanParams {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    sort_by: Option<BookSortMode>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    genre: Option<Genre>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    tag: Option<Vec<String>>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    v: u8,
    op: String,
    scan: serde_json::Value,
    marker: serde_json::Value,
}

fn encode_token(scan: &ScanParams, marker: &BookMarker) -> String {
    let envelope = Envelope {
        v: 2,
        op: "listBooks".into(),
        scan: serde_json::to_value(scan).unwrap_or_default(),
        marker: serde_json::to_value(marker).unwrap_or_default(),
    };
    let mut bytes = serde_json::to_vec(&envelope).unwrap_or_default();
    let checksum = crc32fast::hash(&bytes).to_be_bytes();
    bytes.extend_from_slice(&checksum);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_token(token: &str) -> Option<(ScanParams, BookMarker)> {
    if token.len() > 4096 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let (json, checksum) = bytes.split_at(bytes.len().checked_sub(4)?);
    if crc32fast::hash(json).to_be_bytes() != *checksum {
        return None;
    }
    let envelope: Envelope = serde_json::from_slice(json).ok()?;
    if envelope.v != 2 || envelope.op != "listBooks" {
        return None;
    }
    Some((
        serde_json::from_value(envelope.scan).ok()?,
        serde_json::from_value(envelope.marker).ok()?,
    ))
}

#[derive(Serialize)]
struct BooksPage {
    items: Vec<Book>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page: Option<String>,
}

async fn list_books(
    State(app): State<App>,
    axum::Extension(id): axum::Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let bad = |name: &str, why: String| {
        err(
            &id,
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("invalid value for query parameter {name:?}: {why}"),
        )
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|e| bad("", e.to_string()))?;
    let mut limit: u32 = 100;
    let mut token = None;
    let mut scan = ScanParams {
        sort_by: None,
        genre: None,
        tag: None,
    };
    for (name, value) in pairs {
        match name.as_str() {
            "limit" => {
                let n: u32 = value.parse().map_err(|e| bad("limit", format!("{e}")))?;
                if n < 1 {
                    return Err(bad("limit", "must be at least 1".into()));
                }
                limit = n.min(10_000);
            }
            "page_token" => token = Some(value),
            "sort_by" => {
                scan.sort_by = Some(
                    serde_json::from_value(serde_json::Value::String(value))
                        .map_err(|e| bad("sort_by", e.to_string()))?,
                )
            }
            "genre" => scan.genre = Some(genre(&value).ok_or_else(|| bad("genre", value.clone()))?),
            "tag" => {
                let tags = scan.tag.get_or_insert_with(Vec::new);
                tags.push(value);
                if tags.len() > 16 {
                    return Err(bad("tag", "more than 16 items".into()));
                }
            }
            _ => {}
        }
    }
    let marker = match token {
        Some(token) => {
            let (first, marker) = decode_token(&token)
                .ok_or_else(|| bad("page_token", "invalid page token".into()))?;
            scan = first;
            Some(marker)
        }
        None => None,
    };
    let books = {
        let store = app.store.lock().map_err(|e| internal(&id, e))?;
        store
            .page(&store::Scan {
                sort: scan.sort_by.unwrap_or(BookSortMode::TitleAscending),
                genre: scan.genre,
                tags: scan.tag.as_deref().unwrap_or_default(),
                after: marker.as_ref(),
                limit,
            })
            .map_err(|e| internal(&id, e))?
    };
    let next_page = match books.last() {
        Some(last) if books.len() >= limit as usize => Some(encode_token(
            &scan,
            &BookMarker {
                title: last.title.to_string(),
                id: last.id,
            },
        )),
        _ => None,
    };
    Ok(Json(BooksPage {
        items: books,
        next_page,
    })
    .into_response())
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .json()
        .with_current_span(true)
        .init();
    let mut store = open_store(&store_name)?;
    store.fill_demo(demo_items)?;
    let app: App = Arc::new(Shelf {
        store: Mutex::new(store),
        tokens,
    });
    let router = Router::new()
        .route("/books", get(list_books).post(create_book))
        .route("/books/{book_id}", get(get_book))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(%bind, "listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
