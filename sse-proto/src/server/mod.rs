//! The server side, sans-IO: response headers, the `Last-Event-ID` request
//! header, keepalive timing per stream, and (with `alloc`) a replay history.
//!
//! - [`response_headers`] for the HTTP version in use (no `connection` header on
//!   HTTP/2 and HTTP/3); `insert_response_headers` puts them in an
//!   `http::HeaderMap` (feature `http`). [`http::ResponseHead`](crate::http::ResponseHead)
//!   writes the same list as HTTP/1.1 bytes.
//! - [`LastEventId`]: what the reconnecting client's `Last-Event-ID` says, from
//!   raw bytes, an `http::HeaderMap`, or
//!   [`http::RequestHead::last_event_id`](crate::http::RequestHead::last_event_id),
//!   all by the same rules.
//! - `History` (feature `alloc`): the last events of a stream, encoded once,
//!   and what to replay for an ID ([`Resume`]); it refuses an event with a
//!   [`HistoryError`](crate::HistoryError).
//! - [`ServerStream`]: when a keepalive comment is due.
//!
//! # Example: serving a stream over HTTP/1.1
//!
//! A client reconnects after event 2; the server replays event 3, then goes on
//! live and keeps the idle connection open with a keepalive. The bytes that a
//! real server writes to its socket go to `wire` here.
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use sse_proto::http::{encode_chunk, parse_request, HttpLimits, Parsed, ResponseHead, EMPTY_HEADER};
//! use sse_proto::server::{History, HistoryLimits, LastEventId, Resume, ServerStream};
//! use sse_proto::{Encoder, EventFrame, Instant};
//!
//! let mut history = History::new(HistoryLimits::default());
//! for data in ["one", "two", "three"] {
//!     history.push(EventFrame::new(data)).unwrap(); // IDs 1, 2, 3
//! }
//!
//! let request = b"GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 2\r\n\r\n";
//! let mut headers = [EMPTY_HEADER; 16];
//! let Parsed::Complete(head) = parse_request(request, &mut headers, &HttpLimits::default())? else {
//!     unreachable!("a real server reads more and parses again");
//! };
//! let mut wire = Vec::new();
//! ResponseHead::new().encode_to_vec(&mut wire)?;
//! let mut chunk = [0u8; 256];
//! let now = Instant::from_millis(0);
//! let mut stream = ServerStream::new(now, ServerStream::DEFAULT_KEEPALIVE_INTERVAL);
//!
//! match head.last_event_id() {
//!     LastEventId::Id(id) => match history.resume(id) {
//!         Resume::From(replay) => {
//!             let n = encode_chunk(replay.as_bytes(), &mut chunk)?;
//!             wire.extend_from_slice(&chunk[..n]);
//!             stream.on_write(now);
//!         }
//!         Resume::Gap | Resume::Unknown => { /* send the full state instead */ }
//!     },
//!     LastEventId::Absent | LastEventId::Invalid(_) => { /* a fresh client */ }
//! }
//! assert!(wire.ends_with(b"13\r\nid: 3\ndata: three\n\n\r\n"));
//!
//! // Nothing to send for 15 s: a keepalive is due.
//! let later = stream.poll_timeout().unwrap();
//! assert_eq!(later, Instant::from_millis(15_000));
//! if let Some(keepalive) = stream.handle_timeout(later) {
//!     let mut frame = [0u8; 8];
//!     let n = Encoder::new().encode_into(keepalive, &mut frame)?;
//!     let n = encode_chunk(&frame[..n], &mut chunk)?;
//!     wire.extend_from_slice(&chunk[..n]);
//! }
//! assert!(wire.ends_with(b"3\r\n:\n\n\r\n"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
#[must_use = "the keepalive comment is due: write it to the stream"]
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
/// use sse_proto::Instant;
/// use sse_proto::server::{Keepalive, ServerStream};
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
    #[must_use = "a due keepalive counts as written: write it, or the idle connection may be dropped"]
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
