//! A 1 MiB line fed one byte per call decodes to the same event as fed whole
//! (the decoder keeps state instead of rescanning; the benches measure the time).

use sse_proto::{Decoder, Item};

#[test]
fn one_mib_line_byte_by_byte_equals_whole() {
    let mut body = b"data: ".to_vec();
    body.extend((0..1 << 20).map(|i| b'a' + (i % 26) as u8));
    body.extend_from_slice(b"\n\n");

    let mut whole = Decoder::new();
    let mut feed = whole.feed(&body);
    let Some(Ok(Item::Event(expected))) = feed.next_item() else {
        panic!("no event")
    };
    let expected = expected.into_owned();

    let mut bytewise = Decoder::new();
    let mut got = None;
    for byte in body.chunks(1) {
        let step = bytewise.decode(byte).unwrap();
        assert_eq!(step.consumed, 1);
        if let Some(Item::Event(e)) = step.item {
            got = Some(e.into_owned());
        }
    }
    assert_eq!(got, Some(expected));
}
