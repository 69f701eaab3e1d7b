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

mod checks;
mod merge;
mod numbers;
mod pattern;
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
