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

mod accepts;
mod checks;
mod merge;
mod numbers;
mod pattern;
mod scalars;
#[cfg(test)]
mod tests;

use base64::Engine as _;
use serde_json::{Map, Value};

use checks::{format_ok, json_eq, number_ok, pattern_matches, string_ok, type_matches};
use merge::{count, flag, merge_all};
use numbers::{
    date, decimals, fit_length, float_int_high, float_int_low, int_high, int_low, int_range,
    int_value, integer_step, limits, number_value, round_to, snap, tightest, time, uuid,
};
use pattern::{Node, Parser, MAX_REPEAT};

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
