//! Property tests of the client state machine: any sequence of inputs, at any
//! times, never panics, and the contracts hold after every step.
#![cfg(feature = "alloc")]

use core::time::Duration;

use proptest::prelude::*;
use sse_proto::client::{
    Accepted, Action, Backoff, Client, Config, Mode, ReadyState, ResponseError,
};
use sse_proto::{Instant, StreamEnd};

#[derive(Debug, Clone)]
enum Input {
    Response(u16, bool),
    Bytes(Vec<u8>),
    End(bool),
    Error,
    Timeout,
    Close,
    Restart,
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        (
            prop_oneof![
                Just(200u16),
                Just(204),
                Just(500),
                Just(302),
                Just(307),
                100u16..600
            ],
            any::<bool>()
        )
            .prop_map(|(s, ok)| Input::Response(s, ok)),
        prop::collection::vec(
            prop_oneof![
                Just(b"data: x\n\n".to_vec()),
                Just(b"retry: 0\n".to_vec()),
                Just(b"retry: 70\n".to_vec()),
                Just(b"id: 1\n".to_vec()),
                Just(b": k\n".to_vec()),
                Just(b"\n".to_vec()),
                prop::collection::vec(any::<u8>(), 0..8),
            ],
            0..4
        )
        .prop_map(|v| Input::Bytes(v.concat())),
        any::<bool>().prop_map(Input::End),
        Just(Input::Error),
        Just(Input::Timeout),
        Just(Input::Close),
        Just(Input::Restart),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (
        any::<bool>(),
        0u64..5000,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u32..4),
        prop::option::of(1u64..5000),
        any::<u64>(),
        0u32..3,
    )
        .prop_map(
            |(one_shot, reconnect, exp, jitter, budget, idle, seed, redirects)| {
                let mut c = if one_shot {
                    Config::one_shot()
                } else {
                    Config::replayable()
                };
                c.reconnect_time = Duration::from_millis(reconnect);
                if exp {
                    c.backoff = Backoff::Exponential {
                        max: Duration::from_millis(20_000),
                        jitter,
                    };
                }
                c.retry_budget = budget;
                c.idle_timeout = idle.map(Duration::from_millis);
                c.seed = seed;
                c.max_redirects = redirects;
                c
            },
        )
}

proptest! {
    #[test]
    fn contracts_hold_for_any_timeline(
        config in config(),
        steps in prop::collection::vec((0u64..3000, input()), 0..40),
    ) {
        let mut client = Client::new(config, Instant::ZERO);
        let mut now = 0u64;
        let mut connects = 0;
        let mut restarts = 0;
        let mut closed = false;
        // The model: a Connect was taken and its connection not yet answered
        // with a final head nor dropped.
        let mut outstanding = false;
        let drain = |client: &mut Client<Vec<u8>>, connects: &mut u32, outstanding: &mut bool| {
            // At most a Close and a Connect are queued at once; more is a
            // client that never stops asking (fail, don't hang).
            for _ in 0..3 {
                let Some(action) = client.poll_action() else {
                    return Ok(());
                };
                match action {
                    Action::Connect(_) => {
                        *connects += 1;
                        *outstanding = true;
                    }
                    Action::Close(_) => *outstanding = false,
                }
            }
            Err(TestCaseError::fail("more than a Close and a Connect queued"))
        };
        drain(&mut client, &mut connects, &mut outstanding)?;
        for (dt, input) in steps {
            now += dt;
            let t = Instant::from_millis(now);
            let before = client.ready_state();
            let deadline_before = client.poll_timeout();
            let outstanding_before = outstanding;
            match input {
                Input::Response(status, ok) => {
                    let ct: &[u8] = if ok { b"text/event-stream" } else { b"text/html" };
                    let result = client.handle_response(t, status, Some(ct));
                    prop_assert_eq!(
                        result == Err(ResponseError::Unexpected),
                        !outstanding,
                        "a head is taken exactly while a Connect is outstanding"
                    );
                    match result {
                        Ok(Accepted::Open) => {
                            prop_assert!(status == 200 && ok);
                            prop_assert_eq!(client.ready_state(), ReadyState::Open);
                            outstanding = false;
                        }
                        Ok(Accepted::Redirect(r)) => {
                            prop_assert_eq!(r.status, status);
                            prop_assert_eq!(client.ready_state(), ReadyState::Connecting);
                        }
                        Err(ResponseError::Unexpected) => {
                            prop_assert_eq!(client.ready_state(), before, "nothing changes");
                            prop_assert_eq!(client.poll_timeout(), deadline_before, "nothing changes");
                        }
                        Err(_) => {
                            prop_assert_eq!(client.ready_state(), ReadyState::Closed);
                            outstanding = false;
                        }
                    }
                }
                Input::Bytes(bytes) => {
                    let mut feed = client.handle_bytes(t, &bytes);
                    while feed.next_item().is_some() {}
                }
                Input::End(clean) => {
                    let framing = if clean { StreamEnd::Clean } else { StreamEnd::Truncated };
                    let end = client.handle_end(t, framing);
                    prop_assert!(clean || before != ReadyState::Open || end == StreamEnd::Truncated);
                    if before == ReadyState::Open {
                        outstanding = false;
                    }
                }
                Input::Error => {
                    client.handle_error(t);
                    outstanding = false;
                }
                Input::Timeout => {
                    // Act on every due timer: they settle within two rounds.
                    for _ in 0..2 {
                        if client.poll_timeout().is_some_and(|d| d <= t) {
                            client.handle_timeout(t);
                            drain(&mut client, &mut connects, &mut outstanding)?;
                        }
                    }
                    prop_assert!(client.poll_timeout().is_none_or(|d| d > t));
                }
                Input::Close => client.close(),
                Input::Restart => {
                    client.restart(t);
                    if !closed {
                        restarts += 1;
                        prop_assert_eq!(client.ready_state(), ReadyState::Connecting);
                        prop_assert!(client.poll_timeout().is_none_or(|d| d > t), "no waiting");
                    }
                }
            }
            drain(&mut client, &mut connects, &mut outstanding)?;
            if client.ready_state() == ReadyState::Open {
                prop_assert!(before == ReadyState::Open || outstanding_before,
                    "Open only after a Connect was taken and not yet answered");
            }
            if client.poll_timeout() != deadline_before {
                prop_assert!(client.poll_timeout().is_none_or(|d| d >= t), "new deadline in the past");
            }
            if closed {
                prop_assert_eq!(client.ready_state(), ReadyState::Closed, "closed is for good");
                prop_assert_eq!(client.poll_timeout(), None);
            }
            closed = client.ready_state() == ReadyState::Closed;
            if client.fail_reason().is_some() {
                prop_assert!(closed, "a fail reason means closed");
            }
            if closed && config.mode == Mode::Replayable {
                prop_assert!(client.fail_reason().is_some(), "a replayable stream closes only on a failure");
            }
        }
        if config.mode == Mode::OneShot {
            prop_assert!(connects <= 1 + restarts, "one-shot requests are re-sent only on restart");
        }
    }
}
