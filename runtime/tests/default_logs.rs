//! `serve` in an application that installed no tracing subscriber logs to stderr where it
//! listens, and how to change that. The test runs itself again as a child process, so the
//! child's stderr and its global subscriber are its own; the child serves until the
//! parent interrupts it as Ctrl-C would.

mod child;

use std::process::Command;

use specfirst_runtime::{serve, ServerConfig};

/// Set in the child's environment: serve instead of testing.
const CHILD: &str = "SPECFIRST_DEFAULT_LOGS_CHILD";

#[test]
fn serve_without_a_subscriber_logs_to_stderr() {
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let config = ServerConfig {
            bind_address: ([127, 0, 0, 1], 0).into(),
            ..ServerConfig::default()
        };
        let router = specfirst_runtime::__private::axum::Router::new();
        runtime
            .block_on(serve(config, router))
            .expect("serves until interrupted");
        return;
    }
    let (mut child, seen) = child::spawn("serve_without_a_subscriber_logs_to_stderr", CHILD);
    let mut log = Vec::new();
    child::wait_for(&mut child, &seen, &mut log, "listening on");
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let status = child.wait().expect("the child ends");
    // The reader ends with the child's stderr, so every line it wrote is in the log.
    log.extend(seen.iter());
    let text = log.join("\n");
    assert!(status.success(), "{status}: {text}");
    assert!(text.contains(" INFO "), "{text}");
    assert!(text.contains("listening on http://127.0.0.1:"), "{text}");
    assert!(
        text.contains("RUST_LOG=debug shows more, RUST_LOG=off nothing"),
        "{text}"
    );
    assert!(text.contains("shutting down"), "{text}");
}
