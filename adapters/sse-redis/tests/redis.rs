//! sse-rt's backplane contract against a real Redis, on one node and across
//! two, and the node through Redis going down and coming back.
//!
//! Each test starts its own `redis-server` on 127.0.0.1 (a free port, a
//! temporary directory, append-only file on). Without `redis-server` on
//! the `PATH`, each prints `SKIP` and passes, unless `SSE_REDIS_TESTS` is
//! set (CI sets it), where it fails.
//!
//! On tokio by default; `--no-default-features --features smol` runs the
//! same tests on smol.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Duration;

use futures_core::Stream;
use http::Version;
use sse_redis::test_util::RedisServer as Redis;
use sse_redis::{RedisBackplane, RedisConfig, RedisStream};
use sse_rt::grip::Hold;
use sse_rt::server::{
    Backplane, GapPolicy, HistoryLimits, HubConfig, LastEventId, PublishError, Published,
    SubscribeError,
};
use sse_rt::test_util::backplane::{self, datas, publish_all, subscribe};
use sse_rt::EventFrame;

/// A failure guard, never a timing assertion.
const PATIENCE: Duration = Duration::from_secs(60);

/// A node whose local history holds only 4 events (so resumes go to Redis)
/// and whose streams keep about 10 entries (Redis trims whole nodes of 100).
fn node(redis: &Redis, policy: GapPolicy) -> RedisBackplane {
    let hub = HubConfig::new()
        .with_history(HistoryLimits::new(4, 1 << 20))
        .with_gap_policy(policy);
    let config = RedisConfig::new()
        .with_hub(hub)
        .with_max_len(10)
        .with_block(Duration::from_millis(200))
        .with_backoff(Duration::from_millis(20), Duration::from_millis(200));
    RedisBackplane::new(&redis.url(), config).expect("a redis URL")
}

/// Runs `test` on tokio (the readers are tokio tasks), with the guard.
#[cfg(feature = "tokio")]
fn run(test: impl Future<Output = ()>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        tokio::time::timeout(PATIENCE, test)
            .await
            .expect("the test finished in time");
    });
}

/// Runs `test` on smol (the readers are smol tasks), with the guard.
#[cfg(not(feature = "tokio"))]
fn run(test: impl Future<Output = ()>) {
    smol::block_on(futures_lite::future::or(test, async {
        smol::Timer::after(PATIENCE).await;
        panic!("the test did not finish in time");
    }));
}

/// Waits `delay` on the test's runtime.
async fn sleep(delay: Duration) {
    #[cfg(feature = "tokio")]
    tokio::time::sleep(delay).await;
    #[cfg(not(feature = "tokio"))]
    smol::Timer::after(delay).await;
}

/// Publishes on one node, subscribes on another: the contract across nodes.
#[derive(Clone)]
struct TwoNodes {
    publisher: RedisBackplane,
    subscriber: RedisBackplane,
}

impl Backplane for TwoNodes {
    type Stream = RedisStream;

    fn publish(
        &self,
        topic: &str,
        event: EventFrame<'_>,
    ) -> impl Future<Output = Result<Published, PublishError>> + Send {
        self.publisher.publish(topic, event)
    }

    fn subscribe(
        &self,
        topic: &str,
        after: LastEventId<'_>,
    ) -> impl Future<Output = Result<RedisStream, SubscribeError>> + Send {
        self.subscriber.subscribe(topic, after)
    }
}

#[test]
fn ordered() {
    let Some(redis) = Redis::start("ordered") else {
        return;
    };
    run(backplane::ordered(&node(&redis, GapPolicy::Notify), "t"));
}

#[test]
fn replay_then_live() {
    let Some(redis) = Redis::start("replay") else {
        return;
    };
    run(backplane::replay_then_live(
        &node(&redis, GapPolicy::Notify),
        "t",
    ));
}

#[test]
fn replay_then_live_across_two_nodes() {
    let Some(redis) = Redis::start("two-nodes") else {
        return;
    };
    let nodes = TwoNodes {
        publisher: node(&redis, GapPolicy::Notify),
        subscriber: node(&redis, GapPolicy::Notify),
    };
    run(async {
        backplane::ordered(&nodes, "a").await;
        backplane::replay_then_live(&nodes, "b").await;
        backplane::gap_notified(&nodes, "c", 300).await;
        backplane::replay_ready(&nodes, "d").await;
    });
}

/// The GRIP hold out of the shared log: on a node that has not seen the
/// events (and whose history holds 4), a client 7 events back gets all 7 in
/// the hold's body, and the `prev-id` is the newest; a new client's hold has
/// no body and the same `prev-id`, so Pushpin passes on what follows.
#[test]
fn grip_hold_replays_out_of_redis() {
    let Some(redis) = Redis::start("grip-hold") else {
        return;
    };
    run(async {
        let (a, b) = (
            node(&redis, GapPolicy::Notify),
            node(&redis, GapPolicy::Notify),
        );
        let ids = publish_all(&a, "t", &datas(1, 8)).await;
        let hold = Hold::new("t").next_link("/events");
        let resumed = hold
            .respond(&b, LastEventId::Id(&ids[0]), Version::HTTP_11)
            .await
            .expect("a hold");
        let body = String::from_utf8_lossy(resumed.body());
        let expected: String = ids[1..]
            .iter()
            .zip(datas(2, 8))
            .map(|(id, data)| format!("id: {id}\ndata: {data}\n\n"))
            .collect();
        assert_eq!(body, expected);
        let channel = format!("t; prev-id={}", ids[7]);
        assert_eq!(resumed.headers()["grip-channel"], &*channel);
        let fresh = hold
            .respond(&b, LastEventId::Absent, Version::HTTP_11)
            .await
            .expect("a hold");
        assert!(fresh.body().is_empty());
        assert_eq!(fresh.headers()["grip-channel"], &*channel);
    });
}

#[test]
fn replay_ready() {
    let Some(redis) = Redis::start("replay-ready") else {
        return;
    };
    run(backplane::replay_ready(
        &node(&redis, GapPolicy::Notify),
        "t",
    ));
}

#[test]
fn gap_notified() {
    let Some(redis) = Redis::start("gap-notified") else {
        return;
    };
    run(backplane::gap_notified(
        &node(&redis, GapPolicy::Notify),
        "t",
        300,
    ));
}

#[test]
fn gap_refused() {
    let Some(redis) = Redis::start("gap-refused") else {
        return;
    };
    run(backplane::gap_refused(
        &node(&redis, GapPolicy::Refuse),
        "t",
        300,
    ));
}

/// Whether the stream waits (open, nothing ready), without waiting.
fn waiting(stream: &mut RedisStream) -> bool {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(stream).poll_next(&mut cx).is_pending()
}

#[test]
fn redis_down_then_back_loses_nothing() {
    let Some(mut redis) = Redis::start("outage") else {
        return;
    };
    let node_a = node(&redis, GapPolicy::Notify);
    let node_b = node(&redis, GapPolicy::Notify);
    run(async move {
        let mut live = subscribe(&node_a, "t", LastEventId::Absent).await;
        let before = publish_all(&node_b, "t", &datas(1, 5)).await;
        assert_eq!(live.take(5).await.len(), 5);

        redis.kill();
        // Publishing fails, typed; the open stream stays open.
        let err = node_b
            .publish("t", EventFrame::new("lost"))
            .await
            .unwrap_err();
        assert!(matches!(err, PublishError::Unavailable(_)), "{err:?}");
        let err = node_a
            .publish("t", EventFrame::new("lost"))
            .await
            .unwrap_err();
        assert!(matches!(err, PublishError::Unavailable(_)), "{err:?}");
        // A resume the local history cannot serve needs Redis: 503.
        let err = node_a
            .subscribe("t", LastEventId::Id(&before[0]))
            .await
            .unwrap_err();
        assert_eq!(err.status(), 503, "{err:?}");
        // The reader fails and backs off meanwhile; the stream waits.
        sleep(Duration::from_millis(300)).await;
        assert!(waiting(live.stream_mut()));

        redis.restart();
        // Publish as soon as the node has reconnected (after its backoff).
        let mut after = Vec::new();
        for data in datas(6, 10) {
            loop {
                match node_b.publish("t", EventFrame::new(&data)).await {
                    Ok(published) => break after.push(published.id.to_string()),
                    Err(PublishError::Unavailable(_)) => {
                        sleep(Duration::from_millis(20)).await;
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        }
        // The reader went on from its last entry: everything, once, in order.
        let seen = live.take(5).await;
        let data: Vec<&str> = seen.iter().map(|e| &*e.data).collect();
        assert_eq!(data, datas(6, 10));
        let ids: Vec<&str> = seen.iter().map(|e| &*e.id).collect();
        assert_eq!(ids, after);
        // The append-only file kept the events from before the restart.
        let mut resumed = subscribe(&node_b, "t", LastEventId::Id(&before[1])).await;
        let seen = resumed.take(8).await;
        let data: Vec<&str> = seen.iter().map(|e| &*e.data).collect();
        assert_eq!(data, [&datas(3, 5)[..], &datas(6, 10)[..]].concat());
    });
}
