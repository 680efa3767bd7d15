//! `SseCodec`: tokio-util's `Decoder` and `Encoder` on the core, and how
//! `FramedRead` treats a limit error.

use bytes::BytesMut;
use futures_lite::StreamExt;
use sse_rt::test_util::scenarios::{script_bytes, script_config, script_items};
use sse_tokio::{
    DecodeError, EncodeError, Error, EventFrame, EventOwned, Frame, ItemOwned, SseCodec,
};
use tokio_util::codec::{Decoder, Encoder, FramedRead};

/// Feeds `pieces` to a codec as `FramedRead` would (decode until `None`, then
/// more input; `decode_eof` at the end), going on after errors.
fn decode_pieces(pieces: &[&[u8]]) -> Vec<Result<ItemOwned, DecodeError>> {
    let mut codec = SseCodec::with_config(script_config());
    let mut buf = BytesMut::new();
    let mut items = Vec::new();
    let mut push = |item: Result<Option<ItemOwned>, Error>| match item {
        Ok(Some(item)) => {
            items.push(Ok(item));
            true
        }
        Ok(None) => false,
        Err(Error::Decode(e)) => {
            items.push(Err(e));
            true
        }
        Err(e) => panic!("unexpected {e:?}"),
    };
    for piece in pieces {
        buf.extend_from_slice(piece);
        while push(codec.decode(&mut buf)) {}
    }
    while push(codec.decode_eof(&mut buf)) {}
    assert!(buf.is_empty(), "decode_eof takes every byte");
    items
}

#[test]
fn decoding_any_split_of_the_script_gives_its_items() {
    let script = script_bytes();
    assert_eq!(decode_pieces(&[&script]), script_items());
    for cut in 1..script.len() {
        let (a, b) = script.split_at(cut);
        assert_eq!(decode_pieces(&[a, b]), script_items(), "cut at {cut}");
    }
    let bytes: Vec<&[u8]> = script.chunks(1).collect();
    assert_eq!(decode_pieces(&bytes), script_items(), "byte by byte");
}

#[test]
fn framed_read_yields_none_after_a_limit_error_and_resumes_when_polled_again() {
    let script = script_bytes();
    let mut framed = FramedRead::new(&script[..], SseCodec::with_config(script_config()));
    let mut runs = Vec::new();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            for _ in 0..2 {
                let mut run = Vec::new();
                while let Some(item) = framed.next().await {
                    run.push(item.map_err(|e| match e {
                        Error::Decode(e) => e,
                        other => panic!("unexpected {other:?}"),
                    }));
                }
                runs.push(run);
            }
        });
    let mut expected = script_items();
    let after = expected.split_off(6); // through the limit error
    assert_eq!(runs, [expected, after]);
}

#[test]
fn encoding_writes_whole_frames_and_refuses_bad_fields_without_writing() {
    let mut codec = SseCodec::new();
    let mut out = BytesMut::new();
    codec
        .encode(EventFrame::new("a\r\nb").with_event_type("t"), &mut out)
        .unwrap();
    codec.encode(Frame::Comment(" hi"), &mut out).unwrap();
    assert_eq!(&out[..], b"event: t\ndata: a\ndata: b\n\n: hi\n\n");

    let before = out.clone();
    let err = codec
        .encode(EventFrame::new("x").with_id("1\n2"), &mut out)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Encode(EncodeError::InvalidField { .. })
    ));
    assert_eq!(out, before, "nothing of the refused frame");
}

#[test]
fn what_the_codec_encodes_it_decodes() {
    let mut codec = SseCodec::new();
    let mut buf = BytesMut::new();
    codec
        .encode(EventFrame::new(" spaced\nlines").with_id("9"), &mut buf)
        .unwrap();
    let decoded = codec.decode_eof(&mut buf).unwrap();
    let expected = ItemOwned::Event(EventOwned {
        event_type: "message".into(),
        data: " spaced\nlines".into(),
        last_event_id: "9".into(),
    });
    assert_eq!(decoded, Some(expected));
    assert_eq!(codec.last_event_id(), "9");
}
