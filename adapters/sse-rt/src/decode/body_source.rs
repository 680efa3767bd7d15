//! Decoding an `http_body::Body` (feature `http-body`): hyper's `Incoming`,
//! axum's `Body`, any `http-body` 1.x implementation.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Buf;
use futures_core::{FusedStream, Stream};
use http_body::Body;
use pin_project_lite::pin_project;
use sse_proto::ItemOwned;

use super::{decode_stream_accessors, DecodeConfig, Driver, Source};
use crate::Error;

pin_project! {
    /// The events of an [`http_body::Body`], as a `Stream` of owned items.
    ///
    /// Data frames are decoded where they lie (a `Buf` in several pieces is
    /// walked piece by piece); trailer frames are skipped. Each item's strings
    /// are allocated once per item.
    ///
    /// # Items and errors
    ///
    /// - `Ok(item)`: an event, comment or `retry`, in stream order.
    /// - [`Error::Decode`]: an event crossed the configured limits and was
    ///   skipped; the stream goes on with the next event.
    /// - [`Error::Transport`] (or [`Error::Io`] for an `io::Error`): the body
    ///   failed; the stream yields it and then ends.
    ///
    /// At the end of the body an unterminated event is dropped, as the standard
    /// requires ([`stream_end`](DecodeBody::stream_end) tells). The stream is
    /// fused, and `poll_next` is cancel-safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_lite::StreamExt;
    /// use http_body_util::Full;
    /// use sse_rt::{DecodeBody, ItemOwned};
    ///
    /// # futures_lite::future::block_on(async {
    /// // hyper's `Incoming` (`response.into_body()`) goes in the same way.
    /// let body = Full::new(Bytes::from_static(b"event: note\ndata: from a body\n\n"));
    /// let mut events = DecodeBody::new(body);
    /// let Some(Ok(ItemOwned::Event(event))) = events.next().await else { panic!() };
    /// assert_eq!((event.event_type.as_str(), event.data.as_str()), ("note", "from a body"));
    /// assert!(events.next().await.is_none());
    /// # });
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "http-body")))]
    #[derive(Debug)]
    pub struct DecodeBody<B: Body> {
        #[pin]
        driver: Driver<BodySource<B>>,
    }
}

impl<B> DecodeBody<B>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    /// Decodes `body` with the default [`DecodeConfig`].
    pub fn new(body: B) -> Self {
        DecodeBody::with_config(body, DecodeConfig::new())
    }

    /// Decodes `body` with `config`.
    pub fn with_config(body: B, config: DecodeConfig) -> Self {
        let source = BodySource { body, data: None };
        DecodeBody {
            driver: Driver::new(source, config),
        }
    }
}

decode_stream_accessors!(DecodeBody<B: Body>, "body");

impl<B> Stream for DecodeBody<B>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Item = Result<ItemOwned, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().driver.poll_next(cx)
    }
}

impl<B> FusedStream for DecodeBody<B>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    fn is_terminated(&self) -> bool {
        self.driver.is_terminated()
    }
}

pin_project! {
    /// A body and the data frame being decoded.
    pub(crate) struct BodySource<B: Body> {
        #[pin]
        body: B,
        data: Option<B::Data>,
    }
}

impl<B: Body + fmt::Debug> fmt::Debug for BodySource<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodySource")
            .field("body", &self.body)
            .field("held", &self.data.as_ref().map_or(0, Buf::remaining))
            .finish()
    }
}

impl<B: Body> BodySource<B> {
    fn get_ref(&self) -> &B {
        &self.body
    }

    fn into_inner(self) -> B {
        self.body
    }
}

impl<B> Source for BodySource<B>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    fn poll_bytes(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<&[u8]>, Error>> {
        let mut this = self.project();
        // `chunk()` rather than `has_remaining()`: a `Buf` that claims bytes but
        // shows none must not spin the decoding loop.
        while this.data.as_ref().is_none_or(|d| d.chunk().is_empty()) {
            match ready!(this.body.as_mut().poll_frame(cx)) {
                None => return Poll::Ready(Ok(None)),
                Some(Err(e)) => return Poll::Ready(Err(Error::transport(e))),
                // Trailers give `None`: skipped.
                Some(Ok(frame)) => *this.data = frame.into_data().ok(),
            }
        }
        let data: &Option<B::Data> = this.data;
        Poll::Ready(Ok(data.as_ref().map(Buf::chunk)))
    }

    fn consume(self: Pin<&mut Self>, n: usize) {
        if let Some(data) = self.project().data {
            data.advance(n.min(data.remaining()));
        }
    }
}
