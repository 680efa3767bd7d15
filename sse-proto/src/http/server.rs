//! The server side: the request head in, the SSE response head and chunks out.

use super::body::declared_framing;
use super::{
    check_headers, find_header, parse_head, put_header, trim, Framing, Header, HttpLimits, Parsed,
    Pieces,
};
use crate::digits::{hex, MAX_DIGITS};
use crate::server::{response_headers, HttpVersion, LastEventId};
use crate::HttpError;

/// A parsed request head, borrowing the caller's buffer and header storage.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestHead<'h, 'b> {
    /// The method, e.g. `GET`.
    pub method: &'b str,
    /// The request target, e.g. `/events?room=1`.
    pub path: &'b str,
    /// The HTTP minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub version: u8,
    /// The header lines, in order.
    pub headers: &'h [Header<'b>],
    /// The length of the head, final CRLF included: a request body starts here.
    pub head_len: usize,
}

/// Parses a request head from the start of `buf` into `headers`.
///
/// # Errors
///
/// As [`parse_response`](super::parse_response): [`HttpError::HeadTooLarge`],
/// [`HttpError::TooManyHeaders`], [`HttpError::MalformedHead`].
///
/// # Examples
///
/// ```
/// use sse_proto::http::{parse_request, HttpLimits, Parsed, EMPTY_HEADER};
/// use sse_proto::server::LastEventId;
///
/// let wire = b"GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 41\r\n\r\n";
/// let mut headers = [EMPTY_HEADER; 16];
/// let Parsed::Complete(req) = parse_request(wire, &mut headers, &HttpLimits::default())? else {
///     panic!("complete");
/// };
/// assert_eq!((req.method, req.path), ("GET", "/events"));
/// assert_eq!(req.last_event_id(), LastEventId::Id("41"));
/// assert!(req.accepts_event_stream());
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
pub fn parse_request<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
) -> Result<Parsed<RequestHead<'h, 'b>>, HttpError> {
    parse_head(buf, headers, limits, |window, headers| {
        let mut request = httparse::Request::new(headers);
        let head_len = match request.parse(window)? {
            httparse::Status::Complete(head_len) => head_len,
            httparse::Status::Partial => return Ok(httparse::Status::Partial),
        };
        Ok(httparse::Status::Complete(RequestHead {
            // httparse sets all three once the head is complete.
            method: request.method.unwrap_or(""),
            path: request.path.unwrap_or(""),
            version: request.version.unwrap_or(1),
            headers: request.headers,
            head_len,
        }))
    })
}

impl<'b> RequestHead<'_, 'b> {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        find_header(self.headers, name)
    }

    /// The request's `Last-Event-ID`, read by the same rules as
    /// [`LastEventId::from_values`] (and so as `LastEventId::from_headers` on an
    /// `http::HeaderMap` of the same headers): absent or blank is
    /// [`Absent`](LastEventId::Absent); the value trimmed of spaces and tabs is
    /// the [`Id`](LastEventId::Id); a repeated header, or one that is not UTF-8 or
    /// holds NUL, CR or LF, is [`Invalid`](LastEventId::Invalid).
    pub fn last_event_id(&self) -> LastEventId<'b> {
        LastEventId::from_values(
            self.headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("last-event-id"))
                .map(|h| h.value),
        )
    }

    /// How the request's body is delimited: `Transfer-Encoding: chunked`,
    /// a `Content-Length`, or no body (`Length(0)`) when neither is sent (a
    /// request body never runs until the connection closes).
    ///
    /// # Errors
    ///
    /// As [`Response::framing`](super::Response::framing):
    /// [`HttpError::UnsupportedTransferCoding`] for any coding but a lone
    /// `chunked`, [`HttpError::InvalidContentLength`] for a bad or
    /// disagreeing length.
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::http::{parse_request, Framing, HttpLimits, Parsed, EMPTY_HEADER};
    ///
    /// let mut headers = [EMPTY_HEADER; 4];
    /// let wire = b"POST /publish HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    /// let Parsed::Complete(req) = parse_request(wire, &mut headers, &HttpLimits::new())? else {
    ///     panic!("complete");
    /// };
    /// assert_eq!(req.framing()?, Framing::Length(5));
    /// # Ok::<(), sse_proto::HttpError>(())
    /// ```
    pub fn framing(&self) -> Result<Framing, HttpError> {
        Ok(declared_framing(self.headers)?.unwrap_or(Framing::Length(0)))
    }

    /// Whether the client accepts `text/event-stream`: no `Accept` header, or
    /// a media range `text/event-stream`, `text/*` or `*/*` in any of them.
    pub fn accepts_event_stream(&self) -> bool {
        let mut accepts = self
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("accept"))
            .peekable();
        if accepts.peek().is_none() {
            return true;
        }
        accepts.any(|h| {
            h.value.split(|&b| b == b',').any(|range| {
                let media = trim(range.split(|&b| b == b';').next().unwrap_or_default());
                [&b"text/event-stream"[..], b"text/*", b"*/*"]
                    .iter()
                    .any(|m| media.eq_ignore_ascii_case(m))
            })
        })
    }
}

/// The SSE response head, written as HTTP/1.1.
///
/// `HTTP/1.1 200 OK`, then the [`response_headers`] for HTTP/1.1 (the same
/// list, in the same order and lowercase, that a server on another HTTP stack
/// sends), then the framing: `transfer-encoding: chunked` (the default; frame
/// each write with [`encode_chunk`] and end with [`LAST_CHUNK`]) or, with
/// [`chunked(false)`](ResponseHead::chunked), a body delimited by closing the
/// connection, announced by `connection: close` in place of `keep-alive`. Then
/// the extra headers, in order.
///
/// # Examples
///
/// ```
/// use sse_proto::http::ResponseHead;
///
/// let extra = [("Access-Control-Allow-Origin", "*")];
/// let head = ResponseHead::new().headers(&extra);
/// let mut out = [0u8; 256];
/// let n = head.encode_into(&mut out)?;
/// assert_eq!(n, head.encoded_len()?);
/// assert_eq!(
///     &out[..n],
///     b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
///       x-accel-buffering: no\r\nconnection: keep-alive\r\ntransfer-encoding: chunked\r\n\
///       Access-Control-Allow-Origin: *\r\n\r\n"
/// );
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHead<'a> {
    chunked: bool,
    headers: &'a [(&'a str, &'a str)],
}

impl Default for ResponseHead<'_> {
    fn default() -> Self {
        ResponseHead::new()
    }
}

impl<'a> ResponseHead<'a> {
    /// The default head: chunked, no extra headers.
    pub const fn new() -> Self {
        ResponseHead {
            chunked: true,
            headers: &[],
        }
    }

    /// Chunked body and keep-alive (`true`, the default), or a body that ends
    /// when the connection closes (`false`).
    pub const fn chunked(mut self, chunked: bool) -> Self {
        self.chunked = chunked;
        self
    }

    /// Extra headers written after the SSE ones (CORS, cookies...).
    pub const fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// The exact number of bytes [`encode_into`](ResponseHead::encode_into) writes.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidField`] for an extra header name that is not a token or
    /// a value with CR, LF or NUL.
    pub fn encoded_len(&self) -> Result<usize, HttpError> {
        self.checked_len()
    }

    /// Writes the head at the start of `out`; returns the length written.
    ///
    /// # Errors
    ///
    /// As [`encoded_len`](ResponseHead::encoded_len), or
    /// [`HttpError::BufferTooSmall`] with the length needed. Nothing is written
    /// on error.
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, HttpError> {
        self.copy_into(out)
    }

    /// Appends the head to `out`; returns the length appended.
    ///
    /// # Errors
    ///
    /// As [`encoded_len`](ResponseHead::encoded_len); `out` is then unchanged.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn encode_to_vec(&self, out: &mut alloc::vec::Vec<u8>) -> Result<usize, HttpError> {
        self.extend_vec(out)
    }
}

impl Pieces for ResponseHead<'_> {
    fn validate(&self) -> Result<(), HttpError> {
        check_headers(self.headers)
    }

    fn pieces(&self, put: &mut dyn FnMut(&[u8])) {
        put(b"HTTP/1.1 200 OK\r\n");
        for &(name, value) in response_headers(HttpVersion::Http11) {
            // The one header that depends on the framing.
            let value = if name == "connection" && !self.chunked {
                "close"
            } else {
                value
            };
            put_header(put, name, value);
        }
        if self.chunked {
            put_header(put, "transfer-encoding", "chunked");
        }
        for (name, value) in self.headers {
            put_header(put, name, value);
        }
        put(b"\r\n");
    }
}

/// The zero-size chunk that ends a chunked body (no trailers).
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// The bytes [`encode_chunk`] writes for `data_len` bytes of data (0 for none).
///
/// ```
/// assert_eq!(sse_proto::http::encoded_chunk_len(26), 2 + 2 + 26 + 2); // "1a\r\n" ... "\r\n"
/// ```
pub fn encoded_chunk_len(data_len: usize) -> usize {
    if data_len == 0 {
        return 0;
    }
    let mut digits = [0; MAX_DIGITS];
    hex(data_len as u64, &mut digits)
        .len()
        .saturating_add(4)
        .saturating_add(data_len)
}

/// Frames `data` as one chunk (hex size, CRLF, data, CRLF) at the start of `out`
/// and returns the length written. Empty `data` writes nothing (an empty chunk
/// would end the body: send [`LAST_CHUNK`] for that).
///
/// # Errors
///
/// [`HttpError::BufferTooSmall`] with [`encoded_chunk_len`] as `required`;
/// nothing is written then.
///
/// ```
/// use sse_proto::http::encode_chunk;
///
/// let mut out = [0u8; 32];
/// let n = encode_chunk(b"data: hi\n\n", &mut out)?;
/// assert_eq!(&out[..n], b"a\r\ndata: hi\n\n\r\n");
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
pub fn encode_chunk(data: &[u8], out: &mut [u8]) -> Result<usize, HttpError> {
    let required = encoded_chunk_len(data.len());
    let Some(out) = out.get_mut(..required) else {
        return Err(HttpError::BufferTooSmall { required });
    };
    if required == 0 {
        return Ok(0);
    }
    let mut digits = [0; MAX_DIGITS];
    let size = hex(data.len() as u64, &mut digits);
    let (head, rest) = out.split_at_mut(size.len() + 2);
    let (body, tail) = rest.split_at_mut(data.len());
    head[..size.len()].copy_from_slice(size);
    head[size.len()..].copy_from_slice(b"\r\n");
    body.copy_from_slice(data);
    tail.copy_from_slice(b"\r\n");
    Ok(required)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::super::{ChunkedDecoder, EMPTY_HEADER};
    use super::*;
    use std::vec::Vec;

    const REQ: &[u8] = b"POST /v1/stream?x=1 HTTP/1.1\r\nHost: h\r\naccept: application/json, text/*;q=0.5\r\nlast-event-id: \r\n\r\n{}";

    #[test]
    fn request_partial_at_every_split() {
        let head_len = REQ.len() - 2;
        for cut in 0..head_len {
            let mut headers = [EMPTY_HEADER; 4];
            assert_eq!(
                parse_request(&REQ[..cut], &mut headers, &HttpLimits::default()),
                Ok(Parsed::Partial),
                "cut {cut}"
            );
        }
        let mut headers = [EMPTY_HEADER; 4];
        let Ok(Parsed::Complete(req)) = parse_request(REQ, &mut headers, &HttpLimits::default())
        else {
            panic!()
        };
        assert_eq!(
            (req.method, req.path, req.head_len),
            ("POST", "/v1/stream?x=1", head_len)
        );
        assert_eq!(
            req.last_event_id(),
            LastEventId::Absent,
            "empty id means none"
        );
        assert_eq!(req.header("HOST"), Some(&b"h"[..]));
        assert_eq!(req.header("last-event-id"), Some(&b""[..]));
        assert_eq!(req.header("x-absent"), None);
        assert!(req.accepts_event_stream(), "text/* matches");
    }

    #[test]
    fn accept_rules() {
        let parse = |wire: &'static [u8]| {
            let mut headers = [EMPTY_HEADER; 4];
            let Ok(Parsed::Complete(req)) =
                parse_request(wire, &mut headers, &HttpLimits::default())
            else {
                panic!()
            };
            req.accepts_event_stream()
        };
        assert!(parse(b"GET / HTTP/1.1\r\n\r\n"));
        assert!(parse(b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"));
        assert!(!parse(
            b"GET / HTTP/1.1\r\nAccept: application/json\r\n\r\n"
        ));
        assert!(!parse(
            b"GET / HTTP/1.1\r\nAccept: text/event-streams\r\n\r\n"
        ));
    }

    #[test]
    fn request_framing() {
        let framing = |wire: &[u8]| {
            let mut headers = [EMPTY_HEADER; 4];
            match parse_request(wire, &mut headers, &HttpLimits::default()) {
                Ok(Parsed::Complete(req)) => req.framing(),
                other => panic!("{other:?}"),
            }
        };
        // No body unless one is declared: never until the close.
        assert_eq!(framing(b"POST / HTTP/1.1\r\n\r\n"), Ok(Framing::Length(0)));
        assert_eq!(
            framing(b"POST / HTTP/1.1\r\nContent-Length: 7\r\n\r\n"),
            Ok(Framing::Length(7))
        );
        assert_eq!(
            framing(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n"),
            Ok(Framing::Chunked)
        );
        assert_eq!(
            framing(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            Err(HttpError::UnsupportedTransferCoding)
        );
        assert_eq!(
            framing(b"POST / HTTP/1.1\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n"),
            Err(HttpError::InvalidContentLength)
        );
    }

    #[test]
    fn request_errors() {
        let mut headers = [EMPTY_HEADER; 1];
        assert_eq!(
            parse_request(REQ, &mut headers, &HttpLimits::default()),
            Err(HttpError::TooManyHeaders { limit: 1 })
        );
        let mut limits = HttpLimits::new();
        limits.max_head_len = 10;
        let mut headers = [EMPTY_HEADER; 4];
        assert_eq!(
            parse_request(REQ, &mut headers, &limits),
            Err(HttpError::HeadTooLarge { limit: 10 })
        );
        let mut headers = [EMPTY_HEADER; 4];
        assert!(matches!(
            parse_request(
                b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                &mut headers,
                &HttpLimits::default()
            ),
            Err(HttpError::MalformedHead { .. })
        ));
    }

    /// The headers of a head written by `head`, as `(name, value)` strings.
    fn written_headers(head: &ResponseHead<'_>) -> Vec<(std::string::String, std::string::String)> {
        let mut out = std::vec![0u8; 512];
        let n = head.encode_into(&mut out).unwrap();
        assert_eq!(n, head.encoded_len().unwrap());
        let mut headers = [EMPTY_HEADER; 16];
        let Ok(Parsed::Complete(r)) =
            super::super::parse_response(&out[..n], &mut headers, &HttpLimits::default())
        else {
            panic!("a complete head")
        };
        assert_eq!(
            (r.version, r.status, r.reason, r.head_len),
            (1, 200, "OK", n)
        );
        r.headers
            .iter()
            .map(|h| (h.name.into(), std::str::from_utf8(h.value).unwrap().into()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(std::string::String, std::string::String)> {
        list.iter().map(|&(n, v)| (n.into(), v.into())).collect()
    }

    #[test]
    fn response_head_writes_the_response_headers_list() {
        let h1 = pairs(response_headers(HttpVersion::Http11));
        let extra = [("X-Extra", "1")];
        let mut chunked = h1.clone();
        chunked.extend(pairs(&[("transfer-encoding", "chunked"), ("X-Extra", "1")]));
        assert_eq!(
            written_headers(&ResponseHead::new().headers(&extra)),
            chunked
        );
        // Close-delimited: the same list, `connection: close` in place of keep-alive.
        let close: Vec<_> = h1
            .into_iter()
            .map(|(n, v)| {
                if n == "connection" {
                    (n, "close".into())
                } else {
                    (n, v)
                }
            })
            .collect();
        assert_eq!(close.len(), response_headers(HttpVersion::Http11).len());
        assert!(close.contains(&("connection".into(), "close".into())));
        assert_eq!(written_headers(&ResponseHead::new().chunked(false)), close);
        assert_eq!(ResponseHead::default(), ResponseHead::new());
    }

    #[test]
    fn close_delimited_head() {
        let mut out = [0u8; 200];
        let head = ResponseHead::new().chunked(false);
        let n = head.encode_into(&mut out).unwrap();
        assert_eq!(n, head.encoded_len().unwrap());
        assert_eq!(
            &out[..n],
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
              x-accel-buffering: no\r\nconnection: close\r\n\r\n"
        );
        assert_eq!(
            head.encode_into(&mut out[..n - 1]),
            Err(HttpError::BufferTooSmall { required: n })
        );
        let bad = [("X", "1\r\nSet-Cookie: a")];
        assert_eq!(
            ResponseHead::new().headers(&bad).encoded_len(),
            Err(HttpError::InvalidField {
                field: "header value",
                byte: b'\r'
            })
        );
        let bad = [("X:", "1")];
        assert_eq!(
            ResponseHead::new().headers(&bad).encode_into(&mut out),
            Err(HttpError::InvalidField {
                field: "header name",
                byte: b':'
            })
        );
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn vec_output_appends_what_slice_output_writes() {
        let extra = [("A", "b")];
        let head = ResponseHead::new().headers(&extra);
        let mut slice = [0u8; 256];
        let n = head.encode_into(&mut slice).unwrap();
        let mut v = b"before".to_vec();
        assert_eq!(head.encode_to_vec(&mut v), Ok(n));
        assert_eq!(&v[..6], b"before");
        assert_eq!(&v[6..], &slice[..n]);
        let bad = [("A", "\n")];
        assert!(ResponseHead::new()
            .headers(&bad)
            .encode_to_vec(&mut v)
            .is_err());
        assert_eq!(v.len(), 6 + n, "unchanged on error");
    }

    /// A request head over `headers`, as a caller (or a test) may build one.
    fn head_over<'h, 'b>(headers: &'h [Header<'b>]) -> RequestHead<'h, 'b> {
        RequestHead {
            method: "GET",
            path: "/",
            version: 1,
            headers,
            head_len: 0,
        }
    }

    /// `RequestHead::last_event_id` and `LastEventId::from_headers` (feature
    /// `http`) give the `LastEventId::parse` answer for the same headers:
    /// repeated, non-UTF-8, padded, NUL-holding, blank, absent.
    #[test]
    fn last_event_id_has_one_answer() {
        use crate::server::InvalidLastEventId::{ForbiddenByte, NotUtf8, Repeated};
        use LastEventId::{Absent, Id, Invalid};
        let cases: [(&[&[u8]], LastEventId<'static>); 10] = [
            (&[], Absent),
            (&[b"7"], Id("7")),
            (&[b" 7\t"], Id("7")),
            (&[b"\t "], Absent),
            (&[b"7", b"8"], Invalid(Repeated)),
            (&[b"7", b""], Invalid(Repeated)),
            (&[b"7", b"7"], Invalid(Repeated)),
            (&[b"\xff7"], Invalid(NotUtf8 { valid_up_to: 0 })),
            (&[b"a\xc3"], Invalid(NotUtf8 { valid_up_to: 1 })),
            (&[b"4\x002"], Invalid(ForbiddenByte { byte: 0, offset: 1 })),
        ];
        for (values, want) in cases {
            let mut headers = Vec::new();
            headers.push(Header {
                name: "Host",
                value: b"h",
            });
            for (i, value) in values.iter().enumerate() {
                let name = ["Last-Event-ID", "last-event-id"][i % 2];
                headers.push(Header { name, value });
                headers.push(Header {
                    name: "X-Other",
                    value: b"1",
                });
            }
            assert_eq!(head_over(&headers).last_event_id(), want, "{values:?}");
            if let [one] = values {
                assert_eq!(LastEventId::parse(Some(one)), want, "{values:?}");
            }
            #[cfg(feature = "http")]
            {
                let mut map = ::http::HeaderMap::new();
                let mut representable = true;
                for h in &headers {
                    match ::http::HeaderValue::from_bytes(h.value) {
                        Ok(v) => {
                            let name = ::http::HeaderName::from_bytes(h.name.as_bytes()).unwrap();
                            map.append(name, v);
                        }
                        // A HeaderMap cannot hold NUL (nor CR or LF).
                        Err(_) => representable = false,
                    }
                }
                if representable {
                    assert_eq!(LastEventId::from_headers(&map), want, "{values:?}");
                } else {
                    assert!(values.iter().any(|v| v.contains(&0)));
                }
            }
        }
    }

    /// The same answers for headers as they arrive, parsed from the wire.
    #[test]
    fn last_event_id_from_the_wire() {
        use crate::server::InvalidLastEventId::{NotUtf8, Repeated};
        let parse = |wire: &[u8], want: LastEventId<'_>| {
            let mut headers = [EMPTY_HEADER; 8];
            let Ok(Parsed::Complete(req)) =
                parse_request(wire, &mut headers, &HttpLimits::default())
            else {
                panic!("{wire:?}")
            };
            assert_eq!(req.last_event_id(), want, "{wire:?}");
        };
        parse(
            b"GET / HTTP/1.1\r\nLast-Event-ID:  41 \r\n\r\n",
            LastEventId::Id("41"),
        );
        parse(
            b"GET / HTTP/1.1\r\nLast-Event-ID: 1\r\nlast-event-id: 2\r\n\r\n",
            LastEventId::Invalid(Repeated),
        );
        parse(
            b"GET / HTTP/1.1\r\nLast-Event-ID: \xe9\r\n\r\n",
            LastEventId::Invalid(NotUtf8 { valid_up_to: 0 }),
        );
        parse(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", LastEventId::Absent);
        // httparse refuses a NUL in a header value: the request never gets here.
        let mut headers = [EMPTY_HEADER; 8];
        assert!(matches!(
            parse_request(
                b"GET / HTTP/1.1\r\nLast-Event-ID: 1\x002\r\n\r\n",
                &mut headers,
                &HttpLimits::default()
            ),
            Err(HttpError::MalformedHead { .. })
        ));
    }

    #[test]
    fn chunks_round_trip_through_the_decoder() {
        let mut wire = Vec::new();
        for len in [1usize, 15, 16, 17, 255, 256, 4096] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let required = encoded_chunk_len(len);
            let mut out = std::vec![0u8; required];
            assert_eq!(
                encode_chunk(&data, &mut out[..required - 1]),
                Err(HttpError::BufferTooSmall { required })
            );
            assert_eq!(encode_chunk(&data, &mut out), Ok(required));
            wire.extend_from_slice(&out);
        }
        wire.extend_from_slice(LAST_CHUNK);
        let mut d = ChunkedDecoder::new(HttpLimits::default());
        let mut input = &wire[..];
        let mut data = Vec::new();
        while !d.is_done() {
            let step = d.decode(input).unwrap();
            // A decoder that stops making progress fails the test, never hangs it.
            assert!(
                step.consumed > 0,
                "no progress with {} bytes left",
                input.len()
            );
            data.extend_from_slice(step.data);
            input = &input[step.consumed..];
        }
        let lens = [1usize, 15, 16, 17, 255, 256, 4096];
        let expected: Vec<u8> = lens
            .iter()
            .flat_map(|&len| (0..len).map(|i| (i % 251) as u8))
            .collect();
        assert_eq!(data, expected);
        assert!(input.is_empty());
        assert_eq!(encode_chunk(b"", &mut []), Ok(0));
        assert_eq!(encoded_chunk_len(0), 0);
    }

    #[test]
    fn chunk_sizes_in_hex() {
        let mut out = [0u8; 64];
        for (len, head) in [
            (1, &b"1\r\n"[..]),
            (15, b"f\r\n"),
            (16, b"10\r\n"),
            (26, b"1a\r\n"),
        ] {
            let data = [b'x'; 26];
            let n = encode_chunk(&data[..len], &mut out).unwrap();
            assert_eq!(n, head.len() + len + 2);
            assert_eq!(&out[..head.len()], head);
            assert_eq!(&out[head.len()..n - 2], &data[..len]);
            assert_eq!(&out[n - 2..n], b"\r\n");
        }
        assert_eq!(encoded_chunk_len(0x1000), 4 + 4 + 0x1000);
        assert_eq!(encoded_chunk_len(usize::MAX), usize::MAX);
    }
}
