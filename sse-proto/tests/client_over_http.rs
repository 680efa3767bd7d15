//! The client and the HTTP layer together, as an adapter drives them: a whole
//! response (head and framed body) cut at every split point and byte by byte
//! always gives the same events, the same end, and the same reconnect request.
#![cfg(feature = "alloc")]

use sse_proto::client::{Accepted, Action, Client, Config};
use sse_proto::http::{parse_response, BodyDecoder, HttpLimits, Parsed, Request, EMPTY_HEADER};
use sse_proto::{Instant, Item, StreamEnd};

const EVENTS: &[u8] = b"\xEF\xBB\xBFretry: 1500\r\n: hi\r\nid: 1\r\ndata: first\r\n\r\nevent: tok\ndata: a\ndata: b\n\nid: 2\ndata: last\n\n";

fn chunked_wire(body: &[u8], last_chunk: bool) -> Vec<u8> {
    let mut wire =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream;charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for piece in body.chunks(7) {
        wire.extend_from_slice(format!("{:X};x=y\r\n", piece.len()).as_bytes());
        wire.extend_from_slice(piece);
        wire.extend_from_slice(b"\r\n");
    }
    if last_chunk {
        wire.extend_from_slice(b"0\r\nTrailer: 1\r\n\r\n");
    }
    wire
}

fn length_wire(body: &[u8], declared: usize) -> Vec<u8> {
    let mut wire = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {declared}\r\n\r\n"
    )
    .into_bytes();
    wire.extend_from_slice(body);
    wire
}

#[derive(Debug, PartialEq)]
struct Outcome {
    items: Vec<String>,
    end: StreamEnd,
    reconnect_ms: u64,
    request: Vec<u8>,
}

/// Runs one connection fed by `reads`, then the reconnect.
fn run(reads: &[&[u8]]) -> Outcome {
    let mut client = Client::new(Config::replayable(), Instant::ZERO);
    assert!(matches!(client.poll_action(), Some(Action::Connect(_))));
    let mut head = Vec::new();
    let mut body: Option<BodyDecoder> = None;
    let mut items = Vec::new();
    let now = Instant::from_millis(100);
    for read in reads {
        let mut leftover = Vec::new();
        let mut input: &[u8] = read;
        if body.is_none() {
            head.extend_from_slice(read);
            let mut headers = [EMPTY_HEADER; 8];
            let Parsed::Complete(response) =
                parse_response(&head, &mut headers, &HttpLimits::default()).unwrap()
            else {
                continue;
            };
            assert_eq!(
                client.handle_response(now, response.status, response.content_type()),
                Ok(Accepted::Open)
            );
            body = Some(BodyDecoder::new(
                response.framing().unwrap(),
                HttpLimits::default(),
            ));
            leftover.extend_from_slice(&head[response.head_len..]);
            input = &leftover;
        }
        let body = body.as_mut().expect("head complete");
        while !input.is_empty() && !body.is_done() {
            let chunk = body.decode(input).unwrap();
            input = &input[chunk.consumed..];
            let mut feed = client.handle_bytes(now, chunk.data);
            while let Some(item) = feed.next_item() {
                items.push(match item.unwrap() {
                    Item::Event(e) => {
                        format!("{}:{}:{}", e.event_type(), e.data(), e.last_event_id())
                    }
                    Item::Comment(c) => format!("comment:{c}"),
                    Item::Retry(d) => format!("retry:{}", d.as_millis()),
                    other => panic!("unexpected item {other:?}"),
                });
            }
        }
    }
    let end = client.handle_end(now, body.expect("head complete").finish());
    let reconnect_ms = client.poll_timeout().unwrap().as_millis() - now.as_millis();
    client.handle_timeout(client.poll_timeout().unwrap());
    let Some(Action::Connect(_)) = client.poll_action() else {
        panic!("reconnect")
    };
    let mut request = Vec::new();
    Request::get("h", "/")
        .last_event_id(client.last_event_id())
        .encode_to_vec(&mut request)
        .unwrap();
    Outcome {
        items,
        end,
        reconnect_ms,
        request,
    }
}

/// Whole, at every split point, and byte by byte: identical outcomes.
fn all_splits(wire: &[u8]) -> Outcome {
    let whole = run(&[wire]);
    for cut in 0..=wire.len() {
        let (a, b) = wire.split_at(cut);
        assert_eq!(run(&[a, b]), whole, "split at {cut}");
    }
    let bytes: Vec<&[u8]> = wire.chunks(1).collect();
    assert_eq!(run(&bytes), whole, "byte by byte");
    whole
}

fn expected_items() -> Vec<String> {
    [
        "retry:1500",
        "comment: hi",
        "message:first:1",
        "tok:a\nb:1",
        "message:last:2",
    ]
    .map(String::from)
    .to_vec()
}

fn expected_request() -> Vec<u8> {
    b"GET / HTTP/1.1\r\nHost: h\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nLast-Event-ID: 2\r\n\r\n"
        .to_vec()
}

#[test]
fn chunked_complete() {
    let got = all_splits(&chunked_wire(EVENTS, true));
    assert_eq!(
        got,
        Outcome {
            items: expected_items(),
            end: StreamEnd::Clean,
            reconnect_ms: 1500,
            request: expected_request()
        }
    );
}

#[test]
fn chunked_without_last_chunk_is_truncated() {
    let got = all_splits(&chunked_wire(EVENTS, false));
    assert_eq!(
        (got.items, got.end),
        (expected_items(), StreamEnd::Truncated)
    );
}

#[test]
fn content_length_exact_and_short() {
    let got = all_splits(&length_wire(EVENTS, EVENTS.len()));
    assert_eq!((&got.items, got.end), (&expected_items(), StreamEnd::Clean));
    let got = all_splits(&length_wire(EVENTS, EVENTS.len() + 10));
    assert_eq!(
        (got.items, got.end),
        (expected_items(), StreamEnd::Truncated)
    );
}

#[test]
fn until_close_cut_inside_an_event() {
    let mut wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n".to_vec();
    wire.extend_from_slice(EVENTS);
    wire.extend_from_slice(b"id: 3\ndata: cut");
    let got = all_splits(&wire);
    assert_eq!(got.items, expected_items());
    assert_eq!(got.end, StreamEnd::Truncated);
    assert_eq!(
        got.request,
        expected_request(),
        "the cut block's id is not committed"
    );
}
