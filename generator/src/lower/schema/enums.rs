//! Enums and discriminators made safe for typify: mixed and colliding values hidden for
//! the validator, tags recorded, keywords no value can meet dropped.

use std::collections::BTreeSet;

use super::normalize::{has_type, json_type, same_kind};

use serde_json::{Map, Value};

use crate::keywords::{HIDDEN_ENUM, NUMBER_KEYWORDS, PROPERTIES_BEYOND, TAGGED, TYPE_KEYWORDS};
use crate::load::refs::component_schema_name;

/// The one JSON type the non-null values of `schema`'s `enum` share (`number` when
/// integers and other numbers mix), if they share one.
pub(super) fn enum_values_type(schema: &Map<String, Value>) -> Option<&'static str> {
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

/// An `enum` of `null` alone admits only `null`: it is `type: null`. Untyped
/// (`{"title": "Null", "enum": [null]}`), typify, left to guess, writes an enum of two
/// unit variants and trips on its own assertion; typed, as Dropshot writes the body of an
/// operation answering nothing (`{"title": "Null", "type": "string", "enum": [null]}`,
/// which no value could satisfy read to the letter), the `type` would make it a
/// `String`, and the handler could never send the `null` the spec promises.
pub(super) fn type_a_null_enum(schema: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    if !values.is_empty() && values.iter().all(Value::is_null) {
        schema.insert("type".into(), "null".into());
    }
}

/// An untyped `enum` beside keywords of a type none of its values has (`enum: [""]`
/// with `items`, New York Times' `GeoFacet`) makes typify panic. Those keywords
/// constrain no value the enum admits, so they go.
pub(super) fn drop_keywords_beside_enum(schema: &mut Map<String, Value>) {
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
pub(super) fn hide_mixed_enum(schema: &mut Map<String, Value>) {
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

/// typify ignores `discriminator`, so a `oneOf` of references would decode by trying
/// each alternative, and a body naming one kind could decode as another. Each
/// referenced alternative gets the tag values that select it (from `mapping`, else the
/// schema's name) as a required single-value property: typify then writes an enum
/// tagged by that property, and the validator checks the tag.
///
/// Their titles, which name the variants, are given once the enum's place is known
/// ([`super::variant_names`]).
pub(super) fn tag_alternatives(schema: &mut Map<String, Value>, discriminator: &Value) {
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

/// A `oneOf` whose every alternative is an inline object requiring one property to be
/// a single string (Dropshot's and schemars' tagged enums, `{type: {enum: [disk]}}`)
/// is discriminated by that property though it names no `discriminator`. The validator
/// is told so (as for [`tag_alternatives`]): serde takes a variant's index for its tag
/// (`"type": 0`) and reads no bounds or required properties of the variant's own, so
/// only the tag's alternative, checked whole, says whether the value is one the
/// schema admits.
pub(super) fn tag_implicit_alternatives(schema: &mut Map<String, Value>) {
    let Some(Value::Array(alternatives)) = schema.get("oneOf") else {
        return;
    };
    if alternatives.len() < 2 {
        return;
    }
    // The single string value `property` must have in `alternative`, if it must.
    let tag_of = |alternative: &Value, property: &str| -> Option<String> {
        let required = alternative.get("required")?.as_array()?;
        if !required.iter().any(|name| name == property) {
            return None;
        }
        let rule = alternative.get("properties")?.get(property)?;
        match (rule.get("const"), rule.get("enum")) {
            (Some(Value::String(value)), _) => Some(value.clone()),
            (None, Some(Value::Array(values))) => match values.as_slice() {
                [Value::String(value)] => Some(value.clone()),
                _ => None,
            },
            _ => None,
        }
    };
    let Some(first) = alternatives[0].get("properties").and_then(Value::as_object) else {
        return;
    };
    for property in first.keys() {
        let mut by = Map::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            match tag_of(alternative, property) {
                // Two alternatives with one tag are not told apart by it.
                Some(value) if !by.contains_key(&value) => {
                    by.insert(value, Value::from(index));
                }
                _ => break,
            }
        }
        if by.len() == alternatives.len() {
            // The tags whose alternative declares nothing else: a unit variant, whose
            // type holds none of the other properties the schema allows. Known here,
            // where the alternatives are still inline: sharing may make them references.
            let bare: Vec<Value> = by
                .iter()
                .filter(|(_, index)| {
                    let index = index.as_u64().unwrap_or(u64::MAX) as usize;
                    alternatives
                        .get(index)
                        .is_some_and(|a| declares_only(a, property))
                })
                .map(|(value, _)| Value::String(value.clone()))
                .collect();
            let tagged = serde_json::json!({
                "property": property, "list": "oneOf", "by": by, "bare": bare,
            });
            schema.insert(TAGGED.into(), tagged);
            return;
        }
    }
}

/// Whether `alternative` is an object schema declaring `property` and nothing else.
fn declares_only(alternative: &Value, property: &str) -> bool {
    let Some(map) = alternative.as_object() else {
        return false;
    };
    let only_tag = map
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| properties.len() == 1 && properties.contains_key(property));
    let more = PROPERTIES_BEYOND.iter().any(|key| map.contains_key(*key))
        || !matches!(
            map.get("additionalProperties"),
            None | Some(Value::Bool(true))
        );
    only_tag && !more
}

/// typify refuses (by panicking) string enums whose values map to the same Rust variant
/// name, such as `reactions-+1` and `reactions--1`. Such an enum is kept for validation
/// but hidden from typify.
pub(super) fn hide_colliding_enum(schema: &mut Map<String, Value>) {
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
pub(super) fn drop_alternatives_beside_enum(schema: &mut Map<String, Value>) {
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
pub(crate) fn typify_variant_name(raw: &str) -> String {
    // Naming asks for the same names many times over (each place of a big spec's shapes,
    // pass after pass), and Pascal-casing was the costliest step of lowering GitHub's
    // spec. The names are kept for the life of the thread: a few bytes per name.
    thread_local! {
        static NAMES: std::cell::RefCell<std::collections::HashMap<String, String>> =
            std::cell::RefCell::default();
    }
    if let Some(name) = NAMES.with(|names| names.borrow().get(raw).cloned()) {
        return name;
    }
    let name = pascal_variant_name(raw);
    NAMES.with(|names| names.borrow_mut().insert(raw.to_string(), name.clone()));
    name
}

/// [`typify_variant_name`], worked out.
fn pascal_variant_name(raw: &str) -> String {
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

/// An `enum` listing values of another type than the schema's (an empty string in a
/// number enum) or the same value twice makes typify refuse the schema; neither value
/// could be valid or distinct, so they are dropped.
pub(super) fn clean_enum(schema: &mut Map<String, Value>) {
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
