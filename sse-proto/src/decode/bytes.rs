//! Decoding from a [`BytesMut`] into [`Bytes`] slices of it (feature `bytes`).
//!
//! The data of an event that arrived in one read is a slice of that read, shared
//! by reference count rather than copied (hyper's `split_to().freeze()` idea).

use core::fmt;
use core::ops::Deref;
use core::time::Duration;

use ::bytes::{Bytes, BytesMut};

use super::{utf8, Decoder, Found, Loc, Storage};
use crate::DecodeError;

/// UTF-8 text held in [`Bytes`]: cheap to clone, often a slice of the input.
///
/// Dereferences to `str`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BytesStr(Bytes);

impl BytesStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: a `BytesStr` is only made in this module, from bytes the decoder
        // validated (`Loc` ranges, see `Decoder::view`), from its `ty`/`id` storage
        // (always valid UTF-8), or from a `&'static str`.
        unsafe { utf8::assume_utf8(&self.0) }
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// Gives up the text as its `Bytes`.
    pub fn into_bytes(self) -> Bytes {
        self.0
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

/// An event whose fields are [`BytesStr`]; made by [`Decoder::decode_bytes`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BytesEvent {
    /// The event type (`"message"` when the stream set none).
    pub event_type: BytesStr,
    /// The data: a slice of the input when it came in one read.
    pub data: BytesStr,
    /// The last event ID in force at dispatch.
    pub last_event_id: BytesStr,
}

/// An item made by [`Decoder::decode_bytes`]; see [`Item`](crate::Item).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BytesItem {
    /// An event.
    Event(BytesEvent),
    /// A comment's text (everything after the first colon).
    Comment(BytesStr),
    /// A valid `retry` field.
    Retry(Duration),
}

/// The last event type and ID handed out, reused while they do not change, so a
/// stream of same-typed events allocates nothing for them.
#[derive(Debug, Default)]
pub(super) struct Cache {
    ty: BytesStr,
    id: BytesStr,
}

/// `text` as a `BytesStr`, sharing `cached` when equal.
fn shared(cached: &mut BytesStr, text: &[u8], empty: &'static str) -> BytesStr {
    let text = if text.is_empty() {
        empty.as_bytes()
    } else {
        text
    };
    if cached.0 != text {
        *cached = BytesStr(if text.is_empty() || text == empty.as_bytes() {
            Bytes::from_static(empty.as_bytes())
        } else {
            Bytes::copy_from_slice(text)
        });
    }
    cached.clone()
}

impl<S: Storage> Decoder<S> {
    /// Decodes from the front of `buf` up to the next item, splitting off what it
    /// used; the item's text is sliced from `buf` without copying where it lay in
    /// it whole.
    ///
    /// Returns `Ok(None)` once `buf` is empty (everything kept that is needed).
    /// Call it until then after each read appended to `buf`.
    ///
    /// # Errors
    ///
    /// As [`Decoder::decode`]: an over-limit event; call again to go on.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use sse_proto::{BytesItem, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut buf = BytesMut::from(&b"data: shared, not copied\n\n"[..]);
    /// let Some(BytesItem::Event(e)) = decoder.decode_bytes(&mut buf).unwrap() else { panic!() };
    /// assert_eq!(&*e.data, "shared, not copied");
    /// assert_eq!(&*e.event_type, "message");
    /// assert!(buf.is_empty());
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    pub fn decode_bytes(&mut self, buf: &mut BytesMut) -> Result<Option<BytesItem>, DecodeError> {
        while !buf.is_empty() {
            let step = self.step(&mut super::LineEnds::new(buf, 0), 0)?;
            let chunk = buf.split_to(step.end).freeze();
            if let Some(found) = step.found {
                return Ok(Some(self.bytes_item(&chunk, found)));
            }
        }
        Ok(None)
    }

    fn bytes_text(&self, chunk: &Bytes, loc: Loc) -> BytesStr {
        BytesStr(match loc {
            Loc::Input(r) => chunk.slice(r),
            Loc::Main(r) => Bytes::copy_from_slice(&self.main.bytes()[r]),
        })
    }

    fn bytes_item(&mut self, chunk: &Bytes, found: Found) -> BytesItem {
        match found {
            Found::Event { data, typed } => {
                let data = self.bytes_text(chunk, data);
                let ty = if typed { self.ty.bytes() } else { &[] };
                let event_type = shared(&mut self.bytes_cache.ty, ty, "message");
                let last_event_id = shared(&mut self.bytes_cache.id, self.id.bytes(), "");
                BytesItem::Event(BytesEvent {
                    event_type,
                    data,
                    last_event_id,
                })
            }
            Found::Comment(loc) => BytesItem::Comment(self.bytes_text(chunk, loc)),
            Found::Retry(d) => BytesItem::Retry(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn data_in_one_read_is_a_slice_of_it() {
        let mut decoder = Decoder::new();
        let mut buf = BytesMut::from(&b"event: t\ndata: abc\n\n"[..]);
        let base = buf.as_ptr() as usize;
        let Some(BytesItem::Event(e)) = decoder.decode_bytes(&mut buf).unwrap() else {
            panic!("expected an event")
        };
        assert_eq!(
            e.data.as_ptr() as usize,
            base + 15,
            "data must point into the input"
        );
        assert_eq!(&*e.event_type, "t");
        assert_eq!(&*e.last_event_id, "");
    }

    #[test]
    fn split_event_and_multiline_data_are_copied_and_correct() {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        for part in [&b"id: 7\ndata: a\nda"[..], b"ta: b\n\n: c\n\nretry: 5\n"] {
            let mut buf = BytesMut::from(part);
            while let Some(item) = decoder.decode_bytes(&mut buf).unwrap() {
                out.push(item);
            }
        }
        let Some(BytesItem::Event(e)) = out.first() else {
            panic!("{out:?}")
        };
        assert_eq!(
            (&*e.data, &*e.last_event_id, &*e.event_type),
            ("a\nb", "7", "message")
        );
        assert_eq!(
            out[1],
            BytesItem::Comment(BytesStr(Bytes::from_static(b" c")))
        );
        assert_eq!(out[2], BytesItem::Retry(Duration::from_millis(5)));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn repeated_type_and_id_share_one_allocation() {
        let mut decoder = Decoder::new();
        let mut buf = BytesMut::from(&b"event: x\nid: 1\ndata: a\n\nevent: x\ndata: b\n\n"[..]);
        let Some(BytesItem::Event(a)) = decoder.decode_bytes(&mut buf).unwrap() else {
            panic!()
        };
        let Some(BytesItem::Event(b)) = decoder.decode_bytes(&mut buf).unwrap() else {
            panic!()
        };
        assert_eq!(a.event_type.as_ptr(), b.event_type.as_ptr());
        assert_eq!(a.last_event_id.as_ptr(), b.last_event_id.as_ptr());
        assert_eq!(&*b.last_event_id, "1");
    }

    #[test]
    fn errors_consume_nothing_and_decoding_goes_on() {
        let limits = crate::Limits::new().with_max_line_len(4);
        let mut decoder = Decoder::new().with_limits(limits);
        let mut buf = BytesMut::from(&b"data: too long\n\ndata\n\n"[..]);
        assert_eq!(
            decoder.decode_bytes(&mut buf),
            Err(DecodeError::LineTooLong { limit: 4 })
        );
        let Some(BytesItem::Event(e)) = decoder.decode_bytes(&mut buf).unwrap() else {
            panic!()
        };
        assert_eq!(&*e.data, "");
    }
}
