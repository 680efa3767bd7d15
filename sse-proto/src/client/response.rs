//! What [`Client::handle_response`](super::Client::handle_response) makes of a
//! response head.

use core::fmt;
use core::time::Duration;

use crate::digits::{parse_decimal, Overflow};
use crate::FailReason;

/// A response head as the client judges it: the input of
/// [`Client::handle_head`](super::Client::handle_head).
///
/// ```
/// use core::time::Duration;
/// use sse_proto::client::Head;
///
/// let head = Head::new(503, Some(b"text/plain")).with_retry_after_header(Some(b" 120 "));
/// assert_eq!(head.retry_after, Some(Duration::from_secs(120)));
/// // An HTTP-date is not read (the core has no calendar clock): no delay.
/// let dated = Head::new(503, None).with_retry_after_header(Some(b"Wed, 21 Oct 2015 07:28:00 GMT"));
/// assert_eq!(dated.retry_after, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Head<'a> {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` value, if any.
    pub content_type: Option<&'a [u8]>,
    /// The delay the response's `Retry-After` asks for, if any: a floor on the
    /// reconnect delay when [`StatusPolicy::RetryTransient`](super::StatusPolicy::RetryTransient)
    /// retries the status.
    pub retry_after: Option<Duration>,
}

impl<'a> Head<'a> {
    /// A head with `status` and `content_type` and no `Retry-After`.
    pub const fn new(status: u16, content_type: Option<&'a [u8]>) -> Head<'a> {
        Head {
            status,
            content_type,
            retry_after: None,
        }
    }

    /// The head with the delay of a `Retry-After` header value (`None`: no
    /// header): delta-seconds (`120`, surrounding spaces and tabs allowed,
    /// saturating for huge numbers). An HTTP-date, or anything else, gives no
    /// delay: the core reads no calendar clock; an adapter that wants dates
    /// converts them itself and sets [`retry_after`](Head::retry_after).
    pub fn with_retry_after_header(mut self, value: Option<&[u8]>) -> Head<'a> {
        self.retry_after = value
            .and_then(|v| parse_decimal(crate::http::trim(v), Overflow::Saturate))
            .map(Duration::from_secs);
        self
    }
}

/// A response head the client took; from
/// [`Client::handle_response`](super::Client::handle_response).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a redirect must be followed (or the connection dropped): the client waits for its head"]
pub enum Accepted {
    /// The stream is open: read the body and pass it to
    /// [`handle_bytes`](super::Client::handle_bytes).
    Open,
    /// A redirect to follow: join its `Location` against the request URL
    /// ([`http::Url::join_into`](crate::http::Url::join_into)), drop this
    /// connection, send the request there, and report that response's head
    /// with `handle_response` again. The [`Connect`](super::Action::Connect)
    /// stays outstanding meanwhile. If the adapter cannot follow it (no
    /// `Location`, or not an `http`/`https` URL), it calls
    /// [`close`](super::Client::close) and reports the
    /// [`HttpError`](crate::HttpError) itself.
    Redirect(Redirect),
}

/// A redirect response (301, 302, 303, 307 or 308), from [`Accepted::Redirect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Redirect {
    /// The status code.
    pub status: u16,
}

impl Redirect {
    /// Whether the redirected request is a `GET` without a body, given the
    /// method of the request that was redirected (the fetch standard's rule,
    /// what browsers do): a 303 turns any method but `GET` and `HEAD` into
    /// `GET`; a 301 or 302 turns `POST` into `GET`; otherwise, and always for
    /// 307 and 308, the method and body stay.
    ///
    /// ```
    /// use sse_proto::client::{Accepted, Client, Config};
    /// use sse_proto::{Decoder, Instant};
    ///
    /// let mut mem = [0u8; 256];
    /// let mut client = Client::with_decoder(Config::one_shot(), Decoder::with_buffer(&mut mem), Instant::ZERO);
    /// let _connect = client.poll_action();
    /// let Ok(Accepted::Redirect(redirect)) = client.handle_response(Instant::ZERO, 303, None) else {
    ///     panic!("303 is a redirect");
    /// };
    /// assert!(redirect.method_becomes_get("POST"));
    /// let Ok(Accepted::Redirect(redirect)) = client.handle_response(Instant::ZERO, 307, None) else {
    ///     panic!("307 is a redirect");
    /// };
    /// assert!(!redirect.method_becomes_get("POST"));
    /// ```
    pub fn method_becomes_get(self, method: &str) -> bool {
        let is = |name: &str| method.eq_ignore_ascii_case(name);
        match self.status {
            303 => !is("GET") && !is("HEAD"),
            301 | 302 => is("POST"),
            _ => false,
        }
    }
}

/// Why [`Client::handle_response`](super::Client::handle_response) did not
/// take a response head.
///
/// # Examples
///
/// ```
/// use sse_proto::client::ResponseError;
/// use sse_proto::FailReason;
///
/// assert_eq!(ResponseError::Failed(FailReason::NoContent).to_string(), FailReason::NoContent.to_string());
/// assert_eq!(ResponseError::Unexpected.to_string(), "response head without an outstanding connect");
/// let retry = ResponseError::Retry { status: 503, delay: core::time::Duration::from_secs(2) };
/// assert_eq!(retry.to_string(), "response status 503, retrying in 2000 ms");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseError {
    /// The stream failed for good and the client is now closed with this
    /// reason (also [`Client::fail_reason`](super::Client::fail_reason)). The
    /// caller may still read the response body for an error message ("401:
    /// invalid API key"), then drops the connection.
    Failed(FailReason),
    /// The status is transient under
    /// [`StatusPolicy::RetryTransient`](super::StatusPolicy::RetryTransient): the
    /// client will reconnect after `delay` (see
    /// [`poll_timeout`](super::Client::poll_timeout)). Drop the connection
    /// without reading its body; no [`Action::Close`](super::Action::Close)
    /// follows.
    Retry {
        /// The status code received.
        status: u16,
        /// The wait before the reconnect: the backoff delay, or the response's
        /// `Retry-After` when that is longer.
        delay: Duration,
    },
    /// No [`Connect`](super::Action::Connect) is outstanding: none was taken
    /// from [`poll_action`](super::Client::poll_action) since the last one was
    /// answered, or its connection was dropped since (an error, an idle timeout,
    /// a restart, a close). The head is not the client's: nothing changed; drop
    /// that connection.
    Unexpected,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Transparent: the reason is the whole message.
            ResponseError::Failed(reason) => reason.fmt(f),
            ResponseError::Retry { status, delay } => write!(
                f,
                "response status {status}, retrying in {} ms",
                delay.as_millis()
            ),
            ResponseError::Unexpected => {
                f.write_str("response head without an outstanding connect")
            }
        }
    }
}

impl core::error::Error for ResponseError {}
