//! Sans-IO Server-Sent Events (`text/event-stream`): bytes in, items out, time as a
//! parameter.
//!
//! `sse-proto` never touches a socket, a clock, a runtime or a random number
//! generator, and allocates nothing per event. It implements the WHATWG HTML
//! "Server-sent events" rules to the letter, on any chunking of the input, and
//! runs on `#![no_std]` targets (with caller-provided memory when there is no heap).
//!
//! # Example: decoding a stream
//!
//! ```
//! use sse_proto::{Decoder, Item};
//!
//! let mut decoder = Decoder::new();
//! let mut events = Vec::new();
//! // Reads as they come off the socket; boundaries fall anywhere.
//! for read in [&b"retry: 2500\nid: 1\ndata: hel"[..], b"lo\n\n: keepalive\n\nda", b"ta: bye\n\n"] {
//!     let mut input = read;
//!     while !input.is_empty() {
//!         let step = decoder.decode(input).expect("default limits are generous");
//!         input = &input[step.consumed..];
//!         match step.item {
//!             Some(Item::Event(e)) => events.push((e.data().to_owned(), e.last_event_id().to_owned())),
//!             Some(Item::Comment(text)) => assert_eq!(text, " keepalive"),
//!             Some(Item::Retry(d)) => assert_eq!(d.as_millis(), 2500),
//!             None => {} // need more input
//!         }
//!     }
//! }
//! assert_eq!(events, [("hello".into(), "1".into()), ("bye".into(), "1".into())]);
//! assert_eq!(decoder.last_event_id(), "1"); // send as Last-Event-ID on reconnect
//! ```
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `std` | `alloc`; `From<DecodeError> for std::io::Error` | yes |
//! | `alloc` | [`Decoder::new`] on growable storage, [`EventOwned`], [`ItemOwned`] | via `std` |
//! | `bytes` | `alloc`; [`Decoder::decode_bytes`]: decode a `BytesMut` into `Bytes` slices of it | no |
//!
//! With default features off, decode into caller memory with
//! [`Decoder::with_buffer`]; everything else works the same.
//!
//! # Guarantees
//!
//! - **Never panics on input.** Bad input is a typed [`DecodeError`] or, where the
//!   standard says so, ignored or replaced (invalid UTF-8 becomes U+FFFD).
//! - **Bounded memory.** Partial lines and events are capped by [`Limits`] (generous
//!   defaults); an over-limit event is reported and skipped, and decoding goes on.
//! - **Linear time over any chunking.** No byte is scanned twice, whether the
//!   stream arrives whole or one byte at a time.
//! - **No allocation per event.** Buffers grow to the largest event and are reused;
//!   an event whose data lies in one read is borrowed from it without a copy.
//!
//! # Stability
//!
//! The `Display` text of errors may change between minor versions; match on the
//! variants instead. Error enums are `#[non_exhaustive]`.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

// `alloc` and `std` are opt-in: the crate is `no_std` by default so that every
// feature only adds (the rustls pattern).
#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod decode;
mod error;
mod event;
mod limits;
mod time;

#[cfg(test)]
mod tests;

pub use decode::{Decoded, Decoder, Feed, FixedBuf, Storage, StreamEnd};
#[cfg(feature = "bytes")]
pub use decode::{BytesEvent, BytesItem, BytesStr};
pub use error::DecodeError;
#[cfg(feature = "alloc")]
pub use event::{EventOwned, ItemOwned};
pub use event::{Event, Item};
pub use limits::Limits;
pub use time::Instant;
