//! The in-memory store against the SQLite one: the same books give the same answers (every
//! sort mode, filter, marker and limit, before and after changes), and the example server
//! on the in-memory store over real HTTP.
//!
//! The benchmark compares servers on both stores, so a difference between the stores
//! would show up as a framework's cost, or hide one.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use bookshelf_api::types::{Book, BookSortMode, BookTitle, Genre};
use chrono::TimeZone as _;
use generated_example::store::{Scan, Store, StoreError, GENRES};
use generated_example::{BookMarker, Bookshelf};
use reqwest::header::LOCATION;
use reqwest::StatusCode;
use serde_json::{json, Value};
use specfirst_runtime::Nullable;
use uuid::Uuid;

const SORTS: [BookSortMode; 4] = [
    BookSortMode::TitleAscending,
    BookSortMode::TitleDescending,
    BookSortMode::IdAscending,
    BookSortMode::IdDescending,
];

/// Titles that order differently by bytes, by case and by length, and that repeat, so
/// ties between titles are broken by id.
const TITLES: [&str; 12] = [
    "Dune",
    "dune",
    "Dune Messiah",
    "Émile",
    "Zebra",
    "a",
    "Ä",
    "Dune",
    "10 Things",
    "9 Lives",
    "  spaced",
    "🙂 smile",
];

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A random id: every byte varies, so id order is tested in every position.
    fn id(&mut self) -> Uuid {
        Uuid::from_u128((u128::from(self.next()) << 64) | u128::from(self.next()))
    }
}

/// Book `n` of a shelf: titles, genres, tags and years from `rng`, including the shapes
/// SQLite gives back differently from how they were put (`null` year, empty tag list,
/// nanosecond times).
fn book(rng: &mut Rng, id: Uuid, n: usize) -> Book {
    let tags = match rng.below(5) {
        0 => None,
        1 => Some(Vec::new()),
        2 => Some(vec!["red".to_owned()]),
        3 => Some(vec!["red".to_owned(), "blue".to_owned()]),
        _ => Some(vec!["blue".to_owned(), format!("t{}", n % 3)]),
    };
    let published_year = match rng.below(3) {
        0 => Nullable::Absent,
        1 => Nullable::Null,
        _ => Nullable::Value(1800 + rng.below(200) as i32),
    };
    let title = format!(
        "{}{}",
        TITLES[rng.below(TITLES.len())],
        ["", " 2"][rng.below(2)]
    );
    Book {
        id,
        title: BookTitle::try_from(title).expect("a valid title"),
        author: format!("Author {}", rng.below(4)),
        genre: GENRES[rng.below(GENRES.len())],
        tags,
        published_year,
        added_at: chrono::Utc
            .timestamp_opt(1_700_000_000 + n as i64, 123_456_789)
            .single()
            .expect("a valid time"),
    }
}

fn json_of(books: &[Book]) -> Value {
    serde_json::to_value(books).expect("books serialise")
}

/// Both stores, with the same books put in the same order.
struct Pair {
    sqlite: Store,
    memory: Store,
}

impl Pair {
    fn new() -> Self {
        Pair {
            sqlite: Store::sqlite(None).expect("in-memory SQLite opens"),
            memory: Store::memory(),
        }
    }

    fn put(&mut self, book: &Book) {
        self.sqlite.put(book).expect("put in SQLite");
        self.memory.put(book).expect("put in memory");
    }

    fn delete(&mut self, id: Uuid) -> bool {
        let in_sqlite = self.sqlite.delete(id).expect("delete in SQLite");
        assert_eq!(self.memory.delete(id).expect("delete in memory"), in_sqlite);
        in_sqlite
    }

    fn get(&self, id: Uuid) -> Value {
        let in_sqlite = self.sqlite.get(id).expect("get from SQLite");
        let in_memory = self.memory.get(id).expect("get from memory");
        let (in_sqlite, in_memory) = (json!(in_sqlite), json!(in_memory));
        assert_eq!(in_memory, in_sqlite, "book {id}");
        in_sqlite
    }

    /// The whole change log of both stores, checked equal, read in batches of `batch`.
    fn changes(&self, batch: u32) -> Vec<Value> {
        let read = |store: &Store| {
            let mut all = Vec::new();
            let mut after = 0;
            loop {
                let changes = store.changes_after(after, batch).expect("changes");
                let Some(&(last, _)) = changes.last() else {
                    break;
                };
                assert!(changes.len() <= batch as usize);
                for (n, (number, change)) in changes.into_iter().enumerate() {
                    assert_eq!(number, after + 1 + n as u64, "numbered from 1, in order");
                    all.push(json!(change));
                }
                after = last;
            }
            assert_eq!(store.last_change().expect("last change"), after);
            all
        };
        let in_sqlite = read(&self.sqlite);
        assert_eq!(read(&self.memory), in_sqlite);
        in_sqlite
    }

    /// The page of `scan` from both stores, checked equal.
    fn page(&self, scan: &Scan<'_>) -> Vec<Book> {
        let in_sqlite = self.sqlite.page(scan).expect("page from SQLite");
        let in_memory = self.memory.page(scan).expect("page from memory");
        assert_eq!(
            json_of(&in_memory),
            json_of(&in_sqlite),
            "sort {:?}, genre {:?}, tags {:?}, after {:?}, limit {}",
            scan.sort,
            scan.genre,
            scan.tags,
            scan.after,
            scan.limit
        );
        in_sqlite
    }

    /// Every scan, page by page to the end, with both stores checked equal on each page;
    /// also scans that start after markers of books that are not on the shelf.
    fn check_scans(&self, rng: &mut Rng) {
        let tag_sets: [&[String]; 4] = [
            &[],
            &["red".to_owned()],
            &["red".to_owned(), "blue".to_owned()],
            &["t1".to_owned()],
        ];
        for sort in SORTS {
            for genre in [None, Some(Genre::Poetry), Some(Genre::History)] {
                for tags in tag_sets {
                    for limit in [1, 7, 10_000] {
                        let mut marker: Option<BookMarker> = None;
                        let mut seen = 0;
                        loop {
                            let page = self.page(&Scan {
                                sort,
                                genre,
                                tags,
                                after: marker.as_ref(),
                                limit,
                            });
                            seen += page.len();
                            match page.last() {
                                Some(last) if page.len() == limit as usize => {
                                    marker = Some(BookMarker {
                                        title: last.title.to_string(),
                                        id: last.id,
                                    });
                                }
                                _ => break,
                            }
                        }
                        if genre.is_none() && tags.is_empty() {
                            assert_eq!(seen, self.count(), "a full scan sees every book");
                        }
                        let title = TITLES[rng.below(TITLES.len())].to_owned();
                        let stranger = BookMarker {
                            title,
                            id: rng.id(),
                        };
                        self.page(&Scan {
                            sort,
                            genre,
                            tags,
                            after: Some(&stranger),
                            limit,
                        });
                    }
                }
            }
        }
    }

    fn count(&self) -> usize {
        self.page(&Scan {
            sort: BookSortMode::IdAscending,
            genre: None,
            tags: &[],
            after: None,
            limit: u32::MAX,
        })
        .len()
    }
}

#[test]
fn both_stores_give_the_same_pages_before_and_after_changes() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut pair = Pair::new();
    let mut ids = Vec::new();
    for n in 0..240 {
        let id = rng.id();
        pair.put(&book(&mut rng, id, n));
        ids.push(id);
    }
    // Ids that differ only in their last or first byte, next to each other in id order.
    for (n, raw) in [
        (240, 0x0u128),
        (241, 0x1),
        (242, 0xff << 120),
        (243, 0xfe << 120),
    ] {
        let id = Uuid::from_u128(raw);
        pair.put(&book(&mut rng, id, n));
        ids.push(id);
    }
    pair.check_scans(&mut rng);

    // Replace a third of the books (new titles move them in title order), delete a
    // sixth, add new ones.
    for (n, &id) in ids.iter().enumerate().step_by(3) {
        let before = pair.get(id);
        pair.put(&book(&mut rng, id, 1000 + n));
        let after = pair.get(id);
        assert_eq!(
            after["added_at"], before["added_at"],
            "a replace keeps added_at"
        );
    }
    for &id in ids.iter().skip(1).step_by(6) {
        assert!(pair.delete(id));
        assert!(!pair.delete(id), "a book is deleted once");
        assert_eq!(pair.get(id), Value::Null);
    }
    for n in 2000..2040 {
        let id = rng.id();
        pair.put(&book(&mut rng, id, n));
    }
    pair.check_scans(&mut rng);
    for &id in &ids {
        pair.get(id);
    }
    assert_eq!(pair.get(rng.id()), Value::Null);

    // Both logged every change alike: each put as `created` or `replaced` with the book
    // as stored, each delete that found a book as `deleted`.
    let changes = pair.changes(37);
    let replaced = ids.iter().step_by(3).count();
    let deleted = ids.iter().skip(1).step_by(6).count();
    assert_eq!(changes.len(), ids.len() + replaced + deleted + 40);
    let kinds = |kind: &str| changes.iter().filter(|c| c.get(kind).is_some()).count();
    assert_eq!(kinds("created"), ids.len() + 40);
    assert_eq!(kinds("replaced"), replaced);
    assert_eq!(kinds("deleted"), deleted);
    let first = &changes[0]["created"];
    assert_eq!(first["id"], json!(ids[0]));
    assert_eq!(first["added_at"], pair.get(ids[0])["added_at"]);
    assert_eq!(changes[ids.len()]["replaced"]["id"], json!(ids[0]));
}

#[test]
fn a_book_reads_back_alike_from_both_stores() {
    let mut pair = Pair::new();
    let id = Uuid::from_u128(7);
    let added_at = chrono::Utc
        .timestamp_opt(1_700_000_000, 123_456_789)
        .single()
        .expect("a valid time");
    let mut book = Book {
        id,
        title: BookTitle::try_from("Odes".to_owned()).expect("a valid title"),
        author: "Keats".to_owned(),
        genre: Genre::Poetry,
        tags: Some(Vec::new()),
        published_year: Nullable::Null,
        added_at,
    };
    pair.put(&book);
    // No `null` year, no empty tag list, time to the microsecond: SQLite's columns.
    assert_eq!(
        pair.get(id),
        json!({
            "added_at": "2023-11-14T22:13:20.123456Z",
            "author": "Keats",
            "genre": "poetry",
            "id": id,
            "title": "Odes",
        })
    );
    book.tags = Some(vec!["b".to_owned(), "a".to_owned(), "b".to_owned()]);
    book.published_year = Nullable::Value(1819);
    book.added_at = chrono::Utc::now();
    pair.put(&book);
    let stored = pair.get(id);
    assert_eq!(
        stored["tags"],
        json!(["b", "a", "b"]),
        "tags keep their order"
    );
    assert_eq!(stored["published_year"], 1819);
    assert_eq!(stored["added_at"], "2023-11-14T22:13:20.123456Z");
}

#[test]
fn both_stores_remember_keys_and_undo_failed_units_alike() {
    let mut rng = Rng(42);
    for mut store in [Store::sqlite(None).expect("SQLite opens"), Store::memory()] {
        let kept = book(&mut rng, Uuid::from_u128(1), 1);
        let first = book(&mut rng, Uuid::from_u128(2), 2);
        store.put(&kept).expect("put");
        assert!(store.created_by_key("k").expect("lookup").is_none());
        store.remember_key("k", &first).expect("remember");
        assert_eq!(
            json!(store.created_by_key("k").expect("lookup")),
            json!(first),
            "the book comes back as it was remembered"
        );
        assert!(
            store.remember_key("k", &kept).is_err(),
            "a key is remembered once"
        );

        // A failed unit leaves nothing behind: not its puts, deletes, keys or changes.
        let logged = store.last_change().expect("last change");
        let failed = store.atomically(|store| {
            store.put(&first)?;
            store.delete(kept.id)?;
            store.remember_key("k2", &first)?;
            Err::<(), _>(StoreError::Corrupt {
                id: String::new(),
                reason: "stop".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(store.last_change().expect("last change"), logged);
        assert!(store.get(first.id).expect("get").is_none());
        assert!(store.get(kept.id).expect("get").is_some());
        assert!(store.created_by_key("k2").expect("lookup").is_none());

        // An inner unit that fails takes back its own writes only.
        store
            .atomically(|store| {
                store.put(&first)?;
                let inner = store.atomically(|store| {
                    store.delete(kept.id)?;
                    store.remember_key("k", &first)
                });
                assert!(inner.is_err(), "the key is taken");
                store.remember_key("k3", &first)
            })
            .expect("the outer unit succeeds");
        assert!(store.get(first.id).expect("get").is_some());
        assert!(store.get(kept.id).expect("get").is_some());
        assert!(store.created_by_key("k3").expect("lookup").is_some());

        // A key outlives its book, as in SQLite where nothing ties them.
        assert!(store.delete(first.id).expect("delete"));
        assert!(store.created_by_key("k3").expect("lookup").is_some());
    }
}

#[test]
fn demo_books_are_the_same_in_both_stores() {
    let mut pair = Pair::new();
    pair.sqlite.fill_demo(30).expect("demo books in SQLite");
    pair.memory.fill_demo(30).expect("demo books in memory");
    // Ids and times are each run's own; everything else is the same.
    let details = |store: &Store| {
        let books = store
            .page(&Scan {
                sort: BookSortMode::TitleAscending,
                genre: None,
                tags: &[],
                after: None,
                limit: 100,
            })
            .expect("a page");
        books
            .iter()
            .map(|book| {
                let mut book = json!(book);
                let object = book.as_object_mut().expect("an object");
                object.remove("id");
                object.remove("added_at");
                book
            })
            .collect::<Vec<_>>()
    };
    let in_memory = details(&pair.memory);
    assert_eq!(in_memory.len(), 30);
    assert_eq!(in_memory, details(&pair.sqlite));
    assert_eq!(
        in_memory[7],
        json!({
            "author": "Author 7",
            "genre": "poetry",
            "published_year": 1907,
            "tags": ["shelf-7"],
            "title": "Volume 000007",
        })
    );
}

/// The example server on the in-memory store; its requests that change books carry the
/// token.
const API_TOKEN: &str = "memory-test-token";

#[tokio::test]
async fn the_server_on_the_memory_store_creates_gets_lists_and_deletes() {
    let shelf = Bookshelf::from_store(Store::memory()).with_api_token(API_TOKEN);
    let server = support::start(generated_example::app(Arc::new(shelf))).await;

    let dune = json!({
        "title": "Dune",
        "author": "Frank Herbert",
        "genre": "fiction",
        "tags": ["sf", "classic"],
        "published_year": 1965
    });
    let response = server
        .post("/books")
        .bearer_auth(API_TOKEN)
        .json(&dune)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/books/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["title"], "Dune");
    assert_eq!(created["tags"], json!(["sf", "classic"]));

    let response = server.get(&location).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), created);

    // A retried create under the same key gives the first book, not a second one.
    let keyed = |body: &Value| {
        server
            .post("/books")
            .bearer_auth(API_TOKEN)
            .header("Idempotency-Key", "once")
            .json(body)
    };
    let odes = json!({"title": "Odes", "author": "Keats", "genre": "poetry"});
    let first: Value = keyed(&odes).send().await.unwrap().json().await.unwrap();
    let again = keyed(&odes).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap(), first);

    let list = |query: &'static str| {
        let request = server.get(&format!("/books{query}")).send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "listing with {query:?}");
            response.json::<Value>().await.unwrap()
        }
    };
    let page = list("").await;
    assert_eq!(page["items"], json!([created, first]));
    assert_eq!(list("?genre=poetry").await["items"], json!([first]));
    assert_eq!(list("?tag=sf&tag=classic").await["items"], json!([created]));
    assert_eq!(
        list("?sort_by=title_descending").await["items"],
        json!([first, created])
    );
    // One book a page: the token carries the scan on to the second book, then stops.
    let page = list("?limit=1").await;
    assert_eq!(page["items"], json!([created]));
    let token = page["next_page"].as_str().unwrap().to_owned();
    let response = server
        .get(&format!("/books?limit=1&page_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["items"], json!([first]));

    let delete = || server.delete(&location).bearer_auth(API_TOKEN).send();
    assert_eq!(delete().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.get(&location).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(delete().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(list("").await["items"], json!([first]));
    server.stop().await;
}
