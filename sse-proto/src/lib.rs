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
//! Hand each read to [`Decoder::feed`] and drain the items it yields with
//! `while let`. Reads may split lines and events anywhere; the decoder keeps
//! what it needs between them.
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use sse_proto::{Decoder, Item};
//!
//! let mut decoder = Decoder::new();
//! let mut events = Vec::new();
//! // Reads as they come off the socket; boundaries fall anywhere.
//! for read in [&b"retry: 2500\nid: 1\ndata: hel"[..], b"lo\n\n: keepalive\n\nda", b"ta: bye\n\n"] {
//!     let mut feed = decoder.feed(read);
//!     while let Some(item) = feed.next_item() {
//!         match item.expect("default limits are generous") {
//!             Item::Event(e) => events.push((e.data().to_owned(), e.last_event_id().to_owned())),
//!             Item::Comment(text) => assert_eq!(text, " keepalive"),
//!             Item::Retry(d) => assert_eq!(d.as_millis(), 2500),
//!             _ => {} // kinds of items added in later versions
//!         }
//!     }
//! }
//! assert_eq!(events, [("hello".into(), "1".into()), ("bye".into(), "1".into())]);
//! assert_eq!(decoder.last_event_id(), "1"); // send as Last-Event-ID on reconnect
//! # }
//! ```
//!
//! Each item borrows the read (an event whose single `data` line lay in it
//! whole: zero copy) or the decoder's reused buffer, until the next `next_item` call; keep one with
//! `Item::into_owned` (feature `alloc`). The same loop decodes `Bytes` chunks into owned items that
//! share the chunk's memory (`Decoder::feed_bytes`, feature `bytes`), and
//! [`Decoder::decode`] is the single step underneath, for callers that keep the
//! offsets themselves.
//!
//! # Example: driving the client
//!
//! The [`client::Client`] decides *what* to do and *when*; the adapter does the
//! I/O with [`http`] for the bytes on the wire. One run loop, in six steps
//! (here with a scripted server and a virtual clock instead of sockets):
//!
//! 1. Create the client with a [`client::Config`] (mode, backoff, decoder
//!    [`Limits`], redirect limit). Nothing happens until you ask.
//! 2. Drain [`Client::poll_action`](client::Client::poll_action):
//!    [`Action::Connect`](client::Action::Connect) means open a connection and
//!    write an [`http::Request`] carrying
//!    [`last_event_id`](client::Client::last_event_id);
//!    [`Action::Close`](client::Action::Close) means drop the connection (its
//!    [`CloseReason`](client::CloseReason) says why).
//! 3. Read until [`http::parse_response`] is complete, then call
//!    [`handle_response`](client::Client::handle_response) with the status and
//!    `Content-Type`. [`Accepted::Redirect`](client::Accepted::Redirect): join
//!    the `Location` against the URL ([`http::Url`]), send the request there
//!    and report its head. An `Err` is final: read the body for the error
//!    message.
//! 4. Strip the body framing with an [`http::BodyDecoder`] and pass the data to
//!    [`handle_bytes`](client::Client::handle_bytes); drain its items.
//! 5. At end of input call [`handle_end`](client::Client::handle_end) with
//!    [`BodyDecoder::finish`](http::BodyDecoder::finish); on an I/O error call
//!    [`handle_error`](client::Client::handle_error).
//! 6. Sleep until [`poll_timeout`](client::Client::poll_timeout) (or until bytes
//!    arrive), call [`handle_timeout`](client::Client::handle_timeout), and go to 2.
//!    Stop when [`ready_state`](client::Client::ready_state) is `Closed`.
//!
//! Under `std`, [`Origin`] converts between `std::time::Instant` and the
//! client's milliseconds. [`restart`](client::Client::restart) reconnects at
//! once (a network change); [`close`](client::Client::close) stops for good.
//!
//! ```
//! # #[cfg(not(feature = "alloc"))] fn main() {} // `Client::new` needs `alloc`
//! # #[cfg(feature = "alloc")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sse_proto::client::{Accepted, Action, Client, Config, ReadyState, ResponseError};
//! use sse_proto::http::{parse_response, BodyDecoder, HttpLimits, Parsed, Request, Url, EMPTY_HEADER};
//! use sse_proto::{FailReason, Instant, Item, StreamEnd};
//!
//! // The scripted server: a redirect, a response cut before its last chunk,
//! // then "stop" (204).
//! let mut responses = vec![
//!     &b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /v2/events\r\nContent-Length: 0\r\n\r\n"[..],
//!     b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n\
//!        16\r\nretry: 100\nid: 1\ndata:\r\n5\r\n hi\n\n\r\n",
//!     b"HTTP/1.1 204 No Content\r\n\r\n",
//! ]
//! .into_iter();
//! let mut now = Instant::ZERO; // the adapter's clock, here virtual
//! let mut url = String::from("http://example.com/events");
//! let mut sent = Vec::new(); // requests written, for the asserts below
//! let mut seen = Vec::new();
//! let mut truncated = 0;
//!
//! let mut client = Client::new(Config::replayable(), now); // 1.
//! while client.ready_state() != ReadyState::Closed {
//!     match client.poll_action() { // 2.
//!         Some(Action::Close(_reason)) => {} // drop the connection
//!         Some(Action::Connect(_)) => loop {
//!             let target = Url::parse(&url)?; // connect to target.host(), target.port()
//!             let mut request = Vec::new();
//!             Request::get(target.authority(), target.target())
//!                 .last_event_id(client.last_event_id())
//!                 .encode_to_vec(&mut request)?;
//!             sent.push(request);
//!             let wire = responses.next().expect("scripted");
//!             let mut headers = [EMPTY_HEADER; 32];
//!             let Parsed::Complete(head) = parse_response(wire, &mut headers, &HttpLimits::default())? else {
//!                 unreachable!("a real adapter reads more and parses again");
//!             };
//!             match client.handle_response(now, head.status, head.content_type()) { // 3.
//!                 Ok(Accepted::Open) => {}
//!                 Ok(Accepted::Redirect(_)) => {
//!                     url = target.join(head.header("location"))?;
//!                     continue; // the same request, to the new URL
//!                 }
//!                 Err(e) => {
//!                     assert_eq!(e, ResponseError::Failed(FailReason::NoContent));
//!                     break;
//!                 }
//!             }
//!             let mut body = BodyDecoder::new(head.framing()?, HttpLimits::default()); // 4.
//!             let mut input = &wire[head.head_len..];
//!             while !input.is_empty() && !body.is_done() {
//!                 let chunk = body.decode(input)?;
//!                 input = &input[chunk.consumed..];
//!                 let mut items = client.handle_bytes(now, chunk.data);
//!                 while let Some(item) = items.next_item() {
//!                     if let Item::Event(event) = item? {
//!                         seen.push(event.data().to_owned());
//!                     }
//!                 }
//!             }
//!             if client.handle_end(now, body.finish()) == StreamEnd::Truncated { // 5.
//!                 truncated += 1; // the connection was cut
//!             }
//!             break;
//!         },
//!         None => {
//!             if let Some(deadline) = client.poll_timeout() { // 6.
//!                 now = deadline; // a real adapter sleeps (or wakes early on input)
//!                 client.handle_timeout(now);
//!             }
//!         }
//!     }
//! }
//! assert_eq!(seen, ["hi"]); // one event, split across two chunks
//! assert_eq!(truncated, 1);
//! assert_eq!(now.as_millis(), 100); // the server's retry: 100
//! assert!(sent[1].starts_with(b"GET /v2/events HTTP/1.1\r\n")); // redirected
//! assert!(String::from_utf8_lossy(&sent[2]).contains("\r\nLast-Event-ID: 1\r\n"));
//! assert_eq!(client.fail_reason(), Some(FailReason::NoContent));
//! # Ok(())
//! # }
//! ```
//!
//! # Example: encoding
//!
//! ```
//! use sse_proto::{Encoder, EventFrame, Frame};
//!
//! let encoder = Encoder::new();
//! let mut buf = [0u8; 128];
//! let event = EventFrame::new("{\"delta\":\"hi\"}").with_event_type("delta").with_id("1");
//! let n = encoder.encode_into(event, &mut buf).unwrap(); // or encode_to_vec / encode_to_buf
//! assert_eq!(&buf[..n], b"event: delta\nid: 1\ndata: {\"delta\":\"hi\"}\n\n");
//! // A refused field (CR/LF in event or id, NUL in id) writes nothing.
//! assert!(encoder.encode_into(EventFrame::new("x").with_id("1\n2"), &mut buf).is_err());
//! ```
//!
//! The server side is sans-IO too, in [`server`]: the response headers per HTTP
//! version, the `Last-Event-ID` request header, the keepalive timer
//! [`ServerStream`](server::ServerStream) and (with `alloc`) the replay
//! `History`; [`http`] adds the HTTP/1.1 request head, response head and chunks
//! for a server that speaks HTTP itself.
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `std` | `alloc`; `From<DecodeError>` and `From<HttpError>` for `std::io::Error`; [`Origin`] (`std::time::Instant` to and from [`Instant`]) | yes |
//! | `alloc` | [`Decoder::new`] on growable storage, [`EventOwned`], [`ItemOwned`], [`client::Client::new`], `encode_to_vec` and `Url::join` in [`http`], `Encoder::encode_to_vec`, `server::History` | via `std` |
//! | `bytes` | `alloc`; `Decoder::feed_bytes`: decode `Bytes` chunks (as HTTP clients give them) into items that are `Bytes` slices of them; `Encoder::encode_to_buf` into any `BufMut` | no |
//! | `http` | `std`; types of the `http` crate (not the [`http`] module): `server::insert_response_headers(&mut HeaderMap, Version)`, `server::LastEventId::from_headers` | no |
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
//! - **Linear time over any chunking.** A partial line kept from an earlier read
//!   is never scanned again; a call's work is bounded by the bytes it takes plus
//!   one 64-byte block, so decoding is O(n) whether the stream arrives whole or
//!   one byte at a time (a test counts the bytes examined).
//! - **No allocation per event.** Buffers grow to the largest event and are reused.
//!   An event with a single `data` line lying wholly in one read is borrowed from
//!   it without a copy; the data of any other event is copied once into the
//!   decoder's buffer.
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

pub mod client;
mod decode;
mod digits;
mod encode;
mod error;
mod event;
pub mod http;
mod limits;
mod scan;
pub mod server;
mod time;

#[cfg(test)]
mod tests;

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(feature = "bytes")]
pub use decode::{BytesEvent, BytesFeed, BytesItem, BytesStr};
pub use decode::{Decoded, Decoder, Feed, FixedBuf, Storage, StreamEnd};
pub use encode::{Encoder, EventFrame, Frame};
#[cfg(feature = "alloc")]
pub use error::HistoryError;
pub use error::{DecodeError, EncodeError, FailReason, Field, HttpError};
pub use event::{Event, Item};
#[cfg(feature = "alloc")]
pub use event::{EventOwned, ItemOwned};
pub use limits::Limits;
pub use time::Instant;
#[cfg(feature = "std")]
pub use time::Origin;
