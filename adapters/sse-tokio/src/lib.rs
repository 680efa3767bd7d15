//! Server-Sent Events on tokio: the glue between tokio and [`sse_rt`], whose
//! whole API is re-exported here.
//!
//! - [`TokioRuntime`]: `sse-rt`'s [`Runtime`] seam on tokio's clock and
//!   [`Sleep`](tokio::time::Sleep) timers.
//! - [`TokioIo`]: any tokio `AsyncRead`/`AsyncWrite` as a futures-io one, so
//!   tokio sockets feed [`DecodeReader`] and the drivers.
//! - `SseCodec` (feature `codec`, on by default): tokio-util's `Decoder` and
//!   `Encoder` for `FramedRead`/`FramedWrite`.
//!
//! There is no logic here: decoding, limits and errors are `sse-rt`'s and
//! `sse-proto`'s, the same on every runtime.
//!
//! # Example: events from a tokio socket
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_tokio::{DecodeReader, ItemOwned, TokioIo};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A plain connection whose peer writes an event stream (no HTTP here).
//! let socket = tokio::net::TcpStream::connect("127.0.0.1:8080").await?;
//! let mut events = DecodeReader::new(TokioIo::new(socket));
//! while let Some(item) = events.next().await {
//!     if let ItemOwned::Event(event) = item? {
//!         println!("{}: {}", event.event_type, event.data);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `codec` | `SseCodec` (pulls in `tokio-util`) | yes |
//!
//! tokio itself is used with its `time` feature only.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "codec")]
mod codec;
mod compat;
mod runtime;

#[cfg(feature = "codec")]
#[cfg_attr(docsrs, doc(cfg(feature = "codec")))]
pub use codec::SseCodec;
pub use compat::TokioIo;
pub use runtime::TokioRuntime;
pub use sse_rt::*;
