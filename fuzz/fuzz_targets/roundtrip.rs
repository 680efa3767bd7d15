//! Arbitrary frames, encoded one after the other, decode back to what they
//! say: each event with its type (`message` when none or empty), its data with
//! every line end turned into LF, and the last event ID as the IDs set it;
//! each comment line (and keepalive line) as a comment; each `retry` as a
//! retry. Frames the encoder refuses are exactly those with an event type
//! holding CR or LF, or an ID holding CR, LF or NUL, and write nothing.
//!
//! Input: `keepalive knob: u8`, then frames as read by `sse_fuzz::FrameIn::read`.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{decode_feed, encoder, split_lines, FrameIn, Out, Reader};
use sse_proto::{Decoder, EncodeError, EventOwned, Field, ItemOwned, StreamEnd};

fuzz_target!(|input: &[u8]| {
    let mut r = Reader(input);
    let encoder = encoder(r.u8());
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    let mut last_id = String::new();
    while !r.is_empty() {
        let frame = FrameIn::read(&mut r);
        let invalid = frame.first_invalid();
        let before = wire.len();
        match encoder.encode_to_vec(frame.frame(), &mut wire) {
            Err(EncodeError::InvalidField {
                field,
                byte,
                offset,
            }) => {
                assert_eq!(wire.len(), before, "a refused frame wrote bytes");
                let is_id = field == Field::Id;
                assert!(
                    invalid.contains(&(is_id, offset, byte)),
                    "{frame:?}: {invalid:?}"
                );
                continue;
            }
            Err(other) => panic!("{other:?}"),
            Ok(n) => {
                assert!(invalid.is_empty(), "{frame:?} accepted");
                assert_eq!(n, wire.len() - before);
            }
        }
        match frame {
            FrameIn::Event {
                event_type,
                id,
                retry,
                data,
            } => {
                if let Some(ms) = retry {
                    expected.push(ItemOwned::Retry(Duration::from_millis(ms)));
                }
                if let Some(id) = id {
                    last_id = id;
                }
                let event_type = event_type.filter(|t| !t.is_empty());
                expected.push(ItemOwned::Event(EventOwned {
                    event_type: event_type.unwrap_or_else(|| "message".into()),
                    data: split_lines(&data).join("\n"),
                    last_event_id: last_id.clone(),
                }));
            }
            FrameIn::Comment(text) => {
                for line in split_lines(&text) {
                    expected.push(ItemOwned::Comment(line.into()));
                }
            }
            FrameIn::Keepalive => {
                for line in split_lines(encoder.keepalive_text()) {
                    expected.push(ItemOwned::Comment(line.into()));
                }
            }
            FrameIn::Retry(ms) => expected.push(ItemOwned::Retry(Duration::from_millis(ms))),
        }
    }
    let trace = decode_feed(Decoder::new(), [&wire[..]]);
    let got: Vec<ItemOwned> = trace
        .out
        .into_iter()
        .map(|o| match o {
            Out::Item(item) => item,
            Out::Error(e, at) => panic!("{e:?} at {at}"),
        })
        .collect();
    assert_eq!(got, expected, "wire {:?}", String::from_utf8_lossy(&wire));
    assert_eq!(trace.last_event_id, last_id);
    assert_eq!(trace.end, StreamEnd::Clean);
});
