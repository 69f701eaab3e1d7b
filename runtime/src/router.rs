//! Wrapping the generated routes with the OpenAPI document route, JSON 404/405 handling,
//! request ids, tracing spans, panic recovery and CORS (when the server is given it).

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{Method, StatusCode, Uri};

use crate::cors::CorsRoutes;
use crate::route_layer::RequestLayer;
use crate::{response, HttpError};

/// Options for [`finish_router`](crate::__private::finish_router).
#[derive(Clone, Debug)]
pub struct RouterOptions {
    /// Path at which the OpenAPI document is served, or `None` to not serve it.
    /// Defaults to `/openapi.json`.
    pub openapi_path: Option<String>,
    /// Path of a documentation page for the API (Swagger UI over the document at
    /// `openapi_path`, its code bundled so it works offline; assets under
    /// `{docs_path}/assets/`), or `None` for no page. Needs the `docs` feature.
    /// Defaults to `None`.
    pub docs_path: Option<String>,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            openapi_path: Some("/openapi.json".into()),
            docs_path: None,
        }
    }
}

impl RouterOptions {
    /// These options with the documentation page at `path` (such as `/docs`).
    pub fn with_docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }
}

/// `path` with a leading `/`.
fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// Adds the OpenAPI document route, the documentation page when asked for, a JSON 404
/// fallback and the request middleware to the generated routes.
///
/// # Panics
///
/// Like any axum route registration, panics if `options.openapi_path` or
/// `options.docs_path` is already routed; also when `docs_path` is set without
/// `openapi_path` (the page shows that document) or without the `docs` feature.
pub fn finish_router(
    routes: Router,
    openapi_document: &'static str,
    options: &RouterOptions,
) -> Router {
    let mut router = routes;
    if let Some(docs) = &options.docs_path {
        let Some(openapi) = &options.openapi_path else {
            panic!("RouterOptions::docs_path needs openapi_path: the page shows that document");
        };
        router = with_docs(
            router,
            &absolute(docs),
            &absolute(openapi),
            openapi_document,
        );
    }
    if let Some(path) = &options.openapi_path {
        let path = absolute(path);
        router = router.route(
            &path,
            get(move || async move {
                response::binary(
                    StatusCode::OK,
                    "application/json",
                    openapi_document.as_bytes().into(),
                )
            }),
        );
    }
    let routes = Arc::new(CorsRoutes::new(openapi_document));
    router.fallback(not_found).layer(RequestLayer::new(routes))
}

#[cfg(feature = "docs")]
fn with_docs(router: Router, docs: &str, openapi: &str, document: &str) -> Router {
    router.merge(crate::docs::routes(docs, openapi, document))
}

#[cfg(not(feature = "docs"))]
fn with_docs(_: Router, docs: &str, _: &str, _: &str) -> Router {
    panic!(
        "RouterOptions::docs_path is {docs:?}, but specfirst-runtime was built without its \
         `docs` feature, which bundles the page's code"
    );
}

async fn not_found(method: Method, uri: Uri) -> Response {
    HttpError::for_not_found(format!("no route for {method} {}", uri.path())).into_response()
}
