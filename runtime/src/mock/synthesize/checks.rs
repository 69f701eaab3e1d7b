//! The small validator's value checks: JSON equality, types, string and number
//! constraints, formats, and patterns (compiled once with regress).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{OnceLock, RwLock};

use serde_json::{Number, Value};

use super::merge::count;
use super::numbers::{is_multiple, limits};
use super::Schema;

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => p == q,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

pub(super) fn type_matches(kinds: &Value, value: &Value) -> bool {
    let one = |kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => is_integer(value),
        // Swagger's `file` and unknown names constrain nothing we can check.
        _ => true,
    };
    match kinds {
        Value::String(kind) => one(kind),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

pub(super) fn string_ok(s: &Schema, text: &str) -> bool {
    let len = text.chars().count();
    if count(s, "minLength").is_some_and(|min| len < min)
        || count(s, "maxLength").is_some_and(|max| len > max)
    {
        return false;
    }
    if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
        if pattern_matches(pattern, text) == Some(false) {
            return false;
        }
    }
    format_ok(s.get("format").and_then(Value::as_str), text)
}

pub(super) fn number_ok(s: &Schema, number: &Number) -> bool {
    let Some(x) = number.as_f64() else {
        return true;
    };
    for (bound, strict) in limits(s, false) {
        let Some(low) = bound.as_f64() else { continue };
        if x < low || (strict && x <= low) {
            return false;
        }
    }
    for (bound, strict) in limits(s, true) {
        let Some(high) = bound.as_f64() else { continue };
        if x > high || (strict && x >= high) {
            return false;
        }
    }
    if let Some(multiple) = s.get("multipleOf") {
        if let (Some(a), Some(m)) = (number.as_i64(), multiple.as_i64()) {
            if m > 0 {
                return a % m == 0;
            }
        }
        if let Some(m) = multiple.as_f64().filter(|m| *m > 0.0) {
            return is_multiple(x, m);
        }
    }
    true
}

/// Whether `text` has the syntax of `format`; unknown formats accept anything.
pub(super) fn format_ok(format: Option<&str>, text: &str) -> bool {
    const DATE: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$";
    const TIME: &str =
        r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$";
    const DATE_TIME: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$";
    const UUID_SYNTAX: &str =
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    const EMAIL: &str = r"^[^@\s]+@[^@\s]+$";
    const URI: &str = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$";
    const BASE64: &str = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";
    let syntax = |pattern: &str| pattern_matches(pattern, text).unwrap_or(true);
    match format {
        Some("date-time") => syntax(DATE_TIME),
        Some("date") => syntax(DATE),
        Some("time") => syntax(TIME),
        Some("uuid") => syntax(UUID_SYNTAX),
        Some("email" | "idn-email") => syntax(EMAIL),
        Some("ipv4") => text.parse::<Ipv4Addr>().is_ok(),
        Some("ipv6") => text.parse::<Ipv6Addr>().is_ok(),
        Some("ip") => text.parse::<IpAddr>().is_ok(),
        Some("hostname") => is_hostname(text),
        Some("uri" | "url" | "iri") => syntax(URI),
        Some("byte") => syntax(BASE64),
        _ => true,
    }
}

pub(super) fn is_hostname(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Whether `pattern` (ECMA 262, unanchored) matches `text`; `None` when it does not
/// compile. Compiled patterns are kept, as specs repeat a few patterns many times.
pub(super) fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    type Compiled = HashMap<String, Option<regress::Regex>>;
    static CACHE: OnceLock<RwLock<Compiled>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Ok(compiled) = cache.read() {
        if let Some(entry) = compiled.get(pattern) {
            return entry.as_ref().map(|regex| regex.find(text).is_some());
        }
    }
    let compiled = regress::Regex::new(pattern).ok();
    let result = compiled.as_ref().map(|regex| regex.find(text).is_some());
    if let Ok(mut cache) = cache.write() {
        // Bounded: a long-running mock sees only its spec's patterns, but be safe.
        if cache.len() < 4096 {
            cache.insert(pattern.to_owned(), compiled);
        }
    }
    result
}
