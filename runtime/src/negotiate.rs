//! Reading a request's `Accept` header: whether the operation can answer at all (406
//! otherwise), and which of a response's media types the client prefers.

use http::{header, HeaderMap, StatusCode};

use crate::HttpError;

/// The media types a route's operation may answer with, beyond `application/json`, which
/// every operation may use for errors. Generated routers attach it to the routes of
/// operations that declare other media types; routes without it produce JSON only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Produces(pub &'static [&'static str]);

/// Rejects a request whose `Accept` header rules out JSON and every type in `produces`.
///
/// Only a header that is present and parses cleanly can rule them out: a client that sends
/// garbage is more likely to cope with JSON than with a 406. Of the ranges that match a
/// type, the most specific one decides, so `*/*, application/json;q=0` is a refusal.
pub(crate) fn check_acceptable(headers: &HeaderMap, produces: &[&str]) -> Result<(), HttpError> {
    // What nearly every client sends (curl, browsers' fetch, HTTP libraries), answered
    // without parsing: both admit JSON, which every operation can answer.
    // No `Accept` (load generators, many scripts) admits anything.
    let mut values = headers.get_all(header::ACCEPT).iter();
    match (values.next(), values.next()) {
        (None, _) => return Ok(()),
        (Some(value), None) if matches!(value.as_bytes(), b"*/*" | b"application/json") => {
            return Ok(())
        }
        _ => {}
    }
    let Some(ranges) = accept_ranges(headers) else {
        return Ok(());
    };
    let acceptable = std::iter::once("application/json")
        .chain(produces.iter().copied())
        .any(|offered| quality(&ranges, offered) > 0.0);
    if acceptable {
        return Ok(());
    }
    let offered = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let mut producible = vec!["application/json"];
    producible.extend(produces.iter().filter(|p| **p != "application/json"));
    Err(HttpError::for_status(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "cannot respond with any media type in Accept \"{offered}\"; this operation produces {}",
            producible.join(", ")
        ),
    )
    .with_error_code("NotAcceptable"))
}

/// Rejects a request whose `Accept` header rules out `application/json`.
#[cfg(test)]
pub(crate) fn check_accepts_json(headers: &HeaderMap) -> Result<(), HttpError> {
    check_acceptable(headers, &[])
}

/// Which of `offered` the request's `Accept` header prefers: the highest quality, the
/// earliest offered on a tie. Without a usable header the first is preferred; `None` when
/// the header rules every one out.
pub(crate) fn preferred(headers: &HeaderMap, offered: &[&str]) -> Option<usize> {
    let Some(ranges) = accept_ranges(headers) else {
        return (!offered.is_empty()).then_some(0);
    };
    let mut best: Option<(usize, f32)> = None;
    for (index, media_type) in offered.iter().enumerate() {
        let q = quality(&ranges, media_type);
        if q > 0.0 && best.map_or(true, |(_, best_q)| q > best_q) {
            best = Some((index, q));
        }
    }
    best.map(|(index, _)| index)
}

/// One media range of an `Accept` header: type, subtype (both lowercased) and quality.
type Range = (String, String, f32);

/// The ranges of every `Accept` line; `None` when the header is absent, empty or does not
/// parse.
fn accept_ranges(headers: &HeaderMap) -> Option<Vec<Range>> {
    let mut ranges = Vec::new();
    for value in headers.get_all(header::ACCEPT) {
        let text = value.to_str().ok()?;
        for range in text.split(',') {
            let range = range.trim();
            if range.is_empty() {
                continue;
            }
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let (ty, sub) = media.split_once('/')?;
            if !is_token(ty) || !is_token(sub) || (ty == "*" && sub != "*") {
                return None;
            }
            let mut q = 1.0;
            for param in parts {
                let (name, value) = param.split_once('=')?;
                if name.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse().ok()?;
                    if !(0.0..=1.0).contains(&q) {
                        return None;
                    }
                }
            }
            ranges.push((ty.to_string(), sub.to_string(), q));
        }
    }
    (!ranges.is_empty()).then_some(ranges)
}

/// The quality the most specific range matching `offered` gives it; 0 when none matches.
/// An offered wildcard (`image/*`) matches any range inside it.
fn quality(ranges: &[Range], offered: &str) -> f32 {
    let offered = offered
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (oty, osub) = offered.split_once('/').unwrap_or((offered.as_str(), ""));
    let mut best: Option<(u8, f32)> = None;
    for (ty, sub, q) in ranges {
        let fits = |range: &str, own: &str| range == "*" || own == "*" || range == own;
        if !fits(ty, oty) || !fits(sub, osub) {
            continue;
        }
        let specificity = u8::from(ty != "*") + u8::from(sub != "*");
        if best.map_or(true, |(s, _)| specificity > s) {
            best = Some((specificity, *q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
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

    fn with_accept(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn preferences() {
        let offered = ["application/json", "text/plain", "image/*"];
        assert_eq!(preferred(&with_accept(&[]), &offered), Some(0));
        assert_eq!(preferred(&with_accept(&["nonsense"]), &offered), Some(0));
        assert_eq!(preferred(&with_accept(&["text/plain"]), &offered), Some(1));
        assert_eq!(
            preferred(&with_accept(&["application/json;q=0.5, text/*"]), &offered),
            Some(1)
        );
        assert_eq!(preferred(&with_accept(&["image/png"]), &offered), Some(2));
        assert_eq!(preferred(&with_accept(&["*/*"]), &offered), Some(0));
        assert_eq!(
            preferred(&with_accept(&["application/xml"]), &offered),
            None
        );
        // Other types: JSON is always acceptable as the error format, so only a client
        // refusing JSON and every declared type is refused.
        let text = with_accept(&["text/plain"]);
        assert!(check_acceptable(&text, &["text/plain"]).is_ok());
        assert!(check_acceptable(&text, &[]).is_err());
        let e = check_acceptable(&with_accept(&["application/xml"]), &["text/plain"]).unwrap_err();
        assert_eq!(
            e.external_message,
            "cannot respond with any media type in Accept \"application/xml\"; this operation \
             produces application/json, text/plain"
        );
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
