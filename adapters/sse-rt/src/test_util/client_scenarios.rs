//! The [`EventSource`] scenarios every runtime crate runs over real TCP on
//! `127.0.0.1`: written once, generic over the runtime and its plain TCP
//! connector, turned into `#[test]`s by
//! [`scenario_tests!`](crate::scenario_tests).
//!
//! The scripted server is a plain thread: it accepts one connection per
//! script, records the request (head and body), then plays the script. A
//! [`Piece::Write`] waits until the client has read every byte written
//! before it (the connector is tapped), so split points (the CR and LF of a
//! CRLF, a BOM) really fall between TCP reads. Real waits are a few
//! milliseconds (`retry: 10`, a 50 ms idle timeout); nothing is asserted with
//! a sleep.

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use futures_io::{AsyncRead, AsyncWrite};
use sse_proto::http::Url;
use sse_proto::{FailReason, Limits};

use super::scenarios::next;
use crate::client::Connecting;
use crate::{Connector, Error, EventSource, Io, Item, Mode, Request, Runtime};

/// How long the server waits for the client at any step before giving up.
const PATIENCE: Duration = Duration::from_secs(10);

/// One step of the scripted server on a connection.
#[derive(Clone, Debug)]
pub enum Piece {
    /// Write these bytes, once the client has read all before them.
    Write(Vec<u8>),
    /// Keep the connection open, writing nothing, until the client closes it.
    Hang,
}

fn write(bytes: &str) -> Piece {
    Piece::Write(bytes.as_bytes().to_vec())
}

/// The head of a response that opens the stream, until close.
const OPEN: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

/// A 204: the server says stop.
const STOP: &str = "HTTP/1.1 204 No Content\r\n\r\n";

/// The scripted server: one script per connection, in order.
#[derive(Debug)]
pub struct ScriptServer {
    addr: SocketAddr,
    progress: Arc<Progress>,
    thread: JoinHandle<io::Result<Vec<Vec<u8>>>>,
}

impl ScriptServer {
    /// Starts the server on `127.0.0.1`, port 0.
    ///
    /// # Panics
    ///
    /// When it cannot listen.
    pub fn start(scripts: Vec<Vec<Piece>>) -> ScriptServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let progress = Arc::new(Progress::default());
        let thread = thread::spawn({
            let progress = progress.clone();
            move || serve(&listener, scripts, &progress)
        });
        ScriptServer {
            addr,
            progress,
            thread,
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The runtime's connector, tapped so that the server can pace its
    /// writes by the client's reads, and counting attempts in `attempts`.
    pub fn tap<C: Connector>(&self, tcp: C, attempts: Arc<AtomicUsize>) -> impl Connector {
        let progress = self.progress.clone();
        let mut tcp = tcp;
        move |url: &Url<'_>| {
            attempts.fetch_add(1, Ordering::SeqCst);
            let connecting: Connecting = tcp.connect(url);
            let progress = progress.clone();
            async move {
                let inner = connecting.await?;
                Ok::<_, crate::BoxError>(Tap { inner, progress })
            }
        }
    }

    /// Waits for the server thread; returns every request it read (head and
    /// body).
    ///
    /// # Panics
    ///
    /// When the server failed (a client that never came, a script the client
    /// did not read).
    pub fn requests(self) -> Vec<Vec<u8>> {
        self.thread
            .join()
            .expect("server thread")
            .expect("scripted server")
    }
}

/// The server: accepts one connection per script, reads its request, plays
/// the script, closes.
fn serve(
    listener: &TcpListener,
    scripts: Vec<Vec<Piece>>,
    progress: &Progress,
) -> io::Result<Vec<Vec<u8>>> {
    listener.set_nonblocking(true)?;
    let mut requests = Vec::new();
    let mut written = 0;
    for script in scripts {
        let mut socket = accept(listener)?;
        socket.set_nonblocking(false)?;
        socket.set_nodelay(true)?;
        socket.set_read_timeout(Some(PATIENCE))?;
        requests.push(read_request(&mut socket)?);
        for piece in script {
            match piece {
                Piece::Write(bytes) => {
                    progress.wait_for(written, PATIENCE)?;
                    socket.write_all(&bytes)?;
                    written += bytes.len();
                }
                Piece::Hang => {
                    // Until the client goes away (end of file or reset).
                    let mut buf = [0u8; 64];
                    while let Ok(n @ 1..) = socket.read(&mut buf) {
                        let _ = n;
                    }
                }
            }
        }
        progress.wait_for(written, PATIENCE)?;
    }
    Ok(requests)
}

/// Accepts one connection within [`PATIENCE`].
fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((socket, _)) => return Ok(socket),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && start.elapsed() < PATIENCE => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Reads a request head and its `Content-Length` body.
fn read_request(socket: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    socket.read_exact(&mut body)?;
    request.extend_from_slice(&body);
    Ok(request)
}

/// How many bytes the client has read, over all connections.
#[derive(Debug, Default)]
struct Progress {
    read: Mutex<usize>,
    changed: Condvar,
}

impl Progress {
    fn add(&self, n: usize) {
        *self.read.lock().unwrap_or_else(PoisonError::into_inner) += n;
        self.changed.notify_all();
    }

    fn wait_for(&self, total: usize, patience: Duration) -> io::Result<()> {
        let read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        let (read, _) = self
            .changed
            .wait_timeout_while(read, patience, |read| *read < total)
            .unwrap_or_else(PoisonError::into_inner);
        if *read < total {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("client read {} of {total} bytes", *read),
            ));
        }
        Ok(())
    }
}

/// A connection that reports the bytes read through it.
struct Tap {
    inner: Box<dyn Io>,
    progress: Arc<Progress>,
}

impl AsyncRead for Tap {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(n)) = poll {
            self.progress.add(n);
        }
        poll
    }
}

impl AsyncWrite for Tap {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

/// An item as text: `open 200`, `event TYPE DATA ID`, `comment TEXT`,
/// `retry MS`, `error KIND`.
fn show(item: &Result<Item, Error>) -> String {
    match item {
        Ok(Item::Open { status, .. }) => format!("open {status}"),
        Ok(Item::Event(e)) => format!("event {} {} {}", e.event_type, e.data, e.last_event_id),
        Ok(Item::Comment(c)) => format!("comment {c}"),
        Ok(Item::Retry(d)) => format!("retry {}", d.as_millis()),
        Err(e) => format!("error {:?}", e.kind()),
    }
}

/// Every item of `es`, as [`show`] writes them.
async fn collect(es: &mut EventSource) -> Vec<String> {
    let mut items = Vec::new();
    while let Some(item) = next(es).await {
        items.push(show(&item));
    }
    items
}

/// The value of header `name` in a recorded request.
fn header(request: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(request);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .filter_map(|l| l.split_once(": "))
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.to_string())
}

/// Named events, multi-line data, a BOM and CRLF line ends, each written so
/// that the BOM and a CRLF are split across TCP writes, plus a comment and a
/// `retry`: every item intact, the request carrying the SSE headers once.
pub async fn stream_intact<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![vec![
        write(OPEN),
        Piece::Write(b"\xEF\xBB".to_vec()),
        Piece::Write(b"\xBFevent: greet\r".to_vec()),
        write("\ndata: hello\r\ndata: world\r"),
        write("\n\r"),
        write("\n: keepalive\nretry: 15\nid: 7\ndata: line one\ndata:\ndata: line three\n\n"),
    ]]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/events")).expect("url");
    let mut es = EventSource::builder(request)
        .mode(Mode::OneShot)
        .build(rt, server.tap(tcp(), attempts));
    let items = collect(&mut es).await;
    assert_eq!(
        items,
        [
            "open 200",
            "event greet hello\nworld ",
            "comment  keepalive",
            "retry 15",
            "event message line one\n\nline three 7",
        ]
    );
    assert!(es.fail_reason().is_none(), "{:?}", es.fail_reason());
    let requests = server.requests();
    let request = String::from_utf8_lossy(&requests[0]).into_owned();
    assert!(request.starts_with("GET /events HTTP/1.1\r\n"), "{request}");
    assert_eq!(request.matches("Accept: text/event-stream\r\n").count(), 1);
    assert_eq!(request.matches("Cache-Control: no-cache\r\n").count(), 1);
    assert!(!request.contains("Last-Event-ID"));
}

/// The server drops the connection mid-stream (inside an event); the client
/// waits the server's `retry: 10` and resumes with `Last-Event-ID`: every
/// event once, none lost or repeated, the partial one dropped.
pub async fn resume_after_drop<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![
        vec![
            write(OPEN),
            write("retry: 10\nid: 1\ndata: one\n\nid: 2\ndata: two\n\nid: 3\ndata: thr"),
        ],
        vec![
            write(OPEN),
            write("id: 3\ndata: three\n\nid: 4\ndata: four\n\n"),
        ],
        vec![write(STOP)],
    ]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/feed")).expect("url");
    let mut es = EventSource::builder(request).build(rt.clone(), server.tap(tcp(), attempts));
    let start = rt.now();
    let items = collect(&mut es).await;
    let took = rt.now() - start;
    assert_eq!(
        items,
        [
            "open 200",
            "retry 10",
            "event message one 1",
            "event message two 2",
            "error Ended",
            "open 200",
            "event message three 3",
            "event message four 4",
            "error Ended",
        ]
    );
    assert!(
        took >= Duration::from_millis(20),
        "two waits of retry: 10: {took:?}"
    );
    assert!(
        matches!(es.fail_reason(), Some(Error::Status(r)) if r.reason == FailReason::NoContent)
    );
    let requests = server.requests();
    assert_eq!(header(&requests[0], "last-event-id"), None);
    assert_eq!(header(&requests[1], "last-event-id").as_deref(), Some("2"));
    assert_eq!(header(&requests[2], "last-event-id").as_deref(), Some("4"));
}

/// A 204 stops the event source: no reconnect.
pub async fn no_content_stops<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![vec![write(STOP)]]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/")).expect("url");
    let mut es = EventSource::builder(request)
        .reconnect_time(Duration::ZERO)
        .build(rt, server.tap(tcp(), attempts.clone()));
    assert!(collect(&mut es).await.is_empty());
    let Some(Error::Status(refused)) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(
        (refused.status, refused.reason),
        (204, FailReason::NoContent)
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    server.requests();
}

/// A 500 and a 200 of the wrong content type fail for good, with their
/// status, headers and body readable.
pub async fn refused_with_body<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let cases = [
        (
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\nX-Request-Id: a1\r\n\r\nno tokens",
            500,
            FailReason::Status { status: 500 },
            "no tokens",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: a1\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"a\":1}\r\n0\r\n\r\n",
            200,
            FailReason::ContentType,
            "{\"a\":1}",
        ),
    ];
    for (response, status, reason, body) in cases {
        let server = ScriptServer::start(vec![vec![write(response)]]);
        let attempts = Arc::new(AtomicUsize::new(0));
        let request = Request::get(server.url("/")).expect("url");
        let mut es = EventSource::builder(request)
            .reconnect_time(Duration::ZERO)
            .build(rt.clone(), server.tap(tcp(), attempts.clone()));
        assert!(collect(&mut es).await.is_empty());
        let Some(Error::Status(refused)) = es.fail_reason() else {
            panic!("{:?}", es.fail_reason())
        };
        assert_eq!((refused.status, refused.reason), (status, reason));
        assert_eq!(refused.body, body.as_bytes());
        assert_eq!(refused.headers["x-request-id"], "a1");
        assert_eq!(attempts.load(Ordering::SeqCst), 1, "never retried");
        server.requests();
    }
}

/// A 307 to another path on the same server is followed.
pub async fn redirect_followed<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![
        vec![write(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: /moved?x=1\r\nContent-Length: 0\r\n\r\n",
        )],
        vec![write(OPEN), write("data: moved\n\n")],
    ]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/old")).expect("url");
    let mut es = EventSource::builder(request)
        .mode(Mode::OneShot)
        .build(rt, server.tap(tcp(), attempts));
    assert_eq!(collect(&mut es).await, ["open 200", "event message moved "]);
    let requests = server.requests();
    assert!(requests[1].starts_with(b"GET /moved?x=1 HTTP/1.1\r\n"));
}

/// A connection on which nothing arrives for the idle timeout (50 ms) is
/// dropped and the client reconnects.
pub async fn idle_timeout_reconnects<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![
        vec![write(OPEN), write("retry: 10\ndata: a\n\n"), Piece::Hang],
        vec![write(STOP)],
    ]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/")).expect("url");
    let mut es = EventSource::builder(request)
        .idle_timeout(Some(Duration::from_millis(50)))
        .build(rt.clone(), server.tap(tcp(), attempts.clone()));
    let start = rt.now();
    let items = collect(&mut es).await;
    assert_eq!(
        items,
        ["open 200", "retry 10", "event message a ", "error Timeout"]
    );
    assert!(rt.now() - start >= Duration::from_millis(60));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    server.requests();
}

/// `close()` from another thread while the connector is still connecting:
/// the stream ends at once and the connect is dropped.
pub async fn close_during_connect<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![]);
    let url = server.url("/");
    server.requests();
    // A connect that first waits an hour on the runtime's timer.
    let timer_rt = rt.clone();
    let mut tcp = tcp();
    let slow = move |url: &Url<'_>| {
        let mut timer = timer_rt.new_timer(timer_rt.now() + Duration::from_secs(3600));
        let connecting = tcp.connect(url);
        async move {
            poll_fn(|cx| timer.as_mut().poll(cx)).await;
            connecting.await
        }
    };
    let mut es = EventSource::builder(Request::get(url).expect("url")).build(rt.clone(), slow);
    let start = rt.now();
    let closer = close_soon(&es);
    assert!(next(&mut es).await.is_none());
    closer.join().expect("closer thread");
    assert!(rt.now() - start < Duration::from_secs(60));
    assert!(matches!(
        es.fail_reason(),
        Some(Error::Failed {
            reason: FailReason::Closed,
            ..
        })
    ));
}

/// `close()` from another thread while waiting to reconnect (the server
/// asked for `retry: 3600000`): the stream ends at once.
pub async fn close_during_wait<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![vec![
        write(OPEN),
        write("retry: 3600000\ndata: a\n\n"),
    ]]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/")).expect("url");
    let mut es =
        EventSource::builder(request).build(rt.clone(), server.tap(tcp(), attempts.clone()));
    for expected in [
        "open 200",
        "retry 3600000",
        "event message a ",
        "error Ended",
    ] {
        assert_eq!(show(&next(&mut es).await.expect("an item")), expected);
    }
    server.requests();
    let start = rt.now();
    let closer = close_soon(&es);
    assert!(next(&mut es).await.is_none());
    closer.join().expect("closer thread");
    assert!(rt.now() - start < Duration::from_secs(60));
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

/// Closes `es` from another thread after 20 ms.
fn close_soon(es: &EventSource) -> JoinHandle<()> {
    let handle = es.close_handle();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        handle.close();
    })
}

/// A one-shot `POST` cut inside its stream is never re-sent: the event
/// source fails with `Interrupted`.
pub async fn one_shot_post_not_resent<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![vec![write(OPEN), write("data: tok1\n\ndata: to")]]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::post(server.url("/v1/chat"), "{\"stream\":true}").expect("url");
    let mut es = EventSource::builder(request).build(rt, server.tap(tcp(), attempts.clone()));
    assert_eq!(collect(&mut es).await, ["open 200", "event message tok1 "]);
    assert!(matches!(
        es.fail_reason(),
        Some(Error::Failed {
            reason: FailReason::Interrupted,
            ..
        })
    ));
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert!(requests[0].starts_with(b"POST /v1/chat HTTP/1.1\r\n"));
    assert!(requests[0].ends_with(b"\r\n\r\n{\"stream\":true}"));
}

/// A replayable `POST` is re-sent, body and all, after the stream ends.
pub async fn replayable_post_resent<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![
        vec![write(OPEN), write("retry: 10\nid: 1\ndata: a\n\n")],
        vec![write(STOP)],
    ]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::post(server.url("/q"), "body!").expect("url");
    let mut es = EventSource::builder(request)
        .mode(Mode::Replayable)
        .build(rt, server.tap(tcp(), attempts));
    assert_eq!(
        collect(&mut es).await,
        ["open 200", "retry 10", "event message a 1", "error Ended"]
    );
    let requests = server.requests();
    for request in &requests {
        assert!(request.starts_with(b"POST /q HTTP/1.1\r\n"));
        assert!(request.ends_with(b"\r\n\r\nbody!"));
    }
    assert_eq!(header(&requests[1], "last-event-id").as_deref(), Some("1"));
}

/// An event over the limits is one error item; the next event follows.
pub async fn limit_error_surfaced<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![vec![
        write(OPEN),
        write("data: this event is far too long\n\ndata: ok\n\n"),
    ]]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/")).expect("url");
    let mut es = EventSource::builder(request)
        .mode(Mode::OneShot)
        .limits(Limits::new().with_max_event_len(16))
        .build(rt, server.tap(tcp(), attempts));
    assert_eq!(
        collect(&mut es).await,
        ["open 200", "error Limit", "event message ok "]
    );
    server.requests();
}

/// Chunked, `Content-Length` and close-delimited bodies, one connection each,
/// each body in several TCP writes.
pub async fn bodies<R, C>(rt: R, tcp: impl Fn() -> C)
where
    R: Runtime + Clone,
    C: Connector,
{
    let server = ScriptServer::start(vec![
        vec![
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"),
            write("19\r\nretry: 10\ndata: chunk"),
            write("ed\n\n\r\n0\r\n\r\n"),
        ],
        vec![
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 19\r\n\r\n"),
            write("data: with"),
            write(" length\n\n"),
        ],
        vec![write(OPEN), write("data: until"), write(" close\n\n")],
        vec![write(STOP)],
    ]);
    let attempts = Arc::new(AtomicUsize::new(0));
    let request = Request::get(server.url("/")).expect("url");
    let mut es = EventSource::builder(request).build(rt, server.tap(tcp(), attempts));
    assert_eq!(
        collect(&mut es).await,
        [
            "open 200",
            "retry 10",
            "event message chunked ",
            "error Ended",
            "open 200",
            "event message with length ",
            "error Ended",
            "open 200",
            "event message until close ",
            "error Ended",
        ]
    );
    server.requests();
}
