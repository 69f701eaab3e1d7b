//! Whether a schema accepts a value: the walk's own validator, which every example,
//! `enum` value and chosen branch passes before it is used.

use super::*;

impl Synth<'_> {
    /// Whether `schema` accepts `value`: JSON Schema validation of the keywords this
    /// module makes values for, plus `not`. Recursion through the same `$ref` for the
    /// same value counts as accepted, so recursive schemas validate finitely.
    pub(super) fn accepts(&mut self, schema: &Value, value: &Value, depth: u32) -> bool {
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

    pub(super) fn array_ok(&mut self, s: &Schema, items: &[Value], depth: u32) -> bool {
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

    pub(super) fn object_ok(&mut self, s: &Schema, map: &Schema, depth: u32) -> bool {
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
