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
use super::items::Splitter;
use crate::validate::{describe_violations, validate, Schema};

/// What the checks do about an item that breaks the rules, told what it breaks
/// (`item 3: ...`): `true` to send the stream on, `false` to end it before the chunk
/// that completed the item.
pub(crate) type Report = Box<dyn FnMut(String) -> bool + Send>;

/// `body`, a stream framed as `framing`, with each item checked against `rules` and
/// every one that breaks them given to `report`. Events told apart by name (`named`)
/// are checked as a client reads them, `{name: data}` (`message` when unnamed).
pub(crate) fn checked_items(
    body: Body,
    framing: Framing,
    named: bool,
    rules: &'static Schema,
    report: Report,
) -> Body {
    let reader = match framing {
        Framing::Events => Reader::Events(EventReader::new(named)),
        Framing::JsonLines | Framing::JsonSeq => Reader::Split {
            splitter: Splitter::new(framing),
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
    Split { splitter: Splitter, count: usize },
}

impl Reader {
    /// The items `chunk` completes (with `ended`, the end of the body completes), by
    /// their number from 1, each as JSON or why it is not.
    fn feed(&mut self, chunk: &[u8], ended: bool) -> Vec<(usize, Result<Value, String>)> {
        match self {
            Reader::Events(reader) => {
                let before = reader.count();
                let mut events = reader.feed::<Value>(chunk);
                if ended {
                    events.extend(reader.end::<Value>());
                }
                events
                    .into_iter()
                    .enumerate()
                    .map(|(at, event)| match event {
                        Ok(event) => (before + at + 1, Ok(event.data)),
                        Err(error) => (error.index, Err(error.message)),
                    })
                    .collect()
            }
            Reader::Split { splitter, count } => {
                splitter.push(chunk);
                let mut items = Vec::new();
                while let Some(text) = splitter.next_item(ended) {
                    *count += 1;
                    let value = serde_json::from_slice(&text)
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
        let (chunk, ended) = match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => (chunk, false),
            // The end may complete a last item (json-seq's has no separator after it),
            // which can only be reported: it is out already.
            Poll::Ready(None) => (Bytes::new(), true),
            other => return other,
        };
        let this = &mut *self;
        for (index, item) in this.reader.feed(&chunk, ended) {
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
        if ended {
            this.ended = true;
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::validate::Kind;

    static OBJECT: Schema = Schema {
        kind: Some(Kind::Object),
        ..Schema::ANY
    };

    static POSITIVE: Schema = Schema {
        checks: &[crate::validate::Check::Minimum {
            value: 1.0,
            exclusive: false,
        }],
        ..Schema::ANY
    };

    // Named events as a client reads them: `{name: data}`, the rules of each name's
    // data under its property.
    static NAMED: Schema = Schema {
        properties: &[("tick", &POSITIVE)],
        ..Schema::ANY
    };

    #[tokio::test]
    async fn named_events_are_checked_by_their_names() {
        let told: Arc<Mutex<Vec<String>>> = Arc::default();
        let kept = told.clone();
        let events: &[&[u8]] = &[
            b"event: tick\ndata: 1\n\nevent: tick\nda",
            b"ta: 0\n\nevent: other\ndata: 0\n\ndata: 0\n\n",
        ];
        let body = crate::stream::tests::chunked(events);
        let report: Report = Box::new(move |violation| {
            kept.lock().unwrap().push(violation);
            true
        });
        let checked = checked_items(body, Framing::Events, true, &NAMED, report);
        axum::body::to_bytes(checked, usize::MAX).await.unwrap();
        // Only the second `tick` breaks its rules: `other` and an unnamed `message`
        // have none.
        let told = told.lock().unwrap();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].starts_with("item 2: "), "{told:?}");
        assert!(told[0].contains("tick"), "{told:?}");
    }

    #[tokio::test]
    async fn the_last_json_seq_record_is_checked_at_the_end() {
        let told: Arc<Mutex<Vec<String>>> = Arc::default();
        let kept = told.clone();
        let body = crate::stream::tests::chunked(&[b"\x1e{}\n\x1e", b"[]\n\x1e", b"5\n"]);
        let report: Report = Box::new(move |violation| {
            kept.lock().unwrap().push(violation);
            true
        });
        let checked = checked_items(body, Framing::JsonSeq, false, &OBJECT, report);
        let sent = axum::body::to_bytes(checked, usize::MAX).await.unwrap();
        assert_eq!(&sent[..], b"\x1e{}\n\x1e[]\n\x1e5\n");
        let told = told.lock().unwrap();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].starts_with("item 2: "), "{told:?}");
        assert!(told[1].starts_with("item 3: "), "{told:?}");
    }
}
