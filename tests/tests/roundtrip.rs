//! The round trip: every spec rebuilt from the API model equals its input after
//! normalisation, and each kind of loss is caught with the pointer where it happened.

use serde_json::{json, Value};
use specfirst::ir::{Api, Location};
use specfirst::roundtrip::{compare, emit_document, Difference};
use specfirst::Generator;
use specfirst_tests::{shared_specs, shared_specs_dir, spec_files, workspace_root};

/// A spec using what lowering does not interpret: servers, tags, external docs,
/// extensions at every level, path-level parameters, references to every reusable
/// component kind, several media types, examples, encodings, links, callbacks (one a
/// `$ref`), deprecated parameters, status ranges, a Content-Type header, security
/// overrides, nullable schemas and component names typify would make collide.
const RICH: &str = r##"
openapi: 3.0.3
info:
  title: Rich
  version: "1.0"
  description: Everything at once.
  contact: {name: Someone, email: someone@example.com}
  license: {name: MIT}
  x-logo: {url: "https://example.com/logo.png"}
servers:
  - url: https://api.example.com/v1
    variables: {region: {default: eu}}
tags:
  - name: pets
    description: Pets.
externalDocs: {url: "https://example.com/docs"}
security:
  - oauth: [read]
x-root: 1
paths:
  x-paths-extension: true
  /pets/{petId}:
    summary: One pet.
    x-item: [1, 2]
    parameters:
      - $ref: "#/components/parameters/PetId"
      - name: trace
        in: header
        schema: {type: string}
    get:
      operationId: getPet
      tags: [pets]
      summary: Get a pet.
      description: Returns one pet.
      externalDocs: {url: "https://example.com/get"}
      x-op: {deep: [true]}
      parameters:
        - name: fields
          in: query
          description: Which fields.
          deprecated: true
          explode: false
          schema: {type: array, items: {type: string}}
          example: [name]
        - name: trace
          in: header
          required: true
          schema: {type: string, nullable: true}
      responses:
        "200":
          description: The pet.
          headers:
            Content-Type: {schema: {type: string}}
            X-Rate-Limit:
              $ref: "#/components/headers/RateLimit"
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              examples:
                cat: {$ref: "#/components/examples/Cat"}
            application/xml:
              schema: {$ref: "#/components/schemas/Pet"}
          links:
            self: {operationId: getPet}
        4xx:
          $ref: "#/components/responses/Problem"
        default:
          description: ""
        x-responses-extension: yes
    put:
      operationId: putPet
      security: []
      x-specfirst-body-max-bytes: 1024
      requestBody:
        $ref: "#/components/requestBodies/PetBody"
      callbacks:
        changed:
          "{$request.body#/url}":
            post:
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses: {"200": {description: ok}}
        removed:
          $ref: "#/components/callbacks/Removed"
      responses:
        "204": {description: Stored.}
  /things:
    post:
      requestBody:
        required: true
        x-body: 1
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {n: {type: integer, exclusiveMinimum: true, minimum: 0}}
            encoding: {n: {style: form}}
          text/plain: {}
      responses:
        "201": {description: Made.}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 40, description: The name.}
        tag: {type: string, nullable: true}
        data: {$ref: "#/components/schemas/dataArray"}
        other: {$ref: "#/components/schemas/DataArray"}
    dataArray: {type: array, items: {type: integer}}
    DataArray: {type: array, items: {type: string}}
    Problem:
      type: object
      properties: {detail: {type: string}}
  parameters:
    PetId:
      name: petId
      in: path
      required: true
      schema: {type: integer, format: int64}
    Unused:
      name: unused
      in: query
      schema: {type: string}
  requestBodies:
    PetBody:
      description: A pet.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Pet"}
  responses:
    Problem:
      description: A problem.
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Problem"}
  headers:
    RateLimit:
      description: Requests left.
      required: true
      schema: {type: integer}
  examples:
    Cat: {value: {name: Tom}}
  callbacks:
    Removed:
      "{$request.body#/url}":
        delete:
          responses: {"204": {description: ok}}
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://example.com/token
          scopes: {read: Read things.}
  x-components: {}
"##;

fn rich() -> Generator {
    Generator::from_bytes("rich.yaml", RICH.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn assert_round_trips(generator: &Generator, what: &str) {
    let differences = generator.roundtrip();
    assert!(
        differences.is_empty(),
        "{what}: {} difference(s):\n{}",
        differences.len(),
        differences
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The differences after `corrupt` changes the model.
fn differences_after(corrupt: impl FnOnce(&mut Api)) -> Vec<Difference> {
    let generator = rich();
    let mut api = generator.api().clone();
    corrupt(&mut api);
    compare(generator.document(), &emit_document(&api))
}

fn only(differences: Vec<Difference>) -> Difference {
    assert_eq!(differences.len(), 1, "{differences:#?}");
    differences
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!())
}

fn op<'a>(api: &'a mut Api, id: &str) -> &'a mut specfirst::ir::Operation {
    api.operations
        .iter_mut()
        .find(|op| op.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn project_specs_round_trip() {
    let specs = spec_files(&workspace_root().join("specs"));
    assert!(specs.len() >= 7);
    for spec in specs {
        let generator = Generator::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
        assert_round_trips(&generator, &spec.display().to_string());
    }
}

#[test]
fn shared_specs_round_trip() {
    let dir = shared_specs_dir();
    let mut corpora: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    corpora.sort();
    let mut count = 0;
    for corpus in corpora {
        for spec in shared_specs(&corpus) {
            let generator = Generator::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
            assert_round_trips(&generator, &spec.display().to_string());
            count += 1;
        }
    }
    assert!(count > 0, "../shared/specs holds no spec");
}

#[test]
fn rich_spec_round_trips() {
    let generator = rich();
    assert_round_trips(&generator, "rich");
    // The model renamed a colliding component and normalized schemas for typify; the
    // round trip emits them as written.
    let names: Vec<&str> = generator
        .api()
        .schemas
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(names.contains(&"DataArray2"), "{names:?}");
}

#[test]
fn a_missing_operation_is_caught() {
    let found = only(differences_after(|api| {
        api.operations.retain(|op| op.operation_id != "putPet");
    }));
    assert_eq!(found.pointer, "/paths/~1pets~1{petId}/put");
    assert!(found.input.is_some());
    assert_eq!(found.output, None);
}

#[test]
fn a_changed_parameter_location_is_caught() {
    let found = differences_after(|api| {
        let param = op(api, "getPet")
            .params
            .iter_mut()
            .find(|p| p.name == "fields")
            .unwrap_or_else(|| panic!("no `fields`"));
        param.location = Location::Header;
    });
    let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1pets~1{petId}/get/parameters/query:fields",
            "/paths/~1pets~1{petId}/get/parameters/header:fields",
        ]
    );
    assert_eq!(found[0].output, None);
    assert_eq!(found[1].input, None);
}

#[test]
fn a_dropped_extension_is_caught() {
    let found = only(differences_after(|api| {
        op(api, "getPet").extra.remove("x-op");
    }));
    assert_eq!(found.pointer, "/paths/~1pets~1{petId}/get/x-op");
    assert_eq!(found.input, Some(json!({"deep": [true]})));
    assert_eq!(found.output, None);

    let found = only(differences_after(|api| {
        api.source.extra.remove("x-root");
    }));
    assert_eq!(found.pointer, "/x-root");
}

#[test]
fn a_changed_schema_keyword_is_caught() {
    let found = only(differences_after(|api| {
        let pet = api
            .source
            .schemas
            .iter_mut()
            .find(|(n, _)| n == "Pet")
            .unwrap_or_else(|| panic!("no Pet"));
        pet.1["properties"]["name"]["maxLength"] = json!(41);
    }));
    assert_eq!(
        found.pointer,
        "/components/schemas/Pet/properties/name/maxLength"
    );
    assert_eq!(found.input, Some(json!(40)));
    assert_eq!(found.output, Some(json!(41)));
}

#[test]
fn a_dropped_media_type_is_caught() {
    let found = only(differences_after(|api| {
        let response = op(api, "getPet")
            .responses
            .iter_mut()
            .find(|r| r.variant == "Ok")
            .unwrap_or_else(|| panic!("no 200"));
        response
            .content
            .retain(|m| m.media_type != "application/xml");
    }));
    assert_eq!(
        found.pointer,
        "/paths/~1pets~1{petId}/get/responses/200/content/application~1xml"
    );
}

#[test]
fn a_changed_description_is_caught() {
    let found = only(differences_after(|api| {
        op(api, "getPet").description = Some("Returns a pet.".into());
    }));
    assert_eq!(found.pointer, "/paths/~1pets~1{petId}/get/description");
    assert_eq!(found.input, Some(json!("Returns one pet.")));
    assert_eq!(found.output, Some(json!("Returns a pet.")));
}

#[test]
fn changes_to_the_emitted_document_are_caught() {
    let generator = rich();
    let mut doc: Value = emit_document(generator.api());
    doc["paths"]["/things"]["post"]["requestBody"]["required"] = json!(false);
    doc["info"]["license"]["name"] = json!("Apache-2.0");
    let found = compare(generator.document(), &doc);
    let pointers: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/info/license/name",
            "/paths/~1things/post/requestBody/required"
        ]
    );
}

#[test]
fn a_lost_security_override_is_caught() {
    let found = only(differences_after(|api| {
        let get = op(api, "getPet").security.clone();
        op(api, "putPet").security = get;
    }));
    assert_eq!(found.pointer, "/paths/~1pets~1{petId}/put/security");
    assert_eq!(found.input, None);
}
