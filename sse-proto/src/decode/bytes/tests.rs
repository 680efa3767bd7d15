//! `feed_bytes`: slices of the chunk, copies where needed, shared type and ID.

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
