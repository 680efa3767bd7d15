//! The `sse-rt` runtime seam on tokio's clock and timers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;
use sse_rt::{AsyncTimer, Runtime};
use tokio::time::Sleep;

/// tokio as an `sse-rt` [`Runtime`]: tokio's clock, and timers on tokio's
/// [`Sleep`].
///
/// The clock is `tokio::time::Instant::now()`, so the paused, auto-advancing
/// time of tokio's `test-util` (`#[tokio::test(start_paused = true)]`) drives
/// the adapters too.
///
/// # Panics
///
/// [`new_timer`](Runtime::new_timer) panics outside a tokio runtime, or in one
/// built without `enable_time()` (tokio's rule for every timer).
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::time::Duration;
/// use sse_tokio::{Runtime, TokioRuntime};
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap().block_on(async {
/// let rt = TokioRuntime;
/// let deadline = rt.now() + Duration::from_millis(5);
/// let mut timer = rt.new_timer(deadline);
/// poll_fn(|cx| timer.as_mut().poll(cx)).await;
/// assert!(rt.now() >= deadline);
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokioRuntime;

impl Runtime for TokioRuntime {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn new_timer(&self, deadline: Instant) -> Pin<Box<dyn AsyncTimer>> {
        Box::pin(TokioTimer {
            sleep: tokio::time::sleep_until(deadline.into()),
        })
    }
}

pin_project! {
    /// A tokio [`Sleep`] as an [`AsyncTimer`].
    #[derive(Debug)]
    struct TokioTimer {
        #[pin]
        sleep: Sleep,
    }
}

impl AsyncTimer for TokioTimer {
    fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.project().sleep.reset(deadline.into());
    }

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().sleep.poll(cx)
    }
}
