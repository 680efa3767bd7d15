//! Helpers shared by the fuzz targets: limits from knob bytes, and the decoder's
//! output recorded in a comparable form.

use core::time::Duration;

use bytes::Bytes;
use sse_proto::{
    DecodeError, Decoder, Encoder, EventFrame, Frame, Item, ItemOwned, Limits, Storage, StreamEnd,
};

/// Decoder limits from two knob bytes: the byte itself (0..=254) as the limit,
/// 255 for the default limits (so the ordinary path is fuzzed too).
pub fn limits(line: u8, event: u8) -> Limits {
    let mut limits = Limits::new();
    if line != u8::MAX {
        limits.max_line_len = usize::from(line);
    }
    if event != u8::MAX {
        limits.max_event_len = usize::from(event);
    }
    limits
}

/// One output of the decoder: an item, or an error with the stream offset
/// (bytes consumed before it) at which it was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// An item.
    Item(ItemOwned),
    /// A limit error, at this stream offset.
    Error(DecodeError, usize),
}

/// Everything observable about one decoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The items and errors, in order.
    pub out: Vec<Out>,
    /// `last_event_id()` at the end of the body (before `finish`).
    pub last_event_id: String,
    /// `retry()` at the end, in milliseconds.
    pub retry: Option<u128>,
    /// What `finish()` said.
    pub end: StreamEnd,
}

/// Checks the properties every item must have under `limits` and records it.
/// Lossy UTF-8 turns one byte into up to three, so lengths are counted in
/// chars: each char comes from at least one input byte.
pub fn checked(item: Item<'_>, limits: Limits) -> ItemOwned {
    match item {
        Item::Event(e) => {
            // The data buffer (values plus one LF per line) is at most
            // max_event_len; the dispatched data lacks the last LF.
            assert!(
                e.data().chars().count() < limits.max_event_len.max(1),
                "event data {:?} over max_event_len {}",
                e.data(),
                limits.max_event_len
            );
            // `message` is the default type, not read from a line.
            let ty = e.event_type();
            assert!(ty == "message" || ty.chars().count() <= limits.max_line_len);
            assert!(e.last_event_id().chars().count() <= limits.max_line_len);
            assert!(
                !e.last_event_id().contains('\0'),
                "an id with NUL is ignored"
            );
            for s in [e.data(), e.event_type(), e.last_event_id()] {
                assert!(!s.contains('\r'), "CR inside a value: {s:?}");
            }
            assert!(!e.event_type().contains('\n') && !e.last_event_id().contains('\n'));
        }
        Item::Comment(c) => {
            assert!(c.chars().count() < limits.max_line_len.max(1));
            assert!(!c.contains('\r') && !c.contains('\n'));
        }
        _ => {} // a retry: any value
    }
    item.into_owned()
}

/// Checks that `e` is one of the errors `limits` allow (no `BufferFull`: the
/// callers give enough room) with the configured limit.
pub fn check_error(e: DecodeError, limits: Limits) {
    match e {
        DecodeError::LineTooLong { limit } => assert_eq!(limit, limits.max_line_len),
        DecodeError::EventTooLarge { limit } => assert_eq!(limit, limits.max_event_len),
        other => panic!("unexpected error {other:?} under {limits:?}"),
    }
}

/// Decodes `chunks` one after the other with the step API ([`Decoder::decode`]),
/// then finishes.
pub fn decode_steps<'c, S: Storage>(
    mut decoder: Decoder<S>,
    chunks: impl IntoIterator<Item = &'c [u8]>,
) -> Trace {
    let limits = decoder.limits();
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in chunks {
        let mut input = chunk;
        while !input.is_empty() {
            match decoder.decode(input) {
                Ok(step) => {
                    assert!(step.consumed <= input.len());
                    assert!(
                        step.consumed > 0 || step.item.is_some(),
                        "a step made no progress"
                    );
                    if let Some(item) = step.item {
                        out.push(Out::Item(checked(item, limits)));
                    }
                    offset += step.consumed;
                    input = &input[step.consumed..];
                }
                Err(e) => {
                    check_error(e, limits);
                    out.push(Out::Error(e, offset));
                }
            }
        }
    }
    finish(decoder, out)
}

/// Decodes `chunks` with the iterator API ([`Decoder::feed`]), then finishes.
pub fn decode_feed<'c, S: Storage>(
    mut decoder: Decoder<S>,
    chunks: impl IntoIterator<Item = &'c [u8]>,
) -> Trace {
    let limits = decoder.limits();
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in chunks {
        let mut feed = decoder.feed(chunk);
        loop {
            match feed.next_item() {
                None => break,
                Some(Ok(item)) => out.push(Out::Item(checked(item, limits))),
                Some(Err(e)) => {
                    check_error(e, limits);
                    out.push(Out::Error(e, offset + chunk.len() - feed.remaining().len()));
                }
            }
        }
        assert!(feed.remaining().is_empty());
        offset += chunk.len();
    }
    finish(decoder, out)
}

/// Decodes `chunks` with [`Decoder::feed_bytes`], each read as its own `Bytes`
/// the way an HTTP client hands them over, then finishes.
pub fn decode_feed_bytes<'c, S: Storage>(
    mut decoder: Decoder<S>,
    chunks: impl IntoIterator<Item = &'c [u8]>,
) -> Trace {
    let limits = decoder.limits();
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in chunks {
        let chunk = Bytes::copy_from_slice(chunk);
        let mut feed = decoder.feed_bytes(&chunk);
        while let Some(item) = feed.next_item() {
            match item {
                Ok(item) => out.push(Out::Item(checked(item.as_item(), limits))),
                Err(e) => {
                    check_error(e, limits);
                    out.push(Out::Error(e, offset + chunk.len() - feed.remaining().len()));
                }
            }
        }
        assert!(feed.remaining().is_empty());
        offset += chunk.len();
    }
    finish(decoder, out)
}

fn finish<S: Storage>(mut decoder: Decoder<S>, out: Vec<Out>) -> Trace {
    let last_event_id = decoder.last_event_id().to_owned();
    let retry = decoder.retry().map(|d| d.as_millis());
    let end = decoder.finish();
    assert_eq!(decoder.finish(), StreamEnd::Clean, "finish twice is clean");
    assert_eq!(
        decoder.last_event_id(),
        last_event_id,
        "finish keeps the id"
    );
    Trace {
        out,
        last_event_id,
        retry,
        end,
    }
}

/// Cuts `body` by `schedule`: the lengths repeat until the body is used up (0
/// yields an empty slice); no non-zero length means the body whole.
pub fn chunks<'b>(body: &'b [u8], schedule: &[u8]) -> Vec<&'b [u8]> {
    let mut out = Vec::new();
    let mut rest = body;
    if schedule.iter().any(|&n| n > 0) {
        for &n in schedule.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at(usize::from(n).min(rest.len()));
            out.push(chunk);
            rest = tail;
        }
    }
    out.push(rest);
    out
}

/// Splits `[n, len_1 .. len_n, rest...]` into the schedule (at most 31
/// lengths) and the rest.
pub fn split_schedule(input: &[u8]) -> (&[u8], &[u8]) {
    let Some((&n, rest)) = input.split_first() else {
        return (&[], &[]);
    };
    rest.split_at(usize::from(n % 32).min(rest.len()))
}

/// Reads fuzzer bytes in order; reads past the end give zeros.
#[derive(Debug)]
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The next byte.
    pub fn u8(&mut self) -> u8 {
        let [first, rest @ ..] = self.0 else { return 0 };
        self.0 = rest;
        *first
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// The next eight bytes, little-endian.
    pub fn u64(&mut self) -> u64 {
        u64::from(self.u16())
            | u64::from(self.u16()) << 16
            | u64::from(self.u16()) << 32
            | u64::from(self.u16()) << 48
    }

    /// `len: u8` then that many bytes, as text (invalid UTF-8 becomes U+FFFD).
    pub fn short_text(&mut self) -> String {
        let len = self.u8();
        String::from_utf8_lossy(self.take(len.into())).into_owned()
    }

    /// `len: u16` then that many bytes, as text.
    pub fn text(&mut self) -> String {
        let len = self.u16();
        String::from_utf8_lossy(self.take(len.into())).into_owned()
    }

    /// The next `n` bytes (fewer at the end).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n.min(self.0.len()));
        self.0 = tail;
        head
    }
}

/// Keepalive texts an [`Encoder`] can be given (they must be `'static`).
pub const KEEPALIVES: [&str; 4] = ["", " keepalive", "\r\nping\rpong\n", "\u{0}\u{fffd}"];

/// An encoder with the keepalive text chosen by `knob`.
pub fn encoder(knob: u8) -> Encoder {
    Encoder::new().with_keepalive_text(KEEPALIVES[usize::from(knob) % KEEPALIVES.len()])
}

/// A frame to encode, owning its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameIn {
    /// [`Frame::Event`].
    Event {
        /// `event` field.
        event_type: Option<String>,
        /// `id` field.
        id: Option<String>,
        /// `retry` field, ms.
        retry: Option<u64>,
        /// The data.
        data: String,
    },
    /// [`Frame::Comment`].
    Comment(String),
    /// [`Frame::Keepalive`].
    Keepalive,
    /// [`Frame::Retry`], ms.
    Retry(u64),
}

impl FrameIn {
    /// Reads `tag: u8` and, by `tag % 4`: 0 an event (`flags: u8`: bit 0 type,
    /// bit 1 id, bit 2 retry; then `retry: u64` if set, the type and the id as
    /// `len: u8` + bytes if set, the data as `len: u16` + bytes), 1 a comment
    /// (`len: u16` + bytes), 2 the keepalive, 3 a retry (`ms: u64`).
    pub fn read(r: &mut Reader<'_>) -> FrameIn {
        match r.u8() % 4 {
            0 => {
                let flags = r.u8();
                let retry = (flags & 4 != 0).then(|| r.u64());
                let event_type = (flags & 1 != 0).then(|| r.short_text());
                let id = (flags & 2 != 0).then(|| r.short_text());
                let data = r.text();
                FrameIn::Event {
                    event_type,
                    id,
                    retry,
                    data,
                }
            }
            1 => FrameIn::Comment(r.text()),
            2 => FrameIn::Keepalive,
            _ => FrameIn::Retry(r.u64()),
        }
    }

    /// The frame, borrowing `self`.
    pub fn frame(&self) -> Frame<'_> {
        match self {
            FrameIn::Event {
                event_type,
                id,
                retry,
                data,
            } => {
                let mut e = EventFrame::new(data);
                if let Some(t) = event_type {
                    e = e.with_event_type(t);
                }
                if let Some(id) = id {
                    e = e.with_id(id);
                }
                if let Some(ms) = retry {
                    e = e.with_retry(Duration::from_millis(*ms));
                }
                Frame::Event(e)
            }
            FrameIn::Comment(text) => Frame::Comment(text),
            FrameIn::Keepalive => Frame::Keepalive,
            FrameIn::Retry(ms) => Frame::Retry(Duration::from_millis(*ms)),
        }
    }

    /// The first byte the encoder must refuse: an event type with CR or LF, an
    /// ID with CR, LF or NUL. `(is the id, offset, byte)`.
    pub fn first_invalid(&self) -> Vec<(bool, usize, u8)> {
        let FrameIn::Event { event_type, id, .. } = self else {
            return Vec::new();
        };
        let first = |s: &Option<String>, bad: &[u8]| {
            s.as_deref()?
                .bytes()
                .enumerate()
                .find(|(_, b)| bad.contains(b))
        };
        let mut out = Vec::new();
        if let Some((at, b)) = first(event_type, b"\r\n") {
            out.push((false, at, b));
        }
        if let Some((at, b)) = first(id, b"\r\n\0") {
            out.push((true, at, b));
        }
        out
    }
}

/// The lines of `text` split at CRLF, lone CR and lone LF (a trailing line end
/// gives a final empty line).
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}
