//! The contract of [`Backplane`], as tests any implementation runs: order,
//! replay then live with no gap or duplicate at the seam (also while events
//! are being published), the replay ready when the subscription resolves
//! and where a stream starts, and the gap policies.
//!
//! Each function takes a backplane (or one per gap policy) and a topic no
//! one else uses, publishes events without IDs (the log gives them) and
//! panics when the contract is broken. None waits on a timer: wrap each in
//! your runtime's timeout as a failure guard. The hub runs them in this
//! crate's tests; `sse-redis` runs the same functions against a real Redis.

use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

use sse_proto::server::LastEventId;
use sse_proto::EventFrame;

use super::scenarios::next;
use crate::server::{Backplane, BackplaneStream, EncodedFrame, SubscribeError, GAP_EVENT};
use crate::{ChunkDecoder, DecodeConfig, ItemOwned};

/// One event as a subscriber decoded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Its event type.
    pub event_type: String,
    /// Its ID (empty for the gap notice).
    pub id: String,
    /// Its data.
    pub data: String,
}

/// A subscriber in a test: the stream and the events decoded from it that
/// were not taken yet (a frame may hold several).
pub struct Reader<S> {
    stream: S,
    decoder: ChunkDecoder,
    pending: VecDeque<Seen>,
}

impl<S: BackplaneStream> Reader<S> {
    /// Reads from `stream`.
    pub fn new(stream: S) -> Reader<S> {
        Reader {
            stream,
            decoder: ChunkDecoder::new(DecodeConfig::new()),
            pending: VecDeque::new(),
        }
    }

    /// The stream.
    pub fn stream(&self) -> &S {
        &self.stream
    }

    /// The stream, to poll it directly (what it yields is not decoded).
    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// The next `n` events. After each frame, checks that
    /// [`BackplaneStream::last_event_id`] is the ID of its last event.
    ///
    /// # Panics
    ///
    /// When the stream ends first, or its last event ID is not the last
    /// event's.
    pub async fn take(&mut self, n: usize) -> Vec<Seen> {
        while self.pending.len() < n {
            let Some(frame) = next(&mut self.stream).await else {
                panic!("the stream ended {} events short", n - self.pending.len());
            };
            self.read(&frame);
        }
        self.pending.drain(..n).collect()
    }

    /// The events the stream has ready now (polled without waiting), and
    /// any not taken yet. Checks [`BackplaneStream::last_event_id`] as
    /// [`take`](Reader::take) does.
    ///
    /// # Panics
    ///
    /// When the last event ID is not the last event's.
    pub fn ready(&mut self) -> Vec<Seen> {
        let mut cx = Context::from_waker(Waker::noop());
        while let Poll::Ready(Some(frame)) = Pin::new(&mut self.stream).poll_next(&mut cx) {
            self.read(&frame);
        }
        self.pending.drain(..).collect()
    }

    /// Decodes `frame` into the pending events, and checks the stream's last
    /// event ID against its last event.
    fn read(&mut self, frame: &EncodedFrame) {
        let mut input = frame.as_bytes();
        let mut last_id = None;
        while !input.is_empty() {
            let step = self.decoder.decode(input);
            input = &input[step.consumed..];
            if let Some(Ok(ItemOwned::Event(e))) = step.item {
                if !e.last_event_id.is_empty() {
                    last_id = Some(e.last_event_id.to_string());
                }
                self.pending.push_back(Seen {
                    event_type: e.event_type.to_string(),
                    id: e.last_event_id.to_string(),
                    data: e.data.to_string(),
                });
            }
        }
        if last_id.is_some() {
            assert_eq!(
                self.stream.last_event_id(),
                last_id.as_deref(),
                "last_event_id() after a frame"
            );
        }
    }
}

/// Subscribes, or panics with the error.
///
/// # Panics
///
/// When the subscription is refused.
pub async fn subscribe<B: Backplane>(
    log: &B,
    topic: &str,
    after: LastEventId<'_>,
) -> Reader<B::Stream> {
    match log.subscribe(topic, after).await {
        Ok(stream) => Reader::new(stream),
        Err(e) => panic!("subscribing to {topic} after {after:?} failed: {e}"),
    }
}

/// Publishes `datas` one after the other; their IDs, in order.
///
/// # Panics
///
/// When a publish fails.
pub async fn publish_all<B: Backplane>(log: &B, topic: &str, datas: &[String]) -> Vec<String> {
    let mut ids = Vec::with_capacity(datas.len());
    for data in datas {
        match log.publish(topic, EventFrame::new(data)).await {
            Ok(published) => ids.push(published.id.to_string()),
            Err(e) => panic!("publishing {data:?} failed: {e}"),
        }
    }
    ids
}

/// `"e{from}"` ..= `"e{to}"`.
pub fn datas(from: usize, to: usize) -> Vec<String> {
    (from..=to).map(|i| format!("e{i}")).collect()
}

/// Runs two futures to completion, concurrently on one task.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                ra = Some(out);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                rb = Some(out);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

fn data_of(seen: &[Seen]) -> Vec<&str> {
    seen.iter().map(|e| &*e.data).collect()
}

fn ids_of(seen: &[Seen]) -> Vec<&str> {
    seen.iter().map(|e| &*e.id).collect()
}

/// A live subscriber gets every event published after it joined, in the
/// order of the log, each with the ID `publish` returned, and IDs are
/// distinct.
///
/// # Panics
///
/// When the contract is broken.
pub async fn ordered<B: Backplane>(log: &B, topic: &str) {
    let mut live = subscribe(log, topic, LastEventId::Absent).await;
    let ids = publish_all(log, topic, &datas(1, 50)).await;
    let seen = live.take(50).await;
    assert_eq!(data_of(&seen), datas(1, 50));
    assert_eq!(ids_of(&seen), ids);
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), ids.len(), "IDs repeat: {ids:?}");
}

/// Resuming after each of a few IDs yields exactly the events after it,
/// then live ones; after the newest ID, live ones only. Then the seam under
/// load: a subscription made while 100 more events are being published gets
/// every event after its ID exactly once, in order.
///
/// # Panics
///
/// When the contract is broken.
pub async fn replay_then_live<B: Backplane>(log: &B, topic: &str) {
    let ids = publish_all(log, topic, &datas(1, 10)).await;
    for after in [1, 5, 10] {
        let mut reader = subscribe(log, topic, LastEventId::Id(&ids[after - 1])).await;
        let seen = reader.take(10 - after).await;
        assert_eq!(data_of(&seen), datas(after + 1, 10), "after e{after}");
        assert_eq!(ids_of(&seen), &ids[after..]);
        if after < 10 {
            assert_eq!(reader.stream().last_event_id(), Some(&*ids[9]));
        }
    }

    let mut before = subscribe(log, topic, LastEventId::Id(&ids[2])).await;
    let (stream, more) = join(
        log.subscribe(topic, LastEventId::Id(&ids[6])),
        publish_all(log, topic, &datas(11, 110)),
    )
    .await;
    let mut during = match stream {
        Ok(stream) => Reader::new(stream),
        Err(e) => panic!("resume during publishing failed: {e}"),
    };
    let all: Vec<String> = ids.iter().chain(&more).cloned().collect();
    let seen = during.take(110 - 7).await;
    assert_eq!(data_of(&seen), datas(8, 110));
    assert_eq!(ids_of(&seen), &all[7..]);
    let seen = before.take(110 - 3).await;
    assert_eq!(data_of(&seen), datas(4, 110));
}

/// The replay is ready when `subscribe` resolves, and a stream says where
/// it starts: resuming after the second of five events, polling the stream
/// without waiting yields the three others (then its last event ID is the
/// fifth's); a new subscriber's last
/// event ID is an event of the log, and the live events follow it with no
/// gap or duplicate.
///
/// # Panics
///
/// When the contract is broken.
pub async fn replay_ready<B: Backplane>(log: &B, topic: &str) {
    let ids = publish_all(log, topic, &datas(1, 5)).await;
    let mut resumed = subscribe(log, topic, LastEventId::Id(&ids[1])).await;
    let ready = resumed.ready();
    assert_eq!(data_of(&ready), datas(3, 5), "the replay was not ready");
    assert_eq!(ids_of(&ready), &ids[2..]);

    let mut fresh = subscribe(log, topic, LastEventId::Absent).await;
    let Some(start) = fresh.stream().last_event_id().map(str::to_owned) else {
        panic!("a new subscriber of a topic with events does not say where it starts");
    };
    let Some(from) = ids.iter().position(|id| *id == start) else {
        panic!("a new subscriber starts after {start}, not an event of the log");
    };
    let more = publish_all(log, topic, &datas(6, 6)).await;
    let seen = fresh.take(5 - from).await;
    assert_eq!(data_of(&seen), datas(from + 2, 6));
    assert_eq!(seen.last().map(|e| &*e.id), Some(&*more[0]));
}

/// Under the gap policy `Notify`, with a log that holds fewer than `n`
/// events: resuming after the first event gets the `gap` notice, then the
/// events the log still holds (the newest ones, in order, ending with the
/// last), then live ones; an ID the log cannot know gets the same.
///
/// # Panics
///
/// When the contract is broken.
pub async fn gap_notified<B: Backplane>(log: &B, topic: &str, n: usize) {
    let ids = publish_all(log, topic, &datas(1, n)).await;
    for after in [&*ids[0], "no-such-id"] {
        let mut reader = subscribe(log, topic, LastEventId::Id(after)).await;
        let notice = reader.take(1).await;
        assert_eq!(notice[0].event_type, GAP_EVENT, "after {after}");
        assert_eq!(notice[0].id, "");
        // The held events: a suffix of the log. How many depends on the
        // log's trimming; read until the last one.
        let mut held = Vec::new();
        while held.last().map(|e: &Seen| &*e.id) != Some(&*ids[n - 1]) {
            held.extend(reader.take(1).await);
            assert!(held.len() < n, "the log held everything after {after}");
        }
        let first = n - held.len();
        assert_eq!(data_of(&held), datas(first + 1, n));
        assert_eq!(ids_of(&held), &ids[first..]);
    }
    let mut reader = subscribe(log, topic, LastEventId::Id(&ids[0])).await;
    let live = publish_all(log, topic, &datas(n + 1, n + 1)).await;
    let mut tail = Vec::new();
    while tail.last().map(|e: &Seen| &*e.id) != Some(&*live[0]) {
        tail.extend(reader.take(1).await);
    }
    assert_eq!(tail[0].event_type, GAP_EVENT);
    assert_eq!(tail.last().map(|e| &*e.data), Some(&*format!("e{}", n + 1)));
}

/// Under the gap policy `Refuse`, with a log that holds fewer than `n`
/// events: resuming after the first event is [`SubscribeError::Gap`], after
/// an ID the log cannot know [`SubscribeError::UnknownId`] (both answered
/// 204); resuming after the newest still works.
///
/// # Panics
///
/// When the contract is broken.
pub async fn gap_refused<B: Backplane>(log: &B, topic: &str, n: usize) {
    let ids = publish_all(log, topic, &datas(1, n)).await;
    match log.subscribe(topic, LastEventId::Id(&ids[0])).await {
        Err(e) => assert_eq!((e.clone(), e.status()), (SubscribeError::Gap, 204)),
        Ok(_) => panic!("resumed after {} although it is gone", ids[0]),
    }
    match log.subscribe(topic, LastEventId::Id("no-such-id")).await {
        Err(e) => assert_eq!(e, SubscribeError::UnknownId),
        Ok(_) => panic!("resumed after an ID the log cannot know"),
    }
    let mut reader = subscribe(log, topic, LastEventId::Id(&ids[n - 1])).await;
    publish_all(log, topic, &datas(n + 1, n + 1)).await;
    let seen = reader.take(1).await;
    assert_eq!(data_of(&seen), datas(n + 1, n + 1));
}
