//! The mock: an implementation of the API trait (and its parts and authentication
//! trait) that answers every operation from the spec alone, with per-operation
//! overrides for tests.
//!
//! Each method hands the runtime ([`specfirst_runtime::mock::respond`]) the
//! operation's method and path, the test's handler if it set one, and the client's
//! decoder of the response enum, which turns the spec's example (or a value made from
//! the schema) into the variant a hand-written implementation would have returned. The
//! module is behind the generated crate's `mock` feature, which needs `client`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, security};
use crate::ir::{Api, BodyKind, Operation, SchemeKind, StatusSpec};

/// The `mock` module of `api`; nothing for an API without operations.
pub fn module(api: &Api) -> TokenStream {
    if api.operations.is_empty() {
        return TokenStream::new();
    }
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut nones = Vec::new();
    for op in &api.operations {
        let (field, setter) = handler_items(api, op);
        fields.push(field);
        setters.push(setter);
        let method = ident(&op.method_name);
        nones.push(quote!(#method: None,));
    }
    let impls = trait_impls(api);
    let auth = auth_impl(api);
    let module_doc = doc(&format!(
        "An implementation of [`{}`](super::{}) that answers from the spec alone, for \
         tests of code that calls the API.\n\n\
         Each operation answers with a response its spec declares, chosen by the request's \
         `Prefer` header: `code=404` for the response of that status, `example=NAME` for \
         the body's example of that name, `dynamic=true` for a body made up from the schema \
         even where examples exist; by default the first success with its first example, or \
         a value made to fit its schema. Requests are decoded and validated as the real \
         server does, and any credential presented is accepted (`Mock::accepting` names \
         the only ones). `Mock::on_<method>` replaces one operation's answers with the \
         test's own.",
        api.trait_name, api.trait_name
    ));
    quote! {
        #module_doc
        #[cfg(feature = "mock")]
        #[allow(clippy::all, unused_imports, unused_variables, dead_code, deprecated)]
        pub mod mock {
            use ::core::future::Future;
            use ::specfirst_runtime::mock::{respond, Handler, Spec};
            use ::specfirst_runtime::{RequestContext, Result};
            use ::std::sync::Arc;
            use super::client as read;

            /// The mock: serve it with [`router`](super::router) like any
            /// implementation. Cheap to clone; clones share the spec and handlers.
            #[derive(Clone)]
            pub struct Mock {
                spec: Arc<Spec>,
                accepted: Option<Arc<[String]>>,
                #(#fields)*
            }

            impl Default for Mock {
                fn default() -> Self {
                    Self::new()
                }
            }

            impl ::std::fmt::Debug for Mock {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("Mock")
                }
            }

            impl Mock {
                /// Every operation answering from the spec.
                pub fn new() -> Self {
                    Self {
                        spec: Arc::new(Spec::parse(super::OPENAPI_DOCUMENT)),
                        accepted: None,
                        #(#nones)*
                    }
                }

                /// The same mock accepting only `credentials`: a bearer or OAuth 2
                /// token, an API key, `user:password` for basic authentication, the
                /// credentials of another HTTP scheme as sent. Any other is refused
                /// with 401, as a real server refuses a wrong one. Without it, any
                /// credential presented is accepted; mutual TLS and schemes the spec
                /// does not describe are accepted either way.
                pub fn accepting<I, S>(mut self, credentials: I) -> Self
                where
                    I: IntoIterator<Item = S>,
                    S: Into<String>,
                {
                    self.accepted = Some(credentials.into_iter().map(Into::into).collect());
                    self
                }

                /// Whether `credential` is one the mock accepts.
                fn admits(&self, credential: &str) -> Result<()> {
                    match &self.accepted {
                        Some(accepted) if !accepted.iter().any(|c| c == credential) => {
                            Err(::specfirst_runtime::HttpError::for_status(
                                ::specfirst_runtime::StatusCode::UNAUTHORIZED,
                                "the credential is not one the mock accepts",
                            ))
                        }
                        _ => Ok(()),
                    }
                }

                #(#setters)*
            }

            #impls

            #auth
        }
    }
}

/// The handler field of `op` and the `on_<method>` setter that fills it.
fn handler_items(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let method = ident(&op.method_name);
    let setter = ident(&format!("on_{}", op.method_name));
    let request = request_type(op);
    let response = ident(&op.response_type);
    let field = quote! {
        #method: Option<Handler<#request, super::#response>>,
    };
    let text = doc(&format!(
        "The same mock answering [`{}::{}`](super::{}::{}) (`{} {}`) with `handler` \
         instead of the spec.",
        super::method_trait(api, op),
        op.method_name,
        super::method_trait(api, op),
        op.method_name,
        op.method,
        op.path
    ));
    let setter = quote! {
        #text
        pub fn #setter<F, A>(mut self, handler: F) -> Self
        where
            F: Fn(RequestContext, #request) -> A + Send + Sync + 'static,
            A: Future<Output = Result<super::#response>> + Send + 'static,
        {
            self.#method = Some(Arc::new(move |ctx, request| Box::pin(handler(ctx, request))));
            self
        }
    };
    (field, setter)
}

/// The request type the mock's method of `op` takes: a paginated operation's marker is
/// any JSON the page token holds.
fn request_type(op: &Operation) -> TokenStream {
    let request = ident(&op.request_type);
    if op.pagination.is_some() {
        quote!(super::#request<::serde_json::Value>)
    } else {
        quote!(super::#request)
    }
}

/// The impls of the API trait, or of each of its parts.
fn trait_impls(api: &Api) -> TokenStream {
    let methods = |ops: &mut dyn Iterator<Item = &Operation>| -> Vec<TokenStream> {
        ops.map(method).collect()
    };
    if api.trait_parts.is_empty() {
        let name = ident(&api.trait_name);
        let methods = methods(&mut api.operations.iter());
        return quote! {
            impl super::#name for Mock {
                #(#methods)*
            }
        };
    }
    let parts = api.trait_parts.iter().map(|part| {
        let name = ident(&part.name);
        let methods = methods(&mut part.operations.iter().map(|&index| &api.operations[index]));
        quote! {
            impl super::#name for Mock {
                #(#methods)*
            }
        }
    });
    quote!(#(#parts)*)
}

/// The mock's trait method of `op`.
fn method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let request = request_type(op);
    let response = ident(&op.response_type);
    let reader = ident(&format!("read_{}", op.method_name));
    let verb = &op.method;
    let path = &op.path;
    // Named as the trait names it; the module allows it unused.
    let principal = security::principal_param(op);
    let marker = op.pagination.as_ref().map(|pagination| {
        let marker = ident(&pagination.marker_type);
        quote!(type #marker = ::serde_json::Value;)
    });
    // The trait method's signature, whatever the body; `mutable` when the body reads
    // the request's items.
    let signature = |mutable: bool| {
        let binding = mutable.then(|| quote!(mut));
        quote! {
            fn #method(
                &self,
                ctx: RequestContext,
                #principal
                #binding request: #request,
            ) -> impl Future<Output = Result<super::#response>> + Send
        }
    };
    let (signature, mutable_signature) = (signature(false), signature(true));
    if op.websocket {
        // No answer of the spec takes a connection: the mock echoes what it is sent.
        let accepted = op
            .responses
            .iter()
            .find(|response| response.status == StatusSpec::Code(101))
            .map(|response| ident(&response.variant))
            .unwrap_or_else(|| unreachable!("a WebSocket operation has a 101, declared or not"));
        return quote! {
            #signature {
                ::specfirst_runtime::mock::upgrade(
                    self.#method.as_ref(),
                    ctx,
                    request,
                    |request| super::#response::#accepted {
                        upgrade: request
                            .websocket
                            .on_upgrade(::specfirst_runtime::__private::echo),
                    },
                )
            }
        };
    }
    if let Some(body) = op
        .body
        .as_ref()
        .filter(|body| matches!(body.kind, BodyKind::Stream { .. }) && body.alternatives.is_empty())
    {
        // Its items are checked as a server reading them checks them: all of them,
        // before the spec answers (a test's own handler reads them itself).
        let drain = if body.required {
            quote!(::specfirst_runtime::mock::drain(&mut request.body).await?;)
        } else {
            quote! {
                if let Some(body) = request.body.as_mut() {
                    ::specfirst_runtime::mock::drain(body).await?;
                }
            }
        };
        return quote! {
            #mutable_signature {
                let spec = Arc::clone(&self.spec);
                let handler = self.#method.clone();
                async move {
                    if handler.is_none() {
                        #drain
                    }
                    respond(
                        &spec,
                        handler.as_ref(),
                        ctx,
                        request,
                        (#verb, #path),
                        read::#reader,
                    )
                    .await
                }
            }
        };
    }
    quote! {
        #marker

        #signature {
            respond(
                &self.spec,
                self.#method.as_ref(),
                ctx,
                request,
                (#verb, #path),
                read::#reader,
            )
        }
    }
}

/// The authentication trait's impl: every credential accepted (or those
/// `Mock::accepting` names), as the unit principal, with every scope the spec names.
fn auth_impl(api: &Api) -> TokenStream {
    let Some(auth) = &api.auth else {
        return TokenStream::new();
    };
    let name = ident(&auth.trait_name);
    let methods = security::used_schemes(auth, api).into_iter().map(|scheme| {
        let method = ident(&scheme.method_name);
        let (credential, output, _) = security::scheme_signature(scheme);
        let principal = match &scheme.kind {
            SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => {
                let index = auth
                    .schemes
                    .iter()
                    .position(|s| s.name == scheme.name)
                    .unwrap_or_default();
                let mut scopes: BTreeSet<&str> = BTreeSet::new();
                if let SchemeKind::OAuth2 { scopes: declared } = &scheme.kind {
                    scopes.extend(declared.iter().map(String::as_str));
                }
                for used in api
                    .operations
                    .iter()
                    .flat_map(|op| &op.security)
                    .flat_map(|requirement| &requirement.schemes)
                    .filter(|used| used.scheme == index)
                {
                    scopes.extend(used.scopes.iter().map(String::as_str));
                }
                quote!(::specfirst_runtime::auth::Scoped::new((), [#(#scopes),*]))
            }
            _ => quote!(()),
        };
        let presented = match &scheme.kind {
            SchemeKind::Bearer { .. }
            | SchemeKind::OAuth2 { .. }
            | SchemeKind::OpenIdConnect { .. } => Some(quote!(credential.token())),
            SchemeKind::Basic => Some(quote!(&format!(
                "{}:{}",
                credential.username(),
                credential.password()
            ))),
            SchemeKind::Http { .. } => Some(quote!(credential.credentials())),
            SchemeKind::ApiKey { .. } => Some(quote!(credential.key())),
            SchemeKind::MutualTls | SchemeKind::Undescribed { .. } => None,
        };
        let answer = match presented {
            Some(presented) => quote!(self.admits(#presented).map(|()| #principal)),
            None => quote!(Ok(#principal)),
        };
        quote! {
            fn #method(
                &self,
                _ctx: &RequestContext,
                #credential
            ) -> impl Future<Output = Result<#output>> + Send {
                ::std::future::ready(#answer)
            }
        }
    });
    quote! {
        impl super::#name for Mock {
            type Principal = ();

            #(#methods)*
        }
    }
}
