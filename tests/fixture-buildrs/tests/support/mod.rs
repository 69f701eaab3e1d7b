//! The one test server: a router served on an ephemeral port of 127.0.0.1, and requests
//! to it by path.
//!
//! Every HTTP test of this crate uses it, and so do the tests of `generated-example` and
//! `specfirst-progenitor-client`, which compile this file as their own module with
//! `#[path]`: no helper crate, workspace member or manifest change. So it names only what
//! all three have: `specfirst_runtime`, `tokio`, `serde_json` and `reqwest` (0.13 in
//! `specfirst-progenitor-client`, progenitor's; what is used here is the same in 0.12).
//! The runtime's own tests keep their support module: the runtime is published, and its
//! tests must not reach outside its package.

#![allow(dead_code)] // Each test file uses part of it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use specfirst_runtime::__private::axum::Router;
use specfirst_runtime::{
    serve_with_listener, ResponseChecks, ResponseRecord, ServerConfig, StatusCode,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server and a client for it; dropping it stops the server, so a test that
/// panics does not leave one behind.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://` and `addr`, the start of every URL.
    pub base: String,
    /// The client the request methods use.
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Serves `router` with the default config, its response checks strict: what a test's
/// implementation answers is held against the spec, and a response that breaks it is a
/// 500 the test sees.
pub async fn start(router: Router) -> Server {
    let config = ServerConfig {
        response_checks: ResponseChecks::Strict,
        ..ServerConfig::default()
    };
    start_with(router, config).await
}

/// What the observer was told of each response, in order.
pub type Told = Arc<Mutex<Vec<ResponseRecord>>>;

/// Serves `router` with its response checks as `checks` says and an observer that keeps
/// every response's record in the list it returns.
pub async fn start_observed(router: Router, checks: ResponseChecks) -> (Server, Told) {
    let told = Told::default();
    let kept = told.clone();
    let config = ServerConfig {
        response_checks: checks,
        observer: Some(Arc::new(move |record: &ResponseRecord| {
            kept.lock().expect("records").push(record.clone());
        })),
        ..ServerConfig::default()
    };
    (start_with(router, config).await, told)
}

/// The violations the observer was told of for the last response; the record comes
/// once the body's last byte is out, which may be just after the client has it.
pub async fn last_violations(told: &Told) -> Vec<String> {
    for _ in 0..200 {
        if let Some(record) = told.lock().expect("records").last() {
            return record.response_violations.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the observer was told nothing");
}

/// Serves `router` with `config`.
pub async fn start_with(router: Router, config: ServerConfig) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_with_listener(listener, config, router, async {
        // A dropped sender also means "stop".
        let _ = stopped.await;
    }));
    Server {
        addr,
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        stop: Some(stop),
        task: Some(task),
    }
}

impl Server {
    /// The URL of `path`, which starts with `/` and may carry a query.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A `method` request for `path`.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A `GET` request for `path`.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::GET, path)
    }

    /// A `POST` request for `path`.
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::POST, path)
    }

    /// A `PUT` request for `path`.
    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::PUT, path)
    }

    /// A `DELETE` request for `path`.
    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::DELETE, path)
    }

    /// Stops the server and waits for its graceful shutdown, which must succeed.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("the server task")
                .expect("a clean shutdown");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The status and JSON body of an error response, which must be JSON.
pub async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = StatusCode::from_u16(response.status().as_u16()).expect("a status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string());
    assert_eq!(content_type.as_deref(), Some("application/json"));
    (status, response.json().await.expect("a JSON error body"))
}
