//! Limits: a typed error naming the limit, at the same offset whatever the
//! chunking, then recovery at the next empty line; and the memory held stays
//! within the limit.

use sse_proto::{DecodeError, Decoder, ItemOwned, Limits};

/// A global allocator that counts, per thread, the bytes allocated and not yet
/// freed, and their peak (tests run on many threads at once).
mod memory {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    std::thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn note(change: isize) {
        // `try_with`: nothing to count once the thread's locals are gone.
        let _ = LIVE.try_with(|live| {
            let now = live.get().wrapping_add(change);
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
    }

    /// The bytes this thread holds now.
    pub(crate) fn live() -> isize {
        LIVE.with(Cell::get)
    }

    /// The most bytes this thread held since [`reset_peak`], above what it
    /// held then.
    pub(crate) fn peak_since_reset(base: isize) -> isize {
        PEAK.with(Cell::get) - base
    }

    /// Starts measuring the peak from what is held now; returns that.
    pub(crate) fn reset_peak() -> isize {
        let live = live();
        PEAK.with(|peak| peak.set(live));
        live
    }

    pub(crate) struct Counting;

    // SAFETY: forwards every call to `System` unchanged; only counts.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note(layout.size() as isize);
            // SAFETY: same contract as our caller's.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            note(-(layout.size() as isize));
            // SAFETY: same contract as our caller's.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note(new_size as isize - layout.size() as isize);
            // SAFETY: same contract as our caller's.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[global_allocator]
static GLOBAL: memory::Counting = memory::Counting;

/// Decodes `body` in `chunk`-byte reads; returns items/errors with the stream
/// offset at which each was reported.
fn run(body: &[u8], chunk: usize, limits: Limits) -> Vec<(usize, Result<ItemOwned, DecodeError>)> {
    let mut decoder = Decoder::new().with_limits(limits);
    let mut out = Vec::new();
    let mut offset = 0;
    for read in body.chunks(chunk) {
        let mut input = read;
        while !input.is_empty() {
            match decoder.decode(input) {
                Ok(step) => {
                    input = &input[step.consumed..];
                    offset += step.consumed;
                    if let Some(item) = step.item {
                        out.push((offset, Ok(item.into_owned())));
                    }
                }
                Err(e) => out.push((offset, Err(e))),
            }
        }
    }
    out
}

fn data(d: &str) -> Result<ItemOwned, DecodeError> {
    Ok(ItemOwned::Event(sse_proto::EventOwned {
        event_type: "message".into(),
        data: d.into(),
        last_event_id: String::new(),
    }))
}

fn limits(line: usize, event: usize) -> Limits {
    Limits::new()
        .with_max_line_len(line)
        .with_max_event_len(event)
}

#[test]
fn long_line_is_reported_at_the_first_byte_past_the_limit_then_skipped() {
    let body = b"data: before\n\ndata: 0123456789abcdef\ndata: same event\n\ndata: after\n\n";
    let expect = vec![
        (14, data("before")),
        (14 + 16, Err(DecodeError::LineTooLong { limit: 16 })),
        (body.len(), data("after")),
    ];
    for chunk in 1..=body.len() {
        assert_eq!(
            run(body, chunk, limits(16, 1 << 20)),
            expect,
            "chunk {chunk}"
        );
    }
}

#[test]
fn large_event_is_reported_at_the_end_of_its_data_line_then_skipped() {
    let body = b"data: 12345\ndata: 67890\ndata: x\n\ndata: ok\n\n";
    // "12345\n67890\n" is 12 bytes: over a limit of 10 at the second data line's end.
    let expect = vec![
        (23, Err(DecodeError::EventTooLarge { limit: 10 })),
        (body.len(), data("ok")),
    ];
    for chunk in 1..=body.len() {
        assert_eq!(run(body, chunk, limits(100, 10)), expect, "chunk {chunk}");
    }
}

#[test]
fn skipping_honours_crlf_split_across_reads() {
    // The over-limit event ends with CRLF CRLF; a lone CR would otherwise look like
    // an extra empty line.
    let body = b"data: 0123456789\r\n\r\ndata: ok\r\n\r\n";
    for chunk in 1..=body.len() {
        let out = run(body, chunk, limits(8, 1 << 20));
        assert_eq!(out.len(), 2, "chunk {chunk}: {out:?}");
        assert_eq!(out[0].1, Err(DecodeError::LineTooLong { limit: 8 }));
        assert_eq!(out[1].1, data("ok"));
    }
}

#[test]
fn a_huge_unterminated_line_holds_at_most_the_limit() {
    const LIMIT: usize = 1024;
    let junk = vec![b'a'; 64 * 1024];
    for read in [junk.len(), 1000, 100, 7] {
        let base = memory::reset_peak();
        let mut decoder = Decoder::new().with_limits(limits(LIMIT, 1 << 20));
        let mut errors = 0;
        // 4 MiB of one line, in reads of `read` bytes.
        for _ in 0..64 {
            for chunk in junk.chunks(read) {
                let mut feed = decoder.feed(chunk);
                while let Some(item) = feed.next_item() {
                    assert_eq!(item, Err(DecodeError::LineTooLong { limit: LIMIT }));
                    errors += 1;
                }
            }
        }
        // One error for the one line, however long it keeps going.
        assert_eq!(errors, 1, "reads of {read}");
        // The decoder kept at most the limit (its buffer grows by doubling),
        // at any time, whatever the reads.
        let peak = memory::peak_since_reset(base);
        assert!(
            peak <= 2 * LIMIT as isize,
            "reads of {read}: {peak} bytes held"
        );
        let mut feed = decoder.feed(b"\n\ndata: back\n\n");
        let item = feed.next_item().unwrap().unwrap().into_owned();
        assert_eq!(Ok(item), data("back"));
        assert!(feed.next_item().is_none());
    }
}

#[test]
fn errors_display_their_limit() {
    assert_eq!(
        DecodeError::LineTooLong { limit: 65536 }.to_string(),
        "line exceeds 65536 bytes"
    );
    assert_eq!(
        DecodeError::EventTooLarge { limit: 10 }.to_string(),
        "event data exceeds 10 bytes"
    );
    let io: std::io::Error = DecodeError::BufferFull { capacity: 8 }.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
}
