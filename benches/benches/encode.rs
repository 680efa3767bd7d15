//! Encoder throughput on the decode corpora: each corpus is decoded once into its
//! events and comments, which are then encoded back, into a slice and into a
//! `Vec`, next to a `memcpy` of the same output as the floor. Every run checks
//! the byte count it wrote.

// `criterion_group!` expands to an undocumented `pub fn`.
#![allow(missing_docs)]
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_benches::corpora;
use sse_proto::{Decoder, Encoder, EventFrame, Frame, ItemOwned};

/// The items of `bytes`, owned, as a server would hold them before encoding.
fn items(bytes: &[u8]) -> Vec<ItemOwned> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    let mut feed = decoder.feed(bytes);
    while let Some(item) = feed.next_item() {
        out.push(
            item.expect("corpora are within the default limits")
                .to_owned(),
        );
    }
    out
}

/// Frames for `items`: `event:` unless `message`, `id:` when it changes (as
/// `sse encode` writes them).
fn frames(items: &[ItemOwned]) -> Vec<Frame<'_>> {
    let mut last_id = "";
    items
        .iter()
        .map(|item| match item {
            ItemOwned::Event(e) => {
                let id = (e.last_event_id != last_id).then_some(e.last_event_id.as_str());
                last_id = &e.last_event_id;
                Frame::Event(EventFrame {
                    event_type: (e.event_type != "message").then_some(e.event_type.as_str()),
                    id,
                    retry: None,
                    data: &e.data,
                })
            }
            ItemOwned::Comment(text) => Frame::Comment(text),
            ItemOwned::Retry(d) => Frame::Retry(*d),
        })
        .collect()
}

fn encode(c: &mut Criterion) {
    let encoder = Encoder::new();
    let mut group = c.benchmark_group("encode");
    group.measurement_time(Duration::from_secs(3));
    for corpus in corpora() {
        let items = items(&corpus.bytes);
        let frames = frames(&items);
        let total: usize = frames
            .iter()
            .map(|&f| encoder.encoded_len(f).expect("corpus is encodable"))
            .sum();
        group.throughput(Throughput::Bytes(total as u64));

        let mut slice = vec![0u8; total];
        group.bench_function(format!("{}/sse-proto into_slice", corpus.name), |b| {
            b.iter(|| {
                let mut at = 0;
                for &frame in &frames {
                    at += encoder
                        .encode_into(black_box(frame), &mut slice[at..])
                        .expect("room for the corpus");
                }
                assert_eq!(at, total);
                black_box(&slice);
            })
        });

        let mut vec = Vec::with_capacity(total);
        group.bench_function(format!("{}/sse-proto to_vec", corpus.name), |b| {
            b.iter(|| {
                vec.clear();
                for &frame in &frames {
                    encoder
                        .encode_to_vec(black_box(frame), &mut vec)
                        .expect("encodable");
                }
                assert_eq!(vec.len(), total);
                black_box(&vec);
            })
        });

        // The floor: copying the finished output once.
        let encoded = vec.clone();
        let mut copy = vec![0u8; total];
        group.bench_function(format!("{}/memcpy-floor", corpus.name), |b| {
            b.iter(|| {
                copy.copy_from_slice(black_box(&encoded));
                black_box(&copy);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
