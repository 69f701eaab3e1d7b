//! A crate of some operations only (`specs/swagger2.yaml` with the tag `pets`): its
//! traits ask for the selected operations and the schemes they use, nothing else; it
//! serves those, answers 404 where the operations left out would be, and publishes the
//! selected document.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::selected_swagger2_pets as api;
use specfirst_runtime::auth::ApiKey;
use specfirst_runtime::{HttpError, RequestContext};

struct Pets;

/// Only `apiKey`: `basicAuth` is required by operations left out, so it is gone.
impl api::SwaggerTwoAuth for Pets {
    type Principal = String;

    async fn api_key(
        &self,
        _ctx: &RequestContext,
        credential: ApiKey,
    ) -> Result<String, HttpError> {
        Ok(credential.key().to_string())
    }
}

/// Two methods: `listPets` and `createPet` carry the tag.
impl api::SwaggerTwoApi for Pets {
    async fn list_pets(
        &self,
        _ctx: RequestContext,
        _r: api::ListPetsRequest,
    ) -> Result<api::ListPetsResponse, HttpError> {
        let pet = serde_json::from_value(json!({"id": 1, "name": "Rex"}))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::ListPetsResponse::Ok {
            body: vec![pet],
            x_total_count: None,
        })
    }

    async fn create_pet(
        &self,
        _ctx: RequestContext,
        _principal: String,
        _r: api::CreatePetRequest,
    ) -> Result<api::CreatePetResponse, HttpError> {
        Err(HttpError::for_internal_error(
            "not in this test".to_string(),
        ))
    }
}

#[tokio::test]
async fn a_selected_crate_serves_and_publishes_only_the_selection() {
    let http = support::start(api::router(Arc::new(Pets))).await;
    let listed: Value = http
        .get("/pets")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed[0]["name"], "Rex");
    let (status, _) = support::error_of(http.get("/pets/3").send().await.expect("send")).await;
    assert_eq!(status, 404, "getPet is not generated");

    let served: Value = http
        .get("/openapi.json")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(served["swagger"], "2.0");
    let paths: Vec<&String> = served["paths"].as_object().expect("paths").keys().collect();
    assert_eq!(paths, ["/pets"]);
    assert!(served["definitions"].get("Photo").is_none());
    assert_eq!(
        served,
        serde_json::from_str::<Value>(api::OPENAPI_DOCUMENT).expect("JSON")
    );
    http.stop().await;
}
