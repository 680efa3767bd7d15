//! Server-Sent Events over [reqwest]: `sse-rt`'s [`EventSource`] with reqwest
//! doing each HTTP exchange (HTTPS with rustls, proxies, HTTP/2), while
//! `sse-proto`'s state machine makes every decision.
//!
//! reqwest only moves bytes here: the event source still opens on 200
//! `text/event-stream`, follows the WHATWG status rules (or
//! [`StatusPolicy::RetryTransient`]), reconnects with `Last-Event-ID` after the
//! server's `retry:` with its backoff and retry budget, applies its connect
//! and idle timeouts on tokio's timers, and sends a one-shot `POST` once or a
//! replayable one on every attempt, exactly as over `sse-tokio`'s plain TCP.
//! The same [`Item`]s, [`Error`]s and [`EventSource::fail_reason`].
//!
//! # Consume an LLM stream
//!
//! ```no_run
//! use futures_core::Stream;
//! use sse_reqwest::{BuildReqwest, EventSource, Item, Request};
//! # async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
//! #     std::future::poll_fn(|cx| std::pin::Pin::new(&mut *s).poll_next(cx)).await
//! # }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let request = Request::post("https://api.example.com/v1/chat", r#"{"stream":true}"#)?
//!     .with_header("Authorization", "Bearer sk-test")
//!     .with_header("Content-Type", "application/json");
//! let mut es = EventSource::builder(request).build_reqwest(sse_reqwest::client()?);
//! while let Some(Ok(item)) = next(&mut es).await {
//!     if let Item::Event(token) = item { print!("{}", token.data) }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! (With `futures_lite::StreamExt` or `futures::StreamExt`, `es.next().await`.)
//! A request with a body is one-shot unless [`EventSourceBuilder::mode`] says
//! [`Mode::Replayable`]; errors before the end come as `Err` items.
//!
//! # What is reqwest's, what is the event source's
//!
//! | concern | decided by |
//! | --- | --- |
//! | TLS (rustls, the platform's roots), proxies (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, or `reqwest::Proxy`), HTTP/2 (ALPN, or prior knowledge), DNS, connection pooling | reqwest |
//! | statuses, content type, 204, retries, backoff, `Last-Event-ID`, one-shot vs replayable, limits | the event source |
//! | redirects | the event source with [`client`] (its limit, a 303 becomes `GET`, credentials dropped on another origin); reqwest if you pass a client that follows them (the event source then sees only the final response) |
//! | timeouts | the event source: connect timeout (up to the response head) and idle timeout, on tokio's timers. Never set reqwest's whole-request `timeout()`: it cuts long streams |
//!
//! # Crate features
//!
//! | feature | enables | default |
//! | --- | --- | --- |
//! | `rustls` | HTTPS with rustls (reqwest's `rustls`) | yes |
//! | `http2` | HTTP/2, by ALPN or [`http2_prior_knowledge`](reqwest::ClientBuilder::http2_prior_knowledge) | yes |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

/// The reqwest this crate is built on, to configure a [`reqwest::Client`].
pub use reqwest;
pub use sse_tokio::{
    Attempt, Backoff, CloseHandle, Error, ErrorKind, EventOwned, EventSource, EventSourceBuilder,
    FailReason, Item, Limits, MakeRequest, Mode, ReadyState, Refused, Request, StatusPolicy,
    TokioRuntime, Transport, TransportFuture, TransportRequest, TransportResponse,
};

/// The [`Transport`] that sends each attempt with a [`reqwest::Client`].
///
/// # Examples
///
/// A client of your own (a proxy, a root certificate, HTTP/2 prior
/// knowledge), on reqwest's builder as [`client_builder`] sets it up:
///
/// ```no_run
/// use sse_reqwest::{EventSource, ReqwestTransport, Request, TokioRuntime};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = sse_reqwest::client_builder()
///     .proxy(sse_reqwest::reqwest::Proxy::https("http://proxy.internal:3128")?)
///     .build()?;
/// let es = EventSource::builder(Request::get("https://example.com/events")?)
///     .build_with_transport(TokioRuntime, ReqwestTransport::new(client));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport sending with `client`.
    pub fn new(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client }
    }

    /// The client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Transport for ReqwestTransport {
    fn send(&mut self, request: TransportRequest<'_>) -> TransportFuture {
        let sending = reqwest::Method::from_bytes(request.method().as_bytes()).map(|method| {
            let mut builder = self.client.request(method, request.url());
            for (name, value) in request.headers() {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.body() {
                builder = builder.body(body);
            }
            builder.send()
        });
        Box::pin(async move {
            let response = sending?.await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            Ok(TransportResponse::new(
                status,
                headers,
                response.bytes_stream(),
            ))
        })
    }
}

/// reqwest's [`ClientBuilder`](reqwest::ClientBuilder) as this crate sets it
/// up: reqwest's defaults, except that reqwest follows no redirect (the event
/// source follows them, by its rules). Add proxies, roots, HTTP/2 prior
/// knowledge..., but no whole-request `timeout()`.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}

/// [`client_builder`], built.
///
/// # Errors
///
/// When reqwest cannot set up its TLS backend.
pub fn client() -> reqwest::Result<reqwest::Client> {
    client_builder().build()
}

/// Builds an [`EventSource`] on tokio with a reqwest client as its transport.
pub trait BuildReqwest {
    /// The event source, sending with `client` (see [`client`]).
    fn build_reqwest(self, client: reqwest::Client) -> EventSource;
}

impl BuildReqwest for EventSourceBuilder {
    fn build_reqwest(self, client: reqwest::Client) -> EventSource {
        self.build_with_transport(TokioRuntime, ReqwestTransport::new(client))
    }
}

/// An [`EventSource`] that `GET`s `url` (`http` or `https`) with [`client`],
/// with the default settings (reconnect for ever, the browser's status
/// rules). Poll it inside a tokio runtime with time enabled.
///
/// # Errors
///
/// [`Error::Request`] when `url` is not an `http` or `https` URL;
/// [`Error::Connect`] when reqwest cannot set up its TLS backend.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), sse_reqwest::Error> {
/// let es = sse_reqwest::connect("https://example.com/events")?;
/// # Ok(())
/// # }
/// ```
pub fn connect(url: &str) -> Result<EventSource, Error> {
    let request = Request::get(url)?;
    let client = client().map_err(|e| Error::Connect(Box::new(e)))?;
    Ok(EventSource::builder(request).build_reqwest(client))
}
