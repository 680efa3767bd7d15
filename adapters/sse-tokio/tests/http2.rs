//! `EventBody` under hyper's servers: HTTP/2 (h2c, prior knowledge) with 100
//! concurrent event streams over one connection, and the same handler over
//! HTTP/1.1, each read by hyper's client over real TCP on 127.0.0.1.

use std::future::{ready, Future, Ready};

use futures_lite::StreamExt;
use http::{Request, Response, Version};
use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper::service::Service;
use hyper_util::rt::{TokioExecutor, TokioIo};
use sse_tokio::server::{EventBody, Hub, HubConfig, LastEventId, SubscribeError, Subscription};
use sse_tokio::{DecodeBody, EventFrame, ItemOwned, TokioRuntime};
use tokio::net::{TcpListener, TcpStream};

mod common;

use common::block_on;

/// Concurrent streams on the one HTTP/2 connection.
const STREAMS: usize = 100;

/// The service both servers run: a hub subscription (resumed from
/// `Last-Event-ID`) as a response with the headers of the request's version.
struct Events(Hub);

impl Service<Request<Incoming>> for Events {
    type Response = Response<EventBody<Subscription>>;
    type Error = SubscribeError;
    type Future = Ready<Result<Self::Response, SubscribeError>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        ready(
            self.0
                .subscribe("t", LastEventId::from_headers(request.headers()))
                .map(|subscription| {
                    EventBody::new(subscription, TokioRuntime).into_response(request.version())
                }),
        )
    }
}

/// Binds 127.0.0.1:0 and serves exactly one connection with `serve`.
async fn one_connection<F, O>(
    serve: impl FnOnce(TokioIo<TcpStream>) -> F + Send + 'static,
) -> std::net::SocketAddr
where
    F: Future<Output = O> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        // No second accept: a client opening another connection would hang.
        drop(listener);
        serve(TokioIo::new(socket)).await;
    });
    addr
}

fn get(uri: &str) -> Request<Empty<Bytes>> {
    Request::get(uri).body(Empty::new()).expect("a request")
}

/// The events of a body, as `"type id data"`, until it ends.
async fn read_events(body: Incoming) -> Vec<String> {
    let mut items = DecodeBody::new(body);
    let mut events = Vec::new();
    while let Some(item) = items.next().await {
        if let ItemOwned::Event(e) = item.expect("a clean body") {
            events.push(format!("{} {} {}", e.event_type, e.last_event_id, e.data));
        }
    }
    events
}

/// Publishes `n` events (one multi-line, one named) and ends the topic's
/// streams; returns what each stream must have received.
fn publish_and_shut_down(hub: &Hub, n: usize) -> Vec<String> {
    let mut want = Vec::new();
    for i in 1..=n {
        let data = format!("event {i}\nsecond line");
        let frame = EventFrame::new(&data);
        let frame = if i % 2 == 0 {
            frame.with_event_type("even")
        } else {
            frame
        };
        hub.publish("t", frame).expect("publish");
        let kind = if i % 2 == 0 { "even" } else { "message" };
        want.push(format!("{kind} {i} {data}"));
    }
    hub.shutdown();
    want
}

fn header_names(response: &Response<Incoming>) -> Vec<&str> {
    response
        .headers()
        .keys()
        .map(|name| name.as_str())
        .collect()
}

fn assert_sse_headers(response: &Response<Incoming>) {
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
}

#[test]
fn one_http2_connection_carries_100_concurrent_streams() {
    let hub = Hub::new(HubConfig::new());
    block_on(async {
        let server_hub = hub.clone();
        let addr = one_connection(move |io| {
            hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .max_concurrent_streams(STREAMS as u32)
                .serve_connection(io, Events(server_hub))
        })
        .await;
        let socket = TcpStream::connect(addr).await.expect("connect");
        let (sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(socket))
                .await
                .expect("h2c handshake");
        tokio::spawn(connection);
        let requests: Vec<_> = (0..STREAMS)
            .map(|_| {
                let mut sender = sender.clone();
                tokio::spawn(
                    async move { sender.send_request(get("http://127.0.0.1/events")).await },
                )
            })
            .collect();
        let mut responses = Vec::new();
        for request in requests {
            responses.push(request.await.expect("task").expect("a response"));
        }
        // Every stream is open at once, on the one connection.
        assert_eq!(hub.metrics().subscribers, STREAMS);
        for response in &responses {
            assert_eq!(response.version(), Version::HTTP_2);
            assert_sse_headers(response);
            for forbidden in [
                "connection",
                "keep-alive",
                "transfer-encoding",
                "content-length",
            ] {
                assert!(
                    !response.headers().contains_key(forbidden),
                    "{forbidden} in {:?}",
                    header_names(response)
                );
            }
        }
        let want = publish_and_shut_down(&hub, 10);
        let readers: Vec<_> = responses
            .into_iter()
            .map(|response| tokio::spawn(read_events(response.into_body())))
            .collect();
        for reader in readers {
            assert_eq!(reader.await.expect("task"), want);
        }
    });
    assert_eq!(
        hub.metrics().subscribers,
        0,
        "every stream's subscription dropped"
    );
}

#[test]
fn the_same_handler_over_http1_sends_what_http1_needs() {
    let hub = Hub::new(HubConfig::new());
    block_on(async {
        let server_hub = hub.clone();
        let addr = one_connection(move |io| {
            hyper::server::conn::http1::Builder::new().serve_connection(io, Events(server_hub))
        })
        .await;
        let socket = TcpStream::connect(addr).await.expect("connect");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(socket))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        let response = sender
            .send_request(get("/events"))
            .await
            .expect("a response");
        assert_eq!(response.version(), Version::HTTP_11);
        assert_sse_headers(&response);
        let headers = response.headers();
        assert_eq!(headers["connection"], "keep-alive");
        assert_eq!(headers["transfer-encoding"], "chunked");
        let want = publish_and_shut_down(&hub, 3);
        assert_eq!(read_events(response.into_body()).await, want);
    });
}
