//! The `Backplane` contract (`sse_rt::test_util::backplane`) against the
//! in-memory implementation, the hub; `sse-redis` runs the same functions
//! against Redis.

use futures_lite::future::block_on;
use sse_rt::server::{GapPolicy, HistoryLimits, Hub, HubConfig};
use sse_rt::test_util::backplane;

/// A hub whose history holds 8 events.
fn small(policy: GapPolicy) -> Hub {
    Hub::new(
        HubConfig::new()
            .with_history(HistoryLimits::new(8, 1 << 20))
            .with_gap_policy(policy),
    )
}

#[test]
fn ordered() {
    block_on(backplane::ordered(&Hub::new(HubConfig::new()), "t"));
}

#[test]
fn replay_then_live() {
    block_on(backplane::replay_then_live(
        &Hub::new(HubConfig::new()),
        "t",
    ));
}

#[test]
fn replay_ready() {
    block_on(backplane::replay_ready(&Hub::new(HubConfig::new()), "t"));
}

#[test]
fn gap_notified() {
    block_on(backplane::gap_notified(&small(GapPolicy::Notify), "t", 20));
}

#[test]
fn gap_refused() {
    block_on(backplane::gap_refused(&small(GapPolicy::Refuse), "t", 20));
}
