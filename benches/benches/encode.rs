//! Encoder throughput: output bytes per second for LLM-token streams (many tiny
//! events), multi-line events and large single-line events, into a slice and into
//! a `Vec`. Every run checks the byte count it wrote.

// `criterion_group!` expands to an undocumented `pub fn`.
#![allow(missing_docs)]
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_proto::{Encoder, EventFrame, Frame};

/// Owned inputs; `frames()` borrows them.
struct Corpus {
    name: &'static str,
    events: Vec<(Option<String>, Option<String>, String)>,
}

impl Corpus {
    fn frames(&self) -> Vec<Frame<'_>> {
        self.events
            .iter()
            .map(|(ty, id, data)| {
                Frame::Event(EventFrame {
                    event_type: ty.as_deref(),
                    id: id.as_deref(),
                    retry: None,
                    data,
                })
            })
            .collect()
    }
}

/// A small deterministic generator (xorshift), so corpora are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> String {
        const WORDS: [&str; 12] = [
            "the", " model", " token", "ing", " stream", ",", " of", " a", " server", "-sent",
            " event", "s",
        ];
        WORDS[(self.next() % WORDS.len() as u64) as usize].into()
    }
}

/// 10,000 chat-completion deltas: `event: delta`, an `id` on every tenth, a JSON
/// line of ~60 bytes each.
fn llm_tokens() -> Corpus {
    let mut rng = Rng(0x5eed);
    let events = (0..10_000)
        .map(|i| {
            let data = format!(
                "{{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}}}}]}}",
                rng.word()
            );
            let id = (i % 10 == 0).then(|| i.to_string());
            (Some("delta".to_owned()), id, data)
        })
        .collect();
    Corpus {
        name: "llm_tokens",
        events,
    }
}

/// 200 events of ~4 KiB text with a line end every ~80 bytes (LF and CRLF mixed).
fn multi_line() -> Corpus {
    let mut rng = Rng(0xfeed);
    let events = (0..200)
        .map(|_| {
            let mut data = String::new();
            while data.len() < 4096 {
                let mut line = String::new();
                while line.len() < 80 {
                    line.push_str(&rng.word());
                }
                data.push_str(&line);
                data.push_str(if rng.next() % 2 == 0 { "\n" } else { "\r\n" });
            }
            (None, None, data)
        })
        .collect();
    Corpus {
        name: "multi_line_4k",
        events,
    }
}

/// 16 single-line events of 64 KiB (a large tool-call payload).
fn large() -> Corpus {
    let mut rng = Rng(0xbeef);
    let events = (0..16)
        .map(|i| {
            let mut data = String::new();
            while data.len() < 64 * 1024 {
                data.push_str(&rng.word());
            }
            (Some("tool".to_owned()), Some(i.to_string()), data)
        })
        .collect();
    Corpus {
        name: "large_64k",
        events,
    }
}

fn encode(c: &mut Criterion) {
    let encoder = Encoder::new();
    let mut group = c.benchmark_group("encode");
    group.measurement_time(Duration::from_secs(3));
    for corpus in [llm_tokens(), multi_line(), large()] {
        let frames = corpus.frames();
        let total: usize = frames
            .iter()
            .map(|&f| encoder.encoded_len(f).expect("corpus is encodable"))
            .sum();
        group.throughput(Throughput::Bytes(total as u64));

        let mut slice = vec![0u8; total];
        group.bench_function(format!("{}/into_slice", corpus.name), |b| {
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
        group.bench_function(format!("{}/to_vec", corpus.name), |b| {
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
    }
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
