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

/// The status line of the answer to `request`.
fn status_of(addr: SocketAddr, request: &str) -> String {
    let mut socket = TcpStream::connect(addr).expect("connect");
    socket.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    socket.read_to_string(&mut response).expect("read");
    response.lines().next().unwrap_or_default().to_string()
}

#[test]
fn smol_clock_streams_ticks_and_routes_the_rest() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let listener = async_net::TcpListener::try_from(listener).expect("an async listener");
    let hub = Hub::new(HubConfig::new());
    let server = thread::spawn({
        let hub = hub.clone();
        move || {
            // The ticker starts once a client listens, so that it sees
            // every tick; 5 ticks, then the hub and the server shut down.
            let ticking = hub.clone();
            let ticker = async move {
                while ticking.metrics().subscribers == 0 {
                    async_io::Timer::after(Duration::from_millis(1)).await;
                }
                smol_clock::tick(ticking, Duration::from_millis(2), 5).await;
            };
            async_io::block_on(smol_clock::serve(listener, hub, ticker))
        }
    });
    assert_eq!(
        status_of(addr, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        "HTTP/1.1 404 Not Found"
    );
    assert_eq!(
        status_of(addr, "DELETE /events HTTP/1.1\r\nConnection: close\r\n\r\n"),
        "HTTP/1.1 405 Method Not Allowed"
    );
    assert_eq!(
        status_of(addr, "garbage\r\n\r\n"),
        "HTTP/1.1 400 Bad Request"
    );

    let ticks = async_io::block_on(async {
        let mut es = sse_smol::connect(&format!("http://{addr}/events")).expect("a URL");
        let mut ticks = Vec::new();
        while ticks.len() < 5 {
            match es.next().await.expect("the stream goes on") {
                Ok(Item::Event(EventOwned {
                    event_type,
                    data,
                    last_event_id,
                    ..
                })) => ticks.push(format!("{event_type} {last_event_id} {data}")),
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
        ticks
    });
    let want: Vec<String> = (1..=5).map(|n| format!("tick {n} {{\"n\":{n}}}")).collect();
    assert_eq!(ticks, want);
    server.join().expect("server thread").expect("serve");
    assert!(
        TcpStream::connect(addr).is_err(),
        "the server stopped after the ticks"
    );
}
