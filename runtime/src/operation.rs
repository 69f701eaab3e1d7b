//! One operation of a generated API as its router serves it.
//!
//! The generated crate declares a unit type per operation and implements [`Operation`]
//! for it (what the request decodes into, how) and [`Public`] or [`Secured`] (how the
//! API trait answers it). Every operation is then served by one of two handlers written
//! here, [`handle`] and [`handle_secured`], and routed by [`Endpoints`]. A handler of its
//! own per operation would be a state machine per operation for the compiler to build
//! and check, and an axum `Handler` to resolve for each route; generic ones are checked
//! once, here. Routes hold the operation as data behind one handler type (`Endpoint`),
//! so axum's services are compiled once per API too, not once per operation.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequest, Request, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::Extension;
use http::request::Parts;

use crate::auth::{challenge, AuthError};
use crate::conformance::{Checking, Declared};
use crate::context::RequestContext;
use crate::error::HttpError;
use crate::error_form::{declared_form, ErrorCase};
use crate::negotiate::Produces;
use crate::request::RawRequest;
use crate::response::mark_rendered;

/// What decoding a request gives: a future of the request, or the error to answer with.
pub trait Decoding<T>: Future<Output = Result<T, HttpError>> + Send {}

impl<T, F: Future<Output = Result<T, HttpError>> + Send> Decoding<T> for F {}

/// What the API trait's method gives: a future of the response, or the error to answer
/// with.
pub trait Answering<R>: Future<Output = Result<R, HttpError>> + Send {}

impl<R, F: Future<Output = Result<R, HttpError>> + Send> Answering<R> for F {}

/// What authenticating a request gives: a future of the principal, or why not.
pub trait Authenticating<P>: Future<Output = Result<P, AuthError>> + Send {}

impl<P, F: Future<Output = Result<P, AuthError>> + Send> Authenticating<P> for F {}

/// An operation of the API `A`: its operationId, and the request it decodes.
pub trait Operation<A>: Send + Sync + 'static {
    /// The operationId, which the request's context and its log lines carry.
    const ID: &'static str;
    /// The media types other than JSON that the operation's responses may have, which
    /// a request's `Accept` is checked against before anything else.
    const PRODUCES: &'static [&'static str] = &[];
    /// The decoded request.
    type Request: Send;
    /// The response the API trait's method answers with.
    type Response: IntoResponse;
    /// Decodes and validates the request: parameters, then the body.
    fn decode(input: &mut RawRequest) -> impl Decoding<Self::Request>;
    /// The responses the operation declares, which what the API trait's method answers
    /// is checked against when `ServerConfig::response_checks` is on; empty for none.
    /// A function rather than a constant: the table refers to the rule statics.
    fn responses() -> &'static [Declared] {
        &[]
    }
    /// The error responses the operation declares, with the forms of their bodies:
    /// what an error is written in ([`declared_form`]); empty for none.
    const ERRORS: &'static [ErrorCase] = &[];
    /// The response to `error`, a request refused before the API trait's method ran or
    /// an error the method returned. Generated operations hand it to the API trait's
    /// `render_error`, which the implementation may override; this default writes it
    /// in the form the operation declares for its status.
    fn error(api: &A, error: HttpError) -> Response {
        let _ = api;
        let form = declared_form(Self::ERRORS, error.status);
        error.render(form)
    }
}

/// An operation anyone may call.
pub trait Public<A>: Operation<A> {
    /// The API trait's method for the operation.
    fn call(api: &A, ctx: RequestContext, request: Self::Request)
        -> impl Answering<Self::Response>;
}

/// An operation with security requirements, checked before the request is decoded.
pub trait Secured<A>: Operation<A> {
    /// Who the request authenticated as, handed to the API trait's method.
    type Principal: Send;
    /// Runs the operation's security requirements on the request's head.
    fn authenticate<'a>(
        api: &'a A,
        head: &'a Parts,
        ctx: &'a mut RequestContext,
    ) -> impl Authenticating<Self::Principal> + 'a;
    /// The API trait's method for the operation.
    fn call(
        api: &A,
        ctx: RequestContext,
        principal: Self::Principal,
        request: Self::Request,
    ) -> impl Answering<Self::Response>;
}

/// The handler of a public operation: decode the request, call the trait, encode the
/// answer.
pub async fn handle<A, O>(State(api): State<Arc<A>>, mut input: RawRequest) -> Response
where
    A: Send + Sync + 'static,
    O: Public<A>,
{
    input.serving(O::ID);
    let checking = input.response_checking(O::ID, O::responses());
    match O::decode(&mut input).await {
        Ok(request) => {
            // The answer is made a response before waiting on its checks: the
            // response enum need not be `Send`.
            let answer = match O::call(&api, input.into_context(O::ID), request).await {
                Ok(answer) => answer.into_response(),
                Err(error) => return O::error(&api, error),
            };
            checked(answer, checking).await
        }
        Err(error) => O::error(&api, error),
    }
}

/// The handler of a secured operation: authenticate, decode the request, call the
/// trait, encode the answer.
pub async fn handle_secured<A, O>(State(api): State<Arc<A>>, mut input: RawRequest) -> Response
where
    A: Send + Sync + 'static,
    O: Secured<A>,
{
    // The context holds the request's headers while the requirements run (credentials
    // are read from it, and the API's methods may read it); the decoder reads them from
    // the request, and then the context has them for good. One set, never a copy.
    let mut ctx = input.lend_context(O::ID);
    let checking = input.response_checking(O::ID, O::responses());
    let principal = match O::authenticate(&api, input.head(), &mut ctx).await {
        Ok(principal) => principal,
        Err(refusal) => {
            let (error, challenges) = refusal.into_parts();
            let mut response = O::error(&api, error);
            challenge(&mut response, challenges);
            return response;
        }
    };
    input.headers_back(&mut ctx);
    match O::decode(&mut input).await {
        Ok(request) => {
            input.lend_headers(&mut ctx);
            // The answer is made a response before waiting on its checks: the
            // response enum need not be `Send`.
            let answer = match O::call(&api, ctx, principal, request).await {
                Ok(answer) => answer.into_response(),
                Err(error) => return O::error(&api, error),
            };
            checked(answer, checking).await
        }
        Err(error) => O::error(&api, error),
    }
}

/// What the trait's method answered, checked when there are checks. Errors the method
/// returns go to [`Operation::error`] instead, and are not checked: their form is the
/// spec's or the implementation's.
async fn checked(mut response: Response, checking: Option<Checking>) -> Response {
    mark_rendered(&mut response);
    match checking {
        Some(checking) => checking.check(response).await,
        None => response,
    }
}

/// Operations added to an axum method router, served by [`handle`] or
/// [`handle_secured`].
pub trait Endpoints<A>: Sized {
    /// Serves the public operation `O` for `method`.
    fn public<O: Public<A>>(self, method: MethodFilter) -> Self;
    /// Serves the secured operation `O` for `method`.
    fn secured<O: Secured<A>>(self, method: MethodFilter) -> Self;
}

impl<A: Send + Sync + 'static> Endpoints<A> for MethodRouter<Arc<A>> {
    fn public<O: Public<A>>(self, method: MethodFilter) -> Self {
        let operation: &'static dyn Serve<A> = &PublicOperation::<O>(PhantomData);
        add(self, method, Endpoint { operation }, O::PRODUCES)
    }

    fn secured<O: Secured<A>>(self, method: MethodFilter) -> Self {
        let operation: &'static dyn Serve<A> = &SecuredOperation::<O>(PhantomData);
        add(self, method, Endpoint { operation }, O::PRODUCES)
    }
}

/// The future of one request's response.
pub(crate) type Serving = Pin<Box<dyn Future<Output = Response> + Send>>;

/// One operation of the API `A` as its route serves it, its type erased. Every route
/// is then the one axum handler type [`Endpoint`]: axum's routing and its services are
/// compiled once per API instead of once per operation, which was most of the build of
/// a server with hundreds of operations (Oxide's nexus: minutes in a debug build).
pub(crate) trait Serve<A>: Send + Sync + 'static {
    /// Extracts the request and answers it with the operation's handler.
    fn serve(&self, request: Request, api: Arc<A>) -> Serving;
}

/// A public operation `O`, served by [`handle`].
pub(crate) struct PublicOperation<O>(pub(crate) PhantomData<fn() -> O>);

/// A secured operation `O`, served by [`handle_secured`].
pub(crate) struct SecuredOperation<O>(pub(crate) PhantomData<fn() -> O>);

impl<A: Send + Sync + 'static, O: Public<A>> Serve<A> for PublicOperation<O> {
    fn serve(&self, request: Request, api: Arc<A>) -> Serving {
        Box::pin(async move {
            match RawRequest::from_request(request, &api).await {
                Ok(input) => handle::<A, O>(State(api), input).await,
                Err(rejection) => rejection.into_response(),
            }
        })
    }
}

impl<A: Send + Sync + 'static, O: Secured<A>> Serve<A> for SecuredOperation<O> {
    fn serve(&self, request: Request, api: Arc<A>) -> Serving {
        Box::pin(async move {
            match RawRequest::from_request(request, &api).await {
                Ok(input) => handle_secured::<A, O>(State(api), input).await,
                Err(rejection) => rejection.into_response(),
            }
        })
    }
}

/// The axum handler of every operation's route: the operation it serves is data.
struct Endpoint<A: 'static> {
    operation: &'static dyn Serve<A>,
}

// Not derived: that would ask `A: Clone`, and the API is shared behind an `Arc`.
impl<A> Clone for Endpoint<A> {
    fn clone(&self) -> Self {
        Self {
            operation: self.operation,
        }
    }
}

impl<A: Send + Sync + 'static> Handler<(), Arc<A>> for Endpoint<A> {
    type Future = Serving;

    fn call(self, request: Request, api: Arc<A>) -> Serving {
        self.operation.serve(request, api)
    }
}

/// `router` with `handler` for `method`, behind the `Accept` check of `produces` when
/// the operation answers media types beyond JSON.
fn add<A, H, T>(
    router: MethodRouter<Arc<A>>,
    method: MethodFilter,
    handler: H,
    produces: &'static [&'static str],
) -> MethodRouter<Arc<A>>
where
    A: Send + Sync + 'static,
    H: Handler<T, Arc<A>>,
    T: 'static,
{
    match produces {
        [] => router.on(method, handler),
        types => router.on(method, handler.layer(Extension(Produces(types)))),
    }
}

/// An empty method router for the API `A`, to add operations to with [`Endpoints`].
pub fn endpoints<A: Send + Sync + 'static>() -> MethodRouter<Arc<A>> {
    MethodRouter::new()
}

/// Declares the type standing for one operation in a generated `handlers` module, with
/// its [`Operation`] impl and its [`Public`] or [`Secured`] one. A thousand operations
/// written out in full would be a megabyte of the same lines; this says what differs.
///
/// ```
/// # use specfirst_runtime::__private as rt;
/// # use specfirst_runtime::{HttpError, RequestContext};
/// # pub struct GetBookRequest { id: u64 }
/// # pub enum GetBookResponse { NoContent }
/// # impl rt::IntoResponse for GetBookResponse {
/// #     fn into_response(self) -> rt::Response { rt::empty(rt::status(204)) }
/// # }
/// pub trait Api: Send + Sync + 'static {
///     fn get_book(
///         &self,
///         ctx: RequestContext,
///         request: GetBookRequest,
///     ) -> impl std::future::Future<Output = Result<GetBookResponse, HttpError>> + Send;
///
///     fn render_error(
///         &self,
///         operation: &'static str,
///         error: HttpError,
///         form: Option<&'static rt::ErrorForm>,
///     ) -> rt::Response {
///         error.render(form)
///     }
/// }
///
/// fn decode_get_book(input: &mut rt::RawRequest) -> Result<GetBookRequest, HttpError> {
///     Ok(GetBookRequest { id: 7 })
/// }
///
/// specfirst_runtime::operation! {
///     /// `getBook`: `GET /books/{bookId}`.
///     pub GetBook for Api = "getBook" {
///         request: GetBookRequest,
///         response: GetBookResponse,
///         decode: decode_get_book,
///         call: get_book,
///         responses: GET_BOOK_RESPONSES,
///         errors: &[rt::ErrorCase::range(4, Some(&ERROR_FORM))],
///     }
/// }
///
/// static GET_BOOK_RESPONSES: [rt::Declared; 1] = [rt::Declared::code(204, &[], &[])];
///
/// const ERROR_FORM: rt::ErrorForm = rt::ErrorForm {
///     media_type: "application/json",
///     fields: &[rt::FormField { name: "message", value: rt::FormValue::Message }],
/// };
/// ```
///
/// Before `request`, a secured operation names the principal its requirements give and
/// the function running them (`principal: <A as Auth>::Principal, authenticate:
/// authenticate_bearer,`);
/// after `response`, an operation answering other media types than JSON lists them
/// (`produces: ["text/csv"],`), then the static listing its declared responses
/// (`responses: GET_BOOK_RESPONSES,`, an array of
/// [`Declared`](crate::__private::Declared)) that response checks
/// hold its answers against, then the error responses with the forms of their bodies
/// (`errors: &[rt::ErrorCase::range(4, Some(&ERROR_FORM))],`: constants, which the
/// associated constant may refer to) that errors are written in; a decoder that waits
/// for the body is `decode_async`. Every error goes through the API trait's
/// `render_error`.
/// Inside, `A` is the implementation's type.
#[macro_export]
macro_rules! operation {
    (@decode $input:ident decode $decode:path) => {
        $crate::__private::ready($decode($input))
    };
    (@decode $input:ident decode_async $decode:path) => {
        $decode($input)
    };
    (@produces) => {};
    (@produces $($media:literal),+) => {
        const PRODUCES: &'static [&'static str] = &[$($media),+];
    };
    (@responses) => {};
    (@responses $table:ident) => {
        fn responses() -> &'static [$crate::__private::Declared] {
            &$table
        }
    };
    (@errors) => {};
    (@errors $cases:expr) => {
        const ERRORS: &'static [$crate::__private::ErrorCase] = $cases;
    };
    // The trait method's impl: a public operation's, or with a principal and the
    // function authenticating it, a secured one's.
    (@call [] $name:ident $api:ident $method:ident) => {
        impl<A: $api> $crate::__private::Public<A> for $name {
            fn call(
                api: &A,
                ctx: $crate::RequestContext,
                request: Self::Request,
            ) -> impl $crate::__private::Answering<Self::Response> {
                api.$method(ctx, request)
            }
        }
    };
    (@call [$principal:ty, $authenticate:path] $name:ident $api:ident $method:ident) => {
        impl<A: $api> $crate::__private::Secured<A> for $name {
            type Principal = $principal;

            fn authenticate<'a>(
                api: &'a A,
                head: &'a $crate::__private::http::request::Parts,
                ctx: &'a mut $crate::RequestContext,
            ) -> impl $crate::__private::Authenticating<Self::Principal> + 'a {
                $authenticate(api, head, ctx)
            }

            fn call(
                api: &A,
                ctx: $crate::RequestContext,
                principal: Self::Principal,
                request: Self::Request,
            ) -> impl $crate::__private::Answering<Self::Response> {
                api.$method(ctx, principal, request)
            }
        }
    };
    (@entries [$($secured:tt)*] [$(#[$attr:meta])*] $vis:vis $name:ident $api:ident $id:literal {
        request: $request:ty,
        response: $response:ty,
        $how:ident: $decode:path,
        call: $method:ident,
        $(produces: [$($media:literal),+ $(,)?],)?
        $(responses: $responses:ident,)?
        $(errors: $errors:expr,)?
    }) => {
        $(#[$attr])*
        $vis struct $name;

        impl<A: $api> $crate::__private::Operation<A> for $name {
            const ID: &'static str = $id;
            $crate::operation!(@produces $($($media),+)?);
            type Request = $request;
            type Response = $response;

            fn decode(
                input: &mut $crate::__private::RawRequest,
            ) -> impl $crate::__private::Decoding<Self::Request> {
                $crate::operation!(@decode input $how $decode)
            }

            $crate::operation!(@responses $($responses)?);
            $crate::operation!(@errors $($errors)?);

            fn error(api: &A, error: $crate::HttpError) -> $crate::__private::Response {
                let form = $crate::__private::declared_form(
                    <Self as $crate::__private::Operation<A>>::ERRORS,
                    error.status,
                );
                api.render_error($id, error, form)
            }
        }

        $crate::operation!(@call [$($secured)*] $name $api $method);
    };
    (
        $(#[$attr:meta])*
        $vis:vis $name:ident for $api:ident = $id:literal {
            principal: $principal:ty,
            authenticate: $authenticate:path,
            $($entries:tt)*
        }
    ) => {
        $crate::operation!(@entries [$principal, $authenticate] [$(#[$attr])*] $vis $name $api $id {
            $($entries)*
        });
    };
    (
        $(#[$attr:meta])*
        $vis:vis $name:ident for $api:ident = $id:literal { $($entries:tt)* }
    ) => {
        $crate::operation!(@entries [] [$(#[$attr])*] $vis $name $api $id { $($entries)* });
    };
}
