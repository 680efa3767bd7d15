//! The client's request head (and optional body).

use super::{check, check_headers, put_header, Pieces};
use crate::digits::{decimal, MAX_DIGITS};
use crate::server::CONTENT_TYPE;
use crate::HttpError;

/// An SSE request, written as HTTP/1.1.
///
/// Always sends `Host`, `Accept: text/event-stream` and `Cache-Control:
/// no-cache` (unless a custom header of the same name replaces them),
/// `Last-Event-ID` when [`last_event_id`](Request::last_event_id) is non-empty,
/// the custom headers in order, and with a body, `Content-Length` then the body.
///
/// # Examples
///
/// ```
/// use sse_proto::http::Request;
///
/// let headers = [("Authorization", "Bearer k"), ("Content-Type", "application/json")];
/// let req = Request::get("api.example", "/v1/chat")
///     .method("POST")
///     .headers(&headers)
///     .body(b"{}");
/// let mut out = [0u8; 256];
/// let n = req.encode_into(&mut out)?;
/// assert_eq!(n, req.encoded_len()?);
/// assert_eq!(
///     &out[..n],
///     b"POST /v1/chat HTTP/1.1\r\nHost: api.example\r\nAccept: text/event-stream\r\n\
///       Cache-Control: no-cache\r\nAuthorization: Bearer k\r\n\
///       Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
/// );
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    method: &'a str,
    host: &'a str,
    path: &'a str,
    last_event_id: &'a str,
    headers: &'a [(&'a str, &'a str)],
    body: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    /// A `GET` of `path` (origin form, e.g. `/events?x=1`) on `host` (with the
    /// port when not the default one).
    pub const fn get(host: &'a str, path: &'a str) -> Self {
        Request {
            method: "GET",
            host,
            path,
            last_event_id: "",
            headers: &[],
            body: None,
        }
    }

    /// Another method (`POST` for most LLM APIs).
    pub const fn method(mut self, method: &'a str) -> Self {
        self.method = method;
        self
    }

    /// The `Last-Event-ID` to send; not sent when empty. Pass
    /// [`Client::last_event_id`](crate::client::Client::last_event_id).
    pub const fn last_event_id(mut self, id: &'a str) -> Self {
        self.last_event_id = id;
        self
    }

    /// Extra headers, written in order after the SSE ones. A header named
    /// `Accept` or `Cache-Control` replaces the default one. Do not pass `Host`,
    /// `Content-Length` or `Transfer-Encoding`: they are written from the request.
    pub const fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// A body, sent with `Content-Length` (even when empty).
    pub const fn body(mut self, body: &'a [u8]) -> Self {
        self.body = Some(body);
        self
    }

    /// The exact number of bytes [`encode_into`](Request::encode_into) writes.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidField`] when a field holds a byte that would break the
    /// head (CR, LF, NUL; a space or control byte in the path or host; a non-token
    /// byte in the method or a header name).
    pub fn encoded_len(&self) -> Result<usize, HttpError> {
        self.checked_len()
    }

    /// Writes the request at the start of `out`; returns the length written.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidField`] as for [`encoded_len`](Request::encoded_len),
    /// or [`HttpError::BufferTooSmall`] with the length needed. Nothing is
    /// written on error.
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, HttpError> {
        self.copy_into(out)
    }

    /// Appends the request to `out`; returns the length appended.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidField`] as for [`encoded_len`](Request::encoded_len);
    /// `out` is then unchanged.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn encode_to_vec(&self, out: &mut alloc::vec::Vec<u8>) -> Result<usize, HttpError> {
        self.extend_vec(out)
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// A request target or host: visible ASCII or UTF-8, no space or control byte.
fn check_target(field: &'static str, value: &[u8]) -> Result<(), HttpError> {
    match value.iter().find(|&&b| b <= b' ' || b == 0x7f) {
        Some(&byte) => Err(HttpError::InvalidField { field, byte }),
        None if value.is_empty() => Err(HttpError::InvalidField { field, byte: b' ' }),
        None => Ok(()),
    }
}

impl Pieces for Request<'_> {
    fn validate(&self) -> Result<(), HttpError> {
        check("method", self.method.as_bytes(), true)?;
        check_target("path", self.path.as_bytes())?;
        check_target("host", self.host.as_bytes())?;
        check("last-event-id", self.last_event_id.as_bytes(), false)?;
        check_headers(self.headers)
    }

    fn pieces(&self, put: &mut dyn FnMut(&[u8])) {
        put(self.method.as_bytes());
        put(b" ");
        put(self.path.as_bytes());
        put(b" HTTP/1.1\r\n");
        put_header(put, "Host", self.host);
        if !self.has_header("accept") {
            put_header(put, "Accept", CONTENT_TYPE);
        }
        if !self.has_header("cache-control") {
            put_header(put, "Cache-Control", "no-cache");
        }
        if !self.last_event_id.is_empty() {
            put_header(put, "Last-Event-ID", self.last_event_id);
        }
        for (name, value) in self.headers {
            put_header(put, name, value);
        }
        if let Some(body) = self.body {
            let mut digits = [0; MAX_DIGITS];
            put(b"Content-Length: ");
            put(decimal(body.len() as u64, &mut digits));
            put(b"\r\n\r\n");
            put(body);
        } else {
            put(b"\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::{vec, vec::Vec};

    fn written(req: &Request<'_>) -> Vec<u8> {
        let mut out = vec![0u8; 512];
        let n = req.encode_into(&mut out).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn reconnect_get_sends_last_event_id() {
        let req = Request::get("h:8080", "/s").last_event_id("42");
        assert_eq!(
            written(&req),
            b"GET /s HTTP/1.1\r\nHost: h:8080\r\nAccept: text/event-stream\r\n\
              Cache-Control: no-cache\r\nLast-Event-ID: 42\r\n\r\n"
        );
    }

    #[test]
    fn custom_accept_replaces_default() {
        let headers = [("accept", "*/*")];
        let out = written(&Request::get("h", "/").headers(&headers));
        assert_eq!(
            out,
            b"GET / HTTP/1.1\r\nHost: h\r\nCache-Control: no-cache\r\naccept: */*\r\n\r\n"
        );
    }

    #[test]
    fn empty_body_has_content_length_zero() {
        let out = written(&Request::get("h", "/").method("POST").body(b""));
        assert!(out.ends_with(b"Content-Length: 0\r\n\r\n"));
    }

    #[test]
    fn buffer_too_small_names_required() {
        let req = Request::get("h", "/");
        let len = req.encoded_len().unwrap();
        let mut out = vec![0u8; len - 1];
        assert_eq!(
            req.encode_into(&mut out),
            Err(HttpError::BufferTooSmall { required: len })
        );
        let mut out = vec![0u8; len];
        assert_eq!(req.encode_into(&mut out), Ok(len));
    }

    #[test]
    fn injection_is_refused() {
        let bad_value = [("X", "a\nb")];
        let bad_name = [("X Y", "a")];
        let cases = [
            (Request::get("h", "/a b"), "path", b' '),
            (Request::get("h", ""), "path", b' '),
            (Request::get("", "/"), "host", b' '),
            (Request::get("h", "/\x7f"), "path", 0x7f),
            (Request::get("h\r", "/"), "host", b'\r'),
            (
                Request::get("h", "/").last_event_id("1\r\n"),
                "last-event-id",
                b'\r',
            ),
            (
                Request::get("h", "/").headers(&bad_value),
                "header value",
                b'\n',
            ),
            (
                Request::get("h", "/").headers(&bad_name),
                "header name",
                b' ',
            ),
            (Request::get("h", "/").method("G\0"), "method", 0),
        ];
        for (req, field, byte) in cases {
            assert_eq!(
                req.encoded_len(),
                Err(HttpError::InvalidField { field, byte })
            );
        }
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn vec_output_matches_slice_output() {
        let req = Request::get("h", "/x").method("POST").body(b"hello");
        let expected = written(&req);
        let mut v = b"before".to_vec();
        assert_eq!(req.encode_to_vec(&mut v), Ok(expected.len()));
        assert_eq!(&v[..6], b"before");
        assert_eq!(&v[6..], expected);
        let bad = Request::get("h", "/x").last_event_id("\n");
        assert!(bad.encode_to_vec(&mut v).is_err());
        assert_eq!(v.len(), 6 + expected.len(), "unchanged on error");
    }
}
