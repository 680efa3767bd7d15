//! Time as a parameter: a millisecond [`Instant`] with saturating arithmetic.
//!
//! The core never reads a clock. Adapters pick an epoch (usually the moment the
//! connection object was created) and pass `Instant::from_duration(epoch.elapsed())`
//! into every method that needs the time.

use core::ops::{Add, Sub};
use core::time::Duration;

/// A point in time, in whole milliseconds since an epoch chosen by the caller.
///
/// `Copy + Ord`, with arithmetic that saturates instead of panicking or wrapping.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use sse_proto::Instant;
///
/// let t0 = Instant::from_millis(1_000);
/// let t1 = t0 + Duration::from_secs(3);
/// assert_eq!(t1.as_millis(), 4_000);
/// assert_eq!(t1 - t0, Duration::from_secs(3));
/// // Saturating: an earlier instant minus a later one is zero, never a panic.
/// assert_eq!(t0 - t1, Duration::ZERO);
/// assert_eq!(Instant::MAX + Duration::from_secs(1), Instant::MAX);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The epoch itself.
    pub const ZERO: Instant = Instant(0);
    /// The latest representable instant; adding to it saturates here.
    pub const MAX: Instant = Instant(u64::MAX);

    /// The instant `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms)
    }

    /// The instant `elapsed` after the epoch, truncated to whole milliseconds and
    /// saturating at [`Instant::MAX`]. Adapters call it with `epoch.elapsed()`.
    pub const fn from_duration(elapsed: Duration) -> Instant {
        Instant(duration_to_millis(elapsed))
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Time since the epoch as a [`Duration`].
    pub const fn as_duration(self) -> Duration {
        Duration::from_millis(self.0)
    }

    /// `self + d`, saturating at [`Instant::MAX`].
    pub const fn saturating_add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(duration_to_millis(d)))
    }

    /// `self - earlier`, or zero when `earlier` is later than `self`.
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturating; see [`Instant::saturating_add`].
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturating; see [`Instant::saturating_duration_since`].
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// Whole milliseconds in `d`, saturating at `u64::MAX`.
pub(crate) const fn duration_to_millis(d: Duration) -> u64 {
    let ms = d.as_millis();
    if ms > u64::MAX as u128 {
        u64::MAX
    } else {
        ms as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_duration_saturates() {
        assert_eq!(Instant::from_duration(Duration::MAX), Instant::MAX);
        assert_eq!(
            Instant::from_millis(5).saturating_add(Duration::MAX),
            Instant::MAX
        );
    }

    #[test]
    fn sub_is_saturating_and_exact() {
        let a = Instant::from_millis(10);
        let b = Instant::from_millis(25);
        assert_eq!(b - a, Duration::from_millis(15));
        assert_eq!(a - b, Duration::ZERO);
    }

    #[test]
    fn sub_millisecond_durations_truncate() {
        assert_eq!(
            Instant::from_duration(Duration::from_micros(1_999)).as_millis(),
            1
        );
    }
}
