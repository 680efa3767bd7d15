//! `EventBody` and the channel on the virtual clock: frames one per poll,
//! keepalives exact to the millisecond and moved by every write, the initial
//! `retry:`, the end, the client going away, and the `http_body::Body` view.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_lite::StreamExt;
use http_body_util::BodyExt;
use sse_rt::server::{channel, EncodedFrame, EventBody, SendError};
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{EventFrame, Frame, Runtime};

const S: fn(u64) -> Duration = Duration::from_secs;
const MS: fn(u64) -> Duration = Duration::from_millis;

/// One poll of a stream with a no-op waker: `Some(item)`, or `None` when
/// pending. Panics if the stream ended.
fn poll_item<St: Stream + Unpin>(stream: &mut St) -> Option<St::Item> {
    match Pin::new(stream).poll_next(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Some(item)) => Some(item),
        Poll::Ready(None) => panic!("the stream ended"),
        Poll::Pending => None,
    }
}

fn text(item: Option<Result<Bytes, std::convert::Infallible>>) -> String {
    let Some(Ok(bytes)) = item else {
        panic!("no frame: {item:?}")
    };
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn keepalives_every_interval_on_an_idle_stream_exactly() {
    let rt = VirtualRuntime::new();
    let (_tx, body) = EventBody::channel(rt.clone(), 4);
    let mut body = body.keepalive(S(15));
    assert_eq!(body.keepalive_interval(), S(15));
    for n in 1..=3 {
        let frame = rt.block_on(body.next());
        assert_eq!(text(frame), ":\n\n");
        assert_eq!(rt.elapsed(), n * S(15), "keepalive {n}");
    }
}

#[test]
fn every_write_moves_the_keepalive_deadline() {
    let rt = VirtualRuntime::new();
    let (tx, body) = EventBody::channel(rt.clone(), 4);
    let mut body = body.keepalive(S(15));
    assert_eq!(poll_item(&mut body), None);
    assert_eq!(rt.next_deadline(), Some(rt.now() + S(15)));

    rt.advance(S(4));
    tx.try_send(EventFrame::new("at 4 s")).unwrap();
    assert_eq!(text(poll_item(&mut body)), "data: at 4 s\n\n");
    assert_eq!(poll_item(&mut body), None);

    // The timer armed for 15 s fires, nothing is due, it is armed for 19 s.
    rt.advance(S(11));
    assert_eq!(poll_item(&mut body), None, "no keepalive at 15 s");
    rt.advance(S(4) - MS(1));
    assert_eq!(poll_item(&mut body), None, "none at 18.999 s");
    rt.advance(MS(1));
    assert_eq!(text(poll_item(&mut body)), ":\n\n", "at 19 s");
    // The keepalive counts as a write: the next one 15 s later.
    rt.advance(S(15) - MS(1));
    assert_eq!(poll_item(&mut body), None);
    rt.advance(MS(1));
    assert_eq!(text(poll_item(&mut body)), ":\n\n", "at 34 s");
    assert_eq!(rt.elapsed(), S(34));
}

#[test]
fn frames_one_per_poll_then_the_end() {
    let rt = VirtualRuntime::new();
    let (tx, body) = EventBody::channel(rt.clone(), 8);
    let mut body = body.retry(MS(2500));
    tx.try_send(EventFrame::new("one\ntwo").with_event_type("multi"))
        .unwrap();
    tx.try_send(Frame::Comment(" note")).unwrap();
    tx.try_send(EventFrame::new("last").with_id("3")).unwrap();
    drop(tx);
    let frames: Vec<String> = rt.block_on((&mut body).map(|f| text(Some(f))).collect());
    assert_eq!(
        frames,
        [
            "retry: 2500\n\n",
            "event: multi\ndata: one\ndata: two\n\n",
            ": note\n\n",
            "id: 3\ndata: last\n\n"
        ]
    );
    assert!(futures_core::FusedStream::is_terminated(&body));
    assert_eq!(rt.elapsed(), Duration::ZERO);
}

#[test]
fn refused_frames_are_errors_at_the_sender() {
    let (tx, _rx) = channel(4);
    for frame in [
        EventFrame::new("x").with_id("1\r\nevent: forged"),
        EventFrame::new("x").with_event_type("a\nb"),
        EventFrame::new("x").with_id("nul\0"),
    ] {
        assert!(matches!(tx.try_send(frame), Err(SendError::Encode(_))));
        let sent = futures_lite::future::block_on(tx.send(frame));
        assert!(matches!(sent, Err(SendError::Encode(_))));
    }
}

#[test]
fn dropping_the_body_closes_the_sender() {
    let rt = VirtualRuntime::new();
    let (tx, body) = EventBody::channel(rt.clone(), 1);
    let mut closed = pin!(tx.closed());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(closed.as_mut().poll(&mut cx).is_pending());
    tx.try_send(EventFrame::new("queued")).unwrap();
    let mut waiting = pin!(tx.send(EventFrame::new("waits for room")));
    assert!(waiting.as_mut().poll(&mut cx).is_pending());
    drop(body); // the client went away
    assert!(closed.as_mut().poll(&mut cx).is_ready());
    assert_eq!(
        waiting.as_mut().poll(&mut cx),
        Poll::Ready(Err(SendError::Closed))
    );
    assert!(tx.is_closed());
    assert_eq!(tx.try_send(Frame::Keepalive), Err(SendError::Closed));
}

#[test]
fn keepalives_off_arm_no_timer() {
    let rt = VirtualRuntime::new();
    let (_tx, body) = EventBody::channel(rt.clone(), 1);
    let mut body = body.keepalive(Duration::ZERO);
    assert_eq!(poll_item(&mut body), None);
    assert_eq!(rt.timers(), 0);
}

#[test]
fn any_stream_of_frames_is_a_source() {
    let rt = VirtualRuntime::new();
    let tokens = ["Hel", "lo", " world"]
        .into_iter()
        .map(|t| EncodedFrame::new(EventFrame::new(t).with_event_type("token")).unwrap())
        .chain([EncodedFrame::new(EventFrame::new("").with_event_type("done")).unwrap()]);
    let body = EventBody::new(futures_lite::stream::iter(tokens), rt.clone()).boxed();
    let all: Vec<u8> = rt
        .block_on(body.map(|f| f.unwrap().to_vec()).collect::<Vec<_>>())
        .concat();
    assert_eq!(
        String::from_utf8(all).unwrap(),
        "event: token\ndata: Hel\n\nevent: token\ndata: lo\n\nevent: token\ndata:  world\n\nevent: done\ndata:\n\n"
    );
}

#[test]
fn an_http_body_of_data_frames() {
    fn is_send<T: Send>(_: &T) {}
    let rt = VirtualRuntime::new();
    let (tx, body) = EventBody::channel(rt.clone(), 4);
    is_send(&body);
    tx.try_send(EventFrame::new("over http")).unwrap();
    drop(tx);
    let mut body = pin!(body.keepalive(S(1)));
    assert!(!http_body::Body::is_end_stream(&*body));
    let frame = rt.block_on(body.frame()).unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "data: over http\n\n");
    assert!(rt.block_on(body.frame()).is_none());
    assert!(http_body::Body::is_end_stream(&*body));
    // The body as hyper or axum collect it.
    let (tx, body) = EventBody::channel(rt.clone(), 4);
    tx.try_send(EventFrame::new("a")).unwrap();
    tx.try_send(EventFrame::new("b")).unwrap();
    drop(tx);
    let all = rt.block_on(BodyExt::collect(body)).unwrap().to_bytes();
    assert_eq!(all, "data: a\n\ndata: b\n\n");
}

/// What axum's `Body::new` and hyper's servers ask of a body.
#[test]
fn fits_axum_and_hyper_bounds() {
    fn takes<B>(_: B)
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
    }
    let rt = VirtualRuntime::new();
    let (_tx, body) = EventBody::channel(rt.clone(), 1);
    takes(body);
    let hub = sse_rt::server::Hub::new(sse_rt::server::HubConfig::new());
    let sub = hub
        .subscribe("t", sse_rt::server::LastEventId::Absent)
        .unwrap();
    takes(EventBody::new(sub, rt));
}
