//! `EventSink` over in-memory writers on the virtual clock: frames whole and
//! flushed, keepalives exact and moved by writes, chunked framing, refused
//! frames, write errors, short writes.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::AsyncWrite;
use sse_rt::server::{channel, EventSink};
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{Error, EventFrame, Frame, Runtime};

const S: fn(u64) -> Duration = Duration::from_secs;

/// A writer that records each flushed write with the virtual time, takes at
/// most `max_write` bytes per write, and fails once `fail_after` bytes are in.
#[derive(Clone)]
struct Recorder {
    rt: VirtualRuntime,
    log: Arc<Mutex<Vec<(Duration, String)>>>,
    pending: Vec<u8>,
    max_write: usize,
    fail_after: usize,
    total: usize,
}

impl Recorder {
    fn new(rt: &VirtualRuntime) -> Recorder {
        Recorder {
            rt: rt.clone(),
            log: Arc::default(),
            pending: Vec::new(),
            max_write: usize::MAX,
            fail_after: usize::MAX,
            total: 0,
        }
    }

    fn log(&self) -> Vec<(Duration, String)> {
        self.log.lock().unwrap().clone()
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.total >= self.fail_after {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let n = buf.len().min(self.max_write);
        self.pending.extend_from_slice(&buf[..n]);
        self.total += n;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let bytes = std::mem::take(&mut self.pending);
        if !bytes.is_empty() {
            let at = self.rt.elapsed();
            self.log
                .lock()
                .unwrap()
                .push((at, String::from_utf8(bytes).unwrap()));
        }
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn forward_writes_each_frame_flushed_with_exact_keepalives() {
    let rt = VirtualRuntime::new();
    let writer = Recorder::new(&rt);
    let mut sink = EventSink::new(writer.clone(), rt.clone()).keepalive(S(10));
    let (tx, rx) = channel(8);
    let producer = {
        let rt = rt.clone();
        async move {
            let mut timer = rt.new_timer(rt.now() + S(4));
            std::future::poll_fn(|cx| timer.as_mut().poll(cx)).await;
            tx.send(EventFrame::new("at 4").with_event_type("t"))
                .await
                .unwrap();
            tx.send(Frame::Comment("also at 4")).await.unwrap();
            timer.as_mut().reset(rt.now() + S(21));
            std::future::poll_fn(|cx| timer.as_mut().poll(cx)).await;
            tx.send(EventFrame::new("at 25")).await.unwrap();
        }
    };
    rt.block_on(async {
        let (sent, forwarded) = futures_lite::future::zip(producer, sink.forward(rx)).await;
        forwarded.expect("forwarded");
        sent
    });
    assert_eq!(
        writer.log(),
        [
            (S(4), "event: t\ndata: at 4\n\n".to_string()),
            (S(4), ":also at 4\n\n".to_string()),
            (S(14), ":\n\n".to_string()),
            (S(24), ":\n\n".to_string()),
            (S(25), "data: at 25\n\n".to_string()),
        ]
    );
}

#[test]
fn chunked_framing_and_the_last_chunk() {
    let rt = VirtualRuntime::new();
    let writer = Recorder::new(&rt);
    let mut sink = EventSink::new(writer.clone(), rt.clone()).chunked(true);
    rt.block_on(async {
        sink.send(EventFrame::new("one\ntwo")).await.unwrap();
        sink.finish().await.unwrap();
    });
    let log: Vec<String> = writer.log().into_iter().map(|(_, s)| s).collect();
    assert_eq!(log, ["15\r\ndata: one\ndata: two\n\n\r\n", "0\r\n\r\n"]);
}

#[test]
fn refused_frames_write_nothing_and_errors_are_typed() {
    let rt = VirtualRuntime::new();
    let writer = Recorder::new(&rt);
    let mut sink = EventSink::new(writer.clone(), rt.clone());
    let refused = rt.block_on(sink.send(EventFrame::new("x").with_id("a\rb")));
    assert!(matches!(refused, Err(Error::Encode(_))), "{refused:?}");
    assert!(writer.log().is_empty());

    let mut gone = Recorder::new(&rt);
    gone.fail_after = 5;
    gone.max_write = 4;
    let mut sink = EventSink::new(gone, rt.clone());
    let failed = rt.block_on(sink.send(EventFrame::new("longer than five")));
    assert!(matches!(failed, Err(Error::Io(ref e)) if e.kind() == io::ErrorKind::BrokenPipe));
}

#[test]
fn short_writes_still_write_whole_frames() {
    let rt = VirtualRuntime::new();
    let mut writer = Recorder::new(&rt);
    writer.max_write = 1;
    let mut sink = EventSink::new(writer.clone(), rt.clone()).chunked(true);
    rt.block_on(sink.send(EventFrame::new("byte by byte")))
        .unwrap();
    assert_eq!(
        writer.log(),
        [(
            Duration::ZERO,
            "14\r\ndata: byte by byte\n\n\r\n".to_string()
        )]
    );
    assert!(format!("{sink:?}").contains("chunked: true"));
}
