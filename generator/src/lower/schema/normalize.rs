//! OpenAPI 3.0 schemas rewritten as the draft-7 JSON Schema typify reads: `nullable`,
//! exclusive bounds, keywords of the wrong type, `$ref` siblings, contradicted types.

use std::collections::BTreeSet;

use super::defaults::{drop_mismatched_default, drop_unfit_defaults};
use super::enums::{
    clean_enum, drop_alternatives_beside_enum, drop_keywords_beside_enum, enum_values_type,
    hide_colliding_enum, hide_mixed_enum, tag_alternatives, tag_implicit_alternatives,
    type_a_null_enum,
};
use super::names::{typify_field_name, visit_inline_mut};

use serde_json::{Map, Value};

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::keywords::{
    constraint_type_problem, json_kind, subschema_shape_problem, unknown_type, ANNOTATIONS,
    TYPE_KEYWORDS,
};
use crate::load::refs::{component_schema_name, follow};
use crate::text::unix_line_breaks;

/// Keywords whose value is one subschema.
pub(super) const SINGLE: &[&str] = &["items", "not", "additionalProperties"];

/// Keywords whose value is a list of subschemas.
pub(super) const LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Rewrites one OpenAPI schema (and everything inside it) into draft-7 JSON Schema.
///
/// Local `$ref`s that do not point at `#/components/schemas/NAME` are reported, since
/// typify names referenced types after the last segment of the reference.
pub(crate) fn normalize(schema: &Value, pointer: &str, problems: &mut Vec<Diagnostic>) -> Value {
    let Value::Object(map) = schema else {
        // `true`/`false` schemas pass through; anything else is no schema at all.
        if !schema.is_boolean() {
            problems.push(Diagnostic::new(
                pointer,
                format!(
                    "a schema must be an object (or a boolean); found {}",
                    json_kind(schema)
                ),
            ));
        }
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref") {
        if let Some(target) = reference.as_str() {
            if component_schema_name(target).is_none() {
                problems.push(Diagnostic::new(
                    pointer_join(pointer, "$ref"),
                    format!(
                        "unsupported schema reference `{target}`: only `#/components/schemas/NAME` is supported here"
                    ),
                ));
            }
        }
        let mut out = Map::new();
        out.insert("$ref".into(), reference.clone());
        return Value::Object(out);
    }

    let mut out = Map::new();
    for (key, value) in map {
        let child = pointer_join(pointer, key);
        if let Some(expected) = subschema_shape_problem(key, value) {
            problems.push(Diagnostic::new(
                child,
                format!("`{key}` must be {expected}"),
            ));
            continue;
        }
        let converted = match key.as_str() {
            "properties" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| {
                            let at = pointer_join(&child, name);
                            (name.clone(), normalize(property, &at, problems))
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            k if SINGLE.contains(&k) && value.is_object() => normalize(value, &child, problems),
            k if LISTS.contains(&k) => match value {
                Value::Array(items) => {
                    let mut kept: Vec<Value> = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        let at = pointer_join(&child, i.to_string());
                        // The same schema twice: typify cannot name two variants alike
                        // (it panics when they are inline), and no value could match just
                        // one of them, which a `oneOf` would then refuse. Real specs repeat
                        // a `$ref` by mistake (Apple's, Stream's): one of each is meant.
                        if items[..i].contains(item) {
                            continue;
                        }
                        let mut alternative = normalize(item, &at, problems);
                        if k != "allOf" {
                            declare_required(&mut alternative);
                        }
                        kept.push(alternative);
                    }
                    Value::Array(kept)
                }
                other => other.clone(),
            },
            "type" => match unknown_type(value) {
                Some(problem) => {
                    problems.push(Diagnostic::new(child, problem));
                    continue;
                }
                None => value.clone(),
            },
            "nullable" | "exclusiveMinimum" | "exclusiveMaximum" | "discriminator" => continue,
            // Annotations of the wrong JSON type (an `examples` map, a numeric title)
            // make schemars refuse the whole schema; they mean nothing to the code.
            "examples" if !value.is_array() => continue,
            "title" | "description" | "$comment" if !value.is_string() => continue,
            // typify copies these into doc comments, where rustc refuses a bare CR.
            "title" | "description" => match value.as_str() {
                Some(text) => Value::String(unix_line_breaks(text)),
                None => continue,
            },
            "readOnly" | "writeOnly" | "deprecated" if !value.is_boolean() => continue,
            // A constraint of the wrong JSON type (api.video's `pattern: 0`) means
            // nothing the generator could enforce: the spec has to say what it meant.
            k => {
                if let Some(expected) = constraint_type_problem(k, value) {
                    problems.push(Diagnostic::new(child, format!("`{k}` must be {expected}")));
                    continue;
                }
                value.clone()
            }
        };
        out.insert(key.clone(), converted);
    }

    // 3.1's tuples are draft 7's `items` list. Rust has fixed-size tuples only, so the
    // tuple must have exactly as many items as `prefixItems` lists.
    if let Some(Value::Array(prefix)) = map.get("prefixItems") {
        out.remove("prefixItems");
        let at = pointer_join(pointer, "prefixItems");
        let count = Value::from(prefix.len());
        let closed = matches!(map.get("items"), Some(Value::Bool(false)))
            || map.get("items") == Some(&serde_json::json!({ "not": {} }));
        if !closed || map.get("minItems") != Some(&count) {
            problems.push(Diagnostic::new(
                at.clone(),
                format!(
                    "a tuple is supported only with exactly {count} items: add `items: false` \
                     and `minItems: {count}`"
                ),
            ));
        }
        let prefix = prefix
            .iter()
            .enumerate()
            .map(|(i, item)| normalize(item, &pointer_join(&at, i.to_string()), problems))
            .collect();
        out.insert("items".into(), Value::Array(prefix));
        out.insert("additionalItems".into(), Value::Bool(false));
        out.insert("maxItems".into(), count);
    }

    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(flag) == Some(&Value::Bool(true)) {
            if let Some(limit) = out.remove(bound) {
                out.insert(flag.into(), limit);
            }
        }
    }

    if let Some(discriminator) = map.get("discriminator") {
        // An alternative that is the schema itself would be tagged as `allOf` of itself,
        // which no type can be (typify recurses for ever on it).
        let own = format!("#{pointer}");
        let mut own_alternative = false;
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = map.get(key) {
                for (i, alternative) in alternatives.iter().enumerate() {
                    if alternative.get("$ref").and_then(Value::as_str) == Some(own.as_str()) {
                        own_alternative = true;
                        problems.push(Diagnostic::new(
                            pointer_join(
                                &pointer_join(&pointer_join(pointer, key), i.to_string()),
                                "$ref",
                            ),
                            format!(
                                "an alternative of a discriminated `{key}` is the schema itself; \
                                 list the schemas it chooses between"
                            ),
                        ));
                    }
                }
            }
        }
        if !own_alternative {
            tag_alternatives(&mut out, discriminator);
        }
    } else {
        tag_implicit_alternatives(&mut out);
    }
    drop_keywords_beside_enum(&mut out);
    type_a_null_enum(&mut out);
    drop_unwritable_not(&mut out);
    settle_keyword_types(&mut out);
    drop_colliding_required(&mut out);
    hide_mixed_enum(&mut out);
    clean_enum(&mut out);
    drop_mismatched_default(&mut out);
    hide_colliding_enum(&mut out);
    drop_alternatives_beside_enum(&mut out);

    // An untyped enum that lists `null` admits it as `nullable` would; typify writes
    // such an enum as an `Option` of itself under the same name.
    let lists_null = !out.contains_key("type")
        && matches!(out.get("enum"), Some(Value::Array(values)) if values.contains(&Value::Null));
    if map.get("nullable") == Some(&Value::Bool(true)) || lists_null {
        return make_nullable(out);
    }
    Value::Object(out)
}

/// A schema that is only `not: X` is, to typify, the type of the values of X's `enum`
/// (or none, for `not: {}`); for any other X (`not: {$ref: ...}`, `not: {required:
/// [...]}`) it stops (`unhandled not schema`). No Rust type is "anything but X", and the
/// validation rules do not check `not`: such a schema admits any value.
fn drop_unwritable_not(schema: &mut Map<String, Value>) {
    let Some(Value::Object(not)) = schema.get("not") else {
        return;
    };
    let alone = schema
        .keys()
        .all(|key| key == "not" || ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-"));
    let writable = not
        .keys()
        .all(|key| matches!(key.as_str(), "enum" | "type" | "title" | "description"));
    if alone && !writable {
        schema.remove("not");
    }
}

/// Gives each name an alternative's `required` lists but its `properties` lacks a
/// property of any value: what `required` alone already says, which typify's tagged
/// enums cannot read otherwise (they assert that every required name is a property).
fn declare_required(alternative: &mut Value) {
    let Value::Object(map) = alternative else {
        return;
    };
    let Some(Value::Array(required)) = map.get("required") else {
        return;
    };
    let names: Vec<String> = required
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    for name in names {
        properties
            .entry(name)
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// What constraint `keyword` must be when `value` is not that: `pattern` a string,
/// the counts non-negative integers, the bounds numbers, `required` a list of names.
/// The types whose keywords `schema` has, `integer` left out (its keywords are
/// `number`'s).
pub(super) fn implied_types(schema: &Map<String, Value>) -> Vec<&'static str> {
    TYPE_KEYWORDS
        .iter()
        .filter(|(ty, keywords)| {
            *ty != "integer" && keywords.iter().any(|k| schema.contains_key(*k))
        })
        .map(|(ty, _)| *ty)
        .collect()
}

/// Makes the type of a schema agree with its keywords, which typify needs and JSON
/// Schema does not: a `format` beside `type: object` (`uri-map`, a media type), or an
/// untyped schema mixing object and array keywords, are valid documents that typify
/// refuses with a panic.
///
/// A `format` only means something for strings and numbers, so it goes elsewhere.
/// Keywords that constrain nothing (`uniqueItems: false`, a zero minimum count) go. An
/// untyped schema whose keywords still belong to several types gets the list of those
/// types, which is what it accepts: a value of any other type passes each keyword.
pub(super) fn settle_keyword_types(schema: &mut Map<String, Value>) {
    let typed_without_format = matches!(
        schema.get("type").and_then(Value::as_str),
        Some("object" | "array" | "boolean" | "null")
    );
    if typed_without_format {
        schema.remove("format");
    }
    if schema.contains_key("type")
        || schema.contains_key("$ref")
        || LISTS.iter().any(|k| schema.contains_key(*k))
        || schema.contains_key("enum")
        || schema.contains_key("const")
    {
        return;
    }
    let vacuous = |key: &str, value: &Value| match key {
        "uniqueItems" => value == &Value::Bool(false),
        "minItems" | "minProperties" | "minLength" => value.as_u64() == Some(0),
        _ => false,
    };
    schema.retain(|key, value| !vacuous(key, value));
    let types = implied_types(schema);
    match types.as_slice() {
        [] => {
            // A `format` alone (`date-time`, or a misplaced `string` or `boolean`)
            // constrains strings only, so the schema accepts any value; typify panics
            // on it rather than writing that.
            schema.remove("format");
        }
        // typify reads an untyped schema with string, object or array keywords as that
        // type, but panics on one with number keywords only; it gets the type the
        // keywords name, as the others do.
        ["number"] => {
            schema.insert("type".into(), "number".into());
        }
        ["object" | "array"] => {
            schema.remove("format");
        }
        [_] => {}
        _ => {
            if !types.contains(&"string") && !types.contains(&"number") {
                schema.remove("format");
            }
            let list = types.iter().map(|ty| Value::from(*ty)).collect();
            schema.insert("type".into(), Value::Array(list));
        }
    }
}

/// Whether JSON types `a` and `b` share values: equal, or both numeric (any number
/// admits the keywords of `number` and of `integer` alike).
pub(super) fn same_kind(a: &str, b: &str) -> bool {
    let numeric = |ty: &str| matches!(ty, "number" | "integer");
    a == b || (numeric(a) && numeric(b))
}

/// The JSON Schema type of `value`: `integer` for whole numbers, `number` for others.
pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// typify gives a `required` name that `properties` does not declare a field of its own,
/// and a spec that requires `id` beside a declared `Id` (a casing slip) would get two
/// fields named `id`. Such a name is dropped from `required` (for the types and the
/// request rules alike): the declared property is what the spec means.
pub(super) fn drop_colliding_required(schema: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    // Most schemas require only what they declare: nothing to compare names for.
    let Some(Value::Array(required)) = schema.get("required") else {
        return;
    };
    let declares = |name: &Value| match name.as_str() {
        Some(name) => properties.contains_key(name),
        None => true,
    };
    if required.iter().all(declares) {
        return;
    }
    let fields: BTreeSet<String> = properties.keys().map(|k| typify_field_name(k)).collect();
    let declared: BTreeSet<&String> = properties.keys().collect();
    let keep = |name: &Value| match name.as_str() {
        Some(name) => {
            declared.contains(&name.to_string()) || !fields.contains(&typify_field_name(name))
        }
        None => true,
    };
    let kept: Vec<Value> = required.iter().filter(|name| keep(name)).cloned().collect();
    if kept.len() != required.len() {
        schema.insert("required".into(), Value::Array(kept));
    }
}

/// Whether `value` has the JSON type `name` (`integer` counts only whole numbers).
pub(super) fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// [`normalize`], then [`drop_unfit_defaults`] with references resolved in `root`: the
/// form every schema handed to typify takes.
pub(crate) fn normalize_in(
    root: &Value,
    schema: &Value,
    pointer: &str,
    problems: &mut Vec<Diagnostic>,
) -> Value {
    let mut out = normalize(schema, pointer, problems);
    visit_inline_mut(&mut out, true, &mut |node| {
        drop_contradicted_type(node, root)
    });
    drop_unfit_defaults(&mut out, root);
    out
}

/// A `type` beside `oneOf`/`anyOf` that every alternative contradicts (Channel 4's
/// `type: object` around a string enum and a string) admits no value at all, and typify
/// writes code for it that does not compile. The alternatives are what such a spec
/// means: the `type` goes, with the keywords of that type, which constrain no value
/// the alternatives admit. Alternatives are followed through `root`; one whose types
/// cannot be told keeps the schema as written.
pub(super) fn drop_contradicted_type(schema: &mut Map<String, Value>, root: &Value) {
    let Some(own) = schema.get("type").and_then(Value::as_str) else {
        return;
    };
    let own_keywords = TYPE_KEYWORDS
        .iter()
        .find(|(ty, _)| *ty == own)
        .map_or(&[][..], |(_, keywords)| *keywords);
    let alternatives = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|key| schema.get(*key).and_then(Value::as_array))
        .flatten();
    let mut any = false;
    for alternative in alternatives {
        any = true;
        let Some(types) = admitted_types(follow(root, alternative)) else {
            return;
        };
        if types.iter().any(|ty| same_kind(ty, own)) {
            return;
        }
    }
    if !any {
        return;
    }
    schema.remove("type");
    for keyword in own_keywords {
        schema.remove(*keyword);
    }
}

/// The JSON types a schema admits as far as its `type` or its `enum` tell (`null` left
/// out: a nullable alternative admits its type too), or `None` when neither does.
pub(super) fn admitted_types(schema: &Value) -> Option<Vec<&'static str>> {
    let named = |ty: &Value| {
        TYPE_NAMES
            .iter()
            .copied()
            .find(|name| ty.as_str() == Some(*name))
    };
    match (schema.get("type"), schema.get("enum")) {
        (Some(Value::Array(types)), _) => Some(types.iter().filter_map(named).collect()),
        (Some(ty), _) => named(ty).map(|ty| vec![ty]),
        (None, Some(Value::Array(values))) => Some(
            values
                .iter()
                .map(json_type)
                .filter(|ty| *ty != "null")
                .collect(),
        ),
        _ => None,
    }
}

/// The type names of JSON Schema.
pub(super) const TYPE_NAMES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "integer", "string",
];

/// `nullable: true` as draft 7 spells it: `null` joins the type (and the enum, which
/// would otherwise exclude it), or the whole schema becomes one alternative of two.
pub(super) fn make_nullable(mut schema: Map<String, Value>) -> Value {
    // An object or array schema that leaves `type` implicit still has one; saying so
    // keeps it a plain nullable type instead of a one-of typify names twice.
    let has_composition =
        LISTS.iter().any(|k| schema.contains_key(*k)) || schema.contains_key("$ref");
    if !schema.contains_key("type") && !has_composition {
        if schema.contains_key("properties") || schema.contains_key("additionalProperties") {
            schema.insert("type".into(), "object".into());
        } else if schema.contains_key("items") {
            schema.insert("type".into(), "array".into());
        } else if let Some(kind) = enum_values_type(&schema) {
            // Wrapped instead, the inner enum would still list `null` and typify would
            // write it as an `Option` of itself (Plaid's `OwnershipType`).
            schema.insert("type".into(), kind.into());
        }
    }
    match schema.get("type").cloned() {
        Some(Value::String(single)) => {
            schema.insert(
                "type".into(),
                Value::Array(vec![single.into(), "null".into()]),
            );
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(schema)
        }
        // Alternatives already: `null` is one more, rather than a wrapper whose inner
        // type typify would give the component's own name.
        _ if schema.contains_key("oneOf") || schema.contains_key("anyOf") => {
            let key = if schema.contains_key("oneOf") {
                "oneOf"
            } else {
                "anyOf"
            };
            if let Some(Value::Array(alternatives)) = schema.get_mut(key) {
                let null = serde_json::json!({ "type": "null" });
                if !alternatives.contains(&null) {
                    alternatives.push(null);
                }
            }
            Value::Object(schema)
        }
        // A schema that constrains nothing admits `null` already. Wrapping it would
        // give typify two unit variants to write when `allOf` merges two such
        // schemas (intellifi's `kv_value`), an assertion inside typify.
        _ if schema.keys().all(|key| is_annotation(key)) => Value::Object(schema),
        _ => {
            let mut outer = Map::new();
            for key in ["title", "description", "default"] {
                if let Some(value) = schema.remove(key) {
                    outer.insert(key.into(), value);
                }
            }
            let null = serde_json::json!({ "type": "null" });
            outer.insert(
                "oneOf".into(),
                Value::Array(vec![Value::Object(schema), null]),
            );
            Value::Object(outer)
        }
    }
}

/// Whether `keyword` only describes a schema, constraining no value: an
/// [`ANNOTATIONS`] keyword, an extension, a `default` or an `xml` hint.
pub(super) fn is_annotation(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword)
        || keyword.starts_with("x-")
        || matches!(keyword, "default" | "xml")
}

#[cfg(test)]
mod duplicate_alternatives {
    use serde_json::json;

    use super::normalize;

    #[test]
    fn a_one_of_listing_a_schema_twice_keeps_one_of_each() {
        // Apple's App Store Connect lists `$ref: AppCategory` twice; an inline schema
        // twice made typify panic.
        let mut problems = Vec::new();
        let a = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let schema = normalize(
            &json!({"oneOf": [a.clone(), {"type": "integer"}, a]}),
            "/components/schemas/Either",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(schema["oneOf"].as_array().map(Vec::len), Some(2));
        assert_eq!(schema["oneOf"][1], json!({"type": "integer"}));
    }

    #[test]
    fn a_discriminated_alternative_that_is_the_schema_itself_is_refused() {
        let mut problems = Vec::new();
        normalize(
            &json!({
                "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Shape"}],
                "discriminator": {"propertyName": "kind"},
            }),
            "/components/schemas/Shape",
            &mut problems,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].pointer,
            "/components/schemas/Shape/oneOf/1/$ref"
        );
    }

    #[test]
    fn an_any_of_keeps_one_of_each() {
        let mut problems = Vec::new();
        let schema = normalize(
            &json!({"anyOf": [{"type": "string"}, {"type": "string"}, {"type": "integer"}]}),
            "/components/schemas/Some",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            schema["anyOf"],
            json!([{"type": "string"}, {"type": "integer"}])
        );
    }
}
