//! Decodes one corpus a fixed number of times: a stable workload for
//! `valgrind --tool=callgrind` or `perf`, whose instruction counts do not depend
//! on machine load the way criterion's timings do.
//!
//! `cargo build --release -p sse-benches --example decode_profile &&
//!  valgrind --tool=callgrind target/release/examples/decode_profile [CORPUS] [floor]`
//!
//! `CORPUS` is a corpus name (default `llm_tokens`). With `floor`, runs the
//! memchr newline-visiting loop over the same reads instead, for the instruction
//! count of the physical floor; with `no-comments`, our decoder with comments
//! passed over; with `steps`, our decoder through the `decode` step loop
//! instead of `feed`. With `--features peers`, `bytes` runs our decoder through
//! `feed_bytes` on `Bytes` reads (toggle `sse_benches::decode_ours_bytes*`), and `peer=NAME` (a name of
//! `sse_benches::peers::ALL`, e.g. `peer=sse-core 0.2`) runs that decoder on the
//! same 16 KiB reads instead (toggle `decode_profile::run_peer*`), for an
//! instruction ratio that does not move with machine load.

use sse_benches::{
    corpora, decode_ours, decode_ours_in_steps, decode_ours_without_comments, newline_floor,
    READ_SIZE,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("llm_tokens", String::as_str);
    let Some(corpus) = corpora().into_iter().find(|c| c.name == name) else {
        eprintln!("unknown corpus {name}");
        std::process::exit(2);
    };
    #[cfg(feature = "peers")]
    if let Some(peer) = args.iter().find_map(|a| a.strip_prefix("peer=")) {
        let Some(peer) = sse_benches::peers::ALL.iter().find(|p| p.name == peer) else {
            eprintln!("unknown peer {peer}");
            std::process::exit(2);
        };
        let bytes = bytes::Bytes::from(corpus.bytes.clone());
        let reads = sse_benches::peers::chunks(&bytes, READ_SIZE);
        println!("{} {} events x10", peer.name, run_peer(peer, &reads));
        return;
    }
    #[cfg(feature = "peers")]
    if args.iter().any(|a| a == "bytes") {
        let bytes = bytes::Bytes::from(corpus.bytes.clone());
        let reads = sse_benches::peers::chunks(&bytes, READ_SIZE);
        for _ in 0..10 {
            let counts = sse_benches::decode_ours_bytes(std::hint::black_box(&reads));
            assert_eq!(counts.events, corpus.events);
        }
        println!("{} {} events x10 (feed_bytes)", corpus.name, corpus.events);
        return;
    }
    if args.iter().any(|a| a == "floor") {
        let mut newlines = 0;
        for _ in 0..10 {
            newlines += newline_floor(&corpus.bytes, READ_SIZE, corpus.crlf);
        }
        println!("{newlines} newlines");
        return;
    }
    let mut total = 0;
    for _ in 0..10 {
        let counts = if args.iter().any(|a| a == "no-comments") {
            decode_ours_without_comments(&corpus.bytes, READ_SIZE)
        } else if args.iter().any(|a| a == "steps") {
            decode_ours_in_steps(&corpus.bytes, READ_SIZE)
        } else {
            decode_ours(&corpus.bytes, READ_SIZE)
        };
        assert_eq!(counts.events, corpus.events);
        total += counts.data_bytes;
    }
    println!(
        "{} {} events x10, {} bytes of data",
        corpus.name, corpus.events, total
    );
}

/// Ten decodes of `reads` by `peer`; the events of one.
#[cfg(feature = "peers")]
#[inline(never)]
fn run_peer(peer: &sse_benches::peers::Peer, reads: &[bytes::Bytes]) -> usize {
    let mut events = 0;
    for _ in 0..10 {
        match sse_benches::peers::count(peer, std::hint::black_box(reads)) {
            Ok(counts) => events = counts.events,
            Err(e) => panic!("{} stopped: {e}", peer.name),
        }
    }
    events
}
