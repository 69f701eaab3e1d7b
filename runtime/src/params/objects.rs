//! Building object-valued parameters: the builder that converts each property by its
//! declared type, objects written as lists (`simple`, `label`, `matrix`, non-exploded
//! `form`) and exploded `form` objects whose properties are query keys or cookies.

use serde_json::{Map, Value};

use super::scalars::to_value;
use super::vocabulary::{Claim, Extra, Field, Object};

/// An object written as a list: `name=value` items when exploded, otherwise names and
/// values alternating.
pub(super) fn object_from_list<'a>(
    object: &Object,
    explode: bool,
    mut parts: impl Iterator<Item = &'a str>,
) -> Result<Value, String> {
    let mut builder = ObjectBuilder::new(object);
    if explode {
        for part in parts {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("expected name=value, got \"{part}\""))?;
            builder.add(key, value)?;
        }
    } else {
        while let Some(key) = parts.next() {
            let value = parts
                .next()
                .ok_or_else(|| format!("property \"{key}\" has no value"))?;
            builder.add(key, value)?;
        }
    }
    Ok(builder.finish())
}

/// An exploded `form` object: each declared property is its own query key or cookie.
/// Keys that are not declared belong to something else and are not collected, unless the
/// object collects the rest (`others` is given): then every key nobody else claims is
/// one of its undeclared properties.
pub(super) fn exploded_form_object(
    object: &Object,
    others: Option<&[Claim]>,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut builder = ObjectBuilder::new(object);
    let mut found = false;
    for (key, value) in pairs {
        let declared = object.properties.iter().any(|p| p.name == key);
        if let Some(path) = nested_key(object, key) {
            found = true;
            builder.add_path(&path?, value)?;
            continue;
        }
        let collected = || others.is_some_and(|others| !others.iter().any(|c| c.takes(key)));
        if declared || collected() {
            found = true;
            builder.add(key, value)?;
        }
    }
    Ok(found.then(|| builder.finish()))
}

/// A key `inner[x]` (or `inner[x][y]`, `inner[list][]`) under a nested object property
/// `inner` of an exploded `form` object, as qs and Rails write nested objects, which
/// OpenAPI leaves undefined: the property path, or an error for malformed brackets.
/// `None` when the key does not start with such a property's name and `[`.
fn nested_key<'k>(object: &Object, key: &'k str) -> Option<Result<Vec<&'k str>, String>> {
    let (name, rest) = key.split_at(key.find('[')?);
    object
        .properties
        .iter()
        .any(|p| p.name == name && matches!(p.value, Field::Object(_)))
        .then(|| {
            let mut path = vec![name];
            path.extend(brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?);
            Ok(path)
        })
}

/// The names in `[a][b][]`; `None` unless the text is only bracketed names.
pub(super) fn brackets(mut rest: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        names.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    Some(names)
}

/// Collects an object's properties, converting each by its declared type.
pub(super) struct ObjectBuilder {
    object: Object,
    map: Map<String, Value>,
    /// Nested objects of a deep object, by property name, in order of appearance.
    nested: Vec<(String, ObjectBuilder)>,
}

impl ObjectBuilder {
    pub(super) fn new(object: &Object) -> Self {
        Self {
            object: *object,
            map: Map::new(),
            nested: Vec::new(),
        }
    }

    fn field(&self, key: &str) -> Result<Field, String> {
        if let Some(property) = self.object.properties.iter().find(|p| p.name == key) {
            return Ok(property.value);
        }
        match self.object.additional {
            Some(Extra::Scalar(scalar)) => Ok(Field::Scalar(scalar)),
            Some(Extra::Array(item)) => Ok(Field::Array(item)),
            None => Err(format!("unknown property \"{key}\"")),
        }
    }

    /// One `key=value`; a repeated key adds an item to an array property.
    fn add(&mut self, key: &str, raw: &str) -> Result<(), String> {
        let convert = |scalar| {
            to_value(scalar, raw).map_err(|reason| format!("property \"{key}\": {reason}"))
        };
        match self.field(key)? {
            Field::Scalar(scalar) => {
                let value = convert(scalar)?;
                if self.map.insert(key.to_owned(), value).is_some() {
                    return Err(format!("property \"{key}\" is given more than once"));
                }
            }
            Field::Array(item) => {
                let value = convert(item)?;
                let entry = self
                    .map
                    .entry(key.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = entry {
                    items.push(value);
                }
            }
            Field::Object(_) => {
                return Err(format!(
                    "property \"{key}\" is an object, which needs a key per property"
                ))
            }
        }
        Ok(())
    }

    /// One deep-object key below the parameter's name: `[key]`, `[key][]` (or `[key][0]`)
    /// for an item of an array property, `[key][nested]` for a nested object's property.
    pub(super) fn add_path(&mut self, path: &[&str], raw: &str) -> Result<(), String> {
        let (key, rest) = match path {
            [key, rest @ ..] if !key.is_empty() => (*key, rest),
            _ => return Err("empty property name".to_owned()),
        };
        let is_index = |index: &str| index.bytes().all(|b| b.is_ascii_digit());
        match (self.field(key)?, rest) {
            (_, []) => self.add(key, raw),
            // Items are kept in order of appearance; indices only mark them as items.
            (Field::Array(_), [index]) if is_index(index) => self.add(key, raw),
            (Field::Object(object), _) => {
                let at = match self.nested.iter().position(|(name, _)| name == key) {
                    Some(at) => at,
                    None => {
                        self.nested
                            .push((key.to_owned(), ObjectBuilder::new(&object)));
                        self.nested.len() - 1
                    }
                };
                self.nested[at]
                    .1
                    .add_path(rest, raw)
                    .map_err(|reason| format!("property \"{key}\": {reason}"))
            }
            (Field::Array(_), _) => Err(format!("property \"{key}\" is an array, not an object")),
            (Field::Scalar(_), _) => Err(format!("property \"{key}\" is not an object")),
        }
    }

    pub(super) fn finish(mut self) -> Value {
        for (name, nested) in self.nested {
            self.map.insert(name, nested.finish());
        }
        Value::Object(self.map)
    }
}

#[cfg(test)]
mod tests {
    use crate::params::testing::*;
    use crate::params::{
        cookie_pairs, Claim, Extra, Field, Object, Param, Property, Raw, Scalar, Shape, Style,
    };
    use serde_json::{json, Value};

    #[test]
    fn form_objects() {
        let exploded = Param::query("color", object(true));
        // Declared properties are their own keys; other keys belong to other parameters.
        assert_eq!(
            query(&exploded, &[("R", "100"), ("G", "200"), ("limit", "5")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        assert!(
            message(query(&exploded, &[("R", "1"), ("R", "2")]).unwrap_err())
                .ends_with("property \"R\" is given more than once")
        );
        let flat = Param::query("color", object(false));
        assert_eq!(
            query(&flat, &[("color", "R,100,G,200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        assert_eq!(query(&flat, &[("color", "")]).unwrap(), Some(json!({})));
        assert!(
            message(query(&flat, &[("color", "R,100,X,1")]).unwrap_err())
                .ends_with("unknown property \"X\"")
        );
        let space = Param::query("color", object(false)).styled(Style::SpaceDelimited);
        assert_eq!(
            query(&space, &[("color", "R 100 G 200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let pipe = Param::query("color", object(false)).styled(Style::PipeDelimited);
        assert_eq!(
            query(&pipe, &[("color", "R|100|G|200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let cookie = Param::cookie("color", object(true));
        let found = cookie_pairs(["R=100; G=200; session=x"].into_iter());
        assert_eq!(
            cookie.decode::<Value>(Raw::Pairs(&found)).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
    }

    #[test]
    fn form_objects_with_nested_objects() {
        // FILTER as an exploded `form` object: its nested `range` arrives as qs and Rails
        // write it, `range[min]=1`, and its undeclared keys are kept.
        let filter = Param::query(
            "filter",
            Shape::Object {
                object: FILTER,
                explode: true,
            },
        );
        let decoded = query(
            &filter,
            &[
                ("name", "ann"),
                ("range[min]", "1.5"),
                ("range[max]", "3"),
                ("tags", "a"),
            ],
        )
        .unwrap();
        assert_eq!(
            decoded,
            Some(json!({"name": "ann", "tags": ["a"], "range": {"min": 1.5, "max": 3}}))
        );
        assert!(message(query(&filter, &[("range[avg]", "1")]).unwrap_err())
            .ends_with("property \"range\": unknown property \"avg\""));
        assert!(message(query(&filter, &[("range[min", "1")]).unwrap_err())
            .ends_with("malformed key \"range[min\""));
        assert!(message(query(&filter, &[("range", "1")]).unwrap_err())
            .ends_with("property \"range\" is an object, which needs a key per property"));
        // Brackets under a property that is not an object are not this object's.
        assert_eq!(query(&filter, &[("name[x]", "1")]).unwrap(), None);
    }

    /// A free-form exploded `form` object of `additional` values beside a declared
    /// property `own`, collecting what `limit`, `sort[...]` and `q` leave.
    fn collector(additional: Extra) -> Param {
        const OTHERS: &[Claim] = &[Claim::Key("limit"), Claim::Under("sort"), Claim::Key("q")];
        const OWN: &[Property] = &[Property {
            name: "own",
            value: Field::Scalar(Scalar::Integer),
        }];
        Param::query(
            "filter",
            Shape::Object {
                object: Object {
                    properties: OWN,
                    additional: Some(additional),
                },
                explode: true,
            },
        )
        .collecting(OTHERS)
    }

    #[test]
    fn collected_form_objects() {
        let strings = collector(Extra::Scalar(Scalar::String));
        let raw = [
            ("limit", "5"),
            ("q", "x"),
            ("sort[by]", "name"),
            ("sorting", "kept"),
            ("own", "3"),
            ("color", "red"),
        ];
        assert_eq!(
            query(&strings, &raw).unwrap(),
            Some(json!({"sorting": "kept", "own": 3, "color": "red"}))
        );
        // Only claimed keys: nothing to collect.
        assert_eq!(query(&strings, &[("limit", "5")]).unwrap(), None);
        assert!(
            message(query(&strings, &[("a", "1"), ("a", "2")]).unwrap_err())
                .ends_with("property \"a\" is given more than once")
        );
        let numbers = collector(Extra::Scalar(Scalar::Number));
        assert_eq!(
            query(&numbers, &[("a", "1.5")]).unwrap(),
            Some(json!({"a": 1.5}))
        );
        assert!(message(query(&numbers, &[("a", "x")]).unwrap_err())
            .ends_with("property \"a\": expected a finite number"));
        let flags = collector(Extra::Scalar(Scalar::Boolean));
        assert_eq!(
            query(&flags, &[("a", "true")]).unwrap(),
            Some(json!({"a": true}))
        );
        let lists = collector(Extra::Array(Scalar::Integer));
        assert_eq!(
            query(&lists, &[("a", "1"), ("b", "2"), ("a", "3")]).unwrap(),
            Some(json!({"a": [1, 3], "b": [2]}))
        );
        // Without `collecting`, undeclared keys stay other parameters'.
        let mut plain = collector(Extra::Scalar(Scalar::String));
        plain.others = None;
        assert_eq!(
            query(&plain, &[("own", "1"), ("color", "red")]).unwrap(),
            Some(json!({"own": 1}))
        );
    }
}
