//! Arbitrary bytes under fuzzer-chosen limits: never panics, every item and
//! error respects the limits (see `sse_fuzz::checked`), and a `with_buffer`
//! decoder on ample memory, driven by the step API, gives exactly what a
//! growable decoder driven by `feed` gives.
//!
//! Input: `[max_line_len knob, max_event_len knob, body...]` (255: default).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{decode_feed, decode_steps, limits};
use sse_proto::Decoder;

fuzz_target!(|input: &[u8]| {
    let [line, event, body @ ..] = input else {
        return;
    };
    let limits = limits(*line, *event);
    let growable = decode_feed(Decoder::new().with_limits(limits), [body]);
    // Whatever the decoder keeps comes from the body, at most 3x after lossy
    // UTF-8, and each of the four regions gets at least an eighth.
    let mut mem = vec![0u8; 32 * (body.len() + 64)];
    let fixed = decode_steps(Decoder::with_buffer(&mut mem).with_limits(limits), [body]);
    assert_eq!(growable, fixed);
});
