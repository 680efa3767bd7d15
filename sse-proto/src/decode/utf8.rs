//! Lossy UTF-8: valid text is borrowed as is; each maximal invalid subpart becomes
//! one U+FFFD (the WHATWG Encoding Standard's "replacement", as
//! `String::from_utf8_lossy` does).
//!
//! CR and LF never occur inside a multi-byte sequence, so decoding each complete
//! line (or the joined data of an event) on its own gives the same text as decoding
//! the whole stream.

use super::buffer::sealed::{Full, Sealed};
use core::ops::Range;

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Splits `src` into its leading valid part and the invalid sequence after it:
/// `(valid_len, invalid_len)`, with `invalid_len == 0` when all of `src` is valid.
fn next_chunk(src: &[u8]) -> (usize, usize) {
    match core::str::from_utf8(src) {
        Ok(_) => (src.len(), 0),
        Err(e) => {
            let valid = e.valid_up_to();
            // `None`: an incomplete sequence at the very end; the input is complete,
            // so that tail is one maximal subpart.
            let bad = e.error_len().unwrap_or(src.len() - valid);
            (valid, bad)
        }
    }
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

/// `bytes` as text, without checking it again.
///
/// # Safety
///
/// `bytes` must be valid UTF-8: accepted by `from_utf8` before, or written by
/// [`push_lossy`] / [`push_lossy_within`]. Debug builds (and so every test and fuzz
/// run) check it.
pub(crate) unsafe fn assume_utf8(bytes: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(bytes).is_ok(), "invariant: valid UTF-8");
    // SAFETY: the caller guarantees `bytes` is valid UTF-8 (see `# Safety`).
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn lossy(src: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        push_lossy(&mut v, src).unwrap();
        v
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
            assert_eq!(&v[c.len()..], String::from_utf8_lossy(c).as_bytes(), "{c:?}");
        }
    }
}
