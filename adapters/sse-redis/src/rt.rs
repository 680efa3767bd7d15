//! The runtime the readers run on, chosen as the redis crate chooses its
//! own: tokio when called inside a tokio runtime, else smol (with both
//! features on); the one enabled otherwise.

use std::future::Future;
use std::time::Duration;

#[cfg(not(any(feature = "tokio", feature = "smol")))]
compile_error!("sse-redis needs a runtime: enable the `tokio` or the `smol` feature");

/// A runtime to spawn a reader on and to sleep on.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rt {
    #[cfg(feature = "tokio")]
    Tokio,
    #[cfg(feature = "smol")]
    Smol,
}

impl Rt {
    /// The runtime of the caller; `None` when only `tokio` is enabled and
    /// there is no tokio runtime here.
    pub(crate) fn current() -> Option<Rt> {
        #[cfg(feature = "tokio")]
        if tokio::runtime::Handle::try_current().is_ok() {
            return Some(Rt::Tokio);
        }
        #[cfg(feature = "smol")]
        return Some(Rt::Smol);
        #[cfg(not(feature = "smol"))]
        None
    }

    /// Runs `task` in the background (detached: it ends by itself).
    pub(crate) fn spawn(self, task: impl Future<Output = ()> + Send + 'static) {
        match self {
            #[cfg(feature = "tokio")]
            Rt::Tokio => drop(tokio::spawn(task)),
            #[cfg(feature = "smol")]
            Rt::Smol => smol::spawn(task).detach(),
        }
    }

    /// Waits `delay`.
    pub(crate) async fn sleep(self, delay: Duration) {
        match self {
            #[cfg(feature = "tokio")]
            Rt::Tokio => tokio::time::sleep(delay).await,
            #[cfg(feature = "smol")]
            Rt::Smol => {
                smol::Timer::after(delay).await;
            }
        }
    }
}
