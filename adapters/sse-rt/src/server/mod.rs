//! The server side: event streams as response bodies or over any
//! `AsyncWrite`, keepalives on the runtime's timer, and a broadcast hub with
//! `Last-Event-ID` resume.
//!
//! | what | type |
//! | --- | --- |
//! | one encoded frame, shared | [`EncodedFrame`] |
//! | a response body (`http_body::Body` + `Stream` of `Bytes`) | [`EventBody`] |
//! | a queue from the application to one body | [`channel`], [`Sender`], [`Receiver`] |
//! | an event stream over a bare `AsyncWrite` | [`EventSink`] |
//! | publish once, deliver to every subscriber, resume | [`Hub`], [`Topic`], [`Subscription`] |
//! | the log behind the routes, shared by many nodes for scale-out (the hub is the one-node default) | [`Backplane`], [`BackplaneStream`] |
//! | `?lastEventId=` for clients that cannot set headers | [`query_last_event_id`] ([`query_param`] for any parameter) |
//!
//! Everything runs on any executor: timers come from the [`Runtime`](crate::Runtime)
//! seam, and nothing spawns a task.
//!
//! Each event is encoded once, by the core's encoder, into [`Bytes`](bytes::Bytes)
//! that every writer shares; a frame the encoder refuses (a CR or LF in an
//! event type or ID) is an error where it is made, never a panic.

mod backplane;
mod body;
mod channel;
mod error;
mod frame;
mod http1;
mod hub;
mod keepalive;
mod query;
mod serve;
mod sink;

pub use backplane::{Backplane, BackplaneStream};
pub use body::{BoxFrameStream, EventBody};
pub use channel::{channel, Receiver, Sender};
pub use error::{BackplaneError, PublishError, SendError, SubscribeError};
pub use frame::EncodedFrame;
pub use http1::{serve_connection, Reply, Request, ServeConfig};
pub use hub::{
    Ended, GapPolicy, Hub, HubConfig, HubIds, HubMetrics, LagPolicy, Published, Start,
    Subscription, Topic, GAP_EVENT,
};
pub use query::{query_last_event_id, query_param, resolve_last_event_id, LAST_EVENT_ID_PARAM};
pub use serve::{serve, Listener};
pub use sink::EventSink;
#[cfg(feature = "grip")]
pub(crate) use sink::{flush, write_all};
/// The core's types that this module's API takes or returns.
pub use sse_proto::server::{HistoryLimits, InvalidLastEventId, LastEventId};
pub use sse_proto::HistoryError;
