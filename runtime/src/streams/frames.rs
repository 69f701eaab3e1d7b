//! Reading a streamed body back into items, as a client does: Server-Sent Events by the
//! HTML standard's parsing rules, JSON Lines and json-seq by theirs.

use std::time::Duration;

use serde::de::DeserializeOwned;
use specfirst_model::streams::Framing;

use super::items::separator;
use super::{Event, ItemError};

/// The events of a `text/event-stream` body, each with its data read as `T` (with
/// `named`, as the kind of event its name says: `T` reads `{name: data}`). Frames
/// without data (keep-alive comments) are no events, and an unfinished last frame is
/// dropped, as a browser's `EventSource` does.
pub(crate) fn read_events<T: DeserializeOwned>(
    body: &[u8],
    named: bool,
) -> Vec<Result<Event<T>, ItemError>> {
    let mut reader = EventReader::new(named);
    let mut events = reader.feed(body);
    events.extend(reader.end());
    events
}

/// Server-Sent Events read from a body as its bytes arrive: [`feed`](Self::feed) each
/// chunk, and [`end`](Self::end) after the last.
pub(crate) struct EventReader {
    /// Bytes received and not yet read as whole lines.
    pending: Vec<u8>,
    /// The event whose lines are being read.
    frame: Frame,
    /// Events read so far.
    count: usize,
    named: bool,
    /// Whether the start of the body (and a byte order mark there) has been seen.
    started: bool,
}

impl EventReader {
    pub(crate) fn new(named: bool) -> Self {
        Self {
            pending: Vec::new(),
            frame: Frame::default(),
            count: 0,
            named,
            started: false,
        }
    }

    /// How many events have been read so far.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The events `chunk` completes.
    pub(crate) fn feed<T: DeserializeOwned>(
        &mut self,
        chunk: &[u8],
    ) -> Vec<Result<Event<T>, ItemError>> {
        self.pending.extend_from_slice(chunk);
        self.read(false)
    }

    /// The events the end of the body completes; an unfinished one is dropped.
    pub(crate) fn end<T: DeserializeOwned>(&mut self) -> Vec<Result<Event<T>, ItemError>> {
        self.read(true)
    }

    fn read<T: DeserializeOwned>(&mut self, end: bool) -> Vec<Result<Event<T>, ItemError>> {
        const BOM: &[u8] = b"\xef\xbb\xbf";
        let mut start = 0;
        if !self.started {
            if self.pending.len() < BOM.len() && BOM.starts_with(&self.pending) && !end {
                return Vec::new();
            }
            self.started = true;
            if self.pending.starts_with(BOM) {
                start = BOM.len();
            }
        }
        let mut events = Vec::new();
        loop {
            let rest = &self.pending[start..];
            let Some(at) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') else {
                // A last line without its end is no line: its event is unfinished.
                break;
            };
            let crlf = rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n');
            // A CR that ends the bytes so far may be the first half of a CRLF.
            if rest[at] == b'\r' && at + 1 == rest.len() && !end {
                break;
            }
            let line = String::from_utf8_lossy(&rest[..at]).into_owned();
            start += at + if crlf { 2 } else { 1 };
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        self.pending.drain(..start);
        events
    }

    /// Reads one line of the event being read; the event, when the line ends it.
    fn line<T: DeserializeOwned>(&mut self, line: &str) -> Option<Result<Event<T>, ItemError>> {
        let frame = &mut self.frame;
        if line.is_empty() {
            let event = frame.data.take().map(|data| {
                self.count += 1;
                frame.event(self.count, &data, self.named)
            });
            *frame = Frame::default();
            return event;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "" => frame.comment = Some(value.to_owned()),
            "event" => frame.name = Some(value.to_owned()),
            "data" => {
                let data = frame.data.get_or_insert_with(String::new);
                if frame.lines > 0 {
                    data.push('\n');
                }
                data.push_str(value);
                frame.lines += 1;
            }
            "id" if !value.contains('\0') => frame.id = Some(value.to_owned()),
            "retry" => {
                if let Ok(millis) = value.parse::<u64>() {
                    frame.retry = Some(Duration::from_millis(millis));
                }
            }
            // Other fields are ignored, as the standard says.
            _ => {}
        }
        None
    }
}

/// The fields of an event being read.
#[derive(Default)]
struct Frame {
    name: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    comment: Option<String>,
    data: Option<String>,
    /// How many `data` lines were joined, so that an empty first line counts.
    lines: usize,
}

impl Frame {
    fn event<T: DeserializeOwned>(
        &mut self,
        index: usize,
        data: &str,
        named: bool,
    ) -> Result<Event<T>, ItemError> {
        let invalid = |error: serde_json::Error| {
            ItemError::invalid(
                index,
                format!("the event's data is not of the declared type: {error}"),
            )
        };
        let data = if named {
            // An event without a name is a `message`, as a browser reads it.
            let name = self.name.clone().unwrap_or_else(|| "message".to_owned());
            let value: serde_json::Value = serde_json::from_str(data).map_err(invalid)?;
            let mut kind = serde_json::Map::new();
            kind.insert(name, value);
            serde_json::from_value(serde_json::Value::Object(kind)).map_err(invalid)?
        } else {
            serde_json::from_str(data).map_err(invalid)?
        };
        Ok(Event {
            data,
            event: self.name.take(),
            id: self.id.take(),
            retry: self.retry.take(),
            comment: self.comment.take(),
        })
    }
}

/// The items of a JSON Lines or json-seq body, each read as `T`; blank lines (and
/// empty json-seq records) are no items.
pub(crate) fn read_items<T: DeserializeOwned>(
    body: &[u8],
    framing: Framing,
) -> Vec<Result<T, ItemError>> {
    let separator = separator(framing);
    body.split(|byte| *byte == separator)
        .filter(|text| !text.iter().all(u8::is_ascii_whitespace))
        .enumerate()
        .map(|(at, text)| {
            serde_json::from_slice(text).map_err(|error| {
                ItemError::invalid(
                    at + 1,
                    format!("the item is not of the declared type: {error}"),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_as_a_browser_reads_them() {
        let body = b"\xef\xbb\xbf: keep-alive\n\n: hello\r\nevent: created\r\nid: 7\r\nretry: 1500\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata:2\rid\r\rdata: 3\n";
        let events = read_events::<serde_json::Value>(body, false);
        assert_eq!(events.len(), 2, "{events:?}");
        let first = events[0].as_ref().unwrap();
        assert_eq!(first.data, serde_json::json!({"a": 1}));
        assert_eq!(first.event.as_deref(), Some("created"));
        assert_eq!(first.id.as_deref(), Some("7"));
        assert_eq!(first.retry, Some(Duration::from_millis(1500)));
        assert_eq!(first.comment.as_deref(), Some("hello"));
        let second = events[1].as_ref().unwrap();
        assert_eq!(second.data, serde_json::json!(2));
        assert_eq!(second.id.as_deref(), Some(""));
        assert_eq!(second.event, None);
    }

    #[test]
    fn events_split_anywhere_across_chunks_read_the_same() {
        let body = "\u{feff}: hi\r\nevent: a\r\nid: 1\r\ndata: {\"k\":\"é\"}\r\n\r\ndata: 2\r\rdata: 3\n\ndata: 4";
        let whole = read_events::<serde_json::Value>(body.as_bytes(), false);
        assert_eq!(whole.len(), 3, "{whole:?}");
        for size in 1..=body.len() {
            let mut reader = EventReader::new(false);
            let mut read = Vec::new();
            for chunk in body.as_bytes().chunks(size) {
                read.extend(reader.feed::<serde_json::Value>(chunk));
            }
            read.extend(reader.end());
            assert_eq!(read, whole, "chunks of {size}");
        }
    }

    #[test]
    fn an_event_of_another_type_is_an_error_naming_it() {
        let events = read_events::<u32>(b"data: 1\n\ndata: \"x\"\n\ndata: 3\n\n", false);
        assert_eq!(events[0], Ok(Event::new(1)));
        let error = events[1].as_ref().unwrap_err();
        assert_eq!(error.index, 2);
        assert!(error.message.contains("declared type"), "{error}");
        assert_eq!(events[2], Ok(Event::new(3)));
    }

    #[test]
    fn lines_and_records_are_read_apart() {
        let items = read_items::<u32>(b"1\n\n2\r\n\"x\"\n", Framing::JsonLines);
        assert_eq!(items[0], Ok(1));
        assert_eq!(items[1], Ok(2));
        assert_eq!(items[2].as_ref().unwrap_err().index, 3);
        let items = read_items::<u32>(b"\x1e1\n\x1e2\n", Framing::JsonSeq);
        assert_eq!(items, vec![Ok(1), Ok(2)]);
    }

    /// Kinds of event as a generated enum of them is: externally tagged.
    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Change {
        Created { title: String },
        Deleted(u32),
    }

    #[test]
    fn named_events_are_read_as_the_kind_their_name_says() {
        let body = b"event: created\nid: 1\ndata: {\"title\":\"Dune\"}\n\nevent: deleted\ndata: 4\n\nevent: moved\ndata: 5\n\ndata: 6\n\nevent: deleted\ndata: 7\n\n";
        let events = read_events::<Change>(body, true);
        assert_eq!(events.len(), 5, "{events:?}");
        let first = events[0].as_ref().unwrap();
        assert_eq!(
            first.data,
            Change::Created {
                title: "Dune".into()
            }
        );
        assert_eq!(first.event.as_deref(), Some("created"));
        assert_eq!(first.id.as_deref(), Some("1"));
        assert_eq!(events[1].as_ref().unwrap().data, Change::Deleted(4));
        // A kind the type does not know, and an unnamed event (a `message`), are
        // errors naming them; the events around them stay.
        assert_eq!(events[2].as_ref().unwrap_err().index, 3);
        assert_eq!(events[3].as_ref().unwrap_err().index, 4);
        assert_eq!(events[4].as_ref().unwrap().data, Change::Deleted(7));
    }

    #[tokio::test]
    async fn named_events_are_written_with_their_kind_as_name() {
        use axum::response::IntoResponse as _;
        use http_body_util::BodyExt as _;

        let events = super::super::EventStream::from_events([
            Event::new(Change::Created {
                title: "Dune".into(),
            })
            .with_id("1"),
            // The variant names the event, whatever the handler said.
            Event::new(Change::Deleted(4)).with_event("ignored"),
        ]);
        let response = super::super::named_events(http::StatusCode::OK, events).into_response();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            "event: created\nid: 1\ndata: {\"title\":\"Dune\"}\n\nevent: deleted\ndata: 4\n\n"
        );
        let back = read_events::<Change>(text.as_bytes(), true);
        assert_eq!(back[1].as_ref().unwrap().data, Change::Deleted(4));
    }
}
