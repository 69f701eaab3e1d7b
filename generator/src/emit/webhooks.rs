//! The `webhooks` module: OpenAPI 3.1 webhooks as a trait of their own, with request
//! and response types like the operations', and a router that receives them.

use proc_macro2::TokenStream;
use quote::quote;

use super::validation::Rules;
use super::{api_trait, requests, responses, router};
use crate::ir::Api;
use crate::ir::Types;

/// The `webhooks` module, or nothing when the API declares no webhooks.
pub fn module(api: &Api, types: &Types, rules: &mut Rules<'_>) -> TokenStream {
    if api.webhooks.is_empty() {
        return quote!();
    }
    // The webhooks are an API of their own that shares the component types: the same
    // emitters build its trait, types and router.
    let hooks = Api {
        title: api.title.clone(),
        version: api.version.clone(),
        summary: None,
        description: None,
        trait_name: api.webhooks_trait.clone(),
        schemas: Vec::new(),
        operations: api.webhooks.clone(),
        trait_parts: Vec::new(),
        route_choices: Vec::new(),
        auth: None,
        webhooks: Vec::new(),
        webhooks_trait: String::new(),
        source: Default::default(),
    };
    let trait_doc = format!(
        "The webhooks of {} {}: the requests it sends to its users.\n\n\
         Implement this trait and pass the implementation to [`router`] to receive them; \
         each is served at `/` and its name (percent-encoded), with its method. The request and \
         response types also describe what a sender must send and may get back.\n\n\
         Deliveries are not authenticated here: check their signatures in a layer, or in \
         the methods.",
        api.title, api.version
    );
    let webhook_trait =
        api_trait::operations_trait(&hooks, &trait_doc, api_trait::MethodBodies::Required);
    let mut items = Vec::new();
    for op in &hooks.operations {
        items.push(requests::request_struct(&hooks, op, types));
        items.push(responses::response_enum(&hooks, op, types));
    }
    // The API's description carries the webhooks as written, under `webhooks`.
    let (router, _) = router::router(&hooks, types, rules);
    quote! {
        /// Webhooks: the trait that receives them, their request and response types and
        /// the router that serves the trait.
        pub mod webhooks {
            // The component types, the document and the validation rules of the API.
            #[allow(unused_imports)]
            use super::*;

            #webhook_trait

            #(#items)*

            #router
        }
    }
}
