//! Finding the bytes a field value may not hold, a lane at a time.
//!
//! Shared by the encoder's validation and the decoder's skip mode and ID check.
//! Event types, IDs and data are scanned on every frame, and most are short: a
//! library search call costs more than the scan itself there. This scan tests
//! 16-byte [`Lane`]s, two per step, and covers the last partial lane by
//! re-testing the final 16 bytes; a value shorter than a lane is tested as two
//! words held in registers. Past 256 bytes, `memchr` takes over.

use super::{is_special, Lane, LANE as BLOCK};

/// The inline scan covers this many bytes; `memchr`'s run-time-dispatched
/// (AVX2) search, faster once its call is paid for, covers the rest.
const LONG: usize = 256;

/// The offset of the first CR or LF in `bytes`.
#[inline]
pub(crate) fn find_line_end(bytes: &[u8]) -> Option<usize> {
    let (head, tail) = bytes.split_at(bytes.len().min(LONG));
    match find::<false>(head) {
        None if !tail.is_empty() => memchr::memchr2(b'\n', b'\r', tail).map(|i| LONG + i),
        found => found,
    }
}

/// The offset of the first CR, LF or NUL in `bytes`.
#[inline]
pub(crate) fn find_line_end_or_nul(bytes: &[u8]) -> Option<usize> {
    let (head, tail) = bytes.split_at(bytes.len().min(LONG));
    match find::<true>(head) {
        None if !tail.is_empty() => memchr::memchr3(b'\n', b'\r', 0, tail).map(|i| LONG + i),
        found => found,
    }
}

/// The offset of the first CR or LF (or NUL, with `NUL`) in `bytes`.
#[inline(always)]
fn find<const NUL: bool>(bytes: &[u8]) -> Option<usize> {
    let len = bytes.len();
    if len < BLOCK {
        let (a, b) = short_words(bytes);
        if !has_control(a) && !has_control(b) {
            return None;
        }
        // A control byte: rare in field values, and every error lands here.
        return bytes.iter().position(|&b| is_special::<NUL>(b));
    }
    let mut at = 0;
    let mut rest = bytes;
    // Two blocks per step: one branch per 32 bytes.
    while let Some(pair) = rest.first_chunk::<{ 2 * BLOCK }>() {
        let (lo, hi) = pair.split_at(BLOCK);
        if let (Some(lo), Some(hi)) = (lo.first_chunk::<BLOCK>(), hi.first_chunk::<BLOCK>()) {
            if let Some(i) = first(mask::<NUL>(lo) | mask::<NUL>(hi) << BLOCK) {
                return Some(at + i);
            }
        }
        at += 2 * BLOCK;
        rest = &rest[2 * BLOCK..];
    }
    if let Some(block) = rest.first_chunk::<BLOCK>() {
        if let Some(i) = first(mask::<NUL>(block)) {
            return Some(at + i);
        }
    }
    // The last, partial block: test the final 16 bytes. Those before them were
    // tested clean, so the first hit among them is the first hit overall.
    let last = bytes.last_chunk::<BLOCK>()?;
    first(mask::<NUL>(last)).map(|i| len - BLOCK + i)
}

/// Calls `hit` with the offset of every CR and LF in `bytes`, in order: one
/// pass for a value with many line ends, where a search per line end would
/// start over each time.
#[inline(always)]
pub(crate) fn each_line_end_byte(bytes: &[u8], mut hit: impl FnMut(usize)) {
    let mut each_bit = |at: usize, mut mask: u32| {
        while mask != 0 {
            hit(at + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    };
    let mut at = 0;
    let mut rest = bytes;
    while let Some(pair) = rest.first_chunk::<{ 2 * BLOCK }>() {
        let (lo, hi) = pair.split_at(BLOCK);
        if let (Some(lo), Some(hi)) = (lo.first_chunk::<BLOCK>(), hi.first_chunk::<BLOCK>()) {
            each_bit(at, mask::<false>(lo) | mask::<false>(hi) << BLOCK);
        }
        at += 2 * BLOCK;
        rest = &rest[2 * BLOCK..];
    }
    if let Some(block) = rest.first_chunk::<BLOCK>() {
        each_bit(at, mask::<false>(block));
        at += BLOCK;
        rest = &rest[BLOCK..];
    }
    if rest.is_empty() {
        return;
    }
    match bytes.last_chunk::<BLOCK>() {
        // The final 16 bytes, less those already seen.
        Some(last) => each_bit(at, mask::<false>(last) >> (BLOCK - rest.len())),
        None => {
            for (i, &b) in rest.iter().enumerate() {
                if is_special::<false>(b) {
                    each_bit(at + i, 1);
                }
            }
        }
    }
}

/// The index of the lowest set bit of `mask`.
#[inline(always)]
fn first(mask: u32) -> Option<usize> {
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

/// A byte in every lane of a word.
const ONES: u64 = u64::from_ne_bytes([1; 8]);

/// Eight spaces: padding that is never special.
const SPACES: u64 = ONES * b' ' as u64;

/// Whether a byte of `word` is below 14. CR, LF and NUL all are, and few other
/// bytes (tab, VT, FF and the like), so a word without one holds none of them.
/// Exact: a borrow only starts at a byte below 14, which is itself flagged.
#[inline(always)]
fn has_control(word: u64) -> bool {
    word.wrapping_sub(ONES * 14) & !word & (ONES * 0x80) != 0
}

/// Two words that hold every byte of `bytes` (shorter than 16) between them,
/// overlapping or padded with spaces, read without going through memory.
#[inline(always)]
fn short_words(bytes: &[u8]) -> (u64, u64) {
    if let (Some(a), Some(b)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return (u64::from_ne_bytes(*a), u64::from_ne_bytes(*b));
    }
    if let (Some(a), Some(b)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (a, b) = (u32::from_ne_bytes(*a), u32::from_ne_bytes(*b));
        return (u64::from(a) | u64::from(b) << 32, SPACES);
    }
    match *bytes {
        [] => (SPACES, SPACES),
        // One to three bytes: first, middle, last (some the same).
        [first, ..] => {
            let n = bytes.len();
            let word = [
                first,
                bytes[n / 2],
                bytes[n - 1],
                b' ',
                b' ',
                b' ',
                b' ',
                b' ',
            ];
            (u64::from_ne_bytes(word), SPACES)
        }
    }
}

/// Bit `i` is set when `block[i]` is CR or LF (or NUL, with `NUL`).
#[inline(always)]
fn mask<const NUL: bool>(block: &[u8; BLOCK]) -> u32 {
    Lane::load(block).ends::<NUL>()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn naive(bytes: &[u8], nul: bool) -> Option<usize> {
        bytes
            .iter()
            .position(|&b| b == b'\n' || b == b'\r' || (nul && b == 0))
    }

    /// Every special byte at every position of `filler * len`, alone and with
    /// a second special byte three bytes later.
    fn check_every_position(len: usize, filler: u8) {
        let clean: Vec<u8> = (0..len).map(|_| filler).collect();
        assert_eq!(find_line_end(&clean), None, "len {len} filler {filler}");
        assert_eq!(find_line_end_or_nul(&clean), None);
        each_line_end_byte(&clean, |i| panic!("clean: hit at {i}"));
        for at in 0..len {
            for special in [b'\n', b'\r', 0] {
                let mut bytes = clean.clone();
                bytes[at] = special;
                if let Some(later) = bytes.get_mut(at + 3) {
                    *later = b'\n';
                }
                let ctx = (len, at, special, filler);
                let mut all = Vec::new();
                each_line_end_byte(&bytes, |i| all.push(i));
                let expected: Vec<usize> = (0..len)
                    .filter(|&i| is_special::<false>(bytes[i]))
                    .collect();
                assert_eq!(all, expected, "{ctx:?}");
                assert_eq!(find_line_end(&bytes), naive(&bytes, false), "{ctx:?}");
                assert_eq!(find_line_end_or_nul(&bytes), naive(&bytes, true), "{ctx:?}");
            }
        }
    }

    /// Lengths 0..80 (every block layout: padded, whole blocks, pairs, the
    /// overlapping last block), over fillers next to the special bytes (tab,
    /// VT, FF, SO, high bytes that share their low bits), and the lengths
    /// around the hand-over to `memchr`.
    #[test]
    fn finds_the_first_special_byte_everywhere() {
        for filler in [b'a', b' ', b'\t', 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF] {
            for len in 0..80 {
                check_every_position(len, filler);
            }
        }
        for len in [LONG - 1, LONG, LONG + 1, LONG + 40] {
            check_every_position(len, b'a');
        }
    }
}
