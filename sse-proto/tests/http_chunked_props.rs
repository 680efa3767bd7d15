//! Property tests of the chunked de-framer: any chunking of the body, any split
//! of the wire, sizes in either hex case with extensions and trailers, give back
//! the data exactly; arbitrary bytes never panic.

use proptest::prelude::*;
use sse_proto::http::{
    encode_chunk, encoded_chunk_len, BodyDecoder, ChunkedDecoder, Framing, HttpLimits, LAST_CHUNK,
};
use sse_proto::StreamEnd;

/// Frames `chunks` with sizes in upper or lower case, an optional extension per
/// chunk, and optional trailers.
fn frame(chunks: &[Vec<u8>], upper: bool, ext: bool, trailers: bool) -> Vec<u8> {
    let mut wire = Vec::new();
    for data in chunks.iter().filter(|c| !c.is_empty()) {
        let size = if upper {
            format!("{:X}", data.len())
        } else {
            format!("{:x}", data.len())
        };
        wire.extend_from_slice(size.as_bytes());
        if ext {
            wire.extend_from_slice(b" ;name=\"quoted;value\"");
        }
        wire.extend_from_slice(b"\r\n");
        wire.extend_from_slice(data);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n");
    if trailers {
        wire.extend_from_slice(b"X-Checksum: abc\r\nX-Other: 1\r\n");
    }
    wire.extend_from_slice(b"\r\n");
    wire
}

/// Decodes `wire` split at `cuts` (sorted offsets); returns the data and whether
/// the body completed.
fn decode(wire: &[u8], cuts: &[usize]) -> (Vec<u8>, bool) {
    let mut d = ChunkedDecoder::new(HttpLimits::default());
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(core::iter::once(&wire.len())) {
        let mut input = &wire[start..end.max(start)];
        start = end.max(start);
        while !input.is_empty() && !d.is_done() {
            let step = d.decode(input).expect("well-formed");
            out.extend_from_slice(step.data);
            input = &input[step.consumed..];
        }
    }
    (out, d.is_done())
}

proptest! {
    #[test]
    fn any_framing_any_split_round_trips(
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..8),
        upper in any::<bool>(),
        ext in any::<bool>(),
        trailers in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let wire = frame(&chunks, upper, ext, trailers);
        let mut offsets: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
        offsets.sort_unstable();
        let expected: Vec<u8> = chunks.concat();
        prop_assert_eq!(decode(&wire, &offsets), (expected, true));
    }

    #[test]
    fn encoder_output_decodes(data in prop::collection::vec(any::<u8>(), 1..5000)) {
        let mut out = vec![0u8; encoded_chunk_len(data.len())];
        prop_assert_eq!(encode_chunk(&data, &mut out), Ok(out.len()));
        out.extend_from_slice(LAST_CHUNK);
        prop_assert_eq!(decode(&out, &[]), (data, true));
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        wire in prop::collection::vec(any::<u8>(), 0..512),
        framing in prop_oneof![
            Just(Framing::Chunked),
            Just(Framing::UntilClose),
            (0u64..600).prop_map(Framing::Length),
        ],
    ) {
        let mut body = BodyDecoder::new(framing, HttpLimits::default());
        let mut input = &wire[..];
        let mut total = 0;
        while !input.is_empty() && !body.is_done() {
            match body.decode(input) {
                Ok(step) => {
                    prop_assert!(step.consumed > 0 || body.is_done());
                    prop_assert!(step.data.len() <= step.consumed);
                    total += step.data.len();
                    input = &input[step.consumed..];
                }
                Err(_) => break,
            }
        }
        prop_assert!(total <= wire.len());
        let end = body.finish();
        prop_assert!(end == StreamEnd::Clean || end == StreamEnd::Truncated);
    }

    #[test]
    fn truncated_wire_is_never_done(
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..64), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let wire = frame(&chunks, false, false, false);
        let cut = cut.index(wire.len()); // strictly before the final LF
        let (data, done) = decode(&wire[..cut], &[]);
        prop_assert!(!done);
        prop_assert!(chunks.concat().starts_with(&data));
        let mut body = BodyDecoder::new(Framing::Chunked, HttpLimits::default());
        let mut input = &wire[..cut];
        while !input.is_empty() {
            let step = body.decode(input).expect("a prefix of a valid body");
            input = &input[step.consumed..];
        }
        prop_assert_eq!(body.finish(), StreamEnd::Truncated);
    }
}
