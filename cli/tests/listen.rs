//! `sse listen` as a process against a scripted server on 127.0.0.1: stdout,
//! stderr, exit codes, the requests it sends.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const OPEN: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
const STOP: &str = "HTTP/1.1 204 No Content\r\n\r\n";

/// What the server does after writing a response.
#[derive(Clone, Copy)]
enum Then {
    Close,
    /// Keep the connection until the client goes.
    Hang,
}

/// A server answering one connection per response, in order; returns the
/// requests it read.
fn serve(responses: Vec<(&'static str, Then)>) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let thread = thread::spawn(move || {
        let mut requests = Vec::new();
        for (response, then) in responses {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            requests.push(read_request(&mut socket));
            socket.write_all(response.as_bytes()).unwrap();
            if let Then::Hang = then {
                let mut buf = [0u8; 64];
                while let Ok(1..) = socket.read(&mut buf) {}
            }
        }
        requests
    });
    (url, thread)
}

fn read_request(socket: &mut TcpStream) -> String {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).unwrap() == 0 {
            break;
        }
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
    let mut body = vec![0; length];
    socket.read_exact(&mut body).unwrap();
    request.extend_from_slice(&body);
    String::from_utf8(request).unwrap()
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sse"))
        .arg("listen")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sse runs")
}

fn listen(args: &[&str]) -> (String, String, Option<i32>) {
    let out = spawn(args).wait_with_output().expect("sse exits");
    text(out)
}

fn text(out: Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

#[test]
fn prints_items_reconnects_with_last_event_id_and_stops_on_204() {
    let (url, server) = serve(vec![
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 10\n: hi\n\nid: 1\nevent: greet\ndata: a\ndata: b\n\n",
            Then::Close,
        ),
        (STOP, Then::Close),
    ]);
    let (stdout, stderr, code) =
        listen(&["-H", "Authorization: Bearer t", &format!("{url}/events")]);
    assert_eq!(
        stdout,
        concat!(
            "{\"type\":\"open\",\"status\":200}\n",
            "{\"type\":\"retry\",\"ms\":10}\n",
            "{\"type\":\"comment\",\"text\":\" hi\"}\n",
            "{\"type\":\"event\",\"event\":\"greet\",\"data\":\"a\\nb\",\"id\":\"1\"}\n",
            "{\"type\":\"error\",\"error\":\"the server ended the stream\"}\n",
        )
    );
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let requests = server.join().unwrap();
    assert!(requests[0].starts_with("GET /events HTTP/1.1\r\n"));
    assert!(requests[0].contains("\r\nAccept: text/event-stream\r\n"));
    assert!(requests[0].contains("\r\nAuthorization: Bearer t\r\n"));
    assert!(!requests[0].contains("Last-Event-ID"));
    assert!(requests[1].contains("\r\nLast-Event-ID: 1\r\n"));
    assert!(requests[1].contains("\r\nAuthorization: Bearer t\r\n"));
}

#[test]
fn a_refused_response_exits_1_with_the_cause_and_body_on_stderr() {
    let (url, server) = serve(vec![(
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 15\r\n\r\ninvalid api key",
        Then::Close,
    )]);
    let (stdout, stderr, code) = listen(&[&url]);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "sse: listen: response refused: response status 401, expected 200; body: invalid api key\n"
    );
    assert_eq!(code, Some(1));
    server.join().unwrap();
}

#[test]
fn a_wrong_content_type_exits_1() {
    let (url, server) = serve(vec![(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi",
        Then::Close,
    )]);
    let (_, stderr, code) = listen(&[&url]);
    assert_eq!(
        stderr,
        "sse: listen: response refused: response content type is not text/event-stream; body: hi\n"
    );
    assert_eq!(code, Some(1));
    server.join().unwrap();
}

#[test]
fn retry_status_retries_a_503() {
    let (url, server) = serve(vec![
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 10\n\n",
            Then::Close,
        ),
        (
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n",
            Then::Close,
        ),
        (STOP, Then::Close),
    ]);
    let (stdout, _, code) = listen(&["--retry-status", &url]);
    // One error line between the drop and the next open (there is none).
    assert_eq!(
        stdout,
        concat!(
            "{\"type\":\"open\",\"status\":200}\n",
            "{\"type\":\"retry\",\"ms\":10}\n",
            "{\"type\":\"error\",\"error\":\"the server ended the stream\"}\n",
        )
    );
    assert_eq!(code, Some(0));
    assert_eq!(server.join().unwrap().len(), 3, "the 503 was retried");

    // Without --retry-status, a 503 fails for good.
    let (url, server) = serve(vec![(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
        Then::Close,
    )]);
    let (_, stderr, code) = listen(&[&url]);
    assert_eq!(
        stderr,
        "sse: listen: response refused: response status 503, expected 200\n"
    );
    assert_eq!(code, Some(1));
    server.join().unwrap();
}

#[test]
fn max_events_exits_0_on_a_live_stream() {
    let (url, server) = serve(vec![(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\ndata: 3\n\n",
        Then::Hang,
    )]);
    let (stdout, _, code) = listen(&["--max-events", "2", &url]);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.ends_with("\"data\":\"2\",\"id\":\"\"}\n"));
    assert_eq!(code, Some(0));
    server.join().unwrap();
}

#[test]
fn a_post_with_data_is_one_shot() {
    let dir = std::env::temp_dir().join(format!("sse-listen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    std::fs::write(&file, "{\"prompt\":\"hi\"}").unwrap();
    let body_arg = format!("@{}", file.display());

    // A clean end: exit 0, never re-sent.
    let (url, server) = serve(vec![(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 9\r\n\r\ndata: t\n\n",
        Then::Close,
    )]);
    let (stdout, stderr, code) = listen(&[
        "-d",
        &body_arg,
        "-H",
        "Content-Type: application/json",
        &url,
    ]);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert_eq!((stderr.as_str(), code), ("", Some(0)));
    let requests = server.join().unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].starts_with("POST / HTTP/1.1\r\n"));
    assert!(requests[0].ends_with("\r\n\r\n{\"prompt\":\"hi\"}"));

    // Cut inside an event: exit 1, never re-sent.
    let (url, server) = serve(vec![(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: t\n\ndata: cut",
        Then::Close,
    )]);
    let (_, stderr, code) = listen(&["-X", "PUT", "-d", "x", &url]);
    assert_eq!(
        stderr,
        "sse: listen: one-shot stream interrupted: the stream was cut off\n"
    );
    assert_eq!(code, Some(1));
    let requests = server.join().unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].starts_with("PUT / HTTP/1.1\r\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reconnect_always_resends_the_body() {
    let (url, server) = serve(vec![
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 10\n\n",
            Then::Close,
        ),
        (STOP, Then::Close),
    ]);
    let (_, _, code) = listen(&["--reconnect", "always", "-d", "again", &url]);
    assert_eq!(code, Some(0));
    let requests = server.join().unwrap();
    assert!(requests.iter().all(|r| r.ends_with("\r\n\r\nagain")));
}

#[test]
fn a_limit_error_exits_2() {
    let (url, server) = serve(vec![(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ok\n\ndata: far too long\n\n",
        Then::Hang,
    )]);
    let (stdout, stderr, code) = listen(&["--max-event-len", "4", &url]);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert_eq!(
        stderr,
        "sse: listen: event skipped: over the decoder's limits: event data exceeds 4 bytes\n"
    );
    assert_eq!(code, Some(2));
    server.join().unwrap();
}

#[test]
fn the_idle_timeout_reconnects() {
    let (url, server) = serve(vec![
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 10\n\n",
            Then::Hang,
        ),
        (STOP, Then::Close),
    ]);
    let (stdout, _, code) = listen(&["--idle-timeout", "0.05", &url]);
    assert_eq!(
        stdout,
        concat!(
            "{\"type\":\"open\",\"status\":200}\n",
            "{\"type\":\"retry\",\"ms\":10}\n",
            "{\"type\":\"error\",\"error\":\"no byte received for 50 ms\"}\n",
        )
    );
    assert_eq!(code, Some(0));
    server.join().unwrap();
}

#[test]
fn bad_usage_exits_2() {
    for (args, message) in [
        (
            &["--cacert", "/nonexistent/ca.pem", "https://example.com/"][..],
            "sse: listen: --cacert /nonexistent/ca.pem: No such file or directory (os error 2)\n",
        ),
        (
            &["ftp://example.com/"],
            "sse: listen: invalid url: scheme is not http or https\n",
        ),
        (
            &["-H", "no colon", "http://127.0.0.1:9/"],
            "sse: listen: header \"no colon\" is not 'Name: value'\n",
        ),
        (
            &["--last-event-id", "a\nb", "http://127.0.0.1:9/"],
            "sse: listen: request not made: last event id has byte 0x0a at offset 1\n",
        ),
        (
            &["-d", "@/nonexistent/file", "http://127.0.0.1:9/"],
            "sse: listen: --data @/nonexistent/file: No such file or directory (os error 2)\n",
        ),
    ] {
        let (stdout, stderr, code) = listen(args);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            ("", message, Some(2)),
            "{args:?}"
        );
    }
    let (_, _, code) = listen(&["--idle-timeout", "-1", "http://127.0.0.1:9/"]);
    assert_eq!(code, Some(2));
}

#[test]
fn ctrl_c_ends_it_cleanly() {
    let (url, server) = serve(vec![(OPEN, Then::Hang)]);
    let mut child = spawn(&[&url]);
    // Wait for the open line, then interrupt.
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") && stdout.read(&mut byte).unwrap() == 1 {
        line.push(byte[0]);
    }
    assert_eq!(line, b"{\"type\":\"open\",\"status\":200}\n");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    server.join().unwrap();
}
