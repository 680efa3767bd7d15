//! The response head, as the client reads it.

use super::body::declared_framing;
use super::{find_header, parse_head, Framing, Header, HttpLimits, Parsed};
use crate::HttpError;

/// A parsed response head, borrowing the caller's buffer and header storage.
#[derive(Debug, PartialEq, Eq)]
pub struct Response<'h, 'b> {
    /// The HTTP minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub version: u8,
    /// The status code.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: &'b str,
    /// The header lines, in order.
    pub headers: &'h [Header<'b>],
    /// The length of the head, final CRLF included: the body starts here.
    pub head_len: usize,
}

/// Parses a response head from the start of `buf` into `headers`.
///
/// Call it with everything received so far; on [`Parsed::Partial`] read more and
/// call again with the longer buffer. The cost of the rescans is bounded by
/// [`HttpLimits::max_head_len`].
///
/// An interim `1xx` response has no body ([`Response::framing`] is
/// `Length(0)`): parse the next head from `head_len` on.
///
/// # Errors
///
/// [`HttpError::HeadTooLarge`] once `buf` holds `max_head_len` bytes without the
/// end of the head (or the head is longer), [`HttpError::TooManyHeaders`] when
/// `headers` is too short, [`HttpError::MalformedHead`] for anything else
/// httparse refuses.
///
/// # Examples
///
/// ```
/// use sse_proto::http::{parse_response, HttpLimits, Parsed, EMPTY_HEADER};
///
/// let mut headers = [EMPTY_HEADER; 8];
/// let limits = HttpLimits::default();
/// assert_eq!(parse_response(b"HTTP/1.1 401 Unauth", &mut headers, &limits)?, Parsed::Partial);
/// let wire = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\ninvalid api key";
/// let Parsed::Complete(head) = parse_response(wire, &mut headers, &limits)? else { panic!() };
/// assert_eq!((head.status, head.reason), (401, "Unauthorized"));
/// assert_eq!(&wire[head.head_len..], b"invalid api key"); // read it for the error message
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
pub fn parse_response<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
) -> Result<Parsed<Response<'h, 'b>>, HttpError> {
    parse_head(buf, headers, limits, |window, headers| {
        let mut response = httparse::Response::new(headers);
        let head_len = match response.parse(window)? {
            httparse::Status::Complete(head_len) => head_len,
            httparse::Status::Partial => return Ok(httparse::Status::Partial),
        };
        Ok(httparse::Status::Complete(Response {
            // httparse sets all three once the head is complete.
            version: response.version.unwrap_or(1),
            status: response.code.unwrap_or(0),
            reason: response.reason.unwrap_or(""),
            headers: response.headers,
            head_len,
        }))
    })
}

impl<'b> Response<'_, 'b> {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        find_header(self.headers, name)
    }

    /// The `Content-Type` value, if any.
    pub fn content_type(&self) -> Option<&'b [u8]> {
        self.header("content-type")
    }

    /// Whether the `Content-Type` is `text/event-stream` (see
    /// [`is_event_stream`](super::is_event_stream)).
    pub fn is_event_stream(&self) -> bool {
        self.content_type().is_some_and(super::is_event_stream)
    }

    /// How the body is delimited (RFC 9112 §6.3): none for 1xx, 204 and 304;
    /// chunked when `Transfer-Encoding` is `chunked` (it wins over
    /// `Content-Length`); else `Content-Length`; else until the connection closes.
    ///
    /// # Errors
    ///
    /// [`HttpError::UnsupportedTransferCoding`] for any coding but a lone
    /// `chunked` (this layer does not decompress), and
    /// [`HttpError::InvalidContentLength`] for a length that is not a decimal
    /// number or several that disagree.
    pub fn framing(&self) -> Result<Framing, HttpError> {
        if matches!(self.status, 100..=199 | 204 | 304) {
            return Ok(Framing::Length(0));
        }
        Ok(declared_framing(self.headers)?.unwrap_or(Framing::UntilClose))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::super::EMPTY_HEADER;
    use super::*;

    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                          Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";

    fn framing_of(head: &[u8]) -> Result<Framing, HttpError> {
        let mut headers = [EMPTY_HEADER; 8];
        match parse_response(head, &mut headers, &HttpLimits::default())? {
            Parsed::Complete(r) => r.framing(),
            Parsed::Partial => panic!("complete head expected"),
        }
    }

    #[test]
    fn partial_at_every_split_then_complete() {
        let mut wire = HEAD.to_vec();
        wire.extend_from_slice(b"5\r\nhello");
        for cut in 0..HEAD.len() {
            let mut headers = [EMPTY_HEADER; 8];
            let got = parse_response(&wire[..cut], &mut headers, &HttpLimits::default());
            assert_eq!(got, Ok(Parsed::Partial), "cut at {cut}");
        }
        for end in HEAD.len()..=wire.len() {
            let mut headers = [EMPTY_HEADER; 8];
            let Ok(Parsed::Complete(r)) =
                parse_response(&wire[..end], &mut headers, &HttpLimits::default())
            else {
                panic!("complete at {end}");
            };
            assert_eq!(r.head_len, HEAD.len());
            assert_eq!(r.status, 200);
            assert!(r.is_event_stream());
            assert_eq!(r.framing(), Ok(Framing::Chunked));
        }
    }

    #[test]
    fn head_limit_is_enforced_at_any_length() {
        let mut limits = HttpLimits::new();
        limits.max_head_len = 40;
        let mut headers = [EMPTY_HEADER; 8];
        assert_eq!(
            parse_response(&HEAD[..39], &mut headers, &limits),
            Ok(Parsed::Partial)
        );
        let mut headers = [EMPTY_HEADER; 8];
        assert_eq!(
            parse_response(&HEAD[..40], &mut headers, &limits),
            Err(HttpError::HeadTooLarge { limit: 40 })
        );
        let mut headers = [EMPTY_HEADER; 8];
        assert_eq!(
            parse_response(HEAD, &mut headers, &limits),
            Err(HttpError::HeadTooLarge { limit: 40 })
        );
    }

    #[test]
    fn too_many_headers_names_the_slots() {
        let mut headers = [EMPTY_HEADER; 2];
        assert_eq!(
            parse_response(HEAD, &mut headers, &HttpLimits::default()),
            Err(HttpError::TooManyHeaders { limit: 2 })
        );
    }

    #[test]
    fn malformed_status_line() {
        let mut headers = [EMPTY_HEADER; 2];
        assert!(matches!(
            parse_response(
                b"HTTP/1.1 2x0 OK\r\n\r\n",
                &mut headers,
                &HttpLimits::default()
            ),
            Err(HttpError::MalformedHead { .. })
        ));
        let mut headers = [EMPTY_HEADER; 2];
        assert!(matches!(
            parse_response(
                b"HTXP/1.1 200 OK\r\n\r\n",
                &mut headers,
                &HttpLimits::default()
            ),
            Err(HttpError::MalformedHead { .. })
        ));
    }

    #[test]
    fn framing_rules() {
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\n\r\n"),
            Ok(Framing::UntilClose)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n"),
            Ok(Framing::Length(12))
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\n"),
            Ok(Framing::Length(5))
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
            Err(HttpError::InvalidContentLength)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
            Err(HttpError::InvalidContentLength)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            Err(HttpError::InvalidContentLength)
        );
        assert_eq!(
            framing_of(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\nContent-Length: 3\r\n\r\n"
            ),
            Ok(Framing::Chunked)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            Err(HttpError::UnsupportedTransferCoding)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(HttpError::UnsupportedTransferCoding)
        );
        assert_eq!(
            framing_of(b"HTTP/1.1 204 No Content\r\n\r\n"),
            Ok(Framing::Length(0))
        );
    }

    #[test]
    fn interim_response_then_final_head() {
        let wire = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
        let mut headers = [EMPTY_HEADER; 4];
        let Ok(Parsed::Complete(first)) =
            parse_response(wire, &mut headers, &HttpLimits::default())
        else {
            panic!()
        };
        assert_eq!(
            (first.status, first.framing()),
            (103, Ok(Framing::Length(0)))
        );
        let rest = &wire[first.head_len..];
        let mut headers = [EMPTY_HEADER; 4];
        let Ok(Parsed::Complete(last)) = parse_response(rest, &mut headers, &HttpLimits::default())
        else {
            panic!()
        };
        assert_eq!(
            (last.status, last.framing()),
            (200, Ok(Framing::UntilClose))
        );
        assert_eq!(last.head_len, rest.len());
    }

    #[test]
    fn missing_content_type_is_not_event_stream() {
        let mut headers = [EMPTY_HEADER; 2];
        let Ok(Parsed::Complete(r)) = parse_response(
            b"HTTP/1.0 200 OK\r\n\r\n",
            &mut headers,
            &HttpLimits::default(),
        ) else {
            panic!()
        };
        assert_eq!(r.version, 0);
        assert!(!r.is_event_stream());
        assert_eq!(r.content_type(), None);
    }
}
