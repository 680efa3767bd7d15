//! How a hub behaves: queue size, history, IDs, and its policies.

use std::time::Duration;

use sse_proto::server::HistoryLimits;

/// The configuration of a [`Hub`](super::Hub); every topic follows it.
///
/// | setting | default |
/// | --- | --- |
/// | [`with_capacity`](HubConfig::with_capacity): frames queued per subscriber | 256 |
/// | [`with_history`](HubConfig::with_history): replay held per topic | 1024 events, 1 MiB |
/// | [`with_ids`](HubConfig::with_ids) | [`HubIds::Assigned`] from 1 |
/// | [`with_lag_policy`](HubConfig::with_lag_policy) | [`LagPolicy::Disconnect`] |
/// | [`with_gap_policy`](HubConfig::with_gap_policy) | [`GapPolicy::Notify`] |
/// | [`with_shutdown_retry`](HubConfig::with_shutdown_retry) | none |
///
/// Keep the history at least as long as the queue: a subscriber disconnected
/// for lagging resumes from the history, which must still hold what its queue
/// did not deliver.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_rt::server::{GapPolicy, HubConfig, HubIds, LagPolicy};
/// use sse_rt::sse_proto::server::HistoryLimits;
///
/// let config = HubConfig::new()
///     .with_capacity(64)
///     .with_history(HistoryLimits::new(4096, 4 << 20))
///     // IDs above any given out by an earlier run of the server.
///     .with_ids(HubIds::Assigned { first: 1_700_000_000_000_000 })
///     .with_lag_policy(LagPolicy::CatchUp)
///     .with_gap_policy(GapPolicy::Refuse)
///     .with_shutdown_retry(Some(Duration::from_millis(500)));
/// assert_eq!(config.capacity(), 64);
/// assert_eq!(config.lag_policy(), LagPolicy::CatchUp);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubConfig {
    pub(super) capacity: usize,
    pub(super) history: HistoryLimits,
    pub(super) ids: HubIds,
    pub(super) lag: LagPolicy,
    pub(super) gap: GapPolicy,
    pub(super) shutdown_retry: Option<Duration>,
}

impl Default for HubConfig {
    fn default() -> HubConfig {
        HubConfig::new()
    }
}

impl HubConfig {
    /// The defaults (see the table above).
    pub const fn new() -> HubConfig {
        HubConfig {
            capacity: 256,
            history: HistoryLimits::new(1024, 1 << 20),
            ids: HubIds::Assigned { first: 1 },
            lag: LagPolicy::Disconnect,
            gap: GapPolicy::Notify,
            shutdown_retry: None,
        }
    }

    /// How many frames may wait for one subscriber (at least 1). A replay
    /// counts as one frame.
    pub const fn with_capacity(mut self, frames: usize) -> HubConfig {
        self.capacity = if frames == 0 { 1 } else { frames };
        self
    }

    /// The bounds of each topic's replay history.
    pub const fn with_history(mut self, limits: HistoryLimits) -> HubConfig {
        self.history = limits;
        self
    }

    /// Who gives events their IDs.
    pub const fn with_ids(mut self, ids: HubIds) -> HubConfig {
        self.ids = ids;
        self
    }

    /// What happens to a subscriber whose queue is full.
    pub const fn with_lag_policy(mut self, policy: LagPolicy) -> HubConfig {
        self.lag = policy;
        self
    }

    /// What happens to a resume whose last event ID is too old or unknown.
    pub const fn with_gap_policy(mut self, policy: GapPolicy) -> HubConfig {
        self.gap = policy;
        self
    }

    /// A `retry:` frame sent to every subscriber at shutdown, after what was
    /// queued for it: how soon the client should reconnect (to another
    /// server).
    pub const fn with_shutdown_retry(mut self, delay: Option<Duration>) -> HubConfig {
        self.shutdown_retry = delay;
        self
    }

    /// The queue capacity per subscriber.
    pub const fn capacity(&self) -> usize {
        self.capacity
    }

    /// The history bounds per topic.
    pub const fn history(&self) -> HistoryLimits {
        self.history
    }

    /// Who gives events their IDs.
    pub const fn ids(&self) -> HubIds {
        self.ids
    }

    /// The lag policy.
    pub const fn lag_policy(&self) -> LagPolicy {
        self.lag
    }

    /// The gap policy.
    pub const fn gap_policy(&self) -> GapPolicy {
        self.gap
    }

    /// The `retry:` sent at shutdown, if any.
    pub const fn shutdown_retry(&self) -> Option<Duration> {
        self.shutdown_retry
    }
}

/// Who gives events their IDs (every event of a hub has one, so that any
/// client can resume).
/// Who gives events their IDs (every event of a hub has one, so that any
/// client can resume).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HubIds {
    /// The hub numbers each topic's events `first`, `first + 1`, ... (the ID
    /// is the number in decimal); publish events without an ID. Across
    /// restarts, start above every ID an earlier run gave out (the start time
    /// in milliseconds times 1000, say), so that an old ID is a gap, not
    /// mistaken for a new event.
    Assigned {
        /// The first ID.
        first: u64,
    },
    /// The caller gives every event a unique, non-empty ID (a database key,
    /// a stream position); an ID that is no longer held cannot be told from
    /// one never given, so resuming from it is a gap of the
    /// [`Unknown`](super::Start::Unknown) kind.
    Caller,
}

/// What the hub does with a subscriber whose queue is full when an event is
/// published. The publisher never waits for a subscriber either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LagPolicy {
    /// The default: the subscriber is disconnected. It gets nothing more; the
    /// frames already queued are still delivered, then its stream ends
    /// ([`Ended::Lagged`](super::Ended::Lagged)). The client reconnects (an
    /// ended stream is a reconnect for an EventSource) and resumes by
    /// `Last-Event-ID` from the history, so nothing is skipped silently.
    #[default]
    Disconnect,
    /// The subscriber stays connected and stops being queued events; once it
    /// has drained its queue it catches up from the topic's history (one
    /// frame with everything after the last event it got) and goes on live.
    /// When the history no longer holds that far back, it is disconnected
    /// as under `Disconnect`. Costs a copy of the history's tail per catch
    /// up; keeps slow readers connected through bursts.
    CatchUp,
}

/// What a subscription resuming from a last event ID gets when the topic's
/// history cannot bring it up to date: the ID is older than everything held
/// (events were missed), unknown to the topic (another server run, a forged
/// or invalid ID).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GapPolicy {
    /// The default: the subscription starts with an event of type
    /// [`GAP_EVENT`] (`gap`, empty data, no ID), then everything the history
    /// holds, then live events. A client listening for `gap` reloads its
    /// state; one that does not still gets every event from then on.
    #[default]
    Notify,
    /// The subscription is refused ([`SubscribeError::Gap`](super::SubscribeError::Gap)
    /// or [`UnknownId`](super::SubscribeError::UnknownId)): answer 204 so that
    /// the EventSource stops, and let the client reload its state.
    Refuse,
}

/// The event type of the in-band notice of [`GapPolicy::Notify`].
pub const GAP_EVENT: &str = "gap";
