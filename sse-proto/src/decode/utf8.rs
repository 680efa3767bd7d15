//! The UTF-8 checks of the decoder: how bytes are proven valid (a check, or one
//! pass over a whole read) and how invalid ones are written lossily. Turning
//! proven bytes into `&str` is [`text`](super::text)'s job alone.
//!
//! Lossy UTF-8: valid text is borrowed as is; each maximal invalid subpart becomes
//! one U+FFFD (the WHATWG Encoding Standard's "replacement", as
//! `String::from_utf8_lossy` does).
//!
//! CR and LF never occur inside a multi-byte sequence, so decoding each complete
//! line (or the joined data of an event) on its own gives the same text as decoding
//! the whole stream.

use super::buffer::sealed::{Full, Sealed};
use super::work;
use core::ops::Range;

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Whether `bytes` is valid UTF-8, with a fast path for ASCII (most event
/// streams: JSON usually escapes non-ASCII).
///
/// Long values go to `simdutf8`, which checks 32 or 64 bytes per step; short
/// ones to a word-at-a-time ASCII test, which costs less than setting that up.
#[inline]
pub(crate) fn is_valid(bytes: &[u8]) -> bool {
    work(bytes.len());
    if bytes.len() >= SIMD_MIN_LEN {
        simdutf8::basic::from_utf8(bytes).is_ok()
    } else {
        is_ascii(bytes) || core::str::from_utf8(bytes).is_ok()
    }
}

/// Non-ASCII text proven valid UTF-8 a whole read at a time.
///
/// Per value, a UTF-8 check costs a call and its setup; on streams where most
/// values hold non-ASCII text (CJK, emoji) that adds up. A feed, which sees a
/// whole read, instead validates from the first line that is not ASCII to the
/// end of the read in one SIMD pass, and every line inside the proven range
/// needs no check of its own. Invalid text stops the pass: values after it are
/// checked (and written lossily) one by one.
#[derive(Debug, Clone)]
pub(crate) struct ReadProof {
    /// `input[proven]` is valid UTF-8, and `proven.start` is where a line starts.
    proven: Range<usize>,
    /// Whether a line past `proven` may start a pass.
    enabled: bool,
}

impl ReadProof {
    /// No passes: each value is checked on its own (a single `decode` step,
    /// which sees only part of a read and must not validate the rest each time).
    pub(crate) fn none() -> Self {
        ReadProof {
            proven: 0..0,
            enabled: false,
        }
    }

    /// Passes over one whole input (a feed's).
    pub(crate) fn whole_input() -> Self {
        ReadProof {
            proven: 0..0,
            enabled: true,
        }
    }

    /// Whether `input[start..end]` is proven valid UTF-8, starting a pass from
    /// `start` when the proven range ends before it.
    ///
    /// `start` and `end` must be where a line starts or ends (next to a CR or
    /// LF, or an end of the input), or after a byte-order mark: such positions
    /// are character boundaries of any valid text around them, so a sub-range
    /// of the proven range is itself valid. The decoder's values are such
    /// ranges less an ASCII field name, so they are proven too.
    #[inline(always)]
    pub(crate) fn covers(&mut self, input: &[u8], start: usize, end: usize) -> bool {
        (self.proven.start <= start && end <= self.proven.end)
            || (self.enabled && self.pass(input, start, end))
    }

    /// A validation pass from `start` to the end of `input`, unless one already
    /// covered `start` or invalid text stopped one.
    #[inline(never)]
    fn pass(&mut self, input: &[u8], start: usize, end: usize) -> bool {
        if start < self.proven.end {
            return false;
        }
        let rest = input.get(start..).unwrap_or_default();
        let valid = match simdutf8::compat::from_utf8(rest) {
            Ok(_) => rest.len(),
            Err(e) => e.valid_up_to(),
        };
        // simdutf8 stops within a 64-byte block of the first invalid byte.
        work((valid + 64).min(rest.len()));
        self.proven = start..start + valid;
        // Stopped by invalid text, not by a character that the end of the input
        // cuts (at most 3 bytes) or that began in the previous input (at offset
        // 0): the rest of this input is checked value by value, so a read makes
        // at most three passes.
        self.enabled = start == 0 || rest.len() - valid < 4;
        end <= self.proven.end
    }
}

/// From this length on, [`is_valid`] uses SIMD validation.
const SIMD_MIN_LEN: usize = 64;

/// Whether every byte is below 0x80, 32 bytes per step: four word loads OR-ed
/// together, one test. Faster than `<[u8]>::is_ascii` on the 20 to 200 byte
/// values typical of event streams.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        u64::from_ne_bytes(w)
    };
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        if (word(&b[..8]) | word(&b[8..16]) | word(&b[16..24]) | word(&b[24..])) & HIGH != 0 {
            return false;
        }
    }
    let mut words = blocks.remainder().chunks_exact(8);
    let mut acc = 0;
    for w in &mut words {
        acc |= word(w);
    }
    for &b in words.remainder() {
        acc |= u64::from(b);
    }
    acc & HIGH == 0
}

/// Splits `src` into its leading valid part and the invalid sequence after it:
/// `(valid_len, invalid_len)`, with `invalid_len == 0` when all of `src` is valid.
fn next_chunk(src: &[u8]) -> (usize, usize) {
    let (valid, bad) = if is_ascii(src) {
        (src.len(), 0)
    } else {
        match core::str::from_utf8(src) {
            Ok(_) => (src.len(), 0),
            Err(e) => {
                let valid = e.valid_up_to();
                // `None`: an incomplete sequence at the very end; the input is
                // complete, so that tail is one maximal subpart.
                let bad = e.error_len().unwrap_or(src.len() - valid);
                (valid, bad)
            }
        }
    };
    // The searches stop at the first invalid sequence (give or take a block).
    work(valid + bad);
    (valid, bad)
}

/// Appends the lossy decoding of `src` to `dst`.
pub(crate) fn push_lossy<S: Sealed>(dst: &mut S, mut src: &[u8]) -> Result<(), Full> {
    loop {
        let (valid, bad) = next_chunk(src);
        dst.try_extend(&src[..valid])?;
        if bad == 0 {
            return Ok(());
        }
        dst.try_extend(REPLACEMENT)?;
        src = &src[valid + bad..];
    }
}

/// Appends the lossy decoding of `buf.bytes()[range]` to the end of `buf` itself.
pub(crate) fn push_lossy_within<S: Sealed>(buf: &mut S, range: Range<usize>) -> Result<(), Full> {
    let mut at = range.start;
    loop {
        let (valid, bad) = next_chunk(&buf.bytes()[at..range.end]);
        buf.try_extend_within(at..at + valid)?;
        if bad == 0 {
            return Ok(());
        }
        buf.try_extend(REPLACEMENT)?;
        at += valid + bad;
    }
}

// Two attributes: cargo-mutants recognises a plain `cfg(test)` as test code.
#[cfg(test)]
#[cfg(feature = "alloc")]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn lossy(src: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        push_lossy(&mut v, src).unwrap();
        v
    }

    /// Every line range of reads with valid, cut and invalid text: `covers`
    /// is never wrong, proves the valid lines of a whole read in one pass, and
    /// a decode step's proof (`none`) proves nothing.
    #[test]
    fn a_read_proof_is_never_wrong() {
        let reads: [&[u8]; 5] = [
            "data: 東京\n: 🙂 x\ndata: café\n\n".as_bytes(),
            b"\x80\xA2 cut\ndata: \xC3\xA9\n\xE6\x9D",
            b"data: ok \xC3\xA9\ndata: bad \xFF\ndata: \xC3\xA9 after\n",
            b"\xFF\n\xC3\xA9\n\xC3\xA9\n",
            b"data: plain\n",
        ];
        for read in reads {
            let mut starts = alloc::vec![0];
            starts.extend((0..read.len()).filter(|&i| read[i] == b'\n').map(|i| i + 1));
            let mut proof = ReadProof::whole_input();
            let mut passes_proved = 0;
            for pair in starts.windows(2) {
                let (start, end) = (pair[0], pair[1] - 1);
                let valid = core::str::from_utf8(&read[start..end]).is_ok();
                let covered = proof.covers(read, start, end);
                assert!(!covered || valid, "{read:?} {start}..{end}");
                passes_proved += usize::from(covered);
                assert!(!ReadProof::none().covers(read, start, end) || start == end);
            }
            assert!(passes_proved > 0, "{read:?}");
        }
        // One pass proves every line after the first: the range it set covers them.
        let read = "data: 東京\ndata: 🙂\n".as_bytes();
        let mut proof = ReadProof::whole_input();
        assert!(proof.covers(read, 0, 12));
        assert_eq!(proof.proven, 0..read.len());
        assert!(proof.covers(read, 13, read.len() - 1));
    }

    /// Invalid text stops the passes of a read (its later values are checked
    /// one by one), unless it is the start of the read (a character begun in
    /// the previous read).
    #[test]
    fn invalid_text_ends_the_passes_of_a_read() {
        let read = "x\ndata: é\n\u{1}\ndata: é\n".as_bytes().to_vec();
        let mut bad = read.clone();
        bad[11] = 0xFF; // the \u{1} line becomes invalid
        let last = bad.len() - 10..bad.len() - 1;
        let mut proof = ReadProof::whole_input();
        assert!(proof.covers(&bad, 2, 10));
        assert!(!proof.covers(&bad, 11, 12));
        assert!(!proof.covers(&bad, last.start, last.end), "no second pass");
        // A continuation byte at offset 0 does not stop them.
        let mut cut = read;
        cut[0] = 0xA9;
        let mut proof = ReadProof::whole_input();
        assert!(!proof.covers(&cut, 0, 1));
        assert!(proof.covers(&cut, 2, 10));
        assert!(proof.covers(&cut, last.start, last.end));
    }

    #[test]
    fn ascii_check_finds_a_high_byte_anywhere() {
        for len in 0..80 {
            let mut v = alloc::vec![b'a'; len];
            assert!(is_ascii(&v));
            for i in 0..len {
                v[i] = 0x80;
                assert!(!is_ascii(&v), "len {len}, high byte at {i}");
                v[i] = b'a';
            }
        }
    }

    #[test]
    fn ascii_check_finds_high_bytes_in_the_same_lane_of_different_words() {
        // High bits at the same byte of two words must not cancel out.
        for len in [16, 32, 40, 64] {
            for i in 0..len {
                for j in (i + 8..len).step_by(8) {
                    let mut v = alloc::vec![b'a'; len];
                    v[i] = 0x80;
                    v[j] = 0xC3;
                    assert!(!is_ascii(&v), "len {len}, high bytes at {i} and {j}");
                }
            }
        }
    }

    #[test]
    fn short_and_long_text_is_valid_whether_ascii_or_not() {
        for len in [1, 2, 30, 63, 64, 65, 200] {
            let ascii = "a".repeat(len);
            assert!(is_valid(ascii.as_bytes()), "ascii {len}");
            let text = "\u{e9}".repeat(len / 2 + 1);
            assert!(is_valid(text.as_bytes()), "non-ASCII {len}");
            let bad = [text.as_bytes(), b"\xFF"].concat();
            assert!(!is_valid(&bad), "invalid {len}");
        }
    }

    #[test]
    fn long_values_are_checked_like_short_ones() {
        let mut v = "é€😀a".repeat(200).into_bytes();
        assert!(v.len() >= SIMD_MIN_LEN);
        assert!(is_valid(&v));
        for bad in [0, 1, 300, v.len() - 1] {
            let keep = v[bad];
            v[bad] = 0xFF;
            assert!(!is_valid(&v), "0xFF at {bad}");
            v[bad] = keep;
        }
        v.truncate(v.len() - 2); // drops the final "a" and cuts the 4-byte character
        assert!(!is_valid(&v));
    }

    #[test]
    fn matches_std_lossy() {
        let cases: &[&[u8]] = &[
            b"plain",
            b"\xff",
            b"a\xffb",
            b"\xe2\x82",          // truncated 3-byte sequence at end: one U+FFFD
            b"\xe2\x82x",         // truncated, then ASCII
            b"\xf0\x9f\x98\x80!", // valid 4-byte
            b"\xed\xa0\x80",      // surrogate: three U+FFFD
            b"\xc0\xaf",          // overlong: two U+FFFD
            b"",
        ];
        for &c in cases {
            assert_eq!(lossy(c), String::from_utf8_lossy(c).as_bytes(), "{c:?}");
            let mut v = c.to_vec();
            push_lossy_within(&mut v, 0..c.len()).unwrap();
            assert_eq!(
                &v[c.len()..],
                String::from_utf8_lossy(c).as_bytes(),
                "{c:?}"
            );
        }
    }
}
