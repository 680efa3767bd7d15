//! The one error of the GRIP module.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use sse_proto::HttpError;

use crate::error::BoxError;
use crate::server::SubscribeError;

/// Why a GRIP step failed: a value that cannot go in a header or an item,
/// a hold that could not subscribe, or a publish to Pushpin that did not
/// succeed (nothing is lost then: the [`Forwarder`](super::Forwarder) tries
/// the same items again).
#[derive(Debug)]
#[non_exhaustive]
pub enum GripError {
    /// A channel, ID or link that cannot stand in a GRIP header parameter
    /// (empty, or a control byte, space, `;`, `,` or `"`).
    InvalidValue {
        /// Which value: `"channel"`, `"prev-id"`, `"next link"`, ...
        what: &'static str,
    },
    /// A subscription to the log failed: the hold's (shut down, the log
    /// unreachable, or a gap under `GapPolicy::Refuse`), or the forwarder's
    /// while the log is unreachable (it tries again after a backoff).
    Subscribe(SubscribeError),
    /// The publish URL is not an `http://` or `https://` URL.
    Url(HttpError),
    /// No connection to Pushpin's publish endpoint (the connector's error).
    Connect(BoxError),
    /// The connection failed while publishing.
    Io(io::Error),
    /// Pushpin's answer is not valid HTTP/1.1 (or the request could not be
    /// written).
    Http(HttpError),
    /// Pushpin answered with this status instead of `2xx`.
    Status(u16),
    /// No answer within the publish timeout (in milliseconds).
    Timeout(u64),
    /// The log no longer held the events after this ID when the forwarder
    /// came back to them (it was away for longer than the history lasts):
    /// they were never published to Pushpin. Pushpin's clients see the gap
    /// (the next item's `prev-id` does not match) and recover through the
    /// next link, where the log's gap policy answers.
    Gap {
        /// The last ID the forwarder published.
        after: String,
    },
}

impl fmt::Display for GripError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GripError::InvalidValue { what } => write!(f, "grip: invalid {what}"),
            GripError::Subscribe(_) => f.write_str("grip: subscribing failed"),
            GripError::Url(_) => f.write_str("grip: invalid publish url"),
            GripError::Connect(_) => f.write_str("grip: cannot connect to the publish endpoint"),
            GripError::Io(_) => f.write_str("grip: publish connection failed"),
            GripError::Http(_) => f.write_str("grip: bad http from the publish endpoint"),
            GripError::Status(status) => write!(f, "grip: publish answered {status}"),
            GripError::Timeout(ms) => write!(f, "grip: no publish answer within {ms} ms"),
            GripError::Gap { after } => {
                write!(
                    f,
                    "grip: events after id {after:?} left the log unpublished"
                )
            }
        }
    }
}

impl StdError for GripError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            GripError::Subscribe(e) => Some(e),
            GripError::Url(e) | GripError::Http(e) => Some(e),
            GripError::Connect(e) => Some(&**e),
            GripError::Io(e) => Some(e),
            GripError::InvalidValue { .. }
            | GripError::Status(_)
            | GripError::Timeout(_)
            | GripError::Gap { .. } => None,
        }
    }
}

impl From<SubscribeError> for GripError {
    fn from(e: SubscribeError) -> GripError {
        GripError::Subscribe(e)
    }
}

impl From<io::Error> for GripError {
    fn from(e: io::Error) -> GripError {
        GripError::Io(e)
    }
}

impl From<HttpError> for GripError {
    fn from(e: HttpError) -> GripError {
        GripError::Http(e)
    }
}
