//! `RedisBackplane`: publishing with `XADD`, one reader per topic feeding
//! the node's hub, resuming from `XRANGE`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisError, RedisResult};
use sse_rt::server::{
    Backplane, BackplaneError, EncodedFrame, GapPolicy, HistoryError, Hub, HubIds, HubMetrics,
    LastEventId, PublishError, Published, Start, SubscribeError, GAP_EVENT,
};
use sse_rt::sse_proto::Encoder;
use sse_rt::EventFrame;

use crate::config::RedisConfig;
use crate::id::StreamId;
use crate::log::{self, Entry, Info};
use crate::reader;
use crate::rt::Rt;
use crate::stream::RedisStream;

/// Entries per `XRANGE` page of a replay.
const PAGE: usize = 1000;

/// A [`Backplane`] on Redis Streams: every node publishes to and resumes
/// from one shared, ordered log, so a client that reconnects to any node
/// resumes from its `Last-Event-ID` there.
///
/// - **Publish** appends the event to the topic's stream (`XADD`, trimmed to
///   about [`max_len`](RedisConfig::with_max_len) entries, and by age if
///   set); the entry ID (`1700000000000-0`) is the event's SSE `id`. An
///   event that comes with its own ID is refused
///   ([`HistoryError::UnexpectedId`]): the log gives IDs.
/// - **Live events** come from one reader per topic per node: a dedicated
///   connection in `XREAD BLOCK` (no response timeout) from the last entry
///   it read, feeding a local [`Hub`] that fans each event out to the node's
///   subscribers, encoded once. No Redis connection per client.
/// - **Resume** from the local hub's history when it still holds the client's
///   ID; else from Redis (`XRANGE` after the ID up to where the subscriber
///   joined the hub's live events), then live, with no gap or duplicate at
///   the seam: IDs are ordered, and the subscriber joins the hub before the
///   range is read. A client that comes from a node further ahead than this
///   one gets live events after its ID only.
/// - **Gaps**: an ID older than the stream holds (something after it was
///   trimmed) is a gap, an ID that is not a Redis entry ID, or newer than any
///   given out, is unknown; both follow the hub config's
///   [`GapPolicy`](sse_rt::server::GapPolicy) (the `gap` notice then
///   everything held, or [`SubscribeError::Gap`] /
///   [`SubscribeError::UnknownId`]).
/// - **Redis unreachable**: publishing fails with
///   [`PublishError::Unavailable`] (reconnecting with backoff, no waiting
///   in between), a subscription that needs Redis for its replay with
///   [`SubscribeError::Unavailable`] (answer 503); open subscriptions stay
///   open, and the readers reconnect with backoff and go on from the last
///   entry they read, so nothing is lost once Redis is back (with
///   persistence on, `appendfsync always` for what was acknowledged).
///
/// Topics live as long as the backplane (a reader each, from the first
/// subscription on this node): name them from a known set. It is a cheap
/// handle (`Clone`); readers stop at [`shutdown`](RedisBackplane::shutdown)
/// or when every handle is dropped (within the
/// [`block`](RedisConfig::with_block) time). Readers are spawned on the
/// runtime of the feature (`tokio`, `smol`; with both, tokio inside a tokio
/// runtime, as the redis crate chooses).
///
/// # Limits
///
/// A reader that falls behind the trimming (Redis unreachable for longer
/// than it takes to publish `max_len` events) cannot deliver what was
/// trimmed to its live subscribers; size `max_len` for the longest outage.
#[derive(Clone)]
pub struct RedisBackplane {
    shared: Arc<Shared>,
}

/// What the handles and readers share.
pub(crate) struct Shared {
    pub(crate) client: Client,
    pub(crate) config: RedisConfig,
    pub(crate) hub: Hub,
    /// The connection of commands (publish, replay), with its backoff.
    link: Mutex<Link>,
    /// The topics with a reader on this node, and the entry the reader
    /// started after.
    readers: Mutex<HashMap<Box<str>, StreamId>>,
    shut_down: AtomicBool,
}

/// The commands' connection: open, or failed and when to try again.
#[derive(Default)]
struct Link {
    connection: Option<MultiplexedConnection>,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<BackplaneError>,
}

impl RedisBackplane {
    /// A backplane on the Redis at `url` (`redis://127.0.0.1:6379`,
    /// `redis://:password@host:port/db`). Connects lazily: nothing is sent
    /// before the first publish or subscription.
    ///
    /// # Errors
    ///
    /// The URL is not a Redis URL.
    pub fn new(url: &str, config: RedisConfig) -> Result<RedisBackplane, BackplaneError> {
        let client = Client::open(url).map_err(BackplaneError::new)?;
        let hub = Hub::new(
            config
                .hub()
                .with_ids(HubIds::Caller)
                // The local history is a cache: what it cannot resume from
                // is read from Redis, whose gaps follow the configured policy.
                .with_gap_policy(GapPolicy::Refuse),
        );
        Ok(RedisBackplane {
            shared: Arc::new(Shared {
                client,
                config,
                hub,
                link: Mutex::new(Link::default()),
                readers: Mutex::new(HashMap::new()),
                shut_down: AtomicBool::new(false),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RedisConfig {
        &self.shared.config
    }

    /// The local hub's counters (subscribers on this node, events read,
    /// lagging subscribers...).
    pub fn metrics(&self) -> HubMetrics {
        self.shared.hub.metrics()
    }

    /// Shuts this node down: no more publishing or subscribing through it,
    /// every local subscription ends after what was queued for it (and the
    /// hub config's shutdown `retry:`), the readers stop. What was published
    /// stays in Redis for the clients to resume from on another node.
    pub fn shutdown(&self) {
        self.shared.shut_down.store(true, Ordering::Relaxed);
        self.shared.hub.shutdown();
    }

    async fn publish_event(
        &self,
        topic: &str,
        event: EventFrame<'_>,
    ) -> Result<Published, PublishError> {
        let shared = &self.shared;
        if shared.is_shut_down() {
            return Err(PublishError::ShutDown);
        }
        if event.id.is_some() {
            return Err(PublishError::Refused(HistoryError::UnexpectedId));
        }
        Encoder::new()
            .encoded_len(event)
            .map_err(|e| PublishError::Refused(HistoryError::Encode(e)))?;
        let pipe = log::xadd(&shared.config.key(topic), &event, &shared.config);
        let (id,): (String,) = shared
            .query(|mut c| async move { pipe.query_async(&mut c).await })
            .await
            .map_err(PublishError::Unavailable)?;
        if StreamId::parse(&id).is_none() {
            return Err(PublishError::Unavailable(unexpected("XADD")));
        }
        Ok(Published::new(id.into(), 0))
    }

    async fn subscribe_after(
        &self,
        topic: &str,
        after: LastEventId<'_>,
    ) -> Result<RedisStream, SubscribeError> {
        let shared = &self.shared;
        if shared.is_shut_down() {
            return Err(SubscribeError::ShutDown);
        }
        let start = self.reader(topic).await?;
        let hub = &shared.hub;
        let after = match after {
            LastEventId::Absent => {
                return Ok(RedisStream::live(
                    hub.subscribe(topic, LastEventId::Absent)?,
                    start,
                ));
            }
            LastEventId::Id(id) => match hub.subscribe(topic, LastEventId::Id(id)) {
                Ok(held) => return Ok(RedisStream::live(held, start)),
                Err(SubscribeError::Gap | SubscribeError::UnknownId) => Some(id),
                Err(e) => return Err(e),
            },
            LastEventId::Invalid(_) => None,
        };
        // Join the live events first: everything up to `seam` is Redis's to
        // replay, everything after it comes live.
        let live = hub.subscribe(topic, LastEventId::Absent)?;
        let seam = live
            .last_event_id()
            .and_then(StreamId::parse)
            .unwrap_or(start);
        let Some((text, id)) = after.and_then(|text| Some((text, StreamId::parse(text)?))) else {
            return self
                .gap(topic, after, live, seam, SubscribeError::UnknownId)
                .await;
        };
        let replay = if id < seam {
            shared.range(topic, Some(id), seam).await?
        } else {
            Vec::new()
        };
        // Read after the range: an entry after `id` trimmed before the range
        // was read shows here (a trim after it only makes this conservative).
        let info = shared
            .info(topic)
            .await
            .map_err(SubscribeError::Unavailable)?;
        if id > info.last_generated {
            return self
                .gap(topic, after, live, seam, SubscribeError::UnknownId)
                .await;
        }
        if info.gone_after(id) {
            return self
                .gap(topic, after, live, seam, SubscribeError::Gap)
                .await;
        }
        let events = replay.len();
        Ok(RedisStream::resumed(
            frames(replay),
            Some(text.into()),
            (id > seam).then_some(id),
            live,
            Start::Replayed { events },
        ))
    }

    /// A resume the log cannot serve: refused, or the `gap` notice, then
    /// everything the stream holds up to the seam, then live.
    async fn gap(
        &self,
        topic: &str,
        after: Option<&str>,
        live: sse_rt::server::Subscription,
        seam: StreamId,
        error: SubscribeError,
    ) -> Result<RedisStream, SubscribeError> {
        if self.shared.config.hub().gap_policy() == GapPolicy::Refuse {
            return Err(error);
        }
        let held = if seam > StreamId::ZERO {
            self.shared.range(topic, None, seam).await?
        } else {
            Vec::new()
        };
        let mut replay = frames(held);
        if let Ok(notice) = EncodedFrame::new(EventFrame::new("").with_event_type(GAP_EVENT)) {
            replay.push_front((notice, None));
        }
        let start = match error {
            SubscribeError::Gap => Start::Gap,
            _ => Start::Unknown,
        };
        Ok(RedisStream::resumed(
            replay,
            after.map(Into::into),
            None,
            live,
            start,
        ))
    }

    /// The topic's reader on this node, started now if there is none; the
    /// entry it started after (the newest when it started).
    async fn reader(&self, topic: &str) -> Result<StreamId, SubscribeError> {
        let shared = &self.shared;
        if let Some(start) = shared.lock_readers().get(topic) {
            return Ok(*start);
        }
        let newest = shared
            .info(topic)
            .await
            .map_err(SubscribeError::Unavailable)?
            .last_generated;
        let rt = Rt::current().ok_or_else(|| {
            SubscribeError::Unavailable(BackplaneError::new(
                "sse-redis: no runtime to run the topic's reader on (call it inside a tokio runtime)",
            ))
        })?;
        let mut readers = shared.lock_readers();
        if let Some(start) = readers.get(topic) {
            return Ok(*start);
        }
        readers.insert(topic.into(), newest);
        rt.spawn(reader::run(
            Arc::downgrade(shared),
            shared.hub.clone(),
            topic.into(),
            newest,
            rt,
        ));
        Ok(newest)
    }
}

impl Backplane for RedisBackplane {
    type Stream = RedisStream;

    fn publish(
        &self,
        topic: &str,
        event: EventFrame<'_>,
    ) -> impl Future<Output = Result<Published, PublishError>> + Send {
        self.publish_event(topic, event)
    }

    fn subscribe(
        &self,
        topic: &str,
        after: LastEventId<'_>,
    ) -> impl Future<Output = Result<RedisStream, SubscribeError>> + Send {
        self.subscribe_after(topic, after)
    }
}

impl fmt::Debug for RedisBackplane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBackplane")
            .field("config", &self.shared.config)
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Relaxed)
    }

    fn lock_readers(&self) -> MutexGuard<'_, HashMap<Box<str>, StreamId>> {
        // Every critical section leaves the map consistent.
        self.readers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_link(&self) -> MutexGuard<'_, Link> {
        // Every critical section leaves the link consistent.
        self.link.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a command on the commands' connection, connecting first if
    /// needed (not before the backoff after a failed connect has passed:
    /// until then, the last error at once). A connection that failed is
    /// dropped, so the next command connects again.
    async fn query<T, F, Fut>(&self, command: F) -> Result<T, BackplaneError>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let connection = self.connection().await?;
        match command(connection).await {
            Ok(reply) => Ok(reply),
            Err(e) => {
                if broken(&e) {
                    self.lock_link().connection = None;
                }
                Err(BackplaneError::new(e))
            }
        }
    }

    async fn connection(&self) -> Result<MultiplexedConnection, BackplaneError> {
        {
            let link = self.lock_link();
            if let Some(connection) = &link.connection {
                return Ok(connection.clone());
            }
            if let (Some(at), Some(e)) = (link.retry_at, &link.last_error) {
                if Instant::now() < at {
                    return Err(e.clone());
                }
            }
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.config.connect_timeout()))
            .set_response_timeout(Some(self.config.response_timeout()));
        let connected = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await;
        let mut link = self.lock_link();
        match connected {
            Ok(connection) => {
                *link = Link {
                    connection: Some(connection.clone()),
                    ..Link::default()
                };
                Ok(connection)
            }
            Err(e) => {
                let e = BackplaneError::new(e);
                link.failures = link.failures.saturating_add(1);
                link.retry_at = Some(Instant::now() + self.config.backoff(link.failures));
                link.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// What `XINFO STREAM` says of the topic (an empty stream if none).
    pub(crate) async fn info(&self, topic: &str) -> Result<Info, BackplaneError> {
        let cmd = log::xinfo(&self.config.key(topic));
        let reply = self
            .query(|mut c| async move {
                match cmd.query_async(&mut c).await {
                    Err(e) if log::no_such_key(&e) => Ok(None),
                    other => other.map(Some),
                }
            })
            .await?;
        match reply {
            None => Ok(Info::default()),
            Some(reply) => log::info(reply).ok_or_else(|| unexpected("XINFO")),
        }
    }

    /// The topic's entries after `after` (from the start for `None`) up to
    /// and with `to`, page by page.
    async fn range(
        &self,
        topic: &str,
        mut after: Option<StreamId>,
        to: StreamId,
    ) -> Result<Vec<Entry>, SubscribeError> {
        let key = self.config.key(topic);
        let mut all = Vec::new();
        loop {
            let cmd = log::xrange(&key, after, to, PAGE);
            let reply = self
                .query(|mut c| async move { cmd.query_async(&mut c).await })
                .await
                .map_err(SubscribeError::Unavailable)?;
            let page = log::entries(reply)
                .ok_or_else(|| SubscribeError::Unavailable(unexpected("XRANGE")))?;
            let full = page.len() == PAGE;
            after = page.last().map(|e| e.id).or(after);
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }
}

/// The replay frames of `entries`, each with its ID. An entry the encoder
/// refuses (an event type with a line break, written by someone else) is
/// left out, as the readers leave it out of the live events.
fn frames(entries: Vec<Entry>) -> VecDeque<(EncodedFrame, Option<Box<str>>)> {
    entries
        .iter()
        .filter_map(|entry| {
            let frame = EncodedFrame::new(entry.event()).ok()?;
            Some((frame, Some(entry.id_text().into())))
        })
        .collect()
}

/// Whether a command's error means its connection is unusable.
pub(crate) fn broken(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_unrecoverable_error() || e.is_timeout()
}

/// A reply of the wrong shape from `command`.
fn unexpected(command: &str) -> BackplaneError {
    BackplaneError::new(format!("unexpected reply to {command}"))
}
