//! The three routes of `sse serve`: the page, the event stream, publishing.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use sse_rt::server::{
    query_param, resolve_last_event_id, Backplane, EventBody, LastEventId, PublishError, Reply,
    SubscribeError, LAST_EVENT_ID_PARAM,
};
use sse_rt::EventFrame;
use sse_tokio::TokioRuntime;

/// The topic every route uses.
pub(super) const TOPIC: &str = "events";

/// The page at `/`: plain HTML and JS, no external resources.
const PAGE: &str = include_str!("page.html");

/// A response body: a small complete one, or an event stream.
pub(super) type Body<B> = Either<Full<Bytes>, EventBody<<B as Backplane>::Stream>>;

/// What the routes share: the log (the in-memory hub, or Redis for many
/// nodes) and the limits.
pub(super) struct State<B> {
    pub(super) log: B,
    /// Between keepalive comments on an idle stream (zero: none).
    pub(super) keepalive: Duration,
    pub(super) max_publish_bytes: usize,
    /// For the whole publish body.
    pub(super) body_timeout: Duration,
    /// `--grip`: the hold for requests through Pushpin.
    pub(super) grip: Option<sse_rt::grip::Hold>,
}

/// Where a request goes, by its method and path.
enum Route {
    Events,
    Publish,
    /// The page, a 404 or a 405: the same answer whatever the request.
    Fixed(Response<Bytes>),
}

/// The route of a request with `method` to `path`.
fn route(method: &Method, path: &str) -> Route {
    match path {
        "/" if method == Method::GET => Route::Fixed(page()),
        "/events" if method == Method::GET => Route::Events,
        "/publish" if method == Method::POST => Route::Publish,
        "/" | "/events" => Route::Fixed(method_not_allowed("GET")),
        "/publish" => Route::Fixed(method_not_allowed("POST")),
        _ => Route::Fixed(text(StatusCode::NOT_FOUND, "not found: try / or /events\n")),
    }
}

impl<B: Backplane> State<B> {
    /// The response to `request` (hyper: HTTP/2, and HTTP/1.1 over TLS).
    pub(super) async fn handle(&self, request: Request<Incoming>) -> Response<Body<B>> {
        match route(request.method(), request.uri().path()) {
            Route::Events => {
                if let Some(hold) = self.grip(&request).await {
                    return hold.map(full);
                }
                match self.events(&request).await {
                    Ok(body) => body.into_response(request.version()).map(Either::Right),
                    Err(e) => unavailable(&e).map(full),
                }
            }
            Route::Publish => self.publish(request).await.map(full),
            Route::Fixed(response) => response.map(full),
        }
    }

    /// The reply to `request` on our own HTTP/1.1 server (which has read
    /// the body already, within `max_publish_bytes`).
    pub(super) async fn reply(&self, request: &sse_rt::server::Request) -> Reply {
        match route(request.method(), request.uri().path()) {
            Route::Events => {
                if let Some(hold) = self.grip(request).await {
                    return Reply::Full(hold);
                }
                match self.events(request).await {
                    Ok(body) => Reply::events(body),
                    Err(e) => Reply::Full(unavailable(&e)),
                }
            }
            Route::Publish => {
                Reply::Full(self.publish_bytes(target(request), request.body()).await)
            }
            Route::Fixed(response) => Reply::Full(response),
        }
    }

    /// `GET /events` through Pushpin under `--grip`: the hold response,
    /// its replay out of the log (`None`: serve the stream itself).
    async fn grip<T>(&self, request: &Request<T>) -> Option<Response<Bytes>> {
        let hold = self.grip.as_ref()?;
        let response = super::grip::respond(hold, &self.log, request, target(request)).await?;
        Some(response.unwrap_or_else(|e| unavailable(&e)))
    }

    /// `GET /events`: the log's stream, resumed after the `Last-Event-ID`
    /// header or the `lastEventId` query parameter.
    async fn events<T>(
        &self,
        request: &Request<T>,
    ) -> Result<EventBody<B::Stream>, SubscribeError> {
        let query = query_param(target(request), LAST_EVENT_ID_PARAM);
        let header = LastEventId::from_headers(request.headers());
        let last_event_id = resolve_last_event_id(header, query.as_deref());
        let stream = self.log.subscribe(TOPIC, last_event_id).await?;
        Ok(EventBody::new(stream, TokioRuntime).keepalive(self.keepalive))
    }

    /// `POST /publish[?event=NAME]` on hyper: reads the body (within the
    /// size and time limits), then [`State::publish_bytes`].
    async fn publish(&self, request: Request<Incoming>) -> Response<Bytes> {
        if let Err(why) = event_name(target(&request)) {
            return bad_request(why);
        }
        let max = self.max_publish_bytes;
        let (parts, body) = request.into_parts();
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
        let target = parts.uri.path_and_query().map_or("", |t| t.as_str());
        self.publish_bytes(target, &body).await
    }

    /// `POST /publish[?event=NAME]` with its whole body: the body, UTF-8,
    /// becomes the data of one event for every subscriber; answers its ID
    /// as JSON.
    async fn publish_bytes(&self, target: &str, body: &[u8]) -> Response<Bytes> {
        let event = match event_name(target) {
            Ok(event) => event,
            Err(why) => return bad_request(why),
        };
        let Ok(data) = std::str::from_utf8(body) else {
            return bad_request("the body is not UTF-8");
        };
        let mut frame = EventFrame::new(data);
        if let Some(event) = &event {
            frame = frame.with_event_type(event);
        }
        match self.log.publish(TOPIC, frame).await {
            Ok(published) => {
                let json = serde_json::json!({ "id": &*published.id }).to_string();
                let mut response = Response::new(Bytes::from(json));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            // The encoder refused the event name (a CR or LF in it).
            Err(e @ PublishError::Refused(_)) => bad_request(&crate::report(&e)),
            Err(e) => unavailable(&e),
        }
    }
}

/// The request target (path and query).
fn target<B>(request: &Request<B>) -> &str {
    request.uri().path_and_query().map_or("", |t| t.as_str())
}

/// The `event` query parameter of a publish: none, or a non-empty UTF-8
/// name; else why not (a `400`).
fn event_name(target: &str) -> Result<Option<String>, &'static str> {
    match query_param(target, "event") {
        None => Ok(None),
        Some(name) => match String::from_utf8(name.into_owned()) {
            Ok(name) if !name.is_empty() => Ok(Some(name)),
            Ok(_) => Err("the event name is empty"),
            Err(_) => Err("the event name is not UTF-8"),
        },
    }
}

/// `503` with the log's reason (it is shutting down, or Redis is down).
fn unavailable(why: &dyn std::error::Error) -> Response<Bytes> {
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("{}\n", crate::report(why)),
    )
}

fn page() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(PAGE.as_bytes()));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn method_not_allowed(allow: &'static str) -> Response<Bytes> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

fn too_large(max: usize) -> Response<Bytes> {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the body is over {max} bytes\n"),
    )
}

fn bad_request(why: &str) -> Response<Bytes> {
    text(StatusCode::BAD_REQUEST, &format!("{why}\n"))
}

/// A `text/plain` answer.
fn text(status: StatusCode, message: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(message.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn full<S>(body: Bytes) -> Either<Full<Bytes>, EventBody<S>> {
    Either::Left(Full::new(body))
}
