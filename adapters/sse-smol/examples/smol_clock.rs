//! A bare-socket event server on smol: no framework, just
//! [`sse_smol::serve_with`] on async-net's listener, a [`Hub`] and a ticker.
//!
//! - `GET /events`: a `tick` event every second (data: `{"n":…}`, IDs from
//!   the hub); a client that comes back with `Last-Event-ID` (or
//!   `?lastEventId=`) first gets the ticks it missed.
//! - `POST /publish`: the body (UTF-8 text, at most 64 KiB) becomes one
//!   event among the ticks; the answer is its ID.
//! - another method: 405; any other path: 404; a malformed or oversized
//!   request: 400 / 413 / 431 (from `serve_with` itself).
//!
//! ```text
//! cargo run -p sse-smol --example smol_clock
//! curl -N http://127.0.0.1:3002/events
//! curl -d 'hello' http://127.0.0.1:3002/publish
//! ```

use std::future::Future;
use std::time::Duration;

use http::{Method, StatusCode};
use sse_smol::server::{
    query_last_event_id, resolve_last_event_id, EventBody, Hub, HubConfig, LastEventId, Reply,
    Request, ServeConfig,
};
use sse_smol::{EventFrame, SmolRuntime};

/// The hub's one topic.
const TOPIC: &str = "clock";

/// The event type of the ticks.
pub(crate) const TICK: &str = "tick";

/// Serves `hub`'s ticks on `listener` until `shutdown` completes; returns
/// once every stream has ended (the ticker shuts the hub down when done).
pub(crate) async fn serve(
    listener: async_net::TcpListener,
    hub: Hub,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let handler = |request: Request| {
        let reply = route(&hub, &request);
        async move { reply }
    };
    sse_smol::serve_with(listener, ServeConfig::new(), handler, shutdown).await
}

/// The answer to one request.
fn route(hub: &Hub, request: &Request) -> Reply {
    match (request.uri().path(), request.method()) {
        ("/events", &Method::GET) => {}
        ("/events", _) => return Reply::method_not_allowed("GET"),
        ("/publish", &Method::POST) => return publish(hub, request.body()),
        ("/publish", _) => return Reply::method_not_allowed("POST"),
        _ => return Reply::status(StatusCode::NOT_FOUND),
    }
    let target = request.uri().path_and_query().map_or("", |p| p.as_str());
    let query = query_last_event_id(target);
    let header = LastEventId::from_headers(request.headers());
    match hub.subscribe(TOPIC, resolve_last_event_id(header, query.as_deref())) {
        Ok(subscription) => Reply::events(EventBody::new(subscription, SmolRuntime)),
        Err(e) => Reply::status(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::GONE)),
    }
}

/// `POST /publish`: the body as one event's data; answers its ID.
fn publish(hub: &Hub, body: &[u8]) -> Reply {
    let Ok(data) = std::str::from_utf8(body) else {
        return Reply::status(StatusCode::BAD_REQUEST);
    };
    match hub.publish(TOPIC, EventFrame::new(data)) {
        Ok(published) => Reply::Full(http::Response::new(published.id.to_string().into())),
        Err(_) => Reply::status(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// Publishes `ticks` ticks, one per `every`, then shuts the hub down (which
/// ends every stream).
pub(crate) async fn tick(hub: Hub, every: Duration, ticks: u64) {
    for n in 1..=ticks {
        async_io::Timer::after(every).await;
        let data = format!("{{\"n\":{n}}}");
        if hub
            .publish(TOPIC, EventFrame::new(&data).with_event_type(TICK))
            .is_err()
        {
            break; // shut down elsewhere
        }
    }
    hub.shutdown();
}

fn main() -> std::io::Result<()> {
    async_io::block_on(async {
        let listener = async_net::TcpListener::bind("127.0.0.1:3002").await?;
        eprintln!("ticking on http://{}/events", listener.local_addr()?);
        let hub = Hub::new(HubConfig::new());
        // The ticker is the shutdown signal: it runs on `serve`'s task, and
        // the server stops once it is done (here: never).
        serve(
            listener,
            hub.clone(),
            tick(hub, Duration::from_secs(1), u64::MAX),
        )
        .await
    })
}
