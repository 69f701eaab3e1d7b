//! A module generated with its trait named by a setting (`specfirst::Settings`, `--trait-name`
//! on the command line): the API, authentication and webhook traits all take the given
//! name, and an implementation of them serves over real HTTP.

mod support;

use std::sync::Arc;

use specfirst_fixture_buildrs::named_openapi31 as api;
use specfirst_runtime::{ClientCertificate, HttpError, RequestContext, StatusCode};

struct Station;

impl api::HookedAuth for Station {
    type Principal = ();

    async fn client_cert(
        &self,
        _ctx: &RequestContext,
        _certificate: ClientCertificate,
    ) -> Result<(), HttpError> {
        Ok(())
    }
}

impl api::Hooked for Station {
    async fn get_sensor(
        &self,
        _ctx: RequestContext,
        r: api::GetSensorRequest,
    ) -> Result<api::GetSensorResponse, HttpError> {
        Err(HttpError::for_not_found(format!("no sensor {:?}", r.id)))
    }

    async fn retire_sensor(
        &self,
        _ctx: RequestContext,
        (): (),
        _r: api::RetireSensorRequest,
    ) -> Result<api::RetireSensorResponse, HttpError> {
        Ok(api::RetireSensorResponse::NoContent)
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

impl api::webhooks::HookedWebhooks for Station {
    async fn alert_raised(
        &self,
        _ctx: RequestContext,
        _r: api::webhooks::AlertRaisedRequest,
    ) -> Result<api::webhooks::AlertRaisedResponse, HttpError> {
        Ok(api::webhooks::AlertRaisedResponse::NoContent)
    }

    async fn post_sensor_removed(
        &self,
        _ctx: RequestContext,
        _r: api::webhooks::PostSensorRemovedRequest,
    ) -> Result<api::webhooks::PostSensorRemovedResponse, HttpError> {
        Ok(api::webhooks::PostSensorRemovedResponse::Ok)
    }
}

#[tokio::test]
async fn the_named_traits_serve() {
    let http = support::start(api::router(Arc::new(Station))).await;
    let ping = http.get("/ping").send().await.expect("send");
    assert_eq!(ping.status(), 202);
    let (status, body) =
        support::error_of(http.get("/sensors/s-1").send().await.expect("send")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let hooks = support::start(api::webhooks::router(Arc::new(Station))).await;
    let alert = hooks
        .post("/alert")
        .json(&serde_json::json!({"sensor": "boiler-1", "level": "critical"}))
        .send()
        .await
        .expect("send");
    assert_eq!(alert.status(), 204);
}
