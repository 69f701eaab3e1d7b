//! An OpenAPI 3.2 spec (`specs/openapi32.yaml`) served over real HTTP: the QUERY method
//! beside a GET on one route, events typed by
//! `itemSchema`, JSON Lines through a reusable media type of `components/mediaTypes`, a
//! JSON Lines import, an operation secured by the device flow or a deprecated bearer
//! scheme, a cookie of the `cookie` style, whole query strings (`in: querystring`) as a
//! form object and as JSON, multipart bodies whose parts go by position
//! (`prefixEncoding`, `itemEncoding`), and the published document as written in 3.2.

mod support;

use std::sync::{Arc, Mutex};

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::{json, Value};
use specfirst_fixture_buildrs::openapi32 as api;
use specfirst_runtime::auth::{self, Bearer, Scoped};
use specfirst_runtime::{Event, EventStream, HttpError, ItemStream, RequestContext};

use api::types::{Drink, Order};

#[derive(Default)]
struct Kitchen {
    orders: Mutex<Vec<Order>>,
}

impl api::KitchenAuth for Kitchen {
    type Principal = String;

    async fn device(
        &self,
        _ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<Scoped<String>, HttpError> {
        match credential.token() {
            "device-token" => Ok(Scoped::new("device".to_owned(), ["orders"])),
            _ => Err(auth::unauthenticated("unknown device token")),
        }
    }

    async fn bearer(&self, _ctx: &RequestContext, credential: Bearer) -> Result<String, HttpError> {
        match credential.token() {
            "old-token" => Ok("bearer".to_owned()),
            _ => Err(auth::unauthenticated("unknown token")),
        }
    }
}

impl api::KitchenApi for Kitchen {
    async fn order_feed(
        &self,
        _ctx: RequestContext,
        _request: api::OrderFeedRequest,
    ) -> Result<api::OrderFeedResponse, HttpError> {
        let orders = self.orders.lock().expect("not poisoned").clone();
        let events = orders.into_iter().enumerate().map(|(i, order)| {
            Event::new(order)
                .with_event("placed")
                .with_id((i + 1).to_string())
        });
        Ok(api::OrderFeedResponse::Ok {
            body: EventStream::from_events(events),
        })
    }

    async fn export_orders(
        &self,
        _ctx: RequestContext,
        _request: api::ExportOrdersRequest,
    ) -> Result<api::ExportOrdersResponse, HttpError> {
        let orders = self.orders.lock().expect("not poisoned").clone();
        Ok(api::ExportOrdersResponse::Ok {
            body: ItemStream::from_items(orders),
        })
    }

    async fn import_orders(
        &self,
        _ctx: RequestContext,
        mut request: api::ImportOrdersRequest,
    ) -> Result<api::ImportOrdersResponse, HttpError> {
        let mut taken = 0;
        while let Some(order) = request.body.next_item().await {
            self.orders.lock().expect("not poisoned").push(order?);
            taken += 1;
        }
        Ok(api::ImportOrdersResponse::Ok { body: taken })
    }

    async fn list_orders(
        &self,
        _ctx: RequestContext,
        request: api::ListOrdersRequest,
    ) -> Result<api::ListOrdersResponse, HttpError> {
        let mut orders = self.orders.lock().expect("not poisoned").clone();
        if let Some(only) = &request.only {
            orders.retain(|order| &order.item == only);
        }
        Ok(api::ListOrdersResponse::Ok { body: orders })
    }

    async fn search_orders(
        &self,
        _ctx: RequestContext,
        request: api::SearchOrdersRequest,
    ) -> Result<api::SearchOrdersResponse, HttpError> {
        let wanted = String::clone(&request.body.item);
        let orders = self.orders.lock().expect("not poisoned");
        let found = orders
            .iter()
            .filter(|o| o.item.contains(&wanted))
            .cloned()
            .collect();
        Ok(api::SearchOrdersResponse::Ok { body: found })
    }

    async fn purge_orders(
        &self,
        _ctx: RequestContext,
        request: api::PurgeOrdersRequest,
    ) -> Result<api::PurgeOrdersResponse, HttpError> {
        let before = request.before.get();
        let mut orders = self.orders.lock().expect("not poisoned");
        let count = orders.len();
        orders.retain(|order| order.id.get() >= before);
        Ok(api::PurgeOrdersResponse::Ok {
            body: (count - orders.len()) as i64,
        })
    }

    async fn filter_orders(
        &self,
        _ctx: RequestContext,
        request: api::FilterOrdersRequest,
    ) -> Result<api::FilterOrdersResponse, HttpError> {
        let filter = request.filter.unwrap_or_default();
        let mut orders = self.orders.lock().expect("not poisoned").clone();
        orders.retain(|order| {
            filter.item.as_ref().is_none_or(|item| &order.item == item)
                && filter.from_id.is_none_or(|from| order.id >= from)
                && filter.ids.as_ref().is_none_or(|ids| {
                    ids.contains(&i64::try_from(order.id.get()).unwrap_or(i64::MAX))
                })
        });
        Ok(api::FilterOrdersResponse::Ok { body: orders })
    }

    async fn lookup_orders(
        &self,
        _ctx: RequestContext,
        request: api::LookupOrdersRequest,
    ) -> Result<api::LookupOrdersResponse, HttpError> {
        let mut orders = self.orders.lock().expect("not poisoned").clone();
        orders.retain(|order| request.selector.ids.contains(&order.id));
        Ok(api::LookupOrdersResponse::Ok { body: orders })
    }

    async fn batch_orders(
        &self,
        _ctx: RequestContext,
        request: api::BatchOrdersRequest,
    ) -> Result<api::BatchOrdersResponse, HttpError> {
        let body = request.body;
        let taken = body.manifest.orders.len();
        self.orders
            .lock()
            .expect("not poisoned")
            .extend(body.manifest.orders);
        let photos = body.rest.unwrap_or_default();
        let batch = serde_json::from_value(json!({
            "orders": taken,
            "photos": photos.len(),
            "note": body.note.map(|note| note.to_string()),
        }))
        .expect("a batch");
        Ok(api::BatchOrdersResponse::Ok { body: batch })
    }

    async fn add_notes(
        &self,
        _ctx: RequestContext,
        request: api::AddNotesRequest,
    ) -> Result<api::AddNotesResponse, HttpError> {
        let notes = request.body.rest.unwrap_or_default();
        Ok(api::AddNotesResponse::Ok {
            body: notes.len() as i64,
        })
    }

    async fn order_drink(
        &self,
        _ctx: RequestContext,
        _principal: String,
        request: api::OrderDrinkRequest,
    ) -> Result<api::OrderDrinkResponse, HttpError> {
        Ok(api::OrderDrinkResponse::Created { body: request.body })
    }
}

#[tokio::test]
async fn item_schemas_type_the_streams_of_a_3_2_spec() {
    let kitchen = Arc::new(Kitchen::default());
    let http = support::start(api::router(Arc::clone(&kitchen))).await;

    let import = http
        .post("/orders/import")
        .header("content-type", "application/jsonl")
        .body("{\"id\":1,\"item\":\"soup\"}\n{\"id\":2,\"item\":\"bread\"}\n{\"id\":0,\"item\":\"x\"}\n")
        .send()
        .await
        .expect("response");
    let (status, body) = support::error_of(import).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .starts_with("item 3: "),
        "{body}"
    );
    assert_eq!(kitchen.orders.lock().expect("not poisoned").len(), 2);

    let events: Vec<_> = http
        .get("/orders/feed")
        .send()
        .await
        .expect("response")
        .bytes_stream()
        .eventsource()
        .map(|event| event.expect("an event"))
        .collect()
        .await;
    let read: Vec<(String, String, Value)> = events
        .into_iter()
        .map(|e| (e.event, e.id, serde_json::from_str(&e.data).expect("JSON")))
        .collect();
    assert_eq!(
        read,
        [
            (
                "placed".into(),
                "1".into(),
                json!({"id": 1, "item": "soup"})
            ),
            (
                "placed".into(),
                "2".into(),
                json!({"id": 2, "item": "bread"})
            ),
        ]
    );

    // The reusable media type of `components/mediaTypes` frames the export.
    let export = http.get("/orders/export").send().await.expect("response");
    assert_eq!(export.headers()["content-type"], "application/jsonl");
    assert_eq!(
        export.text().await.expect("text"),
        "{\"id\":1,\"item\":\"soup\"}\n{\"id\":2,\"item\":\"bread\"}\n"
    );

    // The client reads the same streams into their types.
    let client = api::client::Client::http(&http.url(""));
    let api::ExportOrdersResponse::Ok { body } = client
        .export_orders(api::ExportOrdersRequest {})
        .await
        .expect("an export");
    let items: Vec<String> = body.map(|o| o.expect("an order").item).collect().await;
    assert_eq!(items, ["soup", "bread"]);
}

#[tokio::test]
async fn device_flow_and_deprecated_schemes_authenticate() {
    let http = support::start(api::router(Arc::new(Kitchen::default()))).await;
    let tea = json!({"kind": "tea", "leaves": "green"});
    for token in ["device-token", "old-token"] {
        let response = http
            .post("/drinks")
            .bearer_auth(token)
            .json(&tea)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 201, "{token}");
        let drink: Drink = response.json().await.expect("a drink");
        assert!(matches!(drink, Drink::Tea { .. }), "{drink:?}");
    }
    let refused = http
        .post("/drinks")
        .json(&tea)
        .send()
        .await
        .expect("response");
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn the_published_document_is_the_3_2_input() {
    let http = support::start(api::router(Arc::new(Kitchen::default()))).await;
    let document: Value = http
        .get("/openapi.json")
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("JSON");
    assert_eq!(document["openapi"], "3.2.0");
    assert_eq!(
        document["$self"],
        "https://kitchen.example.com/openapi.yaml"
    );
    assert_eq!(document["tags"][1]["parent"], "orders");
    let feed = &document["paths"]["/orders/feed"]["get"]["responses"]["200"];
    assert_eq!(feed["summary"], "The feed");
    assert!(feed["content"]["text/event-stream"]["itemSchema"].is_object());
    assert_eq!(
        document["paths"]["/orders/export"]["get"]["responses"]["200"]["content"]
            ["application/jsonl"]["$ref"],
        "#/components/mediaTypes/OrderLines"
    );
    assert!(
        document["components"]["securitySchemes"]["device"]["flows"]["deviceAuthorization"]
            .is_object()
    );
}

#[tokio::test]
async fn the_query_method_is_served_beside_the_routes_other_methods() {
    let kitchen = Arc::new(Kitchen::default());
    kitchen.orders.lock().expect("not poisoned").extend(
        [(1, "soup"), (2, "bread"), (3, "soup of the day")].map(|(id, item)| {
            serde_json::from_value(json!({"id": id, "item": item})).expect("an order")
        }),
    );
    let http = support::start(api::router(Arc::clone(&kitchen))).await;
    let query = reqwest::Method::from_bytes(b"QUERY").expect("a method");

    let found: Value = http
        .request(query.clone(), "/orders/search")
        .json(&json!({"item": "soup"}))
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        found,
        json!([{"id": 1, "item": "soup"}, {"id": 3, "item": "soup of the day"}])
    );

    // Its body is decoded and checked as any operation's.
    let response = http
        .request(query.clone(), "/orders/search")
        .json(&json!({"item": ""}))
        .send()
        .await
        .expect("response");
    assert_eq!(support::error_of(response).await.0, 400);

    // The route's GET is served as before, and a method it lacks is a JSON 405 listing
    // QUERY (and the PURGE of `additionalOperations`) among those it has.
    let all: Value = http
        .get("/orders/search")
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("JSON");
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    let response = http
        .delete("/orders/search")
        .send()
        .await
        .expect("response");
    assert_eq!(response.headers()["allow"], "GET,HEAD,QUERY,PURGE");
    let (status, body) = support::error_of(response).await;
    assert_eq!(status, 405);
    assert_eq!(body["error_code"], "MethodNotAllowed");

    // The client sends QUERY, over HTTP and in process, and the mock answers it.
    for client in [
        api::client::Client::http(&http.url("")),
        api::client::Client::in_process(api::router(Arc::clone(&kitchen))),
        api::client::Client::in_process(api::router(Arc::new(api::mock::Mock::new()))),
    ] {
        let body = serde_json::from_value(json!({"item": "bread"})).expect("a search");
        let api::SearchOrdersResponse::Ok { body } = client
            .search_orders(api::SearchOrdersRequest::new(body))
            .await
            .expect("found");
        assert!(body.len() <= 3);
    }
}

#[tokio::test]
async fn a_method_of_additional_operations_is_served_sent_and_mocked() {
    let kitchen = Arc::new(Kitchen::default());
    kitchen.orders.lock().expect("not poisoned").extend(
        [(1, "soup"), (2, "bread"), (3, "tea")].map(|(id, item)| {
            serde_json::from_value(json!({"id": id, "item": item})).expect("an order")
        }),
    );
    let http = support::start(api::router(Arc::clone(&kitchen))).await;
    let purge = reqwest::Method::from_bytes(b"PURGE").expect("a method");

    let response = http
        .request(purge.clone(), "/orders/search?before=3")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("JSON"), json!(2));
    assert_eq!(kitchen.orders.lock().expect("not poisoned").len(), 1);

    // Its parameters are decoded and checked as any operation's.
    let response = http
        .request(purge.clone(), "/orders/search?before=0")
        .send()
        .await
        .expect("response");
    let (status, body) = support::error_of(response).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .contains("before"),
        "{body}"
    );
    // A method name is case-sensitive: `purge` is not PURGE.
    let lower = reqwest::Method::from_bytes(b"purge").expect("a method");
    let response = http
        .request(lower, "/orders/search?before=1")
        .send()
        .await
        .expect("response");
    assert_eq!(support::error_of(response).await.0, 405);

    // The client sends PURGE, over HTTP and in process, and the mock answers it.
    for client in [
        api::client::Client::http(&http.url("")),
        api::client::Client::in_process(api::router(Arc::clone(&kitchen))),
        api::client::Client::in_process(api::router(Arc::new(api::mock::Mock::new()))),
    ] {
        let before = std::num::NonZeroU64::new(10).expect("not zero");
        let api::PurgeOrdersResponse::Ok { body } = client
            .purge_orders(api::PurgeOrdersRequest::new(before))
            .await
            .expect("purged");
        assert!(body >= 0);
    }
}

#[tokio::test]
async fn a_cookie_of_the_cookie_style_is_read_and_sent_as_it_is() {
    let kitchen = Arc::new(Kitchen::default());
    kitchen
        .orders
        .lock()
        .expect("not poisoned")
        .extend([(1, "50%25"), (2, "50%")].map(|(id, item)| {
            serde_json::from_value(json!({"id": id, "item": item})).expect("an order")
        }));
    let http = support::start(api::router(Arc::clone(&kitchen))).await;
    let listed = |cookie: &'static str| {
        let request = http.get("/orders/search").header("cookie", cookie);
        async move {
            let body: Value = request
                .send()
                .await
                .expect("response")
                .json()
                .await
                .expect("JSON");
            body.as_array()
                .expect("a list")
                .iter()
                .map(|order| order["id"].as_i64().expect("an id"))
                .collect::<Vec<_>>()
        }
    };
    // `form` would decode `50%25` to `50%`; the `cookie` style takes it as it is.
    assert_eq!(listed("only=50%25").await, [1]);
    assert_eq!(listed("session=x; only=\"50%\"").await, [2]);

    // The client sends the value as it is, and refuses one it cannot.
    for client in [
        api::client::Client::http(&http.url("")),
        api::client::Client::in_process(api::router(Arc::clone(&kitchen))),
    ] {
        let request = api::ListOrdersRequest {
            only: Some("50%25".to_owned()),
        };
        let api::ListOrdersResponse::Ok { body } =
            client.list_orders(request).await.expect("listed");
        assert_eq!(body.len(), 1);
        assert_eq!(body[0].item, "50%25");
        let request = api::ListOrdersRequest {
            only: Some("two words".to_owned()),
        };
        let error = client.list_orders(request).await.expect_err("not sendable");
        assert!(error.to_string().contains("without escaping"), "{error}");
    }
}

#[tokio::test]
async fn a_whole_query_string_is_one_typed_value() {
    let kitchen = Arc::new(Kitchen::default());
    kitchen.orders.lock().expect("not poisoned").extend(
        [(1, "tea"), (2, "coffee"), (3, "tea")].map(|(id, item)| {
            serde_json::from_value(json!({"id": id, "item": item})).expect("an order")
        }),
    );
    let http = support::start(api::router(Arc::clone(&kitchen))).await;
    let ids = |path: String| {
        let request = http.get(&path);
        async move {
            let response = request.send().await.expect("response");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("JSON");
            match body.as_array() {
                Some(orders) => Ok(orders
                    .iter()
                    .map(|order| order["id"].as_i64().expect("an id"))
                    .collect::<Vec<_>>()),
                None => Err((status, body["message"].as_str().unwrap_or("").to_owned())),
            }
        }
    };

    // A form query string: its pairs are the object's properties.
    assert_eq!(ids("/orders/filter".into()).await, Ok(vec![1, 2, 3]));
    assert_eq!(ids("/orders/filter?".into()).await, Ok(vec![1, 2, 3]));
    assert_eq!(ids("/orders/filter?item=tea".into()).await, Ok(vec![1, 3]));
    assert_eq!(
        ids("/orders/filter?item=tea&fromId=2".into()).await,
        Ok(vec![3])
    );
    assert_eq!(
        ids("/orders/filter?ids=1&ids=2&other=x".into()).await,
        Ok(vec![1, 2])
    );
    let (status, message) = ids("/orders/filter?fromId=0".into()).await.expect_err("0");
    assert_eq!(status, 400);
    assert!(
        message.contains("querystring parameter \"filter\""),
        "{message}"
    );
    let (status, _) = ids("/orders/filter?fromId=one".into())
        .await
        .expect_err("text");
    assert_eq!(status, 400);

    // A JSON query string: the whole of it, percent-decoded, is the document.
    let selector = |text: &str| format!("/orders/lookup?{}", urlencoding(text));
    assert_eq!(ids(selector(r#"{"ids":[3,1]}"#)).await, Ok(vec![1, 3]));
    let (status, message) = ids("/orders/lookup".into()).await.expect_err("missing");
    assert_eq!(status, 400);
    assert!(
        message.contains("missing required querystring parameter \"selector\""),
        "{message}"
    );
    let (status, message) = ids(selector(r#"{"ids":[]}"#)).await.expect_err("empty");
    assert_eq!(status, 400);
    assert!(message.contains("selector"), "{message}");
    let (status, message) = ids("/orders/lookup?ids=1".into())
        .await
        .expect_err("no JSON");
    assert_eq!(status, 400);
    assert!(message.contains("expected JSON"), "{message}");

    // The client writes both as the server reads them.
    for client in [
        api::client::Client::http(&http.url("")),
        api::client::Client::in_process(api::router(Arc::clone(&kitchen))),
    ] {
        let filter =
            serde_json::from_value(json!({"item": "tea", "ids": [3, 2]})).expect("a filter");
        let request = api::FilterOrdersRequest {
            filter: Some(filter),
        };
        let api::FilterOrdersResponse::Ok { body } =
            client.filter_orders(request).await.expect("filtered");
        assert_eq!(body.len(), 1);
        assert_eq!(body[0].id.get(), 3);
        let selector = serde_json::from_value(json!({"ids": [2]})).expect("a selector");
        let request = api::LookupOrdersRequest { selector };
        let api::LookupOrdersResponse::Ok { body } =
            client.lookup_orders(request).await.expect("looked up");
        assert_eq!(body.len(), 1);
        assert_eq!(body[0].item, "coffee");
    }
}

/// `text` percent-encoded whole, every byte but RFC 3986's unreserved characters.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A part of a `multipart/mixed` body: its content type (if any) and content.
type MixedPart = (Option<&'static str>, &'static [u8]);

/// A `multipart/mixed` body of `parts`, and its content type.
fn mixed(parts: &[MixedPart]) -> (String, Vec<u8>) {
    let boundary = "part-boundary";
    let mut body = Vec::new();
    for (content_type, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/mixed; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_parts_of_a_multipart_body_go_by_position() {
    let kitchen = Arc::new(Kitchen::default());
    let http = support::start(api::router(Arc::clone(&kitchen))).await;
    let post = |path: &'static str, parts: Vec<MixedPart>| {
        let (content_type, body) = mixed(&parts);
        let request = http
            .post(path)
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = request.send().await.expect("response");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("JSON"))
        }
    };
    let manifest: &[u8] = br#"{"orders": [{"id": 7, "item": "tea"}]}"#;
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

    // Each part where its place says, of the content type its encoding names.
    let (status, body) = post(
        "/orders/batch",
        vec![
            (Some("application/json"), manifest),
            (Some("text/plain"), b"for table 4"),
            (Some("image/png"), PNG),
            (Some("image/jpeg"), b"jpeg"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"orders": 1, "photos": 2, "note": "for table 4"})
    );
    // A part without a content type is taken to be what its place says.
    let (status, body) = post("/orders/batch", vec![(None, manifest)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"orders": 1, "photos": 0}));

    // A part of another type, too few or too many parts, and a part its schema
    // refuses are each a 400 naming what is wrong.
    let refusals: Vec<(Vec<MixedPart>, &str)> = vec![
        (
            vec![(Some("text/plain"), manifest)],
            "part 1: content type \"text/plain\" is not application/json",
        ),
        (
            vec![
                (Some("application/json"), manifest),
                (Some("text/plain"), b"note"),
                (Some("image/gif"), b"GIF89a"),
            ],
            "part 3: content type \"image/gif\" is not image/png or image/jpeg",
        ),
        (vec![], "expected at least 1 part, got 0"),
        (
            vec![
                (Some("application/json"), manifest),
                (None, b"note"),
                (None, PNG),
                (None, PNG),
                (None, PNG),
            ],
            "expected at most 4 parts, got 5",
        ),
        (
            vec![(None, br#"{"orders": [{"id": 0, "item": "tea"}]}"#)],
            "invalid multipart part \"1\"",
        ),
        (
            vec![
                (None, manifest),
                (None, b"a note far longer than forty characters, by some"),
            ],
            "invalid multipart part \"2\"",
        ),
    ];
    for (parts, expected) in refusals {
        let (status, body) = post("/orders/batch", parts).await;
        assert_eq!(status, 400, "{body}");
        let message = body["message"].as_str().expect("a message");
        assert!(message.contains(expected), "{message} lacks {expected}");
    }
    let (status, _) = post(
        "/orders/notes",
        vec![(None, b"one"), (Some("text/plain"), b"two")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post("/orders/notes", vec![(None, b"one"), (None, b"")]).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a message")
            .contains("\"rest\""),
        "{body}"
    );
    let response = http
        .post("/orders/notes")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 415);

    // The client writes the parts in order, each with its place's content type.
    for client in [
        api::client::Client::http(&http.url("")),
        api::client::Client::in_process(api::router(Arc::clone(&kitchen))),
    ] {
        let body = api::BatchOrdersMultipart {
            manifest: serde_json::from_slice(manifest).expect("a manifest"),
            note: Some("by the window".parse().expect("a note")),
            rest: Some(vec![specfirst_runtime::Part {
                bytes: PNG.to_vec().into(),
                filename: Some("cup.png".to_owned()),
                content_type: None,
            }]),
        };
        let api::BatchOrdersResponse::Ok { body } = client
            .batch_orders(api::BatchOrdersRequest { body })
            .await
            .expect("taken");
        assert_eq!(body.photos, 1);
        assert_eq!(body.note.as_deref(), Some("by the window"));
        let notes = ["one", "two", "three"].map(|note| note.parse().expect("a note"));
        let body = api::AddNotesMultipart {
            rest: Some(notes.to_vec()),
        };
        let api::AddNotesResponse::Ok { body } = client
            .add_notes(api::AddNotesRequest { body })
            .await
            .expect("kept");
        assert_eq!(body, 3);
    }
}

#[tokio::test]
async fn the_items_of_a_streamed_response_are_checked_as_they_pass() {
    use specfirst_runtime::ResponseChecks;
    let kitchen = Arc::new(Kitchen::default());
    // An id over the spec's maximum of 1,000,000, which its Rust type does not hold back.
    kitchen.orders.lock().expect("not poisoned").extend(
        [(1, "tea"), (2_000_000, "coffee"), (3, "tea")].map(|(id, item)| {
            serde_json::from_value(json!({"id": id, "item": item})).expect("an order")
        }),
    );
    let exported = |checks: ResponseChecks| {
        let router = api::router(Arc::clone(&kitchen));
        async move {
            let (http, told) = support::start_observed(router, checks).await;
            let response = http.get("/orders/export").send().await.expect("response");
            assert_eq!(response.status().as_u16(), 200);
            let text = response.text().await.unwrap_or_default();
            let ids: Vec<Value> = text
                .lines()
                .map(|line| serde_json::from_str::<Value>(line).expect("an order")["id"].clone())
                .collect();
            (ids, support::last_violations(&told).await)
        }
    };
    // Reported, the stream goes out whole and the observer hears of item 2.
    let (ids, violations) = exported(ResponseChecks::Report).await;
    assert_eq!(ids, [json!(1), json!(2_000_000), json!(3)]);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].starts_with("item 2: "), "{violations:?}");
    // Strict, it ends before item 2 is whole.
    let (ids, violations) = exported(ResponseChecks::Strict).await;
    assert_eq!(ids, [json!(1)]);
    assert!(violations[0].starts_with("item 2: "), "{violations:?}");
}
