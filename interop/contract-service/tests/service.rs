//! The service against a small fake harness on 127.0.0.1: a callback endpoint
//! recording what the service posts, and an SSE endpoint the test drives.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(10);

/// A request as one of the fake endpoints saw it.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Reads one request (head and `Content-Length` body).
fn read_request(io: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    io.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        io.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let mut seen = Seen {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    let len: usize = seen
        .header("content-length")
        .first()
        .map_or(0, |v| v.parse().unwrap());
    seen.body = vec![0; len];
    io.read_exact(&mut seen.body).ok()?;
    Some(seen)
}

/// The service, killed on drop.
struct Service {
    child: Child,
    addr: String,
}

impl Service {
    fn start() -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sse-contract-service"))
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap()
            .to_string();
        Service { child, addr }
    }

    /// One request on a fresh connection: status, headers, body.
    fn call(&self, method: &str, path: &str, body: &str) -> (u16, Seen) {
        let mut io = TcpStream::connect(&self.addr).unwrap();
        write!(
            io,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut text = String::new();
        io.read_to_string(&mut text).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let seen = Seen {
            method: method.into(),
            path: path.into(),
            headers,
            body: body.as_bytes().to_vec(),
        };
        (status, seen)
    }

    /// Creates a stream; its path.
    fn create(&self, params: Value) -> String {
        let (status, response) = self.call("POST", "/", &params.to_string());
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&response.body));
        let location = response.header("location")[0].to_string();
        let prefix = format!("http://{}", self.addr);
        location.strip_prefix(&prefix).unwrap().to_string()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The callbacks received: `(N, body)` of each `POST /cb/N`.
type Received = Mutex<Vec<(u64, Value)>>;

/// The callback endpoint: records `POST /cb/N` bodies by `N`.
#[derive(Clone, Default)]
struct Callbacks {
    got: Arc<(Received, Condvar)>,
}

impl Callbacks {
    /// Listens; the callback base URL.
    fn start(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/cb", listener.local_addr().unwrap());
        let got = self.got.clone();
        thread::spawn(move || {
            for io in listener.incoming() {
                let Ok(io) = io else { return };
                let mut reader = BufReader::new(io.try_clone().unwrap());
                let Some(seen) = read_request(&mut reader) else {
                    continue;
                };
                let n = seen.path.strip_prefix("/cb/").unwrap().parse().unwrap();
                let body = serde_json::from_slice(&seen.body).unwrap();
                let (list, cv) = &*got;
                list.lock().unwrap().push((n, body));
                cv.notify_all();
                let mut io = io;
                let _ = io.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            }
        });
        url
    }

    /// The `n`th callback, once it came.
    fn nth(&self, n: u64) -> Value {
        let (list, cv) = &*self.got;
        let list = cv
            .wait_timeout_while(list.lock().unwrap(), WAIT, |l| {
                !l.iter().any(|(i, _)| *i == n)
            })
            .unwrap()
            .0;
        let found = list.iter().find(|(i, _)| *i == n);
        found
            .unwrap_or_else(|| panic!("no callback {n}: {list:?}"))
            .1
            .clone()
    }

    fn count(&self) -> usize {
        self.got.0.lock().unwrap().len()
    }
}

/// The SSE endpoint: each connection, its request read, comes out of
/// `next()` with the socket to write the stream to.
struct Streams {
    url: String,
    accepted: mpsc::Receiver<(Seen, TcpStream)>,
}

impl Streams {
    /// Answers with `head` (200 event stream if `None`).
    fn start(head: Option<&'static str>) -> Streams {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/stream", listener.local_addr().unwrap());
        let (tx, accepted) = mpsc::channel();
        thread::spawn(move || {
            for io in listener.incoming() {
                let Ok(mut io) = io else { return };
                let mut reader = BufReader::new(io.try_clone().unwrap());
                let Some(seen) = read_request(&mut reader) else {
                    continue;
                };
                let head = head.unwrap_or(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\r\n",
                );
                io.write_all(head.as_bytes()).unwrap();
                if tx.send((seen, io)).is_err() {
                    return;
                }
            }
        });
        Streams { url, accepted }
    }

    fn next(&self) -> (Seen, TcpStream) {
        self.accepted.recv_timeout(WAIT).expect("a connection")
    }
}

fn event(data: &str, id: &str, event_type: &str) -> Value {
    json!({"kind": "event", "event": {"type": event_type, "data": data, "id": id}})
}

#[test]
fn a_stream_reports_its_items_as_numbered_callbacks() {
    let service = Service::start();
    let (status, info) = service.call("GET", "/", "");
    assert_eq!(status, 200);
    let info: Value = serde_json::from_slice(&info.body).unwrap();
    for capability in [
        "comments",
        "bom",
        "headers",
        "last-event-id",
        "post",
        "report",
        "read-timeout",
        "restart",
        "server-directed-shutdown-request",
        "event-type-listeners",
    ] {
        assert!(
            info["capabilities"]
                .as_array()
                .unwrap()
                .contains(&json!(capability)),
            "{capability}"
        );
    }

    let callbacks = Callbacks::default();
    let streams = Streams::start(None);
    let path = service.create(json!({
        "streamUrl": streams.url,
        "callbackUrl": callbacks.start(),
        "tag": "items",
        "initialDelayMs": 0,
        "lastEventId": "41",
        "headers": {"x-token": "t1"},
    }));

    // The first request: exactly the SSE headers, the custom one, the ID.
    let (request, mut io) = streams.next();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/stream")
    );
    assert_eq!(request.header("accept"), ["text/event-stream"]);
    assert_eq!(request.header("cache-control"), ["no-cache"]);
    assert_eq!(request.header("last-event-id"), ["41"]);
    assert_eq!(request.header("x-token"), ["t1"]);

    // A comment is reported as soon as its line ends.
    io.write_all(b"\xEF\xBB\xBF:hello\n").unwrap();
    assert_eq!(
        callbacks.nth(1),
        json!({"kind": "comment", "comment": "hello"})
    );
    io.write_all(b"id: 1\nevent: greet\ndata: a\n\n").unwrap();
    assert_eq!(callbacks.nth(2), event("a", "1", "greet"));
    // Over the library's default 8 MiB line limit: the service raised it.
    let big = "x".repeat(9 * 1024 * 1024);
    io.write_all(format!("data: {big}\n\n").as_bytes()).unwrap();
    assert_eq!(callbacks.nth(3), event(&big, "1", "message"));

    // A dropped connection: one error, then the reconnect with the ID.
    drop(io);
    assert_eq!(callbacks.nth(4)["kind"], "error");
    let (request, mut io) = streams.next();
    assert_eq!(request.header("last-event-id"), ["1"]);
    assert_eq!(request.header("accept"), ["text/event-stream"]);
    io.write_all(b"data: b\n\n").unwrap();
    assert_eq!(callbacks.nth(5), event("b", "1", "message"));
    assert_eq!(callbacks.count(), 5);

    // Closing the stream drops its connection.
    assert_eq!(service.call("DELETE", &path, "").0, 204);
    io.set_read_timeout(Some(WAIT)).unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        io.read_to_end(&mut rest).unwrap(),
        0,
        "closed by the service"
    );
    assert_eq!(service.call("DELETE", &path, "").0, 404);
    let restart = json!({"command": "restart"}).to_string();
    assert_eq!(service.call("POST", &path, &restart).0, 404);
}

#[test]
fn restart_reconnects_at_once_and_a_body_is_sent_every_time() {
    let service = Service::start();
    let callbacks = Callbacks::default();
    let streams = Streams::start(None);
    let path = service.create(json!({
        "streamUrl": streams.url,
        "callbackUrl": callbacks.start(),
        // A reconnect on its own would wait a minute.
        "initialDelayMs": 60_000,
        "method": "REPORT",
        "body": "{\"q\":1}",
    }));
    let (request, mut io) = streams.next();
    assert_eq!(request.method, "REPORT");
    assert_eq!(request.body, b"{\"q\":1}");
    assert_eq!(request.header("content-type"), ["text/plain"]);
    io.write_all(b"id: 7\ndata: before\n\n").unwrap();
    assert_eq!(callbacks.nth(1), event("before", "7", "message"));

    let command = |c: Value| service.call("POST", &path, &c.to_string()).0;
    assert_eq!(
        command(json!({"command": "listen", "listen": {"type": "x"}})),
        204
    );
    assert_eq!(command(json!({"command": "dance"})), 400);
    assert_eq!(command(json!({"command": "restart"})), 204);
    let (request, mut io2) = streams.next();
    assert_eq!(request.method, "REPORT");
    assert_eq!(request.body, b"{\"q\":1}");
    assert_eq!(request.header("last-event-id"), ["7"]);
    // The first connection was dropped, and no error was reported for it.
    io.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(io.read(&mut [0; 16]).unwrap(), 0);
    io2.write_all(b"data: after\n\n").unwrap();
    assert_eq!(callbacks.nth(2), event("after", "7", "message"));
    assert_eq!(callbacks.count(), 2);
}

#[test]
fn a_204_stops_the_stream_and_bad_requests_are_refused() {
    let service = Service::start();
    let callbacks = Callbacks::default();
    let streams = Streams::start(Some("HTTP/1.1 204 No Content\r\n\r\n"));
    let callback_url = callbacks.start();
    service.create(json!({
        "streamUrl": streams.url,
        "callbackUrl": callback_url,
        "initialDelayMs": 0,
    }));
    streams.next();
    // Closed for good: one error says why, and no reconnect follows.
    assert_eq!(callbacks.nth(1)["kind"], "error");
    assert!(streams
        .accepted
        .recv_timeout(Duration::from_millis(300))
        .is_err());
    assert_eq!(callbacks.count(), 1);

    let create = |params: Value| service.call("POST", "/", &params.to_string()).0;
    assert_eq!(service.call("POST", "/", "not json").0, 400);
    assert_eq!(
        create(json!({"streamUrl": "ftp://x/", "callbackUrl": callback_url})),
        400
    );
    assert_eq!(
        create(json!({"streamUrl": streams.url, "callbackUrl": "nope"})),
        400
    );
    let bad_id =
        json!({"streamUrl": streams.url, "callbackUrl": callback_url, "lastEventId": "a\nb"});
    assert_eq!(create(bad_id), 400);
    assert_eq!(service.call("GET", "/nope", "").0, 404);
    assert_eq!(service.call("DELETE", "/streams/99", "").0, 404);
    assert_eq!(service.call("POST", "/streams/99", "{}").0, 404);

    // `DELETE /` quits.
    let mut service = service;
    assert_eq!(service.call("DELETE", "/", "").0, 204);
    assert!(service.child.wait().unwrap().success());
}
