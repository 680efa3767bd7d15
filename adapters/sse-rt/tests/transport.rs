//! The EventSource over a `Transport` (an HTTP client doing the exchange) on
//! the virtual clock: the same decisions as over a connector, the same items.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use sse_rt::test_util::scenarios::next;
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{
    AsyncTimer, Attempt, Error, ErrorKind, EventSource, EventSourceBuilder, FailReason, Item, Mode,
    Request, Runtime, StatusPolicy, Transport, TransportRequest, TransportResponse,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// One piece of a scripted body.
#[derive(Clone, Debug)]
enum Piece {
    Data(&'static str),
    Wait(u64),
    Fail,
    Hang,
}

/// What the transport does with one request.
#[derive(Clone, Debug)]
enum Reply {
    /// No response: the exchange fails.
    Fail,
    /// The exchange never completes.
    Hang,
    /// A response: status, headers, body pieces (then the end).
    Respond(u16, Vec<(&'static str, &'static str)>, Vec<Piece>),
}

fn open(pieces: Vec<Piece>) -> Reply {
    Reply::Respond(200, vec![("content-type", "text/event-stream")], pieces)
}

/// A request as the transport got it.
#[derive(Clone, Debug)]
struct Sent {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Bytes>,
}

#[derive(Clone)]
struct Scripted {
    rt: VirtualRuntime,
    replies: Arc<Mutex<VecDeque<Reply>>>,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Scripted {
    fn new(rt: &VirtualRuntime, replies: Vec<Reply>) -> Scripted {
        Scripted {
            rt: rt.clone(),
            replies: Arc::new(Mutex::new(replies.into())),
            sent: Arc::default(),
        }
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    fn transport(&self) -> impl Transport {
        let this = self.clone();
        move |request: TransportRequest<'_>| {
            this.sent.lock().unwrap().push(Sent {
                method: request.method().into(),
                url: request.url().into(),
                headers: request
                    .headers()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                body: request.body(),
            });
            let reply = this
                .replies
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Reply::Fail);
            let rt = this.rt.clone();
            async move {
                match reply {
                    Reply::Fail => Err(io::Error::from(io::ErrorKind::ConnectionRefused)),
                    Reply::Hang => std::future::pending().await,
                    Reply::Respond(status, headers, pieces) => {
                        let mut map = http::HeaderMap::new();
                        for (n, v) in headers {
                            map.append(n, http::HeaderValue::from_static(v));
                        }
                        let body = Body {
                            rt,
                            pieces: pieces.into(),
                            timer: None,
                        };
                        Ok(TransportResponse::new(status, map, body))
                    }
                }
            }
        }
    }
}

/// A scripted body on the virtual clock.
struct Body {
    rt: VirtualRuntime,
    pieces: VecDeque<Piece>,
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
}

impl Stream for Body {
    type Item = io::Result<&'static str>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match this.pieces.front() {
                None => return Poll::Ready(None),
                Some(Piece::Hang) => return Poll::Pending,
                Some(Piece::Wait(n)) => {
                    let at = this.rt.now() + ms(*n);
                    let rt = this.rt.clone();
                    let timer = this.timer.get_or_insert_with(|| rt.new_timer(at));
                    ready!(timer.as_mut().poll(cx));
                    this.timer = None;
                    this.pieces.pop_front();
                }
                Some(Piece::Fail) => {
                    this.pieces.pop_front();
                    return Poll::Ready(Some(Err(io::ErrorKind::ConnectionReset.into())));
                }
                Some(Piece::Data(d)) => {
                    let d = *d;
                    this.pieces.pop_front();
                    return Poll::Ready(Some(Ok(d)));
                }
            }
        }
    }
}

fn show(item: &Result<Item, Error>) -> String {
    match item {
        Ok(Item::Open { status, .. }) => format!("open {status}"),
        Ok(Item::Event(e)) => format!("event {} {}", e.data, e.last_event_id),
        Ok(Item::Comment(c)) => format!("comment{c}"),
        Ok(Item::Retry(d)) => format!("retry {}", d.as_millis()),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("error {:?}", e.kind()),
    }
}

/// Runs `es` to its end: `(elapsed ms, item)`.
fn run(rt: &VirtualRuntime, es: &mut EventSource) -> Vec<(u64, String)> {
    rt.block_on(async {
        let mut items = Vec::new();
        while let Some(item) = next(es).await {
            items.push((rt.elapsed().as_millis() as u64, show(&item)));
        }
        items
    })
}

fn builder(url: &str) -> EventSourceBuilder {
    EventSource::builder(Request::get(url).unwrap())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn items_reconnect_with_last_event_id_and_the_sse_headers() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(
        &rt,
        vec![
            open(vec![
                Piece::Data("retry: 200\n: hi\n\nid: 1\nda"),
                Piece::Wait(50),
                Piece::Data("ta: a\n\nid: 2\ndata: cut"),
            ]),
            open(vec![Piece::Data("data: b\n\n"), Piece::Fail]),
            Reply::Respond(204, vec![], vec![]),
        ],
    );
    let mut es =
        builder("https://example.com/events").build_with_transport(rt.clone(), script.transport());
    assert_eq!(
        run(&rt, &mut es),
        [
            (0, "open 200".to_string()),
            (0, "retry 200".into()),
            (0, "comment hi".into()),
            (50, "event a 1".into()),
            // The partial event is dropped; one error per drop.
            (50, "error Ended".into()),
            (250, "open 200".into()),
            (250, "event b 1".into()),
            (250, "error Io".into()),
        ]
    );
    let sent = script.sent();
    assert_eq!(sent.len(), 3);
    let sse = [
        ("Accept", "text/event-stream"),
        ("Cache-Control", "no-cache"),
    ];
    assert_eq!(sent[0].headers, pairs(&sse));
    assert_eq!(
        sent[1].headers,
        pairs(&[sse[0], sse[1], ("Last-Event-ID", "1")])
    );
    assert_eq!(
        (sent[1].method.as_str(), sent[1].url.as_str()),
        ("GET", "https://example.com/events")
    );
    let Some(Error::Status(refused)) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(refused.reason, FailReason::NoContent);
}

#[test]
fn redirects_statuses_and_types_are_the_event_source_decisions() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(
        &rt,
        vec![
            Reply::Respond(303, vec![("location", "/next?a=1")], vec![]),
            Reply::Respond(307, vec![("location", "https://other.example/x")], vec![]),
            Reply::Respond(
                500,
                vec![("content-type", "application/json"), ("x-request-id", "r1")],
                vec![
                    Piece::Data("{\"error\":"),
                    Piece::Wait(10),
                    Piece::Data("\"down\"}"),
                ],
            ),
        ],
    );
    let request = Request::post("https://api.example/v1", "{}")
        .unwrap()
        .with_header("Authorization", "Bearer k");
    let mut es = EventSource::builder(request).build_with_transport(rt.clone(), script.transport());
    assert!(run(&rt, &mut es).is_empty());
    let sent = script.sent();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].body.as_deref(), Some(&b"{}"[..]));
    // 303: a GET without the body, same origin keeps the credentials.
    assert_eq!(
        (
            sent[1].method.as_str(),
            sent[1].url.as_str(),
            sent[1].body.is_none()
        ),
        ("GET", "https://api.example/next?a=1", true)
    );
    assert!(sent[1]
        .headers
        .contains(&("Authorization".into(), "Bearer k".into())));
    // Another origin: the credentials are dropped.
    assert_eq!(sent[2].url, "https://other.example/x");
    assert!(!sent[2].headers.iter().any(|(n, _)| n == "Authorization"));
    let Some(Error::Status(refused)) = es.fail_reason() else {
        panic!("{:?}", es.fail_reason())
    };
    assert_eq!(refused.status, 500);
    assert_eq!(refused.body, b"{\"error\":\"down\"}");
    assert_eq!(refused.headers["x-request-id"], "r1");

    // A wrong type fails for good; a redirect without Location too.
    for (reply, kind) in [
        (
            Reply::Respond(200, vec![("content-type", "text/html")], vec![]),
            ErrorKind::Status,
        ),
        (Reply::Respond(302, vec![], vec![]), ErrorKind::Redirect),
    ] {
        let script = Scripted::new(&rt, vec![reply]);
        let mut es =
            builder("https://example.com/").build_with_transport(rt.clone(), script.transport());
        assert!(run(&rt, &mut es).is_empty());
        assert_eq!(es.fail_reason().unwrap().kind(), kind);
    }
}

#[test]
fn transient_statuses_and_failed_exchanges_are_retried() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(
        &rt,
        vec![
            Reply::Respond(429, vec![("retry-after", "2")], vec![]),
            Reply::Fail,
            open(vec![Piece::Data("data: ok\n\n")]),
        ],
    );
    let mut es = builder("https://example.com/")
        .status_policy(StatusPolicy::RetryTransient)
        .reconnect_time(ms(100))
        .retry_budget(Some(3))
        .build_with_transport(rt.clone(), script.transport());
    assert_eq!(
        run(&rt, &mut es),
        [
            (0, "error Status".to_string()),
            // Retry-After (2 s), then 100 ms after the failed exchange.
            (2100, "open 200".into()),
            (2100, "event ok ".into()),
            (2100, "error Ended".into()),
        ]
    );
    // The budget: three refused exchanges after the healthy connection.
    assert_eq!(script.sent().len(), 6);
    let Some(Error::Failed { reason, cause }) = es.fail_reason() else {
        panic!()
    };
    assert_eq!(*reason, FailReason::RetryBudget { retries: 3 });
    assert_eq!(cause.as_ref().unwrap().kind(), ErrorKind::Connect);
}

#[test]
fn connect_and_idle_timeouts_on_a_transport() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(
        &rt,
        vec![
            Reply::Hang,
            open(vec![
                Piece::Data("data: a\n\n"),
                Piece::Wait(400),
                Piece::Data(": k\n"),
                Piece::Hang,
            ]),
        ],
    );
    let mut es = builder("https://example.com/")
        .mode(Mode::Replayable)
        .connect_timeout(Some(ms(300)))
        .idle_timeout(Some(ms(500)))
        .reconnect_time(ms(0))
        .retry_budget(Some(1))
        .build_with_transport(rt.clone(), script.transport());
    assert_eq!(
        run(&rt, &mut es),
        [
            (300, "error Timeout".to_string()),
            (300, "open 200".into()),
            (300, "event a ".into()),
            (700, "comment k".into()),
            // 500 ms after the keepalive.
            (1200, "error Timeout".into()),
        ]
    );
    assert_eq!(script.sent().len(), 3);
}

#[test]
fn one_shot_and_replayable_bodies_and_a_request_per_attempt() {
    let rt = VirtualRuntime::new();
    let dropped = || open(vec![Piece::Data("data: x\n\n"), Piece::Fail]);
    // One-shot: never sent again; the cut stream is the reason.
    let script = Scripted::new(&rt, vec![dropped(), dropped()]);
    let mut es = EventSource::builder(Request::post("https://h/v1", "{}").unwrap())
        .build_with_transport(rt.clone(), script.transport());
    assert_eq!(run(&rt, &mut es).len(), 2);
    assert_eq!(script.sent().len(), 1);
    assert!(matches!(
        es.fail_reason(),
        Some(Error::Failed {
            reason: FailReason::Interrupted,
            ..
        })
    ));
    // Replayable, a token per attempt: the body goes again.
    let script = Scripted::new(&rt, vec![dropped(), Reply::Respond(204, vec![], vec![])]);
    let mut n = 0;
    let requests = move |_: &Attempt<'_>| {
        n += 1;
        Request::post("https://h/v1", "{}").map(|r| r.with_header("Authorization", format!("t{n}")))
    };
    let mut es = EventSource::builder(requests)
        .mode(Mode::Replayable)
        .reconnect_time(ms(0))
        .build_with_transport(rt.clone(), script.transport());
    run(&rt, &mut es);
    let sent = script.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].body.as_deref(), Some(&b"{}"[..]));
    assert_eq!(
        sent[1].headers.last().unwrap(),
        &("Authorization".into(), "t2".into())
    );
    // No ID yet: no `Last-Event-ID`.
    assert!(!sent[1].headers.iter().any(|(n, _)| n == "Last-Event-ID"));
}

#[test]
fn a_request_that_cannot_be_written_never_reaches_the_transport() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(&rt, vec![open(vec![])]);
    let request = Request::get("https://h/")
        .unwrap()
        .with_header("X", "a\r\nInjected: 1");
    let mut es = EventSource::builder(request).build_with_transport(rt.clone(), script.transport());
    assert!(run(&rt, &mut es).is_empty());
    assert!(script.sent().is_empty());
    assert_eq!(es.fail_reason().unwrap().kind(), ErrorKind::Request);
}

#[test]
fn restart_and_close_cancel_an_exchange() {
    let rt = VirtualRuntime::new();
    let script = Scripted::new(
        &rt,
        vec![
            Reply::Hang,
            open(vec![Piece::Data("data: a\n\n"), Piece::Hang]),
        ],
    );
    let mut es = builder("https://h/").build_with_transport(rt.clone(), script.transport());
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert!(Pin::new(&mut es).poll_next(&mut cx).is_pending());
    es.restart();
    let got = rt.block_on(async {
        [
            show(&next(&mut es).await.unwrap()),
            show(&next(&mut es).await.unwrap()),
        ]
    });
    assert_eq!(got, ["open 200", "event a "]);
    es.close();
    assert!(rt.block_on(next(&mut es)).is_none());
    assert_eq!(script.sent().len(), 2);
    assert_eq!(rt.elapsed(), Duration::ZERO);
}
