//! The API model to formatted Rust source.

mod api_trait;
mod describe;
mod fields;
mod pages;
mod requests;
mod responses;
mod router;
mod security;
mod validation;
mod webhooks;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::ir::Api;
use crate::ir::{SchemaUse, Types, Uses};

/// Generated source for one API.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// Formatted items, with no inner attributes, so the text can be `include!`d.
    pub items: String,
    /// Optional crates the items use.
    pub uses: Uses,
}

/// Emits the items for `api`, whose schemas lowering typed into `types`. `document_file`
/// is the path, relative to the generated file, that `OPENAPI_DOCUMENT` includes, and
/// `document` what it holds.
///
/// The emitters look types up in the order [`crate::lower::types`] added them; a change
/// to what they look up, or when, belongs there too.
pub fn emit(api: &Api, types: &Types, document: &Value, document_file: &str) -> Emitted {
    let api_trait = api_trait::api_trait(api);
    let auth_trait = security::auth_trait(api);
    let mut operation_items = Vec::new();
    for op in &api.operations {
        operation_items.push(requests::request_struct(api, op, types));
        operation_items.push(responses::response_enum(api, op, types));
    }
    let conversions = pages::page_conversions(api, types);
    let mut rules = validation::Rules::new(&api.schemas);
    let (router, decoders) = router::router(api, types, &mut rules);
    let description = describe::description(api, document, &decoders);
    let webhooks = webhooks::module(api, types, &mut rules);
    let rules = rules.finish();
    let type_items = types.items();
    let uses = types.uses();

    let tokens = quote! {
        /// Types generated from the schemas of the API.
        #[allow(clippy::all, missing_docs, dead_code, unused_comparisons)]
        pub mod types {
            #type_items
        }

        #api_trait

        #auth_trait

        #(#operation_items)*

        #conversions

        #router

        #webhooks

        #rules

        #description

        /// The OpenAPI document this code was generated from, as JSON.
        pub const OPENAPI_DOCUMENT: &str = include_str!(#document_file);
    };
    let mut file: syn::File = match syn::parse2(tokens.clone()) {
        Ok(file) => file,
        Err(error) => {
            // Emitting writes only tokens it built itself, so this is a generator bug, not
            // a problem with the spec. A debug build stops here; otherwise the code is
            // written unformatted, and the compiler shows where it breaks.
            let message = format!(
                "internal error: generated code does not parse ({error}); please report this spec"
            );
            debug_assert!(false, "{message}");
            return Emitted {
                items: format!("// specfirst {message}\n{tokens}\n"),
                uses,
            };
        }
    };
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item {
            if module.ident == "types" {
                if let Some((_, items)) = &mut module.content {
                    fields::separate_fields(items);
                }
            }
        }
    }
    Emitted {
        items: upper_camel_variants(space_items(&prettyplease::unparse(&file))),
        uses,
    }
}

/// An identifier that is valid because the naming pass made it so.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `use ::specfirst_runtime::__private as rt;` when `code` names `rt`, else nothing: a
/// body whose every arm defers to another type's code would warn of an unused import.
fn runtime_import(code: &[TokenStream]) -> Option<TokenStream> {
    fn names_rt(tokens: &TokenStream) -> bool {
        tokens.clone().into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => ident == "rt",
            proc_macro2::TokenTree::Group(group) => names_rt(&group.stream()),
            _ => false,
        })
    }
    code.iter().any(names_rt).then(|| {
        quote!(
            use ::specfirst_runtime::__private as rt;
        )
    })
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

/// prettyplease puts items right after one another; a blank line between an item's
/// closing brace and the next item at the same depth makes the output read like code
/// written by hand.
fn space_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "async fn ",
        "impl ",
        "impl<",
        "mod ",
        "struct ",
        "enum ",
        "trait ",
        "const ",
        "use ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let body = line.trim_start();
            // An item ends with its closing brace or parenthesis at its own depth, or
            // with a `;` on a deeper continuation line (`.checked(&RULES);`).
            let ends_item = (matches!(prev.trim(), "}" | "};" | ");")
                && indent(prev) == indent(line))
                || (prev.ends_with(';') && indent(prev) > indent(line));
            if ends_item && ITEM_STARTS.iter().any(|start| body.starts_with(start)) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// typify writes the variants for the enum values `+1` and `-1` (GitHub's reactions) as
/// `plus1` and `minus1`, which read wrong and warn. In formatted code such a variant is
/// a line of its own (`plus1,`) or the last segment of a path (`Self::plus1`); a field
/// of the same name (`pub plus1: ...`, `.plus1`) is neither and keeps its name. Done on
/// the text, since a syntax-tree pass over a spec as large as GitHub's costs seconds.
fn upper_camel_variants(code: String) -> String {
    if !code.contains("plus1") && !code.contains("minus1") {
        return code;
    }
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        let mut line = line.to_string();
        for (from, to) in [("plus1", "Plus1"), ("minus1", "Minus1")] {
            if line.trim() == format!("{from},") {
                line = line.replace(from, to);
            }
            line = replace_path_segment(&line, from, to);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
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
    /// The code of every type.
    fn items(&self) -> TokenStream;
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

    fn items(&self) -> TokenStream {
        let items = self.items_text().parse();
        debug_assert!(items.is_ok(), "typify's code reads back as tokens");
        items.unwrap_or_default()
    }
}
