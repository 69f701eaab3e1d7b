//! Conversions from the runtime's pages to the page types of paginated operations.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::TypeTokens;
use crate::ir::Api;
use crate::ir::Types;

/// `From<ResultsPage<Item>>` for each distinct `{items, next_page}` page type, so a
/// handler can answer with `request.results_page(..).into()`, and `From<LinkPage<Item>>`
/// for each `x-ms-pageable` page type.
pub fn page_conversions(api: &Api, types: &Types) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let Some(page) = op.pagination.as_ref().and_then(|p| p.page.as_ref()) else {
            continue;
        };
        let page_ty = types.type_of(&page.page);
        let item_ty = types.type_of(&page.item);
        if !seen.insert(page_ty.to_string()) {
            continue;
        }
        out.push(quote! {
            impl ::core::convert::From<::specfirst_runtime::ResultsPage<#item_ty>> for #page_ty {
                fn from(page: ::specfirst_runtime::ResultsPage<#item_ty>) -> Self {
                    Self {
                        items: page.items,
                        next_page: ::specfirst_runtime::__private::next_field(page.next_page),
                    }
                }
            }
        });
    }
    for op in &api.operations {
        let Some(link) = &op.link_pagination else {
            continue;
        };
        let page_ty = types.type_of(&link.body.page);
        let item_ty = types.type_of(&link.body.item);
        if !seen.insert(page_ty.to_string()) {
            continue;
        }
        let items = ident(&link.items_field);
        let next = ident(&link.next_field);
        out.push(quote! {
            impl ::core::convert::From<::specfirst_runtime::LinkPage<#item_ty>> for #page_ty {
                fn from(page: ::specfirst_runtime::LinkPage<#item_ty>) -> Self {
                    Self {
                        #items: ::specfirst_runtime::__private::items_field(page.items),
                        #next: ::specfirst_runtime::__private::next_field(page.next_link),
                    }
                }
            }
        });
    }
    quote!(#(#out)*)
}
