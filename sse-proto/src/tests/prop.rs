//! Property tests: the real decoder equals the naive one on arbitrary bytes and
//! arbitrary chunkings, and every chunking of an input gives the same output.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::naive;
use crate::{Decoder, ItemOwned, Limits, Storage, StreamEnd};

/// Feeds `body` to `decoder` cut at `cuts` (sorted offsets), collecting items.
fn feed<S: Storage>(decoder: &mut Decoder<S>, body: &[u8], cuts: &[usize]) -> naive::Decoded {
    let mut items = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([body.len()]) {
        let end = end.clamp(start, body.len());
        let mut feed = decoder.feed(&body[start..end]);
        while let Some(item) = feed.next_item() {
            items.push(item.expect("no limits exceeded").into_owned());
        }
        start = end;
    }
    naive::Decoded {
        items,
        last_event_id: String::from(decoder.last_event_id()),
    }
}

fn decode_chunked(body: &[u8], cuts: &[usize]) -> naive::Decoded {
    let mut decoder = Decoder::new().with_limits(Limits::unlimited());
    feed(&mut decoder, body, cuts)
}

/// A run long enough for the decoder's long-line search (over four 64-byte
/// blocks without a line end), which classifies its bytes in one pass.
static LONG_RUN: [u8; 300] = [b'a'; 300];

/// The most pieces in a [`stream`] built from them.
const MAX_PIECES: usize = 59;

/// The most bytes of noise in a [`stream`].
const MAX_NOISE: usize = 199;

/// The longest [`stream`]: [`MAX_PIECES`] long runs, the longest piece.
const MAX_BODY: usize = MAX_PIECES * LONG_RUN.len();

const _: () = assert!(MAX_NOISE <= MAX_BODY);

/// Memory for a [`Decoder::with_buffer`] that no [`stream`] can fill: each of
/// its eighths (the event type, the ID, the ID being read) holds a whole body
/// decoded lossily (one byte becomes at most three), and its five-eighths main
/// part more than a body's data and partial line plus a lossy copy of them.
fn fixed_memory() -> Vec<u8> {
    vec![0; 8 * 3 * MAX_BODY]
}

/// Byte strings built from the pieces the grammar cares about, plus noise.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        1 => Just(&LONG_RUN[..]),
        4 => Just(&b"data"[..]),
        2 => Just(&b"event"[..]),
        2 => Just(&b"id"[..]),
        2 => Just(&b"retry"[..]),
        4 => Just(&b":"[..]),
        3 => Just(&b" "[..]),
        4 => Just(&b"\n"[..]),
        3 => Just(&b"\r"[..]),
        3 => Just(&b"\r\n"[..]),
        1 => Just(&b"\0"[..]),
        1 => Just(&b"\xEF\xBB\xBF"[..]),
        1 => Just(&b"\xFF"[..]),
        1 => Just(&b"\xE2\x82"[..]),
        1 => Just("\u{20AC}".as_bytes()),
        2 => Just(&b"12"[..]),
        2 => Just(&b"x"[..]),
        1 => Just(&b"\t"[..]),
        1 => Just(&b"Data"[..]),
    ];
    let structured = prop::collection::vec(piece, 0..=MAX_PIECES).prop_map(|v| v.concat());
    prop_oneof![
        3 => structured,
        1 => prop::collection::vec(any::<u8>(), 0..=MAX_NOISE),
    ]
}

fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..8).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

/// 2000 cases, or `PROPTEST_CASES` when set (fewer for mutation runs, more for
/// a long soak).
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 2000;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn equals_naive_reference((body, cuts) in stream().prop_flat_map(|b| {
        let len = b.len();
        (Just(b), cuts(len))
    })) {
        prop_assert_eq!(decode_chunked(&body, &cuts), naive::decode(&body, ""));
    }

    #[test]
    fn seeded_last_event_id_carries_through(body in stream(), seed in "[a-z0-9]{0,4}") {
        let mut decoder = Decoder::new().with_limits(Limits::unlimited());
        decoder.set_last_event_id(&seed).unwrap();
        let out = feed(&mut decoder, &body, &[]);
        prop_assert_eq!(out, naive::decode(&body, &seed));
    }

    #[test]
    fn passing_over_comments_drops_only_them(body in stream(), cuts in cuts(64)) {
        let with = decode_chunked(&body, &cuts);
        let mut decoder = Decoder::new().with_limits(Limits::unlimited()).with_comments(false);
        let without = feed(&mut decoder, &body, &cuts);
        let expected: Vec<_> = with
            .items
            .into_iter()
            .filter(|item| !matches!(item, ItemOwned::Comment(_)))
            .collect();
        prop_assert_eq!(without.items, expected);
        prop_assert_eq!(without.last_event_id, with.last_event_id);
    }

    #[test]
    fn fixed_buffer_equals_growable(body in stream(), cuts in cuts(64)) {
        // Big enough for every generated stream: same output, no BufferFull.
        let mut mem = fixed_memory();
        let mut fixed = Decoder::with_buffer(&mut mem).with_limits(Limits::unlimited());
        prop_assert_eq!(feed(&mut fixed, &body, &cuts), decode_chunked(&body, &cuts));
    }

    #[test]
    fn byte_by_byte_equals_whole(body in stream()) {
        let every: Vec<usize> = (1..body.len()).collect();
        prop_assert_eq!(decode_chunked(&body, &every), decode_chunked(&body, &[]));
    }

    #[test]
    fn limit_errors_never_panic_and_recover(body in stream(), cuts in cuts(64), line in 0usize..12, event in 0usize..24) {
        let limits = Limits::unlimited().with_max_line_len(line).with_max_event_len(event);
        let run = |cuts: &[usize]| {
            let mut decoder = Decoder::new().with_limits(limits);
            let mut out: Vec<Result<ItemOwned, crate::DecodeError>> = Vec::new();
            let mut start = 0;
            for end in cuts.iter().copied().chain([body.len()]) {
                let end = end.clamp(start, body.len());
                let mut feed = decoder.feed(&body[start..end]);
                while let Some(item) = feed.next_item() {
                    out.push(item.map(|i| i.into_owned()));
                }
                start = end;
            }
            out
        };
        // Errors land at the same place in the item sequence whatever the chunking.
        prop_assert_eq!(run(&cuts), run(&[]));
    }
}

/// The longest `id` line [`stream`] makes (its last piece is the line end), which
/// overflowed the 1 KiB ID slot of the 8 KiB buffer `fixed_buffer_equals_growable`
/// once had (from four long runs on).
#[test]
fn fixed_buffer_fits_the_longest_generated_id() {
    let runs = vec![&LONG_RUN[..]; MAX_PIECES - 3].concat();
    let body = [&b"id:"[..], &runs, b"\n"].concat();
    let mut mem = fixed_memory();
    let mut fixed = Decoder::with_buffer(&mut mem).with_limits(Limits::unlimited());
    assert_eq!(feed(&mut fixed, &body, &[]), decode_chunked(&body, &[]));
    assert_eq!(fixed.last_event_id().len(), 0, "not dispatched");
    let mut feed = fixed.feed(b"\n");
    assert!(feed.next_item().is_none());
    assert_eq!(fixed.last_event_id(), core::str::from_utf8(&runs).unwrap());
}

#[test]
fn finish_reports_truncation() {
    let mut d = Decoder::new();
    let _ = feed(&mut d, b"data: a\n\n", &[]);
    assert_eq!(d.finish(), StreamEnd::Clean);
    let _ = feed(&mut d, b"data: a\n", &[]);
    assert_eq!(d.finish(), StreamEnd::Truncated);
    let _ = feed(&mut d, b"data: a\n\ndat", &[]);
    assert_eq!(d.finish(), StreamEnd::Truncated);
    let _ = feed(&mut d, b": only a comment\n", &[]);
    assert_eq!(d.finish(), StreamEnd::Clean);
    let _ = feed(&mut d, b"id: 5\n", &[]);
    assert_eq!(d.finish(), StreamEnd::Truncated);
    // The uncommitted id was dropped with the block.
    assert_eq!(d.last_event_id(), "");
}

#[test]
fn small_fixed_buffer_reports_buffer_full_and_recovers() {
    let mut mem = [0u8; 64]; // 8 bytes each for type and ids, 40 for data + line
    let mut d = Decoder::with_buffer(&mut mem);
    let body = b"event: much-too-long-type\ndata: x\n\ndata: ok\n\n";
    let mut out = Vec::new();
    let mut f = d.feed(body);
    while let Some(item) = f.next_item() {
        out.push(item.map(|i| i.into_owned()));
    }
    assert_eq!(
        out,
        [
            Err(crate::DecodeError::BufferFull { capacity: 8 }),
            Ok(ItemOwned::Event(crate::EventOwned {
                event_type: "message".into(),
                data: "ok".into(),
                last_event_id: String::new(),
            })),
        ]
    );
}
