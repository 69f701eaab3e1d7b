//! Request bodies chosen by `content-type` (JSON, form, multipart, text, bytes, a
//! wildcard), typed multipart parts and text bodies, over real HTTP.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::media_types as api;
use specfirst_runtime::{BodyStream, Bytes, HttpError, Part, RequestContext, ServerConfig};

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

/// Answers every operation with what it received, as `Debug` text (bodies of bytes as
/// their content type and bytes), for the client round trip; the body picks the
/// representation and status of the answers that have several.
struct Echo;

/// What a stream of bytes held: its content type and bytes.
async fn streamed(stream: specfirst_runtime::BodyStream) -> Result<String, HttpError> {
    let content_type = stream.content_type().map(str::to_owned);
    Ok(format!("{content_type:?} {:?}", stream.bytes().await?))
}

impl api::MediaTypesApi for Echo {
    async fn create_note(
        &self,
        _ctx: RequestContext,
        request: api::CreateNoteRequest,
    ) -> Result<api::CreateNoteResponse, HttpError> {
        use api::CreateNoteRequestBody as Body;
        let (kind, detail) = match request.body {
            Body::ApplicationJson(note) if note.title.as_str() == "conflict" => {
                return Err(HttpError::for_status(
                    specfirst_runtime::StatusCode::CONFLICT,
                    "taken",
                ))
            }
            Body::ApplicationJson(note) => ("json", format!("{note:?}")),
            Body::ApplicationXWwwFormUrlencoded(note) => ("form", format!("{note:?}")),
            Body::MultipartFormData(parts) => ("multipart", format!("{parts:?}")),
            Body::TextPlain(text) => ("text", text),
            Body::ApplicationOctetStream(stream) => ("bytes", streamed(stream).await?),
            Body::ImageAny(stream) => ("image", streamed(stream).await?),
        };
        Ok(api::CreateNoteResponse::Ok {
            body: received(kind, detail),
        })
    }

    async fn upload(
        &self,
        _ctx: RequestContext,
        request: api::UploadRequest,
    ) -> Result<api::UploadResponse, HttpError> {
        Ok(api::UploadResponse::Ok {
            body: received("upload", format!("{:?}", request.body)),
        })
    }

    async fn echo_text(
        &self,
        _ctx: RequestContext,
        request: api::EchoTextRequest,
    ) -> Result<api::EchoTextResponse, HttpError> {
        use api::EchoTextResponseOkBody as Body;
        let text = request.body;
        let body = if text.starts_with("text:") {
            Body::TextPlain(text)
        } else if text.starts_with("image:") {
            Body::ImageAny {
                content_type: "image/gif".into(),
                body: text.into(),
            }
        } else {
            Body::ApplicationJson(received("text", text))
        };
        Ok(api::EchoTextResponse::Ok { body })
    }

    async fn edge_cases(
        &self,
        _ctx: RequestContext,
        request: api::EdgeCasesRequest,
    ) -> Result<api::EdgeCasesResponse, HttpError> {
        use api::EdgeCasesRequestBody as Body;
        use api::EdgeCasesResponseCreatedBody as Created;
        use api::EdgeCasesResponseOkBody as Ok;
        Result::Ok(match request.body {
            None => api::EdgeCasesResponse::Default {
                status: specfirst_runtime::StatusCode::IM_A_TEAPOT,
            },
            Some(Body::ApplicationJson(body)) => api::EdgeCasesResponse::Ok {
                body: Ok::ApplicationJson(received("json", format!("{body:?}"))),
            },
            Some(Body::ApplicationMergePatchJson(body)) => api::EdgeCasesResponse::Ok {
                body: Ok::ApplicationProblemJson(
                    api::types::EdgeCasesOkApplicationProblemJsonBody {
                        title: Some(format!("{body:?}")),
                    },
                ),
            },
            Some(Body::MultipartFormData(parts)) => api::EdgeCasesResponse::Ok {
                body: Ok::TextCsv(format!("{parts:?}").into()),
            },
            Some(Body::Any(stream)) if stream.content_type() == Some("application/x-json") => {
                api::EdgeCasesResponse::Created {
                    body: Created::ApplicationJson(received("any", streamed(stream).await?)),
                }
            }
            Some(Body::Any(stream)) => api::EdgeCasesResponse::Created {
                body: Created::Any {
                    content_type: "text/x-detail".into(),
                    body: streamed(stream).await?.into(),
                },
            },
        })
    }

    async fn raw_multipart(
        &self,
        _ctx: RequestContext,
        request: api::RawMultipartRequest,
    ) -> Result<api::RawMultipartResponse, HttpError> {
        let received = streamed(request.body).await?;
        if received.contains("nothing") {
            return Err(HttpError::for_status(
                specfirst_runtime::StatusCode::UNPROCESSABLE_ENTITY,
                received,
            ));
        }
        Ok(api::RawMultipartResponse::NoContent)
    }

    async fn ping(
        &self,
        _ctx: RequestContext,
        _request: api::PingRequest,
    ) -> Result<api::PingResponse, HttpError> {
        Ok(api::PingResponse::NoContent)
    }
}

/// A typed value from JSON.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// A file part.
fn file(bytes: &'static [u8], filename: Option<&str>, content_type: Option<&str>) -> Part {
    Part {
        bytes: bytes.into(),
        filename: filename.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
    }
}

/// A stream of `bytes` with `content_type`, as a client sends it.
fn stream(bytes: &'static [u8], content_type: Option<&str>) -> BodyStream {
    let stream = BodyStream::from(Bytes::from_static(bytes));
    match content_type {
        Some(content_type) => stream.with_content_type(content_type),
        None => stream,
    }
}

/// The detail of a `Received` answer.
fn detail(body: api::types::Received, kind: &str) -> String {
    assert_eq!(body.kind, kind, "{body:?}");
    body.detail.expect("a detail")
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// each media type of each request body (JSON, form, multipart with values, JSON parts
/// and files, text, bytes, a wildcard image and `*/*`) reaches the handler as it was
/// sent, and every declared status and media type of the answers (`200` in three
/// media types, `201` as bytes or JSON, `default`) decodes into the variant the
/// handler returned; an undeclared status is `UndeclaredStatus` with its body, and a
/// stream of a wildcard type that does not say its own is not sent.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = api::router(Arc::new(Echo));
    let http = support::start(router.clone()).await;
    let clients = [
        api::client::Client::in_process(router),
        api::client::Client::http(&http.url("")),
    ];
    for client in clients {
        // createNote, in each of its six media types.
        use api::CreateNoteRequestBody as Note;
        let note: api::types::Note = typed(json!({"title": "Dune & more", "priority": 2}));
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::ApplicationJson(
                note.clone(),
            )))
            .await
            .expect("JSON note");
        assert_eq!(detail(body, "json"), format!("{note:?}"));
        let note: api::types::Note = typed(json!({"title": "a=b&c d+é"}));
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(
                Note::ApplicationXWwwFormUrlencoded(note.clone()),
            ))
            .await
            .expect("form note");
        assert_eq!(detail(body, "form"), format!("{note:?}"));
        let parts = api::CreateNoteMultipart {
            title: "Report \"Q3\"".parse().expect("a title"),
            priority: Some(3.try_into().expect("non-zero")),
            urgent: Some(false),
            tags: Some(vec!["a".into(), "b, c".into()]),
            meta: Some(typed(json!({"author": "Ann"}))),
            attachment: file(b"file\r\nbody", Some("report.txt"), Some("text/plain")),
            extras: Some(vec![
                file(b"\x00\x01", Some("one.bin"), None),
                file(b"2", Some("two.bin"), Some("application/x-two")),
            ]),
        };
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::MultipartFormData(
                parts.clone(),
            )))
            .await
            .expect("multipart note");
        assert_eq!(detail(body, "multipart"), format!("{parts:?}"));
        let parts = api::CreateNoteMultipart {
            title: "Short".parse().expect("a title"),
            priority: None,
            urgent: None,
            tags: None,
            meta: None,
            attachment: file(b"x", None, None),
            extras: None,
        };
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::MultipartFormData(
                parts.clone(),
            )))
            .await
            .expect("required parts only");
        assert_eq!(detail(body, "multipart"), format!("{parts:?}"));
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::TextPlain(
                "plain words, été\n".into(),
            )))
            .await
            .expect("text note");
        assert_eq!(detail(body, "text"), "plain words, été\n");
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::ApplicationOctetStream(
                stream(b"\x00\x01\xff", None),
            )))
            .await
            .expect("bytes note");
        assert_eq!(
            detail(body, "bytes"),
            format!(
                "{:?} {:?}",
                Some("application/octet-stream"),
                Bytes::from_static(b"\x00\x01\xff")
            )
        );
        let api::CreateNoteResponse::Ok { body } = client
            .create_note(api::CreateNoteRequest::new(Note::ImageAny(stream(
                b"GIF89a",
                Some("image/gif"),
            ))))
            .await
            .expect("image note");
        assert_eq!(
            detail(body, "image"),
            format!(
                "{:?} {:?}",
                Some("image/gif"),
                Bytes::from_static(b"GIF89a")
            )
        );
        // An image that does not say its type is not sent: the server would take it
        // for JSON, the first type declared.
        let error = client
            .create_note(api::CreateNoteRequest::new(Note::ImageAny(stream(
                b"GIF89a", None,
            ))))
            .await
            .expect_err("an image of no type");
        assert!(
            matches!(error, api::client::ClientError::Encode { .. }),
            "{error:?}"
        );
        // An answer the operation does not declare keeps its status and body.
        let error = client
            .create_note(api::CreateNoteRequest::new(Note::ApplicationJson(typed(
                json!({"title": "conflict"}),
            ))))
            .await
            .expect_err("409 is not declared");
        let api::client::ClientError::UndeclaredStatus { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(status.as_u16(), 409);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(body["message"], "taken");

        // upload: an optional multipart body from a component, given and left out.
        let upload = api::UploadMultipart {
            file: file(b"abc", Some("f.txt"), None),
            label: Some(api::types::UploadLabel::Final),
        };
        let api::UploadResponse::Ok { body } = client
            .upload(api::UploadRequest {
                body: Some(upload.clone()),
            })
            .await
            .expect("upload");
        assert_eq!(detail(body, "upload"), format!("{:?}", Some(upload)));
        let api::UploadResponse::Ok { body } = client
            .upload(api::UploadRequest::default())
            .await
            .expect("no upload");
        assert_eq!(detail(body, "upload"), "None");

        // echoText: one text body, answered in each of three media types.
        let answer = client
            .echo_text(api::EchoTextRequest::new("héllo".into()))
            .await
            .expect("as JSON");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                api::EchoTextResponse::Ok {
                    body: api::EchoTextResponseOkBody::ApplicationJson(received(
                        "text",
                        "héllo".into()
                    )),
                }
            )
        );
        let answer = client
            .echo_text(api::EchoTextRequest::new("text: héllo".into()))
            .await
            .expect("as text");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                api::EchoTextResponse::Ok {
                    body: api::EchoTextResponseOkBody::TextPlain("text: héllo".into()),
                }
            )
        );
        let answer = client
            .echo_text(api::EchoTextRequest::new("image: GIF".into()))
            .await
            .expect("as an image");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                api::EchoTextResponse::Ok {
                    body: api::EchoTextResponseOkBody::ImageAny {
                        content_type: "image/gif".into(),
                        body: "image: GIF".into(),
                    },
                }
            )
        );

        // edgeCases: four request media types and none; 200 in three media types,
        // 201 as bytes and as JSON, and `default`.
        use api::EdgeCasesRequestBody as Edge;
        use api::EdgeCasesResponse as Answer;
        let json_body: api::types::EdgeCasesBody = typed(json!({"a": "x"}));
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::ApplicationJson(json_body.clone())),
            })
            .await
            .expect("JSON");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Ok {
                    body: api::EdgeCasesResponseOkBody::ApplicationJson(received(
                        "json",
                        format!("{json_body:?}")
                    )),
                }
            )
        );
        let merge: api::types::EdgeCasesApplicationMergePatchJsonBody = typed(json!({"b": 4}));
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::ApplicationMergePatchJson(merge.clone())),
            })
            .await
            .expect("merge patch");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Ok {
                    body: api::EdgeCasesResponseOkBody::ApplicationProblemJson(
                        api::types::EdgeCasesOkApplicationProblemJsonBody {
                            title: Some(format!("{merge:?}")),
                        }
                    ),
                }
            )
        );
        let parts = api::EdgeCasesMultipart {
            file_name: Some("n \"1\".txt".into()),
            type_: Some(api::types::Kind::B),
            self_: Some(1.5),
            items: Some(vec![
                typed(json!({"author": "A"})),
                typed(json!({"author": "B"})),
            ]),
            blob: Some(file(b"xyz", Some("b.bin"), Some("application/x-blob"))),
        };
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::MultipartFormData(parts.clone())),
            })
            .await
            .expect("multipart");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Ok {
                    body: api::EdgeCasesResponseOkBody::TextCsv(format!("{parts:?}").into()),
                }
            )
        );
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::Any(stream(
                    b"\x01\x02",
                    Some("application/x-anything"),
                ))),
            })
            .await
            .expect("anything");
        let sent = format!(
            "{:?} {:?}",
            Some("application/x-anything"),
            Bytes::from_static(b"\x01\x02")
        );
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Created {
                    body: api::EdgeCasesResponseCreatedBody::Any {
                        content_type: "text/x-detail".into(),
                        body: sent.into(),
                    },
                }
            )
        );
        // Bytes without a content type of their own are sent as bytes, not as the
        // first declared type.
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::Any(stream(b"raw", None))),
            })
            .await
            .expect("untyped bytes");
        let sent = format!(
            "{:?} {:?}",
            Some("application/octet-stream"),
            Bytes::from_static(b"raw")
        );
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Created {
                    body: api::EdgeCasesResponseCreatedBody::Any {
                        content_type: "text/x-detail".into(),
                        body: sent.into(),
                    },
                }
            )
        );
        // JSON at 201 is the JSON variant, not the `*/*` one declared before it.
        let answer = client
            .edge_cases(api::EdgeCasesRequest {
                body: Some(Edge::Any(stream(b"{}", Some("application/x-json")))),
            })
            .await
            .expect("JSON at 201");
        let sent = format!(
            "{:?} {:?}",
            Some("application/x-json"),
            Bytes::from_static(b"{}")
        );
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Created {
                    body: api::EdgeCasesResponseCreatedBody::ApplicationJson(received("any", sent)),
                }
            )
        );
        let answer = client
            .edge_cases(api::EdgeCasesRequest::default())
            .await
            .expect("no body");
        assert_eq!(
            format!("{answer:?}"),
            format!(
                "{:?}",
                Answer::Default {
                    status: specfirst_runtime::StatusCode::IM_A_TEAPOT
                }
            )
        );

        // rawMultipart: a multipart body the schema does not describe, sent as bytes.
        let raw = b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n";
        let answer = client
            .raw_multipart(api::RawMultipartRequest::new(stream(
                raw,
                Some("multipart/form-data; boundary=x"),
            )))
            .await
            .expect("raw multipart");
        assert!(matches!(answer, api::RawMultipartResponse::NoContent));
        let error = client
            .raw_multipart(api::RawMultipartRequest::new(stream(
                b"nothing",
                Some("multipart/form-data; boundary=x"),
            )))
            .await
            .expect_err("422 is not declared");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
        let body: Value = serde_json::from_slice(error.body().expect("a body")).expect("JSON");
        assert_eq!(
            body["message"],
            format!(
                "{:?} {:?}",
                Some("multipart/form-data; boundary=x"),
                Bytes::from_static(b"nothing")
            )
        );

        // ping: no body at all.
        let answer = client.ping(api::PingRequest {}).await.expect("ping");
        assert!(matches!(answer, api::PingResponse::NoContent));
    }
}
