//! Decode throughput on every corpus, in 16 KiB reads.
//!
//! Per corpus: our decoder, the `memchr` newline floor on the same bytes, and
//! (feature `peers`) every peer decoder through its public API, and ours again
//! through the same driver interface. Each timed iteration checks its own
//! result: the event and comment counts for ours, the line-end count for the
//! floor, and for a peer the count it got before timing (a peer whose count
//! differs from the corpus's is reported on stderr as a correctness finding and
//! still timed). Plus a linearity bench: a 1 MiB line fed whole and one byte at
//! a time.
//!
//! ```text
//! cargo bench -p sse-benches --features peers -- --warm-up-time 1 --measurement-time 3
//! ```

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_benches::{
    corpora, decode_ours, decode_ours_without_comments, join_floor, newline_floor, one_long_line,
    READ_SIZE,
};

fn decode(c: &mut Criterion) {
    for corpus in corpora() {
        let mut group = c.benchmark_group(format!("decode/{}", corpus.name));
        group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));

        group.bench_function("sse-proto", |b| {
            b.iter(|| {
                let got = decode_ours(black_box(&corpus.bytes), READ_SIZE);
                assert_eq!(got.events, corpus.events);
                assert_eq!(got.comments, corpus.comments);
                got
            })
        });

        if corpus.comments > 0 {
            group.bench_function("sse-proto (comments passed over)", |b| {
                b.iter(|| {
                    let got = decode_ours_without_comments(black_box(&corpus.bytes), READ_SIZE);
                    assert_eq!(got.events, corpus.events);
                    assert_eq!(got.comments, 0);
                    got
                })
            });
        }

        let line_ends = corpus
            .bytes
            .iter()
            .filter(|&&b| b == b'\n' || (corpus.crlf && b == b'\r'))
            .count();
        group.bench_function("memchr-floor", |b| {
            b.iter(|| {
                let seen = newline_floor(black_box(&corpus.bytes), READ_SIZE, corpus.crlf);
                assert_eq!(seen, line_ends);
                seen
            })
        });
        group.bench_function("memchr+copy-floor", |b| {
            b.iter(|| {
                let seen = join_floor(black_box(&corpus.bytes), READ_SIZE, corpus.crlf);
                assert_eq!(seen, line_ends);
                seen
            })
        });

        #[cfg(feature = "peers")]
        peers::bench(&mut group, &corpus);

        group.finish();
    }
}

#[cfg(feature = "peers")]
mod peers {
    use std::hint::black_box;

    use criterion::{measurement::WallTime, BenchmarkGroup};
    use sse_benches::peers::{chunks, count, ALL};
    use sse_benches::{Corpus, READ_SIZE};

    /// Benches every entry of [`ALL`] on `corpus`: the peers, and ours once more
    /// through the same driver interface (`Bytes` reads, a callback per item), so
    /// that the harness's own cost shows.
    pub(super) fn bench(group: &mut BenchmarkGroup<'_, WallTime>, corpus: &Corpus) {
        let bytes = bytes::Bytes::from(corpus.bytes.clone());
        let reads = chunks(&bytes, READ_SIZE);
        for peer in ALL {
            let before = match count(peer, &reads) {
                Ok(got) => got,
                Err(e) => {
                    eprintln!(
                        "FINDING {} on {}: stopped with error: {e}",
                        peer.name, corpus.name
                    );
                    continue;
                }
            };
            if before.events != corpus.events {
                eprintln!(
                    "FINDING {} on {}: {} events, expected {}",
                    peer.name, corpus.name, before.events, corpus.events
                );
            }
            group.bench_function(peer.name, |b| {
                b.iter(|| {
                    let got = count(peer, black_box(&reads));
                    assert_eq!(got.as_ref().map(|g| g.events), Ok(before.events));
                    got
                })
            });
        }
    }
}

fn linearity(c: &mut Criterion) {
    const LEN: usize = 1 << 20;
    let line = one_long_line(LEN);
    let mut group = c.benchmark_group("linearity/1MiB_line");
    group.throughput(Throughput::Bytes(line.len() as u64));
    for (name, read) in [("whole", line.len()), ("byte_at_a_time", 1)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let got = decode_ours(black_box(&line), read);
                assert_eq!((got.events, got.data_bytes), (1, LEN));
                got
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = decode, linearity
}
criterion_main!(benches);
