//! Component names typify would make collide, renamed with every use following.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{Operation, ResponseBody, SchemaUse};

use super::schema;

/// The components `renames` names given new keys (the type names settings give), and
/// every reference to them rewritten.
pub(super) fn rename_components<'o>(
    schemas: &mut [(String, Value)],
    operations: impl IntoIterator<Item = &'o mut Operation>,
    renames: &std::collections::BTreeMap<String, String>,
) {
    if renames.is_empty() {
        return;
    }
    for (key, _) in schemas.iter_mut() {
        if let Some(new) = renames.get(key.as_str()) {
            *key = new.clone();
        }
    }
    rewrite_refs(schemas, operations, renames);
}

/// Every reference in `schemas` and `operations` to a component `renames` renames
/// rewritten to its new name.
fn rewrite_refs<'o>(
    schemas: &mut [(String, Value)],
    operations: impl IntoIterator<Item = &'o mut Operation>,
    renames: &std::collections::BTreeMap<String, String>,
) {
    for (_, schema) in schemas.iter_mut() {
        schema::rename_refs(schema, renames);
    }
    for op in operations {
        let (uses, copies) = schema_uses_and_copies(op);
        for schema_use in uses.into_iter().chain(copies) {
            schema::rename_refs(&mut schema_use.schema, renames);
        }
    }
}

/// typify names each component after its key in Pascal case, so `dataArray` and
/// `DataArray` would both become `DataArray`. Later ones are renamed (and every reference
/// to them rewritten) so each gets a type of its own.
pub(super) fn rename_colliding_components<'o>(
    schemas: &mut [(String, Value)],
    operations: impl IntoIterator<Item = &'o mut Operation>,
) {
    let keys: BTreeSet<String> = schemas.iter().map(|(k, _)| k.clone()).collect();
    let mut taken = BTreeSet::new();
    let mut renames = std::collections::BTreeMap::new();
    for (key, _) in schemas.iter_mut() {
        if taken.insert(schema::typify_variant_name(key)) {
            continue;
        }
        let new = schema::numbered_key(key, |candidate| {
            !keys.contains(candidate) && !taken.contains(&schema::typify_variant_name(candidate))
        });
        taken.insert(schema::typify_variant_name(&new));
        renames.insert(std::mem::replace(key, new.clone()), new);
    }
    if renames.is_empty() {
        return;
    }
    rewrite_refs(schemas, operations, &renames);
}

/// Every schema an operation uses, for passes over all of them, and apart from them
/// the copies: the preferred media type's alternative of a body or a response that
/// declares several is a copy of the body listed, which passes that count schemas
/// must not see twice and passes that rewrite them must reach as well.
pub(super) fn schema_uses_and_copies(
    op: &mut Operation,
) -> (Vec<&mut SchemaUse>, Vec<&mut SchemaUse>) {
    let mut uses: Vec<&mut SchemaUse> = op.params.iter_mut().map(|p| &mut p.schema).collect();
    let mut copies = Vec::new();
    if let Some(pagination) = &mut op.pagination {
        uses.extend(pagination.scan.iter_mut().map(|p| &mut p.schema));
        if let Some(page) = &mut pagination.page {
            uses.push(&mut page.page);
            uses.push(&mut page.item);
        }
    }
    if let Some(body) = &mut op.body {
        uses.extend(body.kind.schema_uses_mut());
        for alternative in &mut body.alternatives {
            if alternative.media_type == body.media_type {
                copies.extend(alternative.kind.schema_uses_mut());
            } else {
                uses.extend(alternative.kind.schema_uses_mut());
            }
        }
    }
    for response in &mut op.responses {
        uses.extend(response.headers.iter_mut().map(|h| &mut h.schema));
        let preferred = response.body.as_ref().map(ResponseBody::media_type);
        if let Some(schema) = response.body.as_mut().and_then(ResponseBody::schema_mut) {
            uses.push(schema);
        }
        for alternative in &mut response.alternatives {
            let Some(schema) = alternative.body.schema_mut() else {
                continue;
            };
            if Some(alternative.media_type.as_str()) == preferred.as_deref() {
                copies.push(schema);
            } else {
                uses.push(schema);
            }
        }
    }
    (uses, copies)
}
