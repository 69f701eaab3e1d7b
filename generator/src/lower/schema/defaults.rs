//! Defaults typify would refuse (wrong type, out of bounds, matching no alternative) dropped
//! before it sees them.

use super::normalize::{has_type, implied_types};
use super::shape::MAX_DEPTH;

use serde_json::{Map, Value};

use crate::load::refs::{self, follow};

/// typify rejects a `default` that does not fit its schema; such a default is a spec
/// error with no effect on the wire, so it is dropped rather than failing the schema.
pub(super) fn drop_mismatched_default(schema: &mut Map<String, Value>) {
    let Some(default) = schema.get("default") else {
        return;
    };
    let fits_type = schema
        .get("type")
        .and_then(Value::as_str)
        .map_or(true, |name| has_type(default, name));
    let fits_enum = match schema.get("enum") {
        Some(Value::Array(values)) => values.contains(default),
        _ => true,
    };
    if !(fits_type && fits_enum) {
        schema.remove("default");
    }
}

/// Drops, anywhere inside the normalized `schema`, each `default` that typify would
/// refuse once references are followed into `root` (the raw document): a default
/// beside `allOf: [$ref]` outside the referenced enum, `{}` for an object with required
/// properties, a list of strings where the items are lists. typify fails the whole
/// schema ("value does not conform to the given schema") for one such value, and a
/// default only documents the server's behaviour, so it goes.
pub(crate) fn drop_unfit_defaults(schema: &mut Value, root: &Value) {
    match schema {
        Value::Object(map) => {
            if let Some(default) = map.remove("default") {
                let fits = fits(&default, &Value::Object(map.clone()), root, 0);
                if fits {
                    map.insert("default".into(), default);
                }
            }
            for (key, child) in map.iter_mut() {
                // Values, not schemas: an enum of objects holds no defaults to check.
                if !matches!(
                    key.as_str(),
                    "enum" | "const" | "default" | "example" | "examples"
                ) && !key.starts_with("x-")
                {
                    drop_unfit_defaults(child, root);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| drop_unfit_defaults(item, root)),
        _ => {}
    }
}

/// Whether `value` is one typify accepts for `schema` (OpenAPI or normalized form),
/// references resolved in `root`. Follows typify rather than JSON Schema where they
/// part: an untyped schema with one type's keywords is that type, and a non-object
/// value fits an `anyOf` only when one alternative admits it and every alternative
/// declares its type (else typify makes a struct of optional alternatives). Anything it does not judge fits, so only values
/// that are surely refused are dropped.
/// Whether `number` lies within the bounds of `schema`, in either spelling of exclusive
/// bounds (3.0's `exclusiveMinimum: true` beside `minimum`, or 3.1's number). typify
/// picks `NonZeroU32` for `minimum: 1`, where a default of `0` does not compile.
pub(super) fn within_bounds(number: f64, schema: &Map<String, Value>) -> bool {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let low = match bound("minimum") {
        Some(min) if flag("exclusiveMinimum") => number > min,
        Some(min) => number >= min,
        None => true,
    };
    let high = match bound("maximum") {
        Some(max) if flag("exclusiveMaximum") => number < max,
        Some(max) => number <= max,
        None => true,
    };
    let exclusive_low = bound("exclusiveMinimum").map_or(true, |min| number > min);
    let exclusive_high = bound("exclusiveMaximum").map_or(true, |max| number < max);
    low && high && exclusive_low && exclusive_high
}

pub(super) fn fits(value: &Value, node: &Value, root: &Value, depth: usize) -> bool {
    let Value::Object(schema) = node else {
        return true;
    };
    if depth > MAX_DEPTH {
        return true;
    }
    if schema.contains_key("$ref") {
        return match refs::resolve(root, "", node) {
            Ok((_, target)) => fits(value, target, root, depth + 1),
            Err(_) => true,
        };
    }
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => {
            let implied = implied_types(schema);
            if implied.len() == 1 {
                implied
            } else {
                Vec::new()
            }
        }
    };
    if !types.is_empty() && !types.iter().any(|name| has_type(value, name)) {
        return false;
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.contains(value) {
            return false;
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            return false;
        }
    }
    if let Some(number) = value.as_f64() {
        if !within_bounds(number, schema) {
            return false;
        }
    }
    let members = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    if !members("allOf")
        .iter()
        .all(|member| fits(value, member, root, depth + 1))
    {
        return false;
    }
    let one_of = members("oneOf");
    if !one_of.is_empty()
        && !one_of
            .iter()
            .any(|member| fits(value, member, root, depth + 1))
    {
        return false;
    }
    let any_of = members("anyOf");
    if !any_of.is_empty() {
        let admitting = any_of
            .iter()
            .filter(|member| fits(value, member, root, depth + 1))
            .count();
        // typify writes an enum only when it can tell the alternatives apart, which
        // it does by their declared types; otherwise a struct, which only an object
        // can fill.
        let declared = any_of
            .iter()
            .all(|member| follow(root, member).get("type").is_some());
        if admitting == 0 || (!value.is_object() && (admitting > 1 || !declared)) {
            return false;
        }
    }
    match value {
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(Value::Array(required)) = schema.get("required") {
                if required
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|name| !object.contains_key(name))
                {
                    return false;
                }
            }
            let extra = schema.get("additionalProperties");
            object.iter().all(|(key, item)| {
                match properties.and_then(|properties| properties.get(key)) {
                    Some(property) => fits(item, property, root, depth + 1),
                    None => match extra {
                        Some(extra @ Value::Object(_)) => fits(item, extra, root, depth + 1),
                        // typify writes no map for unknown keys unless asked to.
                        Some(Value::Bool(true)) => true,
                        _ => properties.is_none(),
                    },
                }
            })
        }
        Value::Array(items) => match schema.get("items") {
            Some(item @ Value::Object(_)) => items.iter().all(|v| fits(v, item, root, depth + 1)),
            Some(Value::Array(positions)) => items
                .iter()
                .zip(positions)
                .all(|(v, item)| fits(v, item, root, depth + 1)),
            _ => true,
        },
        _ => true,
    }
}
