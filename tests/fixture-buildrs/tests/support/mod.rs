//! Serving a generated router on 127.0.0.1 for the HTTP tests of this crate.

use specfirst_runtime::__private::axum::Router;
use specfirst_runtime::{serve_with_listener, ServerConfig};

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
