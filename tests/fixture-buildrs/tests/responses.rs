//! `specs/responses.yaml` served on 127.0.0.1 and called over real HTTP: every response
//! kind, and the document served as the code describes it.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::responses;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};
use support::error_of;

struct Reports;

impl responses::ResponsesApi for Reports {
    async fn get_report(
        &self,
        _ctx: RequestContext,
        r: responses::GetReportRequest,
    ) -> Result<responses::GetReportResponse, HttpError> {
        use responses::types::{GetReportOkBody, Problem};
        use responses::GetReportResponse as R;
        let problem = |title: &str| Problem {
            title: title.into(),
            status: None,
        };
        Ok(match r.id.as_str() {
            "ok" => R::Ok {
                body: GetReportOkBody {
                    id: "ok".into(),
                    score: specfirst_runtime::Nullable::Value(0.5),
                },
                x_rate_remaining: Some(9),
                e_tag: "\"v1\"".into(),
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
            _ => return Err(HttpError::for_not_found(format!("report {}", r.id))),
        })
    }

    async fn get_raw_report(
        &self,
        _ctx: RequestContext,
        r: responses::GetRawReportRequest,
    ) -> Result<responses::GetRawReportResponse, HttpError> {
        Ok(if r.id == "pdf" {
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
        })
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

    // An HttpError from the handler is rendered as the JSON error body.
    let (status, body) = error_of(get("/reports/unknown").await.expect("request")).await;
    assert_eq!(
        (status.as_u16(), body["message"].as_str()),
        (404, Some("report unknown"))
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
