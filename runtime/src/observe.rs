//! Telling an [`Observer`] about each response once its last byte has gone out.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::MatchedPath;
use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use http_body::{Body as _, Frame, SizeHint};

use crate::head_errors::InFlight;
use crate::request_id;

/// Receives a [`ResponseRecord`] for every request the server answered.
///
/// It is called once per request, after hyper has taken the last byte of the response body
/// for writing, or when the response was abandoned because the connection failed. It runs
/// on the connection's task, so it should return quickly (push to a channel or update
/// counters).
///
/// Any `Fn(&ResponseRecord) + Send + Sync + 'static` closure is an observer.
pub trait Observer: Send + Sync + 'static {
    /// Called once per finished or abandoned response.
    fn response_finished(&self, record: &ResponseRecord);
}

impl<F: Fn(&ResponseRecord) + Send + Sync + 'static> Observer for F {
    fn response_finished(&self, record: &ResponseRecord) {
        self(record)
    }
}

/// What happened to one request, as told to an [`Observer`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResponseRecord {
    /// The request id, as echoed in `x-request-id`.
    pub request_id: String,
    /// The OpenAPI `operationId`, when the request reached a generated handler.
    pub operation_id: Option<&'static str>,
    /// The request method.
    pub method: Method,
    /// The route template that matched (such as `/books/{p0}`), when one did.
    pub path_template: Option<String>,
    /// The response status.
    pub status: StatusCode,
    /// Response body bytes handed to the connection.
    pub bytes_sent: u64,
    /// Time from the request head being read to the response head being ready.
    pub latency: Duration,
    /// Time from the request head being read to the last body byte being handed over, or
    /// to the response being abandoned.
    pub time_to_last_byte: Duration,
    /// `false` when the response was abandoned before its end, such as when the client
    /// closed the connection.
    pub completed: bool,
    /// What the response the implementation gave breaks of the operation's declared
    /// responses, one line each, when `ServerConfig::response_checks` is on; empty when
    /// it breaks nothing or was not checked.
    pub response_violations: Vec<String>,
}

/// What the router learns of a request that the observer's record needs: the route
/// template that matched (set by the router's middleware) and the operation serving it
/// (set by the generated handler). The server puts it on a request only when there is an
/// observer to tell.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routed(Arc<RoutedSlots>);

#[derive(Debug, Default)]
struct RoutedSlots {
    path_template: OnceLock<MatchedPath>,
    operation_id: OnceLock<&'static str>,
    response_violations: OnceLock<Vec<String>>,
}

impl Routed {
    /// Records the route template that matched.
    pub(crate) fn set_path_template(&self, path: &MatchedPath) {
        let _ = self.0.path_template.set(path.clone());
    }

    /// Records the operation serving the request.
    pub(crate) fn set_operation_id(&self, operation_id: &'static str) {
        let _ = self.0.operation_id.set(operation_id);
    }

    /// Records what the response breaks of the operation's declared responses.
    pub(crate) fn set_response_violations(&self, violations: Vec<String>) {
        let _ = self.0.response_violations.set(violations);
    }
}

/// The requests being handled at once, against `ServerConfig::max_concurrent_requests`.
///
/// A counter rather than a semaphore: a request over the limit is refused at once, never
/// queued, so nothing ever waits for a permit.
#[derive(Debug)]
pub(crate) struct Admission {
    limit: usize,
    current: Arc<AtomicUsize>,
}

impl Admission {
    /// Room for `limit` requests at once.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            current: Arc::default(),
        }
    }

    /// A place for one more request, or `None` when `limit` are being handled already.
    pub(crate) fn admit(&self) -> Option<Admitted> {
        if self.current.fetch_add(1, Ordering::AcqRel) >= self.limit {
            self.current.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Admitted(self.current.clone()))
    }
}

/// One request's place under the limit, given back when dropped.
#[derive(Debug)]
pub(crate) struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Everything needed to finish a [`ResponseRecord`] when the body ends. Held as the
/// request had it (shared header value, route), and turned into the record's strings only
/// when there is an observer to give it to.
pub(crate) struct Pending {
    pub(crate) observer: Option<Arc<dyn Observer>>,
    pub(crate) span: tracing::Span,
    pub(crate) request_id: HeaderValue,
    pub(crate) routed: Option<Routed>,
    pub(crate) method: Method,
    pub(crate) status: StatusCode,
    pub(crate) started: Instant,
    pub(crate) latency: Duration,
    /// Held until the body is done, so streaming responses count against the limit.
    pub(crate) admitted: Option<Admitted>,
    /// Keeps the connection's writer from mistaking this response for one of hyper's own.
    pub(crate) _in_flight: Option<InFlight>,
}

/// A response body that counts bytes and reports once it ends or is dropped.
pub(crate) struct ObservedBody {
    inner: Body,
    sent: u64,
    pending: Option<Pending>,
}

impl ObservedBody {
    pub(crate) fn new(inner: Body, pending: Pending) -> Self {
        Self {
            inner,
            sent: 0,
            pending: Some(pending),
        }
    }

    fn finish(&mut self, completed: bool) {
        let Some(mut pending) = self.pending.take() else {
            return;
        };
        drop(pending.admitted.take());
        // With neither an observer nor `info` lines there is no one to tell: no clock read.
        if pending.observer.is_none() && !tracing::level_enabled!(tracing::Level::INFO) {
            return;
        }
        let time_to_last_byte = pending.started.elapsed();
        let status = pending.status.as_u16();
        // Field values are only evaluated when the event is enabled, so this costs a level
        // check when logging is off.
        tracing::info!(
            parent: &pending.span,
            status,
            bytes_sent = self.sent,
            latency_us = pending.latency.as_micros() as u64,
            time_to_last_byte_us = time_to_last_byte.as_micros() as u64,
            completed,
            "request completed"
        );
        if let Some(observer) = pending.observer {
            let routed = pending.routed.as_ref();
            observer.response_finished(&ResponseRecord {
                request_id: request_id::text(&pending.request_id).to_owned(),
                operation_id: routed.and_then(|routed| routed.0.operation_id.get().copied()),
                method: pending.method,
                path_template: routed
                    .and_then(|routed| routed.0.path_template.get())
                    .map(|path| path.as_str().to_owned()),
                status: pending.status,
                bytes_sent: self.sent,
                latency: pending.latency,
                time_to_last_byte,
                completed,
                response_violations: routed
                    .and_then(|routed| routed.0.response_violations.get().cloned())
                    .unwrap_or_default(),
            });
        }
    }
}

impl http_body::Body for ObservedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.sent += data.len() as u64;
                }
                // hyper stops polling once the size hint says the body is done, so the end
                // has to be noticed here rather than only on `None`.
                if this.inner.is_end_stream() {
                    this.finish(true);
                }
            }
            Poll::Ready(None) => this.finish(true),
            Poll::Ready(Some(Err(_))) => this.finish(false),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for ObservedBody {
    fn drop(&mut self) {
        // hyper never polls a body that is empty from the start, and drops an unfinished
        // one when the connection fails; both end up here.
        let completed = self.inner.is_end_stream();
        self.finish(completed);
    }
}

/// A request body that notes when the client has sent all of it, so a timeout can tell a
/// slow client (408) from a slow handler (503).
pub(crate) struct TrackedBody {
    inner: Body,
    done: Arc<AtomicBool>,
}

impl TrackedBody {
    pub(crate) fn new(inner: Body, done: Arc<AtomicBool>) -> Self {
        if inner.is_end_stream() {
            done.store(true, Ordering::Relaxed);
        }
        Self { inner, done }
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || this.inner.is_end_stream() {
            this.done.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
