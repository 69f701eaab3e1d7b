//! Operations that nothing in the spec tells apart ([`RouteChoice`]): the trait method
//! that picks one for each request, the enum it returns, and the dispatcher's call.
//!
//! Google's APIs declare `GET /v1/{parent}/dataExchanges` beside
//! `GET /v1/{organization}/dataExchanges`: one route to axum, two operations to the
//! spec, and only the implementation knows (by the resource name's prefix) which a
//! request is for. Refusing such a document left its users with nothing; serving the
//! first declared alone would hide the others.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{doc, ident, method_trait};
use crate::ir::{Api, Operation, RouteChoice};
use crate::naming::{pascal, Namespace};

/// The choice's operations, in declaration order, each with its variant in the enum.
fn members<'a>(api: &'a Api, choice: &RouteChoice) -> Vec<(&'a Operation, Ident)> {
    let mut names = Namespace::default();
    choice
        .operations
        .iter()
        .map(|&index| {
            let op = &api.operations[index];
            (
                op,
                ident(&names.claim(&pascal(&op.method_name, "Operation"))),
            )
        })
        .collect()
}

/// ``[`Trait::method`]`` for `op`, from anywhere in the generated code.
fn link(api: &Api, op: &Operation) -> String {
    format!("[`{}::{}`]", method_trait(api, op), op.method_name)
}

/// The trait method picking which of `choice`'s operations answers a request, with a
/// default body choosing the first declared.
pub fn chooser_method(api: &Api, choice: &RouteChoice) -> TokenStream {
    let members = members(api, choice);
    let Some(((first, first_variant), rest)) = members.split_first() else {
        return TokenStream::new();
    };
    let others: Vec<String> = rest
        .iter()
        .map(|(op, _)| format!("{} (`{} {}`)", link(api, op), op.method, op.path))
        .collect();
    let text = format!(
        "Which operation answers a request to `{} {}`: {} and {} match the same requests, \
         and nothing in the spec tells them apart.\n\n\
         Called with the request's method, URI and headers before anything is decoded (the \
         context's `operation_id` is empty). By default the first declared, {}.",
        first.method,
        first.path,
        link(api, first),
        others.join(", "),
        link(api, first),
    );
    let docs = doc(&text);
    let method = ident(&choice.method_name);
    let choice_type = ident(&choice.type_name);
    quote! {
        #docs
        fn #method(&self, ctx: &RequestContext) -> #choice_type {
            let _ = ctx;
            #choice_type::#first_variant
        }
    }
}

/// The enum of `choice`'s operations that its trait method returns.
pub fn choice_enum(api: &Api, choice: &RouteChoice) -> TokenStream {
    let members = members(api, choice);
    let Some((first, _)) = members.first() else {
        return TokenStream::new();
    };
    let leader = method_trait(api, first);
    let text = format!(
        "The operations sharing `{} {}` that nothing in the spec tells apart: what \
         [`{leader}::{}`] picks.",
        first.method, first.path, choice.method_name
    );
    let docs = doc(&text);
    let variants = members.iter().map(|(op, name)| {
        let docs = doc(&format!("{}: `{} {}`.", link(api, op), op.method, op.path));
        quote! {
            #docs
            #name
        }
    });
    let name = ident(&choice.type_name);
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum #name {
            #(#variants,)*
        }
    }
}

/// The dispatcher's expression serving a request to `choice`'s operations: the one the
/// trait method picks, each served by `serve`'s expression.
pub fn dispatch(
    api: &Api,
    choice: &RouteChoice,
    serve: impl Fn(&Operation) -> TokenStream,
) -> TokenStream {
    let method = ident(&choice.method_name);
    let choice_type = ident(&choice.type_name);
    let arms = members(api, choice).into_iter().map(|(op, name)| {
        let served = serve(op);
        quote!(super::#choice_type::#name => #served,)
    });
    quote! {
        match state.#method(&input.choosing_context()) {
            #(#arms)*
        }
    }
}
