//! The decoder's line ends, 64 bytes at a time, learning on the way which bytes
//! are ASCII.
//!
//! [`LineEnds`] turns each 64-byte block of the input into a bit mask of its CR
//! and LF bytes, and notes whether the block holds a non-ASCII byte, in one pass.
//! The next line end is then the lowest set bit of the mask, so a line costs a
//! couple of bit operations instead of a search with its setup, and a value known
//! to be ASCII needs no UTF-8 check afterwards. A line with no end in sight for a
//! few blocks is finished by [`long::find_end`], which is faster on long
//! stretches.
//!
//! A block is classified with four SSE2 [`Lane`]s, or with two AVX2 vectors
//! when the CPU has AVX2 (detected at run time, feature `std`): both answer the
//! same masks, tested against a byte-by-byte definition.

use super::{long, Lane, LANE};
use crate::decode::work;

/// Bytes per block: one bit of a `u64` each.
const BLOCK: usize = 64;

/// After this many blocks without a line end, the line is long: `memchr2` takes
/// over until its end.
const LONG_LINE_BLOCKS: usize = 4;

/// The line ends of one input, found front to back.
///
/// Every byte from the first `find` position up to the last line end returned
/// has been scanned, so [`is_ascii_from`](LineEnds::is_ascii_from) can answer for
/// any line found.
#[derive(Debug)]
pub(crate) struct LineEnds<'a> {
    input: &'a [u8],
    /// Offset of the block `ends` describes.
    block: usize,
    /// CR and LF bits of that block (bit `i` is `input[block + i]`), with the bits
    /// of bytes before the last `find` position cleared.
    ends: u64,
    /// One past the last byte that may be non-ASCII among the bytes scanned (the
    /// end of the block that held it); 0 when all were ASCII.
    high_end: usize,
    /// The CPU has AVX2: blocks searched ahead use [`avx2::masks`].
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    avx2: bool,
}

impl<'a> LineEnds<'a> {
    /// A scanner over `input` whose first `find` is at `start`.
    #[inline]
    pub(crate) fn new(input: &'a [u8], start: usize) -> Self {
        let mut scan = LineEnds {
            input,
            block: start,
            ends: 0,
            high_end: 0,
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            avx2: std::is_x86_feature_detected!("avx2"),
        };
        if start < input.len() {
            scan.load(start);
        }
        scan
    }

    /// The offset of the first CR or LF at or after `pos`, or `None` when
    /// `input[pos..]` has none. `pos` starts at or after `start` and never goes
    /// back between calls.
    #[inline]
    pub(crate) fn find(&mut self, pos: usize) -> Option<usize> {
        let skip = pos.wrapping_sub(self.block);
        if skip < BLOCK {
            let ends = self.ends & (u64::MAX << skip);
            self.ends = ends;
            if ends != 0 {
                return Some(self.block + ends.trailing_zeros() as usize);
            }
            self.find_from_block(self.block + BLOCK)
        } else {
            self.find_from_block(pos)
        }
    }

    /// The input being scanned.
    #[inline]
    pub(crate) fn input(&self) -> &'a [u8] {
        self.input
    }

    /// Whether every byte from `start` to the last line end found is known to be
    /// ASCII. `false` means unknown.
    #[inline]
    pub(crate) fn is_ascii_from(&self, start: usize) -> bool {
        self.high_end <= start
    }

    /// Scans block after block from `at` up to the next line end (the choice
    /// of classifier inlined into the caller, the scan not).
    #[inline(always)]
    fn find_from_block(&mut self, at: usize) -> Option<usize> {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if self.avx2 {
            // SAFETY: the CPU has AVX2: `new` detected it.
            return unsafe { self.find_from_block_avx2(at) };
        }
        self.find_from_block_portable(at)
    }

    /// [`find_from_block`](Self::find_from_block) without AVX2.
    #[inline(never)]
    fn find_from_block_portable(&mut self, at: usize) -> Option<usize> {
        // SAFETY: without AVX2.
        unsafe { self.scan_blocks::<false>(at) }
    }

    /// [`find_from_block`](Self::find_from_block) with [`avx2::masks`] inlined.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    unsafe fn find_from_block_avx2(&mut self, at: usize) -> Option<usize> {
        // SAFETY: the CPU supports AVX2 (this function's contract).
        unsafe { self.scan_blocks::<true>(at) }
    }

    /// Classifies blocks from `at` until one holds a line end, for up to
    /// [`LONG_LINE_BLOCKS`]; then the line is long.
    ///
    /// # Safety
    ///
    /// With `AVX2`, the CPU must support AVX2.
    #[inline(always)]
    unsafe fn scan_blocks<const AVX2: bool>(&mut self, mut at: usize) -> Option<usize> {
        for _ in 0..LONG_LINE_BLOCKS {
            let Some(block) = self.input.get(at..).and_then(<[u8]>::first_chunk) else {
                return self.find_in_last_block(at);
            };
            work(BLOCK);
            // SAFETY: passed on from this function's contract.
            let (ends, high) = unsafe { block_masks::<AVX2>(block) };
            if high {
                self.high_end = at + BLOCK;
            }
            if ends != 0 {
                self.block = at;
                self.ends = ends;
                return Some(at + ends.trailing_zeros() as usize);
            }
            at += BLOCK;
        }
        self.find_in_long_line(at)
    }

    /// The end of the input is less than a block from `at`: the line end in
    /// that short block, if any.
    #[cold]
    #[inline(never)]
    fn find_in_last_block(&mut self, at: usize) -> Option<usize> {
        if at >= self.input.len() {
            self.block = at;
            self.ends = 0;
            return None;
        }
        self.load(at);
        (self.ends != 0).then(|| at + self.ends.trailing_zeros() as usize)
    }

    /// A long line: searches the rest in one go ([`long::find_end`]).
    #[cold]
    #[inline(never)]
    fn find_in_long_line(&mut self, at: usize) -> Option<usize> {
        let rest = self.input.get(at..).unwrap_or_default();
        let (end, ascii) = long::find_end(rest);
        work(end.map_or(rest.len(), |i| i + 1));
        let end = end.map(|i| at + i);
        if !ascii {
            self.high_end = end.unwrap_or(self.input.len());
        }
        match end {
            Some(end) => {
                self.load(end);
                Some(end)
            }
            None => {
                self.block = self.input.len();
                self.ends = 0;
                None
            }
        }
    }

    /// Classifies the block at `at` (`at < input.len()`; a short last block is
    /// taken from the input's last 64 bytes, or in a shorter input padded with
    /// spaces, which are ASCII and not line ends).
    #[inline]
    fn load(&mut self, at: usize) {
        let rest = &self.input[at..];
        work(rest.len().min(BLOCK));
        let (ends, high) = match (
            rest.first_chunk::<BLOCK>(),
            self.input.last_chunk::<BLOCK>(),
        ) {
            (Some(block), _) => masks(block),
            // A short last block: the input's last 64 bytes, shifted so that bit 0
            // is `at` (their bytes before `at` may count as non-ASCII: unknown).
            (None, Some(last)) => {
                let (ends, high) = masks(last);
                (ends >> (BLOCK - rest.len()), high)
            }
            (None, None) => padded_masks(rest),
        };
        self.block = at;
        self.ends = ends;
        if high {
            self.high_end = at + BLOCK;
        }
    }
}

/// [`avx2::masks`] with `AVX2`, else [`masks`].
///
/// # Safety
///
/// With `AVX2`, the CPU must support AVX2.
#[inline(always)]
unsafe fn block_masks<const AVX2: bool>(block: &[u8; BLOCK]) -> (u64, bool) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if AVX2 {
        // SAFETY: the CPU supports AVX2 (this function's contract).
        return unsafe { avx2::masks(block) };
    }
    masks(block)
}

/// [`masks`] of the last, short block of an input, padded with spaces.
#[cold]
#[inline(never)]
fn padded_masks(rest: &[u8]) -> (u64, bool) {
    let mut padded = [b' '; BLOCK];
    padded[..rest.len()].copy_from_slice(rest);
    masks(&padded)
}

/// The CR/LF mask of a block (bit `i` is set when `block[i]` is CR or LF), and
/// whether the block holds a non-ASCII byte: four [`Lane`]s.
#[inline]
fn masks(block: &[u8; BLOCK]) -> (u64, bool) {
    let lane = |k: usize| {
        let mut bytes = [0u8; LANE];
        bytes.copy_from_slice(&block[LANE * k..LANE * (k + 1)]);
        Lane::load(&bytes)
    };
    let (a, b, c, d) = (lane(0), lane(1), lane(2), lane(3));
    let ends = u64::from(a.ends::<false>())
        | u64::from(b.ends::<false>()) << LANE
        | u64::from(c.ends::<false>()) << (2 * LANE)
        | u64::from(d.ends::<false>()) << (3 * LANE);
    (ends, a.or(b).or(c.or(d)).has_high())
}

/// The AVX2 block classifier.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx2 {
    use core::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };

    use super::BLOCK;

    /// [`super::masks`] in two 32-byte vectors.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn masks(block: &[u8; BLOCK]) -> (u64, bool) {
        // SAFETY: AVX2 is available (this function's contract); the two loads
        // read bytes 0..32 and 32..64 of the 64-byte `block`, and
        // `_mm256_loadu_si256` has no alignment requirement.
        unsafe {
            let p = block.as_ptr().cast::<__m256i>();
            let (lo, hi) = (_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1)));
            let (lf, cr) = (_mm256_set1_epi8(b'\n' as i8), _mm256_set1_epi8(b'\r' as i8));
            let ends = |v| _mm256_or_si256(_mm256_cmpeq_epi8(v, lf), _mm256_cmpeq_epi8(v, cr));
            // movemask packs the 32 compare results (or sign bits) into an i32;
            // `as u32` keeps its bits.
            let (e0, e1) = (
                _mm256_movemask_epi8(ends(lo)) as u32,
                _mm256_movemask_epi8(ends(hi)) as u32,
            );
            let high = _mm256_movemask_epi8(_mm256_or_si256(lo, hi)) != 0;
            (u64::from(e0) | u64::from(e1) << 32, high)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "alloc")]
    use alloc::vec::Vec;

    fn naive_masks(block: &[u8; BLOCK]) -> (u64, bool) {
        let mut ends = 0;
        for (i, &b) in block.iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                ends |= 1 << i;
            }
        }
        (ends, block.iter().any(|&b| b >= 0x80))
    }

    /// Every classifier this CPU can run agrees with `naive_masks`.
    fn check(block: &[u8; BLOCK]) {
        let want = naive_masks(block);
        assert_eq!(masks(block), want, "{block:x?}");
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 detected just above.
            assert_eq!(unsafe { avx2::masks(block) }, want, "avx2 {block:x?}");
        }
    }

    /// Every byte value at every position, alone and among others.
    #[test]
    fn masks_match_the_naive_classification() {
        for value in 0..=255u8 {
            for at in 0..BLOCK {
                let mut block = [b'a'; BLOCK];
                block[at] = value;
                check(&block);
                // Neighbours that differ by one bit from CR/LF, and high bytes.
                let mut busy = [0u8; BLOCK];
                for (i, b) in busy.iter_mut().enumerate() {
                    *b = [0x0b, 0x0c, 0x8a, 0x8d, 0x09, 0x0e, 0x01, 0x80, 0x00][i % 9];
                }
                busy[at] = value;
                check(&busy);
            }
        }
    }

    /// Scanners over `input`: as `new` makes it (with AVX2 where the CPU has
    /// it), and with the SSE2/portable blocks only.
    fn scanners(input: &[u8]) -> [LineEnds<'_>; 2] {
        #[allow(unused_mut)]
        let mut portable = LineEnds::new(input, 0);
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        {
            portable.avx2 = false;
        }
        [LineEnds::new(input, 0), portable]
    }

    #[cfg(feature = "alloc")]
    fn all_ends(mut scan: LineEnds<'_>) -> Vec<usize> {
        let mut found = Vec::new();
        let mut pos = 0;
        while let Some(end) = scan.find(pos) {
            found.push(end);
            pos = end + 1;
        }
        found
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn finds_every_line_end_in_order() {
        for len in 0..300 {
            for step in [1, 2, 3, 7, 63, 64, 65, 200, 1000] {
                let input: Vec<u8> = (0..len)
                    .map(|i| match i % step {
                        0 if i % 2 == 0 => b'\n',
                        0 => b'\r',
                        _ => b'x',
                    })
                    .collect();
                let expect: Vec<usize> = (0..len).filter(|i| i % step == 0).collect();
                for scan in scanners(&input) {
                    assert_eq!(all_ends(scan), expect, "len {len}, every {step}");
                }
            }
        }
    }

    #[test]
    fn a_find_may_jump_ahead() {
        let mut input = [b'x'; 400];
        for at in [3, 10, 70, 130, 390] {
            input[at] = b'\n';
        }
        for mut scan in scanners(&input) {
            assert_eq!(scan.find(0), Some(3));
            assert_eq!(scan.find(11), Some(70));
            assert_eq!(scan.find(200), Some(390)); // through the long-line search
            assert_eq!(scan.find(391), None);
            assert_eq!(scan.find(399), None);
        }
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn ascii_knowledge_is_never_wrong() {
        // A non-ASCII byte at each position of a stream of short and long lines:
        // a line that holds it is never called ASCII, and the short lines a block
        // or more after it are.
        let line = |n: usize| {
            let mut l = alloc::vec![b'a'; n];
            l.push(b'\n');
            l
        };
        let lines = [10, 70, 5, 600, 30, 0, 64, 63];
        let input: Vec<u8> = lines.iter().flat_map(|&n| line(n)).collect();
        for (high, odd) in (0..input.len()).flat_map(|at| [(at, 0xC3), (at, 0x80), (at, 0xFF)]) {
            if input[high] == b'\n' {
                continue;
            }
            let mut input = input.clone();
            input[high] = odd;
            for mut scan in scanners(&input) {
                let mut pos = 0;
                while let Some(end) = scan.find(pos) {
                    if (pos..end).contains(&high) {
                        assert!(
                            !scan.is_ascii_from(pos),
                            "line {pos}..{end}, high at {high}"
                        );
                    }
                    // (A line long enough for `memchr2` counts as unknown.)
                    if pos >= high + BLOCK && end - pos < 200 {
                        assert!(scan.is_ascii_from(pos), "line {pos}..{end}, high at {high}");
                    }
                    pos = end + 1;
                }
            }
        }
    }
}
