//! The trait, and one request struct and one response enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::Types;
use super::{doc, ident, runtime_import, security};
use crate::diagnostic::pointer_join;
use crate::ir::{
    Api, BodyKind, Location, MultipartBody, Operation, Pagination, Parameter, PartKind,
    RequestBody, Response, ResponseBody, StatusSpec,
};

/// The generated trait with one method per operation.
pub fn api_trait(api: &Api) -> TokenStream {
    let mut trait_doc = format!("The operations of {} {}.", api.title, api.version);
    if let Some(description) = &api.description {
        trait_doc = format!("{trait_doc}\n\n{description}");
    }
    trait_doc.push_str(
        "\n\nImplement this trait and pass the implementation to [`router`] to serve it.",
    );
    operations_trait(api, &trait_doc)
}

/// A trait with one method per operation of `api`, documented by `trait_doc`.
pub fn operations_trait(api: &Api, trait_doc: &str) -> TokenStream {
    let name = ident(&api.trait_name);
    let trait_doc = doc(trait_doc);
    let supertrait = security::supertrait(api);
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let mut text = operation_doc(op);
        if let Some(line) = security::principal_doc(api, op) {
            text = format!("{text}\n\n{line}");
        }
        let docs = doc(&text);
        let principal = security::principal_param(op);
        let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
        let (marker, request) = match &op.pagination {
            None => (quote!(), quote!(#request)),
            Some(pagination) => {
                let marker = ident(&pagination.marker_type);
                let marker_doc = doc(&format!(
                    "Where a scan of [`{}`](Self::{}) resumes: the implementation's own type, \
                     put into each page token and handed back with the next page.",
                    op.method_name, op.method_name
                ));
                (
                    quote! {
                        #marker_doc
                        type #marker: ::serde::Serialize
                            + ::serde::de::DeserializeOwned
                            + ::core::marker::Send
                            + ::core::marker::Sync
                            + 'static;
                    },
                    quote!(#request<Self::#marker>),
                )
            }
        };
        quote! {
            #marker
            #docs
            #deprecated
            fn #method(
                &self,
                ctx: ::specfirst_runtime::RequestContext,
                #principal
                request: #request,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<#response, ::specfirst_runtime::HttpError>,
            > + ::core::marker::Send;
        }
    });
    quote! {
        #trait_doc
        pub trait #name: #supertrait ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*
        }
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut text = String::new();
    for part in [&op.summary, &op.description].into_iter().flatten() {
        if !part.trim().is_empty() && !text.contains(part.trim()) {
            text.push_str(part.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!(
        "`{} {}` (operation `{}`)",
        op.method, op.path, op.operation_id
    ));
    text
}

/// The field for one parameter: its declaration and its Rust type.
fn param_field(param: &Parameter, types: &mut Types) -> (TokenStream, TokenStream) {
    let ty = types.type_of(&param.schema, &param.pointer);
    let ty = if param.required {
        ty
    } else {
        quote!(::core::option::Option<#ty>)
    };
    let field = ident(&param.field);
    let location = match param.location {
        Location::Path(_) | Location::PathPart { .. } => "Path",
        Location::Query => "Query",
        Location::Header => "Header",
        Location::Cookie => "Cookie",
    };
    let mut text = format!("{location} parameter `{}`.", param.name);
    if let Some(description) = &param.description {
        text = format!("{}\n\n{text}", description.trim());
    }
    let docs = doc(&text);
    (quote! { #docs pub #field: #ty, }, ty)
}

/// The request struct of `op`, with its scan struct when it is paginated.
pub fn request_struct(api: &Api, op: &Operation, types: &mut Types) -> TokenStream {
    let name = ident(&op.request_type);
    let struct_doc = doc(&format!(
        "The input of [`{}::{}`]: `{} {}`.",
        api.trait_name, op.method_name, op.method, op.path
    ));
    let mut fields = Vec::new();
    let mut extra = quote!();
    let mut generics = quote!();
    if let Some(pagination) = &op.pagination {
        let (scan_struct, page_fields, helpers) = pagination_items(api, op, pagination, types);
        fields.extend(page_fields);
        extra = quote! { #scan_struct #helpers };
        generics = quote!(<M>);
    }
    for param in &op.params {
        fields.push(param_field(param, types).0);
    }
    if let Some(body) = &op.body {
        let pointer = format!("{}/requestBody", op.pointer);
        let (ty, mut text) = if body.alternatives.is_empty() {
            let ty = body_type(&body.kind, types, &pointer);
            if let BodyKind::Multipart(multipart) = &body.kind {
                let item = multipart_struct(api, op, multipart, types, &pointer);
                extra = quote! { #extra #item };
            }
            (ty, format!("The request body (`{}`).", body.media_type))
        } else {
            let item = body_enum(api, op, body, types, &pointer);
            extra = quote! { #extra #item };
            let name = ident(&body_enum_name(op));
            let listed = body
                .alternatives
                .iter()
                .map(|a| format!("`{}`", a.media_type))
                .collect::<Vec<_>>()
                .join(", ");
            (
                quote!(#name),
                format!("The request body, one of {listed} as its `content-type` says."),
            )
        };
        let ty = if body.required {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        };
        if let Some(description) = &body.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        fields.push(quote! { #docs pub body: #ty, });
    }
    let derives = derives(op.body.as_ref().is_some_and(streams_body));
    quote! {
        #struct_doc
        #derives
        pub struct #name #generics {
            #(#fields)*
        }

        #extra
    }
}

/// The name of the body enum of an operation whose body has several media types.
pub fn body_enum_name(op: &Operation) -> String {
    format!("{}Body", op.request_type)
}

/// Whether a request body is (or may be, by its `content-type`) a [`BodyKind::Bytes`]
/// stream, which cannot be cloned.
fn streams_body(body: &RequestBody) -> bool {
    matches!(body.kind, BodyKind::Bytes)
        || body
            .alternatives
            .iter()
            .any(|alternative| matches!(alternative.kind, BodyKind::Bytes))
}

/// Whether a response has a binary body (in any of its media types), which may be a stream
/// and so cannot be cloned.
fn streams_response(response: &Response) -> bool {
    matches!(response.body, Some(ResponseBody::Bytes { .. }))
        || response
            .alternatives
            .iter()
            .any(|alternative| matches!(alternative.body, ResponseBody::Bytes { .. }))
}

/// The derives of a request or response type: a body stream is not `Clone`, so a type
/// holding one is only `Debug`.
fn derives(streams: bool) -> TokenStream {
    if streams {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone)])
    }
}

/// The `content-type` of a text response: the declared type, with a charset unless it
/// carries parameters of its own, since a bare `text/plain` means US-ASCII.
fn text_content_type(media_type: &str) -> String {
    if media_type.contains(';') {
        media_type.to_string()
    } else {
        "text/plain; charset=utf-8".to_string()
    }
}

/// The Rust type a body of `kind` decodes into.
fn body_type(kind: &BodyKind, types: &mut Types, pointer: &str) -> TokenStream {
    match kind {
        BodyKind::Json(schema) | BodyKind::Form(schema) => types.type_of(schema, pointer),
        BodyKind::Multipart(multipart) => {
            let name = ident(&multipart.type_name);
            quote!(#name)
        }
        BodyKind::Text => quote!(::std::string::String),
        BodyKind::Bytes => quote!(::specfirst_runtime::BodyStream),
    }
}

/// The enum of a body with several media types, with the multipart structs it uses.
fn body_enum(
    api: &Api,
    op: &Operation,
    body: &RequestBody,
    types: &mut Types,
    pointer: &str,
) -> TokenStream {
    let name = ident(&body_enum_name(op));
    let enum_doc = doc(&format!(
        "The request body of [`{}::{}`], one variant per declared media type; the request's \
         `content-type` chooses.",
        api.trait_name, op.method_name
    ));
    let mut items = Vec::new();
    let variants = body.alternatives.iter().map(|alternative| {
        let content_pointer = pointer_join(&format!("{pointer}/content"), &alternative.media_type);
        let ty = body_type(&alternative.kind, types, &content_pointer);
        if let BodyKind::Multipart(multipart) = &alternative.kind {
            items.push(multipart_struct(
                api,
                op,
                multipart,
                types,
                &content_pointer,
            ));
        }
        let variant = ident(&alternative.variant);
        let text = doc(&format!("`{}`.", alternative.media_type));
        quote! { #text #variant(#ty), }
    });
    let variants: Vec<TokenStream> = variants.collect();
    let derives = derives(streams_body(body));
    quote! {
        #enum_doc
        // Variants hold what the spec declares; boxing the large ones would only make
        // handlers harder to write.
        #[allow(clippy::large_enum_variant)]
        #derives
        pub enum #name {
            #(#variants)*
        }

        #(#items)*
    }
}

/// The struct a `multipart/form-data` body is read into, one field per part.
fn multipart_struct(
    api: &Api,
    op: &Operation,
    multipart: &MultipartBody,
    types: &mut Types,
    pointer: &str,
) -> TokenStream {
    let name = ident(&multipart.type_name);
    let struct_doc = doc(&format!(
        "The `multipart/form-data` body of [`{}::{}`], one field per part.",
        api.trait_name, op.method_name
    ));
    let fields = multipart.parts.iter().map(|part| {
        let field = ident(&part.field);
        let ty = match &part.kind {
            PartKind::Value { schema, .. } | PartKind::Values { schema, .. } => {
                types.type_of(schema, pointer)
            }
            PartKind::File => quote!(::specfirst_runtime::Part),
            PartKind::Files => quote!(::std::vec::Vec<::specfirst_runtime::Part>),
        };
        let ty = if part.required {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        };
        let what = match part.kind {
            PartKind::Value { .. } => "Part",
            PartKind::Values { .. } => "Repeated part",
            PartKind::File => "File part",
            PartKind::Files => "Repeated file part",
        };
        let mut text = format!("{what} `{}`.", part.name);
        if let Some(description) = &part.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        quote! { #docs pub #field: #ty, }
    });
    let fields: Vec<TokenStream> = fields.collect();
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// For a paginated operation: the scan struct, the `limit` and `page` fields of the
/// request, and the request's `results_page` helper.
fn pagination_items(
    api: &Api,
    op: &Operation,
    pagination: &Pagination,
    types: &mut Types,
) -> (TokenStream, Vec<TokenStream>, TokenStream) {
    let scan = ident(&pagination.scan_type);
    let request = ident(&op.request_type);
    let operation_id = &op.operation_id;
    let scan_fields = pagination.scan.iter().map(|param| {
        let (field, _) = param_field(param, types);
        let wire = &param.name;
        let rename = (param.field != param.name).then(|| quote!(#[serde(rename = #wire)]));
        // Absent filters stay out of the page token, keeping tokens short.
        let skip = (!param.required).then(
            || quote!(#[serde(default, skip_serializing_if = "::core::option::Option::is_none")]),
        );
        quote! { #rename #skip #field }
    });
    let scan_doc = doc(&format!(
        "The scan parameters of [`{}::{}`]: given on the first page, then carried by the page \
         token so every page of a scan sees the same ones.",
        api.trait_name, op.method_name
    ));
    let scan_struct = quote! {
        #scan_doc
        #[derive(Debug, Clone, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #scan {
            #(#scan_fields)*
        }
    };
    let fields = vec![
        quote! {
            /// Items to return: the client's `limit`, or the server's default, capped by
            /// the server's maximum.
            pub limit: ::core::num::NonZeroU32,
        },
        quote! {
            /// The first page with its scan parameters, or a later page with the marker
            /// the previous page ended at.
            pub page: ::specfirst_runtime::WhichPage<#scan, M>,
        },
    ];
    let helpers = quote! {
        impl<M: ::serde::Serialize> #request<M> {
            /// A page of `items`: when the page is full, its `next_page` token resumes the
            /// scan after the marker `marker` makes of the last item.
            pub fn results_page<T>(
                &self,
                items: ::std::vec::Vec<T>,
                marker: impl ::core::ops::FnOnce(&T) -> M,
            ) -> ::specfirst_runtime::ResultsPage<T> {
                ::specfirst_runtime::ResultsPage::new(
                    items,
                    self.limit,
                    #operation_id,
                    self.page.scan(),
                    marker,
                )
            }
        }
    };
    (scan_struct, fields, helpers)
}

/// `From<ResultsPage<Item>>` for each distinct `{items, next_page}` page type, so a
/// handler can answer with `request.results_page(..).into()`, and `From<LinkPage<Item>>`
/// for each `x-ms-pageable` page type.
pub fn page_conversions(api: &Api, types: &mut Types) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let Some(page) = op.pagination.as_ref().and_then(|p| p.page.as_ref()) else {
            continue;
        };
        let page_ty = types.type_of(&page.page, &op.pointer);
        let item_ty = types.type_of(&page.item, &op.pointer);
        if !seen.insert(page_ty.to_string()) {
            continue;
        }
        out.push(quote! {
            impl ::core::convert::From<::specfirst_runtime::ResultsPage<#item_ty>> for #page_ty {
                fn from(page: ::specfirst_runtime::ResultsPage<#item_ty>) -> Self {
                    Self {
                        items: page.items,
                        next_page: page.next_page,
                    }
                }
            }
        });
    }
    for op in &api.operations {
        let Some(link) = &op.link_pagination else {
            continue;
        };
        let page_ty = types.type_of(&link.body.page, &op.pointer);
        let item_ty = types.type_of(&link.body.item, &op.pointer);
        if !seen.insert(page_ty.to_string()) {
            continue;
        }
        let items = ident(&link.items_field);
        let next = ident(&link.next_field);
        out.push(quote! {
            impl ::core::convert::From<::specfirst_runtime::LinkPage<#item_ty>> for #page_ty {
                fn from(page: ::specfirst_runtime::LinkPage<#item_ty>) -> Self {
                    Self {
                        #items: page.items,
                        #next: page.next_link,
                    }
                }
            }
        });
    }
    quote!(#(#out)*)
}

/// The response enum of `op` and its `IntoResponse` implementation.
pub fn response_enum(api: &Api, op: &Operation, types: &mut Types) -> TokenStream {
    let name = ident(&op.response_type);
    let enum_doc = doc(&format!(
        "The responses of [`{}::{}`], one variant per declared status.",
        api.trait_name, op.method_name
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
    let derives = derives(op.responses.iter().any(streams_response));
    let rt = runtime_import(&arms);
    quote! {
        #enum_doc
        // Variants hold what the spec declares; boxing the large ones would only make
        // handlers harder to write.
        #[allow(clippy::large_enum_variant)]
        #derives
        pub enum #name {
            #(#variants)*
        }

        impl ::specfirst_runtime::__private::axum::response::IntoResponse for #name {
            fn into_response(self) -> ::specfirst_runtime::__private::axum::response::Response {
                #rt
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
fn response_body_enum(
    op: &Operation,
    response: &Response,
    types: &mut Types,
    pointer: &str,
) -> TokenStream {
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
        let content_pointer = pointer_join(&format!("{pointer}/content"), media_type);
        match &alternative.body {
            ResponseBody::Json { schema, .. } => {
                let ty = types.type_of(schema, &content_pointer);
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
                        content_type: ::std::string::String,
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
            ResponseBody::Text { media_type } => {
                variants.push(quote! { #text #variant(::std::string::String), });
                let content_type = text_content_type(media_type);
                arms.push(
                    quote! { Self::#variant(body) => rt::text(status, #content_type, body), },
                );
            }
        }
    }
    let derives = derives(streams_response(response));
    let rt = runtime_import(&arms);
    quote! {
        #enum_doc
        #[allow(clippy::large_enum_variant)]
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
            ) -> ::specfirst_runtime::__private::axum::response::Response {
                #rt
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
    types: &mut Types,
) -> (TokenStream, TokenStream, TokenStream) {
    let variant = ident(&response.variant);
    let key = match response.status {
        StatusSpec::Code(code) => code.to_string(),
        StatusSpec::Range(class) => format!("{class}XX"),
        StatusSpec::Default => "default".into(),
    };
    let pointer = pointer_join(&format!("{}/responses", op.pointer), &key);
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
                            Err(error) => return rt::axum::response::IntoResponse::into_response(error),
                        }
                    }
                }
                _ => quote!(status),
            }
        }
    };

    let mut body_enum = quote!();
    let build = match &response.body {
        Some(_) if !response.alternatives.is_empty() => {
            body_enum = response_body_enum(op, response, types, &pointer);
            let ty = ident(&response_body_enum_name(op, response));
            fields.push(quote! {
                /// The response body, in the media type the handler chooses.
                body: #ty,
            });
            bindings.push(quote!(body));
            quote!(body.into_response_with(status))
        }
        None => quote!(rt::empty(status)),
        Some(ResponseBody::Json { schema, media_type }) => {
            let ty = types.type_of(schema, &pointer);
            fields.push(quote! {
                /// The response body.
                body: #ty,
            });
            bindings.push(quote!(body));
            if media_type == "application/json" {
                quote!(rt::json(status, &body))
            } else {
                quote!(rt::json_as(status, #media_type, &body))
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
                    content_type: ::std::string::String,
                });
                bindings.push(quote!(content_type));
                quote!(rt::binary(status, &content_type, body))
            } else {
                quote!(rt::binary(status, #media_type, body))
            }
        }
        Some(ResponseBody::Text { media_type }) => {
            fields.push(quote! {
                /// The response body.
                body: ::std::string::String,
            });
            bindings.push(quote!(body));
            let content_type = text_content_type(media_type);
            quote!(rt::text(status, #content_type, body))
        }
    };

    let mut header_statements = Vec::new();
    for header in &response.headers {
        let field = ident(&header.field);
        let ty = types.type_of(
            &header.schema,
            &pointer_join(&pointer_join(&pointer, "headers"), &header.name),
        );
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
            fields.push(quote! { #docs #field: ::core::option::Option<#ty>, });
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
