//! Decoding any futures-io `AsyncRead` (a socket, a pipe, a decompressor).

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};
use futures_io::AsyncRead;
use pin_project_lite::pin_project;
use sse_proto::ItemOwned;

use super::{decode_stream_accessors, DecodeConfig, Driver, Source};
use crate::Error;

/// The size of a [`DecodeReader`]'s read buffer.
const READ_BUF_LEN: usize = 16 * 1024;

pin_project! {
    /// The events of an [`AsyncRead`], as a `Stream` of owned items.
    ///
    /// Reads go into one buffer of 16 KiB, allocated once and reused for the
    /// life of the stream; events are decoded from it where they lie, and each
    /// item's strings are allocated once per item. The reader is read only when
    /// every byte read before has been decoded, so no more than one buffer is
    /// ever held. Reads interrupted (`ErrorKind::Interrupted`) are retried.
    ///
    /// # Items and errors
    ///
    /// - `Ok(item)`: an event, comment or `retry`, in stream order.
    /// - [`Error::Decode`]: an event crossed the configured limits and was
    ///   skipped; the stream goes on with the next event.
    /// - [`Error::Io`]: a read failed; the stream yields it and then ends.
    ///
    /// At end of file an unterminated event is dropped, as the standard
    /// requires ([`stream_end`](DecodeReader::stream_end) tells). The stream is
    /// fused, and `poll_next` is cancel-safe: every byte read is held in the
    /// struct.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::StreamExt;
    /// use sse_rt::{DecodeReader, ItemOwned, StreamEnd};
    ///
    /// # futures_lite::future::block_on(async {
    /// // `&[u8]` is an `AsyncRead`; so are sockets of every runtime.
    /// let body = &b"id: 1\ndata: first\n\ndata: cut off"[..];
    /// let mut events = DecodeReader::new(body);
    /// let Some(Ok(ItemOwned::Event(event))) = events.next().await else { panic!() };
    /// assert_eq!((event.data.as_str(), event.last_event_id.as_str()), ("first", "1"));
    /// assert!(events.next().await.is_none()); // the unterminated event is dropped
    /// assert_eq!(events.stream_end(), Some(StreamEnd::Truncated));
    /// # });
    /// ```
    #[derive(Debug)]
    pub struct DecodeReader<R> {
        #[pin]
        driver: Driver<ReadSource<R>>,
    }
}

impl<R: AsyncRead> DecodeReader<R> {
    /// Decodes `reader` with the default [`DecodeConfig`].
    pub fn new(reader: R) -> Self {
        DecodeReader::with_config(reader, DecodeConfig::new())
    }

    /// Decodes `reader` with `config`.
    pub fn with_config(reader: R, config: DecodeConfig) -> Self {
        let source = ReadSource {
            reader,
            buf: vec![0; READ_BUF_LEN].into_boxed_slice(),
            start: 0,
            end: 0,
        };
        DecodeReader {
            driver: Driver::new(source, config),
        }
    }
}

decode_stream_accessors!(DecodeReader<R>, "reader");

impl<R: AsyncRead> Stream for DecodeReader<R> {
    type Item = Result<ItemOwned, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().driver.poll_next(cx)
    }
}

impl<R: AsyncRead> FusedStream for DecodeReader<R> {
    fn is_terminated(&self) -> bool {
        self.driver.is_terminated()
    }
}

pin_project! {
    /// A reader and its read buffer; `buf[start..end]` is not yet decoded.
    #[derive(Debug)]
    pub(crate) struct ReadSource<R> {
        #[pin]
        reader: R,
        buf: Box<[u8]>,
        start: usize,
        end: usize,
    }
}

impl<R> ReadSource<R> {
    fn get_ref(&self) -> &R {
        &self.reader
    }

    fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncRead> Source for ReadSource<R> {
    fn poll_bytes(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<&[u8]>, Error>> {
        let mut this = self.project();
        if *this.start == *this.end {
            let n = loop {
                match ready!(this.reader.as_mut().poll_read(cx, this.buf)) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Poll::Ready(Err(Error::Io(e))),
                }
            };
            if n == 0 {
                return Poll::Ready(Ok(None));
            }
            // A reader claiming more than the buffer is clamped, never trusted.
            (*this.start, *this.end) = (0, n.min(this.buf.len()));
        }
        let buf: &[u8] = this.buf;
        Poll::Ready(Ok(Some(&buf[*this.start..*this.end])))
    }

    fn consume(self: Pin<&mut Self>, n: usize) {
        let this = self.project();
        *this.start = (*this.start + n).min(*this.end);
    }
}
