//! The runtime-agnostic async layer of [`sse_proto`]: an EventSource client
//! and Server-Sent Events decoding from any byte source, on any executor.
//!
//! `sse-rt` is written once against `futures-core`'s `Stream`, futures-io's
//! `AsyncRead`/`AsyncWrite` and a two-method [`Runtime`] seam (a clock and a
//! resettable [`AsyncTimer`]). The runtime crates (`sse-tokio`, `sse-smol`,
//! `sse-async-std`) only implement that seam and supply TCP; they re-export
//! everything here.
//!
//! # The EventSource client
//!
//! [`EventSource`] drives the core's [`Client`](sse_proto::client::Client)
//! over any connection: a [`Connector`] opens a fresh one per attempt (plain
//! TCP from a runtime crate, or your TLS stream), a [`MakeRequest`] makes the
//! [`Request`] of each attempt (a token refreshed on reconnect), and the
//! stream yields [`Item`]s: `Open { status, headers }`, `Event`, `Comment`,
//! `Retry`, and transient errors, until closed for good
//! ([`fail_reason`](EventSource::fail_reason) says why). Redirects, the
//! WHATWG status rules (or [`StatusPolicy::RetryTransient`]), reconnects with
//! `Last-Event-ID` after the server's `retry:` with optional backoff and a
//! budget, connect and idle timeouts, one-shot or replayable requests, and
//! [`close`](EventSource::close) from anywhere ([`CloseHandle`]), or
//! [`restart`](EventSource::restart) now.
//!
//! An HTTP client can do the exchanges instead of the built-in HTTP/1.1: a
//! [`Transport`] sends each attempt's [`TransportRequest`] and hands back a
//! [`TransportResponse`] (status, headers, a stream of body chunks), with
//! [`EventSourceBuilder::build_with_transport`]. The event source still makes
//! every decision. `sse-reqwest` binds reqwest this way (HTTPS, proxies,
//! HTTP/2).
//!
//! ```no_run
//! use std::time::Duration;
//! use futures_lite::StreamExt;
//! use sse_rt::{Attempt, EventSource, Item, Request, Runtime};
//!
//! # async fn run(runtime: impl Runtime, connector: impl sse_rt::Connector) {
//! // A request per attempt, with the freshest token.
//! let requests = |_: &Attempt<'_>| {
//!     Request::get("http://127.0.0.1:8080/events")
//!         .map(|r| r.with_header("Authorization", format!("Bearer {}", current_token())))
//! };
//! let mut es = EventSource::builder(requests)
//!     .idle_timeout(Some(Duration::from_secs(60)))
//!     .build(runtime, connector); // e.g. sse_tokio::TokioRuntime, sse_tokio::tcp_connector()
//! while let Some(item) = es.next().await {
//!     match item {
//!         Ok(Item::Event(event)) => println!("{}: {}", event.event_type, event.data),
//!         Ok(_) => {}                                  // Open, Comment, Retry
//!         Err(e) => eprintln!("{e}; reconnecting"),    // transient
//!     }
//! }
//! if let Some(reason) = es.fail_reason() {
//!     eprintln!("closed for good: {reason}");
//! }
//! # }
//! # fn current_token() -> String { String::new() }
//! ```
//!
//! # Serving event streams
//!
//! [`server`] holds the server side: [`EventBody`](server::EventBody), a
//! response body (`http_body::Body` and a `Stream` of `Bytes`) with
//! keepalives on the runtime's timer; [`EventSink`](server::EventSink) over
//! any `AsyncWrite`; the broadcast [`Hub`](server::Hub) with bounded queues,
//! an explicit lag policy and `Last-Event-ID` resume; and
//! [`serve_connection`](server::serve_connection), a standalone HTTP/1.1 path.
//!
//! # Decoding a byte source
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
//! One [`Error`] enum, classified by [`Error::kind`] and
//! [`Error::is_retryable`]. In the decoding streams, a limit error
//! ([`Error::Decode`]) skips the offending event and the stream goes on; an
//! error of the source ([`Error::Io`], [`Error::Transport`]) is yielded once
//! and the stream ends. At the end of the input an unterminated event is
//! dropped, as the standard requires. In an [`EventSource`] every error item
//! is transient (see [`Error`]). Every stream is fused and its `poll_next` is
//! cancel-safe.
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `http-body` | `DecodeBody` over any `http_body::Body` 1.x (pulls in `http-body`, `http`, `bytes`) | no |
//! | `grip` | [`grip`]: GRIP mode for Pushpin (hold responses with the replay, the publish client, the forwarder); no dependency of its own | no |
//! | `test-util` | [`test_util`]: the virtual-clock runtime, an in-memory connection, and the scenario suites the runtime crates run; for tests only | no |
//!
//! # Stability
//!
//! The `Display` text of errors may change between minor versions; match on
//! the variants instead. [`Error`], [`ErrorKind`] and [`Item`] are
//! `#[non_exhaustive]`.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alarm;
pub mod client;
mod decode;
mod error;
#[cfg(feature = "grip")]
#[cfg_attr(docsrs, doc(cfg(feature = "grip")))]
pub mod grip;
mod runtime;
pub mod server;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// The sans-IO core this crate drives, for everything not re-exported here.
pub use sse_proto;

pub use client::{
    connect_plain, tcp_connector, Attempt, BodyStream, CloseHandle, Connecting, Connector,
    EventSource, EventSourceBuilder, Io, Item, MakeRequest, Request, TlsRequired, Transport,
    TransportFuture, TransportRequest, TransportResponse,
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
