//! The event-stream encoder: one complete unit per call, into caller memory.
//!
//! Every unit ([`Frame`]) is checked in full before the first byte is written and
//! ends with an empty line, so units can be written back to back in any order and
//! an error never leaves half a unit behind.

mod validate;

use core::mem::MaybeUninit;
use core::time::Duration;

use crate::digits::decimal;
use crate::time::duration_to_millis;
use crate::EncodeError;
use validate::{
    check_event_type, check_id, field_line_len, has_line_end, measure_lines, Breaks, Lines,
};

/// An event to encode: data plus the optional `event`, `id` and `retry` fields.
///
/// Built with [`EventFrame::new`] and the `with_*` methods, or converted from a
/// decoded [`Event`](crate::Event). The fields can be read and changed, but not
/// listed in a struct literal: the type is `#[non_exhaustive]`, so that a field can
/// be added without breaking callers.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use sse_proto::EventFrame;
///
/// let e = EventFrame::new("{\"text\":\"hi\"}")
///     .with_event_type("delta")
///     .with_id("42")
///     .with_retry(Duration::from_secs(3));
/// assert_eq!(e.event_type, Some("delta"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EventFrame<'a> {
    /// The event type (`event` field). `None`, or `Some("")`, writes no `event`
    /// line: the client sees type `message` either way.
    pub event_type: Option<&'a str>,
    /// The event ID (`id` field). `Some("")` writes `id:`, which resets the client's
    /// last event ID; `None` writes no `id` line and leaves it as it was.
    pub id: Option<&'a str>,
    /// A new reconnection time (`retry` field), in whole milliseconds (shorter parts
    /// are dropped, values past `u64::MAX` ms saturate).
    pub retry: Option<Duration>,
    /// The data. Any text: CR, LF and CRLF become line breaks between `data` lines,
    /// and each decodes as LF.
    pub data: &'a str,
}

impl<'a> EventFrame<'a> {
    /// An event of type `message` with this data and no ID.
    pub const fn new(data: &'a str) -> Self {
        EventFrame {
            event_type: None,
            id: None,
            retry: None,
            data,
        }
    }

    /// Sets the event type.
    pub const fn with_event_type(mut self, event_type: &'a str) -> Self {
        self.event_type = Some(event_type);
        self
    }

    /// Sets the event ID.
    pub const fn with_id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the reconnection time sent along with the event.
    pub const fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// One complete unit of an event stream, as the [`Encoder`] writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Frame<'a> {
    /// An event: optional `event`, `id`, `retry` lines, one `data` line per line of
    /// data, an empty line.
    Event(EventFrame<'a>),
    /// A comment: one `:` line per line of the text, written after the colon as is
    /// (so `" hi"` gives `: hi`), then an empty line. Clients ignore comments.
    Comment(&'a str),
    /// The encoder's keepalive comment (see [`Encoder::with_keepalive_text`]).
    Keepalive,
    /// A new reconnection time alone: `retry: <ms>` and an empty line.
    Retry(Duration),
}

impl<'a> From<EventFrame<'a>> for Frame<'a> {
    fn from(event: EventFrame<'a>) -> Self {
        Frame::Event(event)
    }
}

/// The lengths worked out, and checks passed, before anything is written.
#[derive(Debug, Clone, Copy)]
struct Plan {
    len: usize,
    /// The data (or comment text) has no line end.
    single: bool,
}

/// Writes event-stream units; holds only configuration, no per-stream state.
///
/// Each call writes one complete [`Frame`] ending in an empty line, after checking
/// all of it: an event type or ID with CR or LF, or an ID with NUL, is refused
/// with [`EncodeError::InvalidField`] (writing it would slip a second field into
/// the stream), and a too-small buffer with [`EncodeError::BufferTooSmall`]
/// naming the exact length. Nothing is written on error.
///
/// # Line ends in data and comments
///
/// Data and comment text may hold any line ends. The text is split at each CRLF,
/// lone CR and lone LF and written as one `data:` (or `:`) line per line, so a
/// decoder gives back the text with **every line end turned into LF**: `"a\r\nb"`
/// is received as `"a\nb"`. Empty data is one `data:` line (the event is still
/// delivered, with data `""`); a trailing line end gives a final empty `data:`
/// line, so `"a\n"` is received as `"a\n"`.
///
/// # Spaces
///
/// A non-empty value is written after `": "`, so a value that starts with a space
/// keeps it (`data:  x` for `" x"`): the decoder strips exactly one space. An empty
/// value is written with no space (`data:`, `id:`).
///
/// # Examples
///
/// ```
/// use sse_proto::{Encoder, EventFrame, Frame};
///
/// let encoder = Encoder::new();
/// let event = EventFrame::new("line one\nline two").with_event_type("note").with_id("7");
///
/// let mut buf = [0u8; 64];
/// let n = encoder.encode_into(event, &mut buf).unwrap();
/// assert_eq!(&buf[..n], b"event: note\nid: 7\ndata: line one\ndata: line two\n\n");
/// assert_eq!(encoder.encoded_len(event), Ok(n));
///
/// let n = encoder.encode_into(Frame::Comment(" hello"), &mut buf).unwrap();
/// assert_eq!(&buf[..n], b": hello\n\n");
/// let n = encoder.encode_into(Frame::Keepalive, &mut buf).unwrap();
/// assert_eq!(&buf[..n], b":\n\n");
/// ```
///
/// Refused input writes nothing:
///
/// ```
/// use sse_proto::{EncodeError, Encoder, EventFrame, Field};
///
/// let mut out = *b"kept-----------------";
/// let forged = EventFrame::new("x").with_id("1\ndata: injected");
/// let err = Encoder::new().encode_into(forged, &mut out).unwrap_err();
/// assert_eq!(err, EncodeError::InvalidField { field: Field::Id, byte: b'\n', offset: 1 });
/// assert_eq!(&out, b"kept-----------------");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Encoder {
    keepalive: &'static str,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// An encoder whose keepalive is an empty comment (`:` and an empty line, three
    /// bytes).
    pub const fn new() -> Self {
        Encoder { keepalive: "" }
    }

    /// Sets the text of the keepalive comment, written after the colon as is
    /// (`" keepalive"` gives `: keepalive`). Line ends in it split it into several
    /// comment lines, like any comment.
    ///
    /// ```
    /// use sse_proto::{Encoder, Frame};
    ///
    /// let encoder = Encoder::new().with_keepalive_text(" ping");
    /// let mut out = [0u8; 16];
    /// let n = encoder.encode_into(Frame::Keepalive, &mut out).unwrap();
    /// assert_eq!(&out[..n], b": ping\n\n");
    /// ```
    pub const fn with_keepalive_text(mut self, text: &'static str) -> Self {
        self.keepalive = text;
        self
    }

    /// The keepalive comment text.
    pub const fn keepalive_text(&self) -> &'static str {
        self.keepalive
    }

    /// The exact number of bytes [`encode_into`](Encoder::encode_into) would write
    /// for `frame`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidField`] when the frame cannot be encoded; never
    /// `BufferTooSmall`.
    pub fn encoded_len<'a>(&self, frame: impl Into<Frame<'a>>) -> Result<usize, EncodeError> {
        self.plan(&frame.into(), &mut None).map(|plan| plan.len)
    }

    /// Writes `frame` at the start of `out` and returns how many bytes it took.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidField`] for a field that cannot be written, and
    /// [`EncodeError::BufferTooSmall`] when `out` is shorter than
    /// [`encoded_len`](Encoder::encoded_len). `out` is untouched on error.
    ///
    /// # Panics
    ///
    /// Only on a bug in this crate: when the bytes written differ from the
    /// length measured first (never for any frame, which the tests and the
    /// `encode` fuzz target check).
    pub fn encode_into<'a>(
        &self,
        frame: impl Into<Frame<'a>>,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        self.frame_into(&frame.into(), out)
    }

    /// [`Encoder::encode_into`] for one frame. The common frames, an event
    /// whose data is one line and a one-line comment, take small functions of
    /// their own; the rest [`Encoder::unit_into`].
    #[inline]
    fn frame_into(&self, frame: &Frame<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
        let done = match *frame {
            Frame::Event(ref e) => one_line_event_into(e, out),
            _ => self
                .one_line_comment(frame)
                .map(|text| comment_into(text, out)),
        };
        done.unwrap_or_else(|| self.unit_into(frame, out))
    }

    /// [`Encoder::frame_into`] for any frame: the checks, the measuring and
    /// the writing inlined into one function, sharing registers instead of
    /// calls.
    #[inline(never)]
    fn unit_into(&self, frame: &Frame<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut breaks = None;
        let plan = self.plan(frame, &mut breaks)?;
        let Some(dest) = out.get_mut(..plan.len) else {
            return Err(EncodeError::BufferTooSmall { required: plan.len });
        };
        fill(dest, |sink| self.write(frame, plan, &breaks, sink));
        Ok(plan.len)
    }

    /// The text of `frame` when it is a comment (or keepalive) of one line.
    #[inline(always)]
    fn one_line_comment<'a>(&self, frame: &Frame<'a>) -> Option<&'a [u8]> {
        let text = match *frame {
            Frame::Comment(text) => text,
            Frame::Keepalive => self.keepalive,
            Frame::Event(_) | Frame::Retry(_) => return None,
        };
        (!has_line_end(text.as_bytes())).then_some(text.as_bytes())
    }

    /// Appends `frame` to `out` (reserving its exact length once) and returns how
    /// many bytes were appended.
    ///
    /// ```
    /// use sse_proto::{Encoder, EventFrame};
    ///
    /// let mut out = Vec::new();
    /// Encoder::new().encode_to_vec(EventFrame::new("a\r\nb"), &mut out).unwrap();
    /// assert_eq!(out, b"data: a\ndata: b\n\n");
    /// ```
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidField`]; `out` is untouched then.
    ///
    /// # Panics
    ///
    /// As [`encode_into`](Encoder::encode_into): only on a bug in this crate.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn encode_to_vec<'a>(
        &self,
        frame: impl Into<Frame<'a>>,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<usize, EncodeError> {
        self.frame_to_vec(&frame.into(), out)
    }

    /// [`Encoder::encode_to_vec`] for one frame, split like
    /// [`Encoder::frame_into`].
    #[cfg(feature = "alloc")]
    #[inline]
    fn frame_to_vec(
        &self,
        frame: &Frame<'_>,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<usize, EncodeError> {
        let done = match *frame {
            Frame::Event(ref e) => one_line_event_to_vec(e, out),
            _ => self
                .one_line_comment(frame)
                .map(|text| Ok(comment_to_vec(text, out))),
        };
        done.unwrap_or_else(|| self.unit_to_vec(frame, out))
    }

    /// [`Encoder::frame_to_vec`] for any frame, in one function like
    /// [`Encoder::unit_into`].
    #[cfg(feature = "alloc")]
    #[inline(never)]
    fn unit_to_vec(
        &self,
        frame: &Frame<'_>,
        out: &mut alloc::vec::Vec<u8>,
    ) -> Result<usize, EncodeError> {
        let mut breaks = None;
        let plan = self.plan(frame, &mut breaks)?;
        append(out, plan.len, |sink| self.write(frame, plan, &breaks, sink));
        Ok(plan.len)
    }

    /// Appends `frame` to `out` and returns how many bytes were appended.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use sse_proto::{Encoder, EventFrame};
    ///
    /// let mut out = BytesMut::new();
    /// Encoder::new().encode_to_buf(EventFrame::new("hi"), &mut out).unwrap();
    /// assert_eq!(&out[..], b"data: hi\n\n");
    /// ```
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidField`], and [`EncodeError::BufferTooSmall`] when
    /// `out.remaining_mut()` is too small (a `BytesMut` grows, a `&mut [u8]` does
    /// not). `out` is untouched on error.
    #[cfg(feature = "bytes")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    pub fn encode_to_buf<'a, B: bytes::BufMut>(
        &self,
        frame: impl Into<Frame<'a>>,
        out: &mut B,
    ) -> Result<usize, EncodeError> {
        let frame = frame.into();
        let mut breaks = None;
        let plan = self.plan(&frame, &mut breaks)?;
        if out.remaining_mut() < plan.len {
            return Err(EncodeError::BufferTooSmall { required: plan.len });
        }
        self.write(&frame, plan, &breaks, &mut BufSink(out));
        Ok(plan.len)
    }

    /// Checks `frame` and measures it.
    #[inline(always)]
    ///
    /// `breaks` is where the line breaks of multi-line data are recorded for
    /// [`Encoder::write`]: passed in empty, so that only multi-line data pays
    /// for filling it.
    fn plan(&self, frame: &Frame<'_>, breaks: &mut Option<Breaks>) -> Result<Plan, EncodeError> {
        Ok(match *frame {
            Frame::Event(ref e) => {
                // The head lines and the final empty line.
                let len = event_head_len(e)? + 1;
                let data = measure_lines(b"data: ", e.data, breaks);
                Plan {
                    len: len.saturating_add(data.len),
                    single: data.single,
                }
            }
            Frame::Comment(text) => comment_plan(text),
            Frame::Keepalive => comment_plan(self.keepalive),
            Frame::Retry(retry) => Plan {
                len: retry_line_len(retry) + 1,
                single: true,
            },
        })
    }

    /// Writes a checked `frame`; `plan` and `breaks` are what [`Encoder::plan`]
    /// gave for it.
    #[inline(always)]
    fn write<S: Sink>(&self, frame: &Frame<'_>, plan: Plan, breaks: &Option<Breaks>, out: &mut S) {
        match *frame {
            Frame::Event(ref e) => {
                if plan.single {
                    write_one_line_event(out, e);
                    return;
                } else {
                    write_event_head(out, e);
                    let breaks = breaks.as_ref().unwrap_or(&Breaks::UNKNOWN);
                    breaks.for_each_line(e.data.as_bytes(), |line| {
                        write_field(out, b"data: ", line);
                    });
                }
            }
            Frame::Comment(text) => write_comment(out, text, plan.single),
            Frame::Keepalive => write_comment(out, self.keepalive, plan.single),
            Frame::Retry(retry) => write_retry(out, retry),
        }
        out.put(b"\n");
    }
}

/// Checks the `event` and `id` fields of `e` and measures the lines before
/// its data: `event`, `id`, `retry`.
#[inline(always)]
fn event_head_len(e: &EventFrame<'_>) -> Result<usize, EncodeError> {
    let mut len = 0;
    if let Some(t) = e.event_type.filter(|t| !t.is_empty()) {
        check_event_type(t)?;
        len += field_line_len(b"event: ", t.len());
    }
    if let Some(id) = e.id {
        check_id(id)?;
        len += field_line_len(b"id: ", id.len());
    }
    if let Some(retry) = e.retry {
        len += retry_line_len(retry);
    }
    Ok(len)
}

/// Writes the lines of a checked `e` before its data.
#[inline(always)]
fn write_event_head<S: Sink>(out: &mut S, e: &EventFrame<'_>) {
    if let Some(t) = e.event_type.filter(|t| !t.is_empty()) {
        write_field(out, b"event: ", t.as_bytes());
    }
    if let Some(id) = e.id {
        write_field(out, b"id: ", id.as_bytes());
    }
    if let Some(retry) = e.retry {
        write_retry(out, retry);
    }
}

/// The length of `e` when its data is one line and it has no `retry` (`None`
/// otherwise: the general path takes it).
///
/// # Errors
///
/// [`EncodeError::InvalidField`], as [`Encoder::plan`] gives it.
#[inline(always)]
fn one_line_event_len(e: &EventFrame<'_>) -> Result<Option<usize>, EncodeError> {
    if e.retry.is_some() {
        return Ok(None);
    }
    let head = event_head_len(e)?;
    let data = e.data.as_bytes();
    Ok((!has_line_end(data)).then(|| head + field_line_len(b"data: ", data.len()) + 1))
}

/// Writes a checked event whose data is one line.
#[inline(always)]
fn write_one_line_event<S: Sink>(out: &mut S, e: &EventFrame<'_>) {
    write_event_head(out, e);
    // The data line and the empty line that ends the event.
    write_field_end(out, b"data: ", e.data.as_bytes(), b"\n\n");
}

/// [`Encoder::encode_into`] for an event whose data is one line; `None` for
/// other events.
#[inline(never)]
fn one_line_event_into(e: &EventFrame<'_>, out: &mut [u8]) -> Option<Result<usize, EncodeError>> {
    let len = match one_line_event_len(e) {
        Ok(len) => len?,
        Err(err) => return Some(Err(err)),
    };
    Some(match out.get_mut(..len) {
        Some(dest) => {
            fill(dest, |sink| write_one_line_event(sink, e));
            Ok(len)
        }
        None => Err(EncodeError::BufferTooSmall { required: len }),
    })
}

/// [`Encoder::encode_to_vec`] for an event whose data is one line; `None` for
/// other events.
#[cfg(feature = "alloc")]
#[inline(never)]
fn one_line_event_to_vec(
    e: &EventFrame<'_>,
    out: &mut alloc::vec::Vec<u8>,
) -> Option<Result<usize, EncodeError>> {
    let len = match one_line_event_len(e) {
        Ok(len) => len?,
        Err(err) => return Some(Err(err)),
    };
    append(out, len, |sink| write_one_line_event(sink, e));
    Some(Ok(len))
}

/// The length of a one-line comment unit: `:`, the text, two LFs.
#[inline(always)]
const fn comment_unit_len(text: &[u8]) -> usize {
    // A slice is at most `isize::MAX` bytes long: no overflow.
    text.len() + 3
}

/// Writes a one-line comment unit (`text` has no line end).
#[inline(always)]
fn write_comment_unit<S: Sink>(out: &mut S, text: &[u8]) {
    out.put(b":");
    out.put(text);
    out.put(b"\n\n");
}

/// [`Encoder::encode_into`] for a one-line comment.
#[inline(never)]
fn comment_into(text: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    let len = comment_unit_len(text);
    let Some(dest) = out.get_mut(..len) else {
        return Err(EncodeError::BufferTooSmall { required: len });
    };
    fill(dest, |sink| write_comment_unit(sink, text));
    Ok(len)
}

/// [`Encoder::encode_to_vec`] for a one-line comment.
#[cfg(feature = "alloc")]
#[inline(never)]
fn comment_to_vec(text: &[u8], out: &mut alloc::vec::Vec<u8>) -> usize {
    let len = comment_unit_len(text);
    append(out, len, |sink| write_comment_unit(sink, text));
    len
}

/// Appends `len` bytes to `out`, written by `write` into its spare capacity
/// (reserved once), with no zero fill and no capacity check per piece.
#[cfg(feature = "alloc")]
#[inline(always)]
fn append(
    out: &mut alloc::vec::Vec<u8>,
    len: usize,
    write: impl FnOnce(&mut SliceSink<'_, MaybeUninit<u8>>),
) {
    out.reserve(len);
    let start = out.len();
    // `reserve` made room for `len` more bytes.
    fill(&mut out.spare_capacity_mut()[..len], write);
    // SAFETY: `fill` returned, so `write` initialised all `len` bytes of the
    // spare capacity after `start` (it asserts so): they are initialised and
    // within the capacity.
    unsafe { out.set_len(start + len) };
}

/// Runs `write` on a sink over all of `buf`, which is exactly as long as the
/// frame was measured: the one place every encoding target writes through.
///
/// # Panics
///
/// When `write` puts fewer bytes than `buf` holds (more panics in
/// [`SliceSink::put`]): measured and written lengths differ. That is a bug in
/// this module, never a property of the frame: both come from the same rules.
#[inline(always)]
fn fill<T: OutByte>(buf: &mut [T], write: impl FnOnce(&mut SliceSink<'_, T>)) {
    let mut sink = SliceSink { buf };
    write(&mut sink);
    assert!(
        sink.buf.is_empty(),
        "bug: a frame's measured and written lengths differ"
    );
}

fn comment_plan(text: &str) -> Plan {
    // A comment line is `:` + text + LF: the length of a field line with an empty
    // name and no separating space.
    let single = !has_line_end(text.as_bytes());
    let lines = if single {
        text.len() + 2
    } else {
        Lines::new(text)
            .map(|line| line.len() + 2)
            .fold(0usize, usize::saturating_add)
    };
    Plan {
        len: lines.saturating_add(1),
        single,
    }
}

fn retry_line_len(retry: Duration) -> usize {
    let mut digits = [0; 20];
    field_line_len(
        b"retry: ",
        decimal(duration_to_millis(retry), &mut digits).len(),
    )
}

/// Where encoded bytes go. Every implementation has room for the whole frame
/// (checked or reserved before writing starts).
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

/// A byte of output memory: initialised (a caller's slice), or a `Vec`'s
/// spare capacity.
trait OutByte: Copy {
    fn from_byte(byte: u8) -> Self;

    /// Copies `src` into `dst`, which is as long, with `memcpy`.
    fn copy(dst: &mut [Self], src: &[u8]);
}

impl OutByte for u8 {
    #[inline(always)]
    fn from_byte(byte: u8) -> Self {
        byte
    }

    #[inline(always)]
    fn copy(dst: &mut [u8], src: &[u8]) {
        dst.copy_from_slice(src);
    }
}

impl OutByte for MaybeUninit<u8> {
    #[inline(always)]
    fn from_byte(byte: u8) -> Self {
        MaybeUninit::new(byte)
    }

    #[inline(always)]
    fn copy(dst: &mut [Self], src: &[u8]) {
        let n = dst.len().min(src.len());
        // SAFETY: both pointers are valid for `n` bytes (`n` is at most the
        // length of either slice), `MaybeUninit<u8>` has the layout of `u8`,
        // and a shared and a mutable borrow never overlap.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr().cast::<u8>(), n) };
    }
}

/// The front of a slice exactly as long as the frame.
struct SliceSink<'b, T> {
    buf: &'b mut [T],
}

impl<T: OutByte> Sink for SliceSink<'_, T> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        // `buf` is `Plan::len` bytes long and `write` puts exactly that many
        // (`Plan` is computed by the same rules), so the split is in bounds.
        let (head, tail) = core::mem::take(&mut self.buf).split_at_mut(bytes.len());
        if bytes.len() <= SHORT {
            // Event types, IDs and short data: fixed-size moves, no call.
            copy_short(head, bytes);
        } else {
            T::copy(head, bytes);
        }
        self.buf = tail;
    }
}

/// The longest `src` that [`copy_short`] copies.
const SHORT: usize = 32;

/// Copies `src` (at most [`SHORT`] bytes) to the front of `dst` (at least as
/// long) with fixed-size moves (two overlapping ones), where a copy of a
/// variable length would call `memcpy`.
#[inline(always)]
fn copy_short<T: OutByte>(dst: &mut [T], src: &[u8]) {
    let n = src.len();
    if n >= 16 {
        copy_pair::<T, 16>(dst, src);
    } else if n >= 8 {
        copy_pair::<T, 8>(dst, src);
    } else if n >= 4 {
        copy_pair::<T, 4>(dst, src);
    } else if n > 0 {
        // One to three bytes: first, middle, last (some the same).
        dst[0] = T::from_byte(src[0]);
        dst[n / 2] = T::from_byte(src[n / 2]);
        dst[n - 1] = T::from_byte(src[n - 1]);
    }
}

/// Copies `src` (`W..=2 * W` bytes long) to the front of `dst` (at least as
/// long) as its first `W` and its last `W` bytes.
#[inline(always)]
fn copy_pair<T: OutByte, const W: usize>(dst: &mut [T], src: &[u8]) {
    let n = src.len();
    if let (Some(head), Some(tail)) = (src.first_chunk::<W>(), src.last_chunk::<W>()) {
        dst[..W].copy_from_slice(&head.map(T::from_byte));
        dst[n - W..n].copy_from_slice(&tail.map(T::from_byte));
    }
}

#[cfg(feature = "bytes")]
struct BufSink<'b, B>(&'b mut B);

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut> Sink for BufSink<'_, B> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
}

/// `name: value\n`, or `name:\n` for an empty value (`name` includes the colon
/// and the space).
#[inline(always)]
fn write_field<S: Sink>(out: &mut S, name: &[u8], value: &[u8]) {
    write_field_end(out, name, value, b"\n");
}

/// [`write_field`] with `end` (`b"\n"`, or `b"\n\n"` for the last line of a
/// unit) as the line end.
#[inline(always)]
fn write_field_end<S: Sink>(out: &mut S, name: &[u8], value: &[u8], end: &[u8]) {
    if value.is_empty() {
        out.put(name.strip_suffix(b" ").unwrap_or(name));
    } else {
        out.put(name);
        out.put(value);
    }
    out.put(end);
}

#[inline(always)]
fn write_retry<S: Sink>(out: &mut S, retry: Duration) {
    let mut digits = [0; 20];
    out.put(b"retry: ");
    out.put(decimal(duration_to_millis(retry), &mut digits));
    out.put(b"\n");
}

#[inline(always)]
fn write_comment<S: Sink>(out: &mut S, text: &str, single: bool) {
    if single {
        write_comment_line(out, text.as_bytes());
    } else {
        for line in Lines::new(text) {
            write_comment_line(out, line);
        }
    }
}

#[inline(always)]
fn write_comment_line<S: Sink>(out: &mut S, line: &[u8]) {
    out.put(b":");
    out.put(line);
    out.put(b"\n");
}

#[cfg(test)]
mod tests;
