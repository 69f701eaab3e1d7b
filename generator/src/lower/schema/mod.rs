//! OpenAPI 3.0 schemas as JSON Schema that typify understands, and the wire shape of
//! parameter schemas.
//!
//! typify reads JSON Schema draft 7 through schemars 0.8, which differs from OpenAPI
//! 3.0 in a few keywords: `nullable` (ignored by typify), boolean `exclusiveMinimum`
//! and `exclusiveMaximum` (numbers in draft 7), and `$ref` siblings (ignored in 3.0).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::keywords::{ANNOTATIONS, HIDDEN_ENUM, NUMBER_KEYWORDS, TAGGED, TYPE_KEYWORDS};
use crate::load::refs::{self, component_schema_name, follow};
use crate::text::unix_line_breaks;

/// Keywords whose value is one subschema.
const SINGLE: &[&str] = &["items", "not", "additionalProperties"];
/// Keywords whose value is a list of subschemas.
const LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Rewrites one OpenAPI schema (and everything inside it) into draft-7 JSON Schema.
///
/// Local `$ref`s that do not point at `#/components/schemas/NAME` are reported, since
/// typify names referenced types after the last segment of the reference.
pub fn normalize(schema: &Value, pointer: &str, problems: &mut Vec<Diagnostic>) -> Value {
    let Value::Object(map) = schema else {
        // `true`/`false` schemas and anything else pass through for typify to judge.
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
                Value::Array(items) => Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            normalize(item, &pointer_join(&child, i.to_string()), problems)
                        })
                        .collect(),
                ),
                other => other.clone(),
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
        tag_alternatives(&mut out, discriminator);
    }
    drop_keywords_beside_enum(&mut out);
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

/// What constraint `keyword` must be when `value` is not that: `pattern` a string,
/// the counts non-negative integers, the bounds numbers, `required` a list of names.
fn constraint_type_problem(keyword: &str, value: &Value) -> Option<&'static str> {
    let fits = match keyword {
        "pattern" => value.is_string(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            value.is_u64()
        }
        "minimum" | "maximum" | "multipleOf" => value.is_number(),
        "uniqueItems" => value.is_boolean(),
        "required" => value
            .as_array()
            .is_some_and(|names| names.iter().all(Value::is_string)),
        "enum" => value.is_array(),
        _ => return None,
    };
    match (fits, keyword) {
        (true, _) => None,
        (false, "pattern") => Some("a string (a regular expression)"),
        (false, "minimum" | "maximum" | "multipleOf") => Some("a number"),
        (false, "uniqueItems") => Some("a boolean"),
        (false, "required") => Some("a list of property names"),
        (false, "enum") => Some("a list of values"),
        (false, _) => Some("a non-negative integer"),
    }
}

/// The types whose keywords `schema` has, `integer` left out (its keywords are
/// `number`'s).
fn implied_types(schema: &Map<String, Value>) -> Vec<&'static str> {
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
fn settle_keyword_types(schema: &mut Map<String, Value>) {
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
fn same_kind(a: &str, b: &str) -> bool {
    let numeric = |ty: &str| matches!(ty, "number" | "integer");
    a == b || (numeric(a) && numeric(b))
}

/// The JSON Schema type of `value`: `integer` for whole numbers, `number` for others.
fn json_type(value: &Value) -> &'static str {
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

/// The one JSON type the non-null values of `schema`'s `enum` share (`number` when
/// integers and other numbers mix), if they share one.
fn enum_values_type(schema: &Map<String, Value>) -> Option<&'static str> {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return None;
    };
    let mut kinds = values
        .iter()
        .filter(|value| !value.is_null())
        .map(json_type)
        .collect::<BTreeSet<_>>();
    if kinds.len() == 2 && kinds.contains("integer") && kinds.contains("number") {
        kinds.remove("integer");
    }
    match kinds.len() {
        1 => kinds.pop_first(),
        _ => None,
    }
}

/// An untyped `enum` beside keywords of a type none of its values has (`enum: [""]`
/// with `items`, New York Times' `GeoFacet`) makes typify panic. Those keywords
/// constrain no value the enum admits, so they go.
fn drop_keywords_beside_enum(schema: &mut Map<String, Value>) {
    if schema.contains_key("type") {
        return;
    }
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    let admitted = |ty: &str| values.iter().map(json_type).any(|own| same_kind(own, ty));
    let unused: Vec<&str> = TYPE_KEYWORDS
        .iter()
        .filter(|(ty, _)| !admitted(ty))
        .flat_map(|(_, keywords)| keywords.iter().copied())
        .filter(|keyword| !NUMBER_KEYWORDS.contains(keyword) || !admitted("number"))
        .collect();
    for keyword in unused {
        schema.remove(keyword);
    }
}

/// An untyped `enum` whose values are of several JSON types (`[true, false, 0, 1]`)
/// makes typify panic. The schema gets the list of those types, which typify writes as
/// an untagged enum, and the values move where only the request rules read them.
fn hide_mixed_enum(schema: &mut Map<String, Value>) {
    if schema.contains_key("type") {
        return;
    }
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    let mut types: Vec<&str> = values.iter().map(json_type).collect();
    types.sort_unstable();
    types.dedup();
    // An integer is a number too: one list entry covers both.
    if types.contains(&"number") {
        types.retain(|ty| *ty != "integer");
    }
    if types.iter().filter(|ty| **ty != "null").count() < 2 {
        return;
    }
    if let Some(values) = schema.remove("enum") {
        schema.insert(HIDDEN_ENUM.into(), values);
    }
    let list = types.into_iter().map(Value::from).collect();
    schema.insert("type".into(), Value::Array(list));
}

/// typify gives a `required` name that `properties` does not declare a field of its own,
/// and a spec that requires `id` beside a declared `Id` (a casing slip) would get two
/// fields named `id`. Such a name is dropped from `required` (for the types and the
/// request rules alike): the declared property is what the spec means.
fn drop_colliding_required(schema: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return;
    };
    let fields: BTreeSet<String> = properties.keys().map(|k| typify_field_name(k)).collect();
    let declared: BTreeSet<&String> = properties.keys().collect();
    let keep = |name: &Value| match name.as_str() {
        Some(name) => {
            declared.contains(&name.to_string()) || !fields.contains(&typify_field_name(name))
        }
        None => true,
    };
    let Some(Value::Array(required)) = schema.get("required") else {
        return;
    };
    let kept: Vec<Value> = required.iter().filter(|name| keep(name)).cloned().collect();
    if kept.len() != required.len() {
        schema.insert("required".into(), Value::Array(kept));
    }
}

/// typify ignores `discriminator`, so a `oneOf` of references would decode by trying
/// each alternative, and a body naming one kind could decode as another. Each
/// referenced alternative gets the tag values that select it (from `mapping`, else the
/// schema's name) as a required single-value property: typify then writes an enum
/// tagged by that property, and the validator checks the tag.
fn tag_alternatives(schema: &mut Map<String, Value>, discriminator: &Value) {
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    let mapping: Vec<(String, String)> = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(value, target)| {
                    let target = target.as_str()?;
                    // A bare name stands for the component of that name.
                    let target = if target.starts_with('#') {
                        target.to_string()
                    } else {
                        format!("#/components/schemas/{target}")
                    };
                    Some((value.clone(), target))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut selected: Map<String, Value> = Map::new();
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = schema.get_mut(key) else {
            continue;
        };
        for (index, alternative) in alternatives.iter_mut().enumerate() {
            let Some(reference) = alternative.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let mut values: Vec<Value> = mapping
                .iter()
                .filter(|(_, target)| target == reference)
                .map(|(value, _)| Value::String(value.clone()))
                .collect();
            if values.is_empty() {
                match component_schema_name(reference) {
                    Some(name) => values.push(Value::String(name)),
                    None => continue,
                }
            }
            for value in &values {
                if let Value::String(value) = value {
                    selected.insert(value.clone(), Value::from(index));
                }
            }
            let tag = serde_json::json!({
                "type": "object",
                "required": [property],
                "properties": { property: { "type": "string", "enum": values } },
            });
            *alternative = serde_json::json!({ "allOf": [alternative.clone(), tag] });
        }
        if !selected.is_empty() {
            // For the validator, which checks the alternative the tag selects.
            schema.insert(
                TAGGED.into(),
                serde_json::json!({ "property": property, "list": key, "by": selected }),
            );
            break;
        }
    }
}

/// typify refuses (by panicking) string enums whose values map to the same Rust variant
/// name, such as `reactions-+1` and `reactions--1`. Such an enum is kept for validation
/// but hidden from typify.
fn hide_colliding_enum(schema: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    // typify leaves `null` out of the variants (it makes the type optional instead).
    let Some(names) = values
        .iter()
        .filter(|value| !value.is_null())
        .map(Value::as_str)
        .collect::<Option<Vec<&str>>>()
    else {
        return;
    };
    let unique = |rename: &dyn Fn(&str) -> String| {
        let renamed: std::collections::BTreeSet<String> = names.iter().map(|n| rename(n)).collect();
        renamed.len() == names.len()
    };
    // typify's two attempts: its plain sanitising, then elided characters as `X`.
    let plain = |raw: &str| typify_variant_name(raw);
    let with_x = |raw: &str| {
        typify_variant_name(&raw.replace(
            |c: char| c == '_' || !unicode_ident::is_xid_continue(c),
            "X",
        ))
    };
    if !unique(&plain) && !unique(&with_x) {
        if let Some(values) = schema.remove("enum") {
            schema.insert(HIDDEN_ENUM.into(), values);
        }
    }
}

/// An `enum` lists every value its schema admits, so `anyOf` or `oneOf` beside it can
/// only repeat or contradict it. typify would write a wrapper that checks the values
/// against an inner type made of the alternatives, which cannot be compared and does
/// not compile (GitHub's Pages `source`: `type: string`, an `enum`, and an `anyOf` of
/// that string enum and an object). The alternatives go; the enum says it all.
fn drop_alternatives_beside_enum(schema: &mut Map<String, Value>) {
    if matches!(schema.get("enum"), Some(Value::Array(_))) {
        schema.remove("anyOf");
        schema.remove("oneOf");
    }
}

/// The name typify derives from a value or a definition key: typify-impl 0.8's
/// `sanitize` in Pascal case, step for step, since a name that differs from typify's
/// by a letter misses exactly the collisions this is used to foresee. `+1` and `-1`
/// keep typify's lower-case spelling; an empty name is `X`; a name not starting with
/// a letter (`2C`, `-3`) gets an `X` in front; a keyword gets `_` behind.
pub fn typify_variant_name(raw: &str) -> String {
    use heck::ToPascalCase;
    let name = match raw {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => raw
            .replace('\'', "")
            .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
            .to_pascal_case(),
    };
    let name = match name.chars().next() {
        None => "X".to_string(),
        Some(c) if unicode_ident::is_xid_start(c) => name,
        Some(_) => format!("X{name}"),
    };
    // typify's keyword list (`accept_as_ident`); Pascal case leaves only `Self`.
    if name == "Self" {
        format!("{name}_")
    } else {
        name
    }
}

/// Whether `value` has the JSON type `name` (`integer` counts only whole numbers).
fn has_type(value: &Value, name: &str) -> bool {
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

/// An `enum` listing values of another type than the schema's (an empty string in a
/// number enum) or the same value twice makes typify refuse the schema; neither value
/// could be valid or distinct, so they are dropped.
fn clean_enum(schema: &mut Map<String, Value>) {
    let Some(type_name) = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    let mut kept: Vec<Value> = Vec::with_capacity(values.len());
    for value in values.drain(..) {
        if has_type(&value, &type_name) && !kept.contains(&value) {
            kept.push(value);
        }
    }
    if kept.is_empty() {
        schema.remove("enum");
    } else {
        *values = kept;
    }
}

/// typify rejects a `default` that does not fit its schema; such a default is a spec
/// error with no effect on the wire, so it is dropped rather than failing the schema.
fn drop_mismatched_default(schema: &mut Map<String, Value>) {
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

/// [`normalize`], then [`drop_unfit_defaults`] with references resolved in `root`: the
/// form every schema handed to typify takes.
pub fn normalize_in(
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
fn drop_contradicted_type(schema: &mut Map<String, Value>, root: &Value) {
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
fn admitted_types(schema: &Value) -> Option<Vec<&'static str>> {
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
const TYPE_NAMES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "integer", "string",
];

/// Drops, anywhere inside the normalized `schema`, each `default` that typify would
/// refuse once references are followed into `root` (the raw document): a default
/// beside `allOf: [$ref]` outside the referenced enum, `{}` for an object with required
/// properties, a list of strings where the items are lists. typify fails the whole
/// schema ("value does not conform to the given schema") for one such value, and a
/// default only documents the server's behaviour, so it goes.
pub fn drop_unfit_defaults(schema: &mut Value, root: &Value) {
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
fn within_bounds(number: f64, schema: &Map<String, Value>) -> bool {
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

fn fits(value: &Value, node: &Value, root: &Value, depth: usize) -> bool {
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

/// `nullable: true` as draft 7 spells it: `null` joins the type (and the enum, which
/// would otherwise exclude it), or the whole schema becomes one alternative of two.
fn make_nullable(mut schema: Map<String, Value>) -> Value {
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
fn is_annotation(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword)
        || keyword.starts_with("x-")
        || matches!(keyword, "default" | "xml")
}

/// Keeps typify from writing two types with one name.
///
/// typify names an inline schema after its `title` when it has one, else after its
/// place (`Parent_property`), and writes two types when two different schemas get the
/// same name. GitHub's specs repeat titles such as `author_association` on schemas that
/// differ; Adyen's have a `PaymentInstrumentReference` component beside an inline
/// `PaymentInstrument.reference`. A title that names a component, or that differing
/// schemas share, is removed (kept as the description when there is none), and an
/// inline property whose place-derived name is a component's gets a free title.
/// Identical schemas sharing a title keep it: typify writes them as one type.
pub fn settle_inline_names(components: &mut [(String, Value)], mut uses: Vec<&mut Value>) {
    yield_to_merged_properties(components, &mut uses);
    let taken: BTreeSet<String> = components
        .iter()
        .map(|(name, _)| typify_variant_name(name))
        .collect();
    let mut shapes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, schema) in components.iter() {
        visit_inline(schema, false, &mut |node| record_title(node, &mut shapes));
    }
    for schema in &uses {
        visit_inline(schema, true, &mut |node| record_title(node, &mut shapes));
    }
    let unsafe_titles: BTreeSet<String> = shapes
        .into_iter()
        .filter(|(name, forms)| forms.len() > 1 || taken.contains(name))
        .map(|(name, _)| name)
        .collect();
    let mut names = taken.clone();
    names.extend(unsafe_titles.iter().cloned());
    let mut drop_unsafe = |node: &mut Map<String, Value>| {
        let Some(title) = node.get("title").and_then(Value::as_str) else {
            return;
        };
        if unsafe_titles.contains(&typify_variant_name(title)) {
            if let Some(title) = node.remove("title") {
                node.entry("description").or_insert(title);
            }
        }
    };
    for (_, schema) in components.iter_mut() {
        visit_inline_mut(schema, false, &mut drop_unsafe);
        // A component is named by its key, but typify names the non-null part of a
        // nullable one by its title: the component's own name, or another's.
        if let Value::Object(root) = schema {
            if let Some(title) = root.remove("title") {
                root.entry("description").or_insert(title);
            }
        }
    }
    for schema in uses {
        visit_inline_mut(schema, true, &mut drop_unsafe);
    }
    let index: BTreeMap<String, usize> = components
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), i))
        .collect();
    let mut found = Vec::new();
    for (i, (name, schema)) in components.iter().enumerate() {
        let mut walk = PlacedWalk {
            components,
            index: &index,
            taken: &taken,
            merged: BTreeSet::from([i]),
            found: &mut found,
            merges: None,
        };
        walk.children(schema, i, "", name, 0);
    }
    for (owner, pointer, placed) in found {
        let Some(Value::Object(child)) = components[owner].1.pointer_mut(&pointer) else {
            continue;
        };
        // Another component that merges this one may have named it already.
        if child.contains_key("title") {
            continue;
        }
        let free = (0..)
            .map(|n| match n {
                0 => format!("{placed}Value"),
                n => format!("{placed}Value{n}"),
            })
            .find(|candidate| !names.contains(candidate))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"));
        names.insert(free.clone());
        child.insert("title".into(), Value::String(free));
    }
}

/// Renames a component whose type name typify also gives a property it merges from
/// `allOf` members.
///
/// typify merges a property that members declare differently, or that a member
/// without it admits only through an `additionalProperties` schema, into a type of
/// its own, named after its place (`{Parent}{Property}`) because merging drops
/// titles, and writes a component of that name as well: Bitbucket's `team` merges
/// `account`, whose `links` is an `account_links`, with its own `links`, a
/// `team_links`; the merged type and the `team_links` component are both
/// `TeamLinks`. The merge cannot be renamed, so the
/// component becomes `{key}2` ([`numbered_key`], as for component keys that collide
/// after case conversion) and every `$ref` to it follows.
fn yield_to_merged_properties(components: &mut [(String, Value)], uses: &mut [&mut Value]) {
    let index: BTreeMap<String, usize> = components
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), i))
        .collect();
    let taken: BTreeSet<String> = components
        .iter()
        .map(|(name, _)| typify_variant_name(name))
        .collect();
    let mut merges = BTreeSet::new();
    for (i, (name, schema)) in components.iter().enumerate() {
        let mut walk = PlacedWalk {
            components,
            index: &index,
            taken: &taken,
            merged: BTreeSet::from([i]),
            found: &mut Vec::new(),
            merges: Some(&mut merges),
        };
        walk.children(schema, i, "", name, 0);
    }
    let colliding: Vec<String> = components
        .iter()
        .map(|(key, _)| key.clone())
        .filter(|key| merges.contains(&typify_variant_name(key)))
        .collect();
    if colliding.is_empty() {
        return;
    }
    let mut keys: BTreeSet<String> = index.into_keys().collect();
    let mut names = taken;
    names.extend(merges.iter().cloned());
    let mut renames = BTreeMap::new();
    for key in colliding {
        let new = numbered_key(&key, |candidate| {
            !keys.contains(candidate) && !names.contains(&typify_variant_name(candidate))
        });
        keys.insert(new.clone());
        names.insert(typify_variant_name(&new));
        renames.insert(key, new);
    }
    for (key, schema) in components.iter_mut() {
        if let Some(new) = renames.get(key.as_str()) {
            *key = new.clone();
        }
        rename_refs(schema, &renames);
    }
    for schema in uses.iter_mut() {
        rename_refs(schema, &renames);
    }
}

/// The first of `{key}2`, `{key}3`, ... that `free` accepts: the name a component
/// gets when its own is taken.
pub fn numbered_key(key: &str, free: impl Fn(&str) -> bool) -> String {
    (2..)
        .map(|n| format!("{key}{n}"))
        .find(|candidate| free(candidate))
        .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
}

/// Gives the inner schema of a nullable component a component of its own when typify
/// would give it the wrapper's name.
///
/// A nullable component that is neither a plain object nor a set of alternatives (an
/// `allOf`, say) is normalized to `oneOf: [inner, {type: null}]`. typify writes that as
/// a newtype over `Option<inner>` and names an inline `inner` after the component
/// itself, so two types share the name (Plaid's `AccountProductAccessNullable`). The
/// inner schema moves to `{name}Inner`, the name typify gives the inner type of other
/// nullable components, and the wrapper refers to it.
pub fn split_nullable_wrappers(components: &mut Vec<(String, Value)>) {
    let mut names: BTreeSet<String> = components
        .iter()
        .map(|(name, _)| typify_variant_name(name))
        .collect();
    let null = serde_json::json!({ "type": "null" });
    let mut added = Vec::new();
    for (name, schema) in components.iter_mut() {
        let Some(Value::Array(alternatives)) = schema.get_mut("oneOf") else {
            continue;
        };
        if alternatives.len() != 2 || !alternatives.contains(&null) {
            continue;
        }
        let Some(inner) = alternatives.iter_mut().find(|a| **a != null) else {
            continue;
        };
        let named = ["allOf", "enum", "const"]
            .iter()
            .any(|key| inner.get(*key).is_some());
        if !named || inner.get("$ref").is_some() {
            continue;
        }
        let key = (1..)
            .map(|n| match n {
                1 => format!("{name}Inner"),
                n => format!("{name}Inner{n}"),
            })
            .find(|candidate| !names.contains(&typify_variant_name(candidate)))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"));
        names.insert(typify_variant_name(&key));
        let reference = serde_json::json!({
            "$ref": pointer_join("#/components/schemas", &key),
        });
        added.push((key, std::mem::replace(inner, reference)));
    }
    components.extend(added);
}

/// Finds the inline schemas inside components whose place-derived name, the one typify
/// gives a schema without a title, is a component's name.
///
/// typify names a property's schema `{Parent}{Property}`, array items `{Parent}Item`
/// and map values `{Parent}Value`, and merges `allOf` members into one struct, so the
/// properties of a referenced member are named after the component that merges them:
/// Bitbucket's `team` merges `account`, whose inline `links` becomes `TeamLinks`
/// beside the `team_links` component.
struct PlacedWalk<'a> {
    components: &'a [(String, Value)],
    index: &'a BTreeMap<String, usize>,
    taken: &'a BTreeSet<String>,
    /// Components merged into the one being walked, so a cycle of `allOf`s ends.
    merged: BTreeSet<usize>,
    /// (component, pointer inside it, place-derived name) of each collision.
    found: &'a mut Vec<(usize, String, String)>,
    /// Place-derived names of the properties typify merges from `allOf` members into
    /// a type of their own, when the walk looks for them.
    merges: Option<&'a mut BTreeSet<String>>,
}

/// What one `allOf` member declares, followed through its own members and `$ref`s.
#[derive(Default)]
struct Declarations<'a> {
    /// Each property's schemas.
    properties: BTreeMap<&'a str, Vec<&'a Value>>,
    /// Whether it admits other properties through an `additionalProperties` schema.
    open: bool,
}

impl<'a> PlacedWalk<'a> {
    /// Visits the inline schemas that `node`, at `pointer` in component `owner`, holds
    /// as the type named `base`.
    fn children(&mut self, node: &'a Value, owner: usize, pointer: &str, base: &str, depth: usize) {
        let Value::Object(map) = node else { return };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            let at = pointer_join(pointer, "properties");
            for (property, child) in properties {
                let placed = typify_variant_name(&format!("{base}_{property}"));
                self.child(child, owner, &pointer_join(&at, property), placed, depth);
            }
        }
        let name = typify_variant_name(base);
        if let Some(items @ Value::Object(_)) = map.get("items") {
            let placed = typify_variant_name(&format!("{name}Item"));
            self.child(items, owner, &pointer_join(pointer, "items"), placed, depth);
        }
        if let Some(values @ Value::Object(_)) = map.get("additionalProperties") {
            let placed = typify_variant_name(&format!("{name}Value"));
            let at = pointer_join(pointer, "additionalProperties");
            self.child(values, owner, &at, placed, depth);
        }
        let Some(Value::Array(members)) = map.get("allOf") else {
            return;
        };
        if self.merges.is_some() {
            self.record_merges(map, members, base, depth);
        }
        let at = pointer_join(pointer, "allOf");
        for (i, member) in members.iter().enumerate() {
            match self.referenced(member) {
                Some(target) if self.merged.insert(target) => {
                    let schema = &self.components[target].1;
                    self.children(schema, target, "", base, depth + 1);
                }
                Some(_) => {}
                None => {
                    let at = pointer_join(&at, i.to_string());
                    self.children(member, owner, &at, base, depth + 1);
                }
            }
        }
    }

    /// Records the place-derived names of the properties typify merges from the
    /// `allOf` `members` of `map` into a type of their own.
    ///
    /// typify merges the members pairwise: a property two members declare differently
    /// is merged, and so is one that a member without it admits only through an
    /// `additionalProperties` schema (Zuora's custom-field maps).
    fn record_merges(
        &mut self,
        map: &'a Map<String, Value>,
        members: &'a [Value],
        base: &str,
        depth: usize,
    ) {
        let mut parts = vec![Declarations::default()];
        self.declare(map, &mut parts[0]);
        for member in members {
            let mut part = Declarations::default();
            self.declarations(member, &mut part, &mut BTreeSet::new(), depth);
            parts.push(part);
        }
        let mut schemas: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
        for part in &parts {
            for (property, declared) in &part.properties {
                schemas.entry(property).or_default().extend(declared);
            }
        }
        let Some(merges) = self.merges.as_deref_mut() else {
            return;
        };
        for (property, schemas) in schemas {
            let differ = schemas.iter().any(|schema| *schema != schemas[0]);
            let filtered = parts
                .iter()
                .any(|part| part.open && !part.properties.contains_key(property));
            if differ || filtered {
                merges.insert(typify_variant_name(&format!("{base}_{property}")));
            }
        }
    }

    /// Collects what `node` and its `allOf` members, followed through `$ref`s, declare:
    /// the parts typify merges into one struct.
    fn declarations(
        &self,
        node: &'a Value,
        part: &mut Declarations<'a>,
        seen: &mut BTreeSet<usize>,
        depth: usize,
    ) {
        let Value::Object(map) = node else { return };
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(target) = self.referenced(node) {
            if seen.insert(target) {
                let schema = &self.components[target].1;
                self.declarations(schema, part, seen, depth + 1);
            }
            return;
        }
        self.declare(map, part);
        if let Some(Value::Array(members)) = map.get("allOf") {
            for member in members {
                self.declarations(member, part, seen, depth + 1);
            }
        }
    }

    /// Adds the properties `map` declares itself, and whether it has an
    /// `additionalProperties` schema, to `part`.
    fn declare(&self, map: &'a Map<String, Value>, part: &mut Declarations<'a>) {
        part.open |= matches!(map.get("additionalProperties"), Some(Value::Object(_)));
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (property, schema) in properties {
                part.properties.entry(property).or_default().push(schema);
            }
        }
    }

    /// The component a `$ref` in `node` names, if it names one.
    fn referenced(&self, node: &Value) -> Option<usize> {
        let name = component_schema_name(node.get("$ref")?.as_str()?)?;
        self.index.get(&name).copied()
    }

    /// Records `child` when it is inline, untitled and its name `placed` is taken, then
    /// visits its own children under the name typify gives it.
    fn child(
        &mut self,
        child: &'a Value,
        owner: usize,
        pointer: &str,
        placed: String,
        depth: usize,
    ) {
        let Value::Object(map) = child else { return };
        if map.contains_key("$ref") {
            return;
        }
        let base = match map.get("title").and_then(Value::as_str) {
            Some(title) => title.to_string(),
            None => {
                if self.taken.contains(&placed) {
                    self.found
                        .push((owner, pointer.to_string(), placed.clone()));
                }
                placed
            }
        };
        self.children(child, owner, pointer, &base, depth + 1);
    }
}

fn record_title(node: &Map<String, Value>, shapes: &mut BTreeMap<String, BTreeSet<String>>) {
    if let Some(title) = node.get("title").and_then(Value::as_str) {
        let mut shape = node.clone();
        shape.remove("description");
        shapes
            .entry(typify_variant_name(title))
            .or_default()
            .insert(Value::Object(shape).to_string());
    }
}

/// Calls `f` on every object schema inside `schema`, and on `schema` itself when
/// `include_root` (a component's own title does not name its type; a use's does).
fn visit_inline(schema: &Value, include_root: bool, f: &mut dyn FnMut(&Map<String, Value>)) {
    let Value::Object(map) = schema else { return };
    if include_root {
        f(map);
    }
    for (key, value) in map {
        match (key.as_str(), value) {
            ("properties" | "patternProperties", Value::Object(children)) => {
                children
                    .values()
                    .for_each(|child| visit_inline(child, true, f));
            }
            (k, Value::Array(children)) if LISTS.contains(&k) || k == "items" => {
                children
                    .iter()
                    .for_each(|child| visit_inline(child, true, f));
            }
            (k, child) if SINGLE.contains(&k) || k == "additionalItems" => {
                visit_inline(child, true, f);
            }
            _ => {}
        }
    }
}

/// [`visit_inline`] with mutable access.
fn visit_inline_mut(
    schema: &mut Value,
    include_root: bool,
    f: &mut dyn FnMut(&mut Map<String, Value>),
) {
    let Value::Object(map) = schema else { return };
    if include_root {
        f(map);
    }
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties" | "patternProperties", Value::Object(children)) => {
                children
                    .values_mut()
                    .for_each(|child| visit_inline_mut(child, true, f));
            }
            (k, Value::Array(children)) if LISTS.contains(&k) || k == "items" => {
                children
                    .iter_mut()
                    .for_each(|child| visit_inline_mut(child, true, f));
            }
            (k, child) if SINGLE.contains(&k) || k == "additionalItems" => {
                visit_inline_mut(child, true, f);
            }
            _ => {}
        }
    }
}

/// How a parameter's value is written on the wire, derived from its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// Kept as text.
    String,
    /// An integer.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Anything else: parsed as JSON, falling back to text.
    Json,
}

/// How a parameter's value is shaped on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One value.
    Scalar(Scalar),
    /// Several values of one kind.
    Array(Scalar),
    /// An object with named properties.
    Object(ObjectShape),
    /// A `content: application/json` parameter: the value is JSON text.
    JsonText,
}

/// The properties of an object-valued parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectShape {
    /// Declared properties (own and from `allOf` members), in schema order.
    pub properties: Vec<(String, Field)>,
    /// How undeclared keys are converted; `None` when `additionalProperties: false`
    /// rejects them.
    pub additional: Option<Extra>,
    /// Whether the schema writes `additionalProperties` as `true` or a schema: it then
    /// means to hold keys beyond its properties, rather than merely not forbidding them.
    pub declares_additional: bool,
}

/// How the values under an object parameter's undeclared keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// One value per key.
    Scalar(Scalar),
    /// Several values per key, the key repeated.
    Array(Scalar),
}

/// The shape of one property of an object-valued parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// One value.
    Scalar(Scalar),
    /// Several values of one kind.
    Array(Scalar),
    /// A nested object.
    Object(ObjectShape),
}

/// Classifies the raw (un-normalized) parameter schema, following component references.
pub fn shape(root: &Value, schema: &Value) -> Shape {
    match field(root, schema, 0) {
        Field::Scalar(scalar) => Shape::Scalar(scalar),
        Field::Array(item) => Shape::Array(item),
        Field::Object(object) => Shape::Object(object),
    }
}

/// How deep objects inside a parameter are described; deeper ones (recursive schemas
/// included) are JSON scalars, which lowering reports for styles that cannot carry them.
const MAX_OBJECT_DEPTH: usize = 3;

fn field(root: &Value, schema: &Value, depth: usize) -> Field {
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => Field::Array(
            schema
                .get("items")
                .map_or(Scalar::Json, |items| scalar(root, items, 0)),
        ),
        _ if depth < MAX_OBJECT_DEPTH && is_object(root, schema, 0) => {
            Field::Object(object_shape(root, schema, depth))
        }
        _ => Field::Scalar(scalar(root, schema, 0)),
    }
}

/// `type: object`, or no type with properties (own or through `allOf`).
fn is_object(root: &Value, schema: &Value, depth: usize) -> bool {
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind == "object",
        None if depth > MAX_DEPTH => false,
        None => {
            schema.get("properties").is_some()
                || schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .is_some_and(|all| all.iter().any(|m| is_object(root, m, depth + 1)))
        }
    }
}

fn object_shape(root: &Value, schema: &Value, depth: usize) -> ObjectShape {
    let mut properties = Vec::new();
    collect_properties(root, schema, depth, 0, &mut properties);
    let written = schema.get("additionalProperties");
    let additional = match written {
        Some(Value::Bool(false)) => None,
        Some(extra @ Value::Object(_)) => {
            let extra = follow(root, extra);
            Some(match extra.get("type").and_then(Value::as_str) {
                Some("array") => Extra::Array(
                    extra
                        .get("items")
                        .map_or(Scalar::Json, |items| scalar(root, items, 0)),
                ),
                _ => Extra::Scalar(scalar(root, extra, 0)),
            })
        }
        // Absent or `true`: any value, kept as the text it arrived as.
        _ => Some(Extra::Scalar(Scalar::String)),
    };
    ObjectShape {
        properties,
        additional,
        declares_additional: matches!(written, Some(Value::Bool(true) | Value::Object(_))),
    }
}

fn collect_properties(
    root: &Value,
    schema: &Value,
    depth: usize,
    hops: usize,
    out: &mut Vec<(String, Field)>,
) {
    let schema = follow(root, schema);
    if let Some(Value::Object(own)) = schema.get("properties") {
        for (name, property) in own {
            if !out.iter().any(|(known, _)| known == name) {
                out.push((name.clone(), field(root, property, depth + 1)));
            }
        }
    }
    if hops < MAX_DEPTH {
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_properties(root, member, depth, hops + 1, out);
        }
    }
}

const MAX_DEPTH: usize = 32;

fn scalar(root: &Value, schema: &Value, depth: usize) -> Scalar {
    if depth > MAX_DEPTH {
        return Scalar::Json;
    }
    let schema = follow(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => return Scalar::String,
        Some("integer") => return Scalar::Integer,
        Some("number") => return Scalar::Number,
        Some("boolean") => return Scalar::Boolean,
        Some(_) => return Scalar::Json,
        None => {}
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if !values.is_empty() && values.iter().all(|v| v.is_string() || v.is_null()) {
            return Scalar::String;
        }
    }
    for key in LISTS {
        if let Some(Value::Array(members)) = schema.get(*key) {
            let kinds: Vec<Scalar> = members
                .iter()
                .filter(|m| m.get("type").and_then(Value::as_str) != Some("null"))
                .map(|m| scalar(root, m, depth + 1))
                .collect();
            if let Some(first) = kinds.first() {
                if kinds.iter().all(|k| k == first) {
                    return *first;
                }
            }
            return Scalar::Json;
        }
    }
    Scalar::Json
}

/// The field name typify gives a property (its `sanitize` in snake case).
pub fn typify_field_name(raw: &str) -> String {
    use heck::ToSnakeCase;
    let name = raw
        .replace('\'', "")
        .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
        .to_snake_case();
    let name = match name.chars().next() {
        None => "x".to_string(),
        Some(c) if unicode_ident::is_xid_start(c) => name,
        Some(_) => format!("x{name}"),
    };
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

/// Rewrites every `$ref` to a renamed component schema, anywhere inside `value`.
pub fn rename_refs(value: &mut Value, renames: &std::collections::BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(name) = component_schema_name(reference) {
                    if let Some(new) = renames.get(&name) {
                        *reference = format!(
                            "#/components/schemas/{}",
                            new.replace('~', "~0").replace('/', "~1")
                        );
                    }
                }
            }
            for child in map.values_mut() {
                rename_refs(child, renames);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_becomes_a_type_list() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({"type": "string", "enum": ["a"], "nullable": true}),
            "",
            &mut problems,
        );
        assert_eq!(
            out,
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        let out = normalize(
            &json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"}),
            "",
            &mut problems,
        );
        assert_eq!(
            out,
            json!({"description": "d", "oneOf": [{"allOf": [{"$ref": "#/components/schemas/X"}]}, {"type": "null"}]})
        );
        // Any value already (intellifi's `kv_value`): nothing to add.
        let out = normalize(
            &json!({"description": "d", "example": "e", "nullable": true}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"description": "d", "example": "e"}));
        // An untyped enum takes its values' type, so `null` is not left inside a
        // wrapper (Plaid's `OwnershipType`); one that lists `null` is nullable.
        let typed = json!({"type": ["string", "null"], "enum": [null, "a"]});
        let out = normalize(
            &json!({"enum": [null, "a"], "nullable": true}),
            "",
            &mut problems,
        );
        assert_eq!(out, typed);
        let out = normalize(&json!({"enum": [null, "a"]}), "", &mut problems);
        assert_eq!(out, typed);
        let out = normalize(
            &json!({"enum": [1, 2.5], "nullable": true}),
            "",
            &mut problems,
        );
        assert_eq!(
            out,
            json!({"type": ["number", "null"], "enum": [1, 2.5, null]})
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn boolean_exclusive_bounds_become_numbers() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false}),
            "",
            &mut problems,
        );
        assert_eq!(
            out,
            json!({"type": "integer", "exclusiveMinimum": 1, "maximum": 5})
        );
    }

    #[test]
    fn foreign_references_are_reported() {
        let mut problems = Vec::new();
        normalize(
            &json!({"items": {"$ref": "#/components/schemas/A/properties/b"}}),
            "/x",
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/x/items/$ref");
    }

    #[test]
    fn enums_typify_cannot_name_are_hidden_from_it() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({"type": "string", "enum": ["reactions-+1", "reactions--1"]}),
            "",
            &mut problems,
        );
        assert_eq!(
            out,
            json!({"type": "string", "x-specfirst-enum": ["reactions-+1", "reactions--1"]})
        );
        let kept = normalize(
            &json!({"type": "string", "enum": ["a_b", "aB"]}),
            "",
            &mut problems,
        );
        assert!(
            kept.get("enum").is_some(),
            "typify's second attempt names these: {kept}"
        );
    }

    #[test]
    fn enum_names_follow_typify_sanitize() {
        assert_eq!(typify_variant_name(""), "X");
        assert_eq!(typify_variant_name("2C"), "X2c");
        assert_eq!(typify_variant_name("-3"), "X3");
        assert_eq!(typify_variant_name("+1"), "plus1");
        assert_eq!(typify_variant_name("self"), "Self_");
        let mut problems = Vec::new();
        // An empty string and `X` are both `X`; `-3` and `3` are both `X3`; `2C` and
        // `X2C` are both `X2c`, in either of typify's attempts.
        for values in [
            json!(["", "X"]),
            json!(["-3", "-1", "1", "3"]),
            json!(["2C", "X2C", "43"]),
        ] {
            let out = normalize(
                &json!({"type": "string", "enum": values.clone()}),
                "",
                &mut problems,
            );
            assert_eq!(out, json!({"type": "string", HIDDEN_ENUM: values}));
        }
        // typify leaves `null` out of the variants, so it does not stop the check.
        let out = normalize(
            &json!({"type": "string", "enum": ["", "X"], "nullable": true}),
            "",
            &mut problems,
        );
        assert!(out.get("enum").is_none(), "{out}");
        let kept = normalize(&json!({"enum": ["", "a"]}), "", &mut problems);
        assert!(kept.get("enum").is_some(), "{kept}");
        assert!(problems.is_empty());
    }

    #[test]
    fn keywords_no_enum_value_can_meet_are_dropped() {
        let mut problems = Vec::new();
        let schema = json!({"enum": ["", "a"], "items": {}, "maxLength": 3, "minimum": 1});
        assert_eq!(
            normalize(&schema, "", &mut problems),
            json!({"enum": ["", "a"], "maxLength": 3})
        );
        let schema = json!({"enum": [1, 2], "minimum": 1, "pattern": "x"});
        assert_eq!(
            normalize(&schema, "", &mut problems),
            json!({"enum": [1, 2], "minimum": 1})
        );
        // A typed schema keeps what it has: typify reads it by its type.
        let schema = json!({"type": "string", "enum": ["a"], "maxLength": 3});
        assert_eq!(normalize(&schema, "", &mut problems), schema);
        assert!(problems.is_empty());
    }

    #[test]
    fn constraints_of_the_wrong_type_are_reported_where_they_are() {
        let mut problems = Vec::new();
        let schema = json!({
            "type": "object",
            "properties": {"timecode": {"type": "string", "pattern": 0, "maxLength": -1}},
            "required": "timecode",
        });
        normalize(&schema, "/components/schemas/Pick", &mut problems);
        let found: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.pointer, p.message))
            .collect();
        assert_eq!(
            found,
            [
                "/components/schemas/Pick/properties/timecode/pattern: `pattern` must be a string (a regular expression)",
                "/components/schemas/Pick/properties/timecode/maxLength: `maxLength` must be a non-negative integer",
                "/components/schemas/Pick/required: `required` must be a list of property names",
            ]
        );
    }

    #[test]
    fn alternatives_beside_an_enum_are_dropped() {
        let mut problems = Vec::new();
        let schema = json!({
            "type": "string",
            "enum": ["gh-pages", "master"],
            "anyOf": [
                {"type": "string", "enum": ["gh-pages", "master"]},
                {"type": "object", "properties": {"branch": {"type": "string"}}},
            ],
        });
        let out = normalize(&schema, "", &mut problems);
        assert_eq!(
            out,
            json!({"type": "string", "enum": ["gh-pages", "master"]})
        );
        // Without an enum the alternatives are the type.
        let schema = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
        assert_eq!(normalize(&schema, "", &mut problems), schema);
    }

    #[test]
    fn defaults_outside_the_bounds_are_dropped() {
        let root = json!({});
        let check = |schema: Value| {
            let mut problems = Vec::new();
            normalize_in(&root, &schema, "", &mut problems)
                .get("default")
                .cloned()
        };
        let bounded = |default: i64| json!({"type": "integer", "minimum": 1, "maximum": 11, "default": default});
        assert_eq!(check(bounded(0)), None);
        assert_eq!(check(bounded(12)), None);
        assert_eq!(check(bounded(1)), Some(json!(1)));
        assert_eq!(check(bounded(11)), Some(json!(11)));
        // 3.0's boolean exclusive bound, which normalizing turns into 3.1's number.
        let exclusive =
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "default": 0});
        assert_eq!(check(exclusive), None);
        let exclusive = json!({"type": "number", "exclusiveMaximum": 5, "default": 4.5});
        assert_eq!(check(exclusive), Some(json!(4.5)));
    }

    #[test]
    fn a_type_every_alternative_contradicts_goes() {
        let root = json!({"components": {"schemas": {
            "Kind": {"enum": ["text", "html"]},
            "Mime": {"type": "string", "pattern": ".+/.+"},
            "Point": {"type": "object", "properties": {"x": {"type": "number"}}},
            "Count": {"type": "integer"},
            "Loose": {"minLength": 1},
        }}});
        let check = |schema: Value| {
            let mut problems = Vec::new();
            let out = normalize_in(&root, &schema, "", &mut problems);
            assert!(problems.is_empty());
            out
        };
        let alternatives = |names: &[&str]| -> Value {
            names
                .iter()
                .map(|name| json!({"$ref": format!("#/components/schemas/{name}")}))
                .collect()
        };
        // Channel 4's `ContentTypeType`: no object is a string.
        let contradicted = json!({"type": "object", "additionalProperties": false,
            "oneOf": alternatives(&["Kind", "Mime"])});
        assert_eq!(
            check(contradicted),
            json!({"oneOf": alternatives(&["Kind", "Mime"])})
        );
        let inline =
            json!({"type": "object", "anyOf": [{"type": "string"}, {"type": ["boolean", "null"]}]});
        assert_eq!(check(inline).get("type"), None);
        // One alternative of the type, a number where an integer is, or an alternative
        // whose type nothing tells, and the schema stays as written.
        for kept in [
            json!({"type": "object", "oneOf": alternatives(&["Kind", "Point"])}),
            json!({"type": "number", "oneOf": alternatives(&["Count"])}),
            json!({"type": "object", "oneOf": alternatives(&["Kind", "Loose"])}),
            json!({"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
            json!({"type": "object", "additionalProperties": false}),
        ] {
            assert_eq!(check(kept.clone()), kept);
        }
    }

    #[test]
    fn defaults_are_checked_through_references() {
        let root = json!({"components": {"schemas": {
            "Sort": {"type": "string", "enum": ["asc", "desc"]},
            "Named": {"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}}},
            "Loose": {"anyOf": [{"$ref": "#/components/schemas/Named"}]},
        }}});
        let check = |schema: Value| {
            let mut problems = Vec::new();
            let out = normalize_in(&root, &schema, "", &mut problems);
            assert!(problems.is_empty());
            out.get("default").cloned()
        };
        let sort = json!([{"$ref": "#/components/schemas/Sort"}]);
        assert_eq!(
            check(json!({"allOf": sort, "default": "asc"})),
            Some(json!("asc"))
        );
        assert_eq!(check(json!({"allOf": sort, "default": "up"})), None);
        let named = json!([{"$ref": "#/components/schemas/Named"}]);
        assert_eq!(check(json!({"allOf": named, "default": {}})), None);
        assert_eq!(
            check(json!({"allOf": named, "default": {"name": "a"}})),
            Some(json!({"name": "a"}))
        );
        // Unknown keys fit only where typify keeps a map for them.
        assert_eq!(
            check(json!({"allOf": named, "default": {"name": "a", "b": 1}})),
            None
        );
        // Untyped with `required`: typify makes an object, which `[]` is not.
        assert_eq!(check(json!({"required": ["a"], "default": []})), None);
        // Items that are lists, a default whose items are strings.
        assert_eq!(
            check(json!({"type": "array", "items": {"type": "array"}, "default": ["a"]})),
            None
        );
        // Two string alternatives: typify writes a struct, which no string fills.
        let either = json!([{"type": "string", "format": "date"}, {"type": "string"}]);
        assert_eq!(
            check(json!({"anyOf": either, "default": "2025-01-01"})),
            None
        );
        // An alternative without a declared type: the same.
        let mixed = json!([{"type": "string"}, {"$ref": "#/components/schemas/Loose"}]);
        assert_eq!(check(json!({"anyOf": mixed, "default": "a"})), None);
        let apart = json!([{"type": "string"}, {"type": "integer"}]);
        assert_eq!(
            check(json!({"anyOf": apart, "default": "a"})),
            Some(json!("a"))
        );
        // Nested: a property's own default is judged on its own schema.
        let out = normalize_in(
            &root,
            &json!({"properties": {"s": {"allOf": sort, "default": "no"}}}),
            "",
            &mut Vec::new(),
        );
        assert_eq!(out["properties"]["s"].get("default"), None);
    }

    #[test]
    fn enum_values_of_another_type_or_repeated_are_dropped() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({"type": "number", "enum": ["", "", 0, 2, 2]}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "number", "enum": [0, 2]}));
        let out = normalize(
            &json!({"type": "integer", "enum": ["a"]}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "integer"}));
    }

    #[test]
    fn defaults_that_do_not_fit_are_dropped() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({"type": "integer", "default": "ten"}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "integer"}));
        let out = normalize(
            &json!({"type": "string", "enum": ["a"], "default": "b"}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "string", "enum": ["a"]}));
        let out = normalize(
            &json!({"type": "string", "default": "b"}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "string", "default": "b"}));
    }

    #[test]
    fn enums_of_several_types_get_a_type_list() {
        let mut problems = Vec::new();
        let out = normalize(&json!({"enum": [true, false, 0, 1]}), "", &mut problems);
        assert_eq!(
            out,
            json!({"type": ["boolean", "integer"], HIDDEN_ENUM: [true, false, 0, 1]})
        );
        let out = normalize(&json!({"enum": ["a", "b"]}), "", &mut problems);
        assert_eq!(out, json!({"enum": ["a", "b"]}));
    }

    #[test]
    fn required_names_colliding_with_declared_fields_are_dropped() {
        let mut problems = Vec::new();
        let out = normalize(
            &json!({
                "type": "object",
                "properties": {"Id": {"type": "string"}},
                "required": ["id", "Id", "releaseDate"]
            }),
            "",
            &mut problems,
        );
        assert_eq!(out["required"], json!(["Id", "releaseDate"]));
    }

    #[test]
    fn types_agree_with_keywords() {
        let mut problems = Vec::new();
        let settle =
            |schema: Value, problems: &mut Vec<Diagnostic>| normalize(&schema, "", problems);
        assert_eq!(
            settle(
                json!({"type": "object", "format": "uri-map"}),
                &mut problems
            ),
            json!({"type": "object"})
        );
        assert_eq!(
            settle(
                json!({"uniqueItems": false, "properties": {}}),
                &mut problems
            ),
            json!({"properties": {}})
        );
        assert_eq!(
            settle(
                json!({"items": {}, "properties": {}, "format": "x"}),
                &mut problems
            ),
            json!({"items": {}, "properties": {}, "type": ["object", "array"]})
        );
        assert_eq!(
            settle(json!({"maxLength": 3, "format": "date"}), &mut problems),
            json!({"maxLength": 3, "format": "date"})
        );
        assert_eq!(
            settle(json!({"type": "string", "format": "date"}), &mut problems),
            json!({"type": "string", "format": "date"})
        );
        // A format alone constrains nothing typify can write (strings only): it goes.
        assert_eq!(
            settle(
                json!({"format": "date-time", "readOnly": true}),
                &mut problems
            ),
            json!({"readOnly": true})
        );
        assert_eq!(
            settle(json!({"format": "boolean"}), &mut problems),
            json!({})
        );
        // Number keywords alone: typify panics without the type they name.
        assert_eq!(
            settle(json!({"minimum": 1, "format": "int32"}), &mut problems),
            json!({"minimum": 1, "format": "int32", "type": "number"})
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn discriminated_alternatives_are_tagged() {
        let mut problems = Vec::new();
        let shape = normalize(
            &json!({
                "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Rect"}],
                "discriminator": {"propertyName": "kind", "mapping": {"rect": "Rect"}}
            }),
            "/components/schemas/Shape",
            &mut problems,
        );
        assert!(problems.is_empty());
        assert_eq!(
            shape,
            json!({
                "oneOf": [
                    {"allOf": [{"$ref": "#/components/schemas/Circle"}, {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["Circle"]}}}]},
                    {"allOf": [{"$ref": "#/components/schemas/Rect"}, {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["rect"]}}}]}
                ],
                TAGGED: {"property": "kind", "list": "oneOf", "by": {"Circle": 0, "rect": 1}}
            })
        );
    }

    #[test]
    fn inline_names_never_collide() {
        let mut components = vec![
            (
                "PaymentInstrument".to_string(),
                json!({"properties": {
                    "reference": {"type": "string", "maxLength": 150},
                    "role": {"title": "author_association", "enum": ["a", "b"]},
                    "kind": {"title": "Kind", "enum": ["x"]}
                }}),
            ),
            (
                "PaymentInstrumentReference".to_string(),
                json!({"type": "object"}),
            ),
            (
                "nullable-other".to_string(),
                json!({"title": "Other", "type": ["object", "null"]}),
            ),
            (
                "Other".to_string(),
                json!({"properties": {
                    "role": {"title": "author_association", "enum": ["a", "b", "c"]},
                    "kind": {"title": "Kind", "enum": ["x"]}
                }}),
            ),
        ];
        let mut body = json!({"title": "Other", "type": "object"});
        settle_inline_names(&mut components, vec![&mut body]);
        let instrument = &components[0].1["properties"];
        assert_eq!(
            instrument["reference"]["title"],
            "PaymentInstrumentReferenceValue"
        );
        // Differing schemas share the title: it goes, into the description.
        assert_eq!(
            instrument["role"],
            json!({"description": "author_association", "enum": ["a", "b"]})
        );
        // Identical schemas share it: one type, so it stays.
        assert_eq!(instrument["kind"]["title"], "Kind");
        // A use's title that names a component goes.
        assert_eq!(body, json!({"description": "Other", "type": "object"}));
        // So does a component's own title.
        assert_eq!(
            components[2].1,
            json!({"description": "Other", "type": ["object", "null"]})
        );
    }

    #[test]
    fn nullable_compositions_get_a_component_for_their_inner_schema() {
        let mut problems = Vec::new();
        let raw = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Base"}]});
        let mut components = vec![
            ("Base".to_string(), json!({"type": "object"})),
            (
                "BaseNullable".to_string(),
                normalize(&raw, "", &mut problems),
            ),
            // A plain nullable object is `type: [object, null]`, which typify names well.
            (
                "Plain".to_string(),
                normalize(
                    &json!({"nullable": true, "type": "object"}),
                    "",
                    &mut problems,
                ),
            ),
        ];
        split_nullable_wrappers(&mut components);
        assert_eq!(components.len(), 4);
        assert_eq!(
            components[1].1["oneOf"],
            json!([{"$ref": "#/components/schemas/BaseNullableInner"}, {"type": "null"}])
        );
        assert_eq!(components[3].0, "BaseNullableInner");
        assert_eq!(
            components[3].1,
            json!({"allOf": [{"$ref": "#/components/schemas/Base"}]})
        );
    }

    #[test]
    fn merged_and_item_names_never_collide() {
        let mut components = vec![
            (
                "account".to_string(),
                json!({"type": "object", "properties": {
                    "links": {"type": "object", "properties": {"self": {"type": "string"}}}
                }}),
            ),
            (
                "team".to_string(),
                json!({"allOf": [
                    {"$ref": "#/components/schemas/account"},
                    {"properties": {"name": {"type": "string"}}},
                ]}),
            ),
            ("team_links".to_string(), json!({"type": "object"})),
            (
                "cloudInfo".to_string(),
                json!({"type": "array", "items": {"type": "object"}}),
            ),
            ("cloudInfoItem".to_string(), json!({"type": "object"})),
            // A cycle of `allOf`s ends.
            (
                "a".to_string(),
                json!({"allOf": [{"$ref": "#/components/schemas/b"}]}),
            ),
            (
                "b".to_string(),
                json!({"allOf": [{"$ref": "#/components/schemas/a"}]}),
            ),
        ];
        settle_inline_names(&mut components, Vec::new());
        // `team` merges `account`, whose inline `links` typify would call `TeamLinks`.
        assert_eq!(
            components[0].1["properties"]["links"]["title"],
            "TeamLinksValue"
        );
        assert_eq!(components[3].1["items"]["title"], "CloudInfoItemValue");
        assert_eq!(components[2].0, "team_links");
    }

    #[test]
    fn components_yield_to_merged_properties() {
        let mut components = vec![
            (
                "account".to_string(),
                json!({"type": "object", "properties": {
                    "links": {"$ref": "#/components/schemas/account_links"}
                }}),
            ),
            (
                "account_links".to_string(),
                json!({"type": "object", "properties": {"avatar": {"type": "string"}}}),
            ),
            // Bitbucket: `links` is an `account_links` in one member and a `team_links`
            // in the other, so typify writes a merged `TeamLinks` of its own.
            (
                "team".to_string(),
                json!({"allOf": [
                    {"$ref": "#/components/schemas/account"},
                    {"properties": {"links": {"$ref": "#/components/schemas/team_links"}}},
                ]}),
            ),
            (
                "team_links".to_string(),
                json!({"type": "object", "properties": {"html": {"type": "string"}}}),
            ),
            ("team_links2".to_string(), json!({"type": "string"})),
            // The same schema in both members is not merged into a type of its own.
            (
                "club".to_string(),
                json!({"allOf": [
                    {"$ref": "#/components/schemas/account"},
                    {"properties": {"links": {"$ref": "#/components/schemas/account_links"}}},
                ]}),
            ),
            ("club_links".to_string(), json!({"type": "object"})),
            // Zuora: `billing` is not in `custom`, which admits it only through its
            // `additionalProperties` schema, so typify merges the two.
            (
                "order".to_string(),
                json!({"allOf": [
                    {"properties": {"billing": {"$ref": "#/components/schemas/orderBilling"}}},
                    {"$ref": "#/components/schemas/custom"},
                ]}),
            ),
            ("orderBilling".to_string(), json!({"type": "object"})),
            (
                "custom".to_string(),
                json!({"type": "object", "additionalProperties": {"description": "d"}}),
            ),
        ];
        let mut body = json!({"$ref": "#/components/schemas/team_links"});
        settle_inline_names(&mut components, vec![&mut body]);
        let keys: Vec<&str> = components.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "account",
                "account_links",
                "team",
                "team_links3",
                "team_links2",
                "club",
                "club_links",
                "order",
                "orderBilling2",
                "custom"
            ]
        );
        assert_eq!(
            components[2].1["allOf"][1]["properties"]["links"]["$ref"],
            "#/components/schemas/team_links3"
        );
        assert_eq!(body["$ref"], "#/components/schemas/team_links3");
    }

    #[test]
    fn shapes() {
        let root = json!({"components": {"schemas": {"Name": {"type": "string"}, "Either": {"oneOf": [{"type": "string", "format": "uuid"}, {"$ref": "#/components/schemas/Name"}]}}}});
        assert_eq!(
            shape(&root, &json!({"$ref": "#/components/schemas/Either"})),
            Shape::Scalar(Scalar::String)
        );
        assert_eq!(
            shape(
                &root,
                &json!({"type": "array", "items": {"type": "integer"}})
            ),
            Shape::Array(Scalar::Integer)
        );
        assert_eq!(
            shape(&root, &json!({"type": "string", "format": "binary"})),
            Shape::Scalar(Scalar::String)
        );
    }

    #[test]
    fn object_shapes() {
        let root = json!({"components": {"schemas": {
            "Rgb": {"type": "object", "additionalProperties": false, "properties": {
                "R": {"type": "integer"}, "G": {"type": "integer"}}},
            "Named": {"allOf": [{"$ref": "#/components/schemas/Rgb"},
                {"properties": {"name": {"type": "string"}}}]},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
        }}});
        let rgb = ObjectShape {
            properties: vec![
                ("R".into(), Field::Scalar(Scalar::Integer)),
                ("G".into(), Field::Scalar(Scalar::Integer)),
            ],
            additional: None,
            declares_additional: false,
        };
        assert_eq!(
            shape(&root, &json!({"$ref": "#/components/schemas/Rgb"})),
            Shape::Object(rgb.clone())
        );
        let Shape::Object(named) = shape(&root, &json!({"$ref": "#/components/schemas/Named"}))
        else {
            panic!("an object");
        };
        assert_eq!(named.properties.len(), 3);
        assert_eq!(named.additional, Some(Extra::Scalar(Scalar::String)));
        assert!(!named.declares_additional);
        let Shape::Object(filter) = shape(
            &root,
            &json!({"type": "object", "additionalProperties": {"type": "integer"}, "properties": {
                "tags": {"type": "array", "items": {"type": "string"}},
                "color": {"$ref": "#/components/schemas/Rgb"}}}),
        ) else {
            panic!("an object");
        };
        assert_eq!(
            filter.properties,
            [
                ("tags".into(), Field::Array(Scalar::String)),
                ("color".into(), Field::Object(rgb)),
            ]
        );
        assert_eq!(filter.additional, Some(Extra::Scalar(Scalar::Integer)));
        assert!(filter.declares_additional);
        let Shape::Object(lists) = shape(
            &root,
            &json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "boolean"}}}),
        ) else {
            panic!("an object");
        };
        assert_eq!(lists.additional, Some(Extra::Array(Scalar::Boolean)));
        // A recursive schema ends in a JSON scalar rather than looping.
        assert!(matches!(
            shape(&root, &json!({"$ref": "#/components/schemas/Node"})),
            Shape::Object(_)
        ));
        assert_eq!(
            shape(&root, &json!({"type": "object"})),
            Shape::Object(ObjectShape {
                properties: Vec::new(),
                additional: Some(Extra::Scalar(Scalar::String)),
                declares_additional: false,
            })
        );
    }
}
