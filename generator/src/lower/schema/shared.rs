//! Each shape written once: structurally identical schemas typify would write as types of
//! their own become one component every place refers to.
//!
//! typify writes one type per place, so the same inline schema (GitHub's webhook
//! `sender`, a `{href}` link, an `open`/`closed` state) becomes a new struct or enum
//! each time it is written: hundreds of copies in the largest specs. Here schemas are
//! compared once their annotations are set aside ([`is_doc`]: descriptions, titles,
//! examples), so two copies that only describe themselves differently are one shape.
//! Everything else counts: a `default`, a `format`, `readOnly`, the order of the
//! properties, the `x-specfirst-*` markers the validation rules read.
//!
//! An inline schema identical to a component becomes a `$ref` to it; inline schemas
//! identical to each other in two or more places become one new component, named by
//! the first of those places (components first, then the operations' schemas in
//! document order) under the name typify gave it there, with every place referring to
//! it. The `$ref` stands alone, so the places' own descriptions give way to the shared
//! type's ([`reference`]), and a schema with a `default` is left where it is: typify
//! reads a place's default into its field. A nullable place (`type: [object, null]`)
//! shares the shape of its non-null part and becomes `oneOf: [{$ref}, {type: null}]`,
//! which typify writes as the `Option` it was.
//!
//! Only the schemas typify and the validation rules read change: the IR keeps every
//! schema as written for the round trip.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::enums::typify_variant_name;
use super::names::numbered_key;

use crate::diagnostic::pointer_join;

/// Nesting below which a schema is compared as text, whole: deeper than any real spec.
const MAX_NESTING: usize = 200;

/// Keywords that hold one subschema.
const SINGLE: &[&str] = &[
    "items",
    "additionalProperties",
    "additionalItems",
    "not",
    "propertyNames",
    "contains",
];

/// Keywords that hold a list of subschemas.
const LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Keywords that hold subschemas by name.
const NAMED: &[&str] = &["properties", "patternProperties"];

/// Whether `keyword` only documents a schema: neither typify's types nor the validation
/// rules read it, so two schemas differing only there are one shape. `readOnly` and
/// `writeOnly` count (they say which direction a property travels), as do `default`,
/// which typify writes into the types, `x-specfirst-*`, which the rules read, and
/// `x-rust-type`, which typify reads.
pub(super) fn is_doc(keyword: &str) -> bool {
    matches!(
        keyword,
        "description"
            | "title"
            | "summary"
            | "example"
            | "examples"
            | "$comment"
            | "externalDocs"
            | "deprecated"
            | "xml"
    ) || (keyword.starts_with("x-")
        && !keyword.starts_with("x-specfirst-")
        && keyword != "x-rust-type")
}

/// Where a subschema sits in its parent.
#[derive(Debug, Clone)]
enum Slot {
    /// Under a keyword holding subschemas by name (`properties`).
    Named(String, String),
    /// The value of a keyword holding one subschema (`items`).
    One(String),
    /// An entry of a keyword holding a list (`allOf`, tuple `items`).
    Nth(String, usize),
}

impl Slot {
    fn get<'a>(&self, map: &'a Map<String, Value>) -> Option<&'a Value> {
        match self {
            Slot::Named(key, name) => map.get(key)?.get(name),
            Slot::One(key) => map.get(key),
            Slot::Nth(key, index) => map.get(key)?.get(index),
        }
    }

    fn get_mut<'a>(&self, map: &'a mut Map<String, Value>) -> Option<&'a mut Value> {
        match self {
            Slot::Named(key, name) => map.get_mut(key)?.get_mut(name),
            Slot::One(key) => map.get_mut(key),
            Slot::Nth(key, index) => map.get_mut(key)?.get_mut(*index),
        }
    }
}

/// What a subschema is to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A position where typify writes a type of its own and refers to it, so a `$ref`
    /// can stand there: a property, array items, map values, the non-null side of a
    /// nullable `oneOf`.
    Place,
    /// A variant of a `oneOf` or `anyOf` (or an `allOf` member merged into one): typify
    /// may write its properties into the variant itself (struct variants, adjacently
    /// and externally tagged enums) and reads tags from them, so they are no places.
    Member,
    /// Anything else: walked, never replaced (`allOf` members are merged into their
    /// parent).
    Inside,
}

/// The subschemas of `map`, in the order its keywords sort, with what each is to it;
/// `member` when `map` is a variant ([`Role::Member`]).
fn slots(map: &Map<String, Value>, member: bool) -> Vec<(Slot, Role)> {
    let mut keys: Vec<&String> = map.keys().filter(|key| !is_doc(key)).collect();
    keys.sort();
    let mut out = Vec::new();
    for key in keys {
        match (key.as_str(), &map[key]) {
            (k, Value::Object(children)) if NAMED.contains(&k) => {
                let role = if k == "properties" && !member {
                    Role::Place
                } else {
                    Role::Inside
                };
                for name in children.keys() {
                    out.push((Slot::Named(key.clone(), name.clone()), role));
                }
            }
            ("items", Value::Array(list)) => {
                out.extend((0..list.len()).map(|i| (Slot::Nth(key.clone(), i), Role::Inside)));
            }
            (k, Value::Object(_)) if SINGLE.contains(&k) => {
                let role = match k {
                    "items" | "additionalProperties" => Role::Place,
                    _ => Role::Inside,
                };
                out.push((Slot::One(key.clone()), role));
            }
            (k, Value::Array(list)) if LISTS.contains(&k) => {
                let null = serde_json::json!({ "type": "null" });
                let pair = k != "allOf" && list.len() == 2 && list.contains(&null);
                for (i, entry) in list.iter().enumerate() {
                    let role = match (k, pair) {
                        (_, true) if *entry != null => Role::Place,
                        (_, true) => Role::Inside,
                        ("allOf", _) if !member => Role::Inside,
                        _ => Role::Member,
                    };
                    out.push((Slot::Nth(key.clone(), i), role));
                }
            }
            _ => {}
        }
    }
    out
}

/// The canonical text of `map` with its subschemas (listed by [`slots`]) given as the
/// ids in `ids`: keywords sorted, annotations left out, properties in their order.
fn canonical(map: &Map<String, Value>, ids: &[usize]) -> String {
    let mut keys: Vec<&String> = map.keys().filter(|key| !is_doc(key)).collect();
    keys.sort();
    let mut ids = ids.iter().map(|id| Value::from(*id));
    let mut next = || ids.next().unwrap_or(Value::Null);
    let mut out = Map::new();
    for key in keys {
        let value = &map[key];
        let converted = match (key.as_str(), value) {
            (k, Value::Object(children)) if NAMED.contains(&k) => {
                Value::Object(children.keys().map(|name| (name.clone(), next())).collect())
            }
            ("items", Value::Array(list)) => Value::Array(list.iter().map(|_| next()).collect()),
            (k, Value::Object(_)) if SINGLE.contains(&k) => next(),
            (k, Value::Array(list)) if LISTS.contains(&k) => {
                Value::Array(list.iter().map(|_| next()).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out).to_string()
}

/// Whether typify writes `map` as a type of its own, one a component can stand for: an
/// object with properties, a string enum of two or more values, a composition of two or
/// more schemas.
/// Schemas typify writes as plain Rust types (`String`, `Vec<T>`, `Option<T>`, a map)
/// would become a new named type, so they are left where they are.
fn names_a_type(map: &Map<String, Value>) -> bool {
    // typify reads a place's `default` into its field, which a reference cannot carry.
    if ["$ref", "x-rust-type", "default"]
        .iter()
        .any(|key| map.contains_key(*key))
    {
        return false;
    }
    let ty = map.get("type");
    let untyped_or = |name: &str| ty.is_none() || ty.and_then(Value::as_str) == Some(name);
    if let Some(Value::Object(properties)) = map.get("properties") {
        if !properties.is_empty() && untyped_or("object") {
            return true;
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        // A single value is a constant: typify finds the tags of an enum's variants by
        // such properties written inline, so they stay where they are.
        return values.len() >= 2 && values.iter().all(Value::is_string) && untyped_or("string");
    }
    let null = serde_json::json!({ "type": "null" });
    let members = |key: &str| match map.get(key) {
        Some(Value::Array(list)) => list.as_slice(),
        _ => &[],
    };
    for key in ["oneOf", "anyOf"] {
        let list = members(key);
        if list.len() >= 2 && !list.contains(&null) {
            return true;
        }
    }
    let constraining = members("allOf")
        .iter()
        .filter(|member| match member {
            Value::Object(member) => member.keys().any(|key| !is_doc(key)),
            _ => true,
        })
        .count();
    constraining >= 2
}

/// The non-null part of a nullable schema (`type: [object, null]`, a string enum
/// listing `null`), when that part names a type: the shape it shares with other places.
/// A default other than `null` belongs to the place (see [`names_a_type`]).
fn non_null_part(map: &Map<String, Value>) -> Option<Map<String, Value>> {
    let Some(Value::Array(types)) = map.get("type") else {
        return None;
    };
    if map.get("default").is_some_and(|default| !default.is_null()) {
        return None;
    }
    let [first, second] = types.as_slice() else {
        return None;
    };
    let other = match (first.as_str()?, second.as_str()?) {
        ("null", other) | (other, "null") if other != "null" => other,
        _ => return None,
    };
    let mut core = map.clone();
    core.insert("type".into(), Value::from(other));
    core.remove("default");
    if let Some(Value::Array(values)) = core.get_mut("enum") {
        values.retain(|value| !value.is_null());
    }
    names_a_type(&core).then_some(core)
}

/// One distinct schema, up to annotations.
#[derive(Debug)]
struct Shape {
    /// The shape this schema counts as: itself, or for a nullable one its non-null part.
    counted: usize,
    /// Whether typify writes it as a type of its own (never for a nullable one).
    names_a_type: bool,
    /// Its subschemas' counted shapes, each with whether it sits at a place.
    children: Vec<(usize, bool)>,
}

/// The shapes of one schema tree, in [`slots`] order.
#[derive(Debug, Clone)]
struct Tree {
    id: usize,
    children: Vec<Tree>,
}

/// Every shape met, each once: subschemas get smaller ids than the schemas holding them.
#[derive(Default)]
struct Shapes {
    ids: HashMap<String, usize>,
    shapes: Vec<Shape>,
    /// The shapes of the inline schemas titled with each name (as typify spells it).
    titles: BTreeMap<String, BTreeSet<usize>>,
}

impl Shapes {
    /// The shapes of `node` and what it holds; `titled` when a title there names its
    /// type (not a component's root), `member` when it is a variant ([`Role::Member`]).
    fn tree(&mut self, node: &Value, titled: bool, member: bool, depth: usize) -> Tree {
        let Value::Object(map) = node else {
            return self.leaf(node.to_string());
        };
        if depth > MAX_NESTING {
            return self.leaf(node.to_string());
        }
        let slots = slots(map, member);
        let children: Vec<Tree> = slots
            .iter()
            .map(|(slot, role)| match slot.get(map) {
                Some(child) => self.tree(child, true, *role == Role::Member, depth + 1),
                None => self.leaf(String::new()),
            })
            .collect();
        let ids: Vec<usize> = children.iter().map(|tree| tree.id).collect();
        let roles: Vec<Role> = slots.iter().map(|(_, role)| *role).collect();
        let id = self.insert(map, &ids, &roles, member);
        if titled {
            if let Some(title) = map.get("title").and_then(Value::as_str) {
                let counted = self.shapes[id].counted;
                self.titles
                    .entry(typify_variant_name(title))
                    .or_default()
                    .insert(counted);
            }
        }
        Tree { id, children }
    }

    fn leaf(&mut self, text: String) -> Tree {
        let id = self.add(text, None, false, Vec::new());
        Tree {
            id,
            children: Vec::new(),
        }
    }

    fn insert(
        &mut self,
        map: &Map<String, Value>,
        ids: &[usize],
        roles: &[Role],
        member: bool,
    ) -> usize {
        let mut text = canonical(map, ids);
        if member {
            // A variant's properties are no places, so it is another shape than the
            // same schema elsewhere; it is never shared itself.
            text.insert(0, 'M');
        }
        if let Some(id) = self.ids.get(&text) {
            return *id;
        }
        // The non-null part first, so it too has a smaller id than what holds this one.
        let core = match member {
            false => non_null_part(map).map(|core| self.insert(&core, ids, roles, false)),
            true => None,
        };
        let children = ids
            .iter()
            .zip(roles)
            .map(|(id, role)| (self.shapes[*id].counted, *role == Role::Place))
            .collect();
        let named = core.is_none() && !member && names_a_type(map);
        self.add(text, core, named, children)
    }

    fn add(
        &mut self,
        text: String,
        core: Option<usize>,
        names_a_type: bool,
        children: Vec<(usize, bool)>,
    ) -> usize {
        if let Some(id) = self.ids.get(&text) {
            return *id;
        }
        let id = self.shapes.len();
        self.shapes.push(Shape {
            counted: core.unwrap_or(id),
            names_a_type,
            children,
        });
        self.ids.insert(text, id);
        id
    }
}

/// What a shared shape is written as.
#[derive(Debug)]
struct Shared {
    /// The shape each schema counts as, by id.
    counted: Vec<usize>,
    /// Which shapes every place of theirs refers to.
    merged: Vec<bool>,
    /// The component each merged shape is, by shape.
    targets: BTreeMap<usize, String>,
}

/// Writes each shape typify would name once: inline schemas identical to a component
/// refer to it, and inline schemas identical to each other in two or more places become
/// one new component, appended to `components`, that all of them refer to.
///
/// `uses` are the schemas the operations use, each with the name typify would give it
/// inline, operation by operation in document order; `copies` are other schemas to
/// rewrite the same way (a preferred media type's copy of the body it duplicates), not
/// counted.
pub(crate) fn share_identical_shapes(
    components: &mut Vec<(String, Value)>,
    mut uses: Vec<(&str, &mut Value)>,
    copies: Vec<&mut Value>,
) {
    let mut shapes = Shapes::default();
    let component_trees: Vec<Tree> = components
        .iter()
        .map(|(_, schema)| shapes.tree(schema, false, false, 0))
        .collect();
    let use_trees: Vec<Tree> = uses
        .iter()
        .map(|(_, schema)| shapes.tree(schema, true, false, 0))
        .collect();
    let copy_trees: Vec<Tree> = copies
        .iter()
        .map(|schema| shapes.tree(schema, true, false, 0))
        .collect();

    // The first component that is exactly a shape owns it.
    let mut owners: BTreeMap<usize, usize> = BTreeMap::new();
    for (index, tree) in component_trees.iter().enumerate() {
        let shape = &shapes.shapes[tree.id];
        if shape.counted == tree.id && shape.names_a_type {
            owners.entry(tree.id).or_insert(index);
        }
    }
    let merged = merged_shapes(&shapes, &component_trees, &use_trees, &owners);
    if !merged.iter().any(|m| *m) {
        return;
    }

    let component_names: BTreeSet<String> = components
        .iter()
        .map(|(name, _)| typify_variant_name(name))
        .collect();
    let mut naming = Naming {
        shapes: &shapes,
        merged: &merged,
        owners: &owners,
        component_names: &component_names,
        representatives: Vec::new(),
        chosen: BTreeSet::new(),
        inline_names: BTreeSet::new(),
        components: components
            .iter()
            .map(|(key, schema)| (key.as_str(), schema))
            .collect(),
        merging: 0,
        siblings: None,
    };
    for ((name, schema), tree) in components.iter().zip(&component_trees) {
        naming.children(schema, tree, &typify_variant_name(name), false);
    }
    for ((hint, schema), tree) in uses.iter().zip(&use_trees) {
        naming.place(schema, tree, hint.to_string());
    }
    let representatives = std::mem::take(&mut naming.representatives);
    let inline_names = std::mem::take(&mut naming.inline_names);

    let mut keys: BTreeSet<String> = components.iter().map(|(key, _)| key.clone()).collect();
    let mut names = component_names;
    names.extend(inline_names);
    let mut targets: BTreeMap<usize, String> = owners
        .iter()
        .map(|(shape, index)| (*shape, components[*index].0.clone()))
        .collect();
    let mut added = Vec::new();
    for representative in representatives {
        let free = |candidate: &str| {
            !keys.contains(candidate) && !names.contains(&typify_variant_name(candidate))
        };
        let key = key_for(&representative.name);
        let key = if free(&key) {
            key
        } else {
            numbered_key(&key, free)
        };
        keys.insert(key.clone());
        names.insert(typify_variant_name(&key));
        targets.insert(representative.shape, key.clone());
        added.push((key, representative.body, representative.tree));
    }

    let shared = Shared {
        counted: shapes.shapes.iter().map(|shape| shape.counted).collect(),
        merged,
        targets,
    };
    for ((_, schema), tree) in components.iter_mut().zip(&component_trees) {
        shared.rewrite(schema, tree, Role::Inside);
    }
    for (key, mut body, tree) in added {
        shared.rewrite(&mut body, &tree, Role::Inside);
        components.push((key, body));
    }
    for ((_, schema), tree) in uses.iter_mut().zip(&use_trees) {
        shared.rewrite(schema, tree, Role::Place);
    }
    for (schema, tree) in copies.into_iter().zip(&copy_trees) {
        shared.rewrite(schema, tree, Role::Place);
    }
}

/// A component key typify names `name` (a name in Pascal case): typify reads a key's
/// words afresh, so `AX` would be `Ax`, while `A_X` is `AX`.
fn key_for(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 8);
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            key.push('_');
        }
        key.push(c);
    }
    if typify_variant_name(&key) == name {
        key
    } else {
        name.to_string()
    }
}

/// Which shapes are written once, by shape: those a component is and an inline schema
/// repeats, and those inline schemas repeat in two or more places. A place counts once
/// for each time it is written: one inside a shape written once counts once, however
/// often that shape was repeated.
fn merged_shapes(
    shapes: &Shapes,
    component_trees: &[Tree],
    use_trees: &[Tree],
    owners: &BTreeMap<usize, usize>,
) -> Vec<bool> {
    let count = shapes.shapes.len();
    let mut at_places = vec![0u64; count];
    let mut elsewhere = vec![0u64; count];
    for tree in component_trees {
        elsewhere[shapes.shapes[tree.id].counted] += 1;
    }
    for tree in use_trees {
        at_places[shapes.shapes[tree.id].counted] += 1;
    }
    let mut merged = vec![false; count];
    // Whatever holds a shape has a larger id, so this meets every shape after all of
    // the shapes holding it.
    for id in (0..count).rev() {
        let shape = &shapes.shapes[id];
        if shape.counted != id {
            continue;
        }
        let written = if shape.names_a_type {
            let places = at_places[id];
            let owned = owners.contains_key(&id);
            merged[id] = places >= 2 || (places >= 1 && owned);
            let once = u64::from(merged[id] && !owned);
            elsewhere[id].saturating_add(if merged[id] { once } else { places })
        } else {
            at_places[id].saturating_add(elsewhere[id])
        };
        if written == 0 {
            continue;
        }
        for (child, place) in &shape.children {
            let counter = if *place {
                &mut at_places[*child]
            } else {
                &mut elsewhere[*child]
            };
            *counter = counter.saturating_add(written);
        }
    }
    merged
}

/// A new component: the first place of a shape written once.
struct Representative {
    shape: usize,
    /// The name typify gave that place.
    name: String,
    /// The schema (its non-null part, for a nullable place) and its shapes.
    body: Value,
    tree: Tree,
}

/// The walk over what will be written, in the order typify meets it, finding the first
/// place of each shared shape and the names of the inline types that stay.
struct Naming<'a> {
    shapes: &'a Shapes,
    merged: &'a [bool],
    owners: &'a BTreeMap<usize, usize>,
    component_names: &'a BTreeSet<String>,
    representatives: Vec<Representative>,
    chosen: BTreeSet<usize>,
    /// Names typify gives the inline types that stay inline.
    inline_names: BTreeSet<String>,
    /// The components by key, to read the properties of an `allOf` member that refers
    /// to one.
    components: HashMap<&'a str, &'a Value>,
    /// How many properties the walk is inside that typify merges from two `allOf`
    /// members: it writes a type of its own there, named by the place, even where one
    /// of them refers to a shared shape.
    merging: usize,
    /// Set for one call of [`Naming::children`] on an `allOf` member: the properties
    /// the other members of that `allOf` have.
    siblings: Option<BTreeSet<String>>,
}

impl Naming<'_> {
    /// `node`, sitting at a place whose typify name is `placed`.
    fn place(&mut self, node: &Value, tree: &Tree, placed: String) {
        let counted = self.shapes.shapes[tree.id].counted;
        let name = match node.get("title").and_then(Value::as_str) {
            Some(title) if self.title_is_safe(title, counted) => typify_variant_name(title),
            _ => placed,
        };
        if self.merging > 0 {
            // The merged type takes this name, so a shared type must not (ghec's
            // `scim-enterprise-group-response` merges its `members` with those of
            // `group-response`: both were `ScimEnterpriseGroupResponseMembersItem`).
            self.inline_names.insert(typify_variant_name(&name));
        }
        if !self.merged[counted] {
            self.inline_names.insert(typify_variant_name(&name));
            self.children(node, tree, &name, false);
            return;
        }
        if self.owners.contains_key(&counted) || !self.chosen.insert(counted) {
            return;
        }
        let body = match node {
            Value::Object(map) if counted != tree.id => {
                Value::Object(non_null_part(map).unwrap_or_else(|| map.clone()))
            }
            _ => node.clone(),
        };
        let shape_tree = Tree {
            id: counted,
            children: tree.children.clone(),
        };
        self.representatives.push(Representative {
            shape: counted,
            name: name.clone(),
            body,
            tree: shape_tree,
        });
        self.children(node, tree, &name, false);
    }

    /// The properties `schema` has, through references and its own `allOf` members.
    fn properties(&self, schema: &Value, depth: usize) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Value::Object(map) = schema else {
            return out;
        };
        if depth > MAX_NESTING {
            return out;
        }
        if let Some(target) = map.get("$ref").and_then(Value::as_str) {
            let key = target.strip_prefix("#/components/schemas/").unwrap_or("");
            if let Some(component) = self.components.get(key) {
                out.extend(self.properties(component, depth + 1));
            }
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            out.extend(properties.keys().cloned());
        }
        if let Some(Value::Array(members)) = map.get("allOf") {
            for member in members {
                out.extend(self.properties(member, depth + 1));
            }
        }
        out
    }

    /// A title names the shared type when no other shape has it and no component does.
    fn title_is_safe(&self, title: &str, shape: usize) -> bool {
        let name = typify_variant_name(title);
        !self.component_names.contains(&name)
            && self
                .shapes
                .titles
                .get(&name)
                .is_some_and(|shapes| shapes.len() == 1 && shapes.contains(&shape))
    }

    /// The subschemas of `node`, a type typify names `base`, under the names typify
    /// gives them; `member` when `node` is a variant ([`Role::Member`]).
    fn children(&mut self, node: &Value, tree: &Tree, base: &str, member: bool) {
        let siblings = self.siblings.take();
        let Value::Object(map) = node else { return };
        let name = typify_variant_name(base);
        let members: Vec<BTreeSet<String>> = match map.get("allOf") {
            Some(Value::Array(list)) if list.len() > 1 => list
                .iter()
                .map(|member| self.properties(member, 0))
                .collect(),
            _ => Vec::new(),
        };
        for ((slot, role), child_tree) in slots(map, member).into_iter().zip(&tree.children) {
            let Some(child) = slot.get(map) else { continue };
            let placed = match &slot {
                Slot::Named(_, property) => typify_variant_name(&format!("{base}_{property}")),
                Slot::One(key) if key == "items" => typify_variant_name(&format!("{name}Item")),
                Slot::One(key) if key == "additionalProperties" => {
                    typify_variant_name(&format!("{name}Value"))
                }
                // typify merges `allOf` members into their parent, and names the inner
                // type of a nullable `oneOf` as it names the whole.
                Slot::Nth(key, _) if key == "allOf" || role == Role::Place => name.clone(),
                Slot::Nth(key, index) => typify_variant_name(&format!("{name}_{key}_{index}")),
                Slot::One(key) => typify_variant_name(&format!("{name}_{key}")),
            };
            let merged = match &slot {
                Slot::Named(key, property) if key == "properties" => siblings
                    .as_ref()
                    .is_some_and(|others| others.contains(property)),
                _ => false,
            };
            if let Slot::Nth(key, index) = &slot {
                if key == "allOf" && !members.is_empty() {
                    let others = members
                        .iter()
                        .enumerate()
                        .filter(|(other, _)| other != index)
                        .flat_map(|(_, properties)| properties.iter().cloned())
                        .collect();
                    self.siblings = Some(others);
                }
            }
            self.merging += usize::from(merged);
            match role {
                Role::Place => self.place(child, child_tree, placed),
                role => self.children(child, child_tree, &placed, role == Role::Member),
            }
            self.merging -= usize::from(merged);
            self.siblings = None;
        }
    }
}

impl Shared {
    /// Rewrites `node`, which is `role` to its parent, and what it holds: a shared
    /// shape at a place becomes a reference.
    fn rewrite(&self, node: &mut Value, tree: &Tree, role: Role) {
        let Value::Object(map) = node else { return };
        let counted = self.counted[tree.id];
        if role == Role::Place && self.merged[counted] {
            if let Some(target) = self.targets.get(&counted) {
                *node = reference(target, counted != tree.id);
                return;
            }
        }
        let member = role == Role::Member;
        for ((slot, role), child_tree) in slots(map, member).into_iter().zip(&tree.children) {
            if let Some(child) = slot.get_mut(map) {
                self.rewrite(child, child_tree, role);
            }
        }
    }
}

/// A `$ref` to the component `target` standing for a schema at a place; for a nullable
/// place, the `oneOf` of that reference and `null` typify writes as an `Option`.
///
/// Nothing stays beside the reference: typify merges schemas (`allOf` members, an
/// object's properties into its alternatives, through references too) and asserts
/// that a reference it merges carries no annotations, so a place's own description
/// gives way to the shared type's.
fn reference(target: &str, nullable: bool) -> Value {
    let reference = serde_json::json!({ "$ref": pointer_join("#/components/schemas", target) });
    if nullable {
        serde_json::json!({ "oneOf": [reference, { "type": "null" }] })
    } else {
        reference
    }
}
