//! The typed client: one method per operation (WebSocket operations aside), taking the
//! operation's request struct and giving its response enum, so the client and the server
//! share every type.
//!
//! A method writes its request with the same parameter descriptions the server's
//! handlers decode with (the `handlers` module's statics), and reads the response back
//! with a decoder that mirrors the response enum's `IntoResponse`: the status picks the
//! variant (codes, then ranges, then `default`), the `content-type` the body's media
//! type. The module is behind the generated crate's `client` feature, so a crate that
//! only serves compiles none of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::router::decoder_names;
use super::{doc, ident};
use crate::ir::{
    path_conditions, Api, ApiKeyLocation, BodyKind, Framing, MultipartBody, Operation, PartKind,
    Response, ResponseBody, SchemeKind, StatusSpec,
};
use crate::naming::snake;

/// The `client` module of `api`.
pub fn module(api: &Api) -> TokenStream {
    let names = decoder_names(&api.operations);
    let mut methods = Vec::new();
    let mut readers = Vec::new();
    let mut requirement_statics = std::collections::BTreeMap::new();
    for (op, statics) in api.operations.iter().zip(&names) {
        // A WebSocket is opened with a WebSocket client; the typed client has nothing to
        // hand back for a 101.
        if op.websocket {
            continue;
        }
        methods.push(method(api, op, statics));
        readers.push(reader(op));
        if let Some((name, definition)) = requirements(api, op) {
            requirement_statics.entry(name).or_insert(definition);
        }
    }
    let requirement_statics = requirement_statics.into_values();
    let sockets: Vec<String> = api
        .operations
        .iter()
        .filter(|op| op.websocket)
        .map(|op| format!("`{}`", op.operation_id))
        .collect();
    let sockets = match sockets.as_slice() {
        [] => String::new(),
        [one] => format!(
            "\n\nThe WebSocket operation {one} has no method: a WebSocket client connects to it."
        ),
        many => format!(
            "\n\nThe WebSocket operations {} have no method: a WebSocket client connects to them.",
            many.join(", ")
        ),
    };
    let module_doc = doc(&format!(
        "A typed client of {} {}: one method per operation, taking the operation's request \
         struct and giving its response enum.\n\n\
         Requests are written exactly as the server reads them, and every declared status \
         decodes into its variant; a status the operation does not declare is \
         [`ClientError::UndeclaredStatus`], with the body kept. [`Client::in_process`] calls \
         a router in this process, for tests; `Client::http` (feature `http-client`) calls \
         a running server.{sockets}",
        api.title, api.version
    ));
    let trait_name = ident(&api.trait_name);
    let router_doc = doc(&format!(
        "A client that calls `router` (what [`router`](super::router) makes of an \
         implementation of [`{}`](super::{})) in this process, with no socket: each call \
         runs the whole server stack, from routing and authentication to response checks.",
        api.trait_name, api.trait_name
    ));
    quote! {
        #module_doc
        #[cfg(feature = "client")]
        #[allow(clippy::all, unused_imports, unused_mut, unused_variables, dead_code)]
        pub mod client {
            use ::specfirst_runtime::__private as rt;
            use ::specfirst_runtime::client::{Incoming, Outgoing, Presented, Scheme};
            pub use ::specfirst_runtime::client::{ClientError, Credential};
            use super::handlers;

            /// The client: cheap to clone, as clones share the connection.
            #[derive(Clone, Debug)]
            pub struct Client {
                inner: ::specfirst_runtime::client::Client,
            }

            impl Client {
                #router_doc
                pub fn in_process(router: rt::axum::Router) -> Self {
                    Self::from(::specfirst_runtime::client::Client::in_process(router))
                }

                /// A client that serves `api` with the default router options and calls it in
                /// this process.
                pub fn serving<A: super::#trait_name>(api: A) -> Self {
                    Self::in_process(super::router(::std::sync::Arc::new(api)))
                }

                /// A client of the server at `base_url` (`http://127.0.0.1:3000`).
                #[cfg(feature = "http-client")]
                pub fn http(base_url: &str) -> Self {
                    Self::from(::specfirst_runtime::client::Client::http(base_url))
                }

                /// The same client adding the header `name: value` to every request
                /// that does not set it itself (a mock's `Prefer: code=404`).
                pub fn with_header(
                    self,
                    name: rt::http::HeaderName,
                    value: rt::http::HeaderValue,
                ) -> Self {
                    Self {
                        inner: self.inner.with_header(name, value),
                    }
                }

                /// The same client presenting `credential` for the security scheme named
                /// `scheme` in the spec.
                pub fn with_credential(self, scheme: &str, credential: Credential) -> Self {
                    Self {
                        inner: self.inner.with_credential(scheme, credential),
                    }
                }

                #(#methods)*
            }

            impl From<::specfirst_runtime::client::Client> for Client {
                fn from(inner: ::specfirst_runtime::client::Client) -> Self {
                    Self { inner }
                }
            }

            #(#requirement_statics)*

            #(#readers)*
        }
    }
}

/// The client method of `op`, writing the parameters with the handlers' `statics`
/// (named as [`decoder_names`] names them: the parameters, then the scan's).
fn method(api: &Api, op: &Operation, statics: &[String]) -> TokenStream {
    let name = ident(&op.method_name);
    let request = ident(&op.request_type);
    let response = ident(&op.response_type);
    let reader = ident(&format!("read_{}", op.method_name));
    let operation_id = &op.operation_id;
    let method = &op.method;
    let path = client_path(&op.path);
    let mut statics = statics.iter().map(|name| ident(name));
    let mut writes = Vec::new();
    // AWS's conditions after `#` (`/#X-Amz-Target=Queue.Push`) are what the server tells
    // the operation apart by; a bare `name` that a parameter of the operation writes
    // needs nothing more.
    if let Some(conditions) = path_conditions(&op.path) {
        for condition in conditions.split('&').filter(|c| !c.is_empty()) {
            let (name, value) = match condition.split_once('=') {
                Some((name, value)) => (name, quote!(Some(#value))),
                None if op.params.iter().any(|p| p.name == condition) => continue,
                None => (condition, quote!(None)),
            };
            writes.push(quote!(out.condition(#name, #value)?;));
        }
    }
    for param in &op.params {
        let field = ident(&param.field);
        let spec = statics.next().expect("one decoder per parameter");
        writes.push(quote!(out.param(&handlers::#spec, &request.#field)?;));
    }
    let mut request_type = quote!(super::#request);
    if let Some(pagination) = &op.pagination {
        let scan_writes = pagination.scan.iter().map(|param| {
            let field = ident(&param.field);
            let spec = statics.next().expect("one decoder per scan parameter");
            quote!(out.param(&handlers::#spec, &scan.#field)?;)
        });
        writes.push(quote! {
            match &request.page {
                ::specfirst_runtime::WhichPage::First(scan) => {
                    out.page(request.limit, None);
                    #(#scan_writes)*
                }
                ::specfirst_runtime::WhichPage::Next { marker, .. } => {
                    out.page(request.limit, Some(marker));
                }
            }
        });
        request_type = quote!(super::#request<String>);
    }
    if let Some(body) = &op.body {
        // A required body is written from the request's field; an optional one, when
        // given.
        let value = if body.required {
            quote!(request.body)
        } else {
            quote!(body)
        };
        let write = if body.alternatives.is_empty() {
            write_body(op, &body.kind, &body.media_type, value)
        } else {
            let body_enum = ident(&super::requests::body_enum_name(op));
            let arms = body.alternatives.iter().map(|alternative| {
                let variant = ident(&alternative.variant);
                let write =
                    write_body(op, &alternative.kind, &alternative.media_type, quote!(body));
                quote!(super::#body_enum::#variant(body) => { #write })
            });
            quote! {
                match #value {
                    #(#arms)*
                }
            }
        };
        writes.push(if body.required {
            write
        } else {
            quote! {
                if let Some(body) = request.body {
                    #write
                }
            }
        });
    }
    let requirements = match requirements(api, op) {
        Some((name, _)) => {
            let name = ident(&name);
            quote!(#name)
        }
        None => quote!(&[]),
    };
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}` (operation `{}`): [`{}::{}`](super::{}::{}).",
        op.method,
        op.path,
        op.operation_id,
        super::method_trait(api, op),
        op.method_name,
        super::method_trait(api, op),
        op.method_name
    ));
    if op.pagination.is_some() {
        text.push_str(
            "\n\nA later page is `WhichPage::Next` with the `next_page` token of the page \
             before as its marker.",
        );
    }
    let method_doc = doc(&text);
    quote! {
        #method_doc
        pub async fn #name(
            &self,
            request: #request_type,
        ) -> Result<super::#response, ClientError> {
            let mut out = Outgoing::new(#operation_id, #method, #path);
            #(#writes)*
            let incoming = self.inner.send(out, #requirements).await?;
            #reader(incoming)
        }
    }
}

/// The statements writing a body of `kind` held in `value`.
fn write_body(
    op: &Operation,
    kind: &BodyKind,
    media_type: &str,
    value: TokenStream,
) -> TokenStream {
    match kind {
        BodyKind::Json(_) => quote!(out.json(#media_type, &#value)?;),
        BodyKind::Form(_) => quote!(out.form(&#value)?;),
        BodyKind::Text => quote!(out.text(#media_type, #value);),
        BodyKind::Bytes => quote!(out.stream(#media_type, #value)?;),
        BodyKind::Stream { .. } => quote!(out.items(#media_type, #value);),
        BodyKind::Multipart(multipart) => {
            let parts = multipart_parts(multipart);
            let operation_id = &op.operation_id;
            let send = match &multipart.positions {
                Some(positions) => {
                    let positions = super::router::positions_tokens(positions);
                    quote!(out.multipart_at(&#positions, parts);)
                }
                None => quote!(out.multipart(parts);),
            };
            quote! {
                let body = &#value;
                let parts = (|| -> Result<_, String> {
                    let mut parts = ::specfirst_runtime::client::MultipartWriter::new();
                    #(#parts)*
                    Ok(parts)
                })()
                .map_err(|message| ClientError::Encode {
                    operation: #operation_id,
                    message,
                })?;
                #send
            }
        }
    }
}

/// The statements adding each part of a multipart body `body` to `parts`.
fn multipart_parts(multipart: &MultipartBody) -> Vec<TokenStream> {
    multipart
        .parts
        .iter()
        .map(|part| {
            let field = ident(&part.field);
            let wire = &part.name;
            match (&part.kind, part.required) {
                (PartKind::Value { scalar, .. }, _) => {
                    let scalar = super::param_specs::scalar_tokens(*scalar);
                    quote!(parts.value(#wire, #scalar, &body.#field)?;)
                }
                (PartKind::Values { scalar, .. }, _) => {
                    let scalar = super::param_specs::scalar_tokens(*scalar);
                    quote!(parts.values(#wire, #scalar, &body.#field)?;)
                }
                (PartKind::File, true) => quote!(parts.file(#wire, &body.#field);),
                (PartKind::File, false) => quote! {
                    if let Some(file) = &body.#field {
                        parts.file(#wire, file);
                    }
                },
                (PartKind::Files, true) => quote!(parts.files(#wire, &body.#field);),
                (PartKind::Files, false) => quote! {
                    if let Some(files) = &body.#field {
                        parts.files(#wire, files);
                    }
                },
            }
        })
        .collect()
}

/// `op`'s security requirements as the client presents them (a list of requirements,
/// each a list of schemes), as a static named for them; `None` for a public operation.
fn requirements(api: &Api, op: &Operation) -> Option<(String, TokenStream)> {
    let auth = api.auth.as_ref().filter(|_| !op.security.is_empty())?;
    let mut words = Vec::new();
    let requirements = op.security.iter().map(|requirement| {
        let mut names = Vec::new();
        let schemes = requirement.schemes.iter().map(|used| {
            let scheme = &auth.schemes[used.scheme];
            let name = &scheme.name;
            names.push(snake(name, "scheme").to_ascii_uppercase());
            let presented = match &scheme.kind {
                SchemeKind::Bearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. } => quote!(Presented::Bearer),
                SchemeKind::Basic => quote!(Presented::Basic),
                SchemeKind::Http { scheme } => quote!(Presented::Http(#scheme)),
                SchemeKind::ApiKey { location, name } => match location {
                    ApiKeyLocation::Header => quote!(Presented::Header(#name)),
                    ApiKeyLocation::Query => quote!(Presented::Query(#name)),
                    ApiKeyLocation::Cookie => quote!(Presented::Cookie(#name)),
                },
                SchemeKind::MutualTls | SchemeKind::Undescribed { .. } => {
                    quote!(Presented::Elsewhere)
                }
            };
            quote!(Scheme { name: #name, presented: #presented })
        });
        let schemes: Vec<TokenStream> = schemes.collect();
        words.push(if names.is_empty() {
            "ANONYMOUS".to_owned()
        } else {
            names.join("_AND_")
        });
        quote!(&[#(#schemes),*])
    });
    let requirements: Vec<TokenStream> = requirements.collect();
    let name = words.join("_OR_");
    let static_name = ident(&name);
    let text = if op.security.len() == 1 {
        "A security requirement as the client presents it."
    } else {
        "Security requirements as the client presents them; any one of them admits a call."
    };
    Some((
        name,
        quote! {
            #[doc = #text]
            static #static_name: &[&[Scheme]] = &[#(#requirements),*];
        },
    ))
}

/// The function reading `op`'s response enum back from a response.
fn reader(op: &Operation) -> TokenStream {
    let name = ident(&format!("read_{}", op.method_name));
    let response = ident(&op.response_type);
    let order = |response: &&Response| match response.status {
        StatusSpec::Code(_) => 0,
        StatusSpec::Range(_) => 1,
        StatusSpec::Default => 2,
    };
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    ordered.sort_by_key(order);
    let mut arms = Vec::new();
    let mut has_default = false;
    for response in ordered {
        let pattern = match response.status {
            StatusSpec::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            StatusSpec::Range(class) => {
                let low = proc_macro2::Literal::u16_unsuffixed(class * 100);
                let high = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
                quote!(#low..=#high)
            }
            StatusSpec::Default => {
                has_default = true;
                quote!(_)
            }
        };
        let value = variant_value(op, response, &ident(&response.variant));
        arms.push(quote!(#pattern => #value,));
    }
    if !has_default {
        arms.push(quote!(_ => return Err(incoming.undeclared()),));
    }
    let text = format!(
        "Reads [`{}`](super::{}) from a response of `{}`.",
        op.response_type, op.response_type, op.operation_id
    );
    quote! {
        #[doc = #text]
        pub(super) fn #name(incoming: Incoming) -> Result<super::#response, ClientError> {
            let response = match incoming.code() {
                #(#arms)*
            };
            Ok(response)
        }
    }
}

/// The expression building `response`'s variant from `incoming`.
fn variant_value(op: &Operation, response: &Response, variant: &proc_macro2::Ident) -> TokenStream {
    let enum_name = ident(&op.response_type);
    let mut fields = Vec::new();
    if !matches!(response.status, StatusSpec::Code(_)) {
        fields.push(quote!(status: incoming.status(),));
    }
    match &response.body {
        None => {}
        Some(_) if !response.alternatives.is_empty() => {
            let body_enum = ident(&format!("{}{}Body", op.response_type, response.variant));
            // A concrete media type is tried before the wildcards that also cover it
            // (`application/json` before `*/*`), whatever their order in the spec.
            let mut alternatives: Vec<_> = response.alternatives.iter().collect();
            alternatives.sort_by_key(|alternative| wildcard_rank(&alternative.media_type));
            let choices = alternatives.into_iter().map(|alternative| {
                let variant = ident(&alternative.variant);
                let media_type = &alternative.media_type;
                let value = match &alternative.body {
                    ResponseBody::Json { .. } => {
                        quote!(super::#body_enum::#variant(incoming.json()?))
                    }
                    ResponseBody::Text { .. } => {
                        quote!(super::#body_enum::#variant(incoming.text()?))
                    }
                    ResponseBody::Stream { framing, named, .. } => {
                        let read = read_stream(*framing, *named);
                        quote!(super::#body_enum::#variant(incoming.#read(#media_type)?))
                    }
                    ResponseBody::Bytes {
                        handler_sets_type: true,
                        ..
                    } => quote! {
                        super::#body_enum::#variant {
                            content_type: incoming.content_type_owned(),
                            body: incoming.binary(),
                        }
                    },
                    ResponseBody::Bytes { .. } => {
                        quote!(super::#body_enum::#variant(incoming.binary()))
                    }
                };
                quote!(if incoming.is(#media_type) { #value })
            });
            fields.push(quote! {
                body: #(#choices)else* else {
                    return Err(incoming.unexpected_media_type());
                },
            });
        }
        Some(body) => {
            let media_type = body.media_type();
            if let ResponseBody::Bytes {
                handler_sets_type: true,
                ..
            } = body
            {
                fields.push(quote!(content_type: incoming.content_type_owned(),));
            }
            let read = match body {
                ResponseBody::Json { .. } => quote!(json_as),
                ResponseBody::Stream { framing, named, .. } => read_stream(*framing, *named),
                ResponseBody::Text { .. } => quote!(text_as),
                ResponseBody::Bytes { .. } => quote!(binary_as),
            };
            fields.push(quote!(body: incoming.#read(#media_type)?,));
        }
    }
    for header in &response.headers {
        let field = ident(&header.field);
        let wire = &header.name;
        fields.push(if header.required {
            quote!(#field: incoming.required_header(#wire)?,)
        } else {
            quote!(#field: incoming.header(#wire)?,)
        });
    }
    if fields.is_empty() {
        quote!(super::#enum_name::#variant)
    } else {
        quote!(super::#enum_name::#variant { #(#fields)* })
    }
}

/// The reader of a streamed body framed as `framing` says (events told apart by name
/// when `named`).
fn read_stream(framing: Framing, named: bool) -> TokenStream {
    match framing {
        Framing::Events if named => quote!(named_events_as),
        Framing::Events => quote!(events_as),
        Framing::JsonLines | Framing::JsonSeq => quote!(items_as),
    }
}

/// How broad `media_type` is: 0 for a concrete type, 1 for `type/*`, 2 for `*/*`.
fn wildcard_rank(media_type: &str) -> u8 {
    match media_type.split(';').next().unwrap_or_default().trim() {
        "*/*" => 2,
        essence if essence.ends_with("/*") => 1,
        _ => 0,
    }
}

/// The path template a request is written from: the spec's, without AWS's conditions
/// after `#` (never sent), and with any other `#` sent as `%23`, as the route matches it.
fn client_path(path: &str) -> String {
    let path = match path_conditions(path) {
        Some(conditions) => &path[..path.len() - conditions.len() - 1],
        None => path,
    };
    path.replace('#', "%23")
}
