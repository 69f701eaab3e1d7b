//! The server over real TCP: limits, timeouts, overload, content negotiation, observation,
//! TLS and configuration files.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use specfirst_runtime::__private::{finish_router, json, respond, RawRequest};
use specfirst_runtime::{
    serve_with_listener, ErrorBody, HttpError, ResponseRecord, RouterOptions, ServerConfig,
    StatusCode,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod soak;

/// Every test is bounded so a hang fails instead of blocking the suite.
const LIMIT: Duration = Duration::from_secs(20);

/// An event stream that never ends nor sends anything: only shutdown ends it.
async fn events() -> Response {
    struct Never;
    impl futures_core::Stream for Never {
        type Item = specfirst_runtime::Event<u32>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Pending
        }
    }
    let stream = specfirst_runtime::EventStream::new(Never).without_keep_alive();
    specfirst_runtime::__private::events(StatusCode::OK, stream)
}

async fn slow(input: RawRequest) -> Response {
    let _ctx = input.context("slow");
    tokio::time::sleep(Duration::from_millis(400)).await;
    json(StatusCode::OK, &"done")
}

async fn echo(mut input: RawRequest) -> Response {
    let _ctx = input.context("echo");
    respond(
        async {
            let body = input.stream_body()?.bytes().await?;
            Ok::<_, HttpError>(json(StatusCode::OK, &body.len()))
        }
        .await,
    )
}

async fn hello(input: RawRequest) -> Response {
    let _ctx = input.context("hello");
    json(StatusCode::OK, &"hello")
}

/// A large answer, for clients that do not read it.
async fn large(input: RawRequest) -> Response {
    let _ctx = input.context("large");
    json(StatusCode::OK, &"x".repeat(4 << 20))
}

async fn boom(input: RawRequest) -> Response {
    let _ctx = input.context("boom");
    panic!("kaboom in handler");
}

fn router() -> Router {
    let routes = Router::new()
        .route("/slow", get(slow))
        .route("/echo", post(echo))
        .route("/hello/{p0}", get(hello))
        .route("/large", get(large))
        .route("/boom", get(boom))
        .route("/events", get(events));
    finish_router(routes, "{}", &RouterOptions::default())
}

struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(config: ServerConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_with_listener(listener, config, router(), async {
            let _ = rx.await;
        }));
        Self {
            addr,
            shutdown: Some(tx),
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn stop(mut self) {
        let _ = self.shutdown.take().unwrap().send(());
        tokio::time::timeout(LIMIT, &mut self.task)
            .await
            .expect("shutdown hangs")
            .unwrap()
            .unwrap();
    }
}

/// Asserts a JSON error response from reqwest and returns its body.
async fn expect_error(response: reqwest::Response, status: u16, code: &str) -> ErrorBody {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(response.headers()["content-type"], "application/json");
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error_code.as_deref(), Some(code), "{body:?}");
    assert_eq!(body.request_id, id);
    body
}

/// Parses a raw HTTP/1.1 response with a JSON error body: (status, body).
fn parse_error(text: &str) -> (u16, ErrorBody) {
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response in {text:?}"));
    let status = head[9..12].parse().unwrap();
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/json"), "{head}");
    let body: ErrorBody = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    assert!(
        lower.contains(&format!("x-request-id: {}", body.request_id)),
        "{head}"
    );
    (status, body)
}

/// Sends raw bytes, then reads until the server closes the connection.
async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn accept_that_excludes_json_is_406() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig::default()).await;
        let client = reqwest::Client::new();
        let get = |accept: &'static str| {
            client
                .get(server.url("/hello/x"))
                .header("accept", accept)
                .send()
        };
        let body = expect_error(get("text/html").await.unwrap(), 406, "NotAcceptable").await;
        assert!(body.message.contains("text/html"), "{}", body.message);
        expect_error(
            get("application/json;q=0, */*").await.unwrap(),
            406,
            "NotAcceptable",
        )
        .await;
        for ok in [
            "application/json",
            "*/*",
            "application/*",
            "text/html, */*;q=0.1",
            "???",
        ] {
            assert_eq!(get(ok).await.unwrap().status().as_u16(), 200, "{ok}");
        }
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn slow_handler_is_503() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            request_timeout: Some(Duration::from_millis(100)),
            ..ServerConfig::default()
        })
        .await;
        let response = reqwest::get(server.url("/slow")).await.unwrap();
        let body = expect_error(response, 503, "Timeout").await;
        assert_eq!(body.message, "request timed out after 100 ms");
        // The server still answers afterwards.
        let ok = reqwest::get(server.url("/hello/x")).await.unwrap();
        assert_eq!(ok.status().as_u16(), 200);
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn slow_request_body_is_408() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            request_timeout: Some(Duration::from_millis(200)),
            ..ServerConfig::default()
        })
        .await;
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nab")
            .await
            .unwrap();
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        let (status, body) = parse_error(&String::from_utf8_lossy(&out));
        assert_eq!(status, 408);
        assert_eq!(body.error_code.as_deref(), Some("RequestTimeout"));
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn over_the_concurrency_limit_is_503() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            max_concurrent_requests: Some(1),
            ..ServerConfig::default()
        })
        .await;
        let slow = tokio::spawn(reqwest::get(server.url("/slow")));
        tokio::time::sleep(Duration::from_millis(150)).await;
        let response = reqwest::get(server.url("/hello/x")).await.unwrap();
        let body = expect_error(response, 503, "Overloaded").await;
        assert_eq!(body.message, "server is overloaded; retry later");
        assert_eq!(slow.await.unwrap().unwrap().status().as_u16(), 200);
        // The permit is released with the finished response.
        let ok = reqwest::get(server.url("/hello/x")).await.unwrap();
        assert_eq!(ok.status().as_u16(), 200);
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn at_the_connection_limit_new_connections_wait_for_a_place() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            max_connections: Some(2),
            ..ServerConfig::default()
        })
        .await;
        // Two idle connections take both places.
        let first = TcpStream::connect(server.addr).await.unwrap();
        let _second = TcpStream::connect(server.addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let third = tokio::spawn(reqwest::get(server.url("/hello/x")));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!third.is_finished(), "served beyond the limit");
        // A closed connection frees a place for the one waiting.
        drop(first);
        let response = third.await.unwrap().unwrap();
        assert_eq!(response.status().as_u16(), 200);
        server.stop().await;
    })
    .await
    .unwrap();
}

/// Sends `requests` requests one after another, each of which must be answered 200
/// within 2 s; returns the slowest answer's time.
async fn answered_promptly(server: &Server, requests: usize) -> Duration {
    let client = reqwest::Client::new();
    let mut slowest = Duration::ZERO;
    for _ in 0..requests {
        let started = std::time::Instant::now();
        let response = client.get(server.url("/hello/x")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        slowest = slowest.max(started.elapsed());
    }
    slowest
}

#[tokio::test]
async fn thousands_of_idle_connections_do_not_stop_requests() {
    // 2,000 here; `cargo xtask soak` holds more.
    let connections = soak::scale("SPECFIRST_SOAK_IDLE", 2000);
    // Connecting takes longer the more there are.
    let limit = LIMIT * u32::try_from(connections.div_ceil(2000)).unwrap_or(u32::MAX);
    tokio::time::timeout(limit, async {
        let server = Server::start(ServerConfig::default()).await;
        let memory_before = soak::resident_kib();
        let mut idle = Vec::new();
        for _ in 0..connections {
            idle.push(TcpStream::connect(server.addr).await.unwrap());
        }
        // Each connection accepted and waiting for its request head.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let memory_held = soak::resident_kib();
        let requests = 20;
        let slowest = answered_promptly(&server, requests).await;
        soak::record(
            "idle",
            serde_json::json!({
                "connections": idle.len(),
                "requests": requests,
                "answered": requests,
                "slowest_ms": slowest.as_secs_f64() * 1000.0,
                "resident_kib_before": memory_before,
                "resident_kib_held": memory_held,
            }),
        );
        drop(idle);
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn slow_readers_do_not_stop_requests() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig::default()).await;
        // Clients that ask for 4 MiB each and never read a byte of it: the server's
        // writes to them wait on full socket buffers.
        let mut stalled = Vec::new();
        for _ in 0..50 {
            let mut stream = TcpStream::connect(server.addr).await.unwrap();
            stream
                .write_all(b"GET /large HTTP/1.1\r\nhost: x\r\n\r\n")
                .await
                .unwrap();
            stalled.push(stream);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        answered_promptly(&server, 10).await;
        // A reader that finally reads gets the whole answer.
        let mut reader = stalled.pop().unwrap();
        let mut answer = Vec::new();
        let mut chunk = vec![0; 1 << 16];
        while !answer.ends_with(b"\"") {
            let read = reader.read(&mut chunk).await.unwrap();
            assert!(read > 0, "closed after {} bytes", answer.len());
            answer.extend_from_slice(&chunk[..read]);
        }
        assert!(answer.len() > 4 << 20);
        drop(stalled);
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn head_limits_and_malformed_heads_get_json() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            request_head_max_bytes: 2000,
            request_head_max_headers: 10,
            ..ServerConfig::default()
        })
        .await;
        let big = format!(
            "GET /hello/a HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
            "a".repeat(3000)
        );
        let (status, body) = parse_error(&raw(server.addr, big.as_bytes()).await);
        assert_eq!(
            (status, body.error_code.as_deref()),
            (431, Some("HeadersTooLarge"))
        );
        assert_eq!(
            body.message,
            "request head exceeds the limit of 2000 bytes or 10 headers"
        );
        let mut many = String::from("GET /hello/a HTTP/1.1\r\nhost: x\r\n");
        for i in 0..20 {
            many.push_str(&format!("x-h{i}: v\r\n"));
        }
        many.push_str("\r\n");
        let (status, _) = parse_error(&raw(server.addr, many.as_bytes()).await);
        assert_eq!(status, 431);
        for malformed in [
            &b"GET /hello/\xff\xfe HTTP/1.1\r\nhost: x\r\n\r\n"[..],
            b"GET /hello/a?q=\xff HTTP/1.1\r\nhost: x\r\n\r\n",
            b"NOT HTTP AT ALL\r\n\r\n",
            b"GET /hello/a HTTP/1.1\r\nbad header\r\n\r\n",
        ] {
            let (status, body) = parse_error(&raw(server.addr, malformed).await);
            assert_eq!(
                (status, body.error_code.as_deref()),
                (400, Some("BadRequest"))
            );
        }
        // Within the limits the same server answers normally.
        let text = raw(
            server.addr,
            b"GET /hello/a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        )
        .await;
        assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
        server.stop().await;
    })
    .await
    .unwrap();
}

/// The default limit of 100 headers is hyper's own, which the server leaves unset:
/// 100 are served and 101 refused as when it was set.
#[tokio::test]
async fn the_default_header_limit_is_100() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig::default()).await;
        let head = |count: usize| {
            let mut head =
                String::from("GET /hello/a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n");
            for i in 2..count {
                head.push_str(&format!("x-h{i}: v\r\n"));
            }
            head + "\r\n"
        };
        let text = raw(server.addr, head(100).as_bytes()).await;
        assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
        let (status, body) = parse_error(&raw(server.addr, head(101).as_bytes()).await);
        assert_eq!(
            (status, body.error_code.as_deref()),
            (431, Some("HeadersTooLarge"))
        );
        assert_eq!(
            body.message,
            "request head exceeds the limit of 65536 bytes or 100 headers"
        );
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn body_over_the_limit_is_413_while_streaming() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            request_body_max_bytes: 8,
            ..ServerConfig::default()
        })
        .await;
        // Chunked, so no content-length lets the server refuse before reading.
        let request = b"POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n";
        let (status, body) = parse_error(&raw(server.addr, request).await);
        assert_eq!((status, body.error_code.as_deref()), (413, Some("PayloadTooLarge")));
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn observer_is_told_about_every_response() {
    tokio::time::timeout(LIMIT, async {
        let records = Arc::new(Mutex::new(Vec::<ResponseRecord>::new()));
        let sink = records.clone();
        let server = Server::start(ServerConfig {
            observer: Some(Arc::new(move |record: &ResponseRecord| {
                sink.lock().unwrap().push(record.clone());
            })),
            ..ServerConfig::default()
        })
        .await;
        let client = reqwest::Client::new();
        let ok = client
            .get(server.url("/hello/x"))
            .header("x-request-id", "observed-1")
            .send()
            .await
            .unwrap();
        assert_eq!(ok.text().await.unwrap(), "\"hello\"");
        let missing = client.get(server.url("/nowhere")).send().await.unwrap();
        let missing_len = missing.bytes().await.unwrap().len() as u64;
        let records = loop {
            let current = records.lock().unwrap().clone();
            if current.len() >= 2 {
                break current;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let hello = records
            .iter()
            .find(|r| r.request_id == "observed-1")
            .unwrap();
        assert_eq!(hello.status, StatusCode::OK);
        assert_eq!(hello.operation_id, Some("hello"));
        assert_eq!(hello.path_template.as_deref(), Some("/hello/{p0}"));
        assert_eq!(hello.method, http::Method::GET);
        assert_eq!(hello.bytes_sent, 7);
        assert!(hello.completed);
        assert!(hello.latency <= hello.time_to_last_byte);
        let not_found = records
            .iter()
            .find(|r| r.status == StatusCode::NOT_FOUND)
            .unwrap();
        assert_eq!(not_found.operation_id, None);
        assert_eq!(not_found.bytes_sent, missing_len);
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig::default()).await;
        let slow = tokio::spawn(reqwest::get(server.url("/slow")));
        tokio::time::sleep(Duration::from_millis(100)).await;
        server.stop().await;
        let response = slow.await.unwrap().unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.text().await.unwrap(), "\"done\"");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn shutdown_ends_event_streams_instead_of_waiting_for_them() {
    tokio::time::timeout(LIMIT, async {
        // The default shutdown timeout (30 s) would outlast the test's limit.
        let server = Server::start(ServerConfig::default()).await;
        let response = reqwest::get(server.url("/events")).await.unwrap();
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        server.stop().await;
        // The stream ended cleanly: its body is whole, and empty.
        assert_eq!(response.bytes().await.unwrap().len(), 0);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn shutdown_timeout_bounds_the_wait() {
    tokio::time::timeout(LIMIT, async {
        let server = Server::start(ServerConfig {
            shutdown_timeout: Some(Duration::from_millis(50)),
            request_timeout: None,
            ..ServerConfig::default()
        })
        .await;
        // A request whose body never arrives keeps its connection busy for ever.
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        server.stop().await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn config_from_a_toml_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.toml");
    std::fs::write(
        &path,
        "bind_address = \"127.0.0.1:0\"\nrequest_timeout = \"250ms\"\n",
    )
    .unwrap();
    let config = ServerConfig::from_toml_file(&path).unwrap();
    assert_eq!(config.request_timeout, Some(Duration::from_millis(250)));
    std::fs::write(&path, "request_timout = \"250ms\"\n").unwrap();
    let message = ServerConfig::from_toml_file(&path).unwrap_err().to_string();
    assert!(
        message.contains("unknown field `request_timout`"),
        "{message}"
    );
    assert!(message.contains("server.toml"), "{message}");
}

/// Writes a self-signed certificate for `localhost` and returns the TLS config for it.
fn self_signed(dir: &std::path::Path) -> (specfirst_runtime::TlsConfig, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let cert_file = dir.join("cert.pem");
    let key_file = dir.join("key.pem");
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (
        specfirst_runtime::TlsConfig::new(cert_file, key_file),
        cert.der().to_vec(),
    )
}

#[tokio::test]
async fn serves_https() {
    use tokio_rustls::rustls;
    tokio::time::timeout(LIMIT, async {
        let dir = tempfile::tempdir().unwrap();
        let (tls, der) = self_signed(dir.path());
        let server = Server::start(ServerConfig {
            tls: Some(tls),
            ..ServerConfig::default()
        })
        .await;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der.into()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let tcp = TcpStream::connect(server.addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut stream = connector.connect(name, tcp).await.unwrap();
        stream
            .write_all(b"GET /hello/x HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.ends_with("\"hello\""), "{text}");
        // A plain-text client gets no HTTP answer from a TLS port.
        let plain = raw(server.addr, b"GET /hello/x HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert!(!plain.starts_with("HTTP/1.1 200"), "{plain}");
        server.stop().await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn unreadable_tls_files_fail_at_start() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = ServerConfig {
        tls: Some(specfirst_runtime::TlsConfig::new(
            "/nonexistent/cert.pem",
            "/nonexistent/key.pem",
        )),
        ..ServerConfig::default()
    };
    let result = tokio::time::timeout(
        LIMIT,
        serve_with_listener(listener, config, router(), std::future::pending()),
    )
    .await
    .unwrap();
    let message = result.unwrap_err().to_string();
    assert!(message.contains("/nonexistent/cert.pem"), "{message}");
}
