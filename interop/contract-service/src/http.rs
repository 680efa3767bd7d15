//! Just enough HTTP/1.1 for the service, parsed with sse-proto's HTTP helpers:
//! requests in and responses out on the service's own connections, and the
//! callback `POST`s (one connection each).

use std::io;

use sse_tokio::sse_proto::http::{
    parse_request, parse_response, BodyDecoder, Framing, Header, HttpLimits, Parsed, Url,
    EMPTY_HEADER,
};
use sse_tokio::sse_proto::HttpError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: HttpLimits = HttpLimits::new();

/// The largest request or response body taken: a stream's parameters, a
/// command, or a callback's answer.
const MAX_BODY: usize = 1024 * 1024;

/// The most header lines of one head.
const MAX_HEADERS: usize = 64;

/// A request to the service.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    /// The `Host` header, if any.
    pub(crate) host: Option<String>,
    /// The client asked to close the connection after the response (or spoke
    /// HTTP/1.0).
    pub(crate) close: bool,
    pub(crate) body: Vec<u8>,
}

/// One HTTP connection: the socket and the bytes read but not yet used.
pub(crate) struct Conn {
    io: TcpStream,
    buf: Vec<u8>,
}

fn invalid(e: HttpError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

fn header_str(headers: &[Header<'_>], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| String::from_utf8_lossy(h.value).into_owned())
}

/// A request body's framing: chunked, `Content-Length`, or none.
fn request_framing(headers: &[Header<'_>]) -> Result<Framing, HttpError> {
    if header_str(headers, "transfer-encoding").is_some_and(|te| te.contains("chunked")) {
        return Ok(Framing::Chunked);
    }
    match header_str(headers, "content-length") {
        None => Ok(Framing::Length(0)),
        Some(len) => len
            .trim()
            .parse()
            .map(Framing::Length)
            .map_err(|_| HttpError::InvalidContentLength),
    }
}

impl Conn {
    pub(crate) fn new(io: TcpStream) -> Conn {
        Conn {
            io,
            buf: Vec::new(),
        }
    }

    /// Reads more bytes into the buffer; `false` at end of file.
    async fn fill(&mut self) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.io.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Reads a head with `parse`, which gives what to keep of it and its
    /// length. `None`: the peer closed the connection before a first byte.
    async fn read_head<T>(
        &mut self,
        parse: impl Fn(&[u8]) -> Result<Parsed<(T, usize)>, HttpError>,
    ) -> io::Result<Option<T>> {
        loop {
            if !self.buf.is_empty() {
                if let Parsed::Complete((head, len)) = parse(&self.buf).map_err(invalid)? {
                    self.buf.drain(..len);
                    return Ok(Some(head));
                }
            }
            if !self.fill().await? {
                return match self.buf.is_empty() {
                    true => Ok(None),
                    false => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
        }
    }

    /// Reads a body delimited by `framing`.
    async fn read_body(&mut self, framing: Framing) -> io::Result<Vec<u8>> {
        let mut decoder = BodyDecoder::new(framing, LIMITS);
        let mut body = Vec::new();
        loop {
            while !self.buf.is_empty() && !decoder.is_done() {
                let step = decoder.decode(&self.buf).map_err(invalid)?;
                if step.consumed == 0 && step.data.is_empty() {
                    break;
                }
                body.extend_from_slice(step.data);
                let consumed = step.consumed;
                self.buf.drain(..consumed);
                if body.len() > MAX_BODY {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
                }
            }
            if decoder.is_done() {
                return Ok(body);
            }
            if !self.fill().await? {
                return match framing {
                    Framing::UntilClose => Ok(body),
                    _ => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
        }
    }

    /// The next request, body included; `None` when the client has closed
    /// the connection.
    pub(crate) async fn read_request(&mut self) -> io::Result<Option<Request>> {
        let head = self
            .read_head(|buf| {
                let mut headers = [EMPTY_HEADER; MAX_HEADERS];
                Ok(match parse_request(buf, &mut headers, &LIMITS)? {
                    Parsed::Partial => Parsed::Partial,
                    Parsed::Complete(head) => {
                        let close = head.version == 0
                            || header_str(head.headers, "connection")
                                .is_some_and(|c| c.eq_ignore_ascii_case("close"));
                        let request = Request {
                            method: head.method.to_owned(),
                            path: head.path.to_owned(),
                            host: header_str(head.headers, "host"),
                            close,
                            body: Vec::new(),
                        };
                        Parsed::Complete(((request, request_framing(head.headers)?), head.head_len))
                    }
                })
            })
            .await?;
        let Some((mut request, framing)) = head else {
            return Ok(None);
        };
        request.body = self.read_body(framing).await?;
        Ok(Some(request))
    }

    /// Writes a response with a `Content-Length` body.
    pub(crate) async fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<()> {
        let reason = match status {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "",
        };
        let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
        for (name, value) in headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        if status != 204 {
            out.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        out.push_str("\r\n");
        self.io.write_all(out.as_bytes()).await?;
        self.io.write_all(body).await?;
        self.io.flush().await
    }
}

/// Where a stream's callbacks go: `POST {base}/{n}`.
#[derive(Clone, Debug)]
pub(crate) struct CallbackUrl {
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl CallbackUrl {
    /// The callback base URL, an `http` URL.
    pub(crate) fn parse(url: &str) -> Result<CallbackUrl, String> {
        let parsed = Url::parse(url).map_err(|e| format!("callbackUrl: {e}"))?;
        if parsed.is_https() {
            return Err("callbackUrl: https is not supported".into());
        }
        Ok(CallbackUrl {
            host: parsed.host().to_owned(),
            port: parsed.port(),
            authority: parsed.authority().to_owned(),
            path: parsed.target().trim_end_matches('/').to_owned(),
        })
    }

    /// `POST`s the `n`th callback with the JSON `body` and waits for the
    /// answer; its status.
    pub(crate) async fn post(&self, n: u64, body: &[u8]) -> io::Result<u16> {
        let io = TcpStream::connect((self.host.as_str(), self.port)).await?;
        io.set_nodelay(true)?;
        let mut conn = Conn::new(io);
        let head = format!(
            "POST {}/{n} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.path,
            self.authority,
            body.len()
        );
        conn.io.write_all(head.as_bytes()).await?;
        conn.io.write_all(body).await?;
        conn.io.flush().await?;
        let head = conn
            .read_head(|buf| {
                let mut headers = [EMPTY_HEADER; MAX_HEADERS];
                Ok(match parse_response(buf, &mut headers, &LIMITS)? {
                    Parsed::Partial => Parsed::Partial,
                    Parsed::Complete(head) => {
                        Parsed::Complete(((head.status, head.framing()?), head.head_len))
                    }
                })
            })
            .await?;
        let Some((status, framing)) = head else {
            return Err(io::ErrorKind::UnexpectedEof.into());
        };
        conn.read_body(framing).await?;
        Ok(status)
    }
}
