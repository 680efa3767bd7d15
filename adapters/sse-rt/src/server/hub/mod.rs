//! The broadcast hub: publish once, deliver to every subscriber of a topic,
//! resume from a bounded history.

mod config;
mod subscription;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;

use bytes::{Bytes, BytesMut};
use sse_proto::server::{History, LastEventId, Resume};
use sse_proto::EventFrame;

use super::{EncodedFrame, PublishError, SubscribeError};
pub use config::{GapPolicy, HubConfig, HubIds, LagPolicy, GAP_EVENT};
pub use subscription::{Ended, Start, Subscription};
use subscription::{Item, Queue};

/// A broadcast hub: events published to a topic go to every subscriber of
/// that topic, each encoded once into [`Bytes`] that all subscribers share.
///
/// # Guarantees
///
/// - **The publisher never waits.** [`publish`](Hub::publish) is a plain
///   function: it takes the topic's lock, appends to the history, puts the
///   shared frame in each subscriber's bounded queue and wakes it. No task is
///   spawned, per subscriber or otherwise; each subscriber's stream is
///   polled by whoever serves its client.
/// - **Nothing is skipped silently.** A subscriber whose queue is full is
///   handled by the [`LagPolicy`]: by default it is disconnected (its stream
///   ends after what was queued) and resumes by `Last-Event-ID`; it never
///   goes on with a hole in its stream (the `Lagged => continue` of
///   `tokio::sync::broadcast` users).
/// - **Resume without gap or duplicate.** [`subscribe`](Hub::subscribe) with
///   a last event ID takes the history's replay and registers the live queue
///   under the same lock: every event is either in the replay or queued live,
///   exactly once. An ID the history cannot resume from follows the
///   [`GapPolicy`].
/// - **Bounded memory.** Per topic, the history's limits; per subscriber,
///   [`capacity`](HubConfig::with_capacity) frames.
/// - **Graceful shutdown.** [`shutdown`](Hub::shutdown) ends every stream
///   after what was published before it (and an optional `retry:`); it all
///   stays in the history.
///
/// Every event has an ID ([`HubIds`]), so every client can resume. The hub is
/// a cheap handle (`Clone`, `Send`, `Sync`); topics are made on first use and
/// live as long as the hub: name them from a known set, not from whatever a
/// client asks for (use [`get`](Hub::get) to look one up without making it).
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_rt::server::{Hub, HubConfig};
/// use sse_rt::sse_proto::server::LastEventId;
/// use sse_rt::EventFrame;
///
/// # futures_lite::future::block_on(async {
/// let hub = Hub::new(HubConfig::new());
/// let mut alice = hub.subscribe("room", LastEventId::Absent)?;
/// hub.publish("room", EventFrame::new("hi").with_event_type("chat"))?; // ID 1
/// hub.publish("room", EventFrame::new("bye").with_event_type("chat"))?; // ID 2
/// assert_eq!(alice.next().await.unwrap().as_bytes(), b"event: chat\nid: 1\ndata: hi\n\n");
///
/// // Bob saw event 1 before his connection dropped: he gets event 2, then live.
/// let mut bob = hub.subscribe("room", LastEventId::Id("1"))?;
/// assert_eq!(bob.next().await.unwrap().as_bytes(), b"event: chat\nid: 2\ndata: bye\n\n");
/// assert_eq!(hub.metrics().subscribers, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
///
/// Serving a subscription: `EventBody::new(subscription, runtime)` is the
/// response body (see [`EventBody`](crate::server::EventBody)).
#[derive(Clone)]
pub struct Hub {
    shared: Arc<HubShared>,
}

/// What all topics of a hub share.
struct HubShared {
    config: HubConfig,
    topics: Mutex<Topics>,
    metrics: Metrics,
    /// The shutdown `retry:` frame, encoded once.
    shutdown_frame: Option<Bytes>,
}

struct Topics {
    map: HashMap<Box<str>, Arc<TopicInner>>,
    shut_down: bool,
}

#[derive(Default)]
struct Metrics {
    subscribers: AtomicUsize,
    published: AtomicU64,
    lagged: AtomicU64,
    disconnected: AtomicU64,
    dropped: AtomicU64,
    resumed: AtomicU64,
    gaps: AtomicU64,
}

/// A snapshot of a hub's counters ([`Hub::metrics`]), over all topics since
/// the hub was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HubMetrics {
    /// Subscriptions registered now (disconnected ones no longer count).
    pub subscribers: usize,
    /// Events published.
    pub published: u64,
    /// Times a subscriber's queue was full when an event came.
    pub lagged: u64,
    /// Subscriptions the hub ended for lagging (the clients resume by ID).
    pub disconnected: u64,
    /// Frames not queued to a lagging subscriber (they are in the history:
    /// the subscriber catches up or resumes from there).
    pub dropped: u64,
    /// Subscriptions that resumed from a last event ID without a gap.
    pub resumed: u64,
    /// Subscriptions whose last event ID was too old or unknown (notified
    /// or refused per the [`GapPolicy`]).
    pub gaps: u64,
}

/// What [`Hub::publish`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Published {
    /// The event's ID (the hub's number, or the caller's ID).
    pub id: Arc<str>,
    /// How many subscribers it was queued for (0 where the publisher cannot
    /// know: a [`Backplane`](crate::server::Backplane) delivers later, on
    /// every node).
    pub queued: usize,
}

impl Published {
    /// What a publish did: the event's `id` and how many subscribers it was
    /// queued for (for a [`Backplane`](crate::server::Backplane) outside this
    /// crate; the fields are public to read).
    pub fn new(id: Arc<str>, queued: usize) -> Published {
        Published { id, queued }
    }
}

impl Hub {
    /// A hub with no topics yet.
    pub fn new(config: HubConfig) -> Hub {
        let shutdown_frame = config
            .shutdown_retry()
            .map(|delay| EncodedFrame::retry(delay).into_bytes());
        Hub {
            shared: Arc::new(HubShared {
                config,
                topics: Mutex::new(Topics {
                    map: HashMap::new(),
                    shut_down: false,
                }),
                metrics: Metrics::default(),
                shutdown_frame,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &HubConfig {
        &self.shared.config
    }

    /// The topic called `name`, made (empty) if it does not exist yet.
    pub fn topic(&self, name: &str) -> Topic {
        let mut topics = self.shared.lock_topics();
        let shut_down = topics.shut_down;
        let inner = topics
            .map
            .entry(name.into())
            .or_insert_with(|| Arc::new(TopicInner::new(name, &self.shared.config, shut_down)))
            .clone();
        Topic {
            hub: self.shared.clone(),
            inner,
        }
    }

    /// The topic called `name`, if it exists.
    pub fn get(&self, name: &str) -> Option<Topic> {
        let inner = self.shared.lock_topics().map.get(name)?.clone();
        Some(Topic {
            hub: self.shared.clone(),
            inner,
        })
    }

    /// Publishes `event` to the topic `name` (see [`Topic::publish`]).
    ///
    /// # Errors
    ///
    /// As [`Topic::publish`].
    pub fn publish(&self, topic: &str, event: EventFrame<'_>) -> Result<Published, PublishError> {
        self.topic(topic).publish(event)
    }

    /// Subscribes to the topic `name` (see [`Topic::subscribe`]).
    ///
    /// # Errors
    ///
    /// As [`Topic::subscribe`].
    pub fn subscribe(
        &self,
        topic: &str,
        last_event_id: LastEventId<'_>,
    ) -> Result<Subscription, SubscribeError> {
        self.topic(topic).subscribe(last_event_id)
    }

    /// Shuts the hub down: no more publishing or subscribing
    /// ([`PublishError::ShutDown`], [`SubscribeError::ShutDown`]); every
    /// subscription delivers what was queued for it, then the shutdown
    /// `retry:` frame if configured, then ends ([`Ended::ShutDown`]).
    ///
    /// Nothing published before is lost for a client that resumes elsewhere:
    /// it was delivered, or it is in the topic's history (see
    /// [`Topic::replay`]). Stop accepting connections first, then call this.
    /// Calling it again does nothing.
    pub fn shutdown(&self) {
        let topics: Vec<Arc<TopicInner>> = {
            let mut topics = self.shared.lock_topics();
            topics.shut_down = true;
            topics.map.values().cloned().collect()
        };
        for topic in topics {
            topic.shutdown(&self.shared);
        }
    }

    /// Whether [`shutdown`](Hub::shutdown) was called.
    pub fn is_shut_down(&self) -> bool {
        self.shared.lock_topics().shut_down
    }

    /// The counters, over all topics.
    pub fn metrics(&self) -> HubMetrics {
        let m = &self.shared.metrics;
        HubMetrics {
            subscribers: m.subscribers.load(Ordering::Relaxed),
            published: m.published.load(Ordering::Relaxed),
            lagged: m.lagged.load(Ordering::Relaxed),
            disconnected: m.disconnected.load(Ordering::Relaxed),
            dropped: m.dropped.load(Ordering::Relaxed),
            resumed: m.resumed.load(Ordering::Relaxed),
            gaps: m.gaps.load(Ordering::Relaxed),
        }
    }
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("config", &self.shared.config)
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

impl HubShared {
    fn lock_topics(&self) -> MutexGuard<'_, Topics> {
        // Every critical section leaves the map consistent.
        self.topics.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One topic of a [`Hub`]: its history, its ID sequence and its subscribers.
/// A cheap handle (`Clone`); [`Hub::topic`] gives it.
#[derive(Clone)]
pub struct Topic {
    hub: Arc<HubShared>,
    inner: Arc<TopicInner>,
}

struct TopicInner {
    name: Box<str>,
    state: Mutex<TopicState>,
}

struct TopicState {
    history: History,
    /// The ID of the newest event.
    last_id: Option<Arc<str>>,
    /// Events published to the topic.
    published: u64,
    subscribers: HashMap<u64, Arc<Queue>>,
    next_key: u64,
    shut_down: bool,
}

impl Topic {
    /// The topic's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// How many subscriptions are registered.
    pub fn subscribers(&self) -> usize {
        self.inner.lock().subscribers.len()
    }

    /// The ID of the newest event published, if any.
    pub fn last_event_id(&self) -> Option<Arc<str>> {
        self.inner.lock().last_id.clone()
    }

    /// Publishes `event`: gives it its ID, encodes it once into the history,
    /// and queues the same bytes for every subscriber (applying the
    /// [`LagPolicy`] to those whose queue is full). Never waits.
    ///
    /// Under [`HubIds::Assigned`] the event must have no ID; under
    /// [`HubIds::Caller`] it needs a unique, non-empty one.
    ///
    /// # Errors
    ///
    /// [`PublishError::Refused`] with the history's reason (the event cannot
    /// be encoded, or its ID is wrong for the [`HubIds`]);
    /// [`PublishError::ShutDown`] after [`Hub::shutdown`]. Nothing is
    /// published then.
    pub fn publish(&self, event: EventFrame<'_>) -> Result<Published, PublishError> {
        self.inner.publish(&self.hub, event)
    }

    /// Subscribes: live events only for [`LastEventId::Absent`]; for an ID,
    /// the events after it from the history, then live, with no gap and no
    /// duplicate between the two. An ID the history cannot resume from (too
    /// old, unknown, or an [`Invalid`](LastEventId::Invalid) header) follows
    /// the [`GapPolicy`]. [`Subscription::start`] tells which happened.
    ///
    /// Take the ID from the `Last-Event-ID` header
    /// ([`RequestHead::last_event_id`](sse_proto::http::RequestHead::last_event_id),
    /// or `LastEventId::from_headers` with sse-proto's `http` feature), or
    /// from the query for clients that cannot set headers
    /// ([`query_last_event_id`](crate::server::query_last_event_id)).
    ///
    /// # Errors
    ///
    /// [`SubscribeError::ShutDown`] after [`Hub::shutdown`];
    /// [`SubscribeError::Gap`] or [`SubscribeError::UnknownId`] under
    /// [`GapPolicy::Refuse`] (answer 204).
    pub fn subscribe(
        &self,
        last_event_id: LastEventId<'_>,
    ) -> Result<Subscription, SubscribeError> {
        self.inner.subscribe(&self.hub, &self.inner, last_event_id)
    }

    /// The events the history holds after `last_event_id`, as one frame
    /// (empty when there are none), or `None` when it cannot say (too old or
    /// unknown). For a server taking over a shut-down hub's clients, or for
    /// inspection; subscribing does this itself.
    pub fn replay(&self, last_event_id: &str) -> Option<EncodedFrame> {
        let state = self.inner.lock();
        match state.history.resume(last_event_id) {
            Resume::From(replay) => Some(EncodedFrame::from_encoded(Bytes::copy_from_slice(
                replay.as_bytes(),
            ))),
            Resume::Gap | Resume::Unknown => None,
        }
    }
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Topic")
            .field("name", &self.inner.name)
            .field("subscribers", &self.subscribers())
            .finish_non_exhaustive()
    }
}

impl TopicInner {
    fn new(name: &str, config: &HubConfig, shut_down: bool) -> TopicInner {
        let history = match config.ids() {
            HubIds::Assigned { first } => History::starting_at(config.history(), first),
            HubIds::Caller => History::with_caller_ids(config.history()),
        };
        TopicInner {
            name: name.into(),
            state: Mutex::new(TopicState {
                history,
                last_id: None,
                published: 0,
                subscribers: HashMap::new(),
                next_key: 0,
                shut_down,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, TopicState> {
        // Every critical section leaves the topic consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, hub: &HubShared, event: EventFrame<'_>) -> Result<Published, PublishError> {
        let metrics = &hub.metrics;
        let (published, wakers) = {
            let mut state = self.lock();
            if state.shut_down {
                return Err(PublishError::ShutDown);
            }
            let assigned = state.history.next_id();
            let frame = Bytes::copy_from_slice(state.history.push(event)?);
            let id: Arc<str> = match (assigned, event.id) {
                (Some(n), _) => n.to_string().into(),
                // The history took it: a non-empty caller ID.
                (None, id) => id.unwrap_or_default().into(),
            };
            state.last_id = Some(id.clone());
            state.published += 1;
            let item = Item {
                frame,
                last_id: Some(id.clone()),
            };
            let capacity = hub.config.capacity();
            let mut wakers = Vec::with_capacity(state.subscribers.len());
            let mut queued = 0;
            let mut disconnected = Vec::new();
            for (&key, queue) in &state.subscribers {
                let mut queue = queue.lock();
                if queue.end.is_some() {
                    continue;
                }
                if queue.lagging {
                    metrics.dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if queue.items.len() < capacity {
                    queue.items.push_back(item.clone());
                    queued += 1;
                } else {
                    metrics.lagged.fetch_add(1, Ordering::Relaxed);
                    metrics.dropped.fetch_add(1, Ordering::Relaxed);
                    match hub.config.lag_policy() {
                        LagPolicy::Disconnect => {
                            queue.end = Some(Ended::Lagged);
                            disconnected.push(key);
                        }
                        LagPolicy::CatchUp => queue.lagging = true,
                    }
                }
                wakers.extend(queue.waker.take());
            }
            for key in disconnected {
                state.remove(hub, key);
                metrics.disconnected.fetch_add(1, Ordering::Relaxed);
            }
            (Published { id, queued }, wakers)
        };
        metrics.published.fetch_add(1, Ordering::Relaxed);
        wakers.into_iter().for_each(Waker::wake);
        Ok(published)
    }

    fn subscribe(
        &self,
        hub: &Arc<HubShared>,
        this: &Arc<TopicInner>,
        last_event_id: LastEventId<'_>,
    ) -> Result<Subscription, SubscribeError> {
        let metrics = &hub.metrics;
        let mut state = self.lock();
        if state.shut_down {
            return Err(SubscribeError::ShutDown);
        }
        let resume = match last_event_id {
            LastEventId::Absent => None,
            LastEventId::Id(id) => Some(state.history.resume(id)),
            LastEventId::Invalid(_) => Some(Resume::Unknown),
        };
        let (replay, start) = match resume {
            None => (None, Start::Live),
            Some(Resume::From(replay)) => {
                metrics.resumed.fetch_add(1, Ordering::Relaxed);
                let events = replay.len();
                let bytes = (events > 0).then(|| Bytes::copy_from_slice(replay.as_bytes()));
                (bytes, Start::Replayed { events })
            }
            Some(gap) => {
                metrics.gaps.fetch_add(1, Ordering::Relaxed);
                let (error, start) = match gap {
                    Resume::Gap => (SubscribeError::Gap, Start::Gap),
                    _ => (SubscribeError::UnknownId, Start::Unknown),
                };
                if hub.config.gap_policy() == GapPolicy::Refuse {
                    return Err(error);
                }
                let mut bytes = BytesMut::from(gap_notice());
                bytes.extend_from_slice(state.history.bytes());
                (Some(bytes.freeze()), start)
            }
        };
        let items = replay
            .map(|frame| Item {
                frame,
                last_id: state.last_id.clone(),
            })
            .into_iter()
            .collect::<VecDeque<_>>();
        let queue = Arc::new(Queue::new(items));
        let key = state.next_key;
        state.next_key += 1;
        state.subscribers.insert(key, queue.clone());
        metrics.subscribers.fetch_add(1, Ordering::Relaxed);
        Ok(Subscription {
            hub: hub.clone(),
            topic: this.clone(),
            key,
            queue,
            cursor: state.last_id.clone(),
            start,
            ended: None,
            done: false,
        })
    }

    /// A lagging subscription (under [`LagPolicy::CatchUp`]) whose queue is
    /// drained: queue everything after `cursor` from the history and go on
    /// live, under the topic's lock so that nothing is missed or repeated;
    /// disconnect it when the history no longer reaches back that far.
    fn catch_up(&self, hub: &HubShared, key: u64, queue: &Queue, cursor: &Option<Arc<str>>) {
        let mut state = self.lock();
        let replay = match cursor {
            Some(id) => match state.history.resume(id) {
                Resume::From(replay) => Some(Bytes::copy_from_slice(replay.as_bytes())),
                Resume::Gap | Resume::Unknown => None,
            },
            // It joined before the first event: it needs them all.
            None if state.history.len() as u64 == state.published => {
                Some(Bytes::copy_from_slice(state.history.bytes()))
            }
            None => None,
        };
        let last_id = state.last_id.clone();
        let mut q = queue.lock();
        q.lagging = false;
        match replay {
            Some(frame) => {
                if !frame.is_empty() {
                    q.items.push_back(Item { frame, last_id });
                }
            }
            None => {
                if q.end.is_none() {
                    q.end = Some(Ended::Lagged);
                }
                drop(q);
                if state.remove(hub, key) {
                    hub.metrics.disconnected.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn unsubscribe(&self, hub: &HubShared, key: u64) {
        self.lock().remove(hub, key);
    }

    fn shutdown(&self, hub: &HubShared) {
        let wakers: Vec<Waker> = {
            let mut state = self.lock();
            state.shut_down = true;
            state
                .subscribers
                .values()
                .filter_map(|queue| {
                    let mut queue = queue.lock();
                    if queue.end.is_none() {
                        queue.end = Some(Ended::ShutDown);
                        queue.last = hub.shutdown_frame.clone();
                    }
                    queue.waker.take()
                })
                .collect()
        };
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl TopicState {
    /// Unregisters a subscriber; whether it was registered.
    fn remove(&mut self, hub: &HubShared, key: u64) -> bool {
        let removed = self.subscribers.remove(&key).is_some();
        if removed {
            hub.metrics.subscribers.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }
}

/// The in-band notice of [`GapPolicy::Notify`]: an event of type
/// [`GAP_EVENT`] with empty data and no ID (checked against the encoder by a
/// test).
fn gap_notice() -> &'static [u8] {
    b"event: gap\ndata:\n\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_notice_is_the_encoders() {
        let frame = EncodedFrame::new(EventFrame::new("").with_event_type(GAP_EVENT)).unwrap();
        assert_eq!(frame.as_bytes(), gap_notice());
    }
}
