//! End-to-end tests: the example server on a real socket, driven by an HTTP client.
//!
//! Each test gets its own server and empty shelf so tests can run in parallel without seeing
//! each other's books.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use generated_example::Bookshelf;
use reqwest::header::{ALLOW, CONTENT_TYPE, LOCATION};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use specfirst_runtime::{ResponseChecks, ServerConfig};

/// The token the test server accepts for adding, replacing and removing books.
const API_TOKEN: &str = "http-test-token";

/// The example server with an empty shelf; its requests that change books carry the token.
struct TestServer {
    /// The server itself, for requests without the token.
    http: support::Server,
}

impl TestServer {
    async fn start() -> Self {
        Self::start_with(ServerConfig::default()).await
    }

    /// Serves the example with `config`, its response checks strict whatever `config`
    /// says: every answer the implementation gives in these tests is held against the
    /// spec, and one that breaks it is a 500 the test sees.
    async fn start_with(config: ServerConfig) -> Self {
        let config = ServerConfig {
            response_checks: ResponseChecks::Strict,
            ..config
        };
        let shelf = Bookshelf::new().with_api_token(API_TOKEN);
        let app = generated_example::app(Arc::new(shelf));
        Self {
            http: support::start_with(app, config).await,
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(path)
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(path).bearer_auth(API_TOKEN)
    }

    fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.put(path).bearer_auth(API_TOKEN)
    }

    /// A JSON merge patch of the book at `path`.
    fn patch(&self, path: &str, patch: &Value) -> reqwest::RequestBuilder {
        self.http
            .request(reqwest::Method::PATCH, path)
            .bearer_auth(API_TOKEN)
            .header(CONTENT_TYPE, "application/merge-patch+json")
            .body(patch.to_string())
    }

    fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.delete(path).bearer_auth(API_TOKEN)
    }

    /// Creates a book and returns its JSON, checking only that creation succeeded.
    async fn create(&self, book: Value) -> Value {
        let response = self.post("/books").json(&book).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "creating {book}");
        response.json().await.unwrap()
    }

    async fn list(&self, query: &str) -> Vec<Value> {
        let response = self.get(&format!("/books{query}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "listing with {query:?}");
        let body: Value = response.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }

    /// Stops the server and checks that the graceful shutdown finished cleanly.
    async fn stop(self) {
        self.http.stop().await;
    }
}

fn dune() -> Value {
    json!({
        "title": "Dune",
        "author": "Frank Herbert",
        "genre": "fiction",
        "tags": ["sf", "classic"],
        "published_year": 1965
    })
}

fn titles(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|book| book["title"].as_str().unwrap())
        .collect()
}

fn request_id(response: &Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .expect("every response carries x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Checks an error response: status, JSON content type, exact error code, a request id equal
/// to the `x-request-id` header; returns the message.
async fn expect_error(response: Response, status: StatusCode, error_code: &str) -> String {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let id = request_id(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], error_code, "body: {body}");
    assert_eq!(body["request_id"], id.as_str(), "body: {body}");
    body["message"]
        .as_str()
        .expect("message is a string")
        .to_owned()
}

#[tokio::test]
async fn create_returns_201_with_location_and_book() {
    let server = TestServer::start().await;
    let before = chrono::Utc::now();
    let response = server.post("/books").json(&dune()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let id = request_id(&response);
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let book: Value = response.json().await.unwrap();

    let book_id = uuid::Uuid::parse_str(book["id"].as_str().unwrap()).unwrap();
    assert_eq!(book_id.get_version_num(), 4);
    assert_eq!(location, format!("/books/{book_id}"));
    assert_eq!(book["title"], "Dune");
    assert_eq!(book["author"], "Frank Herbert");
    assert_eq!(book["genre"], "fiction");
    assert_eq!(book["tags"], json!(["sf", "classic"]));
    assert_eq!(book["published_year"], 1965);
    let added_at: chrono::DateTime<chrono::Utc> =
        book["added_at"].as_str().unwrap().parse().unwrap();
    assert!(
        before <= added_at && added_at <= chrono::Utc::now(),
        "{added_at}"
    );
    let keys: Vec<&String> = book.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "added_at",
            "author",
            "genre",
            "id",
            "published_year",
            "tags",
            "title"
        ]
    );

    // Each create is a new book, even with identical details.
    let second = server.create(dune()).await;
    assert_ne!(second["id"], book["id"]);
    assert_eq!(server.list("").await.len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn create_omits_absent_optional_fields() {
    let server = TestServer::start().await;
    let book = server
        .create(json!({"title": "Odes", "author": "Keats", "genre": "poetry"}))
        .await;
    let object = book.as_object().unwrap();
    assert!(!object.contains_key("tags"), "{book}");
    assert!(!object.contains_key("published_year"), "{book}");

    let book = server
        .create(
            json!({"title": "Odes", "author": "Keats", "genre": "poetry", "published_year": null}),
        )
        .await;
    assert!(
        !book.as_object().unwrap().contains_key("published_year"),
        "{book}"
    );
    server.stop().await;
}

#[tokio::test]
async fn create_with_same_idempotency_key_returns_first_book() {
    let server = TestServer::start().await;
    let send = |key: &'static str, body: Value| {
        server
            .post("/books")
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = send("key-1", dune()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_location = first.headers()[LOCATION].clone();
    let first_book: Value = first.json().await.unwrap();

    let again = send("key-1", dune()).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()[LOCATION], first_location);
    let again_book: Value = again.json().await.unwrap();
    assert_eq!(again_book, first_book);
    assert_eq!(server.list("").await.len(), 1);

    // A different key, or no key at all, creates another book.
    let other: Value = send("key-2", dune()).await.unwrap().json().await.unwrap();
    assert_ne!(other["id"], first_book["id"]);
    server.create(dune()).await;
    assert_eq!(server.list("").await.len(), 3);

    // Reusing a key for different details is refused rather than answered with the old book.
    let mut changed = dune();
    changed["title"] = json!("Dune Messiah");
    let message = expect_error(
        send("key-1", changed).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "IdempotencyKeyReused",
    )
    .await;
    assert_eq!(
        message,
        "idempotency key \"key-1\" was already used for a different book"
    );
    assert_eq!(server.list("").await.len(), 3);
    server.stop().await;
}

#[tokio::test]
async fn list_filters_by_genre_and_every_tag() {
    let server = TestServer::start().await;
    assert!(server.list("").await.is_empty());
    for (title, genre, tags) in [
        ("Dune", "fiction", json!(["sf", "classic"])),
        ("Cosmos", "science", json!(["space", "classic"])),
        ("Neuromancer", "fiction", json!(["sf"])),
        ("SPQR", "history", json!([])),
        ("Emma", "fiction", json!(["classic"])),
    ] {
        server
            .create(json!({"title": title, "author": "A", "genre": genre, "tags": tags}))
            .await;
    }

    // Title order is the default sort.
    assert_eq!(
        titles(&server.list("").await),
        ["Cosmos", "Dune", "Emma", "Neuromancer", "SPQR"]
    );
    assert_eq!(
        titles(&server.list("?genre=fiction").await),
        ["Dune", "Emma", "Neuromancer"]
    );
    assert_eq!(
        titles(&server.list("?genre=non-fiction").await),
        Vec::<&str>::new()
    );
    assert_eq!(
        titles(&server.list("?tag=classic").await),
        ["Cosmos", "Dune", "Emma"]
    );
    // Repeated `tag` keys (explode: true) must all match, not any.
    assert_eq!(titles(&server.list("?tag=classic&tag=sf").await), ["Dune"]);
    assert_eq!(
        titles(&server.list("?tag=sf&tag=space").await),
        Vec::<&str>::new()
    );
    assert_eq!(
        titles(&server.list("?genre=fiction&tag=classic").await),
        ["Dune", "Emma"]
    );
    assert_eq!(
        titles(&server.list("?genre=fiction&tag=classic&limit=1").await),
        ["Dune"]
    );
    assert_eq!(titles(&server.list("?limit=2").await), ["Cosmos", "Dune"]);
    // The client version header is only logged; it must not affect the answer.
    let response = server
        .get("/books?limit=1")
        .header("x-client-version", "test/1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(titles(body["items"].as_array().unwrap()), ["Cosmos"]);
    server.stop().await;
}

#[tokio::test]
async fn list_limit_default_and_cap_come_from_server_config() {
    let server = TestServer::start_with(ServerConfig {
        page_default_limit: std::num::NonZeroU32::new(20).unwrap(),
        page_max_limit: std::num::NonZeroU32::new(50).unwrap(),
        ..ServerConfig::default()
    })
    .await;
    for i in 0..60 {
        server
            .create(json!({"title": format!("Book {i:02}"), "author": "A", "genre": "poetry"}))
            .await;
    }
    let default = server.list("").await;
    assert_eq!(default.len(), 20);
    assert_eq!(default[0]["title"], "Book 00");
    assert_eq!(default[19]["title"], "Book 19");
    assert_eq!(server.list("?limit=50").await.len(), 50);
    // Over the cap is not an error: the page is capped, as in Dropshot.
    let capped = server.list("?limit=51").await;
    assert_eq!(capped.len(), 50);
    assert_eq!(capped[49]["title"], "Book 49");
    assert_eq!(server.list("?limit=4294967295").await.len(), 50);
    server.stop().await;
}

#[tokio::test]
async fn list_rejects_bad_query_parameters() {
    let server = TestServer::start().await;
    let get = |query: &'static str| server.get(&format!("/books{query}")).send();

    let message = expect_error(
        get("?limit=abc").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert_eq!(
        message,
        "invalid value for query parameter \"limit\": expected an integer"
    );
    // `minimum: 1` is enforced by the generated `NonZeroU32`.
    let message = expect_error(
        get("?limit=0").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert_eq!(
        message,
        "invalid value for query parameter \"limit\": must be at least 1"
    );
    let message = expect_error(
        get("?limit=-1").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert!(
        message.starts_with("invalid value for query parameter \"limit\": "),
        "{message}"
    );
    let message = expect_error(
        get("?limit=4294967296").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert!(
        message.starts_with("invalid value for query parameter \"limit\": "),
        "{message}"
    );
    let message = expect_error(
        get("?limit=1&limit=2").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert_eq!(
        message,
        "invalid value for query parameter \"limit\": expected a single value, got 2"
    );
    let message = expect_error(
        get("?genre=unknown").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidParameter",
    )
    .await;
    assert_eq!(
        message,
        "invalid value for query parameter \"genre\": \"unknown\" is not one of \"fiction\", \
         \"non-fiction\", \"poetry\", \"science\", \"history\" (enum)"
    );
    server.stop().await;
}

#[tokio::test]
async fn create_rejects_bad_bodies() {
    let server = TestServer::start().await;
    let post_raw = |body: &'static str| {
        server
            .post("/books")
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };

    let message = expect_error(
        post_raw("{\"title\":").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body at /title: EOF while parsing a value at line 1 column 9"
    );
    let message = expect_error(
        post_raw("not json").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body at /: expected ident at line 1 column 2"
    );
    let message = expect_error(
        post_raw(r#"{"title":3,"author":"A","genre":"fiction"}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: /title: expected a string, found a number"
    );
    // Optional, but not nullable: `null` is no list of tags (an optional list is an
    // `Option`, which would read it as left out).
    let message = expect_error(
        post_raw(r#"{"title":"T","author":"A","genre":"fiction","tags":null}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: /tags: expected an array, found null"
    );
    let message = expect_error(
        post_raw(r#"{"title":"T","author":"A","genre":"romance"}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: /genre: \"romance\" is not one of \"fiction\", \"non-fiction\", \
         \"poetry\", \"science\", \"history\" (enum)"
    );
    let message = expect_error(
        post_raw(r#"{"title":"T","author":"A","genre":"poetry","tags":["a",1]}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body at /tags/1: expected a string, found a number"
    );
    // What only a type constrains is reported beside what the rules find.
    let message = expect_error(
        post_raw(r#"{"title":"T","author":5,"genre":"romance"}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: /genre: \"romance\" is not one of \"fiction\", \"non-fiction\", \
         \"poetry\", \"science\", \"history\" (enum); /author: expected a string, found a number"
    );
    // The title's `minLength: 1` is checked before the body is decoded.
    let message = expect_error(
        post_raw(r#"{"title":"","author":"A","genre":"poetry"}"#)
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: /title: shorter than 1 character (minLength)"
    );
    let message = expect_error(
        post_raw(r#"{"title":"T","author":"A"}"#).await.unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: missing required property \"genre\" (required)"
    );
    // Every violation is listed, not only the first.
    let message = expect_error(
        post_raw(format!(r#"{{"title":"{}","genre":"romance"}}"#, "x".repeat(201)).leak())
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert_eq!(
        message,
        "invalid request body: missing required property \"author\" (required); \
         /title: longer than 200 characters (maxLength); \
         /genre: \"romance\" is not one of \"fiction\", \"non-fiction\", \"poetry\", \
         \"science\", \"history\" (enum)"
    );

    // No body at all, with and without a content type.
    let message = expect_error(
        post_raw("").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "MissingBody",
    )
    .await;
    assert_eq!(message, "request body is required");
    let message = expect_error(
        server.post("/books").send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "MissingBody",
    )
    .await;
    assert_eq!(message, "request body is required");

    let message = expect_error(
        server
            .post("/books")
            .header(CONTENT_TYPE, "text/plain")
            .body(dune().to_string())
            .send()
            .await
            .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
    )
    .await;
    assert_eq!(
        message,
        "unsupported content type \"text/plain\"; expected application/json"
    );

    // None of the rejected requests reached the shelf.
    assert!(server.list("").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn body_limit_comes_from_server_config() {
    let server = TestServer::start_with(ServerConfig {
        request_body_max_bytes: 64,
        ..ServerConfig::default()
    })
    .await;
    let mut big = dune();
    big["author"] = json!("x".repeat(100));
    let message = expect_error(
        server.post("/books").json(&big).send().await.unwrap(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLarge",
    )
    .await;
    assert_eq!(message, "request body exceeds the limit of 64 bytes");
    server
        .create(json!({"title": "T", "author": "A", "genre": "poetry"}))
        .await;
    server.stop().await;
}

#[tokio::test]
async fn openapi_document_is_served() {
    let server = TestServer::start().await;
    let response = server.get("/openapi.json").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    assert!(response.headers().contains_key("x-request-id"));
    let text = response.text().await.unwrap();
    assert_eq!(text, bookshelf_api::OPENAPI_DOCUMENT);
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.0.3");
    assert_eq!(document["info"]["title"], "Bookshelf API");
    assert_eq!(
        document["paths"]["/books"]["get"]["operationId"],
        "listBooks"
    );
    assert_eq!(
        document["paths"]["/books/{bookId}"]["delete"]["operationId"],
        "deleteBook"
    );
    server.stop().await;
}

#[tokio::test]
async fn unknown_path_is_json_404() {
    let server = TestServer::start().await;
    let message = expect_error(
        server.get("/shelves").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    assert_eq!(message, "no route for GET /shelves");
    // A trailing slash is a different path in the spec, so it is not routed either.
    let message = expect_error(
        server.get("/books/").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    assert_eq!(message, "no route for GET /books/");
    server.stop().await;
}

#[tokio::test]
async fn wrong_method_is_json_405_with_allow() {
    let server = TestServer::start().await;
    let response = server
        .http
        .request(reqwest::Method::PATCH, "/books")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[ALLOW], "GET,HEAD,POST");
    let message = expect_error(response, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await;
    assert_eq!(message, "method PATCH is not allowed for /books");

    let response = server
        .post(&format!("/books/{}", uuid::Uuid::new_v4()))
        .json(&dune())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[ALLOW], "GET,HEAD,PUT,PATCH,DELETE");
    expect_error(response, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await;
    server.stop().await;
}

#[tokio::test]
async fn supplied_request_id_is_echoed() {
    let server = TestServer::start().await;
    let response = server
        .get("/books")
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(request_id(&response), "trace-abc-123");

    // Errors carry the supplied id both in the header and in the body.
    let response = server
        .get("/books?limit=abc")
        .header("x-request-id", "trace-def-456")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&response), "trace-def-456");
    expect_error(response, StatusCode::BAD_REQUEST, "InvalidParameter").await;

    // An id that is unsafe to log is replaced by a generated one.
    let response = server
        .get("/books")
        .header("x-request-id", "has space")
        .send()
        .await
        .unwrap();
    let id = request_id(&response);
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    server.stop().await;
}

#[tokio::test]
async fn get_returns_book_at_location() {
    let server = TestServer::start().await;
    let response = server.post("/books").json(&dune()).send().await.unwrap();
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();

    let response = server.get(&location).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let fetched: Value = response.json().await.unwrap();
    assert_eq!(fetched, created);
    server.stop().await;
}

#[tokio::test]
async fn get_unknown_book_is_404_with_request_id() {
    let server = TestServer::start().await;
    let id = uuid::Uuid::new_v4();
    let message = expect_error(
        server.get(&format!("/books/{id}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    assert_eq!(message, format!("no book with id {id}"));

    let response = server
        .get(&format!("/books/{id}"))
        .header("x-request-id", "lookup-1")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&response), "lookup-1");
    expect_error(response, StatusCode::NOT_FOUND, "NotFound").await;
    server.stop().await;
}

#[tokio::test]
async fn bad_book_id_is_400_naming_book_id() {
    let server = TestServer::start().await;
    for request in [
        server.get("/books/not-a-uuid"),
        server.put("/books/not-a-uuid").json(&dune()),
        server.delete("/books/not-a-uuid"),
    ] {
        let message = expect_error(
            request.send().await.unwrap(),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
        )
        .await;
        assert!(
            message.starts_with("invalid value for path parameter \"bookId\": "),
            "{message}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn replace_keeps_identity_and_order() {
    let server = TestServer::start().await;
    let first = server.create(dune()).await;
    server
        .create(json!({"title": "Emma", "author": "Austen", "genre": "fiction"}))
        .await;
    let id = first["id"].as_str().unwrap();

    let replacement = json!({"title": "Dune (revised)", "author": "F. Herbert", "genre": "science", "tags": ["sf"]});
    let response = server
        .put(&format!("/books/{id}"))
        .json(&replacement)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    let replaced: Value = response.json().await.unwrap();
    assert_eq!(
        replaced,
        json!({
            "added_at": first["added_at"],
            "author": "F. Herbert",
            "genre": "science",
            "id": id,
            "tags": ["sf"],
            "title": "Dune (revised)"
        })
    );
    let fetched: Value = server
        .get(&format!("/books/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, replaced);
    assert_eq!(titles(&server.list("").await), ["Dune (revised)", "Emma"]);

    let missing = uuid::Uuid::new_v4();
    let message = expect_error(
        server
            .put(&format!("/books/{missing}"))
            .json(&replacement)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    assert_eq!(message, format!("no book with id {missing}"));
    // A replace never creates a book.
    assert_eq!(server.list("").await.len(), 2);

    // The body is validated before the book is looked up.
    let message = expect_error(
        server
            .put(&format!("/books/{id}"))
            .header(CONTENT_TYPE, "application/json")
            .body(r#"{"title":"T","author":"A","genre":7}"#)
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "InvalidBody",
    )
    .await;
    assert!(
        message == "invalid request body: /genre: expected a string, found a number",
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn patch_tells_a_null_year_from_an_absent_one() {
    let server = TestServer::start().await;
    let book = server.create(dune()).await;
    let path = format!("/books/{}", book["id"].as_str().unwrap());
    let patched = |patch: Value| {
        let request = server.patch(&path, &patch);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "patching with {patch}");
            response.json::<Value>().await.unwrap()
        }
    };

    // Left out, the year stays; so does everything else.
    assert_eq!(patched(json!({})).await, book);
    let retitled = patched(json!({"title": "Dune Messiah"})).await;
    assert_eq!(retitled["title"], "Dune Messiah");
    assert_eq!(retitled["published_year"], 1965);
    assert_eq!(retitled["tags"], json!(["sf", "classic"]));

    // `null` clears it, and the book is stored that way.
    let cleared = patched(json!({"published_year": null})).await;
    assert!(
        !cleared.as_object().unwrap().contains_key("published_year"),
        "{cleared}"
    );
    assert_eq!(cleared["title"], "Dune Messiah");
    let fetched: Value = server
        .get(&path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, cleared);
    assert_eq!(patched(json!({})).await, cleared);

    // A value sets it again; `null` tags remove them all.
    let set = patched(json!({"published_year": 1969, "tags": null})).await;
    assert_eq!(set["published_year"], 1969);
    assert!(!set.as_object().unwrap().contains_key("tags"), "{set}");
    server.stop().await;
}

#[tokio::test]
async fn patch_checks_its_body_the_book_and_the_token() {
    let server = TestServer::start().await;
    let book = server.create(dune()).await;
    let path = format!("/books/{}", book["id"].as_str().unwrap());

    for (patch, pointer) in [
        (json!({"title": ""}), "/title"),
        (json!({"published_year": "soon"}), "/published_year"),
        (json!({"tags": "sf"}), "/tags"),
        // Not nullable: `null` would otherwise read as left out.
        (json!({"author": null}), "/author"),
        (json!({"genre": null}), "/genre"),
    ] {
        let response = server.patch(&path, &patch).send().await.unwrap();
        let message = expect_error(response, StatusCode::BAD_REQUEST, "InvalidBody").await;
        assert!(message.contains(pointer), "{patch}: {message}");
    }

    // The merge patch's own media type and plain JSON both read as the body; text
    // does not.
    let response = server
        .http
        .request(reqwest::Method::PATCH, &path)
        .bearer_auth(API_TOKEN)
        .json(&json!({"author": "F. Herbert"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = server
        .http
        .request(reqwest::Method::PATCH, &path)
        .bearer_auth(API_TOKEN)
        .header(CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let missing = uuid::Uuid::new_v4();
    expect_error(
        server
            .patch(&format!("/books/{missing}"), &json!({}))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    let response = server
        .http
        .request(reqwest::Method::PATCH, &path)
        .header(CONTENT_TYPE, "application/merge-patch+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let fetched: Value = server
        .get(&path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut expected = book;
    expected["author"] = json!("F. Herbert");
    assert_eq!(fetched, expected);
    server.stop().await;
}

#[tokio::test]
async fn delete_then_404() {
    let server = TestServer::start().await;
    let first = server.create(dune()).await;
    server
        .create(json!({"title": "Emma", "author": "Austen", "genre": "fiction"}))
        .await;
    let id = first["id"].as_str().unwrap();

    let response = server.delete(&format!("/books/{id}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers().contains_key("x-request-id"));
    assert!(response.bytes().await.unwrap().is_empty());

    expect_error(
        server.delete(&format!("/books/{id}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    expect_error(
        server.get(&format!("/books/{id}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "NotFound",
    )
    .await;
    assert_eq!(titles(&server.list("").await), ["Emma"]);
    server.stop().await;
}

#[tokio::test]
async fn idempotent_retry_after_delete_is_a_conflict() {
    let server = TestServer::start().await;
    let send = || {
        server
            .post("/books")
            .header("Idempotency-Key", "once")
            .json(&dune())
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let id = first["id"].as_str().unwrap();
    let response = server.delete(&format!("/books/{id}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // The retry neither creates a second book nor points at the deleted one.
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), StatusCode::CONFLICT);
    let body: Value = retry.json().await.unwrap();
    assert_eq!(body["error_code"], "IdempotentResultGone");
    assert!(server.list("").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn changes_need_the_api_token_and_reads_do_not() {
    let server = TestServer::start().await;
    let book = server.create(dune()).await;
    let id = book["id"].as_str().unwrap().to_owned();
    let anonymous = [
        server.http.post("/books").json(&dune()),
        // A body that would be a 400 is not even read without a token.
        server
            .http
            .post("/books")
            .header(CONTENT_TYPE, "application/json")
            .body("{not json"),
        server.http.put(&format!("/books/{id}")).json(&dune()),
        server.http.delete(&format!("/books/{id}")),
        server
            .http
            .delete(&format!("/books/{id}"))
            .bearer_auth("not-the-token"),
    ];
    for request in anonymous {
        let response = request.send().await.unwrap();
        assert_eq!(
            response.headers()[reqwest::header::WWW_AUTHENTICATE],
            "Bearer realm=\"Bookshelf API\""
        );
        let message = expect_error(response, StatusCode::UNAUTHORIZED, "Unauthenticated").await;
        assert!(!message.contains("not-the-token"), "{message}");
    }
    // Reading stays open to anyone, and the book is untouched.
    let response = server
        .http
        .get(&format!("/books/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.list("").await.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn own_layers_wrap_the_routes_inside_the_server() {
    // The router is a plain axum Router: a layer added to it sees every request the API
    // serves, inside the server's middleware (the request id is already chosen).
    async fn stamp(mut response: axum::response::Response) -> axum::response::Response {
        response.headers_mut().insert(
            "x-served-by",
            axum::http::HeaderValue::from_static("shelf-1"),
        );
        response
    }
    let shelf = Bookshelf::new().with_api_token(API_TOKEN);
    let app = generated_example::app(Arc::new(shelf)).layer(axum::middleware::map_response(stamp));
    let server = support::start_with(app, ServerConfig::default()).await;
    for path in ["/books", "/nowhere"] {
        let response = server.get(path).send().await.unwrap();
        assert_eq!(response.headers()["x-served-by"], "shelf-1", "{path}");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
    }
    server.stop().await;
}
