//! The same bytes cut by a fuzzer-chosen schedule decode exactly as when fed
//! whole: same items, errors at the same stream offsets, same
//! `last_event_id()`, `retry()` and `finish()` result.
//!
//! Input: `[max_line_len knob, max_event_len knob, n, len_1 .. len_n, body...]`.
//! The chunk lengths `len_i` (0 feeds an empty slice) repeat until the body is
//! used up; `n = 0` (or all lengths 0) feeds the body whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{decode_feed, decode_steps, limits};
use sse_proto::Decoder;

fn chunks<'b>(body: &'b [u8], schedule: &[u8]) -> Vec<&'b [u8]> {
    let mut out = Vec::new();
    let mut rest = body;
    if schedule.iter().any(|&n| n > 0) {
        for &n in schedule.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at(usize::from(n).min(rest.len()));
            out.push(chunk);
            rest = tail;
        }
    }
    out.push(rest);
    out
}

fuzz_target!(|input: &[u8]| {
    let [line, event, n, rest @ ..] = input else {
        return;
    };
    let n = usize::from(*n % 32).min(rest.len());
    let (schedule, body) = rest.split_at(n);
    let limits = limits(*line, *event);
    let whole = decode_feed(Decoder::new().with_limits(limits), [body]);
    let cut = chunks(body, schedule);
    assert_eq!(cut.concat(), body);
    let stepped = decode_steps(Decoder::new().with_limits(limits), cut.iter().copied());
    assert_eq!(whole, stepped, "schedule {schedule:?}");
    let fed = decode_feed(Decoder::new().with_limits(limits), cut.iter().copied());
    assert_eq!(whole, fed, "schedule {schedule:?}");
});
