//! Event streams end when the server shuts down: they have no end of their own, and
//! a graceful shutdown would otherwise wait out its timeout for them. Clients reconnect
//! elsewhere, with `Last-Event-ID`. Other streams, such as a download, are finished.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use specfirst_model::streams::{framing_of, Framing};
use tokio::sync::watch;

/// `response`, whose body ends between two frames once `draining` turns `true` when it
/// is a stream of Server-Sent Events.
pub(crate) fn until_drained(response: Response, draining: &watch::Receiver<bool>) -> Response {
    if !is_event_stream(&response) {
        return response;
    }
    let draining = draining.clone();
    response.map(|body| Body::new(UntilDrained::new(body, draining)))
}

/// Whether `response` is a stream of Server-Sent Events.
fn is_event_stream(response: &Response) -> bool {
    response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| framing_of(value) == Some(Framing::Events))
}

/// A response body that ends, between two of its frames, once shutdown begins.
struct UntilDrained {
    body: Body,
    drained: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl UntilDrained {
    fn new(body: Body, mut draining: watch::Receiver<bool>) -> Self {
        let drained = Box::pin(async move {
            // A dropped sender means the server is gone: that ends the stream too.
            let _ = draining.wait_for(|draining| *draining).await;
        });
        Self { body, drained }
    }
}

impl http_body::Body for UntilDrained {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if self.drained.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Pin::new(&mut self.body).poll_frame(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_event_streams_are_drained() {
        let with = |content_type: &str| {
            let response = Response::builder()
                .header(http::header::CONTENT_TYPE, content_type)
                .body(Body::empty())
                .unwrap();
            is_event_stream(&response)
        };
        assert!(with("text/event-stream"));
        assert!(with("Text/Event-Stream; charset=utf-8"));
        assert!(with(" text/event-stream"));
        assert!(!with("text/plain"));
        assert!(!with("application/json"));
        assert!(!with("application/x-ndjson"));
        assert!(!is_event_stream(&Response::new(Body::empty())));
    }
}
