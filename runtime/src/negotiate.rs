//! Deciding whether a request's `Accept` header allows a JSON response.

use http::{header, HeaderMap, StatusCode};

use crate::HttpError;

/// Rejects a request whose `Accept` header rules out `application/json`.
///
/// Only a header that is present and parses cleanly can rule it out: a client that sends
/// garbage is more likely to cope with JSON than with a 406. Of the ranges that match
/// `application/json`, the most specific one decides, so `*/*, application/json;q=0` is a
/// refusal.
pub(crate) fn check_accepts_json(headers: &HeaderMap) -> Result<(), HttpError> {
    if headers.get(header::ACCEPT).is_none() || accepts_json(headers).unwrap_or(true) {
        return Ok(());
    }
    let offered = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    Err(HttpError::for_status(
        StatusCode::NOT_ACCEPTABLE,
        format!("cannot respond with any media type in Accept \"{offered}\"; this operation produces application/json"),
    )
    .with_error_code("NotAcceptable"))
}

/// `Some(true)` when JSON is acceptable, `Some(false)` when ruled out, `None` when the
/// header is empty or does not parse.
fn accepts_json(headers: &HeaderMap) -> Option<bool> {
    // (specificity, quality) of the most specific range matching application/json.
    let mut best: Option<(u8, bool)> = None;
    let mut ranges = 0;
    for value in headers.get_all(header::ACCEPT) {
        let text = value.to_str().ok()?;
        for range in text.split(',') {
            let range = range.trim();
            if range.is_empty() {
                continue;
            }
            ranges += 1;
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let (ty, sub) = media.split_once('/')?;
            if !is_token(ty) || !is_token(sub) || (ty == "*" && sub != "*") {
                return None;
            }
            let mut acceptable = true;
            for param in parts {
                let (name, value) = param.split_once('=')?;
                if name.trim().eq_ignore_ascii_case("q") {
                    let q: f32 = value.trim().parse().ok()?;
                    if !(0.0..=1.0).contains(&q) {
                        return None;
                    }
                    acceptable = q > 0.0;
                }
            }
            let specificity = match (ty, sub) {
                ("application", "json") => 2,
                ("application", "*") => 1,
                ("*", "*") => 0,
                _ => continue,
            };
            if best.map_or(true, |(s, _)| specificity > s) {
                best = Some((specificity, acceptable));
            }
        }
    }
    if ranges == 0 {
        return None;
    }
    Some(best.is_some_and(|(_, acceptable)| acceptable))
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn check(values: &[&[u8]]) -> bool {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT, HeaderValue::from_bytes(value).unwrap());
        }
        check_accepts_json(&headers).is_ok()
    }

    #[test]
    fn acceptable() {
        assert!(check(&[]));
        for ok in [
            &b"application/json"[..],
            b"*/*",
            b"application/*",
            b"Application/JSON; charset=utf-8",
            b"text/html, application/json;q=0.1",
            b"text/html, */*;q=0.8",
            b"",
            b" , ",
            // Unparseable headers are given the benefit of the doubt.
            b"nonsense",
            b"text/html;q=abc",
            b"caf\xc3\xa9/x",
            b"*/json",
        ] {
            assert!(check(&[ok]), "{:?}", String::from_utf8_lossy(ok));
        }
        assert!(check(&[b"text/html", b"application/json"]));
    }

    #[test]
    fn refused() {
        for bad in [
            &b"text/html"[..],
            b"text/*",
            b"application/xml, text/plain",
            b"application/json;q=0",
            b"*/*, application/json;q=0",
            b"application/*;q=0, */*",
        ] {
            assert!(!check(&[bad]), "{:?}", String::from_utf8_lossy(bad));
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/html"));
        let e = check_accepts_json(&headers).unwrap_err();
        assert_eq!(e.status, StatusCode::NOT_ACCEPTABLE);
        assert_eq!(e.error_code.as_deref(), Some("NotAcceptable"));
    }
}
