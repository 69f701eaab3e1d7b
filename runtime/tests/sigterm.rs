//! `serve` stops on `SIGTERM` as on Ctrl-C: what Kubernetes, systemd and Docker send. It
//! stops accepting, finishes the requests it is serving (none reset) and exits cleanly.
//! The test runs itself again as a child process serving a slow route, and sends the
//! child `SIGTERM` while requests are in flight.

mod child;
mod soak;

use std::process::Command;
use std::time::Duration;

use specfirst_runtime::{serve, ServerConfig};

/// Set in the child's environment: serve instead of testing.
const CHILD: &str = "SPECFIRST_SIGTERM_CHILD";

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let config = ServerConfig {
            bind_address: ([127, 0, 0, 1], 0).into(),
            ..ServerConfig::default()
        };
        use specfirst_runtime::__private::axum::{routing::get, Router};
        let router = Router::new().route(
            "/slow",
            get(|| async {
                eprintln!("slow request started");
                tokio::time::sleep(Duration::from_millis(800)).await;
                "done"
            }),
        );
        runtime
            .block_on(serve(config, router))
            .expect("serves until terminated");
        return;
    }
    let (mut child, seen) =
        child::spawn("sigterm_finishes_the_request_in_flight_then_exits", CHILD);
    let mut log: Vec<String> = Vec::new();
    let address = child::address(&mut child, &seen, &mut log);

    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    // Under load: many requests in flight when the signal comes (`cargo xtask soak`
    // sends more).
    let in_flight = soak::scale("SPECFIRST_SOAK_IN_FLIGHT", 20);
    let client = reqwest::Client::new();
    let requests: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, url) = (client.clone(), format!("http://{address}/slow"));
            runtime.spawn(async move {
                let response = client.get(url).send().await?;
                let status = response.status();
                Ok::<_, reqwest::Error>((status, response.text().await?))
            })
        })
        .collect();
    child::wait_for_lines(
        &mut child,
        &seen,
        &mut log,
        "slow request started",
        in_flight,
    );
    let signalled = std::time::Instant::now();
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());

    for request in requests {
        let (status, body) = runtime
            .block_on(request)
            .expect("the request task")
            .expect("the request in flight is answered, not reset");
        assert_eq!(status, 200);
        assert_eq!(body, "done");
    }
    let exit = child.wait().expect("the child ends");
    soak::record(
        "shutdown",
        serde_json::json!({
            "in_flight": in_flight,
            "answered": in_flight,
            "lost": 0,
            "exit_ms": signalled.elapsed().as_secs_f64() * 1000.0,
        }),
    );
    log.extend(seen.iter());
    let text = log.join("\n");
    assert!(exit.success(), "{exit}: {text}");
    assert!(text.contains("signal=\"SIGTERM\""), "{text}");
    assert!(text.contains("shutting down"), "{text}");
    // Stopped accepting: nothing listens there now.
    let after = runtime.block_on(reqwest::get(format!("http://{address}/slow")));
    assert!(after.is_err(), "{after:?}");
}
