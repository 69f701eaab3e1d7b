//! Binary bodies that need not fit in memory: [`BodyStream`] hands a request body to the
//! handler chunk by chunk, and [`Binary`] answers with whole bytes or a stream.

use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use futures_core::Stream;
use http::{header, HeaderMap};
use http_body::Body as _;
use http_body_util::{BodyExt, Limited};

use crate::body;
use crate::HttpError;

/// A request body of a media type without a decoder (`application/octet-stream`,
/// `image/*`, `*/*`), read as it arrives.
///
/// The operation's body limit still holds: a declared `content-length` over it is refused
/// with 413 before the handler runs, and a body that grows past it while streaming ends
/// with the same 413 error. Take chunks with [`next_chunk`](Self::next_chunk) or as a
/// [`Stream`], or the whole (remaining) body with [`bytes`](Self::bytes).
pub struct BodyStream {
    /// `None` once the body has ended or failed, so the stream stays finished.
    body: Option<Limited<Body>>,
    limit: usize,
    content_type: Option<String>,
}

impl BodyStream {
    /// The body of a request with `headers`, or `None` when the request has none (a
    /// `content-length` of 0, or neither a length nor chunked transfer), as an empty body
    /// is `None` for every other optional decoder.
    pub(crate) fn new(
        body: Body,
        headers: &HeaderMap,
        limit: usize,
    ) -> Result<Option<Self>, HttpError> {
        body::check_declared_length(headers, limit)?;
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        // hyper reports a request without a body, or with `content-length: 0`, as ended
        // before it is polled; a chunked body that turns out empty cannot be told apart
        // without reading it, so the handler sees it as a stream with no chunks. An
        // empty body that names its media type is sent, with no bytes (an empty file),
        // and is a stream with no chunks too.
        let empty = body.is_end_stream() || body.size_hint().exact() == Some(0);
        if empty && content_type.is_none() {
            return Ok(None);
        }
        Ok(Some(Self {
            body: Some(Limited::new(body, limit)),
            limit,
            content_type,
        }))
    }

    /// The request's `content-type` as sent, parameters included; `None` when absent or
    /// not ASCII. Useful when the declared type is a wildcard such as `image/*`.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Sets the content type, for building a stream in tests.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The next chunk as the client sent it, or `None` at the end of the body.
    ///
    /// A body that exceeds the limit, or a connection that breaks, yields one error and
    /// then `None`.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, HttpError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Collects the rest of the body into one buffer, under the same limit (chunks already
    /// taken count towards it); empty once the stream has ended or failed.
    pub async fn bytes(mut self) -> Result<Bytes, HttpError> {
        let Some(body) = self.body.take() else {
            return Ok(Bytes::new());
        };
        body.collect()
            .await
            .map(|collected| collected.to_bytes())
            .map_err(|e| body::read_error(&*e, self.limit))
    }

    /// A response body as a client reads it while it arrives, its length limited by
    /// nothing but the server.
    pub(crate) fn response(body: Body) -> Self {
        Self {
            body: Some(Limited::new(body, usize::MAX)),
            limit: usize::MAX,
            content_type: None,
        }
    }

    /// What is left of the stream as a body to send on, for the client.
    pub(crate) fn into_body(mut self) -> Body {
        match self.body.take() {
            Some(body) => Body::new(body),
            None => Body::empty(),
        }
    }
}

impl From<Bytes> for BodyStream {
    /// A stream of one chunk without a content type, for calling a handler directly; its
    /// limit is its length.
    fn from(bytes: Bytes) -> Self {
        let limit = bytes.len();
        Self {
            body: Some(Limited::new(Body::from(bytes), limit)),
            limit,
            content_type: None,
        }
    }
}

impl Stream for BodyStream {
    type Item = Result<Bytes, HttpError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(None);
            };
            match ready!(Pin::new(body).poll_frame(cx)) {
                // Trailers and empty frames carry no bytes for the handler.
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(data))),
                    _ => continue,
                },
                Some(Err(e)) => {
                    this.body = None;
                    return Poll::Ready(Some(Err(body::read_error(&*e, this.limit))));
                }
                None => {
                    this.body = None;
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyStream")
            .field("content_type", &self.content_type)
            .field("limit", &self.limit)
            .field("finished", &self.body.is_none())
            .finish()
    }
}

/// A response body of a media type without an encoder: whole bytes, or a stream sent as
/// the handler produces it.
///
/// Build one from bytes or text with `From`, or from a stream of chunks with
/// [`Binary::from_stream`].
pub struct Binary(Repr);

enum Repr {
    Bytes(Bytes),
    Stream(Body),
}

impl Binary {
    /// A body sent chunk by chunk as `stream` yields them; an error ends the response
    /// early (the client sees a truncated body, since the status is already sent).
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<axum::BoxError>,
    {
        Self(Repr::Stream(Body::from_stream(stream)))
    }

    /// A body already streaming, such as a stream of items framed by the runtime.
    pub(crate) fn from_body(body: Body) -> Self {
        Self(Repr::Stream(body))
    }

    pub(crate) fn into_body(self) -> Body {
        match self.0 {
            Repr::Bytes(bytes) => Body::from(bytes),
            Repr::Stream(body) => body,
        }
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Self(Repr::Bytes(bytes))
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Repr::Bytes(bytes.into()))
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Self(Repr::Bytes(text.into()))
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Self(Repr::Bytes(Bytes::from_static(bytes)))
    }
}

impl From<&'static str> for Binary {
    fn from(text: &'static str) -> Self {
        Self(Repr::Bytes(Bytes::from_static(text.as_bytes())))
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Bytes(bytes) => f.debug_tuple("Binary::Bytes").field(bytes).finish(),
            // A stream's content is unknown until it is sent.
            Repr::Stream(_) => f.write_str("Binary::Stream"),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.clone(), HeaderValue::from_static(value)))
            .collect()
    }

    /// A body that arrives as `chunks`, one by one; other modules' tests use it too.
    pub(crate) fn chunked(chunks: &[&'static [u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = chunks
            .iter()
            .map(|chunk| Ok(Bytes::from_static(chunk)))
            .collect();
        Body::from_stream(Iter(chunks.into_iter()))
    }

    /// A ready stream over an iterator, so the tests need no stream utilities.
    struct Iter<I>(I);

    impl<I: Iterator + Unpin> Stream for Iter<I> {
        type Item = I::Item;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
            Poll::Ready(self.0.next())
        }
    }

    #[tokio::test]
    async fn chunks_arrive_one_by_one() {
        let h = headers(&[(header::CONTENT_TYPE, "image/png")]);
        let mut stream = BodyStream::new(chunked(&[b"ab", b"", b"cd"]), &h, 10)
            .unwrap()
            .unwrap();
        assert_eq!(stream.content_type(), Some("image/png"));
        assert_eq!(stream.next_chunk().await.unwrap().unwrap(), "ab");
        assert_eq!(stream.next_chunk().await.unwrap().unwrap(), "cd");
        assert!(stream.next_chunk().await.is_none());
        assert!(stream.next_chunk().await.is_none());
    }

    #[tokio::test]
    async fn the_limit_holds_while_streaming() {
        let mut stream = BodyStream::new(chunked(&[b"abc", b"defg"]), &HeaderMap::new(), 5)
            .unwrap()
            .unwrap();
        assert_eq!(stream.next_chunk().await.unwrap().unwrap(), "abc");
        let e = stream.next_chunk().await.unwrap().unwrap_err();
        assert_eq!(e.status, http::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(e.error_code.as_deref(), Some("PayloadTooLarge"));
        assert!(stream.next_chunk().await.is_none());

        let stream = BodyStream::new(chunked(&[b"abc", b"defg"]), &HeaderMap::new(), 5)
            .unwrap()
            .unwrap();
        let e = stream.bytes().await.unwrap_err();
        assert_eq!(e.status, http::StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn declared_length_and_empty_bodies() {
        let long = headers(&[(header::CONTENT_LENGTH, "6")]);
        let e = BodyStream::new(Body::from("abcdef"), &long, 5).unwrap_err();
        assert_eq!(e.status, http::StatusCode::PAYLOAD_TOO_LARGE);
        assert!(BodyStream::new(Body::empty(), &HeaderMap::new(), 5)
            .unwrap()
            .is_none());
        // An empty body that names its media type is an empty file, not a missing body.
        let typed = headers(&[(header::CONTENT_TYPE, "application/octet-stream")]);
        let empty = BodyStream::new(Body::empty(), &typed, 5).unwrap().unwrap();
        assert_eq!(empty.bytes().await.unwrap(), "");
        let stream = BodyStream::new(chunked(&[b"ab", b"c"]), &HeaderMap::new(), 5)
            .unwrap()
            .unwrap();
        assert_eq!(stream.bytes().await.unwrap(), "abc");
    }

    #[test]
    fn debug() {
        assert_eq!(
            format!("{:?}", Binary::from("hi")),
            "Binary::Bytes(b\"hi\")"
        );
        let stream = Binary::from_stream(Iter(
            Vec::<Result<Bytes, std::io::Error>>::new().into_iter(),
        ));
        assert_eq!(format!("{stream:?}"), "Binary::Stream");
        let body = BodyStream::from(Bytes::from_static(b"x")).with_content_type("a/b");
        assert_eq!(
            format!("{body:?}"),
            "BodyStream { content_type: Some(\"a/b\"), limit: 1, finished: false }"
        );
    }
}
