//! Properties that are optional and nullable typed as the runtime's `Nullable`, so that
//! absent and `null` stay two things.
//!
//! typify writes such a property as an `Option`, which reads `{}` and `{"year": null}`
//! alike. Before typify reads a schema, [`mark`] wraps each such property in typify's
//! `x-rust-type` extension naming `specfirst_runtime::Nullable` with the non-null schema
//! as its parameter; typify then writes `Option<Nullable<T>>`, which [`unwrap_options`]
//! turns into `Nullable<T>`, not written when absent.
//!
//! A property keeps its `Option` when it has a `default` (typify cannot write a default
//! for a type it does not know), when `null` is all it admits, when its non-null
//! schema is an inline type without a title (typify names an inline type after its
//! place, which it cannot see through the extension), and when it refers to a component
//! that refers back to the property's own ([`cycles`]): typify boxes a type that holds
//! itself, but cannot see the cycle through the extension either, and the type would
//! hold itself by value (Stripe's `Customer.discount` and `Discount.customer`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};
use syn::punctuated::Punctuated;
use syn::{Fields, GenericArgument, Item, LitStr, PathArguments, Token, Type};

use crate::keywords::{SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUED};
use crate::load::refs::component_schema_name;
use crate::lower::schema::typify_field_name;

/// The crate typify is told it may use types of.
pub const CRATE: &str = "specfirst-runtime";

/// The type's path as typify writes it (with a leading `::`).
const PATH: &str = "specfirst_runtime::Nullable";

/// `schema` with every optional, nullable property wrapped for typify, or `None` when
/// it has none; `name` is the name typify is given for it, and `cycle` the components
/// on a cycle of references with it when it is a component on one ([`cycles`]).
pub fn mark(schema: &Value, name: &str, cycle: Option<&BTreeSet<String>>) -> Option<Value> {
    let mut out = schema.clone();
    mark_in(&mut out, Some(name), cycle).then_some(out)
}

/// For each component on a cycle of references (to itself, or through others), the
/// components of that cycle: the strongly connected components of the reference graph.
pub fn cycles(components: &[(String, Value)]) -> BTreeMap<String, BTreeSet<String>> {
    let index_of: BTreeMap<&str, usize> = components
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i))
        .collect();
    let edges: Vec<BTreeSet<usize>> = components
        .iter()
        .map(|(_, schema)| {
            let mut names = Vec::new();
            refs_in(schema, &mut names);
            names
                .iter()
                .filter_map(|name| index_of.get(name.as_str()).copied())
                .collect()
        })
        .collect();
    let mut out = BTreeMap::new();
    for members in crate::graph::strongly_connected(&edges) {
        let first = members[0];
        if members.len() > 1 || edges[first].contains(&first) {
            let names: BTreeSet<String> =
                members.iter().map(|&m| components[m].0.clone()).collect();
            for &m in &members {
                out.insert(components[m].0.clone(), names.clone());
            }
        }
    }
    out
}

/// Wraps the optional, nullable properties in `schema` and everything inside it;
/// whether anything changed. `name` is the name typify gives `schema`'s type, when
/// known: typify names an inline type in a property after the property's struct.
/// A property referring into `cycle` keeps its `Option`.
fn mark_in(schema: &mut Value, name: Option<&str>, cycle: Option<&BTreeSet<String>>) -> bool {
    let Value::Object(map) = schema else {
        return false;
    };
    // typify writes a default through the types inside it (see [`defaulted`]).
    if map.contains_key("$ref") || map.contains_key("x-rust-type") || map.contains_key("default") {
        return false;
    }
    let name = title(map).or(name.map(str::to_owned));
    let mut changed = false;
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => {
                for (property, child) in properties.iter_mut() {
                    let place = name.as_ref().map(|name| place_name(name, property));
                    changed |= mark_in(child, place.as_deref(), cycle);
                }
            }
            (k, Value::Object(children)) if SCHEMA_MAPS.contains(&k) => {
                for child in children.values_mut() {
                    changed |= mark_in(child, None, cycle);
                }
            }
            (k, Value::Array(items)) if SCHEMA_LISTS.contains(&k) => {
                for item in items {
                    changed |= mark_in(item, None, cycle);
                }
            }
            (k, child) if SCHEMA_VALUED.contains(&k) => changed |= mark_in(child, None, cycle),
            _ => {}
        }
    }
    let required: Vec<String> = match map.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            if required.contains(property) || refers_into(child, cycle) {
                continue;
            }
            let place = name.as_ref().map(|name| place_name(name, property));
            if let Some(wrapped) = wrap(child, place) {
                *child = wrapped;
                changed = true;
            }
        }
    }
    changed
}

/// The components whose types typify writes default values of: those a schema with an
/// object or array `default` refers to, and everything they refer to. typify writes
/// such a value through the types it knows, and it knows `Nullable` without its
/// parameter, so their properties keep their `Option`s.
pub fn defaulted(components: &[(String, Value)]) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &Value> = components
        .iter()
        .map(|(name, schema)| (name.as_str(), schema))
        .collect();
    let mut found = BTreeSet::new();
    let mut todo = Vec::new();
    for (_, schema) in components {
        visit(schema, &mut |node| {
            if node
                .get("default")
                .is_some_and(|d| d.is_object() || d.is_array())
            {
                refs_in(&Value::Object(node.clone()), &mut todo);
            }
        });
    }
    while let Some(name) = todo.pop() {
        if let Some(schema) = by_name.get(name.as_str()) {
            if found.insert(name) {
                refs_in(schema, &mut todo);
            }
        }
    }
    found
}

/// Calls `f` on every schema object in `schema`, `schema` included.
fn visit(schema: &Value, f: &mut dyn FnMut(&Map<String, Value>)) {
    let Value::Object(map) = schema else { return };
    f(map);
    for (key, value) in map {
        match (key.as_str(), value) {
            (k, Value::Object(children)) if SCHEMA_MAPS.contains(&k) => {
                children.values().for_each(|child| visit(child, f));
            }
            (k, Value::Array(items)) if SCHEMA_LISTS.contains(&k) => {
                items.iter().for_each(|item| visit(item, f));
            }
            (k, child) if SCHEMA_VALUED.contains(&k) => visit(child, f),
            _ => {}
        }
    }
}

/// The components `schema` refers to, pushed onto `out`.
fn refs_in(schema: &Value, out: &mut Vec<String>) {
    visit(schema, &mut |node| {
        if let Some(name) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(component_schema_name)
        {
            out.push(name);
        }
    });
}

/// Whether `schema` refers to a component of `cycle`.
fn refers_into(schema: &Value, cycle: Option<&BTreeSet<String>>) -> bool {
    let Some(cycle) = cycle else { return false };
    let mut names = Vec::new();
    refs_in(schema, &mut names);
    names.iter().any(|name| cycle.contains(name))
}

/// The name typify gives an inline type in `property` of the struct `parent`.
fn place_name(parent: &str, property: &str) -> String {
    format!("{parent}_{}", typify_field_name(property))
}

/// A schema's title, which typify names its type after.
fn title(schema: &Map<String, Value>) -> Option<String> {
    schema
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `property` as a `Nullable` of its non-null schema, when it admits `null` and that;
/// `place` is the name typify would give an inline type there.
fn wrap(property: &Value, place: Option<String>) -> Option<Value> {
    let map = property.as_object()?;
    if map.contains_key("default") {
        return None;
    }
    let mut inner = non_null(map)?;
    // typify reads the extension's parameter without a name, so a type it would name
    // must carry one: the name it would have had.
    if let Value::Object(inner) = &mut inner {
        if needs_name(inner) && title(inner).is_none() {
            inner.insert("title".into(), place?.into());
        }
    }
    if nameless_inside(&inner) {
        return None;
    }
    let mut out = Map::new();
    out.insert(
        "x-rust-type".into(),
        json!({ "crate": CRATE, "version": "*", "path": PATH, "parameters": [inner] }),
    );
    // The field's doc comment comes from here.
    if let Some(description) = map.get("description") {
        out.insert("description".into(), description.clone());
    }
    Some(Value::Object(out))
}
/// What `schema` admits besides `null`, when it admits `null` and something else, as
/// the schema normalising wrote it: `null` in `type` (and `enum`), or an alternative
/// `{"type": "null"}`.
fn non_null(schema: &Map<String, Value>) -> Option<Value> {
    let null = json!({ "type": "null" });
    if let Some(Value::Array(types)) = schema.get("type") {
        if !types.contains(&Value::from("null")) {
            return None;
        }
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let mut inner = schema.clone();
        match others.len() {
            0 => return None,
            1 => inner.insert("type".into(), others[0].clone()),
            _ => inner.insert("type".into(), Value::Array(others)),
        };
        if let Some(Value::Array(values)) = inner.get_mut("enum") {
            values.retain(|value| !value.is_null());
        }
        inner.remove("description");
        return Some(Value::Object(inner));
    }
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = schema.get(key) else {
            continue;
        };
        if !alternatives.contains(&null) {
            continue;
        }
        let others: Vec<&Value> = alternatives.iter().filter(|a| **a != null).collect();
        let bare = schema
            .keys()
            .all(|k| k == key || matches!(k.as_str(), "title" | "description"));
        return match others.as_slice() {
            [] => None,
            [only] if bare => Some((*only).clone()),
            _ => {
                let mut inner = schema.clone();
                let kept = others.into_iter().cloned().collect();
                inner.insert(key.into(), Value::Array(kept));
                inner.remove("description");
                Some(Value::Object(inner))
            }
        };
    }
    None
}

/// Whether typify makes a named type of `schema` itself: an object, an enum,
/// alternatives, or a string it checks.
fn needs_name(schema: &Map<String, Value>) -> bool {
    if schema.contains_key("$ref") {
        return false;
    }
    [
        "properties",
        "enum",
        "const",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "minLength",
        "maxLength",
        "pattern",
    ]
    .iter()
    .any(|k| schema.contains_key(*k))
        || schema
            .get("additionalProperties")
            .is_some_and(Value::is_object)
        || matches!(schema.get("type"), Some(Value::String(t)) if t == "object")
}

/// Whether an item, value or alternative schema inside `schema` needs a name it does
/// not have: typify names those after `schema`'s own place, which it cannot see here
/// (a title on `schema` does not reach its alternatives).
fn nameless_inside(schema: &Value) -> bool {
    let Value::Object(map) = schema else {
        return false;
    };
    ["items", "additionalProperties", "allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|k| map.get(*k))
        .any(|child| match child {
            Value::Array(items) => items.iter().any(nameless),
            child => nameless(child),
        })
}

/// Whether `schema` is a type typify would name and has no title to name it by.
fn nameless(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => (needs_name(map) && title(map).is_none()) || nameless_inside(schema),
        _ => false,
    }
}

/// Every field typify wrote as `Option<Nullable<T>>` (skipped when `None`) made
/// `Nullable<T>`, skipped when absent, in the structs and struct variants of `items`.
pub fn unwrap_options(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Struct(item) => unwrap_fields(&mut item.fields),
            Item::Enum(item) => {
                for variant in &mut item.variants {
                    unwrap_fields(&mut variant.fields);
                }
            }
            _ => {}
        }
    }
}

fn unwrap_fields(fields: &mut Fields) {
    let Fields::Named(named) = fields else {
        return;
    };
    for field in &mut named.named {
        let Some(inner) = nullable_in_option(&field.ty) else {
            continue;
        };
        // Only the `Option` typify made for an optional property, which it skips when
        // `None`, carries a `Nullable` that can be absent: skipped when absent, and
        // absent when missing.
        let mut skipped = false;
        for attr in &mut field.attrs {
            if !attr.path().is_ident("serde") {
                continue;
            }
            let Ok(metas) =
                attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let mut metas: Vec<syn::Meta> = metas.into_iter().collect();
            let Some(skip) = metas.iter_mut().find(|meta| {
                matches!(meta, syn::Meta::NameValue(pair) if pair.path.is_ident("skip_serializing_if"))
            }) else {
                continue;
            };
            let with = LitStr::new(
                "::specfirst_runtime::Nullable::is_absent",
                proc_macro2::Span::call_site(),
            );
            *skip = syn::parse_quote!(skip_serializing_if = #with);
            if !metas.iter().any(|meta| meta.path().is_ident("default")) {
                metas.insert(0, syn::parse_quote!(default));
            }
            *attr = syn::parse_quote!(#[serde(#(#metas),*)]);
            skipped = true;
        }
        if skipped {
            field.ty = inner;
        }
    }
}

/// `Nullable<T>` when `ty` is `Option<Nullable<T>>` (as typify or the prelude spell
/// them).
fn nullable_in_option(ty: &Type) -> Option<Type> {
    let inner = single_argument(ty, "Option")?;
    single_argument(&inner, "Nullable")?;
    Some(inner)
}

/// The one type argument of `ty` when its last segment is `name`.
fn single_argument(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        GenericArgument::Type(inner) if arguments.args.len() == 1 => Some(inner.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(schema: Value) -> Value {
        mark(&schema, "Thing", None).unwrap_or(schema)
    }

    #[test]
    fn an_optional_nullable_property_is_wrapped() {
        let schema = wrapped(json!({
            "type": "object",
            "required": ["title"],
            "properties": {
                "title": {"type": ["string", "null"]},
                "year": {"type": ["integer", "null"], "format": "int32", "description": "When."},
                "tags": {"type": "array", "items": {"type": "string"}},
            }
        }));
        assert_eq!(
            schema["properties"]["year"],
            json!({
                "x-rust-type": {
                    "crate": "specfirst-runtime", "version": "*",
                    "path": "specfirst_runtime::Nullable",
                    "parameters": [{"type": "integer", "format": "int32"}],
                },
                "description": "When.",
            })
        );
        assert_eq!(
            schema["properties"]["title"],
            json!({"type": ["string", "null"]})
        );
        assert_eq!(schema["properties"]["tags"]["type"], "array");
    }

    #[test]
    fn a_nullable_reference_is_its_target() {
        let schema = wrapped(json!({
            "properties": {
                "shelf": {"oneOf": [{"$ref": "#/components/schemas/Shelf"}, {"type": "null"}]},
            }
        }));
        assert_eq!(
            schema["properties"]["shelf"]["x-rust-type"]["parameters"],
            json!([{"$ref": "#/components/schemas/Shelf"}])
        );
    }

    #[test]
    fn some_properties_keep_their_option() {
        for property in [
            json!({"type": ["integer", "null"], "default": 3}),
            json!({"type": "null"}),
            json!({"type": ["array", "null"], "items": {"properties": {"a": {}}}}),
            json!({"type": "integer"}),
        ] {
            let schema = json!({"properties": {"p": property.clone()}});
            assert_eq!(mark(&schema, "Thing", None), None, "{property}");
        }
    }

    #[test]
    fn an_inline_type_keeps_the_name_of_its_place() {
        let schema = wrapped(json!({"properties": {
            "shelfPlace": {"type": ["object", "null"], "properties": {"a": {"type": "string"}}},
            "mood": {"type": ["string", "null"], "enum": ["a", null]},
            "titled": {"type": ["string", "null"], "maxLength": 4, "title": "Short"},
        }}));
        let parameter =
            |property: &str| &schema["properties"][property]["x-rust-type"]["parameters"][0];
        assert_eq!(parameter("shelfPlace")["title"], "Thing_shelf_place");
        assert_eq!(
            parameter("mood"),
            &json!({"type": "string", "enum": ["a"], "title": "Thing_mood"})
        );
        assert_eq!(parameter("titled")["title"], "Short");
    }

    #[test]
    fn components_inside_an_object_default_keep_their_options() {
        let components = vec![
            (
                "Outer".to_string(),
                json!({"properties": {"inner": {"default": {"a": 1}, "allOf": [{"$ref": "#/components/schemas/Inner"}]}}}),
            ),
            (
                "Inner".to_string(),
                json!({"properties": {"deep": {"$ref": "#/components/schemas/Deep"}}}),
            ),
            ("Deep".to_string(), json!({"type": "object"})),
            ("Free".to_string(), json!({"type": "object"})),
        ];
        assert_eq!(
            defaulted(&components),
            BTreeSet::from(["Inner".to_string(), "Deep".to_string()])
        );
        let defaulted = json!({"default": {}, "properties": {"p": {"type": ["string", "null"]}}});
        assert_eq!(mark(&defaulted, "Thing", None), None);
    }

    #[test]
    fn alternatives_without_titles_keep_the_option() {
        let schema = json!({"properties": {"p": {"oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "properties": {"b": {"type": "string"}}},
            {"type": "null"},
        ]}}});
        assert_eq!(mark(&schema, "Thing", None), None);
        let referred = json!({"properties": {"p": {"oneOf": [
            {"$ref": "#/components/schemas/A"},
            {"$ref": "#/components/schemas/B"},
            {"type": "null"},
        ]}}});
        assert!(mark(&referred, "Thing", None).is_some());
    }

    #[test]
    fn nested_objects_are_wrapped_too() {
        let schema = wrapped(json!({
            "items": {"properties": {"p": {"type": ["string", "null"]}}},
        }));
        assert!(schema["items"]["properties"]["p"]
            .get("x-rust-type")
            .is_some());
    }

    #[test]
    fn references_back_into_a_cycle_keep_their_option() {
        let nullable_ref = |to: &str| json!({"oneOf": [{"$ref": format!("#/components/schemas/{to}")}, {"type": "null"}]});
        let object = |props: Value| json!({"type": "object", "properties": props});
        let components = vec![
            (
                "Customer".to_string(),
                object(json!({"discount": nullable_ref("Discount"), "plan": nullable_ref("Plan")})),
            ),
            (
                "Discount".to_string(),
                object(json!({"customer": nullable_ref("Customer")})),
            ),
            (
                "Plan".to_string(),
                object(json!({"name": {"type": "string"}})),
            ),
            (
                "Node".to_string(),
                object(json!({"next": nullable_ref("Node")})),
            ),
        ];
        let cycles = cycles(&components);
        let pair: BTreeSet<String> = ["Customer".to_string(), "Discount".to_string()].into();
        assert_eq!(cycles.get("Customer"), Some(&pair));
        assert_eq!(cycles.get("Discount"), Some(&pair));
        assert_eq!(cycles.get("Plan"), None);
        assert_eq!(cycles.get("Node").map(BTreeSet::len), Some(1));
        // The reference into the cycle keeps its Option; the one out of it is wrapped.
        let marked = mark(&components[0].1, "Customer", cycles.get("Customer")).unwrap();
        assert!(marked["properties"]["discount"]
            .get("x-rust-type")
            .is_none());
        assert!(marked["properties"]["plan"].get("x-rust-type").is_some());
        assert_eq!(mark(&components[3].1, "Node", cycles.get("Node")), None);
        // A schema that is no component is on no cycle.
        assert!(mark(&components[3].1, "Node", None).is_some());
    }

    #[test]
    fn option_of_nullable_becomes_nullable() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Patch {
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub year: ::std::option::Option<::specfirst_runtime::Nullable<i32>>,
                pub kept: ::std::option::Option<::specfirst_runtime::Nullable<i32>>,
            }
        };
        unwrap_options(&mut file.items);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains(
                "#[serde(default, skip_serializing_if = \"::specfirst_runtime::Nullable::is_absent\")]\n    \
                 pub year: ::specfirst_runtime::Nullable<i32>,"
            ),
            "{text}"
        );
        assert!(
            text.contains("pub kept: ::std::option::Option<::specfirst_runtime::Nullable<i32>>"),
            "{text}"
        );
    }
}
