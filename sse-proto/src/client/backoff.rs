//! Reconnect delays: the server's reconnection time as the base, optionally
//! growing exponentially with jitter drawn from an injected seed.

use core::time::Duration;

use crate::time::duration_to_millis;

/// How the delay before a reconnect grows with failed attempts in a row.
///
/// The base is always the reconnection time: the server's last `retry:` value,
/// else [`Config::reconnect_time`](super::Config::reconnect_time). The count of
/// failed attempts resets only when a connection proved healthy (an event
/// arrived, or it stayed open for [`Config::healthy_after`](super::Config::healthy_after)).
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use sse_proto::client::Backoff;
///
/// let b = Backoff::Exponential { max: Duration::from_secs(60), jitter: false };
/// let base = Duration::from_secs(3);
/// assert_eq!(b.max_delay(base, 0), Duration::from_secs(3));
/// assert_eq!(b.max_delay(base, 2), Duration::from_secs(12));
/// assert_eq!(b.max_delay(base, 10), Duration::from_secs(60)); // capped
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backoff {
    /// Always the reconnection time, as browsers do.
    Constant,
    /// The reconnection time doubled per failed attempt in a row, capped at
    /// `max` (but never below the reconnection time itself). A zero
    /// reconnection time (`retry: 0`) grows from 1 ms, so repeated failures
    /// still slow down. With `jitter`, the
    /// delay is drawn uniformly from `[d / 2, d]` so that many clients cut off at
    /// once do not reconnect in lockstep.
    Exponential {
        /// The cap on the grown delay.
        max: Duration,
        /// Draw the delay from `[d / 2, d]` instead of exactly `d`.
        jitter: bool,
    },
}

impl Backoff {
    /// The delay before attempt `failures + 1` when no jitter is drawn: the upper
    /// bound of the jittered delay.
    pub fn max_delay(&self, base: Duration, failures: u32) -> Duration {
        let base_ms = duration_to_millis(base);
        match *self {
            Backoff::Constant => Duration::from_millis(base_ms),
            Backoff::Exponential { max, .. } => {
                // Growth from at least 1 ms, so that a server's `retry: 0` cannot
                // make a server that accepts and closes at once a tight loop.
                let seed = if failures == 0 {
                    base_ms
                } else {
                    base_ms.max(1)
                };
                let grown = (0..failures.min(64)).fold(seed, |d, _| d.saturating_mul(2));
                let cap = duration_to_millis(max).max(base_ms);
                Duration::from_millis(grown.min(cap))
            }
        }
    }

    /// The delay before attempt `failures + 1`, drawing jitter from `rng`.
    pub(crate) fn delay(&self, base: Duration, failures: u32, rng: &mut SplitMix64) -> Duration {
        let d = duration_to_millis(self.max_delay(base, failures));
        match *self {
            Backoff::Exponential { jitter: true, .. } => {
                let low = d / 2;
                // The draw is in low..=d; `span` is at most 2^63, so `span + 1`
                // cannot overflow.
                let span = d - low;
                Duration::from_millis(low + rng.next() % (span + 1))
            }
            _ => Duration::from_millis(d),
        }
    }
}

/// A tiny deterministic generator (SplitMix64), seeded by the caller: the core
/// never reads a random source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) const fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_half_to_full() {
        let b = Backoff::Exponential {
            max: Duration::from_secs(30),
            jitter: true,
        };
        let mut rng = SplitMix64::new(7);
        let base = Duration::from_millis(1000);
        let mut seen = [0u64; 200];
        for failures in 0..12 {
            let hi = b.max_delay(base, failures);
            for slot in seen.iter_mut() {
                let d = b.delay(base, failures, &mut rng);
                assert!(
                    d >= hi / 2 && d <= hi,
                    "{d:?} outside [{:?}, {hi:?}]",
                    hi / 2
                );
                *slot = d.as_millis() as u64;
            }
        }
        seen.sort_unstable();
        let distinct = 1 + seen.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(
            distinct > 100,
            "jitter varies the delay: {distinct} distinct of 200"
        );
    }

    #[test]
    fn huge_values_saturate() {
        let b = Backoff::Exponential {
            max: Duration::MAX,
            jitter: true,
        };
        let mut rng = SplitMix64::new(1);
        assert_eq!(
            b.max_delay(Duration::MAX, 200),
            Duration::from_millis(u64::MAX)
        );
        let d = b.delay(Duration::MAX, 200, &mut rng);
        assert!(d >= Duration::from_millis(u64::MAX / 2));
    }

    #[test]
    fn cap_below_base_keeps_the_base() {
        let b = Backoff::Exponential {
            max: Duration::from_millis(10),
            jitter: false,
        };
        assert_eq!(
            b.max_delay(Duration::from_secs(3), 5),
            Duration::from_secs(3)
        );
        assert_eq!(
            Backoff::Constant.max_delay(Duration::from_secs(3), 5),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn zero_base_still_grows() {
        let b = Backoff::Exponential {
            max: Duration::from_secs(1),
            jitter: false,
        };
        assert_eq!(
            b.max_delay(Duration::ZERO, 0),
            Duration::ZERO,
            "first retry honours retry: 0"
        );
        assert_eq!(b.max_delay(Duration::ZERO, 3), Duration::from_millis(8));
        assert_eq!(b.max_delay(Duration::ZERO, 20), Duration::from_secs(1));
    }

    /// The reference outputs of SplitMix64 for seed 1234567 (as in Vigna's
    /// `splitmix64.c` and Java's `SplittableRandom`).
    #[test]
    fn splitmix64_matches_the_reference() {
        let mut rng = SplitMix64::new(1_234_567);
        let got: [u64; 5] = core::array::from_fn(|_| rng.next());
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    /// A seed pins its delays (reconnects are reproducible), and another seed
    /// gives others. Expected values from an independent model of the formula:
    /// `d / 2 + next() % (d - d / 2 + 1)` with `d` the capped doubling.
    #[test]
    fn a_seed_pins_its_delays() {
        let b = Backoff::Exponential {
            max: Duration::from_secs(60),
            jitter: true,
        };
        let delays = |seed| {
            let mut rng = SplitMix64::new(seed);
            let base = Duration::from_millis(1000);
            let got: [u64; 8] =
                core::array::from_fn(|f| b.delay(base, f as u32, &mut rng).as_millis() as u64);
            got
        };
        assert_eq!(
            delays(42),
            [573, 1313, 2168, 4542, 15279, 31491, 46140, 36362]
        );
        assert_eq!(
            delays(43),
            [867, 1621, 3452, 6644, 12827, 23120, 44955, 34896]
        );
    }

    #[test]
    fn without_jitter_no_draw_is_made() {
        let mut rng = SplitMix64::new(9);
        let b = Backoff::Exponential {
            max: Duration::from_secs(60),
            jitter: false,
        };
        assert_eq!(
            b.delay(Duration::from_secs(1), 3, &mut rng),
            Duration::from_secs(8)
        );
        assert_eq!(
            Backoff::Constant.delay(Duration::from_secs(1), 3, &mut rng),
            Duration::from_secs(1)
        );
        assert_eq!(rng, SplitMix64::new(9), "the generator did not move");
    }

    #[test]
    fn seeded_rng_is_deterministic() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..10 {
            assert_eq!(a.next(), b.next());
        }
        assert_ne!(SplitMix64::new(1).next(), SplitMix64::new(2).next());
    }
}
