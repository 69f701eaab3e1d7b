//! `specs/params.yaml` served on 127.0.0.1 and called over real HTTP: every parameter
//! shape, form and byte bodies, and operations sharing a route told apart.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use specfirst_fixture_buildrs::params;
use specfirst_runtime::{BodyStream, Bytes, HttpError, RequestContext};
use support::error_of;

#[derive(Default)]
struct Params {
    last_form: Mutex<Option<params::types::PostFormBody>>,
    /// The content type and bytes of the last upload.
    last_upload: Mutex<Option<(Option<String>, Bytes)>>,
}

impl params::ParamsApi for Params {
    async fn get_thing(
        &self,
        _ctx: RequestContext,
        r: params::GetThingRequest,
    ) -> Result<params::GetThingResponse, HttpError> {
        let echo = json!({
            "id": r.id, "kind": r.kind, "ids": r.ids, "flag": r.flag, "ratio": r.ratio,
            "kinds": r.kinds, "csv": r.csv, "since": r.since, "count": r.count,
            "x_trace": r.x_trace, "x_tags": r.x_tags,
        });
        let body = serde_json::from_value(echo)
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(params::GetThingResponse::Ok { body })
    }

    async fn get_repeated(
        &self,
        _ctx: RequestContext,
        r: params::GetRepeatedRequest,
    ) -> Result<params::GetRepeatedResponse, HttpError> {
        Ok(params::GetRepeatedResponse::Ok { body: r.id })
    }

    async fn get_partner(
        &self,
        _ctx: RequestContext,
        r: params::GetPartnerRequest,
    ) -> Result<params::GetPartnerResponse, HttpError> {
        Ok(params::GetPartnerResponse::Ok { body: r.partner_id })
    }

    async fn get_report(
        &self,
        _ctx: RequestContext,
        r: params::GetReportRequest,
    ) -> Result<params::GetReportResponse, HttpError> {
        let ext = serde_json::to_value(r.ext).unwrap_or_default();
        Ok(params::GetReportResponse::Ok {
            body: vec![r.name, ext.as_str().unwrap_or_default().to_string()],
        })
    }

    async fn get_item(
        &self,
        _ctx: RequestContext,
        r: params::GetItemRequest,
    ) -> Result<params::GetItemResponse, HttpError> {
        Ok(params::GetItemResponse::Ok {
            body: vec![r.id.to_string(), r.format],
        })
    }

    async fn post_form(
        &self,
        _ctx: RequestContext,
        r: params::PostFormRequest,
    ) -> Result<params::PostFormResponse, HttpError> {
        *self.last_form.lock().expect("not poisoned") = Some(r.body);
        Ok(params::PostFormResponse::NoContent)
    }

    async fn compare(
        &self,
        _ctx: RequestContext,
        r: params::CompareRequest,
    ) -> Result<params::CompareResponse, HttpError> {
        Ok(params::CompareResponse::Ok {
            body: vec![r.base, r.head],
        })
    }

    async fn delete_all_tags(
        &self,
        _ctx: RequestContext,
        r: params::DeleteAllTagsRequest,
    ) -> Result<params::DeleteAllTagsResponse, HttpError> {
        Ok(params::DeleteAllTagsResponse::Ok {
            body: format!("all of {}", r.arn),
        })
    }

    async fn delete_some_tags(
        &self,
        _ctx: RequestContext,
        r: params::DeleteSomeTagsRequest,
    ) -> Result<params::DeleteSomeTagsResponse, HttpError> {
        Ok(params::DeleteSomeTagsResponse::Ok {
            body: format!("{} of {}", r.tag_keys.join("+"), r.arn),
        })
    }

    async fn push(
        &self,
        _ctx: RequestContext,
        _r: params::PushRequest,
    ) -> Result<params::PushResponse, HttpError> {
        Ok(params::PushResponse::Ok {
            body: "push".into(),
        })
    }

    async fn pop(
        &self,
        _ctx: RequestContext,
        _r: params::PopRequest,
    ) -> Result<params::PopResponse, HttpError> {
        Ok(params::PopResponse::Ok { body: "pop".into() })
    }

    async fn list_board_cards(
        &self,
        _ctx: RequestContext,
        r: params::ListBoardCardsRequest,
    ) -> Result<params::ListBoardCardsResponse, HttpError> {
        Ok(params::ListBoardCardsResponse::Ok {
            body: format!("{:?} cards of {}", r.filter, r.board),
        })
    }

    async fn get_board_card(
        &self,
        _ctx: RequestContext,
        r: params::GetBoardCardRequest,
    ) -> Result<params::GetBoardCardResponse, HttpError> {
        if r.card == "missing" {
            return Err(HttpError::for_not_found(format!("no card {}", r.card)));
        }
        Ok(params::GetBoardCardResponse::Ok {
            body: format!("card {} of {}", r.card, r.board),
        })
    }

    async fn get_icon(
        &self,
        _ctx: RequestContext,
        r: params::GetIconRequest,
    ) -> Result<params::GetIconResponse, HttpError> {
        Ok(params::GetIconResponse::Ok {
            body: format!("icon {}", r.id),
        })
    }

    async fn search_icons(
        &self,
        _ctx: RequestContext,
        r: params::SearchIconsRequest,
    ) -> Result<params::SearchIconsResponse, HttpError> {
        Ok(params::SearchIconsResponse::Ok {
            body: format!("icons about {}", r.term),
        })
    }

    async fn get_attachment(
        &self,
        _ctx: RequestContext,
        r: params::GetAttachmentRequest,
    ) -> Result<params::GetAttachmentResponse, HttpError> {
        Ok(params::GetAttachmentResponse::Ok {
            body: format!("attachment {} of {}", r.attachment, r.owner),
        })
    }

    async fn get_attachment_by_name(
        &self,
        _ctx: RequestContext,
        r: params::GetAttachmentByNameRequest,
    ) -> Result<params::GetAttachmentByNameResponse, HttpError> {
        Ok(params::GetAttachmentByNameResponse::Ok {
            body: format!("file {} of {}", r.file_name, r.owner),
        })
    }

    async fn compare_joined(
        &self,
        _ctx: RequestContext,
        r: params::CompareJoinedRequest,
    ) -> Result<params::CompareJoinedResponse, HttpError> {
        Ok(params::CompareJoinedResponse::Ok {
            body: vec![r.basehead],
        })
    }

    async fn get_file(
        &self,
        _ctx: RequestContext,
        r: params::GetFileRequest,
    ) -> Result<params::GetFileResponse, HttpError> {
        Ok(params::GetFileResponse::Ok {
            body: r.name.get() as i64,
        })
    }

    async fn upload(
        &self,
        _ctx: RequestContext,
        r: params::UploadRequest,
    ) -> Result<params::UploadResponse, HttpError> {
        let size = match r.body {
            Some(body) => {
                let content_type = body.content_type().map(str::to_owned);
                let bytes = body.bytes().await?;
                let size = bytes.len() as u64;
                *self.last_upload.lock().expect("not poisoned") = Some((content_type, bytes));
                size
            }
            None => 0,
        };
        Ok(params::UploadResponse::Ok { body: size })
    }
}

const TRACE: &str = "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5e6f";

#[tokio::test]
async fn every_parameter_shape_decodes() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let response = http
        .get("/things/42/large/1,2,3?flag=true&ratio=0.5&kinds=small&kinds=large&csv=a,b&since=2024-01-02T03:04:05Z&count=7")
        .header("x-trace", TRACE)
        .header("x-tags", "red, blue")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let echo: Value = response.json().await.expect("json");
    assert_eq!(
        echo,
        json!({
            "id": 42, "kind": "large", "ids": [1, 2, 3], "flag": true, "ratio": 0.5,
            "kinds": ["small", "large"], "csv": ["a", "b"], "since": "2024-01-02T03:04:05Z",
            "count": 7, "x_trace": TRACE, "x_tags": ["red", "blue"],
        })
    );

    // Optional parameters left out are None.
    let echo: Value = http
        .get("/things/1/small/9?flag=false")
        .header("x-trace", TRACE)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(echo["ratio"], Value::Null);
    assert_eq!(echo["kinds"], Value::Null);
    assert_eq!(echo["ids"], json!([9]));
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        (
            "/things/x/large/1?flag=true",
            Some(TRACE),
            "InvalidParameter",
            "path parameter \"id\"",
        ),
        (
            "/things/1/huge/1?flag=true",
            Some(TRACE),
            "InvalidParameter",
            "path parameter \"kind\"",
        ),
        (
            "/things/1/large/1,x?flag=true",
            Some(TRACE),
            "InvalidParameter",
            "path parameter \"ids\"",
        ),
        (
            "/things/1/large/1",
            Some(TRACE),
            "MissingParameter",
            "query parameter \"flag\"",
        ),
        (
            "/things/1/large/1?flag=yes",
            Some(TRACE),
            "InvalidParameter",
            "query parameter \"flag\"",
        ),
        (
            "/things/1/large/1?flag=true&count=-1",
            Some(TRACE),
            "InvalidParameter",
            "query parameter \"count\"",
        ),
        (
            "/things/1/large/1?flag=true&since=yesterday",
            Some(TRACE),
            "InvalidParameter",
            "query parameter \"since\"",
        ),
        (
            "/things/1/large/1?flag=true",
            None,
            "MissingParameter",
            "header parameter \"x-trace\"",
        ),
        (
            "/things/1/large/1?flag=true",
            Some("not-a-uuid"),
            "InvalidParameter",
            "header parameter \"x-trace\"",
        ),
    ];
    for (path, trace, code, needle) in cases {
        let mut request = http.get(path);
        if let Some(trace) = trace {
            request = request.header("x-trace", *trace);
        }
        let (status, body) = error_of(request.send().await.expect("request")).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error_code"], *code, "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{path}: {message:?} should name {needle}"
        );
    }
}

#[tokio::test]
async fn form_and_byte_bodies() {
    let api = Arc::new(Params::default());
    let http = support::start(params::router(api.clone())).await;
    let response = http
        .post("/forms")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Ada+Lovelace&age=36")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);
    let form = api
        .last_form
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("a form was decoded");
    assert_eq!((form.name.as_str(), form.age), ("Ada Lovelace", Some(36)));

    let (status, body) = error_of(
        http.post("/forms")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error_code"].as_str()),
        (415, Some("UnsupportedMediaType"))
    );

    let (status, body) = error_of(
        http.post("/forms")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("age=36")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error_code"].as_str()),
        (400, Some("InvalidBody"))
    );

    // The operation's own limit (`x-specfirst-body-max-bytes: 2048`) replaces the server's.
    let (status, body) = error_of(
        http.put("/uploads")
            .body(vec![7u8; 2049])
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error_code"].as_str()),
        (413, Some("PayloadTooLarge"))
    );
    let size: u64 = http
        .put("/uploads")
        .header("content-type", "application/octet-stream")
        .body(vec![7u8; 1000])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(size, 1000);
    let size: u64 = http
        .put("/uploads")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(size, 0, "an optional empty body is None");
}

#[tokio::test]
async fn segments_mixing_text_and_parameters() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let get = |path: &str| http.get(path).send();
    let names: Vec<String> = get("/compare/main...topic%2Fbranch")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(names, ["main", "topic/branch"]);
    let number: i64 = get("/files/42.json")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(number, 42);

    // Without the `...`, the segment belongs to the other operation on the same route.
    let joined: Vec<String> = get("/compare/main..topic")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(joined, ["main..topic"]);
    let (status, _) = error_of(get("/files/42.yaml").await.expect("request")).await;
    assert_eq!(status.as_u16(), 404);
    // A piece that is there but does not fit its schema names its parameter.
    let (status, body) = error_of(get("/files/0.json").await.expect("request")).await;
    assert_eq!(status.as_u16(), 400);
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains("path parameter \"name\""), "{body}");
}

#[tokio::test]
async fn a_parameter_named_twice_in_the_path_is_read_where_it_first_appears() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let response = http
        .get("/repeats/5/of/anything")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<i64>().await.expect("json"), 5);
    let (status, error) =
        error_of(http.get("/repeats/x/of/5").send().await.expect("request")).await;
    assert_eq!(status, 400);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("path parameter \"id\""), "{error}");
}

#[tokio::test]
async fn a_hash_followed_by_more_path_is_part_of_the_path() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let response = http
        .get("/send/%23env/partners/12")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<i64>().await.expect("json"), 12);
    let (status, _) = error_of(
        http.get("/send/%23env/partners/twelve")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn parameters_with_no_text_between_them_split_where_the_spec_says() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let get = |path: &'static str| http.get(path).send();
    for (path, expected) in [
        // The last place where a value of `ext`'s enum begins.
        ("/reports/a.json.csv", ["a.json", ".csv"]),
        ("/reports/summary.json", ["summary", ".json"]),
        // An integer ends with its digits.
        ("/items/-42.xml", ["-42", ".xml"]),
    ] {
        let response = get(path).await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let pieces: Vec<String> = response.json().await.expect("json");
        assert_eq!(pieces, expected, "{path}");
    }
    // A segment without such a value, or digits, does not have the template's shape.
    for path in ["/reports/summary.txt", "/items/x.xml"] {
        let response = get(path).await.expect("request");
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn operations_sharing_a_route_are_told_apart_by_required_query_parameters() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let delete = |query: &str| http.delete(&format!("/tags/arn1{query}")).send();
    let all: String = delete("")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(all, "all of arn1");
    let some: String = delete("?tagKeys=a&tagKeys=b")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(some, "a+b of arn1");
}

#[tokio::test]
async fn an_enum_path_parameter_picks_the_operation() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    for (segment, expected) in [
        ("open", "Open cards of b1"),
        ("closed", "Closed cards of b1"),
        ("c42", "card c42 of b1"),
        // Enum values are matched exactly: anything else is a card id.
        ("Open", "card Open of b1"),
    ] {
        let response = http
            .get(&format!("/boards/b1/cards/{segment}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{segment}");
        let answer: String = response.json().await.expect("json");
        assert_eq!(answer, expected, "{segment}");
    }
}

#[tokio::test]
async fn integer_and_uuid_path_parameters_pick_the_operation() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    let owner = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let attachment = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (path, expected) in [
        ("/icons/42".to_string(), "icon 42".to_string()),
        ("/icons/-3".to_string(), "icon -3".to_string()),
        ("/icons/cats".to_string(), "icons about cats".to_string()),
        ("/icons/4x".to_string(), "icons about 4x".to_string()),
        (
            format!("/owners/{owner}/attachments/{attachment}"),
            format!("attachment {attachment} of {owner}"),
        ),
        (
            format!("/owners/{owner}/attachments/report.pdf"),
            format!("file report.pdf of {owner}"),
        ),
        // Only the hyphenated form is an attachment id; the simple form is a name.
        (
            format!("/owners/{owner}/attachments/0f8fad5bd9cb469fa16570867728950e"),
            format!("file 0f8fad5bd9cb469fa16570867728950e of {owner}"),
        ),
    ] {
        let response = http.get(&path).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let answer: String = response.json().await.expect("json");
        assert_eq!(answer, expected, "{path}");
    }
    // An integer out of the parameter's range is still the integer operation's, and a
    // segment both operations narrow alike is checked by decoding: precise 400s.
    for (path, parameter) in [
        ("/icons/99999999999", "path parameter \"id\""),
        (
            "/owners/not-a-uuid/attachments/report.pdf",
            "path parameter \"owner\"",
        ),
    ] {
        let response = http.get(path).send().await.expect("request");
        assert_eq!(response.status(), 400, "{path}");
        let error: Value = response.json().await.expect("json");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains(parameter)),
            "{path}: {error}"
        );
    }
}

#[tokio::test]
async fn conditions_after_a_fragment_pick_the_operation() {
    let http = support::start(params::router(Arc::new(Params::default()))).await;
    for (target, expected) in [("Queue.Push", "push"), ("Queue.Pop", "pop")] {
        let answer: String = http
            .post("/")
            .header("x-amz-target", target)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(answer, expected, "{target}");
    }
    let response = http
        .post("/")
        .header("x-amz-target", "Queue.Peek")
        .send()
        .await
        .expect("request");
    let (status, body) = error_of(response).await;
    assert_eq!(
        (status.as_u16(), body["error_code"].as_str()),
        (404, Some("NotFound"))
    );
}

/// A typed value from JSON.
fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// each parameter shape comes back from the echoing handlers as it was sent, values
/// with characters to escape included; operations that share a route reach the one
/// the client called (by required query parameters, conditions after `#`, enum,
/// integer and UUID segments, text around parameters in a segment); a name given
/// twice in the path, a `#` that is part of the path, form and byte bodies reach the
/// handler as sent, and an undeclared status is `UndeclaredStatus` with its body.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let api = Arc::new(Params::default());
    let router = params::router(api.clone());
    let http = support::start(router.clone()).await;
    let clients = [
        params::client::Client::in_process(router),
        params::client::Client::http(&http.url("")),
    ];
    for client in clients {
        let sent = json!({
            "id": -42, "kind": "large", "ids": [1, 2, 3], "flag": true, "ratio": 0.25,
            "kinds": ["small", "large"], "csv": ["a b", "c&d=e"],
            "since": "2024-01-02T03:04:05Z", "count": 7, "x_trace": TRACE,
            "x_tags": ["red", "blue green"],
        });
        let params::GetThingResponse::Ok { body } = client
            .get_thing(params::GetThingRequest {
                id: typed(&sent["id"]),
                kind: typed(&sent["kind"]),
                ids: typed(&sent["ids"]),
                flag: typed(&sent["flag"]),
                ratio: typed(&sent["ratio"]),
                kinds: typed(&sent["kinds"]),
                csv: typed(&sent["csv"]),
                since: typed(&sent["since"]),
                count: typed(&sent["count"]),
                x_trace: typed(&sent["x_trace"]),
                x_tags: typed(&sent["x_tags"]),
            })
            .await
            .expect("every shape");
        assert_eq!(serde_json::to_value(body).expect("JSON"), sent);
        // Optional parameters left out arrive as absent.
        let sent = json!({
            "id": 1, "kind": "small", "ids": [9], "flag": false, "ratio": null,
            "kinds": null, "csv": null, "since": null, "count": null, "x_trace": TRACE,
            "x_tags": null,
        });
        let params::GetThingResponse::Ok { body } = client
            .get_thing(params::GetThingRequest::new(
                typed(&sent["id"]),
                typed(&sent["kind"]),
                typed(&sent["ids"]),
                false,
                typed(&sent["x_trace"]),
            ))
            .await
            .expect("required only");
        assert_eq!(serde_json::to_value(body).expect("JSON"), sent);

        // Parameters in one segment, split at the text between them.
        let params::CompareResponse::Ok { body } = client
            .compare(params::CompareRequest::new(
                "main".into(),
                "topic/branch.x".into(),
            ))
            .await
            .expect("compare");
        assert_eq!(body, ["main", "topic/branch.x"]);
        let params::CompareJoinedResponse::Ok { body } = client
            .compare_joined(params::CompareJoinedRequest::new("main..topic".into()))
            .await
            .expect("compare joined");
        assert_eq!(body, ["main..topic"]);
        let params::GetFileResponse::Ok { body } = client
            .get_file(params::GetFileRequest::new(
                42.try_into().expect("non-zero"),
            ))
            .await
            .expect("file");
        assert_eq!(body, 42);
        let params::GetReportResponse::Ok { body } = client
            .get_report(params::GetReportRequest::new(
                "q3.final".into(),
                typed(&json!(".csv")),
            ))
            .await
            .expect("report");
        assert_eq!(body, ["q3.final", ".csv"]);
        let params::GetItemResponse::Ok { body } = client
            .get_item(params::GetItemRequest::new(-7, "json".into()))
            .await
            .expect("item");
        assert_eq!(body, ["-7", "json"]);

        // Operations sharing a route: the one called answers.
        let params::DeleteAllTagsResponse::Ok { body } = client
            .delete_all_tags(params::DeleteAllTagsRequest::new("arn:aws:x/1".into()))
            .await
            .expect("all tags");
        assert_eq!(body, "all of arn:aws:x/1");
        let params::DeleteSomeTagsResponse::Ok { body } = client
            .delete_some_tags(params::DeleteSomeTagsRequest::new(
                "arn:aws:x/1".into(),
                vec!["a".into(), "b c".into()],
            ))
            .await
            .expect("some tags");
        assert_eq!(body, "a+b c of arn:aws:x/1");
        let params::PushResponse::Ok { body } =
            client.push(params::PushRequest {}).await.expect("push");
        assert_eq!(body, "push");
        let params::PopResponse::Ok { body } =
            client.pop(params::PopRequest {}).await.expect("pop");
        assert_eq!(body, "pop");
        let params::ListBoardCardsResponse::Ok { body } = client
            .list_board_cards(params::ListBoardCardsRequest::new(
                "b 1".into(),
                params::types::CardFilter::Closed,
            ))
            .await
            .expect("cards");
        assert_eq!(body, "Closed cards of b 1");
        let params::GetBoardCardResponse::Ok { body } = client
            .get_board_card(params::GetBoardCardRequest::new(
                "b 1".into(),
                "c/42".into(),
            ))
            .await
            .expect("card");
        assert_eq!(body, "card c/42 of b 1");
        let params::GetIconResponse::Ok { body } = client
            .get_icon(params::GetIconRequest::new(-3))
            .await
            .expect("icon");
        assert_eq!(body, "icon -3");
        let params::SearchIconsResponse::Ok { body } = client
            .search_icons(params::SearchIconsRequest::new("cats & dogs".into()))
            .await
            .expect("icons");
        assert_eq!(body, "icons about cats & dogs");
        let owner: uuid::Uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8"
            .parse()
            .expect("a UUID");
        let attachment: uuid::Uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
            .parse()
            .expect("a UUID");
        let params::GetAttachmentResponse::Ok { body } = client
            .get_attachment(params::GetAttachmentRequest::new(owner, attachment))
            .await
            .expect("attachment");
        assert_eq!(body, format!("attachment {attachment} of {owner}"));
        let params::GetAttachmentByNameResponse::Ok { body } = client
            .get_attachment_by_name(params::GetAttachmentByNameRequest::new(
                owner,
                "report #1.pdf".into(),
            ))
            .await
            .expect("attachment by name");
        assert_eq!(body, format!("file report #1.pdf of {owner}"));

        // A name given twice in the path, and a `#` that is part of it.
        let params::GetRepeatedResponse::Ok { body } = client
            .get_repeated(params::GetRepeatedRequest::new(5))
            .await
            .expect("repeated");
        assert_eq!(body, 5);
        let params::GetPartnerResponse::Ok { body } = client
            .get_partner(params::GetPartnerRequest::new(12))
            .await
            .expect("partner");
        assert_eq!(body, 12);

        // A form body, and bytes given and left out.
        let form: params::types::PostFormBody =
            typed(&json!({"name": "Ada Lovelace & co=1", "age": 36}));
        let answer = client
            .post_form(params::PostFormRequest::new(form.clone()))
            .await
            .expect("form");
        assert!(matches!(answer, params::PostFormResponse::NoContent));
        let received = api.last_form.lock().expect("not poisoned").take();
        assert_eq!(format!("{received:?}"), format!("{:?}", Some(form)));
        let params::UploadResponse::Ok { body } = client
            .upload(params::UploadRequest {
                body: Some(BodyStream::from(Bytes::from_static(b"\x00bytes\xff"))),
            })
            .await
            .expect("upload");
        assert_eq!(body, 7);
        let received = api.last_upload.lock().expect("not poisoned").take();
        assert_eq!(
            received,
            Some((
                Some("application/octet-stream".to_owned()),
                Bytes::from_static(b"\x00bytes\xff")
            ))
        );
        let params::UploadResponse::Ok { body } = client
            .upload(params::UploadRequest::default())
            .await
            .expect("no upload");
        assert_eq!(body, 0);
        assert_eq!(api.last_upload.lock().expect("not poisoned").take(), None);

        // A status the operation does not declare.
        let error = client
            .get_board_card(params::GetBoardCardRequest::new(
                "b1".into(),
                "missing".into(),
            ))
            .await
            .expect_err("404 is not declared");
        let params::client::ClientError::UndeclaredStatus { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(status.as_u16(), 404);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(body["message"], "no card missing");
    }
}
