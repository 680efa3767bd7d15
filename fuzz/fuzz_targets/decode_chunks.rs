//! The same bytes cut by a fuzzer-chosen schedule decode exactly as when fed
//! whole: same items, errors at the same stream offsets, same
//! `last_event_id()`, `retry()` and `finish()` result; through `decode()`,
//! `feed()` and `feed_bytes()` (each read its own `Bytes`); and with
//! comments passed over, the same output less the comments.
//!
//! Input: `[max_line_len knob, max_event_len knob, n, len_1 .. len_n, body...]`.
//! The chunk lengths `len_i` (0 feeds an empty slice) repeat until the body is
//! used up; `n = 0` (or all lengths 0) feeds the body whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{chunks, decode_feed, decode_feed_bytes, decode_steps, limits, split_schedule, Out};
use sse_proto::{Decoder, ItemOwned};

fuzz_target!(|input: &[u8]| {
    let [line, event, rest @ ..] = input else {
        return;
    };
    let (schedule, body) = split_schedule(rest);
    let limits = limits(*line, *event);
    let whole = decode_feed(Decoder::new().with_limits(limits), [body]);
    let cut = chunks(body, schedule);
    assert_eq!(cut.concat(), body);
    let stepped = decode_steps(Decoder::new().with_limits(limits), cut.iter().copied());
    assert_eq!(whole, stepped, "schedule {schedule:?}");
    let fed = decode_feed(Decoder::new().with_limits(limits), cut.iter().copied());
    assert_eq!(whole, fed, "schedule {schedule:?}");
    let bytes = decode_feed_bytes(Decoder::new().with_limits(limits), cut.iter().copied());
    assert_eq!(whole, bytes, "feed_bytes, schedule {schedule:?}");
    let quiet = decode_feed(
        Decoder::new().with_limits(limits).with_comments(false),
        cut.iter().copied(),
    );
    let mut expect = whole;
    expect
        .out
        .retain(|o| !matches!(o, Out::Item(ItemOwned::Comment(_))));
    assert_eq!(expect, quiet, "comments passed over, schedule {schedule:?}");
});
