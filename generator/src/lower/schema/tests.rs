//! Tests of the schema rewriting, naming and shape.

use super::*;

use serde_json::{json, Value};

use crate::diagnostic::Diagnostic;
use crate::ir::{Extra, Field, ObjectShape, Scalar, Shape};
use crate::keywords::{HIDDEN_ENUM, TAGGED};

#[test]
fn nullable_becomes_a_type_list() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "string", "enum": ["a"], "nullable": true}),
        "",
        &mut problems,
    );
    assert_eq!(
        out,
        json!({"type": ["string", "null"], "enum": ["a", null]})
    );
    let out = normalize(
        &json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"}),
        "",
        &mut problems,
    );
    assert_eq!(
        out,
        json!({"description": "d", "oneOf": [{"allOf": [{"$ref": "#/components/schemas/X"}]}, {"type": "null"}]})
    );
    // Any value already (intellifi's `kv_value`): nothing to add.
    let out = normalize(
        &json!({"description": "d", "example": "e", "nullable": true}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"description": "d", "example": "e"}));
    // An untyped enum takes its values' type, so `null` is not left inside a
    // wrapper (Plaid's `OwnershipType`); one that lists `null` is nullable.
    let typed = json!({"type": ["string", "null"], "enum": [null, "a"]});
    let out = normalize(
        &json!({"enum": [null, "a"], "nullable": true}),
        "",
        &mut problems,
    );
    assert_eq!(out, typed);
    let out = normalize(&json!({"enum": [null, "a"]}), "", &mut problems);
    assert_eq!(out, typed);
    let out = normalize(
        &json!({"enum": [1, 2.5], "nullable": true}),
        "",
        &mut problems,
    );
    assert_eq!(
        out,
        json!({"type": ["number", "null"], "enum": [1, 2.5, null]})
    );
    assert!(problems.is_empty());
}

#[test]
fn boolean_exclusive_bounds_become_numbers() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false}),
        "",
        &mut problems,
    );
    assert_eq!(
        out,
        json!({"type": "integer", "exclusiveMinimum": 1, "maximum": 5})
    );
}

#[test]
fn foreign_references_are_reported() {
    let mut problems = Vec::new();
    normalize(
        &json!({"items": {"$ref": "#/components/schemas/A/properties/b"}}),
        "/x",
        &mut problems,
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].pointer, "/x/items/$ref");
}

#[test]
fn enums_typify_cannot_name_are_hidden_from_it() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "string", "enum": ["reactions-+1", "reactions--1"]}),
        "",
        &mut problems,
    );
    assert_eq!(
        out,
        json!({"type": "string", "x-specfirst-enum": ["reactions-+1", "reactions--1"]})
    );
    let kept = normalize(
        &json!({"type": "string", "enum": ["a_b", "aB"]}),
        "",
        &mut problems,
    );
    assert!(
        kept.get("enum").is_some(),
        "typify's second attempt names these: {kept}"
    );
}

#[test]
fn enum_names_follow_typify_sanitize() {
    assert_eq!(typify_variant_name(""), "X");
    assert_eq!(typify_variant_name("2C"), "X2c");
    assert_eq!(typify_variant_name("-3"), "X3");
    assert_eq!(typify_variant_name("+1"), "plus1");
    assert_eq!(typify_variant_name("self"), "Self_");
    let mut problems = Vec::new();
    // An empty string and `X` are both `X`; `-3` and `3` are both `X3`; `2C` and
    // `X2C` are both `X2c`, in either of typify's attempts.
    for values in [
        json!(["", "X"]),
        json!(["-3", "-1", "1", "3"]),
        json!(["2C", "X2C", "43"]),
    ] {
        let out = normalize(
            &json!({"type": "string", "enum": values.clone()}),
            "",
            &mut problems,
        );
        assert_eq!(out, json!({"type": "string", HIDDEN_ENUM: values}));
    }
    // typify leaves `null` out of the variants, so it does not stop the check.
    let out = normalize(
        &json!({"type": "string", "enum": ["", "X"], "nullable": true}),
        "",
        &mut problems,
    );
    assert!(out.get("enum").is_none(), "{out}");
    let kept = normalize(&json!({"enum": ["", "a"]}), "", &mut problems);
    assert!(kept.get("enum").is_some(), "{kept}");
    assert!(problems.is_empty());
}

#[test]
fn keywords_no_enum_value_can_meet_are_dropped() {
    let mut problems = Vec::new();
    let schema = json!({"enum": ["", "a"], "items": {}, "maxLength": 3, "minimum": 1});
    assert_eq!(
        normalize(&schema, "", &mut problems),
        json!({"enum": ["", "a"], "maxLength": 3})
    );
    let schema = json!({"enum": [1, 2], "minimum": 1, "pattern": "x"});
    assert_eq!(
        normalize(&schema, "", &mut problems),
        json!({"enum": [1, 2], "minimum": 1})
    );
    // A typed schema keeps what it has: typify reads it by its type.
    let schema = json!({"type": "string", "enum": ["a"], "maxLength": 3});
    assert_eq!(normalize(&schema, "", &mut problems), schema);
    assert!(problems.is_empty());
}

#[test]
fn constraints_of_the_wrong_type_are_reported_where_they_are() {
    let mut problems = Vec::new();
    let schema = json!({
        "type": "object",
        "properties": {"timecode": {"type": "string", "pattern": 0, "maxLength": -1}},
        "required": "timecode",
    });
    normalize(&schema, "/components/schemas/Pick", &mut problems);
    let found: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.pointer, p.message))
        .collect();
    assert_eq!(
        found,
        [
            "/components/schemas/Pick/properties/timecode/pattern: `pattern` must be a string (a \
             regular expression; JSON Schema Validation: \"The value of this keyword MUST be a \
             string\")",
            "/components/schemas/Pick/properties/timecode/maxLength: `maxLength` must be a non-negative integer",
            "/components/schemas/Pick/required: `required` must be a list of property names",
        ]
    );
}

#[test]
fn alternatives_beside_an_enum_are_dropped() {
    let mut problems = Vec::new();
    let schema = json!({
        "type": "string",
        "enum": ["gh-pages", "master"],
        "anyOf": [
            {"type": "string", "enum": ["gh-pages", "master"]},
            {"type": "object", "properties": {"branch": {"type": "string"}}},
        ],
    });
    let out = normalize(&schema, "", &mut problems);
    assert_eq!(
        out,
        json!({"type": "string", "enum": ["gh-pages", "master"]})
    );
    // Without an enum the alternatives are the type.
    let schema = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
    assert_eq!(normalize(&schema, "", &mut problems), schema);
}

#[test]
fn defaults_outside_the_bounds_are_dropped() {
    let root = json!({});
    let check = |schema: Value| {
        let mut problems = Vec::new();
        normalize_in(&root, &schema, "", &mut problems)
            .get("default")
            .cloned()
    };
    let bounded =
        |default: i64| json!({"type": "integer", "minimum": 1, "maximum": 11, "default": default});
    assert_eq!(check(bounded(0)), None);
    assert_eq!(check(bounded(12)), None);
    assert_eq!(check(bounded(1)), Some(json!(1)));
    assert_eq!(check(bounded(11)), Some(json!(11)));
    // 3.0's boolean exclusive bound, which normalizing turns into 3.1's number.
    let exclusive =
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "default": 0});
    assert_eq!(check(exclusive), None);
    let exclusive = json!({"type": "number", "exclusiveMaximum": 5, "default": 4.5});
    assert_eq!(check(exclusive), Some(json!(4.5)));
}

#[test]
fn a_type_every_alternative_contradicts_goes() {
    let root = json!({"components": {"schemas": {
        "Kind": {"enum": ["text", "html"]},
        "Mime": {"type": "string", "pattern": ".+/.+"},
        "Point": {"type": "object", "properties": {"x": {"type": "number"}}},
        "Count": {"type": "integer"},
        "Loose": {"minLength": 1},
    }}});
    let check = |schema: Value| {
        let mut problems = Vec::new();
        let out = normalize_in(&root, &schema, "", &mut problems);
        assert!(problems.is_empty());
        out
    };
    let alternatives = |names: &[&str]| -> Value {
        names
            .iter()
            .map(|name| json!({"$ref": format!("#/components/schemas/{name}")}))
            .collect()
    };
    // Channel 4's `ContentTypeType`: no object is a string.
    let contradicted = json!({"type": "object", "additionalProperties": false,
        "oneOf": alternatives(&["Kind", "Mime"])});
    assert_eq!(
        check(contradicted),
        json!({"oneOf": alternatives(&["Kind", "Mime"])})
    );
    let inline =
        json!({"type": "object", "anyOf": [{"type": "string"}, {"type": ["boolean", "null"]}]});
    assert_eq!(check(inline).get("type"), None);
    // One alternative of the type, a number where an integer is, or an alternative
    // whose type nothing tells, and the schema stays as written.
    for kept in [
        json!({"type": "object", "oneOf": alternatives(&["Kind", "Point"])}),
        json!({"type": "number", "oneOf": alternatives(&["Count"])}),
        json!({"type": "object", "oneOf": alternatives(&["Kind", "Loose"])}),
        json!({"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        json!({"type": "object", "additionalProperties": false}),
    ] {
        assert_eq!(check(kept.clone()), kept);
    }
}

#[test]
fn defaults_are_checked_through_references() {
    let root = json!({"components": {"schemas": {
        "Sort": {"type": "string", "enum": ["asc", "desc"]},
        "Named": {"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}}},
        "Loose": {"anyOf": [{"$ref": "#/components/schemas/Named"}]},
    }}});
    let check = |schema: Value| {
        let mut problems = Vec::new();
        let out = normalize_in(&root, &schema, "", &mut problems);
        assert!(problems.is_empty());
        out.get("default").cloned()
    };
    let sort = json!([{"$ref": "#/components/schemas/Sort"}]);
    assert_eq!(
        check(json!({"allOf": sort, "default": "asc"})),
        Some(json!("asc"))
    );
    assert_eq!(check(json!({"allOf": sort, "default": "up"})), None);
    let named = json!([{"$ref": "#/components/schemas/Named"}]);
    assert_eq!(check(json!({"allOf": named, "default": {}})), None);
    assert_eq!(
        check(json!({"allOf": named, "default": {"name": "a"}})),
        Some(json!({"name": "a"}))
    );
    // Unknown keys fit only where typify keeps a map for them.
    assert_eq!(
        check(json!({"allOf": named, "default": {"name": "a", "b": 1}})),
        None
    );
    // Untyped with `required`: typify makes an object, which `[]` is not.
    assert_eq!(check(json!({"required": ["a"], "default": []})), None);
    // Items that are lists, a default whose items are strings.
    assert_eq!(
        check(json!({"type": "array", "items": {"type": "array"}, "default": ["a"]})),
        None
    );
    // Two string alternatives: typify writes a struct, which no string fills.
    let either = json!([{"type": "string", "format": "date"}, {"type": "string"}]);
    assert_eq!(
        check(json!({"anyOf": either, "default": "2025-01-01"})),
        None
    );
    // An alternative without a declared type: the same.
    let mixed = json!([{"type": "string"}, {"$ref": "#/components/schemas/Loose"}]);
    assert_eq!(check(json!({"anyOf": mixed, "default": "a"})), None);
    let apart = json!([{"type": "string"}, {"type": "integer"}]);
    assert_eq!(
        check(json!({"anyOf": apart, "default": "a"})),
        Some(json!("a"))
    );
    // Nested: a property's own default is judged on its own schema.
    let out = normalize_in(
        &root,
        &json!({"properties": {"s": {"allOf": sort, "default": "no"}}}),
        "",
        &mut Vec::new(),
    );
    assert_eq!(out["properties"]["s"].get("default"), None);
}

#[test]
fn enum_values_of_another_type_or_repeated_are_dropped() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "number", "enum": ["", "", 0, 2, 2]}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"type": "number", "enum": [0, 2]}));
    let out = normalize(
        &json!({"type": "integer", "enum": ["a"]}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"type": "integer"}));
}

#[test]
fn defaults_that_do_not_fit_are_dropped() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({"type": "integer", "default": "ten"}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"type": "integer"}));
    let out = normalize(
        &json!({"type": "string", "enum": ["a"], "default": "b"}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"type": "string", "enum": ["a"]}));
    let out = normalize(
        &json!({"type": "string", "default": "b"}),
        "",
        &mut problems,
    );
    assert_eq!(out, json!({"type": "string", "default": "b"}));
}

#[test]
fn enums_of_several_types_get_a_type_list() {
    let mut problems = Vec::new();
    let out = normalize(&json!({"enum": [true, false, 0, 1]}), "", &mut problems);
    assert_eq!(
        out,
        json!({"type": ["boolean", "integer"], HIDDEN_ENUM: [true, false, 0, 1]})
    );
    let out = normalize(&json!({"enum": ["a", "b"]}), "", &mut problems);
    assert_eq!(out, json!({"enum": ["a", "b"]}));
}

#[test]
fn required_names_colliding_with_declared_fields_are_dropped() {
    let mut problems = Vec::new();
    let out = normalize(
        &json!({
            "type": "object",
            "properties": {"Id": {"type": "string"}},
            "required": ["id", "Id", "releaseDate"]
        }),
        "",
        &mut problems,
    );
    assert_eq!(out["required"], json!(["Id", "releaseDate"]));
}

#[test]
fn types_agree_with_keywords() {
    let mut problems = Vec::new();
    let settle = |schema: Value, problems: &mut Vec<Diagnostic>| normalize(&schema, "", problems);
    assert_eq!(
        settle(
            json!({"type": "object", "format": "uri-map"}),
            &mut problems
        ),
        json!({"type": "object"})
    );
    assert_eq!(
        settle(
            json!({"uniqueItems": false, "properties": {}}),
            &mut problems
        ),
        json!({"properties": {}})
    );
    assert_eq!(
        settle(
            json!({"items": {}, "properties": {}, "format": "x"}),
            &mut problems
        ),
        json!({"items": {}, "properties": {}, "type": ["object", "array"]})
    );
    assert_eq!(
        settle(json!({"maxLength": 3, "format": "date"}), &mut problems),
        json!({"maxLength": 3, "format": "date"})
    );
    assert_eq!(
        settle(json!({"type": "string", "format": "date"}), &mut problems),
        json!({"type": "string", "format": "date"})
    );
    // A format alone constrains nothing typify can write (strings only): it goes.
    assert_eq!(
        settle(
            json!({"format": "date-time", "readOnly": true}),
            &mut problems
        ),
        json!({"readOnly": true})
    );
    assert_eq!(
        settle(json!({"format": "boolean"}), &mut problems),
        json!({})
    );
    // Number keywords alone: typify panics without the type they name.
    assert_eq!(
        settle(json!({"minimum": 1, "format": "int32"}), &mut problems),
        json!({"minimum": 1, "format": "int32", "type": "number"})
    );
    assert!(problems.is_empty());
}

#[test]
fn discriminated_alternatives_are_tagged() {
    let mut problems = Vec::new();
    let mut shape = normalize(
        &json!({
            "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Rect"}],
            "discriminator": {"propertyName": "kind", "mapping": {"rect": "Rect"}}
        }),
        "/components/schemas/Shape",
        &mut problems,
    );
    assert!(problems.is_empty());
    // The titles that name the variants come once the place is known.
    super::name_tagged_variants(&mut shape, "Shape");
    assert_eq!(
        shape,
        json!({
            "oneOf": [
                {"allOf": [{"$ref": "#/components/schemas/Circle"}, {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["Circle"]}}}], "title": "ShapeCircle"},
                {"allOf": [{"$ref": "#/components/schemas/Rect"}, {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["rect"]}}}], "title": "ShapeRect"}
            ],
            TAGGED: {"property": "kind", "list": "oneOf", "by": {"Circle": 0, "rect": 1}}
        })
    );
}

#[test]
fn alternatives_requiring_one_tag_each_are_tagged() {
    let mut problems = Vec::new();
    let variant = |tag: &str, extra: Value| {
        let mut variant = json!({
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": [tag]}},
        });
        if let Value::Object(extra) = extra {
            for (key, value) in extra {
                variant["properties"][key] = value;
            }
        }
        variant
    };
    // Dropshot's internally tagged enum: `type` selects the alternative.
    let shape = normalize(
        &json!({"oneOf": [
            variant("disk", json!({"size": {"type": "integer", "maximum": 4}})),
            variant("image", json!({})),
        ]}),
        "/components/schemas/Source",
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        shape[TAGGED],
        json!({"property": "type", "list": "oneOf", "by": {"disk": 0, "image": 1}, "bare": ["image"]})
    );
    // Two alternatives with one tag, a tag not required, or an alternative without
    // it: the property does not say which alternative a value is.
    let same = json!({"oneOf": [variant("disk", json!({})), variant("disk", json!({}))]});
    let mut optional = variant("image", json!({}));
    optional["required"] = json!([]);
    let loose = json!({"oneOf": [variant("disk", json!({})), optional]});
    let untagged = json!({"oneOf": [variant("disk", json!({})), {"type": "string"}]});
    for schema in [same, loose, untagged] {
        let shape = normalize(&schema, "/components/schemas/Source", &mut problems);
        assert!(shape.get(TAGGED).is_none(), "{shape}");
    }
}

#[test]
fn inline_names_never_collide() {
    let mut components = vec![
        (
            "PaymentInstrument".to_string(),
            json!({"properties": {
                "reference": {"type": "string", "maxLength": 150},
                "role": {"title": "author_association", "enum": ["a", "b"]},
                "kind": {"title": "Kind", "enum": ["x"]}
            }}),
        ),
        (
            "PaymentInstrumentReference".to_string(),
            json!({"type": "object"}),
        ),
        (
            "nullable-other".to_string(),
            json!({"title": "Other", "type": ["object", "null"]}),
        ),
        (
            "Other".to_string(),
            json!({"properties": {
                "role": {"title": "author_association", "enum": ["a", "b", "c"]},
                "kind": {"title": "Kind", "enum": ["x"]}
            }}),
        ),
    ];
    let mut body = json!({"title": "Other", "type": "object"});
    settle_inline_names(&mut components, vec![&mut body]);
    let instrument = &components[0].1["properties"];
    assert_eq!(
        instrument["reference"]["title"],
        "PaymentInstrumentReferenceValue"
    );
    // Differing schemas share the title: it goes, into the description.
    assert_eq!(
        instrument["role"],
        json!({"description": "author_association", "enum": ["a", "b"]})
    );
    // Identical schemas share it: one type, so it stays.
    assert_eq!(instrument["kind"]["title"], "Kind");
    // A use's title that names a component goes.
    assert_eq!(body, json!({"description": "Other", "type": "object"}));
    // So does a component's own title.
    assert_eq!(
        components[2].1,
        json!({"description": "Other", "type": ["object", "null"]})
    );
}

#[test]
fn nullable_compositions_get_a_component_for_their_inner_schema() {
    let mut problems = Vec::new();
    let raw = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Base"}]});
    let mut components = vec![
        ("Base".to_string(), json!({"type": "object"})),
        (
            "BaseNullable".to_string(),
            normalize(&raw, "", &mut problems),
        ),
        // A plain nullable object is `type: [object, null]`, which typify names well.
        (
            "Plain".to_string(),
            normalize(
                &json!({"nullable": true, "type": "object"}),
                "",
                &mut problems,
            ),
        ),
    ];
    split_nullable_wrappers(&mut components);
    assert_eq!(components.len(), 4);
    assert_eq!(
        components[1].1["oneOf"],
        json!([{"$ref": "#/components/schemas/BaseNullableInner"}, {"type": "null"}])
    );
    assert_eq!(components[3].0, "BaseNullableInner");
    assert_eq!(
        components[3].1,
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}]})
    );
}

#[test]
fn merged_and_item_names_never_collide() {
    let mut components = vec![
        (
            "account".to_string(),
            json!({"type": "object", "properties": {
                "links": {"type": "object", "properties": {"self": {"type": "string"}}}
            }}),
        ),
        (
            "team".to_string(),
            json!({"allOf": [
                {"$ref": "#/components/schemas/account"},
                {"properties": {"name": {"type": "string"}}},
            ]}),
        ),
        ("team_links".to_string(), json!({"type": "object"})),
        (
            "cloudInfo".to_string(),
            json!({"type": "array", "items": {"type": "object"}}),
        ),
        ("cloudInfoItem".to_string(), json!({"type": "object"})),
        // A cycle of `allOf`s ends.
        (
            "a".to_string(),
            json!({"allOf": [{"$ref": "#/components/schemas/b"}]}),
        ),
        (
            "b".to_string(),
            json!({"allOf": [{"$ref": "#/components/schemas/a"}]}),
        ),
    ];
    settle_inline_names(&mut components, Vec::new());
    // `team` merges `account`, whose inline `links` typify would call `TeamLinks`.
    assert_eq!(
        components[0].1["properties"]["links"]["title"],
        "TeamLinksValue"
    );
    assert_eq!(components[3].1["items"]["title"], "CloudInfoItemValue");
    assert_eq!(components[2].0, "team_links");
}

#[test]
fn components_yield_to_merged_properties() {
    let mut components = vec![
        (
            "account".to_string(),
            json!({"type": "object", "properties": {
                "links": {"$ref": "#/components/schemas/account_links"}
            }}),
        ),
        (
            "account_links".to_string(),
            json!({"type": "object", "properties": {"avatar": {"type": "string"}}}),
        ),
        // Bitbucket: `links` is an `account_links` in one member and a `team_links`
        // in the other, so typify writes a merged `TeamLinks` of its own.
        (
            "team".to_string(),
            json!({"allOf": [
                {"$ref": "#/components/schemas/account"},
                {"properties": {"links": {"$ref": "#/components/schemas/team_links"}}},
            ]}),
        ),
        (
            "team_links".to_string(),
            json!({"type": "object", "properties": {"html": {"type": "string"}}}),
        ),
        ("team_links2".to_string(), json!({"type": "string"})),
        // The same schema in both members is not merged into a type of its own.
        (
            "club".to_string(),
            json!({"allOf": [
                {"$ref": "#/components/schemas/account"},
                {"properties": {"links": {"$ref": "#/components/schemas/account_links"}}},
            ]}),
        ),
        ("club_links".to_string(), json!({"type": "object"})),
        // Zuora: `billing` is not in `custom`, which admits it only through its
        // `additionalProperties` schema, so typify merges the two.
        (
            "order".to_string(),
            json!({"allOf": [
                {"properties": {"billing": {"$ref": "#/components/schemas/orderBilling"}}},
                {"$ref": "#/components/schemas/custom"},
            ]}),
        ),
        ("orderBilling".to_string(), json!({"type": "object"})),
        (
            "custom".to_string(),
            json!({"type": "object", "additionalProperties": {"description": "d"}}),
        ),
    ];
    let mut body = json!({"$ref": "#/components/schemas/team_links"});
    settle_inline_names(&mut components, vec![&mut body]);
    let keys: Vec<&str> = components.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "account",
            "account_links",
            "team",
            "team_links3",
            "team_links2",
            "club",
            "club_links",
            "order",
            "orderBilling2",
            "custom"
        ]
    );
    assert_eq!(
        components[2].1["allOf"][1]["properties"]["links"]["$ref"],
        "#/components/schemas/team_links3"
    );
    assert_eq!(body["$ref"], "#/components/schemas/team_links3");
}

#[test]
fn shapes() {
    let root = json!({"components": {"schemas": {"Name": {"type": "string"}, "Either": {"oneOf": [{"type": "string", "format": "uuid"}, {"$ref": "#/components/schemas/Name"}]}}}});
    assert_eq!(
        shape(&root, &json!({"$ref": "#/components/schemas/Either"})),
        Shape::Scalar(Scalar::String)
    );
    assert_eq!(
        shape(
            &root,
            &json!({"type": "array", "items": {"type": "integer"}})
        ),
        Shape::Array(Scalar::Integer)
    );
    assert_eq!(
        shape(&root, &json!({"type": "string", "format": "binary"})),
        Shape::Scalar(Scalar::String)
    );
}

#[test]
fn object_shapes() {
    let root = json!({"components": {"schemas": {
        "Rgb": {"type": "object", "additionalProperties": false, "properties": {
            "R": {"type": "integer"}, "G": {"type": "integer"}}},
        "Named": {"allOf": [{"$ref": "#/components/schemas/Rgb"},
            {"properties": {"name": {"type": "string"}}}]},
        "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
    }}});
    let rgb = ObjectShape {
        properties: vec![
            ("R".into(), Field::Scalar(Scalar::Integer)),
            ("G".into(), Field::Scalar(Scalar::Integer)),
        ],
        additional: None,
        declares_additional: false,
    };
    assert_eq!(
        shape(&root, &json!({"$ref": "#/components/schemas/Rgb"})),
        Shape::Object(rgb.clone())
    );
    let Shape::Object(named) = shape(&root, &json!({"$ref": "#/components/schemas/Named"})) else {
        panic!("an object");
    };
    assert_eq!(named.properties.len(), 3);
    assert_eq!(named.additional, Some(Extra::Scalar(Scalar::String)));
    assert!(!named.declares_additional);
    let Shape::Object(filter) = shape(
        &root,
        &json!({"type": "object", "additionalProperties": {"type": "integer"}, "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "color": {"$ref": "#/components/schemas/Rgb"}}}),
    ) else {
        panic!("an object");
    };
    assert_eq!(
        filter.properties,
        [
            ("tags".into(), Field::Array(Scalar::String)),
            ("color".into(), Field::Object(rgb)),
        ]
    );
    assert_eq!(filter.additional, Some(Extra::Scalar(Scalar::Integer)));
    assert!(filter.declares_additional);
    let Shape::Object(lists) = shape(
        &root,
        &json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "boolean"}}}),
    ) else {
        panic!("an object");
    };
    assert_eq!(lists.additional, Some(Extra::Array(Scalar::Boolean)));
    // A recursive schema ends in a JSON scalar rather than looping.
    assert!(matches!(
        shape(&root, &json!({"$ref": "#/components/schemas/Node"})),
        Shape::Object(_)
    ));
    assert_eq!(
        shape(&root, &json!({"type": "object"})),
        Shape::Object(ObjectShape {
            properties: Vec::new(),
            additional: Some(Extra::Scalar(Scalar::String)),
            declares_additional: false,
        })
    );
}
