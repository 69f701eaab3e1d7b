//! `allOf` folded into one schema: members' keywords merged, types intersected, and the
//! small keyword readers (`flag`, `count`) the merge and the rest of the module share.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::checks::{json_eq, pattern_matches};
use super::numbers::{is_multiple, number_value, tightest_value};
use super::Schema;

/// Every member's schema folded into one.
pub(super) fn merge_all(parts: Vec<Schema>) -> Schema {
    // `additionalProperties: false` in one member forbids the others' properties too.
    let closed: Vec<HashSet<String>> = parts
        .iter()
        .filter(|part| part.get("additionalProperties") == Some(&Value::Bool(false)))
        .map(|part| {
            part.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect();
    let mut merged = Map::new();
    for part in parts {
        merge_into(&mut merged, part);
    }
    if !closed.is_empty() {
        let required: HashSet<String> = match merged.get("required") {
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => HashSet::new(),
        };
        if let Some(Value::Object(properties)) = merged.get_mut("properties") {
            properties.retain(|key, _| {
                required.contains(key) || closed.iter().all(|allowed| allowed.contains(key))
            });
        }
        merged.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    merged
}

/// `part` merged into `acc`: properties and required from both, other constraints the
/// stricter; annotations and examples from the first that gives them.
fn merge_into(acc: &mut Schema, part: Schema) {
    let types = match (part_types(acc), part_types(&part)) {
        (Some(a), Some(b)) => Some(intersect_types(&a, &b)),
        (a, b) => a.or(b),
    };
    let low = tightest_value(&[&*acc, &part], false);
    let high = tightest_value(&[&*acc, &part], true);
    for (key, value) in part {
        match key.as_str() {
            "type" | "nullable" | "x-nullable" | "minimum" | "maximum" | "exclusiveMinimum"
            | "exclusiveMaximum" => {}
            "properties" => {
                let Value::Object(new) = value else { continue };
                let entry = acc
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(properties) = entry {
                    for (name, schema) in new {
                        match properties.get_mut(&name) {
                            Some(old) if *old != schema => {
                                let previous = old.take();
                                *old = json!({"allOf": [previous, schema]});
                            }
                            Some(_) => {}
                            None => {
                                properties.insert(name, schema);
                            }
                        }
                    }
                }
            }
            "required" => {
                let Value::Array(new) = value else { continue };
                let entry = acc
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(names) = entry {
                    for name in new {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                }
            }
            "enum" => match (acc.get_mut("enum"), &value) {
                (Some(Value::Array(old)), Value::Array(new)) => {
                    old.retain(|o| new.iter().any(|n| json_eq(o, n)));
                }
                _ => {
                    acc.insert(key, value);
                }
            },
            "minLength" | "minItems" | "minProperties" | "minContains" => {
                let larger = match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                    (Some(old), Some(new)) => new > old,
                    _ => true,
                };
                if larger {
                    acc.insert(key, value);
                }
            }
            "maxLength" | "maxItems" | "maxProperties" | "maxContains" => {
                let smaller = match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                    (Some(old), Some(new)) => new < old,
                    _ => true,
                };
                if smaller {
                    acc.insert(key, value);
                }
            }
            "multipleOf" => match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                (Some(old), Some(new)) if old > 0.0 && new > 0.0 => {
                    if is_multiple(new, old) {
                        acc.insert(key, value);
                    } else if !is_multiple(old, new) {
                        acc.insert(key, number_value(old * new));
                    }
                }
                _ => {
                    acc.insert(key, value);
                }
            },
            "pattern" => match (acc.get("pattern").and_then(Value::as_str), value.as_str()) {
                (Some(old), Some(new)) if old != new => {
                    // Both must match somewhere: one pattern of two lookaheads.
                    let both = format!("^(?=[\\s\\S]*?(?:{old}))(?=[\\s\\S]*?(?:{new}))");
                    if pattern_matches(&both, "").is_some() {
                        acc.insert(key, Value::String(both));
                    }
                }
                (Some(_), _) => {}
                (None, _) => {
                    acc.insert(key, value);
                }
            },
            "uniqueItems" | "readOnly" | "writeOnly" | "deprecated"
                if value == Value::Bool(true) =>
            {
                acc.insert(key, value);
            }
            "items" | "additionalProperties" | "additionalItems" => {
                let trivial =
                    |v: &Value| *v == Value::Bool(true) || v.as_object().is_some_and(Map::is_empty);
                match acc.get(&key) {
                    None => {
                        acc.insert(key, value);
                    }
                    Some(Value::Bool(false)) => {}
                    Some(old) if trivial(old) => {
                        acc.insert(key, value);
                    }
                    Some(_) if trivial(&value) => {}
                    Some(Value::Array(_)) => {}
                    Some(old) if *old == value => {}
                    Some(_) if value == Value::Bool(false) || value.is_array() => {
                        acc.insert(key, value);
                    }
                    Some(old) => {
                        let both = json!({"allOf": [old.clone(), value]});
                        acc.insert(key, both);
                    }
                }
            }
            "oneOf" | "anyOf" => {
                if !acc.contains_key(&key) {
                    acc.insert(key, value);
                } else if key == "oneOf" && !acc.contains_key("anyOf") {
                    acc.insert("anyOf".to_owned(), value);
                }
            }
            _ => {
                acc.entry(key).or_insert(value);
            }
        }
    }
    if let Some(types) = types {
        acc.insert(
            "type".to_owned(),
            Value::Array(types.into_iter().map(Value::String).collect()),
        );
    }
    // Folded into `type` (with "null") above; a part without `type` adds nothing.
    acc.remove("nullable");
    acc.remove("x-nullable");
    for (bound, plain, strict) in [
        (low, "minimum", "exclusiveMinimum"),
        (high, "maximum", "exclusiveMaximum"),
    ] {
        if let Some((value, exclusive)) = bound {
            acc.remove(plain);
            acc.remove(strict);
            acc.insert(if exclusive { strict } else { plain }.to_owned(), value);
        }
    }
}

/// The types a schema allows, "null" included where it is nullable; `None` without `type`.
fn part_types(s: &Schema) -> Option<Vec<String>> {
    let mut types: Vec<String> = match s.get("type")? {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return None,
    };
    if (flag(s, "nullable") || flag(s, "x-nullable")) && !types.iter().any(|t| t == "null") {
        types.push("null".to_owned());
    }
    Some(types)
}

fn intersect_types(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for kind in a {
        let kept = if b.contains(kind) {
            Some(kind.as_str())
        } else if (kind == "number" && b.iter().any(|t| t == "integer"))
            || (kind == "integer" && b.iter().any(|t| t == "number"))
        {
            Some("integer")
        } else {
            None
        };
        if let Some(kept) = kept {
            if !out.iter().any(|t| t == kept) {
                out.push(kept.to_owned());
            }
        }
    }
    out
}

pub(super) fn flag(s: &Schema, key: &str) -> bool {
    s.get(key) == Some(&Value::Bool(true))
}

/// A non-negative count keyword (`minLength`, `maxItems`, ...), saturating.
pub(super) fn count(s: &Schema, key: &str) -> Option<usize> {
    let value = s.get(key)?;
    let n = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| *f >= 0.0 && f.is_finite())
            .map(|f| f as u64)
    })?;
    Some(usize::try_from(n).unwrap_or(usize::MAX))
}
