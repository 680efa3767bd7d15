//! A subscriber's stream: a replay read from Redis (if any), then the local
//! hub's live events, skipping those the client already has.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_core::{FusedStream, Stream};
use sse_rt::server::{BackplaneStream, EncodedFrame, Ended, Start, Subscription};

use crate::id::StreamId;

/// One subscription of a [`RedisBackplane`](crate::RedisBackplane): the
/// events after the client's `Last-Event-ID` (from the node's hub when it
/// still holds them, else read from Redis), then live events through the
/// node's hub, with no gap or duplicate at the seam.
///
/// Ends when the hub ends the subscription (a lagging client, a shutdown),
/// never otherwise, not even while Redis is unreachable (the stream waits,
/// the body's keepalives go on). Dropping it unsubscribes.
pub struct RedisStream {
    /// Replayed events (and a gap notice, without an ID) before live ones.
    replay: VecDeque<(EncodedFrame, Option<Box<str>>)>,
    /// The ID of the last event yielded from the replay, or the client's own
    /// before any.
    cursor: Option<Box<str>>,
    /// Live events up to this ID are ones the client has (it resumed from a
    /// node whose reader was ahead of this one's).
    skip: Option<StreamId>,
    /// Whether `last_event_id` is the live subscription's.
    live_cursor: bool,
    live: Subscription,
    start: Start,
}

impl RedisStream {
    /// Live events straight from the hub (which did any replay itself).
    /// Until the hub has an event of the topic, the stream starts after
    /// `from` (the newest entry when the node's reader started: the
    /// reader's events follow it).
    pub(crate) fn live(live: Subscription, from: StreamId) -> RedisStream {
        let known = live.last_event_id().is_some();
        RedisStream {
            replay: VecDeque::new(),
            cursor: (!known && from > StreamId::ZERO).then(|| from.to_string().into()),
            skip: None,
            live_cursor: known,
            start: live.start(),
            live,
        }
    }

    /// `replay`, then `live`, dropping live events up to `skip`; the last
    /// event ID is `cursor` until an event is yielded.
    pub(crate) fn resumed(
        replay: VecDeque<(EncodedFrame, Option<Box<str>>)>,
        cursor: Option<Box<str>>,
        skip: Option<StreamId>,
        live: Subscription,
        start: Start,
    ) -> RedisStream {
        RedisStream {
            replay,
            cursor,
            skip,
            live_cursor: false,
            live,
            start,
        }
    }

    /// How it started: live, replayed (how many events), or after a gap.
    pub fn start(&self) -> Start {
        self.start
    }

    /// The ID of the last event yielded: the client's `Last-Event-ID` if it
    /// reconnected now (before any, the one it resumed from, or where it
    /// joined the live events).
    pub fn last_event_id(&self) -> Option<&str> {
        if self.live_cursor {
            self.live.last_event_id()
        } else {
            self.cursor.as_deref()
        }
    }
}

impl Stream for RedisStream {
    type Item = EncodedFrame;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<EncodedFrame>> {
        let this = &mut *self;
        if let Some((frame, id)) = this.replay.pop_front() {
            if id.is_some() {
                this.cursor = id;
            }
            return Poll::Ready(Some(frame));
        }
        loop {
            let before = this
                .skip
                .and(this.live.last_event_id().and_then(StreamId::parse));
            let Some(frame) = ready!(Pin::new(&mut this.live).poll_next(cx)) else {
                return Poll::Ready(None);
            };
            let id = this.live.last_event_id().and_then(StreamId::parse);
            if let Some(skip) = this.skip {
                // A frame that moved the cursor is an event (IDs are
                // unique); the shutdown `retry:` does not move it.
                if id != before {
                    if id.is_some_and(|id| id <= skip) {
                        continue;
                    }
                    this.skip = None;
                }
            }
            if id.is_some() {
                this.live_cursor = true;
            }
            return Poll::Ready(Some(frame));
        }
    }
}

impl FusedStream for RedisStream {
    fn is_terminated(&self) -> bool {
        self.replay.is_empty() && self.live.is_terminated()
    }
}

impl BackplaneStream for RedisStream {
    fn last_event_id(&self) -> Option<&str> {
        RedisStream::last_event_id(self)
    }

    fn start(&self) -> Start {
        self.start
    }

    fn ended(&self) -> Option<Ended> {
        self.live.ended()
    }
}

impl fmt::Debug for RedisStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStream")
            .field("start", &self.start)
            .field("replay", &self.replay.len())
            .field("last_event_id", &self.last_event_id())
            .field("live", &self.live)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use sse_rt::server::{Hub, HubConfig, HubIds, LastEventId};
    use sse_rt::EventFrame;

    use super::*;

    fn drain(stream: &mut RedisStream) -> Vec<String> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        while let Poll::Ready(Some(frame)) = Pin::new(&mut *stream).poll_next(&mut cx) {
            out.push(String::from_utf8_lossy(frame.as_bytes()).into_owned());
        }
        out
    }

    #[test]
    fn live_events_the_client_has_are_skipped_once() {
        let hub = Hub::new(
            HubConfig::new()
                .with_ids(HubIds::Caller)
                .with_shutdown_retry(Some(std::time::Duration::from_secs(1))),
        );
        let publish = |id: &str| {
            hub.publish("t", EventFrame::new(id).with_id(id)).unwrap();
        };
        publish("1-0");
        // The client has seen up to 3-0 (on a node further ahead).
        let live = hub.subscribe("t", LastEventId::Absent).unwrap();
        let skip = StreamId::parse("3-0");
        let mut stream =
            RedisStream::resumed(VecDeque::new(), Some("3-0".into()), skip, live, Start::Live);
        assert_eq!(stream.last_event_id(), Some("3-0"));
        for id in ["2-0", "3-0", "4-0", "5-0"] {
            publish(id);
        }
        let frames = drain(&mut stream);
        assert_eq!(frames, ["id: 4-0\ndata: 4-0\n\n", "id: 5-0\ndata: 5-0\n\n"]);
        assert_eq!(stream.last_event_id(), Some("5-0"));
        // The shutdown `retry:` is not an event: never skipped.
        hub.shutdown();
        assert_eq!(drain(&mut stream), ["retry: 1000\n\n"]);
        assert!(stream.is_terminated());
    }

    #[test]
    fn the_replay_comes_first_and_moves_the_cursor() {
        let hub = Hub::new(HubConfig::new().with_ids(HubIds::Caller));
        let live = hub.subscribe("t", LastEventId::Absent).unwrap();
        let replayed = |id: &str| {
            let frame = EncodedFrame::new(EventFrame::new("r").with_id(id)).unwrap();
            (frame, Some(id.into()))
        };
        let gap = EncodedFrame::new(EventFrame::new("").with_event_type("gap")).unwrap();
        let replay = VecDeque::from([(gap, None), replayed("7-0"), replayed("8-0")]);
        let mut stream = RedisStream::resumed(replay, Some("1-0".into()), None, live, Start::Gap);
        assert_eq!(stream.start(), Start::Gap);
        let mut cx = Context::from_waker(Waker::noop());
        let mut ids = Vec::new();
        while let Poll::Ready(Some(_)) = Pin::new(&mut stream).poll_next(&mut cx) {
            ids.push(stream.last_event_id().map(str::to_owned));
        }
        assert_eq!(
            ids,
            [Some("1-0".into()), Some("7-0".into()), Some("8-0".into())]
        );
        hub.publish("t", EventFrame::new("live").with_id("9-0"))
            .unwrap();
        assert_eq!(drain(&mut stream), ["id: 9-0\ndata: live\n\n"]);
        assert_eq!(stream.last_event_id(), Some("9-0"));
    }
}
