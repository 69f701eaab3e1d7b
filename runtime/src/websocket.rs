//! WebSocket operations (`x-dropshot-websocket`, or a 101 response declaring `Upgrade`):
//! the handshake a handler receives once parameters and credentials are checked, and the
//! 101 answer that hands it the connection.
//!
//! The handshake is axum's, so the socket is axum's [`WebSocket`]: a stream of
//! [`Message`]s read with `recv` and written with `send`. Only with the `websocket`
//! feature, which a generated crate's manifest turns on when its spec has such an
//! operation.

use std::fmt;
use std::future::Future;

use axum::extract::{ws, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::StatusCode;

pub use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
/// What reading or writing a [`WebSocket`] fails with.
pub use axum::Error as WebSocketError;

use crate::HttpError;

/// A request's WebSocket handshake, checked: answer with [`WebSocketUpgrade::on_upgrade`]
/// (the operation's `SwitchingProtocols` variant) to take the connection, or with any
/// other declared response to refuse it.
pub struct WebSocketUpgrade {
    inner: ws::WebSocketUpgrade,
}

impl WebSocketUpgrade {
    /// The handshake of the request whose head is `parts`, or the error a client that
    /// did not ask for a WebSocket (or whose connection cannot be upgraded) is told:
    /// 400 with error code `InvalidUpgrade`, 405 for a method other than GET, 426 when
    /// the connection cannot be upgraded (HTTP/2 without extended CONNECT, or a router
    /// called in process).
    pub(crate) async fn from_parts(parts: &mut Parts) -> Result<Self, HttpError> {
        match ws::WebSocketUpgrade::from_request_parts(parts, &()).await {
            Ok(inner) => Ok(Self { inner }),
            Err(rejection) => {
                let status = rejection.status();
                let code = match status {
                    StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
                    StatusCode::UPGRADE_REQUIRED => "UpgradeRequired",
                    _ => "InvalidUpgrade",
                };
                let message = format!("not a WebSocket handshake: {}", rejection.body_text());
                Err(HttpError::for_status(status, message).with_error_code(code))
            }
        }
    }

    /// The subprotocols the client offers (`Sec-WebSocket-Protocol`), in its order.
    pub fn requested_protocols(&self) -> impl Iterator<Item = &str> {
        self.inner
            .requested_protocols()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|protocol| !protocol.is_empty())
    }

    /// The same handshake agreeing to the first of the client's subprotocols that is in
    /// `protocols`; with none in common, the upgrade names no subprotocol.
    pub fn protocols<I>(self, protocols: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<std::borrow::Cow<'static, str>>,
    {
        Self {
            inner: self.inner.protocols(protocols),
        }
    }

    /// The same handshake with messages limited to `bytes` (64 MiB unless set): a larger
    /// one ends the connection.
    pub fn max_message_size(self, bytes: usize) -> Self {
        Self {
            inner: self.inner.max_message_size(bytes),
        }
    }

    /// Accepts the upgrade: the 101 answer that, once sent, runs `handler` on the
    /// connection in a task of its own. The handler's request has ended by then, so it
    /// moves whatever it needs into `handler`.
    pub fn on_upgrade<F, Fut>(self, handler: F) -> WebSocketAccept
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let response = self
            .inner
            .on_failed_upgrade(|error| {
                tracing::debug!(%error, "the WebSocket upgrade failed after its 101");
            })
            .on_upgrade(handler);
        WebSocketAccept { response }
    }
}

impl fmt::Debug for WebSocketUpgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketUpgrade")
            .field(
                "requested_protocols",
                &self.requested_protocols().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// An accepted WebSocket upgrade: the `101 Switching Protocols` answer, made by
/// [`WebSocketUpgrade::on_upgrade`].
pub struct WebSocketAccept {
    response: Response,
}

impl WebSocketAccept {
    /// The subprotocol agreed on, if any.
    pub fn protocol(&self) -> Option<&str> {
        self.response
            .headers()
            .get(http::header::SEC_WEBSOCKET_PROTOCOL)
            .and_then(|value| value.to_str().ok())
    }
}

impl IntoResponse for WebSocketAccept {
    fn into_response(self) -> Response {
        self.response
    }
}

impl fmt::Debug for WebSocketAccept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketAccept")
            .field("protocol", &self.protocol())
            .finish()
    }
}

/// The 101 answer of a WebSocket operation's `SwitchingProtocols` variant; `status` is
/// the variant's, always 101.
pub fn switching_protocols(status: StatusCode, accept: WebSocketAccept) -> Response {
    debug_assert_eq!(status, StatusCode::SWITCHING_PROTOCOLS);
    accept.into_response()
}

/// What the mock does with a WebSocket: sends every text and binary message back until
/// the client closes.
pub async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        let reply = match message {
            Message::Text(_) | Message::Binary(_) => message,
            Message::Close(_) => break,
            // axum answers pings itself.
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if socket.send(reply).await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::builder().method(method).uri("/socket");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).expect("a request").into_parts().0
    }

    const HANDSHAKE: [(&str, &str); 4] = [
        ("connection", "Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    async fn refusal(mut parts: Parts) -> HttpError {
        WebSocketUpgrade::from_parts(&mut parts)
            .await
            .expect_err("refused")
    }

    #[tokio::test]
    async fn what_is_no_handshake_is_told_why() {
        let error = refusal(parts("GET", &[])).await;
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(error.error_code.as_deref(), Some("InvalidUpgrade"));
        assert!(
            error
                .external_message
                .starts_with("not a WebSocket handshake: "),
            "{}",
            error.external_message
        );

        let error = refusal(parts("POST", &HANDSHAKE)).await;
        assert_eq!(error.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(error.error_code.as_deref(), Some("MethodNotAllowed"));

        // A whole handshake on a connection hyper cannot upgrade (a router called in
        // process has none).
        let error = refusal(parts("GET", &HANDSHAKE)).await;
        assert_eq!(error.status, StatusCode::UPGRADE_REQUIRED);
        assert_eq!(error.error_code.as_deref(), Some("UpgradeRequired"));
    }
}
