//! Streams of typed items over real HTTP (`specs/events.yaml`): Server-Sent Events read
//! by an SSE client crate as a browser reads them, each event arriving before the next is
//! produced, keep-alive comments on an idle stream, a reconnect with `Last-Event-ID`
//! resuming after the last event seen, a client that goes away ending the handler's
//! stream; JSON Lines and json-seq, a JSON Lines request read item by item (a bad item
//! a 400 naming it); one operation answering JSON or a stream; and the
//! generated client and mock reading the same streams back into their types.

mod support;

use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use specfirst_fixture_buildrs::events as api;
use specfirst_runtime::{Event, EventStream, HttpError, ItemStream, RequestContext};
use tokio::sync::{broadcast, Notify};
use tokio::time::timeout;

use api::types::{Book, Change, ChangeKind, Chunk, Completion, ShelfActivityOkItem, Tick};

/// How long a test waits for what should come at once before it fails.
const PATIENCE: Duration = Duration::from_secs(10);

/// A shelf whose changes are a log (event id `n` is the `n`th change) and a feed of new
/// ones to the streams watching it.
struct Shelf {
    log: Mutex<Vec<Change>>,
    live: broadcast::Sender<(usize, Change)>,
    /// Told each time a watching handler notices its client went away.
    gone: Arc<Notify>,
    /// The books imported, in the order they arrived.
    imported: Mutex<Vec<Book>>,
    /// How many days the loan in the shelf's activity lasts.
    lent_days: AtomicU64,
}

impl Shelf {
    fn new(changes: usize) -> Arc<Self> {
        let log = (1..=changes)
            .map(|n| change(&format!("isbn-{n}")))
            .collect();
        Arc::new(Self {
            log: Mutex::new(log),
            live: broadcast::channel(16).0,
            gone: Arc::new(Notify::new()),
            imported: Mutex::new(Vec::new()),
            lent_days: AtomicU64::new(14),
        })
    }

    /// Adds `change` to the log and sends it to every watcher.
    fn publish(&self, change: Change) {
        let mut log = self.log.lock().expect("not poisoned");
        log.push(change.clone());
        let _ = self.live.send((log.len(), change));
    }
}

fn change(isbn: &str) -> Change {
    Change {
        kind: ChangeKind::Created,
        isbn: isbn.to_owned(),
        title: Some(format!("Title of {isbn}")),
    }
}

fn book(n: u64) -> Book {
    Book {
        isbn: format!("isbn-{n}"),
        title: format!("Book {n}").try_into().expect("a title"),
    }
}

impl api::EventsApi for Shelf {
    async fn watch_changes(
        &self,
        ctx: RequestContext,
        request: api::WatchChangesRequest,
    ) -> Result<api::WatchChangesResponse, HttpError> {
        let after = match ctx.last_event_id() {
            None => 0,
            Some(id) => id.parse::<usize>().map_err(|_| {
                HttpError::for_bad_request(
                    Some("BadEventId".into()),
                    format!("no event has the id {id:?}"),
                )
            })?,
        };
        // Subscribed before the log is read, so no change falls between the two.
        let mut live = self.live.subscribe();
        let missed: Vec<(usize, Change)> = {
            let log = self.log.lock().expect("not poisoned");
            log.iter()
                .cloned()
                .enumerate()
                .map(|(i, c)| (i + 1, c))
                .skip(after)
                .collect()
        };
        let (sender, body) = EventStream::channel(4);
        let gone = Arc::clone(&self.gone);
        tokio::spawn(async move {
            let event = |(id, change): (usize, Change)| {
                Event::new(change)
                    .with_id(id.to_string())
                    .with_event("change")
            };
            for entry in missed {
                if sender.send(event(entry)).await.is_err() {
                    gone.notify_one();
                    return;
                }
            }
            loop {
                tokio::select! {
                    entry = live.recv() => {
                        let Ok(entry) = entry else { return };
                        if sender.send(event(entry)).await.is_err() {
                            gone.notify_one();
                            return;
                        }
                    }
                    () = sender.closed() => {
                        gone.notify_one();
                        return;
                    }
                }
            }
        });
        let body = match request.idle {
            Some(idle) => body.keep_alive(Duration::from_millis(idle.unsigned_abs())),
            None => body,
        };
        Ok(api::WatchChangesResponse::Ok { body })
    }

    async fn shelf_activity(
        &self,
        _ctx: RequestContext,
        _request: api::ShelfActivityRequest,
    ) -> Result<api::ShelfActivityResponse, HttpError> {
        let activity = [
            ShelfActivityOkItem::Shelved(book(1)),
            ShelfActivityOkItem::Lent {
                isbn: "isbn-1".to_owned(),
                to: "Ada".to_owned(),
                days: NonZeroU64::new(self.lent_days.load(Ordering::Relaxed))
                    .unwrap_or(NonZeroU64::MIN),
            },
            ShelfActivityOkItem::BookRemoved("isbn-1".to_owned()),
        ];
        let events = activity
            .into_iter()
            .zip(1..)
            .map(|(kind, id)| Event::new(kind).with_id(id.to_string()));
        Ok(api::ShelfActivityResponse::Ok {
            body: EventStream::from_events(events),
        })
    }

    async fn tick(
        &self,
        _ctx: RequestContext,
        request: api::TickRequest,
    ) -> Result<api::TickResponse, HttpError> {
        let ticks = (1..=request.count).map(|n| {
            Event::new(tick(n))
                .with_event("tick")
                .with_id(n.to_string())
        });
        Ok(api::TickResponse::Ok {
            body: EventStream::from_events(ticks),
        })
    }

    async fn export_books(
        &self,
        _ctx: RequestContext,
        request: api::ExportBooksRequest,
    ) -> Result<api::ExportBooksResponse, HttpError> {
        // Made as they are sent: the export never holds the whole list.
        let books = futures_util::stream::iter((1..=request.count).map(book));
        Ok(api::ExportBooksResponse::Ok {
            body: ItemStream::new(books),
        })
    }

    async fn import_books(
        &self,
        _ctx: RequestContext,
        mut request: api::ImportBooksRequest,
    ) -> Result<api::ImportBooksResponse, HttpError> {
        let mut imported = 0;
        // Each book is stored as it arrives; a bad one ends the import with its error.
        while let Some(book) = request.body.next_item().await {
            let book = book?;
            self.imported.lock().expect("not poisoned").push(book);
            imported += 1;
        }
        Ok(api::ImportBooksResponse::Ok {
            body: api::types::ImportBooksOkBody { imported },
        })
    }

    async fn export_titles(
        &self,
        _ctx: RequestContext,
        _request: api::ExportTitlesRequest,
    ) -> Result<api::ExportTitlesResponse, HttpError> {
        let log = self.log.lock().expect("not poisoned").clone();
        let titles = log
            .into_iter()
            .map(|change| api::types::ExportTitlesOkItem {
                title: change.title.unwrap_or_default(),
            });
        Ok(api::ExportTitlesResponse::Ok {
            body: ItemStream::from_items(titles),
        })
    }

    async fn complete(
        &self,
        ctx: RequestContext,
        request: api::CompleteRequest,
    ) -> Result<api::CompleteResponse, HttpError> {
        let words: Vec<String> = request
            .body
            .prompt
            .split(' ')
            .map(str::to_uppercase)
            .collect();
        let media_types = api::CompleteResponseOkBody::MEDIA_TYPES;
        let body = if media_types.get(ctx.preferred_media_type(media_types).unwrap_or(0))
            == Some(&"text/event-stream")
        {
            let last = words.len();
            let chunks = words.into_iter().enumerate().map(move |(i, word)| {
                Event::new(Chunk {
                    delta: word,
                    done: Some(i + 1 == last),
                })
            });
            api::CompleteResponseOkBody::TextEventStream(EventStream::from_events(chunks))
        } else {
            api::CompleteResponseOkBody::ApplicationJson(Completion {
                text: words.join(" "),
            })
        };
        Ok(api::CompleteResponse::Ok { body })
    }
}

/// `shelf` served on 127.0.0.1.
async fn serve(shelf: &Arc<Shelf>) -> support::Server {
    support::start(api::router(Arc::clone(shelf))).await
}

/// The events of the response to `GET path` (sending `Last-Event-ID` when given), as
/// an SSE client reads them.
async fn watch(
    http: &support::Server,
    path: &str,
    last_event_id: Option<&str>,
) -> impl futures_util::Stream<Item = eventsource_stream::Event> + Unpin {
    let mut request = http.get(path);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    response
        .bytes_stream()
        .eventsource()
        .map(|event| event.expect("a well-formed event"))
}

/// The next event, which must come within [`PATIENCE`].
async fn next(
    events: &mut (impl futures_util::Stream<Item = eventsource_stream::Event> + Unpin),
) -> eventsource_stream::Event {
    timeout(PATIENCE, events.next())
        .await
        .expect("an event in time")
        .expect("the stream goes on")
}

/// A tick of `n`, which the spec says is at least 1.
fn tick(n: i64) -> Tick {
    let n = u64::try_from(n).ok().and_then(std::num::NonZeroU64::new);
    Tick {
        n: n.expect("a count from 1"),
    }
}

fn data(event: &eventsource_stream::Event) -> Change {
    serde_json::from_str(&event.data).expect("a change")
}

#[tokio::test]
async fn each_event_arrives_before_the_next_is_produced() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let mut events = watch(&http, "/changes", None).await;
    for n in 1..=3 {
        // The next change is published only once the last one has been read.
        shelf.publish(change(&format!("live-{n}")));
        let event = next(&mut events).await;
        assert_eq!(event.id, n.to_string());
        assert_eq!(event.event, "change");
        assert_eq!(data(&event).isbn, format!("live-{n}"));
    }
}

#[tokio::test]
async fn an_idle_stream_sends_keep_alive_comments() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let response = http.get("/changes?idle=50").send().await.expect("response");
    let mut chunks = response.bytes_stream();
    let mut seen = Vec::new();
    // Nothing changes, so all that comes is keep-alive comments: several in a second.
    let comments = timeout(PATIENCE, async {
        let mut comments = 0;
        while comments < 3 {
            let chunk = chunks
                .next()
                .await
                .expect("the stream goes on")
                .expect("a chunk");
            seen.extend_from_slice(&chunk);
            comments = seen
                .split(|b| *b == b'\n')
                .filter(|l| l.starts_with(b":"))
                .count();
        }
        comments
    })
    .await
    .expect("keep-alive comments in time");
    assert!(comments >= 3);
    assert!(
        !String::from_utf8_lossy(&seen).contains("data:"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_gets_exactly_the_missed_events() {
    let shelf = Shelf::new(5);
    let http = serve(&shelf).await;
    let mut first = watch(&http, "/changes", None).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(next(&mut first).await.id);
    }
    assert_eq!(seen, ["1", "2", "3"]);
    drop(first);

    let mut again = watch(&http, "/changes", Some("3")).await;
    assert_eq!(next(&mut again).await.id, "4");
    assert_eq!(data(&next(&mut again).await).isbn, "isbn-5");
    // Then the stream is live: a new change is the next event, nothing before it.
    shelf.publish(change("isbn-6"));
    let event = next(&mut again).await;
    assert_eq!(
        (event.id.as_str(), data(&event).isbn.as_str()),
        ("6", "isbn-6")
    );

    // An id the shelf never gave is the handler's 400, as JSON.
    let response = http
        .get("/changes")
        .header("last-event-id", "seven")
        .send()
        .await
        .expect("response");
    let (status, body) = support::error_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "BadEventId");
}

#[tokio::test]
async fn a_client_that_goes_away_ends_the_handlers_stream() {
    let shelf = Shelf::new(1);
    let http = serve(&shelf).await;
    // The server learns that the connection is gone when it next writes to it: here
    // a keep-alive comment, soon after.
    let mut events = watch(&http, "/changes?idle=50", None).await;
    assert_eq!(next(&mut events).await.id, "1");
    drop(events);
    timeout(PATIENCE, shelf.gone.notified())
        .await
        .expect("the handler notices the client is gone");
}

#[tokio::test]
async fn events_described_as_openapi_3_2_does_are_typed() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let events: Vec<_> = watch(&http, "/ticks?count=3", None).await.collect().await;
    let ticks: Vec<(String, String, u64)> = events
        .iter()
        .map(|e| {
            let tick: Tick = serde_json::from_str(&e.data).expect("a tick");
            (e.event.clone(), e.id.clone(), tick.n.get())
        })
        .collect();
    let expected: Vec<_> = (1..=3)
        .map(|n: u64| ("tick".to_owned(), n.to_string(), n))
        .collect();
    assert_eq!(ticks, expected);
}

#[tokio::test]
async fn events_told_apart_by_name_are_an_enum_of_their_kinds() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    // On the wire each kind is the event's name, its data the variant's value alone.
    let events: Vec<_> = watch(&http, "/shelf/activity", None).await.collect().await;
    let read: Vec<(&str, &str, serde_json::Value)> = events
        .iter()
        .map(|e| {
            let data = serde_json::from_str(&e.data).expect("JSON data");
            (e.event.as_str(), e.id.as_str(), data)
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "shelved",
                "1",
                serde_json::json!({"isbn": "isbn-1", "title": "Book 1"})
            ),
            (
                "lent",
                "2",
                serde_json::json!({"isbn": "isbn-1", "to": "Ada", "days": 14})
            ),
            ("book.removed", "3", serde_json::json!("isbn-1")),
        ]
    );

    // The client reads them back into the enum, in process and over HTTP.
    for client in [
        api::client::Client::in_process(api::router(Arc::clone(&shelf))),
        api::client::Client::http(&http.url("")),
    ] {
        let api::ShelfActivityResponse::Ok { body } = client
            .shelf_activity(api::ShelfActivityRequest::default())
            .await
            .expect("activity");
        let kinds: Vec<ShelfActivityOkItem> = body
            .map(|e| e.expect("a kind of event").data)
            .collect()
            .await;
        assert!(matches!(&kinds[0], ShelfActivityOkItem::Shelved(b) if b.isbn == "isbn-1"));
        assert!(matches!(&kinds[1], ShelfActivityOkItem::Lent { to, .. } if to == "Ada"));
        assert!(matches!(&kinds[2], ShelfActivityOkItem::BookRemoved(isbn) if isbn == "isbn-1"));
    }

    // The mock names its events too, taking the kinds in turn.
    let mock = api::client::Client::serving(api::mock::Mock::new());
    let api::ShelfActivityResponse::Ok { body } = mock
        .shelf_activity(api::ShelfActivityRequest::default())
        .await
        .expect("activity");
    let names: Vec<Option<String>> = body.map(|e| e.expect("a kind").event).collect().await;
    let expected = ["shelved", "lent", "book.removed"].map(|n| Some(n.to_owned()));
    assert_eq!(names, expected);
}

#[tokio::test]
async fn the_response_checks_read_named_events_by_their_names() {
    use specfirst_runtime::ResponseChecks;
    let shelf = Shelf::new(0);
    // A loan over the spec's 60 days, which the variant's Rust type does not hold back.
    shelf.lent_days.store(90, Ordering::Relaxed);
    let activity = |checks: ResponseChecks| {
        let router = api::router(Arc::clone(&shelf));
        async move {
            let (http, told) = support::start_observed(router, checks).await;
            let events: Vec<_> = watch(&http, "/shelf/activity", None).await.collect().await;
            let names: Vec<String> = events.into_iter().map(|e| e.event).collect();
            (names, support::last_violations(&told).await)
        }
    };
    // Reported, every event goes out and the observer hears of the loan, item 2, by
    // the name's data it breaks.
    let (names, violations) = activity(ResponseChecks::Report).await;
    assert_eq!(names, ["shelved", "lent", "book.removed"]);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].starts_with("item 2: "), "{violations:?}");
    assert!(violations[0].contains("/lent/days"), "{violations:?}");
    // Strict, the stream ends before the loan is whole.
    let (names, violations) = activity(ResponseChecks::Strict).await;
    assert_eq!(names, ["shelved"]);
    assert!(violations[0].starts_with("item 2: "), "{violations:?}");
}

#[tokio::test]
async fn json_lines_stream_every_item() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let response = http
        .get("/books.jsonl?count=100000")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    // Read as it comes, a line at a time, never the whole export.
    let mut chunks = response.bytes_stream();
    let (mut count, mut partial, mut last) = (0i64, Vec::new(), None);
    while let Some(chunk) = chunks.next().await {
        partial.extend_from_slice(&chunk.expect("a chunk"));
        while let Some(end) = partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = partial.drain(..=end).collect();
            let book: Book = serde_json::from_slice(&line).expect("a book per line");
            count += 1;
            assert_eq!(book.isbn, format!("isbn-{count}"));
            last = Some(String::clone(&book.title));
        }
    }
    assert!(partial.is_empty(), "a line without its end");
    assert_eq!(count, 100_000);
    assert_eq!(last.as_deref(), Some("Book 100000"));
}

#[tokio::test]
async fn json_seq_records_start_with_the_separator() {
    let shelf = Shelf::new(2);
    let http = serve(&shelf).await;
    let response = http.get("/books.seq").send().await.expect("response");
    assert_eq!(response.headers()["content-type"], "application/json-seq");
    let body = response.bytes().await.expect("body");
    assert_eq!(
        &body[..],
        b"\x1e{\"title\":\"Title of isbn-1\"}\n\x1e{\"title\":\"Title of isbn-2\"}\n"
    );
}

#[tokio::test]
async fn one_operation_answers_json_or_a_stream_as_accept_asks() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let prompt = serde_json::json!({"prompt": "to be or not"});
    let whole = http
        .post("/completions")
        .json(&prompt)
        .send()
        .await
        .expect("response");
    assert_eq!(whole.headers()["content-type"], "application/json");
    let whole: Completion = whole.json().await.expect("a completion");
    assert_eq!(whole.text, "TO BE OR NOT");

    let streamed = http
        .post("/completions")
        .header("accept", "text/event-stream")
        .json(&prompt)
        .send()
        .await
        .expect("response");
    let chunks: Vec<Chunk> = streamed
        .bytes_stream()
        .eventsource()
        .map(|event| serde_json::from_str(&event.expect("an event").data).expect("a chunk"))
        .collect()
        .await;
    let deltas: Vec<&str> = chunks.iter().map(|c| c.delta.as_str()).collect();
    assert_eq!(deltas, ["TO", "BE", "OR", "NOT"]);
    assert_eq!(chunks.last().and_then(|c| c.done), Some(true));
}

#[tokio::test]
async fn the_client_reads_streams_into_their_types() {
    let shelf = Shelf::new(3);
    let http = serve(&shelf).await;
    let router = api::router(Arc::clone(&shelf));
    for client in [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ] {
        let api::TickResponse::Ok { body } =
            client.tick(api::TickRequest::new(2)).await.expect("ticks");
        let ticks: Vec<Event<Tick>> = body.map(|e| e.expect("a tick")).collect().await;
        let read: Vec<_> = ticks
            .iter()
            .map(|e| (e.event.as_deref(), e.id.as_deref(), e.data.n.get()))
            .collect();
        assert_eq!(
            read,
            [(Some("tick"), Some("1"), 1), (Some("tick"), Some("2"), 2)]
        );
        let api::ExportBooksResponse::Ok { body } = client
            .export_books(api::ExportBooksRequest::new(3))
            .await
            .expect("books");
        let books: Vec<Book> = body.map(|b| b.expect("a book")).collect().await;
        let isbns: Vec<_> = books.iter().map(|b| b.isbn.as_str()).collect();
        assert_eq!(isbns, ["isbn-1", "isbn-2", "isbn-3"]);
        let api::ExportTitlesResponse::Ok { body } = client
            .export_titles(api::ExportTitlesRequest {})
            .await
            .expect("titles");
        assert_eq!(body.count().await, 3);
    }
}

#[tokio::test]
async fn the_mock_streams_items_made_from_the_item_schema() {
    let mock = Arc::new(api::mock::Mock::new());
    let http = support::start(api::router(Arc::clone(&mock))).await;
    let client = api::client::Client::in_process(api::router(mock));
    let api::WatchChangesResponse::Ok { body } = client
        .watch_changes(api::WatchChangesRequest::default())
        .await
        .expect("changes");
    let changes: Vec<Event<Change>> = body.map(|e| e.expect("a change")).collect().await;
    assert_eq!(changes.len(), 3);
    let ids: Vec<_> = changes.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, [Some("1".into()), Some("2".into()), Some("3".into())]);

    // Over HTTP, as an SSE client reads it.
    let events: Vec<_> = watch(&http, "/ticks?count=1", None).await.collect().await;
    assert_eq!(events.len(), 3);
    for event in events {
        // Each one's data is a tick, as the item schema makes them.
        serde_json::from_str::<Tick>(&event.data).expect("a tick");
    }
}

#[tokio::test]
async fn the_mock_checks_every_item_of_a_streamed_body() {
    let http = support::start(api::router(Arc::new(api::mock::Mock::new()))).await;
    let import = |body: &'static str| {
        http.post("/imports")
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
    };
    // Answering from the spec needs no item, yet each is read and checked, as the
    // server reads them: item 2 has no title.
    let (status, body) = support::error_of(
        import("{\"isbn\":\"1\",\"title\":\"A\"}\n{\"isbn\":\"2\"}\n")
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
    let response = import("{\"isbn\":\"1\",\"title\":\"A\"}\n")
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
}

/// The titles of the books `shelf` imported.
fn imported(shelf: &Shelf) -> Vec<String> {
    let imported = shelf.imported.lock().expect("not poisoned");
    imported
        .iter()
        .map(|book| String::clone(&book.title))
        .collect()
}

#[tokio::test]
async fn a_json_lines_import_is_read_item_by_item() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let import = |body: &'static str| {
        http.post("/imports")
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
    };
    // Blank lines are no items, and the last line needs no line feed.
    let response = import(
        "{\"isbn\":\"1\",\"title\":\"One\"}\n\n{\"isbn\":\"2\",\"title\":\"Two\"}\r\n{\"isbn\":\"3\",\"title\":\"Three\"}",
    )
    .await
    .expect("response");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["imported"], 3);
    assert_eq!(imported(&shelf), ["One", "Two", "Three"]);

    // Item 4 breaks the item schema (an empty title): a 400 naming it, and nothing
    // after it is read.
    shelf.imported.lock().expect("not poisoned").clear();
    let response = import(concat!(
        "{\"isbn\":\"1\",\"title\":\"A\"}\n",
        "{\"isbn\":\"2\",\"title\":\"B\"}\n",
        "{\"isbn\":\"3\",\"title\":\"C\"}\n",
        "{\"isbn\":\"4\",\"title\":\"\"}\n",
        "{\"isbn\":\"5\",\"title\":\"E\"}\n",
    ))
    .await
    .expect("response");
    let (status, body) = support::error_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "InvalidItem");
    let message = body["message"].as_str().expect("a message");
    assert!(message.starts_with("item 4: "), "{message}");
    assert!(message.contains("/title"), "{message}");
    assert_eq!(imported(&shelf), ["A", "B", "C"]);

    // Text that is not JSON is named by its item too.
    let response = import("{\"isbn\":\"1\",\"title\":\"A\"}\n{oops}\n")
        .await
        .expect("response");
    let (status, body) = support::error_of(response).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .starts_with("item 2: "),
        "{body}"
    );

    // Another media type is refused before the handler runs, and so is a body over the
    // operation's limit.
    let response = http
        .post("/imports")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("response");
    assert_eq!(support::error_of(response).await.0, 415);
    let large = "{\"isbn\":\"1\",\"title\":\"A\"}\n".repeat(200);
    let response = http
        .post("/imports")
        .header("content-type", "application/jsonl")
        .body(large)
        .send()
        .await
        .expect("response");
    assert_eq!(support::error_of(response).await.0, 413);
}

#[tokio::test]
async fn the_client_sends_items_as_they_come() {
    let shelf = Shelf::new(0);
    let http = serve(&shelf).await;
    let router = api::router(Arc::clone(&shelf));
    for client in [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ] {
        let (sender, body) = ItemStream::channel(1);
        tokio::spawn(async move {
            for n in 1..=3 {
                sender.send(book(n)).await.expect("the import reads on");
            }
        });
        let api::ImportBooksResponse::Ok { body } = client
            .import_books(api::ImportBooksRequest::new(body))
            .await
            .expect("an import");
        assert_eq!(body.imported, 3);
    }
    assert_eq!(
        imported(&shelf),
        ["Book 1", "Book 2", "Book 3", "Book 1", "Book 2", "Book 3"]
    );
}
