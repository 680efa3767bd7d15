//! A runtime timer on the core's clock, shared by the client driver and the
//! server's keepalives.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use sse_proto::{Instant, Origin};

use crate::{AsyncTimer, Runtime};

/// One runtime timer, armed at core [`Instant`]s (milliseconds since the alarm
/// was made).
///
/// It is armed lazily: a timer armed for an earlier deadline than the one asked
/// is left to fire (the caller finds nothing due and asks again), so a deadline
/// that moves later on every read or write costs no timer reset.
pub(crate) struct Alarm {
    runtime: Arc<dyn Runtime>,
    origin: Origin,
    /// Made at the first poll, inside the runtime (tokio's timers need its
    /// context).
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
    /// The core instant the timer is armed for.
    armed: Option<Instant>,
    /// The latest instant the timer fired at: [`Alarm::now`] never reads
    /// earlier, whatever the rounding between the two clocks.
    floor: Instant,
}

impl Alarm {
    /// An alarm whose core clock starts now.
    pub(crate) fn new(runtime: Arc<dyn Runtime>) -> Alarm {
        Alarm {
            origin: Origin::new(runtime.now()),
            runtime,
            timer: None,
            armed: None,
            floor: Instant::ZERO,
        }
    }

    /// The current time on the core's clock: never before an instant the timer
    /// fired at.
    pub(crate) fn now(&self) -> Instant {
        self.origin.instant(self.runtime.now()).max(self.floor)
    }

    /// Polls for `deadline`: `Ready` once the timer fired, and then
    /// [`now`](Alarm::now) is at least the instant it was armed for (`deadline`
    /// or an earlier one the caller asked for before). The timer is then
    /// disarmed: the next call arms it again.
    pub(crate) fn poll_at(&mut self, deadline: Instant, cx: &mut Context<'_>) -> Poll<()> {
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
            // Not reached: the timer was made above or on an earlier call.
            return Poll::Pending;
        };
        ready!(timer.as_mut().poll(cx));
        self.armed = None;
        self.floor = self.floor.max(at);
        Poll::Ready(())
    }

    /// Drops the timer (nothing more to wait for).
    pub(crate) fn disarm(&mut self) {
        self.timer = None;
        self.armed = None;
    }
}

impl std::fmt::Debug for Alarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alarm")
            .field("armed", &self.armed)
            .field("floor", &self.floor)
            .finish_non_exhaustive()
    }
}
