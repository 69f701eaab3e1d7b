//! Type names settled before typify picks them: titles, place-derived names, components
//! renamed for properties typify merges, nullable wrappers given an inner component.

use std::collections::{BTreeMap, BTreeSet};

use super::enums::typify_variant_name;
use super::normalize::{LISTS, SINGLE};
use super::shape::MAX_DEPTH;

use serde_json::{Map, Value};

use crate::diagnostic::pointer_join;
use crate::load::refs::component_schema_name;

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
pub(crate) fn settle_inline_names(components: &mut [(String, Value)], mut uses: Vec<&mut Value>) {
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
pub(super) fn yield_to_merged_properties(
    components: &mut [(String, Value)],
    uses: &mut [&mut Value],
) {
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
pub(crate) fn numbered_key(key: &str, free: impl Fn(&str) -> bool) -> String {
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
pub(crate) fn split_nullable_wrappers(components: &mut Vec<(String, Value)>) {
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
pub(super) struct PlacedWalk<'a> {
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
pub(super) struct Declarations<'a> {
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

pub(super) fn record_title(
    node: &Map<String, Value>,
    shapes: &mut BTreeMap<String, BTreeSet<String>>,
) {
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
pub(super) fn visit_inline(
    schema: &Value,
    include_root: bool,
    f: &mut dyn FnMut(&Map<String, Value>),
) {
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
pub(super) fn visit_inline_mut(
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

/// The field name typify gives a property (its `sanitize` in snake case).
pub(crate) fn typify_field_name(raw: &str) -> String {
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
pub(crate) fn rename_refs(value: &mut Value, renames: &std::collections::BTreeMap<String, String>) {
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
