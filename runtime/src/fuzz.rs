//! Entry points for fuzzing the decoders of untrusted input.
//!
//! Each target takes arbitrary bytes, reads them as a part of a request would be read
//! (parameters in every location, style and shape; JSON, form, text and multipart
//! bodies; page tokens; credentials), and panics only when a decoder breaks its promise:
//! a value its rules refuse, or a refusal that is not a 4xx JSON answer. A hang shows as
//! a fuzzer's timeout. `runtime/fuzz/` runs the targets under `cargo fuzz` (nightly);
//! `runtime/tests/fuzz.rs` runs them on stable, in CI, over the corpus kept in
//! `runtime/fuzz/corpus/` and seeded mutations of it.
//!
//! Not a stable API: it is public only so the fuzz crate can reach it.

use axum::response::IntoResponse;
use bytes::Bytes;
use http::{header, HeaderValue, StatusCode};
use serde_json::Value;

use crate::auth::{Authentication, Site};
use crate::params::{Extra, Field, Location, Object, Param, Property, Raw, Scalar, Shape, Style};
use crate::validate::{Check, Kind, Schema};
use crate::{HttpError, RequestContext};

/// A fuzz target: any bytes in, a panic only for a broken promise.
pub type Target = fn(&[u8]);

/// Every target, by the name its cargo-fuzz target and corpus directory have.
pub const TARGETS: &[(&str, Target)] = &[
    ("parameters", parameters),
    ("json_body", json_body),
    ("form_body", form_body),
    ("text_body", text_body),
    ("multipart_body", multipart_body),
    ("page_token", page_token),
    ("credentials", credentials),
];

/// A refusal must be a client error, rendered as JSON.
fn refused(error: HttpError, what: &str) {
    let status = error.status;
    assert!(
        status.is_client_error(),
        "{what}: refused with {status}: {error:?}"
    );
    let response = error.into_response();
    assert_eq!(response.status(), status, "{what}");
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE),
        Some(&HeaderValue::from_static("application/json")),
        "{what}"
    );
}

/// A value a decoder accepted must satisfy the rules it was decoded under.
fn accepted(value: &Value, rules: Option<&'static Schema>, what: &str) {
    if let Some(rules) = rules {
        let violations = crate::validate::validate(value, rules);
        assert!(
            violations.is_empty(),
            "{what}: accepted {value} against its rules: {violations:?}"
        );
    }
}

static SMALL: Schema = Schema {
    kind: Some(Kind::Integer),
    checks: &[
        Check::Minimum {
            value: 1.0,
            exclusive: false,
        },
        Check::Maximum {
            value: 100.0,
            exclusive: true,
        },
    ],
    ..Schema::ANY
};

static WORD: Schema = Schema {
    kind: Some(Kind::String),
    checks: &[
        Check::MinLength(2),
        Check::MaxLength(8),
        Check::Pattern("^[a-z]+$"),
    ],
    ..Schema::ANY
};

static COLORS: Schema = Schema {
    kind: Some(Kind::String),
    allowed: &["\"red\"", "\"green\""],
    ..Schema::ANY
};

static FEW: Schema = Schema {
    kind: Some(Kind::Array),
    checks: &[Check::MaxItems(3), Check::UniqueItems],
    ..Schema::ANY
};

const POINT: Object = Object {
    properties: &[
        Property {
            name: "x",
            value: Field::Scalar(Scalar::Integer),
        },
        Property {
            name: "tags",
            value: Field::Array(Scalar::String),
        },
    ],
    additional: Some(Extra::Scalar(Scalar::Number)),
};

const NESTED: Object = Object {
    properties: &[Property {
        name: "inner",
        value: Field::Object(POINT),
    }],
    additional: None,
};

/// Parameters of every location, style and shape, some with rules.
static PARAMS: &[Param] = &[
    Param::path(0, "id", Shape::INTEGER).checked(&SMALL),
    Param::path(0, "word", Shape::STRING).checked(&WORD),
    Param::path(
        0,
        "ids",
        Shape::Array {
            item: Scalar::Integer,
            explode: false,
        },
    ),
    Param::path(
        0,
        "dot",
        Shape::Object {
            object: POINT,
            explode: true,
        },
    )
    .styled(Style::Label),
    Param::path(
        0,
        "semi",
        Shape::Array {
            item: Scalar::Boolean,
            explode: true,
        },
    )
    .styled(Style::Matrix),
    Param::path(0, "where", Shape::JsonText),
    Param::query("limit", Shape::INTEGER).checked(&SMALL),
    Param::query("color", Shape::STRING).checked(&COLORS),
    Param::query("n", Shape::NUMBER),
    Param::query("flag", Shape::BOOLEAN),
    Param::query("any", Shape::JSON),
    Param::query(
        "tags",
        Shape::Array {
            item: Scalar::String,
            explode: true,
        },
    )
    .checked(&FEW),
    Param::query(
        "csv",
        Shape::Array {
            item: Scalar::Number,
            explode: false,
        },
    ),
    Param::query(
        "spaced",
        Shape::Array {
            item: Scalar::String,
            explode: false,
        },
    )
    .styled(Style::SpaceDelimited),
    Param::query(
        "piped",
        Shape::Array {
            item: Scalar::Integer,
            explode: false,
        },
    )
    .styled(Style::PipeDelimited),
    Param::query(
        "point",
        Shape::Object {
            object: POINT,
            explode: true,
        },
    ),
    Param::query(
        "packed",
        Shape::Object {
            object: POINT,
            explode: false,
        },
    ),
    Param::query(
        "deep",
        Shape::Object {
            object: NESTED,
            explode: true,
        },
    )
    .styled(Style::DeepObject),
    Param::header(
        "x-ids",
        Shape::Array {
            item: Scalar::Integer,
            explode: false,
        },
    ),
    Param::header(
        "x-point",
        Shape::Object {
            object: POINT,
            explode: true,
        },
    ),
    Param::cookie("session", Shape::STRING).checked(&WORD),
    Param::cookie(
        "prefs",
        Shape::Object {
            object: POINT,
            explode: false,
        },
    ),
];

/// The first byte picks a parameter; the rest is its raw text, placed where the
/// parameter is read from (split into several query pairs or header lines at `\n`).
pub fn parameters(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let param = &PARAMS[usize::from(pick) % PARAMS.len()];
    let text = String::from_utf8_lossy(rest);
    let pairs: Vec<(String, String)>;
    let raw = match param.location {
        Location::Path(_) | Location::PathPart { .. } => Raw::Segment(&text),
        Location::Header => Raw::Lines(text.split('\n').collect()),
        Location::Query | Location::QueryString | Location::Cookie => {
            pairs = text
                .split('\n')
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) => (key.to_string(), value.to_string()),
                    None => (param.name.to_string(), pair.to_string()),
                })
                .collect();
            Raw::Pairs(&pairs)
        }
    };
    let what = format!("parameter {:?} from {text:?}", param.name);
    match param.decode::<Value>(raw) {
        Ok(Some(value)) => accepted(&value, param.rules, &what),
        Ok(None) => {}
        Err(error) => refused(error, &what),
    }
}

static BOOK: Schema = Schema {
    kind: Some(Kind::Object),
    properties: &[("title", &WORD), ("count", &SMALL), ("tags", &FEW)],
    required: &["title"],
    ..Schema::ANY
};

/// A type the JSON and form bodies decode into, beside the rules above.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Book {
    title: String,
    count: Option<u8>,
    tags: Option<Vec<String>>,
    price: Option<f64>,
}

/// The bytes as a JSON request body checked against rules and decoded into a struct.
pub fn json_body(data: &[u8]) {
    let what = format!("JSON body {:?}", String::from_utf8_lossy(data));
    match crate::body::decode_json_checked::<Book>(data, &BOOK) {
        Ok(_) => {
            let value: Value = serde_json::from_slice(data).expect("accepted JSON parses");
            accepted(&value, Some(&BOOK), &what);
        }
        Err(error) => refused(error, &what),
    }
    if let Err(error) = crate::body::decode_json::<Value>(data) {
        refused(error, &what);
    }
}

/// The bytes as an `application/x-www-form-urlencoded` body.
pub fn form_body(data: &[u8]) {
    let what = format!("form body {:?}", String::from_utf8_lossy(data));
    if let Err(error) = crate::body::decode_form::<Book>(data) {
        refused(error, &what);
    }
}

/// The bytes as a `text/plain` body.
pub fn text_body(data: &[u8]) {
    match crate::body::decode_text(Bytes::copy_from_slice(data)) {
        Ok(text) => assert_eq!(text.as_bytes(), data),
        Err(error) => refused(error, "text body"),
    }
}

/// The first line is the `content-type` (for its boundary), the rest the body; its
/// parts are then read as the generated decoders read them.
pub fn multipart_body(data: &[u8]) {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (head, body) = data.split_at(split);
    let body = body.get(1..).unwrap_or_default();
    let mut headers = http::HeaderMap::new();
    let Ok(content_type) = HeaderValue::from_bytes(head) else {
        return;
    };
    headers.insert(header::CONTENT_TYPE, content_type);
    let boundary = match crate::body::multipart_boundary(&headers) {
        Ok(boundary) => boundary,
        Err(error) => return refused(error, "multipart content type"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let parsed = runtime.block_on(crate::multipart::Multipart::parse(
        Bytes::copy_from_slice(body),
        boundary,
    ));
    let parts = match parsed {
        Ok(parts) => parts,
        Err(error) => return refused(error, "multipart body"),
    };
    for result in [
        parts
            .value_checked::<String>("title", Scalar::String, &WORD)
            .map(drop),
        parts
            .value_checked::<i64>("count", Scalar::Integer, &SMALL)
            .map(drop),
        parts.values::<Vec<i64>>("ids", Scalar::Integer).map(drop),
        parts
            .values_checked::<Vec<String>>("tags", Scalar::String, &FEW)
            .map(drop),
        parts.value::<Value>("meta", Scalar::Json).map(drop),
        parts.file("file").map(drop),
    ] {
        if let Err(error) = result {
            refused(error, "multipart part");
        }
    }
}

/// The first byte chooses: even, the rest is a token as a client sends it; odd, the rest
/// is a token's payload, sealed as the server seals one, so the envelope inside is what
/// is read.
pub fn page_token(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let token = if pick % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        crate::pagination::seal(rest)
    };
    if let Err(error) = crate::pagination::decode_token::<Value>("listBooks", &token) {
        refused(error, "page token");
    }
    if let Err(error) = crate::pagination::decode_token::<(u32, String)>("listBooks", &token) {
        refused(error, "page token");
    }
}

/// The bytes as the `Authorization` header (or, from the first `\n` on, an API key
/// header and the cookies), read by every kind of scheme.
pub fn credentials(data: &[u8]) {
    let mut lines = data.split(|&b| b == b'\n');
    let mut request = http::Request::builder().uri("/things?key=k");
    for name in [
        header::AUTHORIZATION,
        "x-api-key".parse().expect("a name"),
        header::COOKIE,
    ] {
        let Some(line) = lines.next() else { break };
        let Ok(value) = HeaderValue::from_bytes(line) else {
            continue;
        };
        request = request.header(name, value);
    }
    let Ok(request) = request.body(()) else {
        return;
    };
    let (head, ()) = request.into_parts();
    let mut ctx = RequestContext {
        request_id: "fuzz".into(),
        operation_id: "fuzz",
        method: head.method.clone(),
        headers: head.headers.clone(),
        uri: head.uri.clone(),
    };
    let sites = [
        Site::Authorization,
        Site::Header("x-api-key"),
        Site::Cookie("sid"),
        Site::Query("key"),
    ];
    let mut auth = Authentication::start(&head, &mut ctx, &["Bearer", "Basic"], &sites);
    let _ = auth.bearer("token");
    let _ = auth.basic("basic");
    let _ = auth.http("Digest", "digest");
    let _ = auth.api_key(Site::Header("x-api-key"), "key");
    let _ = auth.api_key(Site::Cookie("sid"), "cookie");
    let _ = auth.api_key(Site::Query("key"), "query");
    match auth.finish::<()>() {
        Ok(()) => {}
        Err(error) => {
            let response = error.into_response();
            assert!(
                matches!(
                    response.status(),
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST
                ),
                "credentials refused with {}",
                response.status()
            );
        }
    }
}
