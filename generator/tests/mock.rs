//! `specfirst mock`: any spec served with no code, its answers from the spec's examples
//! or values made to fit its schemas, requests validated as a generated server does.
//! Builds the mock with cargo in the workspace's target directory, as a user's first
//! run would in its own.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::{root, specfirst, text};

/// The mock server, stopped when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request with `headers`; the status and the body.
fn call(port: u16, method: &str, path: &str, headers: &[&str]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the mock accepts");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("content-length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("an answer");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_default();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

#[test]
fn any_spec_is_served_from_its_examples_with_no_code() {
    let cache = tempfile::tempdir().expect("a temp dir");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let spec = root().join("specs/petstore.yaml");
    let cache_dir = cache.path().to_str().expect("a UTF-8 path");
    let built = specfirst(
        &[
            "mock",
            spec.to_str().expect("a UTF-8 path"),
            "--cache-dir",
            cache_dir,
            "--target-dir",
            target.to_str().expect("a UTF-8 path"),
            "--build-only",
        ],
        &root(),
    );
    assert!(built.status.success(), "{}", text(&built.stderr));
    let binary = text(&built.stdout).trim().to_owned();

    // Arguments it cannot use are refused, each named, before anything is served.
    for (args, named) in [
        (&["127.0.0.1:0", "--verbose"][..], "--verbose"),
        (&["127.0.0.1:0", "--credential"][..], "--credential"),
        (&["localhost-ish"][..], "localhost-ish"),
    ] {
        let refused = Command::new(&binary).args(args).output().expect("runs");
        assert!(!refused.status.success(), "{args:?} was taken");
        let said = text(&refused.stderr);
        assert!(
            said.starts_with("specfirst-mock-server: ") && said.contains(named),
            "{args:?}: {said}"
        );
    }

    let port = free_port();
    let _served = Served(
        Command::new(&binary)
            .arg(format!("127.0.0.1:{port}"))
            .spawn()
            .expect("the mock starts"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the mock never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The first success, its body made to fit `Pet` (required `id` and `name`).
    let (status, body) = call(port, "GET", "/pets/7", &[]);
    assert_eq!(status, 200, "{body}");
    let pet: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(pet["id"].is_i64() && pet["name"].is_string(), "{pet}");
    // `default` answers any status asked for, in the spec's `Error`.
    let (status, body) = call(port, "GET", "/pets/7", &["prefer: code=503"]);
    assert_eq!(status, 503, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(
        error["code"].is_i64() && error["message"].is_string(),
        "{error}"
    );
    // Requests are validated as the generated server does.
    let (status, body) = call(port, "GET", "/pets?limit=101", &[]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("limit"), "{body}");
    let (status, body) = call(port, "POST", "/pets", &[]);
    assert_eq!(status, 400, "{body}");

    // The same spec again is the same build: only the binary starts.
    let again = specfirst(
        &[
            "mock",
            spec.to_str().expect("a UTF-8 path"),
            "--cache-dir",
            cache_dir,
            "--target-dir",
            target.to_str().expect("a UTF-8 path"),
            "--build-only",
        ],
        &root(),
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(text(&again.stdout).trim(), binary);
}

#[test]
fn a_spec_that_cannot_be_served_names_the_bad_node() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let spec = dir.path().join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n",
    )
    .expect("written");
    let output = specfirst(
        &["mock", spec.to_str().expect("a UTF-8 path"), "--cache-dir"],
        dir.path(),
    );
    assert!(!output.status.success());
    let output = specfirst(
        &[
            "mock",
            spec.to_str().expect("a UTF-8 path"),
            "--cache-dir",
            dir.path().join("cache").to_str().expect("a UTF-8 path"),
            "--build-only",
        ],
        dir.path(),
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("bad.yaml"), "{stderr}");
    assert!(stderr.contains("/paths/~1x/get/responses"), "{stderr}");
}
