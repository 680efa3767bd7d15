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

mod buffer;
#[cfg(feature = "bytes")]
mod bytes;
mod fields;
// Two attributes: cargo-mutants recognises a plain `cfg(test)` as test code.
#[cfg(test)]
#[cfg(feature = "alloc")]
mod tests;
pub(crate) mod text;

use core::mem;
use core::ops::Range;
use core::time::Duration;

use crate::scan::lines::LineEnds;
use crate::{DecodeError, Event, Item, Limits};
use fields::Line;
use text::ReadProof;

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

/// The result of one [`Decoder::decode`] step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "advance the input by `consumed`, and take the `item`: both are lost otherwise"]
pub struct Decoded<'a> {
    /// How many bytes of the input this step used. Advance the input by this many
    /// before the next call; they are never needed again.
    pub consumed: usize,
    /// The item the step ended on, or `None` when the input ran out first (the
    /// decoder kept what it needs of a partial line or event).
    pub item: Option<Item<'a>>,
}

/// How an event stream's body ended, from [`Decoder::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamEnd {
    /// The body ended between events: nothing was lost.
    Clean,
    /// The body ended inside an event (or inside a line): that unterminated event
    /// was discarded, as the standard requires. A sign of a cut connection.
    Truncated,
}

/// Skipping the rest of an event after a [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Discarding bytes up to and including the next empty line. `mid_line`: bytes
    /// of the current line were already seen, so its end is not an empty line.
    Skip {
        mid_line: bool,
    },
}

/// Where the text of a found item lies; resolved into `&str` by [`Decoder::view`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Loc {
    /// In the caller's input of this step.
    Input(Range<usize>),
    /// In the decoder's `main` storage.
    Main(Range<usize>),
}

/// An item found by [`Decoder::step`], before its text is borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    /// An event: data at `data`, type in `ty` when `typed` (else empty), ID in `id`.
    Event {
        data: Loc,
        typed: bool,
    },
    Comment(Loc),
    Retry(Duration),
}

/// Where a step stopped (an offset in its input) and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    end: usize,
    found: Option<Found>,
}

/// Where a complete line lies, for [`Decoder::handle_line`].
#[derive(Debug, Clone, Copy)]
struct LineAt {
    /// Offset of the line's content (after a BOM) in `main` or the input.
    base: usize,
    /// In `main` (a completed partial line) rather than in the input.
    stored: bool,
    /// Input offset where the line (or its part in this input) starts.
    line_start: usize,
    /// Input offset of its line end.
    eol: usize,
    /// Input offset after its line end.
    next: usize,
    /// The line is known to be ASCII (so valid UTF-8 without a check).
    ascii: bool,
}

/// Incremental, resumable, zero-copy decoder for `text/event-stream` bodies.
///
/// Implements the WHATWG HTML "parse an event stream" and "interpret an event
/// stream" algorithms: CRLF, LF and CR line ends (a CRLF split across two reads is
/// one line end), one leading byte-order mark, lossy UTF-8 (U+FFFD), comments
/// surfaced as [`Item::Comment`], `id` values with NUL ignored, `retry` only when all
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
    /// The data buffer (`data_len` bytes: each data value plus LF), then the
    /// partial line (`line_len` bytes), then scratch space for the text of the item
    /// returned last (valid until the next call).
    main: S,
    /// The event type buffer.
    ty: S,
    /// The connection's last event ID (what a reconnect sends).
    id: S,
    /// The last event ID buffer, when an `id` field was read since the last
    /// dispatch (`id_set`); otherwise it equals `id` and this storage is stale.
    id_pending: S,
    limits: Limits,
    /// Comments come out as items (else they are passed over).
    comments: bool,
    data_len: usize,
    line_len: usize,
    /// The partial line is a `data` line whose `data:` prefix (this many bytes)
    /// was not stored: its value goes straight after the data buffer, so a long
    /// value spanning many reads is copied once. Only for growable storage.
    line_prefix: usize,
    /// The partial line is known to be ASCII.
    line_ascii: bool,
    retry: Option<Duration>,
    mode: Mode,
    pending_error: Option<DecodeError>,
    /// The previous line ended with CR: an LF right after it is part of that end.
    after_cr: bool,
    /// No line has been completed on this body yet: a BOM may lead.
    at_start: bool,
    id_set: bool,
    /// A `data`, `event` or `id` field was read since the last dispatch.
    in_block: bool,
    /// All the data of the block being read is known to be ASCII.
    data_ascii: bool,
    /// `ty` holds the event type of the block being read. When false the type is
    /// empty, and `ty` keeps the last value only so that a repeated type (the
    /// common case) is recognised without validating and copying it again.
    ty_set: bool,
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
            main,
            ty,
            id,
            id_pending,
            limits: Limits::new(),
            comments: true,
            data_len: 0,
            line_len: 0,
            line_prefix: 0,
            line_ascii: false,
            retry: None,
            mode: Mode::Normal,
            pending_error: None,
            after_cr: false,
            at_start: true,
            id_set: false,
            in_block: false,
            data_ascii: false,
            ty_set: false,
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

    /// Whether comment lines come out as [`Item::Comment`] (`true`, the default)
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
        // SAFETY: `id` is only written by `push_text` after `truncate(0)` (a lossy
        // decoding, or bytes the line scanner classified as ASCII), by
        // `set_last_event_id` from a `&str`, or swapped with `id_pending`, which is
        // written the same way; each write appends whole valid UTF-8 strings.
        unsafe { text::assume_utf8(self.id.bytes()) }
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
        self.id_pending.truncate(0);
        self.id_pending.try_extend(id.as_bytes()).map_err(full)?;
        mem::swap(&mut self.id, &mut self.id_pending);
        self.id_set = false;
        Ok(())
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
        Feed {
            decoder: self,
            cursor: Cursor::new(input),
        }
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
        let truncated =
            self.has_partial_line() || self.in_block || matches!(self.mode, Mode::Skip { .. });
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
        self.mode = Mode::Normal;
        self.pending_error = None;
        self.after_cr = false;
        self.at_start = true;
    }

    /// Forgets the event being built and the partial line.
    fn discard_block(&mut self) {
        self.main.truncate(0);
        self.ty_set = false;
        self.data_len = 0;
        self.line_len = 0;
        self.line_prefix = 0;
        self.line_ascii = false;
        self.id_set = false;
        self.in_block = false;
    }

    /// Whether part of a line is kept from earlier input.
    fn has_partial_line(&self) -> bool {
        self.line_len > 0 || self.line_prefix > 0
    }

    /// The room left in `main` for the partial line: all of it for growable
    /// storage, what follows the data (including data still borrowed from the
    /// input) for fixed storage.
    fn line_room(&self, data_in: &Option<Range<usize>>) -> usize {
        let pending = data_in.as_ref().map_or(0, |r| r.len() + 1);
        self.main.capacity().saturating_sub(self.data_len + pending)
    }

    /// The line at `pos` crossed a limit: report it at the first byte past the
    /// limit, and skip the rest of the event. `stores`: the line was to be kept in
    /// `main` (a partial line), so the room there limits it too.
    #[cold]
    fn line_limit_error(
        &mut self,
        pos: usize,
        stores: bool,
        data_in: &Option<Range<usize>>,
    ) -> Result<Step, DecodeError> {
        let max_line = self.limits.max_line_len;
        let room = if stores {
            self.line_room(data_in)
        } else {
            usize::MAX
        };
        let (error, allowed) = if max_line <= room {
            (DecodeError::LineTooLong { limit: max_line }, max_line)
        } else {
            let capacity = self.main.capacity();
            (DecodeError::BufferFull { capacity }, room)
        };
        let at = pos + allowed.saturating_sub(self.line_prefix + self.line_len);
        self.fail(
            error,
            at,
            Mode::Skip {
                mid_line: allowed > 0,
            },
        )
    }

    /// Enters skip mode after an error found at `at`, before consuming byte `at`:
    /// the step ends there, and [`step`](Decoder::step) reports the error.
    fn fail(&mut self, error: DecodeError, at: usize, mode: Mode) -> Result<Step, DecodeError> {
        self.discard_block();
        self.mode = mode;
        self.after_cr = false;
        self.at_start = false;
        self.pending_error = Some(error);
        Ok(Step {
            end: at,
            found: None,
        })
    }

    /// Copies a data value still borrowed from the input into `main`.
    fn materialize(&mut self, input: &[u8], data_in: &mut Option<Range<usize>>) {
        if let Some(r) = data_in.take() {
            debug_assert!(self.data_len == 0 && self.main.bytes().is_empty());
            let kept = self.main.try_extend_line(&input[r.clone()]).is_ok();
            debug_assert!(kept, "room checked when the data line was read");
            self.data_len = r.len() + 1;
        }
    }

    /// The decoding step behind [`decode`](Decoder::decode), from offset `start`
    /// of the scanner's input: item positions instead of borrowed text, so that
    /// callers can loop without holding a borrow. An error found after `start`
    /// ends the step before it and is returned by the next one, so an `Err`
    /// always consumes nothing.
    #[inline]
    fn step(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Result<Step, DecodeError> {
        if let Some(e) = self.pending_error.take() {
            return Err(e);
        }
        let step = self.scan_step(lines, proof, start)?;
        if step.end == start && step.found.is_none() {
            if let Some(e) = self.pending_error.take() {
                return Err(e);
            }
        }
        // Progress: a caller's loop (`Feed`, a `decode` loop) ends because every
        // step with input moves on.
        debug_assert!(
            step.end > start || start >= lines.input().len(),
            "a step made no progress"
        );
        Ok(step)
    }

    /// One step of [`step`](Decoder::step): lines from `start` up to an item, an
    /// error, or the end of the input.
    ///
    /// State carried between steps is dealt with on entry (an LF owed to a CR,
    /// skip mode, a partial line); the loop after that sees only complete lines
    /// lying in the input.
    fn scan_step(
        &mut self,
        lines: &mut LineEnds<'_>,
        proof: &mut ReadProof,
        start: usize,
    ) -> Result<Step, DecodeError> {
        let input = lines.input();
        // Drop the scratch text of the item returned last.
        self.main.truncate(self.data_len + self.line_len);

        let mut pos = start;
        if self.after_cr {
            self.after_cr = false;
            if input.get(start) == Some(&b'\n') {
                pos += 1;
            }
        }
        if let Mode::Skip { .. } = self.mode {
            pos = self.skip(input, pos);
            if self.mode != Mode::Normal {
                return Ok(Step {
                    end: pos,
                    found: None,
                });
            }
        }
        // A single data value that lies in `input`: borrowed, copied only if the
        // step ends before the event does.
        let mut data_in: Option<Range<usize>> = None;

        if self.has_partial_line() && pos < input.len() {
            // Complete (or extend) the partial line kept in `main`.
            let rest = &input[pos..];
            let found_end = lines.find(pos).map(|eol| eol - pos);
            let seg = found_end.unwrap_or(rest.len());
            self.line_ascii = self.line_ascii && lines.is_ascii_from(pos);
            let limit = self.limits.max_line_len.min(self.line_room(&data_in));
            let seen = self.line_prefix + self.line_len;
            if seen.saturating_add(seg) > limit {
                return self.line_limit_error(pos, true, &data_in);
            }
            let kept = self.main.try_extend(&rest[..seg]).is_ok();
            debug_assert!(kept, "room checked above");
            let Some(i) = found_end else {
                self.line_len += seg;
                return Ok(Step {
                    end: input.len(),
                    found: None,
                });
            };
            let (line_start, eol) = (pos, pos + i);
            pos = self.after_line_end(input, eol);
            let base = self.data_len;
            let bom = fields::take_bom(&mut self.at_start, &self.main.bytes()[base..]);
            let parsed = if self.line_prefix > 0 {
                // A data value, already in place.
                Line::Data(0..self.main.bytes().len() - base)
            } else {
                fields::parse_line(&self.main.bytes()[base + bom..])
            };
            self.line_len = 0;
            self.line_prefix = 0;
            let at = LineAt {
                base: base + bom,
                stored: true,
                line_start,
                eol,
                next: pos,
                ascii: self.line_ascii,
            };
            if let Some(out) = self.handle_line(proof, parsed, at, input, &mut data_in) {
                return out;
            }
        }

        while pos < input.len() {
            let rest = &input[pos..];
            let Some(eol) = lines.find(pos) else {
                // A partial line: keep it, after moving borrowed data out of the way
                // (the partial line follows the data in `main`).
                let limit = self.limits.max_line_len.min(self.line_room(&data_in));
                if rest.len() > limit {
                    return self.line_limit_error(pos, true, &data_in);
                }
                self.materialize(input, &mut data_in);
                let prefix = if self.main.capacity() == usize::MAX && !self.at_start {
                    fields::data_prefix_len(rest)
                } else {
                    0
                };
                let kept = self.main.try_extend(&rest[prefix..]).is_ok();
                debug_assert!(kept, "room checked above");
                self.line_len = rest.len() - prefix;
                self.line_prefix = prefix;
                self.line_ascii = lines.is_ascii_from(pos);
                pos = input.len();
                break;
            };
            if eol - pos > self.limits.max_line_len {
                return self.line_limit_error(pos, false, &data_in);
            }
            let line_start = pos;
            pos = self.after_line_end(input, eol);
            let bom = fields::take_bom(&mut self.at_start, &input[line_start..eol]);
            let parsed = fields::parse_line(&input[line_start + bom..eol]);
            let at = LineAt {
                base: line_start + bom,
                stored: false,
                line_start,
                eol,
                next: pos,
                ascii: lines.is_ascii_from(line_start),
            };
            if let Some(out) = self.handle_line(proof, parsed, at, input, &mut data_in) {
                return out;
            }
        }
        self.materialize(input, &mut data_in);
        Ok(Step {
            end: pos,
            found: None,
        })
    }

    /// Where the line after a line end at `eol` starts. A CR's LF is taken along
    /// when it is in `input`; a CR at the very end is remembered in `after_cr`.
    #[inline]
    fn after_line_end(&mut self, input: &[u8], eol: usize) -> usize {
        if input[eol] != b'\r' {
            return eol + 1;
        }
        match input.get(eol + 1) {
            Some(b'\n') => eol + 2,
            Some(_) => eol + 1,
            None => {
                self.after_cr = true;
                eol + 1
            }
        }
    }

    /// Skip mode: discards lines from `pos` through the next empty line, or to the
    /// end of `input`. Returns where it stopped.
    #[cold]
    fn skip(&mut self, input: &[u8], mut pos: usize) -> usize {
        while let Mode::Skip { mid_line } = self.mode {
            let rest = &input[pos..];
            let found = crate::scan::find_line_end(rest);
            work(found.map_or(rest.len(), |i| i + 1));
            let Some(i) = found else {
                if !rest.is_empty() {
                    self.mode = Mode::Skip { mid_line: true };
                }
                return input.len();
            };
            pos = self.after_line_end(input, pos + i);
            self.mode = if i == 0 && !mid_line {
                Mode::Normal
            } else {
                Mode::Skip { mid_line: false }
            };
        }
        pos
    }

    /// Acts on one complete, classified line. `None`: go on with the next line;
    /// otherwise the step ends with this result.
    #[inline(always)]
    fn handle_line(
        &mut self,
        proof: &mut ReadProof,
        parsed: Line,
        at: LineAt,
        input: &[u8],
        data_in: &mut Option<Range<usize>>,
    ) -> Option<Result<Step, DecodeError>> {
        let LineAt {
            base,
            stored,
            line_start,
            eol,
            next: pos,
            ascii,
        } = at;
        match parsed {
            Line::Empty => {
                self.main.truncate(self.data_len);
                match self.dispatch(proof, input, data_in) {
                    Ok(None) => None,
                    Ok(Some(found)) => Some(Ok(Step {
                        end: pos,
                        found: Some(found),
                    })),
                    // Fail before the empty line, so skip mode ends right on it.
                    Err(error) => {
                        Some(self.fail(error, line_start, Mode::Skip { mid_line: false }))
                    }
                }
            }
            Line::Comment(_) if !self.comments => {
                self.main.truncate(self.data_len);
                None
            }
            Line::Comment(r) => {
                let r = base + r.start..base + r.end;
                let loc = if stored {
                    self.text_in_main(r, ascii)
                } else {
                    self.materialize(input, data_in);
                    self.text_in_input(proof, input, r, ascii)
                };
                Some(match loc {
                    Ok(loc) => Ok(Step {
                        end: pos,
                        found: Some(Found::Comment(loc)),
                    }),
                    Err(error) => self.fail(error, eol, Mode::Skip { mid_line: true }),
                })
            }
            Line::Data(r) => {
                let r = base + r.start..base + r.end;
                self.in_block = true;
                let buffered = self.data_len + data_in.as_ref().map_or(0, |d| d.len() + 1);
                let new_len = buffered.saturating_add(r.len() + 1);
                if new_len > self.limits.max_event_len {
                    let limit = self.limits.max_event_len;
                    let error = DecodeError::EventTooLarge { limit };
                    return Some(self.fail(error, eol, Mode::Skip { mid_line: true }));
                }
                if new_len > self.main.capacity() {
                    let capacity = self.main.capacity();
                    let error = DecodeError::BufferFull { capacity };
                    return Some(self.fail(error, eol, Mode::Skip { mid_line: true }));
                }
                self.data_ascii = ascii && (buffered == 0 || self.data_ascii);
                if stored {
                    // The value sits right after the data buffer (or already at
                    // its place): slide it down.
                    let len = r.len();
                    if r.start != self.data_len {
                        work(len);
                        self.main.bytes_mut().copy_within(r, self.data_len);
                    }
                    self.main.truncate(self.data_len + len);
                    // The line held at least `data` (4 bytes) more than its value.
                    let kept = self.main.try_extend(b"\n").is_ok();
                    debug_assert!(kept, "a stored line frees room for its LF");
                } else if self.data_len == 0 && data_in.is_none() {
                    *data_in = Some(r);
                } else {
                    self.materialize(input, data_in);
                    let kept = self.main.try_extend_line(&input[r]).is_ok();
                    debug_assert!(kept, "room checked above (new_len)");
                }
                if data_in.is_none() {
                    self.data_len = new_len;
                }
                None
            }
            Line::Event(r) => {
                self.in_block = true;
                let r = base + r.start..base + r.end;
                let value = if stored {
                    &self.main.bytes()[r]
                } else {
                    &input[r]
                };
                // `ty` is valid UTF-8, so equal bytes need no check or copy.
                work(value.len());
                let result = if self.ty.bytes() == value {
                    Ok(())
                } else {
                    self.ty.truncate(0);
                    text::push_text(&mut self.ty, value, ascii)
                };
                self.ty_set = true;
                self.main.truncate(self.data_len);
                match result {
                    Ok(()) => None,
                    Err(f) => Some(self.fail(full(f), eol, Mode::Skip { mid_line: true })),
                }
            }
            Line::Id(r) => {
                self.in_block = true;
                let r = base + r.start..base + r.end;
                let value = if stored {
                    &self.main.bytes()[r]
                } else {
                    &input[r]
                };
                // An ID with NUL is ignored (it could not be sent back in a header).
                let result = if !fields::has_nul(value) {
                    self.id_pending.truncate(0);
                    self.id_set = true;
                    text::push_text(&mut self.id_pending, value, ascii)
                } else {
                    Ok(())
                };
                self.main.truncate(self.data_len);
                match result {
                    Ok(()) => None,
                    Err(f) => Some(self.fail(full(f), eol, Mode::Skip { mid_line: true })),
                }
            }
            Line::Retry(r) => {
                let r = base + r.start..base + r.end;
                let value = if stored {
                    &self.main.bytes()[r]
                } else {
                    &input[r]
                };
                let retry = fields::parse_retry(value);
                self.main.truncate(self.data_len);
                let d = retry?;
                self.retry = Some(d);
                self.materialize(input, data_in);
                Some(Ok(Step {
                    end: pos,
                    found: Some(Found::Retry(d)),
                }))
            }
            Line::Other => {
                self.main.truncate(self.data_len);
                None
            }
        }
    }

    /// The empty line: commit the last event ID, then deliver the event if it has
    /// data.
    ///
    /// # Errors
    ///
    /// Only a fixed buffer too small for the U+FFFD expansion of invalid data.
    #[inline(always)]
    fn dispatch(
        &mut self,
        proof: &mut ReadProof,
        input: &[u8],
        data_in: &mut Option<Range<usize>>,
    ) -> Result<Option<Found>, DecodeError> {
        self.in_block = false;
        if self.id_set {
            mem::swap(&mut self.id, &mut self.id_pending);
            self.id_set = false;
        }
        let loc = match data_in.take() {
            Some(r) => self.text_in_input(proof, input, r, self.data_ascii),
            None if self.data_len > 0 => {
                let end = self.data_len - 1; // without the final LF
                self.data_len = 0;
                self.text_in_main(0..end, self.data_ascii)
            }
            None => {
                self.ty_set = false;
                return Ok(None);
            }
        };
        let data = loc?;
        // The next block starts without a type; `ty` keeps its bytes (valid until
        // the next step) for this event and for recognising a repeat.
        let typed = mem::replace(&mut self.ty_set, false);
        Ok(Some(Found::Event { data, typed }))
    }

    /// The bytes of a dispatched event's type: `ty`, or empty when untyped.
    fn event_type(&self, typed: bool) -> &[u8] {
        if typed {
            self.ty.bytes()
        } else {
            &[]
        }
    }

    /// `input[r]` as text: borrowed when valid UTF-8 (`ascii`: known to be; or
    /// proven by a pass over the read, or checked now), else a lossy copy in
    /// `main`. `r` starts after a field name or at a line start, and ends at a
    /// line end (see [`ReadProof::covers`]).
    #[inline]
    fn text_in_input(
        &mut self,
        proof: &mut ReadProof,
        input: &[u8],
        r: Range<usize>,
        ascii: bool,
    ) -> Result<Loc, DecodeError> {
        let bytes = &input[r.clone()];
        if ascii || proof.covers(input, r.start, r.end) || text::is_valid(bytes) {
            return Ok(Loc::Input(r));
        }
        let start = self.main.bytes().len();
        text::push_lossy(&mut self.main, bytes).map_err(full)?;
        Ok(Loc::Main(start..self.main.bytes().len()))
    }

    /// `main[r]` as text: in place when valid UTF-8 (`ascii`: known to be), else
    /// a lossy copy after it.
    #[inline]
    fn text_in_main(&mut self, r: Range<usize>, ascii: bool) -> Result<Loc, DecodeError> {
        if ascii || text::is_valid(&self.main.bytes()[r.clone()]) {
            return Ok(Loc::Main(r));
        }
        let start = self.main.bytes().len();
        text::push_lossy_within(&mut self.main, r).map_err(full)?;
        Ok(Loc::Main(start..self.main.bytes().len()))
    }

    /// Borrows the text of an item found by [`step`](Decoder::step) on `input`.
    fn view<'a>(&'a self, input: &'a [u8], found: Found) -> Item<'a> {
        let text = |loc: Loc| {
            let bytes = match loc {
                Loc::Input(r) => &input[r],
                Loc::Main(r) => &self.main.bytes()[r],
            };
            // SAFETY: every `Loc` comes from `text_in_input` / `text_in_main`, which
            // return a range only after `from_utf8` accepted exactly those bytes,
            // after the line scanner classified every one of them as ASCII
            // (`scan::lines::LineEnds::is_ascii_from`, tested against a byte-by-byte
            // classification) or proved valid by one pass over the read
            // (`text::ReadProof::covers`, in `text_in_input`) in the input or before they were copied into `main`
            // (`data_ascii`, `line_ascii`), or after `push_lossy*` wrote valid
            // UTF-8 there;
            // nothing writes to `input` or `main` between `step` and `view`.
            unsafe { text::assume_utf8(bytes) }
        };
        match found {
            Found::Event { data, typed } => Item::Event(Event::new(
                // SAFETY: `ty` is only written by `push_text` after `truncate(0)`,
                // which appends whole valid UTF-8 strings (see `last_event_id`).
                unsafe { text::assume_utf8(self.event_type(typed)) },
                text(data),
                self.last_event_id(),
            )),
            Found::Comment(loc) => Item::Comment(text(loc)),
            Found::Retry(d) => Item::Retry(d),
        }
    }
}

/// A fixed buffer overflowed.
fn full(f: buffer::sealed::Full) -> DecodeError {
    DecodeError::BufferFull {
        capacity: f.capacity,
    }
}

/// Decodes one input item by item; made by [`Decoder::feed`].
///
/// A lending iterator: each item borrows the feed until the next call, so it is
/// used with `while let`, not `for`. Input not drained is not decoded: drain the
/// feed, or keep [`remaining`](Feed::remaining) for later.
///
/// It keeps the line scanner's state from item to item, so no byte of the input
/// is classified twice.
#[derive(Debug)]
#[must_use = "a feed decodes nothing until `next_item` is called"]
pub struct Feed<'d, 'i, S: Storage> {
    decoder: &'d mut Decoder<S>,
    cursor: Cursor<'i>,
}

impl<S: Storage> Feed<'_, '_, S> {
    /// The next item, `None` once the input is used up, or the error of an
    /// over-limit event (the next call goes on after that event).
    ///
    /// # Errors
    ///
    /// `Some(Err(_))` as [`Decoder::decode`] gives it; call again to go on.
    #[inline]
    #[must_use = "an item dropped unread is lost: the decoder has moved past it"]
    pub fn next_item(&mut self) -> Option<Result<Item<'_>, DecodeError>> {
        let input = self.cursor.lines.input();
        let found = self.cursor.next_found(self.decoder)?;
        Some(found.map(|found| self.decoder.view(input, found)))
    }

    /// The bytes of the input not yet decoded.
    pub fn remaining(&self) -> &[u8] {
        self.cursor.remaining()
    }
}

/// Where a feed stands in its input: the line scanner, kept from item to item,
/// and the offset of the first byte not yet decoded.
#[derive(Debug)]
struct Cursor<'i> {
    lines: LineEnds<'i>,
    /// Non-ASCII text proven valid a whole read at a time.
    proof: ReadProof,
    pos: usize,
}

impl<'i> Cursor<'i> {
    fn new(input: &'i [u8]) -> Self {
        Cursor {
            lines: LineEnds::new(input, 0),
            proof: ReadProof::whole_input(),
            pos: 0,
        }
    }

    /// Steps `decoder` through the input up to the next item (or error), or to
    /// the end of the input (`None`).
    #[inline]
    fn next_found<S: Storage>(
        &mut self,
        decoder: &mut Decoder<S>,
    ) -> Option<Result<Found, DecodeError>> {
        while self.pos < self.lines.input().len() {
            match decoder.step(&mut self.lines, &mut self.proof, self.pos) {
                Err(e) => return Some(Err(e)),
                Ok(step) => {
                    self.pos = step.end;
                    if let Some(found) = step.found {
                        return Some(Ok(found));
                    }
                }
            }
        }
        None
    }

    /// The bytes of the input not yet decoded.
    fn remaining(&self) -> &'i [u8] {
        &self.lines.input()[self.pos..]
    }
}
