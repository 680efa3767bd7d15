//! The client side of the HTTP layer on arbitrary bytes.
//!
//! Input: `[mode, limit knob, n, len_1 .. len_n, rest...]`: a read schedule as in
//! `decode_chunks`, then by `mode % 4`:
//! - 0, 1: `rest` is a response (head and body), parsed with `mode / 4`
//!   header slots. Never panics; a complete head is `Partial` at every prefix
//!   and parses the same alone; `framing()` agrees with the headers; the body
//!   de-framed in the scheduled reads equals the body de-framed whole.
//! - 2: `rest` is a chunked body: scheduled reads give what the whole gives.
//! - 3: `rest` cut by the schedule, written with `encode_chunk` and
//!   `LAST_CHUNK`, de-frames back to `rest`.
//!
//! The limit knob: 255 for the default `HttpLimits`, else `k` bytes of chunk
//! line, `4k` of trailers and `16k` of head.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{chunks, split_schedule};
use sse_proto::http::{
    encode_chunk, encoded_chunk_len, parse_response, BodyDecoder, ChunkedDecoder, Framing, Header,
    HttpLimits, Parsed, Response, EMPTY_HEADER, LAST_CHUNK,
};
use sse_proto::{HttpError, StreamEnd};

/// What a de-framer made of a body.
#[derive(Debug, PartialEq, Eq)]
struct Deframed {
    data: Vec<u8>,
    error: Option<HttpError>,
    done: bool,
    consumed: usize,
    end: StreamEnd,
}

/// De-frames `reads` in order with `BodyDecoder`, stopping at the end of the
/// body or the first error.
fn deframe(framing: Framing, limits: HttpLimits, reads: &[&[u8]]) -> Deframed {
    let mut body = BodyDecoder::new(framing, limits);
    let mut out = Deframed {
        data: Vec::new(),
        error: None,
        done: false,
        consumed: 0,
        end: StreamEnd::Clean,
    };
    'reads: for read in reads {
        let mut input = *read;
        while !input.is_empty() && !body.is_done() {
            match body.decode(input) {
                Ok(step) => {
                    assert!(step.consumed > 0, "no progress on {input:?}");
                    assert!(step.consumed <= input.len());
                    // The data is a slice of what was consumed.
                    if !step.data.is_empty() {
                        let at =
                            (step.data.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
                        assert!(at.saturating_add(step.data.len()) <= step.consumed);
                    }
                    out.data.extend_from_slice(step.data);
                    out.consumed += step.consumed;
                    input = &input[step.consumed..];
                }
                Err(e) => {
                    assert!(matches!(
                        e,
                        HttpError::InvalidChunkSize
                            | HttpError::InvalidChunkEnd
                            | HttpError::ChunkLineTooLong { .. }
                            | HttpError::TrailersTooLarge { .. }
                    ));
                    assert_eq!(body.decode(b"0\r\n\r\n"), Err(e), "errors are sticky");
                    out.error = Some(e);
                    // An error reports no count: the framing bytes it read before
                    // the bad one differ with the reads. The body is dead anyway.
                    out.consumed = 0;
                    break 'reads;
                }
            }
        }
        if body.is_done() {
            assert_eq!(body.decode(read).map(|s| s.consumed), Ok(0));
        }
    }
    out.done = body.is_done();
    out.end = body.finish();
    assert_eq!(
        out.end == StreamEnd::Clean,
        out.done || framing == Framing::UntilClose
    );
    out
}

/// The whole body and the scheduled reads give the same result.
fn same_split(framing: Framing, limits: HttpLimits, body: &[u8], schedule: &[u8]) -> Deframed {
    let whole = deframe(framing, limits, &[body]);
    let split = deframe(framing, limits, &chunks(body, schedule));
    assert_eq!(whole, split, "{framing:?}, schedule {schedule:?}");
    whole
}

fn headers_named<'a>(head: &'a Response<'_, '_>, name: &'a str) -> impl Iterator<Item = &'a [u8]> {
    head.headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

/// Without leading and trailing spaces and tabs (HTTP's OWS).
fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn tokens(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|t| !t.is_empty())
}

/// `framing()` agrees with the status and the framing headers (RFC 9112 §6.3).
fn check_framing(head: &Response<'_, '_>) -> Result<Framing, HttpError> {
    let framing = head.framing();
    let te: Vec<&[u8]> = headers_named(head, "transfer-encoding")
        .flat_map(tokens)
        .collect();
    let has_cl = headers_named(head, "content-length").next().is_some();
    if matches!(head.status, 100..=199 | 204 | 304) {
        assert_eq!(framing, Ok(Framing::Length(0)));
        return framing;
    }
    match framing {
        Ok(Framing::Chunked) => {
            assert!(
                te.len() == 1 && te[0].eq_ignore_ascii_case(b"chunked"),
                "{te:?}"
            )
        }
        Err(HttpError::UnsupportedTransferCoding) => {
            assert!(!(te.len() == 1 && te[0].eq_ignore_ascii_case(b"chunked")) && !te.is_empty())
        }
        Ok(Framing::Length(n)) => {
            assert!(te.is_empty());
            for v in headers_named(head, "content-length") {
                for t in v.split(|&b| b == b',').map(trim_ows) {
                    let digits = std::str::from_utf8(t)
                        .ok()
                        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
                    let value = digits.and_then(|d| d.parse::<u64>().ok());
                    assert_eq!(value, Some(n), "{t:?}");
                }
            }
            assert!(has_cl);
        }
        Err(HttpError::InvalidContentLength) => assert!(te.is_empty() && has_cl),
        Ok(Framing::UntilClose) => assert!(te.is_empty() && !has_cl),
        Err(other) => panic!("framing error {other:?}"),
    }
    framing
}

fn response(slots: usize, limits: HttpLimits, wire: &[u8], schedule: &[u8]) {
    let mut headers = vec![EMPTY_HEADER; slots];
    let head = match parse_response(wire, &mut headers, &limits) {
        Err(HttpError::HeadTooLarge { limit }) => {
            assert_eq!(limit, limits.max_head_len);
            return;
        }
        Err(HttpError::TooManyHeaders { limit }) => {
            assert_eq!(limit, slots);
            return;
        }
        Err(HttpError::MalformedHead { .. }) => return,
        Err(other) => panic!("head error {other:?}"),
        Ok(Parsed::Partial) => {
            assert!(wire.len() < limits.max_head_len);
            return;
        }
        Ok(Parsed::Complete(head)) => head,
    };
    assert!(head.head_len <= wire.len() && head.head_len <= limits.max_head_len);
    assert!(head.headers.len() <= slots);
    assert_eq!(wire[..head.head_len].last(), Some(&b'\n'));
    // Every prefix is Partial (sampled on long heads), and the head alone parses the same.
    let step = head.head_len / 256 + 1;
    let mut scratch: Vec<Header<'_>> = vec![EMPTY_HEADER; slots];
    for len in (0..head.head_len).step_by(step).chain([head.head_len - 1]) {
        assert_eq!(
            parse_response(&wire[..len], &mut scratch, &limits),
            Ok(Parsed::Partial),
            "prefix of {len} bytes"
        );
    }
    assert_eq!(
        parse_response(&wire[..head.head_len], &mut scratch, &limits),
        Ok(Parsed::Complete(Response {
            headers: head.headers,
            ..head
        }))
    );
    let body = &wire[head.head_len..];
    if let Ok(framing) = check_framing(&head) {
        let got = same_split(framing, limits, body, schedule);
        match framing {
            Framing::Length(n) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX).min(body.len());
                assert_eq!(got.data, &body[..n]);
            }
            Framing::UntilClose => assert_eq!(got.data, body),
            Framing::Chunked => {}
        }
    }
}

/// Writes `data`, cut by `schedule`, as a chunked body; it must de-frame back.
fn encode_roundtrip(data: &[u8], schedule: &[u8]) {
    let mut wire = Vec::new();
    for piece in chunks(data, schedule) {
        let len = encoded_chunk_len(piece.len());
        let mut out = vec![0u8; len + 1];
        if len > 0 {
            assert_eq!(
                encode_chunk(piece, &mut out[..len - 1]),
                Err(HttpError::BufferTooSmall { required: len })
            );
        }
        assert_eq!(encode_chunk(piece, &mut out), Ok(len));
        wire.extend_from_slice(&out[..len]);
    }
    wire.extend_from_slice(LAST_CHUNK);
    let got = same_split(Framing::Chunked, HttpLimits::default(), &wire, schedule);
    assert_eq!(got.data, data);
    assert!(got.done && got.error.is_none() && got.consumed == wire.len());
}

fuzz_target!(|input: &[u8]| {
    let [mode, knob, rest @ ..] = input else {
        return;
    };
    let (schedule, rest) = split_schedule(rest);
    let mut limits = HttpLimits::new();
    if *knob != u8::MAX {
        let k = usize::from(*knob);
        limits.max_chunk_line_len = k;
        limits.max_trailers_len = 4 * k;
        limits.max_head_len = 16 * k;
    }
    match mode % 4 {
        0 | 1 => response(usize::from(mode / 4), limits, rest, schedule),
        2 => {
            let got = same_split(Framing::Chunked, limits, rest, schedule);
            // The chunked de-framer alone says the same.
            let mut chunked = ChunkedDecoder::new(limits);
            let mut data = Vec::new();
            let mut input = rest;
            while !input.is_empty() && !chunked.is_done() {
                let Ok(step) = chunked.decode(input) else {
                    break;
                };
                data.extend_from_slice(step.data);
                input = &input[step.consumed..];
            }
            assert_eq!((data, chunked.is_done()), (got.data, got.done));
        }
        _ => encode_roundtrip(rest, schedule),
    }
});
