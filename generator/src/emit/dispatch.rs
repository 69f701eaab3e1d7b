//! The handler of operations that share a route and method: each tried on what tells
//! its requests apart, or picked by the trait ([`super::route_choices`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::operation_types::OperationTypes;
use super::{ident, route_choices};
use crate::ir::{Api, Operation, SegmentClass};

/// A handler for operations sharing a route and method: the first whose conditions
/// (required query parameters, conditions after `#`, the literal text of a mixed path
/// segment, what a path parameter accepts) all hold serves the request, the most
/// demanding first; one with no conditions takes the rest. Operations that nothing
/// tells apart ([`crate::ir::RouteChoice`]) share their conditions and are one
/// candidate, served by the one the trait's method picks.
pub(super) fn dispatcher(
    api: &Api,
    operation_types: &OperationTypes,
    ops: &[&Operation],
) -> (proc_macro2::Ident, TokenStream) {
    // One candidate per operation, or per choice: its first operation stands for all.
    let mut candidates: Vec<&Operation> = Vec::new();
    for &op in ops {
        if api.choice_of(op).is_none() || api.choice_led_by(op).is_some() {
            candidates.push(op);
        }
    }
    let demands = |op: &Operation| {
        op.discriminators().len() + op.segment_literals.len() + op.segment_classes.len()
    };
    candidates.sort_by_key(|op| std::cmp::Reverse(demands(op)));
    let name = ident(&format!("dispatch_{}", candidates[0].method_name));
    let (fallback, rest) = candidates
        .split_last()
        .unwrap_or_else(|| unreachable!("a dispatcher has operations"));
    // Every candidate is tried on its conditions; a fallback with none of its own takes
    // whatever the others do not, and otherwise a request matching none is a 404.
    let (fallback, rest) = if demands(fallback) == 0 {
        (Some(*fallback), rest)
    } else {
        (None, &candidates[..])
    };
    let serve_one = |op: &Operation| {
        let handler = served_by(api, operation_types, op);
        quote!(#handler(state, input).await)
    };
    let serve = |op: &Operation| match api.choice_led_by(op) {
        Some(choice) => route_choices::dispatch(api, choice, serve_one),
        None => serve_one(op),
    };
    let tries = rest.iter().map(|op| {
        let conditions = op
            .discriminators()
            .into_iter()
            .map(|(name, value)| match value {
                Some(value) => quote!((#name, Some(#value))),
                None => quote!((#name, None)),
            });
        // A segment mixing text and parameters only fits requests with that text in it.
        let shapes = op.segment_literals.iter().map(|(segment, literals)| {
            let segment = proc_macro2::Literal::usize_unsuffixed(*segment);
            quote!(&& input.segment_fits(#segment, &[#(#literals),*]))
        });
        // A segment whose parameter is an enum, an integer or a UUID only fits requests
        // with such a value there.
        let values = op.segment_classes.iter().map(|(segment, class)| {
            let segment = proc_macro2::Literal::usize_unsuffixed(*segment);
            match class {
                SegmentClass::OneOf(values) => {
                    quote!(&& input.segment_is(#segment, &[#(#values),*]))
                }
                SegmentClass::Integer => quote!(&& input.segment_is_integer(#segment)),
                SegmentClass::Uuid => quote!(&& input.segment_is_uuid(#segment)),
            }
        });
        let served = serve(op);
        quote! {
            if input.satisfies(&[#(#conditions),*]) #(#shapes)* #(#values)* {
                return #served;
            }
        }
    });
    let last = match fallback {
        Some(op) => serve(op),
        None => quote! {
            let _ = state;
            rt::reject(input.no_route())
        },
    };
    let code = quote! {
        pub(super) async fn #name<A: Api>(
            state: rt::State<Arc<A>>,
            input: rt::RawRequest,
        ) -> rt::Response {
            #(#tries)*
            #last
        }
    };
    (name, code)
}

/// The runtime's handler serving `op`, as a dispatcher calls it.
fn served_by(api: &Api, operation_types: &OperationTypes, op: &Operation) -> TokenStream {
    let operation = operation_types.get(op);
    if api.secures(op) {
        quote!(rt::handle_secured::<A, #operation>)
    } else {
        quote!(rt::handle::<A, #operation>)
    }
}
