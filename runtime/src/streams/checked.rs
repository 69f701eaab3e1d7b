//! A streamed response body whose items are checked as they pass: the response checks
//! (`ResponseChecks`) of a stream, which cannot read the body whole. Each chunk goes out
//! as it came; the items it completes are read back as a client reads them and held to
//! the item schema's rules, and each one that breaks them is reported as it is found.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, BodyDataStream};
use bytes::Bytes;
use futures_core::Stream;
use serde_json::Value;
use specfirst_model::streams::Framing;

use super::frames::EventReader;
use super::items::separator;
use crate::validate::{describe_violations, validate, Schema};

/// What the checks do about an item that breaks the rules, told what it breaks
/// (`item 3: ...`): `true` to send the stream on, `false` to end it before the chunk
/// that completed the item.
pub(crate) type Report = Box<dyn FnMut(String) -> bool + Send>;

/// `body`, a stream framed as `framing`, with each item checked against `rules` and
/// every one that breaks them given to `report`.
pub(crate) fn checked_items(
    body: Body,
    framing: Framing,
    rules: &'static Schema,
    report: Report,
) -> Body {
    let reader = match framing {
        Framing::Events => Reader::Events(EventReader::new(false)),
        Framing::JsonLines | Framing::JsonSeq => Reader::Split {
            separator: separator(framing),
            pending: Vec::new(),
            count: 0,
        },
    };
    Body::from_stream(Checked {
        inner: body.into_data_stream(),
        reader,
        rules,
        report,
        ended: false,
    })
}

/// How the items are found in the bytes.
enum Reader {
    /// Server-Sent Events, each one's data an item.
    Events(EventReader),
    /// JSON Lines or json-seq: items between separators.
    Split {
        separator: u8,
        pending: Vec<u8>,
        count: usize,
    },
}

impl Reader {
    /// The items `chunk` completes, by their number from 1, each as JSON or why it is
    /// not.
    fn feed(&mut self, chunk: &[u8]) -> Vec<(usize, Result<Value, String>)> {
        match self {
            Reader::Events(reader) => {
                let before = reader.count();
                reader
                    .feed::<Value>(chunk)
                    .into_iter()
                    .enumerate()
                    .map(|(at, event)| match event {
                        Ok(event) => (before + at + 1, Ok(event.data)),
                        Err(error) => (error.index, Err(error.message)),
                    })
                    .collect()
            }
            Reader::Split {
                separator,
                pending,
                count,
            } => {
                pending.extend_from_slice(chunk);
                let mut items = Vec::new();
                while let Some(at) = pending.iter().position(|b| b == separator) {
                    let text: Vec<u8> = pending.drain(..=at).collect();
                    let text = &text[..text.len() - 1];
                    if text.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    *count += 1;
                    let value = serde_json::from_slice(text)
                        .map_err(|error| format!("the item is not JSON: {error}"));
                    items.push((*count, value));
                }
                items
            }
        }
    }
}

struct Checked {
    inner: BodyDataStream,
    reader: Reader,
    rules: &'static Schema,
    report: Report,
    ended: bool,
}

impl Stream for Checked {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let chunk = match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => chunk,
            other => return other,
        };
        let this = &mut *self;
        for (index, item) in this.reader.feed(&chunk) {
            let broken = match item {
                Ok(value) => {
                    let violations = validate(&value, this.rules);
                    (!violations.is_empty()).then(|| describe_violations(&violations))
                }
                Err(reason) => Some(reason),
            };
            if let Some(reason) = broken {
                if !(this.report)(format!("item {index}: {reason}")) {
                    this.ended = true;
                    return Poll::Ready(None);
                }
            }
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}
