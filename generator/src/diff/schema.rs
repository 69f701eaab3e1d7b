//! Comparing two schemas keyword by keyword, judged by the direction data flows.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{ChangeKind, Differ, Direction, Node, Side};

/// Upper bounds: lowering one admits fewer values.
const UPPER_BOUNDS: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
/// Lower bounds: raising one admits fewer values.
const LOWER_BOUNDS: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
/// How deep schema comparisons nest before the rest is deferred (see `schema`).
const MAX_DEPTH: usize = 64;

/// What a keyword present on one side or both amounts to.
enum Verdict {
    Same,
    Narrowed,
    Widened,
    Changed,
}

impl<'a> Differ<'a> {
    /// Compares the schema at `old` with the one at `new`, both possibly `$ref`s.
    pub(super) fn schema(&mut self, old: Node<'a>, new: Node<'a>, direction: Direction) {
        // A long chain of distinct components would nest this call once per link and
        // could overflow the stack; past a depth the pair waits for its own walk.
        if self.depth >= MAX_DEPTH {
            self.pending.push((old, new, direction));
            return;
        }
        self.depth += 1;
        self.compare(old, new, direction);
        self.depth -= 1;
    }

    fn compare(&mut self, old: Node<'a>, new: Node<'a>, direction: Direction) {
        let (old_raw, new_raw, new_pointer) = (old.value, new.value, new.pointer.clone());
        let (Some(old), Some(new)) = (self.resolve(Side::Old, old), self.resolve(Side::New, new))
        else {
            // An external or dangling reference: nothing to compare but the text.
            if old_raw != new_raw {
                self.push(
                    Side::New,
                    &new_pointer,
                    ChangeKind::SchemaChanged,
                    true,
                    "a schema whose reference cannot be resolved changed".into(),
                );
            }
            return;
        };
        // Recursive schemas come back to a pair already being compared; shared
        // components come back to one already compared. Either way, once is enough.
        if !self
            .seen
            .insert((old.pointer.clone(), new.pointer.clone(), direction))
        {
            return;
        }
        let (Some(old_map), Some(new_map)) = (old.object(), new.object()) else {
            // Boolean schemas (OpenAPI 3.1) or malformed ones.
            match (old.value, new.value) {
                (Value::Bool(true), Value::Object(_)) => self.narrowed(
                    direction,
                    &new.pointer,
                    ChangeKind::ConstraintNarrowed,
                    "the schema no longer accepts any value",
                ),
                (Value::Object(_), Value::Bool(true)) => self.widened(
                    direction,
                    &new.pointer,
                    ChangeKind::ConstraintWidened,
                    "the schema now accepts any value",
                ),
                (a, b) if a != b => self.push(
                    Side::New,
                    &new.pointer,
                    ChangeKind::SchemaChanged,
                    true,
                    "the schema changed".into(),
                ),
                _ => {}
            }
            return;
        };

        if !self.types(&old, &new, direction) {
            // A different type makes every other keyword moot.
            return;
        }

        let format = |map: &serde_json::Map<String, Value>| {
            map.get("format")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        match (format(old_map), format(new_map)) {
            (Some(o), Some(n)) if o != n => self.push(
                Side::New,
                &new.pointer,
                ChangeKind::TypeChanged,
                true,
                format!("format changed from `{o}` to `{n}`"),
            ),
            (Some(o), None) => self.widened(
                direction,
                &new.pointer,
                ChangeKind::ConstraintWidened,
                &format!("format `{o}` removed"),
            ),
            (None, Some(n)) => self.narrowed(
                direction,
                &new.pointer,
                ChangeKind::ConstraintNarrowed,
                &format!("format `{n}` added"),
            ),
            _ => {}
        }

        self.enums(&old, &new, direction);
        self.bounds(&old, &new, direction);
        self.properties(&old, &new, direction);
        self.additional_properties(&old, &new, direction);

        match (old.child("items"), new.child("items")) {
            (Some(o), Some(n)) => self.schema(o, n, direction),
            (None, Some(n)) => self.narrowed(
                direction,
                &n.pointer,
                ChangeKind::ConstraintNarrowed,
                "an `items` schema was added",
            ),
            (Some(_), None) => self.widened(
                direction,
                &new.pointer,
                ChangeKind::ConstraintWidened,
                "the `items` schema was removed",
            ),
            (None, None) => {}
        }
        // A tuple's items (`prefixItems`), place by place; one more or fewer shows in
        // `minItems` and `maxItems`.
        if let (Some(o), Some(n)) = (old.child("prefixItems"), new.child("prefixItems")) {
            for (o, n) in o.items().into_iter().zip(n.items()) {
                self.schema(o, n, direction);
            }
        }

        for keyword in ["allOf", "oneOf", "anyOf"] {
            self.subschemas(&old, &new, keyword, direction);
        }
    }

    /// Compares `type` (and `nullable`); false when the types are unrelated.
    fn types(&mut self, old: &Node<'a>, new: &Node<'a>, direction: Direction) -> bool {
        let (Some(old_types), Some(new_types)) = (type_set(old.value), type_set(new.value)) else {
            match (type_set(old.value), type_set(new.value)) {
                (Some(o), None) => self.widened(
                    direction,
                    &new.pointer,
                    ChangeKind::TypeWidened,
                    &format!("type {} removed, so any type is allowed", describe(&o)),
                ),
                (None, Some(n)) => self.narrowed(
                    direction,
                    &new.pointer,
                    ChangeKind::TypeNarrowed,
                    &format!("type restricted to {}", describe(&n)),
                ),
                _ => {}
            }
            return true;
        };
        let covers = |set: &BTreeSet<String>, ty: &String| {
            set.contains(ty) || (ty == "integer" && set.contains("number"))
        };
        let wider = old_types.iter().all(|t| covers(&new_types, t));
        let narrower = new_types.iter().all(|t| covers(&old_types, t));
        let what = format!(
            "type {} became {}",
            describe(&old_types),
            describe(&new_types)
        );
        match (wider, narrower) {
            (true, true) => true,
            (true, false) => {
                self.widened(direction, &new.pointer, ChangeKind::TypeWidened, &what);
                true
            }
            (false, true) => {
                self.narrowed(direction, &new.pointer, ChangeKind::TypeNarrowed, &what);
                true
            }
            (false, false) => {
                self.push(Side::New, &new.pointer, ChangeKind::TypeChanged, true, what);
                false
            }
        }
    }

    fn enums(&mut self, old: &Node<'a>, new: &Node<'a>, direction: Direction) {
        let values = |node: &Node<'a>| node.value.get("enum").and_then(Value::as_array);
        match (values(old), values(new)) {
            (Some(old_values), Some(new_values)) => {
                let at = format!("{}/enum", new.pointer);
                for value in new_values.iter().filter(|v| !old_values.contains(v)) {
                    self.widened(
                        direction,
                        &at,
                        ChangeKind::EnumValueAdded,
                        &format!("enum value {value} added"),
                    );
                }
                for value in old_values.iter().filter(|v| !new_values.contains(v)) {
                    self.narrowed(
                        direction,
                        &at,
                        ChangeKind::EnumValueRemoved,
                        &format!("enum value {value} removed"),
                    );
                }
            }
            (Some(_), None) => self.widened(
                direction,
                &new.pointer,
                ChangeKind::ConstraintWidened,
                "`enum` removed, so any value of the type is allowed",
            ),
            (None, Some(_)) => self.narrowed(
                direction,
                &format!("{}/enum", new.pointer),
                ChangeKind::ConstraintNarrowed,
                "`enum` added",
            ),
            (None, None) => {}
        }
    }

    fn bounds(&mut self, old: &Node<'a>, new: &Node<'a>, direction: Direction) {
        let number =
            |node: &Node<'a>, keyword: &str| node.value.get(keyword).and_then(Value::as_f64);
        for (keywords, upper) in [(UPPER_BOUNDS, true), (LOWER_BOUNDS, false)] {
            for keyword in keywords {
                let verdict = bound(number(old, keyword), number(new, keyword), upper);
                self.verdict(old, new, keyword, verdict, direction);
            }
        }
        // OpenAPI 3.0 writes exclusivity as a flag beside the bound, 3.1 as the bound.
        for (keyword, upper) in [("exclusiveMaximum", true), ("exclusiveMinimum", false)] {
            let verdict = match (old.value.get(keyword), new.value.get(keyword)) {
                (None, None) => Verdict::Same,
                (o, n)
                    if o.map_or(true, Value::is_boolean) && n.map_or(true, Value::is_boolean) =>
                {
                    let flag = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
                    match (flag(o), flag(n)) {
                        (false, true) => Verdict::Narrowed,
                        (true, false) => Verdict::Widened,
                        _ => Verdict::Same,
                    }
                }
                (o, n) if o.map_or(true, Value::is_number) && n.map_or(true, Value::is_number) => {
                    bound(o.and_then(Value::as_f64), n.and_then(Value::as_f64), upper)
                }
                _ => Verdict::Changed,
            };
            self.verdict(old, new, keyword, verdict, direction);
        }
        for keyword in ["pattern", "multipleOf"] {
            let verdict = match (old.value.get(keyword), new.value.get(keyword)) {
                (None, Some(_)) => Verdict::Narrowed,
                (Some(_), None) => Verdict::Widened,
                (Some(o), Some(n)) if o != n => Verdict::Changed,
                _ => Verdict::Same,
            };
            self.verdict(old, new, keyword, verdict, direction);
        }
        let unique = |node: &Node<'a>| {
            node.value
                .get("uniqueItems")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let verdict = match (unique(old), unique(new)) {
            (false, true) => Verdict::Narrowed,
            (true, false) => Verdict::Widened,
            _ => Verdict::Same,
        };
        self.verdict(old, new, "uniqueItems", verdict, direction);
    }

    fn verdict(
        &mut self,
        old: &Node<'a>,
        new: &Node<'a>,
        keyword: &str,
        verdict: Verdict,
        direction: Direction,
    ) {
        let show = |node: &Node<'a>| {
            node.value
                .get(keyword)
                .map_or_else(|| "none".to_string(), Value::to_string)
        };
        let what = format!("`{keyword}` changed from {} to {}", show(old), show(new));
        let at = match new.value.get(keyword) {
            Some(_) => format!("{}/{keyword}", new.pointer),
            None => new.pointer.clone(),
        };
        match verdict {
            Verdict::Same => {}
            Verdict::Narrowed => {
                self.narrowed(direction, &at, ChangeKind::ConstraintNarrowed, &what)
            }
            Verdict::Widened => self.widened(direction, &at, ChangeKind::ConstraintWidened, &what),
            Verdict::Changed => self.push(
                Side::New,
                &at,
                ChangeKind::ConstraintChanged,
                true,
                format!("{what} (in a {} schema)", direction.noun()),
            ),
        }
    }

    fn properties(&mut self, old: &Node<'a>, new: &Node<'a>, direction: Direction) {
        let props = |node: &Node<'a>| {
            node.child("properties")
                .map(|p| p.entries())
                .unwrap_or_default()
        };
        let required = |node: &Node<'a>| -> BTreeSet<String> {
            node.value
                .get("required")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_props, new_props) = (props(old), props(new));
        let (old_required, new_required) = (required(old), required(new));
        let closed = new.value.get("additionalProperties") == Some(&Value::Bool(false));
        // A write-only property never appears in responses, so losing it or its
        // `required` there is no news to clients.
        let write_only = |node: &Node<'a>| {
            direction == Direction::Response
                && node.value.get("writeOnly") == Some(&Value::Bool(true))
        };
        for (name, node) in &old_props {
            if new_props.iter().any(|(n, _)| n == name) || write_only(node) {
                continue;
            }
            let (breaking, why) = match direction {
                Direction::Response => (true, "clients reading it will miss it"),
                Direction::Request if closed => (true, "and additional properties are rejected"),
                Direction::Request => (false, "the server ignores it when sent"),
            };
            self.push(
                Side::Old,
                &node.pointer,
                ChangeKind::PropertyRemoved,
                breaking,
                format!(
                    "property `{name}` removed from a {} schema; {why}",
                    direction.noun()
                ),
            );
        }
        for (name, new_node) in &new_props {
            let Some((_, old_node)) = old_props.iter().find(|(n, _)| n == name) else {
                // A read-only property is never sent, so requiring it asks nothing of
                // clients.
                let sent = direction == Direction::Response
                    || new_node.value.get("readOnly") != Some(&Value::Bool(true));
                if direction == Direction::Request && sent && new_required.contains(name) {
                    self.push(
                        Side::New,
                        &new_node.pointer,
                        ChangeKind::RequiredPropertyAdded,
                        true,
                        format!("required property `{name}` added to a request schema"),
                    );
                } else {
                    self.push(
                        Side::New,
                        &new_node.pointer,
                        ChangeKind::PropertyAdded,
                        false,
                        format!("property `{name}` added to a {} schema", direction.noun()),
                    );
                }
                continue;
            };
            self.schema(old_node.clone(), new_node.clone(), direction);
            match (old_required.contains(name), new_required.contains(name)) {
                (false, true) => self.narrowed(
                    direction,
                    &new_node.pointer,
                    ChangeKind::PropertyMadeRequired,
                    &format!("property `{name}` is now required"),
                ),
                (true, false) if !write_only(old_node) => self.widened(
                    direction,
                    &new_node.pointer,
                    ChangeKind::PropertyMadeOptional,
                    &format!("property `{name}` is now optional"),
                ),
                _ => {}
            }
        }
    }

    fn additional_properties(&mut self, old: &Node<'a>, new: &Node<'a>, direction: Direction) {
        // Absent or `true` admits anything, `false` nothing, a schema what it admits.
        let old_extra = old.child("additionalProperties");
        let new_extra = new.child("additionalProperties");
        let kind = |node: &Option<Node<'a>>| match node.as_ref().map(|n| n.value) {
            None | Some(Value::Bool(true)) => 2,
            Some(Value::Bool(false)) => 0,
            Some(_) => 1,
        };
        let at = new_extra
            .as_ref()
            .map_or_else(|| new.pointer.clone(), |n| n.pointer.clone());
        let what = "`additionalProperties`";
        match (kind(&old_extra), kind(&new_extra)) {
            (1, 1) => {
                if let (Some(o), Some(n)) = (old_extra, new_extra) {
                    self.schema(o, n, direction);
                }
            }
            (o, n) if n < o => self.narrowed(
                direction,
                &at,
                ChangeKind::ConstraintNarrowed,
                &format!("{what} now admits fewer properties"),
            ),
            (o, n) if n > o => self.widened(
                direction,
                &at,
                ChangeKind::ConstraintWidened,
                &format!("{what} now admits more properties"),
            ),
            _ => {}
        }
    }

    /// Compares `allOf`, `oneOf` or `anyOf` lists. Members that are `$ref`s pair up
    /// by target, so reordering is not a change; inline members pair up by position.
    fn subschemas(&mut self, old: &Node<'a>, new: &Node<'a>, keyword: &str, direction: Direction) {
        let members = |node: &Node<'a>| node.child(keyword).map(|n| n.items()).unwrap_or_default();
        let (old_members, new_members) = (members(old), members(new));
        if old_members.is_empty() && new_members.is_empty() {
            return;
        }
        let reference = |node: &Node<'a>| {
            node.value
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut pairs = Vec::new();
        let mut removed = Vec::new();
        let mut old_inline = Vec::new();
        for member in &old_members {
            match reference(member) {
                Some(target) => match new_members
                    .iter()
                    .find(|n| reference(n).as_ref() == Some(&target))
                {
                    Some(pair) => pairs.push((member.clone(), pair.clone())),
                    None => removed.push(member.clone()),
                },
                None => old_inline.push(member.clone()),
            }
        }
        let mut added = Vec::new();
        let mut new_inline = Vec::new();
        for member in &new_members {
            match reference(member) {
                Some(target) => {
                    if !old_members
                        .iter()
                        .any(|o| reference(o).as_ref() == Some(&target))
                    {
                        added.push(member.clone());
                    }
                }
                None => new_inline.push(member.clone()),
            }
        }
        let common = old_inline.len().min(new_inline.len());
        pairs.extend(old_inline.iter().cloned().zip(new_inline.iter().cloned()));
        removed.extend(old_inline.into_iter().skip(common));
        added.extend(new_inline.into_iter().skip(common));
        for (o, n) in pairs {
            self.schema(o, n, direction);
        }
        // An `allOf` member is one more condition; a `oneOf`/`anyOf` member is one
        // more alternative.
        let all = keyword == "allOf";
        for member in added {
            let what = format!("`{keyword}` member added");
            if all {
                self.narrowed(
                    direction,
                    &member.pointer,
                    ChangeKind::ConstraintNarrowed,
                    &what,
                );
            } else {
                self.widened(direction, &member.pointer, ChangeKind::VariantAdded, &what);
            }
        }
        for member in removed {
            let at = new
                .child(keyword)
                .map_or_else(|| new.pointer.clone(), |n| n.pointer);
            let what = format!("`{keyword}` member {} removed", member.pointer);
            if all {
                self.widened(direction, &at, ChangeKind::ConstraintWidened, &what);
            } else {
                self.narrowed(direction, &at, ChangeKind::VariantRemoved, &what);
            }
        }
    }
}

/// The types a schema admits, with `null` for `nullable: true`; `None` for any.
///
/// Without `type`, object and array keywords imply their type: specs often add
/// `type: object` beside `properties` as a tidy-up, and calling that a narrowing
/// would fail CI for nothing any client sends.
fn type_set(schema: &Value) -> Option<BTreeSet<String>> {
    const OBJECT: [&str; 3] = ["properties", "additionalProperties", "required"];
    let mut types: BTreeSet<String> = match schema.get("type") {
        Some(Value::String(ty)) => BTreeSet::from([ty.clone()]),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        None if OBJECT.iter().any(|k| schema.get(k).is_some()) => BTreeSet::from(["object".into()]),
        None if schema.get("items").is_some() => BTreeSet::from(["array".into()]),
        _ => return None,
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        types.insert("null".into());
    }
    Some(types)
}

fn describe(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" | ")
}

fn bound(old: Option<f64>, new: Option<f64>, upper: bool) -> Verdict {
    match (old, new) {
        (None, None) => Verdict::Same,
        (Some(_), None) => Verdict::Widened,
        (None, Some(_)) => Verdict::Narrowed,
        (Some(o), Some(n)) if o == n => Verdict::Same,
        (Some(o), Some(n)) if (n < o) == upper => Verdict::Narrowed,
        _ => Verdict::Widened,
    }
}
