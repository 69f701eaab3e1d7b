//! The example's trait methods called directly, without HTTP: what a unit test of an
//! implementation looks like, with a context made by `RequestContext::new` and the
//! request by its `new` (which an optional parameter added to the spec leaves as it is).

use bookshelf_api::{BookshelfApi, GetBookRequest, GetBookResponse};
use generated_example::Bookshelf;
use specfirst_runtime::RequestContext;

#[tokio::test]
async fn a_trait_method_answers_without_a_server() {
    let shelf = Bookshelf::new();
    shelf.fill_demo(1).expect("demo books");
    let missing = uuid::Uuid::nil();
    let ctx = RequestContext::new("getBook").with_request_id("unit-1");
    let answer = shelf
        .get_book(ctx, GetBookRequest::new(missing))
        .await
        .expect("an answer");
    match answer {
        GetBookResponse::NotFound { body } => {
            // The context's request id is what the implementation puts in its errors.
            assert_eq!(body.request_id, "unit-1");
            assert_eq!(body.error_code.as_deref(), Some("NotFound"));
        }
        other => panic!("expected 404, got {other:?}"),
    }
}
