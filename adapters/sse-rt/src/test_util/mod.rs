//! Test utilities (feature `test-util`): a virtual clock that runs tests
//! deterministically, and the scenario suite every runtime crate runs.
//!
//! Not for production: [`VirtualRuntime`] never sleeps, and
//! [`scenarios`] panics when a runtime misbehaves (that is the test failing).

pub mod backplane;
pub mod client_scenarios;
pub mod scenarios;
pub mod server_scenarios;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use crate::{AsyncTimer, Runtime};

/// A [`Runtime`] on a virtual clock: time moves only when the test moves it,
/// so timer-driven code runs deterministically and instantly.
///
/// # How time moves
///
/// - [`advance`](VirtualRuntime::advance) and
///   [`advance_to`](VirtualRuntime::advance_to) move the clock and wake every
///   timer whose deadline is reached, in one step.
/// - [`block_on`](VirtualRuntime::block_on) runs a future and, whenever it is
///   idle (it returned `Pending` and nothing woke it), jumps the clock to the
///   earliest deadline of a timer someone waits on (tokio's auto-advance of
///   paused time). When nothing is left to wait for, the future can never
///   finish, and `block_on` panics instead of hanging.
///
/// `now()` starts at the `Instant` the runtime was made, so deadlines compare
/// with real instants, but only [`elapsed`](VirtualRuntime::elapsed) carries
/// meaning. Clones share one clock.
///
/// Meant for in-memory sources only: a future waiting on a real socket looks
/// idle to `block_on`, which would then move the clock, or panic.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::time::Duration;
/// use sse_rt::test_util::VirtualRuntime;
/// use sse_rt::Runtime;
///
/// let rt = VirtualRuntime::new();
/// let mut timer = rt.new_timer(rt.now() + Duration::from_secs(30));
/// rt.block_on(poll_fn(|cx| timer.as_mut().poll(cx))); // returns at once
/// assert_eq!(rt.elapsed(), Duration::from_secs(30));
/// ```
#[derive(Clone, Default)]
pub struct VirtualRuntime {
    clock: Arc<Mutex<Clock>>,
}

/// The shared state of a [`VirtualRuntime`] and its timers.
#[derive(Debug)]
struct Clock {
    start: Instant,
    elapsed: Duration,
    timers: BTreeMap<u64, Entry>,
    next_id: u64,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            start: Instant::now(),
            elapsed: Duration::ZERO,
            timers: BTreeMap::new(),
            next_id: 0,
        }
    }
}

/// One live timer.
#[derive(Debug)]
struct Entry {
    deadline: Instant,
    /// The task of the last `Pending` poll; taken when the timer fires.
    waker: Option<Waker>,
}

impl Clock {
    fn now(&self) -> Instant {
        self.start + self.elapsed
    }

    /// The earliest future deadline of a timer whose task waits on it.
    fn next_deadline(&self) -> Option<Instant> {
        let now = self.now();
        self.timers
            .values()
            .filter(|t| t.waker.is_some() && t.deadline > now)
            .map(|t| t.deadline)
            .min()
    }
}

impl VirtualRuntime {
    /// A clock at zero with no timers.
    pub fn new() -> VirtualRuntime {
        VirtualRuntime::default()
    }

    fn clock(&self) -> MutexGuard<'_, Clock> {
        // A panicking test must not turn every later call into a second panic.
        self.clock.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Virtual time since the runtime was made.
    pub fn elapsed(&self) -> Duration {
        self.clock().elapsed
    }

    /// Moves the clock forward by `by`, waking the timers that are due.
    pub fn advance(&self, by: Duration) {
        let to = self.clock().now() + by;
        self.advance_to(to);
    }

    /// Moves the clock to `to` (nothing when `to` has passed), waking the
    /// timers that are due.
    pub fn advance_to(&self, to: Instant) {
        let due: Vec<Waker> = {
            let mut clock = self.clock();
            if to > clock.now() {
                clock.elapsed = to - clock.start;
            }
            let now = clock.now();
            clock
                .timers
                .values_mut()
                .filter(|t| t.deadline <= now)
                .filter_map(|t| t.waker.take())
                .collect()
        };
        // Woken outside the lock: a waker may poll a timer at once.
        due.into_iter().for_each(Waker::wake);
    }

    /// The earliest deadline, still to come, of a timer that a task waits on
    /// (polled and `Pending`).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.clock().next_deadline()
    }

    /// How many timers exist (made and not dropped), waited on or not.
    pub fn timers(&self) -> usize {
        self.clock().timers.len()
    }

    /// Runs `future` to completion on this thread, moving the clock to the
    /// next timer deadline whenever the future is idle (see
    /// [How time moves](VirtualRuntime#how-time-moves)).
    ///
    /// # Panics
    ///
    /// When the future is idle and no timer is waited on: it would never
    /// finish (a deadlock in the code under test). Panics of the future
    /// propagate.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let flag = Arc::new(WakeFlag(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            if flag.0.swap(false, Ordering::SeqCst) {
                continue;
            }
            match self.next_deadline() {
                Some(deadline) => self.advance_to(deadline),
                None => panic!(
                    "VirtualRuntime::block_on: the future is idle at {:?} and no timer is \
                     waited on, so it can never finish",
                    self.elapsed()
                ),
            }
        }
    }
}

impl fmt::Debug for VirtualRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = self.clock();
        f.debug_struct("VirtualRuntime")
            .field("elapsed", &clock.elapsed)
            .field("timers", &clock.timers.len())
            .finish()
    }
}

impl Runtime for VirtualRuntime {
    fn now(&self) -> Instant {
        self.clock().now()
    }

    fn new_timer(&self, deadline: Instant) -> Pin<Box<dyn AsyncTimer>> {
        let mut clock = self.clock();
        let id = clock.next_id;
        clock.next_id += 1;
        clock.timers.insert(
            id,
            Entry {
                deadline,
                waker: None,
            },
        );
        Box::pin(VirtualTimer {
            runtime: self.clone(),
            id,
        })
    }
}

/// A timer of a [`VirtualRuntime`]; its state lives in the shared clock.
#[derive(Debug)]
struct VirtualTimer {
    runtime: VirtualRuntime,
    id: u64,
}

impl AsyncTimer for VirtualTimer {
    fn reset(self: Pin<&mut Self>, deadline: Instant) {
        if let Some(entry) = self.runtime.clock().timers.get_mut(&self.id) {
            entry.deadline = deadline;
        }
    }

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut clock = self.runtime.clock();
        let now = clock.now();
        let Some(entry) = clock.timers.get_mut(&self.id) else {
            // Unreachable: the entry lives as long as the timer. Completing is
            // the harmless answer.
            return Poll::Ready(());
        };
        if entry.deadline <= now {
            entry.waker = None;
            Poll::Ready(())
        } else {
            entry.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for VirtualTimer {
    fn drop(&mut self) {
        self.runtime.clock().timers.remove(&self.id);
    }
}

/// An in-memory connection for examples and tests: reads give out canned
/// bytes, then end of file; writes are kept (see
/// [`written`](Canned::written)).
///
/// # Examples
///
/// ```
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
/// use sse_rt::test_util::Canned;
///
/// # futures_lite::future::block_on(async {
/// let mut conn = Canned::new(b"HTTP/1.1 204 No Content\r\n\r\n");
/// conn.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
/// let mut response = String::new();
/// conn.read_to_string(&mut response).await.unwrap();
/// assert_eq!(response, "HTTP/1.1 204 No Content\r\n\r\n");
/// assert_eq!(conn.written(), b"GET / HTTP/1.1\r\n\r\n");
/// # });
/// ```
#[derive(Clone, Debug, Default)]
pub struct Canned {
    read: Vec<u8>,
    at: usize,
    written: Vec<u8>,
}

impl Canned {
    /// A connection whose reads give out `bytes`.
    pub fn new(bytes: &[u8]) -> Canned {
        Canned {
            read: bytes.to_vec(),
            at: 0,
            written: Vec::new(),
        }
    }

    /// Everything written so far.
    pub fn written(&self) -> &[u8] {
        &self.written
    }
}

impl futures_io::AsyncRead for Canned {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let n = buf.len().min(this.read.len() - this.at);
        buf[..n].copy_from_slice(&this.read[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(n))
    }
}

impl futures_io::AsyncWrite for Canned {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The waker of [`VirtualRuntime::block_on`]: notes that the future asked to
/// be polled again.
struct WakeFlag(AtomicBool);

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn timers_fire_when_the_clock_reaches_them_and_not_before() {
        let rt = VirtualRuntime::new();
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut timer = rt.new_timer(rt.now() + 10 * MS);
        assert!(timer.as_mut().poll(&mut cx).is_pending());
        assert_eq!(rt.next_deadline(), Some(rt.now() + 10 * MS));
        rt.advance(9 * MS);
        assert!(timer.as_mut().poll(&mut cx).is_pending());
        rt.advance(MS);
        assert!(timer.as_mut().poll(&mut cx).is_ready());
        assert!(timer.as_mut().poll(&mut cx).is_ready(), "stays fired");
        assert_eq!(rt.next_deadline(), None);
        drop(timer);
        assert_eq!(rt.timers(), 0);
    }

    #[test]
    fn block_on_jumps_to_the_earliest_waited_deadline() {
        let rt = VirtualRuntime::new();
        let start = rt.now();
        // A timer nobody polls does not pull the clock.
        let _idle = rt.new_timer(start + MS);
        let mut late = rt.new_timer(start + 50 * MS);
        let mut early = rt.new_timer(start + 20 * MS);
        let first = rt.block_on(poll_fn(|cx| {
            if early.as_mut().poll(cx).is_ready() {
                return Poll::Ready("early");
            }
            late.as_mut().poll(cx).map(|()| "late")
        }));
        assert_eq!((first, rt.elapsed()), ("early", 20 * MS));
    }

    #[test]
    #[should_panic(expected = "no timer is waited on")]
    fn block_on_reports_a_future_that_can_never_finish() {
        VirtualRuntime::new().block_on(std::future::pending::<()>());
    }
}
