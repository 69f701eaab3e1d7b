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
            r.x_request_tag.as_deref().unwrap_or_default()
        );
        if r.x_request_tag.as_deref() == Some("fail") {
            return Ok(api::ListPetsResponse::Default {
                status: specfirst_runtime::StatusCode::SERVICE_UNAVAILABLE,
                body: api::types::Error {
                    code: Some(7),
                    message: "down".into(),
                },
            });
        }
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
        if r.body.name.as_str() == "taken" {
            return Ok(api::CreatePetResponse::Default {
                status: specfirst_runtime::StatusCode::CONFLICT,
                body: api::types::Error {
                    code: None,
                    message: format!("{:?}", r.body),
                },
            });
        }
        // The pet as sent, with an id.
        let mut sent = serde_json::to_value(&r.body)
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        sent["id"] = json!(7);
        let body = serde_json::from_value(sent)
            .map_err(|e| HttpError::for_internal_error(e.to_string()))?;
        Ok(api::CreatePetResponse::Created { body })
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
        // What was received, in the caption; in XML or as an error when it asks.
        let received = format!("{} {:?}", r.pet_id, r.body);
        match r.body.caption.as_deref() {
            Some("xml") => {
                return Ok(api::UploadPhotoResponse::Ok {
                    body: api::UploadPhotoResponseOkBody::ApplicationXml(received.into()),
                })
            }
            Some("broken xml") => {
                return Ok(api::UploadPhotoResponse::Default {
                    status: specfirst_runtime::StatusCode::BAD_GATEWAY,
                    body: api::UploadPhotoResponseDefaultBody::ApplicationXml(received.into()),
                })
            }
            Some("broken") => {
                return Ok(api::UploadPhotoResponse::Default {
                    status: specfirst_runtime::StatusCode::BAD_GATEWAY,
                    body: api::UploadPhotoResponseDefaultBody::ApplicationJson(api::types::Error {
                        code: Some(502),
                        message: received,
                    }),
                })
            }
            _ => {}
        }
        let body = serde_json::from_value(json!({
            // `format: uri`: absolute, the caption percent-encoded.
            "url": format!(
                "https://photos.example/{}/{}/{}",
                r.pet_id,
                r.body.file.bytes.len(),
                percent_encoded(r.body.caption.as_deref().unwrap_or("-"))
            ),
            "caption": received,
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
        "https://photos.example/3/3/-"
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

/// A typed value from JSON.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Every operation of the 2.0 spec through the typed client, in process and over
/// HTTP: `csv` and `multi` collection formats, a header and a response header, a body
/// parameter, `formData` as a form and as multipart with a `type: file` part, and a
/// `type: file` response reach the handler and come back as sent; `basic` and
/// `apiKey` credentials are presented as the definitions say, either of an OR; every
/// status the handlers answer decodes into its variant (`default` in JSON and XML, an
/// empty 404), and a call without credentials is the undeclared 401.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    use api::client::{Client, ClientError, Credential};
    let router = api::router(Arc::new(Pets));
    let http = support::start(router.clone()).await;
    let transports = [Client::in_process(router), Client::http(&http.url(""))];
    for anonymous in transports {
        let keyed = anonymous
            .clone()
            .with_credential("apiKey", Credential::Key("k-1".into()));
        let basic = anonymous.clone().with_credential(
            "basicAuth",
            Credential::Basic {
                username: "ann".into(),
                password: "secret".into(),
            },
        );

        // listPets: no credentials; csv, multi, a header, a response header, default.
        let api::ListPetsResponse::Ok {
            body,
            x_total_count,
        } = anonymous
            .list_pets(api::ListPetsRequest {
                limit: Some(5.try_into().expect("non-zero")),
                tags: Some(vec!["a b".into(), "c&d".into()]),
                status: Some(typed(json!(["available", "sold"]))),
                x_request_tag: Some("t 1".into()),
            })
            .await
            .expect("pets")
        else {
            panic!("not a 200");
        };
        assert_eq!(x_total_count, Some(5));
        assert_eq!(body[0].name.as_str(), "a b+c&d|available+sold|t 1");
        let api::ListPetsResponse::Ok {
            body,
            x_total_count,
        } = anonymous
            .list_pets(api::ListPetsRequest::default())
            .await
            .expect("all pets")
        else {
            panic!("not a 200");
        };
        assert_eq!((body[0].name.as_str(), x_total_count), ("||", None));
        let answer = anonymous
            .list_pets(api::ListPetsRequest {
                x_request_tag: Some("fail".into()),
                ..api::ListPetsRequest::default()
            })
            .await
            .expect("an error answer");
        let api::ListPetsResponse::Default { status, body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!(
            (status.as_u16(), body.code, body.message.as_str()),
            (503, Some(7), "down")
        );

        // createPet: a body parameter, under the global apiKey requirement.
        let new_pet: api::types::NewPet = typed(json!({"name": "Rex", "tag": null, "kind": "dog"}));
        let answer = keyed
            .create_pet(api::CreatePetRequest::new(new_pet.clone()))
            .await
            .expect("created");
        let api::CreatePetResponse::Created { body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!(
            serde_json::to_value(body).expect("JSON"),
            json!({"id": 7, "name": "Rex", "tag": null, "kind": "dog"})
        );
        let taken: api::types::NewPet = typed(json!({"name": "taken", "tag": "x"}));
        let answer = keyed
            .create_pet(api::CreatePetRequest::new(taken.clone()))
            .await
            .expect("an error answer");
        let api::CreatePetResponse::Default { status, body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!(status.as_u16(), 409);
        assert_eq!(body.message, format!("{taken:?}"));
        // Without the key the server's 401 is `default`'s, its error body an `Error`.
        let answer = anonymous
            .create_pet(api::CreatePetRequest::new(new_pet))
            .await
            .expect("refused");
        let api::CreatePetResponse::Default { status, body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!(status.as_u16(), 401);
        assert!(!body.message.is_empty());

        // getPet: basic credentials; an empty 404.
        let answer = basic
            .get_pet(api::GetPetRequest::new(3))
            .await
            .expect("a pet");
        let api::GetPetResponse::Ok { body } = answer else {
            panic!("{answer:?}");
        };
        assert_eq!((body.id, body.name.as_str()), (3, "ann"));
        let answer = basic
            .get_pet(api::GetPetRequest::new(404))
            .await
            .expect("no pet");
        assert!(
            matches!(answer, api::GetPetResponse::NotFound),
            "{answer:?}"
        );
        let error = keyed
            .get_pet(api::GetPetRequest::new(3))
            .await
            .expect_err("a key is not enough");
        let ClientError::UndeclaredStatus { status, .. } = error else {
            panic!("{error:?}");
        };
        assert_eq!(status.as_u16(), 401);

        // deletePet: either scheme.
        for client in [&basic, &keyed] {
            let answer = client
                .delete_pet(api::DeletePetRequest::new(3))
                .await
                .expect("deleted");
            assert!(matches!(answer, api::DeletePetResponse::NoContent));
        }
        let error = anonymous
            .delete_pet(api::DeletePetRequest::new(3))
            .await
            .expect_err("no credentials");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));

        // updatePetWithForm: formData as a form, a `multi` list in it.
        let api::UpdatePetWithFormResponse::Ok { body } = keyed
            .update_pet_with_form(api::UpdatePetWithFormRequest::new(
                3,
                typed(json!({"name": "Rex & co", "nicknames": ["R", "Rexy=1"]})),
            ))
            .await
            .expect("updated");
        assert_eq!((body.id, body.name.as_str()), (3, "Rex & co (R, Rexy=1)"));

        // uploadPhoto: a `type: file` part; answers in JSON and XML, 200 and default.
        let photo = api::UploadPhotoMultipart {
            caption: Some("on the \"beach\"".into()),
            file: specfirst_runtime::Part {
                bytes: specfirst_runtime::Bytes::from_static(b"\x89PNG"),
                filename: Some("rex.png".into()),
                content_type: Some("image/png".into()),
            },
        };
        let answer = keyed
            .upload_photo(api::UploadPhotoRequest::new(3, photo.clone()))
            .await
            .expect("uploaded");
        let api::UploadPhotoResponse::Ok {
            body: api::UploadPhotoResponseOkBody::ApplicationJson(body),
        } = answer
        else {
            panic!("{answer:?}");
        };
        assert_eq!(body.caption, Some(format!("3 {photo:?}")));
        for (caption, status) in [("xml", 200), ("broken", 502), ("broken xml", 502)] {
            let photo = api::UploadPhotoMultipart {
                caption: Some(caption.into()),
                file: specfirst_runtime::Part::default(),
            };
            let received = format!("3 {photo:?}");
            let answer = keyed
                .upload_photo(api::UploadPhotoRequest::new(3, photo))
                .await
                .expect(caption);
            let expected = match status {
                200 => api::UploadPhotoResponse::Ok {
                    body: api::UploadPhotoResponseOkBody::ApplicationXml(received.into()),
                },
                _ if caption == "broken" => api::UploadPhotoResponse::Default {
                    status: specfirst_runtime::StatusCode::BAD_GATEWAY,
                    body: api::UploadPhotoResponseDefaultBody::ApplicationJson(api::types::Error {
                        code: Some(502),
                        message: received,
                    }),
                },
                _ => api::UploadPhotoResponse::Default {
                    status: specfirst_runtime::StatusCode::BAD_GATEWAY,
                    body: api::UploadPhotoResponseDefaultBody::ApplicationXml(received.into()),
                },
            };
            assert_eq!(format!("{answer:?}"), format!("{expected:?}"), "{caption}");
        }

        // getPhoto: a `csv` list of integers, a `type: file` answer.
        let api::GetPhotoResponse::Ok { body } = keyed
            .get_photo(api::GetPhotoRequest {
                pet_id: 3,
                sizes: Some(vec![1, -2]),
            })
            .await
            .expect("a photo");
        assert_eq!(
            format!("{body:?}"),
            format!(
                "{:?}",
                specfirst_runtime::Binary::from("png 3 [1, -2]".to_owned())
            )
        );
    }
}

/// `text` with every byte but the unreserved ones written as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
