//! The value round trip's probes: for each JSON body of each operation, a function that
//! sends a value through the body's type as the server does (the rules first, for a
//! request body) and back out as a response body. Written only when asked, apart from
//! the code ([`crate::Generator::value_checks`]), for tests that synthesize values from
//! the schemas ([`crate::values`]) and compare what comes out with what went in.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::router::body_rules_hint;
use super::validation::Rules;
use super::TypeTokens;
use crate::ir::{Api, BodyKind, MediaType, ResponseBody, SchemaUse, Types};

/// The `value_checks` module: `CHECKS`, one `(label, schema as written, request, probe)`
/// per JSON body, the label saying which (`createBook request body (application/json)`).
/// `rules` are those the router named; a request body it never asked rules for is left
/// out.
pub fn module(api: &Api, types: &Types, rules: &Rules<'_>) -> TokenStream {
    let mut probes = Vec::new();
    let mut entries = Vec::new();
    let mut add =
        |label: String, request: bool, written: Option<&MediaType>, probe: TokenStream| {
            let Some(schema) = written.and_then(|media| media.schema.as_ref()) else {
                return;
            };
            let name = format_ident!("probe_{}", probes.len());
            probes.push(quote! {
                fn #name(value: &Value) -> Result<Value, String> {
                    #probe
                }
            });
            let label = Literal::string(&label);
            let schema = Literal::string(&schema.to_string());
            entries.push(quote!((#label, #schema, #request, #name as Probe)));
        };
    for op in &api.operations {
        let id = &op.operation_id;
        if let Some(body) = &op.body {
            // The names the router gave the rules.
            let alternatives: Vec<(&BodyKind, &str, String)> = if body.alternatives.is_empty() {
                vec![(
                    &body.kind,
                    body.media_type.as_str(),
                    body_rules_hint(op, None),
                )]
            } else {
                body.alternatives
                    .iter()
                    .map(|alternative| {
                        let hint = body_rules_hint(op, Some(alternative));
                        (&alternative.kind, alternative.media_type.as_str(), hint)
                    })
                    .collect()
            };
            for (kind, media_type, hint) in alternatives {
                let BodyKind::Json(schema_use) = kind else {
                    continue;
                };
                let ty = types.type_of(schema_use);
                let rules = match rules.known(&schema_use.schema, &hint) {
                    Some(Some(path)) => quote!(Some(&#path)),
                    Some(None) => quote!(None),
                    None => continue,
                };
                let written = body.content.iter().find(|m| m.media_type == media_type);
                add(
                    format!("{id} request body ({media_type})"),
                    true,
                    written,
                    quote!(rt::value_check::<#ty>(value, #rules)),
                );
            }
        }
        for response in &op.responses {
            let bodies: Vec<(&str, &SchemaUse)> = if response.alternatives.is_empty() {
                response.body.iter().filter_map(json_body).collect()
            } else {
                response
                    .alternatives
                    .iter()
                    .filter_map(|alternative| json_body(&alternative.body))
                    .collect()
            };
            for (media_type, schema_use) in bodies {
                let ty = types.type_of(schema_use);
                let written = response.content.iter().find(|m| m.media_type == media_type);
                add(
                    format!("{id} response {} ({media_type})", response.variant),
                    false,
                    written,
                    quote!(rt::value_check::<#ty>(value, None)),
                );
            }
        }
    }
    quote! {
        /// The value round trip's probes: each JSON body's schema as written beside a
        /// function sending a value through the body's type as the server does.
        #[doc(hidden)]
        #[allow(clippy::all, dead_code, unused_imports)]
        pub mod value_checks {
            use super::types;
            use ::specfirst_runtime::__private as rt;
            use ::specfirst_runtime::__private::serde_json::Value;

            /// A value in, what the server makes of it out, or the rejection's message.
            pub type Probe = fn(&Value) -> Result<Value, String>;

            /// `(which body, its schema as written, whether it is a request's, its
            /// probe)` for every JSON body; a request body's probe checks the rules too.
            pub static CHECKS: &[(&str, &str, bool, Probe)] = &[#(#entries),*];

            #(#probes)*
        }
    }
}

/// The media type and schema of a JSON response body.
fn json_body(body: &ResponseBody) -> Option<(&str, &SchemaUse)> {
    match body {
        ResponseBody::Json { media_type, schema } => Some((media_type.as_str(), schema)),
        _ => None,
    }
}
