//! Tests of values synthesized from schemas, checked by the module's validator and
//! property by property.

use super::checks::is_hostname;
use super::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn doc(schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "components": {"schemas": schemas}})
}

fn named(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn examples(document: &Value, schema: &Value) -> Value {
    synthesize(document, schema, Synthesis::Examples)
}

/// The examples answer and the answers for `seeds` seeds.
fn answers(document: &Value, schema: &Value, seeds: u64) -> Vec<Value> {
    let mut all = vec![examples(document, schema)];
    all.extend((0..seeds).map(|seed| synthesize(document, schema, Synthesis::Dynamic(seed))));
    all
}

/// The module's own validator; the tests below also check each property explicitly.
fn valid(document: &Value, schema: &Value, value: &Value) -> bool {
    Synth::new(document, false, 0).accepts(schema, value, 0)
}

fn matches(pattern: &str, text: &str) -> bool {
    regress::Regex::new(pattern)
        .expect("the test's pattern compiles")
        .find(text)
        .is_some()
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
}

fn int(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("an integer: {value}"))
}

fn object(value: &Value) -> &Map<String, Value> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
}

fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array: {value}"))
}

fn nesting(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn refs_resolve_in_components_definitions_and_any_escaped_pointer() {
    let document = json!({
        "openapi": "3.0.3",
        "paths": {"/pets/{id}": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"type": "integer", "minimum": 7, "maximum": 7}},
        }}}}}},
        "components": {"schemas": {
            "Name": {"type": "string", "enum": ["rex"]},
            "a/b~c": {"type": "boolean", "enum": [false]},
            "Alias": {"$ref": "#/components/schemas/Name"},
        }},
        "definitions": {"Count": {"type": "integer", "minimum": 3, "maximum": 3}},
    });
    for how in [Synthesis::Examples, Synthesis::Dynamic(3)] {
        let made = |schema: Value| synthesize(&document, &schema, how);
        assert_eq!(made(named("Name")), json!("rex"));
        assert_eq!(made(named("Alias")), json!("rex"));
        assert_eq!(made(json!({"$ref": "#/definitions/Count"})), json!(3));
        assert_eq!(made(named("a~1b~0c")), json!(false));
        let pointer = "#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema";
        assert_eq!(made(json!({"$ref": pointer})), json!(7));
    }
}

#[test]
fn unresolvable_refs_and_non_schemas_give_null() {
    let document = doc(json!({
        "Loop": {"$ref": "#/components/schemas/Loop"},
        "A": {"$ref": "#/components/schemas/B"},
        "B": {"$ref": "#/components/schemas/A"},
    }));
    let nulls = [
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"$ref": "other.yaml#/Pet"}),
        json!({"$ref": "#/%zz"}),
        named("Loop"),
        named("A"),
        json!(false),
        json!(3),
        json!("string"),
        json!(null),
        json!([]),
    ];
    for schema in &nulls {
        for value in answers(&document, schema, 5) {
            assert_eq!(value, Value::Null, "{schema}");
        }
    }
}

#[test]
fn malformed_schemas_never_panic() {
    let document = doc(json!({"Self": {"allOf": [{"$ref": "#/components/schemas/Self"}]}}));
    let schemas = [
        json!({"type": 7}),
        json!({"type": "string", "minLength": "x", "maxLength": -1, "pattern": "("}),
        json!({"type": "integer", "minimum": "a", "maximum": 1e308, "multipleOf": 0}),
        json!({"type": "integer", "minimum": -1e308, "maximum": 1e308}),
        json!({"type": "number", "minimum": 10, "maximum": 1, "multipleOf": -2}),
        json!({"type": "array", "items": 5, "minItems": 1e12}),
        json!({"properties": [], "required": [1, "a"]}),
        json!({"allOf": "x", "oneOf": [], "anyOf": [5]}),
        json!({"allOf": [{"$ref": "#/nope"}, true, false, 3, {"type": ["string", 1]}]}),
        json!({"enum": []}),
        json!({"type": "object", "minProperties": 1e9, "additionalProperties": false}),
        json!({"type": "string", "pattern": "^(ab)\\1[\\d-\\w]{2,1}$"}),
        json!({"type": "string", "pattern": "a{99999999999}"}),
        json!({"type": "string", "minLength": 5, "maxLength": 2}),
        json!({"discriminator": {"propertyName": 5}, "oneOf": [{"$ref": 1}]}),
        named("Self"),
    ];
    for schema in &schemas {
        for value in answers(&document, schema, 20) {
            if let Value::Array(items) = &value {
                assert!(items.len() <= MAX_COUNT, "{schema}");
            }
            if let Value::Object(map) = &value {
                assert!(map.len() <= 2 * MAX_COUNT, "{schema}");
            }
        }
    }
    let text = examples(&document, &schemas[1]);
    assert!(text.is_string(), "{text}");
}

#[test]
fn recursive_schemas_end_and_validate() {
    let document = doc(json!({
        "Tree": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        }},
        "List": {"type": "object", "required": ["value", "next"], "properties": {
            "value": {"type": "integer"},
            "next": {"allOf": [{"$ref": "#/components/schemas/List"}], "nullable": true},
        }},
        "List31": {"type": "object", "required": ["next"], "properties": {
            "next": {"anyOf": [{"$ref": "#/components/schemas/List31"}, {"type": "null"}]},
        }},
        "Even": {"type": "object", "properties": {"odd": {"$ref": "#/components/schemas/Odd"}}},
        "Odd": {"type": "object", "properties": {"even": {"$ref": "#/components/schemas/Even"}}},
        "Expr": {"oneOf": [{"$ref": "#/components/schemas/Binary"}, {"type": "integer"}]},
        "Binary": {
            "type": "object",
            "required": ["left", "right"],
            "properties": {
                "left": {"$ref": "#/components/schemas/Expr"},
                "right": {"$ref": "#/components/schemas/Expr"},
            },
            "additionalProperties": false,
        },
    }));
    for name in ["Tree", "List", "List31", "Even", "Odd", "Expr"] {
        for value in answers(&document, &named(name), 30) {
            assert!(valid(&document, &named(name), &value), "{name}: {value}");
            assert!(nesting(&value) <= 2 * MAX_REFS as usize, "{name}: {value}");
        }
    }
    // The examples answer is rich down to the lean depth, then stops.
    let tree = examples(&document, &named("Tree"));
    assert!(array(&tree["children"]).len() == 1, "{tree}");
    assert!(nesting(&tree) >= 2 * LEAN_REFS as usize - 1, "{tree}");
    // A linked list ends with null.
    let mut list = examples(&document, &named("List"));
    let mut links = 0;
    while list.is_object() {
        int(&list["value"]);
        list = list["next"].clone();
        links += 1;
    }
    assert_eq!(list, Value::Null);
    assert!((1..=LEAN_REFS as usize + 1).contains(&links), "{links}");
    // Leaves of the expression are integers, every branch complete.
    fn check_expr(value: &Value) {
        if let Value::Object(map) = value {
            assert_eq!(map.len(), 2, "{value}");
            check_expr(&map["left"]);
            check_expr(&map["right"]);
        } else {
            int(value);
        }
    }
    for value in answers(&document, &named("Expr"), 30) {
        check_expr(&value);
    }
}

#[test]
fn schemas_demanding_infinite_values_are_cut_without_overflowing_the_stack() {
    let document = doc(json!({
        "Node": {"type": "object", "required": ["next"], "properties": {
            "next": {"$ref": "#/components/schemas/Node"},
        }},
        "Wide": {"type": "object", "required": ["a", "b"], "properties": {
            "a": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Wide"}},
            "b": {"allOf": [{"$ref": "#/components/schemas/Wide"}]},
        }},
    }));
    // A small stack, smaller than tokio's workers get.
    let answers = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            ["Node", "Wide"].map(|name| {
                let schema = named(name);
                (
                    synthesize(&document, &schema, Synthesis::Examples),
                    synthesize(&document, &schema, Synthesis::Dynamic(1)),
                )
            })
        })
        .expect("a thread")
        .join()
        .expect("no overflow or panic");
    let (node, _) = &answers[0];
    let mut depth = 0;
    let mut at = node;
    while let Value::Object(map) = at {
        at = &map["next"];
        depth += 1;
    }
    assert_eq!(*at, Value::Null);
    assert!(
        (LEAN_REFS as usize..=MAX_REFS as usize + 1).contains(&depth),
        "{depth}"
    );
}

#[test]
fn types_and_nullability() {
    let document = json!({
        "swagger": "2.0",
        "definitions": {"Maybe": {"type": "string", "x-nullable": true, "minLength": 3}},
    });
    let either = json!({"type": ["string", "null"]});
    let values = answers(&document, &either, 200);
    assert!(values[0].is_string(), "examples prefer a value to null");
    assert!(values.iter().all(|v| v.is_string() || v.is_null()));
    assert!(values.iter().any(Value::is_null) && values.iter().any(Value::is_string));

    let maybe = json!({"$ref": "#/definitions/Maybe"});
    let values = answers(&document, &maybe, 200);
    assert!(values.iter().any(Value::is_null));
    for value in values.iter().filter(|v| !v.is_null()) {
        assert!(text(value).chars().count() >= 3, "{value}");
    }

    let integer = json!({"type": "integer", "nullable": true});
    assert!(examples(&document, &integer).is_i64());
    assert_eq!(examples(&document, &json!({"type": "null"})), Value::Null);
    let several = answers(
        &document,
        &json!({"type": ["integer", "string", "boolean"]}),
        100,
    );
    assert!(several.iter().any(Value::is_i64));
    assert!(several.iter().any(Value::is_string));
    assert!(several.iter().any(Value::is_boolean));
    // A null outside the enum is not chosen, even where the type allows it.
    let closed = json!({"type": ["string", "null"], "enum": ["x"]});
    assert!(answers(&document, &closed, 100)
        .iter()
        .all(|v| *v == json!("x")));
    // Swagger 2.0 files are bytes, which JSON carries as strings.
    assert!(examples(&document, &json!({"type": "file"})).is_string());
    assert!(examples(&document, &json!({"type": "boolean"})).is_boolean());
}

#[test]
fn enum_and_const() {
    let document = doc(json!({}));
    let colors = json!({"type": "string", "enum": ["b", "a"]});
    let values = answers(&document, &colors, 100);
    assert_eq!(values[0], json!("b"));
    assert!(values.iter().all(|v| *v == json!("a") || *v == json!("b")));
    assert!(values.contains(&json!("a")));
    // Values the type refuses are skipped.
    let mixed = json!({"type": "integer", "enum": [null, "x", 3]});
    assert!(answers(&document, &mixed, 20)
        .iter()
        .all(|v| *v == json!(3)));
    let constant = json!({"const": {"k": [1, 2]}});
    assert!(answers(&document, &constant, 10)
        .iter()
        .all(|v| *v == json!({"k": [1, 2]})));
}

#[test]
fn all_of_merges_properties_required_and_the_strictest_constraints() {
    let document = doc(json!({
        "Base": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "minimum": 1},
            "tag": {"type": "string", "maxLength": 10},
            "secret": {"type": "string", "writeOnly": true},
        }},
    }));
    let schema = json!({"allOf": [
        named("Base"),
        {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "minLength": 3},
            "tag": {"type": "string", "minLength": 4},
        }},
        {"properties": {"id": {"maximum": 5, "exclusiveMinimum": 2}}},
    ]});
    let values = answers(&document, &schema, 100);
    assert_eq!(values[0]["id"], json!(3), "{}", values[0]);
    assert!(
        values[0].get("tag").is_some(),
        "examples include optional properties"
    );
    for value in &values {
        assert!(valid(&document, &schema, value), "{value}");
        assert!((3..=5).contains(&int(&value["id"])), "{value}");
        assert!(text(&value["name"]).chars().count() >= 3, "{value}");
        if let Some(tag) = value.get("tag") {
            assert!((4..=10).contains(&text(tag).chars().count()), "{value}");
        }
        assert!(value.get("secret").is_none(), "{value}");
    }

    let numbers = json!({"allOf": [
        {"type": "number", "minimum": 2},
        {"type": "integer", "maximum": 10, "multipleOf": 3},
    ]});
    let values = answers(&document, &numbers, 100);
    assert_eq!(values[0], json!(3));
    assert!(
        values.iter().all(|v| [3, 6, 9].contains(&int(v))),
        "{values:?}"
    );

    let closed = json!({"allOf": [
        {"properties": {"a": {}}, "required": ["a"], "additionalProperties": false},
        {"properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
    ]});
    for value in answers(&document, &closed, 50) {
        let keys: Vec<&String> = object(&value).keys().collect();
        assert_eq!(keys, ["a"], "{value}");
        text(&value["a"]);
    }

    let patterns = json!({"allOf": [
        {"type": "string", "pattern": "^[a-z]+$"},
        {"pattern": "x"},
        {"maxLength": 12},
    ]});
    for value in answers(&document, &patterns, 50) {
        let value = text(&value);
        assert!(matches("^[a-z]+$", value) && value.contains('x'), "{value}");
        assert!(value.chars().count() <= 12, "{value}");
    }
}

#[test]
fn one_of_with_discriminator_sets_the_mapping_key_or_the_schema_name() {
    let document = doc(json!({
        "Pet": {
            "oneOf": [named("Cat"), named("Dog")],
            "discriminator": {
                "propertyName": "petType",
                "mapping": {"kitty": "#/components/schemas/Cat"},
            },
        },
        "Cat": {"type": "object", "required": ["petType", "meows"], "properties": {
            "petType": {"type": "string"},
            "meows": {"type": "boolean"},
        }},
        "Dog": {"type": "object", "required": ["petType", "barks"], "properties": {
            "petType": {"type": "string"},
            "barks": {"type": "boolean"},
        }},
    }));
    let values = answers(&document, &named("Pet"), 100);
    assert_eq!(values[0]["petType"], json!("kitty"), "{}", values[0]);
    let mut kinds = BTreeSet::new();
    for value in &values {
        let kind = text(&value["petType"]);
        match kind {
            "kitty" => assert!(value["meows"].is_boolean() && value.get("barks").is_none()),
            "Dog" => assert!(value["barks"].is_boolean() && value.get("meows").is_none()),
            other => panic!("{other}: {value}"),
        }
        kinds.insert(kind.to_owned());
    }
    assert_eq!(kinds.len(), 2, "seeds choose both members");
}

#[test]
fn one_of_of_a_polymorphic_base_names_each_kind() {
    let document = doc(json!({
        "Shape": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "discriminator": {"propertyName": "kind"},
            "oneOf": [named("Circle"), named("Square")],
        },
        "Circle": {"allOf": [named("Shape"), {"type": "object", "required": ["radius"], "properties": {
            "radius": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
        }}]},
        "Square": {"allOf": [named("Shape"), {"type": "object", "required": ["side"], "properties": {
            "side": {"type": "integer", "minimum": 1},
        }}]},
    }));
    let values = answers(&document, &named("Shape"), 60);
    assert_eq!(values[0]["kind"], json!("Circle"), "{}", values[0]);
    for value in &values {
        assert!(valid(&document, &named("Shape"), value), "{value}");
        match text(&value["kind"]) {
            "Circle" => {
                assert!(value["radius"].as_f64().is_some_and(|r| r > 0.0), "{value}");
                assert!(value.get("side").is_none(), "{value}");
            }
            "Square" => assert!(int(&value["side"]) >= 1, "{value}"),
            other => panic!("{other}: {value}"),
        }
    }
    assert_eq!(
        examples(&document, &named("Square"))["kind"],
        json!("Square")
    );
}

#[test]
fn one_of_answers_match_exactly_one_member() {
    let document = doc(json!({}));
    // Every integer is a number: only a fraction matches one member alone.
    let numeric = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
    for value in answers(&document, &numeric, 50) {
        let x = value
            .as_f64()
            .unwrap_or_else(|| panic!("a number: {value}"));
        assert!(x.fract() != 0.0, "{value}");
    }
    // A uuid is also a string: the plain string is the answer.
    let strings = json!({"oneOf": [{"type": "string", "format": "uuid"}, {"type": "string"}]});
    let uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    for value in answers(&document, &strings, 50) {
        assert!(!matches(uuid, text(&value)), "{value}");
    }
    let objects = json!({"oneOf": [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
        {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
    ]});
    for value in answers(&document, &objects, 50) {
        let map = object(&value);
        assert!(map.contains_key("a") != map.contains_key("b"), "{value}");
    }
}

#[test]
fn any_of_takes_the_first_member_in_examples() {
    let document = doc(json!({}));
    let schema = json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]});
    let value = examples(&document, &schema);
    assert!(text(&value).chars().count() <= 3, "{value}");
    let values = answers(&document, &schema, 50);
    assert!(values.iter().any(Value::is_i64), "seeds vary the member");
    for value in &values {
        assert!(
            value.is_i64() || text(value).chars().count() <= 3,
            "{value}"
        );
    }
}

#[test]
fn objects_required_optional_write_only_and_closed() {
    let document = doc(json!({"Secret": {"type": "string", "writeOnly": true}}));
    let schema = json!({
        "type": "object",
        "required": ["id", "token"],
        "properties": {
            "id": {"type": "integer"},
            "nick": {"type": "string"},
            "secret": {"type": "string", "writeOnly": true},
            "hidden": named("Secret"),
            "created": {"type": "string", "format": "date-time", "readOnly": true},
            "token": {"type": "string", "writeOnly": true},
        },
        "additionalProperties": false,
    });
    let values = answers(&document, &schema, 100);
    let keys: Vec<&String> = object(&values[0]).keys().collect();
    assert_eq!(keys, ["id", "nick", "created", "token"]);
    let mut with_nick = 0;
    for value in &values {
        let map = object(value);
        assert!(
            map.contains_key("id") && map.contains_key("token"),
            "{value}"
        );
        assert!(
            !map.contains_key("secret") && !map.contains_key("hidden"),
            "{value}"
        );
        assert!(
            map.keys()
                .all(|k| ["id", "nick", "created", "token"].contains(&k.as_str())),
            "{value}"
        );
        with_nick += usize::from(map.contains_key("nick"));
    }
    assert!(
        (10..=91).contains(&with_nick),
        "optional properties vary: {with_nick}"
    );

    let at_least = json!({"type": "object", "minProperties": 2, "properties": {
        "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"},
    }});
    for value in answers(&document, &at_least, 100) {
        assert!(object(&value).len() >= 2, "{value}");
    }
    let at_most = json!({"type": "object", "maxProperties": 1, "required": ["a"], "properties": {
        "a": {"type": "string"}, "b": {"type": "string"},
    }});
    for value in answers(&document, &at_most, 50) {
        assert_eq!(object(&value).keys().collect::<Vec<_>>(), ["a"], "{value}");
    }
    let map = json!({"type": "object", "minProperties": 3, "additionalProperties": {
        "type": "integer", "minimum": 5,
    }});
    for value in answers(&document, &map, 50) {
        let entries = object(&value);
        assert!(entries.len() >= 3, "{value}");
        assert!(entries.values().all(|v| int(v) >= 5), "{value}");
    }
    let plain_map = json!({"type": "object", "additionalProperties": {"type": "boolean"}});
    assert_eq!(examples(&document, &plain_map), json!({"key1": true}));
}

#[test]
fn patterns_are_matched() {
    let document = doc(json!({}));
    let oxide = [
        r"^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$",
        r"^[0-9]{3}-[0-9]{4}$",
        r"^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$",
        r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
        r"^([a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))(\.[a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))*$",
        r"^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])/([0-9]|1[0-9]|2[0-9]|3[0-2])$",
        r"^(([a-z]+[a-z0-9]*)(_([a-z0-9]+))*):(([a-z]+[a-z0-9]*)(_([a-z0-9]+))*)$",
        r"^[0-9]{1,5}(-[0-9]{1,5})?$",
        r"^([a-zA-Z0-9_]+|\*|\*\*)(\.([a-zA-Z0-9_]+|\*|\*\*))*$",
        r"^([0-9a-fA-F]{0,2}:){5}[0-9a-fA-F]{0,2}$",
        r"^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))\/([0-9]|[1-9][0-9]|1[0-1][0-9]|12[0-8])$",
        r"^[^a-z]{3}\.[\w\-]{2,4}$",
        r"^\u0041\x42[C-E]?\d*$",
        r"(cat|dog)s?\b",
    ];
    for pattern in oxide {
        let schema = json!({"type": "string", "pattern": pattern});
        let values = answers(&document, &schema, 50);
        for value in &values {
            assert!(matches(pattern, text(value)), "{pattern}: {value}");
        }
    }
    assert_eq!(
        examples(&document, &json!({"type": "string", "pattern": oxide[0]})),
        json!("string")
    );
    assert_eq!(
        examples(&document, &json!({"type": "string", "pattern": oxide[1]})),
        json!("000-0000")
    );
    let digits = answers(
        &document,
        &json!({"type": "string", "pattern": oxide[1]}),
        50,
    );
    let distinct: BTreeSet<&str> = digits.iter().map(text).collect();
    assert!(distinct.len() > 10, "seeds vary the digits: {distinct:?}");

    let lengths =
        json!({"type": "string", "pattern": "^[a-z]+$", "minLength": 10, "maxLength": 12});
    for value in answers(&document, &lengths, 50) {
        let value = text(&value);
        assert!(matches("^[a-z]+$", value), "{value}");
        assert!((10..=12).contains(&value.chars().count()), "{value}");
    }
    let iban = json!({"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", "minLength": 15, "maxLength": 34});
    for value in answers(&document, &iban, 50) {
        let value = text(&value);
        assert!(matches("^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", value), "{value}");
        assert!((15..=34).contains(&value.chars().count()), "{value}");
    }
}

#[test]
fn a_pattern_nothing_matches_gives_a_string_of_the_right_length() {
    let document = doc(json!({}));
    // Matches nothing; the answer is a string within the length bounds.
    let never = json!({"type": "string", "pattern": "^(?!a)a$", "minLength": 2, "maxLength": 4});
    for value in answers(&document, &never, 10) {
        let value = text(&value);
        assert!(!matches("^(?!a)a$", value));
        assert!((2..=4).contains(&value.chars().count()), "{value}");
    }
    // Back-references are outside what candidates are made from.
    let backreference = json!({"type": "string", "pattern": "^(xy)\\1$"});
    assert!(examples(&document, &backreference).is_string());
    // A pattern regress cannot compile is ignored.
    let broken = json!({"type": "string", "pattern": "(", "minLength": 1});
    assert_eq!(examples(&document, &broken), json!("string"));
}

#[test]
fn formats() {
    let document = doc(json!({}));
    let check = |format: &str, value: &str| -> bool {
        match format {
            "date-time" => matches(
                r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$",
                value,
            ),
            "date" => matches(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$", value),
            "time" => matches(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$", value),
            "uuid" => matches(
                "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                value,
            ),
            "email" => matches(r"^[a-z0-9]+@example\.com$", value),
            "uri" | "url" => value.starts_with("https://example.com/"),
            "hostname" => is_hostname(value) && value.contains('.'),
            "ipv4" => value.parse::<Ipv4Addr>().is_ok(),
            "ipv6" => value.parse::<Ipv6Addr>().is_ok(),
            "ip" => value.parse::<IpAddr>().is_ok(),
            "byte" => base64::engine::general_purpose::STANDARD
                .decode(value)
                .is_ok(),
            "int64" => value.parse::<i64>().is_ok(),
            "binary" | "unknown-vendor-format" => !value.is_empty(),
            other => panic!("{other}"),
        }
    };
    for format in [
        "date-time",
        "date",
        "time",
        "uuid",
        "email",
        "uri",
        "url",
        "hostname",
        "ipv4",
        "ipv6",
        "ip",
        "byte",
        "int64",
        "binary",
        "unknown-vendor-format",
    ] {
        let schema = json!({"type": "string", "format": format});
        let values = answers(&document, &schema, 30);
        for value in &values {
            assert!(check(format, text(value)), "{format}: {value}");
        }
        if !matches!(format, "binary" | "unknown-vendor-format") {
            let distinct: BTreeSet<&str> = values.iter().map(text).collect();
            assert!(
                distinct.len() > 1 || format == "int64",
                "{format} varies: {distinct:?}"
            );
        }
    }
    assert_eq!(
        examples(&document, &json!({"type": "string", "format": "date-time"})),
        json!("2024-01-02T03:04:05Z")
    );
    // A format and a length no format value fits: the length wins.
    let short = json!({"type": "string", "format": "uuid", "maxLength": 8});
    assert!(text(&examples(&document, &short)).chars().count() <= 8);

    for (format, low, high) in [
        ("uint8", 0, 255),
        ("int8", -128, 127),
        ("uint16", 0, 65535),
        ("int32", i64::from(i32::MIN), i64::from(i32::MAX)),
    ] {
        let schema = json!({"type": "integer", "format": format});
        for value in answers(&document, &schema, 200) {
            assert!((low..=high).contains(&int(&value)), "{format}: {value}");
        }
    }
    let huge =
        json!({"type": "integer", "format": "uint64", "minimum": 18_446_744_073_709_551_610_u64});
    for value in answers(&document, &huge, 50) {
        let n = value.as_u64().unwrap_or_else(|| panic!("a u64: {value}"));
        assert!(n >= 18_446_744_073_709_551_610, "{value}");
    }
}

#[test]
fn numeric_bounds_and_multiples() {
    let document = doc(json!({}));
    type Case = (Value, Value, Box<dyn Fn(f64) -> bool>);
    let cases: Vec<Case> = vec![
        (
            json!({"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7}),
            json!(14),
            Box::new(|x| x == 14.0),
        ),
        (
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true}),
            json!(1),
            Box::new(|x| (1.0..=9.0).contains(&x) && x.fract() == 0.0),
        ),
        (
            json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 3}),
            json!(1),
            Box::new(|x| x == 1.0 || x == 2.0),
        ),
        (
            json!({"type": "integer", "minimum": -50, "maximum": -40}),
            json!(-40),
            Box::new(|x| (-50.0..=-40.0).contains(&x)),
        ),
        (
            json!({"type": "number", "minimum": 0.5, "maximum": 0.75}),
            json!(0.5),
            Box::new(|x| (0.5..=0.75).contains(&x)),
        ),
        (
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001}),
            json!(0.0005),
            Box::new(|x| x > 0.0 && x < 0.001),
        ),
        (
            json!({"type": "number", "multipleOf": 0.25, "minimum": 1.1}),
            json!(1.25),
            Box::new(|x| x >= 1.1 && (x * 4.0).fract() == 0.0),
        ),
        (
            json!({"type": "number", "multipleOf": 0.01, "minimum": 0.3, "maximum": 0.4}),
            json!(0.3),
            Box::new(|x| {
                (0.3..=0.4).contains(&x) && ((x * 100.0).round() - x * 100.0).abs() < 1e-6
            }),
        ),
        (
            json!({"type": "number", "minimum": 3, "exclusiveMaximum": 3.5}),
            json!(3),
            Box::new(|x| (3.0..3.5).contains(&x)),
        ),
    ];
    for (schema, expected, fits) in &cases {
        let values = answers(&document, schema, 100);
        assert_eq!(&values[0], expected, "{schema}");
        for value in &values {
            let x = value
                .as_f64()
                .unwrap_or_else(|| panic!("a number: {value}"));
            assert!(fits(x), "{schema}: {value}");
            assert!(valid(&document, schema, value), "{schema}: {value}");
            if schema["type"] == "integer" {
                int(value);
            }
        }
    }
}

#[test]
fn arrays_counts_and_unique_items() {
    let document = doc(json!({}));
    let one = json!({"type": "array", "items": {"type": "integer"}});
    assert_eq!(examples(&document, &one), json!([0]));
    let bounded =
        json!({"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4});
    let values = answers(&document, &bounded, 100);
    assert_eq!(array(&values[0]).len(), 2);
    let lengths: BTreeSet<usize> = values.iter().map(|v| array(v).len()).collect();
    assert_eq!(lengths, BTreeSet::from([2, 3, 4]));
    let none = json!({"type": "array", "items": {"type": "integer"}, "maxItems": 0});
    assert!(answers(&document, &none, 20)
        .iter()
        .all(|v| *v == json!([])));

    let unique = [
        json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "string", "enum": ["r", "g", "b"]}}),
        json!({"type": "array", "uniqueItems": true, "minItems": 4, "maxItems": 4, "items": {"type": "integer", "minimum": 0, "maximum": 5}}),
        json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}),
        json!({"type": "array", "uniqueItems": true, "minItems": 2, "items": {"type": "boolean"}}),
        json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "string", "format": "uuid", "example": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}),
    ];
    for schema in &unique {
        for value in answers(&document, schema, 50) {
            let items = array(&value);
            let min =
                usize::try_from(schema["minItems"].as_u64().expect("minItems")).expect("small");
            assert!(items.len() >= min, "{schema}: {value}");
            for (i, a) in items.iter().enumerate() {
                assert!(!items[i + 1..].contains(a), "{schema}: {value}");
            }
            assert!(valid(&document, schema, &value), "{schema}: {value}");
        }
    }
    let tuple = json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false});
    for value in answers(&document, &tuple, 20) {
        let items = array(&value);
        assert!(items.len() <= 2, "{value}");
        if let Some(first) = items.first() {
            text(first);
        }
        if let Some(second) = items.get(1) {
            int(second);
        }
    }
    assert_eq!(array(&examples(&document, &tuple)).len(), 2);
}

#[test]
fn examples_are_used_where_they_fit_and_dynamic_ignores_them() {
    let document = doc(json!({
        "Name": {"type": "string"},
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}}, "example": {"name": "Tom"}},
    }));
    let cases = [
        (
            json!({"type": "string", "example": "tabby"}),
            json!("tabby"),
        ),
        (json!({"type": "integer", "examples": [42, 7]}), json!(42)),
        (json!({"type": "integer", "default": 9}), json!(9)),
        (
            json!({"type": "integer", "example": "nine", "default": 9}),
            json!(9),
        ),
        (
            json!({"$ref": "#/components/schemas/Name", "example": "given"}),
            json!("given"),
        ),
        (named("Pet"), json!({"name": "Tom"})),
        (
            json!({"type": "object", "properties": {
                "name": {"type": "string", "example": "Rex"},
                "age": {"type": "integer", "minimum": 1},
                "owner": named("Pet"),
            }}),
            json!({"name": "Rex", "age": 1, "owner": {"name": "Tom"}}),
        ),
    ];
    for (schema, expected) in &cases {
        assert_eq!(&examples(&document, schema), expected, "{schema}");
        let mut same = 0;
        for seed in 0..20 {
            let value = synthesize(&document, schema, Synthesis::Dynamic(seed));
            same += usize::from(&value == expected);
            assert!(valid(&document, schema, &value), "{schema}: {value}");
        }
        assert!(same < 3, "{schema}: made-up answers ignore examples");
    }
    // An example the schema refuses is passed over.
    let wrong = json!({"type": "string", "format": "uuid", "example": "not-a-uuid"});
    assert_eq!(examples(&document, &wrong), json!(UUID));
    let wrong_pattern = json!({"type": "string", "pattern": "^[0-9]+$", "example": "abc"});
    assert!(matches(
        "^[0-9]+$",
        text(&examples(&document, &wrong_pattern))
    ));
}

#[test]
fn answers_are_deterministic_and_seeds_vary_them() {
    let document = composite();
    let order = named("Order");
    assert_eq!(examples(&document, &order), examples(&document, &order));
    for seed in [0, 1, 99] {
        assert_eq!(
            synthesize(&document, &order, Synthesis::Dynamic(seed)),
            synthesize(&document, &order, Synthesis::Dynamic(seed))
        );
    }
    let distinct: BTreeSet<String> = (0..20)
        .map(|seed| synthesize(&document, &order, Synthesis::Dynamic(seed)).to_string())
        .collect();
    assert_eq!(distinct.len(), 20);
}

fn composite() -> Value {
    doc(json!({
        "Order": {
            "type": "object",
            "required": ["id", "status", "items", "placed", "customer"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": ["new", "paid", "shipped"]},
                "placed": {"type": "string", "format": "date-time"},
                "note": {"type": "string", "nullable": true, "maxLength": 20},
                "code": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
                "total": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1000, "multipleOf": 0.01},
                "quantity": {"type": "integer", "format": "uint16", "minimum": 1},
                "items": {"type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": true, "items": named("Line")},
                "customer": named("Customer"),
                "payment": named("Payment"),
                "tags": {"type": "object", "additionalProperties": {"type": "string", "minLength": 2}},
                "parent": {"allOf": [named("Order")], "nullable": true},
            },
            "additionalProperties": false,
        },
        "Line": {"type": "object", "required": ["sku", "count"], "properties": {
            "sku": {"type": "string", "pattern": "^[a-z]{3}[0-9]{2}$"},
            "count": {"type": "integer", "minimum": 1, "maximum": 9},
        }},
        "Customer": {"allOf": [named("Named"), {"type": "object", "required": ["email"], "properties": {
            "email": {"type": "string", "format": "email"},
            "vip": {"type": "boolean"},
        }}]},
        "Named": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 8},
        }},
        "Payment": {
            "oneOf": [named("Card"), named("Transfer")],
            "discriminator": {"propertyName": "method", "mapping": {
                "card": "#/components/schemas/Card",
                "bank": "#/components/schemas/Transfer",
            }},
        },
        "Card": {"type": "object", "required": ["method", "last4"], "properties": {
            "method": {"type": "string", "enum": ["card"]},
            "last4": {"type": "string", "pattern": "^[0-9]{4}$"},
        }, "additionalProperties": false},
        "Transfer": {"type": "object", "required": ["method", "iban"], "properties": {
            "method": {"type": "string", "enum": ["bank"]},
            "iban": {"type": "string", "minLength": 15, "maxLength": 34, "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]+$"},
        }, "additionalProperties": false},
    }))
}

/// Every constraint of the composite `Order`, checked by hand.
fn check_order(value: &Value) {
    let order = object(value);
    let allowed = [
        "id", "status", "placed", "note", "code", "total", "quantity", "items", "customer",
        "payment", "tags", "parent",
    ];
    assert!(
        order.keys().all(|k| allowed.contains(&k.as_str())),
        "{value}"
    );
    assert!(matches(
        "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        text(&order["id"])
    ));
    assert!(["new", "paid", "shipped"].contains(&text(&order["status"])));
    assert!(matches(
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
        text(&order["placed"])
    ));
    if let Some(note) = order.get("note").filter(|n| !n.is_null()) {
        assert!(text(note).chars().count() <= 20, "{value}");
    }
    if let Some(code) = order.get("code") {
        assert!(matches("^[A-Z]{2}-[0-9]{3}$", text(code)), "{value}");
    }
    if let Some(total) = order.get("total") {
        let total = total.as_f64().expect("a number");
        assert!(total > 0.0 && total <= 1000.0, "{value}");
        assert!(
            ((total * 100.0).round() - total * 100.0).abs() < 1e-6,
            "{value}"
        );
    }
    if let Some(quantity) = order.get("quantity") {
        assert!((1..=65535).contains(&int(quantity)), "{value}");
    }
    let items = array(&order["items"]);
    assert!((1..=5).contains(&items.len()), "{value}");
    for (i, line) in items.iter().enumerate() {
        assert!(!items[i + 1..].contains(line), "{value}");
        assert!(matches("^[a-z]{3}[0-9]{2}$", text(&line["sku"])), "{value}");
        assert!((1..=9).contains(&int(&line["count"])), "{value}");
    }
    let customer = object(&order["customer"]);
    assert!(
        (1..=8).contains(&text(&customer["name"]).chars().count()),
        "{value}"
    );
    assert!(text(&customer["email"]).contains('@'), "{value}");
    if let Some(vip) = customer.get("vip") {
        assert!(vip.is_boolean(), "{value}");
    }
    if let Some(payment) = order.get("payment") {
        let payment = object(payment);
        match text(&payment["method"]) {
            "card" => {
                assert_eq!(payment.len(), 2, "{value}");
                assert!(matches("^[0-9]{4}$", text(&payment["last4"])), "{value}");
            }
            "bank" => {
                assert_eq!(payment.len(), 2, "{value}");
                let iban = text(&payment["iban"]);
                assert!(matches("^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", iban), "{value}");
                assert!((15..=34).contains(&iban.len()), "{value}");
            }
            other => panic!("{other}: {value}"),
        }
    }
    if let Some(tags) = order.get("tags") {
        assert!(
            object(tags).values().all(|t| text(t).chars().count() >= 2),
            "{value}"
        );
    }
    if let Some(parent) = order.get("parent").filter(|p| !p.is_null()) {
        check_order(parent);
    }
}

#[test]
fn hundreds_of_seeds_on_a_composite_schema() {
    let document = composite();
    let order = named("Order");
    let mut methods = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for value in answers(&document, &order, 400) {
        check_order(&value);
        assert!(valid(&document, &order, &value), "{value}");
        if let Some(method) = value.get("payment").map(|p| p["method"].clone()) {
            methods.insert(method.to_string());
        }
        statuses.insert(value["status"].to_string());
    }
    assert_eq!(methods.len(), 2, "{methods:?}");
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    let rich = examples(&document, &order);
    for key in [
        "note", "code", "total", "quantity", "payment", "tags", "parent",
    ] {
        assert!(rich.get(key).is_some(), "examples include {key}: {rich}");
    }
}

/// The required properties `schema` (a component, its `allOf` merged) declares.
fn required_of(document: &Value, schema: &Value) -> Vec<String> {
    let flat = Synth::new(document, false, 0).flatten(schema, Depth::default());
    match flat.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_oxide_schema_in_both_modes() {
    // The checkout's sibling `shared/specs`, which CI has: missing, the test fails.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/oxide");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared specs beside the checkout)",
            dir.display()
        )
    });
    let started = std::time::Instant::now();
    let mut schemas = 0;
    let mut refused = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().map_or(true, |e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let document: Value = serde_json::from_str(&text).expect("JSON");
        let Some(Value::Object(components)) = document.pointer("/components/schemas") else {
            continue;
        };
        for name in components.keys() {
            let escaped = name.replace('~', "~0").replace('/', "~1");
            let schema = json!({"$ref": format!("#/components/schemas/{escaped}")});
            let required = required_of(&document, &schema);
            for how in [
                Synthesis::Examples,
                Synthesis::Dynamic(1),
                Synthesis::Dynamic(2),
            ] {
                let value = synthesize(&document, &schema, how);
                if let Value::Object(map) = &value {
                    for key in &required {
                        assert!(map.contains_key(key), "{name} {how:?}: {key} in {value}");
                    }
                }
                if !valid(&document, &schema, &value) {
                    refused.push(format!("{}#{name} {how:?}: {value}", path.display()));
                }
            }
            schemas += 1;
        }
    }
    assert!(schemas > 400, "{schemas}");
    assert!(
        refused.is_empty(),
        "{} refused:\n{}",
        refused.len(),
        refused.join("\n")
    );
    eprintln!("{schemas} schemas in {:?}", started.elapsed());
}
