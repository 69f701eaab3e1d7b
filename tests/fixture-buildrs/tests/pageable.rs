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
