//! The keepalive timer of one stream: the core's `ServerStream` deadline on a
//! runtime timer, shared by the body and the sink.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use sse_proto::server::ServerStream;
use sse_proto::{Instant, Origin};

use crate::{AsyncTimer, Runtime};

/// When a keepalive is due on one stream, on the runtime's clock.
///
/// Writes only move the core's deadline; the timer is armed lazily: one armed
/// for an earlier deadline is left to fire, nothing is due then, and it is
/// armed again for the new deadline (no timer reset per event).
pub(crate) struct KeepaliveTimer {
    runtime: Arc<dyn Runtime>,
    origin: Origin,
    stream: ServerStream,
    /// Made at the first poll, inside the runtime (tokio's timers need its
    /// context).
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
    /// The core instant the timer is armed for.
    armed: Option<Instant>,
}

impl KeepaliveTimer {
    /// A stream whose last write is now (the response head), with keepalives
    /// every `interval` without writes (zero: never).
    pub(crate) fn new(runtime: Arc<dyn Runtime>, interval: Duration) -> KeepaliveTimer {
        let origin = Origin::new(runtime.now());
        KeepaliveTimer {
            runtime,
            origin,
            stream: ServerStream::new(Instant::ZERO, interval),
            timer: None,
            armed: None,
        }
    }

    /// The keepalive interval (zero: off).
    pub(crate) fn interval(&self) -> Duration {
        self.stream.interval()
    }

    /// Changes the interval, counting from when the timer was made (meant
    /// for before the first write).
    pub(crate) fn set_interval(&mut self, interval: Duration) {
        self.stream = ServerStream::new(Instant::ZERO, interval);
    }

    fn now(&self) -> Instant {
        self.origin.instant(self.runtime.now())
    }

    /// Something was written now: the keepalive deadline moves.
    pub(crate) fn on_write(&mut self) {
        let now = self.now();
        self.stream.on_write(now);
    }

    /// `Ready` when a keepalive is due; it then counts as written. `Pending`
    /// for ever when keepalives are off.
    pub(crate) fn poll_due(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let Some(deadline) = self.stream.poll_timeout() else {
                return Poll::Pending;
            };
            let at = match self.armed {
                Some(armed) if armed <= deadline => armed,
                _ => {
                    let when = self.origin.deadline(deadline);
                    match &mut self.timer {
                        Some(timer) => timer.as_mut().reset(when),
                        None => self.timer = Some(self.runtime.new_timer(when)),
                    }
                    self.armed = Some(deadline);
                    deadline
                }
            };
            let Some(timer) = &mut self.timer else {
                return Poll::Pending;
            };
            ready!(timer.as_mut().poll(cx));
            self.armed = None;
            // The timer fired: the clock is at least `at` (rounding aside).
            let now = self.now().max(at);
            if self.stream.handle_timeout(now).is_some() {
                return Poll::Ready(());
            }
            // A write moved the deadline since the timer was armed: arm again.
        }
    }
}

impl std::fmt::Debug for KeepaliveTimer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeepaliveTimer")
            .field("interval", &self.stream.interval())
            .field("next", &self.stream.poll_timeout())
            .finish_non_exhaustive()
    }
}
