//! Operations of methods axum's `MethodFilter` cannot name, such as OpenAPI 3.2's
//! `QUERY`: a route's are added together ([`OtherMethods::others`]) and served by the
//! route's fallback, which answers any method the route has nothing for with 405 and
//! the route's whole `Allow` list.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use http::{header, HeaderValue, StatusCode};

use crate::negotiate::Produces;
use crate::operation::{Public, PublicOperation, Secured, SecuredOperation, Serve, Serving};

/// One operation of a method beyond axum's, for [`OtherMethods::others`].
pub struct Other<A> {
    /// The method's name as requests send it, such as `QUERY`.
    method: &'static str,
    serve: Arc<dyn Serve<A>>,
    /// The media types beyond JSON the operation answers, for the `Accept` check.
    produces: &'static [&'static str],
}

/// The public operation `O`, served for requests of `method`.
pub fn public_other<A: Send + Sync + 'static, O: Public<A>>(method: &'static str) -> Other<A> {
    Other {
        method,
        serve: Arc::new(PublicOperation::<O>(PhantomData)),
        produces: O::PRODUCES,
    }
}

/// The secured operation `O`, served for requests of `method`.
pub fn secured_other<A: Send + Sync + 'static, O: Secured<A>>(method: &'static str) -> Other<A> {
    Other {
        method,
        serve: Arc::new(SecuredOperation::<O>(PhantomData)),
        produces: O::PRODUCES,
    }
}

/// `handler` (a dispatcher of several operations sharing the route and method), served
/// for requests of `method`; `produces` as the operations' together.
pub fn other_handler<A, H, T>(
    method: &'static str,
    handler: H,
    produces: &'static [&'static str],
) -> Other<A>
where
    A: Send + Sync + 'static,
    H: Handler<T, Arc<A>> + Sync,
    T: 'static,
{
    Other {
        method,
        serve: Arc::new(Dispatching(handler, PhantomData)),
        produces,
    }
}

/// A handler as an operation.
struct Dispatching<H, T>(H, PhantomData<fn() -> T>);

impl<A, H, T> Serve<A> for Dispatching<H, T>
where
    A: Send + Sync + 'static,
    H: Handler<T, Arc<A>> + Sync,
    T: 'static,
{
    fn serve(&self, request: Request, api: Arc<A>) -> Serving {
        Box::pin(self.0.clone().call(request, api))
    }
}

/// Adds a route's operations of other methods to its method router.
pub trait OtherMethods<A>: Sized {
    /// Serves `others` by their methods; any method the route has nothing for is a
    /// 405 whose `Allow` is `allow` (every method of the route, axum's included).
    fn others(self, allow: &'static str, others: impl IntoIterator<Item = Other<A>>) -> Self;
}

impl<A: Send + Sync + 'static> OtherMethods<A> for MethodRouter<Arc<A>> {
    fn others(self, allow: &'static str, others: impl IntoIterator<Item = Other<A>>) -> Self {
        self.fallback(Fallback {
            others: others.into_iter().collect(),
            allow,
        })
    }
}

/// The fallback of a route with operations of other methods.
struct Fallback<A> {
    others: Arc<[Other<A>]>,
    allow: &'static str,
}

// Not derived: that would ask `A: Clone`.
impl<A> Clone for Fallback<A> {
    fn clone(&self) -> Self {
        Self {
            others: Arc::clone(&self.others),
            allow: self.allow,
        }
    }
}

impl<A: Send + Sync + 'static> Handler<(), Arc<A>> for Fallback<A> {
    type Future = Serving;

    fn call(self, mut request: Request, api: Arc<A>) -> Serving {
        let method = request.method().as_str();
        let Some(other) = self.others.iter().find(|other| other.method == method) else {
            // As axum answers a method a route lacks; the router's layer writes the
            // JSON error body.
            let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
            if let Ok(allow) = HeaderValue::from_str(self.allow) {
                response.headers_mut().insert(header::ALLOW, allow);
            }
            return Box::pin(std::future::ready(response));
        };
        if !other.produces.is_empty() {
            request.extensions_mut().insert(Produces(other.produces));
        }
        other.serve.serve(request, api)
    }
}
