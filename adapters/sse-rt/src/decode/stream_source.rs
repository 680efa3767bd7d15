//! Decoding a `Stream` of byte chunks (reqwest's `bytes_stream()`, a hyper body
//! through http-body-util, a channel).

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;
use sse_proto::ItemOwned;

use super::{decode_stream_accessors, DecodeConfig, Driver, Source};
use crate::Error;

pin_project! {
    /// The events of a stream of byte chunks, as a `Stream` of owned items.
    ///
    /// Made by [`ByteStreamExt::decode_sse`] or [`DecodeStream::new`]. Chunks
    /// are decoded where they lie: only a line or event spanning chunks is
    /// copied (into the decoder's reused buffer), and each item's strings are
    /// allocated once per item.
    ///
    /// # Items and errors
    ///
    /// - `Ok(item)`: an event, comment or `retry`, in stream order.
    /// - [`Error::Decode`]: an event crossed the configured limits and was
    ///   skipped; the stream goes on with the next event.
    /// - [`Error::Io`] or [`Error::Transport`]: the byte stream failed (an
    ///   `io::Error` stays `Io`); the stream yields it and then ends.
    ///
    /// At the end of the byte stream an unterminated event is dropped, as the
    /// standard requires ([`stream_end`](DecodeStream::stream_end) tells). The
    /// stream is fused, and `poll_next` is cancel-safe: every byte taken from
    /// the source is held in the struct, never in a future.
    #[derive(Debug)]
    pub struct DecodeStream<S: Stream> {
        #[pin]
        driver: Driver<ChunkSource<S>>,
    }
}

impl<S, B, E> DecodeStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    /// Decodes `stream` with the default [`DecodeConfig`].
    pub fn new(stream: S) -> Self {
        DecodeStream::with_config(stream, DecodeConfig::new())
    }

    /// Decodes `stream` with `config`.
    pub fn with_config(stream: S, config: DecodeConfig) -> Self {
        let source = ChunkSource {
            stream,
            chunk: None,
            pos: 0,
        };
        DecodeStream {
            driver: Driver::new(source, config),
        }
    }
}

decode_stream_accessors!(DecodeStream<S: Stream>, "byte stream");

impl<S, B, E> Stream for DecodeStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    type Item = Result<ItemOwned, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().driver.poll_next(cx)
    }
}

impl<S, B, E> FusedStream for DecodeStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    fn is_terminated(&self) -> bool {
        self.driver.is_terminated()
    }
}

/// Decoding for any `Stream<Item = Result<B, E>>` with `B: AsRef<[u8]>`: what
/// reqwest's `Response::bytes_stream()` and http-body-util's `BodyStream`
/// (through `map_ok`) give.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
/// use futures_lite::{stream, StreamExt};
/// use sse_rt::{ByteStreamExt, ItemOwned};
///
/// # futures_lite::future::block_on(async {
/// // Any stream of chunks; here two, splitting an event.
/// let chunks = stream::iter([Ok::<_, Infallible>("event: greet\ndata: hel"), Ok("lo\n\n")]);
/// let mut events = chunks.decode_sse();
/// let Some(Ok(ItemOwned::Event(event))) = events.next().await else { panic!() };
/// assert_eq!((event.event_type.as_str(), event.data.as_str()), ("greet", "hello"));
/// assert!(events.next().await.is_none());
/// # });
/// ```
pub trait ByteStreamExt: Stream + Sized {
    /// Decodes this stream's chunks with the default [`DecodeConfig`].
    fn decode_sse(self) -> DecodeStream<Self>;

    /// Decodes this stream's chunks with `config`.
    fn decode_sse_with(self, config: DecodeConfig) -> DecodeStream<Self>;
}

impl<S, B, E> ByteStreamExt for S
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    fn decode_sse(self) -> DecodeStream<Self> {
        DecodeStream::new(self)
    }

    fn decode_sse_with(self, config: DecodeConfig) -> DecodeStream<Self> {
        DecodeStream::with_config(self, config)
    }
}

pin_project! {
    /// A byte stream and the chunk being decoded.
    pub(crate) struct ChunkSource<S: Stream> {
        #[pin]
        stream: S,
        // Always `Ok` when held: errors are handed out at once.
        chunk: Option<S::Item>,
        // Bytes of `chunk` already decoded.
        pos: usize,
    }
}

impl<S: Stream + fmt::Debug> fmt::Debug for ChunkSource<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSource")
            .field("stream", &self.stream)
            .field("held", &self.chunk.is_some())
            .field("pos", &self.pos)
            .finish()
    }
}

impl<S: Stream> ChunkSource<S> {
    fn get_ref(&self) -> &S {
        &self.stream
    }

    fn into_inner(self) -> S {
        self.stream
    }
}

impl<S> Source for ChunkSource<S>
where
    S: Stream,
    S::Item: Chunk,
{
    fn poll_bytes(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<&[u8]>, Error>> {
        let mut this = self.project();
        while this
            .chunk
            .as_ref()
            .is_none_or(|c| c.bytes().len() <= *this.pos)
        {
            *this.chunk = None;
            *this.pos = 0;
            match ready!(this.stream.as_mut().poll_next(cx)) {
                None => return Poll::Ready(Ok(None)),
                Some(item) => *this.chunk = Some(item.check()?),
            }
        }
        let chunk: &Option<S::Item> = this.chunk;
        Poll::Ready(Ok(chunk.as_ref().map(|c| &c.bytes()[*this.pos..])))
    }

    fn consume(self: Pin<&mut Self>, n: usize) {
        *self.project().pos += n;
    }
}

/// An item of a byte stream: a chunk, or the stream's error. (A trait rather
/// than `Result<B, E>` in the bounds, so that borrowing a held chunk needs no
/// lifetime bound on `B` and `E`.)
pub(crate) trait Chunk: Sized {
    /// The chunk's bytes (none for an error).
    fn bytes(&self) -> &[u8];

    /// The item itself when it is a chunk, else its error as an [`Error`].
    fn check(self) -> Result<Self, Error>;
}

impl<B, E> Chunk for Result<B, E>
where
    B: AsRef<[u8]>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    fn bytes(&self) -> &[u8] {
        match self {
            Ok(chunk) => chunk.as_ref(),
            Err(_) => &[],
        }
    }

    fn check(self) -> Result<Self, Error> {
        match self {
            Ok(chunk) => Ok(Ok(chunk)),
            Err(e) => Err(Error::transport(e)),
        }
    }
}
