//! The GRIP pieces against the formats Pushpin reads, and the forwarder
//! against a fake publish endpoint on the virtual clock.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderMap, Version};
use serde_json::Value;
use sse_proto::http::Url;
use sse_proto::server::{HistoryLimits, LastEventId};

use futures_lite::future::block_on;

use super::*;
use crate::server::{GapPolicy, Hub, HubConfig};
use crate::test_util::VirtualRuntime;
use crate::{EventFrame, Runtime};

#[test]
fn hold_headers_follow_pushpins_grammar() {
    let hold = Hold::new("events")
        .keep_alive(Duration::from_millis(14_500))
        .next_link("/events");
    let h = hold.headers(Some("41")).unwrap();
    assert_eq!(h["grip-hold"], "stream");
    assert_eq!(h["grip-channel"], "events; prev-id=41");
    // Rounded up to whole seconds; `\n` as the two characters Pushpin's
    // cstring format unescapes.
    assert_eq!(h["grip-keep-alive"], r":\n\n; format=cstring; timeout=15");
    assert_eq!(h["grip-link"], "</events>; rel=next");
    assert_eq!(h.len(), 4);

    let bare = Hold::new("events")
        .keep_alive(Duration::ZERO)
        .next_link("/events")
        .headers(None)
        .unwrap();
    assert_eq!(bare["grip-channel"], "events");
    assert!(!bare.contains_key("grip-keep-alive"));
    assert!(!bare.contains_key("grip-link"));
}

#[test]
fn hold_headers_refuse_what_would_break_a_parameter() {
    for bad in ["", "a;b", "a,b", "a b", "a\"b", "a\nb", "é"] {
        let e = Hold::new(bad).headers(None).unwrap_err();
        assert!(
            matches!(e, GripError::InvalidValue { what: "channel" }),
            "{bad:?}"
        );
        let e = Hold::new("c").headers(Some(bad)).unwrap_err();
        assert!(
            matches!(e, GripError::InvalidValue { what: "prev-id" }),
            "{bad:?}"
        );
    }
    let e = Hold::new("c").next_link("/a>b").headers(None).unwrap_err();
    assert!(matches!(e, GripError::InvalidValue { what: "next link" }));
}

#[test]
fn grip_last_and_grip_requests() {
    let mut headers = HeaderMap::new();
    assert!(!is_grip_request(&headers));
    assert_eq!(grip_last(&headers, "events"), None);
    headers.append(
        "grip-last",
        "a; last-id=1, events ; last-id=\"7\"".parse().unwrap(),
    );
    assert!(is_grip_request(&headers));
    assert_eq!(grip_last(&headers, "events"), Some("7"));
    assert_eq!(grip_last(&headers, "a"), Some("1"));
    assert_eq!(grip_last(&headers, "event"), None);
    let mut signed = HeaderMap::new();
    signed.insert("grip-sig", "x.y.z".parse().unwrap());
    assert!(is_grip_request(&signed));
}

#[test]
fn respond_replays_after_the_id_and_names_the_last_one() {
    let hub = Hub::new(HubConfig::new());
    let hold = Hold::new("events").next_link("/events");
    // An empty topic: no replay, no prev-id (any first item is taken).
    let empty = block_on(hold.respond(&hub, LastEventId::Absent, Version::HTTP_11)).unwrap();
    assert_eq!(empty.body().as_ref(), b"");
    assert_eq!(empty.headers()["grip-channel"], "events");
    // No next link either: a recovery request would carry no Grip-Last.
    assert!(!empty.headers().contains_key("grip-link"));
    assert_eq!(empty.headers()["content-type"], "text/event-stream");
    for data in ["a", "b", "c"] {
        hub.publish("events", EventFrame::new(data)).unwrap();
    }
    let resumed = block_on(hold.respond(&hub, LastEventId::Id("1"), Version::HTTP_11)).unwrap();
    assert_eq!(
        resumed.body().as_ref(),
        b"id: 2\ndata: b\n\nid: 3\ndata: c\n\n"
    );
    assert_eq!(resumed.headers()["grip-channel"], "events; prev-id=3");
    assert_eq!(resumed.headers()["grip-link"], "</events>; rel=next");
    // A new client: nothing to replay, and Pushpin passes on what follows 3.
    let fresh = block_on(hold.respond(&hub, LastEventId::Absent, Version::HTTP_2)).unwrap();
    assert_eq!(fresh.body().as_ref(), b"");
    assert_eq!(fresh.headers()["grip-channel"], "events; prev-id=3");
    assert!(!fresh.headers().contains_key("connection"));
    // An ID the log does not know: the hub's gap policy (Notify) answers.
    let gap = block_on(hold.respond(&hub, LastEventId::Id("x"), Version::HTTP_11)).unwrap();
    assert!(gap.body().starts_with(b"event: gap\n"));
    assert_eq!(gap.headers()["grip-channel"], "events; prev-id=3");
    hub.shutdown();
    let e = block_on(hold.respond(&hub, LastEventId::Absent, Version::HTTP_11)).unwrap_err();
    assert!(matches!(e, GripError::Subscribe(_)));
}

#[test]
fn items_are_the_json_serde_reads() {
    let nasty = "quote \" backslash \\ nl \n cr \r tab \t nul \0 unit \u{1f} del \u{7f} é 🦀";
    let items = [
        Item {
            channel: "events",
            id: "1",
            prev_id: None,
            content: "data: x\n\n",
        },
        Item {
            channel: "ch\"an",
            id: "i\\d",
            prev_id: Some("1"),
            content: nasty,
        },
    ];
    let mut json = String::new();
    write_items(&mut json, &items);
    let v: Value = serde_json::from_str(&json).unwrap();
    let expected = serde_json::json!({ "items": [
        { "channel": "events", "id": "1",
          "formats": { "http-stream": { "content": "data: x\n\n" } } },
        { "channel": "ch\"an", "id": "i\\d", "prev-id": "1",
          "formats": { "http-stream": { "content": nasty } } },
    ]});
    assert_eq!(v, expected);
    // Every control character, one by one.
    for c in (0u8..0x20).map(char::from) {
        let text = format!("a{c}b");
        let mut json = String::new();
        write_items(
            &mut json,
            &[Item {
                channel: "c",
                id: "1",
                prev_id: None,
                content: &text,
            }],
        );
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["items"][0]["formats"]["http-stream"]["content"],
            text.as_str()
        );
    }
}

/// A fake publish endpoint: records each request, answers each with
/// `answer`; the first `refuse` connections fail.
#[derive(Clone)]
struct Endpoint {
    requests: Arc<Mutex<Vec<u8>>>,
    connects: Arc<Mutex<usize>>,
    refuse: usize,
    answer: &'static [u8],
    /// Requests each connection answers before it closes.
    answers: usize,
}

struct Conn {
    endpoint: Endpoint,
    unread: Vec<u8>,
    /// Requests it answers before it closes (end of file instead).
    answers: usize,
}

impl futures_io::AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.unread.len());
        buf[..n].copy_from_slice(&self.unread[..n]);
        self.unread.drain(..n);
        Poll::Ready(Ok(n))
    }
}

impl futures_io::AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.endpoint
            .requests
            .lock()
            .unwrap()
            .extend_from_slice(buf);
        // One answer per request: a request ends with its (whole) body.
        if buf.ends_with(b"]}") && self.answers > 0 {
            self.answers -= 1;
            let answer = self.endpoint.answer;
            self.unread.extend_from_slice(answer);
        }
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nPublished\n";

impl Endpoint {
    fn new(refuse: usize, answer: &'static [u8]) -> Endpoint {
        Endpoint {
            requests: Arc::default(),
            connects: Arc::default(),
            refuse,
            answer,
            answers: usize::MAX,
        }
    }

    fn publisher(&self, runtime: &VirtualRuntime) -> Publisher {
        let endpoint = self.clone();
        let connector = move |url: &Url<'_>| {
            assert_eq!(
                (url.host(), url.port(), url.target()),
                ("pushpin", 5561, "/publish/")
            );
            let mut connects = endpoint.connects.lock().unwrap();
            *connects += 1;
            let result = if *connects <= endpoint.refuse {
                Err(io::Error::from(io::ErrorKind::ConnectionRefused))
            } else {
                Ok(Conn {
                    endpoint: endpoint.clone(),
                    unread: Vec::new(),
                    answers: endpoint.answers,
                })
            };
            std::future::ready(result)
        };
        Publisher::new(
            "http://pushpin:5561",
            connector,
            runtime.clone(),
            Duration::from_secs(5),
        )
        .unwrap()
    }

    /// The bodies posted, as JSON.
    fn bodies(&self) -> Vec<Value> {
        let requests = self.requests.lock().unwrap();
        let text = std::str::from_utf8(&requests).unwrap();
        text.split("POST /publish/ HTTP/1.1\r\n")
            .skip(1)
            .map(|request| {
                let (head, body) = request.split_once("\r\n\r\n").unwrap();
                assert!(head.contains("Content-Type: application/json"), "{head}");
                serde_json::from_str(body).unwrap()
            })
            .collect()
    }

    /// Every item posted: (id, prev-id, content).
    fn items(&self) -> Vec<(String, Option<String>, String)> {
        self.bodies()
            .iter()
            .flat_map(|body| body["items"].as_array().unwrap().clone())
            .map(|item| {
                assert_eq!(item["channel"], "events");
                (
                    item["id"].as_str().unwrap().to_owned(),
                    item["prev-id"].as_str().map(str::to_owned),
                    item["formats"]["http-stream"]["content"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    }
}

#[test]
fn publisher_keeps_its_connection_and_reports_a_refusal() {
    let runtime = VirtualRuntime::new();
    let endpoint = Endpoint::new(0, OK);
    let mut publisher = endpoint.publisher(&runtime);
    let item = Item {
        channel: "events",
        id: "1",
        prev_id: None,
        content: "data: a\n\n",
    };
    runtime.block_on(async {
        publisher.post(&[item]).await.unwrap();
        publisher.post(&[item]).await.unwrap();
    });
    assert_eq!(*endpoint.connects.lock().unwrap(), 1);
    assert_eq!(endpoint.bodies().len(), 2);

    // A kept connection the endpoint closed while idle: the post goes out
    // again on a new one, and succeeds.
    let closing = Endpoint {
        answers: 1,
        ..Endpoint::new(0, OK)
    };
    let mut publisher = closing.publisher(&runtime);
    runtime.block_on(async {
        publisher.post(&[item]).await.unwrap();
        publisher.post(&[item]).await.unwrap();
    });
    assert_eq!(*closing.connects.lock().unwrap(), 2);

    let refusing = Endpoint::new(0, b"HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n");
    let mut publisher = refusing.publisher(&runtime);
    let e = runtime.block_on(publisher.post(&[item])).unwrap_err();
    assert!(matches!(e, GripError::Status(413)), "{e:?}");
    let down = Endpoint::new(1, OK);
    let mut publisher = down.publisher(&runtime);
    let e = runtime.block_on(publisher.post(&[item])).unwrap_err();
    assert!(matches!(e, GripError::Connect(_)), "{e:?}");
    runtime.block_on(publisher.post(&[item])).unwrap();
}

/// Runs a forwarder of `hub`'s topic `events` to `endpoint` while `publish`
/// runs, until the hub is shut down; the errors it reported.
fn forward(
    runtime: &VirtualRuntime,
    hub: &Hub,
    endpoint: &Endpoint,
    publish: impl std::future::Future<Output = ()>,
) -> Vec<String> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let seen = errors.clone();
    let forwarder = Forwarder::new(
        hub.clone(),
        "events",
        endpoint.publisher(runtime),
        runtime.clone(),
    )
    .on_error(move |e| seen.lock().unwrap().push(e.to_string()));
    let hub = hub.clone();
    runtime.block_on(futures_lite::future::zip(forwarder.run(), async move {
        publish.await;
        hub.shutdown();
    }));
    let errors = errors.lock().unwrap().clone();
    errors
}

/// Waits `time` on `rt`'s clock.
async fn sleep(rt: &VirtualRuntime, time: Duration) {
    let mut timer = rt.new_timer(rt.now() + time);
    std::future::poll_fn(|cx| timer.as_mut().poll(cx)).await;
}

/// Yields to the executor once.
async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// The items of events `from..=to` as the hub encodes them, chained.
fn chain(from: u32, to: u32) -> Vec<(String, Option<String>, String)> {
    (from..=to)
        .map(|n| {
            let prev = (n > 1).then(|| (n - 1).to_string());
            (n.to_string(), prev, format!("id: {n}\ndata: e{n}\n\n"))
        })
        .collect()
}

#[test]
fn forwarder_posts_every_event_once_in_order_through_an_outage() {
    let runtime = VirtualRuntime::new();
    // A queue of 2: the outage overflows it, and the forwarder comes back
    // for the rest through the history.
    let hub = Hub::new(HubConfig::new().with_capacity(2));
    let endpoint = Endpoint::new(3, OK);
    let hub2 = hub.clone();
    let rt = runtime.clone();
    let errors = forward(&runtime, &hub, &endpoint, async move {
        yield_now().await;
        for n in 1..=20 {
            hub2.publish("events", EventFrame::new(&format!("e{n}")))
                .unwrap();
            if n % 3 == 0 {
                yield_now().await;
            }
        }
        sleep(&rt, Duration::from_secs(5)).await;
    });
    assert_eq!(endpoint.items(), chain(1, 20));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.contains("cannot connect")),
        "{errors:?}"
    );
}

#[test]
fn forwarder_reports_a_gap_and_keeps_the_chain() {
    let runtime = VirtualRuntime::new();
    // History of 3 events, queue of 1: a long outage loses events.
    let hub = Hub::new(
        HubConfig::new()
            .with_capacity(1)
            .with_history(HistoryLimits::new(3, 1 << 20))
            .with_gap_policy(GapPolicy::Notify),
    );
    let endpoint = Endpoint::new(1, OK);
    let hub2 = hub.clone();
    let rt = runtime.clone();
    let errors = forward(&runtime, &hub, &endpoint, async move {
        yield_now().await;
        for n in 1..=10 {
            hub2.publish("events", EventFrame::new(&format!("e{n}")))
                .unwrap();
        }
        // Time for the retry and the resubscription, before the shutdown.
        sleep(&rt, Duration::from_secs(1)).await;
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("left the log unpublished")),
        "{errors:?}"
    );
    let items = endpoint.items();
    // The chain has no break: each prev-id is the item before.
    for pair in items.windows(2) {
        assert_eq!(pair[1].1.as_deref(), Some(pair[0].0.as_str()));
    }
    assert_eq!(items.last().unwrap().0, "10", "{items:?} {errors:?}");
    // The events lost are said in band, before the first one still held.
    let gap = items
        .iter()
        .position(|(_, _, c)| c.starts_with("event: gap\n"))
        .unwrap();
    assert_eq!(items[gap].2, "event: gap\ndata:\n\nid: 8\ndata: e8\n\n");
}

#[test]
fn forwarder_reports_a_gap_found_at_shutdown() {
    let runtime = VirtualRuntime::new();
    let hub = Hub::new(
        HubConfig::new()
            .with_capacity(1)
            .with_history(HistoryLimits::new(3, 1 << 20)),
    );
    // Pushpin is down until after the shutdown: the forwarder comes back
    // to a hub that no longer takes subscriptions, and a history without 2.
    let endpoint = Endpoint::new(1, OK);
    let hub2 = hub.clone();
    let errors = forward(&runtime, &hub, &endpoint, async move {
        yield_now().await;
        for n in 1..=10 {
            hub2.publish("events", EventFrame::new(&format!("e{n}")))
                .unwrap();
        }
    });
    assert_eq!(endpoint.items(), chain(1, 1));
    assert_eq!(
        errors.last().unwrap(),
        "grip: events after id \"1\" left the log unpublished"
    );
}
