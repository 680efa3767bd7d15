//! The server side, sans-IO: response headers, the `Last-Event-ID` request
//! header, keepalive timing per stream, and (with `alloc`) a replay history.

mod headers;
#[cfg(feature = "alloc")]
mod history;
mod last_event_id;

use core::time::Duration;

use crate::{Frame, Instant};

#[cfg(feature = "http")]
pub use headers::insert_response_headers;
pub use headers::{response_headers, HttpVersion, CONTENT_TYPE};
#[cfg(feature = "alloc")]
pub use history::{History, HistoryLimits, Replay, Resume};
pub use last_event_id::{InvalidLastEventId, LastEventId};

/// The keepalive comment is due: encode [`Frame::Keepalive`] (or this value,
/// which converts into it) and write it to the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Keepalive;

impl From<Keepalive> for Frame<'_> {
    fn from(_: Keepalive) -> Self {
        Frame::Keepalive
    }
}

/// Keepalive timing for one open event stream.
///
/// Proxies and load balancers drop connections that stay idle too long (often
/// after 30 to 60 s). A stream that has written nothing for `interval` sends a
/// comment, which clients ignore.
///
/// # How to drive it
///
/// 1. [`ServerStream::new`] when the response starts (the headers count as a
///    write).
/// 2. After writing anything to the stream, call [`on_write`](Self::on_write).
/// 3. Arm the connection's timer for [`poll_timeout`](Self::poll_timeout); when it
///    fires, call [`handle_timeout`](Self::handle_timeout) and write the
///    [`Keepalive`] it returns. It counts as a write, so there is no need to call
///    `on_write` for it. Then go back to step 3: the deadline has moved.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use sse_proto::{Instant, Keepalive, ServerStream};
///
/// let t0 = Instant::from_millis(0);
/// let mut stream = ServerStream::new(t0, Duration::from_secs(15));
/// assert_eq!(stream.poll_timeout(), Some(Instant::from_millis(15_000)));
///
/// stream.on_write(Instant::from_millis(4_000)); // an event went out
/// let deadline = stream.poll_timeout().unwrap();
/// assert_eq!(deadline, Instant::from_millis(19_000));
/// assert_eq!(stream.handle_timeout(Instant::from_millis(18_999)), None);
/// assert_eq!(stream.handle_timeout(deadline), Some(Keepalive));
/// assert_eq!(stream.poll_timeout(), Some(Instant::from_millis(34_000)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServerStream {
    interval: Duration,
    last_write: Instant,
}

impl ServerStream {
    /// A common keepalive interval: 15 seconds, well below the idle timeouts of
    /// usual proxies.
    pub const DEFAULT_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);

    /// A stream whose last write was at `now`, sending a keepalive after
    /// `interval` without writes. An `interval` of zero turns keepalives off
    /// ([`poll_timeout`](Self::poll_timeout) is then always `None`).
    pub const fn new(now: Instant, interval: Duration) -> Self {
        ServerStream {
            interval,
            last_write: now,
        }
    }

    /// The keepalive interval.
    pub const fn interval(&self) -> Duration {
        self.interval
    }

    /// Records that something was written at `now`. A `now` earlier than the last
    /// recorded write is ignored (time does not go back).
    pub fn on_write(&mut self, now: Instant) {
        self.last_write = self.last_write.max(now);
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has something to do:
    /// the last write plus the interval. `None` when keepalives are off.
    ///
    /// This is exactly the instant at which `handle_timeout` starts returning a
    /// [`Keepalive`]; call it again after every `on_write` or `handle_timeout`.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.interval.is_zero() {
            None
        } else {
            Some(self.last_write + self.interval)
        }
    }

    /// Returns [`Keepalive`] when [`poll_timeout`](Self::poll_timeout) is due at
    /// `now`, and counts it as written at `now`; otherwise `None` (a timer that
    /// fired early, or a write since it was armed, changes nothing).
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Keepalive> {
        let deadline = self.poll_timeout()?;
        if now < deadline {
            return None;
        }
        self.last_write = now;
        Some(Keepalive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Instant = Instant::from_millis;

    #[test]
    fn deadline_follows_last_write() {
        let mut s = ServerStream::new(MS(100), Duration::from_millis(50));
        assert_eq!(s.interval(), Duration::from_millis(50));
        assert_eq!(s.poll_timeout(), Some(MS(150)));
        s.on_write(MS(120));
        assert_eq!(s.poll_timeout(), Some(MS(170)));
        s.on_write(MS(110)); // earlier than the last write: ignored
        assert_eq!(s.poll_timeout(), Some(MS(170)));
    }

    #[test]
    fn fires_exactly_at_poll_timeout_and_rearms() {
        let mut s = ServerStream::new(MS(0), Duration::from_millis(10));
        assert_eq!(s.handle_timeout(MS(9)), None);
        assert_eq!(s.poll_timeout(), Some(MS(10)));
        assert_eq!(s.handle_timeout(MS(10)), Some(Keepalive));
        assert_eq!(s.handle_timeout(MS(10)), None);
        assert_eq!(s.poll_timeout(), Some(MS(20)));
        // A late timer: the next deadline counts from when it was handled.
        assert_eq!(s.handle_timeout(MS(35)), Some(Keepalive));
        assert_eq!(s.poll_timeout(), Some(MS(45)));
    }

    #[test]
    fn zero_interval_is_off() {
        let mut s = ServerStream::new(MS(0), Duration::ZERO);
        assert_eq!(s.poll_timeout(), None);
        assert_eq!(s.handle_timeout(Instant::MAX), None);
    }

    #[test]
    fn saturates_near_the_end_of_time() {
        let mut s = ServerStream::new(Instant::MAX, Duration::from_secs(1));
        assert_eq!(s.poll_timeout(), Some(Instant::MAX));
        assert_eq!(s.handle_timeout(Instant::MAX), Some(Keepalive));
    }

    #[test]
    fn keepalive_encodes_as_the_encoders_comment() {
        let mut buf = [0; 8];
        let n = crate::Encoder::new()
            .encode_into(Keepalive, &mut buf)
            .unwrap();
        assert_eq!(&buf[..n], b":\n\n");
    }
}
