//! The single pass against the walk and serde: they agree on every document.

use super::decode_if_valid;
use crate::validate::{validate, Additional, Check, Format, Kind, Schema, Tagged};
use serde_json::{json, Value};

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
    checks: &[Check::MinItems(1), Check::MaxItems(2)],
    items: Some(&Schema::STRING),
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
static GENRE: Schema = Schema {
    allowed: &["\"fiction\"", "\"poetry\"", "\"a\\\"b\""],
    ..Schema::ANY
};
static EXTRA: Schema = Schema {
    kind: Some(Kind::Object),
    additional: Additional::Schema(&Schema::NUMBER),
    property_names: Some(&Schema {
        checks: &[Check::MaxLength(4)],
        ..Schema::ANY
    }),
    checks: &[Check::MaxProperties(2)],
    ..Schema::ANY
};
static BOOK: Schema = Schema {
    kind: Some(Kind::Object),
    properties: &[
        ("title", &TITLE),
        ("tags", &TAGS),
        ("year", &YEAR),
        ("genre", &GENRE),
        ("extra", &EXTRA),
        ("when", &WHEN),
        ("count", &COUNT),
    ],
    required: &["title", "genre"],
    additional: Additional::Deny,
    ..Schema::ANY
};
static WHEN: Schema = Schema {
    checks: &[Check::Format(Format::Date)],
    all_of: &[&Schema {
        kind: Some(Kind::String),
        ..Schema::ANY
    }],
    ..Schema::ANY
};
static COUNT: Schema = Schema {
    allowed: &["1", "2.5", "null", "true"],
    ..Schema::ANY
};
/// Keywords the pass gives up on: any body it meets them in is left to the walk.
static UNFOLLOWED: Schema = Schema {
    kind: Some(Kind::Object),
    properties: &[
        (
            "unique",
            &Schema {
                checks: &[Check::UniqueItems],
                ..Schema::ANY
            },
        ),
        (
            "tagged",
            &Schema {
                tagged: Some(&Tagged {
                    property: "kind",
                    alternatives: &[("a", &Schema::OBJECT)],
                    bare: &[],
                }),
                ..Schema::ANY
            },
        ),
        (
            "small",
            &Schema {
                checks: &[Check::MinProperties(1)],
                ..Schema::ANY
            },
        ),
    ],
    ..Schema::ANY
};

/// A random JSON document from a vocabulary chosen to meet every rule above on
/// both sides.
fn document(rng: &mut fastrand::Rng, depth: usize) -> Value {
    const KEYS: &[&str] = &[
        "title",
        "tags",
        "year",
        "genre",
        "extra",
        "when",
        "count",
        "unique",
        "tagged",
        "small",
        "kind",
        "a",
        "a/b",
        "long-name",
    ];
    const STRINGS: &[&str] = &[
        "",
        "Dune",
        "dune",
        "Dune and more",
        "fiction",
        "poetry",
        "a\"b",
        "a",
        "2024-02-30",
        "2024-02-03",
        "Ünï",
    ];
    match rng.usize(0..if depth > 2 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!([0, 5, 1000, 2995, 3000, 3001, -7, 1][rng.usize(0..8)]),
        3 => json!([1.5, 1e3, 2.5, -0.0, 2995.0][rng.usize(0..5)]),
        4 => json!(STRINGS[rng.usize(0..STRINGS.len())]),
        5 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| document(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..6))
                .map(|_| {
                    let key = KEYS[rng.usize(0..KEYS.len())].to_string();
                    (key, document(rng, depth + 1))
                })
                .collect(),
        ),
    }
}

/// A document close to a book, so that many of them hold.
fn bookish(rng: &mut fastrand::Rng) -> Value {
    let mut book = json!({"title": "Dune", "genre": "fiction"});
    let members = book.as_object_mut().unwrap();
    for _ in 0..rng.usize(0..4) {
        let noise = document(rng, 1);
        let key = [
            "title", "tags", "year", "genre", "extra", "when", "count", "x",
        ][rng.usize(0..8)];
        let value = match (key, rng.bool()) {
            ("tags", true) => json!(["a", "b"]),
            ("year", true) => json!(1965),
            ("extra", true) => json!({"a": 1, "b": 2.5}),
            ("when", true) => json!("2024-02-03"),
            ("count", true) => json!(2.5),
            _ => noise,
        };
        members.insert(key.to_string(), value);
    }
    book
}

#[test]
fn values_agree_with_the_walk() {
    let mut rng = fastrand::Rng::with_seed(7);
    let (mut held, mut refused) = (0, 0);
    for round in 0..20_000 {
        let value = if round % 2 == 0 {
            bookish(&mut rng)
        } else {
            document(&mut rng, 0)
        };
        let text = value.to_string();
        let walked = validate(&value, &BOOK).is_empty();
        let passed: Option<Value> = decode_if_valid(text.as_bytes(), &BOOK);
        // Every keyword of BOOK is followed, so the pass and the walk agree exactly.
        assert_eq!(passed.is_some(), walked, "{text}");
        if let Some(passed) = passed {
            assert_eq!(passed, value);
            held += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        held > 1_000 && refused > 1_000,
        "{held} held, {refused} refused"
    );
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Genre {
    Fiction,
    Poetry,
    #[serde(rename = "a\"b")]
    Quoted,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Book {
    title: String,
    genre: Genre,
    tags: Option<Vec<String>>,
    year: Option<i32>,
    extra: Option<std::collections::BTreeMap<String, f64>>,
}

#[test]
fn types_agree_with_the_walk_and_serde() {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut held = 0;
    for round in 0..20_000 {
        let value = if round % 4 == 0 {
            document(&mut rng, 0)
        } else {
            bookish(&mut rng)
        };
        let text = value.to_string();
        let slow = serde_json::from_slice::<Book>(text.as_bytes())
            .ok()
            .filter(|_| validate(&value, &BOOK).is_empty());
        let fast: Option<Book> = decode_if_valid(text.as_bytes(), &BOOK);
        assert_eq!(fast, slow, "{text}");
        held += fast.is_some() as usize;
    }
    assert!(held > 1_000, "{held} held");
}

#[test]
fn unfollowed_keywords_are_left_to_the_walk() {
    let mut rng = fastrand::Rng::with_seed(13);
    for _ in 0..20_000 {
        let value = document(&mut rng, 0);
        let text = value.to_string();
        let passed: Option<Value> = decode_if_valid(text.as_bytes(), &UNFOLLOWED);
        if passed.is_some() {
            assert!(validate(&value, &UNFOLLOWED).is_empty(), "{text}");
        }
    }
    for text in [
        r#"{"unique": [1, 2]}"#,
        r#"{"tagged": {"kind": "a"}}"#,
        r#"{"small": {"a": 1}}"#,
    ] {
        let value: Value = serde_json::from_str(text).unwrap();
        assert!(validate(&value, &UNFOLLOWED).is_empty());
        assert_eq!(decode_if_valid::<Value>(text.as_bytes(), &UNFOLLOWED), None);
    }
    assert!(decode_if_valid::<Value>(br#"{"unique": 1}"#, &UNFOLLOWED).is_some());
}

/// serde_json skips a member the type ignores without reading its number; the value
/// the walk needs cannot hold `1e400`, so neither may the pass.
#[test]
fn what_the_type_ignores_is_read_whole() {
    let text = br#"{"title":"Dune","genre":"fiction","price":1e400}"#;
    assert!(serde_json::from_slice::<Book>(text).is_ok());
    assert!(serde_json::from_slice::<Value>(text).is_err());
    assert_eq!(decode_if_valid::<Book>(text, &Schema::OBJECT), None);
    let text = br#"{"title":"Dune","genre":"fiction","price":[1e400]}"#;
    assert_eq!(decode_if_valid::<Book>(text, &Schema::OBJECT), None);
}

#[test]
fn text_after_the_document_is_refused() {
    assert!(decode_if_valid::<Value>(br#"{"title":"Dune","genre":"poetry"}"#, &BOOK).is_some());
    assert!(decode_if_valid::<Value>(br#"{"title":"Dune","genre":"poetry"} 1"#, &BOOK).is_none());
}

/// The deepest body serde_json reads (it stops at 128 levels) is read on a thread with
/// tokio's default worker stack (2 MiB), in whatever build runs this test: the pass's
/// wrappers add frames to every level, and a debug build's frames are large.
#[test]
fn the_deepest_body_fits_a_worker_stack() {
    let arrays = format!("{}{}", "[".repeat(126), "]".repeat(126));
    let objects = format!("{}1{}", "{\"a\":".repeat(126), "}".repeat(126));
    for member in [arrays, objects] {
        let text = format!(r#"{{"title":"Dune","genre":"fiction","price":{member}}}"#);
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let book = decode_if_valid::<Book>(text.as_bytes(), &Schema::OBJECT);
                let value = decode_if_valid::<Value>(text.as_bytes(), &Schema::OBJECT);
                (book.is_some(), value.is_some())
            })
            .unwrap();
        assert_eq!(worker.join().unwrap(), (true, true));
    }
}
