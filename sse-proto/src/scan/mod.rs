//! Finding CR, LF (and NUL, and non-ASCII bytes) in bytes: the one scanner the
//! decoder and the encoder share.
//!
//! Everything is built on one primitive, [`Lane`]: 16 bytes loaded once, then
//! asked for the bit mask of their CR and LF bytes (and NUL, where a field value
//! may not hold one) and whether any is non-ASCII. It has two implementations:
//! SSE2 on x86_64 (part of that target's baseline, so no detection is needed)
//! and a word-at-a-time (SWAR) one everywhere else, tested against each other
//! and a byte-by-byte definition for every byte value at every position.
//!
//! - [`lines`]: the decoder's line ends, 64 bytes (four lanes, or two AVX2
//!   vectors when the CPU has AVX2: run-time detection, feature `std`) per
//!   block, with the "all ASCII so far" knowledge that spares most values a
//!   UTF-8 check.
//! - [`long`]: the rest of a long line, with AVX2 when the CPU has it (run-time
//!   detection, feature `std`), else `memchr2`.
//! - [`value`]: the first CR/LF (or NUL) in a field value, and every line end of
//!   a multi-line value, for the encoder's checks and the decoder's ID rule.

pub(crate) mod lines;
pub(crate) mod long;
pub(crate) mod value;

pub(crate) use value::{each_line_end_byte, find_line_end, find_line_end_or_nul};

/// Bytes per [`Lane`].
pub(crate) const LANE: usize = 16;

/// CR or LF (or NUL, with `NUL`): the byte-by-byte definition every [`Lane`]
/// implementation agrees with.
#[inline(always)]
pub(crate) fn is_special<const NUL: bool>(b: u8) -> bool {
    b == b'\n' || b == b'\r' || (NUL && b == 0)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) use sse2::Lane;
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) use swar::Lane;

/// The SSE2 lane: one 128-bit register.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128,
    };

    use super::LANE;

    /// 16 bytes held in a register.
    #[derive(Clone, Copy)]
    pub(crate) struct Lane(__m128i);

    // SAFETY (every `unsafe` block below): the `sse2` target feature is enabled
    // at compile time (the `cfg` on this module; it is part of the x86_64
    // baseline), which is all these intrinsics require; `_mm_loadu_si128` reads
    // 16 bytes from any alignment, and `load` hands it a reference to 16
    // initialised bytes.
    impl Lane {
        /// Loads `bytes`.
        #[inline(always)]
        pub(crate) fn load(bytes: &[u8; LANE]) -> Self {
            // SAFETY: see above.
            Lane(unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) })
        }

        /// Bit `i` is set when byte `i` is CR or LF (or NUL, with `NUL`).
        #[inline(always)]
        pub(crate) fn ends<const NUL: bool>(self) -> u32 {
            // SAFETY: see above.
            unsafe {
                let v = self.0;
                let mut hits = _mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)),
                );
                if NUL {
                    hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
                }
                // The mask has 16 significant bits, so it is never negative.
                _mm_movemask_epi8(hits) as u32
            }
        }

        /// The bytes of both lanes OR-ed together: a lane that has a high bit
        /// wherever either has one.
        #[inline(always)]
        pub(crate) fn or(self, other: Self) -> Self {
            // SAFETY: see above.
            Lane(unsafe { _mm_or_si128(self.0, other.0) })
        }

        /// Whether a byte is 0x80 or above (not ASCII).
        #[inline(always)]
        pub(crate) fn has_high(self) -> bool {
            // SAFETY: see above. movemask collects the sign bits: those of bytes
            // >= 0x80.
            unsafe { _mm_movemask_epi8(self.0) != 0 }
        }
    }
}

/// The portable lane: two 64-bit words.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
mod swar {
    use super::LANE;

    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;

    /// 16 bytes as two little-endian words (byte `i` of a word is bits `8i..`).
    #[derive(Clone, Copy)]
    pub(crate) struct Lane([u64; 2]);

    /// The high bit of each byte of `w` that is zero (exact: no false hits,
    /// as no carry crosses a byte: each byte's low seven bits plus 0x7f stay
    /// below 0x100).
    #[inline(always)]
    fn zero_bytes(w: u64) -> u64 {
        !(((w & LOW7) + LOW7) | w | LOW7)
    }

    /// The high bits of the bytes of `w`, packed into 8 bits (byte `i` to bit `i`).
    #[inline(always)]
    fn pack(w: u64) -> u32 {
        (((w & HIGH).wrapping_mul(0x0002_0408_1020_4081)) >> 56) as u32
    }

    impl Lane {
        /// Loads `bytes`.
        #[inline(always)]
        pub(crate) fn load(bytes: &[u8; LANE]) -> Self {
            let (lo, hi) = bytes.split_at(8);
            let word = |half: &[u8]| {
                let mut w = [0u8; 8];
                w.copy_from_slice(half);
                u64::from_le_bytes(w)
            };
            Lane([word(lo), word(hi)])
        }

        /// Bit `i` is set when byte `i` is CR or LF (or NUL, with `NUL`).
        #[inline(always)]
        pub(crate) fn ends<const NUL: bool>(self) -> u32 {
            let word = |w: u64| {
                let mut hits = zero_bytes(w ^ (ONES * u64::from(b'\n')))
                    | zero_bytes(w ^ (ONES * u64::from(b'\r')));
                if NUL {
                    hits |= zero_bytes(w);
                }
                pack(hits)
            };
            word(self.0[0]) | word(self.0[1]) << 8
        }

        /// The bytes of both lanes OR-ed together.
        #[inline(always)]
        pub(crate) fn or(self, other: Self) -> Self {
            Lane([self.0[0] | other.0[0], self.0[1] | other.0[1]])
        }

        /// Whether a byte is 0x80 or above (not ASCII).
        #[inline(always)]
        pub(crate) fn has_high(self) -> bool {
            (self.0[0] | self.0[1]) & HIGH != 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What every lane implementation must answer for `bytes`: the CR/LF mask,
    /// the CR/LF/NUL mask, and whether a byte is non-ASCII.
    fn naive(bytes: &[u8; LANE]) -> (u32, u32, bool) {
        let mask = |nul: bool| {
            bytes.iter().enumerate().fold(0, |m, (i, &b)| {
                let hit = if nul {
                    is_special::<true>(b)
                } else {
                    is_special::<false>(b)
                };
                m | u32::from(hit) << i
            })
        };
        (mask(false), mask(true), bytes.iter().any(|&b| b >= 0x80))
    }

    fn answers_swar(bytes: &[u8; LANE]) -> (u32, u32, bool) {
        let lane = swar::Lane::load(bytes);
        (lane.ends::<false>(), lane.ends::<true>(), lane.has_high())
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn answers_simd(bytes: &[u8; LANE]) -> (u32, u32, bool) {
        let lane = sse2::Lane::load(bytes);
        (lane.ends::<false>(), lane.ends::<true>(), lane.has_high())
    }

    /// Every byte value at every position, over fillers that differ from CR, LF
    /// or NUL by one bit, share their low bits with a high bit set, or are high
    /// themselves: the SWAR lane, the SIMD lane and the byte-by-byte definition
    /// agree on each.
    #[test]
    fn every_byte_at_every_position_in_every_implementation() {
        let fillers: [[u8; LANE]; 4] = [
            [b'a'; LANE],
            core::array::from_fn(|i| [0x0b, 0x0c, 0x8a, 0x8d, 0x09, 0x0e, 0x01, 0x80, 0x2a][i % 9]),
            [0x7f; LANE],
            [0xff; LANE],
        ];
        for filler in fillers {
            for value in 0..=255u8 {
                for at in 0..LANE {
                    let mut bytes = filler;
                    bytes[at] = value;
                    let want = naive(&bytes);
                    assert_eq!(answers_swar(&bytes), want, "swar {value:#x} at {at}");
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    assert_eq!(answers_simd(&bytes), want, "simd {value:#x} at {at}");
                }
            }
        }
    }

    /// OR-ing lanes keeps every high bit (two in the same byte of different
    /// lanes too) and invents none.
    #[test]
    fn or_keeps_high_bits() {
        for at in 0..LANE {
            for other in 0..LANE {
                let mut a = [b'a'; LANE];
                let b = [b'b'; LANE];
                a[at] = 0x80;
                let mut c = b;
                c[other] = 0xC3;
                assert!(swar::Lane::load(&a).or(swar::Lane::load(&b)).has_high());
                assert!(swar::Lane::load(&b).or(swar::Lane::load(&c)).has_high());
                assert!(!swar::Lane::load(&b).or(swar::Lane::load(&b)).has_high());
                // Both high at the same byte or at different ones.
                assert!(swar::Lane::load(&a).or(swar::Lane::load(&c)).has_high());
                #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                {
                    assert!(sse2::Lane::load(&a).or(sse2::Lane::load(&b)).has_high());
                    assert!(sse2::Lane::load(&b).or(sse2::Lane::load(&c)).has_high());
                    assert!(!sse2::Lane::load(&b).or(sse2::Lane::load(&b)).has_high());
                    assert!(sse2::Lane::load(&a).or(sse2::Lane::load(&c)).has_high());
                }
            }
        }
    }
}
