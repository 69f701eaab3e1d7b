//! `API_DESCRIPTION`: the API as the generated code serves it, for
//! `specfirst_runtime::describe` to turn into an OpenAPI document.
//!
//! It is the document [`crate::roundtrip::emit_document`] writes from the IR, kept as
//! data rather than code: one JSON text, packed against the published document
//! ([`specfirst_model::compact`]), and one table that links each operation's parameters
//! to the `rt::Param` statics its handler decodes them with ([`super::router::Decoders`]).
//! What a decoder says (a parameter's name, location and style, `explode` for lists and
//! objects, `required` on the path) is read from the decoder, so the description
//! follows the code rather than a second copy of the spec; the text leaves it out
//! unless the published parameter says the same, where it costs nothing packed.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};
use specfirst_model::{compact, vocabulary};

use super::ident;
use super::param_specs::param_spec;
use super::router::Decoders;
use crate::ir::{Api, Location, Operation, Parameter, Shape};
use crate::roundtrip::emit_document;

/// `method` (as the API model holds it) as a document writes it: a field's in lower
/// case, an `additionalOperations` key as it is.
fn written_method(method: &str) -> String {
    match vocabulary::has_field(method) {
        true => method.to_ascii_lowercase(),
        false => method.to_string(),
    }
}

/// The `description` module and the `API_DESCRIPTION` it exports. `published` is the
/// document the crate carries as `OPENAPI_DOCUMENT`.
pub fn description(api: &Api, published: &Value, decoders: &Decoders) -> TokenStream {
    let mut document = emit_document(api);
    let by_route: HashMap<(&str, String), usize> = api
        .operations
        .iter()
        .enumerate()
        .map(|(index, op)| ((op.path.as_str(), written_method(&op.method)), index))
        .collect();
    let mut uses_runtime_params = false;
    let mut links_by_route = HashMap::new();
    for (path, method, written) in compact::operations_mut(&mut document) {
        let Some(&index) = by_route.get(&(path, method.to_string())) else {
            continue;
        };
        let op = &api.operations[index];
        let names = decoders.get(index).map(Vec::as_slice).unwrap_or_default();
        let (params, links) = links(op, names, &mut uses_runtime_params);
        let published_list = published
            .get("paths")
            .and_then(|paths| paths.get(path))
            .and_then(|item| match vocabulary::has_field(&op.method) {
                true => item.get(method),
                false => item.get(vocabulary::ADDITIONAL_OPERATIONS)?.get(method),
            })
            .and_then(|op| op.get("parameters"));
        if let Some(Value::Array(list)) = written.get_mut("parameters") {
            for (at, (written, p)) in list.iter_mut().zip(params).enumerate() {
                if let Value::Object(written) = written {
                    let same = published_list.and_then(|list| list.get(at));
                    let same = compact::place(written, same, published).and_then(Value::as_object);
                    leave_to_decoder(written, p, same);
                }
            }
        }
        links_by_route.insert((path.to_string(), method.to_string()), links);
    }
    let packed = compact::pack(&document, published);
    // The runtime lists the operations of the unpacked text, where a node the text
    // refers to has the published document's order of keys; the table follows it.
    let listed = compact::packed_operations(&packed, published).unwrap_or_else(|_| {
        compact::operations_mut(&mut document)
            .into_iter()
            .map(|(path, method, _)| (path.to_string(), method.to_string()))
            .collect()
    });
    let table = listed
        .into_iter()
        .map(|route| {
            let links = links_by_route.remove(&route).unwrap_or_default();
            quote!(&[#(#links),*])
        })
        .collect::<Vec<_>>();
    let text = json_text(&packed);

    let rt = uses_runtime_params.then(|| {
        quote!(
            use ::specfirst_runtime::__private as rt;
        )
    });
    let handlers = (!decoders.iter().all(Vec::is_empty)).then(|| {
        quote!(
            use super::handlers;
        )
    });
    quote! {
        // A binary crate that includes the code need not use it.
        #[allow(unused_imports)]
        pub use description::API_DESCRIPTION;

        /// The API as this code serves it.
        mod description {
            use ::specfirst_runtime::describe::ApiDescription;
            #rt
            #handlers

            /// The API as this code serves it: every route's method and path, each
            /// parameter as its handler decodes it, bodies, responses and security.
            /// `API_DESCRIPTION.to_openapi()` is the OpenAPI document it stands for, to
            /// compare with the spec.
            #[allow(dead_code)]
            pub static API_DESCRIPTION: ApiDescription = ApiDescription {
                document: #text,
                published: super::OPENAPI_DOCUMENT,
                decoders: DECODERS,
            };

            /// The decoders of each operation's parameters, in the order of the
            /// document's operations.
            static DECODERS: &[&[&::specfirst_runtime::__private::Param]] = &[#(#table),*];
        }
    }
}

/// The parameters the writer lists for `op`, in its order, each with the decoder its
/// handler reads it with: the declared parameters and the scan parameters by the
/// statics in `names` (one per parameter, declared or not, then one per scan
/// parameter), then `limit` and `page_token`, which the runtime's pagination reads.
fn links<'a>(
    op: &'a Operation,
    names: &[String],
    uses_runtime_params: &mut bool,
) -> (Vec<&'a Parameter>, Vec<TokenStream>) {
    let scan = op.pagination.iter().flat_map(|p| &p.scan);
    let mut params = Vec::new();
    let mut links = Vec::new();
    let mut names = names.iter();
    for (p, scanned) in op
        .params
        .iter()
        .map(|p| (p, false))
        .chain(scan.map(|p| (p, true)))
    {
        let name = names.next();
        if !(p.declared || scanned) {
            continue;
        }
        params.push(p);
        links.push(match name {
            Some(name) => {
                let name = ident(name);
                quote!(&handlers::#name)
            }
            // The router names a decoder for every parameter; without one, the
            // description says what the model says.
            None => {
                *uses_runtime_params = true;
                let decode = param_spec(op, p, None);
                quote!(&#decode)
            }
        });
    }
    for p in op.pagination.iter().flat_map(|p| &p.runtime_params) {
        *uses_runtime_params = true;
        params.push(p);
        let decode = param_spec(op, p, None);
        links.push(quote!(&#decode));
    }
    (params, links)
}

/// Removes from a written parameter what its decoder says, except what the published
/// parameter it is packed against (`same`) says alike: the runtime takes the decoder's
/// word for those either way, and text equal to the published document's packs to
/// nothing.
fn leave_to_decoder(
    written: &mut Map<String, Value>,
    p: &Parameter,
    same: Option<&Map<String, Value>>,
) {
    let decoded = compact::decoder_keys(
        matches!(p.location, Location::Path(_) | Location::PathPart { .. }),
        matches!(p.shape, Shape::Array(_) | Shape::Object(_)),
    );
    // Only the parameter it is packed against says anything alike: one at the same
    // index in a list the written one does not follow (after parameters of the path
    // item, say) is another parameter.
    let same = same.filter(|same| {
        ["name", "in"]
            .iter()
            .all(|key| same.get(*key) == written.get(*key))
    });
    for key in decoded {
        if same.and_then(|same| same.get(key)) != written.get(key) {
            written.remove(key);
        }
    }
    // A `required: false` that the published parameter says, the description says
    // too: it is what a parameter without `required` means.
    if same.and_then(|same| same.get("required")) == Some(&Value::Bool(false)) {
        written.entry("required").or_insert(Value::Bool(false));
    }
    // The style's own `explode`, which the published parameter leaves unsaid, goes
    // unsaid here too.
    let unsaid = !same.is_some_and(|same| same.contains_key("explode"));
    if unsaid && written.get("explode") == Some(&Value::Bool(p.style.is_form())) {
        written.remove("explode");
    }
}

/// `text` in a raw string literal, which reads as the JSON itself rather than as
/// escaped quotes.
fn json_text(text: &str) -> TokenStream {
    // One more `#` than the longest run that follows a quote inside the text.
    let mut hashes = 1;
    for (index, _) in text.match_indices('"') {
        let run = text[index + 1..].chars().take_while(|c| *c == '#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    // A raw string cannot hold a carriage return; such text (and anything the lexer
    // refuses) is written as an ordinary string literal.
    if !text.contains('\r') {
        if let Ok(literal) = format!("r{fence}\"{text}\"{fence}").parse::<Literal>() {
            return quote!(#literal);
        }
    }
    let literal = Literal::string(text);
    quote!(#literal)
}
