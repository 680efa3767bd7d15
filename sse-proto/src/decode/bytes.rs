//! Decoding [`Bytes`] chunks, as HTTP clients hand them over, into items whose
//! text is [`Bytes`] (feature `bytes`).
//!
//! The data of an event that arrived in one chunk is a slice of that chunk,
//! shared by reference count rather than copied (hyper's `split_to().freeze()`
//! idea).

use core::fmt;
use core::ops::Deref;
use core::time::Duration;

use ::bytes::Bytes;

use super::feed::Cursor;
use super::item::Found;
use super::text::{Text, Utf8Bytes};
use super::{Decoder, Storage};
use crate::{DecodeError, Event, Item};

/// UTF-8 text held in [`Bytes`]: cheap to clone, often a slice of the input.
///
/// Dereferences to `str`.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BytesStr(Utf8Bytes);

impl BytesStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &Bytes {
        self.0.as_bytes()
    }

    /// Gives up the text as its `Bytes`.
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }
}

impl Deref for BytesStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for BytesStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for BytesStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event whose fields are [`BytesStr`]; made by [`Decoder::feed_bytes`]. See
/// [`Event`] for what the fields mean.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BytesEvent {
    /// The event type (`"message"` when the stream set none).
    pub event_type: BytesStr,
    /// The data: a slice of the input when it came in one read.
    pub data: BytesStr,
    /// The last event ID in force at dispatch.
    pub last_event_id: BytesStr,
}

impl BytesEvent {
    /// Borrows this event as an [`Event`] (for example to convert it into an
    /// [`EventFrame`](crate::EventFrame) or copy it into an
    /// [`EventOwned`](crate::EventOwned)).
    pub fn as_event(&self) -> Event<'_> {
        Event::new(&self.event_type, &self.data, &self.last_event_id)
    }
}

/// An item made by [`Decoder::feed_bytes`]; see [`Item`].
///
/// New kinds of items may be added in a minor release: match with a `_` arm.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[must_use = "an item dropped unread is lost: the decoder has moved past it"]
pub enum BytesItem {
    /// An event.
    Event(BytesEvent),
    /// A comment's text (everything after the first colon).
    Comment(BytesStr),
    /// A valid `retry` field.
    Retry(Duration),
}

impl BytesItem {
    /// Borrows this item as an [`Item`] (for example to encode it again).
    pub fn as_item(&self) -> Item<'_> {
        match self {
            BytesItem::Event(e) => Item::Event(e.as_event()),
            BytesItem::Comment(c) => Item::Comment(c),
            BytesItem::Retry(d) => Item::Retry(*d),
        }
    }
}

/// The last event type and ID handed out, reused while they do not change, so a
/// stream of same-typed events allocates nothing for them.
#[derive(Debug, Default)]
pub(super) struct Cache {
    ty: BytesStr,
    id: BytesStr,
}

/// `text` (`empty` when empty) as a `BytesStr`, sharing `cached` when equal,
/// and `empty` without a copy.
fn shared(cached: &mut BytesStr, text: &str, empty: &'static str) -> BytesStr {
    let text = if text.is_empty() { empty } else { text };
    if cached.as_str() != text {
        *cached = BytesStr(if text == empty {
            Utf8Bytes::from_static(empty)
        } else {
            Utf8Bytes::copy_from(text)
        });
    }
    cached.clone()
}

impl<S: Storage> Decoder<S> {
    /// Decodes `chunk`, as an HTTP client hands it over (reqwest's
    /// `bytes_stream()`, a hyper body frame), item by item: [`feed`](Decoder::feed)
    /// for [`Bytes`], with owned items.
    ///
    /// Drain the returned [`BytesFeed`] with `while let Some(item) =
    /// feed.next_item()` (or as an iterator), then go on with the next chunk. The
    /// data of an event whose single `data` line lies wholly inside `chunk`, and a
    /// comment's text, are slices of `chunk`: no copy, the memory is shared.
    /// Other text is copied out of the decoder's buffer; the event type and ID are
    /// copied once and shared while they repeat. From a `BytesMut`, pass
    /// `buf.split().freeze()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sse_proto::{BytesItem, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut events = Vec::new();
    /// for chunk in [Bytes::from_static(b"data: shared, not copied\n\ndata: sp"), Bytes::from_static(b"lit\n\n")] {
    ///     let mut feed = decoder.feed_bytes(&chunk);
    ///     while let Some(item) = feed.next_item() {
    ///         if let BytesItem::Event(e) = item? {
    ///             events.push(e.data); // a `BytesStr`, keeps the chunk alive
    ///         }
    ///     }
    /// }
    /// assert_eq!((&*events[0], &*events[1]), ("shared, not copied", "split"));
    /// # Ok::<(), sse_proto::DecodeError>(())
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    pub fn feed_bytes<'d, 'i>(&'d mut self, chunk: &'i Bytes) -> BytesFeed<'d, 'i, S> {
        BytesFeed {
            decoder: self,
            chunk,
            cursor: Cursor::new(chunk),
        }
    }

    #[inline]
    fn bytes_text(&self, chunk: &Bytes, text: &Text) -> BytesStr {
        BytesStr(Utf8Bytes::of_text(text, chunk, self.main.bytes()))
    }

    fn bytes_item(&mut self, chunk: &Bytes, found: Found) -> BytesItem {
        match found {
            Found::Event { data } => {
                let data = self.bytes_text(chunk, &data);
                let ty = self.block.event_type();
                let event_type = shared(&mut self.bytes_cache.ty, ty, "message");
                let last_event_id = shared(&mut self.bytes_cache.id, self.id.as_str(), "");
                BytesItem::Event(BytesEvent {
                    event_type,
                    data,
                    last_event_id,
                })
            }
            Found::Comment(text) => BytesItem::Comment(self.bytes_text(chunk, &text)),
            Found::Retry { millis } => BytesItem::Retry(Duration::from_millis(millis)),
        }
    }
}

/// Decodes one [`Bytes`] chunk item by item; made by [`Decoder::feed_bytes`].
///
/// The same loop as [`Feed`](crate::Feed), but its items are owned, so it is an
/// [`Iterator`] too. Input not drained is not decoded: drain the feed, or keep
/// [`remaining`](BytesFeed::remaining) for later.
#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[derive(Debug)]
#[must_use = "a feed decodes nothing until `next_item` is called"]
pub struct BytesFeed<'d, 'i, S: Storage> {
    decoder: &'d mut Decoder<S>,
    chunk: &'i Bytes,
    cursor: Cursor<'i>,
}

impl<S: Storage> BytesFeed<'_, '_, S> {
    /// The next item, `None` once the chunk is used up, or the error of an
    /// over-limit event (the next call goes on after that event).
    ///
    /// # Errors
    ///
    /// `Some(Err(_))` as [`Decoder::decode`] gives it; call again to go on.
    #[inline]
    #[must_use = "an item dropped unread is lost: the decoder has moved past it"]
    pub fn next_item(&mut self) -> Option<Result<BytesItem, DecodeError>> {
        let found = self.cursor.next_found(self.decoder)?;
        Some(found.map(|found| self.decoder.bytes_item(self.chunk, found)))
    }

    /// The part of the chunk not yet decoded (sharing its memory).
    pub fn remaining(&self) -> Bytes {
        self.chunk.slice(self.cursor.pos..)
    }
}

impl<S: Storage> Iterator for BytesFeed<'_, '_, S> {
    type Item = Result<BytesItem, DecodeError>;

    /// [`BytesFeed::next_item`].
    fn next(&mut self) -> Option<Self::Item> {
        self.next_item()
    }
}

#[cfg(test)]
mod tests;
