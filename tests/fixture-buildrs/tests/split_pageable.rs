//! `specs/pageable.yaml` generated as a split crate (`tests/split-pageable`) served on
//! 127.0.0.1 and called over real HTTP: the page type stays in the API crate, so the
//! runtime's `LinkPage` still converts into it with `.into()`, while the item type,
//! `Vault`, comes from a model crate through the API crate's `types`.

mod support;
#[macro_use]
#[path = "support/vaults.rs"]
mod vaults;

use std::sync::Arc;

use pageable_split_api as api;

vaults!(api);

#[tokio::test]
async fn next_links_page_through_a_split_crate() {
    let http = support::start(api::router(Arc::new(Vaults))).await;
    assert_eq!(page_through(&http).await, ["a", "b", "c", "d", "e"]);
}
