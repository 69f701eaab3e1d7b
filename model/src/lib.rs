//! What `specfirst` (the generator) and `specfirst-runtime` (what generated code runs
//! on) both speak, so neither keeps its own copy.
//!
//! - [`vocabulary`]: the words of a parameter's wire format and of a response's status,
//!   as plain `Copy` enums that generated `static`s and the generator's model both use.
//! - [`extensions`]: the `x-specfirst-*` keys specfirst reads from or writes into a
//!   document.
//! - [`openapi`]: an API as the generated code serves it, and the one writer that turns
//!   it into an OpenAPI 3.0 document. The generator's round trip and a generated
//!   crate's `API_DESCRIPTION` are both its output, so the two cannot drift apart.
//! - [`refs`]: local `$ref`s read as pointers, and followed one hop.
//! - [`streams`]: which media types stream typed items, how the items are framed,
//!   and where a media type object says what one item is.
//! - [`compact`]: the text `API_DESCRIPTION` keeps that document in, packed against the
//!   document the crate publishes; the generator packs it and the runtime unpacks it.
//!
//! The runtime re-exports what generated code names, so a generated crate still
//! depends on `specfirst-runtime` alone.

pub mod compact;
pub mod extensions;
pub mod openapi;
pub mod refs;
pub mod streams;
pub mod vocabulary;

pub use vocabulary::{Extra, In, Scalar, Status, Style};
