//! `specs/route-choices.yaml` served on 127.0.0.1 and called over real HTTP: operations
//! that nothing in the spec tells apart share a route, and the trait's `choose_` method
//! picks the one that answers each request; by default the first declared.

mod support;

use std::sync::{Arc, Mutex};

use specfirst_fixture_buildrs::route_choices as api;
use specfirst_runtime::auth::{unauthenticated, ApiKey};
use specfirst_runtime::{HttpError, RequestContext, StatusCode};
use support::error_of;

/// The operations, written once for both implementations: each answers with what it
/// received, so a test sees which one served the request.
macro_rules! operations {
    () => {
        async fn list_project_exchanges(
            &self,
            _ctx: RequestContext,
            r: api::ListProjectExchangesRequest,
        ) -> Result<api::ListProjectExchangesResponse, HttpError> {
            Ok(api::ListProjectExchangesResponse::Ok {
                body: vec![format!("project {}", r.parent)],
            })
        }

        async fn list_organization_exchanges(
            &self,
            _ctx: RequestContext,
            r: api::ListOrganizationExchangesRequest,
        ) -> Result<api::ListOrganizationExchangesResponse, HttpError> {
            Ok(api::ListOrganizationExchangesResponse::Ok {
                body: vec![format!("organization {} {:?}", r.organization, r.page_size)],
            })
        }

        async fn search_exchanges(
            &self,
            _ctx: RequestContext,
            r: api::SearchExchangesRequest,
        ) -> Result<api::SearchExchangesResponse, HttpError> {
            Ok(api::SearchExchangesResponse::Ok {
                body: vec![format!("search {} {}", r.name, r.query)],
            })
        }

        async fn delete_exchange(
            &self,
            _ctx: RequestContext,
            principal: String,
            r: api::DeleteExchangeRequest,
        ) -> Result<api::DeleteExchangeResponse, HttpError> {
            self.deleted()
                .push(format!("exchange {} by {principal}", r.exchange));
            Ok(api::DeleteExchangeResponse::NoContent)
        }

        async fn delete_listing(
            &self,
            _ctx: RequestContext,
            r: api::DeleteListingRequest,
        ) -> Result<api::DeleteListingResponse, HttpError> {
            self.deleted().push(format!("listing {}", r.listing));
            Ok(api::DeleteListingResponse::NoContent)
        }
    };
}

/// The API key scheme, for both implementations: the key is the principal.
macro_rules! auth {
    ($type:ty) => {
        impl api::RouteChoicesAuth for $type {
            type Principal = String;

            async fn key(
                &self,
                _ctx: &RequestContext,
                credential: ApiKey,
            ) -> Result<String, HttpError> {
                match credential.key() {
                    "secret" => Ok("admin".to_string()),
                    _ => Err(unauthenticated("unknown key")),
                }
            }
        }
    };
}

/// Keeps the trait's default choice: the first declared operation.
#[derive(Default)]
struct ByDefault {
    deleted: Mutex<Vec<String>>,
}

impl ByDefault {
    fn deleted(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.deleted.lock().expect("not poisoned")
    }
}

impl api::RouteChoicesApi for ByDefault {
    operations!();
}

auth!(ByDefault);

/// Picks by the resource name's prefix, as Google documents its names.
#[derive(Default)]
struct ByPrefix {
    deleted: Mutex<Vec<String>>,
    /// The path and operation id of each context the choosing methods were given.
    seen: Mutex<Vec<(String, String)>>,
}

impl ByPrefix {
    fn deleted(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.deleted.lock().expect("not poisoned")
    }

    fn saw(&self, ctx: &RequestContext) {
        self.seen
            .lock()
            .expect("not poisoned")
            .push((ctx.uri().path().to_string(), ctx.operation_id().to_string()));
    }
}

impl api::RouteChoicesApi for ByPrefix {
    operations!();

    fn choose_list_project_exchanges(
        &self,
        ctx: &RequestContext,
    ) -> api::ListProjectExchangesChoice {
        self.saw(ctx);
        if ctx.uri().path().starts_with("/v1/organizations") {
            api::ListProjectExchangesChoice::ListOrganizationExchanges
        } else {
            api::ListProjectExchangesChoice::ListProjectExchanges
        }
    }

    fn choose_delete_exchange(&self, ctx: &RequestContext) -> api::DeleteExchangeChoice {
        self.saw(ctx);
        if ctx.uri().path().starts_with("/v1/listings") {
            api::DeleteExchangeChoice::DeleteListing
        } else {
            api::DeleteExchangeChoice::DeleteExchange
        }
    }
}

auth!(ByPrefix);

async fn body(response: reqwest::Response) -> (StatusCode, Vec<String>) {
    let status = response.status();
    (status, response.json().await.expect("a JSON list"))
}

#[tokio::test]
async fn by_default_the_first_declared_operation_answers() {
    let http = support::start(api::router(Arc::new(ByDefault::default()))).await;
    for path in [
        "/v1/organizations%2Fo1/exchanges",
        "/v1/projects%2Fp1/exchanges",
    ] {
        let got = body(http.get(path).send().await.expect("request")).await;
        let name = path
            .trim_start_matches("/v1/")
            .trim_end_matches("/exchanges");
        let name = name.replace("%2F", "/");
        assert_eq!(got, (StatusCode::OK, vec![format!("project {name}")]));
    }
    // A required query parameter still tells its operation apart.
    let got = body(
        http.get("/v1/anything/exchanges?query=books")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        got,
        (StatusCode::OK, vec!["search anything books".to_string()])
    );
}

#[tokio::test]
async fn the_implementation_picks_by_what_it_knows_of_the_request() {
    let implementation = Arc::new(ByPrefix::default());
    let http = support::start(api::router(implementation.clone())).await;
    let got = body(
        http.get("/v1/organizations%2Fo1/exchanges?pageSize=2")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        got,
        (
            StatusCode::OK,
            vec!["organization organizations/o1 Some(2)".to_string()]
        )
    );
    let got = body(
        http.get("/v1/projects%2Fp1/exchanges")
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        got,
        (StatusCode::OK, vec!["project projects/p1".to_string()])
    );
    // The chosen operation decodes and validates the request as it always does.
    let bad = http
        .get("/v1/organizations%2Fo1/exchanges?pageSize=0")
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("query parameter \"pageSize\""), "{error}");
    // The choosing method saw each request, before any operation was chosen.
    let seen = implementation.seen.lock().expect("not poisoned").clone();
    assert_eq!(
        seen,
        [
            ("/v1/organizations%2Fo1/exchanges", ""),
            ("/v1/projects%2Fp1/exchanges", ""),
            ("/v1/organizations%2Fo1/exchanges", ""),
        ]
        .map(|(path, id)| (path.to_string(), id.to_string()))
    );
}

#[tokio::test]
async fn each_chosen_operation_keeps_its_own_security() {
    let by_default = Arc::new(ByDefault::default());
    let http = support::start(api::router(by_default.clone())).await;
    // The first declared, `deleteExchange`, requires the key.
    let refused = http
        .delete("/v1/listings%2Fl1")
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let done = http
        .delete("/v1/exchanges%2Fe1")
        .header("x-api-key", "secret")
        .send()
        .await
        .expect("request");
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    assert_eq!(*by_default.deleted(), ["exchange exchanges/e1 by admin"]);

    // Chosen by prefix, `deleteListing` is public.
    let by_prefix = Arc::new(ByPrefix::default());
    let http = support::start(api::router(by_prefix.clone())).await;
    let done = http
        .delete("/v1/listings%2Fl1")
        .send()
        .await
        .expect("request");
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let refused = http
        .delete("/v1/exchanges%2Fe1")
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(*by_prefix.deleted(), ["listing listings/l1"]);
}

/// Every operation of the spec through the typed client, in process and over HTTP,
/// served by the implementation that picks by prefix: each call reaches the operation
/// called, with its parameters as sent (`/` in a resource name included); the key is
/// presented where the chosen operation requires it, and a call without it is the
/// undeclared 401. Served by the default choice, a call of the operation declared
/// second is answered by the first, which nothing in the response tells the client.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    use api::client::{Client, ClientError, Credential};
    let implementation = Arc::new(ByPrefix::default());
    let router = api::router(implementation.clone());
    let http = support::start(router.clone()).await;
    let by_default = api::router(Arc::new(ByDefault::default()));
    let by_default_http = support::start(by_default.clone()).await;
    let clients = [
        (Client::in_process(router), Client::in_process(by_default)),
        (
            Client::http(&http.url("")),
            Client::http(&by_default_http.url("")),
        ),
    ];
    for (client, by_default) in clients {
        let api::ListProjectExchangesResponse::Ok { body } = client
            .list_project_exchanges(api::ListProjectExchangesRequest::new("projects/p 1".into()))
            .await
            .expect("project exchanges");
        assert_eq!(body, ["project projects/p 1"]);
        let api::ListOrganizationExchangesResponse::Ok { body } = client
            .list_organization_exchanges(api::ListOrganizationExchangesRequest {
                organization: "organizations/o1".into(),
                page_size: Some(2.try_into().expect("non-zero")),
            })
            .await
            .expect("organization exchanges");
        assert_eq!(body, ["organization organizations/o1 Some(2)"]);
        let api::SearchExchangesResponse::Ok { body } = client
            .search_exchanges(api::SearchExchangesRequest::new(
                "organizations/o1".into(),
                "books & films".into(),
            ))
            .await
            .expect("search");
        assert_eq!(body, ["search organizations/o1 books & films"]);

        let error = client
            .delete_exchange(api::DeleteExchangeRequest::new("exchanges/e1".into()))
            .await
            .expect_err("no key");
        let ClientError::UndeclaredStatus { status, .. } = error else {
            panic!("{error:?}");
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let keyed = client
            .clone()
            .with_credential("key", Credential::Key("secret".into()));
        let answer = keyed
            .delete_exchange(api::DeleteExchangeRequest::new("exchanges/e1".into()))
            .await
            .expect("deleted");
        assert!(matches!(answer, api::DeleteExchangeResponse::NoContent));
        let answer = client
            .delete_listing(api::DeleteListingRequest::new("listings/l1".into()))
            .await
            .expect("deleted");
        assert!(matches!(answer, api::DeleteListingResponse::NoContent));
        assert_eq!(
            std::mem::take(&mut *implementation.deleted()),
            ["exchange exchanges/e1 by admin", "listing listings/l1"]
        );

        // What the default choice does, and the client cannot see.
        let api::ListOrganizationExchangesResponse::Ok { body } = by_default
            .list_organization_exchanges(api::ListOrganizationExchangesRequest {
                organization: "organizations/o1".into(),
                page_size: None,
            })
            .await
            .expect("answered");
        assert_eq!(body, ["project organizations/o1"]);
    }
}
