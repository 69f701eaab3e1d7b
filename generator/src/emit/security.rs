//! The authentication trait, and the check each handler of a secured operation runs
//! before it reads the request.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc, ident};
use crate::ir::COMBINE_METHOD;
use crate::ir::{Api, ApiKeyLocation, Auth, Operation, SchemeKind, SecurityScheme};

/// The authentication trait, when some operation requires authentication.
pub fn auth_trait(api: &Api) -> TokenStream {
    let Some(auth) = &api.auth else {
        return quote!();
    };
    let name = ident(&auth.trait_name);
    let trait_doc = doc(&format!(
        "How callers of {} {} authenticate: one method per security scheme the operations \
         use.\n\n\
         Each method turns the credential a request presents into a [`Principal`](Self::Principal), \
         or refuses it with an `HttpError` (such as \
         [`auth::unauthenticated`](::specfirst_runtime::auth::unauthenticated), which gets the \
         operation's `WWW-Authenticate` challenges). The router runs them before it reads the \
         request body, and hands the principal to the operation. Never log or echo a \
         credential.\n\n\
         Implement this trait and [`{}`] on the same type.",
        api.title, api.version, api.trait_name
    ));
    let methods = used_schemes(auth, api).into_iter().map(|scheme| {
        let method = ident(&scheme.method_name);
        let (credential, output, text) = scheme_signature(scheme);
        let mut text = format!("Scheme `{}`. {text}", scheme.name);
        if let Some(description) = &scheme.description {
            text = format!("{}\n\n{text}", description.trim());
        }
        let docs = doc(&text);
        quote! {
            #docs
            fn #method(
                &self,
                ctx: &RequestContext,
                #credential
            ) -> impl Future<Output = Result<#output>> + Send;
        }
    });
    let combine = api
        .operations
        .iter()
        .flat_map(|op| &op.security)
        .any(|r| r.schemes.len() > 1)
        .then(|| {
            let combine = ident(COMBINE_METHOD);
            quote! {
                /// Joins the principals of a requirement that names several schemes, all of
                /// which accepted the request, in the order the spec lists them. The default
                /// keeps the first.
                fn #combine(
                    &self,
                    first: Self::Principal,
                    rest: ::std::vec::Vec<Self::Principal>,
                ) -> Self::Principal {
                    let _ = rest;
                    first
                }
            }
        });
    quote! {
        #trait_doc
        pub trait #name: Send + Sync + 'static {
            /// Who a request was authenticated as; the operations that require
            /// authentication receive it.
            type Principal: Send + Sync + 'static;

            #(#methods)*

            #combine
        }
    }
}

/// The credential parameter of `scheme`'s authentication method, what it returns, and
/// what its documentation says of how the credential is presented.
pub(super) fn scheme_signature(scheme: &SecurityScheme) -> (TokenStream, TokenStream, String) {
    match &scheme.kind {
        SchemeKind::Undescribed { declared_type } => (
            // Nothing to hand over: the method reads what it needs from `ctx`.
            quote!(),
            quote!(Self::Principal),
            format!(
                "{}: how its credential is presented is up to this method, which reads \
                 it from the request's headers and URI in `ctx`. No `WWW-Authenticate` \
                 challenge names it, and where an operation also admits anonymous \
                 callers, a refusal lets the request through as anonymous.",
                match declared_type {
                    Some(kind) => format!(
                        "The spec declares this scheme with type `{kind}`, which OpenAPI \
                         does not define"
                    ),
                    None => "The spec names this scheme without declaring it".to_string(),
                }
            ),
        ),
        SchemeKind::Bearer { format } => (
            quote!(credential: ::specfirst_runtime::auth::Bearer,),
            quote!(Self::Principal),
            format!(
                "HTTP bearer authentication: the token of `Authorization: Bearer <token>`{}.",
                format
                    .as_ref()
                    .map(|f| format!(" (format `{f}`)"))
                    .unwrap_or_default()
            ),
        ),
        SchemeKind::Http { scheme } => (
            quote!(credential: ::specfirst_runtime::auth::HttpCredentials,),
            quote!(Self::Principal),
            format!(
                "HTTP `{scheme}` authentication: the credentials of \
                 `Authorization: {scheme} <credentials>`, as sent; verifying them is up \
                 to this method."
            ),
        ),
        SchemeKind::Basic => (
            quote!(credential: ::specfirst_runtime::auth::Basic,),
            quote!(Self::Principal),
            "HTTP basic authentication: the user name and password of \
             `Authorization: Basic <credentials>`."
                .to_string(),
        ),
        SchemeKind::ApiKey { location, name } => (
            quote!(credential: ::specfirst_runtime::auth::ApiKey,),
            quote!(Self::Principal),
            format!(
                "An API key in the `{name}` {}.",
                match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                }
            ),
        ),
        SchemeKind::MutualTls => (
            quote!(credential: ::specfirst_runtime::ClientCertificate,),
            quote!(Self::Principal),
            "Mutual TLS: the certificate chain the client presented in the TLS \
             handshake, already verified against the CAs of the server's \
             `tls.client_ca_file`. Plain HTTP connections never carry one."
                .to_string(),
        ),
        SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => (
            quote!(credential: ::specfirst_runtime::auth::Bearer,),
            quote!(::specfirst_runtime::auth::Scoped<Self::Principal>),
            format!(
                "{} access token, presented as `Authorization: Bearer <token>`. Return the \
                 scopes it grants: the router checks them against each operation's \
                 requirement (403 when one is missing).",
                match &scheme.kind {
                    SchemeKind::OpenIdConnect { url } => format!("OpenID Connect (`{url}`)"),
                    _ => "OAuth 2".to_string(),
                }
            ),
        ),
    }
}

/// The schemes some operation names, in document order.
pub(super) fn used_schemes<'a>(auth: &'a Auth, api: &Api) -> Vec<&'a SecurityScheme> {
    auth.schemes
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            api.operations
                .iter()
                .flat_map(|op| &op.security)
                .flat_map(|r| &r.schemes)
                .any(|u| u.scheme == *index)
        })
        .map(|(_, scheme)| scheme)
        .collect()
}

/// The authentication trait as a supertrait of the API trait, when there is one.
pub fn supertrait(api: &Api) -> TokenStream {
    match &api.auth {
        Some(auth) => {
            let name = ident(&auth.trait_name);
            quote!(#name +)
        }
        None => quote!(),
    }
}

/// The principal parameter of a secured operation's trait method.
pub fn principal_param(op: &Operation) -> TokenStream {
    if op.security.is_empty() {
        return quote!();
    }
    if anonymous_allowed(op) {
        quote!(principal: ::core::option::Option<Self::Principal>,)
    } else {
        quote!(principal: Self::Principal,)
    }
}

/// A line for the method docs of a secured operation.
pub fn principal_doc(api: &Api, op: &Operation) -> Option<String> {
    let auth = api.auth.as_ref()?;
    if op.security.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|r| {
            if r.schemes.is_empty() {
                return "anonymous".to_string();
            }
            r.schemes
                .iter()
                .map(|u| {
                    let name = &auth.schemes[u.scheme].name;
                    if u.scopes.is_empty() {
                        format!("`{name}`")
                    } else {
                        format!("`{name}` (scopes {})", u.scopes.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    Some(format!("Authentication: {}.", alternatives.join(", or ")))
}

fn anonymous_allowed(op: &Operation) -> bool {
    op.security.iter().any(|r| r.schemes.is_empty())
}

/// What the `handlers` module holds for a secured operation.
pub struct HandlerAuth {
    /// The principal the operation's requirements give the trait's method.
    pub principal: TokenStream,
    /// The authentication function running the requirements, undocumented.
    pub function: TokenStream,
}

/// The authentication step for `op`, a function named `function`; `None` for a public
/// operation.
pub fn handler_auth(api: &Api, op: &Operation, function: &Ident) -> Option<HandlerAuth> {
    let auth = api.auth.as_ref().filter(|_| api.secures(op))?;
    let auth_trait = ident(&auth.trait_name);
    let anonymous = anonymous_allowed(op);

    // Every scheme the operation names, once, in the order first named.
    let mut named: Vec<usize> = Vec::new();
    for requirement in &op.security {
        for scheme_use in &requirement.schemes {
            if !named.contains(&scheme_use.scheme) {
                named.push(scheme_use.scheme);
            }
        }
    }
    let mut challenges: Vec<String> = Vec::new();
    let mut sites: Vec<String> = Vec::new();
    let mut site_tokens = Vec::new();
    for index in &named {
        let scheme = &auth.schemes[*index];
        if let Some(challenge) = challenge(&auth.realm, &scheme.kind) {
            if !challenges.contains(&challenge) {
                challenges.push(challenge);
            }
        }
        if let Some(site) = site(&scheme.kind) {
            let key = site.to_string();
            if !sites.contains(&key) {
                sites.push(key);
                site_tokens.push(site);
            }
        }
    }

    let alternatives = op
        .security
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.schemes.is_empty())
        .map(|(index, requirement)| {
            let label = syn::Lifetime::new(&format!("'r{index}"), proc_macro2::Span::call_site());
            let mut reads = Vec::new();
            let mut calls = Vec::new();
            let mut principals = Vec::new();
            for (n, scheme_use) in requirement.schemes.iter().enumerate() {
                let scheme = &auth.schemes[scheme_use.scheme];
                let credential = format_ident!("c{n}");
                let principal = format_ident!("p{n}");
                let name = &scheme.name;
                let read = match &scheme.kind {
                    SchemeKind::Undescribed { .. } => None,
                    SchemeKind::Bearer { .. }
                    | SchemeKind::OAuth2 { .. }
                    | SchemeKind::OpenIdConnect { .. } => Some(quote!(auth.bearer(#name))),
                    SchemeKind::Basic => Some(quote!(auth.basic(#name))),
                    SchemeKind::Http { scheme } => Some(quote!(auth.http(#scheme, #name))),
                    SchemeKind::MutualTls => Some(quote!(auth.client_certificate())),
                    SchemeKind::ApiKey { .. } => {
                        site(&scheme.kind).map(|site| quote!(auth.api_key(#site, #name)))
                    }
                };
                let handed = read.map(|read| {
                    reads.push(quote! {
                        let Some(#credential) = #read else { break #label };
                    });
                    quote!(, #credential)
                });
                let method = ident(&scheme.method_name);
                let call = quote!(<A as super::#auth_trait>::#method(api, ctx #handed).await);
                let undescribed = matches!(scheme.kind, SchemeKind::Undescribed { .. });
                let check = if undescribed && anonymous {
                    // Its refusal cannot tell a bad credential from none: where anonymous
                    // callers are welcome, it lets the request through as one.
                    quote!((#call).ok())
                } else if scheme.kind.has_scopes() {
                    let scopes = scheme_use.scopes.iter().map(|s| Literal::string(s));
                    quote!(auth.scoped(#call, &[#(#scopes),*]))
                } else {
                    quote!(auth.accepted(#call))
                };
                calls.push(quote! {
                    let Some(#principal) = #check else { break #label };
                });
                principals.push(principal);
            }
            let first = &principals[0];
            let rest = &principals[1..];
            let principal = if rest.is_empty() {
                quote!(#first)
            } else {
                let combine = ident(COMBINE_METHOD);
                quote!(<A as super::#auth_trait>::#combine(api, #first, ::std::vec![#(#rest),*]))
            };
            let value = if anonymous {
                quote!(Some(#principal))
            } else {
                principal
            };
            quote! {
                #label: {
                    #(#reads)*
                    #(#calls)*
                    return Ok(#value);
                }
            }
        });
    let (output, finish) = if anonymous {
        (
            quote!(Option<<A as super::#auth_trait>::Principal>),
            quote!(auth.finish_anonymous()),
        )
    } else {
        (
            quote!(<A as super::#auth_trait>::Principal),
            quote!(auth.finish()),
        )
    };
    let challenges = challenges.iter().map(|c| Literal::string(c));
    let function_tokens = quote! {
        async fn #function<A: Api>(
            api: &A,
            head: &rt::http::request::Parts,
            ctx: &mut ::specfirst_runtime::RequestContext,
        ) -> Result<#output, rt::AuthError> {
            let mut auth = rt::Authentication::start(head, ctx, &[#(#challenges),*], &[#(#site_tokens),*]);
            let ctx = &*ctx;
            #(#alternatives)*
            #finish
        }
    };
    Some(HandlerAuth {
        principal: output,
        function: function_tokens,
    })
}

/// The name of the authentication function that operations with `op`'s requirements
/// share: `authenticate_` and the schemes' method names, `_and_` within a requirement
/// and `_or_` between them (`anonymous` for the empty one).
pub fn shared_function_name(api: &Api, op: &Operation) -> String {
    let Some(auth) = &api.auth else {
        return "authenticate".into();
    };
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|requirement| match requirement.schemes.as_slice() {
            [] => "anonymous".to_string(),
            schemes => schemes
                .iter()
                .map(|s| auth.schemes[s.scheme].method_name.as_str())
                .collect::<Vec<_>>()
                .join("_and_"),
        })
        .collect();
    format!("authenticate_{}", alternatives.join("_or_"))
}

/// Where a scheme's credential is presented, as a runtime `Site`; `None` when the spec
/// does not say.
fn site(kind: &SchemeKind) -> Option<TokenStream> {
    Some(match kind {
        SchemeKind::ApiKey { location, name } => match location {
            ApiKeyLocation::Header => {
                let name = name.to_ascii_lowercase();
                quote!(rt::Site::Header(#name))
            }
            ApiKeyLocation::Query => quote!(rt::Site::Query(#name)),
            ApiKeyLocation::Cookie => quote!(rt::Site::Cookie(#name)),
        },
        SchemeKind::MutualTls => quote!(rt::Site::Tls),
        SchemeKind::Undescribed { .. } => return None,
        _ => quote!(rt::Site::Authorization),
    })
}

/// The `WWW-Authenticate` challenge for a scheme; `None` when the spec does not say how
/// its credential is presented.
fn challenge(realm: &str, kind: &SchemeKind) -> Option<String> {
    let realm = quoted(realm);
    Some(match kind {
        SchemeKind::Basic => format!("Basic realm={realm}, charset=\"UTF-8\""),
        SchemeKind::ApiKey { location, name } => format!(
            "ApiKey realm={realm}, in=\"{}\", name={}",
            match location {
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Query => "query",
                ApiKeyLocation::Cookie => "cookie",
            },
            quoted(name)
        ),
        // No registered HTTP scheme stands for a client certificate; this one names
        // the OpenAPI scheme type, so a client can tell what it lacks.
        SchemeKind::MutualTls => format!("MutualTLS realm={realm}"),
        SchemeKind::Http { scheme } => format!("{scheme} realm={realm}"),
        SchemeKind::Undescribed { .. } => return None,
        _ => format!("Bearer realm={realm}"),
    })
}

/// A quoted-string of printable ASCII, so the challenge is a valid header value.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out.push('"');
    out
}
