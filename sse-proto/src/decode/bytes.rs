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
            Found::Event { data, typed } => {
                let data = self.bytes_text(chunk, &data);
                let ty = self.block.event_type(typed);
                let event_type = shared(&mut self.bytes_cache.ty, ty, "message");
                let last_event_id = shared(&mut self.bytes_cache.id, self.id.as_str(), "");
                BytesItem::Event(BytesEvent {
                    event_type,
                    data,
                    last_event_id,
                })
            }
            Found::Comment(text) => BytesItem::Comment(self.bytes_text(chunk, &text)),
            Found::Retry(d) => BytesItem::Retry(d),
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
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Every item of `chunks`, fed one after the other.
    fn items(decoder: &mut Decoder<Vec<u8>>, chunks: &[&'static [u8]]) -> Vec<BytesItem> {
        let mut out = Vec::new();
        for &chunk in chunks {
            let chunk = Bytes::from_static(chunk);
            let mut feed = decoder.feed_bytes(&chunk);
            while let Some(item) = feed.next_item() {
                out.push(item.expect("within limits"));
            }
        }
        out
    }

    /// Where `text` lies in `chunk`, when it is a slice of it.
    fn offset_in(chunk: &Bytes, text: &BytesStr) -> Option<usize> {
        let at = (text.as_ptr() as usize).checked_sub(chunk.as_ptr() as usize)?;
        (at + text.len() <= chunk.len()).then_some(at)
    }

    #[test]
    fn data_and_comments_in_one_chunk_are_slices_of_it() {
        let mut decoder = Decoder::new();
        let chunk = Bytes::from_static(b"event: t\ndata: abc\n\n: note\n");
        let out: Vec<_> = decoder.feed_bytes(&chunk).map(Result::unwrap).collect();
        let [BytesItem::Event(e), BytesItem::Comment(c)] = &out[..] else {
            panic!("{out:?}")
        };
        assert_eq!(
            offset_in(&chunk, &e.data),
            Some(15),
            "data must point into the chunk"
        );
        assert_eq!(offset_in(&chunk, c), Some(21), "the comment too");
        assert_eq!((&*e.data, &**c), ("abc", " note"));
        assert_eq!(&*e.event_type, "t");
        assert_eq!(&*e.last_event_id, "");
    }

    #[test]
    fn split_event_and_multiline_data_are_copied_and_correct() {
        let mut decoder = Decoder::new();
        let out = items(
            &mut decoder,
            &[b"id: 7\ndata: a\nda", b"ta: b\n\n: c\n\nretry: 5\n"],
        );
        let [BytesItem::Event(e), comment, retry] = &out[..] else {
            panic!("{out:?}")
        };
        assert_eq!(
            (&*e.data, &*e.last_event_id, &*e.event_type),
            ("a\nb", "7", "message")
        );
        assert_eq!(
            *comment,
            BytesItem::Comment(BytesStr(Utf8Bytes::from_static(" c")))
        );
        assert_eq!(*retry, BytesItem::Retry(Duration::from_millis(5)));
    }

    #[test]
    fn invalid_utf8_is_replaced_in_a_copy() {
        let mut decoder = Decoder::new();
        let chunk = Bytes::from_static(b"data: a\xFFb\n\n");
        let out: Vec<_> = decoder.feed_bytes(&chunk).map(Result::unwrap).collect();
        let [BytesItem::Event(e)] = &out[..] else {
            panic!("{out:?}")
        };
        assert_eq!(&*e.data, "a\u{FFFD}b");
        assert_eq!(offset_in(&chunk, &e.data), None);
    }

    #[test]
    fn repeated_type_and_id_share_one_allocation() {
        let mut decoder = Decoder::new();
        let out = items(
            &mut decoder,
            &[b"event: x\nid: 1\ndata: a\n\nevent: x\ndata: b\n\nevent: y\nid: 2\ndata: c\n\n"],
        );
        let [BytesItem::Event(a), BytesItem::Event(b), BytesItem::Event(c)] = &out[..] else {
            panic!("{out:?}")
        };
        assert_eq!(a.event_type.as_ptr(), b.event_type.as_ptr());
        assert_eq!(a.last_event_id.as_ptr(), b.last_event_id.as_ptr());
        assert_eq!(&*b.last_event_id, "1");
        assert_eq!((&*c.event_type, &*c.last_event_id), ("y", "2"));
    }

    #[test]
    fn untyped_events_share_a_static_message() {
        let mut decoder = Decoder::new();
        let out = items(&mut decoder, &[b"data: a\n\nevent: message\ndata: b\n\n"]);
        let [BytesItem::Event(a), BytesItem::Event(b)] = &out[..] else {
            panic!("{out:?}")
        };
        let message = Bytes::from_static(b"message");
        assert_eq!(a.event_type.as_bytes(), &message);
        // One "message", whether written or implied: no allocation for either.
        assert_eq!(a.event_type.as_ptr(), b.event_type.as_ptr());
        assert_eq!(a.last_event_id.as_bytes(), &Bytes::new());
    }

    #[test]
    fn errors_consume_nothing_and_decoding_goes_on() {
        let limits = crate::Limits::new().with_max_line_len(4);
        let mut decoder = Decoder::new().with_limits(limits);
        let chunk = Bytes::from_static(b"data: too long\n\ndata\n\n");
        let mut feed = decoder.feed_bytes(&chunk);
        assert_eq!(
            feed.next_item(),
            Some(Err(DecodeError::LineTooLong { limit: 4 }))
        );
        assert_eq!(feed.remaining(), chunk.slice(4..));
        let Some(Ok(BytesItem::Event(e))) = feed.next_item() else {
            panic!()
        };
        assert_eq!(&*e.data, "");
        assert!(feed.remaining().is_empty());
        assert_eq!(feed.next_item(), None);
    }

    #[test]
    fn remaining_is_what_was_not_drained() {
        let mut decoder = Decoder::new();
        let chunk = Bytes::from_static(b"data: a\n\ndata: b\n\n");
        let mut feed = decoder.feed_bytes(&chunk);
        assert_eq!(feed.remaining(), chunk);
        let Some(Ok(BytesItem::Event(a))) = feed.next_item() else {
            panic!()
        };
        let rest = feed.remaining();
        assert_eq!(rest, &b"data: b\n\n"[..]);
        assert_eq!(rest.as_ptr(), chunk[9..].as_ptr());
        let out: Vec<_> = decoder.feed_bytes(&rest).map(Result::unwrap).collect();
        assert_eq!((&*a.data, out.len()), ("a", 1));
    }

    #[test]
    fn text_formats_and_gives_up_its_bytes() {
        let text = BytesStr(Utf8Bytes::from_static("a \"b\""));
        assert_eq!(alloc::format!("{text}"), "a \"b\"");
        assert_eq!(alloc::format!("{text:?}"), "\"a \\\"b\\\"\"");
        assert_eq!(text.as_str(), "a \"b\"");
        assert_eq!(text.clone().into_bytes(), Bytes::from_static(b"a \"b\""));
        assert_eq!(text.as_bytes(), &Bytes::from_static(b"a \"b\""));
    }

    #[test]
    fn items_borrow_as_items() {
        let mut decoder = Decoder::new();
        let out = items(
            &mut decoder,
            &[b"id: 1\nevent: e\ndata: d\n\n: c\nretry: 9\n"],
        );
        let borrowed: Vec<Item<'_>> = out.iter().map(BytesItem::as_item).collect();
        assert_eq!(
            borrowed,
            [
                Item::Event(Event::new("e", "d", "1")),
                Item::Comment(" c"),
                Item::Retry(Duration::from_millis(9)),
            ]
        );
    }
}
