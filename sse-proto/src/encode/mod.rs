//! The event-stream encoder: one complete unit per call, into caller memory.
//!
//! Every unit ([`Frame`]) is checked in full before the first byte is written and
//! ends with an empty line, so units can be written back to back in any order and
//! an error never leaves half a unit behind.

mod sink;
mod unit;
mod validate;

use core::time::Duration;

use crate::EncodeError;
use sink::{Count, Target};

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
    ///
    /// # Panics
    ///
    /// As [`encode_into`](Encoder::encode_into): only on a bug in this crate.
    pub fn encoded_len<'a>(&self, frame: impl Into<Frame<'a>>) -> Result<usize, EncodeError> {
        self.encode(&frame.into(), &mut Count)
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
        self.encode(&frame.into(), out)
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
        self.encode(&frame.into(), out)
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
    ///
    /// # Panics
    ///
    /// As [`encode_into`](Encoder::encode_into): only on a bug in this crate.
    #[cfg(feature = "bytes")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    pub fn encode_to_buf<'a, B: bytes::BufMut>(
        &self,
        frame: impl Into<Frame<'a>>,
        out: &mut B,
    ) -> Result<usize, EncodeError> {
        self.encode(&frame.into(), &mut sink::Buf(out))
    }

    /// The one path of every entry point: `frame` checked, measured, and written
    /// into `out` (or refused untouched). The common frames, an event whose
    /// data is one line and a one-line comment, take small functions of their
    /// own; the rest [`Encoder::any_frame`].
    #[inline]
    fn encode<T: Target + ?Sized>(
        &self,
        frame: &Frame<'_>,
        out: &mut T,
    ) -> Result<usize, EncodeError> {
        let done = match *frame {
            Frame::Event(ref e) => one_line_event(e, out),
            _ => self
                .one_line_comment(frame)
                .map(|text| one_line_comment(text, out)),
        };
        done.unwrap_or_else(|| self.any_frame(frame, out))
    }

    /// [`Encoder::encode`] for any frame: the checks, the measuring and the
    /// writing inlined into one function, sharing registers instead of calls.
    #[inline(never)]
    fn any_frame<T: Target + ?Sized>(
        &self,
        frame: &Frame<'_>,
        out: &mut T,
    ) -> Result<usize, EncodeError> {
        let mut breaks = None;
        let plan = self.plan(frame, &mut breaks)?;
        let unit = unit::AnyFrame {
            keepalive: self.keepalive,
            frame,
            plan,
            breaks: &breaks,
        };
        out.put(plan.len, &unit)?;
        Ok(plan.len)
    }
}

/// [`Encoder::encode`] for an event whose data is one line; `None` for other
/// events.
#[inline(never)]
fn one_line_event<T: Target + ?Sized>(
    e: &EventFrame<'_>,
    out: &mut T,
) -> Option<Result<usize, EncodeError>> {
    let len = match unit::one_line_event_len(e) {
        Ok(len) => len?,
        Err(err) => return Some(Err(err)),
    };
    Some(out.put(len, &unit::OneLineEvent(e)).map(|()| len))
}

/// [`Encoder::encode`] for a one-line comment.
#[inline(never)]
fn one_line_comment<T: Target + ?Sized>(text: &[u8], out: &mut T) -> Result<usize, EncodeError> {
    let len = unit::comment_unit_len(text);
    out.put(len, &unit::OneLineComment(text))?;
    Ok(len)
}

#[cfg(test)]
mod tests;
