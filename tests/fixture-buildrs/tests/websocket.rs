//! WebSocket operations (`specs/websocket.yaml`, Dropshot-style) served over real HTTP
//! and driven by a WebSocket client (tokio-tungstenite): the handler gets the connection
//! once parameters and credentials are checked, a bad parameter or credential is the
//! usual JSON error instead of an upgrade, a request that is no handshake a 400, the mock
//! echoes, and shutdown does not wait for open sockets. Oxide's serial console, from the
//! nexus module compiled by this crate, is written against the same types.

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use specfirst_fixture_buildrs::oxide_nexus as nexus;
use specfirst_fixture_buildrs::websocket as api;
use specfirst_runtime::auth::{self, Bearer};
use specfirst_runtime::{HttpError, Message, RequestContext, WebSocket};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

/// What a room's console sends before anything else: its latest lines.
const HISTORY: [&str; 3] = ["booted", "login:", "ready"];

/// The handlers, each telling the test (through `closed`) when its socket ends.
struct Sockets {
    closed: mpsc::UnboundedSender<String>,
}

impl api::SocketsAuth for Sockets {
    type Principal = String;

    async fn bearer_auth(
        &self,
        _ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<String, HttpError> {
        match credential.token() {
            "operator" => Ok("operator".to_owned()),
            _ => Err(auth::unauthenticated("unknown token")),
        }
    }
}

impl api::SocketsApi for Sockets {
    async fn echo(
        &self,
        _ctx: RequestContext,
        request: api::EchoRequest,
    ) -> Result<api::EchoResponse, HttpError> {
        let prefix = request
            .prefix
            .map(|p| String::clone(&p))
            .unwrap_or_default();
        let closed = self.closed.clone();
        Ok(api::EchoResponse::SwitchingProtocols {
            upgrade: request
                .websocket
                .on_upgrade(move |mut socket: WebSocket| async move {
                    while let Some(Ok(message)) = socket.recv().await {
                        let reply = match message {
                            Message::Text(text) => {
                                Message::text(format!("{prefix}{}", text.as_str()))
                            }
                            Message::Binary(bytes) => Message::Binary(bytes),
                            Message::Close(_) => break,
                            Message::Ping(_) | Message::Pong(_) => continue,
                        };
                        if socket.send(reply).await.is_err() {
                            break;
                        }
                    }
                    let _ = closed.send("echo".to_owned());
                }),
        })
    }

    async fn room_console(
        &self,
        _ctx: RequestContext,
        principal: String,
        request: api::RoomConsoleRequest,
    ) -> Result<api::RoomConsoleResponse, HttpError> {
        let room = request.room.get();
        if room != 7 {
            return Ok(api::RoomConsoleResponse::NotFound {
                body: api::types::Error {
                    error_code: Some("NotFound".to_owned()),
                    message: format!("no room {room}"),
                    request_id: "-".to_owned(),
                },
            });
        }
        let skip = HISTORY
            .len()
            .saturating_sub(request.most_recent.unwrap_or(0) as usize);
        let closed = self.closed.clone();
        Ok(api::RoomConsoleResponse::SwitchingProtocols {
            upgrade: request.websocket.on_upgrade(move |mut socket| async move {
                for line in &HISTORY[skip..] {
                    if socket.send(Message::text(*line)).await.is_err() {
                        return;
                    }
                }
                while let Some(Ok(Message::Text(text))) = socket.recv().await {
                    let line = format!("{principal} in room {room}: {}", text.as_str());
                    if socket.send(Message::text(line)).await.is_err() {
                        break;
                    }
                }
                let _ = closed.send(format!("room {room}"));
            }),
        })
    }

    async fn legacy_console(
        &self,
        _ctx: RequestContext,
        request: api::LegacyConsoleRequest,
    ) -> Result<api::LegacyConsoleResponse, HttpError> {
        Ok(api::LegacyConsoleResponse::SwitchingProtocols {
            upgrade: request.websocket.on_upgrade(|mut socket| async move {
                let _ = socket.send(Message::text("attached")).await;
            }),
        })
    }

    async fn ticker(
        &self,
        _ctx: RequestContext,
        request: api::TickerRequest,
    ) -> Result<api::TickerResponse, HttpError> {
        Ok(api::TickerResponse::SwitchingProtocols {
            upgrade: request.websocket.on_upgrade(|mut socket| async move {
                for price in ["1.5", "1.25"] {
                    let _ = socket.send(Message::text(price)).await;
                }
                let _ = socket.send(Message::Close(None)).await;
            }),
        })
    }
}

fn sockets() -> (Arc<Sockets>, mpsc::UnboundedReceiver<String>) {
    let (closed, ended) = mpsc::unbounded_channel();
    (Arc::new(Sockets { closed }), ended)
}

/// `ws://` and `path` on `server`.
fn ws_url(server: &support::Server, path: &str) -> String {
    format!("ws://{}{path}", server.addr)
}

/// The next text message, within a few seconds.
async fn next_text<S>(socket: &mut S) -> String
where
    S: futures_util::Stream<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a message in time")
        .expect("the socket open")
        .expect("a message");
    match message {
        tungstenite::Message::Text(text) => text.as_str().to_owned(),
        other => panic!("expected text, got {other:?}"),
    }
}

/// The status and JSON body a handshake was refused with.
fn refusal(error: tungstenite::Error) -> (u16, Value) {
    match error {
        tungstenite::Error::Http(response) => {
            let body = response.body().as_deref().unwrap_or_default();
            let json = serde_json::from_slice(body).expect("a JSON error body");
            (response.status().as_u16(), json)
        }
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[tokio::test]
async fn the_handler_gets_the_connection_after_its_parameters() {
    let (sockets, mut ended) = sockets();
    let server = support::start(api::router(sockets)).await;

    let (mut socket, response) =
        tokio_tungstenite::connect_async(ws_url(&server, "/echo?prefix=%3E%3E"))
            .await
            .expect("the upgrade");
    assert_eq!(response.status().as_u16(), 101);
    assert!(response.headers().contains_key("x-request-id"));
    socket
        .send(tungstenite::Message::text("hi"))
        .await
        .expect("sent");
    assert_eq!(next_text(&mut socket).await, ">>hi");
    socket
        .send(tungstenite::Message::binary(vec![0_u8, 1, 2]))
        .await
        .expect("sent");
    let echoed = socket.next().await.expect("open").expect("a message");
    assert_eq!(echoed, tungstenite::Message::binary(vec![0_u8, 1, 2]));
    socket.close(None).await.expect("closed");
    // The handler's loop ends with the client's close.
    let which = tokio::time::timeout(Duration::from_secs(5), ended.recv())
        .await
        .expect("the handler ends");
    assert_eq!(which.as_deref(), Some("echo"));
}

#[tokio::test]
async fn a_bad_parameter_is_refused_before_the_upgrade() {
    let (sockets, _ended) = sockets();
    let server = support::start(api::router(sockets)).await;

    let error = tokio_tungstenite::connect_async(ws_url(&server, "/echo?prefix=much-too-long"))
        .await
        .expect_err("no upgrade");
    let (status, body) = refusal(error);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .contains("prefix"),
        "{body}"
    );
}

#[tokio::test]
async fn a_request_that_is_no_handshake_gets_a_json_400() {
    let (sockets, _ended) = sockets();
    let server = support::start(api::router(sockets)).await;

    let (status, body) =
        support::error_of(server.get("/echo").send().await.expect("response")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "InvalidUpgrade", "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .starts_with("not a WebSocket handshake"),
        "{body}"
    );
}

#[tokio::test]
async fn credentials_are_checked_before_the_upgrade() {
    let (sockets, mut ended) = sockets();
    let server = support::start(api::router(sockets)).await;

    let error = tokio_tungstenite::connect_async(ws_url(&server, "/rooms/7/console"))
        .await
        .expect_err("no upgrade without credentials");
    let (status, body) = refusal(error);
    assert_eq!(status, 401, "{body}");

    let authorized = |path: &str| {
        let mut request = ws_url(&server, path)
            .into_client_request()
            .expect("a request");
        request.headers_mut().insert(
            "authorization",
            "Bearer operator".parse().expect("a header"),
        );
        request
    };
    // The handler refuses a room it does not have with a declared response.
    let error = tokio_tungstenite::connect_async(authorized("/rooms/8/console"))
        .await
        .expect_err("no such room");
    let (status, body) = refusal(error);
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["message"], "no room 8");

    let (mut socket, _) =
        tokio_tungstenite::connect_async(authorized("/rooms/7/console?most_recent=2"))
            .await
            .expect("the upgrade");
    assert_eq!(next_text(&mut socket).await, "login:");
    assert_eq!(next_text(&mut socket).await, "ready");
    socket
        .send(tungstenite::Message::text("ls"))
        .await
        .expect("sent");
    assert_eq!(next_text(&mut socket).await, "operator in room 7: ls");
    drop(socket);
    // A client that goes away without closing ends the handler's loop too.
    let which = tokio::time::timeout(Duration::from_secs(5), ended.recv())
        .await
        .expect("the handler ends");
    assert_eq!(which.as_deref(), Some("room 7"));
}

#[tokio::test]
async fn operations_marked_by_an_upgrade_header_or_only_a_default_upgrade() {
    let (sockets, _ended) = sockets();
    let server = support::start(api::router(sockets)).await;

    let (mut socket, response) = tokio_tungstenite::connect_async(ws_url(&server, "/ticker"))
        .await
        .expect("the upgrade");
    assert_eq!(
        response
            .headers()
            .get("upgrade")
            .and_then(|v| v.to_str().ok()),
        Some("websocket")
    );
    assert_eq!(next_text(&mut socket).await, "1.5");
    assert_eq!(next_text(&mut socket).await, "1.25");
    let last = socket.next().await.expect("open").expect("a message");
    assert!(matches!(last, tungstenite::Message::Close(_)), "{last:?}");

    // Marked, with only a `default` response: the upgrade has a variant all the same.
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url(&server, "/legacy"))
        .await
        .expect("the upgrade");
    assert_eq!(next_text(&mut socket).await, "attached");
}

#[tokio::test]
async fn the_mock_echoes_and_checks_as_the_server_does() {
    let server = support::start(api::router(Arc::new(api::mock::Mock::new()))).await;

    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url(&server, "/echo?prefix=x"))
        .await
        .expect("the upgrade");
    socket
        .send(tungstenite::Message::text("again"))
        .await
        .expect("sent");
    assert_eq!(next_text(&mut socket).await, "again");

    let mut request = ws_url(&server, "/rooms/0/console")
        .into_client_request()
        .expect("a request");
    request
        .headers_mut()
        .insert("authorization", "Bearer any".parse().expect("a header"));
    let error = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("room 0 breaks its minimum");
    let (status, _) = refusal(error);
    assert_eq!(status, 400);
}

#[tokio::test]
async fn shutdown_does_not_wait_for_open_sockets() {
    let (sockets, _ended) = sockets();
    let server = support::start(api::router(sockets)).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws_url(&server, "/echo"))
        .await
        .expect("the upgrade");
    socket
        .send(tungstenite::Message::text("still here"))
        .await
        .expect("sent");
    assert_eq!(next_text(&mut socket).await, "still here");
    // The socket has left the server's connections: its shutdown finishes at once rather
    // than after its 30 s timeout, and the socket's task is the application's to end.
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("shutdown does not wait for the socket");
}

/// Oxide's serial console (`instance_serial_console_stream`, `x-dropshot-websocket`),
/// as nexus would implement it: the request holds the instance and the checked handshake,
/// and the 101 variant the accepted upgrade. Compiling is the test.
#[allow(dead_code)]
fn serial_console(
    request: nexus::InstanceSerialConsoleStreamRequest,
) -> nexus::InstanceSerialConsoleStreamResponse {
    let nexus::InstanceSerialConsoleStreamRequest {
        instance,
        most_recent,
        project,
        websocket,
    } = request;
    nexus::InstanceSerialConsoleStreamResponse::SwitchingProtocols {
        upgrade: websocket.on_upgrade(move |mut socket| async move {
            let greeting = format!("{instance:?} in {project:?} from {most_recent:?}");
            let _ = socket.send(Message::text(greeting)).await;
        }),
    }
}
