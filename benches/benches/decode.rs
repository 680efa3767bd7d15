//! Decode throughput on realistic corpora, fed in 16 KiB reads; every iteration
//! checks the number of events decoded.

#![allow(missing_docs)] // criterion_group!/criterion_main! generate undocumented items
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sse_benches::{decode_count, llm_tokens};

const READ: usize = 16 * 1024;

fn decode(c: &mut Criterion) {
    let corpus = llm_tokens(4 << 20);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
    group.bench_function("llm_tokens/sse-proto", |b| {
        let mut decoder = sse_proto::Decoder::new();
        b.iter(|| {
            let (events, _) = decode_count(&mut decoder, black_box(&corpus.bytes), READ);
            assert_eq!(events, corpus.events);
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
