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

    /// Scans block after block from `at` up to the next line end.
    fn find_from_block(&mut self, mut at: usize) -> Option<usize> {
        for _ in 0..LONG_LINE_BLOCKS {
            if at >= self.input.len() {
                self.block = at;
                self.ends = 0;
                return None;
            }
            self.load(at);
            if self.ends != 0 {
                return Some(at + self.ends.trailing_zeros() as usize);
            }
            at += BLOCK;
        }
        self.find_in_long_line(at)
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

    /// Every byte value at every position, alone and among others.
    #[test]
    fn masks_match_the_naive_classification() {
        for value in 0..=255u8 {
            for at in 0..BLOCK {
                let mut block = [b'a'; BLOCK];
                block[at] = value;
                assert_eq!(masks(&block), naive_masks(&block), "{value:#x} at {at}");
                // Neighbours that differ by one bit from CR/LF, and high bytes.
                let mut busy = [0u8; BLOCK];
                for (i, b) in busy.iter_mut().enumerate() {
                    *b = [0x0b, 0x0c, 0x8a, 0x8d, 0x09, 0x0e, 0x01, 0x80, 0x00][i % 9];
                }
                busy[at] = value;
                assert_eq!(masks(&busy), naive_masks(&busy), "{value:#x} at {at}");
            }
        }
    }

    #[cfg(feature = "alloc")]
    fn all_ends(input: &[u8]) -> (Vec<usize>, LineEnds<'_>) {
        let mut scan = LineEnds::new(input, 0);
        let mut found = Vec::new();
        let mut pos = 0;
        while let Some(end) = scan.find(pos) {
            found.push(end);
            pos = end + 1;
        }
        (found, scan)
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
                assert_eq!(all_ends(&input).0, expect, "len {len}, every {step}");
            }
        }
    }

    #[test]
    fn a_find_may_jump_ahead() {
        let mut input = [b'x'; 400];
        for at in [3, 10, 70, 130, 390] {
            input[at] = b'\n';
        }
        let mut scan = LineEnds::new(&input, 0);
        assert_eq!(scan.find(0), Some(3));
        assert_eq!(scan.find(11), Some(70));
        assert_eq!(scan.find(200), Some(390)); // through the long-line search
        assert_eq!(scan.find(391), None);
        assert_eq!(scan.find(399), None);
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
            let mut scan = LineEnds::new(&input, 0);
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
