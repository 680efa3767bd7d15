//! Property tests: the real decoder equals the naive one on arbitrary bytes and
//! arbitrary chunkings, whichever way it is driven ([`Decoder::feed`],
//! [`Decoder::decode`], `Decoder::feed_bytes`), and every chunking of an input
//! gives the same output.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::naive;
use crate::{DecodeError, Decoder, Encoder, Frame, Item, ItemOwned, Limits, Storage, StreamEnd};

/// A way to drive the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// [`Decoder::feed`] and `next_item`.
    Feed,
    /// [`Decoder::decode`], advancing by `consumed`.
    Steps,
    /// `Decoder::feed_bytes`, each read its own `Bytes`.
    #[cfg(feature = "bytes")]
    Bytes,
}

/// Every [`Way`].
const WAYS: &[Way] = &[
    Way::Feed,
    Way::Steps,
    #[cfg(feature = "bytes")]
    Way::Bytes,
];

fn way() -> impl Strategy<Value = Way> {
    prop::sample::select(WAYS)
}

/// The items and errors of one run, in order.
type Out = Vec<Result<ItemOwned, DecodeError>>;

/// Decodes one read the given way, appending what comes out to `out`.
fn decode_read<S: Storage>(way: Way, decoder: &mut Decoder<S>, read: &[u8], out: &mut Out) {
    match way {
        Way::Feed => {
            let mut feed = decoder.feed(read);
            while let Some(item) = feed.next_item() {
                out.push(item.map(Item::into_owned));
            }
            assert!(feed.remaining().is_empty());
        }
        Way::Steps => {
            let mut input = read;
            // An error consumes nothing, and the step after it must go on.
            let mut idle = 0;
            while !input.is_empty() {
                match decoder.decode(input) {
                    Ok(step) => {
                        assert!(step.consumed <= input.len());
                        input = &input[step.consumed..];
                        out.extend(step.item.map(|item| Ok(item.into_owned())));
                        idle = if step.consumed == 0 { idle + 1 } else { 0 };
                    }
                    Err(e) => {
                        out.push(Err(e));
                        idle += 1;
                    }
                }
                assert!(idle < 3, "no progress at {} bytes left", input.len());
            }
        }
        #[cfg(feature = "bytes")]
        Way::Bytes => {
            let chunk = bytes::Bytes::copy_from_slice(read);
            let mut feed = decoder.feed_bytes(&chunk);
            while let Some(item) = feed.next_item() {
                out.push(item.map(|item| item.as_item().into_owned()));
            }
            assert!(feed.remaining().is_empty());
        }
    }
}

/// Decodes `body` cut at `cuts` (sorted offsets) the given way.
fn run<S: Storage>(way: Way, decoder: &mut Decoder<S>, body: &[u8], cuts: &[usize]) -> Out {
    let mut out = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([body.len()]) {
        let end = end.clamp(start, body.len());
        decode_read(way, decoder, &body[start..end], &mut out);
        start = end;
    }
    out
}

/// [`run`] when no limit can be exceeded: the items, and the last event ID.
fn decoded<S: Storage>(
    way: Way,
    decoder: &mut Decoder<S>,
    body: &[u8],
    cuts: &[usize],
) -> naive::Decoded {
    let items = run(way, decoder, body, cuts);
    naive::Decoded {
        items: items
            .into_iter()
            .map(|item| item.expect("no limits exceeded"))
            .collect(),
        last_event_id: String::from(decoder.last_event_id()),
    }
}

/// [`decoded`] by a fresh decoder without limits.
fn decode_chunked(way: Way, body: &[u8], cuts: &[usize]) -> naive::Decoded {
    let mut decoder = Decoder::new().with_limits(Limits::unlimited());
    decoded(way, &mut decoder, body, cuts)
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
        let naive = naive::decode(&body, "");
        for &way in WAYS {
            prop_assert_eq!(&decode_chunked(way, &body, &cuts), &naive, "{:?}", way);
        }
    }

    #[test]
    fn seeded_last_event_id_carries_through(body in stream(), seed in "[a-z0-9]{0,4}", way in way()) {
        let mut decoder = Decoder::new().with_limits(Limits::unlimited());
        decoder.set_last_event_id(&seed).unwrap();
        let out = decoded(way, &mut decoder, &body, &[]);
        prop_assert_eq!(out, naive::decode(&body, &seed));
    }

    #[test]
    fn passing_over_comments_drops_only_them(body in stream(), cuts in cuts(64), way in way()) {
        let with = decode_chunked(way, &body, &cuts);
        let mut decoder = Decoder::new().with_limits(Limits::unlimited()).with_comments(false);
        let without = decoded(way, &mut decoder, &body, &cuts);
        let expected: Vec<_> = with
            .items
            .into_iter()
            .filter(|item| !matches!(item, ItemOwned::Comment(_)))
            .collect();
        prop_assert_eq!(without.items, expected);
        prop_assert_eq!(without.last_event_id, with.last_event_id);
    }

    #[test]
    fn fixed_buffer_equals_growable(body in stream(), cuts in cuts(64), way in way()) {
        // Big enough for every generated stream: same output, no BufferFull.
        let mut mem = fixed_memory();
        let mut fixed = Decoder::with_buffer(&mut mem).with_limits(Limits::unlimited());
        prop_assert_eq!(
            decoded(way, &mut fixed, &body, &cuts),
            decode_chunked(way, &body, &cuts)
        );
    }

    #[test]
    fn byte_by_byte_equals_whole(body in stream(), way in way()) {
        let every: Vec<usize> = (1..body.len()).collect();
        prop_assert_eq!(decode_chunked(way, &body, &every), decode_chunked(way, &body, &[]));
    }

    #[test]
    fn every_way_and_chunking_gives_the_same_items_and_errors(
        body in stream(),
        cuts in cuts(64),
        line in 0usize..12,
        event in 0usize..24,
    ) {
        let limits = Limits::unlimited().with_max_line_len(line).with_max_event_len(event);
        let whole = run(Way::Feed, &mut Decoder::new().with_limits(limits), &body, &[]);
        for &way in WAYS {
            // Errors land at the same place in the item sequence whatever the
            // chunking and the way, and decoding goes on after them.
            let out = run(way, &mut Decoder::new().with_limits(limits), &body, &cuts);
            prop_assert_eq!(&out, &whole, "{:?}", way);
        }
    }

    #[test]
    fn encoding_the_items_as_frames_gives_them_back(body in stream(), cuts in cuts(64)) {
        // What a relay does: decode, convert each item to a frame, encode.
        let items = decode_chunked(Way::Feed, &body, &cuts).items;
        let mut wire = Vec::new();
        for item in &items {
            Encoder::new().encode_to_vec(Frame::from(item.as_item()), &mut wire).unwrap();
        }
        prop_assert_eq!(decode_chunked(Way::Feed, &wire, &[]).items, items);
    }
}

/// Single-line events whose data is valid UTF-8, in one `Bytes` chunk: every
/// event's data is a slice of the chunk, not a copy.
#[cfg(feature = "bytes")]
mod zero_copy {
    use super::*;
    use crate::BytesItem;
    use bytes::Bytes;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn data_lying_in_the_chunk_is_a_slice_of_it(
            events in prop::collection::vec(("[^\r\n]{0,80}", prop::bool::ANY), 1..20),
        ) {
            let mut body = Vec::new();
            for (data, crlf) in &events {
                let end: &[u8] = if *crlf { b"\r\n" } else { b"\n" };
                body.extend_from_slice(b"event: t\ndata: ");
                body.extend_from_slice(data.as_bytes());
                body.extend_from_slice(end);
                body.extend_from_slice(end);
            }
            let chunk = Bytes::from(body);
            let range = chunk.as_ptr_range();
            let mut decoder = Decoder::new();
            let mut seen = 0;
            for item in decoder.feed_bytes(&chunk) {
                let Ok(BytesItem::Event(e)) = item else { panic!("{item:?}") };
                prop_assert_eq!(&*e.data, events[seen].0.as_str());
                let data = e.data.as_bytes().as_ptr_range();
                prop_assert!(range.start <= data.start && data.end <= range.end);
                seen += 1;
            }
            prop_assert_eq!(seen, events.len());
        }
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
    assert_eq!(
        decoded(Way::Feed, &mut fixed, &body, &[]),
        decode_chunked(Way::Feed, &body, &[])
    );
    assert_eq!(fixed.last_event_id().len(), 0, "not dispatched");
    let mut feed = fixed.feed(b"\n");
    assert!(feed.next_item().is_none());
    assert_eq!(fixed.last_event_id(), core::str::from_utf8(&runs).unwrap());
}

#[test]
fn finish_reports_truncation() {
    let mut d = Decoder::new();
    for (body, end) in [
        (&b"data: a\n\n"[..], StreamEnd::Clean),
        (b"data: a\n", StreamEnd::Truncated),
        (b"data: a\n\ndat", StreamEnd::Truncated),
        (b": only a comment\n", StreamEnd::Clean),
        (b"id: 5\n", StreamEnd::Truncated),
    ] {
        let _ = run(Way::Feed, &mut d, body, &[]);
        assert_eq!(d.finish(), end, "{body:?}");
    }
    // The uncommitted id was dropped with the block.
    assert_eq!(d.last_event_id(), "");
}

#[test]
fn small_fixed_buffer_reports_buffer_full_and_recovers() {
    let mut mem = [0u8; 64]; // 8 bytes each for type and ids, 40 for data + line
    let mut d = Decoder::with_buffer(&mut mem);
    let body = b"event: much-too-long-type\ndata: x\n\ndata: ok\n\n";
    assert_eq!(
        run(Way::Feed, &mut d, body, &[]),
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
