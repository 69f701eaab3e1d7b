//! Schema constraints checked before a handler runs, with every violation reported by
//! the JSON pointer of the bad value and the rule it broke.
//!
//! Generated code describes each schema as a tree of `static` [`Schema`] values; the
//! checks here walk a decoded `serde_json::Value` against that tree. Types alone
//! (what serde enforces while deserializing) stop at the first error; this pass lists
//! all of them, which is what a client fixing a request wants.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{OnceLock, RwLock};

use serde_json::Value;

/// The JSON type a schema requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// A number with no fractional part.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list.
    Array,
    /// An object.
    Object,
}

/// What an object allows beyond its declared properties.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Additional {
    /// Anything.
    Any,
    /// Nothing: `additionalProperties: false`.
    Deny,
    /// Values matching this schema.
    Schema(&'static Schema),
}

/// One constraint on a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    /// `minimum`, or `exclusiveMinimum` when `exclusive`.
    Minimum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `maximum`, or `exclusiveMaximum` when `exclusive`.
    Maximum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `multipleOf`.
    MultipleOf(f64),
    /// `minLength`, in characters.
    MinLength(usize),
    /// `maxLength`, in characters.
    MaxLength(usize),
    /// `pattern`: an ECMA-262 regular expression, compiled once on first use.
    Pattern(&'static str),
    /// `minItems`.
    MinItems(usize),
    /// `maxItems`.
    MaxItems(usize),
    /// `uniqueItems: true`.
    UniqueItems,
    /// `minProperties`.
    MinProperties(usize),
    /// `maxProperties`.
    MaxProperties(usize),
}

/// A schema, as far as it constrains values beyond their Rust type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schema {
    /// The required JSON type, if the schema names one.
    pub kind: Option<Kind>,
    /// Whether `null` is allowed too.
    pub nullable: bool,
    /// `enum`, as JSON text of each allowed value.
    pub allowed: &'static [&'static str],
    /// Constraints on the value itself.
    pub checks: &'static [Check],
    /// Declared properties of an object.
    pub properties: &'static [(&'static str, &'static Schema)],
    /// Properties an object must have.
    pub required: &'static [&'static str],
    /// What an object allows beyond `properties`.
    pub additional: Additional,
    /// The schema of every item of an array.
    pub items: Option<&'static Schema>,
    /// `allOf`: schemas the value must match as well.
    pub all_of: &'static [&'static Schema],
}

impl Schema {
    /// A schema that allows anything; generated schemas start from it.
    pub const ANY: Schema = Schema {
        kind: None,
        nullable: false,
        allowed: &[],
        checks: &[],
        properties: &[],
        required: &[],
        additional: Additional::Any,
        items: None,
        all_of: &[],
    };
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the bad value within what was checked; empty for the root.
    pub pointer: String,
    /// What is wrong, naming the keyword, e.g. `longer than 200 characters (maxLength)`.
    pub message: String,
}

/// Every violation of `schema` by `value`, in document order.
pub fn validate(value: &Value, schema: &Schema) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut pointer = String::new();
    walk(value, schema, &mut pointer, &mut out, 0);
    out
}

/// Schemas nest only as deep as the JSON they check, but a recursive schema applied to
/// deeply nested input must not exhaust the stack; the body parser already refuses
/// nesting past 128, so this is a backstop.
const MAX_DEPTH: usize = 256;

fn walk(
    value: &Value,
    schema: &Schema,
    pointer: &mut String,
    out: &mut Vec<Violation>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut fail = |message: String| {
        out.push(Violation {
            pointer: pointer.clone(),
            message,
        })
    };
    if value.is_null() && schema.nullable {
        return;
    }
    if let Some(kind) = schema.kind {
        if !is_kind(value, kind) {
            fail(format!(
                "expected {}, found {}",
                kind_name(kind),
                describe(value)
            ));
            return;
        }
    }
    if !schema.allowed.is_empty() {
        let text = value.to_string();
        if !schema.allowed.iter().any(|allowed| *allowed == text) {
            fail(format!(
                "{text} is not one of {} (enum)",
                schema.allowed.join(", ")
            ));
        }
    }
    for check in schema.checks {
        if let Some(message) = broken(value, check) {
            fail(message);
        }
    }
    for part in schema.all_of {
        walk(value, part, pointer, out, depth + 1);
    }
    match value {
        Value::Object(map) => {
            for name in schema.required {
                if !map.contains_key(*name) {
                    out.push(Violation {
                        pointer: pointer.clone(),
                        message: format!("missing required property \"{name}\" (required)"),
                    });
                }
            }
            for (key, item) in map {
                let declared = schema.properties.iter().find(|(name, _)| name == key);
                let child = match (declared, schema.additional) {
                    (Some((_, child)), _) => Some(*child),
                    (None, Additional::Schema(child)) => Some(child),
                    (None, Additional::Any) => None,
                    (None, Additional::Deny) => {
                        out.push(Violation {
                            pointer: pointer.clone(),
                            message: format!("unknown property \"{key}\" (additionalProperties)"),
                        });
                        None
                    }
                };
                if let Some(child) = child {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    walk(item, child, pointer, out, depth + 1);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            if let Some(child) = schema.items {
                for (index, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{index}");
                    walk(item, child, pointer, out, depth + 1);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn is_kind(value: &Value, kind: Kind) -> bool {
    match kind {
        Kind::String => value.is_string(),
        Kind::Integer => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        Kind::Number => value.is_number(),
        Kind::Boolean => value.is_boolean(),
        Kind::Array => value.is_array(),
        Kind::Object => value.is_object(),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::String => "a string",
        Kind::Integer => "an integer",
        Kind::Number => "a number",
        Kind::Boolean => "a boolean",
        Kind::Array => "an array",
        Kind::Object => "an object",
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The message for `check` when `value` breaks it; checks that do not apply to the
/// value's type pass, as in JSON Schema.
fn broken(value: &Value, check: &Check) -> Option<String> {
    match (*check, value) {
        (
            Check::Minimum {
                value: bound,
                exclusive,
            },
            Value::Number(n),
        ) => {
            let n = n.as_f64()?;
            if exclusive && n <= bound {
                Some(format!("must be greater than {bound} (exclusiveMinimum)"))
            } else if n < bound {
                Some(format!("must be at least {bound} (minimum)"))
            } else {
                None
            }
        }
        (
            Check::Maximum {
                value: bound,
                exclusive,
            },
            Value::Number(n),
        ) => {
            let n = n.as_f64()?;
            if exclusive && n >= bound {
                Some(format!("must be less than {bound} (exclusiveMaximum)"))
            } else if n > bound {
                Some(format!("must be at most {bound} (maximum)"))
            } else {
                None
            }
        }
        (Check::MultipleOf(step), Value::Number(n)) => {
            let ratio = n.as_f64()? / step;
            ((ratio - ratio.round()).abs() > 1e-9)
                .then(|| format!("must be a multiple of {step} (multipleOf)"))
        }
        (Check::MinLength(min), Value::String(s)) => (s.chars().count() < min)
            .then(|| format!("shorter than {} (minLength)", plural(min, "character"))),
        (Check::MaxLength(max), Value::String(s)) => (s.chars().count() > max)
            .then(|| format!("longer than {} (maxLength)", plural(max, "character"))),
        (Check::Pattern(source), Value::String(s)) => (matches_pattern(source, s) == Some(false))
            .then(|| format!("does not match the pattern {source:?} (pattern)")),
        (Check::MinItems(min), Value::Array(items)) => {
            (items.len() < min).then(|| format!("fewer than {} (minItems)", plural(min, "item")))
        }
        (Check::MaxItems(max), Value::Array(items)) => {
            (items.len() > max).then(|| format!("more than {} (maxItems)", plural(max, "item")))
        }
        (Check::UniqueItems, Value::Array(items)) => {
            let mut seen = std::collections::HashSet::new();
            let duplicate = items.iter().any(|item| !seen.insert(item.to_string()));
            duplicate.then(|| "items must be unique (uniqueItems)".to_string())
        }
        (Check::MinProperties(min), Value::Object(map)) => (map.len() < min)
            .then(|| format!("fewer than {} (minProperties)", plural(min, "property"))),
        (Check::MaxProperties(max), Value::Object(map)) => (map.len() > max)
            .then(|| format!("more than {} (maxProperties)", plural(max, "property"))),
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

/// Renders violations as one message: `/title: shorter than 1 character (minLength); ...`;
/// a violation at the root has no pointer prefix.
pub fn describe_violations(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| {
            if v.pointer.is_empty() {
                v.message.clone()
            } else {
                format!("{}: {}", v.pointer, v.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static TITLE: Schema = Schema {
        kind: Some(Kind::String),
        checks: &[
            Check::MinLength(1),
            Check::MaxLength(5),
            Check::Pattern("^[A-Z]"),
        ],
        ..Schema::ANY
    };
    static TAGS: Schema = Schema {
        kind: Some(Kind::Array),
        checks: &[Check::MaxItems(2), Check::UniqueItems],
        items: Some(&Schema {
            kind: Some(Kind::String),
            ..Schema::ANY
        }),
        ..Schema::ANY
    };
    static YEAR: Schema = Schema {
        kind: Some(Kind::Integer),
        nullable: true,
        checks: &[
            Check::Minimum {
                value: 1000.0,
                exclusive: false,
            },
            Check::Maximum {
                value: 3000.0,
                exclusive: true,
            },
            Check::MultipleOf(5.0),
        ],
        ..Schema::ANY
    };
    static BOOK: Schema = Schema {
        kind: Some(Kind::Object),
        properties: &[
            ("title", &TITLE),
            ("tags", &TAGS),
            ("year", &YEAR),
            ("genre", &GENRE),
        ],
        required: &["title", "genre"],
        additional: Additional::Deny,
        ..Schema::ANY
    };
    static GENRE: Schema = Schema {
        allowed: &["\"fiction\"", "\"poetry\""],
        ..Schema::ANY
    };

    #[test]
    fn every_violation_is_listed_with_its_pointer() {
        let book =
            json!({"title": "dune and more", "tags": ["a", "a", "b"], "year": 3001, "extra": 1});
        let found = describe_violations(&validate(&book, &BOOK));
        assert_eq!(
            found,
            "missing required property \"genre\" (required); \
             /title: longer than 5 characters (maxLength); \
             /title: does not match the pattern \"^[A-Z]\" (pattern); \
             /tags: more than 2 items (maxItems); \
             /tags: items must be unique (uniqueItems); \
             /year: must be less than 3000 (exclusiveMaximum); \
             /year: must be a multiple of 5 (multipleOf); \
             unknown property \"extra\" (additionalProperties)"
        );
    }

    #[test]
    fn valid_values_pass() {
        assert!(validate(
            &json!({"title": "Dune", "genre": "poetry", "year": null, "tags": ["x"]}),
            &BOOK
        )
        .is_empty());
        let wrong = validate(&json!({"title": 7, "genre": "drama"}), &BOOK);
        assert_eq!(wrong.len(), 2, "{wrong:?}");
        assert_eq!(wrong[0].pointer, "/title");
        assert!(wrong[1].message.contains("(enum)"));
    }
}
