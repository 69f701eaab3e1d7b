//! The pass over a decoded value against its schema tree, collecting every violation
//! with the JSON pointer of the value that broke it.

use std::fmt::Write as _;

use serde_json::Value;

use super::checks::broken;
use super::schema::{Additional, Kind, Schema};

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

/// Appends `/` and `key` as a JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`)
/// to `pointer`. Every member of every valid body passes here, so it copies no string
/// when there is nothing to escape.
fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    if !key.contains(['~', '/']) {
        pointer.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
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
                specfirst_model::vocabulary::json_kind(value)
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
                let mut at = pointer.clone();
                push_token(&mut at, tagged.property);
                out.push(Violation {
                    pointer: at,
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
                    push_token(pointer, key);
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
                    push_token(pointer, key);
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
    use super::push_token;

    #[test]
    fn tokens_escape_tilde_and_slash() {
        let mut pointer = String::from("/a");
        push_token(&mut pointer, "b/c~d");
        push_token(&mut pointer, "plain");
        assert_eq!(pointer, "/a/b~1c~0d/plain");
    }

    use super::*;
    use crate::validate::Check;
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
