//! The server side: the request head in, the SSE response head and chunks out.

use super::{check, find_header, head_error, partial, trim, Header, HttpLimits, Parsed, Pieces};
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
///
/// let wire = b"GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 41\r\n\r\n";
/// let mut headers = [EMPTY_HEADER; 16];
/// let Parsed::Complete(req) = parse_request(wire, &mut headers, &HttpLimits::default())? else {
///     panic!("complete");
/// };
/// assert_eq!((req.method, req.path), ("GET", "/events"));
/// assert_eq!(req.last_event_id(), Some("41"));
/// assert!(req.accepts_event_stream());
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
pub fn parse_request<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
) -> Result<Parsed<RequestHead<'h, 'b>>, HttpError> {
    let slots = headers.len();
    let window = &buf[..buf.len().min(limits.max_head_len)];
    let mut request = httparse::Request::new(headers);
    match request.parse(window) {
        Err(e) => Err(head_error(e, slots)),
        Ok(httparse::Status::Partial) => partial(window.len(), limits),
        Ok(httparse::Status::Complete(head_len)) => {
            let httparse::Request {
                method,
                path,
                version,
                headers,
            } = request;
            Ok(Parsed::Complete(RequestHead {
                // httparse sets all three once the head is complete.
                method: method.unwrap_or(""),
                path: path.unwrap_or(""),
                version: version.unwrap_or(1),
                headers,
                head_len,
            }))
        }
    }
}

impl<'b> RequestHead<'_, 'b> {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        find_header(self.headers, name)
    }

    /// The `Last-Event-ID` to resume after: `None` when absent, empty, or not
    /// UTF-8 (the client's decoder never produces such an ID).
    pub fn last_event_id(&self) -> Option<&'b str> {
        let value = self.header("last-event-id")?;
        core::str::from_utf8(value).ok().filter(|s| !s.is_empty())
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
/// `HTTP/1.1 200 OK`, `Content-Type: text/event-stream`, `Cache-Control:
/// no-cache`, `X-Accel-Buffering: no` (nginx), then either `Connection:
/// keep-alive` and `Transfer-Encoding: chunked` (the default; frame each write
/// with [`encode_chunk`] and end with [`LAST_CHUNK`]) or, with
/// [`chunked(false)`](ResponseHead::chunked), `Connection: close` and a body
/// delimited by closing the connection. Then the extra headers, in order.
///
/// # Examples
///
/// ```
/// use sse_proto::http::ResponseHead;
///
/// let extra = [("Access-Control-Allow-Origin", "*")];
/// let head = ResponseHead::new().headers(&extra);
/// let mut out = [0u8; 256];
/// let n = head.write_into(&mut out)?;
/// assert!(out[..n].starts_with(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"));
/// assert!(out[..n].ends_with(b"Transfer-Encoding: chunked\r\nAccess-Control-Allow-Origin: *\r\n\r\n"));
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

    fn validate(&self) -> Result<(), HttpError> {
        for (name, value) in self.headers {
            check("header name", name.as_bytes(), true)?;
            check("header value", value.as_bytes(), false)?;
        }
        Ok(())
    }

    /// The exact number of bytes [`write_into`](ResponseHead::write_into) writes.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidField`] for an extra header name that is not a token or
    /// a value with CR, LF or NUL.
    pub fn encoded_len(&self) -> Result<usize, HttpError> {
        self.validate()?;
        Ok(self.total_len())
    }

    /// Writes the head at the start of `out`; returns the length written.
    ///
    /// # Errors
    ///
    /// As [`encoded_len`](ResponseHead::encoded_len), or
    /// [`HttpError::BufferTooSmall`] with the length needed.
    pub fn write_into(&self, out: &mut [u8]) -> Result<usize, HttpError> {
        self.validate()?;
        self.copy_into(out)
    }

    /// Appends the head to `out`.
    ///
    /// # Errors
    ///
    /// As [`encoded_len`](ResponseHead::encoded_len); `out` is then unchanged.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn write_to_vec(&self, out: &mut alloc::vec::Vec<u8>) -> Result<(), HttpError> {
        self.validate()?;
        self.extend_vec(out);
        Ok(())
    }
}

impl Pieces for ResponseHead<'_> {
    fn pieces(&self, put: &mut dyn FnMut(&[u8])) {
        put(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\n");
        if self.chunked {
            put(b"Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n");
        } else {
            put(b"Connection: close\r\n");
        }
        for (name, value) in self.headers {
            put(name.as_bytes());
            put(b": ");
            put(value.as_bytes());
            put(b"\r\n");
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
    let digits = (usize::BITS - data_len.leading_zeros()).div_ceil(4) as usize;
    digits.saturating_add(4).saturating_add(data_len)
}

/// Frames `data` as one chunk (hex size, CRLF, data, CRLF) at the start of `out`.
/// Empty `data` writes nothing (an empty chunk would end the body: send
/// [`LAST_CHUNK`] for that).
///
/// # Errors
///
/// [`HttpError::BufferTooSmall`] with [`encoded_chunk_len`] as `required`.
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
    let digits = required - 4 - data.len();
    let mut n = data.len();
    for slot in out[..digits].iter_mut().rev() {
        *slot = b"0123456789abcdef"[n % 16];
        n /= 16;
    }
    out[digits..digits + 2].copy_from_slice(b"\r\n");
    out[digits + 2..required - 2].copy_from_slice(data);
    out[required - 2..].copy_from_slice(b"\r\n");
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
        assert_eq!(req.last_event_id(), None, "empty id means none");
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

    #[test]
    fn close_delimited_head() {
        let mut out = [0u8; 200];
        let head = ResponseHead::new().chunked(false);
        let n = head.write_into(&mut out).unwrap();
        assert_eq!(n, head.encoded_len().unwrap());
        assert_eq!(
            &out[..n],
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
              X-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            head.write_into(&mut out[..n - 1]),
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
        let mut total = 0;
        while !d.is_done() {
            let step = d.decode(input).unwrap();
            total += step.data.len();
            input = &input[step.consumed..];
        }
        assert_eq!(total, 1 + 15 + 16 + 17 + 255 + 256 + 4096);
        assert!(input.is_empty());
        assert_eq!(encode_chunk(b"", &mut []), Ok(0));
    }
}
