//! `serve`: an accept loop over any listener, every connection on one task.

use std::future::{poll_fn, Future};
use std::io;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use futures_io::{AsyncRead, AsyncWrite};

use super::http1::{serve_connection_until, Draining};
use super::{Reply, Request, ServeConfig};
use crate::Runtime;

/// A source of connections: the one thing a runtime crate supplies for
/// [`serve`] (its TCP listener; a Unix socket or a TLS acceptor work the
/// same).
///
/// # Implementer notes
///
/// `poll_accept` returns the next connection, or `Pending` with a wakeup
/// registered for `cx`. Return the errors of one connection attempt
/// (`ConnectionAborted`, `ConnectionReset`, `Interrupted`) as they are:
/// [`serve`] skips them and accepts again; any other error stops it.
pub trait Listener {
    /// A connection.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// The next connection.
    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Self::Io>>;
}

/// Serves event streams over HTTP/1.1 on every connection of `listener`,
/// each with [`serve_connection`](super::serve_connection) (same `config`
/// and `handler`), until `shutdown` completes: then it stops accepting (the
/// listener is dropped), ends the connections that wait for a request (a
/// request under way is answered, with `connection: close`), and returns
/// once every open connection has ended. End the streams at that point
/// ([`Hub::shutdown`](super::Hub::shutdown), dropping the
/// [`Sender`](super::Sender)s): a stream that never ends keeps `serve` from
/// returning.
///
/// Every connection runs on the task that polls `serve`, each woken on its
/// own (nothing is spawned, no runtime needed beyond the listener and the
/// timers); the future is `Send`, so it may itself be spawned. A stream
/// whose events are always ready lets the others run after 16 full writes
/// in a row: run `serve` outside a runtime's per-task budget where there is
/// one (tokio's: `task::coop::unconstrained`, as `sse_tokio::serve` does),
/// since one budget shared by thousands of connections is spent by the
/// first few of a broadcast. A
/// connection's error ends that connection only. The runtime crates wrap
/// this with their listener: `sse_tokio::serve`, `sse_smol::serve`.
///
/// # Errors
///
/// The listener's error, other than the per-connection ones listed in
/// [`Listener`].
///
/// # Examples
///
/// In-memory connections on the virtual clock (with a runtime crate:
/// `sse_smol::serve(listener, handler)`):
///
/// ```
/// use std::collections::VecDeque;
/// use std::task::{Context, Poll};
/// use futures_lite::stream;
/// use sse_rt::server::{serve, EncodedFrame, EventBody, Listener, Reply, ServeConfig};
/// use sse_rt::test_util::{Canned, VirtualRuntime};
///
/// struct Two(VecDeque<Canned>);
/// impl Listener for Two {
///     type Io = Canned;
///     fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<std::io::Result<Canned>> {
///         self.0.pop_front().map_or(Poll::Pending, |c| Poll::Ready(Ok(c)))
///     }
/// }
///
/// let rt = VirtualRuntime::new();
/// let request = Canned::new(b"GET / HTTP/1.1\r\n\r\n");
/// let listener = Two(VecDeque::from([request.clone(), request]));
/// let handler = |_: sse_rt::server::Request| {
///     let rt = rt.clone();
///     async move {
///         let hello = EncodedFrame::new(sse_rt::EventFrame::new("hello")).unwrap();
///         Reply::events(EventBody::new(stream::iter([hello]), rt))
///     }
/// };
/// let mut timer = sse_rt::Runtime::new_timer(&rt, sse_rt::Runtime::now(&rt) + std::time::Duration::from_secs(1));
/// let stop = std::future::poll_fn(move |cx| timer.as_mut().poll(cx));
/// rt.block_on(serve(listener, rt.clone(), ServeConfig::new(), handler, stop))?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn serve<L, R, H, F>(
    listener: L,
    runtime: R,
    config: ServeConfig,
    handler: H,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()>
where
    L: Listener,
    R: Runtime,
    H: Fn(Request) -> F + Sync,
    F: Future<Output = Reply> + Send,
{
    let mut listener = Some(listener);
    let mut shutdown = pin!(shutdown);
    // Declared before the connections, which borrow it.
    let draining = Draining::new();
    let mut connections = Connections::default();
    let (runtime, config, handler, draining) = (&runtime, &config, &handler, &draining);
    poll_fn(|cx| {
        if listener.is_some() && shutdown.as_mut().poll(cx).is_ready() {
            listener = None;
            draining.start();
            connections.wake_all();
        }
        while let Some(accepting) = &mut listener {
            match accepting.poll_accept(cx) {
                Poll::Ready(Ok(io)) => connections.push(Box::pin(async move {
                    // The connection's own error ends it alone.
                    let _ = serve_connection_until(io, runtime, config, handler, draining).await;
                })),
                Poll::Ready(Err(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::ConnectionReset
                            | io::ErrorKind::Interrupted
                    ) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => break,
            }
        }
        connections.poll(cx);
        if listener.is_none() && connections.is_empty() {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    })
    .await
}

type Connection<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The open connections, each polled only when its own waker fired.
#[derive(Default)]
struct Connections<'a> {
    slots: Vec<Option<(Connection<'a>, Waker)>>,
    free: Vec<usize>,
    ready: Arc<Ready>,
    live: usize,
}

/// The slots woken since the last poll, and the task to wake.
#[derive(Default)]
struct Ready {
    state: Mutex<(Vec<usize>, Option<Waker>)>,
}

/// The waker of one slot: marks it ready and wakes the serving task.
struct SlotWaker {
    slot: usize,
    ready: Arc<Ready>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let task = {
            let mut state = self
                .ready
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            state.0.push(self.slot);
            state.1.take()
        };
        if let Some(task) = task {
            task.wake();
        }
    }
}

impl<'a> Connections<'a> {
    /// Adds a connection; it is polled at the next `poll`.
    fn push(&mut self, connection: Connection<'a>) {
        let slot = self.free.pop().unwrap_or(self.slots.len());
        let waker = Waker::from(Arc::new(SlotWaker {
            slot,
            ready: self.ready.clone(),
        }));
        let entry = Some((connection, waker.clone()));
        match self.slots.get_mut(slot) {
            Some(free) => *free = entry,
            None => self.slots.push(entry),
        }
        self.live += 1;
        waker.wake();
    }

    fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Marks every connection to be polled at the next `poll`.
    fn wake_all(&self) {
        for (_, waker) in self.slots.iter().flatten() {
            waker.wake_by_ref();
        }
    }

    /// Polls the connections woken since the last call.
    fn poll(&mut self, cx: &mut Context<'_>) {
        let mut woken = {
            let mut state = self
                .ready
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            state.1 = Some(cx.waker().clone());
            std::mem::take(&mut state.0)
        };
        woken.sort_unstable();
        woken.dedup();
        for slot in woken {
            // A stale wakeup of a slot since freed (or reused) polls nothing,
            // or polls a connection once more than needed: harmless.
            let Some(Some((connection, waker))) = self.slots.get_mut(slot) else {
                continue;
            };
            if connection
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_ready()
            {
                self.slots[slot] = None;
                self.free.push(slot);
                self.live -= 1;
            }
        }
    }
}
