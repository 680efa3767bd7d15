//! The scenario suite that every runtime crate runs: written once, generic over
//! the runtime and its TCP connect, instantiated in each crate's `tests/`.
//!
//! A scenario is an `async fn` for the runtime's own `block_on`; it panics
//! when the runtime misbehaves. [`scenario_tests!`](crate::scenario_tests)
//! turns the whole suite into `#[test]` functions for one runtime, so every
//! runtime crate runs the same list. The scripted server is a plain thread on
//! `127.0.0.1` (port 0), so it runs the same whatever runtime the client uses.
//! Timing is never asserted with sleeps: pieces are paced by what the client
//! has read, and timers are only checked never to fire early and to fire at
//! all (a 30 s watchdog timer, never reached when they work).

use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_io::{AsyncRead, AsyncWrite};
use sse_proto::{DecodeError, EventOwned, ItemOwned, Limits, StreamEnd};

use crate::{AsyncTimer, DecodeConfig, DecodeReader, Error, Runtime};

/// What the client sends before the server answers.
const REQUEST: &[u8] = b"GET /events HTTP/1.1\r\n\r\n";

/// The scripted event stream, in the pieces the server writes one at a time
/// (each only once the client has read all before it). Decode it with
/// [`script_config`]; it gives [`script_items`].
///
/// It holds a byte-order mark split across pieces, a named event with
/// multi-line data, CRLF line ends with the CR and the LF in different
/// pieces, a comment, a `retry`, an `id` that later events keep, a UTF-8
/// character split across pieces, an event over the data limit followed by a
/// good one, and a final event cut off by the end of the stream.
pub const SCRIPT: &[&[u8]] = &[
    b"\xEF\xBB",
    b"\xBFevent: greet\r",
    b"\ndata: hello\r\ndata: world\r",
    b"\n\r",
    b"\n: keepalive\n\nid: 7\nretry: 1500\ndata: line one\ndata:\ndata: line three\n\ndata: caf\xC3",
    b"\xA9\n\ndata: 0123456789012345678901234567890123456789",
    b"0123456789012345678901234567890123456789\n\nevent: after\ndata: ok\n\n",
    b"data: cut off",
];

/// [`SCRIPT`] as one byte string.
pub fn script_bytes() -> Vec<u8> {
    SCRIPT.concat()
}

/// The decoding configuration of [`SCRIPT`]: comments on, events of at most 64
/// bytes of data.
pub fn script_config() -> DecodeConfig {
    DecodeConfig::new().with_limits(Limits::new().with_max_event_len(64))
}

/// The items [`SCRIPT`] decodes to under [`script_config`], with limit errors
/// in place (see [`plain`]). The stream then ends
/// [`Truncated`](StreamEnd::Truncated).
pub fn script_items() -> Vec<Result<ItemOwned, DecodeError>> {
    let event = |event_type: &str, data: &str, id: &str| {
        Ok(ItemOwned::Event(EventOwned {
            event_type: event_type.into(),
            data: data.into(),
            last_event_id: id.into(),
        }))
    };
    vec![
        event("greet", "hello\nworld", ""),
        Ok(ItemOwned::Comment(" keepalive".into())),
        Ok(ItemOwned::Retry(Duration::from_millis(1500))),
        event("message", "line one\n\nline three", "7"),
        event("message", "caf\u{e9}", "7"),
        Err(DecodeError::EventTooLarge { limit: 64 }),
        event("after", "ok", "7"),
    ]
}

/// An item with its limit error unwrapped, for comparing with
/// [`script_items`].
///
/// # Panics
///
/// On any error but [`Error::Decode`]: the scenario's source never fails.
pub fn plain(item: Result<ItemOwned, Error>) -> Result<ItemOwned, DecodeError> {
    item.map_err(|e| match e {
        Error::Decode(e) => e,
        other => panic!("unexpected error from the event stream: {other:?}"),
    })
}

/// The next item of a stream (the one `StreamExt::next` of the futures crates,
/// without depending on them).
pub async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// A scripted server writes [`SCRIPT`] over TCP, piece by piece; the client
/// connects with `connect`, sends a request (through `AsyncWrite`, flushed),
/// then decodes the response through a [`DecodeReader`] and
/// must get exactly [`script_items`], ending
/// [`Truncated`](StreamEnd::Truncated).
///
/// Each piece is written only after the client has read every byte before it,
/// so the split points of [`SCRIPT`] (the CR and LF of one line end, the bytes
/// of one character) really fall between reads.
///
/// # Panics
///
/// When the client gets other items, or the connection fails.
pub async fn decode_over_tcp<C, F, S>(connect: C)
where
    C: FnOnce(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let progress = Arc::new(Progress::default());
    let server = thread::spawn({
        let progress = progress.clone();
        move || serve_script(&listener, &progress)
    });

    let mut stream = connect(addr).await.expect("connect to the scripted server");
    write_all(&mut stream, REQUEST)
        .await
        .expect("send the request");
    poll_fn(|cx| Pin::new(&mut stream).poll_close(cx))
        .await
        .expect("half-close");

    let tapped = Tap {
        inner: stream,
        progress,
    };
    let mut events = DecodeReader::with_config(tapped, script_config());
    let mut items = Vec::new();
    while let Some(item) = next(&mut events).await {
        items.push(plain(item));
    }
    let served = server.join().expect("server thread");
    assert_eq!(items, script_items());
    assert_eq!(events.stream_end(), Some(StreamEnd::Truncated));
    served.expect("scripted server");
}

/// The scripted server: reads the request, then writes [`SCRIPT`] paced by the
/// client's reads, then closes.
fn serve_script(listener: &TcpListener, progress: &Progress) -> io::Result<()> {
    const PATIENCE: Duration = Duration::from_secs(30);
    let (mut socket, _) = listener.accept()?;
    socket.set_nodelay(true)?;
    socket.set_read_timeout(Some(PATIENCE))?;
    // Not to the client's half-close: async-io's `poll_close` (async-std's)
    // only flushes.
    let mut request = vec![0; REQUEST.len()];
    socket.read_exact(&mut request)?;
    if request != REQUEST {
        return Err(io::Error::other(format!("unexpected request {request:?}")));
    }
    let mut written = 0;
    for piece in SCRIPT {
        socket.write_all(piece)?;
        written += piece.len();
        progress.wait_for(written, PATIENCE)?;
    }
    Ok(())
}

/// How many bytes the client has read, for pacing the server.
#[derive(Debug, Default)]
struct Progress {
    read: Mutex<usize>,
    changed: Condvar,
}

impl Progress {
    fn add(&self, n: usize) {
        *self.read.lock().unwrap_or_else(PoisonError::into_inner) += n;
        self.changed.notify_all();
    }

    fn wait_for(&self, total: usize, patience: Duration) -> io::Result<()> {
        let read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        let (read, _) = self
            .changed
            .wait_timeout_while(read, patience, |read| *read < total)
            .unwrap_or_else(PoisonError::into_inner);
        if *read < total {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("client read {} of {total} bytes", *read),
            ));
        }
        Ok(())
    }
}

/// A reader that reports how much has been read through it.
#[derive(Debug)]
struct Tap<R> {
    inner: R,
    progress: Arc<Progress>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tap<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(n)) = poll {
            self.progress.add(n);
        }
        poll
    }
}

/// Writes all of `bytes` and flushes.
async fn write_all<W: AsyncWrite + Unpin>(writer: &mut W, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, bytes)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n.min(bytes.len())..];
    }
    poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx)).await
}

/// The runtime's timers: one fires at its deadline and never before, stays
/// fired, is armed again by a `reset`; a `reset` moves a pending timer later
/// and earlier; a deadline already passed fires.
///
/// The deadlines add up to 120 ms of waiting ([`TIMER_SCENARIO_WAIT`]); a
/// virtual clock must show exactly that afterwards.
///
/// # Panics
///
/// When a timer fires before its deadline, or not before a 30 s watchdog.
pub async fn timer_deadlines<R: Runtime + ?Sized>(rt: &R) {
    let mut watchdog = rt.new_timer(rt.now() + Duration::from_secs(30));

    // Fires at its deadline, not before, and stays fired.
    let deadline = rt.now() + STEP;
    let mut timer = rt.new_timer(deadline);
    wait(rt, &mut timer, &mut watchdog, deadline, "a new timer").await;
    assert!(
        poll_once(&mut timer).await.is_ready(),
        "a fired timer stays fired"
    );

    // A reset arms a fired timer again.
    let deadline = rt.now() + STEP;
    timer.as_mut().reset(deadline);
    wait(
        rt,
        &mut timer,
        &mut watchdog,
        deadline,
        "a fired timer reset",
    )
    .await;

    // A reset moves a pending timer later...
    let mut moved = rt.new_timer(rt.now() + STEP);
    let _ = poll_once(&mut moved).await;
    let deadline = rt.now() + 3 * STEP;
    moved.as_mut().reset(deadline);
    wait(
        rt,
        &mut moved,
        &mut watchdog,
        deadline,
        "a timer reset later",
    )
    .await;

    // ... and earlier.
    let mut moved = rt.new_timer(rt.now() + Duration::from_secs(3600));
    assert!(
        poll_once(&mut moved).await.is_pending(),
        "an hour is not up"
    );
    let deadline = rt.now() + STEP;
    moved.as_mut().reset(deadline);
    wait(
        rt,
        &mut moved,
        &mut watchdog,
        deadline,
        "a timer reset earlier",
    )
    .await;

    // A deadline that has passed fires (tokio's at its next tick).
    let deadline = rt.now();
    moved.as_mut().reset(deadline);
    let what = "a timer reset to the past";
    wait(rt, &mut moved, &mut watchdog, deadline, what).await;
}

/// The unit of [`timer_deadlines`].
const STEP: Duration = Duration::from_millis(20);

/// The waiting [`timer_deadlines`] does, in all: what a virtual clock shows
/// after it.
pub const TIMER_SCENARIO_WAIT: Duration = Duration::from_millis(120);

/// Waits for `timer`, which must fire before `watchdog` and not before
/// `deadline`.
async fn wait<R: Runtime + ?Sized>(
    rt: &R,
    timer: &mut Pin<Box<dyn AsyncTimer>>,
    watchdog: &mut Pin<Box<dyn AsyncTimer>>,
    deadline: Instant,
    what: &str,
) {
    let fired = poll_fn(|cx| {
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        watchdog.as_mut().poll(cx).map(|()| false)
    })
    .await;
    assert!(fired, "{what} did not fire within 30 s");
    let now = rt.now();
    assert!(now >= deadline, "{what} fired {:?} early", deadline - now);
}

/// Polls `timer` once, registering the task.
async fn poll_once(timer: &mut Pin<Box<dyn AsyncTimer>>) -> Poll<()> {
    poll_fn(|cx| Poll::Ready(timer.as_mut().poll(cx))).await
}

/// The scenario suite as `#[test]` functions for one runtime: one line per
/// runtime crate, so all of them run the same list: [`decode_over_tcp`],
/// [`timer_deadlines`] and every [`EventSource`](crate::EventSource) scenario
/// of [`client_scenarios`](super::client_scenarios).
///
/// - `block_on`: a path to a generic `fn<F: Future>(F) -> F::Output` running a
///   future on the runtime (with its reactor and timers).
/// - `runtime`: the runtime's [`Runtime`](crate::Runtime) value (`Clone`).
/// - `connect`: a closure from a `SocketAddr` to a future of
///   `io::Result<S>`, `S` a futures-io reader and writer: the runtime's TCP
///   stream, wrapped if need be.
/// - `tcp`: a path to the runtime crate's function making its plain TCP
///   [`Connector`](crate::Connector).
///
/// # Examples
///
/// `sse-smol`'s `tests/scenarios.rs` is this one call (not compiled here:
/// `sse-rt` does not depend on any runtime):
///
/// ```text
/// sse_rt::scenario_tests! {
///     block_on: async_io::block_on,
///     runtime: sse_smol::SmolRuntime,
///     connect: async_net::TcpStream::connect,
///     tcp: sse_smol::tcp_connector,
/// }
/// ```
#[macro_export]
macro_rules! scenario_tests {
    (
        block_on: $block_on:path,
        runtime: $runtime:expr,
        connect: $connect:expr,
        tcp: $tcp:path $(,)?
    ) => {
        /// [`decode_over_tcp`]($crate::test_util::scenarios::decode_over_tcp)
        /// on this runtime.
        #[test]
        fn decode_over_tcp() {
            $block_on($crate::test_util::scenarios::decode_over_tcp($connect));
        }

        /// [`timer_deadlines`]($crate::test_util::scenarios::timer_deadlines)
        /// on this runtime.
        #[test]
        fn timer_deadlines() {
            $block_on($crate::test_util::scenarios::timer_deadlines(&$runtime));
        }

        $crate::scenario_tests!(@client $block_on, $runtime, $tcp,
            stream_intact, resume_after_drop, no_content_stops, refused_with_body,
            redirect_followed, idle_timeout_reconnects, close_during_connect,
            close_during_wait, one_shot_post_not_resent, replayable_post_resent,
            limit_error_surfaced, bodies);
        $crate::scenario_tests!(@server $block_on, $runtime, $connect, server_stream_intact,
            server_keepalive_idle, server_resume, server_slow_subscriber,
            server_headers_per_http_version, server_many_subscribers);
    };
    (@server $block_on:path, $runtime:expr, $connect:expr, $($name:ident),+) => {
        /// The server scenarios of
        /// [`server_scenarios`]($crate::test_util::server_scenarios) on this
        /// runtime, over real TCP.
        mod server {
            use super::*;
            $(
                #[test]
                fn $name() {
                    $block_on($crate::test_util::server_scenarios::$name($runtime, $connect));
                }
            )+
        }
    };
    (@client $block_on:path, $runtime:expr, $tcp:path, $($name:ident),+) => {
        /// The [`EventSource`]($crate::EventSource) scenarios of
        /// [`client_scenarios`]($crate::test_util::client_scenarios) on this
        /// runtime, over real TCP.
        mod event_source {
            use super::*;
            $(
                #[test]
                fn $name() {
                    $block_on($crate::test_util::client_scenarios::$name($runtime, $tcp));
                }
            )+
        }
    };
}
