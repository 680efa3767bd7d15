//! The runtime-agnostic async layer of [`sse_proto`]: Server-Sent Events from
//! any byte source, on any executor.
//!
//! `sse-rt` is written once against `futures-core`'s `Stream`, futures-io's
//! `AsyncRead`/`AsyncWrite` and a two-method [`Runtime`] seam (a clock and a
//! resettable [`AsyncTimer`]). The runtime crates (`sse-tokio`, `sse-smol`,
//! `sse-async-std`) only implement that seam and adapt sockets; they re-export
//! everything here.
//!
//! Decoding follows the core exactly (WHATWG rules on any chunking, the same
//! [`Limits`]), from three kinds of source, all on one decoding loop:
//!
//! | source | type | made by |
//! | --- | --- | --- |
//! | `Stream<Item = Result<B, E>>`, `B: AsRef<[u8]>` (reqwest's `bytes_stream()`) | [`DecodeStream`] | [`ByteStreamExt::decode_sse`] |
//! | futures-io `AsyncRead` (sockets, pipes) | [`DecodeReader`] | [`DecodeReader::new`] |
//! | `http_body::Body` (hyper, axum), feature `http-body` | `DecodeBody` | `DecodeBody::new` |
//!
//! Each is a `Stream<Item = Result<ItemOwned, Error>>`. A stream cannot lend,
//! so items are owned: their strings are allocated once per item, while
//! partial lines and events wait in the decoder's reused buffer.
//!
//! # Example: decoding a byte stream
//!
//! ```
//! use std::convert::Infallible;
//! use futures_lite::{stream, StreamExt};
//! use sse_rt::{ByteStreamExt, DecodeConfig, Error, ItemOwned, Limits};
//!
//! # futures_lite::future::block_on(async {
//! // Chunks as a transport hands them over: boundaries fall anywhere.
//! let chunks = stream::iter([
//!     Ok::<_, Infallible>(&b"retry: 2000\nevent: delta\r"[..]),
//!     Ok(&b"\ndata: {\"text\":\"hi\"}\n\n"[..]),
//!     Ok(&b"data: this event is too long for the limit\n\ndata: bye\n\n"[..]),
//! ]);
//! let config = DecodeConfig::new().with_limits(Limits::new().with_max_event_len(16));
//! let mut events = chunks.decode_sse_with(config);
//! let mut seen = Vec::new();
//! while let Some(item) = events.next().await {
//!     match item {
//!         Ok(ItemOwned::Event(event)) => seen.push(format!("{}: {}", event.event_type, event.data)),
//!         Ok(ItemOwned::Retry(delay)) => seen.push(format!("retry {delay:?}")),
//!         Ok(_) => {} // comments, and kinds of items added later
//!         // A limit error skips one event; decoding goes on.
//!         Err(Error::Decode(e)) => seen.push(format!("skipped: {e}")),
//!         Err(e) => panic!("the source failed: {e}"),
//!     }
//! }
//! assert_eq!(seen, [
//!     "retry 2s",
//!     "delta: {\"text\":\"hi\"}",
//!     "skipped: event data exceeds 16 bytes",
//!     "message: bye",
//! ]);
//! # });
//! ```
//!
//! # Errors and the end of a stream
//!
//! One [`Error`] enum. A limit error ([`Error::Decode`]) skips the offending
//! event and the stream goes on; an error of the source ([`Error::Io`],
//! [`Error::Transport`]) is yielded once and the stream ends. At the end of
//! the input an unterminated event is dropped, as the standard requires.
//! The streams are fused and `poll_next` is cancel-safe.
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `http-body` | `DecodeBody` over any `http_body::Body` 1.x (pulls in `http-body`, `http`, `bytes`) | no |
//! | `test-util` | [`test_util`]: the virtual-clock runtime and the scenario suite the runtime crates run; for tests only | no |
//!
//! # Stability
//!
//! The `Display` text of errors may change between minor versions; match on
//! the variants instead. [`Error`] is `#[non_exhaustive]`: later versions add
//! the HTTP and EventSource client variants.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod client;
mod decode;
mod error;
mod runtime;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// The sans-IO core this crate drives, for everything not re-exported here.
pub use sse_proto;

pub use client::{
    connect_plain, tcp_connector, Attempt, CloseHandle, Connecting, Connector, EventSource,
    EventSourceBuilder, Io, Item, MakeRequest, Request, TlsRequired,
};
#[cfg(feature = "http-body")]
pub use decode::DecodeBody;
pub use decode::{
    ByteStreamExt, ChunkDecoder, DecodeConfig, DecodeReader, DecodeStep, DecodeStream,
};
pub use error::{BoxError, Error, ErrorKind, Refused};
pub use runtime::{AsyncTimer, Runtime};
pub use sse_proto::client::{Backoff, Mode, ReadyState, StatusPolicy};
pub use sse_proto::{
    DecodeError, EncodeError, Encoder, EventFrame, EventOwned, FailReason, Frame, HttpError,
    ItemOwned, Limits, StreamEnd,
};
