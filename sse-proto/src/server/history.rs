//! A bounded replay history: the last events of one stream, encoded, so that a
//! reconnecting client can be sent what it missed.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use crate::digits::{decimal_str, parse_decimal, Overflow, MAX_DIGITS};
use crate::{Encoder, EventFrame, HistoryError};

/// How much a [`History`] holds: at most `max_events` events and at most
/// `max_bytes` bytes of encoded events, whichever is reached first.
///
/// The newest event is always held, even when it alone is larger than
/// `max_bytes`, so that resuming never silently skips it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub struct HistoryLimits {
    /// The most events held (at least one is always held).
    pub max_events: usize,
    /// The most bytes of encoded events held (the newest event excepted).
    pub max_bytes: usize,
}

impl HistoryLimits {
    /// Limits of `max_events` events and `max_bytes` bytes.
    pub const fn new(max_events: usize, max_bytes: usize) -> Self {
        HistoryLimits {
            max_events,
            max_bytes,
        }
    }
}

impl Default for HistoryLimits {
    /// 1024 events, 1 MiB.
    fn default() -> Self {
        HistoryLimits::new(1024, 1 << 20)
    }
}

/// Where event IDs come from.
#[derive(Debug, Clone)]
enum Ids {
    /// The history numbers events `first, first + 1, ...`: the ID of the event
    /// with sequence number `seq` is `seq` in decimal.
    Assigned { first: u64 },
    /// The caller names every event; `index` maps a held ID to its sequence number,
    /// and `held[i]` is the ID of the `i`-th held event (to unindex it on eviction).
    Caller {
        index: BTreeMap<Box<str>, u64>,
        held: VecDeque<Box<str>>,
    },
}

/// What [`History::resume`] found for a client's last event ID.
///
/// The policy a server should follow:
///
/// - [`From`](Resume::From): write the replayed events, then go on live. An
///   empty replay means the client missed nothing.
/// - [`Gap`](Resume::Gap): events after the client's ID were dropped (the
///   history's bounds, or a server restart). The client cannot be brought up to
///   date event by event: send it the full current state (or an application
///   event telling it to reload), or close the stream with HTTP 204 so that it
///   stops, and then go on live.
/// - [`Unknown`](Resume::Unknown): this history never gave out that ID (or, with
///   caller-given IDs, it was dropped; see [`History::with_caller_ids`]). Handle it
///   like a gap: the client's state cannot be trusted to be a prefix of this
///   stream.
#[derive(Debug, Clone)]
#[must_use = "a gap or an unknown ID needs the server's decision (full state, or 204); replayed events must be written"]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub enum Resume<'a> {
    /// The events after the client's ID, oldest first (possibly none).
    From(Replay<'a>),
    /// The client's ID was given out by this history but events after it are no
    /// longer held: the client missed events.
    Gap,
    /// The ID is not one this history knows.
    Unknown,
}

/// Encoded events to replay, oldest first; each item is one complete event,
/// `id` line included. [`Replay::as_bytes`] gives all of them as one slice, for a
/// single write.
#[derive(Debug, Clone)]
#[must_use = "the replayed events must be written to the client"]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub struct Replay<'a> {
    /// The remaining events, back to back.
    bytes: &'a [u8],
    /// Absolute end offsets of the remaining events.
    ends: alloc::collections::vec_deque::Iter<'a, u64>,
    /// Absolute offset of `bytes[0]`.
    start: u64,
}

impl<'a> Replay<'a> {
    /// The remaining events, concatenated.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<'a> Iterator for Replay<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let end = *self.ends.next()?;
        // Every end lies within the held bytes, after `start` (both absolute
        // offsets of the same buffer), so the difference is at most `bytes.len()`.
        let (event, rest) = self.bytes.split_at((end - self.start) as usize);
        self.bytes = rest;
        self.start = end;
        Some(event)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ends.size_hint()
    }
}

impl ExactSizeIterator for Replay<'_> {}

/// The last events of one stream, encoded once, for `Last-Event-ID` resumes.
///
/// # One history per stream, never shared across users
///
/// Replaying crosses an authorization boundary: [`resume`](History::resume)
/// hands out past events to whoever presents an ID, and IDs are easy to guess.
/// Keep one history per stream or topic, holding only events that every client
/// allowed on that stream may see, and check the client's right to the stream
/// **before** resuming. Never put one user's events in a history another user's
/// requests can reach.
///
/// # IDs
///
/// - [`History::new`] / [`History::starting_at`]: the history numbers events with
///   consecutive integers (the `id` field is the number in decimal). Resuming is
///   O(1) arithmetic, and an ID that is too old is told apart from one never given
///   out ([`Resume::Gap`] vs [`Resume::Unknown`]). Across server restarts, start
///   each run above every ID given out before (say, the start time in
///   milliseconds times 1000): an ID from an earlier run is then below the start
///   and reported as a gap, never mistaken for an event of this run.
/// - [`History::with_caller_ids`]: the caller gives each event a unique, non-empty
///   ID. An ordered index (a `BTreeMap`) finds it in O(log n); it costs one copy
///   of each held ID twice over (the index and the eviction queue), outside
///   `max_bytes`.
///
/// # Costs
///
/// Events are encoded once into one contiguous buffer; [`push`](History::push)
/// is O(1) amortised plus the encoding (evicting drops from the front; the
/// buffer's dead prefix is compacted once it outgrows the live part, so memory
/// stays below about twice `max_bytes` plus the newest event).
///
/// # Examples
///
/// ```
/// use sse_proto::EventFrame;
/// use sse_proto::server::{History, HistoryLimits, Resume};
///
/// let mut history = History::new(HistoryLimits::new(2, 1 << 20));
/// let first = history.push(EventFrame::new("a")).unwrap().to_vec();
/// assert_eq!(first, b"id: 1\ndata: a\n\n");
/// history.push(EventFrame::new("b")).unwrap();
/// history.push(EventFrame::new("c")).unwrap(); // drops event 1
///
/// let Resume::From(replay) = history.resume("2") else { panic!() };
/// assert_eq!(replay.as_bytes(), b"id: 3\ndata: c\n\n");
/// assert!(matches!(history.resume("0"), Resume::Gap)); // event 1 is gone
/// assert!(matches!(history.resume("9"), Resume::Unknown));
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub struct History {
    encoder: Encoder,
    limits: HistoryLimits,
    ids: Ids,
    /// Encoded events; the held ones are `buf[head - base..]` (absolute offsets).
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// Absolute offset where the oldest held event starts.
    head: u64,
    /// Absolute end offset of each held event, oldest first.
    ends: VecDeque<u64>,
    /// Sequence number of the oldest held event (`ends[0]`).
    first_seq: u64,
}

impl History {
    /// A history that assigns IDs `1, 2, 3, ...`.
    pub fn new(limits: HistoryLimits) -> Self {
        History::starting_at(limits, 1)
    }

    /// A history that assigns IDs `first, first + 1, ...` (see the type's docs on
    /// restarts). IDs below `first` resume as [`Resume::Gap`].
    pub fn starting_at(limits: HistoryLimits, first: u64) -> Self {
        History::with_ids(limits, Ids::Assigned { first }, first)
    }

    /// A history of events whose IDs the caller gives (unique, non-empty).
    ///
    /// An ID that was dropped from the history cannot be told from one never
    /// given out, so both resume as [`Resume::Unknown`].
    ///
    /// ```
    /// use sse_proto::EventFrame;
    /// use sse_proto::server::{History, HistoryLimits, Resume};
    ///
    /// let mut history = History::with_caller_ids(HistoryLimits::default());
    /// history.push(EventFrame::new("x").with_id("msg-a")).unwrap();
    /// history.push(EventFrame::new("y").with_id("msg-b")).unwrap();
    /// let Resume::From(mut replay) = history.resume("msg-a") else { panic!() };
    /// assert_eq!(replay.next(), Some(&b"id: msg-b\ndata: y\n\n"[..]));
    /// assert_eq!(replay.next(), None);
    /// ```
    pub fn with_caller_ids(limits: HistoryLimits) -> Self {
        let ids = Ids::Caller {
            index: BTreeMap::new(),
            held: VecDeque::new(),
        };
        History::with_ids(limits, ids, 0)
    }

    fn with_ids(limits: HistoryLimits, ids: Ids, first_seq: u64) -> Self {
        History {
            encoder: Encoder::new(),
            limits,
            ids,
            buf: Vec::new(),
            base: 0,
            head: 0,
            ends: VecDeque::new(),
            first_seq,
        }
    }

    /// The limits.
    pub fn limits(&self) -> HistoryLimits {
        self.limits
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no event is held.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of the held events, back to back (the whole history as one
    /// replay).
    pub fn bytes(&self) -> &[u8] {
        &self.buf[(self.head - self.base) as usize..]
    }

    /// The ID the next [`push`](History::push) assigns, for a history that assigns
    /// them; `None` for caller-given IDs.
    pub fn next_id(&self) -> Option<u64> {
        match self.ids {
            Ids::Assigned { .. } => Some(self.next_seq()),
            Ids::Caller { .. } => None,
        }
    }

    fn next_seq(&self) -> u64 {
        // At most `u64::MAX` events are ever pushed: `push` refuses the one after.
        self.first_seq + self.ends.len() as u64
    }

    /// Encodes `event`, adds it as the newest event (dropping the oldest ones
    /// beyond the limits) and returns its bytes, `id` line included, ready to be
    /// written to the live clients.
    ///
    /// # Errors
    ///
    /// Nothing is added on error.
    /// - [`HistoryError::Encode`]: the encoder refused the event.
    /// - [`HistoryError::UnexpectedId`]: the history assigns IDs, but `event.id`
    ///   is set.
    /// - [`HistoryError::MissingId`]: caller-given IDs, but `event.id` is `None`
    ///   or empty.
    /// - [`HistoryError::DuplicateId`]: caller-given IDs, and an event with this ID
    ///   is held.
    /// - [`HistoryError::IdsExhausted`]: the assigned IDs reached `u64::MAX`.
    pub fn push(&mut self, event: EventFrame<'_>) -> Result<&[u8], HistoryError> {
        let seq = self.next_seq();
        match &mut self.ids {
            Ids::Assigned { .. } => {
                if event.id.is_some() {
                    return Err(HistoryError::UnexpectedId);
                }
                if seq == u64::MAX {
                    return Err(HistoryError::IdsExhausted);
                }
                let mut digits = [0; MAX_DIGITS];
                let event = event.with_id(decimal_str(seq, &mut digits));
                self.encoder.encode_to_vec(event, &mut self.buf)?;
            }
            Ids::Caller { index, held } => {
                let id = event.id.filter(|id| !id.is_empty());
                let id = id.ok_or(HistoryError::MissingId)?;
                if index.contains_key(id) {
                    return Err(HistoryError::DuplicateId);
                }
                self.encoder.encode_to_vec(event, &mut self.buf)?;
                index.insert(id.into(), seq);
                held.push_back(id.into());
            }
        }
        self.ends.push_back(self.base + self.buf.len() as u64);
        self.evict();
        // The newest event is never evicted: it is the last one held.
        let start = match self.ends.len() {
            0 | 1 => self.head,
            n => self.ends[n - 2],
        };
        Ok(&self.buf[(start - self.base) as usize..])
    }

    /// Drops the oldest events beyond the limits, keeping the newest, and compacts
    /// the buffer once its dead prefix outgrows the held bytes.
    fn evict(&mut self) {
        let limits = self.limits;
        while self.ends.len() > 1
            && (self.ends.len() > limits.max_events
                || self.base + self.buf.len() as u64 - self.head > limits.max_bytes as u64)
        {
            let Some(end) = self.ends.pop_front() else {
                break;
            };
            self.head = end;
            self.first_seq += 1;
            if let Ids::Caller { index, held } = &mut self.ids {
                if let Some(id) = held.pop_front() {
                    index.remove(&id);
                }
            }
        }
        // Compacting moves the held bytes, at most as many as it reclaims: O(1)
        // amortised per byte pushed, and the buffer stays below twice the held
        // bytes (a history holds at least its newest event, so never nothing).
        let dead = (self.head - self.base) as usize;
        if dead >= self.buf.len() - dead {
            self.buf.drain(..dead);
            self.base = self.head;
        }
    }

    /// The events after the one with ID `last_event_id`, or why there are none
    /// to give (see [`Resume`] for what to do in each case).
    ///
    /// An assigned ID must be written the way the history writes it (decimal, no
    /// sign, no leading zeros); anything else is [`Resume::Unknown`], and so is
    /// `""`. O(1) for assigned IDs, O(log n) for caller-given ones.
    pub fn resume(&self, last_event_id: &str) -> Resume<'_> {
        let after = match &self.ids {
            Ids::Assigned { first } => {
                let Some(seen) = parse_id(last_event_id) else {
                    return Resume::Unknown;
                };
                if seen >= self.next_seq() {
                    return Resume::Unknown;
                }
                if seen < *first || seen.saturating_add(1) < self.first_seq {
                    return Resume::Gap;
                }
                seen + 1
            }
            Ids::Caller { index, .. } => match index.get(last_event_id) {
                Some(&seq) => seq + 1,
                None => return Resume::Unknown,
            },
        };
        // `first_seq <= after <= next_seq`, checked above (or true of any held seq).
        let skip = (after - self.first_seq) as usize;
        let start = if skip == 0 {
            self.head
        } else {
            self.ends[skip - 1]
        };
        Resume::From(Replay {
            bytes: &self.buf[(start - self.base) as usize..],
            ends: self.ends.range(skip..),
            start,
        })
    }
}

/// A `u64` written as the history writes IDs: ASCII digits, no leading zero
/// (except `"0"` itself). Past `u64::MAX` it is no ID the history gave out.
fn parse_id(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.len() > 1 && bytes[0] == b'0' {
        return None;
    }
    parse_decimal(bytes, Overflow::Reject)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::format;
    use std::string::String;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;
    use crate::EncodeError;

    /// The events of `replay`, as many as its length says (one more would fail
    /// the test rather than loop forever).
    fn events(replay: Replay<'_>) -> Vec<String> {
        let len = replay.len();
        let events: Vec<String> = replay
            .take(len + 1)
            .map(|e| String::from_utf8(e.to_vec()).unwrap())
            .collect();
        assert_eq!(events.len(), len);
        events
    }

    fn from(history: &History, id: &str) -> Vec<String> {
        match history.resume(id) {
            Resume::From(r) => {
                let all = r.as_bytes().to_vec();
                let each = events(r);
                assert_eq!(each.concat().into_bytes(), all);
                each
            }
            other => panic!("resume({id:?}) = {other:?}"),
        }
    }

    #[test]
    fn assigned_ids_resume_gap_unknown() {
        let mut h = History::starting_at(HistoryLimits::new(3, 1 << 20), 10);
        assert_eq!(h.next_id(), Some(10));
        for d in ["a", "b", "c", "d"] {
            h.push(EventFrame::new(d)).unwrap();
        }
        assert_eq!(h.len(), 3);
        assert_eq!(
            from(&h, "11"),
            ["id: 12\ndata: c\n\n", "id: 13\ndata: d\n\n"]
        );
        assert_eq!(from(&h, "13"), Vec::<String>::new());
        assert_eq!(from(&h, "10").len(), 3); // event 10 is gone, but was seen
        assert!(matches!(h.resume("9"), Resume::Gap)); // below the first ID
        assert!(matches!(h.resume("0"), Resume::Gap));
        for unknown in [
            "14",
            "",
            "011",
            "+12",
            "12 ",
            "x",
            "99999999999999999999999",
        ] {
            assert!(matches!(h.resume(unknown), Resume::Unknown), "{unknown:?}");
        }
        assert_eq!(
            h.bytes(),
            b"id: 11\ndata: b\n\nid: 12\ndata: c\n\nid: 13\ndata: d\n\n"
        );
    }

    /// The dead prefix left by evictions is reclaimed (memory stays below
    /// twice the held bytes), and not more often than needed (the bytes moved
    /// by compactions never exceed the bytes pushed: pushes stay O(1)
    /// amortised, not O(n)).
    #[test]
    fn compaction_bounds_memory_and_moves_little() {
        for (max_events, max_bytes) in [(10, 1 << 20), (1000, 100), (1, 1 << 20)] {
            let mut h = History::new(HistoryLimits::new(max_events, max_bytes));
            let (mut pushed, mut moved, mut compactions) = (0, 0, 0);
            for i in 0..2000 {
                let data = "x".repeat(i % 7);
                let base = h.base;
                pushed += h.push(EventFrame::new(&data)).unwrap().len();
                assert!(!h.is_empty());
                let held = h.bytes().len();
                assert!(
                    h.buf.len() < 2 * held,
                    "{} bytes kept for {held}",
                    h.buf.len()
                );
                if h.base != base {
                    compactions += 1;
                    moved += h.buf.len();
                    assert_eq!(h.buf.len(), held, "a compaction keeps only the held bytes");
                }
            }
            assert!(compactions > 0);
            assert!(moved <= pushed, "moved {moved} bytes for {pushed} pushed");
        }
    }

    #[test]
    fn limits_len_and_emptiness() {
        let limits = HistoryLimits::new(3, 1000);
        let mut h = History::new(limits);
        assert_eq!(h.limits(), limits);
        assert_eq!((h.len(), h.is_empty()), (0, true));
        h.push(EventFrame::new("a")).unwrap();
        assert_eq!((h.len(), h.is_empty()), (1, false));
        assert_eq!(HistoryLimits::default(), HistoryLimits::new(1024, 1 << 20));
    }

    #[test]
    fn nothing_evicted_resumes_from_the_start() {
        let mut h = History::new(HistoryLimits::default());
        assert!(h.is_empty());
        assert!(matches!(h.resume("1"), Resume::Unknown));
        h.push(EventFrame::new("a")).unwrap();
        assert!(matches!(h.resume("0"), Resume::Gap)); // below the first ID
        assert_eq!(from(&h, "1"), Vec::<String>::new());
    }

    #[test]
    fn byte_limit_keeps_the_newest_even_when_oversized() {
        // "id: N\ndata: xxxx\n\n" is 18 bytes for one-digit IDs.
        let mut h = History::new(HistoryLimits::new(100, 40));
        for _ in 0..3 {
            h.push(EventFrame::new("xxxx")).unwrap();
        }
        assert_eq!(h.len(), 2);
        let big = "y".repeat(100);
        let bytes = h.push(EventFrame::new(&big)).unwrap().to_vec();
        assert_eq!(bytes, format!("id: 4\ndata: {big}\n\n").into_bytes());
        assert_eq!(h.len(), 1);
        assert_eq!(from(&h, "3").len(), 1);
        assert!(matches!(h.resume("2"), Resume::Gap));
        h.push(EventFrame::new("z")).unwrap();
        assert_eq!(from(&h, "4"), ["id: 5\ndata: z\n\n"]);
        assert!(matches!(h.resume("3"), Resume::Gap));
    }

    #[test]
    fn push_errors_add_nothing() {
        let mut h = History::new(HistoryLimits::default());
        assert_eq!(
            h.push(EventFrame::new("a").with_id("1")),
            Err(HistoryError::UnexpectedId)
        );
        assert!(matches!(
            h.push(EventFrame::new("a").with_event_type("\n")),
            Err(HistoryError::Encode(EncodeError::InvalidField { .. }))
        ));
        assert!(h.is_empty() && h.bytes().is_empty());
        assert_eq!(h.next_id(), Some(1));

        let mut h = History::starting_at(HistoryLimits::default(), u64::MAX - 1);
        h.push(EventFrame::new("last")).unwrap();
        assert_eq!(
            h.push(EventFrame::new("x")),
            Err(HistoryError::IdsExhausted)
        );
        assert_eq!(from(&h, "18446744073709551614"), Vec::<String>::new());
    }

    #[test]
    fn caller_ids() {
        let mut h = History::with_caller_ids(HistoryLimits::new(2, 1 << 20));
        assert_eq!(h.next_id(), None);
        assert_eq!(h.push(EventFrame::new("a")), Err(HistoryError::MissingId));
        assert_eq!(
            h.push(EventFrame::new("a").with_id("")),
            Err(HistoryError::MissingId)
        );
        assert!(matches!(
            h.push(EventFrame::new("a").with_id("\0")),
            Err(HistoryError::Encode(_))
        ));
        h.push(EventFrame::new("a").with_id("x")).unwrap();
        assert_eq!(
            h.push(EventFrame::new("b").with_id("x")),
            Err(HistoryError::DuplicateId)
        );
        h.push(EventFrame::new("b").with_id("y")).unwrap();
        h.push(EventFrame::new("c").with_id("z")).unwrap();
        assert!(matches!(h.resume("x"), Resume::Unknown)); // evicted
        assert_eq!(from(&h, "y"), ["id: z\ndata: c\n\n"]);
        // An evicted ID may be used again.
        h.push(EventFrame::new("d").with_id("x")).unwrap();
        assert_eq!(from(&h, "z"), ["id: x\ndata: d\n\n"]);
    }

    #[test]
    fn replay_decodes_to_the_events() {
        let mut h = History::new(HistoryLimits::default());
        h.push(EventFrame::new("one\ntwo").with_event_type("t"))
            .unwrap();
        h.push(EventFrame::new("three")).unwrap();
        let Resume::From(replay) = h.resume("1") else {
            panic!()
        };
        let mut mem = [0; 1024];
        let mut decoder = crate::Decoder::with_buffer(&mut mem);
        let mut feed = decoder.feed(replay.as_bytes());
        let Some(Ok(crate::Item::Event(e))) = feed.next_item() else {
            panic!()
        };
        assert_eq!(
            (e.event_type(), e.data(), e.last_event_id()),
            ("message", "three", "2")
        );
    }

    #[test]
    fn errors_display() {
        use std::string::ToString;
        assert_eq!(
            HistoryError::DuplicateId.to_string(),
            "event id already held"
        );
        // The chain as a report prints it: each layer once.
        let chain = |e: &dyn core::error::Error| {
            let mut out = e.to_string();
            let mut cause = e.source();
            while let Some(e) = cause {
                out = format!("{out}: {e}");
                cause = e.source();
            }
            out
        };
        let e = HistoryError::from(EncodeError::BufferTooSmall { required: 3 });
        assert_eq!(
            chain(&e),
            "event not encodable: buffer too small: 3 bytes required"
        );
        assert_eq!(
            chain(&HistoryError::MissingId),
            "event needs a non-empty id"
        );
        assert_eq!(
            chain(&HistoryError::IdsExhausted),
            "history ids exhausted at 18446744073709551615"
        );
    }

    proptest! {
        /// Against a naive model that keeps every event: whatever the limits and
        /// event sizes, the held window obeys the limits, and every resume gives
        /// exactly the events after the ID, or Gap when one of them is gone.
        #[test]
        fn matches_naive_model(
            max_events in 1usize..6,
            max_bytes in 0usize..120,
            sizes in proptest::collection::vec(0usize..40, 0..40),
            caller in any::<bool>(),
        ) {
            let limits = HistoryLimits::new(max_events, max_bytes);
            let mut h = if caller { History::with_caller_ids(limits) } else { History::new(limits) };
            let mut all: Vec<Vec<u8>> = Vec::new();
            for (i, size) in sizes.iter().enumerate() {
                let data = "d".repeat(*size);
                let id = format!("{}", i + 1);
                let frame = EventFrame::new(&data);
                let frame = if caller { frame.with_id(&id) } else { frame };
                let bytes = h.push(frame).unwrap().to_vec();
                prop_assert_eq!(&bytes, &format!("id: {id}\ndata: {data}\n\n").replace(": \n", ":\n").into_bytes());
                all.push(bytes);
                let held = h.len();
                prop_assert!(held >= 1 && held <= max_events);
                let held_bytes: usize = all[all.len() - held..].iter().map(Vec::len).sum();
                prop_assert_eq!(h.bytes().len(), held_bytes);
                prop_assert!(held == 1 || held_bytes <= max_bytes);
                // Holding one more would have broken a limit.
                if held < all.len() {
                    let more = held_bytes + all[all.len() - held - 1].len();
                    prop_assert!(held + 1 > max_events || more > max_bytes);
                }
                for seen in 0..=all.len() + 1 {
                    let first_held = all.len() - held; // index of the oldest held
                    // `all[i]` has ID `i + 1`; the client saw IDs up to `seen`.
                    let lowest = if caller { first_held + 1 } else { first_held.max(1) };
                    match h.resume(&format!("{seen}")) {
                        Resume::From(r) => {
                            prop_assert!(seen >= lowest && seen <= all.len());
                            prop_assert_eq!(r.len(), all.len() - seen);
                            prop_assert_eq!(r.as_bytes(), all[seen..].concat());
                        }
                        Resume::Gap => prop_assert!(!caller && seen < lowest),
                        Resume::Unknown => {
                            prop_assert!(seen > all.len() || (caller && seen < lowest));
                        }
                    }
                }
            }
        }
    }
}
