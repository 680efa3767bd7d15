//! An arbitrary timeline of client inputs at non-decreasing times: never
//! panics, and the client keeps its contracts:
//! - after `handle_timeout(now)`, `poll_timeout()` is never before `now`, and
//!   is `now` only if the call changed something (no due deadline stays due);
//! - a one-shot client asks to connect once; a connect carries the client's
//!   last event ID and an attempt within the retry budget;
//! - a Closed client stays Closed, with no timer and no `Connect`;
//! - no deadline lies further ahead than the largest reconnection time seen
//!   (or the backoff cap) or the idle timeout;
//! - bytes given while not Open decode to nothing; `handle_response` takes a
//!   head exactly while a `Connect` is outstanding (taken and not answered or
//!   dropped), and an unexpected head changes nothing; Open only after an
//!   outstanding `Connect` was answered.
//!
//! Input (`sse_fuzz::Reader`, missing bytes read as 0):
//! `flags` (bit 0 one-shot, 1 exponential backoff, 2 jitter, 3 idle timeout,
//! 4 retry budget), `reconnect_ms: u16`, `idle_ms: u16`, `healthy_ms: u16`,
//! `backoff_max_ms: u16`, `budget: u8`, `seed: u8`, `limits: u8` (line and
//! event limit knob, 255 default), `id_len: u8`, `id`, then operations:
//! `op: u8`, `dt: u16` (ms to advance; 0xFFFF jumps to `poll_timeout()`), and
//! per `op % 9`: 0 `handle_response(status: u8 index, content type: u8 index)`,
//! 1 `handle_bytes(len: u8, bytes)`, 2 `handle_end(truncated: u8 & 1)`,
//! 3 `handle_error`, 4 `handle_timeout`, 5 `close`, 6 drain `poll_action`,
//! 7 one `poll_action`, 8 `restart`. `max_redirects` is `budget % 4`.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use sse_fuzz::{limits, Reader};
use sse_proto::client::{Accepted, Action, Backoff, Client, Config, ReadyState, ResponseError};
use sse_proto::{Decoder, Instant, StreamEnd};

const STATUSES: [u16; 10] = [200, 200, 200, 204, 301, 307, 401, 500, 103, 303];
const TYPES: [Option<&[u8]>; 6] = [
    Some(b"text/event-stream"),
    Some(b"text/event-stream; charset=utf-8"),
    Some(b"TEXT/Event-Stream"),
    None,
    Some(b"text/plain"),
    Some(b""),
];

struct Checker {
    one_shot: bool,
    budget: Option<u32>,
    connects: u32,
    restarts: u32,
    closed: bool,
    /// A `Connect` was taken and not yet answered nor dropped.
    outstanding: bool,
}

impl Checker {
    fn action(&mut self, action: Option<Action>) -> bool {
        match action {
            Some(Action::Connect(c)) => {
                assert!(!self.closed, "a closed client connects");
                self.connects += 1;
                self.outstanding = true;
                assert!(
                    !(self.one_shot && self.connects > 1 + self.restarts),
                    "one-shot reconnects"
                );
                if let Some(budget) = self.budget {
                    assert!(
                        c.attempt <= budget,
                        "attempt {} over budget {budget}",
                        c.attempt
                    );
                }
                true
            }
            Some(Action::Close(_)) => {
                self.outstanding = false;
                true
            }
            None => false,
        }
    }

    fn state(&mut self, client: &Client<Vec<u8>>) {
        let state = client.ready_state();
        if self.closed {
            assert_eq!(state, ReadyState::Closed, "left Closed");
        }
        if state == ReadyState::Closed {
            self.closed = true;
            assert_eq!(client.poll_timeout(), None, "a closed client has a timer");
        } else {
            assert_eq!(client.fail_reason(), None);
        }
    }
}

fn poll(client: &mut Client<Vec<u8>>, checker: &mut Checker) -> bool {
    checker.action(client.poll_action())
}

fuzz_target!(|input: &[u8]| {
    let mut r = Reader(input);
    let flags = r.u8();
    let mut config = if flags & 1 != 0 {
        Config::one_shot()
    } else {
        Config::replayable()
    };
    config.reconnect_time = Duration::from_millis(r.u16().into());
    let idle = Duration::from_millis(r.u16().into());
    config.idle_timeout = (flags & 8 != 0).then_some(idle);
    config.healthy_after = Duration::from_millis(r.u16().into());
    let max = Duration::from_millis(r.u16().into());
    if flags & 2 != 0 {
        config.backoff = Backoff::Exponential {
            max,
            jitter: flags & 4 != 0,
        };
    }
    let budget = r.u8();
    config.retry_budget = (flags & 16 != 0).then_some(budget.into());
    config.seed = r.u8().into();
    config.max_redirects = u32::from(budget % 4);
    let knob = r.u8();
    let id_len = r.u8();
    let id = String::from_utf8_lossy(r.take(id_len.into())).into_owned();

    let mut now = 0u64;
    config.limits = limits(knob, knob);
    let Ok(mut client) = Client::with_decoder(config, Decoder::new(), Instant::from_millis(now))
        .with_last_event_id(&id)
    else {
        return;
    };
    assert_eq!(client.last_event_id(), id);
    let mut checker = Checker {
        one_shot: flags & 1 != 0,
        budget: config.retry_budget,
        connects: 0,
        restarts: 0,
        closed: false,
        outstanding: false,
    };
    let mut max_base = client.reconnection_time();
    while !r.is_empty() {
        let op = r.u8() % 9;
        let dt = r.u16();
        if dt == u16::MAX {
            if let Some(at) = client.poll_timeout() {
                now = now.max(at.as_millis());
            }
        } else {
            now = now.saturating_add(dt.into());
        }
        let t = Instant::from_millis(now);
        let was_open = client.ready_state() == ReadyState::Open;
        let outstanding_before = checker.outstanding;
        match op {
            0 => {
                let status = STATUSES[usize::from(r.u8()) % STATUSES.len()];
                let ty = TYPES[usize::from(r.u8()) % TYPES.len()];
                let before = (client.ready_state(), client.poll_timeout());
                let result = client.handle_response(t, status, ty);
                assert_eq!(
                    result == Err(ResponseError::Unexpected),
                    !checker.outstanding,
                    "a head is taken exactly while a Connect is outstanding"
                );
                match result {
                    Ok(Accepted::Open) => {
                        assert_eq!(client.ready_state(), ReadyState::Open);
                        checker.outstanding = false;
                    }
                    Ok(Accepted::Redirect(_)) => {
                        assert_eq!(client.ready_state(), ReadyState::Connecting);
                    }
                    Err(ResponseError::Unexpected) => {
                        assert_eq!((client.ready_state(), client.poll_timeout()), before);
                    }
                    Err(_) => {
                        assert_eq!(client.ready_state(), ReadyState::Closed);
                        checker.outstanding = false;
                    }
                }
            }
            1 => {
                let len = r.u8();
                let bytes = r.take(len.into());
                let open = client.ready_state() == ReadyState::Open;
                let mut feed = client.handle_bytes(t, bytes);
                while feed.next_item().is_some() {
                    assert!(open, "items while not open");
                }
            }
            2 => {
                let framing = if r.u8() & 1 != 0 {
                    StreamEnd::Truncated
                } else {
                    StreamEnd::Clean
                };
                let open = client.ready_state() == ReadyState::Open;
                let end = client.handle_end(t, framing);
                if open {
                    checker.outstanding = false;
                }
                if open && framing == StreamEnd::Truncated {
                    assert_eq!(end, StreamEnd::Truncated);
                }
                if !open {
                    assert_eq!(end, StreamEnd::Clean);
                }
            }
            3 => {
                client.handle_error(t);
                checker.outstanding = false;
            }
            4 => {
                let before = format!("{client:?}");
                // While a Connect is outstanding, the only timer is the idle
                // one: when due, it drops the connection.
                if client.poll_timeout().is_some_and(|at| at <= t) {
                    checker.outstanding = false;
                }
                client.handle_timeout(t);
                if let Some(at) = client.poll_timeout() {
                    assert!(
                        at >= t,
                        "deadline {at:?} before now {t:?} after handle_timeout"
                    );
                    if at == t {
                        assert_ne!(before, format!("{client:?}"), "a due deadline did nothing");
                    }
                }
            }
            5 => {
                client.close();
                checker.outstanding = false;
            }
            6 => while poll(&mut client, &mut checker) {},
            7 => {
                poll(&mut client, &mut checker);
            }
            _ => {
                if !checker.closed {
                    checker.restarts += 1;
                }
                client.restart(t);
                checker.outstanding = false; // a new Connect is queued, not taken
            }
        }
        if client.ready_state() == ReadyState::Open && !was_open {
            assert!(
                op == 0 && outstanding_before,
                "Open only after a Connect was taken and not yet answered"
            );
        }
        checker.state(&client);
        // No timer further out than the longest delay or idle timeout allows.
        max_base = max_base.max(client.reconnection_time());
        let delay = match config.backoff {
            Backoff::Exponential { max, .. } => max.max(max_base),
            _ => max_base,
        };
        let horizon = t.saturating_add(delay.max(config.idle_timeout.unwrap_or_default()));
        if let Some(at) = client.poll_timeout() {
            assert!(at <= horizon, "deadline {at:?} past {horizon:?}");
        }
    }
});
