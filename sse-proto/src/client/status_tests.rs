//! The status policy and `Retry-After` (`Client::handle_head`), on a virtual
//! clock.

use super::*;
use crate::FixedBuf;

fn t(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn retrying(mode: Mode) -> Config {
    let mut config = match mode {
        Mode::Replayable => Config::replayable(),
        Mode::OneShot => Config::one_shot(),
    };
    config.status_policy = StatusPolicy::RetryTransient;
    config.reconnect_time = Duration::from_millis(100);
    config
}

fn client(mem: &mut [u8], config: Config) -> Client<FixedBuf<'_>> {
    let mut c = Client::with_decoder(config, Decoder::with_buffer(mem), t(0));
    assert!(matches!(c.poll_action(), Some(Action::Connect(_))));
    c
}

#[test]
fn transient_statuses_are_retried_after_the_reconnection_time() {
    for status in [408, 429, 500, 502, 503, 599] {
        let mut mem = [0u8; 256];
        let mut c = client(&mut mem, retrying(Mode::Replayable));
        assert_eq!(
            c.handle_head(t(10), Head::new(status, Some(b"text/event-stream"))),
            Err(ResponseError::Retry {
                status,
                delay: Duration::from_millis(100)
            }),
            "{status}"
        );
        assert_eq!(c.ready_state(), ReadyState::Connecting);
        assert_eq!(c.fail_reason(), None);
        assert_eq!(c.poll_action(), None, "no Close: the adapter drops it");
        assert_eq!(c.poll_timeout(), Some(t(110)));
        c.handle_timeout(t(110));
        assert_eq!(
            c.poll_action(),
            Some(Action::Connect(Connect { attempt: 1 }))
        );
        assert_eq!(
            c.handle_response(t(120), 200, Some(b"text/event-stream")),
            Ok(Accepted::Open)
        );
    }
}

#[test]
fn other_statuses_still_fail_for_good() {
    for (status, ty, reason) in [
        (401, None, FailReason::Status { status: 401 }),
        (404, None, FailReason::Status { status: 404 }),
        (409, None, FailReason::Status { status: 409 }),
        (499, None, FailReason::Status { status: 499 }),
        (600, None, FailReason::Status { status: 600 }),
        (204, None, FailReason::NoContent),
        (200, Some(&b"text/html"[..]), FailReason::ContentType),
    ] {
        let mut mem = [0u8; 256];
        let mut c = client(&mut mem, retrying(Mode::Replayable));
        assert_eq!(
            c.handle_head(t(0), Head::new(status, ty)),
            Err(ResponseError::Failed(reason))
        );
        assert_eq!(c.ready_state(), ReadyState::Closed);
    }
}

#[test]
fn the_default_policy_fails_a_503() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, Config::replayable());
    let head = Head::new(503, None).with_retry_after_header(Some(b"1"));
    assert_eq!(
        c.handle_head(t(0), head),
        Err(ResponseError::Failed(FailReason::Status { status: 503 }))
    );
    assert_eq!(c.ready_state(), ReadyState::Closed);
}

#[test]
fn one_shot_is_never_resent_for_a_transient_status() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, retrying(Mode::OneShot));
    assert_eq!(
        c.handle_head(t(0), Head::new(503, None)),
        Err(ResponseError::Failed(FailReason::Status { status: 503 }))
    );
    assert_eq!(c.ready_state(), ReadyState::Closed);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn retry_after_is_a_floor_on_the_backoff_delay() {
    let mut config = retrying(Mode::Replayable);
    config.backoff = Backoff::Exponential {
        max: Duration::from_secs(60),
        jitter: false,
    };
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    let mut now = 0;
    // (Retry-After, the delay expected): 100 ms base doubling per failure.
    for (after, delay) in [
        (None, 100),
        (Some(&b"1"[..]), 1000),
        (Some(b"0"), 400),
        (Some(b"not a number"), 800),
        (Some(b"2"), 2000),
    ] {
        let head = Head::new(503, None).with_retry_after_header(after);
        assert_eq!(
            c.handle_head(t(now), head),
            Err(ResponseError::Retry {
                status: 503,
                delay: Duration::from_millis(delay)
            }),
            "{after:?}"
        );
        now += delay;
        assert_eq!(c.poll_timeout(), Some(t(now)));
        c.handle_timeout(t(now));
        assert!(matches!(c.poll_action(), Some(Action::Connect(_))));
    }
}

#[test]
fn the_retry_budget_bounds_transient_statuses() {
    let mut config = retrying(Mode::Replayable);
    config.retry_budget = Some(2);
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, config);
    for now in [0, 100] {
        assert!(matches!(
            c.handle_head(t(now), Head::new(500, None)),
            Err(ResponseError::Retry { status: 500, .. })
        ));
        c.handle_timeout(t(now + 100));
        assert!(matches!(c.poll_action(), Some(Action::Connect(_))));
    }
    assert_eq!(
        c.handle_head(t(200), Head::new(500, None)),
        Err(ResponseError::Failed(FailReason::RetryBudget {
            retries: 2
        }))
    );
    assert_eq!(c.ready_state(), ReadyState::Closed);
}

#[test]
fn a_head_without_a_connect_is_unexpected_under_any_policy() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, retrying(Mode::Replayable));
    assert!(c.handle_head(t(0), Head::new(503, None)).is_err());
    let before = (c.ready_state(), c.poll_timeout());
    assert_eq!(
        c.handle_head(t(1), Head::new(503, None)),
        Err(ResponseError::Unexpected)
    );
    assert_eq!((c.ready_state(), c.poll_timeout()), before);
}

#[test]
fn retry_after_header_values() {
    let read = |v: Option<&[u8]>| Head::new(503, None).with_retry_after_header(v).retry_after;
    assert_eq!(read(None), None);
    assert_eq!(read(Some(b"")), None);
    assert_eq!(read(Some(b" \t")), None);
    assert_eq!(read(Some(b"0")), Some(Duration::ZERO));
    assert_eq!(read(Some(b"\t30 ")), Some(Duration::from_secs(30)));
    assert_eq!(read(Some(b"-1")), None);
    assert_eq!(read(Some(b"+1")), None);
    assert_eq!(read(Some(b"1.5")), None);
    assert_eq!(read(Some(b"1 2")), None);
    assert_eq!(
        read(Some(b"99999999999999999999999")),
        Some(Duration::from_secs(u64::MAX))
    );
    assert_eq!(read(Some(b"Fri, 31 Dec 1999 23:59:59 GMT")), None);
}

#[test]
fn a_huge_retry_after_saturates_the_deadline() {
    let mut mem = [0u8; 256];
    let mut c = client(&mut mem, retrying(Mode::Replayable));
    let head = Head::new(429, None).with_retry_after_header(Some(b"18446744073709551615"));
    assert!(matches!(
        c.handle_head(t(5), head),
        Err(ResponseError::Retry { status: 429, .. })
    ));
    assert_eq!(c.poll_timeout(), Some(Instant::MAX));
}
