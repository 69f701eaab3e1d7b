//! Optional nullable properties: three states by default (`specfirst_runtime::Nullable`),
//! plain `Option`s with `nullable = "option"` (`--nullable option`), on the flagship's
//! `BookPatch`, read and written through serde as a server reads and writes them.

use serde_json::{json, Value};
use specfirst_fixture_buildrs::{bookshelf, option_nullable_bookshelf};
use specfirst_runtime::Nullable;

fn read<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid patch")
}

#[test]
fn by_default_absent_null_and_a_value_are_three_things() {
    use bookshelf::types::BookPatch;
    let absent: BookPatch = read(json!({}));
    let null: BookPatch = read(json!({"published_year": null, "tags": null}));
    let value: BookPatch = read(json!({"published_year": 1965, "tags": ["sf"]}));
    assert_eq!(absent.published_year, Nullable::Absent);
    assert_eq!(null.published_year, Nullable::Null);
    assert_eq!(value.published_year, Nullable::Value(1965));
    assert_eq!(absent.tags, Nullable::Absent);
    assert_eq!(null.tags, Nullable::Null);
    assert_eq!(value.tags, Nullable::Value(vec!["sf".to_string()]));
    // Each is written back as it was read: absent left out, null as null.
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    assert_eq!(
        serde_json::to_value(&null).unwrap(),
        json!({"published_year": null, "tags": null})
    );
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        json!({"published_year": 1965, "tags": ["sf"]})
    );
    // A property that is optional but not nullable stays an `Option`.
    let _: Option<bookshelf::types::Genre> = absent.genre;
}

#[test]
fn with_the_option_setting_absent_and_null_read_alike() {
    use option_nullable_bookshelf::types::BookPatch;
    let absent: BookPatch = read(json!({}));
    let null: BookPatch = read(json!({"published_year": null}));
    let value: BookPatch = read(json!({"published_year": 1965}));
    let years: [Option<i32>; 3] = [
        absent.published_year,
        null.published_year,
        value.published_year,
    ];
    assert_eq!(years, [None, None, Some(1965)]);
    assert_eq!(serde_json::to_value(&null).unwrap(), json!({}));
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        json!({"published_year": 1965})
    );
}
