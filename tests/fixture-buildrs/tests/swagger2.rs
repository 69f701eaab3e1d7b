//! The Swagger 2.0 fixture (`specs/swagger2.yaml`) served on 127.0.0.1 and called over
//! real HTTP: parameters with `collectionFormat`, a body parameter, `formData`, a
//! `type: file` upload, response headers, and `basic` and `apiKey` security definitions
//! all behave as their OpenAPI 3.0 equivalents; the server publishes the 2.0 document.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use specfirst_fixture_buildrs::swagger2 as api;
use specfirst_runtime::auth::{ApiKey, Basic};
use specfirst_runtime::{HttpError, RequestContext};

struct Pets;

fn pet(id: i64, name: &str) -> Result<api::types::Pet, HttpError> {
    serde_json::from_value(json!({"id": id, "name": name}))
        .map_err(|e| HttpError::for_internal_error(e.to_string()))
}

impl api::SwaggerTwoAuth for Pets {
    type Principal = String;

    async fn basic_auth(
        &self,
        _ctx: &RequestContext,
        credential: Basic,
    ) -> Result<String, HttpError> {
        if credential.password() == "secret" {
            Ok(credential.username().to_string())
        } else {
            Err(specfirst_runtime::auth::unauthenticated("wrong password"))
        }
    }

    async fn api_key(
        &self,
        _ctx: &RequestContext,
        credential: ApiKey,
    ) -> Result<String, HttpError> {
        if credential.key() == "k-1" {
            Ok("key holder".to_string())
        } else {
            Err(specfirst_runtime::auth::unauthenticated("unknown key"))
        }
    }
}

impl api::SwaggerTwoApi for Pets {
    async fn list_pets(
        &self,
        _ctx: RequestContext,
        r: api::ListPetsRequest,
    ) -> Result<api::ListPetsResponse, HttpError> {
        let tags = r.tags.unwrap_or_default().join("+");
        let statuses: Vec<String> = r
            .status
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        let name = format!(
            "{tags}|{}|{}",
            statuses.join("+"),
            r.x_request_tag.unwrap_or_default()
        );
        Ok(api::ListPetsResponse::Ok {
            body: vec![pet(1, &name)?],
            x_total_count: r.limit.map(|l| i64::from(l.get())),
        })
    }

    async fn create_pet(
        &self,
        _ctx: RequestContext,
        principal: String,
        r: api::CreatePetRequest,
    ) -> Result<api::CreatePetResponse, HttpError> {
        assert_eq!(principal, "key holder");
        Ok(api::CreatePetResponse::Created {
            body: pet(7, &r.body.name)?,
        })
    }

    async fn get_pet(
        &self,
        _ctx: RequestContext,
        principal: String,
        r: api::GetPetRequest,
    ) -> Result<api::GetPetResponse, HttpError> {
        if r.pet_id == 404 {
            return Ok(api::GetPetResponse::NotFound);
        }
        Ok(api::GetPetResponse::Ok {
            body: pet(r.pet_id, &principal)?,
        })
    }

    async fn delete_pet(
        &self,
        _ctx: RequestContext,
        _principal: String,
        _r: api::DeletePetRequest,
    ) -> Result<api::DeletePetResponse, HttpError> {
        Ok(api::DeletePetResponse::NoContent)
    }

    async fn update_pet_with_form(
        &self,
        _ctx: RequestContext,
        _principal: String,
        r: api::UpdatePetWithFormRequest,
    ) -> Result<api::UpdatePetWithFormResponse, HttpError> {
        let name = format!(
            "{} ({})",
            r.body.name,
            r.body.nicknames.unwrap_or_default().join(", ")
        );
        Ok(api::UpdatePetWithFormResponse::Ok {
            body: pet(r.pet_id, &name)?,
        })
    }

    async fn upload_photo(
        &self,
        _ctx: RequestContext,
        _principal: String,
        r: api::UploadPhotoRequest,
    ) -> Result<api::UploadPhotoResponse, HttpError> {
        let body = serde_json::from_value(json!({
            "url": format!(
                "/photos/{}/{}/{}",
                r.pet_id,
                r.body.file.bytes.len(),
                r.body.caption.as_deref().unwrap_or("-")
            ),
        }))
        .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::UploadPhotoResponse::Ok {
            body: api::UploadPhotoResponseOkBody::ApplicationJson(body),
        })
    }

    async fn get_photo(
        &self,
        _ctx: RequestContext,
        _principal: String,
        r: api::GetPhotoRequest,
    ) -> Result<api::GetPhotoResponse, HttpError> {
        let sizes = r.sizes.unwrap_or_default();
        Ok(api::GetPhotoResponse::Ok {
            body: format!("png {} {sizes:?}", r.pet_id).into(),
        })
    }
}

#[tokio::test]
async fn a_swagger_two_api_serves_like_its_openapi_three_equivalent() {
    let http = support::start(api::router(Arc::new(Pets))).await;

    // csv and multi collection formats, a header, a response header; no credentials.
    let listed = http
        .get("/pets?limit=5&tags=a,b&status=available&status=sold")
        .header("x-request-tag", "t")
        .send()
        .await
        .expect("send");
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.headers()["x-total-count"], "5");
    let pets: Value = listed.json().await.expect("json");
    assert_eq!(pets[0]["name"], "a+b|available+sold|t");
    let bad_status = http.get("/pets?status=lost").send().await.expect("send");
    assert_eq!(bad_status.status(), 400);

    // A body parameter, guarded by the global apiKey requirement.
    let new_pet = json!({"name": "Rex"});
    let anonymous = http
        .post("/pets")
        .json(&new_pet)
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers()["www-authenticate"]
        .to_str()
        .expect("text")
        .starts_with("ApiKey"));
    let created = http
        .post("/pets")
        .header("x-api-key", "k-1")
        .json(&new_pet)
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Value>().await.expect("json")["name"], "Rex");

    // A path-level parameter and basic authentication.
    let fetched = http
        .get("/pets/3")
        .basic_auth("ann", Some("secret"))
        .send()
        .await
        .expect("send");
    assert_eq!(fetched.status(), 200);
    assert_eq!(
        fetched.json::<Value>().await.expect("json"),
        json!({"id": 3, "name": "ann"})
    );
    let wrong = http
        .get("/pets/3")
        .basic_auth("ann", Some("guess"))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 401);
    // Either scheme admits a delete.
    let deleted = http
        .delete("/pets/3")
        .header("x-api-key", "k-1")
        .send()
        .await
        .expect("send");
    assert_eq!(deleted.status(), 204);

    // formData parameters become a form body.
    let updated = http
        .post("/pets/3/form")
        .header("x-api-key", "k-1")
        .form(&[("name", "Rex"), ("nicknames", "R"), ("nicknames", "Rexy")])
        .send()
        .await
        .expect("send");
    assert_eq!(updated.status(), 200);
    assert_eq!(
        updated.json::<Value>().await.expect("json")["name"],
        "Rex (R, Rexy)"
    );

    // A `type: file` upload arrives as a typed multipart part.
    let uploaded = http
        .post("/pets/3/photo")
        .header("x-api-key", "k-1")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\ncontent-disposition: form-data; name=\"file\"\r\n\r\nPNG\r\n--x--\r\n")
        .send()
        .await
        .expect("send");
    assert_eq!(uploaded.status(), 200);
    assert_eq!(
        uploaded.json::<Value>().await.expect("json")["url"],
        "/photos/3/3/-"
    );

    // A `type: file` response is bytes with its media type.
    let photo = http
        .get("/pets/3/photo.png?sizes=1,2")
        .header("x-api-key", "k-1")
        .send()
        .await
        .expect("send");
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.text().await.expect("text"), "png 3 [1, 2]");

    // The server publishes what was written: the 2.0 document.
    let document: Value = http
        .get("/openapi.json")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(document["swagger"], "2.0");
    assert_eq!(document["basePath"], "/v1");
}
