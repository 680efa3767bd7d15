//! Whole timelines on a virtual clock: no sleeping, every deadline asserted.

extern crate std;

use super::*;
use crate::FixedBuf;
use std::string::{String, ToString};
use std::vec::Vec;

fn t(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// A client on caller memory, so these tests also run without `alloc`.
fn client(mem: &mut [u8], config: Config) -> Client<FixedBuf<'_>> {
    Client::with_decoder(config, Decoder::with_buffer(mem), t(0))
}

/// Takes the expected `Connect` and returns (the last event ID to send, attempt).
fn expect_connect<S: Storage>(c: &mut Client<S>) -> (String, u32) {
    match c.poll_action() {
        Some(Action::Connect(req)) => (c.last_event_id().to_string(), req.attempt),
        other => panic!("expected Connect, got {other:?}"),
    }
}

/// Feeds `bytes` and returns the event data and comments, in order.
fn feed<S: Storage>(c: &mut Client<S>, now: Instant, bytes: &[u8]) -> Vec<String> {
    let mut feed = c.handle_bytes(now, bytes);
    let mut out = Vec::new();
    while let Some(item) = feed.next_item() {
        match item.expect("within limits") {
            Item::Event(e) => out.push(e.data().to_string()),
            Item::Comment(text) => out.push(std::format!(":{text}")),
            Item::Retry(d) => out.push(std::format!("retry {}", d.as_millis())),
        }
    }
    out
}

fn open<S: Storage>(c: &mut Client<S>, now: Instant) {
    assert_eq!(
        c.handle_response(now, 200, Some(b"text/event-stream")),
        Ok(Accepted::Open)
    );
    assert_eq!(c.ready_state(), ReadyState::Open);
}

#[test]
fn reconnects_after_end_with_last_event_id_and_default_delay() {
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::replayable());
    assert_eq!(c.ready_state(), ReadyState::Connecting);
    assert_eq!(expect_connect(&mut c), (String::new(), 0));
    assert_eq!(c.poll_action(), None);
    assert_eq!(c.poll_timeout(), None);
    open(&mut c, t(10));
    assert_eq!(feed(&mut c, t(20), b"id: 7\ndata: a\n\n"), ["a"]);
    assert_eq!(c.handle_end(t(30), StreamEnd::Clean), StreamEnd::Clean);
    assert_eq!(c.ready_state(), ReadyState::Connecting);
    assert_eq!(c.poll_action(), None);
    assert_eq!(c.poll_timeout(), Some(t(3030)));
    c.handle_timeout(t(3029));
    assert_eq!(c.poll_action(), None, "early timeout does nothing");
    c.handle_timeout(t(3030));
    assert_eq!(c.poll_timeout(), None, "due timer disarmed");
    assert_eq!(
        expect_connect(&mut c),
        ("7".to_string(), 1),
        "first reconnect"
    );
}

#[test]
fn server_retry_overrides_reconnection_time() {
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(feed(&mut c, t(5), b"retry: 500\n\n"), ["retry 500"]);
    assert_eq!(c.reconnection_time(), Duration::from_millis(500));
    c.handle_error(t(100));
    assert_eq!(c.poll_timeout(), Some(t(600)));
    c.handle_timeout(t(600));
    expect_connect(&mut c);
    open(&mut c, t(700));
    // Invalid retry values are ignored; the reconnection time survives reconnects.
    assert_eq!(feed(&mut c, t(705), b"retry: 1x\n\n"), Vec::<String>::new());
    assert_eq!(c.handle_end(t(710), StreamEnd::Clean), StreamEnd::Clean);
    assert_eq!(c.poll_timeout(), Some(t(1210)));
}

#[test]
fn no_content_stops_for_good() {
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    assert_eq!(
        c.handle_response(t(1), 204, None),
        Err(ResponseError::Failed(FailReason::NoContent))
    );
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.fail_reason(), Some(FailReason::NoContent));
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.poll_action(), None);
    c.handle_error(t(2));
    c.handle_timeout(t(1_000_000));
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.poll_action(), None);
}

#[test]
fn wrong_status_and_type_fail() {
    let cases: [(u16, Option<&[u8]>, FailReason); 5] = [
        (
            401,
            Some(b"application/json"),
            FailReason::Status { status: 401 },
        ),
        (
            500,
            Some(b"text/event-stream"),
            FailReason::Status { status: 500 },
        ),
        (200, Some(b"text/html"), FailReason::ContentType),
        (200, None, FailReason::ContentType),
        (304, None, FailReason::Status { status: 304 }),
    ];
    for (status, ty, reason) in cases {
        let mut mem = [0u8; 256];
        let mut c = client(&mut mem, Config::replayable());
        expect_connect(&mut c);
        assert_eq!(
            c.handle_response(t(0), status, ty),
            Err(ResponseError::Failed(reason))
        );
        assert_eq!(c.fail_reason(), Some(reason));
        assert_eq!(c.ready_state(), ReadyState::Closed);
        assert_eq!(
            c.poll_action(),
            None,
            "no Close: the caller may read the body"
        );
        assert_eq!(
            c.handle_response(t(1), 200, Some(b"text/event-stream")),
            Err(ResponseError::Unexpected),
            "closed: no Connect outstanding"
        );
        assert_eq!(c.fail_reason(), Some(reason));
    }
}

#[test]
fn content_type_parameters_and_case() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    assert_eq!(
        c.handle_response(t(0), 200, Some(b"Text/Event-Stream; charset=UTF-8")),
        Ok(Accepted::Open)
    );
}

#[test]
fn exponential_backoff_grows_until_healthy() {
    let mut config = Config::replayable();
    config.reconnect_time = Duration::from_millis(100);
    config.backoff = Backoff::Exponential {
        max: Duration::from_millis(1000),
        jitter: false,
    };
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, config);
    let mut now = 0;
    let mut delays = Vec::new();
    for attempt in 0..6 {
        assert_eq!(expect_connect(&mut c).1, attempt);
        // Accepts and closes at once: not healthy.
        open(&mut c, t(now));
        assert_eq!(c.handle_end(t(now), StreamEnd::Clean), StreamEnd::Clean);
        let at = c.poll_timeout().unwrap().as_millis();
        delays.push(at - now);
        now = at;
        c.handle_timeout(t(now));
    }
    assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
    expect_connect(&mut c);
    open(&mut c, t(now));
    assert_eq!(feed(&mut c, t(now + 1), b"data: ok\n\n"), ["ok"]);
    assert_eq!(c.handle_end(t(now + 2), StreamEnd::Clean), StreamEnd::Clean);
    assert_eq!(
        c.poll_timeout(),
        Some(t(now + 2 + 100)),
        "event received: backoff reset"
    );
}

#[test]
fn open_long_enough_counts_as_healthy() {
    let mut config = Config::replayable();
    config.backoff = Backoff::Exponential {
        max: Duration::from_secs(60),
        jitter: false,
    };
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    c.handle_error(t(0)); // refused
    assert_eq!(c.poll_timeout(), Some(t(3000)));
    c.handle_timeout(t(3000));
    assert_eq!(expect_connect(&mut c).1, 1);
    open(&mut c, t(3000));
    assert_eq!(
        c.handle_end(t(3000 + 9_999), StreamEnd::Clean),
        StreamEnd::Clean
    );
    assert_eq!(
        c.poll_timeout(),
        Some(t(12_999 + 6000)),
        "9.999 s is not healthy"
    );
    c.handle_timeout(t(18_999));
    expect_connect(&mut c);
    open(&mut c, t(20_000));
    assert_eq!(c.handle_end(t(30_000), StreamEnd::Clean), StreamEnd::Clean);
    assert_eq!(c.poll_timeout(), Some(t(33_000)), "10 s open: healthy");
}

#[test]
fn jittered_delays_stay_in_bounds() {
    for seed in 0..50 {
        let mut config = Config::replayable();
        config.seed = seed;
        config.reconnect_time = Duration::from_millis(1000);
        config.backoff = Backoff::Exponential {
            max: Duration::from_millis(5000),
            jitter: true,
        };
        let mut mem = [0u8; 256];
        let mut c = client(&mut mem, config);
        let mut now = 0;
        for failures in 0..8u32 {
            expect_connect(&mut c);
            c.handle_error(t(now));
            let hi = config
                .backoff
                .max_delay(Duration::from_millis(1000), failures)
                .as_millis() as u64;
            let delay = c.poll_timeout().unwrap().as_millis() - now;
            assert!(
                delay >= hi / 2 && delay <= hi,
                "seed {seed}: {delay} not in [{}, {hi}]",
                hi / 2
            );
            now += delay;
            c.handle_timeout(t(now));
        }
    }
}

#[test]
fn retry_budget_gives_up() {
    let mut config = Config::replayable();
    config.retry_budget = Some(2);
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    let mut now = 0;
    for _ in 0..2 {
        expect_connect(&mut c);
        c.handle_error(t(now));
        now = c.poll_timeout().unwrap().as_millis();
        c.handle_timeout(t(now));
    }
    expect_connect(&mut c);
    c.handle_error(t(now));
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(
        c.fail_reason(),
        Some(FailReason::RetryBudget { retries: 2 })
    );
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.poll_action(), None);
}

#[test]
fn idle_timeout_closes_and_reconnects() {
    let mut config = Config::replayable();
    config.idle_timeout = Some(Duration::from_secs(30));
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(c.poll_timeout(), Some(t(30_000)));
    assert_eq!(feed(&mut c, t(20_000), b": keepalive\n\n"), [": keepalive"]);
    assert_eq!(
        c.poll_timeout(),
        Some(t(50_000)),
        "a keepalive resets the idle deadline"
    );
    assert_eq!(feed(&mut c, t(25_000), b"id: 3\ndata: x\n\nda"), ["x"]);
    c.handle_timeout(t(54_999));
    assert_eq!(c.poll_action(), None);
    c.handle_timeout(t(55_000));
    assert_eq!(
        c.poll_action(),
        Some(Action::Close(CloseReason::IdleTimeout))
    );
    assert_eq!(c.ready_state(), ReadyState::Connecting);
    assert_eq!(
        c.poll_timeout(),
        Some(t(58_000)),
        "idle disarmed, reconnect armed"
    );
    c.handle_timeout(t(58_000));
    assert_eq!(expect_connect(&mut c), ("3".to_string(), 1));
    open(&mut c, t(58_100));
    // The partial "da" was dropped with the old body: "ta" is an unknown field.
    assert_eq!(
        feed(&mut c, t(58_200), b"ta: fresh\n\n"),
        Vec::<String>::new()
    );
    assert_eq!(feed(&mut c, t(58_300), b"data: fresh\n\n"), ["fresh"]);
}

#[test]
fn one_shot_never_resends() {
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::one_shot());
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(
        feed(&mut c, t(1), b"data: tok\n\ndata: [DONE]\n\n"),
        ["tok", "[DONE]"]
    );
    assert_eq!(c.handle_end(t(2), StreamEnd::Clean), StreamEnd::Clean);
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.fail_reason(), None, "a clean end is not a failure");
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.poll_action(), None);
}

#[test]
fn one_shot_truncation_is_reported() {
    // Inside an event.
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::one_shot());
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(feed(&mut c, t(1), b"data: half"), Vec::<String>::new());
    assert_eq!(c.handle_end(t(2), StreamEnd::Clean), StreamEnd::Truncated);
    assert_eq!(c.fail_reason(), Some(FailReason::Interrupted));
    // Chunked framing without its last chunk, body between events.
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::one_shot());
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(feed(&mut c, t(1), b"data: a\n\n"), ["a"]);
    assert_eq!(
        c.handle_end(t(2), StreamEnd::Truncated),
        StreamEnd::Truncated
    );
    assert_eq!(c.fail_reason(), Some(FailReason::Interrupted));
    // A network error before the head.
    let mut mem = [0u8; 1024];
    let mut c = client(&mut mem, Config::one_shot());
    expect_connect(&mut c);
    c.handle_error(t(5));
    assert_eq!(c.fail_reason(), Some(FailReason::Interrupted));
    assert_eq!(c.poll_action(), None);
}

#[test]
fn one_shot_idle_timeout() {
    let mut config = Config::one_shot();
    config.idle_timeout = Some(Duration::from_millis(250));
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    open(&mut c, t(0));
    c.handle_timeout(t(250));
    assert_eq!(
        c.poll_action(),
        Some(Action::Close(CloseReason::IdleTimeout))
    );
    assert_eq!(
        c.fail_reason(),
        Some(FailReason::IdleTimeout { millis: 250 })
    );
    assert_eq!(c.poll_action(), None);
}

#[test]
fn close_drops_the_connection_once() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    open(&mut c, t(0));
    c.close();
    c.close();
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Closed)));
    assert_eq!(c.poll_action(), None);
    assert_eq!(c.fail_reason(), Some(FailReason::Closed));
    assert_eq!(feed(&mut c, t(1), b"data: late\n\n"), Vec::<String>::new());
    assert_eq!(c.handle_end(t(2), StreamEnd::Clean), StreamEnd::Clean);
    // Closing while waiting to reconnect: nothing to drop.
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    c.handle_error(t(0));
    c.close();
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.poll_action(), None);
}

#[test]
fn seeded_last_event_id_is_sent_first() {
    let mut mem = [0u8; 256];
    let mut decoder = Decoder::with_buffer(&mut mem);
    decoder.set_last_event_id("99").unwrap();
    let mut c = Client::with_decoder(Config::replayable(), decoder, t(0));
    assert_eq!(expect_connect(&mut c), ("99".to_string(), 0));
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable())
        .with_last_event_id("98")
        .unwrap();
    assert_eq!(expect_connect(&mut c), ("98".to_string(), 0));
    open(&mut c, t(0));
    assert_eq!(feed(&mut c, t(1), b"data: x\n\n"), ["x"]);
    assert_eq!(c.handle_end(t(2), StreamEnd::Clean), StreamEnd::Clean);
    c.handle_timeout(t(3_002));
    assert_eq!(expect_connect(&mut c), ("98".to_string(), 1));
}

#[test]
fn empty_id_resets_and_is_not_sent() {
    let mut mem = [0u8; 512];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    open(&mut c, t(0));
    feed(&mut c, t(1), b"id: 5\ndata: a\n\nid\ndata: b\n\n");
    assert_eq!(c.handle_end(t(2), StreamEnd::Clean), StreamEnd::Clean);
    c.handle_timeout(t(3002));
    assert_eq!(expect_connect(&mut c), (String::new(), 1));
}

#[test]
fn bytes_before_open_are_ignored() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    assert_eq!(feed(&mut c, t(0), b"data: early\n\n"), Vec::<String>::new());
}

#[cfg(feature = "alloc")]
#[test]
fn growable_client() {
    let mut c = Client::new(Config::default(), t(0));
    expect_connect(&mut c);
    open(&mut c, t(0));
    let big = "x".repeat(10_000);
    let wire = std::format!("data: {big}\n\n");
    assert_eq!(feed(&mut c, t(1), wire.as_bytes()), [big]);
}

#[test]
fn idle_timeout_bounds_waiting_for_the_head() {
    let mut config = Config::one_shot();
    config.idle_timeout = Some(Duration::from_secs(5));
    let mut mem = [0u8; 256];
    let mut c = Client::with_decoder(config, Decoder::with_buffer(&mut mem), t(1_000));
    assert_eq!(c.poll_timeout(), Some(t(6_000)));
    expect_connect(&mut c);
    c.handle_timeout(t(6_000));
    assert_eq!(
        c.poll_action(),
        Some(Action::Close(CloseReason::IdleTimeout))
    );
    assert_eq!(
        c.fail_reason(),
        Some(FailReason::IdleTimeout { millis: 5_000 })
    );
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn idle_before_the_connect_is_taken_drops_nothing() {
    let mut config = Config::replayable();
    config.idle_timeout = Some(Duration::from_millis(10));
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    c.handle_timeout(t(10));
    assert_eq!(
        c.poll_action(),
        None,
        "no connection was made: nothing to close or connect"
    );
    assert_eq!(c.poll_timeout(), Some(t(3_010)));
    c.handle_timeout(t(3_010));
    assert_eq!(expect_connect(&mut c), (String::new(), 1));
}

/// Issue 9, bug 1: a head is taken only while a `Connect` is outstanding; any
/// other is `Unexpected` and changes nothing.
#[test]
fn late_response_while_waiting_is_unexpected() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    c.handle_error(t(0)); // refused: wait 3 s
    assert_eq!(c.poll_timeout(), Some(t(3_000)));
    assert_eq!(
        c.handle_response(t(10), 200, Some(b"text/event-stream")),
        Err(ResponseError::Unexpected)
    );
    assert_eq!(c.ready_state(), ReadyState::Connecting);
    assert_eq!(
        c.poll_timeout(),
        Some(t(3_000)),
        "the reconnect timer stays"
    );
    assert_eq!(c.poll_action(), None);
    c.handle_timeout(t(3_000));
    // Queued, not yet taken: still not outstanding.
    assert_eq!(
        c.handle_response(t(3_000), 200, Some(b"text/event-stream")),
        Err(ResponseError::Unexpected)
    );
    assert_eq!(expect_connect(&mut c), (String::new(), 1));
    open(&mut c, t(3_001));
}

#[test]
fn second_head_while_open_keeps_the_partial_event() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(
        feed(&mut c, t(1), b"id: 4\ndata: par"),
        Vec::<String>::new()
    );
    for status in [200, 204, 301, 500] {
        assert_eq!(
            c.handle_response(t(2), status, Some(b"text/event-stream")),
            Err(ResponseError::Unexpected)
        );
    }
    assert_eq!(c.ready_state(), ReadyState::Open);
    assert_eq!(c.fail_reason(), None);
    assert_eq!(feed(&mut c, t(3), b"tial\n\n"), ["partial"]);
    assert_eq!(c.last_event_id(), "4");
}

#[test]
fn error_before_the_connect_is_taken_is_ignored() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    c.handle_error(t(0));
    assert_eq!(c.poll_timeout(), None, "no failure counted, no wait");
    assert_eq!(expect_connect(&mut c), (String::new(), 0));
    c.handle_error(t(1));
    c.handle_error(t(2)); // the same connection again: already dropped
    assert_eq!(c.poll_timeout(), Some(t(3_001)));
}

#[test]
fn config_limits_and_comments_reach_the_decoder() {
    let mut config = Config::replayable();
    config.limits = crate::Limits::new().with_max_line_len(12);
    config.comments = false;
    config.idle_timeout = Some(Duration::from_millis(100));
    let mut mem = [0u8; 512];
    // The decoder's own settings give way to the config's.
    let decoder = Decoder::with_buffer(&mut mem)
        .with_limits(crate::Limits::unlimited())
        .with_comments(true);
    let mut c = Client::with_decoder(config, decoder, t(0));
    assert_eq!(c.decoder().limits(), config.limits);
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(
        feed(&mut c, t(50), b": keepalive\n\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        c.poll_timeout(),
        Some(t(150)),
        "a passed-over comment still counts"
    );
    let mut items = c.handle_bytes(t(60), b"data: 123456789\n\ndata: ok\n\n");
    assert_eq!(
        items.next_item().map(|i| i.err()),
        Some(Some(DecodeError::LineTooLong { limit: 12 }))
    );
    assert!(matches!(items.next_item(), Some(Ok(Item::Event(e))) if e.data() == "ok"));
    assert!(items.next_item().is_none());
    assert_eq!(items.remaining(), b"");
}

#[test]
fn client_feed_remaining_is_what_is_not_decoded() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    assert_eq!(
        c.handle_bytes(t(0), b"data: x\n\n").remaining(),
        b"",
        "not open"
    );
    open(&mut c, t(0));
    let mut items = c.handle_bytes(t(1), b"data: a\n\ndata: b\n\n");
    assert_eq!(items.remaining(), b"data: a\n\ndata: b\n\n");
    assert!(items.next_item().is_some());
    assert_eq!(items.remaining(), b"data: b\n\n");
}

#[test]
fn with_last_event_id_refuses_what_no_id_holds() {
    for (id, byte, offset) in [("a\0b", 0, 1), ("\r", b'\r', 0), ("12\n", b'\n', 2)] {
        let mut mem = [0u8; 256];
        let got = client(&mut mem, Config::replayable())
            .with_last_event_id(id)
            .err();
        assert_eq!(got, Some(LastEventIdError::ForbiddenByte { byte, offset }));
    }
    let mut mem = [0u8; 64]; // 8 bytes of ID storage
    let got = client(&mut mem, Config::replayable())
        .with_last_event_id("123456789")
        .err();
    assert_eq!(
        got,
        Some(LastEventIdError::Storage(DecodeError::BufferFull {
            capacity: 8
        }))
    );
    let e = got.unwrap();
    assert_eq!(e.to_string(), "last event id does not fit the decoder");
    let source = core::error::Error::source(&e).map(|s| s.to_string());
    assert_eq!(source.as_deref(), Some("decoder buffer full: 8 bytes"));
    assert!(
        core::error::Error::source(&LastEventIdError::ForbiddenByte { byte: 0, offset: 0 })
            .is_none()
    );
}

/// The pattern of issue 9 compiles: an action borrows nothing from the client.
#[test]
fn matching_an_action_can_ask_the_client() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    let mut seen = Vec::new();
    // Bounded: a client that never stops asking fails instead of hanging.
    for _ in 0..4 {
        match c.poll_action() {
            Some(Action::Connect(connect)) => {
                seen.push(std::format!("connect {}", connect.attempt))
            }
            Some(Action::Close(reason)) => seen.push(std::format!("close {reason:?}")),
            None if c.ready_state() == ReadyState::Closed => break,
            None => c.close(),
        }
    }
    assert_eq!(seen, ["connect 0", "close Closed"]);
}

#[test]
fn restart_while_open_reconnects_at_once() {
    let mut config = Config::replayable();
    config.idle_timeout = Some(Duration::from_secs(30));
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    c.handle_error(t(0)); // one failure: the next attempt is 1
    c.handle_timeout(t(3_000));
    assert_eq!(expect_connect(&mut c).1, 1);
    open(&mut c, t(3_000));
    assert_eq!(
        feed(&mut c, t(3_001), b"id: 7\ndata: half"),
        Vec::<String>::new()
    );
    c.restart(t(4_000));
    assert_eq!(c.ready_state(), ReadyState::Connecting);
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(
        expect_connect(&mut c),
        (String::new(), 1),
        "no failure counted"
    );
    assert_eq!(
        c.poll_timeout(),
        Some(t(34_000)),
        "idle timeout from the restart"
    );
    open(&mut c, t(4_001));
    assert_eq!(
        feed(&mut c, t(4_002), b"data: fresh\n\n"),
        ["fresh"],
        "partial dropped"
    );
}

#[test]
fn restart_of_a_healthy_connection_resets_the_attempts() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    c.handle_error(t(0));
    c.handle_timeout(t(3_000));
    assert_eq!(expect_connect(&mut c).1, 1);
    open(&mut c, t(3_000));
    assert_eq!(feed(&mut c, t(3_001), b"data: x\n\n"), ["x"]);
    c.restart(t(3_002));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 0);
    // Open long enough counts too; not long enough does not.
    open(&mut c, t(4_000));
    c.restart(t(13_999));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 0);
    c.handle_error(t(14_000));
    c.handle_timeout(t(17_000));
    assert_eq!(expect_connect(&mut c).1, 1);
    open(&mut c, t(17_000));
    c.restart(t(26_999));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 1, "9.999 s open is not healthy");
    open(&mut c, t(27_000));
    c.restart(t(37_000));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 0, "10 s open is healthy");
}

#[test]
fn restart_while_waiting_brings_the_connect_forward() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    c.handle_error(t(0));
    assert_eq!(c.poll_timeout(), Some(t(3_000)));
    c.restart(t(10));
    assert_eq!(c.poll_timeout(), None, "the reconnect timer is gone");
    assert_eq!(
        expect_connect(&mut c),
        (String::new(), 1),
        "no Close: no connection"
    );
    assert_eq!(c.poll_action(), None);
    // Before the connect is taken: nothing to close, one Connect.
    c.restart(t(20));
    c.restart(t(20));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 1);
    c.restart(t(30));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    c.restart(t(31));
    assert_eq!(expect_connect(&mut c).1, 1);
    assert_eq!(c.poll_action(), None);
}

#[test]
fn restart_is_refused_once_closed() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    expect_connect(&mut c);
    c.close();
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Closed)));
    c.restart(t(1));
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.poll_action(), None);
    assert_eq!(c.fail_reason(), Some(FailReason::Closed));
}

#[test]
fn restart_resends_a_one_shot_request() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::one_shot());
    expect_connect(&mut c);
    open(&mut c, t(0));
    c.restart(t(1));
    assert_eq!(c.poll_action(), Some(Action::Close(CloseReason::Restart)));
    assert_eq!(expect_connect(&mut c).1, 0);
}

#[test]
fn redirects_keep_the_connect_outstanding() {
    let mut config = Config::replayable();
    config.idle_timeout = Some(Duration::from_millis(500));
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    for (i, status) in [301u16, 302, 303, 307, 308].into_iter().enumerate() {
        let now = t(100 * (i as u64 + 1));
        assert_eq!(
            c.handle_response(now, status, None),
            Ok(Accepted::Redirect(Redirect { status }))
        );
        assert_eq!(c.ready_state(), ReadyState::Connecting);
        assert_eq!(c.poll_action(), None, "the adapter follows it");
        assert_eq!(c.poll_timeout(), Some(now + Duration::from_millis(500)));
    }
    open(&mut c, t(600));
}

#[test]
fn too_many_redirects_fail_and_the_count_is_per_request() {
    let mut config = Config::replayable();
    config.max_redirects = 2;
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    for _ in 0..2 {
        assert!(matches!(
            c.handle_response(t(0), 302, None),
            Ok(Accepted::Redirect(_))
        ));
    }
    open(&mut c, t(0));
    c.handle_error(t(1));
    c.handle_timeout(t(3_001));
    expect_connect(&mut c);
    for _ in 0..2 {
        assert!(matches!(
            c.handle_response(t(3_001), 307, None),
            Ok(Accepted::Redirect(_))
        ));
    }
    let too_many = FailReason::TooManyRedirects { limit: 2 };
    assert_eq!(
        c.handle_response(t(3_002), 308, None),
        Err(ResponseError::Failed(too_many))
    );
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.fail_reason(), Some(too_many));
    assert_eq!(c.poll_action(), None);
    assert_eq!(too_many.to_string(), "more than 2 redirects");
    // A limit of 0 follows none.
    let mut config = Config::replayable();
    config.max_redirects = 0;
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    expect_connect(&mut c);
    assert_eq!(
        c.handle_response(t(0), 301, None),
        Err(ResponseError::Failed(FailReason::TooManyRedirects {
            limit: 0
        }))
    );
    assert_eq!(Config::default().max_redirects, 10);
}

#[test]
fn redirect_method_follows_fetch() {
    let cases = [
        (301, "POST", true),
        (301, "post", true),
        (301, "GET", false),
        (301, "PUT", false),
        (302, "POST", true),
        (302, "DELETE", false),
        (303, "POST", true),
        (303, "PUT", true),
        (303, "GET", false),
        (303, "head", false),
        (307, "POST", false),
        (308, "POST", false),
    ];
    for (status, method, get) in cases {
        assert_eq!(
            Redirect { status }.method_becomes_get(method),
            get,
            "{status} {method}"
        );
    }
}

#[test]
fn response_error_displays() {
    let failed = ResponseError::Failed(FailReason::Status { status: 401 });
    assert_eq!(failed.to_string(), "response status 401, expected 200");
    assert_eq!(
        ResponseError::Unexpected.to_string(),
        "response head without an outstanding connect"
    );
    assert_eq!(
        LastEventIdError::ForbiddenByte {
            byte: b'\n',
            offset: 2
        }
        .to_string(),
        "last event id has byte 0x0a at offset 2"
    );
}

#[test]
fn accessors_report_the_state() {
    let mut config = Config::replayable();
    config.reconnect_time = Duration::from_millis(1_234);
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    assert_eq!(c.config(), &config);
    assert_eq!(c.reconnection_time(), Duration::from_millis(1_234));
    assert_eq!(c.last_event_id(), "");
    expect_connect(&mut c);
    open(&mut c, t(0));
    assert_eq!(
        feed(&mut c, t(1), b"id: abc\nretry: 70\ndata: x\n\n"),
        ["retry 70", "x"]
    );
    assert_eq!(c.last_event_id(), "abc");
    assert_eq!(c.decoder().last_event_id(), "abc");
    assert_eq!(c.reconnection_time(), Duration::from_millis(70));
}
