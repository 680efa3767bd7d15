//! The origin's side of a request that came through Pushpin: how to tell,
//! where it resumes, and the hold response with its replay.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Response, Version};
use sse_proto::server::{insert_response_headers, LastEventId};

use super::GripError;
use crate::server::{Backplane, BackplaneStream};

/// The header Pushpin signs every request it forwards with (a JWT).
pub const GRIP_SIG: HeaderName = HeaderName::from_static("grip-sig");
/// The header of a request Pushpin makes to recover a stream (a next link):
/// `Grip-Last: <channel>; last-id=<id>`, the last ID it delivered.
pub const GRIP_LAST: HeaderName = HeaderName::from_static("grip-last");

const GRIP_HOLD: HeaderName = HeaderName::from_static("grip-hold");
const GRIP_CHANNEL: HeaderName = HeaderName::from_static("grip-channel");
const GRIP_KEEP_ALIVE: HeaderName = HeaderName::from_static("grip-keep-alive");
const GRIP_LINK: HeaderName = HeaderName::from_static("grip-link");

/// The keepalive Pushpin sends on an idle stream: an SSE comment line, in
/// the `cstring` format of `Grip-Keep-Alive` (a backslash escape per LF).
const KEEP_ALIVE_CSTRING: &str = ":\\n\\n";

/// The most bytes of replay a hold response carries; a longer replay is cut
/// at a frame boundary (the `prev-id` says where, and Pushpin fetches the
/// rest through the next link).
const MAX_REPLAY_BYTES: usize = 1 << 20;

/// Whether `headers` are those of a request Pushpin forwarded: it signs
/// every one with `Grip-Sig`, and its recovery requests carry `Grip-Last`.
///
/// The signature is not verified: keep the origin reachable only from
/// Pushpin (bind it to a private address), or a client could ask for a hold
/// response itself (it would get a short, complete response, nothing more).
///
/// ```
/// use http::HeaderMap;
/// use sse_rt::grip::is_grip_request;
///
/// let mut headers = HeaderMap::new();
/// assert!(!is_grip_request(&headers));
/// headers.insert("grip-sig", "eyJ...".parse().unwrap());
/// assert!(is_grip_request(&headers));
/// ```
pub fn is_grip_request(headers: &HeaderMap) -> bool {
    headers.contains_key(GRIP_SIG) || headers.contains_key(GRIP_LAST)
}

/// The `last-id` of `channel` in the request's `Grip-Last` headers (one per
/// channel, or several in one value separated by commas), if any. Pushpin
/// sends it when it recovers a stream: resume after it, ahead of any
/// `Last-Event-ID` the client's original request had.
///
/// ```
/// use http::HeaderMap;
/// use sse_rt::grip::grip_last;
///
/// let mut headers = HeaderMap::new();
/// headers.append("grip-last", "other; last-id=9".parse().unwrap());
/// headers.append("grip-last", "events; last-id=41".parse().unwrap());
/// assert_eq!(grip_last(&headers, "events"), Some("41"));
/// assert_eq!(grip_last(&headers, "none"), None);
/// ```
pub fn grip_last<'h>(headers: &'h HeaderMap, channel: &str) -> Option<&'h str> {
    headers
        .get_all(GRIP_LAST)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|entry| {
            let mut parts = entry.split(';');
            if parts.next()?.trim() != channel {
                return None;
            }
            parts.find_map(|param| {
                let (name, value) = param.split_once('=')?;
                (name.trim() == "last-id").then(|| unquote(value.trim()))
            })
        })
}

/// A parameter value without its double quotes, if it has them.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// The GRIP instructions of a stream hold: which channel, where the replay
/// ended, what to send on an idle stream, where to recover.
///
/// The channel is a topic's name; the forwarder
/// ([`Forwarder`](super::Forwarder)) publishes that topic to the channel of
/// the same name.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sse_rt::grip::Hold;
///
/// let hold = Hold::new("events").keep_alive(Duration::from_secs(15)).next_link("/events");
/// let headers = hold.headers(Some("41"))?;
/// assert_eq!(headers["grip-hold"], "stream");
/// assert_eq!(headers["grip-channel"], "events; prev-id=41");
/// assert_eq!(headers["grip-keep-alive"], ":\\n\\n; format=cstring; timeout=15");
/// assert_eq!(headers["grip-link"], "</events>; rel=next");
/// # Ok::<(), sse_rt::grip::GripError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    channel: String,
    keep_alive: Option<Duration>,
    next_link: Option<String>,
}

impl Hold {
    /// A hold on `channel` (a topic name), with no keepalive and no next
    /// link yet.
    pub fn new(channel: &str) -> Hold {
        Hold {
            channel: channel.to_owned(),
            keep_alive: None,
            next_link: None,
        }
    }

    /// Pushpin sends an SSE comment on a stream idle for `interval` (whole
    /// seconds, rounded up; zero: none).
    #[must_use]
    pub fn keep_alive(mut self, interval: Duration) -> Hold {
        self.keep_alive = (!interval.is_zero()).then_some(interval);
        self
    }

    /// Where Pushpin asks (a `GET` with [`GRIP_LAST`]) when it finds an event
    /// missing (an item's `prev-id` is not the last ID it delivered), and
    /// every two minutes on a quiet channel: the path of the stream route.
    /// Needed with a `prev-id`: Pushpin refuses a hold that has one without
    /// a next link.
    #[must_use]
    pub fn next_link(mut self, path: &str) -> Hold {
        self.next_link = Some(path.to_owned());
        self
    }

    /// The channel.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The GRIP headers: `Grip-Hold: stream`, `Grip-Channel` (with
    /// `prev-id` when given: the ID of the last event the response carries,
    /// or the channel's last event when it carries none), `Grip-Keep-Alive`
    /// when set, and `Grip-Link` when set and there is a `prev-id` (with
    /// none, Pushpin would ask the next link without `Grip-Last`, and the
    /// answer could not tell what the client has; without it, Pushpin passes
    /// every item on in order).
    ///
    /// # Errors
    ///
    /// [`GripError::InvalidValue`] when the channel, the ID or the link
    /// holds a byte that would break the header's parameters (a control
    /// byte, a space, `;`, `,`, `"`, or `<`/`>` in the link), or the
    /// channel is empty.
    pub fn headers(&self, prev_id: Option<&str>) -> Result<HeaderMap, GripError> {
        let mut headers = HeaderMap::new();
        headers.insert(GRIP_HOLD, HeaderValue::from_static("stream"));
        let mut channel = checked("channel", &self.channel)?.to_owned();
        if let Some(id) = prev_id {
            channel = format!("{channel}; prev-id={}", checked("prev-id", id)?);
        }
        headers.insert(GRIP_CHANNEL, value(&channel)?);
        if let Some(interval) = self.keep_alive {
            let secs = interval.as_secs() + u64::from(interval.subsec_nanos() > 0);
            let keep_alive = format!("{KEEP_ALIVE_CSTRING}; format=cstring; timeout={secs}");
            headers.insert(GRIP_KEEP_ALIVE, value(&keep_alive)?);
        }
        if let Some(link) = &self.next_link {
            let link = checked("next link", link)?;
            if link.contains(['<', '>']) {
                return Err(GripError::InvalidValue { what: "next link" });
            }
            // Only with a prev-id: Pushpin asks the next link with
            // `Grip-Last` only for a channel that has one, and an answer to a
            // request without it cannot tell what the client has seen (an
            // item in flight would be lost).
            if prev_id.is_some() {
                headers.insert(GRIP_LINK, value(&format!("<{link}>; rel=next"))?);
            }
        }
        Ok(headers)
    }

    /// The hold response to a request through Pushpin for the topic named
    /// like the channel: a `200` with the event-stream headers of `version`
    /// and [`headers`](Hold::headers), whose body is the replay of the
    /// events after `after` out of `log` (none for [`LastEventId::Absent`];
    /// the log's [`GapPolicy`](crate::server::GapPolicy) for an ID it cannot
    /// resume from), and whose `prev-id` is the last event in that body, or
    /// where the log's stream started when the body has none (the topic's
    /// last event): Pushpin then passes on exactly the items that follow it.
    ///
    /// `log` is any [`Backplane`]: the node's [`Hub`](crate::server::Hub),
    /// or a shared log (`sse-redis`), so that a client resumes on any node
    /// from an ID older than what this node holds. The replay is what the
    /// subscription has ready when it resolves (the backplane contract says
    /// that is the whole replay); the hold waits for nothing else.
    ///
    /// Take `after` from [`grip_last`] first, then the `Last-Event-ID`
    /// header or the `lastEventId` query (as for a direct client). The
    /// replay is cut after about 1 MiB at an event boundary; Pushpin fetches
    /// the rest through the next link.
    ///
    /// # Errors
    ///
    /// [`GripError::Subscribe`] as [`Backplane::subscribe`] fails (shut
    /// down, the log unreachable, or the gap under
    /// [`GapPolicy::Refuse`](crate::server::GapPolicy::Refuse)), and
    /// [`GripError::InvalidValue`] when [`headers`](Hold::headers) refuses a value.
    pub async fn respond<B: Backplane>(
        &self,
        log: &B,
        after: LastEventId<'_>,
        version: Version,
    ) -> Result<Response<Bytes>, GripError> {
        let stream = log.subscribe(&self.channel, after).await?;
        let (body, prev_id) = drain(stream);
        let headers = self.headers(prev_id.as_deref())?;
        let mut response = Response::new(body);
        let map = response.headers_mut();
        insert_response_headers(map, version);
        map.extend(headers);
        Ok(response)
    }
}

/// What `stream` holds at once (its replay, maybe a live event or two), up
/// to [`MAX_REPLAY_BYTES`], and the ID of the last event in it (or where
/// the stream started when it holds none).
fn drain<S: BackplaneStream>(mut stream: S) -> (Bytes, Option<String>) {
    let mut body = BytesMut::new();
    let mut cx = Context::from_waker(Waker::noop());
    while body.len() < MAX_REPLAY_BYTES {
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(Some(frame)) => body.extend_from_slice(frame.as_bytes()),
            Poll::Ready(None) | Poll::Pending => break,
        }
    }
    let prev_id = stream.last_event_id().map(str::to_owned);
    (body.freeze(), prev_id)
}

/// `text` when it can stand in a header parameter unquoted.
fn checked<'a>(what: &'static str, text: &'a str) -> Result<&'a str, GripError> {
    let bad = |b: u8| !b.is_ascii_graphic() || matches!(b, b';' | b',' | b'"');
    if text.is_empty() || text.bytes().any(bad) {
        return Err(GripError::InvalidValue { what });
    }
    Ok(text)
}

fn value(text: &str) -> Result<HeaderValue, GripError> {
    // `checked` let only visible ASCII through.
    HeaderValue::from_str(text).map_err(|_| GripError::InvalidValue { what: "header" })
}
