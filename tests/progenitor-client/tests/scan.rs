//! progenitor's generated client pages through 1,000 books on our running server with
//! its `stream()` method: every book exactly once, in order, for every sort mode.

// The test server shared with the fixture's tests (see its documentation).
#[path = "../../fixture-buildrs/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::TryStreamExt;
use generated_example::Bookshelf;
use specfirst_progenitor_client::{types, Client};

/// The example server with `books` demo books.
async fn start(books: usize) -> support::Server {
    let shelf = Bookshelf::new();
    shelf.fill_demo(books).expect("demo books");
    support::start(generated_example::app(Arc::new(shelf))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progenitor_streams_every_book_once_in_order_for_every_sort_mode() {
    let server = start(1000).await;
    let client = Client::new(&server.base);
    for (mode, page_size) in [
        (types::BookSortMode::TitleAscending, 7),
        (types::BookSortMode::TitleDescending, 100),
        (types::BookSortMode::IdAscending, 333),
        (types::BookSortMode::IdDescending, 1000),
    ] {
        let books: Vec<types::Book> = client
            .list_books()
            .sort_by(mode)
            .limit(std::num::NonZeroU32::new(page_size).expect("nonzero"))
            .stream()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(books.len(), 1000, "{mode:?} with pages of {page_size}");
        let ids: BTreeSet<_> = books.iter().map(|b| b.id).collect();
        assert_eq!(ids.len(), 1000, "{mode:?}: a book was returned twice");
        let keys: Vec<(String, String)> = books
            .iter()
            .map(|b| match mode {
                types::BookSortMode::TitleAscending | types::BookSortMode::TitleDescending => {
                    (b.title.to_string(), b.id.to_string())
                }
                _ => (b.id.to_string(), String::new()),
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if matches!(
            mode,
            types::BookSortMode::TitleDescending | types::BookSortMode::IdDescending
        ) {
            sorted.reverse();
        }
        assert_eq!(keys, sorted, "{mode:?}: out of order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progenitor_streams_filtered_scans() {
    let server = start(1000).await;
    let client = Client::new(&server.base);
    let poetry: Vec<types::Book> = client
        .list_books()
        .genre(types::Genre::Poetry)
        .limit(std::num::NonZeroU32::new(9).expect("nonzero"))
        .stream()
        .try_collect()
        .await
        .expect("scan");
    // fill_demo gives every fifth book to poetry.
    assert_eq!(poetry.len(), 200);
    assert!(poetry.iter().all(|b| b.genre == types::Genre::Poetry));
}
