//! How a [`RedisBackplane`](crate::RedisBackplane) logs, reads and reconnects.

use std::sync::Arc;
use std::time::Duration;

use sse_rt::server::HubConfig;
use sse_rt::sse_proto::client::Backoff;

/// The configuration of a [`RedisBackplane`](crate::RedisBackplane).
///
/// | setting | default |
/// | --- | --- |
/// | [`with_hub`](RedisConfig::with_hub): the local hub (queue per subscriber, local history, lag and gap policies, shutdown `retry:`) | [`HubConfig::new`] |
/// | [`with_max_len`](RedisConfig::with_max_len): `XADD ... MAXLEN ~ N` | 10,000 entries per topic |
/// | [`with_max_age`](RedisConfig::with_max_age): `XTRIM ... MINID ~` now minus the age | none |
/// | [`with_key_prefix`](RedisConfig::with_key_prefix): the stream key is the prefix and the topic | `sse:` |
/// | [`with_block`](RedisConfig::with_block): a reader's `XREAD BLOCK` | 2 s |
/// | [`with_read_count`](RedisConfig::with_read_count): a reader's `XREAD COUNT` | 1024 |
/// | [`with_timeouts`](RedisConfig::with_timeouts): connect, and a command's answer (not the readers': theirs is off) | 2 s, 5 s |
/// | [`with_backoff`](RedisConfig::with_backoff): between reconnects, doubling | 50 ms to 2 s |
///
/// The local hub's IDs and gap handling are the backplane's own: it always
/// takes the Redis entry IDs ([`HubIds::Caller`](sse_rt::server::HubIds::Caller)),
/// and the hub config's [`GapPolicy`](sse_rt::server::GapPolicy) applies to
/// the Redis log as a whole (the local history is only a cache of it). Keep
/// the local history at least as long as the queue per subscriber (as for
/// any hub), and `max_len` well above both: a client resumes from Redis only
/// as far back as the stream holds.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_redis::RedisConfig;
/// use sse_rt::server::{GapPolicy, HubConfig};
///
/// let config = RedisConfig::new()
///     .with_hub(HubConfig::new().with_gap_policy(GapPolicy::Refuse))
///     .with_max_len(100_000)
///     .with_max_age(Some(Duration::from_secs(24 * 3600)))
///     .with_key_prefix("chat:");
/// assert_eq!(config.max_len(), 100_000);
/// ```
#[derive(Clone, Debug)]
pub struct RedisConfig {
    hub: HubConfig,
    max_len: u64,
    max_age: Option<Duration>,
    key_prefix: Arc<str>,
    block: Duration,
    read_count: usize,
    connect_timeout: Duration,
    response_timeout: Duration,
    backoff_base: Duration,
    backoff_max: Duration,
}

impl Default for RedisConfig {
    fn default() -> RedisConfig {
        RedisConfig::new()
    }
}

impl RedisConfig {
    /// The defaults (see the table above).
    pub fn new() -> RedisConfig {
        RedisConfig {
            hub: HubConfig::new(),
            max_len: 10_000,
            max_age: None,
            key_prefix: "sse:".into(),
            block: Duration::from_secs(2),
            read_count: 1024,
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(5),
            backoff_base: Duration::from_millis(50),
            backoff_max: Duration::from_secs(2),
        }
    }

    /// The local hub's configuration (its [`HubIds`](sse_rt::server::HubIds)
    /// are replaced: the IDs are Redis's).
    pub fn with_hub(mut self, hub: HubConfig) -> RedisConfig {
        self.hub = hub;
        self
    }

    /// About how many entries each topic's stream keeps (`MAXLEN ~`: Redis
    /// trims whole nodes, so a little more; at least 1).
    pub fn with_max_len(mut self, entries: u64) -> RedisConfig {
        self.max_len = entries.max(1);
        self
    }

    /// Entries older than this are trimmed too (`MINID ~`, by the entry
    /// IDs' milliseconds against this machine's clock), at every publish.
    pub fn with_max_age(mut self, age: Option<Duration>) -> RedisConfig {
        self.max_age = age;
        self
    }

    /// The prefix of every stream key.
    pub fn with_key_prefix(mut self, prefix: &str) -> RedisConfig {
        self.key_prefix = prefix.into();
        self
    }

    /// How long a reader's `XREAD` blocks when nothing comes (at least 1
    /// ms): also how soon a reader notices a shutdown.
    pub fn with_block(mut self, block: Duration) -> RedisConfig {
        self.block = block.max(Duration::from_millis(1));
        self
    }

    /// How many entries a reader takes per `XREAD` (at least 1).
    pub fn with_read_count(mut self, count: usize) -> RedisConfig {
        self.read_count = count.max(1);
        self
    }

    /// The connect timeout, and how long a command (publish, replay) waits
    /// for its answer.
    pub fn with_timeouts(mut self, connect: Duration, response: Duration) -> RedisConfig {
        self.connect_timeout = connect;
        self.response_timeout = response;
        self
    }

    /// The first delay before reconnecting, doubled per failure in a row up
    /// to `max` (the core's [`Backoff::Exponential`], without jitter).
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> RedisConfig {
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }

    /// The local hub's configuration.
    pub fn hub(&self) -> HubConfig {
        self.hub
    }

    /// `MAXLEN ~` of every publish.
    pub fn max_len(&self) -> u64 {
        self.max_len
    }

    /// The age past which entries are trimmed, if any.
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// The prefix of every stream key.
    pub fn key_prefix(&self) -> &str {
        &self.key_prefix
    }

    pub(crate) fn block(&self) -> Duration {
        self.block
    }

    pub(crate) fn read_count(&self) -> usize {
        self.read_count
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    pub(crate) fn response_timeout(&self) -> Duration {
        self.response_timeout
    }

    /// The wait before reconnecting after `failures` failures in a row.
    pub(crate) fn backoff(&self, failures: u32) -> Duration {
        Backoff::Exponential {
            max: self.backoff_max,
            jitter: false,
        }
        .max_delay(self.backoff_base, failures.saturating_sub(1))
    }

    /// The stream key of `topic`.
    pub(crate) fn key(&self, topic: &str) -> String {
        let mut key = String::with_capacity(self.key_prefix.len() + topic.len());
        key.push_str(&self.key_prefix);
        key.push_str(topic);
        key
    }
}
