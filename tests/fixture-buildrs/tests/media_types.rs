//! Request bodies chosen by `content-type` (JSON, form, multipart, text, bytes, a
//! wildcard), typed multipart parts and text bodies, over real HTTP.

mod support;

use std::sync::Arc;

use serde_json::Value;
use specfirst_fixture_buildrs::media_types as api;
use specfirst_runtime::{HttpError, RequestContext, ServerConfig};

struct Server;

fn received(kind: &str, detail: String) -> api::types::Received {
    api::types::Received {
        kind: kind.into(),
        detail: Some(detail),
    }
}

impl api::MediaTypesApi for Server {
    async fn create_note(
        &self,
        _ctx: RequestContext,
        request: api::CreateNoteRequest,
    ) -> Result<api::CreateNoteResponse, HttpError> {
        use api::CreateNoteRequestBody as Body;
        let body = match request.body {
            Body::ApplicationJson(note) => received(
                "json",
                format!("{} {:?}", note.title.as_str(), note.priority),
            ),
            Body::ApplicationXWwwFormUrlencoded(note) => received(
                "form",
                format!("{} {:?}", note.title.as_str(), note.priority),
            ),
            Body::MultipartFormData(parts) => received(
                "multipart",
                format!(
                    "{} {:?} {:?} {:?} {:?} {}:{:?}:{:?}:{} extras={:?}",
                    parts.title.as_str(),
                    parts.priority,
                    parts.urgent,
                    parts.tags,
                    parts.meta.map(|m| m.author),
                    String::from_utf8_lossy(&parts.attachment.bytes),
                    parts.attachment.filename,
                    parts.attachment.content_type,
                    parts.attachment.bytes.len(),
                    parts.extras.map(|files| files
                        .iter()
                        .map(|f| f.filename.clone().unwrap_or_default())
                        .collect::<Vec<_>>()),
                ),
            ),
            Body::TextPlain(text) => received("text", text),
            Body::ApplicationOctetStream(stream) => {
                received("bytes", format!("{:?}", stream.bytes().await?.to_vec()))
            }
            Body::ImageAny(stream) => received("image", format!("{}", stream.bytes().await?.len())),
        };
        Ok(api::CreateNoteResponse::Ok { body })
    }

    async fn upload(
        &self,
        _ctx: RequestContext,
        request: api::UploadRequest,
    ) -> Result<api::UploadResponse, HttpError> {
        let detail = match request.body {
            None => "none".to_string(),
            Some(upload) => format!(
                "{} {:?}",
                upload.file.bytes.len(),
                upload.label.map(|l| l.to_string())
            ),
        };
        Ok(api::UploadResponse::Ok {
            body: received("upload", detail),
        })
    }

    async fn edge_cases(
        &self,
        _ctx: RequestContext,
        request: api::EdgeCasesRequest,
    ) -> Result<api::EdgeCasesResponse, HttpError> {
        use api::EdgeCasesRequestBody as Body;
        let detail = match request.body {
            None => "none".to_string(),
            Some(Body::ApplicationJson(body)) => format!("json {:?}", body.a),
            Some(Body::ApplicationMergePatchJson(body)) => format!("merge {:?}", body.b),
            Some(Body::MultipartFormData(parts)) => format!(
                "multipart {:?} {:?} {:?} {:?} {:?}",
                parts.file_name,
                parts.type_.map(|t| t.to_string()),
                parts.self_,
                parts.items.map(|items| items.len()),
                parts.blob.map(|b| b.bytes.len()),
            ),
            Some(Body::Any(stream)) => format!("any {}", stream.bytes().await?.len()),
        };
        Ok(api::EdgeCasesResponse::Created {
            body: api::EdgeCasesResponseCreatedBody::Any {
                content_type: "text/x-detail".into(),
                body: detail.into(),
            },
        })
    }

    async fn raw_multipart(
        &self,
        _ctx: RequestContext,
        request: api::RawMultipartRequest,
    ) -> Result<api::RawMultipartResponse, HttpError> {
        // The raw body: the schema names no parts.
        let _: specfirst_runtime::BodyStream = request.body;
        Ok(api::RawMultipartResponse::NoContent)
    }

    async fn ping(
        &self,
        _ctx: RequestContext,
        _request: api::PingRequest,
    ) -> Result<api::PingResponse, HttpError> {
        Ok(api::PingResponse::NoContent)
    }

    async fn echo_text(
        &self,
        ctx: RequestContext,
        request: api::EchoTextRequest,
    ) -> Result<api::EchoTextResponse, HttpError> {
        use api::EchoTextResponseOkBody as Body;
        // The client's Accept picks the representation; the router already refused a
        // client that accepts none of them.
        let body = match ctx.preferred_media_type(Body::MEDIA_TYPES) {
            Some(1) => Body::TextPlain(request.body),
            Some(2) => Body::ImageAny {
                content_type: "image/gif".into(),
                body: request.body.into(),
            },
            _ => Body::ApplicationJson(received("text", request.body)),
        };
        Ok(api::EchoTextResponse::Ok { body })
    }
}

const BOUNDARY: &str = "specfirst-boundary";

/// `(name, filename, content type, content)`.
type TestPart<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A multipart body: `(name, filename, content type, content)` per part.
fn multipart(parts: &[TestPart<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, filename, content_type, bytes) in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(filename) = filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        out.extend_from_slice(format!("{disposition}\r\n").as_bytes());
        if let Some(content_type) = content_type {
            out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

async fn post(
    http: &support::Server,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = http.post(path).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn a_body_without_media_types_is_not_read() {
    let http = support::start(api::router(Arc::new(Server))).await;
    for body in ["", "anything at all"] {
        let response = http
            .post("/pings")
            .header("content-type", "application/x-unknown")
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 204, "{body:?}");
    }
}

#[tokio::test]
async fn each_media_type_is_its_own_variant() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let notes = "/notes";

    let (status, body) = post(
        &http,
        notes,
        Some("application/json"),
        r#"{"title":"Dune","priority":2}"#,
    )
    .await;
    assert_eq!((status, &body["kind"]), (200, &"json".into()), "{body}");
    assert_eq!(body["detail"], "Dune Some(2)");

    // Media-type parameters are ignored, and `+json` types are JSON.
    let (status, body) = post(
        &http,
        notes,
        Some("application/merge-patch+json; charset=utf-8"),
        r#"{"title":"Dune"}"#,
    )
    .await;
    assert_eq!((status, &body["kind"]), (200, &"json".into()), "{body}");

    // The JSON variant is still validated.
    let (status, body) = post(&http, notes, Some("application/json"), r#"{"title":""}"#).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "InvalidBody");

    let (status, body) = post(
        &http,
        notes,
        Some("application/x-www-form-urlencoded"),
        "title=Emma&priority=5",
    )
    .await;
    assert_eq!((status, &body["kind"]), (200, &"form".into()), "{body}");
    assert_eq!(body["detail"], "Emma Some(5)");

    let (status, body) = post(
        &http,
        notes,
        Some("text/plain; charset=utf-8"),
        "plain words",
    )
    .await;
    assert_eq!((status, &body["kind"]), (200, &"text".into()), "{body}");
    assert_eq!(body["detail"], "plain words");

    let (status, body) = post(
        &http,
        notes,
        Some("application/octet-stream"),
        vec![0u8, 1, 2],
    )
    .await;
    assert_eq!((status, &body["kind"]), (200, &"bytes".into()), "{body}");
    assert_eq!(body["detail"], "[0, 1, 2]");

    // `image/*` takes any image type.
    let (status, body) = post(&http, notes, Some("image/png"), vec![9u8; 7]).await;
    assert_eq!((status, &body["kind"]), (200, &"image".into()), "{body}");
    assert_eq!(body["detail"], "7");

    // Without a content-type the first declared type is assumed.
    let (status, body) = post(&http, notes, None, r#"{"title":"Bare"}"#).await;
    assert_eq!((status, &body["kind"]), (200, &"json".into()), "{body}");
}

#[tokio::test]
async fn undeclared_media_types_are_415() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let (status, body) = post(&http, "/notes", Some("application/xml"), "<note/>").await;
    assert_eq!(status, 415, "{body}");
    assert_eq!(body["error_code"], "UnsupportedMediaType");
    assert_eq!(
        body["message"],
        "unsupported content type \"application/xml\"; expected application/json, \
         application/x-www-form-urlencoded, multipart/form-data, text/plain, \
         application/octet-stream, image/*"
    );
    assert!(body["request_id"].is_string());
}

#[tokio::test]
async fn multipart_parts_are_typed() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let notes = "/notes";
    let content_type = multipart_type();

    let body = multipart(&[
        ("title", None, None, b"Report"),
        ("priority", None, None, b"3"),
        ("urgent", None, None, b"true"),
        ("tags", None, None, b"a"),
        ("tags", None, None, b"b"),
        (
            "meta",
            None,
            Some("application/json"),
            br#"{"author":"Ann"}"#,
        ),
        (
            "attachment",
            Some("report.txt"),
            Some("text/plain"),
            b"file body",
        ),
        ("extras", Some("one.bin"), None, b"1"),
        ("extras", Some("two.bin"), None, b"2"),
    ]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["kind"], "multipart");
    assert_eq!(
        received["detail"],
        "Report Some(3) Some(true) Some([\"a\", \"b\"]) Some(\"Ann\") \
         file body:Some(\"report.txt\"):Some(\"text/plain\"):9 \
         extras=Some([\"one.bin\", \"two.bin\"])"
    );

    // Only the required parts.
    let body = multipart(&[
        ("title", None, None, b"Short"),
        ("attachment", Some("a.bin"), None, b"x"),
    ]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(
        received["detail"],
        "Short None None None None x:Some(\"a.bin\"):None:1 extras=None"
    );

    // A missing required part is a 400 that names it.
    let body = multipart(&[("title", None, None, b"No file")]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 400, "{received}");
    assert_eq!(received["error_code"], "InvalidBody");
    assert_eq!(
        received["message"],
        "missing required multipart part \"attachment\""
    );

    // A part that does not fit its type is a 400 that names it.
    let body = multipart(&[
        ("title", None, None, b"T"),
        ("priority", None, None, b"high"),
        ("attachment", None, None, b"x"),
    ]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 400, "{received}");
    assert_eq!(
        received["message"],
        "invalid multipart part \"priority\": expected an integer"
    );

    // Parts are checked against their schema's constraints; the first failing part is
    // reported with all of its violations.
    let body = multipart(&[
        ("title", None, None, b"a title far longer than twenty"),
        ("priority", None, None, b"0"),
        ("attachment", None, None, b"x"),
    ]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 400, "{received}");
    assert_eq!(
        received["message"],
        "invalid multipart part \"title\": longer than 20 characters (maxLength)"
    );
    let body = multipart(&[
        ("title", None, None, b"T"),
        ("priority", None, None, b"0"),
        ("meta", None, None, b"{}"),
        ("attachment", None, None, b"x"),
    ]);
    let (status, received) = post(&http, notes, Some(&content_type), body).await;
    assert_eq!(status, 400, "{received}");
    assert_eq!(
        received["message"],
        "invalid multipart part \"priority\": must be at least 1 (minimum)"
    );

    // A multipart content type without a boundary cannot be parsed.
    let (status, received) = post(&http, notes, Some("multipart/form-data"), "x").await;
    assert_eq!(status, 400, "{received}");
    assert_eq!(received["error_code"], "InvalidBody");
}

#[tokio::test]
async fn multipart_bodies_obey_the_body_limit() {
    let config = ServerConfig {
        request_body_max_bytes: 256,
        ..ServerConfig::default()
    };
    let http = support::start_with(api::router(Arc::new(Server)), config).await;
    let big = vec![b'z'; 1024];
    let body = multipart(&[
        ("title", None, None, b"Big"),
        ("attachment", Some("big.bin"), None, &big),
    ]);
    let (status, received) = post(&http, "/notes", Some(&multipart_type()), body.clone()).await;
    assert_eq!(status, 413, "{received}");
    assert_eq!(received["error_code"], "PayloadTooLarge");

    // Chunked, with no length to refuse up front: the limit holds while reading.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = format!(
        "POST /notes HTTP/1.1\r\nhost: x\r\ncontent-type: {}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        multipart_type()
    )
    .into_bytes();
    for chunk in body.chunks(100) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(http.addr)
        .await
        .expect("connect");
    // The server may answer before reading all of it; the answer is what matters.
    let _ = stream.write_all(&request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"error_code\":\"PayloadTooLarge\""),
        "{answer}"
    );
}

#[tokio::test]
async fn optional_multipart_from_a_component() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let uploads = "/uploads";
    let send = |body: Vec<u8>, content_type: Option<String>| {
        let mut request = http.put(uploads).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("json"))
        }
    };
    // Properties from every `allOf` member; an enum part is typed.
    let body = multipart(&[
        ("file", Some("f.txt"), None, b"abc"),
        ("label", None, None, b"final"),
    ]);
    let (status, received) = send(body, Some(multipart_type())).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["detail"], "3 Some(\"final\")");

    let body = multipart(&[
        ("file", Some("f.txt"), None, b"abc"),
        ("label", None, None, b"other"),
    ]);
    let (status, received) = send(body, Some(multipart_type())).await;
    assert_eq!(status, 400, "{received}");
    assert!(
        received["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("invalid multipart part \"label\""),
        "{received}"
    );

    // An optional body may be left out, content type and all.
    let (status, received) = send(Vec::new(), None).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["detail"], "none");

    // One media type: anything else is still refused.
    let (status, received) = send(b"{}".to_vec(), Some("application/json".into())).await;
    assert_eq!(status, 415, "{received}");
}

#[tokio::test]
async fn text_bodies_are_utf8() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let echo = "/echo";
    let (status, body) = post(&http, echo, Some("text/plain"), "héllo").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["detail"], "héllo");

    let (status, body) = post(&http, echo, Some("text/plain"), vec![b'a', 0xff, b'b']).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "InvalidBody");
    assert_eq!(
        body["message"],
        "request body is not valid UTF-8 (invalid byte at offset 1)"
    );

    let (status, body) = post(&http, echo, Some("text/plain"), "").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error_code"], "MissingBody");
}

#[tokio::test]
async fn accept_picks_the_response_media_type() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let echo = "/echo";
    let send = |accept: Option<&'static str>| {
        let mut request = http
            .post(echo)
            .header("content-type", "text/plain")
            .body("hi");
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (status, content_type, response.text().await.expect("text"))
        }
    };
    let (status, content_type, body) = send(None).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["detail"], "hi");

    let (status, content_type, body) = send(Some("text/plain")).await;
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (200, "text/plain; charset=utf-8", "hi")
    );

    let (status, content_type, _) = send(Some("application/json;q=0.5, text/*;q=0.9")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/plain; charset=utf-8")
    );

    let (status, content_type, body) = send(Some("image/gif")).await;
    assert_eq!(
        (status, content_type.as_str(), body.as_str()),
        (200, "image/gif", "hi")
    );

    // Nothing the operation produces is acceptable: 406 before the handler runs.
    let (status, _, body) = send(Some("application/xml")).await;
    assert_eq!(status, 406, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["error_code"], "NotAcceptable");
    assert_eq!(
        body["message"],
        "cannot respond with any media type in Accept \"application/xml\"; this operation \
         produces application/json, text/plain, image/*"
    );

    // Operations that only produce JSON still refuse clients that rule JSON out.
    let response = http
        .put("/uploads")
        .header("accept", "text/plain")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 406);
}

#[tokio::test]
async fn edge_cases() {
    let http = support::start(api::router(Arc::new(Server))).await;
    let edge = "/edge";
    let send = |content_type: Option<String>, body: Vec<u8>| {
        let mut request = http.post(edge).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (status, content_type, response.text().await.expect("text"))
        }
    };
    let (status, content_type, body) = send(None, Vec::new()).await;
    assert_eq!((status, content_type.as_str()), (201, "text/x-detail"));
    assert_eq!(body, "none");
    let (_, _, body) = send(
        Some("application/merge-patch+json".into()),
        br#"{"b":4}"#.to_vec(),
    )
    .await;
    assert_eq!(body, "merge Some(4)");
    // Another JSON type goes to the first declared JSON type, before `*/*`.
    let (_, _, body) = send(
        Some("application/vnd.other+json".into()),
        br#"{"a":"x"}"#.to_vec(),
    )
    .await;
    assert_eq!(body, "json Some(\"x\")");
    let parts = multipart(&[
        ("file-name", None, None, b"n.txt"),
        ("type", None, None, b"b"),
        ("self", None, None, b"1.5"),
        ("items", None, None, br#"{"author":"A"}"#),
        ("items", None, None, br#"{"author":"B"}"#),
        ("blob", Some("b.bin"), None, b"xyz"),
    ]);
    let (status, _, body) = send(Some(multipart_type()), parts).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        "multipart Some(\"n.txt\") Some(\"b\") Some(1.5) Some(2) Some(3)"
    );
    let (_, _, body) = send(Some("application/x-anything".into()), vec![1, 2]).await;
    assert_eq!(body, "any 2");
}
