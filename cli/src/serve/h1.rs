//! Plain HTTP/1.1 on sse-rt's own server, HTTP/2 on hyper.
//!
//! hyper holds an 8 KiB read buffer and an 8 KiB write buffer for the life
//! of every HTTP/1.1 connection, and a task each; an idle event stream needs
//! neither. A plaintext connection whose first bytes are not the HTTP/2
//! preface goes to [`sse_rt::server::serve`] instead: every such connection
//! on one task, the request's buffer freed once a stream starts, the
//! limits of [`ServeConfig`]. The rest (h2c, and TLS, which hyper-util's
//! `auto` builder serves) stays on hyper.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use sse_rt::server::{serve, Backplane, Listener, ServeConfig};
use sse_tokio::sse_proto::http::HttpLimits;
use sse_tokio::{TokioIo, TokioRuntime};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::OwnedSemaphorePermit;

use super::deadline::H2_PREFACE;
use super::routes::State;
use super::MAX_HEAD_BYTES;

/// What the first bytes of a plaintext connection say.
pub(super) enum Version {
    Http1,
    Http2,
    /// Closed, failed, or silent until the deadline.
    Gone,
}

/// Waits (up to `timeout`) for the first bytes of `stream`, without taking
/// them: `PRI ` (the HTTP/2 preface's start, a method no HTTP/1.1 request
/// has) or anything else.
pub(super) async fn version(stream: &TcpStream, timeout: Duration) -> Version {
    let told = async {
        let mut first = [0; 4];
        loop {
            let n = match stream.peek(&mut first).await {
                Ok(0) | Err(_) => return Version::Gone,
                Ok(n) => n,
            };
            if !H2_PREFACE.starts_with(&first[..n]) {
                return Version::Http1;
            }
            if n == first.len() {
                return Version::Http2;
            }
            // A few bytes of `PRI `: the rest is on its way (a peek would
            // see the same bytes again at once).
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(timeout, told)
        .await
        .unwrap_or(Version::Gone)
}

/// An HTTP/1.1 connection, holding its place under `--max-connections`
/// until it ends.
pub(super) struct Held {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl Held {
    pub(super) fn new(stream: TcpStream, permit: OwnedSemaphorePermit) -> Held {
        Held {
            stream,
            _permit: permit,
        }
    }
}

impl AsyncRead for Held {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Held {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The HTTP/1.1 connections the accept loop hands over.
struct Handed(UnboundedReceiver<Held>);

impl Listener for Handed {
    type Io = TokioIo<Held>;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Self::Io>> {
        match ready!(self.0.poll_recv(cx)) {
            Some(held) => Poll::Ready(Ok(TokioIo::new(held))),
            // The accept loop has ended: `serve`'s shutdown comes next.
            None => Poll::Pending,
        }
    }
}

/// Starts the HTTP/1.1 server: connections sent on the returned sender are
/// served until `stop` completes, then as [`serve`] says (waiting requests
/// end, streams run until the log shuts down); the task ends when the last
/// connection has.
pub(super) fn start<B: Backplane>(
    state: Arc<State<B>>,
    request_timeout: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (UnboundedSender<Held>, tokio::task::JoinHandle<()>) {
    let (sender, receiver) = unbounded_channel();
    let mut limits = HttpLimits::new();
    limits.max_head_len = MAX_HEAD_BYTES;
    let config = ServeConfig::new()
        .with_limits(limits)
        .with_head_timeout(request_timeout)
        .with_max_body(state.max_publish_bytes);
    let handler = move |request| {
        let state = state.clone();
        async move { state.reply(&request).await }
    };
    let task = tokio::spawn(async move {
        // `Handed` never fails: nothing to report.
        let _ = serve(Handed(receiver), TokioRuntime, config, handler, stop).await;
    });
    (sender, task)
}
