//! Streamed bodies of typed items: Server-Sent Events ([`EventStream`] of [`Event`]s)
//! and JSON Lines or json-seq ([`ItemStream`]). A handler gives a stream (or a
//! [`StreamSender`] from a `channel`) and the runtime frames each item as it comes, so
//! the client sees it at once; a client reads the framed body back into the same
//! types.
//!
//! When the client goes away, the server drops the response body and with it the
//! stream: a [`StreamSender`]'s `send` then fails with [`Disconnected`], and
//! [`StreamSender::closed`] completes, so the handler's task can stop. The server learns
//! of it when it next writes to the connection: the next item, or on an idle event
//! stream its next keep-alive comment.

mod checked;
mod drain;
mod events;
mod frames;
mod items;
mod requests;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use http::StatusCode;
use tokio::sync::mpsc;

use crate::HttpError;

pub(crate) use checked::{checked_items, Report};
pub(crate) use drain::until_drained;
pub use events::{events, named_events, Event, EventStream};
pub(crate) use frames::{read_events, read_items};
pub(crate) use items::{frame, items_framing};
pub use items::{item_stream, ItemStream};
pub(crate) use requests::{arriving_items, items_of};

/// The sending half of a stream's channel, from `EventStream::channel` or
/// `ItemStream::channel`: what a handler keeps (in a spawned task, say) to produce the
/// stream it answered with.
pub struct StreamSender<X>(mpsc::Sender<X>);

impl<X> StreamSender<X> {
    /// Sends `item`, waiting while the channel is full (the client reads slower than
    /// the items come); [`Disconnected`] once the response is gone.
    pub async fn send(&self, item: X) -> Result<(), Disconnected> {
        self.0.send(item).await.map_err(|_| Disconnected)
    }

    /// Completes when the response is gone: the client disconnected or the server
    /// dropped the stream.
    pub async fn closed(&self) {
        self.0.closed().await;
    }

    /// Whether the response is gone.
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

impl<X> Clone for StreamSender<X> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<X> fmt::Debug for StreamSender<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The stream a [`StreamSender`] can no longer reach: its response was dropped, most
/// often because the client went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the stream's client went away")]
pub struct Disconnected;

/// An item of a streamed body that could not be read, counted from 1.
///
/// In a request, `?` turns it into the [`HttpError`] the client gets: a 400
/// (`InvalidItem`) naming the item, or the status of what stopped the body there (413
/// past the body limit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("item {index}: {message}")]
pub struct ItemError {
    /// Which item, counted from 1 in the order they came.
    pub index: usize,
    /// What is wrong with it.
    pub message: String,
    status: StatusCode,
    error_code: Option<String>,
}

impl ItemError {
    /// Item `index` is not what the stream declares: `message` says why.
    pub fn invalid(index: usize, message: impl Into<String>) -> Self {
        Self {
            index,
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
            error_code: Some("InvalidItem".into()),
        }
    }

    /// The stream stopped at item `index` with `error` (the body limit, a broken
    /// connection), which keeps its status.
    pub(crate) fn stopped(index: usize, error: HttpError) -> Self {
        Self {
            index,
            message: error.external_message,
            status: error.status,
            error_code: error.error_code,
        }
    }
}

impl From<ItemError> for HttpError {
    fn from(error: ItemError) -> Self {
        let message = error.to_string();
        let base = HttpError::for_status(error.status, message);
        match error.error_code {
            Some(code) => base.with_error_code(code),
            None => base,
        }
    }
}

/// A stream of items or item errors, boxed so the stream types have no type parameter
/// beyond the item's.
type Boxed<X> = Pin<Box<dyn Stream<Item = Result<X, ItemError>> + Send>>;

/// The receiving half of a channel as a stream of items that never fail.
struct Received<X>(mpsc::Receiver<X>);

impl<X> Stream for Received<X> {
    type Item = Result<X, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|item| item.map(Ok))
    }
}

/// A stream of items that never fail.
struct Infallible<S>(S);

impl<S: Stream + Unpin> Stream for Infallible<S> {
    type Item = Result<S::Item, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|item| item.map(Ok))
    }
}

/// A stream over items already at hand.
struct Ready<I>(I);

// Never pinned structurally: the iterator is only ever used through `&mut`.
impl<I> Unpin for Ready<I> {}

impl<I: Iterator> Stream for Ready<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.0.next())
    }
}

/// `stream` boxed as a stream of items that never fail.
fn boxed<X, S>(stream: S) -> Boxed<X>
where
    S: Stream<Item = X> + Send + 'static,
{
    Box::pin(Infallible(Box::pin(stream)))
}

/// A channel of `buffer` items (at least 1) and the stream of what is sent on it.
fn channel<X: Send + 'static>(buffer: usize) -> (StreamSender<X>, Boxed<X>) {
    let (sender, receiver) = mpsc::channel(buffer.max(1));
    (StreamSender(sender), Box::pin(Received(receiver)))
}
