//! Errors in the spec's words: for each operation, the error responses it declares and,
//! for those with a JSON object body, the form the runtime writes an error in
//! (`specfirst_runtime::ErrorForm`), so that a request the runtime refuses, or an
//! `HttpError` a method returns, is answered in the body the spec promises rather than
//! the runtime's own `{request_id, error_code, message}`.
//!
//! The form is read from the schema once, here: each property the error has a value for
//! (by its name and type: `message`, `detail`, `code`, `status`, `request_id`, an
//! `error` object, an `errors` list) takes that value; a required property nothing fits
//! takes a value the schema accepts ([`crate::values`]); other properties are left out.
//! A schema the generator cannot fill so that the body stays valid (not an object,
//! composed with `oneOf`, a message field with a pattern) gets no form, and its errors
//! keep the runtime's shape.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::ident;
use super::response_checks::{json_body, table_name};
use crate::ir::{Api, Operation, Response, StatusSpec};
use crate::load::refs;
use crate::naming::Namespace;

/// How deep nested objects (`error.details.message`) are filled.
const MAX_DEPTH: usize = 3;

/// What a property of a form is filled with: the runtime's `FormValue`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Fill {
    Message,
    Code,
    CodeIfAny,
    Status,
    RequestId,
    Json(String),
    Object(Vec<(String, Fill)>),
    List(Vec<(String, Fill)>),
}

impl Fill {
    /// Whether the error's own values reach the body through this fill.
    fn carries_the_error(&self) -> bool {
        match self {
            Fill::Json(_) => false,
            Fill::Object(fields) | Fill::List(fields) => {
                fields.iter().any(|(_, fill)| fill.carries_the_error())
            }
            _ => true,
        }
    }
}

/// The forms and error tables of an API's operations, as the `handlers` module holds
/// them.
#[derive(Debug, Default)]
pub(super) struct ErrorForms {
    /// For each operation, the constant listing its error responses; `None` when none
    /// of them has a form (its errors keep the runtime's shape).
    pub tables: Vec<Option<String>>,
    /// The constants: every form, then every table.
    pub items: Vec<TokenStream>,
}

/// The forms of `api`'s operations, with names kept clear of `taken` (the `handlers`
/// module's other statics).
pub(super) fn error_forms(api: &Api, taken: &[&str]) -> ErrorForms {
    let root = schema_root(api);
    // Reserved rather than claimed: the decoders and tables operations share are listed
    // once per operation (see `response_checks::names`).
    let mut names = Namespace::with_reserved(taken.iter().copied());
    // Each form, by its media type and fields.
    let mut forms: HashMap<(String, Vec<(String, Fill)>), String> = HashMap::new();
    let mut form_items = Vec::new();
    let mut tables: HashMap<String, String> = HashMap::new();
    let mut uses: HashMap<String, usize> = HashMap::new();
    // Each operation's cases, as (status, form name) pairs.
    let mut cases_of = Vec::new();
    for op in &api.operations {
        let mut cases = Vec::new();
        let errors = op
            .responses
            .iter()
            .filter(|response| response.declared && is_error(op, response));
        for response in errors {
            let form = json_schema(response)
                .and_then(|(media_type, schema, hint)| {
                    let fields = object_form(schema, &root, 0)?;
                    // A body none of the error reaches is not an error's.
                    Fill::Object(fields.clone())
                        .carries_the_error()
                        .then_some(((media_type, fields), hint))
                })
                .map(|(form, hint)| {
                    if let Some(name) = forms.get(&form) {
                        return name.clone();
                    }
                    let name = names.claim(&format!("{}_FORM", upper_snake(&hint)));
                    form_items.push(form_item(&name, &form.0, &form.1));
                    forms.insert(form, name.clone());
                    name
                });
            cases.push((response.status, form));
        }
        if cases.iter().all(|(_, form)| form.is_none()) {
            cases.clear();
        }
        let key = format!("{cases:?}");
        if !cases.is_empty() {
            *uses.entry(key.clone()).or_default() += 1;
        }
        cases_of.push((op, cases, key));
    }
    let mut table_items = Vec::new();
    let table_names = cases_of
        .into_iter()
        .map(|(op, cases, key)| {
            if cases.is_empty() {
                return None;
            }
            if let Some(name) = tables.get(&key) {
                return Some(name.clone());
            }
            let statuses = cases.iter().map(|(status, _)| *status);
            let name = table_name(op, statuses, uses[&key], "ERRORS", &mut names);
            table_items.push(table_item(&name, &cases));
            tables.insert(key, name.clone());
            Some(name)
        })
        .collect();
    form_items.extend(table_items);
    ErrorForms {
        tables: table_names,
        items: form_items,
    }
}

/// Whether `response` of `op` answers errors: a 4xx or 5xx status or class, or
/// `default` beside a declared success (alone, `default` is the success).
fn is_error(op: &Operation, response: &Response) -> bool {
    match response.status {
        StatusSpec::Code(code) => code >= 400,
        StatusSpec::Range(digit) => digit >= 4,
        StatusSpec::Default => op.responses.iter().any(|other| match other.status {
            StatusSpec::Code(code) => (200..300).contains(&code),
            StatusSpec::Range(digit) => digit == 2,
            StatusSpec::Default => false,
        }),
    }
}

/// The first JSON body of `response` in document order: its media type (a range such as
/// `application/*` names no type to answer with, so `application/json` then), schema,
/// and its type's name hint (the component's name for a reference).
fn json_schema(response: &Response) -> Option<(String, &Value, String)> {
    response.content.iter().find_map(|media| {
        let schema = json_body(response, &media.media_type)?;
        let hint = schema
            .schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(refs::component_schema_name)
            .unwrap_or_else(|| schema.name_hint.clone());
        let media_type = Some(media.media_type.clone())
            .filter(|media| !media.contains('*'))
            .unwrap_or_else(|| "application/json".to_string());
        Some((media_type, &schema.schema, hint))
    })
}

/// A document holding `api`'s component schemas where their references point.
fn schema_root(api: &Api) -> Value {
    let schemas: Map<String, Value> = api.schemas.iter().cloned().collect();
    serde_json::json!({ "components": { "schemas": schemas } })
}

/// `schema` after its references.
fn resolved<'v>(root: &'v Value, schema: &'v Value) -> Option<&'v Value> {
    refs::resolve(root, "", schema).ok().map(|(_, node)| node)
}

/// The form of an object schema: each property with its fill, `None` when the schema
/// is not a plain object or a required property can be given no valid value.
fn object_form(schema: &Value, root: &Value, depth: usize) -> Option<Vec<(String, Fill)>> {
    let schema = resolved(root, schema)?;
    let map = schema.as_object()?;
    if ["allOf", "oneOf", "anyOf", "not", "if", "$ref"]
        .iter()
        .any(|key| map.contains_key(*key))
        || !is_type(map, "object")
        || map.get("minProperties").is_some()
    {
        return None;
    }
    let properties = map.get("properties")?.as_object()?;
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // The smallest value the schema accepts: what required properties nothing of the
    // error fits are given.
    let smallest = crate::values::samples(schema, root)
        .valid
        .into_iter()
        .next();
    let mut fields = Vec::new();
    for (name, property) in properties {
        let is_required = required.contains(&name.as_str());
        let fill = resolved(root, property)
            .and_then(|property| fill(name, property, is_required, root, depth));
        let fill = match (fill, is_required) {
            (Some(fill), _) => fill,
            (None, true) => Fill::Json(smallest.as_ref()?.get(name)?.to_string()),
            (None, false) => continue,
        };
        fields.push((name.clone(), fill));
    }
    if required
        .iter()
        .any(|name| !fields.iter().any(|(field, _)| field == name))
    {
        // A required property the schema does not describe.
        return None;
    }
    Some(fields)
}

/// What fills the property `name` of schema `property`, by its name and type; `None`
/// when nothing of the error fits it.
fn fill(name: &str, property: &Value, required: bool, root: &Value, depth: usize) -> Option<Fill> {
    let map = property.as_object()?;
    let word: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let message = matches!(
        word.as_str(),
        "message"
            | "msg"
            | "detail"
            | "details"
            | "description"
            | "errormessage"
            | "errordescription"
            | "reason"
            | "errordetail"
    );
    let code = matches!(
        word.as_str(),
        "code"
            | "errorcode"
            | "error"
            | "status"
            | "statuscode"
            | "httpstatus"
            | "httpcode"
            | "httpstatuscode"
            | "kind"
            | "type"
            | "title"
            | "errortype"
            | "errorname"
    );
    let request_id = matches!(
        word.as_str(),
        "requestid" | "traceid" | "correlationid" | "errorid"
    );
    if plain_string(map) {
        return if message {
            Some(Fill::Message)
        } else if code && required {
            Some(Fill::Code)
        } else if code {
            Some(Fill::CodeIfAny)
        } else if request_id {
            Some(Fill::RequestId)
        } else {
            None
        };
    }
    if code && status_number(map) {
        return Some(Fill::Status);
    }
    if depth + 1 >= MAX_DEPTH {
        return None;
    }
    if is_type(map, "object") && map.contains_key("properties") {
        let fields = object_form(property, root, depth + 1)?;
        let fill = Fill::Object(fields);
        return fill.carries_the_error().then_some(fill);
    }
    if is_type(map, "array") && !map.contains_key("uniqueItems") {
        let fits_one =
            |key: &str, ok: fn(u64) -> bool| map.get(key).and_then(Value::as_u64).map_or(true, ok);
        if !(fits_one("minItems", |min| min <= 1) && fits_one("maxItems", |max| max >= 1)) {
            return None;
        }
        let items = resolved(root, map.get("items")?)?;
        let fields = object_form(items, root, depth + 1)?;
        let fill = Fill::List(fields);
        return fill.carries_the_error().then_some(fill);
    }
    None
}

/// Whether the schema `map` declares `kind` as its type (alone, or with `null`).
fn is_type(map: &Map<String, Value>, kind: &str) -> bool {
    match map.get("type") {
        Some(Value::String(declared)) => declared == kind,
        Some(Value::Array(declared)) => {
            declared.iter().any(|t| t == kind) && declared.iter().all(|t| t == kind || t == "null")
        }
        // Without a type, properties say it is meant as an object.
        None => kind == "object" && map.contains_key("properties"),
        Some(_) => false,
    }
}

/// Whether any string goes in the schema `map`, a message or a code included.
fn plain_string(map: &Map<String, Value>) -> bool {
    is_type(map, "string")
        && ![
            "enum",
            "const",
            "pattern",
            "format",
            "maxLength",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
        ]
        .iter()
        .any(|key| map.contains_key(*key))
        && map
            .get("minLength")
            .and_then(Value::as_u64)
            .map_or(true, |min| min <= 1)
}

/// Whether every HTTP status (100 to 599) goes in the number schema `map`.
fn status_number(map: &Map<String, Value>) -> bool {
    let number = is_type(map, "integer") || is_type(map, "number");
    let bound = |key: &str| map.get(key).and_then(Value::as_f64);
    number
        && !["enum", "const", "multipleOf", "allOf", "oneOf", "anyOf", "not"]
            .iter()
            .any(|key| map.contains_key(*key))
        && bound("minimum").map_or(true, |min| min <= 100.0)
        && bound("maximum").map_or(true, |max| max >= 599.0)
        && bound("exclusiveMinimum").map_or(true, |min| min < 100.0)
        && bound("exclusiveMaximum").map_or(true, |max| max > 599.0)
        // OpenAPI 3.0's booleans beside `minimum` and `maximum`.
        && !map.get("exclusiveMinimum").is_some_and(Value::is_boolean)
        && !map.get("exclusiveMaximum").is_some_and(Value::is_boolean)
}

/// `const NAME: rt::ErrorForm = rt::ErrorForm { media_type, fields: &[...] };`
fn form_item(name: &str, media_type: &str, fields: &[(String, Fill)]) -> TokenStream {
    let name = ident(name);
    let fields = field_tokens(fields);
    quote! {
        const #name: rt::ErrorForm = rt::ErrorForm {
            media_type: #media_type,
            fields: #fields,
        };
    }
}

/// `&[rt::FormField { name, value }, ...]`
fn field_tokens(fields: &[(String, Fill)]) -> TokenStream {
    let fields = fields.iter().map(|(name, fill)| {
        let value = match fill {
            Fill::Message => quote!(rt::FormValue::Message),
            Fill::Code => quote!(rt::FormValue::Code),
            Fill::CodeIfAny => quote!(rt::FormValue::CodeIfAny),
            Fill::Status => quote!(rt::FormValue::Status),
            Fill::RequestId => quote!(rt::FormValue::RequestId),
            Fill::Json(text) => quote!(rt::FormValue::Json(#text)),
            Fill::Object(inner) => {
                let inner = field_tokens(inner);
                quote!(rt::FormValue::Object(#inner))
            }
            Fill::List(inner) => {
                let inner = field_tokens(inner);
                quote!(rt::FormValue::List(#inner))
            }
        };
        quote!(rt::FormField { name: #name, value: #value })
    });
    quote!(&[#(#fields),*])
}

/// `const NAME: &[rt::ErrorCase] = &[...];`
fn table_item(name: &str, cases: &[(StatusSpec, Option<String>)]) -> TokenStream {
    let name = ident(name);
    let cases = cases.iter().map(|(status, form)| {
        let form = match form {
            Some(form) => {
                let form = ident(form);
                quote!(Some(&#form))
            }
            None => quote!(None),
        };
        match status {
            StatusSpec::Code(code) => {
                let code = Literal::u16_unsuffixed(*code);
                quote!(rt::ErrorCase::code(#code, #form))
            }
            StatusSpec::Range(digit) => {
                let digit = Literal::u16_unsuffixed(*digit);
                quote!(rt::ErrorCase::range(#digit, #form))
            }
            StatusSpec::Default => quote!(rt::ErrorCase::fallback(#form)),
        }
    });
    quote! {
        const #name: &[rt::ErrorCase] = &[#(#cases),*];
    }
}

/// `PascalCase` or `snake_case` as `UPPER_SNAKE`.
fn upper_snake(name: &str) -> String {
    crate::naming::snake(name, "error").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(schema: Value) -> Option<Vec<(String, Fill)>> {
        object_form(&schema, &json!({}), 0)
    }

    fn named(fields: &[(&str, Fill)]) -> Option<Vec<(String, Fill)>> {
        Some(
            fields
                .iter()
                .map(|(name, fill)| (name.to_string(), fill.clone()))
                .collect(),
        )
    }

    #[test]
    fn petstore_error_takes_the_status_and_message() {
        let error = json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer", "format": "int32"},
                "message": {"type": "string"}
            }
        });
        assert_eq!(
            form(error),
            named(&[("code", Fill::Status), ("message", Fill::Message)])
        );
    }

    #[test]
    fn dropshot_error_keeps_its_optional_code_optional() {
        let error = json!({
            "type": "object",
            "required": ["message", "request_id"],
            "properties": {
                "error_code": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": "string"}
            }
        });
        assert_eq!(
            form(error),
            named(&[
                ("error_code", Fill::CodeIfAny),
                ("message", Fill::Message),
                ("request_id", Fill::RequestId)
            ])
        );
    }

    #[test]
    fn nested_and_listed_errors_are_filled() {
        let error = json!({
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "retryable"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "retryable": {"type": "boolean"},
                        "help": {"type": "string", "format": "uri"}
                    }
                },
                "errors": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"detail": {"type": "string"}}}
                }
            }
        });
        assert_eq!(
            form(error),
            named(&[
                (
                    "error",
                    Fill::Object(vec![
                        ("code".into(), Fill::Code),
                        ("message".into(), Fill::Message),
                        ("retryable".into(), Fill::Json("true".into())),
                    ])
                ),
                ("errors", Fill::List(vec![("detail".into(), Fill::Message)])),
            ])
        );
    }

    #[test]
    fn constrained_fields_take_valid_values_or_stay_out() {
        let error = json!({
            "type": "object",
            "required": ["code", "status"],
            "properties": {
                "code": {"type": "string", "enum": ["INVALID", "MISSING"]},
                "status": {"type": "integer", "minimum": 400, "maximum": 499},
                "message": {"type": "string", "pattern": "^[A-Z]"}
            }
        });
        assert_eq!(
            form(error),
            named(&[
                ("code", Fill::Json("\"INVALID\"".into())),
                ("status", Fill::Json("400".into())),
            ])
        );
    }

    #[test]
    fn schemas_it_cannot_fill_have_no_form() {
        assert_eq!(form(json!({"type": "string"})), None);
        assert_eq!(
            form(json!({"oneOf": [{"type": "object"}, {"type": "string"}]})),
            None
        );
        // A required property that is not described.
        assert_eq!(
            form(json!({"type": "object", "required": ["x"], "properties": {}})),
            None
        );
    }
}
