//! One arbitrary frame through every output of the encoder: `encoded_len`,
//! `encode_into`, `encode_to_vec` and `encode_to_buf` agree; a buffer one byte
//! short is `BufferTooSmall { required }` and untouched; a refused frame is
//! refused by all of them, names its first bad byte, and writes nothing; the
//! output is one complete unit: LF line ends only, no CR, one empty line, at
//! the end, and every line a `data`, `event`, `id`, `retry` field or a comment.
//!
//! Input: `keepalive knob: u8`, then one frame as read by
//! `sse_fuzz::FrameIn::read`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{encoder, split_lines, FrameIn, Reader};
use sse_proto::{EncodeError, Field, Frame};

fuzz_target!(|input: &[u8]| {
    let mut r = Reader(input);
    let encoder = encoder(r.u8());
    let owned = FrameIn::read(&mut r);
    let frame = owned.frame();
    let invalid = owned.first_invalid();

    let len = encoder.encoded_len(frame);
    let mut vec = b"kept".to_vec();
    let to_vec = encoder.encode_to_vec(frame, &mut vec);
    let mut buf = b"kept".to_vec();
    let to_buf = encoder.encode_to_buf(frame, &mut buf);
    let size = len.unwrap_or(64);
    let mut exact = vec![0x55u8; size];
    let into = encoder.encode_into(frame, &mut exact);

    if let Err(e) = len {
        let EncodeError::InvalidField {
            field,
            byte,
            offset,
        } = e
        else {
            panic!("encoded_len: {e:?}");
        };
        assert!(
            invalid.contains(&(field == Field::Id, offset, byte)),
            "{owned:?}: {e:?} vs {invalid:?}"
        );
        for other in [to_vec, to_buf, into] {
            assert_eq!(other, Err(e));
        }
        assert_eq!(vec, b"kept");
        assert_eq!(buf, b"kept");
        assert!(
            exact.iter().all(|&b| b == 0x55),
            "a refused frame wrote bytes"
        );
        return;
    }
    assert!(invalid.is_empty(), "{owned:?} accepted");
    let len = len.unwrap_or_default();
    assert_eq!((to_vec, to_buf, into), (Ok(len), Ok(len), Ok(len)));
    let out = &vec[4..];
    assert_eq!(out, &exact[..]);
    assert_eq!(out, &buf[4..]);
    let mut short = vec![0x55u8; len - 1];
    assert_eq!(
        encoder.encode_into(frame, &mut short),
        Err(EncodeError::BufferTooSmall { required: len })
    );
    assert!(
        short.iter().all(|&b| b == 0x55),
        "a short buffer was written"
    );

    // One complete unit.
    let text = std::str::from_utf8(out).expect("the encoder writes UTF-8");
    let body = text.strip_suffix("\n\n").expect("ends with an empty line");
    assert!(!text.contains('\r'));
    let lines: Vec<&str> = body.split('\n').collect();
    for line in &lines {
        assert!(!line.is_empty(), "an empty line inside the unit: {text:?}");
        let field = line.split(':').next().unwrap_or_default();
        assert!(
            matches!(field, "" | "data" | "event" | "id" | "retry"),
            "line {line:?}"
        );
    }
    let count = |name: &str| {
        lines
            .iter()
            .filter(|l| l.split(':').next() == Some(name))
            .count()
    };
    match frame {
        Frame::Event(e) => {
            assert_eq!(count("data"), split_lines(e.data).len());
            assert_eq!(count("id"), usize::from(e.id.is_some()));
            assert_eq!(count("retry"), usize::from(e.retry.is_some()));
            let typed = e.event_type.is_some_and(|t| !t.is_empty());
            assert_eq!(count("event"), usize::from(typed));
            assert_eq!(count(""), 0);
        }
        Frame::Comment(c) => assert_eq!(count(""), split_lines(c).len()),
        Frame::Keepalive => {
            assert_eq!(count(""), split_lines(encoder.keepalive_text()).len())
        }
        Frame::Retry(_) => assert_eq!(lines.len(), 1),
        _ => {}
    }
});
