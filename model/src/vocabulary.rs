//! The words of OpenAPI's parameter and response vocabulary that both sides use as is.
//!
//! Generated code writes these in `static`s (`rt::Scalar::Integer`, `rt::Style::Form`),
//! and the generator's API model holds the same values, so each is one `Copy` enum.

/// The HTTP methods an OpenAPI 3 path item can hold operations for, in the order the
/// specification lists them: the keys of a path item that are operations (`query`
/// since OpenAPI 3.2).
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// The key of a path item that holds, since OpenAPI 3.2, the operations of methods it
/// has no field for (`PURGE`, `COPY`), by method name as sent.
pub const ADDITIONAL_OPERATIONS: &str = "additionalOperations";

/// Where the operations of a path item are: each method field it has (`get`, ...,
/// `query`), in [`METHODS`]' order, then each entry of [`ADDITIONAL_OPERATIONS`] in the
/// order written. Each is the method as written (lower case for a field) and the JSON
/// pointer tokens from the item to the operation.
pub fn operation_places(
    item: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, Vec<String>)> {
    let fixed = METHODS
        .iter()
        .filter(|method| item.contains_key(**method))
        .map(|method| (method.to_string(), vec![method.to_string()]));
    let additional = item
        .get(ADDITIONAL_OPERATIONS)
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|operations| operations.keys())
        .map(|method| {
            (
                method.clone(),
                vec![ADDITIONAL_OPERATIONS.to_string(), method.clone()],
            )
        });
    fixed.chain(additional).collect()
}

/// Whether `method` (upper case, as an API model holds it) is written as a path item's
/// field rather than under [`ADDITIONAL_OPERATIONS`].
pub fn has_field(method: &str) -> bool {
    method.bytes().all(|b| !b.is_ascii_lowercase())
        && METHODS.contains(&method.to_ascii_lowercase().as_str())
}

/// The `content-type` of a `text/plain` response: its declared type with the charset
/// the body is written in, since a bare `text/plain` means US-ASCII.
pub const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// The type of a single parameter value on the wire, derived from its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// Taken verbatim.
    String,
    /// A signed or unsigned 64-bit integer.
    Integer,
    /// A finite floating-point number.
    Number,
    /// Exactly `true` or `false`.
    Boolean,
    /// Parsed as JSON, falling back to the raw string; used for schemas without a simple type.
    Json,
}

/// The type of the values an object-valued parameter keeps under keys it does not
/// declare (`additionalProperties`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    /// One value per key; a repeated key is an error.
    Scalar(Scalar),
    /// A list per key: the key repeated (`tag=a&tag=b`) gives several items.
    Array(Scalar),
}

/// How a parameter's value is written (the OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `blue`, `blue,black`, `R,100,G,200` or exploded `R=100,G=200`: path and header.
    Simple,
    /// `.blue`, `.blue.black`, `.R=100.G=200`: path.
    Label,
    /// `;color=blue`, `;color=blue,black`, `;color=blue;color=black`, `;R=100;G=200`: path.
    Matrix,
    /// `color=blue`, `color=blue&color=black`, `color=blue,black`, `R=100&G=200`: query and
    /// cookie.
    Form,
    /// `color=blue%20black`: query.
    SpaceDelimited,
    /// `color=blue|black`: query.
    PipeDelimited,
    /// `color[R]=100&color[G]=200`: query objects.
    DeepObject,
    /// `color=blue`, `color=blue; color=black`, `R=100; G=200`: cookies as OpenAPI 3.2
    /// writes them, `form` without percent-encoding (a value is sent as written).
    Cookie,
}

impl Style {
    /// The name OpenAPI gives the style.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
            Style::Cookie => "cookie",
        }
    }

    /// Whether values are written as `form` writes them, as pairs of a name (a property's
    /// when an object is exploded) and a value: `form` and `cookie`.
    pub fn is_form(self) -> bool {
        matches!(self, Style::Form | Style::Cookie)
    }
}

/// Where a parameter is, as OpenAPI's `in` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum In {
    /// `path`.
    Path,
    /// `query`.
    Query,
    /// `header`.
    Header,
    /// `cookie`.
    Cookie,
}

impl In {
    /// The value of `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
            In::Cookie => "cookie",
        }
    }
}

/// Which statuses a response stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A class such as `4XX`, by its digit.
    Range(u16),
    /// `default`: any status not declared otherwise.
    Default,
}

impl Status {
    /// The key under `responses`: `200`, `4XX` or `default`.
    pub fn key(self) -> String {
        match self {
            Status::Code(code) => code.to_string(),
            Status::Range(digit) => format!("{digit}XX"),
            Status::Default => "default".into(),
        }
    }
}

/// `value`'s JSON type with its article (`a string`, `an array`, `null`), as the
/// generator's diagnostics and the runtime's validation errors both say it.
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The name a multipart body read by position (OpenAPI 3.2's `prefixEncoding` and
/// `itemEncoding`) gives every part after its leading ones, which are named by their
/// position from 1: how the decoder of its struct finds them.
pub const REST_PARTS: &str = "rest";
