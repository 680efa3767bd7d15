//! A standalone HTTP/1.1 server path for event streams: one connection's
//! request head in, a response out, on the core's `sse_proto::http`.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_io::{AsyncRead, AsyncWrite};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sse_proto::http::{
    parse_request, BodyDecoder, Framing, HttpLimits, Parsed, RequestHead, ResponseHead,
    EMPTY_HEADER,
};
use sse_proto::HttpError;

use super::sink::{flush, write_all, FrameWriter};
use super::{BoxFrameStream, EventBody};
use crate::{Error, Runtime};

/// Limits of [`serve_connection`] (and `serve`): what a client may send
/// before the server answers.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_rt::server::ServeConfig;
///
/// let config = ServeConfig::new().with_head_timeout(Duration::from_secs(5)).with_max_headers(32);
/// assert_eq!(config.max_headers(), 32);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeConfig {
    limits: HttpLimits,
    max_headers: usize,
    head_timeout: Duration,
    max_body: usize,
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig::new()
    }
}

impl ServeConfig {
    /// A request head of at most 16 KiB ([`HttpLimits`]' default) and 64
    /// header lines, a body of at most 64 KiB, the whole request within 10 s
    /// (of the connection, or of the previous response on a kept-alive one).
    pub const fn new() -> ServeConfig {
        ServeConfig {
            limits: HttpLimits::new(),
            max_headers: 64,
            head_timeout: Duration::from_secs(10),
            max_body: 64 * 1024,
        }
    }

    /// The HTTP limits (the head's size is `max_head_len`).
    pub const fn with_limits(mut self, limits: HttpLimits) -> ServeConfig {
        self.limits = limits;
        self
    }

    /// The most header lines in a request head.
    pub const fn with_max_headers(mut self, max: usize) -> ServeConfig {
        self.max_headers = max;
        self
    }

    /// How long a client has to send a whole request, head and body (a slow
    /// client holds a connection and its buffer for no longer); on a
    /// kept-alive connection, also how long it may sit idle between requests.
    pub const fn with_head_timeout(mut self, timeout: Duration) -> ServeConfig {
        self.head_timeout = timeout;
        self
    }

    /// The largest request body read (after its chunked framing is removed);
    /// a longer one is answered `413 Payload Too Large`.
    pub const fn with_max_body(mut self, max: usize) -> ServeConfig {
        self.max_body = max;
        self
    }

    /// The HTTP limits.
    pub const fn limits(&self) -> HttpLimits {
        self.limits
    }

    /// The most header lines in a request head.
    pub const fn max_headers(&self) -> usize {
        self.max_headers
    }

    /// The time allowed for a request (and for an idle kept-alive connection).
    pub const fn head_timeout(&self) -> Duration {
        self.head_timeout
    }

    /// The largest request body read.
    pub const fn max_body(&self) -> usize {
        self.max_body
    }
}

/// What a handler gets: the request head and its whole body (empty when
/// none was sent), read within [`ServeConfig::max_body`].
pub type Request = http::Request<Bytes>;

/// What a handler answers a request with.
pub enum Reply {
    /// `200 OK` with the event-stream headers
    /// ([`response_headers`](sse_proto::server::response_headers)) and the
    /// extra `headers` (CORS...), then the body's frames, each written and
    /// flushed as it comes: chunked for HTTP/1.1, delimited by the end of the
    /// connection for HTTP/1.0.
    Events {
        /// The event stream (with its keepalives and `retry:`).
        body: EventBody<BoxFrameStream>,
        /// Headers sent after the event-stream ones.
        headers: HeaderMap,
    },
    /// Any other response, with its whole body (`content-length` is set).
    /// The connection then serves the client's next request, unless the
    /// request was HTTP/1.0 or said `connection: close`.
    Full(http::Response<Bytes>),
}

impl Reply {
    /// An event stream with no extra headers.
    pub fn events<S>(body: EventBody<S>) -> Reply
    where
        S: Stream<Item = super::EncodedFrame> + Send + 'static,
    {
        Reply::Events {
            body: body.boxed(),
            headers: HeaderMap::new(),
        }
    }

    /// A response with no body: `204` (an EventSource stops), `404`, `503`...
    pub fn status(status: StatusCode) -> Reply {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = status;
        Reply::Full(response)
    }

    /// `405 Method Not Allowed`, with the `Allow` header listing `allow`
    /// (`"GET"`, `"GET, POST"`).
    pub fn method_not_allowed(allow: &'static str) -> Reply {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        response
            .headers_mut()
            .insert(http::header::ALLOW, HeaderValue::from_static(allow));
        Reply::Full(response)
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Events { body, headers } => f
                .debug_struct("Events")
                .field("body", body)
                .field("headers", headers)
                .finish(),
            Reply::Full(response) => f.debug_tuple("Full").field(response).finish(),
        }
    }
}

/// Serves one HTTP/1.1 connection: reads a request (head and body, within
/// `config`'s size, header count and time limits), asks `handler` for a
/// [`Reply`] and writes it. After a [`Reply::Full`] the connection stays
/// open for the next request when the client allows it (HTTP/1.1 without
/// `connection: close`); an event stream runs until its source ends or the
/// client goes away, and ends the connection.
///
/// The handler gets the whole request as an `http::Request<Bytes>`
/// ([`Request`]): a body sent with `Content-Length` or chunked is read first
/// (a client sending `expect: 100-continue` is told to go on). Requests the
/// handler never sees are answered here, and the connection closed: `400
/// Bad Request` for a malformed head (or an unparsable method, target or
/// header) or body framing, `413 Payload Too Large` for a body over
/// [`ServeConfig::max_body`], `431 Request Header Fields Too Large` for a
/// head over the limits; a client that sends nothing within the head
/// timeout, or closes first, gets no answer. Routing (404, 405 with
/// [`Reply::method_not_allowed`]) is the handler's.
///
/// # Errors
///
/// [`Error::Io`] when reading or writing fails (a client going away
/// mid-stream is one); [`Error::Http`] for a refused request, after the
/// 400, 413 or 431 was sent.
///
/// # Examples
///
/// ```
/// use futures_lite::stream;
/// use sse_rt::server::{serve_connection, EncodedFrame, EventBody, Reply, ServeConfig};
/// use sse_rt::test_util::{Canned, VirtualRuntime};
/// use sse_rt::EventFrame;
///
/// let rt = VirtualRuntime::new();
/// let handler = |request: sse_rt::server::Request| {
///     let rt = rt.clone();
///     async move {
///         match (request.method().as_str(), request.uri().path()) {
///             ("GET", "/tokens") => {
///                 let tokens = ["Hel", "lo"].map(|t| EncodedFrame::new(EventFrame::new(t)).unwrap());
///                 Reply::events(EventBody::new(stream::iter(tokens), rt))
///             }
///             (_, "/tokens") => Reply::method_not_allowed("GET"),
///             _ => Reply::status(http::StatusCode::NOT_FOUND),
///         }
///     }
/// };
/// let config = ServeConfig::new();
/// let mut conn = Canned::new(b"GET /tokens HTTP/1.1\r\nHost: x\r\n\r\n");
/// rt.block_on(serve_connection(&mut conn, &rt, &config, &handler))?;
/// let response = String::from_utf8(conn.written().to_vec())?;
/// assert!(response.starts_with("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"));
/// assert!(response.ends_with("\r\n\r\nb\r\ndata: Hel\n\n\r\na\r\ndata: lo\n\n\r\n0\r\n\r\n"));
///
/// // Two requests on one connection: the answer to the first keeps it open.
/// let mut conn = Canned::new(b"GET /nope HTTP/1.1\r\n\r\nPOST /tokens HTTP/1.1\r\n\r\n");
/// rt.block_on(serve_connection(&mut conn, &rt, &config, &handler))?;
/// let response = String::from_utf8(conn.written().to_vec())?;
/// assert!(response.starts_with("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"));
/// assert!(response.contains("HTTP/1.1 405 Method Not Allowed\r\nallow: GET\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn serve_connection<IO, H, F>(
    io: IO,
    runtime: &dyn Runtime,
    config: &ServeConfig,
    handler: &H,
) -> Result<(), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    H: Fn(Request) -> F,
    F: Future<Output = Reply>,
{
    serve_connection_until(io, runtime, config, handler, &Draining::new()).await
}

/// Set when `serve` stops: a connection with no request under way ends.
#[derive(Debug, Default)]
pub(super) struct Draining(AtomicBool);

impl Draining {
    pub(super) const fn new() -> Draining {
        Draining(AtomicBool::new(false))
    }

    /// From now on, connections waiting for a request end (wake them so
    /// that they see it).
    pub(super) fn start(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// [`serve_connection`], except that once `draining` is set a kept-alive
/// connection ends instead of waiting for its next request, and a full reply
/// says `connection: close`.
pub(super) async fn serve_connection_until<IO, H, F>(
    io: IO,
    runtime: &dyn Runtime,
    config: &ServeConfig,
    handler: &H,
    draining: &Draining,
) -> Result<(), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    H: Fn(Request) -> F,
    F: Future<Output = Reply>,
{
    let mut conn = Conn {
        io,
        buf: Vec::new(),
        filled: 0,
    };
    loop {
        let request = match conn.read_request(runtime, config, draining).await? {
            Head::Request(request) => *request,
            Head::Gone => return Ok(()),
            Head::Refused(status, error) => {
                write_full(&mut conn.io, &simple(status), false, false).await?;
                return Err(error);
            }
        };
        let head_only = request.method() == Method::HEAD;
        let http10 = request.version() == http::Version::HTTP_10;
        let keep_alive = !http10 && !asks_to_close(request.headers());
        match handler(request).await {
            Reply::Full(response) => {
                let keep_alive = keep_alive && !draining.is_set();
                write_full(&mut conn.io, &response, head_only, keep_alive).await?;
                if !keep_alive {
                    return Ok(());
                }
            }
            Reply::Events { body, headers } => {
                // The read buffer goes now, not when the stream ends: an
                // idle stream holds no buffer of its own.
                drop(conn.buf);
                return stream_events(conn.io, body, &headers, head_only, http10).await;
            }
        }
    }
}

/// Writes an event-stream response: the head, then each of the body's
/// chunks as it comes (chunked unless `http10`).
async fn stream_events<IO: AsyncWrite + Unpin>(
    mut io: IO,
    body: EventBody<BoxFrameStream>,
    headers: &HeaderMap,
    head_only: bool,
    http10: bool,
) -> Result<(), Error> {
    let Some(extra) = header_pairs(headers) else {
        let error = StatusCode::INTERNAL_SERVER_ERROR;
        return write_full(&mut io, &simple(error), false, false)
            .await
            .map_err(Error::from);
    };
    // In a block: the head and the header list are freed once written.
    {
        let mut head = Vec::new();
        if let Err(e) = ResponseHead::new()
            .chunked(!http10)
            .headers(&extra)
            .encode_to_vec(&mut head)
        {
            let error = StatusCode::INTERNAL_SERVER_ERROR;
            write_full(&mut io, &simple(error), false, false).await?;
            return Err(Error::Http(e));
        }
        write_all(&mut io, &head).await?;
        drop(extra);
    }
    flush(&mut io).await?;
    if head_only {
        return Ok(());
    }
    // The body has its own keepalive clock: its chunks are written and
    // flushed as they come, every chunk ready at that moment (up to
    // `BATCH` bytes) in one write, so that a stream that fell behind (a
    // burst, a busy server) catches up in fewer system calls.
    let mut out = FrameWriter::new(io, !http10);
    let mut body = body;
    let mut ended = false;
    // Batches written since the body last had nothing ready.
    let mut in_a_row = 0;
    while !ended {
        let mut caught_up = false;
        poll_fn(|cx| {
            while out.pending() < BATCH {
                match Pin::new(&mut body).poll_next(cx) {
                    Poll::Ready(Some(Ok(bytes))) => out.push(&bytes)?,
                    Poll::Ready(None) => {
                        ended = true;
                        break;
                    }
                    Poll::Pending => {
                        caught_up = true;
                        break;
                    }
                }
            }
            if ended || out.pending() > 0 {
                Poll::Ready(Ok::<(), io::Error>(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        if out.pending() > 0 {
            out.send().await?;
        }
        in_a_row = if caught_up { 0 } else { in_a_row + 1 };
        if in_a_row == YIELD_AFTER {
            in_a_row = 0;
            yield_once().await;
        }
    }
    out.finish().await?;
    Ok(())
}

/// Whether a `connection` header lists `close`.
fn asks_to_close(headers: &HeaderMap) -> bool {
    headers
        .get_all(http::header::CONNECTION)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b','))
        .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"))
}

/// A request, or why there is none.
enum Head {
    /// Boxed: a request is much larger than the other variants.
    Request(Box<Request>),
    /// The client closed, or sent nothing in time: nothing to answer.
    Gone,
    /// Answer with this status (and close), and report the error.
    Refused(StatusCode, Error),
}

/// A connection and the bytes read from it but not used yet (the start of
/// the next request, when a client sends several at once).
struct Conn<IO> {
    io: IO,
    buf: Vec<u8>,
    filled: usize,
}

/// What `Conn::read` got.
enum Read {
    /// More bytes are in the buffer.
    More,
    /// The client closed, or the request's time is up.
    Gone,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Conn<IO> {
    /// Reads the next request, head and body, before the head timeout;
    /// `Gone` when `draining` is set before its first byte.
    async fn read_request(
        &mut self,
        runtime: &dyn Runtime,
        config: &ServeConfig,
        draining: &Draining,
    ) -> Result<Head, Error> {
        let mut timer = runtime.new_timer(runtime.now() + config.head_timeout);
        let (request, framing) = loop {
            let mut headers = vec![EMPTY_HEADER; config.max_headers];
            match parse_request(&self.buf[..self.filled], &mut headers, &config.limits) {
                Ok(Parsed::Complete(head)) => {
                    let request = match request_of(&head) {
                        Ok(request) => request,
                        Err(error) => return Ok(Head::Refused(StatusCode::BAD_REQUEST, error)),
                    };
                    let framing = match head.framing() {
                        Ok(framing) => framing,
                        Err(e) => {
                            return Ok(Head::Refused(StatusCode::BAD_REQUEST, Error::Http(e)))
                        }
                    };
                    let head_len = head.head_len;
                    self.consume(head_len);
                    break (request, framing);
                }
                Ok(Parsed::Partial) => {}
                Err(e @ (HttpError::HeadTooLarge { .. } | HttpError::TooManyHeaders { .. })) => {
                    return Ok(Head::Refused(
                        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                        Error::Http(e),
                    ));
                }
                Err(e) => return Ok(Head::Refused(StatusCode::BAD_REQUEST, Error::Http(e))),
            }
            // Room for the next read, at most one byte past the limit (which
            // the parser then reports).
            let room = (config.limits.max_head_len + 1).saturating_sub(self.filled);
            if room == 0 {
                return Ok(Head::Refused(
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    Error::Http(HttpError::HeadTooLarge {
                        limit: config.limits.max_head_len,
                    }),
                ));
            }
            let idle = (self.filled == 0).then_some(draining);
            if let Read::Gone = self.read(room, timer.as_mut(), idle).await? {
                return Ok(Head::Gone);
            }
        };
        let too_large = || {
            Head::Refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                Error::Http(HttpError::BodyTooLarge {
                    limit: config.max_body,
                }),
            )
        };
        if matches!(framing, Framing::Length(n) if n > config.max_body as u64) {
            return Ok(too_large());
        }
        let expects_body = framing != Framing::Length(0);
        let expect = request.headers().get(http::header::EXPECT);
        if expects_body
            && expect.is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
        {
            write_all(&mut self.io, b"HTTP/1.1 100 Continue\r\n\r\n").await?;
            flush(&mut self.io).await?;
        }
        let mut decoder = BodyDecoder::new(framing, config.limits);
        let mut body = Vec::new();
        while !decoder.is_done() {
            let step = match decoder.decode(&self.buf[..self.filled]) {
                Ok(step) => step,
                Err(e) => return Ok(Head::Refused(StatusCode::BAD_REQUEST, Error::Http(e))),
            };
            if body.len() + step.data.len() > config.max_body {
                return Ok(too_large());
            }
            body.extend_from_slice(step.data);
            let consumed = step.consumed;
            self.consume(consumed);
            if consumed == 0 || self.filled == 0 {
                if decoder.is_done() {
                    break;
                }
                if let Read::Gone = self.read(READ_SIZE, timer.as_mut(), None).await? {
                    return Ok(Head::Gone);
                }
            }
        }
        Ok(Head::Request(Box::new(request.map(|()| Bytes::from(body)))))
    }

    /// Reads at most `room` more bytes into the buffer, unless `timer`
    /// fires or `stop` is set first.
    async fn read(
        &mut self,
        room: usize,
        mut timer: Pin<&mut dyn crate::AsyncTimer>,
        stop: Option<&Draining>,
    ) -> Result<Read, Error> {
        let end = self.filled + room.min(READ_SIZE);
        self.buf.resize(end, 0);
        loop {
            let (io, buf) = (&mut self.io, &mut self.buf[self.filled..end]);
            let read = poll_fn(|cx| {
                if stop.is_some_and(Draining::is_set) {
                    return Poll::Ready(None);
                }
                if let Poll::Ready(read) = Pin::new(&mut *io).poll_read(cx, buf) {
                    return Poll::Ready(Some(read));
                }
                timer.as_mut().poll(cx).map(|()| None)
            })
            .await;
            return match read {
                None | Some(Ok(0)) => Ok(Read::Gone),
                Some(Ok(n)) => {
                    self.filled += n;
                    Ok(Read::More)
                }
                Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Some(Err(e)) => Err(Error::Io(e)),
            };
        }
    }

    /// Drops the first `n` buffered bytes (they were used).
    fn consume(&mut self, n: usize) {
        self.buf.copy_within(n..self.filled, 0);
        self.filled -= n;
    }
}

/// The most bytes one read takes.
const READ_SIZE: usize = 4096;

/// The most event-stream bytes gathered for one write.
const BATCH: usize = 16 * 1024;

/// Full batches a stream writes in a row (its body always ready, its socket
/// always writable) before it lets the other connections of its task run.
const YIELD_AFTER: usize = 16;

/// Pending once, asking at once to be polled again: the connections woken
/// meanwhile (on [`serve`](super::serve)'s task), and the runtime, get their
/// turn. A stream does not rely on its runtime's budget for that: on tokio,
/// [`serve`](super::serve) runs best unconstrained (a task's budget of 128
/// socket operations, shared by every connection of the task, makes each
/// pass over thousands of woken streams write 128 and poll the rest in vain).
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}

/// The request of a parsed head, with no body yet.
fn request_of(head: &RequestHead<'_, '_>) -> Result<http::Request<()>, Error> {
    let mut request = http::Request::new(());
    let Ok(method) = Method::from_bytes(head.method.as_bytes()) else {
        return Err(invalid("method"));
    };
    let Ok(uri) = head.path.parse::<http::Uri>() else {
        return Err(invalid("request target"));
    };
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = match head.version {
        0 => http::Version::HTTP_10,
        _ => http::Version::HTTP_11,
    };
    for header in head.headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.name.as_bytes()),
            HeaderValue::from_bytes(header.value),
        ) else {
            return Err(invalid("header"));
        };
        request.headers_mut().append(name, value);
    }
    Ok(request)
}

fn invalid(what: &'static str) -> Error {
    Error::Http(HttpError::MalformedHead { reason: what })
}

/// A response with no body.
fn simple(status: StatusCode) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    response
}

/// The headers as `(name, value)` strings; `None` when a value is not
/// visible ASCII.
fn header_pairs(headers: &HeaderMap) -> Option<Vec<(&str, &str)>> {
    headers
        .iter()
        .map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect()
}

/// Writes a whole response; `connection: close` unless `keep_alive`.
async fn write_full<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    response: &http::Response<Bytes>,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let status = response.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in response.headers() {
        if [
            http::header::CONTENT_LENGTH,
            http::header::CONNECTION,
            http::header::TRANSFER_ENCODING,
        ]
        .contains(name)
        {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    // A 1xx or 204 response has no content and must not say
    // `content-length` (RFC 9110, 8.6); a body given with one is not sent.
    let no_content = status == StatusCode::NO_CONTENT || status.is_informational();
    let body: &[u8] = if no_content { &[] } else { response.body() };
    if !no_content {
        head.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    if !keep_alive {
        head.extend_from_slice(b"connection: close\r\n");
    }
    head.extend_from_slice(b"\r\n");
    // Head and body in one write: one system call per response (a
    // publisher pipelining its requests waits on each).
    if !head_only {
        head.extend_from_slice(body);
    }
    write_all(io, &head).await?;
    flush(io).await
}
