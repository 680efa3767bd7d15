//! A scripted in-memory server for the event source tests: a connector whose
//! connections replay scripts on the virtual clock and record the requests.
#![allow(dead_code, unreachable_pub)] // each test file uses its own share

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use sse_rt::sse_proto::http::Url;
use sse_rt::test_util::VirtualRuntime;
use sse_rt::{AsyncTimer, Connector, Runtime};

/// One step of a scripted connection.
#[derive(Clone, Debug)]
pub enum Step {
    /// Wait this many virtual milliseconds.
    Wait(u64),
    /// Hand out these bytes (one read each, or more when the reader's buffer
    /// is small).
    Bytes(Vec<u8>),
    /// Fail the next read.
    Fail(io::ErrorKind),
    /// Never answer again (the read stays pending).
    Hang,
}

/// What the server does with one connection attempt.
#[derive(Clone, Debug)]
pub enum Accept {
    /// Refuse it with this error.
    Refuse(io::ErrorKind),
    /// Never connect.
    Hang,
    /// Connect after `delay` ms, then play `steps`; end of file after them.
    Serve { delay: u64, steps: Vec<Step> },
}

/// `steps` served at once.
pub fn serve(steps: Vec<Step>) -> Accept {
    Accept::Serve { delay: 0, steps }
}

/// One response, whole, then end of file.
pub fn respond(bytes: &[u8]) -> Accept {
    serve(vec![Step::Bytes(bytes.to_vec())])
}

/// `text` as a step.
pub fn bytes(text: &str) -> Step {
    Step::Bytes(text.as_bytes().to_vec())
}

/// The head of a response that opens the stream, until close.
pub const OPEN: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

/// What the server saw of one connection.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// The URL the client connected for.
    pub url: String,
    /// Everything the client wrote.
    pub request: Vec<u8>,
    /// The size of the buffer of each read that got bytes.
    pub reads: Vec<usize>,
}

impl Seen {
    /// The request as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.request).into_owned()
    }

    /// The values of header `name` (case-insensitive) in the request.
    pub fn header(&self, name: &str) -> Vec<String> {
        let text = self.text();
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_string();
        head.split("\r\n")
            .skip(1)
            .filter_map(|line| line.split_once(": "))
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_string())
            .collect()
    }

    /// The request line.
    pub fn request_line(&self) -> String {
        self.text()
            .split("\r\n")
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// The body after the head.
    pub fn body(&self) -> Vec<u8> {
        let text = &self.request;
        match text.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(at) => text[at + 4..].to_vec(),
            None => Vec::new(),
        }
    }
}

/// The scripted server; clones share it.
#[derive(Clone, Debug)]
pub struct Server {
    rt: VirtualRuntime,
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    script: Mutex<VecDeque<Accept>>,
    seen: Mutex<Vec<Arc<Mutex<Seen>>>>,
    /// Connect futures and connections alive.
    alive: AtomicUsize,
    /// Connect attempts, refused ones included.
    attempts: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Server {
    /// A server answering attempts in the order of `script`; attempts past
    /// its end are refused.
    pub fn new(rt: &VirtualRuntime, script: Vec<Accept>) -> Server {
        Server {
            rt: rt.clone(),
            inner: Arc::new(Inner {
                script: Mutex::new(script.into()),
                ..Inner::default()
            }),
        }
    }

    /// The connector for an event source.
    pub fn connector(&self) -> impl Connector {
        let server = self.clone();
        move |url: &Url<'_>| server.connect(url)
    }

    fn connect(&self, url: &Url<'_>) -> Connect {
        self.inner.attempts.fetch_add(1, Ordering::SeqCst);
        let accept = lock(&self.inner.script)
            .pop_front()
            .unwrap_or(Accept::Refuse(io::ErrorKind::ConnectionRefused));
        let seen = Arc::new(Mutex::new(Seen {
            url: format!(
                "{}://{}{}",
                if url.is_https() { "https" } else { "http" },
                url.authority(),
                url.target()
            ),
            request: Vec::new(),
            reads: Vec::new(),
        }));
        self.inner.alive.fetch_add(1, Ordering::SeqCst);
        Connect {
            server: self.clone(),
            accept: Some(accept),
            seen,
            timer: None,
        }
    }

    /// The connections made (accepted or not), in order.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.inner.seen)
            .iter()
            .map(|s| lock(s).clone())
            .collect()
    }

    /// Connect attempts so far.
    pub fn attempts(&self) -> usize {
        self.inner.attempts.load(Ordering::SeqCst)
    }

    /// Connect futures and connections not yet dropped.
    pub fn alive(&self) -> usize {
        self.inner.alive.load(Ordering::SeqCst)
    }
}

/// A connect in progress.
pub struct Connect {
    server: Server,
    accept: Option<Accept>,
    seen: Arc<Mutex<Seen>>,
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
}

impl Drop for Connect {
    fn drop(&mut self) {
        self.server.inner.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Future for Connect {
    type Output = io::Result<MockIo>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match this.accept.clone() {
            None | Some(Accept::Hang) => Poll::Pending,
            Some(Accept::Refuse(kind)) => {
                this.accept = None;
                Poll::Ready(Err(kind.into()))
            }
            Some(Accept::Serve { delay, steps }) => {
                if delay > 0 {
                    let rt = this.server.rt.clone();
                    let timer = this.timer.get_or_insert_with(|| {
                        rt.new_timer(rt.now() + Duration::from_millis(delay))
                    });
                    ready!(timer.as_mut().poll(cx));
                }
                this.accept = None;
                lock(&this.server.inner.seen).push(this.seen.clone());
                this.server.inner.alive.fetch_add(1, Ordering::SeqCst);
                Poll::Ready(Ok(MockIo {
                    server: this.server.clone(),
                    steps: steps.into(),
                    seen: this.seen.clone(),
                    timer: None,
                }))
            }
        }
    }
}

/// An accepted connection.
pub struct MockIo {
    server: Server,
    steps: VecDeque<Step>,
    seen: Arc<Mutex<Seen>>,
    timer: Option<Pin<Box<dyn AsyncTimer>>>,
}

impl Drop for MockIo {
    fn drop(&mut self) {
        self.server.inner.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AsyncRead for MockIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        loop {
            match this.steps.front_mut() {
                None => return Poll::Ready(Ok(0)),
                Some(Step::Hang) => return Poll::Pending,
                Some(Step::Wait(ms)) => {
                    let rt = this.server.rt.clone();
                    let ms = *ms;
                    let timer = this
                        .timer
                        .get_or_insert_with(|| rt.new_timer(rt.now() + Duration::from_millis(ms)));
                    ready!(timer.as_mut().poll(cx));
                    this.timer = None;
                    this.steps.pop_front();
                }
                Some(Step::Fail(kind)) => {
                    let kind = *kind;
                    this.steps.pop_front();
                    return Poll::Ready(Err(kind.into()));
                }
                Some(Step::Bytes(bytes)) => {
                    lock(&this.seen).reads.push(buf.len());
                    let n = bytes.len().min(buf.len());
                    buf[..n].copy_from_slice(&bytes[..n]);
                    bytes.drain(..n);
                    if bytes.is_empty() {
                        this.steps.pop_front();
                    }
                    return Poll::Ready(Ok(n));
                }
            }
        }
    }
}

impl AsyncWrite for MockIo {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        lock(&self.seen).request.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
