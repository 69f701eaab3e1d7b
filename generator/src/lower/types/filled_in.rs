//! Optional properties that typify fills in when absent, typed as `Option` so that
//! absent and empty stay two things.
//!
//! typify writes an optional array or map property as the collection itself, read as
//! empty when absent and not written when empty, and an optional property that can only
//! be `null` as `()`, read as `()` when absent and always written. Either way a value
//! does not come back as it went in: `{"tags": []}` comes out as `{}`, `{}` as
//! `{"stock": null}`. The value round trip found both. [`wrap`] turns each such
//! collection into an `Option` of it, `None` when absent and not written then, and each
//! such `()` into the runtime's `Nullable<()>`: absent, or `null`. The same goes for an
//! optional property whose type holds itself: typify writes `Box<Option<T>>`, always
//! written (`null` when absent), which becomes `Option<Box<T>>`, not written when
//! `None` (Azure's `InternalError.innererror`).
//!
//! A field keeps typify's type where typify writes a value of it (a default of the
//! struct given in the spec): that code names the collection's own type.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Fields, Item, LitStr, Meta, Token, Type};

/// The `skip_serializing_if` an `Option` field gets, as typify spells it.
const IS_NONE: &str = "::std::option::Option::is_none";

/// The `skip_serializing_if` a `Nullable` field gets, as [`super::three_state`] spells
/// it.
const IS_ABSENT: &str = "::specfirst_runtime::Nullable::is_absent";

/// The fields that keep typify's type: those its `defaults` module gives a value
/// other than `Default::default()`, as `(struct or variant, field)`.
#[derive(Debug, Default)]
pub struct Kept {
    fields: BTreeSet<(String, String)>,
}

/// The fields of typify's code `items` (the `types` module's items) that [`wrap`] must
/// leave alone: the `defaults` module names their types. Found before the code is cut
/// into batches, which are edited apart.
pub fn kept(items: &TokenStream) -> Kept {
    let mut built = Built::default();
    find_defaults(items, &mut built);
    Kept {
        fields: built.fields,
    }
}

/// Visits the items of each `mod defaults { ... }` in `tokens`, in modules too.
fn find_defaults(tokens: &TokenStream, built: &mut Built) {
    let mut trees = tokens.clone().into_iter().peekable();
    while let Some(tree) = trees.next() {
        let TokenTree::Ident(word) = &tree else {
            continue;
        };
        if word != "mod" {
            continue;
        }
        let Some(TokenTree::Ident(name)) = trees.next() else {
            continue;
        };
        let Some(TokenTree::Group(body)) = trees.next() else {
            continue;
        };
        if name != "defaults" {
            find_defaults(&body.stream(), built);
        } else if let Ok(mut file) = syn::parse2::<syn::File>(body.stream()) {
            built.visit_file_mut(&mut file);
        }
    }
}

/// Wraps every field of `items` that typify fills in when its property is absent, but
/// for those `kept`: an empty collection in an `Option`, `()` in a `Nullable`.
pub fn wrap(items: &mut [Item], kept: &Kept) {
    for item in items.iter_mut() {
        match item {
            Item::Struct(item) => {
                let owner = item.ident.to_string();
                wrap_fields(&mut item.fields, &owner, &kept.fields);
            }
            Item::Enum(item) => {
                for variant in &mut item.variants {
                    let owner = variant.ident.to_string();
                    wrap_fields(&mut variant.fields, &owner, &kept.fields);
                }
            }
            _ => {}
        }
    }
}

/// Collects the fields struct expressions give a value other than
/// `Default::default()`.
#[derive(Default)]
struct Built {
    fields: BTreeSet<(String, String)>,
    /// The type `Self` names inside the impl being visited.
    self_type: Option<String>,
}

impl VisitMut for Built {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let outer = self.self_type.take();
        if let Type::Path(path) = &*item.self_ty {
            self.self_type = path.path.segments.last().map(|s| s.ident.to_string());
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
        self.self_type = outer;
    }

    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if let Some(owner) = expr.path.segments.last() {
            let owner = match (owner.ident == "Self", &self.self_type) {
                (true, Some(name)) => name.clone(),
                _ => owner.ident.to_string(),
            };
            for field in &expr.fields {
                if let syn::Member::Named(name) = &field.member {
                    if !is_default_call(&field.expr) {
                        self.fields.insert((owner.clone(), name.to_string()));
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }
}

/// Whether `expr` is `Default::default()` (however the path is spelled), which suits
/// an `Option` as well as the collection.
fn is_default_call(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    let syn::Expr::Path(path) = &*call.func else {
        return false;
    };
    call.args.is_empty()
        && path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "default")
}

fn wrap_fields(fields: &mut Fields, owner: &str, built: &BTreeSet<(String, String)>) {
    let Fields::Named(named) = fields else {
        return;
    };
    for field in &mut named.named {
        let Some(name) = &field.ident else {
            continue;
        };
        if built.contains(&(owner.to_string(), name.to_string())) {
            continue;
        }
        let unit = matches!(&field.ty, Type::Tuple(tuple) if tuple.elems.is_empty());
        let boxed = boxed_option(&field.ty);
        let mut wrapped = false;
        for attr in &mut field.attrs {
            if !attr.path().is_ident("serde") {
                continue;
            }
            let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let mut metas: Vec<Meta> = metas.into_iter().collect();
            // Only serde's own `default`, the type's: a default the spec gives is the
            // value an absent property means.
            if !metas
                .iter()
                .any(|meta| matches!(meta, Meta::Path(path) if path.is_ident("default")))
            {
                continue;
            }
            let skip = metas.iter().position(|meta| {
                matches!(meta, Meta::NameValue(pair) if pair.path.is_ident("skip_serializing_if"))
            });
            let is_none = LitStr::new(IS_NONE, Span::call_site());
            let is_absent = LitStr::new(IS_ABSENT, Span::call_site());
            match skip {
                Some(at) if skips_empty(&metas[at]) => {
                    metas[at] = syn::parse_quote!(skip_serializing_if = #is_none);
                }
                None if unit => metas.push(syn::parse_quote!(skip_serializing_if = #is_absent)),
                None if boxed.is_some() => {
                    metas.push(syn::parse_quote!(skip_serializing_if = #is_none))
                }
                _ => continue,
            }
            *attr = syn::parse_quote!(#[serde(#(#metas),*)]);
            wrapped = true;
        }
        if wrapped && unit {
            field.ty = syn::parse_quote!(::specfirst_runtime::Nullable<()>);
        } else if let (true, Some(inner)) = (wrapped, &boxed) {
            field.ty = syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
        } else if wrapped {
            let ty = &field.ty;
            field.ty = syn::parse_quote!(::std::option::Option<#ty>);
        }
    }
}

/// `T` when `ty` is `Box<Option<T>>`, however the paths are spelled.
fn boxed_option(ty: &Type) -> Option<Type> {
    let inner = only_argument(ty, "Box")?;
    only_argument(&inner, "Option")
}

/// `T` when `ty` is `name<T>` (the last segment of its path).
fn only_argument(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first() {
        Some(syn::GenericArgument::Type(inner)) if arguments.args.len() == 1 => Some(inner.clone()),
        _ => None,
    }
}

/// Whether `meta` is `skip_serializing_if = "...::is_empty"`.
fn skips_empty(meta: &Meta) -> bool {
    let Meta::NameValue(pair) = meta else {
        return false;
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    }) = &pair.value
    else {
        return false;
    };
    text.value().ends_with("::is_empty")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn wrapped(code: proc_macro2::TokenStream) -> String {
        let kept = kept(&code);
        let file: syn::File = syn::parse2(code).unwrap();
        let mut items = file.items;
        wrap(&mut items, &kept);
        let file = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items,
        };
        prettyplease::unparse(&file)
    }

    #[test]
    fn empty_collections_and_units_become_options() {
        let out = wrapped(quote! {
            pub struct Book {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                #[serde(default)]
                pub stock: (),
                #[serde(default)]
                pub count: i64,
                #[serde(default)]
                pub inner: ::std::boxed::Box<::std::option::Option<Book>>,
                pub title: ::std::string::String,
            }
        });
        assert!(
            out.contains(
                "#[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]\n    \
             pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>"
            ),
            "{out}"
        );
        assert!(out.contains("pub extra: ::std::option::Option<\n"), "{out}");
        assert!(
            out.contains(
                "#[serde(default, skip_serializing_if = \"::specfirst_runtime::Nullable::is_absent\")]\n    \
             pub stock: ::specfirst_runtime::Nullable<()>"
            ),
            "{out}"
        );
        assert!(
            out.contains("#[serde(default)]\n    pub count: i64"),
            "{out}"
        );
        assert!(
            out.contains(
                "#[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]\n    \
             pub inner: ::std::option::Option<::std::boxed::Box<Book>>"
            ),
            "{out}"
        );
        assert!(out.contains("pub title: ::std::string::String"), "{out}");
    }

    #[test]
    fn fields_typify_builds_a_value_of_keep_their_type() {
        let out = wrapped(quote! {
            pub struct Shelf {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub books: ::std::vec::Vec<i64>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub notes: ::std::vec::Vec<i64>,
            }
            pub mod defaults {
                pub(super) fn shelf() -> super::Shelf {
                    super::Shelf { books: vec![1], notes: Default::default() }
                }
            }
        });
        assert!(out.contains("pub books: ::std::vec::Vec<i64>"), "{out}");
        assert!(
            out.contains("pub notes: ::std::option::Option<::std::vec::Vec<i64>>"),
            "{out}"
        );
    }
}
