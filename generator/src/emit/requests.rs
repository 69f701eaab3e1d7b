//! One request struct per operation: its parameters, its body (with the body enum of
//! several media types and the multipart structs) and, when it is paginated, its scan
//! struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::TypeTokens;
use super::{derives, doc, ident};
use crate::ir::Types;
use crate::ir::{
    Api, BodyKind, Location, MultipartBody, Operation, Pagination, Parameter, PartKind, Positions,
    RequestBody,
};

/// The field for one parameter: its declaration and its Rust type.
fn param_field(param: &Parameter, types: &Types) -> (TokenStream, TokenStream) {
    let ty = types.type_of(&param.schema);
    let ty = if param.required {
        ty
    } else {
        quote!(Option<#ty>)
    };
    let field = ident(&param.field);
    let mut text = match param.location {
        Location::Path(_) | Location::PathPart { .. } => {
            format!("Path parameter `{}`.", param.name)
        }
        Location::Query => format!("Query parameter `{}`.", param.name),
        Location::QueryString => format!("The whole query string (`{}`).", param.name),
        Location::Header => format!("Header parameter `{}`.", param.name),
        Location::Cookie => format!("Cookie parameter `{}`.", param.name),
    };
    if let Some(description) = &param.description {
        text = format!("{}\n\n{text}", description.trim());
    }
    let docs = doc(&text);
    (quote! { #docs pub #field: #ty, }, ty)
}

/// The request struct of `op`, with its scan struct when it is paginated.
pub fn request_struct(api: &Api, op: &Operation, types: &Types) -> TokenStream {
    let name = ident(&op.request_type);
    let struct_doc = doc(&format!(
        "The input of [`{}::{}`]: `{} {}`.",
        super::method_trait(api, op),
        op.method_name,
        op.method,
        op.path
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
    // What a constructor takes, and what it leaves `None`.
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for param in &op.params {
        let (field, ty) = param_field(param, types);
        fields.push(field);
        let name = ident(&param.field);
        match param.required {
            true => required.push((name, ty)),
            false => optional.push(name),
        }
    }
    if let Some(body) = &op.body {
        let (ty, mut text) = if body.alternatives.is_empty() {
            let ty = body_type(&body.kind, types);
            if let BodyKind::Multipart(multipart) = &body.kind {
                let item = multipart_struct(api, op, multipart, types);
                extra = quote! { #extra #item };
            }
            (ty, format!("The request body (`{}`).", body.media_type))
        } else {
            let item = body_enum(api, op, body, types);
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
            required.push((ident("body"), ty.clone()));
            ty
        } else {
            optional.push(ident("body"));
            quote!(Option<#ty>)
        };
        if let Some(description) = &body.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        fields.push(quote! { #docs pub body: #ty, });
    }
    if op.websocket {
        fields.push(quote! {
            /// The WebSocket handshake, checked: answer with its `on_upgrade` to take the
            /// connection.
            pub websocket: ::specfirst_runtime::WebSocketUpgrade,
        });
        required.push((
            ident("websocket"),
            quote!(::specfirst_runtime::WebSocketUpgrade),
        ));
    }
    // Neither a stream nor a handshake can be cloned.
    let streams = op.body.as_ref().is_some_and(streams_body) || op.websocket;
    // A test builds a request with `Default` or `new`, which adding an optional
    // parameter to the spec leaves as they are; a paginated request starts from its
    // scan instead.
    let paginated = op.pagination.is_some();
    let derives = match (streams, paginated || !required.is_empty()) {
        (false, false) => quote!(#[derive(Debug, Clone, Default)]),
        (true, false) => quote!(#[derive(Debug, Default)]),
        _ => derives(streams),
    };
    let constructor = (!paginated && !required.is_empty()).then(|| {
        let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let text = match optional.is_empty() {
            true => " The request with these values.",
            false => " The request with these values, and `None` for each optional one.",
        };
        let names = required.iter().map(|(name, _)| name);
        let args = required.iter().map(|(name, ty)| quote!(#name: #ty));
        quote! {
            #[allow(dead_code)]
            impl #name {
                #[doc = #text]
                #many
                pub fn new(#(#args),*) -> Self {
                    Self { #(#names,)* #(#optional: None,)* }
                }
            }
        }
    });
    quote! {
        #struct_doc
        // A binary crate that includes the code reads only the fields it needs.
        #[allow(dead_code)]
        #derives
        pub struct #name #generics {
            #(#fields)*
        }

        #constructor

        #extra
    }
}

/// The name of the body enum of an operation whose body has several media types.
pub fn body_enum_name(op: &Operation) -> String {
    format!("{}Body", op.request_type)
}

/// Whether a request body is (or may be, by its `content-type`) a stream of bytes or
/// items, which cannot be cloned.
fn streams_body(body: &RequestBody) -> bool {
    let streams = |kind: &BodyKind| matches!(kind, BodyKind::Bytes | BodyKind::Stream { .. });
    streams(&body.kind)
        || body
            .alternatives
            .iter()
            .any(|alternative| streams(&alternative.kind))
}

/// The Rust type a body of `kind` decodes into.
fn body_type(kind: &BodyKind, types: &Types) -> TokenStream {
    match kind {
        BodyKind::Json(schema) | BodyKind::Form(schema) => types.type_of(schema),
        BodyKind::Multipart(multipart) => {
            let name = ident(&multipart.type_name);
            quote!(#name)
        }
        BodyKind::Stream { framing, item } => {
            super::responses::stream_type(*framing, &types.type_of(item))
        }
        BodyKind::Text => quote!(String),
        BodyKind::Bytes => quote!(::specfirst_runtime::BodyStream),
    }
}

/// The enum of a body with several media types, with the multipart structs it uses.
fn body_enum(api: &Api, op: &Operation, body: &RequestBody, types: &Types) -> TokenStream {
    let name = ident(&body_enum_name(op));
    let enum_doc = doc(&format!(
        "The request body of [`{}::{}`], one variant per declared media type; the request's \
         `content-type` chooses.",
        super::method_trait(api, op),
        op.method_name
    ));
    let mut items = Vec::new();
    let variants = body.alternatives.iter().map(|alternative| {
        let ty = body_type(&alternative.kind, types);
        if let BodyKind::Multipart(multipart) = &alternative.kind {
            items.push(multipart_struct(api, op, multipart, types));
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
        // handlers harder to write. A binary crate that includes the code reads only the
        // bodies it needs.
        #[allow(clippy::large_enum_variant, dead_code)]
        #derives
        pub enum #name {
            #(#variants)*
        }

        #(#items)*
    }
}

/// The struct a multipart body is read into: one field per part of a
/// `multipart/form-data` body, one per leading part and one for the rest of a body read
/// by position.
fn multipart_struct(
    api: &Api,
    op: &Operation,
    multipart: &MultipartBody,
    types: &Types,
) -> TokenStream {
    let name = ident(&multipart.type_name);
    let method = format!("{}::{}", super::method_trait(api, op), op.method_name);
    let struct_doc = doc(&match &multipart.positions {
        None => format!("The `multipart/form-data` body of [`{method}`], one field per part."),
        Some(positions) => format!(
            "The `{}` body of [`{method}`], whose parts go by position: one field per \
             leading part, in order{}.",
            positions.media_type,
            match positions.rest {
                Some(_) => ", then one for every part after them",
                None => "",
            }
        ),
    });
    let fields = multipart.parts.iter().map(|part| {
        let field = ident(&part.field);
        let ty = match &part.kind {
            PartKind::Value { schema, .. } | PartKind::Values { schema, .. } => {
                types.type_of(schema)
            }
            PartKind::File => quote!(::specfirst_runtime::Part),
            PartKind::Files => quote!(Vec<::specfirst_runtime::Part>),
        };
        let ty = if part.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        let what = match part.kind {
            PartKind::Value { .. } => "Part",
            PartKind::Values { .. } => "Repeated part",
            PartKind::File => "File part",
            PartKind::Files => "Repeated file part",
        };
        let mut text = match &multipart.positions {
            None => format!("{what} `{}`.", part.name),
            Some(positions) => positional_part_doc(positions, &part.name),
        };
        if let Some(description) = &part.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        quote! { #docs pub #field: #ty, }
    });
    let fields: Vec<TokenStream> = fields.collect();
    quote! {
        #struct_doc
        // A binary crate that includes the code reads only the fields it needs.
        #[allow(dead_code)]
        #[derive(Debug, Clone)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// What a field of a body read by position holds: the part at position `name` (from 1),
/// or every later one, and the content types it may have.
fn positional_part_doc(positions: &Positions, name: &str) -> String {
    let (which, ranges) = match name.parse::<usize>() {
        Ok(position) => (
            format!("Part {position}"),
            positions
                .prefix
                .get(position - 1)
                .cloned()
                .unwrap_or_default(),
        ),
        Err(_) if positions.prefix.is_empty() => (
            "Every part".to_string(),
            positions.rest.clone().unwrap_or_default(),
        ),
        Err(_) => (
            format!("Every part after part {}", positions.prefix.len()),
            positions.rest.clone().unwrap_or_default(),
        ),
    };
    let ranges: Vec<String> = ranges.iter().map(|range| format!("`{range}`")).collect();
    match ranges.is_empty() {
        true => format!("{which}."),
        false => format!("{which}, of {}.", ranges.join(" or ")),
    }
}

/// For a paginated operation: the scan struct, the `limit` and `page` fields of the
/// request, and the request's `results_page` helper.
fn pagination_items(
    api: &Api,
    op: &Operation,
    pagination: &Pagination,
    types: &Types,
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
        super::method_trait(api, op),
        op.method_name
    ));
    // Read back from page tokens by the runtime's macro, which costs the compiler a
    // fraction of what serde's derive does.
    let scan_reads = pagination.scan.iter().map(|param| {
        let field = ident(&param.field);
        let key = (field != param.name).then(|| {
            let key = &param.name;
            quote!(: #key)
        });
        let missing = (!param.required).then(|| quote!(default));
        quote!(#field #key #missing)
    });
    let scan_struct = quote! {
        #scan_doc
        #[allow(dead_code)]
        #[derive(Debug, Clone, ::serde::Serialize)]
        pub struct #scan {
            #(#scan_fields)*
        }
        ::specfirst_runtime::deserialize_struct!(#scan { #(#scan_reads),* });
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
        #[allow(dead_code)]
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
