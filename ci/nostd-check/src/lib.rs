//! Links sse-proto into a `#![no_std]` staticlib and decodes with caller memory.
#![no_std]

use sse_proto::{Decoder, Item};

/// Decodes `len` bytes at `ptr` with a stack buffer; returns the number of events.
///
/// # Safety
///
/// `ptr` must be valid for reads of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn sse_count_events(ptr: *const u8, len: usize) -> usize {
    // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
    let mut input = unsafe { core::slice::from_raw_parts(ptr, len) };
    let mut mem = [0u8; 4096];
    let mut decoder = Decoder::with_buffer(&mut mem);
    let mut events = 0;
    while !input.is_empty() {
        match decoder.decode(input) {
            Ok(step) => {
                input = &input[step.consumed..];
                if let Some(Item::Event(_)) = step.item {
                    events += 1;
                }
            }
            Err(_) => continue,
        }
    }
    events
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
