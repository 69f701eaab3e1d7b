//! Pagination over real HTTP: page sizes at the edges, scans that try to change their
//! sort mid-way, and tokens that were tampered with, truncated or issued elsewhere.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use generated_example::Bookshelf;
use reqwest::StatusCode;
use serde_json::Value;
use specfirst_runtime::{PageLimits, ServerConfig};

/// The example server with `books` demo books.
struct Server(support::Server);

async fn start(books: usize) -> Server {
    start_with(books, ServerConfig::default()).await
}

async fn start_with(books: usize, config: ServerConfig) -> Server {
    let shelf = Bookshelf::new();
    shelf.fill_demo(books).expect("demo books");
    Server(support::start_with(generated_example::app(Arc::new(shelf)), config).await)
}

/// A server whose page tokens are signed with `key`.
async fn keyed(key: &str) -> Server {
    let config = ServerConfig {
        page_token_key: Some(key.repeat(32)),
        ..ServerConfig::default()
    };
    start_with(20, config).await
}

/// `token` with its marker's title changed to `title` and its trailer (`trailer` bytes)
/// replaced by the public checksum: what a client can forge without the key.
fn forged(token: &str, trailer: usize, title: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = engine.decode(token).expect("base64");
    let payload = &bytes[..bytes.len() - trailer];
    let mut envelope: Value = serde_json::from_slice(payload).expect("a JSON envelope");
    envelope["marker"]["title"] = Value::from(title);
    let mut out = serde_json::to_vec(&envelope).expect("JSON");
    let checksum = crc32fast::hash(&out).to_be_bytes();
    out.extend_from_slice(&checksum);
    engine.encode(out)
}

impl Server {
    async fn get(&self, query: &str) -> (StatusCode, Value) {
        let response = self
            .0
            .get(&format!("/books{query}"))
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.json().await.expect("a JSON body"))
    }

    async fn page(&self, query: &str) -> (Vec<Value>, Option<String>) {
        let (status, body) = self.get(query).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        let items = body["items"].as_array().expect("items").clone();
        let next = body["next_page"].as_str().map(str::to_string);
        (items, next)
    }
}

fn encode(token: &str) -> String {
    // Tokens are URL-safe base64 already; this guards against a future format change.
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );
    token.to_string()
}

#[tokio::test]
async fn limits_of_one_default_cap_and_beyond() {
    let server = start(250).await;
    let defaults = PageLimits::default();

    let (items, next) = server.page("?limit=1").await;
    assert_eq!(items.len(), 1);
    assert!(next.is_some(), "a full page has a next page");

    let (items, _) = server.page("").await;
    assert_eq!(
        items.len(),
        defaults.default.get() as usize,
        "no limit means the default"
    );

    // The cap is far above 250, so these return everything and end the scan.
    for limit in [defaults.max.get(), defaults.max.get() + 1, u32::MAX] {
        let (items, next) = server.page(&format!("?limit={limit}")).await;
        assert_eq!(items.len(), 250, "limit={limit}");
        assert_eq!(next, None, "limit={limit}: a short page is the last");
    }

    let (status, body) = server.get("?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_code"], "InvalidParameter");
    assert_eq!(
        body["message"],
        "invalid value for query parameter \"limit\": must be at least 1"
    );
}

#[tokio::test]
async fn a_scan_sees_every_book_once_in_pages() {
    let server = start(95).await;
    let mut seen = BTreeSet::new();
    let mut titles = Vec::new();
    let (mut items, mut next) = server.page("?limit=10&sort_by=title_descending").await;
    let mut pages = 1;
    loop {
        for book in &items {
            assert!(
                seen.insert(book["id"].as_str().expect("id").to_string()),
                "a book came twice"
            );
            titles.push(book["title"].as_str().expect("title").to_string());
        }
        let Some(token) = next else { break };
        // Later pages need only the token: the scan parameters travel inside it.
        (items, next) = server
            .page(&format!("?limit=10&page_token={}", encode(&token)))
            .await;
        pages += 1;
    }
    assert_eq!(seen.len(), 95);
    assert_eq!(pages, 10);
    let mut sorted = titles.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(titles, sorted, "title_descending holds across pages");
}

#[tokio::test]
async fn scan_parameters_cannot_change_mid_scan() {
    let server = start(30).await;
    let (_, next) = server
        .page("?limit=5&sort_by=id_ascending&genre=poetry")
        .await;
    let token = next.expect("a next page");

    // Repeating the same scan parameters with the token is fine.
    let (items, _) = server
        .page(&format!(
            "?limit=5&sort_by=id_ascending&genre=poetry&page_token={token}"
        ))
        .await;
    assert!(items.iter().all(|b| b["genre"] == "poetry"));

    for changed in ["sort_by=title_ascending", "genre=history", "tag=shelf-1"] {
        let (status, body) = server
            .get(&format!("?limit=5&{changed}&page_token={token}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changed}");
        assert_eq!(body["error_code"], "InvalidPageToken", "{changed}: {body}");
        let name = changed.split('=').next().expect("a name");
        assert!(
            body["message"]
                .as_str()
                .expect("message")
                .contains(&format!("\"{name}\"")),
            "{changed}: {body}"
        );
    }
}

#[tokio::test]
async fn bad_tokens_are_400_never_a_restart() {
    let server = start(20).await;
    let (_, next) = server.page("?limit=3").await;
    let token = next.expect("a next page");
    let mut flipped = token.clone().into_bytes();
    let middle = flipped.len() / 2;
    flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    let cases = [
        (flipped, "corrupted"),
        (token[..token.len() / 2].to_string(), "invalid page_token"),
        ("not-a-token".to_string(), "invalid page_token"),
        ("A".repeat(5000), "longer than"),
        // A token of another operation's shape: valid base64 of unrelated bytes.
        ("eyJ2IjoxfQ".to_string(), "invalid page_token"),
    ];
    for (bad, needle) in cases {
        let (status, body) = server.get(&format!("?page_token={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error_code"], "InvalidPageToken", "{bad}: {body}");
        assert!(
            body["message"].as_str().expect("message").contains(needle),
            "{body}"
        );
    }
}

#[tokio::test]
async fn with_a_key_edited_and_foreign_tokens_are_refused() {
    let plain = start(20).await;
    let (a, b) = (keyed("a").await, keyed("b").await);
    let (first, next) = a.page("?limit=3").await;
    let signed = next.expect("a next page");
    // The server that signed it reads it.
    let (second, _) = a.page(&format!("?limit=3&page_token={signed}")).await;
    assert_ne!(first, second);

    // Another key, no key, or an edit with the public checksum recomputed: refused.
    let (_, unsigned) = plain.page("?limit=3").await;
    let unsigned = unsigned.expect("a next page");
    for (server, token, needle) in [
        (&b, signed.clone(), "not signed by this server"),
        (&a, unsigned.clone(), "not signed by this server"),
        (
            &a,
            forged(&signed, 16, "Volume 000000"),
            "not signed by this server",
        ),
        (&plain, signed.clone(), "corrupted"),
    ] {
        let (status, body) = server.get(&format!("?page_token={token}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error_code"], "InvalidPageToken", "{body}");
        assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
    }
    // Without a key, a checksum is all there is: an edit with it recomputed is read,
    // as the pagination docs say.
    let (status, body) = plain
        .get(&format!(
            "?page_token={}",
            forged(&unsigned, 4, "Volume 000000")
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // And a key shorter than 32 bytes is refused before serving.
    let short = ServerConfig {
        page_token_key: Some("short".into()),
        ..ServerConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = generated_example::app(Arc::new(Bookshelf::new()));
    let error = specfirst_runtime::serve_with_listener(listener, short, app, async {})
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("page_token_key"), "{error}");
}
