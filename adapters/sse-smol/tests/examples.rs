//! The `smol_clock` example's server over real TCP on 127.0.0.1, read with
//! this crate's `EventSource` and a plain socket (the example's `main` only
//! binds a fixed port and calls the same functions).

#[path = "../examples/smol_clock.rs"]
#[expect(dead_code, reason = "the example's `main` is its own entry point")]
mod smol_clock;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use futures_lite::StreamExt;
use sse_smol::server::{Hub, HubConfig};
use sse_smol::{EventOwned, Item};

/// The status line of the answer to `request`, and its body.
fn answer(addr: SocketAddr, request: &str) -> (String, String) {
    let mut socket = TcpStream::connect(addr).expect("connect");
    socket.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    socket.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("a head");
    let status = head.lines().next().unwrap_or_default().to_string();
    (status, body.to_string())
}

fn status_of(addr: SocketAddr, request: &str) -> String {
    answer(addr, request).0
}

#[test]
fn smol_clock_streams_ticks_takes_posts_and_routes_the_rest() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let listener = async_net::TcpListener::try_from(listener).expect("an async listener");
    let hub = Hub::new(HubConfig::new());
    let server = thread::spawn({
        let hub = hub.clone();
        move || {
            // The ticker starts once the client listens and has published,
            // so that the events come in a known order; 5 ticks, then the
            // hub and the server shut down.
            let ticking = hub.clone();
            let ticker = async move {
                while ticking.metrics().published == 0 {
                    async_io::Timer::after(Duration::from_millis(1)).await;
                }
                smol_clock::tick(ticking, Duration::from_millis(2), 5).await;
            };
            async_io::block_on(smol_clock::serve(listener, hub, ticker))
        }
    });
    let close = "Connection: close\r\n\r\n";
    assert_eq!(
        status_of(addr, &format!("GET / HTTP/1.1\r\n{close}")),
        "HTTP/1.1 404 Not Found"
    );
    assert_eq!(
        status_of(addr, &format!("DELETE /events HTTP/1.1\r\n{close}")),
        "HTTP/1.1 405 Method Not Allowed"
    );
    assert_eq!(
        status_of(addr, "garbage\r\n\r\n"),
        "HTTP/1.1 400 Bad Request"
    );

    let events = async_io::block_on(async {
        let mut es = sse_smol::connect(&format!("http://{addr}/events")).expect("a URL");
        let mut events = Vec::new();
        while events.len() < 6 {
            match es.next().await.expect("the stream goes on") {
                Ok(Item::Open { .. }) => {
                    // Subscribed: a POST to the same server, before the ticks.
                    let post = format!(
                        "POST /publish HTTP/1.1\r\nContent-Length: 14\r\n{close}hello\nthere \u{e9}"
                    );
                    assert_eq!(answer(addr, &post), ("HTTP/1.1 200 OK".into(), "1".into()));
                }
                Ok(Item::Event(EventOwned {
                    event_type,
                    data,
                    last_event_id,
                    ..
                })) => events.push(format!("{event_type} {last_event_id} {data}")),
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
        events
    });
    let mut want = vec!["message 1 hello\nthere \u{e9}".to_string()];
    want.extend((1..=5).map(|n| format!("tick {} {{\"n\":{n}}}", n + 1)));
    assert_eq!(events, want);
    server.join().expect("server thread").expect("serve");
    assert!(
        TcpStream::connect(addr).is_err(),
        "the server stopped after the ticks"
    );
}
