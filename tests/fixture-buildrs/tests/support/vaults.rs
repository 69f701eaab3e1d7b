//! The vault listing of `specs/pageable.yaml`, for each crate generated from it (the
//! module and the split crate): `vaults!(path::to::api)` writes `Vaults`, which pages
//! five vaults two at a time through next links, and `page_through`, which follows
//! them over HTTP.

/// `Vaults` and `page_through` for the generated API at `$api`.
macro_rules! vaults {
    ($($api:ident)::+) => {
        struct Vaults;

        impl $($api)::+::PageableApi for Vaults {
            async fn list_vaults(
                &self,
                _ctx: specfirst_runtime::RequestContext,
                r: $($api)::+::ListVaultsRequest,
            ) -> Result<$($api)::+::ListVaultsResponse, specfirst_runtime::HttpError> {
                let start: usize = r.skiptoken.as_deref().unwrap_or("0").parse().unwrap_or(0);
                let names = ["a", "b", "c", "d", "e"];
                let items: Vec<_> = names
                    .iter()
                    .skip(start)
                    .take(2)
                    .map(|n| $($api)::+::types::Vault {
                        name: n.to_string(),
                    })
                    .collect();
                let next =
                    (start + 2 < names.len()).then(|| format!("/vaults?$skiptoken={}", start + 2));
                Ok($($api)::+::ListVaultsResponse::Ok {
                    body: specfirst_runtime::LinkPage::new(items, next).into(),
                })
            }

            // The page requires `nextLink`, so the handler builds it itself.
            async fn list_tenants(
                &self,
                _ctx: specfirst_runtime::RequestContext,
                _r: $($api)::+::ListTenantsRequest,
            ) -> Result<$($api)::+::ListTenantsResponse, specfirst_runtime::HttpError> {
                Ok($($api)::+::ListTenantsResponse::Ok {
                    body: $($api)::+::types::TenantListResult {
                        next_link: String::new(),
                        value: Some(vec![$($api)::+::types::Tenant {
                            id: Some("t1".into()),
                        }]),
                    },
                })
            }
        }

        /// The names of every vault, following next links from `/vaults`.
        async fn page_through(http: &support::Server) -> Vec<String> {
            let mut path = "/vaults".to_string();
            let mut names = Vec::new();
            for _ in 0..10 {
                let page: serde_json::Value = http
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
            names
        }
    };
}
