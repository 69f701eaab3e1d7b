//! One operation of a generated API as its router serves it.
//!
//! The generated crate declares a unit type per operation and implements [`Operation`]
//! for it (what the request decodes into, how) and [`Public`] or [`Secured`] (how the
//! API trait answers it). Every operation is then served by one of two handlers written
//! here, [`handle`] and [`handle_secured`], and routed by [`Endpoints`]. A handler of its
//! own per operation would be a state machine per operation for the compiler to build
//! and check, and an axum `Handler` to resolve for each route; generic ones are checked
//! once, here.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::Extension;
use http::request::Parts;

use crate::auth::AuthError;
use crate::context::RequestContext;
use crate::error::HttpError;
use crate::negotiate::Produces;
use crate::request::RawRequest;
use crate::response::{reject, respond};

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
    let ctx = input.context(O::ID);
    match O::decode(&mut input).await {
        Ok(request) => respond(O::call(&api, ctx, request).await),
        Err(error) => reject(error),
    }
}

/// The handler of a secured operation: authenticate, decode the request, call the
/// trait, encode the answer.
pub async fn handle_secured<A, O>(State(api): State<Arc<A>>, mut input: RawRequest) -> Response
where
    A: Send + Sync + 'static,
    O: Secured<A>,
{
    let mut ctx = input.context(O::ID);
    let principal = match O::authenticate(&api, input.head(), &mut ctx).await {
        Ok(principal) => principal,
        Err(error) => return reject(error),
    };
    match O::decode(&mut input).await {
        Ok(request) => respond(O::call(&api, ctx, principal, request).await),
        Err(error) => reject(error),
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
        match O::PRODUCES {
            [] => self.on(method, handle::<A, O>),
            types => self.on(method, handle::<A, O>.layer(Extension(Produces(types)))),
        }
    }

    fn secured<O: Secured<A>>(self, method: MethodFilter) -> Self {
        match O::PRODUCES {
            [] => self.on(method, handle_secured::<A, O>),
            types => self.on(
                method,
                handle_secured::<A, O>.layer(Extension(Produces(types))),
            ),
        }
    }
}

/// An empty method router for the API `A`, to add operations to with [`Endpoints`].
pub fn endpoints<A: Send + Sync + 'static>() -> MethodRouter<Arc<A>> {
    MethodRouter::new()
}
