//! `specs/pageable.yaml` served on 127.0.0.1 and called over real HTTP: Azure's
//! x-ms-pageable next links.

mod support;
#[macro_use]
#[path = "support/vaults.rs"]
mod vaults;

use std::sync::Arc;

use specfirst_fixture_buildrs::pageable;

vaults!(pageable);

#[tokio::test]
async fn next_links_page_through_an_x_ms_pageable_list() {
    let http = support::start(pageable::router(Arc::new(Vaults))).await;
    assert_eq!(page_through(&http).await, ["a", "b", "c", "d", "e"]);
}

/// Both operations through the typed client, in process and over HTTP: the vaults are
/// paged through by sending each next link's `$skiptoken` back as the parameter, and
/// come in order, two to a page, with no link after the last; the tenants' page,
/// whose next link is required, reads back as the handler built it.
#[tokio::test]
async fn the_client_round_trips_every_operation() {
    let router = pageable::router(Arc::new(Vaults));
    let http = support::start(router.clone()).await;
    let clients = [
        pageable::client::Client::in_process(router),
        pageable::client::Client::http(&http.url("")),
    ];
    for client in clients {
        let mut pages = Vec::new();
        let mut skiptoken = None;
        loop {
            let pageable::ListVaultsResponse::Ok { body } = client
                .list_vaults(pageable::ListVaultsRequest { skiptoken })
                .await
                .expect("a page");
            let names: Vec<String> = body
                .value
                .unwrap_or_default()
                .into_iter()
                .map(|vault| vault.name)
                .collect();
            pages.push(names);
            let Some(next) = body.odata_next_link else {
                break;
            };
            let (_, token) = next.split_once("$skiptoken=").expect("a token");
            skiptoken = Some(token.to_owned());
            assert!(pages.len() < 10, "the pages never end");
        }
        assert_eq!(pages, [vec!["a", "b"], vec!["c", "d"], vec!["e"]]);

        let pageable::ListTenantsResponse::Ok { body } = client
            .list_tenants(pageable::ListTenantsRequest {})
            .await
            .expect("tenants");
        assert_eq!(body.next_link, "");
        let ids: Vec<Option<String>> = body
            .value
            .unwrap_or_default()
            .into_iter()
            .map(|tenant| tenant.id)
            .collect();
        assert_eq!(ids, [Some("t1".to_owned())]);
    }
}
