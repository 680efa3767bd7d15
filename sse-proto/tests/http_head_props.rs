//! Property tests of the head parsers: arbitrary bytes never panic; a valid head
//! is `Partial` at every proper prefix and the same `Complete` head with any
//! bytes after it.

use proptest::prelude::*;
use sse_proto::http::{parse_request, parse_response, HttpLimits, Parsed, EMPTY_HEADER};

fn header() -> impl Strategy<Value = (String, String)> {
    ("[A-Za-z][A-Za-z0-9-]{0,15}", "[ -~]{0,30}").prop_map(|(n, v)| (n, v.trim().to_string()))
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(wire in prop::collection::vec(any::<u8>(), 0..300), max in 1usize..400) {
        let mut limits = HttpLimits::new();
        limits.max_head_len = max;
        let mut headers = [EMPTY_HEADER; 4];
        if let Ok(Parsed::Complete(r)) = parse_response(&wire, &mut headers, &limits) {
            prop_assert!(r.head_len <= wire.len().min(max));
            let _ = r.framing();
        }
        let mut headers = [EMPTY_HEADER; 4];
        if let Ok(Parsed::Complete(r)) = parse_request(&wire, &mut headers, &limits) {
            prop_assert!(r.head_len <= wire.len().min(max));
            let _ = (r.last_event_id(), r.accepts_event_stream());
        }
    }

    #[test]
    fn valid_head_partial_then_complete(
        status in 100u16..600,
        headers_in in prop::collection::vec(header(), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        let mut head = format!("HTTP/1.1 {status} Reason Here\r\n");
        for (n, v) in &headers_in {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut wire = head.clone().into_bytes();
        wire.extend_from_slice(&body);
        let limits = HttpLimits::default();
        for cut in 0..head.len() {
            let mut headers = [EMPTY_HEADER; 8];
            prop_assert_eq!(parse_response(&wire[..cut], &mut headers, &limits), Ok(Parsed::Partial));
        }
        for end in head.len()..=wire.len() {
            let mut headers = [EMPTY_HEADER; 8];
            let Ok(Parsed::Complete(r)) = parse_response(&wire[..end], &mut headers, &limits) else {
                return Err(TestCaseError::fail("complete head expected"));
            };
            prop_assert_eq!((r.status, r.head_len, r.headers.len()), (status, head.len(), headers_in.len()));
            for (h, (n, v)) in r.headers.iter().zip(&headers_in) {
                prop_assert_eq!((h.name, h.value), (n.as_str(), v.as_bytes()));
            }
        }
    }
}
