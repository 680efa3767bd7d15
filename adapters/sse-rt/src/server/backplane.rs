//! The seam for scale-out: where events are logged and read back from.

use std::future::{ready, Future};

use futures_core::{FusedStream, Stream};
use sse_proto::server::LastEventId;
use sse_proto::EventFrame;

use super::{
    EncodedFrame, Ended, Hub, PublishError, Published, Start, SubscribeError, Subscription,
};

/// A subscription's stream from a [`Backplane`]: frames ready to write (each
/// event with its `id:`), the replay and then live events, with no gap or
/// duplicate at the seam. It ends the way a hub [`Subscription`] ends: when the
/// backplane disconnects it (a lagging reader, a shutdown), never otherwise.
pub trait BackplaneStream:
    Stream<Item = EncodedFrame> + FusedStream + Send + Unpin + 'static
{
    /// The ID of the last event yielded so far (what the client's
    /// `Last-Event-ID` will be if it reconnects now); before any, where the
    /// stream started from, when known.
    fn last_event_id(&self) -> Option<&str>;

    /// How it started: live, replayed (how many events), or after a gap.
    fn start(&self) -> Start;

    /// Why the backplane ended it, once it has (the stream may still hold
    /// frames queued before).
    fn ended(&self) -> Option<Ended>;
}

/// An ordered, shared log of events per topic, that any server node can
/// publish to and resume any client from: the seam between a server's routes
/// and where events live.
///
/// [`Hub`] is the in-memory implementation (one node, no setup, the default);
/// `sse-redis` implements it on Redis Streams, so that a client reconnecting
/// to another node resumes from its `Last-Event-ID` there.
///
/// # Contract
///
/// - **The log gives the IDs.** Every event published gets an ID from the log
///   (the hub's number, the Redis entry ID); it is the event's SSE `id:`. An
///   event that comes with its own ID is refused or the ID replaced, as the
///   implementation documents.
/// - **Order.** Every subscriber of a topic sees its events in the order of
///   the log.
/// - **Replay then live, exactly once.** [`subscribe`](Backplane::subscribe)
///   after an ID yields every event logged after it, then live events, with
///   nothing missing or repeated between the two.
/// - **The replay is ready.** When [`subscribe`](Backplane::subscribe)
///   resolves, the stream holds the whole replay: polling it yields every
///   replayed event at once, without waiting (a remote log reads the replay
///   before it resolves), and only then waits for live events. So a finite
///   answer, such as the hold response of GRIP mode, takes what the stream
///   has ready and knows it has every event up to its
///   [`last_event_id`](BackplaneStream::last_event_id).
/// - **Where it starts.** A new subscriber's stream (after
///   [`LastEventId::Absent`]), before yielding anything, has as its
///   [`last_event_id`](BackplaneStream::last_event_id) the last event of
///   the log it knew of when it joined (if the topic has any): the live
///   events follow it with no gap. A GRIP hold names it as the `prev-id`.
/// - **Gaps are explicit.** An ID older than what the log holds, or one it
///   cannot know, follows the implementation's [`GapPolicy`](super::GapPolicy):
///   the `gap` notice in the stream, or [`SubscribeError::Gap`] /
///   [`SubscribeError::UnknownId`] (answer 204). Never a silent hole.
///
/// `sse_rt::test_util::backplane` (feature `test-util`) holds these as
/// tests that any implementation can run.
///
/// # Examples
///
/// A route written once against the trait serves from the hub on one node,
/// or from a shared log on many:
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_rt::server::{Backplane, BackplaneStream, Hub, HubConfig, LastEventId};
/// use sse_rt::EventFrame;
///
/// async fn chat<B: Backplane>(log: &B) -> Result<(), Box<dyn std::error::Error>> {
///     let first = log.publish("room", EventFrame::new("hi")).await?;
///     log.publish("room", EventFrame::new("bye")).await?;
///     // A client that saw the first event reconnects: it gets the second.
///     let mut stream = log.subscribe("room", LastEventId::Id(&first.id)).await?;
///     let frame = stream.next().await.unwrap();
///     assert!(frame.as_bytes().ends_with(b"data: bye\n\n"));
///     assert_ne!(stream.last_event_id(), Some(&*first.id));
///     Ok(())
/// }
///
/// # futures_lite::future::block_on(async {
/// chat(&Hub::new(HubConfig::new())).await.unwrap();
/// # });
/// ```
///
/// # Implementer notes
///
/// `Clone` is a cheap handle (an `Arc` inside): routes clone it per request.
/// Each subscription should not cost its own connection to a remote log: fan
/// out to the node's subscribers through a local [`Hub`].
pub trait Backplane: Clone + Send + Sync + 'static {
    /// A subscription's stream.
    type Stream: BackplaneStream;

    /// Appends `event` to the topic's ordered log; resolves to its ID
    /// ([`Published::id`]) once the log holds it.
    ///
    /// # Errors
    ///
    /// [`PublishError::Refused`] for an event the log cannot take (not
    /// encodable; an ID of its own, unless the implementation replaces it);
    /// [`PublishError::ShutDown`] after a shutdown;
    /// [`PublishError::Unavailable`] when the log cannot be reached. Nothing
    /// was published then.
    fn publish(
        &self,
        topic: &str,
        event: EventFrame<'_>,
    ) -> impl Future<Output = Result<Published, PublishError>> + Send;

    /// Everything after `after` (the client's `Last-Event-ID`;
    /// [`LastEventId::Absent`] = live events only), then live events.
    ///
    /// # Errors
    ///
    /// [`SubscribeError::Gap`] or [`SubscribeError::UnknownId`] when the gap
    /// policy refuses (answer 204); [`SubscribeError::ShutDown`] after a
    /// shutdown; [`SubscribeError::Unavailable`] when the log cannot be
    /// reached for the replay (answer 503: the client retries).
    fn subscribe(
        &self,
        topic: &str,
        after: LastEventId<'_>,
    ) -> impl Future<Output = Result<Self::Stream, SubscribeError>> + Send;
}

impl BackplaneStream for Subscription {
    fn last_event_id(&self) -> Option<&str> {
        Subscription::last_event_id(self)
    }

    fn start(&self) -> Start {
        Subscription::start(self)
    }

    fn ended(&self) -> Option<Ended> {
        Subscription::ended(self)
    }
}

/// The in-memory log: one node. Both futures are ready at once (the hub never
/// waits); IDs follow the hub's [`HubIds`](super::HubIds) (under the default,
/// an event with its own ID is refused).
impl Backplane for Hub {
    type Stream = Subscription;

    fn publish(
        &self,
        topic: &str,
        event: EventFrame<'_>,
    ) -> impl Future<Output = Result<Published, PublishError>> + Send {
        ready(Hub::publish(self, topic, event))
    }

    fn subscribe(
        &self,
        topic: &str,
        after: LastEventId<'_>,
    ) -> impl Future<Output = Result<Subscription, SubscribeError>> + Send {
        ready(Hub::subscribe(self, topic, after))
    }
}
