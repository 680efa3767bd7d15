//! One subscriber: its bounded queue, and the `Stream` that drains it.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_core::{FusedStream, Stream};

use super::{HubShared, TopicInner};
use crate::server::EncodedFrame;

/// A frame queued for a subscriber, with the ID of its last event.
#[derive(Clone)]
pub(super) struct Item {
    pub(super) frame: Bytes,
    /// The ID of the last event in `frame`; `None` when it holds no event with
    /// an ID (the gap notice).
    pub(super) last_id: Option<Arc<str>>,
}

/// A subscriber's queue, shared by the topic (which fills it) and the
/// [`Subscription`] (which drains it). Lock order: the topic's state first.
pub(super) struct Queue {
    state: Mutex<QueueState>,
}

pub(super) struct QueueState {
    pub(super) items: VecDeque<Item>,
    /// Under [`LagPolicy::CatchUp`](super::LagPolicy::CatchUp): the queue
    /// overflowed; nothing is queued until the subscription catches up from the
    /// history.
    pub(super) lagging: bool,
    /// Nothing more is queued; the stream ends once `items` are drained.
    pub(super) end: Option<Ended>,
    /// The frame after the last item (the shutdown `retry:`).
    pub(super) last: Option<Bytes>,
    pub(super) waker: Option<Waker>,
}

impl Queue {
    pub(super) fn new(items: VecDeque<Item>) -> Queue {
        Queue {
            state: Mutex::new(QueueState {
                items,
                lagging: false,
                end: None,
                last: None,
                waker: None,
            }),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, QueueState> {
        // Every critical section leaves the queue consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How a [`Subscription`] started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Start {
    /// No last event ID: live events only.
    Live,
    /// Resumed after the client's last event ID: `events` events from the
    /// history (possibly none), then live, with nothing missing or repeated
    /// in between.
    Replayed {
        /// How many events were replayed.
        events: usize,
    },
    /// The client's ID is older than the history: it missed events. Under
    /// [`GapPolicy::Notify`](super::GapPolicy::Notify) it got the `gap`
    /// notice and everything held.
    Gap,
    /// The client's ID is unknown to the topic (or the `Last-Event-ID` was
    /// invalid); handled as a gap.
    Unknown,
}

/// Why a [`Subscription`] ended (its stream ends after what was queued).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ended {
    /// Disconnected by the [`LagPolicy`](super::LagPolicy): it fell behind by
    /// more than the queue holds (or, catching up, past the history). The
    /// client resumes by `Last-Event-ID`.
    Lagged,
    /// The hub was shut down.
    ShutDown,
}

/// One subscriber of a topic: a `Stream` of the [`EncodedFrame`]s published
/// to it (after any replay), to put in an [`EventBody`](crate::server::EventBody)
/// or an [`EventSink`](crate::server::EventSink).
///
/// The frames are the hub's: the same `Bytes` for every subscriber. The
/// stream ends when the hub disconnects it (see [`ended`](Subscription::ended))
/// and never otherwise; dropping it unsubscribes at once. It is `Send` and
/// `Sync`; `poll_next` is cancel-safe.
pub struct Subscription {
    pub(super) hub: Arc<HubShared>,
    pub(super) topic: Arc<TopicInner>,
    pub(super) key: u64,
    pub(super) queue: Arc<Queue>,
    /// The ID of the last event handed out (or the topic's last event when
    /// it joined): where a catch-up resumes.
    pub(super) cursor: Option<Arc<str>>,
    pub(super) start: Start,
    pub(super) ended: Option<Ended>,
    pub(super) done: bool,
}

impl Subscription {
    /// How it started: live, replayed, or after a gap.
    pub fn start(&self) -> Start {
        self.start
    }

    /// Why the hub ended it, once it has (the stream may still hold frames
    /// queued before).
    pub fn ended(&self) -> Option<Ended> {
        self.ended.or_else(|| self.queue.lock().end)
    }

    /// The name of its topic.
    pub fn topic(&self) -> &str {
        &self.topic.name
    }

    /// The ID of the last event it handed out (or, before any, the topic's
    /// last event when it joined): the client's `Last-Event-ID` if it
    /// reconnected now.
    pub fn last_event_id(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

impl Stream for Subscription {
    type Item = EncodedFrame;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<EncodedFrame>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            let mut queue = this.queue.lock();
            if let Some(item) = queue.items.pop_front() {
                drop(queue);
                if item.last_id.is_some() {
                    this.cursor = item.last_id;
                }
                return Poll::Ready(Some(EncodedFrame::from_encoded(item.frame)));
            }
            if queue.lagging {
                drop(queue);
                this.topic
                    .catch_up(&this.hub, this.key, &this.queue, &this.cursor);
                continue;
            }
            if let Some(end) = queue.end {
                this.ended = Some(end);
                if let Some(last) = queue.last.take() {
                    return Poll::Ready(Some(EncodedFrame::from_encoded(last)));
                }
                this.done = true;
                return Poll::Ready(None);
            }
            queue.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
    }
}

impl FusedStream for Subscription {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.topic.unsubscribe(&self.hub, self.key);
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("topic", &self.topic.name)
            .field("start", &self.start)
            .field("last_event_id", &self.cursor)
            .field("ended", &self.ended())
            .finish_non_exhaustive()
    }
}
