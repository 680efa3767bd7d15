//! A standalone HTTP/1.1 server path for event streams: one connection's
//! request head in, a response out, on the core's `sse_proto::http`.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_io::{AsyncRead, AsyncWrite};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sse_proto::http::{parse_request, HttpLimits, Parsed, ResponseHead, EMPTY_HEADER};
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
}

impl Default for ServeConfig {
    fn default() -> ServeConfig {
        ServeConfig::new()
    }
}

impl ServeConfig {
    /// A request head of at most 16 KiB ([`HttpLimits`]' default) and 64
    /// header lines, complete within 10 s of the connection.
    pub const fn new() -> ServeConfig {
        ServeConfig {
            limits: HttpLimits::new(),
            max_headers: 64,
            head_timeout: Duration::from_secs(10),
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

    /// How long a client has to send its whole request head (a slow client
    /// holds a connection and its buffer for no longer).
    pub const fn with_head_timeout(mut self, timeout: Duration) -> ServeConfig {
        self.head_timeout = timeout;
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

    /// The time allowed for the request head.
    pub const fn head_timeout(&self) -> Duration {
        self.head_timeout
    }
}

/// What a handler gets: the request head (the body is not read).
pub type Request = http::Request<()>;

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
    /// Any other response, with its whole body (`content-length` is set,
    /// the connection closes after it).
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

/// Serves one HTTP/1.1 connection: reads the request head (within
/// `config`'s size, header count and time limits), asks `handler` for a
/// [`Reply`] and writes it, then returns (one request per connection: the
/// response says `connection: close`, or the event stream runs until its
/// source ends or the client goes away).
///
/// The request's body is not read; the handler gets the head as an
/// `http::Request<()>`. Requests the handler never sees are answered here:
/// `400 Bad Request` for a malformed head (or an unparsable method, target or
/// header), `431 Request Header Fields Too Large` for a head over the limits;
/// a client that sends nothing within the head timeout, or closes first, gets
/// no answer. Routing (404, 405 with [`Reply::method_not_allowed`]) is the
/// handler's.
///
/// # Errors
///
/// [`Error::Io`] when reading or writing fails (a client going away
/// mid-stream is one); [`Error::Http`] for a malformed request, after the
/// 400 or 431 was sent.
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
/// let handler = |request: http::Request<()>| {
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
/// let mut conn = Canned::new(b"GET /nope HTTP/1.1\r\n\r\n");
/// rt.block_on(serve_connection(&mut conn, &rt, &config, &handler))?;
/// assert!(conn.written().starts_with(b"HTTP/1.1 404 Not Found\r\n"));
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
    H: Fn(http::Request<()>) -> F,
    F: Future<Output = Reply>,
{
    let mut io = io;
    let request = match read_request(&mut io, runtime, config).await? {
        Head::Request(request) => request,
        Head::Gone => return Ok(()),
        Head::Refused(status, error) => {
            write_full(&mut io, &simple(status), false).await?;
            return Err(error);
        }
    };
    let head_only = request.method() == Method::HEAD;
    let http10 = request.version() == http::Version::HTTP_10;
    match handler(request).await {
        Reply::Full(response) => write_full(&mut io, &response, head_only).await?,
        Reply::Events { body, headers } => {
            let extra = match header_pairs(&headers) {
                Some(extra) => extra,
                None => {
                    let error = StatusCode::INTERNAL_SERVER_ERROR;
                    return write_full(&mut io, &simple(error), false)
                        .await
                        .map_err(Error::from);
                }
            };
            let pairs: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, *v)).collect();
            let mut head = Vec::new();
            if let Err(e) = ResponseHead::new()
                .chunked(!http10)
                .headers(&pairs)
                .encode_to_vec(&mut head)
            {
                write_full(&mut io, &simple(StatusCode::INTERNAL_SERVER_ERROR), false).await?;
                return Err(Error::Http(e));
            }
            write_all(&mut io, &head).await?;
            flush(&mut io).await?;
            if head_only {
                return Ok(());
            }
            // The body has its own keepalive clock: each of its chunks is
            // written and flushed as it comes.
            let mut out = FrameWriter::new(io, !http10);
            let mut body = body;
            while let Some(Ok(bytes)) = poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
                out.write(&bytes).await?;
            }
            out.finish().await?;
        }
    }
    Ok(())
}

/// The request head, or why there is none.
enum Head {
    Request(http::Request<()>),
    /// The client closed, or sent nothing in time: nothing to answer.
    Gone,
    /// Answer with this status, and report the error.
    Refused(StatusCode, Error),
}

async fn read_request<IO: AsyncRead + Unpin>(
    io: &mut IO,
    runtime: &dyn Runtime,
    config: &ServeConfig,
) -> Result<Head, Error> {
    let mut timer = runtime.new_timer(runtime.now() + config.head_timeout);
    let mut buf: Vec<u8> = Vec::new();
    let mut filled = 0;
    loop {
        let mut headers = vec![EMPTY_HEADER; config.max_headers];
        match parse_request(&buf[..filled], &mut headers, &config.limits) {
            Ok(Parsed::Complete(head)) => {
                let refused = |e| Head::Refused(StatusCode::BAD_REQUEST, e);
                let mut request = http::Request::new(());
                let Ok(method) = Method::from_bytes(head.method.as_bytes()) else {
                    return Ok(refused(invalid("method")));
                };
                let Ok(uri) = head.path.parse::<http::Uri>() else {
                    return Ok(refused(invalid("request target")));
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
                        return Ok(refused(invalid("header")));
                    };
                    request.headers_mut().append(name, value);
                }
                return Ok(Head::Request(request));
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
        let room = (config.limits.max_head_len + 1)
            .saturating_sub(filled)
            .min(4096);
        if room == 0 {
            return Ok(Head::Refused(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                Error::Http(HttpError::HeadTooLarge {
                    limit: config.limits.max_head_len,
                }),
            ));
        }
        buf.resize(filled + room, 0);
        let read = poll_fn(|cx| {
            if let Poll::Ready(read) = Pin::new(&mut *io).poll_read(cx, &mut buf[filled..]) {
                return Poll::Ready(Some(read));
            }
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await;
        match read {
            None | Some(Ok(0)) => return Ok(Head::Gone),
            Some(Ok(n)) => filled += n,
            Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Some(Err(e)) => return Err(Error::Io(e)),
        }
    }
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

/// Writes a whole response, closing the connection after it.
async fn write_full<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    response: &http::Response<Bytes>,
    head_only: bool,
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
    let body = response.body();
    head.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    write_all(io, &head).await?;
    if !head_only {
        write_all(io, body).await?;
    }
    flush(io).await
}
