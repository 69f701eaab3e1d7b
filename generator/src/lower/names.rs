//! Component names typify would make collide, renamed with every use following.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{Operation, ResponseBody, SchemaUse};

use super::schema;

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
    for (_, schema) in schemas.iter_mut() {
        schema::rename_refs(schema, &renames);
    }
    for op in operations {
        for schema_use in schema_uses(op) {
            schema::rename_refs(&mut schema_use.schema, &renames);
        }
    }
}

/// Every schema an operation uses, for passes over all of them.
pub(super) fn schema_uses(op: &mut Operation) -> Vec<&mut SchemaUse> {
    let mut uses: Vec<&mut SchemaUse> = op.params.iter_mut().map(|p| &mut p.schema).collect();
    if let Some(pagination) = &mut op.pagination {
        uses.extend(pagination.scan.iter_mut().map(|p| &mut p.schema));
        if let Some(page) = &mut pagination.page {
            uses.push(&mut page.page);
            uses.push(&mut page.item);
        }
    }
    if let Some(body) = &mut op.body {
        uses.extend(body.kind.schema_uses_mut());
        // The preferred alternative is a copy of `kind`, already listed.
        for alternative in &mut body.alternatives {
            if alternative.media_type != body.media_type {
                uses.extend(alternative.kind.schema_uses_mut());
            }
        }
    }
    for response in &mut op.responses {
        uses.extend(response.headers.iter_mut().map(|h| &mut h.schema));
        let preferred = response.body.as_ref().map(ResponseBody::media_type);
        if let Some(ResponseBody::Json { schema, .. }) = &mut response.body {
            uses.push(schema);
        }
        for alternative in &mut response.alternatives {
            // The preferred alternative is a copy of `body`, already listed.
            if Some(alternative.media_type.as_str()) == preferred.as_deref() {
                continue;
            }
            if let ResponseBody::Json { schema, .. } = &mut alternative.body {
                uses.push(schema);
            }
        }
    }
    uses
}
