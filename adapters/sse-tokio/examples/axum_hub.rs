//! An axum server streaming from a [`Hub`], with resume.
//!
//! - `GET /events`: every event published to the `news` topic; a client that
//!   comes back with `Last-Event-ID` (or `?lastEventId=` when it cannot set
//!   headers) first gets what it missed, from the hub's history, then the
//!   live events, with no gap and no duplicate. HTTP/1.1 and h2c alike: the
//!   headers follow the request's version.
//! - `POST /publish`: the body (UTF-8 text, lines allowed) becomes one event;
//!   the answer is its ID.
//!
//! ```text
//! cargo run -p sse-tokio --example axum_hub
//! curl -N http://127.0.0.1:3000/events
//! curl -d 'hello' http://127.0.0.1:3000/publish
//! curl -N -H 'Last-Event-ID: 1' http://127.0.0.1:3000/events
//! ```

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sse_tokio::server::{
    query_last_event_id, resolve_last_event_id, EventBody, Hub, HubConfig, LastEventId,
};
use sse_tokio::{EventFrame, TokioRuntime};

/// The hub's one topic.
const TOPIC: &str = "news";

/// The routes, on `hub`.
pub(crate) fn app(hub: Hub) -> Router {
    Router::new()
        .route("/events", get(events))
        .route("/publish", post(publish))
        .with_state(hub)
}

/// `GET /events`: a subscription (resumed after the client's last event ID)
/// as the response body.
async fn events(
    State(hub): State<Hub>,
    version: Version,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let target = uri.path_and_query().map_or("", |p| p.as_str());
    let query = query_last_event_id(target);
    let last = resolve_last_event_id(LastEventId::from_headers(&headers), query.as_deref());
    match hub.subscribe(TOPIC, last) {
        Ok(subscription) => EventBody::new(subscription, TokioRuntime)
            .into_response(version)
            .map(Body::new),
        // 204 for an ID the history cannot resume from (the default policy
        // sends everything held and a `gap` event instead), 503 after a
        // shutdown.
        Err(e) => StatusCode::from_u16(e.status())
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            .into_response(),
    }
}

/// `POST /publish`: the body as one event's data; answers its ID.
async fn publish(State(hub): State<Hub>, data: String) -> Response {
    match hub.publish(TOPIC, EventFrame::new(&data)) {
        Ok(published) => published.id.to_string().into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}

/// Serves [`app`] on `listener` until the process ends.
pub(crate) async fn serve(listener: tokio::net::TcpListener, hub: Hub) -> std::io::Result<()> {
    axum::serve(listener, app(hub)).await
}

fn main() -> std::io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
            eprintln!("streaming on http://{}/events", listener.local_addr()?);
            serve(listener, Hub::new(HubConfig::new())).await
        })
}
