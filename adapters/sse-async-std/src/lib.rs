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
use sse_smol::SmolRuntime;

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
