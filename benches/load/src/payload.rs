//! What a published event carries: its sequence number and the wall-clock
//! time it was sent (µs since the Unix epoch, one clock for every process on
//! the machine), padded to a chosen size.

use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    // A clock before 1970 reads as 0: latencies become huge, never a panic.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// The data of event `seq` sent at `sent_us`: `"{seq} {sent_us}"`, then
/// spaces and `x`s up to `size` bytes (never shorter than the two numbers).
pub fn encode(seq: u64, sent_us: u64, size: usize) -> String {
    let mut data = format!("{seq} {sent_us}");
    if data.len() < size {
        data.push(' ');
        data.extend(std::iter::repeat_n('x', size - data.len()));
    }
    data
}

/// The sequence number and send time of [`encode`]'s data; `None` for any
/// other data (an event the tool did not publish).
pub fn decode(data: &str) -> Option<(u64, u64)> {
    let mut parts = data.split(' ');
    let seq = parts.next()?.parse().ok()?;
    let sent = parts.next()?.parse().ok()?;
    Some((seq, sent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_padding() {
        let d = encode(7, 1_700_000_000_000_000, 64);
        assert_eq!(d.len(), 64);
        assert_eq!(decode(&d), Some((7, 1_700_000_000_000_000)));
        assert_eq!(encode(12, 34, 0), "12 34");
        assert_eq!(decode("12 34"), Some((12, 34)));
        assert_eq!(decode("tick"), None);
        assert_eq!(decode("1"), None);
    }
}
