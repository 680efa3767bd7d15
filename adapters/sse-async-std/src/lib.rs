//! Server-Sent Events on async-std: `sse-rt`'s [`Runtime`] seam, and
//! [`sse_rt`]'s whole API re-exported.
//!
//! **async-std is discontinued upstream** (RUSTSEC-2025-0052); its authors
//! point to smol. This crate stays as thin as it can for code that still runs
//! on async-std: prefer `sse-smol` for anything new. async-std's sockets speak
//! futures-io already, and async-std runs on async-io's reactor, so
//! [`AsyncStdRuntime`] is `sse-smol`'s runtime under async-std's name.
//!
//! # Example: events from an async-std socket
//!
//! ```no_run
//! use async_std::stream::StreamExt;
//! use sse_async_std::{DecodeReader, ItemOwned};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A plain connection whose peer writes an event stream (no HTTP here).
//! let socket = async_std::net::TcpStream::connect("127.0.0.1:8080").await?;
//! let mut events = DecodeReader::new(socket);
//! while let Some(item) = events.next().await {
//!     if let ItemOwned::Event(event) = item? {
//!         println!("{}: {}", event.event_type, event.data);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use std::pin::Pin;
use std::time::Instant;

pub use sse_rt::*;
/// A plain-TCP [`Connector`]: async-net's `TcpStream`, async-std's own
/// sockets underneath (`sse_smol::tcp_connector`).
pub use sse_smol::tcp_connector;
use sse_smol::SmolRuntime;
/// Serving event streams over HTTP/1.1 on async-net's `TcpListener`
/// (`sse_smol::serve`, `sse_smol::serve_with`): async-std runs on the same
/// reactor.
pub use sse_smol::{serve, serve_with};

/// An [`EventSource`] that `GET`s `url` over plain TCP on async-std, with the
/// default settings.
///
/// # Errors
///
/// [`Error::Request`] when `url` is not an `http` URL, [`Error::TlsRequired`]
/// for an `https` one.
pub fn connect(url: &str) -> Result<EventSource, Error> {
    sse_rt::connect_plain(url, AsyncStdRuntime, tcp_connector())
}

/// async-std as an `sse-rt` [`Runtime`]: the system clock and async-io's
/// timers, which are async-std's own (it is `sse_smol::SmolRuntime` under
/// another name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsyncStdRuntime;

impl Runtime for AsyncStdRuntime {
    fn now(&self) -> Instant {
        SmolRuntime.now()
    }

    fn new_timer(&self, deadline: Instant) -> Pin<Box<dyn AsyncTimer>> {
        SmolRuntime.new_timer(deadline)
    }
}
