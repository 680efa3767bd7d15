//! `serve_connection` on in-memory connections: the event-stream response
//! (HTTP/1.1 chunked, HTTP/1.0 close-delimited, HEAD), routing answers from
//! the handler, request bodies and kept-alive connections, and the answers
//! it gives itself (400, 413, 431), the head timeout and a client that leaves.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::stream::{self, StreamExt};
use http::StatusCode;
use sse_rt::server::{serve_connection, EncodedFrame, EventBody, Reply, Request, ServeConfig};
use sse_rt::sse_proto::http::{parse_response, BodyDecoder, HttpLimits, Parsed, EMPTY_HEADER};
use sse_rt::sse_proto::server::{response_headers, HttpVersion};
use sse_rt::test_util::{Canned, VirtualRuntime};
use sse_rt::{Error, EventFrame, HttpError};
use std::future::Future;

/// Serves `request` with a handler streaming two events on `/events` (405
/// for other methods), echoing the request body on `/echo`, 404 elsewhere;
/// returns the bytes written and the result.
fn serve(request: &[u8], config: ServeConfig) -> (Vec<u8>, Result<(), Error>) {
    let rt = VirtualRuntime::new();
    let handler = |request: Request| {
        let rt = rt.clone();
        async move {
            if request.uri().path() == "/echo" {
                return Reply::Full(http::Response::new(request.into_body()));
            }
            if request.uri().path() == "/gone" {
                // A 204 given a body by mistake.
                let mut response = http::Response::new(bytes::Bytes::from_static(b"ignored"));
                *response.status_mut() = StatusCode::NO_CONTENT;
                return Reply::Full(response);
            }
            if request.uri().path() != "/events" {
                return Reply::status(StatusCode::NOT_FOUND);
            }
            if ![http::Method::GET, http::Method::HEAD].contains(request.method()) {
                return Reply::method_not_allowed("GET, HEAD");
            }
            let frames = [
                EventFrame::new("line 1\nline 2").with_event_type("multi"),
                EventFrame::new("plain").with_id("2"),
            ]
            .map(|f| EncodedFrame::new(f).unwrap());
            let body = EventBody::new(stream::iter(frames), rt).retry(Duration::from_secs(1));
            let mut reply = Reply::events(body);
            if let Reply::Events { headers, .. } = &mut reply {
                headers.insert("access-control-allow-origin", "*".parse().unwrap());
            }
            reply
        }
    };
    let mut conn = Canned::new(request);
    let result = rt.block_on(serve_connection(&mut conn, &rt, &config, &handler));
    (conn.written().to_vec(), result)
}

/// The status, the headers and the de-framed body of a response.
fn parse(wire: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut headers = [EMPTY_HEADER; 32];
    let Ok(Parsed::Complete(head)) = parse_response(wire, &mut headers, &HttpLimits::new()) else {
        panic!("a response head: {:?}", String::from_utf8_lossy(wire));
    };
    let pairs = head
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8(h.value.to_vec()).unwrap(),
            )
        })
        .collect();
    let mut decoder = BodyDecoder::new(head.framing().unwrap(), HttpLimits::new());
    let mut input = &wire[head.head_len..];
    let mut body = Vec::new();
    while !input.is_empty() {
        let step = decoder.decode(input).unwrap();
        body.extend_from_slice(step.data);
        input = &input[step.consumed..];
    }
    (head.status, pairs, body)
}

const STREAM: &str =
    "retry: 1000\n\nevent: multi\ndata: line 1\ndata: line 2\n\nid: 2\ndata: plain\n\n";

#[test]
fn an_event_stream_over_http11_is_chunked_with_the_sse_headers() {
    let (wire, result) = serve(
        b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n",
        ServeConfig::new(),
    );
    result.unwrap();
    let (status, headers, body) = parse(&wire);
    assert_eq!(status, 200);
    let mut want: Vec<(String, String)> = response_headers(HttpVersion::Http11)
        .iter()
        .map(|&(n, v)| (n.into(), v.into()))
        .collect();
    want.push(("transfer-encoding".into(), "chunked".into()));
    want.push(("access-control-allow-origin".into(), "*".into()));
    assert_eq!(headers, want);
    assert_eq!(String::from_utf8(body).unwrap(), STREAM);
    assert!(wire.ends_with(b"\r\n0\r\n\r\n"), "the last chunk");
}

#[test]
fn http10_gets_a_body_delimited_by_the_close_and_head_no_body() {
    let (wire, result) = serve(b"GET /events HTTP/1.0\r\n\r\n", ServeConfig::new());
    result.unwrap();
    let (status, headers, body) = parse(&wire);
    assert_eq!(status, 200);
    assert!(headers.contains(&("connection".into(), "close".into())));
    assert!(!headers.iter().any(|(n, _)| n == "transfer-encoding"));
    assert_eq!(String::from_utf8(body).unwrap(), STREAM);

    let (wire, result) = serve(b"HEAD /events HTTP/1.1\r\n\r\n", ServeConfig::new());
    result.unwrap();
    assert!(wire.ends_with(b"\r\n\r\n") && wire.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(!wire.windows(5).any(|w| w == b"data:"));
}

#[test]
fn routing_answers_come_from_the_handler() {
    let (wire, result) = serve(b"GET /other HTTP/1.1\r\n\r\n", ServeConfig::new());
    result.unwrap();
    assert_eq!(
        String::from_utf8(wire).unwrap(),
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
    );
    let (wire, _) = serve(
        b"POST /events HTTP/1.1\r\ncontent-length: 0\r\n\r\n",
        ServeConfig::new(),
    );
    assert_eq!(
        String::from_utf8(wire).unwrap(),
        "HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD\r\ncontent-length: 0\r\n\r\n"
    );
    // A 204 has no content and no content-length (RFC 9110, 8.6).
    let (wire, _) = serve(b"GET /gone HTTP/1.1\r\n\r\n", ServeConfig::new());
    assert_eq!(
        String::from_utf8(wire).unwrap(),
        "HTTP/1.1 204 No Content\r\n\r\n"
    );
}

#[test]
fn full_replies_keep_the_connection_for_the_next_request() {
    let requests = b"GET /other HTTP/1.1\r\n\r\n\
                     POST /echo HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc\
                     GET /events HTTP/1.1\r\n\r\n";
    let (wire, result) = serve(requests, ServeConfig::new());
    result.unwrap();
    let wire = String::from_utf8(wire).unwrap();
    let first = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
    let second = "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc";
    assert!(
        wire.starts_with(&format!(
            "{first}{second}HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        )),
        "{wire}"
    );
    let (_, _, body) = parse(&wire.as_bytes()[first.len() + second.len()..]);
    assert_eq!(String::from_utf8(body).unwrap(), STREAM);
}

#[test]
fn connection_close_and_http10_end_the_connection_after_a_full_reply() {
    for first in [
        &b"GET /other HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n"[..],
        b"GET /other HTTP/1.0\r\n\r\n",
    ] {
        let requests = [first, b"GET /other HTTP/1.1\r\n\r\n"].concat();
        let (wire, result) = serve(&requests, ServeConfig::new());
        result.unwrap();
        assert_eq!(
            String::from_utf8(wire).unwrap(),
            "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            "one answer only"
        );
    }
}

#[test]
fn the_handler_gets_the_body_sent_with_a_length_or_chunked() {
    let echoed = |request: &[u8]| {
        let (wire, result) = serve(request, ServeConfig::new().with_max_body(11));
        result.unwrap();
        String::from_utf8(wire).unwrap()
    };
    assert_eq!(
        echoed(b"POST /echo HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello\nworld"),
        "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello\nworld"
    );
    assert_eq!(
        echoed(b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n"),
        "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world"
    );
    // A client waiting for the go-ahead gets it first.
    assert_eq!(
        echoed(b"POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"),
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi"
    );
    // Bodies longer than one read, in both framings.
    let data = "0123456789".repeat(900);
    let config = ServeConfig::new().with_max_body(data.len());
    let by_length = format!("POST /echo HTTP/1.1\r\ncontent-length: 9000\r\n\r\n{data}");
    let chunked = format!(
        "POST /echo HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1388\r\n{}\r\nfa0\r\n{}\r\n0\r\n\r\n",
        &data[..5000],
        &data[5000..]
    );
    for request in [by_length, chunked] {
        let (wire, result) = serve(request.as_bytes(), config);
        result.unwrap();
        let (status, _, body) = parse(&wire);
        assert_eq!((status, body), (200, data.clone().into_bytes()));
    }
    // No body sent: an empty one.
    assert_eq!(
        echoed(b"POST /echo HTTP/1.1\r\n\r\n"),
        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
    );
}

#[test]
fn bodies_over_the_limit_get_413_and_bad_framing_400() {
    let config = ServeConfig::new().with_max_body(4);
    for request in [
        &b"POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"[..],
        // Refused on the declared length, before the body is read.
        b"POST /echo HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    ] {
        let (wire, result) = serve(request, config);
        assert_eq!(
            String::from_utf8(wire).unwrap(),
            "HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        );
        assert!(matches!(
            result,
            Err(Error::Http(HttpError::BodyTooLarge { limit: 4 }))
        ));
    }
    for request in [
        &b"POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"[..],
        b"POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let (wire, result) = serve(request, config);
        assert!(
            wire.starts_with(b"HTTP/1.1 400 Bad Request\r\n"),
            "{request:?}"
        );
        assert!(matches!(result, Err(Error::Http(_))), "{result:?}");
    }
    // A client that leaves mid-body gets nothing, and the handler is not called.
    let (wire, result) = serve(
        b"POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nab",
        config,
    );
    assert!(wire.is_empty());
    result.unwrap();
}

#[test]
fn bad_and_oversized_requests_get_400_and_431() {
    let bad: &[&[u8]] = &[
        b"GET /events HTTP/1.1\r\nBad Header: x\r\n\r\n",
        b"\x00\x01\x02 garbage\r\n\r\n",
        b"GET /events HTTP/9.9\r\n\r\n",
    ];
    for request in bad {
        let (wire, result) = serve(request, ServeConfig::new());
        assert!(
            wire.starts_with(b"HTTP/1.1 400 Bad Request\r\n"),
            "{request:?}"
        );
        assert!(matches!(result, Err(Error::Http(_))), "{result:?}");
    }
    let mut big = b"GET /events HTTP/1.1\r\nx-big: ".to_vec();
    big.extend(std::iter::repeat_n(b'a', 20_000));
    big.extend_from_slice(b"\r\n\r\n");
    let (wire, result) = serve(&big, ServeConfig::new());
    assert!(wire.starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    assert!(matches!(
        result,
        Err(Error::Http(HttpError::HeadTooLarge { limit: 16384 }))
    ));
    let many: Vec<u8> = [
        &b"GET /events HTTP/1.1\r\n"[..],
        &b"a: 1\r\n".repeat(5),
        b"\r\n",
    ]
    .concat();
    let (wire, result) = serve(&many, ServeConfig::new().with_max_headers(4));
    assert!(wire.starts_with(b"HTTP/1.1 431 "));
    assert!(matches!(
        result,
        Err(Error::Http(HttpError::TooManyHeaders { limit: 4 }))
    ));
}

/// A connection whose reads never complete.
struct Silent;

impl futures_io::AsyncRead for Silent {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Pending
    }
}

impl futures_io::AsyncWrite for Silent {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        panic!("nothing is written to a client that sent nothing")
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_silent_client_times_out_and_a_leaving_one_gets_nothing() {
    let rt = VirtualRuntime::new();
    let handler = |_: Request| async { panic!("no request was made") };
    let config = ServeConfig::new().with_head_timeout(Duration::from_secs(3));
    rt.block_on(serve_connection(Silent, &rt, &config, &handler))
        .unwrap();
    assert_eq!(rt.elapsed(), Duration::from_secs(3));

    let (wire, result) = serve(b"GET /events HTTP/1.1\r\nHost:", ServeConfig::new());
    assert!(wire.is_empty());
    result.unwrap();
}

/// An in-memory connection whose writes land in a shared buffer.
#[derive(Clone, Default)]
struct Shared {
    request: Vec<u8>,
    read: usize,
    written: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl futures_io::AsyncRead for Shared {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.request.len() - self.read);
        buf[..n].copy_from_slice(&self.request[self.read..self.read + n]);
        self.read += n;
        Poll::Ready(Ok(n))
    }
}

impl futures_io::AsyncWrite for Shared {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.written.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A listener handing out `conns`, then nothing.
struct Conns(Vec<Shared>);

impl sse_rt::server::Listener for Conns {
    type Io = Shared;
    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<Shared>> {
        self.0.pop().map_or(Poll::Pending, |c| Poll::Ready(Ok(c)))
    }
}

#[test]
fn serve_runs_every_connection_until_shutdown() {
    use sse_rt::server::{serve, Hub, HubConfig, LastEventId};
    use sse_rt::Runtime;

    let rt = VirtualRuntime::new();
    let hub = Hub::new(HubConfig::new().with_shutdown_retry(Some(Duration::from_millis(5))));
    let conns: Vec<Shared> = (0..200)
        .map(|_| Shared {
            request: b"GET /events HTTP/1.1\r\n\r\n".to_vec(),
            ..Shared::default()
        })
        .collect();
    let handler = |_: Request| {
        let reply = match hub.subscribe("t", LastEventId::Absent) {
            Ok(sub) => Reply::events(EventBody::new(sub, rt.clone())),
            Err(_) => Reply::status(StatusCode::SERVICE_UNAVAILABLE),
        };
        async move { reply }
    };
    // After 1 s (virtual), publish twice and shut down.
    let mut timer = rt.new_timer(rt.now() + Duration::from_secs(1));
    let shutdown = std::future::poll_fn(|cx| {
        timer.as_mut().poll(cx).map(|()| {
            assert_eq!(hub.metrics().subscribers, 200);
            hub.publish("t", EventFrame::new("a")).unwrap();
            hub.publish("t", EventFrame::new("b")).unwrap();
            hub.shutdown();
        })
    });
    let listener = Conns(conns.clone());
    rt.block_on(serve(
        listener,
        rt.clone(),
        ServeConfig::new(),
        handler,
        shutdown,
    ))
    .unwrap();
    for conn in &conns {
        let wire = conn.written.lock().unwrap().clone();
        let (status, _, body) = parse(&wire);
        assert_eq!(status, 200);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "id: 1\ndata: a\n\nid: 2\ndata: b\n\nretry: 5\n\n"
        );
    }
    assert_eq!(hub.metrics().subscribers, 0);
}

/// `serve`'s future is `Send` (so it can be spawned) when its parts are.
#[test]
fn serve_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let rt = VirtualRuntime::new();
    let handler = |_: Request| async { Reply::status(StatusCode::NO_CONTENT) };
    let serving = sse_rt::server::serve(
        Conns(Vec::new()),
        rt,
        ServeConfig::new(),
        handler,
        std::future::pending(),
    );
    assert_send(&serving);
}

/// A connection that sends `request`, then neither more nor its end.
#[derive(Clone, Default)]
struct KeptAlive(Shared);

impl futures_io::AsyncRead for KeptAlive {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.0.read == self.0.request.len() {
            return Poll::Pending;
        }
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl futures_io::AsyncWrite for KeptAlive {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A listener handing out kept-alive connections, then nothing.
struct KeptAliveConns(Vec<KeptAlive>);

impl sse_rt::server::Listener for KeptAliveConns {
    type Io = KeptAlive;
    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<KeptAlive>> {
        self.0.pop().map_or(Poll::Pending, |c| Poll::Ready(Ok(c)))
    }
}

#[test]
fn shutdown_ends_kept_alive_connections_waiting_for_a_request() {
    use sse_rt::server::serve;
    use sse_rt::Runtime;

    let rt = VirtualRuntime::new();
    // One client got its answer and keeps the connection for more; one has
    // sent nothing yet.
    let answered = KeptAlive(Shared {
        request: b"GET /missing HTTP/1.1\r\n\r\n".to_vec(),
        ..Shared::default()
    });
    let silent = KeptAlive::default();
    let handler = |_: Request| async { Reply::status(StatusCode::NOT_FOUND) };
    let mut timer = rt.new_timer(rt.now() + Duration::from_secs(1));
    let shutdown = std::future::poll_fn(|cx| timer.as_mut().poll(cx));
    let listener = KeptAliveConns(vec![answered.clone(), silent.clone()]);
    let config = ServeConfig::new().with_head_timeout(Duration::from_secs(30));
    rt.block_on(serve(listener, rt.clone(), config, handler, shutdown))
        .unwrap();
    // Both ended at the shutdown, not at the head timeout.
    assert_eq!(rt.elapsed(), Duration::from_secs(1));
    let wire = answered.0.written.lock().unwrap().clone();
    let (status, headers, _) = parse(&wire);
    assert_eq!(status, 404);
    assert!(!headers
        .iter()
        .any(|(n, v)| n == "connection" && v == "close"));
    assert!(silent.0.written.lock().unwrap().is_empty());
}

/// An in-memory connection that keeps each write apart.
struct Writes {
    request: &'static [u8],
    writes: Vec<Vec<u8>>,
}

impl Writes {
    /// The writes `serve_connection` makes answering `request` with `handler`.
    fn served<H, F>(rt: &VirtualRuntime, request: &'static [u8], handler: &H) -> Vec<Vec<u8>>
    where
        H: Fn(Request) -> F,
        F: Future<Output = Reply>,
    {
        let mut conn = Writes {
            request,
            writes: Vec::new(),
        };
        rt.block_on(serve_connection(
            &mut conn,
            rt,
            &ServeConfig::new(),
            handler,
        ))
        .unwrap();
        conn.writes
    }
}

impl futures_io::AsyncRead for Writes {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.request.len());
        buf[..n].copy_from_slice(&self.request[..n]);
        self.request = &self.request[n..];
        Poll::Ready(Ok(n))
    }
}

impl futures_io::AsyncWrite for Writes {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes.push(buf.to_vec());
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_full_response_is_one_write_per_request() {
    // Two pipelined requests: each answer, head and body, in one write (a
    // publisher pipelining its requests waits on each system call).
    let rt = VirtualRuntime::new();
    let handler = |_: Request| async {
        Reply::Full(http::Response::new(bytes::Bytes::from_static(
            b"{\"id\":\"1\"}",
        )))
    };
    let writes = Writes::served(
        &rt,
        b"POST /publish HTTP/1.1\r\ncontent-length: 1\r\n\r\nx\
          POST /publish HTTP/1.1\r\ncontent-length: 1\r\nconnection: close\r\n\r\ny",
        &handler,
    );
    assert_eq!(writes.len(), 2, "{writes:?}");
    for write in &writes {
        assert!(write.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert!(write.ends_with(b"\r\n\r\n{\"id\":\"1\"}"));
    }
}

/// Counts the wakeups it gets.
struct Wakes(std::sync::atomic::AtomicUsize);

impl std::task::Wake for Wakes {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn a_stream_always_ready_yields_now_and_then_and_asks_to_go_on() {
    // 10,000 events of 100 bytes, all ready, to a connection that takes every
    // write: without a yield, one poll would write them all (and the other
    // connections of the task would wait meanwhile).
    let rt = VirtualRuntime::new();
    let data = "x".repeat(100);
    let handler = |_: Request| {
        let rt = rt.clone();
        let frame = EncodedFrame::new(EventFrame::new(&data)).unwrap();
        async move { Reply::events(EventBody::new(stream::repeat(frame).take(10_000), rt)) }
    };
    let mut conn = Canned::new(b"GET /events HTTP/1.1\r\n\r\n");
    let config = ServeConfig::new();
    let wakes = std::sync::Arc::new(Wakes(std::sync::atomic::AtomicUsize::new(0)));
    let waker = std::task::Waker::from(wakes.clone());
    let mut cx = Context::from_waker(&waker);
    let mut serving = Box::pin(serve_connection(&mut conn, &rt, &config, &handler));
    let mut polls = 1;
    while serving.as_mut().poll(&mut cx).is_pending() {
        // Each Pending asked for the next poll: nothing else would wake it.
        assert_eq!(wakes.0.load(std::sync::atomic::Ordering::Relaxed), polls);
        polls += 1;
    }
    drop(serving);
    // 16 batches of up to 16 KiB (about 144 events of 113 bytes each) per poll.
    assert!(polls >= 10_000 / (16 * 144), "{polls} polls");
    let text = String::from_utf8_lossy(conn.written()).into_owned();
    assert_eq!(text.matches("data: ").count(), 10_000);
}

#[test]
fn events_ready_together_go_out_in_one_write() {
    let rt = VirtualRuntime::new();
    let handler = |_: Request| {
        let rt = rt.clone();
        async move {
            let frames = ["a", "b", "c"].map(|d| EncodedFrame::new(EventFrame::new(d)).unwrap());
            Reply::events(EventBody::new(stream::iter(frames), rt))
        }
    };
    let writes = Writes::served(&rt, b"GET /events HTTP/1.1\r\n\r\n", &handler);
    assert_eq!(writes.len(), 3, "the head, the events, the last chunk");
    assert!(writes[0].starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert_eq!(
        writes[1],
        b"9\r\ndata: a\n\n\r\n9\r\ndata: b\n\n\r\n9\r\ndata: c\n\n\r\n"
    );
    assert_eq!(writes[2], b"0\r\n\r\n");
}
