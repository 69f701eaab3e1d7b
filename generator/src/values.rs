//! Values synthesized from a schema, for the value round trip: values the schema
//! accepts, which must come out of the generated type as they went in, and values that
//! each break one of its rules, which the server must refuse
//! ([`crate::Generator::with_value_checks`]).
//!
//! Only values whose verdict is certain are made. A string `pattern` takes the schema's
//! own example when it matches, or nothing; a `oneOf` or `anyOf` whose alternatives a
//! value could match several of is left alone unless a discriminator tells them apart;
//! a schema that composes with `not` makes nothing. What is made reads OpenAPI 3.0
//! (`nullable`) and 3.1 (type lists, `const`) alike.

use serde_json::{json, Map, Value};

use crate::diagnostic::pointer_join;
use crate::load::refs;

/// How deep a value goes before only required members are filled in.
const FULL_DEPTH: usize = 4;

/// How deep a value goes at all; a schema needing more (a required cycle) makes none.
const MAX_DEPTH: usize = 12;

/// How deep invalid values reach into a valid one.
const INVALID_DEPTH: usize = 3;

/// What [`samples`] made of a schema.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Samples {
    /// Values the schema accepts: the smallest (required members only), the fullest,
    /// and one with every member near the top at its smallest (empty lists and maps
    /// where they may be empty, which must not come back as left out).
    pub valid: Vec<Value>,
    /// Values that each break one rule, with where and which (`/title: maxLength`).
    pub invalid: Vec<(Value, String)>,
}

/// Values for `schema`, whose `$ref`s are local references into `root`.
pub fn samples(schema: &Value, root: &Value) -> Samples {
    let mut valid = Vec::new();
    for (full, hollow) in [(false, false), (true, false), (false, true)] {
        let synth = Synth { root, hollow };
        if let Some(value) = synth.valid(schema, full, 0) {
            if !valid.contains(&value) {
                valid.push(value);
            }
        }
    }
    let synth = Synth {
        root,
        hollow: false,
    };
    let mut invalid = Vec::new();
    synth.invalid(schema, "", 0, &mut invalid);
    Samples { valid, invalid }
}

/// Where `output`, what came out of the type for `input`, differs from it, each as
/// `POINTER: what`; empty when they are the same. Numbers compare by value (`2` is
/// `2.0`), and a member the output adds is the same when the schema's `default` for it
/// is what was added.
pub fn differences(input: &Value, output: &Value, schema: &Value, root: &Value) -> Vec<String> {
    let synth = Synth {
        root,
        hollow: false,
    };
    let mut out = Vec::new();
    synth.compare(input, output, Some(schema), "", &mut out);
    out
}

struct Synth<'r> {
    root: &'r Value,
    /// Every member of an object near the top, each at its smallest.
    hollow: bool,
}

/// The JSON types a schema admits, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Null,
}

impl Kind {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "object" => Self::Object,
            "array" => Self::Array,
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "null" => Self::Null,
            _ => return None,
        })
    }

    /// Whether `value` is of this JSON type (an integer is a number too).
    fn admits(self, value: &Value) -> bool {
        match self {
            Self::Object => value.is_object(),
            Self::Array => value.is_array(),
            Self::String => value.is_string(),
            Self::Integer => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            Self::Number => value.is_number(),
            Self::Boolean => value.is_boolean(),
            Self::Null => value.is_null(),
        }
    }

    /// A value of another JSON type than this one (and than `null`).
    fn wrong(self) -> Value {
        match self {
            Self::String => json!(42),
            Self::Integer | Self::Number | Self::Boolean | Self::Null => json!("text"),
            Self::Array => json!({"a": 1}),
            Self::Object => json!([1]),
        }
    }
}

impl Synth<'_> {
    /// `schema` with its chain of references followed; `None` for one that leads
    /// nowhere or out of the document.
    fn resolve<'s>(&'s self, schema: &'s Value) -> Option<&'s Value> {
        refs::resolve(self.root, "", schema)
            .ok()
            .map(|(_, node)| node)
    }

    /// The types `schema` admits (empty when it says none), and whether `null` is one.
    /// Without a `type` the keywords say what is meant, though they constrain only
    /// values of their type (so `invalid` makes nothing for such a schema).
    fn kinds(schema: &Map<String, Value>) -> (Vec<Kind>, bool) {
        let mut kinds: Vec<Kind> = match schema.get("type") {
            Some(Value::String(name)) => Kind::named(name).into_iter().collect(),
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(Value::as_str)
                .filter_map(Kind::named)
                .collect(),
            _ => Vec::new(),
        };
        if kinds.is_empty() {
            // No `type`: the keywords say what is meant.
            let has = |keys: &[&str]| keys.iter().any(|key| schema.contains_key(*key));
            if has(&["properties", "additionalProperties", "required"]) {
                kinds.push(Kind::Object);
            } else if has(&["items", "minItems", "maxItems"]) {
                kinds.push(Kind::Array);
            } else if has(&["minLength", "maxLength", "pattern", "format"]) {
                kinds.push(Kind::String);
            } else if has(&["minimum", "maximum", "multipleOf"]) {
                kinds.push(Kind::Number);
            }
        }
        let nullable =
            schema.get("nullable") == Some(&Value::Bool(true)) || kinds.contains(&Kind::Null);
        kinds.retain(|kind| *kind != Kind::Null);
        (kinds, nullable)
    }

    /// A value `schema` accepts: with every member (`full`, near the top) or only the
    /// required ones.
    fn valid(&self, schema: &Value, full: bool, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let full = full && depth < FULL_DEPTH;
        let schema = self.resolve(schema)?;
        let map = match schema {
            Value::Bool(true) => return Some(json!({"any": ["value"]})),
            Value::Object(map) => map,
            _ => return None,
        };
        if map.contains_key("not") {
            return None;
        }
        if let Some(value) = map.get("const") {
            return Some(value.clone());
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            // A value must be of the schema's type as well as one of the enum's.
            let (kinds, nullable) = Self::kinds(map);
            let typed = map.contains_key("type");
            // And keep the schema's other rules (Adyen's `enum: [MALE, FEMALE]` beside
            // `maxLength: 1` admits nothing).
            let fits = |value: &&Value| {
                (!typed
                    || kinds.iter().any(|kind| kind.admits(value))
                    || (nullable && value.is_null()))
                    && within_bounds(map, value)
            };
            let values: Vec<&Value> = values.iter().filter(fits).collect();
            let mut chosen = values.iter().copied().filter(|value| !value.is_null());
            let value = if full {
                chosen.next_back()
            } else {
                chosen.next()
            };
            return value.or(values.first().copied()).cloned();
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            let merged = self.merged(map, parts)?;
            return self.valid(&Value::Object(merged), full, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = map.get(key) {
                return self.alternative(map, alternatives, full, depth);
            }
        }
        let (kinds, nullable) = Self::kinds(map);
        let Some(&kind) = kinds.first() else {
            return Some(
                if nullable && kinds.is_empty() && map.contains_key("type") {
                    Value::Null
                } else {
                    json!({"any": ["value"]})
                },
            );
        };
        match kind {
            Kind::Object => self.object(map, full, depth),
            Kind::Array => self.array(map, full, depth),
            Kind::String => string(map, full),
            Kind::Integer => integer(map, full).map(Value::from),
            Kind::Number => number(map, full),
            Kind::Boolean => Some(Value::Bool(!full)),
            Kind::Null => Some(Value::Null),
        }
    }

    /// An `allOf` as one schema: the members of every part (references followed) and
    /// the keywords beside it; `None` when a part is not an object schema or composes
    /// further.
    fn merged(&self, outer: &Map<String, Value>, parts: &[Value]) -> Option<Map<String, Value>> {
        // Closed beside an `allOf`, the schema admits no member the parts describe
        // (`additionalProperties` sees only its own `properties`): left to the types.
        if outer.get("additionalProperties") == Some(&Value::Bool(false)) {
            return None;
        }
        let mut merged = outer.clone();
        merged.remove("allOf");
        for part in parts {
            let Value::Object(part) = self.resolve(part)? else {
                return None;
            };
            if ["allOf", "oneOf", "anyOf", "not"]
                .iter()
                .any(|key| part.contains_key(*key))
            {
                return None;
            }
            for (key, value) in part {
                match (key.as_str(), merged.get_mut(key)) {
                    ("properties", Some(Value::Object(known))) => {
                        if let Value::Object(more) = value {
                            for (name, property) in more {
                                // A member several parts describe must satisfy each.
                                match known.get_mut(name) {
                                    Some(first) if first != property => {
                                        let both = json!({"allOf": [first.clone(), property]});
                                        *first = both;
                                    }
                                    Some(_) => {}
                                    None => {
                                        known.insert(name.clone(), property.clone());
                                    }
                                }
                            }
                        }
                    }
                    ("required", Some(Value::Array(known))) => {
                        if let Value::Array(more) = value {
                            for name in more {
                                if !known.contains(name) {
                                    known.push(name.clone());
                                }
                            }
                        }
                    }
                    // A part's closing would close the others' members out: left to
                    // the types, not synthesized.
                    ("additionalProperties", _) if value == &Value::Bool(false) => return None,
                    // Two schemas for the items (or the extra members): both hold.
                    ("items" | "additionalProperties", Some(known @ Value::Object(_)))
                        if value.is_object() && known != value =>
                    {
                        *known = json!({"allOf": [known.clone(), value]});
                    }
                    // Words about the schema may differ; constraints that differ (two
                    // types, two formats) are left to the types, not synthesized.
                    (key, Some(known)) if known != value && !annotation(key) => return None,
                    (_, Some(_)) => {}
                    (_, None) => {
                        merged.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        Some(merged)
    }

    /// A value of one alternative of a `oneOf` or `anyOf`, when nothing else could
    /// match it too: a discriminator names it, or each alternative is of its own type.
    fn alternative(
        &self,
        map: &Map<String, Value>,
        alternatives: &[Value],
        full: bool,
        depth: usize,
    ) -> Option<Value> {
        let index = if full { alternatives.len() - 1 } else { 0 };
        let chosen = alternatives.get(index)?;
        if let Some(property) = map
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
        {
            let tag = self.tag_of(map, chosen)?;
            let mut value = self.valid(chosen, full, depth + 1)?;
            value
                .as_object_mut()?
                .insert(property.to_string(), Value::String(tag));
            return Some(value);
        }
        let mut seen = Vec::new();
        for alternative in alternatives {
            let Value::Object(resolved) = self.resolve(alternative)? else {
                return None;
            };
            let (kinds, _) = Self::kinds(resolved);
            let [kind] = kinds.as_slice() else {
                return None;
            };
            // An integer is a number too.
            let kind = if *kind == Kind::Integer {
                Kind::Number
            } else {
                *kind
            };
            if seen.contains(&kind) || resolved.contains_key("enum") {
                return None;
            }
            seen.push(kind);
        }
        self.valid(chosen, full, depth + 1)
    }

    /// The discriminator value naming `alternative`: its key in the mapping, else its
    /// component's name.
    fn tag_of(&self, map: &Map<String, Value>, alternative: &Value) -> Option<String> {
        let reference = alternative.get("$ref")?.as_str()?;
        if let Some(Value::Object(mapping)) =
            map.get("discriminator").and_then(|d| d.get("mapping"))
        {
            if let Some((tag, _)) = mapping.iter().find(|(_, target)| {
                target.as_str() == Some(reference)
                    || target.as_str().map(|t| format!("#/components/schemas/{t}"))
                        == Some(reference.to_string())
            }) {
                return Some(tag.clone());
            }
        }
        refs::component_schema_name(reference)
    }

    fn object(&self, map: &Map<String, Value>, full: bool, depth: usize) -> Option<Value> {
        let required: Vec<&str> = match map.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let empty = Map::new();
        let properties = match map.get("properties") {
            Some(Value::Object(properties)) => properties,
            _ => &empty,
        };
        let mut out = Map::new();
        let every = full || (self.hollow && depth < FULL_DEPTH);
        for (name, property) in properties {
            let needed = required.contains(&name.as_str());
            if !(needed || every) {
                continue;
            }
            match self.valid(property, full, depth + 1) {
                Some(value) => {
                    out.insert(name.clone(), value);
                }
                None if needed => return None,
                None => {}
            }
        }
        // A required member no property describes takes any value.
        for name in required {
            if !out.contains_key(name) {
                match map.get("additionalProperties") {
                    Some(Value::Bool(false)) => return None,
                    Some(extra @ Value::Object(_)) => {
                        out.insert(name.to_string(), self.valid(extra, false, depth + 1)?);
                    }
                    _ => {
                        out.insert(name.to_string(), json!("value"));
                    }
                }
            }
        }
        let minimum = count(map, "minProperties").unwrap_or(0);
        let maximum = count(map, "maxProperties").unwrap_or(usize::MAX);
        let mut extra_index = 0;
        while out.len() < minimum || (full && extra_index == 0 && out.len() < maximum) {
            let value = match map.get("additionalProperties") {
                Some(Value::Bool(false)) => break,
                Some(extra @ Value::Object(_)) => self.valid(extra, false, depth + 1)?,
                // Open by default, but no type says what an extra member is.
                _ => break,
            };
            // Letters only (`extra`, `extraa`, ...), as names often must be.
            let name = format!("extra{}", "a".repeat(extra_index));
            if !name_allowed(map, &name) {
                break;
            }
            out.insert(name, value);
            extra_index += 1;
        }
        (out.len() >= minimum && out.len() <= maximum).then_some(Value::Object(out))
    }

    fn array(&self, map: &Map<String, Value>, full: bool, depth: usize) -> Option<Value> {
        let minimum = count(map, "minItems").unwrap_or(0);
        let maximum = count(map, "maxItems").unwrap_or(usize::MAX);
        if let Some(Value::Array(tuple)) = map.get("items") {
            let items: Option<Vec<Value>> = tuple
                .iter()
                .map(|item| self.valid(item, full, depth + 1))
                .collect();
            return items.map(Value::Array);
        }
        let wanted = match (full, self.hollow) {
            (true, _) => 2,
            (false, true) => 0,
            (false, false) => 1,
        }
        .clamp(minimum, maximum.max(minimum));
        if wanted == 0 {
            return Some(json!([]));
        }
        let item = map.get("items").unwrap_or(&Value::Bool(true));
        let first = self.valid(item, false, depth + 1)?;
        let mut items = vec![first.clone()];
        if wanted > 1 {
            let other = self.valid(item, true, depth + 1)?;
            let unique = map.get("uniqueItems") == Some(&Value::Bool(true));
            if unique && other == first {
                return (minimum <= 1).then_some(Value::Array(items));
            }
            while items.len() < wanted {
                items.push(if items.len() % 2 == 1 {
                    other.clone()
                } else {
                    first.clone()
                });
            }
            if unique && wanted > 2 {
                return None;
            }
        }
        Some(Value::Array(items))
    }

    /// Values that break one rule of `schema` each, the rest of them valid, pushed with
    /// the pointer `at` of what breaks it and the rule.
    fn invalid(&self, schema: &Value, at: &str, depth: usize, out: &mut Vec<(Value, String)>) {
        if depth > INVALID_DEPTH {
            return;
        }
        let Some(Value::Object(map)) = self.resolve(schema) else {
            return;
        };
        if ["allOf", "oneOf", "anyOf", "not", "const"]
            .iter()
            .any(|key| map.contains_key(*key))
        {
            return;
        }
        let (kinds, nullable) = Self::kinds(map);
        let [kind] = kinds.as_slice() else {
            return;
        };
        // Without a `type`, a value of another type breaks nothing.
        if !map.contains_key("type") {
            return;
        }
        let kind = *kind;
        let Some(base) = self.valid(schema, false, depth) else {
            return;
        };
        let mut push = |value: Value, rule: &str| {
            out.push((
                value,
                format!("{}: {rule}", if at.is_empty() { "/" } else { at }),
            ))
        };
        push(kind.wrong(), "type");
        if !nullable {
            push(Value::Null, "type (null)");
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            match kind {
                Kind::String => push(json!("~not-one-of-them~"), "enum"),
                Kind::Integer => {
                    let beyond = values.iter().filter_map(Value::as_i64).max().unwrap_or(0);
                    push(json!(beyond.saturating_add(1)), "enum");
                }
                _ => {}
            }
            return;
        }
        match kind {
            Kind::Integer => {
                push(json!(1.5), "type (integer)");
                bounds(map, &mut push);
            }
            Kind::Number => bounds(map, &mut push),
            Kind::String if !map.contains_key("format") && !map.contains_key("pattern") => {
                if let Some(minimum) = count(map, "minLength").filter(|n| *n > 0) {
                    push(json!("a".repeat(minimum - 1)), "minLength");
                }
                if let Some(maximum) = count(map, "maxLength") {
                    push(json!("a".repeat(maximum + 1)), "maxLength");
                }
            }
            Kind::String => {
                if let Some(wrong) = map
                    .get("format")
                    .and_then(Value::as_str)
                    .and_then(malformed)
                {
                    push(json!(wrong), "format");
                }
            }
            Kind::Array => self.invalid_array(map, &base, at, depth, out),
            Kind::Object => self.invalid_object(map, &base, at, depth, out),
            Kind::Boolean | Kind::Null => {}
        }
    }

    fn invalid_array(
        &self,
        map: &Map<String, Value>,
        base: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<(Value, String)>,
    ) {
        let item = match map.get("items") {
            Some(item @ Value::Object(_)) => item,
            _ => return,
        };
        let Some(one) = self.valid(item, false, depth + 1) else {
            return;
        };
        let here = if at.is_empty() { "/" } else { at };
        if let Some(minimum) = count(map, "minItems").filter(|n| *n > 0) {
            out.push((
                Value::Array(vec![one.clone(); minimum - 1]),
                format!("{here}: minItems"),
            ));
        }
        if let Some(maximum) = count(map, "maxItems") {
            if map.get("uniqueItems") != Some(&Value::Bool(true)) && maximum < 64 {
                out.push((
                    Value::Array(vec![one.clone(); maximum + 1]),
                    format!("{here}: maxItems"),
                ));
            }
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true))
            && count(map, "maxItems").map_or(true, |n| n >= 2)
        {
            out.push((
                json!([one.clone(), one.clone()]),
                format!("{here}: uniqueItems"),
            ));
        }
        let Value::Array(items) = base else { return };
        let mut bad = Vec::new();
        self.invalid(item, &pointer_join(at, "0"), depth + 1, &mut bad);
        for (value, rule) in bad {
            let mut list = items.clone();
            match list.first_mut() {
                Some(first) => *first = value,
                None => list.push(value),
            }
            out.push((Value::Array(list), rule));
        }
    }

    fn invalid_object(
        &self,
        map: &Map<String, Value>,
        base: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<(Value, String)>,
    ) {
        let Value::Object(members) = base else { return };
        let here = if at.is_empty() { "/" } else { at };
        if let Some(Value::Array(required)) = map.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                let mut without = members.clone();
                if without.remove(name).is_some() {
                    out.push((Value::Object(without), format!("{here}: required {name}")));
                }
            }
        }
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            let mut more = members.clone();
            more.insert("~unexpected~".into(), json!(1));
            out.push((Value::Object(more), format!("{here}: additionalProperties")));
        }
        let Some(Value::Object(properties)) = map.get("properties") else {
            return;
        };
        for (name, property) in properties {
            let mut bad = Vec::new();
            self.invalid(property, &pointer_join(at, name), depth + 1, &mut bad);
            for (value, rule) in bad {
                // `null` for a member that may be left out reads as absent in many APIs;
                // only a required one must refuse it.
                let required = map
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|names| names.iter().any(|n| n == name));
                if value.is_null() && !required {
                    continue;
                }
                let mut with = members.clone();
                with.insert(name.clone(), value);
                out.push((Value::Object(with), rule));
            }
        }
    }

    fn compare(
        &self,
        input: &Value,
        output: &Value,
        schema: Option<&Value>,
        at: &str,
        out: &mut Vec<String>,
    ) {
        let here = if at.is_empty() { "/" } else { at };
        match (input, output) {
            (Value::Number(a), Value::Number(b)) => {
                let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                    (Some(a), Some(b), _, _) => a == b,
                    (_, _, Some(a), Some(b)) => a == b,
                    _ => a.as_f64() == b.as_f64(),
                };
                if !same {
                    out.push(format!("{here}: {input} came out as {output}"));
                }
            }
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let at = pointer_join(at, key);
                    match b.get(key) {
                        Some(came) => {
                            let property = schema.and_then(|s| self.property(s, key, 0));
                            self.compare(value, came, property, &at, out);
                        }
                        None => out.push(format!("{at}: {value} was lost")),
                    }
                }
                for (key, value) in b {
                    if a.contains_key(key) {
                        continue;
                    }
                    let default = schema
                        .and_then(|s| self.property(s, key, 0))
                        .and_then(|p| self.resolve(p))
                        .and_then(|p| p.get("default"));
                    if !default.is_some_and(|default| is_default(default, value)) {
                        let at = pointer_join(at, key);
                        out.push(format!("{at}: {value} was added"));
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                let item = schema
                    .and_then(|s| self.resolve(s))
                    .and_then(|s| s.get("items"))
                    .filter(|items| items.is_object());
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    self.compare(x, y, item, &pointer_join(at, index.to_string()), out);
                }
            }
            _ if input == output => {}
            _ => out.push(format!("{here}: {input} came out as {output}")),
        }
    }

    /// The schema of member `name` of the object `schema` describes, looking through
    /// references and every part of an `allOf`.
    fn property<'s>(&'s self, schema: &'s Value, name: &str, depth: usize) -> Option<&'s Value> {
        if depth > 8 {
            return None;
        }
        let schema = self.resolve(schema)?;
        if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
            return Some(property);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = schema.get(key) {
                if let Some(found) = parts.iter().find_map(|p| self.property(p, name, depth + 1)) {
                    return Some(found);
                }
            }
        }
        None
    }
}

/// Whether `key` says something about a schema without constraining its values: the
/// shared annotations, and `xml` and `discriminator`, which only name things.
fn annotation(key: &str) -> bool {
    crate::keywords::ANNOTATIONS.contains(&key) || key == "xml" || key == "discriminator"
}

/// Whether `value` keeps `map`'s length and numeric bounds (those that apply to its
/// type).
fn within_bounds(map: &Map<String, Value>, value: &Value) -> bool {
    let at_least = |key: &str, n: f64| {
        map.get(key)
            .and_then(Value::as_f64)
            .map_or(true, |b| n >= b)
    };
    let at_most = |key: &str, n: f64| {
        map.get(key)
            .and_then(Value::as_f64)
            .map_or(true, |b| n <= b)
    };
    match value {
        Value::String(text) => {
            let length = text.chars().count() as f64;
            at_least("minLength", length) && at_most("maxLength", length)
        }
        Value::Number(number) => {
            let n = number.as_f64().unwrap_or(0.0);
            at_least("minimum", n) && at_most("maximum", n)
        }
        _ => true,
    }
}

/// Whether `propertyNames` (when the schema has one) admits `name`: its `pattern`,
/// `minLength` and `maxLength`; any other form admits nothing made up.
fn name_allowed(map: &Map<String, Value>, name: &str) -> bool {
    let Some(rules) = map.get("propertyNames") else {
        return true;
    };
    let Value::Object(rules) = rules else {
        return rules == &Value::Bool(true);
    };
    let length = name.chars().count();
    rules.keys().all(|key| match key.as_str() {
        "pattern" => rules
            .get("pattern")
            .and_then(Value::as_str)
            .and_then(|pattern| regress::Regex::new(pattern).ok())
            .is_some_and(|regex| regex.find(name).is_some()),
        "minLength" => count(rules, "minLength").is_some_and(|n| length >= n),
        "maxLength" => count(rules, "maxLength").is_some_and(|n| length <= n),
        "type" => rules.get("type") == Some(&json!("string")),
        "description" | "title" => true,
        _ => false,
    })
}

/// Whether `value`, added for a member the input left out, is the member's `default`:
/// equal to it, or an object with the default's members but the `null` ones left out.
fn is_default(default: &Value, value: &Value) -> bool {
    match (default, value) {
        (Value::Object(default), Value::Object(value)) => {
            value.keys().all(|key| default.contains_key(key))
                && default.iter().all(|(key, member)| match value.get(key) {
                    Some(given) => is_default(member, given),
                    None => member.is_null(),
                })
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => default == value,
    }
}

/// A non-negative integer keyword, as a count.
fn count(map: &Map<String, Value>, key: &str) -> Option<usize> {
    map.get(key)?.as_u64().and_then(|n| usize::try_from(n).ok())
}

/// A string `schema` accepts: its format's canonical form, else letters of an allowed
/// length; under a `pattern`, only the schema's own example that matches it.
fn string(map: &Map<String, Value>, full: bool) -> Option<Value> {
    let minimum = count(map, "minLength").unwrap_or(0);
    let maximum = count(map, "maxLength").unwrap_or(usize::MAX);
    let fits = |text: &str| {
        let length = text.chars().count();
        length >= minimum && length <= maximum
    };
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
        let regex = regress::Regex::new(pattern).ok()?;
        let examples = map
            .get("example")
            .into_iter()
            .chain(
                map.get("examples")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .chain(map.get("default"));
        return examples
            .filter_map(Value::as_str)
            .find(|text| fits(text) && regex.find(text).is_some())
            .map(|text| Value::String(text.to_string()));
    }
    let canonical = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => Some("2026-01-02T03:04:05Z"),
        Some("date") => Some("2026-01-02"),
        Some("uuid") => Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        Some("email") => Some("someone@example.com"),
        Some("uri" | "url") => Some("https://example.com/a"),
        Some("hostname") => Some("example.com"),
        Some("ipv4" | "ip") => Some("192.0.2.1"),
        Some("ipv6") => Some("2001:db8::1"),
        Some("byte") => Some("AAEC"),
        _ => None,
    };
    if let Some(text) = canonical {
        return fits(text).then(|| Value::String(text.to_string()));
    }
    let wanted = if full { 5 } else { 1 }.clamp(minimum, maximum.max(minimum));
    (wanted <= maximum).then(|| Value::String("a".repeat(wanted)))
}

/// A text that is not of `format`, for the formats whose syntax is checked.
fn malformed(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "not a date-time",
        "date" => "2026-13-45",
        "uuid" => "not-a-uuid",
        _ => return None,
    })
}

/// The integer bounds of `map`: (lowest, highest) allowed, from `minimum`, `maximum`
/// and their exclusive forms (3.0's booleans and 3.1's numbers).
fn integer_bounds(map: &Map<String, Value>) -> (i64, i64) {
    let mut low = i64::MIN / 2;
    let mut high = i64::MAX / 2;
    let flag = |key: &str| map.get(key) == Some(&Value::Bool(true));
    if let Some(minimum) = map.get("minimum").and_then(Value::as_f64) {
        low = if flag("exclusiveMinimum") {
            minimum.floor() as i64 + 1
        } else {
            minimum.ceil() as i64
        };
    }
    if let Some(bound) = map.get("exclusiveMinimum").and_then(Value::as_f64) {
        low = low.max(bound.floor() as i64 + 1);
    }
    if let Some(maximum) = map.get("maximum").and_then(Value::as_f64) {
        high = if flag("exclusiveMaximum") {
            maximum.ceil() as i64 - 1
        } else {
            maximum.floor() as i64
        };
    }
    if let Some(bound) = map.get("exclusiveMaximum").and_then(Value::as_f64) {
        high = high.min(bound.ceil() as i64 - 1);
    }
    (low, high)
}

/// An integer within the bounds and a multiple of `multipleOf`.
fn integer(map: &Map<String, Value>, full: bool) -> Option<i64> {
    let (low, high) = integer_bounds(map);
    let mut value = if full { 7 } else { 1 }.clamp(low, high.max(low));
    if let Some(step) = map
        .get("multipleOf")
        .and_then(Value::as_i64)
        .filter(|s| *s > 0)
    {
        value = value.div_euclid(step) * step;
        if value < low {
            value += step;
        }
    } else if map.contains_key("multipleOf") {
        return None;
    }
    (low <= value && value <= high).then_some(value)
}

/// A number within the bounds: an integer one, or `x.5` when there is room.
fn number(map: &Map<String, Value>, full: bool) -> Option<Value> {
    if map.contains_key("multipleOf") {
        return integer(map, full).map(Value::from);
    }
    let value = integer(map, full)?;
    let (_, high) = integer_bounds(map);
    Some(if full && value < high {
        json!(value as f64 + 0.5)
    } else {
        json!(value)
    })
}

/// Values just outside the bounds of `map`, pushed with their rule.
fn bounds(map: &Map<String, Value>, push: &mut impl FnMut(Value, &str)) {
    let (low, high) = integer_bounds(map);
    if map.contains_key("minimum") || map.get("exclusiveMinimum").is_some_and(Value::is_number) {
        push(json!(low - 1), "minimum");
    }
    if map.contains_key("maximum") || map.get("exclusiveMaximum").is_some_and(Value::is_number) {
        push(json!(high + 1), "maximum");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_get_their_required_members_and_then_every_member() {
        let root = json!({"components": {"schemas": {"Tag": {
            "type": "string", "enum": ["a", "b"],
        }}}});
        let schema = json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 3},
                "when": {"type": "string", "format": "date-time"},
                "count": {"type": "integer", "minimum": 10, "multipleOf": 5},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
            },
        });
        let made = samples(&schema, &root);
        assert_eq!(
            made.valid,
            [
                json!({"name": "aa"}),
                json!({"name": "aaa", "when": "2026-01-02T03:04:05Z", "count": 10,
                       "tags": ["a", "b"]}),
                // Every member, each at its smallest: an empty list is a value too.
                json!({"name": "aa", "when": "2026-01-02T03:04:05Z", "count": 10, "tags": []}),
            ]
        );
        let rules: Vec<&str> = made.invalid.iter().map(|(_, rule)| rule.as_str()).collect();
        for rule in [
            "/: type",
            "/: required name",
            "/name: minLength",
            "/name: maxLength",
            "/when: format",
            "/count: minimum",
            "/tags/0: enum",
        ] {
            assert!(rules.contains(&rule), "{rule} not in {rules:?}");
        }
        // Each invalid value breaks its rule only: the rest is the smallest valid value.
        let (value, _) = made
            .invalid
            .iter()
            .find(|(_, rule)| rule == "/name: maxLength")
            .unwrap();
        assert_eq!(value, &json!({"name": "aaaa"}));
    }

    #[test]
    fn all_of_parts_describing_one_member_each_constrain_it() {
        let root = json!({});
        // The second part narrows the first's items: its required member is required.
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"data": {"type": "array", "items": {}}}},
            {"properties": {"data": {"type": "array", "items": {
                "type": "object", "required": ["id"],
                "properties": {"id": {"type": "string"}},
            }}}},
        ]});
        let made = samples(&schema, &root);
        let items: Vec<&Value> = made
            .valid
            .iter()
            .filter_map(|value| value["data"].as_array())
            .flatten()
            .collect();
        assert!(!items.is_empty(), "{:?}", made.valid);
        assert!(
            items.iter().all(|item| item["id"].is_string()),
            "{:?}",
            made.valid
        );
        // Parts that cannot both hold make no value at all.
        let never = json!({"allOf": [{"type": "string"}, {"type": "integer"}]});
        assert!(samples(&never, &root).valid.is_empty());
        // Closed beside its `allOf`, a schema admits none of the parts' members.
        let closed = json!({"additionalProperties": false, "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        ]});
        assert!(samples(&closed, &root).valid.is_empty());
    }

    #[test]
    fn enum_values_keep_the_schemas_other_rules() {
        let root = json!({});
        let schema = json!({"type": "number", "enum": ["", 0, 1, 7], "maximum": 5});
        assert_eq!(samples(&schema, &root).valid, [json!(0), json!(1)]);
        let none = json!({"type": "string", "enum": ["MALE", "FEMALE"], "maxLength": 1});
        assert!(samples(&none, &root).valid.is_empty());
    }

    #[test]
    fn alternatives_are_made_only_when_one_value_matches_one_of_them() {
        let root = json!({"components": {"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
        }}});
        let tagged = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog"}},
        });
        assert_eq!(
            samples(&tagged, &root).valid,
            [json!({"kind": "Cat"}), json!({"kind": "dog"})]
        );
        let untold = json!({"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "object"}]});
        assert_eq!(samples(&untold, &root).valid, Vec::<Value>::new());
        let kinds =
            json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]});
        assert_eq!(samples(&kinds, &root).valid, [json!("a"), json!([1, 7])]);
    }

    #[test]
    fn a_pattern_takes_only_a_matching_example() {
        let root = json!({});
        let with = json!({"type": "string", "pattern": "^[0-9]+$", "example": "123"});
        assert_eq!(samples(&with, &root).valid, [json!("123")]);
        let without = json!({"type": "string", "pattern": "^[0-9]+$", "example": "abc"});
        assert!(samples(&without, &root).valid.is_empty());
    }

    #[test]
    fn differences_set_numbers_and_defaults_aside() {
        let root = json!({});
        let schema = json!({"type": "object", "properties": {
            "ratio": {"type": "number"},
            "mode": {"type": "string", "default": "careful"},
        }});
        let input = json!({"ratio": 2});
        assert!(differences(
            &input,
            &json!({"ratio": 2.0, "mode": "careful"}),
            &schema,
            &root
        )
        .is_empty());
        assert_eq!(
            differences(&input, &json!({"ratio": 2.5, "extra": 1}), &schema, &root),
            ["/ratio: 2 came out as 2.5", "/extra: 1 was added"]
        );
        assert_eq!(
            differences(&json!({"a": [1]}), &json!({}), &schema, &root),
            ["/a: [1] was lost"]
        );
    }
}
