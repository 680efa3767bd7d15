//! The keepalive timer of one stream: the core's `ServerStream` deadline on a
//! runtime timer, shared by the body and the sink.

use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use sse_proto::server::ServerStream;
use sse_proto::Instant;

use crate::alarm::Alarm;
use crate::Runtime;

/// When a keepalive is due on one stream, on the runtime's clock.
///
/// Writes only move the core's deadline; the [`Alarm`] is armed lazily, so a
/// write costs no timer reset.
pub(crate) struct KeepaliveTimer {
    alarm: Alarm,
    stream: ServerStream,
}

impl KeepaliveTimer {
    /// A stream whose last write is now (the response head), with keepalives
    /// every `interval` without writes (zero: never).
    pub(crate) fn new(runtime: Arc<dyn Runtime>, interval: Duration) -> KeepaliveTimer {
        KeepaliveTimer {
            alarm: Alarm::new(runtime),
            stream: ServerStream::new(Instant::ZERO, interval),
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

    /// Something was written now: the keepalive deadline moves.
    pub(crate) fn on_write(&mut self) {
        let now = self.alarm.now();
        self.stream.on_write(now);
    }

    /// `Ready` when a keepalive is due; it then counts as written. `Pending`
    /// for ever when keepalives are off.
    pub(crate) fn poll_due(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let Some(deadline) = self.stream.poll_timeout() else {
                return Poll::Pending;
            };
            ready!(self.alarm.poll_at(deadline, cx));
            if self.stream.handle_timeout(self.alarm.now()).is_some() {
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
