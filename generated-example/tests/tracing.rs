//! A request that arrives inside a trace (W3C `traceparent`) is served in a span of that
//! trace: exported through OpenTelemetry (the runtime's `opentelemetry` feature and
//! tracing-opentelemetry, as the README sets them up), the request span has the
//! caller's trace id and the caller's span as its parent.

#[path = "../../tests/fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use generated_example::Bookshelf;
use opentelemetry::trace::{SpanId, TraceId, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use reqwest::StatusCode;
use tracing_subscriber::layer::SubscriberExt as _;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

/// The spans exported so far; the subscriber is installed once for the whole binary.
fn exporter() -> &'static InMemorySpanExporter {
    static EXPORTER: OnceLock<InMemorySpanExporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("tracing-test"));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("the only subscriber of this test binary");
        exporter
    })
}

/// The exported request span of the request with `request_id`, once it has closed.
async fn request_span(request_id: &str) -> SpanData {
    for _ in 0..200 {
        let spans = exporter().get_finished_spans().expect("spans");
        let found = spans.into_iter().find(|span| {
            span.name == "request"
                && span
                    .attributes
                    .iter()
                    .any(|kv| kv.key.as_str() == "request_id" && kv.value.as_str() == request_id)
        });
        if let Some(span) = found {
            return span;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no request span was exported for request {request_id}");
}

async fn get(server: &support::Server, request_id: &str, traceparent: Option<&str>) {
    let mut request = server.get("/books").header("x-request-id", request_id);
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    let response = request.send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_traceparent_is_continued_and_a_bad_one_is_not() {
    exporter();
    let app = generated_example::app(Arc::new(Bookshelf::new()));
    let server = support::start(app).await;

    let traceparent = format!("00-{TRACE_ID}-{PARENT_ID}-01");
    get(&server, "traced", Some(&traceparent)).await;
    let span = request_span("traced").await;
    assert_eq!(
        span.span_context.trace_id(),
        TraceId::from_hex(TRACE_ID).unwrap()
    );
    assert_eq!(span.parent_span_id, SpanId::from_hex(PARENT_ID).unwrap());
    assert!(span.span_context.is_sampled());
    let recorded = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "trace_id")
        .map(|kv| kv.value.as_str().into_owned());
    assert_eq!(recorded.as_deref(), Some(TRACE_ID), "the span's own field");

    // Without one, and with one the recommendation calls invalid, a trace starts here.
    get(&server, "untraced", None).await;
    let zeros = format!("00-{}-{PARENT_ID}-01", "0".repeat(32));
    get(&server, "invalid", Some(&zeros)).await;
    for id in ["untraced", "invalid"] {
        let span = request_span(id).await;
        assert_ne!(
            span.span_context.trace_id(),
            TraceId::from_hex(TRACE_ID).unwrap()
        );
        assert_eq!(span.parent_span_id, SpanId::INVALID, "{id}: a root span");
        assert!(
            !span
                .attributes
                .iter()
                .any(|kv| kv.key.as_str() == "trace_id"),
            "{id}"
        );
    }
    server.stop().await;
}
