//! The incremental event-stream decoder.
//!
//! Bytes go in as they arrive, in any chunking; [`Item`]s come out one per call.
//! The decoder keeps only the unterminated remainder of the stream (the partial
//! line, the event being built, the last event ID), never rescans a kept partial
//! line, and allocates nothing per event: storage grows to the largest event seen
//! and is then reused.
//!
//! Lines are found by classifying the input 64 bytes at a time into a bit mask
//! of its CR and LF bytes (SSE2 on x86_64, word-at-a-time elsewhere), noting on
//! the way which blocks are all ASCII, so that most values need no UTF-8 check
//! (`scan`). A [`decode`](Decoder::decode) call classifies at most one block
//! beyond the item it returns; [`Feed`] keeps its classification from item to
//! item.

mod block;
mod buffer;
#[cfg(feature = "bytes")]
mod bytes;
mod feed;
mod fields;
mod item;
mod line;
mod region;
mod state;
mod step;
// Two attributes: cargo-mutants recognises a plain `cfg(test)` as test code.
#[cfg(test)]
#[cfg(feature = "alloc")]
mod tests;
mod text;
mod utf8;

use core::time::Duration;

use crate::scan::lines::LineEnds;
use crate::{DecodeError, Limits};
use block::Block;
use buffer::full;
use region::Regions;
use state::LineState;
use text::TextBuf;
use utf8::ReadProof;

pub use feed::Feed;
pub use state::StreamEnd;
pub use step::Decoded;

pub use buffer::{FixedBuf, Storage};

/// Counts `n` bytes examined or copied, for the tests that bound the decoder's
/// work by its input (`tests::linear`); nothing outside those tests. Every
/// primitive that touches bytes calls it: the line scanner, the skip-mode
/// search, UTF-8 checks and decoding, the ID NUL check, the event type
/// comparison, and every copy into storage.
#[inline(always)]
pub(crate) fn work(n: usize) {
    #[cfg(all(test, feature = "std"))]
    crate::tests::work::add(n);
    #[cfg(not(all(test, feature = "std")))]
    let _ = n;
}
#[cfg(feature = "bytes")]
pub use bytes::{BytesEvent, BytesFeed, BytesItem, BytesStr};

/// Incremental, resumable, zero-copy decoder for `text/event-stream` bodies.
///
/// Implements the WHATWG HTML "parse an event stream" and "interpret an event
/// stream" algorithms: CRLF, LF and CR line ends (a CRLF split across two reads is
/// one line end), one leading byte-order mark, lossy UTF-8 (U+FFFD), comments
/// surfaced as [`Item::Comment`](crate::Item::Comment), `id` values with NUL ignored, `retry` only when all
/// ASCII digits, the last event ID kept across events and reconnects, and an
/// unterminated final event dropped at [`finish`](Decoder::finish).
///
/// `S` is the storage: `Vec<u8>` ([`Decoder::new`], feature `alloc`) or caller memory
/// ([`Decoder::with_buffer`], no heap).
///
/// # Decoding
///
/// Hand each read to [`feed`](Decoder::feed) and drain the items with
/// `while let Some(item) = feed.next_item()`: that is the usual way, and the
/// hardest to get wrong. `feed_bytes` (feature `bytes`) is the same loop over a
/// `Bytes` chunk, with owned items that share its memory. [`decode`](Decoder::decode)
/// is the single step under both, for callers that keep the input offsets
/// themselves.
///
/// # Examples
///
/// ```
/// use sse_proto::{Decoder, Item};
///
/// let mut mem = [0u8; 1024];
/// let mut decoder = Decoder::with_buffer(&mut mem);
/// let mut seen = Vec::new();
/// // A CRLF split across two reads, and an event split across them too.
/// for read in [&b"event: greet\r\ndata: hel"[..], b"lo\r", b"\n\r\n"] {
///     let mut feed = decoder.feed(read);
///     while let Some(item) = feed.next_item() {
///         if let Item::Event(e) = item.expect("within limits") {
///             seen.push((e.event_type().to_string(), e.data().to_string()));
///         }
///     }
/// }
/// assert_eq!(seen, [("greet".to_string(), "hello".to_string())]);
/// ```
#[derive(Debug)]
pub struct Decoder<S: Storage> {
    /// The event's data, the partial line, then scratch space for the text of
    /// the item returned last (valid until the next call).
    main: Regions<S>,
    /// The connection's last event ID (what a reconnect sends).
    id: TextBuf<S>,
    /// The event block being read: its type, ID and what its data is known to be.
    block: Block<S>,
    /// Where the decoder stands in the stream's lines.
    line: LineState,
    limits: Limits,
    /// Comments come out as items (else they are passed over).
    comments: bool,
    retry: Option<Duration>,
    #[cfg(feature = "bytes")]
    bytes_cache: bytes::Cache,
}

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
impl Decoder<alloc::vec::Vec<u8>> {
    /// A decoder on growable storage with the default [`Limits`]. Its buffers grow
    /// to the largest line and event seen (within the limits) and are then reused,
    /// so decoding allocates nothing per event in steady state.
    pub fn new() -> Self {
        Decoder::with_storage(
            alloc::vec::Vec::new(),
            alloc::vec::Vec::new(),
            alloc::vec::Vec::new(),
            alloc::vec::Vec::new(),
        )
    }
}

#[cfg(feature = "alloc")]
impl Default for Decoder<alloc::vec::Vec<u8>> {
    fn default() -> Self {
        Decoder::new()
    }
}

impl<'b> Decoder<FixedBuf<'b>> {
    /// A decoder that stores everything in `buf` and never allocates.
    ///
    /// An eighth of `buf` each holds the event type, the last event ID, and the ID
    /// being read; the remaining five eighths hold the event's data and the partial
    /// line. A value that does not fit is a [`DecodeError::BufferFull`], after which
    /// the event is skipped like any over-limit event. The [`Limits`] apply as well.
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::{Decoder, Item};
    ///
    /// let mut mem = [0u8; 1024];
    /// let mut decoder = Decoder::with_buffer(&mut mem);
    /// let step = decoder.decode(b"data: no heap\n\n").unwrap();
    /// let Some(Item::Event(event)) = step.item else { panic!() };
    /// assert_eq!(event.data(), "no heap");
    /// ```
    pub fn with_buffer(buf: &'b mut [u8]) -> Self {
        let eighth = buf.len() / 8;
        let (ty, rest) = buf.split_at_mut(eighth);
        let (id, rest) = rest.split_at_mut(eighth);
        let (id_pending, main) = rest.split_at_mut(eighth);
        Decoder::with_storage(
            FixedBuf::new(main),
            FixedBuf::new(ty),
            FixedBuf::new(id),
            FixedBuf::new(id_pending),
        )
    }
}

impl<S: Storage> Decoder<S> {
    fn with_storage(main: S, ty: S, id: S, id_pending: S) -> Self {
        Decoder {
            main: Regions::new(main),
            id: TextBuf::new(id),
            block: Block::new(ty, id_pending),
            line: LineState::Start { first: true },
            limits: Limits::new(),
            comments: true,
            retry: None,
            #[cfg(feature = "bytes")]
            bytes_cache: bytes::Cache::default(),
        }
    }

    /// Replaces the [`Limits`] (builder style).
    ///
    /// ```
    /// use sse_proto::{Decoder, Limits};
    ///
    /// let mut limits = Limits::default();
    /// limits.max_line_len = 1 << 20;
    /// let mut mem = [0u8; 4096];
    /// let decoder = Decoder::with_buffer(&mut mem).with_limits(limits);
    /// assert_eq!(decoder.limits().max_line_len, 1 << 20);
    /// ```
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The [`Limits`] in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether comment lines come out as [`Item::Comment`](crate::Item::Comment) (`true`, the default)
    /// or are passed over like unknown fields, as browsers' `EventSource` does
    /// (builder style). Passing over saves a step per comment, which counts on
    /// streams of frequent keepalives when nothing reads them.
    ///
    /// ```
    /// use sse_proto::{Decoder, Item};
    ///
    /// let mut mem = [0u8; 1024];
    /// let mut decoder = Decoder::with_buffer(&mut mem).with_comments(false);
    /// let mut feed = decoder.feed(b": keepalive\n\ndata: x\n\n");
    /// let Some(Ok(Item::Event(e))) = feed.next_item() else { panic!() };
    /// assert_eq!(e.data(), "x");
    /// assert!(feed.next_item().is_none());
    /// ```
    pub fn with_comments(mut self, surface: bool) -> Self {
        self.comments = surface;
        self
    }

    /// The connection's last event ID: the ID of the last dispatched block that
    /// set one (even a block without data), the seeded one, or `""`. This is what a
    /// client sends as `Last-Event-ID` when it reconnects.
    pub fn last_event_id(&self) -> &str {
        self.id.as_str()
    }

    /// Seeds the last event ID, for a client resuming after a restart.
    ///
    /// # Errors
    ///
    /// [`DecodeError::BufferFull`] when a [`Decoder::with_buffer`] decoder's ID
    /// storage is too small; the ID is then left unchanged.
    ///
    /// ```
    /// use sse_proto::Decoder;
    ///
    /// let mut mem = [0u8; 4096];
    /// let mut decoder = Decoder::with_buffer(&mut mem);
    /// decoder.set_last_event_id("41").unwrap();
    /// let step = decoder.decode(b"data: x\n\n").unwrap();
    /// let Some(sse_proto::Item::Event(e)) = step.item else { panic!() };
    /// assert_eq!(e.last_event_id(), "41");
    /// ```
    pub fn set_last_event_id(&mut self, id: &str) -> Result<(), DecodeError> {
        self.block.seed_id(&mut self.id, id).map_err(full)
    }

    /// The reconnection time from the last valid `retry` field, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Decodes `input`, a read as it came off the connection, item by item: the
    /// usual way to decode.
    ///
    /// Drain the returned [`Feed`] with `while let Some(item) = feed.next_item()`,
    /// then go on with the next read; partial lines and events are kept in the
    /// decoder between reads, whatever the chunking. Each item borrows `input` or
    /// the decoder until the next call: an event whose single `data` line lies
    /// wholly inside `input` is not copied; others borrow the decoder's reused
    /// buffer.
    ///
    /// An over-limit event comes out as `Some(Err(_))` (see [`decode`](Decoder::decode)
    /// for when); the next call goes on after that event.
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::{Decoder, Item};
    ///
    /// let mut mem = [0u8; 4096];
    /// let mut decoder = Decoder::with_buffer(&mut mem);
    /// let mut feed = decoder.feed(b": hi\ndata: a\n\ndata: b\n\n");
    /// let mut out = Vec::new();
    /// while let Some(item) = feed.next_item() {
    ///     match item? {
    ///         Item::Event(e) => out.push(e.data().to_string()),
    ///         Item::Comment(c) => out.push(format!("comment {c:?}")),
    ///         _ => {} // Item::Retry, and kinds added later
    ///     }
    /// }
    /// assert_eq!(out, ["comment \" hi\"", "a", "b"]);
    /// # Ok::<(), sse_proto::DecodeError>(())
    /// ```
    pub fn feed<'d, 'i>(&'d mut self, input: &'i [u8]) -> Feed<'d, 'i, S> {
        Feed::new(self, input)
    }

    /// One decoding step: from `input` up to the next item. The low-level form
    /// of [`feed`](Decoder::feed), which is the usual way (and a little faster: it
    /// keeps the line scanner's work from item to item, where each step starts
    /// the scan afresh).
    ///
    /// Call it in a loop, advancing `input` by [`Decoded::consumed`] each time, until
    /// `input` is empty; then wait for the next read. The returned item borrows the
    /// input or the decoder, until the next call.
    ///
    /// An event whose single `data` line lies wholly inside `input` borrows `input`
    /// without a copy; others borrow the decoder's reused buffer.
    ///
    /// ```
    /// use sse_proto::{Decoder, Item};
    ///
    /// let mut mem = [0u8; 1024];
    /// let mut decoder = Decoder::with_buffer(&mut mem);
    /// let mut input = &b"retry: 5\ndata: x\n\n"[..];
    /// let step = decoder.decode(input)?;
    /// assert_eq!((step.consumed, step.item), (9, Some(Item::Retry(core::time::Duration::from_millis(5)))));
    /// input = &input[step.consumed..];
    /// let step = decoder.decode(input)?;
    /// assert!(matches!(step.item, Some(Item::Event(e)) if e.data() == "x"));
    /// assert_eq!(step.consumed, input.len());
    /// # Ok::<(), sse_proto::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] when a [`Limits`] value (or a fixed buffer) is exceeded. An
    /// `Err` consumes nothing: call again with the same input, and the decoder skips
    /// the rest of the offending event (through the next empty line) and goes on.
    /// The error always comes before any byte past the point where the limit was
    /// crossed is consumed, so it is reported at the same stream offset whatever the
    /// chunking. Incomplete input is never an error.
    ///
    /// # Panics
    ///
    /// Never.
    #[inline]
    pub fn decode<'a>(&'a mut self, input: &'a [u8]) -> Result<Decoded<'a>, DecodeError> {
        let step = self.step(&mut LineEnds::new(input, 0), &mut ReadProof::none(), 0)?;
        Ok(Decoded {
            consumed: step.end,
            item: step.found.map(|found| self.view(input, found)),
        })
    }

    /// Ends the body: discards an unterminated event (the standard drops it), resets
    /// the line state for the next body like [`reset`](Decoder::reset), and says
    /// whether anything was discarded.
    ///
    /// ```
    /// use sse_proto::{Decoder, StreamEnd};
    ///
    /// let mut mem = [0u8; 4096];
    /// let mut decoder = Decoder::with_buffer(&mut mem);
    /// let mut feed = decoder.feed(b"data: cut off\n");
    /// assert!(feed.next_item().is_none());
    /// assert_eq!(decoder.finish(), StreamEnd::Truncated);
    /// assert_eq!(decoder.finish(), StreamEnd::Clean);
    /// ```
    #[must_use = "`Truncated` means an event was lost; call `reset` to discard without asking"]
    pub fn finish(&mut self) -> StreamEnd {
        let truncated = self.block.is_open()
            || !matches!(self.line, LineState::Start { .. } | LineState::AfterCr);
        self.reset();
        if truncated {
            StreamEnd::Truncated
        } else {
            StreamEnd::Clean
        }
    }

    /// Prepares for a new body (a reconnect): drops the partial line and event and
    /// any pending error, allows a new BOM, and keeps the last event ID and the
    /// reconnection time, as the standard requires.
    pub fn reset(&mut self) {
        self.discard_block();
        self.line = LineState::Start { first: true };
    }
}
