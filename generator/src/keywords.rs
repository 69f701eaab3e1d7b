//! The OpenAPI and JSON Schema words every stage shares: the HTTP methods a path item
//! holds, keyword tables, and the `x-specfirst-*` extensions generation reads and writes.
//!
//! One table each, so loading, lowering, emitting, the round trip and `diff` cannot
//! drift apart on what a keyword means.

use serde_json::Value;

/// The HTTP methods an OpenAPI 3 path item can hold operations for.
pub(crate) use specfirst_model::vocabulary::METHODS;

/// The HTTP methods a Swagger 2.0 path item can hold (2.0 has no `trace`).
pub(crate) const SWAGGER2_METHODS: &[&str] =
    &["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords that apply to one JSON type only, by that type (OpenAPI 3.0 and 3.1
/// spellings both). `integer` repeats `number`'s, for splitting a list of types.
pub(crate) const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "object",
        &[
            "properties",
            "additionalProperties",
            "required",
            "minProperties",
            "maxProperties",
            "patternProperties",
            "propertyNames",
            "unevaluatedProperties",
        ],
    ),
    (
        "array",
        &[
            "items",
            "prefixItems",
            "additionalItems",
            "uniqueItems",
            "minItems",
            "maxItems",
            "contains",
        ],
    ),
    (
        "string",
        &[
            "minLength",
            "maxLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
        ],
    ),
    ("number", NUMBER_KEYWORDS),
    ("integer", NUMBER_KEYWORDS),
];

/// The keywords of numbers, integers included.
pub(crate) const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// The keywords by which an object schema admits properties beyond its `properties` and
/// `additionalProperties`: composition, a reference and name patterns.
pub(crate) const PROPERTIES_BEYOND: [&str; 5] =
    ["allOf", "anyOf", "oneOf", "$ref", "patternProperties"];

/// Schema keywords that are pure annotation: beside a `$ref` they change nothing.
pub(crate) const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
    "externalDocs",
];

/// Where the validator finds a discriminated `oneOf`'s tag values: the property, the
/// list of alternatives, the index each tag value selects, and (`bare`) the tag values
/// whose alternative declares nothing but the tag. typify ignores it.
pub(crate) const TAGGED: &str = "x-specfirst-tagged";

/// Where an `enum` typify cannot name goes: typify ignores the key, so the type becomes
/// a plain string, and the validation rules still check the values from here.
pub(crate) const HIDDEN_ENUM: &str = "x-specfirst-enum";

/// Marks, in the 3.1 form of an OpenAPI 3.2 document, a cookie parameter whose style was
/// `cookie` (the rewrite writes `form`), so lowering gives it the `cookie` style.
pub(crate) use specfirst_model::extensions::COOKIE_STYLE;

/// Marks, in the 3.1 form of an OpenAPI 3.2 document, a parameter that was
/// `in: querystring` (the rewrite writes `in: query`), so lowering reads the whole query
/// string for it.
pub(crate) use specfirst_model::extensions::QUERYSTRING;

/// The operation extension that sets the operation's own request body limit.
pub(crate) use specfirst_model::extensions::BODY_LIMIT as BODY_LIMIT_EXTENSION;

/// `value`'s JSON type, with its article: one wording for the generator and the runtime.
pub(crate) use specfirst_model::vocabulary::json_kind;

/// What a keyword that holds schemas (or `format`) must be, when `value` is not that:
/// anything else makes JSON Schema readers refuse the whole schema without saying where.
pub(crate) fn subschema_shape_problem(keyword: &str, value: &Value) -> Option<&'static str> {
    if keyword == "format" {
        return (!value.is_string()).then_some("a string");
    }
    let is_schema = |value: &Value| value.is_object() || value.is_boolean();
    let (one, list, map) = (
        SCHEMA_VALUED.contains(&keyword),
        SCHEMA_LISTS.contains(&keyword),
        SCHEMA_MAPS.contains(&keyword),
    );
    let fits = (one && is_schema(value))
        || (list
            && value
                .as_array()
                .is_some_and(|items| items.iter().all(is_schema)))
        || (map
            && value
                .as_object()
                .is_some_and(|map| map.values().all(is_schema)));
    // JSON Schema: "The value of this keyword MUST be a non-empty array", for each of
    // the three; typify cannot merge nothing.
    let composition = matches!(keyword, "allOf" | "anyOf" | "oneOf");
    if composition && value.as_array().is_some_and(Vec::is_empty) {
        return Some(
            "a non-empty list of schemas (JSON Schema: its value \"MUST be a non-empty array\")",
        );
    }
    match (one, list, map) {
        _ if fits => None,
        (true, true, _) => Some("a schema (an object), or a list of schemas"),
        (true, false, _) => Some("a schema (an object) or a boolean"),
        (false, true, _) => Some("a list of schemas (objects)"),
        (false, false, true) => Some("an object whose values are schemas (objects)"),
        (false, false, false) => None,
    }
}

/// Keywords whose value is one schema (`items` may also be a list of them).
pub(crate) const SCHEMA_VALUED: [&str; 9] = [
    "items",
    "additionalProperties",
    "additionalItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
];

/// Keywords whose value is a list of schemas.
pub(crate) const SCHEMA_LISTS: [&str; 5] = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

/// Keywords whose value maps names to schemas.
pub(crate) const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

pub(crate) fn constraint_type_problem(keyword: &str, value: &Value) -> Option<&'static str> {
    let fits = match keyword {
        "pattern" => value.is_string(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            value.is_u64()
        }
        "minimum" | "maximum" | "multipleOf" => value.is_number(),
        "uniqueItems" => value.is_boolean(),
        "required" => value
            .as_array()
            .is_some_and(|names| names.iter().all(Value::is_string)),
        "enum" => value.is_array(),
        _ => return None,
    };
    match (fits, keyword) {
        (true, _) => None,
        (false, "pattern") => Some(
            "a string (a regular expression; JSON Schema Validation: \"The value of this \
             keyword MUST be a string\")",
        ),
        (false, "minimum" | "maximum" | "multipleOf") => Some("a number"),
        (false, "uniqueItems") => Some("a boolean"),
        (false, "required") => Some("a list of property names"),
        (false, "enum") => Some("a list of values"),
        (false, _) => Some("a non-negative integer"),
    }
}

/// The JSON Schema types a `type` may name.
const JSON_TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// What is wrong with a `type` naming no JSON Schema type (`strin`), said with the type
/// it probably meant; `None` for a valid one, and for shapes typify judges itself.
pub(crate) fn unknown_type(value: &Value) -> Option<String> {
    let names: Vec<&str> = match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) if names.iter().all(Value::is_string) => {
            names.iter().filter_map(Value::as_str).collect()
        }
        _ => {
            return Some(
                "`type` must be a type name or a list of type names (JSON Schema Validation: \
                 \"The value of this keyword MUST be either a string or an array\")"
                    .into(),
            )
        }
    };
    let unknown = names.into_iter().find(|name| !JSON_TYPES.contains(name))?;
    let near = crate::naming::closest(JSON_TYPES, unknown);
    let guess = near.map_or(String::new(), |known| format!("; did you mean `{known}`?"));
    Some(format!(
        "`type` `{unknown}` is not a JSON Schema type: use one of {}{guess}",
        JSON_TYPES.join(", ")
    ))
}
