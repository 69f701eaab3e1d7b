//! The wire shape of a parameter schema: one value, a list or an object, and of what scalars.

use super::normalize::LISTS;

use serde_json::Value;

use crate::ir::{Extra, Field, ObjectShape, Scalar, Shape};
use crate::load::refs::follow;

/// Classifies the raw (un-normalized) parameter schema, following component references.
pub(crate) fn shape(root: &Value, schema: &Value) -> Shape {
    match field(root, schema, 0) {
        Field::Scalar(scalar) => Shape::Scalar(scalar),
        Field::Array(item) => Shape::Array(item),
        Field::Object(object) => Shape::Object(object),
    }
}

/// How deep objects inside a parameter are described; deeper ones (recursive schemas
/// included) are JSON scalars, which lowering reports for styles that cannot carry them.
pub(super) const MAX_OBJECT_DEPTH: usize = 3;

pub(super) fn field(root: &Value, schema: &Value, depth: usize) -> Field {
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => Field::Array(
            schema
                .get("items")
                .map_or(Scalar::Json, |items| scalar(root, items, 0)),
        ),
        _ if depth < MAX_OBJECT_DEPTH && is_object(root, schema, 0) => {
            Field::Object(object_shape(root, schema, depth))
        }
        _ => Field::Scalar(scalar(root, schema, 0)),
    }
}

/// `type: object`, or no type with properties (own or through `allOf`).
pub(super) fn is_object(root: &Value, schema: &Value, depth: usize) -> bool {
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind == "object",
        None if depth > MAX_DEPTH => false,
        None => {
            schema.get("properties").is_some()
                || schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|all| all.iter().any(|m| is_object(root, m, depth + 1)))
        }
    }
}

pub(super) fn object_shape(root: &Value, schema: &Value, depth: usize) -> ObjectShape {
    let mut properties = Vec::new();
    collect_properties(root, schema, depth, 0, &mut properties);
    let written = schema.get("additionalProperties");
    let additional = match written {
        Some(Value::Bool(false)) => None,
        Some(extra @ Value::Object(_)) => {
            let extra = follow(root, extra);
            Some(match extra.get("type").and_then(Value::as_str) {
                Some("array") => Extra::Array(
                    extra
                        .get("items")
                        .map_or(Scalar::Json, |items| scalar(root, items, 0)),
                ),
                _ => Extra::Scalar(scalar(root, extra, 0)),
            })
        }
        // Absent or `true`: any value, kept as the text it arrived as.
        _ => Some(Extra::Scalar(Scalar::String)),
    };
    ObjectShape {
        properties,
        additional,
        declares_additional: matches!(written, Some(Value::Bool(true) | Value::Object(_))),
    }
}

pub(super) fn collect_properties(
    root: &Value,
    schema: &Value,
    depth: usize,
    hops: usize,
    out: &mut Vec<(String, Field)>,
) {
    let schema = follow(root, schema);
    if let Some(Value::Object(own)) = schema.get("properties") {
        for (name, property) in own {
            if !out.iter().any(|(known, _)| known == name) {
                out.push((name.clone(), field(root, property, depth + 1)));
            }
        }
    }
    if hops < MAX_DEPTH {
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_properties(root, member, depth, hops + 1, out);
        }
    }
}

pub(super) const MAX_DEPTH: usize = 32;

pub(super) fn scalar(root: &Value, schema: &Value, depth: usize) -> Scalar {
    if depth > MAX_DEPTH {
        return Scalar::Json;
    }
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => return Scalar::String,
        Some("integer") => return Scalar::Integer,
        Some("number") => return Scalar::Number,
        Some("boolean") => return Scalar::Boolean,
        Some(_) => return Scalar::Json,
        None => {}
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.is_empty() && values.iter().all(|v| v.is_string() || v.is_null()) {
            return Scalar::String;
        }
    }
    for key in LISTS {
        if let Some(Value::Array(members)) = schema.get(*key) {
            let kinds: Vec<Scalar> = members
                .iter()
                .filter(|m| m.get("type").and_then(Value::as_str) != Some("null"))
                .map(|m| scalar(root, m, depth + 1))
                .collect();
            if let Some(first) = kinds.first() {
                if kinds.iter().all(|k| k == first) {
                    return *first;
                }
            }
            return Scalar::Json;
        }
    }
    Scalar::Json
}
