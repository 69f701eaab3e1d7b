//! A handler panic is logged with the request id. This binary installs a global subscriber,
//! so it holds this one test only.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use specfirst_runtime::__private::{finish_router, RawRequest};
use specfirst_runtime::{serve_with_listener, RouterOptions, ServerConfig};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn boom(input: RawRequest) -> Response {
    let _ctx = input.context("boom");
    panic!("kaboom in handler");
}

#[tokio::test]
async fn panic_is_logged_with_the_request_id() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    tokio::time::timeout(Duration::from_secs(20), async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/boom", listener.local_addr().unwrap());
        let router = finish_router(
            Router::new().route("/boom", get(boom)),
            "{}",
            &RouterOptions::default(),
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_with_listener(
            listener,
            ServerConfig::default(),
            router,
            async {
                let _ = rx.await;
            },
        ));
        let response = reqwest::Client::new()
            .get(&url)
            .header("x-request-id", "panic-req-42")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 500);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["request_id"], "panic-req-42");
        assert_eq!(body["error_code"], "Internal");
        // The panic message stays in the log, not in the response.
        assert_eq!(body["message"], "internal error");
        let _ = tx.send(());
        server.await.unwrap().unwrap();
    })
    .await
    .unwrap();
    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|line| line.contains("handler panicked") && line.contains("ERROR"))
        .unwrap_or_else(|| panic!("no panic line in {log}"));
    assert!(line.contains("request_id=panic-req-42"), "{line}");
    assert!(line.contains("kaboom in handler"), "{line}");
    assert!(
        line.contains("operation_id=\"boom\"") || line.contains("operation_id=boom"),
        "{line}"
    );
    // The server opens the span before routing; the router records the route on it.
    assert!(
        line.contains("path=\"/boom\"") || line.contains("path=/boom"),
        "{line}"
    );
}
