//! Encodes the frames of one corpus a fixed number of times, the encode bench's
//! workload for `valgrind --tool=callgrind`, whose instruction counts do not
//! depend on machine load the way criterion's timings do.
//!
//! `cargo build --release -p sse-benches --example encode_profile &&
//!  valgrind --tool=callgrind --toggle-collect='encode_profile::run*'
//!  target/release/examples/encode_profile [CORPUS] [slice|vec]`
//!
//! `CORPUS` is a corpus name (default `llm_tokens`); the target is a slice
//! (default) or a `Vec` reused across rounds. With `--features peers`,
//! `sse-codec` runs sse-codec's encoder on the same frames instead (toggle
//! `encode_profile::run_codec*`). Prints the frame count, so that instructions
//! per frame are the collected total over `10 x frames`.

use std::hint::black_box;

use sse_benches::{corpora, encode_frames, owned_items};
use sse_proto::{Encoder, Frame};

const ROUNDS: usize = 10;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("llm_tokens", String::as_str);
    let to_vec = args.iter().any(|a| a == "vec");
    let Some(corpus) = corpora().into_iter().find(|c| c.name == name) else {
        eprintln!("unknown corpus {name}");
        std::process::exit(2);
    };
    let items = owned_items(&corpus.bytes);
    let frames = encode_frames(&items);
    #[cfg(feature = "peers")]
    if args.iter().any(|a| a == "sse-codec") {
        let codec_items = sse_benches::peers::sse_codec_items(&frames);
        let mut text = String::new();
        for _ in 0..ROUNDS {
            run_codec(&codec_items, &mut text);
        }
        println!(
            "{} {} frames x{ROUNDS} (sse-codec)",
            corpus.name,
            frames.len()
        );
        return;
    }
    let encoder = Encoder::new();
    let total: usize = frames
        .iter()
        .map(|&f| encoder.encoded_len(f).expect("corpus is encodable"))
        .sum();
    let mut slice = vec![0u8; total];
    let mut vec = Vec::with_capacity(total);
    for _ in 0..ROUNDS {
        let written = run(&encoder, &frames, to_vec, &mut slice, &mut vec);
        assert_eq!(written, total);
    }
    println!(
        "{} {} frames x{ROUNDS}, {total} bytes each round",
        corpus.name,
        frames.len()
    );
}

/// One round, as the bench times it: every frame into `slice`, or appended to
/// the cleared `vec`.
#[inline(never)]
fn run(
    encoder: &Encoder,
    frames: &[Frame<'_>],
    to_vec: bool,
    slice: &mut [u8],
    vec: &mut Vec<u8>,
) -> usize {
    if to_vec {
        vec.clear();
        for &frame in black_box(frames) {
            encoder.encode_to_vec(frame, vec).expect("encodable");
        }
        black_box(&vec);
        vec.len()
    } else {
        let mut at = 0;
        for &frame in black_box(frames) {
            at += encoder
                .encode_into(frame, &mut slice[at..])
                .expect("room for the corpus");
        }
        black_box(&slice);
        at
    }
}

/// One round of sse-codec's encoder, as the bench times it.
#[cfg(feature = "peers")]
#[inline(never)]
fn run_codec(items: &[sse_benches::peers::CodecItem<'_>], text: &mut String) {
    text.clear();
    sse_benches::peers::sse_codec_encode(black_box(items), text);
    black_box(&text);
}
