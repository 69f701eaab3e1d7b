//! Server settings, built in code or read from a TOML file.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::body::DEFAULT_BODY_LIMIT;
use crate::conformance::ResponseChecks;
use crate::observe::Observer;

/// Server settings, in the spirit of Dropshot's `ConfigDropshot`.
///
/// Build it in code from [`Default`] with struct update syntax, or read it from TOML with
/// [`from_toml_file`](Self::from_toml_file). In TOML, durations are strings such as `"30s"`,
/// `"500ms"` or `"2m"`, and `"off"` disables an optional limit; unknown keys are errors.
///
/// ```
/// use std::time::Duration;
/// use specfirst_runtime::ServerConfig;
///
/// let config = ServerConfig {
///     request_timeout: Some(Duration::from_secs(5)),
///     ..ServerConfig::default()
/// };
/// let same = ServerConfig::from_toml_str(r#"request_timeout = "5s""#).unwrap();
/// assert_eq!(config.request_timeout, same.request_timeout);
/// ```
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on. Defaults to `127.0.0.1:8080`.
    pub bind_address: SocketAddr,
    /// Largest request body accepted, in bytes; larger bodies get a 413, counted while the
    /// body streams in. Defaults to 1 MiB.
    pub request_body_max_bytes: usize,
    /// Largest request head (request line plus headers) accepted, in bytes; larger heads get
    /// a 431 and the connection is closed. Defaults to 64 KiB.
    pub request_head_max_bytes: usize,
    /// Most header lines accepted in a request head; more get a 431 and the connection is
    /// closed. Defaults to 100.
    pub request_head_max_headers: usize,
    /// Longest time from the end of the request head to the response head. A request still
    /// sending its body then gets a 408, one whose handler is still running a 503; the
    /// handler is cancelled. `None` (`"off"`) disables it. Defaults to 30 seconds.
    #[serde(deserialize_with = "optional_duration")]
    pub request_timeout: Option<Duration>,
    /// Longest time a client may take to send a request head; a slower connection is closed
    /// without a response. `None` (`"off"`) disables it. Defaults to 10 seconds.
    #[serde(deserialize_with = "optional_duration")]
    pub header_read_timeout: Option<Duration>,
    /// Most requests handled at once; requests beyond it get an immediate 503 rather than
    /// waiting in a queue. `None` (`"off"`) disables it. Defaults to 1024.
    #[serde(deserialize_with = "optional_count")]
    pub max_concurrent_requests: Option<usize>,
    /// Most connections open at once; at the limit, new connections wait in the
    /// listener's queue until one closes, so idle or slow clients cannot make the server
    /// hold unbounded memory or run out of file descriptors. `None` (`"off"`) disables
    /// it. Defaults to 10,000.
    #[serde(deserialize_with = "optional_count")]
    pub max_connections: Option<usize>,
    /// Longest time a graceful shutdown waits for in-flight requests before closing their
    /// connections. `None` (`"off"`) waits for ever. Defaults to 30 seconds.
    #[serde(deserialize_with = "optional_duration")]
    pub shutdown_timeout: Option<Duration>,
    /// Items on a page of a paginated operation when the client gives no `limit`.
    /// Defaults to 100.
    pub page_default_limit: std::num::NonZeroU32,
    /// The most items on a page of a paginated operation; a larger `limit` is capped to
    /// it. Defaults to 10,000.
    pub page_max_limit: std::num::NonZeroU32,
    /// Serve HTTPS with these PEM files instead of plain HTTP. Defaults to `None`.
    pub tls: Option<TlsConfig>,
    /// Compress responses with gzip for clients that accept it (`Accept-Encoding: gzip`;
    /// not bodies under 32 bytes, images or event streams), and read request bodies sent
    /// with `Content-Encoding: gzip`, whose size the body limit counts after
    /// decompression; another encoding gets a 415. Defaults to `false`: bodies go as
    /// they are, and `Content-Encoding` is not looked at.
    pub compression: bool,
    /// A secret, shared by every replica, that page tokens are signed with
    /// (HMAC-SHA-256): a token a client edited, even with its checksum recomputed, is
    /// then refused. At least 32 bytes. Defaults to `None`: tokens carry a checksum,
    /// which catches corrupted and truncated tokens but not deliberate edits.
    pub page_token_key: Option<String>,
    /// Let browser scripts from these origins call the API (CORS); see [`CorsConfig`].
    /// Defaults to `None`: no cross-origin headers, and `OPTIONS` is routed like any
    /// other method.
    pub cors: Option<CorsConfig>,
    /// Whether the responses the implementation gives are checked against the spec, and
    /// what a violation does; see [`ResponseChecks`]. `"off"`, `"report"` or `"strict"`.
    /// Defaults to `"report"` in debug builds and `"off"` in release builds.
    pub response_checks: ResponseChecks,
    /// Told about every response once it is finished; see [`Observer`]. Code only: it cannot
    /// be set from TOML. Defaults to `None`.
    #[serde(skip)]
    pub observer: Option<Arc<dyn Observer>>,
}

/// Certificate and key for serving HTTPS.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file holding the certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// PEM file holding the private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
    /// PEM file of the CAs that client certificates must chain to. When set, clients
    /// are asked for a certificate, and operations secured by a `mutualTLS` scheme see
    /// the verified chain; when unset, no client is asked.
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
    /// Refuse the TLS handshake of clients without a valid certificate, instead of
    /// leaving it to each operation's `mutualTLS` requirement (needs `client_ca_file`).
    #[serde(default)]
    pub require_client_certificate: bool,
}

impl TlsConfig {
    /// Serves HTTPS with the certificate chain and key in these PEM files, asking no
    /// client for a certificate.
    pub fn new(cert_file: impl Into<PathBuf>, key_file: impl Into<PathBuf>) -> Self {
        Self {
            cert_file: cert_file.into(),
            key_file: key_file.into(),
            client_ca_file: None,
            require_client_certificate: false,
        }
    }

    /// Also asks clients for a certificate that chains to a CA in `ca_file`.
    pub fn with_client_ca(mut self, ca_file: impl Into<PathBuf>) -> Self {
        self.client_ca_file = Some(ca_file.into());
        self
    }
}

/// Which browser origins may call the API, for [`ServerConfig::cors`] (`[cors]` in TOML).
///
/// A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) on a path
/// of the API's document is answered `204` before authentication and routing, allowing
/// the methods of that path and the request headers its operations read (header
/// parameters, credential headers, `content-type` for bodies, `x-request-id`). Responses
/// to an allowed origin let scripts read the response headers the path's operations
/// declare, and `x-request-id`. A disallowed origin gets no allow headers.
///
/// ```
/// use specfirst_runtime::{CorsConfig, ServerConfig};
///
/// let config = ServerConfig::from_toml_str(
///     "[cors]\nallowed_origins = [\"https://app.example.com\"]\nmax_age = \"10m\"\n",
/// )
/// .unwrap();
/// let cors = config.cors.unwrap();
/// assert_eq!(cors.allowed_origins, ["https://app.example.com"]);
/// assert_eq!(cors.max_age, Some(std::time::Duration::from_secs(600)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins allowed, as browsers send them in `Origin` (`https://app.example.com`:
    /// scheme, host and port, no path), or `"*"` for any origin.
    pub allowed_origins: Vec<String>,
    /// Let requests carry cookies and `Authorization` across origins
    /// (`Access-Control-Allow-Credentials`); browsers then need the origin listed, so
    /// `"*"` is refused beside it. Defaults to `false`.
    #[serde(default)]
    pub allow_credentials: bool,
    /// How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`),
    /// such as `"10m"`; `"off"` or left out sends none, and browsers use their own
    /// default (5 seconds in Chromium).
    #[serde(default, deserialize_with = "optional_duration")]
    pub max_age: Option<Duration>,
}

impl CorsConfig {
    /// Allows `origins`, without credentials and with no `max_age`.
    pub fn new<I>(origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            allowed_origins: origins.into_iter().map(Into::into).collect(),
            allow_credentials: false,
            max_age: None,
        }
    }

    /// Why these settings cannot be served, if they cannot.
    fn problem(&self) -> Option<&'static str> {
        if self.allow_credentials && self.allowed_origins.iter().any(|origin| origin == "*") {
            return Some(
                "cors: allowed_origins cannot hold \"*\" beside allow_credentials = true \
                 (browsers refuse it); list the origins",
            );
        }
        if self.allowed_origins.is_empty() {
            return Some("cors: allowed_origins is empty; list an origin, or \"*\" for any");
        }
        None
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file that was asked for.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The text is not valid TOML, has an unknown key or a value of the wrong type.
    #[error("invalid config{}: {message}", origin.as_ref().map(|p| format!(" file {}", p.display())).unwrap_or_default())]
    Parse {
        /// The file the text came from, when there was one.
        origin: Option<PathBuf>,
        /// The parser's description, naming the key and position.
        message: String,
    },
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind_address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            request_body_max_bytes: DEFAULT_BODY_LIMIT,
            request_head_max_bytes: 64 * 1024,
            request_head_max_headers: 100,
            request_timeout: Some(Duration::from_secs(30)),
            header_read_timeout: Some(Duration::from_secs(10)),
            max_concurrent_requests: Some(1024),
            max_connections: Some(10_000),
            shutdown_timeout: Some(Duration::from_secs(30)),
            page_default_limit: crate::PageLimits::default().default,
            page_max_limit: crate::PageLimits::default().max,
            tls: None,
            compression: false,
            page_token_key: None,
            cors: None,
            response_checks: ResponseChecks::default(),
            observer: None,
        }
    }
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("bind_address", &self.bind_address)
            .field("request_body_max_bytes", &self.request_body_max_bytes)
            .field("request_head_max_bytes", &self.request_head_max_bytes)
            .field("request_head_max_headers", &self.request_head_max_headers)
            .field("request_timeout", &self.request_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("max_connections", &self.max_connections)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("page_default_limit", &self.page_default_limit)
            .field("page_max_limit", &self.page_max_limit)
            .field("tls", &self.tls)
            .field(
                "page_token_key",
                &self.page_token_key.as_ref().map(|_| "[redacted]"),
            )
            .field("compression", &self.compression)
            .field("cors", &self.cors)
            .field("response_checks", &self.response_checks)
            .field("observer", &self.observer.as_ref().map(|_| "Observer"))
            .finish()
    }
}

impl ServerConfig {
    /// Parses TOML text; keys left out keep their defaults.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        Self::parse(text, None)
    }

    /// Reads and parses a TOML file; keys left out keep their defaults.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, Some(path))
    }

    fn parse(text: &str, origin: Option<&Path>) -> Result<Self, ConfigError> {
        let config: Self =
            toml::from_str(text).map_err(|e: toml::de::Error| ConfigError::Parse {
                origin: origin.map(Path::to_owned),
                // toml's multi-line rendering quotes the offending line; keep it on one line so
                // it reads well in logs.
                message: e.to_string().trim().replace('\n', " "),
            })?;
        match config.problem() {
            None => Ok(config),
            Some(message) => Err(ConfigError::Parse {
                origin: origin.map(Path::to_owned),
                message: message.into(),
            }),
        }
    }

    /// Why these settings cannot be served, if they cannot: what [`serve`](crate::serve)
    /// refuses with an `InvalidInput` error, and reading a file refuses.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self
            .page_token_key
            .as_ref()
            .is_some_and(|key| key.len() < 32)
        {
            return Some("page_token_key: at least 32 bytes, a random secret every replica shares");
        }
        self.cors.as_ref().and_then(CorsConfig::problem)
    }
}

/// A TOML value that is either a setting or the string `"off"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum OrOff<T> {
    Value(T),
    Word(String),
}

fn optional_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration_setting(&text).map_err(de::Error::custom)
}

fn optional_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    match OrOff::<usize>::deserialize(d)? {
        OrOff::Value(n) => Ok(Some(n)),
        OrOff::Word(word) if word == "off" => Ok(None),
        OrOff::Word(word) => Err(de::Error::custom(format!(
            "expected a count or \"off\", found {word:?}"
        ))),
    }
}

/// A duration setting that is neither a number with a unit nor `"off"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {0:?}: expected e.g. \"500ms\", \"30s\", \"2m\" or \"off\"")]
pub struct InvalidDuration(pub String);

/// Parses a duration setting as written in TOML files: `"250ms"`, `"30s"`, `"2m"`, `"1h"`,
/// or `"off"` for `None`. Command-line front ends can use it to accept the same syntax.
pub fn parse_duration_setting(text: &str) -> Result<Option<Duration>, InvalidDuration> {
    if text == "off" {
        return Ok(None);
    }
    parse_duration(text)
        .map(Some)
        .map_err(|_| InvalidDuration(text.to_owned()))
}

/// Parses `"250ms"`, `"30s"`, `"2m"` or `"1h"`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || InvalidDuration(text.to_owned()).to_string();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(invalid)?;
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| invalid())?;
    let millis = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => None,
    }
    .ok_or_else(invalid)?;
    Ok(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration_setting("off"), Ok(None));
        assert_eq!(
            parse_duration_setting("2s"),
            Ok(Some(Duration::from_secs(2)))
        );
        assert!(parse_duration_setting("Off").is_err());
        for bad in ["", "s", "10", "10 s", "-1s", "1.5s", "10d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn client_certificates() {
        let config = ServerConfig::from_toml_str(
            "[tls]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n\
             client_ca_file = \"ca.pem\"\nrequire_client_certificate = true\n",
        )
        .unwrap();
        let mut expected = TlsConfig::new("c.pem", "k.pem").with_client_ca("ca.pem");
        expected.require_client_certificate = true;
        assert_eq!(config.tls, Some(expected));
    }

    #[test]
    fn full_file() {
        let config = ServerConfig::from_toml_str(
            r#"
            bind_address = "0.0.0.0:9000"
            request_body_max_bytes = 10
            request_head_max_bytes = 20000
            request_head_max_headers = 7
            request_timeout = "off"
            header_read_timeout = "1500ms"
            max_concurrent_requests = "off"
            shutdown_timeout = "1m"
            [tls]
            cert_file = "c.pem"
            key_file = "k.pem"
            "#,
        )
        .unwrap();
        assert_eq!(config.bind_address, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.request_body_max_bytes, 10);
        assert_eq!(config.request_head_max_bytes, 20000);
        assert_eq!(config.request_head_max_headers, 7);
        assert_eq!(config.request_timeout, None);
        assert_eq!(
            config.header_read_timeout,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(config.max_concurrent_requests, None);
        assert_eq!(config.shutdown_timeout, Some(Duration::from_secs(60)));
        assert_eq!(config.tls, Some(TlsConfig::new("c.pem", "k.pem")));
    }

    #[test]
    fn defaults_when_empty() {
        let config = ServerConfig::from_toml_str("max_concurrent_requests = 3").unwrap();
        let default = ServerConfig::default();
        assert_eq!(config.max_concurrent_requests, Some(3));
        assert_eq!(config.request_timeout, default.request_timeout);
        assert_eq!(config.request_body_max_bytes, 1_048_576);
    }

    #[test]
    fn errors_name_the_key() {
        let e = ServerConfig::from_toml_str("request_body_max_byte = 1").unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains("unknown field `request_body_max_byte`"),
            "{message}"
        );
        let e = ServerConfig::from_toml_str("[tls]\ncert_file = \"a\"\nkey_file = \"b\"\nca = 1")
            .unwrap_err();
        assert!(e.to_string().contains("unknown field `ca`"), "{e}");
        let e = ServerConfig::from_toml_str("request_timeout = \"soon\"").unwrap_err();
        assert!(e.to_string().contains("invalid duration \"soon\""), "{e}");
        let e = ServerConfig::from_toml_str("max_concurrent_requests = \"many\"").unwrap_err();
        assert!(e.to_string().contains("expected a count or \"off\""), "{e}");
        let e = ServerConfig::from_toml_file("/nonexistent/specfirst.toml").unwrap_err();
        assert!(matches!(e, ConfigError::Read { .. }), "{e}");
    }
}
