//! The API model to formatted Rust source.

mod api_trait;
mod client;
mod describe;
mod dispatch;
mod error_forms;
mod mock;
pub(crate) mod models;
mod module_files;
mod operation_crates;
mod operation_types;
mod pages;
mod param_specs;
mod requests;
mod response_checks;
mod responses;
mod route_choices;
mod router;
mod security;
mod validation;
mod value_checks;
mod webhooks;

pub use api_trait::MethodBodies;
pub use module_files::ModuleFile;
pub use operation_crates::OperationCrates;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::format;
use crate::ir::Api;
use crate::ir::{SchemaUse, Types, Uses};

/// Where the types of the API are.
#[derive(Debug, Clone, Copy)]
pub enum TypesAt<'a> {
    /// In the `types` module.
    Here,
    /// In model crates of these names, which the `types` module re-exports; `kept`,
    /// formatted items, stays in the module ([`models::Split::kept`]). The API crate's
    /// code is then written in several files ([`Emitted::files`]).
    Crates {
        /// The model crates' names, as Rust spells them.
        crates: &'a [String],
        /// The types that stay.
        kept: &'a str,
        /// Whether the operations' types may go to crates of their own too.
        operations: Option<OperationCrates<'a>>,
    },
}

/// Generated source for one API.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// Formatted items, with no inner attributes, so the text can be `include!`d.
    pub items: String,
    /// Optional crates the items use.
    pub uses: Uses,
    /// The items of each crate the operations' types went to, in order
    /// ([`OperationCrates`]); the API crate's items re-export them.
    pub operation_parts: Vec<String>,
    /// The modules `items` declares that are written to files of their own: with the
    /// types in crates, the operations' types by tag, and the handlers, webhooks,
    /// validation rules and description ([`module_files`]).
    pub files: Vec<ModuleFile>,
}

/// Formatted items, or why they do not parse.
pub type Formatted = Result<String, String>;

/// The value round trip's probes for `api`, whose schemas lowering typed into `types`:
/// a `value_checks` module to include in the generated module, beside its code, which
/// stays as it is ([`value_checks`]).
pub fn value_checks(api: &Api, types: &Types) -> String {
    // The rules the router and the webhooks named, asked for again in the same order,
    // so the probes name the statics the code has.
    let mut rules = validation::Rules::new(&api.schemas);
    let _ = router::router(api, types, &mut rules);
    let _ = webhooks::module(api, types, &mut rules);
    let tokens = value_checks::module(api, types, &rules);
    format::items(tokens.clone()).unwrap_or_else(|error| {
        // As for the code itself ([`emit`]): a generator bug, shown where it breaks.
        debug_assert!(false, "the value checks do not parse: {error}");
        format!("// specfirst internal error: the value checks do not parse ({error})\n{tokens}\n")
    })
}

/// The parts of the code that need no types, formatted, so that they can be written
/// while typing runs: the API and authentication traits, and the `description` module.
#[derive(Debug, Clone)]
pub struct Untyped {
    imports: Formatted,
    api_trait: Formatted,
    bodies: MethodBodies,
    auth_trait: Formatted,
    description: Formatted,
    /// The `description` module declared, and its items for a file of its own
    /// ([`Emitted::files`]); formatted here too, where it costs no time beside typing.
    description_in_file: Result<(String, Vec<ModuleFile>), String>,
}

impl Untyped {
    /// The parts of `api` that need no types; `document` is the published document,
    /// which the description is packed against.
    pub fn new(api: &Api, document: &Value) -> Self {
        let description =
            describe::description(api, document, &router::decoder_names(&api.operations));
        Self {
            description_in_file: format::items_and_modules(description.clone(), &["description"])
                .map(|(text, modules)| (text, module_files(modules, |items| items))),
            description: format::items(description),
            imports: format::items(api_trait::imports(api)),
            api_trait: format::items(api_trait::api_trait(api, MethodBodies::default())),
            bodies: MethodBodies::default(),
            auth_trait: format::items(security::auth_trait(api)),
        }
    }

    /// How the API trait's methods are written.
    pub fn method_bodies(&self) -> MethodBodies {
        self.bodies
    }

    /// Writes the API trait's methods as `bodies` says.
    pub fn set_method_bodies(&mut self, api: &Api, bodies: MethodBodies) {
        if bodies != self.bodies {
            self.api_trait = format::items(api_trait::api_trait(api, bodies));
            self.bodies = bodies;
        }
    }
}

/// Emits the items for `api`, whose schemas lowering typed into `types`. `document_file`
/// is the path, relative to the generated file, that `OPENAPI_DOCUMENT` includes, and
/// `document` what it holds; `untyped` is [`Untyped::new`]`(api, document)`.
///
/// The items are built and formatted in parts on every core, each part on the thread
/// that built it ([`format::parallel`]), and joined in order; typing formatted the types
/// already. The emitters look up the types that [`crate::lower::types`] made for what
/// they look up; a change to what they look up belongs there too.
///
/// `at` says where the types are: here, or in model crates ([`models::split`]) that
/// the `types` module re-exports.
pub fn emit(
    api: &Api,
    types: &Types,
    document: &Value,
    document_file: &str,
    at: TypesAt<'_>,
    untyped: &Untyped,
) -> Emitted {
    let parts = &Parts {
        api,
        types,
        document,
        document_file,
        bodies: untyped.bodies,
    };
    // In the order of the output. The router, the biggest, is built first, so that no
    // thread is left with a big one at the end.
    // Each task gives pieces of text in order (one, or one per operation) and the
    // modules it wrote to files of their own.
    let files = matches!(at, TypesAt::Crates { .. });
    let mut tasks: Vec<format::Task<'_, Pieces>> = Vec::new();
    let mut first = Vec::new();
    for written in [&untyped.api_trait, &untyped.auth_trait] {
        tasks.push(Box::new(move || Pieces::one(written.clone())));
    }
    let operation_tasks =
        tasks.len()..tasks.len() + api.operations.len().div_ceil(OPERATIONS_PER_TASK);
    for chunk in api.operations.chunks(OPERATIONS_PER_TASK) {
        tasks.push(Box::new(move || Pieces {
            pieces: chunk
                .iter()
                .map(|op| {
                    format::items(parts.operations(std::slice::from_ref(op)))
                        .map(|text| format::invocations::lay_out(&text, "deserialize_struct"))
                })
                .collect(),
            files: Vec::new(),
        }));
    }
    for part in [
        Part::Pages,
        Part::Router,
        Part::Description,
        Part::Client,
        Part::Document,
    ] {
        if matches!(part, Part::Router) {
            first.push(tasks.len());
        }
        tasks.push(Box::new(move || {
            let lay_out = |text: String| match part {
                Part::Router => format::operations::lay_out(&text),
                _ => text,
            };
            match part {
                Part::Description if files => match &untyped.description_in_file {
                    Ok((text, modules)) => Pieces {
                        pieces: vec![Ok(text.clone())],
                        files: modules.clone(),
                    },
                    Err(error) => Pieces::one(Err(error.clone())),
                },
                Part::Description => Pieces::one(untyped.description.clone()),
                Part::Router | Part::Client if files => {
                    match format::items_and_modules(parts.tokens(part), &module_files::MODULES) {
                        Ok((text, modules)) => Pieces {
                            pieces: vec![Ok(lay_out(text))],
                            files: module_files(modules, lay_out),
                        },
                        Err(error) => Pieces::one(Err(error)),
                    }
                }
                _ => Pieces::one(format::items(parts.tokens(part)).map(lay_out)),
            }
        }));
    }
    let mut formatted = Vec::with_capacity(tasks.len());
    let mut module_files = Vec::new();
    for done in format::parallel(tasks, &first) {
        formatted.push(done.pieces);
        module_files.extend(done.files);
    }
    // The operations' pieces, one per operation, in the first of their tasks' places.
    let mut operation_pieces: Vec<Formatted> = formatted[operation_tasks.clone()]
        .iter_mut()
        .flat_map(std::mem::take)
        .collect();
    // What goes before the operations' items: the re-exports of their crates and the
    // declarations of their files.
    let mut head = String::new();
    let tags: Vec<Option<&str>> = api.operations.iter().map(|op| op.first_tag()).collect();
    let (operation_parts, moved) = match at {
        TypesAt::Crates {
            operations: Some(crates),
            ..
        } => {
            let (parts, moved) = split_operations(api, &tags, &mut operation_pieces, &crates);
            head = operation_crates::re_exports(crates.prefix, parts.len());
            (parts, moved)
        }
        _ => (Vec::new(), BTreeSet::new()),
    };
    let all_moved = !api.operations.is_empty() && moved.len() == api.operations.len();
    if files {
        let (declarations, files) = module_files::operations(&tags, &mut operation_pieces, &moved);
        if !head.is_empty() && !declarations.is_empty() {
            head.push('\n');
        }
        head.push_str(&declarations);
        module_files.splice(0..0, files);
    }
    if let Some(Ok(text)) = operation_pieces.first_mut() {
        // A blank line after the head, before the items after it (the router's at
        // least), as between other items.
        if !head.is_empty() {
            head.push('\n');
        }
        text.insert_str(0, &head);
    }
    if let Some(place) = formatted.get_mut(operation_tasks.start) {
        *place = operation_pieces;
    }
    // The types' text as typing wrote it, not copied, or the re-exports of the crates.
    let inner: std::borrow::Cow<'_, str> = match at {
        TypesAt::Here => types.items_text().into(),
        TypesAt::Crates { crates, kept, .. } => {
            let mut text: String = crates
                .iter()
                .map(|name| format!("    pub use ::{name}::*;\n"))
                .collect();
            if !kept.is_empty() {
                text.push('\n');
                text.push_str(kept);
            }
            text.into()
        }
    };
    let joined = types_module(inner.is_empty()).and_then(|(head, foot)| {
        let formatted: Vec<Formatted> = formatted.into_iter().flatten().collect();
        let inner = &*inner;
        let mut imports = untyped.imports.clone()?;
        if all_moved {
            // The operations' impls, which used it, are in their crates now.
            imports = imports.replace(
                "use ::specfirst_runtime::__private as rt;",
                "#[allow(unused_imports)]\nuse ::specfirst_runtime::__private as rt;",
            );
        }
        if !imports.is_empty() {
            imports.push('\n');
        }
        let pieces: usize = formatted.iter().flatten().map(String::len).sum();
        let len = imports.len() + head.len() + inner.len() + foot.len() + pieces;
        let mut out = format::Joined::with_capacity(len);
        out.push(&imports);
        out.push(&head);
        out.push(inner);
        out.push(&foot);
        for piece in formatted {
            out.push(&piece?);
        }
        Ok(out.text)
    });
    let uses = types.uses();
    match joined {
        Ok(items) => Emitted {
            items: upper_camel_variants(items),
            uses,
            operation_parts: operation_parts
                .into_iter()
                .map(upper_camel_variants)
                .collect(),
            files: module_files
                .into_iter()
                .map(|file| ModuleFile {
                    items: upper_camel_variants(file.items),
                    ..file
                })
                .collect(),
        },
        Err(error) => {
            // Emitting writes only tokens it built itself, so this is a generator bug, not
            // a problem with the spec. A debug build stops here; otherwise the code is
            // written unformatted, and the compiler shows where it breaks.
            let message = format!(
                "internal error: generated code does not parse ({error}); please report this spec"
            );
            debug_assert!(false, "{message}");
            Emitted {
                items: format!("// specfirst {message}\n{}\n", parts.unformatted()),
                uses,
                operation_parts: Vec::new(),
                files: Vec::new(),
            }
        }
    }
}

/// Moves the operations' items out of `pieces` (one per operation, first tags `tags`)
/// into crates when [`operation_crates::place`] says so, leaving the moved ones empty. Gives each
/// crate's items and which operations moved; no crates when the operations stay, or any
/// failed to format (the error then shows where it is).
fn split_operations(
    api: &Api,
    tags: &[Option<&str>],
    pieces: &mut [Formatted],
    crates: &OperationCrates<'_>,
) -> (Vec<String>, BTreeSet<usize>) {
    let Some(texts) = pieces
        .iter()
        .map(|piece| piece.clone().ok())
        .collect::<Option<Vec<String>>>()
    else {
        return (Vec::new(), BTreeSet::new());
    };
    let Some(placed) = operation_crates::place(tags, &texts, crates) else {
        return (Vec::new(), BTreeSet::new());
    };
    let items: Vec<String> = placed
        .iter()
        .map(|operations| operation_crates::part_items(api, &texts, operations))
        .collect();
    let moved: BTreeSet<usize> = placed.into_iter().flatten().collect();
    for &index in &moved {
        pieces[index] = Ok(String::new());
    }
    (items, moved)
}

/// The modules [`format::items_and_modules`] wrote out, their items changed by `change`.
fn module_files(
    modules: Vec<(String, String)>,
    change: impl Fn(String) -> String,
) -> Vec<ModuleFile> {
    modules
        .into_iter()
        .map(|(module, items)| ModuleFile {
            module,
            items: change(items),
        })
        .collect()
}

/// What one of [`emit`]'s tasks formatted: pieces of the generated file's text, in
/// order, and modules written to files of their own.
struct Pieces {
    pieces: Vec<Formatted>,
    files: Vec<ModuleFile>,
}

impl Pieces {
    /// One piece of text and no files.
    fn one(piece: Formatted) -> Self {
        Self {
            pieces: vec![piece],
            files: Vec::new(),
        }
    }
}

/// The formatted text of the `types` module before its items and after them (all of it
/// when it has no items).
fn types_module(empty: bool) -> Result<(String, String), String> {
    let module = quote! {
        /// Types generated from the schemas of the API.
        #[allow(clippy::all, missing_docs, dead_code, unused_comparisons)]
        pub mod types {}
    };
    if empty {
        format::items(module).map(|text| (text, String::new()))
    } else {
        format::module_parts(module)
    }
}

/// Operations whose request structs and response enums one task builds and formats.
const OPERATIONS_PER_TASK: usize = 32;

/// The parts of the emitted code besides the types and the operations' items.
#[derive(Clone, Copy)]
enum Part {
    ApiTrait,
    AuthTrait,
    Pages,
    /// The router, the webhooks and the validation rules both add to.
    Router,
    Description,
    /// The typed client and the mock, behind the generated crate's `client` and
    /// `mock` features.
    Client,
    Document,
}

/// What the parts are built from.
struct Parts<'a> {
    api: &'a Api,
    types: &'a Types,
    /// The published document, which the description is packed against.
    document: &'a Value,
    document_file: &'a str,
    /// How the API trait's methods are written.
    bodies: MethodBodies,
}

impl Parts<'_> {
    fn tokens(&self, part: Part) -> TokenStream {
        let Self {
            api,
            types,
            document,
            document_file,
            bodies,
        } = *self;
        match part {
            Part::ApiTrait => api_trait::api_trait(api, bodies),
            Part::AuthTrait => security::auth_trait(api),
            Part::Pages => pages::page_conversions(api, types),
            Part::Router => {
                let mut rules = validation::Rules::new(&api.schemas);
                let (router, _) = router::router(api, types, &mut rules);
                let webhooks = webhooks::module(api, types, &mut rules);
                let rules = rules.finish();
                quote!(#router #webhooks #rules)
            }
            Part::Description => {
                describe::description(api, document, &router::decoder_names(&api.operations))
            }
            Part::Client => {
                let client = client::module(api);
                let mock = mock::module(api);
                quote!(#client #mock)
            }
            Part::Document => quote! {
                /// The OpenAPI document this code was generated from, as JSON.
                pub const OPENAPI_DOCUMENT: &str = include_str!(#document_file);
            },
        }
    }

    /// The request struct and response enum of each of `operations`.
    fn operations(&self, operations: &[crate::ir::Operation]) -> TokenStream {
        let mut tokens = TokenStream::new();
        for op in operations {
            tokens.extend(requests::request_struct(self.api, op, self.types));
            tokens.extend(responses::response_enum(self.api, op, self.types));
            if let Some(choice) = self.api.choice_led_by(op) {
                tokens.extend(route_choices::choice_enum(self.api, choice));
            }
        }
        tokens
    }

    /// All the code, unformatted but for the types.
    fn unformatted(&self) -> TokenStream {
        let items: TokenStream = self.types.items_text().parse().unwrap_or_default();
        let mut tokens = api_trait::imports(self.api);
        tokens.extend(quote! {
            /// Types generated from the schemas of the API.
            #[allow(clippy::all, missing_docs, dead_code, unused_comparisons)]
            pub mod types {
                #items
            }
        });
        tokens.extend(self.tokens(Part::ApiTrait));
        tokens.extend(self.tokens(Part::AuthTrait));
        tokens.extend(self.operations(&self.api.operations));
        for part in [
            Part::Pages,
            Part::Router,
            Part::Description,
            Part::Client,
            Part::Document,
        ] {
            tokens.extend(self.tokens(part));
        }
        tokens
    }
}

/// The trait declaring `op`'s method: the API trait, or its part
/// ([`crate::ir::Api::trait_parts`]).
fn method_trait<'a>(api: &'a Api, op: &'a crate::ir::Operation) -> &'a str {
    op.declared_in.as_deref().unwrap_or(&api.trait_name)
}

/// An identifier that is valid because the naming pass made it so.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The derives of a request or response type: a body stream is not `Clone`, so a type
/// holding one is only `Debug`.
fn derives(streams: bool) -> TokenStream {
    if streams {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone)])
    }
}

/// `#[doc = ...]` lines for `text`, one attribute per line so prettyplease writes `///`.
fn doc(text: &str) -> TokenStream {
    let text = crate::text::unix_line_breaks(text);
    let lines = text.trim().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// typify writes the variants for the enum values `+1` and `-1` (GitHub's reactions) as
/// `plus1` and `minus1`, which read wrong and warn. In formatted code such a variant is
/// a line of its own (`plus1,`, or `plus1 = "+1",` in a `string_enum!`) or the last
/// segment of a path (`Self::plus1`); a field
/// of the same name (`pub plus1: ...`, `.plus1`) is neither and keeps its name. Done on
/// the text, since a syntax-tree pass over a spec as large as GitHub's costs seconds.
fn upper_camel_variants(code: String) -> String {
    const NAMES: [(&str, &str); 2] = [("plus1", "Plus1"), ("minus1", "Minus1")];
    // The lines that name a variant, found by their `1`s: one search through the text
    // instead of one per name and line.
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find('1') {
        let at = from + found + 1;
        if NAMES.iter().any(|(name, _)| code[..at].ends_with(name)) {
            let start = code[..at].rfind('\n').map_or(0, |end| end + 1);
            if starts.last() != Some(&start) {
                starts.push(start);
            }
        }
        from = at;
    }
    if starts.is_empty() {
        return code;
    }
    let mut out = String::with_capacity(code.len());
    if code.contains('\r') || !code.ends_with('\n') {
        // `lines` drops a `\r` before a line break and adds the last line break.
        for line in code.lines() {
            out.push_str(&upper_camel_line(line, &NAMES));
            out.push('\n');
        }
        return out;
    }
    // Every other line stays as it is.
    let mut copied = 0;
    for start in starts {
        let end = start + code[start..].find('\n').unwrap_or(code.len() - start);
        out.push_str(&code[copied..start]);
        out.push_str(&upper_camel_line(&code[start..end], &NAMES));
        copied = end;
    }
    out.push_str(&code[copied..]);
    out
}

/// `line` with the variants of `names` renamed.
fn upper_camel_line(line: &str, names: &[(&str, &str)]) -> String {
    let mut line = line.to_string();
    for (from, to) in names {
        let variant = line.trim();
        if variant == format!("{from},") || variant.starts_with(&format!("{from} = \"")) {
            line = line.replace(from, to);
        }
        line = replace_path_segment(&line, from, to);
    }
    line
}

/// `line` with every `::from` that ends an identifier written `::to`.
fn replace_path_segment(line: &str, from: &str, to: &str) -> String {
    let needle = format!("::{from}");
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let ends = after
            .chars()
            .next()
            .map_or(true, |c| !(c.is_alphanumeric() || c == '_'));
        out.push_str(&rest[..at]);
        out.push_str("::");
        out.push_str(if ends { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The types typing found, read back as the tokens typify wrote.
trait TypeTokens {
    /// The Rust type for `schema_use`, e.g. `types::Pet`.
    fn type_of(&self, schema_use: &SchemaUse) -> TokenStream;
}

impl TypeTokens for Types {
    fn type_of(&self, schema_use: &SchemaUse) -> TokenStream {
        let found = self
            .type_text(schema_use)
            .and_then(|text| text.parse().ok());
        debug_assert!(
            found.is_some(),
            "no type for the schema use {:?}: the typing walk and the emitters disagree",
            schema_use.name_hint
        );
        found.unwrap_or_else(|| quote!(::serde_json::Value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_and_minus_variants_are_upper_camel_case_wherever_written() {
        let code = "    pub enum Reaction {\n        plus1,\n        minus1,\n    }\n    \
                    string_enum! {\n        pub enum Content {\n            plus1 = \"+1\",\n            \
                    minus1 = \"-1\",\n        }\n    }\n    \
                    fn f() { Content::plus1; }\n    pub struct S { pub plus1: i64 }\n";
        let renamed = upper_camel_variants(code.to_string());
        assert!(
            renamed.contains("        Plus1,\n        Minus1,\n"),
            "{renamed}"
        );
        assert!(
            renamed.contains("Plus1 = \"+1\",\n            Minus1 = \"-1\","),
            "{renamed}"
        );
        assert!(renamed.contains("Content::Plus1;"), "{renamed}");
        assert!(renamed.contains("pub plus1: i64"), "{renamed}");
    }
}
