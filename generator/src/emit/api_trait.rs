//! The trait with one method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, security};
use crate::ir::{Api, Operation};

/// What the methods of the generated trait are written with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MethodBodies {
    /// No body: the implementation writes every method.
    #[default]
    Required,
    /// A default body answering `501 Not Implemented`, so that a big API serves its
    /// first operation before its last is written.
    NotImplemented,
}

/// The generated trait with one method per operation.
pub fn api_trait(api: &Api, bodies: MethodBodies) -> TokenStream {
    let mut trait_doc = format!("The operations of {} {}.", api.title, api.version);
    if let Some(description) = &api.description {
        trait_doc = format!("{trait_doc}\n\n{description}");
    }
    trait_doc.push_str(if api.trait_parts.is_empty() {
        "\n\nImplement this trait and pass the implementation to [`router`] to serve it."
    } else {
        "\n\nImplement each of its parts and pass the implementation to [`router`] to serve it."
    });
    if bodies == MethodBodies::NotImplemented {
        trait_doc.push_str(
            " Every method has a default body that answers `501 Not Implemented` with the \
             JSON error body (error code `NotImplemented`): implement the operations one at \
             a time.",
        );
    }
    operations_trait(api, &trait_doc, bodies)
}

/// The names the traits' signatures use, imported once at the top of the code, since
/// people read the traits to implement them, and the runtime's helpers for generated
/// code as `rt`, which the response enums' impls use: nothing when there are no
/// operations. Standard names the prelude has (`Send`, `Sync`) need no import; the
/// code beside them defines no item of these names (its types end in `Request`,
/// `Response` or `Body`).
pub fn imports(api: &Api) -> TokenStream {
    if api.operations.is_empty() && api.webhooks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        use ::core::future::Future;
        use ::specfirst_runtime::__private as rt;
        use ::specfirst_runtime::{RequestContext, Result};
    }
}

/// A trait with one method per operation of `api`, documented by `trait_doc`, with
/// methods written as `bodies` says; with [`Api::trait_parts`], the parts declare the
/// methods and the trait is all of them.
pub fn operations_trait(api: &Api, trait_doc: &str, bodies: MethodBodies) -> TokenStream {
    let name = ident(&api.trait_name);
    let supertrait = security::supertrait(api);
    if api.trait_parts.is_empty() {
        let trait_doc = doc(trait_doc);
        let methods = methods(api, api.operations.iter(), bodies);
        // Without operations nothing is ever rendered (and nothing is imported).
        let render_error = (!api.operations.is_empty()).then(render_error);
        return quote! {
            #trait_doc
            pub trait #name: #supertrait Send + Sync + 'static {
                #(#methods)*

                #render_error
            }
        };
    }
    let count = api.trait_parts.len();
    let mut tokens = TokenStream::new();
    for (k, part) in api.trait_parts.iter().enumerate() {
        let part_name = ident(&part.name);
        let tags: Vec<String> = part.tags.iter().map(|tag| format!("`{tag}`")).collect();
        let what = if tags.is_empty() {
            "the untagged operations".to_string()
        } else {
            format!("operations tagged {}", tags.join(", "))
        };
        let part_doc = doc(&format!(
            "Part {} of {count} of [`{}`]: {what}.\n\n\
             Implement every part: a type that implements them all implements [`{}`].",
            k + 1,
            api.trait_name,
            api.trait_name,
        ));
        let methods = methods(
            api,
            part.operations.iter().map(|&index| &api.operations[index]),
            bodies,
        );
        // The trait made of the parts is implemented for every type that implements
        // them, so what an implementation may override lives in the first part.
        let render_error = (k == 0).then(render_error);
        tokens.extend(quote! {
            #part_doc
            pub trait #part_name: Send + Sync + 'static {
                #(#methods)*

                #render_error
            }
        });
    }
    let parts: Vec<_> = api
        .trait_parts
        .iter()
        .map(|part| ident(&part.name))
        .collect();
    let trait_doc = doc(&format!(
        "{trait_doc}\n\nThe API has {} operations, so its methods are declared in {count} \
         traits by tag, the parts this trait is made of: rustc takes minutes to check one \
         trait of that many methods. Any type implementing every part implements this one.",
        api.operations.len()
    ));
    tokens.extend(quote! {
        #trait_doc
        pub trait #name: #supertrait #(#parts +)* Send + Sync + 'static {}

        impl<T: #supertrait #(#parts +)* Send + Sync + 'static> #name for T {}
    });
    tokens
}

/// The trait methods of `operations`.
fn methods<'a>(
    api: &'a Api,
    operations: impl Iterator<Item = &'a Operation> + 'a,
    bodies: MethodBodies,
) -> impl Iterator<Item = TokenStream> + 'a {
    operations.map(move |op| {
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
                            + Send
                            + Sync
                            + 'static;
                    },
                    quote!(#request<Self::#marker>),
                )
            }
        };
        let chooser = api
            .choice_led_by(op)
            .map(|choice| super::route_choices::chooser_method(api, choice));
        let body = match bodies {
            MethodBodies::Required => quote!(;),
            MethodBodies::NotImplemented => {
                let operation_id = &op.operation_id;
                let unused = if principal.is_empty() {
                    quote!((ctx, request))
                } else {
                    quote!((ctx, principal, request))
                };
                quote!({
                    let _ = #unused;
                    rt::not_implemented(#operation_id)
                })
            }
        };
        quote! {
            #marker
            #docs
            #deprecated
            fn #method(
                &self,
                ctx: RequestContext,
                #principal
                request: #request,
            ) -> impl Future<Output = Result<#response>> + Send
            #body

            #chooser
        }
    })
}

/// The provided method every error of every operation goes through, which the
/// implementation may override. Its name is kept from the operations' methods
/// ([`crate::lower`] reserves it).
fn render_error() -> TokenStream {
    let docs = doc(
        "The response to `error`, met by the operation `operation` (its operationId):\n\
         a request the runtime refused before calling a method (a parameter or body that\n\
         does not decode or validate, missing credentials, a body too large or of an\n\
         undeclared media type) or an error a method returned. `form` is the body the\n\
         operation's spec declares for the error's status, `None` when it declares no\n\
         JSON body for it.\n\n\
         By default the error is written in that form (the message, error code, status\n\
         and request id where the schema has room for them), else in the runtime's\n\
         `{request_id, error_code, message}`. Override it to word errors yourself.",
    );
    quote! {
        #docs
        fn render_error(
            &self,
            operation: &'static str,
            error: rt::HttpError,
            form: Option<&'static rt::ErrorForm>,
        ) -> rt::Response {
            let _ = operation;
            error.render(form)
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

#[cfg(test)]
mod tests {
    /// The whole generated module of `spec`.
    fn generated(spec: &[u8]) -> String {
        crate::Generator::from_bytes("api.yaml", spec)
            .expect("a spec")
            .module_files("api")
            .expect("generated")
            .into_iter()
            .map(|file| file.contents)
            .collect()
    }

    /// An API without operations imports nothing, so its trait names no `rt::` item: it
    /// has no `render_error`, which nothing would ever call.
    #[test]
    fn an_api_without_operations_has_no_render_error() {
        let code = generated(b"openapi: 3.0.3\ninfo: {title: Empty, version: '1'}\npaths: {}\n");
        assert!(!code.contains("render_error"), "{code}");
        assert!(
            !code.contains("rt::") || code.contains("__private as rt"),
            "{code}"
        );

        let code = generated(
            b"openapi: 3.0.3\ninfo: {title: One, version: '1'}\npaths:\n  /a:\n    get:\n      \
              operationId: getA\n      responses: {'204': {description: none}}\n",
        );
        assert!(code.contains("fn render_error("), "{code}");
    }
}
