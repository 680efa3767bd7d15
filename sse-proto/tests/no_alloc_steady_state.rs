//! After warm-up, decoding allocates nothing: 10,000+ events of an LLM-like stream
//! fed in 16 KiB reads, counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sse_proto::{Decoder, Item};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A realistic mix: token deltas with event names and ids, multi-line events,
/// keepalive comments, retries, CRLF and LF, split wherever 16 KiB reads fall.
fn corpus(events: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..events {
        match i % 10 {
            0 => out.extend_from_slice(b": keepalive\n\n"),
            1 => out.extend_from_slice(format!("id: {i:05}\r\nevent: ping\r\ndata: {i:05}\r\n\r\n").as_bytes()),
            2 => out.extend_from_slice(b"data: line one\ndata: line two\ndata: line three\n\n"),
            3 => out.extend_from_slice(b"retry: 3000\n"),
            _ => out.extend_from_slice(
                format!(
                    "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\" tok{i:05}\"}}}}\n\n"
                )
                .as_bytes(),
            ),
        }
    }
    out
}

#[test]
fn no_allocation_per_event_after_warm_up() {
    let body = corpus(14_000);
    let mut decoder = Decoder::new();
    let mut events = 0usize;
    let mut bytes_seen = 0usize;
    let mut after_warm_up = None;
    for read in body.chunks(16 * 1024) {
        let mut input = read;
        while !input.is_empty() {
            let step = decoder.decode(input).expect("within default limits");
            input = &input[step.consumed..];
            if let Some(Item::Event(e)) = step.item {
                events += 1;
                bytes_seen += e.data().len();
                if events == 1000 {
                    after_warm_up = Some(ALLOCATIONS.load(Ordering::Relaxed));
                }
            }
        }
    }
    let warm = after_warm_up.expect("more than 1000 events");
    let end = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(events >= 10_000, "decoded {events} events");
    assert!(bytes_seen > 0);
    assert_eq!(
        end,
        warm,
        "{} allocations after warm-up over {events} events",
        end - warm
    );
}
