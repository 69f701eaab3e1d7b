//! Descriptions of path, query, header and cookie parameters, and the conversion of their
//! raw string values into typed values.
//!
//! Raw strings are first turned into a [`serde_json::Value`] according to the parameter's
//! OpenAPI style and types and then deserialized, so generated types (enums, newtypes with
//! validation, structs for object parameters) decode parameters exactly as they decode JSON
//! bodies.
//!
//! Every style of OpenAPI 3.0 is read as its style table writes it. Values are
//! percent-decoded before they are split at the style's delimiters, so a delimiter inside
//! an item cannot be escaped; this is the same trade-off every parameter already made.
//!
//! [`vocabulary`] holds the description generated code writes; reading a value starts in
//! [`locations`] (where the request holds it), goes through [`styles`], [`objects`] and
//! [`deep`] (how its text is split) and ends in [`scalars`] (what each piece converts to).
//! [`encode`] goes the other way, writing a value as the server reads it, for clients.

mod deep;
mod encode;
mod locations;
mod objects;
mod percent;
mod scalars;
mod styles;
#[cfg(test)]
mod testing;
mod vocabulary;

pub use encode::Encoded;
pub(crate) use locations::{cookie_pairs, raw_cookie_pairs, segment_piece, Raw};
pub(crate) use percent::{percent_decode, percent_encode};
pub(crate) use scalars::to_value;
pub use vocabulary::{
    Claim, Extra, Field, Gap, Location, Object, Param, Property, Scalar, Shape, Style,
};
