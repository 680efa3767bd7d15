//! The reqwest transport against a scripted HTTP/1.1 server on 127.0.0.1:
//! reqwest moves the bytes, the event source decides.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_lite::StreamExt;
use sse_reqwest::{BuildReqwest, Error, ErrorKind, EventSource, FailReason, Item, Mode, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one connection.
#[derive(Clone, Debug)]
enum Reply {
    /// Write these pieces (a short pause between them), then close.
    Write(Vec<String>),
    /// Write the head, then nothing until the client goes away.
    Stall(String),
}

const OPEN: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
const CHUNKED: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

fn chunk(data: &str) -> String {
    format!("{:x}\r\n{data}\r\n", data.len())
}

/// A server playing `replies`, one connection each (then refusing), and
/// recording each request (head and body) as text.
async fn server(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        for reply in replies {
            let (mut io, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // The head, then a `Content-Length` body.
            loop {
                let n = io.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some(at) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length: ")
                                .map(str::to_owned)
                        })
                        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                    if request.len() >= at + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            record
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request).into_owned());
            match reply {
                Reply::Write(pieces) => {
                    for piece in pieces {
                        if io.write_all(piece.as_bytes()).await.is_err() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                Reply::Stall(head) => {
                    io.write_all(head.as_bytes()).await.unwrap();
                    let _ = io.read(&mut buf).await;
                }
            }
        }
    });
    (url, seen)
}

fn show(item: &Result<Item, Error>) -> String {
    match item {
        Ok(Item::Open { status, .. }) => format!("open {status}"),
        Ok(Item::Event(e)) => format!("event {} {}", e.data, e.last_event_id),
        Ok(Item::Comment(c)) => format!("comment{c}"),
        Ok(Item::Retry(d)) => format!("retry {}", d.as_millis()),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("error {:?}", e.kind()),
    }
}

async fn collect(es: &mut EventSource) -> Vec<String> {
    let mut items = Vec::new();
    while let Some(item) = es.next().await {
        items.push(show(&item));
    }
    items
}

fn count(text: &str, needle: &str) -> usize {
    text.to_ascii_lowercase()
        .matches(&needle.to_ascii_lowercase())
        .count()
}

#[tokio::test]
async fn events_reconnect_with_last_event_id_then_204_stops() {
    let (url, seen) = server(vec![
        Reply::Write(vec![
            CHUNKED.into(),
            chunk("retry: 10\n: hi\n\nid: 1\nevent: greet\nda"),
            chunk("ta: a\n\nid: 2\ndata: cut"),
            // No last chunk: a truncated body.
        ]),
        Reply::Write(vec![OPEN.into(), "data: b\n\n".into()]),
        Reply::Write(vec!["HTTP/1.1 204 No Content\r\n\r\n".into()]),
    ])
    .await;
    let request = Request::get(format!("{url}/events"))
        .unwrap()
        .with_header("Authorization", "Bearer t");
    let mut es = EventSource::builder(request).build_reqwest(sse_reqwest::client().unwrap());
    assert_eq!(
        collect(&mut es).await,
        [
            "open 200",
            "retry 10",
            "comment hi",
            "event a 1",
            "error Io",
            "open 200",
            "event b 1",
            "error Ended",
        ]
    );
    let Some(Error::Status(refused)) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(refused.reason, FailReason::NoContent);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    for request in seen.iter() {
        assert!(request.starts_with("GET /events HTTP/1.1\r\n"), "{request}");
        assert_eq!(
            count(request, "\r\naccept: text/event-stream\r\n"),
            1,
            "{request}"
        );
        assert_eq!(count(request, "\r\naccept:"), 1, "{request}");
        assert_eq!(
            count(request, "\r\ncache-control: no-cache\r\n"),
            1,
            "{request}"
        );
        assert_eq!(
            count(request, "\r\nauthorization: bearer t\r\n"),
            1,
            "{request}"
        );
    }
    assert_eq!(count(&seen[0], "last-event-id"), 0);
    assert_eq!(count(&seen[1], "\r\nlast-event-id: 1\r\n"), 1);
}

#[tokio::test]
async fn a_one_shot_post_is_sent_once_a_replayable_one_every_time() {
    let cut = || Reply::Write(vec![OPEN.into(), "data: x\n\ndata: cut".into()]);
    let (url, seen) = server(vec![cut(), cut()]).await;
    let request = Request::post(format!("{url}/v1/chat"), r#"{"stream":true}"#)
        .unwrap()
        .with_header("Content-Type", "application/json");
    let mut es =
        EventSource::builder(request.clone()).build_reqwest(sse_reqwest::client().unwrap());
    assert_eq!(collect(&mut es).await, ["open 200", "event x "]);
    assert!(matches!(
        es.fail_reason(),
        Some(Error::Failed {
            reason: FailReason::Interrupted,
            ..
        })
    ));
    assert_eq!(seen.lock().unwrap().len(), 1);
    let first = seen.lock().unwrap()[0].clone();
    assert!(first.starts_with("POST /v1/chat HTTP/1.1\r\n"), "{first}");
    assert!(first.ends_with("\r\n\r\n{\"stream\":true}"), "{first}");

    // Replayable: sent again, with its body, until the budget is spent.
    let (url, seen) = server(vec![cut(), cut()]).await;
    let request = Request::post(format!("{url}/v1/chat"), "{}").unwrap();
    let mut es = EventSource::builder(request)
        .mode(Mode::Replayable)
        .reconnect_time(Duration::ZERO)
        .retry_budget(Some(1))
        .build_reqwest(sse_reqwest::client().unwrap());
    collect(&mut es).await;
    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 2);
    assert!(seen[1].starts_with("POST /v1/chat HTTP/1.1\r\n") && seen[1].ends_with("{}"));
}

#[tokio::test]
async fn redirects_are_the_event_source_and_refusals_keep_their_body() {
    let (target, _seen) = server(vec![Reply::Write(vec![
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n".into(),
        "{\"error\":\"busy\"}\n".into(),
    ])])
    .await;
    let (url, seen) = server(vec![Reply::Write(vec![format!(
        "HTTP/1.1 303 See Other\r\nLocation: {target}/final\r\nContent-Length: 0\r\n\r\n"
    )])])
    .await;
    let request = Request::post(format!("{url}/start"), "{}")
        .unwrap()
        .with_header("Authorization", "Bearer t");
    let mut es = EventSource::builder(request).build_reqwest(sse_reqwest::client().unwrap());
    assert!(collect(&mut es).await.is_empty());
    assert_eq!(seen.lock().unwrap().len(), 1);
    let Some(Error::Status(refused)) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(refused.status, 503);
    assert_eq!(refused.body, b"{\"error\":\"busy\"}\n");
    assert_eq!(es.fail_reason().unwrap().kind(), ErrorKind::Status);
}

#[tokio::test]
async fn the_idle_timeout_runs_on_tokio_timers_and_reconnects() {
    let (url, seen) = server(vec![
        Reply::Stall(format!("{OPEN}data: a\n\n")),
        Reply::Write(vec!["HTTP/1.1 204 No Content\r\n\r\n".into()]),
    ])
    .await;
    let mut es = EventSource::builder(Request::get(&url).unwrap())
        .idle_timeout(Some(Duration::from_millis(100)))
        .reconnect_time(Duration::ZERO)
        .build_reqwest(sse_reqwest::client().unwrap());
    assert_eq!(
        collect(&mut es).await,
        ["open 200", "event a ", "error Timeout"]
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn connection_refused_is_transient_and_https_needs_no_connector() {
    // A port with nothing behind it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let mut es = EventSource::builder(Request::get(&url).unwrap())
        .reconnect_time(Duration::ZERO)
        .retry_budget(Some(2))
        .build_reqwest(sse_reqwest::client().unwrap());
    assert_eq!(collect(&mut es).await, ["error Connect"]);
    let Some(Error::Failed { reason, cause }) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(*reason, FailReason::RetryBudget { retries: 2 });
    assert_eq!(cause.as_ref().unwrap().kind(), ErrorKind::Connect);
    assert!(sse_reqwest::connect("ftp://x/").is_err());
    assert!(sse_reqwest::connect("https://127.0.0.1:1/").is_ok());
}

#[tokio::test]
async fn http2_with_prior_knowledge() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (io, _) = listener.accept().await.unwrap();
        let mut conn = h2::server::handshake(io).await.unwrap();
        let (request, mut respond) = conn.accept().await.unwrap().unwrap();
        let headers = request.headers().clone();
        tokio::spawn(async move { while conn.accept().await.is_some() {} });
        let response = http::Response::builder()
            .header("content-type", "text/event-stream")
            .body(())
            .unwrap();
        let mut body = respond.send_response(response, false).unwrap();
        body.send_data(bytes::Bytes::from_static(b"id: 1\ndata: over h2\n\n"), true)
            .unwrap();
        (request.version(), headers)
    });
    let client = sse_reqwest::client_builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let mut es = EventSource::builder(Request::get(url).unwrap())
        .mode(Mode::OneShot)
        .build_reqwest(client);
    assert_eq!(collect(&mut es).await, ["open 200", "event over h2 1"]);
    assert!(es.fail_reason().is_none(), "{:?}", es.fail_reason());
    let (version, headers) = server.await.unwrap();
    assert_eq!(version, http::Version::HTTP_2);
    assert_eq!(headers.get_all("accept").iter().count(), 1);
    assert_eq!(headers["accept"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
}
