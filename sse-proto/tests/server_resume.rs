//! A server's whole resume path through the public API: events go into a
//! history and out to a client; the client drops, reconnects with the
//! `Last-Event-ID` its decoder kept, and receives exactly what it missed.
#![cfg(feature = "std")]

use core::time::Duration;

use sse_proto::server::{
    response_headers, History, HistoryLimits, HttpVersion, LastEventId, Resume, ServerStream,
};
use sse_proto::{Decoder, Encoder, EventFrame, Instant, Item, StreamEnd};

fn data_of(decoder: &mut Decoder<Vec<u8>>, bytes: &[u8]) -> Vec<String> {
    let mut feed = decoder.feed(bytes);
    let mut out = Vec::new();
    while let Some(item) = feed.next_item() {
        if let Item::Event(e) = item.unwrap() {
            out.push(e.data().to_owned());
        }
    }
    out
}

#[test]
fn reconnecting_client_gets_what_it_missed() {
    assert!(response_headers(HttpVersion::Http11).contains(&("cache-control", "no-cache")));
    let mut history = History::new(HistoryLimits::new(100, 1 << 16));
    let mut client = Decoder::new();
    let mut wire = Vec::new();

    // Connection 1: the client sees events 1 and 2, then the connection drops.
    let mut stream = ServerStream::new(Instant::from_millis(0), Duration::from_secs(15));
    for (t, text) in [(1_000, "one"), (2_000, "two")] {
        wire.extend_from_slice(history.push(EventFrame::new(text)).unwrap());
        stream.on_write(Instant::from_millis(t));
    }
    let keepalive = stream.handle_timeout(Instant::from_millis(17_000)).unwrap();
    Encoder::new().encode_to_vec(keepalive, &mut wire).unwrap();
    assert_eq!(data_of(&mut client, &wire), ["one", "two"]);
    assert_eq!(client.finish(), StreamEnd::Clean);

    // Events published while it is away.
    history.push(EventFrame::new("three")).unwrap();
    history
        .push(EventFrame::new("four").with_event_type("update"))
        .unwrap();

    // Connection 2: the request carries the decoder's last event ID.
    let header = format!(" {}\t", client.last_event_id());
    let last = LastEventId::parse(Some(header.as_bytes()));
    assert_eq!(last, LastEventId::Id("2"));
    let Resume::From(replay) = history.resume(last.id().unwrap()) else {
        panic!("events 3 and 4 are held");
    };
    assert_eq!(replay.len(), 2);
    assert_eq!(data_of(&mut client, replay.as_bytes()), ["three", "four"]);
    assert_eq!(client.last_event_id(), "4");
}

#[test]
fn client_too_far_behind_gets_a_gap() {
    let mut history = History::new(HistoryLimits::new(2, 1 << 16));
    for text in ["a", "b", "c", "d"] {
        history.push(EventFrame::new(text)).unwrap();
    }
    assert!(matches!(history.resume("1"), Resume::Gap));
    assert!(matches!(history.resume("2"), Resume::From(_)));
    // A header no client sends is not an ID at all.
    assert!(matches!(
        LastEventId::parse(Some(b"\xff")),
        LastEventId::Invalid(_)
    ));
}
