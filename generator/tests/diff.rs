//! `specfirst::diff`: one test per kind of change, in the contexts that decide
//! whether it breaks clients.

use serde_json::{json, Value};
use specfirst::diff::{diff, diff_values, Change, ChangeKind, Side};

fn api(paths: Value, components: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": components,
    })
}

/// One operation, `POST /things/{id}`, with an `id` path parameter.
fn with_op(op: Value) -> Value {
    with_op_and(op, json!({}))
}

fn with_op_and(mut op: Value, components: Value) -> Value {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let params = op
        .as_object_mut()
        .expect("an object")
        .entry("parameters")
        .or_insert(json!([]));
    params.as_array_mut().expect("a list").insert(0, id);
    if op.get("responses").is_none() {
        op["responses"] = json!({"204": {"description": "done"}});
    }
    api(json!({"/things/{id}": {"post": op}}), components)
}

fn request_with(schema: Value) -> Value {
    with_op(json!({
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
    }))
}

fn response_with(schema: Value) -> Value {
    with_op(json!({
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}},
    }))
}

fn param_with(param: Value) -> Value {
    with_op(json!({"parameters": [param]}))
}

/// The kinds and verdicts of `changes`, sorted, for exact comparisons.
fn verdicts(changes: &[Change]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = changes
        .iter()
        .map(|c| (format!("{:?}", c.kind), c.breaking))
        .collect();
    out.sort();
    out
}

#[track_caller]
fn expect(old: &Value, new: &Value, expected: &[(ChangeKind, bool)]) -> Vec<Change> {
    let changes = diff_values(old, new);
    let mut want: Vec<(String, bool)> = expected
        .iter()
        .map(|(kind, breaking)| (format!("{kind:?}"), *breaking))
        .collect();
    want.sort();
    assert_eq!(verdicts(&changes), want, "{changes:#?}");
    changes
}

/// A schema change, judged once where clients send the schema and once where they
/// receive it.
#[track_caller]
fn schema_change(old: Value, new: Value, kind: ChangeKind, in_request: bool, in_response: bool) {
    expect(
        &request_with(old.clone()),
        &request_with(new.clone()),
        &[(kind, in_request)],
    );
    expect(
        &response_with(old),
        &response_with(new),
        &[(kind, in_response)],
    );
}

#[test]
fn identical_specs_have_no_changes() {
    let spec = request_with(json!({"type": "object", "properties": {"a": {"type": "string"}}}));
    assert!(diff_values(&spec, &spec).is_empty());
}

#[test]
fn paths_removed_and_added() {
    let old = api(
        json!({"/a": {"get": {"responses": {"204": {"description": "x"}}}}}),
        json!({}),
    );
    let new = api(
        json!({"/b": {"get": {"responses": {"204": {"description": "x"}}}}}),
        json!({}),
    );
    let changes = expect(
        &old,
        &new,
        &[
            (ChangeKind::PathRemoved, true),
            (ChangeKind::PathAdded, false),
        ],
    );
    let removed = changes
        .iter()
        .find(|c| c.kind == ChangeKind::PathRemoved)
        .expect("reported");
    assert_eq!(
        (removed.side, removed.pointer.as_str()),
        (Side::Old, "/paths/~1a")
    );
    let added = changes
        .iter()
        .find(|c| c.kind == ChangeKind::PathAdded)
        .expect("reported");
    assert_eq!(
        (added.side, added.pointer.as_str()),
        (Side::New, "/paths/~1b")
    );
}

#[test]
fn renaming_a_path_parameter_is_not_a_change() {
    let op = |name: &str| {
        json!({"get": {
            "parameters": [{"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "x"}},
        }})
    };
    let old = api(json!({"/books/{id}": op("id")}), json!({}));
    let new = api(json!({"/books/{bookId}": op("bookId")}), json!({}));
    expect(&old, &new, &[]);
}

#[test]
fn operations_removed_and_added() {
    let ok = json!({"responses": {"204": {"description": "x"}}});
    let old = api(json!({"/a": {"get": ok, "delete": ok}}), json!({}));
    let new = api(json!({"/a": {"get": ok, "put": ok}}), json!({}));
    expect(
        &old,
        &new,
        &[
            (ChangeKind::OperationRemoved, true),
            (ChangeKind::OperationAdded, false),
        ],
    );
}

#[test]
fn parameters_added() {
    let old = with_op(json!({}));
    expect(
        &old,
        &param_with(
            json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}),
        ),
        &[(ChangeKind::RequiredParameterAdded, true)],
    );
    expect(
        &old,
        &param_with(json!({"name": "q", "in": "query", "schema": {"type": "string"}})),
        &[(ChangeKind::OptionalParameterAdded, false)],
    );
}

#[test]
fn parameter_removed_is_compatible() {
    expect(
        &param_with(
            json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}),
        ),
        &with_op(json!({})),
        &[(ChangeKind::ParameterRemoved, false)],
    );
}

#[test]
fn parameter_made_required_or_optional() {
    let optional = param_with(json!({"name": "q", "in": "query", "schema": {"type": "string"}}));
    let required = param_with(
        json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}),
    );
    expect(
        &optional,
        &required,
        &[(ChangeKind::ParameterMadeRequired, true)],
    );
    expect(
        &required,
        &optional,
        &[(ChangeKind::ParameterMadeOptional, false)],
    );
}

#[test]
fn parameter_style_changed() {
    let array = json!({"type": "array", "items": {"type": "string"}});
    expect(
        &param_with(json!({"name": "q", "in": "query", "schema": array})),
        &param_with(json!({"name": "q", "in": "query", "explode": false, "schema": array})),
        &[(ChangeKind::ParameterStyleChanged, true)],
    );
}

#[test]
fn parameter_types_changed_or_narrowed() {
    let param = |schema: Value| param_with(json!({"name": "q", "in": "query", "schema": schema}));
    expect(
        &param(json!({"type": "integer"})),
        &param(json!({"type": "string"})),
        &[(ChangeKind::TypeChanged, true)],
    );
    expect(
        &param(json!({"type": "integer", "maximum": 100})),
        &param(json!({"type": "integer", "maximum": 50})),
        &[(ChangeKind::ConstraintNarrowed, true)],
    );
    expect(
        &param(json!({"type": "integer", "maximum": 50})),
        &param(json!({"type": "integer", "maximum": 100})),
        &[(ChangeKind::ConstraintWidened, false)],
    );
    // An integer parameter that now takes any number accepts every old value.
    expect(
        &param(json!({"type": "integer"})),
        &param(json!({"type": "number"})),
        &[(ChangeKind::TypeWidened, false)],
    );
}

#[test]
fn parameters_and_schemas_are_compared_through_refs() {
    let inline = param_with(
        json!({"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 10}}),
    );
    let by_ref = with_op_and(
        json!({"parameters": [{"$ref": "#/components/parameters/Q"}]}),
        json!({
            "parameters": {"Q": {"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Short"}}},
            "schemas": {"Short": {"type": "string", "maxLength": 5}},
        }),
    );
    let changes = expect(&inline, &by_ref, &[(ChangeKind::ConstraintNarrowed, true)]);
    assert_eq!(changes[0].pointer, "/components/schemas/Short/maxLength");
}

#[test]
fn request_bodies_added_removed_and_made_required() {
    let none = with_op(json!({}));
    let body = |required: bool| {
        with_op(json!({"requestBody": {
            "required": required,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }}))
    };
    expect(
        &none,
        &body(true),
        &[(ChangeKind::RequiredRequestBodyAdded, true)],
    );
    expect(
        &none,
        &body(false),
        &[(ChangeKind::OptionalRequestBodyAdded, false)],
    );
    expect(
        &body(true),
        &none,
        &[(ChangeKind::RequestBodyRemoved, false)],
    );
    expect(
        &body(false),
        &body(true),
        &[(ChangeKind::RequestBodyMadeRequired, true)],
    );
    expect(
        &body(true),
        &body(false),
        &[(ChangeKind::RequestBodyMadeOptional, false)],
    );
}

#[test]
fn request_bodies_are_compared_through_refs() {
    let old = request_with(json!({"type": "object", "properties": {"a": {"type": "string"}}}));
    let new = with_op_and(
        json!({"requestBody": {"$ref": "#/components/requestBodies/Thing"}}),
        json!({"requestBodies": {"Thing": {
            "required": true,
            "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "required": ["b"],
            }}},
        }}}),
    );
    expect(&old, &new, &[(ChangeKind::RequiredPropertyAdded, true)]);
}

#[test]
fn request_media_types_removed_and_added() {
    let body = |types: &[&str]| {
        let content: serde_json::Map<String, Value> = types
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"type": "object"}})))
            .collect();
        with_op(json!({"requestBody": {"required": true, "content": content}}))
    };
    expect(
        &body(&["application/json", "application/x-www-form-urlencoded"]),
        &body(&["application/json"]),
        &[(ChangeKind::RequestMediaTypeRemoved, true)],
    );
    expect(
        &body(&["application/json"]),
        &body(&["application/json", "text/plain"]),
        &[(ChangeKind::RequestMediaTypeAdded, false)],
    );
}

#[test]
fn response_statuses_removed_and_added() {
    let responses = |statuses: &[&str]| {
        let map: serde_json::Map<String, Value> = statuses
            .iter()
            .map(|s| (s.to_string(), json!({"description": "x"})))
            .collect();
        with_op(json!({"responses": map}))
    };
    expect(
        &responses(&["200", "201"]),
        &responses(&["201"]),
        &[(ChangeKind::ResponseStatusRemoved, true)],
    );
    expect(
        &responses(&["200", "404"]),
        &responses(&["200"]),
        &[(ChangeKind::ResponseStatusRemoved, false)],
    );
    expect(
        &responses(&["200"]),
        &responses(&["200", "409"]),
        &[(ChangeKind::ResponseStatusAdded, false)],
    );
}

#[test]
fn response_media_types_removed_and_added() {
    let responses = |status: &str, types: &[&str]| {
        let content: serde_json::Map<String, Value> = types
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"type": "string"}})))
            .collect();
        with_op(json!({"responses": {status: {"description": "x", "content": content}}}))
    };
    expect(
        &responses("200", &["application/json", "text/plain"]),
        &responses("200", &["application/json"]),
        &[(ChangeKind::ResponseMediaTypeRemoved, true)],
    );
    expect(
        &responses("400", &["application/json", "text/plain"]),
        &responses("400", &["application/json"]),
        &[(ChangeKind::ResponseMediaTypeRemoved, false)],
    );
    expect(
        &responses("200", &["application/json"]),
        &responses("200", &["application/json", "text/plain"]),
        &[(ChangeKind::ResponseMediaTypeAdded, false)],
    );
}

#[test]
fn responses_are_compared_through_refs() {
    let old = response_with(json!({"type": "string", "enum": ["a"]}));
    let new = with_op_and(
        json!({"responses": {"200": {"$ref": "#/components/responses/Thing"}}}),
        json!({"responses": {"Thing": {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "string", "enum": ["a", "b"]}}},
        }}}),
    );
    expect(&old, &new, &[(ChangeKind::EnumValueAdded, true)]);
}

#[test]
fn security_added_and_removed() {
    let schemes = json!({"securitySchemes": {
        "key": {"type": "apiKey", "in": "header", "name": "x-key"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }});
    let secured = |security: Option<Value>| {
        let mut op = json!({});
        if let Some(security) = security {
            op["security"] = security;
        }
        with_op_and(op, schemes.clone())
    };
    let public = secured(None);
    let bearer = secured(Some(json!([{"bearer": []}])));
    let either = secured(Some(json!([{"bearer": []}, {"key": []}])));
    expect(
        &public,
        &bearer,
        &[(ChangeKind::SecurityRequirementAdded, true)],
    );
    expect(
        &bearer,
        &public,
        &[(ChangeKind::SecurityRequirementRemoved, false)],
    );
    // A new alternative admits every old caller; dropping one strands its users.
    expect(
        &bearer,
        &either,
        &[(ChangeKind::SecurityRequirementRemoved, false)],
    );
    expect(
        &either,
        &bearer,
        &[(ChangeKind::SecurityRequirementAdded, true)],
    );
    // `security: []` makes the operation public again.
    expect(
        &bearer,
        &secured(Some(json!([]))),
        &[(ChangeKind::SecurityRequirementRemoved, false)],
    );

    // A scope more is a requirement more; the global requirement applies too.
    let scoped = |scopes: Value| {
        let mut doc = with_op_and(json!({}), schemes.clone());
        doc["security"] = json!([{"bearer": scopes}]);
        doc
    };
    expect(
        &scoped(json!(["read"])),
        &scoped(json!(["read", "write"])),
        &[(ChangeKind::SecurityRequirementAdded, true)],
    );
    expect(
        &scoped(json!(["read", "write"])),
        &scoped(json!(["read"])),
        &[(ChangeKind::SecurityRequirementRemoved, false)],
    );
}

#[test]
fn type_changed_is_breaking_both_ways() {
    schema_change(
        json!({"type": "string"}),
        json!({"type": "boolean"}),
        ChangeKind::TypeChanged,
        true,
        true,
    );
    schema_change(
        json!({"type": "string", "format": "date"}),
        json!({"type": "string", "format": "date-time"}),
        ChangeKind::TypeChanged,
        true,
        true,
    );
}

#[test]
fn nullable_widens_and_narrows() {
    schema_change(
        json!({"type": "string"}),
        json!({"type": "string", "nullable": true}),
        ChangeKind::TypeWidened,
        false,
        true,
    );
    schema_change(
        json!({"type": "string", "nullable": true}),
        json!({"type": "string"}),
        ChangeKind::TypeNarrowed,
        true,
        false,
    );
    schema_change(
        json!({"type": "number"}),
        json!({"type": "integer"}),
        ChangeKind::TypeNarrowed,
        true,
        false,
    );
}

#[test]
fn enum_values_added_and_removed() {
    schema_change(
        json!({"type": "string", "enum": ["a", "b"]}),
        json!({"type": "string", "enum": ["a", "b", "c"]}),
        ChangeKind::EnumValueAdded,
        false,
        true,
    );
    schema_change(
        json!({"type": "string", "enum": ["a", "b"]}),
        json!({"type": "string", "enum": ["a"]}),
        ChangeKind::EnumValueRemoved,
        true,
        false,
    );
}

#[test]
fn narrowed_constraints_break_requests() {
    for (old, new) in [
        (
            json!({"type": "string", "maxLength": 10}),
            json!({"type": "string", "maxLength": 5}),
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "maxLength": 5}),
        ),
        (
            json!({"type": "string", "minLength": 1}),
            json!({"type": "string", "minLength": 2}),
        ),
        (
            json!({"type": "integer", "maximum": 10}),
            json!({"type": "integer", "maximum": 9}),
        ),
        (
            json!({"type": "integer", "minimum": 0}),
            json!({"type": "integer", "minimum": 1}),
        ),
        (
            json!({"type": "integer", "maximum": 10}),
            json!({"type": "integer", "maximum": 10, "exclusiveMaximum": true}),
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "pattern": "^[a-z]+$"}),
        ),
        (
            json!({"type": "array", "items": {"type": "string"}, "maxItems": 3}),
            json!({"type": "array", "items": {"type": "string"}, "maxItems": 2}),
        ),
        (
            json!({"type": "array", "items": {"type": "string"}}),
            json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true}),
        ),
        (
            json!({"type": "object"}),
            json!({"type": "object", "additionalProperties": false}),
        ),
        (
            json!({"type": "integer"}),
            json!({"type": "integer", "multipleOf": 2}),
        ),
    ] {
        schema_change(
            old.clone(),
            new.clone(),
            ChangeKind::ConstraintNarrowed,
            true,
            false,
        );
        // The reverse change widens: compatible for requests, breaking for responses.
        schema_change(new, old, ChangeKind::ConstraintWidened, false, true);
    }
}

#[test]
fn a_different_pattern_breaks_both_ways() {
    schema_change(
        json!({"type": "string", "pattern": "^a"}),
        json!({"type": "string", "pattern": "^b"}),
        ChangeKind::ConstraintChanged,
        true,
        true,
    );
}

#[test]
fn constraints_inside_arrays_and_maps_are_compared() {
    schema_change(
        json!({"type": "array", "items": {"type": "string", "maxLength": 9}}),
        json!({"type": "array", "items": {"type": "string", "maxLength": 8}}),
        ChangeKind::ConstraintNarrowed,
        true,
        false,
    );
    schema_change(
        json!({"type": "object", "additionalProperties": {"type": "integer"}}),
        json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ChangeKind::TypeChanged,
        true,
        true,
    );
}

#[test]
fn properties_removed() {
    let open = |props: Value| json!({"type": "object", "properties": props});
    schema_change(
        open(json!({"a": {"type": "string"}, "b": {"type": "string"}})),
        open(json!({"a": {"type": "string"}})),
        ChangeKind::PropertyRemoved,
        false,
        true,
    );
    // A closed request schema now rejects what old clients send.
    let closed = json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false});
    expect(
        &request_with(
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "additionalProperties": false}),
        ),
        &request_with(closed),
        &[(ChangeKind::PropertyRemoved, true)],
    );
}

#[test]
fn properties_added() {
    let old = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let optional =
        json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
    schema_change(
        old.clone(),
        optional,
        ChangeKind::PropertyAdded,
        false,
        false,
    );
    let required = json!({
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["b"],
    });
    expect(
        &request_with(old.clone()),
        &request_with(required.clone()),
        &[(ChangeKind::RequiredPropertyAdded, true)],
    );
    expect(
        &response_with(old.clone()),
        &response_with(required),
        &[(ChangeKind::PropertyAdded, false)],
    );
    // Clients never send a read-only property, so requiring it asks nothing of them.
    let read_only = json!({
        "type": "object",
        "properties": {"a": {"type": "string"}, "id": {"type": "string", "readOnly": true}},
        "required": ["id"],
    });
    expect(
        &request_with(old),
        &request_with(read_only),
        &[(ChangeKind::PropertyAdded, false)],
    );
}

#[test]
fn properties_made_required_or_optional() {
    let object = |required: Value| json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": required});
    schema_change(
        object(json!([])),
        object(json!(["a"])),
        ChangeKind::PropertyMadeRequired,
        true,
        false,
    );
    schema_change(
        object(json!(["a"])),
        object(json!([])),
        ChangeKind::PropertyMadeOptional,
        false,
        true,
    );
}

#[test]
fn variants_added_and_removed() {
    let components = json!({"schemas": {
        "Cat": {"type": "object", "properties": {"meow": {"type": "string"}}},
        "Dog": {"type": "object", "properties": {"bark": {"type": "string"}}},
    }});
    let one_of = |refs: &[&str], request: bool| {
        let schema = json!({"oneOf": refs.iter().map(|r| json!({"$ref": format!("#/components/schemas/{r}")})).collect::<Vec<_>>()});
        let op = if request {
            json!({"requestBody": {"required": true, "content": {"application/json": {"schema": schema}}}})
        } else {
            json!({"responses": {"200": {"description": "x", "content": {"application/json": {"schema": schema}}}}})
        };
        with_op_and(op, components.clone())
    };
    for (request, added_breaks) in [(true, false), (false, true)] {
        expect(
            &one_of(&["Cat"], request),
            &one_of(&["Cat", "Dog"], request),
            &[(ChangeKind::VariantAdded, added_breaks)],
        );
        expect(
            &one_of(&["Cat", "Dog"], request),
            &one_of(&["Cat"], request),
            &[(ChangeKind::VariantRemoved, !added_breaks)],
        );
        // Order does not matter when members are references.
        expect(
            &one_of(&["Cat", "Dog"], request),
            &one_of(&["Dog", "Cat"], request),
            &[],
        );
    }
}

#[test]
fn unresolvable_schema_changes_are_breaking() {
    schema_change(
        json!({"$ref": "other.yaml#/A"}),
        json!({"$ref": "other.yaml#/B"}),
        ChangeKind::SchemaChanged,
        true,
        true,
    );
}

/// A tree of nodes, each of whose children is a node: comparing it must end.
fn tree(max_length: u64) -> Value {
    with_op_and(
        json!({
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
            "responses": {"200": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Forest"}}}}},
        }),
        json!({"schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": max_length},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "forest": {"$ref": "#/components/schemas/Forest"},
                },
            },
            "Forest": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Node"}},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }}),
    )
}

#[test]
fn recursive_schemas_end_and_report_once_per_direction() {
    assert!(diff_values(&tree(10), &tree(10)).is_empty());
    let changes = expect(
        &tree(10),
        &tree(5),
        &[
            (ChangeKind::ConstraintNarrowed, true),
            (ChangeKind::ConstraintNarrowed, false),
        ],
    );
    for change in &changes {
        assert_eq!(
            change.pointer,
            "/components/schemas/Node/properties/name/maxLength"
        );
    }
}

#[test]
fn a_ref_cycle_with_no_schema_ends() {
    let looping = |ty: &str| {
        with_op_and(
            json!({"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}),
            json!({"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"},
                "C": {"type": ty},
            }}),
        )
    };
    // Neither side resolves and both are written the same: nothing to say.
    expect(&looping("string"), &looping("integer"), &[]);
}

#[test]
fn documents_from_yaml_compare_like_their_json() {
    let old = specfirst::load::Document::from_bytes(
        "old.yaml".as_ref(),
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'204': {description: x}}\n",
    )
    .expect("valid");
    let new = specfirst::load::Document::from_bytes(
        "new.yaml".as_ref(),
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )
    .expect("valid");
    let changes = diff(&old, &new);
    assert_eq!(verdicts(&changes), vec![("PathRemoved".to_string(), true)]);
}

#[test]
fn malformed_documents_do_not_panic() {
    let bad = [
        json!({"paths": []}),
        json!({"paths": {"/a": {"get": []}}}),
        json!({"paths": {"/a": {"get": {"parameters": {"x": 1}, "responses": []}}}}),
        json!({"paths": {"/a": {"get": {"parameters": [1, {"in": 2}], "requestBody": "x", "security": [1]}}}}),
        json!({"paths": {"/a": {"get": {"responses": {"200": {"content": {"a/b": {"schema": {"type": 5, "enum": 3, "properties": 1}}}}}}}}}),
        json!({"paths": {"/{": {"$ref": "#/paths/~1{"}}}),
        json!(null),
    ];
    for old in &bad {
        for new in &bad {
            let _ = diff_values(old, new);
        }
        let _ = diff_values(old, &tree(3));
        let _ = diff_values(&tree(3), old);
    }
}

#[test]
fn response_headers_removed_added_and_compared() {
    let headers = |status: &str, headers: Value| {
        with_op(json!({"responses": {status: {"description": "x", "headers": headers}}}))
    };
    let both = json!({
        "ETag": {"schema": {"type": "string"}},
        "X-Rate": {"schema": {"type": "integer"}},
    });
    let one = json!({"etag": {"schema": {"type": "string"}}});
    expect(
        &headers("200", both.clone()),
        &headers("200", one.clone()),
        &[(ChangeKind::ResponseHeaderRemoved, true)],
    );
    expect(
        &headers("429", both.clone()),
        &headers("429", one.clone()),
        &[(ChangeKind::ResponseHeaderRemoved, false)],
    );
    expect(
        &headers("200", one),
        &headers("200", both),
        &[(ChangeKind::ResponseHeaderAdded, false)],
    );
    expect(
        &headers("200", json!({"X-Rate": {"schema": {"type": "integer"}}})),
        &headers(
            "200",
            json!({"X-Rate": {"schema": {"type": "integer", "nullable": true}}}),
        ),
        &[(ChangeKind::TypeWidened, true)],
    );
}

/// `count` components, each holding the next: deeper than comparisons nest.
fn chain(count: usize, max_length: u64) -> Value {
    let mut schemas = serde_json::Map::new();
    for index in 0..count {
        let next = if index + 1 == count {
            json!({"type": "string", "maxLength": max_length})
        } else {
            json!({"$ref": format!("#/components/schemas/S{}", index + 1)})
        };
        schemas.insert(
            format!("S{index}"),
            json!({"type": "object", "properties": {"next": next}}),
        );
    }
    with_op_and(
        json!({"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}),
        json!({"schemas": schemas}),
    )
}

#[test]
fn long_chains_of_components_are_compared_to_the_end() {
    let changes = expect(
        &chain(2000, 10),
        &chain(2000, 5),
        &[(ChangeKind::ConstraintNarrowed, true)],
    );
    assert_eq!(
        changes[0].pointer,
        "/components/schemas/S1999/properties/next/maxLength"
    );
}

#[test]
fn spelling_out_an_implied_type_is_not_a_change() {
    let implied = json!({"properties": {"a": {"type": "string"}}});
    let explicit = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    expect(
        &request_with(implied.clone()),
        &request_with(explicit.clone()),
        &[],
    );
    expect(&response_with(explicit), &response_with(implied), &[]);
    // A different type is still one.
    expect(
        &request_with(json!({"items": {"type": "string"}})),
        &request_with(json!({"type": "object"})),
        &[(ChangeKind::TypeChanged, true)],
    );
}

#[test]
fn write_only_properties_do_not_matter_in_responses() {
    let with_secret = |required: bool| {
        json!({
            "type": "object",
            "properties": {"name": {"type": "string"}, "password": {"type": "string", "writeOnly": true}},
            "required": if required { json!(["name", "password"]) } else { json!(["name"]) },
        })
    };
    let without =
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]});
    expect(
        &response_with(with_secret(true)),
        &response_with(without.clone()),
        &[],
    );
    expect(
        &response_with(with_secret(true)),
        &response_with(with_secret(false)),
        &[],
    );
    // Clients did send it, though: the server now ignores it.
    expect(
        &request_with(with_secret(true)),
        &request_with(without),
        &[(ChangeKind::PropertyRemoved, false)],
    );
}

#[test]
fn operations_of_additional_methods_are_compared_as_any_other() {
    let item = |purge: Value| {
        api(
            json!({"/a": {
                "get": {"responses": {"204": {"description": "x"}}},
                "additionalOperations": purge,
            }}),
            json!({}),
        )
    };
    let purge = |param: Value| json!({"PURGE": {"parameters": [param], "responses": {"204": {"description": "x"}}}});
    let optional = json!({"name": "q", "in": "query", "schema": {"type": "string"}});
    let required =
        json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}});
    let changes = expect(
        &item(purge(optional.clone())),
        &item(json!({})),
        &[(ChangeKind::OperationRemoved, true)],
    );
    assert!(
        changes[0].message.contains("PURGE /a"),
        "{}",
        changes[0].message
    );
    expect(
        &item(json!({})),
        &item(purge(optional.clone())),
        &[(ChangeKind::OperationAdded, false)],
    );
    let changes = expect(
        &item(purge(optional)),
        &item(purge(required)),
        &[(ChangeKind::ParameterMadeRequired, true)],
    );
    assert_eq!(
        changes[0].pointer,
        "/paths/~1a/additionalOperations/PURGE/parameters/0"
    );
}

#[test]
fn item_schemas_and_part_encodings_of_3_2_are_compared_at_their_input_pointers() {
    let document = |min_length: u32, images: &str| {
        let text = format!(
            "openapi: 3.2.0
info: {{title: t, version: '1'}}
paths:
  /notes:
    post:
      requestBody:
        content:
          multipart/mixed:
            schema:
              type: array
              prefixItems: [{{type: string, minLength: {min_length}}}]
              items: {{type: string, format: binary}}
            prefixEncoding: [{{contentType: text/plain}}]
            itemEncoding: {{contentType: '{images}'}}
      responses:
        '200':
          description: x
          content:
            application/jsonl:
              itemSchema: {{type: string, minLength: {min_length}}}
"
        );
        specfirst::load::Document::from_bytes("notes.yaml".as_ref(), text.as_bytes())
            .expect("valid")
    };
    let pointers = |changes: &[Change]| -> Vec<(String, bool)> {
        changes
            .iter()
            .map(|change| (change.pointer.clone(), change.breaking))
            .collect()
    };
    let media = "/paths/~1notes/post/requestBody/content/multipart~1mixed";
    let lines = "/paths/~1notes/post/responses/200/content/application~1jsonl";
    let changes = diff(
        &document(1, "image/png, image/jpeg"),
        &document(2, "image/png"),
    );
    assert_eq!(
        pointers(&changes),
        vec![
            (format!("{media}/schema/prefixItems/0/minLength"), true),
            (format!("{media}/itemEncoding/contentType"), true),
            (format!("{lines}/itemSchema/minLength"), false),
        ],
        "{changes:#?}"
    );
    assert!(changes[1].message.contains("may no longer be `image/jpeg`"));
    let changes = diff(
        &document(1, "image/png"),
        &document(1, "image/png, image/*"),
    );
    assert_eq!(
        pointers(&changes),
        vec![(format!("{media}/itemEncoding/contentType"), false)]
    );
}
