//! Plain HTTP/1.1 on sse-rt's own server, HTTP/2 on hyper.
//!
//! hyper holds an 8 KiB read buffer and an 8 KiB write buffer for the life
//! of every HTTP/1.1 connection, and a task each; an idle event stream needs
//! neither. A plaintext connection whose first bytes are not the HTTP/2
//! preface goes to [`sse_rt::server::serve`] instead: every such connection
//! of one worker on one task, the request's buffer freed once a stream
//! starts, the limits of [`ServeConfig`]. The rest (h2c, and TLS, which
//! hyper-util's `auto` builder serves) stays on hyper.
//!
//! Workers: `--threads` threads, each with its own single-threaded runtime
//! (its own epoll) running one `serve`; the accept loop hands connections
//! to them in turn, so a broadcast is written by every core.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use sse_rt::server::{serve, Backplane, Listener, ServeConfig};
use sse_tokio::sse_proto::http::HttpLimits;
use sse_tokio::{TokioIo, TokioRuntime};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::{oneshot, OwnedSemaphorePermit};

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

/// An HTTP/1.1 connection on its way to a worker: out of the accept loop's
/// runtime, still holding its place under `--max-connections`.
struct Handoff {
    stream: std::net::TcpStream,
    permit: OwnedSemaphorePermit,
}

/// An HTTP/1.1 connection on its worker's runtime, holding its place under
/// `--max-connections` until it ends.
struct Held {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
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

/// The HTTP/1.1 connections the accept loop hands to one worker.
struct Handed(UnboundedReceiver<Handoff>);

impl Listener for Handed {
    type Io = TokioIo<Held>;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Self::Io>> {
        loop {
            let Some(Handoff { stream, permit }) = ready!(self.0.poll_recv(cx)) else {
                // The accept loop has ended: `serve`'s shutdown comes next.
                return Poll::Pending;
            };
            // Registered with this worker's runtime; a connection that
            // cannot be (out of memory) is closed, and the next one taken.
            if let Ok(stream) = TcpStream::from_std(stream) {
                let held = Held {
                    stream,
                    _permit: permit,
                };
                return Poll::Ready(Ok(TokioIo::new(held)));
            }
        }
    }
}

/// Hands HTTP/1.1 connections to the workers, in turn.
pub(super) struct Workers {
    inboxes: Vec<UnboundedSender<Handoff>>,
    next: AtomicUsize,
}

impl Workers {
    /// Gives `stream` to the next worker (it is closed if that worker has
    /// stopped, or if it cannot leave this runtime).
    pub(super) fn hand(&self, stream: TcpStream, permit: OwnedSemaphorePermit) {
        let Ok(stream) = stream.into_std() else {
            return;
        };
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.inboxes.len();
        let _ = self.inboxes[turn].send(Handoff { stream, permit });
    }
}

/// The running workers, to stop.
pub(super) struct Running {
    stops: Vec<oneshot::Sender<()>>,
    ended: Vec<oneshot::Receiver<()>>,
}

impl Running {
    /// Stops every worker's `serve` now (waiting requests end, streams run
    /// until the hub shuts down, as [`serve`] says); the future resolves
    /// once each has served its last connection.
    pub(super) fn stop(self) -> impl std::future::Future<Output = ()> {
        for stop in self.stops {
            let _ = stop.send(());
        }
        async move {
            for ended in self.ended {
                // An error when the worker's thread drops the sender: its
                // `serve` has returned.
                let _ = ended.await;
            }
        }
    }
}

/// Starts `threads` (at least 1) HTTP/1.1 workers, each a thread with its
/// own single-threaded runtime running one [`serve`] over the connections
/// [`Workers::hand`] gives it.
///
/// # Errors
///
/// When a runtime or a thread cannot be made.
pub(super) fn start<B: Backplane>(
    state: &Arc<State<B>>,
    request_timeout: Duration,
    threads: usize,
) -> io::Result<(Workers, Running)> {
    let mut limits = HttpLimits::new();
    limits.max_head_len = MAX_HEAD_BYTES;
    let config = ServeConfig::new()
        .with_limits(limits)
        .with_head_timeout(request_timeout)
        .with_max_body(state.max_publish_bytes);
    let mut workers = Workers {
        inboxes: Vec::with_capacity(threads),
        next: AtomicUsize::new(0),
    };
    let mut running = Running {
        stops: Vec::with_capacity(threads),
        ended: Vec::with_capacity(threads),
    };
    for i in 0..threads.max(1) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (inbox, handed) = unbounded_channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let (ended, ended_rx) = oneshot::channel::<()>();
        let state = state.clone();
        std::thread::Builder::new()
            .name(format!("sse-serve-{i}"))
            .spawn(move || {
                let handler = move |request| {
                    let state = state.clone();
                    async move { state.reply(&request).await }
                };
                let stop = async {
                    let _ = stopped.await;
                };
                // Outside tokio's budget, as `sse_tokio::serve_with` runs
                // (see there: the streams yield by themselves). `Handed`
                // never fails: nothing to report.
                let serving = serve(Handed(handed), TokioRuntime, config, handler, stop);
                let _ = runtime.block_on(tokio::task::coop::unconstrained(serving));
                drop(ended);
            })?;
        workers.inboxes.push(inbox);
        running.stops.push(stop);
        running.ended.push(ended_rx);
    }
    Ok((workers, running))
}
