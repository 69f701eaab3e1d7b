//! OpenAPI 3.0 schemas as JSON Schema that typify understands, and the wire shape of
//! parameter schemas.
//!
//! typify reads JSON Schema draft 7 through schemars 0.8, which differs from OpenAPI
//! 3.0 in a few keywords: `nullable` (ignored by typify), boolean `exclusiveMinimum`
//! and `exclusiveMaximum` (numbers in draft 7), and `$ref` siblings (ignored in 3.0).

mod defaults;
mod enums;
#[cfg(test)]
mod keyword_tests;
mod names;
mod normalize;
mod shape;
#[cfg(test)]
mod share_tests;
mod shared;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod typify_shape_tests;
mod variant_names;

pub(crate) use enums::typify_variant_name;
pub(crate) use names::{
    numbered_key, rename_refs, settle_inline_names, split_nullable_wrappers, typify_field_name,
};
pub(crate) use normalize::normalize_in;
pub(crate) use shape::shape;
pub(crate) use shared::share_identical_shapes;
pub(crate) use variant_names::name_tagged_variants;
// The validation rules' tests build their input the way lowering does.
#[cfg(test)]
pub(crate) use normalize::normalize;
