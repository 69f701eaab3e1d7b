//! Schemas to Rust types through typify, with typify's failures turned into diagnostics.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use proc_macro2::TokenStream;
use serde_json::Value;
use typify::{TypeSpace, TypeSpaceSettings};

use crate::diagnostic::Diagnostic;
use crate::ir::SchemaUse;

/// The types of one API: component schemas first, inline ones as they are met.
pub struct Types {
    space: TypeSpace,
    /// Types already made, so a schema used twice (a scan parameter is both a field and
    /// a check) does not become two types.
    made: std::collections::BTreeMap<(String, String), TokenStream>,
    /// Problems typify raised, with the pointer of the schema it was given.
    pub problems: Vec<Diagnostic>,
}

/// Which optional crates the generated types use, so the manifest names only those.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// `chrono`, for `date` and `date-time`.
    pub chrono: bool,
    /// `uuid`, for `uuid`.
    pub uuid: bool,
    /// `regress`, for `pattern`.
    pub regress: bool,
}

impl Types {
    /// A type space holding the component schemas.
    pub fn new(schemas: &[(String, Value)]) -> Self {
        let mut settings = TypeSpaceSettings::default();
        settings.with_type_mod("types").with_struct_builder(false);
        let mut space = TypeSpace::new(&settings);
        let mut problems = Vec::new();
        let mut converted = Vec::new();
        for (name, schema) in schemas {
            match serde_json::from_value::<schemars::schema::Schema>(schema.clone()) {
                Ok(schema) => converted.push((name.clone(), schema)),
                Err(error) => problems.push(Diagnostic::new(
                    crate::diagnostic::pointer_join("/components/schemas", name),
                    format!("schema cannot be read as JSON Schema: {error}"),
                )),
            }
        }
        if problems.is_empty() {
            let result = quietly(|| space.add_ref_types(converted));
            if let Some(message) = failure(result) {
                problems.push(Diagnostic::new(
                    "/components/schemas",
                    format!("cannot generate types for the component schemas: {message}"),
                ));
            }
        }
        Self {
            space,
            made: Default::default(),
            problems,
        }
    }

    /// The Rust type for `schema_use`, e.g. `types::Pet`; `pointer` locates failures.
    pub fn type_of(&mut self, schema_use: &SchemaUse, pointer: &str) -> TokenStream {
        let key = (schema_use.schema.to_string(), schema_use.name_hint.clone());
        if let Some(tokens) = self.made.get(&key) {
            return tokens.clone();
        }
        let tokens = self.convert(schema_use, pointer);
        self.made.insert(key, tokens.clone());
        tokens
    }

    fn convert(&mut self, schema_use: &SchemaUse, pointer: &str) -> TokenStream {
        let fallback = quote::quote!(::serde_json::Value);
        // Without the component types every reference fails too; the problem with the
        // components is the one to report.
        if !self.problems.is_empty() && self.problems[0].pointer.starts_with("/components/schemas")
        {
            return fallback;
        }
        let schema =
            match serde_json::from_value::<schemars::schema::Schema>(schema_use.schema.clone()) {
                Ok(schema) => schema,
                Err(error) => {
                    self.problems.push(Diagnostic::new(
                        pointer,
                        format!("schema cannot be read as JSON Schema: {error}"),
                    ));
                    return fallback;
                }
            };
        let space = &mut self.space;
        let result = quietly(|| {
            let id = space.add_type_with_name(&schema, Some(schema_use.name_hint.clone()))?;
            space.get_type(&id).map(|ty| ty.ident())
        });
        match result {
            Ok(Ok(tokens)) => tokens,
            other => {
                let message = failure(other.map(|r| r.map(|_| ()))).unwrap_or_default();
                self.problems.push(Diagnostic::new(
                    pointer,
                    format!("cannot generate a type for this schema: {message}"),
                ));
                fallback
            }
        }
    }

    /// The code of every type added so far, and the crates it needs.
    ///
    /// typify asserts some invariants only while writing code out, so a schema it
    /// accepted can still make it panic here; that becomes a diagnostic.
    pub fn finish(self) -> Result<(TokenStream, Uses), Diagnostic> {
        let space = self.space;
        let result = quietly(|| {
            let uses = Uses {
                chrono: space.uses_chrono(),
                uuid: space.uses_uuid(),
                regress: space.uses_regress(),
            };
            (space.to_stream(), uses)
        });
        result.map_err(|panic| {
            let message = failure(Err(panic)).unwrap_or_default();
            Diagnostic::new(
                "/components/schemas",
                format!("cannot write the generated types: {message}"),
            )
        })
    }
}

fn failure(result: std::thread::Result<Result<(), typify::Error>>) -> Option<String> {
    match result {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error.to_string()),
        Err(panic) => Some(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .map_or_else(
                    || "typify panicked".to_string(),
                    |m| format!("typify panicked: {m}"),
                ),
        ),
    }
}

thread_local! {
    /// Set while this thread runs typify under [`quietly`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, catching a panic. typify panics on schemas it cannot handle; that becomes
/// a diagnostic, so the default hook's message and backtrace on stderr would only be
/// noise. The hook installed once here stays silent for this thread while `f` runs and
/// hands every other panic to the hook that was there before.
fn quietly<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_panics_are_caught_and_the_thread_is_loud_again() {
        let result = quietly(|| -> u8 { panic!("typify gave up") });
        let payload = result.expect_err("the panic is caught");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"typify gave up"));
        assert!(!QUIET.with(Cell::get));
        assert_eq!(quietly(|| 7).ok(), Some(7));
    }
}
