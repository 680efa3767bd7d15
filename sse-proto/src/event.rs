//! What the decoder yields: [`Item`]s, of which [`Event`] is the main one.

use core::time::Duration;

#[cfg(feature = "alloc")]
use alloc::string::String;

/// A dispatched event, borrowing from the input or from the decoder's buffer.
///
/// # Examples
///
/// ```
/// use sse_proto::Event;
///
/// let e = Event::new("", "hello", "7");
/// assert_eq!(e.event_type(), "message"); // empty type means "message"
/// assert_eq!(e.data(), "hello");
/// assert_eq!(e.last_event_id(), "7");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event<'a> {
    event_type: &'a str,
    data: &'a str,
    last_event_id: &'a str,
}

impl<'a> Event<'a> {
    /// An event with these fields. An empty `event_type` stands for `message`.
    pub const fn new(event_type: &'a str, data: &'a str, last_event_id: &'a str) -> Self {
        Event {
            event_type,
            data,
            last_event_id,
        }
    }

    /// The event type: the last `event` field's value, or `"message"` when it was
    /// absent or empty.
    pub fn event_type(&self) -> &'a str {
        if self.event_type.is_empty() {
            "message"
        } else {
            self.event_type
        }
    }

    /// The data: the `data` values joined by LF, without the final LF.
    pub fn data(&self) -> &'a str {
        self.data
    }

    /// The last event ID in force when the event was dispatched (possibly set by an
    /// earlier event; empty when none was ever set).
    pub fn last_event_id(&self) -> &'a str {
        self.last_event_id
    }

    /// Copies the event into an owned [`EventOwned`].
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn to_owned(&self) -> EventOwned {
        EventOwned {
            event_type: self.event_type().into(),
            data: self.data.into(),
            last_event_id: self.last_event_id.into(),
        }
    }
}

/// An owned copy of an [`Event`], for keeping past the next decoder call.
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EventOwned {
    /// The event type (`"message"` when the stream set none).
    pub event_type: String,
    /// The data, lines joined by LF.
    pub data: String,
    /// The last event ID in force at dispatch.
    pub last_event_id: String,
}

#[cfg(feature = "alloc")]
impl EventOwned {
    /// Borrows this event as an [`Event`].
    pub fn as_event(&self) -> Event<'_> {
        Event::new(&self.event_type, &self.data, &self.last_event_id)
    }
}

/// One thing decoded from the stream, in stream order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item<'a> {
    /// An event, dispatched by an empty line.
    Event(Event<'a>),
    /// A comment line (starting with `:`): everything after the first colon, as is
    /// (a leading space is kept). Servers send `: keepalive` comments.
    Comment(&'a str),
    /// A valid `retry` field: the server's new reconnection time.
    Retry(Duration),
}

impl<'a> Item<'a> {
    /// Copies the item into an owned [`ItemOwned`].
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn to_owned(&self) -> ItemOwned {
        match *self {
            Item::Event(e) => ItemOwned::Event(e.to_owned()),
            Item::Comment(c) => ItemOwned::Comment(c.into()),
            Item::Retry(d) => ItemOwned::Retry(d),
        }
    }
}

/// An owned copy of an [`Item`].
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemOwned {
    /// See [`Item::Event`].
    Event(EventOwned),
    /// See [`Item::Comment`].
    Comment(String),
    /// See [`Item::Retry`].
    Retry(Duration),
}
