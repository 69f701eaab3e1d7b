//! The OpenAPI 3.1 fixture (`specs/openapi31.yaml`) served on 127.0.0.1 and called over
//! real HTTP: 3.1 schema keywords are enforced before handlers run, a path item from
//! `components/pathItems` is routed, an operation without `responses` answers, the
//! webhooks router receives deliveries, and a `mutualTLS` requirement admits clients
//! with a certificate from the configured CA only.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use specfirst_fixture_buildrs::openapi31 as api;
use specfirst_runtime::{
    ClientCertificate, HttpError, RequestContext, ServerConfig, StatusCode, TlsConfig,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

struct Sensors;

impl api::SensorsAuth for Sensors {
    /// The certificate's subject would name the robot; the test only needs to know
    /// that a verified certificate arrived.
    type Principal = usize;

    async fn client_cert(
        &self,
        _ctx: &RequestContext,
        certificate: ClientCertificate,
    ) -> Result<usize, HttpError> {
        Ok(certificate.chain_der().count())
    }
}

impl api::SensorsApi for Sensors {
    async fn retire_sensor(
        &self,
        _ctx: RequestContext,
        chain_len: usize,
        _r: api::RetireSensorRequest,
    ) -> Result<api::RetireSensorResponse, HttpError> {
        assert_eq!(chain_len, 1, "the client sends its own certificate only");
        Ok(api::RetireSensorResponse::NoContent)
    }

    async fn get_sensor(
        &self,
        _ctx: RequestContext,
        r: api::GetSensorRequest,
    ) -> Result<api::GetSensorResponse, HttpError> {
        if r.id.as_str() == "missing" {
            return Err(HttpError::for_not_found("no sensor missing"));
        }
        let body = serde_json::from_value(json!({
            "id": r.id,
            "kind": "thermometer",
            "label": null,
            "location": [52.37, r.precision.map_or(4.89, |p| p.get() as f64)],
            "firmware": {"version": "1.2.0", "image": "AAEC"},
            "calibration": {"offset": 0.5},
            "retired": null,
        }))
        .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::GetSensorResponse::Ok { body })
    }

    async fn add_reading(
        &self,
        _ctx: RequestContext,
        r: api::AddReadingRequest,
    ) -> Result<api::AddReadingResponse, HttpError> {
        Ok(api::AddReadingResponse::Created { body: r.body })
    }

    async fn ping(
        &self,
        _ctx: RequestContext,
        _r: api::PingRequest,
    ) -> Result<api::PingResponse, HttpError> {
        Ok(api::PingResponse::Default {
            status: StatusCode::ACCEPTED,
        })
    }
}

#[derive(Default, Clone)]
struct Receiver {
    seen: Arc<Mutex<Vec<String>>>,
}

impl api::webhooks::SensorsWebhooks for Receiver {
    async fn alert_raised(
        &self,
        _ctx: RequestContext,
        r: api::webhooks::AlertRaisedRequest,
    ) -> Result<api::webhooks::AlertRaisedResponse, HttpError> {
        let level = serde_json::to_value(r.body.level).unwrap_or_default();
        self.seen.lock().expect("not poisoned").push(format!(
            "{} {}",
            r.body.sensor,
            level.as_str().unwrap_or("?")
        ));
        Ok(api::webhooks::AlertRaisedResponse::NoContent)
    }

    async fn post_sensor_removed(
        &self,
        _ctx: RequestContext,
        r: api::webhooks::PostSensorRemovedRequest,
    ) -> Result<api::webhooks::PostSensorRemovedResponse, HttpError> {
        let id = r.body.map_or_else(|| "-".to_string(), |b| b.id);
        self.seen
            .lock()
            .expect("not poisoned")
            .push(format!("removed {id}"));
        Ok(api::webhooks::PostSensorRemovedResponse::Ok)
    }
}

/// The message of a 400 answer.
async fn bad_request(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("a JSON error");
    body["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn three_one_keywords_are_enforced() {
    let http = support::start(api::router(Arc::new(Sensors))).await;

    // A path item from components, a nullable integer with a numeric exclusive minimum.
    let ok = http
        .get("/sensors/boiler-1?precision=3")
        .send()
        .await
        .expect("send");
    assert_eq!(ok.status(), 200);
    let sensor: Value = ok.json().await.expect("json");
    assert_eq!(sensor["location"], json!([52.37, 3.0]));
    assert_eq!(sensor["kind"], "thermometer");
    assert_eq!(sensor["retired"], Value::Null);
    let zero = http
        .get("/sensors/boiler-1?precision=0")
        .send()
        .await
        .expect("send");
    assert_eq!(zero.status(), 400);
    let bad_id = http.get("/sensors/Boiler!").send().await.expect("send");
    assert_eq!(bad_id.status(), 400);

    // Numeric exclusive bound, a type list of string and integer, a `$ref` sibling.
    let reading = |body: Value| http.post("/readings").json(&body).send();
    for tag in [json!("t1"), json!(7)] {
        let response = reading(json!({"sensor": "s", "value": 21.5, "tag": tag}))
            .await
            .expect("send");
        assert_eq!(response.status(), 201, "tag {tag}");
        let echoed: Value = response.json().await.expect("json");
        assert_eq!(echoed["tag"], tag);
    }
    let cold = reading(json!({"sensor": "s", "value": -273.15}))
        .await
        .expect("send");
    assert_eq!(
        bad_request(cold).await,
        "invalid request body: /value: must be greater than -273.15 (exclusiveMinimum)"
    );
    // `propertyNames` holds for every key of the map.
    let labelled = reading(json!({"sensor": "s", "value": 1, "labels": {"room": "attic"}}))
        .await
        .expect("send");
    assert_eq!(labelled.status(), 201);
    let badly_labelled = reading(json!({"sensor": "s", "value": 1, "labels": {"Room 2": "x"}}))
        .await
        .expect("send");
    let message = bad_request(badly_labelled).await;
    assert!(
        message.contains("/labels: property name \"Room 2\": does not match"),
        "{message}"
    );
    for tag in [json!(true), json!(""), json!(-1)] {
        let response = reading(json!({"sensor": "s", "value": 1, "tag": tag}))
            .await
            .expect("send");
        assert_eq!(response.status(), 400, "tag {tag}");
    }

    // No declared responses: the handler picks the status.
    let ping = http.get("/ping").send().await.expect("send");
    assert_eq!(ping.status(), 202);

    // The served document is the 3.1 input, not its 3.0 rewrite.
    let document: Value = http
        .get("/openapi.json")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["components"]["schemas"]["Reading"]["properties"]["tag"]["type"],
        json!(["string", "integer"])
    );
}

#[tokio::test]
async fn webhooks_are_received() {
    let receiver = Receiver::default();
    let http = support::start(api::webhooks::router(Arc::new(receiver.clone()))).await;

    let alert = http
        .post("/alert")
        .json(&json!({"sensor": "boiler-1", "level": "critical"}))
        .send()
        .await
        .expect("send");
    assert_eq!(alert.status(), 204);
    let removed = http
        .post("/sensor.removed")
        .json(&json!({"id": "boiler-2"}))
        .send()
        .await
        .expect("send");
    assert_eq!(removed.status(), 200);
    let bad = http
        .post("/alert")
        .json(&json!({"sensor": "boiler-1", "level": "mild"}))
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status(), 400);
    // `unevaluatedProperties: false` refuses what the alert does not declare.
    let extra = http
        .post("/alert")
        .json(&json!({"sensor": "boiler-1", "level": "critical", "note": "hot"}))
        .send()
        .await
        .expect("send");
    assert_eq!(extra.status(), 400);
    let unknown = http
        .post("/readings")
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);

    assert_eq!(
        *receiver.seen.lock().expect("not poisoned"),
        ["boiler-1 critical", "removed boiler-2"]
    );
}

#[tokio::test]
async fn unevaluated_properties_beside_one_of_close_each_branch() {
    let http = support::start(api::webhooks::router(Arc::new(Receiver::default()))).await;
    let alert = |via: serde_json::Value| {
        http.post("/alert")
            .json(&json!({"sensor": "boiler-1", "level": "warning", "via": via}))
            .send()
    };
    for via in [json!({"email": "ops@example.com"}), json!({"phone": "555"})] {
        let sent = alert(via.clone()).await.expect("send");
        assert_eq!(sent.status(), 204, "{via}");
    }
    for via in [json!({"email": "ops@example.com", "fax": "555"}), json!({})] {
        let sent = alert(via.clone()).await.expect("send");
        assert_eq!(sent.status(), 400, "{via}");
    }
}

/// A CA, a certificate it issued for `localhost` and that certificate's key, as PEM.
struct Issued {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn issue(ca_name: &str) -> Issued {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, ca_name);
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .expect("params")
        .signed_by(&key, &issuer)
        .expect("certificate");
    Issued {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// Sends one request over TLS, with `identity` as the client certificate, and returns
/// the whole response as text.
async fn send_tls(
    address: SocketAddr,
    server_ca: &str,
    identity: Option<&Issued>,
    request: &str,
) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(server_ca.as_bytes()).expect("PEM"))
        .expect("root");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots);
    let client = match identity {
        None => builder.with_no_client_auth(),
        Some(issued) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(issued.cert_pem.as_bytes()).expect("PEM")],
                PrivateKeyDer::from_pem_slice(issued.key_pem.as_bytes()).expect("PEM"),
            )
            .expect("client identity"),
    };
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    let mut stream = connector.connect(name, tcp).await.expect("handshake");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn mutual_tls_admits_certified_clients_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = issue("server CA");
    let robots = issue("maintenance CA");
    let strangers = issue("another CA");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let tls = TlsConfig::new(
        write("server.pem", &server.cert_pem),
        write("server.key", &server.key_pem),
    )
    .with_client_ca(write("robots-ca.pem", &robots.ca_pem));
    let config = ServerConfig {
        tls: Some(tls),
        ..ServerConfig::default()
    };
    let http = support::start_with(api::router(Arc::new(Sensors)), config).await;
    let retire =
        "DELETE /sensors/boiler-1 HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n";

    let admitted = send_tls(http.addr, &server.ca_pem, Some(&robots), retire).await;
    assert!(admitted.starts_with("HTTP/1.1 204"), "{admitted}");

    let anonymous = send_tls(http.addr, &server.ca_pem, None, retire).await;
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    assert!(
        anonymous
            .to_ascii_lowercase()
            .contains("www-authenticate: mutualtls realm=\"sensors\""),
        "{anonymous}"
    );
    assert!(
        anonymous.contains("\"error_code\":\"Unauthenticated\""),
        "{anonymous}"
    );

    // Operations without the requirement serve clients without a certificate.
    let public = send_tls(
        http.addr,
        &server.ca_pem,
        None,
        "GET /sensors/boiler-1 HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(public.starts_with("HTTP/1.1 200"), "{public}");

    // A certificate from a CA the server does not trust fails the handshake itself.
    let refused = tokio::spawn({
        let address = http.addr;
        let server_ca = server.ca_pem.clone();
        async move { send_tls(address, &server_ca, Some(&strangers), retire).await }
    })
    .await;
    match refused {
        // The handshake completes on the client before the server's alert arrives,
        // so the refusal shows as an empty answer or a failed read.
        Ok(text) => assert!(!text.starts_with("HTTP/1.1 204"), "{text}"),
        Err(panic) => assert!(panic.is_panic()),
    }
}

#[tokio::test]
async fn a_required_certificate_is_checked_at_the_handshake() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = issue("server CA");
    let robots = issue("maintenance CA");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let mut tls = TlsConfig::new(
        write("server.pem", &server.cert_pem),
        write("server.key", &server.key_pem),
    )
    .with_client_ca(write("robots-ca.pem", &robots.ca_pem));
    tls.require_client_certificate = true;
    let config = ServerConfig {
        tls: Some(tls),
        header_read_timeout: Some(std::time::Duration::from_millis(300)),
        ..ServerConfig::default()
    };
    let http = support::start_with(api::router(Arc::new(Sensors)), config).await;
    let public = "GET /sensors/boiler-1 HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n";

    let certified = send_tls(http.addr, &server.ca_pem, Some(&robots), public).await;
    assert!(certified.starts_with("HTTP/1.1 200"), "{certified}");

    // Without a certificate, even an operation that needs none gets no answer: the
    // handshake is refused before any request is read.
    let refused = tokio::spawn({
        let address = http.addr;
        let server_ca = server.ca_pem.clone();
        async move { send_tls(address, &server_ca, None, public).await }
    })
    .await;
    match refused {
        Ok(text) => assert!(!text.starts_with("HTTP/1.1"), "{text}"),
        Err(panic) => assert!(panic.is_panic()),
    }

    // A client that connects and never starts the handshake is closed after the
    // header read timeout.
    let mut idle = tokio::net::TcpStream::connect(http.addr)
        .await
        .expect("connect");
    let started = std::time::Instant::now();
    let mut out = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        idle.read_to_end(&mut out),
    )
    .await;
    assert!(closed.is_ok(), "still open after 5 s");
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
}

/// Every operation of the spec through the typed client, in process and over HTTP: a
/// path item's parameter and a nullable query integer reach the handler and come back
/// in the sensor it answers with (a `const`, a tuple, a base64 string, a map and a
/// `null`-only property read back); a reading with a two-type `tag` and a map keyed by
/// pattern is echoed as sent; an operation without `responses` is `default` with the
/// status the handler picked; the `mutualTLS` operation, without a certificate, is the
/// undeclared 401, and a sensor that is not there the undeclared 404.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    use api::client::{Client, ClientError};
    let router = api::router(Arc::new(Sensors));
    let http = support::start(router.clone()).await;
    let clients = [Client::in_process(router), Client::http(&http.url(""))];
    for client in clients {
        let api::GetSensorResponse::Ok { body } = client
            .get_sensor(api::GetSensorRequest {
                id: "boiler-1".parse().expect("an id"),
                precision: Some(3.try_into().expect("non-zero")),
            })
            .await
            .expect("a sensor");
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!({
                "id": "boiler-1", "kind": "thermometer", "label": null,
                "location": [52.37, 3.0], "firmware": {"version": "1.2.0", "image": "AAEC"},
                "calibration": {"offset": 0.5}, "retired": null,
            })
        );
        let api::GetSensorResponse::Ok { body } = client
            .get_sensor(api::GetSensorRequest {
                id: "boiler-2".parse().expect("an id"),
                precision: None,
            })
            .await
            .expect("a sensor");
        assert_eq!(body.id, "boiler-2");
        assert_eq!(
            serde_json::to_value(body.location).expect("JSON"),
            json!([52.37, 4.89])
        );
        let error = client
            .get_sensor(api::GetSensorRequest {
                id: "missing".parse().expect("an id"),
                precision: None,
            })
            .await
            .expect_err("not there");
        let ClientError::UndeclaredStatus { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*status, StatusCode::NOT_FOUND);
        let body: Value = serde_json::from_slice(body).expect("a JSON error");
        assert_eq!(body["message"], "no sensor missing");

        for sent in [
            json!({"sensor": "s", "value": 21.5, "tag": "t1", "labels": {"room": "attic"}}),
            json!({"sensor": "s", "value": -273.0, "tag": 7}),
        ] {
            let reading: api::types::Reading =
                serde_json::from_value(sent.clone()).expect("a reading");
            let api::AddReadingResponse::Created { body } = client
                .add_reading(api::AddReadingRequest::new(reading))
                .await
                .expect("stored");
            assert_eq!(serde_json::to_value(body).expect("JSON"), sent);
        }

        let answer = client.ping(api::PingRequest {}).await.expect("pinged");
        assert!(
            matches!(answer, api::PingResponse::Default { status } if status == StatusCode::ACCEPTED),
            "{answer:?}"
        );

        let error = client
            .retire_sensor(api::RetireSensorRequest::new(
                "boiler-1".parse().expect("an id"),
            ))
            .await
            .expect_err("no certificate");
        let ClientError::UndeclaredStatus { status, .. } = error else {
            panic!("{error:?}");
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
