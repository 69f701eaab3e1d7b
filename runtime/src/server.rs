//! Running a finished router on a TCP listener.

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::{Extension, Router};
use tokio::net::TcpListener;

use crate::body::{BodyLimit, DEFAULT_BODY_LIMIT};

/// Server settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on. Defaults to `127.0.0.1:8080`.
    pub bind_address: SocketAddr,
    /// Largest request body accepted, in bytes; larger bodies get a 413. Defaults to 1 MiB.
    pub request_body_max_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind_address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_body_max_bytes: DEFAULT_BODY_LIMIT,
        }
    }
}

/// Binds `config.bind_address` and serves `router` until Ctrl-C, then finishes in-flight
/// requests before returning.
pub async fn serve(config: ServerConfig, router: Router) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.bind_address).await?;
    serve_with_listener(listener, config, router, async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            // Without a signal handler the server can only be stopped by killing it; keep
            // serving rather than shutting down at once.
            tracing::warn!(error = %e, "cannot listen for ctrl-c; graceful shutdown disabled");
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// Serves `router` on an already bound listener until `shutdown` completes, then finishes
/// in-flight requests before returning. `config.bind_address` is ignored.
pub async fn serve_with_listener(
    listener: TcpListener,
    config: ServerConfig,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, "listening");
    // axum's own limit would reject bodies before ours and with a plain-text error.
    let app = router
        .layer(DefaultBodyLimit::disable())
        .layer(Extension(BodyLimit(config.request_body_max_bytes)));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
