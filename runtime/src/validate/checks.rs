//! The constraints of one keyword each (`minimum`, `pattern`, `format`, ...), checked on
//! the value alone; the walk applies them and adds the pointer.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use serde_json::Value;

use super::schema::Check;

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The message for `check` when `value` breaks it; checks that do not apply to the
/// value's type pass, as in JSON Schema.
pub(super) fn broken(value: &Value, check: &Check) -> Option<String> {
    match value {
        Value::Number(n) => broken_number(n.as_f64()?, check),
        Value::String(s) => broken_string(s, check),
        Value::Array(items) => match check {
            Check::UniqueItems => {
                let mut seen = std::collections::HashSet::new();
                let duplicate = items.iter().any(|item| !seen.insert(item.to_string()));
                duplicate.then(|| "items must be unique (uniqueItems)".to_string())
            }
            check => broken_items(items.len(), check),
        },
        Value::Object(map) => broken_members(map.len(), check),
        Value::Null | Value::Bool(_) => None,
    }
}

/// [`broken`] for a number.
pub(super) fn broken_number(n: f64, check: &Check) -> Option<String> {
    match *check {
        Check::Minimum {
            value: bound,
            exclusive,
        } => {
            if exclusive && n <= bound {
                Some(format!("must be greater than {bound} (exclusiveMinimum)"))
            } else if n < bound {
                Some(format!("must be at least {bound} (minimum)"))
            } else {
                None
            }
        }
        Check::Maximum {
            value: bound,
            exclusive,
        } => {
            if exclusive && n >= bound {
                Some(format!("must be less than {bound} (exclusiveMaximum)"))
            } else if n > bound {
                Some(format!("must be at most {bound} (maximum)"))
            } else {
                None
            }
        }
        Check::MultipleOf(step) => {
            let ratio = n / step;
            ((ratio - ratio.round()).abs() > 1e-9)
                .then(|| format!("must be a multiple of {step} (multipleOf)"))
        }
        _ => None,
    }
}

/// [`broken`] for a string.
pub(super) fn broken_string(s: &str, check: &Check) -> Option<String> {
    match *check {
        Check::MinLength(min) => (s.chars().count() < min)
            .then(|| format!("shorter than {} (minLength)", plural(min, "character"))),
        Check::MaxLength(max) => (s.chars().count() > max)
            .then(|| format!("longer than {} (maxLength)", plural(max, "character"))),
        Check::Pattern(source) => (matches_pattern(source, s) == Some(false))
            .then(|| format!("does not match the pattern {source:?} (pattern)")),
        Check::Format(format) => {
            (!format.accepts(s)).then(|| format!("not a valid {} (format)", format.name()))
        }
        _ => None,
    }
}

/// [`broken`] for an array of `len` items, for every check but `uniqueItems`, which
/// needs the items themselves.
pub(super) fn broken_items(len: usize, check: &Check) -> Option<String> {
    match *check {
        Check::MinItems(min) => {
            (len < min).then(|| format!("fewer than {} (minItems)", plural(min, "item")))
        }
        Check::MaxItems(max) => {
            (len > max).then(|| format!("more than {} (maxItems)", plural(max, "item")))
        }
        _ => None,
    }
}

/// [`broken`] for an object of `len` properties.
pub(super) fn broken_members(len: usize, check: &Check) -> Option<String> {
    match *check {
        Check::MinProperties(min) => {
            (len < min).then(|| format!("fewer than {} (minProperties)", plural(min, "property")))
        }
        Check::MaxProperties(max) => {
            (len > max).then(|| format!("more than {} (maxProperties)", plural(max, "property")))
        }
        _ => None,
    }
}

type Compiled = HashMap<&'static str, Option<regress::Regex>>;

fn patterns() -> &'static RwLock<Compiled> {
    static PATTERNS: OnceLock<RwLock<Compiled>> = OnceLock::new();
    PATTERNS.get_or_init(Default::default)
}

/// Whether `text` matches the pattern `source`, compiling it once. `None` when the
/// pattern does not compile: the generator checked it, so the check is skipped rather
/// than rejecting every request.
fn matches_pattern(source: &'static str, text: &str) -> Option<bool> {
    if let Ok(cache) = patterns().read() {
        if let Some(entry) = cache.get(source) {
            return entry.as_ref().map(|regex| regex.find(text).is_some());
        }
    }
    let compiled = regress::Regex::new(source).ok();
    let result = compiled.as_ref().map(|regex| regex.find(text).is_some());
    if let Ok(mut cache) = patterns().write() {
        cache.insert(source, compiled);
    }
    result
}
