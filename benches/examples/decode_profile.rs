//! Decodes the LLM-token corpus a fixed number of times: a stable workload for
//! `valgrind --tool=callgrind` or `perf`, whose instruction counts do not depend
//! on machine load the way criterion's timings do.
//!
//! `cargo build --release -p sse-benches --example decode_profile &&
//!  valgrind --tool=callgrind target/release/examples/decode_profile [floor]`
//!
//! With `floor`, runs the memchr newline-visiting loop over the same reads
//! instead, for the instruction count of the physical floor.

use sse_benches::{decode_count, llm_tokens};

fn main() {
    let corpus = llm_tokens(1 << 20);
    if std::env::args().nth(1).as_deref() == Some("floor") {
        let mut newlines = 0;
        for _ in 0..10 {
            for read in corpus.bytes.chunks(16 * 1024) {
                newlines += memchr::memchr_iter(b'\n', read).count();
            }
        }
        println!("{newlines} newlines");
        return;
    }
    let mut decoder = sse_proto::Decoder::new();
    let mut total = 0;
    for _ in 0..10 {
        let (events, data) = decode_count(&mut decoder, &corpus.bytes, 16 * 1024);
        assert_eq!(events, corpus.events);
        total += data;
    }
    println!("{} events x10, {} bytes of data", corpus.events, total);
}
