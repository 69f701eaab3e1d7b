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
    /// `format`, for the formats with a checkable syntax.
    Format(Format),
}

/// String formats whose syntax is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 `date-time`, e.g. `2024-01-02T03:04:05Z`.
    DateTime,
    /// RFC 3339 `full-date`, e.g. `2024-01-02`.
    Date,
    /// RFC 4122 `uuid` in its hyphenated form.
    Uuid,
    /// `email`: a local part and a domain.
    Email,
    /// `ipv4`, dotted decimal.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `hostname` (RFC 1123).
    Hostname,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Hostname => "hostname",
        }
    }

    fn accepts(self, text: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(text),
            Format::Date => is_date(text),
            Format::Uuid => is_uuid(text),
            Format::Email => is_email(text),
            Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
            Format::Hostname => is_hostname(text),
        }
    }
}

fn digits(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_time(text: &str) -> bool {
    // partial-time, then Z or a numeric offset.
    let (time, offset) = if let Some(time) = text.strip_suffix(['Z', 'z']) {
        (time, None)
    } else {
        match text.rfind(['+', '-']) {
            Some(at) => (&text[..at], Some(&text[at + 1..])),
            None => return false,
        }
    };
    if let Some(offset) = offset {
        let Some((h, m)) = offset.split_once(':') else {
            return false;
        };
        if !matches!((digits(h, 2), digits(m, 2)), (Some(0..=23), Some(0..=59))) {
            return false;
        }
    }
    let (whole, fraction) = match time.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (time, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut parts = whole.split(':');
    matches!(
        (
            parts.next().and_then(|h| digits(h, 2)),
            parts.next().and_then(|m| digits(m, 2)),
            parts.next().and_then(|s| digits(s, 2)),
            parts.next()
        ),
        (Some(0..=23), Some(0..=59), Some(0..=60), None)
    )
}

fn is_date_time(text: &str) -> bool {
    match text.find(['T', 't']) {
        Some(at) => is_date(&text[..at]) && is_time(&text[at + 1..]),
        None => false,
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn is_email(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !text.chars().any(char::is_whitespace) && is_hostname(domain)
        }
        None => false,
    }
}

fn is_hostname(text: &str) -> bool {
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
    /// The schemas of an array's first items, by position (a tuple).
    pub prefix_items: &'static [&'static Schema],
    /// The schema of every item of an array (after `prefix_items`).
    pub items: Option<&'static Schema>,
    /// `allOf`: schemas the value must match as well.
    pub all_of: &'static [&'static Schema],
    /// A `oneOf` with a `discriminator`: the alternative an object's tag selects.
    pub tagged: Option<&'static Tagged>,
    /// `propertyNames`: the schema every key of an object must match, as a string.
    pub property_names: Option<&'static Schema>,
}

/// The alternatives of a discriminated `oneOf`, by the tag values that select them.
#[derive(Debug, PartialEq)]
pub struct Tagged {
    /// The discriminating property.
    pub property: &'static str,
    /// Each tag value and the schema of the alternative it selects.
    pub alternatives: &'static [(&'static str, &'static Schema)],
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
        prefix_items: &[],
        items: None,
        all_of: &[],
        tagged: None,
        property_names: None,
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
    if let (Some(tagged), Value::Object(map)) = (schema.tagged, value) {
        let tag = map.get(tagged.property);
        let chosen = tagged
            .alternatives
            .iter()
            .find(|(name, _)| tag.and_then(Value::as_str) == Some(*name));
        match (tag, chosen) {
            (_, Some((_, alternative))) => walk(value, alternative, pointer, out, depth + 1),
            (None, None) => out.push(Violation {
                pointer: pointer.clone(),
                message: format!(
                    "missing required property \"{}\" (discriminator)",
                    tagged.property
                ),
            }),
            (Some(_), None) => {
                let allowed: Vec<String> = tagged
                    .alternatives
                    .iter()
                    .map(|(name, _)| format!("\"{name}\""))
                    .collect();
                out.push(Violation {
                    pointer: format!(
                        "{pointer}/{}",
                        tagged.property.replace('~', "~0").replace('/', "~1")
                    ),
                    message: format!("must be one of {} (discriminator)", allowed.join(", ")),
                });
            }
        }
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
            if let Some(names) = schema.property_names {
                for key in map.keys() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    let mut broken = Vec::new();
                    walk(
                        &Value::String(key.clone()),
                        names,
                        pointer,
                        &mut broken,
                        depth + 1,
                    );
                    pointer.truncate(len);
                    for violation in broken {
                        out.push(Violation {
                            pointer: pointer.clone(),
                            message: format!(
                                "property name \"{key}\": {} (propertyNames)",
                                violation.message
                            ),
                        });
                    }
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
            for (index, item) in items.iter().enumerate() {
                let child = match schema.prefix_items.get(index) {
                    Some(positional) => *positional,
                    None => match schema.items {
                        Some(child) => child,
                        None => break,
                    },
                };
                let len = pointer.len();
                let _ = write!(pointer, "/{index}");
                walk(item, child, pointer, out, depth + 1);
                pointer.truncate(len);
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
        (Check::Format(format), Value::String(s)) => {
            (!format.accepts(s)).then(|| format!("not a valid {} (format)", format.name()))
        }
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
    fn formats_with_a_syntax_are_checked() {
        let cases = [
            (Format::DateTime, "2024-02-29T23:59:60.5+05:30", true),
            (Format::DateTime, "2024-02-29t01:02:03z", true),
            (Format::DateTime, "2023-02-29T01:02:03Z", false),
            (Format::DateTime, "2024-01-02 03:04:05Z", false),
            (Format::Date, "2024-12-31", true),
            (Format::Date, "2024-13-01", false),
            (Format::Uuid, "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5e6f", true),
            (Format::Uuid, "6f1c1a7e8a3b4c5d9e0f1a2b3c4d5e6f", false),
            (Format::Email, "ada@example.org", true),
            (Format::Email, "ada at example.org", false),
            (Format::Ipv4, "192.0.2.1", true),
            (Format::Ipv4, "192.0.2.256", false),
            (Format::Ipv6, "2001:db8::1", true),
            (Format::Hostname, "-bad.example", false),
        ];
        for (format, text, valid) in cases {
            assert_eq!(format.accepts(text), valid, "{format:?} {text}");
        }
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

    static LATITUDE: Schema = Schema {
        kind: Some(Kind::Number),
        checks: &[
            Check::Minimum {
                value: -90.0,
                exclusive: false,
            },
            Check::Maximum {
                value: 90.0,
                exclusive: false,
            },
        ],
        ..Schema::ANY
    };
    static POINT: Schema = Schema {
        kind: Some(Kind::Array),
        prefix_items: &[&LATITUDE, &Schema::ANY],
        items: Some(&Schema {
            kind: Some(Kind::String),
            ..Schema::ANY
        }),
        ..Schema::ANY
    };

    #[test]
    fn tuple_items_are_checked_by_position() {
        assert!(validate(&json!([45, 500, "rest"]), &POINT).is_empty());
        let wrong = validate(&json!([91, "anything", 3]), &POINT);
        let pointers: Vec<&str> = wrong.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/0", "/2"], "{wrong:?}");
    }

    static KEYED: Schema = Schema {
        kind: Some(Kind::Object),
        property_names: Some(&Schema {
            checks: &[Check::MaxLength(3)],
            ..Schema::ANY
        }),
        ..Schema::ANY
    };

    #[test]
    fn property_names_are_checked() {
        assert!(validate(&json!({"abc": 1}), &KEYED).is_empty());
        let wrong = validate(&json!({"abcd": 1}), &KEYED);
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert_eq!(wrong[0].pointer, "");
        assert!(
            wrong[0].message.starts_with("property name \"abcd\": "),
            "{wrong:?}"
        );
    }
}
