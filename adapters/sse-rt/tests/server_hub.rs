//! The broadcast hub: shared frames, IDs, the lag policies, resume at the
//! seam (also under concurrent publishing, with threads), the gap policies,
//! unsubscribe on drop, metrics, shutdown, 1,000 subscribers.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use futures_core::Stream;
use futures_lite::StreamExt;
use sse_rt::server::{
    EncodedFrame, Ended, EventBody, GapPolicy, HistoryError, HistoryLimits, Hub, HubConfig, HubIds,
    InvalidLastEventId, LagPolicy, LastEventId, PublishError, Start, SubscribeError, Subscription,
};
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{ChunkDecoder, DecodeConfig, EventFrame, ItemOwned};

/// The events of `frames` as `"type id data"`.
fn events<'a>(frames: impl IntoIterator<Item = &'a EncodedFrame>) -> Vec<String> {
    let mut decoder = ChunkDecoder::new(DecodeConfig::new());
    let mut out = Vec::new();
    for frame in frames {
        let mut input = frame.as_bytes();
        while !input.is_empty() {
            let step = decoder.decode(input);
            input = &input[step.consumed..];
            if let Some(Ok(ItemOwned::Event(e))) = step.item {
                out.push(format!("{} {} {}", e.event_type, e.last_event_id, e.data));
            }
        }
    }
    out
}

/// What a subscription has ready now (without waiting), and whether it ended.
fn drain(sub: &mut Subscription) -> (Vec<EncodedFrame>, bool) {
    let mut cx = Context::from_waker(Waker::noop());
    let mut frames = Vec::new();
    loop {
        match Pin::new(&mut *sub).poll_next(&mut cx) {
            Poll::Ready(Some(frame)) => frames.push(frame),
            Poll::Ready(None) => return (frames, true),
            Poll::Pending => return (frames, false),
        }
    }
}

fn ids(n: std::ops::RangeInclusive<u64>) -> Vec<String> {
    n.map(|i| format!("message {i} e{i}")).collect()
}

fn publish_n(hub: &Hub, topic: &str, n: std::ops::RangeInclusive<u64>) {
    for i in n {
        hub.publish(topic, EventFrame::new(&format!("e{i}")))
            .unwrap();
    }
}

#[test]
fn one_encoding_shared_by_every_subscriber() {
    let hub = Hub::new(HubConfig::new());
    let mut a = hub.subscribe("t", LastEventId::Absent).unwrap();
    let mut b = hub.subscribe("t", LastEventId::Absent).unwrap();
    let mut other = hub.subscribe("other", LastEventId::Absent).unwrap();
    let published = hub
        .publish("t", EventFrame::new("x\ny").with_event_type("multi"))
        .unwrap();
    assert_eq!((&*published.id, published.queued), ("1", 2));
    let (fa, _) = drain(&mut a);
    let (fb, _) = drain(&mut b);
    assert_eq!(
        fa[0].as_bytes(),
        b"event: multi\nid: 1\ndata: x\ndata: y\n\n"
    );
    assert_eq!(fa, fb);
    assert_eq!(
        fa[0].as_bytes().as_ptr(),
        fb[0].as_bytes().as_ptr(),
        "the same bytes, not a copy per subscriber"
    );
    assert!(drain(&mut other).0.is_empty(), "other topics get nothing");
    assert_eq!(hub.topic("t").subscribers(), 2);
    assert_eq!(hub.get("t").unwrap().name(), "t");
    assert!(hub.get("nope").is_none());
}

#[test]
fn ids_assigned_monotonic_or_given_by_the_caller() {
    let hub = Hub::new(HubConfig::new().with_ids(HubIds::Assigned { first: 100 }));
    let ids: Vec<_> = (0..3)
        .map(|_| hub.publish("t", EventFrame::new("x")).unwrap().id)
        .collect();
    assert_eq!(
        ids.iter().map(|i| &**i).collect::<Vec<_>>(),
        ["100", "101", "102"]
    );
    assert_eq!(hub.topic("t").last_event_id().as_deref(), Some("102"));
    assert_eq!(
        hub.publish("t", EventFrame::new("x").with_id("7")),
        Err(PublishError::Refused(HistoryError::UnexpectedId))
    );
    assert!(matches!(
        hub.publish("t", EventFrame::new("x").with_event_type("a\nb")),
        Err(PublishError::Refused(HistoryError::Encode(_)))
    ));

    let hub = Hub::new(HubConfig::new().with_ids(HubIds::Caller));
    let mut sub = hub.subscribe("t", LastEventId::Absent).unwrap();
    assert_eq!(
        &*hub
            .publish("t", EventFrame::new("a").with_id("k-1"))
            .unwrap()
            .id,
        "k-1"
    );
    assert_eq!(
        hub.publish("t", EventFrame::new("b")),
        Err(PublishError::Refused(HistoryError::MissingId))
    );
    assert_eq!(
        hub.publish("t", EventFrame::new("b").with_id("k-1")),
        Err(PublishError::Refused(HistoryError::DuplicateId))
    );
    hub.publish("t", EventFrame::new("b").with_id("k-2"))
        .unwrap();
    assert_eq!(
        events(&drain(&mut sub).0),
        ["message k-1 a", "message k-2 b"]
    );
    let mut resumed = hub.subscribe("t", LastEventId::Id("k-1")).unwrap();
    assert_eq!(resumed.start(), Start::Replayed { events: 1 });
    assert_eq!(events(&drain(&mut resumed).0), ["message k-2 b"]);
}

#[test]
fn a_slow_subscriber_is_disconnected_by_default_and_resumes() {
    let hub = Hub::new(HubConfig::new().with_capacity(2));
    let mut slow = hub.subscribe("t", LastEventId::Absent).unwrap();
    let mut fast = hub.subscribe("t", LastEventId::Absent).unwrap();
    let mut got_fast = Vec::new();
    for i in 1..=5 {
        hub.publish("t", EventFrame::new(&format!("e{i}"))).unwrap();
        got_fast.extend(drain(&mut fast).0);
    }
    assert_eq!(events(&got_fast), ids(1..=5), "the others keep receiving");
    assert_eq!(slow.ended(), Some(Ended::Lagged));
    // What was queued is delivered, then the stream ends: no hole, no skip.
    let (frames, ended) = drain(&mut slow);
    assert_eq!((events(&frames), ended), (ids(1..=2), true));
    assert_eq!(slow.last_event_id(), Some("2"));
    let m = hub.metrics();
    assert_eq!(
        (
            m.subscribers,
            m.published,
            m.lagged,
            m.disconnected,
            m.dropped
        ),
        (1, 5, 1, 1, 1)
    );
    // The client reconnects with its last event ID and misses nothing.
    let mut again = hub.subscribe("t", LastEventId::Id("2")).unwrap();
    assert_eq!(again.start(), Start::Replayed { events: 3 });
    assert_eq!(events(&drain(&mut again).0), ids(3..=5));
    assert_eq!(hub.metrics().resumed, 1);
}

#[test]
fn catch_up_keeps_a_slow_subscriber_connected_without_loss() {
    let hub = Hub::new(
        HubConfig::new()
            .with_capacity(2)
            .with_lag_policy(LagPolicy::CatchUp),
    );
    publish_n(&hub, "t", 1..=1);
    let mut slow = hub.subscribe("t", LastEventId::Absent).unwrap();
    let mut fresh = hub.subscribe("u", LastEventId::Absent).unwrap(); // joined before any event
    publish_n(&hub, "t", 2..=6);
    publish_n(&hub, "u", 1..=4);
    let m = hub.metrics();
    assert_eq!((m.lagged, m.dropped, m.disconnected), (2, 5, 0));
    let (frames, ended) = drain(&mut slow);
    assert!(!ended);
    assert_eq!(frames.len(), 3, "two queued, then one catch-up frame");
    assert_eq!(events(&frames), ids(2..=6));
    publish_n(&hub, "t", 7..=7);
    assert_eq!(events(&drain(&mut slow).0), ids(7..=7), "then live again");
    assert_eq!(events(&drain(&mut fresh).0), ids(1..=4));
}

#[test]
fn catch_up_past_the_history_disconnects() {
    let hub = Hub::new(
        HubConfig::new()
            .with_capacity(1)
            .with_history(HistoryLimits::new(2, 1 << 20))
            .with_lag_policy(LagPolicy::CatchUp),
    );
    let mut slow = hub.subscribe("t", LastEventId::Absent).unwrap();
    publish_n(&hub, "t", 1..=5); // 1 queued; 2..5 dropped; the history holds 4, 5
    let (frames, ended) = drain(&mut slow);
    assert_eq!((events(&frames), ended), (ids(1..=1), true));
    assert_eq!(slow.ended(), Some(Ended::Lagged));
    let m = hub.metrics();
    assert_eq!((m.subscribers, m.disconnected), (0, 1));
}

#[test]
fn resume_gap_and_unknown_ids_follow_the_gap_policy() {
    let hub = Hub::new(HubConfig::new().with_history(HistoryLimits::new(3, 1 << 20)));
    publish_n(&hub, "t", 1..=5); // holds 3, 4, 5
    let mut live = hub.subscribe("t", LastEventId::Absent).unwrap();
    assert_eq!(live.start(), Start::Live);
    let mut current = hub.subscribe("t", LastEventId::Id("5")).unwrap();
    assert_eq!(current.start(), Start::Replayed { events: 0 });
    let gap_then_all = ["gap  ".to_string()]
        .into_iter()
        .chain(ids(3..=5))
        .collect::<Vec<_>>();
    let mut gap = hub.subscribe("t", LastEventId::Id("1")).unwrap();
    assert_eq!(gap.start(), Start::Gap);
    let mut unknown = hub.subscribe("t", LastEventId::Id("99")).unwrap();
    assert_eq!(unknown.start(), Start::Unknown);
    let invalid = LastEventId::Invalid(InvalidLastEventId::Repeated);
    let mut bad = hub.subscribe("t", invalid).unwrap();
    assert_eq!(bad.start(), Start::Unknown);
    publish_n(&hub, "t", 6..=6);
    assert_eq!(events(&drain(&mut live).0), ids(6..=6));
    assert_eq!(events(&drain(&mut current).0), ids(6..=6));
    for sub in [&mut gap, &mut unknown, &mut bad] {
        let mut want = gap_then_all.clone();
        want.extend(ids(6..=6));
        assert_eq!(events(&drain(sub).0), want);
    }
    assert_eq!(hub.metrics().gaps, 3);

    let refuse = Hub::new(
        HubConfig::new()
            .with_history(HistoryLimits::new(3, 1 << 20))
            .with_gap_policy(GapPolicy::Refuse),
    );
    publish_n(&refuse, "t", 1..=5);
    let err = refuse.subscribe("t", LastEventId::Id("1")).unwrap_err();
    assert_eq!((err.clone(), err.status()), (SubscribeError::Gap, 204));
    let err = refuse.subscribe("t", LastEventId::Id("x")).unwrap_err();
    assert_eq!(err, SubscribeError::UnknownId);
    let ok = refuse.subscribe("t", LastEventId::Id("2")).unwrap();
    assert_eq!(ok.start(), Start::Replayed { events: 3 });
    assert_eq!(refuse.metrics().subscribers, 1);
}

#[test]
fn dropping_a_subscription_unsubscribes() {
    let hub = Hub::new(HubConfig::new());
    let a = hub.subscribe("t", LastEventId::Absent).unwrap();
    let b = hub.subscribe("t", LastEventId::Absent).unwrap();
    assert_eq!(hub.metrics().subscribers, 2);
    drop(a);
    assert_eq!(hub.metrics().subscribers, 1);
    assert_eq!(hub.publish("t", EventFrame::new("x")).unwrap().queued, 1);
    // Inside a body: the server dropping the body drops the subscription.
    let body = EventBody::new(b, VirtualRuntime::new());
    drop(body);
    assert_eq!(hub.metrics().subscribers, 0);
    assert_eq!(hub.topic("t").subscribers(), 0);
}

#[test]
fn shutdown_delivers_everything_then_retry_then_ends() {
    let hub = Hub::new(HubConfig::new().with_shutdown_retry(Some(Duration::from_millis(250))));
    let mut a = hub.subscribe("t", LastEventId::Absent).unwrap();
    let rt = VirtualRuntime::new();
    let body = EventBody::new(hub.subscribe("t", LastEventId::Absent).unwrap(), rt.clone());
    publish_n(&hub, "t", 1..=3);
    hub.shutdown();
    hub.shutdown(); // twice is fine
    assert!(hub.is_shut_down());
    assert_eq!(
        hub.publish("t", EventFrame::new("late")),
        Err(PublishError::ShutDown)
    );
    assert_eq!(
        hub.subscribe("new-topic", LastEventId::Absent).unwrap_err(),
        SubscribeError::ShutDown
    );
    let (frames, ended) = drain(&mut a);
    assert!(ended);
    assert_eq!(events(&frames), ids(1..=3));
    assert_eq!(frames.last().unwrap().as_bytes(), b"retry: 250\n\n");
    assert_eq!(a.ended(), Some(Ended::ShutDown));
    // The body ends as well, after the same frames.
    let all: Vec<u8> = rt
        .block_on(body.map(|f| f.unwrap().to_vec()).collect::<Vec<_>>())
        .concat();
    assert!(all.ends_with(b"id: 3\ndata: e3\n\nretry: 250\n\n"));
    // Everything published before is still there to resume from elsewhere.
    let replay = hub.topic("t").replay("1").unwrap();
    assert_eq!(events([&replay]), ids(2..=3));
    assert!(hub.topic("t").replay("0").is_none());
}

#[test]
fn a_thousand_subscribers_each_receive_every_event() {
    let hub = Hub::new(HubConfig::new());
    let mut subs: Vec<Subscription> = (0..1000)
        .map(|_| hub.subscribe("t", LastEventId::Absent).unwrap())
        .collect();
    let mut got: Vec<Vec<EncodedFrame>> = vec![Vec::new(); subs.len()];
    for round in 0..10u64 {
        publish_n(&hub, "t", round * 10 + 1..=round * 10 + 10);
        for (sub, got) in subs.iter_mut().zip(&mut got) {
            got.extend(drain(sub).0);
        }
    }
    let want = ids(1..=100);
    for got in &got {
        assert_eq!(events(got), want);
    }
    let m = hub.metrics();
    assert_eq!((m.subscribers, m.published, m.lagged), (1000, 100, 0));
}

/// Threads publish while others subscribe with the last ID they saw, again
/// and again (and lag and get disconnected, with a small queue): each
/// subscriber's events, across all its subscriptions, are exactly the
/// events after where it started, in order, none missing, none repeated.
#[test]
fn resume_under_concurrent_publishing_has_no_gap_and_no_duplicate() {
    const PUBLISHERS: u64 = 4;
    const PER_PUBLISHER: u64 = 500;
    const TOTAL: u64 = PUBLISHERS * PER_PUBLISHER;
    let hub = Hub::new(
        HubConfig::new()
            .with_capacity(8)
            .with_history(HistoryLimits::new(TOTAL as usize, 1 << 30)),
    );
    hub.publish("t", EventFrame::new("e1")).unwrap();
    // Publishing starts once every subscriber holds its first subscription:
    // one subscribing without an ID after the last event would wait forever,
    // and one resuming after it would get everything in one replay.
    let subscribed = std::sync::Arc::new(std::sync::Barrier::new(5));
    let subscribers: Vec<_> = (0..4)
        .map(|n| {
            let hub = hub.clone();
            let subscribed = subscribed.clone();
            thread::spawn(move || {
                let mut seen: Vec<u64> = Vec::new();
                let mut last: Option<String> = (n % 2 == 0).then(|| "1".into());
                let mut subscriptions = 0;
                while seen.last() != Some(&(TOTAL + 1)) {
                    let id = match &last {
                        Some(id) => LastEventId::Id(id),
                        None => LastEventId::Absent,
                    };
                    let mut sub = hub.subscribe("t", id).unwrap();
                    subscriptions += 1;
                    if subscriptions == 1 {
                        subscribed.wait();
                    }
                    // Read a few frames (or until disconnected, or at the
                    // last event), then drop the subscription.
                    for _ in 0..3 + n {
                        let Some(frame) = futures_lite::future::block_on(sub.next()) else {
                            break;
                        };
                        for e in events([&frame]) {
                            let id: u64 = e.split(' ').nth(1).unwrap().parse().unwrap();
                            seen.push(id);
                            last = Some(id.to_string());
                        }
                        if seen.last() == Some(&(TOTAL + 1)) {
                            break;
                        }
                    }
                    if last.is_none() {
                        last = sub.last_event_id().map(str::to_owned);
                    }
                }
                (seen, subscriptions)
            })
        })
        .collect();
    subscribed.wait();
    let publishers: Vec<_> = (0..PUBLISHERS)
        .map(|_| {
            let hub = hub.clone();
            thread::spawn(move || {
                for _ in 0..PER_PUBLISHER {
                    hub.publish("t", EventFrame::new("x")).unwrap();
                }
            })
        })
        .collect();
    for p in publishers {
        p.join().unwrap();
    }
    for (n, s) in subscribers.into_iter().enumerate() {
        let (seen, subscriptions) = s.join().unwrap();
        assert!(subscriptions > 1, "subscriber {n} resumed at least once");
        let first = seen[0];
        let want: Vec<u64> = (first..=TOTAL + 1).collect();
        assert_eq!(seen, want, "subscriber {n}: a gap or a duplicate");
    }
}
