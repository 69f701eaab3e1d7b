//! The OpenAPI and JSON Schema words every stage shares: the HTTP methods a path item
//! holds, keyword tables, and the `x-specfirst-*` extensions generation reads and writes.
//!
//! One table each, so loading, lowering, emitting, the round trip and `diff` cannot
//! drift apart on what a keyword means.

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
/// list of alternatives, and the index each tag value selects. typify ignores it.
pub(crate) const TAGGED: &str = "x-specfirst-tagged";

/// Where an `enum` typify cannot name goes: typify ignores the key, so the type becomes
/// a plain string, and the validation rules still check the values from here.
pub(crate) const HIDDEN_ENUM: &str = "x-specfirst-enum";

/// The operation extension that sets the operation's own request body limit.
pub(crate) use specfirst_model::extensions::BODY_LIMIT as BODY_LIMIT_EXTENSION;
