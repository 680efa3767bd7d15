//! Decodes the LLM-token corpus a fixed number of times: a stable workload for
//! `valgrind --tool=callgrind` or `perf`, whose instruction counts do not depend
//! on machine load the way criterion's timings do.
//!
//! `cargo build --release -p sse-benches --example decode_profile &&
//!  valgrind --tool=callgrind target/release/examples/decode_profile [floor]`
//!
//! With `floor`, runs the memchr newline-visiting loop over the same reads
//! instead, for the instruction count of the physical floor.

use sse_benches::{decode_ours, llm_tokens, newline_floor, READ_SIZE};

fn main() {
    let corpus = llm_tokens();
    if std::env::args().nth(1).as_deref() == Some("floor") {
        let mut newlines = 0;
        for _ in 0..10 {
            newlines += newline_floor(&corpus.bytes, READ_SIZE, false);
        }
        println!("{newlines} newlines");
        return;
    }
    let mut total = 0;
    for _ in 0..10 {
        let counts = decode_ours(&corpus.bytes, READ_SIZE);
        assert_eq!(counts.events, corpus.events);
        total += counts.data_bytes;
    }
    println!("{} events x10, {} bytes of data", corpus.events, total);
}
