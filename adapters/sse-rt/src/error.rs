//! The one error type of the async layer.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

use sse_proto::{DecodeError, EncodeError, FailReason, HttpError, StreamEnd};

/// A boxed error of a transport, connector or request factory.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Something that went wrong in the async layer, with its cause as
/// [`source`](StdError::source).
///
/// `Display` names only this layer ("i/o error", "could not connect"); the
/// cause (the `io::Error`, the [`DecodeError`] with its limit, the
/// [`FailReason`]) is the error's `source()`, so report chains print each
/// layer once.
///
/// # In a decoding stream
///
/// After [`Error::Decode`] the decoder has skipped the offending event and the
/// next item follows; after [`Error::Io`] or [`Error::Transport`] from the byte
/// source, the stream ends.
///
/// # In an [`EventSource`](crate::EventSource)
///
/// Every error item is transient: the event source goes on (it reconnects
/// after a connection error, it skips an event after [`Error::Decode`]), and
/// at most one connection error is yielded between a dropped connection and
/// the next [`Open`](crate::Item::Open) or event. The stream ends only when the
/// event source is closed for good, and then
/// [`EventSource::fail_reason`](crate::EventSource::fail_reason) holds why: an
/// [`Error::Status`] with the refused response, an [`Error::Failed`] with the
/// core's [`FailReason`] (and the error that caused it), or a request,
/// redirect or TLS error.
///
/// [`kind`](Error::kind) classifies an error; [`is_retryable`](Error::is_retryable)
/// says whether the same request may succeed later.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use sse_rt::{DecodeError, Error, ErrorKind};
///
/// let e = Error::from(DecodeError::LineTooLong { limit: 1024 });
/// assert_eq!(e.to_string(), "event skipped: over the decoder's limits");
/// assert_eq!(e.source().unwrap().to_string(), "line exceeds 1024 bytes");
/// assert_eq!(e.kind(), ErrorKind::Limit);
/// assert!(!e.is_retryable());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading from (or writing to) the byte source or connection failed.
    Io(io::Error),
    /// An event crossed a configured [`Limits`](sse_proto::Limits) value and was
    /// skipped; decoding goes on with the next event.
    Decode(DecodeError),
    /// A frame could not be encoded (a CR or LF in an event type or ID, a NUL in
    /// an ID); nothing of it was written.
    Encode(EncodeError),
    /// The byte stream or HTTP body failed (reqwest, hyper, ...): its own error,
    /// boxed. The stream ends.
    Transport(BoxError),
    /// The connector could not open a connection (refused, unreachable, a DNS
    /// failure, a TLS handshake): its error is the source.
    Connect(BoxError),
    /// The connector did not open a connection within the connect timeout.
    ConnectTimeout {
        /// The timeout in force.
        after: Duration,
    },
    /// No byte arrived within the idle timeout (the connection is presumed
    /// dead).
    IdleTimeout {
        /// The timeout in force.
        after: Duration,
    },
    /// The server's HTTP is malformed or unsupported (a bad head, framing or
    /// chunk): the [`HttpError`] is the source.
    Http(HttpError),
    /// The server ended the stream: cleanly, or
    /// [`Truncated`](StreamEnd::Truncated) inside an event or before the end
    /// of its framing. A replayable event source reconnects.
    Ended(StreamEnd),
    /// The response was refused: a status other than 200 (or a redirect
    /// followed), or a 200 that is not `text/event-stream`. The
    /// [`Refused`] response (status, headers, the start of the body) is
    /// attached; its [`FailReason`] is the source.
    Status(Box<Refused>),
    /// A redirect could not be followed (no `Location`, or not an `http` or
    /// `https` URL): the [`HttpError`] is the source.
    Redirect(HttpError),
    /// The request could not be made: its URL is not an `http` or `https` URL,
    /// or it holds a byte that would break the HTTP head. Not retried.
    Request(BoxError),
    /// The request factory ([`MakeRequest`](crate::MakeRequest)) failed for
    /// this attempt: a transient error, the attempt counts as failed.
    MakeRequest(BoxError),
    /// The URL is `https` but the connector speaks plain TCP only: use a
    /// connector that does TLS.
    TlsRequired,
    /// The event source closed for good for this reason; `cause` is the error
    /// that made it (the one that spent the retry budget or interrupted a
    /// one-shot stream), when there was one.
    Failed {
        /// The core's reason.
        reason: FailReason,
        /// The error that led to it, if any: the [`source`](StdError::source).
        cause: Option<Box<Error>>,
    },
}

/// A response the event source refused, from [`Error::Status`].
///
/// # Examples
///
/// ```no_run
/// # async fn run(es: sse_rt::EventSource) {
/// use sse_rt::Error;
///
/// if let Some(Error::Status(refused)) = es.fail_reason() {
///     eprintln!("{}: {}", refused.status, String::from_utf8_lossy(&refused.body));
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refused {
    /// Why the core refused it ([`FailReason::Status`],
    /// [`FailReason::NoContent`], [`FailReason::ContentType`]).
    pub reason: FailReason,
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The start of the body, de-framed: at most the event source's
    /// `max_error_body` bytes (64 KiB by default). Empty for a retried status,
    /// whose body is not read.
    pub body: Vec<u8>,
    /// When the status is retried (see `StatusPolicy::RetryTransient`): the
    /// wait before the reconnect. `None`: refused for good.
    pub retry_in: Option<Duration>,
}

/// What kind of failure an [`Error`] is; from [`Error::kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Could not connect: [`Error::Connect`].
    Connect,
    /// A connect or idle timeout.
    Timeout,
    /// Reading or writing failed: [`Error::Io`], [`Error::Transport`].
    Io,
    /// Malformed or unsupported HTTP from the server: [`Error::Http`].
    Protocol,
    /// The server ended the stream: [`Error::Ended`].
    Ended,
    /// A refused response: [`Error::Status`].
    Status,
    /// A redirect not followed: [`Error::Redirect`], or too many redirects.
    Redirect,
    /// The request could not be made: [`Error::Request`],
    /// [`Error::MakeRequest`], [`Error::TlsRequired`], [`Error::Encode`].
    Request,
    /// An event over the decoder's limits: [`Error::Decode`].
    Limit,
    /// The event source gave up or was closed: [`Error::Failed`] (other than
    /// for too many redirects).
    Closed,
}

impl Error {
    /// Wraps a byte stream's or body's error. An `io::Error` stays
    /// [`Error::Io`]; anything else becomes [`Error::Transport`].
    pub(crate) fn transport(e: impl Into<BoxError>) -> Error {
        match e.into().downcast::<io::Error>() {
            Ok(io) => Error::Io(*io),
            Err(other) => Error::Transport(other),
        }
    }

    /// What kind of failure this is.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sse_rt::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::ConnectTimeout { after: Duration::from_secs(5) }.kind(), ErrorKind::Timeout);
    /// assert_eq!(Error::TlsRequired.kind(), ErrorKind::Request);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io(_) | Error::Transport(_) => ErrorKind::Io,
            Error::Decode(_) => ErrorKind::Limit,
            Error::Encode(_) | Error::Request(_) | Error::MakeRequest(_) | Error::TlsRequired => {
                ErrorKind::Request
            }
            Error::Connect(_) => ErrorKind::Connect,
            Error::ConnectTimeout { .. } | Error::IdleTimeout { .. } => ErrorKind::Timeout,
            Error::Http(_) => ErrorKind::Protocol,
            Error::Ended(_) => ErrorKind::Ended,
            Error::Status(_) => ErrorKind::Status,
            Error::Redirect(_)
            | Error::Failed {
                reason: FailReason::TooManyRedirects { .. },
                ..
            } => ErrorKind::Redirect,
            Error::Failed { .. } => ErrorKind::Closed,
        }
    }

    /// Whether the same request may succeed if made again later: true for
    /// network failures, timeouts, malformed responses, the end of a stream, a
    /// failed request factory,
    /// a 5xx, 408 or 429 status, a spent retry budget and an interrupted
    /// stream; false for other statuses (204 and a wrong content type too),
    /// bad redirects, requests that cannot be made, limit errors and a closed
    /// event source.
    ///
    /// It is the nature of the failure, not the event source's decision: the
    /// status policy decides whether a 503 is retried, and an error item of an
    /// event source is always followed by a reconnect (or, for a limit error,
    /// the next event).
    ///
    /// ```
    /// use sse_rt::{Error, FailReason};
    ///
    /// assert!(Error::Ended(sse_rt::StreamEnd::Clean).is_retryable());
    /// let closed = Error::Failed { reason: FailReason::Closed, cause: None };
    /// assert!(!closed.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Io(_)
            | Error::Transport(_)
            | Error::Connect(_)
            | Error::ConnectTimeout { .. }
            | Error::IdleTimeout { .. }
            | Error::Http(_)
            | Error::Ended(_)
            | Error::MakeRequest(_) => true,
            Error::Status(refused) => matches!(refused.status, 408 | 429 | 500..=599),
            Error::Decode(_)
            | Error::Encode(_)
            | Error::Redirect(_)
            | Error::Request(_)
            | Error::TlsRequired => false,
            Error::Failed { reason, .. } => matches!(
                reason,
                FailReason::RetryBudget { .. }
                    | FailReason::Interrupted
                    | FailReason::IdleTimeout { .. }
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(_) => f.write_str("i/o error"),
            Error::Decode(_) => f.write_str("event skipped: over the decoder's limits"),
            Error::Encode(_) => f.write_str("frame not encoded"),
            Error::Transport(_) => f.write_str("byte stream failed"),
            Error::Connect(_) => f.write_str("could not connect"),
            Error::ConnectTimeout { after } => {
                write!(f, "connect timed out after {} ms", after.as_millis())
            }
            Error::IdleTimeout { after } => {
                write!(f, "no byte received for {} ms", after.as_millis())
            }
            Error::Http(_) => f.write_str("malformed http response"),
            Error::Ended(StreamEnd::Clean) => f.write_str("the server ended the stream"),
            Error::Ended(_) => f.write_str("the stream was cut off"),
            Error::Status(refused) if refused.retry_in.is_some() => {
                f.write_str("response refused, retrying")
            }
            Error::Status(_) => f.write_str("response refused"),
            Error::Redirect(_) => f.write_str("redirect not followed"),
            Error::Request(_) => f.write_str("request not made"),
            Error::MakeRequest(_) => f.write_str("request factory failed"),
            Error::TlsRequired => f.write_str("https url needs a tls connector"),
            Error::Failed { reason, .. } => write!(f, "{reason}"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Decode(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::Transport(e) | Error::Connect(e) | Error::Request(e) | Error::MakeRequest(e) => {
                Some(&**e)
            }
            Error::Http(e) | Error::Redirect(e) => Some(e),
            Error::Status(refused) => Some(&refused.reason),
            Error::Failed { cause, .. } => cause.as_deref().map(|e| e as _),
            Error::ConnectTimeout { .. }
            | Error::IdleTimeout { .. }
            | Error::Ended(_)
            | Error::TlsRequired => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Error {
        Error::Decode(e)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Error {
        Error::Encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_from_a_byte_stream_stay_io() {
        let e = Error::transport(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
        assert!(matches!(e, Error::Io(ref io) if io.kind() == io::ErrorKind::ConnectionReset));
        let e = Error::transport("tls handshake failed");
        assert!(matches!(e, Error::Transport(_)));
        assert_eq!(e.to_string(), "byte stream failed");
        assert_eq!(e.source().unwrap().to_string(), "tls handshake failed");
    }

    #[test]
    fn display_names_the_layer_and_source_the_cause() {
        let e = Error::from(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        assert_eq!(e.to_string(), "i/o error");
        assert_eq!(e.source().unwrap().to_string(), "eof");
        let e = Error::from(EncodeError::BufferTooSmall { required: 9 });
        assert_eq!(e.to_string(), "frame not encoded");
        assert_eq!(
            e.source().unwrap().to_string(),
            EncodeError::BufferTooSmall { required: 9 }.to_string()
        );
    }

    fn refused(status: u16, reason: FailReason, retry_in: Option<Duration>) -> Error {
        Error::Status(Box::new(Refused {
            reason,
            status,
            headers: http::HeaderMap::new(),
            body: b"busy".to_vec(),
            retry_in,
        }))
    }

    /// Every variant: its kind, whether it is retryable, its `Display` and the
    /// `Display` of its source.
    #[test]
    fn every_variant_is_classified() {
        let ms = Duration::from_millis;
        let cases: Vec<(Error, ErrorKind, bool, &str, Option<&str>)> = vec![
            (
                io::Error::other("reset").into(),
                ErrorKind::Io,
                true,
                "i/o error",
                Some("reset"),
            ),
            (
                DecodeError::EventTooLarge { limit: 4 }.into(),
                ErrorKind::Limit,
                false,
                "event skipped: over the decoder's limits",
                Some("event data exceeds 4 bytes"),
            ),
            (
                Error::Transport("h2 reset".into()),
                ErrorKind::Io,
                true,
                "byte stream failed",
                Some("h2 reset"),
            ),
            (
                Error::Connect(Box::new(io::Error::from(io::ErrorKind::ConnectionRefused))),
                ErrorKind::Connect,
                true,
                "could not connect",
                Some("connection refused"),
            ),
            (
                Error::ConnectTimeout { after: ms(250) },
                ErrorKind::Timeout,
                true,
                "connect timed out after 250 ms",
                None,
            ),
            (
                Error::IdleTimeout { after: ms(1500) },
                ErrorKind::Timeout,
                true,
                "no byte received for 1500 ms",
                None,
            ),
            (
                Error::Http(HttpError::InvalidChunkSize),
                ErrorKind::Protocol,
                true,
                "malformed http response",
                Some("invalid chunk size"),
            ),
            (
                Error::Ended(StreamEnd::Clean),
                ErrorKind::Ended,
                true,
                "the server ended the stream",
                None,
            ),
            (
                Error::Ended(StreamEnd::Truncated),
                ErrorKind::Ended,
                true,
                "the stream was cut off",
                None,
            ),
            (
                refused(401, FailReason::Status { status: 401 }, None),
                ErrorKind::Status,
                false,
                "response refused",
                Some("response status 401, expected 200"),
            ),
            (
                refused(503, FailReason::Status { status: 503 }, Some(ms(10))),
                ErrorKind::Status,
                true,
                "response refused, retrying",
                Some("response status 503, expected 200"),
            ),
            (
                refused(204, FailReason::NoContent, None),
                ErrorKind::Status,
                false,
                "response refused",
                Some("server answered 204: stop reconnecting"),
            ),
            (
                Error::Redirect(HttpError::MissingLocation),
                ErrorKind::Redirect,
                false,
                "redirect not followed",
                Some("redirect without a location"),
            ),
            (
                Error::Request("no token".into()),
                ErrorKind::Request,
                false,
                "request not made",
                Some("no token"),
            ),
            (
                Error::MakeRequest("token service down".into()),
                ErrorKind::Request,
                true,
                "request factory failed",
                Some("token service down"),
            ),
            (
                Error::TlsRequired,
                ErrorKind::Request,
                false,
                "https url needs a tls connector",
                None,
            ),
            (
                Error::Failed {
                    reason: FailReason::TooManyRedirects { limit: 3 },
                    cause: None,
                },
                ErrorKind::Redirect,
                false,
                "more than 3 redirects",
                None,
            ),
            (
                Error::Failed {
                    reason: FailReason::RetryBudget { retries: 2 },
                    cause: Some(Box::new(Error::ConnectTimeout { after: ms(5) })),
                },
                ErrorKind::Closed,
                true,
                "gave up after 2 reconnect attempts",
                Some("connect timed out after 5 ms"),
            ),
            (
                Error::Failed {
                    reason: FailReason::Closed,
                    cause: None,
                },
                ErrorKind::Closed,
                false,
                "closed by the caller",
                None,
            ),
        ];
        for (error, kind, retryable, display, source) in cases {
            assert_eq!(error.kind(), kind, "{error:?}");
            assert_eq!(error.is_retryable(), retryable, "{error:?}");
            assert_eq!(error.to_string(), display, "{error:?}");
            assert_eq!(
                error.source().map(|s| s.to_string()).as_deref(),
                source,
                "{error:?}"
            );
        }
    }
}
