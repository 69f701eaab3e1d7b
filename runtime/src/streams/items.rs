//! JSON Lines and json-seq bodies of typed items: what a handler answers such a
//! response with, and what a client reads it back into.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_core::Stream;
use http::StatusCode;
use serde::Serialize;
use specfirst_model::streams::{framing_of, Framing};

use super::{boxed, channel, Boxed, ItemError, Ready, StreamSender};
use crate::HttpError;

/// The body of a JSON Lines (`application/jsonl`, `application/x-ndjson`, ...) or
/// `application/json-seq` response: items sent one by one as they come, each as one
/// JSON text in the declared framing, flushed at once.
///
/// A handler builds one from a stream ([`new`](Self::new)), from items at hand
/// ([`from_items`](Self::from_items)), or as a channel whose sender it keeps
/// ([`channel`](Self::channel)). A client reads one as a [`Stream`] of the items
/// received, each `Ok`, or an [`ItemError`] for one that is not of the type.
pub struct ItemStream<T> {
    items: Boxed<T>,
}

impl<T: Send + 'static> ItemStream<T> {
    /// The items `items` yields, in order, until it ends.
    pub fn new<S>(items: S) -> Self
    where
        S: Stream<Item = T> + Send + 'static,
    {
        Self {
            items: boxed(items),
        }
    }

    /// The items given, then the end of the stream.
    pub fn from_items(items: impl IntoIterator<Item = T>) -> Self {
        let items: Vec<_> = items.into_iter().map(Ok).collect();
        Self::received(items)
    }

    /// A stream of what the returned sender sends, holding at most `buffer` items the
    /// client has not yet taken; it ends when every sender is dropped.
    pub fn channel(buffer: usize) -> (StreamSender<T>, Self) {
        let (sender, items) = channel(buffer);
        (sender, Self { items })
    }

    /// Items read by a client: each `Ok`, or the error of one that could not be read.
    pub(crate) fn received(items: Vec<Result<T, ItemError>>) -> Self {
        Self {
            items: Box::pin(Ready(items.into_iter())),
        }
    }

    /// Items read from a request as they arrive.
    pub(crate) fn of(items: Boxed<T>) -> Self {
        Self { items }
    }
}

impl<T> ItemStream<T> {
    /// The next item, or `None` at the end of the stream. After an error item the
    /// stream ends: a request's items past a bad one are never read.
    pub async fn next_item(&mut self) -> Option<Result<T, ItemError>> {
        std::future::poll_fn(|cx| self.items.as_mut().poll_next(cx)).await
    }
}

impl<T: Serialize + Send + 'static> ItemStream<T> {
    /// The items as a body framed as `framing` says, serialized as they come.
    pub(crate) fn into_body(self, framing: Framing) -> Body {
        Body::from_stream(Lines {
            items: self.items,
            framing,
            index: 0,
        })
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The items are unknown until they are sent.
        f.write_str("ItemStream")
    }
}

/// The response of `status` sending `body`'s items framed as `media_type` (a JSON Lines
/// or json-seq type) says.
pub fn item_stream<T: Serialize + Send + 'static>(
    status: StatusCode,
    media_type: &'static str,
    body: ItemStream<T>,
) -> Response {
    let Some(framing) = framing_of(media_type).filter(|framing| *framing != Framing::Events) else {
        return HttpError::for_internal_error(format!(
            "{media_type:?} is not a media type of JSON items"
        ))
        .into_response();
    };
    crate::response::binary(
        status,
        media_type,
        crate::Binary::from_body(body.into_body(framing)),
    )
}

/// Items as the bytes of their frames; an item that cannot be written ends the stream
/// with its error, which ends the response early (its status is already sent).
struct Lines<T> {
    items: Boxed<T>,
    framing: Framing,
    index: usize,
}

impl<T: Serialize> Stream for Lines<T> {
    type Item = Result<Bytes, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = std::task::ready!(self.items.as_mut().poll_next(cx));
        self.index += 1;
        let (index, framing) = (self.index, self.framing);
        Poll::Ready(next.map(|item| {
            let frame = frame(framing, &item?).map_err(|error| {
                tracing::error!(item = index, %error, "an item could not be sent");
                ItemError::invalid(
                    index,
                    format!("the item cannot be written as JSON: {error}"),
                )
            })?;
            Ok(Bytes::from(frame))
        }))
    }
}

/// What starts each JSON text of `application/json-seq` (RFC 7464).
pub(super) const RECORD_SEPARATOR: u8 = 0x1e;

/// How items of `media_type` are framed: JSON Lines unless it is `application/json-seq`.
pub(crate) fn items_framing(media_type: &str) -> Framing {
    match framing_of(media_type) {
        Some(Framing::JsonSeq) => Framing::JsonSeq,
        _ => Framing::JsonLines,
    }
}

/// The byte that parts the items of `framing`: a line feed after each JSON Lines item, a
/// record separator before each json-seq one.
pub(super) fn separator(framing: Framing) -> u8 {
    match framing {
        Framing::JsonSeq => RECORD_SEPARATOR,
        Framing::JsonLines | Framing::Events => b'\n',
    }
}

/// The texts of JSON Lines or json-seq items in bytes that arrive a chunk at a time:
/// what both a request's item stream and the response checks of one read.
pub(super) struct Splitter {
    /// Bytes received after the last whole item.
    pending: Vec<u8>,
    /// The byte between items: a line feed after each JSON Lines item, a record
    /// separator before each json-seq one.
    separator: u8,
}

impl Splitter {
    pub(super) fn new(framing: Framing) -> Self {
        Self {
            pending: Vec::new(),
            separator: separator(framing),
        }
    }

    /// Takes the next chunk of the body.
    pub(super) fn push(&mut self, chunk: &[u8]) {
        self.pending.extend_from_slice(chunk);
    }

    /// The next whole item's text the bytes so far hold, if any; once the body has
    /// `ended`, the rest counts as one.
    pub(super) fn next_item(&mut self, ended: bool) -> Option<Vec<u8>> {
        loop {
            let text = match self.pending.iter().position(|b| *b == self.separator) {
                Some(end) => {
                    let mut text: Vec<u8> = self.pending.drain(..=end).collect();
                    // The separator itself: a line feed, or the next record's start.
                    text.pop();
                    text
                }
                None if ended => std::mem::take(&mut self.pending),
                None => return None,
            };
            // Blank lines, and what comes before json-seq's first separator, are no items.
            if !text
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == RECORD_SEPARATOR)
            {
                return Some(text);
            }
            if self.pending.is_empty() && ended {
                return None;
            }
        }
    }
}

/// `item` as one frame of `framing`: its JSON text, after a record separator for
/// json-seq, and a line feed.
pub(crate) fn frame<T: Serialize + ?Sized>(
    framing: Framing,
    item: &T,
) -> serde_json::Result<Vec<u8>> {
    let mut frame = Vec::with_capacity(64);
    if framing == Framing::JsonSeq {
        frame.push(RECORD_SEPARATOR);
    }
    serde_json::to_writer(&mut frame, item)?;
    frame.push(b'\n');
    Ok(frame)
}
