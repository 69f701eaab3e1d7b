//! A response as the client received it, read by the generated decoder of an
//! operation's response enum.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use std::sync::Mutex;

use super::ClientError;
use crate::body;
use crate::streams;
use crate::{Binary, BodyStream, EventStream, ItemStream};

/// A response: status, headers and body, whole or, for a streamed media type (events,
/// JSON Lines, json-seq), still arriving.
#[derive(Debug)]
pub struct Incoming {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The body of a streamed media type, read as it arrives by the first reader of
    /// items (or of bytes) that takes it; `body` is then empty.
    arriving: Mutex<Option<BodyStream>>,
}

impl Incoming {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Self {
            operation,
            status,
            headers,
            body,
            arriving: Mutex::new(None),
        }
    }

    /// A response whose body is read as it arrives, by the readers of streams.
    pub(crate) fn arriving(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: BodyStream,
    ) -> Self {
        Self {
            arriving: Mutex::new(Some(body)),
            ..Self::new(operation, status, headers, Bytes::new())
        }
    }

    /// The body still arriving, for the one reader that takes it.
    fn take_arriving(&self) -> Option<BodyStream> {
        self.arriving
            .lock()
            .map_or(None, |mut arriving| arriving.take())
    }

    /// The status as a number, for matching declared codes.
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `content-type` as sent, parameters included.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// Whether the response's media type is `declared` (or one a wildcard `declared`
    /// covers); a response without `content-type` is taken to be of it.
    pub fn is(&self, declared: &str) -> bool {
        match self.content_type() {
            None => true,
            Some(received) => {
                let received = body::essence(received);
                let declared = body::essence(declared);
                declared == received || body::covers(&declared, &received)
            }
        }
    }

    /// The error for a response that does not decode as declared.
    pub fn invalid(&self, message: impl Into<String>) -> ClientError {
        ClientError::Decode {
            operation: self.operation,
            status: self.status,
            message: message.into(),
            body: self.body.clone(),
        }
    }

    /// The error for a status the operation does not declare.
    pub fn undeclared(self) -> ClientError {
        ClientError::UndeclaredStatus {
            operation: self.operation,
            content_type: self.content_type().map(str::to_owned),
            status: self.status,
            body: self.body,
        }
    }

    /// The error for a media type the response does not declare at its status.
    pub fn unexpected_media_type(&self) -> ClientError {
        self.invalid(format!(
            "content-type {:?} is not declared for this status",
            self.content_type().unwrap_or_default()
        ))
    }

    /// The body as JSON of type `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ClientError> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| self.invalid(format!("body at {}: {}", e.path(), e.inner())))
    }

    /// The body as JSON of type `T`, when the response's media type is the declared
    /// `media_type`.
    pub fn json_as<T: DeserializeOwned>(&self, media_type: &str) -> Result<T, ClientError> {
        self.declared(media_type)?;
        self.json()
    }

    /// The body as text, when the response's media type is the declared `media_type`.
    pub fn text_as(&self, media_type: &str) -> Result<String, ClientError> {
        self.declared(media_type)?;
        self.text()
    }

    /// The body's Server-Sent Events with data of `T`, when the response's media type is
    /// the declared `media_type`; an event whose data is not a `T` is an error item of
    /// the stream, which the events around it keep.
    pub fn events_as<T: DeserializeOwned + Send + 'static>(
        &self,
        media_type: &str,
    ) -> Result<EventStream<T>, ClientError> {
        self.declared(media_type)?;
        Ok(match self.take_arriving() {
            Some(body) => EventStream::arriving(body, false),
            None => EventStream::received(streams::read_events(&self.body, false)),
        })
    }

    /// The body's Server-Sent Events, each read as the kind of event `T` its name says
    /// (`T` an enum of the kinds, reading `{name: data}`; an event without a name is a
    /// `message`), when the response is of the declared `media_type`; an event of no
    /// kind `T` knows is an error item of the stream, which the events around it keep.
    pub fn named_events_as<T: DeserializeOwned + Send + 'static>(
        &self,
        media_type: &str,
    ) -> Result<EventStream<T>, ClientError> {
        self.declared(media_type)?;
        Ok(match self.take_arriving() {
            Some(body) => EventStream::arriving(body, true),
            None => EventStream::received(streams::read_events(&self.body, true)),
        })
    }

    /// The body's JSON Lines or json-seq items of `T` (as the declared `media_type`
    /// frames them), when the response is of that type; an item that is not a `T` is an
    /// error item of the stream, which the items around it keep.
    pub fn items_as<T: DeserializeOwned + Send + 'static>(
        &self,
        media_type: &str,
    ) -> Result<ItemStream<T>, ClientError> {
        self.declared(media_type)?;
        let framing = streams::items_framing(media_type);
        Ok(match self.take_arriving() {
            Some(body) => streams::arriving_items(body, framing),
            None => ItemStream::received(streams::read_items(&self.body, framing)),
        })
    }

    /// The body's bytes, when the response's media type is the declared `media_type`.
    pub fn binary_as(&self, media_type: &str) -> Result<Binary, ClientError> {
        self.declared(media_type)?;
        Ok(self.binary())
    }

    fn declared(&self, media_type: &str) -> Result<(), ClientError> {
        if self.is(media_type) {
            Ok(())
        } else {
            Err(self.unexpected_media_type())
        }
    }

    /// The body as text; a decode error when it is not UTF-8.
    pub fn text(&self) -> Result<String, ClientError> {
        String::from_utf8(self.body.to_vec()).map_err(|_| self.invalid("body is not UTF-8"))
    }

    /// The body's bytes.
    pub fn binary(&self) -> Binary {
        match self.take_arriving() {
            Some(body) => Binary::from_body(body.into_body()),
            None => Binary::from(self.body.clone()),
        }
    }

    /// The `content-type` sent (empty when absent), for a body whose declared type is a
    /// wildcard and whose variant keeps the concrete one.
    pub fn content_type_owned(&self) -> String {
        self.content_type().unwrap_or_default().to_owned()
    }

    /// The header `name` as `T`, read as the server writes response headers (text,
    /// numbers and booleans as JSON writes them, lists comma-joined); `None` when absent.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ClientError> {
        let lines: Vec<&str> = self
            .headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        if lines.is_empty() {
            return Ok(None);
        }
        let text = lines.join(",");
        header_value(&text)
            .map(Some)
            .ok_or_else(|| self.invalid(format!("header \"{name}\" has an invalid value {text:?}")))
    }

    /// [`header`](Self::header) for a header the response must have.
    pub fn required_header<T: DeserializeOwned>(&self, name: &str) -> Result<T, ClientError> {
        self.header(name)?
            .ok_or_else(|| self.invalid(format!("required header \"{name}\" is missing")))
    }
}

/// The first reading of a header's text that `T` accepts: the text itself, the JSON
/// scalar it spells, or the list its commas separate.
fn header_value<T: DeserializeOwned>(text: &str) -> Option<T> {
    let as_scalar = |piece: &str| {
        serde_json::from_str::<Value>(piece)
            .ok()
            .filter(|value| value.is_number() || value.is_boolean())
    };
    let candidates = [
        Some(Value::String(text.to_owned())),
        as_scalar(text),
        Some(Value::Array(
            text.split(',')
                .map(|piece| Value::String(piece.trim().to_owned()))
                .collect(),
        )),
        Some(Value::Array(
            text.split(',')
                .map(|piece| {
                    as_scalar(piece.trim())
                        .unwrap_or_else(|| Value::String(piece.trim().to_owned()))
                })
                .collect(),
        )),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|value| serde_json::from_value(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &str) -> Incoming {
        let mut headers = HeaderMap::new();
        headers.insert("x-things", value.parse().expect("valid header"));
        Incoming::new("op", StatusCode::OK, headers, Bytes::new())
    }

    #[test]
    fn headers_read_back_as_the_server_writes_them() {
        let read = |text: &str| with_header(text);
        assert_eq!(
            read("hello").header::<String>("x-things").expect("text"),
            Some("hello".to_owned())
        );
        assert_eq!(read("42").header::<i64>("x-things").expect("n"), Some(42));
        assert_eq!(
            read("42").header::<String>("x-things").expect("text"),
            Some("42".to_owned())
        );
        assert_eq!(
            read("true").header::<bool>("x-things").expect("b"),
            Some(true)
        );
        assert_eq!(
            read("1,2,3").header::<Vec<u8>>("x-things").expect("list"),
            Some(vec![1, 2, 3])
        );
        assert_eq!(
            read("a,b").header::<Vec<String>>("x-things").expect("list"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        let error = read("x")
            .header::<i64>("x-things")
            .expect_err("not a number");
        assert!(error.to_string().contains("x-things"), "{error}");
    }

    #[test]
    fn a_missing_required_header_is_a_decode_error() {
        let incoming = Incoming::new("op", StatusCode::CREATED, HeaderMap::new(), Bytes::new());
        let error = incoming
            .required_header::<String>("location")
            .expect_err("missing");
        assert_eq!(error.status(), Some(StatusCode::CREATED));
        assert!(error.to_string().contains("location"), "{error}");
    }

    #[test]
    fn json_errors_name_the_path() {
        let incoming = Incoming::new(
            "op",
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(br#"{"a":[1,"x"]}"#),
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct A {
            a: Vec<u8>,
        }
        let error = incoming.json::<A>().expect_err("x is not a number");
        assert!(error.to_string().contains("a[1]"), "{error}");
    }
}
