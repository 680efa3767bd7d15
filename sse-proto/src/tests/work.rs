//! A per-thread count of the bytes the decoder examines or copies, fed by
//! `decode::work` (tests run on many threads at once).

use std::cell::Cell;

std::thread_local! {
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Adds `n` bytes of work on this thread.
pub(crate) fn add(n: usize) {
    BYTES.with(|b| b.set(b.get() + n as u64));
}

/// The work on this thread since the last call, and starts counting afresh.
pub(crate) fn take() -> u64 {
    BYTES.with(|b| b.replace(0))
}
