//! What `specfirst` (the generator) and `specfirst-runtime` (what generated code runs
//! on) both speak, so neither keeps its own copy.
//!
//! - [`vocabulary`]: the words of a parameter's wire format and of a response's status,
//!   as plain `Copy` enums that generated `static`s and the generator's model both use.
//! - [`extensions`]: the `x-specfirst-*` keys specfirst reads from or writes into a
//!   document.
//! - [`openapi`]: an API as the generated code serves it, and the one writer that turns
//!   it into an OpenAPI 3.0 document. The generator's round trip and the runtime's
//!   `ApiDescription::to_openapi` both go through it, so the two cannot drift apart.
//!
//! The runtime re-exports what generated code names, so a generated crate still
//! depends on `specfirst-runtime` alone.

pub mod extensions;
pub mod openapi;
pub mod vocabulary;

pub use vocabulary::{Extra, In, Scalar, Status, Style};
