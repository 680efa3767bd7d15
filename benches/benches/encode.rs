//! Encoder throughput on the decode corpora: each corpus is decoded once into its
//! events and comments, which are then encoded back, into a slice and into a
//! `Vec`, next to a `memcpy` of the same output as the floor. Every run checks
//! the byte count it wrote.
//!
//! With the `peers` feature the same events are also encoded by the encoders of
//! `sse-codec`, `async-sse` and axum (`axum::response::sse::Event`). Their output
//! differs slightly from ours (`data:` vs `data: `, no comments in async-sse,
//! ...), so each peer's byte count is recorded once and checked on every run;
//! the throughput of every bench is our byte count, so MB/s ratios are time
//! ratios. sse-codec has no comment type: its bench appends comments the way
//! its users must, so that it writes the same stream as ours.
//!
//! Every bench hides its input from the optimiser the same way: one
//! `black_box` over the whole list of frames (or the peer's prebuilt items)
//! per iteration, and one over the output.

// `criterion_group!` expands to an undocumented `pub fn`.
#![allow(missing_docs)]
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_benches::{corpora, encode_frames, owned_items};
use sse_proto::Encoder;

fn encode(c: &mut Criterion) {
    let encoder = Encoder::new();
    let mut group = c.benchmark_group("encode");
    group.measurement_time(Duration::from_secs(3));
    for corpus in corpora() {
        let items = owned_items(&corpus.bytes);
        let frames = encode_frames(&items);
        let total: usize = frames
            .iter()
            .map(|&f| encoder.encoded_len(f).expect("corpus is encodable"))
            .sum();
        group.throughput(Throughput::Bytes(total as u64));

        let mut slice = vec![0u8; total];
        group.bench_function(format!("{}/sse-proto into_slice", corpus.name), |b| {
            b.iter(|| {
                let mut at = 0;
                for &frame in black_box(&frames) {
                    at += encoder
                        .encode_into(frame, &mut slice[at..])
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
                for &frame in black_box(&frames) {
                    encoder.encode_to_vec(frame, &mut vec).expect("encodable");
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

        #[cfg(feature = "peers")]
        peer::bench(&mut group, corpus.name, &frames, total);
    }
    group.finish();
}

/// The peers' encoders on the same frames.
#[cfg(feature = "peers")]
mod peer {
    use std::future::Future;
    use std::hint::black_box;
    use std::io;
    use std::pin::{pin, Pin};
    use std::task::{Context, Poll, Waker};

    use axum::response::IntoResponse as _;
    use criterion::measurement::WallTime;
    use criterion::BenchmarkGroup;
    use futures_core::Stream;
    use futures_io::AsyncBufRead;
    use sse_benches::peers::{block_on_stream, sse_codec_encode, sse_codec_items};
    use sse_proto::Frame;

    /// Benches every peer encoder on `frames`, after reporting how many bytes
    /// each writes next to our `ours`.
    pub(crate) fn bench(
        group: &mut BenchmarkGroup<'_, WallTime>,
        corpus: &str,
        frames: &[Frame<'_>],
        ours: usize,
    ) {
        // sse-codec encodes its own `Event`s, which a server holds as we hold
        // `ItemOwned`s: built once, outside the timing.
        let codec_items = sse_codec_items(frames);
        let mut text = String::new();
        sse_codec_encode(&codec_items, &mut text);
        let codec_len = text.len();
        eprintln!("{corpus}: sse-proto {ours} bytes, sse-codec {codec_len}");
        group.bench_function(format!("{corpus}/sse-codec"), |b| {
            b.iter(|| {
                text.clear();
                sse_codec_encode(black_box(&codec_items), &mut text);
                assert_eq!(text.len(), codec_len);
                black_box(&text);
            })
        });

        let mut out = Vec::new();
        async_sse_encode(frames, &mut out);
        let async_sse_len = out.len();
        eprintln!("{corpus}: sse-proto {ours} bytes, async-sse {async_sse_len}");
        group.bench_function(format!("{corpus}/async-sse"), |b| {
            b.iter(|| {
                out.clear();
                async_sse_encode(black_box(frames), &mut out);
                assert_eq!(out.len(), async_sse_len);
                black_box(&out);
            })
        });

        out.clear();
        axum_encode(frames, &mut out);
        let axum_len = out.len();
        eprintln!("{corpus}: sse-proto {ours} bytes, axum {axum_len}");
        group.bench_function(format!("{corpus}/axum"), |b| {
            b.iter(|| {
                out.clear();
                axum_encode(black_box(frames), &mut out);
                assert_eq!(out.len(), axum_len);
                black_box(&out);
            })
        });
    }

    /// async-sse's `Sender` feeds a channel of one `Vec` per line, read back
    /// through its `Encoder` (`AsyncBufRead`), both driven here by one poll
    /// loop. It has no comments (left out); its `send_retry` writes seconds.
    fn async_sse_encode(frames: &[Frame<'_>], out: &mut Vec<u8>) {
        let (sender, encoder) = async_sse::encode();
        let mut encoder = pin!(encoder);
        let mut cx = Context::from_waker(Waker::noop());
        for frame in frames {
            match *frame {
                Frame::Event(e) => run(
                    sender.send(e.event_type, e.data, e.id),
                    encoder.as_mut(),
                    &mut cx,
                    out,
                ),
                Frame::Retry(d) => run(sender.send_retry(d, None), encoder.as_mut(), &mut cx, out),
                _ => {}
            }
        }
        drop(sender);
        assert!(drain(encoder.as_mut(), &mut cx, out), "encoder closed");
    }

    /// Polls `send` to completion, draining `encoder` into `out` while the
    /// channel is full.
    fn run(
        send: impl Future<Output = io::Result<()>>,
        mut encoder: Pin<&mut async_sse::Encoder>,
        cx: &mut Context<'_>,
        out: &mut Vec<u8>,
    ) {
        let mut send = pin!(send);
        loop {
            match send.as_mut().poll(cx) {
                Poll::Ready(done) => return done.expect("encoder alive"),
                Poll::Pending => {
                    drain(encoder.as_mut(), cx, out);
                }
            }
        }
    }

    /// Moves what `encoder` holds into `out`; true once it has ended.
    fn drain(
        mut encoder: Pin<&mut async_sse::Encoder>,
        cx: &mut Context<'_>,
        out: &mut Vec<u8>,
    ) -> bool {
        loop {
            match encoder.as_mut().poll_fill_buf(cx) {
                Poll::Ready(Ok([])) => return true,
                Poll::Ready(Ok(buf)) => {
                    out.extend_from_slice(buf);
                    let n = buf.len();
                    encoder.as_mut().consume(n);
                }
                Poll::Ready(Err(e)) => panic!("async-sse encoder: {e}"),
                Poll::Pending => return false,
            }
        }
    }

    /// axum's `Event` builder writes the fields as it is called; the bytes come
    /// out of the body of an `Sse` response over the events.
    fn axum_encode(frames: &[Frame<'_>], out: &mut Vec<u8>) {
        use axum::response::sse::{Event, Sse};
        let events: Vec<Event> = frames
            .iter()
            .filter_map(|frame| match *frame {
                Frame::Event(e) => {
                    let mut event = Event::default();
                    if let Some(t) = e.event_type {
                        event = event.event(t);
                    }
                    if let Some(id) = e.id {
                        event = event.id(id);
                    }
                    Some(event.data(e.data))
                }
                Frame::Comment(text) => Some(Event::default().comment(text)),
                Frame::Retry(d) => Some(Event::default().retry(d)),
                _ => None,
            })
            .collect();
        let body = Sse::new(Events(events.into_iter()))
            .into_response()
            .into_body();
        block_on_stream(body.into_data_stream(), |chunk| {
            out.extend_from_slice(&chunk.map_err(|e| e.to_string())?);
            Ok(())
        })
        .expect("in-memory body");
    }

    /// A ready `Stream` over owned axum events.
    struct Events(std::vec::IntoIter<axum::response::sse::Event>);

    impl Stream for Events {
        type Item = Result<axum::response::sse::Event, std::convert::Infallible>;

        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.next().map(Ok))
        }
    }
}

criterion_group!(benches, encode);
criterion_main!(benches);
