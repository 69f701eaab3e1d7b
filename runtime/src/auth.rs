//! Authentication: the credentials a generated authentication trait receives, and the
//! checks generated handlers run before anything else reads the request.
//!
//! A generated handler of an operation with security requirements tries each requirement
//! in the spec's order. For each it reads every credential the requirement names (a
//! requirement whose credentials are not all present is skipped), hands each to the
//! matching method of the authentication trait, and checks the scopes an OAuth 2 or
//! OpenID Connect scheme must grant. The first requirement that passes admits the request.
//! Otherwise the request gets:
//!
//! - `401 Unauthenticated` with one `WWW-Authenticate` challenge per scheme when no
//!   requirement's credentials were all present, or a credential was malformed;
//! - `403 Forbidden` (with `error="insufficient_scope"`) when a token lacks a scope;
//! - the error the authentication method returned, when it rejected a credential
//!   (a `401` gains the challenges).
//!
//! Credentials never reach error messages or `Debug` output: the types here print
//! `<redacted>`, and the [`RequestContext`] handed to the trait has the credential headers
//! marked sensitive and query keys replaced.

use std::fmt;

use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::request::Parts;
use http::{header, HeaderName, HeaderValue, StatusCode, Uri};

use crate::{HttpError, RequestContext};

/// The error code of a `401` response.
pub const UNAUTHENTICATED: &str = "Unauthenticated";
/// The error code of a `403` response.
pub const FORBIDDEN: &str = "Forbidden";

/// A `401 Unauthenticated` error, for an authentication method that rejects a credential.
/// The router adds the operation's `WWW-Authenticate` challenges. Never put the credential
/// into `message`.
pub fn unauthenticated(message: impl Into<String>) -> HttpError {
    HttpError::for_status(StatusCode::UNAUTHORIZED, message).with_error_code(UNAUTHENTICATED)
}

/// A `403 Forbidden` error, for a principal that is known but not allowed.
pub fn forbidden(message: impl Into<String>) -> HttpError {
    HttpError::for_status(StatusCode::FORBIDDEN, message).with_error_code(FORBIDDEN)
}

/// A bearer token from `Authorization: Bearer <token>` (HTTP bearer, OAuth 2 and OpenID
/// Connect schemes). `Debug` does not show the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Bearer {
    token: String,
}

impl Bearer {
    /// A credential holding `token`, for tests and for calling an authentication method
    /// directly.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
        }
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bearer(<redacted>)")
    }
}

/// A user name and password from `Authorization: Basic <base64>`. `Debug` shows only
/// the user name.
#[derive(Clone, PartialEq, Eq)]
pub struct Basic {
    username: String,
    password: String,
}

impl Basic {
    /// A credential holding `username` and `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The credentials of `Authorization: <scheme> <credentials>` for an HTTP
/// authentication scheme other than Basic and Bearer (Digest, Negotiate, HOBA, a
/// vendor's signature scheme), as sent: checking them is the scheme's business, which
/// the implementation knows. `Debug` does not show them.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpCredentials {
    credentials: String,
}

impl HttpCredentials {
    /// A credential holding `credentials` (the text after the scheme name).
    pub fn new(credentials: impl Into<String>) -> Self {
        Self {
            credentials: credentials.into(),
        }
    }

    /// The text after the scheme name, trimmed; empty when the header has only the name
    /// (as in a first `Negotiate` round).
    pub fn credentials(&self) -> &str {
        &self.credentials
    }
}

impl fmt::Debug for HttpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HttpCredentials(<redacted>)")
    }
}

/// An API key from a header, query parameter or cookie. `Debug` does not show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    key: String,
}

impl ApiKey {
    /// A credential holding `key`.
    pub fn new(key: impl Into<String>) -> Self {
        Self { key: key.into() }
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// What an OAuth 2 or OpenID Connect authentication method returns: the principal and
/// the scopes its token grants. The router checks the scopes the operation requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped<P> {
    /// Who the token was issued to.
    pub principal: P,
    /// The scopes the token grants.
    pub scopes: Vec<String>,
}

impl<P> Scoped<P> {
    /// `principal` with the `scopes` its token grants.
    pub fn new<S: Into<String>>(principal: P, scopes: impl IntoIterator<Item = S>) -> Self {
        Self {
            principal,
            scopes: scopes.into_iter().map(Into::into).collect(),
        }
    }
}

/// The certificate chain a client presented in the TLS handshake, leaf first, already
/// verified against the server's client CA (`tls.client_ca_file`). The server puts it
/// into each request's extensions; OpenAPI's `mutualTLS` schemes receive it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    chain: std::sync::Arc<[Vec<u8>]>,
}

impl ClientCertificate {
    /// A credential holding `chain`, DER-encoded certificates with the client's first.
    /// `None` when the chain is empty.
    pub fn new(chain: Vec<Vec<u8>>) -> Option<Self> {
        (!chain.is_empty()).then(|| Self {
            chain: chain.into(),
        })
    }

    /// The client's own certificate, DER-encoded; parse it with an X.509 crate to read
    /// its subject or extensions.
    pub fn leaf_der(&self) -> &[u8] {
        // `new` refuses empty chains.
        self.chain.first().map_or(&[], Vec::as_slice)
    }

    /// The whole chain as presented, DER-encoded, leaf first.
    pub fn chain_der(&self) -> impl Iterator<Item = &[u8]> {
        self.chain.iter().map(Vec::as_slice)
    }
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

/// Where a credential is presented; used by generated code.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum Site {
    /// The `Authorization` header.
    Authorization,
    /// A named header.
    Header(&'static str),
    /// A named query parameter.
    Query(&'static str),
    /// A named cookie.
    Cookie(&'static str),
    /// The TLS handshake (a client certificate): nothing in the request to hide.
    Tls,
}

/// A rejected request: the error and the `WWW-Authenticate` challenges that go with it.
#[derive(Debug)]
pub struct AuthError {
    error: HttpError,
    challenges: Vec<String>,
}

impl AuthError {
    /// The error sent to the client.
    pub fn error(&self) -> &HttpError {
        &self.error
    }

    /// The `WWW-Authenticate` values sent with it.
    pub fn challenges(&self) -> &[String] {
        &self.challenges
    }
}

impl AuthError {
    /// The error and its challenges, for the error to be rendered in the operation's
    /// form and the challenges added to that response.
    pub(crate) fn into_parts(self) -> (HttpError, Vec<String>) {
        (self.error, self.challenges)
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        challenge(&mut response, self.challenges);
        response
    }
}

/// Adds `challenges` to `response` as `WWW-Authenticate` headers.
pub(crate) fn challenge(response: &mut Response, challenges: Vec<String>) {
    for challenge in challenges {
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .append(header::WWW_AUTHENTICATE, value);
        }
    }
}

/// The state of one request's authentication; used by generated code.
#[doc(hidden)]
#[derive(Debug)]
pub struct Authentication<'r> {
    /// The request head: its URI and connection (query keys, client certificates).
    head: &'r Parts,
    /// The lines of the headers the operation's credentials are in, taken from the
    /// context at the start. The context holds the request's headers while it
    /// authenticates (the head lends them rather than both holding a copy).
    lines: Vec<(HeaderName, HeaderValue)>,
    /// The challenges of every scheme the operation accepts.
    challenges: &'static [&'static str],
    /// The failure to report when no requirement admits the request.
    failure: Option<AuthError>,
}

impl<'r> Authentication<'r> {
    /// Starts authenticating a request for an operation accepting `challenges`, whose
    /// credentials are at `sites`: header credentials are read from `ctx`'s headers (the
    /// request's), the rest from `head`. Hides them from `ctx`: credential headers are
    /// marked sensitive (their `Debug` output is `Sensitive`) and query keys replaced.
    pub fn start(
        head: &'r Parts,
        ctx: &mut RequestContext,
        challenges: &'static [&'static str],
        sites: &[Site],
    ) -> Self {
        let mut lines = Vec::new();
        for site in sites {
            let name = match site {
                Site::Authorization => header::AUTHORIZATION,
                Site::Header(name) => match HeaderName::from_bytes(name.as_bytes()) {
                    Ok(name) => name,
                    Err(_) => continue,
                },
                Site::Cookie(_) => header::COOKIE,
                Site::Query(name) => {
                    ctx.uri = redact_query(&ctx.uri, name);
                    continue;
                }
                Site::Tls => continue,
            };
            if lines.iter().any(|(taken, _)| *taken == name) {
                continue;
            }
            if let header::Entry::Occupied(mut entry) = ctx.headers.entry(name.clone()) {
                for value in entry.iter_mut() {
                    value.set_sensitive(true);
                    lines.push((name.clone(), value.clone()));
                }
            }
        }
        Self {
            head,
            lines,
            challenges,
            failure: None,
        }
    }

    /// The bearer token, or `None` when absent or malformed (which is recorded).
    pub fn bearer(&mut self, scheme: &str) -> Option<Bearer> {
        let value = self.authorization("bearer", scheme)?;
        // Header text is visible ASCII and tabs, so ASCII whitespace is all there is.
        if value.is_empty() || value.bytes().any(|b| b.is_ascii_whitespace()) {
            self.malformed(scheme);
            return None;
        }
        Some(Bearer::new(value))
    }

    /// The credentials of `Authorization: <auth_scheme> ...` (the scheme name matched
    /// without regard to case), or `None` when absent or sent with another scheme.
    pub fn http(&mut self, auth_scheme: &str, scheme: &str) -> Option<HttpCredentials> {
        self.authorization(auth_scheme, scheme)
            .map(HttpCredentials::new)
    }

    /// The user name and password, or `None` when absent or malformed (which is recorded).
    pub fn basic(&mut self, scheme: &str) -> Option<Basic> {
        let value = self.authorization("basic", scheme)?;
        let decoded = STANDARD
            .decode(value)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        match decoded.as_deref().and_then(|text| text.split_once(':')) {
            Some((username, password)) => Some(Basic::new(username, password)),
            None => {
                self.malformed(scheme);
                None
            }
        }
    }

    /// The API key at `site`, or `None` when absent or malformed (which is recorded).
    pub fn api_key(&mut self, site: Site, scheme: &str) -> Option<ApiKey> {
        let head = self.head;
        let value = match site {
            Site::Authorization => self.header(&header::AUTHORIZATION, scheme)?.to_owned(),
            Site::Header(name) => {
                let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
                self.header(&name, scheme)?.to_owned()
            }
            Site::Query(name) => query_value(&head.uri, name)?,
            Site::Cookie(name) => cookie_value(self.values(&header::COOKIE), name)?,
            // Not a place for a key; generated code never asks.
            Site::Tls => return None,
        };
        if value.is_empty() {
            self.malformed(scheme);
            return None;
        }
        Some(ApiKey::new(value))
    }

    /// The verified client certificate of the connection, or `None` when the client
    /// presented none (or the server does not ask for one: no `tls.client_ca_file`).
    pub fn client_certificate(&mut self) -> Option<ClientCertificate> {
        self.head.extensions.get::<ClientCertificate>().cloned()
    }

    /// The principal from an authentication method, or `None` when it refused (which is
    /// recorded).
    pub fn accepted<P>(&mut self, result: Result<P, HttpError>) -> Option<P> {
        match result {
            Ok(principal) => Some(principal),
            Err(error) => {
                let challenges = if error.status == StatusCode::UNAUTHORIZED {
                    self.all_challenges()
                } else {
                    Vec::new()
                };
                self.fail(AuthError { error, challenges });
                None
            }
        }
    }

    /// The principal from an OAuth 2 or OpenID Connect method, or `None` when it refused
    /// or its token lacks one of `required` (both recorded).
    pub fn scoped<P>(
        &mut self,
        result: Result<Scoped<P>, HttpError>,
        required: &[&str],
    ) -> Option<P> {
        let granted = self.accepted(result)?;
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|scope| !granted.scopes.iter().any(|s| s == scope))
            .collect();
        if missing.is_empty() {
            return Some(granted.principal);
        }
        let realm = self
            .challenges
            .iter()
            .find_map(|c| c.strip_prefix("Bearer "))
            .unwrap_or("");
        self.fail(AuthError {
            error: forbidden(format!(
                "this operation requires the scope{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )),
            challenges: vec![format!(
                "Bearer {realm}{}error=\"insufficient_scope\", scope=\"{}\"",
                if realm.is_empty() { "" } else { ", " },
                required.join(" ")
            )],
        });
        None
    }

    /// No requirement admitted the request and none may be anonymous.
    pub fn finish<P>(self) -> Result<P, AuthError> {
        let challenges = self.all_challenges();
        Err(self.failure.unwrap_or_else(|| AuthError {
            error: unauthenticated("this operation requires authentication"),
            challenges,
        }))
    }

    /// No requirement admitted the request, and it may be anonymous: it is, unless a
    /// credential was presented and failed.
    pub fn finish_anonymous<P>(self) -> Result<Option<P>, AuthError> {
        match self.failure {
            Some(failure) => Err(failure),
            None => Ok(None),
        }
    }

    fn all_challenges(&self) -> Vec<String> {
        owned(self.challenges)
    }

    fn fail(&mut self, failure: AuthError) {
        keep_worst(&mut self.failure, failure);
    }

    fn malformed(&mut self, scheme: &str) {
        keep_worst(&mut self.failure, malformed(self.challenges, scheme));
    }

    /// The credentials of the `Authorization` header when it uses `auth_scheme`.
    fn authorization(&mut self, auth_scheme: &str, scheme: &str) -> Option<&str> {
        let value = self.header(&header::AUTHORIZATION, scheme)?;
        let (name, rest) = value.split_once(' ').unwrap_or((value, ""));
        if !name.eq_ignore_ascii_case(auth_scheme) {
            // Perhaps meant for another requirement's scheme.
            return None;
        }
        Some(rest.trim())
    }

    /// The lines of credential header `name`, in the request's order.
    fn values<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a HeaderValue> + 'a {
        self.lines
            .iter()
            .filter(move |(taken, _)| taken == name)
            .map(|(_, value)| value)
    }

    /// A credential header's only value as text; several values or non-text is
    /// malformed. Borrowed: a credential is copied once, into what the method is handed.
    fn header(&mut self, name: &HeaderName, scheme: &str) -> Option<&str> {
        let mut values = self
            .lines
            .iter()
            .filter(|(taken, _)| taken == name)
            .map(|(_, value)| value);
        let first = values.next()?;
        let several = values.next().is_some();
        match first.to_str() {
            Ok(text) if !several => Some(text.trim()),
            _ => {
                keep_worst(&mut self.failure, malformed(self.challenges, scheme));
                None
            }
        }
    }
}

fn owned(challenges: &[&str]) -> Vec<String> {
    challenges.iter().map(|c| c.to_string()).collect()
}

/// Keeps the most severe failure (the highest status; the first among equals).
fn keep_worst(kept: &mut Option<AuthError>, failure: AuthError) {
    match kept {
        Some(kept) if kept.error.status >= failure.error.status => {}
        _ => *kept = Some(failure),
    }
}

/// The failure of a credential of `scheme` that is there but cannot be read.
fn malformed(challenges: &[&str], scheme: &str) -> AuthError {
    AuthError {
        // Names the scheme, never the credential.
        error: unauthenticated(format!("malformed credentials for `{scheme}`")),
        challenges: owned(challenges),
    }
}

/// The first value of query parameter `name`.
fn query_value(uri: &Uri, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query()?).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `uri` with every value of query parameter `name` replaced by `REDACTED`.
fn redact_query(uri: &Uri, name: &str) -> Uri {
    let Some(query) = uri.query() else {
        return uri.clone();
    };
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            let decoded: Option<Vec<(String, String)>> = serde_urlencoded::from_str(key).ok();
            let matches = decoded
                .and_then(|d| d.into_iter().next())
                .is_some_and(|(k, _)| k == name);
            if matches {
                format!("{key}=REDACTED")
            } else {
                pair.to_string()
            }
        })
        .collect();
    let path_and_query = format!("{}?{}", uri.path(), redacted.join("&"));
    let mut parts = uri.clone().into_parts();
    match path_and_query.parse() {
        Ok(pq) => {
            parts.path_and_query = Some(pq);
            Uri::from_parts(parts).unwrap_or_else(|_| Uri::from_static("/"))
        }
        Err(_) => Uri::from_static("/"),
    }
}

/// The value of cookie `name` in the `Cookie` headers.
fn cookie_value<'a>(lines: impl Iterator<Item = &'a HeaderValue>, name: &str) -> Option<String> {
    lines
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        assert_eq!(format!("{:?}", Bearer::new("s3cret")), "Bearer(<redacted>)");
        assert!(!format!("{:?}", Basic::new("ann", "s3cret")).contains("s3cret"));
        assert!(!format!("{:?}", ApiKey::new("s3cret")).contains("s3cret"));
    }

    #[test]
    fn query_keys_are_redacted_and_others_kept() {
        let uri: Uri = "/things?a=1&api_key=s3cret&b=x%20y&api%5Fkey=again"
            .parse()
            .unwrap();
        let redacted = redact_query(&uri, "api_key").to_string();
        assert_eq!(
            redacted,
            "/things?a=1&api_key=REDACTED&b=x%20y&api%5Fkey=REDACTED"
        );
        assert_eq!(query_value(&uri, "api_key").as_deref(), Some("s3cret"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = http::HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; session=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("other=2"));
        assert_eq!(
            cookie_value(headers.get_all(header::COOKIE).iter(), "session").as_deref(),
            Some("abc")
        );
        assert_eq!(
            cookie_value(headers.get_all(header::COOKIE).iter(), "other").as_deref(),
            Some("2")
        );
        assert_eq!(
            cookie_value(headers.get_all(header::COOKIE).iter(), "missing"),
            None
        );
    }
}
