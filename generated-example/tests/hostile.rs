//! Hostile requests against the example server over raw TCP: none may crash or hang the
//! server, and every error it answers with must be the JSON error body.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use generated_example::Bookshelf;
use specfirst_runtime::{ErrorBody, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bounds every test, so a hang is a failure.
const LIMIT: Duration = Duration::from_secs(30);
/// The bearer token the raw `POST /books` requests carry.
const API_TOKEN: &str = "hostile-test-token";

/// The example server; `addr` is where the raw requests go.
struct Server {
    http: support::Server,
    addr: SocketAddr,
}

impl Server {
    async fn start() -> Self {
        Self::start_with(ServerConfig {
            request_timeout: Some(Duration::from_millis(500)),
            header_read_timeout: Some(Duration::from_millis(500)),
            request_head_max_bytes: 16 * 1024,
            ..ServerConfig::default()
        })
        .await
    }

    async fn start_with(config: ServerConfig) -> Self {
        let shelf = Bookshelf::new().with_api_token(API_TOKEN);
        let app = generated_example::app(Arc::new(shelf));
        let http = support::start_with(app, config).await;
        Self {
            addr: http.addr,
            http,
        }
    }

    /// Checks the server still answers a normal request, then stops it cleanly.
    async fn still_healthy_then_stop(self) {
        let text = send(
            self.addr,
            b"GET /books HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        )
        .await;
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        tokio::time::timeout(LIMIT, self.http.stop())
            .await
            .expect("shutdown hangs");
    }
}

/// Sends `request`, half-closes, and reads until the server closes the connection.
async fn send(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before reading everything (a 431, say), which can
    // reset the rest of this write; what matters is what comes back.
    let _ = stream.write_all(request).await;
    let _ = stream.shutdown().await;
    read_all(&mut stream).await
}

async fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The status of a raw response, after checking that an error carries the JSON error body
/// and that nothing is a server error. A connection closed without a response gives `None`.
fn judge(text: &str) -> Option<u16> {
    if text.is_empty() {
        return None;
    }
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("incomplete response {text:?}"));
    let status: u16 = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    assert!(status < 500, "server error: {text}");
    if status >= 400 {
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("content-type: application/json"), "{head}");
        let error: ErrorBody =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: not a JSON error {body:?}"));
        assert!(!error.request_id.is_empty());
        assert!(
            lower.contains(&format!("x-request-id: {}", error.request_id)),
            "{head}"
        );
    }
    Some(status)
}

fn post_books(body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /books HTTP/1.1\r\nhost: x\r\nauthorization: Bearer hostile-test-token\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(LIMIT, test).await.expect("test hangs");
}

#[tokio::test]
async fn truncated_bodies() {
    bounded(async {
        let server = Server::start().await;
        // A content length larger than what is sent, then the client stops sending.
        let request = b"POST /books HTTP/1.1\r\nhost: x\r\nauthorization: Bearer hostile-test-token\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"title\":";
        // The client shuts its side after these bytes: a 400 for the incomplete body.
        let status = judge(&send(server.addr, request).await);
        assert_eq!(status, Some(400));
        // The same truncated chunked body.
        let request = b"POST /books HTTP/1.1\r\nhost: x\r\nauthorization: Bearer hostile-test-token\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n20\r\n{\"title\":";
        let status = judge(&send(server.addr, request).await);
        assert_eq!(status, Some(400));
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn invalid_utf8_in_bodies_paths_and_queries() {
    bounded(async {
        let server = Server::start().await;
        let body = b"{\"title\":\"\xff\xfe\",\"author\":\"a\",\"genre\":\"fiction\"}";
        let text = send(server.addr, &post_books(body)).await;
        assert_eq!(judge(&text), Some(400), "{text}");
        assert!(text.contains("InvalidBody"), "{text}");
        for (request, expected) in [
            (
                &b"GET /books/\xff\xfe HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"[..],
                400,
            ),
            (
                b"GET /books/%FF%FE HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                400,
            ),
            (
                b"GET /books?genre=\xff HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                400,
            ),
            (
                b"GET /books?genre=%FF%FE HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                400,
            ),
            // A query key the operation does not declare is ignored, whatever its bytes.
            (
                b"GET /books?%FF=1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                200,
            ),
            (
                b"GET /books HTTP/1.1\r\nhost: x\r\nx-client-version: \xff\xfe\r\nconnection: close\r\n\r\n",
                400,
            ),
        ] {
            let text = send(server.addr, request).await;
            assert_eq!(
                judge(&text),
                Some(expected),
                "{:?}: {text}",
                String::from_utf8_lossy(request)
            );
        }
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn deep_json_nesting() {
    bounded(async {
        let server = Server::start().await;
        for body in [
            "[".repeat(100_000),
            format!("{{\"title\":{}", "{\"a\":".repeat(50_000)),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        ] {
            let text = send(server.addr, &post_books(body.as_bytes())).await;
            assert_eq!(judge(&text), Some(400), "{text}");
            assert!(text.contains("InvalidBody"), "{text}");
        }
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn huge_headers() {
    bounded(async {
        let server = Server::start().await;
        // One header far over the head limit.
        let one = format!(
            "GET /books HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
            "a".repeat(1024 * 1024)
        );
        let text = send(server.addr, one.as_bytes()).await;
        assert_eq!(judge(&text), Some(431), "{text}");
        // Thousands of small headers.
        let mut many = String::from("GET /books HTTP/1.1\r\nhost: x\r\n");
        for i in 0..5000 {
            many.push_str(&format!("x-h{i}: v\r\n"));
        }
        many.push_str("\r\n");
        let text = send(server.addr, many.as_bytes()).await;
        assert_eq!(judge(&text), Some(431), "{text}");
        // A long URI.
        let long = format!(
            "GET /books?genre={} HTTP/1.1\r\nhost: x\r\n\r\n",
            "a".repeat(100_000)
        );
        // Past the head limit (64 KiB by default) before the URI limit: 431.
        let status = judge(&send(server.addr, long.as_bytes()).await);
        assert_eq!(status, Some(431));
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn slow_clients() {
    bounded(async {
        let server = Server::start().await;
        // A head sent a byte at a time, slower in total than the header read timeout: the
        // connection is closed, with nothing or a JSON error.
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let head = b"GET /books HTTP/1.1\r\nhost: x\r\nx-slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        let started = std::time::Instant::now();
        for byte in head {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        let text = read_all(&mut stream).await;
        assert_eq!(judge(&text), None, "{text}");
        assert!(started.elapsed() < Duration::from_secs(10));

        // A body sent a byte at a time, slower than the request timeout: 408.
        let body = br#"{"title":"Dune","author":"Frank Herbert","genre":"fiction"}"#;
        let request = post_books(body);
        let head_len = request.len() - body.len();
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(&request[..head_len]).await.unwrap();
        for byte in body {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        let text = read_all(&mut stream).await;
        assert_eq!(judge(&text), Some(408), "{text}");
        assert!(text.contains("RequestTimeout"), "{text}");
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn thousands_of_query_parameters() {
    bounded(async {
        let server = Server::start_with(ServerConfig {
            request_head_max_bytes: 256 * 1024,
            ..ServerConfig::default()
        })
        .await;
        for (query, expected) in [
            // URIs are capped just under 64 KiB by the HTTP parser, so these stay below it.
            // Undeclared keys are ignored.
            (
                (0..5_000)
                    .map(|i| format!("p{i}=x"))
                    .collect::<Vec<_>>()
                    .join("&"),
                200,
            ),
            // `limit` given 5,000 times is not one integer.
            (vec!["limit=1"; 5_000].join("&"), 400),
            ("&".repeat(20_000), 200),
            // Nor is `genre` one value.
            (vec!["genre=fiction"; 4_000].join("&"), 400),
        ] {
            let request =
                format!("GET /books?{query} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            let text = send(server.addr, request.as_bytes()).await;
            assert_eq!(judge(&text), Some(expected), "{text}");
        }
        // A URI over the parser's limit, within the head limit: a JSON 414.
        let request = format!(
            "GET /books?genre={} HTTP/1.1\r\nhost: x\r\n\r\n",
            "a".repeat(70_000)
        );
        let text = send(server.addr, request.as_bytes()).await;
        assert_eq!(judge(&text), Some(414), "{text}");
        // Over the head limit the answer is a JSON 431.
        let query = vec!["tag=a"; 100_000].join("&");
        let request = format!("GET /books?{query} HTTP/1.1\r\nhost: x\r\n\r\n");
        let status = judge(&send(server.addr, request.as_bytes()).await);
        assert_eq!(status, Some(431));
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn many_connections_left_open() {
    bounded(async {
        let server = Server::start().await;
        // Connections that send half a head and stall must not block others.
        let mut idle = Vec::new();
        for _ in 0..200 {
            let mut stream = TcpStream::connect(server.addr).await.unwrap();
            stream
                .write_all(b"GET /books HTTP/1.1\r\nho")
                .await
                .unwrap();
            idle.push(stream);
        }
        let text = send(
            server.addr,
            b"GET /books HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(judge(&text), Some(200), "{text}");
        drop(idle);
        server.still_healthy_then_stop().await;
    })
    .await;
}

/// Ten thousand values for one array parameter: the spec's `maxItems` is checked before
/// the handler runs, so this is a precise 400, not a 500 or a slow query.
#[tokio::test]
async fn thousands_of_values_for_one_array_parameter() {
    bounded(async {
        let server = Server::start_with(ServerConfig {
            request_head_max_bytes: 256 * 1024,
            ..ServerConfig::default()
        })
        .await;
        let query = vec!["tag=a"; 10_000].join("&");
        let request =
            format!("GET /books?{query} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        let text = send(server.addr, request.as_bytes()).await;
        assert_eq!(judge(&text), Some(400), "{text}");
        assert!(text.contains("more than 16 items (maxItems)"), "{text}");
        server.still_healthy_then_stop().await;
    })
    .await;
}

#[tokio::test]
async fn authentication_refuses_a_huge_slow_body_without_reading_it() {
    bounded(async {
        let server = Server::start_with(ServerConfig {
            request_timeout: Some(Duration::from_secs(30)),
            ..ServerConfig::default()
        })
        .await;
        // A head announcing 100 MB with a wrong token, and then no body at all: the
        // answer comes at once, before any body byte (and well before the timeout).
        let head = "POST /books HTTP/1.1\r\nhost: x\r\nauthorization: Bearer wrong\r\n\
                    content-type: application/json\r\ncontent-length: 100000000\r\n\r\n";
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let started = std::time::Instant::now();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer without the body")
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        assert!(text.starts_with("HTTP/1.1 401"), "{text}");
        assert!(started.elapsed() < Duration::from_secs(2));
        server.still_healthy_then_stop().await;
    })
    .await;
}
