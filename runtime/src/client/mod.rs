//! What generated clients call: a [`Client`] holding a transport and credentials, an
//! [`Outgoing`] request each operation's method writes with the same parameter
//! descriptions the server decodes with, and the [`Incoming`] response its decoder
//! reads back into the operation's response enum.
//!
//! Two transports: [`Client::in_process`] calls an axum router directly, with no socket,
//! for tests; [`Client::http`] (feature `http-client`) calls a running server through
//! reqwest.

mod credentials;
mod error;
mod incoming;
mod outgoing;

use std::sync::Arc;

use http_body_util::BodyExt;
use specfirst_model::streams::framing_of;
use tower::ServiceExt;

use crate::BodyStream;

pub use credentials::{Credential, Presented, Scheme};
pub use error::ClientError;
pub use incoming::Incoming;
pub use outgoing::{MultipartWriter, Outgoing};

/// How requests reach the server.
#[derive(Clone)]
enum Transport {
    /// Straight into the router.
    InProcess(axum::Router),
    /// Over HTTP, to the server at `base` (scheme, host, port and any path prefix).
    #[cfg(feature = "http-client")]
    Http {
        client: reqwest::Client,
        base: Arc<str>,
    },
}

/// A connection to a server of the API and the credentials to present to it; the
/// generated client of an API wraps one and adds a method per operation.
///
/// Cheap to clone: clones share the transport.
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    credentials: Arc<Vec<(String, Credential)>>,
    headers: Arc<http::HeaderMap>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::InProcess(_) => "in process".to_owned(),
            #[cfg(feature = "http-client")]
            Transport::Http { base, .. } => base.to_string(),
        };
        f.debug_struct("Client")
            .field("transport", &transport)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl Client {
    /// A client that calls `router` (what a generated `router` function returns) in
    /// this process: each call runs the router's whole stack, from routing and
    /// authentication to response checks, without a socket.
    pub fn in_process(router: axum::Router) -> Self {
        Self {
            transport: Transport::InProcess(router),
            credentials: Arc::default(),
            headers: Arc::default(),
        }
    }

    /// A client of the server at `base_url` (`http://127.0.0.1:3000`, or with the
    /// path prefix the server is mounted under), through a new reqwest client that
    /// follows no redirects: a `3XX` the operation declares is its answer, read into
    /// its variant as the in-process client reads it.
    #[cfg(feature = "http-client")]
    pub fn http(base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self::http_with(client, base_url)
    }

    /// [`http`](Self::http) through `client`, configured by the application (timeouts,
    /// proxies, redirects; `https` needs one of reqwest's TLS features enabled).
    #[cfg(feature = "http-client")]
    pub fn http_with(client: reqwest::Client, base_url: &str) -> Self {
        Self {
            transport: Transport::Http {
                client,
                base: Arc::from(base_url.trim_end_matches('/')),
            },
            credentials: Arc::default(),
            headers: Arc::default(),
        }
    }

    /// The same client presenting `credential` for the security scheme named `scheme`
    /// in the spec; a later credential for the same scheme replaces an earlier one.
    pub fn with_credential(mut self, scheme: &str, credential: Credential) -> Self {
        let credentials = Arc::make_mut(&mut self.credentials);
        credentials.retain(|(name, _)| name != scheme);
        credentials.push((scheme.to_owned(), credential));
        self
    }

    /// The same client adding the header `name: value` to every request, where the
    /// operation's own parameters do not set it (a mock's `Prefer`, a trace's
    /// `traceparent`).
    pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        Arc::make_mut(&mut self.headers).append(name, value);
        self
    }

    /// Sends `request` with the credentials of the first of `requirements` this client
    /// holds, and reads the whole response.
    pub async fn send(
        &self,
        request: Outgoing,
        requirements: &[&[Scheme]],
    ) -> Result<Incoming, ClientError> {
        let operation = request.operation();
        let failed = |message: String| ClientError::Transport { operation, message };
        let mut request = request.into_request(requirements, &self.credentials)?;
        for (name, value) in self.headers.iter() {
            if !request.headers().contains_key(name) {
                request.headers_mut().append(name, value.clone());
            }
        }
        match &self.transport {
            Transport::InProcess(router) => {
                let response = router
                    .clone()
                    .oneshot(request)
                    .await
                    .map_err(|e| failed(e.to_string()))?;
                let (parts, body) = response.into_parts();
                if streams_items(&parts.headers) {
                    let body = BodyStream::response(body);
                    return Ok(Incoming::arriving(
                        operation,
                        parts.status,
                        parts.headers,
                        body,
                    ));
                }
                let body = body
                    .collect()
                    .await
                    .map_err(|e| failed(format!("reading the response: {e}")))?
                    .to_bytes();
                Ok(Incoming::new(operation, parts.status, parts.headers, body))
            }
            #[cfg(feature = "http-client")]
            Transport::Http { client, base } => {
                let (parts, body) = request.into_parts();
                let body = collect(body)
                    .await
                    .map_err(|e| failed(format!("reading the request body: {e}")))?;
                let url = format!("{base}{}", parts.uri);
                let response = client
                    .request(parts.method, &url)
                    .headers(parts.headers)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| failed(format!("{url}: {e}")))?;
                let status = response.status();
                let headers = response.headers().clone();
                if streams_items(&headers) {
                    let body = axum::body::Body::from_stream(response.bytes_stream());
                    let body = BodyStream::response(body);
                    return Ok(Incoming::arriving(operation, status, headers, body));
                }
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| failed(format!("reading the response: {e}")))?;
                Ok(Incoming::new(operation, status, headers, body))
            }
        }
    }
}

/// Whether a response with `headers` is of a streamed media type (events, JSON Lines,
/// json-seq), whose body is read as it arrives rather than whole: a feed may not end.
fn streams_items(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(framing_of)
        .is_some()
}

/// A request body read whole, for a transport that sends bytes.
#[cfg(feature = "http-client")]
async fn collect(body: axum::body::Body) -> Result<bytes::Bytes, axum::Error> {
    Ok(body.collect().await?.to_bytes())
}

#[cfg(all(test, feature = "http-client"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_redirect_is_an_answer_not_followed() {
        let router = axum::Router::new()
            .route(
                "/moved",
                axum::routing::get(|| async {
                    (http::StatusCode::SEE_OTHER, [("location", "/there")], "")
                }),
            )
            .route("/there", axum::routing::get(|| async { "arrived" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let incoming = Client::http(&base)
            .send(Outgoing::new("op", "GET", "/moved"), &[])
            .await
            .expect("an answer");
        assert_eq!(incoming.code(), 303);
        assert_eq!(incoming.headers()["location"], "/there");
        server.abort();
    }
}
