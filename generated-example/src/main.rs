//! Runs the in-memory Bookshelf API server until Ctrl-C.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use generated_example::Bookshelf;
use specfirst_runtime::ServerConfig;
use tracing_subscriber::EnvFilter;

/// Serves the Bookshelf API from `specs/bookshelf.yaml`, keeping books in memory.
#[derive(Debug, Parser)]
#[command(name = "generated-example", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Largest request body accepted, in bytes; larger bodies get a 413.
    #[arg(long, value_name = "BYTES", default_value_t = ServerConfig::default().request_body_max_bytes)]
    body_limit: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            // An unset or unparsable RUST_LOG should not silence the server.
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = ServerConfig {
        bind_address: args.bind,
        request_body_max_bytes: args.body_limit,
    };
    let app = generated_example::app(Arc::new(Bookshelf::new()));
    specfirst_runtime::serve(config, app)
        .await
        .with_context(|| format!("serving on {}", args.bind))
}
