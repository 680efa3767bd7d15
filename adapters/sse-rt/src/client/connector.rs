//! Connectors: a fresh connection per attempt.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;

use futures_io::{AsyncRead, AsyncWrite};
use sse_proto::http::Url;

use crate::error::BoxError;

/// A connection: any futures-io reader and writer (a TCP stream, a TLS stream
/// over one, an in-memory pipe). Implemented for every such type.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// A connection in progress, from [`Connector::connect`].
pub type Connecting = Pin<Box<dyn Future<Output = Result<Box<dyn Io>, BoxError>> + Send>>;

/// Opens a fresh connection for each attempt of an
/// [`EventSource`](crate::EventSource) (and each redirect), to the host and
/// port of a URL. TLS is the connector's business: wrap the TCP stream in the
/// TLS stream of your choice for `https` URLs.
///
/// Implemented for closures `FnMut(&Url<'_>) -> Fut` where `Fut` resolves to
/// `Result<S, E>`, `S` any [`Io`] and `E` any error (an `io::Error` for a
/// refused connection, a TLS library's error...). The runtime crates supply a
/// plain TCP one (`sse_tokio::tcp_connector()`, ...), built on
/// [`tcp_connector`].
///
/// # Examples
///
/// An in-memory connection with a canned response:
///
/// ```
/// use sse_rt::sse_proto::http::Url;
/// use sse_rt::test_util::Canned;
/// use sse_rt::Connector;
///
/// let response = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: hi\n\n";
/// let connector = move |url: &Url<'_>| {
///     assert_eq!((url.host(), url.port()), ("example.com", 80));
///     std::future::ready(Ok::<_, std::io::Error>(Canned::new(response)))
/// };
/// # fn is_connector(_: impl Connector) {}
/// # is_connector(connector);
/// ```
///
/// # Implementer notes
///
/// - Resolve with an error when no connection can be made: the attempt fails
///   with [`Error::Connect`](crate::Error::Connect), a transient error, and a
///   replayable event source tries again after the reconnection time.
/// - Resolve with [`TlsRequired`] (boxed) for an `https` URL you cannot
///   serve: the event source then closes for good with
///   [`Error::TlsRequired`](crate::Error::TlsRequired) instead of retrying.
/// - The future may take as long as it likes: the event source's connect
///   timeout drops it, and [`close`](crate::EventSource::close) cancels it.
pub trait Connector: Send + 'static {
    /// Starts connecting to the host and port of `url`.
    fn connect(&mut self, url: &Url<'_>) -> Connecting;
}

impl<F, Fut, S, E> Connector for F
where
    F: FnMut(&Url<'_>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<S, E>> + Send + 'static,
    S: Io,
    E: Into<BoxError>,
{
    fn connect(&mut self, url: &Url<'_>) -> Connecting {
        let connecting = self(url);
        Box::pin(async move {
            match connecting.await {
                Ok(io) => Ok(Box::new(io) as Box<dyn Io>),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// The error of a connector asked for an `https` URL that it cannot serve
/// (it speaks plain TCP): the event source closes for good with
/// [`Error::TlsRequired`](crate::Error::TlsRequired).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlsRequired;

impl fmt::Display for TlsRequired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("https url needs a tls connector")
    }
}

impl std::error::Error for TlsRequired {}

/// A plain-TCP [`Connector`] from a runtime's TCP connect: `connect(host,
/// port)` is called for `http` URLs (host without IPv6 brackets), and an
/// `https` URL is refused with [`TlsRequired`]. What the runtime crates'
/// `tcp_connector()` functions are made of.
///
/// # Examples
///
/// With async-net (smol) as the runtime's TCP:
///
/// ```ignore
/// let connector = sse_rt::tcp_connector(|host: String, port| async move {
///     async_net::TcpStream::connect((host.as_str(), port)).await
/// });
/// ```
pub fn tcp_connector<F, Fut, S>(mut connect: F) -> impl Connector
where
    F: FnMut(String, u16) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<S>> + Send + 'static,
    S: Io,
{
    move |url: &Url<'_>| {
        let https = url.is_https();
        let connecting = (!https).then(|| connect(url.host().to_owned(), url.port()));
        async move {
            match connecting {
                Some(connecting) => connecting.await.map_err(BoxError::from),
                None => Err(Box::new(TlsRequired) as BoxError),
            }
        }
    }
}
