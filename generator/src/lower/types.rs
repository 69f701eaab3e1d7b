//! The last step of lowering: the Rust type of every schema the API uses, through
//! typify, with typify's failures (errors and panics) turned into diagnostics. Once this
//! has succeeded, emitting only looks types up and cannot fail.
//!
//! typify names inline types, and orders the code it writes, by the order in which
//! schemas are added to its type space, so the generated code depends on that order.
//! [`resolve`] adds them in the order the emitters ask for them: for each operation its
//! request struct then its response enum, then the page conversions, then the router's
//! scan checks, then the same for the webhooks. The walk mirrors the emitters rather
//! than running them twice: it is short, and it keeps emitting free of typify. A use the
//! walk missed is a generator bug that the emitters catch in debug builds.

mod ascii_names;
mod fields;
mod filled_in;
mod prelude;
mod renames;
mod string_enums;
mod struct_reads;
mod three_state;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once};

use proc_macro2::TokenStream;
use serde_json::Value;
use typify::{CrateVers, TypeDetails, TypeSpace, TypeSpacePatch, TypeSpaceSettings};

use crate::diagnostic::{pointer_join, Diagnostic, Diagnostics};
use crate::format;
use crate::ir::{
    Api, BodyKind, Operation, PartKind, ResponseBody, SchemaUse, StatusSpec, Types, Uses,
};
use crate::load::Document;
use crate::lower::schema::typify_variant_name;
use crate::{NullableFields, Settings};

/// The types of `api`, whose schemas `doc` holds, or every problem typify had with them;
/// typed as `settings` say (optional nullable properties, derives, replacements).
pub fn resolve(doc: &Document, api: &Api, settings: &Settings) -> Result<Types, Diagnostics> {
    let mut typing = Typing::new(&api.schemas, settings);
    for op in &api.operations {
        typing.request(op);
        typing.responses(op);
    }
    typing.pages(&api.operations);
    typing.scan_checks(&api.operations);
    for hook in &api.webhooks {
        typing.request(hook);
        typing.responses(hook);
    }
    typing.scan_checks(&api.webhooks);
    if !typing.problems.is_empty() {
        return Err(doc.diagnostics(typing.problems));
    }
    typing
        .finish()
        .map_err(|problem| doc.diagnostics(vec![problem]))
}

/// Component schemas one thread reads as typify's JSON Schema at a time.
const COMPONENTS_PER_TASK: usize = 64;

/// A type space being filled: component schemas first, inline ones as they are met.
struct Typing {
    space: TypeSpace,
    /// Types already made, so a schema used twice (a scan parameter is both a field and
    /// a check) does not become two types.
    made: BTreeMap<(String, String), TokenStream>,
    /// Problems typify raised, with the pointer of the schema it was given.
    problems: Vec<Diagnostic>,
    /// Whether optional nullable properties become `Nullable` ([`three_state`]).
    three_state: bool,
    /// Fields and variants settings rename, by type name ([`renames`]).
    renames: BTreeMap<String, renames::TypeRenames>,
}

/// The walk over the API in the order the emitters look types up.
impl Typing {
    /// What `emit::requests::request_struct` looks up: the scan parameters, the
    /// parameters, then the body (each media type's, when it has several).
    fn request(&mut self, op: &Operation) {
        if let Some(pagination) = &op.pagination {
            for param in &pagination.scan {
                self.type_of(&param.schema, &param.pointer);
            }
        }
        for param in &op.params {
            self.type_of(&param.schema, &param.pointer);
        }
        let Some(body) = &op.body else { return };
        let pointer = format!("{}/requestBody", op.pointer);
        if body.alternatives.is_empty() {
            self.body(&body.kind, &pointer);
        } else {
            for alternative in &body.alternatives {
                let pointer = pointer_join(&format!("{pointer}/content"), &alternative.media_type);
                self.body(&alternative.kind, &pointer);
            }
        }
    }

    /// A body's value, or its multipart struct's parts.
    fn body(&mut self, kind: &BodyKind, pointer: &str) {
        match kind {
            BodyKind::Json(schema)
            | BodyKind::Form(schema)
            | BodyKind::Stream { item: schema, .. } => {
                self.type_of(schema, pointer);
            }
            BodyKind::Multipart(multipart) => {
                for part in &multipart.parts {
                    if let PartKind::Value { schema, .. } | PartKind::Values { schema, .. } =
                        &part.kind
                    {
                        self.type_of(schema, pointer);
                    }
                }
            }
            BodyKind::Text | BodyKind::Bytes => {}
        }
    }

    /// What `emit::responses::response_enum` looks up: for each response its JSON body
    /// or stream item (each media type's, when it has several), then its headers.
    fn responses(&mut self, op: &Operation) {
        for response in &op.responses {
            let key = match response.status {
                StatusSpec::Code(code) => code.to_string(),
                StatusSpec::Range(class) => format!("{class}XX"),
                StatusSpec::Default => "default".into(),
            };
            let pointer = pointer_join(&format!("{}/responses", op.pointer), &key);
            if response.body.is_some() && !response.alternatives.is_empty() {
                for alternative in &response.alternatives {
                    if let Some(schema) = alternative.body.schema() {
                        let pointer =
                            pointer_join(&format!("{pointer}/content"), &alternative.media_type);
                        self.type_of(schema, &pointer);
                    }
                }
            } else if let Some(schema) = response.body.as_ref().and_then(ResponseBody::schema) {
                self.type_of(schema, &pointer);
            }
            for header in &response.headers {
                let pointer = pointer_join(&pointer_join(&pointer, "headers"), &header.name);
                self.type_of(&header.schema, &pointer);
            }
        }
    }

    /// What `emit::pages::page_conversions` looks up: each page type and its item type,
    /// the `x-dropshot-pagination` ones first, then the `x-ms-pageable` ones.
    fn pages(&mut self, operations: &[Operation]) {
        for op in operations {
            if let Some(page) = op.pagination.as_ref().and_then(|p| p.page.as_ref()) {
                self.type_of(&page.page, &op.pointer);
                self.type_of(&page.item, &op.pointer);
            }
        }
        for op in operations {
            if let Some(link) = &op.link_pagination {
                self.type_of(&link.body.page, &op.pointer);
                self.type_of(&link.body.item, &op.pointer);
            }
        }
    }

    /// What `emit::router::router` looks up: the type of each scan parameter, which a
    /// later page's token is checked against.
    fn scan_checks(&mut self, operations: &[Operation]) {
        for op in operations {
            for param in op.pagination.iter().flat_map(|p| &p.scan) {
                self.type_of(&param.schema, &param.pointer);
            }
        }
    }
}

impl Typing {
    /// A type space holding the component schemas.
    fn new(schemas: &[(String, Value)], user: &Settings) -> Self {
        let three_state = user.nullable == NullableFields::ThreeState;
        let mut settings = TypeSpaceSettings::default();
        settings.with_type_mod("types").with_struct_builder(false);
        if three_state {
            settings.with_crate(three_state::CRATE, CrateVers::Any, None);
        }
        customise(&mut settings, user);
        let mut space = TypeSpace::new(&settings);
        let defaulted = match three_state {
            true => three_state::defaulted(schemas),
            false => Default::default(),
        };
        let defaulted = &defaulted;
        let cycles = match three_state {
            true => three_state::cycles(schemas),
            false => Default::default(),
        };
        let cycles = &cycles;
        let mut problems = Vec::new();
        let mut converted = Vec::new();
        // Read on every core: GitHub's thousand components take a while.
        let tasks = schemas
            .chunks(COMPONENTS_PER_TASK)
            .map(|chunk| -> format::Task<'_, Vec<_>> {
                Box::new(move || {
                    chunk
                        .iter()
                        .map(|(name, schema)| {
                            let mark = three_state && !defaulted.contains(name);
                            read_marked(schema, name, mark, cycles.get(name))
                        })
                        .collect()
                })
            })
            .collect();
        let read = format::parallel(tasks, &[]).into_iter().flatten();
        for ((name, _), schema) in schemas.iter().zip(read) {
            match schema {
                Ok(schema) => converted.push((name.clone(), schema)),
                Err(error) => problems.push(Diagnostic::new(
                    pointer_join("/components/schemas", name),
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
            three_state,
            renames: user
                .types
                .iter()
                .filter(|(_, setting)| !setting.fields.is_empty() || !setting.variants.is_empty())
                .map(|(component, setting)| {
                    let name = type_name(component, setting);
                    let renames = renames::TypeRenames {
                        fields: setting.fields.clone(),
                        variants: setting.variants.clone(),
                    };
                    (name, renames)
                })
                .collect(),
        }
    }

    /// Adds the type for `schema_use` unless it is there already; `pointer` locates
    /// failures.
    fn type_of(&mut self, schema_use: &SchemaUse, pointer: &str) {
        let key = (schema_use.schema.to_string(), schema_use.name_hint.clone());
        if self.made.contains_key(&key) {
            return;
        }
        let tokens = self.convert(schema_use, pointer);
        self.made.insert(key, tokens);
    }

    fn convert(&mut self, schema_use: &SchemaUse, pointer: &str) -> TokenStream {
        let fallback = quote::quote!(::serde_json::Value);
        // Without the component types every reference fails too; the problem with the
        // components is the one to report.
        if !self.problems.is_empty() && self.problems[0].pointer.starts_with("/components/schemas")
        {
            return fallback;
        }
        let schema = match read_marked(
            &schema_use.schema,
            &schema_use.name_hint,
            self.three_state,
            None,
        ) {
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

    /// The code of every type added, formatted, and the crates it needs.
    ///
    /// typify asserts some invariants only while writing code out, so a schema it
    /// accepted can still make it panic here; that becomes a diagnostic.
    fn finish(self) -> Result<Types, Diagnostic> {
        let space = self.space;
        let result = quietly(|| {
            let uses = Uses {
                chrono: space.uses_chrono(),
                uuid: space.uses_uuid(),
                regress: space.uses_regress(),
            };
            (space.to_stream(), uses)
        });
        // A type of the spec named like one of the prelude's keeps typify's full paths.
        let shadowed = space.iter_types().any(|t| {
            matches!(
                t.details(),
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
            ) && prelude::shadowed(&t.name())
        });
        let renames = ascii_names::with_ascii_variants(&space, self.renames);
        let result = result.map(|(items, uses)| {
            let (items, unmatched) = renames::apply(items, &renames);
            (items, uses, unmatched)
        });
        match result {
            Ok((_, _, unmatched)) if !unmatched.is_empty() => {
                Err(Diagnostic::new("/components/schemas", unmatched.join("; ")))
            }
            Ok((items, uses, _)) => Ok(Types {
                made: self
                    .made
                    .into_iter()
                    .map(|(key, tokens)| (key, prelude::shorten_type(tokens).to_string()))
                    .collect(),
                items: format_items(items, !shadowed),
                uses,
            }),
            Err(panic) => {
                let message = failure(Err(panic)).unwrap_or_default();
                Err(Diagnostic::new(
                    "/components/schemas",
                    format!("cannot write the generated types: {message}"),
                ))
            }
        }
    }
}

/// The name typify gives the type of `component`, which a setting may rename.
fn type_name(component: &str, setting: &crate::TypeSetting) -> String {
    typify_variant_name(setting.rename.as_deref().unwrap_or(component))
}

/// What `user` sets about types, as typify's settings: derives on every type; per
/// component (by the name its type has after any rename) a replacement, or derives
/// and attributes; and the crates a spec's `x-rust-type` may name, the dependencies.
fn customise(settings: &mut TypeSpaceSettings, user: &Settings) {
    for derive in &user.derives {
        settings.with_derive(derive.clone());
    }
    for (component, setting) in &user.types {
        let name = type_name(component, setting);
        if let Some(path) = &setting.replace {
            settings.with_replacement(name, path, std::iter::empty());
            continue;
        }
        if setting.derives.is_empty() && setting.attrs.is_empty() {
            continue;
        }
        let mut patch = TypeSpacePatch::default();
        for derive in &setting.derives {
            patch.with_derive(derive);
        }
        for attr in &setting.attrs {
            patch.with_attr(attr);
        }
        settings.with_patch(name, &patch);
    }
    for dependency in user.dependencies.keys() {
        settings.with_crate(dependency, CrateVers::Any, None);
    }
}

/// The change to each batch of typify's items: [`string_enums::collapse`] when
/// `collapse`, [`filled_in::wrap`] (but for the fields in `kept`), [`prelude::shorten`]
/// when `shorten`, [`three_state::unwrap_options`], [`fields::separate_fields`], then
/// [`struct_reads::collapse`] (which must see the fields' final names); the names of
/// the types they changed.
fn edit(
    items: &mut Vec<syn::Item>,
    collapse: bool,
    shorten: bool,
    kept: &filled_in::Kept,
) -> Vec<String> {
    let mut changed = if collapse {
        string_enums::collapse(items)
    } else {
        Vec::new()
    };
    filled_in::wrap(items, kept);
    if shorten {
        prelude::shorten(items);
    }
    three_state::unwrap_options(items);
    changed.extend(fields::separate_fields(items));
    changed.extend(struct_reads::collapse(items));
    changed.sort_unstable();
    changed.dedup();
    changed
}

/// typify's code formatted once, as the items of the `types` module emitting writes
/// around it: string enums as one macro invocation each ([`string_enums`]) when there
/// are enough of them to pay for the macro's definition, the fields its structs would
/// repeat told apart, and with the prelude's short names for standard types when
/// `short_paths` ([`prelude`]).
fn format_items(items: TokenStream, short_paths: bool) -> String {
    // Batches are edited apart, so what the `defaults` module builds is found first.
    let kept = Arc::new(filled_in::kept(&items));
    let edit_with = |collapse: bool| -> format::Edit {
        let kept = Arc::clone(&kept);
        Arc::new(move |items: &mut Vec<syn::Item>| edit(items, collapse, short_paths, &kept))
    };
    let collapsed = format_with(items.clone(), edit_with(true));
    let formatted = if string_enums::pays(&collapsed) {
        string_enums::define_where_used(string_enums::macro_heads(collapsed))
    } else {
        format_with(items, edit_with(false))
    };
    struct_reads::finish(formatted)
}

/// typify's code formatted with `edit`.
fn format_with(items: TokenStream, edit: format::Edit) -> String {
    match format::format(1, Some(edit), |code| code.push(items)) {
        Ok(text) => text,
        Err(unparsable) => {
            // Like emitting's own code, typify's is expected to parse: a debug build
            // stops here; otherwise the code is written unformatted.
            let message = format!(
                "internal error: generated types do not parse ({}); please report this spec",
                unparsable.message
            );
            debug_assert!(false, "{message}");
            format!("// specfirst {message}\n{}\n", unparsable.code)
        }
    }
}

/// `schema` as typify reads it, with optional nullable properties marked as
/// [`three_state`] says when `three_state`; `name` is the name typify is given for it.
fn read_marked(
    schema: &Value,
    name: &str,
    three_state: bool,
    cycle: Option<&std::collections::BTreeSet<String>>,
) -> serde_json::Result<schemars::schema::Schema> {
    match three_state
        .then(|| three_state::mark(schema, name, cycle))
        .flatten()
    {
        Some(marked) => read_schema(&marked),
        None => read_schema(schema),
    }
}

/// `schema` as typify reads it, without copying the JSON first.
fn read_schema(schema: &Value) -> serde_json::Result<schemars::schema::Schema> {
    serde::Deserialize::deserialize(schema)
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

    #[test]
    fn types_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Types>();
    }
}
