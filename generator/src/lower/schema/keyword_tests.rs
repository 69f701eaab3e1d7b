//! Tests of the keywords normalizing reports at themselves: a `type` no JSON Schema has,
//! and keywords that must hold schemas but hold something else.

use serde_json::json;

use super::*;

#[test]
fn a_type_no_json_schema_has_is_reported_at_itself_with_a_guess() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "object", "properties": {
            "name": {"type": "strin"},
            "age": {"type": "Integer"},
            "tags": {"type": "arary"},
            "blob": {"type": "file"},
            "either": {"type": ["string", "nul"]},
        }}),
        "/components/schemas/Pet",
        &mut problems,
    );
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.message.as_str()))
        .collect();
    let list = "string, number, integer, boolean, array, object, null";
    assert_eq!(
        found,
        [
            (
                "/components/schemas/Pet/properties/name/type",
                &*format!("`type` `strin` is not a JSON Schema type: use one of {list}; did you mean `string`?")
            ),
            (
                "/components/schemas/Pet/properties/age/type",
                &*format!("`type` `Integer` is not a JSON Schema type: use one of {list}; did you mean `integer`?")
            ),
            (
                "/components/schemas/Pet/properties/tags/type",
                &*format!("`type` `arary` is not a JSON Schema type: use one of {list}; did you mean `array`?")
            ),
            (
                "/components/schemas/Pet/properties/blob/type",
                &*format!("`type` `file` is not a JSON Schema type: use one of {list}")
            ),
            (
                "/components/schemas/Pet/properties/either/type",
                &*format!("`type` `nul` is not a JSON Schema type: use one of {list}; did you mean `null`?")
            ),
        ]
    );
    // The bad `type` is gone, so nothing else trips over it.
    assert_eq!(out["properties"]["name"], json!({}));
}

#[test]
fn keywords_that_hold_schemas_must_hold_schemas() {
    let mut problems = Vec::new();
    normalize(
        &json!({"type": "object", "properties": {
            "a": {"type": "string", "format": ["date-time"]},
            "b": {"type": -1.5},
            "c": {"allOf": [[{"type": "string"}]]},
            "d": {"type": "array", "items": "string"},
            "e": {"type": "object", "properties": {"x": 5}},
            "f": {"not": 1},
        }}),
        "/s",
        &mut problems,
    );
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/s/properties/a/format", "`format` must be a string"),
            (
                "/s/properties/b/type",
                "`type` must be a type name or a list of type names (JSON Schema Validation: \
                 \"The value of this keyword MUST be either a string or an array\")"
            ),
            (
                "/s/properties/c/allOf",
                "`allOf` must be a list of schemas (objects)"
            ),
            (
                "/s/properties/d/items",
                "`items` must be a schema (an object), or a list of schemas"
            ),
            (
                "/s/properties/e/properties",
                "`properties` must be an object whose values are schemas (objects)"
            ),
            (
                "/s/properties/f/not",
                "`not` must be a schema (an object) or a boolean"
            ),
        ]
    );
}
