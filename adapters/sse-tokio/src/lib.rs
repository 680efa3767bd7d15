//! Server-Sent Events on tokio: the glue between tokio and [`sse_rt`], whose
//! whole API is re-exported here.
//!
//! - [`connect`]: an [`EventSource`] over plain TCP; [`tcp_connector`] for
//!   the builder ([`EventSource::builder`]), with your own TLS connector for
//!   `https`.
//! - [`TokioRuntime`]: `sse-rt`'s [`Runtime`] seam on tokio's clock and
//!   [`Sleep`](tokio::time::Sleep) timers.
//! - [`TokioIo`]: any tokio `AsyncRead`/`AsyncWrite` as a futures-io one, so
//!   tokio sockets feed [`DecodeReader`] and the drivers.
//! - [`serve`] / [`serve_with`]: event streams over HTTP/1.1 on a tokio
//!   `TcpListener` ([`server::serve`] with tokio's accept).
//! - `SseCodec` (feature `codec`, on by default): tokio-util's `Decoder` and
//!   `Encoder` for `FramedRead`/`FramedWrite`.
//!
//! There is no logic here: decoding, limits and errors are `sse-rt`'s and
//! `sse-proto`'s, the same on every runtime.
//!
//! # Example: consume a stream
//!
//! ```no_run
//! use futures_lite::StreamExt;
//!
//! # async fn run() -> Result<(), sse_tokio::Error> {
//! let mut es = sse_tokio::connect("http://127.0.0.1:8080/events")?;
//! while let Some(item) = es.next().await {
//!     if let Ok(sse_tokio::Item::Event(event)) = item {
//!         println!("{}: {}", event.event_type, event.data);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! An LLM-style `POST` with headers, one-shot (never re-sent), and the reason
//! it ended:
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_tokio::{EventSource, Item, Request, TokioRuntime};
//!
//! # async fn run() -> Result<(), sse_tokio::Error> {
//! let request = Request::post("http://127.0.0.1:8080/v1/chat", r#"{"stream":true}"#)?
//!     .with_header("Authorization", "Bearer sk-test")
//!     .with_header("Content-Type", "application/json");
//! let mut es = EventSource::builder(request).build(TokioRuntime, sse_tokio::tcp_connector());
//! while let Some(item) = es.next().await {
//!     match item {
//!         Ok(Item::Event(token)) => print!("{}", token.data),
//!         Ok(_) => {}
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! if let Some(reason) = es.fail_reason() {
//!     eprintln!("failed: {reason}"); // a refused status keeps its body: Error::Status
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Example: events from a tokio socket
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_tokio::{DecodeReader, ItemOwned, TokioIo};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A plain connection whose peer writes an event stream (no HTTP here).
//! let socket = tokio::net::TcpStream::connect("127.0.0.1:8080").await?;
//! let mut events = DecodeReader::new(TokioIo::new(socket));
//! while let Some(item) = events.next().await {
//!     if let ItemOwned::Event(event) = item? {
//!         println!("{}: {}", event.event_type, event.data);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `codec` | `SseCodec` (pulls in `tokio-util`) | yes |
//!
//! tokio itself is used with its `time` and `net` features only.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "codec")]
mod codec;
mod compat;
mod runtime;

#[cfg(feature = "codec")]
#[cfg_attr(docsrs, doc(cfg(feature = "codec")))]
pub use codec::SseCodec;
pub use compat::TokioIo;
pub use runtime::TokioRuntime;
pub use sse_rt::*;

/// A plain-TCP [`Connector`] on tokio's `TcpStream`: `http` URLs only; an
/// `https` one closes the event source with [`Error::TlsRequired`] (bring a
/// TLS connector for those).
///
/// ```no_run
/// use sse_tokio::{EventSource, Request, TokioRuntime};
///
/// # fn run() -> Result<(), sse_tokio::Error> {
/// let request = Request::get("http://127.0.0.1:8080/events")?.with_header("Authorization", "Bearer t");
/// let es = EventSource::builder(request).build(TokioRuntime, sse_tokio::tcp_connector());
/// # let _ = es; Ok(())
/// # }
/// ```
pub fn tcp_connector() -> impl Connector {
    sse_rt::tcp_connector(|host: String, port| async move {
        tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map(TokioIo::new)
    })
}

/// An [`EventSource`] that `GET`s `url` over plain TCP on tokio, with the
/// default settings (reconnect for ever, the browser's status rules).
/// Poll it inside a tokio runtime with time and I/O enabled.
///
/// # Errors
///
/// [`Error::Request`] when `url` is not an `http` URL, [`Error::TlsRequired`]
/// for an `https` one.
///
/// # Examples
///
/// ```no_run
/// use futures_lite::StreamExt;
/// use sse_tokio::Item;
///
/// # async fn run() -> Result<(), sse_tokio::Error> {
/// let mut es = sse_tokio::connect("http://127.0.0.1:8080/events")?;
/// while let Some(item) = es.next().await {
///     match item {
///         Ok(Item::Event(event)) => println!("{}: {}", event.event_type, event.data),
///         Ok(_) => {}
///         Err(e) => eprintln!("reconnecting: {e}"),
///     }
/// }
/// if let Some(reason) = es.fail_reason() {
///     eprintln!("closed: {reason}");
/// }
/// # Ok(())
/// # }
/// ```
pub fn connect(url: &str) -> Result<EventSource, Error> {
    sse_rt::connect_plain(url, TokioRuntime, tcp_connector())
}

/// Serves event streams over HTTP/1.1 on every connection of `listener`,
/// with `handler` (see [`server::serve_connection`]) and the default
/// [`ServeConfig`](server::ServeConfig), until an accept fails for good.
/// Every connection runs on the task polling the future (which is `Send`
/// when the handler's futures are: `tokio::spawn` it if you like), outside
/// tokio's cooperative budget (see [`serve_with`]).
///
/// # Errors
///
/// The listener's error (see [`server::serve`]).
///
/// # Examples
///
/// ```no_run
/// use sse_tokio::server::{EventBody, Hub, HubConfig, LastEventId, Reply, Request};
/// use sse_tokio::TokioRuntime;
///
/// # async fn run() -> std::io::Result<()> {
/// let hub = Hub::new(HubConfig::new());
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// sse_tokio::serve(listener, |request: Request| {
///     let id = LastEventId::from_values(request.headers().get_all("last-event-id").iter().map(|v| v.as_bytes()));
///     let reply = match hub.subscribe("events", id) {
///         Ok(subscription) => Reply::events(EventBody::new(subscription, TokioRuntime)),
///         Err(e) => Reply::status(e.status().try_into().unwrap()),
///     };
///     async move { reply }
/// })
/// .await
/// # }
/// ```
pub async fn serve<H, F>(listener: tokio::net::TcpListener, handler: H) -> std::io::Result<()>
where
    H: Fn(server::Request) -> F + Sync,
    F: std::future::Future<Output = server::Reply> + Send,
{
    serve_with(
        listener,
        server::ServeConfig::new(),
        handler,
        std::future::pending(),
    )
    .await
}

/// [`serve`] with a [`ServeConfig`](server::ServeConfig), until `shutdown`
/// completes: then it stops accepting and returns once the open connections
/// have ended (end their streams: `Hub::shutdown`).
///
/// The future runs [`tokio::task::coop::unconstrained`]: tokio's budget (128
/// socket operations per poll of a task) would be spent by the first
/// connections of a broadcast, and every other woken connection polled in
/// vain until the next pass (a broadcast to 10,000 streams cost about 30 %
/// more CPU, and twice the p99 on two threads). The streams yield by
/// themselves instead (see [`server::serve`]).
///
/// # Errors
///
/// The listener's error (see [`server::serve`]).
pub async fn serve_with<H, F>(
    listener: tokio::net::TcpListener,
    config: server::ServeConfig,
    handler: H,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()>
where
    H: Fn(server::Request) -> F + Sync,
    F: std::future::Future<Output = server::Reply> + Send,
{
    let serving = server::serve(TcpAccept(listener), TokioRuntime, config, handler, shutdown);
    tokio::task::coop::unconstrained(serving).await
}

/// tokio's `TcpListener` as a [`server::Listener`].
struct TcpAccept(tokio::net::TcpListener);

impl server::Listener for TcpAccept {
    type Io = TokioIo<tokio::net::TcpStream>;

    fn poll_accept(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<Self::Io>> {
        self.0.poll_accept(cx).map_ok(|(socket, _)| {
            // Events are small writes, each flushed: no Nagle delay.
            let _ = socket.set_nodelay(true);
            TokioIo::new(socket)
        })
    }
}
