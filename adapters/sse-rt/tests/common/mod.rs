//! In-memory sources for the decoding tests: chunks delivered on a virtual
//! clock, one chunk per millisecond, with `Pending` in between.
#![allow(dead_code, unreachable_pub)] // each test file uses its own share

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::{FusedStream, Stream};
use futures_io::AsyncRead;
use http_body::{Body, Frame};
use sse_rt::test_util::{scenarios, VirtualRuntime};
use sse_rt::{
    AsyncTimer, ByteStreamExt, DecodeBody, DecodeConfig, DecodeReader, Error, ItemOwned, Runtime,
    StreamEnd,
};

/// One step of an in-memory source.
#[derive(Clone, Debug)]
pub enum Step {
    /// A chunk of bytes.
    Bytes(Vec<u8>),
    /// The source fails.
    Fail(io::ErrorKind),
}

/// `bytes` cut before each offset of `cuts` (ascending).
pub fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut from = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        if cut > from {
            steps.push(Step::Bytes(bytes[from..cut].to_vec()));
            from = cut;
        }
    }
    steps
}

/// Chunkings of `len` bytes to try: whole, cut at every offset, byte by byte,
/// and a few pseudo-random ones (a fixed LCG, so every run is the same).
pub fn chunkings(len: usize) -> Vec<Vec<usize>> {
    let mut all = vec![vec![]];
    all.extend((1..len).map(|cut| vec![cut]));
    all.push((1..len).collect());
    let mut state: u64 = 0x5eed;
    for _ in 0..32 {
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            at += 1 + (state >> 59) as usize; // 1 to 32 bytes
            if at >= len {
                break;
            }
            cuts.push(at);
        }
        all.push(cuts);
    }
    all
}

/// Makes a source wait one virtual millisecond before each step.
#[derive(Debug)]
pub struct Pace {
    rt: VirtualRuntime,
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
}

impl Pace {
    pub fn new(rt: &VirtualRuntime) -> Pace {
        Pace {
            rt: rt.clone(),
            timer: None,
        }
    }

    /// `Pending` (woken by the virtual clock) until a millisecond has passed
    /// since the previous step.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let timer = self
            .timer
            .get_or_insert_with(|| self.rt.new_timer(self.rt.now() + Duration::from_millis(1)));
        ready!(timer.as_mut().poll(cx));
        self.timer = None;
        Poll::Ready(())
    }
}

/// A paced `Stream<Item = Result<Bytes, io::Error>>`.
#[derive(Debug)]
pub struct PacedStream {
    steps: VecDeque<Step>,
    pace: Pace,
}

impl PacedStream {
    pub fn new(rt: &VirtualRuntime, steps: Vec<Step>) -> Self {
        PacedStream {
            steps: steps.into(),
            pace: Pace::new(rt),
        }
    }
}

impl Stream for PacedStream {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        ready!(self.pace.poll(cx));
        Poll::Ready(self.steps.pop_front().map(|step| match step {
            Step::Bytes(b) => Ok(Bytes::from(b)),
            Step::Fail(kind) => Err(kind.into()),
        }))
    }
}

/// A paced `AsyncRead` that hands out at most one step per read, and at most
/// `max_read` bytes of it.
#[derive(Debug)]
pub struct PacedReader {
    steps: VecDeque<Step>,
    pace: Pace,
    max_read: usize,
    /// Reads so far, failed ones included.
    pub reads: usize,
}

impl PacedReader {
    pub fn new(rt: &VirtualRuntime, steps: Vec<Step>) -> Self {
        PacedReader {
            steps: steps.into(),
            pace: Pace::new(rt),
            max_read: usize::MAX,
            reads: 0,
        }
    }

    /// Reads return at most `n` bytes.
    pub fn max_read(mut self, n: usize) -> Self {
        self.max_read = n;
        self
    }
}

impl AsyncRead for PacedReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.pace.poll(cx));
        self.reads += 1;
        let max = self.max_read.min(buf.len());
        match self.steps.front_mut() {
            None => Poll::Ready(Ok(0)),
            Some(Step::Fail(kind)) => {
                let kind = *kind;
                self.steps.pop_front();
                Poll::Ready(Err(kind.into()))
            }
            Some(Step::Bytes(bytes)) => {
                let n = bytes.len().min(max);
                buf[..n].copy_from_slice(&bytes[..n]);
                bytes.drain(..n);
                if bytes.is_empty() {
                    self.steps.pop_front();
                }
                Poll::Ready(Ok(n))
            }
        }
    }
}

/// A paced `http_body::Body`: data frames, then a trailers frame.
#[derive(Debug)]
pub struct PacedBody {
    steps: VecDeque<Step>,
    pace: Pace,
    trailers: bool,
}

impl PacedBody {
    pub fn new(rt: &VirtualRuntime, steps: Vec<Step>) -> Self {
        PacedBody {
            steps: steps.into(),
            pace: Pace::new(rt),
            trailers: true,
        }
    }
}

impl Body for PacedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        ready!(self.pace.poll(cx));
        Poll::Ready(match self.steps.pop_front() {
            Some(Step::Bytes(b)) => Some(Ok(Frame::data(Bytes::from(b)))),
            Some(Step::Fail(kind)) => Some(Err(format!("body failed: {kind:?}").into())),
            None if std::mem::take(&mut self.trailers) => {
                let mut trailers = http::HeaderMap::new();
                trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
                Some(Ok(Frame::trailers(trailers)))
            }
            None => None,
        })
    }
}

/// All items of `stream`, run on `rt`'s clock.
pub fn collect<S>(rt: &VirtualRuntime, stream: &mut S) -> Vec<Result<ItemOwned, Error>>
where
    S: Stream<Item = Result<ItemOwned, Error>> + Unpin,
{
    rt.block_on(async {
        let mut items = Vec::new();
        while let Some(item) = scenarios::next(stream).await {
            items.push(item);
        }
        items
    })
}

/// What one source made of a run.
#[derive(Debug)]
pub struct Run {
    pub source: &'static str,
    pub items: Vec<Result<ItemOwned, Error>>,
    pub end: Option<StreamEnd>,
}

/// `steps` decoded with `config` through each of the three sources: a byte
/// stream, a reader, a body. Each run ends with the stream terminated.
pub fn every_source(steps: &[Step], config: DecodeConfig) -> [Run; 3] {
    let rt = VirtualRuntime::new();
    let mut stream = PacedStream::new(&rt, steps.to_vec()).decode_sse_with(config);
    let mut reader = DecodeReader::with_config(PacedReader::new(&rt, steps.to_vec()), config);
    let mut body = DecodeBody::with_config(PacedBody::new(&rt, steps.to_vec()), config);
    let runs = [
        Run {
            source: "stream",
            items: collect(&rt, &mut stream),
            end: stream.stream_end(),
        },
        Run {
            source: "reader",
            items: collect(&rt, &mut reader),
            end: reader.stream_end(),
        },
        Run {
            source: "body",
            items: collect(&rt, &mut body),
            end: body.stream_end(),
        },
    ];
    assert!(stream.is_terminated() && reader.is_terminated() && body.is_terminated());
    runs
}
