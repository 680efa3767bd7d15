//! The event stream as a response body: frames in, `Bytes` out, keepalives
//! on the runtime's timer.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;
use sse_proto::server::ServerStream;

use super::keepalive::KeepaliveTimer;
use super::{channel, EncodedFrame, Receiver, Sender};
use crate::Runtime;

/// A boxed source of frames: what [`EventBody::boxed`] erases a source to.
pub type BoxFrameStream = Pin<Box<dyn Stream<Item = EncodedFrame> + Send>>;

pin_project! {
    /// An event stream as a response body: the frames of a source, one per
    /// poll, with keepalive comments whenever nothing was written for the
    /// keepalive interval.
    ///
    /// - It is an [`http_body::Body`]`<Data = Bytes>` (feature `http-body`)
    ///   and `Send` when the source is: axum's `Body::new(body)` and hyper's
    ///   servers take it as it is.
    /// - It is a `Stream<Item = Result<Bytes, Infallible>>`, for frameworks
    ///   that take a byte stream (axum's `Body::from_stream`, actix-web's
    ///   `streaming`), or for an [`EventSink`](super::EventSink).
    ///
    /// The source is any `Stream` of [`EncodedFrame`]s: a [`Receiver`] of a
    /// [`channel`] (see [`EventBody::channel`]), a hub
    /// [`Subscription`](super::Subscription), or your own stream. Each frame
    /// is yielded as one chunk the moment it is there, so the server writes
    /// and flushes each event on its own (nothing is held back to fill a
    /// buffer). The body ends when the source ends.
    ///
    /// # Keepalives
    ///
    /// A keepalive comment (`:` and an empty line) goes out when nothing was
    /// yielded for the interval (15 s by default, see
    /// [`keepalive`](EventBody::keepalive)); every frame moves the deadline
    /// (the core's [`ServerStream`] decides). The timer is the runtime's,
    /// through the [`Runtime`] seam: it works the same on tokio, smol and
    /// async-std, with no runtime feature to turn on.
    ///
    /// # A client going away
    ///
    /// The server drops the body when the client disconnects. With a channel,
    /// the [`Sender`] then fails with [`SendError::Closed`](super::SendError::Closed),
    /// and [`Sender::closed`] completes; a hub subscription removes itself.
    ///
    /// # Examples
    ///
    /// On the virtual clock of `test_util` (with a real server: your runtime
    /// crate's runtime, e.g. `sse_tokio::TokioRuntime`):
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures_lite::StreamExt;
    /// use sse_rt::server::EventBody;
    /// use sse_rt::test_util::VirtualRuntime;
    /// use sse_rt::EventFrame;
    ///
    /// let rt = VirtualRuntime::new();
    /// let (tx, mut body) = EventBody::channel(rt.clone(), 16);
    /// let mut body = body.retry(Duration::from_secs(3)); // a first `retry:` frame
    /// rt.block_on(async {
    ///     tx.send(EventFrame::new("token 1").with_event_type("delta")).await?;
    ///     assert_eq!(body.next().await.unwrap().unwrap(), "retry: 3000\n\n");
    ///     assert_eq!(body.next().await.unwrap().unwrap(), "event: delta\ndata: token 1\n\n");
    ///     // Nothing for 15 s: a keepalive.
    ///     assert_eq!(body.next().await.unwrap().unwrap(), ":\n\n");
    ///     drop(tx); // the source ends: so does the body
    ///     assert!(body.next().await.is_none());
    ///     Ok::<(), sse_rt::server::SendError>(())
    /// })?;
    /// assert_eq!(rt.elapsed(), Duration::from_secs(15));
    /// # Ok::<(), sse_rt::server::SendError>(())
    /// ```
    ///
    /// As a whole response, with the event-stream headers for the request's
    /// HTTP version: [`into_response`](EventBody::into_response).
    pub struct EventBody<S> {
        #[pin]
        source: S,
        keepalive: KeepaliveTimer,
        // A frame to yield before the source's (the initial `retry:`).
        first: Option<Bytes>,
        done: bool,
    }
}

impl<S: Stream<Item = EncodedFrame>> EventBody<S> {
    /// A body streaming `source`, with keepalives every
    /// [`DEFAULT_KEEPALIVE_INTERVAL`](ServerStream::DEFAULT_KEEPALIVE_INTERVAL)
    /// (15 s) on `runtime`'s timers. The keepalive clock starts now, when the
    /// response starts.
    pub fn new(source: S, runtime: impl Runtime) -> EventBody<S> {
        EventBody::with_runtime(source, Arc::new(runtime))
    }

    pub(crate) fn with_runtime(source: S, runtime: Arc<dyn Runtime>) -> EventBody<S> {
        EventBody {
            source,
            keepalive: KeepaliveTimer::new(runtime, ServerStream::DEFAULT_KEEPALIVE_INTERVAL),
            first: None,
            done: false,
        }
    }

    /// Sets the keepalive interval (zero turns keepalives off). Call it
    /// before the first poll: it counts from when the body was made.
    pub fn keepalive(mut self, interval: Duration) -> EventBody<S> {
        self.keepalive.set_interval(interval);
        self
    }

    /// The keepalive interval (zero: off).
    pub fn keepalive_interval(&self) -> Duration {
        self.keepalive.interval()
    }

    /// Starts the stream with a `retry:` frame: the client's reconnection
    /// delay, in whole milliseconds.
    pub fn retry(mut self, delay: Duration) -> EventBody<S> {
        self.first = Some(EncodedFrame::retry(delay).into_bytes());
        self
    }

    /// A `200 OK` response with this body and the event-stream headers for
    /// `version` (the request's): `content-type: text/event-stream`,
    /// `cache-control: no-cache`, `x-accel-buffering: no`, and on HTTP/1.x
    /// only `connection: keep-alive` (HTTP/2 and HTTP/3 forbid connection
    /// headers; see [`sse_proto::server::response_headers`]). Add your own
    /// headers (CORS...) to the result.
    ///
    /// This is what a hyper service returns (feature `http-body`), over
    /// HTTP/1.1 and HTTP/2 alike: `Ok(body.into_response(request.version()))`;
    /// for axum, map the body: `body.into_response(version).map(Body::new)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Version;
    /// use sse_rt::server::EventBody;
    /// use sse_rt::test_util::VirtualRuntime;
    ///
    /// let (_tx, body) = EventBody::channel(VirtualRuntime::new(), 16);
    /// let response = body.into_response(Version::HTTP_2);
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["content-type"], "text/event-stream");
    /// assert!(!response.headers().contains_key("connection"));
    ///
    /// let (_tx, body) = EventBody::channel(VirtualRuntime::new(), 16);
    /// let response = body.into_response(Version::HTTP_11);
    /// assert_eq!(response.headers()["connection"], "keep-alive");
    /// ```
    pub fn into_response(self, version: http::Version) -> http::Response<EventBody<S>> {
        let mut response = http::Response::new(self);
        sse_proto::server::insert_response_headers(response.headers_mut(), version);
        response
    }

    /// The same body with its source boxed, so that bodies of different
    /// sources have one type ([`BoxFrameStream`]).
    pub fn boxed(self) -> EventBody<BoxFrameStream>
    where
        S: Send + 'static,
    {
        EventBody {
            source: Box::pin(self.source),
            keepalive: self.keepalive,
            first: self.first,
            done: self.done,
        }
    }
}

impl EventBody<Receiver> {
    /// A [`channel`] of `capacity` frames and a body streaming its receiver:
    /// send events with the [`Sender`]; the body ends when every sender is
    /// dropped.
    pub fn channel(runtime: impl Runtime, capacity: usize) -> (Sender, EventBody<Receiver>) {
        let (tx, rx) = channel(capacity);
        (tx, EventBody::new(rx, runtime))
    }
}

impl<S: Stream<Item = EncodedFrame>> Stream for EventBody<S> {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        if let Some(first) = this.first.take() {
            this.keepalive.on_write();
            return Poll::Ready(Some(Ok(first)));
        }
        match this.source.poll_next(cx) {
            Poll::Ready(Some(frame)) => {
                this.keepalive.on_write();
                return Poll::Ready(Some(Ok(frame.into_bytes())));
            }
            Poll::Ready(None) => {
                *this.done = true;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        match this.keepalive.poll_due(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Ok(EncodedFrame::keepalive().into_bytes()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: Stream<Item = EncodedFrame>> FusedStream for EventBody<S> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

#[cfg(feature = "http-body")]
impl<S: Stream<Item = EncodedFrame>> http_body::Body for EventBody<S> {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        self.poll_next(cx)
            .map(|item| item.map(|bytes| bytes.map(http_body::Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}

impl<S> fmt::Debug for EventBody<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventBody")
            .field("keepalive", &self.keepalive)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
