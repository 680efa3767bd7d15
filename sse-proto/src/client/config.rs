//! How a [`Client`](super::Client) behaves: mode, delays, limits.

use core::time::Duration;

use super::Backoff;
use crate::Limits;

/// Whether a dropped stream is requested again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// EventSource: reconnect after the end of the stream or a network error,
    /// sending the last event ID.
    Replayable,
    /// Send the request once and never again on the client's own decision: for
    /// non-idempotent requests such as an LLM `POST` (repeating it costs tokens
    /// and money). A cut stream is [`FailReason::Interrupted`](crate::FailReason::Interrupted).
    /// Only [`Client::restart`](super::Client::restart), the caller's explicit
    /// command, sends it again.
    OneShot,
}

/// What the client makes of a response status other than 200, 204 and a
/// redirect; from [`Config::status_policy`].
///
/// ```
/// use sse_proto::client::StatusPolicy;
///
/// assert!(StatusPolicy::RetryTransient.retries(503));
/// assert!(StatusPolicy::RetryTransient.retries(429));
/// assert!(!StatusPolicy::RetryTransient.retries(401));
/// assert!(!StatusPolicy::Whatwg.retries(503));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusPolicy {
    /// The standard's rule: any such status fails the stream for good
    /// ([`FailReason::Status`](crate::FailReason::Status)), as browsers do.
    #[default]
    Whatwg,
    /// A 5xx, 408 (Request Timeout) or 429 (Too Many Requests) is transient:
    /// a replayable client reconnects after the reconnection time (with
    /// backoff, within the retry budget), or after the response's
    /// `Retry-After` when that is longer. Every other status still fails for
    /// good, and a one-shot client never re-sends its request.
    RetryTransient,
}

impl StatusPolicy {
    /// Whether a response with `status` is retried under this policy.
    pub const fn retries(self, status: u16) -> bool {
        match self {
            StatusPolicy::Whatwg => false,
            StatusPolicy::RetryTransient => matches!(status, 408 | 429 | 500..=599),
        }
    }
}

/// How the client behaves; see each field. Build with [`Config::replayable`] or
/// [`Config::one_shot`], then set fields.
///
/// ```
/// use core::time::Duration;
/// use sse_proto::client::{Backoff, Config};
/// use sse_proto::Limits;
///
/// let mut config = Config::replayable();
/// config.backoff = Backoff::Exponential { max: Duration::from_secs(60), jitter: true };
/// config.retry_budget = Some(10);
/// config.idle_timeout = Some(Duration::from_secs(45));
/// config.seed = 0x5eed; // from the adapter's RNG: the core reads none
/// config.limits = Limits::new().with_max_line_len(32 << 20); // a 14 MB line passes
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Config {
    /// Replayable (EventSource) or one-shot.
    pub mode: Mode,
    /// The reconnection time until the server sends `retry:` (default 3 s).
    pub reconnect_time: Duration,
    /// How delays grow over failed attempts in a row (default constant).
    pub backoff: Backoff,
    /// Give up ([`FailReason::RetryBudget`](crate::FailReason::RetryBudget))
    /// instead of making more than this many reconnects in a row without a
    /// healthy connection. `None` (default): retry for ever, like browsers.
    pub retry_budget: Option<u32>,
    /// Drop a connection on which no byte (not even a keepalive comment) arrived
    /// for this long, then reconnect (default `None`). Runs from the moment the
    /// request is due (so it also bounds connecting and waiting for the head)
    /// until the connection ends; every response head and every read of body
    /// bytes starts it again.
    pub idle_timeout: Option<Duration>,
    /// A connection open this long counts as healthy even without an event, and
    /// resets the backoff (default 10 s).
    pub healthy_after: Duration,
    /// Seed of the jitter generator. Give each client its own (from the
    /// adapter's RNG), or they jitter in lockstep.
    pub seed: u64,
    /// The most redirects followed for one request (default 10, as
    /// [`Config::DEFAULT_MAX_REDIRECTS`]); one more fails the client with
    /// [`FailReason::TooManyRedirects`](crate::FailReason::TooManyRedirects).
    /// 0 follows none.
    pub max_redirects: u32,
    /// The decoder's size limits (default [`Limits::new`]: 8 MiB lines, 16 MiB
    /// events). Raise them for streams with larger events.
    pub limits: Limits,
    /// What a status other than 200, 204 and a redirect does (default
    /// [`StatusPolicy::Whatwg`]: it fails for good).
    pub status_policy: StatusPolicy,
    /// Whether comment lines come out of
    /// [`handle_bytes`](super::Client::handle_bytes) as
    /// [`Item::Comment`](crate::Item::Comment) (`true`, the default) or are
    /// passed over, as browsers do. Either way they push the idle deadline back.
    pub comments: bool,
}

impl Config {
    /// The default reconnection time, 3 s (what browsers use).
    pub const DEFAULT_RECONNECT_TIME: Duration = Duration::from_secs(3);
    /// The default [`Config::healthy_after`], 10 s.
    pub const DEFAULT_HEALTHY_AFTER: Duration = Duration::from_secs(10);
    /// The default [`Config::max_redirects`], 10.
    pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

    /// EventSource behaviour: reconnect for ever after a constant 3 s (or the
    /// server's `retry:`), no idle timeout, up to 10 redirects, any status but
    /// 200, 204 and a redirect fails for good, default [`Limits`], comments
    /// surfaced.
    pub const fn replayable() -> Config {
        Config {
            mode: Mode::Replayable,
            reconnect_time: Self::DEFAULT_RECONNECT_TIME,
            backoff: Backoff::Constant,
            retry_budget: None,
            idle_timeout: None,
            healthy_after: Self::DEFAULT_HEALTHY_AFTER,
            seed: 0,
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            limits: Limits::new(),
            status_policy: StatusPolicy::Whatwg,
            comments: true,
        }
    }

    /// One request, never re-sent; otherwise as [`Config::replayable`].
    pub const fn one_shot() -> Config {
        let mut config = Config::replayable();
        config.mode = Mode::OneShot;
        config
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::replayable()
    }
}
