//! The per-request id: validation of client-supplied ids and the task-local that lets
//! [`HttpError`](crate::HttpError) bodies carry the id without threading it through handlers.

use std::future::Future;

use http::HeaderMap;

/// Header used both to accept a client-chosen id and to echo the id on every response.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// Longest client-supplied id we accept; longer ones are replaced so logs stay bounded.
const MAX_REQUEST_ID_LEN: usize = 128;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Request id stored in the request extensions by the router middleware.
#[derive(Clone, Debug)]
pub(crate) struct RequestId(pub(crate) String);

/// Runs `future` with `request_id` visible to [`current`].
pub(crate) async fn scope<F: Future>(request_id: String, future: F) -> F::Output {
    REQUEST_ID.scope(request_id, future).await
}

/// The id of the request being served, or an empty string outside the router middleware.
pub(crate) fn current() -> String {
    REQUEST_ID.try_with(|id| id.clone()).unwrap_or_default()
}

/// Takes the client's id when it is safe to log and echo, otherwise generates a UUID v4.
pub(crate) fn from_headers(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .map(|value| value.as_bytes())
        .filter(|bytes| is_valid(bytes))
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

fn is_valid(bytes: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&bytes.len()) && bytes.iter().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn id_for(value: &[u8]) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, HeaderValue::from_bytes(value).unwrap());
        from_headers(&headers)
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

    #[tokio::test]
    async fn current_is_empty_outside_scope() {
        assert_eq!(current(), "");
        assert_eq!(scope("x".into(), async { current() }).await, "x");
    }
}
