//! What the tests of this crate share.

use std::future::Future;
use std::time::Duration;

/// Runs `future` on a current-thread tokio runtime with I/O and time, failing
/// the test after 60 s (a guard against a hang only: each test takes well
/// under a second).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async { tokio::time::timeout(Duration::from_secs(60), future).await })
        .expect("the test finished in time")
}
