//! What [`Client::handle_response`](super::Client::handle_response) makes of a
//! response head.

use core::fmt;

use crate::FailReason;

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
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseError {
    /// The stream failed for good and the client is now closed with this
    /// reason (also [`Client::fail_reason`](super::Client::fail_reason)). The
    /// caller may still read the response body for an error message ("401:
    /// invalid API key"), then drops the connection.
    Failed(FailReason),
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
            ResponseError::Unexpected => {
                f.write_str("response head without an outstanding connect")
            }
        }
    }
}

impl core::error::Error for ResponseError {}
