//! The server scenarios every runtime crate runs over real TCP on
//! `127.0.0.1`: written once, generic over the runtime and its TCP stream,
//! turned into `#[test]`s by [`scenario_tests!`](crate::scenario_tests).
//!
//! The roles at the TCP level are turned around so that no listener type is
//! needed: a plain thread listens and plays the HTTP *client* (it writes a
//! request and reads the response with the core's HTTP pieces), and the
//! runtime side connects to it with the runtime's own TCP stream and plays
//! the HTTP *server* with [`serve_connection`], the hub and the event bodies,
//! on the runtime's timers. Nothing is asserted with a sleep: keepalives are
//! counted, not timed (their timing is exact on the virtual clock in the
//! crate's own tests), and the slow subscriber is paced by what the server
//! has written.

use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use http::StatusCode;
use sse_proto::http::{parse_response, BodyDecoder, HttpLimits, Parsed, EMPTY_HEADER};
use sse_proto::server::{response_headers, HttpVersion, LastEventId};
use sse_proto::{EventFrame, Frame, StreamEnd};

use crate::server::{
    serve_connection, EventBody, Hub, HubConfig, Receiver, Reply, Request, ServeConfig,
};
use crate::{ChunkDecoder, DecodeConfig, Error, ItemOwned, Runtime};

/// How long the client thread waits for any read before failing.
const PATIENCE: Duration = Duration::from_secs(30);

/// A response as the client thread read it.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The decoded items of the body, as `"type id data"` for events,
    /// `":text"` for comments and `"retry ms"`.
    pub items: Vec<String>,
    /// The body ended as its framing says (the last chunk was read).
    pub complete: bool,
}

/// The request every scenario's client sends, plus `extra` header lines.
fn request(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{extra}\r\n")
        .into_bytes()
}

/// Reads a whole response from `socket` (until the body ends or the
/// connection closes), or until `stop` says the client has seen enough.
fn read_response(
    socket: &mut TcpStream,
    mut stop: impl FnMut(&[String]) -> bool,
) -> io::Result<Response> {
    socket.set_read_timeout(Some(PATIENCE))?;
    let mut wire = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    let (status, headers, head_len, framing) = loop {
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        wire.extend_from_slice(&buf[..n]);
        let mut slots = [EMPTY_HEADER; 32];
        match parse_response(&wire, &mut slots, &HttpLimits::new()) {
            Ok(Parsed::Complete(head)) => {
                let headers = head
                    .headers
                    .iter()
                    .map(|h| {
                        let value = String::from_utf8_lossy(h.value).into_owned();
                        (h.name.to_string(), value)
                    })
                    .collect::<Vec<_>>();
                let framing = head.framing().map_err(io::Error::other)?;
                break (head.status, headers, head.head_len, framing);
            }
            Ok(Parsed::Partial) => {}
            Err(e) => return Err(io::Error::other(e)),
        }
    };
    let mut body = BodyDecoder::new(framing, HttpLimits::new());
    let mut decoder = ChunkDecoder::new(DecodeConfig::new().with_comments(true));
    let mut items = Vec::new();
    let mut pending = wire.split_off(head_len);
    loop {
        let mut input = &pending[..];
        while !input.is_empty() && !body.is_done() {
            let step = body.decode(input).map_err(io::Error::other)?;
            let mut data = step.data;
            while !data.is_empty() {
                let step = decoder.decode(data);
                data = &data[step.consumed..];
                match step.item {
                    Some(Ok(ItemOwned::Event(e))) => {
                        items.push(format!("{} {} {}", e.event_type, e.last_event_id, e.data))
                    }
                    Some(Ok(ItemOwned::Comment(c))) => items.push(format!(":{c}")),
                    Some(Ok(ItemOwned::Retry(r))) => items.push(format!("retry {}", r.as_millis())),
                    Some(Ok(_)) | None => {}
                    Some(Err(e)) => return Err(io::Error::other(e)),
                }
            }
            input = &input[step.consumed..];
        }
        if body.is_done() || stop(&items) {
            let complete = body.is_done();
            return Ok(Response {
                status,
                headers,
                items,
                complete,
            });
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Ok(Response {
                status,
                headers,
                items,
                // A close-delimited body is complete here; a chunked one
                // only after its last chunk.
                complete: body.finish() == StreamEnd::Clean,
            });
        }
        pending = buf[..n].to_vec();
    }
}

/// The plain-thread client: accepts `requests.len()` connections one after
/// the other, sends each request and reads its response on a thread of its
/// own (`gate`: a request waits for a signal before reading).
struct Clients {
    addr: SocketAddr,
    thread: JoinHandle<io::Result<Vec<Response>>>,
}

type Stop = Box<dyn FnMut(&[String]) -> bool + Send>;

impl Clients {
    /// `sequential`: each connection's response is read whole before the next
    /// connection is accepted.
    fn start(
        requests: Vec<(Vec<u8>, Option<mpsc::Receiver<()>>, Stop)>,
        sequential: bool,
    ) -> Clients {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let thread = thread::spawn(move || {
            let mut readers = Vec::new();
            for (request, gate, stop) in requests {
                let (mut socket, _) = listener.accept()?;
                socket.set_nodelay(true)?;
                socket.write_all(&request)?;
                let reader = thread::spawn(move || {
                    if let Some(gate) = gate {
                        gate.recv_timeout(PATIENCE).map_err(io::Error::other)?;
                    }
                    read_response(&mut socket, stop)
                });
                if sequential {
                    readers.push(Ok(reader
                        .join()
                        .map_err(|_| io::Error::other("reader"))??));
                } else {
                    readers.push(Err(reader));
                }
            }
            readers
                .into_iter()
                .map(|r| match r {
                    Ok(response) => Ok(response),
                    Err(reader) => reader.join().map_err(|_| io::Error::other("reader"))?,
                })
                .collect()
        });
        Clients { addr, thread }
    }

    fn finish(self) -> Vec<Response> {
        self.thread
            .join()
            .expect("client thread")
            .expect("client responses")
    }
}

fn read_all() -> Stop {
    Box::new(|_| false)
}

/// The SSE headers a response must have over HTTP/1.1 (then the framing).
fn assert_sse_headers(response: &Response) {
    assert_eq!(response.status, 200, "{response:?}");
    let want: Vec<(String, String)> = response_headers(HttpVersion::Http11)
        .iter()
        .map(|&(n, v)| (n.to_string(), v.to_string()))
        .chain([("transfer-encoding".to_string(), "chunked".to_string())])
        .collect();
    assert_eq!(response.headers[..want.len()], want[..], "{response:?}");
}

/// Polls every future until all are done: several connections served at
/// once on one task, as `serve` does.
async fn join_all(mut futures: Vec<Pin<Box<dyn Future<Output = ()> + '_>>>) {
    poll_fn(|cx| {
        futures.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if futures.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
}

/// A hub subscription served as an event body, or the refusal's status.
fn subscribe_reply(hub: &Hub, rt: &(impl Runtime + Clone), id: LastEventId<'_>) -> Reply {
    match hub.subscribe("t", id) {
        Ok(subscription) => Reply::events(EventBody::new(subscription, rt.clone())),
        Err(e) => Reply::status(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::GONE)),
    }
}

fn last_event_id(request: &Request) -> LastEventId<'_> {
    LastEventId::from_values(
        request
            .headers()
            .get_all("last-event-id")
            .iter()
            .map(http::HeaderValue::as_bytes),
    )
}

/// Headers right, named and multi-line events intact, a comment, a
/// `retry:` first, the chunked body ended by its last chunk, over real TCP.
///
/// # Panics
///
/// When the client gets anything else.
pub async fn server_stream_intact<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let clients = Clients::start(vec![(request("/events", ""), None, read_all())], true);
    let handler = |request: Request| {
        let rt = rt.clone();
        async move {
            assert_eq!(request.uri().path(), "/events");
            let (tx, body) = EventBody::channel(rt, 8);
            let body = body.retry(Duration::from_millis(1500));
            for frame in [
                Frame::from(EventFrame::new("hello").with_event_type("greet")),
                Frame::from(EventFrame::new("line one\n\nline three\r\nfour").with_id("7")),
                Frame::Comment(" a comment"),
                Frame::from(EventFrame::new(" leading space, caf\u{e9}")),
            ] {
                tx.try_send(frame).expect("room for the frames");
            }
            Reply::events(body)
        }
    };
    let socket = connect(clients.addr).await.expect("connect");
    serve_connection(socket, &rt, &ServeConfig::new(), &handler)
        .await
        .expect("served");
    let responses = clients.finish();
    let response = &responses[0];
    assert_sse_headers(response);
    assert_eq!(
        response.items,
        [
            "retry 1500",
            "greet  hello",
            "message 7 line one\n\nline three\nfour",
            ": a comment",
            "message 7  leading space, caf\u{e9}",
        ]
    );
    assert!(response.complete, "the last chunk ends the body");
}

/// An idle stream sends keepalive comments on the runtime's timer (every
/// 20 ms here); the client counts three and leaves, and the server sees it go
/// (a write fails) and returns.
///
/// # Panics
///
/// When no keepalive comes, or the server does not notice the client left.
pub async fn server_keepalive_idle<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let three_keepalives: Stop = Box::new(|items| items.iter().filter(|i| *i == ":").count() >= 3);
    let clients = Clients::start(vec![(request("/events", ""), None, three_keepalives)], true);
    let idle: Mutex<Option<crate::server::Sender>> = Mutex::new(None);
    let handler = |_: Request| {
        let (tx, body) = EventBody::channel(rt.clone(), 1);
        *idle.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx); // never sends
        let body: EventBody<Receiver> = body.keepalive(Duration::from_millis(20));
        async move { Reply::events(body) }
    };
    let socket = connect(clients.addr).await.expect("connect");
    let served = serve_connection(socket, &rt, &ServeConfig::new(), &handler).await;
    let responses = clients.finish();
    assert_sse_headers(&responses[0]);
    let items = &responses[0].items;
    assert!(
        items.len() >= 3 && items.iter().all(|i| i == ":"),
        "{items:?}"
    );
    assert!(matches!(served, Err(Error::Io(_))), "{served:?}");
    let tx = idle.lock().unwrap_or_else(PoisonError::into_inner).take();
    assert!(tx.is_some_and(|tx| tx.is_closed()), "the body was dropped");
}

/// A client reconnecting with `Last-Event-ID: 2` gets events 3 to 5 from the
/// history, then 6 and 7 published live after it subscribed, nothing missed
/// or repeated; a client with a forgotten ID gets the `gap` notice first;
/// after the hub's shutdown (and its `retry:`), both streams end cleanly.
///
/// # Panics
///
/// When a client gets anything else.
pub async fn server_resume<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let hub = Hub::new(
        HubConfig::new()
            .with_history(sse_proto::server::HistoryLimits::new(4, 1 << 20))
            .with_shutdown_retry(Some(Duration::from_millis(100))),
    );
    for i in 1..=5 {
        hub.publish("t", EventFrame::new(&format!("e{i}")))
            .expect("publish");
    }
    let clients = Clients::start(
        vec![
            (request("/events", "Last-Event-ID: 2\r\n"), None, read_all()),
            (request("/events?lastEventId=0", ""), None, read_all()),
        ],
        false,
    );
    let subscribed = std::cell::Cell::new(0);
    let handler = |request: Request| {
        let query = crate::server::query_last_event_id(
            request.uri().path_and_query().map_or("", |p| p.as_str()),
        )
        .map(|q| q.into_owned());
        let id = crate::server::resolve_last_event_id(last_event_id(&request), query.as_deref());
        let reply = subscribe_reply(&hub, &rt, id);
        subscribed.set(subscribed.get() + 1);
        if subscribed.get() == 2 {
            for i in 6..=7 {
                hub.publish("t", EventFrame::new(&format!("e{i}")))
                    .expect("publish");
            }
            hub.shutdown();
        }
        async move { reply }
    };
    let first = connect(clients.addr).await.expect("connect");
    let second = connect(clients.addr).await.expect("connect");
    let config = ServeConfig::new();
    let (a, b) = (
        serve_connection(first, &rt, &config, &handler),
        serve_connection(second, &rt, &config, &handler),
    );
    join_all(vec![
        Box::pin(async move { a.await.expect("served") }),
        Box::pin(async move { b.await.expect("served") }),
    ])
    .await;
    let responses = clients.finish();
    let events = |range: std::ops::RangeInclusive<u32>| -> Vec<String> {
        range.map(|i| format!("message {i} e{i}")).collect()
    };
    let mut resumed = events(3..=7);
    resumed.push("retry 100".into());
    let mut gap = vec!["gap  ".to_string()];
    gap.extend(events(2..=7));
    gap.push("retry 100".into());
    for response in &responses {
        assert_sse_headers(response);
        assert!(response.complete);
    }
    assert_eq!(responses[0].items, resumed);
    assert_eq!(responses[1].items, gap);
}

/// Counts the flushes of a writer: how many frames the server has written
/// to that client.
struct Counted<S> {
    inner: S,
    progress: Arc<Progress>,
}

/// A counter that a task can wait on.
#[derive(Default)]
struct Progress {
    state: Mutex<(usize, Option<Waker>)>,
}

impl Progress {
    fn bump(&self) {
        let waker = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.0 += 1;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    async fn at_least(&self, n: usize) {
        poll_fn(|cx| {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.0 >= n {
                Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        if let Poll::Ready(Ok(())) = poll {
            self.progress.bump();
        }
        poll
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

/// Three subscribers, one of which does not read: the hub (a queue of 4)
/// disconnects it once its socket and queue are full, by the default lag
/// policy, while the two others keep receiving every event. Events are
/// 32 KiB; each is published once both fast clients' servers have written
/// the one before. The slow client then reads what it was sent: a prefix of
/// the events, in order, and a clean end (it would resume by ID).
///
/// # Panics
///
/// When the slow subscriber is not disconnected within 4,000 events, or a
/// client gets anything else.
pub async fn server_slow_subscriber<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    const MAX_EVENTS: usize = 4000;
    let hub = Hub::new(HubConfig::new().with_capacity(4));
    let (open_gate, gate) = mpsc::channel();
    let clients = Clients::start(
        vec![
            (request("/events", ""), None, read_all()),
            (request("/events", ""), None, read_all()),
            (request("/events", ""), Some(gate), read_all()),
        ],
        false,
    );
    let done = AtomicBool::new(false);
    let subscribed = Progress::default();
    let handler = |_: Request| {
        let reply = subscribe_reply(&hub, &rt, LastEventId::Absent);
        subscribed.bump();
        async move { reply }
    };
    let config = ServeConfig::new();
    let fast: Vec<Arc<Progress>> = vec![Arc::default(), Arc::default()];
    let mut serving: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = Vec::new();
    for progress in fast.iter().map(Some).chain([None]) {
        let socket = connect(clients.addr).await.expect("connect");
        let counted = Counted {
            inner: socket,
            progress: progress.cloned().unwrap_or_default(),
        };
        let served = serve_connection(counted, &rt, &config, &handler);
        serving.push(Box::pin(async move {
            served.await.expect("served");
        }));
    }
    let publisher = async {
        let data = "x".repeat(32 * 1024);
        // Every subscriber is in before the first event.
        subscribed.at_least(3).await;
        let mut published = 0;
        while hub.metrics().disconnected == 0 {
            assert!(
                published < MAX_EVENTS,
                "the slow subscriber was never disconnected"
            );
            hub.publish("t", EventFrame::new(&data)).expect("publish");
            published += 1;
            for progress in &fast {
                // The head, then one flush per event.
                progress.at_least(1 + published).await;
            }
        }
        for _ in 0..3 {
            hub.publish("t", EventFrame::new(&data)).expect("publish");
        }
        hub.shutdown();
        open_gate.send(()).expect("the slow client waits");
        done.store(true, Ordering::Relaxed);
    };
    serving.push(Box::pin(publisher));
    join_all(serving).await;
    assert!(done.load(Ordering::Relaxed));
    let metrics = hub.metrics();
    assert_eq!((metrics.disconnected, metrics.lagged), (1, 1));
    let published = metrics.published as usize;
    let responses = clients.finish();
    let ids = |r: &Response| -> Vec<usize> {
        r.items
            .iter()
            .map(|i| {
                i.split(' ')
                    .nth(1)
                    .and_then(|id| id.parse().ok())
                    .unwrap_or(0)
            })
            .collect()
    };
    for fast in &responses[..2] {
        assert!(fast.complete);
        assert_eq!(ids(fast), (1..=published).collect::<Vec<_>>());
    }
    let slow = &responses[2];
    assert!(slow.complete, "the lagging stream ends cleanly");
    let got = ids(slow);
    assert!(got.len() < published, "{} of {published}", got.len());
    assert_eq!(
        got,
        (1..=got.len()).collect::<Vec<_>>(),
        "a prefix, in order"
    );
}

/// The framing follows the request's HTTP version: an HTTP/1.0 client gets
/// a body delimited by the end of the connection (`connection: close`, no
/// `transfer-encoding`, no chunk sizes in the body), an HTTP/1.1 client a
/// chunked body (`connection: keep-alive`, `transfer-encoding: chunked`,
/// ended by the last chunk); both get the event-stream headers and the same
/// events.
///
/// # Panics
///
/// When a client gets anything else.
pub async fn server_headers_per_http_version<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin,
{
    let http10 = b"GET /events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n".to_vec();
    let clients = Clients::start(
        vec![
            (http10, None, read_all()),
            (request("/events", ""), None, read_all()),
        ],
        true,
    );
    let handler = |_: Request| {
        let (tx, body) = EventBody::channel(rt.clone(), 2);
        for frame in [
            EventFrame::new("one").with_id("1"),
            EventFrame::new("two\nlines").with_event_type("named"),
        ] {
            tx.try_send(frame).expect("room for the frames");
        }
        async move { Reply::events(body) } // `tx` dropped: the body ends
    };
    let config = ServeConfig::new();
    for _ in 0..2 {
        let socket = connect(clients.addr).await.expect("connect");
        serve_connection(socket, &rt, &config, &handler)
            .await
            .expect("served");
    }
    let responses = clients.finish();
    let events = ["message 1 one", "named 1 two\nlines"];
    let sse: Vec<(String, String)> = response_headers(HttpVersion::Http11)
        .iter()
        .filter(|(name, _)| *name != "connection")
        .map(|&(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
    let mut close_delimited = sse.clone();
    close_delimited.push(pair("connection", "close"));
    let mut chunked = sse;
    chunked.extend([
        pair("connection", "keep-alive"),
        pair("transfer-encoding", "chunked"),
    ]);
    for (response, want) in responses.iter().zip([close_delimited, chunked]) {
        assert_eq!(response.status, 200);
        let mut headers = response.headers.clone();
        headers.sort();
        let mut want = want;
        want.sort();
        assert_eq!(headers, want, "{response:?}");
        assert_eq!(response.items, events, "{response:?}");
        assert!(response.complete, "{response:?}");
    }
}

/// How many subscribers [`server_many_subscribers`] serves at once.
pub const MANY_SUBSCRIBERS: usize = 1000;

/// [`MANY_SUBSCRIBERS`] (1,000) clients subscribe at once over real TCP,
/// served by [`serve`](crate::server::serve) on one task (the runtime's
/// sockets, connected to the client thread, as its connections); once all
/// are subscribed, 10 events are broadcast and the hub shuts down: every
/// client gets every event, in order, and a cleanly ended body.
///
/// The client thread's listener has a backlog of 2,048 (the runtime side
/// connects faster than the thread accepts), and reads the responses one
/// after the other (each fits in the socket's buffers). 2,000 sockets are
/// open at the peak.
///
/// # Panics
///
/// When a client gets anything else.
pub async fn server_many_subscribers<R, C, F, S>(rt: R, connect: C)
where
    R: Runtime + Clone,
    C: Fn(SocketAddr) -> F,
    F: Future<Output = io::Result<S>>,
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    const EVENTS: usize = 10;
    let listener = listen_with_backlog(2048).expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let clients = thread::spawn(move || -> io::Result<Vec<Response>> {
        let sockets = (0..MANY_SUBSCRIBERS)
            .map(|_| {
                let (mut socket, _) = listener.accept()?;
                socket.write_all(&request("/events", ""))?;
                Ok(socket)
            })
            .collect::<io::Result<Vec<_>>>()?;
        sockets
            .into_iter()
            .map(|mut socket| read_response(&mut socket, |_| false))
            .collect()
    });
    let mut sockets = Vec::with_capacity(MANY_SUBSCRIBERS);
    for _ in 0..MANY_SUBSCRIBERS {
        sockets.push(connect(addr).await.expect("connect"));
    }
    let hub = Hub::new(HubConfig::new());
    let subscribed = Progress::default();
    let handler = |_: Request| {
        let reply = subscribe_reply(&hub, &rt, LastEventId::Absent);
        subscribed.bump();
        async move { reply }
    };
    let broadcast = async {
        subscribed.at_least(MANY_SUBSCRIBERS).await;
        for i in 1..=EVENTS {
            let published = hub
                .publish("t", EventFrame::new(&format!("e{i}")))
                .expect("publish");
            assert_eq!(published.queued, MANY_SUBSCRIBERS);
        }
        hub.shutdown();
    };
    crate::server::serve(
        Connected(sockets),
        rt.clone(),
        ServeConfig::new(),
        handler,
        broadcast,
    )
    .await
    .expect("serve");
    let responses = clients.join().expect("client thread").expect("responses");
    assert_eq!(responses.len(), MANY_SUBSCRIBERS);
    let events: Vec<String> = (1..=EVENTS).map(|i| format!("message {i} e{i}")).collect();
    for response in &responses {
        assert_sse_headers(response);
        assert_eq!(response.items, events);
        assert!(response.complete);
    }
    assert_eq!(hub.metrics().subscribers, 0, "every subscription dropped");
}

/// A TCP listener on `127.0.0.1:0` with a listen backlog of `backlog`
/// (std's is 128).
fn listen_with_backlog(backlog: i32) -> io::Result<TcpListener> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

/// Connections already open, as a [`Listener`](crate::server::Listener)
/// for `serve`: each is handed out once, then nothing more comes.
struct Connected<S>(Vec<S>);

impl<S> crate::server::Listener for Connected<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Io = S;

    fn poll_accept(&mut self, _: &mut Context<'_>) -> Poll<io::Result<S>> {
        // Never woken once empty: `serve`'s shutdown signal ends it.
        self.0.pop().map_or(Poll::Pending, |io| Poll::Ready(Ok(io)))
    }
}

/// The handler [`serve_over_tcp`] gives to the runtime's `serve`.
pub type ScenarioHandler =
    Box<dyn Fn(Request) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync>;

/// The shutdown signal [`serve_over_tcp`] gives to the runtime's `serve`.
pub type ScenarioShutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The runtime crate's `serve` over real TCP: `bind` binds a listener on
/// `127.0.0.1:0` and returns its address and the runtime's
/// `serve_with(listener, ServeConfig::new(), handler, shutdown)`.
///
/// Plain-thread clients send a request for an unknown path (404), garbage
/// (400) and a `POST` (405 with `Allow`), then open 20 event streams at
/// once; once all 20 are subscribed, 5 events are published and the hub is
/// shut down along with the server: every stream gets the 5 events and ends
/// cleanly, `serve` returns, and the port is closed.
///
/// # Panics
///
/// When a client gets anything else, or `serve` fails.
pub async fn serve_over_tcp<R, B, BF, S>(rt: R, bind: B)
where
    R: Runtime + Clone,
    B: FnOnce(ScenarioHandler, ScenarioShutdown) -> BF,
    BF: Future<Output = io::Result<(SocketAddr, S)>>,
    S: Future<Output = io::Result<()>>,
{
    const STREAMS: usize = 20;
    let hub = Hub::new(HubConfig::new());
    let subscribed = Arc::new(Progress::default());
    let handler: ScenarioHandler = Box::new({
        let (hub, rt, subscribed) = (hub.clone(), rt.clone(), subscribed.clone());
        move |request: Request| {
            let reply = if request.uri().path() != "/events" {
                Reply::status(StatusCode::NOT_FOUND)
            } else if request.method() != http::Method::GET {
                Reply::method_not_allowed("GET")
            } else {
                let reply = subscribe_reply(&hub, &rt, LastEventId::Absent);
                subscribed.bump();
                reply
            };
            Box::pin(async move { reply })
        }
    });
    let shutdown: ScenarioShutdown = Box::pin({
        let hub = hub.clone();
        async move {
            subscribed.at_least(STREAMS).await;
            for i in 1..=5 {
                hub.publish("t", EventFrame::new(&format!("e{i}")))
                    .expect("publish");
            }
            hub.shutdown();
        }
    });
    let (addr, serving) = bind(handler, shutdown).await.expect("bind 127.0.0.1:0");
    let clients = thread::spawn(move || -> io::Result<Vec<Response>> {
        let mut responses = Vec::new();
        for request in [
            request("/missing", ""),
            b"garbage\r\n\r\n".to_vec(),
            b"POST /events HTTP/1.1\r\ncontent-length: 0\r\n\r\n".to_vec(),
        ] {
            let mut socket = TcpStream::connect(addr)?;
            socket.write_all(&request)?;
            responses.push(read_response(&mut socket, |_| false)?);
        }
        let streams: Vec<_> = (0..STREAMS)
            .map(|_| {
                let mut socket = TcpStream::connect(addr)?;
                socket.write_all(&request("/events", ""))?;
                Ok(thread::spawn(move || read_response(&mut socket, |_| false)))
            })
            .collect::<io::Result<_>>()?;
        for stream in streams {
            responses.push(stream.join().map_err(|_| io::Error::other("reader"))??);
        }
        Ok(responses)
    });
    serving.await.expect("serve");
    let responses = clients.join().expect("clients").expect("responses");
    let statuses: Vec<u16> = responses[..3].iter().map(|r| r.status).collect();
    assert_eq!(statuses, [404, 400, 405]);
    assert!(responses[2]
        .headers
        .contains(&("allow".to_string(), "GET".to_string())));
    let events: Vec<String> = (1..=5).map(|i| format!("message {i} e{i}")).collect();
    for stream in &responses[3..] {
        assert_sse_headers(stream);
        assert_eq!(stream.items, events);
        assert!(stream.complete);
    }
    assert_eq!(hub.metrics().subscribers, 0, "every subscription dropped");
    assert!(
        TcpStream::connect(addr).is_err(),
        "the listener is closed after serve returns"
    );
}
