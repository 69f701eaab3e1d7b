//! The router function and one axum handler per operation.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::dispatch::dispatcher;
use super::error_forms::error_forms;
use super::operation_types::OperationTypes;
use super::param_specs::param_spec;
use super::param_specs::scalar_tokens;
use super::response_checks;
use super::validation::Rules;
use super::TypeTokens;
use super::{ident, security};
use crate::ir::Types;
use crate::ir::{
    Api, BodyAlternative, BodyKind, Location, MultipartBody, Operation, Parameter, PartKind,
    Positions,
};
use crate::naming::{snake, Namespace};

/// Method order for chaining: `get` must come before `head`, since axum's `get`
/// also answers HEAD unless an explicit `head` route follows it.
const ORDER: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// The static each decoded parameter's [`rt::Param`] is kept in, inside the `handlers`
/// module: for every operation, its parameters and then its scan parameters. The
/// description ([`super::describe`]) points at the same statics, so it says what the
/// handlers do.
pub type Decoders = Vec<Vec<String>>;

/// `router`, `router_with_options` and the private handlers, and the names of the
/// parameter decoders the handlers use.
pub fn router(api: &Api, types: &Types, rules: &mut Rules<'_>) -> (TokenStream, Decoders) {
    let trait_name = ident(&api.trait_name);
    let decoders = decoder_names(&api.operations);
    let tables = response_checks::names(&api.operations, &decoders, rules);
    let taken: Vec<&str> = decoders
        .iter()
        .flatten()
        .chain(tables.iter().flatten())
        .map(String::as_str)
        .collect();
    let error_forms = error_forms(api, &taken);
    let operation_types = OperationTypes::of(&api.operations);

    // Group operations by route, keeping the order in which routes first appear.
    let mut routes: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for op in &api.operations {
        match routes.iter_mut().find(|(route, _)| *route == op.route) {
            Some((_, ops)) => ops.push(op),
            None => routes.push((&op.route, vec![op])),
        }
    }
    let mut dispatchers = Vec::new();
    // Whether a route has operations of methods axum cannot name (`OtherMethods`).
    let mut uses_others = false;
    // Whether a route adds an operation by its type (`Endpoints::public` and `secured`),
    // rather than only dispatchers.
    let mut by_type = false;
    let route_calls: Vec<TokenStream> = routes
        .iter()
        .map(|(route, ops)| {
            let mut ops = ops.clone();
            // Methods axum cannot name (QUERY) come after its own.
            ops.sort_by_key(|op| {
                ORDER
                    .iter()
                    .position(|m| *m == op.method)
                    .unwrap_or(ORDER.len())
            });
            // One handler per method: a dispatcher when several operations share it.
            let mut by_method: Vec<(&str, Vec<&Operation>)> = Vec::new();
            for op in ops {
                match by_method.iter_mut().find(|(m, _)| *m == op.method) {
                    Some((_, same)) => same.push(op),
                    None => by_method.push((&op.method, vec![op])),
                }
            }
            let mut chain = quote!(rt::endpoints::<A>());
            let mut others = Vec::new();
            for (method, same) in &by_method {
                if !ORDER.contains(method) {
                    others.push(other_method(
                        api,
                        &operation_types,
                        method,
                        same,
                        &mut dispatchers,
                    ));
                    continue;
                }
                let filter = ident(&method.to_ascii_uppercase());
                let filter = quote!(rt::MethodFilter::#filter);
                chain = if let [op] = same.as_slice() {
                    by_type = true;
                    let operation = operation_types.get(op);
                    if api.secures(op) {
                        quote!(#chain.secured::<#operation>(#filter))
                    } else {
                        quote!(#chain.public::<#operation>(#filter))
                    }
                } else {
                    let (name, dispatcher) = dispatcher(api, &operation_types, same);
                    dispatchers.push(dispatcher);
                    // The Accept check runs in the extractor, before the dispatcher: it
                    // learns the media types beyond JSON from the route.
                    let handler = match produces(same) {
                        None => quote!(#name::<A>),
                        Some(types) => quote! {
                            rt::axum::handler::Handler::layer(
                                #name::<A>,
                                rt::axum::Extension(rt::Produces(&[#(#types),*])),
                            )
                        },
                    };
                    quote!(#chain.on(#filter, #handler))
                };
            }
            if !others.is_empty() {
                uses_others = true;
                let allow = allow_list(by_method.iter().map(|(method, _)| *method));
                chain = quote!(#chain.others(#allow, [#(#others),*]));
            }
            quote!(.route(#route, #chain))
        })
        .collect();
    // A shared decoder or authentication function is written before the first handler
    // that uses it.
    let mut written = HashSet::new();
    let authenticators = authenticators(api);
    let mut handlers: Vec<TokenStream> = api
        .operations
        .iter()
        .zip(&decoders)
        .zip(&authenticators)
        .zip(&tables)
        .zip(&error_forms.tables)
        .map(|((((op, decoders), authenticator), responses), errors)| {
            let names = Names {
                operation: operation_types.get(op),
                decoders,
                authenticator: authenticator.as_ref(),
                responses: responses.as_deref(),
                errors: errors.as_deref(),
            };
            handler(api, op, names, &mut written, types, rules)
        })
        .collect();
    // Dispatchers are handlers of their own, taking the router's state.
    let arc = (!dispatchers.is_empty()).then(|| {
        quote!(
            use ::std::sync::Arc;
        )
    });
    handlers.extend(dispatchers);
    // The declared responses, after every handler: see `response_checks::tables`.
    handlers.extend(response_checks::tables(&api.operations, &tables, rules));
    // The forms errors are written in, and each operation's list of them.
    handlers.extend(error_forms.items);

    // An API without operations has no handlers, and so nothing to import.
    let runtime_imports = (!handlers.is_empty()).then(|| {
        quote! {
            use ::specfirst_runtime::__private as rt;
            #arc

            use super::#trait_name as Api;
        }
    });
    // Scan checks name parameter types, which typify writes relative to the API module.
    let uses_types = handlers.iter().any(|h| h.to_string().contains("types ::"));
    let types_import = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    let routes = route_statements(&route_calls);
    // The operations by name, as the routes list them, and the methods adding them.
    let endpoints = by_type.then(|| {
        quote!(
            use rt::Endpoints as _;
        )
    });
    let other_methods = uses_others.then(|| {
        quote!(
            use rt::OtherMethods as _;
        )
    });
    let starts = (!route_calls.is_empty()).then(|| {
        quote! {
            use self::handlers::*;
            #endpoints
            #other_methods
        }
    });
    let websocket_feature = api
        .operations
        .iter()
        .any(|op| op.websocket)
        .then(|| quote!(rt::websocket_feature!();));
    let tokens = quote! {
        /// Serves `api` on an axum router, with the API's document at `/openapi.json`.
        pub fn router<A: #trait_name>(
            api: ::std::sync::Arc<A>,
        ) -> ::specfirst_runtime::__private::axum::Router {
            router_with_options(api, &::specfirst_runtime::RouterOptions::default())
        }

        /// Serves `api` on an axum router configured by `options`.
        pub fn router_with_options<A: #trait_name>(
            api: ::std::sync::Arc<A>,
            options: &::specfirst_runtime::RouterOptions,
        ) -> ::specfirst_runtime::__private::axum::Router {
            use ::specfirst_runtime::__private as rt;
            #starts
            #routes
            rt::finish_router(routes, OPENAPI_DOCUMENT, options)
        }

        /// One type per operation, served by the runtime's handlers: how its request
        /// decodes, and which method of the trait answers it.
        #[allow(deprecated)]
        mod handlers {
            #runtime_imports
            #types_import
            #websocket_feature

            #(#handlers)*
        }
    };
    (tokens, decoders)
}

/// Routes added by one chain of method calls at most: rustc checks a chain by recursion,
/// and Microsoft Graph's 5,000 routes in one chain overflow its stack.
const ROUTES_PER_CHAIN: usize = 256;

/// The statements that bind `routes` to the router with every route of `route_calls`
/// (`.route(...)` calls), in chains of at most [`ROUTES_PER_CHAIN`].
fn route_statements(route_calls: &[TokenStream]) -> TokenStream {
    let mut chunks = route_calls.chunks(ROUTES_PER_CHAIN);
    let first = chunks.next().unwrap_or_default();
    let mut rest: Vec<&[TokenStream]> = chunks.collect();
    let last = rest.pop();
    let Some(last) = last else {
        return quote! {
            let routes = rt::axum::Router::new()
                .without_v07_checks()
                #(#first)*
                .with_state(api);
        };
    };
    quote! {
        let routes = rt::axum::Router::new()
            .without_v07_checks()
            #(#first)*;
        #(let routes = routes #(#rest)*;)*
        let routes = routes #(#last)* .with_state(api);
    }
}

/// The entry of `rt::OtherMethods::others` serving `same` (the operations of `method`,
/// one that axum's `MethodFilter` cannot name, on one route); a dispatcher, added to
/// `dispatchers`, when several share it.
fn other_method(
    api: &Api,
    operation_types: &OperationTypes,
    method: &str,
    same: &[&Operation],
    dispatchers: &mut Vec<TokenStream>,
) -> TokenStream {
    if let [op] = same {
        let operation = operation_types.get(op);
        return if api.secures(op) {
            quote!(rt::secured_other::<A, #operation>(#method))
        } else {
            quote!(rt::public_other::<A, #operation>(#method))
        };
    }
    let (name, dispatcher) = dispatcher(api, operation_types, same);
    dispatchers.push(dispatcher);
    let types = produces(same).unwrap_or_default();
    quote!(rt::other_handler(#method, #name::<A>, &[#(#types),*]))
}

/// A route's `Allow` list, as axum writes it: `HEAD` after `GET`.
fn allow_list<'a>(methods: impl Iterator<Item = &'a str>) -> String {
    let mut allow = Vec::new();
    for method in methods {
        allow.push(method);
        if method == "GET" {
            allow.push("HEAD");
        }
    }
    allow.join(",")
}

/// The response media types of `ops` other than JSON ones, in document order; `None`
/// when they only produce JSON, which every route accepts.
fn produces(ops: &[&Operation]) -> Option<Vec<String>> {
    let mut types: Vec<String> = Vec::new();
    for op in ops {
        for response in &op.responses {
            for media in &response.content {
                let essence = media.media_type.split(';').next().unwrap_or("").trim();
                let json = essence.eq_ignore_ascii_case("application/json")
                    || essence.to_ascii_lowercase().ends_with("+json");
                if !json && !types.contains(&media.media_type) {
                    types.push(media.media_type.clone());
                }
            }
        }
    }
    (!types.is_empty()).then_some(types)
}

/// `LIST_BOOKS_LIMIT` for parameter `limit` of `list_books`, numbered on collision. A
/// decoder written the same way for several parameters (GitHub's `owner`, in 525
/// operations) is one static they share, named for its location and field:
/// `PATH_OWNER`, `QUERY_PER_PAGE`.
pub(super) fn decoder_names(operations: &[Operation]) -> Decoders {
    let upper = |name: &str| name.trim_end_matches('_').to_ascii_uppercase();
    // The decoder and the schema its constraints come from say all a static holds.
    let params: Vec<((&Operation, &Parameter), String)> = operations
        .iter()
        .flat_map(|op| {
            decoded(op).map(move |p| {
                (
                    (op, p),
                    format!("{} {}", param_spec(op, p, None), p.schema.schema),
                )
            })
        })
        .collect();
    let names = share_names(
        &params,
        |(op, p)| format!("{}_{}", upper(&op.method_name), upper(&p.field)),
        |(_, p)| {
            let place = match p.location {
                Location::Path(_) | Location::PathPart { .. } => "PATH",
                Location::Query => "QUERY",
                Location::QueryString => "QUERYSTRING",
                Location::Header => "HEADER",
                Location::Cookie => "COOKIE",
            };
            format!("{place}_{}", upper(&p.field))
        },
    );
    let mut names = names.into_iter();
    operations
        .iter()
        .map(|op| names.by_ref().take(decoded(op).count()).collect())
        .collect()
}

/// The parameters of `op` that the handler decodes with a static: its parameters,
/// then its scan parameters.
fn decoded(op: &Operation) -> impl Iterator<Item = &Parameter> {
    let scan = op.pagination.iter().flat_map(|p| &p.scan);
    op.params.iter().chain(scan)
}

/// Names for items keyed by the code they stand for: an item whose key no other has is
/// named `own(item)`; items with the same key share one name, `shared` of the first of
/// them. Names are claimed in the order of the items, numbered on collision.
fn share_names<T>(
    items: &[(T, String)],
    own: impl Fn(&T) -> String,
    shared: impl Fn(&T) -> String,
) -> Vec<String> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for (_, key) in items {
        *uses.entry(key).or_default() += 1;
    }
    let mut names = Namespace::default();
    let mut given: HashMap<&str, String> = HashMap::new();
    items
        .iter()
        .map(|(item, key)| {
            if uses[key.as_str()] == 1 {
                names.claim(&own(item))
            } else {
                given
                    .entry(key)
                    .or_insert_with(|| names.claim(&shared(item)))
                    .clone()
            }
        })
        .collect()
}

/// The authentication function of a secured operation: its name, and the operations
/// that call it (by `operationId`, in document order).
struct Authenticator {
    name: String,
    users: Vec<String>,
}

/// The authentication function of each operation, `None` for a public one. Operations
/// whose functions would be the same share one, named for its schemes
/// ([`security::shared_function_name`]); Stripe's 587 operations call one.
fn authenticators(api: &Api) -> Vec<Option<Authenticator>> {
    let placeholder = ident("authenticate");
    let secured: Vec<(&Operation, String)> = api
        .operations
        .iter()
        .filter_map(|op| {
            let auth = security::handler_auth(api, op, &placeholder)?;
            Some((op, auth.function.to_string()))
        })
        .collect();
    let names = share_names(
        &secured,
        |op| format!("authenticate_{}", op.method_name),
        |op| security::shared_function_name(api, op),
    );
    let mut users: HashMap<&str, Vec<String>> = HashMap::new();
    for ((op, _), name) in secured.iter().zip(&names) {
        users.entry(name).or_default().push(op.operation_id.clone());
    }
    let mut by_operation = secured.iter().zip(&names).peekable();
    api.operations
        .iter()
        .map(|op| {
            let (_, name) = by_operation.next_if(|((secured, _), _)| std::ptr::eq(*secured, op))?;
            Some(Authenticator {
                name: name.clone(),
                users: users[name.as_str()].clone(),
            })
        })
        .collect()
}

/// What an operation's items in the `handlers` module are named after.
struct Names<'a> {
    /// The type standing for the operation.
    operation: proc_macro2::Ident,
    /// The statics of its parameters' decoders.
    decoders: &'a [String],
    /// Its authentication function, `None` for a public operation.
    authenticator: Option<&'a Authenticator>,
    /// The static listing its declared responses, `None` when it declares none.
    responses: Option<&'a str>,
    /// The constant listing its error responses' forms, `None` when none has one.
    errors: Option<&'a str>,
}

fn handler(
    api: &Api,
    op: &Operation,
    names: Names<'_>,
    written: &mut HashSet<String>,
    types: &Types,
    rules: &mut Rules<'_>,
) -> TokenStream {
    let method = ident(&op.method_name);
    let decode = ident(&format!("decode_{}", op.method_name));
    let request = ident(&op.request_type);
    let operation_id = &op.operation_id;

    let mut fields = Vec::new();
    let mut statics = Vec::new();
    let Names {
        operation,
        decoders,
        authenticator,
        responses,
        errors,
    } = names;
    let mut decoders = decoders.iter().map(|name| ident(name));
    let mut decoder = |param: &Parameter, rules: &mut Rules<'_>| {
        let name = decoders
            .next()
            .unwrap_or_else(|| unreachable!("one decoder name per parameter"));
        if written.insert(name.to_string()) {
            let spec = param_spec(op, param, Some(rules));
            statics.push(quote!(pub(super) static #name: rt::Param = #spec;));
        }
        name
    };
    for param in &op.params {
        let field = ident(&param.field);
        let spec = decoder(param, rules);
        let read = if param.required {
            quote!(input.required(&#spec)?)
        } else {
            quote!(input.optional(&#spec)?)
        };
        fields.push(quote!(#field: #read,));
    }
    let mut prelude = quote!();
    let mut generics = quote!();
    let mut marker_arg = quote!();
    if let Some(pagination) = &op.pagination {
        let scan = ident(&pagination.scan_type);
        let marker = ident(&pagination.marker_type);
        let mut first = Vec::new();
        let mut checks = Vec::new();
        for param in &pagination.scan {
            let field = ident(&param.field);
            let spec = decoder(param, rules);
            let wire = &param.name;
            let read = if param.required {
                quote!(input.required(&#spec)?)
            } else {
                quote!(input.optional(&#spec)?)
            };
            first.push(quote!(#field: #read,));
            let ty = types.type_of(&param.schema);
            checks.push(quote! {
                token.check_unchanged::<#ty>(#wire, &input.optional(&#spec)?)?;
            });
        }
        prelude = quote! {
            let (limit, token) = rt::page_start::<M>(input, #operation_id)?;
            let page = match token {
                None => ::specfirst_runtime::WhichPage::First(super::#scan { #(#first)* }),
                Some(token) => {
                    #(#checks)*
                    let scan = token.scan()?;
                    ::specfirst_runtime::WhichPage::Next { scan, marker: token.marker }
                }
            };
        };
        fields.insert(0, quote!(limit, page,));
        generics = quote!(<M: ::serde::de::DeserializeOwned>);
        marker_arg = quote!(::<A::#marker>);
    }
    let mut multipart_decoders = Vec::new();
    if let Some(body) = &op.body {
        let hint = body_rules_hint(op, None);
        let read = if body.alternatives.is_empty() {
            let read = read_body(&body.kind, &body.media_type, body.required, &hint, rules);
            if let BodyKind::Multipart(multipart) = &body.kind {
                multipart_decoders.push(multipart_decoder(multipart, rules));
            }
            read
        } else {
            let body_enum = ident(&super::requests::body_enum_name(op));
            let declared = body.alternatives.iter().map(|a| a.media_type.as_str());
            let last = body.alternatives.len() - 1;
            let arms = body
                .alternatives
                .iter()
                .enumerate()
                .map(|(index, alternative)| {
                    let hint = body_rules_hint(op, Some(alternative));
                    let read = read_body(
                        &alternative.kind,
                        &alternative.media_type,
                        body.required,
                        &hint,
                        rules,
                    );
                    if let BodyKind::Multipart(multipart) = &alternative.kind {
                        multipart_decoders.push(multipart_decoder(multipart, rules));
                    }
                    let variant = ident(&alternative.variant);
                    let value = if body.required {
                        quote!(super::#body_enum::#variant(#read))
                    } else {
                        quote!(::core::option::Option::map(#read, super::#body_enum::#variant))
                    };
                    if index == last {
                        quote!(_ => #value,)
                    } else {
                        let index = proc_macro2::Literal::usize_unsuffixed(index);
                        quote!(#index => #value,)
                    }
                });
            quote! {
                match input.body_media_type(&[#(#declared),*])? {
                    #(#arms)*
                }
            }
        };
        fields.push(quote!(body: #read,));
        if let Some(max_bytes) = body.max_bytes {
            let max_bytes = proc_macro2::Literal::usize_unsuffixed(
                usize::try_from(max_bytes).unwrap_or(usize::MAX),
            );
            let set = quote!(input.limit_body(#max_bytes););
            prelude = quote!(#set #prelude);
        }
    }
    if op.websocket {
        // After the parameters: a bad one is told before the handshake is looked at.
        fields.push(quote!(websocket: input.websocket().await?,));
    }
    let request_args = if op.pagination.is_some() {
        quote!(<M>)
    } else {
        quote!()
    };
    let input = if fields.is_empty() {
        quote!(_input)
    } else {
        quote!(input)
    };

    let authenticate_name = ident(authenticator.map_or("authenticate", |a| a.name.as_str()));
    let auth = security::handler_auth(api, op, &authenticate_name);
    let authenticate = match (authenticator, &auth) {
        (Some(authenticator), Some(auth)) if written.insert(authenticator.name.clone()) => {
            let doc_line = match authenticator.users.as_slice() {
                [only] => format!(
                    "Runs the security requirements of `{only}` before anything reads the request."
                ),
                [first, rest @ ..] => format!(
                    "Runs the security requirements of `{first}` and {} other operation{} before anything reads the request.",
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
                [] => unreachable!("an authentication function has an operation that calls it"),
            };
            let function = &auth.function;
            quote! {
                #[doc = #doc_line]
                #function
            }
        }
        _ => quote!(),
    };
    // Decoding waits only for a body read whole; without one it is a plain function,
    // which spares rustc a state machine per operation.
    let decoded = quote! {
        #prelude
        Ok(super::#request { #(#fields)* })
    };
    let (asyncness, how) = if awaits(&decoded) {
        (quote!(async), quote!(decode_async))
    } else {
        (quote!(), quote!(decode))
    };
    let response = ident(&op.response_type);
    let request_type = match &op.pagination {
        Some(pagination) => {
            let marker = ident(&pagination.marker_type);
            quote!(super::#request<A::#marker>)
        }
        None => quote!(super::#request),
    };
    let produces = produces(&[op]).map(|types| quote!(produces: [#(#types),*],));
    let responses = responses.map(|name| {
        let name = ident(name);
        quote!(responses: #name,)
    });
    let errors = errors.map(|name| {
        let name = ident(name);
        quote!(errors: #name,)
    });
    // The operationId and the trait's method are the invocation's own words.
    let operation_doc = format!("`{} {}`", op.method, op.path);
    let secured = auth.map(|auth| {
        let principal = auth.principal;
        quote! {
            principal: #principal,
            authenticate: #authenticate_name,
        }
    });
    quote! {
        #(#statics)*

        rt::operation! {
            #[doc = #operation_doc]
            pub(super) #operation for Api = #operation_id {
                #secured
                request: #request_type,
                response: super::#response,
                #how: #decode #marker_arg,
                call: #method,
                #produces
                #responses
                #errors
            }
        }

        #asyncness fn #decode #generics(
            #input: &mut rt::RawRequest,
        ) -> Result<super::#request #request_args, rt::HttpError> {
            #decoded
        }

        #authenticate

        #(#multipart_decoders)*
    }
}

/// The name hint of the validation rules of `op`'s body, or of one `alternative` of it
/// when it declares several media types. The preferred type keeps the rule names it had
/// as the only decoder.
pub(super) fn body_rules_hint(op: &Operation, alternative: Option<&BodyAlternative>) -> String {
    match (alternative, &op.body) {
        (Some(alternative), Some(body)) if alternative.media_type != body.media_type => format!(
            "{}_{}_body",
            op.method_name,
            snake(&alternative.variant, "media")
        ),
        _ => format!("{}_body", op.method_name),
    }
}

/// Whether `code` waits for a future (`.await`) outside any closure or async block
/// of its own: generated decoders have none.
fn awaits(code: &TokenStream) -> bool {
    code.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => ident == "await",
        proc_macro2::TokenTree::Group(group) => awaits(&group.stream()),
        _ => false,
    })
}

/// The expression reading a body of `kind` declared as `media_type`; `hint` names its
/// validation rules.
fn read_body(
    kind: &BodyKind,
    media_type: &str,
    required: bool,
    hint: &str,
    rules: &mut Rules<'_>,
) -> TokenStream {
    match (kind, required) {
        (BodyKind::Stream { item, .. }, required) => {
            let checks = rules
                .for_use(&item.schema, hint)
                .unwrap_or_else(|| quote!(rt::validate::Schema::ANY));
            if required {
                quote!(input.item_stream_body(#media_type, &#checks)?)
            } else {
                quote!(input.item_stream_body_optional(#media_type, &#checks)?)
            }
        }
        (BodyKind::Json(schema), required) => match (rules.for_use(&schema.schema, hint), required)
        {
            (Some(checks), true) => quote!(input.json_body_checked(&#checks).await?),
            (Some(checks), false) => {
                quote!(input.json_body_optional_checked(&#checks).await?)
            }
            (None, true) => quote!(input.json_body().await?),
            (None, false) => quote!(input.json_body_optional().await?),
        },
        (BodyKind::Form(_), true) => quote!(input.form_body().await?),
        (BodyKind::Form(_), false) => quote!(input.form_body_optional().await?),
        (BodyKind::Multipart(multipart), true) => {
            let decoder = multipart_decoder_name(multipart);
            match &multipart.positions {
                Some(positions) => {
                    let positions = positions_tokens(positions);
                    quote!(#decoder(&input.multipart_body_at(&#positions).await?)?)
                }
                None => quote!(#decoder(&input.multipart_body().await?)?),
            }
        }
        (BodyKind::Multipart(multipart), false) => {
            let decoder = multipart_decoder_name(multipart);
            let parts = match &multipart.positions {
                Some(positions) => {
                    let positions = positions_tokens(positions);
                    quote!(input.multipart_body_at_optional(&#positions).await?)
                }
                None => quote!(input.multipart_body_optional().await?),
            };
            quote! {
                match #parts {
                    ::core::option::Option::Some(parts) => ::core::option::Option::Some(#decoder(&parts)?),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        }
        (BodyKind::Text, true) => quote!(input.text_body().await?),
        (BodyKind::Text, false) => quote!(input.text_body_optional().await?),
        (BodyKind::Bytes, true) => quote!(input.stream_body()?),
        (BodyKind::Bytes, false) => quote!(input.stream_body_optional()?),
    }
}

/// The `rt::Positions` of a multipart body read by position, as a constant expression.
pub(super) fn positions_tokens(positions: &Positions) -> TokenStream {
    let media_type = &positions.media_type;
    let ranges = |ranges: &[String]| quote!(&[#(#ranges),*]);
    let prefix = positions.prefix.iter().map(|ranges_of| ranges(ranges_of));
    let rest = match &positions.rest {
        Some(rest) => {
            let rest = ranges(rest);
            quote!(::core::option::Option::Some(#rest))
        }
        None => quote!(::core::option::Option::None),
    };
    let min = proc_macro2::Literal::usize_unsuffixed(positions.min);
    let max = match positions.max {
        Some(max) => {
            let max = proc_macro2::Literal::usize_unsuffixed(max);
            quote!(::core::option::Option::Some(#max))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        rt::Positions {
            media_type: #media_type,
            prefix: &[#(#prefix),*],
            rest: #rest,
            min: #min,
            max: #max,
        }
    }
}

fn multipart_decoder_name(multipart: &MultipartBody) -> proc_macro2::Ident {
    ident(&format!(
        "decode_{}",
        snake(&multipart.type_name, "multipart")
    ))
}

/// The function turning the parts of a multipart body into its struct, each failure a 400
/// naming the part.
fn multipart_decoder(multipart: &MultipartBody, rules: &mut Rules<'_>) -> TokenStream {
    let name = multipart_decoder_name(multipart);
    let ty = ident(&multipart.type_name);
    let base = snake(&multipart.type_name, "multipart");
    let fields = multipart.parts.iter().map(|part| {
        let field = ident(&part.field);
        let wire = &part.name;
        let hint = format!("{base}_{}", part.field);
        let read = match &part.kind {
            PartKind::Value { scalar, schema } => {
                let scalar = scalar_tokens(*scalar);
                match rules.for_use(&schema.schema, &hint) {
                    Some(checks) => quote!(parts.value_checked(#wire, #scalar, &#checks)?),
                    None => quote!(parts.value(#wire, #scalar)?),
                }
            }
            PartKind::Values { scalar, schema } => {
                let scalar = scalar_tokens(*scalar);
                match rules.for_use(&schema.schema, &hint) {
                    Some(checks) => quote!(parts.values_checked(#wire, #scalar, &#checks)?),
                    None => quote!(parts.values(#wire, #scalar)?),
                }
            }
            PartKind::File => quote!(parts.file(#wire)?),
            PartKind::Files => quote!(parts.files(#wire)),
        };
        let read = if part.required {
            quote!(rt::Multipart::required(#read, #wire)?)
        } else {
            read
        };
        quote!(#field: #read,)
    });
    let fields: Vec<TokenStream> = fields.collect();
    quote! {
        fn #name(
            parts: &rt::Multipart,
        ) -> ::core::result::Result<super::#ty, ::specfirst_runtime::HttpError> {
            Ok(super::#ty { #(#fields)* })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(n: usize) -> Vec<TokenStream> {
        (0..n)
            .map(|i| {
                let path = format!("/r{i}");
                quote!(.route(#path, rt::axum::routing::get(handlers::h::<A>)))
            })
            .collect()
    }

    /// The longest chain of `.route(...)` calls in `statements`.
    fn longest_chain(statements: &TokenStream) -> usize {
        statements
            .to_string()
            .split(';')
            .map(|statement| statement.matches(". route (").count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_few_routes_are_one_chain() {
        let statements = route_statements(&calls(3));
        let text = statements.to_string();
        assert_eq!(text.matches("let routes").count(), 1, "{text}");
        assert!(text.contains("with_state (api) ;"), "{text}");
        assert_eq!(longest_chain(&statements), 3);
    }

    #[test]
    fn many_routes_are_chains_of_bounded_length() {
        let n = ROUTES_PER_CHAIN * 2 + 5;
        let statements = route_statements(&calls(n));
        let text = statements.to_string();
        assert_eq!(text.matches(". route (").count(), n);
        assert_eq!(text.matches("let routes").count(), 3, "{text}");
        assert_eq!(longest_chain(&statements), ROUTES_PER_CHAIN);
        // Every route is added once, in order, and the state comes last.
        assert!(text.find("\"/r0\"") < text.find(&format!("\"/r{}\"", n - 1)));
        assert!(text.trim_end().ends_with("with_state (api) ;"), "{text}");
        syn::parse2::<syn::Block>(quote!({ #statements })).expect("the statements parse");
    }
}
