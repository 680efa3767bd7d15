//! The servers the tool is run against, each serving `GET /events` (every
//! event carries an id) and `POST /publish[?event=NAME]` (the body becomes
//! one event's data; the answer is `{"id":"..."}`):
//!
//! - [`axum_broadcast`]: the usual Rust pattern, written as axum's docs and
//!   tutorials do: `Sse` over a `tokio::sync::broadcast` receiver through
//!   tokio-stream's `BroadcastStream`, lagged receivers skipping what they
//!   missed;
//! - [`axum_hub`]: our [`Hub`] behind axum, each subscription an
//!   [`EventBody`] (a full queue disconnects the subscriber, which resumes
//!   from the hub's history by `Last-Event-ID`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sse_tokio::server::{EventBody, Hub, HubConfig, LastEventId};
use sse_tokio::sse_proto::server::{response_headers, HttpVersion};
use sse_tokio::{EventFrame, TokioRuntime};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

/// A listening socket on `addr` with a listen backlog of `backlog` (tokio's
/// `TcpListener::bind` uses 128, which drops connections under a burst of
/// connects; the kernel caps it at `net.core.somaxconn`).
///
/// # Errors
///
/// When the socket cannot be made, bound or put to listen.
pub fn listener(addr: SocketAddr, backlog: u32) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

/// The `event` parameter of a query string, taken as is (event names in this
/// workload are plain words).
fn event_name(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("event="))
        .filter(|name| !name.is_empty())
}

fn id_answer(id: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"id\":\"{id}\"}}"),
    )
        .into_response()
}

/// One published event, as the broadcast channel carries it.
#[derive(Clone, Debug)]
struct Message {
    id: u64,
    event: Option<String>,
    data: String,
}

struct Broadcast {
    tx: broadcast::Sender<Message>,
    next_id: AtomicU64,
}

async fn broadcast_events(
    State(state): State<Arc<Broadcast>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(state.tx.subscribe())
        .filter_map(|message| message.ok())
        .map(|m| {
            let event = Event::default().id(m.id.to_string()).data(m.data);
            Ok(match m.event {
                Some(name) => event.event(name),
                None => event,
            })
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn broadcast_publish(
    State(state): State<Arc<Broadcast>>,
    RawQuery(query): RawQuery,
    data: String,
) -> Response {
    let id = state.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let event = event_name(query.as_deref()).map(str::to_owned);
    // No subscriber is not an error: the event is simply not delivered.
    let _ = state.tx.send(Message { id, event, data });
    id_answer(&id.to_string())
}

/// axum's `Sse` over a `tokio::sync::broadcast` channel of `capacity`
/// events.
pub fn axum_broadcast(capacity: usize) -> Router {
    let (tx, _) = broadcast::channel(capacity.max(1));
    let state = Arc::new(Broadcast {
        tx,
        next_id: AtomicU64::new(0),
    });
    Router::new()
        .route("/events", get(broadcast_events))
        .route("/publish", post(broadcast_publish))
        .with_state(state)
}

const TOPIC: &str = "events";

async fn hub_events(State(hub): State<Hub>, request: Request) -> Response {
    let headers = request.headers();
    let id = LastEventId::from_values(
        headers
            .get_all("last-event-id")
            .iter()
            .map(HeaderValue::as_bytes),
    );
    let subscription = match hub.subscribe(TOPIC, id) {
        Ok(subscription) => subscription,
        Err(e) => {
            return StatusCode::from_u16(e.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response()
        }
    };
    let version = match request.version() {
        axum::http::Version::HTTP_2 => HttpVersion::Http2,
        _ => HttpVersion::Http11,
    };
    let mut response = Response::new(Body::new(EventBody::new(subscription, TokioRuntime)));
    for &(name, value) in response_headers(version) {
        response.headers_mut().insert(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

async fn hub_publish(State(hub): State<Hub>, RawQuery(query): RawQuery, data: String) -> Response {
    let mut frame = EventFrame::new(&data);
    if let Some(name) = event_name(query.as_deref()) {
        frame = frame.with_event_type(name);
    }
    match hub.publish(TOPIC, frame) {
        Ok(published) => id_answer(&published.id),
        // The event name cannot hold CR or LF (it came from a URL), but a
        // refusal is the client's fault either way.
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

/// Our [`Hub`] behind axum, with per-subscriber queues of `capacity` frames
/// (the hub's other defaults: numbered ids, history for resume, a full queue
/// disconnects).
pub fn axum_hub(capacity: usize) -> Router {
    let hub = Hub::new(HubConfig::new().with_capacity(capacity.max(1)));
    Router::new()
        .route("/events", get(hub_events))
        .route("/publish", post(hub_publish))
        .with_state(hub)
}

/// Serves `router` on `listener` (HTTP/1.1, and HTTP/2 with prior
/// knowledge, on the same port) with `TCP_NODELAY` on every connection.
///
/// # Errors
///
/// When accepting fails for good.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        // Events are small writes: no Nagle delay. A failure only costs latency.
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names() {
        assert_eq!(event_name(Some("event=tick")), Some("tick"));
        assert_eq!(event_name(Some("a=1&event=tok")), Some("tok"));
        assert_eq!(event_name(Some("event=")), None);
        assert_eq!(event_name(None), None);
    }
}
