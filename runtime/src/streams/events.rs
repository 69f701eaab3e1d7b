//! Server-Sent Events of a typed `data`: what a handler answers a `text/event-stream`
//! response with, framed by axum's [`Sse`], and what a client reads it back into.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_core::Stream;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::frames::EventReader;
use super::{boxed, channel, Boxed, ItemError, Ready, StreamSender};
use crate::BodyStream;

/// How often an idle stream sends a keep-alive comment unless told otherwise, so that
/// proxies and clients do not take the quiet for a dead connection.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One Server-Sent Event: its `data` of the item type the spec declares, and the
/// optional fields a client may use (`event`, `id`, `retry`) or show (a comment).
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The item, sent as JSON in the event's `data`.
    pub data: T,
    /// The event's name (`event:`); a client's `onmessage` sees events without one.
    pub event: Option<String>,
    /// The event's id (`id:`), which a client sends back as `Last-Event-ID` when it
    /// reconnects (see `RequestContext::last_event_id`).
    pub id: Option<String>,
    /// How long the client should wait before reconnecting (`retry:`).
    pub retry: Option<Duration>,
    /// A comment sent before the event (lines starting with `:`), ignored by clients.
    pub comment: Option<String>,
}

impl<T> Event<T> {
    /// An event of `data` alone.
    pub fn new(data: T) -> Self {
        Self {
            data,
            event: None,
            id: None,
            retry: None,
            comment: None,
        }
    }

    /// This event named `event`.
    pub fn with_event(self, event: impl Into<String>) -> Self {
        Self {
            event: Some(event.into()),
            ..self
        }
    }

    /// This event with the id `id`.
    pub fn with_id(self, id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..self
        }
    }

    /// This event asking the client to wait `retry` before reconnecting.
    pub fn with_retry(self, retry: Duration) -> Self {
        Self {
            retry: Some(retry),
            ..self
        }
    }

    /// This event with a comment before it.
    pub fn with_comment(self, comment: impl Into<String>) -> Self {
        Self {
            comment: Some(comment.into()),
            ..self
        }
    }
}

/// The body of a `text/event-stream` response: events sent one by one as they come,
/// each flushed at once, with a keep-alive comment when the stream is idle (every 15
/// seconds unless [`keep_alive`](Self::keep_alive) says otherwise). The response
/// carries `cache-control: no-cache`.
///
/// A handler builds one from a stream ([`new`](Self::new)), from events at hand
/// ([`from_events`](Self::from_events)), or as a channel whose sender it keeps
/// ([`channel`](Self::channel)). A client reads one as a [`Stream`] of the events
/// received, each `Ok`, or an [`ItemError`] for one whose data is not of the type.
pub struct EventStream<T> {
    events: Boxed<Event<T>>,
    keep_alive: Option<Duration>,
}

impl<T: Send + 'static> EventStream<T> {
    /// The events `events` yields, in order, until it ends.
    pub fn new<S>(events: S) -> Self
    where
        S: Stream<Item = Event<T>> + Send + 'static,
    {
        Self::of(boxed(events))
    }

    /// The events given, then the end of the stream.
    pub fn from_events(events: impl IntoIterator<Item = Event<T>>) -> Self {
        let events: Vec<_> = events.into_iter().map(Ok).collect();
        Self::of(Box::pin(Ready(events.into_iter())))
    }

    /// A stream of what the returned sender sends, holding at most `buffer` events
    /// the client has not yet taken; it ends when every sender is dropped.
    pub fn channel(buffer: usize) -> (StreamSender<Event<T>>, Self) {
        let (sender, events) = channel(buffer);
        (sender, Self::of(events))
    }

    /// Events read by a client: each `Ok`, or the error of one that could not be read.
    pub(crate) fn received(events: Vec<Result<Event<T>, ItemError>>) -> Self {
        Self::of(Box::pin(Ready(events.into_iter())))
    }

    /// Events a client reads from `body` as its bytes arrive, each as soon as it is
    /// whole (with `named`, read as the kind its name says).
    pub(crate) fn arriving(body: BodyStream, named: bool) -> Self
    where
        T: DeserializeOwned,
    {
        Self::of(Box::pin(Arriving::<T> {
            body: Some(body),
            reader: EventReader::new(named),
            ready: VecDeque::new(),
        }))
    }

    fn of(events: Boxed<Event<T>>) -> Self {
        Self {
            events,
            keep_alive: Some(KEEP_ALIVE),
        }
    }
}

impl<T> EventStream<T> {
    /// The next event, or `None` at the end of the stream.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, ItemError>> {
        std::future::poll_fn(|cx| self.events.as_mut().poll_next(cx)).await
    }

    /// This stream sending a keep-alive comment after `every` without an event.
    pub fn keep_alive(self, every: Duration) -> Self {
        Self {
            keep_alive: Some(every),
            ..self
        }
    }

    /// This stream without keep-alive comments.
    pub fn without_keep_alive(self) -> Self {
        Self {
            keep_alive: None,
            ..self
        }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The events are unknown until they are sent.
        f.debug_struct("EventStream")
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

/// The events of a body still arriving, read as each is whole.
struct Arriving<T> {
    /// `None` once the body has ended.
    body: Option<BodyStream>,
    reader: EventReader,
    /// Events read and not yet taken.
    ready: VecDeque<Result<Event<T>, ItemError>>,
}

// Nothing of it is pinned in place: the events are only moved out.
impl<T> Unpin for Arriving<T> {}

impl<T: DeserializeOwned> Stream for Arriving<T> {
    type Item = Result<Event<T>, ItemError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.ready.pop_front() {
                return Poll::Ready(Some(event));
            }
            let Some(body) = this.body.as_mut() else {
                return Poll::Ready(None);
            };
            match std::task::ready!(Pin::new(body).poll_next(cx)) {
                Some(Ok(chunk)) => this.ready.extend(this.reader.feed(&chunk)),
                Some(Err(error)) => {
                    // The connection broke: what was whole has been read.
                    this.body = None;
                    this.ready.extend(this.reader.end());
                    let index = this.ready.len() + 1;
                    this.ready.push_back(Err(ItemError::stopped(index, error)));
                }
                None => {
                    this.body = None;
                    this.ready.extend(this.reader.end());
                }
            }
        }
    }
}

/// The `text/event-stream` response of `status` sending `body`'s events.
pub fn events<T: Serialize + Send + 'static>(status: StatusCode, body: EventStream<T>) -> Response {
    respond(status, body, false)
}

/// The `text/event-stream` response of `status` sending `body`'s events, each named by
/// its data: `T` is an enum of the kinds of event, which serde writes as an object of one
/// property (the event's name, its `event:`) whose value is the event's `data`. A name
/// the handler gives with [`Event::with_event`] is replaced by the variant's.
pub fn named_events<T: Serialize + Send + 'static>(
    status: StatusCode,
    body: EventStream<T>,
) -> Response {
    respond(status, body, true)
}

fn respond<T: Serialize + Send + 'static>(
    status: StatusCode,
    body: EventStream<T>,
    named: bool,
) -> Response {
    let frames = Frames {
        events: body.events,
        index: 0,
        named,
    };
    let mut response = match body.keep_alive {
        Some(every) => Sse::new(frames)
            .keep_alive(KeepAlive::new().interval(every))
            .into_response(),
        None => Sse::new(frames).into_response(),
    };
    *response.status_mut() = status;
    response
}

/// Events as axum's frames; an event that cannot be written ends the stream with its
/// error, which ends the response early (its status is already sent).
struct Frames<T> {
    events: Boxed<Event<T>>,
    index: usize,
    /// Whether each event's name is its data's variant.
    named: bool,
}

impl<T: Serialize> Stream for Frames<T> {
    type Item = Result<sse::Event, ItemError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = std::task::ready!(self.events.as_mut().poll_next(cx));
        self.index += 1;
        let index = self.index;
        let named = self.named;
        Poll::Ready(next.map(|event| {
            let event = event?;
            let framed = if named {
                frame_named(event)
            } else {
                frame(&event)
            };
            framed.map_err(|message| {
                tracing::error!(item = index, error = %message, "an event could not be sent");
                ItemError::invalid(index, message)
            })
        }))
    }
}

/// `event` as axum writes it; fields that would break the framing are refused rather
/// than left to axum's assertions.
fn frame<T: Serialize>(event: &Event<T>) -> Result<sse::Event, String> {
    let mut frame = sse::Event::default();
    if let Some(comment) = &event.comment {
        for line in comment.lines() {
            frame = frame.comment(line);
        }
    }
    if let Some(name) = &event.event {
        frame = frame.event(single_line("event", name)?);
    }
    if let Some(id) = &event.id {
        if id.contains('\0') {
            return Err("the event id holds a NUL character".into());
        }
        frame = frame.id(single_line("id", id)?);
    }
    if let Some(retry) = event.retry {
        frame = frame.retry(retry);
    }
    frame
        .json_data(&event.data)
        .map_err(|error| format!("the event's data cannot be written as JSON: {error}"))
}

/// `event` as [`frame`] writes it, its name and data the one property its data is
/// written as.
fn frame_named<T: Serialize>(event: Event<T>) -> Result<sse::Event, String> {
    let value = serde_json::to_value(&event.data)
        .map_err(|error| format!("the event's data cannot be written as JSON: {error}"))?;
    let (name, data) = match value {
        serde_json::Value::Object(map) if map.len() == 1 => map
            .into_iter()
            .next()
            .unwrap_or_else(|| unreachable!("one property")),
        other => {
            return Err(format!(
                "the event's data is no kind of event (an object of one property): {other}"
            ))
        }
    };
    frame(&Event {
        data,
        event: Some(name),
        id: event.id,
        retry: event.retry,
        comment: event.comment,
    })
}

fn single_line<'a>(field: &str, value: &'a str) -> Result<&'a str, String> {
    if value.contains(['\n', '\r']) {
        Err(format!("the event's {field} holds a line break: {value:?}"))
    } else {
        Ok(value)
    }
}
