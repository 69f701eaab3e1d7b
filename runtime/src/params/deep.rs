//! The `deepObject` style: query keys `name[key]`, for objects as OpenAPI defines it and
//! for the lists and compositions APIs write the same way.

use serde_json::{Map, Value};

use super::objects::{brackets, ObjectBuilder};
use super::scalars::{items, to_value};
use super::vocabulary::{Object, Scalar};

/// A `deepObject` array. OpenAPI defines `deepObject` for objects only; APIs that use it
/// for lists (Stripe) write `name[]=a&name[]=b` or `name[0]=a&name[1]=b`, and clients
/// also send plain `name=a&name=b`. All three are read, items in order of appearance.
pub(super) fn deep_array(
    item: Scalar,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut values = Vec::new();
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        let index = match rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(index) => index,
            None if rest.is_empty() => "",
            // Another parameter whose name starts with this one's.
            None if !rest.starts_with('[') => continue,
            None => return Err(format!("malformed key \"{key}\"")),
        };
        if !index.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("key \"{key}\": a list takes no property names"));
        }
        values.push(value.as_str());
    }
    if values.is_empty() {
        return Ok(None);
    }
    items(item, values.into_iter().map(Ok)).map(Some)
}

/// A `deepObject`: every key `name[property]`, `name[property][]` (an array item) or
/// `name[property][nested]` (a property of a nested object).
pub(super) fn deep_object(
    object: &Object,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut builder = ObjectBuilder::new(object);
    let mut found = false;
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name).filter(|rest| rest.starts_with('[')) else {
            continue;
        };
        found = true;
        let path = brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?;
        builder.add_path(&path, value)?;
    }
    Ok(found.then(|| builder.finish()))
}

/// A `deepObject` parameter whose schema is a composition (Stripe's `created`: an
/// integer or a `{gt, lt}` range). A plain `name=value` is the scalar, converted as
/// `scalar`; `name[a][b]=v` keys build objects and `name[]`/`name[0]` lists, each value
/// read as JSON when it parses and as text otherwise. The generated type then decides
/// which alternative the value is.
pub(super) fn deep_any(
    scalar: Scalar,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut plain = Vec::new();
    let mut tree = Value::Null;
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        if rest.is_empty() {
            plain.push(value.as_str());
            continue;
        }
        if !rest.starts_with('[') {
            continue;
        }
        let path = brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?;
        let item = to_value(Scalar::Json, value).map_err(str::to_owned)?;
        insert_path(&mut tree, &path, item).map_err(|reason| format!("key \"{key}\": {reason}"))?;
    }
    match (plain.as_slice(), tree.is_null()) {
        ([], true) => Ok(None),
        ([], false) => Ok(Some(tree)),
        ([one], true) => to_value(scalar, one).map(Some).map_err(str::to_owned),
        ([_], false) => Err(format!(
            "both \"{name}\" and \"{name}[...]\" keys are given"
        )),
        (many, _) => Err(format!("expected a single value, got {}", many.len())),
    }
}

/// Puts `value` at `path` below `target`: names are object keys, empty or numeric
/// segments list items. An index already seen addresses its item (so `a[0][x]` and
/// `a[0][y]` fill one object); any other index appends, keeping items in order.
fn insert_path(target: &mut Value, path: &[&str], value: Value) -> Result<(), String> {
    let Some((segment, rest)) = path.split_first() else {
        if !target.is_null() {
            return Err("given more than once".to_owned());
        }
        *target = value;
        return Ok(());
    };
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        if target.is_null() {
            *target = Value::Array(Vec::new());
        }
        let Value::Array(items) = target else {
            return Err("mixes list items and property names".to_owned());
        };
        let at = match segment.parse::<usize>() {
            Ok(index) if index < items.len() && !rest.is_empty() => index,
            _ => {
                items.push(Value::Null);
                items.len() - 1
            }
        };
        insert_path(&mut items[at], rest, value)
    } else {
        if target.is_null() {
            *target = Value::Object(Map::new());
        }
        let Value::Object(map) = target else {
            return Err("mixes list items and property names".to_owned());
        };
        insert_path(map.entry(*segment).or_insert(Value::Null), rest, value)
    }
}

#[cfg(test)]
mod tests {
    use crate::params::testing::*;
    use crate::params::{Param, Scalar, Shape, Style};
    use serde_json::json;

    #[test]
    fn deep_objects() {
        let rgb = Param::query("color", object(true)).styled(Style::DeepObject);
        assert_eq!(
            query(
                &rgb,
                &[("color[R]", "100"), ("color[G]", "200"), ("R", "1")]
            )
            .unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        // `additionalProperties: false`: an undeclared key is an error, not ignored.
        assert!(message(query(&rgb, &[("color[X]", "1")]).unwrap_err())
            .ends_with("unknown property \"X\""));
        assert!(message(query(&rgb, &[("color[R", "1")]).unwrap_err())
            .ends_with("malformed key \"color[R\""));
        assert!(
            message(query(&rgb, &[("color[]", "1")]).unwrap_err()).ends_with("empty property name")
        );
        assert!(message(query(&rgb, &[("color[R][x]", "1")]).unwrap_err())
            .ends_with("property \"R\" is not an object"));
        // A key that merely starts with the name is another parameter's.
        assert_eq!(query(&rgb, &[("colors[R]", "1")]).unwrap(), None);

        let filter = Param::query(
            "filter",
            Shape::Object {
                object: FILTER,
                explode: true,
            },
        )
        .styled(Style::DeepObject);
        let decoded = query(
            &filter,
            &[
                ("filter[name]", "ann"),
                ("filter[tags][]", "a"),
                ("filter[tags]", "b"),
                ("filter[tags][2]", "c"),
                ("filter[range][min]", "1.5"),
                ("filter[range][max]", "3"),
                ("filter[extra]", "kept"),
            ],
        )
        .unwrap();
        assert_eq!(
            decoded,
            Some(json!({
                "name": "ann", "tags": ["a", "b", "c"],
                "range": {"min": 1.5, "max": 3}, "extra": "kept",
            }))
        );
        assert!(
            message(query(&filter, &[("filter[range][avg]", "1")]).unwrap_err())
                .ends_with("property \"range\": unknown property \"avg\"")
        );
        assert!(
            message(query(&filter, &[("filter[range][min]", "x")]).unwrap_err())
                .ends_with("property \"range\": property \"min\": expected a finite number")
        );
        assert!(
            message(query(&filter, &[("filter[range]", "1")]).unwrap_err())
                .contains("property \"range\" is an object")
        );
        assert!(
            message(query(&filter, &[("filter[name][]", "1")]).unwrap_err())
                .ends_with("property \"name\" is not an object")
        );
    }

    #[test]
    fn deep_object_arrays() {
        let expand = Param::query("expand", array(Scalar::String, true)).styled(Style::DeepObject);
        for raw in [
            &[("expand[]", "a"), ("expand[]", "b")][..],
            &[("expand[0]", "a"), ("expand[1]", "b")],
            &[("expand", "a"), ("expand", "b")],
            &[("expand[]", "a"), ("expandable", "x"), ("expand[7]", "b")],
        ] {
            assert_eq!(query(&expand, raw).unwrap(), Some(json!(["a", "b"])));
        }
        assert_eq!(query(&expand, &[("expandable", "x")]).unwrap(), None);
        assert!(message(query(&expand, &[("expand[x]", "a")]).unwrap_err())
            .ends_with("key \"expand[x]\": a list takes no property names"));
        assert!(message(query(&expand, &[("expand[0", "a")]).unwrap_err())
            .ends_with("malformed key \"expand[0\""));
        let ids = Param::query("ids", array(Scalar::Integer, false)).styled(Style::DeepObject);
        assert_eq!(
            query(&ids, &[("ids[]", "1"), ("ids[]", "2")]).unwrap(),
            Some(json!([1, 2]))
        );
        assert!(
            message(query(&ids, &[("ids[]", "x")]).unwrap_err()).ends_with("expected an integer")
        );
    }

    #[test]
    fn deep_compositions() {
        let created =
            Param::query("created", Shape::Scalar(Scalar::Json)).styled(Style::DeepObject);
        assert_eq!(
            query(&created, &[("created", "5")]).unwrap(),
            Some(json!(5))
        );
        assert_eq!(
            query(
                &created,
                &[
                    ("created[gt]", "1"),
                    ("created[lte]", "9"),
                    ("createdx", "0")
                ]
            )
            .unwrap(),
            Some(json!({"gt": 1, "lte": 9}))
        );
        assert_eq!(query(&created, &[("other", "1")]).unwrap(), None);
        assert!(
            message(query(&created, &[("created", "1"), ("created[gt]", "1")]).unwrap_err())
                .ends_with("both \"created\" and \"created[...]\" keys are given")
        );
        assert!(message(
            query(&created, &[("created[gt]", "1"), ("created[gt]", "2")]).unwrap_err()
        )
        .ends_with("key \"created[gt]\": given more than once"));
        let discounts =
            Param::query("discounts", Shape::Scalar(Scalar::Json)).styled(Style::DeepObject);
        assert_eq!(
            query(
                &discounts,
                &[
                    ("discounts[0][coupon]", "a"),
                    ("discounts[0][discount]", "b"),
                    ("discounts[1][coupon]", "c"),
                ]
            )
            .unwrap(),
            Some(json!([{"coupon": "a", "discount": "b"}, {"coupon": "c"}]))
        );
        assert_eq!(
            query(&discounts, &[("discounts[]", "x"), ("discounts[]", "y")]).unwrap(),
            Some(json!(["x", "y"]))
        );
        assert_eq!(
            query(&discounts, &[("discounts", "")]).unwrap(),
            Some(json!(""))
        );
        assert!(message(
            query(&discounts, &[("discounts[0]", "x"), ("discounts[a]", "y")]).unwrap_err()
        )
        .ends_with("mixes list items and property names"));
    }
}
