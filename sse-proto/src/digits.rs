//! Numbers as the wire writes them, in one place: decimal and hex digits written
//! from a `u64`, and read back into one, with one overflow rule per use.
//!
//! | number | radix | written by | read by | past `u64::MAX` |
//! | --- | --- | --- | --- | --- |
//! | `retry:` milliseconds | 10 | the encoder | the decoder | saturates (the standard: never fail on overflow; `u64::MAX` ms is forever anyway) |
//! | `Content-Length` | 10 | `http::Request` | `http::Response::framing` | an error: the body cannot be delimited |
//! | chunk size | 16 | `http::encode_chunk` | `http::ChunkedDecoder` | an error: the body cannot be delimited |
//! | `History` event ID | 10 | the history | `History::resume` | an error (unknown ID): the history never gave it out |

/// What reading a number does when its digits go past `u64::MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// The number is refused: a length the peer cannot mean, or an ID never given
    /// out.
    Reject,
    /// The number becomes `u64::MAX`.
    Saturate,
}

/// The value of an ASCII decimal digit.
const fn decimal_digit(b: u8) -> Option<u8> {
    if b.is_ascii_digit() {
        Some(b - b'0')
    } else {
        None
    }
}

/// The value of an ASCII hex digit, in either case.
pub(crate) const fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `n` with the digit `digit` of base `radix` appended (`n * radix + digit`), or
/// `None` past `u64::MAX`.
pub(crate) const fn push_digit(n: u64, radix: u64, digit: u8) -> Option<u64> {
    match n.checked_mul(radix) {
        Some(n) => n.checked_add(digit as u64),
        None => None,
    }
}

/// A non-empty run of ASCII decimal digits as a `u64`; `None` for anything else
/// (a sign, a space, an empty string), and past `u64::MAX` as `overflow` says.
pub(crate) fn parse_decimal(digits: &[u8], overflow: Overflow) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        let next = push_digit(n, 10, decimal_digit(b)?);
        match overflow {
            Overflow::Reject => next,
            Overflow::Saturate => Some(next.unwrap_or(u64::MAX)),
        }
    })
}

/// The longest `u64` in decimal (and so in hex): `18446744073709551615`.
pub(crate) const MAX_DIGITS: usize = 20;

/// The decimal digits of `n`, written at the end of `buf`.
#[inline]
pub(crate) fn decimal(n: u64, buf: &mut [u8; MAX_DIGITS]) -> &[u8] {
    write_digits(n, 10, buf)
}

/// The decimal digits of `n` as text, written at the end of `buf`.
#[cfg(feature = "alloc")]
pub(crate) fn decimal_str(n: u64, buf: &mut [u8; MAX_DIGITS]) -> &str {
    // Decimal digits are ASCII, hence UTF-8.
    core::str::from_utf8(decimal(n, buf)).expect("ASCII digits")
}

/// The lowercase hex digits of `n`, written at the end of `buf`.
#[inline]
pub(crate) fn hex(n: u64, buf: &mut [u8; MAX_DIGITS]) -> &[u8] {
    write_digits(n, 16, buf)
}

/// The digits of `n` in base `radix` (at most 16), written at the end of `buf`;
/// `"0"` for zero.
#[inline(always)]
fn write_digits(mut n: u64, radix: u64, buf: &mut [u8; MAX_DIGITS]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        // `n % radix` is below 16.
        buf[at] = b"0123456789abcdef"[(n % radix) as usize];
        n /= radix;
        if n == 0 {
            return &buf[at..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_decimal_digits_only() {
        for overflow in [Overflow::Reject, Overflow::Saturate] {
            assert_eq!(parse_decimal(b"0", overflow), Some(0));
            assert_eq!(parse_decimal(b"007", overflow), Some(7));
            assert_eq!(parse_decimal(b"1500", overflow), Some(1500));
            assert_eq!(
                parse_decimal(b"18446744073709551615", overflow),
                Some(u64::MAX)
            );
            for bad in [
                &b""[..],
                b"+1",
                b"-1",
                b"1 ",
                b" 1",
                b"1.5",
                b"a",
                b"\xd9\xa1",
                b"/",
                b":",
            ] {
                assert_eq!(parse_decimal(bad, overflow), None, "{bad:?}");
            }
        }
    }

    #[test]
    fn parse_decimal_overflow_rules() {
        for past in [&b"18446744073709551616"[..], b"99999999999999999999999999"] {
            assert_eq!(parse_decimal(past, Overflow::Reject), None);
            assert_eq!(parse_decimal(past, Overflow::Saturate), Some(u64::MAX));
        }
        // A bad byte after the saturation point still refuses the whole value.
        assert_eq!(
            parse_decimal(b"99999999999999999999x", Overflow::Saturate),
            None
        );
        // `u64::MAX` is exactly representable: 1844674407370955161 * 10 + 5.
        assert_eq!(push_digit(1_844_674_407_370_955_161, 10, 5), Some(u64::MAX));
        assert_eq!(push_digit(1_844_674_407_370_955_161, 10, 6), None);
        assert_eq!(push_digit(u64::MAX / 16 + 1, 16, 0), None);
        assert_eq!(push_digit(0xf, 16, 0xa), Some(0xfa));
    }

    #[test]
    fn hex_digits_either_case() {
        let all = b"0123456789abcdefABCDEF";
        let values = [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 10, 11, 12, 13, 14, 15,
        ];
        for (&b, &v) in all.iter().zip(&values) {
            assert_eq!(hex_digit(b), Some(v), "{}", b as char);
        }
        for b in [b'g', b'G', b'/', b':', b'@', b'`', b' ', 0xff] {
            assert_eq!(hex_digit(b), None, "{b:#x}");
        }
    }

    #[test]
    fn writes_digits() {
        let mut buf = [0; MAX_DIGITS];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(7, &mut buf), b"7");
        assert_eq!(decimal(1500, &mut buf), b"1500");
        assert_eq!(decimal(u64::MAX, &mut buf), b"18446744073709551615");
        assert_eq!(hex(0, &mut buf), b"0");
        assert_eq!(hex(26, &mut buf), b"1a");
        assert_eq!(hex(4096, &mut buf), b"1000");
        assert_eq!(hex(u64::MAX, &mut buf), b"ffffffffffffffff");
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn decimal_text() {
        let mut buf = [0; MAX_DIGITS];
        assert_eq!(decimal_str(90, &mut buf), "90");
    }

    #[test]
    fn written_digits_read_back() {
        let mut buf = [0; MAX_DIGITS];
        for n in [0, 9, 10, 255, 256, 1 << 40, u64::MAX - 1, u64::MAX] {
            assert_eq!(
                parse_decimal(decimal(n, &mut buf), Overflow::Reject),
                Some(n)
            );
            let hex = hex(n, &mut buf);
            let back = hex
                .iter()
                .try_fold(0, |n, &b| push_digit(n, 16, hex_digit(b)?));
            assert_eq!(back, Some(n));
        }
    }
}
