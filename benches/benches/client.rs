//! The client path of an adapter, without sockets: a chunked HTTP body (one
//! chunk per 16 KiB read) is de-framed by `http::BodyDecoder` and fed to
//! `client::Client::handle_bytes`, on the LLM-token corpus. Next to it, the
//! de-framing alone. Every run checks the events it got.

// `criterion_group!` expands to an undocumented `pub fn`.
#![allow(missing_docs)]
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_benches::{llm_tokens, READ_SIZE};
use sse_proto::client::{Accepted, Client, Config};
use sse_proto::http::{encode_chunk, BodyDecoder, Framing, HttpLimits, LAST_CHUNK};
use sse_proto::{Instant, Item, StreamEnd};

/// `body` as `Transfer-Encoding: chunked`, one chunk per read.
fn chunked(body: &[u8]) -> Vec<u8> {
    let mut wire = Vec::with_capacity(body.len() + body.len() / 1000 + 16);
    let mut buf = vec![0u8; READ_SIZE + 64];
    for piece in body.chunks(READ_SIZE) {
        let n = encode_chunk(piece, &mut buf).expect("room for one chunk");
        wire.extend_from_slice(&buf[..n]);
    }
    wire.extend_from_slice(LAST_CHUNK);
    wire
}

/// De-frames `wire` in reads of `READ_SIZE`; with a client, decodes the events.
fn run(wire: &[u8], client: Option<&mut Client<Vec<u8>>>) -> (usize, StreamEnd) {
    let now = Instant::ZERO;
    let mut body = BodyDecoder::new(Framing::Chunked, HttpLimits::default());
    let mut events = 0;
    let mut data = 0;
    let mut client = client;
    for read in wire.chunks(READ_SIZE) {
        let mut input = read;
        while !input.is_empty() && !body.is_done() {
            let chunk = body.decode(input).expect("well-formed chunks");
            input = &input[chunk.consumed..];
            match client.as_deref_mut() {
                Some(client) => {
                    let mut items = client.handle_bytes(now, chunk.data);
                    while let Some(item) = items.next_item() {
                        if let Item::Event(_) = item.expect("within limits") {
                            events += 1;
                        }
                    }
                }
                None => data += chunk.data.len(),
            }
        }
    }
    black_box(data);
    (events, body.finish())
}

fn client(c: &mut Criterion) {
    let corpus = llm_tokens();
    let wire = chunked(&corpus.bytes);
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    group.bench_function("llm_tokens/chunked de-framing", |b| {
        b.iter(|| assert_eq!(run(black_box(&wire), None), (0, StreamEnd::Clean)))
    });
    group.bench_function("llm_tokens/de-framing + client.handle_bytes", |b| {
        let mut client = Client::new(Config::replayable(), Instant::ZERO);
        client.handle_timeout(Instant::ZERO);
        while client.poll_action().is_some() {}
        assert_eq!(
            client.handle_response(Instant::ZERO, 200, Some(b"text/event-stream")),
            Ok(Accepted::Open)
        );
        b.iter(|| {
            let (events, end) = run(black_box(&wire), Some(&mut client));
            assert_eq!((events, end), (corpus.events, StreamEnd::Clean));
        })
    });
    group.finish();
}

criterion_group!(benches, client);
criterion_main!(benches);
