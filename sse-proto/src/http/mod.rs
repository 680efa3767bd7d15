//! Sans-IO HTTP/1.1, just enough for Server-Sent Events, shared by every adapter.
//!
//! Client side: [`Request`] writes the request head (and an optional body);
//! [`parse_response`] reads the response head with `httparse` into header
//! storage the caller owns; [`Response::framing`] picks the body framing and
//! [`BodyDecoder`] strips it (chunked, `Content-Length`, or until close).
//!
//! Server side: [`parse_request`] reads a request head (method, path, body
//! framing with [`RequestHead::framing`],
//! `Last-Event-ID`, `Accept`); [`ResponseHead`] writes the SSE response head and
//! [`encode_chunk`] frames body bytes when the response is chunked.
//!
//! Nothing here allocates or reads a socket. The writers follow the crate's one
//! scheme: `encoded_len()` is exact, `encode_into(&mut [u8])` returns the bytes
//! written (or [`HttpError::BufferTooSmall`] with the length needed) and, under
//! `alloc`, `encode_to_vec(&mut Vec<u8>)` returns the bytes appended; a field
//! that would break the message is refused before anything is written.
//! Incomplete input is [`Parsed::Partial`], never an error; every malformed or
//! oversized input is a typed [`HttpError`], never a panic.
//!
//! [`Url`] splits an `http`/`https` URL into what [`Request`] and a connector
//! take, and joins a redirect's `Location` against it; following the redirect
//! (see [`client::Accepted::Redirect`](crate::client::Accepted::Redirect)), TLS,
//! proxies and connection reuse are the adapter's job.
//!
//! # Examples
//!
//! ```
//! use sse_proto::http::{parse_response, BodyDecoder, Parsed, EMPTY_HEADER, HttpLimits};
//!
//! let wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
//!              Transfer-Encoding: chunked\r\n\r\n9\r\ndata: a\n\n\r\n0\r\n\r\n";
//! let mut headers = [EMPTY_HEADER; 16];
//! let Parsed::Complete(head) = parse_response(wire, &mut headers, &HttpLimits::default())? else {
//!     panic!("the head is complete");
//! };
//! assert_eq!(head.status, 200);
//! assert!(head.is_event_stream());
//! let mut body = BodyDecoder::new(head.framing()?, HttpLimits::default());
//! let mut input = &wire[head.head_len..];
//! let mut data = Vec::new();
//! while !input.is_empty() && !body.is_done() {
//!     let step = body.decode(input)?;
//!     data.extend_from_slice(step.data);
//!     input = &input[step.consumed..];
//! }
//! assert_eq!(data, b"data: a\n\n");
//! assert!(body.is_done());
//! # Ok::<(), sse_proto::HttpError>(())
//! ```

mod body;
mod chunked;
mod request;
mod response;
mod server;
mod url;

pub use body::{BodyDecoder, Framing};
pub use chunked::{BodyChunk, ChunkedDecoder};
pub use httparse::{Header, EMPTY_HEADER};
pub use request::Request;
pub use response::{parse_response, Response};
pub use server::{
    encode_chunk, encoded_chunk_len, parse_request, RequestHead, ResponseHead, LAST_CHUNK,
};
pub use url::Url;

use crate::HttpError;

/// The result of parsing a head that may not have fully arrived yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a complete head says where the body starts (`head_len`); a partial one needs more input"]
pub enum Parsed<T> {
    /// The whole head was there.
    Complete(T),
    /// More bytes are needed: call again with the same bytes plus the next read.
    Partial,
}

/// Size limits of the HTTP layer. Each limit exceeded is an [`HttpError`] naming it.
///
/// ```
/// use sse_proto::http::HttpLimits;
///
/// let mut limits = HttpLimits::new();
/// limits.max_head_len = 64 * 1024;
/// assert_eq!(limits.max_chunk_line_len, HttpLimits::DEFAULT_MAX_CHUNK_LINE_LEN);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HttpLimits {
    /// The largest request or response head, in bytes, final empty line included.
    pub max_head_len: usize,
    /// The longest chunk-size line (size, whitespace and extensions, without CRLF).
    pub max_chunk_line_len: usize,
    /// The largest trailer section after the last chunk, CRLFs included.
    pub max_trailers_len: usize,
}

impl HttpLimits {
    /// Default for [`HttpLimits::max_head_len`]: 16 KiB.
    pub const DEFAULT_MAX_HEAD_LEN: usize = 16 * 1024;
    /// Default for [`HttpLimits::max_chunk_line_len`]: 1 KiB.
    pub const DEFAULT_MAX_CHUNK_LINE_LEN: usize = 1024;
    /// Default for [`HttpLimits::max_trailers_len`]: 16 KiB.
    pub const DEFAULT_MAX_TRAILERS_LEN: usize = 16 * 1024;

    /// The default limits, usable in `const`.
    pub const fn new() -> HttpLimits {
        HttpLimits {
            max_head_len: Self::DEFAULT_MAX_HEAD_LEN,
            max_chunk_line_len: Self::DEFAULT_MAX_CHUNK_LINE_LEN,
            max_trailers_len: Self::DEFAULT_MAX_TRAILERS_LEN,
        }
    }
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits::new()
    }
}

/// Whether a `Content-Type` value is `text/event-stream`: the media type matched
/// case-insensitively, parameters (`; charset=utf-8`) and surrounding
/// whitespace allowed.
///
/// ```
/// use sse_proto::http::is_event_stream;
///
/// assert!(is_event_stream(b"text/event-stream"));
/// assert!(is_event_stream(b"Text/Event-Stream; charset=utf-8"));
/// assert!(!is_event_stream(b"text/plain"));
/// assert!(!is_event_stream(b"text/event-streams"));
/// ```
pub fn is_event_stream(content_type: &[u8]) -> bool {
    let media = content_type
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default();
    trim(media).eq_ignore_ascii_case(b"text/event-stream")
}

/// `bytes` without leading and trailing spaces and tabs.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// The value of the first header called `name` (case-insensitive).
pub(crate) fn find_header<'b>(headers: &[Header<'b>], name: &str) -> Option<&'b [u8]> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

/// Parses a head from the start of `buf` with `parse` (an httparse request or
/// response parser that builds the head once complete), within the head-size
/// limit.
///
/// Only the first `max_head_len` bytes are looked at, so a huge buffer costs no
/// more than a full one; a head still partial there is too large.
pub(crate) fn parse_head<'h, 'b, T>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
    parse: impl FnOnce(&'b [u8], &'h mut [Header<'b>]) -> httparse::Result<T>,
) -> Result<Parsed<T>, HttpError> {
    let slots = headers.len();
    let window = &buf[..buf.len().min(limits.max_head_len)];
    match parse(window, headers) {
        Ok(httparse::Status::Complete(head)) => Ok(Parsed::Complete(head)),
        Ok(httparse::Status::Partial) if window.len() < limits.max_head_len => Ok(Parsed::Partial),
        Ok(httparse::Status::Partial) => Err(HttpError::HeadTooLarge {
            limit: limits.max_head_len,
        }),
        Err(e) => Err(head_error(e, slots)),
    }
}

/// Maps an httparse error, naming the header limit for `TooManyHeaders`.
fn head_error(e: httparse::Error, header_slots: usize) -> HttpError {
    let reason = match e {
        httparse::Error::TooManyHeaders => {
            return HttpError::TooManyHeaders {
                limit: header_slots,
            }
        }
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid new line",
        httparse::Error::Status => "invalid response status",
        httparse::Error::Token => "invalid token",
        httparse::Error::Version => "invalid http version",
    };
    HttpError::MalformedHead { reason }
}

/// Something written as a sequence of byte pieces after a check of its fields:
/// measured, then copied. The public writers (`encoded_len`, `encode_into`,
/// `encode_to_vec`) of every HTTP message are these three methods.
pub(crate) trait Pieces {
    /// Checks every field, so that nothing written can break the message.
    fn validate(&self) -> Result<(), HttpError>;

    /// Calls `put` with each piece, in order.
    fn pieces(&self, put: &mut dyn FnMut(&[u8]));

    /// The exact length written, once the fields are checked.
    fn checked_len(&self) -> Result<usize, HttpError> {
        self.validate()?;
        let mut len = 0usize;
        self.pieces(&mut |p| len = len.saturating_add(p.len()));
        Ok(len)
    }

    /// Checks the fields and writes the pieces at the start of `out`; returns the
    /// length written. Nothing is written on error.
    fn copy_into(&self, out: &mut [u8]) -> Result<usize, HttpError> {
        let required = self.checked_len()?;
        let Some(out) = out.get_mut(..required) else {
            return Err(HttpError::BufferTooSmall { required });
        };
        let mut at = 0;
        self.pieces(&mut |p| {
            out[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        });
        Ok(required)
    }

    /// Checks the fields and appends the pieces to `out`; returns the length
    /// appended. `out` is unchanged on error.
    #[cfg(feature = "alloc")]
    fn extend_vec(&self, out: &mut alloc::vec::Vec<u8>) -> Result<usize, HttpError> {
        let len = self.checked_len()?;
        out.reserve(len);
        self.pieces(&mut |p| out.extend_from_slice(p));
        Ok(len)
    }
}

/// Writes the header line `name: value`.
pub(crate) fn put_header(put: &mut dyn FnMut(&[u8]), name: &str, value: &str) {
    put(name.as_bytes());
    put(b": ");
    put(value.as_bytes());
    put(b"\r\n");
}

/// Checks a caller's extra headers: names are tokens, values hold no CR, LF or
/// NUL.
pub(crate) fn check_headers(headers: &[(&str, &str)]) -> Result<(), HttpError> {
    for (name, value) in headers {
        check("header name", name.as_bytes(), true)?;
        check("header value", value.as_bytes(), false)?;
    }
    Ok(())
}

/// Checks that `value` can be written in a head as `field`: no CR, LF or NUL
/// (and for tokens, only token bytes).
pub(crate) fn check(field: &'static str, value: &[u8], token: bool) -> Result<(), HttpError> {
    let bad = |b: u8| {
        if token {
            !is_tchar(b)
        } else {
            b == b'\r' || b == b'\n' || b == 0
        }
    };
    match value.iter().find(|&&b| bad(b)) {
        Some(&byte) => Err(HttpError::InvalidField { field, byte }),
        None if token && value.is_empty() => Err(HttpError::InvalidField { field, byte: b' ' }),
        None => Ok(()),
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_matching() {
        assert!(is_event_stream(b"  text/event-stream  "));
        assert!(is_event_stream(b"TEXT/EVENT-STREAM;charset=UTF-8"));
        assert!(!is_event_stream(b""));
        assert!(!is_event_stream(b"text/event"));
        assert!(!is_event_stream(b"application/json"));
    }

    /// The documented defaults: a 16 KiB head, a 1 KiB chunk-size line and
    /// 16 KiB of trailers are the most accepted.
    #[test]
    fn default_limits_are_as_documented() {
        let limits = HttpLimits::default();
        assert_eq!(limits, HttpLimits::new());
        assert_eq!(
            (
                limits.max_head_len,
                limits.max_chunk_line_len,
                limits.max_trailers_len
            ),
            (16_384, 1_024, 16_384)
        );
        // A head filling the window exactly is complete; one byte longer is not.
        let head = |len: usize| {
            let mut head = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
            head.resize(len - 4, b'a');
            head.extend_from_slice(b"\r\n\r\n");
            head
        };
        let mut headers = [EMPTY_HEADER; 2];
        assert!(matches!(
            parse_response(&head(16_384), &mut headers, &limits),
            Ok(Parsed::Complete(r)) if r.head_len == 16_384
        ));
        let mut headers = [EMPTY_HEADER; 2];
        assert_eq!(
            parse_response(&head(16_385), &mut headers, &limits),
            Err(HttpError::HeadTooLarge { limit: 16_384 })
        );
    }

    #[test]
    fn trim_handles_all_blank() {
        assert_eq!(trim(b"  \t "), b"");
        assert_eq!(trim(b" a b "), b"a b");
    }

    #[test]
    fn check_rejects_injection() {
        assert_eq!(
            check("header value", b"a\r\nX: y", false),
            Err(HttpError::InvalidField {
                field: "header value",
                byte: b'\r'
            })
        );
        assert_eq!(
            check("method", b"GE T", true),
            Err(HttpError::InvalidField {
                field: "method",
                byte: b' '
            })
        );
        assert!(check("method", b"POST", true).is_ok());
        assert!(check("method", b"", true).is_err());
    }
}
