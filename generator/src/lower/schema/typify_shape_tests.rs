//! Tests of the shapes typify cannot read as written, rewritten into what they mean: an
//! alternative requiring an undeclared property, an untyped `enum` of `null`, a schema
//! that is only a `not`.

use serde_json::json;

use super::normalize;

#[test]
fn an_alternative_requiring_an_undeclared_property_declares_it() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"oneOf": [
            {"type": "object", "properties": {"type": {"enum": ["NS"]}}, "required": ["data", "type"]},
            {"type": "object", "required": ["data"]},
        ], "allOf": [{"properties": {}, "required": ["kept"]}]}),
        "/components/schemas/DnsRecord",
        &mut problems,
    );
    assert!(problems.is_empty());
    // `required` alone says the member is there with any value; typify's tagged enums
    // need it said as a property.
    assert_eq!(out["oneOf"][0]["properties"]["data"], json!({}));
    assert_eq!(out["oneOf"][0]["properties"]["type"]["enum"], json!(["NS"]));
    // Without `properties` there is nothing to add to; `allOf` members are merged, not
    // told apart, and keep what they say.
    assert!(out["oneOf"][1].get("properties").is_none());
    assert_eq!(out["allOf"][0]["properties"], json!({}));
}

#[test]
fn an_untyped_enum_of_null_alone_is_the_null_type() {
    let mut problems = Vec::new();
    let out = normalize(&json!({"title": "Null", "enum": [null]}), "", &mut problems);
    assert!(problems.is_empty());
    assert_eq!(out["type"], json!("null"));
    // A typed one too (Dropshot's body of an operation answering nothing): as a
    // `String`, a handler could never send the `null` it promises (the value round
    // trip's finding). One with other values is left to the other rules.
    let typed = normalize(
        &json!({"type": "string", "enum": [null]}),
        "",
        &mut problems,
    );
    assert_eq!(typed["type"], json!("null"));
    let mixed = normalize(&json!({"enum": [null, "a"]}), "", &mut problems);
    assert_ne!(mixed.get("type"), Some(&json!("null")));
}

#[test]
fn a_schema_of_only_a_not_typify_cannot_write_admits_anything() {
    let mut problems = Vec::new();
    let referenced = normalize(
        &json!({"description": "d", "not": {"$ref": "#/components/schemas/X"}}),
        "",
        &mut problems,
    );
    assert_eq!(referenced, json!({"description": "d"}));
    // What typify writes stays: an enum's values refused, or nothing at all.
    let values = normalize(&json!({"not": {"enum": ["a", "b"]}}), "", &mut problems);
    assert_eq!(values["not"], json!({"enum": ["a", "b"]}));
    let beside = normalize(
        &json!({"type": "object", "not": {"required": ["a"]}}),
        "",
        &mut problems,
    );
    assert_eq!(beside["not"], json!({"required": ["a"]}));
    assert!(problems.is_empty());
}
