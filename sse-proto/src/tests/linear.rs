//! The decoder's work is linear in its input, whatever the chunking: no step
//! rescans what an earlier one kept. The work is counted, not timed: every
//! primitive that examines or copies bytes reports them to `tests::work`.

use alloc::vec;
use alloc::vec::Vec;

use super::work;
use crate::{DecodeError, Decoder, ItemOwned, Limits, Storage};

/// Work allowed per byte handed to the decoder (scanned, copied, checked: a
/// handful of passes at most).
const PER_BYTE: u64 = 8;

/// Work allowed per call on top of that: a [`Decoder::decode`] step classifies
/// up to one 64-byte block again beyond the item it returns.
const PER_CALL: u64 = 128;

/// The length of the long lines and events below: enough for a quadratic
/// decoder to exceed the linear budget many times over, and quick in debug builds.
const N: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Way {
    Feed,
    Steps,
}

/// What a run saw: items and errors, in order.
type Out = Vec<Result<ItemOwned, DecodeError>>;

/// Decodes `body` in reads of `read` bytes, and after every call checks that
/// the work so far is within the linear budget for the bytes and calls so far.
/// At the end it checks that every byte was looked at.
fn run<S: Storage>(decoder: &mut Decoder<S>, body: &[u8], read: usize, way: Way) -> Out {
    let mut out = Vec::new();
    let (mut given, mut calls, mut spent) = (0u64, 0u64, 0u64);
    work::take();
    let mut check = |given: u64, calls: u64| {
        spent += work::take();
        let budget = PER_BYTE * given + PER_CALL * calls;
        assert!(
            spent <= budget,
            "{way:?} in reads of {read}: work {spent} after {given} bytes in {calls} calls"
        );
        spent
    };
    for chunk in body.chunks(read) {
        given += chunk.len() as u64;
        match way {
            Way::Feed => {
                let mut feed = decoder.feed(chunk);
                loop {
                    calls += 1;
                    let Some(item) = feed.next_item() else { break };
                    out.push(item.map(|i| i.into_owned()));
                    check(given, calls);
                }
            }
            Way::Steps => {
                let mut input = chunk;
                while !input.is_empty() {
                    calls += 1;
                    match decoder.decode(input) {
                        Ok(step) => {
                            input = &input[step.consumed..];
                            out.extend(step.item.map(|i| Ok(i.into_owned())));
                        }
                        Err(e) => out.push(Err(e)),
                    }
                    check(given, calls);
                }
            }
        }
        check(given, calls);
    }
    let spent = check(given, calls);
    assert!(
        spent >= body.len() as u64,
        "{way:?} in reads of {read}: work {spent} < {} bytes: not all counted",
        body.len()
    );
    out
}

/// Bodies that exercise every place the decoder keeps something between
/// reads: long lines of each kind, long events, many items, CRLF, invalid
/// UTF-8, and skipping an over-limit line.
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let long = || vec![b'a'; N];
    let lines = |line: &[u8], end: &[u8]| [line.repeat(N / line.len()), end.to_vec()].concat();
    vec![
        (
            "long data line",
            [&b"data: "[..], &long(), b"\n\n"].concat(),
        ),
        (
            "long id line",
            [&b"id: "[..], &long(), b"\ndata\n\n"].concat(),
        ),
        (
            "long event type",
            [&b"event: "[..], &long(), b"\ndata\n\n"].concat(),
        ),
        ("long comment", [&b": "[..], &long(), b"\n"].concat()),
        (
            "long unknown field",
            [&b"x"[..], &long(), b"\n: end\n"].concat(),
        ),
        (
            "long non-ASCII data line",
            [&b"data: "[..], "\u{e9}".repeat(N / 2).as_bytes(), b"\n\n"].concat(),
        ),
        (
            "long invalid UTF-8 data line",
            [&b"data: "[..], &b"a\xFF".repeat(N / 2), b"\n\n"].concat(),
        ),
        ("many data lines", lines(b"data: xy\n", b"\n")),
        ("many events", lines(b"data: xy\n\n", b"")),
        ("many CRLF events", lines(b"id: 1\r\ndata: xy\r\n\r\n", b"")),
        ("many comments", lines(b":\n", b"")),
        ("many retries", lines(b"retry: 1\n", b"")),
    ]
}

/// Every body, in reads of every size, through both ways and both storages,
/// stays within the linear budget, and gives the same output as fed whole.
#[test]
fn work_is_linear_in_the_input_whatever_the_chunking() {
    let mut mem = vec![0u8; 16 * N];
    for (name, body) in bodies() {
        let whole = run(&mut Decoder::new(), &body, body.len(), Way::Feed);
        assert!(!whole.is_empty(), "{name}: no output");
        for read in [body.len(), 4096, 7, 1] {
            for way in [Way::Feed, Way::Steps] {
                let growable = run(&mut Decoder::new(), &body, read, way);
                assert_eq!(growable, whole, "{name}, {way:?}, reads of {read}");
                let fixed = run(&mut Decoder::with_buffer(&mut mem), &body, read, way);
                assert_eq!(fixed, whole, "{name}, fixed, {way:?}, reads of {read}");
            }
        }
    }
}

/// A line far over the limit is skipped in linear time too, and decoding goes
/// on after it.
#[test]
fn skipping_an_over_limit_line_is_linear() {
    let limits = Limits::new().with_max_line_len(1024);
    let body = [&b"data: "[..], &vec![b'a'; 4 * N], b"\n\ndata: after\n\n"].concat();
    for read in [body.len(), 7, 1] {
        for way in [Way::Feed, Way::Steps] {
            let out = run(&mut Decoder::new().with_limits(limits), &body, read, way);
            assert_eq!(out.len(), 2, "{way:?}, reads of {read}");
            assert_eq!(out[0], Err(DecodeError::LineTooLong { limit: 1024 }));
        }
    }
}
