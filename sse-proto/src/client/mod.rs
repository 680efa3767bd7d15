//! The EventSource processing model as a sans-IO state machine.
//!
//! The [`Client`] decides when to connect, with which `Last-Event-ID`, when to
//! reconnect and when to give up; the adapter does the I/O (and follows
//! redirects: they never reach the client) and passes the time into every call.
//!
//! - Ready state: [`ReadyState::Connecting`], [`Open`](ReadyState::Open),
//!   [`Closed`](ReadyState::Closed). The `open` notification is
//!   [`Client::handle_response`] returning `Ok`; the `error` notification is the
//!   state after [`handle_end`](Client::handle_end),
//!   [`handle_error`](Client::handle_error) or an idle
//!   [`handle_timeout`](Client::handle_timeout): `Connecting` with a reconnect
//!   deadline in [`poll_timeout`](Client::poll_timeout), or `Closed` with a
//!   [`fail_reason`](Client::fail_reason).
//! - A 200 with `Content-Type: text/event-stream` opens the stream; a 204, any
//!   other status or content type fails it for good ([`FailReason`]).
//! - [`Mode::Replayable`] reconnects after the end of the stream or a network
//!   error, waiting the reconnection time (3 s by default, then the server's
//!   `retry:`), with optional exponential [`Backoff`] and a retry budget.
//!   [`Mode::OneShot`] never re-sends its request (an LLM `POST`).
//!
//! See the crate docs, "Example: driving the client", for the run loop.

mod backoff;

use core::time::Duration;

use crate::{DecodeError, Decoder, FailReason, Feed, Instant, Item, Storage, StreamEnd};
pub use backoff::Backoff;
use backoff::SplitMix64;

/// Whether a dropped stream is requested again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// EventSource: reconnect after the end of the stream or a network error,
    /// sending the last event ID.
    Replayable,
    /// Send the request once and never again: for non-idempotent requests such
    /// as an LLM `POST` (repeating it costs tokens and money). A cut stream is
    /// [`FailReason::Interrupted`].
    OneShot,
}

/// How the client behaves; see each field. Build with [`Config::replayable`] or
/// [`Config::one_shot`], then set fields.
///
/// ```
/// use core::time::Duration;
/// use sse_proto::client::{Backoff, Config};
///
/// let mut config = Config::replayable();
/// config.backoff = Backoff::Exponential { max: Duration::from_secs(60), jitter: true };
/// config.retry_budget = Some(10);
/// config.idle_timeout = Some(Duration::from_secs(45));
/// config.seed = 0x5eed; // from the adapter's RNG: the core reads none
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
    /// Give up ([`FailReason::RetryBudget`]) instead of making more than this many
    /// reconnects in a row without a healthy connection. `None` (default): retry
    /// for ever, like browsers.
    pub retry_budget: Option<u32>,
    /// Drop a connection on which no byte (not even a keepalive comment) arrived
    /// for this long, then reconnect (default `None`). Runs from the moment the
    /// request is due (so it also bounds connecting and waiting for the head)
    /// until the connection ends.
    pub idle_timeout: Option<Duration>,
    /// A connection open this long counts as healthy even without an event, and
    /// resets the backoff (default 10 s).
    pub healthy_after: Duration,
    /// Seed of the jitter generator. Give each client its own (from the
    /// adapter's RNG), or they jitter in lockstep.
    pub seed: u64,
}

impl Config {
    /// The default reconnection time, 3 s (what browsers use).
    pub const DEFAULT_RECONNECT_TIME: Duration = Duration::from_secs(3);
    /// The default [`Config::healthy_after`], 10 s.
    pub const DEFAULT_HEALTHY_AFTER: Duration = Duration::from_secs(10);

    /// EventSource behaviour: reconnect for ever after a constant 3 s (or the
    /// server's `retry:`), no idle timeout.
    pub const fn replayable() -> Config {
        Config {
            mode: Mode::Replayable,
            reconnect_time: Self::DEFAULT_RECONNECT_TIME,
            backoff: Backoff::Constant,
            retry_budget: None,
            idle_timeout: None,
            healthy_after: Self::DEFAULT_HEALTHY_AFTER,
            seed: 0,
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

/// The EventSource ready state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadyState {
    /// Connecting, or waiting to reconnect.
    Connecting,
    /// The stream is open: body bytes flow.
    Open,
    /// Closed for good: see [`Client::fail_reason`].
    Closed,
}

/// What the adapter must do next; from [`Client::poll_action`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action<'a> {
    /// Open a connection and send the request (build it with
    /// [`http::Request`](crate::http::Request)), then report the response head
    /// with [`Client::handle_response`].
    Connect(Connect<'a>),
    /// Drop the current connection now (idle timeout or [`Client::close`]).
    /// Report nothing more about it: the client has already moved on.
    Close,
}

/// The request to make, from [`Action::Connect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Connect<'a> {
    /// The `Last-Event-ID` header value; send the header only when non-empty.
    pub last_event_id: &'a str,
    /// 0 for the first request; for a reconnect, its rank among the reconnects
    /// in a row since the last healthy connection (1 for the first of them).
    pub attempt: u32,
}

/// Internal phase; [`ReadyState`] is its public projection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The reconnect timer is armed.
    Waiting {
        at: Instant,
    },
    /// A request is (about to be) in flight; no response head yet.
    Connecting,
    /// The response opened the stream at `since`.
    Open {
        since: Instant,
    },
    Closed,
}

/// The EventSource state machine: drives reconnects and decodes the body.
///
/// `S` is the decoder's storage: `Vec<u8>` with [`Client::new`] (feature
/// `alloc`), or caller memory through [`Client::with_decoder`] and
/// [`Decoder::with_buffer`], so the client also runs without a heap.
///
/// Method contracts follow the sans-IO convention: every input takes `now`;
/// [`poll_action`](Client::poll_action) and [`poll_timeout`](Client::poll_timeout)
/// say what to do and when; nothing blocks, reads a clock or draws randomness.
///
/// # Examples
///
/// Without a heap, on caller memory, with a virtual clock:
///
/// ```
/// use sse_proto::client::{Action, Client, Config, ReadyState};
/// use sse_proto::{Decoder, Instant, Item};
///
/// let mut mem = [0u8; 512];
/// let t0 = Instant::from_millis(0);
/// let mut client = Client::with_decoder(Config::replayable(), Decoder::with_buffer(&mut mem), t0);
/// assert!(matches!(client.poll_action(), Some(Action::Connect(c)) if c.last_event_id.is_empty()));
///
/// client.handle_response(t0, 200, Some(b"text/event-stream")).unwrap();
/// let mut items = client.handle_bytes(t0, b"id: 9\ndata: hi\n\n");
/// assert!(matches!(items.next_item(), Some(Ok(Item::Event(e))) if e.data() == "hi"));
///
/// client.handle_error(t0); // connection reset
/// assert_eq!(client.ready_state(), ReadyState::Connecting);
/// let at = client.poll_timeout().unwrap(); // 3 s later
/// client.handle_timeout(at);
/// assert!(matches!(client.poll_action(), Some(Action::Connect(c)) if c.last_event_id == "9"));
/// ```
#[derive(Debug)]
pub struct Client<S: Storage> {
    config: Config,
    decoder: Decoder<S>,
    phase: Phase,
    /// No byte may be missing past this instant (while open).
    idle_deadline: Option<Instant>,
    /// An event arrived on the current connection.
    healthy: bool,
    /// Reconnects scheduled in a row since the last healthy connection.
    failures: u32,
    rng: SplitMix64,
    fail: Option<FailReason>,
    pending_close: bool,
    pending_connect: bool,
    /// A connection exists between `Connect` and its end.
    connected: bool,
}

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
impl Client<alloc::vec::Vec<u8>> {
    /// A client with a growable decoder ([`Decoder::new`]), created at `now`
    /// (the idle timeout, if any, runs from here). The first
    /// [`poll_action`](Client::poll_action) asks to connect.
    pub fn new(config: Config, now: Instant) -> Self {
        Client::with_decoder(config, Decoder::new(), now)
    }
}

impl<S: Storage> Client<S> {
    /// A client decoding with `decoder` (for example a
    /// [`Decoder::with_buffer`] one, or one seeded with
    /// [`Decoder::set_last_event_id`] to resume after a restart).
    pub fn with_decoder(config: Config, decoder: Decoder<S>, now: Instant) -> Self {
        Client {
            config,
            decoder,
            phase: Phase::Connecting,
            idle_deadline: config.idle_timeout.map(|d| now + d),
            healthy: false,
            failures: 0,
            rng: SplitMix64::new(config.seed),
            fail: None,
            pending_close: false,
            pending_connect: true,
            connected: false,
        }
    }

    /// The ready state.
    pub fn ready_state(&self) -> ReadyState {
        match self.phase {
            Phase::Waiting { .. } | Phase::Connecting => ReadyState::Connecting,
            Phase::Open { .. } => ReadyState::Open,
            Phase::Closed => ReadyState::Closed,
        }
    }

    /// Why the client closed: `None` while not closed, and for a one-shot stream
    /// that ended cleanly.
    pub fn fail_reason(&self) -> Option<FailReason> {
        self.fail
    }

    /// The last event ID, sent as `Last-Event-ID` on reconnect.
    pub fn last_event_id(&self) -> &str {
        self.decoder.last_event_id()
    }

    /// The reconnection time in force: the server's last `retry:`, else
    /// [`Config::reconnect_time`]. Backoff grows from it.
    pub fn reconnection_time(&self) -> Duration {
        self.decoder.retry().unwrap_or(self.config.reconnect_time)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The decoder (limits, last event ID, reconnection time).
    pub fn decoder(&self) -> &Decoder<S> {
        &self.decoder
    }

    /// The next thing to do, or `None`. Call after every `handle_*` call and
    /// after creating the client, until it returns `None`.
    pub fn poll_action(&mut self) -> Option<Action<'_>> {
        if self.pending_close {
            self.pending_close = false;
            return Some(Action::Close);
        }
        if self.pending_connect {
            self.pending_connect = false;
            self.connected = true;
            return Some(Action::Connect(Connect {
                last_event_id: self.decoder.last_event_id(),
                attempt: self.failures,
            }));
        }
        None
    }

    /// The earliest instant at which [`handle_timeout`](Client::handle_timeout)
    /// has something to do: the reconnect deadline, or the idle deadline of the
    /// current connection (from its request on). `None`: no timer armed. Call after every `handle_*` call and
    /// re-arm the adapter's timer with the result.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let reconnect = match self.phase {
            Phase::Waiting { at } => Some(at),
            _ => None,
        };
        match (reconnect, self.idle_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Acts on the timers due at `now`: a due reconnect queues
    /// [`Action::Connect`] and starts the idle timeout; a due idle deadline
    /// queues [`Action::Close`] (when a connection was made) and then schedules a
    /// reconnect (replayable) or fails with [`FailReason::IdleTimeout`]
    /// (one-shot). Calling it early does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Phase::Waiting { at } = self.phase {
            if at <= now {
                self.phase = Phase::Connecting;
                self.pending_connect = true;
                self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
                return;
            }
        }
        if let (Some(deadline), Some(idle)) = (self.idle_deadline, self.config.idle_timeout) {
            if deadline <= now {
                self.idle_deadline = None;
                self.pending_close = self.connected;
                self.decoder.reset();
                let millis = crate::time::duration_to_millis(idle);
                self.disconnect(
                    now,
                    StreamEnd::Truncated,
                    FailReason::IdleTimeout { millis },
                );
            }
        }
    }

    /// The response head arrived: `status` and the `Content-Type` value, if any.
    ///
    /// # Errors
    ///
    /// The stream failed for good and the client is now closed:
    /// [`FailReason::NoContent`] for 204, [`FailReason::Status`] for any other
    /// status but 200, [`FailReason::ContentType`] when the type is absent or not
    /// `text/event-stream` (parameters and any case allowed). The caller may
    /// still read the response body for an error message ("401: invalid API
    /// key"), then drops the connection. Called on a closed client, it returns
    /// the reason it closed.
    ///
    /// Interim `1xx` responses (`100 Continue`, `103 Early Hints`) and redirects
    /// are the adapter's: skip or follow them and report only the final head.
    pub fn handle_response(
        &mut self,
        now: Instant,
        status: u16,
        content_type: Option<&[u8]>,
    ) -> Result<(), FailReason> {
        if self.phase == Phase::Closed {
            return Err(self.fail.unwrap_or(FailReason::Closed));
        }
        let failure = match status {
            204 => Some(FailReason::NoContent),
            200 if content_type.is_some_and(crate::http::is_event_stream) => None,
            200 => Some(FailReason::ContentType),
            _ => Some(FailReason::Status { status }),
        };
        if let Some(reason) = failure {
            // No `Close` action: the caller may still read the error body.
            self.connected = false;
            self.close_with(Some(reason));
            return Err(reason);
        }
        self.decoder.reset();
        self.phase = Phase::Open { since: now };
        self.healthy = false;
        self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
        Ok(())
    }

    /// Body bytes arrived (framing already removed, e.g. by
    /// [`http::BodyDecoder`](crate::http::BodyDecoder)). Returns the decoded items
    /// one by one; drain them with `while let Some(item) = feed.next_item()`.
    /// Every call (even with only a keepalive) pushes the idle deadline back; an
    /// event marks the connection healthy; a `retry:` item changes
    /// [`reconnection_time`](Client::reconnection_time).
    ///
    /// Bytes given while the stream is not open are ignored (no items).
    pub fn handle_bytes<'c, 'i>(
        &'c mut self,
        now: Instant,
        input: &'i [u8],
    ) -> ClientFeed<'c, 'i, S> {
        let input = if matches!(self.phase, Phase::Open { .. }) {
            if !input.is_empty() {
                self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
            }
            input
        } else {
            &[]
        };
        ClientFeed {
            feed: self.decoder.feed(input),
            healthy: &mut self.healthy,
        }
    }

    /// The body ended (the server closed it, or its framing completed).
    /// `framing` is how the HTTP framing ended
    /// ([`http::BodyDecoder::finish`](crate::http::BodyDecoder::finish)): pass
    /// [`StreamEnd::Truncated`] when chunked framing lacked its last chunk.
    ///
    /// Returns [`StreamEnd::Truncated`] when the framing was cut or the body
    /// ended inside an event (which is discarded), else [`StreamEnd::Clean`].
    /// Then: replayable, a reconnect is scheduled (see
    /// [`poll_timeout`](Client::poll_timeout)); one-shot, the client closes
    /// ([`FailReason::Interrupted`] when truncated). Ignored (`Clean`) when the
    /// stream is not open.
    pub fn handle_end(&mut self, now: Instant, framing: StreamEnd) -> StreamEnd {
        if !matches!(self.phase, Phase::Open { .. }) {
            return StreamEnd::Clean;
        }
        let body = self.decoder.finish();
        let end = if framing == StreamEnd::Truncated {
            framing
        } else {
            body
        };
        self.disconnect(now, end, FailReason::Interrupted);
        end
    }

    /// The connection failed (refused, reset, malformed HTTP...), before or
    /// after the response head. Replayable: a reconnect is scheduled. One-shot:
    /// the client closes with [`FailReason::Interrupted`]. Ignored when no
    /// connection is in progress.
    pub fn handle_error(&mut self, now: Instant) {
        if matches!(self.phase, Phase::Open { .. } | Phase::Connecting) {
            self.decoder.reset();
            self.disconnect(now, StreamEnd::Truncated, FailReason::Interrupted);
        }
    }

    /// Closes the client for good ([`FailReason::Closed`]); queues
    /// [`Action::Close`] when a connection is in progress. Idempotent.
    pub fn close(&mut self) {
        if self.phase != Phase::Closed {
            self.close_with(Some(FailReason::Closed));
        }
    }

    /// The current connection is gone: reconnect or close.
    fn disconnect(&mut self, now: Instant, end: StreamEnd, one_shot_failure: FailReason) {
        if let Phase::Open { since } = self.phase {
            if self.healthy || now - since >= self.config.healthy_after {
                self.failures = 0;
            }
        }
        self.connected = false;
        self.pending_connect = false;
        self.idle_deadline = None;
        self.healthy = false;
        if self.config.mode == Mode::OneShot {
            let reason = (end == StreamEnd::Truncated).then_some(one_shot_failure);
            self.close_with(reason);
            return;
        }
        if let Some(budget) = self.config.retry_budget {
            if self.failures >= budget {
                self.close_with(Some(FailReason::RetryBudget { retries: budget }));
                return;
            }
        }
        let delay =
            self.config
                .backoff
                .delay(self.reconnection_time(), self.failures, &mut self.rng);
        self.failures = self.failures.saturating_add(1);
        self.phase = Phase::Waiting { at: now + delay };
    }

    fn close_with(&mut self, reason: Option<FailReason>) {
        self.phase = Phase::Closed;
        self.fail = reason;
        self.idle_deadline = None;
        self.pending_connect = false;
        if self.connected {
            self.pending_close = true;
            self.connected = false;
        }
    }
}

/// The items decoded from one [`Client::handle_bytes`] call.
///
/// A lending iterator: each item borrows the feed until the next call, so use
/// `while let`, not `for`. Items not drained are not decoded; drain it.
#[derive(Debug)]
pub struct ClientFeed<'c, 'i, S: Storage> {
    feed: Feed<'c, 'i, S>,
    healthy: &'c mut bool,
}

impl<S: Storage> ClientFeed<'_, '_, S> {
    /// The next item, `None` once the bytes are used up, or the error of an
    /// over-limit event (the next call goes on after that event).
    pub fn next_item(&mut self) -> Option<Result<Item<'_>, DecodeError>> {
        let item = self.feed.next_item();
        if let Some(Ok(Item::Event(_))) = item {
            *self.healthy = true;
        }
        item
    }
}

#[cfg(test)]
mod tests;
