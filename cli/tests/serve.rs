//! `sse serve`, as a process: the page, the stream (ticks, published events,
//! resume, keepalives), publishing and its limits, bad requests, HTTP/2 (h2c
//! and over TLS), graceful shutdown on SIGTERM, and two nodes on one Redis
//! (`--redis`).
//!
//! Every test starts its own server on 127.0.0.1 port 0 and reads the URL it
//! prints. Timeouts are failure guards only.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use sse_proto::{Decoder, EventOwned, ItemOwned};
use sse_reqwest::reqwest;

/// The failure guard on every wait.
const GUARD: Duration = Duration::from_secs(30);

/// A running `sse serve`, killed when dropped (a failing test leaves no
/// process behind).
struct Server {
    child: Child,
    addr: SocketAddr,
    /// What it printed on stderr.
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// `sse serve --addr 127.0.0.1:0 ARGS`, once it printed its URL.
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sse"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sse runs");
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        let stderr = Arc::new(Mutex::new(first.clone()));
        let rest = stderr.clone();
        // Keep reading, so that the server never writes to a closed pipe.
        thread::spawn(move || {
            let mut text = String::new();
            let _ = lines.read_to_string(&mut text);
            rest.lock().unwrap().push_str(&text);
        });
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            stderr,
        };
        let url = first
            .strip_prefix("sse serve: listening on ")
            .and_then(|rest| rest.strip_suffix(" (open it in a browser)\n"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"));
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not a URL: {url:?}"));
        server.addr = host.parse().unwrap();
        server
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{path}", self.addr)
    }

    /// Sends SIGTERM and waits for the exit.
    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < GUARD, "still running after SIGTERM");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 response read over a raw socket: the head, then the body on
/// demand.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
}

/// Sends `raw` on a new connection and reads the response head.
fn exchange(addr: SocketAddr, raw: &[u8]) -> Response {
    let mut socket = TcpStream::connect(addr).unwrap();
    socket.set_read_timeout(Some(GUARD)).unwrap();
    socket.write_all(raw).unwrap();
    let mut reader = BufReader::new(socket);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .unwrap_or_else(|| panic!("not a status line: {line:?}"))
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    Response {
        status,
        headers,
        reader,
    }
}

fn get(addr: SocketAddr, target: &str, headers: &str) -> Response {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}\r\n");
    exchange(addr, raw.as_bytes())
}

fn post(addr: SocketAddr, target: &str, body: &[u8]) -> Response {
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    exchange(addr, &[head.as_bytes(), body].concat())
}

/// Publishes `data` (with `?event=` when given); the event's ID.
fn publish(addr: SocketAddr, event: Option<&str>, data: &str) -> String {
    let target = match event {
        Some(event) => format!("/publish?event={event}"),
        None => "/publish".to_string(),
    };
    let mut response = post(addr, &target, data.as_bytes());
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_str(&response.text()).unwrap();
    json["id"].as_str().expect("an id").to_string()
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A `Content-Length` body.
    fn text(&mut self) -> String {
        let len = self
            .header("content-length")
            .expect("a length")
            .parse()
            .unwrap();
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).unwrap();
        String::from_utf8(body).unwrap()
    }

    /// The next chunk of a chunked body; `None` for the terminating chunk.
    fn chunk(&mut self) -> Option<Vec<u8>> {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let len = usize::from_str_radix(line.trim_end(), 16)
            .unwrap_or_else(|_| panic!("not a chunk size: {line:?}"));
        let mut chunk = vec![0; len + 2];
        self.reader.read_exact(&mut chunk).unwrap();
        assert!(chunk.ends_with(b"\r\n"));
        chunk.truncate(len);
        (len > 0).then_some(chunk)
    }

    /// The event stream of a `GET /events` response.
    fn events(self) -> Events {
        assert_eq!(self.status, 200);
        assert_eq!(self.header("transfer-encoding"), Some("chunked"));
        Events {
            response: self,
            sse: Sse::default(),
        }
    }
}

/// Decodes an event stream fed in chunks.
#[derive(Default)]
struct Sse {
    decoder: Decoder<Vec<u8>>,
    items: VecDeque<ItemOwned>,
}

impl Sse {
    fn push(&mut self, bytes: &[u8]) {
        let mut feed = self.decoder.feed(bytes);
        while let Some(item) = feed.next_item() {
            self.items.push_back(item.unwrap().into_owned());
        }
    }

    /// The next event (comments and retries passed over).
    fn event(&mut self) -> Option<EventOwned> {
        while let Some(item) = self.items.pop_front() {
            if let ItemOwned::Event(event) = item {
                return Some(event);
            }
        }
        None
    }
}

/// An event stream over HTTP/1.1.
struct Events {
    response: Response,
    sse: Sse,
}

impl Events {
    fn next(&mut self) -> EventOwned {
        // Keepalives keep the socket busy: the guard is on the event.
        let start = Instant::now();
        loop {
            if let Some(event) = self.sse.event() {
                return event;
            }
            assert!(start.elapsed() < GUARD, "no event in time");
            let chunk = self.response.chunk().expect("the stream goes on");
            self.sse.push(&chunk);
        }
    }

    /// The next `n` events as `(type, id, data)`.
    fn take(&mut self, n: usize) -> Vec<(String, String, String)> {
        (0..n)
            .map(|_| {
                let e = self.next();
                (e.event_type, e.last_event_id, e.data)
            })
            .collect()
    }
}

fn event(event_type: &str, id: &str, data: &str) -> (String, String, String) {
    (event_type.into(), id.into(), data.into())
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async { tokio::time::timeout(GUARD, future).await.expect("in time") })
}

#[test]
fn out_of_range_options_are_usage_errors() {
    for args in [
        &["--tick-ms", "3600001"][..],
        &["--keepalive", "86401"],
        &["--request-timeout", "0"],
        &["--max-connections", "0"],
        &["--threads", "0"],
        &["--tls-cert", "cert.pem"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sse"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn the_page_has_the_event_source_and_the_form() {
    let server = Server::start(&["--tick-ms", "0"]);
    let mut response = get(server.addr, "/", "");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let page = response.text();
    for needle in [
        "new EventSource(\"/events\")",
        "id=\"state\"",
        "id=\"reconnects\"",
        "id=\"events\"",
        "id=\"publish-form\"",
        "id=\"publish-data\"",
        "id=\"publish-event\"",
        "\"/publish\"",
    ] {
        assert!(page.contains(needle), "no {needle} in the page");
    }
    // Nothing from elsewhere.
    for needle in ["http://", "https://", "src="] {
        assert!(!page.contains(needle), "{needle} in the page");
    }
}

#[test]
fn the_stream_has_the_headers_and_numbered_ticks() {
    let server = Server::start(&["--tick-ms", "20"]);
    let response = get(server.addr, "/events", "");
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("x-accel-buffering"), Some("no"));
    let mut events = response.events();
    let ticks: Vec<(u64, u64)> = (0..3)
        .map(|_| {
            let e = events.next();
            assert_eq!(e.event_type, "tick");
            let json: serde_json::Value = serde_json::from_str(&e.data).unwrap();
            assert!(json["unix_ms"].as_u64().is_some(), "{}", e.data);
            (
                e.last_event_id.parse().unwrap(),
                json["n"].as_u64().unwrap(),
            )
        })
        .collect();
    for pair in ticks.windows(2) {
        assert_eq!(pair[1], (pair[0].0 + 1, pair[0].1 + 1), "{ticks:?}");
    }
}

#[test]
fn a_published_multi_line_body_is_one_event_for_every_subscriber() {
    let server = Server::start(&["--tick-ms", "0"]);
    let mut alice = get(server.addr, "/events", "").events();
    let mut bob = get(server.addr, "/events", "").events();
    let id = publish(server.addr, Some("chat"), "one\r\ntwo\rthree\nfour");
    let want = vec![event("chat", &id, "one\ntwo\nthree\nfour")];
    assert_eq!(alice.take(1), want);
    assert_eq!(bob.take(1), want);
    // Without a name: a `message`.
    let id = publish(server.addr, None, "plain");
    assert_eq!(alice.take(1), vec![event("message", &id, "plain")]);
}

#[test]
fn every_thread_serves_and_a_publish_reaches_them_all() {
    // Connections go to the threads in turn: five streams and the publish
    // requests land on all three, the publisher's thread wakes the others.
    let server = Server::start(&["--tick-ms", "0", "--threads", "3"]);
    let mut streams: Vec<Events> = (0..5)
        .map(|_| get(server.addr, "/events", "").events())
        .collect();
    for data in ["one", "two"] {
        let id = publish(server.addr, Some("all"), data);
        for stream in &mut streams {
            assert_eq!(stream.take(1), vec![event("all", &id, data)]);
        }
    }
}

#[test]
fn resume_after_last_event_id_header_or_query() {
    let server = Server::start(&["--tick-ms", "0"]);
    let a = publish(server.addr, None, "a");
    let b = publish(server.addr, None, "b");
    let c = publish(server.addr, None, "c");

    let header = format!("Last-Event-ID: {a}\r\n");
    let mut by_header = get(server.addr, "/events", &header).events();
    let mut by_query = get(server.addr, &format!("/events?lastEventId={b}"), "").events();
    let d = publish(server.addr, None, "d");
    assert_eq!(
        by_header.take(3),
        vec![
            event("message", &b, "b"),
            event("message", &c, "c"),
            event("message", &d, "d")
        ]
    );
    assert_eq!(
        by_query.take(2),
        vec![event("message", &c, "c"), event("message", &d, "d")]
    );
    // Live after the replay, no duplicate.
    let e = publish(server.addr, None, "e");
    assert_eq!(by_header.take(1), vec![event("message", &e, "e")]);
    assert_eq!(by_query.take(1), vec![event("message", &e, "e")]);
}

#[test]
fn grip_holds_requests_through_pushpin_and_streams_the_rest() {
    // Nothing listens on port 1: the forwarder reports each failed post.
    let mut server = Server::start(&["--tick-ms", "0", "--grip", "http://127.0.0.1:1"]);
    let a = publish(server.addr, None, "a");
    let b = publish(server.addr, None, "b");
    let replay_b = format!("id: {b}\ndata: b\n\n");
    // Through Pushpin (signed): the hold, with the replay after the
    // client's ID; Pushpin recovering (Grip-Last, which wins): the same.
    for (headers, replay) in [
        (
            format!("Grip-Sig: x.y.z\r\nLast-Event-ID: {a}\r\n"),
            replay_b.as_str(),
        ),
        ("Grip-Sig: x.y.z\r\n".to_string(), ""),
        (
            format!("Grip-Last: events; last-id={a}\r\nLast-Event-ID: {b}\r\n"),
            &replay_b,
        ),
    ] {
        let mut hold = get(server.addr, "/events", &headers);
        assert_eq!(hold.status, 200);
        assert_eq!(hold.header("content-type"), Some("text/event-stream"));
        assert_eq!(hold.header("grip-hold"), Some("stream"));
        let channel = format!("events; prev-id={b}");
        assert_eq!(hold.header("grip-channel"), Some(channel.as_str()));
        assert_eq!(
            hold.header("grip-keep-alive"),
            Some(r":\n\n; format=cstring; timeout=15")
        );
        assert_eq!(hold.header("grip-link"), Some("</events>; rel=next"));
        assert_eq!(hold.text(), replay, "{headers}");
    }
    // Straight to the server: the event stream itself.
    let mut direct = get(server.addr, "/events", &format!("Last-Event-ID: {a}\r\n")).events();
    assert_eq!(direct.take(1), vec![event("message", &b, "b")]);
    // The failed posts were reported (stderr is read to its end).
    assert!(server.terminate().success());
    let start = Instant::now();
    while !server
        .stderr
        .lock()
        .unwrap()
        .contains("grip: cannot connect")
    {
        assert!(start.elapsed() < GUARD, "no publish failure reported");
        thread::sleep(Duration::from_millis(20));
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_sse"))
        .args(["serve", "--addr", "127.0.0.1:0", "--grip", "no url"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn no_ticks_with_tick_ms_0_and_an_unknown_id_gets_the_gap_notice() {
    let server = Server::start(&["--tick-ms", "0"]);
    // Time for ticks, were there any (a 1 ms ticker would fill the history).
    thread::sleep(Duration::from_millis(200));
    let only = publish(server.addr, None, "only");
    let mut events = get(server.addr, "/events?lastEventId=unknown", "").events();
    // The gap notice (no ID), then everything held: the one event.
    assert_eq!(
        events.take(2),
        vec![event("gap", "", ""), event("message", &only, "only")]
    );
    let next = publish(server.addr, None, "next");
    assert_eq!(events.take(1), vec![event("message", &next, "next")]);
}

#[test]
fn sse_listen_reads_it() {
    let server = Server::start(&["--tick-ms", "20"]);
    let out = Command::new(env!("CARGO_BIN_EXE_sse"))
        .args(["listen", "--max-events", "2", "--idle-timeout", "30"])
        .arg(server.url("http", "/events"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0]["type"], "open");
    for line in &lines[1..] {
        assert_eq!(
            (&line["type"], &line["event"]),
            (&"event".into(), &"tick".into())
        );
    }
}

#[test]
fn keepalive_comments_on_an_idle_stream() {
    let server = Server::start(&["--tick-ms", "0", "--keepalive", "1"]);
    let mut response = get(server.addr, "/events", "");
    // A guard shorter than the default interval (15 s), longer than 1 s.
    response
        .reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.chunk().unwrap(), b":\n\n");
    assert_eq!(response.chunk().unwrap(), b":\n\n");
}

#[test]
fn publish_refuses_bad_names_bodies_and_sizes() {
    let server = Server::start(&["--tick-ms", "0", "--max-publish-bytes", "16"]);
    let addr = server.addr;
    for (target, body, status) in [
        ("/publish?event=", &b"x"[..], 400),
        ("/publish?event=a%0Ab", b"x", 400),
        ("/publish?event=a%0Db", b"x", 400),
        ("/publish?event=%FF", b"x", 400),
        ("/publish", b"\xff\xfe", 400),
        ("/publish", b"seventeen bytes!!", 413),
        ("/publish?event=ok", b"sixteen bytes!!!", 200),
    ] {
        let mut response = post(addr, target, body);
        assert_eq!(response.status, status, "{target} {body:?}");
        let _ = response.text();
    }
    // Over the limit without a length: chunked.
    let raw = b"POST /publish HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
                a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n";
    assert_eq!(exchange(addr, raw).status, 413);
}

#[test]
fn wrong_methods_unknown_paths_and_bad_heads() {
    let server = Server::start(&["--tick-ms", "0"]);
    let addr = server.addr;
    for (raw, status, allow) in [
        ("GET /publish HTTP/1.1\r\n\r\n", 405, Some("POST")),
        (
            "POST /events HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            405,
            Some("GET"),
        ),
        ("DELETE / HTTP/1.1\r\n\r\n", 405, Some("GET")),
        ("GET /nope HTTP/1.1\r\n\r\n", 404, None),
        ("garbage\r\n\r\n", 400, None),
        ("GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400, None),
    ] {
        let response = exchange(addr, raw.as_bytes());
        assert_eq!(response.status, status, "{raw:?}");
        assert_eq!(response.header("allow"), allow, "{raw:?}");
    }
    let huge = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(exchange(addr, huge.as_bytes()).status, 431);
    // Still serving.
    assert_eq!(get(addr, "/", "").status, 200);
}

#[test]
fn a_connection_without_a_request_is_closed() {
    let server = Server::start(&["--tick-ms", "0", "--request-timeout", "1"]);
    for sent in [&b""[..], b"PRI * HTTP/2", b"GET / HTTP/1.1\r\n"] {
        let mut socket = TcpStream::connect(server.addr).unwrap();
        socket.set_read_timeout(Some(GUARD)).unwrap();
        socket.write_all(sent).unwrap();
        let mut rest = Vec::new();
        // Closed (EOF), not timed out by the guard; hyper may say 408 first.
        socket.read_to_end(&mut rest).unwrap();
        let rest = String::from_utf8_lossy(&rest);
        assert!(
            rest.is_empty() || rest.starts_with("HTTP/1.1 408"),
            "{rest}"
        );
    }
}

#[test]
fn connections_over_the_limit_wait_for_one_to_close() {
    let server = Server::start(&["--tick-ms", "0", "--max-connections", "1"]);
    let first = get(server.addr, "/events", "");
    assert_eq!(first.status, 200);
    let mut second = TcpStream::connect(server.addr).unwrap();
    second.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    // Not served while the first is open (a correct server never answers
    // here, however long the wait).
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let e = second.read(&mut [0; 64]).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
    drop(first);
    second.set_read_timeout(Some(GUARD)).unwrap();
    let mut answer = [0; 12];
    second.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
}

/// Reads events from a reqwest response.
async fn next_event(response: &mut reqwest::Response, sse: &mut Sse) -> EventOwned {
    loop {
        if let Some(event) = sse.event() {
            return event;
        }
        let chunk = response.chunk().await.unwrap().expect("the stream goes on");
        sse.push(&chunk);
    }
}

#[test]
fn http2_with_prior_knowledge_on_the_same_port() {
    let server = Server::start(&["--tick-ms", "0"]);
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    block_on(async {
        // Two streams over the one connection.
        let mut streams = Vec::new();
        for _ in 0..2 {
            let response = client
                .get(server.url("http", "/events"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.version(), reqwest::Version::HTTP_2);
            assert_eq!(response.status(), 200);
            let headers = response.headers();
            assert_eq!(headers["content-type"], "text/event-stream");
            assert_eq!(headers["cache-control"], "no-cache");
            assert!(!headers.contains_key("connection"), "{headers:?}");
            streams.push(response);
        }
        let published = client
            .post(server.url("http", "/publish?event=h2"))
            .body("over h2")
            .send()
            .await
            .unwrap();
        assert_eq!(published.version(), reqwest::Version::HTTP_2);
        let json: serde_json::Value =
            serde_json::from_str(&published.text().await.unwrap()).unwrap();
        for response in &mut streams {
            let e = next_event(response, &mut Sse::default()).await;
            assert_eq!((e.event_type.as_str(), e.data.as_str()), ("h2", "over h2"));
            assert_eq!(json["id"], e.last_event_id.as_str());
        }
        // The page too.
        let page = client.get(server.url("http", "/")).send().await.unwrap();
        assert_eq!(page.status(), 200);
    });
}

/// Over TLS: h2 by ALPN, or HTTP/1.1 for a client offering only that; an
/// event published over one arrives on the other.
async fn tls_both_versions(server: &Server, client: reqwest::ClientBuilder) {
    let h2 = client.build().unwrap();
    let h1 = reqwest::Client::builder()
        .tls_danger_accept_invalid_certs(true)
        .http1_only()
        .build()
        .unwrap();
    let mut stream = h2.get(server.url("https", "/events")).send().await.unwrap();
    assert_eq!(stream.version(), reqwest::Version::HTTP_2);
    assert!(!stream.headers().contains_key("connection"));
    let published = h1
        .post(server.url("https", "/publish"))
        .body("over tls")
        .send()
        .await
        .unwrap();
    assert_eq!(published.version(), reqwest::Version::HTTP_11);
    assert_eq!(published.status(), 200);
    let e = next_event(&mut stream, &mut Sse::default()).await;
    assert_eq!(e.data, "over tls");
    let page = h1.get(server.url("https", "/")).send().await.unwrap();
    assert_eq!(page.version(), reqwest::Version::HTTP_11);
    assert_eq!(page.status(), 200);
}

#[test]
fn tls_self_signed_serves_h2_and_http1() {
    let server = Server::start(&["--tick-ms", "0", "--tls-self-signed"]);
    assert!(server.stderr.lock().unwrap().contains("https://127.0.0.1:"));
    let client = reqwest::Client::builder().tls_danger_accept_invalid_certs(true);
    block_on(tls_both_versions(&server, client));
}

#[test]
fn tls_with_certificate_files() {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("sse-serve-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());

    let server = Server::start(&["--tick-ms", "0", "--tls-cert", cert, "--tls-key", key]);
    // Trusting exactly that certificate.
    let root = reqwest::Certificate::from_pem(made.cert.pem().as_bytes()).unwrap();
    let client = reqwest::Client::builder().add_root_certificate(root);
    block_on(tls_both_versions(&server, client));

    // A key file that is no key: bad usage.
    let out = Command::new(env!("CARGO_BIN_EXE_sse"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--tls-cert",
            cert,
            "--tls-key",
            cert,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("sse: serve: TLS: "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_ends_the_streams_and_exits_0() {
    let mut server = Server::start(&["--tick-ms", "0"]);
    let mut events = get(server.addr, "/events", "").events();
    let id = publish(server.addr, None, "before");
    assert_eq!(events.take(1), vec![event("message", &id, "before")]);
    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "{}", server.stderr.lock().unwrap());
    // The last frame says when to reconnect; then the terminating chunk.
    let mut rest = Vec::new();
    while let Some(chunk) = events.response.chunk() {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, b"retry: 1000\n\n");
}

#[test]
fn two_nodes_on_one_redis_resume_each_others_clients() {
    let Some(mut redis) = sse_redis::test_util::RedisServer::start("cli") else {
        return;
    };
    let url = redis.url();
    let a = Server::start(&["--tick-ms", "0", "--history", "2", "--redis", &url]);
    let b = Server::start(&["--tick-ms", "0", "--history", "2", "--redis", &url]);
    let ids: Vec<String> = ["one", "two", "three"]
        .iter()
        .map(|data| publish(a.addr, None, data))
        .collect();
    // Redis entry IDs, in order.
    assert!(ids.iter().all(|id| id.contains('-')), "{ids:?}");
    // A client of node A that saw "one" reconnects to node B.
    let header = format!("Last-Event-ID: {}\r\n", ids[0]);
    let mut on_b = get(b.addr, "/events", &header).events();
    assert_eq!(
        on_b.take(2),
        vec![
            event("message", &ids[1], "two"),
            event("message", &ids[2], "three")
        ]
    );
    // Live on both nodes, whichever takes the publish.
    let mut on_a = get(a.addr, &format!("/events?lastEventId={}", ids[2]), "").events();
    let four = publish(b.addr, Some("note"), "four");
    assert_eq!(on_b.take(1), vec![event("note", &four, "four")]);
    assert_eq!(on_a.take(1), vec![event("note", &four, "four")]);

    // Redis down: publishing is refused (503), not lost silently.
    redis.kill();
    let mut refused = post(a.addr, "/publish", b"five");
    assert_eq!(refused.status, 503);
    assert!(refused.text().starts_with("the event log is unavailable"));
}
