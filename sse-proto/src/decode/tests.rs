//! Targeted decoder tests: exact rules the property tests may not reach often
//! enough (found by mutation testing), each asserting the behaviour itself.

use alloc::vec::Vec;

use super::*;
use crate::{EventOwned, ItemOwned};

/// What came out, with the stream offset at which it came out (bytes of input
/// decoded before it).
type Out = Vec<(usize, Result<ItemOwned, DecodeError>)>;

/// Feeds `reads` one after the other to `decoder`.
fn run<S: Storage>(decoder: &mut Decoder<S>, reads: &[&[u8]]) -> Out {
    let mut out = Vec::new();
    let mut offset = 0;
    for read in reads {
        let mut feed = decoder.feed(read);
        while let Some(item) = feed.next_item() {
            let item = item.map(Item::into_owned);
            out.push((offset + read.len() - feed.remaining().len(), item));
        }
        offset += read.len();
    }
    out
}

fn event(ty: &str, data: &str, id: &str) -> Result<ItemOwned, DecodeError> {
    Ok(ItemOwned::Event(EventOwned {
        event_type: ty.into(),
        data: data.into(),
        last_event_id: id.into(),
    }))
}

fn data(d: &str) -> Result<ItemOwned, DecodeError> {
    event("message", d, "")
}

#[test]
fn limits_are_kept_as_given() {
    let limits = Limits::new().with_max_line_len(3).with_max_event_len(5);
    assert_eq!(Decoder::new().with_limits(limits).limits(), limits);
    assert_eq!(Decoder::new().limits(), Limits::new());
}

/// A fixed buffer of 64 bytes: 8 for the type and each ID, 40 for the data and
/// the partial line after it.
const SMALL: usize = 64;
const MAIN: usize = 40;

#[test]
fn a_partial_line_after_buffered_data_gets_exactly_the_room_left() {
    // Two data lines take 22 bytes of `main` ("0123456789\n" twice): 18 remain.
    let head = &b"data: 0123456789\ndata: 0123456789\n"[..];
    for (line, fits) in [(18, true), (19, false)] {
        let mut mem = [0u8; SMALL];
        let mut d = Decoder::with_buffer(&mut mem);
        let partial = [&b"x"[..]].repeat(line).concat();
        let out = run(&mut d, &[head, &partial, b"\n\n"]);
        let want = if fits {
            alloc::vec![(head.len() + line + 2, data("0123456789\n0123456789"))]
        } else {
            // Reported at the first byte that did not fit; the event is lost.
            let full = Err(DecodeError::BufferFull { capacity: MAIN });
            alloc::vec![(head.len() + 18, full)]
        };
        assert_eq!(out, want, "a partial line of {line}");
    }
}

#[test]
fn a_partial_line_after_data_in_the_same_read_gets_exactly_the_room_left() {
    // The data line is still borrowed from the read when the partial line is
    // met: its 10 bytes and LF will take 11 bytes of `main`, 29 remain.
    for (line, fits) in [(29, true), (30, false)] {
        let mut mem = [0u8; SMALL];
        let mut d = Decoder::with_buffer(&mut mem);
        let read = [&b"data: 0123456789\n"[..], &b"x".repeat(line)].concat();
        let out = run(&mut d, &[&read, b"\n\n"]);
        let want = if fits {
            alloc::vec![(read.len() + 2, data("0123456789"))]
        } else {
            let full = Err(DecodeError::BufferFull { capacity: MAIN });
            alloc::vec![(17 + 29, full)]
        };
        assert_eq!(out, want, "a partial line of {line}");
    }
}

/// `body` cut in two at every offset, by a growable and a fixed decoder.
fn every_cut(body: &[u8]) -> impl Iterator<Item = (usize, Out, Out)> + '_ {
    (0..=body.len()).map(move |cut| {
        let reads = [&body[..cut], &body[cut..]];
        let growable = run(&mut Decoder::new(), &reads);
        let mut mem = [0u8; 1024];
        let fixed = run(&mut Decoder::with_buffer(&mut mem), &reads);
        (cut, growable, fixed)
    })
}

#[test]
fn only_a_leading_bom_is_dropped_however_the_first_line_arrives() {
    let value = "\u{FEFF}x";
    for body in [
        &b"data: \xEF\xBB\xBFx\n\n"[..],
        b"\xEF\xBB\xBFdata: \xEF\xBB\xBFx\n\n",
    ] {
        for (cut, growable, fixed) in every_cut(body) {
            let want = alloc::vec![(body.len(), data(value))];
            assert_eq!(growable, want, "{body:?} cut at {cut}");
            assert_eq!(fixed, want, "{body:?} cut at {cut}, fixed");
        }
    }
}

#[test]
fn valid_single_line_data_is_borrowed_from_the_read_ascii_or_not() {
    for body in [&b"data: plain\n\n"[..], "data: caf\u{e9}\n\n".as_bytes()] {
        let mut d = Decoder::new();
        let mut feed = d.feed(body);
        let Some(Ok(Item::Event(e))) = feed.next_item() else {
            panic!("{body:?}")
        };
        let data = e.data().as_bytes().as_ptr_range();
        let read = body.as_ptr_range();
        assert!(
            read.start <= data.start && data.end <= read.end,
            "{body:?} was copied"
        );
    }
}
