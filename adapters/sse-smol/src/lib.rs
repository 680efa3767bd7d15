//! Server-Sent Events on smol: `sse-rt`'s [`Runtime`] seam on async-io's
//! reactor, and [`sse_rt`]'s whole API re-exported.
//!
//! smol's sockets (`async-net`, `async-io`'s `Async<T>`) already speak
//! futures-io, so they feed [`DecodeReader`] and the [`EventSource`] as they
//! are; this crate adds only [`SmolRuntime`], [`tcp_connector`],
//! [`connect`], and [`serve`] / [`serve_with`] (event streams over HTTP/1.1
//! on async-net's `TcpListener`). It depends on `async-io`, not on all of
//! smol, and works under any executor that runs async-io's reactor (smol,
//! async-executor, async-std, `async_io::block_on`).
//!
//! # Example: events from a smol socket
//!
//! ```no_run
//! use futures_lite::StreamExt;
//! use sse_smol::{DecodeReader, ItemOwned};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A plain connection whose peer writes an event stream (no HTTP here).
//! let socket = async_net::TcpStream::connect("127.0.0.1:8080").await?;
//! let mut events = DecodeReader::new(socket);
//! while let Some(item) = events.next().await {
//!     if let ItemOwned::Event(event) = item? {
//!         println!("{}: {}", event.event_type, event.data);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use async_io::Timer;

pub use sse_rt::*;

/// A plain-TCP [`Connector`] on async-net's `TcpStream`: `http` URLs only; an
/// `https` one closes the event source with [`Error::TlsRequired`] (bring a
/// TLS connector for those).
pub fn tcp_connector() -> impl Connector {
    sse_rt::tcp_connector(|host: String, port| async move {
        async_net::TcpStream::connect((host.as_str(), port)).await
    })
}

/// An [`EventSource`] that `GET`s `url` over plain TCP on async-io's reactor
/// (smol, or any executor with `async_io::block_on`), with the default
/// settings (reconnect for ever, the browser's status rules).
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
/// use sse_smol::Item;
///
/// async_io::block_on(async {
///     let mut es = sse_smol::connect("http://127.0.0.1:8080/events")?;
///     while let Some(item) = es.next().await {
///         if let Ok(Item::Event(event)) = item {
///             println!("{}: {}", event.event_type, event.data);
///         }
///     }
///     Ok::<(), sse_smol::Error>(())
/// })?;
/// # Ok::<(), sse_smol::Error>(())
/// ```
pub fn connect(url: &str) -> Result<EventSource, Error> {
    sse_rt::connect_plain(url, SmolRuntime, tcp_connector())
}

/// async-io's reactor as an `sse-rt` [`Runtime`]: the system clock, and
/// [`async_io::Timer`]s.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::time::Duration;
/// use sse_smol::{Runtime, SmolRuntime};
///
/// async_io::block_on(async {
///     let rt = SmolRuntime;
///     let deadline = rt.now() + Duration::from_millis(5);
///     let mut timer = rt.new_timer(deadline);
///     poll_fn(|cx| timer.as_mut().poll(cx)).await;
///     assert!(rt.now() >= deadline);
/// });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SmolRuntime;

impl Runtime for SmolRuntime {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn new_timer(&self, deadline: Instant) -> Pin<Box<dyn AsyncTimer>> {
        Box::pin(SmolTimer {
            timer: Timer::at(deadline),
            fired: false,
        })
    }
}

/// An [`async_io::Timer`] as an [`AsyncTimer`].
#[derive(Debug)]
struct SmolTimer {
    timer: Timer,
    /// async-io's timer fires once and is pending forever after; the
    /// `AsyncTimer` contract says fired until reset.
    fired: bool,
}

impl AsyncTimer for SmolTimer {
    fn reset(mut self: Pin<&mut Self>, deadline: Instant) {
        self.timer.set_at(deadline);
        self.fired = false;
    }

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.fired && Pin::new(&mut self.timer).poll(cx).is_ready() {
            self.fired = true;
        }
        if self.fired {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Serves event streams over HTTP/1.1 on every connection of `listener`,
/// with `handler` (see [`server::serve_connection`]) and the default
/// [`ServeConfig`](server::ServeConfig), until an accept fails for good.
/// Every connection runs on the task polling the future.
///
/// # Errors
///
/// The listener's error (see [`server::serve`]).
///
/// # Examples
///
/// ```no_run
/// use futures_lite::stream;
/// use sse_smol::server::{EncodedFrame, EventBody, Reply, Request};
/// use sse_smol::{EventFrame, SmolRuntime};
///
/// async_io::block_on(async {
///     let listener = async_net::TcpListener::bind("127.0.0.1:8080").await?;
///     sse_smol::serve(listener, |_: Request| async {
///         let done = EncodedFrame::new(EventFrame::new("").with_event_type("done")).unwrap();
///         Reply::events(EventBody::new(stream::iter([done]), SmolRuntime))
///     })
///     .await
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn serve<H, F>(listener: async_net::TcpListener, handler: H) -> std::io::Result<()>
where
    H: Fn(server::Request) -> F + Sync,
    F: Future<Output = server::Reply> + Send,
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
/// # Errors
///
/// The listener's error (see [`server::serve`]).
pub async fn serve_with<H, F>(
    listener: async_net::TcpListener,
    config: server::ServeConfig,
    handler: H,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    H: Fn(server::Request) -> F + Sync,
    F: Future<Output = server::Reply> + Send,
{
    let accept = TcpAccept {
        listener,
        accepting: None,
    };
    server::serve(accept, SmolRuntime, config, handler, shutdown).await
}

/// The accept of the moment.
type Accepting = Pin<
    Box<dyn Future<Output = std::io::Result<(async_net::TcpStream, std::net::SocketAddr)>> + Send>,
>;

/// async-net's `TcpListener` as a [`server::Listener`].
struct TcpAccept {
    listener: async_net::TcpListener,
    accepting: Option<Accepting>,
}

impl server::Listener for TcpAccept {
    type Io = async_net::TcpStream;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<Self::Io>> {
        let listener = &self.listener;
        let accepting = self.accepting.get_or_insert_with(|| {
            let listener = listener.clone();
            Box::pin(async move { listener.accept().await })
        });
        let Poll::Ready(accepted) = accepting.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        self.accepting = None;
        Poll::Ready(accepted.map(|(socket, _)| {
            // Events are small writes, each flushed: no Nagle delay.
            let _ = socket.set_nodelay(true);
            socket
        }))
    }
}
