//! progenitor's generated client pages through 1,000 books on our running server with
//! its `stream()` method: every book exactly once, in order, for every sort mode.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::TryStreamExt;
use generated_example::Bookshelf;
use specfirst_progenitor_client::{types, Client};
use specfirst_runtime::{serve_with_listener, ServerConfig};

async fn start(books: usize) -> (String, tokio::sync::oneshot::Sender<()>) {
    let shelf = Bookshelf::new();
    shelf.fill_demo(books).expect("demo books");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = generated_example::app(Arc::new(shelf));
    tokio::spawn(serve_with_listener(
        listener,
        ServerConfig::default(),
        router,
        async {
            let _ = stopped.await;
        },
    ));
    (base, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progenitor_streams_every_book_once_in_order_for_every_sort_mode() {
    let (base, _stop) = start(1000).await;
    let client = Client::new(&base);
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
    let (base, _stop) = start(1000).await;
    let client = Client::new(&base);
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
