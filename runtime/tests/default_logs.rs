//! `serve` in an application that installed no tracing subscriber logs to stderr where it
//! listens, and how to change that. The test runs itself again as a child process, so the
//! child's stderr and its global subscriber are its own; the child serves until the
//! parent interrupts it as Ctrl-C would.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "serve_without_a_subscriber_logs_to_stderr",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let stderr = child.stderr.take().expect("piped");
    let (lines, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut log = Vec::new();
    while !log
        .iter()
        .any(|line: &String| line.contains("listening on"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match seen.recv_timeout(left) {
            Ok(line) => log.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("no `listening` line within 30 s: {log:#?}");
            }
        }
    }
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
