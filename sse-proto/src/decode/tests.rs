//! Targeted decoder tests: exact rules the property tests may not reach often
//! enough (found by mutation testing), each asserting the behaviour itself.

use alloc::vec::Vec;

use super::*;
use crate::{EventOwned, Item, ItemOwned};

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

#[test]
fn an_event_exactly_at_the_event_limit_is_delivered() {
    // "12345\n67890\n": 12 bytes of data buffer.
    let body = b"data: 12345\ndata: 67890\n\n";
    for (limit, ok) in [(12, true), (11, false)] {
        let limits = Limits::new().with_max_event_len(limit);
        let out = run(&mut Decoder::new().with_limits(limits), &[body]);
        let want = if ok {
            (body.len(), data("12345\n67890"))
        } else {
            (23, Err(DecodeError::EventTooLarge { limit }))
        };
        assert_eq!(out, [want], "limit {limit}");
    }
}

#[test]
fn an_event_exactly_filling_a_fixed_buffer_is_delivered() {
    // Two lines of 19 bytes and their LFs: 40 bytes, the whole of `main`.
    let line = [&b"data: "[..], &[b'x'; 19]].concat();
    let body = [&line[..], b"\n", &line, b"\n\n"].concat();
    let want = [&[b'x'; 19][..], b"\n", &[b'x'; 19]].concat();
    let want = core::str::from_utf8(&want).unwrap();
    for cut in [body.len(), 10] {
        let mut mem = [0u8; SMALL];
        let out = run(
            &mut Decoder::with_buffer(&mut mem),
            &[&body[..cut], &body[cut..]],
        );
        assert_eq!(out, [(body.len(), data(want))], "cut at {cut}");
    }
    // One more byte does not fit.
    let body = [&line[..], b"\n", &line, b"x\n\n"].concat();
    let mut mem = [0u8; SMALL];
    let out = run(&mut Decoder::with_buffer(&mut mem), &[&body]);
    let full = Err(DecodeError::BufferFull { capacity: MAIN });
    assert_eq!(out, [(2 * line.len() + 2, full)]);
}

#[test]
fn a_non_ascii_line_makes_its_whole_event_checked() {
    // The first line is invalid UTF-8 and long enough that the second starts in
    // a later 64-byte block, which the line scanner knows to be ASCII.
    let first = [&b"\xFF"[..], &[b'b'; 80]].concat();
    let body = [&b"data: "[..], &first, b"\ndata: a\n\n"].concat();
    let want = alloc::format!("\u{FFFD}{}\na", "b".repeat(80));
    for cut in [body.len(), 50, 90] {
        let reads = [&body[..cut], &body[cut..]];
        assert_eq!(
            run(&mut Decoder::new(), &reads),
            [(body.len(), data(&want))],
            "cut at {cut}"
        );
    }
}

#[test]
fn valid_multi_line_text_is_not_copied_again_in_a_fixed_buffer() {
    // 2 lines of 12 bytes of valid non-ASCII text take 26 of the 40 bytes of
    // `main`: they fit once, not twice.
    let line = "data: \u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\n";
    let body = alloc::format!("{line}{line}\n");
    let want = "\u{e9}".repeat(6) + "\n" + &"\u{e9}".repeat(6);
    let mut mem = [0u8; SMALL];
    let out = run(&mut Decoder::with_buffer(&mut mem), &[body.as_bytes()]);
    assert_eq!(out, [(body.len(), data(&want))]);
}

#[test]
fn an_invalid_comment_kept_across_reads_is_replaced_in_a_fixed_buffer() {
    let body = b": a\xFFb\n";
    for cut in 0..=body.len() {
        let mut mem = [0u8; SMALL];
        let out = run(
            &mut Decoder::with_buffer(&mut mem),
            &[&body[..cut], &body[cut..]],
        );
        let comment = Ok(ItemOwned::Comment(" a\u{FFFD}b".into()));
        assert_eq!(out, [(body.len(), comment)], "cut at {cut}");
    }
}
