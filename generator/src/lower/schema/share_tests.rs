//! Tests of sharing identical shapes: one component for each shape, named by its most
//! stable place, and the places that must stay apart.

use super::*;

use serde_json::{json, Value};

use crate::keywords::HIDDEN_ENUM;

/// [`share_identical_shapes`] over `components` and `uses` (name hint, schema).
fn share(
    components: &[(&str, Value)],
    uses: &[(&str, Value)],
) -> (Vec<(String, Value)>, Vec<Value>) {
    let mut components: Vec<(String, Value)> = components
        .iter()
        .map(|(name, schema)| (name.to_string(), schema.clone()))
        .collect();
    let mut schemas: Vec<Value> = uses.iter().map(|(_, schema)| schema.clone()).collect();
    let hinted = uses
        .iter()
        .map(|(hint, _)| *hint)
        .zip(schemas.iter_mut())
        .collect();
    share_identical_shapes(&mut components, hinted, Vec::new());
    (components, schemas)
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

#[test]
fn identical_inline_objects_become_one_component() {
    let address = |description: &str, example: &str| {
        json!({
            "type": "object",
            "title": format!("{description} address"),
            "description": description,
            "required": ["city"],
            "properties": {
                "city": {"type": "string", "description": description, "example": example},
                "zip": {"type": "string", "x-vendor-note": example},
            },
        })
    };
    let (components, uses) = share(
        &[],
        &[
            ("ShipBody", address("Where to ship", "Oslo")),
            ("BillBody", address("Where to bill", "Bergen")),
        ],
    );
    // Titles are set aside; the shared type has the name typify gave the first place,
    // its title, with the words of the key apart so typify reads them back alike.
    assert_eq!(components.len(), 1);
    assert_eq!(components[0].0, "Where_To_Ship_Address");
    assert_eq!(components[0].1, address("Where to ship", "Oslo"));
    // The references stand alone: typify refuses annotations beside one it merges.
    assert_eq!(
        uses,
        vec![
            reference("Where_To_Ship_Address"),
            reference("Where_To_Ship_Address")
        ]
    );
}

#[test]
fn schemas_differing_in_what_the_code_does_stay_apart() {
    let base = json!({
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    });
    let differing = [
        json!({"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", "format": "date"}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^x"}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", "readOnly": true}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", "default": "x"}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", HIDDEN_ENUM: ["x", 1]}, "b": {"type": "integer"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}),
        json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "additionalProperties": false}),
        // The order of the fields is the order typify writes them in.
        json!({"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "string"}}}),
    ];
    // typify reads a default into the field, so a schema with one stays in place.
    let sorted = json!({"type": "string", "enum": ["asc", "desc"], "default": "asc"});
    let (components, _) = share(&[], &[("ABody", sorted.clone()), ("BBody", sorted)]);
    assert!(components.is_empty());
    for other in differing {
        let (components, uses) = share(
            &[],
            &[("FirstBody", base.clone()), ("SecondBody", other.clone())],
        );
        assert!(components.is_empty(), "{other}");
        assert_eq!(uses, vec![base.clone(), other]);
    }
}

#[test]
fn an_inline_copy_of_a_component_refers_to_it() {
    let pet = json!({
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": ["cat", "dog"]}},
    });
    let mut described = pet.clone();
    described["description"] = json!("A pet to add.");
    let owner = json!({
        "type": "object",
        "properties": {"pet": pet.clone(), "kind": {"type": "string", "enum": ["cat", "dog"]}},
    });
    let (components, uses) = share(
        &[("Pet", pet.clone()), ("Owner", owner)],
        &[("AddPetBody", described)],
    );
    assert_eq!(uses, vec![reference("Pet")]);
    // Inside components too; the enum repeated inside `Pet` and `Owner` becomes one.
    assert_eq!(components[1].1["properties"]["pet"], reference("Pet"));
    assert_eq!(components.len(), 3);
    assert_eq!(
        components[2],
        (
            "Pet_Kind".to_string(),
            json!({"type": "string", "enum": ["cat", "dog"]})
        )
    );
    assert_eq!(components[0].1["properties"]["kind"], reference("Pet_Kind"));
    assert_eq!(components[1].1["properties"]["kind"], reference("Pet_Kind"));
}

#[test]
fn a_nullable_place_shares_its_non_null_part() {
    let link = json!({"type": "object", "properties": {"href": {"type": "string"}}});
    let nullable = json!({
        "type": ["object", "null"],
        "description": "Maybe a link.",
        "default": null,
        "properties": {"href": {"type": "string"}},
    });
    let (components, uses) = share(
        &[(
            "Page",
            json!({"type": "object", "properties": {"next": nullable, "self": link.clone()}}),
        )],
        &[("GetBody", link.clone())],
    );
    // The non-null part keeps the description, as typify's inner type did; a `null`
    // default is the `Option`'s own.
    assert_eq!(components.len(), 2);
    let mut shared = link.clone();
    shared["description"] = json!("Maybe a link.");
    assert_eq!(components[1], ("Page_Next".to_string(), shared));
    assert_eq!(
        components[0].1["properties"]["next"],
        json!({"oneOf": [reference("Page_Next"), {"type": "null"}]})
    );
    assert_eq!(
        components[0].1["properties"]["self"],
        reference("Page_Next")
    );
    assert_eq!(uses, vec![reference("Page_Next")]);
}

#[test]
fn shapes_repeated_only_inside_a_shared_shape_stay_inline() {
    let order = json!({
        "type": "object",
        "properties": {
            "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}},
        },
    });
    let (components, uses) = share(&[], &[("ABody", order.clone()), ("BBody", order.clone())]);
    // Keyed so that typify names it `ABody`, as it named the first place (`ABody` would
    // be `Abody`).
    assert_eq!(components, vec![("A_Body".to_string(), order)]);
    assert_eq!(typify_variant_name(&components[0].0), "ABody");
    assert_eq!(uses, vec![reference("A_Body"), reference("A_Body")]);
}

#[test]
fn shared_names_are_deterministic_and_never_collide() {
    let state = json!({"type": "string", "enum": ["open", "closed"]});
    let holder = json!({"type": "object", "properties": {"state": state.clone()}});
    let components = [
        // A component already has the name the first place would give the shape.
        ("IssueState", json!({"type": "string"})),
        ("Issue", holder.clone()),
        ("Pull", holder),
    ];
    let uses = [("ListBody", json!({"type": "array", "items": state.clone()}))];
    let first = share(&components, &uses);
    assert_eq!(first, share(&components, &uses));
    let (components, uses) = first;
    assert_eq!(components[3], ("Issue_State2".to_string(), state.clone()));
    assert_eq!(
        components[1].1["properties"]["state"],
        reference("Issue_State2")
    );
    assert_eq!(
        components[2].1["properties"]["state"],
        reference("Issue_State2")
    );
    assert_eq!(uses[0]["items"], reference("Issue_State2"));
    // A title no other shape has names the shared type.
    let mut titled = state.clone();
    titled["title"] = json!("Issue state kind");
    let (components, _) = share(
        &[(
            "Issue",
            json!({"type": "object", "properties": {"state": titled.clone()}}),
        )],
        &[("ListBody", json!({"type": "array", "items": state}))],
    );
    assert_eq!(components[1], ("Issue_State_Kind".to_string(), titled));
}

#[test]
fn variants_and_constants_stay_where_typify_reads_them() {
    // An adjacently tagged enum: typify writes each variant's `value` into the variant
    // and finds the tags by the single-value enums.
    let member = |tag: &str| {
        json!({
            "type": "object",
            "required": ["type", "value"],
            "properties": {
                "type": {"type": "string", "enum": [tag]},
                "value": {"type": "object", "properties": {"id": {"type": "string"}}},
            },
        })
    };
    let members = json!({"oneOf": [member("instance"), member("disk")]});
    let other = json!({"oneOf": [member("instance"), member("volume")]});
    let (components, uses) = share(&[], &[("ABody", members.clone()), ("BBody", other.clone())]);
    assert!(components.is_empty(), "{components:?}");
    assert_eq!(uses, vec![members, other]);
}

#[test]
fn a_shared_type_takes_no_name_typify_gives_a_merged_property() {
    // ghec's `scim-enterprise-group-response`: an `allOf` of `group-response` and an
    // object whose `members` typify merges with `group-response`'s, writing a merged
    // item type named by that place. The shared item shape must be named otherwise.
    let item = json!({
        "type": "object",
        "properties": {"value": {"type": "string"}, "display": {"type": "string"}},
    });
    let mut required = item.clone();
    required["required"] = json!(["value"]);
    let components = [
        (
            "GroupResponse",
            json!({"type": "object", "properties": {
                "members": {"type": "array", "items": required},
            }}),
        ),
        (
            "ScimGroup",
            json!({"allOf": [
                reference("GroupResponse"),
                {"type": "object", "properties": {
                    "members": {"type": "array", "items": item.clone()},
                }},
            ]}),
        ),
    ];
    let uses = [("ListBody", json!({"type": "array", "items": item.clone()}))];
    let (components, uses) = share(&components, &uses);
    let (key, body) = &components[2];
    assert_eq!(body, &item);
    assert_ne!(typify_variant_name(key), "ScimGroupMembersItem", "{key}");
    assert_eq!(uses[0]["items"], reference(key));
    // A property only one member has is merged with nothing: its name stays free.
    let (components, _) = share(
        &[(
            "ScimGroup",
            json!({"allOf": [
                {"type": "object", "properties": {"id": {"type": "string"}}},
                {"type": "object", "properties": {
                    "members": {"type": "array", "items": item.clone()},
                }},
            ]}),
        )],
        &[("ListBody", json!({"type": "array", "items": item}))],
    );
    assert_eq!(
        typify_variant_name(&components[1].0),
        "ScimGroupMembersItem"
    );
}
