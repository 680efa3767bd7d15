//! The EventSource processing model as a sans-IO state machine.
//!
//! The [`Client`] decides when to connect, with which `Last-Event-ID`, when to
//! reconnect and when to give up; the adapter does the I/O and passes the time
//! into every call.
//!
//! - Ready state: [`ReadyState::Connecting`], [`Open`](ReadyState::Open),
//!   [`Closed`](ReadyState::Closed). The `open` notification is
//!   [`Client::handle_response`] returning [`Accepted::Open`]; the `error`
//!   notification is the state after [`handle_end`](Client::handle_end),
//!   [`handle_error`](Client::handle_error) or an idle
//!   [`handle_timeout`](Client::handle_timeout) (an
//!   [`Action::Close`] with [`CloseReason::IdleTimeout`]): `Connecting` with a
//!   reconnect deadline in [`poll_timeout`](Client::poll_timeout), or `Closed`
//!   with a [`fail_reason`](Client::fail_reason).
//! - A 200 with `Content-Type: text/event-stream` opens the stream; a redirect
//!   (301, 302, 303, 307, 308) is [`Accepted::Redirect`] for the adapter to
//!   follow, up to [`Config::max_redirects`]; a 204, any other status or
//!   content type fails it for good ([`FailReason`]).
//! - [`Mode::Replayable`] reconnects after the end of the stream or a network
//!   error, waiting the reconnection time (3 s by default, then the server's
//!   `retry:`), with optional exponential [`Backoff`] and a retry budget.
//!   [`Mode::OneShot`] never re-sends its request on its own (an LLM `POST`).
//! - [`Client::restart`] reconnects at once on the caller's command (a
//!   network change); [`Client::close`] ends it for good.
//!
//! See the crate docs, "Example: driving the client", for the run loop.

mod action;
mod backoff;
mod config;
mod response;

use core::fmt;
use core::time::Duration;

use crate::{DecodeError, Decoder, FailReason, Feed, Instant, Item, Storage, StreamEnd};
pub use action::{Action, CloseReason, Connect};
pub use backoff::Backoff;
use backoff::SplitMix64;
pub use config::{Config, Mode, StatusPolicy};
pub use response::{Accepted, Head, Redirect, ResponseError};

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

/// Why [`Client::with_last_event_id`] refused an ID.
///
/// # Examples
///
/// ```
/// use sse_proto::client::LastEventIdError;
///
/// let e = LastEventIdError::ForbiddenByte { byte: 0, offset: 3 };
/// assert_eq!(e.to_string(), "last event id has byte 0x00 at offset 3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LastEventIdError {
    /// The ID holds a NUL, CR or LF, which no event ID can (a decoder ignores an
    /// `id` field with NUL; CR and LF end the field) and no `Last-Event-ID`
    /// header can carry.
    ForbiddenByte {
        /// The byte (`0`, `b'\r'` or `b'\n'`).
        byte: u8,
        /// Its offset in the ID, in bytes.
        offset: usize,
    },
    /// The decoder cannot hold the ID (the ID storage of a
    /// [`Decoder::with_buffer`] decoder is too small); the source says how much
    /// it has.
    Storage(DecodeError),
}

impl fmt::Display for LastEventIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LastEventIdError::ForbiddenByte { byte, offset } => {
                write!(f, "last event id has byte {byte:#04x} at offset {offset}")
            }
            LastEventIdError::Storage(_) => f.write_str("last event id does not fit the decoder"),
        }
    }
}

impl core::error::Error for LastEventIdError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            LastEventIdError::Storage(e) => Some(e),
            LastEventIdError::ForbiddenByte { .. } => None,
        }
    }
}

/// Internal phase; [`ReadyState`] is its public projection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The reconnect timer is armed.
    Waiting {
        at: Instant,
    },
    /// A [`Connect`] is queued, not yet taken from `poll_action`.
    Queued,
    /// A [`Connect`] was taken and its response head has not opened the
    /// stream: the only phase that takes a head. `redirects` followed so far.
    Requested {
        redirects: u32,
    },
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
/// use sse_proto::client::{Accepted, Action, Client, Config, ReadyState};
/// use sse_proto::{Decoder, Instant, Item};
///
/// let mut mem = [0u8; 512];
/// let t0 = Instant::from_millis(0);
/// let mut client = Client::with_decoder(Config::replayable(), Decoder::with_buffer(&mut mem), t0)
///     .with_last_event_id("8")?; // resume after a restart of the program
/// assert!(matches!(client.poll_action(), Some(Action::Connect(c)) if c.attempt == 0));
/// assert_eq!(client.last_event_id(), "8"); // send it as Last-Event-ID
///
/// assert_eq!(client.handle_response(t0, 200, Some(b"text/event-stream")), Ok(Accepted::Open));
/// let mut items = client.handle_bytes(t0, b"id: 9\ndata: hi\n\n");
/// assert!(matches!(items.next_item(), Some(Ok(Item::Event(e))) if e.data() == "hi"));
///
/// client.handle_error(t0); // connection reset
/// assert_eq!(client.ready_state(), ReadyState::Connecting);
/// let at = client.poll_timeout().unwrap(); // 3 s later
/// client.handle_timeout(at);
/// assert!(matches!(client.poll_action(), Some(Action::Connect(c)) if c.attempt == 1));
/// assert_eq!(client.last_event_id(), "9");
/// # Ok::<(), sse_proto::client::LastEventIdError>(())
/// ```
#[derive(Debug)]
pub struct Client<S: Storage> {
    config: Config,
    decoder: Decoder<S>,
    phase: Phase,
    /// No byte may be missing past this instant (from the request on).
    idle_deadline: Option<Instant>,
    /// An event arrived on the current connection.
    healthy: bool,
    /// Reconnects scheduled in a row since the last healthy connection.
    failures: u32,
    rng: SplitMix64,
    fail: Option<FailReason>,
    /// An [`Action::Close`] to hand out before anything else.
    pending_close: Option<CloseReason>,
}

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
impl Client<alloc::vec::Vec<u8>> {
    /// A client with a growable decoder ([`Decoder::new`]) set up from
    /// `config` (its [`limits`](Config::limits) and
    /// [`comments`](Config::comments)), created at `now` (the idle timeout, if
    /// any, runs from here). The first [`poll_action`](Client::poll_action)
    /// asks to connect.
    ///
    /// ```
    /// use sse_proto::client::{Client, Config};
    /// use sse_proto::{Instant, Limits};
    ///
    /// let mut config = Config::replayable();
    /// config.limits = Limits::new().with_max_line_len(32 << 20);
    /// let client = Client::new(config, Instant::ZERO).with_last_event_id("41")?;
    /// assert_eq!(client.decoder().limits().max_line_len, 32 << 20);
    /// assert_eq!(client.last_event_id(), "41");
    /// # Ok::<(), sse_proto::client::LastEventIdError>(())
    /// ```
    pub fn new(config: Config, now: Instant) -> Self {
        Client::with_decoder(config, Decoder::new(), now)
    }
}

impl<S: Storage> Client<S> {
    /// A client decoding with `decoder` (for example a
    /// [`Decoder::with_buffer`] one, to run without a heap), otherwise as
    /// [`Client::new`]. The decoder takes the [`limits`](Config::limits) and
    /// [`comments`](Config::comments) of `config`, which replace its own; it
    /// keeps its last event ID.
    pub fn with_decoder(config: Config, decoder: Decoder<S>, now: Instant) -> Self {
        Client {
            config,
            decoder: decoder
                .with_limits(config.limits)
                .with_comments(config.comments),
            phase: Phase::Queued,
            idle_deadline: config.idle_timeout.map(|d| now + d),
            healthy: false,
            failures: 0,
            rng: SplitMix64::new(config.seed),
            fail: None,
            pending_close: None,
        }
    }

    /// The client with `id` as its last event ID, sent as `Last-Event-ID` with
    /// the first request (builder style): to resume a stream after the program
    /// restarted. Call it right after creating the client.
    ///
    /// # Errors
    ///
    /// [`LastEventIdError::ForbiddenByte`] when `id` holds a NUL, CR or LF;
    /// [`LastEventIdError::Storage`] when a [`Decoder::with_buffer`] decoder's ID
    /// storage cannot hold it. The client is dropped.
    pub fn with_last_event_id(mut self, id: &str) -> Result<Self, LastEventIdError> {
        if let Some(offset) = crate::scan::find_line_end_or_nul(id.as_bytes()) {
            return Err(LastEventIdError::ForbiddenByte {
                byte: id.as_bytes()[offset],
                offset,
            });
        }
        self.decoder
            .set_last_event_id(id)
            .map_err(LastEventIdError::Storage)?;
        Ok(self)
    }

    /// The ready state.
    pub fn ready_state(&self) -> ReadyState {
        match self.phase {
            Phase::Waiting { .. } | Phase::Queued | Phase::Requested { .. } => {
                ReadyState::Connecting
            }
            Phase::Open { .. } => ReadyState::Open,
            Phase::Closed => ReadyState::Closed,
        }
    }

    /// Why the client closed: `None` while not closed, and for a one-shot stream
    /// that ended cleanly.
    pub fn fail_reason(&self) -> Option<FailReason> {
        self.fail
    }

    /// The last event ID: send it as `Last-Event-ID` (when non-empty) with the
    /// request of an [`Action::Connect`].
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

    /// The next thing to do, or `None`. Call after every `handle_*`,
    /// [`restart`](Client::restart) and [`close`](Client::close) call and after
    /// creating the client, until it returns `None`. A `Close` always comes
    /// before the `Connect` that replaces its connection.
    #[must_use = "an action is the adapter's to carry out; poll until None"]
    pub fn poll_action(&mut self) -> Option<Action> {
        if let Some(reason) = self.pending_close.take() {
            return Some(Action::Close(reason));
        }
        if self.phase == Phase::Queued {
            self.phase = Phase::Requested { redirects: 0 };
            return Some(Action::Connect(Connect {
                attempt: self.failures,
            }));
        }
        None
    }

    /// The earliest instant at which [`handle_timeout`](Client::handle_timeout)
    /// has something to do: the reconnect deadline, or the idle deadline of the
    /// current connection (from its request on). `None`: no timer armed. Call
    /// after every `handle_*` call and re-arm the adapter's timer with the result.
    #[must_use = "re-arm the adapter's timer with this deadline"]
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
    /// queues [`Action::Close`] with [`CloseReason::IdleTimeout`] (when a
    /// connection was made) and then schedules a reconnect (replayable) or fails
    /// with [`FailReason::IdleTimeout`] (one-shot). Calling it early does
    /// nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Phase::Waiting { at } = self.phase {
            if at <= now {
                self.phase = Phase::Queued;
                self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
                return;
            }
        }
        if let (Some(deadline), Some(idle)) = (self.idle_deadline, self.config.idle_timeout) {
            if deadline <= now {
                self.drop_connection(CloseReason::IdleTimeout);
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
    /// Only a head for the outstanding [`Action::Connect`] is taken.
    ///
    /// Returns [`Accepted::Open`] for a 200 with `Content-Type:
    /// text/event-stream` (parameters and any case allowed): the stream is
    /// open. Returns [`Accepted::Redirect`] for 301, 302, 303, 307 and 308,
    /// while no more than [`Config::max_redirects`] were followed for this
    /// request: the client keeps waiting for the head of the redirected request
    /// (the idle timeout starts again).
    ///
    /// Interim `1xx` responses (`100 Continue`, `103 Early Hints`) are the
    /// adapter's: skip them and report the next head.
    ///
    /// # Errors
    ///
    /// [`ResponseError::Failed`]: the stream failed for good and the client is
    /// now closed, with [`FailReason::NoContent`] for 204,
    /// [`FailReason::TooManyRedirects`] for a redirect past the limit,
    /// [`FailReason::Status`] for any other status but 200, and
    /// [`FailReason::ContentType`] when the type is absent or not
    /// `text/event-stream`. No [`Action::Close`] follows: the caller may still
    /// read the response body for an error message, then drops the connection.
    ///
    /// [`ResponseError::Unexpected`]: no `Connect` is outstanding (none taken
    /// since the last head was answered, the connection was dropped since, or
    /// the client is closed). Nothing changes: the state, the timers and the
    /// decoder stay as they were.
    pub fn handle_response(
        &mut self,
        now: Instant,
        status: u16,
        content_type: Option<&[u8]>,
    ) -> Result<Accepted, ResponseError> {
        self.handle_head(now, Head::new(status, content_type))
    }

    /// [`handle_response`](Client::handle_response) with the whole [`Head`]:
    /// also its `Retry-After`, which
    /// [`StatusPolicy::RetryTransient`] honours.
    ///
    /// # Errors
    ///
    /// As [`handle_response`](Client::handle_response), and
    /// [`ResponseError::Retry`] when [`Config::status_policy`] retries the
    /// status (5xx, 408, 429 under [`StatusPolicy::RetryTransient`], replayable
    /// mode only): the client now waits to reconnect after the backoff delay,
    /// or the `Retry-After` delay when that is longer. When the retry budget is
    /// spent it is [`ResponseError::Failed`] with
    /// [`FailReason::RetryBudget`] instead.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sse_proto::client::{Client, Config, Head, ReadyState, ResponseError, StatusPolicy};
    /// use sse_proto::{Decoder, Instant};
    ///
    /// let mut config = Config::replayable();
    /// config.status_policy = StatusPolicy::RetryTransient;
    /// let mut mem = [0u8; 256];
    /// let mut client = Client::with_decoder(config, Decoder::with_buffer(&mut mem), Instant::ZERO);
    /// let _connect = client.poll_action();
    /// let head = Head::new(429, None).with_retry_after_header(Some(b"10"));
    /// assert_eq!(
    ///     client.handle_head(Instant::ZERO, head),
    ///     Err(ResponseError::Retry { status: 429, delay: Duration::from_secs(10) })
    /// );
    /// assert_eq!(client.ready_state(), ReadyState::Connecting);
    /// assert_eq!(client.poll_timeout(), Some(Instant::from_millis(10_000)));
    /// ```
    pub fn handle_head(&mut self, now: Instant, head: Head<'_>) -> Result<Accepted, ResponseError> {
        let Phase::Requested { redirects } = self.phase else {
            return Err(ResponseError::Unexpected);
        };
        let Head {
            status,
            content_type,
            retry_after,
        } = head;
        if self.config.mode == Mode::Replayable && self.config.status_policy.retries(status) {
            let floor = retry_after.unwrap_or(Duration::ZERO);
            self.disconnect_after(now, StreamEnd::Truncated, FailReason::Interrupted, floor);
            return match (self.phase, self.fail) {
                (Phase::Waiting { at }, _) => Err(ResponseError::Retry {
                    status,
                    delay: at - now,
                }),
                (_, Some(reason)) => Err(ResponseError::Failed(reason)),
                // `disconnect_after` either waits or closes with a reason.
                (_, None) => Err(ResponseError::Failed(FailReason::Status { status })),
            };
        }
        let failure = match status {
            200 if content_type.is_some_and(crate::http::is_event_stream) => {
                self.decoder.reset();
                self.phase = Phase::Open { since: now };
                self.healthy = false;
                self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
                return Ok(Accepted::Open);
            }
            301 | 302 | 303 | 307 | 308 if redirects < self.config.max_redirects => {
                self.phase = Phase::Requested {
                    redirects: redirects + 1,
                };
                self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
                return Ok(Accepted::Redirect(Redirect { status }));
            }
            301 | 302 | 303 | 307 | 308 => FailReason::TooManyRedirects {
                limit: self.config.max_redirects,
            },
            204 => FailReason::NoContent,
            200 => FailReason::ContentType,
            _ => FailReason::Status { status },
        };
        // No `Close` action: the caller may still read the error body.
        self.close_with(Some(failure));
        Err(ResponseError::Failed(failure))
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
    #[must_use = "a truncated end means events were lost: report it"]
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

    /// The connection of the outstanding [`Action::Connect`] failed (refused,
    /// reset, malformed HTTP...), before or after the response head.
    /// Replayable: a reconnect is scheduled. One-shot: the client closes with
    /// [`FailReason::Interrupted`]. Ignored when no connection is in progress
    /// (no `Connect` taken, or its connection already dropped).
    pub fn handle_error(&mut self, now: Instant) {
        if matches!(self.phase, Phase::Requested { .. } | Phase::Open { .. }) {
            self.disconnect(now, StreamEnd::Truncated, FailReason::Interrupted);
        }
    }

    /// Reconnects now, on the caller's command (a network change, new
    /// credentials): queues [`Action::Close`] with [`CloseReason::Restart`] when
    /// a connection is in progress, then [`Action::Connect`] at once. No failed
    /// attempt is counted and no reconnection time is waited; while waiting to
    /// reconnect, it brings the connect forward. The idle timeout starts again
    /// from `now`. A one-shot client sends its request again too: the caller
    /// asked for it.
    ///
    /// Not allowed once [`Closed`](ReadyState::Closed): a closed client stays
    /// closed and this does nothing (make a new client).
    pub fn restart(&mut self, now: Instant) {
        if self.phase == Phase::Closed {
            return;
        }
        self.drop_connection(CloseReason::Restart);
        self.settle_health(now);
        self.healthy = false;
        self.phase = Phase::Queued;
        self.idle_deadline = self.config.idle_timeout.map(|d| now + d);
    }

    /// Closes the client for good ([`FailReason::Closed`]); queues
    /// [`Action::Close`] with [`CloseReason::Closed`] when a connection is in
    /// progress. Idempotent.
    pub fn close(&mut self) {
        if self.phase != Phase::Closed {
            self.drop_connection(CloseReason::Closed);
            self.close_with(Some(FailReason::Closed));
        }
    }

    /// Queues an [`Action::Close`] when a connection is in progress.
    fn drop_connection(&mut self, reason: CloseReason) {
        if matches!(self.phase, Phase::Requested { .. } | Phase::Open { .. }) {
            self.pending_close = Some(reason);
        }
    }

    /// A connection open long enough, or that carried an event, resets the count
    /// of failures.
    fn settle_health(&mut self, now: Instant) {
        if let Phase::Open { since } = self.phase {
            if self.healthy || now - since >= self.config.healthy_after {
                self.failures = 0;
            }
        }
    }

    /// The current connection is gone: reconnect or close.
    fn disconnect(&mut self, now: Instant, end: StreamEnd, one_shot_failure: FailReason) {
        self.disconnect_after(now, end, one_shot_failure, Duration::ZERO);
    }

    /// [`disconnect`](Client::disconnect), waiting at least `floor` before the
    /// reconnect.
    fn disconnect_after(
        &mut self,
        now: Instant,
        end: StreamEnd,
        one_shot_failure: FailReason,
        floor: Duration,
    ) {
        self.settle_health(now);
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
        let delay = self
            .config
            .backoff
            .delay(self.reconnection_time(), self.failures, &mut self.rng)
            .max(floor);
        self.failures = self.failures.saturating_add(1);
        self.phase = Phase::Waiting { at: now + delay };
    }

    fn close_with(&mut self, reason: Option<FailReason>) {
        self.phase = Phase::Closed;
        self.fail = reason;
        self.idle_deadline = None;
    }
}

/// The items decoded from one [`Client::handle_bytes`] call.
///
/// A lending iterator: each item borrows the feed until the next call, so use
/// `while let`, not `for`. Bytes are decoded only as items are asked for: an
/// undrained feed loses the events (and the IDs) in its bytes.
///
/// ```compile_fail
/// # #![deny(unused_must_use)]
/// use sse_proto::client::{Client, Config};
/// use sse_proto::{Decoder, Instant};
///
/// let mut mem = [0u8; 256];
/// let mut client = Client::with_decoder(Config::replayable(), Decoder::with_buffer(&mut mem), Instant::ZERO);
/// client.handle_bytes(Instant::ZERO, b"id: 5\ndata: x\n\n"); // error: unused `ClientFeed`
/// ```
#[derive(Debug)]
#[must_use = "the bytes are decoded only as items are drained: drain it with next_item"]
pub struct ClientFeed<'c, 'i, S: Storage> {
    feed: Feed<'c, 'i, S>,
    healthy: &'c mut bool,
}

impl<S: Storage> ClientFeed<'_, '_, S> {
    /// The next item, `None` once the bytes are used up, or the error of an
    /// over-limit event (the next call goes on after that event).
    #[must_use = "an item not used is lost"]
    pub fn next_item(&mut self) -> Option<Result<Item<'_>, DecodeError>> {
        let item = self.feed.next_item();
        if let Some(Ok(Item::Event(_))) = item {
            *self.healthy = true;
        }
        item
    }

    /// The bytes not yet decoded: empty once drained, and empty when the
    /// stream was not open (those bytes are ignored).
    pub fn remaining(&self) -> &[u8] {
        self.feed.remaining()
    }
}

#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod tests;
