//! Arbitrary bytes, cut by a fuzzer-chosen schedule, with small limits: never
//! panics, limits hold, and the output equals feeding the same bytes whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_proto::{DecodeError, Decoder, ItemOwned, Limits};

fn run(body: &[u8], cuts: &[usize], limits: Limits) -> Vec<Result<ItemOwned, DecodeError>> {
    let mut decoder = Decoder::new().with_limits(limits);
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain([body.len()].iter()) {
        let end = end.clamp(start, body.len());
        let mut feed = decoder.feed(&body[start..end]);
        while let Some(item) = feed.next_item() {
            let item = item.map(|i| i.to_owned());
            if let Ok(ItemOwned::Event(e)) = &item {
                assert!(e.data.len() < limits.max_event_len);
            }
            out.push(item);
        }
        start = end;
    }
    decoder.finish();
    out
}

fuzz_target!(|input: &[u8]| {
    // First byte: limits; next bytes: cut points; the rest: the stream.
    let Some((&knobs, rest)) = input.split_first() else { return };
    let ncuts = usize::from(knobs & 7).min(rest.len());
    let (cut_bytes, body) = rest.split_at(ncuts);
    let mut cuts: Vec<usize> = cut_bytes.iter().map(|&b| usize::from(b)).collect();
    cuts.sort_unstable();
    let limits = Limits::new()
        .with_max_line_len(usize::from(knobs >> 3) * 4 + 1)
        .with_max_event_len(usize::from(knobs >> 3) * 8 + 1);
    assert_eq!(run(body, &cuts, limits), run(body, &[], limits));
});
