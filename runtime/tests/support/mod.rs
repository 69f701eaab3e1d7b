//! A hand-written router in the shape the generator emits, served on an ephemeral port.

#![allow(dead_code)]

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json as j, Value};
use specfirst_runtime::__private::{
    binary, check_class, empty, finish_router, insert_header, json, respond, Param, RawRequest,
    Scalar, Shape,
};
use specfirst_runtime::{
    serve_with_listener, ErrorBody, HttpError, RouterOptions, ServerConfig, StatusCode,
};
use tokio::sync::oneshot;

pub const OPENAPI: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#;

const ID: Param = Param::path(0, "id", Shape::Scalar(Scalar::Integer));
const LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));
const NAME: Param = Param::query("name", Shape::Scalar(Scalar::String));
const TAG: Param = Param::query(
    "tag",
    Shape::Array {
        item: Scalar::String,
        explode: true,
    },
);
const IDS: Param = Param::query(
    "ids",
    Shape::Array {
        item: Scalar::Integer,
        explode: false,
    },
);
const FLAG: Param = Param::query("flag", Shape::Scalar(Scalar::Boolean));
const MODE: Param = Param::header("x-mode", Shape::Scalar(Scalar::String));
const NUMS: Param = Param::header(
    "x-nums",
    Shape::Array {
        item: Scalar::Integer,
        explode: false,
    },
);
const TOKEN: Param = Param::header("x-token", Shape::Scalar(Scalar::String));

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Pet {
    pub name: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Blue,
}

async fn get_item(State(state): State<AppState>, input: RawRequest) -> Response {
    let result = (|| {
        let ctx = input.context("get_item");
        let id: i64 = input.required(&ID)?;
        let limit: u32 = input.required(&LIMIT)?;
        let name: Option<String> = input.optional(&NAME)?;
        let tags: Option<Vec<String>> = input.optional(&TAG)?;
        let ids: Option<Vec<i64>> = input.optional(&IDS)?;
        let flag: Option<bool> = input.optional(&FLAG)?;
        let mode: Option<String> = input.optional(&MODE)?;
        let nums: Option<Vec<i32>> = input.optional(&NUMS)?;
        let mut response = json(
            StatusCode::OK,
            &j!({
                "greeting": state.greeting,
                "id": id, "limit": limit, "name": name, "tags": tags, "ids": ids,
                "flag": flag, "mode": mode, "nums": nums,
                "request_id": ctx.request_id(),
                "operation_id": ctx.operation_id(),
                "method": ctx.method().as_str(),
                "uri": ctx.uri().to_string(),
            }),
        );
        insert_header(&mut response, "x-count", &vec![limit, limit + 1]);
        Ok::<_, HttpError>(response)
    })();
    respond(result)
}

async fn get_color(input: RawRequest) -> Response {
    const COLOR: Param = Param::query("color", Shape::Scalar(Scalar::String));
    respond((|| {
        let color: Color = input.required(&COLOR)?;
        let _token: String = input.required(&TOKEN)?;
        Ok(json(StatusCode::OK, &format!("{color:?}")))
    })())
}

async fn create_pet(mut input: RawRequest) -> Response {
    respond(
        async {
            let pet: Pet = input.json_body().await?;
            Ok(json(StatusCode::CREATED, &pet))
        }
        .await,
    )
}

async fn maybe_pet(mut input: RawRequest) -> Response {
    respond(
        async {
            let pet: Option<Pet> = input.json_body_optional().await?;
            Ok(json(StatusCode::OK, &pet))
        }
        .await,
    )
}

async fn form(mut input: RawRequest) -> Response {
    respond(
        async {
            let form: HashMap<String, String> = input.form_body().await?;
            Ok(json(StatusCode::OK, &form))
        }
        .await,
    )
}

async fn upload(mut input: RawRequest) -> Response {
    respond(
        async {
            let body = input.stream_body()?.bytes().await?;
            Ok(binary(
                StatusCode::OK,
                "application/octet-stream",
                body.into(),
            ))
        }
        .await,
    )
}

async fn upload_optional(mut input: RawRequest) -> Response {
    respond(
        async {
            let length = match input.stream_body_optional()? {
                Some(body) => Some(body.bytes().await?.len()),
                None => None,
            };
            Ok(json(StatusCode::OK, &length))
        }
        .await,
    )
}

async fn panics(_input: RawRequest) -> Response {
    panic!("handler exploded");
}

async fn teapot(_input: RawRequest) -> Response {
    // A declared error response with its own schema must reach the client unchanged.
    respond(check_class(StatusCode::IM_A_TEAPOT, 4).map(|s| json(s, &j!({"custom": true}))))
}

async fn wrong_class(_input: RawRequest) -> Response {
    respond(check_class(StatusCode::OK, 4).map(empty))
}

async fn internal(_input: RawRequest) -> Response {
    respond::<Response>(Err(HttpError::for_internal_error("secret database detail")))
}

async fn foreign_error() -> impl IntoResponse {
    (
        StatusCode::BAD_REQUEST,
        [("x-extra", "kept")],
        "Raw Failure from elsewhere",
    )
}

/// The routes plus `finish_router`, as generated code builds them.
pub fn router(options: &RouterOptions) -> Router {
    let routes = Router::new()
        .route("/items/{id}", get(get_item))
        .route("/colors", get(get_color))
        .route("/pets", post(create_pet).put(maybe_pet))
        .route("/form", post(form))
        .route("/upload", post(upload).put(upload_optional))
        .route("/panic", get(panics))
        .route("/teapot", get(teapot))
        .route("/wrong-class", get(wrong_class))
        .route("/internal", get(internal))
        .route("/foreign", get(foreign_error))
        .with_state(AppState { greeting: "hi" });
    finish_router(routes, OPENAPI, options)
}

/// A running server; dropping it shuts the server down.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
}

pub async fn start() -> Server {
    start_with(ServerConfig::default(), &RouterOptions::default()).await
}

pub async fn start_with(config: ServerConfig, options: &RouterOptions) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let app = router(options);
    tokio::spawn(async move {
        serve_with_listener(listener, config, app, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server {
        base,
        client: reqwest::Client::new(),
        _shutdown: tx,
    }
}

/// Asserts an error response: status, JSON content type, error code, message, and that the
/// body's request id matches the echoed header.
pub async fn expect_error(
    response: reqwest::Response,
    status: u16,
    error_code: Option<&str>,
    message: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(response.status().as_u16(), status);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error_code.as_deref(), error_code);
    assert_eq!(body.message, message);
    assert_eq!(headers["x-request-id"].to_str().unwrap(), body.request_id);
    assert!(!body.request_id.is_empty());
    headers
}

pub async fn body_json(response: reqwest::Response) -> Value {
    assert_eq!(response.status().as_u16(), 200, "unexpected status");
    response.json().await.unwrap()
}
