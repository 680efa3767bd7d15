//! Encoder tests: exact bytes for each rule, errors that write nothing, and the
//! round trip through the real decoder as a property.

extern crate std;

use core::time::Duration;
use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::sink::{copy_short, SHORT};
use super::{Encoder, EventFrame, Frame};
use crate::{Decoder, EncodeError, Field, Item};

/// Encodes into a slice of exactly `encoded_len` bytes, checks a one-byte-shorter
/// slice is refused untouched, and returns the bytes.
fn encode(encoder: &Encoder, frame: Frame<'_>) -> Result<Vec<u8>, EncodeError> {
    let len = encoder.encoded_len(frame)?;
    let mut exact = vec![0xAA; len];
    assert_eq!(encoder.encode_into(frame, &mut exact), Ok(len));
    if len > 0 {
        let mut short = vec![0xAA; len - 1];
        assert_eq!(
            encoder.encode_into(frame, &mut short),
            Err(EncodeError::BufferTooSmall { required: len })
        );
        assert!(short.iter().all(|&b| b == 0xAA));
    }
    #[cfg(feature = "alloc")]
    {
        let mut v = b"prefix".to_vec();
        assert_eq!(encoder.encode_to_vec(frame, &mut v), Ok(len));
        assert_eq!(&v[6..], &exact[..]);
    }
    #[cfg(feature = "bytes")]
    {
        let mut b = bytes::BytesMut::new();
        assert_eq!(encoder.encode_to_buf(frame, &mut b), Ok(len));
        assert_eq!(&b[..], &exact[..]);
    }
    Ok(exact)
}

macro_rules! bytes_cases {
    ($($name:ident: $frame:expr => $bytes:expr;)*) => {$(
        #[test]
        fn $name() {
            let got = encode(&Encoder::new(), $frame.into()).unwrap();
            assert_eq!(std::str::from_utf8(&got).unwrap(), $bytes);
        }
    )*};
}

bytes_cases! {
    plain_data: EventFrame::new("hi") => "data: hi\n\n";
    empty_data: EventFrame::new("") => "data:\n\n";
    leading_space_kept: EventFrame::new(" x") => "data:  x\n\n";
    lf_lines: EventFrame::new("a\nb") => "data: a\ndata: b\n\n";
    crlf_and_cr_lines: EventFrame::new("a\r\nb\rc") => "data: a\ndata: b\ndata: c\n\n";
    trailing_line_end: EventFrame::new("a\n") => "data: a\ndata:\n\n";
    empty_line_inside: EventFrame::new("a\n\nb") => "data: a\ndata:\ndata: b\n\n";
    all_fields: EventFrame::new("d").with_event_type("t").with_id("1").with_retry(Duration::from_millis(2500))
        => "event: t\nid: 1\nretry: 2500\ndata: d\n\n";
    empty_id_resets: EventFrame::new("d").with_id("") => "id:\ndata: d\n\n";
    empty_type_is_message: EventFrame::new("d").with_event_type("") => "data: d\n\n";
    nul_in_type_allowed: EventFrame::new("d").with_event_type("a\0b") => "event: a\0b\ndata: d\n\n";
    sub_millisecond_retry: EventFrame::new("d").with_retry(Duration::from_micros(1999)) => "retry: 1\ndata: d\n\n";
    comment_as_is: Frame::Comment(" keepalive") => ": keepalive\n\n";
    comment_no_space_added: Frame::Comment("x") => ":x\n\n";
    empty_comment: Frame::Comment("") => ":\n\n";
    multi_line_comment: Frame::Comment("a\r\nb\n") => ":a\n:b\n:\n\n";
    keepalive_default: Frame::Keepalive => ":\n\n";
    retry_alone: Frame::Retry(Duration::from_secs(3)) => "retry: 3000\n\n";
    retry_zero: Frame::Retry(Duration::ZERO) => "retry: 0\n\n";
    retry_saturates: Frame::Retry(Duration::MAX) => "retry: 18446744073709551615\n\n";
}

macro_rules! refused_cases {
    ($($name:ident: $frame:expr => $field:ident, $byte:expr, $offset:expr;)*) => {$(
        #[test]
        fn $name() {
            let frame: Frame<'_> = $frame.into();
            let want = EncodeError::InvalidField { field: Field::$field, byte: $byte, offset: $offset };
            assert_eq!(Encoder::new().encoded_len(frame), Err(want));
            let mut buf = [0xAA; 256];
            assert_eq!(Encoder::new().encode_into(frame, &mut buf), Err(want));
            assert!(buf.iter().all(|&b| b == 0xAA));
            // Refused before the size check: a tiny buffer gets the same error.
            assert_eq!(Encoder::new().encode_into(frame, &mut []), Err(want));
        }
    )*};
}

refused_cases! {
    lf_in_type: EventFrame::new("d").with_event_type("a\nb") => EventType, b'\n', 1;
    cr_in_type: EventFrame::new("d").with_event_type("\r") => EventType, b'\r', 0;
    lf_in_id: EventFrame::new("d").with_id("1\ndata: x") => Id, b'\n', 1;
    cr_in_id: EventFrame::new("d").with_id("12\r") => Id, b'\r', 2;
    nul_in_id: EventFrame::new("d").with_id("a\0") => Id, 0, 1;
    type_checked_before_id: EventFrame::new("d").with_event_type("\n").with_id("\0") => EventType, b'\n', 0;
}

#[test]
fn copies_every_short_length() {
    for n in 0..=SHORT {
        let src: Vec<u8> = (1..=n as u8).collect();
        let mut dst = [0u8; SHORT + 1];
        copy_short(&mut dst, &src);
        assert_eq!(&dst[..n], &src[..], "len {n}");
        assert!(dst[n..].iter().all(|&b| b == 0), "len {n} wrote past");
    }
}

/// Frames appended one after another to a `Vec` that grows (its spare
/// capacity written in place) give the bytes each frame gives in a slice.
#[cfg(feature = "alloc")]
#[test]
fn vec_appends_frames_back_to_back() {
    let many_lines: String = (0..40).map(|i| std::format!("line {i}\r\n")).collect();
    let long = "x".repeat(70_000);
    let frames: [Frame<'_>; 7] = [
        EventFrame::new("hi")
            .with_event_type("t")
            .with_id("1")
            .into(),
        EventFrame::new(&many_lines).into(),
        EventFrame::new(&long).into(),
        Frame::Comment(" a\nb"),
        Frame::Retry(Duration::from_millis(7)),
        EventFrame::new("").with_id("").into(),
        Frame::Keepalive,
    ];
    let encoder = Encoder::new();
    let mut expected = Vec::new();
    let mut out = Vec::new();
    for frame in frames {
        expected.extend(encode(&encoder, frame).unwrap());
        let before = out.len();
        let n = encoder.encode_to_vec(frame, &mut out).unwrap();
        assert_eq!(out.len(), before + n);
    }
    assert_eq!(out, expected);
}

#[cfg(feature = "alloc")]
#[test]
fn vec_appends_and_keeps_prefix_on_error() {
    let encoder = Encoder::new();
    let mut out = b"x".to_vec();
    assert_eq!(encoder.encode_to_vec(EventFrame::new("a"), &mut out), Ok(9));
    assert!(encoder
        .encode_to_vec(EventFrame::new("a").with_id("\n"), &mut out)
        .is_err());
    assert_eq!(out, b"xdata: a\n\n");
}

#[cfg(feature = "bytes")]
#[test]
fn bufmut_refuses_short_fixed_buffer() {
    let mut mem = [0u8; 5];
    let mut buf = &mut mem[..];
    assert_eq!(
        Encoder::new().encode_to_buf(EventFrame::new("hi"), &mut buf),
        Err(EncodeError::BufferTooSmall { required: 10 })
    );
    assert_eq!(mem, [0; 5]);
}

#[test]
fn keepalive_text_is_a_comment() {
    let encoder = Encoder::new().with_keepalive_text(" ka\nb");
    assert_eq!(encoder.keepalive_text(), " ka\nb");
    assert_eq!(encode(&encoder, Frame::Keepalive).unwrap(), b": ka\n:b\n\n");
}

/// An owned frame for property tests.
#[derive(Debug, Clone)]
enum OwnedFrame {
    Event {
        event_type: Option<String>,
        id: Option<String>,
        retry: Option<u64>,
        data: String,
    },
    Comment(String),
    Keepalive,
    Retry(u64),
}

impl OwnedFrame {
    fn as_frame(&self) -> Frame<'_> {
        match self {
            OwnedFrame::Event {
                event_type,
                id,
                retry,
                data,
            } => Frame::Event(EventFrame {
                event_type: event_type.as_deref(),
                id: id.as_deref(),
                retry: retry.map(Duration::from_millis),
                data,
            }),
            OwnedFrame::Comment(text) => Frame::Comment(text),
            OwnedFrame::Keepalive => Frame::Keepalive,
            OwnedFrame::Retry(ms) => Frame::Retry(Duration::from_millis(*ms)),
        }
    }
}

/// What a decoder yields, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    Event {
        event_type: String,
        data: String,
        id: String,
    },
    Comment(String),
    Retry(u64),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a \r\n\0:é]{0,12}", any::<String>(), Just(String::new()),]
}

fn frame() -> impl Strategy<Value = OwnedFrame> {
    prop_oneof![
        4 => (
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(any::<u64>()),
            text(),
        )
            .prop_map(|(event_type, id, retry, data)| OwnedFrame::Event {
                event_type,
                id,
                retry,
                data
            }),
        1 => text().prop_map(OwnedFrame::Comment),
        1 => Just(OwnedFrame::Keepalive),
        1 => any::<u64>().prop_map(OwnedFrame::Retry),
    ]
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// What the decoder must give back for `frames`, or `None` for a frame the
/// encoder must refuse.
fn model(frame: &OwnedFrame, last_id: &mut String, keepalive: &str) -> Option<Vec<Got>> {
    let comment = |text: &str| {
        normalise(text)
            .split('\n')
            .map(|line| Got::Comment(line.into()))
            .collect::<Vec<_>>()
    };
    Some(match frame {
        OwnedFrame::Event {
            event_type,
            id,
            retry,
            data,
        } => {
            let bad_type = event_type
                .as_deref()
                .is_some_and(|t| t.contains(['\r', '\n']));
            let bad_id = id
                .as_deref()
                .is_some_and(|i| i.contains(['\r', '\n', '\0']));
            if bad_type || bad_id {
                return None;
            }
            if let Some(id) = id {
                last_id.clone_from(id);
            }
            let mut items: Vec<Got> = retry.iter().map(|&ms| Got::Retry(ms)).collect();
            items.push(Got::Event {
                event_type: match event_type.as_deref() {
                    None | Some("") => "message".into(),
                    Some(t) => t.into(),
                },
                data: normalise(data),
                id: last_id.clone(),
            });
            items
        }
        OwnedFrame::Comment(text) => comment(text),
        OwnedFrame::Keepalive => comment(keepalive),
        OwnedFrame::Retry(ms) => vec![Got::Retry(*ms)],
    })
}

fn decode_all(stream: &[u8]) -> Vec<Got> {
    let mut mem = vec![0u8; 1 << 16];
    let mut decoder = Decoder::with_buffer(&mut mem);
    let mut got = Vec::new();
    let mut feed = decoder.feed(stream);
    while let Some(item) = feed.next_item() {
        got.push(match item.expect("within limits") {
            Item::Event(e) => Got::Event {
                event_type: e.event_type().into(),
                data: e.data().into(),
                id: e.last_event_id().into(),
            },
            Item::Comment(c) => Got::Comment(c.into()),
            Item::Retry(d) => Got::Retry(d.as_millis() as u64),
        });
    }
    assert_eq!(decoder.finish(), crate::StreamEnd::Clean);
    got
}

proptest! {
    /// Every frame the encoder accepts decodes back to what it says; every frame it
    /// cannot represent is refused; refused frames leave the stream unchanged.
    #[test]
    fn round_trip_through_decoder(frames in proptest::collection::vec(frame(), 0..8)) {
        let encoder = Encoder::new().with_keepalive_text(" keep\r\nalive");
        let mut stream = Vec::new();
        let mut want = Vec::new();
        let mut last_id = String::new();
        for f in &frames {
            let before = stream.len();
            match (model(f, &mut last_id, encoder.keepalive_text()), encode(&encoder, f.as_frame())) {
                (Some(items), Ok(bytes)) => {
                    want.extend(items);
                    stream.extend_from_slice(&bytes);
                }
                (None, Err(EncodeError::InvalidField { .. })) => {}
                (model, got) => prop_assert!(false, "model {:?} but encoder {:?}", model, got),
            }
            prop_assert!(stream.len() >= before);
        }
        prop_assert_eq!(decode_all(&stream), want);
    }
}

/// A unit that puts the wrong number of bytes (a bug in the measuring rules).
struct Wrong;

impl super::sink::Unit for Wrong {
    fn write<S: super::sink::Sink>(&self, out: &mut S) {
        out.put(b"abc");
    }
}

/// A writer that puts fewer bytes than were measured is a bug, and stops
/// with a panic rather than returning a length it did not write.
#[test]
#[should_panic(expected = "measured and written lengths differ")]
fn a_short_write_panics_instead_of_writing_less() {
    use super::sink::Target;
    let mut buf = [0u8; 4];
    let _ = buf[..].put(4, &Wrong);
}

/// The same into a `Vec`'s spare capacity.
#[cfg(feature = "alloc")]
#[test]
#[should_panic(expected = "measured and written lengths differ")]
fn a_short_write_into_a_vec_panics() {
    use super::sink::Target;
    let _ = Vec::new().put(4, &Wrong);
}

/// The length count behind `encoded_len` checks the writer too: a writer
/// that puts a different length is a bug, and panics.
#[test]
#[should_panic(expected = "measured and written lengths differ")]
fn a_count_that_differs_from_the_writer_panics() {
    use super::sink::{Count, Target};
    let _ = Count.put(4, &Wrong);
}

/// [`Wrong`] into a `BufMut` target measured at `len` bytes.
#[cfg(feature = "bytes")]
fn wrong_into_buf(len: usize) {
    use super::sink::{Buf, Target};
    let mut out = bytes::BytesMut::new();
    let _ = Buf(&mut out).put(len, &Wrong);
}

/// A `BufMut` target refuses a writer that puts more than was measured,
/// even when the buffer itself would grow...
#[cfg(feature = "bytes")]
#[test]
#[should_panic(expected = "measured and written lengths differ")]
fn a_buf_write_longer_than_measured_panics() {
    wrong_into_buf(2);
}

/// ... and one shorter than measured.
#[cfg(feature = "bytes")]
#[test]
#[should_panic(expected = "measured and written lengths differ")]
fn a_buf_write_shorter_than_measured_panics() {
    wrong_into_buf(4);
}
