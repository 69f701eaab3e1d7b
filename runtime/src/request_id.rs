//! The per-request id: validation of client-supplied ids and the task-local that lets
//! [`HttpError`](crate::HttpError) bodies carry the id without threading it through handlers.
//! The same task-local carries the server's page token key, which the handler's page
//! tokens are signed with: one scope per request rather than one per value, each of
//! which would wrap the request's future and swap its value in and out on every poll.

use std::future::Future;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};

use crate::pagination::PageTokenKey;
use crate::server::ServerSettings;

/// Header used both to accept a client-chosen id and to echo the id on every response:
/// a `HeaderName` made once, since looking up or inserting by text parses the name.
pub(crate) const REQUEST_ID_HEADER: http::HeaderName =
    http::HeaderName::from_static("x-request-id");

/// Longest client-supplied id we accept; longer ones are replaced so logs stay bounded.
const MAX_REQUEST_ID_LEN: usize = 128;

tokio::task_local! {
    static REQUEST: Scope;
}

/// What the handling of one request sees of it without being handed it.
struct Scope {
    /// The request's id.
    id: HeaderValue,
    /// The key of the server's page tokens, when it has one.
    page_key: Option<PageTokenKey>,
}

/// Request id stored in the request extensions by the first to see the request: the
/// server, or the router's middleware when the router is served by other means. Kept as
/// the header value it is echoed as: a shared buffer, so each copy of it (extensions,
/// task-local, response header, observer) is a reference count, not a new string.
///
/// The server's settings ride along: one extension per request rather than one per
/// setting, each of which would be allocated and freed again.
#[derive(Clone, Debug)]
pub(crate) struct RequestId {
    /// The id; only visible ASCII, so [`RequestId::as_str`] always has it.
    pub(crate) value: HeaderValue,
    /// The settings of the server that chose the id, and with it opened the request's
    /// span and answers with the id header (so the router's middleware need not);
    /// `None` when the router's middleware chose it.
    pub(crate) server: Option<Arc<ServerSettings>>,
}

impl RequestId {
    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        text(&self.value)
    }
}

/// `value` as text; ids are only ever made of visible ASCII (see [`from_headers`]).
pub(crate) fn text(value: &HeaderValue) -> &str {
    value.to_str().unwrap_or_default()
}

/// Runs `future` with `request_id` visible to [`current`] and `page_key` to
/// [`page_key`].
pub(crate) fn scope<F: Future>(
    request_id: HeaderValue,
    page_key: Option<PageTokenKey>,
    future: F,
) -> impl Future<Output = F::Output> {
    REQUEST.scope(
        Scope {
            id: request_id,
            page_key,
        },
        future,
    )
}

/// Runs `make` with `request_id` visible to [`current`]: for the responses the server
/// builds itself, outside any handler.
pub(crate) fn within<T>(request_id: HeaderValue, make: impl FnOnce() -> T) -> T {
    let scope = Scope {
        id: request_id,
        page_key: None,
    };
    REQUEST.sync_scope(scope, make)
}

/// The id of the request being served, or an empty string outside the router middleware.
pub(crate) fn current() -> String {
    REQUEST
        .try_with(|scope| text(&scope.id).to_owned())
        .unwrap_or_default()
}

/// The page token key of the server serving the current request, if it has one.
pub(crate) fn page_key() -> Option<PageTokenKey> {
    REQUEST
        .try_with(|scope| scope.page_key.clone())
        .ok()
        .flatten()
}

/// Whether the server serving the current request signs its page tokens.
pub(crate) fn signs_page_tokens() -> bool {
    REQUEST
        .try_with(|scope| scope.page_key.is_some())
        .unwrap_or(false)
}

/// Takes the client's id when it is safe to log and echo, otherwise generates a UUID v4.
pub(crate) fn from_headers(headers: &HeaderMap) -> HeaderValue {
    match headers.get(REQUEST_ID_HEADER) {
        Some(value) if is_valid(value.as_bytes()) => value.clone(),
        _ => generated(),
    }
}

/// A new random id (a UUID v4). Its bits come from fastrand's thread-local generator
/// rather than from the kernel on every request: an id must be unique, not secret.
fn generated() -> HeaderValue {
    let bits = fastrand::u128(..).to_le_bytes();
    let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
    let text = uuid::Builder::from_random_bytes(bits)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text);
    HeaderValue::from_str(text)
        .unwrap_or_else(|_| unreachable!("a hyphenated UUID is visible ASCII"))
}

fn is_valid(bytes: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&bytes.len()) && bytes.iter().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_for(value: &[u8]) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, HeaderValue::from_bytes(value).unwrap());
        text(&from_headers(&headers)).to_owned()
    }

    #[test]
    fn accepts_visible_ascii() {
        assert_eq!(id_for(b"abc-123"), "abc-123");
        let longest = "a".repeat(MAX_REQUEST_ID_LEN);
        assert_eq!(id_for(longest.as_bytes()), longest);
    }

    #[test]
    fn replaces_invalid_ids() {
        for bad in [
            &b"has space"[..],
            b"",
            &[b'a'; MAX_REQUEST_ID_LEN + 1],
            b"caf\xc3\xa9",
        ] {
            let id = id_for(bad);
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id:?} for {bad:?}");
        }
    }

    #[test]
    fn generated_ids_differ() {
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| text(&from_headers(&HeaderMap::new())).to_owned())
            .collect();
        assert_eq!(ids.len(), 1000);
    }

    #[tokio::test]
    async fn current_is_empty_outside_scope() {
        assert_eq!(current(), "");
        assert_eq!(
            scope(HeaderValue::from_static("x"), None, async { current() }).await,
            "x"
        );
        assert_eq!(within(HeaderValue::from_static("y"), current), "y");
    }
}
