//! Serving a generated router on 127.0.0.1 for the HTTP tests of this crate.

use serde_json::Value;
use specfirst_runtime::__private::axum::Router;
use specfirst_runtime::{serve_with_listener, ServerConfig, StatusCode};

/// Serves `router` with the default config on an ephemeral port; the server stops when
/// the returned sender drops.
#[allow(dead_code)] // Each test crate uses one of the two.
pub async fn start(router: Router) -> (String, tokio::sync::oneshot::Sender<()>) {
    start_with(router, ServerConfig::default()).await
}

/// [`start`] with `config`.
pub async fn start_with(
    router: Router,
    config: ServerConfig,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_with_listener(listener, config, router, async {
        let _ = stopped.await;
    }));
    (format!("http://{address}"), stop)
}

/// The status and JSON body of an error response, which must be JSON.
#[allow(dead_code)] // Used by the tests of some specs only.
pub async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = StatusCode::from_u16(response.status().as_u16()).expect("a status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string());
    assert_eq!(content_type.as_deref(), Some("application/json"));
    (status, response.json().await.expect("a JSON error body"))
}
