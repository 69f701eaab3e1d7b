//! `specs/security.yaml` served on 127.0.0.1: every kind of security scheme, OR and AND
//! requirements, anonymous operations, 401 and 403 with their `WWW-Authenticate`
//! challenges, authentication before the body is read, and no credential in the logs.

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use specfirst_fixture_buildrs::security::{self, types::Whoami, SecurityApi, SecurityAuth};
use specfirst_runtime::auth::{self, ApiKey, Basic, Bearer, HttpCredentials, Scoped};
use specfirst_runtime::{HttpError, RequestContext, StatusCode};

const BEARER: &str = "b3arer-t0ken-s3cret";
const PASSWORD: &str = "pa55w0rd-s3cret";
const HEADER_KEY: &str = "h3ader-key-s3cret";
const QUERY_KEY: &str = "qu3ry-key-s3cret";
const COOKIE_KEY: &str = "c00kie-s3cret";
const SIGNATURE: &str = "keyId=k1,signature=s1gnature-s3cret";
const READER: &str = "r3ader-token-s3cret";
const WRITER: &str = "wr1ter-token-s3cret";
const OIDC_PROFILE: &str = "oidc-pr0file-s3cret";
const OIDC_BARE: &str = "oidc-b4re-s3cret";
/// Credentials of the schemes the spec does not describe, which the implementation
/// reads from headers of its own choosing.
const LEGACY_SESSION: &str = "legacy-session-1";
const VENDOR_TOKEN: &str = "vendor-token-1";
/// Every secret above: none may ever reach the logs.
const SECRETS: &[&str] = &[
    BEARER,
    PASSWORD,
    HEADER_KEY,
    QUERY_KEY,
    COOKIE_KEY,
    SIGNATURE,
    READER,
    WRITER,
    OIDC_PROFILE,
    OIDC_BARE,
    "wrong-s3cret",
];

/// Accepts the constants above; logs the context and credential it is given, as a
/// careless implementation might, so the test can check they are redacted.
#[derive(Default)]
struct Secure {
    handled: AtomicUsize,
    /// The headers of the last context `get_bearer` was handed.
    bearer_headers: Mutex<Option<reqwest::header::HeaderMap>>,
}

fn check(
    ctx: &RequestContext,
    credential: &dyn std::fmt::Debug,
    ok: bool,
    who: &str,
) -> Result<String, HttpError> {
    tracing::info!(?ctx, ?credential, "authenticating");
    if ok {
        Ok(who.to_string())
    } else {
        Err(auth::unauthenticated("credentials not accepted"))
    }
}

impl SecurityAuth for Secure {
    type Principal = String;

    async fn bearer_auth(
        &self,
        ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<String, HttpError> {
        check(
            ctx,
            &credential,
            credential.token() == BEARER,
            "bearer-user",
        )
    }

    async fn basic_auth(
        &self,
        ctx: &RequestContext,
        credential: Basic,
    ) -> Result<String, HttpError> {
        let ok = credential.username() == "ann" && credential.password() == PASSWORD;
        check(ctx, &credential, ok, "ann")
    }

    async fn signed_auth(
        &self,
        ctx: &RequestContext,
        credential: HttpCredentials,
    ) -> Result<String, HttpError> {
        let ok = credential.credentials() == SIGNATURE;
        check(ctx, &credential, ok, "signer")
    }

    async fn header_key(
        &self,
        ctx: &RequestContext,
        credential: ApiKey,
    ) -> Result<String, HttpError> {
        check(
            ctx,
            &credential,
            credential.key() == HEADER_KEY,
            "header-app",
        )
    }

    async fn query_key(
        &self,
        ctx: &RequestContext,
        credential: ApiKey,
    ) -> Result<String, HttpError> {
        check(ctx, &credential, credential.key() == QUERY_KEY, "query-app")
    }

    async fn cookie_key(
        &self,
        ctx: &RequestContext,
        credential: ApiKey,
    ) -> Result<String, HttpError> {
        check(
            ctx,
            &credential,
            credential.key() == COOKIE_KEY,
            "cookie-user",
        )
    }

    async fn oauth(
        &self,
        ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<Scoped<String>, HttpError> {
        let scopes: &[&str] = match credential.token() {
            READER => &["read:things"],
            WRITER => &["read:things", "write:things"],
            _ => return check(ctx, &credential, false, "").map(|p| Scoped::new(p, [""; 0])),
        };
        let who = check(
            ctx,
            &credential,
            true,
            if scopes.len() == 1 {
                "reader"
            } else {
                "writer"
            },
        )?;
        Ok(Scoped::new(who, scopes.iter().copied()))
    }

    async fn oidc(
        &self,
        ctx: &RequestContext,
        credential: Bearer,
    ) -> Result<Scoped<String>, HttpError> {
        let scopes: &[&str] = match credential.token() {
            OIDC_PROFILE => &["openid", "profile"],
            OIDC_BARE => &["openid"],
            _ => return check(ctx, &credential, false, "").map(|p| Scoped::new(p, [""; 0])),
        };
        Ok(Scoped::new(
            check(ctx, &credential, true, "oidc-user")?,
            scopes.iter().copied(),
        ))
    }

    async fn legacy_session(&self, ctx: &RequestContext) -> Result<String, HttpError> {
        // Nothing declares the scheme: the implementation knows where its credential is.
        match ctx.headers().get("x-legacy-session") {
            Some(value) if value == LEGACY_SESSION => Ok("legacy-user".into()),
            _ => Err(auth::unauthenticated("no legacy session")),
        }
    }

    async fn vendor_token(&self, ctx: &RequestContext) -> Result<String, HttpError> {
        match ctx.headers().get("x-vendor-token") {
            Some(value) if value == VENDOR_TOKEN => Ok("vendor-app".into()),
            _ => Err(auth::unauthenticated("no vendor token")),
        }
    }

    fn combine_principals(&self, first: String, rest: Vec<String>) -> String {
        std::iter::once(first)
            .chain(rest)
            .collect::<Vec<_>>()
            .join("+")
    }
}

impl Secure {
    fn answer(&self, principal: String) -> Whoami {
        self.handled.fetch_add(1, Ordering::SeqCst);
        Whoami { principal }
    }
}

impl SecurityApi for Secure {
    async fn get_public(
        &self,
        _: RequestContext,
        _: security::GetPublicRequest,
    ) -> Result<security::GetPublicResponse, HttpError> {
        Ok(security::GetPublicResponse::Ok {
            body: self.answer("anonymous".into()),
        })
    }
    async fn get_maybe(
        &self,
        _: RequestContext,
        p: Option<String>,
        _: security::GetMaybeRequest,
    ) -> Result<security::GetMaybeResponse, HttpError> {
        Ok(security::GetMaybeResponse::Ok {
            body: self.answer(p.unwrap_or_else(|| "anonymous".into())),
        })
    }
    async fn get_bearer(
        &self,
        ctx: RequestContext,
        p: String,
        _: security::GetBearerRequest,
    ) -> Result<security::GetBearerResponse, HttpError> {
        *self.bearer_headers.lock().expect("not poisoned") = Some(ctx.headers().clone());
        Ok(security::GetBearerResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_basic(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetBasicRequest,
    ) -> Result<security::GetBasicResponse, HttpError> {
        Ok(security::GetBasicResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_signed(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetSignedRequest,
    ) -> Result<security::GetSignedResponse, HttpError> {
        Ok(security::GetSignedResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_header_key(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetHeaderKeyRequest,
    ) -> Result<security::GetHeaderKeyResponse, HttpError> {
        Ok(security::GetHeaderKeyResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_query_key(
        &self,
        ctx: RequestContext,
        p: String,
        r: security::GetQueryKeyRequest,
    ) -> Result<security::GetQueryKeyResponse, HttpError> {
        // The key is gone from the URI the handler sees; other parameters are intact.
        assert!(!ctx.uri().to_string().contains(QUERY_KEY));
        Ok(security::GetQueryKeyResponse::Ok {
            body: self.answer(format!("{p}:{}", r.echo.unwrap_or_default())),
        })
    }
    async fn get_cookie_key(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetCookieKeyRequest,
    ) -> Result<security::GetCookieKeyResponse, HttpError> {
        Ok(security::GetCookieKeyResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn list_things(
        &self,
        _: RequestContext,
        p: String,
        _: security::ListThingsRequest,
    ) -> Result<security::ListThingsResponse, HttpError> {
        Ok(security::ListThingsResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn create_thing(
        &self,
        _: RequestContext,
        p: String,
        r: security::CreateThingRequest,
    ) -> Result<security::CreateThingResponse, HttpError> {
        Ok(security::CreateThingResponse::Ok {
            body: self.answer(format!("{p}:{}", r.body.name)),
        })
    }
    async fn get_oidc(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetOidcRequest,
    ) -> Result<security::GetOidcResponse, HttpError> {
        Ok(security::GetOidcResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_either(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetEitherRequest,
    ) -> Result<security::GetEitherResponse, HttpError> {
        Ok(security::GetEitherResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_both(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetBothRequest,
    ) -> Result<security::GetBothResponse, HttpError> {
        Ok(security::GetBothResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_legacy(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetLegacyRequest,
    ) -> Result<security::GetLegacyResponse, HttpError> {
        Ok(security::GetLegacyResponse::Ok {
            body: self.answer(p),
        })
    }
    async fn get_vendor(
        &self,
        _: RequestContext,
        p: String,
        _: security::GetVendorRequest,
    ) -> Result<security::GetVendorResponse, HttpError> {
        Ok(security::GetVendorResponse::Ok {
            body: self.answer(p),
        })
    }
}

/// Everything any test logs, at every level, from every thread.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
        logs
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The served implementation, whose counters the tests read, and its server.
struct Server {
    api: Arc<Secure>,
    http: support::Server,
}

async fn start() -> Server {
    captured_logs();
    let api = Arc::new(Secure::default());
    let http = support::start(security::router(api.clone())).await;
    Server { api, http }
}

impl Server {
    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(path)
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(path)
    }
}

/// The principal a 200 names.
async fn principal(request: reqwest::RequestBuilder) -> String {
    let response = request.send().await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    body["principal"].as_str().expect("a principal").to_string()
}

/// The error code, message and `WWW-Authenticate` values of a rejection with `status`.
async fn rejected(
    request: reqwest::RequestBuilder,
    status: StatusCode,
) -> (String, String, Vec<String>) {
    let response = request.send().await.expect("response");
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/json");
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().expect("ASCII").to_string())
        .collect();
    let body: Value = response.json().await.expect("JSON");
    assert!(body["request_id"].is_string());
    (
        body["error_code"].as_str().unwrap_or_default().to_string(),
        body["message"].as_str().unwrap_or_default().to_string(),
        challenges,
    )
}

const BEARER_CHALLENGE: &str = "Bearer realm=\"Security\"";
const BASIC_CHALLENGE: &str = "Basic realm=\"Security\", charset=\"UTF-8\"";

#[tokio::test]
async fn public_and_anonymous_operations() {
    let s = start().await;
    assert_eq!(principal(s.get("/public")).await, "anonymous");
    assert_eq!(
        principal(s.get("/public").bearer_auth("anything")).await,
        "anonymous"
    );
    assert_eq!(principal(s.get("/maybe")).await, "anonymous");
    assert_eq!(
        principal(s.get("/maybe").bearer_auth(BEARER)).await,
        "bearer-user"
    );
    // A credential that is given must be valid, even where anonymous callers are welcome.
    let (code, _, challenges) = rejected(
        s.get("/maybe").bearer_auth("wrong-s3cret"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        (code.as_str(), challenges),
        ("Unauthenticated", vec![BEARER_CHALLENGE.to_string()])
    );
}

#[tokio::test]
async fn bearer_scheme_from_the_global_requirement() {
    let s = start().await;
    assert_eq!(
        principal(s.get("/bearer").bearer_auth(BEARER)).await,
        "bearer-user"
    );
    assert_eq!(
        principal(
            s.get("/bearer")
                .header("authorization", format!("bearer {BEARER}"))
        )
        .await,
        "bearer-user"
    );
    let (code, message, challenges) = rejected(s.get("/bearer"), StatusCode::UNAUTHORIZED).await;
    assert_eq!(code, "Unauthenticated");
    assert_eq!(message, "this operation requires authentication");
    assert_eq!(challenges, vec![BEARER_CHALLENGE]);
    for malformed in ["Bearer", "Bearer a b"] {
        let (code, message, challenges) = rejected(
            s.get("/bearer").header("authorization", malformed),
            StatusCode::UNAUTHORIZED,
        )
        .await;
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("Unauthenticated", "malformed credentials for `bearerAuth`")
        );
        assert_eq!(challenges, vec![BEARER_CHALLENGE]);
    }
    // Another scheme's credentials are no bearer token.
    rejected(
        s.get("/bearer").basic_auth("ann", Some(PASSWORD)),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let (_, message, challenges) = rejected(
        s.get("/bearer").bearer_auth("wrong-s3cret"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(message, "credentials not accepted");
    assert_eq!(challenges, vec![BEARER_CHALLENGE]);
    assert_eq!(s.api.handled.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn other_http_schemes_hand_over_their_credentials() {
    let s = start().await;
    // The scheme name is matched without regard to case, as HTTP says.
    for name in ["Example-HMAC-SHA256", "example-hmac-sha256"] {
        assert_eq!(
            principal(
                s.get("/signed")
                    .header("authorization", format!("{name} {SIGNATURE}"))
            )
            .await,
            "signer"
        );
    }
    for request in [
        s.get("/signed"),
        s.get("/signed")
            .header("authorization", "Example-HMAC-SHA256 forged"),
        s.get("/signed")
            .header("authorization", format!("Bearer {SIGNATURE}")),
    ] {
        let (code, _, challenges) = rejected(request, StatusCode::UNAUTHORIZED).await;
        assert_eq!(
            (code.as_str(), challenges),
            (
                "Unauthenticated",
                vec!["Example-HMAC-SHA256 realm=\"Security\"".to_string()]
            )
        );
    }
}

#[tokio::test]
async fn basic_scheme() {
    let s = start().await;
    assert_eq!(
        principal(s.get("/basic").basic_auth("ann", Some(PASSWORD))).await,
        "ann"
    );
    for request in [
        s.get("/basic"),
        s.get("/basic").basic_auth("ann", Some("wrong-s3cret")),
        s.get("/basic")
            .header("authorization", "Basic !!!not-base64"),
        s.get("/basic")
            .header("authorization", "Basic bm9jb2xvbg=="), // "nocolon"
    ] {
        let (code, _, challenges) = rejected(request, StatusCode::UNAUTHORIZED).await;
        assert_eq!(
            (code.as_str(), challenges),
            ("Unauthenticated", vec![BASIC_CHALLENGE.to_string()])
        );
    }
}

#[tokio::test]
async fn api_keys_in_header_query_and_cookie() {
    let s = start().await;
    assert_eq!(
        principal(s.get("/header-key").header("x-api-key", HEADER_KEY)).await,
        "header-app"
    );
    assert_eq!(
        principal(s.get(&format!("/query-key?echo=hi&api_key={QUERY_KEY}"))).await,
        "query-app:hi"
    );
    assert_eq!(
        principal(
            s.get("/cookie-key")
                .header("cookie", format!("theme=dark; session={COOKIE_KEY}"))
        )
        .await,
        "cookie-user"
    );

    let (_, _, challenges) = rejected(s.get("/header-key"), StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        challenges,
        vec!["ApiKey realm=\"Security\", in=\"header\", name=\"X-Api-Key\""]
    );
    let (_, _, challenges) = rejected(
        s.get("/query-key?api_key=wrong-s3cret"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        challenges,
        vec!["ApiKey realm=\"Security\", in=\"query\", name=\"api_key\""]
    );
    let (_, _, challenges) = rejected(
        s.get("/cookie-key").header("cookie", "theme=dark"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        challenges,
        vec!["ApiKey realm=\"Security\", in=\"cookie\", name=\"session\""]
    );
    // A key in the wrong place is not a key.
    rejected(
        s.get(&format!("/header-key?x-api-key={HEADER_KEY}")),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    rejected(
        s.get("/header-key").header("x-api-key", ""),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn oauth2_and_openid_connect_scopes() {
    let s = start().await;
    assert_eq!(
        principal(s.get("/things").bearer_auth(READER)).await,
        "reader"
    );
    assert_eq!(
        principal(s.get("/things").bearer_auth(WRITER)).await,
        "writer"
    );
    let create = |token: &str| {
        s.post("/things")
            .bearer_auth(token)
            .json(&serde_json::json!({"name": "x"}))
    };
    assert_eq!(principal(create(WRITER)).await, "writer:x");
    let (code, message, challenges) = rejected(create(READER), StatusCode::FORBIDDEN).await;
    assert_eq!(code, "Forbidden");
    assert_eq!(message, "this operation requires the scope write:things");
    assert_eq!(
        challenges,
        vec!["Bearer realm=\"Security\", error=\"insufficient_scope\", scope=\"read:things write:things\""]
    );
    let (_, _, challenges) = rejected(create("wrong-s3cret"), StatusCode::UNAUTHORIZED).await;
    assert_eq!(challenges, vec![BEARER_CHALLENGE]);

    assert_eq!(
        principal(s.get("/oidc").bearer_auth(OIDC_PROFILE)).await,
        "oidc-user"
    );
    let (code, message, _) =
        rejected(s.get("/oidc").bearer_auth(OIDC_BARE), StatusCode::FORBIDDEN).await;
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("Forbidden", "this operation requires the scope profile")
    );
    rejected(s.get("/oidc"), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn alternatives_and_combined_requirements() {
    let s = start().await;
    // OR: either scheme admits the request.
    assert_eq!(
        principal(s.get("/either").basic_auth("ann", Some(PASSWORD))).await,
        "ann"
    );
    assert_eq!(
        principal(s.get("/either").header("x-api-key", HEADER_KEY)).await,
        "header-app"
    );
    // A failed alternative does not stop a later one from admitting the request.
    assert_eq!(
        principal(
            s.get("/either")
                .basic_auth("ann", Some("wrong-s3cret"))
                .header("x-api-key", HEADER_KEY)
        )
        .await,
        "header-app"
    );
    let (_, _, challenges) = rejected(s.get("/either"), StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        challenges,
        vec![
            BASIC_CHALLENGE,
            "ApiKey realm=\"Security\", in=\"header\", name=\"X-Api-Key\""
        ]
    );

    // AND: both credentials, both valid.
    assert_eq!(
        principal(
            s.get("/both")
                .header("x-api-key", HEADER_KEY)
                .bearer_auth(BEARER)
        )
        .await,
        "header-app+bearer-user"
    );
    rejected(
        s.get("/both").header("x-api-key", HEADER_KEY),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    rejected(s.get("/both").bearer_auth(BEARER), StatusCode::UNAUTHORIZED).await;
    rejected(
        s.get("/both")
            .header("x-api-key", "wrong-s3cret")
            .bearer_auth(BEARER),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn schemes_the_spec_does_not_describe_are_the_implementations_to_read() {
    let s = start().await;
    // Never declared: the method reads its own header; the bearer alternative still works.
    assert_eq!(
        principal(s.get("/legacy").header("x-legacy-session", LEGACY_SESSION)).await,
        "legacy-user"
    );
    assert_eq!(
        principal(s.get("/legacy").bearer_auth(BEARER)).await,
        "bearer-user"
    );
    let (code, message, challenges) = rejected(
        s.get("/legacy").header("x-legacy-session", "stale"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(code, "Unauthenticated");
    assert_eq!(message, "no legacy session");
    // Only the scheme the spec describes can be challenged.
    assert_eq!(challenges, [BEARER_CHALLENGE]);
    // Where anonymous callers are welcome, its refusal lets the request through as one.
    assert_eq!(
        principal(s.get("/maybe").header("x-legacy-session", LEGACY_SESSION)).await,
        "legacy-user"
    );
    assert_eq!(
        principal(s.get("/maybe").header("x-legacy-session", "stale")).await,
        "anonymous"
    );

    // Declared with a type OpenAPI does not define: the same, and no challenge at all.
    assert_eq!(
        principal(s.get("/vendor").header("x-vendor-token", VENDOR_TOKEN)).await,
        "vendor-app"
    );
    let handled = s.api.handled.load(Ordering::SeqCst);
    let (code, message, challenges) = rejected(s.get("/vendor"), StatusCode::UNAUTHORIZED).await;
    assert_eq!(code, "Unauthenticated");
    assert_eq!(message, "no vendor token");
    assert!(challenges.is_empty(), "{challenges:?}");
    assert_eq!(
        s.api.handled.load(Ordering::SeqCst),
        handled,
        "refused before the handler"
    );
}

#[tokio::test]
async fn authentication_runs_before_the_body_is_read() {
    let s = start().await;
    let post = || s.post("/things");
    // A body that is not even JSON, and one of the wrong type: still 401, not 400 or 415.
    let (code, _, _) = rejected(
        post()
            .header("content-type", "application/json")
            .body("{not json"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(code, "Unauthenticated");
    rejected(
        post().header("content-type", "text/plain").body("hello"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Too few scopes is decided before the body too.
    rejected(
        post()
            .bearer_auth(READER)
            .json(&serde_json::json!({"nope": 1})),
        StatusCode::FORBIDDEN,
    )
    .await;
    // Once authenticated, the body is checked as usual.
    let (code, _, _) = rejected(
        post()
            .bearer_auth(WRITER)
            .json(&serde_json::json!({"nope": 1})),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(code, "InvalidBody");
    assert_eq!(s.api.handled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn credentials_never_reach_the_logs() {
    let s = start().await;
    let logs = captured_logs();
    principal(s.get("/bearer").bearer_auth(BEARER)).await;
    rejected(
        s.get("/bearer").bearer_auth("wrong-s3cret"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    principal(s.get("/basic").basic_auth("ann", Some(PASSWORD))).await;
    principal(
        s.get("/signed")
            .header("authorization", format!("Example-HMAC-SHA256 {SIGNATURE}")),
    )
    .await;
    principal(s.get("/header-key").header("x-api-key", HEADER_KEY)).await;
    principal(s.get(&format!("/query-key?api_key={QUERY_KEY}&echo=e"))).await;
    rejected(
        s.get("/query-key?api_key=wrong-s3cret"),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    principal(
        s.get("/cookie-key")
            .header("cookie", format!("session={COOKIE_KEY}")),
    )
    .await;
    principal(s.get("/things").bearer_auth(READER)).await;
    rejected(
        s.post("/things")
            .bearer_auth(READER)
            .json(&serde_json::json!({"name": "x"})),
        StatusCode::FORBIDDEN,
    )
    .await;
    principal(
        s.post("/things")
            .bearer_auth(WRITER)
            .json(&serde_json::json!({"name": "x"})),
    )
    .await;
    principal(s.get("/oidc").bearer_auth(OIDC_PROFILE)).await;
    rejected(s.get("/oidc").bearer_auth(OIDC_BARE), StatusCode::FORBIDDEN).await;

    let text = String::from_utf8(logs.lock().expect("not poisoned").clone()).expect("UTF-8 logs");
    // The implementation did log every context and credential it was given ...
    assert!(text.contains("authenticating"), "{text}");
    assert!(
        text.contains("Sensitive") && text.contains("api_key=REDACTED"),
        "{text}"
    );
    assert!(text.contains("request rejected"), "{text}");
    // ... and yet no secret made it through.
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the logs:\n{text}"
        );
    }
}

/// The principal of a client call whose response enum `$response` has the one variant
/// `Ok { body: Whoami }`.
macro_rules! principal {
    ($response:ident, $call:expr) => {{
        let security::$response::Ok { body } = $call.await.expect(stringify!($response));
        body.principal
    }};
}

/// The status and error code of a call the server refused with a status the operation
/// does not declare (every operation of the spec declares `200` only).
fn refused<T: std::fmt::Debug>(result: Result<T, security::client::ClientError>) -> (u16, String) {
    match result {
        Err(security::client::ClientError::UndeclaredStatus {
            status,
            body,
            content_type,
            ..
        }) => {
            assert_eq!(content_type.as_deref(), Some("application/json"));
            let body: Value = serde_json::from_slice(&body).expect("a JSON error");
            let code = body["error_code"].as_str().expect("an error code");
            (status.as_u16(), code.to_owned())
        }
        other => panic!("expected an undeclared status, got {other:?}"),
    }
}

/// Every operation of the spec through the typed client, in process and over HTTP:
/// each scheme's credential given with `with_credential` is presented where the scheme
/// says (bearer, basic and a vendor's HTTP scheme in `Authorization`, API keys in a
/// header, a query parameter and a cookie, OAuth 2 and OpenID Connect tokens), the
/// first alternative the client holds whole is the one presented, both credentials of
/// an AND requirement go together, and a call without them (or with too few scopes)
/// is `UndeclaredStatus` with the server's 401 or 403 kept.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    use security::client::{Client, Credential};
    use security::{
        CreateThingRequest, GetBasicRequest, GetBearerRequest, GetBothRequest, GetCookieKeyRequest,
        GetEitherRequest, GetHeaderKeyRequest, GetLegacyRequest, GetMaybeRequest, GetOidcRequest,
        GetPublicRequest, GetQueryKeyRequest, GetSignedRequest, GetVendorRequest,
        ListThingsRequest,
    };
    let s = start().await;
    let router = security::router(s.api.clone());
    // The vendor's scheme is nothing a client can present: an HTTP client of the
    // application's, sending the vendor's header, does it.
    let mut vendor_headers = reqwest::header::HeaderMap::new();
    vendor_headers.insert("x-vendor-token", VENDOR_TOKEN.parse().expect("a header"));
    let vendor_client = reqwest::Client::builder()
        .default_headers(vendor_headers)
        .build()
        .expect("a reqwest client");
    let transports = [
        (Client::in_process(router), None),
        (
            Client::http(&s.http.url("")),
            Some(Client::from(specfirst_runtime::client::Client::http_with(
                vendor_client,
                &s.http.url(""),
            ))),
        ),
    ];
    for (anonymous, vendor) in transports {
        let with = |scheme: &str, credential: Credential| {
            anonymous.clone().with_credential(scheme, credential)
        };
        let bearer = with("bearerAuth", Credential::Bearer(BEARER.into()));
        let basic = with(
            "basicAuth",
            Credential::Basic {
                username: "ann".into(),
                password: PASSWORD.into(),
            },
        );
        let header_key = with("headerKey", Credential::Key(HEADER_KEY.into()));

        // No requirement, and anonymous callers allowed.
        assert_eq!(
            principal!(GetPublicResponse, anonymous.get_public(GetPublicRequest {})),
            "anonymous"
        );
        assert_eq!(
            principal!(GetMaybeResponse, anonymous.get_maybe(GetMaybeRequest {})),
            "anonymous"
        );
        assert_eq!(
            principal!(GetMaybeResponse, bearer.get_maybe(GetMaybeRequest {})),
            "bearer-user"
        );
        let wrong = with("bearerAuth", Credential::Bearer("wrong-s3cret".into()));
        assert_eq!(
            refused(wrong.get_maybe(GetMaybeRequest {}).await),
            (401, "Unauthenticated".into())
        );

        // Each scheme on its own.
        assert_eq!(
            principal!(GetBearerResponse, bearer.get_bearer(GetBearerRequest {})),
            "bearer-user"
        );
        assert_eq!(
            refused(anonymous.get_bearer(GetBearerRequest {}).await),
            (401, "Unauthenticated".into())
        );
        assert_eq!(
            refused(wrong.get_bearer(GetBearerRequest {}).await),
            (401, "Unauthenticated".into())
        );
        // A credential of the wrong kind for the scheme is not presented.
        let misfit = with("bearerAuth", Credential::Key(BEARER.into()));
        assert_eq!(
            refused(misfit.get_bearer(GetBearerRequest {}).await),
            (401, "Unauthenticated".into())
        );
        assert_eq!(
            principal!(GetBasicResponse, basic.get_basic(GetBasicRequest {})),
            "ann"
        );
        assert_eq!(
            refused(anonymous.get_basic(GetBasicRequest {}).await),
            (401, "Unauthenticated".into())
        );
        let signed = with("signedAuth", Credential::Http(SIGNATURE.into()));
        assert_eq!(
            principal!(GetSignedResponse, signed.get_signed(GetSignedRequest {})),
            "signer"
        );
        assert_eq!(
            refused(anonymous.get_signed(GetSignedRequest {}).await),
            (401, "Unauthenticated".into())
        );
        assert_eq!(
            principal!(
                GetHeaderKeyResponse,
                header_key.get_header_key(GetHeaderKeyRequest {})
            ),
            "header-app"
        );
        assert_eq!(
            refused(anonymous.get_header_key(GetHeaderKeyRequest {}).await),
            (401, "Unauthenticated".into())
        );
        // The key goes beside the operation's own query parameters.
        let query_key = with("queryKey", Credential::Key(QUERY_KEY.into()));
        assert_eq!(
            principal!(
                GetQueryKeyResponse,
                query_key.get_query_key(GetQueryKeyRequest {
                    echo: Some("a&b=c d".into()),
                })
            ),
            "query-app:a&b=c d"
        );
        assert_eq!(
            refused(
                anonymous
                    .get_query_key(GetQueryKeyRequest { echo: None })
                    .await
            ),
            (401, "Unauthenticated".into())
        );
        let cookie_key = with("cookieKey", Credential::Key(COOKIE_KEY.into()));
        assert_eq!(
            principal!(
                GetCookieKeyResponse,
                cookie_key.get_cookie_key(GetCookieKeyRequest {})
            ),
            "cookie-user"
        );
        assert_eq!(
            refused(anonymous.get_cookie_key(GetCookieKeyRequest {}).await),
            (401, "Unauthenticated".into())
        );

        // OAuth 2 and OpenID Connect: tokens, and scopes the server checks.
        let reader = with("oauth", Credential::Bearer(READER.into()));
        let writer = with("oauth", Credential::Bearer(WRITER.into()));
        assert_eq!(
            principal!(ListThingsResponse, reader.list_things(ListThingsRequest {})),
            "reader"
        );
        let thing = || {
            CreateThingRequest::new(
                serde_json::from_value(serde_json::json!({"name": "lamp"})).expect("a thing"),
            )
        };
        assert_eq!(
            principal!(CreateThingResponse, writer.create_thing(thing())),
            "writer:lamp"
        );
        assert_eq!(
            refused(reader.create_thing(thing()).await),
            (403, "Forbidden".into())
        );
        assert_eq!(
            refused(anonymous.list_things(ListThingsRequest {}).await),
            (401, "Unauthenticated".into())
        );
        let profile = with("oidc", Credential::Bearer(OIDC_PROFILE.into()));
        let bare = with("oidc", Credential::Bearer(OIDC_BARE.into()));
        assert_eq!(
            principal!(GetOidcResponse, profile.get_oidc(GetOidcRequest {})),
            "oidc-user"
        );
        assert_eq!(
            refused(bare.get_oidc(GetOidcRequest {}).await),
            (403, "Forbidden".into())
        );

        // OR: the first alternative held whole; AND: every credential of one.
        let everything = basic
            .clone()
            .with_credential("headerKey", Credential::Key(HEADER_KEY.into()))
            .with_credential("bearerAuth", Credential::Bearer(BEARER.into()));
        assert_eq!(
            principal!(
                GetEitherResponse,
                everything.get_either(GetEitherRequest {})
            ),
            "ann"
        );
        assert_eq!(
            principal!(
                GetEitherResponse,
                header_key.get_either(GetEitherRequest {})
            ),
            "header-app"
        );
        assert_eq!(
            refused(anonymous.get_either(GetEitherRequest {}).await),
            (401, "Unauthenticated".into())
        );
        assert_eq!(
            principal!(GetBothResponse, everything.get_both(GetBothRequest {})),
            "header-app+bearer-user"
        );
        assert_eq!(
            refused(header_key.get_both(GetBothRequest {}).await),
            (401, "Unauthenticated".into())
        );

        // Schemes the spec does not describe: the described alternative, or an HTTP
        // client that sends what the implementation reads.
        assert_eq!(
            principal!(GetLegacyResponse, bearer.get_legacy(GetLegacyRequest {})),
            "bearer-user"
        );
        assert_eq!(
            refused(anonymous.get_legacy(GetLegacyRequest {}).await),
            (401, "Unauthenticated".into())
        );
        assert_eq!(
            refused(everything.get_vendor(GetVendorRequest {}).await),
            (401, "Unauthenticated".into())
        );
        if let Some(vendor) = vendor {
            assert_eq!(
                principal!(GetVendorResponse, vendor.get_vendor(GetVendorRequest {})),
                "vendor-app"
            );
        }
    }
}

/// The method of a secured operation is handed every header of the request (they are
/// lent to the authentication first, then to the decoder), the credential's marked
/// sensitive.
#[tokio::test]
async fn a_secured_method_sees_every_header_with_its_credential_hidden() {
    let s = start().await;
    assert_eq!(
        principal(
            s.get("/bearer")
                .bearer_auth(BEARER)
                .header("x-trace", "t-1")
        )
        .await,
        "bearer-user"
    );
    let headers = s
        .api
        .bearer_headers
        .lock()
        .expect("not poisoned")
        .take()
        .expect("get_bearer ran");
    assert_eq!(headers["x-trace"], "t-1");
    let authorization = &headers["authorization"];
    assert_eq!(authorization, &format!("Bearer {BEARER}"));
    assert!(authorization.is_sensitive());
}
