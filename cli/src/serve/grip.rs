//! `sse serve --grip URL`: GRIP mode for Pushpin. Requests that come
//! through Pushpin get a hold response (instructions and the replay), and a
//! forwarder posts every event of the topic to Pushpin's publish endpoint.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use sse_rt::grip::{grip_last, is_grip_request, Forwarder, GripError, Hold, Publisher};
use sse_rt::server::{
    query_param, resolve_last_event_id, Backplane, LastEventId, LAST_EVENT_ID_PARAM,
};
use sse_tokio::TokioRuntime;
use tokio::task::JoinHandle;

use super::routes::TOPIC;
use super::{say, Error};

/// The path of the stream: the hold's next link, where Pushpin recovers.
const EVENTS_PATH: &str = "/events";
/// How long one post to Pushpin may take.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the forwarder of the topic to the publish endpoint at `url`
/// (before anything is published, so that it forwards everything); the
/// hold to answer Pushpin's requests with, and the forwarder's task (it
/// ends once the log has shut down and everything is posted). With
/// `--redis`, every node forwards every event of the shared log: the items
/// are the same, and Pushpin keeps one of each.
pub(super) fn start<B: Backplane>(
    url: &str,
    log: &B,
    keepalive: Duration,
) -> Result<(Hold, JoinHandle<()>), Error> {
    let publisher = Publisher::new(url, sse_tokio::tcp_connector(), TokioRuntime, POST_TIMEOUT)
        .map_err(|e| Error::Usage(format!("--grip {url}: {}", crate::report(&e))))?;
    say(format_args!("grip: publishing to {}", publisher.url()));
    let forwarder = Forwarder::new(log.clone(), TOPIC, publisher, TokioRuntime)
        .on_error(|e| say(format_args!("{}", crate::report(e))));
    let task = tokio::spawn(forwarder.run());
    let hold = Hold::new(TOPIC)
        .keep_alive(keepalive)
        .next_link(EVENTS_PATH);
    Ok((hold, task))
}

/// The hold response to `request` when it came through Pushpin (`None`
/// otherwise): the events after Pushpin's `Grip-Last`, else after the
/// client's `Last-Event-ID` (header or `lastEventId` query), out of the log
/// (with `--redis`, from Redis when this node no longer holds them).
pub(super) async fn respond<B: Backplane, T>(
    hold: &Hold,
    log: &B,
    request: &Request<T>,
    target: &str,
) -> Option<Result<Response<Bytes>, GripError>> {
    if !is_grip_request(request.headers()) {
        return None;
    }
    let query = query_param(target, LAST_EVENT_ID_PARAM);
    let after = match grip_last(request.headers(), TOPIC) {
        Some(id) => LastEventId::Id(id),
        None => resolve_last_event_id(
            LastEventId::from_headers(request.headers()),
            query.as_deref(),
        ),
    };
    Some(hold.respond(log, after, request.version()).await)
}
