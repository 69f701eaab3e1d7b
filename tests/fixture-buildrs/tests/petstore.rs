//! The OpenAPI example petstore (`specs/petstore.yaml`), as a new user tries it first:
//! an implementation called through the typed client in process and over HTTP, and
//! the same operations answered by the generated mock.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use specfirst_fixture_buildrs::petstore as api;
use specfirst_runtime::{HttpError, RequestContext, StatusCode};

/// Pets in memory; `x-next` names the page after a full one.
#[derive(Default)]
struct Store {
    pets: Mutex<Vec<api::types::Pet>>,
}

fn error(code: i32, message: &str) -> api::types::Error {
    serde_json::from_value(json!({"code": code, "message": message})).expect("an error")
}

impl api::SwaggerPetstoreApi for Store {
    async fn list_pets(
        &self,
        _ctx: RequestContext,
        request: api::ListPetsRequest,
    ) -> Result<api::ListPetsResponse, HttpError> {
        let pets = self.pets.lock().expect("not poisoned").clone();
        let limit = usize::try_from(request.limit.unwrap_or(100)).unwrap_or_default();
        let x_next = (pets.len() > limit).then(|| format!("/pets?after={limit}"));
        let page: Vec<_> = pets.into_iter().take(limit).collect();
        let body = serde_json::from_value(serde_json::to_value(page).expect("pets"))
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::ListPetsResponse::Ok { body, x_next })
    }

    async fn create_pets(
        &self,
        _ctx: RequestContext,
        request: api::CreatePetsRequest,
    ) -> Result<api::CreatePetsResponse, HttpError> {
        let mut pets = self.pets.lock().expect("not poisoned");
        if pets.iter().any(|pet| pet.id == request.body.id) {
            return Ok(api::CreatePetsResponse::Default {
                status: StatusCode::CONFLICT,
                body: error(409, "a pet has this id"),
            });
        }
        pets.push(request.body);
        Ok(api::CreatePetsResponse::Created)
    }

    async fn show_pet_by_id(
        &self,
        _ctx: RequestContext,
        request: api::ShowPetByIdRequest,
    ) -> Result<api::ShowPetByIdResponse, HttpError> {
        let pets = self.pets.lock().expect("not poisoned");
        Ok(
            match pets.iter().find(|pet| pet.id.to_string() == request.pet_id) {
                Some(pet) => api::ShowPetByIdResponse::Ok { body: pet.clone() },
                None => api::ShowPetByIdResponse::Default {
                    status: StatusCode::NOT_FOUND,
                    body: error(404, "no such pet"),
                },
            },
        )
    }
}

fn pet(id: i64, name: &str, tag: Option<&str>) -> api::types::Pet {
    serde_json::from_value(json!({"id": id, "name": name, "tag": tag})).expect("a pet")
}

/// Every operation and status of the petstore through both transports: what the
/// server stored is what the client sent, and what it answers is what the client reads,
/// the `x-next` header and `default` statuses included.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let in_process = Arc::new(Store::default());
    let served = Arc::new(Store::default());
    let http = support::start(api::router(served.clone())).await;
    let clients = [
        (
            api::client::Client::in_process(api::router(in_process.clone())),
            in_process,
        ),
        (api::client::Client::http(&http.url("")), served),
    ];
    for (client, store) in clients {
        for sent in [
            pet(1, "Tom", Some("cat")),
            pet(2, "Rex", None),
            pet(3, "a/b?c", None),
        ] {
            let created = client
                .create_pets(api::CreatePetsRequest::new(sent.clone()))
                .await
                .expect("created");
            assert!(
                matches!(created, api::CreatePetsResponse::Created),
                "{created:?}"
            );
            let stored = store.pets.lock().expect("not poisoned").last().cloned();
            assert_eq!(format!("{stored:?}"), format!("{:?}", Some(sent)));
        }
        let conflict = client
            .create_pets(api::CreatePetsRequest::new(pet(1, "Again", None)))
            .await
            .expect("a declared answer");
        let api::CreatePetsResponse::Default { status, body } = conflict else {
            panic!("expected 409, got {conflict:?}");
        };
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body.code, 409);

        let listed = client
            .list_pets(api::ListPetsRequest { limit: Some(2) })
            .await
            .expect("a page");
        let api::ListPetsResponse::Ok { body, x_next } = listed else {
            panic!("expected 200, got {listed:?}");
        };
        assert_eq!(serde_json::to_value(&body).expect("pets")[1]["name"], "Rex");
        assert_eq!(x_next.as_deref(), Some("/pets?after=2"));
        let everything = client
            .list_pets(api::ListPetsRequest::default())
            .await
            .expect("a page");
        assert!(
            matches!(&everything, api::ListPetsResponse::Ok { x_next: None, .. }),
            "{everything:?}"
        );

        let shown = client
            .show_pet_by_id(api::ShowPetByIdRequest::new("3".to_owned()))
            .await
            .expect("a pet");
        let api::ShowPetByIdResponse::Ok { body } = shown else {
            panic!("expected 200, got {shown:?}");
        };
        assert_eq!(body.name, "a/b?c");
        let missing = client
            .show_pet_by_id(api::ShowPetByIdRequest::new("x y/z".to_owned()))
            .await
            .expect("a declared answer");
        let api::ShowPetByIdResponse::Default { status, .. } = missing else {
            panic!("expected 404, got {missing:?}");
        };
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    http.stop().await;
}

/// The mock answers every operation with what the spec declares, and the client reads
/// its answers as the enum's variants.
#[tokio::test]
async fn the_mock_answers_as_the_spec_declares() {
    let client = api::client::Client::in_process(api::router(Arc::new(api::mock::Mock::new())));
    let listed = client
        .list_pets(api::ListPetsRequest::default())
        .await
        .expect("a page");
    assert!(
        matches!(listed, api::ListPetsResponse::Ok { .. }),
        "{listed:?}"
    );
    let created = client
        .create_pets(api::CreatePetsRequest::new(pet(9, "Kit", None)))
        .await
        .expect("created");
    assert!(
        matches!(created, api::CreatePetsResponse::Created),
        "{created:?}"
    );
    let shown = client
        .show_pet_by_id(api::ShowPetByIdRequest::new("9".to_owned()))
        .await
        .expect("a pet");
    assert!(
        matches!(shown, api::ShowPetByIdResponse::Ok { .. }),
        "{shown:?}"
    );
    let teapot = client
        .with_header(
            specfirst_runtime::__private::http::HeaderName::from_static("prefer"),
            specfirst_runtime::__private::http::HeaderValue::from_static("code=418"),
        )
        .show_pet_by_id(api::ShowPetByIdRequest::new("9".to_owned()))
        .await
        .expect("the default response");
    let api::ShowPetByIdResponse::Default { status, .. } = teapot else {
        panic!("expected 418, got {teapot:?}");
    };
    assert_eq!(status.as_u16(), 418);
}

/// Answers every operation with an error of its own, and words errors itself.
struct Worded;

impl api::SwaggerPetstoreApi for Worded {
    async fn list_pets(
        &self,
        _ctx: RequestContext,
        _request: api::ListPetsRequest,
    ) -> Result<api::ListPetsResponse, HttpError> {
        Err(HttpError::for_status(StatusCode::CONFLICT, "busy"))
    }

    async fn create_pets(
        &self,
        _ctx: RequestContext,
        _request: api::CreatePetsRequest,
    ) -> Result<api::CreatePetsResponse, HttpError> {
        Err(HttpError::for_internal_error("disk full"))
    }

    async fn show_pet_by_id(
        &self,
        _ctx: RequestContext,
        _request: api::ShowPetByIdRequest,
    ) -> Result<api::ShowPetByIdResponse, HttpError> {
        Err(HttpError::for_not_found("no such pet"))
    }

    fn render_error(
        &self,
        operation: &'static str,
        error: HttpError,
        form: Option<&'static specfirst_runtime::ErrorForm>,
    ) -> specfirst_runtime::__private::Response {
        assert!(form.is_some(), "petstore declares `default: Error`");
        let mut worded = error.clone();
        worded.external_message = format!("{operation}: {}", error.external_message);
        worded.render(form)
    }
}

/// A request the runtime refuses, and an error a method returns, are answered in the
/// spec's `Error` (`{code, message}`, the status as `code`) rather than the runtime's
/// own shape, so the client reads them as the declared `default`; an implementation
/// overriding `render_error` words them itself.
#[tokio::test]
async fn errors_are_answered_in_the_specs_error_schema() {
    let http = support::start(api::router(Arc::new(Store::default()))).await;
    let exactly_the_spec_s = |body: &serde_json::Value, code: u16| {
        let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
        assert_eq!(keys, ["code", "message"], "{body}");
        assert_eq!(body["code"], code, "{body}");
        assert!(body["message"].is_string(), "{body}");
    };
    // A parameter that does not decode, a body that does not, a media type not declared.
    let (status, body) =
        support::error_of(http.get("/pets?limit=many").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    exactly_the_spec_s(&body, 400);
    let (status, body) = support::error_of(
        http.post("/pets")
            .json(&json!({"id": "one"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    exactly_the_spec_s(&body, 400);
    let (status, body) = support::error_of(
        http.post("/pets")
            .header("content-type", "text/plain")
            .body("Tom")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    exactly_the_spec_s(&body, 415);
    http.stop().await;

    // Errors the methods return, worded by the implementation's override.
    let worded = api::client::Client::in_process(api::router(Arc::new(Worded)));
    let answer = worded
        .show_pet_by_id(api::ShowPetByIdRequest::new("1".to_owned()))
        .await
        .expect("the declared default");
    let api::ShowPetByIdResponse::Default { status, body } = answer else {
        panic!("expected the default response, got {answer:?}");
    };
    assert_eq!((status, body.code), (StatusCode::NOT_FOUND, 404));
    assert_eq!(body.message, "showPetById: no such pet");
    let answer = worded
        .list_pets(api::ListPetsRequest::default())
        .await
        .expect("the declared default");
    let api::ListPetsResponse::Default { status, body } = answer else {
        panic!("expected the default response, got {answer:?}");
    };
    assert_eq!((status, body.code), (StatusCode::CONFLICT, 409));
    assert_eq!(body.message, "listPets: busy");
    // An internal error keeps its details to the log.
    let answer = worded
        .create_pets(api::CreatePetsRequest::new(pet(1, "Tom", None)))
        .await
        .expect("the declared default");
    let api::CreatePetsResponse::Default { status, body } = answer else {
        panic!("expected the default response, got {answer:?}");
    };
    assert_eq!(
        (status, body.code),
        (StatusCode::INTERNAL_SERVER_ERROR, 500)
    );
    assert_eq!(body.message, "createPets: internal error");
}
