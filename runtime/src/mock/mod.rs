//! Answers from the spec alone: examples, or values synthesized from schemas.
//!
//! A generated crate's `mock` module implements its API trait with [`respond`]: each
//! operation answers with the response its spec declares, chosen by the request's
//! `Prefer` header (`code=404`, `example=NAME`, `dynamic=true`), its body the named or
//! first example, else a value [`synthesize`] makes to fit the schema. The answer is
//! read back into the operation's response enum by the generated client's decoder, so
//! it is exactly what a hand-written implementation could have returned.

mod prefer;
mod synthesize;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::Value;
use specfirst_model::streams::{item_schema, Framing};

pub use prefer::Prefer;
pub use synthesize::{synthesize, Synthesis};

use crate::client::{ClientError, Incoming};
use crate::{HttpError, RequestContext};

/// What an operation's answer is computed by, boxed so a mock can hold one per
/// operation.
pub type Answer<R> = Pin<Box<dyn Future<Output = crate::Result<R>> + Send>>;

/// A test's own implementation of one operation of a mock, in place of the spec's
/// answers.
pub type Handler<Q, R> = Arc<dyn Fn(RequestContext, Q) -> Answer<R> + Send + Sync>;

/// The answer of a mocked operation: `handler`'s when the test gave one, else the
/// response `spec` declares for the operation at `method` and `path` that the
/// request's `Prefer` header asks for, read into the response enum by `read` (the
/// generated client's decoder, so the answer is one the types can hold).
pub fn respond<Q, R: Send + 'static>(
    spec: &Spec,
    handler: Option<&Handler<Q, R>>,
    ctx: RequestContext,
    request: Q,
    (method, path): (&str, &str),
    read: fn(Incoming) -> Result<R, ClientError>,
) -> Answer<R> {
    if let Some(handler) = handler {
        return handler(ctx, request);
    }
    let prefer = Prefer::from_headers(ctx.headers());
    let answer = spec
        .answer(ctx.operation_id(), method, path, &prefer)
        .and_then(|incoming| {
            read(incoming).map_err(|e| {
                HttpError::for_internal_error(format!("the mock's answer does not decode: {e}"))
            })
        });
    Box::pin(std::future::ready(answer))
}

/// Reads every item of a streamed request body, each checked as the generated server
/// checks it, so that a mock answering from the spec refuses a bad item (a 400 naming
/// it) as a server reading the items would; the spec's answer needs none of them.
pub async fn drain<T>(items: &mut crate::ItemStream<T>) -> crate::Result<()> {
    while let Some(item) = items.next_item().await {
        item?;
    }
    Ok(())
}

/// The answer of a mocked WebSocket operation: `handler`'s when the test gave one, else
/// `accept`'s, which takes the upgrade (the generated mock's sends back every message).
/// The spec has no answer that takes a connection, so `Prefer` is not read.
pub fn upgrade<Q, R: Send + 'static>(
    handler: Option<&Handler<Q, R>>,
    ctx: RequestContext,
    request: Q,
    accept: impl FnOnce(Q) -> R,
) -> Answer<R> {
    match handler {
        Some(handler) => handler(ctx, request),
        None => Box::pin(std::future::ready(Ok(accept(request)))),
    }
}

/// The spec a mock answers from: the OpenAPI document, parsed once.
#[derive(Debug)]
pub struct Spec {
    document: Value,
}

impl Spec {
    /// The document `json` (what generated crates hold as `OPENAPI_DOCUMENT`); an
    /// unparsable one answers every operation with a 500 saying so.
    pub fn parse(json: &str) -> Self {
        Self {
            document: serde_json::from_str(json).unwrap_or(Value::Null),
        }
    }

    /// The node `node` refers to (`{"$ref": "#/components/..."}`), or `node` itself
    /// when it is not a reference; references to references are followed a few levels
    /// deep.
    fn resolve<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        for _ in 0..8 {
            match specfirst_model::refs::referred(&self.document, node) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    /// The answer to the operation at `method` and `path` (the spec's template) that
    /// `prefer` asks for, as the response it would be on the wire, for the operation's
    /// generated decoder to read.
    pub fn answer(
        &self,
        operation_id: &'static str,
        method: &str,
        path: &str,
        prefer: &Prefer,
    ) -> Result<Incoming, HttpError> {
        let operation = self
            .document
            .get("paths")
            .and_then(|paths| paths.get(path))
            .map(|item| self.resolve(item))
            .and_then(|item| {
                // A method with a field of its own, else one of OpenAPI 3.2's others.
                item.get(method.to_ascii_lowercase()).or_else(|| {
                    item.get(specfirst_model::vocabulary::ADDITIONAL_OPERATIONS)?
                        .get(method)
                })
            })
            .ok_or_else(|| {
                HttpError::for_internal_error(format!(
                    "the mock's document has no operation {method} {path}"
                ))
            })?;
        let responses = operation
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let (key, status) = choose_status(&responses, prefer.code)?;
        let response = responses
            .get(&key)
            .map_or(&Value::Null, |response| self.resolve(response));
        let mut headers = HeaderMap::new();
        let body = match self.body(response, prefer)? {
            Some((media_type, body)) => {
                if let Ok(value) = HeaderValue::from_str(&media_type) {
                    headers.insert(http::header::CONTENT_TYPE, value);
                }
                body
            }
            None => Bytes::new(),
        };
        let how = prefer.synthesis();
        if let Some(declared) = response.get("headers").and_then(Value::as_object) {
            for (name, header) in declared {
                let header = self.resolve(header);
                let schema = header.get("schema").unwrap_or(header);
                let value = header
                    .get("example")
                    .filter(|_| how == Synthesis::Examples)
                    .cloned()
                    .unwrap_or_else(|| synthesize(&self.document, schema, how));
                let Some(text) = header_text(&value) else {
                    continue;
                };
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(&text),
                ) {
                    headers.insert(name, value);
                }
            }
        }
        Ok(Incoming::new(operation_id, status, headers, body))
    }

    /// The media type and bytes of `response`'s body: the first declared JSON media
    /// type (else the first), its example named by `prefer`, its first example, or a
    /// value made from its schema; for a stream of typed items, a few items made from
    /// the item's schema.
    fn body(
        &self,
        response: &Value,
        prefer: &Prefer,
    ) -> Result<Option<(String, Bytes)>, HttpError> {
        let how = prefer.synthesis();
        // Swagger 2.0 puts the schema on the response itself.
        if let Some(schema) = response.get("schema") {
            let value = synthesize(&self.document, schema, how);
            return Ok(Some(("application/json".to_owned(), json_bytes(&value))));
        }
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(None);
        };
        let is_json = |media_type: &str| crate::body::is_json(&crate::body::essence(media_type));
        let Some((media_type, media)) = content
            .iter()
            .find(|(media_type, _)| is_json(media_type))
            .or_else(|| content.iter().next())
        else {
            return Ok(None);
        };
        if let Some(item) = item_schema(&self.document, media_type, media) {
            let body = if item.named.is_empty() {
                let value = synthesize(&self.document, item.schema, how);
                framed(item.framing, &value)
            } else {
                let kinds: Vec<(&str, Value)> = item
                    .named
                    .iter()
                    .map(|event| (event.name, synthesize(&self.document, event.data, how)))
                    .collect();
                framed_named(&kinds)
            };
            return Ok(Some((media_type.clone(), body)));
        }
        let example = if how == Synthesis::Examples {
            self.example(media, prefer.example.as_deref())?
        } else {
            None
        };
        let value = match example {
            Some(value) => value,
            None => {
                let schema = media.get("schema").cloned().unwrap_or(Value::Null);
                synthesize(&self.document, &schema, how)
            }
        };
        // A concrete type for a wildcard, as a handler would give.
        let concrete = match media_type.as_str() {
            "*/*" => "application/octet-stream".to_owned(),
            other if other.ends_with("/*") => {
                format!("{}octet-stream", other.trim_end_matches('*'))
            }
            other => other.to_owned(),
        };
        let bytes = match value {
            Value::String(text) if !is_json(media_type) => Bytes::from(text),
            other => json_bytes(&other),
        };
        Ok(Some((concrete, bytes)))
    }

    /// The example of a media type object named `name`, or its first; `None` when it
    /// has none. A name it does not have is a 400, as the caller asked for it.
    fn example(&self, media: &Value, name: Option<&str>) -> Result<Option<Value>, HttpError> {
        let examples = media.get("examples").and_then(Value::as_object);
        if let Some(name) = name {
            let found = examples
                .and_then(|examples| examples.get(name))
                .map(|example| self.resolve(example));
            return match found.and_then(|example| example.get("value")) {
                Some(value) => Ok(Some(value.clone())),
                None => Err(HttpError::bad_request(
                    "NoSuchExample",
                    format!("the response has no example named \"{name}\""),
                )),
            };
        }
        if let Some(example) = media.get("example") {
            return Ok(Some(example.clone()));
        }
        Ok(examples
            .and_then(|examples| examples.values().next())
            .map(|example| self.resolve(example))
            .and_then(|example| example.get("value"))
            .cloned())
    }
}

/// The declared response to answer with: the one `code` names (exactly, by its class
/// such as `4XX`, or `default`), else the first success, else the first declared.
fn choose_status(
    responses: &serde_json::Map<String, Value>,
    code: Option<u16>,
) -> Result<(String, StatusCode), HttpError> {
    let status = |code: u16| StatusCode::from_u16(code).ok();
    if let Some(code) = code {
        let class = format!("{}XX", code / 100);
        let key = [
            code.to_string(),
            class.clone(),
            class.to_lowercase(),
            "default".to_owned(),
        ]
        .into_iter()
        .find(|key| responses.contains_key(key));
        return match (key, status(code)) {
            (Some(key), Some(status)) => Ok((key, status)),
            _ => Err(HttpError::bad_request(
                "NoSuchResponse",
                format!("the operation declares no response for status {code}"),
            )),
        };
    }
    let declared = |key: &String| -> Option<StatusCode> {
        key.parse::<u16>().ok().and_then(status).or_else(|| {
            let class = key.strip_suffix("XX").or_else(|| key.strip_suffix("xx"))?;
            class
                .parse::<u16>()
                .ok()
                .and_then(|class| status(class * 100))
        })
    };
    let mut keys: Vec<(&String, StatusCode)> = responses
        .keys()
        .filter_map(|key| declared(key).map(|status| (key, status)))
        .collect();
    keys.sort_by_key(|(_, status)| (!status.is_success(), status.as_u16()));
    match keys.first() {
        Some((key, status)) => Ok(((*key).clone(), *status)),
        None if responses.contains_key("default") => Ok(("default".to_owned(), StatusCode::OK)),
        None => Ok((String::new(), StatusCode::OK)),
    }
}

/// A stream of [`STREAMED`] items of `value`, framed as `framing` says (events with ids
/// counted from 1).
fn framed(framing: Framing, value: &Value) -> Bytes {
    let mut body = Vec::new();
    for index in 1..=STREAMED {
        match framing {
            Framing::Events => body.extend(format!("id: {index}\ndata: {value}\n\n").bytes()),
            // A JSON value always writes.
            Framing::JsonLines | Framing::JsonSeq => {
                body.extend(crate::streams::frame(framing, value).unwrap_or_default());
            }
        }
    }
    Bytes::from(body)
}

/// A stream of [`STREAMED`] events named by their kind, taking `kinds` (name and data)
/// in turn, with ids counted from 1.
fn framed_named(kinds: &[(&str, Value)]) -> Bytes {
    let mut body = String::new();
    for (index, (name, data)) in (1..=STREAMED).zip(kinds.iter().cycle()) {
        body.push_str(&format!("id: {index}\nevent: {name}\ndata: {data}\n\n"));
    }
    Bytes::from(body)
}

/// How many items the mock streams: more than one, so a client's loop is exercised.
const STREAMED: usize = 3;

fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// A header's text as the server writes response headers: scalars as they are, lists
/// comma-joined; `None` for anything else.
fn header_text(value: &Value) -> Option<String> {
    let scalar = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Option<Vec<_>>>()
            .map(|items| items.join(",")),
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests;
