//! The `Last-Event-ID` request header, parsed from raw bytes.

use core::fmt;

/// What a request's `Last-Event-ID` header says: the ID of the last event the
/// client received before it reconnected.
///
/// Pass the ID to `History::resume` (feature `alloc`) when it is
/// [`LastEventId::Id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LastEventId<'a> {
    /// No header, or an empty one (after trimming): a first connection, or a
    /// client that has seen no ID. Nothing to resume.
    Absent,
    /// The ID, trimmed of surrounding spaces and tabs.
    Id(&'a str),
    /// A header no conforming client sends; treat the request as one without an
    /// ID, or refuse it.
    Invalid(InvalidLastEventId),
}

/// Why a `Last-Event-ID` header is [`LastEventId::Invalid`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidLastEventId {
    /// The value is not UTF-8 (event IDs are text).
    NotUtf8 {
        /// The length of the valid UTF-8 prefix, in bytes.
        valid_up_to: usize,
    },
    /// The value holds a NUL, CR or LF: no event ID can contain one (a decoder
    /// ignores an `id` with NUL, and CR and LF end the field).
    ForbiddenByte {
        /// The byte (`0`, `b'\r'` or `b'\n'`).
        byte: u8,
        /// Its offset in the trimmed value.
        offset: usize,
    },
    /// The header appeared more than once.
    Repeated,
}

impl fmt::Display for InvalidLastEventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidLastEventId::NotUtf8 { valid_up_to } => {
                write!(f, "last-event-id is not utf-8 after byte {valid_up_to}")
            }
            InvalidLastEventId::ForbiddenByte { byte, offset } => {
                write!(f, "last-event-id has byte {byte:#04x} at offset {offset}")
            }
            InvalidLastEventId::Repeated => write!(f, "last-event-id header repeated"),
        }
    }
}

impl core::error::Error for InvalidLastEventId {}

/// HTTP optional whitespace (RFC 9110 §5.6.3): SP and HTAB.
const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl<'a> LastEventId<'a> {
    /// Parses the value of a `Last-Event-ID` header, given as raw bytes, or `None`
    /// when the request has no such header.
    ///
    /// Leading and trailing spaces and tabs are removed (HTTP strips them from
    /// every field value, so an ID that starts or ends with one cannot be resumed
    /// exactly; give events IDs without them).
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::server::{InvalidLastEventId, LastEventId};
    ///
    /// assert_eq!(LastEventId::parse(Some(b" 42\t")), LastEventId::Id("42"));
    /// assert_eq!(LastEventId::parse(Some(b"  ")), LastEventId::Absent);
    /// assert_eq!(LastEventId::parse(None), LastEventId::Absent);
    /// assert_eq!(
    ///     LastEventId::parse(Some(b"4\x002")),
    ///     LastEventId::Invalid(InvalidLastEventId::ForbiddenByte { byte: 0, offset: 1 })
    /// );
    /// ```
    pub fn parse(value: Option<&'a [u8]>) -> LastEventId<'a> {
        let Some(mut value) = value else {
            return LastEventId::Absent;
        };
        while let [first, rest @ ..] = value {
            if !is_ows(*first) {
                break;
            }
            value = rest;
        }
        while let [rest @ .., last] = value {
            if !is_ows(*last) {
                break;
            }
            value = rest;
        }
        if value.is_empty() {
            return LastEventId::Absent;
        }
        if let Some(offset) = memchr::memchr3(0, b'\r', b'\n', value) {
            return LastEventId::Invalid(InvalidLastEventId::ForbiddenByte {
                byte: value[offset],
                offset,
            });
        }
        match core::str::from_utf8(value) {
            Ok(id) => LastEventId::Id(id),
            Err(e) => LastEventId::Invalid(InvalidLastEventId::NotUtf8 {
                valid_up_to: e.valid_up_to(),
            }),
        }
    }

    /// Parses every `Last-Event-ID` value of a request (as a header map returns
    /// them): none is [`Absent`](LastEventId::Absent), one is
    /// [`parse`](LastEventId::parse)d, more than one is
    /// [`Invalid`](LastEventId::Invalid)`(`[`Repeated`](InvalidLastEventId::Repeated)`)`.
    ///
    /// ```
    /// use sse_proto::server::{InvalidLastEventId, LastEventId};
    ///
    /// assert_eq!(LastEventId::from_values([&b"7"[..]]), LastEventId::Id("7"));
    /// assert_eq!(
    ///     LastEventId::from_values([&b"7"[..], b"8"]),
    ///     LastEventId::Invalid(InvalidLastEventId::Repeated)
    /// );
    /// ```
    pub fn from_values<I: IntoIterator<Item = &'a [u8]>>(values: I) -> LastEventId<'a> {
        let mut values = values.into_iter();
        let first = values.next();
        if values.next().is_some() {
            return LastEventId::Invalid(InvalidLastEventId::Repeated);
        }
        LastEventId::parse(first)
    }

    /// The `Last-Event-ID` of a request's [`http::HeaderMap`].
    ///
    /// ```
    /// use http::HeaderMap;
    /// use sse_proto::server::LastEventId;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("last-event-id", "  99 ".parse().unwrap());
    /// assert_eq!(LastEventId::from_headers(&headers), LastEventId::Id("99"));
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn from_headers(headers: &'a ::http::HeaderMap) -> LastEventId<'a> {
        LastEventId::from_values(
            headers
                .get_all("last-event-id")
                .iter()
                .map(::http::HeaderValue::as_bytes),
        )
    }

    /// The ID, when there is one.
    pub const fn id(&self) -> Option<&'a str> {
        match self {
            LastEventId::Id(id) => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! parse_cases {
        ($($name:ident: $input:expr => $want:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(LastEventId::parse($input), $want);
            }
        )*};
    }

    use InvalidLastEventId::*;
    use LastEventId::{Absent, Id, Invalid};

    parse_cases! {
        absent: None => Absent;
        empty: Some(b"") => Absent;
        only_whitespace: Some(b" \t ") => Absent;
        plain: Some(b"abc") => Id("abc");
        trimmed_both_sides: Some(b"\t a b \t") => Id("a b");
        other_whitespace_kept: Some(b"\x0b1\x0c") => Id("\u{b}1\u{c}");
        non_ascii: Some("é-1".as_bytes()) => Id("é-1");
        nul: Some(b" a\0") => Invalid(ForbiddenByte { byte: 0, offset: 1 });
        cr: Some(b"a\rb") => Invalid(ForbiddenByte { byte: b'\r', offset: 1 });
        lf: Some(b"\na") => Invalid(ForbiddenByte { byte: b'\n', offset: 0 });
        bad_utf8: Some(b"ab\xff") => Invalid(NotUtf8 { valid_up_to: 2 });
        truncated_utf8: Some(b"\xc3") => Invalid(NotUtf8 { valid_up_to: 0 });
    }

    #[test]
    fn values_and_accessor() {
        assert_eq!(LastEventId::from_values([]), Absent);
        assert_eq!(LastEventId::from_values([&b" x "[..]]).id(), Some("x"));
        assert_eq!(LastEventId::from_values([&b""[..], b""]), Invalid(Repeated));
        assert_eq!(Absent.id(), None);
    }

    #[test]
    fn display_has_numbers() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(
            NotUtf8 { valid_up_to: 3 }.to_string(),
            "last-event-id is not utf-8 after byte 3"
        );
        assert_eq!(
            ForbiddenByte { byte: 0, offset: 5 }.to_string(),
            "last-event-id has byte 0x00 at offset 5"
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn repeated_in_header_map() {
        let mut headers = ::http::HeaderMap::new();
        headers.append("last-event-id", ::http::HeaderValue::from_static("1"));
        headers.append("last-event-id", ::http::HeaderValue::from_static("2"));
        assert_eq!(LastEventId::from_headers(&headers), Invalid(Repeated));
        assert_eq!(LastEventId::from_headers(&::http::HeaderMap::new()), Absent);
    }
}
