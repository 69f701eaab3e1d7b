use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use super::*;

fn spec() -> Spec {
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "headers": {
                                "X-Rate": {"required": true, "schema": {"type": "integer", "minimum": 5}},
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Pet"},
                                    "examples": {
                                        "cat": {"value": {"name": "Tom", "kind": "cat"}},
                                        "dog": {"$ref": "#/components/examples/Dog"},
                                    },
                                },
                            },
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                        "5XX": {"description": "trouble"},
                    },
                },
                "delete": {"responses": {"204": {"description": "gone"}, "default": {"description": "error"}}},
            },
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "minLength": 2}, "kind": {"type": "string"}},
                },
            },
            "examples": {"Dog": {"value": {"name": "Rex", "kind": "dog"}}},
            "responses": {
                "NotFound": {
                    "description": "missing",
                    "content": {"application/problem+json": {"example": {"title": "no such pet"}}},
                },
            },
        },
    });
    Spec::parse(&document.to_string())
}

fn prefer(value: &str) -> Prefer {
    let mut headers = HeaderMap::new();
    headers.insert(
        "prefer",
        HeaderValue::from_str(value).expect("a header value"),
    );
    Prefer::from_headers(&headers)
}

fn body(incoming: &Incoming) -> Value {
    incoming.json().expect("a JSON body")
}

#[test]
fn prefer_reads_every_preference_and_ignores_the_rest() {
    assert_eq!(
        prefer("code=404, example=\"cat\"; dynamic=true, respond-async"),
        Prefer {
            code: Some(404),
            example: Some("cat".to_owned()),
            dynamic: true,
        }
    );
    assert_eq!(prefer("wait=5"), Prefer::default());
}

#[test]
fn the_first_success_and_its_first_example_by_default() {
    let incoming = spec()
        .answer("getPet", "GET", "/pets/{id}", &Prefer::default())
        .expect("an answer");
    assert_eq!(incoming.code(), 200);
    assert_eq!(incoming.content_type(), Some("application/json"));
    assert_eq!(body(&incoming), json!({"name": "Tom", "kind": "cat"}));
    let rate: u32 = incoming.required_header("x-rate").expect("the header");
    assert!(rate >= 5, "{rate}");
}

#[test]
fn examples_by_name_and_references() {
    let incoming = spec()
        .answer("getPet", "GET", "/pets/{id}", &prefer("example=dog"))
        .expect("an answer");
    assert_eq!(body(&incoming), json!({"name": "Rex", "kind": "dog"}));
    let error = spec()
        .answer("getPet", "GET", "/pets/{id}", &prefer("example=bird"))
        .expect_err("no such example");
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert!(
        error.external_message.contains("bird"),
        "{}",
        error.external_message
    );
}

#[test]
fn codes_choose_exact_ranges_and_default() {
    let spec = spec();
    let incoming = spec
        .answer("getPet", "GET", "/pets/{id}", &prefer("code=404"))
        .expect("an answer");
    assert_eq!(incoming.code(), 404);
    assert_eq!(incoming.content_type(), Some("application/problem+json"));
    assert_eq!(body(&incoming), json!({"title": "no such pet"}));
    let incoming = spec
        .answer("getPet", "GET", "/pets/{id}", &prefer("code=503"))
        .expect("an answer");
    assert_eq!(incoming.code(), 503);
    let error = spec
        .answer("getPet", "GET", "/pets/{id}", &prefer("code=418"))
        .expect_err("not declared");
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    let incoming = spec
        .answer("deletePet", "DELETE", "/pets/{id}", &prefer("code=409"))
        .expect("default covers it");
    assert_eq!(incoming.code(), 409);
    let incoming = spec
        .answer("deletePet", "DELETE", "/pets/{id}", &Prefer::default())
        .expect("an answer");
    assert_eq!(incoming.code(), 204);
}

#[test]
fn dynamic_answers_fit_the_schema_and_skip_examples() {
    let incoming = spec()
        .answer("getPet", "GET", "/pets/{id}", &prefer("dynamic=true"))
        .expect("an answer");
    let value = body(&incoming);
    let name = value["name"].as_str().expect("a name");
    assert!(name.chars().count() >= 2, "{value}");
    assert_ne!(value, json!({"name": "Tom", "kind": "cat"}));
}

#[test]
fn an_unknown_operation_is_an_internal_error() {
    let error = spec()
        .answer("x", "GET", "/nowhere", &Prefer::default())
        .expect_err("no such path");
    assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
}
