//! One subscriber process: opens its share of the connections, records every
//! event's delivery latency and sequence number, and reports to the
//! coordinator over stdout (commands come on stdin).
//!
//! Lines out: `progress OPENED ERRORS` while ramping, `ready HELD ERRORS`
//! once every connection opened (or the ramp timed out), and after the
//! coordinator's `end PUBLISHED` line, `result JSON` (see [`WorkerResult`]).

use std::cell::RefCell;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use serde_json::{json, Value};
use sse_tokio::sse_proto::http::{
    parse_response, BodyDecoder, HttpLimits, Parsed, Url, EMPTY_HEADER,
};
use sse_tokio::sse_proto::{self, Decoder};
use sse_tokio::{EventSource, Item, ReadyState, Request, TokioIo, TokioRuntime};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_stream::StreamExt;

use crate::hist::Histogram;
use crate::payload::{decode, now_us};
use crate::probe::cpu_ms;

/// What a worker is asked to do.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// The event stream URL (`http://127.0.0.1:8080/events`).
    pub url: String,
    /// Connections this worker opens.
    pub conns: usize,
    /// The global index of its first connection (for the source address).
    pub first: usize,
    /// Source addresses 127.0.0.1 .. 127.0.0.N, round robin over the global
    /// index (each gives its own ephemeral port range).
    pub sources: u8,
    /// Connections opened per second by this worker (0: all at once).
    pub ramp: f64,
    /// Give up waiting for connections to open after this long.
    pub ramp_timeout: Duration,
    /// After `end`, how long delivery may stall before the worker reports.
    pub drain: Duration,
    /// Over HTTP/2 (h2c, prior knowledge): how many connections the streams
    /// share; 0 for HTTP/1.1, a socket per stream.
    pub h2: usize,
    /// Read the streams with a lean reader (our core's HTTP/1.1 head parser,
    /// chunked de-framer and decoder straight on the socket: no reconnects,
    /// no owned items) instead of the `EventSource`.
    pub raw: bool,
}

/// One connection's sequence bookkeeping.
#[derive(Default)]
struct Conn {
    seen: Vec<u64>,
    distinct: u64,
    duplicates: u64,
    out_of_order: u64,
    highest: Option<u64>,
    opens: u64,
    open: bool,
}

impl Conn {
    fn receive(&mut self, seq: u64) {
        let (word, bit) = ((seq / 64) as usize, 1u64 << (seq % 64));
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        if self.seen[word] & bit != 0 {
            self.duplicates += 1;
            return;
        }
        self.seen[word] |= bit;
        self.distinct += 1;
        match self.highest {
            Some(h) if seq < h => self.out_of_order += 1,
            _ => self.highest = Some(seq),
        }
    }

    /// Sequence numbers below `published` this connection never got.
    fn lost(&self, published: u64) -> u64 {
        let got: u64 = (0..published)
            .filter(|s| {
                let w = (s / 64) as usize;
                self.seen.get(w).is_some_and(|x| x & (1 << (s % 64)) != 0)
            })
            .count() as u64;
        published - got
    }
}

/// Everything shared by one worker's connection tasks (one thread).
#[derive(Default)]
struct Shared {
    latency: Histogram,
    opened: u64,
    errors: u64,
    received: u64,
    foreign: u64,
    first_rx: u64,
    last_rx: u64,
}

/// A worker's report, as the coordinator reads it back.
#[derive(Clone, Debug, Default)]
pub struct WorkerResult {
    /// Connections that opened at least once.
    pub opened: u64,
    /// Connections open at the end.
    pub held: u64,
    /// Connections that had to open again.
    pub reconnects: u64,
    /// Transient errors the event sources reported (failed connects, drops).
    pub errors: u64,
    /// Events received, duplicates included.
    pub received: u64,
    /// Events whose data the tool did not write.
    pub foreign: u64,
    /// Sequence numbers never received, summed over the connections that opened.
    pub lost: u64,
    /// Sequence numbers received twice or more (each extra copy).
    pub duplicates: u64,
    /// Events that came after a higher sequence number.
    pub out_of_order: u64,
    /// First and last receipt, µs since the epoch (0 when none).
    pub first_rx: u64,
    /// See `first_rx`.
    pub last_rx: u64,
    /// The worker's CPU time (ms) from `ready` to its report.
    pub cpu_ms: u64,
    /// Delivery latencies.
    pub latency: Histogram,
}

impl WorkerResult {
    /// The JSON of a `result` line.
    pub fn to_json(&self) -> Value {
        json!({
            "opened": self.opened, "held": self.held, "reconnects": self.reconnects,
            "errors": self.errors, "received": self.received, "foreign": self.foreign,
            "lost": self.lost, "duplicates": self.duplicates, "out_of_order": self.out_of_order,
            "first_rx": self.first_rx, "last_rx": self.last_rx, "cpu_ms": self.cpu_ms,
            "latency": self.latency.to_json(),
        })
    }

    /// Reads [`to_json`](WorkerResult::to_json)'s form; `None` when a field
    /// is missing.
    pub fn from_json(v: &Value) -> Option<WorkerResult> {
        let n = |k: &str| v.get(k).and_then(Value::as_u64);
        Some(WorkerResult {
            opened: n("opened")?,
            held: n("held")?,
            reconnects: n("reconnects")?,
            errors: n("errors")?,
            received: n("received")?,
            foreign: n("foreign")?,
            lost: n("lost")?,
            duplicates: n("duplicates")?,
            out_of_order: n("out_of_order")?,
            first_rx: n("first_rx")?,
            last_rx: n("last_rx")?,
            cpu_ms: n("cpu_ms")?,
            latency: Histogram::from_json(v.get("latency")?)?,
        })
    }

    /// Adds another worker's report to this one.
    pub fn merge(&mut self, o: &WorkerResult) {
        self.opened += o.opened;
        self.held += o.held;
        self.reconnects += o.reconnects;
        self.errors += o.errors;
        self.received += o.received;
        self.foreign += o.foreign;
        self.lost += o.lost;
        self.duplicates += o.duplicates;
        self.out_of_order += o.out_of_order;
        self.cpu_ms += o.cpu_ms;
        self.latency.merge(&o.latency);
        if o.first_rx != 0 && (self.first_rx == 0 || o.first_rx < self.first_rx) {
            self.first_rx = o.first_rx;
        }
        self.last_rx = self.last_rx.max(o.last_rx);
    }
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // The coordinator gone means nobody reads the report: nothing to do.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn source(config: &WorkerConfig, index: usize) -> IpAddr {
    let k = usize::from(config.sources.max(1));
    IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        0,
        1 + ((config.first + index) % k) as u8,
    ))
}

/// A TCP connection from source address `src` to `host` (an IP) : `port`.
async fn connect_from(src: IpAddr, host: &str, port: u16) -> std::io::Result<TcpStream> {
    let ip: IpAddr = host
        .parse()
        .map_err(|_| std::io::Error::other("sse-load connects to IP addresses only"))?;
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(src, 0))?;
    let stream = socket.connect(SocketAddr::new(ip, port)).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

fn event_source(
    config: &WorkerConfig,
    index: usize,
    h2: &[sse_reqwest::ReqwestTransport],
) -> Result<EventSource, sse_tokio::Error> {
    let request = Request::get(config.url.clone())?;
    let builder = EventSource::builder(request)
        .idle_timeout(None)
        .reconnect_time(Duration::from_millis(500));
    if !h2.is_empty() {
        let transport = h2[index % h2.len()].clone();
        return Ok(builder.build_with_transport(TokioRuntime, transport));
    }
    let src = source(config, index);
    let connector = sse_tokio::client::tcp_connector(move |host: String, port| async move {
        connect_from(src, &host, port).await.map(TokioIo::new)
    });
    Ok(builder.build(TokioRuntime, connector))
}

/// Counts one event's receipt: latency, sequence number.
fn on_event(data: &str, conn: &RefCell<Conn>, shared: &RefCell<Shared>) {
    let now = now_us();
    let mut s = shared.borrow_mut();
    s.received += 1;
    if s.first_rx == 0 {
        s.first_rx = now;
    }
    s.last_rx = now;
    match decode(data) {
        Some((seq, sent)) => {
            s.latency.record(now.saturating_sub(sent));
            conn.borrow_mut().receive(seq);
        }
        None => s.foreign += 1,
    }
}

fn on_open(conn: &RefCell<Conn>, shared: &RefCell<Shared>) {
    let mut c = conn.borrow_mut();
    c.opens += 1;
    c.open = true;
    if c.opens == 1 {
        shared.borrow_mut().opened += 1;
    }
}

/// The lean reader: one `GET`, the head checked (200, `text/event-stream`),
/// then the body de-framed and decoded as it arrives, until the server
/// closes or something fails (an error; there is no reconnect).
async fn run_raw(src: IpAddr, url: String, conn: Rc<RefCell<Conn>>, shared: Rc<RefCell<Shared>>) {
    if raw_stream(src, &url, &conn, &shared).await.is_err() {
        shared.borrow_mut().errors += 1;
    }
    conn.borrow_mut().open = false;
}

async fn raw_stream(
    src: IpAddr,
    url: &str,
    conn: &RefCell<Conn>,
    shared: &RefCell<Shared>,
) -> Result<(), Box<dyn std::error::Error>> {
    let url = Url::parse(url)?;
    let mut stream = connect_from(src, url.host(), url.port()).await?;
    let request = format!(
        "GET {} HTTP/1.1\r\nhost: {}:{}\r\naccept: text/event-stream\r\n\r\n",
        url.target(),
        url.host(),
        url.port()
    );
    stream.write_all(request.as_bytes()).await?;
    let limits = HttpLimits::default();
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    let (mut body, head_len) = loop {
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Err("closed before the response head".into());
        }
        filled += n;
        let mut headers = [EMPTY_HEADER; 32];
        if let Parsed::Complete(head) = parse_response(&buf[..filled], &mut headers, &limits)? {
            if head.status != 200 || !head.is_event_stream() {
                return Err(format!("status {}", head.status).into());
            }
            break (BodyDecoder::new(head.framing()?, limits), head.head_len);
        }
        if filled == buf.len() {
            return Err("response head over 16 KiB".into());
        }
    };
    on_open(conn, shared);
    let mut decoder = Decoder::new().with_comments(false);
    let (mut start, mut end) = (head_len, filled);
    loop {
        let mut input = &buf[start..end];
        while !input.is_empty() {
            let chunk = body.decode(input)?;
            input = &input[chunk.consumed..];
            let mut feed = decoder.feed(chunk.data);
            while let Some(item) = feed.next_item() {
                if let sse_proto::Item::Event(event) = item? {
                    on_event(event.data(), conn, shared);
                }
            }
        }
        if body.is_done() {
            return Ok(());
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err("the server closed the stream".into());
        }
        (start, end) = (0, n);
    }
}

async fn run_conn(mut es: EventSource, conn: Rc<RefCell<Conn>>, shared: Rc<RefCell<Shared>>) {
    while let Some(item) = es.next().await {
        let open = es.ready_state() == ReadyState::Open;
        match item {
            Ok(Item::Event(event)) => on_event(&event.data, &conn, &shared),
            Ok(Item::Open { .. }) => on_open(&conn, &shared),
            Err(_) => shared.borrow_mut().errors += 1,
            Ok(_) => {}
        }
        conn.borrow_mut().open = open;
    }
    conn.borrow_mut().open = false;
}

/// Runs a worker to completion on the current thread (stdin/stdout as
/// described in the module docs).
///
/// # Errors
///
/// When the runtime cannot start, the URL is not `http`, or stdin fails.
pub fn run(config: WorkerConfig) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, work(config))
}

async fn work(config: WorkerConfig) -> Result<(), Box<dyn std::error::Error>> {
    let shared = Rc::new(RefCell::new(Shared::default()));
    let mut conns = Vec::with_capacity(config.conns);
    let h2: Vec<_> = (0..config.h2)
        .map(|_| {
            sse_reqwest::client_builder()
                .http2_prior_knowledge()
                .build()
                .map(sse_reqwest::ReqwestTransport::new)
        })
        .collect::<Result<_, _>>()?;
    let start = tokio::time::Instant::now();
    for i in 0..config.conns {
        if config.ramp > 0.0 {
            let at = start + Duration::from_secs_f64(i as f64 / config.ramp);
            tokio::time::sleep_until(at).await;
        }
        let conn = Rc::new(RefCell::new(Conn::default()));
        conns.push(conn.clone());
        if config.raw {
            let src = source(&config, i);
            tokio::task::spawn_local(run_raw(src, config.url.clone(), conn, shared.clone()));
        } else {
            let es = event_source(&config, i, &h2)?;
            tokio::task::spawn_local(run_conn(es, conn, shared.clone()));
        }
        if i % 100 == 99 {
            let s = shared.borrow();
            say(&format!("progress {} {}", s.opened, s.errors));
        }
    }
    let deadline = tokio::time::Instant::now() + config.ramp_timeout;
    loop {
        let (opened, errors) = {
            let s = shared.borrow();
            (s.opened, s.errors)
        };
        say(&format!("progress {opened} {errors}"));
        if opened as usize >= config.conns || tokio::time::Instant::now() >= deadline {
            let held = conns.iter().filter(|c| c.borrow().open).count();
            say(&format!("ready {held} {errors}"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let cpu_ready = cpu_ms("self").unwrap_or(0);

    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let published: u64 = loop {
        match lines.next_line().await? {
            Some(line) => {
                if let Some(n) = line.strip_prefix("end ") {
                    break n.trim().parse()?;
                }
            }
            None => return Ok(()),
        }
    };

    // Drain: until every open connection has every event, or nothing new
    // arrived for `drain`.
    let opened = shared.borrow().opened;
    let want = published * opened;
    let mut last = (shared.borrow().received, tokio::time::Instant::now());
    loop {
        let distinct: u64 = conns.iter().map(|c| c.borrow().distinct).sum();
        let received = shared.borrow().received;
        if distinct >= want {
            break;
        }
        if received != last.0 {
            last = (received, tokio::time::Instant::now());
        } else if last.1.elapsed() >= config.drain {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let s = shared.borrow();
    let mut result = WorkerResult {
        opened: s.opened,
        errors: s.errors,
        received: s.received,
        foreign: s.foreign,
        first_rx: s.first_rx,
        last_rx: s.last_rx,
        cpu_ms: cpu_ms("self").unwrap_or(0).saturating_sub(cpu_ready),
        latency: s.latency.clone(),
        ..WorkerResult::default()
    };
    for c in &conns {
        let c = c.borrow();
        if c.opens == 0 {
            continue;
        }
        result.held += u64::from(c.open);
        result.reconnects += c.opens - 1;
        result.lost += c.lost(published);
        result.duplicates += c.duplicates;
        result.out_of_order += c.out_of_order;
    }
    say(&format!("result {}", result.to_json()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conn_counts_gaps_duplicates_and_order() {
        let mut c = Conn::default();
        for s in [0, 1, 3, 2, 3, 70] {
            c.receive(s);
        }
        assert_eq!(c.distinct, 5);
        assert_eq!(c.duplicates, 1);
        assert_eq!(c.out_of_order, 1); // 2 after 3; the second 3 is a duplicate
        assert_eq!(c.lost(72), 72 - 5);
        assert_eq!(c.lost(4), 0);
    }
}
