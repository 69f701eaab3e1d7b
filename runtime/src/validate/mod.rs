//! Schema constraints checked before a handler runs, with every violation reported by
//! the JSON pointer of the bad value and the rule it broke.
//!
//! Generated code describes each schema as a tree of `static` [`Schema`] values; the
//! checks here walk a decoded `serde_json::Value` against that tree. Types alone
//! (what serde enforces while deserializing) stop at the first error; this pass lists
//! all of them, which is what a client fixing a request wants.
//!
//! [`schema`] holds the description generated code writes, [`walk`] the pass over a value
//! and the violations it reports, [`checks`] the single-keyword constraints and
//! [`formats`] the syntax of the `format`s that have one. [`single_pass`] reads a body
//! into its type and checks it in one go, answering only whether it holds: a body that
//! does not is then walked for the report. [`fit`] leaves out what a body may hold
//! but its type cannot, for the rare body the rules take and the type refuses.

mod checks;
mod fit;
mod formats;
mod schema;
mod single_pass;
mod walk;

pub(crate) use fit::fit;
pub(crate) use formats::is_uuid;
pub use formats::Format;
pub use schema::{Additional, Check, Kind, Schema, Tagged};
pub(crate) use single_pass::decode_if_valid;
pub use walk::{describe_violations, validate, Violation};
