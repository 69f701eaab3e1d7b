//! typify's structs written and read by the runtime's `serde_struct!` instead of
//! serde's derives.
//!
//! Most of the time `cargo check` spends on a crate of models goes to the code serde's
//! derives write: for `Deserialize`, a field enum with a visitor and a `Deserialize` of
//! its own for each struct, and a visitor that reads the struct from a sequence as well
//! as from a map; for both, the expansion of a procedural macro over every struct. And
//! the attributes the derives read (`#[serde(skip_serializing_if = "Option::is_none")]`
//! on most fields of a big API) are a good share of its bytes. [`collapse`] drops the
//! derives and attributes from each struct whose attributes the macro understands and
//! writes an invocation after the struct instead, which names each field with its
//! property and a mark for what a missing property reads as and when the field is not
//! written; the macro (in `specfirst_runtime`, where it is tested against the derives)
//! reads the struct from a map only, with a fraction of the code. (With `Deserialize`
//! alone taken from the derive, `cargo check` of Oxide's nexus crate took 7.47 s in
//! BENCHMARKS.md, where it took 10.41 s before.)
//!
//! What the struct writes and reads is unchanged: the same properties in the same
//! order, the same defaults and skipped fields, unknown properties skipped (or refused
//! under `deny_unknown_fields`), and serde's own errors. Only a JSON array, which
//! serde's derive would also read as the struct's fields in order, is refused as the
//! wrong type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Attribute, Item, ItemStruct, LitStr, Token};

use crate::format;

/// The macro's name, as invocations spell it.
pub const NAME: &str = "serde_struct";

/// The import of the macro from the runtime, as an item of the `types` module (four
/// spaces deep). Each crate holding invocations imports it before them ([`finish`]).
pub const IMPORT: &str = "    use ::specfirst_runtime::serde_struct;\n";

/// Whether `items`, text of the `types` module's items, invoke the macro.
pub fn used_in(items: &str) -> bool {
    items.contains(&format!("    {NAME}!("))
}

/// `items`, formatted, with each invocation laid out as rustfmt would
/// ([`format::invocations`]), and [`IMPORT`] before them when they invoke the macro.
pub fn finish(items: String) -> String {
    if !used_in(&items) {
        return items;
    }
    let items = format::invocations::lay_out(&items, NAME);
    let mut out = String::with_capacity(IMPORT.len() + 1 + items.len());
    out.push_str(IMPORT);
    out.push('\n');
    out.push_str(&items);
    out
}

/// Drops serde's derives and attributes from every struct of `items` that the macro
/// can write and read as they would and writes an invocation after it; the structs'
/// names.
pub fn collapse(items: &mut Vec<Item>) -> Vec<String> {
    let mut changed = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        let invocation = match &mut item {
            Item::Struct(item) => invocation(item),
            _ => None,
        };
        out.push(item);
        if let Some((name, invocation)) = invocation {
            out.push(invocation);
            changed.push(name);
        }
    }
    *items = out;
    changed
}

/// What a field's serde attributes say, as the macro's mark after the field.
enum Mark {
    /// Nothing: a missing property reads as the type reads a missing value (`None`
    /// for an `Option`), and the field is always written.
    Plain,
    /// An `Option` that is not written when `None`.
    Optional,
    /// A collection that reads as empty when missing and is not written when empty.
    Empty,
    /// A `Nullable` that reads as absent when missing and is not written when absent.
    Absent,
    /// The type's default when missing.
    Default,
    /// What the function at this path returns when missing.
    DefaultWith(syn::Path),
    /// An error when missing, even for an `Option`.
    Required,
}

/// The most fields the macro reads: 32 groups of 16 slots (the runtime's `Wide` and
/// `GROUP`); wider structs keep serde's derives.
const MAX_FIELDS: usize = 512;

/// The invocation for `item`, with serde's derives and attributes dropped, when the
/// macro writes and reads it as serde's derive would; `item` is unchanged otherwise.
fn invocation(item: &mut ItemStruct) -> Option<(String, Item)> {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        return None;
    }
    let syn::Fields::Named(named) = &item.fields else {
        return None;
    };
    // The runtime reads at most this many fields into its slots.
    if named.named.len() > MAX_FIELDS {
        return None;
    }
    let mut derive = None;
    let mut deny_unknown_fields = None;
    for (at, attr) in item.attrs.iter().enumerate() {
        if attr.path().is_ident("doc") {
            continue;
        }
        if attr.path().is_ident("derive") {
            if derive.is_some() {
                return None;
            }
            derive = Some(at);
        } else if attr.path().is_ident("serde") && deny_unknown_fields.is_none() {
            // typify's only struct-level attribute that the macro takes.
            let words: syn::Ident = attr.parse_args().ok()?;
            if words != "deny_unknown_fields" {
                return None;
            }
            deny_unknown_fields = Some(at);
        } else {
            return None;
        }
    }
    let derive = derive?;
    let derived = derived_paths(&item.attrs[derive])?;
    let without: Vec<&syn::Path> = derived.iter().filter(|path| !is_serde(path)).collect();
    if without.len() + 2 != derived.len() {
        return None;
    }
    let mut fields = Vec::with_capacity(named.named.len());
    for field in &named.named {
        let ident = field.ident.clone()?;
        let (key, mark) = field_serde(field)?;
        // The key only when the field's own name does not spell it (a raw identifier's
        // name is spelled with `r#`).
        let name = ident.to_string();
        let property = key.map_or_else(|| ident.unraw().to_string(), |key| key.value());
        let key = (property != name).then(|| {
            let key = LitStr::new(&property, Span::call_site());
            quote!(: #key)
        });
        let mark = match mark {
            Mark::Plain => quote!(),
            Mark::Optional => quote!(optional),
            Mark::Empty => quote!(empty),
            Mark::Absent => quote!(absent),
            Mark::Default => quote!(default),
            Mark::DefaultWith(path) => quote!(default = #path),
            Mark::Required => quote!(required),
        };
        fields.push(quote!(#ident #key #mark));
    }
    // What serde read is in the invocation now.
    if let syn::Fields::Named(named) = &mut item.fields {
        for field in &mut named.named {
            field.attrs.retain(|attr| !attr.path().is_ident("serde"));
        }
    }
    item.attrs[derive] = syn::parse_quote!(#[derive(#(#without),*)]);
    let mut dropped = vec![];
    if without.is_empty() {
        dropped.push(derive);
    }
    dropped.extend(deny_unknown_fields);
    dropped.sort_unstable();
    for at in dropped.into_iter().rev() {
        item.attrs.remove(at);
    }
    let name = &item.ident;
    let deny = deny_unknown_fields.map(|_| quote!(, deny_unknown_fields));
    let macro_name = Ident::new(NAME, Span::call_site());
    let tokens: TokenStream = quote! {
        #macro_name!(#name { #(#fields),* } #deny);
    };
    let invocation = syn::parse2(tokens).expect("an invocation of serde_struct! parses");
    Some((name.to_string(), invocation))
}

/// The paths `#[derive(...)]` names.
fn derived_paths(attr: &Attribute) -> Option<Punctuated<syn::Path, Token![,]>> {
    attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .ok()
}

/// Whether `path` is serde's `Deserialize` or `Serialize` as typify spells them.
fn is_serde(path: &syn::Path) -> bool {
    path.leading_colon.is_some()
        && path.segments.len() == 2
        && path.segments[0].ident == "serde"
        && matches!(
            path.segments[1].ident.to_string().as_str(),
            "Deserialize" | "Serialize"
        )
}

/// What a field's `skip_serializing_if` names.
#[derive(PartialEq)]
enum Skip {
    None,
    IfNone,
    IfEmpty,
    IfAbsent,
}

/// The property `field` is written and read as (`None`: its own name) and its mark,
/// when its serde attributes are only ones the macro takes: `rename`, `default`,
/// `default = "path"`, `deserialize_with = "Option::deserialize"` and
/// `skip_serializing_if` with `Option::is_none` or an `is_empty`, in the pairs typify
/// writes them.
fn field_serde(field: &syn::Field) -> Option<(Option<LitStr>, Mark)> {
    let mut key = None;
    let mut default = None;
    let mut required = false;
    let mut skip = Skip::None;
    for attr in &field.attrs {
        if attr.path().is_ident("doc") {
            continue;
        }
        if !attr.path().is_ident("serde") {
            return None;
        }
        let mut known = true;
        attr.parse_nested_meta(|meta| {
            let name = meta.path.get_ident().map(ToString::to_string);
            match name.as_deref() {
                Some("rename") if key.is_none() => {
                    key = Some(meta.value()?.parse::<LitStr>()?);
                }
                Some("default") if default.is_none() && meta.input.peek(Token![=]) => {
                    let path: syn::Path = meta.value()?.parse::<LitStr>()?.parse()?;
                    default = Some(Some(path));
                }
                Some("default") if default.is_none() => default = Some(None),
                Some("deserialize_with") if !required => {
                    let with = meta.value()?.parse::<LitStr>()?;
                    known &= with.value() == "Option::deserialize";
                    required = true;
                }
                Some("skip_serializing_if") if skip == Skip::None => {
                    let with = meta.value()?.parse::<LitStr>()?.value();
                    skip = match with.rsplit_once("::") {
                        _ if with == "Option::is_none" => Skip::IfNone,
                        _ if with == "::specfirst_runtime::Nullable::is_absent" => Skip::IfAbsent,
                        Some((_, "is_empty")) => Skip::IfEmpty,
                        _ => {
                            known = false;
                            Skip::None
                        }
                    };
                }
                _ => {
                    known = false;
                    if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                }
            }
            Ok(())
        })
        .ok()?;
        if !known {
            return None;
        }
    }
    let mark = match (default, required, skip) {
        (None, false, Skip::None) => Mark::Plain,
        // An `Option` reads `None` for a missing property, with `default` or without.
        (None | Some(None), false, Skip::IfNone) => Mark::Optional,
        (Some(None), false, Skip::IfEmpty) => Mark::Empty,
        (Some(None), false, Skip::IfAbsent) => Mark::Absent,
        (Some(None), false, Skip::None) => Mark::Default,
        (Some(Some(path)), false, Skip::None) => Mark::DefaultWith(path),
        (None, true, Skip::None) => Mark::Required,
        _ => return None,
    };
    Some((key, mark))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code` (items) collapsed and formatted, as the types module's items are.
    fn collapsed(code: TokenStream) -> (String, Vec<String>) {
        let mut file: syn::File = syn::parse2(code).unwrap();
        let changed = collapse(&mut file.items);
        let items = &file.items;
        let module: syn::File = syn::parse_quote!(pub mod types { #(#items)* });
        let text = prettyplease::unparse(&module);
        let items = text
            .strip_prefix("pub mod types {\n")
            .and_then(|text| text.strip_suffix("}\n"))
            .unwrap()
            .to_string();
        (finish(items), changed)
    }

    #[test]
    fn a_struct_is_read_by_an_invocation() {
        let (text, changed) = collapsed(quote! {
            #[doc = "A book."]
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Book {
                #[doc = "Its title."]
                pub title: String,
                #[serde(rename = "pageCount", default, skip_serializing_if = "Option::is_none")]
                pub page_count: Option<u32>,
                #[serde(default = "defaults::default_u64::<u32, 10>")]
                pub shelf: u32,
                #[serde(rename = "type", deserialize_with = "Option::deserialize")]
                pub type_: Option<String>,
                #[serde(default, skip_serializing_if = "Vec::is_empty")]
                pub tags: Vec<String>,
                pub r#loop: bool,
            }
        });
        assert_eq!(changed, ["Book"]);
        let items = text.strip_prefix(IMPORT).unwrap();
        assert_eq!(
            items,
            "\n    ///A book.\n    \
             #[derive(Clone, Debug)]\n    \
             pub struct Book {\n        \
                 ///Its title.\n        \
                 pub title: String,\n        \
                 pub page_count: Option<u32>,\n        \
                 pub shelf: u32,\n        \
                 pub type_: Option<String>,\n        \
                 pub tags: Vec<String>,\n        \
                 pub r#loop: bool,\n    \
             }\n    \
             serde_struct!(Book {\n        \
                 title, page_count: \"pageCount\" optional, shelf default = defaults::default_u64::<u32, 10>,\n        \
                 type_: \"type\" required, tags empty, r#loop: \"loop\",\n    \
             });\n"
        );
    }

    #[test]
    fn deny_unknown_fields_is_passed_on() {
        let (text, changed) = collapsed(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct Empty {}
        });
        assert_eq!(changed, ["Empty"]);
        assert!(
            text.ends_with("    serde_struct!(Empty {}, deny_unknown_fields);\n"),
            "{text}"
        );
    }

    #[test]
    fn a_blank_line_follows_an_invocation() {
        let (text, _) = collapsed(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct A { pub a: u8 }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct B { pub b: u8 }
        });
        assert!(
            text.contains("    serde_struct!(A { a });\n\n    pub struct B"),
            "{text}"
        );
        assert!(text.ends_with("    serde_struct!(B { b });\n"), "{text}");
    }

    #[test]
    fn a_struct_the_macro_cannot_read_keeps_its_derive() {
        for code in [
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Flat {
                    #[serde(flatten)]
                    pub extra: ::std::collections::HashMap<String, String>,
                }
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct Wrapped(pub String);
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Custom {
                    #[serde(deserialize_with = "custom")]
                    pub a: String,
                }
            },
            quote! {
                #[derive(::serde::Serialize, Clone, Debug)]
                pub struct Written {
                    pub a: String,
                }
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct DefaultSkipped {
                    #[serde(default = "defaults::one", skip_serializing_if = "Option::is_none")]
                    pub a: Option<u8>,
                }
            },
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct OwnSkip {
                    #[serde(skip_serializing_if = "is_zero")]
                    pub a: u8,
                }
            },
        ] {
            let (text, changed) = collapsed(code);
            assert!(changed.is_empty(), "{text}");
            assert!(!text.contains("serde_struct!"), "{text}");
        }
    }

    #[test]
    fn structs_wider_than_the_runtime_reads_keep_the_derives() {
        let wide = |count: usize| {
            let fields = (0..count).map(|n| quote::format_ident!("f{n}"));
            quote! {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Wide {
                    #(pub #fields: u8,)*
                }
            }
        };
        let (text, changed) = collapsed(wide(MAX_FIELDS));
        assert_eq!(changed.len(), 1, "{text}");
        assert!(text.contains("serde_struct!(Wide {"), "{text}");
        let (text, changed) = collapsed(wide(MAX_FIELDS + 1));
        assert!(changed.is_empty(), "{text}");
        assert!(!text.contains("serde_struct!"), "{text}");
    }
}
