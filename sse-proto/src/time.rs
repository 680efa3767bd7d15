//! Time as a parameter: a millisecond [`Instant`] with saturating arithmetic.
//!
//! The core never reads a clock. Adapters pick an epoch (usually the moment the
//! connection object was created) and pass the time since it into every method
//! that needs the time; under `std`, [`Origin`] converts both ways.

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

/// The adapter's epoch on the `std` clock: converts a `std::time::Instant` to
/// the core's [`Instant`] and a deadline back, so that waiting never spins.
///
/// [`instant`](Origin::instant) rounds down to the millisecond and
/// [`deadline`](Origin::deadline) is exact, so a deadline the core has not yet
/// reached lies strictly after the `std` time it was computed from, and once
/// that `std` instant has passed the core sees it as due. [`wait`](Origin::wait)
/// rounds up to the next millisecond for timers that count whole
/// milliseconds: it is zero only for a deadline that is due.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_proto::{Instant, Origin};
///
/// let start = std::time::Instant::now();
/// let origin = Origin::new(start);
/// let now = start + Duration::from_micros(1_500_300); // 1500.3 ms in
/// assert_eq!(origin.instant(now), Instant::from_millis(1500));
/// let deadline = Instant::from_millis(1501); // from poll_timeout(): not yet due
/// assert_eq!(origin.deadline(deadline) - now, Duration::from_micros(700)); // never 0
/// assert_eq!(origin.wait(deadline, now), Duration::from_millis(1)); // rounded up
/// assert_eq!(origin.instant(origin.deadline(deadline)), deadline); // then it is due
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin(std::time::Instant);

#[cfg(feature = "std")]
impl Origin {
    /// The epoch: [`Instant::ZERO`] is `origin`.
    pub const fn new(origin: std::time::Instant) -> Origin {
        Origin(origin)
    }

    /// `now` as the core's time: whole milliseconds since the origin, rounded
    /// down (so a timer never fires early), [`Instant::ZERO`] before it.
    pub fn instant(&self, now: std::time::Instant) -> Instant {
        Instant::from_duration(now.saturating_duration_since(self.0))
    }

    /// The furthest a deadline is put from the origin: 100 years. Deadlines
    /// beyond (an idle timeout of `Duration::MAX`) mean "never" and are put
    /// here, so that every platform's clock can hold them.
    pub const HORIZON: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

    /// When `at` falls on the `std` clock: the origin plus exactly `at`, or
    /// plus [`Origin::HORIZON`] when `at` lies beyond it.
    ///
    /// # Panics
    ///
    /// When the platform's clock cannot hold the origin plus 100 years (no
    /// supported platform: their `std::time::Instant` counts 64-bit seconds).
    pub fn deadline(&self, at: Instant) -> std::time::Instant {
        self.0 + at.as_duration().min(Self::HORIZON)
    }

    /// How long to sleep from `now` until `at`, rounded up to whole
    /// milliseconds: zero only when `at` is due (`at <= self.instant(now)`), so
    /// a millisecond timer never wakes up before it and spins.
    pub fn wait(&self, at: Instant, now: std::time::Instant) -> Duration {
        let wait = self.deadline(at).saturating_duration_since(now);
        let whole = Duration::from_millis(duration_to_millis(wait));
        if whole < wait {
            whole + Duration::from_millis(1)
        } else {
            whole
        }
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
        // Its millisecond count truncated to 64 bits would be u64::MAX - 999.
        assert_eq!(
            Instant::from_duration(Duration::from_secs(u64::MAX)),
            Instant::MAX
        );
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

    #[cfg(feature = "std")]
    #[test]
    fn origin_round_trips_and_never_waits_zero_before_a_deadline() {
        let start = std::time::Instant::now();
        let origin = Origin::new(start);
        for micros in [0u64, 1, 999, 1_000, 1_001, 1_500_300, 86_400_000_000] {
            let now = start + Duration::from_micros(micros);
            let core = origin.instant(now);
            assert_eq!(core.as_millis(), micros / 1_000, "rounded down");
            for ahead in [0u64, 1, 2, 3_000] {
                let at = Instant::from_millis(core.as_millis() + ahead);
                let wait = origin.wait(at, now);
                let exact = Duration::from_millis(at.as_millis())
                    .saturating_sub(Duration::from_micros(micros));
                assert_eq!(origin.deadline(at) - now, exact);
                // Rounded up to whole milliseconds, zero only once due.
                assert_eq!(wait.subsec_nanos() % 1_000_000, 0, "{micros} {ahead}");
                assert!(wait >= exact && wait < exact + Duration::from_millis(1));
                assert_eq!(wait.is_zero(), at <= core, "{micros} {ahead}");
                // Woken at the deadline, the core sees it due.
                assert!(origin.instant(origin.deadline(at)) >= at);
            }
        }
        // Before the origin: the epoch, and the whole way to a deadline.
        let early = Origin::new(start + Duration::from_secs(5));
        assert_eq!(early.instant(start), Instant::ZERO);
        assert_eq!(
            early.wait(Instant::from_millis(1), start),
            Duration::from_millis(5_001)
        );
        // "Never" stops at the horizon: 100 years of 365 days.
        assert_eq!(Origin::HORIZON, Duration::from_secs(3_153_600_000));
        assert_eq!(origin.deadline(Instant::MAX) - start, Origin::HORIZON);
        let horizon = Instant::from_duration(Origin::HORIZON);
        assert_eq!(origin.deadline(horizon) - start, Origin::HORIZON);
        let before = Instant::from_millis(horizon.as_millis() - 1);
        assert_eq!(origin.deadline(before) - start, before.as_duration());
    }

    #[test]
    fn sub_millisecond_durations_truncate() {
        assert_eq!(
            Instant::from_duration(Duration::from_micros(1_999)).as_millis(),
            1
        );
    }
}
