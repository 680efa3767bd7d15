//! Transports: an HTTP client (reqwest, hyper...) doing the whole exchange of
//! an attempt, while the event source keeps every decision.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::Request;
use crate::error::BoxError;

/// A response in progress, from [`Transport::send`].
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<TransportResponse, BoxError>> + Send>>;

/// A response body: its bytes as they arrive, de-framed, or the transport's
/// error.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// Sends the request of an [`EventSource`](crate::EventSource) attempt with an
/// HTTP client of your choice and hands back the response: the seam for
/// HTTPS, proxies and HTTP/2 from an HTTP stack (`sse-reqwest` binds reqwest),
/// used with [`EventSourceBuilder::build_with_transport`](crate::EventSourceBuilder::build_with_transport).
///
/// The transport only moves bytes: the event source still decides everything
/// (opening on 200 `text/event-stream`, the status policy, following
/// redirects, reconnecting with `Last-Event-ID`, timeouts, one-shot or
/// replayable), exactly as over a [`Connector`](crate::Connector).
///
/// Implemented for closures `FnMut(TransportRequest<'_>) -> Fut` where `Fut`
/// resolves to `Result<TransportResponse, E>`, `E` any error.
///
/// # Examples
///
/// A transport answering from memory (an HTTP client goes here):
///
/// ```
/// use futures_lite::{stream, StreamExt};
/// use sse_rt::test_util::VirtualRuntime;
/// use sse_rt::{EventSource, Item, Mode, Request, TransportRequest, TransportResponse};
///
/// let transport = |request: TransportRequest<'_>| {
///     assert_eq!(request.headers().next(), Some(("Accept", "text/event-stream")));
///     let mut headers = http::HeaderMap::new();
///     headers.insert("content-type", http::HeaderValue::from_static("text/event-stream"));
///     let body = stream::iter([Ok::<_, std::io::Error>("data: hi\n\n")]);
///     std::future::ready(Ok::<_, std::io::Error>(TransportResponse::new(200, headers, body)))
/// };
/// let runtime = VirtualRuntime::new();
/// let mut es = EventSource::builder(Request::get("https://example.com/events")?)
///     .mode(Mode::OneShot)
///     .build_with_transport(runtime.clone(), transport);
/// runtime.block_on(async {
///     assert!(matches!(es.next().await, Some(Ok(Item::Open { status: 200, .. }))));
///     let Some(Ok(Item::Event(event))) = es.next().await else { panic!() };
///     assert_eq!(event.data, "hi");
///     assert!(es.next().await.is_none()); // one-shot: ended cleanly
/// });
/// # Ok::<(), sse_rt::Error>(())
/// ```
///
/// # Implementer notes
///
/// - Send [`method`](TransportRequest::method) to [`url`](TransportRequest::url)
///   with every one of [`headers`](TransportRequest::headers) (they include
///   `Accept`, `Cache-Control` and `Last-Event-ID`) and the
///   [`body`](TransportRequest::body); add only what the HTTP layer needs
///   (`Host`, framing).
/// - Resolve with the response once its head has arrived; the body follows
///   as a stream of de-framed bytes. A body whose framing was cut short ends
///   with an error, not with `None`.
/// - Resolve with an error when no response came (refused, DNS, TLS, reset):
///   the attempt fails with [`Error::Connect`](crate::Error::Connect), a
///   transient error.
/// - Hand back redirects as they are for the event source to follow (its
///   limit, `303` to `GET`, credentials dropped across origins). A client
///   that follows them itself works too: the event source then only sees the
///   final response.
/// - Interim `1xx` responses are the transport's to skip.
pub trait Transport: Send + 'static {
    /// Starts the exchange of `request`.
    fn send(&mut self, request: TransportRequest<'_>) -> TransportFuture;
}

impl<F, Fut, E> Transport for F
where
    F: FnMut(TransportRequest<'_>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<TransportResponse, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn send(&mut self, request: TransportRequest<'_>) -> TransportFuture {
        let sending = self(request);
        Box::pin(async move { sending.await.map_err(Into::into) })
    }
}

/// The request of one attempt (redirects applied), as a [`Transport`] sends
/// it.
#[derive(Clone, Copy, Debug)]
pub struct TransportRequest<'a> {
    request: &'a Request,
    last_event_id: &'a str,
}

impl<'a> TransportRequest<'a> {
    pub(crate) fn new(request: &'a Request, last_event_id: &'a str) -> Self {
        TransportRequest {
            request,
            last_event_id,
        }
    }

    /// The absolute `http` or `https` URL.
    pub fn url(&self) -> &'a str {
        self.request.url()
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.request.method()
    }

    /// Every header to send, in order: `Accept: text/event-stream`,
    /// `Cache-Control: no-cache`, `Last-Event-ID` when the last event ID is
    /// non-empty, then the request's own headers.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let id = (!self.last_event_id.is_empty()).then_some(("Last-Event-ID", self.last_event_id));
        [
            ("Accept", "text/event-stream"),
            ("Cache-Control", "no-cache"),
        ]
        .into_iter()
        .chain(id)
        .chain(
            self.request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        )
    }

    /// The body, if any (a cheap clone of the request's `Bytes`).
    pub fn body(&self) -> Option<Bytes> {
        self.request.body_bytes()
    }
}

/// A response from a [`Transport`]: status, headers, and the body as a stream
/// of de-framed bytes.
pub struct TransportResponse {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: BodyStream,
}

impl fmt::Debug for TransportResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl TransportResponse {
    /// A response with `status`, `headers` and a `body` of chunks (reqwest's
    /// `bytes_stream()`, a hyper body's data frames...).
    pub fn new<S, B, E>(status: u16, headers: http::HeaderMap, body: S) -> TransportResponse
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        TransportResponse {
            status,
            headers,
            body: Box::pin(Chunks { inner: body }),
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
}

pin_project_lite::pin_project! {
    /// A body stream with its chunks as `Bytes` and its errors boxed.
    struct Chunks<S> {
        #[pin]
        inner: S,
    }
}

impl<S, B, E> Stream for Chunks<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project()
            .inner
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Into::into).map_err(Into::into)))
    }
}
