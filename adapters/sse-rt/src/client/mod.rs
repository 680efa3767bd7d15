//! The EventSource client: [`sse_proto::client::Client`] driven over any
//! connection, on any runtime.
//!
//! An [`EventSource`] is a `Stream` of [`Item`]s. It asks its
//! [`MakeRequest`] for a [`Request`] and its [`Connector`] for a fresh
//! connection on every attempt, writes the request with
//! [`sse_proto::http`], reads the response head and body (chunked,
//! `Content-Length` or until close), follows redirects, decodes the events,
//! and reconnects as the core client decides: after the reconnection time
//! (the server's `retry:`, with optional exponential backoff and jitter),
//! sending `Last-Event-ID`, within a retry budget, until closed for good.

mod connector;
mod driver;
mod request;
mod transport;

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::fmt;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use sse_proto::client::{Backoff, Client, Config, Mode, ReadyState, StatusPolicy};
use sse_proto::http::{HttpLimits, Url};
use sse_proto::{EventOwned, Instant, Limits};

pub use connector::{tcp_connector, Connecting, Connector, Io, TlsRequired};
pub use request::{Attempt, MakeRequest, Request};
pub use transport::{BodyStream, Transport, TransportFuture, TransportRequest, TransportResponse};

use crate::alarm::Alarm;
use crate::{Error, Runtime};
use driver::{Conn, Http};

/// One item of an [`EventSource`].
///
/// Errors come as `Err` items of the stream (see [`Error`]): transient ones
/// only. The stream ends when the event source is closed for good.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Item {
    /// A response opened the stream (status 200, `text/event-stream`): once
    /// per connection, before its events. Its headers, e.g. a rate limit.
    Open {
        /// The status code (200).
        status: u16,
        /// The response headers.
        headers: http::HeaderMap,
    },
    /// An event.
    Event(EventOwned),
    /// A comment line's text, after the colon (`": keepalive"` gives
    /// `" keepalive"`); only when comments are on (the default).
    Comment(String),
    /// The server set the reconnection time (`retry:`).
    Retry(Duration),
}

/// The largest refused response body kept by default: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY: usize = 64 * 1024;

/// How long a refused response's body may pause before it is cut short, when
/// no idle timeout is set: 5 s.
const ERROR_BODY_PAUSE: Duration = Duration::from_secs(5);

/// Sets up an [`EventSource`]; from [`EventSource::builder`].
///
/// The defaults are the core's [`Config::replayable`] (the browser's
/// behaviour: reconnect for ever after 3 s or the server's `retry:`; any status
/// but 200, 204 and a redirect fails for good), except the mode: a
/// [`Request`] with a body is one-shot unless [`mode`](EventSourceBuilder::mode)
/// says otherwise. No connect or idle timeout. The jitter seed is drawn from
/// the standard library's per-process random keys.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_rt::sse_proto::client::{Backoff, Mode, StatusPolicy};
/// use sse_rt::{EventSource, Request};
/// # use sse_rt::test_util::VirtualRuntime;
/// # let runtime = VirtualRuntime::new();
/// # let connector = |_: &sse_rt::sse_proto::http::Url<'_>| async {
/// #     Err::<sse_rt::test_util::Canned, _>(std::io::Error::other("offline"))
/// # };
///
/// let request = Request::post("http://127.0.0.1:8080/v1/chat", "{}")?;
/// let es = EventSource::builder(request)
///     .mode(Mode::Replayable) // re-send the body on reconnect
///     .backoff(Backoff::Exponential { max: Duration::from_secs(30), jitter: true })
///     .retry_budget(Some(5))
///     .status_policy(StatusPolicy::RetryTransient) // 5xx, 408, 429: retry
///     .connect_timeout(Some(Duration::from_secs(10)))
///     .idle_timeout(Some(Duration::from_secs(60)))
///     .last_event_id("41")?
///     .build(runtime, connector);
/// assert_eq!(es.last_event_id(), "41");
/// # Ok::<(), sse_rt::Error>(())
/// ```
pub struct EventSourceBuilder {
    requests: Box<dyn MakeRequest>,
    config: Config,
    mode: Option<Mode>,
    seed: Option<u64>,
    last_event_id: String,
    connect_timeout: Option<Duration>,
    max_error_body: usize,
    http_limits: HttpLimits,
}

impl fmt::Debug for EventSourceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSourceBuilder")
            .field("config", &self.config)
            .field("mode", &self.mode)
            .field("last_event_id", &self.last_event_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_error_body", &self.max_error_body)
            .finish_non_exhaustive()
    }
}

impl EventSourceBuilder {
    /// Replayable (reconnects, re-sending the request and its body) or
    /// one-shot (never re-sent: a cut stream fails with
    /// [`FailReason::Interrupted`](sse_proto::FailReason::Interrupted)).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Every setting of the core client at once (mode, delays, budget, idle
    /// timeout, limits, status policy, redirects, comments). Its
    /// [`seed`](Config::seed) is replaced by a random one unless
    /// [`seed`](EventSourceBuilder::seed) is called.
    pub fn config(mut self, config: Config) -> Self {
        self.mode = Some(config.mode);
        self.config = config;
        self
    }

    /// The reconnection time until the server sends `retry:` (default 3 s;
    /// 0 reconnects at once).
    pub fn reconnect_time(mut self, time: Duration) -> Self {
        self.config.reconnect_time = time;
        self
    }

    /// How the delay grows over failed attempts in a row (default constant).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.config.backoff = backoff;
        self
    }

    /// Give up after this many reconnects in a row without a healthy
    /// connection (default `None`: never).
    pub fn retry_budget(mut self, budget: Option<u32>) -> Self {
        self.config.retry_budget = budget;
        self
    }

    /// Drop a connection on which no byte (not even a keepalive) arrived for
    /// this long, and reconnect (default `None`). It runs from the request on,
    /// so it also bounds the wait for the response head.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.idle_timeout = timeout;
        self
    }

    /// Give up a connection attempt that has not connected within this long
    /// (default `None`), and retry. Never a timeout on the whole request: a
    /// stream may last for ever.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// What a status other than 200, 204 and a redirect does (default
    /// [`StatusPolicy::Whatwg`]: fail for good).
    pub fn status_policy(mut self, policy: StatusPolicy) -> Self {
        self.config.status_policy = policy;
        self
    }

    /// The most redirects followed for one attempt (default 10).
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.config.max_redirects = max;
        self
    }

    /// The decoder's size limits (default 8 MiB lines, 16 MiB events). An
    /// event over them is an [`Error::Decode`] item and is skipped.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Whether comments come out as [`Item::Comment`] (default `true`).
    pub fn comments(mut self, comments: bool) -> Self {
        self.config.comments = comments;
        self
    }

    /// The HTTP layer's limits (response head size, chunk lines, trailers).
    pub fn http_limits(mut self, limits: HttpLimits) -> Self {
        self.http_limits = limits;
        self
    }

    /// The most bytes of a refused response's body kept in
    /// [`Refused::body`](crate::Refused::body) (default
    /// [`DEFAULT_MAX_ERROR_BODY`], 64 KiB).
    pub fn max_error_body(mut self, max: usize) -> Self {
        self.max_error_body = max;
        self
    }

    /// The seed of the backoff jitter, for reproducible delays (default: a
    /// random one per event source).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The last event ID to start from, sent as `Last-Event-ID` with the
    /// first request: to resume after the program restarted.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when `id` holds a NUL, CR or LF, which no event ID
    /// and no header can.
    pub fn last_event_id(mut self, id: &str) -> Result<Self, Error> {
        // The core's check, on a throwaway client.
        Client::new(self.config, Instant::ZERO)
            .with_last_event_id(id)
            .map_err(|e| Error::Request(Box::new(e)))?;
        self.last_event_id = id.to_owned();
        Ok(self)
    }

    /// The event source, on `runtime`, connecting with `connector`. Nothing
    /// happens until it is polled.
    pub fn build(self, runtime: impl Runtime, connector: impl Connector) -> EventSource {
        self.build_on(Arc::new(runtime), Http::Connector(Box::new(connector)))
    }

    /// The event source, on `runtime`, with `transport` doing each HTTP
    /// exchange (an HTTP client: `sse-reqwest` for HTTPS, proxies and HTTP/2).
    /// Everything else is as with [`build`](EventSourceBuilder::build): the
    /// event source decides on statuses, redirects and reconnects, and the
    /// [`connect_timeout`](EventSourceBuilder::connect_timeout) bounds the
    /// whole exchange up to the response head (connect, TLS, request), which
    /// a transport does in one step. The [`http_limits`](EventSourceBuilder::http_limits)
    /// are the transport's business.
    pub fn build_with_transport(
        self,
        runtime: impl Runtime,
        transport: impl Transport,
    ) -> EventSource {
        self.build_on(Arc::new(runtime), Http::Transport(Box::new(transport)))
    }

    fn build_on(self, runtime: Arc<dyn Runtime>, http: Http) -> EventSource {
        let mut config = self.config;
        config.mode = self.mode.unwrap_or_else(|| self.requests.default_mode());
        config.seed = self
            .seed
            .unwrap_or_else(|| RandomState::new().hash_one(0x5eed_u64));
        let client = Client::new(config, Instant::ZERO);
        // Checked by `last_event_id`, and a growable decoder holds any ID.
        let client = match client.with_last_event_id(&self.last_event_id) {
            Ok(client) => client,
            Err(_) => Client::new(config, Instant::ZERO),
        };
        EventSource {
            alarm: Alarm::new(runtime),
            client,
            requests: self.requests,
            http,
            connect_timeout: self.connect_timeout,
            max_error_body: self.max_error_body,
            http_limits: self.http_limits,
            request: None,
            out: Vec::new(),
            rx: vec![0; driver::READ_BUF_LEN.max(self.http_limits.max_head_len)],
            start: 0,
            end: 0,
            conn: Conn::Idle,
            queue: VecDeque::new(),
            error_given: false,
            cause: None,
            fail: None,
            done: false,
            shared: Arc::default(),
        }
    }
}

/// An EventSource: a `Stream` of [`Item`]s from a server, reconnecting as the
/// standard says until closed for good.
///
/// Written once over futures-io and the [`Runtime`] seam: the runtime crates
/// give it a clock, timers and TCP (`sse_tokio::connect(url)`); any
/// [`Connector`] gives it TLS or anything else.
///
/// # Items
///
/// - `Ok(Item::Open { status, headers })` each time a response opens the
///   stream, then its `Ok(Item::Event)`s, `Ok(Item::Comment)`s and
///   `Ok(Item::Retry)`s in stream order.
/// - `Err(error)`: something transient. A connection error (refused, reset,
///   timed out, cut off, a retried status...) is followed by a reconnect; at
///   most one is yielded between a dropped connection and the next `Open` or
///   event. An [`Error::Decode`] says an event over the limits was skipped.
/// - `None`: closed for good. [`fail_reason`](EventSource::fail_reason) says
///   why: `None` for a one-shot stream that ended cleanly, else the error
///   (with the status, headers and start of the body of a refused response).
///
/// # Behaviour
///
/// - Requests: made per attempt by the [`MakeRequest`] (a [`Request`] value is
///   cloned), each with `Host`, exactly one `Accept: text/event-stream` and
///   `Cache-Control: no-cache`, and `Last-Event-ID` when the last event ID is
///   non-empty.
/// - Responses: 200 with `text/event-stream` (any parameters) opens; 204
///   stops; 301, 302, 303, 307 and 308 are followed (303 becomes a `GET`
///   without body; credentials are dropped on another origin) up to a limit;
///   any other status or type fails for good, unless
///   [`StatusPolicy::RetryTransient`] retries 5xx, 408 and 429 (honouring
///   `Retry-After`). Bodies may be chunked, `Content-Length` or until close.
/// - Reconnects: after the reconnection time (the server's `retry:`, default
///   3 s), with the core's backoff and retry budget; a partial event is
///   dropped. A one-shot request is never re-sent.
/// - Timeouts: connect timeout and idle timeout (reset by every byte,
///   keepalives too), never one on the whole stream.
/// - Control: [`close`](EventSource::close) (or a [`CloseHandle`] from
///   another task) ends it at once, cancelling a connect or a wait; dropping
///   it cancels everything (it spawns nothing). `poll_next` is cancel-safe:
///   all state lives in the struct. Every retry waits on the runtime's timer:
///   no failure mode spins.
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_rt::sse_proto::http::Url;
/// use sse_rt::test_util::{Canned, VirtualRuntime};
/// use sse_rt::{EventSource, Item, Request};
///
/// // A connector handing out an in-memory response; a runtime crate's
/// // `tcp_connector()` (or `connect(url)`) opens real sockets instead.
/// let connector = |_: &Url<'_>| async {
///     let response = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n\
///                      id: 1\ndata: hello\n\n";
///     Ok::<_, std::io::Error>(Canned::new(response))
/// };
/// let runtime = VirtualRuntime::new();
/// let mut es = EventSource::builder(Request::get("http://example.com/events")?)
///     .mode(sse_rt::Mode::OneShot) // read one response, never reconnect
///     .build(runtime.clone(), connector);
/// runtime.block_on(async {
///     while let Some(item) = es.next().await {
///         match item {
///             Ok(Item::Open { status, .. }) => assert_eq!(status, 200),
///             Ok(Item::Event(event)) => assert_eq!(event.data, "hello"),
///             Ok(_) => {}
///             Err(e) => eprintln!("transient: {e}"),
///         }
///     }
/// });
/// assert!(es.fail_reason().is_none()); // the one-shot stream ended cleanly
/// assert_eq!(es.last_event_id(), "1");
/// # Ok::<(), sse_rt::Error>(())
/// ```
pub struct EventSource {
    /// The one timer: reconnects, connect and idle timeouts; and the clock.
    alarm: Alarm,
    client: Client<Vec<u8>>,
    requests: Box<dyn MakeRequest>,
    http: Http,
    connect_timeout: Option<Duration>,
    max_error_body: usize,
    http_limits: HttpLimits,
    /// The request of the current attempt, redirects applied.
    request: Option<Request>,
    /// The request's bytes.
    out: Vec<u8>,
    /// Bytes read; `rx[start..end]` not yet used.
    rx: Vec<u8>,
    start: usize,
    end: usize,
    conn: Conn,
    queue: VecDeque<Result<Item, Error>>,
    /// A connection error was yielded since the last `Open` or event.
    error_given: bool,
    /// The error that closed the client, for [`Error::Failed`].
    cause: Option<Error>,
    fail: Option<Error>,
    /// Closed for good: `None` once the queue is empty.
    done: bool,
    shared: Arc<Shared>,
}

impl fmt::Debug for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSource")
            .field("ready_state", &self.ready_state())
            .field("url", &self.request.as_ref().map(Request::url))
            .field("last_event_id", &self.last_event_id())
            .field("connection", &self.conn)
            .field("fail_reason", &self.fail)
            .finish_non_exhaustive()
    }
}

impl EventSource {
    /// Sets up an event source making its requests with `requests`: a
    /// [`Request`] (cloned per attempt) or a closure making one per attempt.
    pub fn builder(requests: impl MakeRequest) -> EventSourceBuilder {
        EventSourceBuilder {
            requests: Box::new(requests),
            config: Config::replayable(),
            mode: None,
            seed: None,
            last_event_id: String::new(),
            connect_timeout: None,
            max_error_body: DEFAULT_MAX_ERROR_BODY,
            http_limits: HttpLimits::new(),
        }
    }

    /// The ready state: `Connecting` (or waiting to reconnect), `Open`, or
    /// `Closed` for good.
    pub fn ready_state(&self) -> ReadyState {
        if self.done || self.shared.closed.load(Ordering::Acquire) {
            ReadyState::Closed
        } else {
            self.client.ready_state()
        }
    }

    /// The last event ID: sent as `Last-Event-ID` on the next attempt.
    pub fn last_event_id(&self) -> &str {
        self.client.last_event_id()
    }

    /// Why the event source closed, once the stream has ended: `None` while it
    /// runs, and when a one-shot stream ended cleanly. A refused response is
    /// an [`Error::Status`] with its status, headers and the start of its body
    /// (204, the server's "stop", included); [`close`](EventSource::close) is
    /// [`Error::Failed`] with [`FailReason::Closed`](sse_proto::FailReason::Closed).
    pub fn fail_reason(&self) -> Option<&Error> {
        self.fail.as_ref()
    }

    /// Closes the event source for good, at once: a connection, a connect in
    /// progress or a wait to reconnect is dropped, items not yet taken are
    /// discarded, and the stream ends. Idempotent.
    pub fn close(&mut self) {
        self.shared.close();
        self.close_now();
    }

    /// Reconnects now, on the caller's command (new credentials, a network
    /// change): the connection, a connect in progress or the wait to
    /// reconnect is dropped, and the next poll sends the request again at
    /// once, with `Last-Event-ID`. No reconnection time is waited, no failed
    /// attempt is counted, no error item is yielded; a partial event is
    /// dropped, and items already received are still yielded. A one-shot
    /// request is sent again too: the caller asked for it. Does nothing once
    /// closed for good (the core's [`Client::restart`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::StreamExt;
    /// use sse_rt::sse_proto::http::Url;
    /// use sse_rt::test_util::{Canned, VirtualRuntime};
    /// use sse_rt::{EventSource, Item, Request};
    ///
    /// let connector = |_: &Url<'_>| async {
    ///     let response = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nid: 7\ndata: hi\n\n";
    ///     Ok::<_, std::io::Error>(Canned::new(response))
    /// };
    /// let runtime = VirtualRuntime::new();
    /// let mut es = EventSource::builder(Request::get("http://example.com/events")?)
    ///     .build(runtime.clone(), connector);
    /// runtime.block_on(async {
    ///     assert!(matches!(es.next().await, Some(Ok(Item::Open { .. }))));
    ///     assert!(matches!(es.next().await, Some(Ok(Item::Event(_)))));
    ///     es.restart(); // no 3 s wait, no error item: the next response opens
    ///     assert!(matches!(es.next().await, Some(Ok(Item::Open { .. }))));
    /// });
    /// assert_eq!(runtime.elapsed(), std::time::Duration::ZERO);
    /// # Ok::<(), sse_rt::Error>(())
    /// ```
    pub fn restart(&mut self) {
        if !self.done && !self.shared.closed.load(Ordering::Acquire) {
            let now = self.now();
            self.client.restart(now);
        }
    }

    /// A handle that closes this event source from anywhere (another task or
    /// thread): it wakes the task polling the stream, which then ends.
    pub fn close_handle(&self) -> CloseHandle {
        CloseHandle(self.shared.clone())
    }

    /// The current time on the core's clock.
    fn now(&self) -> Instant {
        self.alarm.now()
    }

    fn close_now(&mut self) {
        self.queue.clear();
        if !self.done {
            self.client.close();
            while self.client.poll_action().is_some() {}
            self.finish();
        }
    }

    /// Closed for good: drop everything and settle the reason.
    fn finish(&mut self) {
        self.done = true;
        self.conn = Conn::Idle;
        self.alarm.disarm();
        if self.fail.is_none() {
            if let Some(reason) = self.client.fail_reason() {
                let cause = match reason {
                    // The idle timeout is the whole story.
                    sse_proto::FailReason::IdleTimeout { .. } => None,
                    _ => self.cause.take().map(Box::new),
                };
                self.fail = Some(Error::Failed { reason, cause });
            }
        }
    }

    /// Arms the timer at the earliest deadline and polls it; `Ready` when it
    /// fired (the clock is then at least that deadline).
    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = match (self.client.poll_timeout(), self.conn.deadline()) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(at) => at,
                None => return Poll::Pending,
            },
        };
        // The alarm arms lazily: no timer reset per read for the idle deadline.
        self.alarm.poll_at(deadline, cx)
    }
}

impl Stream for EventSource {
    type Item = Result<Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // Items already queued or in bytes already read go out without the
        // clock, the core's actions or the waker slot (a lock): the waker
        // matters only when this call returns `Pending`, and a `close()` from
        // elsewhere is seen on the next call.
        if !this.shared.closed.load(Ordering::Acquire) {
            while this.queue.is_empty() && this.decode_buffered() {}
            if let Some(item) = this.queue.pop_front() {
                return Poll::Ready(Some(item));
            }
        }
        this.shared.register(cx.waker());
        let mut fired = false;
        loop {
            if this.shared.closed.load(Ordering::Acquire) {
                this.close_now();
            }
            if let Some(item) = this.queue.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let now = this.now();
            this.run_actions(now);
            if this.client.ready_state() == ReadyState::Closed && !this.conn.is_refused() {
                this.finish();
                continue;
            }
            if this.poll_conn(cx).is_ready() || !this.queue.is_empty() {
                continue;
            }
            if fired {
                // A deadline was acted on in this call already: let the
                // executor run before the next one, so that no sequence of
                // instant failures and zero delays can hold the thread.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            match this.poll_timer(cx) {
                Poll::Ready(()) => {
                    fired = true;
                    let now = this.now();
                    this.on_timers(now);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl FusedStream for EventSource {
    fn is_terminated(&self) -> bool {
        self.done && self.queue.is_empty()
    }
}

/// Closes an [`EventSource`] from anywhere; from
/// [`EventSource::close_handle`]. Cloneable, `Send` and `Sync`.
///
/// # Examples
///
/// ```
/// use futures_lite::StreamExt;
/// use sse_rt::sse_proto::http::Url;
/// use sse_rt::test_util::VirtualRuntime;
/// use sse_rt::{EventSource, ReadyState, Request};
///
/// // A connector that never connects.
/// let connector = |_: &Url<'_>| std::future::pending::<std::io::Result<sse_rt::test_util::Canned>>();
/// let runtime = VirtualRuntime::new();
/// let mut es = EventSource::builder(Request::get("http://example.com/")?).build(runtime.clone(), connector);
/// let handle = es.close_handle();
/// std::thread::spawn(move || handle.close()).join().unwrap();
/// assert!(runtime.block_on(es.next()).is_none());
/// assert_eq!(es.ready_state(), ReadyState::Closed);
/// # Ok::<(), sse_rt::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CloseHandle(Arc<Shared>);

impl CloseHandle {
    /// Closes the event source (as [`EventSource::close`], once its task
    /// runs: it is woken). Idempotent.
    pub fn close(&self) {
        self.0.close();
    }

    /// Whether the event source was closed through a handle or
    /// [`EventSource::close`].
    pub fn is_closed(&self) -> bool {
        self.0.closed.load(Ordering::Acquire)
    }
}

/// What an event source shares with its close handles.
#[derive(Debug, Default)]
struct Shared {
    closed: AtomicBool,
    /// The task that polled the event source last.
    waker: Mutex<Option<Waker>>,
}

impl Shared {
    fn register(&self, waker: &Waker) {
        let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }

    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// A `GET` of `url` over a plain-TCP `connector` (one made by
/// [`tcp_connector`]) on `runtime`: what the runtime crates' `connect(url)`
/// is.
///
/// # Errors
///
/// [`Error::Request`] when `url` is not an `http` or `https` URL;
/// [`Error::TlsRequired`] for an `https` one.
pub fn connect_plain(
    url: &str,
    runtime: impl Runtime,
    connector: impl Connector,
) -> Result<EventSource, Error> {
    let request = Request::get(url)?;
    if Url::parse(request.url()).is_ok_and(|u| u.is_https()) {
        return Err(Error::TlsRequired);
    }
    Ok(EventSource::builder(request).build(runtime, connector))
}
