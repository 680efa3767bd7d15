//! Publishing to Pushpin: the JSON items format, and a small HTTP/1.1 POST
//! client on a [`Connector`] that keeps its connection between posts.

use std::fmt::{self, Write as _};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use sse_proto::http::{
    parse_response, BodyDecoder, HttpLimits, Parsed, Request, Url, EMPTY_HEADER,
};

use super::GripError;
use crate::client::{Connector, Io};
use crate::server::{flush, write_all};
use crate::Runtime;

/// One item of Pushpin's publish format: an `http-stream` payload (the
/// encoded SSE frame, written to every stream held on the channel as it
/// is), with the ID chain Pushpin uses to keep order and find gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// The channel (the topic's name).
    pub channel: &'a str,
    /// The item's ID: the ID of the last event in `content`.
    pub id: &'a str,
    /// The ID of the item before it on the channel; `None` for the first.
    pub prev_id: Option<&'a str>,
    /// The bytes to write to each stream (UTF-8 SSE text).
    pub content: &'a str,
}

/// Appends the JSON body of a publish of `items` to `out`:
/// `{"items":[{"channel":..,"id":..,"prev-id":..,"formats":{"http-stream":{"content":..}}}]}`.
///
/// ```
/// use sse_rt::grip::{write_items, Item};
///
/// let item = Item { channel: "events", id: "2", prev_id: Some("1"), content: "id: 2\ndata: hi\n\n" };
/// let mut json = String::new();
/// write_items(&mut json, &[item]);
/// assert_eq!(
///     json,
///     r#"{"items":[{"channel":"events","id":"2","prev-id":"1","formats":{"http-stream":{"content":"id: 2\ndata: hi\n\n"}}}]}"#
/// );
/// ```
pub fn write_items(out: &mut String, items: &[Item<'_>]) {
    out.push_str(r#"{"items":["#);
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(r#"{"channel":"#);
        json_string(out, item.channel);
        out.push_str(r#","id":"#);
        json_string(out, item.id);
        if let Some(prev_id) = item.prev_id {
            out.push_str(r#","prev-id":"#);
            json_string(out, prev_id);
        }
        out.push_str(r#","formats":{"http-stream":{"content":"#);
        json_string(out, item.content);
        out.push_str("}}}");
    }
    out.push_str("]}");
}

/// `text` as a JSON string (RFC 8259 §7): quotes, backslashes and control
/// characters escaped, everything else as it is.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        out.push_str(&rest[..at]);
        // `at` is the start of an ASCII character.
        let c = rest.as_bytes()[at];
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            // Writing to a `String` cannot fail.
            _ => {
                let _ = write!(out, "\\u{c:04x}");
            }
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// The most header lines read in Pushpin's answer.
const MAX_HEADERS: usize = 32;
/// The largest answer body read (Pushpin answers `Published`).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// A client of Pushpin's publish endpoint (`http://127.0.0.1:5561/publish/`
/// by default): each [`post`](Publisher::post) is an HTTP/1.1 `POST` of a
/// JSON items body, answered `2xx` or it is an error. The connection is kept
/// for the next post when the answer allows it, and made again (through the
/// connector) after any failure.
pub struct Publisher {
    url: String,
    connector: Box<dyn Connector>,
    runtime: Arc<dyn Runtime>,
    timeout: Duration,
    io: Option<Box<dyn Io>>,
    request: Vec<u8>,
    answer: Vec<u8>,
}

impl Publisher {
    /// A publisher to `url` (Pushpin's `publish` endpoint; an `https` one
    /// needs a TLS connector) through `connector`, giving each post `timeout` on `runtime`'s clock.
    /// A URL without a path posts to `/publish/`.
    ///
    /// # Errors
    ///
    /// [`GripError::Url`] for a URL that is not `http[s]://host[:port][/path]`.
    pub fn new(
        url: &str,
        connector: impl Connector,
        runtime: impl Runtime,
        timeout: Duration,
    ) -> Result<Publisher, GripError> {
        let parsed = Url::parse(url).map_err(GripError::Url)?;
        let url = if parsed.target() == "/" {
            format!("{}/publish/", url.trim_end_matches('/'))
        } else {
            url.to_owned()
        };
        Ok(Publisher {
            url,
            connector: Box::new(connector),
            runtime: Arc::new(runtime),
            timeout,
            io: None,
            request: Vec::new(),
            answer: Vec::new(),
        })
    }

    /// The URL posted to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Posts `items` and waits for a `2xx` answer.
    ///
    /// # Errors
    ///
    /// [`GripError::Connect`], [`Io`](GripError::Io),
    /// [`Http`](GripError::Http), [`Status`](GripError::Status) or
    /// [`Timeout`](GripError::Timeout): the items may or may not have
    /// arrived. Posting them again is safe: Pushpin drops an item whose ID it
    /// has seen within its `id_cache_ttl`.
    pub async fn post(&mut self, items: &[Item<'_>]) -> Result<(), GripError> {
        let mut json = String::new();
        write_items(&mut json, items);
        let mut timer = self.runtime.new_timer(self.runtime.now() + self.timeout);
        let result = {
            let mut post = std::pin::pin!(Self::exchange(
                &self.url,
                &mut *self.connector,
                &mut self.io,
                &mut self.request,
                &mut self.answer,
                json.as_bytes(),
            ));
            let ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
            poll_fn(|cx| {
                if let Poll::Ready(result) = post.as_mut().poll(cx) {
                    return Poll::Ready(result);
                }
                timer
                    .as_mut()
                    .poll(cx)
                    .map(|()| Err(GripError::Timeout(ms)))
            })
            .await
        };
        if result.is_err() {
            // Whatever the connection holds now is of no use.
            self.io = None;
        }
        result
    }

    /// One request and its answer, on the kept connection or a new one;
    /// again on a new one when the kept one failed before an answer (Pushpin
    /// closed it while it was idle).
    async fn exchange(
        url: &str,
        connector: &mut dyn Connector,
        kept: &mut Option<Box<dyn Io>>,
        request: &mut Vec<u8>,
        answer: &mut Vec<u8>,
        body: &[u8],
    ) -> Result<(), GripError> {
        let reused = kept.is_some();
        match Self::attempt(url, connector, kept, request, answer, body).await {
            Err(GripError::Io(_) | GripError::Http(_)) if reused => {
                Self::attempt(url, connector, kept, request, answer, body).await
            }
            result => result,
        }
    }

    /// One request and its answer, on the kept connection or a new one.
    async fn attempt(
        url: &str,
        connector: &mut dyn Connector,
        kept: &mut Option<Box<dyn Io>>,
        request: &mut Vec<u8>,
        answer: &mut Vec<u8>,
        body: &[u8],
    ) -> Result<(), GripError> {
        // Checked in `new`.
        let url = Url::parse(url).map_err(GripError::Url)?;
        let mut io = match kept.take() {
            Some(io) => io,
            None => connector.connect(&url).await.map_err(GripError::Connect)?,
        };
        request.clear();
        let headers = [("Accept", "*/*"), ("Content-Type", "application/json")];
        Request::get(url.authority(), url.target())
            .method("POST")
            .headers(&headers)
            .body(body)
            .encode_to_vec(request)?;
        write_all(&mut io, request).await?;
        flush(&mut io).await?;
        let reusable = read_answer(&mut io, answer).await?;
        if reusable {
            *kept = Some(io);
        }
        Ok(())
    }
}

/// Reads one answer from `io` into `buf`; `Ok(true)` when it was a `2xx`
/// with its whole body read and the connection may carry the next request.
async fn read_answer(io: &mut Box<dyn Io>, buf: &mut Vec<u8>) -> Result<bool, GripError> {
    let limits = HttpLimits::default();
    buf.clear();
    let (status, framing, close, head_len) = loop {
        if read_more(io, buf).await? == 0 {
            return Err(GripError::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        let mut headers = [EMPTY_HEADER; MAX_HEADERS];
        if let Parsed::Complete(head) = parse_response(buf, &mut headers, &limits)? {
            if head.status < 200 {
                // An interim answer: drop it, the final one follows.
                let rest = buf.split_off(head.head_len);
                *buf = rest;
                continue;
            }
            let close = head
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case(b"close"))
                || head.version == 0;
            break (head.status, head.framing()?, close, head.head_len);
        }
    };
    let mut body = BodyDecoder::new(framing, limits);
    let mut at = head_len;
    let mut total = 0usize;
    loop {
        let step = body.decode(&buf[at..])?;
        at += step.consumed;
        total += step.data.len();
        if body.is_done() || total > MAX_ANSWER_BYTES {
            break;
        }
        if step.consumed == 0 || at == buf.len() {
            buf.drain(..at);
            at = 0;
            if read_more(io, buf).await? == 0 {
                break;
            }
        }
    }
    if !(200..300).contains(&status) {
        return Err(GripError::Status(status));
    }
    Ok(body.is_done() && !close && at == buf.len())
}

/// Reads what `io` has into the spare room of `buf`; the count (0 at end).
async fn read_more(io: &mut Box<dyn Io>, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let len = buf.len();
    buf.resize(len + 4096, 0);
    let n = poll_fn(|cx| Pin::new(&mut **io).poll_read(cx, &mut buf[len..])).await;
    buf.truncate(len + *n.as_ref().unwrap_or(&0));
    n
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .field("connected", &self.io.is_some())
            .finish_non_exhaustive()
    }
}
