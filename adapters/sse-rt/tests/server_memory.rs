//! The heap an idle event stream holds once `serve_connection` has answered
//! its request: the request's read buffer and the response head are freed
//! (the stream holds no buffer of its own), so that one server holds many
//! idle subscribers in little memory (issue 14: under 8 KiB each, with the
//! socket and the runtime's share).
//!
//! Alone in its test binary: the counting allocator sees every thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::task::{Context, Waker};

use futures_lite::stream;
use sse_rt::server::{serve_connection, EncodedFrame, EventBody, Reply, ServeConfig};
use sse_rt::test_util::{Canned, VirtualRuntime};

/// The system allocator, counting the bytes allocated and not yet freed.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed to `System` unchanged; only a counter is kept
// besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System::dealloc`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn an_idle_stream_holds_no_request_buffer() {
    let rt = VirtualRuntime::new();
    let config = ServeConfig::new();
    let handler = |_| {
        let rt = rt.clone();
        // A stream with no event yet, and no keepalive: idle for good.
        async move { Reply::events(EventBody::new(stream::pending::<EncodedFrame>(), rt)) }
    };
    let before = LIVE.load(Ordering::Relaxed);
    let io = Canned::new(b"GET /events HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n");
    let mut connection = pin!(serve_connection(io, &rt, &config, &handler));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(connection.as_mut().poll(&mut cx).is_pending());
    let held = LIVE.load(Ordering::Relaxed) - before;
    // The request was read in a 4 KiB buffer; what is left is the canned
    // connection's bytes (request and response head) and the body's source.
    assert!(held > 0, "{held}");
    assert!(held < 2048, "an idle stream holds {held} bytes of heap");
}
