//! The errors of the server side: one enum per operation.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use sse_proto::{EncodeError, HistoryError};

/// Why a [`Sender`](super::Sender) did not queue a frame. Nothing was queued.
///
/// # Examples
///
/// ```
/// use sse_rt::server::{channel, SendError};
/// use sse_rt::EventFrame;
///
/// let (tx, rx) = channel(1);
/// tx.try_send(EventFrame::new("one"))?;
/// assert_eq!(tx.try_send(EventFrame::new("two")), Err(SendError::Full));
/// assert!(matches!(tx.try_send(EventFrame::new("x").with_id("a\nb")), Err(SendError::Encode(_))));
/// drop(rx); // the body is gone: the client went away
/// assert_eq!(tx.try_send(EventFrame::new("three")), Err(SendError::Closed));
/// # Ok::<(), SendError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The receiving side (the response body) was dropped: the client went
    /// away, or the server stopped streaming to it.
    Closed,
    /// The queue is full (only from `try_send`; `send` waits for room).
    Full,
    /// The frame could not be encoded (a CR or LF in the event type or ID, a
    /// NUL in the ID): the [`EncodeError`] is the source.
    Encode(EncodeError),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => f.write_str("the event stream is closed"),
            SendError::Full => f.write_str("the event stream's queue is full"),
            SendError::Encode(_) => f.write_str("frame not encoded"),
        }
    }
}

impl StdError for SendError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SendError::Encode(e) => Some(e),
            SendError::Closed | SendError::Full => None,
        }
    }
}

impl From<EncodeError> for SendError {
    fn from(e: EncodeError) -> SendError {
        SendError::Encode(e)
    }
}

/// Why a [`Hub`](super::Hub) did not publish an event. Nothing was published.
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use sse_rt::server::{Hub, HubConfig, PublishError};
/// use sse_rt::EventFrame;
///
/// let hub = Hub::new(HubConfig::new()); // the hub assigns IDs
/// let e = hub.publish("news", EventFrame::new("x").with_id("7")).unwrap_err();
/// assert_eq!(e.to_string(), "event not published");
/// assert_eq!(e.source().unwrap().to_string(), "event has an id but the history assigns them");
/// hub.shutdown();
/// assert_eq!(hub.publish("news", EventFrame::new("y")).unwrap_err(), PublishError::ShutDown);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublishError {
    /// The topic's history refused the event (not encodable, an ID where the
    /// hub assigns them, none or a duplicate where the caller gives them): the
    /// [`HistoryError`] is the source.
    Refused(HistoryError),
    /// The hub was shut down.
    ShutDown,
    /// A [`Backplane`](super::Backplane)'s log could not be reached (Redis
    /// down, say): the [`BackplaneError`] is the source.
    Unavailable(BackplaneError),
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Refused(_) => f.write_str("event not published"),
            PublishError::ShutDown => f.write_str("the hub is shut down"),
            PublishError::Unavailable(_) => f.write_str("the event log is unavailable"),
        }
    }
}

impl StdError for PublishError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            PublishError::Refused(e) => Some(e),
            PublishError::Unavailable(e) => Some(e),
            PublishError::ShutDown => None,
        }
    }
}

impl From<HistoryError> for PublishError {
    fn from(e: HistoryError) -> PublishError {
        PublishError::Refused(e)
    }
}

/// Why a [`Hub`](super::Hub) refused a subscription.
///
/// [`Gap`](SubscribeError::Gap) and [`UnknownId`](SubscribeError::UnknownId)
/// come only under [`GapPolicy::Refuse`](super::GapPolicy::Refuse): answer
/// them with HTTP 204, which tells an EventSource to stop reconnecting (the
/// client then reloads its state some other way).
///
/// # Examples
///
/// ```
/// use sse_rt::server::{GapPolicy, Hub, HubConfig, SubscribeError};
/// use sse_rt::sse_proto::server::LastEventId;
///
/// let hub = Hub::new(HubConfig::new().with_gap_policy(GapPolicy::Refuse));
/// let e = hub.subscribe("news", LastEventId::Id("41")).unwrap_err();
/// assert_eq!(e, SubscribeError::UnknownId);
/// assert_eq!(e.status(), 204);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubscribeError {
    /// The hub was shut down.
    ShutDown,
    /// The client's last event ID was given out, but events after it are no
    /// longer held: it missed events.
    Gap,
    /// The client's last event ID is not one the topic knows (another server
    /// run, a forged ID, an invalid `Last-Event-ID`).
    UnknownId,
    /// A [`Backplane`](super::Backplane)'s log could not be reached for the
    /// replay (Redis down, say): the [`BackplaneError`] is the source.
    Unavailable(BackplaneError),
}

impl SubscribeError {
    /// The HTTP status to answer with: 503 after a shutdown or while the log
    /// is unavailable (the client retries, elsewhere or later), 204 for a
    /// refused resume (the client stops).
    pub fn status(&self) -> u16 {
        match self {
            SubscribeError::ShutDown | SubscribeError::Unavailable(_) => 503,
            SubscribeError::Gap | SubscribeError::UnknownId => 204,
        }
    }
}

impl fmt::Display for SubscribeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubscribeError::ShutDown => f.write_str("the hub is shut down"),
            SubscribeError::Gap => f.write_str("events after the last event id are gone"),
            SubscribeError::UnknownId => f.write_str("unknown last event id"),
            SubscribeError::Unavailable(_) => f.write_str("the event log is unavailable"),
        }
    }
}

impl StdError for SubscribeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SubscribeError::Unavailable(e) => Some(e),
            SubscribeError::ShutDown | SubscribeError::Gap | SubscribeError::UnknownId => None,
        }
    }
}

/// Why a [`Backplane`](super::Backplane) could not reach its log: the
/// implementation's own error (a Redis connection error, say), shared so
/// that the error can be cloned.
///
/// Two are equal when they say the same (their `Display` text).
///
/// # Examples
///
/// ```
/// use std::error::Error as _;
/// use std::io;
/// use sse_rt::server::{BackplaneError, PublishError};
///
/// let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused");
/// let e = PublishError::Unavailable(BackplaneError::new(refused));
/// assert_eq!(e.to_string(), "the event log is unavailable");
/// assert_eq!(e.source().unwrap().to_string(), "connection refused");
/// ```
#[derive(Clone)]
pub struct BackplaneError(Arc<dyn StdError + Send + Sync>);

impl BackplaneError {
    /// Wraps the implementation's error.
    pub fn new(error: impl Into<Box<dyn StdError + Send + Sync>>) -> BackplaneError {
        BackplaneError(Arc::from(error.into()))
    }
}

impl fmt::Debug for BackplaneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for BackplaneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl PartialEq for BackplaneError {
    fn eq(&self, other: &BackplaneError) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.to_string() == other.to_string()
    }
}

impl Eq for BackplaneError {}

impl StdError for BackplaneError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sse_proto::Field;

    #[test]
    fn display_and_source() {
        let encode = EncodeError::InvalidField {
            field: Field::Id,
            byte: b'\n',
            offset: 1,
        };
        let down = BackplaneError::new("connection refused");
        let cases: [(&dyn StdError, &str, Option<String>); 10] = [
            (&SendError::Closed, "the event stream is closed", None),
            (&SendError::Full, "the event stream's queue is full", None),
            (
                &SendError::Encode(encode),
                "frame not encoded",
                Some(encode.to_string()),
            ),
            (
                &PublishError::Refused(HistoryError::DuplicateId),
                "event not published",
                Some("event id already held".into()),
            ),
            (&PublishError::ShutDown, "the hub is shut down", None),
            (&SubscribeError::ShutDown, "the hub is shut down", None),
            (
                &SubscribeError::Gap,
                "events after the last event id are gone",
                None,
            ),
            (&SubscribeError::UnknownId, "unknown last event id", None),
            (
                &PublishError::Unavailable(down.clone()),
                "the event log is unavailable",
                Some("connection refused".into()),
            ),
            (
                &SubscribeError::Unavailable(down.clone()),
                "the event log is unavailable",
                Some("connection refused".into()),
            ),
        ];
        for (e, display, source) in cases {
            assert_eq!(e.to_string(), display);
            assert_eq!(e.source().map(|s| s.to_string()), source);
        }
        assert_eq!(SubscribeError::ShutDown.status(), 503);
        assert_eq!(SubscribeError::Gap.status(), 204);
        assert_eq!(SubscribeError::Unavailable(down.clone()).status(), 503);
        assert_eq!(down, BackplaneError::new("connection refused"));
        assert_ne!(down, BackplaneError::new("timed out"));
    }
}
