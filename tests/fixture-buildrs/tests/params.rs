//! `specs/params.yaml` served on 127.0.0.1 and called over real HTTP: every parameter
//! shape, form and byte bodies, and operations sharing a route told apart.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use specfirst_fixture_buildrs::params;
use specfirst_runtime::{HttpError, RequestContext};
use support::error_of;

#[derive(Default)]
struct Params {
    last_form: Mutex<Option<params::types::PostFormBody>>,
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
            Some(body) => body.bytes().await?.len() as u64,
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
