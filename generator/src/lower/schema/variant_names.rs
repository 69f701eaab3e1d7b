//! Names for the variants of discriminated `oneOf`s.
//!
//! typify names the variants of an enum after the titles of its alternatives less the
//! prefix they share, and falls back to `Variant0`, `Variant1`, ... when an alternative
//! has none. [`super::enums::tag_alternatives`] makes each referenced alternative an
//! `allOf` of the component and its tag; here each gets the title
//! `{Place}{Component}`, where `Place` is the name typify gives the enum, so `Shape`'s
//! alternatives are the variants `Circle` and `Rectangle` (and their tags' types
//! `ShapeCircleKind`, named after the title, do not collide with another enum's).

use serde_json::Value;

use crate::keywords::TAGGED;
use crate::load::refs::component_schema_name;

use super::enums::typify_variant_name;
use super::names::typify_field_name;
use super::shape::MAX_DEPTH;

/// Titles the alternatives of every discriminated `oneOf` in `schema` whose place typify
/// names from `name` (a component's key, or the name a schema use is given), following
/// the names typify gives each step: a property's `{Parent}{Property}`, an array's
/// items `{Parent}Item`, a map's values `{Parent}Value`. Titles on the way are not
/// followed: they change only the names of the tags' helper types, not the variants'.
pub(crate) fn name_tagged_variants(schema: &mut Value, name: &str) {
    visit(schema, name, 0);
}

fn visit(node: &mut Value, place: &str, depth: usize) {
    let Value::Object(map) = node else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    let base = typify_variant_name(place);
    let list = map
        .get(TAGGED)
        .and_then(|tagged| tagged.get("list"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(Value::Array(alternatives)) = list.and_then(|list| map.get_mut(&list)) {
        for alternative in alternatives {
            let Value::Object(alternative) = alternative else {
                continue;
            };
            let component = alternative
                .get("allOf")
                .and_then(|parts| parts.get(0))
                .and_then(|part| part.get("$ref"))
                .and_then(Value::as_str)
                .and_then(component_schema_name);
            if let (Some(component), false) = (component, alternative.contains_key("title")) {
                let title = format!("{base}{}", typify_variant_name(&component));
                alternative.insert("title".into(), Value::String(title));
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, schema) in properties.iter_mut() {
            let place = format!("{base}_{}", typify_field_name(property));
            visit(schema, &place, depth + 1);
        }
    }
    if let Some(items) = map.get_mut("items") {
        visit(items, &format!("{base}_item"), depth + 1);
    }
    if let Some(values) = map.get_mut("additionalProperties") {
        visit(values, &format!("{base}Value"), depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tagged(list: &str) -> Value {
        json!({
            list: [
                {"allOf": [{"$ref": "#/components/schemas/Circle"}, {}]},
                {"allOf": [{"$ref": "#/components/schemas/Rect"}, {}], "title": "Kept"},
                {"type": "string"}
            ],
            TAGGED: {"property": "kind", "list": list, "by": {}}
        })
    }

    fn titles(node: &Value, list: &str) -> Vec<Option<String>> {
        node[list]
            .as_array()
            .expect("alternatives")
            .iter()
            .map(|alternative| alternative["title"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn titles_follow_the_names_typify_gives_each_place() {
        let mut schema = json!({
            "properties": {
                "shape": tagged("oneOf"),
                "sketches": {"items": tagged("anyOf")},
                "by-name": {"additionalProperties": tagged("oneOf")},
                "deep": {"properties": {"inner": tagged("oneOf")}}
            }
        });
        name_tagged_variants(&mut schema, "drawing");
        let placed = |node: &Value, list| titles(node, list)[0].clone().expect("titled");
        let at = &schema["properties"];
        assert_eq!(placed(&at["shape"], "oneOf"), "DrawingShapeCircle");
        assert_eq!(
            placed(&at["sketches"]["items"], "anyOf"),
            "DrawingSketchesItemCircle"
        );
        assert_eq!(
            placed(&at["by-name"]["additionalProperties"], "oneOf"),
            "DrawingByNameValueCircle"
        );
        assert_eq!(
            placed(&at["deep"]["properties"]["inner"], "oneOf"),
            "DrawingDeepInnerCircle"
        );
        // A title already given stays; an alternative that is no component gets none.
        assert_eq!(
            titles(&at["shape"], "oneOf")[1..],
            [Some("Kept".to_string()), None]
        );
    }

    #[test]
    fn alternatives_without_a_tag_are_left_alone() {
        let mut schema = json!({"oneOf": [{"allOf": [{"$ref": "#/components/schemas/Circle"}]}]});
        let before = schema.clone();
        name_tagged_variants(&mut schema, "Shape");
        assert_eq!(schema, before);
    }
}
