//! Other crates' SSE decoders, each driven through its public API the way its
//! users drive it, on the same reads as ours.
//!
//! Every driver gets the body as a list of [`Bytes`] chunks (the reads) and
//! reports what it decoded as [`Seen`] values, which the benches count and the
//! conformance matrix compares. The stream-based peers are polled by
//! [`block_on_stream`], a minimal poll loop: the in-memory sources are always
//! ready, so no runtime is involved.
//!
//! sse-codec's encoder is here too ([`sse_codec_encode`]), shared by the
//! encode bench and the `encode_profile` example.
//!
//! `eventsource-client` (LaunchDarkly) is not here: its parser (`EventParser`) is
//! a private module, and its client needs a hyper 0.14 connector with a
//! tokio runtime, which would time hyper and tokio rather than the parser.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use bytes::{Buf, Bytes};
use futures_core::Stream;
use futures_io::{AsyncBufRead, AsyncRead};
use sse_proto::Frame;

use crate::Counts;

/// One item a decoder reported, normalised for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// A dispatched event.
    Event {
        /// The event type as the peer reports it.
        event_type: &'a str,
        /// The data.
        data: &'a str,
        /// The last event ID the peer attaches to the event (`""` when none).
        id: &'a str,
    },
    /// A comment line (text after the colon).
    Comment(&'a str),
    /// A reconnection time in milliseconds.
    Retry(u128),
}

/// A decoder driver: decodes `chunks` in order and reports each item to `on`.
/// `Err` carries the decoder's own error message (the stream then stops).
pub type DriveFn = fn(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String>;

/// A decoder in the comparison, with what its API can report at all.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    /// The crate name and version.
    pub name: &'static str,
    /// Whether comments reach the user.
    pub comments: bool,
    /// Whether a `retry` field reaches the user when its block has no data.
    pub bare_retry: bool,
    /// The driver.
    pub drive: DriveFn,
}

/// Our decoder plus every peer, ours first.
pub const ALL: &[Peer] = &[
    Peer {
        name: "sse-proto (ours)",
        comments: true,
        bare_retry: true,
        drive: drive_ours,
    },
    Peer {
        name: "sse-core 0.2",
        comments: false,
        bare_retry: true,
        drive: drive_sse_core,
    },
    Peer {
        name: "sse-stream 0.3",
        comments: false,
        bare_retry: true,
        drive: drive_sse_stream,
    },
    Peer {
        name: "eventsource-stream 0.2",
        comments: false,
        bare_retry: false,
        drive: drive_eventsource_stream,
    },
    Peer {
        name: "sse-codec 0.3",
        comments: false,
        bare_retry: true,
        drive: drive_sse_codec,
    },
    Peer {
        name: "async-sse 5.1",
        comments: false,
        bare_retry: true,
        drive: drive_async_sse,
    },
    Peer {
        name: "sseer 0.3",
        comments: false,
        bare_retry: false,
        drive: drive_sseer,
    },
];

/// Splits `bytes` into reads of `read` bytes (cheap: the chunks share `bytes`).
///
/// # Panics
///
/// When `read` is zero.
pub fn chunks(bytes: &Bytes, read: usize) -> Vec<Bytes> {
    assert!(read > 0, "read size must be positive");
    (0..bytes.len())
        .step_by(read)
        .map(|start| bytes.slice(start..bytes.len().min(start + read)))
        .collect()
}

/// Runs `peer` on `chunks` and counts events, comments and data bytes.
///
/// # Errors
///
/// The peer's error message, when it stops with one.
pub fn count(peer: &Peer, chunks: &[Bytes]) -> Result<Counts, String> {
    let mut counts = Counts::default();
    (peer.drive)(chunks, &mut |seen| match seen {
        Seen::Event { data, .. } => {
            counts.events += 1;
            counts.data_bytes += data.len();
        }
        Seen::Comment(_) => counts.comments += 1,
        Seen::Retry(_) => {}
    })?;
    Ok(counts)
}

fn drive_ours(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let mut decoder = sse_proto::Decoder::new();
    for chunk in chunks {
        let mut input = &chunk[..];
        while !input.is_empty() {
            let step = decoder.decode(input).map_err(|e| e.to_string())?;
            input = &input[step.consumed..];
            match step.item {
                Some(sse_proto::Item::Event(e)) => on(Seen::Event {
                    event_type: e.event_type(),
                    data: e.data(),
                    id: e.last_event_id(),
                }),
                Some(sse_proto::Item::Comment(c)) => on(Seen::Comment(c)),
                Some(sse_proto::Item::Retry(d)) => on(Seen::Retry(d.as_millis())),
                Some(_) | None => {}
            }
        }
    }
    Ok(())
}

/// `sse_core::SseDecoder::next(&mut impl Buf)`, its low-level entry point.
fn drive_sse_core(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let mut decoder = sse_core::SseDecoder::new();
    for chunk in chunks {
        let mut buf = chunk.clone();
        while let Some(item) = decoder.next(&mut buf) {
            match item.map_err(|e| e.to_string())? {
                sse_core::SseEvent::Message(m) => on(Seen::Event {
                    event_type: &m.event,
                    data: &m.data,
                    id: m.last_event_id.as_deref().unwrap_or(""),
                }),
                sse_core::SseEvent::Retry(ms) => on(Seen::Retry(ms.into())),
            }
        }
        debug_assert!(!buf.has_remaining(), "sse-core leaves nothing unread");
    }
    Ok(())
}

/// `sse_stream::SseByteStream` over a byte stream. It yields raw blocks without
/// ID inheritance, so the driver keeps the last ID as an EventSource user must.
fn drive_sse_stream(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let stream = sse_stream::SseByteStream::new(ChunkStream::new(chunks));
    let mut last_id = String::new();
    block_on_stream(stream, |block| {
        let block = block.map_err(|e| e.to_string())?;
        if let Some(ms) = block.retry {
            on(Seen::Retry(ms.into()));
        }
        if let Some(id) = block.id {
            last_id = id;
        }
        if let Some(data) = &block.data {
            on(Seen::Event {
                event_type: block.event.as_deref().unwrap_or("message"),
                data,
                id: &last_id,
            });
        }
        Ok(())
    })
}

/// `eventsource_stream::Eventsource::eventsource()` on a byte stream.
fn drive_eventsource_stream(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    use eventsource_stream::Eventsource;
    let stream = ChunkStream::new(chunks).eventsource();
    block_on_stream(stream, |event| {
        let event = event.map_err(|e| e.to_string())?;
        if let Some(d) = event.retry {
            on(Seen::Retry(d.as_millis()));
        }
        on(Seen::Event {
            event_type: &event.event,
            data: &event.data,
            id: &event.id,
        });
        Ok(())
    })
}

/// `sse_codec::decode_stream(impl AsyncRead)`.
fn drive_sse_codec(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let stream = sse_codec::decode_stream(ChunkReader::new(chunks));
    block_on_stream(stream, |event| {
        match event.map_err(|e| e.to_string())? {
            sse_codec::Event::Message { id, event, data } => on(Seen::Event {
                event_type: &event,
                data: &data,
                id: id.as_deref().unwrap_or(""),
            }),
            sse_codec::Event::Retry { retry } => on(Seen::Retry(retry.into())),
        }
        Ok(())
    })
}

/// `async_sse::decode(impl AsyncBufRead)`.
fn drive_async_sse(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let stream = async_sse::decode(ChunkReader::new(chunks));
    block_on_stream(stream, |event| {
        match event.map_err(|e| e.to_string())? {
            async_sse::Event::Message(m) => {
                let data = String::from_utf8_lossy(m.data());
                on(Seen::Event {
                    event_type: m.name(),
                    data: &data,
                    id: m.id().as_deref().unwrap_or(""),
                });
            }
            async_sse::Event::Retry(d) => on(Seen::Retry(d.as_millis())),
        }
        Ok(())
    })
}

/// `sseer::EventStream::new` on a byte stream.
fn drive_sseer(chunks: &[Bytes], on: &mut dyn FnMut(Seen<'_>)) -> Result<(), String> {
    let stream = sseer::EventStream::new(ChunkStream::new(chunks));
    block_on_stream(stream, |event| {
        let event = event.map_err(|e| e.to_string())?;
        if let Some(d) = event.retry {
            on(Seen::Retry(d.as_millis()));
        }
        on(Seen::Event {
            event_type: &event.event,
            data: &event.data,
            id: &event.id,
        });
        Ok(())
    })
}

/// A waker for sources that are never pending.
struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls `stream` to its end, handing each item to `each`; stops at the first
/// `Err` that `each` returns.
///
/// # Errors
///
/// The first error from `each`, or a message when the stream stays pending
/// (an in-memory source never should).
pub fn block_on_stream<S: Stream>(
    stream: S,
    mut each: impl FnMut(S::Item) -> Result<(), String>,
) -> Result<(), String> {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut stream = std::pin::pin!(stream);
    loop {
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => each(item)?,
            Poll::Ready(None) => return Ok(()),
            Poll::Pending => return Err("in-memory stream was pending".into()),
        }
    }
}

/// The reads as a `Stream<Item = Result<Bytes, Infallible>>`.
#[derive(Debug)]
pub struct ChunkStream<'a> {
    chunks: std::slice::Iter<'a, Bytes>,
}

impl<'a> ChunkStream<'a> {
    /// A stream yielding a clone of each chunk in turn.
    pub fn new(chunks: &'a [Bytes]) -> Self {
        ChunkStream {
            chunks: chunks.iter(),
        }
    }
}

impl Stream for ChunkStream<'_> {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.chunks.next().cloned().map(Ok))
    }
}

/// The reads as an `AsyncRead` / `AsyncBufRead`: each read returns at most the
/// rest of the current chunk, like a socket.
#[derive(Debug)]
pub struct ChunkReader<'a> {
    chunks: &'a [Bytes],
    current: Bytes,
}

impl<'a> ChunkReader<'a> {
    /// A reader over `chunks`, in order.
    pub fn new(chunks: &'a [Bytes]) -> Self {
        ChunkReader {
            chunks,
            current: Bytes::new(),
        }
    }

    /// Moves to the next non-empty chunk when the current one is used up.
    fn refill(&mut self) {
        while self.current.is_empty() {
            match self.chunks.split_first() {
                Some((first, rest)) => {
                    self.current = first.clone();
                    self.chunks = rest;
                }
                None => return,
            }
        }
    }
}

impl AsyncRead for ChunkReader<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.refill();
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Poll::Ready(Ok(n))
    }
}

impl AsyncBufRead for ChunkReader<'_> {
    fn poll_fill_buf(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        this.refill();
        Poll::Ready(Ok(&this.current[..]))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        let amt = amt.min(self.current.len());
        self.current.advance(amt);
    }
}

/// What a server using sse-codec holds: its `Event`s, and comments, for
/// which it has no type, so that its users write them themselves.
pub enum CodecItem<'a> {
    /// An event or a retry, as sse-codec holds it.
    Event(sse_codec::Event),
    /// A comment's text.
    Comment(&'a str),
}

/// `frames` as sse-codec items (keepalives left out: the bench has none).
pub fn sse_codec_items<'a>(frames: &[Frame<'a>]) -> Vec<CodecItem<'a>> {
    frames
        .iter()
        .filter_map(|frame| match *frame {
            Frame::Event(e) => Some(CodecItem::Event(sse_codec::Event::message(
                e.event_type.unwrap_or("message"),
                e.data,
                e.id,
            ))),
            Frame::Retry(d) => Some(CodecItem::Event(sse_codec::Event::retry(
                u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            ))),
            Frame::Comment(text) => Some(CodecItem::Comment(text)),
            _ => None,
        })
        .collect()
}

/// What `<SSECodec as futures_codec::Encoder>::encode` does with each event
/// (`writeln!(dest, "{}", item)` into a `BytesMut`), without taking the
/// events by value; a comment is appended as `:`, its text and an empty
/// line, the cheapest way its users can write one.
///
/// # Panics
///
/// Never: writing to a `String` does not fail.
pub fn sse_codec_encode(items: &[CodecItem<'_>], out: &mut String) {
    for item in items {
        match item {
            CodecItem::Event(event) => writeln!(out, "{event}").expect("writing to a String"),
            CodecItem::Comment(text) => {
                out.push(':');
                out.push_str(text);
                out.push_str("\n\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{corpora, READ_SIZE};

    #[test]
    fn chunks_cover_the_input_in_order() {
        let bytes = Bytes::from_static(b"0123456789");
        let parts = chunks(&bytes, 4);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts.concat(), b"0123456789");
    }

    #[test]
    fn every_driver_finds_a_simple_event() {
        let input = [
            Bytes::from_static(b"id: 7\nevent: x\ndata: a\ndata"),
            Bytes::from_static(b": b\n\n"),
        ];
        for peer in ALL {
            let mut seen = Vec::new();
            (peer.drive)(&input, &mut |s| {
                if let Seen::Event {
                    event_type,
                    data,
                    id,
                } = s
                {
                    seen.push((event_type.to_string(), data.to_string(), id.to_string()));
                }
            })
            .unwrap_or_else(|e| panic!("{}: {e}", peer.name));
            assert_eq!(
                seen,
                [("x".into(), "a\nb".into(), "7".into())],
                "{}",
                peer.name
            );
        }
    }

    #[test]
    fn ours_counts_every_corpus_exactly() {
        let ours = &ALL[0];
        for corpus in corpora() {
            let bytes = Bytes::from(corpus.bytes);
            let got = count(ours, &chunks(&bytes, READ_SIZE)).unwrap();
            assert_eq!(
                (got.events, got.comments),
                (corpus.events, corpus.comments),
                "{}",
                corpus.name
            );
        }
    }
}
