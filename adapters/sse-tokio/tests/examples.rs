//! The examples' servers, run over real TCP on 127.0.0.1 and read with this
//! crate's `EventSource`: each example's server function is compiled into
//! this test as it is (its `main` only binds a fixed port and calls it).

mod common;

#[path = "../examples/axum_hub.rs"]
#[expect(dead_code, reason = "the example's `main` is its own entry point")]
mod axum_hub;
#[path = "../examples/llm_tokens.rs"]
#[expect(dead_code, reason = "the example's `main` is its own entry point")]
mod llm_tokens;

use std::net::SocketAddr;
use std::time::Duration;

use futures_lite::StreamExt;
use sse_tokio::server::{Hub, HubConfig};
use sse_tokio::{EventOwned, EventSource, Item, Mode, Request, TokioRuntime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use common::block_on;

async fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    (listener, addr)
}

/// The next event, as `(type, id, data)`, skipping the other items.
async fn next_event(es: &mut EventSource) -> (String, String, String) {
    loop {
        match es.next().await.expect("the stream goes on") {
            Ok(Item::Event(EventOwned {
                event_type,
                data,
                last_event_id,
                ..
            })) => return (event_type, last_event_id, data),
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

/// Waits for the response head: the server has subscribed the client.
async fn opened(es: &mut EventSource) {
    match es.next().await.expect("an item") {
        Ok(Item::Open { status: 200, .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// `POST`s `body` to `path` over a plain connection; the response's status
/// line and body.
async fn post(addr: SocketAddr, path: &str, body: &str) -> (String, String) {
    let mut socket = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    socket.read_to_string(&mut response).await.expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("a head");
    let status = head.lines().next().unwrap_or_default().to_string();
    (status, body.to_string())
}

fn event(id: u32, data: &str) -> (String, String, String) {
    ("message".into(), id.to_string(), data.into())
}

#[test]
fn axum_hub_publishes_to_every_subscriber_and_resumes_by_header_and_query() {
    block_on(async {
        let (listener, addr) = listener().await;
        tokio::spawn(axum_hub::serve(listener, Hub::new(HubConfig::new())));
        let url = format!("http://{addr}/events");
        let mut live = sse_tokio::connect(&url).expect("a URL");
        opened(&mut live).await;
        for (i, data) in ["one", "two\nlines", "three"].iter().enumerate() {
            let (status, id) = post(addr, "/publish", data).await;
            assert_eq!(status, "HTTP/1.1 200 OK");
            assert_eq!(id, (i + 1).to_string());
        }
        assert_eq!(next_event(&mut live).await, event(1, "one"));
        assert_eq!(next_event(&mut live).await, event(2, "two\nlines"));
        assert_eq!(next_event(&mut live).await, event(3, "three"));

        // Back after event 1, by header (what an EventSource sends).
        let mut by_header = EventSource::builder(Request::get(url.as_str()).expect("a URL"))
            .last_event_id("1")
            .expect("a valid ID")
            .build(TokioRuntime, sse_tokio::tcp_connector());
        opened(&mut by_header).await;
        // Back after event 2, by query (for clients that cannot set headers).
        let mut by_query = sse_tokio::connect(&format!("{url}?lastEventId=2")).expect("a URL");
        opened(&mut by_query).await;
        post(addr, "/publish", "four").await;
        assert_eq!(next_event(&mut by_header).await, event(2, "two\nlines"));
        assert_eq!(next_event(&mut by_header).await, event(3, "three"));
        assert_eq!(next_event(&mut by_query).await, event(3, "three"));
        for es in [&mut by_header, &mut by_query, &mut live] {
            assert_eq!(
                next_event(es).await,
                event(4, "four"),
                "live after the replay"
            );
        }
    });
}

#[test]
fn llm_tokens_stream_every_token_then_done() {
    block_on(async {
        let (listener, addr) = listener().await;
        tokio::spawn(llm_tokens::serve(listener, Duration::from_millis(1)));
        let prompt = "tell me  a\nstory";
        let request = Request::post(format!("http://{addr}/chat"), prompt).expect("a URL");
        let mut es = EventSource::builder(request)
            .mode(Mode::OneShot)
            .build(TokioRuntime, sse_tokio::tcp_connector());
        let mut reply = String::new();
        let mut tokens = 0;
        let done = loop {
            let (event_type, _, data) = next_event(&mut es).await;
            if event_type == llm_tokens::DONE {
                break data;
            }
            assert_eq!(event_type, "message");
            reply.push_str(&data);
            tokens += 1;
        };
        assert_eq!(reply, "You said: tell me a story");
        assert_eq!(tokens, llm_tokens::reply_tokens(prompt).len());
        assert_eq!(done, format!("{{\"tokens\":{tokens}}}"));
    });
}
