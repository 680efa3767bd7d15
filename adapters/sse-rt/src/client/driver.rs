//! The run loop's steps: carry out the core client's actions, move the
//! connection along (connect, send, head, body), act on due deadlines.
//!
//! Every step takes the connection out of `EventSource::conn`, works on it
//! and puts the next state back before returning, so `poll_next` can be
//! dropped at any `Pending` and nothing is lost.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::mem;
use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_io::{AsyncRead, AsyncWrite};
use sse_proto::client::{Accepted, Action, Client, CloseReason, Head, ResponseError};
use sse_proto::http::{parse_response, BodyDecoder, Parsed, Url, EMPTY_HEADER};
use sse_proto::{FailReason, Instant, StreamEnd};

use super::transport::{BodyStream, TransportFuture, TransportRequest, TransportResponse};
use super::{Attempt, Connector, EventSource, Item, TlsRequired, Transport, ERROR_BODY_PAUSE};
use crate::error::Refused;
use crate::Error;

/// The size of the read buffer to start with (at least the head limit).
pub(super) const READ_BUF_LEN: usize = 16 * 1024;

/// The most the read buffer grows to when reads keep filling it: a fast
/// stream is read in fewer, larger system calls, while an idle or slow one
/// keeps the small buffer.
const MAX_READ_BUF_LEN: usize = 64 * 1024;

/// The most header lines of a response head.
const MAX_HEADERS: usize = 100;

/// How an event source does HTTP: its own HTTP/1.1 over a connector's
/// connections, or a transport's whole exchanges.
pub(super) enum Http {
    Connector(Box<dyn Connector>),
    Transport(Box<dyn Transport>),
}

/// A response body being read.
///
/// De-framed bytes are decoded one item at a time, as the event source is
/// polled, rather than a whole read at once into a queue: each item is
/// built, handed out and (usually) dropped before the next is made, so its
/// allocations are reused hot, and a slow consumer holds undecoded bytes
/// rather than a queue of built items.
pub(super) enum Body {
    /// De-framed from the connection, through `rx`; `rx[data]` is de-framed
    /// and not yet decoded (it came at `at`).
    Io {
        io: Box<dyn super::Io>,
        framing: BodyDecoder,
        data: Range<usize>,
        at: Instant,
    },
    /// A transport's stream of de-framed chunks; `chunk` is the rest of the
    /// last one, not yet decoded (it came at `at`).
    Stream {
        stream: BodyStream,
        chunk: Bytes,
        at: Instant,
    },
}

impl Body {
    /// A body de-framed by `framing` from the connection.
    fn io(io: Box<dyn super::Io>, framing: BodyDecoder) -> Body {
        Body::Io {
            io,
            framing,
            data: 0..0,
            at: Instant::ZERO,
        }
    }

    /// A transport's body.
    fn stream(stream: BodyStream) -> Body {
        Body::Stream {
            stream,
            chunk: Bytes::new(),
            at: Instant::ZERO,
        }
    }

    /// Nothing is left to read (a `Content-Length: 0` body).
    fn is_done(&self) -> bool {
        match self {
            Body::Io { framing, .. } => framing.is_done(),
            Body::Stream { .. } => false,
        }
    }
}

/// Where the current connection is.
#[derive(Default)]
pub(super) enum Conn {
    /// None: waiting for the core client (to reconnect, or closed).
    #[default]
    Idle,
    /// The connector is at work; `deadline` is the connect timeout.
    Connecting {
        connecting: super::Connecting,
        deadline: Option<Instant>,
    },
    /// The transport is at work until the response head; `deadline` is the
    /// connect timeout.
    Exchanging {
        sending: TransportFuture,
        deadline: Option<Instant>,
    },
    /// Writing the request (`out[written..]` is left).
    Sending {
        io: Box<dyn super::Io>,
        written: usize,
    },
    /// Reading the response head into `rx`.
    Head { io: Box<dyn super::Io> },
    /// The stream is open: passing the body to the core client.
    Body { body: Body },
    /// The response was refused for good: keeping the start of its body
    /// until it ends, fills up, or pauses past `deadline`.
    Refused {
        body: Body,
        refused: Box<Refused>,
        deadline: Instant,
    },
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Conn::Idle => "Idle",
            Conn::Connecting { .. } => "Connecting",
            Conn::Exchanging { .. } => "Exchanging",
            Conn::Sending { .. } => "Sending",
            Conn::Head { .. } => "Head",
            Conn::Body { .. } => "Body",
            Conn::Refused { .. } => "Refused",
        })
    }
}

impl Conn {
    /// The connection's own deadline: the connect timeout, or the pause
    /// allowed in a refused body.
    pub(super) fn deadline(&self) -> Option<Instant> {
        match self {
            Conn::Connecting { deadline, .. } | Conn::Exchanging { deadline, .. } => *deadline,
            Conn::Refused { deadline, .. } => Some(*deadline),
            _ => None,
        }
    }

    pub(super) fn is_refused(&self) -> bool {
        matches!(self, Conn::Refused { .. })
    }
}

/// What a read gave.
enum Read {
    Bytes,
    Eof,
    Failed(io::Error),
}

impl EventSource {
    /// Carries out every action the core client has.
    pub(super) fn run_actions(&mut self, now: Instant) {
        while let Some(action) = self.client.poll_action() {
            match action {
                Action::Close(reason) => {
                    self.conn = Conn::Idle;
                    if reason == CloseReason::IdleTimeout {
                        let after = self.client.config().idle_timeout.unwrap_or_default();
                        self.report(Error::IdleTimeout { after });
                    }
                }
                Action::Connect(connect) => {
                    let attempt = Attempt {
                        number: connect.attempt,
                        last_event_id: self.client.last_event_id(),
                    };
                    match self.requests.make_request(&attempt) {
                        Ok(request) => {
                            self.request = Some(request);
                            self.start_connect(now);
                        }
                        Err(e) => self.fail_connection(now, Error::MakeRequest(e)),
                    }
                }
            }
        }
    }

    /// Writes the current request (which checks it, whatever does the HTTP)
    /// and starts connecting to its URL, or the transport's exchange.
    fn start_connect(&mut self, now: Instant) {
        let Some(request) = &self.request else {
            return;
        };
        let last_event_id = self.client.last_event_id();
        if let Err(e) = request.encode(last_event_id, &mut self.out) {
            return self.fail_for_good(e);
        }
        let deadline = self.connect_timeout.map(|d| now + d);
        self.conn = match &mut self.http {
            Http::Connector(connector) => match Url::parse(request.url()) {
                Ok(url) => Conn::Connecting {
                    connecting: connector.connect(&url),
                    deadline,
                },
                Err(e) => return self.fail_for_good(Error::Request(Box::new(e))),
            },
            Http::Transport(transport) => Conn::Exchanging {
                sending: transport.send(TransportRequest::new(request, last_event_id)),
                deadline,
            },
        };
    }

    /// Closes for good with `error` as the reason.
    fn fail_for_good(&mut self, error: Error) {
        self.conn = Conn::Idle;
        self.client.close();
        self.fail.get_or_insert(error);
    }

    /// The connection failed: the core client reconnects or closes.
    fn fail_connection(&mut self, now: Instant, error: Error) {
        self.conn = Conn::Idle;
        self.client.handle_error(now);
        self.report(error);
    }

    /// A connection error: yielded when the client goes on (at most one until
    /// the next `Open` or event), the cause of its failure when it closed.
    pub(super) fn report(&mut self, error: Error) {
        if self.client.ready_state() == sse_proto::client::ReadyState::Closed {
            self.cause = Some(error);
        } else if !self.error_given {
            self.error_given = true;
            self.queue.push_back(Err(error));
        }
    }

    /// Acts on the deadlines due at `now`.
    pub(super) fn on_timers(&mut self, now: Instant) {
        match &self.conn {
            Conn::Connecting {
                deadline: Some(d), ..
            }
            | Conn::Exchanging {
                deadline: Some(d), ..
            } if *d <= now => {
                let after = self.connect_timeout.unwrap_or_default();
                self.fail_connection(now, Error::ConnectTimeout { after });
            }
            Conn::Refused { deadline, .. } if *deadline <= now => {
                if let Conn::Refused { refused, .. } = mem::take(&mut self.conn) {
                    self.fail = Some(Error::Status(refused));
                }
            }
            _ => {}
        }
        if self.client.poll_timeout().is_some_and(|at| at <= now) {
            self.client.handle_timeout(now);
        }
    }

    /// Moves the connection along: `Ready` when something changed (state,
    /// items), `Pending` when it waits for I/O.
    pub(super) fn poll_conn(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.decode_buffered() {
            return Poll::Ready(());
        }
        let now = self.now();
        match mem::take(&mut self.conn) {
            Conn::Idle => Poll::Pending,
            Conn::Connecting {
                mut connecting,
                deadline,
            } => match connecting.as_mut().poll(cx) {
                Poll::Pending => {
                    self.conn = Conn::Connecting {
                        connecting,
                        deadline,
                    };
                    Poll::Pending
                }
                Poll::Ready(Ok(io)) => {
                    self.conn = Conn::Sending { io, written: 0 };
                    Poll::Ready(())
                }
                Poll::Ready(Err(e)) if e.is::<TlsRequired>() => {
                    self.fail_for_good(Error::TlsRequired);
                    Poll::Ready(())
                }
                Poll::Ready(Err(e)) => {
                    self.fail_connection(now, Error::Connect(e));
                    Poll::Ready(())
                }
            },
            Conn::Exchanging {
                mut sending,
                deadline,
            } => match sending.as_mut().poll(cx) {
                Poll::Pending => {
                    self.conn = Conn::Exchanging { sending, deadline };
                    Poll::Pending
                }
                Poll::Ready(Ok(response)) => {
                    self.on_response(now, response);
                    Poll::Ready(())
                }
                Poll::Ready(Err(e)) => {
                    self.fail_connection(now, Error::Connect(e));
                    Poll::Ready(())
                }
            },
            Conn::Sending { io, written } => self.poll_send(cx, now, io, written),
            Conn::Head { io } => self.poll_head(cx, now, io),
            Conn::Body {
                body: Body::Io { io, framing, .. },
            } => self.poll_body(cx, now, io, framing),
            Conn::Body {
                body: Body::Stream { stream, .. },
            } => self.poll_stream(cx, now, stream),
            Conn::Refused {
                body,
                refused,
                deadline,
            } => self.poll_refused(cx, now, body, refused, deadline),
        }
    }

    /// A transport's response head arrived.
    fn on_response(&mut self, now: Instant, response: TransportResponse) {
        let TransportResponse {
            status,
            headers,
            body,
        } = response;
        let get = |name| headers.get(name).map(http::HeaderValue::as_bytes);
        let core_head = Head::new(status, get(http::header::CONTENT_TYPE))
            .with_retry_after_header(get(http::header::RETRY_AFTER));
        let location = get(http::header::LOCATION).map(<[u8]>::to_vec);
        let answer = self.client.handle_head(now, core_head);
        self.answer(
            now,
            Ok(Body::stream(body)),
            answer,
            status,
            headers,
            location,
        );
    }

    fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        now: Instant,
        mut io: Box<dyn super::Io>,
        mut written: usize,
    ) -> Poll<()> {
        while written < self.out.len() {
            match Pin::new(&mut io).poll_write(cx, &self.out[written..]) {
                Poll::Pending => {
                    self.conn = Conn::Sending { io, written };
                    return Poll::Pending;
                }
                Poll::Ready(Ok(0)) => {
                    let e = io::Error::from(io::ErrorKind::WriteZero);
                    self.fail_connection(now, Error::Io(e));
                    return Poll::Ready(());
                }
                Poll::Ready(Ok(n)) => written += n,
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Ready(Err(e)) => {
                    self.fail_connection(now, Error::Io(e));
                    return Poll::Ready(());
                }
            }
        }
        match Pin::new(&mut io).poll_flush(cx) {
            Poll::Pending => {
                self.conn = Conn::Sending { io, written };
                Poll::Pending
            }
            Poll::Ready(Ok(())) => {
                (self.start, self.end) = (0, 0);
                self.conn = Conn::Head { io };
                Poll::Ready(())
            }
            Poll::Ready(Err(e)) => {
                self.fail_connection(now, Error::Io(e));
                Poll::Ready(())
            }
        }
    }

    /// Reads into `rx[end..]`, first moving unread bytes to the front when the
    /// buffer is full.
    fn read(&mut self, cx: &mut Context<'_>, io: &mut Box<dyn super::Io>) -> Poll<Read> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.rx.len() {
            self.rx.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        loop {
            return match Pin::new(&mut *io).poll_read(cx, &mut self.rx[self.end..]) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Ok(0)) => Poll::Ready(Read::Eof),
                Poll::Ready(Ok(n)) => {
                    // A reader claiming more than the buffer is clamped.
                    self.end = (self.end + n).min(self.rx.len());
                    if self.end == self.rx.len() && self.rx.len() < MAX_READ_BUF_LEN {
                        // The read filled the buffer: more was likely waiting.
                        self.rx.resize(MAX_READ_BUF_LEN.min(self.rx.len() * 2), 0);
                    }
                    Poll::Ready(Read::Bytes)
                }
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(Err(e)) => Poll::Ready(Read::Failed(e)),
            };
        }
    }

    fn poll_head(
        &mut self,
        cx: &mut Context<'_>,
        now: Instant,
        mut io: Box<dyn super::Io>,
    ) -> Poll<()> {
        loop {
            if self.start < self.end {
                let mut headers = [EMPTY_HEADER; MAX_HEADERS];
                let parsed = parse_response(
                    &self.rx[self.start..self.end],
                    &mut headers,
                    &self.http_limits,
                );
                let head = match parsed {
                    Ok(Parsed::Partial) => None,
                    Err(e) => {
                        self.fail_connection(now, Error::Http(e));
                        return Poll::Ready(());
                    }
                    Ok(Parsed::Complete(head)) if head.status / 100 == 1 && head.status != 101 => {
                        // An interim response (100 Continue, 103 Early Hints).
                        self.start += head.head_len;
                        continue;
                    }
                    Ok(Parsed::Complete(head)) => Some(head),
                };
                if let Some(head) = head {
                    let status = head.status;
                    let headers = header_map(head.headers);
                    let limits = self.http_limits;
                    let body = head
                        .framing()
                        .map(|framing| Body::io(io, BodyDecoder::new(framing, limits)));
                    let location = head.header("location").map(<[u8]>::to_vec);
                    let core_head = Head::new(status, head.content_type())
                        .with_retry_after_header(head.header("retry-after"));
                    let head_len = head.head_len;
                    let answer = self.client.handle_head(now, core_head);
                    self.start += head_len;
                    self.answer(now, body, answer, status, headers, location);
                    return Poll::Ready(());
                }
            }
            match self.read(cx, &mut io) {
                Poll::Pending => {
                    self.conn = Conn::Head { io };
                    return Poll::Pending;
                }
                Poll::Ready(Read::Bytes) => {}
                Poll::Ready(Read::Eof) => {
                    let e = io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed before the response head",
                    );
                    self.fail_connection(now, Error::Io(e));
                    return Poll::Ready(());
                }
                Poll::Ready(Read::Failed(e)) => {
                    self.fail_connection(now, Error::Io(e));
                    return Poll::Ready(());
                }
            }
        }
    }

    /// Acts on the core client's answer to a response head; `body` is its
    /// body to read, or why it cannot be read.
    fn answer(
        &mut self,
        now: Instant,
        body: Result<Body, sse_proto::HttpError>,
        answer: Result<Accepted, ResponseError>,
        status: u16,
        headers: http::HeaderMap,
        location: Option<Vec<u8>>,
    ) {
        let refused = |reason, headers, retry_in| {
            Box::new(Refused {
                reason,
                status,
                headers,
                body: Vec::new(),
                retry_in,
            })
        };
        match answer {
            Ok(Accepted::Open) => match body {
                Ok(body) => {
                    self.error_given = false;
                    self.queue.push_back(Ok(Item::Open { status, headers }));
                    self.conn = Conn::Body { body };
                }
                Err(e) => self.fail_connection(now, Error::Http(e)),
            },
            Ok(Accepted::Redirect(redirect)) => {
                let Some(request) = &mut self.request else {
                    return;
                };
                let joined =
                    Url::parse(request.url()).and_then(|base| base.join(location.as_deref()));
                match joined {
                    Ok(url) => {
                        let becomes_get = redirect.method_becomes_get(request.method());
                        request.redirect(url, becomes_get);
                        self.start_connect(now);
                    }
                    Err(e) => self.fail_for_good(Error::Redirect(e)),
                }
            }
            Err(ResponseError::Retry { delay, .. }) => {
                let reason = FailReason::Status { status };
                self.report(Error::Status(refused(reason, headers, Some(delay))));
            }
            Err(ResponseError::Failed(FailReason::RetryBudget { .. })) => {
                // A retried status spent the budget: it is the cause.
                let reason = FailReason::Status { status };
                self.cause = Some(Error::Status(refused(reason, headers, None)));
            }
            Err(ResponseError::Failed(reason @ FailReason::TooManyRedirects { .. })) => {
                self.fail.get_or_insert(Error::Failed {
                    reason,
                    cause: None,
                });
            }
            Err(ResponseError::Failed(reason)) => {
                let refused = refused(reason, headers, None);
                match body {
                    Ok(body) if !body.is_done() => {
                        self.conn = Conn::Refused {
                            body,
                            refused,
                            deadline: now + self.error_body_pause(),
                        };
                    }
                    _ => self.fail = Some(Error::Status(refused)),
                }
            }
            // `Unexpected` (no Connect outstanding) cannot happen here: drop it.
            Err(_) => {}
        }
    }

    /// How long a refused body may pause: the idle timeout, else 5 s.
    fn error_body_pause(&self) -> std::time::Duration {
        self.client
            .config()
            .idle_timeout
            .unwrap_or(ERROR_BODY_PAUSE)
    }

    /// Decodes the next item of the body's de-framed bytes not yet
    /// decoded, if there are any: `false` when there are none (the
    /// connection has to be polled).
    pub(super) fn decode_buffered(&mut self) -> bool {
        match &mut self.conn {
            Conn::Body {
                body: Body::Io { data, at, .. },
            } if data.start < data.end => {
                let (given, used) = feed(
                    &mut self.client,
                    *at,
                    &self.rx[data.clone()],
                    &mut self.queue,
                );
                self.error_given &= !given;
                data.start += used;
                true
            }
            Conn::Body {
                body: Body::Stream { chunk, at, .. },
            } if !chunk.is_empty() => {
                let (given, used) = feed(&mut self.client, *at, chunk, &mut self.queue);
                self.error_given &= !given;
                chunk.advance(used);
                true
            }
            _ => false,
        }
    }

    /// Reads and de-frames the body (its bytes are decoded by
    /// [`decode_buffered`](Self::decode_buffered), which runs first).
    fn poll_body(
        &mut self,
        cx: &mut Context<'_>,
        now: Instant,
        mut io: Box<dyn super::Io>,
        mut framing: BodyDecoder,
    ) -> Poll<()> {
        if self.start < self.end {
            let input = &self.rx[self.start..self.end];
            let step = match framing.decode(input) {
                Ok(step) => step,
                Err(e) => {
                    self.fail_connection(now, Error::Http(e));
                    return Poll::Ready(());
                }
            };
            // Data, when there is any, is a slice of `input` (`BodyChunk`'s
            // contract): its place in `rx`. No data may be any empty slice.
            let data = if step.data.is_empty() {
                0..0
            } else {
                let offset = step.data.as_ptr() as usize - input.as_ptr() as usize;
                self.start + offset..self.start + offset + step.data.len()
            };
            self.start += step.consumed;
            if data.is_empty() && framing.is_done() {
                self.end_connection(now, framing.finish());
            } else {
                self.conn = Conn::Body {
                    body: Body::Io {
                        io,
                        framing,
                        data,
                        at: now,
                    },
                };
            }
            return Poll::Ready(());
        }
        if framing.is_done() {
            self.end_connection(now, framing.finish());
            return Poll::Ready(());
        }
        let body_conn = |io, framing| Conn::Body {
            body: Body::io(io, framing),
        };
        match self.read(cx, &mut io) {
            Poll::Pending => {
                self.conn = body_conn(io, framing);
                Poll::Pending
            }
            Poll::Ready(Read::Bytes) => {
                self.conn = body_conn(io, framing);
                Poll::Ready(())
            }
            Poll::Ready(Read::Eof) => {
                self.end_connection(now, framing.finish());
                Poll::Ready(())
            }
            Poll::Ready(Read::Failed(e)) => {
                self.fail_connection(now, Error::Io(e));
                Poll::Ready(())
            }
        }
    }

    /// Passes a transport's body chunks to the core client.
    fn poll_stream(
        &mut self,
        cx: &mut Context<'_>,
        now: Instant,
        mut stream: BodyStream,
    ) -> Poll<()> {
        match stream.as_mut().poll_next(cx) {
            Poll::Pending => {
                self.conn = Conn::Body {
                    body: Body::stream(stream),
                };
                Poll::Pending
            }
            Poll::Ready(Some(Ok(chunk))) => {
                self.conn = Conn::Body {
                    body: Body::Stream {
                        stream,
                        chunk,
                        at: now,
                    },
                };
                Poll::Ready(())
            }
            Poll::Ready(Some(Err(e))) => {
                self.fail_connection(now, Error::transport(e));
                Poll::Ready(())
            }
            // The transport checked the framing: a cut body is an error.
            Poll::Ready(None) => {
                self.end_connection(now, StreamEnd::Clean);
                Poll::Ready(())
            }
        }
    }

    /// The body ended (`framing` says whether its framing was complete).
    fn end_connection(&mut self, now: Instant, framing: StreamEnd) {
        self.conn = Conn::Idle;
        let end = self.client.handle_end(now, framing);
        self.report(Error::Ended(end));
    }

    fn poll_refused(
        &mut self,
        cx: &mut Context<'_>,
        now: Instant,
        mut body: Body,
        mut refused: Box<Refused>,
        mut deadline: Instant,
    ) -> Poll<()> {
        loop {
            let read = match &mut body {
                Body::Io { io, framing, .. } => {
                    while self.start < self.end {
                        let Ok(step) = framing.decode(&self.rx[self.start..self.end]) else {
                            // Broken framing: keep what came.
                            self.fail = Some(Error::Status(refused));
                            return Poll::Ready(());
                        };
                        self.start += step.consumed;
                        self.keep_refused(&mut refused, step.data);
                        if framing.is_done() || refused.body.len() >= self.max_error_body {
                            self.fail = Some(Error::Status(refused));
                            return Poll::Ready(());
                        }
                    }
                    match self.read(cx, io) {
                        Poll::Pending => Poll::Pending,
                        Poll::Ready(Read::Bytes) => Poll::Ready(true),
                        Poll::Ready(Read::Eof | Read::Failed(_)) => Poll::Ready(false),
                    }
                }
                Body::Stream { stream, .. } => match stream.as_mut().poll_next(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => {
                        self.keep_refused(&mut refused, &chunk);
                        Poll::Ready(refused.body.len() < self.max_error_body)
                    }
                    Poll::Ready(Some(Err(_)) | None) => Poll::Ready(false),
                },
            };
            match read {
                Poll::Pending => {
                    self.conn = Conn::Refused {
                        body,
                        refused,
                        deadline,
                    };
                    return Poll::Pending;
                }
                // More came: the pause starts again.
                Poll::Ready(true) => deadline = now + self.error_body_pause(),
                Poll::Ready(false) => {
                    self.fail = Some(Error::Status(refused));
                    return Poll::Ready(());
                }
            }
        }
    }

    /// Keeps the start of `data` in a refused body, up to `max_error_body`.
    fn keep_refused(&self, refused: &mut Refused, data: &[u8]) {
        let room = self.max_error_body.saturating_sub(refused.body.len());
        refused
            .body
            .extend_from_slice(&data[..data.len().min(room)]);
    }
}

/// Passes body data to the client until one item is queued (or the data is
/// used up); says whether that item is an event, and how many bytes of
/// `data` were used (the rest is passed again on the next call).
fn feed(
    client: &mut Client<Vec<u8>>,
    now: Instant,
    data: &[u8],
    queue: &mut VecDeque<Result<Item, Error>>,
) -> (bool, usize) {
    let mut event = false;
    let mut items = client.handle_bytes(now, data);
    while let Some(item) = items.next_item() {
        queue.push_back(match item {
            Ok(sse_proto::Item::Event(e)) => {
                event = true;
                Ok(Item::Event(e.into_owned()))
            }
            Ok(sse_proto::Item::Comment(text)) => Ok(Item::Comment(text.to_owned())),
            Ok(sse_proto::Item::Retry(delay)) => Ok(Item::Retry(delay)),
            // A kind of item added to the core after this driver.
            Ok(_) => continue,
            Err(e) => Err(Error::Decode(e)),
        });
        break;
    }
    (event, data.len() - items.remaining().len())
}

/// The response headers as an `http::HeaderMap` (a header that is not valid
/// there is left out).
fn header_map(headers: &[sse_proto::http::Header<'_>]) -> http::HeaderMap {
    let mut map = http::HeaderMap::with_capacity(headers.len());
    for h in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(h.name.as_bytes()),
            http::HeaderValue::from_bytes(h.value),
        ) {
            map.append(name, value);
        }
    }
    map
}
