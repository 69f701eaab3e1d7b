//! `specs/pageable.yaml` generated as a split crate (`tests/split-pageable`) served on
//! 127.0.0.1 and called over real HTTP: the page type stays in the API crate, so the
//! runtime's `LinkPage` still converts into it with `.into()`, while the item type comes
//! from a model crate.

mod support;

use std::sync::Arc;

use pageable_split_api as api;
use serde_json::Value;
use specfirst_runtime::{HttpError, RequestContext};

struct Vaults;

impl api::PageableApi for Vaults {
    async fn list_vaults(
        &self,
        _ctx: RequestContext,
        r: api::ListVaultsRequest,
    ) -> Result<api::ListVaultsResponse, HttpError> {
        let start: usize = r.skiptoken.as_deref().unwrap_or("0").parse().unwrap_or(0);
        let names = ["a", "b", "c", "d", "e"];
        let items: Vec<_> = names
            .iter()
            .skip(start)
            .take(2)
            // `Vault` lives in a model crate, re-exported through `types`.
            .map(|n| api::types::Vault {
                name: n.to_string(),
            })
            .collect();
        let next = (start + 2 < names.len()).then(|| format!("/vaults?$skiptoken={}", start + 2));
        Ok(api::ListVaultsResponse::Ok {
            body: specfirst_runtime::LinkPage::new(items, next).into(),
        })
    }

    async fn list_tenants(
        &self,
        _ctx: RequestContext,
        _r: api::ListTenantsRequest,
    ) -> Result<api::ListTenantsResponse, HttpError> {
        Ok(api::ListTenantsResponse::Ok {
            body: api::types::TenantListResult {
                next_link: String::new(),
                value: vec![api::types::Tenant {
                    id: Some("t1".into()),
                }],
            },
        })
    }
}

#[tokio::test]
async fn next_links_page_through_a_split_crate() {
    let http = support::start(api::router(Arc::new(Vaults))).await;
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
