//! `specs/pageable.yaml` served on 127.0.0.1 and called over real HTTP: Azure's
//! x-ms-pageable next links.

mod support;

use std::sync::Arc;

use serde_json::Value;
use specfirst_fixture_buildrs::pageable;
use specfirst_runtime::{HttpError, RequestContext};

struct Vaults;

impl pageable::PageableApi for Vaults {
    async fn list_vaults(
        &self,
        _ctx: RequestContext,
        r: pageable::ListVaultsRequest,
    ) -> Result<pageable::ListVaultsResponse, HttpError> {
        let start: usize = r.skiptoken.as_deref().unwrap_or("0").parse().unwrap_or(0);
        let names = ["a", "b", "c", "d", "e"];
        let items: Vec<_> = names
            .iter()
            .skip(start)
            .take(2)
            .map(|n| pageable::types::Vault {
                name: n.to_string(),
            })
            .collect();
        let next = (start + 2 < names.len()).then(|| format!("/vaults?$skiptoken={}", start + 2));
        Ok(pageable::ListVaultsResponse::Ok {
            body: specfirst_runtime::LinkPage::new(items, next).into(),
        })
    }

    // The page requires `nextLink`, so the handler builds it itself.
    async fn list_tenants(
        &self,
        _ctx: RequestContext,
        _r: pageable::ListTenantsRequest,
    ) -> Result<pageable::ListTenantsResponse, HttpError> {
        Ok(pageable::ListTenantsResponse::Ok {
            body: pageable::types::TenantListResult {
                next_link: String::new(),
                value: vec![pageable::types::Tenant {
                    id: Some("t1".into()),
                }],
            },
        })
    }
}

#[tokio::test]
async fn next_links_page_through_an_x_ms_pageable_list() {
    let http = support::start(pageable::router(Arc::new(Vaults))).await;
    let mut path = "/vaults".to_string();
    let mut names = Vec::new();
    for _ in 0..10 {
        let page: Value = http
            .get(&path)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        for vault in page["value"].as_array().expect("value") {
            names.push(vault["name"].as_str().expect("name").to_string());
        }
        match page["odata.nextLink"].as_str() {
            Some(next) => path = next.to_string(),
            None => break,
        }
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
}
