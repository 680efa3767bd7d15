//! The rest of a long line: where it ends, and whether its bytes are ASCII, in
//! one pass.
//!
//! With AVX2 (detected at run time, feature `std`) one pass over 128 bytes per
//! step finds the line end and ORs the bytes together, so a long `data:` value
//! needs no separate UTF-8 check later. Without it, `memchr2` finds the end and
//! the bytes stay unclassified.

#[cfg(any(
    all(test, feature = "alloc"),
    all(feature = "std", target_arch = "x86_64")
))]
use super::{Lane, LANE};

/// The index of the first CR or LF in `bytes`, and whether every byte before it
/// (all of `bytes` when there is none) is known to be ASCII. `false` means
/// unknown.
#[inline]
pub(crate) fn find_end(bytes: &[u8]) -> (Option<usize>, bool) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 is available on this CPU: detected just above.
        return unsafe { avx2::find_end(bytes) };
    }
    (memchr::memchr2(b'\n', b'\r', bytes), false)
}

/// A line end found a [`Lane`] (16 bytes) at a time, then byte by byte in a
/// short tail, and whether what precedes it is ASCII.
#[cfg(any(
    all(test, feature = "alloc"),
    all(feature = "std", target_arch = "x86_64")
))]
fn find_end_in_lanes(bytes: &[u8]) -> (Option<usize>, bool) {
    let mut done = 0;
    let mut high = false;
    while let Some(chunk) = bytes[done..].first_chunk::<LANE>() {
        let lane = Lane::load(chunk);
        let ends = lane.ends::<false>();
        if ends != 0 {
            let i = ends.trailing_zeros() as usize;
            return (Some(done + i), !high && chunk[..i].is_ascii());
        }
        high |= lane.has_high();
        done += LANE;
    }
    let tail = &bytes[done..];
    match tail.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(i) => (Some(done + i), !high && tail[..i].is_ascii()),
        None => (None, !high && tail.is_ascii()),
    }
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx2 {
    use core::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8, _mm256_setzero_si256,
    };

    /// Bytes per step: four 32-byte vectors.
    const STEP: usize = 128;

    /// [`super::find_end`] with AVX2.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn find_end(bytes: &[u8]) -> (Option<usize>, bool) {
        let mut steps = bytes.chunks_exact(STEP);
        // SAFETY: for the whole block: AVX2 is available (the caller's contract),
        // and every load reads 32 bytes at offsets 0, 32, 64 and 96 of a 128-byte
        // chunk, inside it; `_mm256_loadu_si256` has no alignment requirement.
        unsafe {
            let lf = _mm256_set1_epi8(b'\n' as i8);
            let cr = _mm256_set1_epi8(b'\r' as i8);
            // The sign bit of each lane: set once a byte >= 0x80 was seen.
            let mut high = _mm256_setzero_si256();
            let mut done = 0;
            for step in &mut steps {
                let p = step.as_ptr().cast::<__m256i>();
                let v = [
                    _mm256_loadu_si256(p),
                    _mm256_loadu_si256(p.add(1)),
                    _mm256_loadu_si256(p.add(2)),
                    _mm256_loadu_si256(p.add(3)),
                ];
                // (Macros, not closures: the intrinsics stay in this AVX2 function.)
                macro_rules! end {
                    ($x:expr) => {
                        _mm256_or_si256(_mm256_cmpeq_epi8($x, lf), _mm256_cmpeq_epi8($x, cr))
                    };
                }
                let ends = _mm256_or_si256(
                    _mm256_or_si256(end!(v[0]), end!(v[1])),
                    _mm256_or_si256(end!(v[2]), end!(v[3])),
                );
                if _mm256_movemask_epi8(ends) != 0 {
                    // The end is in this step: finish it a lane at a time.
                    break;
                }
                high = _mm256_or_si256(
                    high,
                    _mm256_or_si256(_mm256_or_si256(v[0], v[1]), _mm256_or_si256(v[2], v[3])),
                );
                done += STEP;
            }
            let ascii_so_far = _mm256_movemask_epi8(high) == 0;
            let (end, ascii_rest) = super::find_end_in_lanes(&bytes[done..]);
            (end.map(|i| done + i), ascii_so_far && ascii_rest)
        }
    }
}

// Two attributes: cargo-mutants recognises a plain `cfg(test)` as test code.
#[cfg(test)]
#[cfg(feature = "alloc")]
mod tests {
    use super::*;
    use alloc::vec;

    fn naive(bytes: &[u8]) -> (Option<usize>, bool) {
        let end = bytes.iter().position(|&b| b == b'\n' || b == b'\r');
        let before = &bytes[..end.unwrap_or(bytes.len())];
        (end, before.iter().all(|&b| b < 0x80))
    }

    /// Agrees with the naive answer, or says "unknown" where it cannot know.
    fn check(bytes: &[u8]) {
        let (end, ascii) = find_end(bytes);
        let (want_end, want_ascii) = naive(bytes);
        assert_eq!(end, want_end, "{bytes:?}");
        assert!(!ascii || want_ascii, "called ASCII: {bytes:?}");
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if std::is_x86_feature_detected!("avx2") {
            assert_eq!(ascii, want_ascii, "{bytes:?}");
        }
        assert_eq!(find_end_in_lanes(bytes), naive(bytes));
    }

    #[test]
    fn every_special_byte_at_every_position() {
        for len in [0, 1, 31, 32, 127, 128, 129, 300, 520] {
            let mut bytes = vec![b'x'; len];
            check(&bytes);
            for at in 0..len {
                for special in [b'\n', b'\r', 0, 0x80, 0xFF, 0x0B, 0x7F] {
                    bytes[at] = special;
                    check(&bytes);
                    // And a line end after it, so that it lies before the end.
                    if at + 1 < len {
                        bytes[len - 1] = b'\n';
                        check(&bytes);
                        bytes[len - 1] = b'x';
                    }
                    bytes[at] = b'x';
                }
            }
        }
    }
}
