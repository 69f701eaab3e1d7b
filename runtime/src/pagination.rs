//! Pagination in Dropshot's shape: `limit` and `page_token` query parameters, typed
//! scan parameters on the first page, and opaque tokens that carry the scan and the
//! position to resume from on every later page.
//!
//! A token is URL-safe base64 of a small JSON envelope (version, operation, scan,
//! marker) followed by a checksum, or, when the server has a key
//! (`ServerConfig::page_token_key`), a signature. The checksum (CRC-32, 4 bytes)
//! catches corrupted and truncated tokens, but anyone can recompute it for an edited
//! one, as they could a hash: it is a CRC, which costs a fraction of a SHA-256 per page; the signature (16 bytes of HMAC-SHA-256 under the key) cannot be made without
//! the key. Either way a token is no secret, and markers are decoded as the untrusted
//! input they are.

use std::num::NonZeroU32;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

use crate::params::{Param, Scalar, Shape};
use crate::request::RawRequest;
use crate::request_id;
use crate::HttpError;

/// The version written into every token; a token of another version is refused.
/// 2 since the checksum became a CRC-32 (version 1's was 8 bytes of SHA-256).
const TOKEN_VERSION: u8 = 2;
/// Tokens longer than this are refused before decoding, so a client cannot make the
/// server decode megabytes of base64.
pub const MAX_TOKEN_LEN: usize = 4096;
const CHECKSUM_LEN: usize = 4;
/// Bytes of HMAC-SHA-256 a signed token carries.
const SIGNATURE_LEN: usize = 16;

/// The key page tokens are signed with, from `ServerConfig::page_token_key`.
#[derive(Clone)]
pub(crate) struct PageTokenKey(std::sync::Arc<[u8]>);

impl PageTokenKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        Self(key.into())
    }
}

/// The trailer of `payload`: its signature under the current request's key, or its
/// checksum when there is none.
fn trailer(payload: &[u8]) -> Vec<u8> {
    let key = request_id::page_key();
    match key {
        Some(PageTokenKey(key)) => {
            use hmac::Mac as _;
            // HMAC takes a key of any length.
            let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(&key) else {
                return Vec::new();
            };
            mac.update(payload);
            mac.finalize().into_bytes()[..SIGNATURE_LEN].to_vec()
        }
        None => crc32fast::hash(payload).to_be_bytes().to_vec(),
    }
}

const LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));
const PAGE_TOKEN: Param = Param::query("page_token", Shape::Scalar(Scalar::String));

/// How many items a page holds: the default when the client gives no `limit`, and the
/// most any page holds whatever the client asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimits {
    /// Items per page when the request has no `limit`.
    pub default: NonZeroU32,
    /// The cap on `limit`; larger requests get this many.
    pub max: NonZeroU32,
}

impl Default for PageLimits {
    /// 100 items by default and at most 10,000, as in Dropshot.
    fn default() -> Self {
        Self {
            default: NonZeroU32::new(100).unwrap_or(NonZeroU32::MIN),
            max: NonZeroU32::new(10_000).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// Which page a paginated operation is asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum WhichPage<S, M> {
    /// The first page of a scan, with the scan parameters from the query string.
    First(S),
    /// A later page: the scan parameters of the first page, and the marker the
    /// implementation put into the previous page's token.
    Next {
        /// The scan parameters, as they were on the first page.
        scan: S,
        /// Where the previous page ended.
        marker: M,
    },
}

impl<S, M> WhichPage<S, M> {
    /// The scan parameters, whichever page this is.
    pub fn scan(&self) -> &S {
        match self {
            Self::First(scan) | Self::Next { scan, .. } => scan,
        }
    }

    /// The marker of a later page; `None` on the first page.
    pub fn marker(&self) -> Option<&M> {
        match self {
            Self::First(_) => None,
            Self::Next { marker, .. } => Some(marker),
        }
    }
}

/// One page of results: the items and, when there may be more, the token for the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultsPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token to pass as `page_token` for the next page; `None` at the end.
    pub next_page: Option<String>,
}

impl<T> ResultsPage<T> {
    /// A page of `items` for a request of `limit` items. A full page gets a token for
    /// the page after its last item, built from that item's marker; a short page is
    /// the last one.
    pub fn new<S: Serialize, M: Serialize>(
        items: Vec<T>,
        limit: NonZeroU32,
        operation_id: &str,
        scan: &S,
        marker: impl FnOnce(&T) -> M,
    ) -> Self {
        let full = u32::try_from(items.len()).map_or(true, |n| n >= limit.get());
        let next_page = match items.last() {
            Some(last) if full => Some(encode_token(operation_id, scan, &marker(last))),
            _ => None,
        };
        Self { items, next_page }
    }
}

/// One page of an operation paged by next links (Azure's `x-ms-pageable`): the items
/// and the URL of the next page, which the implementation builds as it sees fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page is; `None` at the end.
    pub next_link: Option<String>,
}

impl<T> LinkPage<T> {
    /// A page of `items` whose next page is at `next_link`.
    pub fn new(items: Vec<T>, next_link: Option<String>) -> Self {
        Self { items, next_link }
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    v: u8,
    #[serde(borrow)]
    op: std::borrow::Cow<'a, str>,
    scan: Value,
    marker: Value,
}

/// The token that resumes `operation_id`'s scan `scan` after `marker`.
pub fn encode_token<S: Serialize, M: Serialize>(
    operation_id: &str,
    scan: &S,
    marker: &M,
) -> String {
    // Scan parameters and markers are generated types and the implementation's own
    // types; one that does not serialize is a bug, and an empty token ends the scan
    // rather than panicking.
    let envelope = match (serde_json::to_value(scan), serde_json::to_value(marker)) {
        (Ok(scan), Ok(marker)) => Envelope {
            v: TOKEN_VERSION,
            op: operation_id.into(),
            scan,
            marker,
        },
        _ => return String::new(),
    };
    let Ok(bytes) = serde_json::to_vec(&envelope) else {
        return String::new();
    };
    seal(&bytes)
}

/// `payload` with its checksum or signature, as the text of a token.
pub(crate) fn seal(payload: &[u8]) -> String {
    let mut bytes = payload.to_vec();
    bytes.extend_from_slice(&trailer(payload));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A decoded `page_token`.
#[derive(Debug)]
pub struct PageToken<M> {
    scan: Value,
    /// Where the previous page ended.
    pub marker: M,
}

impl<M> PageToken<M> {
    /// The scan parameters the token carries, as the operation's scan type.
    pub fn scan<S: DeserializeOwned>(&self) -> Result<S, HttpError> {
        S::deserialize(&self.scan)
            .map_err(|e| invalid_token(format!("its scan parameters do not fit: {e}")))
    }

    /// Refuses a scan parameter given in the query that differs from the one the token
    /// carries: a scan's order and filters are fixed by its first page.
    pub fn check_unchanged<Q: Serialize>(
        &self,
        name: &str,
        given: &Option<Q>,
    ) -> Result<(), HttpError> {
        let Some(given) = given else { return Ok(()) };
        let given = serde_json::to_value(given).unwrap_or(Value::Null);
        let in_token = self.scan.get(name).unwrap_or(&Value::Null);
        if &given == in_token {
            Ok(())
        } else {
            Err(HttpError::bad_request(
                "InvalidPageToken",
                format!(
                    "query parameter \"{name}\" differs from the scan the page token continues; \
                     scan parameters cannot change during a scan: start again without page_token"
                ),
            ))
        }
    }
}

fn invalid_token(reason: impl std::fmt::Display) -> HttpError {
    HttpError::bad_request("InvalidPageToken", format!("invalid page_token: {reason}"))
}

/// Decodes `page_token` for `operation_id`.
pub fn decode_token<M: DeserializeOwned>(
    operation_id: &str,
    token: &str,
) -> Result<PageToken<M>, HttpError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid_token(format!(
            "longer than {MAX_TOKEN_LEN} characters"
        )));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| invalid_token("not a token this server issued"))?;
    let signed = request_id::signs_page_tokens();
    let trailer_len = if signed { SIGNATURE_LEN } else { CHECKSUM_LEN };
    if bytes.len() <= trailer_len {
        return Err(invalid_token("truncated"));
    }
    let (payload, found) = bytes.split_at(bytes.len() - trailer_len);
    // Compared in constant time: how much of a signature matched must not show.
    let expected = trailer(payload);
    let differs = expected.len() != found.len()
        || expected
            .iter()
            .zip(found)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            != 0;
    if differs {
        return Err(invalid_token(if signed {
            "not signed by this server, or edited"
        } else {
            "corrupted or truncated"
        }));
    }
    let envelope: Envelope<'_> = serde_json::from_slice(payload)
        .map_err(|_| invalid_token("not a token this server issued"))?;
    if envelope.v != TOKEN_VERSION {
        return Err(invalid_token(format!(
            "version {} is not supported",
            envelope.v
        )));
    }
    if envelope.op != operation_id {
        return Err(invalid_token(format!(
            "it belongs to operation \"{}\", not \"{operation_id}\"",
            envelope.op
        )));
    }
    let marker = M::deserialize(&envelope.marker)
        .map_err(|e| invalid_token(format!("its marker does not fit: {e}")))?;
    Ok(PageToken {
        scan: envelope.scan,
        marker,
    })
}

/// A page's next token or link as its page type's field holds it: an `Option`, or a
/// [`Nullable`](crate::Nullable) when the spec makes the field optional and nullable,
/// left out of the last page either way.
pub fn next_field<T: NextField>(next: Option<String>) -> T {
    T::from_next(next)
}

/// The types a page's next-token field can have.
pub trait NextField {
    /// The field holding `next`, or saying there is no next page.
    fn from_next(next: Option<String>) -> Self;
}

impl NextField for Option<String> {
    fn from_next(next: Option<String>) -> Self {
        next
    }
}

impl NextField for crate::Nullable<String> {
    fn from_next(next: Option<String>) -> Self {
        crate::Nullable::absent_if_none(next)
    }
}

/// A page's items as its page type's field holds them: the list itself when the spec
/// requires the property, an `Option` of it (always `Some`) when it does not.
pub fn items_field<T: ItemsField<I>, I>(items: Vec<I>) -> T {
    T::from_items(items)
}

/// The types a page's items field can have.
pub trait ItemsField<I> {
    /// The field holding `items`.
    fn from_items(items: Vec<I>) -> Self;
}

impl<I> ItemsField<I> for Vec<I> {
    fn from_items(items: Vec<I>) -> Self {
        items
    }
}

impl<I> ItemsField<I> for Option<Vec<I>> {
    fn from_items(items: Vec<I>) -> Self {
        Some(items)
    }
}

/// `limit` and `page_token` of a paginated request: the effective limit (the default
/// when absent, capped by the server's [`PageLimits`]) and the decoded token, if any.
pub fn page_start<M: DeserializeOwned>(
    input: &RawRequest,
    operation_id: &str,
) -> Result<(NonZeroU32, Option<PageToken<M>>), HttpError> {
    let limits = input.page_limits();
    // `limit` is a uint32 in Dropshot's shape: larger values are refused, not capped.
    let limit = match input.optional::<u32>(&LIMIT)?.map(NonZeroU32::new) {
        None => limits.default,
        Some(None) => {
            return Err(HttpError::bad_request(
                "InvalidParameter",
                "invalid value for query parameter \"limit\": must be at least 1",
            ))
        }
        Some(Some(n)) => n.min(limits.max),
    };
    let token = match input.optional::<String>(&PAGE_TOKEN)? {
        None => None,
        // An empty token is what some clients send for "no token".
        Some(token) if token.is_empty() => None,
        Some(token) => Some(decode_token(operation_id, &token)?),
    };
    Ok((limit, token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let token = encode_token(
            "listBooks",
            &json!({"sort_by": "title_ascending"}),
            &json!({"title": "Dune"}),
        );
        let decoded: PageToken<Value> = decode_token("listBooks", &token).expect("valid");
        assert_eq!(decoded.marker, json!({"title": "Dune"}));
        assert_eq!(
            decoded.scan::<Value>().expect("scan"),
            json!({"sort_by": "title_ascending"})
        );

        let message = |result: Result<PageToken<Value>, HttpError>| {
            result.expect_err("refused").external_message
        };
        assert!(message(decode_token("listAuthors", &token))
            .contains("belongs to operation \"listBooks\""));
        assert!(
            message(decode_token("listBooks", &token[..token.len() - 3]))
                .contains("invalid page_token")
        );
        let mut edited = token.clone().into_bytes();
        edited[5] = if edited[5] == b'A' { b'B' } else { b'A' };
        let edited = String::from_utf8(edited).expect("ascii");
        assert!(message(decode_token("listBooks", &edited)).contains("corrupted"));
        assert!(message(decode_token("listBooks", "!!!")).contains("not a token"));
        assert!(
            message(decode_token("listBooks", &"A".repeat(MAX_TOKEN_LEN + 1)))
                .contains("longer than")
        );
    }

    #[test]
    fn full_pages_get_a_token_short_pages_do_not() {
        let limit = NonZeroU32::new(2).expect("nonzero");
        let page = ResultsPage::new(vec![1, 2], limit, "op", &json!({}), |last| *last);
        let token = page.next_page.expect("a full page continues");
        assert_eq!(decode_token::<i32>("op", &token).expect("valid").marker, 2);
        assert_eq!(
            ResultsPage::new(vec![1], limit, "op", &json!({}), |last| *last).next_page,
            None
        );
        assert_eq!(
            ResultsPage::<i32>::new(vec![], limit, "op", &json!({}), |last| *last).next_page,
            None
        );
    }

    #[test]
    fn a_changed_scan_parameter_is_refused() {
        let token = encode_token("op", &json!({"sort_by": "id_ascending"}), &1);
        let decoded: PageToken<i32> = decode_token("op", &token).expect("valid");
        assert!(decoded
            .check_unchanged("sort_by", &Some("id_ascending"))
            .is_ok());
        assert!(decoded.check_unchanged::<String>("sort_by", &None).is_ok());
        let error = decoded
            .check_unchanged("sort_by", &Some("id_descending"))
            .expect_err("changed");
        assert_eq!(error.error_code.as_deref(), Some("InvalidPageToken"));
    }
}
