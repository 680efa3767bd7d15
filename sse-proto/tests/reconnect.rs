//! A reconnect (`reset`) keeps the last event ID and the retry, drops the partial
//! event, and allows a BOM again at the start of the new body.

use sse_proto::{Decoder, Item, StreamEnd};

fn events(decoder: &mut Decoder<Vec<u8>>, body: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut feed = decoder.feed(body);
    while let Some(item) = feed.next_item() {
        if let Item::Event(e) = item.unwrap() {
            out.push((e.data().to_owned(), e.last_event_id().to_owned()));
        }
    }
    out
}

#[test]
fn last_event_id_survives_reset_and_is_used_by_later_events() {
    let mut d = Decoder::new();
    assert_eq!(
        events(&mut d, b"retry: 1000\nid: 7\ndata: a\n\ndata: b"),
        [("a".into(), "7".into())]
    );
    assert_eq!(d.finish(), StreamEnd::Truncated);
    assert_eq!(d.last_event_id(), "7");
    assert_eq!(d.retry(), Some(std::time::Duration::from_secs(1)));
    // New body: BOM allowed again, "data: b" from before is gone, ID carried.
    assert_eq!(
        events(&mut d, b"\xEF\xBB\xBFdata: c\n\n"),
        [("c".into(), "7".into())]
    );
}

#[test]
fn id_without_data_still_sets_last_event_id() {
    let mut d = Decoder::new();
    assert!(events(&mut d, b"id: 42\n\n").is_empty());
    assert_eq!(d.last_event_id(), "42");
    // An empty id resets it.
    assert!(events(&mut d, b"id\n\n").is_empty());
    assert_eq!(d.last_event_id(), "");
}

#[test]
fn an_id_is_committed_only_at_dispatch() {
    let mut d = Decoder::new();
    let _ = events(&mut d, b"id: 1\ndata: x\n\nid: 2\ndata: y\n");
    assert_eq!(d.last_event_id(), "1", "id 2 has not been dispatched yet");
    d.reset();
    assert_eq!(d.last_event_id(), "1");
}

#[test]
fn second_bom_is_content() {
    let mut d = Decoder::new();
    let out = events(&mut d, b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n");
    assert_eq!(out, [("y".into(), "".into())]);
}
