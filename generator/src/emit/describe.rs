//! `API_DESCRIPTION`: the API as the generated code serves it, for
//! `specfirst_runtime::describe` to turn into an OpenAPI document.
//!
//! It is written from the IR the way [`crate::roundtrip::emit_document`] writes a
//! document, but as `static` data the generated crate carries. Parameters point at the
//! `rt::Param` statics the handlers decode with ([`super::router::Decoders`]), so the
//! description follows the code rather than a second copy of the spec. Schemas and the
//! keys the IR keeps unread (`extra`) are JSON text, as written.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::ident;
use super::router::{param_spec, Decoders};
use crate::ir::{Api, MediaType, Operation, Parameter, RequestBody, Response, Shape, StatusSpec};

/// The `description` module and the `API_DESCRIPTION` it exports.
pub fn description(api: &Api, decoders: &Decoders) -> TokenStream {
    let source = &api.source;
    let title = &api.title;
    let version = &api.version;
    let description = opt_text(api.description.as_deref());
    let info_extra = opt_object(&source.info_extra);
    let extra = opt_object(&source.extra);
    let paths_extra = opt_object(&source.paths_extra);
    let components_extra = opt_object(&source.components_extra);
    // A path item only needs its own entry for keys besides its operations, or when no
    // operation lists the path (a path item with parameters only).
    let path_items = source
        .path_items
        .iter()
        .filter(|item| {
            !item.extra.is_empty() || !api.operations.iter().any(|op| op.path == item.path)
        })
        .map(|item| {
            let path = &item.path;
            let extra = json_text(&Value::Object(item.extra.clone()));
            quote!(PathItemDescription { path: #path, extra: #extra })
        });
    let schemas = source.schemas.iter().map(|(name, schema)| {
        let schema = json_text(schema);
        quote!(SchemaDescription { name: #name, schema: #schema })
    });
    let mut uses_runtime_params = false;
    let operations: Vec<TokenStream> = api
        .operations
        .iter()
        .zip(decoders)
        .map(|(op, names)| operation(api, op, names, &mut uses_runtime_params))
        .collect();
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
        pub use description::API_DESCRIPTION;

        /// The API as this code serves it.
        mod description {
            use ::specfirst_runtime::describe::*;
            #rt
            #handlers

            /// The API as this code serves it: every route's method and path, each
            /// parameter as its handler decodes it, bodies, responses and security.
            /// `API_DESCRIPTION.to_openapi()` is the OpenAPI document it stands for, to
            /// compare with the spec.
            pub static API_DESCRIPTION: ApiDescription = ApiDescription {
                title: #title,
                version: #version,
                description: #description,
                info_extra: #info_extra,
                extra: #extra,
                path_items: &[#(#path_items),*],
                paths_extra: #paths_extra,
                operations: &[#(#operations),*],
                schemas: &[#(#schemas),*],
                components_extra: #components_extra,
            };
        }
    }
}

fn operation(
    api: &Api,
    op: &Operation,
    names: &[String],
    uses_runtime_params: &mut bool,
) -> TokenStream {
    let method = &op.method;
    let path = &op.path;
    let operation_id = opt_text(op.operation_id_declared.then_some(op.operation_id.as_str()));
    let summary = opt_text(op.summary.as_deref());
    let description = opt_text(op.description.as_deref());
    let deprecated = op.deprecated;

    // The handler decodes `params` and then the scan parameters with the statics in
    // `names`, in that order.
    let mut params = Vec::new();
    let mut names = names.iter();
    for p in &op.params {
        let name = names.next();
        if let (true, Some(name)) = (p.declared, name) {
            let name = ident(name);
            params.push(param(p, quote!(&handlers::#name), p.required));
        }
    }
    if let Some(pagination) = &op.pagination {
        for p in &pagination.scan {
            if let Some(name) = names.next() {
                let name = ident(name);
                // The spec's own `required`; the marker's list is kept in the marker.
                let required = p.required && !pagination.required_by_marker.contains(&p.name);
                params.push(param(p, quote!(&handlers::#name), required));
            }
        }
        // `limit` and `page_token` are read by the runtime's pagination, not by a
        // parameter decoder, so they are described where they are.
        for p in &pagination.runtime_params {
            *uses_runtime_params = true;
            let decode = param_spec(op, p, None);
            params.push(param(p, quote!(&#decode), p.required));
        }
    }

    let body = match &op.body {
        Some(body) => {
            let body = request_body(body);
            quote!(Some(#body))
        }
        None => quote!(None),
    };
    let responses = op.responses.iter().filter(|r| r.declared).map(response);
    let responses_extra = opt_object(&op.responses_extra);
    let security = op.security.iter().map(|requirement| {
        let schemes = requirement.schemes.iter().map(|scheme_use| {
            let scheme = api
                .auth
                .as_ref()
                .and_then(|auth| auth.schemes.get(scheme_use.scheme))
                .map(|scheme| scheme.name.as_str())
                .unwrap_or_default();
            let scopes = &scheme_use.scopes;
            quote!(SchemeRequirement { scheme: #scheme, scopes: &[#(#scopes),*] })
        });
        quote!(SecurityRequirement { schemes: &[#(#schemes),*] })
    });
    let extra = opt_object(&op.extra);
    quote! {
        OperationDescription {
            method: #method,
            path: #path,
            operation_id: #operation_id,
            summary: #summary,
            description: #description,
            deprecated: #deprecated,
            parameters: &[#(#params),*],
            request_body: #body,
            responses: &[#(#responses),*],
            responses_extra: #responses_extra,
            security: &[#(#security),*],
            extra: #extra,
        }
    }
}

fn param(p: &Parameter, decode: TokenStream, required: bool) -> TokenStream {
    // Lists and objects are decoded by their `explode`, so the decoder carries it.
    let explode = match p.shape {
        Shape::Array(_) | Shape::Object(_) => quote!(None),
        Shape::Scalar(_) | Shape::JsonText => {
            let explode = p.explode;
            quote!(Some(#explode))
        }
    };
    let description = opt_text(p.description.as_deref());
    let schema = opt_json(p.written_schema.as_ref());
    let extra = opt_object(&p.extra);
    quote! {
        ParamDescription {
            decode: #decode,
            required: #required,
            explode: #explode,
            description: #description,
            schema: #schema,
            extra: #extra,
        }
    }
}

fn request_body(body: &RequestBody) -> TokenStream {
    let required = body.required;
    let max_bytes = match body.max_bytes {
        Some(limit) => {
            let limit = Literal::u64_unsuffixed(limit);
            quote!(Some(#limit))
        }
        None => quote!(None),
    };
    let description = opt_text(body.description.as_deref());
    let content = content(&body.content);
    let extra = opt_object(&body.extra);
    quote! {
        BodyDescription {
            required: #required,
            max_bytes: #max_bytes,
            description: #description,
            content: #content,
            extra: #extra,
        }
    }
}

fn response(response: &Response) -> TokenStream {
    let status = match response.status {
        StatusSpec::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(Status::Code(#code))
        }
        StatusSpec::Range(digit) => {
            let digit = Literal::u16_unsuffixed(digit);
            quote!(Status::Range(#digit))
        }
        StatusSpec::Default => quote!(Status::Default),
    };
    let description = response.description.as_deref().unwrap_or_default();
    let headers = response.headers.iter().map(|header| {
        let name = &header.name;
        let required = header.required;
        let description = opt_text(header.description.as_deref());
        let schema = opt_json(header.written_schema.as_ref());
        let extra = opt_object(&header.extra);
        quote! {
            HeaderDescription {
                name: #name,
                required: #required,
                description: #description,
                schema: #schema,
                extra: #extra,
            }
        }
    });
    let other_headers = opt_object(&response.ignored_headers);
    let content = content(&response.content);
    let extra = opt_object(&response.extra);
    quote! {
        ResponseDescription {
            status: #status,
            description: #description,
            headers: &[#(#headers),*],
            other_headers: #other_headers,
            content: #content,
            extra: #extra,
        }
    }
}

fn content(media_types: &[MediaType]) -> TokenStream {
    let entries = media_types.iter().map(|media_type| {
        let name = &media_type.media_type;
        let schema = opt_json(media_type.schema.as_ref());
        let extra = opt_object(&media_type.extra);
        quote!(MediaTypeDescription { media_type: #name, schema: #schema, extra: #extra })
    });
    quote!(&[#(#entries),*])
}

fn opt_text(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

fn opt_json(value: Option<&Value>) -> TokenStream {
    match value {
        Some(value) => {
            let text = json_text(value);
            quote!(Some(#text))
        }
        None => quote!(None),
    }
}

fn opt_object(map: &Map<String, Value>) -> TokenStream {
    if map.is_empty() {
        quote!(None)
    } else {
        opt_json(Some(&Value::Object(map.clone())))
    }
}

/// `value` as compact JSON in a raw string literal, which reads as the JSON itself
/// rather than as escaped quotes.
fn json_text(value: &Value) -> TokenStream {
    let text = value.to_string();
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
    let literal = Literal::string(&text);
    quote!(#literal)
}
