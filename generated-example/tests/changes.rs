//! The change feed (`GET /books/changes`), the JSON Lines export (`GET /books/export`)
//! and import (`POST /books/import`) of the example, over a real socket: events read
//! with an SSE client crate as they happen, resumed with `Last-Event-ID` (from the log
//! SQLite keeps, across a restart too), every book exported a batch at a time, and an
//! import kept whole or not at all.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use bookshelf_api::client::Client;
use bookshelf_api::types::{Book, BookChange, NewBook};
use bookshelf_api::{
    ExportBooksRequest, ExportBooksResponse, ImportBooksRequest, ImportBooksResponse,
    WatchChangesRequest, WatchChangesResponse,
};
use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use generated_example::Bookshelf;
use serde_json::{json, Value};
use specfirst_runtime::{ItemStream, ResponseChecks, ServerConfig};

const API_TOKEN: &str = "changes-test-token";

/// How long a test waits for an event that should come at once.
const PATIENCE: Duration = Duration::from_secs(10);

async fn serve(shelf: Bookshelf) -> support::Server {
    let config = ServerConfig {
        response_checks: ResponseChecks::Strict,
        ..ServerConfig::default()
    };
    let app = generated_example::app(Arc::new(shelf.with_api_token(API_TOKEN)));
    support::start_with(app, config).await
}

/// The change feed as an SSE client reads it, resumed after `last_event_id` when given.
async fn watch(
    http: &support::Server,
    last_event_id: Option<&str>,
) -> impl Stream<Item = eventsource_stream::Event> + Unpin {
    let mut request = http.get("/books/changes");
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response
        .bytes_stream()
        .eventsource()
        .map(|event| event.expect("a well-formed event"))
}

/// The next event's name, id and data, which must come within [`PATIENCE`].
async fn next(
    events: &mut (impl Stream<Item = eventsource_stream::Event> + Unpin),
) -> (String, String, Value) {
    let event = tokio::time::timeout(PATIENCE, events.next())
        .await
        .expect("an event in time")
        .expect("the feed goes on");
    let data = serde_json::from_str(&event.data).expect("JSON data");
    (event.event, event.id, data)
}

fn dune() -> Value {
    json!({"title": "Dune", "author": "Frank Herbert", "genre": "fiction"})
}

async fn create(http: &support::Server, book: &Value) -> Value {
    let response = http
        .post("/books")
        .bearer_auth(API_TOKEN)
        .json(book)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 201);
    response.json().await.expect("a book")
}

#[tokio::test]
async fn each_change_arrives_as_it_happens_and_a_reconnect_gets_what_it_missed() {
    let http = serve(Bookshelf::new()).await;
    let mut feed = watch(&http, None).await;

    // Each change is made only once the last one's event has been read.
    let created = create(&http, &dune()).await;
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        next(&mut feed).await,
        ("created".into(), "1".into(), created)
    );

    let replaced = http
        .put(&format!("/books/{id}"))
        .bearer_auth(API_TOKEN)
        .json(&json!({"title": "Dune Messiah", "author": "Frank Herbert", "genre": "fiction"}))
        .send()
        .await
        .expect("response");
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.expect("a book");
    assert_eq!(
        next(&mut feed).await,
        ("replaced".into(), "2".into(), replaced)
    );

    let deleted = http
        .delete(&format!("/books/{id}"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .expect("response");
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        next(&mut feed).await,
        ("deleted".into(), "3".into(), json!({"id": id}))
    );

    // A client that saw change 1 gets exactly 2 and 3, then the live 4.
    let mut resumed = watch(&http, Some("1")).await;
    assert_eq!(next(&mut resumed).await.1, "2");
    assert_eq!(next(&mut resumed).await.1, "3");
    // A client without `Last-Event-ID` gets changes from now on only.
    let mut fresh = watch(&http, None).await;
    create(&http, &dune()).await;
    assert_eq!(next(&mut resumed).await.1, "4");
    assert_eq!(next(&mut fresh).await.1, "4");
    assert_eq!(next(&mut feed).await.1, "4");

    // `Last-Event-ID` is the spec's integer: anything else is refused.
    let (status, body) = support::error_of(
        http.get("/books/changes")
            .header("last-event-id", "x")
            .send()
            .await
            .expect("response"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn the_log_is_kept_in_sqlite_across_a_restart() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("shelf.db");
    let http = serve(Bookshelf::open(Some(&path)).expect("opens")).await;
    create(&http, &dune()).await;
    create(&http, &dune()).await;
    http.stop().await;

    let http = serve(Bookshelf::open(Some(&path)).expect("opens again")).await;
    let mut feed = watch(&http, Some("0")).await;
    assert_eq!(next(&mut feed).await.1, "1");
    assert_eq!(next(&mut feed).await.1, "2");
    create(&http, &dune()).await;
    assert_eq!(next(&mut feed).await.1, "3");
}

#[tokio::test]
async fn the_export_streams_every_book_in_id_order() {
    let shelf = Bookshelf::new();
    // More than one batch of the store.
    shelf.fill_demo(250).expect("demo books");
    let http = serve(shelf).await;
    let response = http.get("/books/export").send().await.expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.expect("a body");
    let books: Vec<Book> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("a book per line"))
        .collect();
    assert_eq!(books.len(), 250);
    assert!(
        books.windows(2).all(|pair| pair[0].id < pair[1].id),
        "in id order, each once"
    );
}

/// A JSON Lines body of `books`.
fn lines(books: &[Value]) -> String {
    books.iter().map(|book| format!("{book}\n")).collect()
}

async fn count(http: &support::Server) -> usize {
    let page: Value = http
        .get("/books?limit=1000")
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("a page");
    page["items"].as_array().expect("items").len()
}

#[tokio::test]
async fn an_import_is_kept_whole_or_not_at_all() {
    let http = serve(Bookshelf::new()).await;
    let import = |body: String| {
        http.post("/books/import")
            .bearer_auth(API_TOKEN)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
    };
    let good: Vec<Value> = (1..=3)
        .map(|n| json!({"title": format!("Volume {n}"), "author": "A", "genre": "poetry"}))
        .collect();
    let response = import(lines(&good)).await.expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("JSON"),
        json!({"imported": 3})
    );
    assert_eq!(count(&http).await, 3);

    // Line 4 breaks the schema (no author): a 400 naming it, and none of the five kept.
    let mut bad = good.clone();
    bad.push(json!({"title": "No author", "genre": "poetry"}));
    bad.push(good[0].clone());
    let (status, body) = support::error_of(import(lines(&bad)).await.expect("response")).await;
    assert_eq!(status, 400, "{body}");
    let message = body["message"].as_str().expect("a message");
    assert!(message.starts_with("item 4: "), "{message}");
    assert!(message.contains("author"), "{message}");
    assert_eq!(count(&http).await, 3);

    // A line that is no JSON is named too.
    let (status, body) = support::error_of(
        import(format!("{}{{oops\n", lines(&good[..1])))
            .await
            .expect("response"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .starts_with("item 2: "),
        "{body}"
    );
    assert_eq!(count(&http).await, 3);

    // Importing takes a token.
    let response = http
        .post("/books/import")
        .header("content-type", "application/x-ndjson")
        .body(lines(&good))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_typed_client_imports_and_exports_items() {
    let shelf = Arc::new(Bookshelf::new().with_api_token(API_TOKEN));
    let client = Client::in_process(generated_example::app(shelf)).with_credential(
        "bearerAuth",
        bookshelf_api::client::Credential::Bearer(API_TOKEN.to_owned()),
    );
    let books: Vec<NewBook> = (1..=4)
        .map(|n| {
            serde_json::from_value(
                json!({"title": format!("T{n}"), "author": "A", "genre": "history"}),
            )
            .expect("a new book")
        })
        .collect();
    let ImportBooksResponse::Ok { body } = client
        .import_books(ImportBooksRequest::new(ItemStream::from_items(books)))
        .await
        .expect("imported")
    else {
        panic!("not imported");
    };
    assert_eq!(body.imported, 4);
    let ExportBooksResponse::Ok { body } = client
        .export_books(ExportBooksRequest {})
        .await
        .expect("exported")
    else {
        panic!("not exported");
    };
    let titles: Vec<String> = body
        .map(|book| book.expect("a book").title.to_string())
        .collect::<Vec<_>>()
        .await;
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(sorted, ["T1", "T2", "T3", "T4"]);
}

#[tokio::test]
async fn the_typed_client_follows_the_feed_as_it_happens() {
    let shelf = Arc::new(Bookshelf::new().with_api_token(API_TOKEN));
    let http = support::start(generated_example::app(Arc::clone(&shelf))).await;
    let in_process = Client::in_process(generated_example::app(Arc::clone(&shelf)));
    // The feed never ends: each client reads its events as they arrive.
    let mut feeds = Vec::new();
    for client in [Client::http(&http.url("")), in_process] {
        let WatchChangesResponse::Ok { body } = client
            .watch_changes(WatchChangesRequest::default())
            .await
            .expect("the feed")
        else {
            panic!("no feed");
        };
        feeds.push(body);
    }
    for n in 1..=2 {
        let created = create(&http, &dune()).await;
        for feed in &mut feeds {
            let event = tokio::time::timeout(PATIENCE, feed.next_event())
                .await
                .expect("an event in time")
                .expect("the feed goes on")
                .expect("a change");
            assert_eq!(event.id, Some(n.to_string()));
            assert_eq!(event.event.as_deref(), Some("created"));
            let BookChange::Created(book) = event.data else {
                panic!("not a creation: {:?}", event.data);
            };
            assert_eq!(json!(book), created);
        }
    }
}
