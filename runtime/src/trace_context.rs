//! The request span, and the W3C Trace Context (`traceparent`) a caller sends, which it
//! continues.
//!
//! Behind a gateway or another service, a request arrives inside a trace. Its span
//! records the caller's trace id (`trace_id`), so logs of every replica and service join
//! up; with the `opentelemetry` feature, the span's OpenTelemetry parent is the caller's
//! span, so a collector shows one trace.

use http::HeaderMap;

/// The header a caller's trace arrives in.
pub(crate) const TRACEPARENT: &str = "traceparent";

/// The vendors' part of the trace, passed along beside `traceparent`.
#[cfg(feature = "opentelemetry")]
const TRACESTATE: &str = "tracestate";

/// The span a request is served in: its method, id and, when the caller sent one, the
/// trace it continues. The server opens it before the request is routed, or the router's
/// middleware when the router is served by something else; that middleware records the
/// route's template (`path`) once one has matched ([`record_path`]).
pub(crate) fn request_span(
    method: &http::Method,
    request_id: &str,
    headers: &HeaderMap,
) -> tracing::Span {
    // Field values are only formatted when a subscriber enables the span.
    let span = tracing::info_span!(
        "request",
        method = %method,
        path = tracing::field::Empty,
        request_id = %request_id,
        operation_id = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    // Without a subscriber for the span and without OpenTelemetry, no one would see the
    // caller's trace: its header is not even looked up.
    if span.is_disabled() && !cfg!(feature = "opentelemetry") {
        return span;
    }
    if let Some(parent) = from_headers(headers) {
        if !span.is_disabled() {
            span.record("trace_id", parent.trace_id_hex());
        }
        #[cfg(feature = "opentelemetry")]
        continue_trace(&span, &parent, headers);
    }
    span
}

/// Records on `span` the route template that matched, or `<unmatched>`.
pub(crate) fn record_path(span: &tracing::Span, path_template: Option<&str>) {
    span.record("path", path_template.unwrap_or("<unmatched>"));
}

/// A valid `traceparent`: the caller's trace, its span, and its flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TraceParent {
    /// The trace the request belongs to.
    pub(crate) trace_id: [u8; 16],
    /// The caller's span, the request span's parent.
    pub(crate) parent_id: [u8; 8],
    /// `sampled` and the flags later versions add.
    pub(crate) flags: u8,
}

impl TraceParent {
    /// The trace id as `traceparent` spells it: 32 lowercase hex digits.
    pub(crate) fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }
}

/// The request's `traceparent`, when it has exactly one and it is valid. Anything else
/// starts a new trace, as the recommendation says.
pub(crate) fn from_headers(headers: &HeaderMap) -> Option<TraceParent> {
    let mut values = headers.get_all(TRACEPARENT).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse(value.to_str().ok()?)
}

/// `text` read as a `traceparent` header value (version 00, or a later version read as
/// version 00 reads it).
fn parse(text: &str) -> Option<TraceParent> {
    let text = text.trim_matches([' ', '\t']);
    let bytes = text.as_bytes();
    if bytes.len() < 55 {
        return None;
    }
    let version = decode::<1>(&text[..2])?[0];
    // `ff` is never a version; version 00 has nothing after the flags, and a later
    // version's extra fields follow a dash.
    match version {
        0xff => return None,
        0x00 if bytes.len() != 55 => return None,
        _ if bytes.len() > 55 && bytes[55] != b'-' => return None,
        _ => {}
    }
    if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
        return None;
    }
    let trace_id = decode::<16>(&text[3..35])?;
    let parent_id = decode::<8>(&text[36..52])?;
    let flags = decode::<1>(&text[53..55])?[0];
    if trace_id == [0; 16] || parent_id == [0; 8] {
        return None;
    }
    Some(TraceParent {
        trace_id,
        parent_id,
        flags,
    })
}

/// `N` bytes from `2 * N` lowercase hex digits.
fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
        *byte = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// Makes `span`'s OpenTelemetry parent the caller's span, with the caller's
/// `tracestate`, so the exported span belongs to the caller's trace.
#[cfg(feature = "opentelemetry")]
pub(crate) fn continue_trace(span: &tracing::Span, parent: &TraceParent, headers: &HeaderMap) {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    let state = headers
        .get(TRACESTATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<TraceState>().ok())
        .unwrap_or_default();
    let remote = SpanContext::new(
        TraceId::from_bytes(parent.trace_id),
        SpanId::from_bytes(parent.parent_id),
        TraceFlags::new(parent.flags),
        true,
        state,
    );
    let context = opentelemetry::Context::new().with_remote_span_context(remote);
    // Only fails when no OpenTelemetry layer is installed, which leaves nothing to
    // continue.
    let _ = span.set_parent(context);
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn the_recommendations_example_is_read() {
        let parent = parse(EXAMPLE).unwrap();
        assert_eq!(parent.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(
            parent.parent_id,
            [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]
        );
        assert_eq!(parent.flags, 1);
    }

    #[test]
    fn a_later_version_is_read_as_version_00() {
        let later = format!("cc{}-extra", &EXAMPLE[2..]);
        assert_eq!(parse(&later), parse(EXAMPLE));
        assert_eq!(parse(&format!("cc{}", &EXAMPLE[2..])), parse(EXAMPLE));
    }

    #[test]
    fn invalid_values_start_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn two_headers_are_none() {
        let mut headers = HeaderMap::new();
        headers.append(TRACEPARENT, EXAMPLE.parse().unwrap());
        assert!(from_headers(&headers).is_some());
        headers.append(TRACEPARENT, EXAMPLE.parse().unwrap());
        assert_eq!(from_headers(&headers), None);
    }
}
