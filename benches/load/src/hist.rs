//! A log-linear latency histogram: exact below 64 µs, then 32 buckets per
//! power of two (under 3.2 % relative error), fixed size, mergeable across
//! processes.

use serde_json::Value;

/// Sub-buckets per power of two (as a bit count).
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// Buckets: values up to 2^40 µs (12 days); larger ones land in the last.
const BUCKETS: usize = ((40 - SUB_BITS as usize) + 2) * SUB as usize;

/// Counts of latencies in microseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram::new()
    }
}

fn index(v: u64) -> usize {
    if v < 2 * SUB {
        return v as usize;
    }
    let shift = 63 - v.leading_zeros() - SUB_BITS;
    let i = (shift as u64 * SUB + (v >> shift)) as usize;
    i.min(BUCKETS - 1)
}

/// The middle of bucket `i`'s range.
fn value(i: usize) -> u64 {
    let i = i as u64;
    if i < 2 * SUB {
        return i;
    }
    let shift = i / SUB - 1;
    let top = i % SUB + SUB;
    (top << shift) + ((1 << shift) - 1) / 2
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            max: 0,
        }
    }

    /// Counts one latency of `micros`.
    pub fn record(&mut self, micros: u64) {
        self.counts[index(micros)] += 1;
        self.total += 1;
        self.max = self.max.max(micros);
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// How many latencies were counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The largest latency counted (exact), 0 when empty.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The latency at quantile `q` (0.5 for the median), within the bucket
    /// error (the maximum, exact, for the last rank); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        if rank == self.total {
            return Some(self.max);
        }
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(value(i).min(self.max));
            }
        }
        Some(self.max)
    }

    /// The non-empty buckets as `[[index, count], ...]` plus the maximum,
    /// for a worker's report.
    pub fn to_json(&self) -> Value {
        let buckets: Vec<Value> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| serde_json::json!([i, c]))
            .collect();
        serde_json::json!({ "buckets": buckets, "max": self.max })
    }

    /// Reads [`to_json`](Histogram::to_json)'s form back; `None` when it is
    /// not that form.
    pub fn from_json(v: &Value) -> Option<Histogram> {
        let mut h = Histogram::new();
        for pair in v.get("buckets")?.as_array()? {
            let i = usize::try_from(pair.get(0)?.as_u64()?).ok()?;
            let c = pair.get(1)?.as_u64()?;
            *h.counts.get_mut(i)? += c;
            h.total += c;
        }
        h.max = v.get("max")?.as_u64()?;
        Some(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_close() {
        let mut last = 0;
        for v in 0..1_000_000u64 {
            let i = index(v);
            assert!(i == last || i == last + 1, "gap at {v}");
            last = i;
            let mid = value(i) as f64;
            assert!(
                (mid - v as f64).abs() <= 0.032 * v as f64 + 0.5,
                "{v} -> {mid}"
            );
        }
        assert_eq!(index(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_and_round_trip() {
        let mut h = Histogram::new();
        assert_eq!(h.quantile(0.5), None);
        for v in 1..=100 {
            h.record(v * 1000);
        }
        let p50 = h.quantile(0.5).unwrap();
        assert!((48_500..=51_500).contains(&p50), "{p50}");
        assert_eq!(h.quantile(1.0), Some(100_000));
        assert_eq!(h.max(), 100_000);
        let back = Histogram::from_json(&h.to_json()).unwrap();
        assert_eq!(back, h);
        let mut sum = back.clone();
        sum.merge(&h);
        assert_eq!(sum.total(), 200);
        assert_eq!(sum.quantile(0.5), h.quantile(0.5));
    }
}
