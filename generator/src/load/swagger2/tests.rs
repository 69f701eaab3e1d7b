//! The conversion as a whole: most cases exercise several files at once, since a
//! 2.0 document is only converted whole.

use super::*;

/// A 2.0 document from YAML text, with `swagger` and `info` filled in.
fn doc(yaml: &str) -> Value {
    let mut value: Value = serde_yaml::from_str(yaml).expect("test YAML parses");
    let map = value.as_object_mut().expect("test documents are objects");
    map.insert("swagger".into(), "2.0".into());
    map.entry("info")
        .or_insert(json!({"title": "t", "version": "1"}));
    value
}

fn converted(yaml: &str) -> Converted {
    match convert(&doc(yaml)) {
        Ok(converted) => converted,
        Err(problems) => panic!("unexpected problems: {problems:?}"),
    }
}

fn problems(yaml: &str) -> Vec<(String, String)> {
    match convert(&doc(yaml)) {
        Ok(converted) => panic!("expected problems, converted to {:#}", converted.doc),
        Err(problems) => problems
            .into_iter()
            .map(|d| (d.pointer, d.message))
            .collect(),
    }
}

/// The diagnostics the whole pipeline reports for a 2.0 document, as `pointer: message`.
fn pipeline_problems(yaml: &str) -> Vec<String> {
    let text = serde_json::to_string(&doc(yaml)).expect("a value serializes");
    let document =
        crate::load::Document::from_bytes(std::path::Path::new("t.json"), text.as_bytes())
            .expect("the document loads");
    match crate::lower::lower(&document, &crate::Settings::default()).map(|(api, _)| api) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics
            .items
            .into_iter()
            .map(|d| format!("{}: {}", d.pointer, d.message))
            .collect(),
    }
}

#[test]
fn origins_map_the_longest_prefix() {
    let mut origins = Origins::default();
    assert_eq!(origins.input_pointer("/a/b"), "/a/b");
    origins.record("/components/schemas/X", "/definitions/X");
    origins.record(
        "/components/schemas/X/properties/p/nullable",
        "/definitions/X/properties/p/x-nullable",
    );
    assert_eq!(
        origins.input_pointer("/components/schemas/X"),
        "/definitions/X"
    );
    assert_eq!(
        origins.input_pointer("/components/schemas/X/items/$ref"),
        "/definitions/X/items/$ref"
    );
    assert_eq!(
        origins.input_pointer("/components/schemas/X/properties/p/nullable"),
        "/definitions/X/properties/p/x-nullable"
    );
    // Prefixes match whole tokens only.
    assert_eq!(
        origins.input_pointer("/components/schemas/XY"),
        "/components/schemas/XY"
    );
    assert_eq!(origins.input_pointer(""), "");
}

#[test]
fn definitions_become_component_schemas() {
    let out = converted(
        r##"
paths: {}
definitions:
  Pet:
    type: object
    discriminator: kind
    properties:
      kind: {type: string}
      tag: {type: string, x-nullable: true}
      owner: {$ref: "#/definitions/Owner", x-nullable: true}
      photo: {type: file}
      tags: {type: array, items: {$ref: "#/definitions/Tag"}}
    additionalProperties: {$ref: "#/definitions/Tag"}
  Owner: {allOf: [{$ref: "#/definitions/Tag"}], x-vendor: 1}
  Tag: {type: [string, "null"]}
"##,
    );
    let schemas = &out.doc["components"]["schemas"];
    let pet = &schemas["Pet"];
    assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(pet["properties"]["tag"]["nullable"], json!(true));
    assert_eq!(
        pet["properties"]["owner"],
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true, "x-nullable": true})
    );
    assert_eq!(
        pet["properties"]["photo"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        pet["properties"]["tags"]["items"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        pet["additionalProperties"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        schemas["Owner"],
        json!({"allOf": [{"$ref": "#/components/schemas/Tag"}], "x-vendor": 1})
    );
    assert_eq!(schemas["Tag"], json!({"type": "string", "nullable": true}));
    assert_eq!(out.doc["openapi"], "3.0.3");
    assert!(out.doc.get("swagger").is_none());
    let origins = &out.origins;
    assert_eq!(
        origins.input_pointer("/components/schemas/Pet/discriminator/propertyName"),
        "/definitions/Pet/discriminator"
    );
    assert_eq!(
        origins.input_pointer("/components/schemas/Pet/properties/owner/allOf/0/$ref"),
        "/definitions/Pet/properties/owner/$ref"
    );
    assert_eq!(
        origins.input_pointer("/components/schemas/Pet/properties/photo/format"),
        "/definitions/Pet/properties/photo/type"
    );
}

#[test]
fn problems_inside_definitions_point_at_the_definition() {
    let problems = pipeline_problems(
        r##"
paths: {}
definitions:
  Pet:
    type: object
    properties:
      owner: {$ref: "owners.yaml#/definitions/Owner"}
"##,
    );
    assert_eq!(
        problems,
        ["/definitions/Pet/properties/owner/$ref: unsupported schema reference `owners.yaml#/definitions/Owner`: only `#/components/schemas/NAME` is supported here"]
    );
}

#[test]
fn problems_in_parameters_and_responses_point_at_what_was_written() {
    let problems = pipeline_problems(
        r##"
paths:
  /a:
    get:
      parameters:
        - {in: body, name: b, schema: {type: object}}
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: p, in: query, type: string, x-ok: 1}
        - {name: rest, in: query, type: object}
        - {name: bad, in: query, type: object}
      responses:
        "200":
          description: ok
          schema: {$ref: "#/definitions/X/properties/y"}
"##,
    );
    assert_eq!(
        problems,
        [
            // Pointed at in the document as written, with the words of a reference to
            // nothing (`definitions` has no `X`).
            "/paths/~1a/get/responses/200/schema/$ref: `$ref` `#/definitions/X/properties/y` points at nothing: the document has no `definitions`",
        ]
    );
}

#[test]
fn conversion_problems_point_at_the_original() {
    let found = problems(
        r##"
paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: h, in: header, type: array, items: {type: string}, collectionFormat: multi}
        - {name: f, in: query, type: file}
        - {name: n, in: query, type: array, items: {type: array, items: {type: string}}}
        - {name: x, in: cookie, type: string}
        - {name: t, in: query}
      responses: {"200": {description: ok}}
x-ms-paths:
  /b?op=1:
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: tsv}
      responses: {"200": {description: ok}}
"##,
    );
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a/get/parameters/0/collectionFormat",
            "/paths/~1a/get/parameters/1/collectionFormat",
            "/paths/~1a/get/parameters/2/type",
            "/paths/~1a/get/parameters/3/items",
            "/paths/~1a/get/parameters/4/in",
            "/paths/~1a/get/parameters/5",
            "/x-ms-paths/~1b?op=1/get/parameters/0/collectionFormat",
        ]
    );
    assert!(found[0].1.contains("`tsv`"), "{}", found[0].1);
}

#[test]
fn shared_parameters_and_responses_move_to_components() {
    let out = converted(
        r##"
produces: [application/json]
paths:
  /a/{id}:
    parameters:
      - $ref: "#/parameters/id"
    get:
      parameters:
        - $ref: "#/parameters/limit"
        - $ref: "#/parameters/body"
      responses:
        "200": {$ref: "#/responses/Ok"}
    put:
      produces: [text/plain]
      responses:
        "200": {$ref: "#/responses/Ok"}
parameters:
  id: {name: id, in: path, type: string}
  limit: {name: limit, in: query, type: integer, maximum: 10}
  body: {name: body, in: body, schema: {$ref: "#/definitions/X"}}
responses:
  Ok:
    description: fine
    schema: {type: string}
definitions:
  X: {type: object}
"##,
    );
    let doc = &out.doc;
    let components = &doc["components"];
    assert_eq!(
        components["parameters"],
        json!({
            "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}},
        })
    );
    assert_eq!(
        components["responses"]["Ok"],
        json!({"description": "fine", "content": {"application/json": {"schema": {"type": "string"}}}})
    );
    let item = &doc["paths"]["/a/{id}"];
    assert_eq!(
        item["parameters"],
        json!([{"$ref": "#/components/parameters/id"}])
    );
    let get = &item["get"];
    assert_eq!(
        get["parameters"],
        json!([{"$ref": "#/components/parameters/limit"}])
    );
    assert_eq!(
        get["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/X"})
    );
    assert_eq!(
        get["responses"]["200"],
        json!({"$ref": "#/components/responses/Ok"})
    );
    // Another `produces` gets its own copy of the shared response.
    assert_eq!(
        item["put"]["responses"]["200"],
        json!({"description": "fine", "content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    let origins = &out.origins;
    assert_eq!(
        origins.input_pointer(
            "/paths/~1a~1{id}/get/requestBody/content/application~1json/schema/$ref"
        ),
        "/parameters/body/schema/$ref"
    );
    assert_eq!(
        origins.input_pointer("/paths/~1a~1{id}/put/responses/200/content/text~1plain/schema"),
        "/responses/Ok/schema"
    );
    assert_eq!(
        origins.input_pointer("/components/parameters/limit/schema/maximum"),
        "/parameters/limit/maximum"
    );
    assert_eq!(
        origins.input_pointer("/components/responses/Ok/content/application~1json/schema/type"),
        "/responses/Ok/schema/type"
    );
}

#[test]
fn security_definitions_become_schemes() {
    let out = converted(
        r##"
paths: {}
security: [{key: []}]
securityDefinitions:
  basic: {type: basic, description: d}
  key: {type: apiKey, name: k, in: query, x-v: 1}
  implicit: {type: oauth2, flow: implicit, authorizationUrl: "https://a", scopes: {read: r}}
  password: {type: oauth2, flow: password, tokenUrl: "https://t"}
  application: {type: oauth2, flow: application, tokenUrl: "https://t", scopes: {}}
  code: {type: oauth2, flow: accessCode, authorizationUrl: "https://a", tokenUrl: "https://t", scopes: {}}
"##,
    );
    assert_eq!(out.doc["security"], json!([{"key": []}]));
    assert_eq!(
        out.doc["components"]["securitySchemes"],
        json!({
            "basic": {"type": "http", "scheme": "basic", "description": "d"},
            "key": {"type": "apiKey", "name": "k", "in": "query", "x-v": 1},
            "implicit": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"read": "r"}}}},
            "password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}},
            "application": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}},
            "code": {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}}},
        })
    );
    assert_eq!(
        out.origins
            .input_pointer("/components/securitySchemes/code/flows/authorizationCode/tokenUrl"),
        "/securityDefinitions/code/tokenUrl"
    );
    let found = problems(
        r##"
paths: {}
securityDefinitions:
  a: {type: digest}
  b: {type: oauth2, flow: device}
  c: {type: oauth2, flow: password}
  d: 7
"##,
    );
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/securityDefinitions/a/type",
            "/securityDefinitions/b/flow",
            "/securityDefinitions/c",
            "/securityDefinitions/d"
        ]
    );
}

#[test]
fn host_base_path_and_schemes_become_servers() {
    let servers = |yaml: &str| converted(yaml).doc.get("servers").cloned();
    assert_eq!(servers("paths: {}"), None);
    assert_eq!(
        servers("{paths: {}, host: h.io, basePath: /v1, schemes: [https, http]}"),
        Some(json!([{"url": "https://h.io/v1"}, {"url": "http://h.io/v1"}]))
    );
    assert_eq!(
        servers("{paths: {}, host: h.io}"),
        Some(json!([{"url": "//h.io"}]))
    );
    assert_eq!(
        servers("{paths: {}, basePath: /v2}"),
        Some(json!([{"url": "/v2"}]))
    );
    // An operation's own `schemes` become its own `servers`, on the document's host.
    let out = converted(
        r##"
host: h.io
paths:
  /a: {get: {schemes: [wss], responses: {"200": {description: ok}}}}
"##,
    );
    assert_eq!(
        out.doc["paths"]["/a"]["get"]["servers"],
        json!([{"url": "wss://h.io"}])
    );
    assert_eq!(
        out.origins.input_pointer("/paths/~1a/get/servers/0"),
        "/paths/~1a/get/schemes/0"
    );
}

#[test]
fn consumes_and_produces_choose_media_types() {
    let out = converted(
        r##"
consumes: [application/json, application/xml]
produces: [application/xml]
paths:
  /a:
    post:
      consumes: [text/plain]
      parameters:
        - {in: body, name: b, required: true, description: d, x-e: 1, schema: {type: string}}
      responses:
        "200": {description: ok, schema: {type: string}}
    put:
      produces: [application/json, text/plain]
      parameters:
        - {in: body, name: b, schema: {type: string}}
      responses:
        "200": {description: ok, schema: {type: string}}
  /b:
    get:
      produces: []
      responses:
        "200": {description: ok, schema: {type: string}}
"##,
    );
    let a = &out.doc["paths"]["/a"];
    assert_eq!(
        a["post"]["requestBody"],
        json!({"required": true, "description": "d", "x-e": 1, "content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    assert_eq!(
        a["post"]["responses"]["200"]["content"],
        json!({"application/xml": {"schema": {"type": "string"}}})
    );
    let put = &a["put"];
    let body_types: Vec<&String> = put["requestBody"]["content"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(body_types, ["application/json", "application/xml"]);
    let response_types: Vec<&String> = put["responses"]["200"]["content"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(response_types, ["application/json", "text/plain"]);
    // With no media type at all, JSON is what 2.0 tools assumed.
    assert_eq!(
        out.doc["paths"]["/b"]["get"]["responses"]["200"]["content"],
        json!({"application/json": {"schema": {"type": "string"}}})
    );
}

#[test]
fn form_parameters_become_one_object_body() {
    let out = converted(
        r##"
paths:
  /form:
    parameters:
      - {name: shared, in: formData, type: string}
    post:
      parameters:
        - {name: id, in: path, required: true, type: integer}
        - {name: name, in: formData, required: true, type: string, description: d}
        - {name: tags, in: formData, type: array, items: {type: string}}
        - {name: all, in: formData, type: array, items: {type: string}, collectionFormat: multi}
      responses: {"200": {description: ok}}
  /upload:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: file, in: formData, type: file}
      responses: {"200": {description: ok}}
  /multi:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: note, in: formData, type: string}
      responses: {"200": {description: ok}}
"##,
    );
    let form = &out.doc["paths"]["/form"]["post"];
    assert_eq!(
        form["parameters"],
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}])
    );
    assert_eq!(
        form["requestBody"],
        json!({"required": true, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {
                "name": {"type": "string", "description": "d"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "all": {"type": "array", "items": {"type": "string"}},
                "shared": {"type": "string"},
            }, "required": ["name"]},
            "encoding": {"tags": {"style": "form", "explode": false}},
        }}})
    );
    assert!(out.doc["paths"]["/form"].get("parameters").is_none());
    assert_eq!(
        out.doc["paths"]["/upload"]["post"]["requestBody"],
        json!({"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}}}})
    );
    let multi = &out.doc["paths"]["/multi"]["post"]["requestBody"]["content"];
    assert!(multi.get("multipart/form-data").is_some(), "{multi}");
    assert_eq!(
        out.origins.input_pointer("/paths/~1form/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/shared/type"),
        "/paths/~1form/parameters/0/type"
    );
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1form/post/parameters/0/schema/type"),
        "/paths/~1form/post/parameters/0/type"
    );
    let found = problems(
        r##"
paths:
  /a:
    post:
      parameters:
        - {in: body, name: a, schema: {type: string}}
        - {in: formData, name: b, type: string}
      responses: {"200": {description: ok}}
    put:
      parameters:
        - {in: body, name: a, schema: {type: string}}
        - {in: body, name: b, schema: {type: string}}
      responses: {"200": {description: ok}}
    patch:
      parameters:
        - {in: body, name: a}
      responses: {"200": {description: ok}}
"##,
    );
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a/post/parameters/1",
            "/paths/~1a/put/parameters/1",
            "/paths/~1a/patch/parameters/0"
        ]
    );
}

#[test]
fn collection_formats_become_styles() {
    let out = converted(
        r##"
paths:
  /a/{p}:
    get:
      parameters:
        - {name: p, in: path, required: true, type: array, items: {type: string}}
        - {name: c, in: query, type: array, items: {type: string}, collectionFormat: csv}
        - {name: d, in: query, type: array, items: {type: string}}
        - {name: m, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: s, in: query, type: array, items: {type: string}, collectionFormat: ssv}
        - {name: b, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: h, in: header, type: array, items: {type: string}}
        - {name: e, in: query, type: string, enum: [x], default: x, x-ex: 1, allowEmptyValue: true}
      responses: {"200": {description: ok}}
"##,
    );
    let params = &out.doc["paths"]["/a/{p}"]["get"]["parameters"];
    let styles: Vec<(Value, Value)> = (0..7)
        .map(|i| (params[i]["style"].clone(), params[i]["explode"].clone()))
        .collect();
    assert_eq!(
        styles,
        [
            (json!("simple"), json!(false)),
            (json!("form"), json!(false)),
            (json!("form"), json!(false)),
            (json!("form"), json!(true)),
            (json!("spaceDelimited"), json!(false)),
            (json!("pipeDelimited"), json!(false)),
            (json!("simple"), json!(false)),
        ]
    );
    assert_eq!(
        params[7],
        json!({"name": "e", "in": "query", "x-ex": 1, "allowEmptyValue": true, "schema": {"type": "string", "enum": ["x"], "default": "x"}})
    );
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1a~1{p}/get/parameters/5/style"),
        "/paths/~1a~1{p}/get/parameters/5/collectionFormat"
    );
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1a~1{p}/get/parameters/2/explode"),
        "/paths/~1a~1{p}/get/parameters/2"
    );
}

#[test]
fn responses_keep_headers_and_examples() {
    let out = converted(
        r##"
paths:
  /a:
    get:
      operationId: getA
      summary: s
      description: d
      tags: [t]
      deprecated: true
      externalDocs: {url: "https://docs"}
      x-op: 1
      produces: [application/json, text/csv]
      responses:
        "200":
          description: ok
          x-r: 2
          headers:
            X-Rate: {type: integer, format: int32, description: rate}
            X-List: {type: array, items: {type: string}}
          schema: {type: object}
          examples:
            application/json: {a: 1}
            application/xml: "<a/>"
        "204": {description: none}
        x-ext: 3
"##,
    );
    let get = &out.doc["paths"]["/a"]["get"];
    for key in [
        "operationId",
        "summary",
        "description",
        "tags",
        "deprecated",
        "externalDocs",
        "x-op",
    ] {
        assert!(get.get(key).is_some(), "{key} was dropped");
    }
    assert_eq!(
        get["responses"],
        json!({
            "200": {
                "description": "ok",
                "x-r": 2,
                "headers": {
                    "X-Rate": {"description": "rate", "schema": {"type": "integer", "format": "int32"}},
                    "X-List": {"schema": {"type": "array", "items": {"type": "string"}}},
                },
                "content": {
                    "application/json": {"schema": {"type": "object"}, "example": {"a": 1}},
                    "text/csv": {"schema": {"type": "object"}},
                },
            },
            "204": {"description": "none"},
            "x-ext": 3,
        })
    );
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1a/get/responses/200/headers/X-Rate/schema/format"),
        "/paths/~1a/get/responses/200/headers/X-Rate/format"
    );
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1a/get/responses/200/content/application~1json/example"),
        "/paths/~1a/get/responses/200/examples/application~1json"
    );
}

#[test]
fn x_ms_paths_join_paths() {
    let out = converted(
        r##"
paths:
  /a: {get: {responses: {"200": {description: ok}}}}
  x-note: kept
x-ms-paths:
  /a?op=b:
    get:
      parameters:
        - {name: q, in: query, type: string}
      responses: {"200": {description: ok}}
"##,
    );
    let paths = out.doc["paths"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>());
    assert_eq!(
        paths,
        Some(vec!["/a".into(), "x-note".into(), "/a?op=b".into()])
    );
    assert!(out.doc.get("x-ms-paths").is_none());
    assert_eq!(
        out.origins
            .input_pointer("/paths/~1a?op=b/get/parameters/0/schema/type"),
        "/x-ms-paths/~1a?op=b/get/parameters/0/type"
    );
    let found = problems(
        r##"
paths:
  /a: {get: {responses: {"200": {description: ok}}}}
x-ms-paths:
  /a: {get: {responses: {"200": {description: ok}}}}
"##,
    );
    assert_eq!(found[0].0, "/x-ms-paths/~1a");
}

#[test]
fn top_level_fields_and_extensions_are_kept() {
    let out = converted(
        r##"
info: {title: t, version: "1", description: d, x-logo: l}
tags: [{name: a, description: b}]
externalDocs: {url: "https://e"}
x-top: 1
paths: {}
"##,
    );
    assert_eq!(out.doc["info"]["x-logo"], "l");
    assert_eq!(out.doc["tags"][0]["name"], "a");
    assert_eq!(out.doc["externalDocs"]["url"], "https://e");
    assert_eq!(out.doc["x-top"], 1);
}

#[test]
fn wrong_versions_and_shapes_are_diagnostics_not_panics() {
    assert!(convert(&json!([])).is_err());
    assert_eq!(
        convert(&json!({"swagger": "1.2"}))
            .err()
            .map(|p| p[0].pointer.clone()),
        Some("/swagger".into())
    );
    assert!(convert(&json!({"swagger": 2.0})).is_err());
    // Every node of the wrong type, at every level: problems or skips, never panics.
    let odd = [
        json!(null),
        json!(1),
        json!("s"),
        json!([1]),
        json!({"a": 1}),
        json!(true),
    ];
    let slots: &[&str] = &[
        "/paths",
        "/paths/~1a",
        "/paths/~1a/get",
        "/paths/~1a/get/parameters",
        "/paths/~1a/get/parameters/0",
        "/paths/~1a/get/parameters/0/in",
        "/paths/~1a/get/parameters/0/items",
        "/paths/~1a/get/parameters/0/collectionFormat",
        "/paths/~1a/get/parameters/0/$ref",
        "/paths/~1a/get/responses",
        "/paths/~1a/get/responses/200",
        "/paths/~1a/get/responses/200/schema",
        "/paths/~1a/get/responses/200/headers",
        "/paths/~1a/get/responses/200/headers/X",
        "/paths/~1a/get/responses/200/$ref",
        "/paths/~1a/get/responses/200/examples",
        "/paths/~1a/parameters",
        "/paths/~1a/get/consumes",
        "/paths/~1a/get/produces",
        "/paths/~1a/get/schemes",
        "/definitions",
        "/definitions/X",
        "/definitions/X/properties",
        "/definitions/X/items",
        "/definitions/X/allOf",
        "/definitions/X/type",
        "/definitions/X/discriminator",
        "/parameters",
        "/parameters/p",
        "/responses",
        "/responses/r",
        "/securityDefinitions",
        "/securityDefinitions/s",
        "/securityDefinitions/s/flow",
        "/securityDefinitions/s/scopes",
        "/consumes",
        "/produces",
        "/host",
        "/basePath",
        "/schemes",
        "/x-ms-paths",
    ];
    let base = doc(r##"
host: h
paths:
  /a:
    parameters: [{name: s, in: formData, type: string}]
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: csv, $ref: "#/parameters/p"}
      responses:
        "200": {description: ok, schema: {type: string}, headers: {X: {type: string}}, $ref: "#/responses/r"}
definitions: {X: {type: object, properties: {}, items: {}, allOf: [], discriminator: d}}
parameters: {p: {name: p, in: body, schema: {}}}
responses: {r: {description: r}}
securityDefinitions: {s: {type: oauth2, flow: password, tokenUrl: t, scopes: {}}}
"##);
    for slot in slots {
        for value in &odd {
            let mut input = base.clone();
            if let Some(node) = input.pointer_mut(slot) {
                *node = value.clone();
            } else if let Some((parent, key)) = slot.rsplit_once('/') {
                if let Some(Value::Object(map)) = input.pointer_mut(parent) {
                    map.insert(key.replace("~1", "/"), value.clone());
                }
            }
            let _ = convert(&input);
            // What the conversion lets through must not break the later stages either.
            let text = serde_json::to_string(&input).unwrap_or_default();
            if let Ok(document) =
                crate::load::Document::from_bytes(std::path::Path::new("t.json"), text.as_bytes())
            {
                let _ =
                    crate::lower::lower(&document, &crate::Settings::default()).map(|(api, _)| api);
            }
        }
    }
}
