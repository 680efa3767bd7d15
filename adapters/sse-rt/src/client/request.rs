//! The request an event source sends, made afresh for every attempt.

use bytes::Bytes;
use sse_proto::client::Mode;
use sse_proto::http::Url;

use crate::error::BoxError;
use crate::Error;

/// The headers an event source writes itself, which [`Request::with_header`]
/// passes over: `Host` (from the URL), `Accept: text/event-stream` and
/// `Cache-Control: no-cache` (always, exactly once), `Last-Event-ID` (the
/// event source's, when non-empty), and the body's framing.
const RESERVED: [&str; 6] = [
    "host",
    "accept",
    "cache-control",
    "last-event-id",
    "content-length",
    "transfer-encoding",
];

/// One HTTP request of an [`EventSource`](crate::EventSource): URL, method,
/// headers and body.
///
/// A `Request` value is itself a [`MakeRequest`]: it is cloned for every
/// attempt (the body is a [`Bytes`], so the clone is cheap). Make one per
/// attempt with a closure instead when something changes between attempts (a
/// refreshed token).
///
/// Every request the event source writes carries `Host`, exactly one
/// `Accept: text/event-stream` and `Cache-Control: no-cache`, and
/// `Last-Event-ID` when the last event ID is non-empty; headers of those names
/// (and `Content-Length`, `Transfer-Encoding`) given here are passed over.
///
/// # Examples
///
/// ```
/// use sse_rt::Request;
///
/// let request = Request::post("http://127.0.0.1:8080/v1/chat", r#"{"stream":true}"#)?
///     .with_header("Authorization", "Bearer sk-test")
///     .with_header("Content-Type", "application/json")
///     .with_header("Accept", "*/*"); // passed over: always text/event-stream
/// assert_eq!(request.method(), "POST");
/// assert_eq!(request.headers().len(), 2);
/// assert_eq!(request.body(), Some(&br#"{"stream":true}"#[..]));
/// # Ok::<(), sse_rt::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Option<Bytes>,
}

impl Request {
    /// A `GET` of `url`.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] with an [`HttpError::InvalidUrl`](sse_proto::HttpError::InvalidUrl)
    /// source when `url` is not an absolute `http` or `https` URL
    /// ([`Url::parse`] says why).
    pub fn get(url: impl Into<String>) -> Result<Request, Error> {
        let url = url.into();
        if let Err(e) = Url::parse(&url) {
            return Err(Error::Request(Box::new(e)));
        }
        Ok(Request {
            url,
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
        })
    }

    /// A `POST` of `body` to `url` (what LLM APIs take).
    ///
    /// # Errors
    ///
    /// As [`Request::get`].
    pub fn post(url: impl Into<String>, body: impl Into<Bytes>) -> Result<Request, Error> {
        Ok(Request::get(url)?.with_method("POST").with_body(body))
    }

    /// The request with another method. A method that is not an HTTP token
    /// fails the attempt with [`Error::Request`].
    pub fn with_method(mut self, method: impl Into<String>) -> Request {
        self.method = method.into();
        self
    }

    /// The request with one more header, sent after the event source's own,
    /// in the order given. A header the event source writes itself (see
    /// [`Request`]) is passed over. A name that is not a token, or a value
    /// with CR, LF or NUL, fails the attempt with [`Error::Request`].
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        let name = name.into();
        if !RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
            self.headers.push((name, value.into()));
        }
        self
    }

    /// The request with a body, sent with `Content-Length`.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Request {
        self.body = Some(body.into());
        self
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The headers added with [`with_header`](Request::with_header), in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The body as `Bytes` (a cheap clone), for a transport.
    pub(crate) fn body_bytes(&self) -> Option<Bytes> {
        self.body.clone()
    }

    /// The request redirected to `url`: a 303, or a 301 or 302 of a `POST`,
    /// makes it a `GET` without a body (and without the headers that describe
    /// a body); a redirect to another origin drops the credentials
    /// (`Authorization`, `Proxy-Authorization`, `Cookie`), as browsers do.
    pub(crate) fn redirect(&mut self, url: String, becomes_get: bool) {
        let same_origin = match (Url::parse(&self.url), Url::parse(&url)) {
            (Ok(from), Ok(to)) => {
                from.is_https() == to.is_https()
                    && from.authority().eq_ignore_ascii_case(to.authority())
            }
            _ => false,
        };
        let drop = |name: &str, list: &[&str]| list.iter().any(|d| name.eq_ignore_ascii_case(d));
        if becomes_get {
            self.method = "GET".into();
            self.body = None;
            const BODY_HEADERS: [&str; 4] = [
                "content-type",
                "content-encoding",
                "content-language",
                "content-location",
            ];
            self.headers.retain(|(n, _)| !drop(n, &BODY_HEADERS));
        }
        if !same_origin {
            const CREDENTIALS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];
            self.headers.retain(|(n, _)| !drop(n, &CREDENTIALS));
        }
        self.url = url;
    }

    /// Writes the request head (and body) with `last_event_id`.
    pub(crate) fn encode(&self, last_event_id: &str, out: &mut Vec<u8>) -> Result<(), Error> {
        let url = Url::parse(&self.url).map_err(|e| Error::Request(Box::new(e)))?;
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let mut request = sse_proto::http::Request::get(url.authority(), url.target())
            .method(&self.method)
            .last_event_id(last_event_id)
            .headers(&headers);
        if let Some(body) = &self.body {
            request = request.body(body);
        }
        out.clear();
        request
            .encode_to_vec(out)
            .map(drop)
            .map_err(|e| Error::Request(Box::new(e)))
    }
}

/// What a [`MakeRequest`] is told about the attempt it makes a request for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// Failed attempts in a row before this one: 0 for the first request and
    /// after a healthy connection (the core's
    /// [`Connect::attempt`](sse_proto::client::Connect::attempt)).
    pub number: u32,
    /// The last event ID, which the event source sends as `Last-Event-ID`
    /// (when non-empty) whatever the request says.
    pub last_event_id: &'a str,
}

/// Makes the request of each attempt: for a token refreshed between
/// reconnects, a URL or body that depends on the last event ID.
///
/// Implemented for [`Request`] (a clone per attempt) and for closures
/// `FnMut(&Attempt<'_>) -> Result<Request, E>`. Called once per
/// [`Connect`](sse_proto::client::Action::Connect), not for the redirects
/// of one attempt, on the task that polls the event source: keep it quick
/// (read a token that another task refreshes).
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use sse_rt::{Attempt, MakeRequest, Request};
///
/// let token = Arc::new(RwLock::new(String::from("first")));
/// let mut requests = {
///     let token = token.clone();
///     move |_attempt: &Attempt<'_>| {
///         let token = token.read().map_err(|_| "token lock poisoned")?;
///         Request::get("http://127.0.0.1:8080/events")
///             .map(|r| r.with_header("Authorization", format!("Bearer {token}")))
///             .map_err(|e| e.to_string())
///     }
/// };
/// # let _ = &mut requests as &mut dyn MakeRequest;
/// ```
///
/// # Implementer notes
///
/// An error fails the attempt with [`Error::Request`], a transient error: a
/// replayable event source tries again after the reconnection time (within
/// its retry budget).
pub trait MakeRequest: Send + 'static {
    /// The request for `attempt`.
    ///
    /// # Errors
    ///
    /// When no request can be made now; the attempt fails.
    fn make_request(&mut self, attempt: &Attempt<'_>) -> Result<Request, BoxError>;

    /// The mode an event source takes when none is set: replayable, except
    /// that a [`Request`] with a body is one-shot (a `POST` is never re-sent
    /// unless asked for).
    fn default_mode(&self) -> Mode {
        Mode::Replayable
    }
}

impl MakeRequest for Request {
    fn make_request(&mut self, _attempt: &Attempt<'_>) -> Result<Request, BoxError> {
        Ok(self.clone())
    }

    fn default_mode(&self) -> Mode {
        if self.body.is_some() {
            Mode::OneShot
        } else {
            Mode::Replayable
        }
    }
}

impl<F, E> MakeRequest for F
where
    F: FnMut(&Attempt<'_>) -> Result<Request, E> + Send + 'static,
    E: Into<BoxError>,
{
    fn make_request(&mut self, attempt: &Attempt<'_>) -> Result<Request, BoxError> {
        self(attempt).map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(request: &Request, id: &str) -> String {
        let mut out = Vec::new();
        request.encode(id, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reserved_headers_are_written_once_by_the_event_source() {
        let request = Request::get("http://h:8080/s?x=1")
            .unwrap()
            .with_header("ACCEPT", "*/*")
            .with_header("cache-control", "max-age=0")
            .with_header("Last-Event-ID", "9")
            .with_header("Host", "evil")
            .with_header("Content-Length", "99")
            .with_header("Transfer-Encoding", "chunked")
            .with_header("X-Token", "t");
        assert_eq!(
            written(&request, ""),
            "GET /s?x=1 HTTP/1.1\r\nHost: h:8080\r\nAccept: text/event-stream\r\n\
             Cache-Control: no-cache\r\nX-Token: t\r\n\r\n"
        );
        assert_eq!(
            written(&request, "41"),
            "GET /s?x=1 HTTP/1.1\r\nHost: h:8080\r\nAccept: text/event-stream\r\n\
             Cache-Control: no-cache\r\nLast-Event-ID: 41\r\nX-Token: t\r\n\r\n"
        );
    }

    #[test]
    fn a_post_sends_its_body() {
        let request = Request::post("http://h/v1", "{}").unwrap();
        assert_eq!(request.default_mode(), Mode::OneShot);
        assert_eq!(
            Request::get("http://h/").unwrap().default_mode(),
            Mode::Replayable
        );
        assert!(written(&request, "").ends_with("Content-Length: 2\r\n\r\n{}"));
    }

    #[test]
    fn bad_urls_and_fields_are_request_errors() {
        for url in ["ftp://h/", "http://", "/relative", "http://h/a b"] {
            assert!(matches!(Request::get(url), Err(Error::Request(_))), "{url}");
        }
        let mut out = Vec::new();
        let bad = Request::get("http://h/")
            .unwrap()
            .with_header("X", "a\r\nInjected: 1");
        assert!(matches!(bad.encode("", &mut out), Err(Error::Request(_))));
        let bad = Request::get("http://h/").unwrap().with_method("GE T");
        assert!(matches!(bad.encode("", &mut out), Err(Error::Request(_))));
        let good = Request::get("http://h/").unwrap();
        assert!(matches!(
            good.encode("a\nb", &mut out),
            Err(Error::Request(_))
        ));
    }

    #[test]
    fn redirects_follow_the_fetch_rules() {
        let post = Request::post("http://a.example/v1", "{}")
            .unwrap()
            .with_header("Content-Type", "application/json")
            .with_header("Authorization", "Bearer k")
            .with_header("X-Keep", "1");
        // 307 to the same origin: everything stays.
        let mut same = post.clone();
        same.redirect("http://A.example/v2".into(), false);
        assert_eq!(
            (same.method(), same.body(), same.headers().len()),
            ("POST", Some(&b"{}"[..]), 3)
        );
        // 303 to another origin: a GET without body headers or credentials.
        let mut other = post.clone();
        other.redirect("http://b.example/v2".into(), true);
        assert_eq!((other.method(), other.body()), ("GET", None));
        assert_eq!(other.headers(), [("X-Keep".to_string(), "1".to_string())]);
        assert_eq!(other.url(), "http://b.example/v2");
        // Another scheme is another origin.
        let mut tls = post.clone();
        tls.redirect("https://a.example/v1".into(), false);
        assert_eq!(tls.headers().len(), 2);
    }

    #[test]
    fn closures_make_a_request_per_attempt() {
        let mut n = 0;
        let mut make = move |attempt: &Attempt<'_>| {
            n += 1;
            Request::get(format!("http://h/{n}?after={}", attempt.last_event_id))
        };
        assert_eq!(make.default_mode(), Mode::Replayable);
        let attempt = Attempt {
            number: 0,
            last_event_id: "7",
        };
        assert_eq!(
            make.make_request(&attempt).unwrap().url(),
            "http://h/1?after=7"
        );
        assert_eq!(
            make.make_request(&attempt).unwrap().url(),
            "http://h/2?after=7"
        );
        let mut failing = |_: &Attempt<'_>| Err::<Request, _>("no token yet");
        assert_eq!(
            failing.make_request(&attempt).unwrap_err().to_string(),
            "no token yet"
        );
    }
}
