//! JSON bodies for the errors hyper answers by itself.
//!
//! When a request head cannot be parsed (bad bytes in the request line, a malformed header,
//! a head over the size or count limit), hyper writes a bare `400`, `414` or `431` with an
//! empty body and closes the connection, without ever calling the service. hyper offers no
//! hook for that response, so the connection's writer recognises it and writes the JSON
//! error shape in its place.
//!
//! A write is taken for such a response only when no request on the connection is in
//! progress (every response seen by the service has finished), it starts with an error
//! status line, and its head declares an empty body but lacks `x-request-id`, which every
//! response built by this crate carries.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::ErrorBody;

/// Counts the requests on one connection whose responses are not finished yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct InFlightCounter(Arc<AtomicUsize>);

impl InFlightCounter {
    /// Marks a request as started; it stays in flight until the returned guard is
    /// dropped.
    pub(crate) fn enter(&self) -> InFlight {
        self.0.fetch_add(1, Ordering::AcqRel);
        InFlight(self.0.clone())
    }

    fn idle(&self) -> bool {
        self.0.load(Ordering::Acquire) == 0
    }
}

/// Keeps a request counted as in flight while it, or any clone of it, is alive (each
/// clone counts once more). The server middleware takes it out of the request's
/// extensions and hands it to the response body, so it lives until the response's last
/// byte.
#[derive(Debug)]
pub(crate) struct InFlight(Arc<AtomicUsize>);

impl Clone for InFlight {
    fn clone(&self) -> Self {
        self.0.fetch_add(1, Ordering::AcqRel);
        InFlight(self.0.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Limits quoted in the 431 message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HeadLimits {
    pub(crate) max_bytes: usize,
    pub(crate) max_headers: usize,
}

/// A connection stream that replaces hyper's automatic error responses.
pub(crate) struct RewriteHeadErrors<S> {
    inner: S,
    in_flight: InFlightCounter,
    limits: HeadLimits,
    /// The JSON response being written instead of hyper's, and how much of it is out.
    replacement: Option<(Vec<u8>, usize)>,
}

impl<S> RewriteHeadErrors<S> {
    pub(crate) fn new(inner: S, in_flight: InFlightCounter, limits: HeadLimits) -> Self {
        Self {
            inner,
            in_flight,
            limits,
            replacement: None,
        }
    }
}

/// The status of hyper's automatic response, when `buf` is one.
fn automatic_status(buf: &[u8]) -> Option<StatusCode> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let status = StatusCode::from_bytes(rest.get(..3)?).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?.to_ascii_lowercase();
    let empty = head.contains("\r\ncontent-length: 0");
    (empty && !head.contains("\r\nx-request-id:")).then_some(status)
}

fn replacement(status: StatusCode, limits: HeadLimits) -> Vec<u8> {
    let (code, message) = match status {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "HeadersTooLarge",
            format!(
                "request head exceeds the limit of {} bytes or {} headers",
                limits.max_bytes, limits.max_headers
            ),
        ),
        StatusCode::URI_TOO_LONG => ("UriTooLong", "request URI is too long".to_owned()),
        _ => (
            "BadRequest",
            "malformed request: the request line or a header could not be parsed".to_owned(),
        ),
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::debug!(status = status.as_u16(), %request_id, "rejected an unparseable request head");
    let body = serde_json::to_vec(&ErrorBody {
        request_id: request_id.clone(),
        error_code: Some(code.to_owned()),
        message,
    })
    .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: {request_id}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

impl<S: AsyncRead + Unpin> AsyncRead for RewriteHeadErrors<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for RewriteHeadErrors<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacement.is_none() && this.in_flight.idle() {
            if let Some(status) = automatic_status(buf) {
                this.replacement = Some((replacement(status, this.limits), 0));
            }
        }
        let Some((bytes, written)) = &mut this.replacement else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        // hyper offers the same buffer again until we report it written, so the whole
        // replacement goes out before hyper's bytes are claimed as sent.
        while *written < bytes.len() {
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs.iter().find(|b| !b.is_empty());
        let inspect = this.replacement.is_some()
            || (this.in_flight.idle() && first.is_some_and(|b| automatic_status(b).is_some()));
        match first {
            // A short write is allowed, so the first slice can be handled on its own.
            Some(first) if inspect => Pin::new(this).poll_write(cx, first),
            _ => Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_bare_error_heads() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            automatic_status(bare),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nx-request-id: a\r\n\r\n";
        assert_eq!(automatic_status(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(automatic_status(ok), None);
        assert_eq!(automatic_status(b"HTTP/1.1 400 Bad"), None);
        assert_eq!(automatic_status(b"{\"a\":1}"), None);
    }

    #[test]
    fn replacement_is_json() {
        let limits = HeadLimits {
            max_bytes: 10,
            max_headers: 2,
        };
        let text = String::from_utf8(replacement(StatusCode::BAD_REQUEST, limits)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let body: ErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(body.error_code.as_deref(), Some("BadRequest"));
        assert!(head.contains(&format!("x-request-id: {}", body.request_id)));
    }
}
