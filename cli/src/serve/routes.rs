//! The three routes of `sse serve`: the page, the event stream, publishing.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use sse_rt::server::{
    query_param, resolve_last_event_id, EventBody, Hub, LastEventId, PublishError, Subscription,
    LAST_EVENT_ID_PARAM,
};
use sse_rt::EventFrame;
use sse_tokio::TokioRuntime;

/// The hub topic every route uses.
pub(super) const TOPIC: &str = "events";

/// The page at `/`: plain HTML and JS, no external resources.
const PAGE: &str = include_str!("page.html");

/// A response body: a small complete one, or an event stream.
pub(super) type Body = Either<Full<Bytes>, EventBody<Subscription>>;

/// What the routes share.
pub(super) struct State {
    pub(super) hub: Hub,
    /// Between keepalive comments on an idle stream (zero: none).
    pub(super) keepalive: Duration,
    pub(super) max_publish_bytes: usize,
    /// For the whole publish body.
    pub(super) body_timeout: Duration,
}

impl State {
    /// The response to `request`.
    pub(super) async fn handle(&self, request: Request<Incoming>) -> Response<Body> {
        let method = request.method();
        match request.uri().path() {
            "/" if method == Method::GET => page(),
            "/events" if method == Method::GET => self.events(&request),
            "/publish" if method == Method::POST => self.publish(request).await,
            "/" | "/events" => method_not_allowed("GET"),
            "/publish" => method_not_allowed("POST"),
            _ => text(StatusCode::NOT_FOUND, "not found: try / or /events\n"),
        }
    }

    /// `GET /events`: the hub's stream, resumed after the `Last-Event-ID`
    /// header or the `lastEventId` query parameter.
    fn events(&self, request: &Request<Incoming>) -> Response<Body> {
        let target = request.uri().path_and_query().map_or("", |t| t.as_str());
        let query = query_param(target, LAST_EVENT_ID_PARAM);
        let header = LastEventId::from_headers(request.headers());
        let last_event_id = resolve_last_event_id(header, query.as_deref());
        match self.hub.subscribe(TOPIC, last_event_id) {
            Ok(subscription) => EventBody::new(subscription, TokioRuntime)
                .keepalive(self.keepalive)
                .into_response(request.version())
                .map(Either::Right),
            Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, &format!("{e}\n")),
        }
    }

    /// `POST /publish[?event=NAME]`: the body, UTF-8, becomes the data of one
    /// event for every subscriber; answers its ID as JSON.
    async fn publish(&self, request: Request<Incoming>) -> Response<Body> {
        let target = request.uri().path_and_query().map_or("", |t| t.as_str());
        let event = match query_param(target, "event") {
            None => None,
            Some(name) => match String::from_utf8(name.into_owned()) {
                Ok(name) if !name.is_empty() => Some(name),
                Ok(_) => return bad_request("the event name is empty"),
                Err(_) => return bad_request("the event name is not UTF-8"),
            },
        };
        let max = self.max_publish_bytes;
        let body = request.into_body();
        if body.size_hint().lower() > max as u64 {
            return too_large(max);
        }
        let read = Limited::new(body, max).collect();
        let body = match tokio::time::timeout(self.body_timeout, read).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.is::<LengthLimitError>() => return too_large(max),
            Ok(Err(e)) => return bad_request(&format!("reading the body: {e}")),
            Err(_) => return text(StatusCode::REQUEST_TIMEOUT, "the body came too slowly\n"),
        };
        let Ok(data) = std::str::from_utf8(&body) else {
            return bad_request("the body is not UTF-8");
        };
        let mut frame = EventFrame::new(data);
        if let Some(event) = &event {
            frame = frame.with_event_type(event);
        }
        match self.hub.publish(TOPIC, frame) {
            Ok(published) => {
                let json = serde_json::json!({ "id": &*published.id }).to_string();
                let mut response = Response::new(full(json));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            // The encoder refused the event name (a CR or LF in it).
            Err(e @ PublishError::Refused(_)) => bad_request(&crate::report(&e)),
            Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, &format!("{e}\n")),
        }
    }
}

fn page() -> Response<Body> {
    let mut response = Response::new(full(PAGE));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn method_not_allowed(allow: &'static str) -> Response<Body> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

fn too_large(max: usize) -> Response<Body> {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the body is over {max} bytes\n"),
    )
}

fn bad_request(why: &str) -> Response<Body> {
    text(StatusCode::BAD_REQUEST, &format!("{why}\n"))
}

/// A `text/plain` answer.
fn text(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(full(message.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn full(body: impl Into<Bytes>) -> Body {
    Either::Left(Full::new(body.into()))
}
