//! The runtime seam: a clock and a resettable timer, nothing else.

use std::fmt::Debug;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// What `sse-rt` needs from an async runtime: the time, and timers.
///
/// The drivers of this crate run on any executor; they ask a `Runtime` only for
/// [`now`](Runtime::now) and for [`new_timer`](Runtime::new_timer) (reconnect
/// delays, idle and keepalive deadlines). I/O comes in as futures-io
/// [`AsyncRead`](futures_io::AsyncRead)/[`AsyncWrite`](futures_io::AsyncWrite)
/// values, so sockets are not part of the seam, and nothing here spawns a task.
///
/// The runtime crates implement it: `sse_tokio::TokioRuntime`,
/// `sse_smol::SmolRuntime`, `sse_async_std::AsyncStdRuntime`. Tests use the
/// virtual clock `test_util::VirtualRuntime` (feature `test-util`).
///
/// The trait is object safe: a driver may hold an `Arc<dyn Runtime>`.
///
/// # Implementer notes
///
/// - `now` and the timers must use the same clock: a timer made for `deadline`
///   completes only once `now() >= deadline`. A runtime with a clock of its own
///   (tokio's paused test time, a virtual clock) returns that clock from `now`.
/// - `new_timer` may be called from inside a task of the runtime only; it may
///   panic elsewhere (tokio's timers need a runtime context), and must say so.
/// - Keep the implementation free of logic: a runtime crate wraps its runtime's
///   sleep type, and everything else belongs in `sse-rt`.
///
/// # Examples
///
/// Waiting for a deadline on whatever runtime is given:
///
/// ```
/// use std::future::poll_fn;
/// use std::time::Duration;
/// use sse_rt::Runtime;
///
/// async fn pause(rt: &dyn Runtime, for_: Duration) {
///     let mut timer = rt.new_timer(rt.now() + for_);
///     poll_fn(|cx| timer.as_mut().poll(cx)).await;
/// }
/// # let rt = sse_rt::test_util::VirtualRuntime::new();
/// # let start = rt.now();
/// # rt.block_on(pause(&rt, Duration::from_secs(3)));
/// # assert_eq!(rt.now() - start, Duration::from_secs(3));
/// ```
pub trait Runtime: Send + Sync + Debug + 'static {
    /// The current time on the runtime's clock.
    fn now(&self) -> Instant;

    /// A timer that completes at `deadline` (soon, if `deadline` has passed).
    fn new_timer(&self, deadline: Instant) -> Pin<Box<dyn AsyncTimer>>;
}

/// A timer that completes at a deadline and can be moved: a runtime's sleep
/// future made resettable, shaped like quinn's `AsyncTimer`.
///
/// One timer serves a connection for its whole life: reconnect delays and idle
/// deadlines [`reset`](AsyncTimer::reset) it rather than allocate a new one.
///
/// # Implementer notes
///
/// - [`poll`](AsyncTimer::poll) returns `Ready(())` once the deadline has passed
///   on the runtime's clock, and keeps returning it until the next `reset`;
///   before the deadline it returns `Pending` and wakes the task of the latest
///   `poll` when the deadline passes.
/// - [`reset`](AsyncTimer::reset) moves the deadline, earlier or later, including
///   for a timer that has already completed (it is armed again). It need not wake
///   anything: the caller polls the timer after resetting it.
/// - A timer never completes before its deadline. Completing late is allowed
///   (timer wheels round up to their tick).
pub trait AsyncTimer: Send + Debug + 'static {
    /// Moves the deadline to `deadline`, arming the timer again if it had
    /// completed.
    fn reset(self: Pin<&mut Self>, deadline: Instant);

    /// `Ready(())` once the deadline has passed, else `Pending` with a wakeup
    /// registered for `cx`.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;
}
