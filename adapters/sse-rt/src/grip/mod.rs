//! GRIP mode for Pushpin (feature `grip`): Pushpin holds the clients'
//! streams, the server answers each stream request with instructions and a
//! replay, and publishes every event to Pushpin.
//!
//! [Pushpin](https://pushpin.org/) is a reverse proxy that keeps the long
//! connections itself. A client's `GET` goes through Pushpin to this server,
//! which answers at once (the *hold response*, [`Hold::respond`]):
//!
//! ```text
//! HTTP/1.1 200 OK
//! Content-Type: text/event-stream
//! Grip-Hold: stream
//! Grip-Channel: events; prev-id=41
//! Grip-Keep-Alive: :\n\n; format=cstring; timeout=15
//! Grip-Link: </events>; rel=next
//!
//! (the events after the client's Last-Event-ID, out of the log)
//! ```
//!
//! Pushpin sends the body to the client, keeps the connection open, and
//! subscribes it to the channel. A [`Forwarder`] (one per topic per node)
//! posts each event of the log (any [`Backplane`](crate::server::Backplane):
//! the node's hub, or a log shared by many nodes) to Pushpin's publish endpoint as an
//! item (`http-stream` content: the encoded SSE frame) with its `id` and
//! `prev-id`, in log order; Pushpin writes it to every held stream whose
//! last ID is that `prev-id`. When an item is missing, or every two minutes
//! on a quiet channel, Pushpin asks the next link with `Grip-Last: events;
//! last-id=..` ([`grip_last`]): the answer is another hold response with
//! what the client missed. Clients resume with `Last-Event-ID` as with any
//! SSE server: the replay comes out of the log.
//!
//! | what | item |
//! | --- | --- |
//! | did the request come through Pushpin | [`is_grip_request`] |
//! | where Pushpin's recovery resumes | [`grip_last`] |
//! | the hold response (headers + replay) | [`Hold`] |
//! | the publish body | [`Item`], [`write_items`] |
//! | an HTTP/1.1 client of the publish endpoint | [`Publisher`] |
//! | the topic's events, posted in order, retried | [`Forwarder`] |
//!
//! `Grip-Sig` (Pushpin's JWT) is not verified: the origin must be reachable
//! only from Pushpin (bind it to 127.0.0.1 or a private network).
//!
//! # Example
//!
//! The two halves, on any runtime (here the virtual one of `test-util`):
//!
//! ```
//! use std::time::Duration;
//! use sse_rt::grip::{is_grip_request, Forwarder, Hold, Publisher};
//! use sse_rt::server::{Hub, HubConfig, LastEventId};
//! # use sse_rt::test_util::VirtualRuntime;
//! # let runtime = VirtualRuntime::new();
//! # let connector = |_: &sse_rt::sse_proto::http::Url<'_>| {
//! #     std::future::ready(Err::<sse_rt::test_util::Canned, _>(std::io::Error::other("none")))
//! # };
//!
//! let hub = Hub::new(HubConfig::new());
//! // Once per topic: spawn `forwarder.run()` on your executor.
//! let publisher = Publisher::new("http://127.0.0.1:5561", connector, runtime.clone(), Duration::from_secs(10))?;
//! let forwarder = Forwarder::new(hub.clone(), "events", publisher, runtime)
//!     .on_error(|e| eprintln!("{e}"));
//!
//! // In the `GET /events` handler, for a request through Pushpin:
//! let hold = Hold::new("events").keep_alive(Duration::from_secs(15)).next_link("/events");
//! hub.publish("events", sse_rt::EventFrame::new("hello"))?; // ID 1
//! hub.publish("events", sse_rt::EventFrame::new("world"))?; // ID 2
//! // With a shared log (sse-redis) instead of the hub, the replay comes
//! // out of it, on whichever node the request lands.
//! let response = futures_lite::future::block_on(
//!     hold.respond(&hub, LastEventId::Id("1"), http::Version::HTTP_11),
//! )?;
//! assert_eq!(response.headers()["grip-channel"], "events; prev-id=2");
//! assert_eq!(response.body().as_ref(), b"id: 2\ndata: world\n\n");
//! # drop(forwarder);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod forward;
mod hold;
mod publish;

pub use error::GripError;
pub use forward::Forwarder;
pub use hold::{grip_last, is_grip_request, Hold, GRIP_LAST, GRIP_SIG};
pub use publish::{write_items, Item, Publisher};

#[cfg(test)]
mod tests;
