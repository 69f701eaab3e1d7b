//! Running a finished router: the accept loop, TLS, connection limits, per-request timeout,
//! concurrency limit, observation and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use http_body::Body as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;
use tower::{Service, ServiceExt};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tracing::Instrument;

use crate::auth::ClientCertificate;
use crate::body::BodyLimit;
use crate::config::{ServerConfig, TlsConfig};
use crate::conformance::ResponseChecks;
use crate::connections::Connections;
use crate::cors::Cors;
use crate::head_errors::{HeadLimits, InFlight, InFlightCounter, RewriteHeadErrors};
use crate::observe::{Admission, ObservedBody, Pending, Routed, TrackedBody};
use crate::pagination::{PageLimits, PageTokenKey};
use crate::request_id::{self, RequestId};
use crate::trace_context;
use crate::{tls, HttpError};

/// Binds `config.bind_address` and serves `router` until Ctrl-C (`SIGINT`) or `SIGTERM`,
/// then stops accepting and finishes in-flight requests (up to
/// `config.shutdown_timeout`) before returning.
///
/// When the application has installed no `tracing` subscriber, this installs one that
/// writes to stderr at `info`, filtered by `RUST_LOG` (`target=level` directives), and
/// says so: a first run shows where it listens and every failed request.
pub async fn serve(config: ServerConfig, router: Router) -> io::Result<()> {
    if crate::logs::install_default() {
        tracing::info!(
            "no tracing subscriber was installed, so specfirst-runtime logs to stderr: \
             RUST_LOG=debug shows more, RUST_LOG=off nothing, and installing your own \
             subscriber before `serve` replaces this one"
        );
    }
    let listener = TcpListener::bind(config.bind_address).await?;
    // The handler is in place before `listening on` is logged, so an interrupt sent as
    // soon as that line shows shuts the server down gracefully rather than killing it.
    let interrupted = interrupt();
    serve_with_listener(listener, config, router, async {
        if let Err(e) = interrupted.await {
            // Without a signal handler the server can only be stopped by killing it; keep
            // serving rather than shutting down at once.
            tracing::warn!(
                error = %e,
                "cannot listen for SIGINT or SIGTERM; graceful shutdown disabled"
            );
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// Completes at the first ctrl-c (`SIGINT`) or `SIGTERM` (what Kubernetes, systemd and
/// Docker send to stop a service), with both handlers installed already.
#[cfg(unix)]
fn interrupt() -> impl Future<Output = io::Result<()>> + Send + 'static {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        let (mut interrupt, mut terminate) = (interrupt?, terminate?);
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!(signal = name, "asked to stop");
        Ok(())
    }
}

/// Completes at the first ctrl-c; the handler is installed when it is first polled.
#[cfg(not(unix))]
fn interrupt() -> impl Future<Output = io::Result<()>> + Send + 'static {
    tokio::signal::ctrl_c()
}

/// Serves `router` on an already bound listener until `shutdown` completes, then finishes
/// in-flight requests (up to `config.shutdown_timeout`) before returning.
/// `config.bind_address` is ignored.
///
/// Fails at once when the TLS files in `config.tls` cannot be loaded, or when
/// `config.cors` cannot be served (`"*"` beside credentials, or no origin).
pub async fn serve_with_listener(
    listener: TcpListener,
    config: ServerConfig,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    if let Some(problem) = config.problem() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, problem));
    }
    let tls = config.tls.as_ref().map(TlsConfig::acceptor).transpose()?;
    let address = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%address, tls = tls.is_some(), "listening on {scheme}://{address}");
    let app = app(router, &config);
    // Told when shutdown begins, so that event streams end instead of holding it up.
    let (drain, draining) = watch::channel(false);
    let serving = Arc::new(Serving::new(&config, draining));
    let http = http1_builder(&config);
    let head_limits = HeadLimits {
        max_bytes: config.request_head_max_bytes,
        max_headers: config.request_head_max_headers,
    };

    let graceful = Connections::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let connections = config
        .max_connections
        .map(|limit| Arc::new(Semaphore::new(limit.max(1))));
    loop {
        // At the connection limit, wait for a connection to close before accepting:
        // new ones queue in the listener's backlog meanwhile.
        let permit = match &connections {
            None => None,
            Some(connections) => tokio::select! {
                permit = connections.clone().acquire_owned() => permit.ok(),
                () = shutdown.as_mut() => break,
            },
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Running out of file descriptors or a connection reset before accept are
                    // per-connection problems; back off briefly instead of spinning or exiting.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.as_mut() => break,
        };
        // Responses are small writes; waiting for more data to coalesce only adds latency.
        let _ = stream.set_nodelay(true);
        let in_flight = InFlightCounter::default();
        // One service per connection: every request carries the connection's in-flight
        // counter and, over TLS, the client certificate the handshake verified.
        let service = {
            let app = app.clone();
            let serving = serving.clone();
            let in_flight = in_flight.clone();
            move |certificate: Option<ClientCertificate>| {
                hyper::service::service_fn(move |request: http::Request<Incoming>| {
                    let mut request = request.map(Body::new);
                    if let Some(certificate) = &certificate {
                        request.extensions_mut().insert(certificate.clone());
                    }
                    serve_request(serving.clone(), app.clone(), request, in_flight.enter())
                })
            }
        };
        let http = http.clone();
        match &tls {
            None => {
                let stream = RewriteHeadErrors::new(stream, in_flight, head_limits);
                let connection = http
                    .serve_connection(TokioIo::new(stream), service(None))
                    .with_upgrades();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    if let Err(e) = watcher.watch(connection).await {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                    drop(permit);
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let handshake_timeout = config.header_read_timeout;
                // Counted from the accept, so shutdown waits for the handshake too.
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let handshake = acceptor.accept(stream);
                    let stream = match handshake_timeout {
                        Some(limit) => match tokio::time::timeout(limit, handshake).await {
                            Ok(result) => result,
                            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
                        },
                        None => handshake.await,
                    };
                    match stream {
                        Ok(stream) => {
                            let certificate =
                                stream.get_ref().1.peer_certificates().and_then(|chain| {
                                    ClientCertificate::new(
                                        chain.iter().map(|c| c.as_ref().to_vec()).collect(),
                                    )
                                });
                            let stream = RewriteHeadErrors::new(stream, in_flight, head_limits);
                            let connection = http
                                .serve_connection(TokioIo::new(stream), service(certificate))
                                .with_upgrades();
                            if let Err(e) = watcher.watch(connection).await {
                                tracing::debug!(%peer, error = %e, "connection ended with an error");
                            }
                        }
                        Err(e) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                    }
                    drop(permit);
                });
            }
        }
    }

    drop(listener);
    tracing::info!(connections = graceful.count(), "shutting down");
    drain.send_replace(true);
    match config.shutdown_timeout {
        None => graceful.shutdown().await,
        Some(limit) => {
            if tokio::time::timeout(limit, graceful.shutdown())
                .await
                .is_err()
            {
                tracing::warn!(?limit, "graceful shutdown timed out; closing connections");
            }
        }
    }
    Ok(())
}

/// The number of request headers hyper admits when told no limit.
const HYPER_MAX_HEADERS: usize = 100;

fn http1_builder(config: &ServerConfig) -> hyper::server::conn::http1::Builder {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        // A client may shut down its sending side once the request is out; without this,
        // hyper drops the response it is still computing when it reads that end-of-file.
        .half_close(true)
        .max_header_size(config.request_head_max_bytes)
        // hyper cannot parse a head larger than its buffer, so the buffer must admit the
        // configured head limit; 8 KiB is hyper's minimum.
        .max_buf_size(config.request_head_max_bytes.saturating_add(1024).max(8192));
    // hyper's own limit is the default's 100, kept on the stack; a limit set, even to
    // 100, makes it fill a list of that size for every request.
    if config.request_head_max_headers != HYPER_MAX_HEADERS {
        http.max_headers(config.request_head_max_headers);
    }
    http
}

/// What the server does around every request, made once: its settings and the
/// concurrency limit.
struct Serving {
    config: ServerConfig,
    admission: Option<Admission>,
    settings: Arc<ServerSettings>,
    /// Becomes `true` when shutdown begins.
    draining: watch::Receiver<bool>,
}

impl Serving {
    fn new(config: &ServerConfig, draining: watch::Receiver<bool>) -> Self {
        Self {
            draining,
            config: config.clone(),
            admission: config.max_concurrent_requests.map(Admission::new),
            settings: Arc::new(ServerSettings {
                body_limit: BodyLimit(config.request_body_max_bytes),
                page_limits: PageLimits {
                    default: config.page_default_limit.min(config.page_max_limit),
                    max: config.page_max_limit,
                },
                cors: config
                    .cors
                    .as_ref()
                    .map(|cors| Cors(Arc::new(cors.clone()))),
                page_token_key: config
                    .page_token_key
                    .as_ref()
                    .map(|key| PageTokenKey::new(key.as_bytes())),
                compression: config.compression,
                response_checks: config.response_checks,
            }),
        }
    }
}

/// The server's settings that the router's middleware and the handlers read, reaching
/// them with the request's [`RequestId`].
pub(crate) struct ServerSettings {
    /// The body limit, unless the operation sets its own.
    pub(crate) body_limit: BodyLimit,
    pub(crate) page_limits: PageLimits,
    /// The router's middleware applies it, with the paths of the router's document.
    pub(crate) cors: Option<Cors>,
    /// The router's middleware makes it the key of the handlers' page tokens.
    pub(crate) page_token_key: Option<PageTokenKey>,
    /// Bodies arrive decompressed: the router's middleware refuses other encodings.
    pub(crate) compression: bool,
    /// The handlers check what the implementation answers.
    pub(crate) response_checks: ResponseChecks,
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The page token key is a secret.
        f.debug_struct("ServerSettings")
            .field("body_limit", &self.body_limit)
            .field("page_limits", &self.page_limits)
            .field("cors", &self.cors.is_some())
            .field("compression", &self.compression)
            .field("response_checks", &self.response_checks)
            .finish_non_exhaustive()
    }
}

/// The router with the server's compression, when asked for.
pub(crate) fn app(router: Router, config: &ServerConfig) -> Router {
    if config.compression {
        // Encodings other than gzip pass through to the router's middleware, which
        // refuses them with a JSON 415 (`ServerSettings::compression` tells it to).
        router
            .layer(RequestDecompressionLayer::new().pass_through_unaccepted(true))
            .layer(CompressionLayer::new())
    } else {
        router
    }
}

/// One request as the server serves it: its id and span, the concurrency limit, the
/// request timeout and the observer, around the router's answer. It runs in the
/// connection's service, outside the router, so none of it wraps every route once more;
/// and what is switched off costs nothing: no timer without a timeout, no counter
/// without a limit, nothing kept for an observer when there is none.
async fn serve_request<S>(
    serving: Arc<Serving>,
    app: S,
    mut request: Request,
    in_flight: InFlight,
) -> Result<Response, Infallible>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let started = Instant::now();
    let id = request_id::from_headers(request.headers());
    let method = request.method().clone();
    // The router's middleware records the route on it once it has matched one.
    let span = trace_context::request_span(&method, request_id::text(&id), request.headers());
    let observer = serving.config.observer.clone();
    let routed = observer.as_ref().map(|_| Routed::default());
    let extensions = request.extensions_mut();
    extensions.insert(RequestId {
        value: id.clone(),
        server: Some(serving.settings.clone()),
    });
    if let Some(routed) = &routed {
        extensions.insert(routed.clone());
    }

    let admitted = serving.admission.as_ref().map(Admission::admit);
    let mut response = match (&admitted, serving.config.request_timeout) {
        // Queueing would let a burst pile up memory and latency; shedding at once lets
        // clients and load balancers retry elsewhere.
        (Some(None), _) => request_id::within(id.clone(), overloaded),
        (_, None) => answer(app, request).instrument(span.clone()).await,
        (_, Some(limit)) => {
            let deadline = tokio::time::Instant::from_std(started) + limit;
            within_time(app, request, deadline, limit, &id, &span).await
        }
    };
    // Every answer carries the id: the router's, and the server's own refusals.
    response
        .headers_mut()
        .insert(request_id::REQUEST_ID_HEADER, id.clone());
    // An event stream has no end of its own: it ends when shutdown begins.
    let response = crate::streams::until_drained(response, &serving.draining);
    // Only an observer or an `info` line reads the latency (see `ObservedBody::finish`).
    let latency = if observer.is_some() || tracing::level_enabled!(tracing::Level::INFO) {
        started.elapsed()
    } else {
        Duration::ZERO
    };
    let pending = Pending {
        observer,
        span,
        request_id: id,
        routed,
        method,
        status: response.status(),
        started,
        latency,
        admitted: admitted.flatten(),
        _in_flight: Some(in_flight),
    };
    Ok(response.map(|body| Body::new(ObservedBody::new(body, pending))))
}

/// The router's answer to `request`.
async fn answer<S>(app: S, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    match app.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The rest of the stack's response, or the timeout's when it is not ready by
/// `deadline`: a 408 when the client had not sent its whole body by then, a 503 when the
/// handler was slow.
async fn within_time<S>(
    app: S,
    request: Request,
    deadline: tokio::time::Instant,
    limit: Duration,
    id: &HeaderValue,
    span: &tracing::Span,
) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    // A request whose body is already complete (every GET) needs no watching.
    let body_done = (!request.body().is_end_stream()).then(|| Arc::new(AtomicBool::new(false)));
    let request = match &body_done {
        None => request,
        Some(done) => request.map(|body| Body::new(TrackedBody::new(body, done.clone()))),
    };
    let run = answer(app, request).instrument(span.clone());
    match tokio::time::timeout_at(deadline, run).await {
        Ok(response) => response,
        Err(_) => {
            let received = match &body_done {
                None => true,
                Some(done) => done.load(Ordering::Relaxed),
            };
            request_id::within(id.clone(), || timed_out(limit, received))
        }
    }
}

/// The answer to a request the server gave up on after `limit`.
fn timed_out(limit: Duration, body_received: bool) -> Response {
    if body_received {
        return HttpError::for_status(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("request timed out after {} ms", limit.as_millis()),
        )
        .with_error_code("Timeout")
        .into_response();
    }
    let mut response = HttpError::for_status(
        StatusCode::REQUEST_TIMEOUT,
        format!("request body not received within {} ms", limit.as_millis()),
    )
    .with_error_code("RequestTimeout")
    .into_response();
    // The rest of the body may still arrive; the connection cannot be reused.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn overloaded() -> Response {
    HttpError::for_status(
        StatusCode::SERVICE_UNAVAILABLE,
        "server is overloaded; retry later",
    )
    .with_error_code("Overloaded")
    .into_response()
}

impl TlsConfig {
    fn acceptor(&self) -> io::Result<TlsAcceptor> {
        tls::acceptor(
            &self.cert_file,
            &self.key_file,
            self.client_ca_file.as_deref(),
            self.require_client_certificate,
        )
    }
}
