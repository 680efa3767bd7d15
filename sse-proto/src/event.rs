//! What the decoder yields: [`Item`]s, of which [`Event`] is the main one, and
//! their conversions into what the encoder takes ([`Frame`], [`EventFrame`]).

use core::time::Duration;

use crate::{EventFrame, Frame};

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

    /// Copies the event into an owned [`EventOwned`], to keep it past the next
    /// decoder call.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    #[must_use = "the copy is all that is kept of the event"]
    pub fn into_owned(self) -> EventOwned {
        EventOwned {
            event_type: self.event_type().into(),
            data: self.data.into(),
            last_event_id: self.last_event_id.into(),
        }
    }
}

/// The event as a frame for the [`Encoder`](crate::Encoder), so that a relay passes
/// decoded events on without rebuilding them field by field.
///
/// - `data` and the event type carry over; a `message` type becomes `None` (no
///   `event:` line: the receiver sees `message` either way).
/// - `id` is **always** `Some(last_event_id)`, even `Some("")`: an [`Event`] carries
///   the last event ID *in force* at dispatch, not whether its block had an `id`
///   line, so the frame states it. Decoding the frame then gives back an equal
///   event whatever ID the receiver held before (`id:` with an empty value resets
///   it to `""`). A relay that tracks the ID in force on its own output may clear
///   `id` when it has not changed, to save the line, as `sse encode` does.
/// - `retry` is `None`: a `retry` field comes out of the decoder as its own
///   [`Item::Retry`].
///
/// # Examples
///
/// ```
/// use sse_proto::{Decoder, Encoder, EventFrame, Item};
///
/// let mut mem = [0u8; 1024];
/// let mut decoder = Decoder::with_buffer(&mut mem);
/// let mut feed = decoder.feed(b"id: 7\ndata: a\n\nevent: add\ndata: b\n\n");
/// let (mut out, mut len) = ([0u8; 64], 0);
/// let mut id_downstream = String::new();
/// while let Some(item) = feed.next_item() {
///     let Item::Event(event) = item? else { continue };
///     let mut frame = EventFrame::from(event);
///     if frame.id == Some(id_downstream.as_str()) {
///         frame.id = None; // unchanged: no `id:` line needed
///     }
///     len += Encoder::new().encode_into(frame, &mut out[len..])?;
///     event.last_event_id().clone_into(&mut id_downstream);
/// }
/// assert_eq!(&out[..len], b"id: 7\ndata: a\n\nevent: add\ndata: b\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<'a> From<Event<'a>> for EventFrame<'a> {
    fn from(event: Event<'a>) -> Self {
        let frame = EventFrame::new(event.data).with_id(event.last_event_id);
        match event.event_type() {
            "message" => frame,
            event_type => frame.with_event_type(event_type),
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
///
/// New kinds of items may be added in a minor release: match with a `_` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use = "an item dropped unread is lost: the decoder has moved past it"]
pub enum Item<'a> {
    /// An event, dispatched by an empty line.
    Event(Event<'a>),
    /// A comment line (starting with `:`): everything after the first colon, as is
    /// (a leading space is kept). Servers send `: keepalive` comments.
    Comment(&'a str),
    /// A valid `retry` field: the server's new reconnection time.
    Retry(Duration),
}

impl Item<'_> {
    /// Copies the item into an owned [`ItemOwned`], to keep it past the next
    /// decoder call.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    #[must_use = "the copy is all that is kept of the item"]
    pub fn into_owned(self) -> ItemOwned {
        match self {
            Item::Event(e) => ItemOwned::Event(e.into_owned()),
            Item::Comment(c) => ItemOwned::Comment(c.into()),
            Item::Retry(d) => ItemOwned::Retry(d),
        }
    }
}

/// The item as a frame for the [`Encoder`](crate::Encoder): an event as its
/// [`EventFrame`] (see the conversion from [`Event`] for what its `id` becomes),
/// a comment as [`Frame::Comment`] with the same text, a retry as
/// [`Frame::Retry`]. Encoding the frames of a stream's items in order gives a
/// stream that decodes to equal items.
///
/// ```
/// use sse_proto::{Encoder, Frame, Item};
///
/// let mut out = [0u8; 8];
/// let n = Encoder::new().encode_into(Item::Comment(" hi"), &mut out)?;
/// assert_eq!(&out[..n], b": hi\n\n");
/// # Ok::<(), sse_proto::EncodeError>(())
/// ```
impl<'a> From<Item<'a>> for Frame<'a> {
    fn from(item: Item<'a>) -> Self {
        match item {
            Item::Event(event) => Frame::Event(event.into()),
            Item::Comment(text) => Frame::Comment(text),
            Item::Retry(retry) => Frame::Retry(retry),
        }
    }
}

/// An owned copy of an [`Item`].
///
/// New kinds of items may be added in a minor release: match with a `_` arm.
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ItemOwned {
    /// See [`Item::Event`].
    Event(EventOwned),
    /// See [`Item::Comment`].
    Comment(String),
    /// See [`Item::Retry`].
    Retry(Duration),
}

#[cfg(feature = "alloc")]
impl ItemOwned {
    /// Borrows this item as an [`Item`] (for example to encode it again).
    pub fn as_item(&self) -> Item<'_> {
        match self {
            ItemOwned::Event(e) => Item::Event(e.as_event()),
            ItemOwned::Comment(c) => Item::Comment(c),
            ItemOwned::Retry(d) => Item::Retry(*d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_becomes_the_frame_that_states_it() {
        let frame = |ty, data, id| EventFrame::from(Event::new(ty, data, id));
        // The default type writes no `event:` line, however it was spelled.
        assert_eq!(frame("", "d", "7"), EventFrame::new("d").with_id("7"));
        assert_eq!(
            frame("message", "d", "7"),
            EventFrame::new("d").with_id("7")
        );
        assert_eq!(
            frame("add", "a\nb", "7"),
            EventFrame::new("a\nb").with_event_type("add").with_id("7")
        );
        // The ID in force is stated even when empty.
        assert_eq!(frame("", "d", "").id, Some(""));
        assert_eq!(frame("", "d", "").retry, None);
    }

    #[test]
    fn each_item_becomes_its_frame() {
        let event = Event::new("t", "d", "1");
        assert_eq!(Frame::from(Item::Event(event)), Frame::Event(event.into()));
        assert_eq!(Frame::from(Item::Comment(" c")), Frame::Comment(" c"));
        let retry = Duration::from_millis(5);
        assert_eq!(Frame::from(Item::Retry(retry)), Frame::Retry(retry));
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn owned_copies_borrow_back_as_equal_items() {
        let items = [
            Item::Event(Event::new("t", "d", "1")),
            Item::Event(Event::new("", "d", "")),
            Item::Comment(" c"),
            Item::Retry(Duration::from_millis(5)),
        ];
        for item in items {
            let owned = item.into_owned();
            // The empty type is spelled out as `message` in the copy.
            let back = owned.as_item();
            match (item, back) {
                (Item::Event(a), Item::Event(b)) => {
                    assert_eq!(
                        (a.event_type(), a.data(), a.last_event_id()),
                        (b.event_type(), b.data(), b.last_event_id())
                    );
                }
                (a, b) => assert_eq!(a, b),
            }
        }
        let owned = Event::new("", "d", "7").into_owned();
        assert_eq!(
            owned,
            EventOwned {
                event_type: "message".into(),
                data: "d".into(),
                last_event_id: "7".into(),
            }
        );
    }
}
