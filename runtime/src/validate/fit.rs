//! What a body may hold but its Rust type cannot, left out before the type reads it.
//!
//! A `oneOf` told apart by a tag may have an alternative that declares only the tag,
//! without `additionalProperties: false`: `{"type": "auto"}` beside
//! `{"type": "explicit", "value": "fd00::1"}`, as Dropshot writes an enum whose variant
//! holds no data. Its Rust type is a unit variant, which serde refuses with anything
//! beside the tag (`{"type": "auto", "value": 5}`, adjacently tagged), though the schema
//! allows any other property. Such properties say nothing the type could keep, so they
//! go, and the rest of the body is read as sent.

use serde_json::{Map, Value};

use super::schema::{Additional, Schema};

/// Leaves out of `value`, wherever `schema` reaches, the properties beside the tag of
/// an object whose tag selects an alternative that declares nothing else
/// ([`Tagged::bare`](super::Tagged::bare)). Only called for a body the rules take and
/// its type refuses, so it costs nothing on the way of a valid body.
pub(crate) fn fit(value: &mut Value, schema: &Schema) {
    fit_at(value, schema, 0);
}

fn fit_at(value: &mut Value, schema: &Schema, depth: usize) {
    // As deep as the walk that checked the body goes.
    if depth > 64 {
        return;
    }
    if let Value::Object(map) = value {
        fit_object(map, schema, depth);
        return;
    }
    for part in schema.all_of {
        fit_at(value, part, depth + 1);
    }
    if let Value::Array(items) = value {
        for (index, item) in items.iter_mut().enumerate() {
            match schema.prefix_items.get(index).copied().or(schema.items) {
                Some(item_schema) => fit_at(item, item_schema, depth + 1),
                None => break,
            }
        }
    }
}

fn fit_object(map: &mut Map<String, Value>, schema: &Schema, depth: usize) {
    if depth > 64 {
        return;
    }
    for part in schema.all_of {
        fit_object(map, part, depth + 1);
    }
    for (name, property) in schema.properties {
        if let Some(member) = map.get_mut(*name) {
            fit_at(member, property, depth + 1);
        }
    }
    if let Additional::Schema(values) = schema.additional {
        for (name, member) in map.iter_mut() {
            if !schema
                .properties
                .iter()
                .any(|(declared, _)| declared == name)
            {
                fit_at(member, values, depth + 1);
            }
        }
    }
    let Some(tagged) = schema.tagged else {
        return;
    };
    let tag = map.get(tagged.property).and_then(Value::as_str);
    let bare = tag.is_some_and(|tag| tagged.bare.contains(&tag));
    let chosen = tag.and_then(|tag| {
        let (_, alternative) = tagged.alternatives.iter().find(|(name, _)| *name == tag)?;
        Some(*alternative)
    });
    if bare {
        map.retain(|name, _| name == tagged.property);
    } else if let Some(alternative) = chosen {
        fit_object(map, alternative, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::{Kind, Tagged};

    static ASSIGNMENT: Schema = Schema {
        tagged: Some(&Tagged {
            property: "type",
            alternatives: &[("explicit", &Schema::OBJECT), ("auto", &Schema::OBJECT)],
            bare: &["auto"],
        }),
        ..Schema::ANY
    };

    static CONFIG: Schema = Schema {
        kind: Some(Kind::Object),
        properties: &[(
            "ips",
            &Schema {
                items: Some(&ASSIGNMENT),
                ..Schema::ANY
            },
        )],
        ..Schema::ANY
    };

    #[test]
    fn a_bare_alternative_keeps_only_its_tag() {
        let mut value = json!({"ips": [
            {"type": "auto", "value": "fd00::1", "note": 1},
            {"type": "explicit", "value": "fd00::2"},
            {"type": 0, "value": 3},
        ]});
        fit(&mut value, &CONFIG);
        assert_eq!(
            value,
            json!({"ips": [
                {"type": "auto"},
                {"type": "explicit", "value": "fd00::2"},
                {"type": 0, "value": 3},
            ]})
        );
    }
}
