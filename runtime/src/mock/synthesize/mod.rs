//! Values made to satisfy a schema, for a mock server that answers from the spec alone.
//!
//! [`synthesize`] walks a JSON Schema (as OpenAPI 2.0, 3.0 and 3.1 write them) and builds a
//! value it accepts: the schema's own examples where they fit ([`Synthesis::Examples`]),
//! or values made up from its constraints and a seed ([`Synthesis::Dynamic`]).
//!
//! Every candidate taken from the spec (an `example`, `default` or `enum` value) and every
//! branch chosen for `oneOf`/`anyOf` is checked against the schema by a small validator
//! before it is used, so a wrong example in a spec is passed over rather than served.
//!
//! # What cannot be satisfied, and what happens then
//!
//! The function never panics and always returns a value, but some schemas admit no value
//! or one this walk does not find:
//!
//! - A `$ref` that does not resolve (another file, a URL, `$id`/`$anchor` targets, a bad
//!   pointer) gives `null`; inside `allOf` it adds no constraints.
//! - Schemas that demand an infinite value (a required, non-nullable property of the
//!   schema's own type) are cut at [`MAX_REFS`] `$ref`s with `null`. Legitimately
//!   recursive schemas turn lean after [`LEAN_REFS`]: optional properties are left out,
//!   arrays are as short as `minItems` allows, `null` is chosen where allowed, and the
//!   `oneOf`/`anyOf` branch needing the fewest further `$ref`s is preferred.
//! - A `pattern` no candidate matches (lookbehinds, back-references, contradicting
//!   lengths): the first candidate, padded or cut to the length bounds, is returned
//!   unmatched. Patterns regress cannot compile are ignored, as the runtime's validator
//!   ignores them.
//! - A `format` no candidate satisfies together with `pattern` and the lengths: the
//!   pattern wins, as formats are annotations for many validators.
//! - Contradictions (`minimum` above `maximum`, no multiple of `multipleOf` in range,
//!   a required property `additionalProperties: false` forbids, an empty `enum`
//!   intersection in `allOf`, fewer distinct values than `minItems` with `uniqueItems`):
//!   the nearest value is returned (the lower bound, the required property included, a
//!   shorter array).
//! - `oneOf` whose branches all overlap (no value matches exactly one): the first value
//!   made is returned; the discriminator is still set.
//! - Not modelled: `not` (ignored when making values), `if`/`then`/`else`,
//!   `dependentRequired`/`dependentSchemas`, `patternProperties`, `propertyNames`,
//!   `contains`, `unevaluated*`. A second `oneOf`/`anyOf` among `allOf` members is made
//!   as an `anyOf`; a third is dropped.
//! - Sizes are capped at [`MAX_COUNT`] items or properties, and after [`LEAN_AFTER`]
//!   values one answer turns lean, so a huge `minItems` or a wide, deep schema graph
//!   cannot exhaust memory; after [`MAX_PRODUCED`] values (only schemas whose required
//!   parts branch and recurse get there) the rest of the answer is `null`.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{OnceLock, RwLock};

use base64::Engine as _;
use serde_json::{json, Map, Number, Value};

/// How values are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synthesis {
    /// The schema's own `example` / first of `examples` / `default` / `const` / first
    /// `enum` value where it gives one (at any depth), else a plain value of the type; the
    /// same every time.
    Examples,
    /// Always made up from the schema's constraints, ignoring examples, varied by this
    /// seed (`Prefer: dynamic=true`).
    Dynamic(u64),
}

/// A value that `schema` accepts. `document` is the whole OpenAPI document (3.0 or 3.1,
/// or Swagger 2.0 whose schemas live under `definitions`), for resolving local `$ref`s
/// (`#/components/schemas/X`, `#/definitions/X`, any JSON pointer into the document,
/// with `~0`/`~1` escapes).
///
/// Deterministic: the same document, schema and mode give the same value. Examples and
/// `enum` values are used only where the schema accepts them; a string for a `pattern`
/// is the first of a list of plausible strings (words, digits, a UUID, ...) the pattern
/// matches (tested with regress), else one written from the pattern itself.
///
/// Never panics, and always answers, even where nothing satisfies the schema: a `$ref`
/// that does not resolve gives `null`, and so does a schema that is not one (neither an
/// object nor `true`) or one demanding an infinite value (cut after 24 `$ref`s;
/// recursive schemas turn lean after 8: no optional properties, shortest arrays, `null`
/// where allowed). A pattern nothing matches gives a string of the right length that
/// does not match it; contradictory bounds give the nearest value; `not`,
/// `if`/`then`/`else`, `patternProperties` and `contains` are not modelled.
pub fn synthesize(document: &Value, schema: &Value, how: Synthesis) -> Value {
    let (dynamic, seed) = match how {
        Synthesis::Examples => (false, 0),
        Synthesis::Dynamic(seed) => (true, seed),
    };
    Synth::new(document, dynamic, seed).value(schema, Depth::default(), None)
}

/// `$ref`s followed on one path after which answers turn lean, so recursive schemas end.
const LEAN_REFS: u32 = 8;
/// `$ref`s on one path after which the answer is `null`: only a schema demanding an
/// infinite value (or a cycle of bare `$ref`s) gets here.
const MAX_REFS: u32 = 24;
/// Schema nesting after which the answer is `null`, bounding the stack for any input.
const MAX_NESTING: u32 = 64;
/// Validation depth after which a value is taken as valid, bounding the stack.
const MAX_CHECK_DEPTH: u32 = 128;
/// Most items of an array or properties of an object made for one schema.
const MAX_COUNT: usize = 256;
/// Values made for one answer after which the rest of it is lean.
const LEAN_AFTER: usize = 20_000;
/// Values made for one answer after which every further one is `null`: only schemas
/// whose required parts branch and recurse (each value needing two of itself) get here.
const MAX_PRODUCED: usize = 100_000;
/// Extra candidates tried for `oneOf`/`anyOf` in one answer, bounding the search.
const RETRIES: u32 = 256;
/// Longest string made from a pattern.
const MAX_PATTERN_OUTPUT: usize = 4096;

/// Keys that give examples rather than constraints.
const EXAMPLE_KEYS: &[&str] = &["example", "examples", "default"];
/// Keys beside a `$ref` that do not constrain values; any other sibling is merged with
/// the target, as 3.1 reads them.
const ANNOTATIONS: &[&str] = &[
    "$ref",
    "$comment",
    "$id",
    "$schema",
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "x-nullable",
    "externalDocs",
    "xml",
    "discriminator",
];
const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa",
];
const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
/// Plausible strings tried against a `pattern`, in order.
const PLAIN: &[&str] = &[
    "string",
    "example",
    "a",
    "abc",
    "name",
    "0",
    "1",
    "123",
    "12345",
    "a-b",
    "abc-def",
    "example-name",
    "A",
    "ABC",
    "Abc1",
    "a1",
    "a_b",
    "1.0.0",
    "example.com",
    "user@example.com",
    "https://example.com/",
    "2024-01-02",
    "2024-01-02T03:04:05Z",
    UUID,
    "192.0.2.1",
    "2001:db8::1",
    "ZXhhbXBsZQ==",
];

type Schema = Map<String, Value>;

/// How deep the walk is: `$ref`s followed and schemas entered on the current path.
#[derive(Clone, Copy, Debug, Default)]
struct Depth {
    refs: u32,
    nest: u32,
}

impl Depth {
    fn inner(self) -> Self {
        Depth {
            refs: self.refs,
            nest: self.nest + 1,
        }
    }

    fn follow(self) -> Self {
        Depth {
            refs: self.refs + 1,
            nest: self.nest + 1,
        }
    }

    fn exhausted(self) -> bool {
        self.nest > MAX_NESTING || self.refs > MAX_REFS
    }
}

/// splitmix64: tiny, seedable and good enough to vary mock answers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Synth<'d> {
    document: &'d Value,
    /// Made up rather than taken from examples. Switched on for a moment where a
    /// different value is needed (distinct array items, another `oneOf` try).
    dynamic: bool,
    rng: Rng,
    /// `$ref`s being expanded on the current path.
    refs: Vec<String>,
    /// `$ref`s resolved while flattening, for the caller to count as followed.
    followed: Vec<String>,
    /// (schema, value) pairs being validated, so recursive schemas validate finitely.
    checking: Vec<(*const Value, *const Value)>,
    budget: u32,
    produced: usize,
}

impl<'d> Synth<'d> {
    fn new(document: &'d Value, dynamic: bool, seed: u64) -> Self {
        Synth {
            document,
            dynamic,
            rng: Rng(seed),
            refs: Vec::new(),
            followed: Vec::new(),
            checking: Vec::new(),
            budget: RETRIES,
            produced: 0,
        }
    }

    fn lean(&self, d: Depth) -> bool {
        d.refs >= LEAN_REFS || self.produced > LEAN_AFTER
    }

    fn resolve(&self, reference: &str) -> Option<&'d Value> {
        let pointer = percent_decode(reference.strip_prefix('#')?)?;
        if pointer.is_empty() {
            Some(self.document)
        } else {
            self.document.pointer(&pointer)
        }
    }

    fn value(&mut self, schema: &Value, d: Depth, name: Option<&str>) -> Value {
        self.produced += 1;
        if d.exhausted() || self.produced > MAX_PRODUCED {
            return Value::Null;
        }
        let s = match schema {
            Value::Object(s) => s,
            Value::Bool(true) => return self.unconstrained(d),
            _ => return Value::Null,
        };
        if !self.dynamic {
            if let Some(example) = self.given_example(schema, s) {
                return example;
            }
        }
        let nullable = (flag(s, "nullable")
            || flag(s, "x-nullable")
            || matches!(s.get("type"), Some(Value::Array(kinds)) if kinds.iter().any(|k| k == "null")))
            && s.get("const").map_or(true, Value::is_null)
            && match s.get("enum") {
                Some(Value::Array(options)) => options.iter().any(Value::is_null),
                _ => true,
            };
        if nullable && (self.lean(d) || (self.dynamic && self.rng.below(8) == 0)) {
            return Value::Null;
        }
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            return self.follow(s, reference, d);
        }
        if matches!(s.get("allOf"), Some(Value::Array(members)) if !members.is_empty()) {
            let mut own = s.clone();
            // Already tried above, against the whole schema.
            for key in EXAMPLE_KEYS {
                own.remove(*key);
            }
            let mark = self.followed.len();
            let merged = Value::Object(self.flatten_owned(own, d));
            let followed: Vec<String> = self.followed.drain(mark..).collect();
            return self.value_merged(&merged, &followed, d, name);
        }
        if let Some(constant) = s.get("const") {
            return constant.clone();
        }
        if let Some(Value::Array(options)) = s.get("enum") {
            if let Some(choice) = self.pick_enum(schema, options, d) {
                return choice;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = s.get(key) {
                if !members.is_empty() {
                    return self.choose(schema, s, key, members, d);
                }
            }
        }
        self.typed(s, d, name)
    }

    /// The node's `example`, first `examples` entry or `default`, if the node accepts it.
    fn given_example(&mut self, schema: &Value, s: &Schema) -> Option<Value> {
        let listed = match s.get("examples") {
            Some(Value::Array(list)) => list.first(),
            // Not JSON Schema, but some specs write OpenAPI's map of Example objects here.
            Some(Value::Object(named)) => named
                .values()
                .next()
                .map(|example| example.get("value").unwrap_or(example)),
            _ => None,
        };
        for given in [s.get("example"), listed, s.get("default")]
            .into_iter()
            .flatten()
        {
            // `example: null` usually means "none given"; a richer value serves better.
            if !given.is_null() && self.accepts(schema, given, 0) {
                return Some(given.clone());
            }
        }
        None
    }

    /// A value of a schema `flatten` made, the `$ref`s it resolved (`followed`) counting
    /// as one level followed, so recursion through `allOf` ends too.
    fn value_merged(
        &mut self,
        merged: &Value,
        followed: &[String],
        d: Depth,
        name: Option<&str>,
    ) -> Value {
        let inner = if followed.is_empty() {
            d.inner()
        } else {
            d.follow()
        };
        let depth = self.refs.len();
        self.refs.extend_from_slice(followed);
        let value = self.value(merged, inner, name);
        self.refs.truncate(depth);
        value
    }

    fn follow(&mut self, s: &Schema, reference: &str, d: Depth) -> Value {
        let Some(target) = self.resolve(reference) else {
            return Value::Null;
        };
        let d = d.follow();
        self.refs.push(reference.to_owned());
        let constrained = s
            .keys()
            .any(|key| !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-"));
        let value = if constrained {
            let mut siblings = s.clone();
            siblings.remove("$ref");
            for key in EXAMPLE_KEYS {
                siblings.remove(*key);
            }
            let mark = self.followed.len();
            let siblings = self.flatten_owned(siblings, d);
            let target = self.flatten(target, d);
            let merged = Value::Object(merge_all(vec![siblings, target]));
            let followed: Vec<String> = self.followed.drain(mark..).collect();
            // Already one level deeper for `reference` itself.
            let depth = self.refs.len();
            self.refs.extend(followed);
            let value = self.value(&merged, d, Some(reference));
            self.refs.truncate(depth);
            value
        } else {
            self.value(target, d, Some(reference))
        };
        self.refs.pop();
        value
    }

    /// `schema` with its `$ref` resolved and `allOf` merged into one schema.
    fn flatten(&mut self, schema: &Value, d: Depth) -> Schema {
        match schema {
            Value::Object(s) => self.flatten_owned(s.clone(), d),
            _ => Map::new(),
        }
    }

    fn flatten_owned(&mut self, mut own: Schema, d: Depth) -> Schema {
        if d.exhausted() {
            return Map::new();
        }
        let reference = match own.remove("$ref") {
            Some(Value::String(reference)) => Some(reference),
            _ => None,
        };
        let members = match own.remove("allOf") {
            Some(Value::Array(members)) => members,
            _ => Vec::new(),
        };
        let mut parts = vec![own];
        if let Some(reference) = reference {
            if let Some(target) = self.resolve(&reference) {
                // A member naming a schema being expanded is the polymorphic base
                // (`Cat: allOf [Pet]` inside `Pet: oneOf [Cat, Dog]`): its structure
                // applies, but choosing among its kinds again would never end.
                let again = self.refs.contains(&reference);
                self.refs.push(reference.clone());
                let mut resolved = self.flatten(target, d.follow());
                self.refs.pop();
                self.followed.push(reference);
                if again {
                    resolved.remove("oneOf");
                    resolved.remove("anyOf");
                }
                parts.push(resolved);
            }
        }
        for member in &members {
            parts.push(self.flatten(member, d.inner()));
        }
        merge_all(parts)
    }

    fn pick_enum(&mut self, schema: &Value, options: &[Value], d: Depth) -> Option<Value> {
        let mut valid = Vec::new();
        for option in options {
            if self.accepts(schema, option, 0) {
                valid.push(option);
            }
        }
        if valid.is_empty() {
            return options.first().cloned();
        }
        if self.lean(d) && valid.iter().any(|v| v.is_null()) {
            return Some(Value::Null);
        }
        let non_null: Vec<&Value> = valid.iter().copied().filter(|v| !v.is_null()).collect();
        let pool = if non_null.is_empty() { valid } else { non_null };
        let index = if self.dynamic {
            self.rng.below(pool.len())
        } else {
            0
        };
        Some(pool[index].clone())
    }

    /// A value for `oneOf`/`anyOf`: a member merged with the node's other keywords,
    /// checked against the whole node (for `oneOf`: matching exactly one member).
    fn choose(
        &mut self,
        schema: &Value,
        s: &Schema,
        key: &str,
        members: &[Value],
        d: Depth,
    ) -> Value {
        let mut siblings = s.clone();
        siblings.remove(key);
        for example in EXAMPLE_KEYS {
            siblings.remove(*example);
        }
        let n = members.len();
        let start = if self.dynamic { self.rng.below(n) } else { 0 };
        let mut order: Vec<usize> = (0..n).map(|i| (start + i) % n).collect();
        if self.lean(d) {
            let costs: Vec<u32> = members.iter().map(|m| self.member_cost(m)).collect();
            order.sort_by_key(|&i| costs[i]);
        }
        let mut fallback = None;
        let mut attempts = 0u32;
        for i in order {
            let member = &members[i];
            let reference = member.get("$ref").and_then(Value::as_str);
            let mark = self.followed.len();
            let flattened = self.flatten(member, d.inner());
            let merged = Value::Object(merge_all(vec![siblings.clone(), flattened]));
            let followed: Vec<String> = self.followed.drain(mark..).collect();
            // The plain value first, then two made-up ones: overlapping members (integer
            // and number) often need a less plain value to match just one.
            for variant in 0..3 {
                if attempts > 0 {
                    if self.budget == 0 {
                        return fallback.unwrap_or(Value::Null);
                    }
                    self.budget -= 1;
                }
                attempts += 1;
                let saved = self.dynamic;
                self.dynamic |= variant > 0;
                let candidate = self.value_merged(&merged, &followed, d, reference);
                self.dynamic = saved;
                if self.accepts(schema, &candidate, 0) {
                    return candidate;
                }
                fallback.get_or_insert(candidate);
            }
        }
        fallback.unwrap_or(Value::Null)
    }

    /// How many `$ref`s a member needs at the least; lean answers prefer fewer.
    fn member_cost(&self, member: &Value) -> u32 {
        let target = match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => match self.resolve(reference) {
                Some(target) => target,
                None => return 0,
            },
            None => member,
        };
        required_refs(target, 0)
    }

    fn typed(&mut self, s: &Schema, d: Depth, name: Option<&str>) -> Value {
        let mut nullable = flag(s, "nullable") || flag(s, "x-nullable");
        let mut types: Vec<&str> = match s.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"null") {
            nullable = true;
            types.retain(|kind| *kind != "null");
        }
        if !s.contains_key("type") {
            types.extend(inferred(s));
        }
        // Whether to answer `null` where allowed was decided in `value`.
        if nullable && types.is_empty() {
            return Value::Null;
        }
        let kind = match types.len() {
            0 => return self.unconstrained(d),
            1 => types[0],
            n if self.dynamic => types[self.rng.below(n)],
            _ => types[0],
        };
        match kind {
            "object" => self.object(s, d, name),
            "array" => self.array(s, d),
            // Swagger 2.0 `file`: the bytes, which JSON can only carry as a string.
            "string" | "file" => Value::String(self.string(s)),
            "integer" => self.integer(s),
            "number" => self.number(s),
            "boolean" => Value::Bool(!self.dynamic || self.rng.below(2) == 0),
            _ => self.unconstrained(d),
        }
    }

    /// A value for a schema that allows anything.
    fn unconstrained(&mut self, d: Depth) -> Value {
        if self.lean(d) {
            Value::Null
        } else if self.dynamic {
            Value::String(self.word())
        } else {
            Value::Object(Map::new())
        }
    }

    fn word(&mut self) -> String {
        WORDS[self.rng.below(WORDS.len())].to_owned()
    }

    fn write_only(&self, schema: &Value) -> bool {
        let Value::Object(s) = schema else {
            return false;
        };
        if flag(s, "writeOnly") {
            return true;
        }
        match s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            Some(Value::Object(target)) => flag(target, "writeOnly"),
            _ => false,
        }
    }

    fn object(&mut self, s: &Schema, d: Depth, name: Option<&str>) -> Value {
        let empty = Map::new();
        let properties = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut required: Vec<&str> = Vec::new();
        if let Some(Value::Array(names)) = s.get("required") {
            for name in names.iter().filter_map(Value::as_str) {
                if !required.contains(&name) {
                    required.push(name);
                }
            }
        }
        let lean = self.lean(d);
        let additional = s.get("additionalProperties");
        let closed = matches!(additional, Some(Value::Bool(false)));
        let extra = additional.filter(|a| a.as_object().is_some_and(|m| !m.is_empty()));
        let max = count(s, "maxProperties").unwrap_or(usize::MAX);
        let min = count(s, "minProperties").unwrap_or(0).min(MAX_COUNT);
        let mut room = max.saturating_sub(required.len());
        let mut out = Map::new();
        for (key, schema) in properties {
            if !required.contains(&key.as_str()) {
                // Responses carry readOnly properties but not writeOnly ones.
                if lean || room == 0 || self.write_only(schema) {
                    continue;
                }
                if self.dynamic && self.rng.below(2) == 0 {
                    continue;
                }
                room -= 1;
            }
            let value = self.value(schema, d.inner(), None);
            out.insert(key.clone(), value);
        }
        for key in &required {
            if !out.contains_key(*key) {
                let value = self.extra_value(extra, d);
                out.insert((*key).to_owned(), value);
            }
        }
        for (key, schema) in properties {
            if out.len() >= min {
                break;
            }
            if !out.contains_key(key) {
                let value = self.value(schema, d.inner(), None);
                out.insert(key.clone(), value);
            }
        }
        let mut n = 0;
        while out.len() < min && !closed && n < 2 * MAX_COUNT {
            n += 1;
            let key = format!("key{n}");
            if !properties.contains_key(&key) && !out.contains_key(&key) {
                let value = self.extra_value(extra, d);
                out.insert(key, value);
            }
        }
        // A map shows the shape of its values with an entry or a few.
        if let Some(extra) = extra {
            if !lean && properties.is_empty() {
                let entries = if self.dynamic { self.rng.below(3) } else { 1 };
                for n in 1..=entries {
                    let key = format!("key{n}");
                    if out.len() >= max || out.contains_key(&key) {
                        continue;
                    }
                    let value = self.value(extra, d.inner(), None);
                    out.insert(key, value);
                }
            }
        }
        if let Some((property, tag)) = name.and_then(|reference| discriminator_tag(s, reference)) {
            let declared = properties.get(&property);
            if declared.is_some() || !closed {
                let tag = Value::String(tag);
                let fits = match declared {
                    Some(schema) => self.accepts(schema, &tag, 0),
                    None => true,
                };
                if fits {
                    out.insert(property, tag);
                }
            }
        }
        Value::Object(out)
    }

    fn extra_value(&mut self, extra: Option<&Value>, d: Depth) -> Value {
        match extra {
            Some(schema) => self.value(schema, d.inner(), None),
            None => self.unconstrained(d.inner()),
        }
    }

    fn array(&mut self, s: &Schema, d: Depth) -> Value {
        static ANY: Value = Value::Bool(true);
        let (prefix, rest): (&[Value], Option<&Value>) = match s.get("items") {
            // Draft 4 tuples; 3.1 writes them as `prefixItems`.
            Some(Value::Array(tuple)) => (tuple, s.get("additionalItems")),
            items => (
                s.get("prefixItems")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice),
                items,
            ),
        };
        let min = count(s, "minItems").unwrap_or(0);
        let mut max = count(s, "maxItems").unwrap_or(usize::MAX);
        if matches!(rest, Some(Value::Bool(false))) {
            max = max.min(prefix.len());
        }
        let want = if self.lean(d) {
            min
        } else if self.dynamic {
            let top = max.min(min.saturating_add(3));
            if top <= min {
                min.min(max)
            } else {
                min + self.rng.below(top - min + 1)
            }
        } else {
            min.max(1).max(prefix.len()).min(max)
        };
        let want = want.min(MAX_COUNT);
        let unique = flag(s, "uniqueItems");
        let mut out: Vec<Value> = Vec::with_capacity(want);
        for i in 0..want {
            let schema = prefix.get(i).or(rest).unwrap_or(&ANY);
            let mut value = self.value(schema, d.inner(), None);
            if unique {
                let mut tries = 0;
                while tries < 16 && out.iter().any(|o| json_eq(o, &value)) {
                    tries += 1;
                    value = self.varied(schema, d.inner());
                }
                if out.iter().any(|o| json_eq(o, &value)) {
                    // Fewer items rather than duplicates.
                    break;
                }
            }
            out.push(value);
        }
        Value::Array(out)
    }

    /// Another value for `schema`, made up even in examples mode.
    fn varied(&mut self, schema: &Value, d: Depth) -> Value {
        let saved = self.dynamic;
        self.dynamic = true;
        let value = self.value(schema, d, None);
        self.dynamic = saved;
        value
    }

    fn string(&mut self, s: &Schema) -> String {
        let min = count(s, "minLength").unwrap_or(0).min(MAX_PATTERN_OUTPUT);
        let max = count(s, "maxLength");
        let pattern = s
            .get("pattern")
            .and_then(Value::as_str)
            .filter(|p| pattern_matches(p, "").is_some());
        let format = s.get("format").and_then(Value::as_str);
        let fits = |text: &str, strict: bool| {
            let len = text.chars().count();
            len >= min
                && max.map_or(true, |max| len <= max)
                && pattern.map_or(true, |p| pattern_matches(p, text) == Some(true))
                && (!strict || format_ok(format, text))
        };
        let mut candidates = Vec::new();
        candidates.extend(format.and_then(|f| self.formatted(f)));
        if self.dynamic {
            let word = self.word();
            let number = self.rng.below(1000);
            candidates.push(word.clone());
            candidates.push(format!("{word}-{number}"));
        }
        if pattern.is_some() || !self.dynamic {
            candidates.extend(PLAIN.iter().map(|plain| (*plain).to_owned()));
        }
        for base in ["string", "a", "0", "abc"] {
            candidates.push(fit_length(base, min, max));
        }
        let parsed = pattern.and_then(Parser::parse);
        // Made-up answers vary through the pattern first; example answers prefer words.
        if self.dynamic {
            if let Some(text) = parsed
                .as_ref()
                .and_then(|p| self.pattern_string(p, &|t| fits(t, true)))
            {
                return text;
            }
        }
        if let Some(text) = candidates.iter().find(|c| fits(c, true)) {
            return text.clone();
        }
        if let Some(text) = parsed
            .as_ref()
            .and_then(|p| self.pattern_string(p, &|t| fits(t, true)))
        {
            return text;
        }
        if let Some(text) = candidates.iter().find(|c| fits(c, false)) {
            return text.clone();
        }
        if let Some(text) = parsed
            .as_ref()
            .and_then(|p| self.pattern_string(p, &|t| fits(t, false)))
        {
            return text;
        }
        fit_length(&candidates[0], min, max)
    }

    /// A string of `format`, fixed in examples mode and varied by the seed otherwise.
    fn formatted(&mut self, format: &str) -> Option<String> {
        let dynamic = self.dynamic;
        let r = if dynamic { self.rng.next() } else { 0 };
        let text = match format {
            "date-time" if dynamic => format!("{}T{}Z", date(r), time(r >> 24)),
            "date-time" => "2024-01-02T03:04:05Z".to_owned(),
            "date" if dynamic => date(r),
            "date" => "2024-01-02".to_owned(),
            "time" if dynamic => format!("{}Z", time(r)),
            "time" => "03:04:05Z".to_owned(),
            "uuid" if dynamic => uuid(r, self.rng.next()),
            "uuid" => UUID.to_owned(),
            "email" | "idn-email" if dynamic => format!("user{}@example.com", r % 1000),
            "email" | "idn-email" => "user@example.com".to_owned(),
            "hostname" | "idn-hostname" if dynamic => format!("host{}.example.com", r % 1000),
            "hostname" | "idn-hostname" => "example.com".to_owned(),
            "ipv4" | "ip" if dynamic => format!("192.0.2.{}", 1 + r % 254),
            "ipv4" | "ip" => "192.0.2.1".to_owned(),
            "ipv6" if dynamic => format!("2001:db8::{:x}", 1 + r % 0xfffe),
            "ipv6" => "2001:db8::1".to_owned(),
            "uri" | "url" | "iri" | "uri-reference" | "iri-reference" if dynamic => {
                format!(
                    "https://example.com/{}",
                    WORDS[(r % WORDS.len() as u64) as usize]
                )
            }
            "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
                "https://example.com/".to_owned()
            }
            "uri-template" => "https://example.com/{id}".to_owned(),
            "byte" => {
                let word = if dynamic {
                    WORDS[(r % WORDS.len() as u64) as usize]
                } else {
                    "example"
                };
                base64::engine::general_purpose::STANDARD.encode(word)
            }
            "duration" if dynamic => format!("PT{}M", 1 + r % 59),
            "duration" => "P1D".to_owned(),
            "password" => "password".to_owned(),
            "json-pointer" => "/example".to_owned(),
            "relative-json-pointer" => "0".to_owned(),
            "regex" => "^[a-z]+$".to_owned(),
            "mac" => "00:00:5e:00:53:01".to_owned(),
            // Numbers written as strings (`int64` in JavaScript-facing APIs).
            f if int_range(f).is_some() || f == "integer" => {
                if dynamic {
                    (r % 1000).to_string()
                } else {
                    "1".to_owned()
                }
            }
            "decimal" | "double" | "float" | "number" => "1.5".to_owned(),
            _ => return None,
        };
        Some(text)
    }

    /// The first string made from `pattern` that `fits` accepts, trying repetition
    /// counts that grow (to reach `minLength`), with plain and with random choices of
    /// branches and characters (random first for made-up answers).
    fn pattern_string(&mut self, pattern: &Node, fits: &dyn Fn(&str) -> bool) -> Option<String> {
        let mut extras: Vec<(u32, bool)> = vec![(0, false), (0, true)];
        extras.extend((1..=24).map(|extra| (extra, false)));
        extras.extend([32, 48, 64, 96, 128, 192, 256].map(|extra| (extra, false)));
        let saved = self.dynamic;
        let mut found = None;
        'modes: for dynamic in [saved, !saved] {
            self.dynamic = dynamic;
            for &(extra, minimal) in &extras {
                let mut out = String::new();
                if self.emit(pattern, extra, minimal, &mut out).is_some() && fits(&out) {
                    found = Some(out);
                    break 'modes;
                }
            }
        }
        self.dynamic = saved;
        found
    }

    /// Appends a string `node` matches; `None` when it grows too long.
    fn emit(&mut self, node: &Node, extra: u32, minimal: bool, out: &mut String) -> Option<()> {
        if out.len() > MAX_PATTERN_OUTPUT {
            return None;
        }
        match node {
            Node::Literal(c) => out.push(*c),
            Node::Class { ranges, negated } => out.push(self.class_char(ranges, *negated)?),
            Node::Group(branches) => {
                let index = if self.dynamic {
                    self.rng.below(branches.len())
                } else {
                    0
                };
                for item in branches.get(index)? {
                    self.emit(item, extra, minimal, out)?;
                }
            }
            Node::Repeat { node, min, max } => {
                if *min > MAX_REPEAT {
                    return None; // Longer than any string made here.
                }
                // `*` and `{0,n}` give one (a plainer value than none); `?` gives none.
                let base = if *min == 0 && !minimal && max.map_or(true, |max| max > 1) {
                    1
                } else {
                    *min
                };
                let mut times = base.saturating_add(extra);
                if let Some(max) = max {
                    times = times.min(*max);
                }
                times = times.max(*min).min(MAX_REPEAT);
                for i in 0..times {
                    let before = out.len();
                    self.emit(node, extra, minimal, out)?;
                    if i == 0 && out.len() == before {
                        break; // Matches only the empty string: repeating adds nothing.
                    }
                }
            }
        }
        Some(())
    }

    fn class_char(&mut self, ranges: &[(char, char)], negated: bool) -> Option<char> {
        let inside = |c: char| ranges.iter().any(|&(a, b)| a <= c && c <= b);
        const OUTSIDE: &[char] = &['a', '0', 'A', 'x', 'Z', '9', '_', '-', '.', ' ', '~'];
        if negated {
            let outside: Vec<char> = OUTSIDE.iter().copied().filter(|c| !inside(*c)).collect();
            let index = if self.dynamic {
                self.rng.below(outside.len())
            } else {
                0
            };
            return outside.get(index).copied();
        }
        if ranges.is_empty() {
            return None;
        }
        if self.dynamic {
            let (a, b) = ranges[self.rng.below(ranges.len())];
            let span = u64::from(b as u32 - a as u32) + 1;
            let pick = a as u32 + (self.rng.next() % span) as u32;
            return Some(char::from_u32(pick).unwrap_or(a));
        }
        ['a', '0', 'A']
            .into_iter()
            .find(|c| inside(*c))
            .or(Some(ranges[0].0))
    }

    fn integer(&mut self, s: &Schema) -> Value {
        let format = s.get("format").and_then(Value::as_str);
        let (mut low, mut high) = match format.and_then(int_range) {
            Some((low, high)) => (Some(low), Some(high)),
            None => (None, None),
        };
        for (bound, strict) in limits(s, false) {
            if let Some(x) = int_low(bound, strict) {
                low = Some(low.map_or(x, |low| low.max(x)));
            }
        }
        for (bound, strict) in limits(s, true) {
            if let Some(x) = int_high(bound, strict) {
                high = Some(high.map_or(x, |high| high.min(x)));
            }
        }
        let step = s.get("multipleOf").and_then(integer_step);
        let target = self.pick_int(low, high);
        int_value(snap(target, step, low, high))
    }

    /// An integer in `[low, high]`: the one nearest 0 in examples mode, else one of the
    /// thousand from there; `low` when the range is empty.
    fn pick_int(&mut self, low: Option<i128>, high: Option<i128>) -> i128 {
        if let (Some(low), Some(high)) = (low, high) {
            if low > high {
                return low;
            }
        }
        let mut near = 0i128;
        if let Some(low) = low {
            near = near.max(low);
        }
        if let Some(high) = high {
            near = near.min(high);
        }
        if !self.dynamic {
            return near;
        }
        let (a, b) = if high.map_or(true, |high| high > near) {
            let top = near.saturating_add(1000);
            (near, high.map_or(top, |high| high.min(top)))
        } else {
            let bottom = near.saturating_sub(1000);
            (low.map_or(bottom, |low| low.max(bottom)), near)
        };
        let span = b.abs_diff(a);
        let offset = match span.checked_add(1) {
            Some(n) => u128::from(self.rng.next()) % n,
            None => u128::from(self.rng.next()),
        };
        a.checked_add_unsigned(offset).unwrap_or(a)
    }

    fn number(&mut self, s: &Schema) -> Value {
        let low = tightest(s, false);
        let high = tightest(s, true);
        if let Some(m) = s
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|m| *m > 0.0 && m.is_finite())
        {
            // k·m for an integer k in range.
            let k_low = low.map(|(low, strict)| float_int_low(low / m, strict));
            let k_high = high.map(|(high, strict)| float_int_high(high / m, strict));
            let k = self.pick_int(k_low, k_high);
            return number_value(round_to(k as f64 * m, decimals(m)));
        }
        let within = |x: f64| {
            low.map_or(true, |(l, strict)| if strict { x > l } else { x >= l })
                && high.map_or(true, |(h, strict)| if strict { x < h } else { x <= h })
        };
        let target = if self.dynamic {
            let (a, b) = match (low, high) {
                (Some((l, _)), Some((h, _))) => (l, h),
                (Some((l, _)), None) => (l, l + 1000.0),
                (None, Some((h, _))) => (h - 1000.0, h),
                (None, None) => (0.0, 1000.0),
            };
            let x = a + self.rng.unit() * (b - a);
            (x * 100.0).round() / 100.0
        } else {
            0.0
        };
        let step = match (low, high) {
            (Some((l, _)), Some((h, _))) => ((h - l) / 2.0).min(1.0),
            _ => 1.0,
        };
        let mut tries = vec![target];
        if let Some((l, _)) = low {
            tries.extend([l, l + step]);
        }
        if let Some((h, _)) = high {
            tries.extend([h, h - step]);
        }
        if let (Some((l, _)), Some((h, _))) = (low, high) {
            tries.push(l + (h - l) / 2.0);
        }
        let chosen = tries
            .iter()
            .copied()
            .find(|x| within(*x))
            .unwrap_or(low.map_or(target, |(l, _)| l));
        number_value(chosen)
    }

    /// Whether `schema` accepts `value`: JSON Schema validation of the keywords this
    /// module makes values for, plus `not`. Recursion through the same `$ref` for the
    /// same value counts as accepted, so recursive schemas validate finitely.
    fn accepts(&mut self, schema: &Value, value: &Value, depth: u32) -> bool {
        let s = match schema {
            Value::Object(s) => s,
            Value::Bool(accepted) => return *accepted,
            _ => return true,
        };
        if depth > MAX_CHECK_DEPTH {
            return true;
        }
        if value.is_null() && (flag(s, "nullable") || flag(s, "x-nullable")) {
            return true;
        }
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.resolve(reference) {
                let key = (target as *const Value, value as *const Value);
                if !self.checking.contains(&key) {
                    self.checking.push(key);
                    let accepted = self.accepts(target, value, depth + 1);
                    self.checking.pop();
                    if !accepted {
                        return false;
                    }
                }
            }
        }
        if let Some(kinds) = s.get("type") {
            if !type_matches(kinds, value) {
                return false;
            }
        }
        if let Some(Value::Array(options)) = s.get("enum") {
            if !options.iter().any(|option| json_eq(option, value)) {
                return false;
            }
        }
        if let Some(constant) = s.get("const") {
            if !json_eq(constant, value) {
                return false;
            }
        }
        let fits = match value {
            Value::String(text) => string_ok(s, text),
            Value::Number(number) => number_ok(s, number),
            Value::Array(items) => self.array_ok(s, items, depth),
            Value::Object(map) => self.object_ok(s, map, depth),
            _ => true,
        };
        if !fits {
            return false;
        }
        if let Some(Value::Array(members)) = s.get("allOf") {
            for member in members {
                if !self.accepts(member, value, depth + 1) {
                    return false;
                }
            }
        }
        if let Some(Value::Array(members)) = s.get("anyOf") {
            let mut any = members.is_empty();
            for member in members {
                if self.accepts(member, value, depth + 1) {
                    any = true;
                    break;
                }
            }
            if !any {
                return false;
            }
        }
        if let Some(Value::Array(members)) = s.get("oneOf") {
            let mut matched = 0;
            for member in members {
                if self.accepts(member, value, depth + 1) {
                    matched += 1;
                    if matched > 1 {
                        break;
                    }
                }
            }
            if matched != 1 && !members.is_empty() {
                return false;
            }
        }
        if let Some(not) = s.get("not") {
            if self.accepts(not, value, depth + 1) {
                return false;
            }
        }
        true
    }

    fn array_ok(&mut self, s: &Schema, items: &[Value], depth: u32) -> bool {
        if count(s, "minItems").is_some_and(|min| items.len() < min)
            || count(s, "maxItems").is_some_and(|max| items.len() > max)
        {
            return false;
        }
        if flag(s, "uniqueItems") {
            for (i, a) in items.iter().enumerate() {
                if items[i + 1..].iter().any(|b| json_eq(a, b)) {
                    return false;
                }
            }
        }
        let (prefix, rest): (&[Value], Option<&Value>) = match s.get("items") {
            Some(Value::Array(tuple)) => (tuple, s.get("additionalItems")),
            items => (
                s.get("prefixItems")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice),
                items,
            ),
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(schema) = prefix.get(i).or(rest) {
                if !self.accepts(schema, item, depth + 1) {
                    return false;
                }
            }
        }
        true
    }

    fn object_ok(&mut self, s: &Schema, map: &Schema, depth: u32) -> bool {
        if let Some(Value::Array(required)) = s.get("required") {
            if required
                .iter()
                .filter_map(Value::as_str)
                .any(|name| !map.contains_key(name))
            {
                return false;
            }
        }
        if count(s, "minProperties").is_some_and(|min| map.len() < min)
            || count(s, "maxProperties").is_some_and(|max| map.len() > max)
        {
            return false;
        }
        let properties = s.get("properties").and_then(Value::as_object);
        // Keys patternProperties may claim are not checked as additional ones.
        let patterned = s.contains_key("patternProperties");
        for (key, value) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(schema) => {
                    if !self.accepts(schema, value, depth + 1) {
                        return false;
                    }
                }
                None if patterned => {}
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => return false,
                    Some(extra @ Value::Object(_)) if !self.accepts(extra, value, depth + 1) => {
                        return false;
                    }
                    _ => {}
                },
            }
        }
        true
    }
}

/// The property a discriminator names and its value for the schema at `reference`:
/// the mapping's key for it, else the schema's name.
fn discriminator_tag(s: &Schema, reference: &str) -> Option<(String, String)> {
    let discriminator = s.get("discriminator")?.as_object()?;
    let property = discriminator.get("propertyName")?.as_str()?;
    let name = schema_name(reference);
    let mapped = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|mapping| {
            mapping.iter().find(|(_, target)| {
                target
                    .as_str()
                    .is_some_and(|target| target == reference || target == name)
            })
        })
        .map(|(key, _)| key.clone());
    Some((property.to_owned(), mapped.unwrap_or(name)))
}

/// The last segment of a `$ref`, unescaped: `#/components/schemas/Cat` → `Cat`.
fn schema_name(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    let last = percent_decode(last).unwrap_or_else(|| last.to_owned());
    last.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How many `$ref`s a value of `schema` must pass through at the least, looking only
/// at this schema (required properties, non-empty arrays, the cheapest branch).
fn required_refs(schema: &Value, depth: u32) -> u32 {
    let Value::Object(s) = schema else {
        return 0;
    };
    if depth > 8 {
        return 0;
    }
    if s.contains_key("$ref") {
        return 1;
    }
    let nullable = flag(s, "nullable")
        || flag(s, "x-nullable")
        || match s.get("type") {
            Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "null"),
            Some(kind) => kind == "null",
            None => false,
        };
    if nullable {
        return 0;
    }
    let mut n = 0u32;
    if let Some(Value::Array(members)) = s.get("allOf") {
        for member in members {
            n = n.saturating_add(required_refs(member, depth + 1));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = s.get(key) {
            let cheapest = members.iter().map(|m| required_refs(m, depth + 1)).min();
            n = n.saturating_add(cheapest.unwrap_or(0));
        }
    }
    if let (Some(Value::Array(required)), Some(Value::Object(properties))) =
        (s.get("required"), s.get("properties"))
    {
        for name in required.iter().filter_map(Value::as_str) {
            if let Some(property) = properties.get(name) {
                n = n.saturating_add(required_refs(property, depth + 1));
            }
        }
    }
    if count(s, "minItems").unwrap_or(0) > 0 {
        if let Some(items) = s.get("items") {
            n = n.saturating_add(required_refs(items, depth + 1));
        }
    }
    n
}

/// The type a schema without `type` implies by its keywords.
fn inferred(s: &Schema) -> Option<&'static str> {
    let has = |keys: &[&str]| keys.iter().any(|key| s.contains_key(*key));
    let format = s.get("format").and_then(Value::as_str);
    let integral = format.is_some_and(|f| int_range(f).is_some());
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "discriminator",
    ]) {
        Some("object")
    } else if has(&[
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
    ]) {
        Some("array")
    } else if has(&["pattern", "minLength", "maxLength"]) {
        Some("string")
    } else if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        Some(if integral { "integer" } else { "number" })
    } else if integral {
        Some("integer")
    } else if matches!(format, Some("float" | "double")) {
        Some("number")
    } else if format.is_some() {
        Some("string")
    } else {
        None
    }
}

/// Every member's schema folded into one.
fn merge_all(parts: Vec<Schema>) -> Schema {
    // `additionalProperties: false` in one member forbids the others' properties too.
    let closed: Vec<HashSet<String>> = parts
        .iter()
        .filter(|part| part.get("additionalProperties") == Some(&Value::Bool(false)))
        .map(|part| {
            part.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect();
    let mut merged = Map::new();
    for part in parts {
        merge_into(&mut merged, part);
    }
    if !closed.is_empty() {
        let required: HashSet<String> = match merged.get("required") {
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => HashSet::new(),
        };
        if let Some(Value::Object(properties)) = merged.get_mut("properties") {
            properties.retain(|key, _| {
                required.contains(key) || closed.iter().all(|allowed| allowed.contains(key))
            });
        }
        merged.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    merged
}

/// `part` merged into `acc`: properties and required from both, other constraints the
/// stricter; annotations and examples from the first that gives them.
fn merge_into(acc: &mut Schema, part: Schema) {
    let types = match (part_types(acc), part_types(&part)) {
        (Some(a), Some(b)) => Some(intersect_types(&a, &b)),
        (a, b) => a.or(b),
    };
    let low = tightest_value(&[&*acc, &part], false);
    let high = tightest_value(&[&*acc, &part], true);
    for (key, value) in part {
        match key.as_str() {
            "type" | "nullable" | "x-nullable" | "minimum" | "maximum" | "exclusiveMinimum"
            | "exclusiveMaximum" => {}
            "properties" => {
                let Value::Object(new) = value else { continue };
                let entry = acc
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(properties) = entry {
                    for (name, schema) in new {
                        match properties.get_mut(&name) {
                            Some(old) if *old != schema => {
                                let previous = old.take();
                                *old = json!({"allOf": [previous, schema]});
                            }
                            Some(_) => {}
                            None => {
                                properties.insert(name, schema);
                            }
                        }
                    }
                }
            }
            "required" => {
                let Value::Array(new) = value else { continue };
                let entry = acc
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(names) = entry {
                    for name in new {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                }
            }
            "enum" => match (acc.get_mut("enum"), &value) {
                (Some(Value::Array(old)), Value::Array(new)) => {
                    old.retain(|o| new.iter().any(|n| json_eq(o, n)));
                }
                _ => {
                    acc.insert(key, value);
                }
            },
            "minLength" | "minItems" | "minProperties" | "minContains" => {
                let larger = match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                    (Some(old), Some(new)) => new > old,
                    _ => true,
                };
                if larger {
                    acc.insert(key, value);
                }
            }
            "maxLength" | "maxItems" | "maxProperties" | "maxContains" => {
                let smaller = match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                    (Some(old), Some(new)) => new < old,
                    _ => true,
                };
                if smaller {
                    acc.insert(key, value);
                }
            }
            "multipleOf" => match (acc.get(&key).and_then(Value::as_f64), value.as_f64()) {
                (Some(old), Some(new)) if old > 0.0 && new > 0.0 => {
                    if is_multiple(new, old) {
                        acc.insert(key, value);
                    } else if !is_multiple(old, new) {
                        acc.insert(key, number_value(old * new));
                    }
                }
                _ => {
                    acc.insert(key, value);
                }
            },
            "pattern" => match (acc.get("pattern").and_then(Value::as_str), value.as_str()) {
                (Some(old), Some(new)) if old != new => {
                    // Both must match somewhere: one pattern of two lookaheads.
                    let both = format!("^(?=[\\s\\S]*?(?:{old}))(?=[\\s\\S]*?(?:{new}))");
                    if pattern_matches(&both, "").is_some() {
                        acc.insert(key, Value::String(both));
                    }
                }
                (Some(_), _) => {}
                (None, _) => {
                    acc.insert(key, value);
                }
            },
            "uniqueItems" | "readOnly" | "writeOnly" | "deprecated"
                if value == Value::Bool(true) =>
            {
                acc.insert(key, value);
            }
            "items" | "additionalProperties" | "additionalItems" => {
                let trivial =
                    |v: &Value| *v == Value::Bool(true) || v.as_object().is_some_and(Map::is_empty);
                match acc.get(&key) {
                    None => {
                        acc.insert(key, value);
                    }
                    Some(Value::Bool(false)) => {}
                    Some(old) if trivial(old) => {
                        acc.insert(key, value);
                    }
                    Some(_) if trivial(&value) => {}
                    Some(Value::Array(_)) => {}
                    Some(old) if *old == value => {}
                    Some(_) if value == Value::Bool(false) || value.is_array() => {
                        acc.insert(key, value);
                    }
                    Some(old) => {
                        let both = json!({"allOf": [old.clone(), value]});
                        acc.insert(key, both);
                    }
                }
            }
            "oneOf" | "anyOf" => {
                if !acc.contains_key(&key) {
                    acc.insert(key, value);
                } else if key == "oneOf" && !acc.contains_key("anyOf") {
                    acc.insert("anyOf".to_owned(), value);
                }
            }
            _ => {
                acc.entry(key).or_insert(value);
            }
        }
    }
    if let Some(types) = types {
        acc.insert(
            "type".to_owned(),
            Value::Array(types.into_iter().map(Value::String).collect()),
        );
    }
    // Folded into `type` (with "null") above; a part without `type` adds nothing.
    acc.remove("nullable");
    acc.remove("x-nullable");
    for (bound, plain, strict) in [
        (low, "minimum", "exclusiveMinimum"),
        (high, "maximum", "exclusiveMaximum"),
    ] {
        if let Some((value, exclusive)) = bound {
            acc.remove(plain);
            acc.remove(strict);
            acc.insert(if exclusive { strict } else { plain }.to_owned(), value);
        }
    }
}

/// The types a schema allows, "null" included where it is nullable; `None` without `type`.
fn part_types(s: &Schema) -> Option<Vec<String>> {
    let mut types: Vec<String> = match s.get("type")? {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return None,
    };
    if (flag(s, "nullable") || flag(s, "x-nullable")) && !types.iter().any(|t| t == "null") {
        types.push("null".to_owned());
    }
    Some(types)
}

fn intersect_types(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for kind in a {
        let kept = if b.contains(kind) {
            Some(kind.as_str())
        } else if (kind == "number" && b.iter().any(|t| t == "integer"))
            || (kind == "integer" && b.iter().any(|t| t == "number"))
        {
            Some("integer")
        } else {
            None
        };
        if let Some(kept) = kept {
            if !out.iter().any(|t| t == kept) {
                out.push(kept.to_owned());
            }
        }
    }
    out
}

fn flag(s: &Schema, key: &str) -> bool {
    s.get(key) == Some(&Value::Bool(true))
}

/// A non-negative count keyword (`minLength`, `maxItems`, ...), saturating.
fn count(s: &Schema, key: &str) -> Option<usize> {
    let value = s.get(key)?;
    let n = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| *f >= 0.0 && f.is_finite())
            .map(|f| f as u64)
    })?;
    Some(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The numeric bounds of one side with whether each is exclusive, in 3.0 (boolean
/// `exclusiveMinimum`) and 3.1 (numeric `exclusiveMinimum`) spelling.
fn limits(s: &Schema, upper: bool) -> Vec<(&Value, bool)> {
    let (plain, strict) = if upper {
        ("maximum", "exclusiveMaximum")
    } else {
        ("minimum", "exclusiveMinimum")
    };
    let mut out = Vec::new();
    if let Some(bound) = s.get(plain).filter(|v| v.is_number()) {
        out.push((bound, flag(s, strict)));
    }
    if let Some(bound) = s.get(strict).filter(|v| v.is_number()) {
        out.push((bound, true));
    }
    out
}

fn tighter(upper: bool, x: f64, strict: bool, best: Option<(f64, bool)>) -> bool {
    match best {
        None => true,
        Some((b, e)) => (upper && x < b) || (!upper && x > b) || (x == b && strict && !e),
    }
}

fn tightest(s: &Schema, upper: bool) -> Option<(f64, bool)> {
    let mut best = None;
    for (bound, strict) in limits(s, upper) {
        let Some(x) = bound.as_f64() else { continue };
        if tighter(upper, x, strict, best) {
            best = Some((x, strict));
        }
    }
    best
}

/// [`tightest`] across schemas, keeping the bound's own number (exact for big integers).
fn tightest_value(schemas: &[&Schema], upper: bool) -> Option<(Value, bool)> {
    let mut best: Option<(Value, bool)> = None;
    for s in schemas {
        for (bound, strict) in limits(s, upper) {
            let Some(x) = bound.as_f64() else { continue };
            let current = best.as_ref().and_then(|(v, e)| Some((v.as_f64()?, *e)));
            if tighter(upper, x, strict, current) {
                best = Some((bound.clone(), strict));
            }
        }
    }
    best
}

fn int_low(bound: &Value, strict: bool) -> Option<i128> {
    if let Some(i) = bound.as_i64() {
        return Some(i128::from(i) + i128::from(strict));
    }
    if let Some(u) = bound.as_u64() {
        return Some(i128::from(u) + i128::from(strict));
    }
    Some(float_int_low(bound.as_f64()?, strict))
}

fn int_high(bound: &Value, strict: bool) -> Option<i128> {
    if let Some(i) = bound.as_i64() {
        return Some(i128::from(i) - i128::from(strict));
    }
    if let Some(u) = bound.as_u64() {
        return Some(i128::from(u) - i128::from(strict));
    }
    Some(float_int_high(bound.as_f64()?, strict))
}

/// The least integer above (or at, unless `strict`) `x`; float casts saturate.
fn float_int_low(x: f64, strict: bool) -> i128 {
    if strict {
        (x.floor() as i128).saturating_add(1)
    } else {
        x.ceil() as i128
    }
}

fn float_int_high(x: f64, strict: bool) -> i128 {
    if strict {
        (x.ceil() as i128).saturating_sub(1)
    } else {
        x.floor() as i128
    }
}

/// The range of an integer `format`.
fn int_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" | "long" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The integer step a `multipleOf` imposes on integers: the least positive integer
/// multiple of it (1 for `0.5`, 3 for `1.5`); `None` when there is none nearby.
fn integer_step(multiple: &Value) -> Option<i128> {
    if let Some(u) = multiple.as_u64() {
        return (u > 0).then(|| i128::from(u));
    }
    let m = multiple.as_f64().filter(|m| *m > 0.0 && m.is_finite())?;
    (1..=1000).find_map(|k| {
        let x = f64::from(k) * m;
        ((x - x.round()).abs() < 1e-9 && x.round() >= 1.0).then(|| x.round() as i128)
    })
}

/// `target` moved to a multiple of `step` inside `[low, high]`, up first.
fn snap(target: i128, step: Option<i128>, low: Option<i128>, high: Option<i128>) -> i128 {
    let Some(step) = step.filter(|step| *step > 1) else {
        return target;
    };
    let inside = |x: i128| low.map_or(true, |l| x >= l) && high.map_or(true, |h| x <= h);
    let down = target.div_euclid(step).checked_mul(step);
    let up = down.and_then(|down| {
        if down == target {
            Some(down)
        } else {
            down.checked_add(step)
        }
    });
    [up, down]
        .into_iter()
        .flatten()
        .find(|x| inside(*x))
        .unwrap_or(target)
}

fn int_value(x: i128) -> Value {
    if let Ok(i) = i64::try_from(x) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(x) {
        Value::from(u)
    } else {
        number_value(x as f64)
    }
}

/// A JSON number, written as an integer when it is one.
fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// The decimal places of `m` as written (`0.01` → 2), so `k·m` can drop float noise.
fn decimals(m: f64) -> usize {
    let text = m.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
        .min(17)
}

fn round_to(x: f64, places: usize) -> f64 {
    format!("{x:.places$}").parse().unwrap_or(x)
}

fn is_multiple(x: f64, m: f64) -> bool {
    let q = x / m;
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

/// `base` repeated or cut to a length within `[min, max]`.
fn fit_length(base: &str, min: usize, max: Option<usize>) -> String {
    let base = if base.is_empty() { "a" } else { base };
    let mut out: String = base
        .chars()
        .cycle()
        .take(min.max(base.chars().count()))
        .collect();
    if let Some(max) = max {
        out = out.chars().take(max).collect();
    }
    out
}

fn date(r: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        2020 + r % 8,
        1 + (r >> 8) % 12,
        1 + (r >> 16) % 28
    )
}

fn time(r: u64) -> String {
    format!("{:02}:{:02}:{:02}", r % 24, (r >> 8) % 60, (r >> 16) % 60)
}

/// A version 4 UUID from two random words.
fn uuid(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => p == q,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn type_matches(kinds: &Value, value: &Value) -> bool {
    let one = |kind: &str| match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => is_integer(value),
        // Swagger's `file` and unknown names constrain nothing we can check.
        _ => true,
    };
    match kinds {
        Value::String(kind) => one(kind),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn string_ok(s: &Schema, text: &str) -> bool {
    let len = text.chars().count();
    if count(s, "minLength").is_some_and(|min| len < min)
        || count(s, "maxLength").is_some_and(|max| len > max)
    {
        return false;
    }
    if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
        if pattern_matches(pattern, text) == Some(false) {
            return false;
        }
    }
    format_ok(s.get("format").and_then(Value::as_str), text)
}

fn number_ok(s: &Schema, number: &Number) -> bool {
    let Some(x) = number.as_f64() else {
        return true;
    };
    for (bound, strict) in limits(s, false) {
        let Some(low) = bound.as_f64() else { continue };
        if x < low || (strict && x <= low) {
            return false;
        }
    }
    for (bound, strict) in limits(s, true) {
        let Some(high) = bound.as_f64() else { continue };
        if x > high || (strict && x >= high) {
            return false;
        }
    }
    if let Some(multiple) = s.get("multipleOf") {
        if let (Some(a), Some(m)) = (number.as_i64(), multiple.as_i64()) {
            if m > 0 {
                return a % m == 0;
            }
        }
        if let Some(m) = multiple.as_f64().filter(|m| *m > 0.0) {
            return is_multiple(x, m);
        }
    }
    true
}

/// Whether `text` has the syntax of `format`; unknown formats accept anything.
fn format_ok(format: Option<&str>, text: &str) -> bool {
    const DATE: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$";
    const TIME: &str =
        r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$";
    const DATE_TIME: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$";
    const UUID_SYNTAX: &str =
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    const EMAIL: &str = r"^[^@\s]+@[^@\s]+$";
    const URI: &str = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$";
    const BASE64: &str = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";
    let syntax = |pattern: &str| pattern_matches(pattern, text).unwrap_or(true);
    match format {
        Some("date-time") => syntax(DATE_TIME),
        Some("date") => syntax(DATE),
        Some("time") => syntax(TIME),
        Some("uuid") => syntax(UUID_SYNTAX),
        Some("email" | "idn-email") => syntax(EMAIL),
        Some("ipv4") => text.parse::<Ipv4Addr>().is_ok(),
        Some("ipv6") => text.parse::<Ipv6Addr>().is_ok(),
        Some("ip") => text.parse::<IpAddr>().is_ok(),
        Some("hostname") => is_hostname(text),
        Some("uri" | "url" | "iri") => syntax(URI),
        Some("byte") => syntax(BASE64),
        _ => true,
    }
}

fn is_hostname(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Whether `pattern` (ECMA 262, unanchored) matches `text`; `None` when it does not
/// compile. Compiled patterns are kept, as specs repeat a few patterns many times.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    type Compiled = HashMap<String, Option<regress::Regex>>;
    static CACHE: OnceLock<RwLock<Compiled>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Ok(compiled) = cache.read() {
        if let Some(entry) = compiled.get(pattern) {
            return entry.as_ref().map(|regex| regex.find(text).is_some());
        }
    }
    let compiled = regress::Regex::new(pattern).ok();
    let result = compiled.as_ref().map(|regex| regex.find(text).is_some());
    if let Ok(mut cache) = cache.write() {
        // Bounded: a long-running mock sees only its spec's patterns, but be safe.
        if cache.len() < 4096 {
            cache.insert(pattern.to_owned(), compiled);
        }
    }
    result
}

/// A pattern, parsed just enough to write strings it matches: literals, classes,
/// groups with alternatives, and repetition. Assertions and lookarounds match the
/// empty string here; the result is always tested with regress afterwards.
#[derive(Debug)]
enum Node {
    Literal(char),
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Node {
    fn empty() -> Self {
        Node::Group(vec![Vec::new()])
    }
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];
const LETTERS: &[(char, char)] = &[('a', 'z'), ('A', 'Z')];
/// Most repetitions written for one quantifier; a pattern demanding more is not
/// written out (its candidates still come from the plain list).
const MAX_REPEAT: u32 = 1024;

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: u32,
}

impl Parser {
    /// The pattern's tree; `None` for syntax this parser does not follow
    /// (back-references, flags groups, malformed patterns).
    fn parse(pattern: &str) -> Option<Node> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            depth: 0,
        };
        let node = parser.alternation()?;
        (parser.at == parser.chars.len()).then_some(node)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut branches = vec![Vec::new()];
        while let Some(c) = self.peek() {
            match c {
                ')' => break,
                '|' => {
                    self.at += 1;
                    branches.push(Vec::new());
                }
                _ => {
                    let atom = self.atom()?;
                    let atom = self.quantified(atom)?;
                    branches.last_mut()?.push(atom);
                }
            }
        }
        self.depth -= 1;
        Some(Node::Group(branches))
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.next()? {
            '^' | '$' => Node::empty(),
            '.' => Node::Class {
                ranges: vec![('\n', '\n'), ('\r', '\r'), ('\u{2028}', '\u{2029}')],
                negated: true,
            },
            '(' => {
                let mut lookaround = false;
                if self.eat('?') {
                    match self.next()? {
                        ':' => {}
                        '=' | '!' => lookaround = true,
                        '<' if self.eat('=') || self.eat('!') => lookaround = true,
                        '<' => self.skip_name()?,
                        'P' if self.eat('<') => self.skip_name()?,
                        _ => return None,
                    }
                }
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return None;
                }
                if lookaround {
                    Node::empty()
                } else {
                    inner
                }
            }
            '[' => self.class()?,
            '\\' => self.escape()?,
            '*' | '+' | '?' | ')' | '|' => return None,
            other => Node::Literal(other),
        })
    }

    fn skip_name(&mut self) -> Option<()> {
        while self.next()? != '>' {}
        Some(())
    }

    fn escape(&mut self) -> Option<Node> {
        let class = |ranges: &[(char, char)], negated| Node::Class {
            ranges: ranges.to_vec(),
            negated,
        };
        Some(match self.next()? {
            'd' => class(DIGITS, false),
            'D' => class(DIGITS, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'b' | 'B' => Node::empty(),
            c @ ('p' | 'P') => {
                let digits = self.property_is_number()?;
                class(if digits { DIGITS } else { LETTERS }, c == 'P')
            }
            '1'..='9' | 'k' | 'c' => return None,
            other => Node::Literal(self.simple_escape(other)?),
        })
    }

    /// Skips a `\p{...}` body; whether it names numbers (else letters are assumed).
    fn property_is_number(&mut self) -> Option<bool> {
        if !self.eat('{') {
            return None;
        }
        let mut name = String::new();
        loop {
            match self.next()? {
                '}' => break,
                c => name.push(c),
            }
        }
        Some(name.starts_with('N') || name.contains("Number") || name.contains("Digit"))
    }

    /// The character an escape other than a class stands for.
    fn simple_escape(&mut self, c: char) -> Option<char> {
        Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' => '\0',
            'x' => self.hex(2)?,
            'u' if self.eat('{') => {
                let mut digits = String::new();
                loop {
                    match self.next()? {
                        '}' => break,
                        c => digits.push(c),
                    }
                }
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?
            }
            'u' => self.hex(4)?,
            other => other,
        })
    }

    fn hex(&mut self, len: usize) -> Option<char> {
        let digits: String = self.chars.get(self.at..self.at + len)?.iter().collect();
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += len;
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        loop {
            if self.eat(']') {
                break;
            }
            if let Some(start) = self.class_atom(&mut ranges)? {
                let dash = self.peek() == Some('-')
                    && self.chars.get(self.at + 1).is_some_and(|c| *c != ']');
                if dash {
                    self.at += 1;
                    let end = self.class_atom(&mut ranges)??;
                    if end < start {
                        return None;
                    }
                    ranges.push((start, end));
                } else {
                    ranges.push((start, start));
                }
            }
        }
        Some(Node::Class { ranges, negated })
    }

    /// One member of a class: a character, or (`None`) a class escape whose ranges were
    /// added. Negated shorthands inside a class are approximated by a few characters
    /// they contain.
    fn class_atom(&mut self, ranges: &mut Vec<(char, char)>) -> Option<Option<char>> {
        let c = self.next()?;
        if c != '\\' {
            return Some(Some(c));
        }
        let escaped = self.next()?;
        let added: &[(char, char)] = match escaped {
            'd' => DIGITS,
            'w' => WORD,
            's' => SPACE,
            'D' => LETTERS,
            'W' => &[('-', '-'), (' ', ' ')],
            'S' => WORD,
            'b' => return Some(Some('\u{8}')),
            'p' | 'P' => {
                if self.property_is_number()? {
                    DIGITS
                } else {
                    LETTERS
                }
            }
            other => return Some(Some(self.simple_escape(other)?)),
        };
        ranges.extend_from_slice(added);
        Some(None)
    }

    fn quantified(&mut self, node: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.at += 1;
                (0, None)
            }
            Some('+') => {
                self.at += 1;
                (1, None)
            }
            Some('?') => {
                self.at += 1;
                (0, Some(1))
            }
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // Not a quantifier: the `{` is a literal, read as the next atom.
                None => return Some(node),
            },
            _ => return Some(node),
        };
        if max.is_some_and(|max| max < min) {
            return None;
        }
        // Lazy and possessive forms match the same strings.
        let _ = self.eat('?') || self.eat('+');
        Some(Node::Repeat {
            node: Box::new(node),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` (consumed), else `None` (nothing consumed).
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.at;
        let parsed = self.braces_inner();
        if parsed.is_none() {
            self.at = start;
        }
        parsed
    }

    fn braces_inner(&mut self) -> Option<(u32, Option<u32>)> {
        if !self.eat('{') {
            return None;
        }
        let min = self.number()?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.number()?)
            }
        } else {
            Some(min)
        };
        if !self.eat('}') {
            return None;
        }
        Some((min, max))
    }

    fn number(&mut self) -> Option<u32> {
        let mut value: u32 = 0;
        let mut any = false;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.at += 1;
            any = true;
            value = value.saturating_mul(10).saturating_add(digit);
        }
        any.then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "components": {"schemas": schemas}})
    }

    fn named(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    fn examples(document: &Value, schema: &Value) -> Value {
        synthesize(document, schema, Synthesis::Examples)
    }

    /// The examples answer and the answers for `seeds` seeds.
    fn answers(document: &Value, schema: &Value, seeds: u64) -> Vec<Value> {
        let mut all = vec![examples(document, schema)];
        all.extend((0..seeds).map(|seed| synthesize(document, schema, Synthesis::Dynamic(seed))));
        all
    }

    /// The module's own validator; the tests below also check each property explicitly.
    fn valid(document: &Value, schema: &Value, value: &Value) -> bool {
        Synth::new(document, false, 0).accepts(schema, value, 0)
    }

    fn matches(pattern: &str, text: &str) -> bool {
        regress::Regex::new(pattern)
            .expect("the test's pattern compiles")
            .find(text)
            .is_some()
    }

    fn text(value: &Value) -> &str {
        value
            .as_str()
            .unwrap_or_else(|| panic!("a string: {value}"))
    }

    fn int(value: &Value) -> i64 {
        value
            .as_i64()
            .unwrap_or_else(|| panic!("an integer: {value}"))
    }

    fn object(value: &Value) -> &Map<String, Value> {
        value
            .as_object()
            .unwrap_or_else(|| panic!("an object: {value}"))
    }

    fn array(value: &Value) -> &Vec<Value> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("an array: {value}"))
    }

    fn nesting(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
            Value::Object(map) => 1 + map.values().map(nesting).max().unwrap_or(0),
            _ => 0,
        }
    }

    #[test]
    fn refs_resolve_in_components_definitions_and_any_escaped_pointer() {
        let document = json!({
            "openapi": "3.0.3",
            "paths": {"/pets/{id}": {"get": {"responses": {"200": {"content": {
                "application/json": {"schema": {"type": "integer", "minimum": 7, "maximum": 7}},
            }}}}}},
            "components": {"schemas": {
                "Name": {"type": "string", "enum": ["rex"]},
                "a/b~c": {"type": "boolean", "enum": [false]},
                "Alias": {"$ref": "#/components/schemas/Name"},
            }},
            "definitions": {"Count": {"type": "integer", "minimum": 3, "maximum": 3}},
        });
        for how in [Synthesis::Examples, Synthesis::Dynamic(3)] {
            let made = |schema: Value| synthesize(&document, &schema, how);
            assert_eq!(made(named("Name")), json!("rex"));
            assert_eq!(made(named("Alias")), json!("rex"));
            assert_eq!(made(json!({"$ref": "#/definitions/Count"})), json!(3));
            assert_eq!(made(named("a~1b~0c")), json!(false));
            let pointer =
                "#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema";
            assert_eq!(made(json!({"$ref": pointer})), json!(7));
        }
    }

    #[test]
    fn unresolvable_refs_and_non_schemas_give_null() {
        let document = doc(json!({
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
        }));
        let nulls = [
            json!({"$ref": "#/components/schemas/Missing"}),
            json!({"$ref": "other.yaml#/Pet"}),
            json!({"$ref": "#/%zz"}),
            named("Loop"),
            named("A"),
            json!(false),
            json!(3),
            json!("string"),
            json!(null),
            json!([]),
        ];
        for schema in &nulls {
            for value in answers(&document, schema, 5) {
                assert_eq!(value, Value::Null, "{schema}");
            }
        }
    }

    #[test]
    fn malformed_schemas_never_panic() {
        let document = doc(json!({"Self": {"allOf": [{"$ref": "#/components/schemas/Self"}]}}));
        let schemas = [
            json!({"type": 7}),
            json!({"type": "string", "minLength": "x", "maxLength": -1, "pattern": "("}),
            json!({"type": "integer", "minimum": "a", "maximum": 1e308, "multipleOf": 0}),
            json!({"type": "integer", "minimum": -1e308, "maximum": 1e308}),
            json!({"type": "number", "minimum": 10, "maximum": 1, "multipleOf": -2}),
            json!({"type": "array", "items": 5, "minItems": 1e12}),
            json!({"properties": [], "required": [1, "a"]}),
            json!({"allOf": "x", "oneOf": [], "anyOf": [5]}),
            json!({"allOf": [{"$ref": "#/nope"}, true, false, 3, {"type": ["string", 1]}]}),
            json!({"enum": []}),
            json!({"type": "object", "minProperties": 1e9, "additionalProperties": false}),
            json!({"type": "string", "pattern": "^(ab)\\1[\\d-\\w]{2,1}$"}),
            json!({"type": "string", "pattern": "a{99999999999}"}),
            json!({"type": "string", "minLength": 5, "maxLength": 2}),
            json!({"discriminator": {"propertyName": 5}, "oneOf": [{"$ref": 1}]}),
            named("Self"),
        ];
        for schema in &schemas {
            for value in answers(&document, schema, 20) {
                if let Value::Array(items) = &value {
                    assert!(items.len() <= MAX_COUNT, "{schema}");
                }
                if let Value::Object(map) = &value {
                    assert!(map.len() <= 2 * MAX_COUNT, "{schema}");
                }
            }
        }
        let text = examples(&document, &schemas[1]);
        assert!(text.is_string(), "{text}");
    }

    #[test]
    fn recursive_schemas_end_and_validate() {
        let document = doc(json!({
            "Tree": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            }},
            "List": {"type": "object", "required": ["value", "next"], "properties": {
                "value": {"type": "integer"},
                "next": {"allOf": [{"$ref": "#/components/schemas/List"}], "nullable": true},
            }},
            "List31": {"type": "object", "required": ["next"], "properties": {
                "next": {"anyOf": [{"$ref": "#/components/schemas/List31"}, {"type": "null"}]},
            }},
            "Even": {"type": "object", "properties": {"odd": {"$ref": "#/components/schemas/Odd"}}},
            "Odd": {"type": "object", "properties": {"even": {"$ref": "#/components/schemas/Even"}}},
            "Expr": {"oneOf": [{"$ref": "#/components/schemas/Binary"}, {"type": "integer"}]},
            "Binary": {
                "type": "object",
                "required": ["left", "right"],
                "properties": {
                    "left": {"$ref": "#/components/schemas/Expr"},
                    "right": {"$ref": "#/components/schemas/Expr"},
                },
                "additionalProperties": false,
            },
        }));
        for name in ["Tree", "List", "List31", "Even", "Odd", "Expr"] {
            for value in answers(&document, &named(name), 30) {
                assert!(valid(&document, &named(name), &value), "{name}: {value}");
                assert!(nesting(&value) <= 2 * MAX_REFS as usize, "{name}: {value}");
            }
        }
        // The examples answer is rich down to the lean depth, then stops.
        let tree = examples(&document, &named("Tree"));
        assert!(array(&tree["children"]).len() == 1, "{tree}");
        assert!(nesting(&tree) >= 2 * LEAN_REFS as usize - 1, "{tree}");
        // A linked list ends with null.
        let mut list = examples(&document, &named("List"));
        let mut links = 0;
        while list.is_object() {
            int(&list["value"]);
            list = list["next"].clone();
            links += 1;
        }
        assert_eq!(list, Value::Null);
        assert!((1..=LEAN_REFS as usize + 1).contains(&links), "{links}");
        // Leaves of the expression are integers, every branch complete.
        fn check_expr(value: &Value) {
            if let Value::Object(map) = value {
                assert_eq!(map.len(), 2, "{value}");
                check_expr(&map["left"]);
                check_expr(&map["right"]);
            } else {
                int(value);
            }
        }
        for value in answers(&document, &named("Expr"), 30) {
            check_expr(&value);
        }
    }

    #[test]
    fn schemas_demanding_infinite_values_are_cut_without_overflowing_the_stack() {
        let document = doc(json!({
            "Node": {"type": "object", "required": ["next"], "properties": {
                "next": {"$ref": "#/components/schemas/Node"},
            }},
            "Wide": {"type": "object", "required": ["a", "b"], "properties": {
                "a": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Wide"}},
                "b": {"allOf": [{"$ref": "#/components/schemas/Wide"}]},
            }},
        }));
        // A small stack, smaller than tokio's workers get.
        let answers = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                ["Node", "Wide"].map(|name| {
                    let schema = named(name);
                    (
                        synthesize(&document, &schema, Synthesis::Examples),
                        synthesize(&document, &schema, Synthesis::Dynamic(1)),
                    )
                })
            })
            .expect("a thread")
            .join()
            .expect("no overflow or panic");
        let (node, _) = &answers[0];
        let mut depth = 0;
        let mut at = node;
        while let Value::Object(map) = at {
            at = &map["next"];
            depth += 1;
        }
        assert_eq!(*at, Value::Null);
        assert!(
            (LEAN_REFS as usize..=MAX_REFS as usize + 1).contains(&depth),
            "{depth}"
        );
    }

    #[test]
    fn types_and_nullability() {
        let document = json!({
            "swagger": "2.0",
            "definitions": {"Maybe": {"type": "string", "x-nullable": true, "minLength": 3}},
        });
        let either = json!({"type": ["string", "null"]});
        let values = answers(&document, &either, 200);
        assert!(values[0].is_string(), "examples prefer a value to null");
        assert!(values.iter().all(|v| v.is_string() || v.is_null()));
        assert!(values.iter().any(Value::is_null) && values.iter().any(Value::is_string));

        let maybe = json!({"$ref": "#/definitions/Maybe"});
        let values = answers(&document, &maybe, 200);
        assert!(values.iter().any(Value::is_null));
        for value in values.iter().filter(|v| !v.is_null()) {
            assert!(text(value).chars().count() >= 3, "{value}");
        }

        let integer = json!({"type": "integer", "nullable": true});
        assert!(examples(&document, &integer).is_i64());
        assert_eq!(examples(&document, &json!({"type": "null"})), Value::Null);
        let several = answers(
            &document,
            &json!({"type": ["integer", "string", "boolean"]}),
            100,
        );
        assert!(several.iter().any(Value::is_i64));
        assert!(several.iter().any(Value::is_string));
        assert!(several.iter().any(Value::is_boolean));
        // A null outside the enum is not chosen, even where the type allows it.
        let closed = json!({"type": ["string", "null"], "enum": ["x"]});
        assert!(answers(&document, &closed, 100)
            .iter()
            .all(|v| *v == json!("x")));
        // Swagger 2.0 files are bytes, which JSON carries as strings.
        assert!(examples(&document, &json!({"type": "file"})).is_string());
        assert!(examples(&document, &json!({"type": "boolean"})).is_boolean());
    }

    #[test]
    fn enum_and_const() {
        let document = doc(json!({}));
        let colors = json!({"type": "string", "enum": ["b", "a"]});
        let values = answers(&document, &colors, 100);
        assert_eq!(values[0], json!("b"));
        assert!(values.iter().all(|v| *v == json!("a") || *v == json!("b")));
        assert!(values.contains(&json!("a")));
        // Values the type refuses are skipped.
        let mixed = json!({"type": "integer", "enum": [null, "x", 3]});
        assert!(answers(&document, &mixed, 20)
            .iter()
            .all(|v| *v == json!(3)));
        let constant = json!({"const": {"k": [1, 2]}});
        assert!(answers(&document, &constant, 10)
            .iter()
            .all(|v| *v == json!({"k": [1, 2]})));
    }

    #[test]
    fn all_of_merges_properties_required_and_the_strictest_constraints() {
        let document = doc(json!({
            "Base": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "minimum": 1},
                "tag": {"type": "string", "maxLength": 10},
                "secret": {"type": "string", "writeOnly": true},
            }},
        }));
        let schema = json!({"allOf": [
            named("Base"),
            {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 3},
                "tag": {"type": "string", "minLength": 4},
            }},
            {"properties": {"id": {"maximum": 5, "exclusiveMinimum": 2}}},
        ]});
        let values = answers(&document, &schema, 100);
        assert_eq!(values[0]["id"], json!(3), "{}", values[0]);
        assert!(
            values[0].get("tag").is_some(),
            "examples include optional properties"
        );
        for value in &values {
            assert!(valid(&document, &schema, value), "{value}");
            assert!((3..=5).contains(&int(&value["id"])), "{value}");
            assert!(text(&value["name"]).chars().count() >= 3, "{value}");
            if let Some(tag) = value.get("tag") {
                assert!((4..=10).contains(&text(tag).chars().count()), "{value}");
            }
            assert!(value.get("secret").is_none(), "{value}");
        }

        let numbers = json!({"allOf": [
            {"type": "number", "minimum": 2},
            {"type": "integer", "maximum": 10, "multipleOf": 3},
        ]});
        let values = answers(&document, &numbers, 100);
        assert_eq!(values[0], json!(3));
        assert!(
            values.iter().all(|v| [3, 6, 9].contains(&int(v))),
            "{values:?}"
        );

        let closed = json!({"allOf": [
            {"properties": {"a": {}}, "required": ["a"], "additionalProperties": false},
            {"properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
        ]});
        for value in answers(&document, &closed, 50) {
            let keys: Vec<&String> = object(&value).keys().collect();
            assert_eq!(keys, ["a"], "{value}");
            text(&value["a"]);
        }

        let patterns = json!({"allOf": [
            {"type": "string", "pattern": "^[a-z]+$"},
            {"pattern": "x"},
            {"maxLength": 12},
        ]});
        for value in answers(&document, &patterns, 50) {
            let value = text(&value);
            assert!(matches("^[a-z]+$", value) && value.contains('x'), "{value}");
            assert!(value.chars().count() <= 12, "{value}");
        }
    }

    #[test]
    fn one_of_with_discriminator_sets_the_mapping_key_or_the_schema_name() {
        let document = doc(json!({
            "Pet": {
                "oneOf": [named("Cat"), named("Dog")],
                "discriminator": {
                    "propertyName": "petType",
                    "mapping": {"kitty": "#/components/schemas/Cat"},
                },
            },
            "Cat": {"type": "object", "required": ["petType", "meows"], "properties": {
                "petType": {"type": "string"},
                "meows": {"type": "boolean"},
            }},
            "Dog": {"type": "object", "required": ["petType", "barks"], "properties": {
                "petType": {"type": "string"},
                "barks": {"type": "boolean"},
            }},
        }));
        let values = answers(&document, &named("Pet"), 100);
        assert_eq!(values[0]["petType"], json!("kitty"), "{}", values[0]);
        let mut kinds = BTreeSet::new();
        for value in &values {
            let kind = text(&value["petType"]);
            match kind {
                "kitty" => assert!(value["meows"].is_boolean() && value.get("barks").is_none()),
                "Dog" => assert!(value["barks"].is_boolean() && value.get("meows").is_none()),
                other => panic!("{other}: {value}"),
            }
            kinds.insert(kind.to_owned());
        }
        assert_eq!(kinds.len(), 2, "seeds choose both members");
    }

    #[test]
    fn one_of_of_a_polymorphic_base_names_each_kind() {
        let document = doc(json!({
            "Shape": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind"},
                "oneOf": [named("Circle"), named("Square")],
            },
            "Circle": {"allOf": [named("Shape"), {"type": "object", "required": ["radius"], "properties": {
                "radius": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
            }}]},
            "Square": {"allOf": [named("Shape"), {"type": "object", "required": ["side"], "properties": {
                "side": {"type": "integer", "minimum": 1},
            }}]},
        }));
        let values = answers(&document, &named("Shape"), 60);
        assert_eq!(values[0]["kind"], json!("Circle"), "{}", values[0]);
        for value in &values {
            assert!(valid(&document, &named("Shape"), value), "{value}");
            match text(&value["kind"]) {
                "Circle" => {
                    assert!(value["radius"].as_f64().is_some_and(|r| r > 0.0), "{value}");
                    assert!(value.get("side").is_none(), "{value}");
                }
                "Square" => assert!(int(&value["side"]) >= 1, "{value}"),
                other => panic!("{other}: {value}"),
            }
        }
        assert_eq!(
            examples(&document, &named("Square"))["kind"],
            json!("Square")
        );
    }

    #[test]
    fn one_of_answers_match_exactly_one_member() {
        let document = doc(json!({}));
        // Every integer is a number: only a fraction matches one member alone.
        let numeric = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        for value in answers(&document, &numeric, 50) {
            let x = value
                .as_f64()
                .unwrap_or_else(|| panic!("a number: {value}"));
            assert!(x.fract() != 0.0, "{value}");
        }
        // A uuid is also a string: the plain string is the answer.
        let strings = json!({"oneOf": [{"type": "string", "format": "uuid"}, {"type": "string"}]});
        let uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
        for value in answers(&document, &strings, 50) {
            assert!(!matches(uuid, text(&value)), "{value}");
        }
        let objects = json!({"oneOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]});
        for value in answers(&document, &objects, 50) {
            let map = object(&value);
            assert!(map.contains_key("a") != map.contains_key("b"), "{value}");
        }
    }

    #[test]
    fn any_of_takes_the_first_member_in_examples() {
        let document = doc(json!({}));
        let schema = json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]});
        let value = examples(&document, &schema);
        assert!(text(&value).chars().count() <= 3, "{value}");
        let values = answers(&document, &schema, 50);
        assert!(values.iter().any(Value::is_i64), "seeds vary the member");
        for value in &values {
            assert!(
                value.is_i64() || text(value).chars().count() <= 3,
                "{value}"
            );
        }
    }

    #[test]
    fn objects_required_optional_write_only_and_closed() {
        let document = doc(json!({"Secret": {"type": "string", "writeOnly": true}}));
        let schema = json!({
            "type": "object",
            "required": ["id", "token"],
            "properties": {
                "id": {"type": "integer"},
                "nick": {"type": "string"},
                "secret": {"type": "string", "writeOnly": true},
                "hidden": named("Secret"),
                "created": {"type": "string", "format": "date-time", "readOnly": true},
                "token": {"type": "string", "writeOnly": true},
            },
            "additionalProperties": false,
        });
        let values = answers(&document, &schema, 100);
        let keys: Vec<&String> = object(&values[0]).keys().collect();
        assert_eq!(keys, ["id", "nick", "created", "token"]);
        let mut with_nick = 0;
        for value in &values {
            let map = object(value);
            assert!(
                map.contains_key("id") && map.contains_key("token"),
                "{value}"
            );
            assert!(
                !map.contains_key("secret") && !map.contains_key("hidden"),
                "{value}"
            );
            assert!(
                map.keys()
                    .all(|k| ["id", "nick", "created", "token"].contains(&k.as_str())),
                "{value}"
            );
            with_nick += usize::from(map.contains_key("nick"));
        }
        assert!(
            (10..=91).contains(&with_nick),
            "optional properties vary: {with_nick}"
        );

        let at_least = json!({"type": "object", "minProperties": 2, "properties": {
            "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"},
        }});
        for value in answers(&document, &at_least, 100) {
            assert!(object(&value).len() >= 2, "{value}");
        }
        let at_most = json!({"type": "object", "maxProperties": 1, "required": ["a"], "properties": {
            "a": {"type": "string"}, "b": {"type": "string"},
        }});
        for value in answers(&document, &at_most, 50) {
            assert_eq!(object(&value).keys().collect::<Vec<_>>(), ["a"], "{value}");
        }
        let map = json!({"type": "object", "minProperties": 3, "additionalProperties": {
            "type": "integer", "minimum": 5,
        }});
        for value in answers(&document, &map, 50) {
            let entries = object(&value);
            assert!(entries.len() >= 3, "{value}");
            assert!(entries.values().all(|v| int(v) >= 5), "{value}");
        }
        let plain_map = json!({"type": "object", "additionalProperties": {"type": "boolean"}});
        assert_eq!(examples(&document, &plain_map), json!({"key1": true}));
    }

    #[test]
    fn patterns_are_matched() {
        let document = doc(json!({}));
        let oxide = [
            r"^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$",
            r"^[0-9]{3}-[0-9]{4}$",
            r"^(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$",
            r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
            r"^([a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))(\.[a-zA-Z0-9]+[a-zA-Z0-9\-]*(?<!-))*$",
            r"^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])/([0-9]|1[0-9]|2[0-9]|3[0-2])$",
            r"^(([a-z]+[a-z0-9]*)(_([a-z0-9]+))*):(([a-z]+[a-z0-9]*)(_([a-z0-9]+))*)$",
            r"^[0-9]{1,5}(-[0-9]{1,5})?$",
            r"^([a-zA-Z0-9_]+|\*|\*\*)(\.([a-zA-Z0-9_]+|\*|\*\*))*$",
            r"^([0-9a-fA-F]{0,2}:){5}[0-9a-fA-F]{0,2}$",
            r"^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))\/([0-9]|[1-9][0-9]|1[0-1][0-9]|12[0-8])$",
            r"^[^a-z]{3}\.[\w\-]{2,4}$",
            r"^\u0041\x42[C-E]?\d*$",
            r"(cat|dog)s?\b",
        ];
        for pattern in oxide {
            let schema = json!({"type": "string", "pattern": pattern});
            let values = answers(&document, &schema, 50);
            for value in &values {
                assert!(matches(pattern, text(value)), "{pattern}: {value}");
            }
        }
        assert_eq!(
            examples(&document, &json!({"type": "string", "pattern": oxide[0]})),
            json!("string")
        );
        assert_eq!(
            examples(&document, &json!({"type": "string", "pattern": oxide[1]})),
            json!("000-0000")
        );
        let digits = answers(
            &document,
            &json!({"type": "string", "pattern": oxide[1]}),
            50,
        );
        let distinct: BTreeSet<&str> = digits.iter().map(text).collect();
        assert!(distinct.len() > 10, "seeds vary the digits: {distinct:?}");

        let lengths =
            json!({"type": "string", "pattern": "^[a-z]+$", "minLength": 10, "maxLength": 12});
        for value in answers(&document, &lengths, 50) {
            let value = text(&value);
            assert!(matches("^[a-z]+$", value), "{value}");
            assert!((10..=12).contains(&value.chars().count()), "{value}");
        }
        let iban = json!({"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", "minLength": 15, "maxLength": 34});
        for value in answers(&document, &iban, 50) {
            let value = text(&value);
            assert!(matches("^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", value), "{value}");
            assert!((15..=34).contains(&value.chars().count()), "{value}");
        }
    }

    #[test]
    fn a_pattern_nothing_matches_gives_a_string_of_the_right_length() {
        let document = doc(json!({}));
        // Matches nothing; the answer is a string within the length bounds.
        let never =
            json!({"type": "string", "pattern": "^(?!a)a$", "minLength": 2, "maxLength": 4});
        for value in answers(&document, &never, 10) {
            let value = text(&value);
            assert!(!matches("^(?!a)a$", value));
            assert!((2..=4).contains(&value.chars().count()), "{value}");
        }
        // Back-references are outside what candidates are made from.
        let backreference = json!({"type": "string", "pattern": "^(xy)\\1$"});
        assert!(examples(&document, &backreference).is_string());
        // A pattern regress cannot compile is ignored.
        let broken = json!({"type": "string", "pattern": "(", "minLength": 1});
        assert_eq!(examples(&document, &broken), json!("string"));
    }

    #[test]
    fn formats() {
        let document = doc(json!({}));
        let check = |format: &str, value: &str| -> bool {
            match format {
                "date-time" => matches(
                    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$",
                    value,
                ),
                "date" => matches(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$", value),
                "time" => matches(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$", value),
                "uuid" => matches(
                    "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                    value,
                ),
                "email" => matches(r"^[a-z0-9]+@example\.com$", value),
                "uri" | "url" => value.starts_with("https://example.com/"),
                "hostname" => is_hostname(value) && value.contains('.'),
                "ipv4" => value.parse::<Ipv4Addr>().is_ok(),
                "ipv6" => value.parse::<Ipv6Addr>().is_ok(),
                "ip" => value.parse::<IpAddr>().is_ok(),
                "byte" => base64::engine::general_purpose::STANDARD
                    .decode(value)
                    .is_ok(),
                "int64" => value.parse::<i64>().is_ok(),
                "binary" | "unknown-vendor-format" => !value.is_empty(),
                other => panic!("{other}"),
            }
        };
        for format in [
            "date-time",
            "date",
            "time",
            "uuid",
            "email",
            "uri",
            "url",
            "hostname",
            "ipv4",
            "ipv6",
            "ip",
            "byte",
            "int64",
            "binary",
            "unknown-vendor-format",
        ] {
            let schema = json!({"type": "string", "format": format});
            let values = answers(&document, &schema, 30);
            for value in &values {
                assert!(check(format, text(value)), "{format}: {value}");
            }
            if !matches!(format, "binary" | "unknown-vendor-format") {
                let distinct: BTreeSet<&str> = values.iter().map(text).collect();
                assert!(
                    distinct.len() > 1 || format == "int64",
                    "{format} varies: {distinct:?}"
                );
            }
        }
        assert_eq!(
            examples(&document, &json!({"type": "string", "format": "date-time"})),
            json!("2024-01-02T03:04:05Z")
        );
        // A format and a length no format value fits: the length wins.
        let short = json!({"type": "string", "format": "uuid", "maxLength": 8});
        assert!(text(&examples(&document, &short)).chars().count() <= 8);

        for (format, low, high) in [
            ("uint8", 0, 255),
            ("int8", -128, 127),
            ("uint16", 0, 65535),
            ("int32", i64::from(i32::MIN), i64::from(i32::MAX)),
        ] {
            let schema = json!({"type": "integer", "format": format});
            for value in answers(&document, &schema, 200) {
                assert!((low..=high).contains(&int(&value)), "{format}: {value}");
            }
        }
        let huge = json!({"type": "integer", "format": "uint64", "minimum": 18_446_744_073_709_551_610_u64});
        for value in answers(&document, &huge, 50) {
            let n = value.as_u64().unwrap_or_else(|| panic!("a u64: {value}"));
            assert!(n >= 18_446_744_073_709_551_610, "{value}");
        }
    }

    #[test]
    fn numeric_bounds_and_multiples() {
        let document = doc(json!({}));
        type Case = (Value, Value, Box<dyn Fn(f64) -> bool>);
        let cases: Vec<Case> = vec![
            (
                json!({"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7}),
                json!(14),
                Box::new(|x| x == 14.0),
            ),
            (
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true}),
                json!(1),
                Box::new(|x| (1.0..=9.0).contains(&x) && x.fract() == 0.0),
            ),
            (
                json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 3}),
                json!(1),
                Box::new(|x| x == 1.0 || x == 2.0),
            ),
            (
                json!({"type": "integer", "minimum": -50, "maximum": -40}),
                json!(-40),
                Box::new(|x| (-50.0..=-40.0).contains(&x)),
            ),
            (
                json!({"type": "number", "minimum": 0.5, "maximum": 0.75}),
                json!(0.5),
                Box::new(|x| (0.5..=0.75).contains(&x)),
            ),
            (
                json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001}),
                json!(0.0005),
                Box::new(|x| x > 0.0 && x < 0.001),
            ),
            (
                json!({"type": "number", "multipleOf": 0.25, "minimum": 1.1}),
                json!(1.25),
                Box::new(|x| x >= 1.1 && (x * 4.0).fract() == 0.0),
            ),
            (
                json!({"type": "number", "multipleOf": 0.01, "minimum": 0.3, "maximum": 0.4}),
                json!(0.3),
                Box::new(|x| {
                    (0.3..=0.4).contains(&x) && ((x * 100.0).round() - x * 100.0).abs() < 1e-6
                }),
            ),
            (
                json!({"type": "number", "minimum": 3, "exclusiveMaximum": 3.5}),
                json!(3),
                Box::new(|x| (3.0..3.5).contains(&x)),
            ),
        ];
        for (schema, expected, fits) in &cases {
            let values = answers(&document, schema, 100);
            assert_eq!(&values[0], expected, "{schema}");
            for value in &values {
                let x = value
                    .as_f64()
                    .unwrap_or_else(|| panic!("a number: {value}"));
                assert!(fits(x), "{schema}: {value}");
                assert!(valid(&document, schema, value), "{schema}: {value}");
                if schema["type"] == "integer" {
                    int(value);
                }
            }
        }
    }

    #[test]
    fn arrays_counts_and_unique_items() {
        let document = doc(json!({}));
        let one = json!({"type": "array", "items": {"type": "integer"}});
        assert_eq!(examples(&document, &one), json!([0]));
        let bounded =
            json!({"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4});
        let values = answers(&document, &bounded, 100);
        assert_eq!(array(&values[0]).len(), 2);
        let lengths: BTreeSet<usize> = values.iter().map(|v| array(v).len()).collect();
        assert_eq!(lengths, BTreeSet::from([2, 3, 4]));
        let none = json!({"type": "array", "items": {"type": "integer"}, "maxItems": 0});
        assert!(answers(&document, &none, 20)
            .iter()
            .all(|v| *v == json!([])));

        let unique = [
            json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "string", "enum": ["r", "g", "b"]}}),
            json!({"type": "array", "uniqueItems": true, "minItems": 4, "maxItems": 4, "items": {"type": "integer", "minimum": 0, "maximum": 5}}),
            json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}),
            json!({"type": "array", "uniqueItems": true, "minItems": 2, "items": {"type": "boolean"}}),
            json!({"type": "array", "uniqueItems": true, "minItems": 3, "items": {"type": "string", "format": "uuid", "example": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}),
        ];
        for schema in &unique {
            for value in answers(&document, schema, 50) {
                let items = array(&value);
                let min =
                    usize::try_from(schema["minItems"].as_u64().expect("minItems")).expect("small");
                assert!(items.len() >= min, "{schema}: {value}");
                for (i, a) in items.iter().enumerate() {
                    assert!(!items[i + 1..].contains(a), "{schema}: {value}");
                }
                assert!(valid(&document, schema, &value), "{schema}: {value}");
            }
        }
        let tuple = json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false});
        for value in answers(&document, &tuple, 20) {
            let items = array(&value);
            assert!(items.len() <= 2, "{value}");
            if let Some(first) = items.first() {
                text(first);
            }
            if let Some(second) = items.get(1) {
                int(second);
            }
        }
        assert_eq!(array(&examples(&document, &tuple)).len(), 2);
    }

    #[test]
    fn examples_are_used_where_they_fit_and_dynamic_ignores_them() {
        let document = doc(json!({
            "Name": {"type": "string"},
            "Pet": {"type": "object", "properties": {"name": {"type": "string"}}, "example": {"name": "Tom"}},
        }));
        let cases = [
            (
                json!({"type": "string", "example": "tabby"}),
                json!("tabby"),
            ),
            (json!({"type": "integer", "examples": [42, 7]}), json!(42)),
            (json!({"type": "integer", "default": 9}), json!(9)),
            (
                json!({"type": "integer", "example": "nine", "default": 9}),
                json!(9),
            ),
            (
                json!({"$ref": "#/components/schemas/Name", "example": "given"}),
                json!("given"),
            ),
            (named("Pet"), json!({"name": "Tom"})),
            (
                json!({"type": "object", "properties": {
                    "name": {"type": "string", "example": "Rex"},
                    "age": {"type": "integer", "minimum": 1},
                    "owner": named("Pet"),
                }}),
                json!({"name": "Rex", "age": 1, "owner": {"name": "Tom"}}),
            ),
        ];
        for (schema, expected) in &cases {
            assert_eq!(&examples(&document, schema), expected, "{schema}");
            let mut same = 0;
            for seed in 0..20 {
                let value = synthesize(&document, schema, Synthesis::Dynamic(seed));
                same += usize::from(&value == expected);
                assert!(valid(&document, schema, &value), "{schema}: {value}");
            }
            assert!(same < 3, "{schema}: made-up answers ignore examples");
        }
        // An example the schema refuses is passed over.
        let wrong = json!({"type": "string", "format": "uuid", "example": "not-a-uuid"});
        assert_eq!(examples(&document, &wrong), json!(UUID));
        let wrong_pattern = json!({"type": "string", "pattern": "^[0-9]+$", "example": "abc"});
        assert!(matches(
            "^[0-9]+$",
            text(&examples(&document, &wrong_pattern))
        ));
    }

    #[test]
    fn answers_are_deterministic_and_seeds_vary_them() {
        let document = composite();
        let order = named("Order");
        assert_eq!(examples(&document, &order), examples(&document, &order));
        for seed in [0, 1, 99] {
            assert_eq!(
                synthesize(&document, &order, Synthesis::Dynamic(seed)),
                synthesize(&document, &order, Synthesis::Dynamic(seed))
            );
        }
        let distinct: BTreeSet<String> = (0..20)
            .map(|seed| synthesize(&document, &order, Synthesis::Dynamic(seed)).to_string())
            .collect();
        assert_eq!(distinct.len(), 20);
    }

    fn composite() -> Value {
        doc(json!({
            "Order": {
                "type": "object",
                "required": ["id", "status", "items", "placed", "customer"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "status": {"type": "string", "enum": ["new", "paid", "shipped"]},
                    "placed": {"type": "string", "format": "date-time"},
                    "note": {"type": "string", "nullable": true, "maxLength": 20},
                    "code": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
                    "total": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1000, "multipleOf": 0.01},
                    "quantity": {"type": "integer", "format": "uint16", "minimum": 1},
                    "items": {"type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": true, "items": named("Line")},
                    "customer": named("Customer"),
                    "payment": named("Payment"),
                    "tags": {"type": "object", "additionalProperties": {"type": "string", "minLength": 2}},
                    "parent": {"allOf": [named("Order")], "nullable": true},
                },
                "additionalProperties": false,
            },
            "Line": {"type": "object", "required": ["sku", "count"], "properties": {
                "sku": {"type": "string", "pattern": "^[a-z]{3}[0-9]{2}$"},
                "count": {"type": "integer", "minimum": 1, "maximum": 9},
            }},
            "Customer": {"allOf": [named("Named"), {"type": "object", "required": ["email"], "properties": {
                "email": {"type": "string", "format": "email"},
                "vip": {"type": "boolean"},
            }}]},
            "Named": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 8},
            }},
            "Payment": {
                "oneOf": [named("Card"), named("Transfer")],
                "discriminator": {"propertyName": "method", "mapping": {
                    "card": "#/components/schemas/Card",
                    "bank": "#/components/schemas/Transfer",
                }},
            },
            "Card": {"type": "object", "required": ["method", "last4"], "properties": {
                "method": {"type": "string", "enum": ["card"]},
                "last4": {"type": "string", "pattern": "^[0-9]{4}$"},
            }, "additionalProperties": false},
            "Transfer": {"type": "object", "required": ["method", "iban"], "properties": {
                "method": {"type": "string", "enum": ["bank"]},
                "iban": {"type": "string", "minLength": 15, "maxLength": 34, "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]+$"},
            }, "additionalProperties": false},
        }))
    }

    /// Every constraint of the composite `Order`, checked by hand.
    fn check_order(value: &Value) {
        let order = object(value);
        let allowed = [
            "id", "status", "placed", "note", "code", "total", "quantity", "items", "customer",
            "payment", "tags", "parent",
        ];
        assert!(
            order.keys().all(|k| allowed.contains(&k.as_str())),
            "{value}"
        );
        assert!(matches(
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            text(&order["id"])
        ));
        assert!(["new", "paid", "shipped"].contains(&text(&order["status"])));
        assert!(matches(
            r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
            text(&order["placed"])
        ));
        if let Some(note) = order.get("note").filter(|n| !n.is_null()) {
            assert!(text(note).chars().count() <= 20, "{value}");
        }
        if let Some(code) = order.get("code") {
            assert!(matches("^[A-Z]{2}-[0-9]{3}$", text(code)), "{value}");
        }
        if let Some(total) = order.get("total") {
            let total = total.as_f64().expect("a number");
            assert!(total > 0.0 && total <= 1000.0, "{value}");
            assert!(
                ((total * 100.0).round() - total * 100.0).abs() < 1e-6,
                "{value}"
            );
        }
        if let Some(quantity) = order.get("quantity") {
            assert!((1..=65535).contains(&int(quantity)), "{value}");
        }
        let items = array(&order["items"]);
        assert!((1..=5).contains(&items.len()), "{value}");
        for (i, line) in items.iter().enumerate() {
            assert!(!items[i + 1..].contains(line), "{value}");
            assert!(matches("^[a-z]{3}[0-9]{2}$", text(&line["sku"])), "{value}");
            assert!((1..=9).contains(&int(&line["count"])), "{value}");
        }
        let customer = object(&order["customer"]);
        assert!(
            (1..=8).contains(&text(&customer["name"]).chars().count()),
            "{value}"
        );
        assert!(text(&customer["email"]).contains('@'), "{value}");
        if let Some(vip) = customer.get("vip") {
            assert!(vip.is_boolean(), "{value}");
        }
        if let Some(payment) = order.get("payment") {
            let payment = object(payment);
            match text(&payment["method"]) {
                "card" => {
                    assert_eq!(payment.len(), 2, "{value}");
                    assert!(matches("^[0-9]{4}$", text(&payment["last4"])), "{value}");
                }
                "bank" => {
                    assert_eq!(payment.len(), 2, "{value}");
                    let iban = text(&payment["iban"]);
                    assert!(matches("^[A-Z]{2}[0-9]{2}[A-Z0-9]+$", iban), "{value}");
                    assert!((15..=34).contains(&iban.len()), "{value}");
                }
                other => panic!("{other}: {value}"),
            }
        }
        if let Some(tags) = order.get("tags") {
            assert!(
                object(tags).values().all(|t| text(t).chars().count() >= 2),
                "{value}"
            );
        }
        if let Some(parent) = order.get("parent").filter(|p| !p.is_null()) {
            check_order(parent);
        }
    }

    #[test]
    fn hundreds_of_seeds_on_a_composite_schema() {
        let document = composite();
        let order = named("Order");
        let mut methods = BTreeSet::new();
        let mut statuses = BTreeSet::new();
        for value in answers(&document, &order, 400) {
            check_order(&value);
            assert!(valid(&document, &order, &value), "{value}");
            if let Some(method) = value.get("payment").map(|p| p["method"].clone()) {
                methods.insert(method.to_string());
            }
            statuses.insert(value["status"].to_string());
        }
        assert_eq!(methods.len(), 2, "{methods:?}");
        assert_eq!(statuses.len(), 3, "{statuses:?}");
        let rich = examples(&document, &order);
        for key in [
            "note", "code", "total", "quantity", "payment", "tags", "parent",
        ] {
            assert!(rich.get(key).is_some(), "examples include {key}: {rich}");
        }
    }

    /// The required properties `schema` (a component, its `allOf` merged) declares.
    fn required_of(document: &Value, schema: &Value) -> Vec<String> {
        let flat = Synth::new(document, false, 0).flatten(schema, Depth::default());
        match flat.get("required") {
            Some(Value::Array(names)) => names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn every_oxide_schema_in_both_modes() {
        // The checkout's sibling `shared/specs`, which CI has: missing, the test fails.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/oxide");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared specs beside the checkout)",
                dir.display()
            )
        });
        let started = std::time::Instant::now();
        let mut schemas = 0;
        let mut refused = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().map_or(true, |e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let document: Value = serde_json::from_str(&text).expect("JSON");
            let Some(Value::Object(components)) = document.pointer("/components/schemas") else {
                continue;
            };
            for name in components.keys() {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                let schema = json!({"$ref": format!("#/components/schemas/{escaped}")});
                let required = required_of(&document, &schema);
                for how in [
                    Synthesis::Examples,
                    Synthesis::Dynamic(1),
                    Synthesis::Dynamic(2),
                ] {
                    let value = synthesize(&document, &schema, how);
                    if let Value::Object(map) = &value {
                        for key in &required {
                            assert!(map.contains_key(key), "{name} {how:?}: {key} in {value}");
                        }
                    }
                    if !valid(&document, &schema, &value) {
                        refused.push(format!("{}#{name} {how:?}: {value}", path.display()));
                    }
                }
                schemas += 1;
            }
        }
        assert!(schemas > 400, "{schemas}");
        assert!(
            refused.is_empty(),
            "{} refused:\n{}",
            refused.len(),
            refused.join("\n")
        );
        eprintln!("{schemas} schemas in {:?}", started.elapsed());
    }
}
