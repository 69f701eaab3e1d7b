//! `specs/responses.yaml` served on 127.0.0.1 and called over real HTTP: every response
//! kind, and the document served as the code describes it.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::responses;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};
use support::error_of;

struct Reports;

/// The answer to a report of `id`; `None` for an unknown one, a 404 error.
fn report(id: &str) -> Option<responses::GetReportResponse> {
    use responses::types::{GetReportOkBody, Problem};
    use responses::GetReportResponse as R;
    let problem = |title: &str| Problem {
        title: title.into(),
        status: None,
    };
    Some(match id {
        "ok" => R::Ok {
            body: GetReportOkBody {
                id: "ok".into(),
                score: specfirst_runtime::Nullable::Value(0.5),
            },
            x_rate_remaining: Some(9),
            e_tag: "\"v1\"".into(),
        },
        "bare" => R::Ok {
            body: GetReportOkBody {
                id: "bare".into(),
                score: specfirst_runtime::Nullable::Null,
            },
            x_rate_remaining: None,
            e_tag: "W/\"v2\"".into(),
        },
        "pending" => R::Accepted,
        "moved" => R::SeeOther {
            location: "/reports/ok".into(),
        },
        "missing" => R::NotFound {
            body: problem("no such report"),
        },
        "gone" => R::ClientError {
            status: StatusCode::GONE,
            body: problem("gone"),
        },
        "wrong-class" => R::ClientError {
            status: StatusCode::OK,
            body: problem("not an error"),
        },
        "teapot" => R::Default {
            status: StatusCode::IM_A_TEAPOT,
            body: problem("short and stout"),
        },
        "unavailable" => R::Default {
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: Problem {
                title: "later".into(),
                status: Some(503),
            },
        },
        _ => return None,
    })
}

/// The answer to a raw report of `id`.
fn raw_report(id: &str) -> responses::GetRawReportResponse {
    if id == "pdf" {
        responses::GetRawReportResponse::Ok {
            body: b"%PDF-1.7"[..].into(),
        }
    } else {
        // `default` stands for the statuses the spec does not declare: 200 is
        // for PDFs only, which strict response checks hold the server to.
        responses::GetRawReportResponse::Default {
            status: StatusCode::NON_AUTHORITATIVE_INFORMATION,
            body: "plain words".into(),
            content_type: "text/plain; charset=utf-8".into(),
        }
    }
}

impl responses::ResponsesApi for Reports {
    async fn get_report(
        &self,
        _ctx: RequestContext,
        r: responses::GetReportRequest,
    ) -> Result<responses::GetReportResponse, HttpError> {
        report(&r.id).ok_or_else(|| HttpError::for_not_found(format!("report {}", r.id)))
    }

    async fn get_raw_report(
        &self,
        _ctx: RequestContext,
        r: responses::GetRawReportRequest,
    ) -> Result<responses::GetRawReportResponse, HttpError> {
        Ok(raw_report(&r.id))
    }
}

#[tokio::test]
async fn every_response_kind_is_encoded() {
    let http = support::start(responses::router(Arc::new(Reports))).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    // Redirects are answers to check here, not to follow: this client's own requests.
    let get = |path: &str| client.get(http.url(path)).send();

    let response = get("/reports/ok").await.expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-rate-remaining"], "9");
    assert_eq!(response.headers()["etag"], "\"v1\"");
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"id": "ok", "score": 0.5})
    );

    let response = get("/reports/pending").await.expect("request");
    assert_eq!(response.status(), 202);
    assert!(response.bytes().await.expect("body").is_empty());

    let response = get("/reports/moved").await.expect("request");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/reports/ok");

    let response = get("/reports/missing").await.expect("request");
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        response.json::<Value>().await.expect("json")["title"],
        "no such report"
    );

    let response = get("/reports/gone").await.expect("request");
    assert_eq!(response.status(), 410);
    let response = get("/reports/teapot").await.expect("request");
    assert_eq!(response.status(), 418);

    // A 4XX variant given a 2XX status breaks the contract: 500, in the error shape.
    let (status, body) = error_of(get("/reports/wrong-class").await.expect("request")).await;
    assert_eq!(
        (status.as_u16(), body["error_code"].as_str()),
        (500, Some("Internal"))
    );

    // An HttpError from the handler is written in the `Problem` the spec declares for
    // 404, as `application/problem+json`: its code as the `title`, the status as
    // `status`. The message has no place in a `Problem`.
    let response = get("/reports/unknown").await.expect("request");
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"title": "NotFound", "status": 404})
    );

    let response = get("/reports/pdf/raw").await.expect("request");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.expect("body").as_ref(), b"%PDF-1.7");
    let response = get("/reports/text/raw").await.expect("request");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.text().await.expect("body"), "plain words");
}

#[tokio::test]
async fn the_document_is_served() {
    let http = support::start(responses::router(Arc::new(Reports))).await;
    let doc: Value = http
        .get("/openapi.json")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["info"]["title"], "Responses");
    assert_eq!(
        serde_json::from_str::<Value>(responses::OPENAPI_DOCUMENT).expect("valid JSON"),
        doc
    );
    // What the handlers decode and answer, described by the code itself, is what the
    // served document says.
    let described = responses::API_DESCRIPTION.to_openapi();
    let differences = specfirst::roundtrip::compare(&doc, &described);
    assert!(differences.is_empty(), "{differences:?}");
}

/// Both operations through the typed client, in process and over HTTP: every status
/// the implementation answers decodes into the variant it returned, with its body,
/// required and optional headers (`200`, `202` without a body, `303` with `location`
/// and not followed, `404` as `application/problem+json`, the `4XX` range, `default`
/// with its status, bytes of a declared and of a wildcard type); a `default` status
/// inside the `4XX` range reads back as that range's variant, and the runtime's own
/// 404 error, whose body is not the declared problem, is a decode error that keeps it.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = responses::router(Arc::new(Reports));
    let http = support::start(router.clone()).await;
    let clients = [
        responses::client::Client::in_process(router),
        responses::client::Client::http(&http.url("")),
    ];
    for client in clients {
        for id in [
            "ok",
            "bare",
            "pending",
            "moved",
            "missing",
            "gone",
            "unavailable",
        ] {
            let answer = client
                .get_report(responses::GetReportRequest::new(id.into()))
                .await
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                format!("{answer:?}"),
                format!("{:?}", report(id).expect("a report")),
                "{id}"
            );
        }
        // `default` given a status of the `4XX` range is read as the range's.
        let answer = client
            .get_report(responses::GetReportRequest::new("teapot".into()))
            .await
            .expect("teapot");
        let responses::GetReportResponse::ClientError { status, body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!(
            (status, body.title.as_str()),
            (StatusCode::IM_A_TEAPOT, "short and stout")
        );
        // The runtime's 404 is written as the declared problem.
        let answer = client
            .get_report(responses::GetReportRequest::new("unknown id".into()))
            .await
            .expect("the declared problem");
        let responses::GetReportResponse::NotFound { body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!((body.title.as_str(), body.status), ("NotFound", Some(404)));

        for id in ["pdf", "text"] {
            let answer = client
                .get_raw_report(responses::GetRawReportRequest::new(id.into()))
                .await
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                format!("{answer:?}"),
                format!("{:?}", raw_report(id)),
                "{id}"
            );
        }
    }
}
