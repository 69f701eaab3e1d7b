//! One response enum per operation, with its `IntoResponse` implementation and the body
//! enums of responses with several media types.

use proc_macro2::TokenStream;
use quote::quote;
use specfirst_model::vocabulary::PLAIN_TEXT;

use super::TypeTokens;
use super::{derives, doc, ident};
use crate::ir::Types;
use crate::ir::{Api, Framing, Operation, Response, ResponseBody, StatusSpec};

/// The response enum of `op` and its `IntoResponse` implementation.
pub fn response_enum(api: &Api, op: &Operation, types: &Types) -> TokenStream {
    let name = ident(&op.response_type);
    let enum_doc = doc(&format!(
        "The responses of [`{}::{}`], one variant per declared status.",
        super::method_trait(api, op),
        op.method_name
    ));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut body_enums = Vec::new();
    for response in &op.responses {
        let (variant, arm, body_enum) = response_variant(op, response, types);
        variants.push(variant);
        arms.push(arm);
        body_enums.push(body_enum);
    }
    // Neither a stream nor an accepted upgrade can be cloned.
    let derives = derives(op.websocket || op.responses.iter().any(streams_response));
    quote! {
        #enum_doc
        // Variants hold what the spec declares; boxing the large ones would only make
        // handlers harder to write. A binary crate that includes the code constructs
        // only the variants it answers with.
        #[allow(clippy::large_enum_variant, dead_code)]
        #derives
        pub enum #name {
            #(#variants)*
        }

        impl rt::IntoResponse for #name {
            fn into_response(self) -> rt::Response {
                match self {
                    #(#arms)*
                }
            }
        }

        #(#body_enums)*
    }
}

/// The name of the body enum of a response with several media types.
fn response_body_enum_name(op: &Operation, response: &Response) -> String {
    format!("{}{}Body", op.response_type, response.variant)
}

/// The body enum of a response with several media types: one variant per media type,
/// and the list of those types for [`RequestContext::preferred_media_type`].
fn response_body_enum(op: &Operation, response: &Response, types: &Types) -> TokenStream {
    let name = ident(&response_body_enum_name(op, response));
    let enum_doc = doc(&format!(
        "The body of [`{}::{}`], one variant per declared media type; the variant the \
         handler returns sets `content-type`. [`Self::MEDIA_TYPES`] lists them for \
         `RequestContext::preferred_media_type`, which reads the request's `Accept`.",
        op.response_type, response.variant
    ));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut media_types = Vec::new();
    for alternative in &response.alternatives {
        let variant = ident(&alternative.variant);
        let media_type = &alternative.media_type;
        media_types.push(media_type.clone());
        let text = doc(&format!("`{media_type}`."));
        match &alternative.body {
            ResponseBody::Json { schema, .. } => {
                let ty = types.type_of(schema);
                variants.push(quote! { #text #variant(#ty), });
                let build = if media_type == "application/json" {
                    quote!(rt::json(status, &body))
                } else {
                    quote!(rt::json_as(status, #media_type, &body))
                };
                arms.push(quote! { Self::#variant(body) => #build, });
            }
            ResponseBody::Bytes {
                handler_sets_type: true,
                ..
            } => {
                let field_doc =
                    format!("The concrete media type of the body, matching `{media_type}`.");
                variants.push(quote! {
                    #text
                    #variant {
                        #[doc = #field_doc]
                        content_type: String,
                        /// The response body, whole or streamed.
                        body: ::specfirst_runtime::Binary,
                    },
                });
                arms.push(quote! {
                    Self::#variant { content_type, body } => rt::binary(status, &content_type, body),
                });
            }
            ResponseBody::Bytes { .. } => {
                variants.push(quote! { #text #variant(::specfirst_runtime::Binary), });
                arms.push(
                    quote! { Self::#variant(body) => rt::binary(status, #media_type, body), },
                );
            }
            ResponseBody::Stream {
                framing,
                item,
                media_type,
                named,
            } => {
                let ty = stream_type(*framing, &types.type_of(item));
                variants.push(quote! { #text #variant(#ty), });
                let build = stream_response(*framing, *named, media_type, quote!(status));
                arms.push(quote! { Self::#variant(body) => #build, });
            }
            ResponseBody::Text { media_type } => {
                variants.push(quote! { #text #variant(String), });
                let content_type = text_content_type(media_type);
                arms.push(
                    quote! { Self::#variant(body) => rt::text(status, #content_type, body), },
                );
            }
        }
    }
    let derives = derives(streams_response(response));
    quote! {
        #enum_doc
        #[allow(clippy::large_enum_variant, dead_code)]
        #derives
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The declared media types, in document order.
            pub const MEDIA_TYPES: &'static [&'static str] = &[#(#media_types),*];

            /// The response with this body and `status`.
            fn into_response_with(
                self,
                status: ::specfirst_runtime::StatusCode,
            ) -> rt::Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

fn response_variant(
    op: &Operation,
    response: &Response,
    types: &Types,
) -> (TokenStream, TokenStream, TokenStream) {
    let variant = ident(&response.variant);
    let key = match response.status {
        StatusSpec::Code(code) => code.to_string(),
        StatusSpec::Range(class) => format!("{class}XX"),
        StatusSpec::Default => "default".into(),
    };
    let mut text = match response.status {
        StatusSpec::Code(_) => format!("Status {key}."),
        StatusSpec::Range(_) => format!("Any {key} status."),
        StatusSpec::Default => "Any status not declared otherwise.".into(),
    };
    if let Some(description) = &response.description {
        text = format!("{}\n\n{text}", description.trim());
    }
    let variant_doc = doc(&text);

    let mut fields = Vec::new();
    let mut bindings = Vec::new();
    let status_expr = match response.status {
        StatusSpec::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(rt::status(#code))
        }
        _ => {
            fields.push(quote! {
                /// The status to answer with.
                status: ::specfirst_runtime::StatusCode,
            });
            bindings.push(quote!(status));
            match response.status {
                StatusSpec::Range(class) => {
                    let class = proc_macro2::Literal::u16_unsuffixed(class);
                    quote! {
                        match rt::check_class(status, #class) {
                            Ok(status) => status,
                            Err(error) => return rt::reject(error),
                        }
                    }
                }
                _ => quote!(status),
            }
        }
    };

    // With no headers the arm is one expression (a range's check wraps it: `in_class`);
    // otherwise the status is bound first and the headers added to the response built.
    let inline = response.headers.is_empty() && response.status != StatusSpec::Default;
    let status = match response.status {
        StatusSpec::Code(_) if inline => status_expr.clone(),
        _ => quote!(status),
    };
    let mut body_enum = quote!();
    let build = match &response.body {
        Some(_) if !response.alternatives.is_empty() => {
            body_enum = response_body_enum(op, response, types);
            let ty = ident(&response_body_enum_name(op, response));
            fields.push(quote! {
                /// The response body, in the media type the handler chooses.
                body: #ty,
            });
            bindings.push(quote!(body));
            quote!(body.into_response_with(#status))
        }
        None if op.websocket && response.status == StatusSpec::Code(101) => {
            fields.push(quote! {
                /// The accepted upgrade, from the request's `websocket.on_upgrade`.
                upgrade: ::specfirst_runtime::WebSocketAccept,
            });
            bindings.push(quote!(upgrade));
            quote!(rt::switching_protocols(#status, upgrade))
        }
        None => quote!(rt::empty(#status)),
        Some(ResponseBody::Json { schema, media_type }) => {
            let ty = types.type_of(schema);
            fields.push(quote! {
                /// The response body.
                body: #ty,
            });
            bindings.push(quote!(body));
            if media_type == "application/json" {
                quote!(rt::json(#status, &body))
            } else {
                quote!(rt::json_as(#status, #media_type, &body))
            }
        }
        Some(ResponseBody::Bytes {
            media_type,
            handler_sets_type,
        }) => {
            fields.push(quote! {
                /// The response body, whole or streamed.
                body: ::specfirst_runtime::Binary,
            });
            bindings.push(quote!(body));
            if *handler_sets_type {
                let text = format!("The concrete media type of the body, matching `{media_type}`.");
                fields.push(quote! {
                    #[doc = #text]
                    content_type: String,
                });
                bindings.push(quote!(content_type));
                quote!(rt::binary(#status, &content_type, body))
            } else {
                quote!(rt::binary(#status, #media_type, body))
            }
        }
        Some(ResponseBody::Stream {
            framing,
            item,
            media_type,
            named,
        }) => {
            let ty = stream_type(*framing, &types.type_of(item));
            fields.push(quote! {
                /// The response body: its items, sent one by one as they come.
                body: #ty,
            });
            bindings.push(quote!(body));
            stream_response(*framing, *named, media_type, status.clone())
        }
        Some(ResponseBody::Text { media_type }) => {
            fields.push(quote! {
                /// The response body.
                body: String,
            });
            bindings.push(quote!(body));
            match text_content_type(media_type) {
                plain if plain == PLAIN_TEXT => quote!(rt::plain_text(#status, body)),
                content_type => quote!(rt::text(#status, #content_type, body)),
            }
        }
    };

    let mut header_statements = Vec::new();
    for header in &response.headers {
        let field = ident(&header.field);
        let ty = types.type_of(&header.schema);
        let wire = &header.name;
        let mut text = format!("Response header `{wire}`.");
        if let Some(description) = &header.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        if header.required {
            fields.push(quote! { #docs #field: #ty, });
            header_statements.push(quote!(rt::insert_header(&mut response, #wire, &#field);));
        } else {
            fields.push(quote! { #docs #field: Option<#ty>, });
            header_statements.push(quote! {
                if let Some(value) = &#field {
                    rt::insert_header(&mut response, #wire, value);
                }
            });
        }
        bindings.push(quote!(#field));
    }

    let declaration = if fields.is_empty() {
        quote! { #variant_doc #variant, }
    } else {
        quote! { #variant_doc #variant { #(#fields)* }, }
    };
    let pattern = if bindings.is_empty() {
        quote!(Self::#variant)
    } else {
        quote!(Self::#variant { #(#bindings),* })
    };
    // `default` variants already bind `status`; rebinding it would read as a mistake.
    let bind_status =
        (response.status != StatusSpec::Default).then(|| quote!(let status = #status_expr;));
    if inline {
        let build = match response.status {
            StatusSpec::Range(class) => {
                let class = proc_macro2::Literal::u16_unsuffixed(class);
                // A JSON body answers with one call that checks the class too.
                let plain_json = response.alternatives.is_empty()
                    && matches!(
                        &response.body,
                        Some(ResponseBody::Json { media_type, .. }) if media_type == "application/json"
                    );
                if response.body.is_none() {
                    quote!(rt::in_class(status, #class, rt::empty))
                } else if plain_json {
                    quote!(rt::json_in_class(status, #class, &body))
                } else {
                    quote!(rt::in_class(status, #class, |status| #build))
                }
            }
            _ => build,
        };
        return (declaration, quote! { #pattern => #build, }, body_enum);
    }
    let body = if header_statements.is_empty() {
        quote! {
            #bind_status
            #build
        }
    } else {
        quote! {
            #bind_status
            let mut response = #build;
            #(#header_statements)*
            response
        }
    };
    let arm = quote! { #pattern => { #body } };
    (declaration, arm, body_enum)
}

/// Whether a response has a binary body or a stream of items (in any of its media
/// types), which cannot be cloned.
fn streams_response(response: &Response) -> bool {
    let streams = |body: &ResponseBody| {
        matches!(
            body,
            ResponseBody::Bytes { .. } | ResponseBody::Stream { .. }
        )
    };
    response.body.as_ref().is_some_and(streams)
        || response
            .alternatives
            .iter()
            .any(|alternative| streams(&alternative.body))
}

/// The runtime's stream of `item`s framed as `framing` says.
pub(super) fn stream_type(framing: Framing, item: &TokenStream) -> TokenStream {
    match framing {
        Framing::Events => quote!(::specfirst_runtime::EventStream<#item>),
        Framing::JsonLines | Framing::JsonSeq => quote!(::specfirst_runtime::ItemStream<#item>),
    }
}

/// The response of `status` sending the stream `body`; `named` events take their names
/// from their data's variants.
fn stream_response(
    framing: Framing,
    named: bool,
    media_type: &str,
    status: TokenStream,
) -> TokenStream {
    match framing {
        Framing::Events if named => quote!(rt::named_events(#status, body)),
        Framing::Events => quote!(rt::events(#status, body)),
        Framing::JsonLines | Framing::JsonSeq => {
            quote!(rt::item_stream(#status, #media_type, body))
        }
    }
}

/// The `content-type` of a text response: the declared type, with a charset unless it
/// carries parameters of its own, since a bare `text/plain` means US-ASCII.
fn text_content_type(media_type: &str) -> String {
    if media_type.contains(';') {
        media_type.to_string()
    } else {
        PLAIN_TEXT.to_string()
    }
}
