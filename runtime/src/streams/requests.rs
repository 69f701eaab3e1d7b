//! A request body of JSON Lines or json-seq read as typed items as it arrives: each
//! item decoded and checked against the item schema's rules once it is whole, under
//! the operation's body limit, and the stream ended at the first bad one.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use specfirst_model::streams::Framing;

use super::items::Splitter;
use super::{ItemError, ItemStream};
use crate::validate::Schema;
use crate::BodyStream;

/// The items of `body` framed as `framing` says, each a `T` that holds `rules`.
pub(crate) fn items_of<T>(
    body: BodyStream,
    framing: Framing,
    rules: &'static Schema,
) -> ItemStream<T>
where
    T: DeserializeOwned + Send + 'static,
{
    ItemStream::of(Box::pin(Items::<T> {
        body: Some(body),
        splitter: Splitter::new(framing),
        rules,
        index: 0,
        ended: false,
        past_errors: false,
        item: PhantomData,
    }))
}

/// The items of a response `body` as a client reads them while they arrive: an item
/// that is not a `T` is an error item, and the items after it are read on.
pub(crate) fn arriving_items<T>(body: BodyStream, framing: Framing) -> ItemStream<T>
where
    T: DeserializeOwned + Send + 'static,
{
    ItemStream::of(Box::pin(Items::<T> {
        body: Some(body),
        splitter: Splitter::new(framing),
        rules: &Schema::ANY,
        index: 0,
        ended: false,
        past_errors: true,
        item: PhantomData,
    }))
}

struct Items<T> {
    /// `None` once the body has ended.
    body: Option<BodyStream>,
    /// Where the items' texts are found in the bytes received.
    splitter: Splitter,
    rules: &'static Schema,
    /// Items read so far.
    index: usize,
    /// Whether the stream has ended, after the last item or an error.
    ended: bool,
    /// Whether items after a bad one are read on (a client's), rather than the stream
    /// ending there (a request's).
    past_errors: bool,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Stream for Items<T> {
    type Item = Result<T, ItemError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            if let Some(text) = this.splitter.next_item(this.body.is_none()) {
                this.index += 1;
                let item = crate::body::decode_json_checked(&text, this.rules)
                    .map_err(|error| ItemError::invalid(this.index, error.external_message));
                this.ended = item.is_err() && !this.past_errors;
                return Poll::Ready(Some(item));
            }
            let Some(body) = this.body.as_mut() else {
                this.ended = true;
                return Poll::Ready(None);
            };
            match std::task::ready!(Pin::new(body).poll_next(cx)) {
                Some(Ok(chunk)) => this.splitter.push(&chunk),
                Some(Err(error)) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(ItemError::stopped(this.index + 1, error))));
                }
                None => this.body = None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use bytes::Bytes;
    use http::{header, HeaderMap, HeaderValue};

    /// A body arriving in `chunks`, read as items of `framing`.
    fn items(chunks: &[&'static [u8]], framing: Framing, limit: usize) -> ItemStream<u32> {
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        let body = Body::from_stream(super::super::Ready(chunks.into_iter()));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json-seq"),
        );
        let body = BodyStream::new(body, &headers, limit).unwrap().unwrap();
        items_of(body, framing, &Schema::ANY)
    }

    async fn all(mut items: ItemStream<u32>) -> Vec<Result<u32, ItemError>> {
        let mut all = Vec::new();
        while let Some(item) = items.next_item().await {
            all.push(item);
        }
        all
    }

    #[tokio::test]
    async fn items_split_across_chunks_are_read_whole() {
        let read = all(items(
            &[b"\x1e1", b"2\n\x1e", b"3\n\x1e\n"],
            Framing::JsonSeq,
            100,
        ))
        .await;
        assert_eq!(read, [Ok(12), Ok(3)]);
        let read = all(items(&[b"4\n5", b"6\n\n7"], Framing::JsonLines, 100)).await;
        assert_eq!(read, [Ok(4), Ok(56), Ok(7)]);
    }

    #[tokio::test]
    async fn the_stream_ends_at_a_bad_item_or_the_limit() {
        let read = all(items(&[b"1\n\"x\"\n3\n"], Framing::JsonLines, 100)).await;
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].as_ref().unwrap_err().index, 2);
        let read = all(items(&[b"1\n2\n", b"3\n4\n"], Framing::JsonLines, 6)).await;
        let error = read.last().unwrap().as_ref().unwrap_err();
        assert_eq!(error.status, http::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(read[..2], [Ok(1), Ok(2)]);
    }
}
