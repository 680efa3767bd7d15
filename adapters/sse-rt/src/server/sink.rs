//! An event stream over a bare `AsyncWrite`: encode, write, flush per frame,
//! keepalives on the runtime's timer.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_core::Stream;
use futures_io::AsyncWrite;
use sse_proto::http::{encode_chunk, encoded_chunk_len, LAST_CHUNK};
use sse_proto::server::ServerStream;
use sse_proto::Frame;

use super::keepalive::KeepaliveTimer;
use super::EncodedFrame;
use crate::{Error, Runtime};

/// An event stream written to any futures-io [`AsyncWrite`] (a bare socket,
/// a pipe, a TLS stream), with the behaviour of [`EventBody`](super::EventBody):
/// each frame encoded once, written whole and flushed at once, and a keepalive
/// comment whenever nothing was written for the interval, on the runtime's
/// timer.
///
/// - [`send`](EventSink::send) writes one frame now;
/// - [`keepalive_while`](EventSink::keepalive_while) waits for any future,
///   writing keepalives when due (wait for your next event this way);
/// - [`forward`](EventSink::forward) writes every frame of a source (a
///   [`Receiver`](super::Receiver), a hub [`Subscription`](super::Subscription))
///   with keepalives in between, until it ends.
///
/// With [`chunked(true)`](EventSink::chunked) each write is one HTTP/1.1
/// chunk and [`finish`](EventSink::finish) writes the last chunk: the body of
/// a response whose head said `transfer-encoding: chunked`
/// ([`sse_proto::http::ResponseHead`]).
///
/// A client that went away shows as a write error ([`Error::Io`]: broken
/// pipe, reset). A frame the encoder refuses is [`Error::Encode`] and writes
/// nothing.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_rt::server::EventSink;
/// use sse_rt::test_util::{Canned, VirtualRuntime};
/// use sse_rt::EventFrame;
///
/// let rt = VirtualRuntime::new();
/// let mut sink = EventSink::new(Canned::default(), rt.clone()).keepalive(Duration::from_secs(15));
/// rt.block_on(async {
///     sink.send(EventFrame::new("hello").with_event_type("greet")).await?;
///     // Wait 40 s for something else; keepalives go out at 15 s and 30 s.
///     let mut timer = rt.new_timer(rt.now() + Duration::from_secs(40));
///     sink.keepalive_while(std::future::poll_fn(|cx| timer.as_mut().poll(cx))).await?;
///     sink.send(EventFrame::new("bye")).await
/// })?;
/// assert_eq!(
///     sink.get_ref().written(),
///     b"event: greet\ndata: hello\n\n:\n\n:\n\ndata: bye\n\n"
/// );
/// # use sse_rt::Runtime;
/// # Ok::<(), sse_rt::Error>(())
/// ```
pub struct EventSink<W> {
    out: FrameWriter<W>,
    keepalive: KeepaliveTimer,
}

/// The largest framing buffer a stream keeps between writes: enough for the
/// usual event, never a burst's worth per idle subscriber.
const KEPT_BUFFER: usize = 4096;

/// Writes whole frames, as HTTP/1.1 chunks or as they are, each flushed.
pub(crate) struct FrameWriter<W> {
    writer: W,
    chunked: bool,
    /// The chunks being framed (reused).
    buf: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> FrameWriter<W> {
    pub(crate) fn new(writer: W, chunked: bool) -> FrameWriter<W> {
        FrameWriter {
            writer,
            chunked,
            buf: Vec::new(),
        }
    }

    /// Writes `bytes` (as one chunk when chunked) and flushes.
    pub(crate) async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.chunked {
            self.push(bytes)?;
            return self.send().await;
        }
        write_all(&mut self.writer, bytes).await?;
        flush(&mut self.writer).await
    }

    /// Adds `bytes` (as one chunk when chunked) to what the next
    /// [`FrameWriter::send`] writes.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.chunked {
            let start = self.buf.len();
            self.buf.resize(start + encoded_chunk_len(bytes.len()), 0);
            let n = encode_chunk(bytes, &mut self.buf[start..]).map_err(io::Error::other)?;
            self.buf.truncate(start + n);
        } else {
            self.buf.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// How many bytes [`FrameWriter::push`] has added since the last send.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Writes what was pushed, in one go, and flushes. A buffer grown past
    /// [`KEPT_BUFFER`] (a batch, a large event) is freed after.
    pub(crate) async fn send(&mut self) -> io::Result<()> {
        write_all(&mut self.writer, &self.buf).await?;
        self.buf.clear();
        if self.buf.capacity() > KEPT_BUFFER {
            self.buf = Vec::new();
        }
        flush(&mut self.writer).await
    }

    /// The last chunk when chunked, then a flush.
    pub(crate) async fn finish(&mut self) -> io::Result<()> {
        if self.chunked {
            write_all(&mut self.writer, LAST_CHUNK).await?;
        }
        flush(&mut self.writer).await
    }
}

impl<W: AsyncWrite + Unpin> EventSink<W> {
    /// A sink writing raw frames to `writer`, with keepalives every 15 s
    /// ([`ServerStream::DEFAULT_KEEPALIVE_INTERVAL`]) on `runtime`'s timers,
    /// counted from now.
    pub fn new(writer: W, runtime: impl Runtime) -> EventSink<W> {
        EventSink::with_runtime(writer, Arc::new(runtime))
    }

    pub(crate) fn with_runtime(writer: W, runtime: Arc<dyn Runtime>) -> EventSink<W> {
        EventSink {
            out: FrameWriter::new(writer, false),
            keepalive: KeepaliveTimer::new(runtime, ServerStream::DEFAULT_KEEPALIVE_INTERVAL),
        }
    }

    /// Sets the keepalive interval (zero turns keepalives off), counted from
    /// when the sink was made; set it before the first write.
    pub fn keepalive(mut self, interval: Duration) -> EventSink<W> {
        self.keepalive.set_interval(interval);
        self
    }

    /// Frames every write as one HTTP/1.1 chunk (`true`), or writes frames as
    /// they are (`false`, the default).
    pub fn chunked(mut self, chunked: bool) -> EventSink<W> {
        self.out.chunked = chunked;
        self
    }

    /// Encodes `frame`, writes it whole and flushes.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] for a frame the encoder refuses (nothing written);
    /// [`Error::Io`] when writing fails.
    pub async fn send<'a>(&mut self, frame: impl Into<Frame<'a>>) -> Result<(), Error> {
        let frame = EncodedFrame::new(frame)?;
        self.send_encoded(&frame).await
    }

    /// Writes `frame` whole and flushes.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing fails.
    pub async fn send_encoded(&mut self, frame: &EncodedFrame) -> Result<(), Error> {
        self.out.write(frame.as_bytes()).await?;
        self.keepalive.on_write();
        Ok(())
    }

    /// Runs `future` to completion, writing a keepalive each time one is due
    /// meanwhile; returns its output.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing a keepalive fails (`future` is dropped).
    pub async fn keepalive_while<F: Future>(&mut self, future: F) -> Result<F::Output, Error> {
        let mut future = pin!(future);
        loop {
            let output = poll_fn(|cx| {
                if let Poll::Ready(output) = future.as_mut().poll(cx) {
                    return Poll::Ready(Some(output));
                }
                self.keepalive.poll_due(cx).map(|()| None)
            })
            .await;
            match output {
                Some(output) => return Ok(output),
                // The keepalive timer counted it as written.
                None => self.out.write(EncodedFrame::keepalive().as_bytes()).await?,
            }
        }
    }

    /// Writes every frame of `source`, each flushed, with keepalives while it
    /// has none to give, until it ends.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing fails (`source` is dropped).
    pub async fn forward<S: Stream<Item = EncodedFrame>>(
        &mut self,
        source: S,
    ) -> Result<(), Error> {
        let mut source = pin!(source);
        while let Some(frame) = self
            .keepalive_while(poll_fn(|cx| source.as_mut().poll_next(cx)))
            .await?
        {
            self.send_encoded(&frame).await?;
        }
        Ok(())
    }

    /// Ends the stream: the last chunk when chunked, then a flush. The writer
    /// is left open (see [`into_inner`](EventSink::into_inner)).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing fails.
    pub async fn finish(&mut self) -> Result<(), Error> {
        Ok(self.out.finish().await?)
    }

    /// The writer.
    pub fn get_ref(&self) -> &W {
        &self.out.writer
    }

    /// The writer, mutably (writing to it directly bypasses the framing and
    /// the keepalive clock).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out.writer
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out.writer
    }
}

impl<W> fmt::Debug for EventSink<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSink")
            .field("keepalive", &self.keepalive)
            .field("chunked", &self.out.chunked)
            .finish_non_exhaustive()
    }
}

/// Writes all of `bytes`.
pub(crate) async fn write_all<W: AsyncWrite + Unpin>(
    writer: &mut W,
    mut bytes: &[u8],
) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, bytes)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = bytes.get(n..).unwrap_or_default();
    }
    Ok(())
}

/// Flushes `writer`.
pub(crate) async fn flush<W: AsyncWrite + Unpin>(writer: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx)).await
}
